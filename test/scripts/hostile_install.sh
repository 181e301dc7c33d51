#!/usr/bin/env bash
# CREATE EXTENSION krimp refuses a schema krimp that someone prepared
# beforehand (issue 13, defect 1).  A database owner who is no superuser
# creates schema krimp, with a table krimp.krimp_nightly_series whose trigger
# records who runs it; krimp 0.2 as it was installed into that schema, and the
# first CALL krimp.nightly(full_run => true) of a superuser ran the trigger as
# that superuser.  The install now refuses (42P06) every schema krimp that is
# not in the state CREATE EXTENSION leaves a schema it creates: empty, owned by
# a superuser, nobody else allowed to create in it.  Such an empty schema is
# accepted, since pg_restore creates it so (test/scripts/dump_restore.sh and
# upgrade.sh restore dumps) and DROP EXTENSION leaves it so.  Each case runs
# in a database of its own.  Runs against the cluster in PGHOST/PGPORT.
set -uo pipefail
cd "$(dirname "$0")/../.."
db=krimp_hostile_install
owner=regress_krimp_nightly_dbowner
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 "$@"; }
fresh_db() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER $owner" 2>/dev/null
}
# install: prints the error's SQLSTATE, message and detail, if any
install() {
  psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "SET client_min_messages = warning" \
    -c "CREATE EXTENSION krimp CASCADE" 2>&1 | grep -E '^(ERROR|DETAIL|HINT)' | sed 's/^/  /'
}
installed() { [ "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'krimp'")" = "1" ]; }

psql -X -q -d postgres -c "DROP ROLE IF EXISTS $owner" -c "CREATE ROLE $owner LOGIN" 2>/dev/null
check "a login $owner that is no superuser" $?

# 1. the database owner prepares schema krimp with a trap for the nightly job
fresh_db
q >/dev/null <<SQL
CREATE TABLE public.trap_log (who name, superuser boolean);
GRANT INSERT ON public.trap_log TO PUBLIC;
SET ROLE $owner;
CREATE SCHEMA krimp;
CREATE TABLE krimp.krimp_nightly_series (indicator_id integer, region_id bigint);
CREATE FUNCTION public.trap() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
    INSERT INTO public.trap_log SELECT current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
    RETURN NULL;
END \$\$;
CREATE TRIGGER trap AFTER INSERT ON krimp.krimp_nightly_series FOR EACH STATEMENT EXECUTE FUNCTION public.trap();
SQL
check "the database owner creates schema krimp with a table krimp_nightly_series and a trigger" $?
out=$(install)
printf '%s\n' "$out"
echo "$out" | grep -q '^  ERROR:  42P06: schema "krimp" already exists and was not created by CREATE EXTENSION krimp' && ! installed
check "CREATE EXTENSION krimp refuses the schema the database owner created (42P06)" $?
echo "$out" | grep -q "DETAIL:  The schema belongs to role $owner, which is not a superuser"
check "the DETAIL names the schema's owner" $?
# (the old script installed into it; then the job ran the trap as the superuser)
q -c "CALL krimp.nightly(full_run => true)" >/dev/null 2>&1
[ "$(q -c "SELECT count(*) FROM public.trap_log")" = "0" ]
check "no superuser ran the trap" $?

# 2. a schema krimp that holds something, even a superuser's
fresh_db
q -c "CREATE SCHEMA krimp" -c "CREATE TABLE krimp.krimp_nightly_series (indicator_id integer, region_id bigint)"
out=$(install)
printf '%s\n' "$out"
echo "$out" | grep -q 'DETAIL:  The schema is not empty: it holds table krimp.krimp_nightly_series (1 in all)' && ! installed
check "CREATE EXTENSION krimp refuses a schema krimp that is not empty, and names what it holds" $?

# 3. an empty schema krimp of a superuser in which others may create objects
fresh_db
q -c "CREATE SCHEMA krimp" -c "GRANT CREATE ON SCHEMA krimp TO PUBLIC, $owner"
out=$(install)
printf '%s\n' "$out"
echo "$out" | grep -q "DETAIL:  Roles other than its owner may create objects in it: PUBLIC, $owner" && ! installed
check "CREATE EXTENSION krimp refuses a schema krimp in which other roles may create" $?

# 4. an empty schema krimp of a superuser, as pg_restore creates it, is accepted
fresh_db
q -c "CREATE SCHEMA krimp" -c "GRANT USAGE ON SCHEMA krimp TO PUBLIC"
out=$(install)
[ -z "$out" ] && installed
check "CREATE EXTENSION krimp accepts an empty schema krimp of a superuser (as pg_restore creates it)" $?

# 5. a schema krimp that CREATE EXTENSION created, after DROP EXTENSION
q -c "DROP EXTENSION krimp" && [ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'krimp'")" = "1" ]
check "DROP EXTENSION krimp leaves the schema krimp behind" $?
out=$(install)
[ -z "$out" ] && installed
check "CREATE EXTENSION krimp again after DROP EXTENSION krimp" $?
# a non-superuser cannot create in the schema that the install created
[ "$(q -c "SELECT has_schema_privilege('$owner', 'krimp', 'CREATE')")" = "f" ]
check "the database owner may not create objects in schema krimp" $?

psql -X -q -d postgres -c "DROP DATABASE $db" -c "DROP ROLE $owner"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
