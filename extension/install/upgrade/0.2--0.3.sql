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

-- ==== regions: group membership through mergers (krimp.group_members) ====
-- ---- group membership through mergers ---------------------------------------
-- The one home of group membership: the member versions a group was given
-- (krimp.region_group_member) and, through krimp.region_change, every version
-- that succeeds them, with the share of the successor's area that comes from
-- members (area, because the change shares are area shares and every version
-- loaded from the boundaries has its geometry; a version without geometry
-- takes the change share itself).  A successor belongs from the change to the
-- end of its version, never after the group's withdrawal.  On a date: the
-- member versions that hold then (before the designation, the versions it was
-- given: the group's territory on that day's layout).
CREATE FUNCTION krimp.group_members(group_code text, at date DEFAULT NULL)
    RETURNS TABLE (region_id bigint, code text, name text, share double precision,
                   valid_from date, valid_to date, designated boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH RECURSIVE g AS (
        SELECT x.group_code, x.withdrawn_on FROM krimp.region_group x
         WHERE x.group_code OPERATOR(pg_catalog.=) group_members.group_code
    ), part AS (
        -- the part of each successor's area that comes from each predecessor, of
        -- all the area it takes in (the yearly boundary files differ slightly)
        SELECT c.old_region_id, c.new_region_id, c.effective,
               coalesce(c.share * public.ST_Area(o.geom)
                        / nullif(pg_catalog.sum(c.share * public.ST_Area(o.geom)) OVER (PARTITION BY c.new_region_id), 0),
                        c.share) AS part
          FROM krimp.region_change c JOIN krimp.region o ON o.region_id OPERATOR(pg_catalog.=) c.old_region_id
    ), chain (region_id, share, valid_from, designated, depth) AS (
        SELECT m.region_id, 1::double precision, m.valid_from, true, 0
          FROM krimp.region_group_member m JOIN g USING (group_code)
        UNION ALL
        SELECT c.new_region_id, ch.share * c.part, c.effective, false, ch.depth + 1
          FROM chain ch
          JOIN part c ON c.old_region_id OPERATOR(pg_catalog.=) ch.region_id
          CROSS JOIN g
         WHERE (g.withdrawn_on IS NULL OR c.effective OPERATOR(pg_catalog.<) g.withdrawn_on)
           AND ch.depth OPERATOR(pg_catalog.<) 50
    ), m AS (
        SELECT ch.region_id, least(sum(ch.share), 1::double precision) AS share, min(ch.valid_from) AS valid_from,
               bool_or(ch.designated) AS designated
          FROM chain ch GROUP BY ch.region_id
    )
    SELECT r.region_id, r.code, r.name, m.share, m.valid_from,
           CASE WHEN g.withdrawn_on IS NULL THEN r.valid_to
                WHEN r.valid_to IS NULL THEN g.withdrawn_on ELSE least(r.valid_to, g.withdrawn_on) END,
           m.designated
      FROM m JOIN krimp.region r USING (region_id) CROSS JOIN g
     WHERE m.share OPERATOR(pg_catalog.>) 0.0005
       AND (group_members.at IS NULL
            OR (r.valid_from OPERATOR(pg_catalog.<=) group_members.at
                AND (r.valid_to IS NULL OR r.valid_to OPERATOR(pg_catalog.>) group_members.at)
                AND (g.withdrawn_on IS NULL OR g.withdrawn_on OPERATOR(pg_catalog.>) group_members.at)))
     ORDER BY m.valid_from, r.code
$$;
COMMENT ON FUNCTION krimp.group_members(text, date) IS
    'the members of a designated group (all membership periods, or the member versions that hold on a date): the versions it was given and, through the region changes, their successors, each with the share of its area that comes from members, from the designation or the change to the end of the version or the withdrawal';
REVOKE ALL ON FUNCTION krimp.group_members(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.group_members(text, date) TO krimp_reader;

-- the group series of targets and the BI region dimension read membership through it
CREATE OR REPLACE FUNCTION krimp.target_series_all(known_at timestamptz, target_ids bigint[])
    RETURNS TABLE (target_id bigint, series krimp.series, data_vintage timestamptz)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH t AS (
        SELECT tg.target_id, tg.indicator_id, tg.region_id, tg.group_code, tg.layout_year,
               i.code AS indicator_code, i.aggregation, d.code AS denominator_code,
               i.denominator_id
          FROM (SELECT DISTINCT u.id FROM unnest(target_ids) u(id)) ids
          JOIN krimp.target tg ON tg.target_id = ids.id
          JOIN krimp.indicator i ON i.indicator_id = tg.indicator_id
          LEFT JOIN krimp.indicator d ON d.indicator_id = i.denominator_id
    ), obs AS (
        -- the released realisations as known then (krimp.figures_as_of, inlined: the
        -- indicators' array reaches the scan)
        SELECT o.indicator_id, o.region_id, o.period, o.value, o.published_at
          FROM krimp.figures_as_of(known_at, true) o
         WHERE o.kind = 'realisation'
           AND o.indicator_id = ANY (ARRAY(SELECT t.indicator_id FROM t
                                           UNION SELECT t.denominator_id FROM t
                                                  WHERE t.layout_year IS NOT NULL AND t.denominator_id IS NOT NULL))
    ), vintage AS (
        SELECT o.indicator_id, max(o.published_at) AS published_at FROM obs o GROUP BY o.indicator_id
    ), own AS (
        -- a region version's own figures
        SELECT t.target_id, krimp.series_agg(o.period, o.value) AS series, max(o.published_at) AS data_vintage
          FROM t JOIN obs o ON o.indicator_id = t.indicator_id AND o.region_id = t.region_id
         WHERE t.layout_year IS NULL
         GROUP BY t.target_id
    ), layouts AS (
        SELECT DISTINCT t.indicator_code AS code, t.layout_year FROM t WHERE t.layout_year IS NOT NULL
        UNION
        SELECT DISTINCT t.denominator_code, t.layout_year FROM t
         WHERE t.layout_year IS NOT NULL AND t.group_code IS NOT NULL AND t.denominator_code IS NOT NULL
    ), h AS (
        SELECT l.code, l.layout_year, x.region_id, x.period, x.value
          FROM layouts l, LATERAL krimp.released_harmonise(l.code, l.layout_year, known_at) x
    ), members AS (
        -- the target's territory on its layout: the region itself, or the group's member versions
        -- (krimp.group_members: the share of a successor that comes from members)
        SELECT t.target_id, t.indicator_code, t.denominator_code, t.layout_year, t.group_code, r.region_id,
               1::double precision AS share
          FROM t JOIN krimp.region r ON r.region_id = t.region_id
         WHERE t.layout_year IS NOT NULL AND t.group_code IS NULL
           AND daterange(r.valid_from, r.valid_to) @> make_date(t.layout_year, 1, 1)
        UNION ALL
        SELECT t.target_id, t.indicator_code, t.denominator_code, t.layout_year, t.group_code, gm.region_id, gm.share
          FROM t, LATERAL krimp.group_members(t.group_code, make_date(t.layout_year, 1, 1)) gm
         WHERE t.layout_year IS NOT NULL AND t.group_code IS NOT NULL
    ), combined AS (
        SELECT m.target_id, v.period,
               CASE WHEN count(v.value) = max(n.members)
                         AND (m.group_code IS NULL OR m.denominator_code IS NULL OR count(dv.value) = max(n.members))
                    THEN CASE WHEN m.group_code IS NULL OR m.denominator_code IS NULL THEN sum(m.share * v.value)
                              ELSE sum(m.share * v.value * dv.value) / nullif(sum(m.share * dv.value), 0) END
               END AS value
          FROM members m
          JOIN (SELECT mm.target_id, count(*) AS members FROM members mm GROUP BY mm.target_id) n
            ON n.target_id = m.target_id
          JOIN h v ON v.code = m.indicator_code AND v.layout_year = m.layout_year AND v.region_id = m.region_id
          LEFT JOIN h dv ON dv.code = m.denominator_code AND dv.layout_year = m.layout_year
                        AND dv.region_id = m.region_id AND dv.period = v.period
         GROUP BY m.target_id, m.group_code, m.denominator_code, v.period
    ), recast AS (
        SELECT c.target_id, krimp.series_agg(c.period, c.value) AS series
          FROM combined c GROUP BY c.target_id
    )
    SELECT t.target_id, coalesce(own.series, recast.series),
           CASE WHEN t.layout_year IS NULL THEN own.data_vintage
                ELSE greatest((SELECT v.published_at FROM vintage v WHERE v.indicator_id = t.indicator_id),
                              (SELECT v.published_at FROM vintage v WHERE v.indicator_id = t.denominator_id
                                                                      AND t.group_code IS NOT NULL)) END
      FROM t
      LEFT JOIN own ON own.target_id = t.target_id
      LEFT JOIN recast ON recast.target_id = t.target_id
$$;

CREATE OR REPLACE FUNCTION krimp.target_series_of(indicator_id integer, region_id bigint, group_code text,
                                       layout_year integer, known_at timestamptz)
    RETURNS krimp.series
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    i krimp.indicator;
    result krimp.series;
BEGIN
    SELECT * INTO i FROM krimp.indicator x WHERE x.indicator_id = target_series_of.indicator_id;
    IF layout_year IS NULL THEN
        -- krimp.region_series(i.code, region_id, known_at) on the released figures
        SELECT krimp.series_agg(o.period, o.value) INTO result
          FROM krimp.figures_as_of(known_at, true) o
         WHERE o.indicator_id = i.indicator_id AND o.region_id = target_series_of.region_id
           AND o.kind = 'realisation';
        RETURN result;
    END IF;
    SELECT krimp.series_agg(c.period, c.value) INTO result
      FROM (SELECT v.period,
                   CASE WHEN count(v.value) = max(n.members)
                             AND (target_series_of.group_code IS NULL OR i.denominator_id IS NULL
                                  OR count(d.value) = max(n.members))
                        THEN CASE WHEN target_series_of.group_code IS NULL OR i.denominator_id IS NULL
                                  THEN sum(mem.share * v.value)
                                  ELSE sum(mem.share * v.value * d.value) / nullif(sum(mem.share * d.value), 0) END
                   END AS value
              FROM (SELECT r.region_id, 1::double precision AS share FROM krimp.region r
                     WHERE daterange(r.valid_from, r.valid_to) @> make_date(target_series_of.layout_year, 1, 1)
                       AND r.region_id = target_series_of.region_id
                    UNION ALL
                    SELECT gm.region_id, gm.share
                      FROM krimp.group_members(target_series_of.group_code,
                                               make_date(target_series_of.layout_year, 1, 1)) gm
                     WHERE target_series_of.group_code IS NOT NULL) mem
             CROSS JOIN (SELECT sum(x.c) AS members
                           FROM (SELECT count(*) AS c FROM krimp.region r
                                  WHERE daterange(r.valid_from, r.valid_to) @> make_date(target_series_of.layout_year, 1, 1)
                                    AND r.region_id = target_series_of.region_id
                                  UNION ALL
                                 SELECT count(*) FROM krimp.group_members(target_series_of.group_code,
                                                                          make_date(target_series_of.layout_year, 1, 1)) gm
                                  WHERE target_series_of.group_code IS NOT NULL) x) n
              JOIN krimp.released_harmonise(i.code, target_series_of.layout_year, known_at) v
                ON v.region_id = mem.region_id
              LEFT JOIN krimp.released_harmonise((SELECT x.code FROM krimp.indicator x
                                                   WHERE x.indicator_id = i.denominator_id),
                                                 target_series_of.layout_year, known_at) d
                ON target_series_of.group_code IS NOT NULL AND d.region_id = mem.region_id AND d.period = v.period
             GROUP BY v.period) c;
    RETURN result;
END
$$;

CREATE OR REPLACE VIEW krimp_bi.dim_region WITH (security_invoker = true) AS
    WITH RECURSIVE up (region_id, ancestor_id) AS (
        SELECT p.region_id, p.parent_id FROM krimp.region_parent p
        UNION
        SELECT u.region_id, p.parent_id FROM up u JOIN krimp.region_parent p ON p.region_id OPERATOR(pg_catalog.=) u.ancestor_id
    ), province AS (
        SELECT DISTINCT ON (u.region_id) u.region_id, a.code
          FROM up u JOIN krimp.region a ON a.region_id OPERATOR(pg_catalog.=) u.ancestor_id
         WHERE a.level OPERATOR(pg_catalog.=) 'province'
         ORDER BY u.region_id, a.valid_from DESC, a.region_id DESC
    ), groups AS (
        SELECT m.region_id,
               pg_catalog.string_agg(DISTINCT g.group_code, ', ') AS group_codes,
               pg_catalog.string_agg(DISTINCT g.designation, ', ') AS designations
          FROM krimp.region_group g CROSS JOIN LATERAL krimp.group_members(g.group_code) m
         GROUP BY m.region_id
    )
    SELECT r.region_id AS region_key,
           r.code AS region_code,
           r.name AS region_name,
           r.level AS region_level,
           r.valid_from,
           r.valid_to,
           r.valid_to IS NULL AS is_current,
           CASE WHEN r.level OPERATOR(pg_catalog.=) 'province' THEN r.code ELSE pv.code END AS province_code,
           gr.group_codes,
           gr.designations,
           public.ST_Area(r.geom) OPERATOR(pg_catalog./) 1e6::double precision AS area_km2
      FROM krimp.region r
      LEFT JOIN province pv ON pv.region_id OPERATOR(pg_catalog.=) r.region_id
      LEFT JOIN groups gr ON gr.region_id OPERATOR(pg_catalog.=) r.region_id;

-- forecasts recast the way realisations are: one krimp.harmonise with the kind, producer and base year
CREATE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz,
                                released_only boolean, figure_kind text, forecast_producer text,
                                forecast_base_year integer)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    ind krimp.indicator;
    den krimp.indicator;
BEGIN
    IF figure_kind <> ALL (krimp.observation_kinds())
       OR (figure_kind = 'forecast') <> (forecast_producer <> '' AND forecast_base_year <> 0) THEN
        RAISE EXCEPTION 'figures of kind "%" with producer "%" and base year % cannot be recast', figure_kind,
                        forecast_producer, forecast_base_year
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give kind ''realisation'' with producer '''' and base year 0, or ''forecast'' with its producer and base year.';
    END IF;
    SELECT * INTO ind FROM krimp.indicator i WHERE i.code = harmonise.indicator_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', indicator_code
            USING ERRCODE = 'undefined_object',
                  HINT = 'The indicators are listed in krimp.indicator.';
    END IF;
    IF layout_year < 1800 OR layout_year > 2200 THEN
        RAISE EXCEPTION 'layout year % is out of range', layout_year
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the year whose layout on 1 January the figures are recast onto, for example 2023.';
    END IF;
    IF ind.aggregation = 'none' THEN
        RAISE EXCEPTION 'indicator "%" cannot be recast onto another layout', ind.code
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its aggregation is ''none'': figures of regions cannot be combined.',
                  HINT = 'Read it per region version with krimp.region_series() or krimp.series_current.';
    END IF;
    IF ind.aggregation = 'weighted mean' THEN
        SELECT * INTO den FROM krimp.indicator i WHERE i.indicator_id = ind.denominator_id;
        IF den.aggregation <> 'sum' THEN
            RAISE EXCEPTION 'indicator "%" is weighted by "%", which is not a count', ind.code, den.code
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'A rate is recast through its numerator and denominator; give it a denominator with aggregation ''sum''.';
        END IF;
    END IF;

    RETURN QUERY
    WITH w AS (
        SELECT * FROM krimp.region_weights(make_date(layout_year, 1, 1))
    ), obs AS (
        -- the realisations of the indicator (and of its denominator) as known then
        -- (and released then, with released_only): krimp.figures_as_of
        SELECT o.indicator_id, o.region_id, o.period, o.value
          FROM krimp.figures_as_of(known_at, released_only) o
         WHERE o.indicator_id IN (ind.indicator_id, den.indicator_id) AND o.kind = harmonise.figure_kind
           AND o.forecast_producer = harmonise.forecast_producer
           AND o.forecast_base_year = harmonise.forecast_base_year
    ), fig AS (
        -- a count as it is; a rate as numerator (rate times denominator) and denominator
        SELECT x.region_id, x.period,
               CASE WHEN den.indicator_id IS NULL THEN x.v ELSE x.v * x.d END AS num, x.d AS den
          FROM (SELECT o.region_id, o.period,
                       max(o.value) FILTER (WHERE o.indicator_id = ind.indicator_id) AS v,
                       max(o.value) FILTER (WHERE o.indicator_id = den.indicator_id) AS d,
                       bool_or(o.indicator_id = ind.indicator_id) AS has_figure
                  FROM obs o GROUP BY o.region_id, o.period) x
         WHERE x.has_figure
    ), agg AS (
        SELECT w.target_id, f.period, sum(w.weight * f.num) AS num, sum(w.weight * f.den) AS den,
               count(f.num) AS n_values
          FROM fig f JOIN w ON w.region_id = f.region_id
         GROUP BY w.target_id, f.period
    ), expected AS (
        -- the versions that hold in each period and lie (partly) in each target
        SELECT w.target_id, p.period, count(*) AS n_versions
          FROM w
          JOIN krimp.region v ON v.region_id = w.region_id
          JOIN (SELECT DISTINCT f.period FROM fig f) p
            ON pg_catalog.daterange(v.valid_from, v.valid_to) @> krimp.daterange(p.period)
         GROUP BY w.target_id, p.period
    )
    SELECT r.region_id, r.code, r.name, a.period,
           -- complete only if every version that holds in the period and lies in the
           -- target has a figure; otherwise the value is unknown
           CASE WHEN a.n_values = e.n_versions
                THEN CASE WHEN den.indicator_id IS NULL THEN a.num ELSE a.num / nullif(a.den, 0) END
           END
      FROM agg a
      JOIN krimp.region r ON r.region_id = a.target_id
      LEFT JOIN expected e ON e.target_id = a.target_id AND e.period OPERATOR(krimp.=) a.period
     ORDER BY r.code, a.period;
END
$$;
COMMENT ON FUNCTION krimp.harmonise(text, integer, timestamptz, boolean, text, text, integer) IS
    'an indicator''s figures of one kind (realisation; or forecast, of one producer and base year) as known at a moment (krimp.figures_as_of; with released_only only the released ones) recast onto the region versions valid on 1 January of a layout year: counts are summed with the area shares of the change chain, rates are recast through numerator and denominator (of the same kind); NULL where a contributing figure is missing';
CREATE OR REPLACE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz,
                                released_only boolean)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT * FROM krimp.harmonise(indicator_code, layout_year, known_at, released_only, 'realisation', '', 0)
$$;
CREATE FUNCTION krimp.harmonised_forecast(indicator_code text, forecast_producer text, forecast_base_year integer,
                                          layout_year integer DEFAULT NULL, known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, series krimp.series)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT h.region_id, h.code, h.name, krimp.series_agg(h.period, h.value)
      FROM krimp.harmonise(harmonised_forecast.indicator_code,
                           coalesce(harmonised_forecast.layout_year, krimp.latest_layout_year()),
                           harmonised_forecast.known_at, false, 'forecast', harmonised_forecast.forecast_producer,
                           harmonised_forecast.forecast_base_year) h
     GROUP BY h.region_id, h.code, h.name
     ORDER BY h.code
$$;
COMMENT ON FUNCTION krimp.harmonised_forecast(text, text, integer, integer, timestamptz) IS
    'one krimp.series per region version of a layout (the newest loaded by default): the forecasts of one producer and base year recast with krimp.harmonise(), as realisations are';

CREATE FUNCTION krimp.forecast_error(indicator_code text, forecast_producer text, forecast_base_year integer,
                                     layout_year integer DEFAULT NULL, known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, horizon integer,
                   forecast double precision, realisation double precision, error double precision,
                   relative_error double precision)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH l AS (
        SELECT coalesce(forecast_error.layout_year, krimp.latest_layout_year()) AS y
    )
    SELECT f.region_id, f.code, f.name, f.period,
           (pg_catalog.date_part('year', krimp.first_day(f.period)))::integer
               OPERATOR(pg_catalog.-) forecast_error.forecast_base_year,
           f.value, r.value, f.value OPERATOR(pg_catalog.-) r.value,
           (f.value OPERATOR(pg_catalog.-) r.value) OPERATOR(pg_catalog./) nullif(r.value, 0)
      FROM l,
           LATERAL krimp.harmonise(forecast_error.indicator_code, l.y, forecast_error.known_at, false, 'forecast',
                                   forecast_error.forecast_producer, forecast_error.forecast_base_year) f
      JOIN LATERAL krimp.harmonise(forecast_error.indicator_code, l.y, forecast_error.known_at, false,
                                   'realisation', '', 0) r
        ON r.region_id OPERATOR(pg_catalog.=) f.region_id AND r.period OPERATOR(krimp.=) f.period
     ORDER BY f.code, f.period
$$;
COMMENT ON FUNCTION krimp.forecast_error(text, text, integer, integer, timestamptz) IS
    'a forecast (producer, base year) against the realisation, both recast onto one layout (the newest loaded by default): for each region version and period, the horizon (the period''s year minus the base year), forecast, realisation, error (forecast minus realisation) and relative error (error over realisation)';
REVOKE ALL ON FUNCTION krimp.harmonise(text, integer, timestamptz, boolean, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.harmonise(text, integer, timestamptz, boolean, text, text, integer) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.harmonised_forecast(text, text, integer, integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.harmonised_forecast(text, text, integer, integer, timestamptz) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.forecast_error(text, text, integer, integer, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.forecast_error(text, text, integer, integer, timestamptz) TO krimp_reader;
