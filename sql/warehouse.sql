-- The warehouse: reference data, loads in batches with rejected rows,
-- vintages ("as known on"), retraction, forecasts, series per region.
-- Fictional regions (GM99xx, PV99) keep clear of the real ones other tests load.
SET search_path = krimp, public;

-- ---- reference data, as the administrator ----
SET ROLE krimp_admin;
INSERT INTO krimp.region (code, name, level, valid_from, valid_to) VALUES
    ('GM9901  ', 'Testdorp', 'municipality', '2002-01-01', '2019-01-01'),   -- padded, as CBS OData delivers
    ('gm9902', 'Oudstad', 'municipality', '2002-01-01', '2019-01-01'),
    ('GM9903', 'Nieuwgemeente', 'municipality', '2019-01-01', NULL),
    ('PV99', 'Testprovincie', 'province', '2002-01-01', NULL);
SELECT code, name, level, valid_from, valid_to FROM krimp.region WHERE code IN ('GM9901', 'GM9902', 'GM9903', 'PV99') ORDER BY code;
-- a code names one territory at a time
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9901', 'Testdorp bis', 'municipality', '2010-01-01');
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('XX9901', 'Nergens', 'municipality', '2010-01-01');
SELECT krimp.region_at('GM9901', '2018') IS NOT NULL AS in_2018, krimp.region_at('GM9901', '2019') IS NULL AS gone_2019,
       krimp.region_at(' gm9903 ', '2019') IS NOT NULL AS new_2019;

INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, source, aggregation, direction_of_good)
VALUES ('test_population', 'Population on 1 January', 'persons', 0, 'year', 'demography', 'CBS', 'sum', 0),
       ('test_dwellings', 'Dwellings', 'dwellings', 0, 'year', 'housing', 'CBS', 'sum', 0);
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, source, aggregation, denominator_id, direction_of_good)
SELECT 'test_vacancy', 'Vacancy excluding second homes', '%', 1, 'year', 'housing', 'CBS', 'weighted mean', indicator_id, -1
  FROM krimp.indicator WHERE code = 'test_dwellings';
-- a weighted mean needs its denominator; granularities are the period type's
\set VERBOSITY terse
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation) VALUES ('bad', 'Bad', '%', 'year', 'housing', 'weighted mean');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation) VALUES ('bad', 'Bad', '%', 'week', 'housing', 'sum');
\set VERBOSITY default
RESET ROLE;

-- ---- a load by the province of Groningen, with every kind of bad row ----
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: population file v1', 'population_v1.csv') AS batch \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status, kind, forecast_producer, forecast_base_year) VALUES
    (:batch,  1, 'PV20', 'test_population', 'GM9901  ', '2017JJ00', '1000', NULL, NULL, NULL, NULL),
    (:batch,  2, 'PV20', 'test_population', 'GM9901', '2018', '990', '*', NULL, NULL, NULL),
    (:batch,  3, 'PV20', 'test_population', 'GM9902', '2018', '2000', 'definitief', NULL, NULL, NULL),
    (:batch,  4, 'PV20', 'test_population', 'GM9903', '2019', '.', NULL, NULL, NULL, NULL),
    (:batch,  5, 'PV20', 'test_population', 'GM9903', '2020', '2950', 'voorlopig', NULL, NULL, NULL),
    (:batch,  6, 'PV20', 'no_such_indicator', 'GM9903', '2020', '1', NULL, NULL, NULL, NULL),
    (:batch,  7, 'PV20', 'test_population', 'GM0000', '2020', '1', NULL, NULL, NULL, NULL),
    (:batch,  8, 'PV20', 'test_population', 'GM9901', '2020', '1', NULL, NULL, NULL, NULL),
    (:batch,  9, 'PV20', 'test_population', 'GM9903', '2020-Q1', '1', NULL, NULL, NULL, NULL),
    (:batch, 10, 'PV20', 'test_population', 'GM9903', '2021', '5', '.', NULL, NULL, NULL),
    (:batch, 11, 'PV20', 'test_population', 'GM9903', '2021', 'abc', NULL, NULL, NULL, NULL),
    (:batch, 12, 'PV20', 'test_population', 'GM9903', '2022', 'NaN', NULL, NULL, NULL, NULL),
    (:batch, 13, 'PV20', 'test_population', 'GM9903', '2023', '3000', NULL, NULL, NULL, NULL),
    (:batch, 14, 'PV20', 'test_population', 'GM9903', '2023', '3001', NULL, NULL, NULL, NULL),
    (:batch, 15, 'PV20', 'test_population', 'GM9903', '2013KW05', '1', NULL, NULL, NULL, NULL),
    (:batch, 16, 'PV20', 'test_population', 'GM9903', '2030', '2500', NULL, 'forecast', NULL, NULL),
    (:batch, 17, 'PV20', 'test_population', 'GM9903', '2030', '2500', NULL, 'forecast', 'Provincie Groningen', 2019),
    (:batch, 18, 'PV20', 'test_population', 'GM9903', '2024', '2980', 'provisional', NULL, NULL, NULL),
    (:batch, 19, 'PV20', 'test_population', 'GM9903', '2024', '', NULL, NULL, NULL, NULL);
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:batch, published_at => '2021-03-01 12:00+01');
SELECT line_number, reason FROM krimp.rejected_row WHERE batch_id = :batch ORDER BY line_number;
SELECT row_data FROM krimp.rejected_row WHERE batch_id = :batch AND line_number = 11;
SELECT count(*) AS staged_left FROM krimp.observation_staging WHERE batch_id = :batch;
-- a batch is applied once (batch ids depend on earlier tests: shown as N)
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text; det text; hnt text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN SQLSTATE || ' ' || regexp_replace(msg, 'batch [0-9]+', 'batch N')
        || coalesce(E'\nDETAIL: ' || nullif(det, ''), '') || coalesce(E'\nHINT: ' || nullif(hnt, ''), '');
END $$;
SELECT pg_temp.try(format('SELECT krimp.apply_batch(%s)', :batch));
RESET ROLE;

SELECT r.code, o.period, o.value, o.status, o.kind, o.forecast_producer, o.forecast_base_year, o.org_code, o.source
  FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE o.batch_id = :batch ORDER BY r.code, o.kind, o.period;

-- ---- loading the same file twice changes nothing ----
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: population file v1 again') AS batch2 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :batch2, line_number, org_code, indicator, region, period, value, status
  FROM (VALUES (1, 'PV20', 'test_population', 'GM9901', '2017', '1000', NULL),
               (2, 'PV20', 'test_population', 'GM9901', '2018', '990', '*'),
               (3, 'PV20', 'test_population', 'GM9902', '2018', '2000', 'definitief'),
               (4, 'PV20', 'test_population', 'GM9903', '2019', '.', NULL),
               (5, 'PV20', 'test_population', 'GM9903', '2020', '2950', 'voorlopig')) AS t(line_number, org_code, indicator, region, period, value, status);
SELECT rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:batch2, published_at => '2021-06-01 12:00+02');
SELECT count(*) AS observations FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_population';

-- ---- a revision after date D: a new vintage; "as known on D" keeps the old figure ----
SELECT krimp.begin_batch('PV20', 'test: population file v2 (revised 2020)') AS batch3 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
VALUES (:batch3, 1, 'PV20', 'test_population', 'GM9903', '2020', '2960', 'nader voorlopig'),
       (:batch3, 2, 'PV20', 'test_population', 'GM9903', '2021', '2940', 'voorlopig');
SELECT rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:batch3, published_at => '2022-03-01 12:00+01');
RESET ROLE;
SELECT o.period, o.value, o.status, o.published_at
  FROM krimp.observations_as_of('2021-12-31 00:00+01') o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.kind = 'realisation' ORDER BY o.period;
SELECT o.period, o.value, o.status, o.published_at
  FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.kind = 'realisation' ORDER BY o.period;
-- the current vintages are looked up per row (a small batch beside a large
-- table) or set-wise (a large batch); both give the same result: one row
-- unchanged, one revised, one new
CREATE FUNCTION pg_temp.load_with_lookup(mode text) RETURNS TABLE (counts text, current_from_2020 text)
    LANGUAGE plpgsql AS $$
DECLARE
    b bigint;
BEGIN
    PERFORM set_config('krimp.load_lookup', mode, true);
    b := krimp.begin_batch('PV20', 'test: lookup ' || mode);
    INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
    VALUES (b, 1, 'PV20', 'test_population', 'GM9903', '2020', '2960', 'nader voorlopig'),
           (b, 2, 'PV20', 'test_population', 'GM9903', '2021', '2945', 'voorlopig'),
           (b, 3, 'PV20', 'test_population', 'GM9903', '2022', '2930', 'voorlopig');
    SELECT format('read %s, inserted %s, revised %s, unchanged %s, rejected %s', a.rows_read, a.rows_inserted,
                  a.rows_revised, a.rows_unchanged, a.rows_rejected)
      INTO counts FROM krimp.apply_batch(b, published_at => '2023-03-01 12:00+01') a;
    SELECT string_agg(format('%s %s %s %s', r.code, o.period, o.value, o.status), '; ' ORDER BY r.code, o.period)
      INTO current_from_2020
      FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
      JOIN krimp.indicator i USING (indicator_id)
     WHERE i.code = 'test_population' AND o.kind = 'realisation' AND o.period >= '2020';
    RETURN NEXT;
END $$;
BEGIN;
SET ROLE krimp_groningen;
SELECT * FROM pg_temp.load_with_lookup('per_row');
ROLLBACK;
BEGIN;
SET ROLE krimp_groningen;
SELECT * FROM pg_temp.load_with_lookup('set_wise');
ROLLBACK;
BEGIN;
SET ROLE krimp_groningen;
\set VERBOSITY terse
SELECT * FROM pg_temp.load_with_lookup('sometimes');
\set VERBOSITY default
ROLLBACK;
-- both vintages of 2020 are kept
SELECT o.value, o.status, o.published_at FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.period = '2020' ORDER BY o.published_at;
-- before the first load nothing was known
SELECT count(*) FROM krimp.observations_as_of('2020-01-01') o JOIN krimp.indicator i USING (indicator_id)
 WHERE i.code = 'test_population';

-- ---- all or nothing: on_error => 'abort' loads nothing when a row is bad ----
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: a file with one bad row') AS batch4 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:batch4, 1, 'PV20', 'test_population', 'GM9903', '2022', '2900'),
       (:batch4, 2, 'PV20', 'test_population', 'GM9903', '2022-13', '2900');
SELECT pg_temp.try(format('SELECT krimp.apply_batch(%s, on_error => %L)', :batch4, 'abort'));
SELECT pg_temp.try(format('SELECT krimp.apply_batch(%s, on_error => %L)', :batch4, 'skip'));
RESET ROLE;
SELECT count(*) AS none_loaded FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.period = '2022';

-- ---- retraction: kept with its reason, out of the current figures ----
SET ROLE krimp_groningen;
SELECT krimp.retract(o.observation_id, 'withdrawn by CBS as unreliable')
  FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.period = '2021';
SELECT krimp.retract(o.observation_id, '  ')
  FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9903' AND o.period = '2020' LIMIT 1;
RESET ROLE;
SELECT o.period, o.value, o.retraction_reason IS NOT NULL AS retracted, o.retraction_reason
  FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.period = '2021' ORDER BY o.published_at;
SELECT count(*) AS current_2021 FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.period = '2021';
-- as known before the retraction, the figure was there
SELECT o.value FROM krimp.observations_as_of('2022-06-01') o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' AND o.period = '2021';

-- ---- nothing is overwritten or deleted, not even by the owner or a superuser ----
UPDATE krimp.observation SET value = 1 WHERE batch_id = :batch;
DELETE FROM krimp.observation WHERE batch_id = :batch;
-- (ids depend on what other tests loaded before, so only the SQLSTATE and the constraint are shown)
DO $$
BEGIN
    UPDATE krimp.observation SET retraction_reason = 'again', retracted_at = now()
     WHERE retracted_at IS NOT NULL AND source = 'test: population file v2 (revised 2020)';
EXCEPTION WHEN object_not_in_prerequisite_state THEN
    RAISE NOTICE 'retracting twice: % %', SQLSTATE, regexp_replace(SQLERRM, '[0-9]+', 'N');
END $$;
-- the table's own checks hold for direct inserts too
\set VERBOSITY terse
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
SELECT i.indicator_id, krimp.region_at('GM9903', '2022'), '2022', 'NaN', 'definitief', 'x', 'PV20', :batch, '2022-01-01'
  FROM krimp.indicator i WHERE i.code = 'test_population';
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
SELECT i.indicator_id, krimp.region_at('GM9903', '2022'), '2022', 5, 'unknown', 'x', 'PV20', :batch, '2022-01-01'
  FROM krimp.indicator i WHERE i.code = 'test_population';
-- a figure belongs to the organisation of the batch that loaded it
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
SELECT i.indicator_id, krimp.region_at('GM9903', '2022'), '2022', 5, 'definitief', 'x', 'PV31', :batch, '2022-01-01'
  FROM krimp.indicator i WHERE i.code = 'test_population';
-- the foreign keys hold for direct inserts: checked once per statement (the
-- distinct keys), in place of PostgreSQL's check per row, with its error
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
SELECT i.indicator_id, r.region_id, '2022', 5, 'definitief', 'x', 'PV20', :batch, '2022-01-01'
  FROM krimp.indicator i, (VALUES (krimp.region_at('GM9903', '2022')), (-1)) r(region_id)
 WHERE i.code = 'test_population';
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
VALUES (-7, krimp.region_at('GM9903', '2022'), '2022', 5, 'definitief', 'x', 'PV20', :batch, '2022-01-01');
\set SHOW_CONTEXT errors
\set VERBOSITY terse
-- nothing of a failed statement is kept
SELECT count(*) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9903' AND o.period = '2022';
-- PostgreSQL's per-row check of inserts is off for exactly the three foreign keys; its checks of updates
-- and of the referenced tables stay
SELECT c.conname, p.proname, t.tgenabled
  FROM pg_trigger t JOIN pg_constraint c ON c.oid = t.tgconstraint JOIN pg_proc p ON p.oid = t.tgfoid
 WHERE c.conrelid = 'krimp.observation_row'::regclass AND c.contype = 'f' AND t.tgrelid = c.conrelid
 ORDER BY 1, 2;
-- a region version that figures refer to cannot be deleted
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9909', 'Testgemeente 9', 'municipality', '2000-01-01');
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
SELECT i.indicator_id, krimp.region_at('GM9909', '2022'), '2022', 5, 'definitief', 'x', 'PV20', :batch, '2022-01-01'
  FROM krimp.indicator i WHERE i.code = 'test_population';
DELETE FROM krimp.region WHERE code = 'GM9909';
\set VERBOSITY default

-- ---- forecasts sit beside realisations ----
SELECT o.kind, o.forecast_producer, o.forecast_base_year, o.period, o.value
  FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9903' ORDER BY o.kind DESC, o.period;

-- ---- series per region ----
SELECT krimp.region_series('test_population', 'GM9903') AS current_series,
       krimp.region_series('test_population', 'GM9903', known_at => '2021-12-31') AS as_known_end_2021,
       krimp.region_series('test_population', 'GM9901') AS old_municipality;
SELECT indicator_code, region_code, region_name, valid_from, valid_to, series
  FROM krimp.series_current WHERE region_code IN ('GM9901', 'GM9902', 'GM9903') ORDER BY region_code;

-- ---- the batches record who, when, what and how many ----
SELECT b.org_code, b.loaded_by, b.source, b.file_name, b.state, b.rows_read, b.rows_inserted, b.rows_revised,
       b.rows_unchanged, b.rows_rejected, b.finished_at >= b.started_at AS timed
  FROM krimp.load_batch b WHERE b.batch_id IN (:batch, :batch2, :batch3, :batch4) ORDER BY b.batch_id;

-- ---- every row of a batch is for the batch's organisation ----
SET ROLE krimp_admin;
SELECT krimp.begin_batch('PV20', 'test: mixed organisations') AS batch5 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:batch5, 1, 'PV20', 'test_population', 'GM9903', '2022', '2900'),
       (:batch5, 2, 'PV31', 'test_population', 'GM9903', '2022', '2901');
SELECT rows_inserted, rows_rejected FROM krimp.apply_batch(:batch5);
SELECT line_number, reason FROM krimp.rejected_row WHERE batch_id = :batch5;
RESET ROLE;

-- ---- COPY by an organisation: into a temporary table that apply_batch is given ----
-- PostgreSQL refuses COPY FROM into a table with row-level security, so an
-- organisation's role cannot COPY into krimp.observation_staging; it copies
-- into a table of the same shape of its own, which apply_batch reads and
-- empties (as krimpctl load does).
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: COPY through a temporary table') AS batch6 \gset
COPY krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value) FROM stdin;
\.
CREATE TEMPORARY TABLE my_rows (LIKE krimp.observation_staging);
ALTER TABLE my_rows ALTER batch_id SET DEFAULT :batch6;
COPY my_rows (line_number, org_code, indicator_code, region_code, period, value, status) FROM stdin;
1	PV20	test_population	GM9903	2025	2940	\N
2	PV20	test_population	GM9903	2026	2930	voorlopig
3	PV31	test_population	GM9903	2027	2920	\N
4	PV20	test_population	GM0000	2027	1	\N
\.
-- a row of another batch in the same table is left alone
INSERT INTO my_rows (batch_id, line_number, org_code) VALUES (:batch6 + 1000, 1, 'PV20');
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:batch6, staged => 'pg_temp.my_rows');
SELECT line_number, reason FROM krimp.rejected_row WHERE batch_id = :batch6 ORDER BY line_number;
SELECT o.period, o.value, o.status, o.org_code FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id)
 WHERE o.batch_id = :batch6 ORDER BY o.period;
SELECT batch_id - :batch6 AS other_batch_offset, count(*) AS rows_left FROM my_rows GROUP BY 1;
-- what the staged table can be
SELECT krimp.begin_batch('PV20', 'test: staged table errors') AS batch7 \gset
\set VERBOSITY terse
SELECT krimp.apply_batch(:batch7, staged => 'pg_temp.no_such_rows');
SELECT krimp.apply_batch(:batch7, staged => 4294967295::oid::regclass);
CREATE TEMPORARY TABLE krimp_staged (LIKE krimp.observation_staging);
SELECT krimp.apply_batch(:batch7, staged => 'pg_temp.krimp_staged');
CREATE TEMPORARY TABLE thin_rows (batch_id bigint, line_number bigint);
SELECT krimp.apply_batch(:batch7, staged => 'pg_temp.thin_rows');
\set VERBOSITY default
-- another organisation's batch cannot be applied from any table ("load batch N
-- does not exist or is not yours"; the SQLSTATE only, as batch ids depend on the tests run before)
SET ROLE krimp_limburg;
\set VERBOSITY sqlstate
SELECT krimp.apply_batch(:batch7, staged => 'pg_temp.my_rows');
\set VERBOSITY default
RESET ROLE;
DROP TABLE pg_temp.my_rows, pg_temp.krimp_staged, pg_temp.thin_rows;
