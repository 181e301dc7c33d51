
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
