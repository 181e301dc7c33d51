#!/usr/bin/env bash
# make demo: the main job on the bundled real data.
# Installs what is missing, builds and installs krimp, starts a PostgreSQL
# cluster in a folder of its own (KRIMP_DEMO_DIR, default /var/tmp/krimp-demo),
# creates a database "krimp" with the extension, loads the bundled CBS
# population figures and shows the types at work.  A second run reuses the
# cluster and the loaded data.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$KRIMP_ROOT"

dir=${KRIMP_DEMO_DIR:-/var/tmp/krimp-demo}
krimp_build_and_install

if [ -f "$dir/data/PG_VERSION" ]; then
  eval "$(bash scripts/cluster.sh start "$dir")"
else
  eval "$(bash scripts/cluster.sh start "$dir" "$(krimp_free_port 55433)")"
fi
export PGDATABASE=krimp
# Reuse the database unless the extension's install script changed since it was made.
script_sum=$(cat extension/krimp--*.sql | md5sum | cut -d' ' -f1)
if [ "$(cat "$dir/krimp-script.md5" 2>/dev/null)" != "$script_sum" ]; then
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres -c "DROP DATABASE IF EXISTS krimp" -c "CREATE DATABASE krimp"
  psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE"
  echo "$script_sum" > "$dir/krimp-script.md5"
fi

# the bundled data: regions 2002-2023 with their changes, then the population
# figures (both do nothing when already loaded), then the nightly job
echo "Loading regions (boundaries 2002-2023, mergers, decline regions) ..."
bash scripts/load_regions.sh "$KRIMP_ROOT" >/dev/null
echo "Loading the CBS population per municipality 2002-2022 ..."
PG_ABS_SRCDIR=$KRIMP_ROOT psql -X -q -v ON_ERROR_STOP=1 -f scripts/load_population.sql >/dev/null
echo "Running the nightly job ..."
psql -X -q -v ON_ERROR_STOP=1 -c "CALL krimp.nightly()"
PG_ABS_SRCDIR=$KRIMP_ROOT psql -X -q -v ON_ERROR_STOP=1 -f scripts/demo.sql

cat <<EOF

The demo cluster runs in $dir (log: $dir/server.log).
Connect with:
  psql "host=$PGHOST port=$PGPORT user=$PGUSER dbname=krimp"
  (or over TCP: psql -h 127.0.0.1 -p $PGPORT -U $PGUSER krimp)
Stop it with:  bash scripts/cluster.sh stop $dir
Data: CBS population per municipality on 1 January, 2002-2022 (Bron: CBS, CC BY 4.0).
EOF
