-- The nightly job on the bundled real data: load the CBS population per
-- municipality, flag tipping points, find a turn that is really in the data
-- (Delfzijl's decline slows from 2016), follow its flag through revised
-- figures (withdrawn, flagged anew), and check that reruns duplicate nothing.
-- Runs in a database of its own, with the real regions (Bron: CBS, CC BY 4.0).
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS krimp_nightly_test;
CREATE DATABASE krimp_nightly_test;
\c krimp_nightly_test
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
SET search_path = public, krimp;
\getenv abs_srcdir PG_ABS_SRCDIR
\set loader :abs_srcdir '/scripts/load_regions.sql'
\i :loader
RESET client_min_messages;

-- population on 1 January per municipality, 2002-2022, as BZK's load of CBS table 37230ned
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good)
VALUES ('population', 'Bevolking op 1 januari', 'persons', 'year', 'demography', 'CBS 37230ned', 'sum', 1);
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
CREATE TEMP TABLE pop AS
SELECT btrim(r->>'RegioS') AS code, (r->>'Perioden')::krimp.period AS period,
       (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision AS value
  FROM jsonb_each(ltrim(:'doc', E'\uFEFF')::jsonb -> 'value') AS e(id, r);
\unset doc
SELECT krimp.begin_batch('BZK', 'CBS 37230ned') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, row_number() OVER (ORDER BY code, period), 'BZK', 'population', code, period::text, value::text
  FROM pop WHERE value IS NOT NULL;
-- the national total of the same file, as the benchmark
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, 100000 + krimp.year(period), 'BZK', 'population', 'NL01', period::text, sum(value)::text
  FROM pop WHERE value IS NOT NULL GROUP BY period;
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:b, published_at => '2023-04-01');
-- the load queued every series it touched, once per statement
SELECT count(*) AS queued, count(DISTINCT (indicator_id, region_id)) AS series FROM krimp.series_queue;

-- ---- the first run ----
CALL krimp.nightly();
SELECT series_examined, flags_new, flags_confirmed, flags_withdrawn, full_run, duration_ms > 0 AS timed
  FROM krimp.job_run ORDER BY run_id;
SELECT count(*) AS left_in_queue FROM krimp.series_queue;
-- what was flagged, by kind and assessment (population: higher is better)
SELECT kind, assessment, count(*) AS flags, count(*) FILTER (WHERE recent) AS recent
  FROM krimp.tipping_point_flag GROUP BY 1, 2 ORDER BY 1, 2;
-- Delfzijl (GM0010): the decline of about 296 a year slows to about 102 a year from 2016 (not recent:
-- Delfzijl merged into Eemsdelta in 2021, so its last years are history)
SELECT f.period, f.kind, f.direction, f.assessment, round(f.before::numeric, 1) AS before,
       round(f.after::numeric, 1) AS after, round(f.p_value::numeric, 6) AS p_value, f.recent, f.status
  FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM0010' ORDER BY f.period, f.kind;

-- ---- reruns duplicate nothing ----
CALL krimp.nightly();        -- nothing queued: nothing examined
CALL krimp.nightly(full_run => true);
SELECT run_id, series_examined, flags_new, flags_confirmed, flags_withdrawn, full_run FROM krimp.job_run ORDER BY run_id;
SELECT count(*) AS live_flags, count(DISTINCT (indicator_id, region_id, period, kind)) AS distinct_points,
       count(*) FILTER (WHERE status = 'confirmed') AS confirmed
  FROM krimp.tipping_point_flag WHERE status <> 'withdrawn';

-- ---- revised figures make the turn disappear: the flag is withdrawn and kept ----
-- a revision that continues the earlier decline through 2016-2020
SELECT krimp.begin_batch('BZK', 'CBS 37230ned, revised') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y - 2015, 'BZK', 'population', 'GM0010', y::text, (25409 - 296 * (y - 2015))::text
  FROM generate_series(2016, 2020) AS y;
SELECT rows_revised FROM krimp.apply_batch(:b, published_at => '2023-06-01');
CALL krimp.nightly();
SELECT series_examined, flags_new, flags_confirmed, flags_withdrawn FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
SELECT f.period, f.kind, f.status, f.withdrawn_at IS NOT NULL AS has_withdrawal_time
  FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM0010' ORDER BY f.flag_id;

-- ---- the original figures come back as a newer vintage: flagged anew, the withdrawn flag stays ----
SELECT krimp.begin_batch('BZK', 'CBS 37230ned, corrected again') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, row_number() OVER (ORDER BY period), 'BZK', 'population', code, period::text, value::text
  FROM pop WHERE code = 'GM0010' AND krimp.year(period) BETWEEN 2016 AND 2020;
SELECT rows_revised FROM krimp.apply_batch(:b, published_at => '2023-09-01');
CALL krimp.nightly();
SELECT series_examined, flags_new, flags_confirmed, flags_withdrawn FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
SELECT f.period, f.kind, f.status, f.first_run_id > 1 AS flagged_later
  FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM0010' ORDER BY f.flag_id;

-- ---- a revised benchmark: every series compared with it is examined again ----
-- only NL01's series is queued, but the national figure of 2010 is every municipality's benchmark
SELECT krimp.begin_batch('BZK', 'CBS 37230ned, NL01 2010 revised') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, 1, 'BZK', 'population', 'NL01', '2010', (sum(value) + 250000)::text
  FROM pop WHERE value IS NOT NULL AND period = '2010';
SELECT rows_revised FROM krimp.apply_batch(:b, published_at => '2023-10-01');
SELECT count(DISTINCT (indicator_id, region_id)) AS queued FROM krimp.series_queue;
CALL krimp.nightly();
SELECT j.series_examined,
       j.series_examined = (SELECT count(DISTINCT (o.indicator_id, o.region_id)) FROM krimp.observation o) AS every_series,
       j.flags_new + j.flags_withdrawn > 0 AS flags_moved
  FROM krimp.job_run j ORDER BY j.run_id DESC LIMIT 1;
-- a full run finds the flags exactly as the queued run left them
CALL krimp.nightly(full_run => true);
SELECT series_examined, flags_new, flags_withdrawn FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
-- a municipality's revision leaves the benchmark as it was (NL01 has every period): one series examined
SELECT krimp.begin_batch('BZK', 'CBS 37230ned, GM0010 2012 revised') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, 1, 'BZK', 'population', 'GM0010', '2012', (value + 1)::text FROM pop WHERE code = 'GM0010' AND period = '2012';
SELECT rows_revised FROM krimp.apply_batch(:b, published_at => '2023-11-01');
CALL krimp.nightly();
SELECT series_examined FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
-- an embargo that ended since the last run: the series is examined though nothing was loaded
SELECT krimp.begin_batch('BZK', 'embargoed until a moment ago') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       released_at)
SELECT :b, 1, 'BZK', 'population', 'GM0003', '2012', (value + 1)::text, clock_timestamp() + interval '2 seconds'
  FROM pop WHERE code = 'GM0003' AND period = '2012';
SELECT rows_revised FROM krimp.apply_batch(:b, published_at => '2023-11-02');
CALL krimp.nightly();
SELECT series_examined AS examined_under_embargo FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
SELECT pg_sleep(2.5);
CALL krimp.nightly();
SELECT series_examined AS examined_after_release FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
CALL krimp.nightly();
SELECT series_examined AS examined_next_night FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
SELECT count(*) AS fingerprints FROM krimp.nightly_benchmark;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE krimp_nightly_test;
