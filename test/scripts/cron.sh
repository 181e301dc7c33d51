#!/usr/bin/env bash
# Scheduling the nightly job with pg_cron: krimp.schedule_nightly() refuses
# with a hint where pg_cron is not installed, and schedules CALL
# krimp.nightly() where it is.  pg_cron keeps its jobs in the database named
# by cron.database_name (postgres in the test cluster, see scripts/cluster.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
db=krimp_cron_missing

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
psql -X -q -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE"
err=$(psql -X -q -d "$db" -v VERBOSITY=verbose -c "SELECT krimp.schedule_nightly()" 2>&1)
echo "$err" | sed 's/^/  /' | head -n 3
echo "$err" | grep -q '0A000' && echo "$err" | grep -q 'HINT:  Install postgresql-15-cron'
check "without pg_cron: SQLSTATE 0A000 and a hint to install it or use krimpctl nightly" $?
psql -X -q -d postgres -c "DROP DATABASE $db"

if [ "$(psql -X -A -t -d postgres -c "SHOW shared_preload_libraries")" != "pg_cron" ]; then
  echo "not ok - pg_cron is not preloaded in this cluster (install postgresql-15-cron: make deps)"
  echo "$passed passed, $((failed + 1)) failed"; exit 1
fi
psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
  -c "CREATE EXTENSION IF NOT EXISTS pg_cron" -c "CREATE EXTENSION IF NOT EXISTS krimp CASCADE"
check "pg_cron and krimp in the database pg_cron runs in" $?
job=$(psql -X -A -t -d postgres -v ON_ERROR_STOP=1 -c "SELECT krimp.schedule_nightly('0 2 * * *')")
check "krimp.schedule_nightly() returns the job id ($job)" $?
row=$(psql -X -A -t -d postgres -c "SELECT jobname || '|' || schedule || '|' || command || '|' || database FROM cron.job WHERE jobid = $job")
echo "  cron.job: $row"
[ "$row" = "krimp-nightly|0 2 * * *|CALL krimp.nightly()|postgres" ]
check "cron.job holds krimp-nightly at 0 2 * * * (GMT) running CALL krimp.nightly()" $?
again=$(psql -X -A -t -d postgres -c "SELECT krimp.schedule_nightly('30 1 * * *')")
n=$(psql -X -A -t -d postgres -c "SELECT count(*) || ' ' || min(schedule) FROM cron.job WHERE jobname = 'krimp-nightly'")
[ "$n" = "1 30 1 * * *" ] && [ "$again" = "$job" ]
check "scheduling again replaces the schedule of the same job ($n)" $?
psql -X -q -d postgres -c "SELECT cron.unschedule('krimp-nightly')" -c "SET client_min_messages = warning" \
  -c "DROP EXTENSION krimp" -c "DROP EXTENSION pg_cron" -c "DROP EXTENSION postgis" -c "DROP EXTENSION btree_gist" >/dev/null
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
