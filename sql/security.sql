-- Who may do what: a matrix of read / insert / revise / retract on own and
-- others' rows for every krimp role, embargo, nothing granted to PUBLIC, and a
-- hostile search_path in the style of contrib/seg's security test.
SET search_path = krimp, public;
CREATE ROLE regress_krimp_outsider NOLOGIN;

-- shared reference data and one figure of Groningen, one of Limburg, one embargoed
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9911', 'Veiligdorp', 'municipality', '2002-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('test_security', 'Security test figure', 'persons', 'year', 'demography', 'sum');
CREATE FUNCTION pg_temp.load_as(r name, org text, p text, v text, released timestamptz DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE b bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    b := krimp.begin_batch(org, 'security test');
    INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, released_at)
    VALUES (b, 1, org, 'test_security', 'GM9911', p, v, released);
    PERFORM krimp.apply_batch(b, on_error => 'abort');
    RESET ROLE;
END $$;
BEGIN; SELECT pg_temp.load_as('krimp_groningen', 'PV20', '2020', '100'); COMMIT;
BEGIN; SELECT pg_temp.load_as('krimp_limburg', 'PV31', '2020', '200'); COMMIT;
BEGIN; SELECT pg_temp.load_as('krimp_groningen', 'PV20', '2021', '300', '2999-01-01 00:00+00'); COMMIT;
SELECT o.org_code, o.period, o.value, o.released_at FROM krimp.observation o
  JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_security' ORDER BY o.org_code, o.period;

-- One cell: run a statement as a role and undo what it did, so that every cell
-- starts from the same data; 'ok' (with the row count for reads) or the SQLSTATE.
CREATE FUNCTION pg_temp.cell(r name, sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    IF sql ~* '^\s*select count' THEN
        EXECUTE sql INTO n;
    ELSE
        EXECUTE sql;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'KR000', MESSAGE = coalesce(n::text || ' rows', 'ok');
EXCEPTION WHEN OTHERS THEN
    RETURN CASE WHEN SQLSTATE = 'KR000' THEN SQLERRM ELSE SQLSTATE END;
END $$;
-- the organisation each role acts for, and one it does not
CREATE TEMP TABLE actor (r name, own text, other text, ord int);
INSERT INTO actor VALUES ('krimp_bzk', 'BZK', 'PV20', 1), ('krimp_groningen', 'PV20', 'PV31', 2),
    ('krimp_limburg', 'PV31', 'PV20', 3), ('krimp_zeeland', 'PV29', 'PV20', 4), ('krimp_reader', 'PV20', 'PV31', 5),
    ('krimp_admin', 'BZK', 'PV20', 6), ('regress_krimp_outsider', 'PV20', 'PV31', 7);
CREATE TEMP TABLE action (op text, sql text, ord int);
INSERT INTO action VALUES
    ('read Groningen''s released rows', $$SELECT count(*) FROM krimp.observation WHERE org_code = 'PV20' AND released_at IS NULL AND indicator_id = (SELECT indicator_id FROM krimp.indicator WHERE code = 'test_security')$$, 1),
    ('read Limburg''s rows', $$SELECT count(*) FROM krimp.observation WHERE org_code = 'PV31' AND indicator_id = (SELECT indicator_id FROM krimp.indicator WHERE code = 'test_security')$$, 2),
    ('read Groningen''s embargoed row', $$SELECT count(*) FROM krimp.observation WHERE org_code = 'PV20' AND released_at IS NOT NULL AND indicator_id = (SELECT indicator_id FROM krimp.indicator WHERE code = 'test_security')$$, 3),
    ('read current view, all orgs', $$SELECT count(*) FROM krimp.observation_current o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_security'$$, 4),
    ('read shared regions', $$SELECT count(*) FROM krimp.region WHERE code = 'GM9911'$$, 5),
    ('load for own organisation', $$SELECT pg_temp.load_as(current_user, '{own}', '2019', '10')$$, 6),
    ('load for another organisation', $$SELECT pg_temp.load_as(current_user, '{other}', '2019', '10')$$, 7),
    ('insert directly as another organisation', $$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id) SELECT indicator_id, krimp.region_at('GM9911', '2018'), '2018', 1, 'definitief', 'x', '{other}', (SELECT min(batch_id) FROM krimp.load_batch WHERE org_code = '{other}') FROM krimp.indicator WHERE code = 'test_security'$$, 8),
    ('revise own figure (new vintage)', $$SELECT pg_temp.load_as(current_user, '{own}', '2019', '11')$$, 9),
    ('retract own figure', $$SELECT krimp.retract((SELECT max(observation_id) FROM krimp.observation WHERE org_code = '{own}' AND retracted_at IS NULL), 'security test')$$, 10),
    ('retract another''s figure', $$SELECT krimp.retract((SELECT max(observation_id) FROM krimp.observation WHERE org_code = '{other}'), 'security test')$$, 11),
    ('overwrite own value', $$UPDATE krimp.observation SET value = 0 WHERE org_code = '{own}'$$, 12),
    ('delete own rows', $$DELETE FROM krimp.observation WHERE org_code = '{own}'$$, 13),
    ('read another''s rejected rows', $$SELECT count(*) FROM krimp.rejected_row r JOIN krimp.load_batch b USING (batch_id) WHERE r.org_code = '{other}' AND b.source = 'security test'$$, 14),
    ('change reference data (regions)', $$UPDATE krimp.region SET name = name WHERE code = 'GM9911'$$, 15);
-- each cell runs in its own subtransaction; 42501 is insufficient_privilege
SELECT a.op,
       max(CASE WHEN r.ord = 1 THEN o END) AS bzk, max(CASE WHEN r.ord = 2 THEN o END) AS groningen,
       max(CASE WHEN r.ord = 3 THEN o END) AS limburg, max(CASE WHEN r.ord = 4 THEN o END) AS zeeland,
       max(CASE WHEN r.ord = 5 THEN o END) AS reader, max(CASE WHEN r.ord = 6 THEN o END) AS admin,
       max(CASE WHEN r.ord = 7 THEN o END) AS outsider
  FROM action a CROSS JOIN actor r
  CROSS JOIN LATERAL pg_temp.cell(r.r, replace(replace(a.sql, '{own}', r.own), '{other}', r.other)) AS o
 GROUP BY a.op, a.ord ORDER BY a.ord;
-- every cell was undone: the data is as loaded above
SELECT o.org_code, o.period, o.value, o.retraction_reason
  FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id)
 WHERE i.code = 'test_security' ORDER BY o.org_code, o.period, o.observation_id;

-- an embargo ends at its release time
SELECT pg_temp.cell('krimp_limburg', $$SELECT count(*) FROM krimp.observation WHERE org_code = 'PV20' AND released_at IS NOT NULL AND indicator_id = (SELECT indicator_id FROM krimp.indicator WHERE code = 'test_security')$$) AS before_release;
-- (a release time is fixed when a figure is loaded; a new vintage with an earlier release time releases it)
BEGIN; SELECT pg_temp.load_as('krimp_groningen', 'PV20', '2021', '301', now() - interval '1 day'); COMMIT;
SELECT pg_temp.cell('krimp_limburg', $$SELECT count(*) FROM krimp.observation WHERE org_code = 'PV20' AND period = '2021' AND indicator_id = (SELECT indicator_id FROM krimp.indicator WHERE code = 'test_security')$$) AS after_release;

-- nothing of krimp is granted to PUBLIC: schema, tables, views, sequences, functions, types
SELECT 'schema' AS kind, nspname::text AS name FROM pg_namespace, aclexplode(coalesce(nspacl, acldefault('n', nspowner))) a
 WHERE nspname = 'krimp' AND a.grantee = 0
UNION ALL
SELECT 'relation', relname FROM pg_class, aclexplode(coalesce(relacl, acldefault('r', relowner))) a
 WHERE relnamespace = 'krimp'::regnamespace AND a.grantee = 0
UNION ALL
SELECT 'function', proname FROM pg_proc, aclexplode(coalesce(proacl, acldefault('f', proowner))) a
 WHERE pronamespace = 'krimp'::regnamespace AND a.grantee = 0
UNION ALL
SELECT 'type', typname FROM pg_type, aclexplode(coalesce(typacl, acldefault('T', typowner))) a
 WHERE typnamespace = 'krimp'::regnamespace AND typcategory <> 'A' AND typrelid = 0 AND a.grantee = 0;
-- (the row types of tables and views are governed by the relation's own privileges)
-- every table with organisation data has forced row-level security
SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
 WHERE relnamespace = 'krimp'::regnamespace AND relkind = 'r' AND relrowsecurity ORDER BY relname;
-- every view runs with the caller's rights, so row-level security holds through it
SELECT relname FROM pg_class WHERE relnamespace = 'krimp'::regnamespace AND relkind = 'v'
   AND NOT coalesce('security_invoker=true' = ANY (reloptions), false);
-- SECURITY DEFINER only with a fixed search_path, pg_temp last
SELECT proname FROM pg_proc WHERE pronamespace = 'krimp'::regnamespace AND prosecdef
   AND NOT coalesce(proconfig::text ~ 'search_path=.*pg_temp"?}$', false);
-- every plpgsql/sql function of krimp with a body fixes its search_path or is SQL-standard
SELECT p.proname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'krimp'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
   AND p.prosqlbody IS NULL AND NOT coalesce(p.proconfig::text ~ 'search_path=pg_catalog', false)
 ORDER BY 1;

-- ---- a hostile search_path ----
-- Objects that shadow built-ins, in a schema searched before pg_catalog; krimp's
-- functions must not call them.
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.upper(text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN RAISE NOTICE 'hijacked upper(%)', $1; RETURN 'GM0000'; END $$;
CREATE FUNCTION hostile.btrim(text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN RAISE NOTICE 'hijacked btrim(%)', $1; RETURN 'GM0000'; END $$;
CREATE FUNCTION hostile.now() RETURNS timestamptz LANGUAGE plpgsql AS
    $$ BEGIN RAISE NOTICE 'hijacked now()'; RETURN 'infinity'; END $$;
CREATE FUNCTION hostile.pg_has_role(name, name, text) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN RAISE NOTICE 'hijacked pg_has_role'; RETURN true; END $$;
CREATE FUNCTION hostile.texteq_trap(text, text) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN RAISE NOTICE 'hijacked ='; RETURN true; END $$;
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, PROCEDURE = hostile.texteq_trap);
CREATE TABLE hostile.organisation (org_code text, role_name name);
GRANT USAGE ON SCHEMA hostile TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hostile TO PUBLIC;
SET search_path = hostile, pg_catalog, krimp, public;
SELECT krimp.normalise_region_code('  gm9911 ') AS normalised, krimp.region_level('GM9911') AS level,
       krimp.region_at(' gm9911', '2020') IS NOT NULL AS found;
SET ROLE krimp_groningen;
SELECT krimp.current_organisations() AS acts_for, krimp.is_admin() AS admin;
SELECT krimp.begin_batch('PV20', 'hostile path') AS hb \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:hb, 1, 'PV20', 'test_security', ' gm9911 ', '2017', '42'), (:hb, 2, 'PV20', 'test_security', 'GM9911', '2017-Q1', '1');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:hb);
SELECT reason FROM krimp.rejected_row WHERE batch_id = :hb;
SELECT krimp.region_series('test_security', 'GM9911') AS series;
SELECT count(*) AS limburg_rows_visible FROM krimp.observation_current o JOIN krimp.indicator i USING (indicator_id)
 WHERE o.org_code OPERATOR(pg_catalog.=) 'PV31' AND i.code OPERATOR(pg_catalog.=) 'test_security';
RESET ROLE;
RESET search_path;
SET search_path = krimp, public;
DROP SCHEMA hostile CASCADE;
DROP ROLE regress_krimp_outsider;
