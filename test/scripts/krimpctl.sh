#!/usr/bin/env bash
# krimpctl, the command-line client, against the cluster in PGHOST/PGPORT:
# help and exit codes, connections (libpq's message, no password prompt under
# trust; a server that asks for a password: the prompt, -w, the password file,
# a service file), each input format (the real CBS OData v3 file, OData v4 and
# StatLine CSV fixtures in test/cli/), malformed files that load nothing,
# idempotent reload, a revision, the rejects file, and the nightly command's
# output formats and its own exit code when another run is in progress.
# Creates its own database and drops it at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
K=$root/cli/krimpctl
db=krimp_cli_test
export PGDATABASE=$db
tmp=$(mktemp -d)
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { PGOPTIONS='-c search_path=public,krimp' psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
# run krimpctl: stdout in $out, stderr in $err, exit status in $rc
run() { "$K" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }
batches() { q -c "SELECT count(*) FROM krimp.load_batch"; }
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT

[ -x "$K" ] || make -s -C "$root" cli >/dev/null
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null
check "created the database $db with the extension" $?

# The municipalities of the real CBS file, each valid from its first to its last
# year with a figure (a null outside that span is a municipality that did not
# exist yet, or no longer); expected counts straight from the file.
real=$root/data/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json
python3 - "$real" > "$tmp/regions.sql" 2> "$tmp/expected" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding='utf-8-sig'))['value']
by = {}
for r in d.values():
    by.setdefault(r['RegioS'].strip(), []).append((r['Perioden'], r['BevolkingAanHetBeginVanDePeriode_1']))
rows = []
for code, v in sorted(by.items()):
    ys = [int(p[:4]) for p, x in v if x is not None]
    f, t = (min(ys), max(ys) + 1) if ys else (2023, None)
    rows.append("('%s', '%s', 'municipality', '%d-01-01', %s)" % (code, code, f, 'NULL' if t in (None, 2023) else "'%d-01-01'" % t))
print("INSERT INTO krimp.region (code, name, level, valid_from, valid_to) VALUES\n" + ",\n".join(rows) + ";")
n = len(d); nulls = sum(1 for r in d.values() if r['BevolkingAanHetBeginVanDePeriode_1'] is None)
# runs as krimpctl gathers them, in file order: one region, values or nulls, consecutive years
runs, prev = 0, None
for r in d.values():
    key = (r['RegioS'].strip(), r['BevolkingAanHetBeginVanDePeriode_1'] is None, int(r['Perioden'][:4]))
    if not (prev and key[:2] == prev[:2] and key[2] == prev[2] + 1) and not key[1]:
        runs += 1
    prev = key
print(n, n - nulls, nulls, runs, file=sys.stderr)
PY
read -r n_rows n_values n_nulls n_runs < "$tmp/expected"
q -f "$tmp/regions.sql" >/dev/null && q >/dev/null <<'SQL'
INSERT INTO krimp.region (code, name, level, valid_from) VALUES
    ('GM9901', 'Eerstedorp', 'municipality', '2010-01-01'), ('GM9902', 'Tweedorp', 'municipality', '2010-01-01'),
    ('GM9903', 'Derdedorp', 'municipality', '2010-01-01');
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, aggregation, direction_of_good) VALUES
    ('population', 'Bevolking op 1 januari', 'persons', 'year', 'demography', 'sum', 1),
    ('pop4', 'Bevolking (OData v4)', 'persons', 'year', 'demography', 'sum', 1);
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation) VALUES
    ('density', 'Bevolkingsdichtheid', 'per km2', 2, 'year', 'demography', 'none');
SQL
check "regions of the real file and the fixtures, three indicators (file: $n_rows rows, $n_values figures, $n_nulls nulls)" $?

# ---- help, version, usage errors ------------------------------------------
run --help
[ $rc -eq 0 ] && grep -q '^  load ' <<<"$out" && grep -q '^  nightly ' <<<"$out" && grep -q 'Exit status' <<<"$out" \
  && grep -q -- '--dbname' <<<"$out"
check "krimpctl --help lists the commands, connection options and exit codes" $?
run load --help
[ $rc -eq 0 ] && grep -q -- '--indicator' <<<"$out" && grep -q -- '--measure' <<<"$out" && grep -q -- '--rejects' <<<"$out" \
  && grep -q '  4  rows rejected' <<<"$out"
check "krimpctl load --help" $?
run nightly --help
[ $rc -eq 0 ] && grep -q -- '--format=FORMAT' <<<"$out" && grep -q -- '--full' <<<"$out" && grep -q '  6  another nightly' <<<"$out"
check "krimpctl nightly --help" $?
run --version
[ $rc -eq 0 ] && grep -qE '^krimpctl \(krimp\) [0-9]' <<<"$out"
check "krimpctl --version: $out" $?
run frobnicate
[ $rc -eq 1 ] && grep -q 'unknown command "frobnicate"' <<<"$err"
check "an unknown command: exit 1" $?
run load "$real"
[ $rc -eq 1 ] && grep -q 'no indicator given' <<<"$err"
check "load without --indicator: exit 1" $?
run load --indicator nosuch --org BZK "$real"
[ $rc -eq 1 ] && grep -q 'indicator "nosuch" does not exist' <<<"$err"
check "load with an unknown indicator: exit 1 before reading" $?
run nightly --format xml
[ $rc -eq 1 ]
check "nightly --format xml: exit 1" $?

# ---- demo --report: the report's folder (issue 17) ----------------------------
# The folder is made as mkdir -p does, before connecting (port 1: nothing
# listens, exit 2 after the folder is there); a path that cannot be one says why.
run demo --data "$root/data" -p 1 --report "$tmp/reports/2020/krimp.html"
[ $rc -eq 2 ] && [ -d "$tmp/reports/2020" ] && ! grep -q 'rejects file' <<<"$err"
check "demo --report in a missing folder: the folder made (mkdir -p), then it connects (exit 2 here)" $?
touch "$tmp/plain"
run demo --data "$root/data" -p 1 --report "$tmp/plain/sub/krimp.html"
echo "  $(head -n1 <<<"$err")"
[ $rc -eq 3 ] && grep -q "the report \"$tmp/plain/sub/krimp.html\" cannot go in \"$tmp/plain\": that is a file, not a folder" <<<"$err"
check "demo --report through a file: exit 3, which part is a file" $?
run demo --data "$root/data" -p 1 --report "$tmp/reports"
[ $rc -eq 3 ] && grep -q "the report \"$tmp/reports\" is a folder" <<<"$err" && grep -q "such as $tmp/reports/krimp-report.html" <<<"$err"
check "demo --report naming a folder: exit 3, a file name in it as the hint" $?
chmod 755 "$tmp" && mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
if [ "$(id -u)" -eq 0 ]; then
  out=$(su nobody -s /bin/sh -c "'$K' demo --data '$root/data' -p 1 --report '$tmp/ro/new/krimp.html'" 2>&1 </dev/null); rc=$?
else
  out=$("$K" demo --data "$root/data" -p 1 --report "$tmp/ro/new/krimp.html" 2>&1 </dev/null); rc=$?
fi
[ $rc -eq 3 ] && grep -q "could not create the folder \"$tmp/ro/new\" for the report \"$tmp/ro/new/krimp.html\": Permission denied" <<<"$out"
check "demo --report where the folder cannot be made: exit 3, the folder and the reason" $?

# ---- connections ------------------------------------------------------------
run -d "host=$tmp/nowhere port=1 dbname=x" nightly
echo "  $(head -n1 <<<"$err")"
[ $rc -eq 2 ] && grep -q 'connection to server on socket' <<<"$err"
check "a bad connection string: exit 2 with libpq's message" $?
run nightly -d "postgresql://localhost:1/x"
[ $rc -eq 2 ] && grep -q 'Connection refused' <<<"$err"
check "a URI as --dbname (after the command): exit 2, libpq's message" $?
run load -i nosuch -o PV20 -d "dbname=$db" "$root/test/cli/density.csv"
[ $rc -eq 1 ] && grep -q 'indicator "nosuch" does not exist' <<<"$err" && ! grep -qi 'password' <<<"$err$out"
check "trust authentication: no password prompt" $?
# a database without the extension, and one with the extension of 0.1: a clear message, exit 5
old_db=${db}_old
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $old_db" -c "CREATE DATABASE $old_db" >/dev/null 2>&1
run -d "$old_db" nightly
[ $rc -eq 5 ] && grep -q "the krimp extension is not installed in database \"$old_db\"" <<<"$err" \
  && grep -q 'hint: a superuser installs it with CREATE EXTENSION krimp CASCADE' <<<"$err"
check "a database without the extension: exit 5, what to do" $?
q -d "$old_db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp VERSION '0.1' CASCADE" >/dev/null
run -d "$old_db" load -i density -o PV20 "$root/test/cli/density.csv"
ver=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$root/krimp.control")
[ $rc -eq 5 ] && grep -q "krimpctl $ver needs version $ver of the krimp extension or later; database \"$old_db\" has 0.1" <<<"$err" \
  && grep -q 'hint: update it with ALTER EXTENSION krimp UPDATE' <<<"$err"
check "a database with krimp 0.1: exit 5 before anything is read, what to do" $?
q -d "$old_db" -c "ALTER EXTENSION krimp UPDATE" >/dev/null
run -d "$old_db" nightly --format csv
[ $rc -eq 0 ]
check "after ALTER EXTENSION krimp UPDATE the commands run" $?
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $old_db" >/dev/null 2>&1
out=$(echo secret | "$K" -W nightly --format csv 2>&1 >/dev/null); rc=$?
[ $rc -eq 0 ] && grep -q 'Password: ' <<<"$out"
check "-W prompts for a password before connecting (read from stdin without a terminal)" $?
q -c "DELETE FROM krimp.observation_staging" >/dev/null

# ---- the real CBS OData v3 file ---------------------------------------------
# Its nulls are municipalities that did not exist that year (each region here is
# valid from its first to its last year with a figure): figures that cannot
# exist, skipped by the warehouse and counted, not rejected (issue 17).
nofig="without a figure in a period their region did not exist (CBS's nulls for a municipality merged away)"
n_read=$((n_rows - n_nulls))
before=$(batches)
run load -i population -o BZK -s 'CBS 37230ned' --rejects "$tmp/real.rejects.csv" "$real"
printf '%s\n' "$out" | sed 's/^/  /' | head -n 8
[ $rc -eq 0 ] && grep -qF "read $n_read, inserted $n_values, revised 0, unchanged 0, rejected 0; skipped $n_nulls $nofig" <<<"$out"
check "the real OData v3 file: read, inserted match the file; its $n_nulls nulls skipped as figures that cannot exist" $?
[ "$(q -c "SELECT count(*), count(*) FILTER (WHERE status = 'definitief') FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'population'")" = "$n_values|$n_values" ]
check "the figures are in krimp.observation" $?
[ "$(q -c "SELECT count(*), sum(cardinality(value)) FROM krimp.observation_block b JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'population'")" = "$n_runs|$n_values" ]
check "filed as blocks: one per run of a municipality's consecutive years ($n_runs runs)" $?
[ "$(q -c "SELECT value FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM1680' AND o.period = '2002'")" = "25552" ]
check "a figure as in the file (GM1680 2002: 25552)" $?
[ "$(q -c "SELECT rows_read || ' ' || rows_rejected || ' ' || rows_skipped FROM krimp.load_batch WHERE file_name = 'Bevolkingsontwikkeling_gemeente_per_jaar.json'")" = "$n_read 0 $n_nulls" ] \
  && [ "$(q -c "SELECT count(*) FROM krimp.rejected_row r JOIN krimp.load_batch b USING (batch_id) WHERE b.file_name = 'Bevolkingsontwikkeling_gemeente_per_jaar.json'")" = 0 ] \
  && [ ! -e "$tmp/real.rejects.csv" ]
check "krimp.load_batch: rows_skipped $n_nulls; nothing in krimp.rejected_row, no rejects file" $?
! grep -q $'\r' "$tmp/err"
check "no progress bar when stderr is not a terminal" $?

run load -i population -o BZK -s 'CBS 37230ned' --fail-on-reject --rejects "$tmp/real.rejects.csv" "$real"
[ $rc -eq 0 ] && grep -qF "read $n_read, inserted 0, revised 0, unchanged $n_values, rejected 0; skipped $n_nulls $nofig" <<<"$out" \
  && [ "$(q -c "SELECT count(*) FROM krimp.rejected_row")" = 0 ]
check "loading the same file again records nothing (all unchanged, nothing rejected): --fail-on-reject exits 0" $?

sed 's/"BevolkingAanHetBeginVanDePeriode_1":25552}/"BevolkingAanHetBeginVanDePeriode_1":25560}/' "$real" > "$tmp/revised.json"
run load -i population -o BZK -s 'CBS 37230ned' --rejects "$tmp/rev.rejects.csv" "$tmp/revised.json"
[ $rc -eq 0 ] && grep -q "inserted 0, revised 1, unchanged $((n_values - 1)), rejected 0; skipped $n_nulls" <<<"$out"
check "a changed figure is a revision (revised 1)" $?
[ "$(q -c "SELECT string_agg(value::text, ',' ORDER BY published_at) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM1680' AND o.period = '2002'")" = "25552,25560" ]
check "the revision is a new vintage; the old one is kept" $?
[ "$(q -c "SELECT count(*) FROM krimp.observation_row o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM1680'")|$(q -c "SELECT count(*) FROM krimp.observation_block")" = "1|$n_runs" ]
check "the revision is a row; the run it changed is compared figure by figure, the blocks stay as they were" $?

# a record of a region the warehouse does not know (record 2: GM1680 2003 as GM9998)
sed 's/"ID":16099,"RegioS":"GM1680"/"ID":16099,"RegioS":"GM9998"/' "$real" > "$tmp/bad.json"
sed 's/"ID":16099,"RegioS":"GM1680"/"ID":16099,"RegioS":"GM9998"/' "$tmp/revised.json" > "$tmp/revised_bad.json"
run load -i population -o BZK --fail-on-reject --rejects "$tmp/x.csv" "$tmp/bad.json"
[ $rc -eq 4 ] && grep -q "inserted 0, revised 1, unchanged $((n_values - 2)), rejected 1;" <<<"$out" \
  && [ "$(sed -n 2p "$tmp/x.csv")" = '2,GM9998,2003,25305,,"unknown region code ""GM9998"""' ]
check "--fail-on-reject: exit 4, the good rows loaded (the revision undone), the bad one in the rejects file" $?
before=$(batches)
rm -f "$tmp/x.csv"
run load -i population -o BZK --on-error=abort --rejects "$tmp/x.csv" "$tmp/revised_bad.json"
printf '%s\n%s\n' "$out" "$err" | sed 's/^/  /' | grep -v '^  *\(e\.g\.\|records\) '
[ $rc -eq 4 ] && [ "$(batches)" = "$before" ] && grep -q 'nothing was loaded (batch [0-9]* rolled back)$' <<<"$err" && [ -s "$tmp/x.csv" ]
check "--on-error=abort: exit 4, nothing loaded, the rejects file written" $?
grep -q "^  read $n_read, rejected 1: with --on-error=abort the batch was rolled back, nothing inserted or revised; skipped $n_nulls" <<<"$out" \
  && grep -q '^  first rejected: record 2: unknown region code "GM9998"$' <<<"$out" \
  && ! grep -qE 'inserted [1-9]|revised [1-9]|unchanged' <<<"$out"
check "--on-error=abort: the summary says the batch was rolled back, nothing inserted, and the first error" $?
[ "$(q -c "SELECT string_agg(value::text, ',' ORDER BY published_at) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM1680' AND o.period = '2002'")" = "25552,25560,25552" ]
check "--on-error=abort: the revision it held is not filed (GM1680 2002 as before)" $?

# ---- OData v4 ---------------------------------------------------------------
run load -i pop4 -o PV20 --rejects "$tmp/v4.csv" "$root/test/cli/pop_v4.json"
[ $rc -eq 3 ] && grep -q 'more than one measure' <<<"$err"
check "OData v4 with two measures and no --measure: exit 3" $?
run load -i pop4 -o PV20 -m M000352 --rejects "$tmp/v4.csv" "$root/test/cli/pop_v4.json"
echo "  $(head -n2 <<<"$out" | tail -n1)"
[ $rc -eq 0 ] && grep -q 'OData v4 JSON, measure M000352' <<<"$out" \
  && grep -q 'read 5, inserted 5, revised 0, unchanged 0, rejected 0; skipped 3$' <<<"$out" \
  && grep -q '^  skipped 2 rows of other measures$' <<<"$out" && grep -q '^  skipped 1 ValueAttribute Impossible' <<<"$out"
check "OData v4 long format: one measure's rows loaded, the others and the Impossible one skipped" $?
[ "$(q -c "SELECT string_agg(r.code || ' ' || o.period || ' ' || coalesce(o.value::text, '-') || ' ' || o.status, '; ' ORDER BY r.code, o.period) FROM krimp.observation o JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'pop4'")" \
  = "GM9901 2010 1000 definitief; GM9901 2011 990 definitief; GM9901 2012 - unknown; GM9902 2010 2000 definitief; GM9903 2010 500 definitief" ]
check "OData v4 values: Confidential is status unknown, Impossible no figure, 5.0e2 is 500, padded codes trimmed" $?
[ ! -e "$tmp/v4.csv" ]
check "no rejects file when nothing was rejected" $?

# ---- StatLine CSV -----------------------------------------------------------
q -c "DELETE FROM krimp.observation_staging" >/dev/null
cp "$root/test/cli/density.csv" "$tmp/density.csv"
(cd "$tmp" && "$K" load -i density -o PV20 density.csv >out 2>err); rc=$?; out=$(cat "$tmp/out")
printf '%s\n' "$out" | sed 's/^/  /'
[ $rc -eq 0 ] && grep -q 'StatLine CSV, measure Bevolkingsdichtheid_2' <<<"$out" && grep -q 'read 6, inserted 4, revised 0, unchanged 0, rejected 2' <<<"$out"
check "StatLine CSV (BOM, quoted header, CRLF, blank line): read 6, inserted 4, rejected 2" $?
[ "$(q -c "SELECT string_agg(r.code || ' ' || o.period || ' ' || coalesce(o.value::text, '-') || ' ' || o.status, '; ' ORDER BY r.code, o.period) FROM krimp.observation o JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'density' AND o.retracted_at IS NULL AND o.published_at = (SELECT max(published_at) FROM krimp.observation o2 WHERE o2.indicator_id = o.indicator_id AND o2.region_id = o.region_id AND o2.period = o.period)")" \
  = "GM9901 2010 12.5 definitief; GM9901 2011 - unknown; GM9902 2010 8.25 definitief; GM9902 2011 0 definitief" ]
check "CSV values: decimal commas, \".\" unknown, \"-\" nil" $?
[ "$(cat "$tmp/density.csv.rejects.csv")" = 'line,region,period,value,status,reason
7,GM9999,2011,3,,"unknown region code ""GM9999"""
8,GM9901,2009,11,,period 2009 is outside the validity of every version of region GM9901' ]
check "the default rejects file next to the input, with physical line numbers" $?
grep -q '1 x unknown region code "..."' <<<"$out" && grep -q 'lines 7$' <<<"$out"
check "the summary names each reason with its line numbers" $?
"$K" load -i density -o PV20 --rejects "$tmp/stdin.csv" - < "$root/test/cli/density.csv" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q 'inserted 0, revised 0, unchanged 4, rejected 2' "$tmp/out"
check "reading standard input (-); a reload of the CSV changes nothing" $?
b=$(batches)
run load -i density -o PV20 --rejects "$tmp/no/such/dir/rejects.csv" "$root/test/cli/density.csv"
[ $rc -eq 3 ] && grep -q 'could not write the rejects file' <<<"$err" && [ "$(batches)" = "$b" ]
check "a rejects file that cannot be written: exit 3, the load rolled back (rejected rows never only in the table)" $?

# ---- malformed files: a clear message with the position, exit 3, nothing loaded ----
malformed() {  # label file expected-message-pattern [options]
  local label=$1 file=$2 pattern=$3; shift 3
  local b; b=$(batches)
  run load -i density -o PV20 --rejects "$tmp/m.csv" "$@" "$root/test/cli/$file"
  echo "  $(head -n1 <<<"$err")"
  [ $rc -eq 3 ] && grep -q -- "$pattern" <<<"$err" && grep -q 'nothing was loaded' <<<"$err" && [ "$(batches)" = "$b" ] \
    && [ "$(q -c 'SELECT count(*) FROM krimp.observation_staging')" = 0 ]
  check "malformed: $label" $?
}
malformed "truncated JSON (a real file cut short)" truncated.json 'ends early at line 1, byte 5000 (end of file).*truncated'
malformed "a JSON syntax error, with line and byte" syntax_error.json 'invalid JSON at line 2, byte 104'
malformed "an unknown period code, with record, line and byte" unknown_period.json 'record 2 (line 2, byte 76): invalid input syntax for type period: "2011XX00"'
malformed "not a region code" bad_region.csv 'line 3: "XY9901" is not a CBS region code'
malformed "a bad number" bad_number.csv 'line 3: invalid number "12,5x"'
malformed "a number longer than 63 characters (never cut short)" long_number.json 'record 2 (line 2, byte [0-9]*): number "0.000000000000000000..." is too long (at most 63 characters)'
malformed "a wrong separator" wrong_separator.csv 'line 1: .*comma separated: use --delimiter=,'
malformed "two measures without --measure" two_measures.json 'the file has 2 measures (Bevolking_1, Dichtheid_2)'
malformed "an unknown --measure" two_measures.json 'no measure "Nope_3" in the file' --measure Nope_3
malformed "OData v4 read as v3" pop_v4.json 'the file has 0 measures' --format odata3
run load -i density -o PV20 "$tmp/does-not-exist.json"
[ $rc -eq 3 ] && grep -q 'could not open' <<<"$err"
check "an unreadable file: exit 3" $?
run load -i density -o PV20 --delimiter=, --rejects "$tmp/m.csv" "$root/test/cli/wrong_separator.csv"
[ $rc -eq 0 ] && grep -q 'read 1, inserted 0, revised 0, unchanged 1' <<<"$out"
check "the comma-separated file loads with --delimiter=, (its figure unchanged)" $?

# ---- input that slips through (issue 13, item 14) ------------------------------
# a NUL byte inside a field once cut it short (1\0999 loaded as 1, GM9961\0XYZ
# as GM9961, exit 0); duplicate JSON keys took the first value; options after a
# file were read as files once the file before them was committed
q -c "INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9961', 'Nuldorp', 'municipality', '2010-01-01'), ('GM9962', 'Dubbeldorp', 'municipality', '2010-01-01')" >/dev/null
hostile() {  # label file expected-message-pattern [options]: exit 3, nothing loaded
  local label=$1 file=$2 pattern=$3; shift 3
  local b; b=$(batches)
  run load -i density -o PV20 --rejects "$tmp/h.csv" "$@" "$file"
  echo "  $(head -n1 <<<"$err")"
  [ $rc -eq 3 ] && grep -q -- "$pattern" <<<"$err" && grep -q 'nothing was loaded' <<<"$err" && [ "$(batches)" = "$b" ] \
    && [ "$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code IN ('GM9961', 'GM9962')")" = 0 ]
  check "refused: $label" $?
}
printf '"ID";"RegioS";"Perioden";"Dichtheid_2"\n"0";"GM9961";"2010JJ00";"5"\n"1";"GM9961";"2011JJ00";"1\0999"\n' > "$tmp/nul_value.csv"
hostile "a NUL byte inside a CSV number (1\\0999), with line and field" "$tmp/nul_value.csv" \
  'line 3, field 4 ("Dichtheid_2"): a NUL byte inside the field'
printf '"ID";"RegioS";"Perioden";"Dichtheid_2"\n"0";"GM9961\0XYZ";"2010JJ00";"5"\n' > "$tmp/nul_region.csv"
hostile "a NUL byte inside a CSV region code (GM9961\\0XYZ)" "$tmp/nul_region.csv" \
  'line 2, field 2 ("RegioS"): a NUL byte inside the field'
printf '"ID";"Regi\0oS";"Perioden";"Dichtheid_2"\n"0";"GM9961";"2010JJ00";"5"\n' > "$tmp/nul_header.csv"
hostile "a NUL byte in the CSV header" "$tmp/nul_header.csv" 'line 1, field 2: a NUL byte inside the field'
printf '{"value":[{"ID":0,"RegioS":"GM9961\\u0000XYZ","Perioden":"2010JJ00","Dichtheid_2":5}]}\n' > "$tmp/nul_region.json"
hostile "a \\u0000 inside a JSON string (OData v3)" "$tmp/nul_region.json" \
  'line 1, byte [0-9]*: a NUL character (\\u0000) inside a JSON string'
printf '{"value":[{"Id":0,"Measure":"M1\\u0000X","ValueAttribute":"None","Value":5,"RegioS":"GM9961","Perioden":"2010JJ00"}]}\n' > "$tmp/nul_measure.json"
hostile "a \\u0000 inside a JSON string (OData v4)" "$tmp/nul_measure.json" 'a NUL character (\\u0000) inside a JSON string' --format odata4
printf '{"value":[{"ID":0,"RegioS":"GM9962","Perioden":"2010JJ00","Dichtheid_2":5,"Dichtheid_2":7}]}\n' > "$tmp/dup.json"
hostile "a duplicate key in an OData v3 record, with the key and the position" "$tmp/dup.json" \
  'record 1 (line 1, byte 10): duplicate key "Dichtheid_2" at line 1, byte [0-9]*'
printf '{"value":[{"ID":0,"RegioS":"GM9962","Perioden":"2010JJ00","Dichtheid_2":5}, {"ID":1,"RegioS":"GM9962","RegioS":"GM9961","Perioden":"2011JJ00","Dichtheid_2":6}]}\n' > "$tmp/dup2.json"
hostile "a duplicate region key in the second OData v3 record" "$tmp/dup2.json" 'record 2 (line 1, byte [0-9]*): duplicate key "RegioS"'
printf '{"@odata.context":"x","value":[{"Id":0,"Measure":"M1","ValueAttribute":"None","Value":5,"Value":7,"RegioS":"GM9962","Perioden":"2010JJ00"}]}\n' > "$tmp/dup_v4.json"
hostile "a duplicate key in an OData v4 record" "$tmp/dup_v4.json" 'record 1 (line 1, byte [0-9]*): duplicate key "Value"'
printf '"ID";"RegioS";"Perioden";"Dichtheid_2"\n"0";"GM9962";"2010JJ00";"5"\n' > "$tmp/late.csv"
b=$(batches)
run load -i density -o PV20 "$tmp/late.csv" --nosuch-option
[ $rc -eq 1 ] && grep -q 'invalid option "--nosuch-option"' <<<"$err" && [ "$(batches)" = "$b" ] && [ -z "$out" ]
check "an unknown option after the file: exit 1 before anything is loaded" $?
run load -i density -o PV20 "$tmp/late.csv" --on-error=nonsense
[ $rc -eq 1 ] && [ "$(batches)" = "$b" ]
check "a bad option value after the file: exit 1 before anything is loaded" $?
rm -f "$tmp/late.rejects.csv"
printf '"ID";"RegioS";"Perioden";"Dichtheid_2"\n"0";"GM9962";"2010JJ00";"5"\n"1";"GM9962";"2001JJ00";"6"\n' > "$tmp/late.csv"
run load -i density "$tmp/late.csv" -o PV20 --rejects="$tmp/late-x.csv"
[ $rc -eq 0 ] && grep -q 'read 2, inserted 1, revised 0, unchanged 0, rejected 1' <<<"$out" && [ "$(batches)" = "$((b + 1))" ] \
  && [ -s "$tmp/late-x.csv" ] && [ ! -e "$tmp/late.csv.rejects.csv" ]
check "options after the file apply to it: one batch, the rejects in --rejects=X" $?
(cd "$tmp" && printf 'x' > ./-o.csv && "$K" load -i density -o PV20 -- -o.csv >out 2>err); rc=$?
[ $rc -eq 3 ] && grep -q -- '-o.csv' "$tmp/err"
check "after --, a file name that starts with - is a file" $?

# ---- a status that goes back needs a reason (issue 13, item 12) ----------------
# a definitief figure, then the same figure as voorlopig (marker *): rejected
# with the reason unless the load says why (--revision-reason)
q -c "INSERT INTO krimp.region (code, name, level, valid_from) VALUES ('GM9968', 'Terugdorp', 'municipality', '2010-01-01')" >/dev/null
printf '"ID";"RegioS";"Perioden";"Dichtheid_2";"Status"\n"0";"GM9968";"2010JJ00";"5";""\n' > "$tmp/final.csv"
printf '"ID";"RegioS";"Perioden";"Dichtheid_2";"Status"\n"0";"GM9968";"2010JJ00";"6";"*"\n' > "$tmp/back.csv"
run load -i density -o PV20 --status-key=Status --rejects "$tmp/s.csv" "$tmp/final.csv"
run load -i density -o PV20 --status-key=Status --rejects "$tmp/s.csv" "$tmp/back.csv"
echo "  $(grep -o 'read .*' <<<"$out" | head -n1)"
[ $rc -eq 0 ] && grep -q 'inserted 0, revised 0, unchanged 0, rejected 1' <<<"$out" \
  && grep -q 'only in a batch with a revision reason' "$tmp/s.csv" \
  && [ "$(q -c "SELECT string_agg(o.value || ' ' || o.status, ',') FROM krimp.observation_current o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9968'")" = "5 definitief" ]
check "a voorlopig figure does not replace a definitief one without a reason: rejected with it" $?
run load -i density -o PV20 --status-key=Status --revision-reason='CBS corrected 2010' --rejects "$tmp/s.csv" "$tmp/back.csv"
echo "  $(grep -o 'read .*' <<<"$out" | head -n1)"
[ $rc -eq 0 ] && grep -q 'revised 1' <<<"$out" \
  && [ "$(q -c "SELECT o.value || ' ' || o.status || ' ' || b.revision_reason FROM krimp.observation_current o JOIN krimp.region r USING (region_id) JOIN krimp.load_batch b USING (batch_id) WHERE r.code = 'GM9968'")" = "6 voorlopig CBS corrected 2010" ]
check "--revision-reason: the voorlopig figure replaces it, and its batch keeps the reason" $?

# ---- serialization failures are retried; the session's own settings (items 9, 15) ----
# a test-only hook in apply_batch (on the load batch's last update): it records the
# session's settings, and raises 40001 or 40P01 for the loads whose --source asks
q >/dev/null <<'SQL'
CREATE TABLE public.cli_seen (source text, isolation text, check_interval text, application text);
CREATE SEQUENCE public.cli_attempts;
CREATE FUNCTION public.cli_hook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.cli_seen VALUES (NEW.source, pg_catalog.current_setting('transaction_isolation'),
        pg_catalog.current_setting('client_connection_check_interval'), pg_catalog.current_setting('application_name'));
    IF NEW.source = 'test-40001-once' AND pg_catalog.nextval('public.cli_attempts') = 1 THEN
        RAISE EXCEPTION 'test: could not serialize access (first attempt)' USING ERRCODE = '40001';
    ELSIF NEW.source = 'test-40P01-once' AND pg_catalog.nextval('public.cli_attempts') % 2 = 1 THEN
        RAISE EXCEPTION 'test: deadlock detected (first attempt)' USING ERRCODE = '40P01';
    ELSIF NEW.source = 'test-40001-always' THEN
        PERFORM pg_catalog.nextval('public.cli_attempts');
        RAISE EXCEPTION 'test: could not serialize access (every attempt)' USING ERRCODE = '40001';
    ELSIF NEW.source = 'test-sleep' THEN
        PERFORM pg_catalog.pg_sleep(3600);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cli_hook AFTER UPDATE ON krimp.load_batch FOR EACH ROW WHEN (NEW.state = 'done')
    EXECUTE FUNCTION public.cli_hook();
SQL
check "a test-only hook in apply_batch that raises 40001 or 40P01 on request" $?
attempts() { q -c "SELECT last_value FROM public.cli_attempts"; }
printf '"ID";"RegioS";"Perioden";"Dichtheid_2"\n"0";"GM9962";"2012JJ00";"5"\n"1";"GM9962";"2013JJ00";"6"\n' > "$tmp/retry.csv"
b=$(batches)
run load -i density -o PV20 -s test-40001-once --rejects "$tmp/r.csv" "$tmp/retry.csv"
printf '%s\n' "$err" | sed 's/^/  /'
[ $rc -eq 0 ] && grep -q 'read 2, inserted 2, revised 0, unchanged 0, rejected 0' <<<"$out" \
  && grep -q 'serialization failure (SQLSTATE 40001): retrying the load of .*retry.csv. from the start (attempt 2 of 3)' <<<"$err" \
  && [ "$(attempts)" = 2 ] && [ "$(batches)" = "$((b + 1))" ] \
  && [ "$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.code = 'GM9962' AND o.period IN ('2012', '2013')")" = 2 ]
check "a serialization failure on the first attempt: retried from the start, loaded once, the retry on stderr" $?
q -c "SELECT setval('public.cli_attempts', 1, false)" >/dev/null
"$K" load -i density -o PV20 -s test-40001-once --rejects "$tmp/r.csv" - < "$tmp/retry.csv" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && grep -q 'read 2, inserted 0, revised 0, unchanged 2' "$tmp/out" \
  && grep -q 'retrying the load of "-" from the start (attempt 2 of 3)' "$tmp/err" && [ "$(attempts)" = 2 ]
check "standard input is kept for a retry: the second attempt reads it again" $?
q -c "SELECT setval('public.cli_attempts', 1, false)" >/dev/null
run load -i density -o PV20 -s test-40P01-once --rejects "$tmp/r.csv" "$tmp/retry.csv"
[ $rc -eq 0 ] && grep -q 'deadlock (SQLSTATE 40P01): retrying' <<<"$err" && grep -q 'unchanged 2' <<<"$out"
check "a deadlock on the first attempt: retried" $?
q -c "SELECT setval('public.cli_attempts', 1, false)" >/dev/null
b=$(batches)
run load -i density -o PV20 -s test-40001-always --rejects "$tmp/r.csv" "$tmp/retry.csv"
printf '%s\n' "$err" | tail -n 2 | sed 's/^/  /'
[ $rc -eq 5 ] && grep -q 'giving up after 3 attempts: the transaction failed with a serialization failure (SQLSTATE 40001) each time' <<<"$err" \
  && grep -q 'nothing was loaded from' <<<"$err" && [ "$(attempts)" = 3 ] && [ "$(batches)" = "$b" ] && [ -z "$out" ]
check "a serialization failure on every attempt: gives up after 3 with a clear message, exit 5, nothing loaded" $?
q -c "SELECT setval('public.cli_attempts', 1, false)" >/dev/null
q -c "ALTER DATABASE $db SET default_transaction_isolation = 'serializable'" >/dev/null
run load -i density -o PV20 -s test-settings --rejects "$tmp/r.csv" "$tmp/retry.csv"
[ $rc -eq 0 ] && [ "$(q -c "SELECT isolation || ',' || check_interval FROM public.cli_seen WHERE source = 'test-settings'")" = "read committed,1s" ]
check "a database default of serializable: krimpctl's load runs read committed, with client_connection_check_interval 1s" $?
PGOPTIONS='-c default_transaction_isolation=repeatable\ read -c client_connection_check_interval=5s' \
  "$K" load -i density -o PV20 -s test-settings-own --rejects "$tmp/r.csv" "$tmp/retry.csv" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && [ "$(q -c "SELECT isolation || ',' || check_interval FROM public.cli_seen WHERE source = 'test-settings-own'")" = "repeatable read,5s" ]
check "settings the user gives on the connection (PGOPTIONS) are kept" $?
q -c "ALTER DATABASE $db RESET default_transaction_isolation" >/dev/null

# a killed krimpctl: its backend stops at the next check for a lost client, not
# when apply_batch ends (here a test-only pg_sleep of an hour in apply_batch)
"$K" load -i density -o PV20 -s test-sleep --rejects "$tmp/r.csv" "$tmp/retry.csv" >/dev/null 2>&1 &
kpid=$!
bpid=
for _ in $(seq 1 600); do   # up to 60 s for the backend to reach the sleep
  bpid=$(q -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'krimpctl' AND wait_event = 'PgSleep'")
  [ -n "$bpid" ] && break; sleep 0.1
done
kill -9 "$kpid"; wait "$kpid" 2>/dev/null
gone=1
if [ -n "$bpid" ]; then
  for _ in $(seq 1 600); do   # up to 60 s (the sleep lasts an hour; the check runs every second)
    [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $bpid")" = 0 ] && { gone=0; break; }; sleep 0.1
  done
  [ $gone -eq 0 ] || q -c "SELECT pg_terminate_backend($bpid)" >/dev/null
fi
[ -n "$bpid" ] && [ $gone -eq 0 ]
check "kill -9 of krimpctl during apply_batch: its backend ends (lost client found), not after the hour-long step" $?
q -c "DROP TRIGGER cli_hook ON krimp.load_batch" >/dev/null

# ---- a terminal: the progress bar ---------------------------------------------
if command -v script >/dev/null 2>&1; then
  script -qec "$K load -i population -o BZK --rejects $tmp/tty.csv $real" /dev/null > "$tmp/tty" 2>&1
  grep -q 'rows/s' "$tmp/tty" && grep -q 'checking and filing 11676 rows' "$tmp/tty"
  check "a progress bar on a terminal" $?
fi

# ---- nightly ----------------------------------------------------------------
run nightly
echo "  $(head -n1 <<<"$out")"
[ $rc -eq 0 ] && grep -qE '^nightly run [0-9]+: [0-9]+ series examined; [0-9]+ new' <<<"$out" \
  && grep -qE '^indicator +region +name +period +kind' <<<"$out" && grep -q 'GM1680' <<<"$out"
check "nightly: exit 0, the run and a table of the new flags" $?
new=$(q -c "SELECT count(*) FROM krimp.tipping_point_flag WHERE first_run_id = (SELECT max(run_id) FROM krimp.job_run) AND status = 'new'")
[ "$(($(wc -l <<<"$out") - 3))" = "$new" ]
check "nightly: one table row per new flag ($new)" $?
run nightly --full --all --format json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["series_examined"] > 500 and d["new"] == 0 and d["confirmed"] == len(d["flags"]) > 0; f=d["flags"][0]; assert set(f) >= {"indicator","region","region_name","period","kind","direction","before","after","score","status"}' <<<"$out"
check "nightly --full --all --format json: valid JSON with the run and its flags" $?
run nightly --format json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["new"] == 0 and d["flags"] == []' <<<"$out"
check "nightly --format json with nothing new: an empty list" $?
run nightly --full --format csv
[ $rc -eq 0 ] && [ "$out" = "run_id,status,indicator,region,region_name,period,kind,direction,assessment,before,after,abs_change,rel_change,p_value,score,recent" ]
check "nightly --format csv with nothing new: the header only" $?
# a serialization failure in the nightly run's first attempt (a test-only hook on
# krimp.job_run, once: its sequence is not rolled back): the run is retried
q >/dev/null <<'SQL'
CREATE SEQUENCE public.cli_nightly_attempts;
CREATE FUNCTION public.cli_nightly_hook() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_catalog.nextval('public.cli_nightly_attempts') = 1 THEN
        RAISE EXCEPTION 'test: could not serialize access (first attempt)' USING ERRCODE = '40001';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cli_nightly_hook AFTER INSERT ON krimp.job_run FOR EACH ROW EXECUTE FUNCTION public.cli_nightly_hook();
SQL
run nightly --format csv
[ $rc -eq 0 ] && grep -q 'serialization failure (SQLSTATE 40001): retrying the nightly run from the start (attempt 2 of 3)' <<<"$err" \
  && [ "$(head -n1 <<<"$out")" = "run_id,status,indicator,region,region_name,period,kind,direction,assessment,before,after,abs_change,rel_change,p_value,score,recent" ] \
  && [ "$(q -c "SELECT last_value FROM public.cli_nightly_attempts")" = 2 ]
check "nightly: a serialization failure on the first attempt is retried, the run's output once" $?
q -c "DROP TRIGGER cli_nightly_hook ON krimp.job_run" >/dev/null
# a clear level shift in 2016 in a new series: one new flag
q >/dev/null <<'SQL'
SELECT krimp.begin_batch('PV20', 'test') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value)
SELECT :b, y, 'PV20', 'density', 'GM9903', y::text, (CASE WHEN y < 2016 THEN 9.9 ELSE 7.6 END + 0.1 * ((y * 7) % 3 - 1))::text
  FROM generate_series(2010, 2022) y;
SELECT krimp.apply_batch(:b);
SQL
run nightly --format csv
echo "  $(tail -n1 <<<"$out")"
[ $rc -eq 0 ] && [ "$(wc -l <<<"$out")" = 2 ] && grep -qE '^[0-9]+,new,density,GM9903,Derdedorp,2016,level shift,down,,9\.9[0-9]*,7\.[56][0-9]*,-2\.[0-9]+,-0\.2[0-9]+,,[0-9.]+,[tf]$' <<<"$out"
check "nightly --format csv: one row per new flag" $?
q -c "UPDATE krimp.tipping_point_flag SET status = 'withdrawn', withdrawn_at = now() WHERE status <> 'withdrawn' AND region_id = (SELECT region_id FROM krimp.region WHERE code = 'GM9903')" -c "INSERT INTO krimp.series_queue (indicator_id, region_id) SELECT i.indicator_id, r.region_id FROM krimp.indicator i, krimp.region r WHERE i.code = 'density' AND r.code = 'GM9903'" >/dev/null
run nightly
printf '%s\n' "$out" | sed 's/^/  /'
[ $rc -eq 0 ] && grep -qE '^density +GM9903 +Derdedorp +2016 +level shift +down +9\.90 +7\.[56][0-9] +-2\.[0-9]{2} +-2[0-9]\.[0-9] +[0-9.]+ +(yes|no)' <<<"$out"
check "nightly table: the indicator's decimals, the change in per cent" $?

# 55P03: another run holds the job's lock
q -c "BEGIN" -c "SELECT pg_advisory_xact_lock(hashtext('krimp.nightly'))" -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null &
holder=$!
sleep 1
run nightly
echo "  $(head -n1 <<<"$err")"
[ $rc -eq 6 ] && grep -q 'another nightly run is in progress' <<<"$err" && [ -z "$out" ]
check "nightly while another run is in progress: exit 6 with the server's message" $?
wait "$holder"
q -c "DROP ROLE IF EXISTS krimp_cli_nobody" -c "CREATE ROLE krimp_cli_nobody LOGIN" >/dev/null 2>&1
run nightly -U krimp_cli_nobody
echo "  $(head -n1 <<<"$err")"
[ $rc -eq 5 ] && grep -q 'permission denied' <<<"$err"
check "nightly without the right: exit 5 with the server's message" $?
run load -i density -o PV20 -U krimp_cli_nobody --rejects "$tmp/m.csv" "$root/test/cli/density.csv"
[ $rc -eq 5 ] && grep -q 'permission denied' <<<"$err"
check "load without the right: exit 5 with the server's message" $?

# ---- an organisation's own login (no superuser, row-level security applies) ----
q -c "DROP ROLE IF EXISTS krimp_cli_zeeland" -c "CREATE ROLE krimp_cli_zeeland LOGIN IN ROLE krimp_zeeland" >/dev/null 2>&1
run load -i density -o PV29 -U krimp_cli_zeeland --rejects "$tmp/zl.csv" "$root/test/cli/density.csv"
echo "  $(sed -n 2p <<<"$out")"
[ $rc -eq 0 ] && grep -q 'of PV29, batch' <<<"$out" && grep -q 'read 6, inserted 4, revised 0, unchanged 0, rejected 2' <<<"$out" \
  && [ "$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'density' AND o.org_code = 'PV29'")" = 4 ] \
  && [ "$(wc -l < "$tmp/zl.csv")" -eq 3 ]
check "load as an organisation's login (krimp_zeeland): 4 figures of PV29, 2 rows rejected to the file" $?
run load -i density -o PV29 -U krimp_cli_zeeland --rejects "$tmp/zl.csv" "$root/test/cli/density.csv"
[ $rc -eq 0 ] && grep -q 'read 6, inserted 0, revised 0, unchanged 4, rejected 2' <<<"$out"
check "the organisation's reload changes nothing" $?
n_batches=$(batches)
run load -i density -o PV20 -U krimp_cli_zeeland --rejects "$tmp/zl.csv" "$root/test/cli/density.csv"
echo "  $(head -n1 <<<"$err")"
[ $rc -eq 5 ] && grep -q 'row-level security policy for table "load_batch"' <<<"$err" && [ "$(batches)" = "$n_batches" ]
check "a load for another organisation: exit 5 with the server's message, no batch" $?
[ "$(q -c "SELECT count(*) FROM krimp.observation_staging")" = 0 ]
check "nothing left in the shared staging table (krimpctl stages in a temporary table)" $?
# a hardened database without TEMPORARY for PUBLIC: the krimp roles need it back (docs/getting-started.md)
q -c "REVOKE TEMPORARY ON DATABASE $db FROM PUBLIC" >/dev/null
run load -i density -o PV29 -U krimp_cli_zeeland --rejects "$tmp/zl.csv" "$root/test/cli/density.csv"
[ $rc -eq 5 ] && grep -q 'permission denied to create temporary tables' <<<"$err"
check "without the database's TEMPORARY privilege: exit 5 with the server's message" $?
q -c "GRANT TEMPORARY ON DATABASE $db TO krimp_writer, krimp_admin" >/dev/null
run load -i density -o PV29 -U krimp_cli_zeeland --rejects "$tmp/zl.csv" "$root/test/cli/density.csv"
[ $rc -eq 0 ] && grep -q 'unchanged 4, rejected 2' <<<"$out"
check "with TEMPORARY granted to krimp_writer and krimp_admin the organisation loads again" $?

# ---- a server that asks for a password: the prompt, -w, ~/.pgpass, a service file ----
# (a pg_hba.conf line for one login over TCP, put back as it was at the end)
hba=$(q -c "SHOW hba_file")
cp "$hba" "$tmp/pg_hba.conf.orig"
restore_hba() { cat "$tmp/pg_hba.conf.orig" > "$hba"; q -d postgres -c "SELECT pg_reload_conf()" >/dev/null; }
trap 'restore_hba; cleanup' EXIT
q -c "DROP ROLE IF EXISTS krimp_cli_pw" -c "SET password_encryption = 'scram-sha-256'" \
  -c "CREATE ROLE krimp_cli_pw LOGIN PASSWORD 'pw-test-only' IN ROLE krimp_reader" >/dev/null
{ echo "host all krimp_cli_pw 127.0.0.1/32 scram-sha-256"; cat "$tmp/pg_hba.conf.orig"; } > "$hba" \
  && [ "$(q -c "SELECT pg_reload_conf()")" = t ] && sleep 0.5 \
  && [ "$(q -c "SELECT count(*) FROM pg_hba_file_rules WHERE 'krimp_cli_pw' = ANY (user_name) AND auth_method = 'scram-sha-256'")" = 1 ]
check "the server asks krimp_cli_pw for a password over TCP (pg_hba.conf: scram-sha-256)" $?
pw() { "$K" -h 127.0.0.1 -p "$PGPORT" -U krimp_cli_pw "$@" report -o "$tmp/pw.html" >"$tmp/out" 2>"$tmp/err"; rc=$?
       err=$(cat "$tmp/err"); }
pw </dev/null
[ $rc -eq 2 ] && [ "$(grep -o 'Password: ' <<<"$err" | wc -l)" -eq 1 ] && grep -q 'no password supplied' <<<"$err"
check "no password anywhere: one prompt (the server asked), no answer fails with exit 2 and libpq's message" $?
pw -w </dev/null
[ $rc -eq 2 ] && ! grep -q 'Password: ' <<<"$err" && grep -q 'no password supplied' <<<"$err"
check "-w: no prompt, exit 2 with libpq's message" $?
pw <<<not-the-password
[ $rc -eq 2 ] && grep -q 'password authentication failed for user "krimp_cli_pw"' <<<"$err"
check "a wrong password: exit 2 with libpq's message" $?
pw <<<pw-test-only
[ $rc -eq 0 ] && [ "$(grep -o 'Password: ' <<<"$err" | wc -l)" -eq 1 ] && [ -s "$tmp/pw.html" ]
check "the password typed at the prompt: connected, the report written" $?
printf '127.0.0.1:%s:%s:krimp_cli_pw:pw-test-only\n' "$PGPORT" "$db" > "$tmp/pgpass"; chmod 600 "$tmp/pgpass"
rm -f "$tmp/pw.html"
PGPASSFILE=$tmp/pgpass pw </dev/null
[ $rc -eq 0 ] && ! grep -q 'Password: ' <<<"$err" && [ -s "$tmp/pw.html" ]
check "the password file (PGPASSFILE, as ~/.pgpass): no prompt" $?
printf '[krimp_cli]\nhost=127.0.0.1\nport=%s\ndbname=%s\nuser=krimp_cli_pw\n' "$PGPORT" "$db" > "$tmp/services"
rm -f "$tmp/pw.html"
# (without the PG* variables of this test, which would otherwise reach the server on their own)
env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE PGSERVICEFILE="$tmp/services" PGPASSFILE="$tmp/pgpass" \
  "$K" -d service=krimp_cli report -o "$tmp/pw.html" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?
[ $rc -eq 0 ] && ! grep -q 'Password: ' "$tmp/err" && [ -s "$tmp/pw.html" ]
check "a service file (-d service=NAME) and the password file, no PG* variables: connected, no prompt" $?
restore_hba

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS krimp_cli_nobody" \
  -c "DROP ROLE IF EXISTS krimp_cli_zeeland" -c "DROP ROLE IF EXISTS krimp_cli_pw" >/dev/null 2>&1
check "dropped the database" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
