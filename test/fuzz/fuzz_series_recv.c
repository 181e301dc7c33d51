/*
 * fuzz_series_recv.c
 *	  libFuzzer target: what binary input of krimp.series checks.  The first
 *	  byte chooses the view of the rest:
 *
 *	  even: the wire format krimp_series_recv (extension/series.c) reads,
 *		a version byte, the start and the count as big-endian int32 and
 *		count big-endian float8, checked exactly as recv checks them (the
 *		version, krimp_period_is_valid(start), 1 <= count <= MAX, the
 *		remaining length, krimp_series_new, no infinity, any NaN made the
 *		canonical missing value) and then re-validated with
 *		krimp_series_validate, which must accept whatever those checks let
 *		through (recv would otherwise refuse a value it built itself);
 *		krimp_series_send's bytes of the result equal the input but for
 *		NaN payloads;
 *	  odd: an on-disk image of the rest (header and values, the varlena
 *		header's four bytes included), as krimp_series_validate sees
 *		corrupted or hand-made data: whatever it accepts is a series whose
 *		text form reads back as the same series.
 */
#include <math.h>

#include "fuzz_common.h"
#include "series.h"

static void
check_text_round_trip(const krimp_series *s)
{
	krimp_error err;
	char	   *text = krimp_series_format(s);
	krimp_series *back;

	FUZZ_CHECK(text != NULL, "format failed");
	back = krimp_series_parse(text, &err);
	FUZZ_CHECK(back != NULL, "\"%s\" does not read back: %s", text, err.message);
	FUZZ_CHECK(krimp_series_equal(s, back), "\"%s\" reads back as another series", text);
	krimp_free(back);
	krimp_free(text);
}

/* The wire format, as krimp_series_recv reads it; true when recv would return a series. */
static void
wire(const uint8_t *buf, size_t len)
{
	size_t		cursor = 0;
	int			version;
	krimp_period start;
	int32_t		count;
	krimp_series *s;
	krimp_error err;

	if (len < 1)
		return;					/* pq_getmsgbyte: "no data left in message" */
	version = buf[cursor++];
	if (version != KRIMP_SERIES_VERSION)
		return;
	if (len - cursor < 8)
		return;					/* pq_getmsgint: no data left */
	start = (krimp_period) fuzz_be32(buf + cursor);
	count = (int32_t) fuzz_be32(buf + cursor + 4);
	cursor += 8;
	if (!krimp_period_is_valid(start))
		return;
	if (count < 1 || count > KRIMP_SERIES_MAX_COUNT)
		return;
	if ((int64_t) (len - cursor) != (int64_t) count * (int64_t) sizeof(double))
		return;
	s = krimp_series_new(start, count, &err);
	if (s == NULL)
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_RANGE, "series_new failed with status %d", (int) err.status);
		return;
	}
	for (int32_t i = 0; i < count; i++)
	{
		double		v = fuzz_be_double(buf + cursor);

		cursor += 8;
		if (isinf(v))
		{
			krimp_free(s);
			return;
		}
		s->values[i] = isnan(v) ? krimp_missing() : v;
	}
	FUZZ_CHECK(cursor == len, "pq_getmsgend would fail");
	FUZZ_CHECK(krimp_series_validate(s, krimp_series_size(count), &err),
			   "recv builds a series that validate refuses: %s", err.detail);
	/* send: the same bytes, NaN payloads canonical */
	for (int32_t i = 0; i < count; i++)
	{
		double		in = fuzz_be_double(buf + 9 + (size_t) i * 8);

		FUZZ_CHECK(isnan(in) ? fuzz_bits(s->values[i]) == KRIMP_SERIES_MISSING_BITS
				   : fuzz_bits(in) == fuzz_bits(s->values[i]), "value %d changed", (int) i);
	}
	FUZZ_CHECK(krimp_series_last(s) >= s->start, "last period before the start");
	check_text_round_trip(s);
	krimp_free(s);
}

/* An on-disk image. */
static void
image(const uint8_t *buf, size_t len)
{
	krimp_error err;
	/* a copy in allocated (aligned) memory of exactly len bytes, so ASan sees overreads */
	krimp_series *s = malloc(len ? len : 1);

	if (s == NULL)
		abort();
	memcpy(s, buf, len);
	if (krimp_series_validate(s, len, &err))
	{
		FUZZ_CHECK(len == krimp_series_size(s->count) && s->count >= 1 &&
				   s->count <= KRIMP_SERIES_MAX_COUNT && krimp_period_is_valid(s->start),
				   "validate accepted a bad header");
		FUZZ_CHECK(krimp_period_is_valid(krimp_series_last(s)), "last period invalid");
		for (int32_t i = 0; i < s->count; i++)
			FUZZ_CHECK(!isinf(s->values[i]) &&
					   (!isnan(s->values[i]) || fuzz_bits(s->values[i]) == KRIMP_SERIES_MISSING_BITS),
					   "validate accepted value %d", (int) i);
		check_text_round_trip(s);
	}
	else
	{
		fuzz_check_error(&err);
		FUZZ_CHECK(err.status == KRIMP_ERR_BINARY, "validate failed with status %d", (int) err.status);
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] % 2 == 0)
		wire(data + 1, size - 1);
	else
		image(data + 1, size - 1);
	return 0;
}
