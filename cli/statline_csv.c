/*
 * statline_csv.c
 *	  StatLine CSV exports, read with libcsv: semicolon separated (or
 *	  --delimiter), fields possibly quoted and padded, a byte order mark
 *	  possibly, a header row with the column names first:
 *
 *	    "ID";"RegioS";"Perioden";"BevolkingAanHetBeginVanDePeriode_1"
 *	    "0";"GM0010  ";"2002JJ00";"29018"
 *	    "1";"GM0010  ";"2003JJ00";"."
 *
 *	  Decimal commas are read as points; "." (and CBS's "x", secret) is
 *	  unknown, "-" is CBS's nil (0).  The region column is --region-key or
 *	  the first of RegioS, Regio's, Regio; the period column --period-key or
 *	  Perioden; the measure --measure, or the one remaining column besides
 *	  ID when there is only one.  Every row must have the header's number of
 *	  fields; a header of one field means a wrong separator.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "input.h"

#define MAX_COLS 256

typedef struct csv_state
{
	struct csv_parser p;
	long long	row;			/* rows read, blank lines aside (the header is row 1) */
	long long	line;			/* physical line of the current row (1-based) */
	int			nfields;		/* fields of the current row */
	char	  **fields;
	size_t	   *lens;			/* each field's length as parsed */
	size_t	   *caps;
	int			ncols;			/* header's number of columns */
	char	  **header;
	int			c_region,
				c_period,
				c_value,
				c_status;
	bool		stop;
} csv_state;

#define CS(in) ((csv_state *) (in)->reader)

static char *
trim(char *s)
{
	char	   *e;

	while (isspace((unsigned char) *s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char) e[-1]))
		*--e = '\0';
	return s;
}

static void
cb_field(void *data, size_t len, void *ctx)
{
	input_state *in = ctx;
	csv_state *cs = CS(in);

	if (cs->stop)
		return;
	if (cs->nfields >= MAX_COLS)
	{
		input_fail(in, "line %lld: more than %d fields", cs->line, MAX_COLS);
		cs->stop = true;
		return;
	}
	/*
	 * A NUL byte would end the field's text early (1\0999 read as 1): the
	 * field's length as parsed must be its length as text.
	 */
	if (len && memchr(data, '\0', len))
	{
		if (cs->ncols && cs->nfields < cs->ncols)
			input_fail(in, "line %lld, field %d (\"%s\"): a NUL byte inside the field",
					   cs->line, cs->nfields + 1, cs->header[cs->nfields]);
		else
			input_fail(in, "line %lld, field %d: a NUL byte inside the field", cs->line, cs->nfields + 1);
		cs->stop = true;
		return;
	}
	if (len + 1 > cs->caps[cs->nfields])
	{
		size_t		n = len + 64;
		char	   *p = realloc(cs->fields[cs->nfields], n);

		if (!p)
		{
			input_fail(in, "out of memory");
			cs->stop = true;
			return;
		}
		cs->fields[cs->nfields] = p;
		cs->caps[cs->nfields] = n;
	}
	if (len)
		memcpy(cs->fields[cs->nfields], data, len);
	cs->fields[cs->nfields][len] = '\0';
	cs->lens[cs->nfields] = len;
	cs->nfields++;
}

static int
find_col(csv_state *cs, const char *name)
{
	for (int i = 0; i < cs->ncols; i++)
		if (strcasecmp(cs->header[i], name) == 0)
			return i;
	return -1;
}

static bool
read_header(input_state *in, csv_state *cs)
{
	const input_options *o = in->opts;
	char		list[512] = "";
	int			candidates = 0;

	if (cs->nfields < 3)
	{
		const char *hint = "";

		if (cs->nfields == 1)
		{
			if (strchr(cs->fields[0], ','))
				hint = " (it looks comma separated: use --delimiter=,)";
			else if (strchr(cs->fields[0], '\t'))
				hint = " (it looks tab separated: use --delimiter=tab)";
		}
		return input_fail(in, "the header has %d field(s) separated by \"%c\"; expected the columns "
						  "%s, %s and a measure%s", cs->nfields, o->delimiter, o->region_key ? o->region_key : "RegioS",
						  o->period_key, hint);
	}
	cs->ncols = cs->nfields;
	cs->header = calloc(cs->ncols, sizeof(char *));
	if (!cs->header)
		return input_fail(in, "out of memory");
	for (int i = 0; i < cs->ncols; i++)
		if (!(cs->header[i] = strdup(trim(cs->fields[i]))))
			return input_fail(in, "out of memory");

	if (o->region_key)
		cs->c_region = find_col(cs, o->region_key);
	else
	{
		cs->c_region = find_col(cs, "RegioS");
		if (cs->c_region < 0)
			cs->c_region = find_col(cs, "Regio's");
		if (cs->c_region < 0)
			cs->c_region = find_col(cs, "Regio");
	}
	cs->c_period = find_col(cs, o->period_key);
	if (cs->c_region < 0)
		return input_fail(in, "the header has no region column \"%s\"",
						  o->region_key ? o->region_key : "RegioS");
	if (cs->c_period < 0)
		return input_fail(in, "the header has no period column \"%s\"", o->period_key);
	cs->c_status = o->status_key ? find_col(cs, o->status_key) : -1;
	if (o->status_key && cs->c_status < 0)
		return input_fail(in, "the header has no status column \"%s\"", o->status_key);

	for (int i = 0; i < cs->ncols; i++)
	{
		if (i == cs->c_region || i == cs->c_period || i == cs->c_status ||
			strcasecmp(cs->header[i], "ID") == 0)
			continue;
		if (strlen(list) + strlen(cs->header[i]) + 5 < sizeof list)
			strcat(strcat(strcat(strcat(list, list[0] ? ", " : ""), "\""), cs->header[i]), "\"");
		candidates++;
	}
	if (o->measure)
	{
		cs->c_value = find_col(cs, o->measure);
		if (cs->c_value < 0)
			return input_fail(in, "the header has no measure column \"%s\"; its columns are: %s",
							  o->measure, list[0] ? list : "(none)");
	}
	else
	{
		if (candidates != 1)
			return input_fail(in, "the header has %d candidate measure columns (%s): choose one with --measure",
							  candidates, list);
		for (int i = 0; i < cs->ncols; i++)
			if (i != cs->c_region && i != cs->c_period && i != cs->c_status &&
				strcasecmp(cs->header[i], "ID") != 0)
				cs->c_value = i;
	}
	snprintf(in->measure_used, sizeof in->measure_used, "%s", cs->header[cs->c_value]);
	return true;
}

static const char *
csv_text(void *obj, const char *key)
{
	input_state *in = obj;
	csv_state *cs = CS(in);
	int			c = find_col(cs, key);

	return c >= 0 ? cs->fields[c] : NULL;
}

static void
cb_row(int term, void *ctx)
{
	input_state *in = ctx;
	csv_state *cs = CS(in);
	long long	line;
	input_row	row;
	char	   *value;
	size_t		value_len;
	bool		failed = false;

	if (cs->stop)
		return;
	line = cs->line;
	if (term == '\n')
		cs->line++;
	if (cs->nfields == 0)
		return;					/* a blank line, or the LF of a CRLF */
	cs->row++;
	if (cs->row == 1)
	{
		if (!read_header(in, cs))
		{
			input_prefix(in, "line %lld: ", line);
			cs->stop = true;
		}
		cs->nfields = 0;
		return;
	}
	if (cs->nfields != cs->ncols)
	{
		input_fail(in, "line %lld: %d field(s), the header has %d%s", line, cs->nfields, cs->ncols,
				   cs->nfields == 1 ? " (a wrong separator?)" : "");
		cs->stop = true;
		return;
	}
	cs->nfields = 0;
	if (in->opts->filters && input_filtered_out(in, csv_text, in, &failed))
	{
		in->skipped++;
		if (failed)
			cs->stop = true;
		return;
	}
	if (failed)
	{
		cs->stop = true;
		return;
	}

	value = cs->fields[cs->c_value];
	value_len = cs->lens[cs->c_value];
	while (isspace((unsigned char) *value))
		value++, value_len--;
	while (value_len > 0 && isspace((unsigned char) value[value_len - 1]))
		value[--value_len] = '\0';
	row.line_number = line;
	row.region = cs->fields[cs->c_region];
	row.region_len = cs->lens[cs->c_region];
	row.period = cs->fields[cs->c_period];
	row.period_len = cs->lens[cs->c_period];
	row.status = cs->c_status >= 0 ? cs->fields[cs->c_status] : NULL;
	row.status_len = cs->c_status >= 0 ? cs->lens[cs->c_status] : 0;
	row.value_is_number = false;
	row.decimal_comma = false;
	row.value_len = value_len;
	if (strcmp(value, ".") == 0 || strcasecmp(value, "x") == 0 || value[0] == '\0')
	{
		row.value = NULL;
		row.value_len = 0;
	}
	else if (strcmp(value, "-") == 0)
	{
		row.value = "0";
		row.value_len = 1;
	}
	else
		row.value = value;
	row.decimal_comma = true;
	if (!in->sink(in, &row))
	{
		input_prefix(in, "line %lld: ", line);
		cs->stop = true;
		return;
	}
	in->records++;
}

static bool
csv_open(input_state *in)
{
	csv_state  *cs = calloc(1, sizeof(csv_state));

	if (!cs)
		return input_fail(in, "out of memory");
	in->reader = cs;
	cs->fields = calloc(MAX_COLS, sizeof(char *));
	cs->caps = calloc(MAX_COLS, sizeof(size_t));
	cs->lens = calloc(MAX_COLS, sizeof(size_t));
	if (!cs->fields || !cs->caps || !cs->lens)
		return input_fail(in, "out of memory");
	/* strict: a stray quote is an error; the last row needs no newline */
	cs->line = 1;
	if (csv_init(&cs->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0)
		return input_fail(in, "out of memory");
	csv_set_delim(&cs->p, (unsigned char) in->opts->delimiter);
	return true;
}

static bool
csv_feed(input_state *in, const char *buf, size_t len)
{
	csv_state  *cs = CS(in);
	size_t		n = csv_parse(&cs->p, buf, len, cb_field, cb_row, in);

	if (in->failed || cs->stop)
		return false;
	if (n != len)
	{
		const char *hint = "";

		if (cs->row == 0)
		{
			/* no header yet: most likely another separator */
			const char *nl = memchr(buf, '\n', len);
			size_t		first = nl ? (size_t) (nl - buf) : len;

			if (memchr(buf, ',', first) && in->opts->delimiter != ',')
				hint = " (the header is not separated by the delimiter; it looks comma separated: use --delimiter=,)";
			else if (memchr(buf, '\t', first) && in->opts->delimiter != '\t')
				hint = " (the header is not separated by the delimiter; it looks tab separated: use --delimiter=tab)";
		}
		return input_fail(in, "line %lld: %s%s", cs->line, csv_strerror(csv_error(&cs->p)), hint);
	}
	return true;
}

static bool
csv_finish(input_state *in)
{
	csv_state  *cs = CS(in);

	if (csv_fini(&cs->p, cb_field, cb_row, in) != 0)
		return input_fail(in, "line %lld: %s (an unterminated quoted field: the file is truncated?)",
						  cs->line, csv_strerror(csv_error(&cs->p)));
	if (in->failed || cs->stop)
		return false;
	if (cs->row == 0)
		return input_fail(in, "the file is empty: no header");
	return true;
}

static void
csv_close(input_state *in)
{
	csv_state  *cs = CS(in);

	if (!cs)
		return;
	csv_free(&cs->p);
	for (int i = 0; i < MAX_COLS; i++)
		free(cs->fields[i]);
	free(cs->fields);
	free(cs->caps);
	free(cs->lens);
	for (int i = 0; i < cs->ncols; i++)
		free(cs->header[i]);
	free(cs->header);
	free(cs);
	in->reader = NULL;
}

const input_reader csv_reader = {
	"StatLine CSV", csv_open, csv_feed, csv_finish, csv_close
};
