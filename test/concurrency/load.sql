-- pgbench: one load by BZK of a figure for a random municipality and year
-- (a new figure or a new vintage), through a batch, in one transaction.
\set m random(1, 40)
\set y random(2002, 2020)
\set v random(1000, 50000)
BEGIN;
SELECT krimp.begin_batch('BZK', 'pgbench load') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
VALUES (:b, 1, 'BZK', 'population', 'GM' || lpad((9800 + :m)::text, 4, '0'), :y::text, :v::text),
       (:b, 2, 'BZK', 'population', 'GM' || lpad((9800 + :m)::text, 4, '0'), (:y + 1)::text, (:v + 7)::text);
SELECT rows_read FROM krimp.apply_batch(:b);
END;
