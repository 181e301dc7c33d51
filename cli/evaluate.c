/*
 * evaluate.c
 *	  krimpctl evaluate: CALL krimp.revaluation_round(year, recompute, reason)
 *	  and print the round's scorecard (krimp.scorecard) as a table for people
 *	  or JSON / CSV for pipelines.  The call and the reading of its results
 *	  share one transaction, so the scorecard printed is the one stored.
 *
 *	  Also home of cli_print_result(), the aligned table printer that
 *	  krimpctl demo uses as well.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "krimpctl.h"

/* columns of the scorecard query */
enum
{
	S_CODE, S_NAME, S_THEME, S_TARGETS, S_GREEN, S_ORANGE, S_RED, S_GREY, S_WORST, S_NCOLS
};
static const char *const score_names[] = {
	"region_code", "region_name", "theme", "targets", "green", "orange", "red", "grey", "worst_items"
};

static void
usage(void)
{
	printf("%s evaluate runs a revaluation round (CALL krimp.revaluation_round(year)): every target\n"
		   "in force on 31 December of the round year is judged as the figures were known and released at\n"
		   "the end of that day, and the round's scorecard is printed (krimp.scorecard).\n\n", progname);
	printf("Usage:\n  %s evaluate [OPTION]... ROUND_YEAR\n\n", progname);
	printf("Options:\n"
		   "      --recompute          add a recomputation of a round that exists (needs --reason)\n"
		   "      --reason=TEXT        why the round is recomputed\n"
		   "  -F, --format=FORMAT      table (default), json or csv\n"
		   "  -?, --help               show this help, then exit\n\n");
	printf(CLI_CONN_HELP);
	printf("\nRounds lie every five years from krimp.revaluation_setting.origin_year (2015).  A round\n"
		   "that exists is left as it is (a notice says so) and its scorecard printed.  The user\n"
		   "must be a member of krimp_admin; see man krimpctl-evaluate.\n\n");
	printf(KRIMPCTL_EXIT_CODES);
}

void
cli_print_result(FILE *f, const PGresult *res, const char *indent)
{
	int			nc = PQnfields(res);
	int			nr = PQntuples(res);
	const char **heads = calloc(nc > 0 ? nc : 1, sizeof(char *));
	const char **cells = calloc(nc * nr > 0 ? (size_t) nc * nr : 1, sizeof(char *));
	bool	   *right = calloc(nc > 0 ? nc : 1, sizeof(bool));
	cli_table	t = {indent, nc, nr, heads, cells, right, true, false};

	if (heads && cells && right)
	{
		for (int c = 0; c < nc; c++)
		{
			Oid			type = PQftype(res, c);

			/* int2, int4, int8, float4, float8, numeric, oid */
			right[c] = type == 21 || type == 23 || type == 20 || type == 700 || type == 701 ||
				type == 1700 || type == 26;
			heads[c] = PQfname(res, c);
			for (int r = 0; r < nr; r++)
				cells[r * nc + c] = PQgetvalue(res, r, c);
		}
		cli_print_table(f, &t);
	}
	free(heads);
	free(cells);
	free(right);
}

/* NOTICE "round N exists; nothing changed": say it our way, and remember it */
static void
notice_receiver(void *arg, const PGresult *res)
{
	bool	   *existed = arg;
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

	if (!msg)
		return;
	if (strstr(msg, "exists; nothing changed"))
		*existed = true;
	if (!cli_quiet)
	{
		fprintf(stderr, "%s: %s\n", progname, msg);
		if (hint && strstr(msg, "exists; nothing changed"))
			cli_hint("use --recompute --reason=TEXT to add a recomputation; earlier results are kept");
	}
}

/* round: round_year, recomputation, round_date, known_at, data_vintage, targets, reason, run_at */
static void
print_json(const PGresult *round, const PGresult *score, bool added)
{
	yajl_gen	g = yajl_gen_alloc(NULL);
	static const char *const keys[] = {"round_year", "recomputation", "round_date", "known_at", "data_vintage",
	"targets", "reason", "run_at"};

	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	for (int c = 0; c < 8; c++)
	{
		cli_json_key(g, keys[c]);
		if (c == 0 || c == 1 || c == 5)
			cli_json_number(g, round, 0, c);
		else
			cli_json_text(g, round, 0, c);
	}
	cli_json_key(g, "computed_now");
	yajl_gen_bool(g, added);
	cli_json_key(g, "scorecard");
	yajl_gen_array_open(g);
	for (int r = 0; r < PQntuples(score); r++)
	{
		yajl_gen_map_open(g);
		for (int c = 0; c < S_NCOLS; c++)
		{
			cli_json_key(g, score_names[c]);
			if (c >= S_TARGETS && c <= S_GREY)
				cli_json_number(g, score, r, c);
			else
				cli_json_text(g, score, r, c);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	cli_json_print(g);
}

static void
print_csv(const PGresult *round, const PGresult *score)
{
	const char *const lead[] = {"round_year", "recomputation"};
	const char *const keys[] = {PQgetvalue(round, 0, 0), PQgetvalue(round, 0, 1)};

	cli_csv_result(stdout, lead, keys, 2, score_names, score, S_NCOLS);
}

static void
print_round(const PGresult *round, const PGresult *score, bool added)
{
	printf("revaluation round %s%s%s: %s target(s) judged as known at %s; newest figure read %s%s\n",
		   PQgetvalue(round, 0, 0),
		   strcmp(PQgetvalue(round, 0, 1), "0") != 0 ? ", recomputation " : "",
		   strcmp(PQgetvalue(round, 0, 1), "0") != 0 ? PQgetvalue(round, 0, 1) : "",
		   PQgetvalue(round, 0, 5), PQgetvalue(round, 0, 3),
		   PQgetisnull(round, 0, 4) ? "none" : PQgetvalue(round, 0, 4),
		   added ? "" : " (stored earlier)");
	if (PQntuples(score) == 0)
	{
		printf("no targets in force on %s\n", PQgetvalue(round, 0, 2));
		return;
	}
	cli_print_result(stdout, score, "");
}

/* getopt_long codes of the long options without a letter */
enum
{
	OPT_RECOMPUTE = 256,
	OPT_REASON
};

/*
 * krimpctl evaluate on an open connection: the round computed (or found as
 * it is) and its scorecard printed, the transaction run again on a
 * serialization failure or a deadlock.  Returns an exit code; the
 * connection stays open, its notice receiver as before (with a NULL
 * argument).
 */
int
krimp_evaluate(PGconn *conn, const evaluate_options *o)
{
	int			rc = EXIT_OK;
	int			attempt = 0;
	bool		existed = false;
	PGresult   *res,
			   *round = NULL,
			   *score = NULL;
	const char *params[3];
	PQnoticeReceiver saved = PQsetNoticeReceiver(conn, notice_receiver, &existed);

again:
	attempt++;
	cli_last_sqlstate[0] = '\0';
	existed = false;
	if (!cli_exec_ok(conn, "BEGIN", &rc))
		goto failed;
	params[0] = o->year;
	params[1] = o->recompute ? "true" : "false";
	params[2] = o->reason;
	res = PQexecParams(conn, "CALL krimp.revaluation_round($1::pg_catalog.int4, $2::pg_catalog.bool, $3::pg_catalog.text)",
					   3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		goto failed;
	}
	PQclear(res);
	round = PQexecParams(conn,
						 "SELECT r.round_year, r.recomputation, r.round_date, "
						 "       pg_catalog.to_char(r.known_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'), "
						 "       pg_catalog.to_char(r.data_vintage AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'), "
						 "       r.targets, r.reason, r.run_at "
						 "  FROM krimp.revaluation_round r WHERE r.round_year = $1::pg_catalog.int4 "
						 " ORDER BY r.recomputation DESC LIMIT 1",
						 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(round) != PGRES_TUPLES_OK || PQntuples(round) != 1)
	{
		rc = cli_server_error(conn, round, "could not read the round");
		goto failed;
	}
	score = PQexecParams(conn,
						 "SELECT s.region_code, s.region_name, s.theme, s.targets, s.green, s.orange, s.red, s.grey, "
						 "       s.worst_items "
						 "  FROM krimp.scorecard s WHERE s.round_year = $1::pg_catalog.int4 "
						 " ORDER BY s.red DESC, s.orange DESC, s.grey DESC, s.region_name, s.theme",
						 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(score) != PGRES_TUPLES_OK)
	{
		rc = cli_server_error(conn, score, "could not read the scorecard");
		goto failed;
	}
	if (!cli_exec_ok(conn, "COMMIT", &rc))
		goto failed;

	if (o->format == OUT_JSON)
		print_json(round, score, !existed);
	else if (o->format == OUT_CSV)
		print_csv(round, score);
	else if (o->format == OUT_TABLE)
		print_round(round, score, !existed);
	fflush(stdout);

failed:
	/* a serialization failure or a deadlock: the whole transaction again */
	if (rc != EXIT_OK && cli_retry(conn, attempt, "the round"))
	{
		PQclear(round);
		PQclear(score);
		round = score = NULL;
		rc = EXIT_OK;
		goto again;
	}
	PQclear(round);
	PQclear(score);
	cli_rollback_quietly(conn);
	PQsetNoticeReceiver(conn, saved, NULL);
	return rc;
}

int
cmd_evaluate(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"recompute", no_argument, NULL, OPT_RECOMPUTE},
		{"reason", required_argument, NULL, OPT_REASON},
		{"format", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0}
	};
	cli_conn	copts = cli_default_conn;
	evaluate_options o = {NULL, false, NULL, OUT_TABLE};
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
			case OPT_RECOMPUTE:
				o.recompute = true;
				break;
			case OPT_REASON:
				o.reason = optarg;
				break;
			case 'F':
				if (cli_parse_format("evaluate", optarg, &o.format) != EXIT_OK)
					return EXIT_USAGE;
				break;
			default:				/* '?' too */
				return cli_option_error("evaluate", argv, "dhpUF", usage);
		}
	}
	if (optind >= argc)
		return cli_usage_error("evaluate", "no round year given");
	if (optind + 1 < argc)
		return cli_usage_error("evaluate", "unexpected argument \"%s\"", argv[optind + 1]);
	o.year = argv[optind];
	if (strlen(o.year) != 4 || strspn(o.year, "0123456789") != 4)
		return cli_usage_error("evaluate", "the round year must be a year such as 2020, not \"%s\"", o.year);
	if (o.recompute && (!o.reason || !*o.reason))
		return cli_usage_error("evaluate", "--recompute needs --reason=TEXT (why the round is computed again)");
	if (o.reason && !o.recompute)
		return cli_usage_error("evaluate", "--reason goes with --recompute");

	conn = cli_connect(&copts, &rc);
	if (!conn)
		return rc;
	rc = krimp_evaluate(conn, &o);
	PQfinish(conn);
	return rc;
}
