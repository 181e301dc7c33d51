#!/usr/bin/env bash
# Load the bundled regions into a krimp database: boundaries 2002-2023 as
# region versions with their changes, the hierarchy, the 2015 COROP and
# landsdeel layout and the decline regions.  Does nothing if boundaries are
# already loaded.
#
#   scripts/load_regions.sh [--districts] [REPO_ROOT]
#
# --districts also loads the districts and neighbourhoods of CBS 85984NED
# (2024) with scripts/load_districts.sql: about 7 s the first time, a second
# run adds nothing.
#
# Connection settings come from the PG* environment variables (PGHOST,
# PGPORT, PGUSER, PGDATABASE); the user must be a member of krimp_admin or a
# superuser.  The work is done by scripts/load_regions.sql, which the
# pg_regress suite sql/regions.sql runs too.
set -euo pipefail
districts=false
if [ "${1:-}" = --districts ]; then districts=true; shift; fi
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
root=$(cd "$root" && pwd)
PG_ABS_SRCDIR=$root psql -X -q -v ON_ERROR_STOP=1 -f "$root/scripts/load_regions.sql"
if $districts; then
    PG_ABS_SRCDIR=$root psql -X -q -v ON_ERROR_STOP=1 -f "$root/scripts/load_districts.sql" >/dev/null
fi
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SELECT level, count(*) AS versions, count(*) FILTER (WHERE valid_to IS NULL) AS current,
       min(valid_from) AS first, (SELECT count(*) FROM krimp.region_change c JOIN krimp.region o
                                    ON o.region_id = c.old_region_id WHERE o.level = r.level) AS changes
  FROM krimp.region r GROUP BY level ORDER BY min(length(code)), level;
SQL
