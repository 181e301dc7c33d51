-- Real data: the bundled CBS population files (table 37230ned, population on
-- 1 January; Bron: CBS, CC BY 4.0) read into krimp.series, checked against
-- figures in the files and against CBS's published national totals.
SET search_path = krimp, public;
\getenv abs_srcdir PG_ABS_SRCDIR

-- OData v3 dumps: a byte order mark, then {"value": {id: {RegioS, Perioden, Bevolking...}}};
-- region codes of the province files are padded with spaces, as CBS delivers them.
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

CREATE TEMP TABLE pop AS
SELECT f.name AS file, btrim(r->>'RegioS') AS region, (r->>'Perioden')::krimp.period AS period,
       (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision AS value
  FROM cbs_file f, jsonb_each(f.doc -> 'value') AS e(id, r);
SELECT file, count(*) AS rows, count(DISTINCT region) AS regions, count(value) AS with_value,
       krimp.min(period) AS first, krimp.max(period) AS last
  FROM pop GROUP BY file ORDER BY file;

-- one series per region and file
CREATE TEMP TABLE pop_series AS
SELECT file, region, krimp.series_agg(period, value) AS s FROM pop GROUP BY file, region;

-- Delfzijl (GM0010): 29,018 inhabitants on 1 January 2002 and 24,678 on 1 January 2020 in the file;
-- it merged into Eemsdelta (GM1979) in 2021, so 2021 and 2022 are null in the file and missing in the series.
SELECT s FROM pop_series WHERE file = 'gemeente_per_jaar' AND region = 'GM0010';
SELECT krimp.value_at(s, '2002') AS pop_2002, krimp.value_at(s, '2020') AS pop_2020,
       krimp.value_at(s, '2021') AS pop_2021, krimp.length(s) AS length
  FROM pop_series WHERE file = 'gemeente_per_jaar' AND region = 'GM0010';
-- index (2002 = 100) in 2020: 100 * 24678 / 29018 = 85.0438; compound annual growth 2002-2020 over 18 years:
-- 100 * ((24678 / 29018) ^ (1 / 18) - 1) = -0.8960 percent a year
SELECT round(krimp.value_at(krimp.index(s, '2002'), '2020')::numeric, 4) AS index_2020,
       round(krimp.cagr(s, '2002', '2020')::numeric, 4) AS cagr_pct,
       round(krimp.pct_change(s, '2002', '2020')::numeric, 4) AS pct_change,
       krimp.change(s, '2002', '2020') AS change
  FROM pop_series WHERE file = 'gemeente_per_jaar' AND region = 'GM0010';
-- the series reads back as the file's rows
SELECT count(*) AS rows, count(*) FILTER (WHERE p.value IS NOT DISTINCT FROM x.value) AS equal
  FROM pop_series ps, krimp.points(ps.s) p
  JOIN pop x ON x.period = p.period
 WHERE ps.file = 'gemeente_per_jaar' AND ps.region = 'GM0010'
   AND x.file = 'gemeente_per_jaar' AND x.region = 'GM0010';

-- every municipal series reads back as the file's rows, with nulls as missing values
SELECT count(*) AS rows, count(*) FILTER (WHERE p.value IS NOT DISTINCT FROM x.value) AS equal
  FROM pop_series ps CROSS JOIN LATERAL krimp.points(ps.s) p
  JOIN pop x ON x.file = ps.file AND x.region = ps.region AND x.period = p.period
 WHERE ps.file = 'gemeente_per_jaar';

-- Eemsdelta (GM1979) exists from 2021; its predecessors Appingedam (GM0003), Delfzijl (GM0010) and Loppersum
-- (GM0024) end in 2020.  The element-wise sum of the predecessors covers 2002-2022 and is missing from 2021.
SELECT krimp.sum(s) AS predecessors FROM pop_series
 WHERE file = 'gemeente_per_jaar' AND region IN ('GM0003', 'GM0010', 'GM0024');
SELECT krimp.slice(s, '2019', NULL) AS eemsdelta FROM pop_series WHERE file = 'gemeente_per_jaar' AND region = 'GM1979';

-- The municipalities of each year add up to CBS's published national population on 1 January:
-- 16,105,285 (2002), 17,407,585 (2020), 17,590,672 (2022).
SELECT period, sum(value)::bigint AS netherlands, count(value) AS municipalities
  FROM pop WHERE file = 'gemeente_per_jaar' AND period IN ('2002', '2020', '2022')
 GROUP BY period ORDER BY period;

-- The monthly province file's January values, regrained to years by the first month, equal the yearly file
-- for all 12 provinces and 21 years.
SELECT count(*) AS provinces,
       count(*) FILTER (WHERE krimp.slice(krimp.regrain(m.s, 'year', 'first'), '2002', '2022') = y.s) AS equal
  FROM pop_series m JOIN pop_series y USING (region)
 WHERE m.file = 'provincie_per_maand' AND y.file = 'provincie_per_jaar';
SELECT krimp.regrain(s, 'year', 'first') AS groningen_yearly, krimp.granularity(s) AS from_granularity
  FROM pop_series WHERE file = 'provincie_per_maand' AND region = 'PV20';

-- Groningen, Zeeland and Limburg against the Netherlands: index 2022 (2002 = 100)
SELECT region, round(krimp.value_at(krimp.index(s, '2002'), '2022')::numeric, 2) AS index_2022,
       round(krimp.cagr(s, '2002', '2022')::numeric, 3) AS cagr_pct
  FROM pop_series WHERE file = 'provincie_per_jaar' AND region IN ('PV20', 'PV29', 'PV31')
 ORDER BY region;

-- trend statistics of Delfzijl's decline, 2002-2020
SELECT krimp.n(t) AS n, round(krimp.ols_slope(t)::numeric, 2) AS ols_slope,
       round(krimp.theil_sen_slope(t)::numeric, 2) AS theil_sen_slope,
       krimp.mann_kendall_s(t) AS s, krimp.mann_kendall_exact(t) AS exact,
       krimp.mann_kendall_p(t) < 1e-6 AS significant
  FROM (SELECT krimp.trend(krimp.slice(s, '2002', '2020')) AS t
          FROM pop_series WHERE file = 'gemeente_per_jaar' AND region = 'GM0010') x;
