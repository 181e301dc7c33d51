SET search_path = krimp, public;
-- krimp.trend: trend statistics of a series, computed once and read with
-- accessors.  Reference values from test/reference/trend_reference.R
-- (R 4.2.2: lm, brute-force Theil-Sen, trend::sens.slope ranks, cor.test).
SET extra_float_digits = 0;

-- Delfzijl (GM0010), population on 1 January 2002-2022 (CBS); 2021 and 2022
-- are missing because the municipality merged into Eemsdelta.
CREATE TEMP TABLE delfzijl AS
SELECT '2002:{29018,28972,28809,28446,27989,27653,27314,26744,26635,26567,26305,26025,25698,25409,25068,24965,24863,24716,24678,NULL,NULL}'::krimp.series AS s;

SELECT krimp.trend(s) FROM delfzijl;

-- every accessor against R (relative tolerance 1e-9, p-values 1e-6)
SELECT krimp.n(t),
       round(krimp.ols_slope(t)::numeric, 6) AS ols_slope,
       abs(krimp.ols_slope(t) - (-266.33859649122729)) <= 1e-9 * 266.34 AS ols_slope_ok,
       abs(krimp.ols_intercept(t) - 29021.994736842087) <= 1e-9 * 29022 AS ols_intercept_ok,
       abs(krimp.r_squared(t) - 0.98020168025032639) <= 1e-9 AS r_squared_ok,
       abs(krimp.ols_slope_stderr(t) - 9.1804948606848118) <= 1e-9 * 9.18 AS stderr_ok,
       krimp.theil_sen_slope(t) = -271.33333333333331 AS ts_slope_ok,
       krimp.theil_sen_intercept(t) = 29018 AS ts_intercept_ok,
       krimp.theil_sen_ci_low(t) = -290.08333333333331 AS ci_low_ok,
       krimp.theil_sen_ci_high(t) = -245.1 AS ci_high_ok,
       krimp.mann_kendall_s(t) AS s,
       krimp.mann_kendall_var_s(t) AS var_s,
       krimp.kendall_tau(t) AS tau,
       abs(krimp.mann_kendall_p(t) - 1.6441270493248659e-17) <= 1e-6 * 1.6441270493248659e-17 AS p_ok,
       krimp.mann_kendall_exact(t) AS exact
  FROM (SELECT krimp.trend(s) AS t FROM delfzijl) x \gx

-- the aggregate equals trend(series_agg(...)), rows in any order
SELECT krimp.trend_agg(period, value)::text = (SELECT krimp.trend(krimp.series_agg(period, value))::text
                                                 FROM krimp.points((SELECT s FROM delfzijl)))
       AS agg_equals_function,
       krimp.trend_agg(period, value)::text = (SELECT krimp.trend(s)::text FROM delfzijl)
       AS agg_equals_series
  FROM (SELECT * FROM krimp.points((SELECT s FROM delfzijl)) ORDER BY random()) p;

-- NULL values and absent rows are both missing; the result is the same
SELECT krimp.trend_agg(period, value)::text = (SELECT krimp.trend(s)::text FROM delfzijl) AS same
  FROM krimp.points((SELECT s FROM delfzijl))
 WHERE value IS NOT NULL;

-- more series from the R script, as (name, series, reference values)
CREATE TEMP TABLE ref (name text, s krimp.series, ols_slope float8, ols_intercept float8,
                       r2 float8, stderr float8, ts_slope float8, ts_intercept float8,
                       ci_low float8, ci_high float8, mk_s bigint, var_s float8, tau float8,
                       p float8, exact boolean);
INSERT INTO ref VALUES
  ('ties', '2000:{10,12,12,11,15,15,15,14,18,20}', 0.93333333333333324, 10, 0.82039573820395728,
   0.1543968388225091, 1, 10, 0.40000000000000002, 1.3333333333333333, 31, 120.33333333333333,
   0.68888888888888888, 0.006241495264271351, false),
  ('constant', '2000:{5,5,5,5,5,5}', 0, 5, NULL, 0, 0, 5, 0, 0, 0, 0, 0, NULL, NULL),
  ('short', '2000:{3.1,2.7,4.9,5.2}', 0.8500000000000002, 2.6999999999999993, 0.76092680358083198,
   0.33689761055846029, 0.80000000000000004, 2.9500000000000002, NULL, NULL, 4, 8.6666666666666661,
   0.66666666666666663, 0.33333333333333326, true),
  ('missing', '2000:{100,98,97,NULL,95,96,93,NULL,90,91,88,87}', -1.1160714285714284, 99.749999999999986,
   0.9593737208350388, 0.081200108962847031, -1.125, 99.4375, -1.25, -1, -41, 125,
   -0.91111111111111109, 2.9761904761904762e-05, true),
  ('large', '2000:{1000000000000.5,1000000000003,1000000000007.5,1000000000009,1000000000011.5,1000000000016,1000000000018.5,1000000000020,1000000000024.5,1000000000027,1000000000029.5,1000000000033}',
   2.9300699300699282, 1000000000000.5513, 0.99637438173891568, 0.055893042008922297,
   2.9142857142857141, 1000000000000.6357, 2.7857142857142856, 3.0714285714285716, 66,
   212.66666666666666, 1, 4.1753513979614354e-09, true);

-- relative difference within tolerance, or both NULL
CREATE FUNCTION pg_temp.near(a float8, b float8, tol float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= tol * greatest(abs(b), 1e-300) $$;

SELECT name, krimp.n(t),
       pg_temp.near(krimp.ols_slope(t), ols_slope, 1e-9)
       AND pg_temp.near(krimp.ols_intercept(t), ols_intercept, 1e-9)
       AND pg_temp.near(krimp.r_squared(t), r2, 1e-9)
       AND pg_temp.near(krimp.ols_slope_stderr(t), stderr, 1e-9) AS ols_ok,
       pg_temp.near(krimp.theil_sen_slope(t), ts_slope, 1e-9)
       AND pg_temp.near(krimp.theil_sen_intercept(t), ts_intercept, 1e-9)
       AND pg_temp.near(krimp.theil_sen_ci_low(t), ci_low, 1e-9)
       AND pg_temp.near(krimp.theil_sen_ci_high(t), ci_high, 1e-9) AS theil_sen_ok,
       krimp.mann_kendall_s(t) IS NOT DISTINCT FROM mk_s
       AND pg_temp.near(krimp.mann_kendall_var_s(t), var_s, 1e-12)
       AND pg_temp.near(krimp.kendall_tau(t), tau, 1e-12)
       AND pg_temp.near(krimp.mann_kendall_p(t), p, 1e-6)
       AND krimp.mann_kendall_exact(t) IS NOT DISTINCT FROM exact AS mann_kendall_ok
  FROM (SELECT *, krimp.trend(s) AS t FROM ref) x
 ORDER BY name;

-- the large series: intercepts within 1e-3 of R, far below the 1e-9 relative tolerance
SELECT abs(krimp.ols_intercept(t) - 1000000000000.5513) < 1e-3 AS ols_ok,
       abs(krimp.theil_sen_intercept(t) - 1000000000000.6357) < 1e-3 AS theil_sen_ok
  FROM (SELECT krimp.trend(s) AS t FROM ref WHERE name = 'large') x;

-- the constant series: exact zeros, NULL where undefined
SELECT krimp.trend(s) FROM ref WHERE name = 'constant';

-- fewer than three values: no test; fewer than two: no slope
SELECT krimp.n(t), krimp.ols_slope(t), krimp.r_squared(t), krimp.ols_slope_stderr(t),
       krimp.theil_sen_slope(t), krimp.theil_sen_ci_low(t), krimp.mann_kendall_s(t),
       krimp.kendall_tau(t), krimp.mann_kendall_p(t), krimp.mann_kendall_exact(t)
  FROM (VALUES ('2002:{4,6}'::krimp.series), ('2002:{NULL,7,NULL}'), ('2002:{1,3,2}')) v(s),
       LATERAL krimp.trend(s) t;
-- nothing observed, or no rows: NULL
SELECT krimp.trend('2002:{NULL,NULL}'::krimp.series) IS NULL AS all_missing;
SELECT krimp.trend_agg(p, v) IS NULL AS no_rows
  FROM (VALUES ('2002'::krimp.period, 1.0::float8)) x(p, v) WHERE false;
SELECT krimp.trend_agg(p, v) IS NULL AS only_missing
  FROM (VALUES ('2002'::krimp.period, NULL::float8), ('2003', NULL)) x(p, v);

-- x counts from the first observed period: intercepts are values there
SELECT krimp.trend('2000:{NULL,NULL,5,7,9,NULL}'::krimp.series);

-- slopes are per step: quarterly data gives a slope per quarter
SELECT krimp.ols_slope(t), krimp.theil_sen_slope(t), krimp.n(t)
  FROM krimp.trend('2020-Q1:{10,12,NULL,16,18}'::krimp.series) t;

-- text round trip, exact
SELECT t::text::krimp.trend::text = t::text AS round_trip
  FROM (SELECT krimp.trend(s) AS t FROM delfzijl
        UNION ALL SELECT krimp.trend(s) FROM ref
        UNION ALL SELECT krimp.trend('2002:{4,6}'::krimp.series)
        UNION ALL SELECT krimp.trend('2002:{4}'::krimp.series)) x;
SELECT 'n=1 first=2002 last=2002 ols_slope=null ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false'::krimp.trend;

-- binary round trip through COPY (FORMAT binary): send and a re-validating receive
CREATE TEMP TABLE trends AS
SELECT name, krimp.trend(s) AS t FROM ref
UNION ALL SELECT 'delfzijl', krimp.trend(s) FROM delfzijl;
CREATE TEMP TABLE trends_back (LIKE trends);
DO $$
DECLARE
    f text := '/tmp/krimp_trend_regress_' || pg_backend_pid() || '.bin';
BEGIN
    EXECUTE format('COPY trends TO %L (FORMAT binary)', f);
    EXECUTE format('COPY trends_back FROM PROGRAM %L (FORMAT binary)',
                   format('cat %s && rm -f %s', f, f));
END
$$;
SELECT count(*) AS rows, bool_and(a.t::text = b.t::text) AS identical
  FROM trends a JOIN trends_back b USING (name);

-- invalid text
SELECT 'n=2'::krimp.trend;
SELECT 'n=1 first=2002 last=2002 ols_slope=1 ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false'::krimp.trend;
SELECT 'n=3 first=2002 last=2004 ols_slope=1 ols_intercept=0 r_squared=1 ols_slope_stderr=0 theil_sen_slope=1 theil_sen_intercept=0 theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=3 mann_kendall_var_s=3.6666666666666665 kendall_tau=0.5 mann_kendall_p=0.33333333333333331 mann_kendall_exact=true'::krimp.trend;

-- errors from the aggregate's series: duplicate periods
SELECT krimp.trend_agg(p, v) FROM (VALUES ('2002'::krimp.period, 1.0::float8), ('2002', 2.0)) x(p, v);

-- too long: 5001 observed months
SELECT krimp.trend_agg('1700-01'::krimp.period + i, i::float8) FROM generate_series(0, 5000) i;
-- the longest allowed works
SELECT krimp.n(t), krimp.ols_slope(t), krimp.theil_sen_slope(t), krimp.mann_kendall_exact(t)
  FROM (SELECT krimp.trend_agg('1700-01'::krimp.period + i, i * 0.5 + (i * 7919) % 13) AS t
          FROM generate_series(0, 4999) i) x;

-- one trend per region with trend_agg, and a forced parallel plan
CREATE TABLE trend_obs (region int, period krimp.period, value float8);
INSERT INTO trend_obs
SELECT r, '2002'::krimp.period + y, 1000 * r - 7.5 * r * y + ((r * 31 + y * 17) % 23)
  FROM generate_series(1, 300) r, generate_series(0, 20) y;
ANALYZE trend_obs;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT krimp.trend_agg(period, value) FROM trend_obs WHERE region = 7;
SELECT md5(krimp.trend_agg(period, value)::text) AS parallel
  FROM trend_obs WHERE region = 7;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
-- the same digest serially, and from trend(series_agg(...))
SELECT md5(krimp.trend_agg(period, value)::text) AS serial,
       md5(krimp.trend(krimp.series_agg(period, value))::text) AS via_series_agg
  FROM trend_obs WHERE region = 7;
SELECT krimp.trend_agg(period, value) FROM trend_obs WHERE region = 7;
RESET max_parallel_workers_per_gather;
SELECT count(*) AS regions,
       count(*) FILTER (WHERE krimp.theil_sen_ci_high(t) < 0 AND krimp.mann_kendall_p(t) < 0.05) AS significant_decline
  FROM (SELECT region, krimp.trend_agg(period, value) AS t FROM trend_obs GROUP BY region) x;
DROP TABLE trend_obs;
