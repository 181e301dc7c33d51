/*
 * fuzz_cli.h
 *	  The driver the CBS reader targets share (fuzz_odata3.c, fuzz_odata4.c,
 *	  fuzz_statline_csv.c): it runs a reader of cli/ (input.h) over a
 *	  document the way krimpctl load (cli/load.c, load_file) does, with the
 *	  byte order mark skipped, but with a sink of its own instead of the
 *	  server: no database is involved.
 *
 * Input: byte 0 chooses the options (--measure, --status-key, --filter,
 * the CSV delimiter), byte 1 a chunk size, the rest is the document.
 *
 * Invariants:
 *	  - the document read in one chunk and read in chunks of 1..64 bytes
 *		gives the same rows in the same order, the same outcome, the same
 *		counts and the same measure (a streaming reader must not depend on
 *		where reads end);
 *	  - every row has a region and a period, NUL-terminated; each field's
 *		text is as long as the reader parsed it (input_row's lengths: a NUL
 *		byte must not cut a field short), and a CSV document with a NUL byte
 *		never reads without a failure; a value marked
 *		as a JSON number reads completely with strtod; row numbers never go
 *		down;
 *	  - records counts the rows the sink took; a failure has a message;
 *	  - the sink refuses rows whose period is not a period (as load_row
 *		does), and reading stops at the first refusal.
 */
#ifndef KRIMP_FUZZ_CLI_H
#define KRIMP_FUZZ_CLI_H

#include <ctype.h>

#include "fuzz_common.h"
#include "input.h"
#include "period.h"

typedef struct fuzz_rows
{
	char	   *buf;			/* every row, fields separated by \x1f, rows by \x1e */
	size_t		len,
				cap;
	long long	taken;
	long long	last_number;
	bool		refused;		/* the sink said no once */
} fuzz_rows;

static void
rows_add(fuzz_rows *r, const char *s)
{
	size_t		n = strlen(s) + 1;

	if (r->len + n > r->cap)
	{
		r->cap = (r->len + n) * 2 + 256;
		r->buf = realloc(r->buf, r->cap);
		if (r->buf == NULL)
			abort();
	}
	memcpy(r->buf + r->len, s, n - 1);
	r->buf[r->len + n - 1] = '\x1f';
	r->len += n;
}

static bool
fuzz_sink(input_state *in, const input_row *row)
{
	fuzz_rows  *r = in->sink_ctx;
	char		period[64];
	const char *p;
	size_t		n;
	krimp_period kp;
	krimp_error err;
	char		num[32];

	FUZZ_CHECK(!r->refused, "the reader went on after the sink refused a row");
	FUZZ_CHECK(row->region != NULL && row->period != NULL, "a row without region or period");
	FUZZ_CHECK(row->line_number >= r->last_number, "row number %lld after %lld", row->line_number, r->last_number);
	/* no field ends early: its text is as long as the reader parsed it (a NUL byte once cut 1\0999 to 1) */
	FUZZ_CHECK(strlen(row->region) == row->region_len, "region \"%s\": %zu characters, %zu parsed",
			   row->region, strlen(row->region), row->region_len);
	FUZZ_CHECK(strlen(row->period) == row->period_len, "period \"%s\": %zu characters, %zu parsed",
			   row->period, strlen(row->period), row->period_len);
	FUZZ_CHECK(row->value ? strlen(row->value) == row->value_len : row->value_len == 0,
			   "value \"%s\": %zu characters, %zu parsed", row->value ? row->value : "(null)",
			   row->value ? strlen(row->value) : 0, row->value_len);
	FUZZ_CHECK(row->status ? strlen(row->status) == row->status_len : row->status_len == 0,
			   "status \"%s\": %zu characters, %zu parsed", row->status ? row->status : "(null)",
			   row->status ? strlen(row->status) : 0, row->status_len);
	r->last_number = row->line_number;
	if (row->value && row->value_is_number)
	{
		char	   *end;

		(void) strtod(row->value, &end);
		FUZZ_CHECK(*end == '\0' && end != row->value, "JSON number \"%s\" does not read", row->value);
	}
	snprintf(num, sizeof num, "%lld", row->line_number);
	rows_add(r, num);
	rows_add(r, row->region);
	rows_add(r, row->period);
	rows_add(r, row->value ? row->value : "\\N");
	/* every field is read: the JSON readers once left decimal_comma unset (docs/hardening.md) */
	rows_add(r, row->value_is_number ? "n" : row->decimal_comma ? "c" : "s");
	rows_add(r, row->status ? row->status : "\\N");
	rows_add(r, "\x1e");

	/* load_row's period check: trimmed, then krimp_period_parse */
	p = row->period;
	while (isspace((unsigned char) *p))
		p++;
	n = strlen(p);
	while (n > 0 && isspace((unsigned char) p[n - 1]))
		n--;
	if (n >= sizeof period)
		n = sizeof period - 1;
	memcpy(period, p, n);
	period[n] = '\0';
	if (!krimp_period_parse(period, &kp, &err))
	{
		r->refused = true;
		return input_fail(in, "%s", err.message);
	}
	r->taken++;
	return true;
}

typedef struct fuzz_outcome
{
	bool		ok;
	long long	records,
				skipped;
	bool		paged;
	char		measure[256];
	char		error[INPUT_ERROR_LEN];
	fuzz_rows	rows;
} fuzz_outcome;

/* Read doc (len bytes) in chunks of at most chunk bytes, as load_file does. */
static void
fuzz_read(const input_reader *reader, const input_options *opts, const char *doc, size_t len,
		  size_t chunk, fuzz_outcome *out)
{
	input_state in;
	size_t		skip = 0,
				pos;
	bool		ok;

	memset(&in, 0, sizeof in);
	memset(out, 0, sizeof *out);
	in.opts = opts;
	in.file_name = "fuzz";
	in.sink = fuzz_sink;
	in.sink_ctx = &out->rows;
	out->rows.last_number = -1;
	if (len >= 3 && memcmp(doc, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	ok = reader->open(&in);
	in.chunk_offset = (long long) skip;
	pos = skip;
	while (ok && pos < len)
	{
		size_t		n = len - pos < chunk ? len - pos : chunk;
		/* each chunk in a buffer of its own, so ASan sees reads past it */
		char	   *c = malloc(n);

		if (c == NULL)
			abort();
		memcpy(c, doc + pos, n);
		in.chunk = c;
		in.chunk_len = n;
		ok = reader->feed(&in, c, n);
		if (ok)
		{
			for (const char *p = c, *e = c + n; (p = memchr(p, '\n', e - p)) != NULL; p++)
				in.lines_before++;
			in.chunk_offset += (long long) n;
		}
		free(c);
		in.chunk = NULL;
		in.chunk_len = 0;
		pos += n;
	}
	if (ok)
	{
		/* as load_file: the chunk buffer stays, empty */
		in.chunk = doc;
		in.chunk_len = 0;
		ok = reader->finish(&in);
	}
	reader->close(&in);

	out->ok = ok;
	out->records = in.records;
	out->skipped = in.skipped;
	out->paged = in.paged;
	snprintf(out->measure, sizeof out->measure, "%s", in.measure_used);
	memcpy(out->error, in.error, sizeof out->error);
	FUZZ_CHECK(memchr(in.error, 0, sizeof in.error) != NULL, "error not terminated");
	FUZZ_CHECK(ok != in.failed, "outcome %d but failed flag %d (error \"%s\")", ok, in.failed, in.error);
	FUZZ_CHECK(ok || in.error[0] != '\0', "a failure without a message");
	FUZZ_CHECK(in.records == out->rows.taken, "records %lld, sink took %lld", in.records, out->rows.taken);
}

/*
 * The options of byte 0: bit 0 --measure, bit 1 --status-key Status,
 * bit 2 --filter RegioS=GM0010, bit 3 --delimiter=, (CSV), bit 4
 * --region-key RegioS given (CSV: otherwise RegioS, Regio's or Regio).
 */
static void
fuzz_options(uint8_t sel, const char *measure, bool csv, input_options *o)
{
	static const char *filters[] = {"RegioS=GM0010", NULL};

	memset(o, 0, sizeof *o);
	o->measure = (sel & 1) ? measure : NULL;
	o->status_key = (sel & 2) ? "Status" : NULL;
	o->filters = (sel & 4) ? filters : NULL;
	o->delimiter = (sel & 8) ? ',' : ';';
	o->period_key = "Perioden";
	/* load_file: JSON fields are named exactly (RegioS by default) */
	o->region_key = ((sel & 16) || !csv) ? "RegioS" : NULL;
}

static int
fuzz_cli_one(const input_reader *reader, const char *measure, bool csv, const uint8_t *data, size_t size)
{
	input_options opts;
	fuzz_outcome whole,
				chunked;
	size_t		chunk;

	if (size < 2)
		return 0;
	fuzz_options(data[0], measure, csv, &opts);
	chunk = 1 + data[1] % 64;
	fuzz_read(reader, &opts, (const char *) data + 2, size - 2, size, &whole);
	fuzz_read(reader, &opts, (const char *) data + 2, size - 2, chunk, &chunked);

	FUZZ_CHECK(whole.ok == chunked.ok, "whole: %s; in chunks of %zu: %s",
			   whole.ok ? "ok" : whole.error, chunk, chunked.ok ? "ok" : chunked.error);
	FUZZ_CHECK(whole.records == chunked.records && whole.skipped == chunked.skipped,
			   "records %lld/%lld skipped %lld/%lld in chunks of %zu", whole.records, chunked.records,
			   whole.skipped, chunked.skipped, chunk);
	FUZZ_CHECK(whole.rows.len == chunked.rows.len &&
			   (whole.rows.len == 0 || memcmp(whole.rows.buf, chunked.rows.buf, whole.rows.len) == 0),
			   "other rows in chunks of %zu", chunk);
	FUZZ_CHECK(whole.paged == chunked.paged, "paged differs");
	/*
	 * CSV: every byte is in a field, a separator, a quote or a line end, so
	 * a document with a NUL byte never reads as a whole (a field would have
	 * lost what follows the NUL).
	 */
	FUZZ_CHECK(!csv || !whole.ok || memchr(data + 2, '\0', size - 2) == NULL,
			   "a document with a NUL byte read without a failure");
	FUZZ_CHECK(strcmp(whole.measure, chunked.measure) == 0, "measure %s / %s", whole.measure, chunked.measure);
	free(whole.rows.buf);
	free(chunked.rows.buf);
	return 0;
}

#endif							/* KRIMP_FUZZ_CLI_H */
