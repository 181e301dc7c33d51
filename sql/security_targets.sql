-- Hostile neighbours and targets (issue 13, items 2 and 3):
--   2. one organisation takes over another's targets: a version that continues
--      another organisation's target, a target attached to an agreement the
--      organisation is not a party to, a proposal decided by another organisation;
--   3. the embargo leaks through rounds: an administrator's round, which sees
--      every figure, stores an embargoed value that every organisation reads (in
--      krimp.round_evaluation, krimp_bi.fact_evaluation, the proposal), and the
--      light is driven by it; a baseline taken from an embargoed figure.
-- Runs in a database of its own (rounds are global and never deleted), dropped
-- at the end; regions GM9931-GM9934, indicator test_targets_population.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS krimp_hostile_targets_test;
CREATE DATABASE krimp_hostile_targets_test;
\c krimp_hostile_targets_test
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
RESET client_min_messages;
SET search_path = krimp, public;
SET extra_float_digits = 0;

INSERT INTO krimp.region (code, name, level, valid_from) VALUES
    ('GM9931', 'Limburgdorp', 'municipality', '2002-01-01'),
    ('GM9932', 'Zeeuwsdorp', 'municipality', '2002-01-01'),
    ('GM9933', 'Groningendorp', 'municipality', '2002-01-01'),
    ('GM9934', 'Zeeuwsdorp-Oost', 'municipality', '2002-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation, direction_of_good)
VALUES ('test_targets_population', 'Population (hostile targets test)', 'persons', 'year', 'demography', 'sum', 1);

-- load as an organisation's role: values from first_year on, one batch, one vintage
CREATE FUNCTION pg_temp.load_as(r name, org text, region text, first_year integer, v double precision[],
                                published timestamptz, released timestamptz DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE b bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    b := krimp.begin_batch(org, 'hostile targets test');
    INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                           released_at)
    SELECT b, k, org, 'test_targets_population', region, (first_year + k - 1)::text, v[k]::text, released
      FROM generate_subscripts(v, 1) k;
    PERFORM krimp.apply_batch(b, on_error => 'abort', published_at => published);
    RESET ROLE;
END $$;
-- run a statement as a role and undo it: 'ok' with the rows it touched, or the SQLSTATE and message
CREATE FUNCTION pg_temp.attempt(r name, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    EXECUTE sql;
    GET DIAGNOSTICS n = ROW_COUNT;
    RAISE EXCEPTION USING ERRCODE = 'KR000', MESSAGE = format('ok, %s row(s)', n);
EXCEPTION WHEN OTHERS THEN
    RETURN CASE WHEN SQLSTATE = 'KR000' THEN SQLERRM ELSE SQLSTATE || ': ' || SQLERRM END;
END $$;

-- 2014-2018 on the path of every target below (+2 a year from 1000), published in spring 2019
SELECT pg_temp.load_as('krimp_limburg', 'PV31', 'GM9931', 2014, '{1000,1002,1004,1006,1008}', '2019-04-01 00:00+00');
SELECT pg_temp.load_as('krimp_zeeland', 'PV29', 'GM9932', 2014, '{1000,1002,1004,1006,1008}', '2019-04-01 00:00+00');
SELECT pg_temp.load_as('krimp_groningen', 'PV20', 'GM9933', 2014, '{1000,1002,1004,1006,1008}', '2019-04-01 00:00+00');
SELECT pg_temp.load_as('krimp_zeeland', 'PV29', 'GM9934', 2014, '{1000,1002,1004,1006,1008}', '2019-04-01 00:00+00');
-- Zeeland's 2019: in Zeeuwsdorp 1010 (released), then a revision to 500 under embargo until 2099;
-- in Zeeuwsdorp-Oost 400, released on 2022-01-01 (after the round of 2020 was judged, before today)
SELECT pg_temp.load_as('krimp_zeeland', 'PV29', 'GM9932', 2019, '{1010}', '2020-03-01 00:00+00');
SELECT pg_temp.load_as('krimp_zeeland', 'PV29', 'GM9932', 2019, '{500}', '2020-04-01 00:00+00', '2099-01-01 00:00+00');
SELECT pg_temp.load_as('krimp_zeeland', 'PV29', 'GM9934', 2019, '{400}', '2020-04-01 00:00+00', '2022-01-01 00:00+00');

-- agreements: Limburg's and Zeeland's (parties by org_code), Groningen's (parties by name)
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code) VALUES
    ('HT-LB', 'Covenant Limburg (hostile test)', 'covenant', ARRAY['BZK', 'PV31'], '2019-06-30', '2015-01-01', 'PV31'),
    ('HT-ZL', 'Covenant Zeeland (hostile test)', 'covenant', ARRAY['BZK', 'PV29'], '2020-06-30', '2015-01-01', 'PV29'),
    ('HT-GR', 'Covenant Groningen (hostile test)', 'covenant', ARRAY['BZK', 'Provincie Groningen'], '2019-06-30',
     '2015-01-01', 'PV20');
-- each organisation sets its own targets: 1000 (2014) to 1032 (2030), baseline read from the figures
CREATE FUNCTION pg_temp.add_target(r name, agreement text, target_name text, region text, org text,
                                   baseline text DEFAULT '2014', horizon double precision DEFAULT 1032) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period,
                              horizon_value, org_code, actiehouder)
    SELECT a.agreement_id, target_name, i.indicator_id, krimp.region_at(region, '2015'), baseline::krimp.period,
           '2030', horizon, org, 'test'
      FROM krimp.agreement a, krimp.indicator i
     WHERE a.code = agreement AND i.code = 'test_targets_population';
    RESET ROLE;
END $$;
SELECT pg_temp.add_target('krimp_limburg', 'HT-LB', 'HT Limburgdorp', 'GM9931', 'PV31');
SELECT pg_temp.add_target('krimp_groningen', 'HT-GR', 'HT Groningendorp', 'GM9933', 'PV20');
SELECT pg_temp.add_target('krimp_zeeland', 'HT-ZL', 'HT Zeeuwsdorp', 'GM9932', 'PV29');
SELECT pg_temp.add_target('krimp_zeeland', 'HT-ZL', 'HT Zeeuwsdorp-Oost', 'GM9934', 'PV29');
-- BZK is a party to Zeeland's agreement: it may add a target of its own to it
SELECT pg_temp.add_target('krimp_bzk', 'HT-ZL', 'HT BZK in Zeeuwsdorp-Oost', 'GM9934', 'BZK');

-- ===========================================================================
-- 2. Takeover
-- ===========================================================================
-- Groningen continues Limburg's target with a version of its own (in Limburg's
-- agreement, and in its own): refused, 42501
SET ROLE krimp_groningen;
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value, horizon_period,
                          horizon_value, org_code, actiehouder, previous_id, recalibration_reason)
SELECT t.agreement_id, t.name, t.indicator_id, t.region_id, t.baseline_period, t.baseline_value, t.horizon_period,
       1100, 'PV20', 'Groningen', t.target_id, 'taken over'
  FROM krimp.target t WHERE t.name = 'HT Limburgdorp';
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value, horizon_period,
                          horizon_value, org_code, actiehouder, previous_id, recalibration_reason)
SELECT (SELECT a.agreement_id FROM krimp.agreement a WHERE a.code = 'HT-GR'), t.name, t.indicator_id, t.region_id,
       t.baseline_period, t.baseline_value, t.horizon_period, 1100, 'PV20', 'Groningen', t.target_id, 'taken over'
  FROM krimp.target t WHERE t.name = 'HT Limburgdorp';
-- nor through krimp.recalibrate_target
SELECT krimp.recalibrate_target(t.target_id, 'taken over', horizon_value => 1100)
  FROM krimp.target t WHERE t.name = 'HT Limburgdorp';
-- Groningen attaches a target to Zeeland's agreement (parties BZK and PV29): refused, 42501
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value, horizon_period,
                          horizon_value, org_code, actiehouder)
SELECT a.agreement_id, 'HT Groningen in Zeeland', i.indicator_id, krimp.region_at('GM9933', '2015'), '2014', 1000,
       '2030', 1032, 'PV20', 'Groningen'
  FROM krimp.agreement a, krimp.indicator i WHERE a.code = 'HT-ZL' AND i.code = 'test_targets_population';
-- (without org_code the target would be the agreement's owner's, Zeeland's: refused with the reason)
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value, horizon_period,
                          horizon_value, actiehouder)
SELECT a.agreement_id, 'HT Groningen in Zeeland', i.indicator_id, krimp.region_at('GM9933', '2015'), '2014', 1000,
       '2030', 1032, 'Groningen'
  FROM krimp.agreement a, krimp.indicator i WHERE a.code = 'HT-ZL' AND i.code = 'test_targets_population';
RESET ROLE;
-- Limburg's target is still in force, has no newer version, and Limburg can re-calibrate it
-- (from 2030 on, so that the round of 2020 still judges version 1)
SELECT t.name, t.org_code, t.version, krimp.target_active(t.target_id, '2020-12-31') AS in_force_2020
  FROM krimp.target t WHERE t.name IN ('HT Limburgdorp', 'HT Groningen in Zeeland') ORDER BY t.name, t.version;
SET ROLE krimp_limburg;
SELECT krimp.recalibrate_target(t.target_id, 'Limburg''s own step', horizon_value => 1040, valid_from => '2030-01-01')
       IS NOT NULL AS recalibrated
  FROM krimp.target t WHERE t.name = 'HT Limburgdorp' AND t.version = 1;
RESET ROLE;
SELECT t.name, t.org_code, t.version, t.horizon_value FROM krimp.target t WHERE t.name = 'HT Limburgdorp'
 ORDER BY t.version;
-- an administrator can still do everything: a target of Groningen's in Zeeland's agreement, a version of it for another organisation
SELECT pg_temp.attempt('krimp_admin', $$SELECT pg_temp.add_target('krimp_admin', 'HT-ZL', 'HT admin', 'GM9933', 'PV20')$$)
       AS admin_attaches;
SELECT pg_temp.attempt('krimp_admin', $$
    INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, baseline_value,
                              horizon_period, horizon_value, org_code, actiehouder, previous_id, recalibration_reason)
    SELECT t.agreement_id, t.name, t.indicator_id, t.region_id, t.baseline_period, t.baseline_value, t.horizon_period,
           1040, 'PV20', 'Groningen', t.target_id, 'handed over by the administrator'
      FROM krimp.target t WHERE t.name = 'HT Zeeuwsdorp-Oost'$$) AS admin_hands_over;

-- ===========================================================================
-- 3. The embargo
-- ===========================================================================
-- Zeeland sets a target from 2019 when its agreement is signed (2020-06-30): the baseline is the
-- released 1010, not its own embargoed revision 500 (which every organisation would read in krimp.target)
SELECT pg_temp.add_target('krimp_zeeland', 'HT-ZL', 'HT Zeeuwsdorp from 2019', 'GM9932', 'PV29', '2019', 1100);
SET ROLE krimp_groningen;
SELECT t.name, t.baseline_period, t.baseline_value FROM krimp.target t WHERE t.name = 'HT Zeeuwsdorp from 2019';
RESET ROLE;

-- an administrator (who sees every figure) runs the round of 2020
SET ROLE krimp_admin;
CALL krimp.revaluation_round(2020, true, 'hostile targets test');
RESET ROLE;

-- Groningen reads the stored results: judged on what was released at the end of 2020, so
-- Zeeuwsdorp's latest is the released 1010 (not 500), Zeeuwsdorp-Oost's is 2018 (its 2019 was
-- released in 2022); every light green, none driven by an embargoed figure
SET ROLE krimp_groningen;
SELECT t.name, e.org_code, e.latest_period, e.latest_value, e.light, e.observed, e.region_change, e.nl_change,
       e.data_vintage
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id)
 WHERE e.round_year = 2020 ORDER BY t.name;
SELECT target_name, latest_period, latest_value, light, proposal_state, proposal_horizon_value
  FROM krimp_bi.fact_evaluation WHERE round_year = 2020 ORDER BY target_name;
SELECT t.name, p.start_period, p.start_value FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 ORDER BY t.name;
SELECT r.round_year, r.targets, r.data_vintage FROM krimp.revaluation_round r;
-- no stored value of the round equals an embargoed figure's
SELECT count(*) AS embargoed_values_in_round
  FROM krimp.round_evaluation e
 WHERE e.latest_value IN (500, 400) OR e.reachable_value IN (500, 400);
RESET ROLE;
-- evaluated now (krimp.evaluate_target, krimp.target_series): released figures only, whoever asks,
-- the administrator and Zeeland (the owner of the embargoed figure) included
SET ROLE krimp_admin;
SELECT (krimp.evaluate_target(t.target_id)).latest_value AS admin_latest,
       krimp.target_series(t.target_id, '2021-01-01 00:00+00') AS admin_series_2020
  FROM krimp.target t WHERE t.name = 'HT Zeeuwsdorp';
RESET ROLE;
SET ROLE krimp_zeeland;
SELECT (krimp.evaluate_target(t.target_id)).latest_value AS zeeland_latest FROM krimp.target t WHERE t.name = 'HT Zeeuwsdorp';
RESET ROLE;

-- ===========================================================================
-- 2 (continued). Deciding proposals: only the target's own organisation (or an administrator)
-- ===========================================================================
-- Groningen tries to accept and to reject every proposal of a target in Limburg's or Zeeland's
-- agreement (the SQLSTATE; one message in full below), and to decide one by a direct UPDATE
SELECT t.name, t.org_code,
       split_part(pg_temp.attempt('krimp_groningen', format('SELECT krimp.accept_proposal(%s, %L)', p.proposal_id, 'mine now')), ':', 1) AS accept,
       split_part(pg_temp.attempt('krimp_groningen', format('SELECT krimp.reject_proposal(%s, %L)', p.proposal_id, 'mine now')), ':', 1) AS reject,
       pg_temp.attempt('krimp_groningen', format($$UPDATE krimp.recalibration_proposal SET state = 'rejected',
                                                   decided_at = now(), decision_reason = 'x' WHERE proposal_id = %s$$,
                                                 p.proposal_id)) AS direct_update
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id) JOIN krimp.agreement a USING (agreement_id)
 WHERE p.round_year = 2020 AND a.code IN ('HT-LB', 'HT-ZL') ORDER BY t.name;
SET ROLE krimp_groningen;
SELECT krimp.accept_proposal(p.proposal_id, 'mine now')
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'HT Limburgdorp';
RESET ROLE;
SELECT count(*) AS decided FROM krimp.recalibration_proposal WHERE state <> 'open';
-- Zeeland, the agreement's owner, does not decide BZK's target's proposal; each decides its own;
-- an administrator decides any
SELECT split_part(pg_temp.attempt('krimp_zeeland', format('SELECT krimp.reject_proposal(%s, %L)', p.proposal_id, 'x')), ':', 1) AS zeeland_on_bzk,
       pg_temp.attempt('krimp_bzk', format('SELECT krimp.reject_proposal(%s, %L)', p.proposal_id, 'x')) AS bzk_on_own,
       pg_temp.attempt('krimp_admin', format('SELECT krimp.reject_proposal(%s, %L)', p.proposal_id, 'x')) AS admin
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'HT BZK in Zeeuwsdorp-Oost';
SET ROLE krimp_zeeland;
SELECT krimp.accept_proposal(p.proposal_id, 'Zeeland''s own step') IS NOT NULL AS accepted
  FROM krimp.recalibration_proposal p JOIN krimp.target t USING (target_id)
 WHERE p.round_year = 2020 AND t.name = 'HT Zeeuwsdorp';
RESET ROLE;
SELECT t.name, t.org_code, t.version, t.baseline_period, t.baseline_value
  FROM krimp.target t WHERE t.name = 'HT Zeeuwsdorp' ORDER BY t.version;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE krimp_hostile_targets_test;
RESET client_min_messages;

