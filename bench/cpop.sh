#!/usr/bin/env bash
# Benchmark of CPOP in the C core (issue 16 point 1, extension/core/detect_cpop.c):
# bench/cpop_core.c on synthetic series of 25, 100 and 800 values (half a line
# plus noise, half with 1 + n/100 bends), one thread, one workspace.  Baselines
# in the same run: the product's trend model as it is (krimp_detect_changes,
# model trend: at most two bends) and, where it finishes in reasonable time, the
# same recursion without the inequality pruning (same optimum, checked).
# Prints the machine, the commands, microseconds per series, the ratios and the
# work (quadratics per series against n^2: the pruning keeps it well below).
#   BENCH_CPOP_SERIES="25:40000:400 100:4000:20 800:100:0"  (n:series:unpruned series)
set -euo pipefail
source "$(dirname "$0")/../scripts/common.sh"
cd "$KRIMP_ROOT"

work=$(mktemp -d /tmp/krimp-bench-cpop.XXXXXX)
trap 'rm -rf "$work"' EXIT
make -s extension/core/libkrimpcore.a >/dev/null
cc="gcc -std=c99 -O2 -D_POSIX_C_SOURCE=199309L -Iextension/core -o $work/cpop_core bench/cpop_core.c extension/core/libkrimpcore.a -lm"
$cc

echo "# CPOP (continuous piecewise-linear, L0 penalty on bends) in the C core"
echo "machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(nproc) cores;" \
     "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)"
echo "build:   $cc"
echo "penalty 3 ln n per bend, minimum segment 3, noise sd 1 (sigma units, as the trend model passes them)"
echo
for spec in ${BENCH_CPOP_SERIES:-25:40000:400 100:4000:20 800:100:0}; do
  IFS=: read -r n ns nu <<<"$spec"
  echo "command: cpop_core $n $ns $nu"
  "$work/cpop_core" "$n" "$ns" "$nu"
done
