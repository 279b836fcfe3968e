#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
# (targets: url stream_id stream_config router ts_analyzer; default every one built).
# Seeds come from fuzz/corpus/<target> (read only); new inputs go to BUILD_DIR/corpus/<target>,
# crashes to BUILD_DIR/crashes/<target>-crash-..., logs to BUILD_DIR/fuzz-logs/<target>.log.
# Exits non-zero when any target crashed, leaked or timed out, naming the reproducer.
set -uo pipefail

build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(url stream_id stream_config router ts_analyzer)
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
for s in /usr/bin/llvm-symbolizer /usr/bin/llvm-symbolizer-14; do
  if [ -x "$s" ]; then export ASAN_SYMBOLIZER_PATH=$s; break; fi
done

mkdir -p "$build/crashes" "$build/fuzz-logs"
failed=()
for t in "${targets[@]}"; do
  bin="$build/fuzz_$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $t: no $bin, skipped"
    continue
  fi
  mkdir -p "$build/corpus/$t"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$build/crashes/$t-")
  [ -f "$here/$t.dict" ] && args+=(-dict="$here/$t.dict")
  case $t in
    ts_analyzer) args+=(-max_len=12288) ;;
    *) args+=(-max_len=4096) ;;
  esac
  log="$build/fuzz-logs/$t.log"
  marker=$(mktemp)
  "$bin" "${args[@]}" "$build/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    echo "fuzz: $t: ok, ${runs:-?} runs in ${seconds}s (${speed:-?}/s), ${cov:-cov: ?}"
  else
    failed+=("$t")
    echo "fuzz: $t: FAILED (exit $rc); the end of $log:"
    tail -n 60 "$log"
    for a in $(find "$build/crashes" -name "$t-*" -newer "$marker" 2>/dev/null); do
      echo "fuzz: $t: reproducer $a  (replay: $bin $a)"
    done
  fi
  rm -f "$marker"
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (turn each reproducer into a test in tests/unit, see docs/FUZZING.md)"
  exit 1
fi
