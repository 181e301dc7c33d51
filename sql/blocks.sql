-- Observations in blocks: a run of a new series is filed as one row of
-- krimp.observation_block; krimp.observation shows one row per figure from
-- both storages; runs that overlap filed figures, or are bad anywhere, take
-- the rows' way; a file loaded again changes nothing; a figure in a block is
-- retracted on its own.  Fictional regions GM98xx keep clear of other tests.
SET search_path = public, krimp;

SET ROLE krimp_admin;
INSERT INTO krimp.region (code, name, level, valid_from, valid_to) VALUES
    ('GM9801', 'Blokdorp', 'municipality', '2000-01-01', NULL),
    ('GM9802', 'Oudblok', 'municipality', '2000-01-01', '2019-01-01'),
    ('GM9803', 'Blokstad', 'municipality', '2000-01-01', NULL);
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, source, aggregation)
VALUES ('blk_population', 'Population', 'persons', 0, 'year', 'demography', 'CBS', 'sum'),
       ('blk_monthly', 'Births', 'persons', 0, 'month', 'demography', 'CBS', 'sum');
RESET ROLE;

-- ---- a first load: runs of new series are filed as blocks ----
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: runs', 'runs.json') AS b1 \gset
CREATE TEMPORARY TABLE runs OF krimp.staged_block;
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, status) VALUES
    (:b1,  1, 'PV20', 'blk_population', 'GM9801  ', '2015JJ00', '{1000,990,985,970}', NULL),
    (:b1,  5, 'PV20', 'blk_population', 'GM9803', '2016', '{5000,5010}', '*'),
    (:b1,  7, 'PV20', 'blk_population', 'GM9803', '2018', '{NULL}', 'unknown'),
    (:b1,  8, 'PV20', 'blk_monthly', 'GM9801', '2020MM11', '{3,4,5}', NULL);
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:b1, published_at => '2021-03-01 12:00+01', blocks => 'pg_temp.runs');
SELECT r.code, b.first_period, b.value, b.status, b.source, b.org_code
  FROM krimp.observation_block b JOIN krimp.region r USING (region_id) WHERE b.batch_id = :b1 ORDER BY b.block_id;
-- one row per figure through the view, each with an id of its own from 2^52 on
SELECT r.code, o.period, o.value, o.status, o.observation_id >= 2 ^ 52 AS in_block, o.published_at
  FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE o.batch_id = :b1 ORDER BY r.code, o.period;
SELECT count(DISTINCT observation_id) AS distinct_ids, count(*) AS figures FROM krimp.observation WHERE batch_id = :b1;
SELECT count(*) AS runs_left FROM runs;
RESET ROLE;
-- the series are queued for the nightly job
SELECT count(*) > 0 AS queued FROM krimp.series_queue q JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9801';
SET ROLE krimp_groningen;
-- series and current figures read blocks as rows
SELECT krimp.region_series('blk_population', 'GM9801');
SELECT period, value FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9803' ORDER BY period;

-- ---- the same file again: unchanged as a whole, nothing filed ----
SELECT krimp.begin_batch('PV20', 'test: runs again', 'runs.json') AS b2 \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, status) VALUES
    (:b2,  1, 'PV20', 'blk_population', 'GM9801', '2015', '{1000,990,985,970}', NULL),
    (:b2,  5, 'PV20', 'blk_population', 'GM9803', '2016', '{5000,5010}', '*'),
    (:b2,  7, 'PV20', 'blk_population', 'GM9803', '2018', '{NULL}', 'unknown'),
    (:b2,  8, 'PV20', 'blk_monthly', 'GM9801', '2020-11', '{3,4,5}', NULL);
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:b2, blocks => 'pg_temp.runs');
SELECT count(*) AS filed FROM krimp.observation WHERE batch_id = :b2;

-- ---- a revision and a new year: the run is compared figure by figure ----
SELECT krimp.begin_batch('PV20', 'test: runs revised', 'runs_v2.json') AS b3 \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, status) VALUES
    (:b3,  1, 'PV20', 'blk_population', 'GM9801', '2015', '{1000,990,984,970,960}', NULL),
    (:b3,  6, 'PV20', 'blk_population', 'GM9803', '2016', '{5000,5010}', NULL);
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:b3, published_at => '2022-03-01 12:00+01', blocks => 'pg_temp.runs');
-- the revisions are rows (2017, and both of GM9803: their status went from voorlopig to definitief), the new year too
SELECT r.code, o.period, o.value, o.status, o.observation_id >= 2 ^ 52 AS in_block
  FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE o.batch_id = :b3 ORDER BY r.code, o.period;
-- current: the newest vintage of each figure; as known before: the block's
SELECT krimp.region_series('blk_population', 'GM9801');
SELECT krimp.region_series('blk_population', krimp.region_at('GM9801', '2015'), '2021-06-01');

-- ---- runs that are bad somewhere: unrolled, each figure rejected with its line ----
-- (the years to come are forecasts: a realisation is not published before its period)
ALTER TABLE runs ALTER COLUMN kind SET DEFAULT 'forecast', ALTER COLUMN forecast_producer SET DEFAULT 'test',
    ALTER COLUMN forecast_base_year SET DEFAULT 2020;
SELECT krimp.begin_batch('PV20', 'test: bad runs', 'bad_runs.json') AS b4 \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, status) VALUES
    -- an unknown figure (NULL, CBS's ".") amid known ones: filed, as rows; NaN; another organisation's row
    (:b4, 11, 'PV20', 'blk_population', 'GM9803', '2030', '{1,NULL,3}', NULL),
    (:b4, 21, 'PV20', 'blk_population', 'GM9803', '2040', '{1,NaN}', NULL),
    (:b4, 31, 'PV31', 'blk_population', 'GM9803', '2050', '{1}', NULL),
    -- a monthly run of a yearly indicator, an unknown indicator, an unknown status, a period that cannot be read
    (:b4, 41, 'PV20', 'blk_population', 'GM9803', '2060-01', '{1,2}', NULL),
    (:b4, 51, 'PV20', 'no_such', 'GM9803', '2060', '{1}', NULL),
    (:b4, 61, 'PV20', 'blk_population', 'GM9803', '2061', '{1}', 'maybe'),
    (:b4, 71, 'PV20', 'blk_population', 'GM9803', '2062XX', '{1,2}', NULL),
    -- two runs of one series that share 2071: every copy set aside, the rest filed
    (:b4, 81, 'PV20', 'blk_population', 'GM9803', '2070', '{1,2}', NULL),
    (:b4, 91, 'PV20', 'blk_population', 'GM9803', '2071', '{3,4}', NULL),
    -- the years run out at 9999
    (:b4, 95, 'PV20', 'blk_population', 'GM9803', '9998', '{1,2,3}', NULL);
-- GM9802 ended in 2019: as a realisation its run of 2017-2020 holds for two years;
-- as a forecast of base year 2017 it is of the version of 2017, whole, and filed
-- as a block (krimp.figure_region_days); of base year 2020 it has no version
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, status, kind,
                  forecast_producer, forecast_base_year) VALUES
    (:b4,  1, 'PV20', 'blk_population', 'GM9802', '2017', '{700,690,680,670}', NULL, 'realisation', NULL, NULL),
    (:b4,  5, 'PV20', 'blk_population', 'GM9802', '2017', '{700,690,680,670}', NULL, 'forecast', 'test', 2017),
    (:b4, 101, 'PV20', 'blk_population', 'GM9802', '2017', '{700}', NULL, 'forecast', 'test', 2020);
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:b4, blocks => 'pg_temp.runs');
SELECT line_number, row_data->>'period' AS period, row_data->>'value' AS value, reason
  FROM krimp.rejected_row WHERE batch_id = :b4 ORDER BY line_number;
SELECT r.code, o.kind, o.period, o.value, o.observation_id >= 2 ^ 52 AS in_block
  FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE o.batch_id = :b4 ORDER BY r.code, o.kind, o.period;
-- with on_error => 'abort' nothing is filed
SELECT krimp.begin_batch('PV20', 'test: bad runs, abort') AS b5 \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value) VALUES
    (:b5, 1, 'PV20', 'blk_population', 'GM9803', '2080', '{1,2}'),
    (:b5, 3, 'PV20', 'blk_population', 'GM9803', '2082', '{1,Infinity}');
SELECT set_config('test.b5', :'b5', false) IS NOT NULL AS noted;
DO $$
BEGIN
    PERFORM krimp.apply_batch(current_setting('test.b5')::bigint, 'abort', blocks => 'pg_temp.runs');
EXCEPTION WHEN data_exception THEN
    -- (the batch id depends on the tests run before)
    DECLARE d text; BEGIN
        GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
        RAISE NOTICE '%: %', regexp_replace(SQLERRM, 'batch [0-9]+', 'batch N'), d;
    END;
END
$$;
SELECT count(*) AS filed FROM krimp.observation WHERE batch_id = :b5;
RESET ROLE;
-- rows and runs of one batch, a figure in both: a duplicate
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: rows and runs') AS b6 \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       kind, forecast_producer, forecast_base_year)
VALUES (:b6, 100, 'PV20', 'blk_population', 'GM9803', '2091', '9', 'forecast', 'test', 2020),
       (:b6, 101, 'PV20', 'blk_population', 'GM9803', '2095', '9', 'forecast', 'test', 2020);
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:b6, 1, 'PV20', 'blk_population', 'GM9803', '2090', '{1,2}');
SELECT state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected
  FROM krimp.apply_batch(:b6, blocks => 'pg_temp.runs');
SELECT line_number, reason FROM krimp.rejected_row WHERE batch_id = :b6 ORDER BY line_number;
ALTER TABLE runs ALTER COLUMN kind DROP DEFAULT, ALTER COLUMN forecast_producer DROP DEFAULT,
    ALTER COLUMN forecast_base_year DROP DEFAULT;

-- ---- retraction of one figure in a block ----
SELECT o.observation_id AS fig2016 FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9801' AND o.period = '2016' AND o.batch_id = :b1 \gset
SELECT krimp.retract(:fig2016, 'counted twice');
SELECT b.retracted_at IS NOT NULL AS has_retractions, b.retraction_reason
  FROM krimp.observation_block b WHERE b.batch_id = :b1 AND b.first_period = '2015';
SELECT o.period, o.value, o.retraction_reason FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9801' AND o.batch_id = :b1 AND o.period < '2019' ORDER BY o.period;
-- out of the current figures: 2016 is a gap, 2015 is the block's, 2017 the revision's
SELECT krimp.region_series('blk_population', 'GM9801');
\set VERBOSITY terse
SELECT krimp.retract(:fig2016, 'again');
SELECT krimp.retract_block_figure(:fig2016 - 4503599627370496, now(), 'a row id');
RESET ROLE;
-- another organisation cannot retract it (the SQLSTATE only: the id varies)
SET ROLE krimp_limburg;
\set VERBOSITY sqlstate
SELECT krimp.retract(:fig2016 + 1, 'not mine');
\set VERBOSITY terse
-- nor write another organisation's blocks directly: a new block of Groningen's is refused, its
-- blocks are not there to update
INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
SELECT i.indicator_id, krimp.region_at('GM9803', '2000'), '2000', '{1}', 'definitief', 'x', 'PV20', :b1
  FROM krimp.indicator i WHERE i.code = 'blk_population';
WITH u AS (UPDATE krimp.observation_block b SET retracted_at = '{now,now,now,now}', retraction_reason = '{a,b,c,d}'
            WHERE b.batch_id = :b1 RETURNING 1)
SELECT count(*) AS updated FROM u;
-- an UPDATE through the view: only a retraction, of one's own (this one finds nothing to update:
-- the retraction below is Groningen's own)
UPDATE krimp.observation SET retracted_at = now(), retraction_reason = 'not mine' WHERE observation_id = :fig2016 + 1;
RESET ROLE;
SET ROLE krimp_groningen;
UPDATE krimp.observation SET retracted_at = now(), retraction_reason = 'through the view' WHERE observation_id = :fig2016 + 1;
SELECT o.period, o.retraction_reason FROM krimp.observation o WHERE o.observation_id IN (:fig2016, :fig2016 + 1) ORDER BY 1;
UPDATE krimp.observation SET retracted_at = now() WHERE observation_id = :fig2016 + 2;
UPDATE krimp.observation SET value = 1 WHERE observation_id = :fig2016 + 2;
DELETE FROM krimp.observation WHERE observation_id = :fig2016 + 2;
RESET ROLE;
-- nor for a superuser, through the view
UPDATE krimp.observation SET value = 1 WHERE observation_id = :fig2016 + 2;
DELETE FROM krimp.observation WHERE observation_id = :fig2016 + 2;
-- a block is append-only, even for a superuser: only retractions are added
UPDATE krimp.observation_block SET value = '{1,2,3,4}' WHERE batch_id = :b1 AND first_period = '2015';
UPDATE krimp.observation_block SET retraction_reason[2] = 'changed' WHERE batch_id = :b1 AND first_period = '2015';
UPDATE krimp.observation_block SET retraction_reason = '{x,y,z,w}' WHERE batch_id = :b1 AND first_period = '2015';
DELETE FROM krimp.observation_block WHERE batch_id = :b1;
-- and its own checks hold for direct inserts
INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
SELECT i.indicator_id, krimp.region_at('GM9803', '2000'), '2000', '{1,NaN}', 'definitief', 'x', 'PV20', :b1
  FROM krimp.indicator i WHERE i.code = 'blk_population';
INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
SELECT i.indicator_id, krimp.region_at('GM9803', '2000'), '2000', '{1,NULL}', 'definitief', 'x', 'PV20', :b1
  FROM krimp.indicator i WHERE i.code = 'blk_population';
INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
SELECT i.indicator_id, krimp.region_at('GM9803', '2000'), '2000', '{{1,2},{3,4}}', 'definitief', 'x', 'PV20', :b1
  FROM krimp.indicator i WHERE i.code = 'blk_population';
INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
SELECT i.indicator_id, krimp.region_at('GM9803', '2000'), '2000', '{}', 'definitief', 'x', 'PV20', :b1
  FROM krimp.indicator i WHERE i.code = 'blk_population';
\set VERBOSITY default

-- ---- an insert through the view files a row, with the defaults ----
-- (into an open batch, which apply_batch then finishes, counting the figure)
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: by hand') AS b6v \gset
INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id)
SELECT i.indicator_id, krimp.region_at('GM9801', '2000'), '2000', 1100, 'definitief', 'hand', 'PV20', :b6v
  FROM krimp.indicator i WHERE i.code = 'blk_population'
RETURNING observation_id < 2 ^ 52 AS a_row, kind, forecast_producer, forecast_base_year, published_at IS NOT NULL AS vintage;
SELECT state, rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:b6v);
RESET ROLE;

-- ---- embargo: a block released later is its owner's until then ----
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: embargoed runs') AS b7 \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value, released_at)
VALUES (:b7, 1, 'PV20', 'blk_monthly', 'GM9803', '2021-01', '{7,8}', '2999-01-01');
SELECT rows_inserted FROM krimp.apply_batch(:b7, blocks => 'pg_temp.runs');
SELECT count(*) AS own_sees FROM krimp.observation WHERE batch_id = :b7;
RESET ROLE;
SET ROLE krimp_limburg;
SELECT count(*) AS others_see FROM krimp.observation WHERE batch_id = :b7;
SELECT count(*) AS others_see_blocks FROM krimp.observation_block WHERE batch_id = :b7;
RESET ROLE;

-- ---- what the blocks table can be ----
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'test: blocks table errors') AS b8 \gset
\set VERBOSITY terse
SELECT krimp.apply_batch(:b8, blocks => 4294967295::oid::regclass);
CREATE TEMPORARY TABLE krimp_blocks OF krimp.staged_block;
SELECT krimp.apply_batch(:b8, blocks => 'pg_temp.krimp_blocks');
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:b8, 1, 'PV20', 'blk_population', 'GM9803', '2100', '{}');
SELECT krimp.apply_batch(:b8, blocks => 'pg_temp.runs');
CREATE TEMPORARY TABLE thin_runs (batch_id bigint, value double precision[]);
SELECT krimp.apply_batch(:b8, blocks => 'pg_temp.thin_runs');
\set VERBOSITY default
RESET ROLE;

-- ---- krimp.period_after: periods on, or NULL past the type's years ----
SELECT krimp.period_after('2022-11', 3) AS months, krimp.period_after('2022-Q4', -4) AS quarters,
       krimp.period_after('2005/2008', 2) AS spans, krimp.period_after('9999-12', 1) AS past_9999,
       krimp.period_after('1000', -1) AS before_1000, krimp.period_after('2000', 1000000) AS far;
