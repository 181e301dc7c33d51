-- Regions on the bundled real data: yearly boundaries 2002-2023 become region
-- versions and region changes, the hierarchy and the decline regions are
-- filled in, and the CBS population per municipality is recast onto the 2023
-- layout (Bron: CBS, CC BY 4.0).  Runs in a database of its own, so that the
-- real regions do not meet the other suites' test regions.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS krimp_regions_test;
CREATE DATABASE krimp_regions_test;
\c krimp_regions_test
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
RESET client_min_messages;
SET search_path = public, krimp;
\getenv abs_srcdir PG_ABS_SRCDIR

-- the same file as scripts/load_regions.sh (make demo)
\set loader :abs_srcdir '/scripts/load_regions.sql'
\i :loader

-- ---- versions ----------------------------------------------------------
-- 22 yearly layers per level; the country is the union of the provinces
SELECT layer, count(DISTINCT year) AS years, min(year) AS first, max(year) AS last, count(*) AS polygons
  FROM krimp.region_boundary GROUP BY layer ORDER BY layer;
SELECT level, count(*) AS versions, count(*) FILTER (WHERE valid_to IS NULL) AS current,
       count(*) FILTER (WHERE geom IS NOT NULL) AS with_geometry, min(valid_from) AS first_from
  FROM krimp.region GROUP BY level ORDER BY level;
-- the 2023 layer is exactly the open versions: 342 municipalities, 12 provinces, NL01
SELECT b.layer, count(*) AS polygons, count(*) FILTER (WHERE r.valid_to IS NULL) AS open_versions
  FROM krimp.region_boundary b JOIN krimp.region r USING (region_id)
 WHERE b.year = 2023 GROUP BY b.layer ORDER BY b.layer;
-- every version covers the years of its polygons, from 1 January of the first
-- to 1 January of the first year it no longer holds
SELECT count(*) AS versions,
       count(*) FILTER (WHERE r.valid_from = make_date(b.first, 1, 1)
                          AND r.valid_to IS NOT DISTINCT FROM
                              CASE WHEN b.last < 2023 THEN make_date(b.last + 1, 1, 1) END
                          AND b.n = b.last - b.first + 1) AS consistent
  FROM krimp.region r
  JOIN (SELECT region_id, min(year) AS first, max(year) AS last, count(*) AS n
          FROM krimp.region_boundary GROUP BY region_id) b USING (region_id);
-- geometry in RD New, valid, and areas in square kilometres that add up to the country's
SELECT public.ST_SRID(geom) AS srid, bool_and(public.ST_IsValid(geom)) AS valid,
       round(sum(public.ST_Area(geom)) / 1e6) AS km2
  FROM krimp.region WHERE level = 'municipality' AND valid_to IS NULL GROUP BY 1;
SELECT round(public.ST_Area(geom) / 1e6) AS nl_km2, valid_from, valid_to FROM krimp.region WHERE code = 'NL01';
-- Groningen (GM0014) kept its code when it took in Haren and Ten Boer in 2019: two versions
SELECT code, name, valid_from, valid_to, round(public.ST_Area(geom) / 1e6) AS km2
  FROM krimp.region WHERE code IN ('GM0014', 'GM1979', 'GM0010') ORDER BY code, valid_from;

-- ---- region changes ----------------------------------------------------
-- Eemsdelta 2021 and Het Hogeland 2019 (Winsum is divided between Het Hogeland
-- and Westerkwartier); Groningen's merger keeps its code
SELECT c.effective, o.code AS old, o.name AS old_name, n.code AS new, n.name AS new_name,
       round(c.share::numeric, 3) AS share, c.kind
  FROM krimp.region_change c
  JOIN krimp.region o ON o.region_id = c.old_region_id
  JOIN krimp.region n ON n.region_id = c.new_region_id
 WHERE n.code IN ('GM1979', 'GM1966', 'GM0014') OR o.code = 'GM0053'
 ORDER BY c.effective, n.code, o.code;
-- the shares of every old version sum to 1; every ended version has changes, no open one
SELECT count(*) AS old_versions, count(*) FILTER (WHERE abs(s - 1) < 1e-12) AS sum_to_1
  FROM (SELECT old_region_id, sum(share) AS s FROM krimp.region_change GROUP BY 1) x;
SELECT count(*) FILTER (WHERE r.valid_to IS NOT NULL AND c.old_region_id IS NULL) AS ended_without_change,
       count(*) FILTER (WHERE r.valid_to IS NULL AND c.old_region_id IS NOT NULL) AS open_with_change,
       count(*) FILTER (WHERE c.old_region_id IS NOT NULL AND c.effective <> r.valid_to) AS wrong_date
  FROM krimp.region r LEFT JOIN krimp.region_change c ON c.old_region_id = r.region_id;
-- a change leads from a version that ends to one that holds on that day
SELECT count(*) AS changes,
       count(*) FILTER (WHERE n.valid_from <= c.effective AND (n.valid_to IS NULL OR n.valid_to > c.effective)
                          AND o.level = n.level) AS well_formed
  FROM krimp.region_change c
  JOIN krimp.region o ON o.region_id = c.old_region_id
  JOIN krimp.region n ON n.region_id = c.new_region_id;
SELECT kind, count(*) AS changes, round(min(share)::numeric, 3) AS min_share FROM krimp.region_change
 GROUP BY kind ORDER BY kind;
-- the tolerances
SELECT krimp.region_sliver_erosion() AS erosion_m, krimp.region_sliver_tolerance() AS sliver_share,
       krimp.region_version_tolerance() AS version_share;

-- ---- hierarchy -----------------------------------------------------------
SELECT c.level, p.level AS parent_level, count(*) AS links, min(rp.valid_from) AS first_from,
       count(*) FILTER (WHERE rp.valid_to IS NULL) AS open
  FROM krimp.region_parent rp
  JOIN krimp.region c ON c.region_id = rp.region_id
  JOIN krimp.region p ON p.region_id = rp.parent_id
 GROUP BY 1, 2 ORDER BY 1, 2;
-- every municipality of every year lies in exactly one province that year
SELECT count(*) AS polygons, count(*) FILTER (WHERE n = 1) AS in_one_province
  FROM (SELECT b.year, b.code, count(rp.parent_id) AS n
          FROM krimp.region_boundary b
          LEFT JOIN krimp.region_parent rp ON rp.region_id = b.region_id
               AND rp.valid_from <= make_date(b.year, 1, 1)
               AND (rp.valid_to IS NULL OR rp.valid_to > make_date(b.year, 1, 1))
               AND rp.parent_id IN (SELECT region_id FROM krimp.region WHERE level = 'province')
         WHERE b.layer = 'municipality' GROUP BY 1, 2) x;
-- the spatial province agrees with CBS's 2015 layout (municipality -> COROP area -> province)
SELECT count(*) AS municipalities_2015,
       count(*) FILTER (WHERE spatial.code = cbs.code) AS same_province
  FROM krimp.region m
  JOIN LATERAL (SELECT p.code FROM krimp.region_parent rp JOIN krimp.region p ON p.region_id = rp.parent_id
                 WHERE rp.region_id = m.region_id AND p.level = 'province'
                   AND rp.valid_from <= '2015-01-01' AND (rp.valid_to IS NULL OR rp.valid_to > '2015-01-01')) spatial ON true
  JOIN LATERAL (SELECT p.code FROM krimp.region_parent r1 JOIN krimp.region cr ON cr.region_id = r1.parent_id
                  JOIN krimp.region_parent r2 ON r2.region_id = cr.region_id
                  JOIN krimp.region p ON p.region_id = r2.parent_id
                 WHERE r1.region_id = m.region_id AND cr.level = 'corop' AND p.level = 'province') cbs ON true
 WHERE m.level = 'municipality' AND m.valid_from <= '2015-01-01' AND (m.valid_to IS NULL OR m.valid_to > '2015-01-01');
-- Delfzijl's parents: province (from 2002, spatial), COROP area and landsdeel (2015 layout)
SELECT p.level, p.code, p.name, rp.valid_from, rp.valid_to
  FROM krimp.region_parent rp JOIN krimp.region p ON p.region_id = rp.parent_id
 WHERE rp.region_id = krimp.region_at('GM0010', '2015') ORDER BY p.level;
SELECT c.code, p.code AS parent, rp.valid_from, rp.valid_to
  FROM krimp.region_parent rp JOIN krimp.region c ON c.region_id = rp.region_id
  JOIN krimp.region p ON p.region_id = rp.parent_id
 WHERE c.code IN ('PV20', 'CR02', 'LD01') ORDER BY c.code, p.code;

-- ---- decline regions -------------------------------------------------------
SELECT g.group_code, g.designation, g.province_code, g.designated_on, count(m.region_id) AS members,
       min(m.valid_from) AS first_member_from
  FROM krimp.region_group g LEFT JOIN krimp.region_group_member m USING (group_code)
 GROUP BY g.group_code ORDER BY g.designation DESC, g.group_code;
-- members are the 2014-layout versions; Oldambt (from 2010) belongs from its start,
-- Bellingwedde until it merged into Westerwolde (2018)
SELECT r.code, r.name, m.valid_from, m.valid_to
  FROM krimp.region_group_member m JOIN krimp.region r USING (region_id)
 WHERE m.group_code = 'KR-NOGRONINGEN' AND r.code IN ('GM1895', 'GM0007', 'GM0037') ORDER BY r.code;

-- ---- membership through mergers (krimp.group_members) ---------------------
-- Eemsdelta: Appingedam, Delfzijl and Loppersum until 2021, then GM1979
-- Eemsdelta (all of it comes from them); Eemsmond until
-- 2019, then its part of Het Hogeland
SELECT code, name, round(share::numeric, 3) AS share, valid_from, valid_to, designated
  FROM krimp.group_members('KR-EEMSDELTA');
SELECT code FROM krimp.group_members('KR-EEMSDELTA', '2020-06-30') ORDER BY code;
SELECT code FROM krimp.group_members('KR-EEMSDELTA', '2021-01-01') ORDER BY code;
-- De Marne has a current member: its part of Het Hogeland (2019)
SELECT code, name, round(share::numeric, 3) AS share, valid_from, valid_to
  FROM krimp.group_members('KR-DEMARNE', '2023-01-01');
-- GM1979 belongs to KR-EEMSDELTA and to no other group
SELECT g.group_code FROM krimp.region_group g, krimp.group_members(g.group_code) m
 WHERE m.code = 'GM1979' ORDER BY 1;
-- a municipality divided between two groups: Beekdaelen (2019, Nuth and
-- Onderbanken of Parkstad, Schinnen of Westelijke Mijnstreek); Midden-Groningen
-- takes Menterwolde's part
SELECT g.group_code, m.code, m.name, round(m.share::numeric, 3) AS share, m.valid_from
  FROM krimp.region_group g, krimp.group_members(g.group_code, '2023-01-01') m
 WHERE NOT m.designated ORDER BY m.code, g.group_code;
-- every group has current members; the shares of a version over the groups never exceed 1
SELECT g.group_code, count(m.region_id) AS members_2023, round(sum(m.share)::numeric, 3) AS member_area_equivalents
  FROM krimp.region_group g LEFT JOIN LATERAL krimp.group_members(g.group_code, '2023-01-01') m ON true
 GROUP BY g.group_code ORDER BY g.group_code;
SELECT count(*) AS versions, count(*) FILTER (WHERE s <= 1 + 1e-9) AS at_most_1
  FROM (SELECT m.region_id, sum(m.share) AS s FROM krimp.region_group g, krimp.group_members(g.group_code) m
         GROUP BY m.region_id) x;
-- the BI region dimension reads the same membership
SELECT region_code, group_codes FROM krimp_bi.dim_region
 WHERE region_code IN ('GM1979', 'GM1966', 'GM1954') AND is_current ORDER BY region_code;

-- ---- which region was at a point on a day (krimp.region_at_point) -----------
-- a point in Delfzijl (WGS84), before and after the merger into Eemsdelta (2021), and one in
-- Appingedam; the same point in RD New gives the same answer; before 2002 there is no layer
SELECT d, r.level, r.code, r.name, r.valid_from, r.valid_to
  FROM unnest(ARRAY[date '2015-06-30', date '2020-12-31', date '2021-01-01']) d,
       krimp.region_at_point(ST_SetSRID(ST_MakePoint(6.90, 53.31), 4326), d) r;
SELECT string_agg(code, ',') AS appingedam_2015 FROM krimp.region_at_point(ST_SetSRID(ST_MakePoint(6.86, 53.32), 4326), '2015-06-30');
SELECT (SELECT array_agg(code) FROM krimp.region_at_point(ST_Transform(ST_SetSRID(ST_MakePoint(6.90, 53.31), 4326), 28992), '2015-06-30'))
     = (SELECT array_agg(code) FROM krimp.region_at_point(ST_SetSRID(ST_MakePoint(6.90, 53.31), 4326), '2015-06-30')) AS same_in_rd_new;
SELECT count(*) AS before_the_first_layer FROM krimp.region_at_point(ST_SetSRID(ST_MakePoint(6.90, 53.31), 4326), '1999-01-01');
-- every municipality of 2015: the point on its 2015 surface finds that municipality (and only one)
SELECT count(*) AS municipalities_2015,
       count(*) FILTER (WHERE (SELECT array_agg(x.code) FROM krimp.region_at_point(ST_PointOnSurface(b.geom), '2015-06-30') x
                                WHERE x.level = 'municipality') = ARRAY[b.code]) AS found_themselves
  FROM krimp.region_boundary b WHERE b.layer = 'municipality' AND b.year = 2015;
-- the North Sea is in no region
SELECT count(*) AS north_sea FROM krimp.region_at_point(ST_SetSRID(ST_MakePoint(3.5, 53.5), 4326), '2015-06-30');
SELECT * FROM krimp.region_at_point(ST_MakePoint(6.90, 53.31), '2015-06-30');
SELECT * FROM krimp.region_at_point(ST_Buffer(ST_SetSRID(ST_MakePoint(6.90, 53.31), 4326), 0.01), '2015-06-30');

-- ---- population as observations ---------------------------------------------
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good)
VALUES ('population', 'Bevolking op 1 januari', 'persons', 'year', 'demography', 'CBS 37230ned', 'sum', 0);
CREATE TEMP TABLE pop_file (code text, period text, value double precision);
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
INSERT INTO pop_file
SELECT btrim(r->>'RegioS'), r->>'Perioden', (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision
  FROM jsonb_each(ltrim(:'doc', E'\uFEFF')::jsonb -> 'value') AS e(id, r);
\unset doc
SELECT count(*) AS rows, count(value) AS with_value FROM pop_file;
SELECT krimp.begin_batch('BZK', 'CBS 37230ned', 'Bevolkingsontwikkeling_gemeente_per_jaar.json') AS batch \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, status)
SELECT :batch, row_number() OVER (ORDER BY code, period), 'BZK', 'population', code, period, value::text, 'definitief'
  FROM pop_file WHERE value IS NOT NULL;
-- every figure finds the version of its code for its year
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:batch, 'abort', '2023-06-01 00:00+02');

-- ---- harmonisation ---------------------------------------------------------
CREATE TEMP TABLE h2023 AS SELECT * FROM krimp.harmonise('population', 2023);
-- the 342 municipalities of 2023, 21 years each (2002-2022), none unknown
SELECT count(DISTINCT code) AS regions, count(DISTINCT period) AS years, count(*) AS figures,
       count(*) FILTER (WHERE value IS NULL) AS unknown
  FROM h2023;
-- for every year the harmonised municipalities add up to the national total of the file
SELECT count(*) AS years,
       count(*) FILTER (WHERE round(h.total) = f.total) AS equal_to_file,
       max(abs(h.total - f.total)) < 1e-6 AS within_1e_6
  FROM (SELECT period, sum(value) AS total FROM h2023 WHERE code LIKE 'GM%' GROUP BY period) h
  JOIN (SELECT period::krimp.period AS period, sum(value) AS total FROM pop_file GROUP BY 1) f USING (period);
SELECT period, round(sum(value)) AS netherlands FROM h2023 WHERE code LIKE 'GM%' AND period IN ('2002', '2020', '2022')
 GROUP BY period ORDER BY period;
-- Eemsdelta (GM1979) 2002-2020 is the sum of Appingedam, Delfzijl and Loppersum
SELECT count(*) AS years, count(*) FILTER (WHERE h.value = p.value) AS equal
  FROM h2023 h
  JOIN (SELECT period::krimp.period AS period, sum(value) AS value FROM pop_file
         WHERE code IN ('GM0003', 'GM0010', 'GM0024') AND value IS NOT NULL GROUP BY 1) p USING (period)
 WHERE h.code = 'GM1979';
SELECT series FROM krimp.harmonised_series('population', 2023) WHERE code = 'GM1979';
SELECT krimp.sum(krimp.region_series('population', code, '2020-01-01')) AS predecessors
  FROM (VALUES ('GM0003'), ('GM0010'), ('GM0024')) v(code);
-- Het Hogeland 2018: De Marne, Eemsmond, Bedum and 79.3 % of Winsum (by area)
SELECT round(value) AS het_hogeland_2018 FROM h2023 WHERE code = 'GM1966' AND period = '2018';
SELECT round(sum(f.value * coalesce(c.share, 1))) AS by_hand
  FROM pop_file f
  LEFT JOIN krimp.region_change c ON c.old_region_id = krimp.region_at(f.code, '2018')
                                 AND c.new_region_id = krimp.region_at('GM1966', '2023')
 WHERE f.code IN ('GM1663', 'GM1651', 'GM0005', 'GM0053') AND f.period = '2018JJ00';
-- the view: the newest layout loaded
SELECT indicator_code, layout_year, count(*) AS figures, count(DISTINCT region_code) AS regions
  FROM krimp.observation_harmonised GROUP BY 1, 2;
-- an earlier layout: figures of versions that start later are not recast back
-- (Groningen's 2014 version has no figures from 2019)
SELECT code, krimp.min(period) AS first, krimp.max(period) AS last, count(*) AS years
  FROM krimp.harmonise('population', 2014) WHERE code IN ('GM0014', 'GM0017', 'GM0010') GROUP BY code ORDER BY code;
-- as known before the load: nothing
SELECT count(*) AS known_in_2022 FROM krimp.harmonise('population', 2023, '2022-01-01');

-- ---- forecasts through mergers (krimp.harmonise with kind, krimp.forecast_error) --
-- PBL/CBS regional forecast 71547ned (2008-2025, 2007 layout; TotaleBevolking_1,
-- code column Regiocode_33) for Appingedam, Delfzijl, Loppersum and Maastricht
\set f :abs_srcdir '/../shared/data/cbs-more/csv/71547ned.csv'
\set csv `cat :'f'`
CREATE TEMP TABLE fc_file AS
SELECT 'GM' || lpad(btrim(f[36]), 4, '0') AS code, btrim(f[3]) AS period, btrim(f[4]) AS value
  FROM (SELECT string_to_array(btrim(l, E'\r'), ';') AS f
          FROM regexp_split_to_table(:'csv', E'\n') AS t(l)) x
 WHERE cardinality(f) = 36 AND btrim(f[36]) IN ('3', '10', '24', '935')
   AND btrim(f[2]) IN ('Appingedam', 'Delfzijl', 'Loppersum', 'Maastricht');
\unset csv
SELECT code, count(*) AS years, min(period) AS first, max(period) AS last,
       max(value) FILTER (WHERE period = '2020') AS forecast_2020
  FROM fc_file GROUP BY code ORDER BY code;
SELECT krimp.begin_batch('BZK', 'PBL/CBS 71547ned', '71547ned.csv') AS batch \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       status, kind, forecast_producer, forecast_base_year)
SELECT :batch, row_number() OVER (ORDER BY code, period), 'BZK', 'population', code, period, value, 'definitief',
       'forecast', 'PBL/CBS', 2007
  FROM fc_file;
-- a forecast's figures belong to the region version valid on 1 January of its
-- base year, the layout it was made on (krimp.figure_region_days): the three
-- merged in 2021 keep their figures for 2021-2025 too
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:batch, 'reject', '2023-06-01 00:00+02');
SELECT r.code, r.valid_from, r.valid_to, count(*) AS years, krimp.min(o.period) AS first, krimp.max(o.period) AS last
  FROM krimp.observation o JOIN krimp.region r USING (region_id)
 WHERE o.batch_id = :batch GROUP BY r.code, r.valid_from, r.valid_to ORDER BY r.code;
-- recast onto the 2023 layout: Eemsdelta is the sum of the three, 2008-2025
SELECT code, krimp.first_period(series) AS first, krimp.last_period(series) AS last,
       krimp.value_at(series, '2020') AS forecast_2020, krimp.value_at(series, '2021') AS forecast_2021,
       krimp.value_at(series, '2025') AS forecast_2025
  FROM krimp.harmonised_forecast('population', 'PBL/CBS', 2007, 2023) ORDER BY code;
SELECT sum(value::double precision) AS three_2021 FROM fc_file WHERE code IN ('GM0003', 'GM0010', 'GM0024') AND period = '2021';
-- forecast against realisation (37230ned), by horizon; Eemsdelta's realisations of 2021 and 2022
SELECT code, period, horizon, round(forecast) AS forecast, round(realisation) AS realisation, round(error) AS error,
       round((100 * relative_error)::numeric, 2) AS error_pct
  FROM krimp.forecast_error('population', 'PBL/CBS', 2007, 2023)
 WHERE period IN ('2008', '2012', '2016', '2020', '2021', '2022') ORDER BY code, period;
-- on the 2014 layout the three stay apart
SELECT code, period, horizon, round(forecast) AS forecast, round(realisation) AS realisation,
       round((100 * relative_error)::numeric, 2) AS error_pct
  FROM krimp.forecast_error('population', 'PBL/CBS', 2007, 2014) WHERE period = '2020' ORDER BY code;
-- a kind without producer is refused
SELECT count(*) FROM krimp.harmonise('population', 2023, 'infinity', false, 'forecast', '', 0);
-- a forecast for a region without a version on 1 January of its base year is
-- rejected with that reason (Eemsdelta, 2021, in a forecast made in 2007); a
-- realisation keeps the period's rule
SELECT krimp.begin_batch('BZK', 'fc check', 'fc.csv') AS batch \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value,
                                       status, kind, forecast_producer, forecast_base_year)
VALUES (:batch, 1, 'BZK', 'population', 'GM1979', '2022', '42389', 'definitief', 'forecast', 'PBL/CBS', 2007),
       (:batch, 2, 'BZK', 'population', 'GM0010', '2022', '23000', 'definitief', 'forecast', 'PBL/CBS', 2023),
       (:batch, 3, 'BZK', 'population', 'GM0010', '2022', '23000', 'definitief', 'realisation', NULL, NULL);
SELECT rows_read, rows_inserted, rows_rejected FROM krimp.apply_batch(:batch, 'reject', '2023-06-01 00:00+02');
SELECT line_number, reason FROM krimp.rejected_row WHERE batch_id = :batch ORDER BY line_number;

-- a rate is recast through numerator and denominator: Eemsdelta 2020
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation, denominator_id)
SELECT 'share_65plus', 'Aandeel 65-plussers', '%', 1, 'year', 'demography', 'weighted mean', indicator_id
  FROM krimp.indicator WHERE code = 'population';
SELECT krimp.begin_batch('BZK', 'test rates') AS batch \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:batch, 1, 'BZK', 'share_65plus', 'GM0003', '2020', '25.0'),
       (:batch, 2, 'BZK', 'share_65plus', 'GM0010', '2020', '24.0'),
       (:batch, 3, 'BZK', 'share_65plus', 'GM0024', '2020', '28.0'),
       (:batch, 4, 'BZK', 'share_65plus', 'GM0024', '2019', '27.0');
SELECT rows_inserted FROM krimp.apply_batch(:batch, 'abort');
-- (25 * 11642 + 24 * 24678 + 28 * 9537) / (11642 + 24678 + 9537) with the populations of
-- 1 January 2020, not the mean of the rates; 2019 is unknown: Appingedam and Delfzijl have no figure
SELECT period, round(value::numeric, 4) AS share_65plus FROM krimp.harmonise('share_65plus', 2023) WHERE code = 'GM1979';
SELECT round(((25 * 11642 + 24 * 24678 + 28 * 9537) / (11642 + 24678 + 9537.0)), 4) AS by_hand,
       round((25 + 24 + 28) / 3.0, 4) AS mean_of_rates;
SELECT value FROM pop_file WHERE code IN ('GM0003', 'GM0010', 'GM0024') AND period = '2020JJ00' ORDER BY code;

-- ---- errors ------------------------------------------------------------------
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation)
VALUES ('mood', 'Stemming', 'score', 'year', 'liveability', 'none');
\set VERBOSITY default
SELECT * FROM krimp.harmonise('mood', 2023);
SELECT * FROM krimp.harmonise('nothing', 2023);
SELECT * FROM krimp.harmonise('population', 99999);
SELECT * FROM krimp.load_boundaries('corop', 2024, '{}');
SELECT * FROM krimp.load_boundaries('municipality', 2023, '{"type": "FeatureCollection", "features": []}');
SELECT * FROM krimp.load_boundaries('municipality', 2025, '{"type": "FeatureCollection", "features": []}');
SELECT * FROM krimp.load_boundaries('municipality', 2024, '{"type": "Feature"}');
SELECT * FROM krimp.load_boundaries('municipality', 2024,
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"statcode": "XX01", "statnaam": "X"}, "geometry": null}]}');
SELECT * FROM krimp.load_boundaries('municipality', 2024,
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"statcode": "PV20", "statnaam": "Groningen"},
      "geometry": {"type": "Polygon", "coordinates": [[[6.5, 53.2], [6.6, 53.2], [6.6, 53.3], [6.5, 53.2]]]}}]}');
SELECT * FROM krimp.load_boundaries('municipality', 2024,
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"statcode": "GM0014", "statnaam": "Groningen"},
      "geometry": {"type": "Point", "coordinates": [6.5, 53.2]}}]}');
SELECT krimp.load_region_group('KR-X', 'X', 'topkrimpregio', 'PV20', '2009-01-01', 2014, ARRAY['GM1979']);
SELECT krimp.load_region_layout(2001, '{"type": "Topology", "objects": {"layer": {"geometries": [{"properties": {"rubriek": "gemeente", "statcode": "GM0003", "corop_gebied": "CR02"}}]}}}');
\set VERBOSITY terse

-- ---- privileges and declarations ---------------------------------------------
SELECT f AS function, has_function_privilege('krimp_reader', f, 'EXECUTE') AS reader,
       has_function_privilege('krimp_admin', f, 'EXECUTE') AS admin,
       has_function_privilege('public', f, 'EXECUTE') AS public
  FROM unnest(ARRAY['krimp.load_boundaries(text, integer, jsonb)', 'krimp.derive_region_hierarchy()',
                    'krimp.load_region_layout(integer, jsonb)',
                    'krimp.load_region_group(text, text, text, text, date, integer, text[], text)',
                    'krimp.harmonise(text, integer, timestamptz)', 'krimp.harmonised_series(text, integer, timestamptz)',
                    'krimp.region_weights(date)', 'krimp.latest_layout_year()']) f;
SELECT has_table_privilege('krimp_reader', 'krimp.observation_harmonised', 'SELECT') AS reader_view,
       has_table_privilege('krimp_reader', 'krimp.region_boundary', 'SELECT') AS reader_boundary,
       has_table_privilege('krimp_reader', 'krimp.region_boundary', 'INSERT') AS reader_insert,
       has_table_privilege('krimp_admin', 'krimp.region_boundary', 'INSERT') AS admin_insert;
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proparallel AS parallel, p.proisstrict AS strict,
       p.prosecdef AS definer, array_to_string(p.proconfig, ' ') AS config,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.pronamespace = 'krimp'::regnamespace
   AND p.proname IN ('load_boundaries', 'derive_region_hierarchy', 'load_region_layout', 'load_region_group',
                     'harmonise', 'harmonised_series', 'harmonised_forecast', 'forecast_error', 'group_members', 'region_weights', 'latest_layout_year', 'geojson_regions',
                     'region_sliver_erosion', 'region_sliver_tolerance', 'region_version_tolerance')
 ORDER BY 1::text;

-- the loader does nothing a second time
\i :loader
SELECT count(*) AS versions FROM krimp.region;

-- ---- districts and neighbourhoods (scripts/load_districts.sql, CBS 85984NED 2024) --
\set loader :abs_srcdir '/scripts/load_districts.sql'
\i :loader
-- a second run adds nothing
\i :loader
-- Eemsdelta's districts; a neighbourhood lies in its district and its municipality
SELECT count(*) AS districts_of_eemsdelta FROM krimp.region c
  JOIN krimp.region_parent rp ON rp.region_id = c.region_id JOIN krimp.region p ON p.region_id = rp.parent_id
 WHERE c.level = 'district' AND p.code = 'GM1979';
SELECT c.code, c.name, c.level, p.code AS parent, p.name AS parent_name, p.level AS parent_level, rp.valid_from
  FROM krimp.region c
  JOIN krimp.region_parent rp ON rp.region_id = c.region_id JOIN krimp.region p ON p.region_id = rp.parent_id
 WHERE c.code IN ('WK197901', 'BU19790101') ORDER BY c.code, p.code;
-- Amsterdam's codes carry letters after the municipality's digits: they load too, in GM0363
SELECT count(*) FILTER (WHERE c.level = 'district') AS amsterdam_districts,
       count(*) FILTER (WHERE c.level = 'neighbourhood') AS amsterdam_neighbourhoods,
       count(*) FILTER (WHERE p.code IS DISTINCT FROM 'GM0363') AS outside_gm0363
  FROM krimp.region c
  LEFT JOIN krimp.region_parent rp ON rp.region_id = c.region_id
  LEFT JOIN krimp.region p ON p.region_id = rp.parent_id AND p.level = 'municipality'
 WHERE c.code ~ '^(WK|BU)0363' AND (p.code IS NOT NULL OR NOT EXISTS (
       SELECT 1 FROM krimp.region_parent x JOIN krimp.region y ON y.region_id = x.parent_id
        WHERE x.region_id = c.region_id AND y.level = 'municipality'));
SELECT c.code, c.name, c.level, p.code AS parent, p.level AS parent_level
  FROM krimp.region c
  JOIN krimp.region_parent rp ON rp.region_id = c.region_id JOIN krimp.region p ON p.region_id = rp.parent_id
 WHERE c.code IN ('WK0363AB', 'BU0363AC03') ORDER BY c.code, p.code;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE krimp_regions_test;
RESET client_min_messages;
