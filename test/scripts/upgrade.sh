#!/usr/bin/env bash
# Upgrades, in the style of TimescaleDB's update test: a fresh install of the
# current version, every released version filled with data and then updated,
# and a dump of an updated database restored into a fresh one must have the
# same objects, policies, privileges and query results.  The released scripts
# must be as they shipped (extension/released.sha256, written by make freeze).
# Runs against the cluster in PGHOST/PGPORT (scripts/test.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" krimp.control)
# the released versions: the install scripts kept as shipped
released=$(ls extension/krimp--*.sql | sed -n 's|^extension/krimp--\([0-9.]*\)\.sql$|\1|p' | sort -V | tr '\n' ' ')
fresh=krimp_up_fresh updated=krimp_up_updated restored=krimp_up_restored
work=$(mktemp -d /tmp/krimp-upgrade.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
run() { psql -X -q -v ON_ERROR_STOP=1 -d "$@"; }
from_db() { echo "krimp_up_from_${1//./_}"; }

# ---- the released scripts are frozen ----
sha256sum --quiet -c extension/released.sha256
check "the released scripts are as they shipped (sha256sum -c extension/released.sha256)" $?
listed=$(awk '{print $2}' extension/released.sha256 | sort | tr '\n' ' ')
expect=$({ ls extension/krimp--*.sql; for v in $released; do ls extension/install/upgrade/*--"$v".sql 2>/dev/null; done; } \
         | sort -u | tr '\n' ' ')
echo "  released: $released(in development: $current)"
[ "$listed" = "$expect" ] && [ -n "$(ls extension/install/upgrade/*--"$current".sql 2>/dev/null)" ] \
  && [ -z "$(ls extension/krimp--"$current".sql 2>/dev/null)" ]
check "every released install and upgrade script is listed; $current has its upgrade script and is not released" $?
echo "  frozen: $listed"

for db in $fresh $restored $(for v in $released; do from_db "$v"; done); do
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
done

run $fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '$current' CASCADE" -f data/organisations.sql
check "fresh install of $current" $?
run $fresh -f test/scripts/fill_warehouse.sql >/dev/null
check "fill the fresh warehouse" $?
run $fresh -f test/scripts/snapshot.sql > "$work/$fresh.objects" \
  && run $fresh -f test/scripts/queries.sql > "$work/$fresh.queries" 2>&1
check "snapshot and queries of the fresh $current" $?
echo "  snapshot: $(grep -c '^member ' "$work/$fresh.objects") extension members, $(grep -c '^function ' "$work/$fresh.objects") functions, $(grep -c '^policy ' "$work/$fresh.objects") policies"
grep -q 'ERROR' "$work/$fresh.queries"; [ $? -ne 0 ]
check "the queries ran without error ($(grep -c '' "$work/$fresh.queries") lines of results)" $?
# the data came in at different times, so compare what does not depend on the load time
strip_times() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+[+-][0-9]+//g' "$1"; }
strip_times "$work/$fresh.queries" > "$work/$fresh.queries.cmp"

# every released version: data first, with that version, then the update;
# 0.1 seeded its organisations, later versions take them from data/organisations.sql
for v in $released; do
  db=$(from_db "$v")
  orgs=(-f data/organisations.sql); [ "$v" = 0.1 ] && orgs=()
  run $db -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '$v' CASCADE" "${orgs[@]}" \
    && run $db -f test/scripts/fill_warehouse.sql >/dev/null
  check "install of $v as released, filled" $?
  run $db -c "ALTER EXTENSION krimp UPDATE TO '$current'"
  check "$v: ALTER EXTENSION krimp UPDATE TO '$current' ($(psql -X -A -t -d $db -c "SELECT string_agg(v, ' -> ') FROM (SELECT unnest(string_to_array(path, ',')) v FROM pg_extension_update_paths('krimp') WHERE source = '$v' AND target = '$current') x"))" $?
  run $db -f test/scripts/snapshot.sql > "$work/$db.objects" && run $db -f test/scripts/queries.sql > "$work/$db.queries" 2>&1
  check "$v updated: snapshot and queries ran" $?
  diff -u "$work/$fresh.objects" "$work/$db.objects" | head -n 60
  check "objects, policies and privileges: fresh $current = $v updated to $current" "${PIPESTATUS[0]}"
  strip_times "$work/$db.queries" > "$work/$db.queries.cmp"
  diff -u "$work/$fresh.queries.cmp" "$work/$db.queries.cmp" | head -n 40
  check "query results: fresh $current = $v updated" "${PIPESTATUS[0]}"
done

# a dump of the database updated from the first release, restored
updated=$(from_db "${released%% *}")
pg_dump -Fc -d $updated -f "$work/updated.dump" 2>"$work/pg_dump.err"
check "pg_dump of the database updated from ${released%% *}" $?
pg_restore -d $restored --exit-on-error "$work/updated.dump"
check "pg_restore into a fresh database" $?
run $restored -f test/scripts/snapshot.sql > "$work/$restored.objects" && run $restored -f test/scripts/queries.sql > "$work/$restored.queries" 2>&1
check "restored: snapshot and queries ran" $?
diff -u "$work/$updated.objects" "$work/$restored.objects" | head -n 60
check "objects, policies and privileges: updated = dump of it restored" "${PIPESTATUS[0]}"
diff -u "$work/$updated.queries" "$work/$restored.queries" | head -n 40
check "query results: updated = restored" "${PIPESTATUS[0]}"

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

for db in $fresh $restored $(for v in $released; do from_db "$v"; done); do psql -X -q -d postgres -c "DROP DATABASE $db"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
