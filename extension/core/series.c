/*
 * series.c
 *	  krimp_series: construction, validation, text form and building from
 *	  observations of regular time series (see series.h for the layout).
 *	  The measures, element-wise arithmetic and regrain are in series_ops.c.
 */
#include "series_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Marks a slot not yet filled while building from points (a NaN, so never a real value). */
#define UNSET_BITS UINT64_C(0x7FF8000000000001)

_Static_assert(sizeof(krimp_series) == KRIMP_SERIES_HEADER_SIZE, "series header must be 16 bytes");

/* Copy at most 80 bytes of text for a message, cut at a UTF-8 character boundary. */
static const char *
shorten(const char *text, char *buf, size_t buflen)
{
	size_t		len = strlen(text);
	size_t		max = buflen < 84 ? buflen - 4 : 80;

	if (len <= max)
		return text;
	len = max;
	while (len > 0 && ((unsigned char) text[len] & 0xC0) == 0x80)
		len--;
	memcpy(buf, text, len);
	memcpy(buf + len, "...", 4);
	return buf;
}

/* Last period of a series of count values from start; false if past the range. */
static bool
last_period(krimp_period start, int32_t count, krimp_period *out)
{
	return krimp_period_add(start, (int64_t) count - 1, out, NULL);
}

krimp_series *
krimp_series_new(krimp_period start, int32_t count, krimp_error *err)
{
	krimp_series *s;
	krimp_period last;
	char		pbuf[KRIMP_PERIOD_BUFLEN];

	if (count < 1 || count > KRIMP_SERIES_MAX_COUNT)
	{
		krimp_fail(err, KRIMP_ERR_RANGE, "a series cannot hold %ld values", (long) count);
		krimp_fail_detail(err, "A series holds 1 to %d values.", KRIMP_SERIES_MAX_COUNT);
		return NULL;
	}
	if (!last_period(start, count, &last))
	{
		period_text(start, pbuf);
		krimp_fail(err, KRIMP_ERR_RANGE, "series of %ld values from %s ends past the last period",
				   (long) count, pbuf);
		krimp_fail_detail(err, "Periods run from year %d to year %d.",
						  KRIMP_PERIOD_MIN_YEAR, KRIMP_PERIOD_MAX_YEAR);
		return NULL;
	}
	s = krimp_alloc(krimp_series_size(count));
	if (s == NULL)
	{
		krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
		return NULL;
	}
	s->vl_len_ = 0;
	s->version = KRIMP_SERIES_VERSION;
	s->flags = 0;
	s->reserved = 0;
	s->start = start;
	s->count = count;
	for (int32_t i = 0; i < count; i++)
		s->values[i] = krimp_missing();
	return s;
}

/* A binary-representation failure with a detail. */
static bool
corrupt(krimp_error *err, const char *detail)
{
	krimp_fail(err, KRIMP_ERR_BINARY, "invalid binary data for type series");
	krimp_fail_detail(err, "%s", detail);
	return false;
}

bool
krimp_series_validate(const void *buf, size_t len, krimp_error *err)
{
	krimp_series hdr;
	krimp_period last;
	const unsigned char *vals;

	if (buf == NULL || len < KRIMP_SERIES_HEADER_SIZE)
		return corrupt(err, "The data is shorter than a series header.");
	memcpy(&hdr, buf, KRIMP_SERIES_HEADER_SIZE);
	if (hdr.version != KRIMP_SERIES_VERSION)
	{
		krimp_fail(err, KRIMP_ERR_BINARY, "unsupported series format version %d", hdr.version);
		krimp_fail_detail(err, "This version of krimp reads series format version %d.", KRIMP_SERIES_VERSION);
		return false;
	}
	if (hdr.flags != 0 || hdr.reserved != 0)
		return corrupt(err, "Reserved header bits are set.");
	if (!krimp_period_is_valid(hdr.start))
		return corrupt(err, "The start is not a valid period.");
	if (hdr.count < 1 || hdr.count > KRIMP_SERIES_MAX_COUNT)
		return corrupt(err, "The number of values is out of range.");
	if (len != krimp_series_size(hdr.count))
		return corrupt(err, "The length does not match the number of values.");
	if (!last_period(hdr.start, hdr.count, &last))
		return corrupt(err, "The series ends past the last period.");
	vals = (const unsigned char *) buf + KRIMP_SERIES_HEADER_SIZE;
	for (int32_t i = 0; i < hdr.count; i++)
	{
		double		v;
		uint64_t	bits;

		memcpy(&v, vals + (size_t) i * sizeof(double), sizeof(double));
		memcpy(&bits, &v, sizeof(bits));
		if (isinf(v))
			return corrupt(err, "A value is infinite.");
		if (krimp_is_missing(v) && bits != KRIMP_SERIES_MISSING_BITS)
			return corrupt(err, "A missing value is not the canonical NaN.");
	}
	return true;
}

krimp_period
krimp_series_period_at(const krimp_series *s, int32_t i)
{
	krimp_period p = s->start;

	(void) krimp_period_add(s->start, i, &p, NULL);
	return p;
}

krimp_period
krimp_series_last(const krimp_series *s)
{
	return krimp_series_period_at(s, s->count - 1);
}

/* Granularity mismatch between a series and a period argument. */
static bool
mismatch(const krimp_series *s, krimp_period p, krimp_error *err)
{
	char		sbuf[KRIMP_PERIOD_BUFLEN],
				pbuf[KRIMP_PERIOD_BUFLEN];

	period_text(s->start, sbuf);
	period_text(p, pbuf);
	krimp_fail(err, KRIMP_ERR_MISMATCH, "period %s does not match the granularity of the series", pbuf);
	if (krimp_period_months(p) == krimp_period_months(s->start))
		krimp_fail_detail(err, "The series holds spans of %d years from %s; span %s is not a whole number of steps from there.",
						  krimp_period_months(p) / 12, sbuf, pbuf);
	else
		krimp_fail_detail(err, "The series holds %s periods from %s; period %s is a %s.",
						  krimp_granularity_name(krimp_period_granularity(s->start)), sbuf,
						  pbuf, krimp_granularity_name(krimp_period_granularity(p)));
	krimp_fail_hint(err, "Use a period of the series' own granularity, or convert the series with krimp.regrain().");
	return false;
}

bool
krimp_series_offset(const krimp_series *s, krimp_period p, int64_t *out, krimp_error *err)
{
	int			months = krimp_period_months(s->start);
	int			delta;

	if (krimp_period_months(p) != months)
		return mismatch(s, p, err);
	delta = krimp_period_start_index(p) - krimp_period_start_index(s->start);
	if (delta % months != 0)
		return mismatch(s, p, err);	/* spans not a whole number of steps apart */
	*out = delta / months;
	return true;
}

bool
krimp_series_equal(const krimp_series *a, const krimp_series *b)
{
	if (a->start != b->start || a->count != b->count)
		return false;
	for (int32_t i = 0; i < a->count; i++)
	{
		double		x = a->values[i],
					y = b->values[i];

		if (krimp_is_missing(x) || krimp_is_missing(y))
		{
			if (krimp_is_missing(x) != krimp_is_missing(y))
				return false;
		}
		else if (x != y)
			return false;
	}
	return true;
}

/* ---- text form ---------------------------------------------------------- */

static bool
syntax_error(const char *text, krimp_error *err, const char *fmt, const char *arg)
{
	char		sbuf[96];
	char		problem[256];

	krimp_fail(err, KRIMP_ERR_SYNTAX, "invalid input syntax for type series: \"%s\"",
			   shorten(text, sbuf, sizeof(sbuf)));
	snprintf(problem, sizeof(problem), fmt, arg ? shorten(arg, sbuf, sizeof(sbuf)) : "");
	krimp_fail_detail(err, "%s %s", problem, KRIMP_SERIES_FORM);
	return false;
}

/* Is tok (len bytes) a decimal number: [+-]digits[.digits][e[+-]digits]? */
static bool
is_decimal(const char *tok, size_t len)
{
	size_t		i = 0,
				digits = 0;

	if (i < len && (tok[i] == '+' || tok[i] == '-'))
		i++;
	while (i < len && isdigit((unsigned char) tok[i]))
		i++, digits++;
	if (i < len && tok[i] == '.')
	{
		i++;
		while (i < len && isdigit((unsigned char) tok[i]))
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < len && (tok[i] == 'e' || tok[i] == 'E'))
	{
		size_t		edigits = 0;

		i++;
		if (i < len && (tok[i] == '+' || tok[i] == '-'))
			i++;
		while (i < len && isdigit((unsigned char) tok[i]))
			i++, edigits++;
		if (edigits == 0)
			return false;
	}
	return i == len;
}

/* Is tok (len bytes) the lower-case word, ignoring case? */
static bool
word_eq(const char *tok, size_t len, const char *word)
{
	if (strlen(word) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (tolower((unsigned char) tok[i]) != word[i])
			return false;
	return true;
}

/* Does tok spell NaN or infinity (as strtod would read it)? */
static bool
is_not_finite_word(const char *tok, size_t len)
{
	if (len > 0 && (tok[0] == '+' || tok[0] == '-'))
		tok++, len--;
	return word_eq(tok, len, "nan") || word_eq(tok, len, "inf") || word_eq(tok, len, "infinity");
}

krimp_series *
krimp_series_parse(const char *text, krimp_error *err)
{
	const char *colon = strchr(text, ':');
	const char *p;
	char		pbuf[KRIMP_PERIOD_BUFLEN + 80];
	char		tok[400];
	krimp_period start;
	krimp_error perr;
	int32_t		n = 0,
				cap = 16;
	double	   *vals;
	krimp_series *s;

	if (colon == NULL)
		return syntax_error(text, err, "The colon after the first period is missing.", NULL), NULL;
	if ((size_t) (colon - text) >= sizeof(pbuf))
		return syntax_error(text, err, "The text before the colon is not a period.", NULL), NULL;
	memcpy(pbuf, text, colon - text);
	pbuf[colon - text] = '\0';
	if (!krimp_period_parse(pbuf, &start, &perr))
		return syntax_error(text, err, "\"%s\" is not a period.", pbuf), NULL;

	p = colon + 1;
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '{')
		return syntax_error(text, err, "The values must be in braces.", NULL), NULL;
	p++;
	while (isspace((unsigned char) *p))
		p++;
	if (*p == '}')
	{
		krimp_fail(err, KRIMP_ERR_SYNTAX, "a series must hold at least one value");
		krimp_fail_detail(err, "An empty series does not exist; use NULL instead.");
		return NULL;
	}

	vals = krimp_alloc((size_t) cap * sizeof(double));
	if (vals == NULL)
		return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory"), NULL;
	for (;;)
	{
		const char *tstart = p;
		size_t		len;
		double		v;

		while (*p && *p != ',' && *p != '}' && !isspace((unsigned char) *p))
			p++;
		len = (size_t) (p - tstart);
		if (len == 0 || len >= sizeof(tok))
		{
			syntax_error(text, err, len ? "A value is too long." :
						 *p ? "A value is empty." : "The closing brace is missing.", NULL);
			goto fail;
		}
		memcpy(tok, tstart, len);
		tok[len] = '\0';
		if (word_eq(tok, len, "null"))
			v = krimp_missing();
		else if (is_not_finite_word(tok, len))
		{
			syntax_error(text, err, "Value %s is not a finite number; a series holds finite numbers only.", tok);
			krimp_fail_hint(err, "Write NULL for a missing value.");
			goto fail;
		}
		else if (!is_decimal(tok, len))
		{
			syntax_error(text, err, "\"%s\" is not a number.", tok);
			goto fail;
		}
		else
		{
			errno = 0;
			v = strtod(tok, NULL);
			if (isinf(v) || (errno == ERANGE && v == 0.0))
			{
				char		sbuf[96];

				krimp_fail(err, KRIMP_ERR_RANGE, "\"%s\" is out of range for type double precision",
						   shorten(tok, sbuf, sizeof(sbuf)));
				goto fail;
			}
		}
		if (n == cap)
		{
			double	   *bigger;

			if (cap >= KRIMP_SERIES_MAX_COUNT)
			{
				krimp_fail(err, KRIMP_ERR_RANGE, "a series cannot hold more than %d values", KRIMP_SERIES_MAX_COUNT);
				goto fail;
			}
			bigger = krimp_alloc((size_t) cap * 2 * sizeof(double));
			if (bigger == NULL)
			{
				krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
				goto fail;
			}
			memcpy(bigger, vals, (size_t) n * sizeof(double));
			krimp_free(vals);
			vals = bigger;
			cap *= 2;
		}
		vals[n++] = v;
		while (isspace((unsigned char) *p))
			p++;
		if (*p == ',')
		{
			p++;
			while (isspace((unsigned char) *p))
				p++;
			continue;
		}
		if (*p == '}')
			break;
		syntax_error(text, err, *p ? "Values must be separated by commas." : "The closing brace is missing.", NULL);
		goto fail;
	}
	p++;
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
	{
		syntax_error(text, err, "There is text after the closing brace.", NULL);
		goto fail;
	}
	s = krimp_series_new(start, n, err);
	if (s != NULL)
		memcpy(s->values, vals, (size_t) n * sizeof(double));
	krimp_free(vals);
	return s;

fail:
	krimp_free(vals);
	return NULL;
}

char *
krimp_series_format(const krimp_series *s)
{
	size_t		cap = KRIMP_PERIOD_BUFLEN + 4 + (size_t) s->count * (KRIMP_DOUBLE_BUFLEN + 1);
	char	   *buf = krimp_alloc(cap);
	size_t		len;

	if (buf == NULL)
		return NULL;
	len = (size_t) krimp_period_format(s->start, buf);
	buf[len++] = ':';
	buf[len++] = '{';
	for (int32_t i = 0; i < s->count; i++)
	{
		if (i > 0)
			buf[len++] = ',';
		if (krimp_is_missing(s->values[i]))
		{
			memcpy(buf + len, "NULL", 4);
			len += 4;
		}
		else
			len += (size_t) krimp_format_double(s->values[i], buf + len);
	}
	buf[len++] = '}';
	buf[len] = '\0';
	return buf;
}

/* ---- building from observations ---------------------------------------- */

krimp_series *
krimp_series_from_points(const krimp_series_point *pts, int32_t n, krimp_error *err)
{
	krimp_period first = pts[0].period;
	int			months = krimp_period_months(first);
	int			first_idx = krimp_period_start_index(first);
	int			min_idx = first_idx,
				max_idx = first_idx,
				prev_idx = first_idx;
	bool		ascending = true;
	krimp_series *s;
	krimp_period start;
	char		abuf[KRIMP_PERIOD_BUFLEN],
				bbuf[KRIMP_PERIOD_BUFLEN];

	/* one pass: granularity, alignment, range and sortedness */
	for (int32_t i = 1; i < n; i++)
	{
		krimp_period p = pts[i].period;
		int			idx = krimp_period_start_index(p);

		if (krimp_period_months(p) != months || (idx - first_idx) % months != 0)
		{
			period_text(first, abuf);
			period_text(p, bbuf);
			krimp_fail(err, KRIMP_ERR_MISMATCH, "periods %s and %s differ in granularity", abuf, bbuf);
			if (krimp_period_months(p) != months)
				krimp_fail_detail(err, "Period %s is a %s and period %s is a %s; a series holds periods of one granularity.",
								  abuf, krimp_granularity_name(krimp_period_granularity(first)),
								  bbuf, krimp_granularity_name(krimp_period_granularity(p)));
			else
				krimp_fail_detail(err, "Spans %s and %s are not a whole number of steps apart; a series holds consecutive periods.",
								  abuf, bbuf);
			krimp_fail_hint(err, "Aggregate each granularity separately, or convert the periods to one granularity first.");
			return NULL;
		}
		if (idx <= prev_idx)
			ascending = false;
		prev_idx = idx;
		if (idx < min_idx)
			min_idx = idx;
		if (idx > max_idx)
			max_idx = idx;
	}
	if (!krimp_period_add(first, (min_idx - first_idx) / months, &start, err))
		return NULL;
	s = krimp_series_new(start, (max_idx - min_idx) / months + 1, err);
	if (s == NULL)
		return NULL;

	if (ascending)
	{
		/* already sorted without duplicates: place directly, gaps stay missing */
		for (int32_t i = 0; i < n; i++)
		{
			double		v = pts[i].value;

			s->values[(krimp_period_start_index(pts[i].period) - min_idx) / months] =
				krimp_is_missing(v) ? krimp_missing() : v;
		}
		return s;
	}

	/* any order: mark every slot unset, so that a second value is a duplicate */
	{
		double		unset;
		uint64_t	unset_bits = UNSET_BITS;

		memcpy(&unset, &unset_bits, sizeof(unset));
		for (int32_t i = 0; i < s->count; i++)
			s->values[i] = unset;
		for (int32_t i = 0; i < n; i++)
		{
			int32_t		slot = (krimp_period_start_index(pts[i].period) - min_idx) / months;
			uint64_t	bits;
			double		v = pts[i].value;

			memcpy(&bits, &s->values[slot], sizeof(bits));
			if (bits != UNSET_BITS)
			{
				period_text(pts[i].period, abuf);
				krimp_fail(err, KRIMP_ERR_DUPLICATE, "period %s occurs more than once", abuf);
				krimp_fail_detail(err, "A series holds one value per period.");
				krimp_fail_hint(err, "Aggregate each region and indicator separately, or remove the duplicate rows.");
				krimp_free(s);
				return NULL;
			}
			s->values[slot] = krimp_is_missing(v) ? krimp_missing() : v;
		}
		for (int32_t i = 0; i < s->count; i++)
		{
			uint64_t	bits;

			memcpy(&bits, &s->values[i], sizeof(bits));
			if (bits == UNSET_BITS)
				s->values[i] = krimp_missing();
		}
	}
	return s;
}

