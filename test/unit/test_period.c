/*
 * test_period.c
 *	  Unit tests of core/period.c: parsing every accepted form, refusing bad
 *	  input, the encoding's order, arithmetic, calendar days and rounds.
 */
#include "period.h"
#include "unit.h"

#include <stdlib.h>

static krimp_period
P(const char *text)
{
	krimp_period p;
	krimp_error err;

	if (!krimp_period_parse(text, &p, &err))
	{
		fprintf(stderr, "  cannot parse \"%s\": %s\n", text, err.message);
		abort();
	}
	return p;
}

static const char *
fmt(krimp_period p)
{
	static char buf[4][KRIMP_PERIOD_BUFLEN];
	static int	i;

	i = (i + 1) % 4;
	krimp_period_format(p, buf[i]);
	return buf[i];
}

static void
test_parse_forms(void)
{
	static const char *cases[][2] = {
		{"2013", "2013"}, {"2013JJ00", "2013"}, {" 2013jj00\t", "2013"},
		{"2013-H2", "2013-H2"}, {"2013H1", "2013-H1"}, {"2013HJ02", "2013-H2"},
		{"2013-Q3", "2013-Q3"}, {"2013Q3", "2013-Q3"}, {"2013KW03", "2013-Q3"},
		{"2013-07", "2013-07"}, {"2013MM07", "2013-07"}, {"2005/2008", "2005/2008"},
		{"1000", "1000"}, {"9999-12", "9999-12"}, {"9900/9999", "9900/9999"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(fmt(P(cases[i][0])), cases[i][1]);
}

static void
test_parse_errors(void)
{
	static const char *bad[] = {
		"2013KW05", "2013-13", "13", "2013/2011", "", "2013JJ0", "2013JJ01", "2013MM00",
		"2013/2013", "0999", "2013-Q0", "2013-H3", "2013XX01", "2013-Q", "2013-", "abcd",
		"2013-7", "20131", "2013 Q3", "1900/2001", "2013MM1a", "+2013", "2013-07-01",
		"999999999999999999999"
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		krimp_period p;
		krimp_error err;
		bool		ok = krimp_period_parse(bad[i], &p, &err);

		CHECK(!ok);
		if (ok)
			fprintf(stderr, "  \"%s\" was accepted as %s\n", bad[i], fmt(p));
		else
		{
			CHECK(err.status == KRIMP_ERR_SYNTAX);
			CHECK(strstr(err.message, "invalid input syntax for type period") != NULL);
			CHECK(strstr(err.detail, "Accepted forms") != NULL);
		}
	}
}

/* Every valid encoding formats to text that parses back to it. */
static void
test_round_trip_all(void)
{
	int			checked = 0;

	for (int year = 1000; year <= 9999; year += 7)
	{
		krimp_period ps[22];
		int			n = 0;
		krimp_error err;

		for (int m = 1; m <= 12; m++)
			krimp_period_make(KRIMP_GRAN_MONTH, year, m, 0, &ps[n++], &err);
		for (int q = 1; q <= 4; q++)
			krimp_period_make(KRIMP_GRAN_QUARTER, year, q, 0, &ps[n++], &err);
		for (int h = 1; h <= 2; h++)
			krimp_period_make(KRIMP_GRAN_HALF, year, h, 0, &ps[n++], &err);
		krimp_period_make(KRIMP_GRAN_YEAR, year, 0, 0, &ps[n++], &err);
		if (year + 3 <= 9999)
			krimp_period_make(KRIMP_GRAN_SPAN, year, 0, year + 3, &ps[n++], &err);
		for (int i = 0; i < n; i++)
		{
			char		buf[KRIMP_PERIOD_BUFLEN];
			krimp_period back;

			CHECK(krimp_period_is_valid(ps[i]));
			krimp_period_format(ps[i], buf);
			CHECK(krimp_period_parse(buf, &back, &err) && back == ps[i]);
			if (krimp_period_cbs_code(ps[i], buf))
				CHECK(krimp_period_parse(buf, &back, &err) && back == ps[i]);
			checked++;
		}
	}
	CHECK(checked > 20000);
}

static void
test_validity(void)
{
	CHECK(!krimp_period_is_valid(-1));
	CHECK(!krimp_period_is_valid(0));
	CHECK(!krimp_period_is_valid(5));
	/* a quarter that does not start on a quarter's first month */
	CHECK(!krimp_period_is_valid(((2013 * 12 + 1) << 14) | 2));
	/* 2013 as a 13-month period */
	CHECK(!krimp_period_is_valid(((2013 * 12) << 14) | 12));
	CHECK(krimp_period_is_valid(((2013 * 12) << 14) | 11));
	/* a span that runs past 9999 */
	CHECK(!krimp_period_is_valid(((9999 * 12) << 14) | 23));
}

static void
test_order(void)
{
	const char *sorted[] = {"2012/2013", "2013-01", "2013-Q1", "2013-H1", "2013", "2013/2016",
	"2013-07", "2013-Q3", "2013-H2", "2014"};

	for (size_t i = 1; i < sizeof(sorted) / sizeof(sorted[0]); i++)
		CHECK(krimp_period_cmp(P(sorted[i - 1]), P(sorted[i])) < 0);
	CHECK(krimp_period_cmp(P("2013KW03"), P("2013-Q3")) == 0);
}

static void
test_arithmetic(void)
{
	krimp_period out;
	int32_t		steps;
	krimp_error err;

	CHECK(krimp_period_add(P("2013-Q4"), 1, &out, &err) && strcmp(fmt(out), "2014-Q1") == 0);
	CHECK(krimp_period_add(P("2013-12"), 1, &out, &err) && strcmp(fmt(out), "2014-01") == 0);
	CHECK(krimp_period_add(P("2013-01"), -13, &out, &err) && strcmp(fmt(out), "2011-12") == 0);
	CHECK(krimp_period_add(P("2013-H2"), 3, &out, &err) && strcmp(fmt(out), "2015-H1") == 0);
	CHECK(krimp_period_add(P("2005/2008"), 1, &out, &err) && strcmp(fmt(out), "2009/2012") == 0);
	CHECK(!krimp_period_add(P("9999"), 1, &out, &err) && err.status == KRIMP_ERR_RANGE);
	CHECK(!krimp_period_add(P("2013"), INT64_MAX, &out, &err) && err.status == KRIMP_ERR_RANGE);
	CHECK(!krimp_period_add(P("2013"), INT64_MIN, &out, &err) && err.status == KRIMP_ERR_RANGE);
	CHECK(krimp_period_diff(P("2022"), P("2002"), &steps, &err) && steps == 20);
	CHECK(krimp_period_diff(P("2013-01"), P("2013-12"), &steps, &err) && steps == -11);
	CHECK(krimp_period_diff(P("2014-Q1"), P("2013-Q3"), &steps, &err) && steps == 2);
	CHECK(!krimp_period_diff(P("2013"), P("2013-Q3"), &steps, &err) && err.status == KRIMP_ERR_MISMATCH);
	CHECK(!krimp_period_diff(P("2006/2009"), P("2005/2008"), &steps, &err));
	CHECK(!krimp_period_diff(P("2005/2006"), P("2005/2008"), &steps, &err));
}

static void
test_calendar(void)
{
	int			y,
				m,
				d;

	krimp_period_last_day(P("2012-02"), &y, &m, &d);
	CHECK(y == 2012 && m == 2 && d == 29);
	krimp_period_last_day(P("1900-02"), &y, &m, &d);
	CHECK(d == 28);
	krimp_period_last_day(P("2000-02"), &y, &m, &d);
	CHECK(d == 29);
	krimp_period_last_day(P("2005/2008"), &y, &m, &d);
	CHECK(y == 2008 && m == 12 && d == 31);
	krimp_period_first_day(P("2013-Q3"), &y, &m, &d);
	CHECK(y == 2013 && m == 7 && d == 1);
	krimp_period_last_day(P("2013-H1"), &y, &m, &d);
	CHECK(m == 6 && d == 30);
}

static void
test_containment_and_rounds(void)
{
	CHECK(krimp_period_contains(P("2013"), P("2013-Q3")));
	CHECK(krimp_period_contains(P("2013-Q3"), P("2013-09")));
	CHECK(!krimp_period_contains(P("2013-Q3"), P("2013-10")));
	CHECK(!krimp_period_contains(P("2013-Q3"), P("2013")));
	CHECK(krimp_period_contains(P("2005/2008"), P("2008-12")));
	CHECK(krimp_period_overlaps(P("2012/2013"), P("2013-Q1")));
	CHECK(!krimp_period_overlaps(P("2012"), P("2013")));
	CHECK(krimp_period_round(P("2015"), 2015) == 2015);
	CHECK(krimp_period_round(P("2019-12"), 2015) == 2015);
	CHECK(krimp_period_round(P("2020"), 2015) == 2020);
	CHECK(krimp_period_round(P("2014"), 2015) == 2010);
	CHECK(krimp_period_round(P("2010"), 2015) == 2010);
	CHECK(krimp_period_round(P("2009"), 2015) == 2005);
	CHECK(krimp_period_round(P("2030"), 2015) == 2030);
}

/* every period p of 1900..2040 in a relation to q lies in the stretch the index scans */
static int
index_range_misses(krimp_period_relation rel, krimp_period q)
{
	static const krimp_granularity grans[] = {KRIMP_GRAN_MONTH, KRIMP_GRAN_QUARTER, KRIMP_GRAN_HALF, KRIMP_GRAN_YEAR};
	bool		has_lo,
				has_hi;
	krimp_period lo,
				hi,
				p;
	krimp_error err;
	int			misses = 0;

	krimp_period_index_range(rel, q, &has_lo, &lo, &has_hi, &hi);
	CHECK(!has_lo || (krimp_period_is_valid(lo) && krimp_period_months(lo) == 1));
	CHECK(!has_hi || (krimp_period_is_valid(hi) && krimp_period_months(hi) == 1));
	for (int year = 1900; year <= 2040; year++)
	{
		for (int g = 0; g < 4; g++)
			for (int sub = 1; sub <= krimp_granularity_per_year(grans[g]); sub++)
			{
				bool		in;

				CHECK(krimp_period_make(grans[g], year, sub, 0, &p, &err));
				in = rel == KRIMP_PERIOD_WITHIN ? krimp_period_contains(q, p)
					: rel == KRIMP_PERIOD_COVERS ? krimp_period_contains(p, q)
					: krimp_period_overlaps(p, q);
				if (in && ((has_lo && p < lo) || (has_hi && p >= hi)))
					misses++;
			}
		for (int end = year + 1; end < year + KRIMP_SPAN_MAX_YEARS && end <= 2040; end++)
		{
			bool		in;

			CHECK(krimp_period_make(KRIMP_GRAN_SPAN, year, 0, end, &p, &err));
			in = rel == KRIMP_PERIOD_WITHIN ? krimp_period_contains(q, p)
				: rel == KRIMP_PERIOD_COVERS ? krimp_period_contains(p, q)
				: krimp_period_overlaps(p, q);
			if (in && ((has_lo && p < lo) || (has_hi && p >= hi)))
				misses++;
		}
	}
	return misses;
}

static void
test_index_range(void)
{
	const char *qs[] = {"2013", "2013-Q3", "2013-07", "2005/2008", "1950/2040", "2013-H2"};
	bool		has_lo,
				has_hi;
	krimp_period lo,
				hi;

	for (int i = 0; i < 6; i++)
	{
		CHECK(index_range_misses(KRIMP_PERIOD_WITHIN, P(qs[i])) == 0);
		CHECK(index_range_misses(KRIMP_PERIOD_COVERS, P(qs[i])) == 0);
		CHECK(index_range_misses(KRIMP_PERIOD_OVERLAPS, P(qs[i])) == 0);
	}
	/* within 2013: the first months of 2013, from 2013-01 up to 2014-01 */
	krimp_period_index_range(KRIMP_PERIOD_WITHIN, P("2013"), &has_lo, &lo, &has_hi, &hi);
	CHECK(has_lo && lo == P("2013-01") && has_hi && hi == P("2014-01"));
	/* covers 2013-Q3: first months up to and including 2013-07, spans reaching back 100 years */
	krimp_period_index_range(KRIMP_PERIOD_COVERS, P("2013-Q3"), &has_lo, &lo, &has_hi, &hi);
	CHECK(has_lo && lo == P("1913-10") && has_hi && hi == P("2013-08"));
	/* at the ends of the calendar the stretch is open */
	krimp_period_index_range(KRIMP_PERIOD_OVERLAPS, P("1000"), &has_lo, &lo, &has_hi, &hi);
	CHECK(!has_lo && has_hi && hi == P("1001-01"));
	krimp_period_index_range(KRIMP_PERIOD_WITHIN, P("9999-Q4"), &has_lo, &lo, &has_hi, &hi);
	CHECK(has_lo && lo == P("9999-10") && !has_hi);
}

static void
test_granularity_names(void)
{
	krimp_granularity g;
	krimp_error err;

	CHECK(krimp_granularity_parse("quarter", &g, &err) && g == KRIMP_GRAN_QUARTER);
	CHECK(krimp_granularity_parse("half-year", &g, &err) && g == KRIMP_GRAN_HALF);
	CHECK(!krimp_granularity_parse("week", &g, &err) && err.status == KRIMP_ERR_PARAMETER);
	CHECK(krimp_granularity_per_year(KRIMP_GRAN_MONTH) == 12);
	CHECK(krimp_granularity_per_year(KRIMP_GRAN_SPAN) == 0);
	CHECK_STR(krimp_granularity_name(krimp_period_granularity(P("2005/2008"))), "span");
}

int
main(void)
{
	RUN(test_parse_forms);
	RUN(test_parse_errors);
	RUN(test_round_trip_all);
	RUN(test_validity);
	RUN(test_order);
	RUN(test_arithmetic);
	RUN(test_calendar);
	RUN(test_containment_and_rounds);
	RUN(test_index_range);
	RUN(test_granularity_names);
	UNIT_DONE();
}
