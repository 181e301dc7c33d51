/*
 * odbc_check: read every view of the schema krimp_bi through an ODBC driver
 * (psqlODBC through unixODBC), the way a BI tool does, and report what the
 * driver says about each column and how many rows it fetched.
 *
 *   odbc_check CONNECTION-STRING
 *   odbc_check CONNECTION-STRING QUERY
 *
 * With a QUERY it runs only that, as a tool's own SQL, and prints
 * "answer <first column as text>" for each row (exit 1 on an error).
 * Prints, one fact per line (test/scripts/bi_drivers.sh reads them):
 *
 *   driver <driver name> <driver version> dm <driver manager version>
 *   view <name>                                  (from SQLTables, schema krimp_bi)
 *   column <view> <column> <SQL type code> <SQL type name> <server type name> standard|exception|NONSTANDARD
 *   rows <view> <rows fetched>
 *
 * A column is standard when the driver reports a standard SQL type (character,
 * integer, bigint, floating point, numeric, date, timestamp, bit) and the
 * server type is one of text, varchar, int4, int8, float8, numeric, date,
 * timestamptz, bool; the geometry of krimp_bi.region_layer is reported as the
 * one exception.  Every value is fetched as text, so a value the driver cannot
 * convert fails the run.  Exit status 0 when everything was read, 1 on an
 * ODBC error, 2 when a column is not standard.
 *
 * Build: cc -Wall -Wextra -o odbc_check odbc_check.c -lodbc
 */
#include <sql.h>
#include <sqlext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VIEWS 64

static SQLHENV env;
static SQLHDBC dbc;

static void
die(SQLSMALLINT type, SQLHANDLE handle, const char *what)
{
	SQLCHAR		state[6], msg[1024];
	SQLINTEGER	native;
	SQLSMALLINT len;
	SQLSMALLINT i = 1;

	fprintf(stderr, "odbc_check: %s failed\n", what);
	while (SQLGetDiagRec(type, handle, i++, state, &native, msg, sizeof msg, &len) == SQL_SUCCESS)
		fprintf(stderr, "  %s (%ld): %s\n", (char *) state, (long) native, (char *) msg);
	exit(1);
}

#define CHECK(rc, type, handle, what) \
	do { if (!SQL_SUCCEEDED(rc)) die(type, handle, what); } while (0)

static const char *
sql_type_name(SQLSMALLINT t)
{
	switch (t)
	{
		case SQL_CHAR: return "SQL_CHAR";
		case SQL_VARCHAR: return "SQL_VARCHAR";
		case SQL_LONGVARCHAR: return "SQL_LONGVARCHAR";
		case SQL_WCHAR: return "SQL_WCHAR";
		case SQL_WVARCHAR: return "SQL_WVARCHAR";
		case SQL_WLONGVARCHAR: return "SQL_WLONGVARCHAR";
		case SQL_SMALLINT: return "SQL_SMALLINT";
		case SQL_INTEGER: return "SQL_INTEGER";
		case SQL_BIGINT: return "SQL_BIGINT";
		case SQL_REAL: return "SQL_REAL";
		case SQL_FLOAT: return "SQL_FLOAT";
		case SQL_DOUBLE: return "SQL_DOUBLE";
		case SQL_NUMERIC: return "SQL_NUMERIC";
		case SQL_DECIMAL: return "SQL_DECIMAL";
		case SQL_TYPE_DATE: return "SQL_TYPE_DATE";
		case SQL_TYPE_TIMESTAMP: return "SQL_TYPE_TIMESTAMP";
		case SQL_BIT: return "SQL_BIT";
		case SQL_BINARY: return "SQL_BINARY";
		case SQL_VARBINARY: return "SQL_VARBINARY";
		case SQL_LONGVARBINARY: return "SQL_LONGVARBINARY";
		case SQL_GUID: return "SQL_GUID";
		case SQL_TYPE_TIME: return "SQL_TYPE_TIME";
		default: return "SQL_other";
	}
}

static int
standard_sql_type(SQLSMALLINT t)
{
	switch (t)
	{
		case SQL_CHAR: case SQL_VARCHAR: case SQL_LONGVARCHAR:
		case SQL_WCHAR: case SQL_WVARCHAR: case SQL_WLONGVARCHAR:
		case SQL_INTEGER: case SQL_BIGINT:
		case SQL_FLOAT: case SQL_DOUBLE: case SQL_NUMERIC: case SQL_DECIMAL:
		case SQL_TYPE_DATE: case SQL_TYPE_TIMESTAMP: case SQL_BIT:
			return 1;
		default:
			return 0;
	}
}

static int
standard_server_type(const char *name)
{
	static const char *const ok[] = {"text", "varchar", "int4", "int8", "float8", "numeric",
		"date", "timestamptz", "bool", NULL};

	for (int i = 0; ok[i]; i++)
		if (strcmp(name, ok[i]) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	SQLHSTMT	st;
	SQLRETURN	rc;
	SQLCHAR		out[1024], name[256], version[256], dmver[256];
	SQLSMALLINT outlen;
	char		views[MAX_VIEWS][256];
	int			nviews = 0, nonstandard = 0;

	if (argc != 2 && argc != 3)
	{
		fprintf(stderr, "usage: odbc_check CONNECTION-STRING [QUERY]\n");
		return 1;
	}
	CHECK(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env), SQL_HANDLE_ENV, env, "SQLAllocHandle(ENV)");
	CHECK(SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER) SQL_OV_ODBC3, 0), SQL_HANDLE_ENV, env,
		  "SQLSetEnvAttr(ODBC3)");
	CHECK(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc), SQL_HANDLE_ENV, env, "SQLAllocHandle(DBC)");
	rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *) argv[1], SQL_NTS, out, sizeof out, &outlen,
						  SQL_DRIVER_NOPROMPT);
	CHECK(rc, SQL_HANDLE_DBC, dbc, "SQLDriverConnect");
	CHECK(SQLGetInfo(dbc, SQL_DRIVER_NAME, name, sizeof name, NULL), SQL_HANDLE_DBC, dbc, "SQLGetInfo");
	CHECK(SQLGetInfo(dbc, SQL_DRIVER_VER, version, sizeof version, NULL), SQL_HANDLE_DBC, dbc, "SQLGetInfo");
	CHECK(SQLGetInfo(dbc, SQL_DM_VER, dmver, sizeof dmver, NULL), SQL_HANDLE_DBC, dbc, "SQLGetInfo");
	printf("driver %s %s dm %s\n", (char *) name, (char *) version, (char *) dmver);

	if (argc == 3)
	{
		/* a tool's own SQL: the first column of every row, as text */
		CHECK(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "SQLAllocHandle(STMT)");
		CHECK(SQLExecDirect(st, (SQLCHAR *) argv[2], SQL_NTS), SQL_HANDLE_STMT, st, argv[2]);
		while ((rc = SQLFetch(st)) != SQL_NO_DATA)
		{
			SQLLEN		ind;

			CHECK(rc, SQL_HANDLE_STMT, st, "SQLFetch");
			CHECK(SQLGetData(st, 1, SQL_C_CHAR, name, sizeof name, &ind), SQL_HANDLE_STMT, st, "SQLGetData");
			printf("answer %s\n", ind == SQL_NULL_DATA ? "NULL" : (char *) name);
		}
		SQLFreeHandle(SQL_HANDLE_STMT, st);
		SQLDisconnect(dbc);
		return 0;
	}

	/* the views, as a BI tool's navigator finds them */
	CHECK(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "SQLAllocHandle(STMT)");
	CHECK(SQLTables(st, NULL, 0, (SQLCHAR *) "krimp_bi", SQL_NTS, (SQLCHAR *) "%", SQL_NTS,
					(SQLCHAR *) "VIEW", SQL_NTS), SQL_HANDLE_STMT, st, "SQLTables");
	while ((rc = SQLFetch(st)) != SQL_NO_DATA)
	{
		SQLLEN		ind;

		CHECK(rc, SQL_HANDLE_STMT, st, "SQLFetch(SQLTables)");
		CHECK(SQLGetData(st, 3, SQL_C_CHAR, name, sizeof name, &ind), SQL_HANDLE_STMT, st, "SQLGetData");
		if (nviews < MAX_VIEWS)
		{
			snprintf(views[nviews], sizeof views[nviews], "%s", (char *) name);
			printf("view %s\n", views[nviews]);
			nviews++;
		}
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);

	for (int v = 0; v < nviews; v++)
	{
		char		sql[512];
		SQLSMALLINT ncols;
		long		rows = 0;

		CHECK(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st), SQL_HANDLE_DBC, dbc, "SQLAllocHandle(STMT)");
		snprintf(sql, sizeof sql, "SELECT * FROM krimp_bi.\"%s\"", views[v]);
		CHECK(SQLExecDirect(st, (SQLCHAR *) sql, SQL_NTS), SQL_HANDLE_STMT, st, sql);
		CHECK(SQLNumResultCols(st, &ncols), SQL_HANDLE_STMT, st, "SQLNumResultCols");
		for (SQLUSMALLINT c = 1; c <= (SQLUSMALLINT) ncols; c++)
		{
			SQLCHAR		col[256], tname[256];
			SQLSMALLINT collen, type, digits, nullable;
			SQLULEN		size;
			const char *verdict;

			CHECK(SQLDescribeCol(st, c, col, sizeof col, &collen, &type, &size, &digits, &nullable),
				  SQL_HANDLE_STMT, st, "SQLDescribeCol");
			CHECK(SQLColAttribute(st, c, SQL_DESC_TYPE_NAME, tname, sizeof tname, NULL, NULL),
				  SQL_HANDLE_STMT, st, "SQLColAttribute(SQL_DESC_TYPE_NAME)");
			if (standard_sql_type(type) && standard_server_type((char *) tname))
				verdict = "standard";
			else if (strcmp(views[v], "region_layer") == 0 && strcmp((char *) col, "geom") == 0)
				verdict = "exception";
			else
			{
				verdict = "NONSTANDARD";
				nonstandard++;
			}
			printf("column %s %s %d %s %s %s\n", views[v], (char *) col, (int) type, sql_type_name(type),
				   (char *) tname, verdict);
		}
		while ((rc = SQLFetch(st)) != SQL_NO_DATA)
		{
			CHECK(rc, SQL_HANDLE_STMT, st, "SQLFetch");
			for (SQLUSMALLINT c = 1; c <= (SQLUSMALLINT) ncols; c++)
			{
				static SQLCHAR buf[1 << 16];
				SQLLEN		ind;

				/* every value as text (long ones, the geometry, may come in parts) */
				do
				{
					rc = SQLGetData(st, c, SQL_C_CHAR, buf, sizeof buf, &ind);
					CHECK(rc, SQL_HANDLE_STMT, st, "SQLGetData");
				} while (rc == SQL_SUCCESS_WITH_INFO);
			}
			rows++;
		}
		printf("rows %s %ld\n", views[v], rows);
		SQLFreeHandle(SQL_HANDLE_STMT, st);
	}
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return nonstandard ? 2 : 0;
}
