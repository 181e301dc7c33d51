/*
 * fuzz_period.c
 *	  libFuzzer target: krimp.period text input (krimp_period_parse) and the
 *	  encoding that binary receive accepts (krimp_period_is_valid).
 *
 * Invariants:
 *	  - what parses is a valid encoding; format gives at most
 *		KRIMP_PERIOD_BUFLEN - 1 bytes; parse(format(p)) == p, and format is
 *		stable; the CBS code (not for spans) parses back to p; lower case and
 *		surrounding blanks read the same;
 *	  - a failure is a syntax error with a message;
 *	  - the first four bytes as an int32: valid encodings format and parse
 *		back to themselves, invalid ones never come out of the parser;
 *	  - p + n (n from the next four bytes) is valid, (p + n) - p == n, and
 *		first day <= last day inside the period's years.
 */
#include <ctype.h>

#include "fuzz_common.h"
#include "period.h"

static void
check_round_trip(krimp_period p, const char *what)
{
	char		buf[KRIMP_PERIOD_BUFLEN],
				buf2[KRIMP_PERIOD_BUFLEN],
				cbs[KRIMP_PERIOD_BUFLEN],
				padded[KRIMP_PERIOD_BUFLEN + 8];
	krimp_period q;
	krimp_error err;
	int			len;

	FUZZ_CHECK(krimp_period_is_valid(p), "%s: invalid encoding %d", what, (int) p);
	len = krimp_period_format(p, buf);
	FUZZ_CHECK(len > 0 && len < KRIMP_PERIOD_BUFLEN && (size_t) len == strlen(buf),
			   "%s: format length %d of %d", what, len, (int) p);
	FUZZ_CHECK(krimp_period_parse(buf, &q, &err), "%s: \"%s\" does not parse: %s", what, buf, err.message);
	FUZZ_CHECK(q == p, "%s: \"%s\" parses to %d, not %d", what, buf, (int) q, (int) p);
	krimp_period_format(q, buf2);
	FUZZ_CHECK(strcmp(buf, buf2) == 0, "%s: format not stable: %s / %s", what, buf, buf2);

	/* blanks and lower case */
	snprintf(padded, sizeof padded, " \t%s \n", buf);
	for (char *c = padded; *c; c++)
		*c = (char) tolower((unsigned char) *c);
	FUZZ_CHECK(krimp_period_parse(padded, &q, &err) && q == p, "%s: \"%s\" does not read as %s", what, padded, buf);

	if (krimp_period_cbs_code(p, cbs))
	{
		FUZZ_CHECK(krimp_period_granularity(p) != KRIMP_GRAN_SPAN, "%s: a span with a CBS code %s", what, cbs);
		FUZZ_CHECK(strlen(cbs) == 8, "%s: CBS code %s", what, cbs);
		FUZZ_CHECK(krimp_period_parse(cbs, &q, &err) && q == p, "%s: CBS code %s of %s does not read back", what, cbs, buf);
	}
	else
		FUZZ_CHECK(krimp_period_granularity(p) == KRIMP_GRAN_SPAN && cbs[0] == '\0',
				   "%s: no CBS code for %s", what, buf);
}

static void
check_arithmetic(krimp_period p, int32_t n)
{
	krimp_period q;
	krimp_error err;
	int32_t		d;
	int			y1, m1, d1, y2, m2, d2;

	krimp_period_first_day(p, &y1, &m1, &d1);
	krimp_period_last_day(p, &y2, &m2, &d2);
	FUZZ_CHECK(y1 == krimp_period_year(p) && y2 == krimp_period_end_year(p) && d1 == 1 &&
			   m1 >= 1 && m1 <= 12 && m2 >= 1 && m2 <= 12 && d2 >= 28 && d2 <= 31 &&
			   (y1 < y2 || (y1 == y2 && m1 <= m2)), "days of %d", (int) p);
	FUZZ_CHECK(krimp_period_contains(p, p) && krimp_period_overlaps(p, p), "%d does not contain itself", (int) p);

	if (krimp_period_add(p, n, &q, &err))
	{
		FUZZ_CHECK(krimp_period_is_valid(q), "%d + %d = %d invalid", (int) p, (int) n, (int) q);
		FUZZ_CHECK(krimp_period_same_granularity(p, q), "%d + %d changes granularity", (int) p, (int) n);
		FUZZ_CHECK(krimp_period_diff(q, p, &d, &err) && d == n, "(%d + %d) - %d = %d", (int) p, (int) n, (int) p, (int) d);
		FUZZ_CHECK((n > 0) == (q > p) && (n < 0) == (q < p), "order of %d + %d", (int) p, (int) n);
	}
	else
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_RANGE, "add failed with status %d", (int) err.status);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_cstring(data, size);
	krimp_period p;
	krimp_error err;

	if (krimp_period_parse(text, &p, &err))
	{
		check_round_trip(p, "parsed");
		check_arithmetic(p, size >= 8 ? (int32_t) fuzz_be32(data + 4) : 1);
	}
	else
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_SYNTAX, "parse failed with status %d", (int) err.status);
	}
	free(text);

	/* the raw encoding, as binary receive sees it */
	if (size >= 4)
	{
		krimp_period raw = (krimp_period) fuzz_be32(data);

		if (krimp_period_is_valid(raw))
		{
			check_round_trip(raw, "raw");
			check_arithmetic(raw, size >= 8 ? (int32_t) fuzz_be32(data + 4) : -1);
		}
	}
	return 0;
}
