#!/usr/bin/env bash
# The nightly job with several sessions: NOTIFY with a JSON summary when
# something new is flagged, one run at a time (a second run fails at once
# with 55P03), and a run while a load is open: no waiting (lock_timeout
# would turn a wait into an error), no deadlock, and the load's series are
# examined by the next run.  Runs against the cluster in PGHOST/PGPORT.
set -uo pipefail
cd "$(dirname "$0")/../.."
db=krimp_nightly_sessions
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 "$@"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null
q >/dev/null <<'SQL'
SET search_path = public, krimp;
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9931', 'Sprongdorp', 'municipality', '2000-01-01'),
    ('GM9932', 'Rustdorp', 'municipality', '2000-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation, direction_of_good)
VALUES ('vacancy', 'Vacancy', '%', 'year', 'housing', 'none', -1);
-- a clear level shift in 2012: vacancy from about 9.9 to about 7.6
SELECT krimp.begin_batch('PV29', 'test') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y, 'PV29', 'vacancy', 'GM9931', y::text, (CASE WHEN y < 2012 THEN 9.9 ELSE 7.6 END + 0.1 * ((y * 7) % 3 - 1))::text
  FROM generate_series(2000, 2020) y;
SELECT krimp.apply_batch(:b);
SQL
check "set up a database with a series that has a level shift" $?

# 1. NOTIFY: a listener in the running session hears about the new flag, with a JSON summary
out=$(q -c "LISTEN krimp_tipping_points" -c "CALL krimp.nightly()" -c "SELECT 1" 2>&1)
echo "$out" | grep 'Asynchronous notification' | sed 's/ received from.*//; s/^/  /'
echo "$out" | grep -q 'Asynchronous notification "krimp_tipping_points" with payload "{"run_id" : 1, "series_examined" : 1, "new" : 1'
check "NOTIFY krimp_tipping_points with a JSON summary of the run" $?
out=$(q -c "LISTEN krimp_tipping_points" -c "CALL krimp.nightly(full_run => true)" -c "SELECT 1" 2>&1)
! echo "$out" | grep -q 'Asynchronous notification'
check "no notification when nothing new was flagged" $?

# 2. one run at a time: while one holds the job's lock, a second run fails at once with 55P03
q -c "BEGIN" -c "SELECT pg_advisory_xact_lock(hashtext('krimp.nightly'))" -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null &
holder=$!
sleep 1
err=$(psql -X -q -d "$db" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "CALL krimp.nightly()" 2>&1)
echo "  $err" | head -n 2
echo "$err" | grep -q '55P03'
check "a second run at the same time fails at once with SQLSTATE 55P03" $?
wait "$holder"

# 3. a run while a load is open: no waiting, no deadlock; the next run examines the load's series
q >/dev/null <<'SQL' &
SET search_path = public, krimp;
BEGIN;
SELECT krimp.begin_batch('PV29', 'slow load') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y, 'PV29', 'vacancy', 'GM9932', y::text, '5' FROM generate_series(2000, 2020) y;
SELECT krimp.apply_batch(:b);
SELECT pg_sleep(4);
COMMIT;
SQL
loader=$!
sleep 1.5
out=$(q -c "SET lock_timeout = '1s'" -c "CALL krimp.nightly()" -c "SELECT series_examined FROM krimp.job_run ORDER BY run_id DESC LIMIT 1" 2>&1)
rc=$?
echo "  run during the open load examined: $out"
[ $rc -eq 0 ] && [ "$out" = "0" ]
check "a run during an open load neither waits nor sees the uncommitted series" $?
wait "$loader"
check "the load committed after the run" $?
out=$(q -c "CALL krimp.nightly()" -c "SELECT series_examined FROM krimp.job_run ORDER BY run_id DESC LIMIT 1")
[ "$out" = "1" ]
check "the next run examines the loaded series (examined: $out)" $?

# 4. the flags: one live flag, no duplicates after all these runs
out=$(q -c "SELECT count(*), count(DISTINCT (indicator_id, region_id, period, kind)) FROM krimp.tipping_point_flag WHERE status <> 'withdrawn'")
echo "  live flags, distinct: $out"
[ "$out" = "1|1" ]
check "one live flag, no duplicate after five runs" $?
out=$(q -c "SELECT period || ' ' || kind || ' ' || direction || ' ' || assessment FROM krimp.tipping_point_flag")
echo "  flag: $out"
[ "$out" = "2012 level shift down improving" ]
check "the flag is the 2012 level shift, down, improving for vacancy" $?

psql -X -q -d postgres -c "DROP DATABASE $db"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
