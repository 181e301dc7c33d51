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
