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
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "krimpctl.h"
#include "period.h"

#define CHUNK_SIZE (256 * 1024)
#define COPY_BUF_SIZE (512 * 1024)
#define FIELD_MAX 64			/* a field's longest text, with its NUL */

typedef struct load_options
{
	cli_conn	conn;
	const char *org;
	const char *indicator;
	const char *source;
	const char *rejects;
	const char *published_at;
	const char *released_at;
	const char *revision_reason;	/* why figures may go back in status, or NULL */
	input_format format;
	input_options in;
	bool		abort_on_reject;
	bool		fail_on_reject;
} load_options;

typedef struct load_sink
{
	PGconn	   *conn;
	char	   *buf;
	size_t		len;
	char		prefix[256];	/* batch_id \t (line) */
	char		middle[512];	/* org \t indicator \t */
	char		suffix[160];	/* \t released_at \n */
	bool		copy_failed;

	/*
	 * The run being gathered: figures of one region with one status marker
	 * on consecutive lines and consecutive periods, sent as one staged block
	 * (krimp.staged_block) when the run ends.
	 */
	bool		in_run;
	char		run_region[FIELD_MAX];
	char		run_status[FIELD_MAX];
	krimp_period run_first;
	krimp_period run_last;
	long long	run_first_line;
	long long	run_last_line;
	int			run_n;
	char	   *run_values;		/* "{v1,v2,..." */
	size_t		run_len;
} load_sink;

/* a block's most values (krimp.observation_block holds up to 4096) */
#define RUN_MAX 4096
#define RUN_BUF_SIZE (RUN_MAX * FIELD_MAX + 16)

/* getopt_long codes of the options without a letter (1 is a file name) */
#define OPT_BASE 256

static void
usage(void)
{
	printf("%s load reads CBS open data and loads one measure of it into the warehouse,\n"
		   "one transaction and one load batch per file.\n\n", progname);
	printf("Usage:\n  %s load --indicator=CODE --org=CODE [OPTION]... FILE...\n\n", progname);
	printf("Options:\n"
		   "  -i, --indicator=CODE     the warehouse indicator the measure is loaded as (required)\n"
		   "  -o, --org=CODE           the organisation that loads (BZK, PV20, ...; required)\n"
		   "  -m, --measure=NAME       the measure: a column (OData v3, CSV) or Measure code (OData v4);\n"
		   "                           may be left out when the file holds one measure\n"
		   "  -s, --source=TEXT        the source recorded with every figure (default \"CBS\")\n"
		   "  -f, --format=FORMAT      auto (default), odata3, odata4 or csv\n"
		   "      --delimiter=CHAR     CSV field separator (default ;, \"tab\" for a tab)\n"
		   "      --region-key=NAME    field with the region code (default RegioS; CSV also Regio's, Regio)\n"
		   "      --period-key=NAME    field with the period code (default Perioden)\n"
		   "      --status-key=NAME    field with a status marker (*, **, ., voorlopig, ...; default none)\n"
		   "      --filter=KEY=VALUE   load only rows whose field KEY is VALUE (repeatable; other dimensions)\n"
		   "  -r, --rejects=FILE       where rejected rows go (default FILE.rejects.csv next to the input)\n"
		   "      --published-at=TS    vintage of the figures (default: the time of the load)\n"
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

/* ---- checking a row and streaming it ---------------------------------- */

/* The field without surrounding white space into buf; false if it does not fit */
static bool
trim_copy(const char *s, char *buf, size_t size)
{
	size_t		n;

	while (isspace((unsigned char) *s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/* A field longer than any region code, period, number or status marker */
static bool
too_long(input_state *in, const char *what, const char *text)
{
	return input_fail(in, "%s \"%.20s...\" is too long (at most %d characters)", what, text, FIELD_MAX - 1);
}

/* The forms krimp.region_level() accepts: NL01, LD01-LD04, PV##, CR##, GM####, WK######, BU######## */
static bool
is_region_code(const char *c)
{
	size_t		n = strlen(c);
	size_t		digits;

	if (n < 4)
		return false;
	for (size_t i = 2; i < n; i++)
		if (!isdigit((unsigned char) c[i]))
			return false;
	digits = n - 2;
	if (strncmp(c, "NL", 2) == 0)
		return digits == 2 && c[2] == '0';
	if (strncmp(c, "LD", 2) == 0)
		return digits == 2 && c[2] == '0' && c[3] >= '1' && c[3] <= '4';
	if (strncmp(c, "PV", 2) == 0 || strncmp(c, "CR", 2) == 0)
		return digits == 2;
	if (strncmp(c, "GM", 2) == 0)
		return digits == 4;
	if (strncmp(c, "WK", 2) == 0)
		return digits == 6;
	if (strncmp(c, "BU", 2) == 0)
		return digits == 8;
	return false;
}

/* A number as krimp.apply_batch() reads one: [+-]digits[.digits][e[+-]ddd] */
static bool
is_number(const char *s)
{
	const char *p = s;
	int			mant = 0,
				exp = 0;

	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char) *p))
		p++, mant++;
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			mant++;
	if (mant == 0)
		return false;
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		while (isdigit((unsigned char) *p))
			p++, exp++;
		if (exp < 1 || exp > 3)
			return false;
	}
	return *p == '\0';
}

static bool
sink_flush(load_sink *s)
{
	if (s->len > 0 && PQputCopyData(s->conn, s->buf, (int) s->len) != 1)
	{
		s->copy_failed = true;
		return false;
	}
	s->len = 0;
	return true;
}

static void
sink_append(load_sink *s, const char *text)
{
	size_t		n = strlen(text);

	memcpy(s->buf + s->len, text, n);
	s->len += n;
}

/* COPY text escaping of a value from the command line */
static void
copy_escape(char *dst, size_t size, const char *src)
{
	size_t		n = 0;

	for (; *src && n + 3 < size; src++)
	{
		char		c = *src;

		if (c == '\\' || c == '\t' || c == '\n' || c == '\r')
		{
			dst[n++] = '\\';
			c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
		}
		dst[n++] = c;
	}
	dst[n] = '\0';
}

/* A line number and a tab, without printf's cost per row */
static void
format_line_number(char *buf, long long line_number)
{
	char		digits[24];
	int			n = 0;
	unsigned long long u = (unsigned long long) line_number;

	do
		digits[n++] = (char) ('0' + u % 10);
	while ((u /= 10) > 0);
	for (int i = 0; i < n; i++)
		buf[i] = digits[n - 1 - i];
	buf[n] = '\t';
	buf[n + 1] = '\0';
}

static bool run_send(load_sink *s);

static bool
load_row(input_state *in, const input_row *row)
{
	load_sink  *s = in->sink_ctx;
	char		region[FIELD_MAX],
				period_text[FIELD_MAX],
				value_text[FIELD_MAX],
				status[FIELD_MAX];
	krimp_period p;
	krimp_error err;

	if (!trim_copy(row->region, region, sizeof region))
		return too_long(in, "region code", row->region);
	for (char *c = region; *c; c++)
		*c = toupper((unsigned char) *c);
	if (!is_region_code(region))
		return input_fail(in, "\"%s\" is not a CBS region code (NL01, LD01-LD04, PV##, CR##, GM####, WK######, BU########)",
						  region);

	if (!trim_copy(row->period, period_text, sizeof period_text))
		return too_long(in, "period", row->period);
	if (!krimp_period_parse(period_text, &p, &err))
		return input_fail(in, "%s", err.message);
	krimp_period_format(p, period_text);

	status[0] = '\0';
	if (row->status)
	{
		if (!trim_copy(row->status, status, sizeof status))
			return too_long(in, "status marker", row->status);
		for (const char *c = status; *c; c++)
			if (*c == '\t' || *c == '\\')
				return input_fail(in, "invalid status marker \"%s\"", status);
	}
	if (row->value && !trim_copy(row->value, value_text, sizeof value_text))
		return too_long(in, "number", row->value);
	if (!row->value || strcmp(value_text, ".") == 0)
	{
		strcpy(value_text, "\\N");
		if (!status[0] || strcmp(status, ".") == 0)
			strcpy(status, "unknown");
	}
	else
	{
		double		v;

		if (row->decimal_comma)
		{
			/* StatLine's decimal comma; a point as well would be ambiguous */
			char	   *comma = strchr(value_text, ',');

			if (comma && !strchr(value_text, '.') && !strchr(comma + 1, ','))
				*comma = '.';
			else if (comma)
				return input_fail(in, "invalid number \"%s\"", value_text);
			if (!is_number(value_text))
			{
				if ((comma = strchr(value_text, '.')) != NULL)
					*comma = ',';
				return input_fail(in, "invalid number \"%s\"", value_text);
			}
		}
		else if (!is_number(value_text))
			return input_fail(in, "invalid number \"%s\"", value_text);
		if (value_text[strspn(value_text, "+-0.")] == '\0')
			strcpy(value_text, "0");	/* zero, without the sign of -0 */
		else if (strpbrk(value_text, "eE"))
		{
			/*
			 * Only an exponent can take a number of FIELD_MAX characters
			 * out of a double's range; others go as written (the server
			 * reads them as double precision).
			 */
			errno = 0;
			v = strtod(value_text, NULL);
			if (errno == ERANGE || !isfinite(v))
				return input_fail(in, "number out of range \"%s\"", value_text);
			krimp_format_double(v, value_text);
		}
	}

	/* the figure continues the run, or the run is sent and a new one starts */
	if (s->in_run)
	{
		krimp_period next;

		if (s->run_n >= RUN_MAX || row->line_number != s->run_last_line + 1 ||
			strcmp(region, s->run_region) != 0 || strcmp(status, s->run_status) != 0 ||
			!krimp_period_add(s->run_last, 1, &next, &err) || next != p)
		{
			if (!run_send(s))
				return input_fail(in, "could not send data to the server: %s", PQerrorMessage(s->conn));
		}
	}
	if (!s->in_run)
	{
		s->in_run = true;
		strcpy(s->run_region, region);
		strcpy(s->run_status, status);
		s->run_first = p;
		s->run_first_line = row->line_number;
		s->run_n = 0;
		s->run_values[0] = '{';
		s->run_len = 1;
	}
	else
		s->run_values[s->run_len++] = ',';
	{
		const char *v = strcmp(value_text, "\\N") == 0 ? "NULL" : value_text;
		size_t		n = strlen(v);

		memcpy(s->run_values + s->run_len, v, n);
		s->run_len += n;
	}
	s->run_last = p;
	s->run_last_line = row->line_number;
	s->run_n++;
	return true;
}

/*
 * Send the gathered run as one row of COPY text for krimp.staged_block:
 * batch, first line, organisation, indicator, region, first period, the
 * values as an array, status marker, released_at.
 */
static bool
run_send(load_sink *s)
{
	char		line[32],
				period_text[KRIMP_PERIOD_BUFLEN];

	if (!s->in_run)
		return true;
	s->in_run = false;
	if (s->len + s->run_len + 2048 > COPY_BUF_SIZE && !sink_flush(s))
		return false;
	format_line_number(line, s->run_first_line);
	krimp_period_format(s->run_first, period_text);
	sink_append(s, s->prefix);
	sink_append(s, line);
	sink_append(s, s->middle);
	sink_append(s, s->run_region);
	sink_append(s, "\t");
	sink_append(s, period_text);
	sink_append(s, "\t");
	s->run_values[s->run_len++] = '}';
	memcpy(s->buf + s->len, s->run_values, s->run_len);
	s->len += s->run_len;
	sink_append(s, "\t");
	sink_append(s, s->run_status[0] ? s->run_status : "\\N");
	sink_append(s, s->suffix);
	return true;
}

/* ---- the load of one file ---------------------------------------------- */

static input_format
detect_format(const char *buf, size_t len)
{
	size_t		i = 0;

	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char) buf[i]))
		i++;
	if (i < len && (buf[i] == '{' || buf[i] == '['))
	{
		if (memmem(buf, len, "\"Measure\"", 9) || memmem(buf, len, "\"@odata.context\"", 16))
			return FORMAT_ODATA4;
		return FORMAT_ODATA3;
	}
	return FORMAT_CSV;
}

static const char *
format_name(input_format f)
{
	return f == FORMAT_ODATA3 ? "OData v3 JSON" : f == FORMAT_ODATA4 ? "OData v4 JSON" : "StatLine CSV";
}

/* Run a query with parameters that must return tuples (or a command). */
static PGresult *
exec_params(PGconn *conn, const char *sql, int n, const char *const *params, int *rc)
{
	PGresult   *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
	{
		*rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		return NULL;
	}
	return res;
}

static char *
rejects_path(const load_options *o, const char *file)
{
	char	   *path;

	if (o->rejects)
		return strdup(o->rejects);
	if (strcmp(file, "-") == 0)
		return strdup("stdin.rejects.csv");
	path = malloc(strlen(file) + 16);
	if (path)
		sprintf(path, "%s.rejects.csv", file);
	return path;
}

/* The rejected rows into the rejects file, streamed row by row. */
static int
write_rejects(PGconn *conn, const char *batch, const char *path, long long *written)
{
	const char *params[1] = {batch};
	FILE	   *f;
	PGresult   *res;
	int			rc = EXIT_OK;

	*written = 0;
	f = fopen(path, "w");
	if (!f)
	{
		cli_error("could not write the rejects file \"%s\": %s", path, strerror(errno));
		return EXIT_INPUT;
	}
	fputs("line,region,period,value,status,reason\n", f);
	if (!PQsendQueryParams(conn,
						   "SELECT line_number, row_data->>'region', row_data->>'period', row_data->>'value', "
						   "row_data->>'status', reason FROM krimp.rejected_row "
						   "WHERE batch_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 ORDER BY line_number",
						   1, NULL, params, NULL, NULL, 0) ||
		!PQsetSingleRowMode(conn))
	{
		fclose(f);
		return cli_server_error(conn, NULL, "could not read the rejected rows");
	}
	while ((res = PQgetResult(conn)) != NULL)
	{
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE)
		{
			for (int c = 0; c < 6; c++)
				cli_csv_field(f, PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c), c == 5);
			(*written)++;
		}
		else if (st != PGRES_TUPLES_OK && rc == EXIT_OK)
			rc = cli_server_error(conn, res, "could not read the rejected rows");
		PQclear(res);
	}
	if (fclose(f) != 0 && rc == EXIT_OK)
	{
		cli_error("could not write the rejects file \"%s\": %s", path, strerror(errno));
		rc = EXIT_INPUT;
	}
	return rc;
}

/* The rejected rows grouped by reason, with their line (record) numbers. */
static int
print_reject_groups(PGconn *conn, const char *batch, bool json)
{
	const char *params[1] = {batch};
	int			rc = EXIT_OK;
	PGresult   *res = exec_params(conn,
								  "WITH r AS (SELECT line_number, reason, "
								  "  pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace("
								  "  pg_catalog.regexp_replace(reason, ' on lines [0-9, ]+$', ' on lines ...'),"
								  "  '\"[^\"]*\"', '\"...\"', 'g'),"
								  "  '\\m(NL|LD|PV|CR|GM|WK|BU)[0-9]+\\M', '...', 'g'),"
								  "  '\\m[0-9]{4}(-Q[1-4]|-H[12]|-[0-9]{2}|/[0-9]{4})?(?![0-9])', '...', 'g') AS kind"
								  "  FROM krimp.rejected_row WHERE batch_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8)"
								  "SELECT kind, pg_catalog.count(*), pg_catalog.min(reason),"
								  "  pg_catalog.array_to_string((pg_catalog.array_agg(line_number ORDER BY line_number))[1:12], ', ')"
								  "  FROM r GROUP BY kind ORDER BY pg_catalog.count(*) DESC, kind",
								  1, params, &rc);

	if (!res)
		return rc;
	for (int i = 0; i < PQntuples(res); i++)
	{
		long long	n = atoll(PQgetvalue(res, i, 1));

		printf("  %lld x %s\n", n, PQgetvalue(res, i, 0));
		printf("      e.g. %s\n", PQgetvalue(res, i, 2));
		printf("      %s %s%s\n", json ? "records" : "lines", PQgetvalue(res, i, 3), n > 12 ? ", ..." : "");
	}
	PQclear(res);
	return EXIT_OK;
}

/*
 * Standard input cannot be read twice: its bytes are kept in a temporary
 * file as they are read, so that a retry (load_with_retries) reads them
 * from there.  f is NULL when no temporary file could be had (or written):
 * then a load of standard input is not retried.
 */
typedef struct load_spool
{
	FILE	   *f;
	bool		replay;			/* read from f, not from standard input */
} load_spool;

/* read(), keeping what is read from standard input in the spool */
static ssize_t
read_input(int fd, char *buf, size_t size, load_spool *spool)
{
	ssize_t		got = read(fd, buf, size);

	if (got > 0 && fd == STDIN_FILENO && spool->f && !spool->replay &&
		fwrite(buf, 1, (size_t) got, spool->f) != (size_t) got)
	{
		fclose(spool->f);
		spool->f = NULL;
	}
	return got;
}

static int
load_file(PGconn *conn, const load_options *o, const char *file, load_spool *spool)
{
	int			fd;
	bool		own_fd = true;
	struct stat st;
	char	   *chunk = NULL;
	ssize_t		got;
	size_t		skip = 0;
	input_state in;
	input_options io;
	const input_reader *reader;
	input_format fmt;
	load_sink	sink;
	cli_progress progress;
	PGresult   *res;
	char		batch[32];
	char	   *base_copy = NULL;
	char	   *rpath = NULL;
	int			rc = EXIT_OK;
	bool		ok = true;
	double		t0 = cli_now(),
				t_sent = t0,
				t_applied = t0;
	long long	counts[5];

	memset(&in, 0, sizeof in);
	memset(&sink, 0, sizeof sink);
	if (strcmp(file, "-") != 0)
		fd = open(file, O_RDONLY);
	else if (spool->replay)
	{
		/* a retry: standard input again, from the spool */
		fd = fileno(spool->f);
		if (fflush(spool->f) != 0 || lseek(fd, 0, SEEK_SET) != 0)
			fd = -1;
		own_fd = false;
	}
	else
	{
		fd = STDIN_FILENO;
		own_fd = false;
	}
	if (fd < 0)
	{
		cli_error("could not open \"%s\": %s", file, strerror(errno));
		return EXIT_INPUT;
	}
	chunk = malloc(CHUNK_SIZE);
	sink.buf = malloc(COPY_BUF_SIZE);
	sink.run_values = malloc(RUN_BUF_SIZE);
	rpath = rejects_path(o, file);
	base_copy = strdup(file);
	if (!chunk || !sink.buf || !sink.run_values || !rpath || !base_copy)
	{
		cli_error("out of memory");
		rc = EXIT_INPUT;
		goto done;
	}
	got = read_input(fd, chunk, CHUNK_SIZE, spool);
	if (got < 0)
	{
		cli_error("could not read \"%s\": %s", file, strerror(errno));
		rc = EXIT_INPUT;
		goto done;
	}
	fmt = o->format != FORMAT_AUTO ? o->format : detect_format(chunk, got);
	reader = fmt == FORMAT_ODATA3 ? &odata3_reader : fmt == FORMAT_ODATA4 ? &odata4_reader : &csv_reader;
	if (got >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;				/* the byte order mark CBS writes */

	/* one transaction, one batch */
	if (!cli_exec_ok(conn, "BEGIN", &rc))
		goto done;
	{
		const char *params[4] = {o->org, o->source, basename(base_copy), o->revision_reason};

		res = exec_params(conn, "SELECT krimp.begin_batch($1, $2, $3, $4)", 4, params, &rc);
		if (!res)
			goto done;
		snprintf(batch, sizeof batch, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	/*
	 * The figures go as runs (one region, one status marker, consecutive
	 * lines and periods) to a temporary table of krimp.staged_block, which
	 * krimp.apply_batch is given: a run of a new series is filed as one block,
	 * anything else is unrolled and checked figure by figure there.  (A
	 * temporary table, since PostgreSQL refuses COPY FROM into a table with
	 * row-level security for an organisation's login.)
	 */
	if (!cli_exec_ok(conn, "CREATE TEMPORARY TABLE krimpctl_blocks OF krimp.staged_block "
					 "WITH (toast_tuple_target = 8160) ON COMMIT DROP", &rc))
		goto done;
	res = PQexec(conn, "COPY pg_temp.krimpctl_blocks (batch_id, first_line, org_code, indicator_code, "
				 "region_code, first_period, value, status, released_at) FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		goto done;
	}
	PQclear(res);
	{
		char		org[128],
					ind[256],
					rel[128];

		copy_escape(org, sizeof org, o->org);
		copy_escape(ind, sizeof ind, o->indicator);
		snprintf(sink.prefix, sizeof sink.prefix, "%s\t", batch);
		snprintf(sink.middle, sizeof sink.middle, "%s\t%s\t", org, ind);
		if (o->released_at)
		{
			copy_escape(rel, sizeof rel, o->released_at);
			snprintf(sink.suffix, sizeof sink.suffix, "\t%s\n", rel);
		}
		else
			snprintf(sink.suffix, sizeof sink.suffix, "\t\\N\n");
	}
	sink.conn = conn;

	/* read and stream */
	/* JSON fields are named exactly; a CSV header is matched loosely (RegioS, Regio's, Regio) */
	io = o->in;
	if (!io.region_key && fmt != FORMAT_CSV)
		io.region_key = "RegioS";
	in.opts = &io;
	in.file_name = file;
	in.sink = load_row;
	in.sink_ctx = &sink;
	cli_progress_start(&progress, fd != STDIN_FILENO && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0);
	ok = reader->open(&in);
	in.chunk_offset = (long long) skip;
	while (ok && got > 0)
	{
		in.chunk = chunk + skip;
		in.chunk_len = got - skip;
		ok = reader->feed(&in, in.chunk, in.chunk_len);
		if (!ok)
			break;
		for (const char *p = in.chunk, *e = in.chunk + in.chunk_len; (p = memchr(p, '\n', e - p)) != NULL; p++)
			in.lines_before++;
		in.chunk_offset += in.chunk_len;
		cli_progress_update(&progress, in.chunk_offset, in.records, false);
		skip = 0;
		got = read_input(fd, chunk, CHUNK_SIZE, spool);
		if (got < 0)
		{
			input_fail(&in, "could not read: %s", strerror(errno));
			ok = false;
		}
	}
	if (ok)
	{
		in.chunk = chunk;
		in.chunk_len = 0;
		ok = reader->finish(&in);
	}
	if (ok && in.records == 0 && in.skipped)
		ok = input_fail(&in, "no observations of the measure \"%s\" (%lld rows of other measures or left out by --filter)",
						in.measure_used, in.skipped);
	else if (ok && in.records == 0)
		ok = input_fail(&in, "no observations in the file");
	if (ok && (!run_send(&sink) || !sink_flush(&sink)))
		ok = input_fail(&in, "could not send data to the server");
	reader->close(&in);
	cli_progress_update(&progress, in.chunk_offset, in.records, true);

	if (!ok)
	{
		/* end the COPY with an error: the server discards everything */
		cli_progress_end(&progress);
		PQputCopyEnd(conn, sink.copy_failed ? NULL : "malformed input");
		while ((res = PQgetResult(conn)) != NULL)
			PQclear(res);
		if (sink.copy_failed || PQstatus(conn) == CONNECTION_BAD)
			rc = cli_server_error(conn, NULL, "could not send the rows");
		else
		{
			cli_error("%s: %s", file, in.error);
			fprintf(stderr, "%s: nothing was loaded from \"%s\"\n", progname, file);
			rc = EXIT_INPUT;
		}
		goto done;
	}
	if (PQputCopyEnd(conn, NULL) != 1)
	{
		rc = cli_server_error(conn, NULL, "could not end the COPY");
		goto done;
	}
	res = PQgetResult(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		cli_progress_end(&progress);
		rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		while ((res = PQgetResult(conn)) != NULL)
			PQclear(res);
		goto done;
	}
	PQclear(res);
	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);

	/* check and file */
	t_sent = cli_now();
	{
		char		msg[128];
		const char *params[2] = {batch, o->published_at};

		snprintf(msg, sizeof msg, "checking and filing %lld rows ...", in.records);
		cli_progress_message(&progress, msg);
		res = exec_params(conn,
						  "SELECT rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected "
						  "FROM krimp.apply_batch($1::pg_catalog.int8, 'reject', $2::pg_catalog.timestamptz, "
						  "blocks => 'pg_temp.krimpctl_blocks'::pg_catalog.regclass)",
						  2, params, &rc);
		cli_progress_end(&progress);
		t_applied = cli_now();
		if (!res)
			goto done;
		for (int c = 0; c < 5; c++)
			counts[c] = atoll(PQgetvalue(res, 0, c));
		PQclear(res);
	}

	if (!cli_quiet)
	{
		printf("%s: %s, measure %s as indicator %s of %s, batch %s\n", file, format_name(fmt),
			   in.measure_used, o->indicator, o->org, batch);
		printf("  read %lld, inserted %lld, revised %lld, unchanged %lld, rejected %lld",
			   counts[0], counts[1], counts[2], counts[3], counts[4]);
		if (in.skipped)
			printf("; skipped %lld rows of other measures or left out by --filter", in.skipped);
		printf("\n");
	}
	if (in.paged)
		cli_warning("%s is one page of a longer OData result (it has a next link): load the other pages too", file);
	if (counts[4] > 0)
	{
		long long	written;

		if (!cli_quiet && (rc = print_reject_groups(conn, batch, fmt != FORMAT_CSV)) != EXIT_OK)
			goto done;
		if ((rc = write_rejects(conn, batch, rpath, &written)) != EXIT_OK)
			goto done;
		if (!cli_quiet)
			printf("  rejected rows written to %s\n", rpath);
	}
	else if (!o->rejects)
		unlink(rpath);			/* no stale rejects of an earlier load */

	if (counts[4] > 0 && o->abort_on_reject)
	{
		cli_rollback_quietly(conn);
		fprintf(stderr, "%s: %s: %lld row(s) rejected with --on-error=abort: nothing was loaded\n",
				progname, file, counts[4]);
		rc = EXIT_REJECTED;
		goto done;
	}
	if (!cli_exec_ok(conn, "COMMIT", &rc))
		goto done;
	if (!cli_quiet)
		printf("  committed in %.1f s (read and sent %.1f s, checked and filed %.1f s)\n",
			   cli_now() - t0, t_sent - t0, t_applied - t_sent);
	if (counts[4] > 0 && o->fail_on_reject)
		rc = EXIT_REJECTED;

done:
	cli_rollback_quietly(conn);
	fflush(stdout);
	if (own_fd && fd >= 0)
		close(fd);
	free(chunk);
	free(sink.buf);
	free(sink.run_values);
	free(rpath);
	free(base_copy);
	return rc;
}

/*
 * A file's load, run again from the start (the file read again, standard
 * input from its spool) when its transaction fails with a serialization
 * failure or a deadlock, CLI_ATTEMPTS times in all.
 */
static int
load_with_retries(PGconn *conn, const load_options *o, const char *file)
{
	load_spool	spool = {NULL, false};
	bool		is_stdin = strcmp(file, "-") == 0;
	char		what[1100];
	int			rc;

	snprintf(what, sizeof what, "the load of \"%s\"", file);
	if (is_stdin)
		spool.f = tmpfile();
	for (int attempt = 1;; attempt++)
	{
		cli_last_sqlstate[0] = '\0';
		rc = load_file(conn, o, file, &spool);
		if (rc == EXIT_OK || !cli_retryable_kind(conn))
			break;
		if (is_stdin && !spool.replay && spool.f)
		{
			/* the rest of standard input too, should the failure have come before its end */
			char		buf[8192];

			while (spool.f && read_input(STDIN_FILENO, buf, sizeof buf, &spool) > 0)
				;
		}
		if (is_stdin && !spool.f)
		{
			cli_rollback_quietly(conn);
			cli_error("cannot retry the load of standard input: it could not be kept in a temporary file");
			cli_hint("load from a file, which can be read again, or make room in TMPDIR");
			fprintf(stderr, "%s: nothing was loaded from \"%s\"\n", progname, file);
			break;
		}
		if (!cli_retry(conn, attempt, what))
		{
			fprintf(stderr, "%s: nothing was loaded from \"%s\"\n", progname, file);
			break;
		}
		spool.replay = true;
	}
	if (spool.f)
		fclose(spool.f);
	return rc;
}

int
cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"indicator", required_argument, NULL, 'i'},
		{"org", required_argument, NULL, 'o'},
		{"measure", required_argument, NULL, 'm'},
		{"source", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"rejects", required_argument, NULL, 'r'},
		{"delimiter", required_argument, NULL, OPT_BASE + 1},
		{"region-key", required_argument, NULL, OPT_BASE + 2},
		{"period-key", required_argument, NULL, OPT_BASE + 3},
		{"status-key", required_argument, NULL, OPT_BASE + 4},
		{"filter", required_argument, NULL, OPT_BASE + 5},
		{"published-at", required_argument, NULL, OPT_BASE + 6},
		{"released-at", required_argument, NULL, OPT_BASE + 7},
		{"on-error", required_argument, NULL, OPT_BASE + 8},
		{"fail-on-reject", no_argument, NULL, OPT_BASE + 9},
		{"revision-reason", required_argument, NULL, OPT_BASE + 10},
		{NULL, 0, NULL, 0}
	};
	load_options o;
	const char **files;
	int			nfiles = 0;
	const char *filters[65];
	int			nfilters = 0;
	int			c;
	PGconn	   *conn;
	int			rc = EXIT_OK;

	memset(&o, 0, sizeof o);
	o.conn = cli_default_conn;
	o.source = "CBS";
	o.in.period_key = "Perioden";
	o.in.delimiter = ';';
	filters[0] = NULL;
	o.in.filters = filters;
	/*
	 * Every option is read before anything is loaded, wherever it stands:
	 * "-" returns the file names in order (as code 1) instead of stopping
	 * at the first, whatever POSIXLY_CORRECT says, so "load ... FILE
	 * --rejects=X" applies --rejects to FILE, and a bad option after a file
	 * is a usage error before the first file is committed.  After "--"
	 * everything is a file name.  optind = 0: GNU getopt starts afresh
	 * (main's "+" parse would otherwise still hold).
	 */
	files = calloc(argc + 1, sizeof(char *));
	if (!files)
	{
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	optind = 0;
	while ((c = getopt_long(argc, argv, "-" CLI_CONN_SHORTOPTS "i:o:m:s:f:r:?", longopts, NULL)) != -1)
	{
		if (c == 1)
		{
			files[nfiles++] = optarg;
			continue;
		}
		if (cli_conn_option(&o.conn, c, optarg))
			continue;
		switch (c)
		{
			case 'i':
				o.indicator = optarg;
				break;
			case 'o':
				o.org = optarg;
				break;
			case 'm':
				o.in.measure = optarg;
				break;
			case 's':
				o.source = optarg;
				break;
			case 'f':
				if (strcmp(optarg, "auto") == 0)
					o.format = FORMAT_AUTO;
				else if (strcmp(optarg, "odata3") == 0)
					o.format = FORMAT_ODATA3;
				else if (strcmp(optarg, "odata4") == 0)
					o.format = FORMAT_ODATA4;
				else if (strcmp(optarg, "csv") == 0)
					o.format = FORMAT_CSV;
				else
					return cli_usage_error("load", "unknown format \"%s\" (auto, odata3, odata4 or csv)", optarg);
				break;
			case 'r':
				o.rejects = optarg;
				break;
			case OPT_BASE + 1:
				if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
					o.in.delimiter = '\t';
				else if (strlen(optarg) == 1 && optarg[0] != '"')
					o.in.delimiter = optarg[0];
				else
					return cli_usage_error("load", "the delimiter must be one character, or \"tab\"");
				break;
			case OPT_BASE + 2:
				o.in.region_key = optarg;
				break;
			case OPT_BASE + 3:
				o.in.period_key = optarg;
				break;
			case OPT_BASE + 4:
				o.in.status_key = optarg;
				break;
			case OPT_BASE + 5:
				if (!strchr(optarg, '=') || optarg[0] == '=')
					return cli_usage_error("load", "--filter needs KEY=VALUE, not \"%s\"", optarg);
				if (nfilters == 64)
					return cli_usage_error("load", "too many --filter options");
				filters[nfilters++] = optarg;
				filters[nfilters] = NULL;
				break;
			case OPT_BASE + 6:
				o.published_at = optarg;
				break;
			case OPT_BASE + 7:
				o.released_at = optarg;
				break;
			case OPT_BASE + 8:
				if (strcmp(optarg, "reject") == 0)
					o.abort_on_reject = false;
				else if (strcmp(optarg, "abort") == 0)
					o.abort_on_reject = true;
				else
					return cli_usage_error("load", "--on-error must be reject or abort, not \"%s\"", optarg);
				break;
			case OPT_BASE + 9:
				o.fail_on_reject = true;
				break;
			case OPT_BASE + 10:
				o.revision_reason = optarg;
				break;
			default:				/* '?' too */
				return cli_option_error("load", argv, "dhpUiomsfr", usage);
		}
	}
	if (!o.indicator)
		return cli_usage_error("load", "no indicator given (--indicator=CODE)");
	if (!o.org)
		return cli_usage_error("load", "no organisation given (--org=CODE)");
	while (optind < argc)
		files[nfiles++] = argv[optind++];
	if (nfiles == 0)
		return cli_usage_error("load", "no input file given");
	if (o.rejects && nfiles > 1)
		return cli_usage_error("load", "--rejects names one file: give one input file with it");

	conn = cli_connect(&o.conn, &rc);
	if (!conn)
		return rc;

	/* the indicator and the organisation must exist: say so before reading anything */
	{
		const char *params[2] = {o.indicator, o.org};
		PGresult   *res = exec_params(conn,
									  "SELECT EXISTS (SELECT FROM krimp.indicator WHERE code OPERATOR(pg_catalog.=) $1),"
									  "       EXISTS (SELECT FROM krimp.organisation WHERE org_code OPERATOR(pg_catalog.=) $2)",
									  2, params, &rc);

		if (!res)
		{
			PQfinish(conn);
			return rc;
		}
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
			rc = cli_usage_error("load", "indicator \"%s\" does not exist in the warehouse (see krimp.indicator)", o.indicator);
		else if (strcmp(PQgetvalue(res, 0, 1), "t") != 0)
			rc = cli_usage_error("load", "organisation \"%s\" does not exist in the warehouse (see krimp.organisation)", o.org);
		PQclear(res);
		if (rc != EXIT_OK)
		{
			PQfinish(conn);
			return rc;
		}
	}
	/* one file after the other, each in its own transaction; the first failure stops */
	for (int i = 0; i < nfiles && rc == EXIT_OK; i++)
		rc = load_with_retries(conn, &o, files[i]);
	PQfinish(conn);
	return rc;
}
