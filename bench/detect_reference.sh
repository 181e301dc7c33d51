#!/usr/bin/env bash
# Agreement of krimp's detectors with R's reference implementations on the
# bundled real CBS series (555 municipal series 2002-2022 with data, 12
# province series by month 2002-01..2023-09), missing values dropped:
#   level shifts: strucchange::breakpoints(y ~ 1, h = 3, BIC) against krimp's
#                 optimal partitioning with the same criterion (share of identical
#                 breakpoint sets);
#   one bend:     segmented::davies.test(k = 10) p-values and best points, and
#                 segmented's psi against krimp's best single bend.
# Needs r-cran-strucchange and r-cran-segmented (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/krimp-detref.XXXXXX); trap 'rm -rf "$work"' EXIT
make -s extension/core/libkrimpcore.a
gcc -std=c99 -O2 -Wall -Wextra -Werror -Iextension/core -o "$work/detect_dump" bench/detect_dump.c extension/core/libkrimpcore.a -lm
python3 bench/cbs_series.py > "$work/series.txt"
echo "# krimp vs R: change points on the bundled CBS series"
echo "machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(nproc) cores"
echo "R:       $(Rscript -e 'cat(R.version.string, "; strucchange", format(packageVersion("strucchange")), "; segmented", format(packageVersion("segmented")))' 2>/dev/null)"
echo "command: bash bench/detect_reference.sh"
"$work/detect_dump" "$work/series.txt" 3 > "$work/krimp.txt"
Rscript bench/detect_reference.R "$work/series.txt" 3 > "$work/r.txt"
python3 - "$work/krimp.txt" "$work/r.txt" <<'PY'
import sys, math
def parse(path):
    out = {}
    for ln in open(path):
        if ln.startswith('#'):
            continue
        f = ln.split()
        d = dict(kv.split('=', 1) for kv in f[3:])
        out[(f[0], f[1])] = (int(f[2]), d)
    return out
k, r = parse(sys.argv[1]), parse(sys.argv[2])
for group in ('gemeente_per_jaar', 'provincie_per_maand'):
    keys = [key for key in k if key[0] == group]
    same_bp = sum(k[key][1]['bp'] == r[key][1]['bp'] for key in keys)
    pk = [float(k[key][1]['p']) for key in keys]; pr = [float(r[key][1]['p']) for key in keys]
    ok = [i for i in range(len(keys)) if not (math.isnan(pk[i]) or math.isnan(pr[i]))]
    diffs = [abs(pk[i] - pr[i]) for i in ok]
    rel = [abs(pk[i] - pr[i]) / pr[i] for i in ok if pr[i] > 1e-300]
    def corr(a, b):
        ma, mb = sum(a) / len(a), sum(b) / len(b)
        sa = math.sqrt(sum((x - ma) ** 2 for x in a)); sb = math.sqrt(sum((x - mb) ** 2 for x in b))
        return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (sa * sb) if sa and sb else float('nan')
    same_best = sum(abs(float(k[key][1]['best']) - float(r[key][1]['best'])) < 1e-9 for key in keys if r[key][1]['best'] != 'nan')
    nbest = sum(r[key][1]['best'] != 'nan' for key in keys)
    psi = [(int(k[key][1]['bend']), float(r[key][1]['psi'])) for key in keys if r[key][1]['psi'] != 'nan']
    within1 = sum(abs(b - p) <= 1.0 for b, p in psi); within05 = sum(abs(b - p) <= 0.5 for b, p in psi)
    sig = [i for i in ok if (pk[i] <= 0.01) == (pr[i] <= 0.01)]
    print(f"## {group}: {len(keys)} series")
    print(f"  level shifts, identical breakpoint sets (strucchange h=3, BIC): {same_bp}/{len(keys)} = {same_bp/len(keys):.4f}")
    print(f"  Davies p-values: {len(ok)} compared, Pearson r = {corr([pk[i] for i in ok], [pr[i] for i in ok]):.12f}, "
          f"max |diff| = {max(diffs):.3g}, max relative diff = {max(rel):.3g}; same decision at 0.01: {len(sig)}/{len(ok)}")
    print(f"  Davies best evaluation point identical: {same_best}/{nbest}")
    print(f"  one bend: krimp's bend (at an observation) within 0.5 of segmented's psi: {within05}/{len(psi)}, within 1: {within1}/{len(psi)}"
          f" ({len(keys) - len(psi)} series where segmented found no psi)")
    bad = [key[1] for key in keys if k[key][1]['bp'] != r[key][1]['bp']][:5]
    if bad:
        print("  differing breakpoints, first few:", ', '.join(f"{b} krimp {k[(group, b)][1]['bp']} R {r[(group, b)][1]['bp']}" for b in bad))
PY
grep '^#' "$work/r.txt"
