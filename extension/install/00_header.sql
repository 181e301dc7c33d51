-- krimp install script, generated from extension/install/*.sql by make.
-- Edit the parts in extension/install/, never the generated krimp--<version>.sql.
-- Every object is created in the fixed schema krimp and named with its schema.

\echo Use "CREATE EXTENSION krimp CASCADE" to load this file. \quit

-- Refuse a schema krimp that someone prepared beforehand (as pg_cron and
-- PostGIS's topology refuse theirs).  krimp's functions resolve names in
-- krimp, and the nightly job runs as a superuser or pg_cron: an object that
-- another role put in the schema, or may put there later, would run with
-- those rights.  CREATE EXTENSION creates the schema named in krimp.control
-- when it does not exist (owned by the installing superuser, empty, not a
-- member of the extension: PostgreSQL records only the extension's
-- dependency on it).  A schema that already exists is accepted only in that
-- same state: empty, owned by a superuser, and no other role may create in
-- it.  That is the state pg_restore leaves it in (a dump holds CREATE SCHEMA
-- krimp, since the schema is no member of the extension, right before
-- CREATE EXTENSION krimp), and the state DROP EXTENSION krimp leaves it in.
-- The upgrade scripts do not run this part.
DO $schema_check$
DECLARE
    nsp oid := pg_catalog.to_regnamespace('krimp');
    ext oid := (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'krimp');
    owner_name name;
    owner_super boolean;
    n_objects bigint;
    objects text;
    creators text;
BEGIN
    SELECT r.rolname, r.rolsuper INTO owner_name, owner_super
      FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
     WHERE n.oid OPERATOR(pg_catalog.=) nsp;
    -- every object of a schema depends on it; so does the extension being created, the one allowed
    WITH inside AS (
        SELECT (SELECT o.type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) o.identity
                  FROM pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) o) AS what,
               pg_catalog.row_number() OVER (ORDER BY d.classid, d.objid) AS n
          FROM pg_catalog.pg_depend d
         WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
           AND d.refobjid OPERATOR(pg_catalog.=) nsp
           AND NOT (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                    AND d.objid OPERATOR(pg_catalog.=) ext))
    SELECT pg_catalog.count(*), pg_catalog.string_agg(i.what, ', ' ORDER BY i.n) FILTER (WHERE i.n OPERATOR(pg_catalog.<=) 3)
      INTO n_objects, objects
      FROM inside i;
    SELECT pg_catalog.string_agg(CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(g.rolname) END, ', '
                                 ORDER BY g.rolname NULLS FIRST)
      INTO creators
      FROM pg_catalog.pg_namespace n
      CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
      LEFT JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) a.grantee
     WHERE n.oid OPERATOR(pg_catalog.=) nsp AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
       AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner;
    IF n_objects OPERATOR(pg_catalog.>) 0 OR NOT owner_super OR creators IS NOT NULL THEN
        RAISE EXCEPTION 'schema "krimp" already exists and was not created by CREATE EXTENSION krimp'
            USING ERRCODE = 'duplicate_schema',
                  DETAIL = CASE
                      WHEN NOT owner_super
                          THEN pg_catalog.format('The schema belongs to role %I, which is not a superuser.', owner_name)
                      WHEN n_objects OPERATOR(pg_catalog.>) 0
                          THEN pg_catalog.format('The schema is not empty: it holds %s (%s in all).', objects, n_objects)
                      ELSE pg_catalog.format('Roles other than its owner may create objects in it: %s.', creators)
                  END,
                  HINT = 'Drop or rename the existing schema krimp (after checking what it holds), then CREATE EXTENSION krimp CASCADE.';
    END IF;
END
$schema_check$;
