#!/usr/bin/env bash
# Soak: 100 SRT streams at 2 Mbps each through one `srtgw serve` for a set time, sampling
# the gateway's CPU, RSS, open fds, threads and SRT loss periodically; writes a table into
# docs/RELIABILITY.md (between the soak markers). Not part of CI.
#
#   bench/soak.sh [--minutes N (30)] [--streams N (100)] [--mbps R (2)] [--interval S (30)]
#                 [--latency MS (200)] [--no-doc]
#
# Topology (all loopback):
#   srtgw-bench-gen --UDP--> feeder (srtgw relay: 1 UDP input, N SRT caller outputs)
#     --SRT x N--> gateway under test (srtgw serve: N SRT listener inputs, each with a UDP
#     output) --UDP x N--> srtgw-bench-sink (N ports: per-port loss by sequence number)
# The feeder sends one stream N times, so the gateway carries N distinct SRT connections.
# Only the gateway's figures are sampled. Every process is started here and stopped by pid.
source "$(dirname "$0")/lib.sh"

MINUTES=30
STREAMS=100
MBPS=2
INTERVAL=30
LATENCY=200
WRITE_DOC=1
while (($#)); do
  case $1 in
    --minutes) MINUTES=$2; shift 2 ;;
    --streams) STREAMS=$2; shift 2 ;;
    --mbps) MBPS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --latency) LATENCY=$2; shift 2 ;;
    --no-doc) WRITE_DOC=0; shift ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "soak: unknown argument $1" >&2; exit 2 ;;
  esac
done
bench_init soak
DOC=${SOAK_DOC:-$REPO_ROOT/docs/RELIABILITY.md}
SECONDS_TOTAL=$(calc "%d" "$MINUTES * 60")
PASSWORD=soak-admin-password-$$
DB=$BENCH_OUT/soak.db

wait_quiet
echo "soak: $STREAMS streams x $MBPS Mbps for $MINUTES min, samples every ${INTERVAL}s (load at start $QUIET_NOTE)" >&2

# The gateway under test.
BG_SPLIT=1 bg_start "$BENCH_OUT/gw.out" env SRTGW_ADMIN_PASSWORD="$PASSWORD" "$SRTGW" serve \
  --listen 127.0.0.1:0 --db "$DB" --log-level info
GW_PID=$BG_PID
wait_for 20 grep -qs 'serving http://' "$BENCH_OUT/gw.out.err" || { echo "soak: srtgw did not start" >&2; exit 1; }
GW_PORT=$(grep -oE 'serving http://[^ ]*:[0-9]+' "$BENCH_OUT/gw.out.err" | tail -1 | sed 's/.*://')
API=http://127.0.0.1:$GW_PORT
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"'"$PASSWORD"'"}' "$API/api/v1/auth/login" | jq -r '.token // empty' 2>/dev/null)
AUTH=()
[[ -n $TOKEN ]] && AUTH=(-H "Authorization: Bearer $TOKEN")
api() { curl -s "${AUTH[@]}" "$@"; }

# The sink first: its ports become the outputs' destinations.
bg_start "$BENCH_OUT/sink.json" "$SINK" --ports "$STREAMS" --seconds $((SECONDS_TOTAL + 120)) --idle-ms 5000
SINK_PID=$BG_PID
wait_for 10 grep -qs ports "$BENCH_OUT/sink.json" || { echo "soak: sink did not start" >&2; exit 1; }
read -r -a SINK_PORTS <<<"$(head -1 "$BENCH_OUT/sink.json" | jq -r '.ports | map(tostring) | join(" ")')"

# N listener inputs, each with a UDP output to its sink port.
LISTEN_PORTS=()
for ((i = 0; i < STREAMS; i++)); do
  in=$(api -X POST -H 'Content-Type: application/json' "$API/api/v1/inputs" \
    -d '{"type":"srt","mode":"listener","listen_port":0,"bind_addr":"127.0.0.1","latency_ms":'"$LATENCY"',"name":"soak-'$i'"}')
  id=$(jq -r '.id' <<<"$in")
  LISTEN_PORTS+=("$(jq -r '.local_port' <<<"$in")")
  api -o /dev/null -X POST -H 'Content-Type: application/json' "$API/api/v1/outputs" \
    -d '{"type":"udp","input_id":'"$id"',"destination_addr":"127.0.0.1:'"${SINK_PORTS[$i]}"'"}'
done
[[ ${#LISTEN_PORTS[@]} == "$STREAMS" && ${LISTEN_PORTS[0]} != null ]] || { echo "soak: could not create streams" >&2; exit 1; }

# The feeder: one UDP input, N SRT caller outputs.
urls=()
for p in "${LISTEN_PORTS[@]}"; do urls+=("srt://127.0.0.1:$p?latency=$LATENCY"); done
bg_start "$BENCH_OUT/feeder.json" "$SRTGW" relay --stats-interval 5000 udp://127.0.0.1:0 "${urls[@]}"
FEEDER_PID=$BG_PID
FEED_PORT=$(srtgw_port "$BENCH_OUT/feeder.json" '.inputs[0].local_port') || { echo "soak: feeder did not start" >&2; exit 1; }
# "connected": data flowing. Before the generator starts, a publisher with nothing to send
# is "stalled", which is up as far as the connection goes.
connected() { api "$API/api/v1/status" | jq '[.inputs[] | select(.state == "connected")] | length'; }
up() { api "$API/api/v1/status" | jq '[.inputs[] | select(.state == "connected" or .state == "stalled")] | length'; }
wait_for 60 test "$(up)" == "$STREAMS" || echo "soak: only $(up) of $STREAMS publishers connected" >&2

bg_start "$BENCH_OUT/gen.json" "$GEN" --dest "127.0.0.1:$FEED_PORT" --mbps "$MBPS" --seconds "$SECONDS_TOTAL"
GEN_PID=$BG_PID

# Samples: CPU over the interval (% of one core), RSS, fds, threads, and SRT receive-side
# loss (lost = gaps seen, mostly repaired; dropped = gave up, too late) summed over inputs.
SAMPLES=$BENCH_OUT/samples.tsv
printf 'min\tcpu_pct\trss_mib\tfds\tthreads\tconnected\tsrt_lost\tsrt_dropped\n' >"$SAMPLES"
metric_sum() { api "$API/metrics" | awk -v m="$1" -v d="$2" 'index($0, m "{") == 1 && index($0, "kind=\"input\"") && index($0, d) {s += $NF} END {printf "%d", s}'; }
sample() {  # sample ELAPSED_S TICKS_BEFORE SECONDS
  local t1 cpu
  t1=$(cpu_ticks "$GW_PID")
  cpu=$(calc "%.1f" "($t1 - $2) * 100 / $CLK_TCK / $3")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(calc "%.1f" "$1 / 60")" "$cpu" \
    "$(calc "%.1f" "$(rss_kb "$GW_PID") / 1024")" "$(ls "/proc/$GW_PID/fd" | wc -l)" \
    "$(awk '/^Threads:/ {print $2}' "/proc/$GW_PID/status")" "$(connected)" \
    "$(metric_sum srtgw_srt_packets_lost_total 'direction="receive"')" \
    "$(metric_sum srtgw_srt_packets_dropped_total 'direction="receive"')" | tee -a "$SAMPLES" >&2
  LAST_TICKS=$t1
}
START=$(date +%s)
LAST_TICKS=$(cpu_ticks "$GW_PID")
LAST_T=$START
sample 0 "$LAST_TICKS" 1
while kill -0 "$GEN_PID" 2>/dev/null; do
  sleep 1
  now=$(date +%s)
  if ((now - LAST_T >= INTERVAL)) || ! kill -0 "$GEN_PID" 2>/dev/null; then
    sample $((now - START)) "$LAST_TICKS" $((now - LAST_T > 0 ? now - LAST_T : 1))
    LAST_T=$now
  fi
  kill -0 "$GW_PID" 2>/dev/null || { echo "soak: srtgw died" >&2; break; }
done
wait_pid "$SINK_PID" 30 || stop_pid "$SINK_PID"
SENT=$(json_last "$BENCH_OUT/gen.json" '.sent // .datagrams // 0')
read -r UNIQUE LOST <<<"$(json_last "$BENCH_OUT/sink.json" '"\(.total.unique) \(.total.lost)"')"
echo "soak: sink: unique $UNIQUE, lost $LOST (sequence gaps over $STREAMS ports); generator sent $SENT per port" >&2

# The table for docs/RELIABILITY.md.
TABLE=$BENCH_OUT/table.md
{
  echo "Soak of $(date -u +%Y-%m-%d) on $(nproc) cores ($(uname -r)), srtgw $(git -C "$REPO_ROOT" rev-parse --short HEAD): $STREAMS SRT streams x $MBPS Mbps, latency $LATENCY ms, $MINUTES min; load average at start $QUIET_NOTE (load1/busy cores before the run)."
  echo
  echo "| minute | CPU % of a core | RSS MiB | fds | threads | connected | SRT lost (repaired or not) | SRT dropped |"
  echo "|---|---|---|---|---|---|---|---|"
  tail -n +2 "$SAMPLES" | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}'
  echo
  echo "End to end (sink, by sequence number): $UNIQUE datagrams received, $LOST missing, over $STREAMS streams."
} >"$TABLE"
cat "$TABLE"
if ((WRITE_DOC)) && [[ -f $DOC ]] && grep -q '<!-- soak:begin -->' "$DOC"; then
  awk -v table="$TABLE" '
    /<!-- soak:begin -->/ {print; while ((getline l < table) > 0) print l; skip = 1; next}
    /<!-- soak:end -->/ {skip = 0}
    !skip {print}' "$DOC" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC"
  echo "soak: table written to $DOC" >&2
fi
