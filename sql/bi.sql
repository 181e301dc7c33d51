-- The BI views (schema krimp_bi, docs/bi.md): standard scalar column types
-- only, a stable bigint key per view, comments, privileges for krimp_reader
-- and nothing for PUBLIC, the QGIS layer in geometry_columns, and row-level
-- security through the views for each organisation.  The data part runs in
-- one transaction that is rolled back, so this suite leaves nothing behind
-- for the suites after it (observations cannot be deleted).  Fictional
-- regions GM9801-GM9803, CR88, PV98 and indicators regress_bi_*.
SET search_path = public, krimp;

-- ---- the catalogue --------------------------------------------------------
-- every view: security_invoker, commented, its key the first column
SELECT c.relname, c.relkind, c.reloptions, obj_description(c.oid, 'pg_class') IS NOT NULL AS commented,
       a.attname AS key_column, format_type(a.atttypid, a.atttypmod) AS key_type,
       col_description(c.oid, a.attnum) IS NOT NULL AS key_commented
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = 1
 WHERE c.relnamespace = 'krimp_bi'::regnamespace
 ORDER BY c.relname;
-- the column types: only standard scalars; the QGIS layer's geometry is the one exception
SELECT data_type, count(*) AS columns
  FROM information_schema.columns WHERE table_schema = 'krimp_bi'
 GROUP BY data_type ORDER BY data_type;
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, t.typtype, t.typcategory
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
 WHERE c.relnamespace = 'krimp_bi'::regnamespace
   AND (a.atttypid NOT IN ('text'::regtype, 'integer'::regtype, 'bigint'::regtype, 'double precision'::regtype,
                           'numeric'::regtype, 'date'::regtype, 'timestamptz'::regtype, 'boolean'::regtype)
        OR t.typtype <> 'b' OR t.typcategory = 'A' OR t.typnamespace <> 'pg_catalog'::regnamespace)
 ORDER BY 1, 2;
-- the QGIS layer is registered with its geometry type and SRID
SELECT f_table_schema, f_table_name, f_geometry_column, coord_dimension, srid, type
  FROM geometry_columns WHERE f_table_schema = 'krimp_bi';
-- privileges: USAGE and SELECT for krimp_reader; nothing for PUBLIC
SELECT has_schema_privilege('krimp_reader', 'krimp_bi', 'USAGE') AS reader_usage,
       (SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) x
         WHERE n.nspname = 'krimp_bi' AND x.grantee = 0) AS public_schema_grants,
       (SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'krimp_bi'::regnamespace
           AND NOT has_table_privilege('krimp_reader', c.oid, 'SELECT')) AS views_reader_cannot_read,
       (SELECT count(*) FROM pg_class c, aclexplode(c.relacl) x
         WHERE c.relnamespace = 'krimp_bi'::regnamespace AND x.grantee = 0) AS public_view_grants,
       (SELECT count(*) FROM pg_class c, aclexplode(c.relacl) x
         WHERE c.relnamespace = 'krimp_bi'::regnamespace AND x.grantee = 'krimp_reader'::regrole
           AND x.privilege_type <> 'SELECT') AS reader_other_privileges;
-- the schema and its views belong to the extension
SELECT count(*) FILTER (WHERE classid = 'pg_namespace'::regclass) AS schemas,
       count(*) FILTER (WHERE classid = 'pg_class'::regclass) AS views
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'krimp')
   AND ((classid = 'pg_namespace'::regclass AND objid = 'krimp_bi'::regnamespace)
        OR (classid = 'pg_class'::regclass AND objid IN (SELECT oid FROM pg_class WHERE relnamespace = 'krimp_bi'::regnamespace)));

-- ---- the period dimension's key is the period's stable encoding ------------
SELECT period_key, period_label, period_code, granularity, first_day, last_day, year, end_year, months, sub_period
  FROM krimp_bi.dim_period
 WHERE period_label IN ('2013', '2013-H2', '2013-Q3', '2013-07', '1900-01', '2100-12')
 ORDER BY period_key;
-- the key is (first month index << 14) | (months - 1) for every period, every label canonical
SELECT count(*) FILTER (WHERE granularity <> 'span' AND year BETWEEN 1900 AND 2100) AS calendar_periods,
       count(*) FILTER (WHERE period_key <> (((year * 12 + date_part('month', first_day)::integer - 1)::bigint << 14)
                                             | (months - 1))) AS other_encoding,
       count(*) - count(DISTINCT period_key) AS duplicate_keys, count(*) - count(DISTINCT period_label) AS duplicate_labels,
       count(*) FILTER (WHERE period_label::krimp.period::text <> period_label) AS not_canonical
  FROM krimp_bi.dim_period;
SELECT granularity, count(*), min(period_label), max(period_label)
  FROM krimp_bi.dim_period WHERE granularity <> 'span' AND year BETWEEN 1900 AND 2100
 GROUP BY granularity ORDER BY min(months);

-- ---- data: everything below is rolled back -----------------------------------
BEGIN;
SET LOCAL client_min_messages = warning;
SET ROLE krimp_admin;
INSERT INTO krimp.region (code, name, level, valid_from, valid_to, geom) VALUES
    ('PV98', 'Regress BI provincie', 'province', '2002-01-01', NULL,
     ST_Multi(ST_MakeEnvelope(100000, 300000, 160000, 360000, 28992))),
    ('GM9801', 'Regress BI Noord', 'municipality', '2002-01-01', '2021-01-01',
     ST_Multi(ST_MakeEnvelope(100000, 330000, 130000, 360000, 28992))),
    ('GM9802', 'Regress BI Zuid', 'municipality', '2002-01-01', '2021-01-01',
     ST_Multi(ST_MakeEnvelope(100000, 300000, 130000, 330000, 28992))),
    ('GM9803', 'Regress BI Samen', 'municipality', '2021-01-01', NULL,
     ST_Multi(ST_MakeEnvelope(100000, 300000, 130000, 360000, 28992))),
    ('CR88', 'Regress BI COROP', 'corop', '2002-01-01', NULL, NULL);
INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
SELECT c.region_id, p.region_id, c.valid_from, c.valid_to FROM krimp.region c, krimp.region p
 WHERE c.code IN ('GM9801', 'GM9802', 'GM9803') AND p.code = 'CR88';
INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
SELECT c.region_id, p.region_id, c.valid_from, c.valid_to FROM krimp.region c, krimp.region p
 WHERE c.code = 'CR88' AND p.code = 'PV98';
INSERT INTO krimp.region_change (old_region_id, new_region_id, effective, share, kind)
SELECT o.region_id, n.region_id, '2021-01-01', 1, 'merger' FROM krimp.region o, krimp.region n
 WHERE o.code IN ('GM9801', 'GM9802') AND n.code = 'GM9803';
-- the layout of 2021, as krimp.load_boundaries would have filed it
INSERT INTO krimp.region_boundary (layer, year, code, name, geom, region_id)
SELECT r.level, 2021, r.code, r.name, r.geom, r.region_id FROM krimp.region r WHERE r.code IN ('PV98', 'GM9803');
INSERT INTO krimp.region_group VALUES ('RBI-KRIMP', 'Regress BI krimpregio', 'topkrimpregio', 'PV98', '2009-11-26', NULL, 'regress');
INSERT INTO krimp.region_group_member
SELECT 'RBI-KRIMP', region_id, '2009-11-26', valid_to FROM krimp.region WHERE code IN ('GM9801', 'GM9802');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good) VALUES
    ('regress_bi_pop', 'Regress BI population', 'persons', 'year', 'demography', 'regress', 'sum', 1),
    ('regress_bi_jobs', 'Regress BI jobs', 'jobs', 'year', 'labour market', 'regress', 'sum', 1),
    ('regress_bi_life', 'Regress BI life expectancy', 'years', 'span', 'care', 'regress', 'none', 1);
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation, denominator_id, direction_of_good)
SELECT 'regress_bi_vacancy', 'Regress BI vacancy', '%', 1, 'year', 'housing', 'weighted mean', indicator_id, -1
  FROM krimp.indicator WHERE code = 'regress_bi_pop';
RESET ROLE;

-- BZK: population 2002-2020 in the two old municipalities and 2021-2022 in the
-- merged one, jobs with a level shift in 2012, life expectancy per span of years
SET ROLE krimp_bzk;
SELECT krimp.begin_batch('BZK', 'regress', 'bi.csv') AS b1 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :b1, row_number() OVER (ORDER BY x.ind, x.code, x.y), 'BZK', x.ind, x.code,
       CASE WHEN x.ind = 'regress_bi_life' THEN x.y || '/' || (x.y + 3) ELSE x.y::text END, x.v::text, 'definitief'
  FROM (SELECT 'regress_bi_pop' AS ind, 'GM9801' AS code, y, 20000 - (y - 2002) * 150 AS v FROM generate_series(2002, 2020) y
        UNION ALL SELECT 'regress_bi_pop', 'GM9802', y, 10000 - (y - 2002) * 50 FROM generate_series(2002, 2020) y
        UNION ALL SELECT 'regress_bi_jobs', 'GM9801', y, CASE WHEN y < 2012 THEN 5000 ELSE 3500 END + (y % 3) * 20
                    FROM generate_series(2002, 2020) y
        UNION ALL SELECT 'regress_bi_life', 'GM9801', 2005, 79.6
        UNION ALL SELECT 'regress_bi_life', 'GM9801', 2009, 80.5) x;
SELECT rows_inserted, rows_rejected FROM krimp.apply_batch(:b1, published_at => '2020-06-01 00:00+00');
-- (2021-2022 in the merged one: published after those years began)
SELECT krimp.begin_batch('BZK', 'regress', 'bi.csv') AS b1b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :b1b, y - 2020, 'BZK', 'regress_bi_pop', 'GM9803', y::text, (26000 - (y - 2021) * 200)::text, 'definitief'
  FROM generate_series(2021, 2022) y;
SELECT rows_inserted, rows_rejected FROM krimp.apply_batch(:b1b, published_at => '2023-01-01 00:00+00');
RESET ROLE;
-- Zeeland: a forecast under embargo and a released one; Groningen: a forecast under embargo
SET ROLE krimp_zeeland;
SELECT krimp.begin_batch('PV29', 'regress forecast') AS b2 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       kind, forecast_producer, forecast_base_year, released_at)
VALUES (:b2, 1, 'PV29', 'regress_bi_pop', 'GM9803', '2030', '24000', 'forecast', 'Zeeland', 2021, '2999-01-01 00:00+00'),
       (:b2, 2, 'PV29', 'regress_bi_pop', 'GM9803', '2040', '22000', 'forecast', 'Zeeland', 2021, NULL);
SELECT rows_inserted FROM krimp.apply_batch(:b2, published_at => '2022-05-01 00:00+00');
RESET ROLE;
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'regress forecast') AS b3 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       kind, forecast_producer, forecast_base_year, released_at)
VALUES (:b3, 1, 'PV20', 'regress_bi_pop', 'GM9803', '2025', '25000', 'forecast', 'Groningen', 2021, '2999-01-01 00:00+00');
SELECT rows_inserted FROM krimp.apply_batch(:b3, published_at => '2022-05-01 00:00+00');
RESET ROLE;

-- the nightly job flags the level shift; a target of Groningen is judged in the round of 2020
SET ROLE krimp_admin;
CALL krimp.nightly(full_run => true);
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, ends_on, org_code) VALUES
    ('RBI-2015', 'Regress BI covenant', 'covenant', ARRAY['BZK', 'Provincie Groningen'], '2015-06-30', '2015-07-01', NULL, 'PV20');
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value, horizon_period,
                          horizon_value, actiehouder, against_direction_of_good)
SELECT a.agreement_id, 'Regress BI bevolking Noord', i.indicator_id, r.region_id, '2014', 18200, '2025', 17500,
       'Regress BI', true
  FROM krimp.agreement a, krimp.indicator i, krimp.region r
 WHERE a.code = 'RBI-2015' AND i.code = 'regress_bi_pop' AND r.code = 'GM9801';
CALL krimp.revaluation_round(2020);
RESET ROLE;

-- ---- the star, read as krimp_admin (sees everything) ----------------------------
SET ROLE krimp_admin;
SET LOCAL extra_float_digits = 0;
SELECT region_code, region_name, region_level, valid_from, valid_to, is_current, province_code, group_codes,
       designations, area_km2
  FROM krimp_bi.dim_region WHERE region_code IN ('PV98', 'GM9801', 'GM9802', 'GM9803', 'CR88') ORDER BY region_code;
SELECT region_code, region_level, is_current, ST_GeometryType(geom) AS geometry, ST_SRID(geom) AS srid
  FROM krimp_bi.region_layer WHERE region_code IN ('PV98', 'GM9801', 'GM9802', 'GM9803', 'CR88') ORDER BY region_code;
SELECT indicator_code, unit, decimals, granularity, theme, aggregation, denominator_code, direction_of_good, direction_label
  FROM krimp_bi.dim_indicator WHERE indicator_code LIKE 'regress_bi%' ORDER BY indicator_code;
SELECT indicator_code, region_code, org_code, kind, is_forecast, count(*) AS figures, min(period_label), max(period_label),
       sum(value) AS total, count(*) FILTER (WHERE embargoed) AS embargoed
  FROM krimp_bi.fact_observation WHERE indicator_code LIKE 'regress_bi%'
 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4;
-- every fact's period, region and indicator is in its dimension
SELECT (SELECT count(*) FROM krimp_bi.fact_observation f WHERE f.indicator_code LIKE 'regress_bi%'
           AND NOT EXISTS (SELECT 1 FROM krimp_bi.dim_period p WHERE p.period_key = f.period_key)) AS observation_periods_missing,
       (SELECT count(*) FROM krimp_bi.fact_observation f WHERE f.indicator_code LIKE 'regress_bi%'
           AND NOT EXISTS (SELECT 1 FROM krimp_bi.dim_region r WHERE r.region_key = f.region_key)) AS observation_regions_missing,
       (SELECT count(*) FROM krimp_bi.fact_observation f WHERE f.indicator_code LIKE 'regress_bi%'
           AND NOT EXISTS (SELECT 1 FROM krimp_bi.dim_indicator i WHERE i.indicator_key = f.indicator_key)) AS observation_indicators_missing,
       (SELECT count(*) FROM krimp_bi.fact_observation_harmonised f
         WHERE NOT EXISTS (SELECT 1 FROM krimp_bi.dim_period p WHERE p.period_key = f.period_key)
            OR NOT EXISTS (SELECT 1 FROM krimp_bi.dim_region r WHERE r.region_key = f.region_key)) AS harmonised_missing,
       (SELECT count(*) FROM krimp_bi.fact_evaluation f
         WHERE NOT EXISTS (SELECT 1 FROM krimp_bi.dim_period p WHERE p.period_key = f.latest_period_key)
            OR NOT EXISTS (SELECT 1 FROM krimp_bi.dim_period p WHERE p.period_key = f.baseline_period_key)
            OR NOT EXISTS (SELECT 1 FROM krimp_bi.dim_period p WHERE p.period_key = f.horizon_period_key)) AS evaluation_periods_missing;
-- spans of years are in the period dimension because a fact uses them
SELECT period_label, period_code, granularity, first_day, last_day, year, end_year, months
  FROM krimp_bi.dim_period WHERE granularity = 'span' AND period_label IN ('2005/2008', '2009/2012') ORDER BY period_key;
SELECT indicator_code, region_code, layout_year, count(*) AS figures, count(value) AS known, min(period_label), max(period_label)
  FROM krimp_bi.fact_observation_harmonised WHERE indicator_code LIKE 'regress_bi%'
 GROUP BY 1, 2, 3 ORDER BY 1, 2;
SELECT indicator_code, region_code, period_label, kind, direction, assessment, value_before, value_after, status, is_live
  FROM krimp_bi.fact_tipping_point WHERE indicator_code LIKE 'regress_bi%' ORDER BY region_code, period_label;
SELECT round_year, recomputation, is_latest, target_version, target_name, agreement_code, indicator_code, region_code,
       org_code, baseline_period, horizon_period, light, severity, latest_period, latest_value, proposal_state
  FROM krimp_bi.fact_evaluation WHERE agreement_code = 'RBI-2015' ORDER BY round_year, recomputation;
-- the scorecard's key is a hash of its natural key: the same on every platform and in every load
SELECT scorecard_key, round_year, region_code, region_name, theme, targets, green, orange, red, grey, worst_items
  FROM krimp_bi.fact_scorecard WHERE region_code = 'GM9801';

-- every key is unique and never null (over all rows, whoever loaded them)
SELECT v.view, v.n > 0 AS has_rows, v.n - v.distinct_keys AS duplicate_keys, v.null_keys
  FROM (SELECT 'dim_period' AS view, count(*) AS n, count(DISTINCT period_key) AS distinct_keys,
               count(*) FILTER (WHERE period_key IS NULL) AS null_keys FROM krimp_bi.dim_period
        UNION ALL SELECT 'dim_indicator', count(*), count(DISTINCT indicator_key),
               count(*) FILTER (WHERE indicator_key IS NULL) FROM krimp_bi.dim_indicator
        UNION ALL SELECT 'dim_region', count(*), count(DISTINCT region_key),
               count(*) FILTER (WHERE region_key IS NULL) FROM krimp_bi.dim_region
        UNION ALL SELECT 'region_layer', count(*), count(DISTINCT region_key),
               count(*) FILTER (WHERE region_key IS NULL) FROM krimp_bi.region_layer
        UNION ALL SELECT 'fact_observation', count(*), count(DISTINCT observation_key),
               count(*) FILTER (WHERE observation_key IS NULL) FROM krimp_bi.fact_observation
        UNION ALL SELECT 'fact_observation_harmonised', count(*), count(DISTINCT harmonised_key),
               count(*) FILTER (WHERE harmonised_key IS NULL) FROM krimp_bi.fact_observation_harmonised
        UNION ALL SELECT 'fact_tipping_point', count(*), count(DISTINCT tipping_point_key),
               count(*) FILTER (WHERE tipping_point_key IS NULL) FROM krimp_bi.fact_tipping_point
        UNION ALL SELECT 'fact_evaluation', count(*), count(DISTINCT evaluation_key),
               count(*) FILTER (WHERE evaluation_key IS NULL) FROM krimp_bi.fact_evaluation
        UNION ALL SELECT 'fact_scorecard', count(*), count(DISTINCT scorecard_key),
               count(*) FILTER (WHERE scorecard_key IS NULL) FROM krimp_bi.fact_scorecard) v
 ORDER BY v.view;

-- keys are stable: a revision and a recomputation leave the keys of the other
-- rows as they were, and the same figure keeps its harmonised key
CREATE TEMP TABLE bi_keys_before ON COMMIT DROP AS
SELECT 'harmonised' AS view, harmonised_key AS key, indicator_code || ' ' || region_code || ' ' || period_label AS what
  FROM krimp_bi.fact_observation_harmonised WHERE indicator_code LIKE 'regress_bi%'
UNION ALL
SELECT 'observation', observation_key, indicator_code || ' ' || region_code || ' ' || period_label || ' ' || org_code || ' ' || kind
  FROM krimp_bi.fact_observation WHERE indicator_code LIKE 'regress_bi%'
UNION ALL
SELECT 'evaluation', evaluation_key, round_year || ' ' || recomputation || ' ' || target_name
  FROM krimp_bi.fact_evaluation WHERE agreement_code = 'RBI-2015';
RESET ROLE;
SET ROLE krimp_bzk;
SELECT krimp.begin_batch('BZK', 'regress revision') AS b4 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
VALUES (:b4, 1, 'BZK', 'regress_bi_pop', 'GM9803', '2022', '25850', 'definitief');
SELECT rows_revised FROM krimp.apply_batch(:b4, published_at => '2023-04-01 00:00+00');
RESET ROLE;
SET ROLE krimp_admin;
CALL krimp.revaluation_round(2020, true, 'regress: recomputed');
SELECT b.view, count(*) AS rows_before,
       count(*) FILTER (WHERE b.key IN (SELECT harmonised_key FROM krimp_bi.fact_observation_harmonised
                                         UNION ALL SELECT observation_key FROM krimp_bi.fact_observation
                                         UNION ALL SELECT evaluation_key FROM krimp_bi.fact_evaluation)) AS same_key_after,
       string_agg(b.what, '; ') FILTER (WHERE b.key NOT IN (SELECT harmonised_key FROM krimp_bi.fact_observation_harmonised
                                                           UNION ALL SELECT observation_key FROM krimp_bi.fact_observation
                                                           UNION ALL SELECT evaluation_key FROM krimp_bi.fact_evaluation)) AS gone
  FROM bi_keys_before b GROUP BY b.view ORDER BY b.view;
SELECT value FROM krimp_bi.fact_observation_harmonised
 WHERE indicator_code = 'regress_bi_pop' AND region_code = 'GM9803' AND period_label = '2022';
SELECT round_year, recomputation, is_latest, light FROM krimp_bi.fact_evaluation
 WHERE agreement_code = 'RBI-2015' ORDER BY recomputation;
RESET ROLE;

-- ---- row-level security through the views ---------------------------------------
-- BI logins are members of an organisation's role (NOLOGIN here: SET ROLE).
-- The embargoed forecasts are Zeeland's 2030 and Groningen's 2025: each
-- organisation sees its own and not the other's; a plain reader sees neither.
CREATE ROLE regress_bi_bzk IN ROLE krimp_bzk;
CREATE ROLE regress_bi_groningen IN ROLE krimp_groningen;
CREATE ROLE regress_bi_limburg IN ROLE krimp_limburg;
CREATE ROLE regress_bi_zeeland IN ROLE krimp_zeeland;
CREATE ROLE regress_bi_reader IN ROLE krimp_reader;
CREATE ROLE regress_bi_outsider;
CREATE TEMP TABLE bi_seen (login text, observations bigint, own_embargoed bigint, others_embargoed bigint,
                           forecasts text, harmonised bigint, tipping_points bigint, evaluations bigint,
                           scorecards bigint, regions bigint, layer bigint, indicators bigint, periods bigint)
    ON COMMIT DROP;
GRANT INSERT ON bi_seen TO krimp_reader;
-- (security_invoker: the view reads as the role that queries it)
CREATE TEMP VIEW bi_seen_now (login, observations, own_embargoed, others_embargoed, forecasts, harmonised,
                              tipping_points, evaluations, scorecards, regions, layer, indicators, periods)
    WITH (security_invoker = true) AS
SELECT current_user::text,
       (SELECT count(*) FROM krimp_bi.fact_observation WHERE indicator_code LIKE 'regress_bi%'),
       (SELECT count(*) FROM krimp_bi.fact_observation WHERE indicator_code LIKE 'regress_bi%' AND embargoed
           AND org_code = ANY (krimp.current_organisations())),
       (SELECT count(*) FROM krimp_bi.fact_observation WHERE indicator_code LIKE 'regress_bi%' AND embargoed
           AND org_code <> ALL (krimp.current_organisations())),
       (SELECT string_agg(org_code || ' ' || period_label, ', ' ORDER BY period_label)
          FROM krimp_bi.fact_observation WHERE indicator_code LIKE 'regress_bi%' AND is_forecast),
       (SELECT count(*) FROM krimp_bi.fact_observation_harmonised WHERE indicator_code LIKE 'regress_bi%'),
       (SELECT count(*) FROM krimp_bi.fact_tipping_point WHERE indicator_code LIKE 'regress_bi%'),
       (SELECT count(*) FROM krimp_bi.fact_evaluation WHERE agreement_code = 'RBI-2015'),
       (SELECT count(*) FROM krimp_bi.fact_scorecard WHERE region_code = 'GM9801'),
       (SELECT count(*) FROM krimp_bi.dim_region WHERE region_code IN ('PV98', 'GM9801', 'GM9802', 'GM9803', 'CR88')),
       (SELECT count(*) FROM krimp_bi.region_layer WHERE region_code IN ('PV98', 'GM9801', 'GM9802', 'GM9803', 'CR88')),
       (SELECT count(*) FROM krimp_bi.dim_indicator WHERE indicator_code LIKE 'regress_bi%'),
       (SELECT count(*) FROM krimp_bi.dim_period WHERE period_label IN ('2005/2008', '2009/2012', '2025', '2030', '2040'));
GRANT SELECT ON bi_seen_now TO krimp_reader;
SET ROLE regress_bi_bzk;
INSERT INTO bi_seen SELECT * FROM bi_seen_now;
RESET ROLE;
SET ROLE regress_bi_groningen;
INSERT INTO bi_seen SELECT * FROM bi_seen_now;
RESET ROLE;
SET ROLE regress_bi_limburg;
INSERT INTO bi_seen SELECT * FROM bi_seen_now;
RESET ROLE;
SET ROLE regress_bi_zeeland;
INSERT INTO bi_seen SELECT * FROM bi_seen_now;
RESET ROLE;
SET ROLE regress_bi_reader;
INSERT INTO bi_seen SELECT * FROM bi_seen_now;
RESET ROLE;
SET ROLE krimp_admin;
INSERT INTO bi_seen SELECT * FROM bi_seen_now;
RESET ROLE;
SELECT * FROM bi_seen ORDER BY login;
-- a role outside krimp reads nothing
SAVEPOINT outsider;
SET ROLE regress_bi_outsider;
SELECT count(*) FROM krimp_bi.dim_region;
ROLLBACK TO SAVEPOINT outsider;
ROLLBACK;
