#!/usr/bin/env bash
# Benchmark of the five-yearly revaluation (issue 5): a round over
# BENCH_TARGETS (default 100,000) targets on realistic series (20 yearly
# values 2001-2020 with a trend and noise, vintages one year after each
# period), CALL krimp.revaluation_round(2020), against the same rule written
# in plain SQL (latest value as known, value on a linear path, gap, Theil-Sen
# over the 10-year window by a self-join and percentile_cont, projection,
# light) writing the same number of rows.  The krimp round also computes
# Sen's interval, the best five-year rate, the national comparison and the
# proposals, which the baseline leaves out.  Prints the machine, every command
# and the ratio.  BENCH_RUNS (default 3) runs each; the krimp round is
# recomputed (recompute => true) on every run after the first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KRIMP_ROOT"

krimp_build_and_install
N=${BENCH_TARGETS:-100000}
RUNS=${BENCH_RUNS:-3}
REGIONS=$(( (N + 4) / 5 ))
bench_cluster "$(mktemp -d /tmp/krimp-bench.XXXXXX)"

echo "# revaluation benchmark: $N targets ($REGIONS regions x 5 indicators), 20 yearly values each"
bench_machine
echo "command: bash bench/revaluation.sh  (BENCH_TARGETS=$N BENCH_RUNS=$RUNS)"
echo

psql -X -q -v ON_ERROR_STOP=1 <<SQL
SET client_min_messages = warning;
SET search_path = public, krimp;
CREATE EXTENSION krimp CASCADE;
-- (the organisations, BZK among them, are data: data/organisations.sql)
\\i data/organisations.sql
INSERT INTO krimp.region (code, name, level, valid_from)
SELECT 'WK' || lpad(r::text, 6, '0'), 'wijk ' || r, 'district', '2000-01-01' FROM generate_series(1, $REGIONS) r;
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation, direction_of_good)
SELECT 'b' || k, 'bench ' || k, 'n', 'year', 'demography', 'sum', CASE WHEN k % 2 = 0 THEN 1 ELSE -1 END
  FROM generate_series(1, 5) k;
SELECT krimp.begin_batch('BZK', 'bench') AS b \gset
-- 20 values per series: a level, a trend that differs per series, noise; published on 1 July of the next year
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
SELECT i.indicator_id, r.region_id, krimp.period('year', y),
       round((1000 + (r.region_id % 97) * 10 + (y - 2001) * ((r.region_id * i.indicator_id) % 11 - 5)
              + 15 * sin(r.region_id * 7 + y * 3))::numeric, 1)::float8,
       'definitief', 'bench', 'BZK', :b, make_timestamptz(y + 1, 7, 1, 0, 0, 0, 'UTC')
  FROM krimp.region r, krimp.indicator i, generate_series(2001, 2020) y
 WHERE r.code LIKE 'WK%' AND i.code LIKE 'b%';
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code)
VALUES ('BENCH', 'bench', 'programme', ARRAY['BZK'], '2015-12-31', '2016-01-01', 'BZK');
-- targets: baseline 2015 (given, as it was known), horizon 2030: 5% better than the baseline
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value,
                          horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 't', o.indicator_id, o.region_id, o.period, o.value, '2030',
       o.value * (1 + 0.05 * i.direction_of_good), 'x'
  FROM krimp.agreement a, krimp.observation o JOIN krimp.indicator i USING (indicator_id)
 WHERE a.code = 'BENCH' AND o.period = '2015';
VACUUM ANALYZE;
SQL
psql -X -A -t -c "SELECT count(*) || ' targets, ' || (SELECT count(*) FROM krimp.observation) || ' observations' FROM krimp.target"

# The baseline: the same rule in plain SQL, as of the same moment, into a table.
cat > /tmp/krimp_bench_baseline.sql <<'SQL'
DROP TABLE IF EXISTS baseline_result;
CREATE TABLE baseline_result AS
WITH t AS (
    SELECT tg.target_id, tg.indicator_id, tg.region_id, krimp.year(tg.baseline_period) AS bx, tg.baseline_value AS b,
           krimp.year(tg.horizon_period) AS hx, tg.horizon_value AS h, i.direction_of_good AS s
      FROM krimp.target tg JOIN krimp.indicator i USING (indicator_id)
      JOIN krimp.agreement a USING (agreement_id)
     WHERE a.starts_on <= '2020-12-31' AND tg.valid_from <= '2020-12-31'
), obs AS (
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period) o.indicator_id, o.region_id,
           krimp.year(o.period) AS x, o.value AS y
      FROM krimp.observation o
     WHERE o.published_at <= '2021-01-01 00:00+00' AND o.kind = 'realisation'
       AND (o.retracted_at IS NULL OR o.retracted_at > '2021-01-01 00:00+00')
     ORDER BY o.indicator_id, o.region_id, o.period, o.published_at DESC
), ser AS (
    SELECT t.*, o.x, o.y, max(o.x) OVER (PARTITION BY t.target_id) AS lx
      FROM t JOIN obs o USING (indicator_id, region_id)
), latest AS (
    SELECT s.target_id, s.bx, s.b, s.hx, s.h, s.s, s.x AS lx, s.y AS ly,
           s.b + (s.h - s.b) * (s.x - s.bx)::float8 / (s.hx - s.bx) AS e
      FROM ser s WHERE s.x = s.lx
), win AS (
    SELECT * FROM ser WHERE x > lx - 10
), slope AS (
    SELECT p.target_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY (q.y - p.y) / (q.x - p.x)) AS b, count(*) AS pairs
      FROM win p JOIN win q ON q.target_id = p.target_id AND q.x > p.x
     GROUP BY p.target_id
), fit AS (
    SELECT w.target_id, sl.b, percentile_cont(0.5) WITHIN GROUP (ORDER BY w.y - sl.b * (w.x - w.lx)) AS a,
           count(*) AS n
      FROM win w JOIN slope sl USING (target_id)
     GROUP BY w.target_id, sl.b
)
SELECT l.target_id, l.lx, l.ly, l.e, l.ly - l.e AS gap, f.a + f.b * (l.hx - l.lx) AS projected,
       CASE WHEN l.lx <= l.bx THEN 'grey'
            WHEN -l.s * (l.ly - l.e) <= 0.05 * abs(l.h - l.b) THEN 'green'
            WHEN coalesce(f.n, 0) < 3 THEN 'grey'
            WHEN l.s * (l.h - (f.a + f.b * (l.hx - l.lx))) <= 0.10 * abs(l.h - l.b) THEN 'orange'
            ELSE 'red' END AS light
  FROM latest l LEFT JOIN fit f USING (target_id);
SQL
q_sql="\\i /tmp/krimp_bench_baseline.sql"
q_first="CALL krimp.revaluation_round(2020);"
q_again="CALL krimp.revaluation_round(2020, true, 'bench');"
BENCH_SETTINGS="SET work_mem = '1GB'; SET client_min_messages = warning; SET search_path = public, krimp;"
echo "## one round over $N targets"
echo "  settings: $BENCH_SETTINGS"
echo "  baseline: plain SQL rule (/tmp/krimp_bench_baseline.sql, printed below)"
bench_time "plain SQL rule (baseline)" "$RUNS" "$q_sql"; t_sql=$BENCH_MS
echo "  krimp:    $q_first  (then $q_again)"
bench_time "krimp first run" 1 "$q_first"
bench_time "CALL krimp.revaluation_round (recompute)" "$RUNS" "$q_again"; t_round=$BENCH_MS
q_rule="CREATE TEMP TABLE r AS SELECT * FROM krimp.target_evaluations('2021-01-01 00:00+00', '2020-12-31');"
echo "  krimp rule only, into a table like the baseline: $q_rule"
bench_time "krimp.target_evaluations (rule only)" "$RUNS" "$q_rule"; t_rule=$BENCH_MS
awk -v a="$t_sql" -v b="$t_round" -v c="$t_rule" 'BEGIN {
  printf "  ratio krimp round (stores results, proposals, national comparison) / plain SQL rule: %.2f\n", b / a
  printf "  ratio krimp rule only / plain SQL rule: %.2f\n", c / a }'

echo
echo "## agreement of the lights (krimp round, first run, against the plain SQL rule)"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET search_path = public, krimp;
SELECT count(*) AS targets, count(*) FILTER (WHERE e.light = b.light) AS same_light,
       count(*) FILTER (WHERE abs(e.projected_value - b.projected) <= 1e-6 * greatest(1, abs(b.projected))) AS same_projection
  FROM krimp.round_evaluation e JOIN baseline_result b USING (target_id)
 WHERE e.round_year = 2020 AND e.recomputation = 0;
SELECT light, count(*) FROM krimp.round_evaluation WHERE round_year = 2020 AND recomputation = 0 GROUP BY 1 ORDER BY 1;
SQL
echo
echo "## the baseline's SQL"
sed 's/^/  /' /tmp/krimp_bench_baseline.sql
