#!/usr/bin/env bash
# make test: install what is missing (scripts/deps.sh test: the demo's
# packages and the test tools), build, then run every test suite
# against a throwaway cluster, and end with one line "N passed, N failed"
# that counts all suites together.  Exit status is non-zero on any failure.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$KRIMP_ROOT"

krimp_build_and_install test || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp)
export KRIMP_RESULTS=$results
cluster=$(mktemp -d /tmp/krimp-test.XXXXXX)
chmod 755 "$cluster"
cleanup() { bash scripts/cluster.sh stop "$cluster"; rm -rf "$cluster" "$results"; }
trap cleanup EXIT

record() { echo "$1 $2 $3" >> "$results"; }

# 1. the core's C unit tests (no server)
mkdir -p build
for suite in unit unit-san; do
  label=unit; [ "$suite" = unit-san ] && label=unit-asan-ubsan
  echo "== $label"
  make -s "$suite" > "build/$suite.log" 2>&1 || true
  grep -vE '^ok - ' "build/$suite.log"
  grep -q "^$label " "$results" || record "$label" 0 1
done

# 2. pg_regress against a throwaway cluster
echo "== pg_regress"
port=$(krimp_free_port 55432)
eval "$(bash scripts/cluster.sh start "$cluster" "$port")" || { record regress 0 1; }
mkdir -p build/regress
make -s installcheck > build/regress/installcheck.log 2>&1
cat build/regress/installcheck.log | grep -E '^(test| |ok|not ok|\s+[0-9]+ of|=+)' || true
rp=$(grep -cE '^(test |ok ).*\.\.\. ok|^ok ' build/regress/installcheck.log)
rf=$(grep -cE '\.\.\. FAILED|^not ok ' build/regress/installcheck.log)
if [ "$rp" -eq 0 ] && [ "$rf" -eq 0 ]; then rf=1; fi
if [ "$rf" -gt 0 ] && [ -f build/regress/regression.diffs ]; then
  head -n 200 build/regress/regression.diffs
fi
record regress "$rp" "$rf"

# 3. scripted suites: each test/scripts/*.sh ends with "N passed, N failed"
for t in $(ls test/scripts/*.sh 2>/dev/null | sort); do
  echo "== $t"
  out=$(bash "$t" 2>&1); rc=$?
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n1)
  if [ -z "$line" ]; then record "$t" 0 1; continue; fi
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  record "$t" "$p" "$f"
done

echo "== summary"
awk '{ printf "  %-28s %4d passed, %d failed\n", $1, $2, $3; p += $2; f += $3 }
     END { printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$results"
