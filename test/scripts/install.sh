#!/usr/bin/env bash
# make install puts krimpctl and its man pages where a user finds them: the
# binary next to psql (pg_config --bindir) and the man pages under share/man of
# PostgreSQL's prefix, or with PREFIX=DIR under DIR/bin and DIR/share/man/man1;
# make uninstall removes them.  Each is checked from PATH, as a user would run
# it: krimpctl --help, and man krimpctl-load with MANPATH set to the folder (or,
# for a PREFIX, nothing set: man finds DIR/share/man from DIR/bin on PATH).
# Installs into throwaway folders (DESTDIR, PREFIX); also checks the
# installation that make test made before (make install).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MANPAGER=cat PAGER=cat MANWIDTH=100
unset MANPATH

command -v man >/dev/null 2>&1
check "man is installed (man-db, scripts/deps.sh)" $?
make -s -C "$root" cli >/dev/null
commands=$("$root/cli/krimpctl" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
echo "  commands: $(echo $commands)"
[ -n "$commands" ]
check "krimpctl --help lists its commands" $?
missing=
for c in $commands; do [ -f "docs/man/krimpctl-$c.1" ] || missing="$missing $c"; done
[ -f docs/man/krimpctl.1 ] && [ -z "$missing" ]
check "a man page for krimpctl and for each command (docs/man/krimpctl-COMMAND.1)${missing:+, missing:$missing}" $?

# the folders make uses: the PGXS ones by default
eval "$(make -s -C "$root" krimpctl-dirs)"
pg_bindir=$(pg_config --bindir)
pg_mandir=$(pg_config --mandir)
echo "  pg_config --bindir $pg_bindir, --mandir $pg_mandir; krimpctl: $bindir, man pages: $mandir/man1"
[ "$bindir" = "$pg_bindir" ] && { [ "$mandir" = "$pg_mandir" ] || [ "$mandir" = "${pg_mandir%/postgresql/*/man}/man" ]; }
check "by default krimpctl goes next to psql, its man pages under share/man of PostgreSQL's prefix" $?

# man NAME as a user runs it: the page's NAME line, or nothing
man_name() { man "$1" 2>/dev/null | sed -n '/^NAME/{n;p;q}' | sed 's/^ *//'; }

# ---- make install DESTDIR=... -----------------------------------------------
dest=$tmp/dest
make -s -C "$root" install DESTDIR="$dest" >/dev/null 2>"$tmp/err"
check "make install DESTDIR=$dest" $?
[ -x "$dest$bindir/krimpctl" ] && cmp -s "$dest$bindir/krimpctl" "$root/cli/krimpctl"
check "krimpctl installed in DESTDIR$bindir" $?
n=$(ls "$dest$mandir/man1" | grep -c '^krimpctl.*\.1$')
[ "$n" = "$(ls docs/man/krimpctl*.1 | wc -l)" ]
check "its $n man pages in DESTDIR$mandir/man1" $?
out=$(PATH="$dest$bindir:$PATH" krimpctl --help 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q '^  load ' <<<"$out" && [ "$(PATH="$dest$bindir:$PATH" command -v krimpctl)" = "$dest$bindir/krimpctl" ]
check "krimpctl --help from PATH (the DESTDIR copy)" $?
name=$(MANPATH="$dest$mandir:" man_name krimpctl-load)
echo "  man krimpctl-load: $name"
[ "$name" = "krimpctl-load - load CBS open data into the krimp warehouse" ] \
  && [ "$(MANPATH="$dest$mandir:" man -w krimpctl-load)" = "$dest$mandir/man1/krimpctl-load.1" ]
check "man krimpctl-load with MANPATH=$dest$mandir: (the DESTDIR copy)" $?
bad=
for c in krimpctl $(printf 'krimpctl-%s ' $commands); do
  [ -n "$(MANPATH="$dest$mandir:" man_name "$c")" ] || bad="$bad $c"
done
[ -z "$bad" ]
check "man shows every page: krimpctl and krimpctl-COMMAND${bad:+ (not:$bad)}" $?
make -s -C "$root" uninstall DESTDIR="$dest" >/dev/null 2>&1
left=$(find "$dest" -name 'krimpctl*' | wc -l)
[ "$left" -eq 0 ] && [ -z "$(MANPATH="$dest$mandir:" man -w krimpctl-load 2>/dev/null | grep "^$dest")" ]
check "make uninstall DESTDIR=... removes krimpctl and its man pages ($left left)" $?

# ---- make install PREFIX=... (only krimpctl and its man pages move) -----------
prefix=$tmp/usr/local
make -s -C "$root" install-cli PREFIX="$prefix" >/dev/null
[ -x "$prefix/bin/krimpctl" ] && [ -f "$prefix/share/man/man1/krimpctl-load.1" ]
check "make install-cli PREFIX=DIR: DIR/bin/krimpctl, DIR/share/man/man1/krimpctl-load.1" $?
out=$(PATH="$prefix/bin:$PATH" krimpctl --version 2>&1); rc=$?
name=$(PATH="$prefix/bin:$PATH" man_name krimpctl-load)
[ $rc -eq 0 ] && grep -q '^krimpctl' <<<"$out" \
  && [ "$(PATH="$prefix/bin:$PATH" man -w krimpctl-load)" = "$prefix/share/man/man1/krimpctl-load.1" ] \
  && [ "$name" = "krimpctl-load - load CBS open data into the krimp warehouse" ]
check "with DIR/bin on PATH and no MANPATH: krimpctl runs, man krimpctl-load finds DIR/share/man" $?
make -s -C "$root" uninstall-cli PREFIX="$prefix" >/dev/null
[ "$(find "$prefix" -name 'krimpctl*' | wc -l)" -eq 0 ]
check "make uninstall-cli PREFIX=DIR removes them" $?

# ---- the installation make test made (make install, no DESTDIR) ---------------
if [ -x "$bindir/krimpctl" ]; then
  out=$(PATH="$bindir:$PATH" krimpctl --help 2>&1); rc=$?
  name=$(PATH="$bindir:$PATH" MANPATH="$mandir:" man_name krimpctl-load)
  [ $rc -eq 0 ] && grep -q '^  load ' <<<"$out" && cmp -s "$bindir/krimpctl" "$root/cli/krimpctl" \
    && [ "$name" = "krimpctl-load - load CBS open data into the krimp warehouse" ]
  check "the installed krimpctl ($bindir) runs from PATH; man krimpctl-load with MANPATH=$mandir:" $?
else
  check "krimpctl is installed in $bindir (run make install first)" 1
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
