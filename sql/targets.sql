-- Targets and the five-yearly revaluation (issue 5): the report's worked
-- examples on small synthetic figures, then population targets for the
-- decline regions on the bundled CBS figures (Bron: CBS, CC BY 4.0) in rounds
-- 2015 and 2020.  Runs in a database of its own with the real regions loaded
-- (scripts/load_regions.sql), so that no other suite's rows get in.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS krimp_targets_test;
CREATE DATABASE krimp_targets_test;
\c krimp_targets_test
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
RESET client_min_messages;
SET search_path = public, krimp;
\getenv abs_srcdir PG_ABS_SRCDIR
\set loader :abs_srcdir '/scripts/load_regions.sql'
\i :loader
SET extra_float_digits = 0;

-- ===========================================================================
-- 1. The rule on one series (krimp.assess), defaults: window 10 years, 3
--    points, path tolerance 0.05 and tolerance 0.10 of the planned change.
-- ===========================================================================
-- Vacancy in Zeeuws-Vlaanderen (excluding second homes): 9.9% in 2012, 7.6% in 2013.
-- Target 7.0% in 2020, linear, lower is better (sense -1).  On the path 2013 should be
-- 9.9 - 2.9/8 = 9.5375; 7.6 is 1.9375 ahead: green.  Progress (7.6-9.9)/(7.0-9.9) = 0.793
-- against 0.125 planned.  Proposal: from 7.6 (2013) to 7.0 (2020); in 2018 7.6 - 0.6*5/7 = 7.1714.
SELECT (a).light, (a).latest_period, (a).latest_value, (a).expected_value, round((a).gap::numeric, 4) AS gap,
       round((a).progress::numeric, 4) AS progress, (a).expected_progress, (a).trend_points,
       (a).proposal_period, round((a).proposal_value::numeric, 4) AS proposal_value
  FROM (SELECT krimp.assess('2012:{9.9,7.6}', 'linear', '2012', 9.9, '2020', 7.0, -1) AS a) x;
-- higher-is-better reading of the same figures (sense 1): 7.6 is behind, two points are too few
-- for a projection (3 needed): grey; with min_points 2 the projection 9.9 - 2.3*8 = -8.5 misses: red
SELECT (krimp.assess('2012:{9.9,7.6}', 'linear', '2012', 9.9, '2020', 12, 1)).light AS too_few,
       (krimp.assess('2012:{9.9,7.6}', 'linear', '2012', 9.9, '2020', 12, 1, min_points => 2)).light AS two_points;
-- a milestone: 9.9 (2012) -> 8.0 (2014) -> 7.0 (2020); 2013 on the path = 8.95, 7.6 ahead: green
SELECT (a).expected_value, (a).light
  FROM (SELECT krimp.assess('2012:{9.9,7.6}', 'linear', '2012', 9.9, '2020', 7.0, -1,
                            ARRAY['2014']::krimp.period[], ARRAY[8.0]) AS a) x;
-- orange and red on a rising target 100 (2010) -> 113 (2020), realised 100..108 in 2014-2018:
-- on the path 2018 = 110.4, 108 is 2.4 behind (more than 0.05*13 = 0.65); Theil-Sen slope 2,
-- projection 2020 = 112, short by 1 <= 0.10*13 = 1.3: orange.  Against 120 it is short by 8 > 2: red.
SELECT (a).light, (a).expected_value, (a).projected_value, (a).projected_low, (a).projected_high
  FROM (SELECT krimp.assess('2014:{100,102,104,106,108}', 'linear', '2010', 100, '2020', 113, 1) AS a) x;
SELECT (krimp.assess('2014:{100,102,104,106,108}', 'linear', '2010', 100, '2020', 120, 1)).light;
-- a NULL series is grey; errors
SELECT (krimp.assess(NULL, 'linear', '2010', 100, '2020', 113, 1)).light AS no_data;
SELECT krimp.assess('2014:{1,2}', 'curved', '2010', 100, '2020', 113, 1);
SELECT krimp.assess('2014:{1,2}', 'growth', '2010', 0, '2020', 113, 1);
SELECT krimp.assess('2014:{1,2}', 'linear', '2010', 100, '2020-Q1', 113, 1);
SELECT krimp.assess('2014:{1,2}', 'linear', '2010', 100, '2020', 113, 1, tolerance => -1);

-- ===========================================================================
-- 2. Agreements and targets on synthetic regions (COROP codes CR97, CR98
--    that CBS does not use) with synthetic figures and vintages.
-- ===========================================================================
INSERT INTO krimp.region (code, name, level, valid_from) VALUES
    ('CR97', 'Zeeuws-Vlaanderen (test)', 'corop', '2002-01-01'),
    ('CR98', 'Zuid-Limburg (test)', 'corop', '2002-01-01');
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation, direction_of_good) VALUES
    ('t_vacancy', 'Leegstand woningen excl. tweede woningen', '%', 1, 'year', 'housing', 'none', -1),
    ('t_life_expectancy', 'Levensverwachting bij geboorte', 'years', 1, 'span', 'care', 'none', 1);
-- vacancy 2008-2013 in CR97, published in the spring after each year
SELECT krimp.begin_batch('PV29', 'test vacancy') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV29', 't_vacancy', 'CR97', '2008', '9.1'), (:b, 2, 'PV29', 't_vacancy', 'CR97', '2009', '9.4'),
       (:b, 3, 'PV29', 't_vacancy', 'CR97', '2010', '9.6'), (:b, 4, 'PV29', 't_vacancy', 'CR97', '2011', '9.8'),
       (:b, 5, 'PV29', 't_vacancy', 'CR97', '2012', '9.9');
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2013-04-01 00:00+00');
SELECT krimp.begin_batch('PV29', 'test vacancy') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV29', 't_vacancy', 'CR97', '2013', '7.6');
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2014-04-01 00:00+00');
-- life expectancy over four-year spans, Zuid-Limburg and the Netherlands (NL01, the real version)
SELECT krimp.begin_batch('PV31', 'test life expectancy') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV31', 't_life_expectancy', 'CR98', '2005/2008', '79.6'),
       (:b, 2, 'PV31', 't_life_expectancy', 'CR98', '2009/2012', '80.5'),
       (:b, 3, 'PV31', 't_life_expectancy', 'NL01', '2005/2008', '80.2'),
       (:b, 4, 'PV31', 't_life_expectancy', 'NL01', '2009/2012', '81.1');
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2014-06-01 00:00+00');

-- the agreement of Zeeland (its parties and term); targets are taken as known at the end of the signing day
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, ends_on, org_code) VALUES
    ('T-ZL-2013', 'Covenant bevolkingsdaling Zeeland (test)', 'covenant', ARRAY['BZK', 'Provincie Zeeland', 'Gemeenten Zeeuws-Vlaanderen'],
     '2013-06-30', '2013-07-01', '2031-01-01', 'PV29'),
    ('T-LB-2014', 'Covenant bevolkingsdaling Limburg (test)', 'covenant', ARRAY['BZK', 'Provincie Limburg'],
     '2014-06-30', '2014-07-01', NULL, 'PV31');
-- the baseline (9.9 in 2012) comes from the observations as known on 2013-06-30
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value,
                          actiehouder)
SELECT a.agreement_id, 'Leegstand Zeeuws-Vlaanderen naar 7%', i.indicator_id, r.region_id, '2012', '2020', 7.0,
       'Gemeenten Zeeuws-Vlaanderen'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r
 WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
SELECT t.name, t.baseline_period, t.baseline_value, t.baseline_known_at, t.horizon_period, t.horizon_value, t.unit,
       t.granularity, t.org_code, t.version, t.valid_from
  FROM krimp.target t WHERE t.name LIKE 'Leegstand%';
-- life expectancy: +1.8 years from 2005/2008 to 2017/2020 (as fast a rise as the nation's 0.9 per span)
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value,
                          actiehouder)
SELECT a.agreement_id, 'Levensverwachting Zuid-Limburg', i.indicator_id, r.region_id, '2005/2008', '2017/2020', 81.4,
       'GGD Zuid-Limburg'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r
 WHERE a.code = 'T-LB-2014' AND i.code = 't_life_expectancy' AND r.code = 'CR98';

-- bad input: each a clear error
-- (messages with detail and hint; the SQLSTATEs are listed in docs/targets.md)
-- horizon before baseline
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 'x', i.indicator_id, r.region_id, '2012', '2011', 7.0, 'x'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
-- unit
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder, unit)
SELECT a.agreement_id, 'x', i.indicator_id, r.region_id, '2012', '2020', 7.0, 'x', 'dwellings'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
-- granularity
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 'x', i.indicator_id, r.region_id, '2012-Q4', '2020-Q4', 7.0, 'x'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
-- against the direction of good (vacancy up from 9.9 to 11), then allowed with the flag
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 'x', i.indicator_id, r.region_id, '2012', '2020', 11, 'x'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
-- no figure known for the baseline when the agreement was signed (2013 was published in 2014)
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 'x', i.indicator_id, r.region_id, '2013', '2020', 7, 'x'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
-- a milestone outside the target's span
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder,
                          milestone_periods, milestone_values)
SELECT a.agreement_id, 'x', i.indicator_id, r.region_id, '2012', '2020', 7, 'x', ARRAY['2021']::krimp.period[], ARRAY[7.5]
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
-- a group of regions for an indicator that cannot be combined
INSERT INTO krimp.target (agreement_id, name, indicator_id, group_code, baseline_period, horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 'x', i.indicator_id, 'KR-ZVLAANDEREN', '2012', '2020', 7, 'x'
  FROM krimp.agreement a, krimp.indicator i WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy';
-- ... unless the group holds figures of its own: on its own row in krimp.region (krimp.group_region, level
-- group), the report's "vacancy in Zeeuws-Vlaanderen 9.9 % in 2012, 7.6 % in 2013" as the region measures it
SELECT code, name, level, valid_from, valid_to, geom IS NOT NULL AS has_boundary,
       round((public.ST_Area(geom) / 1e6)::numeric) AS km2
  FROM krimp.region WHERE code = 'KR-ZVLAANDEREN';
SELECT krimp.begin_batch('PV29', 'group vacancy') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV29', 't_vacancy', 'kr-zvlaanderen ', '2011', '9.8'), (:b, 2, 'PV29', 't_vacancy', 'KR-ZVLAANDEREN', '2012', '9.9');
SELECT rows_inserted, rows_rejected FROM krimp.apply_batch(:b, 'abort', '2013-04-01 00:00+00');
SELECT krimp.begin_batch('PV29', 'group vacancy') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV29', 't_vacancy', 'KR-ZVLAANDEREN', '2013', '7.6');
SELECT rows_inserted, rows_rejected FROM krimp.apply_batch(:b, 'abort', '2014-04-01 00:00+00');
INSERT INTO krimp.target (agreement_id, name, indicator_id, group_code, baseline_period, horizon_period, horizon_value,
                          actiehouder)
SELECT a.agreement_id, 'Regio Zeeuws-Vlaanderen: leegstand naar 7%', i.indicator_id, 'KR-ZVLAANDEREN', '2012', '2020', 7,
       'Gemeenten Zeeuws-Vlaanderen'
  FROM krimp.agreement a, krimp.indicator i WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy';
SELECT t.name, t.group_code, t.layout_year, t.baseline_value, krimp.target_series(t.target_id) AS series,
       e.light, e.latest_period, e.latest_value, e.expected_value
  FROM krimp.target t, krimp.evaluate_target(t.target_id, '2014-12-31 00:00+00') e
 WHERE t.name LIKE 'Regio Zeeuws-Vlaanderen%';
-- a group code is no CBS code: only a group makes a row of it, and a group needs such a code
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('KR-NOT-A-GROUP', 'x', 'municipality', '2002-01-01');
SELECT krimp.load_region_group('kr zvl', 'x', 'topkrimpregio', 'PV29', '2009-01-01', 2014, ARRAY['GM0677']);
-- targets are never changed
UPDATE krimp.target SET horizon_value = 6 WHERE name LIKE 'Leegstand%';
\set VERBOSITY default
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value,
                          actiehouder, against_direction_of_good)
SELECT a.agreement_id, 'Leegstand mag stijgen (test)', i.indicator_id, r.region_id, '2012', '2020', 11, 'x', true
  FROM krimp.agreement a, krimp.indicator i, krimp.region r WHERE a.code = 'T-ZL-2013' AND i.code = 't_vacancy' AND r.code = 'CR97';
SELECT name, baseline_value, horizon_value, against_direction_of_good FROM krimp.target WHERE name LIKE 'Leegstand mag%';

-- Evaluation as known at the end of 2013: only 2008-2012 were published, nothing after the baseline: grey.
-- As known at the end of 2014: 7.6 for 2013 (the report's example): green, as worked out in section 1;
-- the trend is Theil-Sen over 2008-2013 (6 points within the 10-year window): +0.17 a year, since one
-- fall does not turn the median of the pairwise slopes; a green light does not look at the projection.
SELECT e.light, e.latest_period, e.latest_value, e.data_vintage
  FROM krimp.target t, krimp.evaluate_target(t.target_id, '2014-01-01 00:00+00') e WHERE t.name LIKE 'Leegstand Z%';
SELECT e.light, e.latest_period, e.latest_value, e.expected_value, round(e.gap::numeric, 4) AS gap,
       round(e.progress::numeric, 4) AS progress, e.trend_points, round(e.trend_slope::numeric, 4) AS slope,
       round(e.projected_value::numeric, 4) AS projected, e.data_vintage,
       e.nl_source, e.proposal_period, round(e.proposal_value::numeric, 4) AS proposal
  FROM krimp.target t, krimp.evaluate_target(t.target_id, '2014-12-31 00:00+00') e WHERE t.name LIKE 'Leegstand Z%';

-- Zuid-Limburg's life expectancy: +0.9 years from 2005/2008 to 2009/2012, the Netherlands (NL01) +0.9 too
-- ("as fast as the national rise").  The target's path: 79.6 -> 81.4 over three spans, 0.6 a span, so
-- 80.2 expected for 2009/2012; 80.5 is ahead: green, progress 0.9/1.8 = 0.5.
SELECT e.light, e.latest_period, e.latest_value, round(e.expected_value::numeric, 4) AS expected,
       round(e.progress::numeric, 4) AS progress, round(e.region_change::numeric, 4) AS region_change,
       round(e.nl_change::numeric, 4) AS nl_change, round(e.region_change_pct::numeric, 4) AS region_pct,
       round(e.nl_change_pct::numeric, 4) AS nl_pct, e.nl_source
  FROM krimp.target t, krimp.evaluate_target(t.target_id) e WHERE t.name = 'Levensverwachting Zuid-Limburg';

-- re-calibration: a new version pointing to the old one with the reason; the old one is kept
SELECT krimp.recalibrate_target(t.target_id, 'vacancy fell faster than planned', horizon_value => 6.0,
                                start_period => '2013', start_value => 7.6, valid_from => '2015-01-01') IS NOT NULL AS made
  FROM krimp.target t WHERE t.name LIKE 'Leegstand Z%' AND t.version = 1;
SELECT t.version, t.baseline_period, t.baseline_value, t.horizon_value, t.recalibration_reason, t.valid_from,
       p.version AS previous_version,
       krimp.target_active(t.target_id, '2014-12-31') AS active_2014, krimp.target_active(t.target_id, '2015-12-31') AS active_2015
  FROM krimp.target t LEFT JOIN krimp.target p ON p.target_id = t.previous_id
 WHERE t.name LIKE 'Leegstand Z%' ORDER BY t.version;
SELECT krimp.recalibrate_target(t.target_id, 'again') FROM krimp.target t WHERE t.name LIKE 'Leegstand Z%' AND t.version = 1;

-- ===========================================================================
-- 3. Rounds on the grid: every five years from 2015; 2017 is not a round.
-- ===========================================================================
CALL krimp.revaluation_round(2017);
SELECT krimp.round_known_at(2015), krimp.round_known_at(2020);

-- ===========================================================================
-- 4. Real data: the CBS population on 1 January per municipality 2002-2022
--    (Bevolkingsontwikkeling_gemeente_per_jaar.json), loaded year by year
--    with the vintage 1 July of the year (the figure of 1 January Y is
--    known by mid-Y), recast onto the 2014 layout of the decline regions.
-- ===========================================================================
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good)
VALUES ('population', 'Bevolking op 1 januari', 'persons', 'year', 'demography', 'CBS 37230ned', 'sum', 1);
CREATE TEMP TABLE pop_file (code text, period text, value double precision);
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
INSERT INTO pop_file
SELECT btrim(r->>'RegioS'), r->>'Perioden', (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision
  FROM jsonb_each(ltrim(:'doc', E'\uFEFF')::jsonb -> 'value') AS e(id, r);
\unset doc
DO $load$
DECLARE
    y integer;
    b bigint;
BEGIN
    FOR y IN 2002..2022 LOOP
        b := krimp.begin_batch('BZK', 'CBS 37230ned', 'Bevolkingsontwikkeling_gemeente_per_jaar.json');
        INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
        SELECT b, row_number() OVER (ORDER BY code), 'BZK', 'population', code, period, value::text, 'definitief'
          FROM pop_file WHERE value IS NOT NULL AND krimp.year(period::krimp.period) = y;
        PERFORM krimp.apply_batch(b, 'abort', make_timestamptz(y, 7, 1, 0, 0, 0, 'UTC'));
    END LOOP;
END
$load$;
SELECT count(*) AS figures, min(published_at) AS first_vintage, max(published_at) AS last_vintage
  FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'population';

-- The decline regions' population on the 2014 layout as known at the end of 2020 (members with a
-- figure in every year; groups whose members merged with others after 2014 end before the merger).
SELECT g.group_code, krimp.first_period(s) AS first, krimp.last_period(s) AS last,
       krimp.value_at(s, '2010') AS p2010, krimp.value_at(s, '2014') AS p2014, krimp.value_at(s, '2015') AS p2015,
       krimp.value_at(s, '2020') AS p2020
  FROM krimp.region_group g,
       LATERAL krimp.target_series_of((SELECT indicator_id FROM krimp.indicator WHERE code = 'population'), NULL,
                                      g.group_code, 2014, '2021-01-01 00:00+00') s
 WHERE g.group_code IN ('KR-ZVLAANDEREN', 'KR-PARKSTAD', 'KR-MHEUVELLAND', 'AR-WALCHEREN', 'KR-NOGRONINGEN')
 ORDER BY g.group_code;

-- The programme, signed at the end of 2014 with baselines of 1 January 2014, horizon 2030.
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code) VALUES
    ('T-KRIMP-2014', 'Programma bevolkingsdaling 2015-2030 (test)', 'programme',
     ARRAY['BZK', 'Provincie Groningen', 'Provincie Zeeland', 'Provincie Limburg'], '2014-12-31', '2015-01-01', 'BZK');
-- population is "higher is better" here, so targets that limit a decline are flagged
-- against_direction_of_good; the horizon values are the baseline times a factor
INSERT INTO krimp.target (agreement_id, name, indicator_id, group_code, layout_year, baseline_period, horizon_period,
                          horizon_value, path, actiehouder, against_direction_of_good, org_code)
SELECT a.agreement_id, x.name, i.indicator_id, x.grp, 2014, '2014', '2030', x.factor * s.v, x.path, x.who, x.factor < 1, x.org
  FROM krimp.agreement a, krimp.indicator i,
       (VALUES ('Bevolking Zeeuws-Vlaanderen -3%', 'KR-ZVLAANDEREN', 0.97, 'linear', 'Gemeenten Zeeuws-Vlaanderen', 'PV29'),
               ('Bevolking Parkstad -2%', 'KR-PARKSTAD', 0.98, 'growth', 'Parkstad Limburg', 'PV31'),
               ('Bevolking Maastricht-Heuvelland -4%', 'KR-MHEUVELLAND', 0.96, 'linear', 'Gemeente Maastricht', 'PV31'),
               ('Bevolking Walcheren +2%', 'AR-WALCHEREN', 1.02, 'linear', 'Gemeenten Walcheren', 'PV29'),
               ('Bevolking Oost-Groningen -5%', 'KR-NOGRONINGEN', 0.95, 'linear', 'Gemeenten Oost-Groningen', 'PV20')) AS x(name, grp, factor, path, who, org),
       LATERAL (SELECT krimp.value_at(krimp.target_series_of(i.indicator_id, NULL, x.grp, 2014, '2015-01-01 00:00+00'), '2014') AS v) s
 WHERE a.code = 'T-KRIMP-2014' AND i.code = 'population';
SELECT t.name, t.baseline_value, round(t.horizon_value) AS horizon_value, t.path, t.against_direction_of_good, t.org_code
  FROM krimp.target t WHERE t.name LIKE 'Bevolking%' ORDER BY t.name;

-- ---- round 2015 ----------------------------------------------------------
-- Known at 2016-01-01 00:00 UTC (the end of 31 December 2015): figures up to 1 January 2015.
-- The lights by hand (scale = |planned change|; path tolerance 5%, tolerance 10% of it):
--  Zeeuws-Vlaanderen -3%: 105917 -> 102739 linear, -198.6 a year; path 2015 = 105718; realised 105684
--    is 34 behind, within 0.05 * 3178 = 159: green.
--  Parkstad -2%, growth: 248336 * 0.98^(1/16) = 248023 on the path; realised 246738 is 1285 behind
--    (> 0.05 * 4967 = 248); Theil-Sen over 2006-2015 is -0.44% a year, 231124 in 2030, short of
--    243369 by 12245 > 0.10 * 4967 = 497: red.
--  Maastricht-Heuvelland -4%: path 2015 = 207565 - 8303/16 = 207046; realised 207236 is ahead: green.
--  Walcheren +2%: path 2015 = 113954 + 2279/16 = 114096; realised 114024 is 72 behind, within
--    0.05 * 2279 = 114: green.
--  Oost-Groningen -5%: path 2015 = 148944 - 7447/16 = 148479; realised 148966 is ahead: green.
--  The vacancy target's version 2 (in force from 2015) starts in 2013, and nothing later is known: grey;
--  the target that lets vacancy rise (9.9 -> 11) has 7.6, far "ahead" of 10.0 on its path: green;
--  life expectancy: 80.5 against 80.2 on the path: green (see section 2).
--  The Netherlands: the sum of all municipalities (no NL01 population is loaded), +0.42% 2014-2015.
CALL krimp.revaluation_round(2015);
SELECT round_year, recomputation, round_date, known_at, data_vintage, origin_year, window_years, min_points,
       path_tolerance, tolerance, targets
  FROM krimp.revaluation_round ORDER BY round_year, recomputation;
SELECT t.name, e.light, e.latest_period, e.latest_value, round(e.expected_value) AS expected, round(e.gap) AS gap,
       round(e.progress::numeric, 3) AS progress, e.trend_points, round(e.trend_slope::numeric, 4) AS slope_per_year,
       round(e.projected_value) AS projected, round(e.projected_low) AS low, round(e.projected_high) AS high,
       round(e.region_change_pct::numeric, 2) AS region_pct, round(e.nl_change_pct::numeric, 2) AS nl_pct, e.nl_source
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id)
 WHERE e.round_year = 2015 ORDER BY t.name;

-- ---- round 2020 ----------------------------------------------------------
-- Known at 2021-01-01 00:00 UTC: figures up to 1 January 2020.  By hand:
--  Zeeuws-Vlaanderen: path 2020 = 105917 - 6 * 198.6 = 104725; realised 105192 is ahead: green.
--  Parkstad: the latest figure on the 2014 layout is 2018 (Nuth and Onderbanken merged in 2019 with
--    Schinnen, which is not in Parkstad, so the group has no figure from 2019 on); path 2018 =
--    248336 * 0.98^(4/16) = 247085; realised 244447 is 2638 behind (> 248); projection 232478
--    (-0.41% a year), short by 10891 > 497: red.  At its best five-year rate (-0.37% a year,
--    2013-2018) it reaches 233799 in 2030 < 243369: the proposal carries an alternative horizon value.
--  Maastricht-Heuvelland: path 2020 = 207565 - 6 * 518.9 = 204452; realised 206814: ahead, green.
--  Walcheren: path 2020 = 113954 + 6 * 142.4 = 114809; realised 115062: ahead, green.
--  Oost-Groningen: latest 2017 (Bellingwedde and Vlagtwedde became Westerwolde, Menterwolde went to
--    Midden-Groningen in 2018); path 2017 = 148944 - 3 * 465.4 = 147548; realised 147393 is 155 behind,
--    within 0.05 * 7447 = 372: green.
CALL krimp.revaluation_round(2020);
SELECT t.name, e.light, e.latest_period, e.latest_value, round(e.expected_value) AS expected, round(e.gap) AS gap,
       round(e.progress::numeric, 3) AS progress, e.trend_points, round(e.trend_slope::numeric, 4) AS slope_per_year,
       round(e.projected_value) AS projected, round(e.projected_low) AS low, round(e.projected_high) AS high,
       round(e.region_change_pct::numeric, 2) AS region_pct, round(e.nl_change_pct::numeric, 2) AS nl_pct, e.nl_source
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id)
 WHERE e.round_year = 2020 ORDER BY t.name;
SELECT t.name, p.start_period, p.start_value, p.milestone_period, round(p.milestone_value) AS milestone,
       round(p.annual_rate::numeric, 4) AS per_year, round(p.horizon_value) AS horizon, round(p.best_rate::numeric, 4) AS best_rate,
       round(p.alternative_horizon_value) AS alternative, p.state
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 ORDER BY t.name;

-- ---- the scorecard ---------------------------------------------------------
SELECT round_year, region_code, theme, targets, green, orange, red, grey, worst_items
  FROM krimp.scorecard ORDER BY round_year, region_code, theme;
-- plain SQL types only
SELECT DISTINCT format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_attribute a WHERE a.attrelid IN ('krimp.scorecard'::regclass, 'krimp.round_result'::regclass) AND a.attnum > 0
 ORDER BY 1;

-- ---- a revised figure after the round date --------------------------------
-- Hulst's population of 1 January 2015 is revised on 1 March 2016, after round 2015 (known at
-- 2016-01-01): the stored result of 2015 stays, and running the round again changes nothing.
CREATE TEMP TABLE before_rerun AS SELECT * FROM krimp.round_evaluation;
SELECT krimp.begin_batch('BZK', 'CBS 37230ned correction') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :b, 1, 'BZK', 'population', 'GM0677', '2015', (value - 5000)::text, 'definitief' FROM pop_file
 WHERE code = 'GM0677' AND period = '2015JJ00';
SELECT rows_revised FROM krimp.apply_batch(:b, 'abort', '2016-03-01 00:00+00');
CALL krimp.revaluation_round(2015);
SELECT count(*) AS rows, count(*) FILTER (WHERE (b.*)::text = (e.*)::text) AS unchanged
  FROM before_rerun b JOIN krimp.round_evaluation e USING (round_year, recomputation, target_id);
SELECT count(*) AS rows_2015 FROM krimp.round_evaluation WHERE round_year = 2015;
-- evaluated now, the revision shows (5000 fewer in Hulst); the stored result keeps 105684
SELECT e.latest_period, e.latest_value
  FROM krimp.target t, krimp.evaluate_target(t.target_id, '2016-06-01 00:00+00') e
 WHERE t.name = 'Bevolking Zeeuws-Vlaanderen -3%';
-- stored results do not change
UPDATE krimp.round_evaluation SET light = 'green' WHERE round_year = 2015;
DELETE FROM krimp.revaluation_round WHERE round_year = 2015;
-- a recomputation needs the explicit argument and a reason, and keeps the earlier result; it judges
-- as known at the same round date, so the late revision does not enter it either
CALL krimp.revaluation_round(2015, true);
CALL krimp.revaluation_round(2015, true, 'population of Hulst 2015 revised');
SELECT e.recomputation, t.name, e.latest_value, e.data_vintage
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id)
 WHERE e.round_year = 2015 AND t.name LIKE '%Zeeuws-Vlaanderen -3%%' ORDER BY e.recomputation;
SELECT round_year, recomputation, reason FROM krimp.revaluation_round ORDER BY 1, 2;
SELECT DISTINCT round_year, recomputation, latest FROM krimp.round_result ORDER BY 1, 2;

-- ---- accepting and rejecting proposals ---------------------------------------
SELECT krimp.accept_proposal(p.proposal_id, 'five-year step towards 2030 agreed', valid_from => '2021-07-01') IS NOT NULL AS accepted
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'Bevolking Parkstad -2%';
SELECT krimp.reject_proposal(p.proposal_id, 'the horizon stays')
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'Bevolking Walcheren +2%';
SELECT t.name, p.state, p.decision_reason, n.version AS new_version, n.baseline_period, n.baseline_value,
       n.milestone_periods, round(n.milestone_values[1]) AS milestone, round(n.horizon_value) AS horizon, n.recalibration_reason
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
  LEFT JOIN krimp.target n ON n.target_id = p.new_target_id
 WHERE p.round_year = 2020 AND p.state <> 'open' ORDER BY t.name;
SELECT krimp.reject_proposal(p.proposal_id, 'changed my mind')
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'Bevolking Walcheren +2%';

-- ---- row-level security: all read, an organisation writes only its own ---------
SET ROLE krimp_zeeland;
SELECT count(*) > 0 AS reads_all FROM krimp.target WHERE org_code <> 'PV29';
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code)
VALUES ('T-X', 'x', 'covenant', ARRAY['x'], '2014-12-31', '2015-01-01', 'PV31');
SELECT krimp.reject_proposal(p.proposal_id, 'not mine')
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'Bevolking Maastricht-Heuvelland -4%';
CALL krimp.revaluation_round(2025);
RESET ROLE;

-- ---- conventions ---------------------------------------------------------
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proparallel AS parallel, p.proisstrict AS strict,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented,
       has_function_privilege('krimp_reader', p.oid, 'EXECUTE') AS reader,
       has_function_privilege('krimp_writer', p.oid, 'EXECUTE') AS writer,
       has_function_privilege('krimp_admin', p.oid, 'EXECUTE') AS admin
  FROM pg_proc p
 WHERE p.pronamespace = 'krimp'::regnamespace
   AND p.proname IN ('assess', 'target_series', 'target_series_all', 'target_series_of', 'target_insert_trigger',
                     'immutable_row_trigger', 'target_active', 'national_values', 'national_from_municipalities', 'target_evaluations', 'evaluate_target',
                     'proposal_guard_trigger', 'round_known_at', 'revaluation_round', 'recalibrate_target',
                     'accept_proposal', 'reject_proposal')
 ORDER BY 1::text;
SELECT c.relname, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented
  FROM pg_class c
 WHERE c.relnamespace = 'krimp'::regnamespace
   AND c.relname IN ('agreement', 'target', 'revaluation_round', 'round_evaluation', 'recalibration_proposal',
                     'revaluation_setting', 'round_result', 'scorecard')
 ORDER BY 1;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE krimp_targets_test;
RESET client_min_messages;
