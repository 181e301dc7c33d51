#!/usr/bin/env bash
# krimpctl load against the physical baseline: a synthetic CBS-shaped OData v3
# file of KRIMP_BENCH_ROWS rows (default 10,000,000: neighbourhoods x 240
# months, one measure) loaded with "krimpctl load" (parse, check, COPY the
# runs of each series into a temporary table of krimp.staged_block,
# krimp.apply_batch, COMMIT), against plain COPY of the same rows (as
# tab-separated text) into an unconstrained table of the staging table's
# shape.  Prints the machine, the commands, the times, the split of
# krimpctl's time and the ratio.  Aim: at least half of COPY's speed.  After
# the load it checks that krimp.observation holds every figure of the file.
#
# More lines show what the row storage costs, which a load of a new series
# no longer uses but every revision does: the same rows already resolved
# (ids, typed values, as krimp.apply_batch files them) copied straight into a
# table of krimp.observation_row's shape with its checks: without its
# indexes, with them, and with its indexes and foreign keys as PostgreSQL
# checks them (per row); then into krimp.observation_row itself, in a second
# database set up alike (its foreign keys checked per statement, its
# triggers): the floor for a loader that files a row per figure.  Then the
# reload of the same file (every figure compared, nothing filed).  Last, what
# the readers pay: the same figures read through the view krimp.observation as
# rows (that second database) and as blocks (the first), every figure and 200
# series, with the answers compared.
#
#   bash bench/load.sh                          # 10M rows
#   KRIMP_BENCH_ROWS=1000000 bash bench/load.sh # a smaller run
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KRIMP_ROOT"
rows=${KRIMP_BENCH_ROWS:-10000000}
months=240
regions=$(( (rows + months - 1) / months ))
work=$(mktemp -d /var/tmp/krimp-bench-load.XXXXXX)
chmod 755 "$work"
make -s cli >/dev/null
K=$KRIMP_ROOT/cli/krimpctl
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

bench_cluster "$work/cluster"
trap 'bash "$KRIMP_ROOT/scripts/cluster.sh" stop "$BENCH_CLUSTER"; rm -rf "$work"' EXIT
export PGDATABASE=krimp_bench_load
# two databases set up alike: one for the loads, one for the floor rows filed
# straight into krimp.observation
setup_db() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
  psql -X -q -d "$1" -v ON_ERROR_STOP=1 >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\i $KRIMP_ROOT/data/organisations.sql
INSERT INTO krimp.region (code, name, level, valid_from)
SELECT 'BU' || lpad(r::text, 8, '0'), 'Buurt ' || r, 'neighbourhood', '1990-01-01' FROM generate_series(1, $regions) r;
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('inhabitants', 'Inwoners', 'persons', 'month', 'demography', 'sum');
SQL
}
setup_db krimp_bench_load
setup_db krimp_bench_floor
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE TABLE copy_baseline (batch_id bigint, line_number bigint, org_code text,
  indicator_code text, region_code text, period text, value text, status text, released_at timestamptz)"

# the region ids the neighbourhoods got (consecutive), and a batch for the floor rows
ids="SELECT min(region_id), max(region_id) - min(region_id) + 1 FROM krimp.region"
read -r first_region n_ids < <(psql -X -A -t -F ' ' -c "$ids")
[ "$n_ids" -eq "$regions" ] || { echo "region ids are not consecutive" >&2; exit 1; }
[ "$(psql -X -A -t -F ' ' -d krimp_bench_floor -c "$ids")" = "$first_region $n_ids" ] \
  || { echo "the two databases gave the regions different ids" >&2; exit 1; }
typed_batch=$(psql -X -A -t -c "SELECT krimp.begin_batch('BZK', 'bench floor')")
[ "$(psql -X -A -t -d krimp_bench_floor -c "SELECT krimp.begin_batch('BZK', 'bench floor')")" = "$typed_batch" ] \
  || { echo "the two databases gave the batches different ids" >&2; exit 1; }

echo "== krimpctl load: $rows rows ($regions neighbourhoods x $months months), OData v3 JSON"
bench_machine
echo "files:   $work"
# the same rows twice: as CBS publishes them (JSON, padded codes), and as COPY text
t=$(date +%s.%N)
python3 - "$rows" "$months" "$work/bench.json" "$work/bench.tsv" "$work/typed.tsv" \
        "$first_region" "$typed_batch" <<'PY'
import sys
rows, months = int(sys.argv[1]), int(sys.argv[2])
first_region, typed_batch = int(sys.argv[6]), int(sys.argv[7])
with open(sys.argv[3], 'w', encoding='utf-8-sig') as j, open(sys.argv[4], 'w') as t, open(sys.argv[5], 'w') as o:
    j.write('{"odata.metadata":"synthetic","value":[')
    buf_j, buf_t, buf_o = [], [], []
    for i in range(rows):
        r, m = divmod(i, months)
        code = 'BU%08d' % (r + 1)
        per = '%04dMM%02d' % (2000 + m // 12, m % 12 + 1)
        v = 1000 + (r * 37 + m * 11) % 500
        buf_j.append('%s{"ID":%d,"RegioS":"%s  ","Perioden":"%s","Inwoners_1":%d}' % (',' if i else '', i, code, per, v))
        buf_t.append('1\t%d\tBZK\tinhabitants\t%s\t%s\t%d\t\\N\t\\N\n' % (i + 1, code, per, v))
        # as filed: indicator 1, region id, period, value, status, kind, producer, base year,
        # source, organisation, batch, vintage, release
        buf_o.append('1\t%d\t%04d-%02d\t%d\tdefinitief\trealisation\t\t0\tbench\tBZK\t%d\t2026-01-01 00:00:00+00\t\\N\n'
                     % (first_region + r, 2000 + m // 12, m % 12 + 1, v, typed_batch))
        if len(buf_j) == 100000:
            j.write(''.join(buf_j)); t.write(''.join(buf_t)); o.write(''.join(buf_o)); buf_j, buf_t, buf_o = [], [], []
    j.write(''.join(buf_j)); t.write(''.join(buf_t)); o.write(''.join(buf_o))
    j.write(']}')
PY
printf 'generated in %.0f s: %s JSON, %s COPY text, %s resolved rows\n' "$(calc "$(date +%s.%N) - $t")" \
  "$(du -h "$work/bench.json" | cut -f1)" "$(du -h "$work/bench.tsv" | cut -f1)" "$(du -h "$work/typed.tsv" | cut -f1)"

echo
echo "baseline: psql -c '\\copy copy_baseline FROM $work/bench.tsv'"
t=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -c "\\copy copy_baseline FROM '$work/bench.tsv'"
copy_s=$(calc "$(date +%s.%N) - $t")
printf '  plain COPY:     %8.1f s  %10.0f rows/s\n' "$copy_s" "$(calc "$rows / $copy_s")"
psql -X -q -c "DROP TABLE copy_baseline"

# the row storage's floor: resolved rows into krimp.observation_row's shape (its
# defaults, checks and indexes), without and with the foreign keys it has
cols="indicator_id, region_id, period, value, status, kind, forecast_producer, forecast_base_year, source, org_code, batch_id, published_at, released_at"
floor() {  # floor LABEL none|keys|fks|observation
  local t0 s
  if [ "$2" = observation ]; then
    t0=$(date +%s.%N)
    psql -X -q -v ON_ERROR_STOP=1 -d krimp_bench_floor -c "\\copy krimp.observation_row ($cols) FROM '$work/typed.tsv'"
    s=$(calc "$(date +%s.%N) - $t0")
    floor_s=$s
    printf '  %-40s %8.1f s  %10.0f rows/s  (%.2f of plain COPY)\n' "$1" "$s" "$(calc "$rows / $s")" "$(calc "$copy_s / $s")"
    return
  fi
  local like="INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
  [ "$2" = none ] || like="$like INCLUDING INDEXES"
  psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS floor_copy" \
    -c "CREATE TABLE floor_copy (LIKE krimp.observation_row $like)"
  if [ "$2" = fks ]; then
    # the foreign keys krimp.observation_row has, as the catalog gives them
    psql -X -q -v ON_ERROR_STOP=1 -c "ALTER TABLE floor_copy $(psql -X -A -t -c "SELECT string_agg('ADD ' ||
      pg_get_constraintdef(oid), ', ') FROM pg_constraint WHERE conrelid = 'krimp.observation_row'::regclass AND contype = 'f'")"
  fi
  t0=$(date +%s.%N)
  psql -X -q -v ON_ERROR_STOP=1 -c "\\copy floor_copy ($cols) FROM '$work/typed.tsv'"
  s=$(calc "$(date +%s.%N) - $t0")
  printf '  %-40s %8.1f s  %10.0f rows/s  (%.2f of plain COPY)\n' "$1" "$s" "$(calc "$rows / $s")" "$(calc "$copy_s / $s")"
  psql -X -q -c "DROP TABLE floor_copy"
}
n_fk=$(psql -X -A -t -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'krimp.observation_row'::regclass AND contype = 'f'")
echo "rows:     the same rows resolved (ids, typed values) into a table of krimp.observation_row's shape:"
echo "          psql -c '\\copy floor_copy ($cols) FROM $work/typed.tsv'"
floor "its shape, no index, no FK:" none
floor "its shape, its indexes, no FK:" keys
floor "its shape, indexes, FKs checked per row:" fks
echo "          and the same rows into krimp.observation_row itself (indexes, its $n_fk FKs checked per statement,"
echo "          its triggers), in a database set up alike: psql -d krimp_bench_floor -c '\\copy krimp.observation_row ...'"
floor "krimp.observation_row:" observation

echo "krimpctl: $K load --indicator inhabitants --org BZK --rejects $work/rejects.csv $work/bench.json"
t=$(date +%s.%N)
# (under /usr/bin/time for the client's peak memory: the file is streamed, never held whole)
/usr/bin/time -f %M -o "$work/rss" "$K" load --indicator inhabitants --org BZK --rejects "$work/rejects.csv" \
  "$work/bench.json" | tee "$work/load.out" | sed 's/^/  /'
load_s=$(calc "$(date +%s.%N) - $t")
printf '  krimpctl load:  %8.1f s  %10.0f rows/s\n' "$load_s" "$(calc "$rows / $load_s")"
sent_s=$(sed -n 's/.*(read and sent \([0-9.]*\) s,.*/\1/p' "$work/load.out")
if [ "$(calc "($sent_s > 0)")" = 1.000000 ]; then
  printf '  of which reading the JSON and sending the runs (COPY to a temporary table): %.1f s (%.2f of plain COPY)\n' \
    "$sent_s" "$(calc "$copy_s / $sent_s")"
else
  echo "  of which reading the JSON and sending the runs (COPY to a temporary table): under 0.1 s (krimpctl's resolution)"
fi
printf '  krimpctl'"'"'s peak memory (max RSS): %.1f MB for a %s file\n' "$(calc "$(cat "$work/rss") / 1024")" \
  "$(du -h "$work/bench.json" | cut -f1)"
printf 'ratio: krimpctl load runs at %.3f of plain COPY'"'"'s speed (aim: at least 0.5),\n' "$(calc "$copy_s / $load_s")"
printf '       %.2f times the speed of filing the resolved rows into krimp.observation_row\n' "$(calc "$floor_s / $load_s")"
# the load is real: every figure of the file is in krimp.observation, most in blocks
read -r n_fig n_blocks n_block_fig < <(psql -X -A -t -F ' ' -c "SELECT (SELECT count(*) FROM krimp.observation),
  count(*), coalesce(sum(cardinality(value)), 0) FROM krimp.observation_block")
printf '  filed: %s figures in krimp.observation, %s of them in %s blocks\n' "$n_fig" "$n_block_fig" "$n_blocks"
[ "$n_fig" = "$rows" ] || { echo "krimp.observation holds $n_fig figures, the file $rows" >&2; exit 1; }

echo
echo "reload of the same file (everything unchanged):"
t=$(date +%s.%N)
"$K" load --indicator inhabitants --org BZK --rejects "$work/rejects.csv" "$work/bench.json" | sed 's/^/  /'
printf '  krimpctl reload: %7.1f s\n' "$(calc "$(date +%s.%N) - $t")"

# what the readers pay: the same figures read through krimp.observation, as rows
# (the floor database) and as blocks (the load database; its reload filed nothing)
echo
echo "reading the figures through the view krimp.observation: as rows (krimp_bench_floor) and as blocks (krimp_bench_load)"
read_time() {  # read_time DATABASE SQL -> seconds; the answer in $work/answer.DATABASE
  local t0
  t0=$(date +%s.%N)
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" -c "$2" >"$work/answer.$1"
  calc "$(date +%s.%N) - $t0"
}
scan="SELECT count(*), sum(value) FROM krimp.observation"
series="SELECT md5(string_agg(krimp.region_series('inhabitants', 'BU' || lpad((1 + r * 97 % $regions)::text, 8, '0'))::text,
  ';' ORDER BY r)) FROM generate_series(1, 200) r"
for what in scan series; do
  sql=${!what}
  rows_s=$(read_time krimp_bench_floor "$sql")
  blocks_s=$(read_time krimp_bench_load "$sql")
  case $what in
    scan) label="every figure (count, sum; the same answers checked): $sql";;
    series) label="200 series of one neighbourhood each (krimp.region_series; the same answers checked)";;
  esac
  printf '  %s\n    rows %.2f s, blocks %.2f s (blocks take %.2f of the rows'"'"' time)\n' "$label" "$rows_s" "$blocks_s" \
    "$(calc "$blocks_s / $rows_s")"
  cmp -s "$work/answer.krimp_bench_floor" "$work/answer.krimp_bench_load" \
    || { echo "rows and blocks give different answers: $sql" >&2; exit 1; }
done
