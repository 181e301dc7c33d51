#!/usr/bin/env bash
# The fuzz corpus replayed once through every libFuzzer target (test/fuzz/):
# builds them with clang (ASan, UBSan, LeakSanitizer, libFuzzer) and runs
# each over test/fuzz/corpus/<target>/.  One test per target; a crash, a
# leak, undefined behaviour or a broken invariant fails it.  One more test:
# the corpus keeps CSV documents with a NUL byte and JSON ones with a \u0000,
# which the readers once cut short (issue 13), so that the invariant on each
# field's length (test/fuzz/fuzz_cli.h) is replayed on them every time.  Ends
# with "N passed, N failed" for scripts/test.sh.  Fuzzing itself (minutes per
# target) is "bash test/fuzz/run.sh --minutes N"; see docs/hardening.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null 2>&1; then
  echo "not ok - fuzz targets: clang not installed (scripts/deps.sh installs clang and libclang-rt-14-dev)"
  echo "0 passed, 1 failed"; exit 1
fi
out=$(bash test/fuzz/run.sh --replay 2>&1); rc=$?
printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n1)
if [ -z "$summary" ]; then
  echo "0 passed, 1 failed"   # the build failed
  exit 1
fi
read -r nul_csv nul_json < <(python3 -c '
import glob
csv = sum(1 for f in glob.glob("test/fuzz/corpus/statline_csv/*") if b"\0" in open(f, "rb").read()[2:])
js = sum(1 for t in ("odata3", "odata4") for f in glob.glob("test/fuzz/corpus/%s/*" % t) if b"\\u0000" in open(f, "rb").read())
print(csv, js)')
passed=${summary%% passed*} failed=${summary##*passed, }; failed=${failed%% failed}
if [ "${nul_csv:-0}" -gt 0 ] && [ "${nul_json:-0}" -gt 0 ]; then
  echo "ok - the corpus holds $nul_csv CSV document(s) with a NUL byte and $nul_json JSON one(s) with \\u0000"
  passed=$((passed + 1))
else
  echo "not ok - the corpus lacks a CSV document with a NUL byte or a JSON one with \\u0000"
  failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ $rc -eq 0 ] && [ "$failed" -eq 0 ]
