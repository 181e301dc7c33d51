#!/usr/bin/env bash
# make bench: every benchmark in bench/, one after another.
set -euo pipefail
cd "$(dirname "$0")"
for b in series.sh detect.sh load.sh; do bash "$b"; echo; done
