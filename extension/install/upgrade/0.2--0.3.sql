-- krimp 0.2 -> 0.3, written by hand: every change to the parts in
-- extension/install/ since 0.2 was released, as the statements that take a
-- 0.2 database to what a fresh 0.3 install creates (test/scripts/upgrade.sh
-- compares the two).  Frozen once 0.3 is released.
\echo Use "ALTER EXTENSION krimp UPDATE TO '0.3'" to load this file. \quit

-- ==== lead: the theme list as one function, with the report's themes ====
CREATE FUNCTION krimp.indicator_themes() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['demography', 'households', 'housing', 'income and economy', 'facilities', 'labour market',
                 'care', 'education', 'liveability'];
COMMENT ON FUNCTION krimp.indicator_themes() IS
    'the themes of an indicator: demography, households, housing, income and economy, facilities, labour market, care, education, liveability';
ALTER TABLE krimp.indicator DROP CONSTRAINT indicator_theme_check;
ALTER TABLE krimp.indicator ADD CONSTRAINT indicator_theme_check
    CHECK (theme OPERATOR(pg_catalog.=) ANY (krimp.indicator_themes()));
REVOKE ALL ON FUNCTION krimp.indicator_themes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.indicator_themes() TO krimp_reader;

-- ==== report: slopes per step of the series in krimp.explain (issue 15, issue 17) ====
-- krimp.explain(kind, ...) takes the step of the series (step text DEFAULT 'year'); krimp.explain(f)
-- passes the granularity of the flag's period; krimp.explain_step(granularity) says the step in words.
-- krimp.explain(f) is BEGIN ATOMIC and depends on the general form: it goes first.
DROP FUNCTION krimp.explain(krimp.tipping_point_flag);
DROP FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer);
-- The step of a slope in words: the Theil-Sen slopes of a tipping point
-- are per step of its series, so a monthly series' trend is 'a month'.
-- The granularity of a period (krimp.granularity): year, half-year,
-- quarter, month, or span (a span of years: 'a step').  NULL: a year.
CREATE OR REPLACE FUNCTION krimp.explain_step(granularity text)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE coalesce(granularity, 'year')
           WHEN 'year' THEN 'a year' WHEN 'half-year' THEN 'a half-year' WHEN 'quarter' THEN 'a quarter'
           WHEN 'month' THEN 'a month' ELSE 'a step'
       END;
COMMENT ON FUNCTION krimp.explain_step(text) IS
    'the step of a slope in words, from a granularity (krimp.granularity of a period): a year, a half-year, a quarter, a month; a step for a span; a year for NULL';

-- The sentence from its parts.  Not STRICT: before, after, p_value, unit
-- and assessment may each be unknown; kind NULL gives NULL.
CREATE OR REPLACE FUNCTION krimp.explain(kind text, direction text, before double precision,
                                         after double precision, p_value double precision, unit text,
                                         assessment text DEFAULT NULL, decimals integer DEFAULT 0,
                                         step text DEFAULT 'year')
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
           WHEN kind IN ('trend turn', 'acceleration', 'deceleration') THEN
               pg_catalog.format('%s: the trend went from %s to %s%s %s',
                                 kind, krimp.explain_number(before, decimals, true),
                                 krimp.explain_number(after, decimals, true),
                                 coalesce(' ' || nullif(unit, ''), ''), krimp.explain_step(step))
           WHEN kind IN ('convergence', 'divergence') THEN
               pg_catalog.format('%s against the national growth: the gap moved %s instead of %s%s %s',
                                 kind, krimp.explain_number(after, decimals, true),
                                 krimp.explain_number(before, decimals, true),
                                 coalesce(' ' || nullif(unit, ''), ''), krimp.explain_step(step))
           WHEN kind IS NOT NULL THEN
               pg_catalog.format('%s%s from a level of %s to %s%s',
                                 kind, coalesce(' ' || nullif(direction, ''), ''),
                                 krimp.explain_number(before, decimals, false),
                                 krimp.explain_number(after, decimals, false),
                                 coalesce(' ' || nullif(unit, ''), ''))
       END
       || coalesce(' (' || nullif(pg_catalog.concat_ws(', ', assessment,
                                                      CASE WHEN p_value < 0.0001 THEN 'p < 0.0001'
                                                           WHEN p_value IS NOT NULL
                                                           THEN 'p = ' || pg_catalog.to_char(p_value, 'FM0.0000')
                                                      END), '') || ')', '');
COMMENT ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer, text) IS
    'the one-line explanation of a tipping point from its kind, direction (up or down), value before and after, p-value, the indicator''s unit, and optionally the assessment (improving or worsening), the indicator''s decimals and the step of the series the slopes are per (a granularity: year, half-year, quarter, month; default year)';

-- The sentence of a flag, in its indicator's unit and decimals.
CREATE OR REPLACE FUNCTION krimp.explain(f krimp.tipping_point_flag)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT krimp.explain(f.kind, f.direction, f.before, f.after, f.p_value, i.unit, f.assessment, i.decimals,
                         krimp.granularity(f.period))
      FROM krimp.indicator i
     WHERE i.indicator_id = f.indicator_id;
END;
COMMENT ON FUNCTION krimp.explain(krimp.tipping_point_flag) IS
    'the one-line explanation of a flagged tipping point (krimp.explain over its kind, direction, values and p-value, in the indicator''s unit and decimals, slopes per step of its series: the granularity of its period); the sentence of krimpctl report, krimpctl demo and scripts/demo.sql';
REVOKE ALL ON FUNCTION krimp.explain_step(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.explain_step(text) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer, text) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.explain(krimp.tipping_point_flag) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.explain(krimp.tipping_point_flag) TO krimp_reader;

-- ==== data: krimp.derive_rate, rates filed from two indicators (issue 15) ====
CREATE FUNCTION krimp.derive_rate(rate text, numerator text, org_code text DEFAULT 'BZK',
                                  scale double precision DEFAULT 100)
    RETURNS TABLE (batch_id bigint, source text, published_at timestamptz, figures bigint)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    r krimp.indicator;
    n krimp.indicator;
    d krimp.indicator;
    v record;
    b bigint;
BEGIN
    SELECT * INTO r FROM krimp.indicator i WHERE i.code = rate;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', rate
            USING ERRCODE = 'undefined_object', HINT = 'Load the catalogue first: psql -f data/indicators.sql.';
    END IF;
    SELECT * INTO n FROM krimp.indicator i WHERE i.code = numerator;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', numerator
            USING ERRCODE = 'undefined_object', HINT = 'Load the catalogue first: psql -f data/indicators.sql.';
    END IF;
    SELECT * INTO d FROM krimp.indicator i WHERE i.indicator_id = r.denominator_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" has no denominator', rate
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A rate is its numerator over the denominator krimp.indicator.denominator_id names.',
                  HINT = 'Set the rate indicator''s denominator_id (data/indicators.sql does for share_* and vacancy_rate).';
    END IF;
    IF scale IS NULL OR scale = 0 OR scale <> scale OR scale IN ('Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'scale must be a finite number other than 0, not %', scale
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give 100 for a percentage (the default), 1 for a fraction.';
    END IF;
    CREATE TEMPORARY TABLE krimp_derived ON COMMIT DROP AS
    SELECT rg.code AS region_code, x.period, x.value,
           pg_catalog.format('derived from %s (%s) over %s (%s)', n.code, x.n_source, d.code, x.d_source) AS source,
           x.published_at
      FROM (SELECT fn.region_id, fn.period, scale * fn.value / fd.value AS value,
                   fn.source AS n_source, fd.source AS d_source,
                   GREATEST(fn.published_at, fd.published_at) AS published_at
              FROM krimp.figures_as_of('infinity') fn
              JOIN krimp.figures_as_of('infinity') fd
                ON fd.region_id = fn.region_id AND fd.period = fn.period
             WHERE fn.indicator_id = n.indicator_id AND fn.kind = 'realisation' AND fn.value IS NOT NULL
               AND fd.indicator_id = d.indicator_id AND fd.kind = 'realisation' AND fd.value > 0) x
      JOIN krimp.region rg ON rg.region_id = x.region_id
      LEFT JOIN krimp.figures_as_of('infinity') fr
        ON fr.indicator_id = r.indicator_id AND fr.region_id = x.region_id AND fr.period = x.period
       AND fr.kind = 'realisation'
     WHERE fr.value IS DISTINCT FROM x.value;
    FOR v IN SELECT k.source, k.published_at, count(*) AS n
               FROM krimp_derived k GROUP BY k.source, k.published_at ORDER BY k.published_at, k.source
    LOOP
        b := krimp.begin_batch(org_code, v.source, 'krimp.derive_rate(' || rate || ', ' || numerator || ')');
        INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code,
                                               period, value)
        SELECT b, pg_catalog.row_number() OVER (ORDER BY k.region_code, k.period), org_code, rate, k.region_code,
               k.period::text, k.value::text
          FROM krimp_derived k WHERE k.source = v.source AND k.published_at = v.published_at;
        PERFORM krimp.apply_batch(b, 'abort', v.published_at);
        batch_id := b;
        source := v.source;
        published_at := v.published_at;
        figures := v.n;
        RETURN NEXT;
    END LOOP;
    DROP TABLE krimp_derived;
END
$$;
COMMENT ON FUNCTION krimp.derive_rate(text, text, text, double precision) IS
    'files the rate indicator''s figures as scale * numerator / the rate''s denominator (krimp.indicator.denominator_id), from the figures as known (krimp.figures_as_of), one load batch per vintage (the later of the two figures'' published_at), source "derived from ..."; only figures that differ from the current ones: a second call files nothing';
REVOKE ALL ON FUNCTION krimp.derive_rate(text, text, text, double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.derive_rate(text, text, text, double precision) TO krimp_writer, krimp_admin;
-- krimp.apply_batch_file_rows compares with the figure as known at the batch's vintage
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
