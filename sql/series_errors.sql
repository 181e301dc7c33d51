-- krimp.series: every user-caused error, shown with its SQLSTATE, message,
-- detail and hint (pg_temp.err runs a statement and reports the error).
SET search_path = krimp, public;
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    s text; m text; d text; h text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT,
                            d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN s || ': ' || m || coalesce(E'\nDETAIL: ' || nullif(d, ''), '')
             || coalesce(E'\nHINT: ' || nullif(h, ''), '');
END $$;
\pset format unaligned
\pset tuples_only on

-- text input: 22P02 with a detail telling the form
SELECT pg_temp.err($$SELECT '2002'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002{1,2}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '20022:{1}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002-Q5:{1}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:1,2'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{1,,2}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{1 2}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{1,2'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{1,2} x'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{1,abc}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{0x1A}'::krimp.series$$);
-- NaN and infinity are refused, with a hint to write NULL
SELECT pg_temp.err($$SELECT '2002:{1,NaN}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{-Infinity}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{inf}'::krimp.series$$);
-- out of range: 22003
SELECT pg_temp.err($$SELECT '2002:{1e309}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2002:{1e-400}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '9999-11:{1,2,3}'::krimp.series$$);
-- a long input is shortened in the message
SELECT pg_temp.err($$SELECT '2002:{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,x}'::krimp.series$$);

-- binary input is re-validated: bytea fields written by COPY are read back as series
CREATE TABLE bad_bin (b bytea);
CREATE TABLE series_in (s krimp.series);
CREATE FUNCTION pg_temp.recv(b bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f text := '/tmp/krimp_series_errors_' || current_setting('port') || '.bin';
BEGIN
    TRUNCATE bad_bin;
    INSERT INTO bad_bin VALUES (b);
    EXECUTE format('COPY bad_bin TO %L (FORMAT binary)', f);
    TRUNCATE series_in;
    RETURN pg_temp.err(format('COPY series_in FROM %L (FORMAT binary)', f));
END $$;
-- well formed: 2002:{1,NULL}
SELECT pg_temp.recv('\x011776000b000000023ff00000000000007ff8000000000000');
SELECT s FROM series_in;
-- another NaN bit pattern is read as the canonical missing value
SELECT pg_temp.recv('\x011776000b000000023ff0000000000000fff8000000000001');
SELECT s, krimp.series_send(s) FROM series_in;
SELECT pg_temp.recv('\x021776000b000000023ff00000000000007ff8000000000000');
SELECT pg_temp.recv('\x011776000c000000023ff00000000000007ff8000000000000');
SELECT pg_temp.recv('\x011776000b000000033ff00000000000007ff8000000000000');
SELECT pg_temp.recv('\x011776000b7fffffff3ff00000000000007ff8000000000000');
SELECT pg_temp.recv('\x011776000b000000003ff00000000000007ff8000000000000');
SELECT pg_temp.recv('\x011776000b000000023ff00000000000007ff0000000000000');
SELECT pg_temp.recv('\x0117');

-- arrays
SELECT pg_temp.err($$SELECT krimp.series('2002', ARRAY[[1, 2], [3, 4]]::float8[])$$);
SELECT pg_temp.err($$SELECT krimp.series('2002', ARRAY[1, 'NaN']::float8[])$$);
SELECT pg_temp.err($$SELECT krimp.series('2002', ARRAY[1, '-Infinity']::float8[])$$);
SELECT pg_temp.err($$SELECT krimp.series('9999', ARRAY[1, 2]::float8[])$$);

-- a period of another granularity than the series: 22023
SELECT pg_temp.err($$SELECT krimp.value_at('2019-Q3:{1,2}', '2019')$$);
SELECT pg_temp.err($$SELECT krimp.slice('2019-Q3:{1,2}', '2019-07', NULL)$$);
SELECT pg_temp.err($$SELECT krimp.value_at('2001/2004:{1,2}', '2002/2005')$$);
SELECT pg_temp.err($$SELECT krimp.change('2019:{1,2}', '2019', '2020-H1')$$);

-- measures
SELECT pg_temp.err($$SELECT krimp.pct_change('2019:{0,2}', '2019', '2020')$$);
SELECT pg_temp.err($$SELECT krimp.cagr('2019:{0,2}', '2019', '2020')$$);
SELECT pg_temp.err($$SELECT krimp.cagr('2019:{1,2}', '2020', '2019')$$);
SELECT pg_temp.err($$SELECT krimp.cagr('2019:{1,2}', '2019', '2019')$$);
SELECT pg_temp.err($$SELECT krimp.cagr('2019:{-1,2}', '2019', '2020')$$);
SELECT pg_temp.err($$SELECT krimp.change('2019:{-1e308,1e308}', '2019', '2020')$$);
SELECT pg_temp.err($$SELECT krimp.index('2019:{0,2}', '2019')$$);
SELECT pg_temp.err($$SELECT krimp.index('2019:{1e-300,1e300}', '2019')$$);
SELECT pg_temp.err($$SELECT krimp.diff('2019:{1,2}', 0)$$);
SELECT pg_temp.err($$SELECT krimp.yoy_diff('2001/2004:{1,2}')$$);

-- arithmetic
SELECT pg_temp.err($$SELECT '2019:{1,2}'::krimp.series / '2020:{0}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2019:{1,2}'::krimp.series + '2019-Q1:{1}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2019:{1e308}'::krimp.series * '2019:{10}'::krimp.series$$);
SELECT pg_temp.err($$SELECT '2019:{1,2}'::krimp.series / 0$$);
SELECT pg_temp.err($$SELECT '2019:{1e308}'::krimp.series * 10$$);
SELECT pg_temp.err($$SELECT '2019:{1,2}'::krimp.series * 'NaN'::float8$$);
SELECT pg_temp.err($$SELECT '2019:{1,2}'::krimp.series + 'Infinity'::float8$$);

-- regrain
SELECT pg_temp.err($$SELECT krimp.regrain('2019:{1,2}', 'quarter', 'sum')$$);
SELECT pg_temp.err($$SELECT krimp.regrain('2019-Q1:{1,2}', 'span', 'sum')$$);
SELECT pg_temp.err($$SELECT krimp.regrain('2001/2004:{1,2}', 'year', 'sum')$$);
SELECT pg_temp.err($$SELECT krimp.regrain('2019-Q1:{1,2}', 'decade', 'sum')$$);
SELECT pg_temp.err($$SELECT krimp.regrain('2019-Q1:{1,2}', 'year', 'median')$$);
SELECT pg_temp.err($$SELECT krimp.regrain('2019-01:{1e308,1e308,1e308}', 'quarter', 'sum')$$);

\pset format aligned
\pset tuples_only off
DROP TABLE bad_bin, series_in;
