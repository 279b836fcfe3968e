#!/usr/bin/env bash
# profile.sh: where a relay's CPU goes, thread by thread, srtgw beside srt-live-transmit.
#
#   srtgw-bench-gen --UDP--> RELAY --SRT--> srt-live-transmit (caller, tuned) --UDP--> srtgw-bench-sink
#
# The chain of relay.sh. RELAY is srtgw with default options, then srt-live-transmit tuned
# (relay.sh's slt-tuned). `perf record` samples the relay process (cpu-clock, BENCH_PERF_HZ
# per second of CPU) for BENCH_SECONDS of steady traffic; each thread's samples become
# % of one core, and the threads srtgw runs itself (not libsrt's SRT:* threads) get their
# top symbols. The relay.sh CPU ratio says how much; this says where.
#
# Env: BENCH_PROFILE_RATES ("100 500" Mbps), BENCH_SECONDS (10), BENCH_PERF_HZ (999), plus lib.sh's.
# Needs perf (Debian: linux-perf; scripts/install-deps.sh installs it) and, unless root,
# kernel.perf_event_paranoid <= 1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_init profile

RATES=${BENCH_PROFILE_RATES:-100 500}
DUR=${BENCH_SECONDS:-10}
HZ=${BENCH_PERF_HZ:-999}
WARM=3
command -v perf >/dev/null || { echo "profile: perf not found (apt-get install linux-perf)" >&2; exit 2; }

# profile_point RELAY RATE: runs the chain and leaves perf.data and a summary in its dir.
profile_point() {
  local relay=$1 rate=$2 dir P Q S sink_pid relay_pid recv_pid gen_pid maxbw
  dir=$BENCH_OUT/$relay-$rate
  mkdir -p "$dir"
  maxbw=$(maxbw_for "$rate")
  wait_quiet
  bg_start "$dir/sink.json" "$SINK" --ports 1 --seconds $((DUR + WARM + 40)) --idle-ms 1000
  sink_pid=$BG_PID
  wait_for 5 grep -qs ports "$dir/sink.json"
  S=$(head -1 "$dir/sink.json" | jq '.ports[0]')
  if [[ $relay == srtgw ]]; then
    srtgw_relay_start "$dir/relay.log"
    relay_pid=$RELAY_PID P=$RELAY_P Q=$RELAY_Q
  else
    read -r P Q <<<"$(free_ports 2)"
    bg_start "$dir/relay.log" "$SLT" -chunk 1316 "udp://:$P?rcvbuf=4194304" "srt://:$Q?$TUNED_SRT&maxbw=$maxbw"
    relay_pid=$BG_PID
    wait_for 5 slt_ready "$dir/relay.log"
  fi
  bg_start "$dir/recv.log" "$SLT" -chunk 1316 "srt://127.0.0.1:$Q?$TUNED_SRT" "udp://127.0.0.1:$S"
  recv_pid=$BG_PID
  if [[ $relay == srtgw ]]; then
    wait_for 10 srtgw_clients "$dir/relay.log"
  else
    wait_for 10 slt_accepted "$dir/relay.log"
  fi
  bg_start "$dir/gen.json" "$GEN" --dest "127.0.0.1:$P" --mbps "$rate" --seconds $((WARM + DUR + 2))
  gen_pid=$BG_PID
  sleep "$WARM"
  perf record -q -F "$HZ" -o "$dir/perf.data" -p "$relay_pid" -- sleep "$DUR" >"$dir/perf.log" 2>&1
  wait_pid "$gen_pid" 10 || stop_pid "$gen_pid"
  wait_pid "$sink_pid" 8 || stop_pid "$sink_pid"
  stop_pid "$recv_pid"
  stop_pid "$relay_pid"
  local sent unique
  sent=$(json_last "$dir/gen.json" '.sent')
  unique=$(json_last "$dir/sink.json" '.total.unique // 0')
  # Per thread: samples -> % of one core. Thread names are libsrt's (SRT:SndQ, SRT:RcvQ...),
  # srtgw's (udp-wN, srt-wN, ts-analyzer...) or srt-live-transmit's main thread.
  perf script -i "$dir/perf.data" -F comm 2>/dev/null | sed 's/^ *//; s/ *$//' | sort | uniq -c |
    sort -rn | awk -v hz="$HZ" -v d="$DUR" '{n = $1; $1 = ""; sub(/^ /, ""); printf "%s\t%.1f\n", $0, n * 100 / hz / d}' \
      >"$dir/threads.tsv"
  printf '%s\t%s\t%s\n' "$sent" "$unique" "$(awk -F'\t' '{s += $2} END {printf "%.1f", s}' "$dir/threads.tsv")" >"$dir/point.tsv"
  if [[ $relay == srtgw ]]; then
    # The threads that run srtgw's own code, and what they spend it on.
    local comms
    comms=$(cut -f1 "$dir/threads.tsv" | grep -v '^SRT:' | paste -sd, -)
    perf report -i "$dir/perf.data" --no-children --comms "$comms" --sort comm,dso,sym --stdio -g none \
      2>/dev/null | grep '%' | head -12 >"$dir/symbols.txt"
  fi
}

body=$BENCH_OUT/section.md
{
  echo "## profile.sh: where the relay's CPU goes (perf, per thread)"
  echo
  echo "Run: $(machine_line)."
  echo "Chain as relay.sh: gen -> UDP -> RELAY -> SRT -> srt-live-transmit (tuned) -> UDP -> sink; srtgw with default options, srt-live-transmit tuned (\`-chunk 1316\`, UDP rcvbuf 4 MB, SRT rcvbuf/sndbuf 50 MB, fc 40000, maxbw). perf record -F $HZ on the relay process for $DUR s of steady traffic; % of one core per thread."
  echo
} >"$body"
for rate in $RATES; do
  for relay in srtgw slt; do
    echo "profile: $relay at $rate Mbps" >&2
    profile_point "$relay" "$rate"
  done
  g=$BENCH_OUT/srtgw-$rate
  s=$BENCH_OUT/slt-$rate
  read -r gs gu gt <"$g/point.tsv"
  read -r ss su st <"$s/point.tsv"
  {
    echo "### $rate Mbps"
    echo
    echo "srtgw: $gt % of a core in all (sent $gs, received $gu); srt-live-transmit: $st % (sent $ss, received $su); ratio $(calc "%.2f" "$st > 0 ? $gt / $st : 0")."
    echo
    echo "| srtgw thread | % of a core | srt-live-transmit thread | % of a core |"
    echo "|---|---:|---|---:|"
    paste "$g/threads.tsv" "$s/threads.tsv" | awk -F'\t' '{printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4}'
    echo
    echo "Top symbols of the threads running srtgw's own code (% of all srtgw samples):"
    echo
    echo '```'
    sed 's/ *$//' "$g/symbols.txt"
    echo '```'
    echo
  } >>"$body"
done
cat "$body"
results_update profile "$body"
