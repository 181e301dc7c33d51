#!/usr/bin/env bash
# make freeze NEXT=x.y: release the version in development and start the next.
#
# The version in development (krimp.control's default_version, say 0.3) has
# its install script built from the parts in extension/install/, and its
# upgrade from the last release written by hand in
# extension/install/upgrade/0.2--0.3.sql.  Releasing it
#   1. copies the install script, as built, to extension/krimp--0.3.sql, where
#      it stays as shipped (a database can be created at any released
#      version, and test/scripts/upgrade.sh updates each one);
#   2. records the SHA-256 of that script and of the upgrade script in
#      extension/released.sha256, which test/scripts/upgrade.sh checks: a
#      change to a released script fails the tests;
#   3. sets default_version to NEXT and starts NEXT's upgrade script,
#      extension/install/upgrade/0.3--NEXT.sql, where every change to the
#      parts from then on is written again by hand.
# Refuses a version that is released already, a NEXT that is not later, and a
# version in development without its upgrade script.  Commit what it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
next=${1:-}
cur=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" krimp.control)
die() { echo "make freeze: $*" >&2; exit 1; }

# "0.2" as 2, "1.10" as 1010, as krimpctl compares versions
num() { [[ $1 =~ ^([0-9]+)\.([0-9]+)$ ]] || return 1; echo $((BASH_REMATCH[1] * 1000 + BASH_REMATCH[2])); }

[ -n "$next" ] || die "give the next version: make freeze NEXT=x.y (the version in development is $cur)"
num "$next" >/dev/null || die "NEXT=$next is not a version of the form major.minor"
[ "$(num "$next")" -gt "$(num "$cur")" ] || die "NEXT=$next is not later than $cur, the version in development"
[ ! -e "extension/krimp--$cur.sql" ] || die "$cur is released already (extension/krimp--$cur.sql exists)"
shopt -s nullglob
upgrades=(extension/install/upgrade/*--"$cur".sql)
[ ${#upgrades[@]} -ge 1 ] || die "no upgrade to $cur: write extension/install/upgrade/<previous>--$cur.sql first"

make -s "build/extension/krimp--$cur.sql"
cp "build/extension/krimp--$cur.sql" "extension/krimp--$cur.sql"
released=("extension/krimp--$cur.sql" "${upgrades[@]}")
{ cat extension/released.sha256 2>/dev/null || true; sha256sum "${released[@]}"; } \
  | sort -u -k2 -V > extension/released.sha256.new
mv extension/released.sha256.new extension/released.sha256

sed -i "s/^default_version *= *'.*'/default_version = '$next'/" krimp.control
cat > "extension/install/upgrade/$cur--$next.sql" <<EOF
-- krimp $cur -> $next, written by hand: every change to the parts in
-- extension/install/ since $cur was released, as the statements that take a
-- $cur database to what a fresh $next install creates (test/scripts/upgrade.sh
-- compares the two).  Frozen once $next is released.
\\echo Use "ALTER EXTENSION krimp UPDATE TO '$next'" to load this file. \\quit
EOF

echo "released $cur: ${released[*]} (frozen; checksums in extension/released.sha256)"
echo "in development: $next; write its changes in extension/install/upgrade/$cur--$next.sql"
echo "then: git add ${released[*]} extension/released.sha256 krimp.control extension/install/upgrade/$cur--$next.sql"
