
-- ===================================================================
-- Loading observations in batches, and reading them as series.
--
-- A load: krimp.begin_batch() opens a batch for one of your organisations;
-- raw rows go into krimp.observation_staging (INSERT), or into a table of its
-- shape that apply_batch is given (a temporary table: the way to COPY, which
-- PostgreSQL refuses into a table with row-level security for everyone but
-- its owner and superusers); then krimp.apply_batch() (43_apply.sql, in
-- named steps) validates every row and files them in one statement:
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

-- The days a figure's region version must hold on: the one home of which
-- version of a code a figure belongs to.  A realisation belongs to the
-- version that holds for the whole of its periods (first_p to last_p); a
-- forecast to the version valid on 1 January of its base year, the layout it
-- was made on, whatever its period (a forecast of 2007 for Delfzijl in 2025
-- is of the Delfzijl of 2007, though Delfzijl merged into Eemsdelta in
-- 2021).  A forecast without a base year (0 or NULL, which the checks reject
-- later) takes the realisation's rule; a base year without a calendar date
-- gives the empty range, which no version holds.
CREATE FUNCTION krimp.figure_region_days(kind text, forecast_base_year integer, first_p krimp.period,
                                         last_p krimp.period)
    RETURNS daterange
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN kind OPERATOR(pg_catalog.=) 'forecast' AND coalesce(forecast_base_year, 0) OPERATOR(pg_catalog.<>) 0 THEN
            CASE WHEN forecast_base_year OPERATOR(pg_catalog.>=) 1 AND forecast_base_year OPERATOR(pg_catalog.<=) 9999
                 THEN pg_catalog.daterange(pg_catalog.make_date(forecast_base_year, 1, 1),
                                           pg_catalog.make_date(forecast_base_year, 1, 2))
                 ELSE 'empty'::daterange END
        ELSE pg_catalog.daterange(krimp.first_day(first_p), krimp.last_day(last_p) OPERATOR(pg_catalog.+) 1)
    END;
COMMENT ON FUNCTION krimp.figure_region_days(text, integer, krimp.period, krimp.period) IS
    'the days a figure''s region version must hold on: for a realisation its periods first_p to last_p, for a forecast (with its base year) 1 January of the base year, the layout it was made on';

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
        WHEN region_id IS NULL AND kind = 'forecast' AND coalesce(forecast_base_year, 0) <> 0 THEN
            format('region %s has no version on 1 January %s, the base year of the forecast (whose figures belong to the layout it was made on)',
                   krimp.normalise_region_code(region_code), forecast_base_year)
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

REVOKE ALL ON FUNCTION krimp.begin_batch(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.begin_batch(text, text, text, text) TO krimp_writer, krimp_admin;

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
