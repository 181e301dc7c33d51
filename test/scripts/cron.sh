#!/usr/bin/env bash
# Scheduling the nightly job with pg_cron: krimp.schedule_nightly() refuses
# with a hint where pg_cron is not installed, and schedules CALL
# krimp.nightly() where it is.  pg_cron keeps its jobs in the database named
# by cron.database_name (postgres in the test cluster, see scripts/cluster.sh).
# A krimp_admin login schedules it too, after GRANT USAGE ON SCHEMA cron, and
# the test waits (up to 80 s) for pg_cron to run it as that login.
set -uo pipefail
cd "$(dirname "$0")/../.."
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
db=krimp_cron_missing

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
psql -X -q -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql
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
  -c "CREATE EXTENSION IF NOT EXISTS pg_cron" -c "CREATE EXTENSION IF NOT EXISTS krimp CASCADE" -f data/organisations.sql
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
psql -X -q -d postgres -c "SELECT cron.unschedule('krimp-nightly')" >/dev/null

# An administrator's login (no superuser) schedules it once a superuser has
# granted krimp_admin the use of pg_cron's schema; the job then runs as that
# login: every minute here, and the test waits for its first run.
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS krimp_cron_admin" -c "CREATE ROLE krimp_cron_admin LOGIN IN ROLE krimp_admin"
err=$(psql -X -q -d postgres -U krimp_cron_admin -v VERBOSITY=verbose -c "SELECT krimp.schedule_nightly('* * * * *')" 2>&1)
grep -q '42501' <<<"$err" && grep -q 'permission denied for schema cron' <<<"$err"
check "a krimp_admin login without USAGE on schema cron: 42501 permission denied for schema cron" $?
psql -X -q -d postgres -c "GRANT USAGE ON SCHEMA cron TO krimp_admin"
job=$(psql -X -A -t -d postgres -U krimp_cron_admin -v ON_ERROR_STOP=1 -c "SELECT krimp.schedule_nightly('* * * * *')")
check "after GRANT USAGE ON SCHEMA cron TO krimp_admin the login schedules the job ($job)" $?
status=
for _ in $(seq 1 80); do
  status=$(psql -X -A -t -d postgres -c "SELECT status || '|' || username || '|' || return_message FROM cron.job_run_details
                                           WHERE jobid = $job AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")
  [ -n "$status" ] && break
  sleep 1
done
echo "  cron.job_run_details: $status"
[ "$status" = "succeeded|krimp_cron_admin|CALL" ] \
  && [ "$(psql -X -A -t -d postgres -c "SELECT count(*) > 0 FROM krimp.job_run WHERE run_by = 'krimp_cron_admin'")" = t ]
check "pg_cron ran CALL krimp.nightly() as the login within 80 s: succeeded, recorded in krimp.job_run" $?

# pg_cron keeps a job per name and user: whoever calls krimp.schedule_nightly,
# one krimp-nightly job remains (two would start together and one fail with
# 55P03), run as the last caller.
jobs() { psql -X -A -t -d postgres -c "SELECT string_agg(jobid || ' ' || username || ' ' || schedule, '; ' ORDER BY jobid)
                                         FROM cron.job WHERE jobname = 'krimp-nightly'"; }
su_job=$(psql -X -A -t -d postgres -v ON_ERROR_STOP=1 -c "SELECT krimp.schedule_nightly('0 2 * * *')")
now=$(jobs); echo "  after the superuser's call: $now"
[ "$now" = "$su_job postgres 0 2 * * *" ]
check "the superuser schedules it after the login: one job, the superuser's (the login's unscheduled)" $?
ad_job=$(psql -X -A -t -d postgres -U krimp_cron_admin -v ON_ERROR_STOP=1 -c "SELECT krimp.schedule_nightly('30 1 * * *')")
now=$(jobs); echo "  after the login's call: $now"
[ -n "$ad_job" ] && [ "$now" = "$ad_job krimp_cron_admin 30 1 * * *" ]
check "the login schedules it again (it cannot see the superuser's job): one job, the login's" $?
again=$(psql -X -A -t -d postgres -U krimp_cron_admin -c "SELECT krimp.schedule_nightly('45 1 * * *')")
[ "$again" = "$ad_job" ] && [ "$(jobs)" = "$ad_job krimp_cron_admin 45 1 * * *" ]
check "the same user's call changes the schedule of its job ($(jobs))" $?
err=$(psql -X -q -d postgres -U krimp_cron_admin -v VERBOSITY=verbose -c "SELECT krimp.schedule_nightly_keep_one(-1)" 2>&1)
grep -q '22023' <<<"$err" && grep -q 'pg_cron job -1 is not a krimp-nightly job' <<<"$err" && [ "$(jobs)" = "$ad_job krimp_cron_admin 45 1 * * *" ]
check "krimp.schedule_nightly_keep_one keeps only in favour of a krimp-nightly job (22023, nothing removed)" $?
psql -X -q -d postgres -U krimp_cron_admin -c "SELECT cron.unschedule('krimp-nightly')" >/dev/null
psql -X -q -d postgres -c "REVOKE USAGE ON SCHEMA cron FROM krimp_admin" -c "DROP ROLE krimp_cron_admin"
psql -X -q -d postgres -c "SET client_min_messages = warning" \
  -c "DROP EXTENSION krimp" -c "DROP EXTENSION pg_cron" -c "DROP EXTENSION postgis" -c "DROP EXTENSION btree_gist" >/dev/null
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
