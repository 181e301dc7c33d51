-- Fills a fresh krimp database with a bit of everything the warehouse keeps:
-- an added organisation, region versions with boundaries, hierarchy, a group,
-- a region change, indicators, loads with vintages, a revision, a retraction,
-- a forecast, an embargoed figure and rejected rows.  Used by dump_restore.sh.
SET client_min_messages = warning;
SET search_path = public, krimp;
INSERT INTO krimp.organisation (org_code, name, role_name, region_code)
VALUES ('GM0010ORG', 'Gemeente Delfzijl (test)', 'krimp_reader', 'GM0010');
INSERT INTO krimp.region (code, name, level, valid_from, valid_to, geom) VALUES
    ('NL01', 'Nederland', 'country', '2002-01-01', NULL, NULL),
    ('PV20  ', 'Groningen', 'province', '2002-01-01', NULL,
     ST_Multi(ST_MakeEnvelope(200000, 540000, 280000, 620000, 28992))),
    ('GM0010', 'Delfzijl', 'municipality', '2002-01-01', '2021-01-01',
     ST_Multi(ST_MakeEnvelope(250000, 585000, 265000, 600000, 28992))),
    ('GM0003', 'Appingedam', 'municipality', '2002-01-01', '2021-01-01',
     ST_Multi(ST_MakeEnvelope(245000, 585000, 250000, 600000, 28992))),
    ('GM1979', 'Eemsdelta', 'municipality', '2021-01-01', NULL,
     ST_Multi(ST_MakeEnvelope(245000, 585000, 265000, 600000, 28992)));
INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
SELECT c.region_id, p.region_id, c.valid_from, c.valid_to FROM krimp.region c, krimp.region p
 WHERE c.level = 'municipality' AND p.code = 'PV20';
INSERT INTO krimp.region_change (old_region_id, new_region_id, effective, share, kind)
SELECT o.region_id, n.region_id, '2021-01-01', 1, 'merger' FROM krimp.region o, krimp.region n
 WHERE o.code IN ('GM0010', 'GM0003') AND n.code = 'GM1979';
INSERT INTO krimp.region_group VALUES ('KR-EEMSDELTA', 'Eemsdelta', 'topkrimpregio', 'PV20', '2009-11-26', NULL, 'test');
INSERT INTO krimp.region_group_member SELECT 'KR-EEMSDELTA', region_id, '2009-11-26', NULL FROM krimp.region WHERE code IN ('GM0010', 'GM0003');
-- a group inserted by hand gets its own row (krimp.group_region, since 0.3) as krimp.load_region_group
-- gives one; a 0.1 or 0.2 warehouse gets it from the update
DO $$
BEGIN
    IF to_regprocedure('krimp.group_region(text)') IS NOT NULL THEN
        PERFORM krimp.group_region('KR-EEMSDELTA');
    END IF;
END $$;
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good)
VALUES ('population', 'Population on 1 January', 'persons', 'year', 'demography', 'CBS 37230ned', 'sum', 0),
       ('dwellings', 'Dwellings', 'dwellings', 'year', 'housing', 'CBS', 'sum', 0);
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation, denominator_id, direction_of_good)
SELECT 'vacancy', 'Vacancy', '%', 1, 'year', 'housing', 'weighted mean', indicator_id, -1 FROM krimp.indicator WHERE code = 'dwellings';

SELECT krimp.begin_batch('BZK', 'CBS 37230ned', 'population.json') AS b1 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :b1, y - 2001, 'BZK', 'population', 'GM0010', y::text, (29018 - (y - 2002) * 240)::text, NULL
  FROM generate_series(2002, 2020) y
UNION ALL SELECT :b1, 100, 'BZK', 'population', 'GM0010', '2021', '1', NULL   -- outside validity: rejected
UNION ALL SELECT :b1, 101, 'BZK', 'population', 'GM1979', '2021', '45587', '*';
SELECT rows_inserted, rows_rejected FROM krimp.apply_batch(:b1, published_at => '2021-04-01');
SELECT krimp.begin_batch('BZK', 'CBS 37230ned', 'population_revised.json') AS b2 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
VALUES (:b2, 1, 'BZK', 'population', 'GM1979', '2021', '45590', 'definitief');
SELECT rows_revised FROM krimp.apply_batch(:b2, published_at => '2022-04-01');
-- (base year 2022: a forecast belongs to the region version of its base year, and Eemsdelta GM1979 begins in 2021)
SELECT krimp.begin_batch('PV20', 'Provincie Groningen bevolkingsprognose 2022') AS b3 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, kind, forecast_producer, forecast_base_year, released_at)
VALUES (:b3, 1, 'PV20', 'population', 'GM1979', '2030', '41000', 'forecast', 'Provincie Groningen', 2022, NULL),
       (:b3, 2, 'PV20', 'population', 'GM1979', '2040', '38000', 'forecast', 'Provincie Groningen', 2022, '2999-01-01 00:00+00');
SELECT rows_inserted FROM krimp.apply_batch(:b3, published_at => '2022-05-01');
SELECT krimp.retract(observation_id, 'test retraction') FROM krimp.observation
 WHERE period = '2002' AND region_id = krimp.region_at('GM0010', '2002');
