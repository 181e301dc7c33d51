-- Region code levels and the number rule of the loads, in C (issue 14):
-- krimp.region_level, krimp.number_problem, krimp.parse_number.
SELECT code, krimp.region_level(code) AS level
  FROM unnest('{NL01,NL00,LD01,LD04,LD05,PV20,CR01,GM0014,WK001401,BU00140100,GM001,GM00144,gm0014," GM0014",XX01,NL10,""}'::text[]) code;
SELECT krimp.region_level(NULL) IS NULL AS strict;
-- the same answer as the rule 0.1 had in SQL, on many generated codes
SELECT count(*) AS codes,
       count(*) FILTER (WHERE krimp.region_level(code) IS DISTINCT FROM CASE
           WHEN code ~ '^NL0[0-9]$' THEN 'country'
           WHEN code ~ '^LD0[1-4]$' THEN 'landsdeel'
           WHEN code ~ '^PV[0-9]{2}$' THEN 'province'
           WHEN code ~ '^CR[0-9]{2}$' THEN 'corop'
           WHEN code ~ '^GM[0-9]{4}$' THEN 'municipality'
           WHEN code ~ '^WK[0-9]{6}$' THEN 'district'
           WHEN code ~ '^BU[0-9]{8}$' THEN 'neighbourhood' END) AS differ
  FROM unnest('{NL,LD,PV,CR,GM,WK,BU,XX,gm,G,""}'::text[]) p,
       (SELECT lpad((i % 100000)::text, i % 11, '0') FROM generate_series(1, 5000) i
        UNION SELECT substr(md5(i::text), 1, i % 11) FROM generate_series(1, 2000) i) s(d),
       LATERAL (SELECT p || d) c(code);
-- numbers: NULL for a number, else the reason apply_batch gives
SELECT v, krimp.number_problem(v) AS problem
  FROM unnest('{29018,+1,-12.5,.5,5.,.,1e5,1E+05,1e,1e1000,1e400,-1e-400,1e-310,NaN,Infinity,"1 ",1.2.3,1.8e308}'::text[]) v;
SELECT krimp.number_problem(repeat('x', 100)) AS long_invalid, krimp.number_problem(repeat('9', 500)) AS long_out_of_range;
SELECT krimp.parse_number('-.5') AS a, krimp.parse_number('2.5e-3') AS b, krimp.parse_number('-0') AS c;
SELECT krimp.parse_number('abc');
SELECT krimp.parse_number('1e999');
-- the SQLSTATEs: 22P02 for an invalid number, 22003 for one out of range
\set VERBOSITY terse
SELECT krimp.parse_number('NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT krimp.parse_number('-1e-400');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT p.proname, p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') AS c, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p WHERE p.pronamespace = 'krimp'::regnamespace AND p.proname IN ('region_level', 'number_problem', 'parse_number')
 ORDER BY 1;
