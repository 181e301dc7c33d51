-- A tour in SQL of the demo database, after make demo (scripts/demo.sh and
-- krimpctl demo, which load the data, run the nightly job, the targets and the
-- rounds 2015, 2020 and 2025): what is in the warehouse, harmonised onto the
-- 2023 layout, the decline regions against the Netherlands, the live tipping
-- points per theme and indicator, the rounds' lights and a scorecard.
--   psql "host=... port=... dbname=krimp" -f scripts/demo.sql
-- Bron: CBS, CC BY 4.0.
\set QUIET on
\pset footer off
SET client_min_messages = warning;
SET search_path = public, krimp;

\echo
\echo == What the warehouse holds
SELECT level, count(*) AS "region versions", count(*) FILTER (WHERE valid_to IS NULL) AS "in 2023",
       (SELECT count(*) FROM krimp.region_change c JOIN krimp.region o ON o.region_id = c.old_region_id
         WHERE o.level = r.level) AS "changes (mergers, splits)"
  FROM krimp.region r GROUP BY level ORDER BY min(length(code)), level;
SELECT i.code AS indicator, count(*) AS observations, count(DISTINCT o.region_id) AS regions,
       krimp.min(o.period) AS first, krimp.max(o.period) AS last, count(DISTINCT o.batch_id) AS "load batches"
  FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) GROUP BY i.code;

\echo
\echo == Delfzijl (GM0010) as one krimp.series, and Eemsdelta (GM1979) harmonised onto the 2023 layout
\echo    Delfzijl, Appingedam and Loppersum merged into Eemsdelta in 2021; harmonisation gives Eemsdelta
\echo    a series from 2002, the sum of its predecessors.
SELECT 'Delfzijl, as published' AS series, krimp.region_series('population', 'GM0010') AS values
UNION ALL
SELECT 'Eemsdelta, 2023 layout', series FROM krimp.harmonised_series('population', 2023) WHERE code = 'GM1979';
SELECT round(krimp.value_at(krimp.index(s, '2002'), '2022')::numeric, 1) AS "Eemsdelta index 2022 (2002 = 100)",
       round(krimp.cagr(s, '2002', '2022')::numeric, 2) AS "growth, % a year",
       round(krimp.theil_sen_slope(krimp.trend(s))::numeric) AS "Theil-Sen slope, persons a year"
  FROM (SELECT series AS s FROM krimp.harmonised_series('population', 2023) WHERE code = 'GM1979') x;

\echo
\echo == The decline regions against the Netherlands, 2002-2017
\echo    (their members of 2014 on the 2014 layout, harmonised back to 2002; the layout held until 2017)
WITH regions AS (
    SELECT g.name, g.designation, count(*) AS municipalities,
           krimp.sum(krimp.slice(hs.series, '2002', '2017')) AS s
      FROM krimp.region_group g
      CROSS JOIN LATERAL krimp.group_members(g.group_code, '2014-01-01') m
      JOIN krimp.harmonised_series('population', 2014) hs ON hs.region_id = m.region_id
     GROUP BY g.name, g.designation
), nl AS (
    SELECT krimp.region_series('population', 'NL01') AS s
)
SELECT r.name AS region, r.designation, r.municipalities,
       krimp.value_at(r.s, '2017')::bigint AS "population 2017",
       round(krimp.value_at(krimp.index(r.s, '2002'), '2017')::numeric, 1) AS "index 2017 (2002 = 100)",
       round(krimp.value_at(krimp.index(nl.s, '2002'), '2017')::numeric, 1) AS "NL index 2017"
  FROM regions r, nl
 ORDER BY krimp.value_at(krimp.index(r.s, '2002'), '2017');

\echo
\echo == The nightly job
SELECT run_id AS run, series_examined AS "series examined", flags_new AS "new flags", flags_confirmed AS confirmed,
       flags_withdrawn AS withdrawn, round(duration_ms::numeric) AS ms
  FROM krimp.job_run ORDER BY run_id DESC LIMIT 3;
SELECT kind, count(*) FILTER (WHERE assessment = 'improving') AS improving,
       count(*) FILTER (WHERE assessment = 'worsening') AS worsening, count(*) FILTER (WHERE recent) AS recent
  FROM krimp.tipping_point_flag WHERE status <> 'withdrawn' GROUP BY kind ORDER BY kind;

\echo
\echo == Live tipping points per theme and indicator (krimpctl demo, step 8, lists the most notable ones in
\echo    the decline regions per theme, each line labelled with its indicator: the one home of that list)
SELECT i.theme, i.code AS indicator, count(*) AS live, count(*) FILTER (WHERE f.recent) AS recent,
       count(*) FILTER (WHERE f.assessment = 'worsening') AS worsening
  FROM krimp.tipping_point_flag f JOIN krimp.indicator i USING (indicator_id)
 WHERE f.status <> 'withdrawn'
 GROUP BY i.theme, i.code ORDER BY array_position(krimp.indicator_themes(), i.theme), i.code;

\echo
\echo == The revaluation rounds 2015, 2020 and 2025 of the Demo covenant (krimpctl evaluate YEAR)
SELECT round_year AS round, theme, indicator_code AS indicator, count(*) AS targets,
       count(*) FILTER (WHERE light = 'green') AS green, count(*) FILTER (WHERE light = 'orange') AS orange,
       count(*) FILTER (WHERE light = 'red') AS red, count(*) FILTER (WHERE light = 'grey') AS grey
  FROM krimp.round_result WHERE latest AND agreement_code = 'DEMO-2014'
 GROUP BY round_year, theme, indicator_code
 ORDER BY round_year, array_position(krimp.indicator_themes(), theme), indicator_code;
\echo
\echo == The scorecard of the round 2020
SELECT region_name AS region, theme, targets, green, orange, red, grey, worst_items AS "worst items"
  FROM krimp.scorecard WHERE round_year = 2020 ORDER BY red DESC, orange DESC, region_name, theme;
