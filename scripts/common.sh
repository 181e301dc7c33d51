# Shared steps of scripts/demo.sh and scripts/test.sh: dependencies, build,
# install.  Sourced, not run.
KRIMP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# (KRIMP_PG_BINDIR: the bin folder of another PostgreSQL 15 installation to build and test against)
export PATH="${KRIMP_PG_BINDIR:-/usr/lib/postgresql/15/bin}:$PATH"

krimp_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Install missing packages (scripts/deps.sh: $1 is demo, what the demo needs,
# or test, everything), build everything and install the extension.
krimp_build_and_install() {
  bash "$KRIMP_ROOT/scripts/deps.sh" "${1:-test}"
  make -C "$KRIMP_ROOT" -s all
  krimp_sudo make -C "$KRIMP_ROOT" -s install >/dev/null
}

# A free TCP port on 127.0.0.1, starting from $1.
krimp_free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
