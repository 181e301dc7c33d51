#!/usr/bin/env bash
# make bench: every benchmark in bench/, one after another.
set -euo pipefail
cd "$(dirname "$0")"
# on a fresh machine: the packages (scripts/deps.sh), the build and the installed extension
source ../scripts/common.sh
krimp_build_and_install
for b in series.sh detect.sh revaluation.sh load.sh; do bash "$b"; echo; done
