#!/usr/bin/env bash
# Crashes between staging and applying (issue 13: 7): rows staged into
# krimp.observation_staging through SQL and committed survive a crash of the
# server, and krimp.apply_batch then files all of them.  Twice: after
# "pg_ctl stop -m immediate" and a restart, and after kill -9 of a backend
# (the postmaster then ends every backend and recovers).  An unlogged staging
# table comes back empty from crash recovery, and the batch would be applied
# as done with 0 rows read.  It crashes the server, so it runs a throwaway
# cluster of its own on a free port (not the one in PGHOST/PGPORT).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/common.sh
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir=$(mktemp -d /tmp/krimp-fault-crash.XXXXXX)
port=$(krimp_free_port 55800)
eval "$(bash scripts/cluster.sh start "$dir" "$port")" || { echo "not ok - start a cluster"; exit 1; }
trap 'bash scripts/cluster.sh stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
export PGDATABASE=krimp_crash
psql -X -q -d postgres -c "CREATE DATABASE krimp_crash"
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
# wait until the server accepts connections again (after its crash recovery)
ready() { for _ in $(seq 1 600); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && q -c "SELECT 1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

q >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\i data/organisations.sql
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9944', 'Crash', 'municipality', '1900-01-01'), ('GM9945', 'Crash too', 'municipality', '1900-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('test_crash_pop', 'Population', 'persons', 'year', 'demography', 'sum');
SQL
check "a cluster of its own on port $PGPORT with krimp" $?

# stage 50 rows for a new batch of Groningen's, through SQL, and commit; prints the batch
stage() {
  q <<SQL
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'crash test: $1') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, g, 'PV20', 'test_crash_pop', '$3', (1950 + g)::text, ($2 + g)::text FROM generate_series(1, 50) g;
SELECT :b;
SQL
}
# the staged rows of the batch after the restart, then apply it: read|inserted|rejected, and the figures filed
after() {
  q -c "SELECT count(*) FROM krimp.observation_staging WHERE batch_id = $1"
  q -c "SET ROLE krimp_groningen" -c "SELECT rows_read || '|' || rows_inserted || '|' || rows_rejected FROM krimp.apply_batch($1)"
  q -c "SELECT count(*) FROM krimp.observation WHERE batch_id = $1"
}

# 1. pg_ctl stop -m immediate, and start again
b=$(stage immediate 1000 GM9944)
as_owner pg_ctl stop -D "$dir/data" -m immediate >/dev/null 2>&1
bash scripts/cluster.sh start "$dir" "$port" >/dev/null && ready
check "pg_ctl stop -m immediate, restarted" $?
out=$(after "$b" 2>&1 | tr '\n' ' ')
echo "  after the immediate stop: staged, read|inserted|rejected, filed: $out"
[ "$out" = "50 50|50|0 50 " ]
check "after an immediate stop: the 50 committed staged rows are there and all 50 are filed" $?

# 2. kill -9 of a backend: the postmaster ends every backend and recovers
b=$(stage kill9 2000 GM9945)
q -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
sleeper=$!
victim=
for _ in $(seq 1 100); do
  victim=$(q -c "SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(600)' AND state = 'active' LIMIT 1")
  [ -n "$victim" ] && break
  sleep 0.1
done
[ -n "$victim" ] && kill -9 "$victim"
wait "$sleeper" 2>/dev/null
ready
check "kill -9 of a backend (pid ${victim:-none}), the server recovered" $?
out=$(after "$b" 2>&1 | tr '\n' ' ')
echo "  after kill -9: staged, read|inserted|rejected, filed: $out"
[ "$out" = "50 50|50|0 50 " ]
check "after kill -9 of a backend: the 50 committed staged rows are there and all 50 are filed" $?

[ "$(q -c "SELECT relpersistence FROM pg_class WHERE oid = 'krimp.observation_staging'::regclass")" = p ]
check "krimp.observation_staging is a logged table" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
