
-- ===================================================================
-- krimp.apply_batch() and its steps.
--
-- apply_batch files an open batch's staged rows and runs (42_load.sql:
-- begin_batch, the staging checks) in one call, in named steps, each a
-- function of its own, called in this order:
--   apply_batch_check_arguments   the publication time, krimp.load_lookup,
--                                 the tables staged and blocks, on_error
--   apply_batch_lock_batch        the batch, locked; it must be open
--   apply_batch_filed_before      what was filed into it by hand
--   apply_batch_stage_rows        its rows, parsed: pg_temp.krimp_staged
--   apply_batch_stage_runs        its runs, resolved and checked:
--                                 pg_temp.krimp_blocks; which are fast
--   apply_batch_take_load_locks   one load at a time per organisation
--                                 and indicator (krimp.load_lock)
--   apply_batch_compare_runs      the runs unchanged as a whole, and the
--                                 runs that must be compared figure by figure
--   apply_batch_unroll_runs       those and the bad runs, as rows
--   apply_batch_check_rows        every row resolved and checked:
--                                 pg_temp.krimp_resolved
--   apply_batch_skip_rows         the figures that cannot exist left out
--                                 (no figure where the region had no version)
--   apply_batch_reject_rows       the bad rows set aside (or the load fails)
--   apply_batch_file_rows         the good rows filed: new vintages of what
--                                 changed; a status that goes back set aside
--   apply_batch_file_runs         the fast runs filed as they are
--   apply_batch_finish            the counts; the staged rows deleted
-- The steps pass the batch row and what the earlier steps found as
-- arguments; the rows between them are in apply_batch's working tables
-- (pg_temp.krimp_staged, pg_temp.krimp_blocks, pg_temp.krimp_resolved,
-- dropped at commit), nothing else.  They are apply_batch's parts, not an
-- API: called in another order they fail, or file nothing apply_batch
-- would not (they run with the caller's rights, as apply_batch does).
-- ===================================================================

-- The arguments checked, in this order: the publication time (the vintage
-- the rows are checked against: the one given, or the time now; the vintage
-- taken after the load locks is later still), the setting krimp.load_lookup,
-- the tables the rows and the runs are in, on_error.  Gives the tables
-- qualified by their own schema.  (VOLATILE: it reads the clock)
CREATE OR REPLACE FUNCTION krimp.apply_batch_check_arguments(on_error text, published_at timestamptz, staged regclass,
                                                     blocks regclass, OUT check_at timestamptz,
                                                     OUT staged_rel text, OUT blocks_rel text, OUT lookup text)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    arg record;
    arg_rel text;
BEGIN
    check_at := coalesce(apply_batch_check_arguments.published_at, clock_timestamp());
    lookup := coalesce(nullif(pg_catalog.current_setting('krimp.load_lookup', true), ''), 'auto');
    staged_rel := 'krimp.observation_staging';
    IF NOT isfinite(check_at) OR check_at > clock_timestamp() + interval '1 day' THEN
        RAISE EXCEPTION 'publication time % is %', check_at,
                        CASE WHEN isfinite(check_at) THEN 'more than a day ahead of now' ELSE 'not a finite time' END
            USING ERRCODE = 'datetime_field_overflow',
                  HINT = 'Give published_at as a finite time up to a day ahead of now, or leave it out for the time of the load.';
    END IF;
    IF lookup NOT IN ('auto', 'per_row', 'set_wise') THEN
        RAISE EXCEPTION 'unknown krimp.load_lookup "%"', lookup
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Set krimp.load_lookup to auto (the default), per_row or set_wise.';
    END IF;
    -- the tables the rows and the runs are in, qualified by their own schema:
    -- the function's search_path must not pick another table of that name
    FOR arg IN SELECT v.rel, v.what, v.example FROM (VALUES (staged, 'rows', 'my_rows'),
                                                            (blocks, 'blocks', 'my_blocks')) v(rel, what, example)
                WHERE v.rel IS NOT NULL LOOP
        SELECT format('%I.%I', n.nspname, c.relname) INTO arg_rel
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = arg.rel;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'relation with OID % does not exist', arg.rel::oid
                USING ERRCODE = 'undefined_table',
                      HINT = format('Name the table that holds the staged %s, for example %s => ''pg_temp.%s''.',
                                    arg.what, CASE arg.what WHEN 'rows' THEN 'staged' ELSE 'blocks' END, arg.example);
        END IF;
        IF arg.rel IN (pg_catalog.to_regclass('pg_temp.krimp_staged'), pg_catalog.to_regclass('pg_temp.krimp_resolved'),
                       pg_catalog.to_regclass('pg_temp.krimp_blocks')) THEN
            RAISE EXCEPTION 'staged % cannot be read from %, a working table of apply_batch', arg.what, arg.rel
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('Stage the %s in a table of another name.', arg.what);
        END IF;
        IF arg.what = 'rows' THEN
            staged_rel := arg_rel;
        ELSE
            blocks_rel := arg_rel;
        END IF;
    END LOOP;
    IF on_error NOT IN ('reject', 'abort') THEN
        RAISE EXCEPTION 'unknown on_error mode "%"', on_error
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''reject'' to set bad rows aside, or ''abort'' to load nothing when a row is bad.';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_check_arguments(text, timestamptz, regclass, regclass) IS
    'step 1 of krimp.apply_batch: checks its arguments (publication time, krimp.load_lookup, the tables staged and blocks, on_error); returns the time the rows are checked against, the two tables qualified by their schema (krimp.observation_staging when staged is NULL; NULL when blocks is) and the lookup';
REVOKE ALL ON FUNCTION krimp.apply_batch_check_arguments(text, timestamptz, regclass, regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_check_arguments(text, timestamptz, regclass, regclass) TO krimp_writer, krimp_admin;

-- The batch, locked until the load commits; it must exist, be visible to
-- the caller and be open.
CREATE OR REPLACE FUNCTION krimp.apply_batch_lock_batch(batch_id bigint)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    b krimp.load_batch;
BEGIN
    SELECT * INTO b FROM krimp.load_batch lb WHERE lb.batch_id = apply_batch_lock_batch.batch_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'load batch % does not exist or is not yours', apply_batch_lock_batch.batch_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF b.state <> 'open' THEN
        RAISE EXCEPTION 'load batch % is already applied', b.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Open a new batch with krimp.begin_batch() for a new load.';
    END IF;
    RETURN b;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_lock_batch(bigint) IS
    'step 2 of krimp.apply_batch: the batch, locked (FOR UPDATE); 42704 when it does not exist or is not yours, 55000 when it is applied already';
REVOKE ALL ON FUNCTION krimp.apply_batch_lock_batch(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_lock_batch(bigint) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_filed_before(b krimp.load_batch, OUT n_filed_before bigint,
                                                          OUT n_rejected_before bigint)
    RETURNS record
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- figures and rejected rows filed into the open batch by hand (INSERT
    -- INTO krimp.observation): counted with the batch's, which must match
    -- what it filed (krimp.load_batch_guard_trigger)
    SELECT (SELECT count(*) FROM krimp.observation_row o WHERE o.batch_id = b.batch_id)
           + (SELECT coalesce(sum(pg_catalog.cardinality(x.value)), 0) FROM krimp.observation_block x
               WHERE x.batch_id = b.batch_id),
           (SELECT count(*) FROM krimp.rejected_row r WHERE r.batch_id = b.batch_id)
      INTO n_filed_before, n_rejected_before;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_filed_before(krimp.load_batch) IS
    'step 3 of krimp.apply_batch: the figures and rejected rows filed into the open batch by hand (an INSERT through krimp.observation), which its counts include';
REVOKE ALL ON FUNCTION krimp.apply_batch_filed_before(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_filed_before(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_stage_rows(b krimp.load_batch, staged_rel text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- the batch's rows, parsed once, in a table of their own with statistics,
    -- so that the planner sizes the joins of the later steps by the real row
    -- count (the shared staging table's statistics say nothing about this
    -- batch)
    IF pg_catalog.to_regclass('pg_temp.krimp_staged') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_staged;
    END IF;
    IF pg_catalog.to_regclass('pg_temp.krimp_resolved') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_resolved;
    END IF;
    IF pg_catalog.to_regclass('pg_temp.krimp_blocks') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_blocks;
    END IF;
    EXECUTE format($q$
    CREATE TEMP TABLE krimp_staged ON COMMIT DROP AS
    SELECT st.line_number, st.org_code, st.indicator_code, st.region_code, st.period, st.value, st.status,
           st.kind, st.forecast_producer, st.forecast_base_year, st.released_at,
           krimp.try_period(st.period) AS p,
           krimp.normalise_region_code(st.region_code) AS norm_region,
           krimp.normalise_status(st.status, st.value) AS norm_status,
           coalesce(nullif(btrim(st.kind), ''), 'realisation') AS norm_kind,
           NULL::text AS pre_problem
      FROM %s st
     WHERE st.batch_id = %s$q$, staged_rel, b.batch_id);
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_stage_rows(krimp.load_batch, text) IS
    'step 4 of krimp.apply_batch: the batch''s staged rows (in the table staged_rel names, qualified) parsed once into pg_temp.krimp_staged, after dropping any working tables of apply_batch left in the session';
REVOKE ALL ON FUNCTION krimp.apply_batch_stage_rows(krimp.load_batch, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_stage_rows(krimp.load_batch, text) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_stage_runs(b krimp.load_batch, blocks_rel text, check_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    first_problem record;
BEGIN
    -- Staged blocks: a run of one series, one value per period from
    -- first_period on (line first_line + k holds value[k + 1]).  A block is
    -- filed as it is when everything about it holds for all its figures and
    -- its series has no figure of this organisation in its periods yet;
    -- any other block is unrolled into rows (apply_batch_unroll_runs) and
    -- takes the rows' way, which compares, files revisions and gives every
    -- bad figure its reason.
    -- (values of a run up to 8 kB stay in the row, uncompressed: a run is
    -- read whole at every step, and compressing doubles gains little)
    CREATE TEMP TABLE krimp_blocks (
        first_line bigint, staged_org text, indicator_code text, region_code text, period_text text,
        value double precision[], status_text text, kind_text text, forecast_producer text,
        forecast_base_year integer, released_at timestamptz,
        p krimp.period, last_p krimp.period, norm_region text, status text, kind text,
        indicator_id integer, granularity text, region_id bigint, fast boolean,
        unchanged boolean NOT NULL DEFAULT false
    ) WITH (toast_tuple_target = 8160) ON COMMIT DROP;
    IF blocks_rel IS NOT NULL THEN
        -- every run resolved and checked in one pass: a run is filed as it is
        -- (fast) when it is the batch's organisation's, its indicator is known
        -- and measured per its periods' granularity, one version of its region
        -- holds for all its periods, its status is known and it has a value
        -- for every period (none in status unknown), none NaN or infinite, and
        -- its kind is complete
        EXECUTE format($q$
        INSERT INTO pg_temp.krimp_blocks (first_line, staged_org, indicator_code, region_code, period_text, value,
                                          status_text, kind_text, forecast_producer, forecast_base_year,
                                          released_at, p, last_p, norm_region, status, kind, indicator_id,
                                          granularity, region_id, fast)
        SELECT x.first_line, x.org_code, x.indicator_code, x.region_code, x.first_period, x.value, x.status,
               x.kind, x.forecast_producer, x.forecast_base_year, x.released_at, x.p, x.last_p, x.norm_region,
               x.norm_status, x.norm_kind, x.indicator_id, x.granularity, rv.region_id,
               coalesce(x.org_code = $1
                        AND rv.region_id IS NOT NULL
                        AND krimp.granularity(x.p) = x.granularity
                        AND x.norm_status IS NOT NULL
                        AND CASE WHEN x.norm_status = 'unknown'
                                 THEN pg_catalog.array_remove(x.value, NULL) = '{}'::double precision[]
                                 ELSE pg_catalog.array_position(x.value, NULL) IS NULL END
                        AND NOT (x.value && '{NaN,Infinity,-Infinity}'::double precision[])
                        AND (x.norm_kind = 'realisation'
                             OR (x.norm_kind = 'forecast' AND x.forecast_producer <> ''
                                 AND x.forecast_base_year <> 0))
                        AND krimp.vintage_problem(x.norm_kind, x.p, $3, x.released_at) IS NULL, false)
          FROM (SELECT y.*,
                       CASE WHEN pg_catalog.array_ndims(y.value) = 1 AND pg_catalog.array_lower(y.value, 1) = 1
                                 AND pg_catalog.cardinality(y.value) <= 4096
                            THEN krimp.period_after(y.p, pg_catalog.cardinality(y.value) - 1) END AS last_p
                  FROM (SELECT bl.first_line, bl.org_code, bl.indicator_code, bl.region_code, bl.first_period,
                               bl.value, bl.status, bl.kind, coalesce(bl.forecast_producer, '') AS forecast_producer,
                               coalesce(bl.forecast_base_year, 0) AS forecast_base_year, bl.released_at,
                               krimp.try_period(bl.first_period) AS p,
                               krimp.normalise_region_code(bl.region_code) AS norm_region,
                               -- (no value: CBS's "." when the run has no status marker)
                               krimp.normalise_status(bl.status,
                                   CASE WHEN bl.value[pg_catalog.array_lower(bl.value, 1)] IS NULL THEN '.' END)
                                   AS norm_status,
                               coalesce(nullif(btrim(bl.kind), ''), 'realisation') AS norm_kind,
                               i.indicator_id, i.granularity
                          FROM %s bl
                          LEFT JOIN krimp.indicator i ON i.code = btrim(bl.indicator_code)
                         WHERE bl.batch_id = $2) y) x
          LEFT JOIN LATERAL (
                SELECT rv.region_id FROM krimp.region rv
                 WHERE x.last_p IS NOT NULL AND rv.code = x.norm_region
                   -- (the version of the figures' layout: krimp.figure_region_days)
                   AND rv.valid_from <= pg_catalog.lower(krimp.figure_region_days(x.norm_kind, x.forecast_base_year,
                                                                                  x.p, x.last_p))
                   AND (rv.valid_to IS NULL
                        OR rv.valid_to >= pg_catalog.upper(krimp.figure_region_days(x.norm_kind, x.forecast_base_year,
                                                                                    x.p, x.last_p)))
                 LIMIT 1) rv ON true$q$, blocks_rel)
        USING b.org_code, b.batch_id, check_at;
        SELECT k.first_line INTO first_problem FROM pg_temp.krimp_blocks k
         WHERE coalesce(pg_catalog.cardinality(k.value), 0) = 0 ORDER BY k.first_line LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'the staged run on line % has no values', first_problem.first_line
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Give every staged run at least one value; a figure CBS marks "." is a NULL in the array.';
        END IF;
        ANALYZE pg_temp.krimp_blocks;
        -- two runs of one series that share a period, or a run and a staged
        -- row of it: the rows' way sets every copy aside
        UPDATE pg_temp.krimp_blocks k SET fast = false
         WHERE k.fast AND EXISTS (
               SELECT FROM pg_temp.krimp_blocks k2
                WHERE k2.ctid <> k.ctid AND k2.indicator_id = k.indicator_id AND k2.norm_region = k.norm_region
                  AND k2.kind = k.kind AND k2.forecast_producer = k.forecast_producer
                  AND k2.forecast_base_year = k.forecast_base_year
                  AND k2.p IS NOT NULL AND (k2.last_p IS NULL OR (k2.p <= k.last_p AND k2.last_p >= k.p))
                  AND krimp.granularity(k2.p) = krimp.granularity(k.p));
        UPDATE pg_temp.krimp_blocks k SET fast = false
         WHERE k.fast AND EXISTS (SELECT FROM pg_temp.krimp_staged) AND EXISTS (
               SELECT FROM pg_temp.krimp_staged s
                WHERE btrim(s.indicator_code) = btrim(k.indicator_code) AND s.norm_region = k.norm_region
                  AND s.p >= k.p AND s.p <= k.last_p);
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_stage_runs(krimp.load_batch, text, timestamptz) IS
    'step 5 of krimp.apply_batch: the batch''s staged runs (in the table blocks_rel names, qualified; none when NULL) resolved and checked into pg_temp.krimp_blocks, each marked fast when it can be filed as it is; 22023 for a run without values; a run that shares a period with another run or a staged row is not fast';
REVOKE ALL ON FUNCTION krimp.apply_batch_stage_runs(krimp.load_batch, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_stage_runs(krimp.load_batch, text, timestamptz) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_take_load_locks(b krimp.load_batch)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- One load at a time compares with and files the figures of an indicator
    -- of an organisation (krimp.load_lock): a second load of the same file
    -- waits for the first, then finds every figure unchanged (the statements
    -- of the later steps see what the first committed, under READ COMMITTED;
    -- under REPEATABLE READ and SERIALIZABLE it fails with 40001 instead, to
    -- be retried), and its vintage is taken after the wait (by apply_batch),
    -- so the load that commits last is the current one.
    -- (the locks in indicator order: two batches never wait for each other)
    INSERT INTO krimp.load_lock AS l (org_code, indicator_id, batch_id)
    SELECT b.org_code, i.indicator_id, b.batch_id
      FROM krimp.indicator i
     WHERE i.code IN (SELECT btrim(s.indicator_code) FROM pg_temp.krimp_staged s
                       UNION SELECT btrim(k.indicator_code) FROM pg_temp.krimp_blocks k)
     ORDER BY i.indicator_id
        ON CONFLICT (org_code, indicator_id) DO UPDATE SET batch_id = excluded.batch_id;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_take_load_locks(krimp.load_batch) IS
    'step 6 of krimp.apply_batch: writes (and so locks, in indicator order) the krimp.load_lock row of the batch''s organisation for every indicator staged, waiting for a load of the same that has not committed';
REVOKE ALL ON FUNCTION krimp.apply_batch_take_load_locks(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_take_load_locks(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_compare_runs(b krimp.load_batch)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    has_figures boolean;
BEGIN
    -- A run whose series already has a figure of this organisation in its
    -- periods is compared figure by figure (the rows' way), unless those
    -- figures are one block of the same periods, values and status, none of
    -- it retracted: then the run is unchanged as a whole (a file loaded again).
    -- (looked up per run only when the organisation has figures of the
    -- runs' indicators at all: a first load of an indicator skips it)
    SELECT EXISTS (SELECT FROM (SELECT DISTINCT k1.indicator_id FROM pg_temp.krimp_blocks k1 WHERE k1.fast) ki
                    WHERE EXISTS (SELECT FROM krimp.observation_row o
                                   WHERE o.indicator_id = ki.indicator_id AND o.org_code = b.org_code)
                       OR EXISTS (SELECT FROM krimp.observation_block x
                                   WHERE x.indicator_id = ki.indicator_id AND x.org_code = b.org_code))
      INTO has_figures;
    UPDATE pg_temp.krimp_blocks k SET fast = false, unchanged = NOT e.in_rows AND e.blocks = 1 AND e.same_block
      FROM (SELECT k1.ctid AS run,
                   EXISTS (SELECT FROM krimp.observation_row o
                            WHERE o.indicator_id = k1.indicator_id AND o.region_id = k1.region_id
                              AND o.period >= k1.p AND o.period <= k1.last_p AND o.org_code = b.org_code
                              AND o.kind = k1.kind AND o.forecast_producer = k1.forecast_producer
                              AND o.forecast_base_year = k1.forecast_base_year) AS in_rows,
                   x.blocks, x.same_block
              FROM pg_temp.krimp_blocks k1
             CROSS JOIN LATERAL (
                   SELECT count(*) AS blocks,
                          bool_and(x.first_period = k1.p AND x.value = k1.value AND x.status = k1.status
                                   AND x.retracted_at IS NULL) AS same_block
                     FROM krimp.observation_block x
                    WHERE x.indicator_id = k1.indicator_id AND x.region_id = k1.region_id
                      AND x.org_code = b.org_code AND x.kind = k1.kind
                      AND x.forecast_producer = k1.forecast_producer
                      AND x.forecast_base_year = k1.forecast_base_year
                      AND x.first_period <= k1.last_p
                      AND krimp.granularity(x.first_period) = krimp.granularity(k1.p)
                      AND x.first_period + (pg_catalog.cardinality(x.value) - 1) >= k1.p) x
             WHERE has_figures AND k1.fast) e
     WHERE k.ctid = e.run AND (e.in_rows OR e.blocks > 0);
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_compare_runs(krimp.load_batch) IS
    'step 7 of krimp.apply_batch: a fast run whose series has figures of the organisation in its periods is marked unchanged (one identical block) or to be compared figure by figure (pg_temp.krimp_blocks)';
REVOKE ALL ON FUNCTION krimp.apply_batch_compare_runs(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_compare_runs(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_unroll_runs()
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- the other runs, unrolled: a row per figure, its line and period counted
    -- on from the run's first (a period that cannot be read stays as written)
    INSERT INTO pg_temp.krimp_staged (line_number, org_code, indicator_code, region_code, period, value, status,
                                      kind, forecast_producer, forecast_base_year, released_at, p, norm_region,
                                      norm_status, norm_kind)
    SELECT k.first_line + (f.i - 1), k.staged_org, k.indicator_code, k.region_code,
           coalesce(f.p::text,
                    CASE WHEN f.i = 1 THEN k.period_text ELSE format('%s + %s', k.period_text, f.i - 1) END),
           f.value::text, k.status_text, k.kind_text, k.forecast_producer, k.forecast_base_year,
           k.released_at, f.p, k.norm_region,
           -- (no value: CBS's "." when the run has no status marker)
           krimp.normalise_status(k.status_text, CASE WHEN f.value IS NULL THEN '.' END),
           k.kind
      FROM pg_temp.krimp_blocks k
     CROSS JOIN LATERAL (SELECT u.value, u.i,
                                -- (every period of a run with a last period exists)
                                CASE WHEN k.last_p IS NOT NULL THEN k.p + (u.i - 1)::integer
                                     ELSE krimp.period_after(k.p, u.i - 1) END AS p
                           FROM unnest(k.value) WITH ORDINALITY AS u(value, i)) f
     WHERE NOT k.fast AND NOT k.unchanged AND pg_catalog.array_ndims(k.value) = 1;
    -- a run of more than one dimension is not a run: it is set aside whole, on its first line
    INSERT INTO pg_temp.krimp_staged (line_number, org_code, indicator_code, region_code, period, value, status,
                                      kind, forecast_producer, forecast_base_year, released_at, p, norm_region,
                                      norm_status, norm_kind, pre_problem)
    SELECT k.first_line, k.staged_org, k.indicator_code, k.region_code, k.period_text, krimp.excerpt(k.value::text),
           k.status_text, k.kind_text, k.forecast_producer, k.forecast_base_year, k.released_at, k.p, k.norm_region,
           k.status, k.kind,
           format('the staged run has %s dimensions (%s), where a run is a one-dimensional array of values',
                  pg_catalog.array_ndims(k.value), pg_catalog.array_dims(k.value))
      FROM pg_temp.krimp_blocks k
     WHERE pg_catalog.array_ndims(k.value) > 1;
    ANALYZE pg_temp.krimp_staged;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_unroll_runs() IS
    'step 8 of krimp.apply_batch: every run neither fast nor unchanged unrolled into pg_temp.krimp_staged, a row per figure; a run of more than one dimension as one bad row';
REVOKE ALL ON FUNCTION krimp.apply_batch_unroll_runs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_unroll_runs() TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_check_rows(b krimp.load_batch, check_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- resolve and check every staged row once; regions by join, not by a
    -- function call per row
    CREATE TEMP TABLE krimp_resolved ON COMMIT DROP AS
    WITH r AS (
        SELECT s.*, i.indicator_id, i.granularity AS indicator_granularity, rv.region_id
          FROM pg_temp.krimp_staged s
          LEFT JOIN krimp.indicator i ON i.code = btrim(s.indicator_code)
          LEFT JOIN krimp.region rv
                 ON rv.code = s.norm_region
                -- (the version of the figure's layout: krimp.figure_region_days)
                AND rv.valid_from <= pg_catalog.lower(krimp.figure_region_days(s.norm_kind, s.forecast_base_year,
                                                                               s.p, s.p))
                AND (rv.valid_to IS NULL
                     OR rv.valid_to >= pg_catalog.upper(krimp.figure_region_days(s.norm_kind, s.forecast_base_year,
                                                                                 s.p, s.p)))
    )
    SELECT r.*,
           coalesce(r.pre_problem,
                    krimp.staged_row_problem(r.indicator_code, r.indicator_granularity, r.region_code,
                                             -- (looked up only for a row whose region has no version then)
                                             r.region_id IS NOT NULL
                                             OR EXISTS (SELECT FROM krimp.region rg WHERE rg.code = r.norm_region),
                                             r.region_id, r.period, r.p, r.value,
                                             r.norm_status, r.norm_kind, r.forecast_producer,
                                             r.forecast_base_year)) AS problem
      FROM r;
    DROP TABLE pg_temp.krimp_staged;
    ANALYZE pg_temp.krimp_resolved;

    -- every row of a batch is for the batch's organisation
    UPDATE pg_temp.krimp_resolved x
       SET problem = format('row for organisation %s in a load batch of %s', x.org_code, b.org_code)
     WHERE x.problem IS NULL AND x.org_code IS DISTINCT FROM b.org_code;

    -- a key twice in one load: every copy is set aside
    UPDATE pg_temp.krimp_resolved x
       SET problem = format('duplicate key in this load: indicator %s, region %s, period %s on lines %s',
                            btrim(x.indicator_code), krimp.normalise_region_code(x.region_code), x.p, d.lines)
      FROM (SELECT indicator_id, region_id, p, norm_kind, coalesce(forecast_producer, '') AS fp,
                   coalesce(forecast_base_year, 0) AS fy,
                   string_agg(line_number::text, ', ' ORDER BY line_number) AS lines
              FROM pg_temp.krimp_resolved
             WHERE problem IS NULL
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING count(*) > 1) d
     WHERE x.problem IS NULL AND x.indicator_id = d.indicator_id AND x.region_id = d.region_id
       AND x.p = d.p AND x.norm_kind = d.norm_kind AND coalesce(x.forecast_producer, '') = d.fp
       AND coalesce(x.forecast_base_year, 0) = d.fy;

    -- the vintage and the embargo: bounded (a realisation is not published
    -- before its period began; an embargo is a finite time)
    UPDATE pg_temp.krimp_resolved x
       SET problem = krimp.vintage_problem(x.norm_kind, x.p, check_at, x.released_at)
     WHERE x.problem IS NULL AND krimp.vintage_problem(x.norm_kind, x.p, check_at, x.released_at) IS NOT NULL;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_check_rows(krimp.load_batch, timestamptz) IS
    'step 9 of krimp.apply_batch: every staged row resolved (indicator, region version) and checked into pg_temp.krimp_resolved with its problem, if any: krimp.staged_row_problem, another organisation, a key twice in the load, krimp.vintage_problem at check_at';
REVOKE ALL ON FUNCTION krimp.apply_batch_check_rows(krimp.load_batch, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_check_rows(krimp.load_batch, timestamptz) TO krimp_writer, krimp_admin;

-- Step 9b: the figures that cannot exist.  A row without a figure (status
-- unknown, no value: CBS's null in an OData v3 table) for a period in which
-- its region had no version (a municipality merged away, or not yet made) is
-- CBS saying there is no such figure, not a row to correct: it is left out,
-- counted in krimp.load_batch.rows_skipped, and not rejected, so that a reload
-- records nothing new.  (OData v4 says the same with ValueAttribute
-- Impossible, which krimpctl leaves out itself.)  The problem it had is the
-- validity one of krimp.staged_row_problem: region known, no version then.
CREATE OR REPLACE FUNCTION krimp.apply_batch_skip_rows(b krimp.load_batch) RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM pg_temp.krimp_resolved x
     WHERE x.problem IS NOT NULL AND x.pre_problem IS NULL
       AND x.indicator_granularity IS NOT NULL AND x.p IS NOT NULL
       AND x.region_id IS NULL
       AND NOT (x.norm_kind = 'forecast' AND coalesce(x.forecast_base_year, 0) <> 0)
       AND x.norm_status = 'unknown' AND (x.value IS NULL OR btrim(x.value) IN ('', '.'))
       AND EXISTS (SELECT FROM krimp.region rg WHERE rg.code = x.norm_region);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_skip_rows(krimp.load_batch) IS
    'step 9b of krimp.apply_batch: rows without a figure (status unknown, no value) for a period in which their region had no version left out of pg_temp.krimp_resolved as figures that cannot exist (CBS''s nulls for a municipality merged away), not rejected; returns how many (apply_batch_finish records them in krimp.load_batch.rows_skipped)';
REVOKE ALL ON FUNCTION krimp.apply_batch_skip_rows(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_skip_rows(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_reject_rows(b krimp.load_batch, on_error text,
                                                         OUT n_read integer, OUT n_rejected integer)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    first_problem record;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE problem IS NOT NULL) INTO n_read, n_rejected
      FROM pg_temp.krimp_resolved;
    IF n_rejected > 0 AND on_error = 'abort' THEN
        SELECT line_number, problem INTO first_problem
          FROM pg_temp.krimp_resolved WHERE problem IS NOT NULL ORDER BY line_number LIMIT 1;
        RAISE EXCEPTION 'load batch % has % bad row(s); nothing was loaded', b.batch_id, n_rejected
            USING ERRCODE = 'data_exception',
                  DETAIL = format('Line %s: %s.', first_problem.line_number, first_problem.problem),
                  HINT = 'Correct the rows, or apply with on_error => ''reject'' to set bad rows aside.';
    END IF;

    INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason)
    SELECT b.batch_id, x.line_number, b.org_code,
           jsonb_build_object('indicator', x.indicator_code, 'region', x.region_code, 'period', x.period,
                              'value', x.value, 'status', x.status, 'kind', x.kind,
                              'forecast_producer', x.forecast_producer,
                              'forecast_base_year', x.forecast_base_year),
           x.problem
      FROM pg_temp.krimp_resolved x WHERE x.problem IS NOT NULL;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_reject_rows(krimp.load_batch, text) IS
    'step 10 of krimp.apply_batch: the rows with a problem set aside in krimp.rejected_row with their reason, or with on_error = abort the load fails (22000) on the first; returns the rows read and rejected';
REVOKE ALL ON FUNCTION krimp.apply_batch_reject_rows(krimp.load_batch, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_reject_rows(krimp.load_batch, text) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_file_rows(b krimp.load_batch, on_error text, vintage timestamptz, lookup text,
                                               OUT n_inserted integer, OUT n_revised integer, OUT n_regressed integer)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    n_good bigint;
    table_rows real;
    current_join text;
    first_regressed text;
BEGIN
    -- file the good rows: a new vintage unless the current one says the same.
    -- "Current" is as known at the batch's vintage (published_at <= vintage):
    -- a batch of an older vintage than the newest one filed (81293ned's 2012
    -- housing stock, revised by 82550NED's) compares with its own vintage's
    -- figure, so reloading it records nothing new.
    -- The current vintages are looked up per row through the vintage key when
    -- the batch is small beside the table, and read set-wise (one pass over
    -- the batch's indicators, hash-joined) when it is not.
    -- (krimp.load_lookup = per_row or set_wise chooses; auto, the default, by size)
    SELECT count(*) INTO n_good FROM pg_temp.krimp_resolved x WHERE x.problem IS NULL;
    -- (the figures filed: the rows, and the blocks at an average length guessed at 64)
    SELECT sum(CASE WHEN c.oid = 'krimp.observation_row'::pg_catalog.regclass THEN greatest(c.reltuples, 0)
                    ELSE greatest(c.reltuples, 0) * 64 END) INTO table_rows
      FROM pg_catalog.pg_class c
     WHERE c.oid IN ('krimp.observation_row'::pg_catalog.regclass, 'krimp.observation_block'::pg_catalog.regclass);
    IF lookup = 'set_wise' OR (lookup = 'auto' AND n_good::real * 10 >= table_rows) THEN
        current_join := $j$
          LEFT JOIN (
              SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer,
                                  o.forecast_base_year)
                     o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer, o.forecast_base_year,
                     o.observation_id, o.value, o.status
                FROM krimp.observation o
               WHERE o.org_code = $1 AND o.retracted_at IS NULL AND o.published_at <= $4
                 AND o.indicator_id IN (SELECT DISTINCT x.indicator_id FROM pg_temp.krimp_resolved x
                                         WHERE x.problem IS NULL)
               ORDER BY o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer,
                        o.forecast_base_year, o.published_at DESC, o.observation_id DESC) cur
                 ON cur.indicator_id = g.indicator_id AND cur.region_id = g.region_id AND cur.period = g.p
                AND cur.kind = g.norm_kind AND cur.forecast_producer = coalesce(g.forecast_producer, '')
                AND cur.forecast_base_year = coalesce(g.forecast_base_year, 0)$j$;
    ELSE
        current_join := $j$
          LEFT JOIN LATERAL (
              SELECT o.observation_id, o.value, o.status
                FROM krimp.observation o
               WHERE o.indicator_id = g.indicator_id AND o.region_id = g.region_id AND o.period = g.p
                 AND o.org_code = $1 AND o.kind = g.norm_kind
                 AND o.forecast_producer = coalesce(g.forecast_producer, '')
                 AND o.forecast_base_year = coalesce(g.forecast_base_year, 0)
                 AND o.retracted_at IS NULL AND o.published_at <= $4
               ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1) cur ON true$j$;
    END IF;
    EXECUTE format($q$
    WITH good AS (
        SELECT x.line_number, x.indicator_code, x.region_code, x.period, x.value, x.status, x.kind,
               x.indicator_id, x.region_id, x.p, x.norm_status, x.norm_kind, x.forecast_producer,
               x.forecast_base_year, x.released_at,
               CASE WHEN x.norm_status = 'unknown' THEN NULL ELSE btrim(x.value)::double precision END AS v
          FROM pg_temp.krimp_resolved x WHERE x.problem IS NULL
    ), compared0 AS (
        SELECT g.*, cur.observation_id AS current_id, cur.status AS current_status,
               (cur.observation_id IS NOT NULL AND cur.value IS NOT DISTINCT FROM g.v
                AND cur.status = g.norm_status) AS unchanged
          FROM good g %s
    ), compared AS (
        -- a status that goes back (definitief to voorlopig, say): set aside
        -- unless the batch gives a revision reason
        SELECT c.*, (c.current_id IS NOT NULL AND $5 IS NULL
                     AND krimp.status_rank(c.norm_status) < krimp.status_rank(c.current_status)) AS regressed
          FROM compared0 c
    ), rej AS (
        INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason)
        SELECT $3, c.line_number, $1,
               jsonb_build_object('indicator', c.indicator_code, 'region', c.region_code, 'period', c.period,
                                  'value', c.value, 'status', c.status, 'kind', c.kind,
                                  'forecast_producer', c.forecast_producer,
                                  'forecast_base_year', c.forecast_base_year),
               format('status %%s would replace the %%s figure %%s: a status goes back only in a batch with a revision reason',
                      c.norm_status, c.current_status, c.current_id)
          FROM compared c WHERE c.regressed
        RETURNING line_number, reason
    ), ins AS (
        INSERT INTO krimp.observation_row (indicator_id, region_id, period, value, status, kind,
                                       forecast_producer, forecast_base_year, source, org_code,
                                       batch_id, published_at, released_at)
        SELECT c.indicator_id, c.region_id, c.p, c.v, c.norm_status, c.norm_kind,
               coalesce(c.forecast_producer, ''), coalesce(c.forecast_base_year, 0), $2, $1,
               $3, $4, c.released_at
          FROM compared c WHERE NOT c.unchanged AND NOT c.regressed
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE NOT unchanged AND NOT regressed AND current_id IS NULL),
           count(*) FILTER (WHERE NOT unchanged AND NOT regressed AND current_id IS NOT NULL),
           (SELECT count(*) FROM rej),
           (SELECT format('Line %%s: %%s.', r.line_number, r.reason) FROM rej r ORDER BY r.line_number LIMIT 1)
      FROM compared$q$, current_join)
      INTO n_inserted, n_revised, n_regressed, first_regressed
     USING b.org_code, b.source, b.batch_id, vintage, b.revision_reason;
    IF n_regressed > 0 AND on_error = 'abort' THEN
        RAISE EXCEPTION 'load batch % has % bad row(s); nothing was loaded', b.batch_id, n_regressed
            USING ERRCODE = 'data_exception',
                  DETAIL = first_regressed,
                  HINT = 'Correct the rows, or give the batch a revision reason: krimp.begin_batch(org, source, file, revision_reason => ''...'').';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_file_rows(krimp.load_batch, text, timestamptz, text) IS
    'step 11 of krimp.apply_batch: the good rows filed in krimp.observation_row with the vintage, where the figure as known at that vintage (the latest published by then; looked up per row or set-wise, as lookup says) differs; a status that would go back without a revision reason set aside (abort: 22000); returns the figures inserted, revised and set aside';
REVOKE ALL ON FUNCTION krimp.apply_batch_file_rows(krimp.load_batch, text, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_file_rows(krimp.load_batch, text, timestamptz, text) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_file_runs(b krimp.load_batch, vintage timestamptz,
                                               OUT n_block_figures bigint, OUT n_blocks_unchanged bigint)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- the runs filed as they are
    INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, kind,
                                         forecast_producer, forecast_base_year, source, org_code, batch_id,
                                         published_at, released_at)
    SELECT k.indicator_id, k.region_id, k.p, k.value, k.status, k.kind, k.forecast_producer, k.forecast_base_year,
           b.source, b.org_code, b.batch_id, vintage, k.released_at
      FROM pg_temp.krimp_blocks k WHERE k.fast
     ORDER BY k.first_line;
    SELECT coalesce(sum(pg_catalog.cardinality(k.value)) FILTER (WHERE k.fast), 0),
           coalesce(sum(pg_catalog.cardinality(k.value)) FILTER (WHERE k.unchanged), 0)
      INTO n_block_figures, n_blocks_unchanged
      FROM pg_temp.krimp_blocks k;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_file_runs(krimp.load_batch, timestamptz) IS
    'step 12 of krimp.apply_batch: the fast runs filed as they are in krimp.observation_block with the vintage; returns the figures they hold and those of the runs unchanged as a whole';
REVOKE ALL ON FUNCTION krimp.apply_batch_file_runs(krimp.load_batch, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_file_runs(krimp.load_batch, timestamptz) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_finish(b krimp.load_batch, staged_rel text, blocks_rel text, n_read integer,
                                            n_inserted integer, n_revised integer, n_rejected integer,
                                            n_skipped integer)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    EXECUTE format('DELETE FROM %s st WHERE st.batch_id = $1', staged_rel) USING b.batch_id;
    IF blocks_rel IS NOT NULL THEN
        EXECUTE format('DELETE FROM %s bl WHERE bl.batch_id = $1', blocks_rel) USING b.batch_id;
    END IF;
    UPDATE krimp.load_batch lb
       SET state = 'done', finished_at = clock_timestamp(), rows_read = n_read,
           rows_inserted = n_inserted, rows_revised = n_revised,
           rows_unchanged = n_read - n_rejected - n_inserted - n_revised, rows_rejected = n_rejected,
           rows_skipped = n_skipped
     WHERE lb.batch_id = b.batch_id
    RETURNING * INTO b;
    DROP TABLE pg_temp.krimp_resolved;
    DROP TABLE pg_temp.krimp_blocks;
    RETURN b;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer, integer) IS
    'step 13 of krimp.apply_batch: the batch''s staged rows and runs deleted, the batch done with its counts (the unchanged ones: the rest of those read; the skipped ones, figures that cannot exist), the working tables dropped; returns the batch';
REVOKE ALL ON FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer, integer) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch(batch_id bigint, on_error text DEFAULT 'reject',
                                  published_at timestamptz DEFAULT NULL, staged regclass DEFAULT NULL,
                                  blocks regclass DEFAULT NULL)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    arg record;         -- check_at, staged_rel, blocks_rel, lookup
    b krimp.load_batch;
    before record;      -- n_filed_before, n_rejected_before: filed by hand
    vintage timestamptz;
    checked record;     -- n_read, n_rejected: the rows
    filed record;       -- n_inserted, n_revised, n_regressed: the good rows
    runs record;        -- n_block_figures, n_blocks_unchanged: the runs filed as they are
    n_read integer;
    n_inserted integer;
    n_rejected integer;
    n_skipped integer;  -- the figures that cannot exist
BEGIN
    SELECT * INTO arg FROM krimp.apply_batch_check_arguments(on_error, published_at, staged, blocks);
    b := krimp.apply_batch_lock_batch(batch_id);
    SELECT * INTO before FROM krimp.apply_batch_filed_before(b);
    PERFORM krimp.apply_batch_stage_rows(b, arg.staged_rel);
    PERFORM krimp.apply_batch_stage_runs(b, arg.blocks_rel, arg.check_at);
    PERFORM krimp.apply_batch_take_load_locks(b);
    -- the vintage taken after the locks (a load that waited is the later one)
    vintage := coalesce(apply_batch.published_at, clock_timestamp());
    PERFORM krimp.apply_batch_compare_runs(b);
    PERFORM krimp.apply_batch_unroll_runs();
    PERFORM krimp.apply_batch_check_rows(b, arg.check_at);
    n_skipped := krimp.apply_batch_skip_rows(b);
    SELECT * INTO checked FROM krimp.apply_batch_reject_rows(b, on_error);
    SELECT * INTO filed FROM krimp.apply_batch_file_rows(b, on_error, vintage, arg.lookup);
    SELECT * INTO runs FROM krimp.apply_batch_file_runs(b, vintage);
    -- the counts: the rows, the runs, and what was filed into the batch by hand
    n_read := checked.n_read + runs.n_block_figures + runs.n_blocks_unchanged
              + before.n_filed_before + before.n_rejected_before;
    n_inserted := filed.n_inserted + runs.n_block_figures + before.n_filed_before;
    n_rejected := checked.n_rejected + filed.n_regressed + before.n_rejected_before;
    RETURN krimp.apply_batch_finish(b, arg.staged_rel, arg.blocks_rel, n_read, n_inserted, filed.n_revised, n_rejected,
                                    n_skipped);
END
$$;
COMMENT ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) IS
    'file the staged rows of an open load batch (from krimp.observation_staging, or the table named by staged) in one statement: new figures are inserted, changed ones become new vintages, identical ones change nothing, bad rows go to krimp.rejected_row with the reason (on_error => ''abort'' loads nothing instead), rows without a figure where the region had no version are skipped (rows_skipped); returns the batch with its counts';

REVOKE ALL ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) TO krimp_writer, krimp_admin;
