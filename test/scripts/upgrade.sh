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

run $fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '$current' CASCADE" -f data/organisations.sql
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

# ---- users' objects on what the upgrade replaces (issue 13) ----
# Users' views on krimp.observation (a table in 0.1, a view over rows and
# blocks in 0.2), krimp.observation_current and krimp.series_current, and a
# view on a user view, owned by a role of theirs with grants to another: the
# upgrade keeps them (owner, options, privileges, comments), and afterwards
# the view on krimp.observation shows the figures that 0.2 files as blocks.
# (krimp's views check the privileges of the user who reads them, through
# any view: the users' grantee is a krimp_reader too.)
# A function with an SQL-standard body and a materialized view on them cannot
# be kept: the upgrade refuses, and names them.
views=krimp_up_views
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d $views "$@"; }
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $views" -c "CREATE DATABASE $views" 2>/dev/null
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '0.1' CASCADE" \
  -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_krimp_upgrade_owner') THEN
          CREATE ROLE regress_krimp_upgrade_owner NOLOGIN; END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'regress_krimp_upgrade_bi') THEN
          CREATE ROLE regress_krimp_upgrade_bi NOLOGIN; END IF;
      END \$\$" \
  -c "GRANT krimp_reader TO regress_krimp_upgrade_owner, regress_krimp_upgrade_bi" -c "GRANT CREATE ON SCHEMA public TO regress_krimp_upgrade_owner" \
  -c "INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9951', 'Opwaardering', 'municipality', '2002-01-01')" \
  -c "INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
      VALUES ('test_roles_upgrade', 'Upgrade test figure', 'persons', 'year', 'demography', 'sum')" \
  -c "SET ROLE regress_krimp_upgrade_owner" \
  -c "CREATE VIEW public.user_figures WITH (security_barrier = true) AS
        SELECT o.observation_id, o.batch_id, o.period::text AS period, o.value, r.code AS region_code
          FROM krimp.observation o JOIN krimp.region r USING (region_id)" \
  -c "COMMENT ON VIEW public.user_figures IS 'our figures'" -c "COMMENT ON COLUMN public.user_figures.value IS 'the value'" \
  -c "CREATE VIEW public.user_current AS SELECT o.batch_id, o.period::text AS period, o.value FROM krimp.observation_current o" \
  -c "CREATE VIEW public.user_series AS SELECT s.indicator_code, s.region_code FROM krimp.series_current s" \
  -c "CREATE VIEW public.user_figures_gm AS SELECT f.* FROM public.user_figures f WHERE f.region_code LIKE 'GM%'
        WITH LOCAL CHECK OPTION" \
  -c "GRANT SELECT ON public.user_figures, public.user_current, public.user_series TO regress_krimp_upgrade_bi" \
  -c "GRANT SELECT (region_code, value) ON public.user_figures_gm TO regress_krimp_upgrade_bi" \
  -c "CREATE FUNCTION public.user_figure_count() RETURNS bigint LANGUAGE sql STABLE
        BEGIN ATOMIC SELECT count(*) FROM krimp.observation; END" \
  -c "CREATE MATERIALIZED VIEW public.user_current_count AS SELECT count(*) AS n FROM krimp.observation_current" \
  -c "RESET ROLE" >/dev/null && q >/dev/null <<'SQL'
SELECT krimp.begin_batch('PV20', 'upgrade test', 'before.csv') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV20', 'test_roles_upgrade', 'GM9951', '2010', '100');
SELECT rows_inserted FROM krimp.apply_batch(:b, published_at => '2021-01-01');
SQL
check "0.1 with users' views, a function and a materialized view on krimp's objects, and a figure" $?
describe="SELECT c.relname, pg_get_userbyid(c.relowner), c.relacl, c.reloptions, obj_description(c.oid, 'pg_class'),
       (SELECT string_agg(a.attname || ':' || coalesce(col_description(c.oid, a.attnum), '') || ':' || coalesce(a.attacl::text, ''),
                          ' ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0),
       EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname LIKE 'user\_%' ORDER BY 1"
q -c "$describe" > "$work/views.before"
# refused, with the list, while the function and the materialized view exist
q -c "ALTER EXTENSION krimp UPDATE TO '$current'" > /dev/null 2> "$work/views.refused"
[ $? -ne 0 ] && grep -q 'cannot update krimp to 0.2: objects depend on what the update replaces' "$work/views.refused" \
  && grep -q 'function public.user_figure_count()' "$work/views.refused" \
  && grep -q 'materialized view public.user_current_count' "$work/views.refused" \
  && [ "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'krimp'")" = 0.1 ] \
  && q -c "$describe" | cmp -s - "$work/views.before"
check "the upgrade refuses, naming the function and the materialized view, and changes nothing" $?
sed -n '1,12p' "$work/views.refused" | sed 's/^/  /'
q -c "DROP FUNCTION public.user_figure_count()" -c "DROP MATERIALIZED VIEW public.user_current_count" \
  -c "$describe" > "$work/views.before" \
  && q -c "SET client_min_messages = warning" -c "ALTER EXTENSION krimp UPDATE TO '$current'"
check "ALTER EXTENSION krimp UPDATE with users' views" $?
q -c "$describe" > "$work/views.after"
diff -u "$work/views.before" "$work/views.after"
check "users' views kept: owner, options, privileges, comments; not members of krimp" $?
# a run that 0.2 files as a block, loaded as Groningen
q > /dev/null <<'SQL'
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'upgrade test', 'runs.json') AS b \gset
CREATE TEMPORARY TABLE runs OF krimp.staged_block;
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:b, 1, 'PV20', 'test_roles_upgrade', 'GM9951', '2015', '{200,210,220}');
SELECT rows_inserted FROM krimp.apply_batch(:b, blocks => 'pg_temp.runs');
SQL
check "a run loaded into the updated warehouse" $?
[ "$(q -c "SELECT count(*) FROM krimp.observation_block b JOIN krimp.indicator i USING (indicator_id)
            WHERE i.code = 'test_roles_upgrade'")" = 1 ]
check "the run is filed as a block" $?
got=$(q -c "SET ROLE regress_krimp_upgrade_bi" \
        -c "SELECT string_agg(period || '=' || value, ' ' ORDER BY period) FROM public.user_figures WHERE region_code = 'GM9951'" \
        -c "SELECT string_agg(value::text, ' ' ORDER BY value) FROM public.user_figures_gm WHERE region_code = 'GM9951'" \
        -c "SELECT count(*) FROM public.user_current c JOIN public.user_figures f USING (batch_id, period, value)
             WHERE f.region_code = 'GM9951'" \
        -c "SELECT count(*) FROM public.user_series WHERE region_code = 'GM9951'" 2>&1 | tr '\n' '|')
echo "  read through the users' views: $got"
[ "$got" = "2010=100 2015=200 2016=210 2017=220|100 200 210 220|4|1|" ]
check "the users' views read the block's figures (as their grantee)" $?
psql -X -q -d postgres -c "DROP DATABASE $views"
psql -X -q -d postgres -c "DROP ROLE regress_krimp_upgrade_owner, regress_krimp_upgrade_bi"

for db in $fresh $updated $restored; do psql -X -q -d postgres -c "DROP DATABASE $db"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
