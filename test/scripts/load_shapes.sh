#!/usr/bin/env bash
# krimpctl load on the real CBS files of data/cbs-more/, in each shape users
# meet (issue 15): raw OData v4 with its code lists and ValueAttribute, a
# third party's CSV with labels instead of codes (code columns, numbers as
# codes, fixed-width padding, no Perioden), a StatLine download with labels,
# and a crafted label file with an ambiguous and an unknown name.  For each
# load: the counts read, inserted, skipped and rejected, checked against the
# file as an independent reader (Python, reading the JSON or CSV itself)
# counts them, every rejection explained, at least three figures per file
# compared with krimp.observation, and a reload that records nothing new.
# Also --list, -m by key and by title, several measures in one batch.
# Creates its own database with the bundled regions and drops it at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
K=$root/cli/krimpctl
M=$root/data/cbs-more
db=krimp_load_shapes
export PGDATABASE=$db
tmp=$(mktemp -d)
chmod 755 "$tmp"
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
run() { "$K" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }
# the counts of the summary line: "read R inserted I revised V unchanged U rejected J skipped S"
counts() { sed -n 's/^  read \([0-9]*\), inserted \([0-9]*\), revised \([0-9]*\), unchanged \([0-9]*\), rejected \([0-9]*\)\(; skipped \([0-9]*\).*\)\{0,1\}$/\1 \2 \3 \4 \5 \7/p' <<<"$out" | head -n1; }
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
# the independent reader: python3 "$tmp/reader.py" COMMAND ARGS
cat > "$tmp/reader.py" <<'PY'
import csv, json, sys
cmd, args = sys.argv[1], sys.argv[2:]
def v4(path):
    return json.load(open(path, encoding='utf-8-sig'))['value']
def rows(path):
    with open(path, encoding='utf-8-sig', newline='') as f:
        return list(csv.DictReader(f, delimiter=';'))
def num(s):
    s = s.strip()
    return None if s in ('', '.', '-', 'x') else float(s)
if cmd == 'v4-count':            # file measure: rows, Impossible, figures
    v = [r for r in v4(args[0]) if r['Measure'] == args[1]]
    imp = sum(1 for r in v if r['ValueAttribute'] == 'Impossible')
    print(len(v), imp, len(v) - imp)
elif cmd == 'v4-rows':           # file: all rows
    print(len(v4(args[0])))
elif cmd == 'v4-value':          # file measure region period
    for r in v4(args[0]):
        if r['Measure'] == args[1] and r['RegioS'].strip() == args[2] and r['Perioden'] == args[3]:
            print(r['Value'] if r['Value'] is not None else r['ValueAttribute'])
elif cmd == 'csv-count':         # file measure [COL=VALUE]: rows, empty, not held ((GA)/(SG)) among the rest
    rs = rows(args[0])
    for f in args[2:]:
        k, val = f.split('=', 1)
        rs = [r for r in rs if r[k].strip() == val]
    regcol = [k for k in rs[0] if k in ('RegioS', "Regio's") or k.startswith('RegioS') or k.startswith('WijkenEnBuurten')][0]
    empty = sum(1 for r in rs if r[args[1]].strip() == '')
    held = sum(1 for r in rs if r[args[1]].strip() != '' and r[regcol].strip().endswith(('(GA)', '(SG)')))
    print(len(rs), empty, held)
elif cmd == 'csv-value':         # file measure regioncol label [periodcol period]
    for r in rows(args[0]):
        if r[args[2]].strip() == args[3] and (len(args) < 6 or r[args[4]].strip() == args[5]):
            print(num(r[args[1]]))
elif cmd == 'statline3':         # the StatLine download cut to Perioden;Regio's;<one measure>, as StatLine writes it
    src, col, dst = args
    with open(src, encoding='utf-8-sig', newline='') as f:
        rd = csv.reader(f, delimiter=';')
        head = next(rd)
        i = head.index(col)
        out = [[r[0], r[1], r[i]] for r in rd]
    with open(dst, 'w', encoding='utf-8-sig', newline='') as f:
        w = csv.writer(f, delimiter=';', quoting=csv.QUOTE_ALL, lineterminator='\r\n')
        w.writerow(['Perioden', "Regio's", head[i]])
        w.writerows(out)
PY
R() { python3 "$tmp/reader.py" "$@"; }
# a figure in the warehouse: indicator region period -> value (or "unknown")
fig() { q -c "SELECT coalesce(o.value::text, o.status) FROM krimp.observation o JOIN krimp.region r USING (region_id)
                JOIN krimp.indicator i USING (indicator_id)
               WHERE i.code = '$1' AND r.code = '$2' AND o.period::text = '$3' AND o.retracted_at IS NULL
               ORDER BY o.published_at DESC LIMIT 1"; }
# numbers equal as numbers (the file's 5.7 and the warehouse's 5.7; 230194 and 230194.0)
same() { python3 -c "import sys; a, b = sys.argv[1:]; sys.exit(0 if a and b and abs(float(a) - float(b)) < 1e-9 * max(1, abs(float(b))) else 1)" "$1" "$2"; }
# every rejected row of the last batch is explained: the reasons, grouped
reasons() { q -c "SELECT string_agg(k || ' ' || n, '; ' ORDER BY k) FROM (SELECT regexp_replace(regexp_replace(reason,
                   '(region|period) [^ ]+', '\1 X', 'g'), '\"[^\"]*\"', '\"X\"', 'g') AS k, count(*) AS n
                   FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) GROUP BY 1) s"; }
# rejected for validity, and truly outside: krimp.region_at finds no version of the code for the period
validity_true() { [ "$(q -c "SELECT count(*) FROM krimp.rejected_row
                   WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) AND reason LIKE '%outside the validity%'
                     AND krimp.region_at(row_data->>'region', (row_data->>'period')::krimp.period) IS NOT NULL")" = 0 ]; }

[ -x "$K" ] || make -s -C "$root" cli >/dev/null
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null \
  && bash scripts/load_regions.sh "$root" >/dev/null
check "the database $db with the bundled regions (scripts/load_regions.sh)" $?
# (theme: there is no 'income' theme yet; income goes under liveability here)
q >/dev/null <<'SQL'
INSERT INTO krimp.indicator (code, name, unit, decimals, granularity, theme, aggregation, direction_of_good) VALUES
  ('t_price', 'Gemiddelde verkoopprijs bestaande koopwoningen', 'euro', 0, 'year', 'housing', 'none', 0),
  ('t_price_q', 'Gemiddelde verkoopprijs, per kwartaal', 'euro', 0, 'quarter', 'housing', 'none', 0),
  ('t_sold_q', 'Verkochte woningen, per kwartaal', 'dwellings', 0, 'quarter', 'housing', 'sum', 0),
  ('t_vacancy', 'Leegstand', '%', 1, 'year', 'housing', 'none', -1),
  ('t_stock', 'Woningvoorraad', 'dwellings', 0, 'year', 'housing', 'sum', 0),
  ('t_owned', 'Eigen woningen', 'dwellings', 0, 'year', 'housing', 'sum', 0),
  ('t_inhabitants', 'Inwoners', 'persons', 0, 'year', 'demography', 'sum', 1),
  ('t_income', 'Gemiddeld besteedbaar inkomen', '1 000 euro', 1, 'year', 'liveability', 'none', 1),
  ('t_test', 'Inwoners (gemaakt bestand)', 'persons', 0, 'year', 'demography', 'sum', 1);
SQL
check "test indicators (themes housing, demography, liveability)" $?

# ---- --list: what a file holds, without a connection --------------------------
run -d "host=$tmp/nowhere port=1 dbname=x" load --list "$M/odata4/85792NED/observations-page-1.json"
printf '%s\n' "$out" | sed -n '1,10p' | sed 's/^/  /'
[ $rc -eq 0 ] && grep -q '^measures (8):' <<<"$out" && grep -q '^  M001534 *Gemiddelde verkoopprijs (euro)  (651 rows: 651 figures, 0 Impossible)' <<<"$out" \
  && grep -q "^  RegioS (\"Regio's\"): 21 codes, regions (its code list has 21)" <<<"$out" \
  && grep -q '^periods (31):' <<<"$out" && grep -q '2026KW01' <<<"$out"
check "--list on OData v4 (no server): 8 measures with titles and units, 21 regions, 31 periods" $?
run load --list "$M/odata4/83625NED/observations-page-1.json"
read -r n imp figs <<<"$(R v4-count "$M/odata4/83625NED/observations-page-1.json" M001534)"
[ $rc -eq 0 ] && grep -q "^  M001534 .*($n rows: $figs figures, $imp Impossible)" <<<"$out" && grep -q '^      Impossible$' <<<"$out"
check "--list counts the rows, figures and Impossible markers as the file has them ($n, $figs, $imp)" $?
run load --list "$M/csv/85984NED.csv"
[ $rc -eq 0 ] && grep -q '^measures (125):' <<<"$out" && grep -q '^  SoortRegio_2: 4 labels' <<<"$out" \
  && grep -q '^      Gemeente$' <<<"$out" && grep -q 'Codering_3: .*region codes' <<<"$out" \
  && grep -q 'no Perioden column' <<<"$out"
check "--list on Kerncijfers wijken en buurten: 125 measures, SoortRegio_2's values, no Perioden" $?
run load --list "$M/statline/70072ned_Regionale_kerncijfers_inkomen.csv"
[ $rc -eq 0 ] && grep -q '^measures (31):' <<<"$out" && grep -q "^  Regio's: 728 labels, regions" <<<"$out" && grep -q '^periods (31):' <<<"$out"
check "--list on the StatLine download: 31 measures, 728 region labels, 31 periods" $?

# ---- OData v4: code lists, Impossible, reload ------------------------------------
f=$M/odata4/83625NED/observations-page-1.json
run load -o BZK -m "Gemiddelde verkoopprijs (euro)=t_price" -r "$tmp/rej.csv" "$f"
printf '%s\n' "$out" | sed 's/^/  /'
read -r r i v u j s <<<"$(counts)"
[ $rc -eq 0 ] && grep -q 'measure M001534 ("Gemiddelde verkoopprijs") as indicator t_price' <<<"$out" \
  && [ "$s" = "$imp" ] && [ $((r + s)) = "$n" ] && [ "$r" = "$figs" ] && [ $((i + j)) = "$r" ] \
  && grep -q "skipped $imp ValueAttribute Impossible" <<<"$out"
check "83625NED by title (with its unit): read $r = the file's figures, skipped $s = its Impossible rows, inserted $i, rejected $j" $?
echo "  rejected: $(reasons)"
validity_true && [ "$(q -c "SELECT count(*) FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) AND reason NOT LIKE '%outside the validity%'")" = 0 ]
check "every rejection of 83625NED is a code outside its validity in the warehouse's regions (region_at finds none)" $?
ok=0
for spot in "NL01 2015JJ00 2015" "GM0014 2020JJ00 2020" "PV20 2024JJ00 2024" "GM0363 2019JJ00 2019"; do
  set -- $spot
  same "$(fig t_price "$1" "$3")" "$(R v4-value "$f" M001534 "$1" "$2")" || { ok=1; echo "  $1 $3: $(fig t_price "$1" "$3") vs $(R v4-value "$f" M001534 "$1" "$2")"; }
done
[ "$(R v4-value "$f" M001534 GM0738 2019JJ00)" = Impossible ] && [ -z "$(fig t_price GM0738 2019)" ] || ok=1
check "83625NED spot checks: NL01 2015, GM0014 2020, PV20 2024, GM0363 2019 as in the file; Impossible GM0738 2019 not filed" $ok
run load -o BZK -m M001534=t_price -r "$tmp/rej.csv" "$f"
read -r r2 i2 v2 u2 j2 s2 <<<"$(counts)"
[ $rc -eq 0 ] && [ "$i2" = 0 ] && [ "$v2" = 0 ] && [ "$u2" = "$i" ] && [ "$r2" = "$r" ]
check "reloading 83625NED (by key now) records nothing new: inserted 0, unchanged $u2" $?
run load -o BZK -i t_price -m "Ontwikkeling t.o.v. voorgaande periode" "$M/odata4/85792NED/observations-page-1.json"
[ $rc -eq 3 ] && grep -q 'the measure title "Ontwikkeling t.o.v. voorgaande periode" is ambiguous: 2 measures have it (M005104 "[^"]*" (%), M005157 "[^"]*" (%))' <<<"$err"
check "an ambiguous measure title: exit 3, with both keys" $?
run load -o BZK -i t_price -m "Gemiddelde huurprijs" "$M/odata4/85792NED/observations-page-1.json"
[ $rc -eq 3 ] && grep -q 'no measure "Gemiddelde huurprijs" in measure-codes.json; the table.s measures are: M001505_2 "Prijsindex verkoopprijzen" (2020=100), ' <<<"$err"
check "an unknown measure: exit 3, with the table's measures" $?

# ---- several measures in one batch ----------------------------------------------
f=$M/odata4/85792NED/observations-page-1.json
b0=$(q -c "SELECT count(*) FROM krimp.load_batch")
run load -o BZK -m "Gemiddelde verkoopprijs=t_price_q" -m M001532_2=t_sold_q -r "$tmp/rej.csv" "$f"
printf '%s\n' "$out" | sed 's/^/  /'
read -r r i v u j s <<<"$(counts)"
total=$(R v4-rows "$f")
quarters=$(python3 -c "import json,sys; v=json.load(open(sys.argv[1]))['value']; print(sum(1 for r in v if r['Measure'] in ('M001534','M001532_2') and 'KW' in r['Perioden']))" "$f")
[ $rc -eq 0 ] && [ "$(q -c "SELECT count(*) FROM krimp.load_batch")" = $((b0 + 1)) ] \
  && [ $((r + s)) = "$total" ] && [ "$r" = 1302 ] && [ "$i" = "$quarters" ] && [ $((i + j)) = "$r" ] \
  && [ "$(q -c "SELECT string_agg(DISTINCT i.code, ',') FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE o.batch_id = (SELECT max(batch_id) FROM krimp.load_batch)")" = "t_price_q,t_sold_q" ]
check "two measures of 85792NED in one batch, each to its indicator: read $r of $total rows, inserted $i (the quarters), rejected $j" $?
echo "  rejected: $(reasons)"
[ "$(q -c "SELECT count(*) FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) AND reason NOT LIKE 'period % is a year, indicator % is measured per quarter'")" = 0 ]
check "every rejection of the batch is a yearly figure for a quarterly indicator" $?
ok=0
for spot in "t_price_q M001534 NL01 2020KW01 2020-Q1" "t_sold_q M001532_2 NL01 2020KW01 2020-Q1" "t_price_q M001534 GM0363 2024KW03 2024-Q3" "t_sold_q M001532_2 PV27 2025KW04 2025-Q4"; do
  set -- $spot
  same "$(fig "$1" "$3" "$5")" "$(R v4-value "$f" "$2" "$3" "$4")" || { ok=1; echo "  $spot: $(fig "$1" "$3" "$5")"; }
done
check "85792NED spot checks: both measures, NL01, GM0363 and PV27, as in the file" $ok

# ---- CSV with labels: names matched by name and year ----------------------------
f=$M/csv/81293ned.csv
run load -o BZK -m Leegstand_8=t_vacancy -m TotaleWoningvoorraad_1=t_stock -r "$tmp/rej.csv" "$f"
printf '%s\n' "$out" | sed 's/^/  /'
read -r r i v u j s <<<"$(counts)"
read -r fr1 fe1 fn1 <<<"$(R csv-count "$f" Leegstand_8)"
read -r fr2 fe2 fn2 <<<"$(R csv-count "$f" TotaleWoningvoorraad_1)"
[ $rc -eq 0 ] && [ $((r + s)) = $((fr1 + fr2)) ] && [ "$s" = $((fe1 + fe2 + fn1 + fn2)) ] \
  && grep -q "skipped $((fe1 + fe2)) empty fields" <<<"$out" && grep -q "skipped $((fn1 + fn2)) areas of a kind" <<<"$out" \
  && [ $((i + j)) = "$r" ]
check "81293ned (labels), two measures: read $r, inserted $i, rejected $j; skipped $((fe1 + fe2)) empty and $((fn1 + fn2)) (GA)/(SG) as the file has them" $?
echo "  rejected: $(reasons)"
validity_true && [ "$(q -c "SELECT count(*) FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) AND reason NOT LIKE '%outside the validity%'")" = 0 ]
check "every rejection of 81293ned is a region outside its validity (COROP and landsdelen begin in 2015 here); no name unmatched" $?
ok=0
for spot in "Bergen (NH.) GM0373 2010" "Bergen (L.) GM0893 2010" "Groningen (PV) PV20 2012" "Friesland (PV) PV21 2008" "Groningen GM0014 2009" "Nederland NL01 2011" "Hengelo GM0164 2010"; do
  label=${spot% * *}; rest=${spot#"$label "}; code=${rest% *}; year=${rest#* }
  same "$(fig t_vacancy "$code" "$year")" "$(R csv-value "$f" Leegstand_8 RegioS "$label" Perioden "$year")" \
    || { ok=1; echo "  $label $year: $(fig t_vacancy "$code" "$year") vs file $(R csv-value "$f" Leegstand_8 RegioS "$label" Perioden "$year")"; }
done
same "$(fig t_stock GM0373 2012)" "$(R csv-value "$f" TotaleWoningvoorraad_1 RegioS "Bergen (NH.)" Perioden 2012)" || ok=1
check "81293ned spot checks: Bergen (NH.) and (L.), Groningen (PV) and the municipality, Friesland = Fryslân, Nederland, Hengelo; both measures" $ok
run load -o BZK -m Leegstand_8=t_vacancy -m TotaleWoningvoorraad_1=t_stock -r "$tmp/rej.csv" "$f"
read -r r2 i2 v2 u2 j2 s2 <<<"$(counts)"
[ $rc -eq 0 ] && [ "$i2" = 0 ] && [ "$u2" = "$i" ] && [ "$j2" = "$j" ]
check "reloading 81293ned records nothing new (inserted 0, unchanged $u2)" $?

# codes as numbers with their kind in another column (Regiocode_12 504.0 + UniekeCode_13 GM)
f=$M/csv/71446ned.csv
run load -o BZK -i t_owned -m AantalEigenWoningen_2 -r "$tmp/rej.csv" "$f"
read -r r i v u j s <<<"$(counts)"
read -r fr fe fn <<<"$(R csv-count "$f" AantalEigenWoningen_2)"
[ $rc -eq 0 ] && [ $((r + s)) = "$fr" ] && [ "$s" = $((fe + fn)) ] && [ $((i + j)) = "$r" ] && validity_true \
  && [ "$(q -c "SELECT count(*) FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) AND reason NOT LIKE '%outside the validity%'")" = 0 ]
check "71446ned by its code columns: read $r, inserted $i, rejected $j (validity), skipped $s (empty, (GA))" $?
ok=0
for spot in "Dirksland GM0504 2006" "Oldebroek GM0269 2010" "Groningen (PV) PV20 2012" "Nederland NL01 2007"; do
  label=${spot% * *}; rest=${spot#"$label "}; code=${rest% *}; year=${rest#* }
  same "$(fig t_owned "$code" "$year")" "$(R csv-value "$f" AantalEigenWoningen_2 RegioS "$label" Perioden "$year")" || { ok=1; echo "  $spot: $(fig t_owned "$code" "$year")"; }
done
check "71446ned spot checks: Dirksland (504.0 GM), Oldebroek, Groningen (PV), Nederland" $ok

# fixed-width padded codes, no Perioden: the period from the command line
f=$M/csv/84721NED.csv
run load -o BZK -i t_inhabitants -m Inwonertal_52 -r "$tmp/rej.csv" "$f"
[ $rc -eq 3 ] && grep -q 'no period column "Perioden": give the period of every row with --period' <<<"$err"
check "84721NED without --period: exit 3, what to do" $?
run load -o BZK -i t_inhabitants -m Inwonertal_52 --period 2020 -r "$tmp/rej.csv" "$f"
read -r r i v u j s <<<"$(counts)"
[ $rc -eq 0 ] && [ "$r" = "$(R csv-count "$f" Inwonertal_52 | cut -d' ' -f1)" ] && [ "$i" = "$r" ] && [ "$j" = 0 ]
check "84721NED --period 2020, codes from the padded Code_1: read $r, inserted $i, rejected $j" $?
ok=0
for spot in "Aa en Hunze GM1680" "Bergen (NH.) GM0373" "Groningen (gemeente) GM0014"; do
  label=${spot% *}; code=${spot##* }
  same "$(fig t_inhabitants "$code" 2020)" "$(R csv-value "$f" Inwonertal_52 RegioS "$label")" || { ok=1; echo "  $spot: $(fig t_inhabitants "$code" 2020)"; }
done
check "84721NED spot checks: Aa en Hunze, Bergen (NH.), Groningen (gemeente) in 2020" $ok

# Kerncijfers wijken en buurten: no Perioden, codes in Codering_3 (NL00 for the country)
f=$M/csv/85984NED.csv
run load -o BZK -i t_inhabitants -m AantalInwoners_5 --period 2024 --filter SoortRegio_2=Gemeente -r "$tmp/rej.csv" "$f"
read -r r i v u j s <<<"$(counts)"
[ $rc -eq 0 ] && [ "$r" = "$(R csv-count "$f" AantalInwoners_5 SoortRegio_2=Gemeente | cut -d' ' -f1)" ] && [ "$i" = "$r" ] && [ "$j" = 0 ] \
  && [ $((r + s)) = 10000 ]
check "85984NED --period 2024 --filter SoortRegio_2=Gemeente: read $r municipalities, inserted $i, skipped $s (filter)" $?
run load -o BZK -i t_inhabitants -m AantalInwoners_5 --period 2024 --filter SoortRegio_2=Land -r "$tmp/rej.csv" "$f"
ok=0
for spot in "Aa en Hunze GM1680" "Almere GM0034" "Maasdriel GM0263" "Nederland NL01"; do
  label=${spot% *}; code=${spot##* }
  same "$(fig t_inhabitants "$code" 2024)" "$(R csv-value "$f" AantalInwoners_5 WijkenEnBuurten "$label")" || { ok=1; echo "  $spot: $(fig t_inhabitants "$code" 2024)"; }
done
check "85984NED spot checks: Aa en Hunze, Almere, Maasdriel and Nederland (NL00 as NL01) in 2024" $ok

# ---- the StatLine download: titles as headers, labels, "." ------------------------
f=$M/statline/70072ned_Regionale_kerncijfers_inkomen.csv
col='Inkomen en vermogen/Inkomen van particuliere huishoudens/Gemiddeld besteedbaar inkomen/Particuliere huishoudens excl. studenten (1 000 euro)'
run load -o BZK -i t_income -m "Particuliere huishoudens excl. studenten (1 000 euro)" -r "$tmp/rej.csv" "$f"
[ $rc -eq 3 ] && grep -q 'is ambiguous: 3 columns have that title' <<<"$err"
check "a StatLine title that three columns end with: exit 3, the columns listed" $?
R statline3 "$f" "$col" "$tmp/70072ned_income.csv"
run load -o BZK -i t_income -r "$tmp/rej.csv" "$tmp/70072ned_income.csv"
printf '%s\n' "$out" | sed 's/^/  /'
read -r r i v u j s <<<"$(counts)"
read -r fr fe fn <<<"$(R csv-count "$tmp/70072ned_income.csv" "$col")"
[ $rc -eq 0 ] && [ $((r + s)) = "$fr" ] && [ "$s" = "$fe" ] && [ $((i + j)) = "$r" ] && [ "$j" = 0 ]
check "the StatLine shape Perioden;Regio's;<title> with only --indicator and --org: read $r, inserted $i, rejected $j, skipped $s empty" $?
ok=0
for spot in "Aa en Hunze GM1680 2011" "Bergen (NH.) GM0373 2015" "Groningen (gemeente) GM0014 2020" "Hengelo (O.) GM0164 2018" "Utrecht (gemeente) GM0344 2023"; do
  label=${spot% * *}; rest=${spot#"$label "}; code=${rest% *}; year=${rest#* }
  same "$(fig t_income "$code" "$year")" "$(R csv-value "$f" "$col" "Regio's" "$label" Perioden "$year")" || { ok=1; echo "  $spot: $(fig t_income "$code" "$year") vs $(R csv-value "$f" "$col" "Regio's" "$label" Perioden "$year")"; }
done
check "70072ned spot checks (against the original download): Aa en Hunze, Bergen (NH.), Groningen, Hengelo (O.), Utrecht" $ok
n_unknown=$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 't_income' AND o.status = 'unknown'")
[ "$n_unknown" = "$(python3 -c "import csv,sys; r=csv.DictReader(open(sys.argv[1],encoding='utf-8-sig'),delimiter=';'); print(sum(1 for x in r if x[sys.argv[2]].strip()=='.'))" "$f" "$col")" ]
check "the download's \".\" figures are status unknown ($n_unknown), its empty fields no figure" $?
run load -o BZK -i t_income -m "Gemiddeld besteedbaar inkomen/Particuliere huishoudens excl. studenten (1 000 euro)" -r "$tmp/rej.csv" "$f"
read -r r2 i2 v2 u2 j2 s2 <<<"$(counts)"
[ $rc -eq 0 ] && [ "$i2" = 0 ] && [ "$u2" = "$i" ]
check "the whole download, the measure by the tail of its title: nothing new (unchanged $u2)" $?

# ---- a label file with an ambiguous and an unknown name --------------------------
run load -o BZK -i t_test -r "$tmp/labels.rejects.csv" "$root/test/cli/labels_ambiguous.csv"
printf '%s\n' "$out" | sed 's/^/  /'
[ $rc -eq 0 ] && grep -q 'read 7, inserted 4, revised 0, unchanged 0, rejected 3; skipped 1 areas of a kind' <<<"$out" \
  && grep -q 'rejected on the client: 3' <<<"$out"
check "test/cli/labels_ambiguous.csv: read 7, inserted 4, rejected 3 (names), skipped 1 ((SG)); the rest loads" $?
rej=$(cat "$tmp/labels.rejects.csv")
printf '%s\n' "$rej" | sed 's/^/  /'
grep -q '^2,Hengelo,2003,81000,,"ambiguous region name ""Hengelo"": 2 regions of that name in 2003; candidates: GM0164 ""Hengelo"" 2002-, GM0248 ""Hengelo"" 2002-2004' <<<"$rej" \
  && grep -q '^4,Bergen,2010,30000,,"unknown region name ""Bergen""; similar names: .*""Bergen (L.)"" (GM0893 2002-).*""Bergen (NH.)"" (GM0373 2002-)' <<<"$rej" \
  && grep -q '^5,Atlantis,2010,5,,"unknown region name ""Atlantis""; no similar name in the warehouse"' <<<"$rej" \
  && [ "$(wc -l <<<"$rej")" = 4 ]
check "the rejects: line 2 ambiguous Hengelo (2003) with both codes, line 4 unknown Bergen with both Bergens, line 5 Atlantis" $?
[ "$(q -c "SELECT string_agg(r.code || ' ' || o.period || ' ' || o.value, '; ' ORDER BY r.code, o.period) FROM krimp.observation o JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 't_test'")" \
  = "GM0164 2008 81000; GM0248 2003 8500; GM0373 2010 30100; PV20 2010 5800" ]
check "the names that match: Hengelo 2008 (one left), Hengelo (Gld.) 2003, Bergen (NH.), Groningen (PV)" $?
[ "$(q -c "SELECT rows_read || ' ' || rows_rejected FROM krimp.load_batch WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch)")" = "7 3" ]
check "the client's rejections are the batch's rejected rows (krimp.load_batch: read 7, rejected 3)" $?
run load -o BZK -i t_test -r "$tmp/labels.rejects.csv" "$root/test/cli/labels_ambiguous.csv"
[ $rc -eq 0 ] && grep -q 'read 7, inserted 0, revised 0, unchanged 4, rejected 3' <<<"$out"
check "reloading it: nothing new, the same 3 rejected" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
