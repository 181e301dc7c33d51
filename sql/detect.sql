-- Tipping points: krimp.changepoints on arrays and krimp.tipping_points on series
-- (issue 4).  Positions are array indexes (periods for series) of the first value
-- of the new regime; for a bend that is the bend itself.
SET search_path = krimp, public;
SET extra_float_digits = 0;

-- ---- krimp.changepoints -------------------------------------------------------
-- a clear level shift: the new level starts at index 8
SELECT krimp.changepoints(ARRAY[10.2, 9.8, 10.1, 9.9, 10.0, 10.3, 9.7, 15.1, 14.8, 15.2, 15.0, 14.9, 15.3, 14.7]::float8[]);
-- ... and the trend model sees no bend in it
SELECT krimp.changepoints(ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]::float8[], 'trend') AS straight_line;
-- a clear turn: rising to index 10, falling after
SELECT krimp.changepoints(ARRAY[1, 2.1, 2.9, 4.2, 5, 5.9, 7.1, 8, 9.1, 9.9, 9.1, 8, 7.1, 5.9, 5, 4.1, 2.9]::float8[], 'trend');
-- noise: nothing
SELECT krimp.changepoints(ARRAY[3.77, -2.64, 0.73, -1.22, -4.50, 1.85, -0.77, 0.25, 4.88, -1.03,
                                0.81, 0.84, -4.89, 0.26, -0.78, -1.94, 4.53, 0.41, 0.65, 2.98]::float8[]) AS level,
       krimp.changepoints(ARRAY[3.77, -2.64, 0.73, -1.22, -4.50, 1.85, -0.77, 0.25, 4.88, -1.03,
                                0.81, 0.84, -4.89, 0.26, -0.78, -1.94, 4.53, 0.41, 0.65, 2.98]::float8[], 'trend') AS trend;
-- constant: nothing, in both models
SELECT krimp.changepoints(array_fill(7.5::float8, ARRAY[20])) AS level,
       krimp.changepoints(array_fill(7.5::float8, ARRAY[20]), 'trend') AS trend;
-- NULL elements are missing values; positions still refer to the array's indexes
SELECT krimp.changepoints(ARRAY[NULL, 10.2, 9.8, NULL, 10.1, 9.9, 10.0, 10.3, 9.7, NULL, 15.1, 14.8, 15.2, 15.0, NULL, 14.9, 15.3]::float8[]);
-- an array with lower bound 0 reports indexes from 0
SELECT krimp.changepoints('[0:11]={5,5.1,4.9,5,5.05,4.95,9,9.1,8.9,9,9.05,8.95}'::float8[]);
-- too short for two segments of three: empty; empty and all-NULL arrays: empty; NULL: NULL
SELECT krimp.changepoints(ARRAY[1, 1, 9, 9, 9]::float8[]) AS too_short,
       krimp.changepoints('{}'::float8[]) AS empty,
       krimp.changepoints(ARRAY[NULL, NULL]::float8[]) AS all_null,
       krimp.changepoints(NULL) IS NULL AS null_in_null_out;
-- errors
SELECT krimp.changepoints(ARRAY[1, 2, 3]::float8[], 'mean');
SELECT krimp.changepoints('{{1,2},{3,4}}'::float8[]);
SELECT krimp.changepoints(ARRAY[1, 'NaN', 3]::float8[]);
SELECT krimp.changepoints(ARRAY[1, 'Infinity', 3]::float8[]);

-- ---- krimp.tipping_points -------------------------------------------------------
-- a level shift in a yearly series: the period where the new level starts
SELECT period, kind, direction, assessment, round(before::numeric, 3) AS before, round(after::numeric, 3) AS after,
       round(abs_change::numeric, 3) AS abs_change, round(rel_change::numeric, 4) AS rel_change, p_value,
       score > 0 AS clear, recent
  FROM krimp.tipping_points('2000:{10.2,9.8,10.1,9.9,10.0,10.3,9.7,15.1,14.8,15.2,15.0,14.9,15.3,14.7}', direction_of_good => -1);
-- a decline that turns into growth at 2009 (higher is better: improving)
SELECT period, kind, direction, assessment, round(before::numeric, 3) AS before, round(after::numeric, 3) AS after,
       p_value < 0.001 AS significant, recent
  FROM krimp.tipping_points('2001:{50,48.1,46,44.2,41.9,40,38.2,35.9,34.1,34.9,36.2,36.8,38.1,39.2,39.8,41.1}', direction_of_good => 1);
-- the same turn is recent when the window reaches it, and not with recent => 0
SELECT period, recent FROM krimp.tipping_points('2001:{50,48.1,46,44.2,41.9,40,38.2,35.9,34.1,34.9,36.2,36.8,38.1,39.2,39.8,41.1}', recent => 8);
SELECT period, recent FROM krimp.tipping_points('2001:{50,48.1,46,44.2,41.9,40,38.2,35.9,34.1,34.9,36.2,36.8,38.1,39.2,39.8,41.1}', recent => 0);
-- a decline that speeds up (acceleration, down) and one that levels off (deceleration, up)
SELECT period, kind, direction, assessment
  FROM krimp.tipping_points('2001:{100,99.1,97.9,97.1,96,95.1,93.9,93,91,88.9,87.1,85,82.9,81.1,79}', direction_of_good => 1);
SELECT period, kind, direction, assessment
  FROM krimp.tipping_points('2001:{100,96.9,94.1,91,87.9,85.1,82,81.6,81.0,80.4,80.1,79.6,79.0,78.6,78.1}', direction_of_good => 1);
-- noise, a straight line, a constant: no rows
SELECT count(*) AS noise FROM krimp.tipping_points('2001:{3.77,-2.64,0.73,-1.22,-4.50,1.85,-0.77,0.25,4.88,-1.03,0.81,0.84,-4.89,0.26,-0.78,-1.94,4.53,0.41,0.65,2.98}');
SELECT count(*) AS line FROM krimp.tipping_points('2001:{3,5,7,9,11,13,15,17,19,21,23,25,27,29}');
SELECT count(*) AS constant FROM krimp.tipping_points('2001:{4,4,4,4,4,4,4,4,4,4,4,4}');
SELECT count(*) AS null_series FROM krimp.tipping_points(NULL);
-- convergence: vacancy above the national level falls faster from 2012 on (lower is better: improving);
-- the series itself accelerates its decline at the same year
SELECT period, kind, direction, assessment, round(before::numeric, 3) AS before, round(after::numeric, 3) AS after
  FROM krimp.tipping_points(
         '2000:{9.9,9.86,9.79,9.76,9.69,9.66,9.6,9.54,9.5,9.44,9.41,9.35,9.3,9.0,8.72,8.41,8.12,7.8,7.55,7.24,6.95,6.66,6.34}',
         benchmark => '1998:{6.1,6.04,6,5.96,5.9,5.85,5.81,5.74,5.7,5.66,5.6,5.56,5.51,5.44,5.4,5.36,5.31,5.24,5.19,5.16,5.11,5.05,5.0,4.94,4.9}',
         direction_of_good => -1)
 ORDER BY period, kind;
-- divergence: the gap to the benchmark widens from 2012 on
SELECT period, kind, direction, assessment
  FROM krimp.tipping_points(
         '2000:{9.9,9.86,9.79,9.76,9.69,9.66,9.6,9.54,9.5,9.44,9.41,9.35,9.3,9.33,9.32,9.33,9.31,9.34,9.33,9.31,9.33,9.32,9.33}',
         benchmark => '2000:{6,5.96,5.9,5.85,5.81,5.74,5.7,5.66,5.6,5.56,5.51,5.44,5.4,5.36,5.31,5.24,5.19,5.16,5.11,5.05,5.0,4.94,4.9}',
         direction_of_good => -1)
 WHERE kind IN ('convergence', 'divergence');
-- overrides: a larger penalty drops the shift; min_segment longer than half the series leaves nothing
SELECT count(*) AS with_penalty_20 FROM krimp.tipping_points('2000:{10.2,9.8,10.1,9.9,10.0,10.3,9.7,11.1,10.8,11.2,11.0,10.9,11.3,10.7}', penalty => 20);
SELECT count(*) AS min_segment_8 FROM krimp.tipping_points('2000:{10.2,9.8,10.1,9.9,10.0,10.3,9.7,15.1,14.8,15.2,15.0,14.9,15.3,14.7}', min_segment => 8);
-- errors
SELECT * FROM krimp.tipping_points('2000:{1,2,3}', direction_of_good => 2);
SELECT * FROM krimp.tipping_points('2000:{1,2,3}', penalty => 0);
SELECT * FROM krimp.tipping_points('2000:{1,2,3}', min_segment => 1);
SELECT * FROM krimp.tipping_points('2000:{1,2,3}', recent => -1);
SELECT * FROM krimp.tipping_points('2000:{1,2,3}', benchmark => '2000-Q1:{1,2,3}');
SELECT * FROM krimp.tipping_points('2000:{1e308,-1e308,3}');

-- ---- real data: Delfzijl (GM0010), population on 1 January 2002-2020 ------------------
\getenv abs_srcdir PG_ABS_SRCDIR
\set f :abs_srcdir '/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json'
\set doc `cat :'f'`
CREATE TEMP TABLE gm_pop AS
SELECT btrim(r->>'RegioS') AS region, (r->>'Perioden')::krimp.period AS period,
       (r->>'BevolkingAanHetBeginVanDePeriode_1')::double precision AS value
  FROM jsonb_each(ltrim(:'doc', E'\uFEFF')::jsonb -> 'value') AS e(id, r);
\unset doc
CREATE TEMP TABLE gm_series AS SELECT region, krimp.series_agg(period, value) AS s FROM gm_pop GROUP BY region;
-- Delfzijl declines all along; the decline slows from 2016 (about -300 a year before, about -100 after;
-- R's davies.test puts its best evaluation point at 2015.4, p = 0.001907)
-- and 2021-2022 are missing (merged into Eemsdelta)
SELECT s FROM gm_series WHERE region = 'GM0010';
SELECT period, kind, direction, assessment, round(before::numeric, 1) AS before, round(after::numeric, 1) AS after,
       round(p_value::numeric, 6) AS p_value, recent
  FROM gm_series, krimp.tipping_points(s, direction_of_good => 1) WHERE region = 'GM0010';
SELECT krimp.changepoints(krimp.to_array(s), 'trend') AS bends FROM gm_series WHERE region = 'GM0010';

-- ---- parallel: every municipal series, with two workers ---------------------------------
CREATE TABLE detect_many AS
SELECT g.i, region, s FROM gm_series, generate_series(1, 20) AS g(i);
ANALYZE detect_many;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT t.kind, count(*) FROM detect_many d, krimp.tipping_points(d.s) t GROUP BY t.kind;
CREATE TEMP TABLE par AS
SELECT t.kind, count(*) AS n FROM detect_many d, krimp.tipping_points(d.s) t GROUP BY t.kind;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
-- the same counts without workers, twenty copies of each series
SELECT p.kind, p.n = s.n AS same, p.n % 20 = 0 AS whole_copies
  FROM par p JOIN (SELECT t.kind, count(*) AS n FROM detect_many d, krimp.tipping_points(d.s) t GROUP BY t.kind) s USING (kind)
 ORDER BY p.kind;
RESET max_parallel_workers_per_gather;
DROP TABLE detect_many;
