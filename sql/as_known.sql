-- The figure as known at a moment is one rule (krimp.figures_as_of, issue 14):
-- when two organisations file a realisation for the same indicator, region
-- version and period, at the same moment (the same published_at), every
-- reader takes the same one -- the series, the harmonised series, a target's
-- series and baseline, the national value, the nightly job's series and its
-- flags, the BI facts.  The rule: the latest published_at, then org_code
-- ascending, then the highest observation_id.  Runs in a database of its own
-- with two synthetic municipalities only, so that they are the whole country.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS krimp_as_known_test;
CREATE DATABASE krimp_as_known_test;
\c krimp_as_known_test
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
RESET client_min_messages;
SET extra_float_digits = 0;

INSERT INTO krimp.region (code, name, level, valid_from) VALUES
    ('GM9901', 'Eerstedorp (test)', 'municipality', '2000-01-01'),
    ('GM9902', 'Tweededorp (test)', 'municipality', '2000-01-01');
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation, direction_of_good) VALUES
    ('ak_jobs', 'Banen (test)', 'jobs', 0, 'year', 'labour market', 'sum', 1);

-- PV29 files first (the lower observation_ids): in GM9901 a step from about
-- 50 to about 100 in 2016; in GM9902 a flat 10.  PV31 files afterwards (the
-- higher ids) at the same moment a flat 50 for GM9901, 2010-2020.  Both are
-- vintages of 2021-04-01: org_code decides, PV29's figures count.
SELECT krimp.begin_batch('PV29', 'as known: PV29') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y, 'PV29', 'ak_jobs', 'GM9901', y::text,
       (CASE WHEN y < 2016 THEN 50 ELSE 100 END + (y % 3) - 1)::text
  FROM generate_series(2010, 2020) y
UNION ALL
SELECT :b, 100 + y, 'PV29', 'ak_jobs', 'GM9902', y::text, '10' FROM generate_series(2010, 2020) y;
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2021-04-01 00:00+00');
SELECT krimp.begin_batch('PV31', 'as known: PV31') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y, 'PV31', 'ak_jobs', 'GM9901', y::text, '50' FROM generate_series(2010, 2020) y;
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2021-04-01 00:00+00');
-- and in 2016, a third vintage by PV31 a day later: the latest published_at
-- counts before any organisation
SELECT krimp.begin_batch('PV31', 'as known: PV31 revision') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV31', 'ak_jobs', 'GM9901', '2016', '98');
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2021-04-02 00:00+00');
SELECT r.code, o.org_code, count(*) AS vintages, min(o.published_at) = max(o.published_at) AS same_moment
  FROM krimp.observation o JOIN krimp.region r USING (region_id)
 GROUP BY r.code, o.org_code ORDER BY r.code, o.org_code;

-- the rule's choice for GM9901: PV29's figures, and PV31's 98 in 2016
SELECT o.period, o.value, o.org_code
  FROM krimp.figures_as_of('infinity') o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9901' ORDER BY o.period;
SELECT krimp.series_agg(o.period, o.value) AS expected_series
  FROM krimp.figures_as_of('infinity') o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9901' \gset

-- a target on GM9901 (its baseline, 2015, is read when the target is filed)
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, ends_on, org_code) VALUES
    ('AK-2021', 'As known (test)', 'covenant', ARRAY['PV29'], '2021-06-30', '2021-07-01', NULL, 'PV29');
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value,
                          actiehouder)
SELECT a.agreement_id, 'Banen Eerstedorp', i.indicator_id, r.region_id, '2015', '2030', 200, 'Eerstedorp'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r
 WHERE a.code = 'AK-2021' AND i.code = 'ak_jobs' AND r.code = 'GM9901';

-- every reader of the series of GM9901 gives the rule's series
CALL krimp.nightly(true);
SELECT x.reader, x.series::text, x.series::text = :'expected_series' AS same
  FROM (VALUES
    ('region_series', krimp.region_series('ak_jobs', 'GM9901')),
    ('region_series as known', krimp.region_series('ak_jobs', 'GM9901', NULL, '2021-05-01 00:00+00')),
    ('series_current', (SELECT s.series FROM krimp.series_current s
                         WHERE s.indicator_code = 'ak_jobs' AND s.region_code = 'GM9901')),
    ('harmonised_series', (SELECT h.series FROM krimp.harmonised_series('ak_jobs', 2021) h WHERE h.code = 'GM9901')),
    ('released_harmonise', (SELECT krimp.series_agg(h.period, h.value)
                              FROM krimp.released_harmonise('ak_jobs', 2021, 'infinity') h WHERE h.code = 'GM9901')),
    ('target_series', (SELECT krimp.target_series(t.target_id) FROM krimp.target t WHERE t.name = 'Banen Eerstedorp')),
    ('nightly: released_series', (SELECT krimp.released_series(i.indicator_id, r.region_id)
                                    FROM krimp.indicator i, krimp.region r
                                   WHERE i.code = 'ak_jobs' AND r.code = 'GM9901'))
  ) x(reader, series);
-- the BI facts: one fact per figure (not one per organisation), the rule's
SELECT count(*) AS facts, count(DISTINCT f.period_label) AS periods,
       bool_and(coalesce(f.value = o.value AND f.org_code = o.org_code, false)) AS same
  FROM krimp_bi.fact_observation f
  LEFT JOIN krimp.figures_as_of('infinity') o ON o.observation_id = f.observation_key
 WHERE f.indicator_code = 'ak_jobs' AND f.region_code = 'GM9901';
-- the target's baseline (2015, as known at the end of the signing day) and its evaluation
SELECT t.baseline_value, (e).latest_period, (e).latest_value
  FROM krimp.target t
 CROSS JOIN LATERAL (SELECT e FROM krimp.target_evaluations('infinity', current_date, ARRAY[t.target_id]) e) x
 WHERE t.name = 'Banen Eerstedorp';
-- the national value: the sum of both municipalities, with PV29's figure in GM9901
SELECT n.period, n.value, n.source
  FROM krimp.national_values('infinity', ARRAY(SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = 'ak_jobs')) n
 WHERE n.period::text IN ('2015', '2016', '2020') ORDER BY n.period::text;
-- the same value from the one home of the national total, with the number of
-- municipalities; a year in which one of them has no figure has no total
SELECT n.period, n.value, n.municipalities
  FROM krimp.national_from_municipalities('infinity',
           ARRAY(SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = 'ak_jobs')) n
 ORDER BY n.period::text;
-- a third municipality from 2019, with a figure for 2019 only: 2019 counts
-- three, and 2020 has no total (nor a national value) until it has its figure
BEGIN;
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9903', 'Derdedorp (test)', 'municipality', '2019-01-01');
SELECT krimp.begin_batch('PV29', 'as known: PV29, a third municipality') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV29', 'ak_jobs', 'GM9903', '2019', '5');
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2021-04-03 00:00+00');
SELECT n.period, n.value, n.municipalities, n.published_at
  FROM krimp.national_from_municipalities('infinity',
           ARRAY(SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = 'ak_jobs')) n
 WHERE n.period::text >= '2018' ORDER BY n.period::text;
SELECT n.period, n.value, n.source
  FROM krimp.national_values('infinity', ARRAY(SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = 'ak_jobs')) n
 WHERE n.period::text >= '2018' ORDER BY n.period::text;
ROLLBACK;
-- the nightly job's flags: the step of 2016 in PV29's figures (PV31's flat
-- figures would have none)
SELECT r.code, f.period, f.kind, f.status, f.before IS NOT NULL AS has_before
  FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id)
 ORDER BY r.code, f.period, f.kind;

-- the rule is inlined: no function scan, and the indicator and region reach
-- the indexes of the rows and of the blocks
CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    l text;
BEGIN
    FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        RETURN NEXT l;
    END LOOP;
END
$$;
SET enable_seqscan = off;
SELECT count(*) FILTER (WHERE l LIKE '%Function Scan on figures_as_of%') AS function_scans,
       bool_or(l ~ 'Index.*observation_vintage_key') AS row_index,
       bool_or(l ~ 'Index.*observation_block_series_idx') AS block_index,
       bool_or(l ~ 'Seq Scan') AS seq_scan
  FROM pg_temp.plan($$SELECT * FROM krimp.figures_as_of(now()) o WHERE o.indicator_id = 1 AND o.region_id = 2$$) l;
SELECT count(*) FILTER (WHERE l LIKE '%Function Scan on figures_as_of%') AS function_scans,
       bool_or(l ~ 'Index.*observation_vintage_key') AS row_index,
       bool_or(l ~ 'Seq Scan') AS seq_scan
  FROM pg_temp.plan($$SELECT * FROM krimp.figures_as_of(now(), true) o WHERE o.indicator_id = 1 AND o.region_id = 2$$) l;
RESET enable_seqscan;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE krimp_as_known_test;
