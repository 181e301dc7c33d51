-- krimp 0.2 -> 0.3, written by hand: every change to the parts in
-- extension/install/ since 0.2 was released, as the statements that take a
-- 0.2 database to what a fresh 0.3 install creates (test/scripts/upgrade.sh
-- compares the two).  Frozen once 0.3 is released.
\echo Use "ALTER EXTENSION krimp UPDATE TO '0.3'" to load this file. \quit

-- ==== lead: the theme list as one function, with the report's themes ====
CREATE FUNCTION krimp.indicator_themes() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['demography', 'households', 'housing', 'income and economy', 'facilities', 'labour market',
                 'care', 'education', 'liveability'];
COMMENT ON FUNCTION krimp.indicator_themes() IS
    'the themes of an indicator: demography, households, housing, income and economy, facilities, labour market, care, education, liveability';
ALTER TABLE krimp.indicator DROP CONSTRAINT indicator_theme_check;
ALTER TABLE krimp.indicator ADD CONSTRAINT indicator_theme_check
    CHECK (theme OPERATOR(pg_catalog.=) ANY (krimp.indicator_themes()));
REVOKE ALL ON FUNCTION krimp.indicator_themes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.indicator_themes() TO krimp_reader;

-- ==== report: slopes per step of the series in krimp.explain (issue 15, issue 17) ====
-- krimp.explain(kind, ...) takes the step of the series (step text DEFAULT 'year'); krimp.explain(f)
-- passes the granularity of the flag's period; krimp.explain_step(granularity) says the step in words.
-- krimp.explain(f) is BEGIN ATOMIC and depends on the general form: it goes first.
DROP FUNCTION krimp.explain(krimp.tipping_point_flag);
DROP FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer);
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
REVOKE ALL ON FUNCTION krimp.explain_step(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.explain_step(text) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.explain(text, text, double precision, double precision, double precision, text, text, integer, text) TO krimp_reader;
REVOKE ALL ON FUNCTION krimp.explain(krimp.tipping_point_flag) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION krimp.explain(krimp.tipping_point_flag) TO krimp_reader;
