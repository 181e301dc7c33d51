
-- ===================================================================
-- Loading observations in batches, and reading them as series.
--
-- A load: krimp.begin_batch() opens a batch for one of your organisations;
-- raw rows go into krimp.observation_staging (INSERT), or into a table of its
-- shape that apply_batch is given (a temporary table: the way to COPY, which
-- PostgreSQL refuses into a table with row-level security for everyone but
-- its owner and superusers); then
-- krimp.apply_batch() validates every row and files them in one statement:
-- new figures are inserted, changed figures become new vintages, identical
-- figures change nothing, and bad rows are set aside in krimp.rejected_row
-- with the reason (or, with on_error => 'abort', the whole load fails).
-- ===================================================================

CREATE OR REPLACE FUNCTION krimp.begin_batch(org_code text, source text, file_name text DEFAULT NULL,
                                             revision_reason text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    INSERT INTO krimp.load_batch (org_code, source, file_name, revision_reason)
    VALUES (begin_batch.org_code, begin_batch.source, begin_batch.file_name, begin_batch.revision_reason)
    RETURNING batch_id
$$;
COMMENT ON FUNCTION krimp.begin_batch(text, text, text, text) IS
    'open a load batch for one of your organisations; returns its id for krimp.observation_staging and krimp.apply_batch(); with a revision reason, its figures may go back in status (definitief to voorlopig, say)';

-- A batch is written once, when it is applied: open -> done, with counts
-- that match what it filed; a done batch is kept as it is.  (Its key,
-- organisation, loader and start are set when it is opened: writers may
-- name none of them, see the grants in 40_warehouse.sql.)
CREATE OR REPLACE FUNCTION krimp.load_batch_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    n_figures bigint;
    n_rejected bigint;
BEGIN
    IF OLD.state <> 'open' THEN
        RAISE EXCEPTION 'load batch % is already applied', OLD.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A finished batch is kept as it is; open a new batch with krimp.begin_batch() for a new load.';
    END IF;
    IF NEW.state <> 'done'
       OR (NEW.batch_id, NEW.org_code, NEW.loaded_by, NEW.source, NEW.file_name, NEW.started_at, NEW.revision_reason)
          IS DISTINCT FROM
          (OLD.batch_id, OLD.org_code, OLD.loaded_by, OLD.source, OLD.file_name, OLD.started_at, OLD.revision_reason) THEN
        RAISE EXCEPTION 'load batch % changes only when it is applied', OLD.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'krimp.apply_batch() files the staged rows and finishes the batch with its counts.';
    END IF;
    NEW.finished_at := clock_timestamp();
    SELECT (SELECT count(*) FROM krimp.observation_row o WHERE o.batch_id = NEW.batch_id)
           + (SELECT coalesce(sum(pg_catalog.cardinality(x.value)), 0) FROM krimp.observation_block x
               WHERE x.batch_id = NEW.batch_id),
           (SELECT count(*) FROM krimp.rejected_row r WHERE r.batch_id = NEW.batch_id)
      INTO n_figures, n_rejected;
    IF NEW.rows_read IS NULL OR NEW.rows_inserted IS NULL OR NEW.rows_revised IS NULL
       OR NEW.rows_unchanged IS NULL OR NEW.rows_rejected IS NULL
       OR NEW.rows_inserted < 0 OR NEW.rows_revised < 0 OR NEW.rows_unchanged < 0
       OR NEW.rows_inserted + NEW.rows_revised <> n_figures OR NEW.rows_rejected <> n_rejected
       OR NEW.rows_read <> NEW.rows_inserted + NEW.rows_revised + NEW.rows_unchanged + NEW.rows_rejected THEN
        RAISE EXCEPTION 'the counts of load batch % do not match what it filed', OLD.batch_id
            USING ERRCODE = 'check_violation',
                  DETAIL = format('It filed %s figures and set %s rows aside; the counts say %s inserted, %s revised, %s unchanged, %s rejected of %s read.',
                                  n_figures, n_rejected, NEW.rows_inserted, NEW.rows_revised, NEW.rows_unchanged,
                                  NEW.rows_rejected, NEW.rows_read),
                  HINT = 'krimp.apply_batch() finishes a batch with its counts.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.load_batch_guard_trigger() IS
    'trigger: a load batch goes from open to done once, with counts that match the figures and rejected rows it filed; a done batch is kept as it is';
CREATE OR REPLACE TRIGGER load_batch_guard BEFORE UPDATE ON krimp.load_batch
    FOR EACH ROW EXECUTE FUNCTION krimp.load_batch_guard_trigger();

-- One load at a time compares with and files the figures of an indicator of
-- an organisation: apply_batch takes the row lock of every (organisation,
-- indicator) it files, in indicator order, by writing its row here.  Under
-- READ COMMITTED a second load of the same file waits for the first and
-- then, with a new snapshot per statement, finds its figures unchanged;
-- under REPEATABLE READ and SERIALIZABLE, whose snapshot is older than the
-- first load's commit, it fails with 40001 (could not serialize access due
-- to concurrent update) instead of filing the figures a second time, and
-- succeeds when retried (krimpctl retries).  Loads of different
-- organisations take different rows.
CREATE TABLE krimp.load_lock (
    org_code        text NOT NULL REFERENCES krimp.organisation ON DELETE CASCADE,
    indicator_id    integer NOT NULL REFERENCES krimp.indicator ON DELETE CASCADE,
    batch_id        bigint NOT NULL,
    PRIMARY KEY (org_code, indicator_id)
);
COMMENT ON TABLE krimp.load_lock IS
    'a row per organisation and indicator that krimp.apply_batch locks (and marks with the last batch) while it files: one load at a time per series family, at every isolation level';
ALTER TABLE krimp.load_lock ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.load_lock FORCE ROW LEVEL SECURITY;
CREATE POLICY load_lock_own ON krimp.load_lock FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY load_lock_admin ON krimp.load_lock FOR ALL TO krimp_admin USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE (batch_id) ON krimp.load_lock TO krimp_writer, krimp_admin;

-- A staged field in a message: at most 40 characters of it.
CREATE OR REPLACE FUNCTION krimp.excerpt(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN pg_catalog.length(t) OPERATOR(pg_catalog.>) 40
                THEN pg_catalog.left(t, 40) OPERATOR(pg_catalog.||) '...' ELSE t END;
COMMENT ON FUNCTION krimp.excerpt(text) IS 'a staged field for a message: its first 40 characters, and "..." when there is more';

-- Why a staged row cannot be filed, or NULL when it can.  The checks in
-- order: indicator, period, region, validity, granularity, value, status.
CREATE OR REPLACE FUNCTION krimp.staged_row_problem(
    indicator_code text, indicator_granularity text, region_code text, region_known boolean,
    region_id bigint, period_text text, p krimp.period, value_text text, status text,
    kind text, forecast_producer text, forecast_base_year integer)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN indicator_granularity IS NULL THEN format('unknown indicator "%s"', krimp.excerpt(indicator_code))
        WHEN p IS NULL THEN format('invalid period "%s"', krimp.excerpt(period_text))
        WHEN NOT region_known THEN format('unknown region code "%s"', krimp.excerpt(region_code))
        WHEN region_id IS NULL THEN format('period %s is outside the validity of every version of region %s',
                                           p, krimp.normalise_region_code(region_code))
        WHEN krimp.granularity(p) <> indicator_granularity THEN
            format('period %s is a %s, indicator %s is measured per %s', p, krimp.granularity(p),
                   indicator_code, indicator_granularity)
        WHEN status IS NULL THEN 'unknown status'
        WHEN status = 'unknown' AND value_text IS NOT NULL AND btrim(value_text) NOT IN ('', '.') THEN
            format('value "%s" in status unknown, which allows none', krimp.excerpt(value_text))
        WHEN status <> 'unknown' AND (value_text IS NULL OR btrim(value_text) IN ('', '.')) THEN
            format('no value in status %s', status)
        -- the number rule of the core (codes.c), as krimpctl load checks it: invalid, or out of range
        WHEN status <> 'unknown' AND krimp.number_problem(btrim(value_text)) IS NOT NULL THEN
            krimp.number_problem(btrim(value_text))
        WHEN kind <> ALL (krimp.observation_kinds()) THEN format('unknown kind "%s"', krimp.excerpt(kind))
        WHEN kind = 'forecast' AND (coalesce(forecast_producer, '') = '' OR coalesce(forecast_base_year, 0) = 0) THEN
            'a forecast needs its producer and base year'
    END;
COMMENT ON FUNCTION krimp.staged_row_problem(text, text, text, boolean, bigint, text, krimp.period, text, text, text, text, integer) IS
    'the reason a staged observation cannot be filed, or NULL (used by krimp.apply_batch)';

-- A status as written in a file: the product's words, or CBS's markers
-- (* voorlopig, ** nader voorlopig, . unknown); no marker means definitief.
CREATE OR REPLACE FUNCTION krimp.normalise_status(status text, value_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN coalesce(btrim(status), '') = '' THEN
            CASE WHEN btrim(value_text) = '.' THEN 'unknown' ELSE 'definitief' END
        WHEN lower(btrim(status)) = ANY (krimp.observation_statuses())
            THEN lower(btrim(status))
        WHEN btrim(status) = '*' THEN 'voorlopig'
        WHEN btrim(status) = '**' THEN 'nader voorlopig'
        WHEN btrim(status) = '.' THEN 'unknown'
    END;
COMMENT ON FUNCTION krimp.normalise_status(text, text) IS
    'a status as written in a file (definitief, nader voorlopig, voorlopig, estimate, unknown, or CBS''s *, ** and .); NULL if it is none of these';

-- A period so many steps of its own length on, or NULL when that would leave
-- the years krimp.period holds (where the + operator raises an error).
CREATE OR REPLACE FUNCTION krimp.period_after(p krimp.period, steps bigint) RETURNS krimp.period
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN steps BETWEEN -200000 AND 200000
                 AND krimp.year(p) * 12 + date_part('month', krimp.first_day(p))::integer - 1
                     + steps * krimp.months(p) BETWEEN 1000 * 12 AND 9999 * 12 + 12 - krimp.months(p)
            THEN p OPERATOR(krimp.+) steps::integer END;
COMMENT ON FUNCTION krimp.period_after(krimp.period, bigint) IS
    'the period steps periods of its own length after p (before it when negative), or NULL outside the years 1000 to 9999';

CREATE OR REPLACE FUNCTION krimp.apply_batch(batch_id bigint, on_error text DEFAULT 'reject',
                                  published_at timestamptz DEFAULT NULL, staged regclass DEFAULT NULL,
                                  blocks regclass DEFAULT NULL)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    b krimp.load_batch;
    vintage timestamptz;
    n_read integer;
    n_rejected integer;
    n_inserted integer;
    n_revised integer;
    n_good bigint;
    table_rows real;
    current_join text;
    lookup text := coalesce(nullif(pg_catalog.current_setting('krimp.load_lookup', true), ''), 'auto');
    first_problem record;
    staged_rel text := 'krimp.observation_staging';
    blocks_rel text;
    n_block_figures bigint := 0;
    n_blocks_unchanged bigint;
    has_figures boolean;
    arg record;
    arg_rel text;
    -- the vintage the rows are checked against: the one given, or the time
    -- now (the vintage taken after the lock is later still)
    check_at timestamptz := coalesce(apply_batch.published_at, clock_timestamp());
    n_regressed integer;
    first_regressed text;
    n_filed_before bigint;
    n_rejected_before bigint;
BEGIN
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
    SELECT * INTO b FROM krimp.load_batch lb WHERE lb.batch_id = apply_batch.batch_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'load batch % does not exist or is not yours', apply_batch.batch_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF b.state <> 'open' THEN
        RAISE EXCEPTION 'load batch % is already applied', b.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Open a new batch with krimp.begin_batch() for a new load.';
    END IF;
    -- figures and rejected rows filed into the open batch by hand (INSERT
    -- INTO krimp.observation): counted with the batch's, which must match
    -- what it filed (krimp.load_batch_guard_trigger)
    SELECT (SELECT count(*) FROM krimp.observation_row o WHERE o.batch_id = b.batch_id)
           + (SELECT coalesce(sum(pg_catalog.cardinality(x.value)), 0) FROM krimp.observation_block x
               WHERE x.batch_id = b.batch_id),
           (SELECT count(*) FROM krimp.rejected_row r WHERE r.batch_id = b.batch_id)
      INTO n_filed_before, n_rejected_before;

    -- the batch's rows, parsed once, in a table of their own with statistics,
    -- so that the planner sizes the joins below by the real row count (the
    -- shared staging table's statistics say nothing about this batch)
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

    -- Staged blocks: a run of one series, one value per period from
    -- first_period on (line first_line + k holds value[k + 1]).  A block is
    -- filed as it is when everything about it holds for all its figures and
    -- its series has no figure of this organisation in its periods yet;
    -- any other block is unrolled into rows below and takes the rows' way,
    -- which compares, files revisions and gives every bad figure its reason.
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
                   AND rv.valid_from <= krimp.first_day(x.p)
                   AND (rv.valid_to IS NULL OR rv.valid_to > krimp.last_day(x.last_p))
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

    -- One load at a time compares with and files the figures of an indicator
    -- of an organisation (krimp.load_lock): a second load of the same file
    -- waits for the first, then finds every figure unchanged (its statements
    -- below see what the first committed, under READ COMMITTED; under
    -- REPEATABLE READ and SERIALIZABLE it fails with 40001 instead, to be
    -- retried), and its vintage is taken after the wait, so the load that
    -- commits last is the current one.
    -- (the locks in indicator order: two batches never wait for each other)
    INSERT INTO krimp.load_lock AS l (org_code, indicator_id, batch_id)
    SELECT b.org_code, i.indicator_id, b.batch_id
      FROM krimp.indicator i
     WHERE i.code IN (SELECT btrim(s.indicator_code) FROM pg_temp.krimp_staged s
                       UNION SELECT btrim(k.indicator_code) FROM pg_temp.krimp_blocks k)
     ORDER BY i.indicator_id
        ON CONFLICT (org_code, indicator_id) DO UPDATE SET batch_id = excluded.batch_id;
    vintage := coalesce(apply_batch.published_at, clock_timestamp());

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

    -- resolve and check every staged row once; regions by join, not by a
    -- function call per row
    CREATE TEMP TABLE krimp_resolved ON COMMIT DROP AS
    WITH r AS (
        SELECT s.*, i.indicator_id, i.granularity AS indicator_granularity, rv.region_id
          FROM pg_temp.krimp_staged s
          LEFT JOIN krimp.indicator i ON i.code = btrim(s.indicator_code)
          LEFT JOIN krimp.region rv
                 ON rv.code = s.norm_region
                AND rv.valid_from <= krimp.first_day(s.p)
                AND (rv.valid_to IS NULL OR rv.valid_to > krimp.last_day(s.p))
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


    -- file the good rows: a new vintage unless the current one says the same.
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
               WHERE o.org_code = $1 AND o.retracted_at IS NULL
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
                 AND o.retracted_at IS NULL
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
    n_rejected := n_rejected + n_regressed;

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
    n_read := n_read + n_block_figures + n_blocks_unchanged + n_filed_before + n_rejected_before;
    n_inserted := n_inserted + n_block_figures + n_filed_before;
    n_rejected := n_rejected + n_rejected_before;

    EXECUTE format('DELETE FROM %s st WHERE st.batch_id = $1', staged_rel) USING b.batch_id;
    IF blocks_rel IS NOT NULL THEN
        EXECUTE format('DELETE FROM %s bl WHERE bl.batch_id = $1', blocks_rel) USING b.batch_id;
    END IF;
    UPDATE krimp.load_batch lb
       SET state = 'done', finished_at = clock_timestamp(), rows_read = n_read,
           rows_inserted = n_inserted, rows_revised = n_revised,
           rows_unchanged = n_read - n_rejected - n_inserted - n_revised, rows_rejected = n_rejected
     WHERE lb.batch_id = b.batch_id
    RETURNING * INTO b;
    DROP TABLE pg_temp.krimp_resolved;
    DROP TABLE pg_temp.krimp_blocks;
    RETURN b;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) IS
    'file the staged rows of an open load batch (from krimp.observation_staging, or the table named by staged) in one statement: new figures are inserted, changed ones become new vintages, identical ones change nothing, bad rows go to krimp.rejected_row with the reason (on_error => ''abort'' loads nothing instead); returns the batch with its counts';

REVOKE ALL ON FUNCTION krimp.begin_batch(text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.begin_batch(text, text, text, text) TO krimp_writer, krimp_admin;
GRANT EXECUTE ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) TO krimp_writer, krimp_admin;

-- ---- series --------------------------------------------------------

-- One indicator in one region version as a krimp.series: the realisations
-- as known at a moment (now by default), the latest vintage of each period
-- over all organisations.
CREATE OR REPLACE FUNCTION krimp.region_series(indicator_code text, region_id bigint,
                                    known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    -- the figures as known then: krimp.figures_as_of (inlined, so the
    -- indicator and the region reach the index)
    SELECT krimp.series_agg(o.period, o.value)
      FROM krimp.figures_as_of(known_at) o
     WHERE o.indicator_id = (SELECT i.indicator_id FROM krimp.indicator i
                              WHERE i.code = region_series.indicator_code)
       AND o.region_id = region_series.region_id AND o.kind = 'realisation'
$$;
COMMENT ON FUNCTION krimp.region_series(text, bigint, timestamptz) IS
    'the realisations of an indicator in one region version as one krimp.series, as known at a moment (now by default): per period the figure krimp.figures_as_of takes (of several organisations'' the latest vintage, then org_code ascending)';

CREATE OR REPLACE FUNCTION krimp.region_series(indicator_code text, region_code text, on_date date DEFAULT NULL,
                                    known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT krimp.region_series(region_series.indicator_code, r.region_id, known_at)
      FROM krimp.region r
     WHERE r.code = krimp.normalise_region_code(region_series.region_code)
       AND pg_catalog.daterange(r.valid_from, r.valid_to) @> coalesce(on_date, r.valid_to - 1, current_date)
     ORDER BY r.valid_from DESC LIMIT 1
$$;
COMMENT ON FUNCTION krimp.region_series(text, text, date, timestamptz) IS
    'the realisations of an indicator for the version of a CBS region code that holds on a date (by default its latest version) as one krimp.series';

-- One series per (indicator, region version) on the layout as published.
CREATE OR REPLACE VIEW krimp.series_current WITH (security_invoker = true) AS
    SELECT i.indicator_id, i.code AS indicator_code, r.region_id, r.code AS region_code, r.name AS region_name,
           r.valid_from, r.valid_to, s.series
      FROM (SELECT x.indicator_id, x.region_id, krimp.series_agg(x.period, x.value) AS series
              FROM krimp.figures_as_of('infinity') x
             WHERE x.kind = 'realisation'
             GROUP BY x.indicator_id, x.region_id) s
      JOIN krimp.indicator i USING (indicator_id)
      JOIN krimp.region r USING (region_id);
COMMENT ON VIEW krimp.series_current IS
    'one krimp.series per indicator and region version: the current realisations on the layout as published (krimp.figures_as_of(''infinity''))';
GRANT SELECT ON krimp.series_current TO krimp_reader;
