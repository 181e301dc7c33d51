#!/usr/bin/env bash
# Dump and restore: fill a warehouse, pg_dump it, pg_restore into a fresh
# database, and compare every krimp table's row count and checksum, and the
# sequences.  Runs against the cluster in PGHOST/PGPORT (scripts/test.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
src=krimp_dump_src dst=krimp_dump_dst dump=$(mktemp /tmp/krimp-dump.XXXXXX)
trap 'rm -f "$dump"' EXIT
passed=0 failed=0
check() {  # check NAME CONDITION-EXIT-STATUS
  if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi
}

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" -c "CREATE DATABASE $src" \
     -c "CREATE DATABASE $dst" 2>/dev/null
psql -X -q -d "$src" -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null
psql -X -q -d "$src" -v ON_ERROR_STOP=1 -f test/scripts/fill_warehouse.sql >/dev/null
check "fill the warehouse" $?
# and figures in blocks, one of them retracted (0.2: fill_warehouse.sql serves 0.1 too)
psql -X -q -d "$src" -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT krimp.begin_batch('PV20', 'CBS 37230ned', 'runs.json') AS b \gset
CREATE TEMPORARY TABLE runs OF krimp.staged_block;
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, status)
VALUES (:b, 1, 'PV20', 'population', 'GM1979', '2021', '{45000,44800,44650}', '*');
SELECT krimp.apply_batch(:b, blocks => 'pg_temp.runs');
SELECT krimp.retract(o.observation_id, 'test') FROM krimp.observation o WHERE o.batch_id = :b AND o.period OPERATOR(krimp.=) '2022';
SQL
[ "$(psql -X -A -t -d "$src" -c "SELECT count(*) || '|' || sum(cardinality(value)) || '|' || count(retracted_at) FROM krimp.observation_block")" = "1|3|1" ]
check "a run filed as a block, one of its figures retracted" $?

# (pg_dump warns that krimp.indicator refers to itself, for denominators; that key is deferrable)
pg_dump -Fc -d "$src" -f "$dump" 2>&1 | grep -v -e "circular foreign-key" -e "detail: indicator" -e "hint: "
check "pg_dump" "${PIPESTATUS[0]}"
pg_restore -d "$dst" --exit-on-error "$dump" 2>&1
check "pg_restore into a fresh database" $?

# every krimp table: row count and a checksum over its rows in a fixed order
fingerprint() {
  psql -X -A -t -d "$1" -v ON_ERROR_STOP=1 <<'SQL'
DO $$
DECLARE t record; n bigint; h text;
BEGIN
  -- every row of a registered table is dumped;
  -- (CREATE EXTENSION makes no organisation)
  FOR t IN SELECT c.relname, coalesce(cfg.cond, '') AS cond
             FROM pg_class c
             JOIN (SELECT unnest(extconfig) AS oid, unnest(extcondition) AS cond
                     FROM pg_extension WHERE extname = 'krimp') cfg ON cfg.oid = c.oid
            WHERE c.relnamespace = 'krimp'::regnamespace AND c.relkind = 'r' ORDER BY 1
  LOOP
    EXECUTE format('SELECT count(*), md5(coalesce(string_agg(x::text, ''|'' ORDER BY x::text), '''')) FROM krimp.%I x %s',
                   t.relname, t.cond)
      INTO n, h;
    RAISE NOTICE 'table % rows % md5 %', t.relname, n, h;
  END LOOP;
  FOR t IN SELECT c.relname FROM pg_class c
             JOIN (SELECT unnest(extconfig) AS oid FROM pg_extension WHERE extname = 'krimp') cfg ON cfg.oid = c.oid
            WHERE c.relnamespace = 'krimp'::regnamespace AND c.relkind = 'S' ORDER BY 1
  LOOP
    EXECUTE format('SELECT last_value FROM krimp.%I', t.relname) INTO n;
    RAISE NOTICE 'sequence % last_value %', t.relname, n;
  END LOOP;
END $$;
SQL
}
fingerprint "$src" > /tmp/krimp-fp-src.txt 2>&1
fingerprint "$dst" > /tmp/krimp-fp-dst.txt 2>&1
sed 's/^NOTICE:  //' /tmp/krimp-fp-src.txt
# every krimp table is dumped but the rows of open loads and the nightly job's work queue
undumped=$(psql -X -A -t -d "$src" -c "SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class
  WHERE relnamespace = 'krimp'::regnamespace AND relkind = 'r'
    AND oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'krimp')::oid[])")
echo "  not dumped: $undumped"
[ "$undumped" = "load_lock, observation_staging, series_queue" ]
check "every krimp table is kept by pg_dump but the transient staging rows, load locks and work queue" $?
tables=$(grep -c '^NOTICE:  table' /tmp/krimp-fp-src.txt)
nonempty=$(grep '^NOTICE:  table' /tmp/krimp-fp-src.txt | grep -vc ' rows 0 ')
[ "$tables" -ge 12 ] && [ "$nonempty" -ge 10 ]
check "source has $tables krimp tables, $nonempty of them filled" $?
diff /tmp/krimp-fp-src.txt /tmp/krimp-fp-dst.txt
check "restored tables and sequences equal the source (row counts, checksums, last values)" $?

# the restored warehouse works: the current view, vintages and security still hold
q='SELECT krimp.region_series('"'"'population'"'"', '"'"'GM1979'"'"')::text
   || '"'"' '"'"' || (SELECT count(*) FROM krimp.observations_as_of('"'"'2021-12-31'"'"'))
   || '"'"' '"'"' || (SELECT relforcerowsecurity FROM pg_class WHERE oid = '"'"'krimp.observation_row'"'"'::regclass)'
a=$(psql -X -A -t -d "$src" -c "$q"); b=$(psql -X -A -t -d "$dst" -c "$q")
echo "source: $a / restored: $b"
[ -n "$a" ] && [ "$a" = "$b" ]
check "queries on the restored database give the same answers" $?
# organisations are restored once each
n=$(psql -X -A -t -d "$dst" -c "SELECT count(*) FROM krimp.organisation")
[ "$n" = "5" ]
check "organisations after restore: $n (4 of data/organisations.sql + 1 added)" $?

psql -X -q -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
