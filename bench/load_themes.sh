#!/usr/bin/env bash
# krimpctl load of every bundled table of the load manifest data/loads.tsv
# (issue 15) against plain COPY of the same rows, in one run on a throwaway
# cluster.  For each table: a first load with "krimpctl load" (read the file
# as published, match labels, check, file) into a database with the regions
# and the catalogue, its wall time from the shell (connection included); then
# the rows it read, as the warehouse resolved them (indicator code, region
# code, period, value: the figures filed and the rows rejected), written out
# as COPY text and loaded with plain COPY into an unconstrained table of
# krimp.observation_staging's shape (median of 3, psql \timing).  Prints the
# machine, the commands, rows per second of each and the ratio
# krimpctl / COPY (1 = as fast as COPY).
#
#   bash bench/load_themes.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KRIMP_ROOT"
work=$(mktemp -d /var/tmp/krimp-bench-themes.XXXXXX)
chmod 755 "$work"
make -s cli >/dev/null
K=$KRIMP_ROOT/cli/krimpctl
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

bench_cluster "$work/cluster"
trap 'bash "$KRIMP_ROOT/scripts/cluster.sh" stop "$BENCH_CLUSTER"; rm -rf "$work"' EXIT
export PGDATABASE=krimp_bench_themes
psql -X -q -d postgres -c "CREATE DATABASE $PGDATABASE"
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" \
     -f data/organisations.sql >/dev/null
bash scripts/load_regions.sh "$KRIMP_ROOT" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -f data/indicators.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE TABLE copy_baseline (LIKE krimp.observation_staging)"

echo "== krimpctl load of every table of data/loads.tsv against plain COPY of the same rows"
bench_machine
echo "command: krimpctl load -o BZK -s SOURCE --published-at PUBLISHED_AT ARG... data/FILE   (each line of data/loads.tsv)"
echo "baseline: COPY copy_baseline FROM 'rows.tsv'   (the rows krimpctl read, resolved: table LIKE krimp.observation_staging, no index)"
printf '\n%-9s %8s %10s %12s %10s %12s %7s\n' table rows "load s" "load rows/s" "COPY s" "COPY rows/s" ratio
tot_rows=0 tot_copy_rows=0 tot_load=0 tot_copy=0
while IFS=$'\t' read -r -a a; do
  [[ ${#a[@]} -eq 0 || ${a[0]} == \#* ]] && continue
  t=${a[0]}
  t0=$(date +%s.%N)
  "$K" load -q -o BZK -s "${a[3]}" --published-at "${a[2]}" "${a[@]:5}" -r "$work/$t.rejects.csv" -- "data/${a[4]}" </dev/null
  t1=$(date +%s.%N)
  b=$(psql -X -A -t -c "SELECT max(batch_id) FROM krimp.load_batch")
  read -r read_rows unchanged_rows < <(psql -X -A -t -F ' ' -c "SELECT rows_read, rows_unchanged FROM krimp.load_batch WHERE batch_id = $b")
  # the same rows, resolved: the batch's figures and its rejected rows
  q="SELECT $b, row_number() OVER (), 'BZK', i.code, r.code, o.period::text, o.value::text, o.status::text,
             o.kind::text, nullif(o.forecast_producer, ''), nullif(o.forecast_base_year, 0), NULL::timestamptz
        FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) JOIN krimp.region r USING (region_id)
       WHERE o.batch_id = $b
      UNION ALL
      SELECT $b, x.line_number, 'BZK', x.row_data->>'indicator', x.row_data->>'region', x.row_data->>'period',
             x.row_data->>'value', x.row_data->>'status', x.row_data->>'kind', x.row_data->>'forecast_producer',
             (x.row_data->>'forecast_base_year')::integer, NULL::timestamptz
        FROM krimp.rejected_row x WHERE x.batch_id = $b"
  # (\copy on one line: the file is the client's, read back by the server, which may run as another user)
  psql -X -q -v ON_ERROR_STOP=1 -c "\\copy ($(tr '\n' ' ' <<<"$q")) TO '$work/$t.tsv'"
  chmod 644 "$work/$t.tsv"
  copy_rows=$(wc -l < "$work/$t.tsv")
  # (a figure unchanged, equal to one filed before, has no row of this batch: COPY gets the others)
  [ "$copy_rows" = $((read_rows - unchanged_rows)) ] || { echo "$t: $copy_rows rows written for COPY, krimpctl read $read_rows" >&2; exit 1; }
  BENCH_SETTINGS="TRUNCATE copy_baseline;" bench_time "$t COPY" 3 \
    "COPY copy_baseline (batch_id, line_number, org_code, indicator_code, region_code, period, value, status, kind, forecast_producer, forecast_base_year, released_at) FROM '$work/$t.tsv';" >/dev/null
  load_s=$(calc "$t1 - $t0")
  copy_s=$(calc "$BENCH_MS / 1000")
  printf '%-9s %8d %10.3f %12.0f %10.3f %12.0f %7.3f\n' "$t" "$read_rows" "$load_s" "$(calc "$read_rows / $load_s")" \
    "$copy_s" "$(calc "$copy_rows / $copy_s")" "$(calc "($copy_s / $copy_rows) / ($load_s / $read_rows)")"
  tot_rows=$((tot_rows + read_rows)); tot_copy_rows=$((tot_copy_rows + copy_rows))
  tot_load=$(calc "$tot_load + $load_s"); tot_copy=$(calc "$tot_copy + $copy_s")
done < data/loads.tsv
printf '%-9s %8d %10.3f %12.0f %10.3f %12.0f %7.3f\n' all "$tot_rows" "$tot_load" "$(calc "$tot_rows / $tot_load")" \
  "$tot_copy" "$(calc "$tot_copy_rows / $tot_copy")" "$(calc "($tot_copy / $tot_copy_rows) / ($tot_load / $tot_rows)")"
echo
echo "ratio = krimpctl rows/s over COPY rows/s (krimpctl's speed as a fraction of COPY's; bench/load.sh: 0.56 at 200,000 rows). COPY copies the rows read but the unchanged."
echo "krimpctl's time includes connecting, reading krimp.region for label matching, checking and filing; COPY's only the COPY."
