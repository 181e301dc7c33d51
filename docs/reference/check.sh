#!/usr/bin/env bash
# Every function, aggregate, procedure and view of the installed extension
# krimp (schemas krimp and krimp_bi, read from the catalog of the database
# that the PG* variables name) must have an entry in docs/reference/*.md:
# its qualified name in a heading (the template's entries) or in the first
# cell of a table row (the support-function and trigger tables).  Prints the
# names that have none and exits 1; 0 when all are documented.
#
#   PGDATABASE=krimp bash docs/reference/check.sh
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)

objects=$(psql -X -A -t -v ON_ERROR_STOP=1 <<'SQL'
SELECT DISTINCT n.nspname || '.' || p.proname
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'krimp'
UNION
SELECT DISTINCT n.nspname || '.' || c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'krimp'
 WHERE c.relkind IN ('v', 'm')
 ORDER BY 1
SQL
)
[ -n "$objects" ] || { echo "no krimp objects found: is the extension installed in this database?" >&2; exit 2; }

documented=$( { grep -hE '^#+ ' "$dir"/*.md; awk -F'|' '/^\|/ { print $2 }' "$dir"/*.md; } \
              | grep -oE '\b(krimp|krimp_bi)\.[a-z_0-9]+' | sort -u)

missing=$(comm -23 <(printf '%s\n' "$objects" | sort -u) <(printf '%s\n' "$documented"))
total=$(printf '%s\n' "$objects" | wc -l)
if [ -n "$missing" ]; then
  echo "not documented in docs/reference/*.md ($(printf '%s\n' "$missing" | wc -l) of $total):"
  printf '  %s\n' $missing
  exit 1
fi
echo "all $total functions, aggregates, procedures and views of krimp have an entry in docs/reference/"
