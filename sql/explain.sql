-- krimp.explain: the one-line explanation of a tipping point, the sentence
-- of krimpctl report, krimpctl demo and scripts/demo.sql.
-- each kind, in a unit, with and without an assessment and a p-value
SELECT kind, direction, krimp.explain(kind, direction, before, after, p, unit, assessment, decimals)
  FROM (VALUES ('level shift', 'up', 1200.0, 1350.4, 0.012, 'persons', 'improving', 0),
               ('level shift', 'down', 1234567.0, 1100000.0, NULL, 'persons', 'worsening', 0),
               ('trend turn', 'down', 12.0, -30.4, 0.00001, 'persons', 'worsening', 0),
               ('acceleration', 'down', -10.0, -25.5, 0.0314159, 'persons', NULL, 1),
               ('deceleration', 'up', -25.0, -5.0, 0.2, 'dwellings', 'improving', 0),
               ('convergence', 'up', -1.234, -0.5, 0.04, '%', 'improving', 2),
               ('divergence', 'down', -1.23, -4.5, NULL, '%', 'worsening', 1))
       AS t(kind, direction, before, after, p, unit, assessment, decimals);
-- the six-argument form: no assessment, no decimals
SELECT krimp.explain('trend turn', 'up', -3.6, 7.2, 0.0123, 'persons');
-- unknown values: NULL p-value, unit, before and after; zero is not signed
SELECT krimp.explain('level shift', 'down', NULL, 5, NULL, NULL);
SELECT krimp.explain('trend turn', 'up', 0, 'NaN', NULL, '');
-- slopes per step of the series: a monthly, quarterly or half-yearly series' trend is per month,
-- quarter or half-year; a span of years per step; a level shift has no step
SELECT g AS step, krimp.explain_step(g), krimp.explain('trend turn', 'down', 4816, 917, 0.001, 'persons', NULL, 0, g)
  FROM unnest(ARRAY['year', 'half-year', 'quarter', 'month', 'span', NULL]) g;
SELECT krimp.explain('divergence', 'down', -1.2, -4.5, NULL, '%', 'worsening', 1, 'quarter');
SELECT krimp.explain('level shift', 'up', 1200, 1350, NULL, 'persons', NULL, 0, 'month');
-- no kind, no sentence
SELECT krimp.explain(NULL, 'up', 1, 2, 0.5, 'persons') IS NULL AS "null kind";
-- a flag row: the indicator's unit and decimals
BEGIN;
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation)
VALUES ('explain_test', 'Explain test', 'per 1,000 inhabitants', 1, 'year', 'demography', 'none');
SELECT krimp.explain(jsonb_populate_record(NULL::krimp.tipping_point_flag,
           jsonb_build_object('indicator_id', (SELECT indicator_id FROM krimp.indicator WHERE code = 'explain_test'),
                              'kind', 'acceleration', 'direction', 'down', 'assessment', 'worsening',
                              'before', -0.25, 'after', -1.75, 'p_value', 0.00002)));
-- a flag of a monthly series (period 2020MM05): its slopes are per month
SELECT krimp.explain(jsonb_populate_record(NULL::krimp.tipping_point_flag,
           jsonb_build_object('indicator_id', (SELECT indicator_id FROM krimp.indicator WHERE code = 'explain_test'),
                              'period', '2020MM05', 'kind', 'trend turn', 'direction', 'down',
                              'before', 4816, 'after', 917, 'p_value', 0.0002)));
ROLLBACK;
SELECT krimp.explain(NULL::krimp.tipping_point_flag) IS NULL AS "null flag";
-- volatility and strictness
SELECT p.oid::regprocedure, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p WHERE p.proname IN ('explain', 'explain_number', 'explain_step') AND p.pronamespace = 'krimp'::regnamespace
 ORDER BY p.oid::regprocedure::text;
