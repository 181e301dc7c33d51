-- Query results compared across a fresh, an updated and a restored database
-- (test/scripts/upgrade.sh), after test/scripts/fill_warehouse.sql.
SET search_path = public, krimp;
\pset format unaligned
\pset footer off
SELECT '2013KW03'::krimp.period, '2005/2008'::krimp.period + 1, krimp.cbs_code('2013-07');
SELECT krimp.region_series('population', 'GM0010') AS delfzijl, krimp.region_series('population', 'GM1979') AS eemsdelta;
SELECT krimp.region_series('population', 'GM1979', known_at => '2021-12-31') AS as_known_2021;
SELECT count(*), sum(value) FROM krimp.observation_current;
SELECT count(*) FROM krimp.observations_as_of('2022-01-01');
SELECT code, valid_from, valid_to, round(public.ST_Area(geom)) FROM krimp.region ORDER BY code, valid_from;
SELECT r.code, o.period, o.value, o.status, o.kind, o.retraction_reason FROM krimp.observation o
  JOIN krimp.region r USING (region_id) ORDER BY r.code, o.period, o.published_at;
SELECT line_number, reason FROM krimp.rejected_row ORDER BY 1;
SELECT * FROM krimp.tipping_points(krimp.region_series('population', 'GM0010'), direction_of_good => 1);
SELECT krimp.changepoints(ARRAY[1, 1, 1, 1, 1, 5, 5, 5, 5, 5]::float8[]);
SELECT krimp.ols_slope(t), krimp.theil_sen_slope(t), krimp.mann_kendall_p(t)
  FROM (SELECT krimp.trend(krimp.region_series('population', 'GM0010')) AS t) x;
SELECT org_code, name FROM krimp.organisation ORDER BY 1;
