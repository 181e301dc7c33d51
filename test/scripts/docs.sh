#!/usr/bin/env bash
# The docs against the product, on the cluster in PGHOST/PGPORT (set by
# scripts/test.sh): a database of its own with the data "make demo" loads
# (scripts/load_regions.sh, then krimpctl demo), then
#   1. docs/reference/check.sh: every function, aggregate, procedure and view
#      of the installed extension has an entry in docs/reference/;
#   2. docs/errors-check.sh: every error message of the sources is in
#      docs/errors.md;
#   3. docs/reference/examples.py: every example of the reference pages and
#      the guides prints what the page shows;
#   4. every relative link of README.md and docs/ points to a file that exists.
# "test/scripts/docs.sh --write" rewrites the examples' output instead of
# comparing it (after a change that alters it on purpose).
# Ends with "N passed, N failed"; drops its database.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
db=krimp_docs_test
export PGDATABASE=$db
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
pages=(docs/reference/*.md docs/getting-started.md docs/guide-analyst.md)

# the same data as "make demo" (scripts/demo.sh): the extension, the organisations, the
# bundled regions, then "krimpctl demo" (every theme's CBS tables, targets, rounds, nightly)
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
psql -X -q -d postgres -c "ALTER DATABASE $db SET search_path = \"\$user\", public, krimp"
psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null \
  && bash scripts/load_regions.sh "$root" >/dev/null \
  && "$root/cli/krimpctl" demo --data "$root/data" --report "$(mktemp -d)/report.html" > /tmp/krimp-docs-demo.log 2>&1
rc=$?
[ $rc -ne 0 ] && tail -20 /tmp/krimp-docs-demo.log | sed 's/^/  /'
check "a database with the demo's data (scripts/load_regions.sh, krimpctl demo)" $rc

out=$(bash docs/reference/check.sh 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
check "every function, aggregate, procedure and view has an entry in docs/reference/" $rc

out=$(bash docs/errors-check.sh 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
check "every error message of the sources is in docs/errors.md" $rc

mode=check; [ "${1:-}" = --write ] && mode=write
out=$(python3 docs/reference/examples.py "$mode" "${pages[@]}" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
check "every example prints what the docs show ($mode)" $rc

bad=$(python3 - README.md docs/*.md docs/reference/*.md <<'PY'
import os, re, sys
for f in sys.argv[1:]:
    for target in re.findall(r'\]\(([^)#\s]+)(?:#[^)]*)?\)', open(f, encoding="utf-8").read()):
        if re.match(r'[a-z]+:', target):
            continue
        if not os.path.exists(os.path.join(os.path.dirname(f), target)):
            print(f"{f}: {target}")
PY
)
[ -n "$bad" ] && printf '  broken link: %s\n' $bad
[ -z "$bad" ]
check "every relative link in README.md and docs/ points to a file that exists" $?

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
