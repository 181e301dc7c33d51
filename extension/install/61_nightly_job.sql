
-- ===================================================================
-- The nightly job's functions and procedure (its queue, its tables and the
-- triggers that fill the queue are in 60_nightly.sql).
-- ===================================================================

-- The released current realisations of one series, as the nightly job sees
-- them: no embargoed figure, so that flags, which every role reads, never
-- reveal one.
CREATE OR REPLACE FUNCTION krimp.released_series(indicator_id integer, region_id bigint) RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    -- the current figures released by now: krimp.figures_as_of('infinity', true),
    -- the same figure per period as every other reader takes
    SELECT krimp.series_agg(o.period, o.value)
      FROM krimp.figures_as_of('infinity', true) o
     WHERE o.indicator_id = released_series.indicator_id AND o.region_id = released_series.region_id
       AND o.kind = 'realisation'
$$;
COMMENT ON FUNCTION krimp.released_series(integer, bigint) IS
    'the current released realisations of an indicator in a region version, as the nightly job reads them';

-- A benchmark on the scale of the series: a count (aggregation 'sum') is
-- compared by its growth, so the national series is rescaled to the
-- region's value at the first period both have ("as fast a rise as the
-- national average"); rates and averages are compared as they are.
CREATE OR REPLACE FUNCTION krimp.comparable_benchmark(s krimp.series, benchmark krimp.series, aggregation text)
    RETURNS krimp.series
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT CASE
        WHEN s IS NULL OR benchmark IS NULL THEN NULL
        WHEN aggregation <> 'sum' THEN benchmark
        ELSE (SELECT benchmark * (a.value / b.value)
                FROM krimp.points(s) a JOIN krimp.points(benchmark) b USING (period)
               WHERE a.value IS NOT NULL AND b.value IS NOT NULL AND b.value <> 0
               ORDER BY a.period LIMIT 1)
    END
$$;
COMMENT ON FUNCTION krimp.comparable_benchmark(krimp.series, krimp.series, text) IS
    'the benchmark series on the scale of a series: for a count (aggregation sum) the national series rescaled to the region''s value at their first common period, so that the gap measures growth against the national average; otherwise the benchmark as it is';

-- The benchmark of a series as the nightly job reads it: the indicator's
-- default benchmark of the region version with the current figures
-- (krimp.benchmark_series, 50_targets.sql).
CREATE OR REPLACE FUNCTION krimp.benchmark_series(indicator_id integer, region_id bigint) RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT krimp.benchmark_series(benchmark_series.indicator_id, benchmark_series.region_id, NULL, 'infinity')
$$;
COMMENT ON FUNCTION krimp.benchmark_series(integer, bigint) IS
    'the benchmark for convergence in the nightly job: the indicator''s default benchmark (krimp.indicator.benchmark, national unless set) of the region version, with the current released figures (krimp.benchmark_series(indicator_id, region_id, NULL, ''infinity'')); NULL for the country itself or when none can be formed';

CREATE OR REPLACE PROCEDURE krimp.nightly(full_run boolean DEFAULT false)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    -- the moment the run reads its figures (krimp.released_by reads now()): the next run looks
    -- for embargoes that ended after it
    t0 timestamptz := now();
    run bigint;
    n_series integer;
    n_new integer;
    n_confirmed integer;
    n_withdrawn integer;
    prev timestamptz;
BEGIN
    -- one run at a time; a second one gives up at once
    IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('krimp.nightly')) THEN
        RAISE EXCEPTION 'another nightly run is in progress'
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Wait for it to finish; krimp.job_run records every finished run.';
    END IF;
    run := nextval('krimp.job_run_id_seq');

    -- the series to examine: everything queued so far (later loads queue for the next run), or all.
    -- One statement takes the queue and deletes exactly the rows it read: a load that commits
    -- during the run, whatever its queue_id, stays queued for the next run.  Every temporary
    -- table is named with pg_temp., so that no table of another schema can stand in for it.
    CREATE TEMP TABLE krimp_nightly_series (indicator_id integer, region_id bigint) ON COMMIT DROP;
    WITH taken AS (DELETE FROM krimp.series_queue q RETURNING q.indicator_id, q.region_id)
    INSERT INTO pg_temp.krimp_nightly_series SELECT DISTINCT t.indicator_id, t.region_id FROM taken t;
    IF full_run THEN
        INSERT INTO pg_temp.krimp_nightly_series
        SELECT o.indicator_id, o.region_id FROM krimp.observation_row o
        UNION SELECT b.indicator_id, b.region_id FROM krimp.observation_block b
        EXCEPT SELECT s.indicator_id, s.region_id FROM pg_temp.krimp_nightly_series s;
    END IF;
    -- a figure whose embargo ended since the last run began changes its series as a load does
    SELECT coalesce(max(j.started_at), '-infinity') INTO prev FROM krimp.job_run j;
    INSERT INTO pg_temp.krimp_nightly_series
    SELECT o.indicator_id, o.region_id FROM krimp.observation_row o
     WHERE o.released_at > prev AND o.released_at <= now()
    UNION SELECT b.indicator_id, b.region_id FROM krimp.observation_block b
     WHERE b.released_at > prev AND b.released_at <= now()
    EXCEPT SELECT s.indicator_id, s.region_id FROM pg_temp.krimp_nightly_series s;

    -- a benchmark formed from other series changes with them: a change in a municipality, a
    -- province or the country (of the indicator or of its denominator) can change the benchmark
    -- of every series of the indicator.  A shared benchmark (national, outside decline regions)
    -- is compared with its fingerprint at the last run (krimp.nightly_benchmark); a benchmark
    -- per region (province, rest of country) counts as changed.  Every series of an indicator
    -- whose benchmark changed is examined.  (The fingerprint is taken before the detection
    -- reads the benchmark: a load that commits in between makes the next run look again.)
    CREATE TEMP TABLE krimp_nightly_bench ON COMMIT DROP AS
    WITH touched AS (
        SELECT i.indicator_id, i.benchmark IN ('national', 'outside decline regions') AS shared
          FROM krimp.indicator i
         WHERE EXISTS (SELECT 1 FROM pg_temp.krimp_nightly_series s
                         JOIN krimp.region r ON r.region_id = s.region_id
                        WHERE r.level IN ('country', 'province', 'municipality')
                          AND s.indicator_id IN (i.indicator_id, i.denominator_id))
    ), fp AS (
        SELECT t.indicator_id, t.shared,
               CASE WHEN t.shared THEN
                   (SELECT md5(string_agg(b.period::text || '=' || b.value::text || '@' || b.source, ','
                                          ORDER BY b.period))
                      FROM krimp.benchmark_values(t.indicator_id,
                               (SELECT r.region_id FROM krimp.region r WHERE r.level <> 'country'
                                 ORDER BY r.region_id LIMIT 1),
                               NULL, 'infinity') b)
               END AS fingerprint
          FROM touched t
    )
    SELECT fp.indicator_id, fp.shared, fp.fingerprint,
           NOT fp.shared OR n.indicator_id IS NULL OR n.fingerprint IS DISTINCT FROM fp.fingerprint AS changed
      FROM fp LEFT JOIN krimp.nightly_benchmark n ON n.indicator_id = fp.indicator_id;
    INSERT INTO pg_temp.krimp_nightly_series
    SELECT o.indicator_id, o.region_id FROM krimp.observation_row o
     WHERE o.indicator_id IN (SELECT c.indicator_id FROM pg_temp.krimp_nightly_bench c WHERE c.changed)
    UNION SELECT b.indicator_id, b.region_id FROM krimp.observation_block b
     WHERE b.indicator_id IN (SELECT c.indicator_id FROM pg_temp.krimp_nightly_bench c WHERE c.changed)
    EXCEPT SELECT s.indicator_id, s.region_id FROM pg_temp.krimp_nightly_series s;
    SELECT count(*) INTO n_series FROM pg_temp.krimp_nightly_series;

    -- detect, with each indicator's direction of good and the national benchmark
    -- a change is recent only in a region version that still holds: the last
    -- years of a municipality that merged away are history, not news
    -- (each series' benchmark: the indicator's default, krimp.benchmark_values_many, formed
    -- once per indicator where it does not depend on the region)
    CREATE TEMP TABLE krimp_nightly_found ON COMMIT DROP AS
    WITH ids AS (
        SELECT array_agg(s.indicator_id ORDER BY s.indicator_id, s.region_id) AS ind,
               array_agg(s.region_id ORDER BY s.indicator_id, s.region_id) AS reg
          FROM pg_temp.krimp_nightly_series s
    ), bench AS (
        SELECT ids.ind[b.ord] AS indicator_id, ids.reg[b.ord] AS region_id,
               krimp.series_agg(b.period, b.value) AS series
          FROM ids, LATERAL krimp.benchmark_values_many('infinity', ids.ind, ids.reg) b
         GROUP BY b.ord, ids.ind[b.ord], ids.reg[b.ord]
    )
    SELECT s.indicator_id, s.region_id, (rg.valid_to IS NULL OR rg.valid_to > current_date) AS region_current, tp.*
      FROM pg_temp.krimp_nightly_series s
      JOIN krimp.indicator i ON i.indicator_id = s.indicator_id
      JOIN krimp.region rg ON rg.region_id = s.region_id
      LEFT JOIN bench b ON b.indicator_id = s.indicator_id AND b.region_id = s.region_id
      CROSS JOIN LATERAL (SELECT krimp.released_series(s.indicator_id, s.region_id) AS series) x
      CROSS JOIN LATERAL krimp.tipping_points(
          x.series,
          krimp.comparable_benchmark(x.series, b.series, i.aggregation),
          i.direction_of_good) tp;

    INSERT INTO krimp.job_run (run_id, started_at, finished_at, full_run, series_examined,
                               flags_new, flags_confirmed, flags_withdrawn, duration_ms)
    VALUES (run, t0, clock_timestamp(), full_run, n_series, 0, 0, 0, 0);
    INSERT INTO krimp.nightly_benchmark AS n (indicator_id, fingerprint, run_id)
    SELECT c.indicator_id, c.fingerprint, run FROM pg_temp.krimp_nightly_bench c WHERE c.shared
    ON CONFLICT (indicator_id) DO UPDATE SET fingerprint = excluded.fingerprint, run_id = excluded.run_id;

    -- reconcile with the live flags of the examined series
    WITH withdrawn AS (
        UPDATE krimp.tipping_point_flag f
           SET status = 'withdrawn', withdrawn_at = t0, last_run_id = run
          FROM pg_temp.krimp_nightly_series s
         WHERE f.indicator_id = s.indicator_id AND f.region_id = s.region_id AND f.status <> 'withdrawn'
           AND NOT EXISTS (SELECT 1 FROM pg_temp.krimp_nightly_found x
                            WHERE x.indicator_id = f.indicator_id AND x.region_id = f.region_id
                              AND x.period = f.period AND x.kind = f.kind)
        RETURNING 1)
    SELECT count(*) INTO n_withdrawn FROM withdrawn;

    WITH confirmed AS (
        UPDATE krimp.tipping_point_flag f
           SET status = 'confirmed', last_confirmed = t0, last_run_id = run,
               direction = x.direction, assessment = x.assessment, before = x.before, after = x.after,
               abs_change = x.abs_change, rel_change = x.rel_change, p_value = x.p_value,
               score = x.score, recent = x.recent AND x.region_current
          FROM pg_temp.krimp_nightly_found x
         WHERE f.indicator_id = x.indicator_id AND f.region_id = x.region_id
           AND f.period = x.period AND f.kind = x.kind AND f.status <> 'withdrawn'
        RETURNING 1)
    SELECT count(*) INTO n_confirmed FROM confirmed;

    WITH fresh AS (
        INSERT INTO krimp.tipping_point_flag (indicator_id, region_id, period, kind, direction, assessment,
                                              before, after, abs_change, rel_change, p_value, score, recent,
                                              status, first_flagged, last_confirmed, first_run_id, last_run_id)
        SELECT x.indicator_id, x.region_id, x.period, x.kind, x.direction, x.assessment, x.before, x.after,
               x.abs_change, x.rel_change, x.p_value, x.score, x.recent AND x.region_current, 'new', t0, t0, run, run
          FROM pg_temp.krimp_nightly_found x
         WHERE NOT EXISTS (SELECT 1 FROM krimp.tipping_point_flag f
                            WHERE f.indicator_id = x.indicator_id AND f.region_id = x.region_id
                              AND f.period = x.period AND f.kind = x.kind AND f.status <> 'withdrawn')
        RETURNING 1)
    SELECT count(*) INTO n_new FROM fresh;

    UPDATE krimp.job_run
       SET finished_at = clock_timestamp(), flags_new = n_new, flags_confirmed = n_confirmed,
           flags_withdrawn = n_withdrawn,
           duration_ms = extract(epoch FROM clock_timestamp() - t0) * 1000
     WHERE run_id = run;

    IF n_new > 0 THEN
        PERFORM pg_notify('krimp_tipping_points',
                          json_build_object('run_id', run, 'series_examined', n_series, 'new', n_new,
                                            'confirmed', n_confirmed, 'withdrawn', n_withdrawn)::text);
    END IF;
    DROP TABLE pg_temp.krimp_nightly_found;
    DROP TABLE pg_temp.krimp_nightly_bench;
    DROP TABLE pg_temp.krimp_nightly_series;
END
$$;
COMMENT ON PROCEDURE krimp.nightly(boolean) IS
    'the nightly job: detect tipping points in every series whose observations changed since the last run, whose embargo ended since, or whose benchmark changed (all series with full_run => true), reconcile the flags (new, confirmed, withdrawn), record the run in krimp.job_run and NOTIFY krimp_tipping_points with a JSON summary when something new was flagged';
REVOKE ALL ON PROCEDURE krimp.nightly(boolean) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE krimp.nightly(boolean) TO krimp_admin;
-- Schedule the nightly job with pg_cron, when pg_cron is installed.
-- pg_cron 1.4 (Debian 12) reads schedules in GMT: '0 2 * * *' runs at 03:00
-- in Amsterdam in winter and 04:00 in summer.  pg_cron keeps a job per name
-- and user, and each user sees only its own: the job is scheduled as the
-- caller, then krimp.schedule_nightly_keep_one removes every other user's
-- krimp-nightly job, so that one job remains whoever calls (two would start
-- together, and one fail with 55P03 on the nightly job's lock).
CREATE OR REPLACE FUNCTION krimp.schedule_nightly_keep_one(keep bigint) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'feature_not_supported';
    END IF;
    -- only in favour of a krimp-nightly job, so that there is always one
    EXECUTE 'SELECT count(*) FROM cron.job WHERE jobid = $1 AND jobname = $2' INTO n USING keep, 'krimp-nightly';
    IF n = 0 THEN
        RAISE EXCEPTION 'pg_cron job % is not a krimp-nightly job', keep
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Schedule the job with krimp.schedule_nightly().';
    END IF;
    EXECUTE 'SELECT count(cron.unschedule(jobid)) FROM cron.job WHERE jobname = $1 AND jobid <> $2'
        INTO n USING 'krimp-nightly', keep;
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.schedule_nightly_keep_one(bigint) IS
    'unschedule every pg_cron job named krimp-nightly but the given one, of whatever user (pg_cron keeps one per user; called by krimp.schedule_nightly); returns how many were removed';
REVOKE ALL ON FUNCTION krimp.schedule_nightly_keep_one(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.schedule_nightly_keep_one(bigint) TO krimp_admin;

CREATE OR REPLACE FUNCTION krimp.schedule_nightly(schedule text DEFAULT '0 2 * * *') RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    job bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Install postgresql-15-cron, add pg_cron to shared_preload_libraries, CREATE EXTENSION pg_cron, or run "krimpctl nightly" from an external scheduler.';
    END IF;
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO job
        USING 'krimp-nightly', schedule, 'CALL krimp.nightly()';
    PERFORM krimp.schedule_nightly_keep_one(job);
    RETURN job;
END
$$;
COMMENT ON FUNCTION krimp.schedule_nightly(text) IS
    'schedule CALL krimp.nightly() with pg_cron as the caller (job name krimp-nightly, one job whoever calls: another user''s is unscheduled; the schedule is read in GMT by pg_cron 1.4); an error with a hint when pg_cron is not installed';
REVOKE ALL ON FUNCTION krimp.schedule_nightly(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.schedule_nightly(text) TO krimp_admin;
