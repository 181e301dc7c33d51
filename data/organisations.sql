-- The organisations of the krimp monitoring: the ministry of the interior
-- (BZK) and the provinces of Groningen, Zeeland and Limburg, each with a
-- role of its own.  Used by the demo and the tests; a real warehouse adds
-- its own the same way.  Run as a superuser, or as a role that may create
-- roles and is a member of krimp_admin.
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['krimp_bzk', 'krimp_groningen', 'krimp_zeeland', 'krimp_limburg'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;
DO $organisations$
BEGIN
    PERFORM krimp.add_organisation('BZK', 'Ministerie van Binnenlandse Zaken en Koninkrijksrelaties', 'krimp_bzk', 'NL01');
    PERFORM krimp.add_organisation('PV20', 'Provincie Groningen', 'krimp_groningen', 'PV20');
    PERFORM krimp.add_organisation('PV29', 'Provincie Zeeland', 'krimp_zeeland', 'PV29');
    PERFORM krimp.add_organisation('PV31', 'Provincie Limburg', 'krimp_limburg', 'PV31');
END
$organisations$;
