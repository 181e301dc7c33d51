/*
 * load.c
 *	  krimpctl load: CBS open data into the warehouse, one transaction and
 *	  one load batch per file:
 *
 *	    BEGIN
 *	    SELECT krimp.begin_batch(org, source, file)
 *	    CREATE TEMPORARY TABLE krimpctl_blocks OF krimp.staged_block
 *	    COPY pg_temp.krimpctl_blocks (...) FROM STDIN     -- runs, streamed as read
 *	    SELECT ... FROM krimp.apply_batch(batch, blocks => 'pg_temp.krimpctl_blocks')
 *	                                                      -- checks and files
 *	    rejected rows -> the rejects file, summary grouped by reason
 *	    COMMIT          (ROLLBACK on any error: nothing is half done)
 *
 *	  Each observation is checked on the client with the core before it is
 *	  sent (the period code with krimp_period_parse, the number, the form of
 *	  the region code): a malformed file stops at the first bad row with its
 *	  position and loads nothing.  Rows that are well formed but do not fit
 *	  the warehouse (an unknown region, a period outside the region's
 *	  validity, a duplicate) are set aside by krimp.apply_batch() in
 *	  krimp.rejected_row, and written to the rejects file.
 *
 *	  The figures go as runs: consecutive records of one region with one
 *	  status marker and consecutive periods (at most 4096), one row of
 *	  krimp.staged_block each, its values as an array.  The server files a
 *	  run of a new series as one block and checks any other figure by figure.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

/* getopt_long codes of the options without a letter (1 is a file name) */
enum
{
	OPT_DELIMITER = 256,
	OPT_REGION_KEY,
	OPT_PERIOD_KEY,
	OPT_STATUS_KEY,
	OPT_FILTER,
	OPT_PUBLISHED_AT,
	OPT_RELEASED_AT,
	OPT_KIND,
	OPT_PRODUCER,
	OPT_BASE_YEAR,
	OPT_ON_ERROR,
	OPT_FAIL_ON_REJECT,
	OPT_REVISION_REASON,
	OPT_PERIOD,
	OPT_LIST,
	OPT_REGION_CODE_KEY
};

static void
usage(void)
{
	printf("%s load reads CBS open data and loads one measure of it into the warehouse,\n"
		   "one transaction and one load batch per file.\n\n", progname);
	printf("Usage:\n  %s load --indicator=CODE --org=CODE [OPTION]... FILE...\n"
		   "  %s load --org=CODE -m MEASURE=INDICATOR [-m MEASURE=INDICATOR]... [OPTION]... FILE...\n"
		   "  %s load --list FILE...\n\n", progname, progname, progname);
	printf("Options:\n"
		   "  -i, --indicator=CODE     the warehouse indicator the measure is loaded as (required)\n"
		   "  -o, --org=CODE           the organisation that loads (BZK, PV20, ...; required)\n"
		   "  -m, --measure=NAME       the measure, by its key (a column, a Measure code such as M001534)\n"
		   "                           or its title (\"Gemiddelde verkoopprijs (euro)\"); may be left out\n"
		   "                           when the file holds one measure\n"
		   "  -m, --measure=NAME=CODE  (repeatable) each measure to its indicator, all in one batch\n"
		   "      --list               print the measures, dimensions and periods of the files, then exit\n"
		   "                           (no connection)\n"
		   "      --period=PERIOD      the period of every row of a file without a period column (2024)\n"
		   "      --region-code-key=NAME  CSV column of region codes beside the names (default: the first\n"
		   "                           of RegiocodeKoppelvariabele..., Regiocode..., Codering_..., Code_1)\n"
		   "  -s, --source=TEXT        the source recorded with every figure (default \"CBS\")\n"
		   "  -f, --format=FORMAT      auto (default), odata3, odata4 or csv\n"
		   "      --delimiter=CHAR     CSV field separator (default ;, \"tab\" for a tab)\n"
		   "      --region-key=NAME    field with the region code (default RegioS; CSV also Regio's, Regio)\n"
		   "      --period-key=NAME    field with the period code (default Perioden)\n"
		   "      --status-key=NAME    field with a status marker (*, **, ., voorlopig, ...; default none)\n"
		   "      --filter=KEY=VALUE   load only rows whose field KEY is VALUE (repeatable; other dimensions)\n"
		   "  -r, --rejects=FILE       where rejected rows go (default FILE.rejects.csv next to the input)\n"
		   "      --published-at=TS    vintage of the figures (default: the time of the load)\n"
		   "      --kind=KIND          realisation (default; also observation) or forecast\n"
		   "      --producer=NAME      who made the forecast (CBS, PBL, ...; with --kind forecast)\n"
		   "      --base-year=YYYY     the forecast's base year, its last observed year (with --kind forecast)\n"
		   "      --released-at=TS     embargo: the figures are visible to others from then on\n"
		   "      --revision-reason=TEXT  why figures may go back in status (a definitief figure\n"
		   "                           replaced by a voorlopig one); without it such rows are rejected\n"
		   "      --on-error=MODE      reject (default): set bad rows aside and load the rest;\n"
		   "                           abort: load nothing if any row is rejected (exit 4)\n"
		   "      --fail-on-reject     exit 4 when rows were rejected (the good rows stay loaded)\n"
		   "  -?, --help               show this help, then exit\n\n");
	printf(CLI_CONN_HELP);
	printf("\nFILE may be - for standard input (the rejects then go to stdin.rejects.csv).\n"
		   "Options may also follow the files; after -- every argument is a file.\n"
		   "A load that fails with a serialization failure or a deadlock is retried (3 attempts).\n"
		   "Loading the same file twice changes nothing; see man krimpctl-load.\n\n");
	printf(KRIMPCTL_EXIT_CODES);
}

/*
 * krimpctl load's command line into *o (the file names into *files, which
 * the caller frees, the filters into filters[65]): LOAD_GO, or the exit code
 * of a usage error or of --help.
 */
int
krimp_load_parse(int argc, char **argv, load_options *o, const char ***files, const char **filters)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"indicator", required_argument, NULL, 'i'},
		{"org", required_argument, NULL, 'o'},
		{"measure", required_argument, NULL, 'm'},
		{"source", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"rejects", required_argument, NULL, 'r'},
		{"delimiter", required_argument, NULL, OPT_DELIMITER},
		{"region-key", required_argument, NULL, OPT_REGION_KEY},
		{"period-key", required_argument, NULL, OPT_PERIOD_KEY},
		{"status-key", required_argument, NULL, OPT_STATUS_KEY},
		{"filter", required_argument, NULL, OPT_FILTER},
		{"published-at", required_argument, NULL, OPT_PUBLISHED_AT},
		{"released-at", required_argument, NULL, OPT_RELEASED_AT},
		{"kind", required_argument, NULL, OPT_KIND},
		{"producer", required_argument, NULL, OPT_PRODUCER},
		{"base-year", required_argument, NULL, OPT_BASE_YEAR},
		{"on-error", required_argument, NULL, OPT_ON_ERROR},
		{"fail-on-reject", no_argument, NULL, OPT_FAIL_ON_REJECT},
		{"revision-reason", required_argument, NULL, OPT_REVISION_REASON},
		{"period", required_argument, NULL, OPT_PERIOD},
		{"list", no_argument, NULL, OPT_LIST},
		{"region-code-key", required_argument, NULL, OPT_REGION_CODE_KEY},
		{NULL, 0, NULL, 0}
	};
	int			nfiles = 0;
	int			nfilters = 0;
	int			c;

	memset(o, 0, sizeof *o);
	o->conn = cli_default_conn;
	o->source = "CBS";
	o->in.period_key = "Perioden";
	o->in.delimiter = ';';
	filters[0] = NULL;
	o->in.filters = filters;
	/*
	 * Every option is read before anything is loaded, wherever it stands:
	 * "-" returns the file names in order (as code 1) instead of stopping
	 * at the first, whatever POSIXLY_CORRECT says, so "load ... FILE
	 * --rejects=X" applies --rejects to FILE, and a bad option after a file
	 * is a usage error before the first file is committed.  After "--"
	 * everything is a file name.  optind = 0: GNU getopt starts afresh
	 * (main's "+" parse would otherwise still hold).
	 */
	*files = calloc(argc + 1, sizeof(char *));
	if (!*files)
	{
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	optind = 0;
	while ((c = getopt_long(argc, argv, "-" CLI_CONN_SHORTOPTS "i:o:m:s:f:r:?", longopts, NULL)) != -1)
	{
		if (c == 1)
		{
			(*files)[nfiles++] = optarg;
			continue;
		}
		if (cli_conn_option(&o->conn, c, optarg))
			continue;
		switch (c)
		{
			case 'i':
				o->indicator = optarg;
				break;
			case 'o':
				o->org = optarg;
				break;
			case 'm':
				{
					/* MEASURE=INDICATOR: the last "=" (titles hold none; "2020=100" is a unit) */
					char	   *eq = strrchr(optarg, '=');

					if (o->nmeasures == INPUT_MAX_MEASURES)
						return cli_usage_error("load", "too many --measure options (at most %d)", INPUT_MAX_MEASURES);
					/* ... when what follows is an indicator code (a letter, then letters, digits, _ . -) */
					if (eq && eq != optarg && isalpha((unsigned char) eq[1]) &&
						strspn(eq + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(eq + 1))
					{
						*eq = '\0';
						o->measure_indicators[o->nmeasures] = eq + 1;
					}
					o->measure_specs[o->nmeasures++] = optarg;
				}
				break;
			case OPT_PERIOD:
				o->in.period = optarg;
				break;
			case OPT_LIST:
				o->list = true;
				break;
			case OPT_REGION_CODE_KEY:
				o->in.region_code_key = optarg;
				break;
			case 's':
				o->source = optarg;
				break;
			case 'f':
				if (strcmp(optarg, "auto") == 0)
					o->format = FORMAT_AUTO;
				else if (strcmp(optarg, "odata3") == 0)
					o->format = FORMAT_ODATA3;
				else if (strcmp(optarg, "odata4") == 0)
					o->format = FORMAT_ODATA4;
				else if (strcmp(optarg, "csv") == 0)
					o->format = FORMAT_CSV;
				else
					return cli_usage_error("load", "unknown format \"%s\" (auto, odata3, odata4 or csv)", optarg);
				break;
			case 'r':
				o->rejects = optarg;
				break;
			case OPT_DELIMITER:
				if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
					o->in.delimiter = '\t';
				else if (strlen(optarg) == 1 && optarg[0] != '"')
					o->in.delimiter = optarg[0];
				else
					return cli_usage_error("load", "the delimiter must be one character, or \"tab\"");
				break;
			case OPT_REGION_KEY:
				o->in.region_key = optarg;
				break;
			case OPT_PERIOD_KEY:
				o->in.period_key = optarg;
				break;
			case OPT_STATUS_KEY:
				o->in.status_key = optarg;
				break;
			case OPT_FILTER:
				if (!strchr(optarg, '=') || optarg[0] == '=')
					return cli_usage_error("load", "--filter needs KEY=VALUE, not \"%s\"", optarg);
				if (nfilters == 64)
					return cli_usage_error("load", "too many --filter options");
				filters[nfilters++] = optarg;
				filters[nfilters] = NULL;
				break;
			case OPT_PUBLISHED_AT:
				o->published_at = optarg;
				break;
			case OPT_KIND:
				if (strcmp(optarg, "realisation") == 0 || strcmp(optarg, "observation") == 0)
					o->kind = NULL;
				else if (strcmp(optarg, "forecast") == 0)
					o->kind = "forecast";
				else
					return cli_usage_error("load", "--kind must be realisation or forecast, not \"%s\"", optarg);
				break;
			case OPT_PRODUCER:
				o->forecast_producer = optarg;
				break;
			case OPT_BASE_YEAR:
				{
					char	   *end;
					long		y = strtol(optarg, &end, 10);

					if (*end || end == optarg || y < 1800 || y > 9999)
						return cli_usage_error("load", "--base-year must be a year (2007), not \"%s\"", optarg);
					o->forecast_base_year = optarg;
				}
				break;
			case OPT_RELEASED_AT:
				o->released_at = optarg;
				break;
			case OPT_ON_ERROR:
				if (strcmp(optarg, "reject") == 0)
					o->abort_on_reject = false;
				else if (strcmp(optarg, "abort") == 0)
					o->abort_on_reject = true;
				else
					return cli_usage_error("load", "--on-error must be reject or abort, not \"%s\"", optarg);
				break;
			case OPT_FAIL_ON_REJECT:
				o->fail_on_reject = true;
				break;
			case OPT_REVISION_REASON:
				o->revision_reason = optarg;
				break;
			default:				/* '?' too */
				return cli_option_error("load", argv, "dhpUiomsfr", usage);
		}
	}
	/* the measures: one (-m NAME), or several, each to its indicator */
	if (o->nmeasures == 1)
		o->in.measure = o->measure_specs[0];
	else if (o->nmeasures > 1)
	{
		o->in.measures = o->measure_specs;
		o->in.nmeasures = o->nmeasures;
	}
	while (optind < argc)
		(*files)[nfiles++] = argv[optind++];
	if (o->list)
	{
		if (nfiles == 0)
			return cli_usage_error("load", "no input file given");
		o->files = *files;
		o->nfiles = nfiles;
		return LOAD_GO;
	}
	for (int i = 0; i < o->nmeasures; i++)
		if (!measure_indicator(o, i))
			return cli_usage_error("load", o->nmeasures > 1
								   ? "no indicator for the measure \"%s\": give -m MEASURE=INDICATOR, or --indicator for the rest"
								   : "no indicator given for the measure \"%s\" (--indicator=CODE, or -m MEASURE=INDICATOR)",
								   o->measure_specs[i]);
	if (o->nmeasures == 0 && !o->indicator)
		return cli_usage_error("load", "no indicator given (--indicator=CODE)");
	if (!o->org)
		return cli_usage_error("load", "no organisation given (--org=CODE)");
	if (nfiles == 0)
		return cli_usage_error("load", "no input file given");
	if (o->kind && (!o->forecast_producer || !o->forecast_producer[0] || !o->forecast_base_year))
		return cli_usage_error("load", "a forecast needs its producer and base year: --kind forecast --producer=NAME --base-year=YYYY");
	if (!o->kind && (o->forecast_producer || o->forecast_base_year))
		return cli_usage_error("load", "--producer and --base-year are for a forecast: give --kind forecast as well");
	o->files = *files;
	o->nfiles = nfiles;
	if (o->rejects && nfiles > 1)
		return cli_usage_error("load", "--rejects names one file: give one input file with it");

	return LOAD_GO;
}

int
krimp_load(PGconn *conn, const load_options *o)
{
	int			rc = EXIT_OK;

	/* the indicators and the organisation must exist: say so before reading anything */
	for (int i = 0; i < (o->nmeasures > 1 ? o->nmeasures : 1); i++)
	{
		const char *params[2] = {measure_indicator(o, i), o->org};
		PGresult   *res = exec_params(conn,
									  "SELECT EXISTS (SELECT FROM krimp.indicator WHERE code OPERATOR(pg_catalog.=) $1),"
									  "       EXISTS (SELECT FROM krimp.organisation WHERE org_code OPERATOR(pg_catalog.=) $2)",
									  2, params, &rc);

		if (!res)
			return rc;
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			rc = cli_usage_error("load", "indicator \"%s\" does not exist in the warehouse (see krimp.indicator)", params[0]);
		else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
			rc = cli_usage_error("load", "organisation \"%s\" does not exist in the warehouse (see krimp.organisation)", o->org);
		PQclear(res);
		if (rc != EXIT_OK)
			return rc;
	}
	/* one file after the other, each in its own transaction; the first failure stops */
	for (int i = 0; i < o->nfiles && rc == EXIT_OK; i++)
		rc = load_with_retries(conn, o, o->files[i]);
	return rc;
}

int
cmd_load(int argc, char **argv)
{
	load_options o;
	const char **files = NULL;
	const char *filters[65];
	PGconn	   *conn;
	int			rc;

	rc = krimp_load_parse(argc, argv, &o, &files, filters);
	if (rc == LOAD_GO && o.list)
	{
		for (int i = 0; i < o.nfiles && rc == LOAD_GO; i++)
			if ((rc = load_list(&o, o.files[i])) == EXIT_OK)
				rc = LOAD_GO;
		if (rc == LOAD_GO)
			rc = EXIT_OK;
	}
	else if (rc == LOAD_GO)
	{
		conn = cli_connect(&o.conn, &rc);
		if (conn)
		{
			rc = krimp_load(conn, &o);
			PQfinish(conn);
		}
	}
	free(files);
	return rc;
}
