/*
 * fuzz_series_text.c
 *	  libFuzzer target: krimp.series text input (krimp_series_parse) and
 *	  output (krimp_series_format).
 *
 * Invariants:
 *	  - what parses is a valid on-disk image (krimp_series_validate): count
 *		in range, last period valid, no infinity and no NaN but the one
 *		canonical missing value;
 *	  - format(s) parses back to a series equal to s, with the same bits
 *		(zero's sign aside: the text form writes -0 as 0), and formatting
 *		that series gives the same text (the output is a fixed point);
 *	  - the text form is no longer than krimp_series_format's own bound;
 *	  - a failure is a syntax or range error with a message.
 */
#include "fuzz_common.h"
#include "series.h"

static void
check_same(const krimp_series *a, const krimp_series *b, const char *text)
{
	FUZZ_CHECK(krimp_series_equal(a, b), "\"%s\" reads back as another series", text);
	for (int32_t i = 0; i < a->count; i++)
		FUZZ_CHECK(fuzz_bits(a->values[i]) == fuzz_bits(b->values[i]) ||
				   (a->values[i] == 0.0 && b->values[i] == 0.0),
				   "value %d of \"%s\" changes bits", (int) i, text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_cstring(data, size);
	krimp_error err;
	krimp_series *s = krimp_series_parse(text, &err);

	if (s == NULL)
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_SYNTAX || err.status == KRIMP_ERR_RANGE,
				   "parse failed with status %d: %s", (int) err.status, err.message);
	}
	else
	{
		char	   *out,
				   *out2;
		krimp_series *s2;
		size_t		bound = KRIMP_PERIOD_BUFLEN + 4 + (size_t) s->count * (KRIMP_DOUBLE_BUFLEN + 1);

		FUZZ_CHECK(krimp_series_validate(s, krimp_series_size(s->count), &err),
				   "parsed \"%s\" is not a valid image: %s", text, err.detail);
		for (int32_t i = 0; i < s->count; i++)
			FUZZ_CHECK(krimp_is_missing(s->values[i]) ? fuzz_bits(s->values[i]) == KRIMP_SERIES_MISSING_BITS
					   : s->values[i] - s->values[i] == 0.0, "value %d of \"%s\" is not finite", (int) i, text);
		out = krimp_series_format(s);
		FUZZ_CHECK(out != NULL, "format failed");
		FUZZ_CHECK(strlen(out) < bound, "text of %d values is %zu bytes", (int) s->count, strlen(out));
		s2 = krimp_series_parse(out, &err);
		FUZZ_CHECK(s2 != NULL, "\"%s\" does not read back: %s (%s)", out, err.message, err.detail);
		check_same(s, s2, out);
		out2 = krimp_series_format(s2);
		FUZZ_CHECK(out2 != NULL && strcmp(out, out2) == 0, "format not stable: \"%s\" / \"%s\"", out, out2);
		krimp_free(out2);
		krimp_free(s2);
		krimp_free(out);
		krimp_free(s);
	}
	free(text);
	return 0;
}
