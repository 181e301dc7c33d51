-- pgbench: what analysts and BI tools read while loads and jobs run.
\set m random(1, 40)
SELECT count(*), sum(value) FROM krimp.observation_current;
SELECT krimp.region_series('population', 'GM' || lpad((9800 + :m)::text, 4, '0'));
SELECT count(*) FROM krimp.tipping_point_flag WHERE status <> 'withdrawn';
