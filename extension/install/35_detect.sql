
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
