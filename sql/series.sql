-- krimp.series: text and binary I/O, accessors, analysts' measures,
-- element-wise arithmetic, regrain.  Errors are in series_errors.sql.
SET search_path = krimp, public;

-- text input: blanks, CBS and readable start periods, NULL for missing
SELECT input, input::krimp.series AS series
  FROM (VALUES ('2002:{29543,29412,NULL,3.5}'),
               ('  2002JJ00 : { 29543 , 29412 , null , 3.5 }  '),
               ('2013KW03:{1}'), ('2013-H2:{1,2}'), ('2013MM11:{1,2,3}'),
               ('2005/2008:{1,2}'), ('2020:{NULL}'), ('2020:{-0}'),
               ('2020:{+1.5e3,-.25,7.,1E-2}')) AS t(input);

-- values are written exactly: text -> series -> text reads back the same doubles
SELECT s, (s::text::krimp.series)::text = s::text AS stable,
       krimp.to_array(s::text::krimp.series) = krimp.to_array(s) AS same_values
  FROM (SELECT krimp.series('2013-07', ARRAY[0.1, 1.0 / 3, 1e308, -1e308, 5e-324,
                                             2.2250738585072014e-308, 123456789.123456789])) AS t(s);
SELECT krimp.value_at('2013-07:{0.1,0.3333333333333333}', '2013-08') = 1.0 / 3 AS third_exact;

-- size: 16-byte header and 8 bytes a value; long series are compressed
SELECT pg_column_size('2002:{1,2,3}'::krimp.series) AS three_values;
CREATE TABLE series_toast (s krimp.series);
INSERT INTO series_toast
SELECT krimp.series('1000-01', array_agg((i % 10)::float8)) FROM generate_series(1, 100000) i;
SELECT krimp.length(s), pg_column_size(s) < 100000 AS compressed FROM series_toast;
SELECT s = krimp.series('1000-01', krimp.to_array(s)) AS detoasted_equal FROM series_toast;

-- binary output: version 1, start period (int32), count, float8 values, NaN for missing
SELECT krimp.series_send('2002:{1,NULL}');
-- binary round trip through COPY (FORMAT binary), a file per server port
CREATE TABLE series_bin (id int, s krimp.series);
INSERT INTO series_bin VALUES (1, '2002:{29543,29412,NULL,3.5}'), (2, '2013-Q3:{0.1,5e-324,-1e308}'),
    (3, '2005/2008:{NULL}'), (4, NULL);
CREATE TABLE series_bin2 (LIKE series_bin);
DO $$
DECLARE
    f text := '/tmp/krimp_series_regress_' || current_setting('port') || '.bin';
BEGIN
    EXECUTE format('COPY series_bin TO %L (FORMAT binary)', f);
    EXECUTE format('COPY series_bin2 FROM %L (FORMAT binary)', f);
END $$;
SELECT a.id, b.s, a.s = b.s AS equal, a.s::text = b.s::text AS same_text
  FROM series_bin a JOIN series_bin2 b USING (id) ORDER BY id;

-- construction from an array: NULL elements are missing; empty array gives NULL
SELECT krimp.series('2020-Q4', ARRAY[1, NULL, 3]::float8[]);
SELECT krimp.series('2020', '{}'::float8[]) IS NULL AS empty_is_null;
SELECT krimp.series('2020', '[5:6]={7,8}'::float8[]);

-- accessors
SELECT * FROM krimp.points('2019-Q3:{10,NULL,30,40}');
SELECT krimp.length(s), krimp.first_period(s), krimp.last_period(s), krimp.granularity(s),
       krimp.to_array(s), s::float8[] AS cast_array
  FROM (VALUES ('2019-Q3:{10,NULL,30,40}'::krimp.series), ('2001/2004:{1,2,3}')) AS t(s);
SELECT p, krimp.value_at('2019-Q3:{10,NULL,30,40}', p)
  FROM (VALUES ('2019-Q2'::krimp.period), ('2019-Q3'), ('2019-Q4'), ('2020-Q2'), ('2020-Q3')) AS t(p);
SELECT f, t, krimp.slice('2019-Q3:{10,NULL,30,40}', f, t)
  FROM (VALUES ('2019-Q4'::krimp.period, '2020-Q1'::krimp.period), ('2019-Q1', '2019-Q3'),
               (NULL, '2019-Q4'), ('2020-Q1', NULL), (NULL, NULL), ('2020-Q3', NULL),
               ('2020-Q1', '2019-Q4')) AS x(f, t);
SELECT krimp.slice(NULL, '2020', '2021') IS NULL AS null_series;

-- equality: same periods and values, missing equals missing
SELECT a, b, a = b AS eq, a <> b AS ne
  FROM (VALUES ('2002:{1,NULL}'::krimp.series, '2002JJ00:{1.0,null}'::krimp.series),
               ('2002:{1,NULL}', '2002:{1,2}'), ('2002:{1}', '2003:{1}'),
               ('2002:{1}', '2002:{1,NULL}'), ('2002:{0}', '2002:{-0}')) AS t(a, b);

-- measures, hand-checked: 100 -> 121 over 2000..2002 is +21, +21 %, 10 % a year
SELECT krimp.change(s, '2000', '2002') AS change, krimp.pct_change(s, '2000', '2002') AS pct,
       round(krimp.cagr(s, '2000', '2002')::numeric, 10) AS cagr,
       krimp.change(s, '2002', '2000') AS back,
       krimp.pct_change(s, '2002', '2003') AS to_missing,
       krimp.change(s, '1999', '2002') AS outside
  FROM (VALUES ('2000:{100,110,121,NULL}'::krimp.series)) AS t(s);
-- quarters: 8 steps of 3 months = 2 years, 100 -> 144 is 20 % a year
SELECT round(krimp.cagr('2010-Q1:{100,NULL,NULL,NULL,NULL,NULL,NULL,NULL,144}', '2010-Q1', '2012-Q1')::numeric, 10);
-- spans: 2001/2004 to 2005/2008 is 4 years, 100 -> 146.41 is 10 % a year
SELECT round(krimp.cagr('2001/2004:{100,146.41}', '2001/2004', '2005/2008')::numeric, 10);
-- index: base = 100, missing stays missing, NULL when the base is missing or outside
SELECT krimp.index('2000:{200,NULL,110,300}', '2000'), krimp.index('2000:{200,NULL,110,300}', '2003'),
       krimp.index('2000:{200,NULL,110,300}', '2001') IS NULL AS base_missing,
       krimp.index('2000:{200,NULL,110,300}', '1999') IS NULL AS base_outside;
-- differences
SELECT krimp.diff(s), krimp.diff(s, 2), krimp.yoy_diff(s), krimp.diff(s, 9) IS NULL AS too_short
  FROM (VALUES ('2019-Q1:{1,2,3,4,10,NULL,30,40,50}'::krimp.series)) AS t(s);
SELECT krimp.yoy_diff('2019-11:{1,2,3,4,5,6,7,8,9,10,11,12,13,20}'), krimp.yoy_diff('2019:{5,8,6}');

-- element-wise arithmetic on the common periods
SELECT a + b AS plus, a - b AS minus, a * b AS times, b / a AS divided
  FROM (VALUES ('2000:{1,2,NULL,4}'::krimp.series, '2001:{10,20,30,40}'::krimp.series)) AS t(a, b);
SELECT ('2000:{1}'::krimp.series + '2001:{1}'::krimp.series) IS NULL AS no_overlap;
SELECT s + 1.5 AS plus, s - 1 AS minus, s * 2 AS times, s / 4 AS divided
  FROM (VALUES ('2020-Q1:{1,NULL,-3}'::krimp.series)) AS t(s);
-- a per-1000 rate from two series
SELECT '2020:{50,NULL,75}'::krimp.series / '2020:{10000,12000,15000}'::krimp.series * 1000 AS per_1000;

-- regrain: a coarse period is missing unless its needed sub-periods are there
SELECT m, krimp.regrain('2020-02:{2,3,4,5,6,7,NULL,9,10,11,12,13}', 'quarter', m)
  FROM unnest(ARRAY['sum', 'mean', 'first', 'last']) AS m;
SELECT krimp.regrain('2020-Q1:{1,2,3,4,5}', 'half-year', 'sum') AS halves,
       krimp.regrain('2020-Q1:{1,2,3,4,5}', 'year', 'mean') AS years,
       krimp.regrain('2020-H1:{1,2}', 'year', 'last') AS last_half,
       krimp.regrain('2020:{1,2}', 'year', 'sum') AS same;

DROP TABLE series_toast, series_bin, series_bin2;
