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
# This VM's hypervisor takes a vCPU away now and then (a pinned SCHED_FIFO thread sees
# wake-ups 5-125 ms late on an idle host). Packets in flight then wait too, for srtgw and
# srt-live-transmit alike, and once the time away passes ~1 % of a point it decides the
# p99 on its own. So srtgw-bench-stall runs beside every point, and a point is measured
# again (up to BENCH_DELAY_ATTEMPTS times) until no CPU was away more than
# BENCH_QUIET_AWAY_PCT of the time. The table shows the first quiet attempt (or the least
# disturbed one, marked * and given no verdict), the notes every attempt. The choice
# depends on the stall monitor only, never on the delays measured.
#
# Env: BENCH_DELAY_RATES ("10 100" Mbps), BENCH_LATENCY (120 ms), BENCH_SECONDS (12),
#      BENCH_DELAY_ATTEMPTS (4), BENCH_QUIET_AWAY_PCT (0.3).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init delay

RATES=${BENCH_DELAY_RATES:-10 100}
L=${BENCH_LATENCY:-120}
DUR=${BENCH_SECONDS:-12}
ATTEMPTS=${BENCH_DELAY_ATTEMPTS:-4}
QUIET_PCT=${BENCH_QUIET_AWAY_PCT:-0.3}
STALL=$BENCH_BIN/srtgw-bench-stall
[[ -x $STALL ]] || { echo "delay: missing $STALL (build the bench tools)" >&2; exit 2; }
TSV=$BENCH_OUT/delay.tsv
printf 'relay\treceiver\trate\tattempt\tsent\tunique\tloss_pct\tmin\tp50\tp99\tp999\tmax\tjit_p50\tjit_p99\tjit_max\tload\taway_pct\tstall_ms\tnote\n' >"$TSV"

slt_accepted() { grep -qs "Accepted SRT target connection" "$1"; }
srtgw_clients() { [[ $(json_last "$1" '.inputs[0].outputs[0].connected_clients // 0') -ge 1 ]]; }
slt_ready() { grep -qs "Media path" "$1"; }

run_point() {
  local relay=$1 recv=$2 rate=$3 attempt=$4 dir note="" P Q S relay_pid recv_pid sink_pid gen_pid stall_pid
  dir=$BENCH_OUT/$relay-$recv-$rate-$attempt
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
  bg_start "$dir/stall.json" "$STALL" --seconds $((DUR + 60))
  stall_pid=$BG_PID
  bg_start "$dir/gen.json" "$GEN" --dest "127.0.0.1:$P" --mbps "$rate" --seconds "$DUR"
  gen_pid=$BG_PID
  wait_pid "$gen_pid" $((DUR + 10)) || stop_pid "$gen_pid"
  wait_pid "$sink_pid" $((L / 1000 + 8)) || stop_pid "$sink_pid"
  stop_pid "$stall_pid"
  STALL_MS=$(json_last "$dir/stall.json" '.max_late_ms // empty')
  AWAY_PCT=$(json_last "$dir/stall.json" '.max_away_pct // empty')
  [[ -n $STALL_MS && -n $AWAY_PCT ]] || { STALL_MS=999; AWAY_PCT=100; }
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
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$relay" "$recv" "$rate" "$attempt" "$sent" "$unique" "$loss" \
    "$row" "$load" "$AWAY_PCT" "$STALL_MS" "${note:--}" >>"$TSV"
  printf '  relay %-5s receiver %-5s %4s Mbps #%s  loss %6s %%  delay-L min/p50/p99/max %s  jitter p50/p99/max %s  (load %s, host away %s %%, longest %s ms)%s\n' \
    "$relay" "$recv" "$rate" "$attempt" "$loss" "$(cut -f1-3,5 <<<"$row" | tr '\t' /)" "$(cut -f6-8 <<<"$row" | tr '\t' /)" \
    "$load" "$AWAY_PCT" "$STALL_MS" "${note:+  [$note]}" >&2
}

quiet() { awk -v s="$1" -v q="$QUIET_PCT" 'BEGIN {exit !(s + 0 <= q + 0)}'; }

for rate in $RATES; do
  for recv in srtgw slt; do
    for relay in srtgw slt; do
      for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
        run_point "$relay" "$recv" "$rate" "$attempt"
        quiet "$AWAY_PCT" && break
      done
    done
  done
done

# The attempt shown per point: the first quiet one, else the least disturbed (marked *).
CHOSEN=$BENCH_OUT/delay-chosen.tsv
awk -F'\t' -v q="$QUIET_PCT" 'NR > 1 {
    k = $1 FS $2 FS $3; if (!(k in best)) { order[++n] = k }
    if (!(k in best) || (!(k in quiet) && $17 + 0 < bs[k])) { best[k] = $0; bs[k] = $17 + 0 }
    if (!(k in quiet) && $17 + 0 <= q + 0) { quiet[k] = 1; best[k] = $0; bs[k] = $17 + 0 }
    tries[k]++
  }
  END { for (i = 1; i <= n; i++) { k = order[i]; print best[k] FS tries[k] FS ((k in quiet) ? "" : "*") } }' "$TSV" >"$CHOSEN"

verdict() { awk -v v="$1" -v t="$2" 'BEGIN {if (v == "-" || v == "") print "n/a"; else if (v + 0 <= t + 0) print "met"; else print "MISSED"}'; }
REPORT=$BENCH_OUT/delay.md
{
  echo "## delay.sh: added delay and UDP output jitter (SRT latency ${L} ms)"
  echo
  echo "Run: $(machine_line)."
  echo "Chain: gen -> UDP -> RELAY -> SRT latency=${L} -> RECEIVER (caller) -> UDP -> sink; ${DUR} s per point; default options otherwise."
  echo "Delay = sink kernel receive time - generator send time, minus ${L} ms. Jitter = |(r_i - r_i-1) - (s_i - s_i-1)| of consecutive packets. All in ms."
  echo "Host away = the largest share of the point's time that a CPU did not run its pinned SCHED_FIFO monitor thread when due (srtgw-bench-stall), with the longest such stall; a point is quiet at <= ${QUIET_PCT} % and is measured up to ${ATTEMPTS} times until it is."
  echo
  echo "| relay | receiver | Mbps | loss % | delay-L min | p50 | p99 | max | jitter p50 | jitter p99 | target delay p99 <= 2 | target jitter p99 <= 1 | host away % (longest ms) | attempts | load1/busy |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|"
  while IFS=$'\t' read -r relay recv rate _attempt _sent _unique loss mn p50 p99 _p999 mx j50 j99 _jmx load away stall _note tries mark; do
    if [[ -n $mark ]]; then
      vd="n/a (host never quiet)"; vj=$vd
    elif [[ $relay == srtgw ]]; then
      vd=$(verdict "$p99" 2); vj=$(verdict "$j99" 1)
    else
      vd="(reference)"; vj="(reference)"
    fi
    echo "| $relay | $recv | $rate | $loss | $mn | $p50 | $p99 | $mx | $j50 | $j99 | $vd | $vj | $away ($stall)$mark | $tries | $load |"
  done <"$CHOSEN"
  echo
  echo "The targets apply to srtgw as the relay; srt-live-transmit rows are the reference measured in the same run."
  echo "Every attempt (delay-L p99 ms / jitter p99 ms / host away % / longest stall ms):"
  awk -F'\t' 'NR > 1 {k = $1 " -> " $2 " at " $3 " Mbps"; a[k] = a[k] sprintf("%s#%s %s / %s / %s / %s%s", cnt[k]++ ? "; " : "", $4, $10, $14, $17, $18, ($19 != "-") ? " [" $19 "]" : ""); if (!(k in seen)) {seen[k] = 1; o[++n] = k}}
    END {for (i = 1; i <= n; i++) printf "- %s: %s\n", o[i], a[o[i]]}' "$TSV"
} >"$REPORT"

results_update delay "$REPORT"
echo
cat "$REPORT"
