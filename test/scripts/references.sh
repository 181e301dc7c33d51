#!/usr/bin/env bash
# The foreign keys of krimp.observation are checked once per statement
# (extension/install/41_references.sql) instead of once per row.  This checks
# that they hold as PostgreSQL's own check would when a load and a delete of
# what it refers to run at the same time, in two sessions:
#   1. a load holds the regions it refers to: a delete waits for it (and gives
#      up on lock_timeout), and after the load commits the delete is refused;
#   2. a delete that commits while a load waits for it: the load fails with
#      23503 and keeps nothing;
#   3. the same under REPEATABLE READ: the load fails with 40001;
#   4. the checks on the referenced side: a delete of a referenced indicator,
#      and of a referenced batch, is refused.
# Runs against the cluster in PGHOST/PGPORT (scripts/test.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
db=krimp_references
work=$(mktemp -d /tmp/krimp-references.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {  # check NAME CONDITION-EXIT-STATUS
  if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi
}
q() { psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 "$@"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null
q >/dev/null <<'SQL'
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('test_ref', 'test', 'persons', 'year', 'demography', 'sum');
INSERT INTO krimp.region (code, name, level, valid_from)
VALUES ('GM9961', 'Een', 'municipality', '2000-01-01'), ('GM9962', 'Twee', 'municipality', '2000-01-01'),
       ('GM9963', 'Drie', 'municipality', '2000-01-01');
SELECT krimp.begin_batch('BZK', 'references test');
SQL
batch=$(q -c "SELECT max(batch_id) FROM krimp.load_batch")
sleeping() {  # wait (up to 10 s) until a session of the test database sits in pg_sleep
  for _ in $(seq 100); do
    [ "$(psql -X -A -t -d postgres -c "SELECT count(*) FROM pg_stat_activity
          WHERE datname = '$db' AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()")" -gt 0 ] && return 0
    sleep 0.1
  done
  return 1
}
insert_sql() {  # the observation of region $1 for year $2, as a direct insert
  echo "INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id)
        SELECT i.indicator_id, krimp.region_at('$1', '$2'), '$2', 1, 'definitief', 'x', 'BZK', $batch
          FROM krimp.indicator i WHERE i.code = 'test_ref';"
}

# 1. a load in progress holds its regions
( q <<SQL > "$work/load1.out" 2>&1
BEGIN;
$(insert_sql GM9961 2020)
SELECT pg_sleep(3);
COMMIT;
SQL
) &
sleeping
q -c "SET lock_timeout = '1s'" -c "DELETE FROM krimp.region WHERE code = 'GM9961'" > "$work/del1.out" 2>&1
grep -q "canceling statement due to lock timeout" "$work/del1.out"
check "a delete of a region that a load in progress refers to waits for the load (lock_timeout)" $?
wait
! grep -q ERROR "$work/load1.out"
check "the load commits" $?
q -c "DELETE FROM krimp.region WHERE code = 'GM9961'" > "$work/del1b.out" 2>&1
grep -q 'violates foreign key constraint "observation_region_id_fkey" on table "observation_row"' "$work/del1b.out"
check "after the load the delete is refused (23503)" $?

# 2. a delete commits while the load waits for it
( q <<SQL > "$work/del2.out" 2>&1
BEGIN;
DELETE FROM krimp.region WHERE code = 'GM9962';
SELECT pg_sleep(2);
COMMIT;
SQL
) &
sleeping
q -c "$(insert_sql GM9962 2020)" > "$work/load2.out" 2>&1
rc=$?
wait
[ $rc -ne 0 ] && grep -q 'violates foreign key constraint "observation_region_id_fkey"' "$work/load2.out" \
  && grep -q 'Key (region_id)=([0-9]*) is not present in table "region"' "$work/load2.out"
check "a load referring to a region deleted while it waited fails with the foreign-key error" $?
[ "$(q -c "SELECT count(*) FROM krimp.observation o LEFT JOIN krimp.region r USING (region_id) WHERE r.region_id IS NULL")" = 0 ]
check "no observation refers to a missing region" $?

# 3. REPEATABLE READ: the region was there in the load's snapshot, but deleted since
( q <<SQL > "$work/load3.out" 2>&1
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) FROM krimp.region;
SELECT pg_sleep(2);
$(insert_sql GM9963 2020)
COMMIT;
SQL
) &
sleeping
q -c "DELETE FROM krimp.region WHERE code = 'GM9963'" > "$work/del3.out" 2>&1
check "the region is deleted while the repeatable-read load sleeps" $?
wait
grep -q "could not serialize access due to concurrent" "$work/load3.out"
check "the repeatable-read load fails with a serialization failure (40001)" $?
[ "$(q -c "SELECT count(*) FROM krimp.observation o LEFT JOIN krimp.region r USING (region_id) WHERE r.region_id IS NULL")" = 0 ]
check "still no observation refers to a missing region" $?

# 4. the referenced side keeps PostgreSQL's own checks
q -c "DELETE FROM krimp.indicator WHERE code = 'test_ref'" > "$work/del4.out" 2>&1
grep -q 'violates foreign key constraint "observation_indicator_id_fkey" on table "observation_row"' "$work/del4.out"
check "a delete of an indicator with observations is refused" $?
q -c "DELETE FROM krimp.load_batch WHERE batch_id = $batch" > "$work/del5.out" 2>&1
grep -q 'violates foreign key constraint "observation_batch_org_fkey" on table "observation_row"' "$work/del5.out"
check "a delete of a batch with observations is refused" $?

for f in "$work"/*.out; do
  grep -q . "$f" && { echo "--- $(basename "$f")"; grep . "$f" | sed 's/^/  /'; }
done
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
