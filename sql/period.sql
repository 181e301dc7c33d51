-- krimp.period: input forms, canonical output, order, arithmetic, calendar.
SET search_path = krimp, public;

-- every accepted input form, with its canonical output and CBS code
SELECT input, input::krimp.period AS period, krimp.granularity(input::krimp.period),
       krimp.cbs_code(input::krimp.period)
  FROM (VALUES ('2013'), ('2013JJ00'), ('2013jj00'), ('  2013JJ00  '),
               ('2013-H2'), ('2013H1'), ('2013HJ02'),
               ('2013-Q3'), ('2013Q3'), ('2013q4'), ('2013KW03'),
               ('2013-07'), ('2013MM07'), ('2013MM12'),
               ('2005/2008'), ('1000'), ('9999-12')) AS t(input);

-- text -> period -> text is stable: the canonical form reads back as itself
SELECT p, p::text::krimp.period = p AS stable
  FROM (SELECT krimp.period('month', 2013, 7) UNION ALL SELECT '2013-Q3' UNION ALL SELECT '2013-H2'
        UNION ALL SELECT '2013' UNION ALL SELECT '2005/2008') AS t(p);

-- bad input: 22P02 with a detail listing the accepted forms
\set VERBOSITY verbose
SELECT '2013KW05'::krimp.period;
\set VERBOSITY default
SELECT '2013-13'::krimp.period;
SELECT '13'::krimp.period;
SELECT '2013/2011'::krimp.period;
SELECT ''::krimp.period;
SELECT '2013JJ0'::krimp.period;
SELECT '2013JJ01'::krimp.period;
SELECT '2013/2013'::krimp.period;
SELECT '0999'::krimp.period;
SELECT '2013-Q0'::krimp.period;
SELECT '2013-H3'::krimp.period;
SELECT '2013XX01'::krimp.period;

-- total order: by first month, then by last month (a month sorts before its quarter, the quarter before its year)
SELECT p FROM (VALUES ('2014'::krimp.period), ('2013-07'), ('2013'), ('2013-Q3'), ('2013-H2'), ('2013-01'),
                      ('2012/2013'), ('2013-Q1'), ('2013-H1'), ('2013/2016')) AS t(p)
 ORDER BY p;
SELECT krimp.min(p), krimp.max(p)
  FROM (VALUES ('2014'::krimp.period), ('2013-07'), ('2012/2013')) AS t(p);
SELECT '2013'::krimp.period < '2013-Q3', '2013-Q3'::krimp.period <= '2013-Q3',
       '2013-07'::krimp.period = '2013MM07', '2013'::krimp.period <> '2013JJ00';

-- a key: unique index, hash join, grouping, partitioning
CREATE TEMP TABLE obs (p krimp.period PRIMARY KEY, v double precision);
INSERT INTO obs SELECT '2002'::krimp.period + i, i FROM generate_series(0, 20) AS i;
INSERT INTO obs VALUES ('2010JJ00', 0);  -- the same key in its CBS form
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM obs a JOIN obs b ON a.p = b.p;
SELECT count(*) FROM obs a JOIN obs b ON a.p = b.p;
RESET enable_mergejoin; RESET enable_nestloop;
SET enable_hashagg = on; SET enable_sort = off;
SELECT krimp.evaluation_round(p) AS round, count(*) FROM obs GROUP BY 1 ORDER BY 1;
RESET enable_sort;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT v FROM obs WHERE p = '2013';
SELECT v FROM obs WHERE p = '2013';
SELECT count(*) FROM obs WHERE p BETWEEN '2005' AND '2009';
RESET enable_seqscan;
CREATE TEMP TABLE parted (p krimp.period, v double precision) PARTITION BY RANGE (p);
CREATE TEMP TABLE parted_a PARTITION OF parted FOR VALUES FROM ('2000') TO ('2010');
CREATE TEMP TABLE parted_b PARTITION OF parted FOR VALUES FROM ('2010') TO ('2030');
INSERT INTO parted SELECT p, v FROM obs;
SELECT tableoid::regclass, count(*) FROM parted GROUP BY 1 ORDER BY 1;
CREATE TEMP TABLE hashed (p krimp.period) PARTITION BY HASH (p);
CREATE TEMP TABLE hashed_0 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TEMP TABLE hashed_1 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO hashed SELECT p FROM obs;
SELECT count(*) FROM hashed;

-- arithmetic: steps of the period's own granularity
SELECT '2013'::krimp.period + 1 AS next_year, '2013-Q4'::krimp.period + 1 AS next_quarter,
       '2013-12'::krimp.period + 1 AS next_month, '2013-H2'::krimp.period + 3 AS half,
       2 + '2013-Q1'::krimp.period AS commuted, '2013-01'::krimp.period - 13 AS back,
       '2005/2008'::krimp.period + 1 AS next_span;
SELECT '2022'::krimp.period - '2002' AS years, '2014-Q1'::krimp.period - '2013-Q3' AS quarters,
       '2013-01'::krimp.period - '2013-12' AS months, '2013/2016'::krimp.period - '2005/2008' AS spans;
SELECT '2013'::krimp.period - '2013-Q3'::krimp.period;
SELECT '2006/2009'::krimp.period - '2005/2008'::krimp.period;
SELECT '9999'::krimp.period + 1;
SELECT '1000-01'::krimp.period - 1;
SELECT '2013'::krimp.period + 2147483647;

-- calendar
SELECT p, krimp.first_day(p), krimp.last_day(p), krimp.daterange(p), krimp.year(p), krimp.end_year(p), krimp.months(p)
  FROM (VALUES ('2012-02'::krimp.period), ('2013-02'), ('2000-02'), ('1900-02'), ('2013-Q4'), ('2013-H1'),
               ('2013'), ('2005/2008')) AS t(p);
SELECT krimp.period(date '2013-08-15', 'quarter'), krimp.period(date '2013-08-15', 'half-year'),
       krimp.period(date '2013-08-15', 'month'), krimp.period(date '2013-08-15', 'year');
SELECT krimp.period(date '2013-08-15', 'span');
SELECT krimp.period(date 'infinity', 'year');
SELECT krimp.period('quarter', 2013, 3), krimp.period('year', 2013), krimp.period('span', 2005, 2008),
       krimp.period('half-year', 2013, 2);
SELECT krimp.period('quarter', 2013, 5);
SELECT krimp.period('week', 2013, 5);
SELECT krimp.regrain('2013-07'::krimp.period, 'quarter'), krimp.regrain('2013-07'::krimp.period, 'year'),
       krimp.regrain('2013-Q3'::krimp.period, 'half-year');
SELECT krimp.regrain('2013'::krimp.period, 'month');

-- containment and overlap
SELECT '2013'::krimp.period @> '2013-Q3'::krimp.period AS year_has_quarter,
       '2013-Q3'::krimp.period <@ '2013'::krimp.period AS quarter_in_year,
       '2013-Q3'::krimp.period @> '2013-08'::krimp.period AS quarter_has_month,
       '2013-Q3'::krimp.period @> '2013-10'::krimp.period AS quarter_has_other_month,
       '2005/2008'::krimp.period @> '2007-H2'::krimp.period AS span_has_half,
       '2013'::krimp.period @> '2013'::krimp.period AS itself,
       '2012/2013'::krimp.period && '2013-Q1'::krimp.period AS overlap,
       '2012'::krimp.period && '2013'::krimp.period AS no_overlap;

-- five-year evaluation rounds, origin 2015 by default
SELECT y, krimp.evaluation_round(krimp.period('year', y)) AS round_2015,
       krimp.evaluation_round(krimp.period('year', y), 2012) AS round_2012
  FROM (VALUES (2009), (2010), (2014), (2015), (2019), (2020), (2024), (2025), (2030)) AS t(y);
SELECT krimp.evaluation_round('2017-Q3');
SELECT krimp.evaluation_round('2017', 0);

-- binary send and receive round trip, and receive refuses an invalid encoding
SELECT p, krimp.period_send(p) FROM (VALUES ('2013'::krimp.period), ('2013-Q3')) AS t(p);
-- (the server writes the file into its own data directory)
CREATE TEMP TABLE bin_src AS SELECT p FROM obs;
CREATE TEMP TABLE bin_dst (p krimp.period);
DO $$
DECLARE f text := current_setting('data_directory') || '/krimp_regress_period.bin';
BEGIN
  EXECUTE format('COPY bin_src TO %L WITH (FORMAT binary)', f);
  EXECUTE format('COPY bin_dst FROM %L WITH (FORMAT binary)', f);
END $$;
SELECT count(*) AS rows, count(*) FILTER (WHERE s.p = d.p) AS equal
  FROM (SELECT p, row_number() OVER (ORDER BY p) FROM bin_src) s
  JOIN (SELECT p, row_number() OVER (ORDER BY p) FROM bin_dst) d USING (row_number);
-- an int4 has the same binary layout, so COPY of integers feeds period_recv raw encodings:
-- 2013 * 12 << 14 | 11 is the year 2013 and reads; 5 and -1 encode nothing and are refused
CREATE TEMP TABLE raw_src (i integer);
INSERT INTO raw_src VALUES ((2013 * 12 << 14) | 11);
DO $$
DECLARE f text := current_setting('data_directory') || '/krimp_regress_raw.bin';
BEGIN
  EXECUTE format('COPY raw_src TO %L WITH (FORMAT binary)', f);
  TRUNCATE bin_dst;
  EXECUTE format('COPY bin_dst FROM %L WITH (FORMAT binary)', f);
END $$;
SELECT p FROM bin_dst;
UPDATE raw_src SET i = 5;
INSERT INTO raw_src VALUES (-1);
DO $$
DECLARE f text := current_setting('data_directory') || '/krimp_regress_raw.bin';
BEGIN
  EXECUTE format('COPY raw_src TO %L WITH (FORMAT binary)', f);
  EXECUTE format('COPY bin_dst FROM %L WITH (FORMAT binary)', f);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE '% %', SQLSTATE, SQLERRM;
END $$;

-- ---- containment on a btree index (krimp.period_support, since 0.3) ----
-- every period of 1990-2030 (months, quarters, half-years, years) and spans of 2 to 40 years
CREATE TEMP TABLE idx_periods AS
SELECT krimp.period(g, y, s) AS p
  FROM generate_series(1990, 2030) y,
       (VALUES ('month', 12), ('quarter', 4), ('half-year', 2), ('year', 1)) AS gran(g, n), generate_series(1, n) s
UNION ALL
SELECT (y || '/' || (y + len - 1))::krimp.period FROM generate_series(1960, 2030) y, generate_series(2, 40) len;
CREATE INDEX idx_periods_p ON idx_periods (p);
ANALYZE idx_periods;
SET enable_seqscan = off;
-- the operators and the plain-named functions become a btree range, checked again on each row
EXPLAIN (COSTS OFF) SELECT p FROM idx_periods WHERE p <@ '2013';
EXPLAIN (COSTS OFF) SELECT p FROM idx_periods WHERE '2013-Q3' @> p;
EXPLAIN (COSTS OFF) SELECT p FROM idx_periods WHERE krimp.within(p, '2005/2008');
EXPLAIN (COSTS OFF) SELECT p FROM idx_periods WHERE p @> '2013-Q3';
EXPLAIN (COSTS OFF) SELECT p FROM idx_periods WHERE krimp.overlaps(p, '2013');
-- not for an expression that is no constant: no index condition, a filter only
EXPLAIN (COSTS OFF) SELECT p FROM idx_periods WHERE p <@ (SELECT max(q.p) FROM idx_periods q);
-- the index finds exactly what a scan of every row finds, for each relation and constant
CREATE TEMP TABLE idx_found AS
SELECT q, 'within' AS rel, (SELECT count(*) FROM idx_periods WHERE p <@ q::krimp.period) AS n FROM unnest(ARRAY['2013', '2013-Q3', '2013-07', '2005/2008', '1990', '2030-Q4', '1960/2059']) q
UNION ALL SELECT q, 'covers', (SELECT count(*) FROM idx_periods WHERE p @> q::krimp.period) FROM unnest(ARRAY['2013', '2013-Q3', '2013-07', '2005/2008', '1990', '2030-Q4', '1960/2059']) q
UNION ALL SELECT q, 'overlaps', (SELECT count(*) FROM idx_periods WHERE p && q::krimp.period) FROM unnest(ARRAY['2013', '2013-Q3', '2013-07', '2005/2008', '1990', '2030-Q4', '1960/2059']) q;
RESET enable_seqscan;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT f.q, f.rel, f.n AS by_index,
       CASE f.rel WHEN 'within' THEN (SELECT count(*) FROM idx_periods WHERE krimp.period_contains(f.q::krimp.period, p))
                  WHEN 'covers' THEN (SELECT count(*) FROM idx_periods WHERE krimp.period_contains(p, f.q::krimp.period))
                  ELSE (SELECT count(*) FROM idx_periods WHERE krimp.period_overlaps(p, f.q::krimp.period)) END AS by_scan
  FROM idx_found f ORDER BY f.rel, f.q;
RESET enable_indexscan;
RESET enable_bitmapscan;
