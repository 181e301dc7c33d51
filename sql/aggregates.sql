-- Aggregates over series: krimp.series_agg(period, value), krimp.sum(series)
-- and krimp.weighted_mean(series, series), serial and in parallel plans.
SET search_path = krimp, public;
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    s text; m text; d text; h text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT,
                            d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN s || ': ' || m || coalesce(E'\nDETAIL: ' || nullif(d, ''), '')
             || coalesce(E'\nHINT: ' || nullif(h, ''), '');
END $$;

CREATE TABLE obs (region text, period krimp.period, value float8);
INSERT INTO obs VALUES
    ('A', '2003', 13), ('A', '2001', 11), ('A', '2005', NULL), ('A', '2002', 12), ('A', '2006', 16),
    ('B', '2010-Q2', 2), ('B', '2010-Q1', 1), ('B', NULL, 99), ('B', '2010-Q4', 4),
    ('C', '2020-07', 0.1);

-- input order does not matter; gaps (2004) and NULL values (2005) are missing;
-- the row with a NULL period is ignored
SELECT region, krimp.series_agg(period, value) FROM obs GROUP BY region ORDER BY region;
SELECT krimp.series_agg(period, value ORDER BY value DESC) AS descending,
       krimp.series_agg(period, value ORDER BY md5(period::text)) AS shuffled
  FROM obs WHERE region = 'A';
-- the same state shared by two aggregates in one query, and re-finalised per window row
SELECT region, krimp.series_agg(period, value) AS s, krimp.length(krimp.series_agg(period, value)) AS n
  FROM obs GROUP BY region ORDER BY region;
SELECT period, krimp.series_agg(period, value) OVER (ORDER BY period) FROM obs WHERE region = 'A';
-- no rows, only NULL periods: NULL
SELECT krimp.series_agg(period, value) IS NULL AS no_rows FROM obs WHERE false;
SELECT krimp.series_agg(NULL::krimp.period, 1.0) IS NULL AS null_period;
SELECT krimp.series_agg(period, value) FROM (VALUES ('2020'::krimp.period, NULL::float8)) AS t(period, value);

-- errors: duplicates (21000), mixed granularities (22023), NaN and infinity (22000)
\pset format unaligned
\pset tuples_only on
SELECT pg_temp.err($$SELECT krimp.series_agg(p, v) FROM (VALUES ('2001'::krimp.period, 1.0::float8), ('2003', 3), ('2001', 1)) AS t(p, v)$$);
SELECT pg_temp.err($$SELECT krimp.series_agg(p, v) FROM (VALUES ('2001'::krimp.period, 1.0::float8), ('2001-Q1', 3)) AS t(p, v)$$);
SELECT pg_temp.err($$SELECT krimp.series_agg(p, v) FROM (VALUES ('2001/2004'::krimp.period, 1.0::float8), ('2003/2006', 3)) AS t(p, v)$$);
SELECT pg_temp.err($$SELECT krimp.series_agg(p, v) FROM (VALUES ('2001'::krimp.period, 1.0::float8), ('2002', 'NaN')) AS t(p, v)$$);
SELECT pg_temp.err($$SELECT krimp.series_agg(p, v) FROM (VALUES ('2001'::krimp.period, 1.0::float8), ('2002', '-Infinity')) AS t(p, v)$$);
SELECT pg_temp.err($$SELECT krimp.series_agg('1000-01'::krimp.period + (i % 5), 1) FROM generate_series(1, 200000) i$$);
\pset format aligned
\pset tuples_only off

-- krimp.sum: union of periods; missing where any input lacks the period or has it missing
SELECT krimp.sum(s) FROM (VALUES ('2000:{1,2,3}'::krimp.series), ('2001:{10,20,30}'), (NULL)) AS t(s);
SELECT krimp.sum(s) FROM (VALUES ('2000:{1,2,3}'::krimp.series), ('2000:{10,NULL,30}'), ('2000:{100,200,300}')) AS t(s);
SELECT krimp.sum(s) IS NULL AS no_rows FROM (VALUES ('2000:{1}'::krimp.series)) AS t(s) WHERE false;
\pset format unaligned
\pset tuples_only on
SELECT pg_temp.err($$SELECT krimp.sum(s) FROM (VALUES ('2000:{1}'::krimp.series), ('2000-Q1:{1}')) AS t(s)$$);
\pset format aligned
\pset tuples_only off

-- krimp.weighted_mean: rates weighted by their denominators
-- 1999: the weights sum to 0, so missing; 2000: (10 * 100 + 30 * 300) / 400 = 25;
-- 2001: the second rate is missing; 2002: (30 * 100 + 50 * 100) / 200 = 40;
-- 2003: only the second weight reaches it, so missing; NULL rows are ignored
SELECT krimp.weighted_mean(rate, pop)
  FROM (VALUES ('1999:{5,10,20,30}'::krimp.series, '1999:{0,100,300,100}'::krimp.series),
               ('1999:{7,30,NULL,50}', '1999:{0,300,100,100,100}'),
               (NULL, '2000:{1}'), ('2000:{1}', NULL)) AS t(rate, pop);
SELECT krimp.weighted_mean(rate, pop)
  FROM (VALUES ('2000:{1,2}'::krimp.series, '2000:{1,3}'::krimp.series)) AS t(rate, pop);
\pset format unaligned
\pset tuples_only on
SELECT pg_temp.err($$SELECT krimp.weighted_mean('2000:{1,2}', '2000:{1,-3}')$$);
SELECT pg_temp.err($$SELECT krimp.weighted_mean('2000:{1,2}', '2000-Q1:{1,3}')$$);
\pset format aligned
\pset tuples_only off

-- parallel plans: partial aggregation in workers, combined in the leader, same results
CREATE TABLE big (region int, period krimp.period, value float8);
INSERT INTO big
SELECT r, '2000'::krimp.period + y, CASE WHEN (r + y) % 7 = 0 THEN NULL ELSE r * 100 + y END
  FROM generate_series(1, 4000) r, generate_series(0, 24) y;
-- one long monthly series over all rows, in shuffled order
CREATE TABLE months (period krimp.period, value float8);
INSERT INTO months
SELECT '1000-01'::krimp.period + i, i FROM generate_series(0, 99999) i ORDER BY md5(i::text);
CREATE TABLE regions AS
SELECT region, krimp.series_agg(period, value) AS s, krimp.series_agg(period, 1000 + region) AS pop
  FROM big GROUP BY region;
ANALYZE big, months, regions;

CREATE TABLE serial_results AS
SELECT (SELECT md5(string_agg(s::text, ';' ORDER BY region))
          FROM (SELECT region, krimp.series_agg(period, value) AS s FROM big GROUP BY region) x) AS by_region,
       (SELECT md5(krimp.series_agg(period, value)::text) FROM months) AS months,
       (SELECT md5(krimp.sum(s)::text) FROM regions) AS sum,
       (SELECT md5(krimp.weighted_mean(s, pop)::text) FROM regions) AS wmean;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT krimp.series_agg(period, value) FROM months;
EXPLAIN (COSTS OFF) SELECT krimp.sum(s) FROM regions;
EXPLAIN (COSTS OFF) SELECT krimp.weighted_mean(s, pop) FROM regions;
SELECT (SELECT md5(string_agg(s::text, ';' ORDER BY region))
          FROM (SELECT region, krimp.series_agg(period, value) AS s FROM big GROUP BY region) x) = by_region AS by_region,
       (SELECT md5(krimp.series_agg(period, value)::text) FROM months) = months AS months,
       (SELECT md5(krimp.sum(s)::text) FROM regions) = sum AS sum,
       (SELECT md5(krimp.weighted_mean(s, pop)::text) FROM regions) = wmean AS wmean
  FROM serial_results;
-- the long series itself: 100000 months in order, no value missing
SELECT krimp.length(s), krimp.first_period(s), krimp.last_period(s),
       krimp.value_at(s, '1000-01'), krimp.value_at(s, '9333-04'),
       (SELECT count(*) FROM krimp.points(s) WHERE value IS NULL) AS missing
  FROM (SELECT krimp.series_agg(period, value) AS s FROM months) t;
-- region totals and means agree with sum() and a weighted avg() per period over the
-- same rows; regions divisible by 7 all miss the years 2000, 2007, 2014 and 2021
SELECT count(*) AS periods, count(t.value) AS present,
       bool_and(t.value IS NOT DISTINCT FROM c.total) AS sum_matches,
       bool_and(abs(m.value - c.mean) <= 1e-12 * c.mean OR (m.value IS NULL AND c.mean IS NULL)) AS mean_matches
  FROM krimp.points((SELECT krimp.sum(s) FROM regions WHERE region % 7 = 0)) t
  JOIN krimp.points((SELECT krimp.weighted_mean(s, pop) FROM regions WHERE region % 7 = 0)) m USING (period)
  JOIN (SELECT period, CASE WHEN count(value) = count(*) THEN sum(value) END AS total,
               CASE WHEN count(value) = count(*) THEN sum(value * (1000 + region)) / sum(1000 + region) END AS mean
          FROM big WHERE region % 7 = 0 GROUP BY period) c USING (period);
-- empty partial states: where no row passes the filter, every worker returns an empty state; where only
-- one region passes, most workers do; both combine correctly (region + 0 hides the filter's selectivity
-- from the planner, so that it still plans partial aggregation)
EXPLAIN (COSTS OFF) SELECT krimp.series_agg(period, value) FROM big WHERE region + 0 < 0;
SELECT krimp.series_agg(period, value) IS NULL AS none,
       krimp.trend_agg(period, value) IS NULL AS no_trend
  FROM big WHERE region + 0 < 0;
SELECT krimp.sum(s) IS NULL AS none, krimp.weighted_mean(s, pop) IS NULL AS no_mean FROM regions WHERE region + 0 < 0;
EXPLAIN (COSTS OFF) SELECT krimp.sum(s) FROM regions WHERE region + 0 < 0;
SELECT krimp.series_agg(period, value) AS one_region FROM big WHERE region + 0 <= 3 AND region >= 3;
SELECT krimp.sum(s) = (SELECT s FROM regions WHERE region = 3) AS sum_of_one FROM regions WHERE region = 3;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

DROP TABLE obs, big, months, regions, serial_results;
