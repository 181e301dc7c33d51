#!/usr/bin/env bash
# libFuzzer targets of krimp (test/fuzz/, docs/hardening.md).
#
#   bash test/fuzz/run.sh                  build the targets (build/fuzz/)
#   bash test/fuzz/run.sh --replay         build, then run every target once over its corpus (CI)
#   bash test/fuzz/run.sh --minutes N      build, then fuzz each target N minutes, two at a time
#                                          (--jobs J to change), and merge the inputs that add
#                                          coverage into test/fuzz/corpus/<target>/
#   bash test/fuzz/run.sh --seeds          rewrite the binary seeds (test/fuzz/make_corpus.c)
#   ... [TARGET ...]                       only these targets (names as below, without fuzz_)
#
# Targets are built with clang -g -O1 -fsanitize=fuzzer,address,undefined
# (UBSan not recovering, LeakSanitizer on) against the core's sources, and for
# the CBS readers against cli/'s reader sources with yajl and libcsv.  A crash,
# a leak, undefined behaviour or a broken invariant fails the run; its input
# is kept in build/fuzz/artifacts/<target>/.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

mode=build minutes=0 jobs=2 only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --replay) mode=replay ;;
    --seeds) mode=seeds ;;
    --minutes) mode=fuzz; minutes=${2:?--minutes N}; shift ;;
    --jobs) jobs=${2:?--jobs J}; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) only+=("$1") ;;
  esac
  shift
done

CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null; then
  echo "fuzz: $CC not found (scripts/deps.sh installs clang and libclang-rt-14-dev)" >&2; exit 1
fi
CFLAGS=(-std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer -Wall -Wextra -Werror -Iextension/core -Itest/fuzz)
core=(extension/core/*.c)
# the readers krimpctl load uses, without load.c (which needs libpq and a server)
cli=(cli/input.c cli/json_stream.c cli/odata3.c cli/odata4.c cli/statline_csv.c cli/code_lists.c)

# name:max_len
targets=(period:64 series_text:4096 series_recv:4096 trend:1024 odata3:8192 odata4:8192 statline_csv:8192)
cli_target() { case "$1" in odata3|odata4|statline_csv) return 0 ;; esac; return 1; }

have_cli=yes
for f in "${cli[@]}" cli/input.h; do [ -f "$f" ] || have_cli=no; done
[ -f /usr/include/yajl/yajl_parse.h ] && [ -f /usr/include/csv.h ] || have_cli=no

selected=()
for t in "${targets[@]}"; do
  name=${t%%:*}
  if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then continue; fi
  if cli_target "$name" && [ $have_cli = no ]; then
    echo "fuzz: skipping $name (cli/ readers, yajl or libcsv missing)" >&2; continue
  fi
  selected+=("$t")
done

mkdir -p build/fuzz
if [ $mode = seeds ]; then
  "$CC" -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iextension/core -o build/fuzz/make_corpus \
    test/fuzz/make_corpus.c "${core[@]}" -lm || exit 1
  mkdir -p test/fuzz/corpus/{period,series_recv,trend}
  build/fuzz/make_corpus test/fuzz/corpus && echo "fuzz: binary seeds written to test/fuzz/corpus/"
  exit
fi
build_one() {
  local name=$1 srcs=("${core[@]}") libs=(-lm)
  if cli_target "$name"; then srcs+=("${cli[@]}"); libs=(-lyajl -lcsv -lm); fi
  local out=build/fuzz/fuzz_$name
  # rebuild when any source is newer than the binary
  if [ -x "$out" ] && [ -z "$(find test/fuzz/fuzz_"$name".c test/fuzz/*.h "${srcs[@]}" extension/core/*.h cli/*.h \
        -newer "$out" 2>/dev/null | head -n1)" ]; then
    return 0
  fi
  "$CC" "${CFLAGS[@]}" -Icli -o "$out" "test/fuzz/fuzz_$name.c" "${srcs[@]}" "${libs[@]}"
}
for t in "${selected[@]}"; do
  name=${t%%:*}
  build_one "$name" || { echo "fuzz: building fuzz_$name failed" >&2; exit 1; }
done
[ $mode = build ] && { echo "fuzz: built ${#selected[@]} target(s) in build/fuzz/"; exit 0; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

dict_opt() { [ -f "test/fuzz/dict/$1.dict" ] && echo "-dict=test/fuzz/dict/$1.dict"; }

if [ $mode = replay ]; then
  passed=0 failed=0
  for t in "${selected[@]}"; do
    name=${t%%:*} max=${t##*:}
    dir=test/fuzz/corpus/$name
    n=$(ls "$dir" 2>/dev/null | wc -l)
    if [ "$n" -eq 0 ]; then echo "not ok - $name: no corpus in $dir"; failed=$((failed + 1)); continue; fi
    mkdir -p "build/fuzz/artifacts/$name"
    if build/fuzz/fuzz_"$name" -runs=0 -max_len="$max" -artifact_prefix="build/fuzz/artifacts/$name/" \
         "$dir" > "build/fuzz/replay_$name.log" 2>&1; then
      echo "ok - $name: $n inputs replayed"; passed=$((passed + 1))
    else
      echo "not ok - $name: replay failed (build/fuzz/replay_$name.log)"
      grep -E 'ERROR|invariant|runtime error|SUMMARY' "build/fuzz/replay_$name.log" | head -n 5 | sed 's/^/    /'
      failed=$((failed + 1))
    fi
  done
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]; exit
fi

# --minutes N: fuzz from the corpus into a work folder, then merge what adds coverage
fuzz_one() {
  local name=$1 max=$2 secs=$((minutes * 60))
  local work=build/fuzz/work/$name log=build/fuzz/logs/$name.log corpus=test/fuzz/corpus/$name
  mkdir -p "$work" "$corpus" "build/fuzz/artifacts/$name" build/fuzz/logs
  build/fuzz/fuzz_"$name" -max_total_time="$secs" -max_len="$max" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 $(dict_opt "$name") -artifact_prefix="build/fuzz/artifacts/$name/" \
    "$work" "$corpus" > "$log" 2>&1
  local rc=$?
  local before after
  before=$(ls "$corpus" | wc -l)
  build/fuzz/fuzz_"$name" -merge=1 -max_len="$max" "$corpus" "$work" > "build/fuzz/logs/$name.merge.log" 2>&1
  after=$(ls "$corpus" | wc -l)
  local execs cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+')
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+')
  local crashes
  crashes=$(ls "build/fuzz/artifacts/$name" | wc -l)
  printf '%-14s exit=%d minutes=%d execs=%s cov=%s ft=%s corpus=%d->%d artifacts=%d\n' \
    "$name" "$rc" "$minutes" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$before" "$after" "$crashes" \
    | tee -a build/fuzz/summary.txt
  return $rc
}
: > build/fuzz/summary.txt
status=0
running=0
for t in "${selected[@]}"; do
  fuzz_one "${t%%:*}" "${t##*:}" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || status=1; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n || status=1; running=$((running - 1)); done
echo "fuzz: summary in build/fuzz/summary.txt, logs in build/fuzz/logs/"
exit $status
