
-- ===================================================================
-- Targets (streefwaarden) and the five-yearly revaluation.
--
-- An agreement (covenant or programme) holds targets: one indicator in one
-- region version or designated group, a baseline taken from the
-- observations when the agreement is made (and kept), a horizon, a path
-- (linear or constant growth) with optional milestones, the owning
-- organisation and the party responsible (actiehouder).  A re-calibration
-- is a new version that points to the old one.  krimp.target_evaluations()
-- judges targets as the figures were known at a moment (the rule is in C,
-- krimp.assess(); docs/targets.md); CALL krimp.revaluation_round(year)
-- stores one immutable row per active target per round, with a
-- re-calibration proposal beside it; krimp.scorecard counts the lights.
-- ===================================================================

-- ---- the rule, in C -----------------------------------------------------
CREATE TYPE krimp.target_assessment AS (
    light               text,
    observed            integer,
    latest_period       krimp.period,
    latest_value        double precision,
    expected_value      double precision,
    gap                 double precision,
    progress            double precision,
    expected_progress   double precision,
    trend_points        integer,
    trend_slope         double precision,
    projected_value     double precision,
    projected_low       double precision,
    projected_high      double precision,
    best_rate           double precision,
    reachable_value     double precision,
    alternative_horizon_value double precision,
    proposal_period     krimp.period,
    proposal_value      double precision,
    proposal_rate       double precision
);
COMMENT ON TYPE krimp.target_assessment IS
    'the result of krimp.assess(): light, latest observation, value on the path, gap, progress, projection to the horizon with Sen''s interval, best five-year rate, reachable and alternative horizon value, and the re-calibrated path''s next milestone';

CREATE FUNCTION krimp.assess(s krimp.series, path text, baseline_period krimp.period,
                             baseline_value double precision, horizon_period krimp.period,
                             horizon_value double precision, sense integer,
                             milestone_periods krimp.period[] DEFAULT NULL,
                             milestone_values double precision[] DEFAULT NULL,
                             window_years double precision DEFAULT 10, min_points integer DEFAULT 3,
                             path_tolerance double precision DEFAULT 0.05,
                             tolerance double precision DEFAULT 0.10)
    RETURNS krimp.target_assessment
    AS 'MODULE_PATHNAME', 'krimp_assess' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.assess(krimp.series, text, krimp.period, double precision, krimp.period, double precision, integer, krimp.period[], double precision[], double precision, integer, double precision, double precision) IS
    'the traffic-light rule on one series: path linear or growth from the baseline through the milestones to the horizon; sense 1 higher is better, -1 lower is better, 0 either way; trend window in years (Theil-Sen), min_points for a projection, path_tolerance and tolerance as shares of the planned change (docs/targets.md); a NULL series is grey';

-- ---- settings ---------------------------------------------------------------
CREATE TABLE krimp.revaluation_setting (
    only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    origin_year     integer NOT NULL DEFAULT 2015 CHECK (origin_year OPERATOR(pg_catalog.>=) 1000 AND origin_year OPERATOR(pg_catalog.<=) 9999),
    window_years    double precision NOT NULL DEFAULT 10 CHECK (window_years OPERATOR(pg_catalog.>=) 1),
    min_points      integer NOT NULL DEFAULT 3 CHECK (min_points OPERATOR(pg_catalog.>=) 2),
    path_tolerance  double precision NOT NULL DEFAULT 0.05 CHECK (path_tolerance OPERATOR(pg_catalog.>=) 0),
    tolerance       double precision NOT NULL DEFAULT 0.10 CHECK (tolerance OPERATOR(pg_catalog.>=) 0)
);
COMMENT ON TABLE krimp.revaluation_setting IS
    'at most one row, inserted by an administrator to change the defaults: the grid of revaluation rounds (every five years from origin_year, default 2015) and the rule''s defaults (trend window 10 years, 3 points for a projection, path tolerance 5% and horizon tolerance 10% of the planned change); without a row the defaults hold';

-- The settings in force: the row, or the column defaults.
CREATE FUNCTION krimp.revaluation_settings() RETURNS krimp.revaluation_setting
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce((SELECT s FROM krimp.revaluation_setting s),
                    ROW(true, 2015, 10, 3, 0.05, 0.10)::krimp.revaluation_setting)
$$;
COMMENT ON FUNCTION krimp.revaluation_settings() IS
    'the revaluation settings in force: the row of krimp.revaluation_setting, or the defaults (origin 2015, window 10 years, 3 points, path tolerance 0.05, tolerance 0.10)';
SELECT pg_catalog.pg_extension_config_dump('krimp.revaluation_setting', '');

-- ---- agreements and targets ---------------------------------------------
CREATE SEQUENCE krimp.agreement_id_seq;
CREATE TABLE krimp.agreement (
    agreement_id    bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.agreement_id_seq'),
    code            text NOT NULL UNIQUE,
    name            text NOT NULL,
    kind            text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['covenant', 'programme'])),
    parties         text[] NOT NULL CHECK (pg_catalog.cardinality(parties) OPERATOR(pg_catalog.>) 0),
    signed_on       date NOT NULL,
    starts_on       date NOT NULL,
    ends_on         date,
    org_code        text NOT NULL REFERENCES krimp.organisation,
    created_by      name NOT NULL DEFAULT CURRENT_USER,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (ends_on IS NULL OR ends_on OPERATOR(pg_catalog.>) starts_on)
);
ALTER SEQUENCE krimp.agreement_id_seq OWNED BY krimp.agreement.agreement_id;
COMMENT ON TABLE krimp.agreement IS
    'agreements that hold targets: a covenant or programme with its parties, the day it was signed (baselines are taken as the figures were known at the end of that day) and its term';
SELECT pg_catalog.pg_extension_config_dump('krimp.agreement', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.agreement_id_seq', '');

CREATE SEQUENCE krimp.target_id_seq;
CREATE TABLE krimp.target (
    target_id           bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.target_id_seq'),
    agreement_id        bigint NOT NULL REFERENCES krimp.agreement,
    name                text NOT NULL,
    indicator_id        integer NOT NULL REFERENCES krimp.indicator,
    region_id           bigint REFERENCES krimp.region,
    group_code          text REFERENCES krimp.region_group,
    layout_year         integer,
    unit                text NOT NULL,
    granularity         text NOT NULL,
    baseline_period     krimp.period NOT NULL,
    baseline_value      double precision NOT NULL,
    baseline_known_at   timestamptz,
    horizon_period      krimp.period NOT NULL,
    horizon_value       double precision NOT NULL,
    path                text NOT NULL DEFAULT 'linear' CHECK (path OPERATOR(pg_catalog.=) ANY (ARRAY['linear', 'growth'])),
    milestone_periods   krimp.period[],
    milestone_values    double precision[],
    against_direction_of_good boolean NOT NULL DEFAULT false,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    actiehouder         text NOT NULL CHECK (pg_catalog.btrim(actiehouder) OPERATOR(pg_catalog.<>) ''),
    version             integer NOT NULL DEFAULT 1,
    previous_id         bigint UNIQUE REFERENCES krimp.target,
    recalibration_reason text,
    valid_from          date NOT NULL,
    created_by          name NOT NULL DEFAULT CURRENT_USER,
    created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK ((region_id IS NULL) OPERATOR(pg_catalog.<>) (group_code IS NULL)),
    CHECK (group_code IS NULL OR layout_year IS NOT NULL),
    CHECK ((milestone_periods IS NULL) OPERATOR(pg_catalog.=) (milestone_values IS NULL)),
    CHECK ((previous_id IS NULL) OPERATOR(pg_catalog.=) (recalibration_reason IS NULL))
);
ALTER SEQUENCE krimp.target_id_seq OWNED BY krimp.target.target_id;
CREATE INDEX target_agreement_idx ON krimp.target (agreement_id);
COMMENT ON TABLE krimp.target IS
    'targets: one indicator in one region version (region_id) or designated group (group_code, combined on the layout of layout_year), from a baseline kept as taken to a horizon along a path; a re-calibration is a new version pointing to the old one (previous_id) with its reason; rows are never changed';
COMMENT ON COLUMN krimp.target.baseline_known_at IS
    'the vintage the baseline value was read at (the end of the agreement''s signing day); NULL when it was given (a re-calibration starts from a realised value)';
COMMENT ON COLUMN krimp.target.layout_year IS
    'recast the figures onto the region versions of 1 January of this year (krimp.harmonise); required for groups; NULL: the region version''s own figures';
COMMENT ON COLUMN krimp.target.against_direction_of_good IS
    'explicitly allows a target whose planned change runs against the indicator''s direction of good (for example a limited decline)';
COMMENT ON COLUMN krimp.target.actiehouder IS 'the party responsible for reaching the target';
COMMENT ON COLUMN krimp.target.valid_from IS 'the day this version takes effect (the agreement''s start for a first version)';
SELECT pg_catalog.pg_extension_config_dump('krimp.target', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.target_id_seq', '');

-- ---- what was released at a moment --------------------------------------
-- The observations as known and released at a moment: as
-- krimp.observations_as_of, but only what was released then (an embargoed
-- vintage does not hide the released one before it).
CREATE FUNCTION krimp.released_observations_as_of(known_at timestamptz)
    RETURNS SETOF krimp.observation
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
                        o.forecast_producer, o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.published_at <= known_at
       AND (o.retracted_at IS NULL OR o.retracted_at > known_at)
       AND krimp.released_by(o.released_at, known_at)
     ORDER BY o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
              o.forecast_producer, o.forecast_base_year, o.published_at DESC, o.observation_id DESC
$$;
COMMENT ON FUNCTION krimp.released_observations_as_of(timestamptz) IS
    'the observations as known and released at a moment: per figure the latest vintage published by then, not retracted by then and released by then (krimp.released_by); what every organisation may see of that moment';

-- krimp.harmonise on the released figures (krimp.harmonise(..., released_only
-- => true)): a documented name for what target series on a layout read.
CREATE FUNCTION krimp.released_harmonise(indicator_code text, layout_year integer, known_at timestamptz)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT * FROM krimp.harmonise(indicator_code, layout_year, known_at, true)
$$;
COMMENT ON FUNCTION krimp.released_harmonise(text, integer, timestamptz) IS
    'krimp.harmonise(indicator_code, layout_year, known_at, released_only => true): an indicator recast onto the region versions valid on 1 January of a layout year from the figures released at the moment (krimp.figures_as_of), as every organisation may see it; what target series on a layout are read from';

-- The series a target is judged on, as known at a moment: the region
-- version's own figures, or recast onto a layout (krimp.harmonise) and, for
-- a group, combined over the member versions valid on 1 January of the
-- layout year (sum, or weighted mean through the denominator).  NULL for a
-- period in which a member has no figure.
-- Series of many targets at once (set-based; used by the rounds).
CREATE FUNCTION krimp.target_series_all(known_at timestamptz, target_ids bigint[])
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

CREATE FUNCTION krimp.target_series(target_id bigint, known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT s.series FROM krimp.target_series_all(known_at, ARRAY[target_id]) s
$$;

COMMENT ON FUNCTION krimp.target_series(bigint, timestamptz) IS
    'the series a target is judged on, as known and released at a moment (krimp.released_by: no embargoed figure, whoever asks): the region version''s own figures, or recast onto its layout year (krimp.released_harmonise) and, for a group, combined over the member versions valid on 1 January of that year (sum, or weighted mean through the denominator); a period in which a member lacks a figure is missing; a group''s figures of its own (on its row, krimp.group_region) come first';

-- Is an organisation a party to an agreement: its owner, or listed in its
-- parties by organisation code or name (krimp.organisation; case and
-- surrounding spaces aside).  Parties add targets of their own to it.
CREATE FUNCTION krimp.agreement_party(agreement_id bigint, org_code text) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM krimp.agreement a
         WHERE a.agreement_id = agreement_party.agreement_id
           AND (a.org_code = agreement_party.org_code
                OR EXISTS (SELECT 1 FROM unnest(a.parties) p(party)
                             JOIN krimp.organisation o ON o.org_code = agreement_party.org_code
                            WHERE lower(btrim(p.party)) IN (lower(o.org_code), lower(o.name)))))
$$;
COMMENT ON FUNCTION krimp.agreement_party(bigint, text) IS
    'whether an organisation is a party to an agreement: its owner (org_code), or listed in parties by its organisation code or name; a party adds targets of its own to the agreement';

-- Check and complete a new target version.
CREATE FUNCTION krimp.target_insert_trigger() RETURNS trigger
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

-- The series of a would-be target (the trigger's helper).
CREATE FUNCTION krimp.target_series_of(indicator_id integer, region_id bigint, group_code text,
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

CREATE TRIGGER target_insert BEFORE INSERT ON krimp.target
    FOR EACH ROW EXECUTE FUNCTION krimp.target_insert_trigger();

-- Targets, agreements and stored results are never changed (krimp.immutable_row_trigger, 41_blocks.sql).
CREATE TRIGGER target_immutable BEFORE UPDATE OR DELETE ON krimp.target
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('target rows', 'changed',
        'Re-calibrate with krimp.recalibrate_target(): it makes a new version and keeps this one.');

-- Is a target version in force on a day: the agreement runs, the version has
-- taken effect and no later version has.
CREATE FUNCTION krimp.target_active(target_id bigint, on_date date) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM krimp.target t JOIN krimp.agreement a ON a.agreement_id = t.agreement_id
         WHERE t.target_id = target_active.target_id
           AND a.starts_on <= on_date AND (a.ends_on IS NULL OR a.ends_on > on_date)
           AND t.valid_from <= on_date
           AND NOT EXISTS (SELECT 1 FROM krimp.target n
                            WHERE n.previous_id = t.target_id AND n.valid_from <= on_date))
$$;
COMMENT ON FUNCTION krimp.target_active(bigint, date) IS
    'whether a target version is in force on a day: its agreement runs, it has taken effect, and no later version of it has';

-- ---- evaluation ---------------------------------------------------------
CREATE TYPE krimp.target_evaluation AS (
    target_id           bigint,
    known_at            timestamptz,
    data_vintage        timestamptz,
    light               text,
    observed            integer,
    latest_period       krimp.period,
    latest_value        double precision,
    expected_value      double precision,
    gap                 double precision,
    progress            double precision,
    expected_progress   double precision,
    trend_points        integer,
    trend_slope         double precision,
    projected_value     double precision,
    projected_low       double precision,
    projected_high      double precision,
    region_change       double precision,
    region_change_pct   double precision,
    nl_change           double precision,
    nl_change_pct       double precision,
    nl_source           text,
    best_rate           double precision,
    reachable_value     double precision,
    alternative_horizon_value double precision,
    proposal_period     krimp.period,
    proposal_value      double precision,
    proposal_rate       double precision,
    stale               boolean,
    stale_reason        text
);
COMMENT ON TYPE krimp.target_evaluation IS
    'a target judged as known at a moment: the assessment (krimp.target_assessment) plus the data vintage used and the change of the region and of its benchmark (nl_change, nl_change_pct, nl_source: the indicator''s benchmark, krimp.benchmark_values) from the baseline period to the latest period; stale and stale_reason say when the newest figure is older than the indicator''s publication lag allows (krimp.figure_staleness)';

-- The Netherlands' value of indicators from its municipalities: the sum
-- (a rate: the denominator-weighted mean) over every municipality version
-- that holds in the period, only for a period in which each of them has a
-- figure.  The one place the national total is computed: krimp.national_values
-- (NL01's own figure first) and the demo's national figures read it.
CREATE FUNCTION krimp.national_from_municipalities(known_at timestamptz, indicator_ids integer[],
                                                   released_only boolean DEFAULT true)
    RETURNS TABLE (indicator_id integer, period krimp.period, value double precision,
                   municipalities bigint, published_at timestamptz)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH ind AS (
        SELECT i.indicator_id, i.aggregation, i.denominator_id FROM krimp.indicator i
         WHERE i.indicator_id = ANY (indicator_ids) AND i.aggregation <> 'none'
    ), obs AS (
        -- the realisations of the municipalities as known then (krimp.figures_as_of)
        SELECT o.indicator_id, o.region_id, o.period, o.value, o.published_at
          FROM krimp.figures_as_of(known_at, released_only) o
          JOIN krimp.region r ON r.region_id = o.region_id
         WHERE o.kind = 'realisation' AND r.level = 'municipality'
           AND o.indicator_id = ANY (ARRAY(SELECT ind.indicator_id FROM ind
                                           UNION SELECT ind.denominator_id FROM ind
                                                  WHERE ind.denominator_id IS NOT NULL))
    ), mun AS (
        SELECT ind.indicator_id, v.period,
               CASE WHEN ind.aggregation = 'sum' THEN sum(v.value)
                    ELSE sum(v.value * d.value) / nullif(sum(d.value), 0) END AS value,
               count(v.value) FILTER (WHERE ind.aggregation = 'sum' OR d.value IS NOT NULL) AS n,
               greatest(max(v.published_at), max(d.published_at)) AS published_at
          FROM ind
          JOIN obs v ON v.indicator_id = ind.indicator_id
          LEFT JOIN obs d ON d.indicator_id = ind.denominator_id AND d.region_id = v.region_id AND d.period = v.period
         GROUP BY ind.indicator_id, ind.aggregation, v.period
    )
    SELECT m.indicator_id, m.period, m.value, m.n, m.published_at
      FROM mun m
     WHERE m.n = (SELECT count(*) FROM krimp.region r
                   WHERE r.level = 'municipality'
                     AND daterange(r.valid_from, r.valid_to) @> krimp.daterange(m.period))
$$;
COMMENT ON FUNCTION krimp.national_from_municipalities(timestamptz, integer[], boolean) IS
    'the Netherlands'' value of indicators per period from its municipalities, as known (and, by default, released) at a moment: the sum, or for a rate the denominator-weighted mean, over all municipality versions that hold in the period, only when every one of them has a figure; with the number of municipalities and the latest publication time of the figures used';

-- The Netherlands' value of an indicator in a period as known at a moment:
-- NL01's own figure if there is one, otherwise the value from its
-- municipalities (krimp.national_from_municipalities).
CREATE FUNCTION krimp.national_values(known_at timestamptz, indicator_ids integer[])
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

-- ---- benchmarks -----------------------------------------------------------
-- The region versions in a decline region: the one place the benchmarks read
-- group membership (the members of every topkrimpregio and anticipeerregio
-- group, at any time), so that it follows the membership rule when that
-- changes.
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

-- The benchmark of an indicator for a region version or a group, per period,
-- as known and released at a moment (krimp.figures_as_of): the one home of
-- the benchmarks, read by convergence detection (krimp.benchmark_series, the
-- nightly job) and by a round's comparison (krimp.target_evaluations).
--   national                 krimp.national_values (NL01, else its municipalities)
--   province                 the province's own figure, else the sum (rate: the
--                            denominator-weighted mean) over its municipality
--                            versions, when every one has a figure
--   rest of country          national minus the region: for a sum the difference,
--                            for a rate (N*Nd - R*Rd) / (Nd - Rd) with the
--                            denominators; the region's own values as its
--                            target series (krimp.target_series_of)
--   outside decline regions  the sum (rate: the weighted mean) over the
--                            municipality versions outside every decline region
--                            (krimp.decline_region_members), when each has a figure
-- An indicator with aggregation 'none' has only its own figures: national and
-- province; the others are empty for it.
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

-- The benchmark as a series (what krimp.tipping_points takes).
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

-- The default benchmarks of many series at once (set-based; read by a
-- round's comparison and by the nightly job): krimp.benchmark_values for
-- each (indicator, region version or group on a layout), the k-th of the
-- arrays as ord.  A benchmark that does not depend on the territory
-- (national, outside decline regions) is formed once per indicator; the
-- country itself has none.
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

-- Is the newest figure a light rests on older than the indicator's
-- publication lag allows: the figure of a period is expected publication_lag
-- after the period begins (krimp.indicator.publication_lag), so at known_at
-- the newest period expected is the one holding known_at - publication_lag
-- (in UTC).  The reason, or NULL when the figure is as new as expected.
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

-- Evaluate targets as known at a moment: the given ones, or (target_ids
-- NULL) every target in force on on_date.  NULL parameters take the
-- defaults of krimp.revaluation_setting.
CREATE FUNCTION krimp.target_evaluations(known_at timestamptz, on_date date, target_ids bigint[] DEFAULT NULL,
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

CREATE FUNCTION krimp.evaluate_target(target_id bigint, known_at timestamptz DEFAULT 'infinity',
                                      window_years double precision DEFAULT NULL,
                                      min_points integer DEFAULT NULL,
                                      path_tolerance double precision DEFAULT NULL,
                                      tolerance double precision DEFAULT NULL)
    RETURNS krimp.target_evaluation
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT e.* FROM krimp.target_evaluations(known_at, NULL, ARRAY[target_id], window_years, min_points,
                                             path_tolerance, tolerance) e
$$;
COMMENT ON FUNCTION krimp.evaluate_target(bigint, timestamptz, double precision, integer, double precision, double precision) IS
    'one target judged as the figures were known and released at a moment (now by default): latest observation, value on the path, gap, progress, projection with interval, change against the Netherlands, light and re-calibration proposal; NULL parameters take the defaults';

-- ---- row-level security and grants ----------------------------------------
ALTER TABLE krimp.agreement ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.agreement FORCE ROW LEVEL SECURITY;
CREATE POLICY agreement_read ON krimp.agreement FOR SELECT TO krimp_reader USING (true);
CREATE POLICY agreement_insert ON krimp.agreement FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY agreement_admin ON krimp.agreement FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.target ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.target FORCE ROW LEVEL SECURITY;
CREATE POLICY target_read ON krimp.target FOR SELECT TO krimp_reader USING (true);
CREATE POLICY target_insert ON krimp.target FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY target_admin ON krimp.target FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

GRANT SELECT ON krimp.revaluation_setting, krimp.agreement, krimp.target TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.revaluation_setting TO krimp_admin;
GRANT INSERT ON krimp.agreement, krimp.target TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.agreement_id_seq, krimp.target_id_seq TO krimp_writer, krimp_admin;
