-- ===================================================================
-- The one-line explanation of a tipping point, written once: the report
-- (krimpctl report), the demo (krimpctl demo) and scripts/demo.sql all
-- print this sentence.
--
--   level shift up from a level of 1,200 to 1,350 persons (improving, p = 0.0120)
--   trend turn: the trend went from +12 to -30 persons a year (worsening, p < 0.0001)
--   trend turn: the trend went from +4,816 to +917 persons a month (a monthly series: slopes per step)
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

-- The step of a slope in words: the Theil-Sen slopes of a tipping point
-- are per step of its series, so a monthly series' trend is 'a month'.
-- The granularity of a period (krimp.granularity): year, half-year,
-- quarter, month, or span (a span of years: 'a step').  NULL: a year.
CREATE OR REPLACE FUNCTION krimp.explain_step(granularity text)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE coalesce(granularity, 'year')
           WHEN 'year' THEN 'a year' WHEN 'half-year' THEN 'a half-year' WHEN 'quarter' THEN 'a quarter'
           WHEN 'month' THEN 'a month' ELSE 'a step'
       END;
COMMENT ON FUNCTION krimp.explain_step(text) IS
    'the step of a slope in words, from a granularity (krimp.granularity of a period): a year, a half-year, a quarter, a month; a step for a span; a year for NULL';

-- The sentence from its parts.  Not STRICT: before, after, p_value, unit
-- and assessment may each be unknown; kind NULL gives NULL.
CREATE OR REPLACE FUNCTION krimp.explain(kind text, direction text, before double precision,
                                         after double precision, p_value double precision, unit text,
                                         assessment text DEFAULT NULL, decimals integer DEFAULT 0,
                                         step text DEFAULT 'year')
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
           WHEN kind IN ('trend turn', 'acceleration', 'deceleration') THEN
               pg_catalog.format('%s: the trend went from %s to %s%s %s',
                                 kind, krimp.explain_number(before, decimals, true),
                                 krimp.explain_number(after, decimals, true),
                                 coalesce(' ' || nullif(unit, ''), ''), krimp.explain_step(step))
           WHEN kind IN ('convergence', 'divergence') THEN
               pg_catalog.format('%s against the national growth: the gap moved %s instead of %s%s %s',
                                 kind, krimp.explain_number(after, decimals, true),
                                 krimp.explain_number(before, decimals, true),
                                 coalesce(' ' || nullif(unit, ''), ''), krimp.explain_step(step))
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
COMMENT ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer, text) IS
    'the one-line explanation of a tipping point from its kind, direction (up or down), value before and after, p-value, the indicator''s unit, and optionally the assessment (improving or worsening), the indicator''s decimals and the step of the series the slopes are per (a granularity: year, half-year, quarter, month; default year)';

-- The sentence of a flag, in its indicator's unit and decimals.
CREATE OR REPLACE FUNCTION krimp.explain(f krimp.tipping_point_flag)
    RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT krimp.explain(f.kind, f.direction, f.before, f.after, f.p_value, i.unit, f.assessment, i.decimals,
                         krimp.granularity(f.period))
      FROM krimp.indicator i
     WHERE i.indicator_id = f.indicator_id;
END;
COMMENT ON FUNCTION krimp.explain(krimp.tipping_point_flag) IS
    'the one-line explanation of a flagged tipping point (krimp.explain over its kind, direction, values and p-value, in the indicator''s unit and decimals, slopes per step of its series: the granularity of its period); the sentence of krimpctl report, krimpctl demo and scripts/demo.sql';
