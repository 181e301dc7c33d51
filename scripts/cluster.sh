#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster in a folder of its own.
#
#   scripts/cluster.sh start DIR [PORT]   create (first time) and start; prints the
#                                         environment to connect (eval it)
#   scripts/cluster.sh stop DIR           stop it
#   scripts/cluster.sh env DIR            print PGHOST, PGPORT, PGUSER, PGDATABASE
#
# The server listens on 127.0.0.1:PORT and on a Unix socket in DIR, with
# trust authentication for local connections only.  PostgreSQL refuses to run
# as root, so as root the cluster belongs to the "postgres" system user.
set -euo pipefail

cmd=${1:?usage: cluster.sh start|stop|env DIR [PORT]}
dir=${2:?usage: cluster.sh start|stop|env DIR [PORT]}
port=${3:-55432}
bindir=$(pg_config --bindir)
[ -x "$bindir/initdb" ] || bindir=/usr/lib/postgresql/15/bin

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

owner_name() {
  if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

print_env() {
  local p
  p=$(sed -n 's/^port *= *//p' "$dir/data/postgresql.auto.conf" 2>/dev/null | tail -n1)
  echo "export PGHOST=$dir PGPORT=${p:-$port} PGUSER=$(owner_name) PGDATABASE=postgres"
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/data" -U "$(owner_name)" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      as_owner tee -a "$dir/data/postgresql.auto.conf" >/dev/null <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_worker_processes = 8
max_parallel_workers_per_gather = 2
fsync = off
timezone = 'Europe/Amsterdam'
CONF
      # pg_cron, when installed, to schedule the nightly job (its jobs table lives in the database postgres)
      if [ -f "$(pg_config --pkglibdir)/pg_cron.so" ]; then
        as_owner tee -a "$dir/data/postgresql.auto.conf" >/dev/null <<CONF
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'
CONF
      fi
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { tail -n 20 "$dir/server.log" >&2; exit 1; }
    fi
    print_env
    ;;
  stop)
    if [ -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    ;;
  env)
    print_env
    ;;
  *)
    echo "usage: cluster.sh start|stop|env DIR [PORT]" >&2; exit 2 ;;
esac
