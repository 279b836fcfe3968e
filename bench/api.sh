#!/usr/bin/env bash
# The control plane under load (issue: control plane benchmark).
# 100 inputs x 3 outputs configured (10 inputs carrying 2 Mbps each), then:
#   - wrk on GET /api/v1/status and GET /api/v1/inputs/{id}/stats: requests/s, p99 latency;
#   - restart: time to restore all 400 streams (the log's "restored ... in N ms", and the
#     wall time until the API answers with every stream running);
#   - RSS and thread count with the 400 streams idle.
# Targets: >= 10,000 req/s and p99 < 10 ms for stats; restore < 2 s; RSS < 256 MB.
source "$(dirname "$0")/lib.sh"
bench_init api
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || true; }
command -v wrk >/dev/null || { echo "api: wrk not found (apt-get install wrk)" >&2; exit 2; }

INPUTS=${INPUTS:-100}
LIVE=${LIVE:-10}
WRK_S=${WRK_S:-10}
DB=$BENCH_OUT/srtgw.db

api_port() { grep -oE 'serving http://[^ ]*:[0-9]+' "$1" | tail -1 | sed 's/.*://'; }

start_gateway() {  # start_gateway LOG -> GW_PID, GW_PORT
  bg_start "$1" "$SRTGW" serve --listen 127.0.0.1:0 --db "$DB" --log-level info
  GW_PID=$BG_PID
  wait_for 20 grep -q 'serving http://' "$1" || { echo "api: srtgw did not start" >&2; exit 1; }
  GW_PORT=$(api_port "$1")
}

post() { curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$GW_PORT$1"; }

wait_quiet
start_gateway "$BENCH_OUT/gw1.log"
read -r -a sink_ports <<<"$(free_ports 1)"
bg_start "$BENCH_OUT/sink.json" "$SINK" --listen "127.0.0.1:${sink_ports[0]}" --seconds 600
live_ports=()
for ((i = 1; i <= INPUTS; i++)); do
  if ((i <= LIVE)); then
    code=$(post /api/v1/inputs '{"type":"udp","listen_port":0,"bind_addr":"127.0.0.1","name":"live-'$i'"}')
  else
    code=$(post /api/v1/inputs '{"type":"srt","mode":"listener","listen_port":0,"name":"idle-'$i'"}')
  fi
  [[ $code == 201 ]] || { echo "api: creating input $i gave $code" >&2; exit 1; }
  post /api/v1/outputs '{"type":"udp","input_id":'$i',"destination_addr":"127.0.0.1:'"${sink_ports[0]}"'"}' >/dev/null
  post /api/v1/outputs '{"type":"udp","input_id":'$i',"destination_addr":"127.0.0.1:9"}' >/dev/null
  post /api/v1/outputs '{"type":"srt","mode":"listener","input_id":'$i',"listen_port":0}' >/dev/null
done
for ((i = 1; i <= LIVE; i++)); do
  live_ports+=("$(curl -s "http://127.0.0.1:$GW_PORT/api/v1/inputs/$i" | jq .local_port)")
done
gen_args=()
for p in "${live_ports[@]}"; do gen_args+=(--dest "127.0.0.1:$p"); done
bg_start "$BENCH_OUT/gen.json" "$GEN" "${gen_args[@]}" --mbps 2 --seconds $((WRK_S * 2 + 20))
sleep 3  # let the live inputs reach steady state before measuring (pacing, not an event)

run_wrk() {  # run_wrk PATH -> "rps p99_ms"
  wrk -t2 -c32 -d"${WRK_S}s" --latency "http://127.0.0.1:$GW_PORT$1" >"$BENCH_OUT/wrk-$(basename "$1").txt" 2>&1
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$BENCH_OUT/wrk-$(basename "$1").txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$BENCH_OUT/wrk-$(basename "$1").txt")
  echo "$rps $p99"
}
read -r stats_rps stats_p99 <<<"$(run_wrk /api/v1/inputs/5/stats)"
read -r status_rps status_p99 <<<"$(run_wrk /api/v1/status)"
gw_cpu_note=$(curl -s "http://127.0.0.1:$GW_PORT/api/v1/status" | jq -r '.system | "\(.threads) threads, \(.memory_rss_bytes/1048576|floor) MiB"')

# Restart: every stream comes back.
stop_pid "$GW_PID"
t0=$(date +%s%N)
start_gateway "$BENCH_OUT/gw2.log"
wait_for 30 bash -c "curl -s http://127.0.0.1:$GW_PORT/api/v1/status | jq -e '[.inputs[] | select(.state != \"stopped\" and .state != \"error\")] | length == $INPUTS' >/dev/null"
t1=$(date +%s%N)
restore_wall_ms=$(((t1 - t0) / 1000000))
restore_log_ms=$(grep -oE 'restored .* in [0-9]+ ms' "$BENCH_OUT/gw2.log" | grep -oE '[0-9]+ ms' | tail -1 | cut -d' ' -f1)
running=$(curl -s "http://127.0.0.1:$GW_PORT/api/v1/status" | jq '[.inputs[].outputs[] | select(.state != "stopped" and .state != "error")] | length')
sleep 2  # idle figures after the restore settles (a pause, not an event)
idle_rss_mb=$(($(rss_kb "$GW_PID") / 1024))
idle_threads=$(awk '/^Threads:/ {print $2}' "/proc/$GW_PID/status")

ok() { awk "BEGIN {exit !($1)}" && echo met || echo MISSED; }
table=$(mktemp)
{
  echo "### Control plane: $INPUTS inputs x 3 outputs, $LIVE carrying 2 Mbps"
  echo
  echo "$(machine_line)"
  echo
  echo "| measure | figure | target | |"
  echo "|---|---|---|---|"
  echo "| GET /api/v1/inputs/{id}/stats | $stats_rps req/s, p99 $stats_p99 ms | >= 10,000 req/s, p99 < 10 ms | $(ok "$stats_rps >= 10000 && $stats_p99 < 10") |"
  echo "| GET /api/v1/status (400 streams) | $status_rps req/s, p99 $status_p99 ms | — | |"
  echo "| restore of $INPUTS inputs + $((INPUTS * 3)) outputs | ${restore_log_ms} ms in the engine; ${restore_wall_ms} ms from exec to all running ($running outputs running) | < 2 s | $(ok "$restore_wall_ms < 2000") |"
  echo "| idle RSS / threads after restore | ${idle_rss_mb} MiB / ${idle_threads} threads | RSS < 256 MB | $(ok "$idle_rss_mb < 256") |"
  echo "| while loaded (first run) | $gw_cpu_note | | |"
  echo
  echo "wrk -t2 -c32 -d${WRK_S}s on the same 2-core machine as srtgw (wrk takes CPU from it)."
  echo "Threads: libsrt runs a receive and a send thread per bound port (here 200 SRT listening ports), which dominates the count."
} >"$table"
cat "$table"
results_update api "$table"
rm -f "$table"
