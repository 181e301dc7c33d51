-- pgbench: the 2025 revaluation round; once stored, running it again changes
-- nothing; now and then a recomputation is asked for, which keeps the earlier
-- results.  Rounds of one year run one at a time (they wait for each other).
\set r random(1, 10)
SET client_min_messages = warning;
CALL krimp.revaluation_round(2025, recompute => :r = 1, reason => 'pgbench recomputation');
