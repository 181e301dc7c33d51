-- The demo on the bundled real data (make demo).  Loads the CBS population
-- per municipality and province once into the schema demo, then shows the
-- period and series types at work.  Bron: CBS, CC BY 4.0.
\set QUIET on
\pset footer off
SET client_min_messages = warning;
SET search_path = public, krimp;
\getenv abs_srcdir PG_ABS_SRCDIR
CREATE SCHEMA IF NOT EXISTS demo;

SELECT NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'demo' AND tablename = 'population') AS need_load \gset
\if :need_load
\echo Loading the bundled CBS population files into demo.population ...
CREATE TABLE demo.population (file text, region text, period krimp.period, value double precision,
                              PRIMARY KEY (file, region, period));
CREATE TEMP TABLE cbs_file (name text, doc jsonb);
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
INSERT INTO cbs_file VALUES ('gemeente_per_jaar', ltrim(:'doc', E'\uFEFF')::jsonb);
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_provincie_per_jaar.json'
\set doc `cat :'f'`
INSERT INTO cbs_file VALUES ('provincie_per_jaar', ltrim(:'doc', E'\uFEFF')::jsonb);
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_provincie_per_maand.json'
\set doc `cat :'f'`
INSERT INTO cbs_file VALUES ('provincie_per_maand', ltrim(:'doc', E'\uFEFF')::jsonb);
\unset doc
INSERT INTO demo.population
SELECT f.name, btrim(r->>'RegioS'), (r->>'Perioden')::krimp.period,
       (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision
  FROM cbs_file f, jsonb_each(f.doc -> 'value') AS e(id, r);
-- municipality names from the 2014 boundary file, and the decline regions of 2014
CREATE TABLE demo.municipality (code text PRIMARY KEY, name text);
\set f :abs_srcdir '/data/boundaries/gemeente/gemeente_2014.geojson'
\set doc `cat :'f'`
INSERT INTO demo.municipality
SELECT ft->'properties'->>'statcode', ft->'properties'->>'statnaam'
  FROM jsonb_array_elements((:'doc')::jsonb -> 'features') AS ft;
\unset doc
CREATE TABLE demo.decline_region (group_code text, group_name text, designation text, province_code text,
                                  municipality_code text, municipality_name text, layout_year integer);
\copy demo.decline_region FROM 'data/krimp_regions_2014.csv' WITH (FORMAT csv, HEADER true)
-- one krimp.series per file and region
CREATE TABLE demo.population_series AS
SELECT file, region, krimp.series_agg(period, value) AS s FROM demo.population GROUP BY file, region;
ALTER TABLE demo.population_series ADD PRIMARY KEY (file, region);
\else
\echo Reusing the data loaded by an earlier run (drop schema demo to reload).
\endif

\echo
\echo == What was loaded
SELECT file, count(*) AS observations, count(DISTINCT region) AS regions,
       krimp.min(period) AS first_period, krimp.max(period) AS last_period
  FROM demo.population GROUP BY file ORDER BY file;
SELECT pg_size_pretty(sum(pg_column_size(s))) AS "all series, on disk",
       round(sum(pg_column_size(s))::numeric / sum(krimp.length(s)), 1) AS "bytes per value"
  FROM demo.population_series;

\echo
\echo == Delfzijl (GM0010), one krimp.series: population on 1 January, 2002-2022
\echo    (Delfzijl merged into Eemsdelta in 2021, so its last two years are missing)
SELECT s AS series FROM demo.population_series WHERE file = 'gemeente_per_jaar' AND region = 'GM0010';
SELECT krimp.value_at(s, '2002') AS "2002", krimp.value_at(s, '2020') AS "2020",
       round(krimp.value_at(krimp.index(s, '2002'), '2020')::numeric, 1) AS "index 2020 (2002 = 100)",
       round(krimp.cagr(s, '2002', '2020')::numeric, 2) AS "growth, % a year"
  FROM demo.population_series WHERE file = 'gemeente_per_jaar' AND region = 'GM0010';

\echo
\echo == Fastest decline 2012-2020 among municipalities that existed throughout (compound growth, % a year)
SELECT ps.region AS code, coalesce(m.name, '') AS municipality, coalesce(d.group_name, '') AS "decline region (2014)",
       krimp.value_at(s, '2012') AS "2012", krimp.value_at(s, '2020') AS "2020",
       round(krimp.cagr(s, '2012', '2020')::numeric, 2) AS "% a year"
  FROM demo.population_series ps
  LEFT JOIN demo.municipality m ON m.code = ps.region
  LEFT JOIN demo.decline_region d ON d.municipality_code = ps.region
 WHERE ps.file = 'gemeente_per_jaar' AND krimp.cagr(s, '2012', '2020') IS NOT NULL
 ORDER BY krimp.cagr(s, '2012', '2020') LIMIT 10;

\echo
\echo == Decline regions of 2014 against the Netherlands, 2014-2017 (the 2014 municipal layout held in all of them until 2017)
\echo    krimp.sum adds the members element-wise; the index is 2014 = 100
WITH nl AS (
  SELECT krimp.slice(krimp.series_agg(period, total), '2014', '2017') AS s
    FROM (SELECT period, sum(value) AS total FROM demo.population
           WHERE file = 'gemeente_per_jaar' GROUP BY period) t
), groups AS (
  SELECT d.group_name, d.designation, krimp.sum(krimp.slice(ps.s, '2014', '2017')) AS s, count(*) AS members
    FROM demo.decline_region d
    JOIN demo.population_series ps ON ps.file = 'gemeente_per_jaar' AND ps.region = d.municipality_code
   GROUP BY d.group_name, d.designation
)
SELECT g.group_name AS region, g.designation, g.members,
       krimp.value_at(g.s, '2017')::bigint AS "population 2017",
       round(krimp.value_at(krimp.index(g.s, '2014'), '2017')::numeric, 1) AS "index 2017",
       round(krimp.value_at(krimp.index(nl.s, '2014'), '2017')::numeric, 1) AS "NL index 2017",
       round(krimp.theil_sen_slope(krimp.trend(g.s))::numeric) AS "Theil-Sen slope / year"
  FROM groups g, nl
 ORDER BY krimp.value_at(krimp.index(g.s, '2014'), '2017');

\echo
\echo == Province of Groningen (PV20): monthly figures regrained to years (first month) equal the yearly table
SELECT krimp.slice(krimp.regrain(m.s, 'year', 'first'), '2016', '2022') AS "from months",
       krimp.slice(y.s, '2016', '2022') AS "yearly table",
       krimp.slice(krimp.regrain(m.s, 'year', 'first'), '2002', '2022') = y.s AS equal
  FROM demo.population_series m JOIN demo.population_series y USING (region)
 WHERE m.file = 'provincie_per_maand' AND y.file = 'provincie_per_jaar' AND region = 'PV20';
