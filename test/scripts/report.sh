#!/usr/bin/env bash
# krimpctl evaluate, report and demo against the cluster in PGHOST/PGPORT:
# the main job (krimpctl demo) on the bundled data in a database of its own
# and its second run reusing everything; evaluate's formats, notice and exit
# codes; the HTML report checked as text (one document, charts and map as
# SVG with path data, escaped text, no external resource, "Bron: CBS") and
# rendered in headless Chromium (the SVG elements survive parsing; the
# screenshot is not blank and shows the traffic-light colours).
# Creates its own database and drops it at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
K=$root/cli/krimpctl
db=krimp_report_test
export PGDATABASE=$db
tmp=$(mktemp -d)
chmod 755 "$tmp"
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
run() { "$K" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err"); }
cleanup() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT

[ -x "$K" ] || make -s -C "$root" cli >/dev/null
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null
check "created the database $db with the extension" $?
bash scripts/load_regions.sh "$root" >/dev/null
check "loaded the bundled regions (scripts/load_regions.sh)" $?

# ---- help and usage errors -------------------------------------------------
run --help
[ $rc -eq 0 ] && grep -q '^  evaluate ' <<<"$out" && grep -q '^  report ' <<<"$out" && grep -q '^  demo ' <<<"$out"
check "krimpctl --help lists evaluate, report and demo" $?
run evaluate --help
[ $rc -eq 0 ] && grep -q -- '--recompute' <<<"$out" && grep -q -- '--reason=TEXT' <<<"$out" && grep -q -- '--format=FORMAT' <<<"$out" \
  && grep -q 'Exit status' <<<"$out"
check "krimpctl evaluate --help" $?
run report --help
[ $rc -eq 0 ] && grep -q -- '--output=FILE' <<<"$out" && grep -q -- '--round=YEAR' <<<"$out" && grep -q -- '--limit=N' <<<"$out"
check "krimpctl report --help" $?
run demo --help
[ $rc -eq 0 ] && grep -q -- '--data=DIR' <<<"$out" && grep -q -- '--report=FILE' <<<"$out"
check "krimpctl demo --help" $?
run evaluate
[ $rc -eq 1 ] && grep -q 'no round year given' <<<"$err"
check "evaluate without a year: exit 1" $?
run evaluate twenty
[ $rc -eq 1 ] && grep -q 'must be a year' <<<"$err"
check "evaluate with a bad year: exit 1" $?
run evaluate 2020 --recompute
[ $rc -eq 1 ] && grep -q -- '--recompute needs --reason' <<<"$err"
check "evaluate --recompute without a reason: exit 1" $?
run report --limit many
[ $rc -eq 1 ] && grep -q -- '--limit must be a number' <<<"$err"
check "report --limit with a bad number: exit 1" $?
run demo --data "$tmp/nowhere"
[ $rc -eq 3 ] && grep -q 'bundled population file' <<<"$err"
check "demo with a data directory without the population file: exit 3" $?

# ---- theme data beside the population (issue 15) ----------------------------------
# The demo loads the catalogue and every theme's tables itself (data/indicators.sql, data/loads.tsv,
# each period with its vintage); the catalogue loads on its own as well, and a second time adds nothing.
q -f data/indicators.sql >/dev/null && q -f data/indicators.sql >/dev/null
r=$?; check "the indicator catalogue data/indicators.sql, twice: $(q -c "SELECT count(*) FROM krimp.indicator") indicators" $r

# ---- the main job ------------------------------------------------------------
t0=$(date +%s.%N)
run demo --data "$root/data" --report "$tmp/demo.html"
t1=$(date +%s.%N)
printf '%s\n' "$out" > "$tmp/demo1.out"
[ $rc -eq 0 ] && grep -q '2002: batch [0-9]*, read 496, inserted 496, rejected 0, skipped 60' <<<"$out" \
  && grep -q '21 national figure(s) added' <<<"$out" && grep -q 'Eemsdelta (GM1979), 2023 layout  2002:{52510,' <<<"$out" \
  && grep -q 'Round 2020: [0-9]* target(s)' <<<"$out" && grep -q 'Bevolking op 1 januari Zeeuws-Vlaanderen -3%' <<<"$out" \
  && grep -q 'The most notable recent tipping points' <<<"$out" && grep -q 'psql "host=' <<<"$out" && [ -s "$tmp/demo.html" ]
r=$?; check "krimpctl demo: loads (21 yearly vintages), NL01, harmonised, nightly, targets, rounds, report ($(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s)" $r
[ "$(q -c "SELECT count(*), count(DISTINCT batch_id) FROM krimp.observation o JOIN krimp.region r USING (region_id) WHERE r.level = 'municipality' AND o.source = 'CBS 37230ned'")" = "8753|21" ] \
  && [ "$(q -c "SELECT krimp.value_at(krimp.region_series('population', 'NL01'), '2002')")" = "16105285" ] \
  && [ ! -e "$tmp/rejects/population-2002.rejects.csv" ] \
  && [ "$(q -c "SELECT sum(rows_skipped) || ' ' || sum(rows_rejected) FROM krimp.load_batch WHERE source = 'CBS 37230ned'")" = "2923 0" ]
check "demo: 8753 municipal figures in 21 batches, NL01 2002 = 16105285, the 2923 CBS nulls skipped, none rejected (no rejects file)" $?
# the round as the docs work it out: Zeeuws-Vlaanderen -3% green (2020: path 104,725, realised 105,192)
[ "$(q -c "SELECT light || ' ' || latest_value FROM krimp.round_result WHERE round_year = 2020 AND region_code = 'KR-ZVLAANDEREN' AND indicator_code = 'population'")" = "green 105192" ] \
  && [ "$(q -c "SELECT light FROM krimp.round_result WHERE round_year = 2020 AND region_code = 'KR-PARKSTAD' AND indicator_code = 'population'")" = "red" ]
check "demo: round 2020 lights as in docs/targets.md (Zeeuws-Vlaanderen green at 105192, Parkstad red)" $?
# the Demo covenant on the subjects whose figures were known at signing: every decline region (11)
# on population, vacancy_rate and distance_gp; share_65plus too where the demo's theme step has
# derived it, else the demo says why there is none.  The baselines: the newest year up to 2014
# known at the end of 2014-06-30 (population 2014 from its 1 April vintage, vacancy 2012, distance
# 2013, dated 2014-07-01 00:00 UTC, the moment the baseline is read at).
subjects=$(q -F ' ' -c "SELECT i.code, count(*), min(t.baseline_period::text), count(DISTINCT i.theme) FROM krimp.target t JOIN krimp.agreement a USING (agreement_id) JOIN krimp.indicator i USING (indicator_id) WHERE a.code = 'DEMO-2014' GROUP BY i.code ORDER BY i.code" | tr '\n' ';')
themes_n=$(q -c "SELECT count(DISTINCT i.theme) FROM krimp.target t JOIN krimp.agreement a USING (agreement_id) JOIN krimp.indicator i USING (indicator_id) WHERE a.code = 'DEMO-2014'")
share=$(q -c "SELECT count(*) FROM krimp.observation o JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'share_65plus'")
grep -q 'population 11 2014' <<<"$subjects" && grep -q 'vacancy_rate 11 2012' <<<"$subjects" && grep -q 'distance_gp 11 2013' <<<"$subjects" \
  && [ "$themes_n" -ge 3 ] \
  && { if [ "$share" -gt 0 ]; then grep -q 'share_65plus 11 ' <<<"$subjects"; else grep -q 'share_65plus .*no target: no figures are loaded' <<<"$out"; fi; } \
  && grep -q 'Afstand tot huisartsenpraktijk Parkstad Limburg at most +5%' <<<"$out"
r=$?; check "demo: targets on $(wc -w <<<"${subjects//;/ }" | awk '{print int($1/4)}') subjects over $themes_n themes ($subjects), share_65plus figures: $share" $r
# the rounds 2015, 2020 and 2025, each printed in one line per theme and indicator, and stored
rounds=$(q -F ' ' -c "SELECT round_year, count(*), count(DISTINCT indicator_code) FROM krimp.round_result WHERE latest AND agreement_code = 'DEMO-2014' GROUP BY round_year ORDER BY 1" | tr '\n' ';')
for y in 2015 2020 2025; do
  awk -v y="$y" '$0 ~ "Round " y ":" {on = 1; next} on && /^   Round |^==/ {on = 0} on' "$tmp/demo1.out" > "$tmp/round$y.out"
  grep -Eq '^   demography +population +11 ' "$tmp/round$y.out" && grep -Eq '^   housing +vacancy_rate +11 +0 +0 +0 +11 +2012' "$tmp/round$y.out" \
    && grep -Eq '^   facilities +distance_gp +11 ' "$tmp/round$y.out"
  r=$?; check "demo: round $y printed per theme with its lights ($(grep -E '^   (demography|housing|facilities)' "$tmp/round$y.out" | awk '{printf "%s %s g%s o%s r%s grey%s; ", $1, $2, $4, $5, $6, $7}'))" $r
done
grep -q '^2015 [0-9]* [34];2020 [0-9]* [34];2025 [0-9]* [34];$' <<<"$rounds"
check "demo: the rounds 2015, 2020 and 2025 stored for the covenant ($rounds)" $?
# the notable tipping points per theme, each line labelled with its indicator, no line twice
awk '/^== 8\./ {on = 1; next} /^== 9\./ {on = 0} on' "$tmp/demo1.out" > "$tmp/notable.out"
grep -Eq '^   demography +Bevolking op 1 januari: ' "$tmp/notable.out" && grep -Eq '^   facilities +Afstand tot huisartsenpraktijk: ' "$tmp/notable.out" \
  && [ "$(grep -E '^   [a-z]' "$tmp/notable.out" | grep -v 'theme ' | sort | uniq -d | wc -l)" -eq 0 ] \
  && ! grep -E '^   facilities .*persons' "$tmp/notable.out" >/dev/null
r=$?; check "demo: tipping points per theme, labelled with their indicator and unit, none twice ($(grep -cE '^   (demography|housing|facilities) ' "$tmp/notable.out") lines)" $r
# (the theme step loads every manifest line again: each reload is a batch of its own that files nothing)
# (CBS's nulls for municipalities that did not exist are skipped, not rejected: nothing is recorded again, issue 17)
counts="SELECT (SELECT count(*) FROM krimp.target) || ' ' || (SELECT count(*) FROM krimp.revaluation_round) || ' ' || (SELECT count(*) FROM krimp.observation)"
before=$(q -c "$counts")
last_batch=$(q -c "SELECT max(batch_id) FROM krimp.load_batch")
t0=$(date +%s.%N)
run demo --data "$root/data" --report "$tmp/demo.html"
t1=$(date +%s.%N)
after=$(q -c "$counts")
reloads=$(q -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE rows_inserted = 0 AND rows_revised = 0) FROM krimp.load_batch WHERE batch_id > $last_batch")
echo "   targets rounds figures: before $before, after $after; reloads (batches, of which filing nothing): $reloads"
[ $rc -eq 0 ] && [ "$before" = "$after" ] && [ "${reloads% *}" = "${reloads#* }" ] && grep -q 'loaded already' <<<"$out" && grep -q '0 national figure(s) added' <<<"$out" \
  && grep -q 'round 2020 exists; nothing changed' <<<"$err" && [ -s "$tmp/demo.html" ]
r=$?; check "krimpctl demo again reuses everything: no target, round or figure added, every reload files nothing ($(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s)" $r

# ---- evaluate ------------------------------------------------------------------
# a target of one municipality with a recent tipping point, named to test escaping
# (of the population: the demo loads every theme, and the target is a population target)
region=$(q -c "SELECT f.region_id FROM krimp.tipping_point_flag f JOIN krimp.region r USING (region_id) JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'population' AND f.recent AND f.status <> 'withdrawn' AND r.valid_to IS NULL ORDER BY f.score DESC LIMIT 1")
q >/dev/null <<SQL
INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code)
VALUES ('TEST-<&>', 'Test <covenant> & "co"', 'programme', ARRAY['BZK'], '2016-06-30', '2017-01-01', 'BZK');
INSERT INTO krimp.target (agreement_id, name, indicator_id, region_id, baseline_period, horizon_period, horizon_value,
                          path, actiehouder, org_code)
SELECT a.agreement_id, 'Groei <b>& "meer"</b>', i.indicator_id, $region, '2016', '2030',
       1.05 * krimp.value_at(krimp.region_series('population', $region::bigint), '2016'), 'growth', 'Gemeente', 'BZK'
  FROM krimp.agreement a, krimp.indicator i WHERE a.code = 'TEST-<&>' AND i.code = 'population';
SQL
check "a region target for the municipality with the highest recent tipping point (region $region)" $?
run evaluate 2020
[ $rc -eq 0 ] && grep -q 'round 2020 exists; nothing changed' <<<"$err" && grep -q -- '--recompute' <<<"$err" \
  && grep -q '(stored earlier)' <<<"$out" && grep -q '^KR-PARKSTAD ' <<<"$out"
check "evaluate 2020 again: the notice, exit 0, the stored scorecard" $?
run evaluate 2021
[ $rc -eq 5 ] && grep -q '2021 is not a revaluation round' <<<"$err" && grep -q 'nearest round is 2020' <<<"$err"
check "evaluate 2021: exit 5 with the server's message and hint" $?
run evaluate --recompute --reason 'a new test target' -F json 2020
printf '%s' "$out" > "$tmp/eval.json"
# what the recomputation must hold: every target of the covenant and the test target (in force on
# 2020-12-31), one scorecard row per region and theme
ntargets=$(q -c "SELECT count(*) FROM krimp.target WHERE valid_from <= '2020-12-31'")
nrows=$(q -c "SELECT count(*) FROM (SELECT DISTINCT coalesce(t.group_code, r.code), i.theme FROM krimp.target t JOIN krimp.indicator i USING (indicator_id) LEFT JOIN krimp.region r USING (region_id)) x")
[ $rc -eq 0 ] && python3 - "$tmp/eval.json" "$ntargets" "$nrows" <<'PY2'
import json, sys
d = json.load(open(sys.argv[1])); ntargets, nrows = int(sys.argv[2]), int(sys.argv[3])
assert d['round_year'] == 2020 and d['recomputation'] == 1 and d['targets'] == ntargets, (d['targets'], ntargets)
assert d['computed_now'] is True and d['reason'] == 'a new test target'
rows = {(r['region_code'], r['theme']): r for r in d['scorecard']}
assert rows[('KR-PARKSTAD', 'demography')]['red'] >= 1 and rows[('KR-ZVLAANDEREN', 'demography')]['green'] >= 1, rows
assert rows[('KR-ZVLAANDEREN', 'housing')]['grey'] == 1 and rows[('KR-ZVLAANDEREN', 'facilities')]['targets'] == 1, rows
assert len(d['scorecard']) == nrows, (len(d['scorecard']), nrows)
PY2
check "evaluate --recompute --reason -F json: recomputation 1 with $ntargets targets, the scorecard as JSON ($nrows rows of region and theme)" $?
run evaluate 2020 --format=csv
[ $rc -eq 0 ] && [ "$(head -n1 <<<"$out")" = "round_year,recomputation,region_code,region_name,theme,targets,green,orange,red,grey,worst_items" ] \
  && [ "$(wc -l <<<"$out")" -eq $((nrows + 1)) ] && grep -q '^2020,1,KR-PARKSTAD,Parkstad Limburg,demography,[12],0,0,1,' <<<"$out"
check "evaluate -F csv: header and $nrows rows of recomputation 1" $?
run -d "dbname=$db user=nosuchuser" evaluate 2020
[ $rc -eq 2 ] && grep -q 'nosuchuser' <<<"$err"
check "evaluate with a user that does not exist: exit 2" $?

# ---- report: the HTML as text --------------------------------------------------
html=$tmp/report.html
run report -o "$html" --limit 12 --round 2020
# the report's first 12 tipping points (its order) whose region has a target for the indicator
tp_targets=$(q -c "SELECT count(*) FROM (SELECT f.indicator_id, f.region_id FROM krimp.tipping_point_flag f WHERE f.status <> 'withdrawn' AND (f.recent OR f.status = 'new') ORDER BY f.recent DESC, f.score DESC NULLS LAST, f.flag_id LIMIT 12) f WHERE EXISTS (SELECT FROM krimp.target t WHERE t.indicator_id = f.indicator_id AND t.region_id = f.region_id)")
[ $rc -eq 0 ] && [ -s "$html" ] && grep -q 'report written to' <<<"$err"
r=$?; check "krimpctl report -o FILE: exit 0, $(wc -c < "$html") bytes" $r
python3 - "$html" "$tp_targets" "$(q -c "SELECT count(*) FROM krimp.target")" <<'PY'
import re, sys
h = open(sys.argv[1], encoding='utf-8').read()
tp_targets, n_targets = int(sys.argv[2]), int(sys.argv[3])
ok = True
def need(cond, what):
    global ok
    if not cond:
        print('   missing: ' + what); ok = False
need(h.count('<html') == 1 and h.count('</html>') == 1 and h.startswith('<!DOCTYPE html>'), 'one <html> document')
need(h.count('<body') == 1 and h.count('</body>') == 1 and h.count('<style>') == 1, 'one body, inline CSS')
charts = re.findall(r'<svg class="chart".*?</svg>', h, re.S)
need(len(charts) >= 12 + 12, 'at least 12 tipping-point and 12 target charts, found %d' % len(charts))
need(all('<polyline' in c and re.search(r'points="[0-9.]+,[0-9.]+ [0-9.]+,', c) for c in charts[:12]), 'polyline data in every tipping-point chart')
need(sum('class="mark"' in c for c in charts) >= 12, 'the change marked')
need(sum('class="bench"' in c for c in charts) >= 12, 'the national benchmark')
need(sum('class="target"' in c for c in charts) == n_targets + tp_targets,
     'target paths: %d targets and %d tipping points of a region with a target, found %d'
     % (n_targets, tp_targets, sum('class="target"' in c for c in charts)))
need(re.search(r'<path class="target"[^>]*d="M[0-9.]+ [0-9.]+ L', h), 'path data of a target path')
m = re.search(r'<svg class="map"[^>]*viewBox="(-?\d+) (-?\d+) (\d+) (\d+)".*?</svg>', h, re.S)
need(m, 'the map')
if m:
    mp = m.group(0)
    need(len(re.findall(r'<path class="province" d="[Mm] ?-?\d', mp)) == 12, 'the 12 provinces as background')
    need(len(re.findall(r'<path class="region" data-group="[A-Z-]+" fill="#[0-9a-f]{6}" d="[Mm] ?-?\d', mp)) == 52, 'the 52 member municipalities')
    need(len(re.findall(r'<path class="group"', mp)) == 11, 'the 11 decline region outlines')
    # a region takes the worst light of its targets: the vacancy targets are grey (figures end 2012),
    # so no region is all green; some are red (population, distance to a GP)
    need('#d64541' in mp and '#9aa0a6' in mp, 'regions coloured red and grey')
need('Legend' in h and 'recent worsening tipping point' in h, 'the legend')
# a choropleth per theme: all municipalities of the headline indicator's newest period, coloured in
# classes, a legend with the unit and the classes, Bron: CBS; every theme with municipal figures has one
maps = {t: (ind, body) for t, ind, body in
        re.findall(r'<figure class="card theme-map" data-theme="([^"]+)"(?: data-indicator="([^"]*)")?>(.*?)</figure>', h, re.S)}
need(set(maps) == {'demography', 'households', 'housing', 'income and economy', 'facilities'}, 'a map card for every theme with municipal figures, found %s' % sorted(maps))
expect = {'demography': ('population', 'persons'), 'households': ('households', 'thousand households'),
          'housing': ('sale_price', 'euro'), 'income and economy': ('disposable_income', 'thousand euro'),
          'facilities': ('distance_gp', 'km')}
for t, (ind, unit) in expect.items():
    got, body = maps.get(t, (None, ''))
    coloured = len(re.findall(r'<path class="c[1-5]" fill="#[0-9a-f]{6}" d="[Mm] ?-?\d', body))
    classes = re.findall(r'<li><span class="swatch"[^>]*></span>([-0-9.,]+ to [-0-9.,]+) \((\d+)\)</li>', body)
    print('   map %s: %s, %d municipalities coloured, %d classes, unit %s' % (t, got, coloured, len(classes), unit))
    need(got == ind, 'the %s map shows %s, not %s' % (t, ind, got))
    need(coloured > 300, 'the %s map colours its municipalities (%d)' % (t, coloured))
    need(len(classes) == 5 and sum(int(n) for _, n in classes) == coloured, 'five classes that count the coloured municipalities in the %s legend' % t)
    need(('<h4>%s</h4>' % unit.replace('&', '&amp;')) in body and 'Bron: CBS' in body, 'the %s legend names its unit and the source' % t)
m = re.search(r'<p class="muted" id="themes-without-figures">No municipal figures are loaded for: ([^<]*)\.</p>', h)
need(m and set(m.group(1).split(', ')) == {'labour market', 'care', 'education', 'liveability'}, 'the themes without figures named in one line')
# charts name the indicator's unit
units = re.findall(r'<svg class="chart".*?<text class="unit"[^>]*>([^<]*)</text>', h, re.S)
need(len(units) >= 24 and {'persons', 'km', '% of the housing stock'} <= set(units), 'units over the charts: %s' % sorted(set(units)))
need('Bron: CBS' in h and '<footer>' in h, 'Bron: CBS in the footer')
need('Groei &lt;b&gt;&amp; &quot;meer&quot;&lt;/b&gt;' in h and '<b>&' not in h, 'escaped target name')
# nothing external: no script, no link, no src/href, no url(), no @import; the only URL is the SVG namespace
need(not re.search(r'<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import', h, re.I), 'no script, link or external reference')
need(set(re.findall(r'https?://[^\s"\'<>)]+', h)) <= {'http://www.w3.org/2000/svg'}, 'no URL but the SVG namespace')
need('more</strong> are not shown' in h, 'the count of tipping points not shown')
sys.exit(0 if ok else 1)
PY
check "the HTML: one document, charts with polyline and path data, the change, benchmark and target paths, the map's 12 provinces and 52 members, escaped text, no external resource, Bron: CBS" $?
run report --round 2010
[ $rc -eq 1 ] && grep -q 'no revaluation round 2010' <<<"$err"
check "report --round for a round not run: exit 1" $?
run report -o "$tmp/no/such/dir/r.html" --limit 0
[ $rc -eq 0 ] && grep -q '</html>' "$tmp/no/such/dir/r.html"
check "report into a folder that does not exist: the folders are made, the report written" $?
: > "$tmp/plain-file"
run report -o "$tmp/plain-file/r.html" --limit 0
[ $rc -eq 3 ] && grep -q 'that is a file, not a folder' <<<"$err" && [ -f "$tmp/plain-file" ]
check "report into a path through a file: exit 3, says the file is not a folder" $?
run report -o "$tmp" --limit 0
[ $rc -eq 3 ] && grep -q 'is a folder' <<<"$err" && grep -q 'krimp-report.html' <<<"$err"
check "report -o FOLDER: exit 3, the hint gives a file name in it" $?
run report -o - --limit 0
[ $rc -eq 0 ] && grep -q '</html>' <<<"$out" && grep -q '<svg class="map"' <<<"$out"
check "report -o - writes to stdout" $?

# ---- report: rendered by Chromium ------------------------------------------------
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  check "chromium is installed (scripts/deps.sh)" 1
else
  flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
         --disable-component-update --disable-sync --hide-scrollbars)
  timeout 120 "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$tmp")" --dump-dom "file://$html" > "$tmp/dom.html" 2>"$tmp/chrome.err"
  python3 - "$tmp/dom.html" <<'PY'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.n = {}; self.stack = []; self.in_map = 0; self.map_paths = 0; self.chart_lines = 0; self.in_chart = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); self.n[tag] = self.n.get(tag, 0) + 1
        if tag == 'svg':
            self.stack.append(a.get('class'))
        if tag == 'path' and self.stack and self.stack[-1] == 'map' and a.get('d'):
            self.map_paths += 1
        if tag == 'polyline' and self.stack and self.stack[-1] == 'chart' and a.get('points'):
            self.chart_lines += 1
    def handle_endtag(self, tag):
        if tag == 'svg' and self.stack:
            self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
print('   dom: %d svg, %d polyline in charts, %d paths in the map' % (p.n.get('svg', 0), p.chart_lines, p.map_paths))
sys.exit(0 if p.n.get('svg', 0) >= 25 and p.chart_lines >= 24 and p.map_paths >= 75 and p.n.get('html') == 1 else 1)
PY
  check "chromium --dump-dom: the SVG charts and the map are in the parsed document" $?
  timeout 120 "$chrome" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$tmp")" --screenshot="$tmp/shot.png" \
    --window-size=1200,6000 "file://$html" >/dev/null 2>>"$tmp/chrome.err"
  [ -s "$tmp/shot.png" ] && python3 - "$tmp/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype in (2, 6), (depth, ctype)
        bpp = 3 if ctype == 2 else 4
    elif kind == b'IDAT':
        idat += body
raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); rows = []; i = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
total = w * h; nonwhite = 0
near = {'red': (214, 69, 65), 'green': (46, 158, 79), 'navy': (21, 50, 91), 'series': (31, 78, 140)}
count = dict.fromkeys(near, 0)
for line in rows:
    for x in range(0, stride, bpp):
        r, g, b = line[x], line[x + 1], line[x + 2]
        if min(r, g, b) < 230: nonwhite += 1
        for k, (R, G, B) in near.items():
            if abs(r - R) < 24 and abs(g - G) < 24 and abs(b - B) < 24: count[k] += 1
share = nonwhite / total
print('   screenshot %dx%d: %.1f%% not white; pixels near red %d, green %d, header navy %d, series blue %d'
      % (w, h, 100 * share, count['red'], count['green'], count['navy'], count['series']))
sys.exit(0 if share > 0.05 and count['red'] > 2000 and count['green'] > 2000 and count['navy'] > 20000 and count['series'] > 500 else 1)
PY
  check "chromium --screenshot 1200x6000: not blank, with the traffic-light colours, the header and the series" $?
  if [ -n "${KRIMP_REPORT_KEEP:-}" ]; then cp "$html" "$tmp/shot.png" "$KRIMP_REPORT_KEEP/" 2>/dev/null; fi
fi

# ---- report: no embargoed figure, whoever runs it ----------------------------------
# Groningen files a revision of the region target's latest figure in the round of 2020 (7,777,777,
# published before the end of 2020) under embargo until 2099; the administrator recomputes the
# round and writes the report: the round judges, and the report shows, only what was released
read -r tid rcode lp <<<"$(q -F ' ' -c "SELECT e.target_id, r.code, e.latest_period FROM krimp.round_evaluation e JOIN krimp.target t USING (target_id) JOIN krimp.region r ON r.region_id = t.region_id WHERE t.name = 'Groei <b>& \"meer\"</b>' AND e.round_year = 2020 ORDER BY e.recomputation DESC LIMIT 1")"
q >/dev/null <<SQL
SELECT krimp.begin_batch('PV20', 'embargo test') AS b \gset
INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code, period, value, released_at)
VALUES (:b, 1, 'PV20', 'population', '$rcode', '$lp', '7777777', '2099-01-01 00:00+00');
SELECT rows_inserted FROM krimp.apply_batch(:b, 'abort', '2020-12-31 00:00+00');
SQL
[ $? -eq 0 ] && [ "$(q -c "SELECT count(*) FROM krimp.observation WHERE value = 7777777 AND released_at > now()")" = 1 ]
check "an embargoed revision of $rcode $lp (target $tid) filed" $?
run evaluate --recompute --reason 'embargo test' 2020
before_lv=$(q -c "SELECT latest_period || ' ' || latest_value || ' ' || light FROM krimp.round_evaluation WHERE target_id = $tid AND round_year = 2020 ORDER BY recomputation DESC OFFSET 1 LIMIT 1")
after_lv=$(q -c "SELECT latest_period || ' ' || latest_value || ' ' || light FROM krimp.round_evaluation WHERE target_id = $tid AND round_year = 2020 ORDER BY recomputation DESC LIMIT 1")
[ $rc -eq 0 ] && [ -n "$after_lv" ] && [ "$before_lv" = "$after_lv" ]
check "the round recomputed by the administrator judges the target as before the embargoed figure ($after_lv)" $?
run report -o "$tmp/embargo.html" --round 2020
[ $rc -eq 0 ] && grep -q 'Groei &lt;b&gt;' "$tmp/embargo.html" && ! grep -q -e '7777777' -e '7,777,777' -e '7 777 777' "$tmp/embargo.html"
check "the administrator's report does not show the embargoed value (7,777,777)" $?

# ---- a monthly series: its slopes are per month (issue 17) -------------------------
# The provinces' population on the first of every month 2002-2023 (CBS 37230ned, bundled), as a
# test indicator of its own measured per month; the nightly job's trend slopes are per step, so
# the sentence (krimp.explain, the one home) and the report say "a month".
q >/dev/null <<'SQL'
INSERT INTO krimp.indicator (code, name, unit, granularity, theme, source, aggregation, direction_of_good)
VALUES ('test_population_month', 'Bevolking aan het begin van de maand (test)', 'persons', 'month', 'demography',
        'CBS 37230ned', 'sum', 1);
SQL
"$K" load -q -i test_population_month -o BZK -s 'CBS 37230ned' -r "$tmp/month.rejects.csv" \
  data/cbs/Bevolkingsontwikkeling_provincie_per_maand.json >/dev/null 2>&1 && q -c "CALL krimp.nightly()" >/dev/null
month=$(q -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE krimp.explain(f) LIKE '% persons a month%'), count(*) FILTER (WHERE krimp.explain(f) LIKE '%a year%') FROM krimp.tipping_point_flag f JOIN krimp.indicator i USING (indicator_id) WHERE i.code = 'test_population_month' AND f.kind IN ('trend turn', 'acceleration', 'deceleration', 'convergence', 'divergence') AND f.status <> 'withdrawn'")
read -r m_all m_month m_year <<<"$month"
[ "${m_all:-0}" -gt 0 ] && [ "$m_month" = "$m_all" ] && [ "$m_year" = 0 ]
r=$?; check "monthly series: $m_all trend flags of the provinces' monthly population, all said per month ($(q -c "SELECT r.name || ': ' || krimp.explain(f) FROM krimp.tipping_point_flag f JOIN krimp.indicator i USING (indicator_id) JOIN krimp.region r USING (region_id) WHERE i.code = 'test_population_month' AND f.kind = 'trend turn' AND f.status <> 'withdrawn' ORDER BY f.score DESC LIMIT 1"))" $r
run report -o "$tmp/all.html" --limit 1000
[ $rc -eq 0 ] && python3 - "$tmp/all.html" <<'PY2'
import re, sys
h = open(sys.argv[1], encoding='utf-8').read()
cards = re.findall(r'<figure class="card".*?</figure>', h, re.S)
month = [c for c in cards if 'Bevolking aan het begin van de maand' in c and re.search(r'trend went from [^<]* a (month|year)', c)]
print('   %d monthly cards with a trend; %d say a month' % (len(month), sum('persons a month' in c for c in month)))
assert month and all('persons a month' in c and 'a year' not in c for c in month)
PY2
check "the report says a monthly series' slopes per month (--limit 1000)" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
