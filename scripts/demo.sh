#!/usr/bin/env bash
# make demo: the main job on the bundled real data.
# Installs what is missing of what the demo needs (scripts/deps.sh demo),
# builds and installs krimp, starts a PostgreSQL
# cluster in a folder of its own (KRIMP_DEMO_DIR, default /var/tmp/krimp-demo),
# creates a database "krimp" with the extension and loads the bundled regions;
# then "krimpctl demo" does the main job: the CBS population loaded with
# krimpctl load, the national total, harmonisation onto the 2023 layout, the
# nightly job, example targets for the decline regions, the revaluation round
# 2020, the most notable tipping points and the HTML report.  A second run
# reuses the cluster and everything loaded (each step does nothing when done).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$KRIMP_ROOT"

dir=${KRIMP_DEMO_DIR:-/var/tmp/krimp-demo}
krimp_build_and_install demo

if [ -f "$dir/data/PG_VERSION" ]; then
  eval "$(bash scripts/cluster.sh start "$dir")"
else
  eval "$(bash scripts/cluster.sh start "$dir" "$(krimp_free_port 55433)")"
fi
export PGDATABASE=krimp
# Reuse the database unless the extension's install script changed since it was made.
script_sum=$(cat extension/krimp--*.sql build/extension/krimp--*.sql | md5sum | cut -d' ' -f1)
if [ "$(cat "$dir/krimp-script.md5" 2>/dev/null)" != "$script_sum" ]; then
  echo "Creating the database krimp with the extension ..."
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres -c "DROP DATABASE IF EXISTS krimp" -c "CREATE DATABASE krimp"
  # krimp's operators live in the schema krimp: every session of the demo database finds them
  # (docs/guide-analyst.md, "The search_path")
  psql -X -q -d postgres -c 'ALTER DATABASE krimp SET search_path = "$user", public, krimp'
  psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql
  echo "$script_sum" > "$dir/krimp-script.md5"
fi

# the bundled regions (does nothing when they are loaded), then the main job
echo "Loading the bundled regions (boundaries 2002-2023, mergers, decline regions) ..."
bash scripts/load_regions.sh "$KRIMP_ROOT" >/dev/null
"$KRIMP_ROOT/cli/krimpctl" demo --data "$KRIMP_ROOT/data" --report "$dir/krimp-report.html"

cat <<EOF

The demo cluster runs in $dir (log: $dir/server.log).
Connect with:
  psql "host=$PGHOST port=$PGPORT user=$PGUSER dbname=krimp"
  (or over TCP: psql -h 127.0.0.1 -p $PGPORT -U $PGUSER krimp)
A tour in SQL:  psql "host=$PGHOST port=$PGPORT user=$PGUSER dbname=krimp" -f scripts/demo.sql
Stop it with:  bash scripts/cluster.sh stop $dir
Data: CBS population per municipality on 1 January, 2002-2022, and CBS boundaries (Bron: CBS, CC BY 4.0).
EOF
