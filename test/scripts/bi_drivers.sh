#!/usr/bin/env bash
# The BI views through real drivers, as Power BI, Tableau, Metabase and
# Excel reach them: psqlODBC through unixODBC (test/bi/odbc_check.c) and
# pgJDBC (test/bi/JdbcCheck.java) read every view of krimp_bi over TCP,
# every reported column type must be a standard SQL type (the geometry of the
# QGIS layer krimp_bi.region_layer is the one exception), and the rows each
# driver fetches must match psql's count for the same login.  Logins of
# Groningen and Zeeland show that row-level security holds through the views:
# the other organisation's embargoed rows are not counted.
# Runs against the cluster in PGHOST/PGPORT/PGUSER (scripts/test.sh), in a
# database of its own.  Needs unixodbc, unixodbc-dev, odbc-postgresql,
# libpostgresql-jdbc-java and a JDK (scripts/deps.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
db=krimp_bi_drivers
port=${PGPORT:?PGPORT is not set}
owner=${PGUSER:-$(id -un)}
logins=(regress_bi_drv_groningen regress_bi_drv_zeeland)
declare -A org_of=([regress_bi_drv_groningen]=PV20 [regress_bi_drv_zeeland]=PV29)
declare -A role_of=([regress_bi_drv_groningen]=krimp_groningen [regress_bi_drv_zeeland]=krimp_zeeland)
password=bi-test-only
jar=${KRIMP_JDBC_JAR:-/usr/share/java/postgresql.jar}
work=$(mktemp -d /tmp/krimp-bi-drivers.XXXXXX)
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
q() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"; }
# psql as a login, over TCP like the drivers
q_as() { local who=$1; shift; PGPASSWORD=$password psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$who" -d "$db" "$@"; }
cleanup() {
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
  for l in "${logins[@]}"; do
    psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $l" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

# ---- the drivers and the two test programs ------------------------------------
ok=0
for tool in cc javac java odbcinst; do command -v $tool >/dev/null || { echo "  missing: $tool"; ok=1; }; done
[ -f "$jar" ] || { echo "  missing: $jar (libpostgresql-jdbc-java)"; ok=1; }
[ -f /usr/include/sql.h ] || { echo "  missing: /usr/include/sql.h (unixodbc-dev)"; ok=1; }
# psqlODBC: registered in odbcinst.ini as "PostgreSQL Unicode" (Debian), else by the library's path
if odbcinst -q -d -n "PostgreSQL Unicode" >/dev/null 2>&1; then
  odbc_driver="PostgreSQL Unicode"
else
  odbc_driver=$(dpkg -L odbc-postgresql 2>/dev/null | grep '/psqlodbcw\.so$' | head -n1)
  [ -n "$odbc_driver" ] || { echo "  missing: psqlODBC (odbc-postgresql)"; ok=1; }
fi
check "the drivers are installed (psqlODBC: ${odbc_driver:-none}; pgJDBC: $jar)" $ok
[ $ok -eq 0 ] || finish
cc -Wall -Wextra -Werror -O2 -o "$work/odbc_check" test/bi/odbc_check.c -lodbc
check "build test/bi/odbc_check.c (cc ... -lodbc)" $?
javac -Xlint:all -Werror -d "$work" test/bi/JdbcCheck.java
check "build test/bi/JdbcCheck.java (javac)" $?
[ -x "$work/odbc_check" ] && [ -f "$work/JdbcCheck.class" ] || finish

# ---- a database with a bit of everything, and the BI logins --------------------
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION krimp CASCADE" -f data/organisations.sql >/dev/null \
  && q -f test/scripts/fill_warehouse.sql >/dev/null && q -f test/bi/fill_bi.sql >/dev/null
check "database $db with the extension, test/scripts/fill_warehouse.sql and test/bi/fill_bi.sql" $?
ok=0
for l in "${logins[@]}"; do
  psql -X -q -d postgres -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $l" \
    -c "CREATE ROLE $l LOGIN PASSWORD '$password' IN ROLE ${role_of[$l]}" || ok=1
  [ "$(q_as "$l" -c "SELECT current_user")" = "$l" ] || ok=1
done
check "BI logins ${logins[*]} (LOGIN PASSWORD, IN ROLE krimp_groningen / krimp_zeeland) connect over TCP" $ok
views=$(q -c "SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.views WHERE table_schema = 'krimp_bi'")
echo "  views: $views"

# ---- an ODBC data source, as a BI desktop would configure it --------------------
odbcinst -j | sed 's/^/  /'
cat > "$work/odbc.ini" <<INI
[krimp_bi]
Description = krimp BI views (test)
Driver      = $odbc_driver
Servername  = 127.0.0.1
Port        = $port
Database    = $db
SSLmode     = disable
INI
export ODBCINI=$work/odbc.ini
odbcinst -q -s 2>/dev/null | grep -qx '\[krimp_bi\]'
check "user DSN krimp_bi in $ODBCINI (ODBCINI): Driver=$odbc_driver, 127.0.0.1:$port" $?

# ---- read every view through both drivers, as the owner and as each BI login ----
declare -A count
for who in "$owner" "${logins[@]}"; do
  for v in $views; do count[psql,$who,$v]=$(q_as "$who" -c "SELECT count(*) FROM krimp_bi.$v"); done
  "$work/odbc_check" "DSN=krimp_bi;UID=$who;PWD=$password" > "$work/odbc.$who" 2> "$work/odbc.$who.err"
  rc_odbc=$?
  java -cp "$work:$jar" JdbcCheck "jdbc:postgresql://127.0.0.1:$port/$db?sslmode=disable" "$who" "$password" \
    > "$work/jdbc.$who" 2> "$work/jdbc.$who.err"
  rc_jdbc=$?
  for d in odbc jdbc; do
    out=$work/$d.$who
    rc=$rc_odbc; [ $d = jdbc ] && rc=$rc_jdbc
    [ -s "$out.err" ] && sed 's/^/  /' "$out.err"
    [ "$(awk '$1 == "view" { printf "%s%s", sep, $2; sep = " " }' "$out")" = "$views" ]
    check "$d as $who: connects (exit $rc) and finds the $(wc -w <<< "$views") views of krimp_bi" $?
    bad=$(awk '$1 == "column" && $7 != "standard" && !($7 == "exception" && $2 == "region_layer" && $3 == "geom")' "$out")
    [ -n "$bad" ] && printf '%s\n' "$bad" | sed 's/^/  /'
    [ "$rc" -eq 0 ] && [ -z "$bad" ] && [ "$(grep -c '^column region_layer geom .* exception$' "$out")" -eq 1 ] \
      && [ "$(grep -c '^column ' "$out")" -eq "$(q -c "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'krimp_bi'")" ]
    check "$d as $who: every column of every view has a standard SQL type, the geometry of region_layer excepted" $?
    ok=0
    for v in $views; do
      count[$d,$who,$v]=$(awk -v v="$v" '$1 == "rows" && $2 == v { print $3 }' "$out")
      if [ "${count[$d,$who,$v]}" != "${count[psql,$who,$v]}" ]; then
        echo "  $v: $d fetched ${count[$d,$who,$v]:-nothing}, psql counts ${count[psql,$who,$v]}"; ok=1
      fi
    done
    check "$d as $who: the rows fetched from every view match psql's counts" $ok
  done
done

# ---- row-level security through the views -----------------------------------------
# what each organisation may see, counted by the owner (who sees everything)
for l in "${logins[@]}"; do
  org=${org_of[$l]}
  total=$(q -c "SELECT count(*) FROM krimp_bi.fact_observation")
  hidden=$(q -c "SELECT count(*) FROM krimp_bi.fact_observation WHERE embargoed AND org_code <> '$org'")
  own=$(q -c "SELECT count(*) FROM krimp_bi.fact_observation WHERE embargoed AND org_code = '$org'")
  expected=$((total - hidden))
  echo "  $l ($org): fact_observation has $total rows, $hidden embargoed of other organisations, $own embargoed of its own;" \
       "psql ${count[psql,$l,fact_observation]}, odbc ${count[odbc,$l,fact_observation]}, jdbc ${count[jdbc,$l,fact_observation]}"
  [ "$hidden" -gt 0 ] && [ "$own" -gt 0 ] \
    && [ "${count[odbc,$l,fact_observation]}" = "$expected" ] && [ "${count[jdbc,$l,fact_observation]}" = "$expected" ]
  check "row-level security through the views for $l: the $hidden embargoed rows of other organisations are not counted, its own $own are" $?
done

# ---- the check is not vacuous: a view with a period, an array and a range fails it ----
q -c "CREATE VIEW krimp_bi.zz_negative_control AS SELECT 1::bigint AS control_key, '2013-Q3'::krimp.period AS period,
        ARRAY[1, 2] AS numbers, int4range(1, 5) AS span, 'fine'::text AS label" >/dev/null
"$work/odbc_check" "DSN=krimp_bi;UID=$owner;PWD=$password" > "$work/odbc.control" 2>&1; rc_odbc=$?
java -cp "$work:$jar" JdbcCheck "jdbc:postgresql://127.0.0.1:$port/$db?sslmode=disable" "$owner" "$password" \
  > "$work/jdbc.control" 2>&1; rc_jdbc=$?
q -c "DROP VIEW krimp_bi.zz_negative_control" >/dev/null
for d in odbc jdbc; do
  rc=$rc_odbc; [ $d = jdbc ] && rc=$rc_jdbc
  grep '^column zz_negative_control ' "$work/$d.control" | sed 's/^column /  /'
  [ "$rc" -eq 2 ] && [ "$(grep -c '^column zz_negative_control \(period\|numbers\|span\) .* NONSTANDARD$' "$work/$d.control")" -eq 3 ] \
    && [ "$(grep -c '^column zz_negative_control .* NONSTANDARD$' "$work/$d.control")" -eq 3 ]
  check "$d: a view with a krimp.period, an array and a range is reported as not standard (exit $rc)" $?
done

# ---- a tool's own SQL with krimp's operators: the search_path options of docs/bi.md ----
# A period query as an analyst's tool (DBeaver, Excel's query editor) sends it: without krimp on
# the search_path the operator is not found; with each driver's connection option it is.  The
# answer is counted by psql with the operator qualified.
op_sql="SELECT count(*) FROM generate_series(2008, 2016) y WHERE krimp.period('year', y) <@ '2010/2013'"
want=$(q -c "SELECT count(*) FROM generate_series(2008, 2016) y WHERE krimp.period('year', y) OPERATOR(krimp.<@) '2010/2013'")
"$work/odbc_check" "DSN=krimp_bi;UID=$owner;PWD=$password" "$op_sql" > "$work/odbc.op0" 2>&1; rc0=$?
"$work/odbc_check" "DSN=krimp_bi;UID=$owner;PWD=$password;ConnSettings=SET search_path TO \"\$user\",public,krimp" "$op_sql" \
  > "$work/odbc.op1" 2>&1; rc1=$?
grep -Eho 'operator (does not exist|is not unique)[^"]*' "$work/odbc.op0" | head -1 | sed 's/^/  odbc without: /'
echo "  odbc with ConnSettings: $(grep '^answer' "$work/odbc.op1") (psql: $want)"
[ "$rc0" -ne 0 ] && grep -Eq 'operator (does not exist|is not unique)' "$work/odbc.op0" && [ "$rc1" -eq 0 ] && [ "$want" -eq 4 ] \
  && [ "$(grep '^answer' "$work/odbc.op1")" = "answer $want" ]
check "odbc: krimp's operators need krimp on the search_path; ConnSettings=SET search_path TO ... gives them (answer $want)" $?
java -cp "$work:$jar" JdbcCheck "jdbc:postgresql://127.0.0.1:$port/$db?sslmode=disable" "$owner" "$password" "$op_sql" \
  > "$work/jdbc.op0" 2>&1; rc0=$?
java -cp "$work:$jar" JdbcCheck "jdbc:postgresql://127.0.0.1:$port/$db?sslmode=disable&currentSchema=\$user,public,krimp" \
  "$owner" "$password" "$op_sql" > "$work/jdbc.op1" 2>&1; rc1=$?
java -cp "$work:$jar" JdbcCheck "jdbc:postgresql://127.0.0.1:$port/$db?sslmode=disable&options=-c%20search_path=\$user,public,krimp" \
  "$owner" "$password" "$op_sql" > "$work/jdbc.op2" 2>&1; rc2=$?
grep -Eho 'operator (does not exist|is not unique).*' "$work/jdbc.op0" | head -1 | sed 's/^/  jdbc without: /'
echo "  jdbc with currentSchema: $(grep '^answer' "$work/jdbc.op1"), with options: $(grep '^answer' "$work/jdbc.op2")"
[ "$rc0" -ne 0 ] && grep -Eq 'operator (does not exist|is not unique)' "$work/jdbc.op0" && [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] \
  && [ "$(grep '^answer' "$work/jdbc.op1")" = "answer $want" ] && [ "$(grep '^answer' "$work/jdbc.op2")" = "answer $want" ]
check "jdbc: currentSchema=\$user,public,krimp and options=-c search_path=... give krimp's operators (answer $want)" $?
# the plain-named function needs no option at all
"$work/odbc_check" "DSN=krimp_bi;UID=$owner;PWD=$password" \
  "SELECT count(*) FROM generate_series(2008, 2016) y WHERE krimp.within(krimp.period('year', y), '2010/2013')" > "$work/odbc.op3" 2>&1
[ "$(grep '^answer' "$work/odbc.op3")" = "answer $want" ]
check "odbc: krimp.within(p, '2010/2013') works without the search_path option (answer $want)" $?

# ---- what the drivers said ---------------------------------------------------------
echo "  drivers:"
for d in odbc jdbc; do grep -m1 '^driver ' "$work/$d.$owner" | sed "s/^driver /    $d: /"; done
echo "  column types reported (driver type, server type: columns):"
for d in odbc jdbc; do
  awk -v d="$d" '$1 == "column" { n[$5 " " $6]++ } END { for (t in n) printf "    %s: %s: %d\n", d, t, n[t] }' "$work/$d.$owner" | sort
done
echo "  the QGIS layer's geometry:"
for d in odbc jdbc; do grep '^column region_layer geom ' "$work/$d.$owner" | sed "s/^column /    $d: /"; done
echo "  rows per view (psql / odbc / jdbc):"
printf '    %-28s' view; for who in "$owner" "${logins[@]}"; do printf ' %-26s' "$who"; done; echo
for v in $views; do
  printf '    %-28s' "$v"
  for who in "$owner" "${logins[@]}"; do
    printf ' %-26s' "${count[psql,$who,$v]} / ${count[odbc,$who,$v]:--} / ${count[jdbc,$who,$v]:--}"
  done
  echo
done
finish
