import { describe, expect, it } from 'vitest';
import { parseStreamUrl, UrlError } from './url';

describe('parseStreamUrl: SRT', () => {
  it('a URL without a host is a listener', () => {
    const { values, ignored } = parseStreamUrl('srt://:9000?latency=200', 'input');
    expect(values).toMatchObject({ type: 'srt', mode: 'listener', listen_port: '9000', latency_ms: '200', bind_addr: '' });
    expect(ignored).toEqual([]);
  });

  it('a URL with a host is a caller, mode= overrides', () => {
    expect(parseStreamUrl('srt://203.0.113.10:4200', 'input').values)
      .toMatchObject({ mode: 'caller', target_addr: '203.0.113.10:4200' });
    expect(parseStreamUrl('srt://10.0.0.1:9000?mode=listener', 'input').values)
      .toMatchObject({ mode: 'listener', bind_addr: '10.0.0.1', listen_port: '9000' });
    expect(parseStreamUrl('SRT://127.0.0.1:9000?mode=caller', 'output').values)
      .toMatchObject({ type: 'srt', mode: 'caller', target_addr: '127.0.0.1:9000' });
  });

  it('rendezvous binds the same port unless port= says otherwise', () => {
    expect(parseStreamUrl('srt://198.51.100.7:9000?mode=rendezvous', 'input').values)
      .toMatchObject({ mode: 'rendezvous', target_addr: '198.51.100.7:9000', listen_port: '9000' });
    expect(parseStreamUrl('srt://198.51.100.7:9000?mode=rendezvous&port=9100&adapter=10.1.1.1', 'output').values)
      .toMatchObject({ listen_port: '9100', local_addr: '10.1.1.1' });
  });

  it('maps libsrt option names to API fields', () => {
    const { values } = parseStreamUrl(
      'srt://203.0.113.10:4200?passphrase=correct-horse-battery&pbkeylen=32&latency=500' +
        '&rcvlatency=300&peerlatency=400&maxbw=-1&inputbw=1000000&oheadbw=25&tlpktdrop=0' +
        '&conntimeo=3000&peeridletimeo=5000&payloadsize=1316&ipttl=64&iptos=184&port=7000',
      'input');
    expect(values).toMatchObject({
      passphrase: 'correct-horse-battery', pbkeylen: '32', latency_ms: '500', rcv_latency_ms: '300',
      peer_latency_ms: '400', max_bw: '-1', input_bw: '1000000', overhead_pct: '25',
      tlpktdrop: 'false', conn_timeout_ms: '3000', peer_idle_timeout_ms: '5000',
      payload_size: '1316', ttl: '64', tos: '184', local_port: '7000',
    });
  });

  it('keeps a stream id with a raw # or %23 and = signs', () => {
    expect(parseStreamUrl('srt://198.51.100.7:9000?streamid=#!::r=feed1,m=publish', 'output').values.stream_id)
      .toBe('#!::r=feed1,m=publish');
    expect(parseStreamUrl('srt://198.51.100.7:9000?streamid=%23!::r=feed1&latency=120', 'output').values)
      .toMatchObject({ stream_id: '#!::r=feed1', latency_ms: '120' });
  });

  it('reads FEC from packetfilter and maxclients for listener outputs only', () => {
    const out = parseStreamUrl('srt://:9001?packetfilter=fec,cols:10,rows:5,layout:staircase,arq:always&maxclients=50', 'output');
    expect(out.values).toMatchObject({ fec_enabled: true, fec_cols: '10', fec_rows: '5', fec_layout: 'staircase', fec_arq: 'always', max_clients: '50' });
    expect(parseStreamUrl('srt://:9001?maxclients=50', 'input').ignored).toEqual(['maxclients']);
  });

  it('names the keys it cannot use', () => {
    expect(parseStreamUrl('srt://:9000?colour=blue&latency=1', 'input').ignored).toEqual(['colour']);
  });

  it('handles IPv6 addresses', () => {
    expect(parseStreamUrl('srt://[::1]:9000', 'input').values.target_addr).toBe('[::1]:9000');
  });

  it('refuses what it cannot read', () => {
    expect(() => parseStreamUrl('http://x:1', 'input')).toThrow(UrlError);
    expect(() => parseStreamUrl('srt://host', 'input')).toThrow(/port/);
    expect(() => parseStreamUrl('srt://:70000', 'input')).toThrow(/65535/);
    expect(() => parseStreamUrl('srt://:9000?mode=caller', 'input')).toThrow(/host/);
    expect(() => parseStreamUrl('srt://:9000?mode=weird', 'input')).toThrow(/mode/);
    expect(() => parseStreamUrl('srt://:9000?packetfilter=xor', 'input')).toThrow(/fec/);
  });
});

describe('parseStreamUrl: UDP', () => {
  it('an input listens on the port, an address is local or a multicast group', () => {
    expect(parseStreamUrl('udp://:5000', 'input').values).toMatchObject({ type: 'udp', listen_port: '5000', bind_addr: '' });
    expect(parseStreamUrl('udp://239.1.1.1:5000?source=10.0.0.9&adapter=eth1', 'input').values)
      .toMatchObject({ bind_addr: '239.1.1.1', listen_port: '5000', multicast_source: '10.0.0.9', interface: 'eth1' });
  });

  it('an output sends to the address', () => {
    expect(parseStreamUrl('udp://239.1.1.1:5000?ttl=8&adapter=10.0.0.2&iptos=184', 'output').values)
      .toMatchObject({ destination_addr: '239.1.1.1:5000', ttl: '8', local_addr: '10.0.0.2', tos: '184' });
    expect(() => parseStreamUrl('udp://:5000', 'output')).toThrow(/destination/);
  });

  it('clears address fields that an earlier paste may have set', () => {
    const v = parseStreamUrl('udp://127.0.0.1:5002', 'output').values;
    expect(v.target_addr).toBe('');
    expect(v.listen_port).toBe('');
  });
});
