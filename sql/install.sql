-- Creating the extension pulls in PostGIS and makes the fixed schema krimp.
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
SELECT extname, extversion, nspname AS schema, extrelocatable
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname IN ('krimp', 'postgis') ORDER BY extname;
-- krimp requires postgis, so postgis cannot be dropped under it
SELECT d.deptype, e2.extname AS required
  FROM pg_depend d
  JOIN pg_extension e1 ON d.classid = 'pg_extension'::regclass AND d.objid = e1.oid
  JOIN pg_extension e2 ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e2.oid
 WHERE e1.extname = 'krimp';
-- every function the extension installs declares its parallel safety and has a comment
SELECT p.proname, p.proparallel, p.provolatile
  FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'krimp')
   AND (p.proparallel <> 's' OR obj_description(p.oid, 'pg_proc') IS NULL)
   AND p.prokind <> 'p'
 ORDER BY 1;
