#!/usr/bin/env bash
# Benchmark of krimp.tipping_points (issue 4): BENCH_SERIES (default
# 1,000,000) synthetic yearly series of 25 values stored as krimp.series, a
# mix of no change, level shifts and trend turns at several noise levels.
#  1. SQL: krimp.tipping_points over all of them in one query, 2 parallel
#     workers, and in one process (no workers);
#  2. the same series through the C core alone in a loop (one thread, one
#     workspace): the SQL overhead ratio;
#  3. R's reference on a sample of BENCH_R_SAMPLE (default 2,000) of the same
#     series: strucchange::breakpoints(y ~ 1, h = 3) with BIC, plus
#     segmented::davies.test and segmented(npsi = 1), per series.
# Prints the machine, every command and the ratios.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KRIMP_ROOT"

krimp_build_and_install
N=${BENCH_SERIES:-1000000}
RUNS=${BENCH_RUNS:-3}
RSAMPLE=${BENCH_R_SAMPLE:-2000}
work=$(mktemp -d /tmp/krimp-bench-detect.XXXXXX)
bench_cluster "$(mktemp -d /tmp/krimp-bench.XXXXXX)"
trap 'bash "$KRIMP_ROOT/scripts/cluster.sh" stop "$BENCH_CLUSTER"; rm -rf "$BENCH_CLUSTER" "$work"' EXIT
psql -X -q -c "ALTER SYSTEM SET max_parallel_workers_per_gather = 2" -c "ALTER SYSTEM SET shared_buffers = '2GB'" >/dev/null
bash scripts/cluster.sh stop "$BENCH_CLUSTER"; bash scripts/cluster.sh start "$BENCH_CLUSTER" >/dev/null

echo "# krimp.tipping_points benchmark: $N series x 25 yearly values"
bench_machine
echo "command: bash bench/detect.sh  (BENCH_SERIES=$N BENCH_RUNS=$RUNS BENCH_R_SAMPLE=$RSAMPLE)"
echo

# kind 0: no change; 1: a level shift; 2: a trend turn; noise sd 0.5, 1 or 2; change sizes 2-6
psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE EXTENSION krimp CASCADE;
SELECT setseed(0.42) \g /dev/null
CREATE TABLE spec AS
SELECT i, i % 3 AS kind, (ARRAY[0.5, 1, 2])[1 + (i / 3) % 3] AS sd, 2 + random() * 4 AS size,
       5 + floor(random() * 15)::int AS at, random() * 0.4 - 0.2 AS slope
  FROM generate_series(1, $N) AS i;
CREATE TABLE ser AS
SELECT i, krimp.series('2000', ARRAY(
         SELECT 100 + slope * y
                + CASE kind WHEN 1 THEN CASE WHEN y >= at THEN size ELSE 0 END
                            WHEN 2 THEN CASE WHEN y > at THEN -sign(slope + 1e-9) * size * 0.25 * (y - at) ELSE 0 END
                            ELSE 0 END
                + sd * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())
           FROM generate_series(0, 24) AS y)) AS s
  FROM spec;
VACUUM ANALYZE ser;
SQL
psql -X -q -c "COPY (SELECT krimp.to_array(s) FROM ser ORDER BY i) TO STDOUT" > "$work/series.txt"

echo "## SQL: krimp.tipping_points over every series"
q="SELECT count(*) FROM ser, krimp.tipping_points(ser.s) t;"
echo "  query: $q"
BENCH_SETTINGS="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
echo "  settings: $BENCH_SETTINGS"
bench_time "2 parallel workers" "$RUNS" "$q"; t_par=$BENCH_MS
psql -X -q -c "$BENCH_SETTINGS" -c "EXPLAIN (COSTS OFF) $q" | sed 's/^/  plan: /'
BENCH_SETTINGS="SET max_parallel_workers_per_gather = 0;"
bench_time "one process (no workers)" "$RUNS" "$q"; t_one=$BENCH_MS
BENCH_SETTINGS="SET max_parallel_workers_per_gather = 0;"
bench_time "baseline: count(*) FROM ser (scan only)" "$RUNS" "SELECT count(*) FROM ser WHERE krimp.length(s) > 0;"; t_scan=$BENCH_MS
psql -X -A -t -c "SELECT kind, count(*) FROM ser, krimp.tipping_points(ser.s) t GROUP BY kind ORDER BY kind" | sed 's/^/  found: /'
echo

echo "## C core alone (one thread, one workspace, series in memory)"
gcc -std=c99 -O2 -D_POSIX_C_SOURCE=199309L -Iextension/core -o "$work/detect_core" bench/detect_core.c extension/core/libkrimpcore.a -lm
read -r ns nchanges t_core < <("$work/detect_core" "$work/series.txt" "$RUNS")
echo "  command: detect_core series.txt $RUNS  -> $ns series, $nchanges changes, median $t_core s"
echo

echo "## R's reference on $RSAMPLE of the same series (strucchange breakpoints + segmented davies.test + segmented)"
head -n "$RSAMPLE" "$work/series.txt" | tr -d '{}' | awk -F, '{printf "synthetic s%d 2000 %d", NR, NF; for (i = 1; i <= NF; i++) printf " %s", ($i == "NULL" ? "NA" : $i); printf "\n"}' > "$work/sample.txt"
echo "  command: Rscript bench/detect_reference.R sample.txt 3"
r_per=$(Rscript bench/detect_reference.R "$work/sample.txt" 3 2>/dev/null | sed -n 's/^# R seconds per series: \([0-9.]*\).*/\1/p')
echo "  R: $r_per s per series"
echo

awk -v n="$N" -v par="$t_par" -v one="$t_one" -v core="$t_core" -v r="$r_per" 'BEGIN {
  printf "## summary\n"
  printf "  SQL, 2 workers:       %10.0f series/s  (%.2f s)\n", n / (par / 1000), par / 1000
  printf "  SQL, one process:     %10.0f series/s  (%.2f s)\n", n / (one / 1000), one / 1000
  printf "  C core, one thread:   %10.0f series/s  (%.2f s)\n", n / core, core
  printf "  R reference:          %10.1f series/s  (%.6f s a series)\n", 1 / r, r
  printf "  SQL overhead (one process / core, same work in one thread): %.2fx\n", (one / 1000) / core
  printf "  krimp SQL one process vs R, per series: %.0fx faster\n", r / ((one / 1000) / n)
  printf "  krimp SQL 2 workers vs R, per series:   %.0fx faster\n", r / ((par / 1000) / n) }'
