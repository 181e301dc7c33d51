/*
 * test_trend.c
 *	  Unit tests of the trend statistics (extension/core/trend.c).
 *
 * The reference values were printed by test/reference/trend_reference.R
 * (R version 4.2.2 Patched (2022-11-10 r83330), base R and jsonlite; its
 * output is kept in test/reference/trend_reference.out): lm() for OLS, brute
 * force medians for Theil-Sen, trend::sens.slope's ranks for Sen's interval,
 * cor.test(method = "kendall") for the p-values (exact = TRUE for untied
 * n <= 40, else the normal approximation with continuity correction) and
 * R's internal pkendall for the exact null distribution.
 */
#include <float.h>
#include <stdlib.h>

#include "unit.h"
#include "trend.h"

/* |a - b| <= tol * |b|, or |a| <= tol when b = 0; both NaN also matches. */
#define CHECK_REL(a, b, tol) \
	do { \
		double _a = (a), _b = (b); \
		bool _ok = (isnan(_a) && isnan(_b)) || \
			(!isnan(_a) && !isnan(_b) && fabs(_a - _b) <= (tol) * (_b == 0.0 ? 1.0 : fabs(_b))); \
		if (!_ok) { \
			fprintf(stderr, "  %s:%d: %s = %.17g, expected %.17g (relative tolerance %g)\n", \
					__FILE__, __LINE__, #a, _a, _b, (double) (tol)); \
			unit_case_failed = 1; \
		} \
	} while (0)

typedef struct expected
{
	int			n;
	/* ols_slope .. mk_p in the order of krimp_trend_stats */
	double		v[12];
	bool		exact;
} expected;

/* Printed by test/reference/trend_reference.R (see the header comment). */
static const expected ref_delfzijl = {19, {-266.33859649122729, 29021.994736842087, 0.98020168025032639, 9.1804948606848118, -271.33333333333331, 29018, -290.08333333333331, -245.09999999999999, -171, 817, -1, 1.6441270493248659e-17}, true};
static const expected ref_ties = {10, {0.93333333333333324, 10, 0.82039573820395728, 0.1543968388225091, 1, 10, 0.40000000000000002, 1.3333333333333333, 31, 120.33333333333333, 0.68888888888888888, 0.006241495264271351}, false};
static const expected ref_constant = {6, {0, 5, NAN, 0, 0, 5, 0, 0, 0, 0, 0, NAN}, false};
static const expected ref_short = {4, {0.8500000000000002, 2.6999999999999993, 0.76092680358083198, 0.33689761055846029, 0.80000000000000004, 2.9500000000000002, NAN, NAN, 4, 8.6666666666666661, 0.66666666666666663, 0.33333333333333326}, true};
static const expected ref_missing = {10, {-1.1160714285714284, 99.749999999999986, 0.9593737208350388, 0.081200108962847031, -1.125, 99.4375, -1.25, -1, -41, 125, -0.91111111111111109, 2.9761904761904762e-05}, true};
/*
 * ref_large's p-value from cor.test is 1 - P(T <= N - 1), which loses ten
 * digits to cancellation: the exact value is 2/12! = 4.17535139757362e-09,
 * which krimp gets; R's agrees to 9e-11, inside the 1e-6 tolerance.
 */
static const expected ref_large = {12, {2.9300699300699282, 1000000000000.5513, 0.99637438173891568, 0.055893042008922297, 2.9142857142857141, 1000000000000.6357, 2.7857142857142856, 3.0714285714285716, 66, 212.66666666666666, 1, 4.1753513979614354e-09}, true};
static const expected ref_long = {45, {0.20335968379446648, 51.009420289855058, 0.0083980148299487162, 0.33698533789816343, 0.21666666666666667, 50.716666666666669, -0.625, 0.99358974358974361, 88, 10450, 0.088888888888888892, 0.39473501330303018}, false};

/* Delfzijl (GM0010), population on 1 January 2002-2022, CBS; 2021 and 2022 missing. */
static const double delfzijl[21] = {
	29018, 28972, 28809, 28446, 27989, 27653, 27314, 26744, 26635, 26567, 26305,
	26025, 25698, 25409, 25068, 24965, 24863, 24716, 24678, NAN, NAN
};

static void
compute(const double *y, int n, krimp_trend_stats *st)
{
	double	   *x = malloc(sizeof(double) * (size_t) (n > 0 ? n : 1));
	krimp_error err;

	for (int i = 0; i < n; i++)
		x[i] = i;
	krimp_error_clear(&err);
	CHECK(krimp_trend_compute(x, y, n, st, &err));
	CHECK(err.status == KRIMP_OK);
	free(x);
}

static void
check_against(const double *y, int len, const expected *e)
{
	krimp_trend_stats st;
	double		v[12];

	compute(y, len, &st);
	v[0] = st.ols_slope;
	v[1] = st.ols_intercept;
	v[2] = st.r_squared;
	v[3] = st.ols_slope_stderr;
	v[4] = st.ts_slope;
	v[5] = st.ts_intercept;
	v[6] = st.ts_ci_low;
	v[7] = st.ts_ci_high;
	v[8] = st.mk_s;
	v[9] = st.mk_var_s;
	v[10] = st.kendall_tau;
	v[11] = st.mk_p;
	CHECK(st.n == e->n);
	for (int i = 0; i < 11; i++)
		CHECK_REL(v[i], e->v[i], 1e-9);
	CHECK_REL(v[11], e->v[11], 1e-6);	/* p-value */
	CHECK(st.mk_exact == e->exact);
}

static void
test_delfzijl(void)
{
	check_against(delfzijl, 21, &ref_delfzijl);
}

static void
test_ties(void)
{
	const double y[] = {10, 12, 12, 11, 15, 15, 15, 14, 18, 20};

	check_against(y, 10, &ref_ties);
}

static void
test_constant(void)
{
	const double y[] = {5, 5, 5, 5, 5, 5};
	krimp_trend_stats st;

	check_against(y, 6, &ref_constant);
	/* exactly, not just nearly */
	compute(y, 6, &st);
	CHECK(st.ols_slope == 0.0 && st.ols_intercept == 5.0 && st.ols_slope_stderr == 0.0);
	CHECK(isnan(st.r_squared) && isnan(st.mk_p) && !st.mk_exact);
}

static void
test_short(void)
{
	const double y[] = {3.1, 2.7, 4.9, 5.2};

	check_against(y, 4, &ref_short);
}

static void
test_missing(void)
{
	const double y[] = {100, 98, 97, NAN, 95, 96, 93, NAN, 90, 91, 88, 87};

	check_against(y, 12, &ref_missing);
}

static void
test_large(void)
{
	const double d[] = {0.5, 3, 7.5, 9, 11.5, 16, 18.5, 20, 24.5, 27, 29.5, 33};
	double		y[12];
	krimp_trend_stats st;

	for (int i = 0; i < 12; i++)
		y[i] = 1e12 + d[i];
	check_against(y, 12, &ref_large);
	/* the intercepts to within a few units in the last place of 1e12 */
	compute(y, 12, &st);
	CHECK(fabs(st.ols_intercept - ref_large.v[1]) <= 1e-3);
	CHECK(fabs(st.ts_intercept - ref_large.v[5]) <= 1e-3);
}

static void
test_long(void)
{
	double		y[45];

	for (int i = 1; i <= 45; i++)
		y[i - 1] = (double) ((i * 37) % 101) + 0.25 * i;
	check_against(y, 45, &ref_long);
}

/* n < 3: no test; n < 2: nothing but n */
static void
test_short_edges(void)
{
	const double y2[] = {4, 6};
	const double y1[] = {NAN, 7, NAN};
	krimp_trend_stats st;

	compute(y2, 2, &st);
	CHECK(st.n == 2);
	CHECK(st.ols_slope == 2.0 && st.ols_intercept == 4.0 && st.r_squared == 1.0);
	CHECK(st.ts_slope == 2.0 && st.ts_intercept == 4.0);
	CHECK(isnan(st.ols_slope_stderr) && isnan(st.ts_ci_low) && isnan(st.ts_ci_high));
	CHECK(isnan(st.mk_s) && isnan(st.mk_var_s) && isnan(st.kendall_tau) && isnan(st.mk_p));
	CHECK(!st.mk_exact);

	compute(y1, 3, &st);
	CHECK(st.n == 1);
	CHECK(isnan(st.ols_slope) && isnan(st.ts_slope) && isnan(st.r_squared) && isnan(st.mk_p));

	compute(y1, 0, &st);
	CHECK(st.n == 0 && isnan(st.ols_slope));

	/* n = 3: test defined, interval not (its ranks fall outside 1..3) */
	{
		const double y3[] = {1, 3, 2};

		compute(y3, 3, &st);
		CHECK(st.n == 3 && st.mk_s == 1.0 && st.mk_exact);
		CHECK_REL(st.mk_p, 1.0, 1e-12);
		CHECK(isnan(st.ts_ci_low));
	}
}

static void
test_bad_input(void)
{
	const double x[] = {0, 1, 1, 3};
	const double y[] = {1, 2, 3, 4};
	const double yinf[] = {1, INFINITY, 3, 4};
	const double x2[] = {0, 1, 2, 3};
	krimp_trend_stats st;
	krimp_error err;

	CHECK(!krimp_trend_compute(x, y, 4, &st, &err));
	CHECK(err.status == KRIMP_ERR_PARAMETER);
	CHECK(!krimp_trend_compute(x2, yinf, 4, &st, &err));
	CHECK(err.status == KRIMP_ERR_NOT_FINITE);
	/* overflow in the pairwise slopes */
	{
		const double yb[] = {-DBL_MAX, DBL_MAX, 0, 1};

		CHECK(!krimp_trend_compute(x2, yb, 4, &st, &err));
		CHECK(err.status == KRIMP_ERR_RANGE);
	}
	/* a missing value may sit on a repeated x: it is skipped */
	{
		const double ym[] = {1, NAN, 3, 4};

		CHECK(krimp_trend_compute(x, ym, 4, &st, &err));
		CHECK(st.n == 3);
	}
}

/* The longest series allowed works; one more value is refused before any big allocation. */
static void
test_limits(void)
{
	int			n = KRIMP_TREND_MAX_N + 1;
	double	   *x = malloc(sizeof(double) * (size_t) n);
	double	   *y = malloc(sizeof(double) * (size_t) n);
	krimp_trend_stats st;
	krimp_error err;

	for (int i = 0; i < n; i++)
	{
		x[i] = i;
		/* a trend of 0.5 with a deterministic wiggle, some ties */
		y[i] = 0.5 * i + (double) ((i * 7919) % 13);
	}
	CHECK(!krimp_trend_compute(x, y, n, &st, &err));
	CHECK(err.status == KRIMP_ERR_PARAMETER);
	CHECK(strstr(err.message, "too long") != NULL);

	/* the same without the last value: fine, and the estimates are sane */
	CHECK(krimp_trend_compute(x, y, n - 1, &st, &err));
	CHECK(st.n == KRIMP_TREND_MAX_N);
	CHECK_NEAR(st.ols_slope, 0.5, 1e-3);
	CHECK_NEAR(st.ts_slope, 0.5, 1e-2);
	CHECK(st.ts_ci_low <= st.ts_slope && st.ts_slope <= st.ts_ci_high);
	CHECK(!st.mk_exact && st.mk_p < 1e-10);

	/* missing values do not count toward the limit */
	y[0] = NAN;
	CHECK(krimp_trend_compute(x, y, n, &st, &err));
	CHECK(st.n == KRIMP_TREND_MAX_N);
	free(x);
	free(y);
}

/* The exact null distribution against R's pkendall. */
static void
test_exact_table(void)
{
	CHECK_REL(krimp_mann_kendall_upper_tail(12, 30), 0.022368449291192305, 1e-9);
	CHECK_REL(krimp_mann_kendall_upper_tail(4, 6), 0.04166666666666663, 1e-9);
	CHECK_REL(krimp_mann_kendall_upper_tail(10, 21), 0.036275077160493829, 1e-9);
	CHECK_REL(krimp_mann_kendall_upper_tail(3, 1), 0.5, 1e-9);
	CHECK_REL(krimp_mann_kendall_upper_tail(40, 200), 0.0098614132647248942, 1e-9);
	CHECK_REL(krimp_mann_kendall_upper_tail(40, 2), 0.49538337062750359, 1e-9);
	CHECK_REL(krimp_mann_kendall_upper_tail(20, 100), 0.00042041503815293257, 1e-9);
	/* the extreme: one permutation in n! */
	CHECK_REL(krimp_mann_kendall_upper_tail(19, 171), 1.0 / 121645100408832000.0, 1e-12);
	CHECK(krimp_mann_kendall_upper_tail(12, 67) == 0.0);
	CHECK(krimp_mann_kendall_upper_tail(12, -66) == 1.0);
	/* symmetry: P(S >= s) + P(S >= 1 - s) = 1 */
	for (int s = -10; s <= 10; s++)
		CHECK_NEAR(krimp_mann_kendall_upper_tail(9, s) + krimp_mann_kendall_upper_tail(9, 1 - s), 1.0, 1e-14);
	CHECK(isnan(krimp_mann_kendall_upper_tail(41, 10)));
	CHECK(isnan(krimp_mann_kendall_upper_tail(0, 0)));
}

/* Exhaustive: all permutations of 1..n for n <= 8 against the table. */
static int	perm[8];
static long counts[8][64];

static void
permute(int k, int n)
{
	if (k == n)
	{
		int			s = 0;

		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
				s += (perm[j] > perm[i]) - (perm[j] < perm[i]);
		counts[n - 1][s + 28]++;
		return;
	}
	for (int i = k; i < n; i++)
	{
		int			t = perm[k];

		perm[k] = perm[i];
		perm[i] = t;
		permute(k + 1, n);
		perm[i] = perm[k];
		perm[k] = t;
	}
}

static void
test_exact_enumeration(void)
{
	for (int n = 2; n <= 8; n++)
	{
		long		total = 1,
					tail = 0;

		for (int i = 0; i < n; i++)
			perm[i] = i;
		permute(0, n);
		for (int i = 2; i <= n; i++)
			total *= i;
		for (int s = 28; s >= -28; s--)
		{
			tail += counts[n - 1][s + 28];
			CHECK_NEAR(krimp_mann_kendall_upper_tail(n, s), (double) tail / (double) total, 1e-14);
		}
	}
}

/* Exact up to n = 40 without ties; the normal approximation beyond or with ties. */
static void
test_exact_boundary(void)
{
	double		y[41];
	krimp_trend_stats st;

	for (int i = 0; i < 41; i++)
		y[i] = (double) ((i * 17) % 41);
	compute(y, 40, &st);
	CHECK(st.mk_exact);
	CHECK(st.mk_p >= 0.0 && st.mk_p <= 1.0);
	compute(y, 41, &st);
	CHECK(!st.mk_exact);
	y[1] = y[0];
	compute(y, 40, &st);
	CHECK(!st.mk_exact);
}

static const char *
period_text(krimp_period p)
{
	static char buf[KRIMP_PERIOD_BUFLEN];

	krimp_period_format(p, buf);
	return buf;
}

static void
test_of_series(void)
{
	krimp_error err;
	krimp_period start;
	krimp_series *s;
	krimp_trend *t,
			   *back;
	char	   *text;

	CHECK(krimp_period_parse("2002", &start, &err));
	s = krimp_series_new(start, 21, &err);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	/* leading missing values move the origin to the first observed period */
	for (int i = 0; i < 21; i++)
		s->values[i] = delfzijl[i];
	CHECK(krimp_trend_of_series(s, &t, &err));
	CHECK(t != NULL);
	if (t == NULL)
		return;
	CHECK(t->n == 19);
	CHECK_STR(period_text(t->first), "2002");
	CHECK_REL(t->ols_slope, ref_delfzijl.v[0], 1e-9);
	CHECK_REL(t->mk_p, ref_delfzijl.v[11], 1e-6);
	CHECK(t->flags == KRIMP_TREND_FLAG_EXACT);
	CHECK(krimp_trend_validate(t, KRIMP_TREND_SIZE, &err));

	text = krimp_trend_format(t);
	CHECK_STR(text, "n=19 first=2002 last=2020 ols_slope=-266.3385964912281 ols_intercept=29021.994736842105 "
			  "r_squared=0.9802016802503264 ols_slope_stderr=9.180494860684814 "
			  "theil_sen_slope=-271.3333333333333 theil_sen_intercept=29018 "
			  "theil_sen_ci_low=-290.0833333333333 theil_sen_ci_high=-245.1 "
			  "mann_kendall_s=-171 mann_kendall_var_s=817 kendall_tau=-1 "
			  "mann_kendall_p=1.6441270493248662e-17 mann_kendall_exact=true");
	back = krimp_trend_parse(text, &err);
	CHECK(back != NULL);
	if (back != NULL)
	{
		back->vl_len_ = t->vl_len_;
		CHECK(memcmp(back, t, KRIMP_TREND_SIZE) == 0);
		krimp_free(back);
	}
	krimp_free(text);
	krimp_free(t);

	/* a shifted origin: the first two values missing */
	s->values[0] = s->values[1] = NAN;
	CHECK(krimp_trend_of_series(s, &t, &err));
	if (t != NULL)
	{
		krimp_trend_stats st;

		/* the same as the values from 2004 on with x counted from 2004 */
		compute(delfzijl + 2, 19, &st);
		CHECK(t->n == 17 && st.n == 17);
		CHECK_STR(period_text(t->first), "2004");
		CHECK_STR(period_text(t->last), "2020");
		CHECK(t->ols_intercept == st.ols_intercept && t->ts_intercept == st.ts_intercept);
		CHECK(t->mk_p == st.mk_p && t->ts_ci_high == st.ts_ci_high);
		krimp_free(t);
	}

	/* nothing observed: no trend */
	for (int i = 0; i < 21; i++)
		s->values[i] = NAN;
	CHECK(krimp_trend_of_series(s, &t, &err));
	CHECK(t == NULL);
	krimp_free(s);
}

/* Text round trips for every reference case, plus refusals. */
static void
test_text(void)
{
	const double *cases[] = {delfzijl};
	const double yc[] = {5, 5, 5, 5, 5, 5};
	const double y2[] = {4, 6};
	const double yl[] = {1e12 + 0.5, 1e12 + 3, 1e12 + 7.5, 1e12 + 9};
	const double *all[] = {cases[0], yc, y2, yl};
	const int	lens[] = {21, 6, 2, 4};
	krimp_error err;
	krimp_period first;

	CHECK(krimp_period_parse("2002", &first, &err));
	for (int c = 0; c < 4; c++)
	{
		krimp_trend_stats st;
		krimp_trend t,
				   *back;
		char	   *text;

		compute(all[c], lens[c], &st);
		memset(&t, 0, sizeof(t));
		krimp_trend_fill(&t, first, first, &st);	/* last set below */
		{
			krimp_period last;

			CHECK(krimp_period_add(first, lens[c] - 1, &last, &err));
			t.last = last;
		}
		CHECK(krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
		text = krimp_trend_format(&t);
		back = krimp_trend_parse(text, &err);
		CHECK(back != NULL);
		if (back != NULL)
		{
			CHECK(memcmp(back, &t, KRIMP_TREND_SIZE) == 0);
			krimp_free(back);
		}
		krimp_free(text);
	}

	/* refusals */
	{
		const char *bad[] = {
			"",
			"n=2",
			"n=0 first=2002 last=2002 ols_slope=null ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false",
			/* keys out of order */
			"n=1 last=2002 first=2002 ols_slope=null ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false",
			/* a slope for one value */
			"n=1 first=2002 last=2002 ols_slope=1 ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false",
			/* tau inconsistent with S */
			"n=3 first=2002 last=2004 ols_slope=1 ols_intercept=0 r_squared=1 ols_slope_stderr=0 theil_sen_slope=1 theil_sen_intercept=0 theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=3 mann_kendall_var_s=3.6666666666666665 kendall_tau=0.5 mann_kendall_p=0.33333333333333331 mann_kendall_exact=true",
			/* infinity */
			"n=2 first=2002 last=2003 ols_slope=inf ols_intercept=0 r_squared=1 ols_slope_stderr=null theil_sen_slope=1 theil_sen_intercept=0 theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false",
			/* trailing text */
			"n=1 first=2002 last=2002 ols_slope=null ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false x",
			/* last before first */
			"n=1 first=2003 last=2002 ols_slope=null ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		{
			krimp_trend *t = krimp_trend_parse(bad[i], &err);

			if (t != NULL)
				fprintf(stderr, "  accepted: %s\n", bad[i]);
			CHECK(t == NULL);
			CHECK(err.status == KRIMP_ERR_SYNTAX);
		}
		/* the smallest valid value */
		{
			krimp_trend *t = krimp_trend_parse("  n=1 first=2002 last=2002 ols_slope=null ols_intercept=null r_squared=null ols_slope_stderr=null theil_sen_slope=null theil_sen_intercept=null theil_sen_ci_low=null theil_sen_ci_high=null mann_kendall_s=null mann_kendall_var_s=null kendall_tau=null mann_kendall_p=null mann_kendall_exact=false ", &err);

			CHECK(t != NULL);
			krimp_free(t);
		}
	}
}

/* Binary validation: corrupt one thing at a time. */
static void
test_validate(void)
{
	krimp_trend_stats st;
	krimp_trend good,
				t;
	krimp_error err;
	krimp_period first,
				last;

	compute(delfzijl, 21, &st);
	CHECK(krimp_period_parse("2002", &first, &err));
	CHECK(krimp_period_parse("2020", &last, &err));
	memset(&good, 0, sizeof(good));
	krimp_trend_fill(&good, first, last, &st);
	CHECK(krimp_trend_validate(&good, KRIMP_TREND_SIZE, &err));
	CHECK(!krimp_trend_validate(&good, KRIMP_TREND_SIZE - 8, &err));
	CHECK(err.status == KRIMP_ERR_BINARY);

	t = good;
	t.version = 2;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.flags |= 0x80;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.n = 20;					/* 19 years cannot hold 20 values */
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.r_squared = 1.5;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.mk_p = NAN;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.ts_ci_low = -200;			/* above the slope */
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.mk_s = -171.5;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.ols_intercept = INFINITY;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
	t = good;
	t.last = first;
	CHECK(!krimp_trend_validate(&t, KRIMP_TREND_SIZE, &err));
}

int
main(void)
{
	RUN(test_delfzijl);
	RUN(test_ties);
	RUN(test_constant);
	RUN(test_short);
	RUN(test_missing);
	RUN(test_large);
	RUN(test_long);
	RUN(test_short_edges);
	RUN(test_bad_input);
	RUN(test_limits);
	RUN(test_exact_table);
	RUN(test_exact_enumeration);
	RUN(test_exact_boundary);
	RUN(test_of_series);
	RUN(test_text);
	RUN(test_validate);
	UNIT_DONE();
}
