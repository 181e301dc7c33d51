#!/usr/bin/env bash
# Concurrency: pgbench runs loads, nightly runs, revaluation rounds, analysts'
# reads and BI reads at once for a fixed
# time (KRIMP_CONCURRENCY_SECONDS, default 20) as a login that acts for BZK and
# administers krimp.  Then: no client aborted (no deadlock, no error beyond the
# expected "another run in progress", which the nightly script absorbs), no
# lost or duplicated flag (a final full run finds nothing new and withdraws
# nothing), and consistent counts (every observation is accounted for by the
# batches, nothing is left queued).  Then two loads of the same file at once:
# one vintage, the second finds every figure unchanged.  Runs against the
# cluster in PGHOST/PGPORT.
set -uo pipefail
cd "$(dirname "$0")/../.."
db=krimp_concurrency seconds=${KRIMP_CONCURRENCY_SECONDS:-20}
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 "$@"; }
log=$(mktemp /tmp/krimp-pgbench.XXXXXX)
trap 'rm -f "$log"' EXIT

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
q -f test/concurrency/setup.sql >/dev/null
check "set up 40 series, 40 targets and a first nightly run" $?
psql -X -q -d postgres -c "DROP ROLE IF EXISTS regress_krimp_bench" \
  -c "CREATE ROLE regress_krimp_bench LOGIN IN ROLE krimp_bzk, krimp_admin" 2>/dev/null

pgbench -n -d "$db" -U regress_krimp_bench -c 4 -j 2 -T "$seconds" \
  -f test/concurrency/load.sql@6 -f test/concurrency/nightly.sql@1 -f test/concurrency/round.sql@1 \
  -f test/concurrency/read.sql@4 -f test/concurrency/bi.sql@2 > "$log" 2>&1
rc=$?
grep -E '^(number of transactions actually processed|number of failed|tps)|^SQL script|^ - (weight|[0-9]+ transactions)' "$log" | sed 's/^/  /'
[ $rc -eq 0 ] && ! grep -qi -e 'aborted' -e 'deadlock' -e 'ERROR' "$log"
check "pgbench for ${seconds}s, 4 clients: no client aborted, no deadlock, no error" $?
txn=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")
[ "${txn:-0}" -gt 0 ]
check "transactions ran ($txn)" $?

# every observation is accounted for by the batches that wrote it
out=$(q -c "SELECT (SELECT count(*) FROM krimp.observation) = (SELECT sum(rows_inserted + rows_revised) FROM krimp.load_batch),
                   (SELECT count(*) FROM krimp.load_batch WHERE state <> 'done')")
echo "  observations match batch counts, open batches: $out"
[ "$out" = "t|0" ]
check "every observation accounted for by its batch; no batch left open" $?

# no lost or duplicated flag: after a last queued run, a full run finds the flags exactly as they are
q -c "CALL krimp.nightly()" >/dev/null
q -c "CALL krimp.nightly(full_run => true)" >/dev/null
out=$(q -c "SELECT flags_new, flags_withdrawn, series_examined FROM krimp.job_run ORDER BY run_id DESC LIMIT 1")
echo "  final full run: new|withdrawn|examined = $out"
[ "$out" = "0|0|40" ]
check "a final full run finds nothing new and withdraws nothing: no flag lost" $?
out=$(q -c "SELECT count(*) - count(DISTINCT (indicator_id, region_id, period, kind)) FROM krimp.tipping_point_flag WHERE status <> 'withdrawn'")
[ "$out" = "0" ]
check "no duplicated live flag" $?
out=$(q -c "SELECT count(*) FROM krimp.series_queue")
[ "$out" = "0" ]
check "nothing left in the queue" $?
q -c "SELECT count(*) || ' runs, ' || sum(series_examined) || ' series examined, ' || sum(flags_new) || ' flags new, ' || sum(flags_withdrawn) || ' withdrawn' FROM krimp.job_run" | sed 's/^/  nightly: /'

# the rounds: one stored round 2025 with its recomputations, one result per target in each, nothing else
out=$(q -c "SELECT count(*) > 0, bool_and(n = 40) FROM (SELECT r.recomputation, count(e.target_id) AS n
              FROM krimp.revaluation_round r LEFT JOIN krimp.round_evaluation e USING (round_year, recomputation)
             WHERE r.round_year = 2025 GROUP BY r.recomputation) x")
echo "  rounds stored, each with 40 results: $out"
[ "$out" = "t|t" ]
check "every stored round (first and recomputations) has one result per target" $?
out=$(q -c "SELECT count(*) FROM krimp.revaluation_round WHERE round_year = 2025")
echo "  round 2025 stored $out times (the first and its recomputations)"

# Two loads of the same file at once: the second waits for the first (the
# lock of the organisation and indicator in krimp.load_lock), then finds every
# figure unchanged; one vintage is filed, not two.  The first holds its
# transaction open for 3 s.  Once with the figures staged as rows, once as a
# run (as krimpctl stages them: the first files a block, the second finds it
# identical).  And two loads by different organisations of the same figures
# at once: each files its own, once.  All of it once under each isolation
# level (default_transaction_isolation, as a site may set it): under READ
# COMMITTED the second load waits and then sees the first's figures; under
# REPEATABLE READ and SERIALIZABLE a load whose snapshot misses the other's
# figures fails with 40001 and succeeds when retried, as krimpctl retries.
# (regions of their own, from 1800 on: realisations of years gone by)
q -c "INSERT INTO krimp.region (code, name, level, valid_from)
      SELECT 'GM' || (9850 + k), 'Isolation ' || k, 'municipality', '1800-01-01' FROM generate_series(0, 5) k" >/dev/null
# one load in one transaction, retried after 40001 (at most 5 times), as krimpctl does:
# prints its result line (NAME|inserted|unchanged), and "retried after 40001" for every retry
load_txn() {  # NAME ORG STAGING-SQL APPLY SLEEP ISOLATION
  local out
  for _ in 1 2 3 4 5; do
    out=$(PGOPTIONS="-c default_transaction_isolation=${6// /\\ }" psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 2>&1 <<SQL
\set VERBOSITY sqlstate
BEGIN;
SELECT krimp.begin_batch('$2', '$1') AS b \gset
$3
SELECT '$1', rows_inserted, rows_unchanged FROM $4;
SELECT pg_sleep($5);
COMMIT;
SQL
)
    if grep -q '^ERROR:  40001' <<<"$out"; then echo "retried after 40001"; continue; fi
    echo "$out"
    return
  done
}
k=0
for iso in "read committed" "repeatable read" "serializable"; do
  region=GM$((9850 + k))
  for mode in rows runs; do
    if [ $mode = rows ]; then
      y0=1800
      same_file="INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, g, 'BZK', 'population', '$region', ($y0 + g)::text, (777 + g)::text FROM generate_series(1, 10) g;"
      apply="krimp.apply_batch(:b)"
    else
      y0=1820
      same_file="CREATE TEMPORARY TABLE runs OF krimp.staged_block ON COMMIT DROP;
INSERT INTO runs (batch_id, first_line, org_code, indicator_code, region_code, first_period, value)
SELECT :b, 1, 'BZK', 'population', '$region', ($y0 + 1)::text, array_agg((777 + g)::float8 ORDER BY g) FROM generate_series(1, 10) g;"
      apply="krimp.apply_batch(:b, blocks => 'pg_temp.runs')"
    fi
    in_years="r.code = '$region' AND krimp.year(o.period) > $y0 AND krimp.year(o.period) <= $y0 + 10"
    before=$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE $in_years")
    load_txn first BZK "$same_file" "$apply" 3 "$iso" >"$log.1" &
    first=$!
    for _ in $(seq 1 50); do
      [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND state = 'active'")" -gt 0 ] && break
      sleep 0.1
    done
    load_txn second BZK "$same_file" "$apply" 0 "$iso" >"$log.2" &
    second=$!
    waited=no
    for _ in $(seq 1 30); do
      [ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted AND a.datname = '$db'")" -gt 0 ] && { waited=yes; break; }
      sleep 0.1
    done
    wait "$first" "$second"
    cat "$log.1" "$log.2" | grep -E '^(first|second|retried)' | sed "s/^/  $iso, $mode: /"
    after=$(q -c "SELECT count(*), count(DISTINCT published_at) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE $in_years")
    # (under READ COMMITTED the second waits and files nothing; under the others it may have failed with 40001 and been retried)
    [ "$waited" = yes ] && grep -qx 'first|10|0' "$log.1" && grep -qx 'second|0|10' "$log.2" && [ "$before" = 0 ] && [ "$after" = "10|1" ] &&
      ! grep -v -x -e 'first|10|0' -e 'second|0|10' -e 'retried after 40001' "$log.1" "$log.2" | grep -q . &&
      { [ "$iso" != "read committed" ] || ! grep -q retried "$log.2"; }
    check "$iso: two loads of the same file at once, staged as $mode: the second waited for the first and found all 10 figures unchanged; one vintage" $?
  done
  [ "$(q -c "SELECT count(*), sum(cardinality(value)) FROM krimp.observation_block b JOIN krimp.region r USING (region_id) WHERE r.code = '$region'")" = "1|10" ]
  check "$iso: the run was filed once, as one block" $?

  # two organisations, the same figures at once: each files its own, once
  region=GM$((9853 + k))
  stage_org() { echo "INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, g, '$1', 'population', '$region', (1800 + g)::text, ($2 + g)::text FROM generate_series(1, 10) g;"; }
  load_txn first BZK "$(stage_org BZK 500)" "krimp.apply_batch(:b)" 3 "$iso" >"$log.1" &
  first=$!
  for _ in $(seq 1 50); do
    [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND state = 'active'")" -gt 0 ] && break
    sleep 0.1
  done
  load_txn second PV20 "$(stage_org PV20 600)" "krimp.apply_batch(:b)" 0 "$iso" >"$log.2" &
  second=$!
  wait "$first" "$second"
  cat "$log.1" "$log.2" | grep -E '^(first|second|retried)' | sed "s/^/  $iso, two organisations: /"
  after=$(q -c "SELECT string_agg(n || ' ' || v, ', ' ORDER BY org_code) FROM (SELECT o.org_code, count(*) AS n, count(DISTINCT published_at) AS v
                  FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = '$region' GROUP BY o.org_code) x")
  grep -qx 'first|10|0' "$log.1" && grep -qx 'second|10|0' "$log.2" && [ "$after" = "10 1, 10 1" ] &&
    ! grep -v -x -e 'first|10|0' -e 'second|10|0' -e 'retried after 40001' "$log.1" "$log.2" | grep -q .
  check "$iso: two organisations load the same figures at once: 10 figures each, one vintage each (any failure a 40001, retried)" $?

  # two rounds of the same year at once: one is stored; under READ COMMITTED
  # the second waits and finds it there, under the others a second whose
  # snapshot misses it fails with 40001 (not a unique violation) and, retried,
  # finds it there
  year=$((2010 - 5 * k))
  round_txn() {  # NAME SLEEP ISOLATION
    local out
    for _ in 1 2 3 4 5; do
      out=$(PGOPTIONS="-c default_transaction_isolation=${3// /\\ }" psql -X -q -A -t -d "$db" -v ON_ERROR_STOP=1 2>&1 <<SQL
\set VERBOSITY sqlstate
BEGIN;
SELECT txid_current() >= 0;
CALL krimp.revaluation_round($year);
SELECT '$1', count(*) FROM krimp.revaluation_round WHERE round_year = $year;
SELECT pg_sleep($2);
COMMIT;
SQL
)
      if grep -q '^ERROR:  40001' <<<"$out"; then echo "retried after 40001"; continue; fi
      echo "$out"
      return
    done
  }
  round_txn first 3 "$iso" >"$log.1" &
  first=$!
  for _ in $(seq 1 50); do
    [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(3)%' AND state = 'active'")" -gt 0 ] && break
    sleep 0.1
  done
  round_txn second 0 "$iso" >"$log.2" &
  second=$!
  wait "$first" "$second"
  cat "$log.1" "$log.2" | grep -E '^(first|second|retried|ERROR)' | sed "s/^/  $iso, two rounds: /"
  grep -qx 'first|1' "$log.1" && grep -qx 'second|1' "$log.2" &&
    ! grep -q '^ERROR' "$log.1" "$log.2" &&
    [ "$(q -c "SELECT count(*) FROM krimp.revaluation_round WHERE round_year = $year")" = 1 ]
  check "$iso: two rounds of $year at once: one round stored, no error but a retried 40001" $?
  k=$((k + 1))
done
rm -f "$log.1" "$log.2"

psql -X -q -d postgres -c "DROP DATABASE $db" -c "DROP ROLE regress_krimp_bench"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
