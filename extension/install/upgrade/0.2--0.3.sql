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
      FROM krimp.region_group_member m JOIN krimp.region_group g ON g.group_code = m.group_code
     WHERE g.designation IN ('topkrimpregio', 'anticipeerregio')
$$;
COMMENT ON FUNCTION krimp.decline_region_members() IS
    'the region versions that are (or were) members of a decline region (a topkrimpregio or anticipeerregio group): what the benchmark ''outside decline regions'' leaves out';

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
