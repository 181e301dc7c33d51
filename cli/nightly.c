/*
 * nightly.c
 *	  krimpctl nightly: CALL krimp.nightly() and print the flags it raised,
 *	  as a table for people or JSON / CSV for alerting.  The call and the
 *	  reading of its results share one transaction: the job's advisory lock
 *	  is held until the COMMIT, so the latest run visible is this one.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "krimpctl.h"

/* columns of the flags query */
enum
{
	F_STATUS, F_INDICATOR, F_REGION, F_NAME, F_PERIOD, F_KIND, F_DIRECTION, F_ASSESSMENT,
	F_BEFORE, F_AFTER, F_ABS, F_REL, F_P, F_SCORE, F_RECENT, F_DECIMALS, F_NCOLS
};
static const char *const flag_names[] = {
	"status", "indicator", "region", "region_name", "period", "kind", "direction", "assessment",
	"before", "after", "abs_change", "rel_change", "p_value", "score", "recent"
};

static void
usage(void)
{
	printf("%s nightly runs the nightly tipping-point job (CALL krimp.nightly()) and prints\n"
		   "the flags it raised for the first time.\n\n", progname);
	printf("Usage:\n  %s nightly [OPTION]...\n\n", progname);
	printf("Options:\n"
		   "      --full               examine every series, not only those whose figures changed\n"
		   "  -F, --format=FORMAT      table (default), json or csv\n"
		   "      --all                every flag the run touched: new, confirmed and withdrawn\n"
		   "  -?, --help               show this help, then exit\n\n");
	printf(CLI_CONN_HELP);
	printf("\nThe user must be a member of krimp_admin.  Exit status 6 means another run is in\n"
		   "progress; see man krimpctl-nightly.\n\n");
	printf(KRIMPCTL_EXIT_CODES);
}

static void
print_json(const PGresult *run, const PGresult *flags)
{
	yajl_gen	g = yajl_gen_alloc(NULL);
	static const char *const run_keys[] = {"run_id", "series_examined", "new", "confirmed", "withdrawn",
	"duration_ms"};

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	for (int c = 0; c < 6; c++)
	{
		cli_json_key(g, run_keys[c]);
		cli_json_number(g, run, 0, c);
	}
	cli_json_key(g, "full_run");
	yajl_gen_bool(g, strcmp(PQgetvalue(run, 0, 6), "t") == 0);
	cli_json_key(g, "flags");
	yajl_gen_array_open(g);
	for (int r = 0; r < PQntuples(flags); r++)
	{
		yajl_gen_map_open(g);
		for (int c = 0; c < F_DECIMALS; c++)
		{
			cli_json_key(g, flag_names[c]);
			if (c >= F_BEFORE && c <= F_SCORE)
				cli_json_number(g, flags, r, c);
			else if (c == F_RECENT)
			{
				if (PQgetisnull(flags, r, c))
					yajl_gen_null(g);
				else
					yajl_gen_bool(g, strcmp(PQgetvalue(flags, r, c), "t") == 0);
			}
			else
				cli_json_text(g, flags, r, c);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	cli_json_print(g);
}

static void
print_csv(const PGresult *run, const PGresult *flags)
{
	const char *const lead[] = {"run_id"};
	const char *const key[] = {PQgetvalue(run, 0, 0)};

	cli_csv_result(stdout, lead, key, 1, flag_names, flags, F_DECIMALS);
}

/* a flag's column as printed: numbers with the indicator's decimals, the change in per cent */
static char *
flag_cell(const PGresult *flags, int r, int c)
{
	char		buf[256];
	const char *v = PQgetvalue(flags, r, c);
	int			dec = atoi(PQgetvalue(flags, r, F_DECIMALS));

	if (PQgetisnull(flags, r, c))
		buf[0] = '\0';
	else if (c == F_BEFORE || c == F_AFTER || c == F_ABS)
		snprintf(buf, sizeof buf, c == F_ABS ? "%+.*f" : "%.*f", dec, atof(v));
	else if (c == F_REL)
		snprintf(buf, sizeof buf, "%+.1f", 100 * atof(v));
	else if (c == F_P)
		snprintf(buf, sizeof buf, "%.3g", atof(v));
	else if (c == F_SCORE)
		snprintf(buf, sizeof buf, "%.1f", atof(v));
	else if (c == F_RECENT)
		snprintf(buf, sizeof buf, "%s", strcmp(v, "t") == 0 ? "yes" : "no");
	else
		snprintf(buf, sizeof buf, "%s", v);
	return strdup(buf);
}

static void
print_run(const PGresult *run, const PGresult *flags, bool all)
{
	static const char *const heads[] = {"status", "indicator", "region", "name", "period", "kind",
		"direction", "assessment", "before", "after", "change", "change %", "p", "score", "recent"};
	int			n = PQntuples(flags);
	int			first = all ? 0 : 1;
	int			nc = F_DECIMALS - first;
	bool		right[F_DECIMALS];
	static char empty[] = "";
	char	  **cells;
	cli_table	t = {"", nc, n, heads + first, NULL, right, false, true};

	printf("nightly run %s%s: %s series examined; %s new, %s confirmed, %s withdrawn flag(s) in %.0f ms\n",
		   PQgetvalue(run, 0, 0), strcmp(PQgetvalue(run, 0, 6), "t") == 0 ? " (full)" : "",
		   PQgetvalue(run, 0, 1), PQgetvalue(run, 0, 2), PQgetvalue(run, 0, 3), PQgetvalue(run, 0, 4),
		   atof(PQgetvalue(run, 0, 5)));
	if (n == 0)
	{
		printf(all ? "no flags touched\n" : "no new flags\n");
		return;
	}
	cells = calloc((size_t) n * nc, sizeof(char *));
	if (!cells)
		return;
	for (int c = 0; c < nc; c++)
		right[c] = c + first >= F_BEFORE && c + first <= F_SCORE;
	for (int r = 0; r < n; r++)
		for (int c = 0; c < nc; c++)
		{
			cells[r * nc + c] = flag_cell(flags, r, c + first);
			if (!cells[r * nc + c])
				cells[r * nc + c] = empty;
		}
	t.cells = (const char *const *) cells;
	cli_print_table(stdout, &t);
	for (int i = 0; i < n * nc; i++)
		if (cells[i] != empty)
			free(cells[i]);
	free(cells);
}

/* getopt_long codes of the long options without a letter */
enum
{
	OPT_FULL = 256,
	OPT_ALL
};

/*
 * krimpctl nightly on an open connection: the job run and its flags
 * printed, the transaction run again on a serialization failure or a
 * deadlock.  Returns an exit code; the connection stays open.
 */
int
krimp_nightly(PGconn *conn, const nightly_options *o)
{
	int			rc = EXIT_OK;
	int			attempt = 0;
	PGresult   *res,
			   *run = NULL,
			   *flags = NULL;
	const char *params[2];

again:
	attempt++;
	cli_last_sqlstate[0] = '\0';
	if (!cli_exec_ok(conn, "BEGIN", &rc))
		goto failed;
	params[0] = o->full ? "true" : "false";
	res = PQexecParams(conn, "CALL krimp.nightly($1::pg_catalog.bool)", 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		goto failed;
	}
	PQclear(res);
	run = PQexec(conn, "SELECT run_id, series_examined, flags_new, flags_confirmed, flags_withdrawn, "
				 "duration_ms, full_run FROM krimp.job_run ORDER BY run_id DESC LIMIT 1");
	if (PQresultStatus(run) != PGRES_TUPLES_OK || PQntuples(run) != 1)
	{
		rc = cli_server_error(conn, run, "could not read the run");
		goto failed;
	}
	params[0] = PQgetvalue(run, 0, 0);
	params[1] = o->all ? "true" : "false";
	flags = PQexecParams(conn,
						 "SELECT f.status, i.code, r.code, r.name, f.period::pg_catalog.text, f.kind, f.direction, "
						 "       f.assessment, f.before, f.after, f.abs_change, f.rel_change, f.p_value, f.score, "
						 "       f.recent, i.decimals "
						 "  FROM krimp.tipping_point_flag f "
						 "  JOIN krimp.indicator i ON i.indicator_id = f.indicator_id "
						 "  JOIN krimp.region r ON r.region_id = f.region_id "
						 " WHERE (f.first_run_id = $1::pg_catalog.int8 AND f.status = 'new') "
						 "    OR ($2::pg_catalog.bool AND f.last_run_id = $1::pg_catalog.int8) "
						 " ORDER BY CASE f.status WHEN 'new' THEN 0 WHEN 'confirmed' THEN 1 ELSE 2 END, "
						 "       f.score DESC NULLS LAST, i.code, r.code, f.period, f.kind",
						 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(flags) != PGRES_TUPLES_OK)
	{
		rc = cli_server_error(conn, flags, "could not read the flags");
		goto failed;
	}
	if (!cli_exec_ok(conn, "COMMIT", &rc))
		goto failed;

	if (o->format == OUT_JSON)
		print_json(run, flags);
	else if (o->format == OUT_CSV)
		print_csv(run, flags);
	else
		print_run(run, flags, o->all);
	fflush(stdout);

failed:
	/* a serialization failure or a deadlock: the whole transaction again */
	if (rc != EXIT_OK && cli_retry(conn, attempt, "the nightly run"))
	{
		PQclear(run);
		PQclear(flags);
		run = flags = NULL;
		rc = EXIT_OK;
		goto again;
	}
	PQclear(run);
	PQclear(flags);
	cli_rollback_quietly(conn);
	return rc;
}

int
cmd_nightly(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"full", no_argument, NULL, OPT_FULL},
		{"format", required_argument, NULL, 'F'},
		{"all", no_argument, NULL, OPT_ALL},
		{NULL, 0, NULL, 0}
	};
	cli_conn	copts = cli_default_conn;
	nightly_options o = {false, false, OUT_TABLE};
	int			c;
	int			rc;
	PGconn	   *conn;

	optind = 0;				/* GNU getopt: start afresh, with argument permutation */
	while ((c = getopt_long(argc, argv, CLI_CONN_SHORTOPTS "F:?", longopts, NULL)) != -1)
	{
		if (cli_conn_option(&copts, c, optarg))
			continue;
		switch (c)
		{
			case OPT_FULL:
				o.full = true;
				break;
			case OPT_ALL:
				o.all = true;
				break;
			case 'F':
				if (cli_parse_format("nightly", optarg, &o.format) != EXIT_OK)
					return EXIT_USAGE;
				break;
			default:				/* '?' too */
				return cli_option_error("nightly", argv, "dhpUF", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error("nightly", "unexpected argument \"%s\"", argv[optind]);

	conn = cli_connect(&copts, &rc);
	if (!conn)
		return rc;
	rc = krimp_nightly(conn, &o);
	PQfinish(conn);
	return rc;
}
