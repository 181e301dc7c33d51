#!/usr/bin/env bash
# The real-data suite (issue 15): every table of the load manifest
# data/loads.tsv loaded with krimpctl load into a fresh database with the
# bundled regions, the catalogue (data/indicators.sql) and the 37230ned
# population.  For every file:
#   - the counts read, inserted, revised, unchanged, rejected and skipped, and
#     the rejections grouped by reason, equal the recorded
#     test/expected/realdata_counts.txt (which explains each);
#   - read + skipped is the file's figures as an independent reader counts
#     them (Python 3, stdlib only, reading the JSON or CSV itself), and read
#     is the figures that reader finds loadable;
#   - at least three figures compared with that reader;
#   - a reload records nothing new.
# Then the shares as rates (krimp.derive_rate), the forecasts (kind, producer,
# base year), and the two vintages of a figure and which one counts.
# Creates its own database and drops it at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
K=$root/cli/krimpctl
D=$root/data
db=krimp_realdata
export PGDATABASE=$db
tmp=$(mktemp -d)
chmod 755 "$tmp"
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT

# ---- the independent reader ---------------------------------------------------------
cat > "$tmp/reader.py" <<'PY'
import csv, json, sys
cmd, path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
def opts(a):
    """-m MEASURE=IND and --filter COL=VAL from a manifest line's arguments"""
    ms, fs = [], []
    for i, x in enumerate(a):
        if x == '-m':
            ms.append(a[i + 1].rsplit('=', 1)[0])
        elif x == '--filter':
            fs.append(a[i + 1].split('=', 1))
    return ms, fs
def csv_rows(p):
    with open(p, encoding='utf-8-sig', newline='') as f:
        return list(csv.DictReader(f, delimiter=';'))
def column(head, m):
    """a measure by its column name, or a StatLine title path's tail"""
    if m in head:
        return m
    c = [h for h in head if h == m or h.endswith('/' + m) or h.endswith('/' + m.split('/')[-1]) and h.endswith(m)]
    assert len(c) == 1, (m, c)
    return c[0]
def regcol(head):
    return [h for h in head if h in ('RegioS', "Regio's") or h.startswith('RegioS')][0]
def num(s):
    s = s.strip()
    return 'unknown' if s in ('.', '-', 'x') else s
if cmd == 'count':
    # "figures loadable": file figures of the measures (rows x measures for CSV, a row left out counted once; the
    # measures' rows for OData v4); loadable = what krimpctl reads (neither empty,
    # nor Impossible, nor of a kind without regions ((GA), (SG)), nor left out by a filter)
    ms, fs = opts(args)
    if path.endswith('.json'):
        v = json.load(open(path, encoding='utf-8-sig'))['value']
        print(len(v), sum(1 for r in v if r['Measure'] in ms and r['ValueAttribute'] != 'Impossible'
                          and all(str(r[k]).strip() == val for k, val in fs)))
    else:
        rs = csv_rows(path)
        head = list(rs[0].keys())
        rc = regcol(head)
        # (krimpctl counts a row left out by --filter once, not once per measure)
        passes = [r for r in rs if all(r[k].strip() == val for k, val in fs)]
        total = len(passes) * len(ms) + len(rs) - len(passes)
        ok = 0
        for m in ms:
            c = column(head, m)
            for r in rs:
                if any(r[k].strip() != val for k, val in fs):
                    continue
                if r[c].strip() == '' or r[rc].strip().endswith(('(GA)', '(SG)')):
                    continue
                ok += 1
        print(total, ok)
elif cmd == 'value':
    # MEASURE REGION PERIOD [COL=VAL]...: REGION a label (CSV) or a code (JSON)
    m, region, period = args[:3]
    fs = [a.split('=', 1) for a in args[3:]]
    if path.endswith('.json'):
        for r in json.load(open(path, encoding='utf-8-sig'))['value']:
            if r['Measure'] == m and r['RegioS'].strip() == region and r['Perioden'] == period:
                print(r['Value'] if r['Value'] is not None else r['ValueAttribute'])
    else:
        rs = csv_rows(path)
        head = list(rs[0].keys())
        c, rc = column(head, m), regcol(head)
        for r in rs:
            if r[rc].strip() == region and r['Perioden'].strip() == period and all(r[k].strip() == v for k, v in fs):
                print(num(r[c]))
elif cmd == 'pop37230':
    # REGION PERIOD: the bundled 37230ned population (OData v3 dump)
    d = json.load(open(path, encoding='utf-8-sig'))['value']
    for v in d.values():
        if v['RegioS'].strip() == args[0] and v['Perioden'] == args[1]:
            print(v['BevolkingAanHetBeginVanDePeriode_1'])
PY
R() { python3 "$tmp/reader.py" "$@"; }
same() { python3 -c "import sys; a, b = sys.argv[1:]; sys.exit(0 if a and b and abs(float(a) - float(b)) < 1e-9 * max(1, abs(float(b))) else 1)" "$1" "$2"; }
# a figure filed by a table: indicator region period source [kind] -> its newest vintage's value
fig() { q -c "SELECT coalesce(o.value::text, o.status) FROM krimp.observation o JOIN krimp.region r USING (region_id)
                JOIN krimp.indicator i USING (indicator_id)
               WHERE i.code = '$1' AND r.code = '$2' AND o.period::text = '$3' AND o.source = '$4'
                 AND o.kind = '${5:-realisation}' AND o.retracted_at IS NULL
               ORDER BY o.published_at DESC LIMIT 1"; }
# the figure that counts: krimp.figures_as_of(known_at)
counts_at() { q -c "SELECT coalesce(o.value::text, o.status) || ' ' || o.source FROM krimp.figures_as_of('$5') o
                      JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id)
                     WHERE i.code = '$1' AND r.code = '$2' AND o.period::text = '$3' AND o.kind = '$4'"; }
# the last batch's rejections, grouped by reason (codes and periods as X)
reasons() { q -c "SELECT string_agg(k || ': ' || n, '; ' ORDER BY k) FROM (SELECT regexp_replace(regexp_replace(reason,
                   '(region|period) [^ ]+', '\1 X', 'g'), '\"[^\"]*\"', '\"X\"', 'g') AS k, count(*) AS n
                   FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch) GROUP BY 1) s"; }
summary() { sed -n 's/^  read \([0-9]*\), inserted \([0-9]*\), revised \([0-9]*\), unchanged \([0-9]*\), rejected \([0-9]*\)\(; skipped \([0-9]*\).*\)\{0,1\}$/\1 \2 \3 \4 \5 \7/p' "$1" | head -n1; }

# ---- the database ---------------------------------------------------------------------
[ -x "$K" ] || make -s -C "$root" cli >/dev/null
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null \
  && bash scripts/load_regions.sh "$root" >/dev/null && q -f data/indicators.sql >/dev/null \
  && "$K" load -q -i population -o BZK -s 'CBS 37230ned' --published-at '2023-04-01 00:00+00' -r "$tmp/37230ned.rejects.csv" \
       "$D/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json" </dev/null
check "a fresh database: regions, the catalogue (18 indicators: $(q -c 'SELECT count(*) FROM krimp.indicator')), the 37230ned population" $?
# 37230ned's nulls are municipalities that did not exist that year (issue 17): with the bundled regions every one
# is skipped as a figure that cannot exist, none rejected; a reload records nothing, and --fail-on-reject passes.
# Expected: the file's figures and nulls as the reader counts them.
read -r n37 nulls37 <<<"$(python3 -c "import json, sys; d = json.load(open(sys.argv[1], encoding='utf-8-sig'))['value'].values(); v = [r['BevolkingAanHetBeginVanDePeriode_1'] for r in d]; print(sum(x is not None for x in v), sum(x is None for x in v))" "$D/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json")"
got=$(q -c "SELECT rows_read || ' ' || rows_inserted || ' ' || rows_rejected || ' ' || rows_skipped FROM krimp.load_batch WHERE source = 'CBS 37230ned' ORDER BY batch_id LIMIT 1")
echo "  37230ned: file $n37 figures, $nulls37 nulls; batch read inserted rejected skipped: $got"
[ "$got" = "$n37 $n37 0 $nulls37" ]
check "37230ned: its $n37 figures inserted, its $nulls37 nulls skipped (figures that cannot exist), none rejected" $?
"$K" load -i population -o BZK -s 'CBS 37230ned' --published-at '2023-04-01 00:00+00' --fail-on-reject -r "$tmp/37230ned.rejects.csv" \
  "$D/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json" >"$tmp/37230ned.out" 2>&1 </dev/null
rc=$?
sed -n 2p "$tmp/37230ned.out" | sed 's/^/  /'
[ $rc -eq 0 ] && [ "$(summary "$tmp/37230ned.out")" = "$n37 0 0 $n37 0 $nulls37" ] && [ "$(q -c "SELECT count(*) FROM krimp.rejected_row")" = 0 ]
check "37230ned loaded again with --fail-on-reject: exit 0, inserted 0, rejected 0, nothing recorded in krimp.rejected_row" $?

# ---- every manifest line --------------------------------------------------------------
: > "$tmp/counts.txt"
n=0
while IFS=$'\t' read -r -a a; do
  [[ ${#a[@]} -eq 0 || ${a[0]} == \#* ]] && continue
  n=$((n + 1))
  t=${a[0]} kind=${a[1]} pub=${a[2]} src=${a[3]} file=$D/${a[4]} args=("${a[@]:5}")
  # the period of a one-period load (--filter Perioden=P), for the counts' key
  p=$(printf '%s\n' "${args[@]}" | sed -n 's/^Perioden=//p'); p=${p%JJ00}; key="$t${p:+ $p}"
  "$K" load -o BZK -s "$src" --published-at "$pub" "${args[@]}" -r "$tmp/$t.rejects.csv" -- "$file" >"$tmp/$t.out" 2>&1 </dev/null
  rc=$?
  read -r r i v u j s <<<"$(summary "$tmp/$t.out")"
  s=${s:-0}
  printf '%s read %s inserted %s revised %s unchanged %s rejected %s skipped %s\n' "$key" "$r" "$i" "$v" "$u" "$j" "$s" >>"$tmp/counts.txt"
  printf '%s rejected: %s\n' "$key" "$(reasons)" >>"$tmp/counts.txt"
  read -r total loadable <<<"$(R count "$file" "${args[@]}")"
  [ $rc -eq 0 ] && [ $((r + s)) = "$total" ] && [ "$r" = "$loadable" ] && [ $((i + v + u + j)) = "$r" ]
  check "$key ($kind): read $r + skipped $s = the file's $total figures, read = the $loadable the reader finds loadable; inserted $i, revised $v, unchanged $u, rejected $j" $?
  [ "$(q -c "SELECT count(*) FROM krimp.rejected_row WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch)")" = "$j" ] \
    && [ "$(q -c "SELECT rows_read || ' ' || rows_rejected FROM krimp.load_batch WHERE batch_id = (SELECT max(batch_id) FROM krimp.load_batch)")" = "$r $j" ]
  check "$key: krimp.load_batch and krimp.rejected_row hold the same counts ($r read, $j rejected with their reasons)" $?
done < "$D/loads.tsv"
check "the manifest has 88 loads of 10 tables ($n)" $([ "$n" = 88 ]; echo $?)
sed 's/^/  /' "$tmp/counts.txt"
# (REALDATA_COUNTS_OUT=FILE keeps the counts measured, to record them after reading them)
[ -n "${REALDATA_COUNTS_OUT:-}" ] && cp "$tmp/counts.txt" "$REALDATA_COUNTS_OUT"
grep -v '^#' test/expected/realdata_counts.txt | diff - "$tmp/counts.txt" >"$tmp/counts.diff"
rc=$?
sed 's/^/  /' "$tmp/counts.diff"
check "the counts and rejection reasons of every file equal test/expected/realdata_counts.txt" $rc
# every rejection has a reason that the expected file explains
[ "$(q -c "SELECT count(*) FROM krimp.rejected_row WHERE reason IS NULL OR reason = ''")" = 0 ]
check "every rejected row has its reason" $?
[ "$(q -c "SELECT count(*) FROM krimp.rejected_row r WHERE r.reason LIKE '%outside the validity%'
             AND krimp.region_at(r.row_data->>'region', (r.row_data->>'period')::krimp.period) IS NOT NULL")" = 0 ]
check "every 'outside the validity' rejection is true: krimp.region_at finds no version of the code for the period" $?
[ "$(q -c "SELECT count(*) FROM krimp.rejected_row r WHERE r.reason LIKE '%has no version on 1 January%'
             AND EXISTS (SELECT FROM krimp.region g WHERE g.code = krimp.normalise_region_code(r.row_data->>'region')
                          AND g.valid_from <= make_date((r.row_data->>'forecast_base_year')::integer, 1, 1)
                          AND (g.valid_to IS NULL OR g.valid_to > make_date((r.row_data->>'forecast_base_year')::integer, 1, 1)))")" = 0 ]
check "every 'has no version on 1 January' rejection of a forecast is true: no version of the code holds on 1 January of its base year" $?
out=$(q -F ' ' -c "SELECT count(*), count(DISTINCT krimp.normalise_region_code(r.row_data->>'region')),
                          count(*) FILTER (WHERE krimp.normalise_region_code(r.row_data->>'region') !~ '^(CR|LD)')
                     FROM krimp.rejected_row r WHERE r.reason LIKE '%has no version on 1 January%'")
echo "  forecast rows of a code without a version on 1 January 2007 (rows, codes, not CR/LD): $out"
[ "$out" = "2376 44 0" ]
check "the forecasts' rejected rows are those of the 40 COROP areas and 4 landsdelen, whose versions begin in 2015 (2376 = 44 x 18 years x 3 measures)" $?

# ---- spot checks against the files (at least three per file) -------------------------
# table file measure region-in-file code period indicator [kind] [COL=VAL...]
spots=$(cat <<'EOF'
80860ned csv/80860ned.csv k_65JaarEnOuder_9 Delfzijl GM0010 2005 population_65plus
80860ned csv/80860ned.csv k_0Tot15Jaar_5 Nederland NL01 2003 population_0_15
80860ned csv/80860ned.csv k_15Tot25Jaar_6 Vaals GM0981 2009 population_15_25
81293ned csv/81293ned.csv Leegstand_8 Delfzijl GM0010 2010 vacancy_rate
81293ned csv/81293ned.csv Leegstand_4 Kerkrade GM0928 2008 vacant_dwellings
81293ned csv/81293ned.csv TotaleWoningvoorraad_1 Groningen_(PV) PV20 2011 housing_stock
82550NED csv/82550NED.csv BeginstandWoningvoorraad_1 Eemsdelta GM1979 2022 housing_stock realisation Woningtype=Totaal Bouwjaarklasse=Totaal
82550NED csv/82550NED.csv BeginstandWoningvoorraad_1 Nederland NL01 2012 housing_stock realisation Woningtype=Totaal Bouwjaarklasse=Totaal
82550NED csv/82550NED.csv BeginstandWoningvoorraad_1 Vaals GM0981 2025 housing_stock realisation Woningtype=Totaal Bouwjaarklasse=Totaal
83625NED odata4/83625NED/observations-page-1.json M001534 GM1979 GM1979 2021JJ00 sale_price
83625NED odata4/83625NED/observations-page-1.json M001534 NL01 NL01 2025JJ00 sale_price
83625NED odata4/83625NED/observations-page-1.json M001534 GM0981 GM0981 2016JJ00 sale_price
85036NED csv/85036NED.csv GemiddeldeWOZWaardeVanWoningen_1 Zwolle GM0193 2024 woz_value realisation Eigendom=Totaal
85036NED csv/85036NED.csv GemiddeldeWOZWaardeVanWoningen_1 Eemsdelta GM1979 2021 woz_value realisation Eigendom=Totaal
85036NED csv/85036NED.csv GemiddeldeWOZWaardeVanWoningen_1 Groningen_(PV) PV20 2019 woz_value realisation Eigendom=Totaal
80305ned csv/80305ned.csv AfstandTotHuisartsenpraktijk_1 Delfzijl GM0010 2015 distance_gp
80305ned csv/80305ned.csv AfstandTotGroteSupermarkt_20 Vaals GM0981 2020 distance_supermarket
80305ned csv/80305ned.csv AfstandTotSchool_56 Eemsdelta GM1979 2022 distance_school
80305ned csv/80305ned.csv AfstandTotTreinstationsTotaal_101 Nederland NL01 2023 distance_station
80305ned csv/80305ned.csv AfstandTotSchool_56 Zwijndrecht GM0642 2015 distance_school
70072ned statline/70072ned_Regionale_kerncijfers_inkomen.csv Inkomen_en_vermogen/Particuliere_huishoudens_excl._studenten_(x_1_000) Delfzijl GM0010 2015 households
70072ned statline/70072ned_Regionale_kerncijfers_inkomen.csv Gemiddeld_besteedbaar_inkomen/Particuliere_huishoudens_excl._studenten_(1_000_euro) Eemsdelta GM1979 2022 disposable_income
70072ned statline/70072ned_Regionale_kerncijfers_inkomen.csv Gemiddeld_besteedbaar_inkomen/Particuliere_huishoudens_excl._studenten_(1_000_euro) Vaals GM0981 2018 disposable_income
03759ned odata4/03759ned/observations-page-1.json M000352 NL01 NL01 2020JJ00 population
03759ned odata4/03759ned/observations-page-1.json M000352 PV20 PV20 2024JJ00 population
03759ned odata4/03759ned/observations-page-1.json M000352 GM1979 GM1979 2023JJ00 population
71547ned csv/71547ned.csv TotaleBevolking_1 Delfzijl GM0010 2020 population forecast
71547ned csv/71547ned.csv k_65JaarOfOuder_4 Vaals GM0981 2025 population_65plus forecast
71547ned csv/71547ned.csv TotaleBevolking_1 Nederland NL01 2008 population forecast
71549ned csv/71549ned.csv Huishoudens_1 Delfzijl GM0010 2015 households forecast
71549ned csv/71549ned.csv Huishoudens_1 Groningen_(PV) PV20 2025 households forecast
71549ned csv/71549ned.csv Huishoudens_1 Kerkrade GM0928 2010 households forecast
EOF
)
declare -A per
ok=0
while read -r t f m label code period ind kind rest; do
  # a StatLine title is written with _ for its blanks
  [ "$t" = 70072ned ] && m=${m//_/ }
  src=$(grep -P "^$t\t" "$D/loads.tsv" | head -1 | cut -f4)
  want=$(R value "$D/cbs-more/$f" "$m" "${label//_/ }" "$period" $rest)
  got=$(fig "$ind" "$code" "${period%JJ00}" "$src" "${kind:-realisation}")
  if same "$got" "$want"; then per[$t]=$((${per[$t]:-0} + 1)); else ok=1; echo "  $t $ind $code $period: warehouse '$got', file '$want'"; fi
done <<<"$spots"
for t in 80860ned 81293ned 82550NED 83625NED 85036NED 80305ned 70072ned 03759ned 71547ned 71549ned; do
  [ "${per[$t]:-0}" -ge 3 ] || ok=1
done
check "spot checks: $(for t in "${!per[@]}"; do printf '%s %s, ' "$t" "${per[$t]}"; done | sort)every figure as in the file (independent reader), at least 3 per file" $ok
[ -z "$(fig distance_school GM0642 2016 'CBS 80305ned')" ] && [ -z "$(fig distance_school GM0193 2015 'CBS 80305ned')" ]
check "80305ned's truncation: Zwijndrecht has no figure after 2015, Zwolle none at all (the file has none)" $?

# ---- reload: nothing new ----------------------------------------------------------------
ok=0
while IFS=$'\t' read -r -a a; do
  [[ ${#a[@]} -eq 0 || ${a[0]} == \#* ]] && continue
  "$K" load -o BZK -s "${a[3]}" --published-at "${a[2]}" "${a[@]:5}" -r "$tmp/re.rejects.csv" -- "$D/${a[4]}" >"$tmp/re.out" 2>&1 </dev/null || ok=1
  read -r r i v u j s <<<"$(summary "$tmp/re.out")"
  [ "$i" = 0 ] && [ "$v" = 0 ] || { ok=1; echo "  reload of ${a[0]}: inserted $i, revised $v"; }
done < "$D/loads.tsv"
check "reloading every manifest line records nothing new (inserted 0, revised 0 each)" $ok

# ---- the shares as rates --------------------------------------------------------------
out=$(q -F ' ' -c "SELECT x.rate, coalesce(sum(d.figures), 0) FROM (VALUES ('share_0_15', 'population_0_15'),
        ('share_15_25', 'population_15_25'), ('share_65plus', 'population_65plus')) x(rate, numerator)
        LEFT JOIN LATERAL krimp.derive_rate(x.rate, x.numerator) d ON true GROUP BY 1 ORDER BY 1")
printf '%s\n' "$out" | sed 's/^/  /'
[ "$(awk '{print $2}' <<<"$out" | sort -u)" = 3452 ]
check "krimp.derive_rate files 3452 figures per share (80860ned's municipal bands 2002-2009 with a 37230ned population)" $?
again=$(q -c "SELECT count(*) FROM krimp.derive_rate('share_65plus', 'population_65plus')")
check "a second krimp.derive_rate files nothing (batches: $again)" $([ "$again" = 0 ]; echo $?)
ok=0
for spot in "Delfzijl GM0010 2005" "Vaals GM0981 2008" "Kerkrade GM0928 2002"; do
  set -- $spot
  band=$(R value "$D/cbs-more/csv/80860ned.csv" k_65JaarEnOuder_9 "$1" "$3")
  pop=$(R pop37230 "$D/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json" "$2" "${3}JJ00")
  total=$(R value "$D/cbs-more/csv/80860ned.csv" TotaleBevolking_2 "$1" "$3")
  got=$(q -c "SELECT o.value FROM krimp.figures_as_of('infinity') o JOIN krimp.region r USING (region_id)
               JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'share_65plus' AND r.code = '$2' AND o.period::text = '$3'")
  want=$(python3 -c "import sys; print(100 * float(sys.argv[1]) / float(sys.argv[2]))" "$band" "$pop")
  file_share=$(python3 -c "import sys; print(100 * float(sys.argv[1]) / float(sys.argv[2]))" "$band" "$total")
  echo "  $1 $3: 65+ $band of $pop = $got % (over the file's own total $total: $file_share %)"
  same "$got" "$want" && python3 -c "import sys; sys.exit(0 if abs(float(sys.argv[1]) - float(sys.argv[2])) < 0.1 else 1)" "$got" "$file_share" || ok=1
done
check "share_65plus = 100 x the 65+ band / the population (Delfzijl 2005, Vaals 2008, Kerkrade 2002), within 0.1 point of the band over 80860ned's own rounded total" $ok
[ "$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id)
           WHERE i.code LIKE 'share%' AND o.source NOT LIKE 'derived from population_% (CBS 80860ned) over population (CBS 37230ned)'")" = 0 ]
check "every share's source says what it is derived from: 'derived from population_65plus (CBS 80860ned) over population (CBS 37230ned)'" $?

# ---- forecasts ---------------------------------------------------------------------------
out=$(q -F ' ' -c "SELECT i.code, o.source, o.forecast_producer, o.forecast_base_year, count(*) FROM krimp.observation o
                    JOIN krimp.indicator i USING (indicator_id) WHERE o.kind = 'forecast' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2")
printf '%s\n' "$out" | sed 's/^/  /'
[ "$(wc -l <<<"$out")" = 3 ] && ! grep -qv ' CBS 2007 ' <<<"$out"
check "the forecasts are kind forecast, producer CBS, base year 2007: population, population_65plus (71547ned), households (71549ned)" $?
a=$(counts_at population GM0010 2015 realisation infinity) b=$(counts_at population GM0010 2015 forecast infinity)
echo "  GM0010 2015: realisation $a; forecast $b"
[ "${a%% *}" = "$(R pop37230 "$D/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json" GM0010 2015JJ00)" ] \
  && [ "${b%% *}" = "$(R value "$D/cbs-more/csv/71547ned.csv" TotaleBevolking_1 Delfzijl 2015)" ]
check "a forecast and the realisation of the same figure stand side by side (Delfzijl 2015: 37230ned and 71547ned)" $?
c=$(counts_at population GM0010 2021 forecast infinity)
v=$(q -c "SELECT r.valid_from || ' ' || r.valid_to FROM krimp.observation o JOIN krimp.region r USING (region_id)
            JOIN krimp.indicator i USING (indicator_id)
           WHERE i.code = 'population' AND r.code = 'GM0010' AND o.period::text = '2021' AND o.kind = 'forecast'")
echo "  GM0010 2021 forecast: $c, on the version $v"
[ "${c%% *}" = "$(R value "$D/cbs-more/csv/71547ned.csv" TotaleBevolking_1 Delfzijl 2021)" ] && [ "$v" = "2002-01-01 2021-01-01" ]
check "Delfzijl's forecast for 2021, after its merger into Eemsdelta, is filed on the Delfzijl of the base year 2007 (valid 2002-2021)" $?

"$K" load -o BZK --kind forecast --producer CBS -m Huishoudens_1=households "$D/cbs-more/csv/71549ned.csv" >"$tmp/o" 2>&1 </dev/null
r1=$?
"$K" load -o BZK --producer CBS --base-year 2007 -m Huishoudens_1=households "$D/cbs-more/csv/71549ned.csv" >"$tmp/o2" 2>&1 </dev/null
r2=$?
[ $r1 = 1 ] && grep -q 'a forecast needs its producer and base year' "$tmp/o" && [ $r2 = 1 ] && grep -q 'are for a forecast: give --kind forecast' "$tmp/o2"
check "a forecast without its base year, or a producer without --kind forecast: exit 1 before anything is read" $?

# ---- vintages: which figure counts ------------------------------------------------------
# 03759ned and 37230ned give the same figure for every municipality 2019-2022: 37230ned is loaded here as one file
# with the vintage 2023-04-01, 03759ned one period at a time with the vintages 2019-04-02 ... 2022-04-02, earlier:
# both vintages are kept, each with its source, and the latest published by the moment asked counts.
ok=0
for y in 2019 2020; do
  a=$(R pop37230 "$D/cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json" GM0010 ${y}JJ00)
  b=$(R value "$D/cbs-more/odata4/03759ned/observations-page-1.json" M000352 GM0010 ${y}JJ00)
  then=$(counts_at population GM0010 $y realisation '2022-01-01') now=$(counts_at population GM0010 $y realisation infinity)
  echo "  GM0010 $y: 37230ned $a (2023-04-01), 03759ned $b ($y-04-02); as known at 2022-01-01: $then; now: $now"
  same "$a" "$b" && [ "$then" = "$b CBS 03759ned" ] && [ "$now" = "$a CBS 37230ned" ] \
    && [ "$(q -c "SELECT string_agg(o.source || ' ' || to_char(o.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ', ' ORDER BY o.published_at)
                  FROM krimp.observation o JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id)
                  WHERE i.code = 'population' AND r.code = 'GM0010' AND o.period::text = '$y' AND o.kind = 'realisation'")" \
       = "CBS 03759ned $y-04-02, CBS 37230ned 2023-04-01" ] || ok=1
done
check "population GM0010 2019-2020: two vintages (03759ned, 37230ned) with their sources; as known at 2022 the 03759ned one counts, now the later 37230ned one" $ok
# where two tables differ, both vintages are kept and the later published one counts from its date on
a=$(R value "$D/cbs-more/csv/81293ned.csv" TotaleWoningvoorraad_1 Delfzijl 2012)
b=$(R value "$D/cbs-more/csv/82550NED.csv" BeginstandWoningvoorraad_1 Delfzijl 2012 Woningtype=Totaal Bouwjaarklasse=Totaal)
before=$(counts_at housing_stock GM0010 2012 realisation '2012-07-10') after=$(counts_at housing_stock GM0010 2012 realisation infinity)
echo "  housing stock GM0010 2012: 81293ned $a (2012-07-01), 82550NED $b (2012-07-15); as known at 2012-07-10: $before; now: $after"
same "${before%% *}" "$a" && [ "${before#* }" = "CBS 81293ned" ] && same "${after%% *}" "$b" && [ "${after#* }" = "CBS 82550NED" ] \
  && [ "$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id)
               WHERE i.code = 'housing_stock' AND r.code = 'GM0010' AND o.period::text = '2012'")" = 2 ]
check "two vintages of housing stock GM0010 2012 (81293ned, 82550NED) are both kept; as known at 2012-07-10 the first counts, now the second" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
