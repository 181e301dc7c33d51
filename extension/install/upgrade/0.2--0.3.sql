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

-- ==== bench: benchmarks (krimp.benchmark_values) and stale lights in rounds (krimp.figure_staleness) ====

CREATE FUNCTION krimp.benchmark_kinds() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['national', 'province', 'rest of country', 'outside decline regions'];
COMMENT ON FUNCTION krimp.benchmark_kinds() IS
    'the benchmarks of an indicator: national (NL01), province (the region''s province), rest of country (the Netherlands without the region), outside decline regions (the municipalities outside every decline region)';

ALTER TABLE krimp.indicator
    ADD COLUMN benchmark text NOT NULL DEFAULT 'national' CONSTRAINT indicator_benchmark_check CHECK (benchmark OPERATOR(pg_catalog.=) ANY (krimp.benchmark_kinds())),
    ADD COLUMN publication_lag interval NOT NULL DEFAULT '1 year 3 months' CONSTRAINT indicator_publication_lag_check CHECK (publication_lag OPERATOR(pg_catalog.>=) '0'::interval);

COMMENT ON COLUMN krimp.indicator.benchmark IS
    'the benchmark the indicator is compared with by default (krimp.benchmark_kinds()): in convergence detection and in a round''s comparison';

COMMENT ON COLUMN krimp.indicator.publication_lag IS
    'how long after a period begins its figure is usually published (default 1 year 3 months); a round whose newest figure is older than this allows marks the light stale (krimp.figure_staleness)';

ALTER TYPE krimp.target_evaluation ADD ATTRIBUTE stale boolean, ADD ATTRIBUTE stale_reason text;

COMMENT ON TYPE krimp.target_evaluation IS
    'a target judged as known at a moment: the assessment (krimp.target_assessment) plus the data vintage used and the change of the region and of its benchmark (nl_change, nl_change_pct, nl_source: the indicator''s benchmark, krimp.benchmark_values) from the baseline period to the latest period; stale and stale_reason say when the newest figure is older than the indicator''s publication lag allows (krimp.figure_staleness)';

CREATE FUNCTION krimp.decline_region_members() RETURNS TABLE (region_id bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT DISTINCT m.region_id
      FROM krimp.region_group g CROSS JOIN LATERAL krimp.group_members(g.group_code) m
     WHERE g.designation IN ('topkrimpregio', 'anticipeerregio')
$$;
COMMENT ON FUNCTION krimp.decline_region_members() IS
    'the region versions that are (or were) members of a decline region (a topkrimpregio or anticipeerregio group), their successors through mergers and splits included (krimp.group_members): what the benchmark ''outside decline regions'' leaves out';

CREATE FUNCTION krimp.benchmark_values(indicator_id integer, region_id bigint, benchmark text DEFAULT NULL,
                                       known_at timestamptz DEFAULT 'infinity', group_code text DEFAULT NULL,
                                       layout_year integer DEFAULT NULL)
    RETURNS TABLE (period krimp.period, value double precision, source text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    i krimp.indicator;
    kind text;
    prov text;
    own krimp.series;
    own_d krimp.series;
BEGIN
    SELECT * INTO i FROM krimp.indicator x WHERE x.indicator_id = benchmark_values.indicator_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator % does not exist', benchmark_values.indicator_id
            USING ERRCODE = 'undefined_object';
    END IF;
    kind := coalesce(benchmark_values.benchmark, i.benchmark);
    IF NOT kind = ANY (krimp.benchmark_kinds()) THEN
        RAISE EXCEPTION 'unknown benchmark "%"', kind
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Use one of %s (krimp.benchmark_kinds()), or NULL for the indicator''s default (%s).',
                                array_to_string(krimp.benchmark_kinds(), ', '), i.benchmark);
    END IF;
    IF known_at IS NULL THEN
        RAISE EXCEPTION 'known_at must not be null'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'Use ''infinity'' for the current figures.';
    END IF;
    IF (region_id IS NULL) = (group_code IS NULL) THEN
        RAISE EXCEPTION 'a benchmark is for a region version or a group'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give region_id, or group_code with its layout_year.';
    END IF;
    -- the country has no benchmark but itself
    IF EXISTS (SELECT 1 FROM krimp.region r WHERE r.region_id = benchmark_values.region_id AND r.level = 'country') THEN
        RETURN;
    END IF;

    IF kind = 'national' THEN
        RETURN QUERY SELECT n.period, n.value, n.source
                       FROM krimp.national_values(known_at, ARRAY[i.indicator_id]) n;
    ELSIF kind = 'province' THEN
        IF group_code IS NOT NULL THEN
            SELECT g.province_code INTO prov FROM krimp.region_group g WHERE g.group_code = benchmark_values.group_code;
        ELSE
            SELECT pr.code INTO prov
              FROM krimp.region_parent p JOIN krimp.region pr ON pr.region_id = p.parent_id
             WHERE p.region_id = benchmark_values.region_id AND pr.level = 'province'
             ORDER BY p.valid_to DESC NULLS FIRST LIMIT 1;
        END IF;
        IF prov IS NULL THEN
            RETURN;
        END IF;
        RETURN QUERY
        WITH obs AS (
            SELECT o.indicator_id, o.region_id, o.period, o.value
              FROM krimp.figures_as_of(known_at, true) o
             WHERE o.kind = 'realisation'
               AND o.indicator_id IN (i.indicator_id, i.denominator_id)
        ), own_fig AS (
            SELECT DISTINCT ON (o.period) o.period, o.value
              FROM obs o JOIN krimp.region r ON r.region_id = o.region_id
             WHERE r.code = prov AND o.indicator_id = i.indicator_id AND o.value IS NOT NULL
             ORDER BY o.period, r.valid_from DESC
        ), mun AS (
            -- the municipality versions in the province in each period
            SELECT v.period,
                   CASE WHEN i.aggregation = 'sum' THEN sum(v.value)
                        ELSE sum(v.value * d.value) / nullif(sum(d.value), 0) END AS value,
                   count(v.value) FILTER (WHERE i.aggregation = 'sum' OR d.value IS NOT NULL) AS n
              FROM obs v
              JOIN krimp.region r ON r.region_id = v.region_id AND r.level = 'municipality'
              LEFT JOIN obs d ON d.indicator_id = i.denominator_id AND d.region_id = v.region_id AND d.period = v.period
             WHERE v.indicator_id = i.indicator_id AND i.aggregation <> 'none'
               AND EXISTS (SELECT 1 FROM krimp.region_parent p JOIN krimp.region pr ON pr.region_id = p.parent_id
                            WHERE p.region_id = v.region_id AND pr.code = prov
                              AND daterange(p.valid_from, p.valid_to) && krimp.daterange(v.period))
             GROUP BY v.period
        )
        SELECT f.period, f.value, prov FROM own_fig f
        UNION ALL
        SELECT m.period, m.value, prov || ' (municipalities)' FROM mun m
         WHERE NOT EXISTS (SELECT 1 FROM own_fig f WHERE f.period = m.period)
           AND m.n = (SELECT count(*) FROM krimp.region r JOIN krimp.region_parent p ON p.region_id = r.region_id
                        JOIN krimp.region pr ON pr.region_id = p.parent_id
                       WHERE r.level = 'municipality' AND pr.code = prov
                         AND daterange(r.valid_from, r.valid_to) @> krimp.daterange(m.period)
                         AND daterange(p.valid_from, p.valid_to) && krimp.daterange(m.period));
    ELSIF kind = 'rest of country' THEN
        IF i.aggregation = 'none' THEN
            RETURN;
        END IF;
        own := krimp.target_series_of(i.indicator_id, region_id, group_code, layout_year, known_at);
        IF i.aggregation = 'sum' THEN
            RETURN QUERY
            SELECT n.period, n.value - r.value, 'rest of country'
              FROM krimp.national_values(known_at, ARRAY[i.indicator_id]) n
              JOIN krimp.points(own) r ON r.period = n.period
             WHERE r.value IS NOT NULL;
        ELSE
            own_d := krimp.target_series_of(i.denominator_id, region_id, group_code, layout_year, known_at);
            RETURN QUERY
            SELECT n.period, (n.value * nd.value - r.value * rd.value) / nullif(nd.value - rd.value, 0),
                   'rest of country'
              FROM krimp.national_values(known_at, ARRAY[i.indicator_id]) n
              JOIN krimp.national_values(known_at, ARRAY[i.denominator_id]) nd ON nd.period = n.period
              JOIN krimp.points(own) r ON r.period = n.period
              JOIN krimp.points(own_d) rd ON rd.period = n.period
             WHERE r.value IS NOT NULL AND rd.value IS NOT NULL;
        END IF;
    ELSE
        -- outside decline regions
        IF i.aggregation = 'none' THEN
            RETURN;
        END IF;
        RETURN QUERY
        WITH outside AS (
            SELECT r.region_id, r.valid_from, r.valid_to FROM krimp.region r
             WHERE r.level = 'municipality'
               AND NOT EXISTS (SELECT 1 FROM krimp.decline_region_members() m WHERE m.region_id = r.region_id)
        ), obs AS (
            SELECT o.indicator_id, o.region_id, o.period, o.value
              FROM krimp.figures_as_of(known_at, true) o JOIN outside x ON x.region_id = o.region_id
             WHERE o.kind = 'realisation'
               AND o.indicator_id IN (i.indicator_id, i.denominator_id)
        ), mun AS (
            SELECT v.period,
                   CASE WHEN i.aggregation = 'sum' THEN sum(v.value)
                        ELSE sum(v.value * d.value) / nullif(sum(d.value), 0) END AS value,
                   count(v.value) FILTER (WHERE i.aggregation = 'sum' OR d.value IS NOT NULL) AS n
              FROM obs v
              LEFT JOIN obs d ON d.indicator_id = i.denominator_id AND d.region_id = v.region_id AND d.period = v.period
             WHERE v.indicator_id = i.indicator_id
             GROUP BY v.period
        )
        SELECT m.period, m.value, 'outside decline regions' FROM mun m
         WHERE m.n = (SELECT count(*) FROM outside x
                       WHERE daterange(x.valid_from, x.valid_to) @> krimp.daterange(m.period));
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.benchmark_values(integer, bigint, text, timestamptz, text, integer) IS
    'the benchmark of an indicator for a region version (region_id) or a group (group_code on layout_year) per period, as known and released at a moment, with its source: benchmark national, province, rest of country or outside decline regions (krimp.benchmark_kinds()), NULL for the indicator''s default (krimp.indicator.benchmark); sums add up, rates are weighted by their denominator; nothing for the country itself';

CREATE FUNCTION krimp.benchmark_series(indicator_id integer, region_id bigint, benchmark text,
                                       known_at timestamptz DEFAULT 'infinity', group_code text DEFAULT NULL,
                                       layout_year integer DEFAULT NULL)
    RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT krimp.series_agg(b.period, b.value)
      FROM krimp.benchmark_values(indicator_id, region_id, benchmark, known_at, group_code, layout_year) b
$$;
COMMENT ON FUNCTION krimp.benchmark_series(integer, bigint, text, timestamptz, text, integer) IS
    'the benchmark of krimp.benchmark_values as a series (NULL benchmark: the indicator''s default); the benchmark of convergence and divergence in krimp.tipping_points';

CREATE FUNCTION krimp.benchmark_values_many(known_at timestamptz, indicator_ids integer[], region_ids bigint[],
                                            group_codes text[] DEFAULT NULL, layout_years integer[] DEFAULT NULL)
    RETURNS TABLE (ord integer, period krimp.period, value double precision, source text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH k AS MATERIALIZED (
        SELECT u.ord::integer AS ord, u.indicator_id, u.region_id, u.group_code, u.layout_year,
               i.benchmark IN ('national', 'outside decline regions') AS shared,
               coalesce(r.level = 'country', false) AS is_country
          FROM unnest(indicator_ids, region_ids, group_codes, layout_years)
               WITH ORDINALITY u(indicator_id, region_id, group_code, layout_year, ord)
          JOIN krimp.indicator i ON i.indicator_id = u.indicator_id
          LEFT JOIN krimp.region r ON r.region_id = u.region_id
    ), one AS (
        SELECT DISTINCT ON (k.indicator_id) k.* FROM k WHERE k.shared AND NOT k.is_country
         ORDER BY k.indicator_id, k.ord
    ), shared AS MATERIALIZED (
        SELECT one.indicator_id, b.period, b.value, b.source
          FROM one, LATERAL krimp.benchmark_values(one.indicator_id, one.region_id, NULL, known_at,
                                                   one.group_code, one.layout_year) b
    )
    SELECT k.ord, s.period, s.value, s.source
      FROM k JOIN shared s ON s.indicator_id = k.indicator_id
     WHERE k.shared AND NOT k.is_country
    UNION ALL
    SELECT k.ord, b.period, b.value, b.source
      FROM k, LATERAL krimp.benchmark_values(k.indicator_id, k.region_id, NULL, known_at, k.group_code,
                                             k.layout_year) b
     WHERE NOT k.shared
$$;
COMMENT ON FUNCTION krimp.benchmark_values_many(timestamptz, integer[], bigint[], text[], integer[]) IS
    'the default benchmarks (krimp.benchmark_values) of many series at once, as known and released at a moment: for the k-th indicator, region version (or group on a layout year) of the arrays, ord k; a benchmark that does not depend on the territory is formed once per indicator';

CREATE FUNCTION krimp.figure_staleness(indicator_id integer, latest_period krimp.period, known_at timestamptz)
    RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    SET datestyle = 'ISO, YMD'
    SET intervalstyle = 'postgres'
    AS $$
DECLARE
    lag interval;
    expected krimp.period;
    newest krimp.period;
    since timestamptz;
BEGIN
    SELECT i.publication_lag INTO lag FROM krimp.indicator i WHERE i.indicator_id = figure_staleness.indicator_id;
    IF NOT FOUND OR krimp.granularity(latest_period) = 'span' OR known_at = 'infinity' THEN
        RETURN NULL;
    END IF;
    expected := krimp.period(((known_at AT TIME ZONE 'UTC') - lag)::date, krimp.granularity(latest_period));
    IF latest_period >= expected THEN
        RETURN NULL;
    END IF;
    SELECT max(o.published_at) FILTER (WHERE o.period = latest_period), max(o.period) INTO since, newest
      FROM krimp.figures_as_of(known_at, true) o
     WHERE o.indicator_id = figure_staleness.indicator_id AND o.kind = 'realisation' AND o.value IS NOT NULL
       AND krimp.granularity(o.period) = krimp.granularity(latest_period);
    RETURN format('newest figure %s, known since %s; figures up to %s were expected by %s (publication lag %s)',
                  latest_period, coalesce(((since AT TIME ZONE 'UTC')::date)::text, 'unknown'), expected,
                  (krimp.first_day(expected) + lag)::date, lag)
           || CASE WHEN newest > latest_period
                   THEN format('; figures up to %s were known for other regions: this series has none after %s (a group member without a figure, as after a merger, leaves a period out)',
                               newest, latest_period)
                   ELSE '' END;
END
$$;
COMMENT ON FUNCTION krimp.figure_staleness(integer, krimp.period, timestamptz) IS
    'why the newest figure of a period is stale at a moment, or NULL: a period''s figure is expected the indicator''s publication_lag after the period begins, so a newest figure before the period holding known_at - publication_lag (UTC) is stale; the reason names the figure, when it became known and what was expected by when';

CREATE OR REPLACE FUNCTION krimp.national_values(known_at timestamptz, indicator_ids integer[])
    RETURNS TABLE (indicator_id integer, period krimp.period, value double precision, source text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH own AS (
        -- NL01's released realisations as known then (krimp.figures_as_of)
        SELECT o.indicator_id, o.period, o.value
          FROM krimp.figures_as_of(known_at, true) o
          JOIN krimp.region r ON r.region_id = o.region_id
         WHERE o.kind = 'realisation' AND r.code = 'NL01' AND o.value IS NOT NULL
           AND o.indicator_id = ANY (indicator_ids)
    )
    SELECT o.indicator_id, o.period, o.value, 'NL01' FROM own o
    UNION ALL
    SELECT m.indicator_id, m.period, m.value, 'municipalities'
      -- (only the indicators with a municipal figure of a period NL01 lacks: a cheap test on the
      -- stored rows, which spares the sum over the municipalities where NL01 has every period)
      FROM krimp.national_from_municipalities(known_at, ARRAY(
               SELECT DISTINCT x.indicator_id FROM krimp.observation x JOIN krimp.region r ON r.region_id = x.region_id
                WHERE x.indicator_id = ANY (indicator_ids) AND x.kind = 'realisation' AND r.level = 'municipality'
                  AND NOT EXISTS (SELECT 1 FROM own o WHERE o.indicator_id = x.indicator_id AND o.period = x.period))) m
     WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.indicator_id = m.indicator_id AND o.period = m.period)
$$;
COMMENT ON FUNCTION krimp.national_values(timestamptz, integer[]) IS
    'the Netherlands'' value of indicators per period as known and released at a moment (krimp.released_by): NL01''s own figure (source NL01) where loaded, otherwise the value from its municipalities (krimp.national_from_municipalities: the sum, or for a rate the denominator-weighted mean, over all municipality versions that hold in the period, only when every one of them has a figure; source municipalities)';

CREATE OR REPLACE FUNCTION krimp.target_evaluations(known_at timestamptz, on_date date, target_ids bigint[] DEFAULT NULL,
                                         window_years double precision DEFAULT NULL,
                                         min_points integer DEFAULT NULL,
                                         path_tolerance double precision DEFAULT NULL,
                                         tolerance double precision DEFAULT NULL)
    RETURNS SETOF krimp.target_evaluation
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH cfg AS (
        SELECT coalesce(target_evaluations.window_years, s.window_years) AS window_years,
               coalesce(target_evaluations.min_points, s.min_points) AS min_points,
               coalesce(target_evaluations.path_tolerance, s.path_tolerance) AS path_tolerance,
               coalesce(target_evaluations.tolerance, s.tolerance) AS tolerance
          FROM krimp.revaluation_settings() s
    ), t AS (
        -- the given targets, or those in force on on_date (as krimp.target_active, set-based)
        SELECT tg.*, i.direction_of_good
          FROM krimp.target tg
          JOIN krimp.indicator i ON i.indicator_id = tg.indicator_id
          JOIN krimp.agreement a ON a.agreement_id = tg.agreement_id
         WHERE target_ids IS NULL
           AND a.starts_on <= on_date AND (a.ends_on IS NULL OR a.ends_on > on_date)
           AND tg.valid_from <= on_date
           AND NOT EXISTS (SELECT 1 FROM krimp.target n
                            WHERE n.previous_id = tg.target_id AND n.valid_from <= on_date)
        UNION ALL
        SELECT tg.*, i.direction_of_good
          FROM (SELECT DISTINCT u.id FROM unnest(target_ids) u(id)) ids
          JOIN krimp.target tg ON tg.target_id = ids.id
          JOIN krimp.indicator i ON i.indicator_id = tg.indicator_id
    ), ser AS (
        SELECT * FROM krimp.target_series_all(known_at, ARRAY(SELECT t.target_id FROM t))
    ), tk AS (
        SELECT array_agg(t.target_id ORDER BY t.target_id) AS ids, array_agg(t.indicator_id ORDER BY t.target_id) AS ind,
               array_agg(t.region_id ORDER BY t.target_id) AS reg, array_agg(t.group_code ORDER BY t.target_id) AS grp,
               array_agg(t.layout_year ORDER BY t.target_id) AS lay
          FROM t
    ), nl AS (
        -- each target's benchmark (the indicator's default; krimp.benchmark_values)
        SELECT tk.ids[b.ord] AS target_id, b.period, b.value, b.source
          FROM tk, LATERAL krimp.benchmark_values_many(known_at, tk.ind, tk.reg, tk.grp, tk.lay) b
    ), a AS (
        SELECT t.target_id, t.indicator_id, t.baseline_period, t.baseline_value, ser.data_vintage,
               krimp.assess(ser.series, t.path, t.baseline_period, t.baseline_value, t.horizon_period,
                            t.horizon_value,
                            CASE WHEN t.direction_of_good <> 0 THEN t.direction_of_good::integer
                                 ELSE sign(t.horizon_value - t.baseline_value)::integer END,
                            t.milestone_periods, t.milestone_values,
                            cfg.window_years, cfg.min_points, cfg.path_tolerance, cfg.tolerance) AS r
          FROM t CROSS JOIN cfg LEFT JOIN ser ON ser.target_id = t.target_id
    )
    SELECT a.target_id, known_at, a.data_vintage, (a.r).light, (a.r).observed, (a.r).latest_period,
           (a.r).latest_value, (a.r).expected_value, (a.r).gap, (a.r).progress, (a.r).expected_progress,
           (a.r).trend_points, (a.r).trend_slope, (a.r).projected_value, (a.r).projected_low,
           (a.r).projected_high,
           (a.r).latest_value - a.baseline_value,
           100 * ((a.r).latest_value - a.baseline_value) / nullif(a.baseline_value, 0),
           n1.value - n0.value,
           100 * (n1.value - n0.value) / nullif(n0.value, 0),
           CASE WHEN n0.source = n1.source THEN n0.source WHEN n0.source IS NOT NULL AND n1.source IS NOT NULL
                THEN n0.source || '/' || n1.source END,
           (a.r).best_rate, (a.r).reachable_value, (a.r).alternative_horizon_value,
           (a.r).proposal_period, (a.r).proposal_value, (a.r).proposal_rate,
           st.reason IS NOT NULL, st.reason
      FROM a
      CROSS JOIN LATERAL (SELECT krimp.figure_staleness(a.indicator_id, (a.r).latest_period, known_at) AS reason) st
      LEFT JOIN nl n0 ON n0.target_id = a.target_id AND n0.period = a.baseline_period
                     AND (a.r).latest_period IS NOT NULL AND (a.r).latest_period > a.baseline_period
      LEFT JOIN nl n1 ON n1.target_id = a.target_id AND n1.period = (a.r).latest_period
                     AND n0.period IS NOT NULL
$$;
COMMENT ON FUNCTION krimp.target_evaluations(timestamptz, date, bigint[], double precision, integer, double precision, double precision) IS
    'targets judged as the figures were known and released at a moment (no figure under embargo then or now counts, whoever asks: krimp.released_by): the given ones, or every target in force on on_date; NULL parameters take krimp.revaluation_setting''s defaults';

ALTER TABLE krimp.round_evaluation ADD COLUMN stale boolean, ADD COLUMN stale_reason text;

COMMENT ON COLUMN krimp.round_evaluation.stale IS
    'the light rests on a figure older than the indicator''s publication lag allows (krimp.figure_staleness); NULL in a round stored before 0.3';

COMMENT ON COLUMN krimp.round_evaluation.stale_reason IS
    'why the light is stale: the newest figure, when it became known, and which figures were expected by when';

CREATE OR REPLACE PROCEDURE krimp.revaluation_round(round_year integer, recompute boolean DEFAULT false,
                                         reason text DEFAULT NULL)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    kt timestamptz;
    rd date;
    rc integer;
    cfg krimp.revaluation_setting;
    n integer;
BEGIN
    IF round_year IS NULL OR recompute IS NULL THEN
        RAISE EXCEPTION 'round year and recompute must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    kt := krimp.round_known_at(round_year);
    rd := make_date(round_year, 12, 31);
    -- one round at a time
    PERFORM pg_advisory_xact_lock(hashtext('krimp.revaluation_round'), round_year);
    SELECT max(r.recomputation) INTO rc FROM krimp.revaluation_round r WHERE r.round_year = revaluation_round.round_year;
    IF rc IS NOT NULL AND NOT recompute THEN
        RAISE NOTICE 'round % exists; nothing changed', round_year
            USING HINT = 'Call with recompute => true to add a recomputation; earlier results are kept.';
        RETURN;
    END IF;
    IF recompute AND coalesce(btrim(reason), '') = '' AND rc IS NOT NULL THEN
        RAISE EXCEPTION 'a recomputation needs a reason'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Say why, for example CALL krimp.revaluation_round(2020, true, ''corrected vacancy figures'').';
    END IF;
    rc := coalesce(rc + 1, 0);
    cfg := krimp.revaluation_settings();

    CREATE TEMP TABLE krimp_round_result ON COMMIT DROP AS
    SELECT * FROM krimp.target_evaluations(kt, rd, NULL, cfg.window_years, cfg.min_points,
                                           cfg.path_tolerance, cfg.tolerance);
    GET DIAGNOSTICS n = ROW_COUNT;

    INSERT INTO krimp.revaluation_round (round_year, recomputation, round_date, known_at, data_vintage, origin_year,
                                         window_years, min_points, path_tolerance, tolerance, targets, reason)
    SELECT revaluation_round.round_year, rc, rd, kt, max(e.data_vintage), cfg.origin_year, cfg.window_years,
           cfg.min_points, cfg.path_tolerance, cfg.tolerance, n, revaluation_round.reason
      FROM pg_temp.krimp_round_result e
    -- (never a conflict under READ COMMITTED, where the lock above comes
    -- first; under REPEATABLE READ or SERIALIZABLE a round that another
    -- transaction committed after this one's snapshot is a conflict here,
    -- which PostgreSQL reports as a serialization failure, 40001, to retry,
    -- instead of a unique violation)
    ON CONFLICT DO NOTHING;

    INSERT INTO krimp.round_evaluation
    SELECT revaluation_round.round_year, rc, e.target_id, t.org_code, e.known_at, e.data_vintage, e.light,
           e.observed, e.latest_period, e.latest_value, e.expected_value, e.gap, e.progress, e.expected_progress,
           e.trend_points, e.trend_slope, e.projected_value, e.projected_low, e.projected_high,
           e.region_change, e.region_change_pct, e.nl_change, e.nl_change_pct, e.nl_source, e.best_rate,
           e.reachable_value, e.alternative_horizon_value, e.stale, e.stale_reason
      FROM pg_temp.krimp_round_result e JOIN krimp.target t ON t.target_id = e.target_id;

    INSERT INTO krimp.recalibration_proposal (round_year, recomputation, target_id, org_code, start_period,
                                              start_value, milestone_period, milestone_value, annual_rate,
                                              horizon_period, horizon_value, alternative_horizon_value, best_rate)
    SELECT revaluation_round.round_year, rc, e.target_id, t.org_code, e.latest_period, e.latest_value,
           e.proposal_period, e.proposal_value, e.proposal_rate, t.horizon_period, t.horizon_value,
           e.alternative_horizon_value, e.best_rate
      FROM pg_temp.krimp_round_result e JOIN krimp.target t ON t.target_id = e.target_id
     WHERE e.proposal_value IS NOT NULL AND e.latest_period > t.baseline_period;
    DROP TABLE pg_temp.krimp_round_result;
END
$$;
COMMENT ON PROCEDURE krimp.revaluation_round(integer, boolean, text) IS
    'run a revaluation round (a year on the five-year grid): judge every target in force on 31 December of the round year as the figures were known and released at the end of that day (UTC; a figure under embargo then, or still under embargo now, does not count, so that no stored result carries a figure some organisation may not see) and store one immutable row per target, with a re-calibration proposal; running it again changes nothing, recompute => true adds a recomputation (with a reason) and keeps the earlier results';

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
    t0 timestamptz := clock_timestamp();
    run bigint;
    n_series integer;
    n_new integer;
    n_confirmed integer;
    n_withdrawn integer;
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
    DROP TABLE pg_temp.krimp_nightly_series;
END
$$;
COMMENT ON PROCEDURE krimp.nightly(boolean) IS
    'the nightly job: detect tipping points in every series whose observations changed since the last run (all series with full_run => true), reconcile the flags (new, confirmed, withdrawn), record the run in krimp.job_run and NOTIFY krimp_tipping_points with a JSON summary when something new was flagged';

REVOKE ALL ON FUNCTION krimp.benchmark_kinds() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.benchmark_kinds() TO krimp_reader;

REVOKE ALL ON FUNCTION krimp.decline_region_members() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.decline_region_members() TO krimp_reader;

REVOKE ALL ON FUNCTION krimp.benchmark_values(integer, bigint, text, timestamptz, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.benchmark_values(integer, bigint, text, timestamptz, text, integer) TO krimp_reader;

REVOKE ALL ON FUNCTION krimp.benchmark_series(integer, bigint, text, timestamptz, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.benchmark_series(integer, bigint, text, timestamptz, text, integer) TO krimp_reader;

REVOKE ALL ON FUNCTION krimp.benchmark_values_many(timestamptz, integer[], bigint[], text[], integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.benchmark_values_many(timestamptz, integer[], bigint[], text[], integer[]) TO krimp_reader;

REVOKE ALL ON FUNCTION krimp.figure_staleness(integer, krimp.period, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.figure_staleness(integer, krimp.period, timestamptz) TO krimp_reader;

-- ==== fcast: a forecast's figures belong to the region version of its base year (krimp.figure_region_days, issue 15) ====
-- A forecast is filed on the region version valid on 1 January of its base
-- year (the layout it was made on), whatever its period; a realisation on the
-- version that holds for its period, as before.  krimp.apply_batch's two
-- lookups and krimp.harmonise's completeness check call the one rule.
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

REVOKE ALL ON FUNCTION krimp.figure_region_days(text, integer, krimp.period, krimp.period) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.figure_region_days(text, integer, krimp.period, krimp.period) TO krimp_reader;

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

CREATE OR REPLACE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz,
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
        -- the versions the figures of each period belong to (krimp.figure_region_days:
        -- a realisation's hold in its period, a forecast's on 1 January of its base
        -- year) and that lie (partly) in each target
        SELECT w.target_id, p.period, count(*) AS n_versions
          FROM w
          JOIN krimp.region v ON v.region_id = w.region_id
          JOIN (SELECT DISTINCT f.period FROM fig f) p
            ON pg_catalog.daterange(v.valid_from, v.valid_to)
               @> krimp.figure_region_days(harmonise.figure_kind, harmonise.forecast_base_year, p.period, p.period)
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

-- ==== lead: the nightly job examines the series whose benchmark changed, and embargoes that ended (issue 15) ====
-- A queued run examined only the queued series, so a load into one municipality left the
-- convergence flags of the others on a benchmark formed from it (the national figure from
-- the municipalities) as they were; a full run found them.  krimp.nightly_benchmark keeps
-- each shared benchmark's fingerprint; job_run.started_at is now the run's transaction start.
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

GRANT SELECT ON krimp.nightly_benchmark TO krimp_reader;
GRANT SELECT, INSERT, UPDATE ON krimp.nightly_benchmark TO krimp_admin;

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

-- ==== lead: a group's figures of its own (krimp.group_region), group codes, Amsterdam's district codes (issue 15) ====
-- Every designated group gets its own row in krimp.region (level 'group', the group code), on which
-- a figure the group has of its own is filed (the report's "vacancy in Zeeuws-Vlaanderen 9.9 % ->
-- 7.6 %"); a group's series takes it first.  krimp.region_level accepts letters in a district's or
-- neighbourhood's own part (WK0363AB); a group target of an indicator with aggregation 'none' reads
-- the group's own figures instead of being refused.
CREATE FUNCTION krimp.is_group_code(code text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_is_group_code' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.is_group_code(text) IS
    'whether a text is the code of a designated group of regions: an upper-case letter, upper-case letters or digits, a hyphen, then upper-case letters, digits and hyphens, at most 32 characters, not ending in a hyphen (KR-ZVLAANDEREN); no CBS code is one';
REVOKE ALL ON FUNCTION krimp.is_group_code(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.is_group_code(text) TO krimp_reader;
COMMENT ON FUNCTION krimp.region_level(text) IS
    'level of a normalised CBS region code: country (NL01), landsdeel (LD), province (PV), corop (CR), municipality (GM), district (WK), neighbourhood (BU; a district''s or neighbourhood''s own part may hold upper-case letters, as Amsterdam''s WK0363AB); NULL if it is none';
CREATE OR REPLACE FUNCTION krimp.region_normalise_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    NEW.code := krimp.normalise_region_code(NEW.code);
    -- a designated group's own row (krimp.group_region) keeps its group code
    IF NEW.level = 'group' AND krimp.is_group_code(NEW.code) THEN
        RETURN NEW;
    END IF;
    NEW.level := coalesce(krimp.region_level(NEW.code), NEW.level);
    IF krimp.region_level(NEW.code) IS NULL THEN
        RAISE EXCEPTION 'invalid CBS region code "%"', NEW.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Region codes are NL01, LD01-LD04, PV##, CR##, GM####, WK###### or BU######## (a district''s or neighbourhood''s own part may hold letters); a designated group''s own row has level group and a group code (krimp.group_region).';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.region_normalise_trigger() IS 'trigger: normalise a region''s code and set its level (a group''s own row keeps level group and its group code)';
ALTER TABLE krimp.region DROP CONSTRAINT region_check,
    ADD CONSTRAINT region_check CHECK ((krimp.region_level(code) IS NOT NULL AND level OPERATOR(pg_catalog.=) krimp.region_level(code))
                                   OR (level OPERATOR(pg_catalog.=) 'group' AND krimp.is_group_code(code)));
COMMENT ON TABLE krimp.region IS
    'region versions: a CBS code with the territory it named from valid_from up to (not including) valid_to; a code alone does not identify a territory, since a municipality keeps its code when a merger takes its name.  A row of level group (a group code, krimp.is_group_code) is a designated group''s own: its figures of its own are filed on it (krimp.load_region_group makes it)';

CREATE FUNCTION krimp.group_region(group_code text) RETURNS bigint
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    g krimp.region_group;
    id bigint;
    shape public.geometry;
BEGIN
    SELECT * INTO g FROM krimp.region_group x WHERE x.group_code OPERATOR(pg_catalog.=) group_region.group_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no region group "%"', group_code
            USING ERRCODE = 'no_data_found', HINT = 'Create the group with krimp.load_region_group first.';
    END IF;
    SELECT public.ST_Multi(public.ST_CollectionExtract(public.ST_Union(r.geom), 3)) INTO shape
      FROM krimp.region_group_member m JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) m.region_id
     WHERE m.group_code OPERATOR(pg_catalog.=) g.group_code;
    UPDATE krimp.region r SET name = g.name, geom = shape
     WHERE r.code OPERATOR(pg_catalog.=) g.group_code AND r.level OPERATOR(pg_catalog.=) 'group'
    RETURNING r.region_id INTO id;
    IF id IS NULL THEN
        INSERT INTO krimp.region (code, name, level, valid_from, geom)
        VALUES (g.group_code, g.name, 'group', DATE '1900-01-01', shape)
        RETURNING region_id INTO id;
    END IF;
    RETURN id;
END
$$;
COMMENT ON FUNCTION krimp.group_region(text) IS
    'make or update a designated group''s own row in krimp.region (level group, the group''s code, the union of the boundaries of the member versions it was given, valid from 1900 and never closed), on which its figures of its own are filed; returns its region_id';
REVOKE ALL ON FUNCTION krimp.group_region(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.group_region(text) TO krimp_admin;

CREATE OR REPLACE FUNCTION krimp.load_region_group(group_code text, name text, designation text, province_code text,
                                        designated_on date, layout_year integer, member_codes text[],
                                        note text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    bad text;
    n integer;
BEGIN
    IF group_code IS NULL OR name IS NULL OR designation IS NULL OR designated_on IS NULL
       OR layout_year IS NULL OR member_codes IS NULL THEN
        RAISE EXCEPTION 'a region group needs its code, name, designation, designation date, layout year and members'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT krimp.is_group_code(group_code) THEN
        RAISE EXCEPTION 'invalid group code "%"', group_code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A group''s code names its own row in krimp.region, beside the CBS codes.',
                  HINT = 'Use upper-case letters and digits with a hyphen after a prefix, at most 32 characters, as KR-ZVLAANDEREN (krimp.is_group_code).';
    END IF;
    SELECT c INTO bad FROM unnest(member_codes) c
     WHERE krimp.region_at(c, layout_year::text::krimp.period) IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region % has no version in the layout of %', bad, layout_year
            USING ERRCODE = 'foreign_key_violation',
                  HINT = format('Members are given in the layout of 1 January %s; load that year''s boundaries first.', layout_year);
    END IF;
    INSERT INTO krimp.region_group (group_code, name, designation, province_code, designated_on, note)
    VALUES (load_region_group.group_code, load_region_group.name, load_region_group.designation,
            krimp.normalise_region_code(load_region_group.province_code), load_region_group.designated_on,
            load_region_group.note)
    ON CONFLICT ON CONSTRAINT region_group_pkey DO UPDATE
       SET name = EXCLUDED.name, designation = EXCLUDED.designation, province_code = EXCLUDED.province_code,
           designated_on = EXCLUDED.designated_on, note = EXCLUDED.note;
    DELETE FROM krimp.region_group_member m WHERE m.group_code = load_region_group.group_code;
    -- a member from the designation (or its version's start) to its version's end
    INSERT INTO krimp.region_group_member (group_code, region_id, valid_from, valid_to)
    SELECT load_region_group.group_code, r.region_id, greatest(r.valid_from, designated_on), r.valid_to
      FROM (SELECT DISTINCT krimp.region_at(c, layout_year::text::krimp.period) AS region_id
              FROM unnest(member_codes) c) v
      JOIN krimp.region r USING (region_id)
     WHERE r.valid_to IS NULL OR r.valid_to > designated_on;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM krimp.group_region(load_region_group.group_code);
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) IS
    'create or replace a designated group (topkrimpregio, anticipeerregio) with its members given as codes in the layout of a year; each member version belongs from the designation date to the end of the version; makes or updates the group''s own row in krimp.region (krimp.group_region); returns the number of members';
REVOKE ALL ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) TO krimp_admin;

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
        -- (a group's indicator that cannot be combined has only the group's own figures)
        SELECT DISTINCT t.indicator_code AS code, t.layout_year FROM t
         WHERE t.layout_year IS NOT NULL AND NOT (t.group_code IS NOT NULL AND t.aggregation = 'none')
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
    ), group_own AS (
        -- a figure the group has of its own (on its row, krimp.group_region) comes first, as
        -- NL01's does for the country; its members' give the other periods
        SELECT t.target_id, o.period, o.value
          FROM t JOIN krimp.region g ON g.code = t.group_code AND g.level = 'group'
          JOIN obs o ON o.indicator_id = t.indicator_id AND o.region_id = g.region_id
         WHERE t.group_code IS NOT NULL AND o.value IS NOT NULL
    ), recast AS (
        SELECT x.target_id, krimp.series_agg(x.period, x.value) AS series
          FROM (SELECT c.target_id, c.period, c.value FROM combined c
                 WHERE NOT EXISTS (SELECT 1 FROM group_own g WHERE g.target_id = c.target_id AND g.period = c.period)
                UNION ALL
                SELECT g.target_id, g.period, g.value FROM group_own g) x
         GROUP BY x.target_id
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
COMMENT ON FUNCTION krimp.target_series_all(timestamptz, bigint[]) IS
    'the series of many targets as known and released at a moment, with the newest published_at among the figures read (data_vintage); see krimp.target_series';

COMMENT ON FUNCTION krimp.target_series(bigint, timestamptz) IS
    'the series a target is judged on, as known and released at a moment (krimp.released_by: no embargoed figure, whoever asks): the region version''s own figures, or recast onto its layout year (krimp.released_harmonise) and, for a group, combined over the member versions valid on 1 January of that year (sum, or weighted mean through the denominator); a period in which a member lacks a figure is missing; a group''s figures of its own (on its row, krimp.group_region) come first';

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
    IF target_series_of.group_code IS NOT NULL AND i.aggregation = 'none' THEN
        -- figures of the members cannot be combined: only the group's own (below)
        result := NULL;
    ELSE
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
    END IF;
    IF target_series_of.group_code IS NOT NULL THEN
        -- a figure the group has of its own (on its row, krimp.group_region) comes first, as NL01's
        -- does for the country; its members' give the other periods
        WITH own AS (
            SELECT o.period, o.value FROM krimp.figures_as_of(known_at, true) o
              JOIN krimp.region g ON g.region_id = o.region_id
             WHERE g.code = target_series_of.group_code AND g.level = 'group'
               AND o.indicator_id = i.indicator_id AND o.kind = 'realisation' AND o.value IS NOT NULL
        )
        SELECT coalesce(krimp.series_agg(u.period, u.value), result) INTO result
          FROM (SELECT own.period, own.value FROM own
                UNION ALL
                SELECT p.period, p.value FROM krimp.points(result) p
                 WHERE NOT EXISTS (SELECT 1 FROM own WHERE own.period = p.period)) u
         WHERE EXISTS (SELECT 1 FROM own);
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION krimp.target_series_of(integer, bigint, text, integer, timestamptz) IS
    'the series of an indicator in a region version or group as known and released at a moment, recast onto a layout year when one is given (the same rule as krimp.target_series); a group''s figures of its own (on its row, krimp.group_region) come first, its members'' give the other periods';

CREATE OR REPLACE FUNCTION krimp.target_insert_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    ind krimp.indicator;
    ag krimp.agreement;
    prev krimp.target;
    orgs text[];
    grp krimp.region_group;
    planned double precision;
    s krimp.series;
    kt timestamptz;
BEGIN
    SELECT * INTO ind FROM krimp.indicator i WHERE i.indicator_id = NEW.indicator_id;
    SELECT * INTO ag FROM krimp.agreement a WHERE a.agreement_id = NEW.agreement_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'agreement % does not exist', NEW.agreement_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    NEW.org_code := coalesce(NEW.org_code, ag.org_code);

    -- whose target it is: a writer adds targets of its own organisation, to an
    -- agreement its organisation is a party to, and continues (previous_id)
    -- only a target of its own organisation; an administrator may do anything
    IF NOT krimp.is_admin() THEN
        orgs := krimp.current_organisations();
        IF NOT NEW.org_code = ANY (orgs) THEN
            RAISE EXCEPTION 'you do not act for organisation %', NEW.org_code
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('A target belongs to the organisation in org_code (by default the agreement''s owner, %s); you act for %s.',
                                      ag.org_code, coalesce(nullif(array_to_string(orgs, ', '), ''), 'no organisation')),
                      HINT = 'Set org_code to your own organisation.';
        END IF;
        IF NEW.previous_id IS NOT NULL THEN
            SELECT * INTO prev FROM krimp.target p WHERE p.target_id = NEW.previous_id;
            IF FOUND AND prev.org_code <> NEW.org_code THEN
                RAISE EXCEPTION 'target "%" belongs to organisation %', prev.name, prev.org_code
                    USING ERRCODE = 'insufficient_privilege',
                          DETAIL = format('A new version (previous_id %s) continues only a target of its own organisation; this version is for %s.',
                                          prev.target_id, NEW.org_code),
                          HINT = format('Only %s re-calibrates it; for a target of your own, insert one without previous_id.',
                                        prev.org_code);
            END IF;
        END IF;
        -- (a version of one's own target in its agreement needs no more than the first did)
        IF (NEW.previous_id IS NULL OR prev.agreement_id IS DISTINCT FROM NEW.agreement_id)
           AND NOT krimp.agreement_party(ag.agreement_id, NEW.org_code) THEN
            RAISE EXCEPTION 'organisation % is not a party to agreement "%"', NEW.org_code, ag.code
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('The agreement is %s''s; its parties are %s.', ag.org_code,
                                      array_to_string(ag.parties, ', ')),
                      HINT = 'Only the owner and the parties of an agreement (listed in parties by organisation code or name) add targets to it: use an agreement your organisation is a party to.';
        END IF;
    END IF;
    NEW.unit := coalesce(NEW.unit, ind.unit);
    NEW.granularity := coalesce(NEW.granularity, ind.granularity);
    IF NEW.unit <> ind.unit THEN
        RAISE EXCEPTION 'unit "%" of the target does not match indicator "%"', NEW.unit, ind.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Indicator "%s" is measured in "%s".', ind.code, ind.unit),
                  HINT = 'Express the target in the indicator''s unit.';
    END IF;
    IF NEW.granularity <> ind.granularity
       OR krimp.granularity(NEW.baseline_period) <> ind.granularity
       OR krimp.granularity(NEW.horizon_period) <> ind.granularity
       OR EXISTS (SELECT 1 FROM unnest(NEW.milestone_periods) m(p) WHERE krimp.granularity(m.p) <> ind.granularity) THEN
        RAISE EXCEPTION 'granularity of the target does not match indicator "%"', ind.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Indicator "%s" is measured per %s; the target has baseline %s, horizon %s and granularity %s.',
                                  ind.code, ind.granularity, NEW.baseline_period, NEW.horizon_period, NEW.granularity),
                  HINT = format('Give the baseline, horizon and milestones as periods of one %s.', ind.granularity);
    END IF;
    IF NEW.horizon_period <= NEW.baseline_period THEN
        RAISE EXCEPTION 'horizon % does not come after baseline %', NEW.horizon_period, NEW.baseline_period
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A target runs from its baseline period to a later horizon period.';
    END IF;
    IF NEW.milestone_periods IS NOT NULL THEN
        IF cardinality(NEW.milestone_periods) <> cardinality(NEW.milestone_values)
           OR array_position(NEW.milestone_periods, NULL) IS NOT NULL
           OR array_position(NEW.milestone_values, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'milestones need one value for every period'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('%s period(s), %s value(s).', cardinality(NEW.milestone_periods),
                                      cardinality(NEW.milestone_values));
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(NEW.milestone_periods) WITH ORDINALITY m(p, k)
                    WHERE m.p <= NEW.baseline_period OR m.p >= NEW.horizon_period
                       OR (m.k > 1 AND m.p <= NEW.milestone_periods[m.k - 1])) THEN
            RAISE EXCEPTION 'milestones must lie between the baseline and the horizon, in order'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('Baseline %s, milestones %s, horizon %s.', NEW.baseline_period,
                                      NEW.milestone_periods, NEW.horizon_period);
        END IF;
    END IF;
    -- (a group target of an indicator whose figures cannot be combined, aggregation 'none', reads
    -- the group's figures of its own: krimp.group_region, krimp.target_series)
    IF NEW.layout_year IS NULL AND NEW.group_code IS NOT NULL THEN
        NEW.layout_year := krimp.year(NEW.baseline_period);
    END IF;
    NEW.valid_from := coalesce(NEW.valid_from, ag.starts_on);

    -- the baseline, as the figures were known at the end of the signing day
    IF NEW.baseline_value IS NULL THEN
        kt := (ag.signed_on + 1)::timestamp AT TIME ZONE 'UTC';
        s := krimp.target_series_of(NEW.indicator_id, NEW.region_id, NEW.group_code, NEW.layout_year, kt);
        NEW.baseline_value := krimp.value_at(s, NEW.baseline_period);
        NEW.baseline_known_at := kt;
        IF NEW.baseline_value IS NULL THEN
            RAISE EXCEPTION 'no figure of "%" for % in % was known when agreement "%" was signed',
                            ind.code, coalesce(NEW.group_code, (SELECT r.code FROM krimp.region r
                                                                 WHERE r.region_id = NEW.region_id)),
                            NEW.baseline_period, ag.code
                USING ERRCODE = 'no_data_found',
                      DETAIL = format('The baseline is read from the observations as known and released at %s.', kt),
                      HINT = 'Load the figure with its publication time first (a figure under embargo then does not count), or give baseline_value, or choose another baseline period.';
        END IF;
    END IF;

    planned := NEW.horizon_value - NEW.baseline_value;
    IF ind.direction_of_good <> 0 AND sign(planned) = -ind.direction_of_good AND NOT NEW.against_direction_of_good THEN
        RAISE EXCEPTION 'target runs against the direction of good of indicator "%"', ind.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('For "%s" %s is better, and the target goes from %s to %s.', ind.code,
                                  CASE ind.direction_of_good WHEN 1 THEN 'higher' ELSE 'lower' END,
                                  NEW.baseline_value, NEW.horizon_value),
                  HINT = 'If this is intended (for example a limited decline), set against_direction_of_good to true.';
    END IF;
    IF NEW.path = 'growth' AND (NEW.baseline_value <= 0 OR NEW.horizon_value <= 0
                                OR EXISTS (SELECT 1 FROM unnest(NEW.milestone_values) v WHERE v <= 0)) THEN
        RAISE EXCEPTION 'a path of constant growth needs positive values'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use a linear path for values that can be zero or negative.';
    END IF;
    IF NEW.previous_id IS NOT NULL THEN
        IF btrim(NEW.recalibration_reason) = '' THEN
            RAISE EXCEPTION 'a re-calibration needs a reason'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.version := (SELECT p.version + 1 FROM krimp.target p WHERE p.target_id = NEW.previous_id);
    ELSE
        NEW.version := 1;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.target_insert_trigger() IS
    'trigger: checks a new target version (a writer''s own organisation, a party to the agreement, continuing only its own organisation''s target; unit, granularity, horizon after baseline, milestones, direction of good) and takes the baseline value from the observations as known and released at the end of the agreement''s signing day';

-- the rows of the groups there are
SELECT krimp.group_region(g.group_code) FROM krimp.region_group g WHERE krimp.is_group_code(g.group_code);

-- ==== lead: containment served by a btree index, plain-named containment functions, krimp.region_at_point (issue 17) ====
-- krimp.period_support turns @>, <@ and && against a constant into a btree range of first
-- months (lossy, rechecked); krimp.contains, krimp.within and krimp.overlaps need no
-- OPERATOR(krimp.…) without krimp on the search_path; krimp.region_at_point answers "which region
-- was at this point on this day".
CREATE FUNCTION krimp.period_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_period_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.period_support(internal) IS
    'planner support of @>, <@ and && on periods: a btree index on a period column scans the stretch of first months that can hold a match';
ALTER FUNCTION krimp.period_contains(krimp.period, krimp.period) SUPPORT krimp.period_support;
ALTER FUNCTION krimp.period_contained(krimp.period, krimp.period) SUPPORT krimp.period_support;
ALTER FUNCTION krimp.period_overlaps(krimp.period, krimp.period) SUPPORT krimp.period_support;
CREATE FUNCTION krimp.contains(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contains_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
CREATE FUNCTION krimp.within(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contained_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
CREATE FUNCTION krimp.overlaps(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_overlaps_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
COMMENT ON FUNCTION krimp.contains(krimp.period, krimp.period) IS
    'does the first period cover all of the second: krimp.contains(''2013'', ''2013-Q3''), the same as 2013 @> 2013-Q3';
COMMENT ON FUNCTION krimp.within(krimp.period, krimp.period) IS
    'is the first period covered by the second: krimp.within(''2013-Q3'', ''2013''), the same as 2013-Q3 <@ 2013';
COMMENT ON FUNCTION krimp.overlaps(krimp.period, krimp.period) IS
    'do the periods share at least one month: krimp.overlaps(''2012/2013'', ''2013-Q1''), the same as &&';
CREATE FUNCTION krimp.region_at_point(location public.geometry, at date DEFAULT CURRENT_DATE)
    RETURNS TABLE (level text, code text, name text, region_id bigint, valid_from date, valid_to date)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    pt public.geometry;
BEGIN
    IF public.ST_SRID(location) OPERATOR(pg_catalog.=) 0 THEN
        RAISE EXCEPTION 'the location has no spatial reference system'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the point with its SRID: public.ST_SetSRID(public.ST_MakePoint(6.566, 53.219), 4326) for longitude and latitude, or SRID 28992 for RD New coordinates.';
    END IF;
    IF public.GeometryType(location) OPERATOR(pg_catalog.<>) 'POINT' THEN
        RAISE EXCEPTION 'the location must be a point'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = pg_catalog.format('It is a %s.', pg_catalog.lower(public.GeometryType(location))),
                  HINT = 'Take a point inside the area, as public.ST_PointOnSurface(geom).';
    END IF;
    pt := CASE WHEN public.ST_SRID(location) OPERATOR(pg_catalog.=) 28992 THEN location
               ELSE public.ST_Transform(location, 28992) END;
    RETURN QUERY
    WITH layer AS (
        -- each level's boundary layer of 1 January of that day's year (the newest one loaded after it)
        SELECT b.layer, pg_catalog.max(b.year) AS year
          FROM krimp.region_boundary b
         WHERE b.year OPERATOR(pg_catalog.<=) pg_catalog.date_part('year', region_at_point.at)
         GROUP BY b.layer
    ), hit AS (
        SELECT r.level, r.code, r.name, r.region_id, r.valid_from, r.valid_to
          FROM layer l
          JOIN krimp.region_boundary b ON b.layer OPERATOR(pg_catalog.=) l.layer AND b.year OPERATOR(pg_catalog.=) l.year
          JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) b.region_id
         WHERE public.ST_Covers(b.geom, pt)
           AND r.valid_from OPERATOR(pg_catalog.<=) region_at_point.at
           AND (r.valid_to IS NULL OR r.valid_to OPERATOR(pg_catalog.>) region_at_point.at)
    ), grp AS (
        SELECT 'group'::text AS level, g.group_code AS code, g.name, gr.region_id, m.valid_from, m.valid_to
          FROM hit h
          JOIN krimp.region_group g ON true
         CROSS JOIN LATERAL krimp.group_members(g.group_code, region_at_point.at) m
          LEFT JOIN krimp.region gr ON gr.level OPERATOR(pg_catalog.=) 'group' AND gr.code OPERATOR(pg_catalog.=) g.group_code
         WHERE h.level OPERATOR(pg_catalog.=) 'municipality' AND m.region_id OPERATOR(pg_catalog.=) h.region_id
    )
    SELECT x.level, x.code, x.name, x.region_id, x.valid_from, x.valid_to
      FROM (SELECT * FROM hit UNION ALL SELECT * FROM grp) x
     ORDER BY pg_catalog.array_position(ARRAY['country', 'province', 'municipality', 'group'], x.level), x.code;
END
$$;
COMMENT ON FUNCTION krimp.region_at_point(public.geometry, date) IS
    'which regions held a point on a day: the country, province and municipality versions whose boundary covers it, and the designated groups the municipality belonged to then (any SRID; transformed to RD New)';
REVOKE ALL ON FUNCTION krimp.period_support(internal) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.period_support(internal) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.contains(krimp.period, krimp.period) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.contains(krimp.period, krimp.period) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.within(krimp.period, krimp.period) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.within(krimp.period, krimp.period) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.overlaps(krimp.period, krimp.period) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.overlaps(krimp.period, krimp.period) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.region_at_point(public.geometry, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.region_at_point(public.geometry, date) TO krimp_reader;
-- ==== install: one krimp-nightly pg_cron job whoever schedules it (krimp.schedule_nightly_keep_one, issue 17) ====
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

-- ==== install: CBS's nulls for a municipality that did not exist are skipped, not rejected (krimp.load_batch.rows_skipped, krimp.apply_batch_skip_rows, issue 17) ====
ALTER TABLE krimp.load_batch ADD COLUMN rows_skipped integer;
COMMENT ON COLUMN krimp.load_batch.rows_skipped IS
    'rows without a figure (status unknown, no value) for a period in which their region had no version: figures that cannot exist (CBS''s nulls for a municipality merged away), left out and not rejected; not counted in rows_read';
GRANT UPDATE (rows_skipped) ON krimp.load_batch TO krimp_writer, krimp_admin;
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

-- apply_batch_finish records the skipped rows: a new argument
DROP FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer);
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
