
-- ===================================================================
-- The five-yearly revaluation rounds: every target judged at each round
-- (CALL krimp.revaluation_round), kept as it was judged, and the
-- re-calibration proposals with their decisions.  The targets and their
-- evaluation are in 50_targets.sql; the views round_result and scorecard
-- in 70_bi.sql.
-- ===================================================================

-- ---- rounds ---------------------------------------------------------------
CREATE TABLE krimp.revaluation_round (
    round_year      integer NOT NULL,
    recomputation   integer NOT NULL DEFAULT 0 CHECK (recomputation OPERATOR(pg_catalog.>=) 0),
    round_date      date NOT NULL,
    known_at        timestamptz NOT NULL,
    data_vintage    timestamptz,
    origin_year     integer NOT NULL,
    window_years    double precision NOT NULL,
    min_points      integer NOT NULL,
    path_tolerance  double precision NOT NULL,
    tolerance       double precision NOT NULL,
    targets         integer NOT NULL,
    reason          text,
    run_by          name NOT NULL DEFAULT CURRENT_USER,
    run_at          timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    PRIMARY KEY (round_year, recomputation)
);
COMMENT ON TABLE krimp.revaluation_round IS
    'revaluation rounds: the round date (31 December of the round year), the moment whose knowledge was used (the end of that day, UTC), the newest figure read, the rule''s parameters and how many targets were judged; a recomputation is a new row, never a change';
SELECT pg_catalog.pg_extension_config_dump('krimp.revaluation_round', '');

CREATE TABLE krimp.round_evaluation (
    round_year          integer NOT NULL,
    recomputation       integer NOT NULL,
    target_id           bigint NOT NULL REFERENCES krimp.target,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    known_at            timestamptz NOT NULL,
    data_vintage        timestamptz,
    light               text NOT NULL CHECK (light OPERATOR(pg_catalog.=) ANY (ARRAY['green', 'orange', 'red', 'grey'])),
    observed            integer NOT NULL,
    latest_period       krimp.period,
    latest_value        double precision,
    expected_value      double precision,
    gap                 double precision,
    progress            double precision,
    expected_progress   double precision,
    trend_points        integer NOT NULL,
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
    stale               boolean,
    stale_reason        text,
    PRIMARY KEY (round_year, recomputation, target_id),
    FOREIGN KEY (round_year, recomputation) REFERENCES krimp.revaluation_round
);
CREATE INDEX round_evaluation_target_idx ON krimp.round_evaluation (target_id);
COMMENT ON TABLE krimp.round_evaluation IS
    'the stored, immutable evaluation of every target in force in a round, one row per target per round and recomputation (columns as krimp.target_evaluation)';
COMMENT ON COLUMN krimp.round_evaluation.stale IS
    'the light rests on a figure older than the indicator''s publication lag allows (krimp.figure_staleness); NULL in a round stored before 0.3';
COMMENT ON COLUMN krimp.round_evaluation.stale_reason IS
    'why the light is stale: the newest figure, when it became known, and which figures were expected by when';
SELECT pg_catalog.pg_extension_config_dump('krimp.round_evaluation', '');

CREATE SEQUENCE krimp.recalibration_proposal_id_seq;
CREATE TABLE krimp.recalibration_proposal (
    proposal_id         bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.recalibration_proposal_id_seq'),
    round_year          integer NOT NULL,
    recomputation       integer NOT NULL,
    target_id           bigint NOT NULL,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    start_period        krimp.period NOT NULL,
    start_value         double precision NOT NULL,
    milestone_period    krimp.period NOT NULL,
    milestone_value     double precision NOT NULL,
    annual_rate         double precision NOT NULL,
    horizon_period      krimp.period NOT NULL,
    horizon_value       double precision NOT NULL,
    alternative_horizon_value double precision,
    best_rate           double precision,
    state               text NOT NULL DEFAULT 'open' CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'accepted', 'rejected'])),
    decided_by          name,
    decided_at          timestamptz,
    decision_reason     text,
    new_target_id       bigint REFERENCES krimp.target,
    UNIQUE (round_year, recomputation, target_id),
    FOREIGN KEY (round_year, recomputation, target_id) REFERENCES krimp.round_evaluation,
    CHECK ((state OPERATOR(pg_catalog.=) 'open') OPERATOR(pg_catalog.=) (decided_at IS NULL)),
    CHECK ((state OPERATOR(pg_catalog.=) 'accepted') OPERATOR(pg_catalog.=) (new_target_id IS NOT NULL))
);
ALTER SEQUENCE krimp.recalibration_proposal_id_seq OWNED BY krimp.recalibration_proposal.proposal_id;
COMMENT ON TABLE krimp.recalibration_proposal IS
    'beside each evaluation: a path from the realised value to the horizon value with its next five-year milestone, and an alternative horizon value when the horizon is out of reach at the best five-year rate the region has shown; accepted (a new target version) or rejected once';
SELECT pg_catalog.pg_extension_config_dump('krimp.recalibration_proposal', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.recalibration_proposal_id_seq', '');

CREATE TRIGGER revaluation_round_immutable BEFORE UPDATE OR DELETE ON krimp.revaluation_round
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('revaluation_round rows', 'changed',
        'Recompute a round with CALL krimp.revaluation_round(year, recompute => true); earlier results are kept.');
CREATE TRIGGER round_evaluation_immutable BEFORE UPDATE OR DELETE ON krimp.round_evaluation
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('round_evaluation rows', 'changed',
        'Recompute a round with CALL krimp.revaluation_round(year, recompute => true); earlier results are kept.');

-- A proposal is decided once; nothing else in it changes.
CREATE FUNCTION krimp.proposal_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'proposals are never deleted'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Reject it with krimp.reject_proposal(proposal_id, reason).';
    END IF;
    IF OLD.state <> 'open' THEN
        RAISE EXCEPTION 'the proposal is already %', OLD.state
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('The reason given: %s', OLD.decision_reason);
    END IF;
    IF (NEW.proposal_id, NEW.round_year, NEW.recomputation, NEW.target_id, NEW.org_code, NEW.start_period,
        NEW.start_value, NEW.milestone_period, NEW.milestone_value, NEW.annual_rate, NEW.horizon_period,
        NEW.horizon_value, NEW.alternative_horizon_value, NEW.best_rate)
       IS DISTINCT FROM
       (OLD.proposal_id, OLD.round_year, OLD.recomputation, OLD.target_id, OLD.org_code, OLD.start_period,
        OLD.start_value, OLD.milestone_period, OLD.milestone_value, OLD.annual_rate, OLD.horizon_period,
        OLD.horizon_value, OLD.alternative_horizon_value, OLD.best_rate) THEN
        RAISE EXCEPTION 'a proposal is only accepted or rejected'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.proposal_guard_trigger() IS
    'trigger: a re-calibration proposal is decided once (accepted or rejected) and otherwise never changed or deleted';
CREATE TRIGGER proposal_guard BEFORE UPDATE OR DELETE ON krimp.recalibration_proposal
    FOR EACH ROW EXECUTE FUNCTION krimp.proposal_guard_trigger();

-- The round date of a round year: 31 December; its knowledge: the end of
-- that day in UTC.  Errors for a year off the grid.
CREATE FUNCTION krimp.round_known_at(round_year integer) RETURNS timestamptz
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    origin integer := (krimp.revaluation_settings()).origin_year;
BEGIN
    IF round_year < 1000 OR round_year > 9998 OR (round_year - origin) % 5 <> 0 THEN
        RAISE EXCEPTION '% is not a revaluation round', round_year
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Rounds come every five years from %s.', origin),
                  HINT = format('The nearest round is %s; the origin is krimp.revaluation_setting.origin_year.',
                                krimp.evaluation_round(krimp.period('year', round_year), origin));
    END IF;
    RETURN make_timestamptz(round_year + 1, 1, 1, 0, 0, 0, 'UTC');
END
$$;
COMMENT ON FUNCTION krimp.round_known_at(integer) IS
    'the moment a round is judged at: the end of its round date, 31 December of the round year, in UTC; an error for a year that is not on the five-year grid from krimp.revaluation_setting.origin_year';

-- Run a round: evaluate every target in force on the round date as known
-- and released then (krimp.released_by: the round is run by an administrator,
-- who sees every figure, and its results are read by everyone), store the
-- results and proposals.  A round that exists is left as it
-- is unless recompute is true, which adds a recomputation.
CREATE PROCEDURE krimp.revaluation_round(round_year integer, recompute boolean DEFAULT false,
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

-- ---- re-calibration ------------------------------------------------------
CREATE FUNCTION krimp.recalibrate_target(target_id bigint, reason text,
                                         horizon_value double precision DEFAULT NULL,
                                         start_period krimp.period DEFAULT NULL,
                                         start_value double precision DEFAULT NULL,
                                         milestone_periods krimp.period[] DEFAULT NULL,
                                         milestone_values double precision[] DEFAULT NULL,
                                         horizon_period krimp.period DEFAULT NULL,
                                         valid_from date DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    old krimp.target;
    new_id bigint;
BEGIN
    IF target_id IS NULL OR coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'a re-calibration needs a target and a reason'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (start_period IS NULL) <> (start_value IS NULL) THEN
        RAISE EXCEPTION 'a new start needs both its period and its value'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO old FROM krimp.target t WHERE t.target_id = recalibrate_target.target_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'target % does not exist', target_id USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT krimp.is_admin() AND NOT old.org_code = ANY (krimp.current_organisations()) THEN
        RAISE EXCEPTION 'target "%" belongs to organisation %', old.name, old.org_code
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A target is re-calibrated only by its own organisation (or an administrator).',
                  HINT = format('Ask %s to re-calibrate it.', old.org_code);
    END IF;
    IF EXISTS (SELECT 1 FROM krimp.target n WHERE n.previous_id = old.target_id) THEN
        RAISE EXCEPTION 'target "%" already has a newer version', old.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Version %s was re-calibrated.', old.version),
                  HINT = 'Re-calibrate the newest version.';
    END IF;
    INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, group_code, layout_year, unit, granularity,
                              baseline_period, baseline_value, baseline_known_at, horizon_period, horizon_value, path,
                              milestone_periods, milestone_values, against_direction_of_good, org_code, actiehouder,
                              previous_id, recalibration_reason, valid_from)
    VALUES (old.agreement_id, old.name, old.indicator_id, old.region_id, old.group_code, old.layout_year, old.unit,
            old.granularity, coalesce(start_period, old.baseline_period), coalesce(start_value, old.baseline_value),
            CASE WHEN start_period IS NULL THEN old.baseline_known_at END,
            coalesce(recalibrate_target.horizon_period, old.horizon_period),
            coalesce(recalibrate_target.horizon_value, old.horizon_value), old.path,
            CASE WHEN milestone_periods IS NOT NULL OR start_period IS NOT NULL THEN milestone_periods
                 ELSE old.milestone_periods END,
            CASE WHEN milestone_periods IS NOT NULL OR start_period IS NOT NULL THEN milestone_values
                 ELSE old.milestone_values END,
            old.against_direction_of_good, old.org_code, old.actiehouder, old.target_id, reason,
            coalesce(valid_from, current_date))
    RETURNING krimp.target.target_id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION krimp.recalibrate_target(bigint, text, double precision, krimp.period, double precision, krimp.period[], double precision[], krimp.period, date) IS
    'make a new version of a target that points to the old one with the reason (the old one is kept): optionally a new horizon value or period, a new start (period and realised value) and milestones; in force from valid_from (today by default); returns the new target id';

-- Who decides a proposal: writers of the target's own organisation (the one
-- that re-calibrates it), or an administrator; not the other parties of its
-- agreement.  An error unless the current user may decide it.
CREATE FUNCTION krimp.proposal_decider_check(proposal_id bigint) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    p krimp.recalibration_proposal;
    target_name text;
BEGIN
    SELECT * INTO p FROM krimp.recalibration_proposal x WHERE x.proposal_id = proposal_decider_check.proposal_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposal % does not exist', proposal_id
            USING ERRCODE = 'undefined_object',
                  HINT = 'The proposals of the rounds are listed in krimp.recalibration_proposal.';
    END IF;
    IF NOT krimp.is_admin() AND NOT p.org_code = ANY (krimp.current_organisations()) THEN
        SELECT t.name INTO target_name FROM krimp.target t WHERE t.target_id = p.target_id;
        RAISE EXCEPTION 'the proposal for target "%" in round % is not yours to decide', target_name, p.round_year
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('It re-calibrates a target of organisation %s; only that organisation (or an administrator) accepts or rejects it.',
                                  p.org_code),
                  HINT = format('Ask %s to decide it.', p.org_code);
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.proposal_decider_check(bigint) IS
    'raises an error unless the current user may decide the proposal: a writer of the target''s own organisation, or an administrator (the other parties of the agreement do not decide it)';

CREATE FUNCTION krimp.accept_proposal(proposal_id bigint, reason text, use_alternative boolean DEFAULT false,
                                      valid_from date DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    p krimp.recalibration_proposal;
    hv double precision;
    mv double precision;
    t krimp.target;
    new_id bigint;
BEGIN
    PERFORM krimp.proposal_decider_check(proposal_id);
    SELECT * INTO p FROM krimp.recalibration_proposal x WHERE x.proposal_id = accept_proposal.proposal_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposal % does not exist', proposal_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF p.state <> 'open' THEN
        RAISE EXCEPTION 'the proposal is already %', p.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF use_alternative AND p.alternative_horizon_value IS NULL THEN
        RAISE EXCEPTION 'the proposal has no alternative horizon value'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The horizon value is within reach at the best five-year rate the region has shown.';
    END IF;
    SELECT * INTO t FROM krimp.target x WHERE x.target_id = p.target_id;
    hv := CASE WHEN use_alternative THEN p.alternative_horizon_value ELSE p.horizon_value END;
    -- the milestone on the accepted path (to the alternative, it is recomputed on the same kind of path)
    mv := CASE WHEN NOT use_alternative THEN p.milestone_value
               WHEN t.path = 'growth' THEN p.start_value * power(hv / p.start_value,
                        (p.milestone_period - p.start_period)::double precision / (p.horizon_period - p.start_period))
               ELSE p.start_value + (hv - p.start_value)
                        * (p.milestone_period - p.start_period)::double precision / (p.horizon_period - p.start_period) END;
    new_id := krimp.recalibrate_target(p.target_id, reason, hv, p.start_period, p.start_value,
                                       CASE WHEN p.milestone_period < p.horizon_period THEN ARRAY[p.milestone_period] END,
                                       CASE WHEN p.milestone_period < p.horizon_period THEN ARRAY[mv] END,
                                       NULL, valid_from);
    UPDATE krimp.recalibration_proposal x
       SET state = 'accepted', decided_by = CURRENT_USER, decided_at = clock_timestamp(),
           decision_reason = reason, new_target_id = new_id
     WHERE x.proposal_id = p.proposal_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION krimp.accept_proposal(bigint, text, boolean, date) IS
    'accept a re-calibration proposal: a new target version from the realised value to the horizon value (or, with use_alternative, to the alternative horizon value) with the next five-year milestone; returns the new target id';

CREATE FUNCTION krimp.reject_proposal(proposal_id bigint, reason text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM krimp.proposal_decider_check(proposal_id);
    UPDATE krimp.recalibration_proposal x
       SET state = 'rejected', decided_by = CURRENT_USER, decided_at = clock_timestamp(), decision_reason = reason
     WHERE x.proposal_id = reject_proposal.proposal_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposal % does not exist', proposal_id
            USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.reject_proposal(bigint, text) IS
    'reject a re-calibration proposal with a reason; the target stays as it is';

-- ---- row-level security and grants ----------------------------------------
ALTER TABLE krimp.revaluation_round ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.revaluation_round FORCE ROW LEVEL SECURITY;
CREATE POLICY revaluation_round_read ON krimp.revaluation_round FOR SELECT TO krimp_reader USING (true);
CREATE POLICY revaluation_round_admin ON krimp.revaluation_round FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.round_evaluation ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.round_evaluation FORCE ROW LEVEL SECURITY;
CREATE POLICY round_evaluation_read ON krimp.round_evaluation FOR SELECT TO krimp_reader USING (true);
CREATE POLICY round_evaluation_admin ON krimp.round_evaluation FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.recalibration_proposal ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.recalibration_proposal FORCE ROW LEVEL SECURITY;
CREATE POLICY proposal_read ON krimp.recalibration_proposal FOR SELECT TO krimp_reader USING (true);
CREATE POLICY proposal_decide ON krimp.recalibration_proposal FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY proposal_admin ON krimp.recalibration_proposal FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

GRANT SELECT ON krimp.revaluation_round, krimp.round_evaluation, krimp.recalibration_proposal TO krimp_reader;
GRANT UPDATE (state, decided_by, decided_at, decision_reason, new_target_id)
    ON krimp.recalibration_proposal TO krimp_writer, krimp_admin;
GRANT INSERT ON krimp.revaluation_round, krimp.round_evaluation, krimp.recalibration_proposal TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.recalibration_proposal_id_seq TO krimp_admin;

REVOKE ALL ON PROCEDURE krimp.revaluation_round(integer, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE krimp.revaluation_round(integer, boolean, text) TO krimp_admin;
REVOKE ALL ON FUNCTION krimp.recalibrate_target(bigint, text, double precision, krimp.period, double precision, krimp.period[], double precision[], krimp.period, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION krimp.accept_proposal(bigint, text, boolean, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION krimp.reject_proposal(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.recalibrate_target(bigint, text, double precision, krimp.period, double precision, krimp.period[], double precision[], krimp.period, date) TO krimp_writer, krimp_admin;
GRANT EXECUTE ON FUNCTION krimp.accept_proposal(bigint, text, boolean, date) TO krimp_writer, krimp_admin;
GRANT EXECUTE ON FUNCTION krimp.reject_proposal(bigint, text) TO krimp_writer, krimp_admin;
