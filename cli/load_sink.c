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
#include <stdio.h>
#include <strings.h>

#include "codes.h"
#include "load.h"

/* ---- checking a row and streaming it ---------------------------------- */

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
 * The code of a designated group, whose own row holds its figures of its
 * own (krimp.is_group_code), as written: in upper case already, so that a
 * name with a hyphen (Alphen-Chaam) is never taken for one
 */
static bool
is_group_code(const char *c)
{
	return krimp_group_code_valid(c, strlen(c));
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


/* text as a JSON string into the rejects array */
static void
rejects_append(load_sink *s, const char *text, bool quoted)
{
	size_t		need = strlen(text) * 6 + 3;

	if (s->rejects_oom)
		return;
	if (s->rejects_len + need + 1 > s->rejects_cap)
	{
		size_t		cap = (s->rejects_len + need + 1) * 2 + 4096;
		char	   *p = realloc(s->rejects, cap);

		if (!p)
		{
			s->rejects_oom = true;
			return;
		}
		s->rejects = p;
		s->rejects_cap = cap;
	}
	if (!quoted)
	{
		strcpy(s->rejects + s->rejects_len, text);
		s->rejects_len += strlen(text);
		return;
	}
	s->rejects[s->rejects_len++] = '"';
	for (const unsigned char *c = (const unsigned char *) text; *c; c++)
	{
		if (*c == '"' || *c == '\\')
		{
			s->rejects[s->rejects_len++] = '\\';
			s->rejects[s->rejects_len++] = (char) *c;
		}
		else if (*c < 0x20)
			s->rejects_len += sprintf(s->rejects + s->rejects_len, "\\u%04x", *c);
		else
			s->rejects[s->rejects_len++] = (char) *c;
	}
	s->rejects[s->rejects_len++] = '"';
	s->rejects[s->rejects_len] = '\0';
}

/* A row set aside on the client, with its reason: filed with the batch's rejected rows */
static bool
client_reject(input_state *in, load_sink *s, long long line, int measure, const char *region,
			  const char *period, const char *value, const char *status, const char *reason)
{
	char		num[32];

	rejects_append(s, s->nrejects ? ",{\"line\":" : "[{\"line\":", false);
	snprintf(num, sizeof num, "%lld", line);
	rejects_append(s, num, false);
	rejects_append(s, ",\"row\":{\"indicator\":", false);
	rejects_append(s, s->indicators[measure], true);
	rejects_append(s, ",\"region\":", false);
	rejects_append(s, region, true);
	rejects_append(s, ",\"period\":", false);
	rejects_append(s, period, true);
	rejects_append(s, ",\"value\":", false);
	if (value)
		rejects_append(s, value, true);
	else
		rejects_append(s, "null", false);
	rejects_append(s, ",\"status\":", false);
	if (status && *status)
		rejects_append(s, status, true);
	else
		rejects_append(s, "null", false);
	rejects_append(s, "},\"reason\":", false);
	rejects_append(s, reason, true);
	rejects_append(s, "}", false);
	if (s->rejects_oom)
		return input_fail(in, "out of memory");
	s->nrejects++;
	return true;
}

/* YYYYMMDD of a period's first and last day */
static void
period_days(krimp_period p, int32_t *first, int32_t *last)
{
	int			y,
				m,
				d;

	krimp_period_first_day(p, &y, &m, &d);
	*first = y * 10000 + m * 100 + d;
	krimp_period_last_day(p, &y, &m, &d);
	*last = y * 10000 + m * 100 + d;
}

/*
 * The region of a row of a file of labels: its code column (a code, or a
 * number with the kind from a type column or the label's suffix), else its
 * name matched against krimp.region for the period.  Returns the match.
 */
static void
resolve_label(load_sink *s, const input_row *row, const char *label, krimp_period p, krimp_region_match *out)
{
	krimp_region_label l;
	char		code_text[FIELD_MAX] = "";
	int32_t		first,
				last;

	memset(out, 0, sizeof *out);
	krimp_region_label_parse(label, strlen(label), &l);
	if (l.kind == KRIMP_LABEL_NOT_HELD)
	{
		out->result = KRIMP_MATCH_NOT_HELD;
		return;
	}
	if (row->region_code && input_trim_copy(row->region_code, code_text, sizeof code_text) && code_text[0])
	{
		char		up[FIELD_MAX];
		char		type[8] = "";

		for (size_t i = 0; i <= strlen(code_text); i++)
			up[i] = (char) toupper((unsigned char) code_text[i]);
		/* Kerncijfers wijken en buurten writes the country NL00 */
		if (strcmp(up, "NL00") == 0)
			strcpy(up, "NL01");
		if (is_region_code(up))
		{
			out->result = KRIMP_MATCH_FOUND;
			strcpy(out->code, up);
			return;
		}
		if (row->region_type)
			input_trim_copy(row->region_type, type, sizeof type);
		else if (l.kind == KRIMP_LABEL_PROVINCE)
			strcpy(type, "PV");
		else if (l.kind == KRIMP_LABEL_LANDSDEEL)
			strcpy(type, "LD");
		else if (l.kind == KRIMP_LABEL_COROP)
			strcpy(type, "CR");
		if (krimp_region_code_from_number(code_text, type, strcasecmp(l.base, "Nederland") == 0,
										  out->code, sizeof out->code))
		{
			out->result = KRIMP_MATCH_FOUND;
			return;
		}
		if (type[0] && strcasecmp(type, "NL") != 0 && strcasecmp(type, "LD") != 0 && strcasecmp(type, "PV") != 0 &&
			strcasecmp(type, "CR") != 0 && strcasecmp(type, "GM") != 0)
		{
			/* a code of a kind the warehouse has none of (GA, SG, ...) */
			out->result = KRIMP_MATCH_NOT_HELD;
			return;
		}
		/* not a code: the name decides */
	}
	period_days(p, &first, &last);
	if (s->cache.valid && s->cache.first_day == first && s->cache.last_day == last &&
		strcmp(s->cache.label, label) == 0)
	{
		*out = s->cache.match;
		return;
	}
	if (!s->regions)
	{
		out->result = KRIMP_MATCH_UNKNOWN;
		snprintf(out->reason, sizeof out->reason, "region name \"%s\": no regions to match names against", label);
		return;
	}
	krimp_region_names_match(s->regions, label, strlen(label), first, last, out);
	if (strlen(label) < sizeof s->cache.label)
	{
		strcpy(s->cache.label, label);
		s->cache.first_day = first;
		s->cache.last_day = last;
		s->cache.match = *out;
		s->cache.valid = true;
	}
}

bool
load_row(input_state *in, const input_row *row)
{
	load_sink  *s = in->sink_ctx;
	load_run   *r = &s->runs[row->measure < s->nruns ? row->measure : 0];
	char		region[FIELD_MAX],
				period_text[FIELD_MAX],
				value_text[FIELD_MAX],
				status[FIELD_MAX],
				label[256];
	krimp_period p;
	krimp_error err;
	bool		need_name = false;
	const char *period_status = NULL;
	long long	line_number = row->line_number + (long long) row->measure * LINE_STRIDE;

	if (row->labels)
	{
		/* a name, longer than a code may be */
		if (!input_trim_copy(row->region, label, sizeof label))
		{
			snprintf(label, 41, "%s", row->region);
			return input_fail(in, "region name \"%s...\" is too long (at most 255 bytes)", label);
		}
		snprintf(region, sizeof region, "%.*s", (int) sizeof region - 1, label);
		for (char *c = region; *c; c++)
			*c = toupper((unsigned char) *c);
		if (!is_region_code(region) && !is_group_code(label))
			need_name = true;
	}
	else
	{
		if (!input_trim_copy(row->region, region, sizeof region))
			return too_long(in, "region code", row->region);
		if (is_group_code(region))
			;					/* a group's code, as written */
		else
		{
			for (char *c = region; *c; c++)
				*c = toupper((unsigned char) *c);
		}
		if (!is_region_code(region) && !is_group_code(region))
			return input_fail(in, "\"%s\" is not a CBS region code (NL01, LD01-LD04, PV##, CR##, GM####, WK######, BU########) nor a group code (KR-ZVLAANDEREN)",
							  region);
	}

	if (!input_trim_copy(row->period, period_text, sizeof period_text))
		return too_long(in, "period", row->period);
	{
		char		label_period[FIELD_MAX];

		/* a period label: 2008*, 2015 tot 2020, 2020 3e kwartaal */
		if ((strchr(period_text, ' ') || strchr(period_text, '*')) &&
			krimp_period_label(period_text, label_period, sizeof label_period, &period_status))
			strcpy(period_text, label_period);
	}
	if (!krimp_period_parse(period_text, &p, &err))
		return input_fail(in, "%s", err.message);
	krimp_period_format(p, period_text);

	status[0] = '\0';
	if (row->status)
	{
		if (!input_trim_copy(row->status, status, sizeof status))
			return too_long(in, "status marker", row->status);
		for (const char *c = status; *c; c++)
			if (*c == '\t' || *c == '\\')
				return input_fail(in, "invalid status marker \"%s\"", status);
	}
	if (!status[0] && period_status)
		strcpy(status, period_status);
	if (row->value && !input_trim_copy(row->value, value_text, sizeof value_text))
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

	if (need_name || (row->labels && row->region_code))
	{
		krimp_region_match m;

		resolve_label(s, row, label, p, &m);
		if (m.result == KRIMP_MATCH_NOT_HELD)
		{
			input_skip(in, SKIP_NOT_HELD);
			return true;
		}
		if (m.result != KRIMP_MATCH_FOUND)
			return client_reject(in, s, line_number, row->measure < s->nruns ? row->measure : 0, label, period_text,
								 strcmp(value_text, "\\N") == 0 ? NULL : value_text, status, m.reason);
		strcpy(region, m.code);
	}

	/* the figure continues the run, or the run is sent and a new one starts */
	if (r->in_run)
	{
		krimp_period next;

		if (r->run_n >= RUN_MAX || line_number != r->run_last_line + 1 ||
			strcmp(region, r->run_region) != 0 || strcmp(status, r->run_status) != 0 ||
			!krimp_period_add(r->run_last, 1, &next, &err) || next != p)
		{
			if (!run_send(s, r))
				return input_fail(in, "could not send data to the server: %s", PQerrorMessage(s->conn));
		}
	}
	if (!r->in_run)
	{
		r->in_run = true;
		strcpy(r->run_region, region);
		strcpy(r->run_status, status);
		r->run_first = p;
		r->run_first_line = line_number;
		r->run_n = 0;
		r->run_values[0] = '{';
		r->run_len = 1;
	}
	else
		r->run_values[r->run_len++] = ',';
	{
		const char *v = strcmp(value_text, "\\N") == 0 ? "NULL" : value_text;
		size_t		n = strlen(v);

		memcpy(r->run_values + r->run_len, v, n);
		r->run_len += n;
	}
	r->run_last = p;
	r->run_last_line = line_number;
	r->run_n++;
	return true;
}

/*
 * Send a gathered run as one row of COPY text for krimp.staged_block:
 * batch, first line, organisation, indicator, region, first period, the
 * values as an array, status marker, released_at.
 */
bool
run_send(load_sink *s, load_run *r)
{
	char		line[32],
				period_text[KRIMP_PERIOD_BUFLEN];

	if (!r->in_run)
		return true;
	r->in_run = false;
	if (s->len + r->run_len + 2048 > COPY_BUF_SIZE && !sink_flush(s))
		return false;
	format_line_number(line, r->run_first_line);
	krimp_period_format(r->run_first, period_text);
	sink_append(s, s->prefix);
	sink_append(s, line);
	sink_append(s, r->middle);
	sink_append(s, r->run_region);
	sink_append(s, "\t");
	sink_append(s, period_text);
	sink_append(s, "\t");
	r->run_values[r->run_len++] = '}';
	memcpy(s->buf + s->len, r->run_values, r->run_len);
	s->len += r->run_len;
	sink_append(s, "\t");
	sink_append(s, r->run_status[0] ? r->run_status : "\\N");
	sink_append(s, s->suffix);
	return true;
}

/* every measure's last run */
bool
runs_send(load_sink *s)
{
	for (int i = 0; i < s->nruns; i++)
		if (!run_send(s, &s->runs[i]))
			return false;
	return true;
}

/* end the JSON array of the rows set aside on the client */
void
rejects_close(load_sink *s)
{
	if (s->nrejects)
		rejects_append(s, "]", false);
}
