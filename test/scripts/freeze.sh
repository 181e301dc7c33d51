#!/usr/bin/env bash
# make freeze NEXT=x.y, the release of the version in development, in a copy
# of the source tree (needs no server): it refuses what it must refuse, and a
# release writes the install script as the parts build it, the checksums
# (the earlier ones kept), the next version and its upgrade script; the
# checksums then hold (sha256sum -c), and a second release of the same
# version is refused.  Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
copy=$(mktemp -d /tmp/krimp-freeze.XXXXXX)
trap 'rm -rf "$copy"' EXIT
# the tracked files and the new ones, as a commit would have them
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy" 2>/dev/null
cd "$copy" || exit 1
cur=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" krimp.control)
major=${cur%%.*} minor=${cur#*.}
next="$major.$((minor + 1))"
sums_before=$(cat extension/released.sha256)

out=$(make -s freeze 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'give the next version: make freeze NEXT=x.y' <<<"$out"
check "without NEXT: refused, with what to give" $?
out=$(make -s freeze NEXT="$cur" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "NEXT=$cur is not later than $cur" <<<"$out"
check "NEXT=$cur (not later): refused" $?
out=$(make -s freeze NEXT=latest 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q 'NEXT=latest is not a version of the form major.minor' <<<"$out"
check "NEXT=latest: refused" $?
up=$(ls extension/install/upgrade/*--"$cur".sql) && mv "$up" "$copy/held.sql"
out=$(make -s freeze NEXT="$next" 2>&1); rc=$?
mv "$copy/held.sql" "$up"
[ $rc -ne 0 ] && grep -q "no upgrade to $cur: write extension/install/upgrade/<previous>--$cur.sql first" <<<"$out"
check "$cur without its upgrade script: refused" $?
[ ! -e "extension/krimp--$cur.sql" ] && [ "$(cat extension/released.sha256)" = "$sums_before" ] \
  && grep -q "^default_version = '$cur'" krimp.control
check "a refused freeze changes nothing" $?

out=$(make -s freeze NEXT="$next" 2>&1); rc=$?
printf '%s\n' "$out" | sed 's/^/  /'
check "make freeze NEXT=$next releases $cur" $rc
cat extension/install/*.sql | cmp -s - "extension/krimp--$cur.sql"
check "extension/krimp--$cur.sql is the parts, in name order" $?
upgrade=$(ls extension/install/upgrade/*--"$cur".sql)
grep -q "extension/krimp--$cur.sql$" extension/released.sha256 && grep -q "$upgrade$" extension/released.sha256 \
  && [ "$(grep -cxF -f <(printf '%s\n' "$sums_before") extension/released.sha256)" -eq "$(printf '%s\n' "$sums_before" | grep -c '')" ] \
  && sha256sum --quiet -c extension/released.sha256
check "the checksums: $cur's install and upgrade scripts added, the earlier ones kept, all hold" $?
grep -q "^default_version = '$next'" krimp.control && [ -f "extension/install/upgrade/$cur--$next.sql" ] \
  && grep -q "ALTER EXTENSION krimp UPDATE TO '$next'" "extension/install/upgrade/$cur--$next.sql"
check "$next is in development, with its upgrade script from $cur" $?
out=$(make -s freeze NEXT="$next" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "NEXT=$next is not later than $next" <<<"$out"
check "a second freeze with the same NEXT: refused" $?
echo "1" >> "extension/krimp--$cur.sql"
! sha256sum --quiet -c extension/released.sha256 >/dev/null 2>&1
check "a changed released script fails the checksums" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
