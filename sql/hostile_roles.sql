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
