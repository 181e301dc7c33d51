#!/usr/bin/env bash
# Upgrades, in the style of TimescaleDB's update test: a fresh install of the
# current version, version 0.1 filled with data and then updated, and a dump of
# the updated database restored into a fresh one must have the same objects,
# policies, privileges and query results.  Runs against the cluster in
# PGHOST/PGPORT (scripts/test.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" krimp.control)
fresh=krimp_up_fresh updated=krimp_up_updated restored=krimp_up_restored
work=$(mktemp -d /tmp/krimp-upgrade.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
run() { psql -X -q -v ON_ERROR_STOP=1 -d "$@"; }

for db in $fresh $updated $restored; do
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
done

run $fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '$current' CASCADE"
check "fresh install of $current" $?
run $updated -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '0.1' CASCADE"
check "install of 0.1" $?
# data first, with 0.1, then the update; the fresh database gets the same data
run $updated -f test/scripts/fill_warehouse.sql >/dev/null
check "fill the 0.1 warehouse" $?
run $updated -c "ALTER EXTENSION krimp UPDATE TO '$current'"
check "ALTER EXTENSION krimp UPDATE TO '$current'" $?
run $fresh -f test/scripts/fill_warehouse.sql >/dev/null
check "fill the fresh warehouse" $?
pg_dump -Fc -d $updated -f "$work/updated.dump" 2>"$work/pg_dump.err"
check "pg_dump of the updated database" $?
pg_restore -d $restored --exit-on-error "$work/updated.dump"
check "pg_restore into a fresh database" $?

ok=0
for db in $fresh $updated $restored; do
  run $db -f test/scripts/snapshot.sql > "$work/$db.objects" || ok=1
  run $db -f test/scripts/queries.sql > "$work/$db.queries" 2>&1 || ok=1
done
check "snapshots and queries ran in all three databases" $ok
echo "  snapshot: $(grep -c '^member ' "$work/$fresh.objects") extension members, $(grep -c '^function ' "$work/$fresh.objects") functions, $(grep -c '^policy ' "$work/$fresh.objects") policies"
diff -u "$work/$fresh.objects" "$work/$updated.objects" | head -n 60
check "objects, policies and privileges: fresh $current = 0.1 updated to $current" "${PIPESTATUS[0]}"
diff -u "$work/$updated.objects" "$work/$restored.objects" | head -n 60
check "objects, policies and privileges: updated = dump of it restored" "${PIPESTATUS[0]}"
# the data came in at different times, so compare what does not depend on the load time
for f in "$work"/*.queries; do sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+[+-][0-9]+//g' "$f" > "$f.cmp"; done
diff -u "$work/$fresh.queries.cmp" "$work/$updated.queries.cmp" | head -n 40
check "query results: fresh = updated" "${PIPESTATUS[0]}"
diff -u "$work/$updated.queries" "$work/$restored.queries" | head -n 40
check "query results: updated = restored" "${PIPESTATUS[0]}"
grep -q 'ERROR' "$work/$fresh.queries"; [ $? -ne 0 ]
check "the queries ran without error ($(grep -c '' "$work/$fresh.queries") lines of results)" $?

for db in $fresh $updated $restored; do psql -X -q -d postgres -c "DROP DATABASE $db"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
