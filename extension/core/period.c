/*
 * period.c
 *	  Parsing, formatting and arithmetic of krimp_period (see period.h for
 *	  the encoding).
 */
#include "period.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define START_SHIFT 14
#define LENGTH_MASK ((1 << START_SHIFT) - 1)

static inline krimp_period
encode(int start_index, int months)
{
	return (krimp_period) (((int32_t) start_index << START_SHIFT) | (months - 1));
}

int
krimp_period_start_index(krimp_period p)
{
	return (int) (p >> START_SHIFT);
}

int
krimp_period_months(krimp_period p)
{
	return (int) (p & LENGTH_MASK) + 1;
}

krimp_granularity
krimp_period_granularity(krimp_period p)
{
	int			months = krimp_period_months(p);

	return months >= 24 ? KRIMP_GRAN_SPAN : (krimp_granularity) months;
}

int
krimp_period_year(krimp_period p)
{
	return krimp_period_start_index(p) / 12;
}

int
krimp_period_end_year(krimp_period p)
{
	return (krimp_period_start_index(p) + krimp_period_months(p) - 1) / 12;
}

int
krimp_period_sub(krimp_period p)
{
	int			months = krimp_period_months(p);
	int			month0 = krimp_period_start_index(p) % 12;

	if (months >= 12)
		return 0;
	return month0 / months + 1;
}

int
krimp_granularity_per_year(krimp_granularity g)
{
	return g == KRIMP_GRAN_SPAN ? 0 : 12 / (int) g;
}

const char *
krimp_granularity_name(krimp_granularity g)
{
	switch (g)
	{
		case KRIMP_GRAN_MONTH:
			return "month";
		case KRIMP_GRAN_QUARTER:
			return "quarter";
		case KRIMP_GRAN_HALF:
			return "half-year";
		case KRIMP_GRAN_YEAR:
			return "year";
		case KRIMP_GRAN_SPAN:
			return "span";
	}
	return "unknown";
}

bool
krimp_granularity_parse(const char *text, krimp_granularity *out, krimp_error *err)
{
	static const struct
	{
		const char *name;
		krimp_granularity g;
	}			names[] = {
		{"month", KRIMP_GRAN_MONTH}, {"quarter", KRIMP_GRAN_QUARTER},
		{"half-year", KRIMP_GRAN_HALF}, {"half", KRIMP_GRAN_HALF},
		{"halfyear", KRIMP_GRAN_HALF}, {"year", KRIMP_GRAN_YEAR},
		{"span", KRIMP_GRAN_SPAN}, {"years", KRIMP_GRAN_SPAN}
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		if (strcmp(text, names[i].name) == 0)
		{
			*out = names[i].g;
			return true;
		}
	}
	krimp_fail(err, KRIMP_ERR_PARAMETER, "unknown granularity \"%s\"", text);
	krimp_fail_detail(err, "Granularities are month, quarter, half-year, year and span.");
	return false;
}

bool
krimp_period_is_valid(krimp_period p)
{
	int			start,
				months,
				year,
				end;

	if (p < 0)
		return false;
	start = krimp_period_start_index(p);
	months = krimp_period_months(p);
	year = start / 12;
	end = start + months - 1;
	if (year < KRIMP_PERIOD_MIN_YEAR || end / 12 > KRIMP_PERIOD_MAX_YEAR)
		return false;
	switch (months)
	{
		case 1:
			return true;
		case 3:
		case 6:
		case 12:
			return start % months == 0;
		default:
			return months >= 24 && months % 12 == 0 && start % 12 == 0 &&
				months / 12 <= KRIMP_SPAN_MAX_YEARS;
	}
}

bool
krimp_period_make(krimp_granularity g, int year, int sub, int end_year,
				  krimp_period *out, krimp_error *err)
{
	int			per_year;

	if (year < KRIMP_PERIOD_MIN_YEAR || year > KRIMP_PERIOD_MAX_YEAR)
	{
		krimp_fail(err, KRIMP_ERR_RANGE, "year %d is out of range for type period", year);
		krimp_fail_detail(err, "Years run from %d to %d.", KRIMP_PERIOD_MIN_YEAR, KRIMP_PERIOD_MAX_YEAR);
		return false;
	}
	if (g == KRIMP_GRAN_SPAN)
	{
		if (end_year <= year || end_year > KRIMP_PERIOD_MAX_YEAR ||
			end_year - year + 1 > KRIMP_SPAN_MAX_YEARS)
		{
			krimp_fail(err, KRIMP_ERR_RANGE, "span %d/%d is out of range for type period", year, end_year);
			krimp_fail_detail(err, "A span runs from a first to a later last year, covers at most %d years and ends by %d.",
							  KRIMP_SPAN_MAX_YEARS, KRIMP_PERIOD_MAX_YEAR);
			return false;
		}
		*out = encode(year * 12, (end_year - year + 1) * 12);
		return true;
	}
	per_year = krimp_granularity_per_year(g);
	if (g == KRIMP_GRAN_YEAR)
		sub = 1;
	if (sub < 1 || sub > per_year)
	{
		krimp_fail(err, KRIMP_ERR_RANGE, "%s %d is out of range for type period",
				   krimp_granularity_name(g), sub);
		krimp_fail_detail(err, "A %s is numbered from 1 to %d.", krimp_granularity_name(g), per_year);
		return false;
	}
	*out = encode(year * 12 + (sub - 1) * (int) g, (int) g);
	return true;
}

bool
krimp_period_containing(krimp_granularity g, int year, int month,
						krimp_period *out, krimp_error *err)
{
	if (g == KRIMP_GRAN_SPAN)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "a date does not determine a span of years");
		krimp_fail_detail(err, "Use month, quarter, half-year or year.");
		return false;
	}
	if (month < 1 || month > 12)
		return krimp_fail(err, KRIMP_ERR_RANGE, "month %d is out of range", month);
	return krimp_period_make(g, year, (month - 1) / (int) g + 1, 0, out, err);
}

/* Read exactly n digits; -1 if any is not a digit. */
static int
read_digits(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
	{
		if (!isdigit((unsigned char) s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static bool
syntax_error(const char *text, krimp_error *err)
{
	krimp_fail(err, KRIMP_ERR_SYNTAX, "invalid input syntax for type period: \"%s\"", text);
	krimp_fail_detail(err, KRIMP_PERIOD_FORMS);
	return false;
}

bool
krimp_period_parse(const char *text, krimp_period *out, krimp_error *err)
{
	char		buf[KRIMP_PERIOD_BUFLEN];
	const char *s = text;
	size_t		len;
	int			year,
				n;
	krimp_granularity g;
	krimp_error sub_err;

	while (isspace((unsigned char) *s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char) s[len - 1]))
		len--;
	if (len < 4 || len >= sizeof(buf))
		return syntax_error(text, err);
	for (size_t i = 0; i < len; i++)
		buf[i] = (char) toupper((unsigned char) s[i]);
	buf[len] = '\0';

	year = read_digits(buf, 4);
	if (year < 0)
		return syntax_error(text, err);
	if (len == 4)
	{
		g = KRIMP_GRAN_YEAR;
		n = 1;
	}
	else if (len == 8 && isalpha((unsigned char) buf[4]) && isalpha((unsigned char) buf[5]))
	{
		/* CBS code yyyyTTnn */
		n = read_digits(buf + 6, 2);
		if (n < 0)
			return syntax_error(text, err);
		if (strncmp(buf + 4, "JJ", 2) == 0 && n == 0)
			g = KRIMP_GRAN_YEAR, n = 1;
		else if (strncmp(buf + 4, "HJ", 2) == 0)
			g = KRIMP_GRAN_HALF;
		else if (strncmp(buf + 4, "KW", 2) == 0)
			g = KRIMP_GRAN_QUARTER;
		else if (strncmp(buf + 4, "MM", 2) == 0)
			g = KRIMP_GRAN_MONTH;
		else
			return syntax_error(text, err);
	}
	else if (len == 9 && buf[4] == '/')
	{
		int			end_year = read_digits(buf + 5, 4);

		if (end_year < 0 || end_year <= year)
			return syntax_error(text, err);
		if (!krimp_period_make(KRIMP_GRAN_SPAN, year, 0, end_year, out, &sub_err))
			return syntax_error(text, err);
		return true;
	}
	else
	{
		/* 2013-Q3, 2013Q3, 2013-H2, 2013H2, 2013-07 */
		const char *rest = buf + 4;

		if (*rest == '-')
			rest++;
		if ((rest[0] == 'Q' || rest[0] == 'H') && strlen(rest) == 2)
		{
			g = rest[0] == 'Q' ? KRIMP_GRAN_QUARTER : KRIMP_GRAN_HALF;
			n = read_digits(rest + 1, 1);
		}
		else if (rest != buf + 4 && strlen(rest) == 2)
		{
			g = KRIMP_GRAN_MONTH;
			n = read_digits(rest, 2);
		}
		else
			return syntax_error(text, err);
		if (n < 0)
			return syntax_error(text, err);
	}
	if (!krimp_period_make(g, year, n, 0, out, &sub_err))
		return syntax_error(text, err);
	return true;
}

int
krimp_period_format(krimp_period p, char *buf)
{
	int			year = krimp_period_year(p);
	int			sub = krimp_period_sub(p);

	switch (krimp_period_granularity(p))
	{
		case KRIMP_GRAN_MONTH:
			return snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04d-%02d", year, sub);
		case KRIMP_GRAN_QUARTER:
			return snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04d-Q%d", year, sub);
		case KRIMP_GRAN_HALF:
			return snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04d-H%d", year, sub);
		case KRIMP_GRAN_YEAR:
			return snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04d", year);
		case KRIMP_GRAN_SPAN:
			return snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04d/%04d", year, krimp_period_end_year(p));
	}
	return snprintf(buf, KRIMP_PERIOD_BUFLEN, "?");
}

bool
krimp_period_cbs_code(krimp_period p, char *buf)
{
	int			year = krimp_period_year(p);
	int			sub = krimp_period_sub(p);

	switch (krimp_period_granularity(p))
	{
		case KRIMP_GRAN_MONTH:
			snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04dMM%02d", year, sub);
			return true;
		case KRIMP_GRAN_QUARTER:
			snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04dKW%02d", year, sub);
			return true;
		case KRIMP_GRAN_HALF:
			snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04dHJ%02d", year, sub);
			return true;
		case KRIMP_GRAN_YEAR:
			snprintf(buf, KRIMP_PERIOD_BUFLEN, "%04dJJ00", year);
			return true;
		case KRIMP_GRAN_SPAN:
			break;
	}
	buf[0] = '\0';
	return false;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

void
krimp_period_first_day(krimp_period p, int *year, int *month, int *day)
{
	int			start = krimp_period_start_index(p);

	*year = start / 12;
	*month = start % 12 + 1;
	*day = 1;
}

void
krimp_period_last_day(krimp_period p, int *year, int *month, int *day)
{
	int			last = krimp_period_start_index(p) + krimp_period_months(p) - 1;

	*year = last / 12;
	*month = last % 12 + 1;
	*day = days_in_month(*year, *month);
}

bool
krimp_period_same_granularity(krimp_period a, krimp_period b)
{
	return krimp_period_months(a) == krimp_period_months(b);
}

bool
krimp_period_add(krimp_period p, int64_t n, krimp_period *out, krimp_error *err)
{
	int			months = krimp_period_months(p);
	/* bound n first, so that the product cannot overflow */
	int64_t		steps = n > 200000 ? 200000 : (n < -200000 ? -200000 : n);
	int64_t		start = (int64_t) krimp_period_start_index(p) + steps * (int64_t) months;
	char		buf[KRIMP_PERIOD_BUFLEN];

	if (steps != n ||
		start < (int64_t) KRIMP_PERIOD_MIN_YEAR * 12 ||
		start + months - 1 > (int64_t) KRIMP_PERIOD_MAX_YEAR * 12 + 11)
	{
		krimp_period_format(p, buf);
		krimp_fail(err, KRIMP_ERR_RANGE, "period out of range: %s %c %llu", buf, n < 0 ? '-' : '+',
				   n < 0 ? 0ULL - (unsigned long long) n : (unsigned long long) n);
		krimp_fail_detail(err, "Periods run from year %d to year %d.", KRIMP_PERIOD_MIN_YEAR, KRIMP_PERIOD_MAX_YEAR);
		return false;
	}
	*out = encode((int) start, months);
	return true;
}

bool
krimp_period_diff(krimp_period a, krimp_period b, int32_t *out, krimp_error *err)
{
	char		abuf[KRIMP_PERIOD_BUFLEN],
				bbuf[KRIMP_PERIOD_BUFLEN];
	int			delta;

	if (!krimp_period_same_granularity(a, b))
	{
		krimp_period_format(a, abuf);
		krimp_period_format(b, bbuf);
		krimp_fail(err, KRIMP_ERR_MISMATCH, "cannot subtract periods of different granularity: %s - %s", abuf, bbuf);
		krimp_fail_detail(err, "Period %s is a %s and period %s is a %s.",
						  abuf, krimp_granularity_name(krimp_period_granularity(a)),
						  bbuf, krimp_granularity_name(krimp_period_granularity(b)));
		krimp_fail_hint(err, "Convert the finer one with krimp.regrain(), or compare their first days.");
		return false;
	}
	delta = krimp_period_start_index(a) - krimp_period_start_index(b);
	if (delta % krimp_period_months(a) != 0)
	{
		krimp_period_format(a, abuf);
		krimp_period_format(b, bbuf);
		krimp_fail(err, KRIMP_ERR_MISMATCH, "spans %s and %s are not a whole number of steps apart", abuf, bbuf);
		krimp_fail_detail(err, "Spans are subtracted in steps of their own length of %d years.", krimp_period_months(a) / 12);
		return false;
	}
	*out = delta / krimp_period_months(a);
	return true;
}

bool
krimp_period_contains(krimp_period a, krimp_period b)
{
	int			as = krimp_period_start_index(a),
				bs = krimp_period_start_index(b);

	return as <= bs && bs + krimp_period_months(b) <= as + krimp_period_months(a);
}

bool
krimp_period_overlaps(krimp_period a, krimp_period b)
{
	int			as = krimp_period_start_index(a),
				bs = krimp_period_start_index(b);

	return as < bs + krimp_period_months(b) && bs < as + krimp_period_months(a);
}

void
krimp_period_index_range(krimp_period_relation rel, krimp_period q,
						 bool *has_lo, krimp_period *lo,
						 bool *has_hi, krimp_period *hi)
{
	const int	first = KRIMP_PERIOD_MIN_YEAR * 12,
				last = KRIMP_PERIOD_MAX_YEAR * 12 + 11,
				longest = KRIMP_SPAN_MAX_YEARS * 12;
	int			qs = krimp_period_start_index(q),
				qe = qs + krimp_period_months(q) - 1;
	int			lo_start,
				hi_start;		/* first months: lo_start <= start(p) < hi_start */

	switch (rel)
	{
		case KRIMP_PERIOD_WITHIN:	/* qs <= start(p), end(p) <= qe */
			lo_start = qs;
			hi_start = qe + 1;
			break;
		case KRIMP_PERIOD_COVERS:	/* start(p) <= qs, end(p) >= qe */
			lo_start = qe - longest + 1;
			hi_start = qs + 1;
			break;
		default:				/* start(p) <= qe, end(p) >= qs */
			lo_start = qs - longest + 1;
			hi_start = qe + 1;
			break;
	}
	*has_lo = lo_start > first;
	*has_hi = hi_start <= last;
	*lo = *has_lo ? encode(lo_start, 1) : 0;
	*hi = *has_hi ? encode(hi_start, 1) : 0;
}

int
krimp_period_round(krimp_period p, int origin)
{
	int			offset = krimp_period_year(p) - origin;
	int			q = offset / KRIMP_ROUND_LENGTH;

	if (offset % KRIMP_ROUND_LENGTH != 0 && offset < 0)
		q--;					/* floor division */
	return origin + q * KRIMP_ROUND_LENGTH;
}
