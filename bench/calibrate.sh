#!/usr/bin/env bash
# Calibration of krimp's change-point detectors: precision and recall of
# located changes (margin +-2), segmentation covering, and the false-alarm
# rate on series without a change, for each detector beside a detector that
# reports nothing; on synthetic series with planted changes (several sizes,
# white and AR(1) noise), on the bundled real CBS series as they are, and on
# the real municipal series with planted changes.  Also a sweep of the
# penalty multiplier and of Davies' level.  Method: docs/detect.md.
#   bash bench/calibrate.sh [REPS]     (default 200 series per length and size)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-200}
work=$(mktemp -d /tmp/krimp-calibrate.XXXXXX); trap 'rm -rf "$work"' EXIT
make -s extension/core/libkrimpcore.a
gcc -std=c99 -O2 -Wall -Wextra -Werror -Iextension/core -o "$work/calibrate" bench/calibrate.c extension/core/libkrimpcore.a -lm
python3 bench/cbs_series.py > "$work/series.txt"
echo "# krimp change-point detectors: calibration"
echo "machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(nproc) cores"
echo "command: bash bench/calibrate.sh $reps"
echo "defaults: level penalty 5 ln n per shift + ln(length) per segment, trend penalty 3 ln n per bend,"
echo "          Davies alpha 0.01, min segment 3, at most 3 shifts / 2 bends (extension/core/detect.h)"
echo
"$work/calibrate" "$work/series.txt" "$reps"
