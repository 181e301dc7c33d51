
-- ===================================================================
-- Observations in blocks, and krimp.observation, the view over both
-- storages.
--
-- A load files a run of a series that has no figures yet (one indicator,
-- region version, organisation and kind; consecutive periods; one status)
-- as one row of krimp.observation_block: its values as an array, one per
-- period from first_period on.  Ten million figures are then some forty
-- thousand rows instead of ten million, and a load of them costs about what
-- copying the file costs (bench/load.sh).  Every revision, every figure
-- filed one by one and every run that overlaps figures already filed goes
-- to krimp.observation_row as before.  krimp.observation unrolls the blocks
-- and appends them to the rows: every reader sees one row per figure.
--
-- A figure in a block has an observation_id of its own, computed:
-- 2^52 + block_id * 4096 + its position (from 0); row ids stay below 2^52
-- (the sequence's maximum), so the two never meet, and every id stays below
-- 2^53, exact in the doubles of JavaScript and JSON clients.
-- ===================================================================

-- A retraction lies between the figure's publication and now: not
-- backdated before it was published (when it would never have been
-- current), not in the future (when krimp.observation_current, which drops
-- it, and krimp.observations_as_of(now()), which keeps it until then, would
-- disagree).
CREATE FUNCTION krimp.check_retraction_time(observation_id bigint, retracted_at timestamptz,
                                            published_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF retracted_at IS NULL THEN
        RETURN;
    ELSIF NOT isfinite(retracted_at) OR retracted_at < published_at THEN
        RAISE EXCEPTION 'observation % cannot be retracted at %, before its publication at %',
                        observation_id, retracted_at, published_at
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A retraction takes effect now: use krimp.retract(observation_id, reason).';
    ELSIF retracted_at > clock_timestamp() THEN
        RAISE EXCEPTION 'observation % cannot be retracted at %, which is in the future', observation_id, retracted_at
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A retraction takes effect now: use krimp.retract(observation_id, reason).';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.check_retraction_time(bigint, timestamptz, timestamptz) IS
    'raise an error unless a retraction time lies between the figure''s publication and now (used by the guard triggers)';

-- The append-only guard, written once: a row is never deleted, and an
-- update changes none of its columns but those named.  Arguments: what the
-- rows are called ('observations', 'target rows'), the word for a change
-- ('overwritten', 'changed'), the hint, then the columns that may change
-- (none: the row never changes).  What a permitted change must satisfy
-- (a retraction once, at a time between publication and now) is checked by
-- the table's own guard after this one.
CREATE FUNCTION krimp.immutable_row_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - TG_ARGV[3:TG_NARGS - 1]) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV[3:TG_NARGS - 1]) THEN RAISE EXCEPTION '% are never %', TG_ARGV[0], CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE TG_ARGV[1] END
        USING ERRCODE = 'object_not_in_prerequisite_state', HINT = TG_ARGV[2];
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.immutable_row_trigger() IS
    'trigger: rows are append-only: never deleted, and never updated except in the columns named in its arguments (what they are called, the word for a change, the hint, the columns that may change); used by the observations, targets and stored round results';

-- Nothing in an observation changes, except that it can be retracted once,
-- at a time between its publication and now.  (Here rather than in
-- 40_warehouse.sql, beside the table, so that an upgrade from 0.1 replaces
-- the trigger of 0.1 too.)
CREATE OR REPLACE FUNCTION krimp.observation_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF OLD.retracted_at IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', OLD.observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM krimp.check_retraction_time(NEW.observation_id, NEW.retracted_at, NEW.published_at);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_guard_trigger() IS
    'trigger: observations are append-only (krimp.immutable_row_trigger); a retraction is added once, at a time between publication and now';
CREATE OR REPLACE TRIGGER observation_append_only BEFORE UPDATE OR DELETE ON krimp.observation_row
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('observations', 'overwritten',
        'Retract a figure with krimp.retract(observation_id, reason); a correction is loaded as a new vintage.', 'retracted_at', 'retraction_reason');
CREATE OR REPLACE TRIGGER observation_guard BEFORE UPDATE ON krimp.observation_row
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_guard_trigger();

CREATE SEQUENCE krimp.observation_block_id_seq MAXVALUE 1099511627775;
CREATE TABLE krimp.observation_block (
    block_id            bigint DEFAULT pg_catalog.nextval('krimp.observation_block_id_seq'),
    indicator_id        integer NOT NULL,
    region_id           bigint NOT NULL,
    first_period        krimp.period NOT NULL,
    value               double precision[] NOT NULL,
    status              krimp.observation_status NOT NULL,
    kind                krimp.observation_kind NOT NULL DEFAULT 'realisation',
    forecast_producer   text NOT NULL DEFAULT '',
    forecast_base_year  integer NOT NULL DEFAULT 0,
    source              text NOT NULL,
    org_code            text NOT NULL,
    batch_id            bigint NOT NULL,
    published_at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    released_at         timestamptz,
    retracted_at        timestamptz[],
    retraction_reason   text[],
    CONSTRAINT observation_block_pkey PRIMARY KEY (block_id),
    -- the ids of its figures, 2^52 + block_id * 4096 + position, stay within [2^52, 2^53)
    CONSTRAINT observation_block_id_range CHECK (block_id OPERATOR(pg_catalog.>=) 0
                                                 AND block_id OPERATOR(pg_catalog.<=) 1099511627775),
    CONSTRAINT observation_block_indicator_id_fkey FOREIGN KEY (indicator_id) REFERENCES krimp.indicator,
    CONSTRAINT observation_block_region_id_fkey FOREIGN KEY (region_id) REFERENCES krimp.region,
    CONSTRAINT observation_block_batch_org_fkey FOREIGN KEY (batch_id, org_code)
        REFERENCES krimp.load_batch (batch_id, org_code),
    CONSTRAINT observation_block_forecast_check CHECK ((kind OPERATOR(pg_catalog.=) 'forecast') OPERATOR(pg_catalog.=)
           (forecast_producer OPERATOR(pg_catalog.<>) '' AND forecast_base_year OPERATOR(pg_catalog.<>) 0)),
    -- one value per period, 1 to 4096 of them, from position 1
    CONSTRAINT observation_block_array_check
        CHECK (coalesce(pg_catalog.array_ndims(value), 0) OPERATOR(pg_catalog.=) 1
               AND pg_catalog.array_lower(value, 1) OPERATOR(pg_catalog.=) 1
               AND pg_catalog.cardinality(value) OPERATOR(pg_catalog.<=) 4096),
    -- status unknown (CBS "."): no values at all; any other status: a value for every period
    CONSTRAINT observation_block_unknown_check CHECK (CASE WHEN status OPERATOR(pg_catalog.=) 'unknown'
        THEN pg_catalog.array_remove(value, NULL) OPERATOR(pg_catalog.=) '{}'::double precision[]
        ELSE pg_catalog.array_position(value, NULL) IS NULL END),
    CONSTRAINT observation_block_value_check
        CHECK (NOT (value OPERATOR(pg_catalog.&&) '{NaN,Infinity,-Infinity}'::double precision[])),
    -- a retraction per figure: both arrays or neither, as long as the values
    CONSTRAINT observation_block_retraction_check
        CHECK ((retracted_at IS NULL) OPERATOR(pg_catalog.=) (retraction_reason IS NULL)
               AND (retracted_at IS NULL
                    OR (pg_catalog.cardinality(retracted_at) OPERATOR(pg_catalog.=) pg_catalog.cardinality(value)
                        AND pg_catalog.cardinality(retraction_reason) OPERATOR(pg_catalog.=) pg_catalog.cardinality(value))))
)
-- a block of up to some 1000 values stays in its row, uncompressed: reading
-- it costs no detoasting, and compressing doubles gains little
WITH (toast_tuple_target = 8160);
ALTER SEQUENCE krimp.observation_block_id_seq OWNED BY krimp.observation_block.block_id;
CREATE INDEX observation_block_series_idx ON krimp.observation_block
    (indicator_id, region_id, org_code, kind, forecast_producer, forecast_base_year, first_period);
CREATE INDEX observation_block_batch_idx ON krimp.observation_block (batch_id);
COMMENT ON TABLE krimp.observation_block IS
    'observations filed as blocks (read them through the view krimp.observation): a run of figures of one series from one load, one value per period from first_period on, with one status and vintage; a retraction is kept per figure';
COMMENT ON COLUMN krimp.observation_block.value IS
    'the figures, one per period: value[1] for first_period, value[2] for the period after it, and so on; all NULL in status unknown';
COMMENT ON COLUMN krimp.observation_block.retracted_at IS
    'per figure: when it was retracted (NULL while none of the block''s figures is)';
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_block', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_block_id_seq', '');

-- Nothing in a block changes, except that each of its figures can be
-- retracted once.
CREATE FUNCTION krimp.observation_block_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF OLD.retracted_at IS NOT NULL AND EXISTS (
           SELECT FROM unnest(OLD.retracted_at, OLD.retraction_reason, NEW.retracted_at, NEW.retraction_reason)
                       AS r(old_at, old_reason, new_at, new_reason)
            WHERE r.old_at IS NOT NULL
              AND (r.old_at, r.old_reason) IS DISTINCT FROM (r.new_at, r.new_reason)) THEN
        RAISE EXCEPTION 'a retracted observation in block % is changed', OLD.block_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A figure is retracted once; its retraction is kept as it is.';
    END IF;
    IF NEW.retracted_at IS NOT NULL AND EXISTS (
           SELECT FROM unnest(NEW.retracted_at, NEW.retraction_reason) AS r(at, reason)
            WHERE (r.at IS NULL) <> (r.reason IS NULL)) THEN
        RAISE EXCEPTION 'a retraction needs both its time and its reason'
            USING ERRCODE = 'check_violation';
    END IF;
    -- every retraction added: between the block's publication and now
    PERFORM krimp.check_retraction_time(4503599627370496 + NEW.block_id * 4096 + r.i - 1, r.at, NEW.published_at)
       FROM unnest(NEW.retracted_at) WITH ORDINALITY AS r(at, i)
      WHERE r.at IS NOT NULL AND (OLD.retracted_at IS NULL OR OLD.retracted_at[r.i] IS NULL);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_block_guard_trigger() IS
    'trigger: blocks of observations are append-only (krimp.immutable_row_trigger); a retraction (time and reason) is added once per figure, at a time between publication and now';
CREATE TRIGGER observation_block_append_only BEFORE UPDATE OR DELETE ON krimp.observation_block
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('observations', 'overwritten',
        'Retract a figure with krimp.retract(observation_id, reason); a correction is loaded as a new vintage.', 'retracted_at', 'retraction_reason');
CREATE TRIGGER observation_block_guard BEFORE UPDATE ON krimp.observation_block
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_block_guard_trigger();

-- Row-level security as on the rows: everyone reads the released figures, an
-- organisation writes and retracts only its own.
ALTER TABLE krimp.observation_block ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_block FORCE ROW LEVEL SECURITY;
CREATE POLICY observation_block_read ON krimp.observation_block FOR SELECT TO krimp_reader
    USING (released_at IS NULL OR released_at OPERATOR(pg_catalog.<=) pg_catalog.now()
           OR org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin()));
CREATE POLICY observation_block_insert ON krimp.observation_block FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_block_retract ON krimp.observation_block FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_block_admin ON krimp.observation_block FOR ALL TO krimp_admin
    USING (true) WITH CHECK (true);
GRANT SELECT ON krimp.observation_block TO krimp_reader;
-- (keys and retractions are krimp's: see krimp.observation_row)
GRANT INSERT (indicator_id, region_id, first_period, value, status, kind, forecast_producer, forecast_base_year,
              source, org_code, batch_id, published_at, released_at)
    ON krimp.observation_block TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation_block TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.observation_block_id_seq TO krimp_writer, krimp_admin;

-- The shape of staged blocks, for krimp.apply_batch(..., blocks => ...): a
-- run of one series as read from a file, one value per period from
-- first_period on (line first_line + k holds value[k + 1]); the other
-- fields as in krimp.observation_staging.  CREATE TEMPORARY TABLE ... OF
-- krimp.staged_block makes a table for them.
CREATE TYPE krimp.staged_block AS (
    batch_id            bigint,
    first_line          bigint,
    org_code            text,
    indicator_code      text,
    region_code         text,
    first_period        text,
    value               double precision[],
    status              text,
    kind                text,
    forecast_producer   text,
    forecast_base_year  integer,
    released_at         timestamptz
);
COMMENT ON TYPE krimp.staged_block IS
    'a run of one series as a loader stages it for krimp.apply_batch(..., blocks => table): values for first_period and the periods after it, from line first_line on';

-- ---- krimp.observation: one row per figure, from both storages ---------
CREATE VIEW krimp.observation WITH (security_invoker = true) AS
    SELECT o.observation_id, o.indicator_id, o.region_id, o.period, o.value, o.status, o.kind,
           o.forecast_producer, o.forecast_base_year, o.source, o.org_code, o.batch_id,
           o.published_at, o.released_at, o.retracted_at, o.retraction_reason
      FROM krimp.observation_row o
    UNION ALL
    SELECT 4503599627370496 OPERATOR(pg_catalog.+) (b.block_id OPERATOR(pg_catalog.*) 4096)
               OPERATOR(pg_catalog.+) (f.i OPERATOR(pg_catalog.-) 1),
           b.indicator_id, b.region_id,
           b.first_period OPERATOR(krimp.+) (f.i OPERATOR(pg_catalog.-) 1)::integer,
           f.value, b.status, b.kind, b.forecast_producer, b.forecast_base_year, b.source, b.org_code,
           b.batch_id, b.published_at, b.released_at, b.retracted_at[f.i], b.retraction_reason[f.i]
      FROM krimp.observation_block b
     CROSS JOIN LATERAL pg_catalog.unnest(b.value) WITH ORDINALITY AS f(value, i);
COMMENT ON VIEW krimp.observation IS
    'observations: a figure of an indicator for a region version and period, as published at published_at (its vintage), one row per figure from krimp.observation_row and krimp.observation_block; a revision is a new row, nothing is overwritten; a retracted figure is kept with its reason; insert through it (a row), retract with krimp.retract()';
COMMENT ON COLUMN krimp.observation.observation_id IS
    'the figure''s key: a row''s id (below 2^52), or 2^52 + block_id * 4096 + its position in the block';
COMMENT ON COLUMN krimp.observation.status IS
    'definitief, nader voorlopig, voorlopig, estimate, or unknown (CBS ".": unknown or secret, with no value)';
COMMENT ON COLUMN krimp.observation.kind IS 'realisation, or forecast (with producer and base year)';
COMMENT ON COLUMN krimp.observation.published_at IS 'vintage: when this figure became known';
COMMENT ON COLUMN krimp.observation.released_at IS 'embargo: until then only the owning organisation sees the figure';
-- an insert through the view files a row: the row table's defaults (its id
-- is assigned by krimp.observation_row's own, when the row is filed)
ALTER VIEW krimp.observation ALTER COLUMN kind SET DEFAULT 'realisation';
ALTER VIEW krimp.observation ALTER COLUMN forecast_producer SET DEFAULT '';
ALTER VIEW krimp.observation ALTER COLUMN forecast_base_year SET DEFAULT 0;
ALTER VIEW krimp.observation ALTER COLUMN published_at SET DEFAULT pg_catalog.clock_timestamp();

-- Retract one figure of a block: its time and reason at its position.  As
-- the caller (row-level security decides); false when the caller may not.
CREATE FUNCTION krimp.retract_block_figure(observation_id bigint, retracted_at timestamptz, reason text)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    block bigint := (observation_id - 4503599627370496) / 4096;
    pos integer := ((observation_id - 4503599627370496) % 4096)::integer + 1;
    n integer;
    ra timestamptz[];
    rr text[];
BEGIN
    IF observation_id < 4503599627370496 THEN
        RAISE EXCEPTION 'observation % is not in a block', observation_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Retract any figure with krimp.retract(observation_id, reason).';
    END IF;
    SELECT pg_catalog.cardinality(b.value), b.retracted_at, b.retraction_reason INTO n, ra, rr
      FROM krimp.observation_block b WHERE b.block_id = block FOR UPDATE;
    IF NOT FOUND OR pos > n THEN
        RETURN false;
    END IF;
    IF ra[pos] IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    ra := coalesce(ra, pg_catalog.array_fill(NULL::timestamptz, ARRAY[n]));
    rr := coalesce(rr, pg_catalog.array_fill(NULL::text, ARRAY[n]));
    ra[pos] := retract_block_figure.retracted_at;
    rr[pos] := reason;
    UPDATE krimp.observation_block b SET retracted_at = ra, retraction_reason = rr WHERE b.block_id = block;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION krimp.retract_block_figure(bigint, timestamptz, text) IS
    'retract one figure filed in a block (used by krimp.retract and by an UPDATE of krimp.observation); false when there is no such figure or it is not the caller''s';
REVOKE ALL ON FUNCTION krimp.retract_block_figure(bigint, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.retract_block_figure(bigint, timestamptz, text) TO krimp_writer, krimp_admin;

-- Writing through the view: an insert files a row; an update may only add a
-- retraction (to a row, or to one figure of a block); nothing is deleted.
-- As the caller: row-level security of the tables decides.
CREATE FUNCTION krimp.observation_write_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- (the id and the retraction are krimp's: a superuser, who may name
        -- them, files a retracted figure in krimp.observation_row itself)
        IF NEW.observation_id IS NOT NULL OR NEW.retracted_at IS NOT NULL OR NEW.retraction_reason IS NOT NULL THEN
            RAISE EXCEPTION 'an observation filed through krimp.observation gets its id from krimp and is not retracted'
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Leave out observation_id, retracted_at and retraction_reason; retract with krimp.retract(observation_id, reason).';
        END IF;
        INSERT INTO krimp.observation_row (indicator_id, region_id, period, value, status, kind, forecast_producer,
                                           forecast_base_year, source, org_code, batch_id, published_at, released_at)
        VALUES (NEW.indicator_id, NEW.region_id, NEW.period, NEW.value, NEW.status, NEW.kind, NEW.forecast_producer,
                NEW.forecast_base_year, NEW.source, NEW.org_code, NEW.batch_id, NEW.published_at, NEW.released_at)
        RETURNING * INTO NEW;
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'observations are never deleted'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Retract the figure with krimp.retract(observation_id, reason); a correction is a new vintage.';
    END IF;
    IF (NEW.observation_id, NEW.indicator_id, NEW.region_id, NEW.period, NEW.value, NEW.status, NEW.kind,
        NEW.forecast_producer, NEW.forecast_base_year, NEW.source, NEW.org_code, NEW.batch_id,
        NEW.published_at, NEW.released_at)
       IS DISTINCT FROM
       (OLD.observation_id, OLD.indicator_id, OLD.region_id, OLD.period, OLD.value, OLD.status, OLD.kind,
        OLD.forecast_producer, OLD.forecast_base_year, OLD.source, OLD.org_code, OLD.batch_id,
        OLD.published_at, OLD.released_at) THEN
        RAISE EXCEPTION 'observations are never overwritten'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Load the corrected figure as a new vintage; it becomes the current one.';
    END IF;
    IF (NEW.retracted_at, NEW.retraction_reason) IS NOT DISTINCT FROM (OLD.retracted_at, OLD.retraction_reason) THEN
        RETURN NEW;
    END IF;
    IF OLD.retracted_at IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', OLD.observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF (NEW.retracted_at IS NULL) <> (NEW.retraction_reason IS NULL) THEN
        RAISE EXCEPTION 'a retraction needs both its time and its reason'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.observation_id >= 4503599627370496 THEN
        IF NOT krimp.retract_block_figure(OLD.observation_id, NEW.retracted_at, NEW.retraction_reason) THEN
            RETURN NULL;
        END IF;
    ELSE
        UPDATE krimp.observation_row o
           SET retracted_at = NEW.retracted_at, retraction_reason = NEW.retraction_reason
         WHERE o.observation_id = OLD.observation_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_write_trigger() IS
    'trigger on the view krimp.observation: an insert files a row in krimp.observation_row; an update adds a retraction and nothing else; a delete is refused';
CREATE TRIGGER observation_write INSTEAD OF INSERT OR UPDATE OR DELETE ON krimp.observation
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_write_trigger();
GRANT SELECT ON krimp.observation TO krimp_reader;
GRANT INSERT (indicator_id, region_id, period, value, status, kind, forecast_producer, forecast_base_year,
              source, org_code, batch_id, published_at, released_at)
    ON krimp.observation TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation TO krimp_writer, krimp_admin;


-- Observations as known at a moment: the latest vintage of every figure
-- published by then and not retracted by then.  With RLS, as the caller.
CREATE FUNCTION krimp.observations_as_of(known_at timestamptz)
    RETURNS SETOF krimp.observation
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
                        o.forecast_producer, o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.published_at OPERATOR(pg_catalog.<=) known_at
       AND (o.retracted_at IS NULL OR o.retracted_at OPERATOR(pg_catalog.>) known_at)
     ORDER BY o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
              o.forecast_producer, o.forecast_base_year, o.published_at DESC, o.observation_id DESC
$$;
COMMENT ON FUNCTION krimp.observations_as_of(timestamptz) IS
    'the observations as known at a moment: per figure the latest vintage published by then and not retracted by then';

-- (written out rather than over observations_as_of('infinity'): a condition on
-- the figure's key reaches the view's scan, and the indexes on indicator and
-- region are used, where a function's result would be computed whole first)
CREATE VIEW krimp.observation_current WITH (security_invoker = true) AS
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
                        o.forecast_producer, o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.retracted_at IS NULL
     ORDER BY o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
              o.forecast_producer, o.forecast_base_year, o.published_at DESC, o.observation_id DESC;
COMMENT ON VIEW krimp.observation_current IS
    'the current figures: per figure the latest vintage that is not retracted (realisations and forecasts)';
GRANT SELECT ON krimp.observation_current TO krimp_reader;

-- A round, an evaluation and a baseline are results every organisation reads
-- (krimp.round_evaluation, krimp.target, krimp_bi), and a round is run by an
-- administrator, who sees every figure under row-level security.  So they
-- judge on what was released at their moment, whoever computes them: a figure
-- counts if it has no embargo, or an embargo that had ended by that moment
-- and has ended by now.  (krimp.released_series, which the nightly job reads,
-- is the same rule at the moment now.)
CREATE FUNCTION krimp.released_by(released_at timestamptz, moment timestamptz) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN released_at IS NULL
        OR released_at OPERATOR(pg_catalog.<=) LEAST(moment, pg_catalog.now());
COMMENT ON FUNCTION krimp.released_by(timestamptz, timestamptz) IS
    'whether a figure with this released_at was released at a moment: no embargo, or one that ended by that moment and by now (so also for a moment in the future); the filter of every result that organisations share: rounds, evaluations, baselines';

-- THE rule for "the figure as known at a moment", the one every reader of
-- figures uses (series, harmonise, targets, national values, the nightly
-- job, BI): per figure -- indicator, region version, period, kind and, for a
-- forecast, producer and base year -- over all organisations, the vintage
-- published by known_at and not retracted by then (and with released_only,
-- released by then: krimp.released_by); of several, the latest published_at,
-- then the organisation first in org_code order, then the highest
-- observation_id.  (krimp.observations_as_of and krimp.observation_current
-- keep one figure per organisation: the ledger, not the figure.)
-- An SQL-standard body without SET, not STRICT: the planner inlines a call,
-- so conditions on the figure's key reach the indexes of krimp.observation_row
-- and krimp.observation_block, and the body is bound at creation.
CREATE FUNCTION krimp.figures_as_of(known_at timestamptz, released_only boolean DEFAULT false)
    RETURNS SETOF krimp.observation
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer,
                        o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.published_at <= known_at
       AND (o.retracted_at IS NULL OR o.retracted_at > known_at)
       AND (NOT released_only OR krimp.released_by(o.released_at, known_at))
     ORDER BY o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer, o.forecast_base_year,
              o.published_at DESC, o.org_code, o.observation_id DESC;
END;
COMMENT ON FUNCTION krimp.figures_as_of(timestamptz, boolean) IS
    'the figures as known at a moment, the one rule of every reader: per (indicator, region version, period, kind, forecast producer, forecast base year) over all organisations the vintage published by known_at and not retracted by then (with released_only also released by then, krimp.released_by); ties: the latest published_at, then org_code ascending, then the highest observation_id; known_at ''infinity'' is the current figures; with row-level security, as the caller; inlined by the planner';

-- Retract a figure: it is kept, with the time and the reason.
CREATE FUNCTION krimp.retract(observation_id bigint, reason text) RETURNS void
    LANGUAGE plpgsql STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    done boolean;
BEGIN
    IF btrim(reason) = '' THEN
        RAISE EXCEPTION 'a retraction needs a reason'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF observation_id >= 4503599627370496 THEN
        done := krimp.retract_block_figure(observation_id, clock_timestamp(), reason);
    ELSE
        UPDATE krimp.observation_row o
           SET retracted_at = clock_timestamp(), retraction_reason = reason
         WHERE o.observation_id = retract.observation_id;
        done := FOUND;
    END IF;
    IF NOT done THEN
        RAISE EXCEPTION 'observation % does not exist or is not yours to retract', observation_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An organisation retracts only its own observations.';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.retract(bigint, text) IS
    'retract an observation of your own organisation: it is kept with the time and the reason, and drops out of the current figures';
REVOKE ALL ON FUNCTION krimp.retract(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.retract(bigint, text) TO krimp_writer, krimp_admin;

-- ---- what a writer files is bounded --------------------------------

-- The order of the statuses: a figure's status does not go back (a
-- definitief figure replaced by a voorlopig one, say) unless its batch gives
-- a revision reason.  CBS's "." (unknown or secret) ranks lowest: a figure
-- that was known and becomes unknown goes back too.  The rank is the
-- status's place in krimp.observation_statuses() (40_warehouse.sql).
CREATE FUNCTION krimp.status_rank(status text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.array_position(krimp.observation_statuses(), status) OPERATOR(pg_catalog.-) 1;
COMMENT ON FUNCTION krimp.status_rank(text) IS
    'the rank of a status: definitief 4, nader voorlopig 3, voorlopig 2, estimate 1, unknown 0; a figure''s status does not go back without a revision reason';

-- Why a figure cannot have this vintage and embargo, or NULL.  A vintage is
-- a finite time, at most a day ahead of now (a vintage from the far future
-- would stay current over every later correction), and a realisation is
-- not published before its period began (in Dutch time); a forecast may be.
-- An embargo is a finite time; one before the publication means none.
CREATE FUNCTION krimp.vintage_problem(kind text, period krimp.period, published_at timestamptz,
                                      released_at timestamptz)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN published_at IS NULL OR NOT pg_catalog.isfinite(published_at) THEN
            pg_catalog.format('publication time %s is not a finite time', coalesce(published_at::text, 'NULL'))
        WHEN published_at OPERATOR(pg_catalog.>) (pg_catalog.statement_timestamp() OPERATOR(pg_catalog.+) interval '1 day') THEN
            pg_catalog.format('publication time %s is more than a day ahead of now', published_at)
        WHEN kind OPERATOR(pg_catalog.=) 'realisation'
             AND published_at OPERATOR(pg_catalog.<)
                 (krimp.first_day(period)::timestamp AT TIME ZONE 'Europe/Amsterdam') THEN
            pg_catalog.format('a realisation for period %s cannot be published at %s, before the period began',
                              period, published_at)
        WHEN released_at IS NOT NULL AND NOT pg_catalog.isfinite(released_at) THEN
            pg_catalog.format('release time %s is not a finite time', released_at)
    END;
COMMENT ON FUNCTION krimp.vintage_problem(text, krimp.period, timestamptz, timestamptz) IS
    'why a figure cannot be filed with this publication and release time (not finite, more than a day ahead, a realisation published before its period began), or NULL';

-- After every insert into either storage, once per statement: the figures'
-- batches are open, their vintages and embargoes are bounded, and no status
-- goes back without the batch's revision reason (looked up only for the
-- figures below definitief, per block only where its series has figures in
-- its periods).  krimp.apply_batch sets such rows aside before it files;
-- this holds every other way in (INSERT into either table or through
-- krimp.observation, COPY into the view).  A superuser restoring a dump files
-- the figures as they were.
CREATE FUNCTION krimp.observation_filed_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    bad record;
BEGIN
    IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'observation_row' THEN
        SELECT lb.batch_id, lb.state INTO bad
          FROM krimp.load_batch lb
         WHERE lb.batch_id IN (SELECT DISTINCT f.batch_id FROM filed_rows f) AND lb.state <> 'open'
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'load batch % is already applied', bad.batch_id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'File figures into an open batch of your organisation: krimp.begin_batch().';
        END IF;
        SELECT f.batch_id, krimp.vintage_problem(f.kind, f.period, f.published_at, f.released_at) AS problem
          INTO bad FROM filed_rows f
         WHERE krimp.vintage_problem(f.kind, f.period, f.published_at, f.released_at) IS NOT NULL LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', bad.problem
                USING ERRCODE = 'datetime_field_overflow',
                      HINT = 'A vintage (published_at) is a finite time up to a day ahead of now, for a realisation not before its period; an embargo (released_at) is a finite time.';
        END IF;
        SELECT f.indicator_id, f.region_id, f.period, f.status, p.status AS was, p.observation_id INTO bad
          FROM (SELECT * FROM filed_rows x WHERE x.status <> 'definitief') f
          JOIN krimp.load_batch lb ON lb.batch_id = f.batch_id AND lb.revision_reason IS NULL
         -- (the latest earlier vintage: from the rows by the vintage key, read backwards, or from the blocks
         -- of the series; not through the view, which would unroll every block of the series)
         CROSS JOIN LATERAL (
               SELECT u.status, u.observation_id FROM (
                   (SELECT o.status, o.observation_id, o.published_at FROM krimp.observation_row o
                     WHERE o.indicator_id = f.indicator_id AND o.region_id = f.region_id AND o.period = f.period
                       AND o.org_code = f.org_code AND o.kind = f.kind AND o.forecast_producer = f.forecast_producer
                       AND o.forecast_base_year = f.forecast_base_year AND o.published_at < f.published_at
                       AND o.retracted_at IS NULL
                     ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1)
                   UNION ALL
                   (SELECT x.status, 4503599627370496 + x.block_id * 4096 + (v.i - 1), x.published_at
                      FROM krimp.observation_block x
                     CROSS JOIN LATERAL pg_catalog.generate_series(1, pg_catalog.cardinality(x.value)) AS v(i)
                     WHERE x.indicator_id = f.indicator_id AND x.region_id = f.region_id
                       AND x.org_code = f.org_code AND x.kind = f.kind AND x.forecast_producer = f.forecast_producer
                       AND x.forecast_base_year = f.forecast_base_year AND x.first_period <= f.period
                       AND x.published_at < f.published_at
                       AND krimp.granularity(x.first_period) = krimp.granularity(f.period)
                       AND x.first_period + (v.i - 1)::integer = f.period
                       AND (x.retracted_at IS NULL OR x.retracted_at[v.i] IS NULL)
                     ORDER BY x.published_at DESC, x.block_id DESC LIMIT 1)) u
                ORDER BY u.published_at DESC, u.observation_id DESC LIMIT 1) p
         WHERE krimp.status_rank(p.status) > krimp.status_rank(f.status)
         LIMIT 1;
    ELSE
        SELECT lb.batch_id, lb.state INTO bad
          FROM krimp.load_batch lb
         WHERE lb.batch_id IN (SELECT DISTINCT f.batch_id FROM filed_blocks f) AND lb.state <> 'open'
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'load batch % is already applied', bad.batch_id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'File figures into an open batch of your organisation: krimp.begin_batch().';
        END IF;
        SELECT f.batch_id, krimp.vintage_problem(f.kind, f.first_period, f.published_at, f.released_at) AS problem
          INTO bad FROM filed_blocks f
         WHERE krimp.vintage_problem(f.kind, f.first_period, f.published_at, f.released_at) IS NOT NULL LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', bad.problem
                USING ERRCODE = 'datetime_field_overflow',
                      HINT = 'A vintage (published_at) is a finite time up to a day ahead of now, for a realisation not before its period; an embargo (released_at) is a finite time.';
        END IF;
        SELECT f.indicator_id, f.region_id, f.first_period + (u.i - 1)::integer AS period, f.status,
               p.status AS was, p.observation_id INTO bad
          FROM (SELECT x.* FROM filed_blocks x
                  JOIN krimp.load_batch lb ON lb.batch_id = x.batch_id AND lb.revision_reason IS NULL
                 WHERE x.status <> 'definitief'
                   AND (EXISTS (SELECT FROM krimp.observation_row o
                                 WHERE o.indicator_id = x.indicator_id AND o.region_id = x.region_id
                                   AND o.period >= x.first_period
                                   AND o.period <= x.first_period + (pg_catalog.cardinality(x.value) - 1)
                                   AND o.org_code = x.org_code AND o.kind = x.kind
                                   AND o.forecast_producer = x.forecast_producer
                                   AND o.forecast_base_year = x.forecast_base_year
                                   AND o.published_at < x.published_at)
                        OR EXISTS (SELECT FROM krimp.observation_block o
                                    WHERE o.indicator_id = x.indicator_id AND o.region_id = x.region_id
                                      AND o.org_code = x.org_code AND o.kind = x.kind
                                      AND o.forecast_producer = x.forecast_producer
                                      AND o.forecast_base_year = x.forecast_base_year
                                      AND o.first_period <= x.first_period + (pg_catalog.cardinality(x.value) - 1)
                                      AND o.published_at < x.published_at))) f
         CROSS JOIN LATERAL pg_catalog.generate_series(1, pg_catalog.cardinality(f.value)) AS u(i)
         CROSS JOIN LATERAL (
               SELECT o.status, o.observation_id FROM krimp.observation o
                WHERE o.indicator_id = f.indicator_id AND o.region_id = f.region_id
                  AND o.period = f.first_period + (u.i - 1)::integer
                  AND o.org_code = f.org_code AND o.kind = f.kind AND o.forecast_producer = f.forecast_producer
                  AND o.forecast_base_year = f.forecast_base_year AND o.published_at < f.published_at
                  AND o.retracted_at IS NULL
                ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1) p
         WHERE krimp.status_rank(p.status) > krimp.status_rank(f.status)
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'a figure in status % cannot replace observation % in status % without a revision reason',
                        bad.status, bad.observation_id, bad.was
            USING ERRCODE = 'check_violation',
                  DETAIL = pg_catalog.format('Indicator %s, region %s, period %s.', bad.indicator_id, bad.region_id,
                                             bad.period),
                  HINT = 'A status does not go back (definitief, nader voorlopig, voorlopig, estimate, unknown) unless the batch says why: krimp.begin_batch(org, source, file, revision_reason => ''...'').';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION krimp.observation_filed_trigger() IS
    'trigger, once per insert statement into krimp.observation_row or krimp.observation_block: the batches are open, vintages and embargoes are bounded, no status goes back without a revision reason';
CREATE TRIGGER observation_filed AFTER INSERT ON krimp.observation_row
    REFERENCING NEW TABLE AS filed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION krimp.observation_filed_trigger();
CREATE TRIGGER observation_block_filed AFTER INSERT ON krimp.observation_block
    REFERENCING NEW TABLE AS filed_blocks
    FOR EACH STATEMENT EXECUTE FUNCTION krimp.observation_filed_trigger();

-- A batch that has a figure under embargo is its organisation's (and the
-- administrators') until the embargo ends: its source, file name and counts
-- say what is coming.  Readers cannot see those figures, so the policy asks
-- a function that can.  (ALTER POLICY here, where the blocks exist.)
CREATE FUNCTION krimp.batch_under_embargo(batch_id bigint) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (SELECT FROM krimp.observation_row o
                    WHERE o.batch_id OPERATOR(pg_catalog.=) $1
                      AND o.released_at OPERATOR(pg_catalog.>) pg_catalog.now())
        OR EXISTS (SELECT FROM krimp.observation_block b
                    WHERE b.batch_id OPERATOR(pg_catalog.=) $1
                      AND b.released_at OPERATOR(pg_catalog.>) pg_catalog.now())
$$;
COMMENT ON FUNCTION krimp.batch_under_embargo(bigint) IS
    'whether any figure of a load batch is still under embargo (used by the policy that shows the batch to other organisations)';
ALTER POLICY load_batch_read ON krimp.load_batch
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin())
           OR NOT krimp.batch_under_embargo(batch_id));
