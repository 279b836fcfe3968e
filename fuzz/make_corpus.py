#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (committed; rerun to regenerate).

The TS seeds come from fuzz/corpus-src/seed.ts, a 0.4 s ffmpeg test pattern (see
docs/FUZZING.md), cut into the analyzer target's records: a control byte (1 ms steps) and a
188-byte packet each.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


URLS = [
    "srt://:9000",
    "srt://127.0.0.1:9000?latency=200&mode=caller",
    "srt://[::1]:9000?mode=listener&maxclients=50",
    "srt://203.0.113.10:4200?passphrase=correct-horse-battery&pbkeylen=32&latency=500",
    "srt://198.51.100.7:9000?streamid=%23!::r=feed1,m=publish",
    "srt://gw.test:9000?mode=rendezvous&port=9100&adapter=10.0.0.1",
    "srt://:9000?packetfilter=fec,cols:10,rows:5,layout:staircase,arq:always&tlpktdrop=1",
    "srt://h.test:1?maxbw=-1&inputbw=0&oheadbw=25&conntimeo=3000&peeridletimeo=5000",
    "srt://:9?payloadsize=1316&rcvbuf=12058624&sndbuf=12058624&fc=25600&ipttl=64&iptos=184",
    "udp://:5000",
    "udp://239.1.1.1:5000?ttl=8&adapter=eth1",
    "udp://232.1.1.1:5000?source=10.1.1.1&interface=lo&rcvbuf=8388608",
    "udp://127.0.0.1:5002?iptos=46&sndbuf=65536",
]

STREAM_IDS = [
    "camera-1",
    "#!::r=live/cam1,u=alice,s=tok3n,m=publish,h=gw.example,t=stream",
    "%23!::u=bob,s=secret-token,r=feed",
    "#!::s=,r=x",
    "#!::r=a,r=b",
    "#!::",
    "#!::srtgw_x=1,s=abc",
    "#!::bad key=1",
]

BODIES = [
    # (op, body): op % 4 = input, output, webhook, webhook; op & 4 = PATCH
    (0, {"type": "srt", "mode": "listener", "listen_port": 9000, "latency_ms": 200,
         "name": "Venue A"}),
    (0, {"type": "srt", "mode": "caller", "target_addr": "10.0.0.5:9000",
         "passphrase": "correct-horse-battery", "pbkeylen": 32, "stream_id": "#!::r=a"}),
    (0, {"type": "srt", "mode": "rendezvous", "target_addr": "[::1]:9000", "listen_port": 9001,
         "fec": {"cols": 10, "rows": 5, "layout": "staircase", "arq": "always"}}),
    (0, {"type": "udp", "listen_port": 5000, "bind_addr": "239.1.1.1",
         "multicast_source": "10.1.1.1", "interface": "lo"}),
    (1, {"type": "udp", "input_id": 1, "destination_addr": "127.0.0.1:5002", "ttl": 8,
         "tos": 46}),
    (1, {"type": "srt", "mode": "listener", "input_id": 1, "listen_port": 9001,
         "max_clients": 50, "enabled": False}),
    (1, {"type": "srt", "mode": "caller", "input_id": 2, "target_addr": "gw.test:9000",
         "local_addr": "127.0.0.1", "local_port": 4000, "max_bw": -1, "tlpktdrop": True}),
    (4, {"latency_ms": 500, "passphrase": None}),
    (5, {"listen_port": 9100, "name": "moved"}),
    (0, {"type": "srt", "listen_port": "9000", "bogus": 1}),
    (0, [1, 2, 3]),
    (2, {"url": "http://127.0.0.1:8080/hook?x=1", "events": ["input.state", "client."],
         "secret": "0123456789abcdef", "enabled": True, "name": "ops"}),
    (2, {"url": "http://[::1]:9/", "events": []}),
    (6, {"events": None, "secret": None}),
    (3, {"url": "https://example.test/"}),
]

REQUESTS = [
    "GET /api/v1/inputs",
    "POST /api/v1/inputs",
    "GET /api/v1/inputs/1",
    "PATCH /api/v1/outputs/12?x=1",
    "DELETE /api/v1/webhooks/3",
    "GET /api/v1/events?type=input.&page=2&per_page=100",
    "GET /api/v1/inputs/1/analysis",
    "POST /api/v1/inputs/7/analysis/reset",
    "GET /api/v1/inputs/abc/stats",
    "GET /api/v1/inputs/%31/outputs/",
    "PUT /api/v1/status",
    "GET /metrics",
    "GET /healthz?",
    "GET /api/v1/%2e%2e/inputs",
    "GET /api/v1/webhooks/1/deliveries?page=0",
    "GET /api/v1/openapi.json?a+b=c%20d&&e",
]


def main():
    for i, u in enumerate(URLS):
        write("url", f"seed-{i:02d}", u)
    for i, s in enumerate(STREAM_IDS):
        write("stream_id", f"seed-{i:02d}", s)
    for i, (op, body) in enumerate(BODIES):
        write("stream_config", f"seed-{i:02d}", bytes([op]) + json.dumps(body).encode())
    write("stream_config", "seed-bad-json", b"\x00{\"type\":")
    for i, r in enumerate(REQUESTS):
        write("router", f"seed-{i:02d}", r)
    ts = (ROOT / "corpus-src" / "seed.ts").read_bytes()
    packets = [ts[i:i + 188] for i in range(0, len(ts) - 187, 188)]
    records = lambda pkts, ctrl: b"".join(bytes([ctrl]) + p for p in pkts)
    write("ts_analyzer", "seed-ffmpeg", records(packets, 0x0A))        # 1 ms apart
    write("ts_analyzer", "seed-psi", records(packets[:12], 0x0B))      # 10 ms apart
    write("ts_analyzer", "seed-datagrams", records(packets[:21], 0x8A))  # datagram mode
    write("ts_analyzer", "seed-ticks", records(packets[:14], 0xFC))    # 3.1 s apart, ticks


if __name__ == "__main__":
    main()
