/*
 * codes.c
 *	  CBS region codes and the number rule of the loads (see codes.h).
 */
#include "codes.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct region_form
{
	char		prefix[3];
	size_t		digits;
	const char *level;
} region_form;

static const region_form region_forms[] = {
	{"NL", 2, "country"},
	{"LD", 2, "landsdeel"},
	{"PV", 2, "province"},
	{"CR", 2, "corop"},
	{"GM", 4, "municipality"},
	{"WK", 6, "district"},
	{"BU", 8, "neighbourhood"},
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

const char *
krimp_region_level_of(const char *code, size_t len)
{
	if (code == NULL || len < 3)
		return NULL;
	for (size_t f = 0; f < sizeof(region_forms) / sizeof(region_forms[0]); f++)
	{
		const region_form *form = &region_forms[f];
		bool		ok = true;

		if (code[0] != form->prefix[0] || code[1] != form->prefix[1] || len - 2 != form->digits)
			continue;
		/* digits; a district's or neighbourhood's own part may hold letters too (Amsterdam) */
		for (size_t i = 2; i < len && ok; i++)
			ok = is_digit(code[i]) || (f >= 5 && i >= 6 && is_upper(code[i]));
		if (!ok)
			return NULL;
		/* NL0#; LD01-LD04 */
		if (f == 0 && code[2] != '0')
			return NULL;
		if (f == 1 && (code[2] != '0' || code[3] < '1' || code[3] > '4'))
			return NULL;
		return form->level;
	}
	return NULL;
}

bool
krimp_group_code_valid(const char *code, size_t len)
{
	bool		hyphen = false;

	if (code == NULL || len < 3 || len > KRIMP_GROUP_CODE_MAX || !is_upper(code[0]) || code[len - 1] == '-')
		return false;
	for (size_t i = 1; i < len; i++)
	{
		if (code[i] == '-')
		{
			hyphen = true;
		}
		else if (!is_upper(code[i]) && !is_digit(code[i]))
			return false;
	}
	return hyphen;
}

/*
 * The first KRIMP_EXCERPT_CHARS characters of text (UTF-8), "..." after
 * them when there is more, into buf (KRIMP_EXCERPT_CHARS * 4 + 4 bytes).
 */
#define EXCERPT_BUFLEN (KRIMP_EXCERPT_CHARS * 4 + 4)

static void
excerpt(const char *text, size_t len, char *buf)
{
	size_t		i = 0;
	int			chars = 0;

	while (i < len)
	{
		/* a character starts at a byte that is no UTF-8 continuation byte */
		if (((unsigned char) text[i] & 0xC0) != 0x80 && chars++ == KRIMP_EXCERPT_CHARS)
			break;
		i++;
	}
	memcpy(buf, text, i);
	if (i < len)
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
}

/* Whether text is [+-]digits[.digits][(e|E)[+-]d{1,3}] with a digit in the mantissa. */
static bool
number_syntax(const char *text, size_t len)
{
	size_t		i = 0;
	int			mantissa = 0,
				exponent = 0;

	if (i < len && (text[i] == '+' || text[i] == '-'))
		i++;
	for (; i < len && is_digit(text[i]); i++)
		mantissa++;
	if (i < len && text[i] == '.')
		for (i++; i < len && is_digit(text[i]); i++)
			mantissa++;
	if (mantissa == 0)
		return false;
	if (i < len && (text[i] == 'e' || text[i] == 'E'))
	{
		i++;
		if (i < len && (text[i] == '+' || text[i] == '-'))
			i++;
		for (; i < len && is_digit(text[i]); i++)
			exponent++;
		if (exponent < 1 || exponent > 3)
			return false;
	}
	return i == len;
}

bool
krimp_parse_number(const char *text, size_t len, double *out, krimp_error *err)
{
	char		excerpt_buf[EXCERPT_BUFLEN];
	char		small[64];
	char	   *copy = small;
	double		v;
	bool		out_of_range;

	if (text == NULL || !number_syntax(text, len))
	{
		excerpt(text ? text : "", text ? len : 0, excerpt_buf);
		krimp_fail(err, KRIMP_ERR_SYNTAX, "invalid value \"%s\"", excerpt_buf);
		krimp_fail_detail(err, "A value is an optional sign, digits with an optional decimal point, "
						  "and an optional exponent of 1 to 3 digits, such as 29018, -0.5 or 1.2e-6.");
		krimp_fail_hint(err, "Leave the value empty or write \".\" for an unknown value; NaN and infinity are not values.");
		return false;
	}
	/* strtod needs a NUL-terminated copy; the syntax leaves it nothing else to read */
	if (len >= sizeof(small) && (copy = krimp_alloc(len + 1)) == NULL)
		return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	errno = 0;
	v = strtod(copy, NULL);
	/* as float8in: a subnormal result is a value, an overflow or underflow to 0 is not */
	out_of_range = (errno == ERANGE && (v == 0.0 || isinf(v))) || !isfinite(v);
	if (copy != small)
		krimp_free(copy);
	if (out_of_range)
	{
		excerpt(text, len, excerpt_buf);
		krimp_fail(err, KRIMP_ERR_RANGE, "value \"%s\" is out of the range of double precision", excerpt_buf);
		krimp_fail_detail(err, "Double precision holds magnitudes from about 2.2e-308 (4.9e-324 with less "
						  "precision) up to about 1.8e308, and zero.");
		return false;
	}
	if (out)
		*out = v;
	return true;
}
