-- Organisations are data: krimp.add_organisation adds one with its own role.
SET client_min_messages = warning;
SET search_path = krimp, public;
-- the install made no organisation: BZK and the provinces come from data/organisations.sql (install suite)
SELECT org_code, name, role_name, region_code FROM krimp.organisation ORDER BY org_code;
-- a role that does not exist is refused, with what to do
\set VERBOSITY verbose
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', 'krimp_drenthe_missing', 'PV22');
-- a generic krimp role or a superuser cannot be an organisation's role
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', 'krimp_writer', 'PV22');
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', CURRENT_USER, 'PV22');
-- one role acts for one organisation, and an organisation has one role
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', 'krimp_bzk', 'PV22');
SELECT krimp.add_organisation('BZK', 'Ministerie', 'krimp_groningen', 'NL01');
\set VERBOSITY default
-- the role given exists: the organisation is added and its role writes for it
CREATE ROLE krimp_test_drenthe NOLOGIN;
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', 'krimp_test_drenthe', 'PV22');
SELECT pg_has_role('krimp_test_drenthe', 'krimp_writer', 'MEMBER') AS writer;
SET ROLE krimp_test_drenthe;
SELECT krimp.current_organisations();
RESET ROLE;
-- adding it again changes nothing; a new name is taken
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', 'krimp_test_drenthe', 'PV22');
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe (Assen)', 'krimp_test_drenthe', 'PV22');
SELECT name FROM krimp.organisation WHERE org_code = 'PV22';
-- only an administrator adds organisations
SET ROLE krimp_test_drenthe;
SELECT krimp.add_organisation('PV23', 'Provincie Overijssel', 'krimp_test_drenthe', 'PV23');
RESET ROLE;
-- an organisation whose role is dropped later breaks no read
DELETE FROM krimp.organisation WHERE org_code = 'PV22';
SELECT krimp.add_organisation('PV22', 'Provincie Drenthe', 'krimp_test_drenthe', 'PV22');
DROP OWNED BY krimp_test_drenthe;
DROP ROLE krimp_test_drenthe;
SET ROLE krimp_bzk;
SELECT krimp.current_organisations();
SELECT count(*) > 0 AS reads FROM krimp.organisation;
RESET ROLE;
DELETE FROM krimp.organisation WHERE org_code = 'PV22';
