#!/usr/bin/env bash
# Runs each unit-test binary given as an argument and sums their
# "N passed, N failed" lines.  Writes the totals to $KRIMP_RESULTS (if set)
# as "unit <passed> <failed>" for scripts/test.sh.
set -u
passed=0 failed=0
for bin in "$@"; do
  echo "== $bin"
  out=$("$bin" 2>&1); rc=$?
  printf '%s\n' "$out"
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n1)
  if [ -z "$line" ]; then
    echo "$bin: no result line (exit $rc)"; failed=$((failed + 1)); continue
  fi
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  passed=$((passed + p)); failed=$((failed + f))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && failed=$((failed + 1))
done
suite=${KRIMP_SUITE:-unit}
echo "$suite: $passed passed, $failed failed"
[ -n "${KRIMP_RESULTS:-}" ] && echo "$suite $passed $failed" >> "$KRIMP_RESULTS"
[ "$failed" -eq 0 ]
