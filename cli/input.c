/*
 * input.c
 *	  What the readers share: failures with their position, --filter.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <strings.h>

#include "input.h"
#include "labels.h"

bool
input_fail(input_state *in, const char *fmt,...)
{
	va_list		ap;

	if (in->failed)
		return false;			/* keep the first, most precise message */
	va_start(ap, fmt);
	vsnprintf(in->error, sizeof in->error, fmt, ap);
	va_end(ap);
	in->failed = true;
	return false;
}

void
input_position(const input_state *in, size_t pos, long long *line, long long *byte)
{
	long long	n = in->lines_before;

	if (pos > in->chunk_len)
		pos = in->chunk_len;
	for (const char *p = in->chunk, *e = in->chunk + pos; p && p < e; p++)
	{
		p = memchr(p, '\n', e - p);
		if (!p)
			break;
		n++;
	}
	*line = n + 1;
	*byte = in->chunk_offset + (long long) pos;
}

/* --filter KEY=VALUE: keep only rows whose field KEY is VALUE (blanks trimmed) */
bool
input_filtered_out(input_state *in, const char *(*get) (void *, const char *), void *obj, bool *failed)
{
	*failed = false;
	for (const char **f = in->opts->filters; f && *f; f++)
	{
		const char *eq = strchr(*f, '=');
		char		key[256];
		const char *want = eq + 1;
		const char *have;
		size_t		klen = eq - *f;
		size_t		hlen;

		if (klen >= sizeof key)
			klen = sizeof key - 1;
		memcpy(key, *f, klen);
		key[klen] = '\0';
		have = get(obj, key);
		if (!have)
		{
			*failed = true;
			input_fail(in, "no field \"%s\" for --filter %s", key, *f);
			return true;
		}
		while (*have == ' ')
			have++;
		hlen = strlen(have);
		while (hlen > 0 && have[hlen - 1] == ' ')
			hlen--;
		if (hlen != strlen(want) || strncmp(have, want, hlen) != 0)
			return true;
	}
	return false;
}

/* Put text before the recorded failure ("line 12: " + message). */
void
input_prefix(input_state *in, const char *fmt,...)
{
	char		pre[128];
	char		old[INPUT_ERROR_LEN];
	size_t		n,
				m;
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, in->error, sizeof old);
	old[sizeof old - 1] = '\0';
	n = strlen(pre);
	m = strlen(old);
	if (n + m >= sizeof in->error)
		m = sizeof in->error - 1 - n;
	memcpy(in->error, pre, n);
	memcpy(in->error + n, old, m);
	in->error[n + m] = '\0';
}

const char *const input_skip_reason[SKIP_KINDS] = {
	"rows of other measures",
	"left out by --filter",
	"ValueAttribute Impossible (no such figure, such as a municipality merged away)",
	"empty fields (no figure)",
	"areas of a kind the warehouse has no regions of",
	"without a figure in a period their region did not exist (CBS's nulls for a municipality merged away)"
};

void
input_skip(input_state *in, input_skip_kind kind)
{
	in->skips[kind]++;
	in->skipped++;
	in->row_skipped = true;
}

int
input_measure_specs(const input_options *o, const char **specs)
{
	int			n = 0;

	if (o->nmeasures > 0)
		for (int i = 0; i < o->nmeasures && i < INPUT_MAX_MEASURES; i++)
			specs[n++] = o->measures[i];
	else if (o->measure)
		specs[n++] = o->measure;
	return n;
}

bool
input_measure_matches(const char *spec, const char *key, const char *title, const char *unit)
{
	char		s[512],
				t[512];
	const char *slash;

	if (key && strcasecmp(spec, key) == 0)
		return true;
	if (!title || !*title)
		return false;
	krimp_name_key(spec, strlen(spec), s, sizeof s);
	if (!s[0])
		return false;
	krimp_name_key(title, strlen(title), t, sizeof t);
	if (strcmp(s, t) == 0)
		return true;
	if (unit && *unit)
	{
		char		tu[600];

		snprintf(tu, sizeof tu, "%s (%s)", title, unit);
		krimp_name_key(tu, strlen(tu), t, sizeof t);
		if (strcmp(s, t) == 0)
			return true;
	}
	/* a StatLine header: the path of themes, the title last; any tail of the path */
	for (slash = strchr(title, '/'); slash; slash = strchr(slash + 1, '/'))
	{
		krimp_name_key(slash + 1, strlen(slash + 1), t, sizeof t);
		if (strcmp(s, t) == 0)
			return true;
	}
	return false;
}

/* The field without surrounding white space into buf; false if it does not fit */
bool
input_trim_copy(const char *s, char *buf, size_t size)
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
