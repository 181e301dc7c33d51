-- Adds to test/scripts/fill_warehouse.sql what the BI views need beyond it, so
-- that every view of krimp_bi has rows for test/scripts/bi_drivers.sh: the
-- layout of 2021 (harmonised figures), a jobs series with a level shift (a
-- tipping point), an embargoed forecast of Zeeland beside Groningen's, and a
-- target judged in the revaluation round of 2020 (evaluation, scorecard).
SET client_min_messages = warning;
SET search_path = public, krimp;
INSERT INTO krimp.region_boundary (layer, year, code, name, geom, region_id)
SELECT r.level, 2021, r.code, r.name, r.geom, r.region_id FROM krimp.region r
 WHERE r.code IN ('PV20', 'GM1979') AND r.valid_to IS NULL;
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good)
VALUES ('jobs', 'Jobs', 'jobs', 'year', 'labour market', 'LISA', 'sum', 1);

SELECT krimp.begin_batch('PV20', 'LISA', 'jobs.csv') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :b, y - 2001, 'PV20', 'jobs', 'GM0010', y::text,
       (CASE WHEN y < 2012 THEN 12000 ELSE 10500 END + (y % 3) * 40)::text, 'definitief'
  FROM generate_series(2002, 2020) y;
SELECT rows_inserted FROM krimp.apply_batch(:b, published_at => '2020-06-01');

SELECT krimp.begin_batch('PV29', 'Provincie Zeeland prognose (test)') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       kind, forecast_producer, forecast_base_year, released_at)
VALUES (:b, 1, 'PV29', 'population', 'GM1979', '2035', '39000', 'forecast', 'Provincie Zeeland', 2021, 'infinity'),
       (:b, 2, 'PV29', 'population', 'GM1979', '2045', '36000', 'forecast', 'Provincie Zeeland', 2021, '2999-01-01');
SELECT rows_inserted FROM krimp.apply_batch(:b, published_at => '2022-05-01');

CALL krimp.nightly(full_run => true);

INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code)
VALUES ('BI-2015', 'Banenafspraak Delfzijl (test)', 'programme', ARRAY['Provincie Groningen', 'Delfzijl'],
        '2015-06-30', '2015-07-01', 'PV20');
-- (the jobs figures were published after the signing, so the baseline is given)
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value, horizon_period,
                          horizon_value, actiehouder)
SELECT a.agreement_id, 'Banen Delfzijl', i.indicator_id, r.region_id, '2014', 10540, '2025', 11000, 'Gemeente Delfzijl'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r
 WHERE a.code = 'BI-2015' AND i.code = 'jobs' AND r.code = 'GM0010';
CALL krimp.revaluation_round(2020);
