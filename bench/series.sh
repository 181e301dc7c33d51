#!/usr/bin/env bash
# Benchmark of krimp.series (issue 2):
#  1. storage: bytes per value of krimp.series against one row per
#     observation, pg_total_relation_size of each;
#  2. speed: building 1,000,000 series of 25 yearly values with
#     krimp.series_agg against array_agg of the same rows (the baseline).
# Prints the machine, every command and the ratios.  Scale with
# BENCH_SERIES (default 1000000) and BENCH_RUNS (default 3).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KRIMP_ROOT"

krimp_build_and_install
N=${BENCH_SERIES:-1000000}
RUNS=${BENCH_RUNS:-3}
LEN=25
bench_cluster "$(mktemp -d /tmp/krimp-bench.XXXXXX)"
psql -X -q -c "ALTER SYSTEM SET max_parallel_workers_per_gather = 2" -c "ALTER SYSTEM SET shared_buffers = '4GB'" >/dev/null
bash scripts/cluster.sh stop "$BENCH_CLUSTER"; bash scripts/cluster.sh start "$BENCH_CLUSTER" >/dev/null

echo "# krimp.series benchmark: $N series x $LEN yearly values"
bench_machine
echo "command: bash bench/series.sh  (BENCH_SERIES=$N BENCH_RUNS=$RUNS)"
echo

psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION krimp CASCADE;
-- one row per observation: the long table a warehouse would otherwise keep
CREATE TABLE obs (series_id integer NOT NULL, period krimp.period NOT NULL, value double precision);
INSERT INTO obs
SELECT s, krimp.period('year', 1998 + y), round((10000 + s % 5000 + y * (s % 7 - 3) * 10 + random() * 50)::numeric, 0)::float8
  FROM generate_series(1, $N) AS s, generate_series(0, $LEN - 1) AS y;
CREATE TABLE obs_keyed AS TABLE obs;
ALTER TABLE obs_keyed ADD PRIMARY KEY (series_id, period);
-- the same data as one krimp.series per (indicator, region)
CREATE TABLE ser AS SELECT series_id, krimp.series_agg(period, value) AS s FROM obs GROUP BY series_id;
VACUUM ANALYZE obs; VACUUM ANALYZE obs_keyed; VACUUM ANALYZE ser;
SQL

echo "## storage (pg_total_relation_size / number of values)"
psql -X -A -F '|' -t -v ON_ERROR_STOP=1 <<SQL | awk -F '|' '{printf "  %-50s %12d bytes  %6.2f bytes/value\n", $1, $2, $3}'
WITH n AS (SELECT count(*)::float8 AS v FROM obs)
SELECT 'long table (series_id, period, value), no index', pg_total_relation_size('obs'), pg_total_relation_size('obs') / v FROM n
UNION ALL
SELECT 'long table with primary key (series_id, period)', pg_total_relation_size('obs_keyed'), pg_total_relation_size('obs_keyed') / v FROM n
UNION ALL
SELECT 'krimp.series, one row per series', pg_total_relation_size('ser'), pg_total_relation_size('ser') / v FROM n;
SQL
psql -X -A -t -v ON_ERROR_STOP=1 <<'SQL' | awk '{printf "  one krimp.series of 25 values: %s bytes (pg_column_size)\n", $1}'
SELECT pg_column_size(s) FROM ser LIMIT 1;
SQL
psql -X -A -F ' ' -t -v ON_ERROR_STOP=1 <<'SQL' | awk '{printf "  ratio long table / krimp.series: %.2f without index, %.2f with primary key\n", $1, $2}'
SELECT pg_total_relation_size('obs')::float8 / pg_total_relation_size('ser'),
       pg_total_relation_size('obs_keyed')::float8 / pg_total_relation_size('ser');
SQL
echo

echo "## building $N series from $((N * LEN)) rows (GROUP BY series_id, 2 parallel workers allowed)"
BENCH_SETTINGS="SET work_mem = '8GB'; SET max_parallel_workers_per_gather = 2;"
q_array="SELECT count(*) FROM (SELECT series_id, array_agg(value) AS a FROM obs GROUP BY series_id) t;"
q_array_ord="SELECT count(*) FROM (SELECT series_id, array_agg(value ORDER BY period) AS a FROM obs GROUP BY series_id) t;"
q_series="SELECT count(*) FROM (SELECT series_id, krimp.series_agg(period, value) AS s FROM obs GROUP BY series_id) t;"
echo "  settings: $BENCH_SETTINGS"
echo "  baseline: $q_array"
bench_time "array_agg(value) (baseline)" "$RUNS" "$q_array"; t_array=$BENCH_MS
echo "  also:     $q_array_ord"
bench_time "array_agg(value ORDER BY period)" "$RUNS" "$q_array_ord"; t_array_ord=$BENCH_MS
echo "  krimp:    $q_series"
bench_time "krimp.series_agg(period, value)" "$RUNS" "$q_series"; t_series=$BENCH_MS
awk -v a="$t_array" -v o="$t_array_ord" -v s="$t_series" 'BEGIN {
  printf "  ratio series_agg / array_agg: %.2f   series_agg / ordered array_agg: %.2f\n", s / a, s / o }'
psql -X -q -c "EXPLAIN (COSTS OFF) $q_series" | sed 's/^/  plan: /'
