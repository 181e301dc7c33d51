-- A text snapshot of everything the krimp extension made in a database:
-- members, functions with their definitions and properties, tables with
-- columns, constraints, indexes and triggers, views, policies, privileges,
-- comments and the tables pg_dump keeps.  test/scripts/upgrade.sh compares
-- the snapshots of a fresh install, an updated one and a restored one.
SET search_path = pg_catalog;
\pset format unaligned
\pset tuples_only on
\pset footer off
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'krimp'),
members AS (
    SELECT d.classid, d.objid, d.objsubid FROM pg_depend d, ext
     WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e')
SELECT 'member ' || pg_describe_object(classid, objid, objsubid) FROM members ORDER BY 1;

SELECT 'function ' || p.oid::regprocedure || ' kind=' || p.prokind::text || ' vol=' || p.provolatile::text
       || ' par=' || p.proparallel::text || ' strict=' || p.proisstrict || ' secdef=' || p.prosecdef
       || ' leakproof=' || p.proleakproof || ' config=' || coalesce(p.proconfig::text, '')
       || ' acl=' || coalesce(p.proacl::text, 'default') || ' comment=' || coalesce(obj_description(p.oid, 'pg_proc'), '')
       || E'\n' || CASE WHEN p.prokind::text IN ('f', 'p') THEN pg_get_functiondef(p.oid) ELSE '' END
  FROM pg_proc p WHERE p.pronamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY p.oid::regprocedure::text;

SELECT 'aggregate ' || a.aggfnoid::regprocedure || ' ' || a.aggtransfn::regproc || ' ' || a.aggfinalfn::regproc
       || ' ' || a.aggcombinefn::regproc || ' ' || a.aggserialfn::regproc || ' ' || a.aggdeserialfn::regproc
       || ' ' || a.aggtranstype::regtype || ' ' || a.aggfinalmodify::text
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.pronamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'type ' || t.oid::regtype || ' len=' || t.typlen || ' byval=' || t.typbyval || ' align=' || t.typalign::text
       || ' storage=' || t.typstorage::text || ' acl=' || coalesce(t.typacl::text, 'default')
       || ' comment=' || coalesce(obj_description(t.oid, 'pg_type'), '')
  FROM pg_type t WHERE t.typnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'operator ' || o.oid::regoperator || ' ' || o.oprcode::regproc || ' com=' || o.oprcom::regoperator
       || ' neg=' || o.oprnegate::regoperator || ' hash=' || o.oprcanhash || ' merge=' || o.oprcanmerge
  FROM pg_operator o WHERE o.oprnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'opclass ' || c.opcname || ' ' || am.amname || ' ' || c.opcintype::regtype || ' default=' || c.opcdefault
  FROM pg_opclass c JOIN pg_am am ON am.oid = c.opcmethod WHERE c.opcnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'relation ' || c.oid::regclass || ' kind=' || c.relkind::text || ' rls=' || c.relrowsecurity
       || ' force=' || c.relforcerowsecurity || ' options=' || coalesce(c.reloptions::text, '')
       || ' acl=' || coalesce(c.relacl::text, 'default') || ' comment=' || coalesce(obj_description(c.oid, 'pg_class'), '')
  FROM pg_class c WHERE c.relnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

-- (a column's position among the columns that are there, as SELECT * shows
-- them: an update that drops a column leaves a gap in attnum that a fresh
-- install, and a restore, does not have)
SELECT 'column ' || a.attrelid::regclass || '.'
       || (SELECT count(*) FROM pg_attribute b WHERE b.attrelid = a.attrelid AND b.attnum > 0
              AND NOT b.attisdropped AND b.attnum <= a.attnum) || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || ' notnull=' || a.attnotnull || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
       || ' acl=' || coalesce(a.attacl::text, '') || ' comment=' || coalesce(col_description(a.attrelid, a.attnum), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1;

SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'index ' || pg_get_indexdef(indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'trigger ' || pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) AND NOT t.tgisinternal ORDER BY 1;

-- which triggers fire, internal ones (foreign keys) included, named by their constraint: krimp switches off
-- PostgreSQL's per-row insert checks of krimp.observation's foreign keys (41_references.sql)
SELECT 'trigger state ' || c.relname || ' ' || coalesce(con.conname, t.tgname) || ' ' || p.proname || ' ' || t.tgenabled::text
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
  LEFT JOIN pg_constraint con ON con.oid = t.tgconstraint
 WHERE c.relnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) ORDER BY 1;

SELECT 'view ' || c.oid::regclass || E'\n' || pg_get_viewdef(c.oid)
  FROM pg_class c WHERE c.relnamespace IN ('krimp'::regnamespace, to_regnamespace('krimp_bi')) AND c.relkind::text IN ('v', 'm') ORDER BY 1;

SELECT 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || roles::text
       || ' ' || cmd || ' using=' || coalesce(qual, '') || ' check=' || coalesce(with_check, '')
  FROM pg_policies WHERE schemaname IN ('krimp', 'krimp_bi') ORDER BY 1;

SELECT 'schema acl ' || nspname || ' ' || coalesce(nspacl::text, 'default') FROM pg_namespace WHERE nspname IN ('krimp', 'krimp_bi');

SELECT 'dumped ' || c.oid::regclass || ' ' || coalesce(x.cond, '')
  FROM (SELECT unnest(extconfig) AS oid, unnest(extcondition) AS cond FROM pg_extension WHERE extname = 'krimp') x
  JOIN pg_class c ON c.oid = x.oid ORDER BY 1;

SELECT 'extension ' || extname || ' ' || extversion || ' ' || extnamespace::regnamespace || ' ' || extrelocatable
  FROM pg_extension WHERE extname = 'krimp';
