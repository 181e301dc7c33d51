/*
 * load_sink.c
 *	  krimpctl load: each observation checked on the client with the core
 *	  before it is sent (the period code with krimp_period_parse, the number,
 *	  the form of the region code), and gathered into runs: consecutive
 *	  records of one region with one status marker and consecutive periods
 *	  (at most 4096), one row of krimp.staged_block each, sent in the COPY.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"
#include "load.h"

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

/* A CBS region code: the core's rule (codes.h), which krimp.region_level() runs in the server */
static bool
is_region_code(const char *c)
{
	return krimp_region_level_of(c, strlen(c)) != NULL;
}

/*
 * A number as krimp.apply_batch() reads one: the core's rule (codes.h), which
 * krimp.number_problem() runs in the server.  Written right but out of the
 * range of double precision is told apart below.
 */
static bool
is_number(const char *s)
{
	krimp_error err;

	return krimp_parse_number(s, strlen(s), NULL, &err) || err.status == KRIMP_ERR_RANGE;
}

bool
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
void
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


bool
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
			if (!krimp_parse_number(value_text, strlen(value_text), &v, NULL))
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
bool
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
