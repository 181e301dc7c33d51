/*
 * load_batch.c
 *	  krimpctl load: the load of one file, in one transaction and one load
 *	  batch (krimp.begin_batch, the COPY of the runs, krimp.apply_batch), its
 *	  rejected rows written to the rejects file and summed up by reason, and
 *	  the retries of a transaction that failed with a serialization failure
 *	  or a deadlock.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"

/* ---- the load of one file ---------------------------------------------- */

input_format
load_detect_format(const char *buf, size_t len)
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

const char *
load_format_name(input_format f)
{
	return f == FORMAT_ODATA3 ? "OData v3 JSON" : f == FORMAT_ODATA4 ? "OData v4 JSON" : "StatLine CSV";
}

/* Run a query with parameters that must return tuples (or a command). */
PGresult *
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
						   "SELECT line_number OPERATOR(pg_catalog.%) 10000000000, row_data->>'region', row_data->>'period', "
						   "row_data->>'value', row_data->>'status', reason FROM krimp.rejected_row "
						   "WHERE batch_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 "
						   "ORDER BY line_number OPERATOR(pg_catalog.%) 10000000000, line_number",
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
								  "WITH r AS (SELECT line_number OPERATOR(pg_catalog.%) 10000000000 AS line_number, reason, "
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

/* The first rejected row of the batch, by line (record): "record 39: reason" into buf. */
static int
first_reject(PGconn *conn, const char *batch, bool json, char *buf, size_t size)
{
	const char *params[1] = {batch};
	int			rc = EXIT_OK;
	PGresult   *res = exec_params(conn,
								  "SELECT line_number OPERATOR(pg_catalog.%) 10000000000, reason FROM krimp.rejected_row "
								  "WHERE batch_id OPERATOR(pg_catalog.=) $1::pg_catalog.int8 "
								  "ORDER BY line_number OPERATOR(pg_catalog.%) 10000000000, line_number LIMIT 1",
								  1, params, &rc);

	if (!res)
		return rc;
	if (PQntuples(res) == 1)
		snprintf(buf, size, "%s %s: %s", json ? "record" : "line", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
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

/* the state of one file's load, from its opening to its commit */
typedef struct load_job
{
	PGconn	   *conn;
	const load_options *o;
	const char *file;
	load_spool *spool;
	int			fd;
	bool		own_fd;
	char	   *chunk;
	ssize_t		got;
	size_t		skip;
	input_state in;
	input_options io;
	const input_reader *reader;
	input_format fmt;
	load_sink	sink;
	cli_progress progress;
	char		batch[32];
	char	   *base_copy;
	char	   *rpath;
	double		t0,
				t_sent,
				t_applied;
	long long	counts[6];		/* read, inserted, revised, unchanged, rejected, skipped */
} load_job;

/* the indicator of the i-th measure: its own (-m MEASURE=INDICATOR), else --indicator */
const char *
measure_indicator(const load_options *o, int i)
{
	if (i < o->nmeasures && o->measure_indicators[i])
		return o->measure_indicators[i];
	return o->indicator;
}

/* krimp.region into the sink's names: code, name, validity and a municipality's province */
static int
load_regions(load_job *j)
{
	int			rc = EXIT_OK;
	krimp_error err;
	PGresult   *res = exec_params(j->conn,
								  "SELECT r.code, r.name, r.valid_from::pg_catalog.text, r.valid_to::pg_catalog.text,"
								  "  (SELECT p.code FROM krimp.region_parent rp JOIN krimp.region p"
								  "      ON p.region_id OPERATOR(pg_catalog.=) rp.parent_id"
								  "    WHERE rp.region_id OPERATOR(pg_catalog.=) r.region_id"
								  "      AND p.level OPERATOR(pg_catalog.=) 'province'"
								  "    ORDER BY rp.valid_from DESC LIMIT 1)"
								  "  FROM krimp.region r",
								  0, NULL, &rc);

	if (!res)
		return rc;
	j->sink.regions = krimp_region_names_create();
	if (!j->sink.regions)
	{
		PQclear(res);
		cli_error("out of memory");
		return EXIT_INPUT;
	}
	for (int i = 0; i < PQntuples(res); i++)
		if (!krimp_region_names_add(j->sink.regions, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
									PQgetvalue(res, i, 2), PQgetisnull(res, i, 3) ? NULL : PQgetvalue(res, i, 3),
									PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4), &err))
		{
			PQclear(res);
			cli_error("region %s: %s", PQgetvalue(res, i, 0), err.message);
			return EXIT_SERVER;
		}
	PQclear(res);
	return EXIT_OK;
}

/* the rows set aside on the client into krimp.rejected_row, before apply_batch counts them */
static int
file_client_rejects(load_job *j)
{
	int			rc = EXIT_OK;
	const char *params[3] = {j->batch, j->o->org, NULL};
	PGresult   *res;

	if (j->sink.nrejects == 0)
		return EXIT_OK;
	rejects_close(&j->sink);
	params[2] = j->sink.rejects;
	res = exec_params(j->conn,
					  "INSERT INTO krimp.rejected_row (batch_id, line_number, org_code, row_data, reason) "
					  "SELECT $1::pg_catalog.int8, (e OPERATOR(pg_catalog.->>) 'line')::pg_catalog.int8, $2,"
					  "  e OPERATOR(pg_catalog.->) 'row', e OPERATOR(pg_catalog.->>) 'reason'"
					  "  FROM pg_catalog.jsonb_array_elements($3::pg_catalog.jsonb) e",
					  3, params, &rc);
	if (!res)
		return rc;
	PQclear(res);
	return EXIT_OK;
}

/* open the file (or standard input, or its spool), read the first chunk, tell the format */
static int
load_open(load_job *j)
{
	int			rc = EXIT_OK;

	if (strcmp(j->file, "-") != 0)
		j->fd = open(j->file, O_RDONLY);
	else if (j->spool->replay)
	{
		/* a retry: standard input again, from the spool */
		j->fd = fileno(j->spool->f);
		if (fflush(j->spool->f) != 0 || lseek(j->fd, 0, SEEK_SET) != 0)
			j->fd = -1;
		j->own_fd = false;
	}
	else
	{
		j->fd = STDIN_FILENO;
		j->own_fd = false;
	}
	if (j->fd < 0)
	{
		cli_error("could not open \"%s\": %s", j->file, strerror(errno));
		return EXIT_INPUT;
	}
	j->chunk = malloc(CHUNK_SIZE);
	j->sink.buf = malloc(COPY_BUF_SIZE);
	j->sink.nruns = j->o->nmeasures > 1 ? j->o->nmeasures : 1;
	for (int i = 0; i < j->sink.nruns; i++)
		if (!(j->sink.runs[i].run_values = malloc(RUN_BUF_SIZE)))
			j->sink.nruns = -1;
	j->rpath = rejects_path(j->o, j->file);
	j->base_copy = strdup(j->file);
	if (!j->chunk || !j->sink.buf || j->sink.nruns < 0 || !j->rpath || !j->base_copy)
	{
		cli_error("out of memory");
		rc = EXIT_INPUT;
		return rc;
	}
	j->got = read_input(j->fd, j->chunk, CHUNK_SIZE, j->spool);
	if (j->got < 0)
	{
		cli_error("could not read \"%s\": %s", j->file, strerror(errno));
		rc = EXIT_INPUT;
		return rc;
	}
	j->fmt = j->o->format != FORMAT_AUTO ? j->o->format : load_detect_format(j->chunk, j->got);
	j->reader = j->fmt == FORMAT_ODATA3 ? &odata3_reader : j->fmt == FORMAT_ODATA4 ? &odata4_reader : &csv_reader;
	if (j->got >= 3 && memcmp(j->chunk, "\xEF\xBB\xBF", 3) == 0)
		j->skip = 3;				/* the byte order mark CBS writes */

	return rc;
}

/* BEGIN, the batch, the temporary table of runs and the COPY into it */
static int
load_begin(load_job *j)
{
	int			rc = EXIT_OK;
	PGresult   *res;

	/* one transaction, one batch */
	if (!cli_exec_ok(j->conn, "BEGIN", &rc))
		return rc;
	{
		const char *params[4] = {j->o->org, j->o->source, basename(j->base_copy), j->o->revision_reason};

		res = exec_params(j->conn, "SELECT krimp.begin_batch($1, $2, $3, $4)", 4, params, &rc);
		if (!res)
			return rc;
		snprintf(j->batch, sizeof j->batch, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	/* the regions, for a file of names instead of codes: read once, matched on the client */
	if ((rc = load_regions(j)) != EXIT_OK)
		return rc;
	/*
	 * The figures go as runs (one region, one status marker, consecutive
	 * lines and periods) to a temporary table of krimp.staged_block, which
	 * krimp.apply_batch is given: a run of a new series is filed as one block,
	 * anything else is unrolled and checked figure by figure there.  (A
	 * temporary table, since PostgreSQL refuses COPY FROM into a table with
	 * row-level security for an organisation's login.)
	 */
	if (!cli_exec_ok(j->conn, "CREATE TEMPORARY TABLE krimpctl_blocks OF krimp.staged_block "
					 "WITH (toast_tuple_target = 8160) ON COMMIT DROP", &rc))
		return rc;
	res = PQexec(j->conn, "COPY pg_temp.krimpctl_blocks (batch_id, first_line, org_code, indicator_code, "
				 "region_code, first_period, value, status, kind, forecast_producer, forecast_base_year, released_at) FROM STDIN");
	if (PQresultStatus(res) != PGRES_COPY_IN)
	{
		rc = cli_server_error(j->conn, res, NULL);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	{
		char		org[128],
					ind[256],
					rel[128],
					prod[256],
					kind[300];

		copy_escape(org, sizeof org, j->o->org);
		snprintf(j->sink.prefix, sizeof j->sink.prefix, "%s\t", j->batch);
		for (int i = 0; i < j->sink.nruns; i++)
		{
			j->sink.indicators[i] = measure_indicator(j->o, i);
			copy_escape(ind, sizeof ind, j->sink.indicators[i]);
			snprintf(j->sink.runs[i].middle, sizeof j->sink.runs[i].middle, "%s\t%s\t", org, ind);
		}
		/* kind, forecast producer and base year: NULL for an observation */
		if (j->o->kind)
		{
			copy_escape(prod, sizeof prod, j->o->forecast_producer);
			snprintf(kind, sizeof kind, "%s\t%s\t%s", j->o->kind, prod, j->o->forecast_base_year);
		}
		else
			snprintf(kind, sizeof kind, "\\N\t\\N\t\\N");
		if (j->o->released_at)
		{
			copy_escape(rel, sizeof rel, j->o->released_at);
			snprintf(j->sink.suffix, sizeof j->sink.suffix, "\t%s\t%s\n", kind, rel);
		}
		else
			snprintf(j->sink.suffix, sizeof j->sink.suffix, "\t%s\t\\N\n", kind);
	}
	j->sink.conn = j->conn;

	return rc;
}

/* read the file and stream its runs into the COPY; false on malformed input or a failed send */
static bool
load_stream(load_job *j)
{
	struct stat st;
	bool		ok;

	/* read and stream */
	/* JSON fields are named exactly; a CSV header is matched loosely (RegioS, Regio's, Regio) */
	j->io = j->o->in;
	if (!j->io.region_key && j->fmt != FORMAT_CSV)
		j->io.region_key = "RegioS";
	j->in.opts = &j->io;
	j->in.file_name = j->file;
	j->in.sink = load_row;
	j->in.sink_ctx = &j->sink;
	cli_progress_start(&j->progress, j->fd != STDIN_FILENO && fstat(j->fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0);
	ok = j->reader->open(&j->in);
	j->in.chunk_offset = (long long) j->skip;
	while (ok && j->got > 0)
	{
		j->in.chunk = j->chunk + j->skip;
		j->in.chunk_len = j->got - j->skip;
		ok = j->reader->feed(&j->in, j->in.chunk, j->in.chunk_len);
		if (!ok)
			break;
		for (const char *p = j->in.chunk, *e = j->in.chunk + j->in.chunk_len; (p = memchr(p, '\n', e - p)) != NULL; p++)
			j->in.lines_before++;
		j->in.chunk_offset += j->in.chunk_len;
		cli_progress_update(&j->progress, j->in.chunk_offset, j->in.records, false);
		j->skip = 0;
		j->got = read_input(j->fd, j->chunk, CHUNK_SIZE, j->spool);
		if (j->got < 0)
		{
			input_fail(&j->in, "could not read: %s", strerror(errno));
			ok = false;
		}
	}
	if (ok)
	{
		j->in.chunk = j->chunk;
		j->in.chunk_len = 0;
		ok = j->reader->finish(&j->in);
	}
	if (ok && j->in.records == 0 && j->in.skipped)
		ok = input_fail(&j->in, "no observations of the measure \"%s\" (%lld rows skipped: %lld of other measures, "
						"%lld left out by --filter, %lld impossible, %lld empty, %lld of areas not held)",
						j->in.measure_used, j->in.skipped, j->in.skips[SKIP_OTHER_MEASURE], j->in.skips[SKIP_FILTER],
						j->in.skips[SKIP_IMPOSSIBLE], j->in.skips[SKIP_NO_VALUE], j->in.skips[SKIP_NOT_HELD]);
	else if (ok && j->in.records == 0)
		ok = input_fail(&j->in, "no observations in the file");
	if (ok && (!runs_send(&j->sink) || !sink_flush(&j->sink)))
		ok = input_fail(&j->in, "could not send data to the server");
	j->reader->close(&j->in);
	cli_progress_update(&j->progress, j->in.chunk_offset, j->in.records, true);
	return ok;
}

/* end the COPY: with an error after malformed input (the server discards everything), else for good */
static int
load_end_copy(load_job *j, bool ok)
{
	int			rc = EXIT_OK;
	PGresult   *res;

	if (!ok)
	{
		/* end the COPY with an error: the server discards everything */
		cli_progress_end(&j->progress);
		PQputCopyEnd(j->conn, j->sink.copy_failed ? NULL : "malformed input");
		while ((res = PQgetResult(j->conn)) != NULL)
			PQclear(res);
		if (j->sink.copy_failed || PQstatus(j->conn) == CONNECTION_BAD)
			rc = cli_server_error(j->conn, NULL, "could not send the rows");
		else
		{
			cli_error("%s: %s", j->file, j->in.error);
			fprintf(stderr, "%s: nothing was loaded from \"%s\"\n", progname, j->file);
			rc = EXIT_INPUT;
		}
		return rc;
	}
	if (PQputCopyEnd(j->conn, NULL) != 1)
	{
		rc = cli_server_error(j->conn, NULL, "could not end the COPY");
		return rc;
	}
	res = PQgetResult(j->conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		cli_progress_end(&j->progress);
		rc = cli_server_error(j->conn, res, NULL);
		PQclear(res);
		while ((res = PQgetResult(j->conn)) != NULL)
			PQclear(res);
		return rc;
	}
	PQclear(res);
	while ((res = PQgetResult(j->conn)) != NULL)
		PQclear(res);

	return rc;
}

/* krimp.apply_batch: check and file the runs, count what became of the rows */
static int
load_apply(load_job *j)
{
	int			rc = EXIT_OK;
	PGresult   *res;

	/* check and file */
	j->t_sent = cli_now();
	{
		char		msg[128];
		const char *params[2] = {j->batch, j->o->published_at};

		snprintf(msg, sizeof msg, "checking and filing %lld rows ...", j->in.records);
		cli_progress_message(&j->progress, msg);
		res = exec_params(j->conn,
						  "SELECT rows_read, rows_inserted, rows_revised, rows_unchanged, rows_rejected, "
						  "COALESCE(rows_skipped, 0) "
						  "FROM krimp.apply_batch($1::pg_catalog.int8, 'reject', $2::pg_catalog.timestamptz, "
						  "blocks => 'pg_temp.krimpctl_blocks'::pg_catalog.regclass)",
						  2, params, &rc);
		cli_progress_end(&j->progress);
		j->t_applied = cli_now();
		if (!res)
			return rc;
		for (int c = 0; c < 6; c++)
			j->counts[c] = atoll(PQgetvalue(res, 0, c));
		PQclear(res);
		/* rows the warehouse left out as figures that cannot exist: skipped, as the client's own */
		j->in.skips[SKIP_NOT_EXISTING] += j->counts[5];
		j->in.skipped += j->counts[5];
	}

	return rc;
}

/* the summary and the rejects; then COMMIT, or ROLLBACK with --on-error=abort */
static int
load_commit(load_job *j)
{
	int			rc = EXIT_OK;
	/* --on-error=abort with rejected rows: the batch is rolled back, nothing stays */
	bool		aborting = j->counts[4] > 0 && j->o->abort_on_reject;
	char		first[1200] = "";

	if (aborting && (rc = first_reject(j->conn, j->batch, j->fmt != FORMAT_CSV, first, sizeof first)) != EXIT_OK)
		return rc;
	if (!cli_quiet)
	{
		if (j->in.nmeasures <= 1)
			printf("%s: %s, measure %s%s%s%s as indicator %s of %s, batch %s\n", j->file, load_format_name(j->fmt),
				   j->in.measure_used, j->in.measure_title[0][0] ? " (\"" : "", j->in.measure_title[0],
				   j->in.measure_title[0][0] ? "\")" : "", measure_indicator(j->o, 0), j->o->org, j->batch);
		else
		{
			printf("%s: %s, %d measures of %s, batch %s\n", j->file, load_format_name(j->fmt), j->in.nmeasures,
				   j->o->org, j->batch);
			for (int m = 0; m < j->in.nmeasures; m++)
				printf("  measure %s%s%s%s as indicator %s\n", j->in.measure_key[m],
					   j->in.measure_title[m][0] ? " (\"" : "", j->in.measure_title[m],
					   j->in.measure_title[m][0] ? "\")" : "", measure_indicator(j->o, m));
		}
		if (j->o->kind)
			printf("  as a forecast of %s, base year %s\n", j->o->forecast_producer, j->o->forecast_base_year);
		if (aborting)
			printf("  read %lld, rejected %lld: with --on-error=abort the batch was rolled back, nothing inserted or revised",
				   j->counts[0], j->counts[4]);
		else
			printf("  read %lld, inserted %lld, revised %lld, unchanged %lld, rejected %lld",
				   j->counts[0], j->counts[1], j->counts[2], j->counts[3], j->counts[4]);
		{
			int			kinds = 0,
						kind = 0;

			for (int k = 0; k < SKIP_KINDS; k++)
				if (j->in.skips[k])
					kinds++, kind = k;
			if (kinds == 1)
				printf("; skipped %lld %s", j->in.skipped, input_skip_reason[kind]);
			else if (kinds > 1)
				printf("; skipped %lld", j->in.skipped);
			printf("\n");
			for (int k = 0; k < SKIP_KINDS && kinds > 1; k++)
				if (j->in.skips[k])
					printf("  skipped %lld %s\n", j->in.skips[k], input_skip_reason[k]);
		}
		if (j->sink.nrejects)
			printf("  rejected on the client: %lld (region names; see below)\n", j->sink.nrejects);
		if (aborting && first[0])
			printf("  first rejected: %s\n", first);
	}
	if (j->in.paged)
		cli_warning("%s is one page of a longer OData result (it has a next link): load the other pages too", j->file);
	if (j->counts[4] > 0)
	{
		long long	written;

		if (!cli_quiet && (rc = print_reject_groups(j->conn, j->batch, j->fmt != FORMAT_CSV)) != EXIT_OK)
			return rc;
		if ((rc = write_rejects(j->conn, j->batch, j->rpath, &written)) != EXIT_OK)
			return rc;
		if (!cli_quiet)
			printf("  rejected rows written to %s\n", j->rpath);
	}
	else if (!j->o->rejects)
		unlink(j->rpath);			/* no stale rejects of an earlier load */

	if (aborting)
	{
		cli_rollback_quietly(j->conn);
		fflush(stdout);			/* the summary first, then why nothing stays */
		fprintf(stderr, "%s: %s: %lld row(s) rejected with --on-error=abort: nothing was loaded (batch %s rolled back)\n",
				progname, j->file, j->counts[4], j->batch);
		rc = EXIT_REJECTED;
		return rc;
	}
	if (!cli_exec_ok(j->conn, "COMMIT", &rc))
		return rc;
	if (!cli_quiet)
		printf("  committed in %.1f s (read and sent %.1f s, checked and filed %.1f s)\n",
			   cli_now() - j->t0, j->t_sent - j->t0, j->t_applied - j->t_sent);
	if (j->counts[4] > 0 && j->o->fail_on_reject)
		rc = EXIT_REJECTED;

	return rc;
}

static int
load_file(PGconn *conn, const load_options *o, const char *file, load_spool *spool)
{
	load_job	job;
	load_job   *j = &job;
	int			rc;

	memset(&job, 0, sizeof job);
	job.conn = conn;
	job.o = o;
	job.file = file;
	job.spool = spool;
	job.own_fd = true;
	job.t0 = job.t_sent = job.t_applied = cli_now();
	if ((rc = load_open(j)) == EXIT_OK &&
		(rc = load_begin(j)) == EXIT_OK &&
		(rc = load_end_copy(j, load_stream(j))) == EXIT_OK &&
		(rc = file_client_rejects(j)) == EXIT_OK &&
		(rc = load_apply(j)) == EXIT_OK)
		rc = load_commit(j);

	cli_rollback_quietly(conn);
	fflush(stdout);
	if (j->own_fd && j->fd >= 0)
		close(j->fd);
	free(j->chunk);
	free(j->sink.buf);
	for (int i = 0; i < j->sink.nruns; i++)
		free(j->sink.runs[i].run_values);
	free(j->sink.rejects);
	krimp_region_names_free(j->sink.regions);
	free(j->rpath);
	free(j->base_copy);
	return rc;
}

/*
 * A file's load, run again from the start (the file read again, standard
 * input from its spool) when its transaction fails with a serialization
 * failure or a deadlock, CLI_ATTEMPTS times in all.
 */
int
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
