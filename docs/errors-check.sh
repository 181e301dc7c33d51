#!/usr/bin/env bash
# Every error message a user can cause must be in docs/errors.md.  The
# messages are taken from the sources:
#   extension/core/*.c   krimp_fail(err, STATUS, "...")         (SQLSTATE from the status)
#   extension/*.c        ereport(ERROR, (errcode(...), errmsg("...")))  (elog(ERROR) is internal: left out)
#   extension/install/*.sql  RAISE EXCEPTION '...' USING ERRCODE = '...'
#   cli/*.c              krimpctl: input_fail, cli_error, cli_usage_error, json_record_fail, json_record_row
# A message with placeholders (%s, %d, ... in C; % in PL/pgSQL) matches any
# line of docs/errors.md that holds its fixed text with something in place of
# each placeholder.  Prints the missing messages and exits 1; 0 when all are
# there.  "errors-check.sh --list" prints every message found, with its
# source and SQLSTATE.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exec python3 - "$root" "${1:-}" <<'PY'
import glob, os, re, sys

root, mode = sys.argv[1], sys.argv[2]
STATUS = {"KRIMP_ERR_SYNTAX": "22P02", "KRIMP_ERR_BINARY": "22P03", "KRIMP_ERR_RANGE": "22003",
          "KRIMP_ERR_PARAMETER": "22023", "KRIMP_ERR_MISMATCH": "22023", "KRIMP_ERR_DUPLICATE": "21000",
          "KRIMP_ERR_DIVISION": "22012", "KRIMP_ERR_NOT_FINITE": "22000", "KRIMP_ERR_NOMEM": "53200"}
CSTR = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'


def cstring(lit):
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', lit)
    return bytes("".join(parts), "utf-8").decode("unicode_escape")


def rel(path):
    return os.path.relpath(path, root)


msgs = []  # (message, kind, source, sqlstate)
for f in sorted(glob.glob(os.path.join(root, "extension/core/*.c"))):
    src = open(f, encoding="utf-8").read()
    for m in re.finditer(r'krimp_fail\(\s*\w+\s*,\s*(\w+)\s*,\s*' + CSTR, src):
        msgs.append((cstring(m.group(2)), "c", rel(f), STATUS.get(m.group(1), "?")))
for f in sorted(glob.glob(os.path.join(root, "extension/*.c"))):
    src = open(f, encoding="utf-8").read()
    for m in re.finditer(r'ereport\(\s*ERROR\s*,\s*\(\s*errcode\((\w+)\)\s*,\s*errmsg\(\s*' + CSTR, src):
        msgs.append((cstring(m.group(2)), "c", rel(f), m.group(1)))
for f in sorted(glob.glob(os.path.join(root, "extension/install/*.sql"))):
    src = open(f, encoding="utf-8").read()
    for m in re.finditer(r"RAISE\s+EXCEPTION\s+'((?:[^']|'')*)'(.*?);", src, re.S):
        code = re.search(r"ERRCODE\s*=\s*'(\w+)'", m.group(2))
        msgs.append((m.group(1).replace("''", "'"), "plpgsql", rel(f), code.group(1) if code else "P0001"))
for f in sorted(glob.glob(os.path.join(root, "cli/*.c"))):
    src = open(f, encoding="utf-8").read()
    for m in re.finditer(r'\b(input_fail|cli_error)\(\s*(?:&?\w+\s*,\s*)?' + CSTR, src):
        msgs.append((cstring(m.group(2)), "c", rel(f), "krimpctl"))
    for m in re.finditer(r'\bcli_usage_error\(\s*(?:NULL|"\w+")\s*,\s*' + CSTR, src):
        msgs.append((cstring(m.group(1)), "c", rel(f), "krimpctl"))
    for m in re.finditer(r'\b(json_record_fail|json_record_row)\(\s*\w+\s*,\s*\w+\s*,\s*' + CSTR, src):
        msgs.append((cstring(m.group(2)), "c", rel(f), "krimpctl"))


def pattern(msg, kind):
    if kind == "c":
        pieces = re.split(r'%[-+ #0]*\d*(?:\.\d+)?(?:ll|l|z|h)?[sdicgfeuxp%]', msg)
        marks = re.findall(r'%[-+ #0]*\d*(?:\.\d+)?(?:ll|l|z|h)?[sdicgfeuxp%]', msg)
    else:
        pieces = re.split(r'%%|%', msg)
        marks = re.findall(r'%%|%', msg)
    out = re.escape(pieces[0])
    for mark, piece in zip(marks, pieces[1:]):
        out += ("%" if mark == "%%" else ".+?") + re.escape(piece)
    return out, "".join(pieces)


doc = open(os.path.join(root, "docs/errors.md"), encoding="utf-8").read().split("\n")
seen, missing, checked = set(), [], 0
for msg, kind, source, state in msgs:
    if mode == "--list":
        print(f"{state}\t{source}\t{msg}")
        continue
    if (msg, kind) in seen:
        continue
    seen.add((msg, kind))
    pat, fixed = pattern(msg, kind)
    if len(re.sub(r"[^A-Za-z]", "", fixed)) < 4:
        continue  # nothing but placeholders: not a message of its own
    checked += 1
    rx = re.compile(pat)
    if not any(rx.search(line) for line in doc):
        missing.append(f"  {state:9} {source}: {msg}")
if mode == "--list":
    sys.exit(0)
if missing:
    print(f"{len(missing)} of {checked} error messages are not in docs/errors.md:")
    print("\n".join(missing))
    sys.exit(1)
print(f"all {checked} error messages of the sources are in docs/errors.md")
PY
