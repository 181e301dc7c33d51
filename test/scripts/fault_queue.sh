#!/usr/bin/env bash
# The nightly job must not lose a queued series (issue 13, defect 6).  A load
# T1 takes its queue_id, then a load T2 takes a higher one and commits; the
# nightly job reads the queue while T1 is still open; T1 commits before the
# job deletes what it read.  The shifted series of T1 must then be examined
# by this run or still be queued for the next.  The old job read the queue
# with one statement and deleted "queue_id <= horizon" with a later one, whose
# newer snapshot saw T1's row: it was deleted unexamined.
#
# Driven deterministically, without timing: the sessions are psql processes
# fed through fifos, and each step waits (a bounded poll of pg_stat_activity
# and pg_locks) for the state it needs.  The pause between the job's read and
# its delete is a test-only lock, nothing in the product: a session P asks
# for SHARE on krimp.series_queue while T1 holds ROW EXCLUSIVE on it, so P
# waits for T1; the job's DELETE (ROW EXCLUSIVE) queues behind P's request.
# T1 commits (P gets its lock), then P commits, and the job's DELETE runs with
# a snapshot taken after T1's commit.  Runs against the cluster in
# PGHOST/PGPORT.
set -uo pipefail
cd "$(dirname "$0")/../.."
db=krimp_fault_queue
work=$(mktemp -d /tmp/krimp-fault-queue.XXXXXX)
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 "$@"; }
pids=()
cleanup() {
  exec 3>&- 4>&- 2>/dev/null
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for DESCRIPTION SQL: poll until SQL returns t (at most 60 s), else fail the test
wait_for() {
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(q -c "$2" 2>/dev/null)" = "t" ] && return 0
    sleep 0.1
  done
  echo "  gave up waiting for: $1"
  return 1
}
# the locks of a session on the queue, by its application_name
lock_on_queue() {   # session, mode, granted
  echo "SELECT EXISTS (SELECT FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                        WHERE a.application_name = '$1' AND l.relation = 'krimp.series_queue'::regclass
                          AND l.mode = '$2' AND l.granted = $3)"
}

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null
q >/dev/null <<'SQL'
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9921', 'Sprongdorp', 'municipality', '2000-01-01'),
    ('GM9922', 'Rustdorp', 'municipality', '2000-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation, direction_of_good)
VALUES ('test_nightly_vacancy', 'Vacancy', '%', 'year', 'housing', 'none', -1);
CALL krimp.nightly(full_run => true);
SQL
check "set up a database with two regions and an empty queue" $?

# T1: files a series with a level shift in 2012 and keeps its transaction open
mkfifo "$work/t1" "$work/p"
PGAPPNAME=krimp_fault_t1 psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 <"$work/t1" >"$work/t1.out" 2>&1 &
pids+=($!)
exec 3>"$work/t1"
cat >&3 <<'SQL'
BEGIN;
SELECT krimp.begin_batch('PV29', 'T1: the level shift') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y, 'PV29', 'test_nightly_vacancy', 'GM9921', y::text,
       (CASE WHEN y < 2012 THEN 9.9 ELSE 7.6 END + 0.1 * ((y * 7) % 3 - 1))::text
  FROM generate_series(2000, 2020) y;
SELECT 'applied ' || (krimp.apply_batch(:b)).rows_inserted;
SELECT 't1 queue_id ' || max(queue_id) FROM krimp.series_queue WHERE region_id = (SELECT region_id FROM krimp.region WHERE code = 'GM9921');
SQL
# (idle in transaction after its last statement, not between two earlier ones)
wait_for "T1 to file its series and wait, its transaction open" \
  "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'krimp_fault_t1'
                     AND state = 'idle in transaction' AND query LIKE 'SELECT ''t1 queue_id %')"
check "T1 filed the shifted series of GM9921 and keeps its transaction open" $?

# T2: another organisation's figure (so that it does not wait for T1's load lock), committed; its queue row has a higher queue_id than T1's
q >/dev/null <<'SQL'
SELECT krimp.begin_batch('PV20', 'T2: another figure') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV20', 'test_nightly_vacancy', 'GM9922', '2020', '5');
SELECT krimp.apply_batch(:b);
SQL
check "T2 committed a figure of GM9922" $?
t2=$(q -c "SELECT max(queue_id) FROM krimp.series_queue")

# P: the pause; asks for SHARE on the queue, and waits for T1
PGAPPNAME=krimp_fault_pause psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 <"$work/p" >"$work/p.out" 2>&1 &
pids+=($!)
exec 4>"$work/p"
printf 'BEGIN;\nLOCK TABLE krimp.series_queue IN SHARE MODE;\n' >&4
wait_for "P to wait for its lock" "$(lock_on_queue krimp_fault_pause ShareLock false)"
check "P waits for SHARE on krimp.series_queue behind T1" $?

# the nightly job: reads the queue (T1's row is not committed yet), then waits behind P to delete
PGAPPNAME=krimp_fault_nightly psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 -c "CALL krimp.nightly()" \
  >"$work/nightly.out" 2>&1 &
nightly=$!
wait_for "the nightly job to wait to change the queue" "$(lock_on_queue krimp_fault_nightly RowExclusiveLock false)"
check "the nightly job waits to delete from the queue (the old job had read it by then)" $?

# T1 commits while the job waits; then P gets its lock and lets the job go on
echo 'COMMIT;' >&3
exec 3>&-
wait_for "P to get its lock after T1's commit" "$(lock_on_queue krimp_fault_pause ShareLock true)"
check "T1 committed while the job was paused" $?
echo 'COMMIT;' >&4
exec 4>&-
wait "$nightly"
check "the nightly job finished" $?
sed 's/^/  nightly: /' "$work/nightly.out"
wait

t1=$(sed -n 's/^t1 queue_id //p' "$work/t1.out")
echo "  queue_id of T1's series: $t1, of T2's: $t2"
[ -n "$t1" ] && [ -n "$t2" ] && [ "$t1" -lt "$t2" ]
check "T1 took its queue_id before T2 and committed after it" $?

# the shifted series: examined by that run (a live flag) or still queued for the next one
out=$(q <<'SQL'
SELECT (SELECT count(*) FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id)
         WHERE r.code = 'GM9921' AND f.status <> 'withdrawn') || ' flags, '
    || (SELECT count(*) FROM krimp.series_queue s JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9921')
    || ' queued'
SQL
)
echo "  GM9921 after the run: $out"
[ "$out" != "0 flags, 0 queued" ]
check "the series T1 committed during the run was examined or is still queued (not lost)" $?

# and the series has a tipping point to find, so the check above can fail
out=$(q -c "CALL krimp.nightly(full_run => true)" \
        -c "SELECT count(*) FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9921' AND f.status <> 'withdrawn'")
[ "$out" = "1" ]
check "a full run flags the level shift of GM9921 ($out live flag)" $?

psql -X -q -d postgres -c "DROP DATABASE $db"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
