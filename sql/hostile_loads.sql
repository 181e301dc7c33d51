-- Hostile neighbours in loads (issue 13: 4, 5, 11, 12, 14, 15): what an
-- organisation's role can do to the loads of the others, and to the audit
-- trail of its own.  Each reproducer shows the refusal or the right outcome.
-- Regions GM9941-GM9949, indicators test_loads_*.  Observations cannot be
-- deleted; the codes are this suite's own.
SET search_path = krimp, public;

SET ROLE krimp_admin;
INSERT INTO krimp.region (code, name, level, valid_from) VALUES
    ('GM9941', 'Loads Een', 'municipality', '2000-01-01'),
    ('GM9942', 'Loads Twee', 'municipality', '2000-01-01'),
    ('GM9943', 'Loads Drie', 'municipality', '2000-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation) VALUES
    ('test_loads_pop', 'Loads population', 'persons', 'year', 'demography', 'sum');
RESET ROLE;

-- run a statement; 'ok', or its SQLSTATE and message (ids and times masked:
-- they depend on the suites run before)
CREATE FUNCTION pg_temp.mask(t text) RETURNS text LANGUAGE sql
    RETURN regexp_replace(regexp_replace(t, '[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} [0-9:.]+ [0-9]{4}( [A-Z]+)?', 'TIME', 'g'),
                          '[0-9]+', 'N', 'g');
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || pg_temp.mask(SQLERRM);
END $$;
-- stage one row and apply it, as the current role: the batch's counts or the error
CREATE FUNCTION pg_temp.load(org text, region text, period text, value text, status text DEFAULT NULL,
                             published timestamptz DEFAULT NULL, released timestamptz DEFAULT NULL,
                             reason text DEFAULT NULL, kind text DEFAULT NULL)
    RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    b bigint;
    r krimp.load_batch;
BEGIN
    IF reason IS NULL THEN
        b := krimp.begin_batch(org, 'loads test');
    ELSE
        EXECUTE 'SELECT krimp.begin_batch($1, $2, NULL, $3)' INTO b USING org, 'loads test', reason;
    END IF;
    INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period,
                                           value, status, kind, forecast_producer, forecast_base_year, released_at)
    VALUES (b, 1, org, 'test_loads_pop', region, period, value, status, kind,
            CASE WHEN kind = 'forecast' THEN 'PBL' END, CASE WHEN kind = 'forecast' THEN 2020 END, released);
    r := krimp.apply_batch(b, published_at => published);
    RETURN format('read %s, inserted %s, revised %s, rejected %s%s', r.rows_read, r.rows_inserted, r.rows_revised,
                  r.rows_rejected, (SELECT ': ' || pg_temp.mask(string_agg(x.reason, '; ')) FROM krimp.rejected_row x
                                     WHERE x.batch_id = b));
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || pg_temp.mask(SQLERRM);
END $$;

-- ---- 4. a vintage from the far future, or none at all, is refused ----
SET ROLE krimp_groningen;
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => '2999-01-01') AS far_future;
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => 'infinity') AS infinity;
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => '-infinity') AS minus_infinity;
-- a realisation is not published before its period began; a forecast may be
SELECT pg_temp.load('PV20', 'GM9941', '2030', '100') AS realisation_ahead;
SELECT pg_temp.load('PV20', 'GM9941', '2030', '100', kind => 'forecast') AS forecast_ahead;
-- an embargo is a finite time: a bad one is a rejected row, not an abort
SELECT pg_temp.load('PV20', 'GM9941', '2019', '100', released => 'infinity') AS released_never;
SELECT pg_temp.load('PV20', 'GM9941', '2019', '100', released => '-infinity') AS released_always;
-- Groningen's figure, then Limburg's correction: the correction is current
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => '2021-01-01') AS groningen;
RESET ROLE;
SET ROLE krimp_limburg;
SELECT pg_temp.load('PV31', 'GM9941', '2020', '101', published => '2022-01-01') AS limburg_correction;
RESET ROLE;
SELECT krimp.region_series('test_loads_pop', 'GM9941') AS series;
-- and every direct way in: the row table, the view, the blocks
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'loads test: by hand') AS bh \gset
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_row (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s, 'infinity'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS row_infinity;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s, '2999-01-01'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS view_far_future;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, released_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s, '-infinity'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS view_released_minus_infinity;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id, published_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', '{1,2}', 'definitief', 'x', 'PV20', %s, '2999-01-01'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS block_far_future;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2040', '{1,2}', 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS block_realisation_ahead;

-- ---- 5. keys are krimp's: a writer names none ----
SELECT pg_temp.try($$INSERT INTO krimp.load_batch (batch_id, org_code, source)
    VALUES (pg_catalog.nextval('krimp.load_batch_id_seq') + 1, 'PV20', 'x')$$) AS batch_id_chosen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_row (observation_id, indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT pg_catalog.nextval('krimp.observation_id_seq') + 1, indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS observation_id_chosen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (observation_id, indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT 4503599627370496, indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS view_id_chosen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (block_id, indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
    SELECT pg_catalog.nextval('krimp.observation_block_id_seq') + 1, indicator_id, krimp.region_at('GM9942', '2020'), '2020', '{1}', 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS block_id_chosen;
RESET ROLE;
-- nor can anyone file a row id at or above 2^52, where the figures of blocks are
BEGIN;
SELECT krimp.begin_batch('PV20', 'loads test: ids') AS bi \gset
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_row (observation_id, indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT 4503599627370496, indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bi)) AS superuser_id_2_52;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (block_id, indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
    SELECT 1099511627776, indicator_id, krimp.region_at('GM9942', '2020'), '2020', '{1}', 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bi)) AS superuser_block_id_2_40;
ROLLBACK;
-- nobody writes into another organisation's batch: Limburg's open batch, Groningen's rows at its keys
SET ROLE krimp_limburg;
SELECT krimp.begin_batch('PV31', 'loads test: Limburg''s') AS bl \gset
RESET ROLE;
SET ROLE krimp_groningen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
    VALUES (%s, 1, 'PV20', 'test_loads_pop', 'GM9943', '2020', '1')$$, :bl)) AS plant_staged_row;
SELECT pg_temp.try(format($$INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason)
    VALUES (%s, 1, 'PV20', '{}', 'planted')$$, :bl)) AS plant_rejected_row;
RESET ROLE;
SET ROLE krimp_limburg;
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:bl, 1, 'PV31', 'test_loads_pop', 'GM9943', '2020', '7');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:bl);
-- nor into a finished batch of one's own
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
    VALUES (%s, 2, 'PV31', 'test_loads_pop', 'GM9943', '2021', '1')$$, :bl)) AS stage_into_done_batch;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT indicator_id, krimp.region_at('GM9943', '2021'), '2021', 1, 'definitief', 'x', 'PV31', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bl)) AS file_into_done_batch;
RESET ROLE;

-- ---- 11. the audit trail is krimp's ----
SET ROLE krimp_groningen;
SELECT pg_temp.try($$INSERT INTO krimp.load_batch (org_code, source, loaded_by) VALUES ('PV20', 'x', 'krimp_limburg')$$) AS loaded_by_chosen;
SELECT pg_temp.try($$INSERT INTO krimp.load_batch (org_code, source, state, rows_inserted) VALUES ('PV20', 'x', 'done', 5)$$) AS state_chosen;
SELECT krimp.begin_batch('PV20', 'loads test: audit') AS ba \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:ba, 1, 'PV20', 'test_loads_pop', 'GM9942', '2019', '5');
-- finishing a batch by hand with counts that do not match: refused
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET state = 'done', rows_read = 9, rows_inserted = 9, rows_revised = 0,
    rows_unchanged = 0, rows_rejected = 0 WHERE batch_id = %s$$, :ba)) AS finish_with_false_counts;
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET rows_read = 9 WHERE batch_id = %s$$, :ba)) AS counts_while_open;
SELECT rows_read, rows_inserted FROM krimp.apply_batch(:ba);
-- a finished batch: not reopened, not recounted, not applied again
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET state = 'open' WHERE batch_id = %s$$, :ba)) AS reopen;
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET rows_inserted = 1000 WHERE batch_id = %s$$, :ba)) AS recount;
SELECT pg_temp.try(format($$SELECT krimp.apply_batch(%s)$$, :ba)) AS apply_again;
SELECT loaded_by, state, finished_at >= started_at AS finished_after_start FROM krimp.load_batch WHERE batch_id = :ba;
-- a retraction lies between the figure's publication and now
SELECT observation_id AS fa FROM krimp.observation WHERE batch_id = :ba \gset
SELECT pg_temp.try(format($$UPDATE krimp.observation SET retracted_at = '2000-01-01', retraction_reason = 'backdated'
    WHERE observation_id = %s$$, :fa)) AS retract_before_publication;
SELECT pg_temp.try(format($$UPDATE krimp.observation SET retracted_at = now() + interval '1 year', retraction_reason = 'ahead'
    WHERE observation_id = %s$$, :fa)) AS retract_in_the_future;
SELECT pg_temp.try(format($$UPDATE krimp.observation_row SET retracted_at = 'infinity', retraction_reason = 'never'
    WHERE observation_id = %s$$, :fa)) AS retract_at_infinity;
SELECT krimp.retract(:fa, 'loads test');
SELECT retraction_reason, retracted_at <= now() AS not_ahead FROM krimp.observation WHERE observation_id = :fa;
-- and the same for a figure of a block
SELECT krimp.begin_batch('PV20', 'loads test: a block') AS bb \gset
CREATE TEMPORARY TABLE runs OF krimp.staged_block;
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:bb, 1, 'PV20', 'test_loads_pop', 'GM9942', '2010', '{1,2,3}');
SELECT rows_inserted FROM krimp.apply_batch(:bb, published_at => '2015-01-01', blocks => 'pg_temp.runs');
SELECT min(observation_id) AS fb FROM krimp.observation WHERE batch_id = :bb \gset
SELECT pg_temp.try(format($$UPDATE krimp.observation SET retracted_at = '2014-01-01', retraction_reason = 'backdated'
    WHERE observation_id = %s$$, :fb)) AS retract_block_figure_backdated;
SELECT pg_temp.try(format($$UPDATE krimp.observation_block SET retracted_at = '{2999-01-01,NULL,NULL}', retraction_reason = '{ahead,NULL,NULL}'
    WHERE batch_id = %s$$, :bb)) AS retract_block_figure_ahead;
SELECT krimp.retract(:fb, 'loads test');
SELECT count(*) FILTER (WHERE retracted_at IS NOT NULL) AS retracted FROM krimp.observation WHERE batch_id = :bb;
-- (current and as known now agree)
SELECT (SELECT count(*) FROM krimp.observation_current o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_loads_pop')
     = (SELECT count(*) FROM krimp.observations_as_of(now()) o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_loads_pop')
       AS current_agrees;
RESET ROLE;

-- ---- 12. a status does not go back without a revision reason ----
SET ROLE krimp_zeeland;
SELECT pg_temp.load('PV29', 'GM9943', '2018', '500', published => '2020-01-01') AS definitief;
SELECT pg_temp.load('PV29', 'GM9943', '2018', '480', '*', published => '2021-01-01') AS voorlopig_after_definitief;
SELECT pg_temp.load('PV29', 'GM9943', '2018', '.', published => '2021-01-01') AS unknown_after_definitief;
-- a better status, or the same, needs none
SELECT pg_temp.load('PV29', 'GM9943', '2017', '400', '*', published => '2020-01-01') AS voorlopig;
SELECT pg_temp.load('PV29', 'GM9943', '2017', '410', '**', published => '2021-01-01') AS nader_voorlopig;
-- with on_error => 'abort': nothing is filed
SELECT krimp.begin_batch('PV29', 'loads test: abort') AS bz \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
VALUES (:bz, 1, 'PV29', 'test_loads_pop', 'GM9943', '2018', '470', '*');
SELECT pg_temp.try(format($$SELECT krimp.apply_batch(%s, 'abort')$$, :bz)) AS abort_on_regression;
-- with a revision reason it is filed, as a revision
SELECT pg_temp.load('PV29', 'GM9943', '2018', '480', '*', published => '2021-06-01',
                    reason => 'CBS reopened 2018 after a correction of the BRP') AS with_reason;
SELECT krimp.begin_batch('PV29', 'loads test: why', revision_reason => '  ') IS NOT NULL AS blank_reason;
-- a direct insert is refused too
SELECT krimp.begin_batch('PV29', 'loads test: by hand') AS bz2 \gset
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT indicator_id, krimp.region_at('GM9943', '2017'), '2017', 1, 'estimate', 'x', 'PV29', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bz2)) AS direct_estimate_after_nader_voorlopig;
SELECT o.period, o.value, o.status FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9943' AND o.org_code = 'PV29' ORDER BY o.period;
RESET ROLE;

-- ---- 14. staged input that slips through ----
SET ROLE krimp_groningen;
-- a run of two dimensions is set aside whole, with its line, not flattened
SELECT krimp.begin_batch('PV20', 'loads test: 2-D') AS b2d \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:b2d, 1, 'PV20', 'test_loads_pop', 'GM9941', '2001', '{{1,2},{3,4}}'),
       (:b2d, 5, 'PV20', 'test_loads_pop', 'GM9941', '2005', '{5,6}');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:b2d, blocks => 'pg_temp.runs');
SELECT line_number, row_data->>'value' AS value, reason FROM krimp.rejected_row WHERE batch_id = :b2d;
SELECT count(*) AS figures FROM krimp.observation WHERE batch_id = :b2d;
-- a value out of range is a rejected row with a short quote, not an abort
SELECT krimp.begin_batch('PV20', 'loads test: range') AS brg \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:brg, 1, 'PV20', 'test_loads_pop', 'GM9941', '2011', '1e400'),
       (:brg, 2, 'PV20', 'test_loads_pop', 'GM9941', '2012', '-1e-400'),
       (:brg, 3, 'PV20', 'test_loads_pop', 'GM9941', '2013', repeat('9', 500)),
       (:brg, 4, 'PV20', 'test_loads_pop', 'GM9941', '2014', repeat('x', 500)),
       (:brg, 5, 'PV20', 'test_loads_pop', 'GM9941', '2015', '1e308');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:brg);
SELECT line_number, length(reason) < 120 AS short, reason FROM krimp.rejected_row WHERE batch_id = :brg ORDER BY 1;
RESET ROLE;

-- ---- 15. a batch under embargo is its organisation's until the release ----
SET ROLE krimp_groningen;
SELECT pg_temp.load('PV20', 'GM9942', '2016', '1', released => '2999-01-01') AS embargoed;
SELECT max(batch_id) AS be FROM krimp.load_batch WHERE org_code = 'PV20' AND source = 'loads test' \gset
SELECT count(*) AS own_sees FROM krimp.load_batch WHERE batch_id = :be;
RESET ROLE;
SET ROLE krimp_limburg;
SELECT count(*) AS other_sees FROM krimp.load_batch WHERE batch_id = :be;
SELECT count(*) > 0 AS other_sees_released_batches FROM krimp.load_batch WHERE org_code = 'PV20' AND source = 'loads test';
RESET ROLE;
SET ROLE krimp_admin;
SELECT count(*) AS admin_sees FROM krimp.load_batch WHERE batch_id = :be;
RESET ROLE;
SET ROLE krimp_reader;
SELECT count(*) AS reader_sees FROM krimp.load_batch WHERE batch_id = :be;
RESET ROLE;
-- a writer can COPY into the view krimp.observation (its rows are filed as
-- the writer's, row-level security decides: here, a row of another
-- organisation is refused), not into the staging table (PostgreSQL refuses
-- COPY into a table with row-level security)
SET ROLE krimp_groningen;
\set VERBOSITY terse
COPY krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id) FROM STDIN;
1	1	2017	3	definitief	copy	PV31	1
\.
COPY krimp.observation_staging (batch_id, line_number, org_code) FROM STDIN;
1	1	PV20
\.
\set VERBOSITY default
RESET ROLE;
