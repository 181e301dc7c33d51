#!/usr/bin/env bash
# The fuzz corpus replayed once through every libFuzzer target (test/fuzz/):
# builds them with clang (ASan, UBSan, LeakSanitizer, libFuzzer) and runs
# each over test/fuzz/corpus/<target>/.  One test per target; a crash, a
# leak, undefined behaviour or a broken invariant fails it.  Ends with
# "N passed, N failed" for scripts/test.sh.  Fuzzing itself (minutes per
# target) is "bash test/fuzz/run.sh --minutes N"; see docs/hardening.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null 2>&1; then
  echo "not ok - fuzz targets: clang not installed (scripts/deps.sh installs clang and libclang-rt-14-dev)"
  echo "0 passed, 1 failed"; exit 1
fi
out=$(bash test/fuzz/run.sh --replay 2>&1); rc=$?
printf '%s\n' "$out"
if ! printf '%s\n' "$out" | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
  echo "0 passed, 1 failed"   # the build failed
  exit 1
fi
exit $rc
