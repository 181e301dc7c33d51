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

-- ===================================================================
-- Hostile neighbours (issue 13): what a careless or hostile organisation
-- could do to the others, each reproducer as an organisation role, each
-- undone or on codes of its own: the nightly job among planted objects,
-- roles, loads, targets and rounds.  (The install into a prepared schema,
-- the queue race and the crash cases need their own databases or a crash:
-- test/scripts/hostile_install.sh, fault_queue.sh, fault_crash.sh.)
-- ===================================================================

-- (a session of its own: the temporary functions of each part are its own)
\c
-- Hostile neighbours of the nightly job (issue 13, defect 1): the job runs
-- as a superuser or pg_cron, so no object that anyone put in schema krimp or
-- in a session's pg_temp may stand in for one of its own.  The refusal of a
-- schema krimp prepared before CREATE EXTENSION needs a database of its own:
-- test/scripts/hostile_install.sh; the queue race (defect 6) needs several
-- sessions: test/scripts/fault_queue.sh.
SET search_path = krimp, public;

-- 1. Schema krimp, as CREATE EXTENSION created it, belongs to a superuser, and
-- no other role may create objects in it (no role is listed)
SELECT r.rolsuper AS owner_is_superuser
  FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
 WHERE n.nspname = 'krimp';
SELECT r.rolname AS may_create_in_krimp
  FROM pg_catalog.pg_roles r
 WHERE NOT r.rolsuper AND has_schema_privilege(r.oid, 'krimp', 'CREATE') AND r.rolname LIKE 'krimp%'
 ORDER BY 1;

-- 2. Tables krimp.krimp_nightly_series and krimp_nightly_found with a trigger
-- (a superuser's mistake, or left from before the install): the job's
-- temporary tables of these names are pg_temp's, and the trigger never runs.
-- The old job wrote its series into krimp.krimp_nightly_series, and so ran
-- the trigger as its caller.
CREATE TABLE public.hostile_nightly_log (what text, who name, superuser boolean);
CREATE FUNCTION public.hostile_nightly_trap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.hostile_nightly_log
    SELECT TG_TABLE_NAME || ' ' || TG_OP, current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
    RETURN NULL;
END $$;
CREATE TABLE krimp.krimp_nightly_series (indicator_id integer, region_id bigint);
CREATE TRIGGER hostile_nightly_trap AFTER INSERT OR UPDATE OR DELETE ON krimp.krimp_nightly_series
    FOR EACH STATEMENT EXECUTE FUNCTION public.hostile_nightly_trap();
CREATE TABLE krimp.krimp_nightly_found AS      -- the columns of the job's table
SELECT 1::integer AS indicator_id, 1::bigint AS region_id, true AS region_current, tp.*
  FROM krimp.tipping_points(NULL::krimp.series, NULL::krimp.series, 0) tp WITH NO DATA;
CREATE TRIGGER hostile_nightly_trap AFTER INSERT OR UPDATE OR DELETE ON krimp.krimp_nightly_found
    FOR EACH STATEMENT EXECUTE FUNCTION public.hostile_nightly_trap();
-- a figure, so that the run has a series to examine; then a full run, undone
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9921', 'Valdorp', 'municipality', '2002-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('test_nightly_trap', 'Nightly trap', 'count', 'year', 'housing', 'sum');
SELECT krimp.begin_batch('PV29', 'hostile nightly') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV29', 'test_nightly_trap', 'GM9921', '2020', '7');
SELECT rows_inserted FROM krimp.apply_batch(:b);
BEGIN;
CALL krimp.nightly(full_run => true);
SELECT series_examined > 0 AS examined_series FROM krimp.job_run ORDER BY run_id DESC LIMIT 1;
SELECT * FROM public.hostile_nightly_log;
SELECT (SELECT count(*) FROM krimp.krimp_nightly_series) AS planted_series_rows,
       (SELECT count(*) FROM krimp.krimp_nightly_found) AS planted_found_rows;
ROLLBACK;
DROP TABLE krimp.krimp_nightly_series, krimp.krimp_nightly_found;

-- 3. The SECURITY DEFINER queue and reference triggers read their transition
-- tables (changed, added) by name, under search_path = pg_catalog, pg_temp: a
-- writer's temporary view of the same name does not stand in for them (a
-- transition table comes before every schema), so nothing of the writer's
-- runs with the triggers' owner's rights.  (A guard: this held already.)
CREATE FUNCTION public.hostile_nightly_seen(what text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO public.hostile_nightly_log
    SELECT what, current_user, r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user;
    RETURN true;
END $$;
GRANT EXECUTE ON FUNCTION public.hostile_nightly_seen(text) TO krimp_groningen;
GRANT INSERT ON public.hostile_nightly_log TO krimp_groningen;
SET ROLE krimp_groningen;
CREATE TEMP VIEW changed AS
SELECT 1::integer AS indicator_id, 1::bigint AS region_id WHERE public.hostile_nightly_seen('temporary view changed');
CREATE TEMP VIEW added AS
SELECT 1::integer AS indicator_id, 1::bigint AS region_id, 1::bigint AS batch_id, 'PV20'::text AS org_code
 WHERE public.hostile_nightly_seen('temporary view added');
SELECT krimp.begin_batch('PV20', 'hostile nightly') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'PV20', 'test_nightly_trap', 'GM9921', '2021', '8');
SELECT rows_inserted FROM krimp.apply_batch(:b);
DROP VIEW pg_temp.changed, pg_temp.added;
RESET ROLE;
SELECT * FROM public.hostile_nightly_log;
SELECT count(*) > 0 AS queued FROM krimp.series_queue q JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9921';

-- leave the database as it was (the figures stay: observations are never deleted)
DROP FUNCTION public.hostile_nightly_trap(), public.hostile_nightly_seen(text);
DROP TABLE public.hostile_nightly_log;

-- (a session of its own: the temporary functions of each part are its own)
\c
-- Hostile neighbours, roles (issue 13, items 8 and 10): an organisation row
-- whose role does not exist is refused, and one whose role was dropped later
-- no longer breaks every read; the organisations a user acts for, and whether
-- it is an administrator, follow the privileges in effect (pg_has_role USAGE),
-- not mere membership: a login that holds krimp_admin or an organisation's
-- role only through a NOINHERIT role acts for it only after SET ROLE.
SET search_path = krimp, public;

-- one released figure of Groningen, one embargoed figure of Limburg
INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9951', 'Rollendorp', 'municipality', '2002-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('test_roles_figure', 'Roles test figure', 'persons', 'year', 'demography', 'sum');
CREATE FUNCTION pg_temp.load_as(r name, org text, p text, v text, released timestamptz DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE b bigint;
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', r);
    b := krimp.begin_batch(org, 'roles test');
    INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, released_at)
    VALUES (b, 1, org, 'test_roles_figure', 'GM9951', p, v, released);
    PERFORM krimp.apply_batch(b, on_error => 'abort');
    RESET ROLE;
END $$;
BEGIN; SELECT pg_temp.load_as('krimp_groningen', 'PV20', '2020', '100'); COMMIT;
BEGIN; SELECT pg_temp.load_as('krimp_limburg', 'PV31', '2021', '200', pg_catalog.now() + interval '1 day'); COMMIT;
-- what the current role sees of the two figures
CREATE FUNCTION pg_temp.seen() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(o.org_code || ':' || o.value, ' ' ORDER BY o.org_code), 'nothing')
      FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_roles_figure'
$$;
GRANT EXECUTE ON FUNCTION pg_temp.seen() TO PUBLIC;
SELECT pg_temp.seen() AS superuser_sees;

-- ---- 8. an organisation whose role does not exist ----
-- refused when it is added (the reads after it show what it broke before)
BEGIN;
INSERT INTO krimp.organisation (org_code, name, role_name) VALUES ('FRL', 'Provincie Friesland', 'krimp_friesland');
SET LOCAL ROLE krimp_reader;
SELECT pg_temp.seen() AS reader_sees;
ROLLBACK;
-- or when its role is changed to a missing one
BEGIN;
UPDATE krimp.organisation SET role_name = 'krimp_friesland' WHERE org_code = 'PV29';
SET LOCAL ROLE krimp_reader;
SELECT pg_temp.seen() AS reader_sees;
ROLLBACK;
SELECT count(*) AS friesland_rows FROM krimp.organisation WHERE org_code = 'FRL' OR role_name = 'krimp_friesland';
-- a role that existed and was used, then dropped: memberships do not keep a
-- role from being dropped, so DROP ROLE krimp_zeeland succeeds ...
BEGIN;
DROP ROLE krimp_zeeland;
SELECT count(*) AS zeeland_role FROM pg_catalog.pg_roles WHERE rolname = 'krimp_zeeland';
-- ... and every read still works: the missing role is skipped
SET LOCAL ROLE krimp_reader;
SELECT pg_temp.seen() AS reader_sees, krimp.current_organisations() AS reader_acts_for;
SET LOCAL ROLE krimp_limburg;
SELECT pg_temp.seen() AS limburg_sees, krimp.current_organisations() AS limburg_acts_for;
ROLLBACK;
-- the same with an organisation of the test's own, whose role acted first
CREATE ROLE regress_krimp_roles_org NOLOGIN;
GRANT krimp_writer TO regress_krimp_roles_org;
INSERT INTO krimp.organisation (org_code, name, role_name) VALUES ('ROLES_TEST', 'Rollen test', 'regress_krimp_roles_org');
SET ROLE regress_krimp_roles_org;
SELECT krimp.current_organisations() AS test_org_acts_for;
RESET ROLE;
DROP ROLE regress_krimp_roles_org;
SET ROLE krimp_groningen;
SELECT pg_temp.seen() AS groningen_sees, krimp.current_organisations() AS groningen_acts_for;
RESET ROLE;
SELECT org_code, role_name FROM krimp.organisation WHERE org_code = 'ROLES_TEST';
DELETE FROM krimp.organisation WHERE org_code = 'ROLES_TEST';

-- ---- 10. membership without inheritance ----
-- a Groningen analyst who may act as administrator, through a NOINHERIT role
CREATE ROLE regress_krimp_roles_admin_gate NOLOGIN NOINHERIT;
GRANT krimp_admin TO regress_krimp_roles_admin_gate;
CREATE ROLE regress_krimp_roles_analyst LOGIN INHERIT;
GRANT krimp_groningen, regress_krimp_roles_admin_gate TO regress_krimp_roles_analyst;
SET ROLE regress_krimp_roles_analyst;
SELECT krimp.is_admin() AS admin, krimp.current_organisations() AS acts_for, pg_temp.seen() AS analyst_sees;
SET ROLE krimp_admin;
SELECT krimp.is_admin() AS admin, pg_temp.seen() AS after_set_role_admin;
RESET ROLE;
-- a NOINHERIT role granted krimp_admin directly: no privileges of it at all
CREATE ROLE regress_krimp_roles_noinherit LOGIN NOINHERIT;
GRANT krimp_admin TO regress_krimp_roles_noinherit;
SET ROLE regress_krimp_roles_noinherit;
SELECT pg_temp.seen() AS noinherit_sees;
SET ROLE krimp_admin;
SELECT krimp.is_admin() AS admin, pg_temp.seen() AS after_set_role_admin;
RESET ROLE;
-- a reader who holds Limburg's role only through a NOINHERIT role
CREATE ROLE regress_krimp_roles_org_gate NOLOGIN NOINHERIT;
GRANT krimp_limburg TO regress_krimp_roles_org_gate;
CREATE ROLE regress_krimp_roles_reader LOGIN INHERIT;
GRANT krimp_reader, regress_krimp_roles_org_gate TO regress_krimp_roles_reader;
SET ROLE regress_krimp_roles_reader;
SELECT krimp.current_organisations() AS acts_for, pg_temp.seen() AS reader_sees;
SET ROLE krimp_limburg;
SELECT krimp.current_organisations() AS acts_for, pg_temp.seen() AS after_set_role_limburg;
RESET ROLE;

-- leave the database as it was (the figures stay: observations are not deleted)
DROP ROLE regress_krimp_roles_analyst, regress_krimp_roles_admin_gate, regress_krimp_roles_noinherit,
          regress_krimp_roles_reader, regress_krimp_roles_org_gate;

-- (a session of its own: the temporary functions of each part are its own)
\c
-- Hostile neighbours in loads (issue 13: 4, 5, 11, 12, 14, 15): what an
-- organisation's role can do to the loads of the others, and to the audit
-- trail of its own.  Each reproducer shows the refusal or the right outcome.
-- Regions GM9941-GM9949, indicators test_loads_*.  Observations cannot be
-- deleted; the codes are this suite's own.
SET search_path = krimp, public;

SET ROLE krimp_admin;
INSERT INTO krimp.region (code, name, level, valid_from) VALUES
    ('GM9941', 'Loads Een', 'municipality', '2000-01-01'),
    ('GM9942', 'Loads Twee', 'municipality', '2000-01-01'),
    ('GM9943', 'Loads Drie', 'municipality', '2000-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation) VALUES
    ('test_loads_pop', 'Loads population', 'persons', 'year', 'demography', 'sum');
RESET ROLE;

-- run a statement; 'ok', or its SQLSTATE and message (ids and times masked:
-- they depend on the suites run before)
CREATE FUNCTION pg_temp.mask(t text) RETURNS text LANGUAGE sql
    RETURN regexp_replace(regexp_replace(t, '[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} [0-9:.]+ [0-9]{4}( [A-Z]+)?', 'TIME', 'g'),
                          '[0-9]+', 'N', 'g');
CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || pg_temp.mask(SQLERRM);
END $$;
-- stage one row and apply it, as the current role: the batch's counts or the error
CREATE FUNCTION pg_temp.load(org text, region text, period text, value text, status text DEFAULT NULL,
                             published timestamptz DEFAULT NULL, released timestamptz DEFAULT NULL,
                             reason text DEFAULT NULL, kind text DEFAULT NULL)
    RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    b bigint;
    r krimp.load_batch;
BEGIN
    IF reason IS NULL THEN
        b := krimp.begin_batch(org, 'loads test');
    ELSE
        EXECUTE 'SELECT krimp.begin_batch($1, $2, NULL, $3)' INTO b USING org, 'loads test', reason;
    END IF;
    INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period,
                                           value, status, kind, forecast_producer, forecast_base_year, released_at)
    VALUES (b, 1, org, 'test_loads_pop', region, period, value, status, kind,
            CASE WHEN kind = 'forecast' THEN 'PBL' END, CASE WHEN kind = 'forecast' THEN 2020 END, released);
    r := krimp.apply_batch(b, published_at => published);
    RETURN format('read %s, inserted %s, revised %s, rejected %s%s', r.rows_read, r.rows_inserted, r.rows_revised,
                  r.rows_rejected, (SELECT ': ' || pg_temp.mask(string_agg(x.reason, '; ')) FROM krimp.rejected_row x
                                     WHERE x.batch_id = b));
EXCEPTION WHEN others THEN
    RETURN SQLSTATE || ': ' || pg_temp.mask(SQLERRM);
END $$;

-- ---- 4. a vintage from the far future, or none at all, is refused ----
SET ROLE krimp_groningen;
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => '2999-01-01') AS far_future;
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => 'infinity') AS infinity;
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => '-infinity') AS minus_infinity;
-- a realisation is not published before its period began; a forecast may be
SELECT pg_temp.load('PV20', 'GM9941', '2030', '100') AS realisation_ahead;
SELECT pg_temp.load('PV20', 'GM9941', '2030', '100', kind => 'forecast') AS forecast_ahead;
-- an embargo is a finite time: a bad one is a rejected row, not an abort
SELECT pg_temp.load('PV20', 'GM9941', '2019', '100', released => 'infinity') AS released_never;
SELECT pg_temp.load('PV20', 'GM9941', '2019', '100', released => '-infinity') AS released_always;
-- Groningen's figure, then Limburg's correction: the correction is current
SELECT pg_temp.load('PV20', 'GM9941', '2020', '100', published => '2021-01-01') AS groningen;
RESET ROLE;
SET ROLE krimp_limburg;
SELECT pg_temp.load('PV31', 'GM9941', '2020', '101', published => '2022-01-01') AS limburg_correction;
RESET ROLE;
SELECT krimp.region_series('test_loads_pop', 'GM9941') AS series;
-- and every direct way in: the row table, the view, the blocks
SET ROLE krimp_groningen;
SELECT krimp.begin_batch('PV20', 'loads test: by hand') AS bh \gset
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_row (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s, 'infinity'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS row_infinity;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, published_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s, '2999-01-01'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS view_far_future;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id, released_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s, '-infinity'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS view_released_minus_infinity;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id, published_at)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2020', '{1,2}', 'definitief', 'x', 'PV20', %s, '2999-01-01'
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS block_far_future;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
    SELECT indicator_id, krimp.region_at('GM9942', '2020'), '2040', '{1,2}', 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS block_realisation_ahead;

-- ---- 5. keys are krimp's: a writer names none ----
SELECT pg_temp.try($$INSERT INTO krimp.load_batch (batch_id, org_code, source)
    VALUES (pg_catalog.nextval('krimp.load_batch_id_seq') + 1, 'PV20', 'x')$$) AS batch_id_chosen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_row (observation_id, indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT pg_catalog.nextval('krimp.observation_id_seq') + 1, indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS observation_id_chosen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (observation_id, indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT 4503599627370496, indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS view_id_chosen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (block_id, indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
    SELECT pg_catalog.nextval('krimp.observation_block_id_seq') + 1, indicator_id, krimp.region_at('GM9942', '2020'), '2020', '{1}', 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bh)) AS block_id_chosen;
RESET ROLE;
-- nor can anyone file a row id at or above 2^52, where the figures of blocks are
BEGIN;
SELECT krimp.begin_batch('PV20', 'loads test: ids') AS bi \gset
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_row (observation_id, indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT 4503599627370496, indicator_id, krimp.region_at('GM9942', '2020'), '2020', 1, 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bi)) AS superuser_id_2_52;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_block (block_id, indicator_id, region_id, first_period, value, status, source, org_code, batch_id)
    SELECT 1099511627776, indicator_id, krimp.region_at('GM9942', '2020'), '2020', '{1}', 'definitief', 'x', 'PV20', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bi)) AS superuser_block_id_2_40;
ROLLBACK;
-- nobody writes into another organisation's batch: Limburg's open batch, Groningen's rows at its keys
SET ROLE krimp_limburg;
SELECT krimp.begin_batch('PV31', 'loads test: Limburg''s') AS bl \gset
RESET ROLE;
SET ROLE krimp_groningen;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
    VALUES (%s, 1, 'PV20', 'test_loads_pop', 'GM9943', '2020', '1')$$, :bl)) AS plant_staged_row;
SELECT pg_temp.try(format($$INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason)
    VALUES (%s, 1, 'PV20', '{}', 'planted')$$, :bl)) AS plant_rejected_row;
RESET ROLE;
SET ROLE krimp_limburg;
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:bl, 1, 'PV31', 'test_loads_pop', 'GM9943', '2020', '7');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:bl);
-- nor into a finished batch of one's own
SELECT pg_temp.try(format($$INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
    VALUES (%s, 2, 'PV31', 'test_loads_pop', 'GM9943', '2021', '1')$$, :bl)) AS stage_into_done_batch;
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT indicator_id, krimp.region_at('GM9943', '2021'), '2021', 1, 'definitief', 'x', 'PV31', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bl)) AS file_into_done_batch;
RESET ROLE;

-- ---- 11. the audit trail is krimp's ----
SET ROLE krimp_groningen;
SELECT pg_temp.try($$INSERT INTO krimp.load_batch (org_code, source, loaded_by) VALUES ('PV20', 'x', 'krimp_limburg')$$) AS loaded_by_chosen;
SELECT pg_temp.try($$INSERT INTO krimp.load_batch (org_code, source, state, rows_inserted) VALUES ('PV20', 'x', 'done', 5)$$) AS state_chosen;
SELECT krimp.begin_batch('PV20', 'loads test: audit') AS ba \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:ba, 1, 'PV20', 'test_loads_pop', 'GM9942', '2019', '5');
-- finishing a batch by hand with counts that do not match: refused
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET state = 'done', rows_read = 9, rows_inserted = 9, rows_revised = 0,
    rows_unchanged = 0, rows_rejected = 0 WHERE batch_id = %s$$, :ba)) AS finish_with_false_counts;
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET rows_read = 9 WHERE batch_id = %s$$, :ba)) AS counts_while_open;
SELECT rows_read, rows_inserted FROM krimp.apply_batch(:ba);
-- a finished batch: not reopened, not recounted, not applied again
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET state = 'open' WHERE batch_id = %s$$, :ba)) AS reopen;
SELECT pg_temp.try(format($$UPDATE krimp.load_batch SET rows_inserted = 1000 WHERE batch_id = %s$$, :ba)) AS recount;
SELECT pg_temp.try(format($$SELECT krimp.apply_batch(%s)$$, :ba)) AS apply_again;
SELECT loaded_by, state, finished_at >= started_at AS finished_after_start FROM krimp.load_batch WHERE batch_id = :ba;
-- a retraction lies between the figure's publication and now
SELECT observation_id AS fa FROM krimp.observation WHERE batch_id = :ba \gset
SELECT pg_temp.try(format($$UPDATE krimp.observation SET retracted_at = '2000-01-01', retraction_reason = 'backdated'
    WHERE observation_id = %s$$, :fa)) AS retract_before_publication;
SELECT pg_temp.try(format($$UPDATE krimp.observation SET retracted_at = now() + interval '1 year', retraction_reason = 'ahead'
    WHERE observation_id = %s$$, :fa)) AS retract_in_the_future;
SELECT pg_temp.try(format($$UPDATE krimp.observation_row SET retracted_at = 'infinity', retraction_reason = 'never'
    WHERE observation_id = %s$$, :fa)) AS retract_at_infinity;
SELECT krimp.retract(:fa, 'loads test');
SELECT retraction_reason, retracted_at <= now() AS not_ahead FROM krimp.observation WHERE observation_id = :fa;
-- and the same for a figure of a block
SELECT krimp.begin_batch('PV20', 'loads test: a block') AS bb \gset
CREATE TEMPORARY TABLE runs OF krimp.staged_block;
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:bb, 1, 'PV20', 'test_loads_pop', 'GM9942', '2010', '{1,2,3}');
SELECT rows_inserted FROM krimp.apply_batch(:bb, published_at => '2015-01-01', blocks => 'pg_temp.runs');
SELECT min(observation_id) AS fb FROM krimp.observation WHERE batch_id = :bb \gset
SELECT pg_temp.try(format($$UPDATE krimp.observation SET retracted_at = '2014-01-01', retraction_reason = 'backdated'
    WHERE observation_id = %s$$, :fb)) AS retract_block_figure_backdated;
SELECT pg_temp.try(format($$UPDATE krimp.observation_block SET retracted_at = '{2999-01-01,NULL,NULL}', retraction_reason = '{ahead,NULL,NULL}'
    WHERE batch_id = %s$$, :bb)) AS retract_block_figure_ahead;
SELECT krimp.retract(:fb, 'loads test');
SELECT count(*) FILTER (WHERE retracted_at IS NOT NULL) AS retracted FROM krimp.observation WHERE batch_id = :bb;
-- (current and as known now agree)
SELECT (SELECT count(*) FROM krimp.observation_current o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_loads_pop')
     = (SELECT count(*) FROM krimp.observations_as_of(now()) o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_loads_pop')
       AS current_agrees;
RESET ROLE;

-- ---- 12. a status does not go back without a revision reason ----
SET ROLE krimp_zeeland;
SELECT pg_temp.load('PV29', 'GM9943', '2018', '500', published => '2020-01-01') AS definitief;
SELECT pg_temp.load('PV29', 'GM9943', '2018', '480', '*', published => '2021-01-01') AS voorlopig_after_definitief;
SELECT pg_temp.load('PV29', 'GM9943', '2018', '.', published => '2021-01-01') AS unknown_after_definitief;
-- a better status, or the same, needs none
SELECT pg_temp.load('PV29', 'GM9943', '2017', '400', '*', published => '2020-01-01') AS voorlopig;
SELECT pg_temp.load('PV29', 'GM9943', '2017', '410', '**', published => '2021-01-01') AS nader_voorlopig;
-- with on_error => 'abort': nothing is filed
SELECT krimp.begin_batch('PV29', 'loads test: abort') AS bz \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
VALUES (:bz, 1, 'PV29', 'test_loads_pop', 'GM9943', '2018', '470', '*');
SELECT pg_temp.try(format($$SELECT krimp.apply_batch(%s, 'abort')$$, :bz)) AS abort_on_regression;
-- with a revision reason it is filed, as a revision
SELECT pg_temp.load('PV29', 'GM9943', '2018', '480', '*', published => '2021-06-01',
                    reason => 'CBS reopened 2018 after a correction of the BRP') AS with_reason;
SELECT krimp.begin_batch('PV29', 'loads test: why', revision_reason => '  ') IS NOT NULL AS blank_reason;
-- a direct insert is refused too
SELECT krimp.begin_batch('PV29', 'loads test: by hand') AS bz2 \gset
SELECT pg_temp.try(format($$INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id)
    SELECT indicator_id, krimp.region_at('GM9943', '2017'), '2017', 1, 'estimate', 'x', 'PV29', %s
      FROM krimp.indicator WHERE code = 'test_loads_pop'$$, :bz2)) AS direct_estimate_after_nader_voorlopig;
SELECT o.period, o.value, o.status FROM krimp.observation_current o JOIN krimp.region r USING (region_id)
 WHERE r.code = 'GM9943' AND o.org_code = 'PV29' ORDER BY o.period;
RESET ROLE;

-- ---- 14. staged input that slips through ----
SET ROLE krimp_groningen;
-- a run of two dimensions is set aside whole, with its line, not flattened
SELECT krimp.begin_batch('PV20', 'loads test: 2-D') AS b2d \gset
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
VALUES (:b2d, 1, 'PV20', 'test_loads_pop', 'GM9941', '2001', '{{1,2},{3,4}}'),
       (:b2d, 5, 'PV20', 'test_loads_pop', 'GM9941', '2005', '{5,6}');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:b2d, blocks => 'pg_temp.runs');
SELECT line_number, row_data->>'value' AS value, reason FROM krimp.rejected_row WHERE batch_id = :b2d;
SELECT count(*) AS figures FROM krimp.observation WHERE batch_id = :b2d;
-- a value out of range is a rejected row with a short quote, not an abort
SELECT krimp.begin_batch('PV20', 'loads test: range') AS brg \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:brg, 1, 'PV20', 'test_loads_pop', 'GM9941', '2011', '1e400'),
       (:brg, 2, 'PV20', 'test_loads_pop', 'GM9941', '2012', '-1e-400'),
       (:brg, 3, 'PV20', 'test_loads_pop', 'GM9941', '2013', repeat('9', 500)),
       (:brg, 4, 'PV20', 'test_loads_pop', 'GM9941', '2014', repeat('x', 500)),
       (:brg, 5, 'PV20', 'test_loads_pop', 'GM9941', '2015', '1e308');
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:brg);
SELECT line_number, length(reason) < 120 AS short, reason FROM krimp.rejected_row WHERE batch_id = :brg ORDER BY 1;
RESET ROLE;

-- ---- 15. a batch under embargo is its organisation's until the release ----
SET ROLE krimp_groningen;
SELECT pg_temp.load('PV20', 'GM9942', '2016', '1', released => '2999-01-01') AS embargoed;
SELECT max(batch_id) AS be FROM krimp.load_batch WHERE org_code = 'PV20' AND source = 'loads test' \gset
SELECT count(*) AS own_sees FROM krimp.load_batch WHERE batch_id = :be;
RESET ROLE;
SET ROLE krimp_limburg;
SELECT count(*) AS other_sees FROM krimp.load_batch WHERE batch_id = :be;
SELECT count(*) > 0 AS other_sees_released_batches FROM krimp.load_batch WHERE org_code = 'PV20' AND source = 'loads test';
RESET ROLE;
SET ROLE krimp_admin;
SELECT count(*) AS admin_sees FROM krimp.load_batch WHERE batch_id = :be;
RESET ROLE;
SET ROLE krimp_reader;
SELECT count(*) AS reader_sees FROM krimp.load_batch WHERE batch_id = :be;
RESET ROLE;
-- a writer can COPY into the view krimp.observation (its rows are filed as
-- the writer's, row-level security decides: here, a row of another
-- organisation is refused), not into the staging table (PostgreSQL refuses
-- COPY into a table with row-level security)
SET ROLE krimp_groningen;
\set VERBOSITY terse
COPY krimp.observation (indicator_id, region_id, period, value, status, source, org_code, batch_id) FROM STDIN;
1	1	2017	3	definitief	copy	PV31	1
\.
COPY krimp.observation_staging (batch_id, line_number, org_code) FROM STDIN;
1	1	PV20
\.
\set VERBOSITY default
RESET ROLE;
