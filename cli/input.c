/*
 * input.c
 *	  What the readers share: failures with their position, --filter.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "input.h"

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
