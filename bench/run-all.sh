#!/usr/bin/env bash
# run-all.sh: every benchmark (relay, fan-out, delay), updating bench/RESULTS.md.
# Used by `make bench`. About 13 minutes on a quiet 2-core machine; each script waits
# at most BENCH_WAIT_BUDGET (120 s) in all for other work to quiet down, so the whole
# run stays under ~16 minutes.
set -u -o pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stamp=$(date +%Y%m%d-%H%M%S)
status=0
for b in relay fanout fanout-notsbpd delay; do
  echo "=== $b ===" >&2
  case $b in
    fanout-notsbpd)
      BENCH_FANOUT_RECEIVER=srtrecv-notsbpd BENCH_OUT=$here/out/$b-$stamp bash "$here/fanout.sh" ||
        { echo "fanout.sh (no TSBPD) failed" >&2; status=1; } ;;
    *) BENCH_OUT=$here/out/$b-$stamp bash "$here/$b.sh" || { echo "$b.sh failed" >&2; status=1; } ;;
  esac
done
echo "Results: $here/RESULTS.md" >&2
exit $status
