-- krimp install script, generated from extension/install/*.sql by make.
-- Edit the parts in extension/install/, never the generated krimp--<version>.sql.
-- Every object is created in the fixed schema krimp and named with its schema.

\echo Use "CREATE EXTENSION krimp CASCADE" to load this file. \quit

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
-- them when the extension is dropped.  krimp_reader reads all shared data;
-- each organisation has one role (BI tools log in as a member of it, with
-- fixed credentials and no session variables); krimp_admin manages
-- reference data and runs the nightly job and the revaluation rounds.
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['krimp_reader', 'krimp_admin', 'krimp_writer',
                             'krimp_bzk', 'krimp_groningen', 'krimp_limburg', 'krimp_zeeland']
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
GRANT krimp_writer TO krimp_bzk, krimp_groningen, krimp_limburg, krimp_zeeland;

GRANT USAGE ON SCHEMA krimp TO krimp_reader;

-- ---- organisations -------------------------------------------------
CREATE TABLE krimp.organisation (
    org_code    text PRIMARY KEY CHECK (org_code OPERATOR(pg_catalog.~) '^[A-Z][A-Z0-9_]{1,15}$'),
    name        text NOT NULL,
    role_name   name NOT NULL UNIQUE,
    region_code text,
    seeded      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE krimp.organisation IS
    'organisations that share the warehouse; each writes only its own rows, as members of its database role';
COMMENT ON COLUMN krimp.organisation.role_name IS
    'the database role of the organisation; its members (BI logins, loaders) act for it';
COMMENT ON COLUMN krimp.organisation.seeded IS 'installed with the extension (not dumped)';
INSERT INTO krimp.organisation (org_code, name, role_name, region_code, seeded) VALUES
    ('BZK', 'Ministerie van Binnenlandse Zaken en Koninkrijksrelaties', 'krimp_bzk', 'NL01', true),
    ('PV20', 'Provincie Groningen', 'krimp_groningen', 'PV20', true),
    ('PV29', 'Provincie Zeeland', 'krimp_zeeland', 'PV29', true),
    ('PV31', 'Provincie Limburg', 'krimp_limburg', 'PV31', true);
SELECT pg_catalog.pg_extension_config_dump('krimp.organisation', 'WHERE NOT seeded');

-- The organisations the current user acts for: those whose role it is a
-- member of.  STABLE: policies call it once per query through a sub-select.
CREATE FUNCTION krimp.current_organisations() RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT coalesce(array_agg(o.org_code ORDER BY o.org_code), '{}')
      FROM krimp.organisation o
     WHERE pg_catalog.pg_has_role(CURRENT_USER, o.role_name, 'MEMBER')
$$;
COMMENT ON FUNCTION krimp.current_organisations() IS
    'codes of the organisations whose role the current user is a member of';

-- Is the current user a krimp administrator (or a superuser)?
CREATE FUNCTION krimp.is_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.pg_has_role(CURRENT_USER, 'krimp_admin', 'MEMBER')
        OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER)
$$;
COMMENT ON FUNCTION krimp.is_admin() IS 'whether the current user is a member of krimp_admin or a superuser';

-- ---- regions -------------------------------------------------------

-- Normalise a CBS region code: trim the padding CBS OData adds, upper case.
CREATE FUNCTION krimp.normalise_region_code(code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.upper(pg_catalog.btrim(code));
COMMENT ON FUNCTION krimp.normalise_region_code(text) IS
    'a CBS region code without the padding of CBS OData feeds, in upper case (''PV20  '' gives ''PV20'')';

-- The level of a CBS region code, NULL for anything that is not one.
CREATE FUNCTION krimp.region_level(code text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE
        WHEN code OPERATOR(pg_catalog.~) '^NL0[0-9]$' THEN 'country'
        WHEN code OPERATOR(pg_catalog.~) '^LD0[1-4]$' THEN 'landsdeel'
        WHEN code OPERATOR(pg_catalog.~) '^PV[0-9]{2}$' THEN 'province'
        WHEN code OPERATOR(pg_catalog.~) '^CR[0-9]{2}$' THEN 'corop'
        WHEN code OPERATOR(pg_catalog.~) '^GM[0-9]{4}$' THEN 'municipality'
        WHEN code OPERATOR(pg_catalog.~) '^WK[0-9]{6}$' THEN 'district'
        WHEN code OPERATOR(pg_catalog.~) '^BU[0-9]{8}$' THEN 'neighbourhood'
    END;
COMMENT ON FUNCTION krimp.region_level(text) IS
    'level of a normalised CBS region code: country (NL01), landsdeel (LD), province (PV), corop (CR), municipality (GM), district (WK), neighbourhood (BU); NULL if it is none';

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
    rows_rejected   integer
);
ALTER SEQUENCE krimp.load_batch_id_seq OWNED BY krimp.load_batch.batch_id;
COMMENT ON TABLE krimp.load_batch IS
    'every load is a batch: who, when, from what source, and its row counts; its id is on every observation it wrote';
SELECT pg_catalog.pg_extension_config_dump('krimp.load_batch', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.load_batch_id_seq', '');

-- ---- observations --------------------------------------------------
CREATE SEQUENCE krimp.observation_id_seq;
CREATE TABLE krimp.observation (
    observation_id      bigint PRIMARY KEY DEFAULT pg_catalog.nextval('krimp.observation_id_seq'),
    indicator_id        integer NOT NULL REFERENCES krimp.indicator,
    region_id           bigint NOT NULL REFERENCES krimp.region,
    period              krimp.period NOT NULL,
    value               double precision,
    status              text NOT NULL CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['definitief', 'nader voorlopig', 'voorlopig', 'estimate', 'unknown'])),
    kind                text NOT NULL DEFAULT 'realisation' CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['realisation', 'forecast'])),
    forecast_producer   text NOT NULL DEFAULT '',
    forecast_base_year  integer NOT NULL DEFAULT 0,
    source              text NOT NULL,
    org_code            text NOT NULL REFERENCES krimp.organisation,
    batch_id            bigint NOT NULL REFERENCES krimp.load_batch,
    published_at        timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    released_at         timestamptz,
    retracted_at        timestamptz,
    retraction_reason   text,
    -- CBS's "." (unknown or secret) is a row with status unknown and no value, not a missing row
    CHECK ((status OPERATOR(pg_catalog.=) 'unknown') OPERATOR(pg_catalog.=) (value IS NULL)),
    CHECK (value IS NULL OR (value OPERATOR(pg_catalog.<>) 'NaN'::double precision
                             AND value OPERATOR(pg_catalog.<>) 'Infinity'::double precision
                             AND value OPERATOR(pg_catalog.<>) '-Infinity'::double precision)),
    CHECK ((kind OPERATOR(pg_catalog.=) 'forecast') OPERATOR(pg_catalog.=)
           (forecast_producer OPERATOR(pg_catalog.<>) '' AND forecast_base_year OPERATOR(pg_catalog.<>) 0)),
    CHECK ((retracted_at IS NULL) OPERATOR(pg_catalog.=) (retraction_reason IS NULL))
);
ALTER SEQUENCE krimp.observation_id_seq OWNED BY krimp.observation.observation_id;
-- a figure's key plus its vintage: one row per figure per publication time
CREATE UNIQUE INDEX observation_vintage_key ON krimp.observation
    (indicator_id, region_id, period, org_code, kind, forecast_producer, forecast_base_year, published_at);
CREATE INDEX observation_batch_idx ON krimp.observation (batch_id);
COMMENT ON TABLE krimp.observation IS
    'observations: a figure of an indicator for a region version and period, as published at published_at (its vintage); a revision is a new row, nothing is overwritten; a retracted figure is kept with its reason';
COMMENT ON COLUMN krimp.observation.status IS
    'definitief, nader voorlopig, voorlopig, estimate, or unknown (CBS ".": unknown or secret, with no value)';
COMMENT ON COLUMN krimp.observation.kind IS 'realisation, or forecast (with producer and base year)';
COMMENT ON COLUMN krimp.observation.published_at IS 'vintage: when this figure became known';
COMMENT ON COLUMN krimp.observation.released_at IS 'embargo: until then only the owning organisation sees the row';
SELECT pg_catalog.pg_extension_config_dump('krimp.observation', '');
SELECT pg_catalog.pg_extension_config_dump('krimp.observation_id_seq', '');

-- Nothing in an observation changes, except that it can be retracted once.
CREATE FUNCTION krimp.observation_guard_trigger() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'observations are never deleted'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Retract the figure with krimp.retract(observation_id, reason); a correction is a new vintage.';
    END IF;
    IF OLD.retracted_at IS NOT NULL THEN
        RAISE EXCEPTION 'observation % is already retracted', OLD.observation_id
            USING ERRCODE = 'object_not_in_prerequisite_state';
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
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION krimp.observation_guard_trigger() IS
    'trigger: observations are append-only; only a retraction (time and reason, once) may be added';
CREATE TRIGGER observation_guard BEFORE UPDATE OR DELETE ON krimp.observation
    FOR EACH ROW EXECUTE FUNCTION krimp.observation_guard_trigger();

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

-- Staging: a loader (krimpctl load, or SQL) copies raw rows here, then
-- krimp.apply_batch() validates and files them in one statement.
CREATE TABLE krimp.observation_staging (
    batch_id            bigint NOT NULL REFERENCES krimp.load_batch ON DELETE CASCADE,
    line_number         bigint NOT NULL,
    org_code            text NOT NULL REFERENCES krimp.organisation,
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
ALTER TABLE krimp.observation ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation FORCE ROW LEVEL SECURITY;
CREATE POLICY observation_read ON krimp.observation FOR SELECT TO krimp_reader
    USING (released_at IS NULL OR released_at OPERATOR(pg_catalog.<=) pg_catalog.now()
           OR org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[])
           OR (SELECT krimp.is_admin()));
CREATE POLICY observation_insert ON krimp.observation FOR INSERT TO krimp_writer
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_retract ON krimp.observation FOR UPDATE TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY observation_admin ON krimp.observation FOR ALL TO krimp_admin
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
CREATE POLICY rejected_row_own ON krimp.rejected_row FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY rejected_row_admin ON krimp.rejected_row FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

ALTER TABLE krimp.observation_staging ENABLE ROW LEVEL SECURITY;
ALTER TABLE krimp.observation_staging FORCE ROW LEVEL SECURITY;
CREATE POLICY staging_own ON krimp.observation_staging FOR ALL TO krimp_writer
    USING (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]))
    WITH CHECK (org_code OPERATOR(pg_catalog.=) ANY ((SELECT krimp.current_organisations())::text[]));
CREATE POLICY staging_admin ON krimp.observation_staging FOR ALL TO krimp_admin USING (true) WITH CHECK (true);

-- Reference data (organisations, regions, indicators) is shared: every krimp
-- role reads it, only krimp_admin writes it.
GRANT SELECT ON krimp.organisation, krimp.region, krimp.region_parent, krimp.region_group,
    krimp.region_group_member, krimp.region_change, krimp.indicator,
    krimp.observation, krimp.load_batch TO krimp_reader;
GRANT INSERT, UPDATE, DELETE ON krimp.organisation, krimp.region, krimp.region_parent, krimp.region_group,
    krimp.region_group_member, krimp.region_change, krimp.indicator TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.region_id_seq, krimp.indicator_id_seq TO krimp_admin;
GRANT INSERT ON krimp.observation, krimp.load_batch TO krimp_writer, krimp_admin;
GRANT UPDATE (retracted_at, retraction_reason) ON krimp.observation TO krimp_writer, krimp_admin;
GRANT UPDATE (finished_at, state, rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected)
    ON krimp.load_batch TO krimp_writer, krimp_admin;
GRANT SELECT, INSERT, DELETE ON krimp.rejected_row, krimp.observation_staging TO krimp_writer, krimp_admin;
GRANT USAGE ON SEQUENCE krimp.observation_id_seq, krimp.load_batch_id_seq TO krimp_writer, krimp_admin;

-- ---- reading observations ------------------------------------------

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

CREATE VIEW krimp.observation_current WITH (security_invoker = true) AS
    SELECT * FROM krimp.observations_as_of('infinity');
COMMENT ON VIEW krimp.observation_current IS
    'the current figures: per figure the latest vintage that is not retracted (realisations and forecasts)';
GRANT SELECT ON krimp.observation_current TO krimp_reader;

-- Retract a figure: it is kept, with the time and the reason.
CREATE FUNCTION krimp.retract(observation_id bigint, reason text) RETURNS void
    LANGUAGE plpgsql STRICT
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF btrim(reason) = '' THEN
        RAISE EXCEPTION 'a retraction needs a reason'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE krimp.observation o
       SET retracted_at = clock_timestamp(), retraction_reason = reason
     WHERE o.observation_id = retract.observation_id;
    IF NOT FOUND THEN
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

-- ===================================================================
-- Loading observations in batches, and reading them as series.
--
-- A load: krimp.begin_batch() opens a batch for one of your organisations;
-- raw rows go into krimp.observation_staging (COPY, or INSERT); then
-- krimp.apply_batch() validates every row and files them in one statement:
-- new figures are inserted, changed figures become new vintages, identical
-- figures change nothing, and bad rows are set aside in krimp.rejected_row
-- with the reason (or, with on_error => 'abort', the whole load fails).
-- ===================================================================

CREATE FUNCTION krimp.begin_batch(org_code text, source text, file_name text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    INSERT INTO krimp.load_batch (org_code, source, file_name)
    VALUES (begin_batch.org_code, begin_batch.source, begin_batch.file_name)
    RETURNING batch_id
$$;
COMMENT ON FUNCTION krimp.begin_batch(text, text, text) IS
    'open a load batch for one of your organisations; returns its id for krimp.observation_staging and krimp.apply_batch()';

-- Why a staged row cannot be filed, or NULL when it can.  The checks in
-- order: indicator, period, region, validity, granularity, value, status.
CREATE FUNCTION krimp.staged_row_problem(
    indicator_code text, indicator_granularity text, region_code text, region_known boolean,
    region_id bigint, period_text text, p krimp.period, value_text text, status text,
    kind text, forecast_producer text, forecast_base_year integer)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE
        WHEN indicator_granularity IS NULL THEN format('unknown indicator "%s"', indicator_code)
        WHEN p IS NULL THEN format('invalid period "%s"', period_text)
        WHEN NOT region_known THEN format('unknown region code "%s"', region_code)
        WHEN region_id IS NULL THEN format('period %s is outside the validity of every version of region %s',
                                           p, krimp.normalise_region_code(region_code))
        WHEN krimp.granularity(p) <> indicator_granularity THEN
            format('period %s is a %s, indicator %s is measured per %s', p, krimp.granularity(p),
                   indicator_code, indicator_granularity)
        WHEN status IS NULL THEN 'unknown status'
        WHEN status = 'unknown' AND value_text IS NOT NULL AND btrim(value_text) NOT IN ('', '.') THEN
            format('value "%s" in status unknown, which allows none', value_text)
        WHEN status <> 'unknown' AND (value_text IS NULL OR btrim(value_text) IN ('', '.')) THEN
            format('no value in status %s', status)
        WHEN status <> 'unknown'
             AND btrim(value_text) !~ '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$' THEN
            format('invalid value "%s"', value_text)
        WHEN kind NOT IN ('realisation', 'forecast') THEN format('unknown kind "%s"', kind)
        WHEN kind = 'forecast' AND (coalesce(forecast_producer, '') = '' OR coalesce(forecast_base_year, 0) = 0) THEN
            'a forecast needs its producer and base year'
    END
$$;
COMMENT ON FUNCTION krimp.staged_row_problem(text, text, text, boolean, bigint, text, krimp.period, text, text, text, text, integer) IS
    'the reason a staged observation cannot be filed, or NULL (used by krimp.apply_batch)';

-- A status as written in a file: the product's words, or CBS's markers
-- (* voorlopig, ** nader voorlopig, . unknown); no marker means definitief.
CREATE FUNCTION krimp.normalise_status(status text, value_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE
        WHEN coalesce(btrim(status), '') = '' THEN
            CASE WHEN btrim(value_text) = '.' THEN 'unknown' ELSE 'definitief' END
        WHEN lower(btrim(status)) IN ('definitief', 'nader voorlopig', 'voorlopig', 'estimate', 'unknown')
            THEN lower(btrim(status))
        WHEN btrim(status) = '*' THEN 'voorlopig'
        WHEN btrim(status) = '**' THEN 'nader voorlopig'
        WHEN btrim(status) = '.' THEN 'unknown'
    END
$$;
COMMENT ON FUNCTION krimp.normalise_status(text, text) IS
    'a status as written in a file (definitief, nader voorlopig, voorlopig, estimate, unknown, or CBS''s *, ** and .); NULL if it is none of these';

CREATE FUNCTION krimp.apply_batch(batch_id bigint, on_error text DEFAULT 'reject',
                                  published_at timestamptz DEFAULT NULL)
    RETURNS krimp.load_batch
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    b krimp.load_batch;
    vintage timestamptz := coalesce(apply_batch.published_at, clock_timestamp());
    n_read integer;
    n_rejected integer;
    n_inserted integer;
    n_revised integer;
    first_problem record;
BEGIN
    IF on_error NOT IN ('reject', 'abort') THEN
        RAISE EXCEPTION 'unknown on_error mode "%"', on_error
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Use ''reject'' to set bad rows aside, or ''abort'' to load nothing when a row is bad.';
    END IF;
    SELECT * INTO b FROM krimp.load_batch lb WHERE lb.batch_id = apply_batch.batch_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'load batch % does not exist or is not yours', apply_batch.batch_id
            USING ERRCODE = 'undefined_object';
    END IF;
    IF b.state <> 'open' THEN
        RAISE EXCEPTION 'load batch % is already applied', b.batch_id
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Open a new batch with krimp.begin_batch() for a new load.';
    END IF;

    -- resolve and check every staged row once
    IF pg_catalog.to_regclass('pg_temp.krimp_resolved') IS NOT NULL THEN
        DROP TABLE pg_temp.krimp_resolved;
    END IF;
    CREATE TEMP TABLE krimp_resolved ON COMMIT DROP AS
    WITH s AS (
        SELECT st.*, krimp.try_period(st.period) AS p,
               krimp.normalise_status(st.status, st.value) AS norm_status,
               coalesce(nullif(btrim(st.kind), ''), 'realisation') AS norm_kind,
               i.indicator_id, i.granularity AS indicator_granularity
          FROM krimp.observation_staging st
          LEFT JOIN krimp.indicator i ON i.code = btrim(st.indicator_code)
         WHERE st.batch_id = b.batch_id
    ), r AS (
        SELECT s.*,
               EXISTS (SELECT 1 FROM krimp.region rg
                        WHERE rg.code = krimp.normalise_region_code(s.region_code)) AS region_known,
               CASE WHEN s.p IS NOT NULL THEN krimp.region_at(s.region_code, s.p) END AS region_id
          FROM s
    )
    SELECT r.*,
           krimp.staged_row_problem(r.indicator_code, r.indicator_granularity, r.region_code,
                                    r.region_known, r.region_id, r.period, r.p, r.value,
                                    r.norm_status, r.norm_kind, r.forecast_producer,
                                    r.forecast_base_year) AS problem
      FROM r;

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

    -- file the good rows: a new vintage unless the current one says the same
    WITH good AS (
        SELECT x.*, CASE WHEN x.norm_status = 'unknown' THEN NULL ELSE btrim(x.value)::double precision END AS v
          FROM pg_temp.krimp_resolved x WHERE x.problem IS NULL
    ), compared AS (
        SELECT g.*, cur.observation_id AS current_id,
               (cur.observation_id IS NOT NULL AND cur.value IS NOT DISTINCT FROM g.v
                AND cur.status = g.norm_status) AS unchanged
          FROM good g
          LEFT JOIN LATERAL (
              SELECT o.observation_id, o.value, o.status
                FROM krimp.observation o
               WHERE o.indicator_id = g.indicator_id AND o.region_id = g.region_id AND o.period = g.p
                 AND o.org_code = b.org_code AND o.kind = g.norm_kind
                 AND o.forecast_producer = coalesce(g.forecast_producer, '')
                 AND o.forecast_base_year = coalesce(g.forecast_base_year, 0)
                 AND o.retracted_at IS NULL
               ORDER BY o.published_at DESC, o.observation_id DESC LIMIT 1) cur ON true
    ), ins AS (
        INSERT INTO krimp.observation (indicator_id, region_id, period, value, status, kind,
                                       forecast_producer, forecast_base_year, source, org_code,
                                       batch_id, published_at, released_at)
        SELECT c.indicator_id, c.region_id, c.p, c.v, c.norm_status, c.norm_kind,
               coalesce(c.forecast_producer, ''), coalesce(c.forecast_base_year, 0), b.source, b.org_code,
               b.batch_id, vintage, c.released_at
          FROM compared c WHERE NOT c.unchanged
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE NOT unchanged AND current_id IS NULL),
           count(*) FILTER (WHERE NOT unchanged AND current_id IS NOT NULL)
      INTO n_inserted, n_revised
      FROM compared;

    DELETE FROM krimp.observation_staging st WHERE st.batch_id = b.batch_id;
    UPDATE krimp.load_batch lb
       SET state = 'done', finished_at = clock_timestamp(), rows_read = n_read,
           rows_inserted = n_inserted, rows_revised = n_revised,
           rows_unchanged = n_read - n_rejected - n_inserted - n_revised, rows_rejected = n_rejected
     WHERE lb.batch_id = b.batch_id
    RETURNING * INTO b;
    DROP TABLE pg_temp.krimp_resolved;
    RETURN b;
END
$$;
COMMENT ON FUNCTION krimp.apply_batch(bigint, text, timestamptz) IS
    'file the staged rows of an open load batch in one statement: new figures are inserted, changed ones become new vintages, identical ones change nothing, bad rows go to krimp.rejected_row with the reason (on_error => ''abort'' loads nothing instead); returns the batch with its counts';

REVOKE ALL ON FUNCTION krimp.begin_batch(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION krimp.apply_batch(bigint, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.begin_batch(text, text, text) TO krimp_writer, krimp_admin;
GRANT EXECUTE ON FUNCTION krimp.apply_batch(bigint, text, timestamptz) TO krimp_writer, krimp_admin;

-- ---- series --------------------------------------------------------

-- One indicator in one region version as a krimp.series: the realisations
-- as known at a moment (now by default), the latest vintage of each period
-- over all organisations.
CREATE FUNCTION krimp.region_series(indicator_code text, region_id bigint,
                                    known_at timestamptz DEFAULT 'infinity')
    RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT krimp.series_agg(x.period, x.value)
      FROM (SELECT DISTINCT ON (o.period) o.period, o.value
              FROM krimp.observations_as_of(known_at) o
              JOIN krimp.indicator i ON i.indicator_id = o.indicator_id
             WHERE i.code = region_series.indicator_code AND o.region_id = region_series.region_id
               AND o.kind = 'realisation'
             ORDER BY o.period, o.published_at DESC, o.org_code) x
$$;
COMMENT ON FUNCTION krimp.region_series(text, bigint, timestamptz) IS
    'the realisations of an indicator in one region version as one krimp.series, as known at a moment (now by default); where organisations publish the same figure, the latest vintage counts';

CREATE FUNCTION krimp.region_series(indicator_code text, region_code text, on_date date DEFAULT NULL,
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
CREATE VIEW krimp.series_current WITH (security_invoker = true) AS
    SELECT i.indicator_id, i.code AS indicator_code, r.region_id, r.code AS region_code, r.name AS region_name,
           r.valid_from, r.valid_to, s.series
      FROM (SELECT x.indicator_id, x.region_id, krimp.series_agg(x.period, x.value) AS series
              FROM (SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period)
                           o.indicator_id, o.region_id, o.period, o.value
                      FROM krimp.observation_current o
                     WHERE o.kind = 'realisation'
                     ORDER BY o.indicator_id, o.region_id, o.period, o.published_at DESC, o.org_code) x
             GROUP BY x.indicator_id, x.region_id) s
      JOIN krimp.indicator i USING (indicator_id)
      JOIN krimp.region r USING (region_id);
COMMENT ON VIEW krimp.series_current IS
    'one krimp.series per indicator and region version: the current realisations on the layout as published';
GRANT SELECT ON krimp.series_current TO krimp_reader;

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

CREATE FUNCTION krimp.harmonise(indicator_code text, layout_year integer, known_at timestamptz DEFAULT 'infinity')
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
        -- the current realisations of the indicator (and of its denominator), the
        -- latest vintage per region version and period over all organisations
        SELECT DISTINCT ON (o.indicator_id, o.region_id, o.period) o.indicator_id, o.region_id, o.period, o.value
          FROM krimp.observations_as_of(known_at) o
         WHERE o.indicator_id IN (ind.indicator_id, den.indicator_id) AND o.kind = 'realisation'
         ORDER BY o.indicator_id, o.region_id, o.period, o.published_at DESC, o.org_code
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
CREATE TRIGGER observation_queue_insert AFTER INSERT ON krimp.observation
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION krimp.series_queue_trigger();
CREATE TRIGGER observation_queue_update AFTER UPDATE ON krimp.observation
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

-- The released current realisations of one series, as the nightly job sees
-- them: no embargoed figure, so that flags, which every role reads, never
-- reveal one.
CREATE FUNCTION krimp.released_series(indicator_id integer, region_id bigint) RETURNS krimp.series
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
    SELECT krimp.series_agg(x.period, x.value)
      FROM (SELECT DISTINCT ON (o.period) o.period, o.value
              FROM krimp.observation o
             WHERE o.indicator_id = released_series.indicator_id AND o.region_id = released_series.region_id
               AND o.kind = 'realisation' AND o.retracted_at IS NULL
               AND (o.released_at IS NULL OR o.released_at <= pg_catalog.now())
             ORDER BY o.period, o.published_at DESC, o.observation_id DESC) x
$$;
COMMENT ON FUNCTION krimp.released_series(integer, bigint) IS
    'the current released realisations of an indicator in a region version, as the nightly job reads them';

-- A benchmark on the scale of the series: a count (aggregation 'sum') is
-- compared by its growth, so the national series is rescaled to the
-- region's value at the first period both have ("as fast a rise as the
-- national average"); rates and averages are compared as they are.
CREATE FUNCTION krimp.comparable_benchmark(s krimp.series, benchmark krimp.series, aggregation text)
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
CREATE FUNCTION krimp.benchmark_series(indicator_id integer, region_id bigint) RETURNS krimp.series
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

CREATE PROCEDURE krimp.nightly(full_run boolean DEFAULT false)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, krimp, pg_temp
    AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    run bigint;
    horizon bigint;
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

    -- the series to examine: everything queued so far (later loads queue for the next run), or all
    SELECT coalesce(max(queue_id), 0) INTO horizon FROM krimp.series_queue;
    CREATE TEMP TABLE krimp_nightly_series ON COMMIT DROP AS
    SELECT DISTINCT q.indicator_id, q.region_id FROM krimp.series_queue q WHERE q.queue_id <= horizon;
    IF full_run THEN
        INSERT INTO krimp_nightly_series
        SELECT DISTINCT o.indicator_id, o.region_id FROM krimp.observation o
        EXCEPT SELECT indicator_id, region_id FROM krimp_nightly_series;
    END IF;
    DELETE FROM krimp.series_queue q WHERE q.queue_id <= horizon;
    SELECT count(*) INTO n_series FROM krimp_nightly_series;

    -- detect, with each indicator's direction of good and the national benchmark
    CREATE TEMP TABLE krimp_nightly_found ON COMMIT DROP AS
    SELECT s.indicator_id, s.region_id, tp.*
      FROM krimp_nightly_series s
      JOIN krimp.indicator i ON i.indicator_id = s.indicator_id
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
          FROM krimp_nightly_series s
         WHERE f.indicator_id = s.indicator_id AND f.region_id = s.region_id AND f.status <> 'withdrawn'
           AND NOT EXISTS (SELECT 1 FROM krimp_nightly_found x
                            WHERE x.indicator_id = f.indicator_id AND x.region_id = f.region_id
                              AND x.period = f.period AND x.kind = f.kind)
        RETURNING 1)
    SELECT count(*) INTO n_withdrawn FROM withdrawn;

    WITH confirmed AS (
        UPDATE krimp.tipping_point_flag f
           SET status = 'confirmed', last_confirmed = t0, last_run_id = run,
               direction = x.direction, assessment = x.assessment, before = x.before, after = x.after,
               abs_change = x.abs_change, rel_change = x.rel_change, p_value = x.p_value,
               score = x.score, recent = x.recent
          FROM krimp_nightly_found x
         WHERE f.indicator_id = x.indicator_id AND f.region_id = x.region_id
           AND f.period = x.period AND f.kind = x.kind AND f.status <> 'withdrawn'
        RETURNING 1)
    SELECT count(*) INTO n_confirmed FROM confirmed;

    WITH fresh AS (
        INSERT INTO krimp.tipping_point_flag (indicator_id, region_id, period, kind, direction, assessment,
                                              before, after, abs_change, rel_change, p_value, score, recent,
                                              status, first_flagged, last_confirmed, first_run_id, last_run_id)
        SELECT x.indicator_id, x.region_id, x.period, x.kind, x.direction, x.assessment, x.before, x.after,
               x.abs_change, x.rel_change, x.p_value, x.score, x.recent, 'new', t0, t0, run, run
          FROM krimp_nightly_found x
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
    DROP TABLE krimp_nightly_found;
    DROP TABLE krimp_nightly_series;
END
$$;
COMMENT ON PROCEDURE krimp.nightly(boolean) IS
    'the nightly job: detect tipping points in every series whose observations changed since the last run (all series with full_run => true), reconcile the flags (new, confirmed, withdrawn), record the run in krimp.job_run and NOTIFY krimp_tipping_points with a JSON summary when something new was flagged';
REVOKE ALL ON PROCEDURE krimp.nightly(boolean) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE krimp.nightly(boolean) TO krimp_admin;
GRANT SELECT, DELETE ON krimp.series_queue TO krimp_admin;
GRANT SELECT, INSERT, UPDATE ON krimp.tipping_point_flag, krimp.job_run TO krimp_admin;
GRANT USAGE ON SEQUENCE krimp.job_run_id_seq, krimp.tipping_point_flag_id_seq TO krimp_admin;

-- Schedule the nightly job with pg_cron, when pg_cron is installed.
-- pg_cron 1.4 (Debian 12) reads schedules in GMT: '0 2 * * *' runs at 03:00
-- in Amsterdam in winter and 04:00 in summer.
CREATE FUNCTION krimp.schedule_nightly(schedule text DEFAULT '0 2 * * *') RETURNS bigint
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
