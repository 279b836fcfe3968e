# Shared helpers for the srtgw benchmark scripts. Sourced, not executed.
#
# Environment:
#   SRTGW        srtgw binary (default: build/srtgw under the repository root)
#   BENCH_BIN    directory of srtgw-bench-gen / srtgw-bench-sink (default: dirname $SRTGW)
#   SLT          srt-live-transmit binary (default: srt-live-transmit on PATH)
#   SRTGW_COMMIT commit the srtgw binary was built from (default: git HEAD of this tree)
#   SRTGW_RELAY_ARGS  extra flags for every `srtgw relay` a script starts, e.g.
#                "--udp-coalesce-us 0" (default: none; recorded in each run's header)
#   BENCH_OUT    directory for logs and raw JSON (default: bench/out/<script>-<time>)
#   BENCH_RESULTS  results file to update (default: bench/RESULTS.md)
#   BENCH_MAX_BUSY  CPU cores other work may use before a run waits (default 0.5)
#   BENCH_WAIT_S    longest wait for a quiet machine before each run (default 60)
#   BENCH_WAIT_BUDGET  total waiting allowed per script (default 120 s); then measure anyway
#   BENCH_CPU_LATENCY_US  hold a CPU wake-up latency limit (/dev/cpu_dma_latency, root) for
#                the whole run, e.g. 0: idle CPUs poll instead of halting (default: not held;
#                recorded in each run's header). See bench/README.md.
#
# Every process a script starts goes through bg_start, which records its pid; the EXIT
# trap stops exactly those pids (TERM, then KILL after 3 s). Nothing is killed by name.

set -u -o pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(dirname "$BENCH_DIR")
SRTGW=${SRTGW:-$REPO_ROOT/build/srtgw}
BENCH_BIN=${BENCH_BIN:-$(dirname "$SRTGW")}
GEN=$BENCH_BIN/srtgw-bench-gen
SINK=$BENCH_BIN/srtgw-bench-sink
SLT=${SLT:-srt-live-transmit}
read -r -a SRTGW_RELAY_ARGV <<<"${SRTGW_RELAY_ARGS:-}"
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_DIR/RESULTS.md}
BENCH_MAX_BUSY=${BENCH_MAX_BUSY:-0.5}
BENCH_WAIT_S=${BENCH_WAIT_S:-60}
BENCH_WAIT_BUDGET=${BENCH_WAIT_BUDGET:-120}
CLK_TCK=$(getconf CLK_TCK)
NPROC=$(nproc)

bench_init() {  # bench_init NAME
  local name=$1
  BENCH_NAME=$name
  BENCH_OUT=${BENCH_OUT:-$BENCH_DIR/out/$name-$(date +%Y%m%d-%H%M%S)}
  mkdir -p "$BENCH_OUT"
  local missing=0
  for b in "$SRTGW" "$GEN" "$SINK"; do
    if [[ ! -x $b ]]; then
      echo "$name: missing $b (build first: cmake --build build; or set SRTGW / BENCH_BIN)" >&2
      missing=1
    fi
  done
  if ! command -v "$SLT" >/dev/null; then
    echo "$name: srt-live-transmit not found (apt-get install srt-tools)" >&2
    missing=1
  fi
  command -v jq >/dev/null || { echo "$name: jq not found" >&2; missing=1; }
  [[ $missing == 0 ]] || exit 2
  bench_cpu_latency_hold
  BENCH_PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  echo "$name: logs in $BENCH_OUT" >&2
}

# bg_start LOG CMD ARGS... : start CMD in the background, stdout+stderr to LOG (or
# stdout to LOG and stderr to LOG.err when BG_SPLIT=1). Sets BG_PID.
bg_start() {
  local log=$1
  shift
  if [[ ${BG_SPLIT:-0} == 1 ]]; then
    "$@" >"$log" 2>"$log.err" &
  else
    "$@" >"$log" 2>&1 &
  fi
  BG_PID=$!
  BENCH_PIDS+=("$BG_PID")
}

# stop_pid PID: TERM, wait up to 3 s, then KILL. Only ever called with our own pids.
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

bench_cleanup() {
  local p
  for p in "${BENCH_PIDS[@]}"; do
    stop_pid "$p"
  done
  BENCH_PIDS=()
}

# wait_pid PID SECONDS: wait for our process to exit by itself, at most SECONDS.
wait_pid() {
  local pid=$1 limit=$2 i
  for ((i = 0; i < limit * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  return 1
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds, at most SECONDS.
wait_for() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

free_ports() { "$SINK" --free-ports "$1" | tr '\n' ' '; }

# utime+stime of a process (all its threads), in clock ticks.
cpu_ticks() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo $(( ${12} + ${13} ))
}

# sum_cpu_ticks PID...: utime+stime of all of them, read in one pass. Reading many
# processes one subshell at a time takes seconds on a loaded host and skews a window.
sum_cpu_ticks() {
  (($#)) || { echo 0; return; }
  local files=() p
  for p in "$@"; do files+=("/proc/$p/stat"); done
  cat "${files[@]}" 2>/dev/null | awk '{sub(/^.*\) /, ""); s += $12 + $13} END {print s + 0}'
}
rss_kb() {
  awk '/^VmRSS:/ {print $2; f=1} END {if (!f) print 0}' "/proc/$1/status" 2>/dev/null || echo 0
}

# Busy ticks of the whole machine (all CPUs), from /proc/stat.
machine_busy_ticks() {
  awk '/^cpu / {print $2+$3+$4+$7+$8+$9; exit}' /proc/stat
}

# Cores in use right now (1 s sample).
busy_cores() {
  local a b
  a=$(machine_busy_ticks)
  sleep 1
  b=$(machine_busy_ticks)
  awk -v d=$((b - a)) -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", d / hz}'
}

# wait_quiet: before a measured run (with none of our processes running), wait until
# other work uses at most BENCH_MAX_BUSY cores, for at most BENCH_WAIT_S seconds.
# Sets QUIET_NOTE to "load1/busy-cores" as found when the run starts.
WAITED_TOTAL=0
wait_quiet() {
  local t0 busy waited
  t0=$(date +%s)
  while :; do
    busy=$(busy_cores)
    if awk -v b="$busy" -v m="$BENCH_MAX_BUSY" 'BEGIN {exit !(b <= m)}'; then
      break
    fi
    waited=$(($(date +%s) - t0))
    if ((waited >= BENCH_WAIT_S || WAITED_TOTAL + waited >= BENCH_WAIT_BUDGET)); then
      echo "  (machine busy: $busy cores in use by other work, waited ${waited}s; measuring anyway)" >&2
      break
    fi
    sleep 4
  done
  WAITED_TOTAL=$((WAITED_TOTAL + $(date +%s) - t0))
  QUIET_NOTE="$(cut -d' ' -f1 /proc/loadavg)/$busy"
}

# Proportional set size (kB): shared library pages split between the processes
# sharing them, so a sum over a fleet is not inflated the way summed RSS is.
pss_kb() {
  awk '/^Pss:/ {print $2; f=1} END {if (!f) print 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0
}

udp_rcvbuf_errors() {
  awk '/^Udp:/ {if (!h) {for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1} else {print $c; exit}}' /proc/net/snmp
}

# json_last FILE FILTER: apply a jq filter to the last JSON line of FILE.
json_last() {
  local line
  line=$(grep '^{' "$1" 2>/dev/null | tail -1)
  [[ -n $line ]] || { echo ""; return; }
  jq -r "$2" <<<"$line"
}

calc() { awk "BEGIN {printf \"$1\", ($2)}"; }

# srtgw stats: wait until the stats file has a line and echo FILTER applied to it.
srtgw_port() {  # srtgw_port STATSFILE FILTER
  local f=$1 filter=$2 v i
  for ((i = 0; i < 100; i++)); do
    v=$(json_last "$f" "$filter" 2>/dev/null)
    if [[ -n $v && $v != null && $v != 0 ]]; then
      echo "$v"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# bench_cpu_latency_hold: with BENCH_CPU_LATENCY_US set, asks the kernel's PM QoS to keep
# every CPU's wake-up latency at or below it for as long as this script runs (the request
# lives as long as the file stays open, and closes with the script). On this VM an idle
# vCPU halts and a wake-up then waits for the hypervisor to run it again (~0.1-0.2 ms, and
# milliseconds when the host is busy); at 0 the cpuidle driver polls instead, as cyclictest
# does by default. It is the host's setting, not srtgw's: both relays run under it alike.
BENCH_CPU_LATENCY_FD=""
bench_cpu_latency_hold() {
  [[ -n ${BENCH_CPU_LATENCY_US:-} ]] || return 0
  [[ $BENCH_CPU_LATENCY_US =~ ^[0-9]+$ ]] ||
    { echo "$BENCH_NAME: BENCH_CPU_LATENCY_US must be a number of microseconds" >&2; exit 2; }
  # A 4-byte write is taken as a binary s32; any other length as a hex string.
  if ! exec {BENCH_CPU_LATENCY_FD}>/dev/cpu_dma_latency ||
    ! printf '0x%08x' "$BENCH_CPU_LATENCY_US" >&"$BENCH_CPU_LATENCY_FD"; then
    echo "$BENCH_NAME: cannot hold /dev/cpu_dma_latency (needs root)" >&2
    exit 2
  fi
}

# bench_pin_setup: with BENCH_PIN=1, the relay under test gets the last CPU to itself and
# everything else a script starts (generator, receivers, sink) the others, through taskset:
# on a small host the relay's libsrt sender thread otherwise waits for a CPU behind the
# load it is measured with (at 900 Mbps on 2 cores it was runnable all the time and ran
# half of it). Scripts that call this put PIN_RELAY / PIN_LOAD before the commands.
PIN_RELAY=()
PIN_LOAD=()
bench_pin_setup() {
  [[ ${BENCH_PIN:-0} == 1 ]] || return 0
  command -v taskset >/dev/null || { echo "$BENCH_NAME: BENCH_PIN=1 needs taskset (util-linux)" >&2; exit 2; }
  ((NPROC >= 2)) || { echo "$BENCH_NAME: BENCH_PIN=1 needs at least 2 CPUs" >&2; exit 2; }
  PIN_RELAY=(taskset -c $((NPROC - 1)))
  PIN_LOAD=(taskset -c 0-$((NPROC - 2)))
}

# srtgw_relay_start LOG [SRT_QUERY]: `srtgw relay` from UDP to an SRT listener, both on ports
# the OS picks, stats every 500 ms in LOG. Sets RELAY_PID, RELAY_P (UDP in), RELAY_Q (SRT out).
srtgw_relay_start() {
  local log=$1 query=${2:-}
  BG_SPLIT=1 bg_start "$log" "${PIN_RELAY[@]}" "$SRTGW" relay --stats-interval 500 "${SRTGW_RELAY_ARGV[@]}" \
    "udp://127.0.0.1:0" "srt://:0${query:+?$query}"
  RELAY_PID=$BG_PID
  RELAY_P=$(srtgw_port "$log" '.inputs[0].local_port')
  RELAY_Q=$(srtgw_port "$log" '.inputs[0].outputs[0].local_port')
}

# The SRT options relay.sh and profile.sh tune srt-live-transmit (and srtgw tuned) with, and
# the maxbw that goes with a rate: bytes/s, +25 % over the stream.
TUNED_SRT="rcvbuf=50000000&sndbuf=50000000&fc=40000"
maxbw_for() { awk -v r="$1" 'BEGIN {printf "%d", r * 1e6 / 8 * 1.25}'; }

# Readiness, read from a relay's log: srt-live-transmit has accepted a caller / has its
# media path up; an srtgw relay's first output has at least N (1) callers connected.
slt_accepted() { grep -qs "Accepted SRT target connection" "$1"; }
slt_ready() { grep -qs "Media path" "$1"; }
srtgw_clients() { [[ $(json_last "$1" '.inputs[0].outputs[0].connected_clients // 0') -ge ${2:-1} ]]; }

machine_line() {
  local cpu kernel commit dirty
  cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
  kernel=$(uname -r)
  if [[ -n ${SRTGW_COMMIT:-} ]]; then
    commit=$SRTGW_COMMIT
    dirty=""
  else
    commit=$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    dirty=$(git -C "$REPO_ROOT" status --porcelain -- src apps 2>/dev/null | grep -q . && echo "+uncommitted src changes" || true)
  fi
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $NPROC CPUs ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $kernel; srtgw $commit$dirty ($SRTGW${SRTGW_RELAY_ARGS:+ relay $SRTGW_RELAY_ARGS}); $("$SLT" -version 2>&1 | grep -m1 'SRT Library version' | sed 's/,.*//')${BENCH_CPU_LATENCY_US:+; CPU wake-up latency held at $BENCH_CPU_LATENCY_US us (/dev/cpu_dma_latency)}"
}

# results_update SECTION FILE: replace the block between
# <!-- SECTION:begin --> and <!-- SECTION:end --> in BENCH_RESULTS with FILE's text
# (append the block when it is not there yet).
results_update() {
  local section=$1 body=$2 begin end tmp
  begin="<!-- $section:begin -->"
  end="<!-- $section:end -->"
  [[ -f $BENCH_RESULTS ]] || printf '# srtgw benchmark results\n\n' >"$BENCH_RESULTS"
  tmp=$(mktemp)
  if grep -qF "$begin" "$BENCH_RESULTS"; then
    awk -v b="$begin" -v e="$end" -v f="$body" '
      $0 == b {print; while ((getline l < f) > 0) print l; skip = 1; next}
      $0 == e {skip = 0}
      !skip {print}' "$BENCH_RESULTS" >"$tmp"
  else
    { cat "$BENCH_RESULTS"; echo; echo "$begin"; cat "$body"; echo "$end"; } >"$tmp"
  fi
  cat "$tmp" >"$BENCH_RESULTS"
  rm -f "$tmp"
}
