#!/usr/bin/env bash
# delay.sh: delivery delay and output jitter through a relay.
#
#   gen --UDP--> RELAY --SRT(latency=L)--> RECEIVER (caller) --UDP--> sink
#
# RELAY and RECEIVER are each srtgw or srt-live-transmit (all four pairs), so every
# relay is measured behind the same receivers. The generator stamps each datagram with
# its CLOCK_MONOTONIC send time; the sink takes the kernel receive time (same host, same
# clock), so delay - L is what the chain adds on top of SRT's configured latency.
# Jitter is |(r_i - r_i-1) - (s_i - s_i-1)| between consecutive packets at the UDP output
# (RFC 3550's D, so the generator's own pacing cancels out).
#
# Env: BENCH_DELAY_RATES ("10 100" Mbps), BENCH_LATENCY (120 ms), BENCH_SECONDS (12).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init delay

RATES=${BENCH_DELAY_RATES:-10 100}
L=${BENCH_LATENCY:-120}
DUR=${BENCH_SECONDS:-12}
TSV=$BENCH_OUT/delay.tsv
printf 'relay\treceiver\trate\tsent\tunique\tloss_pct\tmin\tp50\tp99\tp999\tmax\tjit_p50\tjit_p99\tjit_max\tload\tnote\n' >"$TSV"

slt_accepted() { grep -qs "Accepted SRT target connection" "$1"; }
srtgw_clients() { [[ $(json_last "$1" '.inputs[0].outputs[0].connected_clients // 0') -ge 1 ]]; }
slt_ready() { grep -qs "Media path" "$1"; }

run_point() {
  local relay=$1 recv=$2 rate=$3 dir note="" P Q S relay_pid recv_pid sink_pid gen_pid
  dir=$BENCH_OUT/$relay-$recv-$rate
  mkdir -p "$dir"
  wait_quiet
  local load=$QUIET_NOTE
  bg_start "$dir/sink.json" "$SINK" --ports 1 --seconds $((DUR + 40)) --idle-ms 1000
  sink_pid=$BG_PID
  wait_for 5 grep -qs ports "$dir/sink.json"
  S=$(head -1 "$dir/sink.json" | jq '.ports[0]')
  if [[ $relay == srtgw ]]; then
    BG_SPLIT=1 bg_start "$dir/relay.log" "$SRTGW" relay --stats-interval 500 "${SRTGW_RELAY_ARGV[@]}" \
      "udp://127.0.0.1:0" "srt://:0?latency=$L"
    relay_pid=$BG_PID
    P=$(srtgw_port "$dir/relay.log" '.inputs[0].local_port')
    Q=$(srtgw_port "$dir/relay.log" '.inputs[0].outputs[0].local_port')
  else
    read -r P Q <<<"$(free_ports 2)"
    bg_start "$dir/relay.log" "$SLT" "udp://:$P" "srt://:$Q?latency=$L"
    relay_pid=$BG_PID
    wait_for 5 slt_ready "$dir/relay.log"
    sleep 0.2
  fi
  if [[ $recv == srtgw ]]; then
    BG_SPLIT=1 bg_start "$dir/recv.log" "$SRTGW" relay --stats-interval 1000 "${SRTGW_RELAY_ARGV[@]}" \
      "srt://127.0.0.1:$Q?latency=$L" "udp://127.0.0.1:$S"
  else
    bg_start "$dir/recv.log" "$SLT" "srt://127.0.0.1:$Q?latency=$L" "udp://127.0.0.1:$S"
  fi
  recv_pid=$BG_PID
  if [[ $relay == srtgw ]]; then
    wait_for 10 srtgw_clients "$dir/relay.log" || note="receiver did not connect"
  else
    wait_for 10 slt_accepted "$dir/relay.log" || note="receiver did not connect"
  fi
  sleep 0.3
  bg_start "$dir/gen.json" "$GEN" --dest "127.0.0.1:$P" --mbps "$rate" --seconds "$DUR"
  gen_pid=$BG_PID
  wait_pid "$gen_pid" $((DUR + 10)) || stop_pid "$gen_pid"
  wait_pid "$sink_pid" $((L / 1000 + 8)) || stop_pid "$sink_pid"
  stop_pid "$recv_pid"
  stop_pid "$relay_pid"

  local sent unique loss row
  sent=$(json_last "$dir/gen.json" '.sent')
  [[ -n $sent ]] || { sent=0; note="${note:+$note; }generator failed"; }
  unique=$(json_last "$dir/sink.json" '.total.unique // 0')
  [[ -n $unique ]] || unique=0
  loss=$(calc "%.3f" "$sent > 0 ? ($sent - $unique) * 100 / $sent : 100")
  local late
  late=$(json_last "$dir/gen.json" '.max_late_us // 0')
  if awk -v l="${late:-0}" 'BEGIN {exit !(l > 5000)}'; then
    note="${note:+$note; }generator descheduled for up to $(calc "%.1f" "${late:-0} / 1000") ms, then sent a catch-up burst"
  fi
  row=$(grep '^{' "$dir/sink.json" | tail -1 | jq -r --argjson L "$L" \
    '.ports[0] | [.delay_ms.min - $L, .delay_ms.p50 - $L, .delay_ms.p99 - $L, .delay_ms.p999 - $L, .delay_ms.max - $L,
      .jitter_ms.p50, .jitter_ms.p99, .jitter_ms.max] | map(. * 1000 | round / 1000 | tostring) | join("\t")' 2>/dev/null)
  [[ -n $row ]] || row=$'-\t-\t-\t-\t-\t-\t-\t-'
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$relay" "$recv" "$rate" "$sent" "$unique" "$loss" \
    "$row" "$load" "${note:--}" >>"$TSV"
  printf '  relay %-5s receiver %-5s %4s Mbps  loss %6s %%  delay-L min/p50/p99/max %s  jitter p50/p99/max %s  (load %s)%s\n' \
    "$relay" "$recv" "$rate" "$loss" "$(cut -f1-3,5 <<<"$row" | tr '\t' /)" "$(cut -f6-8 <<<"$row" | tr '\t' /)" \
    "$load" "${note:+  [$note]}" >&2
}

for rate in $RATES; do
  for recv in srtgw slt; do
    for relay in srtgw slt; do
      run_point "$relay" "$recv" "$rate"
    done
  done
done

verdict() { awk -v v="$1" -v t="$2" 'BEGIN {if (v == "-" || v == "") print "n/a"; else if (v + 0 <= t + 0) print "met"; else print "MISSED"}'; }
REPORT=$BENCH_OUT/delay.md
{
  echo "## delay.sh: added delay and UDP output jitter (SRT latency ${L} ms)"
  echo
  echo "Run: $(machine_line)."
  echo "Chain: gen -> UDP -> RELAY -> SRT latency=${L} -> RECEIVER (caller) -> UDP -> sink; ${DUR} s per point; default options otherwise."
  echo "Delay = sink kernel receive time - generator send time, minus ${L} ms. Jitter = |(r_i - r_i-1) - (s_i - s_i-1)| of consecutive packets. All in ms."
  echo
  echo "| relay | receiver | Mbps | loss % | delay-L min | p50 | p99 | max | jitter p50 | jitter p99 | target delay p99 <= 2 | target jitter p99 <= 1 | load1/busy |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"
  awk -F'\t' 'NR > 1' "$TSV" | while IFS=$'\t' read -r relay recv rate sent unique loss mn p50 p99 p999 mx j50 j99 jmx load note; do
    if [[ $relay == srtgw ]]; then
      vd=$(verdict "$p99" 2); vj=$(verdict "$j99" 1)
    else
      vd="(reference)"; vj="(reference)"
    fi
    echo "| $relay | $recv | $rate | $loss | $mn | $p50 | $p99 | $mx | $j50 | $j99 | $vd | $vj | $load |"
  done
  echo
  echo "The targets apply to srtgw as the relay; srt-live-transmit rows are the reference measured in the same run."
  awk -F'\t' 'NR > 1 && $16 != "-" {printf "- %s -> %s at %s Mbps: %s\n", $1, $2, $3, $16}' "$TSV"
} >"$REPORT"

results_update delay "$REPORT"
echo
cat "$REPORT"
