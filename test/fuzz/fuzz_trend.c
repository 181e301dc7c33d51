/*
 * fuzz_trend.c
 *	  libFuzzer target: krimp.trend input.  The first byte chooses:
 *
 *	  0 mod 3: text input (krimp_trend_parse) of the rest as a C string;
 *	  1 mod 3: the wire format krimp_trend_recv (extension/trend.c) reads:
 *		version and flags bytes, first, last and n as big-endian int32 and
 *		twelve big-endian float8 (any NaN made the canonical undefined
 *		value, reserved fields zero), then krimp_trend_validate;
 *	  2 mod 3: an on-disk image (krimp_trend_validate on the raw bytes).
 *
 * Invariants: whatever is accepted validates, holds no infinity and no
 * non-canonical NaN from the text path, and its text form (no longer than
 * krimp_trend_format's bound) parses back to the same value (zero's sign
 * aside) with the same text; failures are syntax (text) or binary errors
 * with a message.
 */
#include <math.h>

#include "fuzz_common.h"
#include "trend.h"

static void
check_accepted(const krimp_trend *t, const char *how)
{
	krimp_error err;
	char	   *text,
			   *text2;
	krimp_trend *back;
	const double *d = &t->ols_slope,
			   *e;

	FUZZ_CHECK(krimp_trend_validate(t, KRIMP_TREND_SIZE, &err), "%s: accepted value does not validate: %s",
			   how, err.detail);
	for (int i = 0; i < 12; i++)
		FUZZ_CHECK(!isinf(d[i]), "%s: statistic %d is infinite", how, i);
	text = krimp_trend_format(t);
	FUZZ_CHECK(text != NULL, "format failed");
	FUZZ_CHECK(strlen(text) < 16 * (20 + KRIMP_DOUBLE_BUFLEN + 2) + 1, "text too long");
	back = krimp_trend_parse(text, &err);
	FUZZ_CHECK(back != NULL, "%s: \"%s\" does not read back: %s (%s)", how, text, err.message, err.detail);
	FUZZ_CHECK(back->version == t->version && back->flags == t->flags && back->first == t->first &&
			   back->last == t->last && back->n == t->n, "%s: header of \"%s\" changes", how, text);
	e = &back->ols_slope;
	for (int i = 0; i < 12; i++)
	{
		FUZZ_CHECK(fuzz_same_double(d[i], e[i]), "%s: statistic %d of \"%s\" changes", how, i, text);
		FUZZ_CHECK(!isnan(e[i]) || fuzz_bits(e[i]) == KRIMP_SERIES_MISSING_BITS, "non-canonical NaN from text");
	}
	text2 = krimp_trend_format(back);
	FUZZ_CHECK(text2 != NULL && strcmp(text, text2) == 0, "%s: format not stable: %s / %s", how, text, text2);
	krimp_free(text2);
	krimp_free(back);
	krimp_free(text);
}

static void
text_input(const uint8_t *data, size_t size)
{
	char	   *text = fuzz_cstring(data, size);
	krimp_error err;
	krimp_trend *t = krimp_trend_parse(text, &err);

	if (t != NULL)
	{
		check_accepted(t, "text");
		krimp_free(t);
	}
	else
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_SYNTAX, "parse failed with status %d", (int) err.status);
	}
	free(text);
}

static void
wire(const uint8_t *buf, size_t len)
{
	krimp_trend *t;
	double	   *d;
	krimp_error err;

	if (len != 2 + 12 + 12 * 8)
		return;					/* recv: no data left, or pq_getmsgend fails */
	if (buf[0] != KRIMP_TREND_VERSION)
		return;
	t = calloc(1, KRIMP_TREND_SIZE);	/* palloc0 */
	if (t == NULL)
		abort();
	d = &t->ols_slope;
	t->version = buf[0];
	t->flags = buf[1];
	t->first = (krimp_period) fuzz_be32(buf + 2);
	t->last = (krimp_period) fuzz_be32(buf + 6);
	t->n = (int32_t) fuzz_be32(buf + 10);
	for (int i = 0; i < 12; i++)
	{
		double		v = fuzz_be_double(buf + 14 + 8 * i);

		d[i] = isnan(v) ? krimp_missing() : v;
	}
	if (krimp_trend_validate(t, KRIMP_TREND_SIZE, &err))
		check_accepted(t, "wire");
	else
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_BINARY, "validate failed with status %d", (int) err.status);
	}
	free(t);
}

static void
image(const uint8_t *buf, size_t len)
{
	krimp_error err;
	krimp_trend *t = malloc(len ? len : 1);

	if (t == NULL)
		abort();
	memcpy(t, buf, len);
	if (krimp_trend_validate(t, len, &err))
	{
		/* the text form cannot hold a NaN payload: compare after canonicalising */
		double	   *d = &t->ols_slope;

		for (int i = 0; i < 12; i++)
			if (isnan(d[i]))
				d[i] = krimp_missing();
		check_accepted(t, "image");
	}
	else
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_BINARY, "validate failed with status %d", (int) err.status);
	}
	free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3)
	{
		case 0:
			text_input(data + 1, size - 1);
			break;
		case 1:
			wire(data + 1, size - 1);
			break;
		default:
			image(data + 1, size - 1);
			break;
	}
	return 0;
}
