/*
 * test_series.c
 *	  Unit tests of core/series.c: layout, validation of corrupted images,
 *	  text round trips, building from points, measures, arithmetic, regrain.
 */
#include "series.h"
#include "unit.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>

static krimp_period
P(const char *text)
{
	krimp_period p = 0;
	krimp_error err;

	if (!krimp_period_parse(text, &p, &err))
		fprintf(stderr, "bad period %s\n", text);
	return p;
}

static krimp_series *
S(const char *text)
{
	krimp_error err;
	krimp_series *s = krimp_series_parse(text, &err);

	if (s == NULL)
		fprintf(stderr, "bad series %s: %s\n", text, err.message);
	return s;
}

/* Format and compare with the expected text. */
static int
text_is(const krimp_series *s, const char *expected)
{
	char	   *t;
	int			ok;

	if (s == NULL)
		return 0;
	t = krimp_series_format(s);
	ok = strcmp(t, expected) == 0;
	if (!ok)
		fprintf(stderr, "  got %s, expected %s\n", t, expected);
	free(t);
	return ok;
}

static void
test_layout(void)
{
	krimp_error err;
	krimp_series *s = krimp_series_new(P("2002"), 3, &err);

	CHECK(sizeof(krimp_series) == 16);
	CHECK(krimp_series_size(3) == 40);
	CHECK(s != NULL && s->version == 1 && s->flags == 0 && s->reserved == 0 && s->count == 3);
	CHECK(((uintptr_t) s->values - (uintptr_t) s) == 16);
	CHECK(krimp_is_missing(s->values[2]));
	CHECK(krimp_series_validate(s, krimp_series_size(3), &err));
	CHECK(krimp_series_new(P("2002"), 0, &err) == NULL && err.status == KRIMP_ERR_RANGE);
	CHECK(krimp_series_new(P("9998"), 3, &err) == NULL && err.status == KRIMP_ERR_RANGE);
	free(s);
	s = krimp_series_new(P("9998"), 2, &err);
	CHECK(s != NULL);
	free(s);
}

static void
test_validate_corrupt(void)
{
	krimp_error err;
	krimp_series *s = S("2020-Q1:{1,NULL,3}");
	size_t		size = krimp_series_size(3);
	krimp_series *c = malloc(size);
	uint64_t	bits;

	CHECK(krimp_series_validate(s, size, &err));
	CHECK(!krimp_series_validate(s, size - 1, &err) && err.status == KRIMP_ERR_BINARY);
	CHECK(!krimp_series_validate(s, 8, &err));
	CHECK(!krimp_series_validate(NULL, 0, &err));
#define MUTATE(stmt) do { memcpy(c, s, size); stmt; CHECK(!krimp_series_validate(c, size, &err)); } while (0)
	MUTATE(c->version = 2);
	MUTATE(c->flags = 1);
	MUTATE(c->reserved = 1);
	MUTATE(c->start = -1);
	MUTATE(c->start = P("2020-Q1") + 1);	/* not a valid encoding */
	MUTATE(c->count = 0);
	MUTATE(c->count = 4);
	MUTATE(c->count = -3);
	MUTATE(c->values[0] = HUGE_VAL);
	MUTATE(c->values[2] = -HUGE_VAL);
	bits = UINT64_C(0x7FF8000000000005);
	MUTATE(memcpy(&c->values[1], &bits, 8));
	bits = UINT64_C(0xFFF8000000000000);
	MUTATE(memcpy(&c->values[1], &bits, 8));
	/* last period past 9999 */
	memcpy(c, s, size);
	c->start = P("9999-Q3");
	CHECK(!krimp_series_validate(c, size, &err));
	c->start = P("9999-Q2");
	CHECK(krimp_series_validate(c, size, &err));
	/* random garbage never crashes and is mostly refused */
	srand(7);
	for (int round = 0; round < 10000; round++)
	{
		unsigned char buf[64];
		size_t		len = (size_t) (rand() % 64);

		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char) rand();
		(void) krimp_series_validate(buf, len, &err);
	}
	free(c);
	free(s);
}

static void
test_text_round_trip(void)
{
	const double values[] = {0.1, 1.0 / 3.0, 1e308, -1e308, 5e-324, DBL_MIN, 2.5e-310, 29543, -7.25, 123456789012345678.0};
	krimp_error err;
	krimp_series *s = krimp_series_new(P("2013-07"), 10, &err);
	krimp_series *back;
	char	   *t;

	for (int i = 0; i < 10; i++)
		s->values[i] = values[i];
	t = krimp_series_format(s);
	back = krimp_series_parse(t, &err);
	CHECK(back != NULL);
	CHECK(back && krimp_series_equal(s, back));
	for (int i = 0; back && i < 10; i++)
		CHECK(memcmp(&back->values[i], &values[i], 8) == 0);
	CHECK(strncmp(t, "2013-07:{0.1,0.333333333333333", 30) == 0);
	CHECK(strstr(t, ",1e+308,-1e+308,4.94065645841247e-324,") != NULL);
	free(t);
	free(back);
	free(s);

	/* -0.0 reads and prints as 0 */
	s = S("2002:{-0.0}");
	CHECK(s && s->values[0] == 0.0);
	CHECK(text_is(s, "2002:{0}"));
	free(s);

	/* blanks, CBS codes, case of NULL, signs and exponents */
	s = S("  2013KW03 :{ 1 ,null, NULL ,+2.5e2 , -.5, 5. }  ");
	CHECK(text_is(s, "2013-Q3:{1,NULL,NULL,250,-0.5,5}"));
	free(s);
	s = S("2005/2008:{1,2}");
	CHECK(text_is(s, "2005/2008:{1,2}"));
	CHECK(s && krimp_series_last(s) == P("2009/2012"));
	free(s);
}

static void
test_text_errors(void)
{
	const char *bad[] = {
		"", "2002", "2002{1}", "2002:1,2", "2002:{}", "2002:{ }", "2002:{1,}", "2002:{,1}",
		"2002:{1 2}", "2002:{1", "2002:{1}x", "2002:{abc}", "2002:{0x10}", "2002:{1e}",
		"2002:{--1}", "20022:{1}", "2002-Q5:{1}", "2002:{1}}", ":{1}"
	};
	const char *not_finite[] = {"2002:{NaN}", "2002:{1,inf}", "2002:{-Infinity}", "2002:{+nan}"};
	krimp_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		krimp_series *s = krimp_series_parse(bad[i], &err);

		if (s != NULL)
			fprintf(stderr, "  accepted %s\n", bad[i]);
		CHECK(s == NULL && err.status == KRIMP_ERR_SYNTAX);
	}
	{
		krimp_series *ok = krimp_series_parse("2002:{1,2}", &err);

		CHECK(ok != NULL);
		free(ok);
	}
	for (size_t i = 0; i < 4; i++)
	{
		CHECK(krimp_series_parse(not_finite[i], &err) == NULL && err.status == KRIMP_ERR_SYNTAX);
		CHECK(strstr(err.hint, "NULL") != NULL);
	}
	CHECK(krimp_series_parse("2002:{1e309}", &err) == NULL && err.status == KRIMP_ERR_RANGE);
	CHECK(krimp_series_parse("2002:{1e-400}", &err) == NULL && err.status == KRIMP_ERR_RANGE);
	CHECK(krimp_series_parse("9999:{1,2}", &err) == NULL && err.status == KRIMP_ERR_RANGE);
	CHECK(strstr(krimp_series_parse("2002:{x}", &err) ? "" : err.message,
				 "invalid input syntax for type series: \"2002:{x}\"") != NULL);
}

static void
test_from_points(void)
{
	krimp_series_point sorted[] = {{1, P("2001")}, {2, P("2002")}, {4, P("2004")}};
	krimp_series_point shuffled[] = {{4, P("2004")}, {krimp_missing(), P("2002")}, {1, P("2001")}};
	krimp_series_point dup[] = {{4, P("2004")}, {1, P("2001")}, {5, P("2004")}};
	krimp_series_point mixed[] = {{4, P("2004")}, {1, P("2001-Q1")}};
	krimp_series_point spans[] = {{1, P("2001/2004")}, {1, P("2002/2005")}};
	krimp_series_point one[] = {{7, P("2010-05")}};
	krimp_error err;
	krimp_series *s;

	s = krimp_series_from_points(sorted, 3, &err);
	CHECK(text_is(s, "2001:{1,2,NULL,4}"));
	free(s);
	s = krimp_series_from_points(shuffled, 3, &err);
	CHECK(text_is(s, "2001:{1,NULL,NULL,4}"));
	free(s);
	s = krimp_series_from_points(one, 1, &err);
	CHECK(text_is(s, "2010-05:{7}"));
	free(s);
	CHECK(krimp_series_from_points(dup, 3, &err) == NULL && err.status == KRIMP_ERR_DUPLICATE);
	CHECK(strstr(err.message, "2004") != NULL);
	CHECK(krimp_series_from_points(mixed, 2, &err) == NULL && err.status == KRIMP_ERR_MISMATCH);
	CHECK(strstr(err.message, "2001-Q1") != NULL);
	CHECK(krimp_series_from_points(spans, 2, &err) == NULL && err.status == KRIMP_ERR_MISMATCH);
}

static void
test_measures(void)
{
	krimp_series *s = S("2000:{100,NULL,110,121,0}");
	krimp_error err;
	double		r = 0;
	bool		isnull;

	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CHANGE, P("2000"), P("2003"), &r, &isnull, &err) && !isnull);
	CHECK(r == 21);
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_PCT_CHANGE, P("2000"), P("2003"), &r, &isnull, &err));
	CHECK_NEAR(r, 21.0, 1e-12);
	/* 100 -> 121 in 3 years: 1.21^(1/3) - 1 = 6.5602% */
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CAGR, P("2000"), P("2003"), &r, &isnull, &err));
	CHECK_NEAR(r, (pow(1.21, 1.0 / 3.0) - 1) * 100, 1e-12);
	/* 110 -> 121 in one year: 10% */
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CAGR, P("2002"), P("2003"), &r, &isnull, &err));
	CHECK_NEAR(r, 10.0, 1e-12);
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CAGR, P("2002"), P("2004"), &r, &isnull, &err));
	CHECK_NEAR(r, -100.0, 1e-12);
	/* missing and outside give NULL */
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CHANGE, P("2001"), P("2003"), &r, &isnull, &err) && isnull);
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CHANGE, P("1999"), P("2003"), &r, &isnull, &err) && isnull);
	/* errors */
	CHECK(!krimp_series_measure_of(s, KRIMP_MEASURE_PCT_CHANGE, P("2004"), P("2003"), &r, &isnull, &err) &&
		  err.status == KRIMP_ERR_DIVISION);
	CHECK(!krimp_series_measure_of(s, KRIMP_MEASURE_CAGR, P("2003"), P("2002"), &r, &isnull, &err) &&
		  err.status == KRIMP_ERR_PARAMETER);
	CHECK(!krimp_series_measure_of(s, KRIMP_MEASURE_CHANGE, P("2000-Q1"), P("2003"), &r, &isnull, &err) &&
		  err.status == KRIMP_ERR_MISMATCH);
	free(s);

	/* quarterly: 8 steps of 3 months = 2 years; 100 -> 144 is 20% a year */
	s = S("2010-Q1:{100,NULL,NULL,NULL,NULL,NULL,NULL,NULL,144}");
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CAGR, P("2010-Q1"), P("2012-Q1"), &r, &isnull, &err));
	CHECK_NEAR(r, 20.0, 1e-12);
	free(s);
	/* spans of 4 years: one step is 4 years; 100 -> 146.41 is 10% a year */
	s = S("2001/2004:{100,146.41}");
	CHECK(krimp_series_measure_of(s, KRIMP_MEASURE_CAGR, P("2001/2004"), P("2005/2008"), &r, &isnull, &err));
	CHECK_NEAR(r, 10.0, 1e-12);
	free(s);
}

static void
test_index_diff(void)
{
	krimp_series *s = S("2000:{200,NULL,110,300}");
	krimp_series *r;
	krimp_error err;

	CHECK(krimp_series_index(s, P("2000"), &r, &err));
	CHECK(text_is(r, "2000:{100,NULL,55,150}"));
	free(r);
	CHECK(krimp_series_index(s, P("2001"), &r, &err) && r == NULL);
	CHECK(krimp_series_index(s, P("1990"), &r, &err) && r == NULL);
	free(s);
	s = S("2000:{0,1}");
	CHECK(!krimp_series_index(s, P("2000"), &r, &err) && err.status == KRIMP_ERR_DIVISION);
	free(s);

	s = S("2019-Q1:{1,2,3,4,10,NULL,30,40,50}");
	CHECK(krimp_series_diff(s, 1, &r, &err));
	CHECK(text_is(r, "2019-Q2:{1,1,1,6,NULL,NULL,10,10}"));
	free(r);
	CHECK(krimp_series_yoy_diff(s, &r, &err));
	CHECK(text_is(r, "2020-Q1:{9,NULL,27,36,40}"));
	free(r);
	CHECK(krimp_series_diff(s, 9, &r, &err) && r == NULL);
	CHECK(!krimp_series_diff(s, 0, &r, &err) && err.status == KRIMP_ERR_PARAMETER);
	free(s);
	s = S("2001/2004:{1,2}");
	CHECK(!krimp_series_yoy_diff(s, &r, &err) && err.status == KRIMP_ERR_PARAMETER);
	free(s);
}

static void
test_arithmetic(void)
{
	krimp_series *a = S("2000:{1,2,NULL,4}");
	krimp_series *b = S("2001:{10,20,30,40}");
	krimp_series *r;
	krimp_error err;

	CHECK(krimp_series_binop(a, b, KRIMP_OP_ADD, false, &r, &err));
	CHECK(text_is(r, "2001:{12,NULL,34}"));
	free(r);
	CHECK(krimp_series_binop(a, b, KRIMP_OP_ADD, true, &r, &err));
	CHECK(text_is(r, "2000:{NULL,12,NULL,34,NULL}"));
	free(r);
	CHECK(krimp_series_binop(b, a, KRIMP_OP_DIV, false, &r, &err));
	CHECK(text_is(r, "2001:{5,NULL,7.5}"));
	free(r);
	CHECK(krimp_series_binop(a, b, KRIMP_OP_MUL, false, &r, &err));
	CHECK(text_is(r, "2001:{20,NULL,120}"));
	free(r);
	free(b);
	b = S("2010:{1}");
	CHECK(krimp_series_binop(a, b, KRIMP_OP_SUB, false, &r, &err) && r == NULL);
	free(b);
	b = S("2001:{0}");
	CHECK(!krimp_series_binop(a, b, KRIMP_OP_DIV, false, &r, &err) && err.status == KRIMP_ERR_DIVISION);
	CHECK(strstr(err.detail, "2001") != NULL);
	CHECK(krimp_series_binop(a, b, KRIMP_OP_WEIGHTED, false, &r, &err));
	CHECK(text_is(r, "2001:{NULL}"));
	free(r);
	free(b);
	b = S("2001-Q1:{1}");
	CHECK(!krimp_series_binop(a, b, KRIMP_OP_ADD, false, &r, &err) && err.status == KRIMP_ERR_MISMATCH);
	free(b);
	b = S("2000:{1e308}");
	CHECK(!krimp_series_binop(b, b, KRIMP_OP_ADD, false, &r, &err) && err.status == KRIMP_ERR_RANGE);
	CHECK(!krimp_series_scalar_op(b, KRIMP_OP_MUL, 10, &r, &err) && err.status == KRIMP_ERR_RANGE);
	free(b);
	CHECK(krimp_series_scalar_op(a, KRIMP_OP_MUL, 2.5, &r, &err));
	CHECK(text_is(r, "2000:{2.5,5,NULL,10}"));
	free(r);
	CHECK(!krimp_series_scalar_op(a, KRIMP_OP_DIV, 0, &r, &err) && err.status == KRIMP_ERR_DIVISION);
	CHECK(!krimp_series_scalar_op(a, KRIMP_OP_ADD, NAN, &r, &err) && err.status == KRIMP_ERR_NOT_FINITE);
	CHECK(!krimp_series_scalar_op(a, KRIMP_OP_ADD, -HUGE_VAL, &r, &err) && err.status == KRIMP_ERR_NOT_FINITE);

	/* slice */
	CHECK(krimp_series_slice(a, true, P("2001"), true, P("2002"), &r, &err));
	CHECK(text_is(r, "2001:{2,NULL}"));
	free(r);
	CHECK(krimp_series_slice(a, false, 0, true, P("2001"), &r, &err));
	CHECK(text_is(r, "2000:{1,2}"));
	free(r);
	CHECK(krimp_series_slice(a, true, P("1990"), false, 0, &r, &err));
	CHECK(text_is(r, "2000:{1,2,NULL,4}"));
	free(r);
	CHECK(krimp_series_slice(a, true, P("2005"), false, 0, &r, &err) && r == NULL);
	CHECK(krimp_series_slice(a, true, P("2002"), true, P("2001"), &r, &err) && r == NULL);
	free(a);
}

static void
test_regrain(void)
{
	krimp_series *s = S("2020-02:{2,3,4,5,6,7,NULL,9,10,11,12,13}");	/* 2020-02 .. 2021-01 */
	krimp_series *r;
	krimp_regrain_method m;
	krimp_error err;

	CHECK(krimp_series_regrain(s, KRIMP_GRAN_QUARTER, KRIMP_REGRAIN_SUM, &r, &err));
	CHECK(text_is(r, "2020-Q1:{NULL,15,NULL,33,NULL}"));
	free(r);
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_QUARTER, KRIMP_REGRAIN_MEAN, &r, &err));
	CHECK(text_is(r, "2020-Q1:{NULL,5,NULL,11,NULL}"));
	free(r);
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_QUARTER, KRIMP_REGRAIN_FIRST, &r, &err));
	CHECK(text_is(r, "2020-Q1:{NULL,4,7,10,13}"));
	free(r);
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_QUARTER, KRIMP_REGRAIN_LAST, &r, &err));
	CHECK(text_is(r, "2020-Q1:{3,6,9,12,NULL}"));
	free(r);
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_YEAR, KRIMP_REGRAIN_LAST, &r, &err));
	CHECK(text_is(r, "2020:{12,NULL}"));
	free(r);
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_MONTH, KRIMP_REGRAIN_SUM, &r, &err));
	CHECK(r && krimp_series_equal(r, s));
	free(r);
	free(s);
	s = S("2020-Q1:{1,2,3,4}");
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_HALF, KRIMP_REGRAIN_SUM, &r, &err));
	CHECK(text_is(r, "2020-H1:{3,7}"));
	free(r);
	CHECK(krimp_series_regrain(s, KRIMP_GRAN_YEAR, KRIMP_REGRAIN_MEAN, &r, &err));
	CHECK(text_is(r, "2020:{2.5}"));
	free(r);
	CHECK(!krimp_series_regrain(s, KRIMP_GRAN_MONTH, KRIMP_REGRAIN_SUM, &r, &err) && err.status == KRIMP_ERR_PARAMETER);
	CHECK(!krimp_series_regrain(s, KRIMP_GRAN_SPAN, KRIMP_REGRAIN_SUM, &r, &err) && err.status == KRIMP_ERR_PARAMETER);
	free(s);
	CHECK(krimp_regrain_method_parse("mean", &m, &err) && m == KRIMP_REGRAIN_MEAN);
	CHECK(!krimp_regrain_method_parse("median", &m, &err) && err.status == KRIMP_ERR_PARAMETER);
}

int
main(void)
{
	RUN(test_layout);
	RUN(test_validate_corrupt);
	RUN(test_text_round_trip);
	RUN(test_text_errors);
	RUN(test_from_points);
	RUN(test_measures);
	RUN(test_index_diff);
	RUN(test_arithmetic);
	RUN(test_regrain);
	UNIT_DONE();
}
