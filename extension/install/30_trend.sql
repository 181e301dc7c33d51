
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
