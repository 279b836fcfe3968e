#!/usr/bin/env bash
# fanout.sh: one 10 Mbps UDP input to N SRT receivers, N = 1, 4, 16, 64.
#
#   srtgw:  gen --UDP--> srtgw relay udp://127.0.0.1:0 "srt://:0?maxclients=100" <--SRT-- N receivers
#   fleet:  gen --UDP x N--> N x srt-live-transmit udp://:Pi srt://:Qi <--SRT-- 1 receiver each
#
# The receivers are the same in both cases (below). Reported: CPU
# (utime+stime over the steady window, % of one core) and memory (RSS and PSS at the end
# of the window) of the gateway side only: the srtgw process vs the sum over the N
# srt-live-transmit relays; and the worst receiver's loss.
#
# Receivers (BENCH_FANOUT_RECEIVER), the same on both sides:
#   srtrecv (default): one srtgw-bench-srtrecv process holding all N SRT callers on one
#     local port (one libsrt multiplexer), counting loss itself; TSBPD on, as a player.
#   srtrecv-notsbpd: the same delivering on arrival (tsbpdmode=false, as a recorder):
#     only what the gateway fails to deliver is lost, and the receivers cost a fraction
#     of the CPU, which on a 2-core host otherwise starves at N=64 (RESULTS.md).
#   slt: N srt-live-transmit callers, each forwarding to its own port of one UDP sink.
# Each receiver kind has its own section in RESULTS.md.
#
# Env: BENCH_FANOUT_N ("1 4 16 64"), BENCH_FANOUT_MBPS (10), BENCH_SECONDS (12),
#      BENCH_FANOUT_RECEIVER (srtrecv | srtrecv-notsbpd | slt).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init fanout

RECEIVER=${BENCH_FANOUT_RECEIVER:-srtrecv}
SRTRECV=$BENCH_BIN/srtgw-bench-srtrecv
SRTRECV_ARGS=()
case $RECEIVER in
  srtrecv | srtrecv-notsbpd)
    [[ -x $SRTRECV ]] || { echo "fanout: missing $SRTRECV (build first)" >&2; exit 2; }
    [[ $RECEIVER == srtrecv-notsbpd ]] && SRTRECV_ARGS=(--no-tsbpd)
    ;;
  slt) ;;
  *) echo "fanout: BENCH_FANOUT_RECEIVER must be srtrecv, srtrecv-notsbpd or slt" >&2; exit 2 ;;
esac
SECTION=fanout
[[ $RECEIVER == srtrecv ]] || SECTION=fanout-$RECEIVER

NS=${BENCH_FANOUT_N:-1 4 16 64}
RATE=${BENCH_FANOUT_MBPS:-10}
DUR=${BENCH_SECONDS:-12}
WARM=3
WIN_END=$((DUR - 1))
TSV=$BENCH_OUT/fanout.tsv
printf 'side\tn\tsent\tworst_loss_pct\ttotal_loss_pct\tgw_cpu_pct\tgw_rss_kb\tgw_pss_kb\trecv_cpu_pct\tothers_cores\tload\tnote\n' >"$TSV"

srtgw_has_clients() { [[ $(json_last "$1" '.inputs[0].outputs[0].connected_clients // 0') -ge $2 ]]; }
all_accepted() {
  local n=$1 dir=$2 i
  for ((i = 0; i < n; i++)); do
    grep -qs "Accepted SRT target connection" "$dir/relay$i.log" || return 1
  done
}
all_ready() {
  local n=$1 dir=$2 i
  for ((i = 0; i < n; i++)); do
    grep -qs "Media path" "$dir/relay$i.log" || return 1
  done
}

run_point() {
  local side=$1 n=$2 dir note="" i
  dir=$BENCH_OUT/$side-$n
  mkdir -p "$dir"
  wait_quiet
  local load=$QUIET_NOTE
  local gw_pids=() recv_pids=() dests=() sink_pid="" gen_pid S=() Q=() P=() result

  if [[ $RECEIVER == slt ]]; then
    result=$dir/sink.json
    bg_start "$result" "$SINK" --ports "$n" --seconds $((DUR + 60)) --idle-ms 1500
    sink_pid=$BG_PID
    wait_for 5 grep -qs ports "$result"
    read -r -a S <<<"$(head -1 "$result" | jq -r '.ports | map(tostring) | join(" ")')"
  else
    result=$dir/recv.json
  fi

  if [[ $side == srtgw ]]; then
    srtgw_relay_start "$dir/relay.log" "maxclients=100"
    gw_pids+=("$RELAY_PID")
    dests=(--dest "127.0.0.1:$RELAY_P")
    for ((i = 0; i < n; i++)); do Q[i]=$RELAY_Q; done
  else
    local ports
    read -r -a ports <<<"$(free_ports $((2 * n)))"
    for ((i = 0; i < n; i++)); do
      P[i]=${ports[2 * i]}
      Q[i]=${ports[2 * i + 1]}
      bg_start "$dir/relay$i.log" "$SLT" "udp://:${P[i]}" "srt://:${Q[i]}"
      gw_pids+=("$BG_PID")
      dests+=(--dest "127.0.0.1:${P[i]}")
    done
    wait_for 10 all_ready "$n" "$dir" || note="relays not ready"
    sleep 0.2
  fi
  if [[ $RECEIVER == slt ]]; then
    for ((i = 0; i < n; i++)); do
      bg_start "$dir/recv$i.log" "$SLT" "srt://127.0.0.1:${Q[i]}" "udp://127.0.0.1:${S[i]}"
      recv_pids+=("$BG_PID")
    done
  else
    local targets=()
    for ((i = 0; i < n; i++)); do targets+=(--connect "127.0.0.1:${Q[i]}"); done
    BG_SPLIT=1 bg_start "$result" "$SRTRECV" "${SRTRECV_ARGS[@]}" "${targets[@]}" --seconds $((DUR + 60)) --idle-ms 1500
    recv_pids+=("$BG_PID")
  fi
  if [[ $side == srtgw ]]; then
    wait_for 20 srtgw_has_clients "$dir/relay.log" "$n" || note="not all receivers connected"
  else
    wait_for 20 all_accepted "$n" "$dir" || note="not all receivers connected"
  fi
  sleep 0.5

  bg_start "$dir/gen.json" "$GEN" "${dests[@]}" --mbps "$RATE" --seconds "$DUR"
  gen_pid=$BG_PID
  sleep "$WARM"
  local t0 t1 g0 g1 r0 r1 m0 m1 o0 o1 rss=0 pss=0 p
  # Each side's ticks are read in one pass right after the clock, so the window is the
  # same for one srtgw process and for 64 relays.
  t0=$(date +%s.%N)
  g0=$(sum_cpu_ticks "${gw_pids[@]}")
  r0=$(sum_cpu_ticks "${recv_pids[@]}")
  o0=$((g0 + r0 + $(sum_cpu_ticks "$gen_pid" ${sink_pid:+"$sink_pid"})))
  m0=$(machine_busy_ticks)
  sleep $((WIN_END - WARM))
  t1=$(date +%s.%N)
  g1=$(sum_cpu_ticks "${gw_pids[@]}")
  r1=$(sum_cpu_ticks "${recv_pids[@]}")
  o1=$((g1 + r1 + $(sum_cpu_ticks "$gen_pid" ${sink_pid:+"$sink_pid"})))
  m1=$(machine_busy_ticks)
  for p in "${gw_pids[@]}"; do
    rss=$((rss + $(rss_kb "$p")))
    pss=$((pss + $(pss_kb "$p")))
  done

  wait_pid "$gen_pid" $((DUR + 20)) || stop_pid "$gen_pid"
  if [[ -n $sink_pid ]]; then
    wait_pid "$sink_pid" 10 || stop_pid "$sink_pid"
    for p in "${recv_pids[@]}"; do stop_pid "$p"; done
  else
    # srtgw-bench-srtrecv ends by itself 1.5 s after the last packet.
    for p in "${recv_pids[@]}"; do wait_pid "$p" 10 || stop_pid "$p"; done
  fi
  for p in "${gw_pids[@]}"; do stop_pid "$p"; done

  local sent min_unique total_unique worst total cpu rcpu others
  sent=$(json_last "$dir/gen.json" '.sent')
  [[ -n $sent ]] || { sent=0; note="${note:+$note; }generator failed"; }
  min_unique=$(json_last "$result" '.total.min_unique // 0')
  total_unique=$(json_last "$result" '.total.unique // 0')
  [[ -n $min_unique ]] || { min_unique=0; total_unique=0; }
  worst=$(calc "%.3f" "$sent > 0 ? ($sent - $min_unique) * 100 / $sent : 100")
  total=$(calc "%.3f" "$sent > 0 ? ($sent * $n - $total_unique) * 100 / ($sent * $n) : 100")
  cpu=$(calc "%.1f" "($g1 - $g0) * 100 / $CLK_TCK / ($t1 - $t0)")
  rcpu=$(calc "%.1f" "($r1 - $r0) * 100 / $CLK_TCK / ($t1 - $t0)")
  others=$(calc "%.2f" "($m1 - $m0 - $o1 + $o0) > 0 ? ($m1 - $m0 - $o1 + $o0) / $CLK_TCK / ($t1 - $t0) : 0")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$n" "$sent" "$worst" "$total" \
    "$cpu" "$rss" "$pss" "$rcpu" "$others" "$load" "${note:--}" >>"$TSV"
  printf '  %-6s N=%-3s worst loss %7s %%  gateway cpu %6s %%  rss %7s kB  pss %7s kB  (receivers %s %%, others %s cores, load %s)%s\n' \
    "$side" "$n" "$worst" "$cpu" "$rss" "$pss" "$rcpu" "$others" "$load" "${note:+  [$note]}" >&2
}

for n in $NS; do
  run_point srtgw "$n"
  run_point fleet "$n"
done

# ---- report ---------------------------------------------------------------------
get() { awk -F'\t' -v c="$1" -v r="$2" -v k="$3" 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next}
  $1 == c && $2 == r {print $h[k]; exit}' "$TSV"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b}'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {if (v == "-" || v == "") print "n/a"; else if (v + 0 <= t + 0) print "met"; else print "MISSED"}'; }
mb() { awk -v k="$1" 'BEGIN {if (k == "") print "-"; else printf "%.1f", k / 1024}'; }

REPORT=$BENCH_OUT/fanout.md
{
  echo "## fanout.sh: one ${RATE} Mbps input to N SRT receivers ($RECEIVER)"
  echo
  echo "Run: $(machine_line)."
  echo "srtgw: one listener output \`srt://:Q?maxclients=100\` serving N SRT callers."
  echo "Fleet: N \`srt-live-transmit udp://:Pi srt://:Qi\` (defaults), the generator sending N copies, one caller each."
  if [[ $RECEIVER == slt ]]; then
    echo "Receivers: N srt-live-transmit callers, each to its own port of one UDP sink."
  else
    echo "Receivers: one srtgw-bench-srtrecv process, N SRT callers sharing one local port, $([[ $RECEIVER == srtrecv ]] && echo "TSBPD on (default latency)" || echo "delivering on arrival (tsbpdmode=false)")."
  fi
  echo "${DUR} s of traffic; CPU window = seconds ${WARM}..${WIN_END}; RSS/PSS at the end of the window. Gateway side only (receivers excluded)."
  echo
  echo "| N | srtgw CPU % | fleet CPU % | CPU ratio | target (N>=16) | srtgw RSS MB | fleet RSS MB | RSS ratio | target (N>=16) | PSS ratio | worst receiver loss % srtgw / fleet | zero loss target | receivers CPU % srtgw / fleet | load1/other cores srtgw / fleet |"
  echo "|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---|---|---|---|"
  for n in $NS; do
    sc=$(get srtgw "$n" gw_cpu_pct); fc=$(get fleet "$n" gw_cpu_pct)
    sr=$(get srtgw "$n" gw_rss_kb); fr=$(get fleet "$n" gw_rss_kb)
    sp=$(get srtgw "$n" gw_pss_kb); fp=$(get fleet "$n" gw_pss_kb)
    cr=$(ratio "$sc" "$fc"); rr=$(ratio "$sr" "$fr"); pr=$(ratio "$sp" "$fp")
    sl=$(get srtgw "$n" worst_loss_pct); fl=$(get fleet "$n" worst_loss_pct)
    if ((n >= 16)); then
      tc="<= 0.5: $(verdict "$cr" 0.5)"; tr="<= 0.25: $(verdict "$rr" 0.25)"
    else
      tc="-"; tr="-"
    fi
    zl=$(awk -v l="$sl" 'BEGIN {print (l + 0 == 0) ? "met" : "MISSED"}')
    echo "| $n | $sc | $fc | $cr | $tc | $(mb "$sr") | $(mb "$fr") | $rr | $tr | $pr | $sl / $fl | $zl | $(get srtgw "$n" recv_cpu_pct) / $(get fleet "$n" recv_cpu_pct) | $(get srtgw "$n" load)+$(get srtgw "$n" others_cores) / $(get fleet "$n" load)+$(get fleet "$n" others_cores) |"
  done
  echo
  echo "Notes per point (empty = none):"
  echo
  awk -F'\t' 'NR > 1 && $12 != "-" {printf "- %s N=%s: %s\n", $1, $2, $12}' "$TSV"
} >"$REPORT"

results_update "$SECTION" "$REPORT"
echo
cat "$REPORT"
