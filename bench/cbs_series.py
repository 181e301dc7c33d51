#!/usr/bin/env python3
"""Write the bundled CBS population series as text, one series a line:
   file region first_period n v1 v2 ... (NA for a missing value).
Used by bench/calibrate.sh and bench/detect_reference.sh (python3 standard library only)."""
import json, sys, os, collections

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'data', 'cbs')
files = [('gemeente_per_jaar', 'Bevolkingsontwikkeling_gemeente_per_jaar.json', 'JJ'),
         ('provincie_per_maand', 'Bevolkingsontwikkeling_provincie_per_maand.json', 'MM')]
for name, fn, kind in files:
    with open(os.path.join(root, fn), encoding='utf-8-sig') as f:
        doc = json.load(f)
    series = collections.defaultdict(dict)
    for r in doc['value'].values():
        p = r['Perioden']
        if p[4:6] != kind:
            continue
        key = int(p[:4]) * 12 + (int(p[6:8]) - 1 if kind == 'MM' else 0)
        series[r['RegioS'].strip()][key] = r['BevolkingAanHetBeginVanDePeriode_1']
    step = 1 if kind == 'MM' else 12
    for region in sorted(series):
        s = series[region]
        obs = [k for k, v in s.items() if v is not None]
        if not obs:
            continue
        lo, hi = min(s), max(s)
        vals = [s.get(k) for k in range(lo, hi + 1, step)]
        first = '%d' % (lo // 12) if kind == 'JJ' else '%d-%02d' % (lo // 12, lo % 12 + 1)
        print(name, region, first, len(vals), ' '.join('NA' if v is None else repr(float(v)) for v in vals))
