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
 *	  Decimal commas are read as points.  The region column is --region-key
 *	  or the first of RegioS, Regio's, Regio, RegioS<year>, RegioIndeling<year>
 *	  and WijkenEnBuurten; the period column --period-key or Perioden (a table
 *	  without one, such as Kerncijfers wijken en buurten, takes --period); the
 *	  measures --measure (once or repeated, by column name or, for StatLine's
 *	  "Theme/Title (unit)" headers, by title), or the one remaining column
 *	  besides ID, the code and type columns and the --filter columns when
 *	  there is only one.  Every row must have the header's number of fields;
 *	  a header of one field means a wrong separator.
 *
 *	  Two shapes, told apart by the first row's region:
 *	  - codes (GM0010): "." (and CBS's "x", secret) and an empty field are
 *	    unknown, "-" is CBS's nil (0);
 *	  - labels ("Aa en Hunze", "Groningen (PV)"), as a StatLine download with
 *	    labels or a third party's conversion writes them: an empty field is no
 *	    figure (skipped, counted), ".", "-" and "x" are a figure not known
 *	    (status unknown).  The names are matched to codes in load_sink.c; a
 *	    code column beside them (RegiocodeKoppelvariabele..., Regiocode...,
 *	    Code_1, Codering_..., or --region-code-key) is used instead, with a
 *	    column of the code's kind (UniekeCode...) when the codes are numbers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "codes.h"
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
				c_status,
				c_code,			/* a column of region codes beside the names, or -1 */
				c_type;			/* a column of the codes' kinds (GM, PV, ...), or -1 */
	int			c_values[INPUT_MAX_MEASURES];	/* the measures' columns */
	int			nvalues;
	bool		labels;			/* the region column holds names */
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

/* the first column whose name begins with prefix (and, exact, is no longer), or -1 */
static int
find_col_prefix(csv_state *cs, const char *prefix, bool exact)
{
	size_t		n = strlen(prefix);

	for (int i = 0; i < cs->ncols; i++)
		if (strncasecmp(cs->header[i], prefix, n) == 0 && (!exact || cs->header[i][n] == '\0'))
			return i;
	return -1;
}

/* is column i named by a --filter KEY=VALUE? */
static bool
is_filter_col(const input_options *o, const char *name)
{
	for (const char **f = o->filters; f && *f; f++)
	{
		const char *eq = strchr(*f, '=');

		if (eq && (size_t) (eq - *f) == strlen(name) && strncasecmp(*f, name, eq - *f) == 0)
			return true;
	}
	return false;
}

static bool
is_measure_candidate(const input_options *o, csv_state *cs, int i)
{
	return i != cs->c_region && i != cs->c_period && i != cs->c_status && i != cs->c_code &&
		i != cs->c_type && strcasecmp(cs->header[i], "ID") != 0 && !is_filter_col(o, cs->header[i]);
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
		static const char *const names[] = {"RegioS", "Regio's", "Regio"};
		static const char *const prefixes[] = {"RegioS", "RegioIndeling", "WijkenEnBuurten"};

		cs->c_region = -1;
		for (size_t k = 0; k < 3 && cs->c_region < 0; k++)
			cs->c_region = find_col(cs, names[k]);
		for (size_t k = 0; k < 3 && cs->c_region < 0; k++)
			cs->c_region = find_col_prefix(cs, prefixes[k], false);
	}
	cs->c_period = find_col(cs, o->period_key);
	if (cs->c_region < 0)
		return input_fail(in, "the header has no region column \"%s\"",
						  o->region_key ? o->region_key : "RegioS");
	if (cs->c_period < 0 && !o->period)
		return input_fail(in, "the header has no period column \"%s\": give the period of every row with --period "
						  "(a table without Perioden, such as Kerncijfers wijken en buurten)", o->period_key);
	if (cs->c_period >= 0 && o->period)
		return input_fail(in, "the file has a period column \"%s\": --period is for a file without one",
						  cs->header[cs->c_period]);
	cs->c_status = o->status_key ? find_col(cs, o->status_key) : -1;
	if (o->status_key && cs->c_status < 0)
		return input_fail(in, "the header has no status column \"%s\"", o->status_key);
	if (o->region_code_key)
	{
		cs->c_code = find_col(cs, o->region_code_key);
		if (cs->c_code < 0)
			return input_fail(in, "the header has no region code column \"%s\"", o->region_code_key);
	}
	else
	{
		cs->c_code = find_col_prefix(cs, "RegiocodeKoppelvariabele", false);
		if (cs->c_code < 0)
			cs->c_code = find_col_prefix(cs, "Regiocode", false);
		if (cs->c_code < 0)
			cs->c_code = find_col_prefix(cs, "Codering_", false);
		if (cs->c_code < 0)
			cs->c_code = find_col_prefix(cs, "Code_1", true);
	}
	cs->c_type = cs->c_code >= 0 ? find_col_prefix(cs, "UniekeCode", false) : -1;

	for (int i = 0; i < cs->ncols; i++)
	{
		if (!is_measure_candidate(o, cs, i))
			continue;
		if (strlen(list) + strlen(cs->header[i]) + 5 < sizeof list)
			strcat(strcat(strcat(strcat(list, list[0] ? ", " : ""), "\""), cs->header[i]), "\"");
		candidates++;
	}
	{
		const char *specs[INPUT_MAX_MEASURES];
		int			n = input_measure_specs(o, specs);

		for (int m = 0; m < n; m++)
		{
			int			found = find_col(cs, specs[m]);
			int			nfound = found >= 0 ? 1 : 0;
			char		amb[512] = "";

			if (found < 0)
				for (int i = 0; i < cs->ncols; i++)
					if (is_measure_candidate(o, cs, i) && input_measure_matches(specs[m], NULL, cs->header[i], NULL))
					{
						if (nfound++ == 0)
							found = i;
						if (strlen(amb) + strlen(cs->header[i]) + 5 < sizeof amb)
							strcat(strcat(strcat(strcat(amb, amb[0] ? ", " : ""), "\""), cs->header[i]), "\"");
					}
			if (nfound == 0)
				return input_fail(in, "the header has no measure column \"%s\"; its columns are: %s",
								  specs[m], list[0] ? list : "(none)");
			if (nfound > 1)
				return input_fail(in, "the measure \"%s\" is ambiguous: %d columns have that title (%s); "
								  "give the whole column name with --measure", specs[m], nfound, amb);
			for (int k = 0; k < m; k++)
				if (cs->c_values[k] == found)
					return input_fail(in, "the measure column \"%s\" is given twice", cs->header[found]);
			cs->c_values[m] = found;
		}
		cs->nvalues = n;
		if (n == 0)
		{
			if (candidates != 1)
				return input_fail(in, "the header has %d candidate measure columns (%s): choose one with --measure",
								  candidates, list);
			for (int i = 0; i < cs->ncols; i++)
				if (is_measure_candidate(o, cs, i))
					cs->c_values[0] = i;
			cs->nvalues = 1;
		}
	}
	for (int m = 0; m < cs->nvalues; m++)
	{
		const char *h = cs->header[cs->c_values[m]];
		const char *slash = strrchr(h, '/');

		snprintf(in->measure_key[m], sizeof in->measure_key[m], "%s", h);
		snprintf(in->measure_title[m], sizeof in->measure_title[m], "%s", slash ? slash + 1 : "");
	}
	in->nmeasures = cs->nvalues;
	snprintf(in->measure_used, sizeof in->measure_used, "%s", cs->header[cs->c_values[0]]);
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
	if (cs->row == 2)
	{
		/* the first row tells the shape: codes or labels */
		char		code[16];

		cs->labels = true;
		if (input_trim_copy(cs->fields[cs->c_region], code, sizeof code))
		{
			/* a group's code as written (upper case: Alphen-Chaam is a name) */
			bool		group = krimp_group_code_valid(code, strlen(code));

			for (char *c = code; *c; c++)
				*c = (char) toupper((unsigned char) *c);
			cs->labels = krimp_region_level_of(code, strlen(code)) == NULL && !group;
		}
	}

	cs->nfields = 0;
	if (in->opts->filters && input_filtered_out(in, csv_text, in, &failed))
	{
		if (failed)
			cs->stop = true;
		else
			input_skip(in, SKIP_FILTER);
		return;
	}
	if (failed)
	{
		cs->stop = true;
		return;
	}
	for (int m = 0; m < cs->nvalues; m++)
	{
		int			c = cs->c_values[m];

		value = cs->fields[c];
		value_len = cs->lens[c];
		while (isspace((unsigned char) *value))
			value++, value_len--;
		while (value_len > 0 && isspace((unsigned char) value[value_len - 1]))
			value[--value_len] = '\0';
		memset(&row, 0, sizeof row);
		row.line_number = line;
		row.measure = m;
		row.labels = cs->labels;
		row.region = cs->fields[cs->c_region];
		row.region_len = cs->lens[cs->c_region];
		row.region_code = cs->c_code >= 0 ? cs->fields[cs->c_code] : NULL;
		row.region_type = cs->c_type >= 0 ? cs->fields[cs->c_type] : NULL;
		if (cs->c_period >= 0)
		{
			row.period = cs->fields[cs->c_period];
			row.period_len = cs->lens[cs->c_period];
		}
		else
		{
			row.period = in->opts->period;
			row.period_len = strlen(in->opts->period);
		}
		row.status = cs->c_status >= 0 ? cs->fields[cs->c_status] : NULL;
		row.status_len = cs->c_status >= 0 ? cs->lens[cs->c_status] : 0;
		row.value_is_number = false;
		row.value_len = value_len;
		if (cs->labels && value[0] == '\0')
		{
			/* a file of labels: an empty field is no figure */
			input_skip(in, SKIP_NO_VALUE);
			continue;
		}
		if (strcmp(value, ".") == 0 || strcasecmp(value, "x") == 0 || value[0] == '\0' ||
			(cs->labels && strcmp(value, "-") == 0))
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
		in->row_skipped = false;
		if (!in->sink(in, &row))
		{
			input_prefix(in, "line %lld: ", line);
			cs->stop = true;
			return;
		}
		if (!in->row_skipped)
			in->records++;
	}
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
