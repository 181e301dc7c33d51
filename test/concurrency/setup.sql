-- The concurrency test's database: 40 fictional municipalities, the
-- population indicator, and a first load of 2002-2022.
SET client_min_messages = warning;
CREATE EXTENSION krimp CASCADE;
\ir ../../data/organisations.sql
INSERT INTO krimp.region (code, name, level, valid_from)
SELECT 'GM' || lpad((9800 + m)::text, 4, '0'), 'Bankdorp ' || m, 'municipality', '2000-01-01' FROM generate_series(1, 40) m;
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation, direction_of_good)
VALUES ('population', 'Population', 'persons', 'year', 'demography', 'sum', 1);
-- (2002-2021 published in 2021, 2022 in 2023: a realisation is not published before its year began)
SELECT krimp.begin_batch('BZK', 'initial') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, m * 100 + y - 2000, 'BZK', 'population', 'GM' || lpad((9800 + m)::text, 4, '0'), y::text,
       (20000 + m * 100 + CASE WHEN m % 3 = 0 AND y >= 2012 THEN -1500 ELSE 0 END + (y * m) % 17)::text
  FROM generate_series(1, 40) m, generate_series(2002, 2021) y;
SELECT rows_inserted FROM krimp.apply_batch(:b, published_at => '2021-03-01');
SELECT krimp.begin_batch('BZK', 'initial, 2022') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, m, 'BZK', 'population', 'GM' || lpad((9800 + m)::text, 4, '0'), '2022',
       (20000 + m * 100 + CASE WHEN m % 3 = 0 THEN -1500 ELSE 0 END + (2022 * m) % 17)::text
  FROM generate_series(1, 40) m;
SELECT rows_inserted FROM krimp.apply_batch(:b, published_at => '2023-03-01');
CALL krimp.nightly();
-- a covenant with a population target for every municipality, judged in round 2025
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code)
VALUES ('BENCH', 'Pgbench covenant', 'covenant', ARRAY['BZK'], '2021-06-30', '2021-07-01', 'BZK');
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value, actiehouder)
SELECT a.agreement_id, 'Population ' || r.code, i.indicator_id, r.region_id, '2020', '2030',
       (20000 + right(r.code, 2)::int * 100) * 1.01, 'Bankdorp'
  FROM krimp.agreement a, krimp.indicator i, krimp.region r
 WHERE a.code = 'BENCH' AND i.code = 'population' AND r.code LIKE 'GM98%';
