# Shared by the benchmark scripts: machine description, a throwaway cluster,
# and timing of a SQL statement (median of several runs, via psql \timing).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

bench_machine() {
  echo "machine: $(uname -srm); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); $(nproc) cores;" \
       "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "server:  $(psql -XAtc 'SELECT version()')"
  echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# Start a throwaway cluster for the benchmark in $1; stopped on exit.
bench_cluster() {
  BENCH_CLUSTER=$1
  mkdir -p "$BENCH_CLUSTER"; chmod 755 "$BENCH_CLUSTER"
  eval "$(bash "$KRIMP_ROOT/scripts/cluster.sh" start "$BENCH_CLUSTER" "$(krimp_free_port 55460)")"
  trap 'bash "$KRIMP_ROOT/scripts/cluster.sh" stop "$BENCH_CLUSTER"; rm -rf "$BENCH_CLUSTER"' EXIT
}

# bench_time LABEL RUNS SQL...: prints and returns (in BENCH_MS) the median
# wall time in milliseconds of running the SQL RUNS times, with SETTINGS
# (a string of SET statements) applied first.
bench_time() {
  local label=$1 runs=$2; shift 2
  local sql="$*" times=()
  for _ in $(seq "$runs"); do
    local ms
    ms=$(psql -X -q -v ON_ERROR_STOP=1 <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n1
${BENCH_SETTINGS:-}
\timing on
$sql
SQL
)
    times+=("$ms")
  done
  BENCH_MS=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '  %-46s median %10.1f ms  (runs: %s)\n' "$label" "$BENCH_MS" "${times[*]}"
}
