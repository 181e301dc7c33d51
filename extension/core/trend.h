/*
 * trend.h
 *	  Trend statistics of a time series: ordinary least squares, the
 *	  Theil-Sen estimator with Sen's confidence interval, and the
 *	  Mann-Kendall test (exact p-value for short untied series), plus
 *	  krimp_trend, the summary value behind the SQL type krimp.trend.
 *
 * Conventions (docs/trend.md has the formulas and the references):
 *
 *	  - x is the position in steps of the series' granularity since the first
 *		observed period, so slopes are per step (per year for yearly data)
 *		and intercepts are fitted values at the first observed period.
 *	  - Missing values (NaN) are skipped; x must increase strictly over the
 *		observed values.
 *	  - A statistic that is undefined is NaN in the core and NULL in SQL:
 *		OLS and Theil-Sen slope and intercept need n >= 2; the slope's
 *		standard error and everything Mann-Kendall need n >= 3; R squared is
 *		undefined when y is constant; Sen's interval is undefined when its
 *		ranks fall outside 1..N; the p-value is undefined when Var(S) = 0.
 *
 * A krimp_trend is a varlena (SQL type krimp.trend, STORAGE plain):
 *
 *	  offset  size  field
 *	       0     4  vl_len_   varlena header (set by the fmgr layer)
 *	       4     1  version   KRIMP_TREND_VERSION (1)
 *	       5     1  flags     KRIMP_TREND_FLAG_EXACT (p-value is exact); other bits 0
 *	       6     2  reserved  must be 0
 *	       8     4  first     krimp_period of the first observed value (x = 0)
 *	      12     4  last      krimp_period of the last observed value
 *	      16     4  n         observed values, 1 .. KRIMP_TREND_MAX_N
 *	      20     4  reserved2 must be 0
 *	      24  8*12  float8    ols_slope, ols_intercept, r_squared, ols_slope_stderr,
 *							  ts_slope, ts_intercept, ts_ci_low, ts_ci_high,
 *							  mk_s, mk_var_s, kendall_tau, mk_p
 *							  (NaN = undefined; mk_s is integer valued)
 *
 * 120 bytes in all.  A newer layout gets a new version number; validation
 * refuses versions it does not know.
 */
#ifndef KRIMP_TREND_H
#define KRIMP_TREND_H

#include "krimp_core.h"
#include "period.h"
#include "series.h"

/*
 * Most observed values per trend.  Theil-Sen keeps all n(n-1)/2 pairwise
 * slopes in memory: 5000 values need 12,497,500 doubles (100 MB).
 */
#define KRIMP_TREND_MAX_N 5000
/* Longest untied series with an exact Mann-Kendall p-value. */
#define KRIMP_TREND_EXACT_MAX_N 40

#define KRIMP_TREND_VERSION 1
#define KRIMP_TREND_FLAG_EXACT 0x01
#define KRIMP_TREND_SIZE 120

/* The statistics of one series (NaN = undefined). */
typedef struct krimp_trend_stats
{
	int32_t		n;				/* observed (non-missing) values */
	double		ols_slope;
	double		ols_intercept;
	double		r_squared;
	double		ols_slope_stderr;
	double		ts_slope;		/* Theil-Sen: median pairwise slope */
	double		ts_intercept;	/* median(y - ts_slope * x) */
	double		ts_ci_low;		/* Sen's 95% interval for the slope */
	double		ts_ci_high;
	double		mk_s;			/* Mann-Kendall S (integer valued) */
	double		mk_var_s;		/* Var(S), corrected for ties */
	double		kendall_tau;	/* tau-a = S / (n(n-1)/2) */
	double		mk_p;			/* two-sided p-value */
	bool		mk_exact;		/* mk_p from the exact null distribution */
} krimp_trend_stats;

/* The on-disk summary (see the layout above). */
typedef struct krimp_trend
{
	int32_t		vl_len_;		/* varlena header; never touched by the core */
	uint8_t		version;
	uint8_t		flags;
	uint16_t	reserved;
	krimp_period first;
	krimp_period last;
	int32_t		n;
	int32_t		reserved2;
	double		ols_slope;
	double		ols_intercept;
	double		r_squared;
	double		ols_slope_stderr;
	double		ts_slope;
	double		ts_intercept;
	double		ts_ci_low;
	double		ts_ci_high;
	double		mk_s;
	double		mk_var_s;
	double		kendall_tau;
	double		mk_p;
} krimp_trend;

/*
 * All statistics of the n points (x[i], y[i]); y[i] NaN is missing and
 * skipped.  x must be finite and strictly increasing over the observed
 * points, y finite or NaN.  Fails on more than KRIMP_TREND_MAX_N observed
 * points, on non-finite results (overflow) and when out of memory.
 */
extern bool krimp_trend_compute(const double *x, const double *y, int32_t n,
								krimp_trend_stats *out, krimp_error *err);

/*
 * P(S >= s) under H0 for an untied series of n values (1 <= n <=
 * KRIMP_TREND_EXACT_MAX_N), from the distribution of the number of
 * inversions of a random permutation (Mahonian numbers); NaN for other n.
 */
extern double krimp_mann_kendall_upper_tail(int n, int64_t s);

/*
 * The trend of a series: x counts steps from the first observed value.
 * *out is NULL when the series has no observed value.
 */
extern bool krimp_trend_of_series(const krimp_series *s, krimp_trend **out, krimp_error *err);

/* Fill a krimp_trend (allocated by the caller, KRIMP_TREND_SIZE bytes) from stats. */
extern void krimp_trend_fill(krimp_trend *t, krimp_period first, krimp_period last,
							 const krimp_trend_stats *st);

/* Check a trend image of len bytes (text and binary input, corrupted data). */
extern bool krimp_trend_validate(const void *buf, size_t len, krimp_error *err);

/*
 * Text form: key=value pairs separated by single blanks, in a fixed order,
 * "null" for an undefined statistic, doubles in shortest round-trip form.
 * Allocated with krimp_alloc; NULL when out of memory.
 */
extern char *krimp_trend_format(const krimp_trend *t);
/* Parse exactly the text form; the result is validated.  NULL and err on failure. */
extern krimp_trend *krimp_trend_parse(const char *text, krimp_error *err);

#endif							/* KRIMP_TREND_H */
