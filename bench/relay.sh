#!/usr/bin/env bash
# relay.sh: one stream, 1 -> 1, at 50/100/500/900 Mbps.
#
#   srtgw-bench-gen --UDP--> RELAY --SRT--> srt-live-transmit (caller, tuned) --UDP--> srtgw-bench-sink
#
# RELAY is srtgw (default and tuned SRT options) or srt-live-transmit (defaults, and
# tuned: UDP rcvbuf 4 MB, -chunk 1316, SRT rcvbuf/sndbuf 50 MB, fc 40000, maxbw from
# the rate). Measures loss (generator's count vs sink's unique sequence numbers) and
# the relay process's CPU (utime+stime from /proc/PID/stat over the steady window, in
# % of one core). Ratios srtgw/srt-live-transmit-tuned come from the same run.
#
# BENCH_RELAY_RECEIVER replaces the receiving end for a diagnostic run (its own section in
# RESULTS.md): srtrecv = srtgw-bench-srtrecv (one SRT caller, TSBPD on, rcvbuf/fc tuned like
# the srt-live-transmit receiver, no UDP hop and no sink), srtrecv-notsbpd = the same
# delivering on arrival. At 900 Mbps generator, relay, receiver and sink need more than
# this 2-core host has; a lighter receiver shows what the relay does when the rest fits.
#
# BENCH_PIN=1 gives the relay the last CPU to itself and the generator, receiver and sink
# the others (lib.sh bench_pin_setup); its section is relay-pinned[-RECEIVER].
#
# Env: BENCH_RATES ("50 100 500 900"), BENCH_SECONDS (10 s of traffic per point),
# BENCH_CONFIGS ("srtgw-default srtgw-tuned slt-default slt-tuned"),
# BENCH_SRTGW_QUERY (extra SRT URL keys for srtgw-default, e.g. "maxbw=1250000000"; recorded
# in the notes), BENCH_RELAY_RECEIVER (slt | srtrecv | srtrecv-notsbpd), BENCH_PIN (0), plus lib.sh's.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init relay
bench_pin_setup

RECEIVER=${BENCH_RELAY_RECEIVER:-slt}
case $RECEIVER in
  slt) SECTION=relay RECV_DESC="srt-live-transmit caller (tuned) -> UDP -> srtgw-bench-sink" ;;
  srtrecv | srtrecv-notsbpd)
    SECTION=relay-$RECEIVER
    RECV_DESC="srtgw-bench-srtrecv (one caller, rcvbuf 50 MB, fc 40000, $([[ $RECEIVER == srtrecv ]] && echo "TSBPD on" || echo "delivering on arrival"); no UDP hop, no sink)" ;;
  *) echo "relay: BENCH_RELAY_RECEIVER must be slt, srtrecv or srtrecv-notsbpd" >&2; exit 2 ;;
esac
[[ ${BENCH_PIN:-0} == 1 ]] && SECTION=${SECTION/relay/relay-pinned}

RATES=${BENCH_RATES:-50 100 500 900}
DUR=${BENCH_SECONDS:-10}
CONFIGS=${BENCH_CONFIGS:-srtgw-default srtgw-tuned slt-default slt-tuned}
WARM=2                       # seconds of traffic before the CPU window opens
WIN_END=$((DUR - 1))         # the window closes 1 s before the generator stops
TSV=$BENCH_OUT/relay.tsv
printf 'config\trate\tsent\tgen_mbps\tunique\tloss_pct\tcpu_pct\tothers_cores\tload\trelay_in_deficit\trcvbuf_errors\tnote\n' >"$TSV"

run_point() {
  local config=$1 rate=$2 tag dir maxbw udpq srtq P Q S relay_pid recv_pid sink_pid="" gen_pid note=""
  tag=$config-$rate
  dir=$BENCH_OUT/$tag
  mkdir -p "$dir"
  maxbw=$(maxbw_for "$rate")
  wait_quiet
  local load=$QUIET_NOTE

  # result: the JSON whose last line has .total.unique; sink_pid: the UDP sink (slt receiver only).
  local result=$dir/sink.json
  if [[ $RECEIVER == slt ]]; then
    bg_start "$dir/sink.json" "${PIN_LOAD[@]}" "$SINK" --ports 1 --seconds $((DUR + 40)) --idle-ms 1000
    sink_pid=$BG_PID
    wait_for 5 grep -qs ports "$dir/sink.json"
    S=$(head -1 "$dir/sink.json" | jq '.ports[0]')
  fi

  case $config in
    srtgw-default | srtgw-tuned)
      srtq=${BENCH_SRTGW_QUERY:-}
      [[ -n $srtq && $config == srtgw-default ]] && note="srtgw URL ?$srtq"
      [[ $config == srtgw-tuned ]] && srtq="$TUNED_SRT&maxbw=$maxbw"
      srtgw_relay_start "$dir/relay.log" "$srtq"
      relay_pid=$RELAY_PID P=$RELAY_P Q=$RELAY_Q
      ;;
    slt-default | slt-tuned)
      read -r P Q <<<"$(free_ports 2)"
      if [[ $config == slt-tuned ]]; then
        bg_start "$dir/relay.log" "${PIN_RELAY[@]}" "$SLT" -chunk 1316 "udp://:$P?rcvbuf=4194304" \
          "srt://:$Q?$TUNED_SRT&maxbw=$maxbw"
      else
        bg_start "$dir/relay.log" "${PIN_RELAY[@]}" "$SLT" "udp://:$P" "srt://:$Q"
      fi
      relay_pid=$BG_PID
      wait_for 5 slt_ready "$dir/relay.log"
      sleep 0.2
      ;;
  esac
  if [[ $RECEIVER == slt ]]; then
    bg_start "$dir/recv.log" "${PIN_LOAD[@]}" "$SLT" -chunk 1316 "srt://127.0.0.1:$Q?$TUNED_SRT" "udp://127.0.0.1:$S"
    recv_pid=$BG_PID
  else
    local srtrecv_args=(--rcvbuf 50000000 --fc 40000)
    [[ $RECEIVER == srtrecv-notsbpd ]] && srtrecv_args+=(--no-tsbpd)
    result=$dir/recv.json
    bg_start "$result" "${PIN_LOAD[@]}" "$BENCH_BIN/srtgw-bench-srtrecv" --connect "127.0.0.1:$Q" --seconds $((DUR + 40)) \
      --idle-ms 1000 "${srtrecv_args[@]}"
    recv_pid=$BG_PID  # it counts what arrives and ends 1 s after the stream does
  fi
  if [[ $config == srtgw-* ]]; then
    wait_for 10 srtgw_clients "$dir/relay.log" || note="receiver did not connect"
  else
    wait_for 10 slt_accepted "$dir/relay.log" || note="receiver did not connect"
  fi
  sleep 0.3

  local e0 e1
  e0=$(udp_rcvbuf_errors)
  bg_start "$dir/gen.json" "${PIN_LOAD[@]}" "$GEN" --dest "127.0.0.1:$P" --mbps "$rate" --seconds "$DUR"
  gen_pid=$BG_PID
  sleep "$WARM"
  local c0 c1 m0 m1 o0 o1 t0 t1 p
  t0=$(date +%s.%N)
  c0=$(cpu_ticks "$relay_pid")
  m0=$(machine_busy_ticks)
  o0=0
  for p in $relay_pid $recv_pid $gen_pid $sink_pid; do o0=$((o0 + $(cpu_ticks "$p"))); done
  sleep $((WIN_END - WARM))
  t1=$(date +%s.%N)
  c1=$(cpu_ticks "$relay_pid")
  m1=$(machine_busy_ticks)
  o1=0
  for p in $relay_pid $recv_pid $gen_pid $sink_pid; do o1=$((o1 + $(cpu_ticks "$p"))); done
  kill -0 "$relay_pid" 2>/dev/null || note="${note:+$note; }relay exited early"

  wait_pid "$gen_pid" $((DUR + 10)) || stop_pid "$gen_pid"
  local counter=${sink_pid:-$recv_pid}  # whichever writes $result
  wait_pid "$counter" 8 || stop_pid "$counter"
  e1=$(udp_rcvbuf_errors)
  local relay_in=""
  if [[ $config == srtgw-* ]]; then
    relay_in=$(json_last "$dir/relay.log" '.inputs[0].packets')
  fi
  stop_pid "$recv_pid"
  stop_pid "$relay_pid"

  local sent gen_mbps unique loss cpu others deficit=""
  sent=$(json_last "$dir/gen.json" '.sent')
  gen_mbps=$(json_last "$dir/gen.json" '.achieved_mbps')
  unique=$(json_last "$result" '.total.unique // 0')
  [[ -n $unique ]] || unique=0
  [[ -n $sent ]] || { sent=0; note="${note:+$note; }generator failed"; }
  loss=$(calc "%.3f" "$sent > 0 ? ($sent - $unique) * 100 / $sent : 100")
  cpu=$(calc "%.1f" "($c1 - $c0) * 100 / $CLK_TCK / ($t1 - $t0)")
  others=$(calc "%.2f" "($m1 - $m0 - $o1 + $o0) > 0 ? ($m1 - $m0 - $o1 + $o0) / $CLK_TCK / ($t1 - $t0) : 0")
  [[ -n $relay_in && $relay_in != null ]] && deficit=$((sent - relay_in))
  # A generator that was descheduled for long sends a catch-up burst no relay can absorb:
  # flag the point rather than blame the relay.
  local late
  late=$(json_last "$dir/gen.json" '.max_late_us // 0')
  if awk -v l="${late:-0}" 'BEGIN {exit !(l > 20000)}'; then
    note="${note:+$note; }generator starved $(calc "%.0f" "${late:-0} / 1000") ms"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$rate" "$sent" "$gen_mbps" \
    "$unique" "$loss" "$cpu" "$others" "$load" "${deficit:--}" "$((e1 - e0))" "${note:--}" >>"$TSV"
  printf '  %-14s %4s Mbps  loss %7s %%  cpu %6s %%  (gen %s Mbps, others %s cores, load %s)%s\n' \
    "$config" "$rate" "$loss" "$cpu" "$gen_mbps" "$others" "$load" "${note:+  [$note]}" >&2
}

for rate in $RATES; do
  for config in $CONFIGS; do
    run_point "$config" "$rate"
  done
done

# ---- report ---------------------------------------------------------------------
get() { awk -F'\t' -v c="$1" -v r="$2" -v k="$3" 'NR == 1 {for (i = 1; i <= NF; i++) h[$i] = i; next}
  $1 == c && $2 == r {print $h[k]; exit}' "$TSV"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b}'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN {if (v == "-" || v == "") print "n/a"; else if (v + 0 <= t + 0) print "met"; else print "MISSED"}'; }

REPORT=$BENCH_OUT/relay.md
{
  echo "## relay.sh: 1 -> 1 relay, UDP in, SRT out$([[ $RECEIVER == slt ]] || echo " (receiver: $RECEIVER)")$([[ ${BENCH_PIN:-0} == 1 ]] && echo " (relay pinned to its own CPU)")"
  echo
  echo "Run: $(machine_line)."
  echo "Chain: srtgw-bench-gen -> UDP -> RELAY -> SRT (loopback) -> $RECV_DESC."
  [[ ${BENCH_PIN:-0} == 1 ]] && echo "Pinned (BENCH_PIN=1): the relay runs on CPU $((NPROC - 1)) alone (\`${PIN_RELAY[*]}\`), generator, receiver and sink on \`${PIN_LOAD[*]}\`."
  echo "${DUR} s of 1316-byte datagrams per point; CPU window = seconds ${WARM}..${WIN_END} of the stream."
  echo "Tuned SRT = \`$TUNED_SRT&maxbw=<1.25 x rate in bytes/s>\`; srt-live-transmit tuned also has \`-chunk 1316\` and \`udp://:P?rcvbuf=4194304\`"
  echo "(srtgw's UDP input always asks for 8 MB with SO_RCVBUFFORCE, so srtgw tuned changes SRT keys only)."
  echo
  echo "### Loss (% of generated packets missing at the receiving end)"
  echo
  echo "| Mbps | srtgw default | srtgw tuned | SLT default | SLT tuned | target | verdict |"
  echo "|---:|---:|---:|---:|---:|---|---|"
  for rate in $RATES; do
    t="-"; v="-"
    if [[ $rate == 500 ]]; then t="srtgw default: 0"; v="$(verdict "$(get srtgw-default "$rate" loss_pct)" 0)"; fi
    if [[ $rate == 900 ]]; then t="srtgw tuned: 0"; v="$(verdict "$(get srtgw-tuned "$rate" loss_pct)" 0)"; fi
    echo "| $rate | $(get srtgw-default "$rate" loss_pct) | $(get srtgw-tuned "$rate" loss_pct) | $(get slt-default "$rate" loss_pct) | $(get slt-tuned "$rate" loss_pct) | $t | $v |"
  done
  echo
  echo "### Relay CPU (% of one core) and ratio to tuned srt-live-transmit"
  echo
  echo "| Mbps | srtgw default | srtgw tuned | SLT default | SLT tuned | default/SLT-tuned | tuned/SLT-tuned | target | verdict (default / tuned) | load1/other cores |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---|---|---|"
  for rate in $RATES; do
    sd=$(get srtgw-default "$rate" cpu_pct); st=$(get srtgw-tuned "$rate" cpu_pct)
    ld=$(get slt-default "$rate" cpu_pct); lt=$(get slt-tuned "$rate" cpu_pct)
    r1=$(ratio "$sd" "$lt"); r2=$(ratio "$st" "$lt")
    if ((rate >= 500)); then t=1.0; else t=1.5; fi
    loads=$(awk -F'\t' -v r="$rate" 'NR > 1 && $2 == r {printf "%s%s", s, $9 "+" $8; s=" "}' "$TSV")
    echo "| $rate | $sd | $st | $ld | $lt | $r1 | $r2 | <= $t | $(verdict "$r1" $t) / $(verdict "$r2" $t) | $loads |"
  done
  echo
  echo "A CPU ratio is only comparable when both relays delivered the same packets: see the loss table."
  echo "Load column: per point, \`1-min load/cores busy before the run+cores used by other work during the CPU window\`."
  echo "srtgw input deficit (generated - counted by srtgw's UDP input) and host UDP RcvbufErrors per point:"
  echo
  echo "| config | Mbps | input deficit | UDP RcvbufErrors | note |"
  echo "|---|---:|---:|---:|---|"
  awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %s | %s |\n", $1, $2, $10, $11, $12}' "$TSV"
} >"$REPORT"

results_update "$SECTION" "$REPORT"
echo
cat "$REPORT"
