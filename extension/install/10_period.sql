
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

-- containment and overlap, as for ranges.  A btree index on a period column
-- serves them (since 0.3): krimp.period_support turns p <@ '2013' into the
-- stretch p >= '2013-01' AND p < '2014-01' of the btree order, checked again
-- on each row found.
CREATE FUNCTION krimp.period_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'krimp_period_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION krimp.period_support(internal) IS
    'planner support of @>, <@ and && on periods: a btree index on a period column scans the stretch of first months that can hold a match';
CREATE FUNCTION krimp.period_contains(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contains_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
CREATE FUNCTION krimp.period_contained(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contained_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
CREATE FUNCTION krimp.period_overlaps(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_overlaps_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
-- the same as functions with plain names, for SQL written without krimp on the
-- search_path (krimp.contains(p, '2013') needs no OPERATOR(krimp.@>)); since 0.3
CREATE FUNCTION krimp.contains(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contains_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
CREATE FUNCTION krimp.within(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_contained_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
CREATE FUNCTION krimp.overlaps(krimp.period, krimp.period) RETURNS boolean
    AS 'MODULE_PATHNAME', 'krimp_period_overlaps_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    SUPPORT krimp.period_support;
COMMENT ON FUNCTION krimp.contains(krimp.period, krimp.period) IS
    'does the first period cover all of the second: krimp.contains(''2013'', ''2013-Q3''), the same as 2013 @> 2013-Q3';
COMMENT ON FUNCTION krimp.within(krimp.period, krimp.period) IS
    'is the first period covered by the second: krimp.within(''2013-Q3'', ''2013''), the same as 2013-Q3 <@ 2013';
COMMENT ON FUNCTION krimp.overlaps(krimp.period, krimp.period) IS
    'do the periods share at least one month: krimp.overlaps(''2012/2013'', ''2013-Q1''), the same as &&';
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
