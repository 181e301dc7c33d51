
-- ===================================================================
-- Views for BI tools: the schema krimp_bi (docs/bi.md).
--
-- Power BI (Npgsql), Tableau and Metabase (pgJDBC), Superset (SQLAlchemy)
-- and psqlODBC fail on, or show as text, columns of custom types, enums,
-- arrays, ranges and composites.  Every view here has standard scalar
-- columns only (text, integer, bigint, double precision, numeric, date,
-- timestamptz, boolean), a stable bigint key, and is security_invoker, so
-- that row-level security holds for the login that reads it.  The one
-- exception is the geometry of krimp_bi.region_layer, the QGIS layer.
--
-- A star:
--   facts       fact_observation, fact_observation_harmonised,
--               fact_tipping_point, fact_evaluation, fact_scorecard
--   dimensions  dim_region, dim_indicator, dim_period
--   QGIS layer  region_layer (dim_region's versions with their geometry)
-- joined on region_key, indicator_key and period_key (a period's stable
-- int32 encoding, extension/core/period.h, as a bigint).
--
-- Keys: the table's own id where one row of the view is one row of a table
-- (observation, tipping point, region, indicator); the period's encoding for
-- periods; otherwise the first 64 bits of the SHA-256 of the natural key (sign bit cleared)
-- written out as text (harmonised figures, evaluations, scorecard rows),
-- which is the same on every platform, version and load.  sql/bi.sql checks
-- that every key is unique and not null.
-- ===================================================================

-- ---- views for BI tools (plain SQL types only) --------------------------
CREATE VIEW krimp.round_result WITH (security_invoker = true) AS
    SELECT e.round_year, e.recomputation,
           e.recomputation = (SELECT max(r.recomputation) FROM krimp.revaluation_round r
                               WHERE r.round_year = e.round_year) AS latest,
           e.target_id, t.version, t.name AS target_name, a.code AS agreement_code, a.name AS agreement_name,
           i.code AS indicator_code, i.name AS indicator_name, i.theme, i.unit,
           coalesce(t.group_code, r.code) AS region_code, coalesce(g.name, r.name) AS region_name,
           CASE WHEN t.group_code IS NOT NULL THEN 'group' ELSE r.level END AS region_level,
           t.org_code, t.actiehouder,
           t.baseline_period::text AS baseline_period, t.baseline_value,
           t.horizon_period::text AS horizon_period, t.horizon_value,
           e.known_at, e.data_vintage, e.light,
           CASE e.light WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'grey' THEN 2 ELSE 1 END AS severity,
           e.latest_period::text AS latest_period, e.latest_value, e.expected_value, e.gap, e.progress,
           e.expected_progress, e.trend_slope, e.projected_value, e.projected_low, e.projected_high,
           e.region_change_pct, e.nl_change_pct, e.nl_source, e.best_rate, e.alternative_horizon_value
      FROM krimp.round_evaluation e
      JOIN krimp.target t ON t.target_id = e.target_id
      JOIN krimp.agreement a ON a.agreement_id = t.agreement_id
      JOIN krimp.indicator i ON i.indicator_id = t.indicator_id
      LEFT JOIN krimp.region r ON r.region_id = t.region_id
      LEFT JOIN krimp.region_group g ON g.group_code = t.group_code;
COMMENT ON VIEW krimp.round_result IS
    'stored round results with their target, agreement, indicator and region, in plain SQL types for BI tools; latest marks the newest recomputation of a round';

CREATE VIEW krimp.scorecard WITH (security_invoker = true) AS
    SELECT x.round_year, x.region_code, x.region_name, x.theme,
           count(*)::integer AS targets,
           count(*) FILTER (WHERE x.light = 'green')::integer AS green,
           count(*) FILTER (WHERE x.light = 'orange')::integer AS orange,
           count(*) FILTER (WHERE x.light = 'red')::integer AS red,
           count(*) FILTER (WHERE x.light = 'grey')::integer AS grey,
           string_agg(x.target_name || ' (' || x.light || ')', '; '
                      ORDER BY x.severity DESC, coalesce(x.expected_progress - x.progress, 0) DESC, x.target_name)
               FILTER (WHERE x.rank <= 3 AND x.light <> 'green') AS worst_items
      FROM (SELECT rr.*, row_number() OVER (PARTITION BY rr.round_year, rr.region_code, rr.theme
                                            ORDER BY rr.severity DESC,
                                                     coalesce(rr.expected_progress - rr.progress, 0) DESC,
                                                     rr.target_name) AS rank
              FROM krimp.round_result rr WHERE rr.latest) x
     GROUP BY x.round_year, x.region_code, x.region_name, x.theme;
COMMENT ON VIEW krimp.scorecard IS
    'per round (its newest recomputation), region and theme: how many targets are green, orange, red and grey, and the worst three that are not green (red before orange before grey, then the largest shortfall in progress)';
GRANT SELECT ON krimp.round_result, krimp.scorecard TO krimp_reader;

CREATE SCHEMA krimp_bi;
COMMENT ON SCHEMA krimp_bi IS
    'views for BI tools (Power BI, Tableau, Metabase, Superset, QGIS): a star of facts and dimensions with standard SQL types only and a stable bigint key each; row-level security holds through them (docs/bi.md)';

-- ---- dimensions -----------------------------------------------------------

CREATE VIEW krimp_bi.dim_period WITH (security_invoker = true) AS
    WITH calendar AS (
        -- every year, half-year, quarter and month from 1900 to 2100
        SELECT krimp.period(g.granularity, y.y, s.s) AS p
          FROM pg_catalog.generate_series(1900, 2100) y(y)
         CROSS JOIN (VALUES ('year', 1), ('half-year', 2), ('quarter', 4), ('month', 12)) g(granularity, n)
         CROSS JOIN LATERAL pg_catalog.generate_series(1, g.n) s(s)
    ), used AS (
        -- and every other period a fact refers to (spans of years, far years)
        SELECT o.period AS p FROM krimp.observation o
        UNION SELECT f.period FROM krimp.tipping_point_flag f
        UNION SELECT t.baseline_period FROM krimp.target t
        UNION SELECT t.horizon_period FROM krimp.target t
        UNION SELECT e.latest_period FROM krimp.round_evaluation e WHERE e.latest_period IS NOT NULL
    ), periods AS (
        SELECT c.p FROM calendar c
        UNION
        SELECT u.p FROM used u
         WHERE krimp.granularity(u.p) OPERATOR(pg_catalog.=) 'span'
            OR krimp.year(u.p) OPERATOR(pg_catalog.<) 1900 OR krimp.year(u.p) OPERATOR(pg_catalog.>) 2100
    )
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(x.p), 'hex'))::bit(32)::integer::bigint
               AS period_key,
           x.p::text AS period_label,
           krimp.cbs_code(x.p) AS period_code,
           krimp.granularity(x.p) AS granularity,
           krimp.first_day(x.p) AS first_day,
           krimp.last_day(x.p) AS last_day,
           krimp.year(x.p) AS year,
           krimp.end_year(x.p) AS end_year,
           krimp.months(x.p) AS months,
           CASE krimp.granularity(x.p)
               WHEN 'month' THEN pg_catalog.date_part('month', krimp.first_day(x.p))::integer
               WHEN 'quarter' THEN (pg_catalog.date_part('month', krimp.first_day(x.p))::integer OPERATOR(pg_catalog.+) 2) OPERATOR(pg_catalog./) 3
               WHEN 'half-year' THEN (pg_catalog.date_part('month', krimp.first_day(x.p))::integer OPERATOR(pg_catalog.+) 5) OPERATOR(pg_catalog./) 6
           END AS sub_period
      FROM periods x;
COMMENT ON VIEW krimp_bi.dim_period IS
    'dimension: periods (every year, half-year, quarter and month from 1900 to 2100, and every other period a fact uses) with CBS code, canonical label, first and last day, granularity and year; key period_key';
COMMENT ON COLUMN krimp_bi.dim_period.period_key IS
    'key: the period''s stable int32 encoding (first month index << 14 | months - 1) as a bigint; ordering by it orders the periods';
COMMENT ON COLUMN krimp_bi.dim_period.period_label IS 'canonical label: 2013, 2013-H2, 2013-Q3, 2013-07, 2005/2008';
COMMENT ON COLUMN krimp_bi.dim_period.period_code IS 'CBS period code (2013JJ00, 2013HJ02, 2013KW03, 2013MM07); NULL for a span of years';
COMMENT ON COLUMN krimp_bi.dim_period.sub_period IS 'the half-year, quarter or month within the year (1-based); NULL for a year or span';

CREATE VIEW krimp_bi.dim_indicator WITH (security_invoker = true) AS
    SELECT i.indicator_id::bigint AS indicator_key,
           i.code AS indicator_code,
           i.name AS indicator_name,
           i.unit,
           i.decimals,
           i.granularity,
           i.theme,
           i.source,
           i.aggregation,
           i.denominator_id::bigint AS denominator_key,
           d.code AS denominator_code,
           i.direction_of_good::integer AS direction_of_good,
           CASE i.direction_of_good WHEN 1 THEN 'higher is better' WHEN -1 THEN 'lower is better' ELSE 'neutral' END
               AS direction_label,
           i.description
      FROM krimp.indicator i
      LEFT JOIN krimp.indicator d ON d.indicator_id OPERATOR(pg_catalog.=) i.denominator_id;
COMMENT ON VIEW krimp_bi.dim_indicator IS
    'dimension: indicator definitions (unit, decimals, granularity, theme, source, aggregation, denominator, direction of good); key indicator_key';
COMMENT ON COLUMN krimp_bi.dim_indicator.indicator_key IS 'key: krimp.indicator.indicator_id';
COMMENT ON COLUMN krimp_bi.dim_indicator.direction_of_good IS '1 higher is better, -1 lower is better, 0 neutral';

-- the province a region version lies in (through the hierarchy), and the
-- designated groups it belongs to
CREATE VIEW krimp_bi.dim_region WITH (security_invoker = true) AS
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
COMMENT ON VIEW krimp_bi.dim_region IS
    'dimension: region versions (CBS code, name, level, validity, province, designated groups such as topkrimpregio, area), without geometry; key region_key; for maps use krimp_bi.region_layer';
COMMENT ON COLUMN krimp_bi.dim_region.region_key IS 'key: krimp.region.region_id, one region version (a code keeps its code across a merger, not its version)';
COMMENT ON COLUMN krimp_bi.dim_region.valid_to IS 'first day the version no longer holds; NULL while it holds';
COMMENT ON COLUMN krimp_bi.dim_region.designations IS 'designations of the groups the version belongs to (topkrimpregio, anticipeerregio), comma-separated';

CREATE VIEW krimp_bi.region_layer WITH (security_invoker = true) AS
    SELECT r.region_id AS region_key,
           r.code AS region_code,
           r.name AS region_name,
           r.level AS region_level,
           r.valid_from,
           r.valid_to,
           r.valid_to IS NULL AS is_current,
           r.geom
      FROM krimp.region r
     WHERE r.geom IS NOT NULL;
COMMENT ON VIEW krimp_bi.region_layer IS
    'QGIS layer: region versions with their boundary (MultiPolygon, EPSG:28992); key column region_key; filter is_current for today''s map';
COMMENT ON COLUMN krimp_bi.region_layer.region_key IS 'key (choose it as the layer''s feature id): krimp.region.region_id';
COMMENT ON COLUMN krimp_bi.region_layer.geom IS 'boundary, MultiPolygon in EPSG:28992 (RD New)';

-- ---- facts ----------------------------------------------------------------

CREATE VIEW krimp_bi.fact_observation WITH (security_invoker = true) AS
    SELECT o.observation_id AS observation_key,
           o.indicator_id::bigint AS indicator_key,
           o.region_id AS region_key,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(o.period), 'hex'))::bit(32)::integer::bigint
               AS period_key,
           i.code AS indicator_code,
           r.code AS region_code,
           o.period::text AS period_label,
           o.value,
           o.status::text AS status,
           o.kind::text AS kind,
           o.kind OPERATOR(pg_catalog.=) 'forecast' AS is_forecast,
           NULLIF(o.forecast_producer, '') AS forecast_producer,
           NULLIF(o.forecast_base_year, 0) AS forecast_base_year,
           o.org_code,
           o.source,
           o.batch_id,
           o.published_at,
           -- an open-ended embargo is 'infinity', which Npgsql 4 (Power BI) cannot
           -- read into a DateTime: NULL here, and embargoed says it is under embargo
           CASE WHEN pg_catalog.isfinite(o.released_at) THEN o.released_at END AS released_at,
           coalesce(o.released_at OPERATOR(pg_catalog.>) pg_catalog.now(), false) AS embargoed
      FROM krimp.figures_as_of('infinity') o
      JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) o.indicator_id
      JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) o.region_id;
COMMENT ON VIEW krimp_bi.fact_observation IS
    'fact: the current figures (krimp.figures_as_of(''infinity''): per figure over all organisations the latest vintage that is not retracted, then org_code ascending), realisations and forecasts, on the region versions as published; an embargoed figure only for its own organisation; key observation_key';
COMMENT ON COLUMN krimp_bi.fact_observation.observation_key IS
    'key: krimp.observation.observation_id of the current vintage (a revision is a new row with a new key; the old vintage leaves the view)';
COMMENT ON COLUMN krimp_bi.fact_observation.period_key IS 'the period (krimp_bi.dim_period.period_key)';
COMMENT ON COLUMN krimp_bi.fact_observation.released_at IS
    'end of the embargo; NULL when there is none or when it has no end date (see embargoed)';
COMMENT ON COLUMN krimp_bi.fact_observation.embargoed IS
    'under embargo now: visible only to the owning organisation (and krimp_admin) until released_at';

CREATE VIEW krimp_bi.fact_observation_harmonised WITH (security_invoker = true) AS
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.format('observation_harmonised|%s|%s|%s', h.indicator_id, h.region_id, x.period_key),
               'UTF8')), 'hex'), 16))::bit(64)::bigint OPERATOR(pg_catalog.&) 9223372036854775807::bigint
               AS harmonised_key,
           h.indicator_id::bigint AS indicator_key,
           h.region_id AS region_key,
           x.period_key,
           h.layout_year,
           h.indicator_code,
           h.region_code,
           h.region_name,
           h.period::text AS period_label,
           h.value
      FROM krimp.observation_harmonised h
     CROSS JOIN LATERAL (SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(h.period), 'hex'))::bit(32)::integer::bigint
                             AS period_key) x;
COMMENT ON VIEW krimp_bi.fact_observation_harmonised IS
    'fact: the current realisations of every aggregatable indicator recast onto the newest boundary layout loaded (NULL where a contributing figure is missing); key harmonised_key';
COMMENT ON COLUMN krimp_bi.fact_observation_harmonised.harmonised_key IS
    'key: the first 64 bits of the SHA-256, sign bit cleared, of ''observation_harmonised|indicator_id|region_id|period_key'', the same for the same figure in every query and load';

CREATE VIEW krimp_bi.fact_tipping_point WITH (security_invoker = true) AS
    SELECT f.flag_id AS tipping_point_key,
           f.indicator_id::bigint AS indicator_key,
           f.region_id AS region_key,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(f.period), 'hex'))::bit(32)::integer::bigint
               AS period_key,
           i.code AS indicator_code,
           r.code AS region_code,
           f.period::text AS period_label,
           f.kind,
           f.direction,
           f.assessment,
           f.before AS value_before,
           f.after AS value_after,
           f.abs_change,
           f.rel_change,
           f.p_value,
           f.score,
           f.recent,
           f.status,
           f.status OPERATOR(pg_catalog.<>) 'withdrawn' AS is_live,
           f.first_flagged,
           f.last_confirmed,
           f.withdrawn_at,
           f.first_run_id,
           f.last_run_id
      FROM krimp.tipping_point_flag f
      JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) f.indicator_id
      JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) f.region_id;
COMMENT ON VIEW krimp_bi.fact_tipping_point IS
    'fact: tipping points the nightly job flagged (level shifts, trend turns, convergence), new, confirmed or withdrawn; key tipping_point_key';
COMMENT ON COLUMN krimp_bi.fact_tipping_point.tipping_point_key IS 'key: krimp.tipping_point_flag.flag_id';

CREATE VIEW krimp_bi.fact_evaluation WITH (security_invoker = true) AS
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.format('evaluation|%s|%s|%s', e.round_year, e.recomputation, e.target_id),
               'UTF8')), 'hex'), 16))::bit(64)::bigint OPERATOR(pg_catalog.&) 9223372036854775807::bigint
               AS evaluation_key,
           e.round_year,
           e.recomputation,
           e.recomputation OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(rr.recomputation) FROM krimp.revaluation_round rr
                                                    WHERE rr.round_year OPERATOR(pg_catalog.=) e.round_year) AS is_latest,
           e.target_id,
           t.version AS target_version,
           t.name AS target_name,
           a.code AS agreement_code,
           a.name AS agreement_name,
           t.indicator_id::bigint AS indicator_key,
           t.region_id AS region_key,
           t.group_code,
           t.layout_year,
           i.code AS indicator_code,
           i.theme,
           coalesce(t.group_code, r.code) AS region_code,
           coalesce(g.name, r.name) AS region_name,
           e.org_code,
           t.actiehouder,
           t.path,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(t.baseline_period), 'hex'))::bit(32)::integer::bigint
               AS baseline_period_key,
           t.baseline_period::text AS baseline_period,
           t.baseline_value,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(t.horizon_period), 'hex'))::bit(32)::integer::bigint
               AS horizon_period_key,
           t.horizon_period::text AS horizon_period,
           t.horizon_value,
           e.known_at,
           e.data_vintage,
           e.light,
           CASE e.light WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'grey' THEN 2 ELSE 1 END AS severity,
           e.observed,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(e.latest_period), 'hex'))::bit(32)::integer::bigint
               AS latest_period_key,
           e.latest_period::text AS latest_period,
           e.latest_value,
           e.expected_value,
           e.gap,
           e.progress,
           e.expected_progress,
           e.trend_points,
           e.trend_slope,
           e.projected_value,
           e.projected_low,
           e.projected_high,
           e.region_change,
           e.region_change_pct,
           e.nl_change,
           e.nl_change_pct,
           e.nl_source,
           e.best_rate,
           e.reachable_value,
           e.alternative_horizon_value,
           p.proposal_id,
           p.state AS proposal_state,
           p.horizon_value AS proposal_horizon_value,
           p.milestone_period::text AS proposal_milestone_period,
           p.milestone_value AS proposal_milestone_value
      FROM krimp.round_evaluation e
      JOIN krimp.target t ON t.target_id OPERATOR(pg_catalog.=) e.target_id
      JOIN krimp.agreement a ON a.agreement_id OPERATOR(pg_catalog.=) t.agreement_id
      JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) t.indicator_id
      LEFT JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) t.region_id
      LEFT JOIN krimp.region_group g ON g.group_code OPERATOR(pg_catalog.=) t.group_code
      LEFT JOIN krimp.recalibration_proposal p
             ON p.round_year OPERATOR(pg_catalog.=) e.round_year
            AND p.recomputation OPERATOR(pg_catalog.=) e.recomputation
            AND p.target_id OPERATOR(pg_catalog.=) e.target_id;
COMMENT ON VIEW krimp_bi.fact_evaluation IS
    'fact: the stored evaluation of every target in every revaluation round and recomputation (is_latest marks the newest recomputation of a round), with its target, light, progress, projection, change against the Netherlands and re-calibration proposal, judged on the figures released at the round''s moment (the same for every login, no embargoed figure); region_key is NULL for a group target (group_code); key evaluation_key';
COMMENT ON COLUMN krimp_bi.fact_evaluation.evaluation_key IS
    'key: the first 64 bits of the SHA-256, sign bit cleared, of ''evaluation|round_year|recomputation|target_id'' (the stored row''s primary key)';
COMMENT ON COLUMN krimp_bi.fact_evaluation.severity IS 'for sorting: red 4, orange 3, grey 2, green 1';

CREATE VIEW krimp_bi.fact_scorecard WITH (security_invoker = true) AS
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.format('scorecard|%s|%L|%L|%L', s.round_year, s.region_code, s.region_name, s.theme),
               'UTF8')), 'hex'), 16))::bit(64)::bigint OPERATOR(pg_catalog.&) 9223372036854775807::bigint
               AS scorecard_key,
           s.round_year,
           s.region_code,
           s.region_name,
           s.theme,
           s.targets,
           s.green,
           s.orange,
           s.red,
           s.grey,
           s.worst_items
      FROM krimp.scorecard s;
COMMENT ON VIEW krimp_bi.fact_scorecard IS
    'fact: per revaluation round (its newest recomputation), region or group and theme, how many targets are green, orange, red and grey, and the worst three that are not green; key scorecard_key';
COMMENT ON COLUMN krimp_bi.fact_scorecard.scorecard_key IS
    'key: the first 64 bits of the SHA-256, sign bit cleared, of ''scorecard|round_year|region_code|region_name|theme'' (texts quoted)';

-- ---- privileges: krimp_reader, nothing to PUBLIC ----------------------------
REVOKE ALL ON SCHEMA krimp_bi FROM PUBLIC;
GRANT USAGE ON SCHEMA krimp_bi TO krimp_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA krimp_bi FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA krimp_bi TO krimp_reader;
