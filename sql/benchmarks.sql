-- Benchmarks (krimp.benchmark_values) and stale lights in rounds
-- (krimp.figure_staleness) on the bundled real data: the CBS population per
-- municipality on 1 January 2002-2022 (37230ned), each year published on
-- 1 April of that year as the demo loads it, with the real regions, mergers
-- and decline regions (Bron: CBS, CC BY 4.0).  Runs in a database of its own.
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS krimp_benchmark_test;
CREATE DATABASE krimp_benchmark_test;
\c krimp_benchmark_test
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/data/organisations.sql
SET search_path = public, krimp;
\set loader :abs_srcdir '/scripts/load_regions.sql'
\i :loader
\i :abs_srcdir/data/indicators.sql
RESET client_min_messages;

\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
CREATE TEMP TABLE pop AS
SELECT btrim(r->>'RegioS') AS code, (r->>'Perioden')::krimp.period AS period,
       (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision AS value
  FROM jsonb_each(ltrim(:'doc', E'\uFEFF')::jsonb -> 'value') AS e(id, r);
\unset doc
CREATE TEMP TABLE pop_first AS
SELECT DISTINCT ON (code) code, value FROM pop WHERE value IS NOT NULL AND value > 0 ORDER BY code, period;
-- a rate beside the count, from the same file: the growth index (first figure = 100) of each municipality,
-- weighted by its population (a test indicator; its code is not one of the catalogue's)
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, denominator_id,
                             direction_of_good)
SELECT 'test_pop_index', 'Bevolkingsindex (eerste jaar = 100)', 'index', 'year', 'demography', 'CBS 37230ned',
       'weighted mean', i.indicator_id, 1
  FROM krimp.indicator i WHERE i.code = 'population';
-- one batch per year, published on 1 April of the year (the figures as known at a moment differ by year)
DO $load$
DECLARE
    y integer;
    b bigint;
BEGIN
    FOR y IN 2002..2022 LOOP
        b := krimp.begin_batch('BZK', 'CBS 37230ned ' || y);
        INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code,
                                               period, value)
        SELECT b, row_number() OVER (ORDER BY p.code), 'BZK', x.code, p.code, p.period::text,
               CASE x.code WHEN 'population' THEN p.value ELSE 100 * p.value / f.value END::text
          FROM pop p JOIN pop_first f ON f.code = p.code
         CROSS JOIN (VALUES ('population'), ('test_pop_index')) x(code)
         WHERE krimp.year(p.period) = y AND p.value IS NOT NULL;
        PERFORM krimp.apply_batch(b, 'abort', make_timestamptz(y, 4, 1, 0, 0, 0, 'UTC'));
    END LOOP;
END
$load$;
SELECT indicator_id AS pop FROM krimp.indicator WHERE code = 'population' \gset
SELECT i.code, count(*) AS figures, count(DISTINCT o.region_id) AS regions
  FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) GROUP BY 1 ORDER BY 1;

-- ---- the kinds and the per-indicator default ----
SELECT krimp.benchmark_kinds();
SELECT code, benchmark, publication_lag FROM krimp.indicator WHERE code IN ('population', 'share_65plus') ORDER BY 1;
\set VERBOSITY terse
UPDATE krimp.indicator SET benchmark = 'provincial' WHERE code = 'population';
SELECT * FROM krimp.benchmark_values(:pop, krimp.region_at('GM0010', '2014'), 'europe');
\set VERBOSITY default

-- ---- the four benchmarks of Delfzijl (GM0010, merged into Eemsdelta in 2021) ----
-- national: no NL01 figure is loaded, so the sum of all municipalities (source municipalities);
-- 1 January 2020: 17,407,585 (CBS); province: Groningen's municipalities (no PV20 figure loaded);
-- rest of country: the Netherlands minus Delfzijl; outside decline regions: the municipalities in none
CREATE TEMP TABLE delfzijl AS
SELECT k.kind, b.period, b.value, b.source
  FROM unnest(krimp.benchmark_kinds()) k(kind),
       LATERAL krimp.benchmark_values((SELECT indicator_id FROM krimp.indicator WHERE code = 'population'),
                                      krimp.region_at('GM0010', '2014'), k.kind) b;
SELECT kind, source, count(*) AS periods, krimp.min(period) AS first, krimp.max(period) AS last,
       max(value) FILTER (WHERE period = '2002') AS v2002, max(value) FILTER (WHERE period = '2020') AS v2020
  FROM delfzijl GROUP BY 1, 2 ORDER BY 1;
-- the file's own sums give the same figures: rest of country + Delfzijl = national in every period
SELECT count(*) AS periods,
       count(*) FILTER (WHERE n.value = (SELECT sum(p.value) FROM pop p WHERE p.period = n.period AND p.code LIKE 'GM%')) AS national_is_file_sum,
       count(*) FILTER (WHERE n.value = r.value + (SELECT p.value FROM pop p WHERE p.period = n.period AND p.code = 'GM0010')) AS rest_plus_delfzijl
  FROM delfzijl n JOIN delfzijl r ON r.period = n.period AND r.kind = 'rest of country'
 WHERE n.kind = 'national';
-- Groningen's municipalities from the file on 1 January 2020 (the 12 of 2020, all in PV20 per region_parent)
SELECT sum(p.value) AS groningen_2020_from_file
  FROM pop p JOIN krimp.region r ON r.code = p.code AND daterange(r.valid_from, r.valid_to) @> date '2020-01-01'
  JOIN krimp.region_parent rp ON rp.region_id = r.region_id JOIN krimp.region pr ON pr.region_id = rp.parent_id
 WHERE p.period = '2020' AND pr.code = 'PV20' AND daterange(rp.valid_from, rp.valid_to) @> date '2020-01-01';
-- outside decline regions leaves out every member of a decline region: the Netherlands minus them in 2014
SELECT (SELECT value FROM delfzijl WHERE kind = 'national' AND period = '2014')
       - (SELECT value FROM delfzijl WHERE kind = 'outside decline regions' AND period = '2014') AS decline_members_2014,
       (SELECT sum(p.value) FROM pop p JOIN krimp.region r ON r.code = p.code
                                        AND daterange(r.valid_from, r.valid_to) @> date '2014-01-01'
         WHERE p.period = '2014' AND r.region_id IN (SELECT region_id FROM krimp.decline_region_members())) AS from_file;

-- as known at a moment: on 1 January 2015 the national series ends in 2014
SELECT count(*) AS periods, krimp.max(b.period) AS last
  FROM krimp.benchmark_values(:pop, krimp.region_at('GM0010', '2014'), 'national', '2015-01-01') b;
-- the country has no benchmark but itself
SELECT count(*) AS rows FROM krimp.benchmark_values(:pop, krimp.region_at('NL01', '2014'), 'national');

-- a rate: the rest of the country is the population-weighted mean of the others,
-- (N * Nd - R * Rd) / (Nd - Rd); checked against the weighted mean computed from the file
SELECT b.period, round(b.value::numeric, 6) AS rest_of_country,
       round((SELECT sum(100 * p.value / f.value * p.value) / sum(p.value)
                FROM pop p JOIN pop_first f ON f.code = p.code
               WHERE p.period = b.period AND p.code LIKE 'GM%' AND p.code <> 'GM0010' AND p.value IS NOT NULL)::numeric,
             6) AS from_file
  FROM krimp.benchmark_values((SELECT indicator_id FROM krimp.indicator WHERE code = 'test_pop_index'),
                              krimp.region_at('GM0010', '2014'), 'rest of country') b
 WHERE b.period IN ('2010', '2020') ORDER BY 1;

-- a group: Parkstad Limburg on the 2014 layout; its province is PV31 (Limburg)
SELECT b.source, b.value FROM krimp.benchmark_values(:pop, NULL, 'province', 'infinity', 'KR-PARKSTAD', 2014) b
 WHERE b.period = '2014';
SELECT n.value - b.value AS parkstad_2014
  FROM krimp.benchmark_values(:pop, NULL, 'rest of country', 'infinity', 'KR-PARKSTAD', 2014) b
  JOIN krimp.benchmark_values(:pop, NULL, 'national', 'infinity', 'KR-PARKSTAD', 2014) n USING (period)
 WHERE b.period = '2014';

-- the per-indicator default: population compared with the province from now on, unless a call says otherwise
UPDATE krimp.indicator SET benchmark = 'province' WHERE code = 'population';
SELECT krimp.value_at(krimp.benchmark_series(:pop, krimp.region_at('GM0010', '2014')), '2020') AS default_2020,
       krimp.value_at(krimp.benchmark_series(:pop, krimp.region_at('GM0010', '2014'), NULL), '2020') AS null_is_default,
       krimp.value_at(krimp.benchmark_series(:pop, krimp.region_at('GM0010', '2014'), 'national'), '2020') AS per_call;

-- ---- convergence against a chosen benchmark ----
-- Meerssen (GM0938): its population against each benchmark, rescaled to its own level (a count is compared
-- by its growth, krimp.comparable_benchmark); the gap's changes are convergence or divergence
SELECT k.kind, tp.period, tp.kind AS change, tp.assessment, round(tp.before::numeric, 1) AS before,
       round(tp.after::numeric, 1) AS after, round(tp.p_value::numeric, 4) AS p_value
  FROM unnest(krimp.benchmark_kinds()) k(kind),
       LATERAL (SELECT krimp.region_series('population', 'GM0938') AS s) x,
       LATERAL krimp.tipping_points(x.s, krimp.comparable_benchmark(x.s,
                   krimp.benchmark_series(:pop, krimp.region_at('GM0938', '2020'), k.kind), 'sum'), 1) tp
 WHERE tp.kind IN ('convergence', 'divergence')
 ORDER BY 1, 2, 3;
-- the nightly job reads the indicator's default through krimp.benchmark_values_many: now the province
SELECT b.ord, b.source, count(*) AS periods
  FROM krimp.benchmark_values_many('infinity', ARRAY[:pop, :pop],
                                   ARRAY[krimp.region_at('GM0938', '2020'), krimp.region_at('NL01', '2020')]) b
 GROUP BY 1, 2 ORDER BY 1, 2;
UPDATE krimp.indicator SET benchmark = 'national' WHERE code = 'population';

-- ---- the 2020 round on real data: the figure every light rests on ----
-- the demo's covenant: one population target per decline region on the 2014 layout, from the 2014 figure
-- as known when it was signed (30 June 2014) to 2030, -3% (top decline regions) or -1% (anticipation regions)
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code)
VALUES ('DEMO-2014', 'Demo covenant', 'covenant', ARRAY['BZK', 'Provincie Groningen', 'Provincie Zeeland',
        'Provincie Limburg'], '2014-06-30', '2015-01-01', 'BZK');
INSERT INTO krimp.target (agreement_id, name, indicator_id, group_code, layout_year, baseline_period,
                          horizon_period, horizon_value, path, actiehouder, against_direction_of_good, org_code)
SELECT a.agreement_id, 'Bevolking ' || g.name, :pop, g.group_code, 2014, '2014', '2030', round(x.factor * s.v),
       'linear', 'Gemeenten ' || g.name, true, coalesce(g.province_code, 'BZK')
  FROM krimp.agreement a CROSS JOIN krimp.region_group g
 CROSS JOIN LATERAL (SELECT CASE g.designation WHEN 'topkrimpregio' THEN 0.97 ELSE 0.99 END AS factor) x
 CROSS JOIN LATERAL (SELECT krimp.value_at(krimp.target_series_of(:pop, NULL, g.group_code, 2014,
                                                                  '2014-07-01 00:00+00'), '2014') AS v) s
 ORDER BY g.group_code;
CALL krimp.revaluation_round(2020);
SELECT r.round_year, r.known_at, r.data_vintage, r.targets FROM krimp.revaluation_round r;
-- each light with the figure it rests on (period, value, known since) and whether it is stale, and why
SELECT t.group_code, e.light, e.latest_period, e.latest_value,
       (SELECT max(o.published_at) FROM krimp.observation o
         WHERE o.indicator_id = :pop AND o.period = e.latest_period) AS known_since,
       e.nl_source, round(e.nl_change_pct::numeric, 2) AS nl_change_pct, e.stale
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id)
 ORDER BY e.stale, t.group_code;
SELECT t.group_code, e.stale_reason
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id) WHERE e.stale ORDER BY 1;
-- why: each stale group has a 2014 member that merged away in 2018 or 2019; recast onto the 2014 layout
-- (krimp.harmonise) that member has no figure after its merger, so the group's value is missing from then
SELECT t.group_code, r.code, r.name, krimp.max(h.period) AS last_figure, n.code AS merged_into, c.effective
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id)
  JOIN krimp.region_group_member m ON m.group_code = t.group_code
  JOIN krimp.region r ON r.region_id = m.region_id AND daterange(r.valid_from, r.valid_to) @> date '2014-01-01'
  JOIN krimp.region_change c ON c.old_region_id = r.region_id AND c.effective <= '2020-01-01'
  JOIN krimp.region n ON n.region_id = c.new_region_id
  LEFT JOIN krimp.released_harmonise('population', 2014, e.known_at) h ON h.region_id = r.region_id
 WHERE e.stale
 GROUP BY 1, 2, 3, 5, 6 ORDER BY 1, 2;
-- a per-indicator publication lag: with 3 years only a figure before 2018 is stale at the 2020 round
-- (Noordoost-Groningen's 2017)
UPDATE krimp.indicator SET publication_lag = '3 years' WHERE code = 'population';
CALL krimp.revaluation_round(2020, true, 'publication lag of population set to 3 years');
SELECT recomputation, count(*) AS lights, count(*) FILTER (WHERE stale) AS stale
  FROM krimp.round_evaluation GROUP BY 1 ORDER BY 1;
SELECT t.group_code, e.latest_period, e.stale_reason
  FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id) WHERE e.recomputation = 1 AND e.stale;
SELECT krimp.figure_staleness(:pop, '2018', '2021-01-01 00:00+00') IS NULL AS fresh_2018,
       krimp.figure_staleness(:pop, '2020', 'infinity') IS NULL AS never_stale_now;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE krimp_benchmark_test;
