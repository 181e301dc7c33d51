/*
 * trend.c
 *	  Trend statistics (OLS, Theil-Sen with Sen's interval, Mann-Kendall with
 *	  an exact p-value for short untied series) and the krimp_trend summary:
 *	  its validation and text form.  See trend.h and docs/trend.md.
 */
#include "trend.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* qnorm(0.975), as R prints it with 16 significant digits */
#define Z_975 1.959963984540054

/* Largest K = floor(N/2) the exact distribution needs, plus one. */
/* the layout in trend.h */
typedef char trend_size_check[(sizeof(krimp_trend) == KRIMP_TREND_SIZE) ? 1 : -1];

#define EXACT_TABLE_LEN \
	((KRIMP_TREND_EXACT_MAX_N * (KRIMP_TREND_EXACT_MAX_N - 1) / 2) / 2 + 1)

/* The value of an undefined statistic: the canonical NaN. */
static double
undefined(void)
{
	return krimp_missing();
}

/* Mean by two passes (the second corrects the rounding of the first). */
static double
mean(const double *a, int32_t n)
{
	double		sum = 0.0,
				m,
				corr = 0.0;

	for (int32_t i = 0; i < n; i++)
		sum += a[i];
	m = sum / n;
	for (int32_t i = 0; i < n; i++)
		corr += a[i] - m;
	return m + corr / n;
}

double
krimp_mann_kendall_upper_tail(int n, int64_t s)
{
	double		f[EXACT_TABLE_LEN],
				g[EXACT_TABLE_LEN],
				total = 0.0;
	int64_t		pairs,
				kmax;

	if (n < 1 || n > KRIMP_TREND_EXACT_MAX_N)
		return undefined();
	pairs = (int64_t) n * (n - 1) / 2;
	if (s > pairs)
		return 0.0;
	if (s <= 0)
	{
		/* P(S >= s) = 1 - P(S <= s - 1) = 1 - P(S >= 1 - s) by symmetry */
		return 1.0 - krimp_mann_kendall_upper_tail(n, 1 - s);
	}

	/*
	 * S = pairs - 2 * I with I the number of inversions of a uniformly random
	 * permutation, so P(S >= s) = P(I <= (pairs - s) / 2).  The law of I for
	 * m values is that for m - 1 values plus an independent uniform 0..m-1
	 * (Mahonian numbers divided by m!).  Only k <= kmax < pairs / 2 is
	 * needed, and every term is a sum of positive numbers: no cancellation.
	 */
	kmax = (pairs - s) / 2;
	for (int64_t k = 0; k <= kmax; k++)
		f[k] = 0.0;
	f[0] = 1.0;
	for (int m = 2; m <= n; m++)
	{
		for (int64_t k = 0; k <= kmax; k++)
		{
			double		sum = 0.0;

			for (int64_t j = 0; j < m && j <= k; j++)
				sum += f[k - j];
			g[k] = sum / m;
		}
		memcpy(f, g, sizeof(double) * (size_t) (kmax + 1));
	}
	for (int64_t k = 0; k <= kmax; k++)
		total += f[k];
	return total;
}

/* Record an overflow; returns false. */
static bool
too_large(krimp_error *err)
{
	krimp_fail(err, KRIMP_ERR_RANGE, "values too large for trend statistics");
	krimp_fail_detail(err, "An intermediate result of the trend statistics overflowed.");
	return false;
}

/* OLS on the observed points (m >= 2), centred for stability. */
static bool
compute_ols(const double *xs, const double *ys, int32_t m, krimp_trend_stats *out, krimp_error *err)
{
	double		xm,
				ym,
				sxx = 0.0,
				sxy = 0.0,
				rss = 0.0,
				rmean = 0.0,
				mss,
				b;
	bool		constant = true;

	for (int32_t i = 1; i < m; i++)
		if (ys[i] != ys[0])
			constant = false;
	if (constant)
	{
		/* exactly: no rounding in the mean may invent a slope */
		out->ols_slope = 0.0;
		out->ols_intercept = ys[0];
		out->r_squared = undefined();	/* 0/0: nothing to explain */
		if (m >= 3)
			out->ols_slope_stderr = 0.0;
		return true;
	}

	xm = mean(xs, m);
	ym = mean(ys, m);
	for (int32_t i = 0; i < m; i++)
	{
		double		dx = xs[i] - xm,
					dy = ys[i] - ym;

		sxx += dx * dx;
		sxy += dx * dy;
	}
	b = sxy / sxx;				/* sxx > 0: x increases strictly */

	/*
	 * The residuals sum to 0 in exact arithmetic; their computed mean is the
	 * rounding error of ym (up to half an ulp of values like 1e12), which
	 * would otherwise add m * mean^2 to the residual sum of squares.
	 */
	for (int32_t i = 0; i < m; i++)
		rmean += (ys[i] - ym) - b * (xs[i] - xm);
	rmean /= m;
	for (int32_t i = 0; i < m; i++)
	{
		double		r = (ys[i] - ym) - b * (xs[i] - xm) - rmean;

		rss += r * r;
	}
	mss = b * b * sxx;
	out->ols_slope = b;
	out->ols_intercept = ym - b * xm;
	/* R's summary.lm: mss / (mss + rss); 0/0 for a constant series */
	out->r_squared = (mss + rss > 0.0) ? mss / (mss + rss) : undefined();
	if (m >= 3)
		out->ols_slope_stderr = sqrt(rss / (m - 2) / sxx);
	if (!isfinite(b) || !isfinite(out->ols_intercept) || !isfinite(mss) || !isfinite(rss))
		return too_large(err);
	return true;
}

/*
 * The Mann-Kendall test (S, its variance with the tie correction, tau, the
 * exact or normal p-value) and Sen's interval, for m >= 3 observed values ys
 * with S = s and the pairs slopes (rearranged); scratch holds m values.
 */
static void
mann_kendall_and_interval(const double *ys, int32_t m, int64_t s, int64_t pairs, double *scratch,
						  double *slopes, krimp_trend_stats *out)
{
	double		tie_term = 0.0,
				var_s,
				c,
				rank_lo,
				rank_up;
	int32_t		run = 1;

	/* Var(S) with the tie correction: sum over groups of t equal values */
	memcpy(scratch, ys, sizeof(double) * (size_t) m);
	qsort(scratch, (size_t) m, sizeof(double), krimp_cmp_double);
	for (int32_t i = 1; i <= m; i++)
	{
		if (i < m && scratch[i] == scratch[i - 1])
			run++;
		else
		{
			tie_term += (double) run * (run - 1) * (2.0 * run + 5);
			run = 1;
		}
	}
	var_s = ((double) m * (m - 1) * (2.0 * m + 5) - tie_term) / 18.0;

	out->mk_s = (double) s;
	out->mk_var_s = var_s;
	out->kendall_tau = (double) s / (double) pairs;
	if (tie_term == 0.0 && m <= KRIMP_TREND_EXACT_MAX_N)
	{
		double		p = 2.0 * krimp_mann_kendall_upper_tail(m, s < 0 ? -s : s);

		out->mk_p = p < 1.0 ? p : 1.0;
		out->mk_exact = true;
	}
	else if (var_s > 0.0)
	{
		double		z = ((double) s - (double) ((s > 0) - (s < 0))) / sqrt(var_s);
		double		p = erfc(fabs(z) / sqrt(2.0));

		out->mk_p = p < 1.0 ? p : 1.0;
	}

	/*
	 * Sen's interval, ranks as in R's trend::sens.slope (Gilbert 1987):
	 * lower = round((N - C) / 2), upper = round((N + C) / 2 + 1), 1-based
	 * in the sorted slopes, round half to even like R's round().
	 */
	c = Z_975 * sqrt(var_s);
	rank_lo = rint(((double) pairs - c) / 2.0);
	rank_up = rint(((double) pairs + c) / 2.0 + 1.0);
	if (rank_lo >= 1.0 && rank_up <= (double) pairs)
	{
		out->ts_ci_low = krimp_select_kth(slopes, pairs, (int64_t) rank_lo - 1);
		out->ts_ci_high = krimp_select_kth(slopes, pairs, (int64_t) rank_up - 1);
	}
}

bool
krimp_trend_compute(const double *x, const double *y, int32_t n,
					krimp_trend_stats *out, krimp_error *err)
{
	double	   *xs = NULL,
			   *ys = NULL,
			   *scratch = NULL,
			   *slopes = NULL;
	int32_t		m = 0;
	int64_t		pairs,
				s = 0;
	double		last_x = 0.0;
	bool		ok = false;

	out->n = 0;
	out->ols_slope = out->ols_intercept = out->r_squared = out->ols_slope_stderr = undefined();
	out->ts_slope = out->ts_intercept = out->ts_ci_low = out->ts_ci_high = undefined();
	out->mk_s = out->mk_var_s = out->kendall_tau = out->mk_p = undefined();
	out->mk_exact = false;

	if (n < 0)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "number of points must not be negative");

	/* check and count the observed points */
	for (int32_t i = 0; i < n; i++)
	{
		if (krimp_is_missing(y[i]))
			continue;
		if (!isfinite(y[i]))
		{
			krimp_fail(err, KRIMP_ERR_NOT_FINITE, "trend statistics need finite values");
			krimp_fail_detail(err, "Value %d is infinite.", (int) i + 1);
			return false;
		}
		if (!isfinite(x[i]) || (m > 0 && !(x[i] > last_x)))
		{
			krimp_fail(err, KRIMP_ERR_PARAMETER, "trend positions must be finite and strictly increasing");
			krimp_fail_detail(err, "Position %d is not after the one before.", (int) i + 1);
			return false;
		}
		last_x = x[i];
		m++;
	}
	if (m > KRIMP_TREND_MAX_N)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "series too long for trend statistics");
		krimp_fail_detail(err, "The series has %d observed values; at most %d are supported, "
						  "because the Theil-Sen estimator keeps all pairwise slopes in memory.",
						  (int) m, KRIMP_TREND_MAX_N);
		krimp_fail_hint(err, "Aggregate the series to a coarser granularity with krimp.regrain().");
		return false;
	}
	out->n = m;
	if (m < 2)
		return true;

	pairs = (int64_t) m * (m - 1) / 2;
	xs = krimp_alloc(sizeof(double) * (size_t) m);
	ys = krimp_alloc(sizeof(double) * (size_t) m);
	scratch = krimp_alloc(sizeof(double) * (size_t) m);
	slopes = krimp_alloc(sizeof(double) * (size_t) pairs);
	if (xs == NULL || ys == NULL || scratch == NULL || slopes == NULL)
	{
		krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
		krimp_fail_detail(err, "Trend statistics of %d values need %lld bytes of scratch space.",
						  (int) m, (long long) (sizeof(double) * (size_t) (pairs + 3 * (int64_t) m)));
		goto done;
	}
	m = 0;
	for (int32_t i = 0; i < n; i++)
	{
		if (krimp_is_missing(y[i]))
			continue;
		xs[m] = x[i];
		ys[m] = y[i];
		m++;
	}

	if (!compute_ols(xs, ys, m, out, err))
		goto done;

	/* pairwise slopes and the Mann-Kendall S in one sweep */
	{
		int64_t		k = 0;

		for (int32_t i = 0; i < m - 1; i++)
			for (int32_t j = i + 1; j < m; j++)
			{
				double		dy = ys[j] - ys[i];
				double		slope = dy / (xs[j] - xs[i]);

				if (!isfinite(slope))
				{
					too_large(err);
					goto done;
				}
				slopes[k++] = slope;
				s += (dy > 0.0) - (dy < 0.0);
			}
	}

	/* Theil-Sen slope and intercept */
	out->ts_slope = krimp_median(slopes, pairs);
	for (int32_t i = 0; i < m; i++)
	{
		scratch[i] = ys[i] - out->ts_slope * xs[i];
		if (!isfinite(scratch[i]))
		{
			too_large(err);
			goto done;
		}
	}
	out->ts_intercept = krimp_median(scratch, m);

	if (m >= 3)
		mann_kendall_and_interval(ys, m, s, pairs, scratch, slopes, out);
	ok = true;

done:
	krimp_free(xs);
	krimp_free(ys);
	krimp_free(scratch);
	krimp_free(slopes);
	return ok;
}

void
krimp_trend_fill(krimp_trend *t, krimp_period first, krimp_period last,
				 const krimp_trend_stats *st)
{
	const double *src[] = {
		&st->ols_slope, &st->ols_intercept, &st->r_squared, &st->ols_slope_stderr,
		&st->ts_slope, &st->ts_intercept, &st->ts_ci_low, &st->ts_ci_high,
		&st->mk_s, &st->mk_var_s, &st->kendall_tau, &st->mk_p
	};
	double	   *dst = &t->ols_slope;

	t->version = KRIMP_TREND_VERSION;
	t->flags = st->mk_exact ? KRIMP_TREND_FLAG_EXACT : 0;
	t->reserved = 0;
	t->first = first;
	t->last = last;
	t->n = st->n;
	t->reserved2 = 0;
	/* the twelve doubles are contiguous; undefined ones get the canonical NaN */
	for (int i = 0; i < 12; i++)
		dst[i] = krimp_is_missing(*src[i]) ? krimp_missing() : *src[i];
}

bool
krimp_trend_of_series(const krimp_series *s, krimp_trend **out, krimp_error *err)
{
	int32_t		first = -1,
				last = -1,
				len;
	double	   *x;
	krimp_trend_stats st;
	krimp_trend *t;

	*out = NULL;
	for (int32_t i = 0; i < s->count; i++)
		if (!krimp_is_missing(s->values[i]))
		{
			if (first < 0)
				first = i;
			last = i;
		}
	if (first < 0)
		return true;

	len = last - first + 1;
	x = krimp_alloc(sizeof(double) * (size_t) len);
	if (x == NULL)
		return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
	for (int32_t i = 0; i < len; i++)
		x[i] = (double) i;
	if (!krimp_trend_compute(x, s->values + first, len, &st, err))
	{
		krimp_free(x);
		return false;
	}
	krimp_free(x);

	t = krimp_alloc(KRIMP_TREND_SIZE);
	if (t == NULL)
		return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
	t->vl_len_ = 0;
	krimp_trend_fill(t, krimp_series_period_at(s, first), krimp_series_period_at(s, last), &st);
	*out = t;
	return true;
}

/* ---- validation --------------------------------------------------------- */

/* Record an inconsistent trend value; returns false. */
static bool
invalid(krimp_error *err, krimp_status status, const char *detail)
{
	krimp_fail(err, status, "invalid krimp.trend value");
	krimp_fail_detail(err, "%s", detail);
	return false;
}

/* Check a trend image, failing with the given status (syntax or binary). */
static bool
validate_image(const void *buf, size_t len, krimp_status status, krimp_error *err)
{
	krimp_trend t;
	const double *d = &t.ols_slope;
	double		pairs,
				vmax;
	int32_t		steps;
	krimp_error perr;
	bool		exact;

	if (len != KRIMP_TREND_SIZE)
		return invalid(err, status, "The value has the wrong size.");
	memcpy(&t, buf, KRIMP_TREND_SIZE);
	if (t.version != KRIMP_TREND_VERSION)
		return invalid(err, status, "The value has an unknown layout version.");
	if ((t.flags & ~KRIMP_TREND_FLAG_EXACT) != 0 || t.reserved != 0 || t.reserved2 != 0)
		return invalid(err, status, "Reserved bits are set.");
	if (t.n < 1 || t.n > KRIMP_TREND_MAX_N)
		return invalid(err, status, "The number of values is out of range.");
	if (!krimp_period_is_valid(t.first) || !krimp_period_is_valid(t.last))
		return invalid(err, status, "A period is invalid.");
	if (!krimp_period_diff(t.last, t.first, &steps, &perr) || steps < t.n - 1 ||
		(t.n == 1 && steps != 0))
		return invalid(err, status, "The first and last periods do not fit the number of values.");
	for (int i = 0; i < 12; i++)
		if (!krimp_is_missing(d[i]) && !isfinite(d[i]))
			return invalid(err, status, "A statistic is infinite.");

	/* what must be defined, by n */
	if (t.n < 2)
	{
		for (int i = 0; i < 12; i++)
			if (!krimp_is_missing(d[i]))
				return invalid(err, status, "A statistic is defined for fewer than two values.");
	}
	else if (krimp_is_missing(t.ols_slope) || krimp_is_missing(t.ols_intercept) ||
			 krimp_is_missing(t.ts_slope) || krimp_is_missing(t.ts_intercept))
		return invalid(err, status, "A slope or intercept is missing.");
	if (!krimp_is_missing(t.r_squared) && !(t.r_squared >= 0.0 && t.r_squared <= 1.0))
		return invalid(err, status, "R squared is outside 0..1.");
	if (t.n >= 2 && krimp_is_missing(t.r_squared) && t.ols_slope != 0.0)
		return invalid(err, status, "R squared is missing for a series that is not constant.");

	exact = (t.flags & KRIMP_TREND_FLAG_EXACT) != 0;
	if (t.n < 3)
	{
		if (!krimp_is_missing(t.ols_slope_stderr) || !krimp_is_missing(t.ts_ci_low) ||
			!krimp_is_missing(t.ts_ci_high) || !krimp_is_missing(t.mk_s) ||
			!krimp_is_missing(t.mk_var_s) || !krimp_is_missing(t.kendall_tau) ||
			!krimp_is_missing(t.mk_p) || exact)
			return invalid(err, status, "A statistic is defined for fewer than three values.");
		return true;
	}

	pairs = (double) t.n * (t.n - 1) / 2.0;
	vmax = (double) t.n * (t.n - 1) * (2.0 * t.n + 5) / 18.0;
	if (krimp_is_missing(t.ols_slope_stderr) || t.ols_slope_stderr < 0.0)
		return invalid(err, status, "The standard error of the slope is missing or negative.");
	if (krimp_is_missing(t.ts_ci_low) != krimp_is_missing(t.ts_ci_high) ||
		(!krimp_is_missing(t.ts_ci_low) &&
		 !(t.ts_ci_low <= t.ts_slope && t.ts_slope <= t.ts_ci_high)))
		return invalid(err, status, "The confidence interval does not contain the Theil-Sen slope.");
	if (krimp_is_missing(t.mk_s) || t.mk_s != floor(t.mk_s) || fabs(t.mk_s) > pairs)
		return invalid(err, status, "The Mann-Kendall S is not a possible value.");
	if (krimp_is_missing(t.mk_var_s) || t.mk_var_s < 0.0 || t.mk_var_s > vmax)
		return invalid(err, status, "The variance of S is out of range.");
	if (t.mk_var_s == 0.0 && t.mk_s != 0.0)
		return invalid(err, status, "S must be 0 when its variance is 0.");
	if (krimp_is_missing(t.kendall_tau) || t.kendall_tau != t.mk_s / pairs)
		return invalid(err, status, "Kendall's tau does not equal S / (n(n-1)/2).");
	if (krimp_is_missing(t.mk_p) != (t.mk_var_s == 0.0))
		return invalid(err, status, "The p-value must be missing exactly when the variance of S is 0.");
	if (!krimp_is_missing(t.mk_p) && !(t.mk_p >= 0.0 && t.mk_p <= 1.0))
		return invalid(err, status, "The p-value is outside 0..1.");
	if (exact && (t.n > KRIMP_TREND_EXACT_MAX_N || t.mk_var_s != vmax))
		return invalid(err, status, "An exact p-value needs at most 40 values without ties.");
	return true;
}

bool
krimp_trend_validate(const void *buf, size_t len, krimp_error *err)
{
	return validate_image(buf, len, KRIMP_ERR_BINARY, err);
}

/* ---- text form ---------------------------------------------------------- */

/* Keys of the twelve doubles in the text form, in layout order. */
static const char *const double_keys[12] = {
	"ols_slope", "ols_intercept", "r_squared", "ols_slope_stderr",
	"theil_sen_slope", "theil_sen_intercept", "theil_sen_ci_low", "theil_sen_ci_high",
	"mann_kendall_s", "mann_kendall_var_s", "kendall_tau", "mann_kendall_p"
};

char *
krimp_trend_format(const krimp_trend *t)
{
	/* 16 keys of at most 20 bytes, values of at most KRIMP_DOUBLE_BUFLEN */
	size_t		cap = 16 * (20 + KRIMP_DOUBLE_BUFLEN + 2) + 1;
	char	   *buf = krimp_alloc(cap);
	char		first[KRIMP_PERIOD_BUFLEN],
				last[KRIMP_PERIOD_BUFLEN],
				num[KRIMP_DOUBLE_BUFLEN];
	const double *d = &t->ols_slope;
	size_t		len;

	if (buf == NULL)
		return NULL;
	krimp_period_format(t->first, first);
	krimp_period_format(t->last, last);
	len = (size_t) snprintf(buf, cap, "n=%d first=%s last=%s", (int) t->n, first, last);
	for (int i = 0; i < 12; i++)
	{
		if (krimp_is_missing(d[i]))
			strcpy(num, "null");
		else
			krimp_format_double(d[i], num);
		len += (size_t) snprintf(buf + len, cap - len, " %s=%s", double_keys[i], num);
	}
	snprintf(buf + len, cap - len, " mann_kendall_exact=%s",
			 (t->flags & KRIMP_TREND_FLAG_EXACT) ? "true" : "false");
	return buf;
}

/* Record a text input error about key; returns NULL. */
static krimp_trend *
syntax_error(const char *text, krimp_error *err, const char *fmt, const char *key)
{
	krimp_fail(err, KRIMP_ERR_SYNTAX, "invalid input syntax for type krimp.trend: \"%s\"", text);
	krimp_fail_detail(err, fmt, key);
	krimp_fail_hint(err, "Write the value as krimp.trend prints it: key=value pairs from n to mann_kendall_exact.");
	return NULL;
}

/*
 * Read "key=" at *pp (after optional blanks) and return the value token
 * (up to the next blank) in tok; false if the key is not there.
 */
static bool
next_token(const char **pp, const char *key, char *tok, size_t toklen)
{
	const char *p = *pp;
	size_t		klen = strlen(key),
				n = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncmp(p, key, klen) != 0 || p[klen] != '=')
		return false;
	p += klen + 1;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
	{
		if (n + 1 >= toklen)
			return false;
		tok[n++] = *p++;
	}
	tok[n] = '\0';
	*pp = p;
	return n > 0;
}

krimp_trend *
krimp_trend_parse(const char *text, krimp_error *err)
{
	krimp_trend t;
	double	   *d = &t.ols_slope;
	char		tok[64];
	const char *p = text;
	char	   *end;
	long		n;
	krimp_error perr;
	krimp_trend *result;

	memset(&t, 0, sizeof(t));
	t.version = KRIMP_TREND_VERSION;

	if (!next_token(&p, "n", tok, sizeof(tok)))
		return syntax_error(text, err, "Expected \"%s=\" and a value.", "n");
	errno = 0;
	n = strtol(tok, &end, 10);
	if (*end != '\0' || errno != 0 || n < 1 || n > KRIMP_TREND_MAX_N)
		return syntax_error(text, err, "The value of \"%s\" is not a valid number of values.", "n");
	t.n = (int32_t) n;

	if (!next_token(&p, "first", tok, sizeof(tok)))
		return syntax_error(text, err, "Expected \"%s=\" and a value.", "first");
	if (!krimp_period_parse(tok, &t.first, &perr))
		return syntax_error(text, err, "The value of \"%s\" is not a period.", "first");
	if (!next_token(&p, "last", tok, sizeof(tok)))
		return syntax_error(text, err, "Expected \"%s=\" and a value.", "last");
	if (!krimp_period_parse(tok, &t.last, &perr))
		return syntax_error(text, err, "The value of \"%s\" is not a period.", "last");

	for (int i = 0; i < 12; i++)
	{
		if (!next_token(&p, double_keys[i], tok, sizeof(tok)))
			return syntax_error(text, err, "Expected \"%s=\" and a value.", double_keys[i]);
		if (strcmp(tok, "null") == 0)
		{
			d[i] = krimp_missing();
			continue;
		}
		d[i] = strtod(tok, &end);	/* a subnormal may set ERANGE: fine */
		if (*end != '\0' || !isfinite(d[i]) ||
			!(tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9')))
			return syntax_error(text, err, "The value of \"%s\" is not a finite number or null.", double_keys[i]);
	}

	if (!next_token(&p, "mann_kendall_exact", tok, sizeof(tok)))
		return syntax_error(text, err, "Expected \"%s=\" and a value.", "mann_kendall_exact");
	if (strcmp(tok, "true") == 0)
		t.flags = KRIMP_TREND_FLAG_EXACT;
	else if (strcmp(tok, "false") != 0)
		return syntax_error(text, err, "The value of \"%s\" must be true or false.", "mann_kendall_exact");

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != '\0')
		return syntax_error(text, err, "Unexpected text after \"%s\".", "mann_kendall_exact");

	if (!validate_image(&t, KRIMP_TREND_SIZE, KRIMP_ERR_SYNTAX, err))
		return NULL;
	result = krimp_alloc(KRIMP_TREND_SIZE);
	if (result == NULL)
	{
		krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
		return NULL;
	}
	memcpy(result, &t, KRIMP_TREND_SIZE);
	return result;
}
