#!/usr/bin/env bash
# The pg_regress suites once against a server running under valgrind
# (memcheck), with the suppressions in test/valgrind/postgres.supp.  Slow (an
# hour or more), so not part of make test; docs/hardening.md has the last result.
#
#   bash test/valgrind/run.sh [SUITE ...]   default: every suite of the Makefile's REGRESS
#
# It builds and installs the extension, creates a cluster in build/valgrind/
# (as the postgres user when run as root), starts the postmaster under
# valgrind with --trace-children=yes so every backend is checked, runs make
# installcheck against it, stops it and sums up the logs: one log per process
# in build/valgrind/logs/<pid>.log.  The run fails when valgrind reports an
# error in any process, or pg_regress fails.  Errors whose stack runs through
# krimp.so are listed first: those are ours.
#
# Debian's postgres is not built with USE_VALGRIND: palloc'd memory is not
# marked at chunk granularity (a read past a palloc'd chunk inside its block,
# or of a pfree'd chunk, goes unseen), only malloc'd blocks, uninitialised
# values (down to the bit) and the system calls are checked.  The server
# binary is stripped, so its frames show as "???" in obj:.../postgres; the
# extension's frames have file and line.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
source scripts/common.sh

command -v valgrind >/dev/null || { echo "valgrind: not installed (scripts/deps.sh installs it)" >&2; exit 1; }
bindir=$(pg_config --bindir)
[ -x "$bindir/postgres" ] || bindir=/usr/lib/postgresql/15/bin

krimp_build_and_install || exit 1

out=$root/build/valgrind
if [ -f "$out/data/postmaster.pid" ]; then
  runuser -u postgres -- "$bindir/pg_ctl" -D "$out/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
rm -rf "$out"
mkdir -p "$out/logs"
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
owner=$([ "$(id -u)" -eq 0 ] && echo postgres || id -un)
[ "$(id -u)" -eq 0 ] && chown -R postgres: "$out"
port=$(krimp_free_port 56432)

as_owner "$bindir/initdb" -D "$out/data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
  > "$out/initdb.log" 2>&1 || { cat "$out/initdb.log"; exit 1; }
as_owner tee -a "$out/data/postgresql.auto.conf" >/dev/null <<CONF
port = $port
listen_addresses = ''
unix_socket_directories = '$out'
fsync = off
timezone = 'Europe/Amsterdam'
max_parallel_workers_per_gather = 0
# no JIT: LLVM's generated code means nothing to memcheck, and loading llvmjit.so
# trips a known false report in the dynamic loader's strncmp
jit = off
# under valgrind everything is 20-50 times slower
statement_timeout = 0
authentication_timeout = 600
log_line_prefix = '%m [%p] '
CONF
if [ -f "$(pg_config --pkglibdir)/pg_cron.so" ]; then
  as_owner tee -a "$out/data/postgresql.auto.conf" >/dev/null <<CONF
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
CONF
fi

# The postmaster under valgrind, every child process traced.  --error-exitcode
# makes a backend with an error exit abnormally, so the postmaster restarts and
# the suite fails visibly, as PostgreSQL's own valgrind runs do.
as_owner valgrind --quiet --tool=memcheck --leak-check=no --gen-suppressions=all \
  --suppressions="$root/test/valgrind/postgres.supp" --trace-children=yes --track-origins=yes \
  --read-var-info=yes --num-callers=30 --error-exitcode=128 \
  --error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
  --log-file="$out/logs/%p.log" \
  "$bindir/postgres" -D "$out/data" > "$out/server.log" 2>&1 &
vg_pid=$!

export PGHOST=$out PGPORT=$port PGUSER=$owner PGDATABASE=postgres
for _ in $(seq 1 300); do
  "$bindir/pg_isready" -q && break
  kill -0 "$vg_pid" 2>/dev/null || { echo "valgrind: the server did not start"; tail -n 30 "$out/server.log"; exit 1; }
  sleep 2
done
"$bindir/pg_isready" -q || { echo "valgrind: the server did not start in 10 minutes"; exit 1; }

started=$(date +%s)
suites=()
[ $# -gt 0 ] && suites=(REGRESS="$*")
mkdir -p "$out/regress"
make -s installcheck "${suites[@]}" REGRESS_OPTS="--inputdir=. --outputdir=$out/regress" \
  > "$out/installcheck.log" 2>&1
regress_rc=$?
elapsed=$(( $(date +%s) - started ))

as_owner "$bindir/pg_ctl" -D "$out/data" -m fast -w -t 600 stop >/dev/null 2>&1 || kill "$vg_pid"
wait "$vg_pid" 2>/dev/null

grep -E '^(test| +[a-z_]+ +\.\.\.|ok|not ok|.*tests? (passed|failed))' "$out/installcheck.log" | sed 's/^/  /'

[ $regress_rc -ne 0 ] && echo "valgrind: pg_regress failed; diffs in $out/regress/regression.diffs"

# Sum up: processes traced, errors, errors through krimp.so.
procs=$(ls "$out/logs" | wc -l)
errs=0 ours=0
for f in "$out"/logs/*.log; do
  n=$(grep -c 'VALGRINDERROR-BEGIN' "$f")
  [ "$n" -eq 0 ] && continue
  errs=$((errs + n))
  k=$(awk '/VALGRINDERROR-BEGIN/{e=""; inerr=1} inerr{e=e"\n"$0} /VALGRINDERROR-END/{inerr=0; if (e ~ /krimp/) c++} END{print c+0}' "$f")
  ours=$((ours + k))
done
echo "valgrind: $procs processes traced, installcheck $((elapsed / 60)) min (exit $regress_rc), $errs error(s), $ours through krimp.so"
if [ "$errs" -gt 0 ]; then
  echo "valgrind: errors in:"
  grep -l 'VALGRINDERROR-BEGIN' "$out"/logs/*.log | head -n 20 | sed 's/^/  /'
  # the errors through krimp.so first, in full
  for f in $(grep -l 'VALGRINDERROR-BEGIN' "$out"/logs/*.log); do
    awk '/VALGRINDERROR-BEGIN/{e=""; inerr=1} inerr{e=e"\n"$0} /VALGRINDERROR-END/{inerr=0; if (e ~ /krimp/) print e}' "$f"
  done | head -n 200
fi
[ "$errs" -eq 0 ] && [ $regress_rc -eq 0 ]
