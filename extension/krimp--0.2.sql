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

-- ===================================================================
-- krimp.period: a statistical reference period (fixed size, by value)
-- ===================================================================

CREATE TYPE krimp.period;

CREATE FUNCTION krimp.period_in(cstring) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_out(krimp.period) RETURNS cstring
    AS 'MODULE_PATHNAME', 'krimp_period_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_recv(internal) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_send(krimp.period) RETURNS bytea
    AS 'MODULE_PATHNAME', 'krimp_period_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE krimp.period (
    INPUT = krimp.period_in,
    OUTPUT = krimp.period_out,
    RECEIVE = krimp.period_recv,
    SEND = krimp.period_send,
    INTERNALLENGTH = 4,
    PASSEDBYVALUE,
    ALIGNMENT = int4,
    STORAGE = plain
);
COMMENT ON TYPE krimp.period IS
    'statistical reference period: year (2013), half-year (2013-H2), quarter (2013-Q3), month (2013-07) or span of years (2005/2008); reads CBS codes (2013JJ00, 2013KW03, 2013MM07, 2013HJ02)';
COMMENT ON FUNCTION krimp.period_in(cstring) IS 'text input of krimp.period';
COMMENT ON FUNCTION krimp.period_out(krimp.period) IS 'text output of krimp.period in canonical form';
COMMENT ON FUNCTION krimp.period_recv(internal) IS 'binary input of krimp.period';
COMMENT ON FUNCTION krimp.period_send(krimp.period) IS 'binary output of krimp.period';

-- comparison: periods are ordered by first month, then by last month
CREATE FUNCTION krimp.period_eq(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_ne(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_lt(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_le(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_gt(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_ge(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_cmp(krimp.period, krimp.period) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_cmp_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_hash(krimp.period) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_hash_extended(krimp.period, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'krimp_period_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION krimp.period_smaller(krimp.period, krimp.period) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_larger(krimp.period, krimp.period) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.period_eq(krimp.period, krimp.period) IS 'implementation of = for periods';
COMMENT ON FUNCTION krimp.period_ne(krimp.period, krimp.period) IS 'implementation of <> for periods';
COMMENT ON FUNCTION krimp.period_lt(krimp.period, krimp.period) IS 'implementation of < for periods';
COMMENT ON FUNCTION krimp.period_le(krimp.period, krimp.period) IS 'implementation of <= for periods';
COMMENT ON FUNCTION krimp.period_gt(krimp.period, krimp.period) IS 'implementation of > for periods';
COMMENT ON FUNCTION krimp.period_ge(krimp.period, krimp.period) IS 'implementation of >= for periods';
COMMENT ON FUNCTION krimp.period_cmp(krimp.period, krimp.period) IS 'btree comparison of periods: by first month, then by last month';
COMMENT ON FUNCTION krimp.period_hash(krimp.period) IS 'hash of a period';
COMMENT ON FUNCTION krimp.period_hash_extended(krimp.period, bigint) IS 'seeded hash of a period, for hash partitioning';
COMMENT ON FUNCTION krimp.period_smaller(krimp.period, krimp.period) IS 'the earlier of two periods';
COMMENT ON FUNCTION krimp.period_larger(krimp.period, krimp.period) IS 'the later of two periods';

CREATE OPERATOR krimp.= (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_eq,
    COMMUTATOR = OPERATOR(krimp.=), NEGATOR = OPERATOR(krimp.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR krimp.<> (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_ne,
    COMMUTATOR = OPERATOR(krimp.<>), NEGATOR = OPERATOR(krimp.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR krimp.< (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_lt,
    COMMUTATOR = OPERATOR(krimp.>), NEGATOR = OPERATOR(krimp.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR krimp.<= (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_le,
    COMMUTATOR = OPERATOR(krimp.>=), NEGATOR = OPERATOR(krimp.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR krimp.> (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_gt,
    COMMUTATOR = OPERATOR(krimp.<), NEGATOR = OPERATOR(krimp.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR krimp.>= (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_ge,
    COMMUTATOR = OPERATOR(krimp.<=), NEGATOR = OPERATOR(krimp.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS krimp.period_ops
    DEFAULT FOR TYPE krimp.period USING btree AS
        OPERATOR 1 krimp.<,
        OPERATOR 2 krimp.<=,
        OPERATOR 3 krimp.=,
        OPERATOR 4 krimp.>=,
        OPERATOR 5 krimp.>,
        FUNCTION 1 krimp.period_cmp(krimp.period, krimp.period);

CREATE OPERATOR CLASS krimp.period_hash_ops
    DEFAULT FOR TYPE krimp.period USING hash AS
        OPERATOR 1 krimp.=,
        FUNCTION 1 krimp.period_hash(krimp.period),
        FUNCTION 2 krimp.period_hash_extended(krimp.period, bigint);

CREATE AGGREGATE krimp.min(krimp.period) (
    SFUNC = krimp.period_smaller, STYPE = krimp.period,
    COMBINEFUNC = krimp.period_smaller, SORTOP = OPERATOR(krimp.<), PARALLEL = SAFE
);
CREATE AGGREGATE krimp.max(krimp.period) (
    SFUNC = krimp.period_larger, STYPE = krimp.period,
    COMBINEFUNC = krimp.period_larger, SORTOP = OPERATOR(krimp.>), PARALLEL = SAFE
);
COMMENT ON AGGREGATE krimp.min(krimp.period) IS 'the earliest period';
COMMENT ON AGGREGATE krimp.max(krimp.period) IS 'the latest period';

-- arithmetic: steps of the period's own granularity
CREATE FUNCTION krimp.period_pl_int4(krimp.period, integer) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_pl_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.int4_pl_period(integer, krimp.period) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_int4_pl_period' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_mi_int4(krimp.period, integer) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_mi_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_mi(krimp.period, krimp.period) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_mi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.period_pl_int4(krimp.period, integer) IS 'the period n steps of its own granularity later';
COMMENT ON FUNCTION krimp.int4_pl_period(integer, krimp.period) IS 'the period n steps of its own granularity later';
COMMENT ON FUNCTION krimp.period_mi_int4(krimp.period, integer) IS 'the period n steps of its own granularity earlier';
COMMENT ON FUNCTION krimp.period_mi(krimp.period, krimp.period) IS 'number of steps from the second period to the first; both of one granularity';

CREATE OPERATOR krimp.+ (
    LEFTARG = krimp.period, RIGHTARG = integer, PROCEDURE = krimp.period_pl_int4,
    COMMUTATOR = OPERATOR(krimp.+)
);
CREATE OPERATOR krimp.+ (
    LEFTARG = integer, RIGHTARG = krimp.period, PROCEDURE = krimp.int4_pl_period,
    COMMUTATOR = OPERATOR(krimp.+)
);
CREATE OPERATOR krimp.- (
    LEFTARG = krimp.period, RIGHTARG = integer, PROCEDURE = krimp.period_mi_int4
);
CREATE OPERATOR krimp.- (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_mi
);

-- containment and overlap, as for ranges
CREATE FUNCTION krimp.period_contains(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contains_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_contained(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contained_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period_overlaps(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_overlaps_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.period_contains(krimp.period, krimp.period) IS 'does the first period cover all of the second (2013 @> 2013-Q3)';
COMMENT ON FUNCTION krimp.period_contained(krimp.period, krimp.period) IS 'is the first period covered by the second (2013-Q3 <@ 2013)';
COMMENT ON FUNCTION krimp.period_overlaps(krimp.period, krimp.period) IS 'do the periods share at least one month';

CREATE OPERATOR krimp.@> (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_contains,
    COMMUTATOR = OPERATOR(krimp.<@), RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR krimp.<@ (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_contained,
    COMMUTATOR = OPERATOR(krimp.@>), RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR krimp.&& (
    LEFTARG = krimp.period, RIGHTARG = krimp.period, PROCEDURE = krimp.period_overlaps,
    COMMUTATOR = OPERATOR(krimp.&&), RESTRICT = areasel, JOIN = areajoinsel
);

-- calendar and CBS accessors
CREATE FUNCTION krimp.first_day(krimp.period) RETURNS date
    AS 'MODULE_PATHNAME', 'krimp_period_first_day_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.last_day(krimp.period) RETURNS date
    AS 'MODULE_PATHNAME', 'krimp_period_last_day_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.daterange(krimp.period) RETURNS daterange
    AS 'MODULE_PATHNAME', 'krimp_period_daterange' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.granularity(krimp.period) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_period_granularity_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.year(krimp.period) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_year_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.end_year(krimp.period) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_end_year_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.months(krimp.period) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_months_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.cbs_code(krimp.period) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_period_cbs_code_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.evaluation_round(krimp.period, origin integer DEFAULT 2015) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_period_round_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period(granularity text, year integer, sub integer DEFAULT 1) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_make_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.period(date, granularity text) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_of_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.regrain(krimp.period, granularity text) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_to_granularity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.first_day(krimp.period) IS 'first calendar day of the period';
COMMENT ON FUNCTION krimp.last_day(krimp.period) IS 'last calendar day of the period';
COMMENT ON FUNCTION krimp.daterange(krimp.period) IS 'the period as a daterange [first day, day after the last)';
COMMENT ON FUNCTION krimp.granularity(krimp.period) IS 'granularity of the period: month, quarter, half-year, year or span';
COMMENT ON FUNCTION krimp.year(krimp.period) IS 'calendar year the period starts in';
COMMENT ON FUNCTION krimp.end_year(krimp.period) IS 'calendar year the period ends in';
COMMENT ON FUNCTION krimp.months(krimp.period) IS 'length of the period in months';
COMMENT ON FUNCTION krimp.cbs_code(krimp.period) IS 'CBS Perioden code (2013JJ00, 2013HJ02, 2013KW03, 2013MM07); NULL for a span of years, which CBS does not code';
COMMENT ON FUNCTION krimp.evaluation_round(krimp.period, integer) IS 'the five-year evaluation round the period''s first year falls in: origin + 5 * floor((year - origin) / 5), origin 2015 by default';
COMMENT ON FUNCTION krimp.period(text, integer, integer) IS 'build a period: granularity (month, quarter, half-year, year, span), year, and the month, quarter or half number, or for a span the last year';
COMMENT ON FUNCTION krimp.period(date, text) IS 'the period of a granularity that contains a date';
COMMENT ON FUNCTION krimp.regrain(krimp.period, text) IS 'the period of a coarser granularity that contains this one (2013-07 to quarter gives 2013-Q3)';
CREATE FUNCTION krimp.try_period(text) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_period_try_parse' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.try_period(text) IS
    'the period a text names, or NULL where it names none (loaders use it to set bad rows aside instead of failing)';

-- ===================================================================
-- krimp.series: one indicator's regular time series in one region
-- ===================================================================
-- A start period, its granularity and double precision values, NULL for a
-- missing value: 2002:{29543,29412,NULL,3.5}.  About 8 bytes a value plus a
-- 16-byte header with a format version; compressed by TOAST.  NaN and
-- infinity are never values.  An empty series does not exist: functions
-- that would produce one return NULL.

CREATE TYPE krimp.series;

CREATE FUNCTION krimp.series_in(cstring) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_out(krimp.series) RETURNS cstring
    AS 'MODULE_PATHNAME', 'krimp_series_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_recv(internal) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_send(krimp.series) RETURNS bytea
    AS 'MODULE_PATHNAME', 'krimp_series_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE krimp.series (
    INPUT = krimp.series_in,
    OUTPUT = krimp.series_out,
    RECEIVE = krimp.series_recv,
    SEND = krimp.series_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE krimp.series IS
    'regular time series of one indicator in one region: start period and double precision values, NULL for missing, written as 2002:{29543,29412,NULL,3.5}';
COMMENT ON FUNCTION krimp.series_in(cstring) IS 'text input of krimp.series: period:{value,...} with NULL for a missing value';
COMMENT ON FUNCTION krimp.series_out(krimp.series) IS 'text output of krimp.series with exact (round-trip) values';
COMMENT ON FUNCTION krimp.series_recv(internal) IS 'binary input of krimp.series (format version 1, fully re-validated)';
COMMENT ON FUNCTION krimp.series_send(krimp.series) IS 'binary output of krimp.series: version byte, start period, count, float8 values (NaN = missing)';

-- construction and conversion
CREATE FUNCTION krimp.series(start krimp.period, vals double precision[]) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_construct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.series(krimp.period, double precision[]) IS
    'series of consecutive values from start; NULL elements are missing values; NULL for an empty array';
CREATE FUNCTION krimp.to_array(krimp.series) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'krimp_series_to_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.to_array(krimp.series) IS
    'the values as an array starting at index 1, NULL elements for missing values';
CREATE CAST (krimp.series AS double precision[]) WITH FUNCTION krimp.to_array(krimp.series);

-- accessors
CREATE FUNCTION krimp.points(krimp.series)
    RETURNS TABLE (period krimp.period, value double precision)
    AS 'MODULE_PATHNAME', 'krimp_series_points' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 25;
COMMENT ON FUNCTION krimp.points(krimp.series) IS
    'one row per period of the series in order; value is NULL for a missing value';
CREATE FUNCTION krimp.value_at(krimp.series, krimp.period) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_series_value_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.value_at(krimp.series, krimp.period) IS
    'the value for a period; NULL if outside the series or missing; an error if the granularity differs';
CREATE FUNCTION krimp.length(krimp.series) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_series_length' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.length(krimp.series) IS 'number of periods, missing ones included';
CREATE FUNCTION krimp.first_period(krimp.series) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_series_first_period' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.first_period(krimp.series) IS 'the first period of the series';
CREATE FUNCTION krimp.last_period(krimp.series) RETURNS krimp.period
    AS 'MODULE_PATHNAME', 'krimp_series_last_period' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.last_period(krimp.series) IS 'the last period of the series';
CREATE FUNCTION krimp.granularity(krimp.series) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_series_granularity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.granularity(krimp.series) IS
    'granularity of the periods: month, quarter, half-year, year or span';
CREATE FUNCTION krimp.slice(krimp.series, from_period krimp.period, to_period krimp.period) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_slice_fn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION krimp.slice(krimp.series, krimp.period, krimp.period) IS
    'the values from from_period to to_period inclusive; a NULL bound leaves that end open; NULL if nothing is left';

-- equality
CREATE FUNCTION krimp.series_eq(krimp.series, krimp.series) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_series_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_ne(krimp.series, krimp.series) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_series_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.series_eq(krimp.series, krimp.series) IS
    'same periods and same values, a missing value equal to a missing value';
COMMENT ON FUNCTION krimp.series_ne(krimp.series, krimp.series) IS 'negation of series equality';
CREATE OPERATOR krimp.= (
    LEFTARG = krimp.series, RIGHTARG = krimp.series, PROCEDURE = krimp.series_eq,
    COMMUTATOR = OPERATOR(krimp.=), NEGATOR = OPERATOR(krimp.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);
CREATE OPERATOR krimp.<> (
    LEFTARG = krimp.series, RIGHTARG = krimp.series, PROCEDURE = krimp.series_ne,
    COMMUTATOR = OPERATOR(krimp.<>), NEGATOR = OPERATOR(krimp.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);

-- analysts' measures
CREATE FUNCTION krimp.change(krimp.series, from_period krimp.period, to_period krimp.period) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_series_change' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.change(krimp.series, krimp.period, krimp.period) IS
    'absolute change value(to_period) - value(from_period), in the units of the series; NULL if either is outside or missing';
CREATE FUNCTION krimp.pct_change(krimp.series, from_period krimp.period, to_period krimp.period) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_series_pct_change' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.pct_change(krimp.series, krimp.period, krimp.period) IS
    'relative change in percent: (value(to_period) - value(from_period)) / value(from_period) * 100; NULL if either is outside or missing; division by zero if value(from_period) is 0';
CREATE FUNCTION krimp.cagr(krimp.series, from_period krimp.period, to_period krimp.period) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_series_cagr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.cagr(krimp.series, krimp.period, krimp.period) IS
    'compound annual growth rate in percent per year: ((value(to) / value(from)) ^ (1 / years) - 1) * 100, years = steps * months per period / 12 (spans count their length); to_period must be later; values must not be negative; NULL if either is outside or missing';
CREATE FUNCTION krimp.index(krimp.series, base krimp.period) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_index_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.index(krimp.series, krimp.period) IS
    'index numbers, dimensionless, with the value of the base period = 100; NULL if the base is outside or missing; division by zero if it is 0';
CREATE FUNCTION krimp.diff(krimp.series, lag integer DEFAULT 1) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_diff_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.diff(krimp.series, integer) IS
    'value(p) - value(p - lag periods), in the units of the series, from the period lag steps after the start; NULL if the series is not longer than lag';
CREATE FUNCTION krimp.yoy_diff(krimp.series) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_yoy_diff_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.yoy_diff(krimp.series) IS
    'year-on-year difference value(p) - value(same period a year earlier), in the units of the series; krimp.diff with lag = periods per year';
CREATE FUNCTION krimp.regrain(krimp.series, granularity text, method text) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_regrain_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.regrain(krimp.series, text, text) IS
    'months, quarters or half-years to a coarser granularity (quarter, half-year, year) by sum, mean, first or last sub-period; a coarse period is missing unless all its sub-periods (sum, mean) or its first or last sub-period (first, last) are present';

-- element-wise arithmetic: on the common periods; missing in, missing out
CREATE FUNCTION krimp.series_pl(krimp.series, krimp.series) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_pl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_mi(krimp.series, krimp.series) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_mi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_mul(krimp.series, krimp.series) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_mul' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_div(krimp.series, krimp.series) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_div' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.series_pl(krimp.series, krimp.series) IS 'element-wise sum on the common periods; NULL if there are none';
COMMENT ON FUNCTION krimp.series_mi(krimp.series, krimp.series) IS 'element-wise difference on the common periods; NULL if there are none';
COMMENT ON FUNCTION krimp.series_mul(krimp.series, krimp.series) IS 'element-wise product on the common periods; NULL if there are none';
COMMENT ON FUNCTION krimp.series_div(krimp.series, krimp.series) IS 'element-wise quotient on the common periods; NULL if there are none; division by zero is an error';
CREATE OPERATOR krimp.+ (LEFTARG = krimp.series, RIGHTARG = krimp.series, PROCEDURE = krimp.series_pl,
    COMMUTATOR = OPERATOR(krimp.+));
CREATE OPERATOR krimp.- (LEFTARG = krimp.series, RIGHTARG = krimp.series, PROCEDURE = krimp.series_mi);
CREATE OPERATOR krimp.* (LEFTARG = krimp.series, RIGHTARG = krimp.series, PROCEDURE = krimp.series_mul,
    COMMUTATOR = OPERATOR(krimp.*));
CREATE OPERATOR krimp./ (LEFTARG = krimp.series, RIGHTARG = krimp.series, PROCEDURE = krimp.series_div);

CREATE FUNCTION krimp.series_pl_float8(krimp.series, double precision) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_pl_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_mi_float8(krimp.series, double precision) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_mi_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_mul_float8(krimp.series, double precision) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_mul_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_div_float8(krimp.series, double precision) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_div_float8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.series_pl_float8(krimp.series, double precision) IS 'adds a finite number to every value';
COMMENT ON FUNCTION krimp.series_mi_float8(krimp.series, double precision) IS 'subtracts a finite number from every value';
COMMENT ON FUNCTION krimp.series_mul_float8(krimp.series, double precision) IS 'multiplies every value by a finite number';
COMMENT ON FUNCTION krimp.series_div_float8(krimp.series, double precision) IS 'divides every value by a finite number other than 0';
CREATE OPERATOR krimp.+ (LEFTARG = krimp.series, RIGHTARG = double precision, PROCEDURE = krimp.series_pl_float8);
CREATE OPERATOR krimp.- (LEFTARG = krimp.series, RIGHTARG = double precision, PROCEDURE = krimp.series_mi_float8);
CREATE OPERATOR krimp.* (LEFTARG = krimp.series, RIGHTARG = double precision, PROCEDURE = krimp.series_mul_float8);
CREATE OPERATOR krimp./ (LEFTARG = krimp.series, RIGHTARG = double precision, PROCEDURE = krimp.series_div_float8);

-- ===================================================================
-- aggregates
-- ===================================================================

-- series_agg: the transition, combine, serialize and deserialize functions
-- are shared with krimp.trend_agg (see extension/series_agg.h).
CREATE FUNCTION krimp.series_agg_transfn(internal, krimp.period, double precision) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_series_agg_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION krimp.series_agg_combinefn(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_series_agg_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION krimp.series_agg_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'krimp_series_agg_serialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_agg_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_series_agg_deserialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.series_agg_finalfn(internal) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_agg_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION krimp.series_agg_transfn(internal, krimp.period, double precision) IS
    'transition function of krimp.series_agg and krimp.trend_agg: records one observation';
COMMENT ON FUNCTION krimp.series_agg_combinefn(internal, internal) IS
    'combine function of krimp.series_agg and krimp.trend_agg: merges partial states';
COMMENT ON FUNCTION krimp.series_agg_serialfn(internal) IS
    'serialize function of krimp.series_agg and krimp.trend_agg';
COMMENT ON FUNCTION krimp.series_agg_deserialfn(bytea, internal) IS
    'deserialize function of krimp.series_agg and krimp.trend_agg';
COMMENT ON FUNCTION krimp.series_agg_finalfn(internal) IS
    'final function of krimp.series_agg: builds the series';

CREATE AGGREGATE krimp.series_agg(krimp.period, double precision) (
    SFUNC = krimp.series_agg_transfn,
    STYPE = internal,
    COMBINEFUNC = krimp.series_agg_combinefn,
    SERIALFUNC = krimp.series_agg_serialfn,
    DESERIALFUNC = krimp.series_agg_deserialfn,
    FINALFUNC = krimp.series_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE krimp.series_agg(krimp.period, double precision) IS
    'series of (period, value) rows in any order: gaps and NULL values are missing values, rows with a NULL period are ignored, duplicate periods and mixed granularities are errors; NULL for no rows';

-- sum: element-wise over the union of periods; a period is missing in the
-- result when any input lacks it or has it missing (a regional total is
-- only known when every part is known); NULL inputs are ignored.
CREATE FUNCTION krimp.series_sum_transfn(krimp.series, krimp.series) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_series_sum_transfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.series_sum_transfn(krimp.series, krimp.series) IS
    'transition and combine function of krimp.sum(krimp.series): element-wise sum over the union of periods, missing where either lacks the period';
CREATE AGGREGATE krimp.sum(krimp.series) (
    SFUNC = krimp.series_sum_transfn,
    STYPE = krimp.series,
    COMBINEFUNC = krimp.series_sum_transfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE krimp.sum(krimp.series) IS
    'element-wise sum (for example municipalities to a region) over the union of periods; a period is missing if any input lacks it or has it missing; NULL inputs are ignored';

-- weighted_mean: sum(value * weight) / sum(weight) per period, same rule
CREATE FUNCTION krimp.weighted_mean_transfn(internal, krimp.series, krimp.series) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_weighted_mean_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION krimp.weighted_mean_combinefn(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_weighted_mean_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION krimp.weighted_mean_serialfn(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'krimp_weighted_mean_serialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.weighted_mean_deserialfn(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_weighted_mean_deserialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.weighted_mean_finalfn(internal) RETURNS krimp.series
    AS 'MODULE_PATHNAME', 'krimp_weighted_mean_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION krimp.weighted_mean_transfn(internal, krimp.series, krimp.series) IS
    'transition function of krimp.weighted_mean: adds value * weight and weight';
COMMENT ON FUNCTION krimp.weighted_mean_combinefn(internal, internal) IS
    'combine function of krimp.weighted_mean';
COMMENT ON FUNCTION krimp.weighted_mean_serialfn(internal) IS 'serialize function of krimp.weighted_mean';
COMMENT ON FUNCTION krimp.weighted_mean_deserialfn(bytea, internal) IS 'deserialize function of krimp.weighted_mean';
COMMENT ON FUNCTION krimp.weighted_mean_finalfn(internal) IS
    'final function of krimp.weighted_mean: divides the sums, missing where the weights sum to 0';
CREATE AGGREGATE krimp.weighted_mean(value krimp.series, weight krimp.series) (
    SFUNC = krimp.weighted_mean_transfn,
    STYPE = internal,
    COMBINEFUNC = krimp.weighted_mean_combinefn,
    SERIALFUNC = krimp.weighted_mean_serialfn,
    DESERIALFUNC = krimp.weighted_mean_deserialfn,
    FINALFUNC = krimp.weighted_mean_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE krimp.weighted_mean(krimp.series, krimp.series) IS
    'element-wise weighted mean sum(value * weight) / sum(weight), in the units of value (rates weighted by their denominators); union of periods, a period is missing if any row lacks it in value or weight or has it missing, or if its weights sum to 0; weights must not be negative; rows with a NULL value or weight are ignored';

-- ===================================================================
-- krimp.trend: trend statistics of a series (two-step design)
-- ===================================================================
-- krimp.trend(series) or the aggregate krimp.trend_agg(period, value)
-- computes a summary once; accessors read it.  Slopes are per step of the
-- series' granularity (per year for yearly data); intercepts are fitted
-- values at the first observed period.  OLS, Theil-Sen with Sen's 95%
-- interval, Mann-Kendall (exact p-value for at most 40 values without
-- ties).  Undefined statistics are NULL.  See docs/trend.md.

CREATE TYPE krimp.trend;

CREATE FUNCTION krimp.trend_in(cstring) RETURNS krimp.trend
    AS 'MODULE_PATHNAME', 'krimp_trend_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.trend_out(krimp.trend) RETURNS cstring
    AS 'MODULE_PATHNAME', 'krimp_trend_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.trend_recv(internal) RETURNS krimp.trend
    AS 'MODULE_PATHNAME', 'krimp_trend_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.trend_send(krimp.trend) RETURNS bytea
    AS 'MODULE_PATHNAME', 'krimp_trend_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE krimp.trend (
    INPUT = krimp.trend_in,
    OUTPUT = krimp.trend_out,
    RECEIVE = krimp.trend_recv,
    SEND = krimp.trend_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE krimp.trend IS
    'trend statistics of a series: OLS, Theil-Sen with Sen''s 95% interval and the Mann-Kendall test; read with the accessors';
COMMENT ON FUNCTION krimp.trend_in(cstring) IS 'text input of krimp.trend: the key=value list that krimp.trend_out writes, validated';
COMMENT ON FUNCTION krimp.trend_out(krimp.trend) IS 'text output of krimp.trend: key=value pairs with exact (round-trip) numbers, null where undefined';
COMMENT ON FUNCTION krimp.trend_recv(internal) IS 'binary input of krimp.trend (format version 1, fully re-validated)';
COMMENT ON FUNCTION krimp.trend_send(krimp.trend) IS 'binary output of krimp.trend: version byte, flags byte, first and last period, n, twelve float8 (NaN = undefined)';

-- construction
CREATE FUNCTION krimp.trend(krimp.series) RETURNS krimp.trend
    AS 'MODULE_PATHNAME', 'krimp_trend_of_series_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.trend(krimp.series) IS
    'trend statistics of a series, missing values skipped; NULL if no value is observed; at most 5000 observed values';

CREATE FUNCTION krimp.trend_agg_finalfn(internal) RETURNS krimp.trend
    AS 'MODULE_PATHNAME', 'krimp_trend_agg_finalfn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.trend_agg_finalfn(internal) IS
    'final function of krimp.trend_agg: the trend of the collected series';

CREATE AGGREGATE krimp.trend_agg(krimp.period, double precision) (
    SFUNC = krimp.series_agg_transfn,
    STYPE = internal,
    COMBINEFUNC = krimp.series_agg_combinefn,
    SERIALFUNC = krimp.series_agg_serialfn,
    DESERIALFUNC = krimp.series_agg_deserialfn,
    FINALFUNC = krimp.trend_agg_finalfn,
    FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE krimp.trend_agg(krimp.period, double precision) IS
    'trend statistics of the series built from (period, value) rows, as krimp.trend(krimp.series_agg(period, value))';

-- accessors
CREATE FUNCTION krimp.n(krimp.trend) RETURNS integer
    AS 'MODULE_PATHNAME', 'krimp_trend_n' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.ols_slope(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_ols_slope' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.ols_intercept(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_ols_intercept' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.r_squared(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_r_squared' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.ols_slope_stderr(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_ols_slope_stderr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.theil_sen_slope(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_theil_sen_slope' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.theil_sen_intercept(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_theil_sen_intercept' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.theil_sen_ci_low(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_theil_sen_ci_low' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.theil_sen_ci_high(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_theil_sen_ci_high' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.mann_kendall_s(krimp.trend) RETURNS bigint
    AS 'MODULE_PATHNAME', 'krimp_trend_mann_kendall_s' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.mann_kendall_var_s(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_mann_kendall_var_s' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.kendall_tau(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_kendall_tau' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.mann_kendall_p(krimp.trend) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_trend_mann_kendall_p' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION krimp.mann_kendall_exact(krimp.trend) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_trend_mann_kendall_exact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.n(krimp.trend) IS 'number of observed (non-missing) values the trend was computed from';
COMMENT ON FUNCTION krimp.ols_slope(krimp.trend) IS 'least-squares slope per step of the series'' granularity; NULL for fewer than 2 values';
COMMENT ON FUNCTION krimp.ols_intercept(krimp.trend) IS 'least-squares fitted value at the first observed period; NULL for fewer than 2 values';
COMMENT ON FUNCTION krimp.r_squared(krimp.trend) IS 'R squared of the least-squares fit; NULL for fewer than 2 values or a constant series';
COMMENT ON FUNCTION krimp.ols_slope_stderr(krimp.trend) IS 'standard error of the least-squares slope; NULL for fewer than 3 values';
COMMENT ON FUNCTION krimp.theil_sen_slope(krimp.trend) IS 'Theil-Sen slope: median of all pairwise slopes, per step; NULL for fewer than 2 values';
COMMENT ON FUNCTION krimp.theil_sen_intercept(krimp.trend) IS 'Theil-Sen intercept at the first observed period: median of value - slope * steps; NULL for fewer than 2 values';
COMMENT ON FUNCTION krimp.theil_sen_ci_low(krimp.trend) IS 'lower end of Sen''s 95% confidence interval for the slope (ranks as R trend::sens.slope); NULL if the series is too short';
COMMENT ON FUNCTION krimp.theil_sen_ci_high(krimp.trend) IS 'upper end of Sen''s 95% confidence interval for the slope (ranks as R trend::sens.slope); NULL if the series is too short';
COMMENT ON FUNCTION krimp.mann_kendall_s(krimp.trend) IS 'Mann-Kendall statistic S: concordant minus discordant pairs; NULL for fewer than 3 values';
COMMENT ON FUNCTION krimp.mann_kendall_var_s(krimp.trend) IS 'variance of S under no trend, corrected for ties; NULL for fewer than 3 values';
COMMENT ON FUNCTION krimp.kendall_tau(krimp.trend) IS 'Kendall''s tau-a: S / (n(n-1)/2); NULL for fewer than 3 values';
COMMENT ON FUNCTION krimp.mann_kendall_p(krimp.trend) IS 'two-sided Mann-Kendall p-value, exact for at most 40 values without ties; NULL for fewer than 3 values or a constant series';
COMMENT ON FUNCTION krimp.mann_kendall_exact(krimp.trend) IS 'whether the Mann-Kendall p-value is exact (true) or the normal approximation with continuity correction (false); NULL without a p-value';

-- ===================================================================
-- Tipping points: change-point detection on series and arrays
-- ===================================================================
-- Level shifts (exact optimal partitioning of a normal mean model on data
-- scaled by a robust noise estimate, MBIC-type penalty) and trend changes
-- (continuous piecewise-linear fits with one or two bends, Davies' test,
-- Theil-Sen slopes on each side); with a benchmark, convergence and
-- divergence of the gap.  Positions and periods name the first value of
-- the new regime.  See docs/detect.md for the method and its calibration.

CREATE FUNCTION krimp.changepoints(vals double precision[], model text DEFAULT 'level')
    RETURNS integer[]
    AS 'MODULE_PATHNAME', 'krimp_changepoints' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.changepoints(double precision[], text) IS
    'change points of an array with the product defaults: the array indexes of the first value of each new segment '
    '(model level: level shifts; trend: bends of a continuous piecewise-linear trend); NULL elements are missing values';

CREATE FUNCTION krimp.tipping_points(
        s krimp.series,
        benchmark krimp.series DEFAULT NULL,
        direction_of_good integer DEFAULT 0,
        penalty double precision DEFAULT NULL,
        min_segment integer DEFAULT NULL,
        recent integer DEFAULT NULL)
    RETURNS TABLE (
        period krimp.period,
        kind text,
        direction text,
        assessment text,
        before double precision,
        after double precision,
        abs_change double precision,
        rel_change double precision,
        p_value double precision,
        score double precision,
        recent boolean)
    AS 'MODULE_PATHNAME', 'krimp_tipping_points_fn' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE
    ROWS 1;
COMMENT ON FUNCTION krimp.tipping_points(krimp.series, krimp.series, integer, double precision, integer, integer) IS
    'tipping points of a series, one row per change: period where the new regime starts; '
    'kind (level shift, trend turn, acceleration, deceleration, convergence, divergence); '
    'direction (up or down: the sign of after - before); '
    'assessment (improving or worsening given direction_of_good 1 = higher is better, -1 = lower is better; NULL for 0); '
    'before and after (segment means for level shifts, Theil-Sen slopes per step otherwise, of the gap to the benchmark '
    'for convergence and divergence); abs_change = after - before; rel_change = abs_change / |before| (NULL if before is 0); '
    'p_value (Davies'' test for a change of slope; NULL for level shifts); '
    'score (penalised gain of the change in noise-variance units; larger is clearer); '
    'recent (starts within the last recent steps, default 5 years). '
    'NULL arguments mean the defaults: penalty 1 (a multiplier), min_segment one year and at least 3 values.';

-- ===================================================================
-- The shared warehouse: organisations and their roles, regions through
-- mergers, indicators, observations with vintages, load batches.
-- Every user table is registered with pg_extension_config_dump, so that
-- pg_dump keeps its rows.  Row-level security is forced on every table
-- that holds an organisation's data.
-- ===================================================================

-- ---- roles ---------------------------------------------------------
-- Roles belong to the cluster, not the database: create them once, keep
-- them when the extension is dropped.  Three generic roles: krimp_reader
-- reads all shared data; krimp_writer may write rows of an organisation it
-- acts for; krimp_admin manages reference data and runs the nightly job and
-- the revaluation rounds.  Organisations are data: each has a role of its
-- own (BI tools log in as a member of it, with fixed credentials and no
-- session variables), added with krimp.add_organisation().
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['krimp_reader', 'krimp_admin', 'krimp_writer']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$roles$;
-- every organisation reads the shared data and may write its own rows;
-- the admin reads and writes everything
GRANT krimp_reader TO krimp_writer, krimp_admin;

GRANT USAGE ON SCHEMA krimp TO krimp_reader;

-- ---- organisations -------------------------------------------------
CREATE TABLE krimp.organisation (
    org_code    text PRIMARY KEY CHECK (org_code OPERATOR(pg_catalog.~) '^[A-Z][A-Z0-9_]{1,15}$'),
    name        text NOT NULL,
    role_name   name NOT NULL UNIQUE,
    region_code text,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE krimp.organisation IS
    'organisations that share the warehouse; each writes only its own rows, as members of its database role; added with krimp.add_organisation()';
COMMENT ON COLUMN krimp.organisation.role_name IS
    'the database role of the organisation; its members (BI logins, loaders) act for it';
SELECT pg_catalog.pg_extension_config_dump('krimp.organisation', '');

-- An organisation's role must exist when the organisation is added or its
-- role changed (a role cannot be created in the same statement, and a
-- missing role acts for nobody).  A role dropped later is skipped by
-- krimp.current_organisations(): roles belong to the cluster and DROP ROLE
-- cannot be refused from here.
CREATE FUNCTION krimp.organisation_role_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) NEW.role_name) THEN
        RAISE EXCEPTION 'role "%" of organisation % does not exist', NEW.role_name, NEW.org_code
              USING ERRCODE = 'undefined_object',
                    HINT = pg_catalog.format('Create the role first (CREATE ROLE %I NOLOGIN; GRANT krimp_writer TO %I), '
                                             'then add the organisation.', NEW.role_name, NEW.role_name);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.organisation_role_trigger() IS
    'trigger: refuses an organisation whose role does not exist';
CREATE TRIGGER organisation_role BEFORE INSERT OR UPDATE OF role_name ON krimp.organisation
    FOR EACH ROW EXECUTE FUNCTION krimp.organisation_role_trigger();

-- The organisations the current user acts for: those whose role's
-- privileges it has now (pg_has_role USAGE: the role itself, or a role it
-- inherits from; a role granted through a NOINHERIT role counts only after
-- SET ROLE), as row-level security and GRANTs do.  A role that was dropped
-- after its organisation was added is skipped (the join on pg_roles), so
-- that it does not break every read.  STABLE: policies call it once per
-- query through a sub-select.
CREATE FUNCTION krimp.current_organisations() RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(array_agg(o.org_code ORDER BY o.org_code), '{}')
      FROM krimp.organisation o
      JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) o.role_name
     WHERE pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'USAGE')
$$;
COMMENT ON FUNCTION krimp.current_organisations() IS
    'codes of the organisations whose role''s privileges the current user has (pg_has_role USAGE: membership through a NOINHERIT role counts only after SET ROLE); organisations whose role no longer exists are skipped';

-- Is the current user a krimp administrator (or a superuser)?  The same rule:
-- the privileges of krimp_admin in effect, not mere membership.
CREATE FUNCTION krimp.is_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.rolname OPERATOR(pg_catalog.=) 'krimp_admin'
                      AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'USAGE'))
        OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER)
$$;
COMMENT ON FUNCTION krimp.is_admin() IS
    'whether the current user has the privileges of krimp_admin (pg_has_role USAGE, not mere membership) or is a superuser';

-- ---- regions -------------------------------------------------------

-- Normalise a CBS region code: trim the padding CBS OData adds, upper case.
CREATE FUNCTION krimp.normalise_region_code(code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.upper(pg_catalog.btrim(code));
COMMENT ON FUNCTION krimp.normalise_region_code(text) IS
    'a CBS region code without the padding of CBS OData feeds, in upper case (''PV20  '' gives ''PV20'')';

-- The level of a CBS region code, NULL for anything that is not one.
CREATE FUNCTION krimp.region_level(code text) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_region_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.region_level(text) IS
    'level of a normalised CBS region code: country (NL01), landsdeel (LD), province (PV), corop (CR), municipality (GM), district (WK), neighbourhood (BU); NULL if it is none';

-- The number rule of the loads (krimp.apply_batch, krimpctl load): an
-- optional sign, digits with an optional decimal point, an optional exponent
-- of 1 to 3 digits, within the range of double precision.
CREATE FUNCTION krimp.number_problem(value_text text) RETURNS text
    AS 'MODULE_PATHNAME', 'krimp_number_problem' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.number_problem(text) IS
    'NULL if the text is a number as krimp.apply_batch files one, else the reason it is not (invalid value "...", value "..." is out of the range of double precision)';
CREATE FUNCTION krimp.parse_number(value_text text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'krimp_parse_number_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.parse_number(text) IS
    'the number a text holds, read as krimp.apply_batch files one; 22P02 for an invalid number, 22003 for one out of range';

CREATE SEQUENCE krimp.region_id_seq;
CREATE TABLE krimp.region (
    region_id   bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.region_id_seq'),
    code        text NOT NULL,
    name        text NOT NULL,
    level       text NOT NULL,
    valid_from  date NOT NULL,
    valid_to    date,
    geom        public.geometry(MultiPolygon, 28992),
    CHECK (krimp.region_level(code) IS NOT NULL AND level OPERATOR(pg_catalog.=) krimp.region_level(code)),
    CHECK (valid_to IS NULL OR valid_to OPERATOR(pg_catalog.>) valid_from),
    -- a code names at most one territory at a time
    EXCLUDE USING gist (code WITH OPERATOR(pg_catalog.=),
                        pg_catalog.daterange(valid_from, valid_to) WITH OPERATOR(pg_catalog.&&))
);
ALTER SEQUENCE krimp.region_id_seq OWNED BY krimp.region.region_id;
CREATE INDEX region_geom_idx ON krimp.region USING gist (geom);
CREATE INDEX region_code_idx ON krimp.region (code, valid_from);
COMMENT ON TABLE krimp.region IS
    'region versions: a CBS code with the territory it named from valid_from up to (not including) valid_to; a code alone does not identify a territory, since a municipality keeps its code when a merger takes its name';
COMMENT ON COLUMN krimp.region.geom IS 'boundary in the Dutch national reference system (EPSG:28992, RD New)';
COMMENT ON COLUMN krimp.region.valid_to IS 'first day the version no longer holds; NULL while it holds';
SELECT pg_catalog.pg_extension_config_dump('krimp.region', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.region_id_seq', '');

-- Normalise the code and fill in the level on every write.
CREATE FUNCTION krimp.region_normalise_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    NEW.code := krimp.normalise_region_code(NEW.code);
    NEW.level := coalesce(krimp.region_level(NEW.code), NEW.level);
    IF krimp.region_level(NEW.code) IS NULL THEN
        RAISE EXCEPTION 'invalid CBS region code "%"', NEW.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Region codes are NL01, LD01-LD04, PV##, CR##, GM####, WK###### or BU########.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.region_normalise_trigger() IS 'trigger: normalise a region''s code and set its level';
CREATE TRIGGER region_normalise BEFORE INSERT OR UPDATE OF code, level ON krimp.region
    FOR EACH ROW EXECUTE FUNCTION krimp.region_normalise_trigger();

-- The version of a code that holds for the whole of a period, or NULL.
CREATE FUNCTION krimp.region_at(code text, p krimp.period) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT r.region_id FROM krimp.region r
     WHERE r.code OPERATOR(pg_catalog.=) krimp.normalise_region_code($1)
       AND pg_catalog.daterange(r.valid_from, r.valid_to) OPERATOR(pg_catalog.@>) krimp.daterange($2)
$$;
COMMENT ON FUNCTION krimp.region_at(text, krimp.period) IS
    'the region version of a CBS code that holds for the whole period, or NULL';

-- hierarchy with validity: municipality in COROP area, province, country
CREATE TABLE krimp.region_parent (
    region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    parent_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    valid_from  date NOT NULL,
    valid_to    date,
    PRIMARY KEY (region_id, parent_id, valid_from),
    CHECK (valid_to IS NULL OR valid_to OPERATOR(pg_catalog.>) valid_from)
);
CREATE INDEX region_parent_parent_idx ON krimp.region_parent (parent_id);
COMMENT ON TABLE krimp.region_parent IS
    'hierarchy with validity: a region version lies in a parent version (municipality in COROP area, province, country)';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_parent', '');

-- designated groups: the decline regions
CREATE TABLE krimp.region_group (
    group_code      text PRIMARY KEY,
    name            text NOT NULL,
    designation     text NOT NULL CHECK (designation OPERATOR(pg_catalog.=) ANY (ARRAY['topkrimpregio', 'anticipeerregio', 'other'])),
    province_code   text,
    designated_on   date,
    withdrawn_on    date,
    note            text
);
COMMENT ON TABLE krimp.region_group IS
    'designated groups of regions: the decline regions (topkrimpregio) and anticipation regions (anticipeerregio)';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_group', '');

CREATE TABLE krimp.region_group_member (
    group_code  text NOT NULL REFERENCES krimp.region_group ON DELETE CASCADE,
    region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    valid_from  date NOT NULL,
    valid_to    date,
    PRIMARY KEY (group_code, region_id, valid_from)
);
COMMENT ON TABLE krimp.region_group_member IS 'members of a designated group, with validity';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_group_member', '');

-- mergers, splits and boundary corrections
CREATE TABLE krimp.region_change (
    old_region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    new_region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    effective       date NOT NULL,
    share           double precision NOT NULL CHECK (share OPERATOR(pg_catalog.>) 0 AND share OPERATOR(pg_catalog.<=) 1),
    kind            text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['merger', 'split', 'boundary', 'continuation'])),
    PRIMARY KEY (old_region_id, new_region_id),
    CHECK (old_region_id OPERATOR(pg_catalog.<>) new_region_id)
);
CREATE INDEX region_change_new_idx ON krimp.region_change (new_region_id);
COMMENT ON TABLE krimp.region_change IS
    'region changes: the share of an old region version that went to a new one on the effective date; the shares of every old version sum to 1';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_change', '');

-- ---- indicators ----------------------------------------------------
CREATE SEQUENCE krimp.indicator_id_seq;
CREATE TABLE krimp.indicator (
    indicator_id      integer PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.indicator_id_seq'),
    code              text NOT NULL UNIQUE,
    name              text NOT NULL,
    unit              text NOT NULL,
    decimals          integer NOT NULL DEFAULT 0 CHECK (decimals OPERATOR(pg_catalog.>=) 0 AND decimals OPERATOR(pg_catalog.<=) 10),
    granularity       text NOT NULL CHECK (granularity OPERATOR(pg_catalog.=) ANY (ARRAY['month', 'quarter', 'half-year', 'year', 'span'])),
    theme             text NOT NULL CHECK (theme OPERATOR(pg_catalog.=) ANY (ARRAY['demography', 'housing', 'labour market', 'care', 'education', 'liveability'])),
    source            text,
    aggregation       text NOT NULL CHECK (aggregation OPERATOR(pg_catalog.=) ANY (ARRAY['sum', 'weighted mean', 'none'])),
    denominator_id    integer REFERENCES krimp.indicator DEFERRABLE INITIALLY DEFERRED,
    direction_of_good smallint NOT NULL DEFAULT 0 CHECK (direction_of_good OPERATOR(pg_catalog.=) ANY (ARRAY[-1, 0, 1]::smallint[])),
    description       text,
    CHECK ((aggregation OPERATOR(pg_catalog.=) 'weighted mean') OPERATOR(pg_catalog.=) (denominator_id IS NOT NULL))
);
ALTER SEQUENCE krimp.indicator_id_seq OWNED BY krimp.indicator.indicator_id;
COMMENT ON TABLE krimp.indicator IS
    'indicator definitions: unit, decimals, granularity, theme, source, how regions aggregate (sum, mean weighted by a denominator indicator, none) and the direction of good (1 higher is better, -1 lower is better, 0 neutral)';
SELECT pg_catalog.pg_extension_config_dump('krimp.indicator', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.indicator_id_seq', '');

-- ---- load batches --------------------------------------------------
CREATE SEQUENCE krimp.load_batch_id_seq;
CREATE TABLE krimp.load_batch (
    batch_id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.load_batch_id_seq'),
    org_code        text NOT NULL REFERENCES krimp.organisation,
    loaded_by       name NOT NULL DEFAULT CURRENT_USER,
    source          text NOT NULL,
    file_name       text,
    started_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at     timestamptz,
    state           text NOT NULL DEFAULT 'open' CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'done'])),
    rows_read       integer,
    rows_inserted   integer,
    rows_revised    integer,
    rows_unchanged  integer,
    rows_rejected   integer,
    -- why a figure of this batch may go back in status (definitief to
    -- voorlopig, say): without one, apply_batch sets such rows aside
    revision_reason text CHECK (pg_catalog.btrim(revision_reason) OPERATOR(pg_catalog.<>) ''),
    -- the target of krimp.observation's key (batch, organisation)
    CONSTRAINT load_batch_batch_org_key UNIQUE (batch_id, org_code)
);
ALTER SEQUENCE krimp.load_batch_id_seq OWNED BY krimp.load_batch.batch_id;
COMMENT ON TABLE krimp.load_batch IS
    'every load is a batch: who, when, from what source, and its row counts; its id is on every observation it wrote';
COMMENT ON COLUMN krimp.load_batch.revision_reason IS
    'why figures of this batch may go back in status (a definitief figure replaced by a voorlopig one, say); NULL: they may not';
SELECT pg_catalog.pg_extension_config_dump('krimp.load_batch', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.load_batch_id_seq', '');

-- ---- observations --------------------------------------------------
-- krimp.observation, what everyone reads, is a view (41_blocks.sql) over two
-- storages: krimp.observation_row, a row per figure (figures filed one by
-- one, and every revision), and krimp.observation_block, a row per run of a
-- series (what a load files when the series has no figures yet).  The
-- constraints keep the names they had when the row table was
-- krimp.observation (0.1).
-- The statuses of a figure and the kinds of observation: each list written
-- once, here.  The statuses are in rank order, lowest first (a figure's
-- status does not go back without a revision reason: krimp.status_rank);
-- CBS's "." (unknown or secret) ranks lowest.  Columns of these domains
-- check their values by the lists.
CREATE FUNCTION krimp.observation_statuses() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['unknown', 'estimate', 'voorlopig', 'nader voorlopig', 'definitief'];
COMMENT ON FUNCTION krimp.observation_statuses() IS
    'the statuses of a figure, lowest rank first: unknown (CBS "."), estimate, voorlopig, nader voorlopig, definitief';
CREATE FUNCTION krimp.observation_kinds() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['realisation', 'forecast'];
COMMENT ON FUNCTION krimp.observation_kinds() IS 'the kinds of observation: realisation, forecast';
CREATE DOMAIN krimp.observation_status AS text
    CONSTRAINT observation_status_check CHECK (VALUE OPERATOR(pg_catalog.=) ANY (krimp.observation_statuses()));
COMMENT ON DOMAIN krimp.observation_status IS
    'a figure''s status: one of krimp.observation_statuses() (definitief, nader voorlopig, voorlopig, estimate, unknown)';
CREATE DOMAIN krimp.observation_kind AS text
    CONSTRAINT observation_kind_check CHECK (VALUE OPERATOR(pg_catalog.=) ANY (krimp.observation_kinds()));
COMMENT ON DOMAIN krimp.observation_kind IS 'a kind of observation: one of krimp.observation_kinds() (realisation, forecast)';

CREATE SEQUENCE krimp.observation_id_seq MAXVALUE 4503599627370495;
CREATE TABLE krimp.observation_row (
    observation_id      bigint DEFAULT pg_catalog.nextval('krimp.observation_id_seq'),
    indicator_id        integer NOT NULL,
    region_id           bigint NOT NULL,
    period              krimp.period NOT NULL,
    value               double precision,
    status              krimp.observation_status NOT NULL,
    kind                krimp.observation_kind NOT NULL DEFAULT 'realisation',
    forecast_producer   text NOT NULL DEFAULT '',
    forecast_base_year  integer NOT NULL DEFAULT 0,
    source              text NOT NULL,
    org_code            text NOT NULL,
    batch_id            bigint NOT NULL,
    published_at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    released_at         timestamptz,
    retracted_at        timestamptz,
    retraction_reason   text,
    CONSTRAINT observation_pkey PRIMARY KEY (observation_id),
    CONSTRAINT observation_indicator_id_fkey FOREIGN KEY (indicator_id) REFERENCES krimp.indicator,
    CONSTRAINT observation_region_id_fkey FOREIGN KEY (region_id) REFERENCES krimp.region,
    -- CBS's "." (unknown or secret) is a row with status unknown and no value, not a missing row
    CONSTRAINT observation_check CHECK ((status OPERATOR(pg_catalog.=) 'unknown') OPERATOR(pg_catalog.=) (value IS NULL)),
    CONSTRAINT observation_value_check
        CHECK (value IS NULL OR (value OPERATOR(pg_catalog.<>) 'NaN'::double precision
                                 AND value OPERATOR(pg_catalog.<>) 'Infinity'::double precision
                                 AND value OPERATOR(pg_catalog.<>) '-Infinity'::double precision)),
    CONSTRAINT observation_check1 CHECK ((kind OPERATOR(pg_catalog.=) 'forecast') OPERATOR(pg_catalog.=)
           (forecast_producer OPERATOR(pg_catalog.<>) '' AND forecast_base_year OPERATOR(pg_catalog.<>) 0)),
    CONSTRAINT observation_check2 CHECK ((retracted_at IS NULL) OPERATOR(pg_catalog.=) (retraction_reason IS NULL)),
    -- a row's id stays below 2^52, where the ids of the figures of blocks begin
    CONSTRAINT observation_id_range CHECK (observation_id OPERATOR(pg_catalog.>) 0
                                           AND observation_id OPERATOR(pg_catalog.<) 4503599627370496),
    -- a figure belongs to the organisation of the batch that loaded it; one
    -- key for both (the batch's organisation is a key of krimp.organisation),
    -- since every foreign key is a lookup per inserted row
    CONSTRAINT observation_batch_org_fkey FOREIGN KEY (batch_id, org_code)
        REFERENCES krimp.load_batch (batch_id, org_code)
);
ALTER SEQUENCE krimp.observation_id_seq OWNED BY krimp.observation_row.observation_id;
-- a figure's key plus its vintage: one row per figure per publication time
CREATE UNIQUE INDEX observation_vintage_key ON krimp.observation_row
    (indicator_id, region_id, period, org_code, kind, forecast_producer, forecast_base_year, published_at);
CREATE INDEX observation_batch_idx ON krimp.observation_row (batch_id);
-- (its comment: 41_blocks.sql, which an upgrade from 0.1 runs too)
COMMENT ON COLUMN krimp.observation_row.status IS
    'definitief, nader voorlopig, voorlopig, estimate, or unknown (CBS ".": unknown or secret, with no value)';
COMMENT ON COLUMN krimp.observation_row.kind IS 'realisation, or forecast (with producer and base year)';
COMMENT ON COLUMN krimp.observation_row.published_at IS 'vintage: when this figure became known';
COMMENT ON COLUMN krimp.observation_row.released_at IS 'embargo: until then only the owning organisation sees the row';
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_row', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_id_seq', '');

-- (its trigger that keeps it append-only: 41_blocks.sql, which an upgrade
-- from 0.1 runs too)

-- Rows a load set aside, with the reason.
CREATE TABLE krimp.rejected_row (
    batch_id    bigint NOT NULL REFERENCES krimp.load_batch,
    line_number bigint NOT NULL,
    org_code    text NOT NULL REFERENCES krimp.organisation,
    row_data    jsonb NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (batch_id, line_number)
);
COMMENT ON TABLE krimp.rejected_row IS 'rows a load set aside, with the reason; never silently dropped';
SELECT pg_catalog.pg_extension_config_dump('krimp.rejected_row', '');

-- Staging: a loader (SQL) inserts raw rows here, then krimp.apply_batch()
-- validates and files them in one statement.  Without foreign keys:
-- krimp.apply_batch checks the batch and every field.  Logged: rows staged
-- and committed survive a crash until they are applied (an unlogged table is
-- emptied by crash recovery, and the batch would then be applied as done
-- with 0 rows read).  krimpctl load stages in a temporary table instead.
CREATE TABLE krimp.observation_staging (
    batch_id            bigint NOT NULL,
    line_number         bigint NOT NULL,
    org_code            text NOT NULL,
    indicator_code      text,
    region_code         text,
    period              text,
    value               text,
    status              text,
    kind                text,
    forecast_producer   text,
    forecast_base_year  integer,
    released_at         timestamptz,
    PRIMARY KEY (batch_id, line_number)
);
-- (not kept by pg_dump: staged rows belong to an open load, which a dump does not carry over)
COMMENT ON TABLE krimp.observation_staging IS
    'raw rows of an open load batch, as read from the file; krimp.apply_batch() files them and empties the batch''s rows';

-- ---- row-level security ---------------------------------------------
-- Organisation data: every krimp role reads the shared (released) rows; an
-- organisation writes only its own; an embargoed row is visible to its owner
-- only until its release time.
ALTER TABLE krimp.observation_row ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_row FORCE ROW LEVEL SECURITY;
CREATE POLICY observation_read ON krimp.observation_row FOR SELECT TO krimp_reader
    USING (released_at IS NULL OR released_at OPERATOR(pg_catalog.<=) pg_catalog.now()
           OR org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin()));
CREATE POLICY observation_insert ON krimp.observation_row FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_retract ON krimp.observation_row FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_admin ON krimp.observation_row FOR ALL TO krimp_admin
    USING (true) WITH CHECK (true);

ALTER TABLE krimp.load_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.load_batch FORCE ROW LEVEL SECURITY;
CREATE POLICY load_batch_read ON krimp.load_batch FOR SELECT TO krimp_reader USING (true);
CREATE POLICY load_batch_write ON krimp.load_batch FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY load_batch_update ON krimp.load_batch FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY load_batch_admin ON krimp.load_batch FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.rejected_row ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.rejected_row FORCE ROW LEVEL SECURITY;
-- (a row is written only into an open batch of the row's own organisation:
-- nobody plants rows at the keys of another organisation's batch)
CREATE POLICY rejected_row_own ON krimp.rejected_row FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
                AND EXISTS (SELECT FROM krimp.load_batch lb
                             WHERE lb.batch_id OPERATOR(pg_catalog.=) rejected_row.batch_id
                               AND lb.org_code OPERATOR(pg_catalog.=) rejected_row.org_code
                               AND lb.state OPERATOR(pg_catalog.=) 'open'));
CREATE POLICY rejected_row_admin ON krimp.rejected_row FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.observation_staging ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_staging FORCE ROW LEVEL SECURITY;
CREATE POLICY staging_own ON krimp.observation_staging FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
                AND EXISTS (SELECT FROM krimp.load_batch lb
                             WHERE lb.batch_id OPERATOR(pg_catalog.=) observation_staging.batch_id
                               AND lb.org_code OPERATOR(pg_catalog.=) observation_staging.org_code
                               AND lb.state OPERATOR(pg_catalog.=) 'open'));
CREATE POLICY staging_admin ON krimp.observation_staging FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

-- Reference data (organisations, regions, indicators) is shared: every krimp
-- role reads it, only krimp_admin writes it.
GRANT SELECT ON krimp.organisation, krimp.region, krimp.region_parent, krimp.region_group,
    krimp.region_group_member, krimp.region_change, krimp.indicator,
    krimp.observation_row, krimp.load_batch TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.organisation, krimp.region, krimp.region_parent, krimp.region_group,
    krimp.region_group_member, krimp.region_change, krimp.indicator TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.region_id_seq, krimp.indicator_id_seq TO krimp_admin;
-- Keys, audit fields and retractions are krimp's: a writer names none of
-- them in an INSERT (the defaults fill them in; a superuser restoring a dump
-- keeps them)
GRANT INSERT (indicator_id, region_id, period, value, status, kind, forecast_producer, forecast_base_year,
              source, org_code, batch_id, published_at, released_at)
    ON krimp.observation_row TO krimp_writer, krimp_admin;
GRANT INSERT (org_code, source, file_name, revision_reason) ON krimp.load_batch TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation_row TO krimp_writer, krimp_admin;
GRANT UPDATE (finished_at, state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected)
    ON krimp.load_batch TO krimp_writer, krimp_admin;
GRANT SELECT, INSERT, DELETE ON krimp.rejected_row, krimp.observation_staging TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.observation_id_seq, krimp.load_batch_id_seq TO krimp_writer, krimp_admin;

-- (reading observations, and retracting one: 41_blocks.sql)

-- ===================================================================
-- Observations in blocks, and krimp.observation, the view over both
-- storages.
--
-- A load files a run of a series that has no figures yet (one indicator,
-- region version, organisation and kind; consecutive periods; one status)
-- as one row of krimp.observation_block: its values as an array, one per
-- period from first_period on.  Ten million figures are then some forty
-- thousand rows instead of ten million, and a load of them costs about what
-- copying the file costs (bench/load.sh).  Every revision, every figure
-- filed one by one and every run that overlaps figures already filed goes
-- to krimp.observation_row as before.  krimp.observation unrolls the blocks
-- and appends them to the rows: every reader sees one row per figure.
--
-- A figure in a block has an observation_id of its own, computed:
-- 2^52 + block_id * 4096 + its position (from 0); row ids stay below 2^52
-- (the sequence's maximum), so the two never meet, and every id stays below
-- 2^53, exact in the doubles of JavaScript and JSON clients.
-- ===================================================================

-- A retraction lies between the figure's publication and now: not
-- backdated before it was published (when it would never have been
-- current), not in the future (when krimp.observation_current, which drops
-- it, and krimp.observations_as_of(now()), which keeps it until then, would
-- disagree).
CREATE FUNCTION krimp.check_retraction_time(observation_id bigint, retracted_at timestamptz,
                                            published_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF retracted_at IS NULL THEN
        RETURN;
    ELSIF NOT isfinite(retracted_at) OR retracted_at < published_at THEN
        RAISE EXCEPTION 'observation % cannot be retracted at %, before its publication at %',
                        observation_id, retracted_at, published_at
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A retraction takes effect now: use krimp.retract(observation_id, reason).';
    ELSIF retracted_at > clock_timestamp() THEN
        RAISE EXCEPTION 'observation % cannot be retracted at %, which is in the future', observation_id, retracted_at
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A retraction takes effect now: use krimp.retract(observation_id, reason).';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.check_retraction_time(bigint, timestamptz, timestamptz) IS
    'raise an error unless a retraction time lies between the figure''s publication and now (used by the guard triggers)';

-- The append-only guard, written once: a row is never deleted, and an
-- update changes none of its columns but those named.  Arguments: what the
-- rows are called ('observations', 'target rows'), the word for a change
-- ('overwritten', 'changed'), the hint, then the columns that may change
-- (none: the row never changes).  What a permitted change must satisfy
-- (a retraction once, at a time between publication and now) is checked by
-- the table's own guard after this one.
CREATE FUNCTION krimp.immutable_row_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - TG_ARGV[3:TG_NARGS - 1]) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV[3:TG_NARGS - 1]) THEN RAISE EXCEPTION '% are never %', TG_ARGV[0], CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE TG_ARGV[1] END
        USING ERRCODE = 'object_not_in_prerequisite_state', HINT = TG_ARGV[2];
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.immutable_row_trigger() IS
    'trigger: rows are append-only: never deleted, and never updated except in the columns named in its arguments (what they are called, the word for a change, the hint, the columns that may change); used by the observations, targets and stored round results';

-- Nothing in an observation changes, except that it can be retracted once,
-- at a time between its publication and now.  (Here rather than in
-- 40_warehouse.sql, beside the table, so that an upgrade from 0.1 replaces
-- the trigger of 0.1 too.)
CREATE OR REPLACE FUNCTION krimp.observation_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF OLD.retracted_at IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', OLD.observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM krimp.check_retraction_time(NEW.observation_id, NEW.retracted_at, NEW.published_at);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_guard_trigger() IS
    'trigger: observations are append-only (krimp.immutable_row_trigger); a retraction is added once, at a time between publication and now';
CREATE OR REPLACE TRIGGER observation_append_only BEFORE UPDATE OR DELETE ON krimp.observation_row
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('observations', 'overwritten',
        'Retract a figure with krimp.retract(observation_id, reason); a correction is loaded as a new vintage.', 'retracted_at', 'retraction_reason');
CREATE OR REPLACE TRIGGER observation_guard BEFORE UPDATE ON krimp.observation_row
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_guard_trigger();

COMMENT ON TABLE krimp.observation_row IS
    'observations filed one row per figure (read them through the view krimp.observation): a figure of an indicator for a region version and period, as published at published_at (its vintage); a revision is a new row, nothing is overwritten; a retracted figure is kept with its reason';

CREATE SEQUENCE krimp.observation_block_id_seq MAXVALUE 1099511627775;
CREATE TABLE krimp.observation_block (
    block_id            bigint DEFAULT pg_catalog.nextval('krimp.observation_block_id_seq'),
    indicator_id        integer NOT NULL,
    region_id           bigint NOT NULL,
    first_period        krimp.period NOT NULL,
    value               double precision[] NOT NULL,
    status              krimp.observation_status NOT NULL,
    kind                krimp.observation_kind NOT NULL DEFAULT 'realisation',
    forecast_producer   text NOT NULL DEFAULT '',
    forecast_base_year  integer NOT NULL DEFAULT 0,
    source              text NOT NULL,
    org_code            text NOT NULL,
    batch_id            bigint NOT NULL,
    published_at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    released_at         timestamptz,
    retracted_at        timestamptz[],
    retraction_reason   text[],
    CONSTRAINT observation_block_pkey PRIMARY KEY (block_id),
    -- the ids of its figures, 2^52 + block_id * 4096 + position, stay within [2^52, 2^53)
    CONSTRAINT observation_block_id_range CHECK (block_id OPERATOR(pg_catalog.>=) 0
                                                 AND block_id OPERATOR(pg_catalog.<=) 1099511627775),
    CONSTRAINT observation_block_indicator_id_fkey FOREIGN KEY (indicator_id) REFERENCES krimp.indicator,
    CONSTRAINT observation_block_region_id_fkey FOREIGN KEY (region_id) REFERENCES krimp.region,
    CONSTRAINT observation_block_batch_org_fkey FOREIGN KEY (batch_id, org_code)
        REFERENCES krimp.load_batch (batch_id, org_code),
    CONSTRAINT observation_block_forecast_check CHECK ((kind OPERATOR(pg_catalog.=) 'forecast') OPERATOR(pg_catalog.=)
           (forecast_producer OPERATOR(pg_catalog.<>) '' AND forecast_base_year OPERATOR(pg_catalog.<>) 0)),
    -- one value per period, 1 to 4096 of them, from position 1
    CONSTRAINT observation_block_array_check
        CHECK (coalesce(pg_catalog.array_ndims(value), 0) OPERATOR(pg_catalog.=) 1
               AND pg_catalog.array_lower(value, 1) OPERATOR(pg_catalog.=) 1
               AND pg_catalog.cardinality(value) OPERATOR(pg_catalog.<=) 4096),
    -- status unknown (CBS "."): no values at all; any other status: a value for every period
    CONSTRAINT observation_block_unknown_check CHECK (CASE WHEN status OPERATOR(pg_catalog.=) 'unknown'
        THEN pg_catalog.array_remove(value, NULL) OPERATOR(pg_catalog.=) '{}'::double precision[]
        ELSE pg_catalog.array_position(value, NULL) IS NULL END),
    CONSTRAINT observation_block_value_check
        CHECK (NOT (value OPERATOR(pg_catalog.&&) '{NaN,Infinity,-Infinity}'::double precision[])),
    -- a retraction per figure: both arrays or neither, as long as the values
    CONSTRAINT observation_block_retraction_check
        CHECK ((retracted_at IS NULL) OPERATOR(pg_catalog.=) (retraction_reason IS NULL)
               AND (retracted_at IS NULL
                    OR (pg_catalog.cardinality(retracted_at) OPERATOR(pg_catalog.=) pg_catalog.cardinality(value)
                        AND pg_catalog.cardinality(retraction_reason) OPERATOR(pg_catalog.=) pg_catalog.cardinality(value))))
)
-- a block of up to some 1000 values stays in its row, uncompressed: reading
-- it costs no detoasting, and compressing doubles gains little
WITH (toast_tuple_target = 8160);
ALTER SEQUENCE krimp.observation_block_id_seq OWNED BY krimp.observation_block.block_id;
CREATE INDEX observation_block_series_idx ON krimp.observation_block
    (indicator_id, region_id, org_code, kind, forecast_producer, forecast_base_year, first_period);
CREATE INDEX observation_block_batch_idx ON krimp.observation_block (batch_id);
COMMENT ON TABLE krimp.observation_block IS
    'observations filed as blocks (read them through the view krimp.observation): a run of figures of one series from one load, one value per period from first_period on, with one status and vintage; a retraction is kept per figure';
COMMENT ON COLUMN krimp.observation_block.value IS
    'the figures, one per period: value[1] for first_period, value[2] for the period after it, and so on; all NULL in status unknown';
COMMENT ON COLUMN krimp.observation_block.retracted_at IS
    'per figure: when it was retracted (NULL while none of the block''s figures is)';
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_block', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_block_id_seq', '');

-- Nothing in a block changes, except that each of its figures can be
-- retracted once.
CREATE FUNCTION krimp.observation_block_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF OLD.retracted_at IS NOT NULL AND EXISTS (
           SELECT FROM unnest(OLD.retracted_at, OLD.retraction_reason, NEW.retracted_at, NEW.retraction_reason)
                       AS r(old_at, old_reason, new_at, new_reason)
            WHERE r.old_at IS NOT NULL
              AND (r.old_at, r.old_reason) IS DISTINCT FROM (r.new_at, r.new_reason)) THEN
        RAISE EXCEPTION 'a retracted observation in block % is changed', OLD.block_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A figure is retracted once; its retraction is kept as it is.';
    END IF;
    IF NEW.retracted_at IS NOT NULL AND EXISTS (
           SELECT FROM unnest(NEW.retracted_at, NEW.retraction_reason) AS r(at, reason)
            WHERE (r.at IS NULL) <> (r.reason IS NULL)) THEN
        RAISE EXCEPTION 'a retraction needs both its time and its reason'
            USING ERRCODE = 'check_violation';
    END IF;
    -- every retraction added: between the block's publication and now
    PERFORM krimp.check_retraction_time(4503599627370496 + NEW.block_id * 4096 + r.i - 1, r.at, NEW.published_at)
       FROM unnest(NEW.retracted_at) WITH ORDINALITY AS r(at, i)
      WHERE r.at IS NOT NULL AND (OLD.retracted_at IS NULL OR OLD.retracted_at[r.i] IS NULL);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_block_guard_trigger() IS
    'trigger: blocks of observations are append-only (krimp.immutable_row_trigger); a retraction (time and reason) is added once per figure, at a time between publication and now';
CREATE TRIGGER observation_block_append_only BEFORE UPDATE OR DELETE ON krimp.observation_block
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('observations', 'overwritten',
        'Retract a figure with krimp.retract(observation_id, reason); a correction is loaded as a new vintage.', 'retracted_at', 'retraction_reason');
CREATE TRIGGER observation_block_guard BEFORE UPDATE ON krimp.observation_block
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_block_guard_trigger();

-- Row-level security as on the rows: everyone reads the released figures, an
-- organisation writes and retracts only its own.
ALTER TABLE krimp.observation_block ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_block FORCE ROW LEVEL SECURITY;
CREATE POLICY observation_block_read ON krimp.observation_block FOR SELECT TO krimp_reader
    USING (released_at IS NULL OR released_at OPERATOR(pg_catalog.<=) pg_catalog.now()
           OR org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin()));
CREATE POLICY observation_block_insert ON krimp.observation_block FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_block_retract ON krimp.observation_block FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_block_admin ON krimp.observation_block FOR ALL TO krimp_admin
    USING (true) WITH CHECK (true);
GRANT SELECT ON krimp.observation_block TO krimp_reader;
-- (keys and retractions are krimp's: see krimp.observation_row)
GRANT INSERT (indicator_id, region_id, first_period, value, status, kind, forecast_producer, forecast_base_year,
              source, org_code, batch_id, published_at, released_at)
    ON krimp.observation_block TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation_block TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.observation_block_id_seq TO krimp_writer, krimp_admin;

-- The shape of staged blocks, for krimp.apply_batch(..., blocks => ...): a
-- run of one series as read from a file, one value per period from
-- first_period on (line first_line + k holds value[k + 1]); the other
-- fields as in krimp.observation_staging.  CREATE TEMPORARY TABLE ... OF
-- krimp.staged_block makes a table for them.
CREATE TYPE krimp.staged_block AS (
    batch_id            bigint,
    first_line          bigint,
    org_code            text,
    indicator_code      text,
    region_code         text,
    first_period        text,
    value               double precision[],
    status              text,
    kind                text,
    forecast_producer   text,
    forecast_base_year  integer,
    released_at         timestamptz
);
COMMENT ON TYPE krimp.staged_block IS
    'a run of one series as a loader stages it for krimp.apply_batch(..., blocks => table): values for first_period and the periods after it, from line first_line on';

-- ---- krimp.observation: one row per figure, from both storages ---------
CREATE VIEW krimp.observation WITH (security_invoker = true) AS
    SELECT o.observation_id, o.indicator_id, o.region_id, o.period, o.value, o.status, o.kind,
           o.forecast_producer, o.forecast_base_year, o.source, o.org_code, o.batch_id,
           o.published_at, o.released_at, o.retracted_at, o.retraction_reason
      FROM krimp.observation_row o
    UNION ALL
    SELECT 4503599627370496 OPERATOR(pg_catalog.+) (b.block_id OPERATOR(pg_catalog.*) 4096)
               OPERATOR(pg_catalog.+) (f.i OPERATOR(pg_catalog.-) 1),
           b.indicator_id, b.region_id,
           b.first_period OPERATOR(krimp.+) (f.i OPERATOR(pg_catalog.-) 1)::integer,
           f.value, b.status, b.kind, b.forecast_producer, b.forecast_base_year, b.source, b.org_code,
           b.batch_id, b.published_at, b.released_at, b.retracted_at[f.i], b.retraction_reason[f.i]
      FROM krimp.observation_block b
     CROSS JOIN LATERAL pg_catalog.unnest(b.value) WITH ORDINALITY AS f(value, i);
COMMENT ON VIEW krimp.observation IS
    'observations: a figure of an indicator for a region version and period, as published at published_at (its vintage), one row per figure from krimp.observation_row and krimp.observation_block; a revision is a new row, nothing is overwritten; a retracted figure is kept with its reason; insert through it (a row), retract with krimp.retract()';
COMMENT ON COLUMN krimp.observation.observation_id IS
    'the figure''s key: a row''s id (below 2^52), or 2^52 + block_id * 4096 + its position in the block';
COMMENT ON COLUMN krimp.observation.status IS
    'definitief, nader voorlopig, voorlopig, estimate, or unknown (CBS ".": unknown or secret, with no value)';
COMMENT ON COLUMN krimp.observation.kind IS 'realisation, or forecast (with producer and base year)';
COMMENT ON COLUMN krimp.observation.published_at IS 'vintage: when this figure became known';
COMMENT ON COLUMN krimp.observation.released_at IS 'embargo: until then only the owning organisation sees the figure';
-- an insert through the view files a row: the row table's defaults (its id
-- is assigned by krimp.observation_row's own, when the row is filed)
ALTER VIEW krimp.observation ALTER COLUMN kind SET DEFAULT 'realisation';
ALTER VIEW krimp.observation ALTER COLUMN forecast_producer SET DEFAULT '';
ALTER VIEW krimp.observation ALTER COLUMN forecast_base_year SET DEFAULT 0;
ALTER VIEW krimp.observation ALTER COLUMN published_at SET DEFAULT pg_catalog.clock_timestamp();

-- Retract one figure of a block: its time and reason at its position.  As
-- the caller (row-level security decides); false when the caller may not.
CREATE FUNCTION krimp.retract_block_figure(observation_id bigint, retracted_at timestamptz, reason text)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    block bigint := (observation_id - 4503599627370496) / 4096;
    pos integer := ((observation_id - 4503599627370496) % 4096)::integer + 1;
    n integer;
    ra timestamptz[];
    rr text[];
BEGIN
    IF observation_id < 4503599627370496 THEN
        RAISE EXCEPTION 'observation % is not in a block', observation_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Retract any figure with krimp.retract(observation_id, reason).';
    END IF;
    SELECT pg_catalog.cardinality(b.value), b.retracted_at, b.retraction_reason INTO n, ra, rr
      FROM krimp.observation_block b WHERE b.block_id = block FOR UPDATE;
    IF NOT FOUND OR pos > n THEN
        RETURN false;
    END IF;
    IF ra[pos] IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    ra := coalesce(ra, pg_catalog.array_fill(NULL::timestamptz, ARRAY[n]));
    rr := coalesce(rr, pg_catalog.array_fill(NULL::text, ARRAY[n]));
    ra[pos] := retract_block_figure.retracted_at;
    rr[pos] := reason;
    UPDATE krimp.observation_block b SET retracted_at = ra, retraction_reason = rr WHERE b.block_id = block;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION krimp.retract_block_figure(bigint, timestamptz, text) IS
    'retract one figure filed in a block (used by krimp.retract and by an UPDATE of krimp.observation); false when there is no such figure or it is not the caller''s';
REVOKE ALL ON FUNCTION krimp.retract_block_figure(bigint, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.retract_block_figure(bigint, timestamptz, text) TO krimp_writer, krimp_admin;

-- Writing through the view: an insert files a row; an update may only add a
-- retraction (to a row, or to one figure of a block); nothing is deleted.
-- As the caller: row-level security of the tables decides.
CREATE FUNCTION krimp.observation_write_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- (the id and the retraction are krimp's: a superuser, who may name
        -- them, files a retracted figure in krimp.observation_row itself)
        IF NEW.observation_id IS NOT NULL OR NEW.retracted_at IS NOT NULL OR NEW.retraction_reason IS NOT NULL THEN
            RAISE EXCEPTION 'an observation filed through krimp.observation gets its id from krimp and is not retracted'
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Leave out observation_id, retracted_at and retraction_reason; retract with krimp.retract(observation_id, reason).';
        END IF;
        INSERT INTO krimp.observation_row (indicator_id, region_id, period, value, status, kind, forecast_producer,
                                           forecast_base_year, source, org_code, batch_id, published_at, released_at)
        VALUES (NEW.indicator_id, NEW.region_id, NEW.period, NEW.value, NEW.status, NEW.kind, NEW.forecast_producer,
                NEW.forecast_base_year, NEW.source, NEW.org_code, NEW.batch_id, NEW.published_at, NEW.released_at)
        RETURNING * INTO NEW;
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'observations are never deleted'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Retract the figure with krimp.retract(observation_id, reason); a correction is a new vintage.';
    END IF;
    IF (NEW.observation_id, NEW.indicator_id, NEW.region_id, NEW.period, NEW.value, NEW.status, NEW.kind,
        NEW.forecast_producer, NEW.forecast_base_year, NEW.source, NEW.org_code, NEW.batch_id,
        NEW.published_at, NEW.released_at)
       IS DISTINCT FROM
       (OLD.observation_id, OLD.indicator_id, OLD.region_id, OLD.period, OLD.value, OLD.status, OLD.kind,
        OLD.forecast_producer, OLD.forecast_base_year, OLD.source, OLD.org_code, OLD.batch_id,
        OLD.published_at, OLD.released_at) THEN
        RAISE EXCEPTION 'observations are never overwritten'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Load the corrected figure as a new vintage; it becomes the current one.';
    END IF;
    IF (NEW.retracted_at, NEW.retraction_reason) IS NOT DISTINCT FROM (OLD.retracted_at, OLD.retraction_reason) THEN
        RETURN NEW;
    END IF;
    IF OLD.retracted_at IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', OLD.observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF (NEW.retracted_at IS NULL) <> (NEW.retraction_reason IS NULL) THEN
        RAISE EXCEPTION 'a retraction needs both its time and its reason'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.observation_id >= 4503599627370496 THEN
        IF NOT krimp.retract_block_figure(OLD.observation_id, NEW.retracted_at, NEW.retraction_reason) THEN
            RETURN NULL;
        END IF;
    ELSE
        UPDATE krimp.observation_row o
           SET retracted_at = NEW.retracted_at, retraction_reason = NEW.retraction_reason
         WHERE o.observation_id = OLD.observation_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_write_trigger() IS
    'trigger on the view krimp.observation: an insert files a row in krimp.observation_row; an update adds a retraction and nothing else; a delete is refused';
CREATE TRIGGER observation_write INSTEAD OF INSERT OR UPDATE OR DELETE ON krimp.observation
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_write_trigger();
GRANT SELECT ON krimp.observation TO krimp_reader;
GRANT INSERT (indicator_id, region_id, period, value, status, kind, forecast_producer, forecast_base_year,
              source, org_code, batch_id, published_at, released_at)
    ON krimp.observation TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation TO krimp_writer, krimp_admin;


-- Observations as known at a moment: the latest vintage of every figure
-- published by then and not retracted by then.  With RLS, as the caller.
CREATE FUNCTION krimp.observations_as_of(known_at timestamptz)
    RETURNS SETOF krimp.observation
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
                        o.forecast_producer, o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.published_at OPERATOR(pg_catalog.<=) known_at
       AND (o.retracted_at IS NULL OR o.retracted_at OPERATOR(pg_catalog.>) known_at)
     ORDER BY o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
              o.forecast_producer, o.forecast_base_year, o.published_at DESC, o.observation_id DESC
$$;
COMMENT ON FUNCTION krimp.observations_as_of(timestamptz) IS
    'the observations as known at a moment: per figure the latest vintage published by then and not retracted by then';

-- (written out rather than over observations_as_of('infinity'): a condition on
-- the figure's key reaches the view's scan, and the indexes on indicator and
-- region are used, where a function's result would be computed whole first)
CREATE VIEW krimp.observation_current WITH (security_invoker = true) AS
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
                        o.forecast_producer, o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.retracted_at IS NULL
     ORDER BY o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
              o.forecast_producer, o.forecast_base_year, o.published_at DESC, o.observation_id DESC;
COMMENT ON VIEW krimp.observation_current IS
    'the current figures: per figure the latest vintage that is not retracted (realisations and forecasts)';
GRANT SELECT ON krimp.observation_current TO krimp_reader;

-- A round, an evaluation and a baseline are results every organisation reads
-- (krimp.round_evaluation, krimp.target, krimp_bi), and a round is run by an
-- administrator, who sees every figure under row-level security.  So they
-- judge on what was released at their moment, whoever computes them: a figure
-- counts if it has no embargo, or an embargo that had ended by that moment
-- and has ended by now.  (krimp.released_series, which the nightly job reads,
-- is the same rule at the moment now.)
CREATE FUNCTION krimp.released_by(released_at timestamptz, moment timestamptz) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN released_at IS NULL
        OR released_at OPERATOR(pg_catalog.<=) LEAST(moment, pg_catalog.now());
COMMENT ON FUNCTION krimp.released_by(timestamptz, timestamptz) IS
    'whether a figure with this released_at was released at a moment: no embargo, or one that ended by that moment and by now (so also for a moment in the future); the filter of every result that organisations share: rounds, evaluations, baselines';

-- THE rule for "the figure as known at a moment", the one every reader of
-- figures uses (series, harmonise, targets, national values, the nightly
-- job, BI): per figure -- indicator, region version, period, kind and, for a
-- forecast, producer and base year -- over all organisations, the vintage
-- published by known_at and not retracted by then (and with released_only,
-- released by then: krimp.released_by); of several, the latest published_at,
-- then the organisation first in org_code order, then the highest
-- observation_id.  (krimp.observations_as_of and krimp.observation_current
-- keep one figure per organisation: the ledger, not the figure.)
-- An SQL-standard body without SET, not STRICT: the planner inlines a call,
-- so conditions on the figure's key reach the indexes of krimp.observation_row
-- and krimp.observation_block, and the body is bound at creation.
CREATE FUNCTION krimp.figures_as_of(known_at timestamptz, released_only boolean DEFAULT false)
    RETURNS SETOF krimp.observation
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer,
                        o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.published_at <= known_at
       AND (o.retracted_at IS NULL OR o.retracted_at > known_at)
       AND (NOT released_only OR krimp.released_by(o.released_at, known_at))
     ORDER BY o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer, o.forecast_base_year,
              o.published_at DESC, o.org_code, o.observation_id DESC;
END;
COMMENT ON FUNCTION krimp.figures_as_of(timestamptz, boolean) IS
    'the figures as known at a moment, the one rule of every reader: per (indicator, region version, period, kind, forecast producer, forecast base year) over all organisations the vintage published by known_at and not retracted by then (with released_only also released by then, krimp.released_by); ties: the latest published_at, then org_code ascending, then the highest observation_id; known_at ''infinity'' is the current figures; with row-level security, as the caller; inlined by the planner';

-- Retract a figure: it is kept, with the time and the reason.
CREATE FUNCTION krimp.retract(observation_id bigint, reason text) RETURNS void
    LANGUAGE plpgsql STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    done boolean;
BEGIN
    IF btrim(reason) = '' THEN
        RAISE EXCEPTION 'a retraction needs a reason'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF observation_id >= 4503599627370496 THEN
        done := krimp.retract_block_figure(observation_id, clock_timestamp(), reason);
    ELSE
        UPDATE krimp.observation_row o
           SET retracted_at = clock_timestamp(), retraction_reason = reason
         WHERE o.observation_id = retract.observation_id;
        done := FOUND;
    END IF;
    IF NOT done THEN
        RAISE EXCEPTION 'observation % does not exist or is not yours to retract', observation_id
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An organisation retracts only its own observations.';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.retract(bigint, text) IS
    'retract an observation of your own organisation: it is kept with the time and the reason, and drops out of the current figures';
REVOKE ALL ON FUNCTION krimp.retract(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.retract(bigint, text) TO krimp_writer, krimp_admin;

-- ---- what a writer files is bounded --------------------------------

-- The order of the statuses: a figure's status does not go back (a
-- definitief figure replaced by a voorlopig one, say) unless its batch gives
-- a revision reason.  CBS's "." (unknown or secret) ranks lowest: a figure
-- that was known and becomes unknown goes back too.  The rank is the
-- status's place in krimp.observation_statuses() (40_warehouse.sql).
CREATE FUNCTION krimp.status_rank(status text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.array_position(krimp.observation_statuses(), status) OPERATOR(pg_catalog.-) 1;
COMMENT ON FUNCTION krimp.status_rank(text) IS
    'the rank of a status: definitief 4, nader voorlopig 3, voorlopig 2, estimate 1, unknown 0; a figure''s status does not go back without a revision reason';

-- Why a figure cannot have this vintage and embargo, or NULL.  A vintage is
-- a finite time, at most a day ahead of now (a vintage from the far future
-- would stay current over every later correction), and a realisation is
-- not published before its period began (in Dutch time); a forecast may be.
-- An embargo is a finite time; one before the publication means none.
CREATE FUNCTION krimp.vintage_problem(kind text, period krimp.period, published_at timestamptz,
                                      released_at timestamptz)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN published_at IS NULL OR NOT pg_catalog.isfinite(published_at) THEN
            pg_catalog.format('publication time %s is not a finite time', coalesce(published_at::text, 'NULL'))
        WHEN published_at OPERATOR(pg_catalog.>) (pg_catalog.statement_timestamp() OPERATOR(pg_catalog.+) interval '1 day') THEN
            pg_catalog.format('publication time %s is more than a day ahead of now', published_at)
        WHEN kind OPERATOR(pg_catalog.=) 'realisation'
             AND published_at OPERATOR(pg_catalog.<)
                 (krimp.first_day(period)::timestamp AT TIME ZONE 'Europe/Amsterdam') THEN
            pg_catalog.format('a realisation for period %s cannot be published at %s, before the period began',
                              period, published_at)
        WHEN released_at IS NOT NULL AND NOT pg_catalog.isfinite(released_at) THEN
            pg_catalog.format('release time %s is not a finite time', released_at)
    END;
COMMENT ON FUNCTION krimp.vintage_problem(text, krimp.period, timestamptz, timestamptz) IS
    'why a figure cannot be filed with this publication and release time (not finite, more than a day ahead, a realisation published before its period began), or NULL';

-- After every insert into either storage, once per statement: the figures'
-- batches are open, their vintages and embargoes are bounded, and no status
-- goes back without the batch's revision reason (looked up only for the
-- figures below definitief, per block only where its series has figures in
-- its periods).  krimp.apply_batch sets such rows aside before it files;
-- this holds every other way in (INSERT into either table or through
-- krimp.observation, COPY into the view).  A superuser restoring a dump files
-- the figures as they were.
CREATE FUNCTION krimp.observation_filed_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    bad record;
BEGIN
    IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'observation_row' THEN
        SELECT lb.batch_id, lb.state INTO bad
          FROM krimp.load_batch lb
         WHERE lb.batch_id IN (SELECT DISTINCT f.batch_id FROM filed_rows f) AND lb.state <> 'open'
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'load batch % is already applied', bad.batch_id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'File figures into an open batch of your organisation: krimp.begin_batch().';
        END IF;
        SELECT f.batch_id, krimp.vintage_problem(f.kind, f.period, f.published_at, f.released_at) AS problem
          INTO bad FROM filed_rows f
         WHERE krimp.vintage_problem(f.kind, f.period, f.published_at, f.released_at) IS NOT NULL LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', bad.problem
                USING ERRCODE = 'datetime_field_overflow',
                      HINT = 'A vintage (published_at) is a finite time up to a day ahead of now, for a realisation not before its period; an embargo (released_at) is a finite time.';
        END IF;
        SELECT f.indicator_id, f.region_id, f.period, f.status, p.status AS was, p.observation_id INTO bad
          FROM (SELECT * FROM filed_rows x WHERE x.status <> 'definitief') f
          JOIN krimp.load_batch lb ON lb.batch_id = f.batch_id AND lb.revision_reason IS NULL
         -- (the latest earlier vintage: from the rows by the vintage key, read backwards, or from the blocks
         -- of the series; not through the view, which would unroll every block of the series)
         CROSS JOIN LATERAL (
               SELECT u.status, u.observation_id FROM (
                   (SELECT o.status, o.observation_id, o.published_at FROM krimp.observation_row o
                     WHERE o.indicator_id = f.indicator_id AND o.region_id = f.region_id AND o.period = f.period
                       AND o.org_code = f.org_code AND o.kind = f.kind AND o.forecast_producer = f.forecast_producer
                       AND o.forecast_base_year = f.forecast_base_year AND o.published_at < f.published_at
                       AND o.retracted_at IS NULL
                     ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1)
                   UNION ALL
                   (SELECT x.status, 4503599627370496 + x.block_id * 4096 + (v.i - 1), x.published_at
                      FROM krimp.observation_block x
                     CROSS JOIN LATERAL pg_catalog.generate_series(1, pg_catalog.cardinality(x.value)) AS v(i)
                     WHERE x.indicator_id = f.indicator_id AND x.region_id = f.region_id
                       AND x.org_code = f.org_code AND x.kind = f.kind AND x.forecast_producer = f.forecast_producer
                       AND x.forecast_base_year = f.forecast_base_year AND x.first_period <= f.period
                       AND x.published_at < f.published_at
                       AND krimp.granularity(x.first_period) = krimp.granularity(f.period)
                       AND x.first_period + (v.i - 1)::integer = f.period
                       AND (x.retracted_at IS NULL OR x.retracted_at[v.i] IS NULL)
                     ORDER BY x.published_at DESC, x.block_id DESC LIMIT 1)) u
                ORDER BY u.published_at DESC, u.observation_id DESC LIMIT 1) p
         WHERE krimp.status_rank(p.status) > krimp.status_rank(f.status)
         LIMIT 1;
    ELSE
        SELECT lb.batch_id, lb.state INTO bad
          FROM krimp.load_batch lb
         WHERE lb.batch_id IN (SELECT DISTINCT f.batch_id FROM filed_blocks f) AND lb.state <> 'open'
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'load batch % is already applied', bad.batch_id
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'File figures into an open batch of your organisation: krimp.begin_batch().';
        END IF;
        SELECT f.batch_id, krimp.vintage_problem(f.kind, f.first_period, f.published_at, f.released_at) AS problem
          INTO bad FROM filed_blocks f
         WHERE krimp.vintage_problem(f.kind, f.first_period, f.published_at, f.released_at) IS NOT NULL LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', bad.problem
                USING ERRCODE = 'datetime_field_overflow',
                      HINT = 'A vintage (published_at) is a finite time up to a day ahead of now, for a realisation not before its period; an embargo (released_at) is a finite time.';
        END IF;
        SELECT f.indicator_id, f.region_id, f.first_period + (u.i - 1)::integer AS period, f.status,
               p.status AS was, p.observation_id INTO bad
          FROM (SELECT x.* FROM filed_blocks x
                  JOIN krimp.load_batch lb ON lb.batch_id = x.batch_id AND lb.revision_reason IS NULL
                 WHERE x.status <> 'definitief'
                   AND (EXISTS (SELECT FROM krimp.observation_row o
                                 WHERE o.indicator_id = x.indicator_id AND o.region_id = x.region_id
                                   AND o.period >= x.first_period
                                   AND o.period <= x.first_period + (pg_catalog.cardinality(x.value) - 1)
                                   AND o.org_code = x.org_code AND o.kind = x.kind
                                   AND o.forecast_producer = x.forecast_producer
                                   AND o.forecast_base_year = x.forecast_base_year
                                   AND o.published_at < x.published_at)
                        OR EXISTS (SELECT FROM krimp.observation_block o
                                    WHERE o.indicator_id = x.indicator_id AND o.region_id = x.region_id
                                      AND o.org_code = x.org_code AND o.kind = x.kind
                                      AND o.forecast_producer = x.forecast_producer
                                      AND o.forecast_base_year = x.forecast_base_year
                                      AND o.first_period <= x.first_period + (pg_catalog.cardinality(x.value) - 1)
                                      AND o.published_at < x.published_at))) f
         CROSS JOIN LATERAL pg_catalog.generate_series(1, pg_catalog.cardinality(f.value)) AS u(i)
         CROSS JOIN LATERAL (
               SELECT o.status, o.observation_id FROM krimp.observation o
                WHERE o.indicator_id = f.indicator_id AND o.region_id = f.region_id
                  AND o.period = f.first_period + (u.i - 1)::integer
                  AND o.org_code = f.org_code AND o.kind = f.kind AND o.forecast_producer = f.forecast_producer
                  AND o.forecast_base_year = f.forecast_base_year AND o.published_at < f.published_at
                  AND o.retracted_at IS NULL
                ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1) p
         WHERE krimp.status_rank(p.status) > krimp.status_rank(f.status)
         LIMIT 1;
    END IF;
    IF FOUND THEN
        RAISE EXCEPTION 'a figure in status % cannot replace observation % in status % without a revision reason',
                        bad.status, bad.observation_id, bad.was
            USING ERRCODE = 'check_violation',
                  DETAIL = pg_catalog.format('Indicator %s, region %s, period %s.', bad.indicator_id, bad.region_id,
                                             bad.period),
                  HINT = 'A status does not go back (definitief, nader voorlopig, voorlopig, estimate, unknown) unless the batch says why: krimp.begin_batch(org, source, file, revision_reason => ''...'').';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION krimp.observation_filed_trigger() IS
    'trigger, once per insert statement into krimp.observation_row or krimp.observation_block: the batches are open, vintages and embargoes are bounded, no status goes back without a revision reason';
CREATE TRIGGER observation_filed AFTER INSERT ON krimp.observation_row
    REFERENCING NEW TABLE AS filed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION krimp.observation_filed_trigger();
CREATE TRIGGER observation_block_filed AFTER INSERT ON krimp.observation_block
    REFERENCING NEW TABLE AS filed_blocks
    FOR EACH STATEMENT EXECUTE FUNCTION krimp.observation_filed_trigger();

-- A batch that has a figure under embargo is its organisation's (and the
-- administrators') until the embargo ends: its source, file name and counts
-- say what is coming.  Readers cannot see those figures, so the policy asks
-- a function that can.  (ALTER POLICY here, where the blocks exist: an
-- upgrade from 0.1 runs this part too.)
CREATE FUNCTION krimp.batch_under_embargo(batch_id bigint) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT EXISTS (SELECT FROM krimp.observation_row o
                    WHERE o.batch_id OPERATOR(pg_catalog.=) $1
                      AND o.released_at OPERATOR(pg_catalog.>) pg_catalog.now())
        OR EXISTS (SELECT FROM krimp.observation_block b
                    WHERE b.batch_id OPERATOR(pg_catalog.=) $1
                      AND b.released_at OPERATOR(pg_catalog.>) pg_catalog.now())
$$;
COMMENT ON FUNCTION krimp.batch_under_embargo(bigint) IS
    'whether any figure of a load batch is still under embargo (used by the policy that shows the batch to other organisations)';
ALTER POLICY load_batch_read ON krimp.load_batch
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin())
           OR NOT krimp.batch_under_embargo(batch_id));

-- ===================================================================
-- Organisations are data: the install creates the three generic roles
-- (krimp_reader, krimp_writer, krimp_admin) and no organisation.  An
-- administrator adds each organisation with its own role, which must
-- exist already (roles belong to the cluster: CREATE ROLE is the cluster
-- administrator's decision, not the extension's).
-- ===================================================================

-- Add an organisation, or check one that is there already.  The role must
-- exist, be the organisation's own (not a generic krimp role, a superuser,
-- or another organisation's role) and becomes a member of krimp_writer.
-- Adding the same organisation again with the same role changes nothing;
-- another name or region is updated.  SECURITY DEFINER (owned by the
-- superuser who installed krimp) because GRANT krimp_writer needs the
-- admin option on it; only krimp administrators may call it.
CREATE FUNCTION krimp.add_organisation(code text, name text, role name, region_code text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    r pg_catalog.pg_roles%ROWTYPE;
    existing krimp.organisation%ROWTYPE;
BEGIN
    IF NOT krimp.is_admin() THEN
        RAISE EXCEPTION 'permission denied to add organisation %', code
              USING ERRCODE = 'insufficient_privilege',
                    HINT = 'A member of krimp_admin adds organisations.';
    END IF;
    IF code IS NULL OR name IS NULL OR role IS NULL THEN
        RAISE EXCEPTION 'an organisation needs a code, a name and a role'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO r FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role "%" of organisation % does not exist', role, code
              USING ERRCODE = 'undefined_object',
                    HINT = pg_catalog.format('Create the role first (CREATE ROLE %I NOLOGIN), then add the organisation.',
                                             role);
    END IF;
    IF r.rolsuper OR role OPERATOR(pg_catalog.=) ANY (ARRAY['krimp_reader', 'krimp_writer', 'krimp_admin']::name[]) THEN
        RAISE EXCEPTION 'role "%" cannot be the role of organisation %', role, code
              USING ERRCODE = 'invalid_parameter_value',
                    DETAIL = 'Every member of an organisation''s role acts for the organisation; a superuser or a generic krimp role would make many users act for it.',
                    HINT = pg_catalog.format('Create a role of its own: CREATE ROLE %I NOLOGIN.',
                                             'krimp_' || pg_catalog.lower(code));
    END IF;
    SELECT * INTO existing FROM krimp.organisation o
     WHERE o.org_code OPERATOR(pg_catalog.=) code OR o.role_name OPERATOR(pg_catalog.=) role
     FOR UPDATE;
    IF FOUND AND (existing.org_code OPERATOR(pg_catalog.<>) code OR existing.role_name OPERATOR(pg_catalog.<>) role) THEN
        RAISE EXCEPTION 'organisation % has role "%" already', existing.org_code, existing.role_name
              USING ERRCODE = 'unique_violation',
                    DETAIL = 'An organisation has one role, and a role acts for one organisation.';
    END IF;
    IF NOT pg_catalog.pg_has_role(role, 'krimp_writer', 'MEMBER') THEN
        EXECUTE pg_catalog.format('GRANT krimp_writer TO %I', role);
    END IF;
    INSERT INTO krimp.organisation AS o (org_code, name, role_name, region_code)
    VALUES (code, name, role, region_code)
    ON CONFLICT (org_code) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code
     WHERE (o.name, o.region_code) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.region_code);
    RETURN code;
END
$$;
COMMENT ON FUNCTION krimp.add_organisation(text, text, name, text) IS
    'add an organisation with its own existing role (made a member of krimp_writer), or check one that is there; krimp administrators only';
REVOKE ALL ON FUNCTION krimp.add_organisation(text, text, name, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.add_organisation(text, text, name, text) TO krimp_admin;

-- ===================================================================
-- The foreign keys of krimp.observation_row, checked once per statement.
--
-- PostgreSQL checks a foreign key with one query per inserted row.  A load
-- of millions of figures spends most of its time there (docs/design.md, "Load
-- speed"), although its rows name a few thousand regions, one indicator and
-- one batch.  So the foreign keys of krimp.observation_row stay declared (the
-- catalog, pg_dump's order of restoring the tables, and the checks on the
-- referenced side, which refuse to delete or re-key a region, indicator or
-- batch that figures refer to, are PostgreSQL's own), but their per-row
-- check of inserted rows is replaced by this trigger: at the end of every
-- statement that inserts observations it takes the distinct keys of the
-- inserted rows, locks the referenced rows FOR KEY SHARE, as the per-row
-- check does, and raises PostgreSQL's foreign-key error (23503) for the first
-- key that is missing.  Updates keep PostgreSQL's check (an observation's keys
-- never change: krimp.observation_guard refuses it).
-- ===================================================================

CREATE FUNCTION krimp.observation_references_trigger() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    indicator_ids bigint[];
    region_ids bigint[];
    batch_ids bigint[];
    org_codes text[];
    n_found integer;
    ref record;
    missing_id bigint;
    missing record;
BEGIN
    WITH k AS (SELECT DISTINCT a.indicator_id, a.region_id, a.batch_id, a.org_code FROM added a),
         bo AS (SELECT DISTINCT k.batch_id, k.org_code FROM k)
    SELECT (SELECT pg_catalog.array_agg(DISTINCT k.indicator_id::bigint) FROM k),
           (SELECT pg_catalog.array_agg(DISTINCT k.region_id) FROM k),
           (SELECT pg_catalog.array_agg(bo.batch_id ORDER BY bo.batch_id, bo.org_code) FROM bo),
           (SELECT pg_catalog.array_agg(bo.org_code ORDER BY bo.batch_id, bo.org_code) FROM bo)
      INTO indicator_ids, region_ids, batch_ids, org_codes;
    IF indicator_ids IS NULL THEN
        RETURN NULL;                        -- no rows
    END IF;

    -- lock what the rows refer to, so that it cannot be deleted before this
    -- transaction ends; a row deleted by a transaction that committed in
    -- between is not locked, and so counts as missing
    FOR ref IN
        SELECT * FROM (VALUES ('indicator', 'indicator_id', 'observation_indicator_id_fkey', indicator_ids),
                              ('region', 'region_id', 'observation_region_id_fkey', region_ids)) r(tab, col, fkey, ids)
    LOOP
        EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM (SELECT 1 FROM krimp.%I t
                                    WHERE t.%I OPERATOR(pg_catalog.=) ANY ($1) FOR KEY SHARE OF t) l', ref.tab, ref.col)
           INTO n_found USING ref.ids;
        IF n_found OPERATOR(pg_catalog.<) pg_catalog.cardinality(ref.ids) THEN
            EXECUTE pg_catalog.format('SELECT pg_catalog.min(x.id) FROM pg_catalog.unnest($1) x(id)
                                        WHERE NOT EXISTS (SELECT FROM krimp.%I t WHERE t.%I OPERATOR(pg_catalog.=) x.id)',
                                      ref.tab, ref.col)
               INTO missing_id USING ref.ids;
            RAISE EXCEPTION 'insert or update on table "observation_row" violates foreign key constraint "%"', ref.fkey
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = pg_catalog.format('Key (%s)=(%s) is not present in table "%s".', ref.col, missing_id, ref.tab),
                      SCHEMA = 'krimp', TABLE = 'observation_row', CONSTRAINT = ref.fkey;
        END IF;
    END LOOP;

    SELECT pg_catalog.count(*) INTO n_found
      FROM (SELECT 1 FROM krimp.load_batch b
             WHERE (b.batch_id, b.org_code) IN (SELECT x.batch_id, x.org_code
                                                  FROM ROWS FROM (pg_catalog.unnest(batch_ids), pg_catalog.unnest(org_codes)) x(batch_id, org_code))
               FOR KEY SHARE OF b) l;
    IF n_found OPERATOR(pg_catalog.<) pg_catalog.cardinality(batch_ids) THEN
        SELECT x.batch_id, x.org_code INTO missing
          FROM ROWS FROM (pg_catalog.unnest(batch_ids), pg_catalog.unnest(org_codes)) x(batch_id, org_code)
         WHERE NOT EXISTS (SELECT FROM krimp.load_batch b
                            WHERE b.batch_id OPERATOR(pg_catalog.=) x.batch_id
                              AND b.org_code OPERATOR(pg_catalog.=) x.org_code)
         ORDER BY x.batch_id, x.org_code LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "observation_row" violates foreign key constraint "%"',
                        'observation_batch_org_fkey'
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = pg_catalog.format('Key (batch_id, org_code)=(%s, %s) is not present in table "load_batch".',
                                             missing.batch_id, missing.org_code),
                  SCHEMA = 'krimp', TABLE = 'observation_row', CONSTRAINT = 'observation_batch_org_fkey';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION krimp.observation_references_trigger() IS
    'trigger: checks the foreign keys of the observations a statement inserted once per statement (distinct keys, locked FOR KEY SHARE), in place of PostgreSQL''s check per row';
REVOKE ALL ON FUNCTION krimp.observation_references_trigger() FROM PUBLIC;
CREATE TRIGGER observation_references AFTER INSERT ON krimp.observation_row
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION krimp.observation_references_trigger();

-- PostgreSQL's per-row check of inserted rows, one internal trigger per
-- foreign key, is switched off (the statement trigger above does its work).
-- This needs a superuser, as creating the extension does.
DO $$
DECLARE
    t record;
    n integer := 0;
BEGIN
    FOR t IN
        SELECT tg.tgname
          FROM pg_catalog.pg_trigger tg
          JOIN pg_catalog.pg_constraint c ON c.oid OPERATOR(pg_catalog.=) tg.tgconstraint
         WHERE tg.tgrelid OPERATOR(pg_catalog.=) 'krimp.observation_row'::pg_catalog.regclass
           AND c.contype OPERATOR(pg_catalog.=) 'f'
           AND tg.tgfoid OPERATOR(pg_catalog.=) 'pg_catalog."RI_FKey_check_ins"()'::pg_catalog.regprocedure
         ORDER BY c.conname
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE krimp.observation_row DISABLE TRIGGER %I', t.tgname);
        n := n OPERATOR(pg_catalog.+) 1;
    END LOOP;
    IF n OPERATOR(pg_catalog.<>) 3 THEN
        RAISE EXCEPTION 'expected the insert checks of 3 foreign keys on krimp.observation_row, found %', n;
    END IF;
END
$$;

-- ===================================================================
-- Loading observations in batches, and reading them as series.
--
-- A load: krimp.begin_batch() opens a batch for one of your organisations;
-- raw rows go into krimp.observation_staging (INSERT), or into a table of its
-- shape that apply_batch is given (a temporary table: the way to COPY, which
-- PostgreSQL refuses into a table with row-level security for everyone but
-- its owner and superusers); then krimp.apply_batch() (43_apply.sql, in
-- named steps) validates every row and files them in one statement:
-- new figures are inserted, changed figures become new vintages, identical
-- figures change nothing, and bad rows are set aside in krimp.rejected_row
-- with the reason (or, with on_error => 'abort', the whole load fails).
-- ===================================================================

CREATE OR REPLACE FUNCTION krimp.begin_batch(org_code text, source text, file_name text DEFAULT NULL,
                                             revision_reason text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    INSERT INTO krimp.load_batch (org_code, source, file_name, revision_reason)
    VALUES (begin_batch.org_code, begin_batch.source, begin_batch.file_name, begin_batch.revision_reason)
    RETURNING batch_id
$$;
COMMENT ON FUNCTION krimp.begin_batch(text, text, text, text) IS
    'open a load batch for one of your organisations; returns its id for krimp.observation_staging and krimp.apply_batch(); with a revision reason, its figures may go back in status (definitief to voorlopig, say)';

-- A batch is written once, when it is applied: open -> done, with counts
-- that match what it filed; a done batch is kept as it is.  (Its key,
-- organisation, loader and start are set when it is opened: writers may
-- name none of them, see the grants in 40_warehouse.sql.)
CREATE OR REPLACE FUNCTION krimp.load_batch_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    n_figures bigint;
    n_rejected bigint;
BEGIN
    IF OLD.state <> 'open' THEN
        RAISE EXCEPTION 'load batch % is already applied', OLD.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'A finished batch is kept as it is; open a new batch with krimp.begin_batch() for a new load.';
    END IF;
    IF NEW.state <> 'done'
       OR (NEW.batch_id, NEW.org_code, NEW.loaded_by, NEW.source, NEW.file_name, NEW.started_at, NEW.revision_reason)
          IS DISTINCT FROM
          (OLD.batch_id, OLD.org_code, OLD.loaded_by, OLD.source, OLD.file_name, OLD.started_at, OLD.revision_reason) THEN
        RAISE EXCEPTION 'load batch % changes only when it is applied', OLD.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'krimp.apply_batch() files the staged rows and finishes the batch with its counts.';
    END IF;
    NEW.finished_at := clock_timestamp();
    SELECT (SELECT count(*) FROM krimp.observation_row o WHERE o.batch_id = NEW.batch_id)
           + (SELECT coalesce(sum(pg_catalog.cardinality(x.value)), 0) FROM krimp.observation_block x
               WHERE x.batch_id = NEW.batch_id),
           (SELECT count(*) FROM krimp.rejected_row r WHERE r.batch_id = NEW.batch_id)
      INTO n_figures, n_rejected;
    IF NEW.rows_read IS NULL OR NEW.rows_inserted IS NULL OR NEW.rows_revised IS NULL
       OR NEW.rows_unchanged IS NULL OR NEW.rows_rejected IS NULL
       OR NEW.rows_inserted < 0 OR NEW.rows_revised < 0 OR NEW.rows_unchanged < 0
       OR NEW.rows_inserted + NEW.rows_revised <> n_figures OR NEW.rows_rejected <> n_rejected
       OR NEW.rows_read <> NEW.rows_inserted + NEW.rows_revised + NEW.rows_unchanged + NEW.rows_rejected THEN
        RAISE EXCEPTION 'the counts of load batch % do not match what it filed', OLD.batch_id
            USING ERRCODE = 'check_violation',
                  DETAIL = format('It filed %s figures and set %s rows aside; the counts say %s inserted, %s revised, %s unchanged, %s rejected of %s read.',
                                  n_figures, n_rejected, NEW.rows_inserted, NEW.rows_revised, NEW.rows_unchanged,
                                  NEW.rows_rejected, NEW.rows_read),
                  HINT = 'krimp.apply_batch() finishes a batch with its counts.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.load_batch_guard_trigger() IS
    'trigger: a load batch goes from open to done once, with counts that match the figures and rejected rows it filed; a done batch is kept as it is';
CREATE OR REPLACE TRIGGER load_batch_guard BEFORE UPDATE ON krimp.load_batch
    FOR EACH ROW EXECUTE FUNCTION krimp.load_batch_guard_trigger();

-- One load at a time compares with and files the figures of an indicator of
-- an organisation: apply_batch takes the row lock of every (organisation,
-- indicator) it files, in indicator order, by writing its row here.  Under
-- READ COMMITTED a second load of the same file waits for the first and
-- then, with a new snapshot per statement, finds its figures unchanged;
-- under REPEATABLE READ and SERIALIZABLE, whose snapshot is older than the
-- first load's commit, it fails with 40001 (could not serialize access due
-- to concurrent update) instead of filing the figures a second time, and
-- succeeds when retried (krimpctl retries).  Loads of different
-- organisations take different rows.
CREATE TABLE krimp.load_lock (
    org_code        text NOT NULL REFERENCES krimp.organisation ON DELETE CASCADE,
    indicator_id    integer NOT NULL REFERENCES krimp.indicator ON DELETE CASCADE,
    batch_id        bigint NOT NULL,
    PRIMARY KEY (org_code, indicator_id)
);
COMMENT ON TABLE krimp.load_lock IS
    'a row per organisation and indicator that krimp.apply_batch locks (and marks with the last batch) while it files: one load at a time per series family, at every isolation level';
ALTER TABLE krimp.load_lock ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.load_lock FORCE ROW LEVEL SECURITY;
CREATE POLICY load_lock_own ON krimp.load_lock FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY load_lock_admin ON krimp.load_lock FOR ALL TO krimp_admin USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE (batch_id) ON krimp.load_lock TO krimp_writer, krimp_admin;

-- A staged field in a message: at most 40 characters of it.
CREATE OR REPLACE FUNCTION krimp.excerpt(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN pg_catalog.length(t) OPERATOR(pg_catalog.>) 40
                THEN pg_catalog.left(t, 40) OPERATOR(pg_catalog.||) '...' ELSE t END;
COMMENT ON FUNCTION krimp.excerpt(text) IS 'a staged field for a message: its first 40 characters, and "..." when there is more';

-- Why a staged row cannot be filed, or NULL when it can.  The checks in
-- order: indicator, period, region, validity, granularity, value, status.
CREATE OR REPLACE FUNCTION krimp.staged_row_problem(
    indicator_code text, indicator_granularity text, region_code text, region_known boolean,
    region_id bigint, period_text text, p krimp.period, value_text text, status text,
    kind text, forecast_producer text, forecast_base_year integer)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN indicator_granularity IS NULL THEN format('unknown indicator "%s"', krimp.excerpt(indicator_code))
        WHEN p IS NULL THEN format('invalid period "%s"', krimp.excerpt(period_text))
        WHEN NOT region_known THEN format('unknown region code "%s"', krimp.excerpt(region_code))
        WHEN region_id IS NULL THEN format('period %s is outside the validity of every version of region %s',
                                           p, krimp.normalise_region_code(region_code))
        WHEN krimp.granularity(p) <> indicator_granularity THEN
            format('period %s is a %s, indicator %s is measured per %s', p, krimp.granularity(p),
                   indicator_code, indicator_granularity)
        WHEN status IS NULL THEN 'unknown status'
        WHEN status = 'unknown' AND value_text IS NOT NULL AND btrim(value_text) NOT IN ('', '.') THEN
            format('value "%s" in status unknown, which allows none', krimp.excerpt(value_text))
        WHEN status <> 'unknown' AND (value_text IS NULL OR btrim(value_text) IN ('', '.')) THEN
            format('no value in status %s', status)
        -- the number rule of the core (codes.c), as krimpctl load checks it: invalid, or out of range
        WHEN status <> 'unknown' AND krimp.number_problem(btrim(value_text)) IS NOT NULL THEN
            krimp.number_problem(btrim(value_text))
        WHEN kind <> ALL (krimp.observation_kinds()) THEN format('unknown kind "%s"', krimp.excerpt(kind))
        WHEN kind = 'forecast' AND (coalesce(forecast_producer, '') = '' OR coalesce(forecast_base_year, 0) = 0) THEN
            'a forecast needs its producer and base year'
    END;
COMMENT ON FUNCTION krimp.staged_row_problem(text, text, text, boolean, bigint, text, krimp.period, text, text, text, text, integer) IS
    'the reason a staged observation cannot be filed, or NULL (used by krimp.apply_batch)';

-- A status as written in a file: the product's words, or CBS's markers
-- (* voorlopig, ** nader voorlopig, . unknown); no marker means definitief.
CREATE OR REPLACE FUNCTION krimp.normalise_status(status text, value_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE
        WHEN coalesce(btrim(status), '') = '' THEN
            CASE WHEN btrim(value_text) = '.' THEN 'unknown' ELSE 'definitief' END
        WHEN lower(btrim(status)) = ANY (krimp.observation_statuses())
            THEN lower(btrim(status))
        WHEN btrim(status) = '*' THEN 'voorlopig'
        WHEN btrim(status) = '**' THEN 'nader voorlopig'
        WHEN btrim(status) = '.' THEN 'unknown'
    END;
COMMENT ON FUNCTION krimp.normalise_status(text, text) IS
    'a status as written in a file (definitief, nader voorlopig, voorlopig, estimate, unknown, or CBS''s *, ** and .); NULL if it is none of these';

-- A period so many steps of its own length on, or NULL when that would leave
-- the years krimp.period holds (where the + operator raises an error).
CREATE OR REPLACE FUNCTION krimp.period_after(p krimp.period, steps bigint) RETURNS krimp.period
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN steps BETWEEN -200000 AND 200000
                 AND krimp.year(p) * 12 + date_part('month', krimp.first_day(p))::integer - 1
                     + steps * krimp.months(p) BETWEEN 1000 * 12 AND 9999 * 12 + 12 - krimp.months(p)
            THEN p OPERATOR(krimp.+) steps::integer END;
COMMENT ON FUNCTION krimp.period_after(krimp.period, bigint) IS
    'the period steps periods of its own length after p (before it when negative), or NULL outside the years 1000 to 9999';

REVOKE ALL ON FUNCTION krimp.begin_batch(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.begin_batch(text, text, text, text) TO krimp_writer, krimp_admin;

-- ---- series --------------------------------------------------------

-- One indicator in one region version as a krimp.series: the realisations
-- as known at a moment (now by default), the latest vintage of each period
-- over all organisations.
CREATE OR REPLACE FUNCTION krimp.region_series(indicator_code text, region_id bigint,
                                    known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    -- the figures as known then: krimp.figures_as_of (inlined, so the
    -- indicator and the region reach the index)
    SELECT krimp.series_agg(o.period, o.value)
      FROM krimp.figures_as_of(known_at) o
     WHERE o.indicator_id = (SELECT i.indicator_id FROM krimp.indicator i
                              WHERE i.code = region_series.indicator_code)
       AND o.region_id = region_series.region_id AND o.kind = 'realisation'
$$;
COMMENT ON FUNCTION krimp.region_series(text, bigint, timestamptz) IS
    'the realisations of an indicator in one region version as one krimp.series, as known at a moment (now by default): per period the figure krimp.figures_as_of takes (of several organisations'' the latest vintage, then org_code ascending)';

CREATE OR REPLACE FUNCTION krimp.region_series(indicator_code text, region_code text, on_date date DEFAULT NULL,
                                    known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT krimp.region_series(region_series.indicator_code, r.region_id, known_at)
      FROM krimp.region r
     WHERE r.code = krimp.normalise_region_code(region_series.region_code)
       AND pg_catalog.daterange(r.valid_from, r.valid_to) @> coalesce(on_date, r.valid_to - 1, current_date)
     ORDER BY r.valid_from DESC LIMIT 1
$$;
COMMENT ON FUNCTION krimp.region_series(text, text, date, timestamptz) IS
    'the realisations of an indicator for the version of a CBS region code that holds on a date (by default its latest version) as one krimp.series';

-- One series per (indicator, region version) on the layout as published.
CREATE OR REPLACE VIEW krimp.series_current WITH (security_invoker = true) AS
    SELECT i.indicator_id, i.code AS indicator_code, r.region_id, r.code AS region_code, r.name AS region_name,
           r.valid_from, r.valid_to, s.series
      FROM (SELECT x.indicator_id, x.region_id, krimp.series_agg(x.period, x.value) AS series
              FROM krimp.figures_as_of('infinity') x
             WHERE x.kind = 'realisation'
             GROUP BY x.indicator_id, x.region_id) s
      JOIN krimp.indicator i USING (indicator_id)
      JOIN krimp.region r USING (region_id);
COMMENT ON VIEW krimp.series_current IS
    'one krimp.series per indicator and region version: the current realisations on the layout as published (krimp.figures_as_of(''infinity''))';
GRANT SELECT ON krimp.series_current TO krimp_reader;

-- ===================================================================
-- krimp.apply_batch() and its steps.
--
-- apply_batch files an open batch's staged rows and runs (42_load.sql:
-- begin_batch, the staging checks) in one call, in named steps, each a
-- function of its own, called in this order:
--   apply_batch_check_arguments   the publication time, krimp.load_lookup,
--                                 the tables staged and blocks, on_error
--   apply_batch_lock_batch        the batch, locked; it must be open
--   apply_batch_filed_before      what was filed into it by hand
--   apply_batch_stage_rows        its rows, parsed: pg_temp.krimp_staged
--   apply_batch_stage_runs        its runs, resolved and checked:
--                                 pg_temp.krimp_blocks; which are fast
--   apply_batch_take_load_locks   one load at a time per organisation
--                                 and indicator (krimp.load_lock)
--   apply_batch_compare_runs      the runs unchanged as a whole, and the
--                                 runs that must be compared figure by figure
--   apply_batch_unroll_runs       those and the bad runs, as rows
--   apply_batch_check_rows        every row resolved and checked:
--                                 pg_temp.krimp_resolved
--   apply_batch_reject_rows       the bad rows set aside (or the load fails)
--   apply_batch_file_rows         the good rows filed: new vintages of what
--                                 changed; a status that goes back set aside
--   apply_batch_file_runs         the fast runs filed as they are
--   apply_batch_finish            the counts; the staged rows deleted
-- The steps pass the batch row and what the earlier steps found as
-- arguments; the rows between them are in apply_batch's working tables
-- (pg_temp.krimp_staged, pg_temp.krimp_blocks, pg_temp.krimp_resolved,
-- dropped at commit), nothing else.  They are apply_batch's parts, not an
-- API: called in another order they fail, or file nothing apply_batch
-- would not (they run with the caller's rights, as apply_batch does).
-- ===================================================================

-- The arguments checked, in this order: the publication time (the vintage
-- the rows are checked against: the one given, or the time now; the vintage
-- taken after the load locks is later still), the setting krimp.load_lookup,
-- the tables the rows and the runs are in, on_error.  Gives the tables
-- qualified by their own schema.  (VOLATILE: it reads the clock)
CREATE OR REPLACE FUNCTION krimp.apply_batch_check_arguments(on_error text, published_at timestamptz, staged regclass,
                                                     blocks regclass, OUT check_at timestamptz,
                                                     OUT staged_rel text, OUT blocks_rel text, OUT lookup text)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    arg record;
    arg_rel text;
BEGIN
    check_at := coalesce(apply_batch_check_arguments.published_at, clock_timestamp());
    lookup := coalesce(nullif(pg_catalog.current_setting('krimp.load_lookup', true), ''), 'auto');
    staged_rel := 'krimp.observation_staging';
    IF NOT isfinite(check_at) OR check_at > clock_timestamp() + interval '1 day' THEN
        RAISE EXCEPTION 'publication time % is %', check_at,
                        CASE WHEN isfinite(check_at) THEN 'more than a day ahead of now' ELSE 'not a finite time' END
            USING ERRCODE = 'datetime_field_overflow',
                  HINT = 'Give published_at as a finite time up to a day ahead of now, or leave it out for the time of the load.';
    END IF;
    IF lookup NOT IN ('auto', 'per_row', 'set_wise') THEN
        RAISE EXCEPTION 'unknown krimp.load_lookup "%"', lookup
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Set krimp.load_lookup to auto (the default), per_row or set_wise.';
    END IF;
    -- the tables the rows and the runs are in, qualified by their own schema:
    -- the function's search_path must not pick another table of that name
    FOR arg IN SELECT v.rel, v.what, v.example FROM (VALUES (staged, 'rows', 'my_rows'),
                                                            (blocks, 'blocks', 'my_blocks')) v(rel, what, example)
                WHERE v.rel IS NOT NULL LOOP
        SELECT format('%I.%I', n.nspname, c.relname) INTO arg_rel
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.oid = arg.rel;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'relation with OID % does not exist', arg.rel::oid
                USING ERRCODE = 'undefined_table',
                      HINT = format('Name the table that holds the staged %s, for example %s => ''pg_temp.%s''.',
                                    arg.what, CASE arg.what WHEN 'rows' THEN 'staged' ELSE 'blocks' END, arg.example);
        END IF;
        IF arg.rel IN (pg_catalog.to_regclass('pg_temp.krimp_staged'), pg_catalog.to_regclass('pg_temp.krimp_resolved'),
                       pg_catalog.to_regclass('pg_temp.krimp_blocks')) THEN
            RAISE EXCEPTION 'staged % cannot be read from %, a working table of apply_batch', arg.what, arg.rel
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('Stage the %s in a table of another name.', arg.what);
        END IF;
        IF arg.what = 'rows' THEN
            staged_rel := arg_rel;
        ELSE
            blocks_rel := arg_rel;
        END IF;
    END LOOP;
    IF on_error NOT IN ('reject', 'abort') THEN
        RAISE EXCEPTION 'unknown on_error mode "%"', on_error
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''reject'' to set bad rows aside, or ''abort'' to load nothing when a row is bad.';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_check_arguments(text, timestamptz, regclass, regclass) IS
    'step 1 of krimp.apply_batch: checks its arguments (publication time, krimp.load_lookup, the tables staged and blocks, on_error); returns the time the rows are checked against, the two tables qualified by their schema (krimp.observation_staging when staged is NULL; NULL when blocks is) and the lookup';
REVOKE ALL ON FUNCTION krimp.apply_batch_check_arguments(text, timestamptz, regclass, regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_check_arguments(text, timestamptz, regclass, regclass) TO krimp_writer, krimp_admin;

-- The batch, locked until the load commits; it must exist, be visible to
-- the caller and be open.
CREATE OR REPLACE FUNCTION krimp.apply_batch_lock_batch(batch_id bigint)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    b krimp.load_batch;
BEGIN
    SELECT * INTO b FROM krimp.load_batch lb WHERE lb.batch_id = apply_batch_lock_batch.batch_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'load batch % does not exist or is not yours', apply_batch_lock_batch.batch_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF b.state <> 'open' THEN
        RAISE EXCEPTION 'load batch % is already applied', b.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Open a new batch with krimp.begin_batch() for a new load.';
    END IF;
    RETURN b;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_lock_batch(bigint) IS
    'step 2 of krimp.apply_batch: the batch, locked (FOR UPDATE); 42704 when it does not exist or is not yours, 55000 when it is applied already';
REVOKE ALL ON FUNCTION krimp.apply_batch_lock_batch(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_lock_batch(bigint) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_filed_before(b krimp.load_batch, OUT n_filed_before bigint,
                                                          OUT n_rejected_before bigint)
    RETURNS record
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- figures and rejected rows filed into the open batch by hand (INSERT
    -- INTO krimp.observation): counted with the batch's, which must match
    -- what it filed (krimp.load_batch_guard_trigger)
    SELECT (SELECT count(*) FROM krimp.observation_row o WHERE o.batch_id = b.batch_id)
           + (SELECT coalesce(sum(pg_catalog.cardinality(x.value)), 0) FROM krimp.observation_block x
               WHERE x.batch_id = b.batch_id),
           (SELECT count(*) FROM krimp.rejected_row r WHERE r.batch_id = b.batch_id)
      INTO n_filed_before, n_rejected_before;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_filed_before(krimp.load_batch) IS
    'step 3 of krimp.apply_batch: the figures and rejected rows filed into the open batch by hand (an INSERT through krimp.observation), which its counts include';
REVOKE ALL ON FUNCTION krimp.apply_batch_filed_before(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_filed_before(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_stage_rows(b krimp.load_batch, staged_rel text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- the batch's rows, parsed once, in a table of their own with statistics,
    -- so that the planner sizes the joins of the later steps by the real row
    -- count (the shared staging table's statistics say nothing about this
    -- batch)
    IF pg_catalog.to_regclass('pg_temp.krimp_staged') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_staged;
    END IF;
    IF pg_catalog.to_regclass('pg_temp.krimp_resolved') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_resolved;
    END IF;
    IF pg_catalog.to_regclass('pg_temp.krimp_blocks') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_blocks;
    END IF;
    EXECUTE format($q$
    CREATE TEMP TABLE krimp_staged ON COMMIT DROP AS
    SELECT st.line_number, st.org_code, st.indicator_code, st.region_code, st.period, st.value, st.status,
           st.kind, st.forecast_producer, st.forecast_base_year, st.released_at,
           krimp.try_period(st.period) AS p,
           krimp.normalise_region_code(st.region_code) AS norm_region,
           krimp.normalise_status(st.status, st.value) AS norm_status,
           coalesce(nullif(btrim(st.kind), ''), 'realisation') AS norm_kind,
           NULL::text AS pre_problem
      FROM %s st
     WHERE st.batch_id = %s$q$, staged_rel, b.batch_id);
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_stage_rows(krimp.load_batch, text) IS
    'step 4 of krimp.apply_batch: the batch''s staged rows (in the table staged_rel names, qualified) parsed once into pg_temp.krimp_staged, after dropping any working tables of apply_batch left in the session';
REVOKE ALL ON FUNCTION krimp.apply_batch_stage_rows(krimp.load_batch, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_stage_rows(krimp.load_batch, text) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_stage_runs(b krimp.load_batch, blocks_rel text, check_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    first_problem record;
BEGIN
    -- Staged blocks: a run of one series, one value per period from
    -- first_period on (line first_line + k holds value[k + 1]).  A block is
    -- filed as it is when everything about it holds for all its figures and
    -- its series has no figure of this organisation in its periods yet;
    -- any other block is unrolled into rows (apply_batch_unroll_runs) and
    -- takes the rows' way, which compares, files revisions and gives every
    -- bad figure its reason.
    -- (values of a run up to 8 kB stay in the row, uncompressed: a run is
    -- read whole at every step, and compressing doubles gains little)
    CREATE TEMP TABLE krimp_blocks (
        first_line bigint, staged_org text, indicator_code text, region_code text, period_text text,
        value double precision[], status_text text, kind_text text, forecast_producer text,
        forecast_base_year integer, released_at timestamptz,
        p krimp.period, last_p krimp.period, norm_region text, status text, kind text,
        indicator_id integer, granularity text, region_id bigint, fast boolean,
        unchanged boolean NOT NULL DEFAULT false
    ) WITH (toast_tuple_target = 8160) ON COMMIT DROP;
    IF blocks_rel IS NOT NULL THEN
        -- every run resolved and checked in one pass: a run is filed as it is
        -- (fast) when it is the batch's organisation's, its indicator is known
        -- and measured per its periods' granularity, one version of its region
        -- holds for all its periods, its status is known and it has a value
        -- for every period (none in status unknown), none NaN or infinite, and
        -- its kind is complete
        EXECUTE format($q$
        INSERT INTO pg_temp.krimp_blocks (first_line, staged_org, indicator_code, region_code, period_text, value,
                                          status_text, kind_text, forecast_producer, forecast_base_year,
                                          released_at, p, last_p, norm_region, status, kind, indicator_id,
                                          granularity, region_id, fast)
        SELECT x.first_line, x.org_code, x.indicator_code, x.region_code, x.first_period, x.value, x.status,
               x.kind, x.forecast_producer, x.forecast_base_year, x.released_at, x.p, x.last_p, x.norm_region,
               x.norm_status, x.norm_kind, x.indicator_id, x.granularity, rv.region_id,
               coalesce(x.org_code = $1
                        AND rv.region_id IS NOT NULL
                        AND krimp.granularity(x.p) = x.granularity
                        AND x.norm_status IS NOT NULL
                        AND CASE WHEN x.norm_status = 'unknown'
                                 THEN pg_catalog.array_remove(x.value, NULL) = '{}'::double precision[]
                                 ELSE pg_catalog.array_position(x.value, NULL) IS NULL END
                        AND NOT (x.value && '{NaN,Infinity,-Infinity}'::double precision[])
                        AND (x.norm_kind = 'realisation'
                             OR (x.norm_kind = 'forecast' AND x.forecast_producer <> ''
                                 AND x.forecast_base_year <> 0))
                        AND krimp.vintage_problem(x.norm_kind, x.p, $3, x.released_at) IS NULL, false)
          FROM (SELECT y.*,
                       CASE WHEN pg_catalog.array_ndims(y.value) = 1 AND pg_catalog.array_lower(y.value, 1) = 1
                                 AND pg_catalog.cardinality(y.value) <= 4096
                            THEN krimp.period_after(y.p, pg_catalog.cardinality(y.value) - 1) END AS last_p
                  FROM (SELECT bl.first_line, bl.org_code, bl.indicator_code, bl.region_code, bl.first_period,
                               bl.value, bl.status, bl.kind, coalesce(bl.forecast_producer, '') AS forecast_producer,
                               coalesce(bl.forecast_base_year, 0) AS forecast_base_year, bl.released_at,
                               krimp.try_period(bl.first_period) AS p,
                               krimp.normalise_region_code(bl.region_code) AS norm_region,
                               -- (no value: CBS's "." when the run has no status marker)
                               krimp.normalise_status(bl.status,
                                   CASE WHEN bl.value[pg_catalog.array_lower(bl.value, 1)] IS NULL THEN '.' END)
                                   AS norm_status,
                               coalesce(nullif(btrim(bl.kind), ''), 'realisation') AS norm_kind,
                               i.indicator_id, i.granularity
                          FROM %s bl
                          LEFT JOIN krimp.indicator i ON i.code = btrim(bl.indicator_code)
                         WHERE bl.batch_id = $2) y) x
          LEFT JOIN LATERAL (
                SELECT rv.region_id FROM krimp.region rv
                 WHERE x.last_p IS NOT NULL AND rv.code = x.norm_region
                   AND rv.valid_from <= krimp.first_day(x.p)
                   AND (rv.valid_to IS NULL OR rv.valid_to > krimp.last_day(x.last_p))
                 LIMIT 1) rv ON true$q$, blocks_rel)
        USING b.org_code, b.batch_id, check_at;
        SELECT k.first_line INTO first_problem FROM pg_temp.krimp_blocks k
         WHERE coalesce(pg_catalog.cardinality(k.value), 0) = 0 ORDER BY k.first_line LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'the staged run on line % has no values', first_problem.first_line
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Give every staged run at least one value; a figure CBS marks "." is a NULL in the array.';
        END IF;
        ANALYZE pg_temp.krimp_blocks;
        -- two runs of one series that share a period, or a run and a staged
        -- row of it: the rows' way sets every copy aside
        UPDATE pg_temp.krimp_blocks k SET fast = false
         WHERE k.fast AND EXISTS (
               SELECT FROM pg_temp.krimp_blocks k2
                WHERE k2.ctid <> k.ctid AND k2.indicator_id = k.indicator_id AND k2.norm_region = k.norm_region
                  AND k2.kind = k.kind AND k2.forecast_producer = k.forecast_producer
                  AND k2.forecast_base_year = k.forecast_base_year
                  AND k2.p IS NOT NULL AND (k2.last_p IS NULL OR (k2.p <= k.last_p AND k2.last_p >= k.p))
                  AND krimp.granularity(k2.p) = krimp.granularity(k.p));
        UPDATE pg_temp.krimp_blocks k SET fast = false
         WHERE k.fast AND EXISTS (SELECT FROM pg_temp.krimp_staged) AND EXISTS (
               SELECT FROM pg_temp.krimp_staged s
                WHERE btrim(s.indicator_code) = btrim(k.indicator_code) AND s.norm_region = k.norm_region
                  AND s.p >= k.p AND s.p <= k.last_p);
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_stage_runs(krimp.load_batch, text, timestamptz) IS
    'step 5 of krimp.apply_batch: the batch''s staged runs (in the table blocks_rel names, qualified; none when NULL) resolved and checked into pg_temp.krimp_blocks, each marked fast when it can be filed as it is; 22023 for a run without values; a run that shares a period with another run or a staged row is not fast';
REVOKE ALL ON FUNCTION krimp.apply_batch_stage_runs(krimp.load_batch, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_stage_runs(krimp.load_batch, text, timestamptz) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_take_load_locks(b krimp.load_batch)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- One load at a time compares with and files the figures of an indicator
    -- of an organisation (krimp.load_lock): a second load of the same file
    -- waits for the first, then finds every figure unchanged (the statements
    -- of the later steps see what the first committed, under READ COMMITTED;
    -- under REPEATABLE READ and SERIALIZABLE it fails with 40001 instead, to
    -- be retried), and its vintage is taken after the wait (by apply_batch),
    -- so the load that commits last is the current one.
    -- (the locks in indicator order: two batches never wait for each other)
    INSERT INTO krimp.load_lock AS l (org_code, indicator_id, batch_id)
    SELECT b.org_code, i.indicator_id, b.batch_id
      FROM krimp.indicator i
     WHERE i.code IN (SELECT btrim(s.indicator_code) FROM pg_temp.krimp_staged s
                       UNION SELECT btrim(k.indicator_code) FROM pg_temp.krimp_blocks k)
     ORDER BY i.indicator_id
        ON CONFLICT (org_code, indicator_id) DO UPDATE SET batch_id = excluded.batch_id;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_take_load_locks(krimp.load_batch) IS
    'step 6 of krimp.apply_batch: writes (and so locks, in indicator order) the krimp.load_lock row of the batch''s organisation for every indicator staged, waiting for a load of the same that has not committed';
REVOKE ALL ON FUNCTION krimp.apply_batch_take_load_locks(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_take_load_locks(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_compare_runs(b krimp.load_batch)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    has_figures boolean;
BEGIN
    -- A run whose series already has a figure of this organisation in its
    -- periods is compared figure by figure (the rows' way), unless those
    -- figures are one block of the same periods, values and status, none of
    -- it retracted: then the run is unchanged as a whole (a file loaded again).
    -- (looked up per run only when the organisation has figures of the
    -- runs' indicators at all: a first load of an indicator skips it)
    SELECT EXISTS (SELECT FROM (SELECT DISTINCT k1.indicator_id FROM pg_temp.krimp_blocks k1 WHERE k1.fast) ki
                    WHERE EXISTS (SELECT FROM krimp.observation_row o
                                   WHERE o.indicator_id = ki.indicator_id AND o.org_code = b.org_code)
                       OR EXISTS (SELECT FROM krimp.observation_block x
                                   WHERE x.indicator_id = ki.indicator_id AND x.org_code = b.org_code))
      INTO has_figures;
    UPDATE pg_temp.krimp_blocks k SET fast = false, unchanged = NOT e.in_rows AND e.blocks = 1 AND e.same_block
      FROM (SELECT k1.ctid AS run,
                   EXISTS (SELECT FROM krimp.observation_row o
                            WHERE o.indicator_id = k1.indicator_id AND o.region_id = k1.region_id
                              AND o.period >= k1.p AND o.period <= k1.last_p AND o.org_code = b.org_code
                              AND o.kind = k1.kind AND o.forecast_producer = k1.forecast_producer
                              AND o.forecast_base_year = k1.forecast_base_year) AS in_rows,
                   x.blocks, x.same_block
              FROM pg_temp.krimp_blocks k1
             CROSS JOIN LATERAL (
                   SELECT count(*) AS blocks,
                          bool_and(x.first_period = k1.p AND x.value = k1.value AND x.status = k1.status
                                   AND x.retracted_at IS NULL) AS same_block
                     FROM krimp.observation_block x
                    WHERE x.indicator_id = k1.indicator_id AND x.region_id = k1.region_id
                      AND x.org_code = b.org_code AND x.kind = k1.kind
                      AND x.forecast_producer = k1.forecast_producer
                      AND x.forecast_base_year = k1.forecast_base_year
                      AND x.first_period <= k1.last_p
                      AND krimp.granularity(x.first_period) = krimp.granularity(k1.p)
                      AND x.first_period + (pg_catalog.cardinality(x.value) - 1) >= k1.p) x
             WHERE has_figures AND k1.fast) e
     WHERE k.ctid = e.run AND (e.in_rows OR e.blocks > 0);
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_compare_runs(krimp.load_batch) IS
    'step 7 of krimp.apply_batch: a fast run whose series has figures of the organisation in its periods is marked unchanged (one identical block) or to be compared figure by figure (pg_temp.krimp_blocks)';
REVOKE ALL ON FUNCTION krimp.apply_batch_compare_runs(krimp.load_batch) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_compare_runs(krimp.load_batch) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_unroll_runs()
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- the other runs, unrolled: a row per figure, its line and period counted
    -- on from the run's first (a period that cannot be read stays as written)
    INSERT INTO pg_temp.krimp_staged (line_number, org_code, indicator_code, region_code, period, value, status,
                                      kind, forecast_producer, forecast_base_year, released_at, p, norm_region,
                                      norm_status, norm_kind)
    SELECT k.first_line + (f.i - 1), k.staged_org, k.indicator_code, k.region_code,
           coalesce(f.p::text,
                    CASE WHEN f.i = 1 THEN k.period_text ELSE format('%s + %s', k.period_text, f.i - 1) END),
           f.value::text, k.status_text, k.kind_text, k.forecast_producer, k.forecast_base_year,
           k.released_at, f.p, k.norm_region,
           -- (no value: CBS's "." when the run has no status marker)
           krimp.normalise_status(k.status_text, CASE WHEN f.value IS NULL THEN '.' END),
           k.kind
      FROM pg_temp.krimp_blocks k
     CROSS JOIN LATERAL (SELECT u.value, u.i,
                                -- (every period of a run with a last period exists)
                                CASE WHEN k.last_p IS NOT NULL THEN k.p + (u.i - 1)::integer
                                     ELSE krimp.period_after(k.p, u.i - 1) END AS p
                           FROM unnest(k.value) WITH ORDINALITY AS u(value, i)) f
     WHERE NOT k.fast AND NOT k.unchanged AND pg_catalog.array_ndims(k.value) = 1;
    -- a run of more than one dimension is not a run: it is set aside whole, on its first line
    INSERT INTO pg_temp.krimp_staged (line_number, org_code, indicator_code, region_code, period, value, status,
                                      kind, forecast_producer, forecast_base_year, released_at, p, norm_region,
                                      norm_status, norm_kind, pre_problem)
    SELECT k.first_line, k.staged_org, k.indicator_code, k.region_code, k.period_text, krimp.excerpt(k.value::text),
           k.status_text, k.kind_text, k.forecast_producer, k.forecast_base_year, k.released_at, k.p, k.norm_region,
           k.status, k.kind,
           format('the staged run has %s dimensions (%s), where a run is a one-dimensional array of values',
                  pg_catalog.array_ndims(k.value), pg_catalog.array_dims(k.value))
      FROM pg_temp.krimp_blocks k
     WHERE pg_catalog.array_ndims(k.value) > 1;
    ANALYZE pg_temp.krimp_staged;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_unroll_runs() IS
    'step 8 of krimp.apply_batch: every run neither fast nor unchanged unrolled into pg_temp.krimp_staged, a row per figure; a run of more than one dimension as one bad row';
REVOKE ALL ON FUNCTION krimp.apply_batch_unroll_runs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_unroll_runs() TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_check_rows(b krimp.load_batch, check_at timestamptz)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- resolve and check every staged row once; regions by join, not by a
    -- function call per row
    CREATE TEMP TABLE krimp_resolved ON COMMIT DROP AS
    WITH r AS (
        SELECT s.*, i.indicator_id, i.granularity AS indicator_granularity, rv.region_id
          FROM pg_temp.krimp_staged s
          LEFT JOIN krimp.indicator i ON i.code = btrim(s.indicator_code)
          LEFT JOIN krimp.region rv
                 ON rv.code = s.norm_region
                AND rv.valid_from <= krimp.first_day(s.p)
                AND (rv.valid_to IS NULL OR rv.valid_to > krimp.last_day(s.p))
    )
    SELECT r.*,
           coalesce(r.pre_problem,
                    krimp.staged_row_problem(r.indicator_code, r.indicator_granularity, r.region_code,
                                             -- (looked up only for a row whose region has no version then)
                                             r.region_id IS NOT NULL
                                             OR EXISTS (SELECT FROM krimp.region rg WHERE rg.code = r.norm_region),
                                             r.region_id, r.period, r.p, r.value,
                                             r.norm_status, r.norm_kind, r.forecast_producer,
                                             r.forecast_base_year)) AS problem
      FROM r;
    DROP TABLE pg_temp.krimp_staged;
    ANALYZE pg_temp.krimp_resolved;

    -- every row of a batch is for the batch's organisation
    UPDATE pg_temp.krimp_resolved x
       SET problem = format('row for organisation %s in a load batch of %s', x.org_code, b.org_code)
     WHERE x.problem IS NULL AND x.org_code IS DISTINCT FROM b.org_code;

    -- a key twice in one load: every copy is set aside
    UPDATE pg_temp.krimp_resolved x
       SET problem = format('duplicate key in this load: indicator %s, region %s, period %s on lines %s',
                            btrim(x.indicator_code), krimp.normalise_region_code(x.region_code), x.p, d.lines)
      FROM (SELECT indicator_id, region_id, p, norm_kind, coalesce(forecast_producer, '') AS fp,
                   coalesce(forecast_base_year, 0) AS fy,
                   string_agg(line_number::text, ', ' ORDER BY line_number) AS lines
              FROM pg_temp.krimp_resolved
             WHERE problem IS NULL
             GROUP BY 1, 2, 3, 4, 5, 6 HAVING count(*) > 1) d
     WHERE x.problem IS NULL AND x.indicator_id = d.indicator_id AND x.region_id = d.region_id
       AND x.p = d.p AND x.norm_kind = d.norm_kind AND coalesce(x.forecast_producer, '') = d.fp
       AND coalesce(x.forecast_base_year, 0) = d.fy;

    -- the vintage and the embargo: bounded (a realisation is not published
    -- before its period began; an embargo is a finite time)
    UPDATE pg_temp.krimp_resolved x
       SET problem = krimp.vintage_problem(x.norm_kind, x.p, check_at, x.released_at)
     WHERE x.problem IS NULL AND krimp.vintage_problem(x.norm_kind, x.p, check_at, x.released_at) IS NOT NULL;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_check_rows(krimp.load_batch, timestamptz) IS
    'step 9 of krimp.apply_batch: every staged row resolved (indicator, region version) and checked into pg_temp.krimp_resolved with its problem, if any: krimp.staged_row_problem, another organisation, a key twice in the load, krimp.vintage_problem at check_at';
REVOKE ALL ON FUNCTION krimp.apply_batch_check_rows(krimp.load_batch, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_check_rows(krimp.load_batch, timestamptz) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_reject_rows(b krimp.load_batch, on_error text,
                                                         OUT n_read integer, OUT n_rejected integer)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    first_problem record;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE problem IS NOT NULL) INTO n_read, n_rejected
      FROM pg_temp.krimp_resolved;
    IF n_rejected > 0 AND on_error = 'abort' THEN
        SELECT line_number, problem INTO first_problem
          FROM pg_temp.krimp_resolved WHERE problem IS NOT NULL ORDER BY line_number LIMIT 1;
        RAISE EXCEPTION 'load batch % has % bad row(s); nothing was loaded', b.batch_id, n_rejected
            USING ERRCODE = 'data_exception',
                  DETAIL = format('Line %s: %s.', first_problem.line_number, first_problem.problem),
                  HINT = 'Correct the rows, or apply with on_error => ''reject'' to set bad rows aside.';
    END IF;

    INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason)
    SELECT b.batch_id, x.line_number, b.org_code,
           jsonb_build_object('indicator', x.indicator_code, 'region', x.region_code, 'period', x.period,
                              'value', x.value, 'status', x.status, 'kind', x.kind,
                              'forecast_producer', x.forecast_producer,
                              'forecast_base_year', x.forecast_base_year),
           x.problem
      FROM pg_temp.krimp_resolved x WHERE x.problem IS NOT NULL;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_reject_rows(krimp.load_batch, text) IS
    'step 10 of krimp.apply_batch: the rows with a problem set aside in krimp.rejected_row with their reason, or with on_error = abort the load fails (22000) on the first; returns the rows read and rejected';
REVOKE ALL ON FUNCTION krimp.apply_batch_reject_rows(krimp.load_batch, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_reject_rows(krimp.load_batch, text) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_file_rows(b krimp.load_batch, on_error text, vintage timestamptz, lookup text,
                                               OUT n_inserted integer, OUT n_revised integer, OUT n_regressed integer)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    n_good bigint;
    table_rows real;
    current_join text;
    first_regressed text;
BEGIN
    -- file the good rows: a new vintage unless the current one says the same.
    -- The current vintages are looked up per row through the vintage key when
    -- the batch is small beside the table, and read set-wise (one pass over
    -- the batch's indicators, hash-joined) when it is not.
    -- (krimp.load_lookup = per_row or set_wise chooses; auto, the default, by size)
    SELECT count(*) INTO n_good FROM pg_temp.krimp_resolved x WHERE x.problem IS NULL;
    -- (the figures filed: the rows, and the blocks at an average length guessed at 64)
    SELECT sum(CASE WHEN c.oid = 'krimp.observation_row'::pg_catalog.regclass THEN greatest(c.reltuples, 0)
                    ELSE greatest(c.reltuples, 0) * 64 END) INTO table_rows
      FROM pg_catalog.pg_class c
     WHERE c.oid IN ('krimp.observation_row'::pg_catalog.regclass, 'krimp.observation_block'::pg_catalog.regclass);
    IF lookup = 'set_wise' OR (lookup = 'auto' AND n_good::real * 10 >= table_rows) THEN
        current_join := $j$
          LEFT JOIN (
              SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer,
                                  o.forecast_base_year)
                     o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer, o.forecast_base_year,
                     o.observation_id, o.value, o.status
                FROM krimp.observation o
               WHERE o.org_code = $1 AND o.retracted_at IS NULL
                 AND o.indicator_id IN (SELECT DISTINCT x.indicator_id FROM pg_temp.krimp_resolved x
                                         WHERE x.problem IS NULL)
               ORDER BY o.indicator_id, o.region_id, o.period, o.kind, o.forecast_producer,
                        o.forecast_base_year, o.published_at DESC, o.observation_id DESC) cur
                 ON cur.indicator_id = g.indicator_id AND cur.region_id = g.region_id AND cur.period = g.p
                AND cur.kind = g.norm_kind AND cur.forecast_producer = coalesce(g.forecast_producer, '')
                AND cur.forecast_base_year = coalesce(g.forecast_base_year, 0)$j$;
    ELSE
        current_join := $j$
          LEFT JOIN LATERAL (
              SELECT o.observation_id, o.value, o.status
                FROM krimp.observation o
               WHERE o.indicator_id = g.indicator_id AND o.region_id = g.region_id AND o.period = g.p
                 AND o.org_code = $1 AND o.kind = g.norm_kind
                 AND o.forecast_producer = coalesce(g.forecast_producer, '')
                 AND o.forecast_base_year = coalesce(g.forecast_base_year, 0)
                 AND o.retracted_at IS NULL
               ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1) cur ON true$j$;
    END IF;
    EXECUTE format($q$
    WITH good AS (
        SELECT x.line_number, x.indicator_code, x.region_code, x.period, x.value, x.status, x.kind,
               x.indicator_id, x.region_id, x.p, x.norm_status, x.norm_kind, x.forecast_producer,
               x.forecast_base_year, x.released_at,
               CASE WHEN x.norm_status = 'unknown' THEN NULL ELSE btrim(x.value)::double precision END AS v
          FROM pg_temp.krimp_resolved x WHERE x.problem IS NULL
    ), compared0 AS (
        SELECT g.*, cur.observation_id AS current_id, cur.status AS current_status,
               (cur.observation_id IS NOT NULL AND cur.value IS NOT DISTINCT FROM g.v
                AND cur.status = g.norm_status) AS unchanged
          FROM good g %s
    ), compared AS (
        -- a status that goes back (definitief to voorlopig, say): set aside
        -- unless the batch gives a revision reason
        SELECT c.*, (c.current_id IS NOT NULL AND $5 IS NULL
                     AND krimp.status_rank(c.norm_status) < krimp.status_rank(c.current_status)) AS regressed
          FROM compared0 c
    ), rej AS (
        INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason)
        SELECT $3, c.line_number, $1,
               jsonb_build_object('indicator', c.indicator_code, 'region', c.region_code, 'period', c.period,
                                  'value', c.value, 'status', c.status, 'kind', c.kind,
                                  'forecast_producer', c.forecast_producer,
                                  'forecast_base_year', c.forecast_base_year),
               format('status %%s would replace the %%s figure %%s: a status goes back only in a batch with a revision reason',
                      c.norm_status, c.current_status, c.current_id)
          FROM compared c WHERE c.regressed
        RETURNING line_number, reason
    ), ins AS (
        INSERT INTO krimp.observation_row (indicator_id, region_id, period, value, status, kind,
                                       forecast_producer, forecast_base_year, source, org_code,
                                       batch_id, published_at, released_at)
        SELECT c.indicator_id, c.region_id, c.p, c.v, c.norm_status, c.norm_kind,
               coalesce(c.forecast_producer, ''), coalesce(c.forecast_base_year, 0), $2, $1,
               $3, $4, c.released_at
          FROM compared c WHERE NOT c.unchanged AND NOT c.regressed
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE NOT unchanged AND NOT regressed AND current_id IS NULL),
           count(*) FILTER (WHERE NOT unchanged AND NOT regressed AND current_id IS NOT NULL),
           (SELECT count(*) FROM rej),
           (SELECT format('Line %%s: %%s.', r.line_number, r.reason) FROM rej r ORDER BY r.line_number LIMIT 1)
      FROM compared$q$, current_join)
      INTO n_inserted, n_revised, n_regressed, first_regressed
     USING b.org_code, b.source, b.batch_id, vintage, b.revision_reason;
    IF n_regressed > 0 AND on_error = 'abort' THEN
        RAISE EXCEPTION 'load batch % has % bad row(s); nothing was loaded', b.batch_id, n_regressed
            USING ERRCODE = 'data_exception',
                  DETAIL = first_regressed,
                  HINT = 'Correct the rows, or give the batch a revision reason: krimp.begin_batch(org, source, file, revision_reason => ''...'').';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_file_rows(krimp.load_batch, text, timestamptz, text) IS
    'step 11 of krimp.apply_batch: the good rows filed in krimp.observation_row with the vintage, where the current vintage (looked up per row or set-wise, as lookup says) differs; a status that would go back without a revision reason set aside (abort: 22000); returns the figures inserted, revised and set aside';
REVOKE ALL ON FUNCTION krimp.apply_batch_file_rows(krimp.load_batch, text, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_file_rows(krimp.load_batch, text, timestamptz, text) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_file_runs(b krimp.load_batch, vintage timestamptz,
                                               OUT n_block_figures bigint, OUT n_blocks_unchanged bigint)
    RETURNS record
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    -- the runs filed as they are
    INSERT INTO krimp.observation_block (indicator_id, region_id, first_period, value, status, kind,
                                         forecast_producer, forecast_base_year, source, org_code, batch_id,
                                         published_at, released_at)
    SELECT k.indicator_id, k.region_id, k.p, k.value, k.status, k.kind, k.forecast_producer, k.forecast_base_year,
           b.source, b.org_code, b.batch_id, vintage, k.released_at
      FROM pg_temp.krimp_blocks k WHERE k.fast
     ORDER BY k.first_line;
    SELECT coalesce(sum(pg_catalog.cardinality(k.value)) FILTER (WHERE k.fast), 0),
           coalesce(sum(pg_catalog.cardinality(k.value)) FILTER (WHERE k.unchanged), 0)
      INTO n_block_figures, n_blocks_unchanged
      FROM pg_temp.krimp_blocks k;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_file_runs(krimp.load_batch, timestamptz) IS
    'step 12 of krimp.apply_batch: the fast runs filed as they are in krimp.observation_block with the vintage; returns the figures they hold and those of the runs unchanged as a whole';
REVOKE ALL ON FUNCTION krimp.apply_batch_file_runs(krimp.load_batch, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_file_runs(krimp.load_batch, timestamptz) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch_finish(b krimp.load_batch, staged_rel text, blocks_rel text, n_read integer,
                                            n_inserted integer, n_revised integer, n_rejected integer)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    EXECUTE format('DELETE FROM %s st WHERE st.batch_id = $1', staged_rel) USING b.batch_id;
    IF blocks_rel IS NOT NULL THEN
        EXECUTE format('DELETE FROM %s bl WHERE bl.batch_id = $1', blocks_rel) USING b.batch_id;
    END IF;
    UPDATE krimp.load_batch lb
       SET state = 'done', finished_at = clock_timestamp(), rows_read = n_read,
           rows_inserted = n_inserted, rows_revised = n_revised,
           rows_unchanged = n_read - n_rejected - n_inserted - n_revised, rows_rejected = n_rejected
     WHERE lb.batch_id = b.batch_id
    RETURNING * INTO b;
    DROP TABLE pg_temp.krimp_resolved;
    DROP TABLE pg_temp.krimp_blocks;
    RETURN b;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer) IS
    'step 13 of krimp.apply_batch: the batch''s staged rows and runs deleted, the batch done with its counts (the unchanged ones: the rest of those read), the working tables dropped; returns the batch';
REVOKE ALL ON FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch_finish(krimp.load_batch, text, text, integer, integer, integer, integer) TO krimp_writer, krimp_admin;

CREATE OR REPLACE FUNCTION krimp.apply_batch(batch_id bigint, on_error text DEFAULT 'reject',
                                  published_at timestamptz DEFAULT NULL, staged regclass DEFAULT NULL,
                                  blocks regclass DEFAULT NULL)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    arg record;         -- check_at, staged_rel, blocks_rel, lookup
    b krimp.load_batch;
    before record;      -- n_filed_before, n_rejected_before: filed by hand
    vintage timestamptz;
    checked record;     -- n_read, n_rejected: the rows
    filed record;       -- n_inserted, n_revised, n_regressed: the good rows
    runs record;        -- n_block_figures, n_blocks_unchanged: the runs filed as they are
    n_read integer;
    n_inserted integer;
    n_rejected integer;
BEGIN
    SELECT * INTO arg FROM krimp.apply_batch_check_arguments(on_error, published_at, staged, blocks);
    b := krimp.apply_batch_lock_batch(batch_id);
    SELECT * INTO before FROM krimp.apply_batch_filed_before(b);
    PERFORM krimp.apply_batch_stage_rows(b, arg.staged_rel);
    PERFORM krimp.apply_batch_stage_runs(b, arg.blocks_rel, arg.check_at);
    PERFORM krimp.apply_batch_take_load_locks(b);
    -- the vintage taken after the locks (a load that waited is the later one)
    vintage := coalesce(apply_batch.published_at, clock_timestamp());
    PERFORM krimp.apply_batch_compare_runs(b);
    PERFORM krimp.apply_batch_unroll_runs();
    PERFORM krimp.apply_batch_check_rows(b, arg.check_at);
    SELECT * INTO checked FROM krimp.apply_batch_reject_rows(b, on_error);
    SELECT * INTO filed FROM krimp.apply_batch_file_rows(b, on_error, vintage, arg.lookup);
    SELECT * INTO runs FROM krimp.apply_batch_file_runs(b, vintage);
    -- the counts: the rows, the runs, and what was filed into the batch by hand
    n_read := checked.n_read + runs.n_block_figures + runs.n_blocks_unchanged
              + before.n_filed_before + before.n_rejected_before;
    n_inserted := filed.n_inserted + runs.n_block_figures + before.n_filed_before;
    n_rejected := checked.n_rejected + filed.n_regressed + before.n_rejected_before;
    RETURN krimp.apply_batch_finish(b, arg.staged_rel, arg.blocks_rel, n_read, n_inserted, filed.n_revised, n_rejected);
END
$$;
COMMENT ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) IS
    'file the staged rows of an open load batch (from krimp.observation_staging, or the table named by staged) in one statement: new figures are inserted, changed ones become new vintages, identical ones change nothing, bad rows go to krimp.rejected_row with the reason (on_error => ''abort'' loads nothing instead); returns the batch with its counts';

REVOKE ALL ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.apply_batch(bigint, text, timestamptz, regclass, regclass) TO krimp_writer, krimp_admin;

-- ===================================================================
-- Regions from the bundled boundaries: yearly layers become region
-- versions, consecutive layers are overlaid into region changes, the
-- hierarchy and the decline regions are filled in, and indicators are
-- recast onto one year's layout (harmonisation).  See docs/regions.md.
--
-- Loading is for krimp_admin (revoked from PUBLIC); reading is for every
-- krimp role.
-- ===================================================================

-- ---- the yearly layers -----------------------------------------------
-- Every loaded boundary polygon, one row per layer, year and code, with the
-- region version it belongs to.  The overlay of consecutive years reads
-- these rows (not the versions' geometry), and the newest year loaded is
-- the layout of krimp.observation_harmonised.
CREATE TABLE krimp.region_boundary (
    layer       text NOT NULL CHECK (layer OPERATOR(pg_catalog.=) ANY (ARRAY['municipality', 'province', 'country'])),
    year        integer NOT NULL CHECK (year OPERATOR(pg_catalog.>=) 1800 AND year OPERATOR(pg_catalog.<=) 2200),
    code        text NOT NULL,
    name        text NOT NULL,
    geom        public.geometry(MultiPolygon, 28992) NOT NULL,
    region_id   bigint NOT NULL REFERENCES krimp.region ON DELETE CASCADE,
    PRIMARY KEY (layer, year, code)
);
CREATE INDEX region_boundary_geom_idx ON krimp.region_boundary USING gist (geom);
CREATE INDEX region_boundary_region_idx ON krimp.region_boundary (region_id);
COMMENT ON TABLE krimp.region_boundary IS
    'the loaded yearly boundary layers (1 January of the year, EPSG:28992), each polygon linked to the region version it belongs to';
SELECT pg_catalog.pg_extension_config_dump('krimp.region_boundary', '');
GRANT SELECT ON krimp.region_boundary TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.region_boundary TO krimp_admin;

-- ---- tolerances ------------------------------------------------------
-- A piece of an old polygon that another polygon of the next year covers is a
-- transfer only if, shrunk by 250 m, it still holds 3 % of the old polygon's
-- area: the generalised boundaries leave thin slivers along every shared
-- border, which shrinking removes (docs/regions.md lists what the data shows).
CREATE FUNCTION krimp.region_sliver_erosion() RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 250;
COMMENT ON FUNCTION krimp.region_sliver_erosion() IS
    'metres by which an overlap of consecutive years'' polygons is shrunk before its area share is judged (slivers of the generalised boundaries vanish)';
CREATE FUNCTION krimp.region_sliver_tolerance() RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 0.03;
COMMENT ON FUNCTION krimp.region_sliver_tolerance() IS
    'an overlap whose shrunk area is below this share of the old polygon''s area is a sliver, not a transfer';
-- A code keeps its version while what it takes in from ended codes and what
-- it gives to new codes stay below 5 % of its area.
CREATE FUNCTION krimp.region_version_tolerance() RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 0.05;
COMMENT ON FUNCTION krimp.region_version_tolerance() IS
    'a code starts a new version when the territory it takes in from ended codes, or gives to new codes, reaches this share of its area';

-- ---- reading a boundary file -----------------------------------------
-- The features of a GeoJSON FeatureCollection in WGS84 as (code, name,
-- polygon in RD New).  Errors name the feature.
CREATE FUNCTION krimp.geojson_regions(doc jsonb)
    RETURNS TABLE (code text, name text, geom public.geometry(MultiPolygon, 28992))
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    f jsonb;
    n integer := 0;
BEGIN
    IF jsonb_typeof(doc) <> 'object' OR doc->>'type' IS DISTINCT FROM 'FeatureCollection'
       OR jsonb_typeof(doc->'features') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'boundary document is not a GeoJSON FeatureCollection'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass the whole file, {"type": "FeatureCollection", "features": [...]}, with properties statcode and statnaam.';
    END IF;
    FOR f IN SELECT x FROM jsonb_array_elements(doc->'features') x LOOP
        n := n + 1;
        code := krimp.normalise_region_code(f->'properties'->>'statcode');
        name := btrim(f->'properties'->>'statnaam');
        IF code IS NULL OR krimp.region_level(code) IS NULL THEN
            RAISE EXCEPTION 'feature % has no valid CBS region code', n
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('Its property statcode is %s.', coalesce(quote_literal(f->'properties'->>'statcode'), 'missing')),
                      HINT = 'Every feature needs a statcode such as GM0014 or PV20.';
        END IF;
        IF coalesce(name, '') = '' THEN
            RAISE EXCEPTION 'feature % (%) has no name', n, code
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Every feature needs the property statnaam.';
        END IF;
        BEGIN
            geom := public.ST_Multi(public.ST_CollectionExtract(public.ST_MakeValid(
                        public.ST_Transform(public.ST_SetSRID(public.ST_GeomFromGeoJSON(f->'geometry'), 4326), 28992)), 3));
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'feature % (%) has no readable geometry', n, code
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = SQLERRM,
                      HINT = 'Geometries must be GeoJSON Polygons or MultiPolygons in WGS84 (longitude, latitude).';
        END;
        IF public.ST_IsEmpty(geom) THEN
            RAISE EXCEPTION 'feature % (%) has no area', n, code
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Every feature needs a Polygon or MultiPolygon geometry.';
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION krimp.geojson_regions(jsonb) IS
    'the features of a GeoJSON FeatureCollection (WGS84, properties statcode and statnaam) as normalised code, name and valid MultiPolygon in EPSG:28992';

-- ---- loading one year's layer ----------------------------------------
CREATE FUNCTION krimp.load_boundaries(level text, year integer, doc jsonb,
                                      OUT features integer, OUT versions_started integer,
                                      OUT versions_ended integer, OUT changes integer)
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET client_min_messages = warning
    AS $$
DECLARE
    lyr text := load_boundaries.level;
    y integer := load_boundaries.year;
    layers text[];
    l text;
    prev integer;
    day date := make_date(load_boundaries.year, 1, 1);
    bad record;
    n integer;
BEGIN
    IF lyr NOT IN ('municipality', 'province') THEN
        RAISE EXCEPTION 'cannot load boundaries of level "%"', lyr
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Load ''municipality'' or ''province'' layers; the country (NL01) follows from the provinces.';
    END IF;
    IF y < 1800 OR y > 2200 THEN
        RAISE EXCEPTION 'boundary year % is out of range', y
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT max(b.year) INTO prev FROM krimp.region_boundary b WHERE b.layer = lyr;
    IF prev IS NOT NULL AND y <= prev THEN
        RAISE EXCEPTION 'the % boundaries of % are already loaded', lyr, y
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Years up to %s are loaded.', prev),
                  HINT = format('Load %s next; to load a year again, delete the region versions and start from the first year.', prev + 1);
    END IF;
    IF prev IS NOT NULL AND y <> prev + 1 THEN
        RAISE EXCEPTION 'the % boundaries of % cannot follow those of %', lyr, y, prev
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Versions and changes are derived from consecutive years.',
                  HINT = format('Load the year %s first.', prev + 1);
    END IF;

    DROP TABLE IF EXISTS pg_temp.krimp_layer;
    CREATE TEMP TABLE krimp_layer ON COMMIT DROP AS
        SELECT lyr AS layer, g.code, g.name, g.geom FROM krimp.geojson_regions(doc) g;
    SELECT count(*) INTO features FROM pg_temp.krimp_layer;
    SELECT x.code, count(*) AS n INTO bad FROM pg_temp.krimp_layer x GROUP BY x.code HAVING count(*) > 1 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region code % occurs % times in the % boundaries of %', bad.code, bad.n, lyr, y
            USING ERRCODE = 'unique_violation',
                  HINT = 'A layer holds one feature per code.';
    END IF;
    SELECT x.code INTO bad FROM pg_temp.krimp_layer x WHERE krimp.region_level(x.code) <> lyr LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region code % is not a % code', bad.code, lyr
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A municipality layer holds GM codes, a province layer PV codes.';
    END IF;
    IF features = 0 THEN
        RAISE EXCEPTION 'the % boundaries of % have no features', lyr, y
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the country is the union of the provinces
    layers := ARRAY[lyr];
    IF lyr = 'province' THEN
        INSERT INTO pg_temp.krimp_layer
        SELECT 'country', 'NL01', 'Nederland',
               public.ST_Multi(public.ST_CollectionExtract(public.ST_MakeValid(public.ST_Union(x.geom)), 3))
          FROM pg_temp.krimp_layer x;
        layers := layers || 'country'::text;
    END IF;

    versions_started := 0; versions_ended := 0; changes := 0;
    FOREACH l IN ARRAY layers LOOP
        SELECT max(b.year) INTO prev FROM krimp.region_boundary b WHERE b.layer = l;
        IF prev IS NULL THEN
            -- the first year: every code starts a version
            WITH v AS (
                INSERT INTO krimp.region (code, name, level, valid_from, geom)
                SELECT x.code, x.name, l, day, x.geom FROM pg_temp.krimp_layer x WHERE x.layer = l
                RETURNING region_id, code)
            INSERT INTO krimp.region_boundary (layer, year, code, name, geom, region_id)
            SELECT l, y, x.code, x.name, x.geom, v.region_id
              FROM pg_temp.krimp_layer x JOIN v USING (code) WHERE x.layer = l;
            GET DIAGNOSTICS n = ROW_COUNT;
            versions_started := versions_started + n;
            CONTINUE;
        END IF;

        -- last year's polygons with their versions, this year's polygons
        DROP TABLE IF EXISTS pg_temp.krimp_old, pg_temp.krimp_new, pg_temp.krimp_piece, pg_temp.krimp_reversion;
        CREATE TEMP TABLE krimp_old ON COMMIT DROP AS
            SELECT b.code, b.geom, b.region_id, public.ST_Area(b.geom) AS area,
                   EXISTS (SELECT 1 FROM pg_temp.krimp_layer x WHERE x.layer = l AND x.code = b.code) AS continues
              FROM krimp.region_boundary b WHERE b.layer = l AND b.year = prev;
        CREATE TEMP TABLE krimp_new ON COMMIT DROP AS
            SELECT x.code, x.name, x.geom, public.ST_Area(x.geom) AS area,
                   EXISTS (SELECT 1 FROM pg_temp.krimp_old o WHERE o.code = x.code) AS continues
              FROM pg_temp.krimp_layer x WHERE x.layer = l;
        CREATE INDEX ON pg_temp.krimp_new USING gist (geom);
        CREATE INDEX ON pg_temp.krimp_old USING gist (geom);
        ANALYZE pg_temp.krimp_new;
        ANALYZE pg_temp.krimp_old;

        -- Territory that moved between codes: pieces of ended codes in this year's
        -- polygons, and pieces of last year's polygons in new codes.  Only codes that
        -- ended or started are intersected, through the GiST index.
        CREATE TEMP TABLE krimp_piece ON COMMIT DROP AS
        SELECT o.code AS old_code, nw.code AS new_code, o.area AS old_area, nw.area AS new_area,
               public.ST_Area(i.g) AS area,
               public.ST_Area(public.ST_Buffer(i.g, -krimp.region_sliver_erosion())) AS core_area
          FROM pg_temp.krimp_old o
          JOIN pg_temp.krimp_new nw ON public.ST_Intersects(o.geom, nw.geom)
         CROSS JOIN LATERAL (SELECT public.ST_Intersection(o.geom, nw.geom) AS g) i
         WHERE (NOT o.continues OR NOT nw.continues) AND o.code <> nw.code;
        -- a continuing code takes a new version when it takes in, or gives away, a
        -- substantial part of its territory through ended or new codes
        CREATE TEMP TABLE krimp_reversion ON COMMIT DROP AS
        SELECT c.code
          FROM pg_temp.krimp_new c
         WHERE c.continues
           AND (coalesce((SELECT sum(p.area) FROM pg_temp.krimp_piece p
                           WHERE p.new_code = c.code
                             AND p.core_area >= krimp.region_sliver_tolerance() * p.old_area), 0)
                  >= krimp.region_version_tolerance() * c.area
                OR coalesce((SELECT sum(p.area) FROM pg_temp.krimp_piece p
                              WHERE p.old_code = c.code
                                AND p.core_area >= krimp.region_sliver_tolerance() * p.old_area), 0)
                  >= krimp.region_version_tolerance() * (SELECT o.area FROM pg_temp.krimp_old o WHERE o.code = c.code));

        -- end the versions of ended and re-versioned codes
        UPDATE krimp.region r SET valid_to = day
          FROM pg_temp.krimp_old o
         WHERE r.region_id = o.region_id
           AND (NOT o.continues OR o.code IN (SELECT v.code FROM pg_temp.krimp_reversion v));
        GET DIAGNOSTICS n = ROW_COUNT;
        versions_ended := versions_ended + n;
        -- continuing versions take this year's name and polygon
        UPDATE krimp.region r SET name = nw.name, geom = nw.geom
          FROM pg_temp.krimp_old o JOIN pg_temp.krimp_new nw USING (code)
         WHERE r.region_id = o.region_id AND r.valid_to IS NULL;
        -- start versions of new and re-versioned codes
        INSERT INTO krimp.region (code, name, level, valid_from, geom)
        SELECT nw.code, nw.name, l, day, nw.geom FROM pg_temp.krimp_new nw
         WHERE NOT nw.continues OR nw.code IN (SELECT v.code FROM pg_temp.krimp_reversion v);
        GET DIAGNOSTICS n = ROW_COUNT;
        versions_started := versions_started + n;
        INSERT INTO krimp.region_boundary (layer, year, code, name, geom, region_id)
        SELECT l, y, nw.code, nw.name, nw.geom, r.region_id
          FROM pg_temp.krimp_new nw
          JOIN krimp.region r ON r.code = nw.code AND r.valid_from <= day
                             AND (r.valid_to IS NULL OR r.valid_to > day);

        -- Region changes: every ended version's polygon of last year overlaid with
        -- this year's polygons; slivers dropped, shares renormalised to sum to 1.
        WITH ended AS (
            SELECT o.* FROM pg_temp.krimp_old o JOIN krimp.region r ON r.region_id = o.region_id
             WHERE r.valid_to = day
        ), piece AS (
            SELECT e.region_id AS old_id, e.code AS old_code, nb.region_id AS new_id, nb.code AS new_code,
                   public.ST_Area(i.g) / e.area AS raw_share,
                   public.ST_Area(public.ST_Buffer(i.g, -krimp.region_sliver_erosion())) / e.area AS core_share
              FROM ended e
              JOIN krimp.region_boundary nb ON nb.layer = l AND nb.year = y AND public.ST_Intersects(e.geom, nb.geom)
             CROSS JOIN LATERAL (SELECT public.ST_Intersection(e.geom, nb.geom) AS g) i
        ), ranked AS (
            SELECT p.*, row_number() OVER (PARTITION BY p.old_id ORDER BY p.raw_share DESC, p.new_code) AS rank
              FROM piece p
        ), kept AS (
            -- an old version whose every piece is a sliver goes whole to its largest overlap
            SELECT k.* FROM ranked k
             WHERE k.core_share >= krimp.region_sliver_tolerance() OR k.rank = 1
        ), shared AS (
            SELECT k.*, k.raw_share / sum(k.raw_share) OVER (PARTITION BY k.old_id) AS share,
                   count(*) OVER (PARTITION BY k.old_id) AS n_succ,
                   count(*) OVER (PARTITION BY k.new_id) AS n_pred,
                   bool_or(k.old_code = k.new_code) OVER (PARTITION BY k.old_id) AS code_continues
              FROM kept k
        )
        INSERT INTO krimp.region_change (old_region_id, new_region_id, effective, share, kind)
        SELECT s.old_id, s.new_id, day, s.share,
               CASE WHEN s.n_succ = 1 AND s.n_pred = 1 THEN 'continuation'
                    WHEN s.n_succ = 1 THEN 'merger'
                    WHEN s.rank = 1 AND s.n_pred > 1 THEN 'merger'
                    WHEN s.code_continues THEN 'boundary'
                    ELSE 'split' END
          FROM shared s;
        GET DIAGNOSTICS n = ROW_COUNT;
        changes := changes + n;
        -- every ended version has successors
        SELECT o.code INTO bad FROM pg_temp.krimp_old o JOIN krimp.region r ON r.region_id = o.region_id
         WHERE r.valid_to = day
           AND NOT EXISTS (SELECT 1 FROM krimp.region_change c WHERE c.old_region_id = o.region_id)
         LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'region % of % overlaps no region of %', bad.code, prev, y
                USING ERRCODE = 'data_exception',
                      DETAIL = 'Its territory must go somewhere for the shares to sum to 1.',
                      HINT = 'Check that both years'' layers cover the whole country.';
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION krimp.load_boundaries(text, integer, jsonb) IS
    'load one year''s boundary layer (''municipality'' or ''province'', GeoJSON in WGS84, the year after the last one loaded): codes keep their version while their territory stays nearly the same, ended and changed codes get region changes with area shares; a province layer also makes the country NL01';
REVOKE ALL ON FUNCTION krimp.load_boundaries(text, integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_boundaries(text, integer, jsonb) TO krimp_admin;

-- ---- hierarchy -------------------------------------------------------
-- Rebuild the spatial links: municipality in province (the point on the
-- surface of its polygon, per year) and province in country, with validity
-- runs of consecutive years.
CREATE FUNCTION krimp.derive_region_hierarchy() RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    n integer;
BEGIN
    DELETE FROM krimp.region_parent rp
     USING krimp.region c, krimp.region p
     WHERE c.region_id = rp.region_id AND p.region_id = rp.parent_id
       AND ((c.level = 'municipality' AND p.level = 'province') OR (c.level = 'province' AND p.level = 'country'));
    WITH link AS (
        SELECT m.year, m.region_id, p.region_id AS parent_id
          FROM krimp.region_boundary m
          JOIN krimp.region_boundary p ON p.layer = 'province' AND p.year = m.year
                                      AND public.ST_Intersects(p.geom, public.ST_PointOnSurface(m.geom))
         WHERE m.layer = 'municipality'
        UNION ALL
        SELECT p.year, p.region_id, c.region_id
          FROM krimp.region_boundary p
          JOIN krimp.region_boundary c ON c.layer = 'country' AND c.year = p.year
         WHERE p.layer = 'province'
    ), one AS (
        -- a point on a shared border could fall in two provinces: take one
        SELECT DISTINCT ON (year, region_id) * FROM link ORDER BY year, region_id, parent_id
    ), island AS (
        SELECT region_id, parent_id, min(year) AS first_year, max(year) AS last_year
          FROM (SELECT o.*, o.year - row_number() OVER (PARTITION BY o.region_id, o.parent_id ORDER BY o.year) AS grp
                  FROM one o) g
         GROUP BY region_id, parent_id, grp
    )
    INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
    SELECT i.region_id, i.parent_id, make_date(i.first_year, 1, 1),
           CASE WHEN c.valid_to IS NULL AND p.valid_to IS NULL
                     AND i.last_year = (SELECT max(b.year) FROM krimp.region_boundary b
                                         WHERE b.layer = c.level)
                THEN NULL ELSE make_date(i.last_year + 1, 1, 1) END
      FROM island i
      JOIN krimp.region c ON c.region_id = i.region_id
      JOIN krimp.region p ON p.region_id = i.parent_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.derive_region_hierarchy() IS
    'rebuild the spatial hierarchy from the loaded layers: municipality in province (by a point on its surface, per year) and province in country, each with its validity; returns the number of links';
REVOKE ALL ON FUNCTION krimp.derive_region_hierarchy() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.derive_region_hierarchy() TO krimp_admin;

-- CBS's area layers of one year (TopoJSON; only the properties are read):
-- landsdelen and COROP areas become region versions without geometry from
-- 1 January of that year, and the municipalities of that year's layout are
-- linked to their COROP area and landsdeel; COROP areas to their province,
-- provinces to their landsdeel, landsdelen to the country.
CREATE FUNCTION krimp.load_region_layout(year integer, doc jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET client_min_messages = warning
    AS $$
DECLARE
    day date := make_date(load_region_layout.year, 1, 1);
    bad record;
    n integer;
    total integer := 0;
BEGIN
    IF doc->>'type' IS DISTINCT FROM 'Topology' OR jsonb_typeof(doc->'objects') IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'region layout document is not a TopoJSON topology'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass a whole CBS area layer file, {"type": "Topology", "objects": {...}}.';
    END IF;
    DROP TABLE IF EXISTS pg_temp.krimp_props;
    CREATE TEMP TABLE krimp_props ON COMMIT DROP AS
    SELECT g->'properties'->>'rubriek' AS rubriek,
           krimp.normalise_region_code(g->'properties'->>'statcode') AS code,
           btrim(g->'properties'->>'statnaam') AS name,
           krimp.normalise_region_code(g->'properties'->>'corop_gebied') AS corop,
           krimp.normalise_region_code(g->'properties'->>'provincie') AS province,
           krimp.normalise_region_code(g->'properties'->>'landsdeel') AS landsdeel,
           krimp.normalise_region_code(g->'properties'->>'land') AS country
      FROM jsonb_each(doc->'objects') o, jsonb_array_elements(o.value->'geometries') g;
    SELECT * INTO bad FROM pg_temp.krimp_props
     WHERE rubriek IS NULL OR rubriek NOT IN ('gemeente', 'coropgebied', 'provincie', 'landsdeel')
        OR code IS NULL OR krimp.region_level(code) IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region layout has an object that is no municipality, COROP area, province or landsdeel'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Its properties give rubriek %s and statcode %s.',
                                  coalesce(quote_literal(bad.rubriek), 'none'), coalesce(quote_literal(bad.code), 'none')),
                  HINT = 'Load the CBS layers Gemeente, CoropGebied, Provincie and Landsdeel.';
    END IF;

    -- landsdelen and COROP areas: a version from the layout's date unless one holds then
    INSERT INTO krimp.region (code, name, level, valid_from)
    SELECT DISTINCT ON (p.code) p.code, p.name, krimp.region_level(p.code), day
      FROM pg_temp.krimp_props p
     WHERE p.rubriek IN ('coropgebied', 'landsdeel')
       AND krimp.region_at(p.code, load_region_layout.year::text::krimp.period) IS NULL
       AND NOT EXISTS (SELECT 1 FROM krimp.region r WHERE r.code = p.code AND r.valid_from > day);
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;

    -- links; every code must have a version on the layout's date
    DROP TABLE IF EXISTS pg_temp.krimp_links;
    CREATE TEMP TABLE krimp_links ON COMMIT DROP AS
    SELECT l.child, l.parent,
           krimp.region_at(l.child, load_region_layout.year::text::krimp.period) AS child_id,
           krimp.region_at(l.parent, load_region_layout.year::text::krimp.period) AS parent_id
      FROM (SELECT p.code AS child, p.corop AS parent FROM pg_temp.krimp_props p WHERE p.rubriek = 'gemeente'
            UNION SELECT p.code, p.landsdeel FROM pg_temp.krimp_props p WHERE p.rubriek = 'gemeente'
            UNION SELECT p.code, p.province FROM pg_temp.krimp_props p WHERE p.rubriek = 'coropgebied'
            UNION SELECT p.code, p.landsdeel FROM pg_temp.krimp_props p WHERE p.rubriek = 'provincie'
            UNION SELECT p.code, p.country FROM pg_temp.krimp_props p WHERE p.rubriek = 'landsdeel') l
     WHERE l.parent IS NOT NULL;
    SELECT * INTO bad FROM pg_temp.krimp_links WHERE child_id IS NULL OR parent_id IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region % has no version on %', CASE WHEN bad.child_id IS NULL THEN bad.child ELSE bad.parent END, day
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('The layout links %s to %s.', bad.child, bad.parent),
                  HINT = format('Load the boundaries of %s first, and the Landsdeel and CoropGebied layers before the Gemeente layer.', load_region_layout.year);
    END IF;
    INSERT INTO krimp.region_parent (region_id, parent_id, valid_from, valid_to)
    SELECT k.child_id, k.parent_id, greatest(c.valid_from, p.valid_from),
           CASE WHEN c.valid_to IS NULL THEN p.valid_to WHEN p.valid_to IS NULL THEN c.valid_to
                ELSE least(c.valid_to, p.valid_to) END
      FROM pg_temp.krimp_links k
      JOIN krimp.region c ON c.region_id = k.child_id
      JOIN krimp.region p ON p.region_id = k.parent_id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN total + n;
END
$$;
COMMENT ON FUNCTION krimp.load_region_layout(integer, jsonb) IS
    'read a CBS area layer of one year (TopoJSON; properties only): landsdelen and COROP areas become region versions without geometry from 1 January, and municipalities, COROP areas, provinces and landsdelen are linked to their parents; returns the number of versions and links added';
REVOKE ALL ON FUNCTION krimp.load_region_layout(integer, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_region_layout(integer, jsonb) TO krimp_admin;

-- ---- designated groups -----------------------------------------------
CREATE FUNCTION krimp.load_region_group(group_code text, name text, designation text, province_code text,
                                        designated_on date, layout_year integer, member_codes text[],
                                        note text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    bad text;
    n integer;
BEGIN
    IF group_code IS NULL OR name IS NULL OR designation IS NULL OR designated_on IS NULL
       OR layout_year IS NULL OR member_codes IS NULL THEN
        RAISE EXCEPTION 'a region group needs its code, name, designation, designation date, layout year and members'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT c INTO bad FROM unnest(member_codes) c
     WHERE krimp.region_at(c, layout_year::text::krimp.period) IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'region % has no version in the layout of %', bad, layout_year
            USING ERRCODE = 'foreign_key_violation',
                  HINT = format('Members are given in the layout of 1 January %s; load that year''s boundaries first.', layout_year);
    END IF;
    INSERT INTO krimp.region_group (group_code, name, designation, province_code, designated_on, note)
    VALUES (load_region_group.group_code, load_region_group.name, load_region_group.designation,
            krimp.normalise_region_code(load_region_group.province_code), load_region_group.designated_on,
            load_region_group.note)
    ON CONFLICT ON CONSTRAINT region_group_pkey DO UPDATE
       SET name = EXCLUDED.name, designation = EXCLUDED.designation, province_code = EXCLUDED.province_code,
           designated_on = EXCLUDED.designated_on, note = EXCLUDED.note;
    DELETE FROM krimp.region_group_member m WHERE m.group_code = load_region_group.group_code;
    -- a member from the designation (or its version's start) to its version's end
    INSERT INTO krimp.region_group_member (group_code, region_id, valid_from, valid_to)
    SELECT load_region_group.group_code, r.region_id, greatest(r.valid_from, designated_on), r.valid_to
      FROM (SELECT DISTINCT krimp.region_at(c, layout_year::text::krimp.period) AS region_id
              FROM unnest(member_codes) c) v
      JOIN krimp.region r USING (region_id)
     WHERE r.valid_to IS NULL OR r.valid_to > designated_on;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) IS
    'create or replace a designated group (topkrimpregio, anticipeerregio) with its members given as codes in the layout of a year; each member version belongs from the designation date to the end of the version; returns the number of members';
REVOKE ALL ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.load_region_group(text, text, text, text, date, integer, text[], text) TO krimp_admin;

-- ---- harmonisation ---------------------------------------------------

-- The newest boundary year loaded: the current layout.
CREATE FUNCTION krimp.latest_layout_year() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT max(b.year) FROM krimp.region_boundary b
$$;
COMMENT ON FUNCTION krimp.latest_layout_year() IS
    'the newest boundary year loaded, whose layout krimp.observation_harmonised uses; NULL before any load';

-- How much of each region version ends up in each version valid on a date:
-- 1 for a version valid then, the product of shares along the change chain
-- for one that ended before, summed over paths.
CREATE FUNCTION krimp.region_weights(on_date date)
    RETURNS TABLE (region_id bigint, target_id bigint, weight double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    WITH RECURSIVE chain (region_id, target_id, weight) AS (
        SELECT r.region_id, r.region_id, 1::double precision
          FROM krimp.region r
         WHERE r.valid_from <= on_date AND (r.valid_to IS NULL OR r.valid_to > on_date)
        UNION ALL
        SELECT c.old_region_id, ch.target_id, ch.weight * c.share
          FROM chain ch
          JOIN krimp.region_change c ON c.new_region_id = ch.region_id
         WHERE c.effective <= on_date
    )
    SELECT ch.region_id, ch.target_id, sum(ch.weight) FROM chain ch GROUP BY ch.region_id, ch.target_id
$$;
COMMENT ON FUNCTION krimp.region_weights(date) IS
    'for every region version, the share of it that lies in each version valid on the date (1 for the version itself, the product of change shares along the chain for earlier versions); versions that start after the date have none';

-- (the recasting itself is krimp.harmonise(indicator_code, layout_year,
-- known_at, released_only), 50_targets.sql, on krimp.figures_as_of)
CREATE OR REPLACE FUNCTION krimp.harmonise(indicator_code text, layout_year integer,
                                           known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    RETURN QUERY SELECT * FROM krimp.harmonise(indicator_code, layout_year, known_at, false);
END
$$;
COMMENT ON FUNCTION krimp.harmonise(text, integer, timestamptz) IS
    'an indicator''s current realisations (as known at a moment) recast onto the region versions valid on 1 January of a layout year: counts are summed with the area shares of the change chain, rates are recast through numerator (rate times denominator) and denominator; NULL where a contributing figure is missing';

CREATE FUNCTION krimp.harmonised_series(indicator_code text, layout_year integer DEFAULT NULL,
                                        known_at timestamptz DEFAULT 'infinity')
    RETURNS TABLE (region_id bigint, code text, name text, series krimp.series)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT h.region_id, h.code, h.name, krimp.series_agg(h.period, h.value)
      FROM krimp.harmonise(harmonised_series.indicator_code,
                           coalesce(harmonised_series.layout_year, krimp.latest_layout_year()),
                           harmonised_series.known_at) h
     GROUP BY h.region_id, h.code, h.name
     ORDER BY h.code
$$;
COMMENT ON FUNCTION krimp.harmonised_series(text, integer, timestamptz) IS
    'one krimp.series per region version of a layout (the newest loaded by default): the indicator recast with krimp.harmonise()';

CREATE VIEW krimp.observation_harmonised WITH (security_invoker = true) AS
    SELECT i.indicator_id, i.code AS indicator_code, krimp.latest_layout_year() AS layout_year,
           h.region_id, h.code AS region_code, h.name AS region_name, h.period, h.value
      FROM krimp.indicator i
     CROSS JOIN LATERAL krimp.harmonise(i.code, krimp.latest_layout_year()) h
     WHERE i.aggregation OPERATOR(pg_catalog.<>) 'none' AND krimp.latest_layout_year() IS NOT NULL;
COMMENT ON VIEW krimp.observation_harmonised IS
    'the current realisations of every aggregatable indicator recast onto the newest boundary layout loaded';
GRANT SELECT ON krimp.observation_harmonised TO krimp_reader;

-- ===================================================================
-- Targets (streefwaarden) and the five-yearly revaluation.
--
-- An agreement (covenant or programme) holds targets: one indicator in one
-- region version or designated group, a baseline taken from the
-- observations when the agreement is made (and kept), a horizon, a path
-- (linear or constant growth) with optional milestones, the owning
-- organisation and the party responsible (actiehouder).  A re-calibration
-- is a new version that points to the old one.  krimp.target_evaluations()
-- judges targets as the figures were known at a moment (the rule is in C,
-- krimp.assess(); docs/targets.md); CALL krimp.revaluation_round(year)
-- stores one immutable row per active target per round, with a
-- re-calibration proposal beside it; krimp.scorecard counts the lights.
-- ===================================================================

-- ---- the rule, in C -----------------------------------------------------
CREATE TYPE krimp.target_assessment AS (
    light               text,
    observed            integer,
    latest_period       krimp.period,
    latest_value        double precision,
    expected_value      double precision,
    gap                 double precision,
    progress            double precision,
    expected_progress   double precision,
    trend_points        integer,
    trend_slope         double precision,
    projected_value     double precision,
    projected_low       double precision,
    projected_high      double precision,
    best_rate           double precision,
    reachable_value     double precision,
    alternative_horizon_value double precision,
    proposal_period     krimp.period,
    proposal_value      double precision,
    proposal_rate       double precision
);
COMMENT ON TYPE krimp.target_assessment IS
    'the result of krimp.assess(): light, latest observation, value on the path, gap, progress, projection to the horizon with Sen''s interval, best five-year rate, reachable and alternative horizon value, and the re-calibrated path''s next milestone';

CREATE FUNCTION krimp.assess(s krimp.series, path text, baseline_period krimp.period,
                             baseline_value double precision, horizon_period krimp.period,
                             horizon_value double precision, sense integer,
                             milestone_periods krimp.period[] DEFAULT NULL,
                             milestone_values double precision[] DEFAULT NULL,
                             window_years double precision DEFAULT 10, min_points integer DEFAULT 3,
                             path_tolerance double precision DEFAULT 0.05,
                             tolerance double precision DEFAULT 0.10)
    RETURNS krimp.target_assessment
    AS 'MODULE_PATHNAME', 'krimp_assess' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.assess(krimp.series, text, krimp.period, double precision, krimp.period, double precision, integer, krimp.period[], double precision[], double precision, integer, double precision, double precision) IS
    'the traffic-light rule on one series: path linear or growth from the baseline through the milestones to the horizon; sense 1 higher is better, -1 lower is better, 0 either way; trend window in years (Theil-Sen), min_points for a projection, path_tolerance and tolerance as shares of the planned change (docs/targets.md); a NULL series is grey';

-- ---- settings ---------------------------------------------------------------
CREATE TABLE krimp.revaluation_setting (
    only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    origin_year     integer NOT NULL DEFAULT 2015 CHECK (origin_year OPERATOR(pg_catalog.>=) 1000 AND origin_year OPERATOR(pg_catalog.<=) 9999),
    window_years    double precision NOT NULL DEFAULT 10 CHECK (window_years OPERATOR(pg_catalog.>=) 1),
    min_points      integer NOT NULL DEFAULT 3 CHECK (min_points OPERATOR(pg_catalog.>=) 2),
    path_tolerance  double precision NOT NULL DEFAULT 0.05 CHECK (path_tolerance OPERATOR(pg_catalog.>=) 0),
    tolerance       double precision NOT NULL DEFAULT 0.10 CHECK (tolerance OPERATOR(pg_catalog.>=) 0)
);
COMMENT ON TABLE krimp.revaluation_setting IS
    'at most one row, inserted by an administrator to change the defaults: the grid of revaluation rounds (every five years from origin_year, default 2015) and the rule''s defaults (trend window 10 years, 3 points for a projection, path tolerance 5% and horizon tolerance 10% of the planned change); without a row the defaults hold';

-- The settings in force: the row, or the column defaults.
CREATE FUNCTION krimp.revaluation_settings() RETURNS krimp.revaluation_setting
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce((SELECT s FROM krimp.revaluation_setting s),
                    ROW(true, 2015, 10, 3, 0.05, 0.10)::krimp.revaluation_setting)
$$;
COMMENT ON FUNCTION krimp.revaluation_settings() IS
    'the revaluation settings in force: the row of krimp.revaluation_setting, or the defaults (origin 2015, window 10 years, 3 points, path tolerance 0.05, tolerance 0.10)';
SELECT pg_catalog.pg_extension_config_dump('krimp.revaluation_setting', '');

-- ---- agreements and targets ---------------------------------------------
CREATE SEQUENCE krimp.agreement_id_seq;
CREATE TABLE krimp.agreement (
    agreement_id    bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.agreement_id_seq'),
    code            text NOT NULL UNIQUE,
    name            text NOT NULL,
    kind            text NOT NULL CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['covenant', 'programme'])),
    parties         text[] NOT NULL CHECK (pg_catalog.cardinality(parties) OPERATOR(pg_catalog.>) 0),
    signed_on       date NOT NULL,
    starts_on       date NOT NULL,
    ends_on         date,
    org_code        text NOT NULL REFERENCES krimp.organisation,
    created_by      name NOT NULL DEFAULT CURRENT_USER,
    created_at      timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (ends_on IS NULL OR ends_on OPERATOR(pg_catalog.>) starts_on)
);
ALTER SEQUENCE krimp.agreement_id_seq OWNED BY krimp.agreement.agreement_id;
COMMENT ON TABLE krimp.agreement IS
    'agreements that hold targets: a covenant or programme with its parties, the day it was signed (baselines are taken as the figures were known at the end of that day) and its term';
SELECT pg_catalog.pg_extension_config_dump('krimp.agreement', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.agreement_id_seq', '');

CREATE SEQUENCE krimp.target_id_seq;
CREATE TABLE krimp.target (
    target_id           bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.target_id_seq'),
    agreement_id        bigint NOT NULL REFERENCES krimp.agreement,
    name                text NOT NULL,
    indicator_id        integer NOT NULL REFERENCES krimp.indicator,
    region_id           bigint REFERENCES krimp.region,
    group_code          text REFERENCES krimp.region_group,
    layout_year         integer,
    unit                text NOT NULL,
    granularity         text NOT NULL,
    baseline_period     krimp.period NOT NULL,
    baseline_value      double precision NOT NULL,
    baseline_known_at   timestamptz,
    horizon_period      krimp.period NOT NULL,
    horizon_value       double precision NOT NULL,
    path                text NOT NULL DEFAULT 'linear' CHECK (path OPERATOR(pg_catalog.=) ANY (ARRAY['linear', 'growth'])),
    milestone_periods   krimp.period[],
    milestone_values    double precision[],
    against_direction_of_good boolean NOT NULL DEFAULT false,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    actiehouder         text NOT NULL CHECK (pg_catalog.btrim(actiehouder) OPERATOR(pg_catalog.<>) ''),
    version             integer NOT NULL DEFAULT 1,
    previous_id         bigint UNIQUE REFERENCES krimp.target,
    recalibration_reason text,
    valid_from          date NOT NULL,
    created_by          name NOT NULL DEFAULT CURRENT_USER,
    created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK ((region_id IS NULL) OPERATOR(pg_catalog.<>) (group_code IS NULL)),
    CHECK (group_code IS NULL OR layout_year IS NOT NULL),
    CHECK ((milestone_periods IS NULL) OPERATOR(pg_catalog.=) (milestone_values IS NULL)),
    CHECK ((previous_id IS NULL) OPERATOR(pg_catalog.=) (recalibration_reason IS NULL))
);
ALTER SEQUENCE krimp.target_id_seq OWNED BY krimp.target.target_id;
CREATE INDEX target_agreement_idx ON krimp.target (agreement_id);
COMMENT ON TABLE krimp.target IS
    'targets: one indicator in one region version (region_id) or designated group (group_code, combined on the layout of layout_year), from a baseline kept as taken to a horizon along a path; a re-calibration is a new version pointing to the old one (previous_id) with its reason; rows are never changed';
COMMENT ON COLUMN krimp.target.baseline_known_at IS
    'the vintage the baseline value was read at (the end of the agreement''s signing day); NULL when it was given (a re-calibration starts from a realised value)';
COMMENT ON COLUMN krimp.target.layout_year IS
    'recast the figures onto the region versions of 1 January of this year (krimp.harmonise); required for groups; NULL: the region version''s own figures';
COMMENT ON COLUMN krimp.target.against_direction_of_good IS
    'explicitly allows a target whose planned change runs against the indicator''s direction of good (for example a limited decline)';
COMMENT ON COLUMN krimp.target.actiehouder IS 'the party responsible for reaching the target';
COMMENT ON COLUMN krimp.target.valid_from IS 'the day this version takes effect (the agreement''s start for a first version)';
SELECT pg_catalog.pg_extension_config_dump('krimp.target', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.target_id_seq', '');

-- ---- what was released at a moment --------------------------------------
-- The observations as known and released at a moment: as
-- krimp.observations_as_of, but only what was released then (an embargoed
-- vintage does not hide the released one before it).
CREATE FUNCTION krimp.released_observations_as_of(known_at timestamptz)
    RETURNS SETOF krimp.observation
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
                        o.forecast_producer, o.forecast_base_year) o.*
      FROM krimp.observation o
     WHERE o.published_at <= known_at
       AND (o.retracted_at IS NULL OR o.retracted_at > known_at)
       AND krimp.released_by(o.released_at, known_at)
     ORDER BY o.indicator_id, o.region_id, o.period, o.org_code, o.kind,
              o.forecast_producer, o.forecast_base_year, o.published_at DESC, o.observation_id DESC
$$;
COMMENT ON FUNCTION krimp.released_observations_as_of(timestamptz) IS
    'the observations as known and released at a moment: per figure the latest vintage published by then, not retracted by then and released by then (krimp.released_by); what every organisation may see of that moment';

-- krimp.harmonise with released_only: the figures an indicator is recast from
-- are krimp.figures_as_of(known_at, released_only).  (Here, not in
-- 45_regions.sql, which an upgrade from 0.1 does not run again.)
CREATE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz,
                                released_only boolean)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
#variable_conflict use_column
DECLARE
    ind krimp.indicator;
    den krimp.indicator;
BEGIN
    SELECT * INTO ind FROM krimp.indicator i WHERE i.code = harmonise.indicator_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'indicator "%" does not exist', indicator_code
            USING ERRCODE = 'undefined_object',
                  HINT = 'The indicators are listed in krimp.indicator.';
    END IF;
    IF layout_year < 1800 OR layout_year > 2200 THEN
        RAISE EXCEPTION 'layout year % is out of range', layout_year
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the year whose layout on 1 January the figures are recast onto, for example 2023.';
    END IF;
    IF ind.aggregation = 'none' THEN
        RAISE EXCEPTION 'indicator "%" cannot be recast onto another layout', ind.code
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'Its aggregation is ''none'': figures of regions cannot be combined.',
                  HINT = 'Read it per region version with krimp.region_series() or krimp.series_current.';
    END IF;
    IF ind.aggregation = 'weighted mean' THEN
        SELECT * INTO den FROM krimp.indicator i WHERE i.indicator_id = ind.denominator_id;
        IF den.aggregation <> 'sum' THEN
            RAISE EXCEPTION 'indicator "%" is weighted by "%", which is not a count', ind.code, den.code
                USING ERRCODE = 'feature_not_supported',
                      HINT = 'A rate is recast through its numerator and denominator; give it a denominator with aggregation ''sum''.';
        END IF;
    END IF;

    RETURN QUERY
    WITH w AS (
        SELECT * FROM krimp.region_weights(make_date(layout_year, 1, 1))
    ), obs AS (
        -- the realisations of the indicator (and of its denominator) as known then
        -- (and released then, with released_only): krimp.figures_as_of
        SELECT o.indicator_id, o.region_id, o.period, o.value
          FROM krimp.figures_as_of(known_at, released_only) o
         WHERE o.indicator_id IN (ind.indicator_id, den.indicator_id) AND o.kind = 'realisation'
    ), fig AS (
        -- a count as it is; a rate as numerator (rate times denominator) and denominator
        SELECT x.region_id, x.period,
               CASE WHEN den.indicator_id IS NULL THEN x.v ELSE x.v * x.d END AS num, x.d AS den
          FROM (SELECT o.region_id, o.period,
                       max(o.value) FILTER (WHERE o.indicator_id = ind.indicator_id) AS v,
                       max(o.value) FILTER (WHERE o.indicator_id = den.indicator_id) AS d,
                       bool_or(o.indicator_id = ind.indicator_id) AS has_figure
                  FROM obs o GROUP BY o.region_id, o.period) x
         WHERE x.has_figure
    ), agg AS (
        SELECT w.target_id, f.period, sum(w.weight * f.num) AS num, sum(w.weight * f.den) AS den,
               count(f.num) AS n_values
          FROM fig f JOIN w ON w.region_id = f.region_id
         GROUP BY w.target_id, f.period
    ), expected AS (
        -- the versions that hold in each period and lie (partly) in each target
        SELECT w.target_id, p.period, count(*) AS n_versions
          FROM w
          JOIN krimp.region v ON v.region_id = w.region_id
          JOIN (SELECT DISTINCT f.period FROM fig f) p
            ON pg_catalog.daterange(v.valid_from, v.valid_to) @> krimp.daterange(p.period)
         GROUP BY w.target_id, p.period
    )
    SELECT r.region_id, r.code, r.name, a.period,
           -- complete only if every version that holds in the period and lies in the
           -- target has a figure; otherwise the value is unknown
           CASE WHEN a.n_values = e.n_versions
                THEN CASE WHEN den.indicator_id IS NULL THEN a.num ELSE a.num / nullif(a.den, 0) END
           END
      FROM agg a
      JOIN krimp.region r ON r.region_id = a.target_id
      LEFT JOIN expected e ON e.target_id = a.target_id AND e.period OPERATOR(krimp.=) a.period
     ORDER BY r.code, a.period;
END
$$;
COMMENT ON FUNCTION krimp.harmonise(text, integer, timestamptz, boolean) IS
    'an indicator''s realisations as known at a moment (krimp.figures_as_of; with released_only only the figures released then, as every organisation may see them) recast onto the region versions valid on 1 January of a layout year: counts are summed with the area shares of the change chain, rates are recast through numerator (rate times denominator) and denominator; NULL where a contributing figure is missing';

-- krimp.harmonise on the released figures (krimp.harmonise(..., released_only
-- => true)): a documented name for what target series on a layout read.
CREATE FUNCTION krimp.released_harmonise(indicator_code text, layout_year integer, known_at timestamptz)
    RETURNS TABLE (region_id bigint, code text, name text, period krimp.period, value double precision)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT * FROM krimp.harmonise(indicator_code, layout_year, known_at, true)
$$;
COMMENT ON FUNCTION krimp.released_harmonise(text, integer, timestamptz) IS
    'krimp.harmonise(indicator_code, layout_year, known_at, released_only => true): an indicator recast onto the region versions valid on 1 January of a layout year from the figures released at the moment (krimp.figures_as_of), as every organisation may see it; what target series on a layout are read from';

-- The series a target is judged on, as known at a moment: the region
-- version's own figures, or recast onto a layout (krimp.harmonise) and, for
-- a group, combined over the member versions valid on 1 January of the
-- layout year (sum, or weighted mean through the denominator).  NULL for a
-- period in which a member has no figure.
-- Series of many targets at once (set-based; used by the rounds).
CREATE FUNCTION krimp.target_series_all(known_at timestamptz, target_ids bigint[])
    RETURNS TABLE (target_id bigint, series krimp.series, data_vintage timestamptz)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH t AS (
        SELECT tg.target_id, tg.indicator_id, tg.region_id, tg.group_code, tg.layout_year,
               i.code AS indicator_code, i.aggregation, d.code AS denominator_code,
               i.denominator_id
          FROM (SELECT DISTINCT u.id FROM unnest(target_ids) u(id)) ids
          JOIN krimp.target tg ON tg.target_id = ids.id
          JOIN krimp.indicator i ON i.indicator_id = tg.indicator_id
          LEFT JOIN krimp.indicator d ON d.indicator_id = i.denominator_id
    ), obs AS (
        -- the released realisations as known then (krimp.figures_as_of, inlined: the
        -- indicators' array reaches the scan)
        SELECT o.indicator_id, o.region_id, o.period, o.value, o.published_at
          FROM krimp.figures_as_of(known_at, true) o
         WHERE o.kind = 'realisation'
           AND o.indicator_id = ANY (ARRAY(SELECT t.indicator_id FROM t
                                           UNION SELECT t.denominator_id FROM t
                                                  WHERE t.layout_year IS NOT NULL AND t.denominator_id IS NOT NULL))
    ), vintage AS (
        SELECT o.indicator_id, max(o.published_at) AS published_at FROM obs o GROUP BY o.indicator_id
    ), own AS (
        -- a region version's own figures
        SELECT t.target_id, krimp.series_agg(o.period, o.value) AS series, max(o.published_at) AS data_vintage
          FROM t JOIN obs o ON o.indicator_id = t.indicator_id AND o.region_id = t.region_id
         WHERE t.layout_year IS NULL
         GROUP BY t.target_id
    ), layouts AS (
        SELECT DISTINCT t.indicator_code AS code, t.layout_year FROM t WHERE t.layout_year IS NOT NULL
        UNION
        SELECT DISTINCT t.denominator_code, t.layout_year FROM t
         WHERE t.layout_year IS NOT NULL AND t.group_code IS NOT NULL AND t.denominator_code IS NOT NULL
    ), h AS (
        SELECT l.code, l.layout_year, x.region_id, x.period, x.value
          FROM layouts l, LATERAL krimp.released_harmonise(l.code, l.layout_year, known_at) x
    ), members AS (
        -- the target's territory on its layout: the region itself, or the group's member versions
        SELECT t.target_id, t.indicator_code, t.denominator_code, t.layout_year, t.group_code, r.region_id
          FROM t JOIN krimp.region r
            ON (t.group_code IS NULL AND r.region_id = t.region_id)
            OR (t.group_code IS NOT NULL AND r.region_id IN (SELECT m.region_id FROM krimp.region_group_member m
                                                              WHERE m.group_code = t.group_code))
         WHERE t.layout_year IS NOT NULL
           AND daterange(r.valid_from, r.valid_to) @> make_date(t.layout_year, 1, 1)
    ), combined AS (
        SELECT m.target_id, v.period,
               CASE WHEN count(v.value) = max(n.members)
                         AND (m.group_code IS NULL OR m.denominator_code IS NULL OR count(dv.value) = max(n.members))
                    THEN CASE WHEN m.group_code IS NULL OR m.denominator_code IS NULL THEN sum(v.value)
                              ELSE sum(v.value * dv.value) / nullif(sum(dv.value), 0) END
               END AS value
          FROM members m
          JOIN (SELECT mm.target_id, count(*) AS members FROM members mm GROUP BY mm.target_id) n
            ON n.target_id = m.target_id
          JOIN h v ON v.code = m.indicator_code AND v.layout_year = m.layout_year AND v.region_id = m.region_id
          LEFT JOIN h dv ON dv.code = m.denominator_code AND dv.layout_year = m.layout_year
                        AND dv.region_id = m.region_id AND dv.period = v.period
         GROUP BY m.target_id, m.group_code, m.denominator_code, v.period
    ), recast AS (
        SELECT c.target_id, krimp.series_agg(c.period, c.value) AS series
          FROM combined c GROUP BY c.target_id
    )
    SELECT t.target_id, coalesce(own.series, recast.series),
           CASE WHEN t.layout_year IS NULL THEN own.data_vintage
                ELSE greatest((SELECT v.published_at FROM vintage v WHERE v.indicator_id = t.indicator_id),
                              (SELECT v.published_at FROM vintage v WHERE v.indicator_id = t.denominator_id
                                                                      AND t.group_code IS NOT NULL)) END
      FROM t
      LEFT JOIN own ON own.target_id = t.target_id
      LEFT JOIN recast ON recast.target_id = t.target_id
$$;
COMMENT ON FUNCTION krimp.target_series_all(timestamptz, bigint[]) IS
    'the series of many targets as known and released at a moment, with the newest published_at among the figures read (data_vintage); see krimp.target_series';

CREATE FUNCTION krimp.target_series(target_id bigint, known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT s.series FROM krimp.target_series_all(known_at, ARRAY[target_id]) s
$$;

COMMENT ON FUNCTION krimp.target_series(bigint, timestamptz) IS
    'the series a target is judged on, as known and released at a moment (krimp.released_by: no embargoed figure, whoever asks): the region version''s own figures, or recast onto its layout year (krimp.released_harmonise) and, for a group, combined over the member versions valid on 1 January of that year (sum, or weighted mean through the denominator); a period in which a member lacks a figure is missing';

-- Is an organisation a party to an agreement: its owner, or listed in its
-- parties by organisation code or name (krimp.organisation; case and
-- surrounding spaces aside).  Parties add targets of their own to it.
CREATE FUNCTION krimp.agreement_party(agreement_id bigint, org_code text) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM krimp.agreement a
         WHERE a.agreement_id = agreement_party.agreement_id
           AND (a.org_code = agreement_party.org_code
                OR EXISTS (SELECT 1 FROM unnest(a.parties) p(party)
                             JOIN krimp.organisation o ON o.org_code = agreement_party.org_code
                            WHERE lower(btrim(p.party)) IN (lower(o.org_code), lower(o.name)))))
$$;
COMMENT ON FUNCTION krimp.agreement_party(bigint, text) IS
    'whether an organisation is a party to an agreement: its owner (org_code), or listed in parties by its organisation code or name; a party adds targets of its own to the agreement';

-- Check and complete a new target version.
CREATE FUNCTION krimp.target_insert_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    ind krimp.indicator;
    ag krimp.agreement;
    prev krimp.target;
    orgs text[];
    grp krimp.region_group;
    planned double precision;
    s krimp.series;
    kt timestamptz;
BEGIN
    SELECT * INTO ind FROM krimp.indicator i WHERE i.indicator_id = NEW.indicator_id;
    SELECT * INTO ag FROM krimp.agreement a WHERE a.agreement_id = NEW.agreement_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'agreement % does not exist', NEW.agreement_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    NEW.org_code := coalesce(NEW.org_code, ag.org_code);

    -- whose target it is: a writer adds targets of its own organisation, to an
    -- agreement its organisation is a party to, and continues (previous_id)
    -- only a target of its own organisation; an administrator may do anything
    IF NOT krimp.is_admin() THEN
        orgs := krimp.current_organisations();
        IF NOT NEW.org_code = ANY (orgs) THEN
            RAISE EXCEPTION 'you do not act for organisation %', NEW.org_code
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('A target belongs to the organisation in org_code (by default the agreement''s owner, %s); you act for %s.',
                                      ag.org_code, coalesce(nullif(array_to_string(orgs, ', '), ''), 'no organisation')),
                      HINT = 'Set org_code to your own organisation.';
        END IF;
        IF NEW.previous_id IS NOT NULL THEN
            SELECT * INTO prev FROM krimp.target p WHERE p.target_id = NEW.previous_id;
            IF FOUND AND prev.org_code <> NEW.org_code THEN
                RAISE EXCEPTION 'target "%" belongs to organisation %', prev.name, prev.org_code
                    USING ERRCODE = 'insufficient_privilege',
                          DETAIL = format('A new version (previous_id %s) continues only a target of its own organisation; this version is for %s.',
                                          prev.target_id, NEW.org_code),
                          HINT = format('Only %s re-calibrates it; for a target of your own, insert one without previous_id.',
                                        prev.org_code);
            END IF;
        END IF;
        -- (a version of one's own target in its agreement needs no more than the first did)
        IF (NEW.previous_id IS NULL OR prev.agreement_id IS DISTINCT FROM NEW.agreement_id)
           AND NOT krimp.agreement_party(ag.agreement_id, NEW.org_code) THEN
            RAISE EXCEPTION 'organisation % is not a party to agreement "%"', NEW.org_code, ag.code
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('The agreement is %s''s; its parties are %s.', ag.org_code,
                                      array_to_string(ag.parties, ', ')),
                      HINT = 'Only the owner and the parties of an agreement (listed in parties by organisation code or name) add targets to it: use an agreement your organisation is a party to.';
        END IF;
    END IF;
    NEW.unit := coalesce(NEW.unit, ind.unit);
    NEW.granularity := coalesce(NEW.granularity, ind.granularity);
    IF NEW.unit <> ind.unit THEN
        RAISE EXCEPTION 'unit "%" of the target does not match indicator "%"', NEW.unit, ind.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Indicator "%s" is measured in "%s".', ind.code, ind.unit),
                  HINT = 'Express the target in the indicator''s unit.';
    END IF;
    IF NEW.granularity <> ind.granularity
       OR krimp.granularity(NEW.baseline_period) <> ind.granularity
       OR krimp.granularity(NEW.horizon_period) <> ind.granularity
       OR EXISTS (SELECT 1 FROM unnest(NEW.milestone_periods) m(p) WHERE krimp.granularity(m.p) <> ind.granularity) THEN
        RAISE EXCEPTION 'granularity of the target does not match indicator "%"', ind.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Indicator "%s" is measured per %s; the target has baseline %s, horizon %s and granularity %s.',
                                  ind.code, ind.granularity, NEW.baseline_period, NEW.horizon_period, NEW.granularity),
                  HINT = format('Give the baseline, horizon and milestones as periods of one %s.', ind.granularity);
    END IF;
    IF NEW.horizon_period <= NEW.baseline_period THEN
        RAISE EXCEPTION 'horizon % does not come after baseline %', NEW.horizon_period, NEW.baseline_period
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'A target runs from its baseline period to a later horizon period.';
    END IF;
    IF NEW.milestone_periods IS NOT NULL THEN
        IF cardinality(NEW.milestone_periods) <> cardinality(NEW.milestone_values)
           OR array_position(NEW.milestone_periods, NULL) IS NOT NULL
           OR array_position(NEW.milestone_values, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'milestones need one value for every period'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('%s period(s), %s value(s).', cardinality(NEW.milestone_periods),
                                      cardinality(NEW.milestone_values));
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(NEW.milestone_periods) WITH ORDINALITY m(p, k)
                    WHERE m.p <= NEW.baseline_period OR m.p >= NEW.horizon_period
                       OR (m.k > 1 AND m.p <= NEW.milestone_periods[m.k - 1])) THEN
            RAISE EXCEPTION 'milestones must lie between the baseline and the horizon, in order'
                USING ERRCODE = 'invalid_parameter_value',
                      DETAIL = format('Baseline %s, milestones %s, horizon %s.', NEW.baseline_period,
                                      NEW.milestone_periods, NEW.horizon_period);
        END IF;
    END IF;
    IF NEW.group_code IS NOT NULL THEN
        IF ind.aggregation = 'none' THEN
            RAISE EXCEPTION 'indicator "%" cannot be combined over the group "%"', ind.code, NEW.group_code
                USING ERRCODE = 'feature_not_supported',
                      DETAIL = 'Its aggregation is ''none'': figures of regions cannot be combined.',
                      HINT = 'Set the target for a region version instead.';
        END IF;
    END IF;
    IF NEW.layout_year IS NULL AND NEW.group_code IS NOT NULL THEN
        NEW.layout_year := krimp.year(NEW.baseline_period);
    END IF;
    NEW.valid_from := coalesce(NEW.valid_from, ag.starts_on);

    -- the baseline, as the figures were known at the end of the signing day
    IF NEW.baseline_value IS NULL THEN
        kt := (ag.signed_on + 1)::timestamp AT TIME ZONE 'UTC';
        s := krimp.target_series_of(NEW.indicator_id, NEW.region_id, NEW.group_code, NEW.layout_year, kt);
        NEW.baseline_value := krimp.value_at(s, NEW.baseline_period);
        NEW.baseline_known_at := kt;
        IF NEW.baseline_value IS NULL THEN
            RAISE EXCEPTION 'no figure of "%" for % in % was known when agreement "%" was signed',
                            ind.code, coalesce(NEW.group_code, (SELECT r.code FROM krimp.region r
                                                                 WHERE r.region_id = NEW.region_id)),
                            NEW.baseline_period, ag.code
                USING ERRCODE = 'no_data_found',
                      DETAIL = format('The baseline is read from the observations as known and released at %s.', kt),
                      HINT = 'Load the figure with its publication time first (a figure under embargo then does not count), or give baseline_value, or choose another baseline period.';
        END IF;
    END IF;

    planned := NEW.horizon_value - NEW.baseline_value;
    IF ind.direction_of_good <> 0 AND sign(planned) = -ind.direction_of_good AND NOT NEW.against_direction_of_good THEN
        RAISE EXCEPTION 'target runs against the direction of good of indicator "%"', ind.code
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('For "%s" %s is better, and the target goes from %s to %s.', ind.code,
                                  CASE ind.direction_of_good WHEN 1 THEN 'higher' ELSE 'lower' END,
                                  NEW.baseline_value, NEW.horizon_value),
                  HINT = 'If this is intended (for example a limited decline), set against_direction_of_good to true.';
    END IF;
    IF NEW.path = 'growth' AND (NEW.baseline_value <= 0 OR NEW.horizon_value <= 0
                                OR EXISTS (SELECT 1 FROM unnest(NEW.milestone_values) v WHERE v <= 0)) THEN
        RAISE EXCEPTION 'a path of constant growth needs positive values'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use a linear path for values that can be zero or negative.';
    END IF;
    IF NEW.previous_id IS NOT NULL THEN
        IF btrim(NEW.recalibration_reason) = '' THEN
            RAISE EXCEPTION 'a re-calibration needs a reason'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.version := (SELECT p.version + 1 FROM krimp.target p WHERE p.target_id = NEW.previous_id);
    ELSE
        NEW.version := 1;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.target_insert_trigger() IS
    'trigger: checks a new target version (a writer''s own organisation, a party to the agreement, continuing only its own organisation''s target; unit, granularity, horizon after baseline, milestones, direction of good) and takes the baseline value from the observations as known and released at the end of the agreement''s signing day';

-- The series of a would-be target (the trigger's helper).
CREATE FUNCTION krimp.target_series_of(indicator_id integer, region_id bigint, group_code text,
                                       layout_year integer, known_at timestamptz)
    RETURNS krimp.series
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    i krimp.indicator;
    result krimp.series;
BEGIN
    SELECT * INTO i FROM krimp.indicator x WHERE x.indicator_id = target_series_of.indicator_id;
    IF layout_year IS NULL THEN
        -- krimp.region_series(i.code, region_id, known_at) on the released figures
        SELECT krimp.series_agg(o.period, o.value) INTO result
          FROM krimp.figures_as_of(known_at, true) o
         WHERE o.indicator_id = i.indicator_id AND o.region_id = target_series_of.region_id
           AND o.kind = 'realisation';
        RETURN result;
    END IF;
    SELECT krimp.series_agg(c.period, c.value) INTO result
      FROM (SELECT v.period,
                   CASE WHEN count(v.value) = max(n.members)
                             AND (target_series_of.group_code IS NULL OR i.denominator_id IS NULL
                                  OR count(d.value) = max(n.members))
                        THEN CASE WHEN target_series_of.group_code IS NULL OR i.denominator_id IS NULL
                                  THEN sum(v.value) ELSE sum(v.value * d.value) / nullif(sum(d.value), 0) END
                   END AS value
              FROM (SELECT r.region_id FROM krimp.region r
                     WHERE daterange(r.valid_from, r.valid_to) @> make_date(target_series_of.layout_year, 1, 1)
                       AND (r.region_id = target_series_of.region_id
                            OR r.region_id IN (SELECT m.region_id FROM krimp.region_group_member m
                                                WHERE m.group_code = target_series_of.group_code))) mem
             CROSS JOIN (SELECT count(*) AS members FROM krimp.region r
                          WHERE daterange(r.valid_from, r.valid_to) @> make_date(target_series_of.layout_year, 1, 1)
                            AND (r.region_id = target_series_of.region_id
                                 OR r.region_id IN (SELECT m.region_id FROM krimp.region_group_member m
                                                     WHERE m.group_code = target_series_of.group_code))) n
              JOIN krimp.released_harmonise(i.code, target_series_of.layout_year, known_at) v
                ON v.region_id = mem.region_id
              LEFT JOIN krimp.released_harmonise((SELECT x.code FROM krimp.indicator x
                                                   WHERE x.indicator_id = i.denominator_id),
                                                 target_series_of.layout_year, known_at) d
                ON target_series_of.group_code IS NOT NULL AND d.region_id = mem.region_id AND d.period = v.period
             GROUP BY v.period) c;
    RETURN result;
END
$$;
COMMENT ON FUNCTION krimp.target_series_of(integer, bigint, text, integer, timestamptz) IS
    'the series of an indicator in a region version or group as known and released at a moment, recast onto a layout year when one is given (the same rule as krimp.target_series)';

CREATE TRIGGER target_insert BEFORE INSERT ON krimp.target
    FOR EACH ROW EXECUTE FUNCTION krimp.target_insert_trigger();

-- Targets, agreements and stored results are never changed (krimp.immutable_row_trigger, 41_blocks.sql).
CREATE TRIGGER target_immutable BEFORE UPDATE OR DELETE ON krimp.target
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('target rows', 'changed',
        'Re-calibrate with krimp.recalibrate_target(): it makes a new version and keeps this one.');

-- Is a target version in force on a day: the agreement runs, the version has
-- taken effect and no later version has.
CREATE FUNCTION krimp.target_active(target_id bigint, on_date date) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM krimp.target t JOIN krimp.agreement a ON a.agreement_id = t.agreement_id
         WHERE t.target_id = target_active.target_id
           AND a.starts_on <= on_date AND (a.ends_on IS NULL OR a.ends_on > on_date)
           AND t.valid_from <= on_date
           AND NOT EXISTS (SELECT 1 FROM krimp.target n
                            WHERE n.previous_id = t.target_id AND n.valid_from <= on_date))
$$;
COMMENT ON FUNCTION krimp.target_active(bigint, date) IS
    'whether a target version is in force on a day: its agreement runs, it has taken effect, and no later version of it has';

-- ---- evaluation ---------------------------------------------------------
CREATE TYPE krimp.target_evaluation AS (
    target_id           bigint,
    known_at            timestamptz,
    data_vintage        timestamptz,
    light               text,
    observed            integer,
    latest_period       krimp.period,
    latest_value        double precision,
    expected_value      double precision,
    gap                 double precision,
    progress            double precision,
    expected_progress   double precision,
    trend_points        integer,
    trend_slope         double precision,
    projected_value     double precision,
    projected_low       double precision,
    projected_high      double precision,
    region_change       double precision,
    region_change_pct   double precision,
    nl_change           double precision,
    nl_change_pct       double precision,
    nl_source           text,
    best_rate           double precision,
    reachable_value     double precision,
    alternative_horizon_value double precision,
    proposal_period     krimp.period,
    proposal_value      double precision,
    proposal_rate       double precision
);
COMMENT ON TYPE krimp.target_evaluation IS
    'a target judged as known at a moment: the assessment (krimp.target_assessment) plus the data vintage used and the change of the region and of the Netherlands from the baseline period to the latest period';

-- The Netherlands' value of indicators from its municipalities: the sum
-- (a rate: the denominator-weighted mean) over every municipality version
-- that holds in the period, only for a period in which each of them has a
-- figure.  The one place the national total is computed: krimp.national_values
-- (NL01's own figure first) and the demo's national figures read it.
CREATE FUNCTION krimp.national_from_municipalities(known_at timestamptz, indicator_ids integer[],
                                                   released_only boolean DEFAULT true)
    RETURNS TABLE (indicator_id integer, period krimp.period, value double precision,
                   municipalities bigint, published_at timestamptz)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH ind AS (
        SELECT i.indicator_id, i.aggregation, i.denominator_id FROM krimp.indicator i
         WHERE i.indicator_id = ANY (indicator_ids) AND i.aggregation <> 'none'
    ), obs AS (
        -- the realisations of the municipalities as known then (krimp.figures_as_of)
        SELECT o.indicator_id, o.region_id, o.period, o.value, o.published_at
          FROM krimp.figures_as_of(known_at, released_only) o
          JOIN krimp.region r ON r.region_id = o.region_id
         WHERE o.kind = 'realisation' AND r.level = 'municipality'
           AND o.indicator_id = ANY (ARRAY(SELECT ind.indicator_id FROM ind
                                           UNION SELECT ind.denominator_id FROM ind
                                                  WHERE ind.denominator_id IS NOT NULL))
    ), mun AS (
        SELECT ind.indicator_id, v.period,
               CASE WHEN ind.aggregation = 'sum' THEN sum(v.value)
                    ELSE sum(v.value * d.value) / nullif(sum(d.value), 0) END AS value,
               count(v.value) FILTER (WHERE ind.aggregation = 'sum' OR d.value IS NOT NULL) AS n,
               greatest(max(v.published_at), max(d.published_at)) AS published_at
          FROM ind
          JOIN obs v ON v.indicator_id = ind.indicator_id
          LEFT JOIN obs d ON d.indicator_id = ind.denominator_id AND d.region_id = v.region_id AND d.period = v.period
         GROUP BY ind.indicator_id, ind.aggregation, v.period
    )
    SELECT m.indicator_id, m.period, m.value, m.n, m.published_at
      FROM mun m
     WHERE m.n = (SELECT count(*) FROM krimp.region r
                   WHERE r.level = 'municipality'
                     AND daterange(r.valid_from, r.valid_to) @> krimp.daterange(m.period))
$$;
COMMENT ON FUNCTION krimp.national_from_municipalities(timestamptz, integer[], boolean) IS
    'the Netherlands'' value of indicators per period from its municipalities, as known (and, by default, released) at a moment: the sum, or for a rate the denominator-weighted mean, over all municipality versions that hold in the period, only when every one of them has a figure; with the number of municipalities and the latest publication time of the figures used';

-- The Netherlands' value of an indicator in a period as known at a moment:
-- NL01's own figure if there is one, otherwise the value from its
-- municipalities (krimp.national_from_municipalities).
CREATE FUNCTION krimp.national_values(known_at timestamptz, indicator_ids integer[])
    RETURNS TABLE (indicator_id integer, period krimp.period, value double precision, source text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH own AS (
        -- NL01's released realisations as known then (krimp.figures_as_of)
        SELECT o.indicator_id, o.period, o.value
          FROM krimp.figures_as_of(known_at, true) o
          JOIN krimp.region r ON r.region_id = o.region_id
         WHERE o.kind = 'realisation' AND r.code = 'NL01' AND o.value IS NOT NULL
           AND o.indicator_id = ANY (indicator_ids)
    )
    SELECT o.indicator_id, o.period, o.value, 'NL01' FROM own o
    UNION ALL
    SELECT m.indicator_id, m.period, m.value, 'municipalities'
      FROM krimp.national_from_municipalities(known_at, indicator_ids) m
     WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.indicator_id = m.indicator_id AND o.period = m.period)
$$;
COMMENT ON FUNCTION krimp.national_values(timestamptz, integer[]) IS
    'the Netherlands'' value of indicators per period as known and released at a moment (krimp.released_by): NL01''s own figure (source NL01) where loaded, otherwise the value from its municipalities (krimp.national_from_municipalities: the sum, or for a rate the denominator-weighted mean, over all municipality versions that hold in the period, only when every one of them has a figure; source municipalities)';

-- Evaluate targets as known at a moment: the given ones, or (target_ids
-- NULL) every target in force on on_date.  NULL parameters take the
-- defaults of krimp.revaluation_setting.
CREATE FUNCTION krimp.target_evaluations(known_at timestamptz, on_date date, target_ids bigint[] DEFAULT NULL,
                                         window_years double precision DEFAULT NULL,
                                         min_points integer DEFAULT NULL,
                                         path_tolerance double precision DEFAULT NULL,
                                         tolerance double precision DEFAULT NULL)
    RETURNS SETOF krimp.target_evaluation
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    WITH cfg AS (
        SELECT coalesce(target_evaluations.window_years, s.window_years) AS window_years,
               coalesce(target_evaluations.min_points, s.min_points) AS min_points,
               coalesce(target_evaluations.path_tolerance, s.path_tolerance) AS path_tolerance,
               coalesce(target_evaluations.tolerance, s.tolerance) AS tolerance
          FROM krimp.revaluation_settings() s
    ), t AS (
        -- the given targets, or those in force on on_date (as krimp.target_active, set-based)
        SELECT tg.*, i.direction_of_good
          FROM krimp.target tg
          JOIN krimp.indicator i ON i.indicator_id = tg.indicator_id
          JOIN krimp.agreement a ON a.agreement_id = tg.agreement_id
         WHERE target_ids IS NULL
           AND a.starts_on <= on_date AND (a.ends_on IS NULL OR a.ends_on > on_date)
           AND tg.valid_from <= on_date
           AND NOT EXISTS (SELECT 1 FROM krimp.target n
                            WHERE n.previous_id = tg.target_id AND n.valid_from <= on_date)
        UNION ALL
        SELECT tg.*, i.direction_of_good
          FROM (SELECT DISTINCT u.id FROM unnest(target_ids) u(id)) ids
          JOIN krimp.target tg ON tg.target_id = ids.id
          JOIN krimp.indicator i ON i.indicator_id = tg.indicator_id
    ), ser AS (
        SELECT * FROM krimp.target_series_all(known_at, ARRAY(SELECT t.target_id FROM t))
    ), nl AS (
        SELECT * FROM krimp.national_values(known_at, ARRAY(SELECT DISTINCT t.indicator_id FROM t))
    ), a AS (
        SELECT t.target_id, t.indicator_id, t.baseline_period, t.baseline_value, ser.data_vintage,
               krimp.assess(ser.series, t.path, t.baseline_period, t.baseline_value, t.horizon_period,
                            t.horizon_value,
                            CASE WHEN t.direction_of_good <> 0 THEN t.direction_of_good::integer
                                 ELSE sign(t.horizon_value - t.baseline_value)::integer END,
                            t.milestone_periods, t.milestone_values,
                            cfg.window_years, cfg.min_points, cfg.path_tolerance, cfg.tolerance) AS r
          FROM t CROSS JOIN cfg LEFT JOIN ser ON ser.target_id = t.target_id
    )
    SELECT a.target_id, known_at, a.data_vintage, (a.r).light, (a.r).observed, (a.r).latest_period,
           (a.r).latest_value, (a.r).expected_value, (a.r).gap, (a.r).progress, (a.r).expected_progress,
           (a.r).trend_points, (a.r).trend_slope, (a.r).projected_value, (a.r).projected_low,
           (a.r).projected_high,
           (a.r).latest_value - a.baseline_value,
           100 * ((a.r).latest_value - a.baseline_value) / nullif(a.baseline_value, 0),
           n1.value - n0.value,
           100 * (n1.value - n0.value) / nullif(n0.value, 0),
           CASE WHEN n0.source = n1.source THEN n0.source WHEN n0.source IS NOT NULL AND n1.source IS NOT NULL
                THEN n0.source || '/' || n1.source END,
           (a.r).best_rate, (a.r).reachable_value, (a.r).alternative_horizon_value,
           (a.r).proposal_period, (a.r).proposal_value, (a.r).proposal_rate
      FROM a
      LEFT JOIN nl n0 ON n0.indicator_id = a.indicator_id AND n0.period = a.baseline_period
                     AND (a.r).latest_period IS NOT NULL AND (a.r).latest_period > a.baseline_period
      LEFT JOIN nl n1 ON n1.indicator_id = a.indicator_id AND n1.period = (a.r).latest_period
                     AND n0.period IS NOT NULL
$$;
COMMENT ON FUNCTION krimp.target_evaluations(timestamptz, date, bigint[], double precision, integer, double precision, double precision) IS
    'targets judged as the figures were known and released at a moment (no figure under embargo then or now counts, whoever asks: krimp.released_by): the given ones, or every target in force on on_date; NULL parameters take krimp.revaluation_setting''s defaults';

CREATE FUNCTION krimp.evaluate_target(target_id bigint, known_at timestamptz DEFAULT 'infinity',
                                      window_years double precision DEFAULT NULL,
                                      min_points integer DEFAULT NULL,
                                      path_tolerance double precision DEFAULT NULL,
                                      tolerance double precision DEFAULT NULL)
    RETURNS krimp.target_evaluation
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT e.* FROM krimp.target_evaluations(known_at, NULL, ARRAY[target_id], window_years, min_points,
                                             path_tolerance, tolerance) e
$$;
COMMENT ON FUNCTION krimp.evaluate_target(bigint, timestamptz, double precision, integer, double precision, double precision) IS
    'one target judged as the figures were known and released at a moment (now by default): latest observation, value on the path, gap, progress, projection with interval, change against the Netherlands, light and re-calibration proposal; NULL parameters take the defaults';

-- ---- row-level security and grants ----------------------------------------
ALTER TABLE krimp.agreement ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.agreement FORCE ROW LEVEL SECURITY;
CREATE POLICY agreement_read ON krimp.agreement FOR SELECT TO krimp_reader USING (true);
CREATE POLICY agreement_insert ON krimp.agreement FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY agreement_admin ON krimp.agreement FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.target ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.target FORCE ROW LEVEL SECURITY;
CREATE POLICY target_read ON krimp.target FOR SELECT TO krimp_reader USING (true);
CREATE POLICY target_insert ON krimp.target FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY target_admin ON krimp.target FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

GRANT SELECT ON krimp.revaluation_setting, krimp.agreement, krimp.target TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.revaluation_setting TO krimp_admin;
GRANT INSERT ON krimp.agreement, krimp.target TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.agreement_id_seq, krimp.target_id_seq TO krimp_writer, krimp_admin;

-- ===================================================================
-- The five-yearly revaluation rounds: every target judged at each round
-- (CALL krimp.revaluation_round), kept as it was judged, and the
-- re-calibration proposals with their decisions.  The targets and their
-- evaluation are in 50_targets.sql; the views round_result and scorecard
-- in 70_bi.sql.
-- ===================================================================

-- ---- rounds ---------------------------------------------------------------
CREATE TABLE krimp.revaluation_round (
    round_year      integer NOT NULL,
    recomputation   integer NOT NULL DEFAULT 0 CHECK (recomputation OPERATOR(pg_catalog.>=) 0),
    round_date      date NOT NULL,
    known_at        timestamptz NOT NULL,
    data_vintage    timestamptz,
    origin_year     integer NOT NULL,
    window_years    double precision NOT NULL,
    min_points      integer NOT NULL,
    path_tolerance  double precision NOT NULL,
    tolerance       double precision NOT NULL,
    targets         integer NOT NULL,
    reason          text,
    run_by          name NOT NULL DEFAULT CURRENT_USER,
    run_at          timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    PRIMARY KEY (round_year, recomputation)
);
COMMENT ON TABLE krimp.revaluation_round IS
    'revaluation rounds: the round date (31 December of the round year), the moment whose knowledge was used (the end of that day, UTC), the newest figure read, the rule''s parameters and how many targets were judged; a recomputation is a new row, never a change';
SELECT pg_catalog.pg_extension_config_dump('krimp.revaluation_round', '');

CREATE TABLE krimp.round_evaluation (
    round_year          integer NOT NULL,
    recomputation       integer NOT NULL,
    target_id           bigint NOT NULL REFERENCES krimp.target,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    known_at            timestamptz NOT NULL,
    data_vintage        timestamptz,
    light               text NOT NULL CHECK (light OPERATOR(pg_catalog.=) ANY (ARRAY['green', 'orange', 'red', 'grey'])),
    observed            integer NOT NULL,
    latest_period       krimp.period,
    latest_value        double precision,
    expected_value      double precision,
    gap                 double precision,
    progress            double precision,
    expected_progress   double precision,
    trend_points        integer NOT NULL,
    trend_slope         double precision,
    projected_value     double precision,
    projected_low       double precision,
    projected_high      double precision,
    region_change       double precision,
    region_change_pct   double precision,
    nl_change           double precision,
    nl_change_pct       double precision,
    nl_source           text,
    best_rate           double precision,
    reachable_value     double precision,
    alternative_horizon_value double precision,
    PRIMARY KEY (round_year, recomputation, target_id),
    FOREIGN KEY (round_year, recomputation) REFERENCES krimp.revaluation_round
);
CREATE INDEX round_evaluation_target_idx ON krimp.round_evaluation (target_id);
COMMENT ON TABLE krimp.round_evaluation IS
    'the stored, immutable evaluation of every target in force in a round, one row per target per round and recomputation (columns as krimp.target_evaluation)';
SELECT pg_catalog.pg_extension_config_dump('krimp.round_evaluation', '');

CREATE SEQUENCE krimp.recalibration_proposal_id_seq;
CREATE TABLE krimp.recalibration_proposal (
    proposal_id         bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.recalibration_proposal_id_seq'),
    round_year          integer NOT NULL,
    recomputation       integer NOT NULL,
    target_id           bigint NOT NULL,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    start_period        krimp.period NOT NULL,
    start_value         double precision NOT NULL,
    milestone_period    krimp.period NOT NULL,
    milestone_value     double precision NOT NULL,
    annual_rate         double precision NOT NULL,
    horizon_period      krimp.period NOT NULL,
    horizon_value       double precision NOT NULL,
    alternative_horizon_value double precision,
    best_rate           double precision,
    state               text NOT NULL DEFAULT 'open' CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'accepted', 'rejected'])),
    decided_by          name,
    decided_at          timestamptz,
    decision_reason     text,
    new_target_id       bigint REFERENCES krimp.target,
    UNIQUE (round_year, recomputation, target_id),
    FOREIGN KEY (round_year, recomputation, target_id) REFERENCES krimp.round_evaluation,
    CHECK ((state OPERATOR(pg_catalog.=) 'open') OPERATOR(pg_catalog.=) (decided_at IS NULL)),
    CHECK ((state OPERATOR(pg_catalog.=) 'accepted') OPERATOR(pg_catalog.=) (new_target_id IS NOT NULL))
);
ALTER SEQUENCE krimp.recalibration_proposal_id_seq OWNED BY krimp.recalibration_proposal.proposal_id;
COMMENT ON TABLE krimp.recalibration_proposal IS
    'beside each evaluation: a path from the realised value to the horizon value with its next five-year milestone, and an alternative horizon value when the horizon is out of reach at the best five-year rate the region has shown; accepted (a new target version) or rejected once';
SELECT pg_catalog.pg_extension_config_dump('krimp.recalibration_proposal', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.recalibration_proposal_id_seq', '');

CREATE TRIGGER revaluation_round_immutable BEFORE UPDATE OR DELETE ON krimp.revaluation_round
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('revaluation_round rows', 'changed',
        'Recompute a round with CALL krimp.revaluation_round(year, recompute => true); earlier results are kept.');
CREATE TRIGGER round_evaluation_immutable BEFORE UPDATE OR DELETE ON krimp.round_evaluation
    FOR EACH ROW EXECUTE FUNCTION krimp.immutable_row_trigger('round_evaluation rows', 'changed',
        'Recompute a round with CALL krimp.revaluation_round(year, recompute => true); earlier results are kept.');

-- A proposal is decided once; nothing else in it changes.
CREATE FUNCTION krimp.proposal_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'proposals are never deleted'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Reject it with krimp.reject_proposal(proposal_id, reason).';
    END IF;
    IF OLD.state <> 'open' THEN
        RAISE EXCEPTION 'the proposal is already %', OLD.state
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('The reason given: %s', OLD.decision_reason);
    END IF;
    IF (NEW.proposal_id, NEW.round_year, NEW.recomputation, NEW.target_id, NEW.org_code, NEW.start_period,
        NEW.start_value, NEW.milestone_period, NEW.milestone_value, NEW.annual_rate, NEW.horizon_period,
        NEW.horizon_value, NEW.alternative_horizon_value, NEW.best_rate)
       IS DISTINCT FROM
       (OLD.proposal_id, OLD.round_year, OLD.recomputation, OLD.target_id, OLD.org_code, OLD.start_period,
        OLD.start_value, OLD.milestone_period, OLD.milestone_value, OLD.annual_rate, OLD.horizon_period,
        OLD.horizon_value, OLD.alternative_horizon_value, OLD.best_rate) THEN
        RAISE EXCEPTION 'a proposal is only accepted or rejected'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.proposal_guard_trigger() IS
    'trigger: a re-calibration proposal is decided once (accepted or rejected) and otherwise never changed or deleted';
CREATE TRIGGER proposal_guard BEFORE UPDATE OR DELETE ON krimp.recalibration_proposal
    FOR EACH ROW EXECUTE FUNCTION krimp.proposal_guard_trigger();

-- The round date of a round year: 31 December; its knowledge: the end of
-- that day in UTC.  Errors for a year off the grid.
CREATE FUNCTION krimp.round_known_at(round_year integer) RETURNS timestamptz
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    origin integer := (krimp.revaluation_settings()).origin_year;
BEGIN
    IF round_year < 1000 OR round_year > 9998 OR (round_year - origin) % 5 <> 0 THEN
        RAISE EXCEPTION '% is not a revaluation round', round_year
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('Rounds come every five years from %s.', origin),
                  HINT = format('The nearest round is %s; the origin is krimp.revaluation_setting.origin_year.',
                                krimp.evaluation_round(krimp.period('year', round_year), origin));
    END IF;
    RETURN make_timestamptz(round_year + 1, 1, 1, 0, 0, 0, 'UTC');
END
$$;
COMMENT ON FUNCTION krimp.round_known_at(integer) IS
    'the moment a round is judged at: the end of its round date, 31 December of the round year, in UTC; an error for a year that is not on the five-year grid from krimp.revaluation_setting.origin_year';

-- Run a round: evaluate every target in force on the round date as known
-- and released then (krimp.released_by: the round is run by an administrator,
-- who sees every figure, and its results are read by everyone), store the
-- results and proposals.  A round that exists is left as it
-- is unless recompute is true, which adds a recomputation.
CREATE PROCEDURE krimp.revaluation_round(round_year integer, recompute boolean DEFAULT false,
                                         reason text DEFAULT NULL)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    kt timestamptz;
    rd date;
    rc integer;
    cfg krimp.revaluation_setting;
    n integer;
BEGIN
    IF round_year IS NULL OR recompute IS NULL THEN
        RAISE EXCEPTION 'round year and recompute must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    kt := krimp.round_known_at(round_year);
    rd := make_date(round_year, 12, 31);
    -- one round at a time
    PERFORM pg_advisory_xact_lock(hashtext('krimp.revaluation_round'), round_year);
    SELECT max(r.recomputation) INTO rc FROM krimp.revaluation_round r WHERE r.round_year = revaluation_round.round_year;
    IF rc IS NOT NULL AND NOT recompute THEN
        RAISE NOTICE 'round % exists; nothing changed', round_year
            USING HINT = 'Call with recompute => true to add a recomputation; earlier results are kept.';
        RETURN;
    END IF;
    IF recompute AND coalesce(btrim(reason), '') = '' AND rc IS NOT NULL THEN
        RAISE EXCEPTION 'a recomputation needs a reason'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Say why, for example CALL krimp.revaluation_round(2020, true, ''corrected vacancy figures'').';
    END IF;
    rc := coalesce(rc + 1, 0);
    cfg := krimp.revaluation_settings();

    CREATE TEMP TABLE krimp_round_result ON COMMIT DROP AS
    SELECT * FROM krimp.target_evaluations(kt, rd, NULL, cfg.window_years, cfg.min_points,
                                           cfg.path_tolerance, cfg.tolerance);
    GET DIAGNOSTICS n = ROW_COUNT;

    INSERT INTO krimp.revaluation_round (round_year, recomputation, round_date, known_at, data_vintage, origin_year,
                                         window_years, min_points, path_tolerance, tolerance, targets, reason)
    SELECT revaluation_round.round_year, rc, rd, kt, max(e.data_vintage), cfg.origin_year, cfg.window_years,
           cfg.min_points, cfg.path_tolerance, cfg.tolerance, n, revaluation_round.reason
      FROM pg_temp.krimp_round_result e
    -- (never a conflict under READ COMMITTED, where the lock above comes
    -- first; under REPEATABLE READ or SERIALIZABLE a round that another
    -- transaction committed after this one's snapshot is a conflict here,
    -- which PostgreSQL reports as a serialization failure, 40001, to retry,
    -- instead of a unique violation)
    ON CONFLICT DO NOTHING;

    INSERT INTO krimp.round_evaluation
    SELECT revaluation_round.round_year, rc, e.target_id, t.org_code, e.known_at, e.data_vintage, e.light,
           e.observed, e.latest_period, e.latest_value, e.expected_value, e.gap, e.progress, e.expected_progress,
           e.trend_points, e.trend_slope, e.projected_value, e.projected_low, e.projected_high,
           e.region_change, e.region_change_pct, e.nl_change, e.nl_change_pct, e.nl_source, e.best_rate,
           e.reachable_value, e.alternative_horizon_value
      FROM pg_temp.krimp_round_result e JOIN krimp.target t ON t.target_id = e.target_id;

    INSERT INTO krimp.recalibration_proposal (round_year, recomputation, target_id, org_code, start_period,
                                              start_value, milestone_period, milestone_value, annual_rate,
                                              horizon_period, horizon_value, alternative_horizon_value, best_rate)
    SELECT revaluation_round.round_year, rc, e.target_id, t.org_code, e.latest_period, e.latest_value,
           e.proposal_period, e.proposal_value, e.proposal_rate, t.horizon_period, t.horizon_value,
           e.alternative_horizon_value, e.best_rate
      FROM pg_temp.krimp_round_result e JOIN krimp.target t ON t.target_id = e.target_id
     WHERE e.proposal_value IS NOT NULL AND e.latest_period > t.baseline_period;
    DROP TABLE pg_temp.krimp_round_result;
END
$$;
COMMENT ON PROCEDURE krimp.revaluation_round(integer, boolean, text) IS
    'run a revaluation round (a year on the five-year grid): judge every target in force on 31 December of the round year as the figures were known and released at the end of that day (UTC; a figure under embargo then, or still under embargo now, does not count, so that no stored result carries a figure some organisation may not see) and store one immutable row per target, with a re-calibration proposal; running it again changes nothing, recompute => true adds a recomputation (with a reason) and keeps the earlier results';

-- ---- re-calibration ------------------------------------------------------
CREATE FUNCTION krimp.recalibrate_target(target_id bigint, reason text,
                                         horizon_value double precision DEFAULT NULL,
                                         start_period krimp.period DEFAULT NULL,
                                         start_value double precision DEFAULT NULL,
                                         milestone_periods krimp.period[] DEFAULT NULL,
                                         milestone_values double precision[] DEFAULT NULL,
                                         horizon_period krimp.period DEFAULT NULL,
                                         valid_from date DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    old krimp.target;
    new_id bigint;
BEGIN
    IF target_id IS NULL OR coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'a re-calibration needs a target and a reason'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (start_period IS NULL) <> (start_value IS NULL) THEN
        RAISE EXCEPTION 'a new start needs both its period and its value'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO old FROM krimp.target t WHERE t.target_id = recalibrate_target.target_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'target % does not exist', target_id USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT krimp.is_admin() AND NOT old.org_code = ANY (krimp.current_organisations()) THEN
        RAISE EXCEPTION 'target "%" belongs to organisation %', old.name, old.org_code
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A target is re-calibrated only by its own organisation (or an administrator).',
                  HINT = format('Ask %s to re-calibrate it.', old.org_code);
    END IF;
    IF EXISTS (SELECT 1 FROM krimp.target n WHERE n.previous_id = old.target_id) THEN
        RAISE EXCEPTION 'target "%" already has a newer version', old.name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = format('Version %s was re-calibrated.', old.version),
                  HINT = 'Re-calibrate the newest version.';
    END IF;
    INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, group_code, layout_year, unit, granularity,
                              baseline_period, baseline_value, baseline_known_at, horizon_period, horizon_value, path,
                              milestone_periods, milestone_values, against_direction_of_good, org_code, actiehouder,
                              previous_id, recalibration_reason, valid_from)
    VALUES (old.agreement_id, old.name, old.indicator_id, old.region_id, old.group_code, old.layout_year, old.unit,
            old.granularity, coalesce(start_period, old.baseline_period), coalesce(start_value, old.baseline_value),
            CASE WHEN start_period IS NULL THEN old.baseline_known_at END,
            coalesce(recalibrate_target.horizon_period, old.horizon_period),
            coalesce(recalibrate_target.horizon_value, old.horizon_value), old.path,
            CASE WHEN milestone_periods IS NOT NULL OR start_period IS NOT NULL THEN milestone_periods
                 ELSE old.milestone_periods END,
            CASE WHEN milestone_periods IS NOT NULL OR start_period IS NOT NULL THEN milestone_values
                 ELSE old.milestone_values END,
            old.against_direction_of_good, old.org_code, old.actiehouder, old.target_id, reason,
            coalesce(valid_from, current_date))
    RETURNING krimp.target.target_id INTO new_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION krimp.recalibrate_target(bigint, text, double precision, krimp.period, double precision, krimp.period[], double precision[], krimp.period, date) IS
    'make a new version of a target that points to the old one with the reason (the old one is kept): optionally a new horizon value or period, a new start (period and realised value) and milestones; in force from valid_from (today by default); returns the new target id';

-- Who decides a proposal: writers of the target's own organisation (the one
-- that re-calibrates it), or an administrator; not the other parties of its
-- agreement.  An error unless the current user may decide it.
CREATE FUNCTION krimp.proposal_decider_check(proposal_id bigint) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    p krimp.recalibration_proposal;
    target_name text;
BEGIN
    SELECT * INTO p FROM krimp.recalibration_proposal x WHERE x.proposal_id = proposal_decider_check.proposal_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposal % does not exist', proposal_id
            USING ERRCODE = 'undefined_object',
                  HINT = 'The proposals of the rounds are listed in krimp.recalibration_proposal.';
    END IF;
    IF NOT krimp.is_admin() AND NOT p.org_code = ANY (krimp.current_organisations()) THEN
        SELECT t.name INTO target_name FROM krimp.target t WHERE t.target_id = p.target_id;
        RAISE EXCEPTION 'the proposal for target "%" in round % is not yours to decide', target_name, p.round_year
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = format('It re-calibrates a target of organisation %s; only that organisation (or an administrator) accepts or rejects it.',
                                  p.org_code),
                  HINT = format('Ask %s to decide it.', p.org_code);
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.proposal_decider_check(bigint) IS
    'raises an error unless the current user may decide the proposal: a writer of the target''s own organisation, or an administrator (the other parties of the agreement do not decide it)';

CREATE FUNCTION krimp.accept_proposal(proposal_id bigint, reason text, use_alternative boolean DEFAULT false,
                                      valid_from date DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    p krimp.recalibration_proposal;
    hv double precision;
    mv double precision;
    t krimp.target;
    new_id bigint;
BEGIN
    PERFORM krimp.proposal_decider_check(proposal_id);
    SELECT * INTO p FROM krimp.recalibration_proposal x WHERE x.proposal_id = accept_proposal.proposal_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposal % does not exist', proposal_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF p.state <> 'open' THEN
        RAISE EXCEPTION 'the proposal is already %', p.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF use_alternative AND p.alternative_horizon_value IS NULL THEN
        RAISE EXCEPTION 'the proposal has no alternative horizon value'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The horizon value is within reach at the best five-year rate the region has shown.';
    END IF;
    SELECT * INTO t FROM krimp.target x WHERE x.target_id = p.target_id;
    hv := CASE WHEN use_alternative THEN p.alternative_horizon_value ELSE p.horizon_value END;
    -- the milestone on the accepted path (to the alternative, it is recomputed on the same kind of path)
    mv := CASE WHEN NOT use_alternative THEN p.milestone_value
               WHEN t.path = 'growth' THEN p.start_value * power(hv / p.start_value,
                        (p.milestone_period - p.start_period)::double precision / (p.horizon_period - p.start_period))
               ELSE p.start_value + (hv - p.start_value)
                        * (p.milestone_period - p.start_period)::double precision / (p.horizon_period - p.start_period) END;
    new_id := krimp.recalibrate_target(p.target_id, reason, hv, p.start_period, p.start_value,
                                       CASE WHEN p.milestone_period < p.horizon_period THEN ARRAY[p.milestone_period] END,
                                       CASE WHEN p.milestone_period < p.horizon_period THEN ARRAY[mv] END,
                                       NULL, valid_from);
    UPDATE krimp.recalibration_proposal x
       SET state = 'accepted', decided_by = CURRENT_USER, decided_at = clock_timestamp(),
           decision_reason = reason, new_target_id = new_id
     WHERE x.proposal_id = p.proposal_id;
    RETURN new_id;
END
$$;
COMMENT ON FUNCTION krimp.accept_proposal(bigint, text, boolean, date) IS
    'accept a re-calibration proposal: a new target version from the realised value to the horizon value (or, with use_alternative, to the alternative horizon value) with the next five-year milestone; returns the new target id';

CREATE FUNCTION krimp.reject_proposal(proposal_id bigint, reason text) RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM krimp.proposal_decider_check(proposal_id);
    UPDATE krimp.recalibration_proposal x
       SET state = 'rejected', decided_by = CURRENT_USER, decided_at = clock_timestamp(), decision_reason = reason
     WHERE x.proposal_id = reject_proposal.proposal_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposal % does not exist', proposal_id
            USING ERRCODE = 'undefined_object';
    END IF;
END
$$;
COMMENT ON FUNCTION krimp.reject_proposal(bigint, text) IS
    'reject a re-calibration proposal with a reason; the target stays as it is';

-- ---- row-level security and grants ----------------------------------------
ALTER TABLE krimp.revaluation_round ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.revaluation_round FORCE ROW LEVEL SECURITY;
CREATE POLICY revaluation_round_read ON krimp.revaluation_round FOR SELECT TO krimp_reader USING (true);
CREATE POLICY revaluation_round_admin ON krimp.revaluation_round FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.round_evaluation ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.round_evaluation FORCE ROW LEVEL SECURITY;
CREATE POLICY round_evaluation_read ON krimp.round_evaluation FOR SELECT TO krimp_reader USING (true);
CREATE POLICY round_evaluation_admin ON krimp.round_evaluation FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.recalibration_proposal ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.recalibration_proposal FORCE ROW LEVEL SECURITY;
CREATE POLICY proposal_read ON krimp.recalibration_proposal FOR SELECT TO krimp_reader USING (true);
CREATE POLICY proposal_decide ON krimp.recalibration_proposal FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY proposal_admin ON krimp.recalibration_proposal FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

GRANT SELECT ON krimp.revaluation_round, krimp.round_evaluation, krimp.recalibration_proposal TO krimp_reader;
GRANT UPDATE (state, decided_by, decided_at, decision_reason, new_target_id)
    ON krimp.recalibration_proposal TO krimp_writer, krimp_admin;
GRANT INSERT ON krimp.revaluation_round, krimp.round_evaluation, krimp.recalibration_proposal TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.recalibration_proposal_id_seq TO krimp_admin;

REVOKE ALL ON PROCEDURE krimp.revaluation_round(integer, boolean, text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE krimp.revaluation_round(integer, boolean, text) TO krimp_admin;
REVOKE ALL ON FUNCTION krimp.recalibrate_target(bigint, text, double precision, krimp.period, double precision, krimp.period[], double precision[], krimp.period, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION krimp.accept_proposal(bigint, text, boolean, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION krimp.reject_proposal(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.recalibrate_target(bigint, text, double precision, krimp.period, double precision, krimp.period[], double precision[], krimp.period, date) TO krimp_writer, krimp_admin;
GRANT EXECUTE ON FUNCTION krimp.accept_proposal(bigint, text, boolean, date) TO krimp_writer, krimp_admin;
GRANT EXECUTE ON FUNCTION krimp.reject_proposal(bigint, text) TO krimp_writer, krimp_admin;

-- ===================================================================
-- The nightly job: flags tipping points in every series whose
-- observations changed, keeps each flag's life (new, confirmed,
-- withdrawn), records every run and notifies listeners.
--
--   observation INSERT/UPDATE --trigger--> krimp.series_queue
--   CALL krimp.nightly()  -->  krimp.tipping_points() per queued series
--                         -->  krimp.tipping_point_flag (reconciled)
--                         -->  krimp.job_run, NOTIFY krimp_tipping_points
-- ===================================================================

-- Series to recompute: appended by a trigger on the observations, taken by
-- the nightly job.  Append-only, so a load never waits for a running job.
CREATE SEQUENCE krimp.series_queue_id_seq;
CREATE TABLE krimp.series_queue (
    queue_id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.series_queue_id_seq'),
    indicator_id    integer NOT NULL,
    region_id       bigint NOT NULL,
    queued_at       timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
);
ALTER SEQUENCE krimp.series_queue_id_seq OWNED BY krimp.series_queue.queue_id;
COMMENT ON TABLE krimp.series_queue IS
    'series (indicator, region version) whose observations changed since the last nightly run';
-- The queue is work in progress, not data: pg_dump does not keep it.  A
-- restore fills it anew, since restoring the observations fires the trigger
-- below, so the first run after a restore examines every restored series.

-- Queue the series a statement touched, once each.  SECURITY DEFINER so that
-- writers need no right on the queue itself; fixed search_path.
CREATE FUNCTION krimp.series_queue_trigger() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    INSERT INTO krimp.series_queue (indicator_id, region_id)
    SELECT DISTINCT n.indicator_id, n.region_id FROM changed n;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION krimp.series_queue_trigger() IS
    'trigger: queue every series whose observations a statement inserted or retracted';
REVOKE ALL ON FUNCTION krimp.series_queue_trigger() FROM PUBLIC;
CREATE TRIGGER observation_queue_insert AFTER INSERT ON krimp.observation_row
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
CREATE TRIGGER observation_queue_update AFTER UPDATE ON krimp.observation_row
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();

-- Every run of the job.
CREATE SEQUENCE krimp.job_run_id_seq;
CREATE TABLE krimp.job_run (
    run_id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.job_run_id_seq'),
    job                 text NOT NULL DEFAULT 'nightly',
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz NOT NULL,
    full_run            boolean NOT NULL,
    run_by              name NOT NULL DEFAULT SESSION_USER,
    series_examined     integer NOT NULL,
    flags_new           integer NOT NULL,
    flags_confirmed     integer NOT NULL,
    flags_withdrawn     integer NOT NULL,
    duration_ms         double precision NOT NULL
);
ALTER SEQUENCE krimp.job_run_id_seq OWNED BY krimp.job_run.run_id;
COMMENT ON TABLE krimp.job_run IS
    'what each nightly run did: series examined, flags new, confirmed and withdrawn, time taken';
SELECT pg_catalog.pg_extension_config_dump('krimp.job_run', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.job_run_id_seq', '');

-- Flagged tipping points and their life.
CREATE SEQUENCE krimp.tipping_point_flag_id_seq;
CREATE TABLE krimp.tipping_point_flag (
    flag_id             bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.tipping_point_flag_id_seq'),
    indicator_id        integer NOT NULL REFERENCES krimp.indicator,
    region_id           bigint NOT NULL REFERENCES krimp.region,
    period              krimp.period NOT NULL,
    kind                text NOT NULL,
    direction           text,
    assessment          text,
    before              double precision,
    after               double precision,
    abs_change          double precision,
    rel_change          double precision,
    p_value             double precision,
    score               double precision,
    recent              boolean,
    status              text NOT NULL CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['new', 'confirmed', 'withdrawn'])),
    first_flagged       timestamptz NOT NULL,
    last_confirmed      timestamptz NOT NULL,
    withdrawn_at        timestamptz,
    first_run_id        bigint NOT NULL REFERENCES krimp.job_run,
    last_run_id         bigint NOT NULL REFERENCES krimp.job_run,
    CHECK ((status OPERATOR(pg_catalog.=) 'withdrawn') OPERATOR(pg_catalog.=) (withdrawn_at IS NOT NULL))
);
ALTER SEQUENCE krimp.tipping_point_flag_id_seq OWNED BY krimp.tipping_point_flag.flag_id;
-- one live flag per tipping point: a rerun never duplicates one; withdrawn flags are kept
CREATE UNIQUE INDEX tipping_point_flag_live ON krimp.tipping_point_flag (indicator_id, region_id, period, kind)
    WHERE status OPERATOR(pg_catalog.<>) 'withdrawn';
COMMENT ON TABLE krimp.tipping_point_flag IS
    'tipping points the nightly job flagged: new on the run that first found one, confirmed while later runs find it again, withdrawn (and kept) when revised data made it disappear';
SELECT pg_catalog.pg_extension_config_dump('krimp.tipping_point_flag', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.tipping_point_flag_id_seq', '');

GRANT SELECT ON krimp.job_run, krimp.tipping_point_flag TO krimp_reader;

GRANT SELECT, DELETE ON krimp.series_queue TO krimp_admin;
GRANT SELECT, INSERT, UPDATE ON krimp.tipping_point_flag, krimp.job_run TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.job_run_id_seq, krimp.tipping_point_flag_id_seq TO krimp_admin;

-- ===================================================================
-- The nightly job's functions and procedure.  Only CREATE OR REPLACE, so
-- that an upgrade runs this part again (see the Makefile).
-- ===================================================================

-- The released current realisations of one series, as the nightly job sees
-- them: no embargoed figure, so that flags, which every role reads, never
-- reveal one.
CREATE OR REPLACE FUNCTION krimp.released_series(indicator_id integer, region_id bigint) RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    -- the current figures released by now: krimp.figures_as_of('infinity', true),
    -- the same figure per period as every other reader takes
    SELECT krimp.series_agg(o.period, o.value)
      FROM krimp.figures_as_of('infinity', true) o
     WHERE o.indicator_id = released_series.indicator_id AND o.region_id = released_series.region_id
       AND o.kind = 'realisation'
$$;
COMMENT ON FUNCTION krimp.released_series(integer, bigint) IS
    'the current released realisations of an indicator in a region version, as the nightly job reads them';

-- A benchmark on the scale of the series: a count (aggregation 'sum') is
-- compared by its growth, so the national series is rescaled to the
-- region's value at the first period both have ("as fast a rise as the
-- national average"); rates and averages are compared as they are.
CREATE OR REPLACE FUNCTION krimp.comparable_benchmark(s krimp.series, benchmark krimp.series, aggregation text)
    RETURNS krimp.series
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT CASE
        WHEN s IS NULL OR benchmark IS NULL THEN NULL
        WHEN aggregation <> 'sum' THEN benchmark
        ELSE (SELECT benchmark * (a.value / b.value)
                FROM krimp.points(s) a JOIN krimp.points(benchmark) b USING (period)
               WHERE a.value IS NOT NULL AND b.value IS NOT NULL AND b.value <> 0
               ORDER BY a.period LIMIT 1)
    END
$$;
COMMENT ON FUNCTION krimp.comparable_benchmark(krimp.series, krimp.series, text) IS
    'the benchmark series on the scale of a series: for a count (aggregation sum) the national series rescaled to the region''s value at their first common period, so that the gap measures growth against the national average; otherwise the benchmark as it is';

-- The national benchmark of a series: the same indicator for the country
-- (NL01) version that holds when the series starts, if one is loaded.
CREATE OR REPLACE FUNCTION krimp.benchmark_series(indicator_id integer, region_id bigint) RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT krimp.released_series(benchmark_series.indicator_id, nl.region_id)
      FROM krimp.region r
      JOIN krimp.region nl ON nl.code = 'NL01'
       AND daterange(nl.valid_from, nl.valid_to) && daterange(r.valid_from, r.valid_to)
     WHERE r.region_id = benchmark_series.region_id AND r.code <> 'NL01'
     ORDER BY nl.valid_to DESC NULLS FIRST
     LIMIT 1
$$;
COMMENT ON FUNCTION krimp.benchmark_series(integer, bigint) IS
    'the national (NL01) series of the same indicator, the benchmark for convergence; NULL if none is loaded';

CREATE OR REPLACE PROCEDURE krimp.nightly(full_run boolean DEFAULT false)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    run bigint;
    n_series integer;
    n_new integer;
    n_confirmed integer;
    n_withdrawn integer;
BEGIN
    -- one run at a time; a second one gives up at once
    IF NOT pg_try_advisory_xact_lock(pg_catalog.hashtext('krimp.nightly')) THEN
        RAISE EXCEPTION 'another nightly run is in progress'
            USING ERRCODE = 'lock_not_available',
                  HINT = 'Wait for it to finish; krimp.job_run records every finished run.';
    END IF;
    run := nextval('krimp.job_run_id_seq');

    -- the series to examine: everything queued so far (later loads queue for the next run), or all.
    -- One statement takes the queue and deletes exactly the rows it read: a load that commits
    -- during the run, whatever its queue_id, stays queued for the next run.  Every temporary
    -- table is named with pg_temp., so that no table of another schema can stand in for it.
    CREATE TEMP TABLE krimp_nightly_series (indicator_id integer, region_id bigint) ON COMMIT DROP;
    WITH taken AS (DELETE FROM krimp.series_queue q RETURNING q.indicator_id, q.region_id)
    INSERT INTO pg_temp.krimp_nightly_series SELECT DISTINCT t.indicator_id, t.region_id FROM taken t;
    IF full_run THEN
        INSERT INTO pg_temp.krimp_nightly_series
        SELECT o.indicator_id, o.region_id FROM krimp.observation_row o
        UNION SELECT b.indicator_id, b.region_id FROM krimp.observation_block b
        EXCEPT SELECT s.indicator_id, s.region_id FROM pg_temp.krimp_nightly_series s;
    END IF;
    SELECT count(*) INTO n_series FROM pg_temp.krimp_nightly_series;

    -- detect, with each indicator's direction of good and the national benchmark
    -- a change is recent only in a region version that still holds: the last
    -- years of a municipality that merged away are history, not news
    CREATE TEMP TABLE krimp_nightly_found ON COMMIT DROP AS
    SELECT s.indicator_id, s.region_id, (rg.valid_to IS NULL OR rg.valid_to > current_date) AS region_current, tp.*
      FROM pg_temp.krimp_nightly_series s
      JOIN krimp.indicator i ON i.indicator_id = s.indicator_id
      JOIN krimp.region rg ON rg.region_id = s.region_id
      CROSS JOIN LATERAL (SELECT krimp.released_series(s.indicator_id, s.region_id) AS series) x
      CROSS JOIN LATERAL krimp.tipping_points(
          x.series,
          krimp.comparable_benchmark(x.series, krimp.benchmark_series(s.indicator_id, s.region_id), i.aggregation),
          i.direction_of_good) tp;

    INSERT INTO krimp.job_run (run_id, started_at, finished_at, full_run, series_examined,
                               flags_new, flags_confirmed, flags_withdrawn, duration_ms)
    VALUES (run, t0, clock_timestamp(), full_run, n_series, 0, 0, 0, 0);

    -- reconcile with the live flags of the examined series
    WITH withdrawn AS (
        UPDATE krimp.tipping_point_flag f
           SET status = 'withdrawn', withdrawn_at = t0, last_run_id = run
          FROM pg_temp.krimp_nightly_series s
         WHERE f.indicator_id = s.indicator_id AND f.region_id = s.region_id AND f.status <> 'withdrawn'
           AND NOT EXISTS (SELECT 1 FROM pg_temp.krimp_nightly_found x
                            WHERE x.indicator_id = f.indicator_id AND x.region_id = f.region_id
                              AND x.period = f.period AND x.kind = f.kind)
        RETURNING 1)
    SELECT count(*) INTO n_withdrawn FROM withdrawn;

    WITH confirmed AS (
        UPDATE krimp.tipping_point_flag f
           SET status = 'confirmed', last_confirmed = t0, last_run_id = run,
               direction = x.direction, assessment = x.assessment, before = x.before, after = x.after,
               abs_change = x.abs_change, rel_change = x.rel_change, p_value = x.p_value,
               score = x.score, recent = x.recent AND x.region_current
          FROM pg_temp.krimp_nightly_found x
         WHERE f.indicator_id = x.indicator_id AND f.region_id = x.region_id
           AND f.period = x.period AND f.kind = x.kind AND f.status <> 'withdrawn'
        RETURNING 1)
    SELECT count(*) INTO n_confirmed FROM confirmed;

    WITH fresh AS (
        INSERT INTO krimp.tipping_point_flag (indicator_id, region_id, period, kind, direction, assessment,
                                              before, after, abs_change, rel_change, p_value, score, recent,
                                              status, first_flagged, last_confirmed, first_run_id, last_run_id)
        SELECT x.indicator_id, x.region_id, x.period, x.kind, x.direction, x.assessment, x.before, x.after,
               x.abs_change, x.rel_change, x.p_value, x.score, x.recent AND x.region_current, 'new', t0, t0, run, run
          FROM pg_temp.krimp_nightly_found x
         WHERE NOT EXISTS (SELECT 1 FROM krimp.tipping_point_flag f
                            WHERE f.indicator_id = x.indicator_id AND f.region_id = x.region_id
                              AND f.period = x.period AND f.kind = x.kind AND f.status <> 'withdrawn')
        RETURNING 1)
    SELECT count(*) INTO n_new FROM fresh;

    UPDATE krimp.job_run
       SET finished_at = clock_timestamp(), flags_new = n_new, flags_confirmed = n_confirmed,
           flags_withdrawn = n_withdrawn,
           duration_ms = extract(epoch FROM clock_timestamp() - t0) * 1000
     WHERE run_id = run;

    IF n_new > 0 THEN
        PERFORM pg_notify('krimp_tipping_points',
                          json_build_object('run_id', run, 'series_examined', n_series, 'new', n_new,
                                            'confirmed', n_confirmed, 'withdrawn', n_withdrawn)::text);
    END IF;
    DROP TABLE pg_temp.krimp_nightly_found;
    DROP TABLE pg_temp.krimp_nightly_series;
END
$$;
COMMENT ON PROCEDURE krimp.nightly(boolean) IS
    'the nightly job: detect tipping points in every series whose observations changed since the last run (all series with full_run => true), reconcile the flags (new, confirmed, withdrawn), record the run in krimp.job_run and NOTIFY krimp_tipping_points with a JSON summary when something new was flagged';
REVOKE ALL ON PROCEDURE krimp.nightly(boolean) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE krimp.nightly(boolean) TO krimp_admin;
-- Schedule the nightly job with pg_cron, when pg_cron is installed.
-- pg_cron 1.4 (Debian 12) reads schedules in GMT: '0 2 * * *' runs at 03:00
-- in Amsterdam in winter and 04:00 in summer.
CREATE OR REPLACE FUNCTION krimp.schedule_nightly(schedule text DEFAULT '0 2 * * *') RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    job bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Install postgresql-15-cron, add pg_cron to shared_preload_libraries, CREATE EXTENSION pg_cron, or run "krimpctl nightly" from an external scheduler.';
    END IF;
    EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO job
        USING 'krimp-nightly', schedule, 'CALL krimp.nightly()';
    RETURN job;
END
$$;
COMMENT ON FUNCTION krimp.schedule_nightly(text) IS
    'schedule CALL krimp.nightly() with pg_cron (job name krimp-nightly; the schedule is read in GMT by pg_cron 1.4); an error with a hint when pg_cron is not installed';
REVOKE ALL ON FUNCTION krimp.schedule_nightly(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.schedule_nightly(text) TO krimp_admin;

-- Blocks of observations queue their series as rows do (60_nightly.sql).
CREATE TRIGGER observation_block_queue_insert AFTER INSERT ON krimp.observation_block
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
CREATE TRIGGER observation_block_queue_update AFTER UPDATE ON krimp.observation_block
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
-- ===================================================================
-- The one-line explanation of a tipping point, written once: the report
-- (krimpctl report), the demo (krimpctl demo) and scripts/demo.sql all
-- print this sentence.  Only CREATE OR REPLACE, so that an upgrade runs
-- this part again (see the Makefile).
--
--   level shift up from a level of 1,200 to 1,350 persons (improving, p = 0.0120)
--   trend turn: the trend went from +12 to -30 persons a year (worsening, p < 0.0001)
--   divergence against the national growth: the gap moved -4.5 instead of -1.2 % a year (worsening)
--
-- A level shift names its direction (up or down); the parenthesis holds
-- the assessment (none for an indicator without a direction of good) and
-- the significance, each when known.
-- ===================================================================

-- A number as the report prints it: rounded to the indicator's decimals,
-- thousands separated by a comma, a '+' before a positive rate of change
-- when signed; '-' for an unknown value.  to_char is STABLE (locale), so
-- this is too, although its pattern uses no locale-dependent field.
CREATE OR REPLACE FUNCTION krimp.explain_number(v double precision, decimals integer, signed boolean)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
           WHEN v IS NULL OR v IN ('NaN', 'Infinity', '-Infinity') THEN '-'
           ELSE CASE WHEN signed AND v > 0 THEN '+' ELSE '' END
                || pg_catalog.to_char(pg_catalog.round(v::numeric, GREATEST(coalesce(decimals, 0), 0)),
                                      'FM999,999,999,999,990'
                                      || CASE WHEN decimals > 0 THEN '.' || pg_catalog.repeat('0', decimals)
                                              ELSE '' END)
       END;
COMMENT ON FUNCTION krimp.explain_number(double precision, integer, boolean) IS
    'a number as krimp.explain writes it: the given decimals, comma thousands separators, + before a positive value when signed, - when unknown';

-- The sentence from its parts.  Not STRICT: before, after, p_value, unit
-- and assessment may each be unknown; kind NULL gives NULL.
CREATE OR REPLACE FUNCTION krimp.explain(kind text, direction text, before double precision,
                                         after double precision, p_value double precision, unit text,
                                         assessment text DEFAULT NULL, decimals integer DEFAULT 0)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
           WHEN kind IN ('trend turn', 'acceleration', 'deceleration') THEN
               pg_catalog.format('%s: the trend went from %s to %s%s a year',
                                 kind, krimp.explain_number(before, decimals, true),
                                 krimp.explain_number(after, decimals, true),
                                 coalesce(' ' || nullif(unit, ''), ''))
           WHEN kind IN ('convergence', 'divergence') THEN
               pg_catalog.format('%s against the national growth: the gap moved %s instead of %s%s a year',
                                 kind, krimp.explain_number(after, decimals, true),
                                 krimp.explain_number(before, decimals, true),
                                 coalesce(' ' || nullif(unit, ''), ''))
           WHEN kind IS NOT NULL THEN
               pg_catalog.format('%s%s from a level of %s to %s%s',
                                 kind, coalesce(' ' || nullif(direction, ''), ''),
                                 krimp.explain_number(before, decimals, false),
                                 krimp.explain_number(after, decimals, false),
                                 coalesce(' ' || nullif(unit, ''), ''))
       END
       || coalesce(' (' || nullif(pg_catalog.concat_ws(', ', assessment,
                                                      CASE WHEN p_value < 0.0001 THEN 'p < 0.0001'
                                                           WHEN p_value IS NOT NULL
                                                           THEN 'p = ' || pg_catalog.to_char(p_value, 'FM0.0000')
                                                      END), '') || ')', '');
COMMENT ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer) IS
    'the one-line explanation of a tipping point from its kind, direction (up or down), value before and after, p-value, the indicator''s unit, and optionally the assessment (improving or worsening) and the indicator''s decimals';

-- The sentence of a flag, in its indicator's unit and decimals.
CREATE OR REPLACE FUNCTION krimp.explain(f krimp.tipping_point_flag)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT krimp.explain(f.kind, f.direction, f.before, f.after, f.p_value, i.unit, f.assessment, i.decimals)
      FROM krimp.indicator i
     WHERE i.indicator_id = f.indicator_id;
END;
COMMENT ON FUNCTION krimp.explain(krimp.tipping_point_flag) IS
    'the one-line explanation of a flagged tipping point (krimp.explain over its kind, direction, values and p-value, in the indicator''s unit and decimals); the sentence of krimpctl report, krimpctl demo and scripts/demo.sql';

-- ===================================================================
-- Views for BI tools: the schema krimp_bi (docs/bi.md).
--
-- Power BI (Npgsql), Tableau and Metabase (pgJDBC), Superset (SQLAlchemy)
-- and psqlODBC fail on, or show as text, columns of custom types, enums,
-- arrays, ranges and composites.  Every view here has standard scalar
-- columns only (text, integer, bigint, double precision, numeric, date,
-- timestamptz, boolean), a stable bigint key, and is security_invoker, so
-- that row-level security holds for the login that reads it.  The one
-- exception is the geometry of krimp_bi.region_layer, the QGIS layer.
--
-- A star:
--   facts       fact_observation, fact_observation_harmonised,
--               fact_tipping_point, fact_evaluation, fact_scorecard
--   dimensions  dim_region, dim_indicator, dim_period
--   QGIS layer  region_layer (dim_region's versions with their geometry)
-- joined on region_key, indicator_key and period_key (a period's stable
-- int32 encoding, extension/core/period.h, as a bigint).
--
-- Keys: the table's own id where one row of the view is one row of a table
-- (observation, tipping point, region, indicator); the period's encoding for
-- periods; otherwise the first 64 bits of the SHA-256 of the natural key (sign bit cleared)
-- written out as text (harmonised figures, evaluations, scorecard rows),
-- which is the same on every platform, version and load.  sql/bi.sql checks
-- that every key is unique and not null.
-- ===================================================================

-- ---- views for BI tools (plain SQL types only) --------------------------
CREATE VIEW krimp.round_result WITH (security_invoker = true) AS
    SELECT e.round_year, e.recomputation,
           e.recomputation = (SELECT max(r.recomputation) FROM krimp.revaluation_round r
                               WHERE r.round_year = e.round_year) AS latest,
           e.target_id, t.version, t.name AS target_name, a.code AS agreement_code, a.name AS agreement_name,
           i.code AS indicator_code, i.name AS indicator_name, i.theme, i.unit,
           coalesce(t.group_code, r.code) AS region_code, coalesce(g.name, r.name) AS region_name,
           CASE WHEN t.group_code IS NOT NULL THEN 'group' ELSE r.level END AS region_level,
           t.org_code, t.actiehouder,
           t.baseline_period::text AS baseline_period, t.baseline_value,
           t.horizon_period::text AS horizon_period, t.horizon_value,
           e.known_at, e.data_vintage, e.light,
           CASE e.light WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'grey' THEN 2 ELSE 1 END AS severity,
           e.latest_period::text AS latest_period, e.latest_value, e.expected_value, e.gap, e.progress,
           e.expected_progress, e.trend_slope, e.projected_value, e.projected_low, e.projected_high,
           e.region_change_pct, e.nl_change_pct, e.nl_source, e.best_rate, e.alternative_horizon_value
      FROM krimp.round_evaluation e
      JOIN krimp.target t ON t.target_id = e.target_id
      JOIN krimp.agreement a ON a.agreement_id = t.agreement_id
      JOIN krimp.indicator i ON i.indicator_id = t.indicator_id
      LEFT JOIN krimp.region r ON r.region_id = t.region_id
      LEFT JOIN krimp.region_group g ON g.group_code = t.group_code;
COMMENT ON VIEW krimp.round_result IS
    'stored round results with their target, agreement, indicator and region, in plain SQL types for BI tools; latest marks the newest recomputation of a round';

CREATE VIEW krimp.scorecard WITH (security_invoker = true) AS
    SELECT x.round_year, x.region_code, x.region_name, x.theme,
           count(*)::integer AS targets,
           count(*) FILTER (WHERE x.light = 'green')::integer AS green,
           count(*) FILTER (WHERE x.light = 'orange')::integer AS orange,
           count(*) FILTER (WHERE x.light = 'red')::integer AS red,
           count(*) FILTER (WHERE x.light = 'grey')::integer AS grey,
           string_agg(x.target_name || ' (' || x.light || ')', '; '
                      ORDER BY x.severity DESC, coalesce(x.expected_progress - x.progress, 0) DESC, x.target_name)
               FILTER (WHERE x.rank <= 3 AND x.light <> 'green') AS worst_items
      FROM (SELECT rr.*, row_number() OVER (PARTITION BY rr.round_year, rr.region_code, rr.theme
                                            ORDER BY rr.severity DESC,
                                                     coalesce(rr.expected_progress - rr.progress, 0) DESC,
                                                     rr.target_name) AS rank
              FROM krimp.round_result rr WHERE rr.latest) x
     GROUP BY x.round_year, x.region_code, x.region_name, x.theme;
COMMENT ON VIEW krimp.scorecard IS
    'per round (its newest recomputation), region and theme: how many targets are green, orange, red and grey, and the worst three that are not green (red before orange before grey, then the largest shortfall in progress)';
GRANT SELECT ON krimp.round_result, krimp.scorecard TO krimp_reader;

CREATE SCHEMA krimp_bi;
COMMENT ON SCHEMA krimp_bi IS
    'views for BI tools (Power BI, Tableau, Metabase, Superset, QGIS): a star of facts and dimensions with standard SQL types only and a stable bigint key each; row-level security holds through them (docs/bi.md)';

-- ---- dimensions -----------------------------------------------------------

CREATE VIEW krimp_bi.dim_period WITH (security_invoker = true) AS
    WITH calendar AS (
        -- every year, half-year, quarter and month from 1900 to 2100
        SELECT krimp.period(g.granularity, y.y, s.s) AS p
          FROM pg_catalog.generate_series(1900, 2100) y(y)
         CROSS JOIN (VALUES ('year', 1), ('half-year', 2), ('quarter', 4), ('month', 12)) g(granularity, n)
         CROSS JOIN LATERAL pg_catalog.generate_series(1, g.n) s(s)
    ), used AS (
        -- and every other period a fact refers to (spans of years, far years)
        SELECT o.period AS p FROM krimp.observation o
        UNION SELECT f.period FROM krimp.tipping_point_flag f
        UNION SELECT t.baseline_period FROM krimp.target t
        UNION SELECT t.horizon_period FROM krimp.target t
        UNION SELECT e.latest_period FROM krimp.round_evaluation e WHERE e.latest_period IS NOT NULL
    ), periods AS (
        SELECT c.p FROM calendar c
        UNION
        SELECT u.p FROM used u
         WHERE krimp.granularity(u.p) OPERATOR(pg_catalog.=) 'span'
            OR krimp.year(u.p) OPERATOR(pg_catalog.<) 1900 OR krimp.year(u.p) OPERATOR(pg_catalog.>) 2100
    )
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(x.p), 'hex'))::bit(32)::integer::bigint
               AS period_key,
           x.p::text AS period_label,
           krimp.cbs_code(x.p) AS period_code,
           krimp.granularity(x.p) AS granularity,
           krimp.first_day(x.p) AS first_day,
           krimp.last_day(x.p) AS last_day,
           krimp.year(x.p) AS year,
           krimp.end_year(x.p) AS end_year,
           krimp.months(x.p) AS months,
           CASE krimp.granularity(x.p)
               WHEN 'month' THEN pg_catalog.date_part('month', krimp.first_day(x.p))::integer
               WHEN 'quarter' THEN (pg_catalog.date_part('month', krimp.first_day(x.p))::integer OPERATOR(pg_catalog.+) 2) OPERATOR(pg_catalog./) 3
               WHEN 'half-year' THEN (pg_catalog.date_part('month', krimp.first_day(x.p))::integer OPERATOR(pg_catalog.+) 5) OPERATOR(pg_catalog./) 6
           END AS sub_period
      FROM periods x;
COMMENT ON VIEW krimp_bi.dim_period IS
    'dimension: periods (every year, half-year, quarter and month from 1900 to 2100, and every other period a fact uses) with CBS code, canonical label, first and last day, granularity and year; key period_key';
COMMENT ON COLUMN krimp_bi.dim_period.period_key IS
    'key: the period''s stable int32 encoding (first month index << 14 | months - 1) as a bigint; ordering by it orders the periods';
COMMENT ON COLUMN krimp_bi.dim_period.period_label IS 'canonical label: 2013, 2013-H2, 2013-Q3, 2013-07, 2005/2008';
COMMENT ON COLUMN krimp_bi.dim_period.period_code IS 'CBS period code (2013JJ00, 2013HJ02, 2013KW03, 2013MM07); NULL for a span of years';
COMMENT ON COLUMN krimp_bi.dim_period.sub_period IS 'the half-year, quarter or month within the year (1-based); NULL for a year or span';

CREATE VIEW krimp_bi.dim_indicator WITH (security_invoker = true) AS
    SELECT i.indicator_id::bigint AS indicator_key,
           i.code AS indicator_code,
           i.name AS indicator_name,
           i.unit,
           i.decimals,
           i.granularity,
           i.theme,
           i.source,
           i.aggregation,
           i.denominator_id::bigint AS denominator_key,
           d.code AS denominator_code,
           i.direction_of_good::integer AS direction_of_good,
           CASE i.direction_of_good WHEN 1 THEN 'higher is better' WHEN -1 THEN 'lower is better' ELSE 'neutral' END
               AS direction_label,
           i.description
      FROM krimp.indicator i
      LEFT JOIN krimp.indicator d ON d.indicator_id OPERATOR(pg_catalog.=) i.denominator_id;
COMMENT ON VIEW krimp_bi.dim_indicator IS
    'dimension: indicator definitions (unit, decimals, granularity, theme, source, aggregation, denominator, direction of good); key indicator_key';
COMMENT ON COLUMN krimp_bi.dim_indicator.indicator_key IS 'key: krimp.indicator.indicator_id';
COMMENT ON COLUMN krimp_bi.dim_indicator.direction_of_good IS '1 higher is better, -1 lower is better, 0 neutral';

-- the province a region version lies in (through the hierarchy), and the
-- designated groups it belongs to
CREATE VIEW krimp_bi.dim_region WITH (security_invoker = true) AS
    WITH RECURSIVE up (region_id, ancestor_id) AS (
        SELECT p.region_id, p.parent_id FROM krimp.region_parent p
        UNION
        SELECT u.region_id, p.parent_id FROM up u JOIN krimp.region_parent p ON p.region_id OPERATOR(pg_catalog.=) u.ancestor_id
    ), province AS (
        SELECT DISTINCT ON (u.region_id) u.region_id, a.code
          FROM up u JOIN krimp.region a ON a.region_id OPERATOR(pg_catalog.=) u.ancestor_id
         WHERE a.level OPERATOR(pg_catalog.=) 'province'
         ORDER BY u.region_id, a.valid_from DESC, a.region_id DESC
    ), groups AS (
        SELECT m.region_id,
               pg_catalog.string_agg(DISTINCT g.group_code, ', ') AS group_codes,
               pg_catalog.string_agg(DISTINCT g.designation, ', ') AS designations
          FROM krimp.region_group_member m JOIN krimp.region_group g ON g.group_code OPERATOR(pg_catalog.=) m.group_code
         GROUP BY m.region_id
    )
    SELECT r.region_id AS region_key,
           r.code AS region_code,
           r.name AS region_name,
           r.level AS region_level,
           r.valid_from,
           r.valid_to,
           r.valid_to IS NULL AS is_current,
           CASE WHEN r.level OPERATOR(pg_catalog.=) 'province' THEN r.code ELSE pv.code END AS province_code,
           gr.group_codes,
           gr.designations,
           public.ST_Area(r.geom) OPERATOR(pg_catalog./) 1e6::double precision AS area_km2
      FROM krimp.region r
      LEFT JOIN province pv ON pv.region_id OPERATOR(pg_catalog.=) r.region_id
      LEFT JOIN groups gr ON gr.region_id OPERATOR(pg_catalog.=) r.region_id;
COMMENT ON VIEW krimp_bi.dim_region IS
    'dimension: region versions (CBS code, name, level, validity, province, designated groups such as topkrimpregio, area), without geometry; key region_key; for maps use krimp_bi.region_layer';
COMMENT ON COLUMN krimp_bi.dim_region.region_key IS 'key: krimp.region.region_id, one region version (a code keeps its code across a merger, not its version)';
COMMENT ON COLUMN krimp_bi.dim_region.valid_to IS 'first day the version no longer holds; NULL while it holds';
COMMENT ON COLUMN krimp_bi.dim_region.designations IS 'designations of the groups the version belongs to (topkrimpregio, anticipeerregio), comma-separated';

CREATE VIEW krimp_bi.region_layer WITH (security_invoker = true) AS
    SELECT r.region_id AS region_key,
           r.code AS region_code,
           r.name AS region_name,
           r.level AS region_level,
           r.valid_from,
           r.valid_to,
           r.valid_to IS NULL AS is_current,
           r.geom
      FROM krimp.region r
     WHERE r.geom IS NOT NULL;
COMMENT ON VIEW krimp_bi.region_layer IS
    'QGIS layer: region versions with their boundary (MultiPolygon, EPSG:28992); key column region_key; filter is_current for today''s map';
COMMENT ON COLUMN krimp_bi.region_layer.region_key IS 'key (choose it as the layer''s feature id): krimp.region.region_id';
COMMENT ON COLUMN krimp_bi.region_layer.geom IS 'boundary, MultiPolygon in EPSG:28992 (RD New)';

-- ---- facts ----------------------------------------------------------------

CREATE VIEW krimp_bi.fact_observation WITH (security_invoker = true) AS
    SELECT o.observation_id AS observation_key,
           o.indicator_id::bigint AS indicator_key,
           o.region_id AS region_key,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(o.period), 'hex'))::bit(32)::integer::bigint
               AS period_key,
           i.code AS indicator_code,
           r.code AS region_code,
           o.period::text AS period_label,
           o.value,
           o.status::text AS status,
           o.kind::text AS kind,
           o.kind OPERATOR(pg_catalog.=) 'forecast' AS is_forecast,
           NULLIF(o.forecast_producer, '') AS forecast_producer,
           NULLIF(o.forecast_base_year, 0) AS forecast_base_year,
           o.org_code,
           o.source,
           o.batch_id,
           o.published_at,
           -- an open-ended embargo is 'infinity', which Npgsql 4 (Power BI) cannot
           -- read into a DateTime: NULL here, and embargoed says it is under embargo
           CASE WHEN pg_catalog.isfinite(o.released_at) THEN o.released_at END AS released_at,
           coalesce(o.released_at OPERATOR(pg_catalog.>) pg_catalog.now(), false) AS embargoed
      FROM krimp.figures_as_of('infinity') o
      JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) o.indicator_id
      JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) o.region_id;
COMMENT ON VIEW krimp_bi.fact_observation IS
    'fact: the current figures (krimp.figures_as_of(''infinity''): per figure over all organisations the latest vintage that is not retracted, then org_code ascending), realisations and forecasts, on the region versions as published; an embargoed figure only for its own organisation; key observation_key';
COMMENT ON COLUMN krimp_bi.fact_observation.observation_key IS
    'key: krimp.observation.observation_id of the current vintage (a revision is a new row with a new key; the old vintage leaves the view)';
COMMENT ON COLUMN krimp_bi.fact_observation.period_key IS 'the period (krimp_bi.dim_period.period_key)';
COMMENT ON COLUMN krimp_bi.fact_observation.released_at IS
    'end of the embargo; NULL when there is none or when it has no end date (see embargoed)';
COMMENT ON COLUMN krimp_bi.fact_observation.embargoed IS
    'under embargo now: visible only to the owning organisation (and krimp_admin) until released_at';

CREATE VIEW krimp_bi.fact_observation_harmonised WITH (security_invoker = true) AS
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.format('observation_harmonised|%s|%s|%s', h.indicator_id, h.region_id, x.period_key),
               'UTF8')), 'hex'), 16))::bit(64)::bigint OPERATOR(pg_catalog.&) 9223372036854775807::bigint
               AS harmonised_key,
           h.indicator_id::bigint AS indicator_key,
           h.region_id AS region_key,
           x.period_key,
           h.layout_year,
           h.indicator_code,
           h.region_code,
           h.region_name,
           h.period::text AS period_label,
           h.value
      FROM krimp.observation_harmonised h
     CROSS JOIN LATERAL (SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(h.period), 'hex'))::bit(32)::integer::bigint
                             AS period_key) x;
COMMENT ON VIEW krimp_bi.fact_observation_harmonised IS
    'fact: the current realisations of every aggregatable indicator recast onto the newest boundary layout loaded (NULL where a contributing figure is missing); key harmonised_key';
COMMENT ON COLUMN krimp_bi.fact_observation_harmonised.harmonised_key IS
    'key: the first 64 bits of the SHA-256, sign bit cleared, of ''observation_harmonised|indicator_id|region_id|period_key'', the same for the same figure in every query and load';

CREATE VIEW krimp_bi.fact_tipping_point WITH (security_invoker = true) AS
    SELECT f.flag_id AS tipping_point_key,
           f.indicator_id::bigint AS indicator_key,
           f.region_id AS region_key,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(f.period), 'hex'))::bit(32)::integer::bigint
               AS period_key,
           i.code AS indicator_code,
           r.code AS region_code,
           f.period::text AS period_label,
           f.kind,
           f.direction,
           f.assessment,
           f.before AS value_before,
           f.after AS value_after,
           f.abs_change,
           f.rel_change,
           f.p_value,
           f.score,
           f.recent,
           f.status,
           f.status OPERATOR(pg_catalog.<>) 'withdrawn' AS is_live,
           f.first_flagged,
           f.last_confirmed,
           f.withdrawn_at,
           f.first_run_id,
           f.last_run_id
      FROM krimp.tipping_point_flag f
      JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) f.indicator_id
      JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) f.region_id;
COMMENT ON VIEW krimp_bi.fact_tipping_point IS
    'fact: tipping points the nightly job flagged (level shifts, trend turns, convergence), new, confirmed or withdrawn; key tipping_point_key';
COMMENT ON COLUMN krimp_bi.fact_tipping_point.tipping_point_key IS 'key: krimp.tipping_point_flag.flag_id';

CREATE VIEW krimp_bi.fact_evaluation WITH (security_invoker = true) AS
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.format('evaluation|%s|%s|%s', e.round_year, e.recomputation, e.target_id),
               'UTF8')), 'hex'), 16))::bit(64)::bigint OPERATOR(pg_catalog.&) 9223372036854775807::bigint
               AS evaluation_key,
           e.round_year,
           e.recomputation,
           e.recomputation OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(rr.recomputation) FROM krimp.revaluation_round rr
                                                    WHERE rr.round_year OPERATOR(pg_catalog.=) e.round_year) AS is_latest,
           e.target_id,
           t.version AS target_version,
           t.name AS target_name,
           a.code AS agreement_code,
           a.name AS agreement_name,
           t.indicator_id::bigint AS indicator_key,
           t.region_id AS region_key,
           t.group_code,
           t.layout_year,
           i.code AS indicator_code,
           i.theme,
           coalesce(t.group_code, r.code) AS region_code,
           coalesce(g.name, r.name) AS region_name,
           e.org_code,
           t.actiehouder,
           t.path,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(t.baseline_period), 'hex'))::bit(32)::integer::bigint
               AS baseline_period_key,
           t.baseline_period::text AS baseline_period,
           t.baseline_value,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(t.horizon_period), 'hex'))::bit(32)::integer::bigint
               AS horizon_period_key,
           t.horizon_period::text AS horizon_period,
           t.horizon_value,
           e.known_at,
           e.data_vintage,
           e.light,
           CASE e.light WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'grey' THEN 2 ELSE 1 END AS severity,
           e.observed,
           ('x' OPERATOR(pg_catalog.||) pg_catalog.encode(krimp.period_send(e.latest_period), 'hex'))::bit(32)::integer::bigint
               AS latest_period_key,
           e.latest_period::text AS latest_period,
           e.latest_value,
           e.expected_value,
           e.gap,
           e.progress,
           e.expected_progress,
           e.trend_points,
           e.trend_slope,
           e.projected_value,
           e.projected_low,
           e.projected_high,
           e.region_change,
           e.region_change_pct,
           e.nl_change,
           e.nl_change_pct,
           e.nl_source,
           e.best_rate,
           e.reachable_value,
           e.alternative_horizon_value,
           p.proposal_id,
           p.state AS proposal_state,
           p.horizon_value AS proposal_horizon_value,
           p.milestone_period::text AS proposal_milestone_period,
           p.milestone_value AS proposal_milestone_value
      FROM krimp.round_evaluation e
      JOIN krimp.target t ON t.target_id OPERATOR(pg_catalog.=) e.target_id
      JOIN krimp.agreement a ON a.agreement_id OPERATOR(pg_catalog.=) t.agreement_id
      JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) t.indicator_id
      LEFT JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) t.region_id
      LEFT JOIN krimp.region_group g ON g.group_code OPERATOR(pg_catalog.=) t.group_code
      LEFT JOIN krimp.recalibration_proposal p
             ON p.round_year OPERATOR(pg_catalog.=) e.round_year
            AND p.recomputation OPERATOR(pg_catalog.=) e.recomputation
            AND p.target_id OPERATOR(pg_catalog.=) e.target_id;
COMMENT ON VIEW krimp_bi.fact_evaluation IS
    'fact: the stored evaluation of every target in every revaluation round and recomputation (is_latest marks the newest recomputation of a round), with its target, light, progress, projection, change against the Netherlands and re-calibration proposal, judged on the figures released at the round''s moment (the same for every login, no embargoed figure); region_key is NULL for a group target (group_code); key evaluation_key';
COMMENT ON COLUMN krimp_bi.fact_evaluation.evaluation_key IS
    'key: the first 64 bits of the SHA-256, sign bit cleared, of ''evaluation|round_year|recomputation|target_id'' (the stored row''s primary key)';
COMMENT ON COLUMN krimp_bi.fact_evaluation.severity IS 'for sorting: red 4, orange 3, grey 2, green 1';

CREATE VIEW krimp_bi.fact_scorecard WITH (security_invoker = true) AS
    SELECT ('x' OPERATOR(pg_catalog.||) pg_catalog.left(pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
               pg_catalog.format('scorecard|%s|%L|%L|%L', s.round_year, s.region_code, s.region_name, s.theme),
               'UTF8')), 'hex'), 16))::bit(64)::bigint OPERATOR(pg_catalog.&) 9223372036854775807::bigint
               AS scorecard_key,
           s.round_year,
           s.region_code,
           s.region_name,
           s.theme,
           s.targets,
           s.green,
           s.orange,
           s.red,
           s.grey,
           s.worst_items
      FROM krimp.scorecard s;
COMMENT ON VIEW krimp_bi.fact_scorecard IS
    'fact: per revaluation round (its newest recomputation), region or group and theme, how many targets are green, orange, red and grey, and the worst three that are not green; key scorecard_key';
COMMENT ON COLUMN krimp_bi.fact_scorecard.scorecard_key IS
    'key: the first 64 bits of the SHA-256, sign bit cleared, of ''scorecard|round_year|region_code|region_name|theme'' (texts quoted)';

-- ---- privileges: krimp_reader, nothing to PUBLIC ----------------------------
REVOKE ALL ON SCHEMA krimp_bi FROM PUBLIC;
GRANT USAGE ON SCHEMA krimp_bi TO krimp_reader;
REVOKE ALL ON ALL TABLES IN SCHEMA krimp_bi FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA krimp_bi TO krimp_reader;

-- ===================================================================
-- Privileges: nothing of krimp is granted to PUBLIC.  What PostgreSQL
-- grants to PUBLIC by default (EXECUTE on functions, USAGE on types) goes
-- to krimp_reader instead, of which every organisation role and
-- krimp_admin are members.  Functions revoked from PUBLIC earlier in the
-- script (writers' and administrators' functions) keep their own grants.
-- This part runs last.
-- ===================================================================
DO $privileges$
DECLARE
    f record;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure AS sig, p.prokind
          FROM pg_catalog.pg_proc p
         WHERE p.pronamespace OPERATOR(pg_catalog.=) 'krimp'::regnamespace
           AND (p.proacl IS NULL OR pg_catalog.array_to_string(p.proacl, ',') OPERATOR(pg_catalog.~) '(^|,)=X')
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM PUBLIC',
                                  CASE f.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, f.sig);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON %s %s TO krimp_reader',
                                  CASE f.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, f.sig);
    END LOOP;
    FOR f IN
        SELECT t.oid::regtype AS sig
          FROM pg_catalog.pg_type t
         WHERE t.typnamespace OPERATOR(pg_catalog.=) 'krimp'::regnamespace
           AND t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['b', 'e', 'd', 'r']::"char"[])
           AND t.typcategory OPERATOR(pg_catalog.<>) 'A'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON TYPE %s FROM PUBLIC', f.sig);
        EXECUTE pg_catalog.format('GRANT USAGE ON TYPE %s TO krimp_reader', f.sig);
    END LOOP;
END
$privileges$;
