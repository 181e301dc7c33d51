#!/usr/bin/env bash
# Installs what krimp needs on Debian 12, with apt-get; only packages that
# are missing.  As root it installs directly, otherwise through sudo; without
# either it says what to install.
#
#   scripts/deps.sh demo   what make demo needs: build, install, run the demo
#   scripts/deps.sh [test] that and what the tests need (make test, make deps)
set -euo pipefail
set_name=${1:-test}
case "$set_name" in demo|test) ;; *) echo "usage: scripts/deps.sh [demo|test]" >&2; exit 2;; esac

# make demo: build krimp and krimpctl, run a cluster with PostGIS, load the data
demo_packages=(
  build-essential            # gcc 12, make
  postgresql-15              # the server (its contrib modules: btree_gist, which krimp needs)
  postgresql-server-dev-15   # PGXS and server headers
  postgresql-15-postgis-3    # CREATE EXTENSION krimp CASCADE pulls in PostGIS
  libpq-dev                  # the client library, for krimpctl
  libyajl-dev                # krimpctl load: streaming JSON parser (CBS OData)
  libcsv-dev                 # krimpctl load: CSV parser (StatLine exports)
)
# make test: the rest
test_packages=(
  postgresql-contrib         # pgbench and contrib modules for the tests
  python3                    # fixtures of test/scripts/krimpctl.sh and bench/load.sh
  time                       # /usr/bin/time: krimpctl's peak memory in bench/load.sh
  man-db                     # man, for test/scripts/install.sh (man krimpctl-load after make install)
  clang                      # fuzz targets (test/fuzz/run.sh, test/scripts/fuzz_replay.sh): libFuzzer
  libclang-rt-14-dev         # the same: libFuzzer and the sanitizer runtimes of clang 14
  valgrind                   # the pg_regress suite under valgrind (test/valgrind/run.sh, not in make test)
  r-base-core                # reference values for the trend statistics
  r-cran-strucchange         # reference for level shifts (bench/detect_reference.sh, bench/detect.sh)
  r-cran-segmented           # reference for bends and Davies' test (same)
  postgresql-15-cron         # pg_cron, to schedule the nightly job (krimp.schedule_nightly, test/scripts/cron.sh)
  unixodbc                   # BI driver test (test/scripts/bi_drivers.sh): the ODBC driver manager
  unixodbc-dev               # the same: sql.h, to build test/bi/odbc_check.c
  odbc-postgresql            # the same: psqlODBC (PostgreSQL Unicode / ANSI)
  libpostgresql-jdbc-java    # the same: pgJDBC
  default-jdk-headless       # the same: javac and java for test/bi/JdbcCheck.java
  chromium                   # krimpctl report test (test/scripts/report.sh): renders the HTML headless
)
packages=("${demo_packages[@]}")
[ "$set_name" = test ] && packages+=("${test_packages[@]}")
# Optional extras asked for by a caller (e.g. KRIMP_EXTRA_PACKAGES="chromium").
read -r -a extra <<< "${KRIMP_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "krimp: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo)
else
  echo "krimp: please install these Debian packages as root, then run make again:" >&2
  echo "  apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postgresql package starts a main cluster on 5432; krimp runs its own.
