
-- ===================================================================
-- The nightly job: flags tipping points in every series whose
-- observations changed, keeps each flag's life (new, confirmed,
-- withdrawn), records every run and notifies listeners.
--
--   observation INSERT/UPDATE --trigger--> krimp.series_queue
--   CALL krimp.nightly()  -->  krimp.tipping_points() per queued series
--                         -->  krimp.tipping_point_flag (reconciled)
--                         -->  krimp.job_run, NOTIFY krimp_tipping_points
-- ===================================================================

-- Series to recompute: appended by a trigger on the observations, taken by
-- the nightly job.  Append-only, so a load never waits for a running job.
CREATE SEQUENCE krimp.series_queue_id_seq;
CREATE TABLE krimp.series_queue (
    queue_id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.series_queue_id_seq'),
    indicator_id    integer NOT NULL,
    region_id       bigint NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
ALTER SEQUENCE krimp.series_queue_id_seq OWNED BY krimp.series_queue.queue_id;
COMMENT ON TABLE krimp.series_queue IS
    'series (indicator, region version) whose observations changed since the last nightly run';
-- The queue is work in progress, not data: pg_dump does not keep it.  A
-- restore fills it anew, since restoring the observations fires the trigger
-- below, so the first run after a restore examines every restored series.

-- Queue the series a statement touched, once each.  SECURITY DEFINER so that
-- writers need no right on the queue itself; fixed search_path.
CREATE FUNCTION krimp.series_queue_trigger() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    INSERT INTO krimp.series_queue (indicator_id, region_id)
    SELECT DISTINCT n.indicator_id, n.region_id FROM changed n;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION krimp.series_queue_trigger() IS
    'trigger: queue every series whose observations a statement inserted or retracted';
REVOKE ALL ON FUNCTION krimp.series_queue_trigger() FROM PUBLIC;
CREATE TRIGGER observation_queue_insert AFTER INSERT ON krimp.observation_row
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
CREATE TRIGGER observation_queue_update AFTER UPDATE ON krimp.observation_row
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
-- Blocks of observations (41_blocks.sql) queue their series as rows do.
CREATE TRIGGER observation_block_queue_insert AFTER INSERT ON krimp.observation_block
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
CREATE TRIGGER observation_block_queue_update AFTER UPDATE ON krimp.observation_block
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();

-- Every run of the job.
CREATE SEQUENCE krimp.job_run_id_seq;
CREATE TABLE krimp.job_run (
    run_id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.job_run_id_seq'),
    job                 text NOT NULL DEFAULT 'nightly',
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz NOT NULL,
    full_run            boolean NOT NULL,
    run_by              name NOT NULL DEFAULT SESSION_USER,
    series_examined     integer NOT NULL,
    flags_new           integer NOT NULL,
    flags_confirmed     integer NOT NULL,
    flags_withdrawn     integer NOT NULL,
    duration_ms         double precision NOT NULL
);
ALTER SEQUENCE krimp.job_run_id_seq OWNED BY krimp.job_run.run_id;
COMMENT ON TABLE krimp.job_run IS
    'what each nightly run did: series examined, flags new, confirmed and withdrawn, time taken';
SELECT pg_catalog.pg_extension_config_dump('krimp.job_run', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.job_run_id_seq', '');

-- Flagged tipping points and their life.
CREATE SEQUENCE krimp.tipping_point_flag_id_seq;
CREATE TABLE krimp.tipping_point_flag (
    flag_id             bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.tipping_point_flag_id_seq'),
    indicator_id        integer NOT NULL REFERENCES krimp.indicator,
    region_id           bigint NOT NULL REFERENCES krimp.region,
    period              krimp.period NOT NULL,
    kind                text NOT NULL,
    direction           text,
    assessment          text,
    before              double precision,
    after               double precision,
    abs_change          double precision,
    rel_change          double precision,
    p_value             double precision,
    score               double precision,
    recent              boolean,
    status              text NOT NULL CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['new', 'confirmed', 'withdrawn'])),
    first_flagged       timestamptz NOT NULL,
    last_confirmed      timestamptz NOT NULL,
    withdrawn_at        timestamptz,
    first_run_id        bigint NOT NULL REFERENCES krimp.job_run,
    last_run_id         bigint NOT NULL REFERENCES krimp.job_run,
    CHECK ((status OPERATOR(pg_catalog.=) 'withdrawn') OPERATOR(pg_catalog.=) (withdrawn_at IS NOT NULL))
);
ALTER SEQUENCE krimp.tipping_point_flag_id_seq OWNED BY krimp.tipping_point_flag.flag_id;
-- one live flag per tipping point: a rerun never duplicates one; withdrawn flags are kept
CREATE UNIQUE INDEX tipping_point_flag_live ON krimp.tipping_point_flag (indicator_id, region_id, period, kind)
    WHERE status OPERATOR(pg_catalog.<>) 'withdrawn';
COMMENT ON TABLE krimp.tipping_point_flag IS
    'tipping points the nightly job flagged: new on the run that first found one, confirmed while later runs find it again, withdrawn (and kept) when revised data made it disappear';
SELECT pg_catalog.pg_extension_config_dump('krimp.tipping_point_flag', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.tipping_point_flag_id_seq', '');

-- The shared benchmark (national, outside decline regions) of each indicator
-- as the last run compared its series with it, as a fingerprint: a benchmark
-- formed from other series (the national figure from the municipalities)
-- changes with them, and the next run examines again every series of the
-- indicator when the fingerprint differs.
CREATE TABLE krimp.nightly_benchmark (
    indicator_id        integer PRIMARY KEY REFERENCES krimp.indicator ON DELETE CASCADE,
    fingerprint         text,
    run_id              bigint NOT NULL REFERENCES krimp.job_run
);
COMMENT ON TABLE krimp.nightly_benchmark IS
    'the fingerprint (md5 of its periods, values and sources) of each indicator''s shared benchmark as the last nightly run that formed it read it: a run examines every series of an indicator whose benchmark changed since (krimp.nightly)';
SELECT pg_catalog.pg_extension_config_dump('krimp.nightly_benchmark', '');

GRANT SELECT ON krimp.job_run, krimp.tipping_point_flag TO krimp_reader;
GRANT SELECT ON krimp.nightly_benchmark TO krimp_reader;

GRANT SELECT, DELETE ON krimp.series_queue TO krimp_admin;
GRANT SELECT, INSERT, UPDATE ON krimp.tipping_point_flag, krimp.job_run, krimp.nightly_benchmark TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.job_run_id_seq, krimp.tipping_point_flag_id_seq TO krimp_admin;
