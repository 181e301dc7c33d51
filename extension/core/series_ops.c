/*
 * series_ops.c
 *	  krimp_series: slices, measures (change, growth, index), element-wise
 *	  arithmetic (differences, series with series, series with a number) and
 *	  regrain (see series.h; construction and the text form are in series.c).
 */
#include "series_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- accessors and measures --------------------------------------------- */

bool
krimp_series_slice(const krimp_series *s, bool has_from, krimp_period from,
				   bool has_to, krimp_period to, krimp_series **out, krimp_error *err)
{
	int64_t		lo = 0,
				hi = s->count - 1,
				off;

	*out = NULL;
	if (has_from)
	{
		if (!krimp_series_offset(s, from, &off, err))
			return false;
		if (off > lo)
			lo = off;
	}
	if (has_to)
	{
		if (!krimp_series_offset(s, to, &off, err))
			return false;
		if (off < hi)
			hi = off;
	}
	if (lo > hi)
		return true;
	*out = krimp_series_new(krimp_series_period_at(s, (int32_t) lo), (int32_t) (hi - lo + 1), err);
	if (*out == NULL)
		return false;
	memcpy((*out)->values, s->values + lo, (size_t) (hi - lo + 1) * sizeof(double));
	return true;
}

/* Result that overflowed double precision. */
static bool
overflow(krimp_period p, krimp_error *err)
{
	char		buf[KRIMP_PERIOD_BUFLEN];

	period_text(p, buf);
	krimp_fail(err, KRIMP_ERR_RANGE, "value out of range: overflow");
	krimp_fail_detail(err, "The result for period %s is too large for type double precision.", buf);
	return false;
}

/* Division by a zero value. */
static bool
division_by_zero(krimp_period p, krimp_error *err)
{
	char		buf[KRIMP_PERIOD_BUFLEN];

	period_text(p, buf);
	krimp_fail(err, KRIMP_ERR_DIVISION, "division by zero");
	krimp_fail_detail(err, "The divisor for period %s is 0.", buf);
	return false;
}

/* Relative change from a zero value. */
static bool
base_is_zero(krimp_period from, krimp_error *err)
{
	char		buf[KRIMP_PERIOD_BUFLEN];

	period_text(from, buf);
	krimp_fail(err, KRIMP_ERR_DIVISION, "division by zero");
	krimp_fail_detail(err, "The value for the from period %s is 0, so a relative change is undefined.", buf);
	krimp_fail_hint(err, "Use krimp.change() for the absolute change.");
	return false;
}

bool
krimp_series_measure_of(const krimp_series *s, krimp_series_measure m,
						krimp_period from, krimp_period to,
						double *out, bool *isnull, krimp_error *err)
{
	int64_t		a_off,
				b_off;
	double		a,
				b,
				r;
	char		abuf[KRIMP_PERIOD_BUFLEN],
				bbuf[KRIMP_PERIOD_BUFLEN];

	*isnull = true;
	if (!krimp_series_offset(s, from, &a_off, err) || !krimp_series_offset(s, to, &b_off, err))
		return false;
	if (m == KRIMP_MEASURE_CAGR && b_off <= a_off)
	{
		period_text(from, abuf);
		period_text(to, bbuf);
		krimp_fail(err, KRIMP_ERR_PARAMETER, "compound annual growth rate needs a later end period: %s to %s", abuf, bbuf);
		krimp_fail_detail(err, "The growth rate is computed from the first to a later period.");
		return false;
	}
	if (a_off < 0 || a_off >= s->count || b_off < 0 || b_off >= s->count)
		return true;
	a = s->values[a_off];
	b = s->values[b_off];
	if (krimp_is_missing(a) || krimp_is_missing(b))
		return true;
	switch (m)
	{
		case KRIMP_MEASURE_CHANGE:
			r = b - a;
			break;
		case KRIMP_MEASURE_PCT_CHANGE:
			if (a == 0.0)
				return base_is_zero(from, err);
			r = (b - a) / a * 100.0;
			break;
		case KRIMP_MEASURE_CAGR:
			{
				double		years = (double) (b_off - a_off) * krimp_period_months(s->start) / 12.0;

				if (a == 0.0)
					return base_is_zero(from, err);
				if (a < 0.0 || b < 0.0)
				{
					period_text(from, abuf);
					period_text(to, bbuf);
					krimp_fail(err, KRIMP_ERR_PARAMETER, "compound annual growth rate is undefined for negative values");
					krimp_fail_detail(err, "The values for %s and %s are %g and %g.", abuf, bbuf, a, b);
					krimp_fail_hint(err, "Use krimp.change() or krimp.pct_change() for series that can be negative.");
					return false;
				}
				r = b / a;
				if (isinf(r))
					return overflow(to, err);
				r = (pow(r, 1.0 / years) - 1.0) * 100.0;
			}
			break;
		default:
			r = 0.0;
	}
	if (isinf(r))
		return overflow(to, err);
	*out = r;
	*isnull = false;
	return true;
}

bool
krimp_series_index(const krimp_series *s, krimp_period base, krimp_series **out, krimp_error *err)
{
	int64_t		off;
	double		b;

	*out = NULL;
	if (!krimp_series_offset(s, base, &off, err))
		return false;
	if (off < 0 || off >= s->count || krimp_is_missing(s->values[off]))
		return true;
	b = s->values[off];
	if (b == 0.0)
	{
		char		buf[KRIMP_PERIOD_BUFLEN];

		period_text(base, buf);
		krimp_fail(err, KRIMP_ERR_DIVISION, "division by zero");
		krimp_fail_detail(err, "The value of base period %s is 0.", buf);
		krimp_fail_hint(err, "Choose a base period with a value other than 0.");
		return false;
	}
	*out = krimp_series_new(s->start, s->count, err);
	if (*out == NULL)
		return false;
	for (int32_t i = 0; i < s->count; i++)
	{
		double		v = s->values[i],
					r;

		if (krimp_is_missing(v))
			continue;
		/* 100 * v / b is exact more often than v / b * 100 (110 / 200 * 100) */
		r = 100.0 * v;
		r = isinf(r) ? v / b * 100.0 : r / b;
		if (isinf(r))
		{
			krimp_free(*out);
			*out = NULL;
			return overflow(krimp_series_period_at(s, i), err);
		}
		(*out)->values[i] = r;
	}
	return true;
}

/* x op y for the value of period p; missing if either is missing. */
static bool
apply_op(krimp_series_op op, double x, double y, krimp_period p, double *r, krimp_error *err)
{
	if (krimp_is_missing(x) || krimp_is_missing(y))
	{
		*r = krimp_missing();
		return true;
	}
	switch (op)
	{
		case KRIMP_OP_ADD:
			*r = x + y;
			break;
		case KRIMP_OP_SUB:
			*r = x - y;
			break;
		case KRIMP_OP_MUL:
			*r = x * y;
			break;
		case KRIMP_OP_DIV:
			if (y == 0.0)
				return division_by_zero(p, err);
			*r = x / y;
			break;
		case KRIMP_OP_WEIGHTED:
			*r = y == 0.0 ? krimp_missing() : x / y;
			break;
		case KRIMP_OP_RIGHT:
			*r = y;
			break;
	}
	if (isinf(*r))
		return overflow(p, err);
	return true;
}

bool
krimp_series_diff(const krimp_series *s, int32_t lag, krimp_series **out, krimp_error *err)
{
	*out = NULL;
	if (lag < 1)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "lag must be at least 1, not %ld", (long) lag);
		krimp_fail_detail(err, "The lag is the number of periods between the values subtracted.");
		return false;
	}
	if (lag >= s->count)
		return true;
	*out = krimp_series_new(krimp_series_period_at(s, lag), s->count - lag, err);
	if (*out == NULL)
		return false;
	for (int32_t i = lag; i < s->count; i++)
	{
		if (!apply_op(KRIMP_OP_SUB, s->values[i], s->values[i - lag], krimp_series_period_at(s, i),
					  &(*out)->values[i - lag], err))
		{
			krimp_free(*out);
			*out = NULL;
			return false;
		}
	}
	return true;
}

bool
krimp_series_yoy_diff(const krimp_series *s, krimp_series **out, krimp_error *err)
{
	krimp_granularity g = krimp_period_granularity(s->start);

	*out = NULL;
	if (g == KRIMP_GRAN_SPAN)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "a series of spans has no year-on-year difference");
		krimp_fail_detail(err, "Each period of the series covers more than one year.");
		krimp_fail_hint(err, "Use krimp.diff() to subtract the previous span.");
		return false;
	}
	return krimp_series_diff(s, krimp_granularity_per_year(g), out, err);
}

bool
krimp_series_binop(const krimp_series *a, const krimp_series *b, krimp_series_op op,
				   bool use_union, krimp_series **out, krimp_error *err)
{
	int			months = krimp_period_months(a->start);
	int			delta = krimp_period_start_index(b->start) - krimp_period_start_index(a->start);
	int64_t		b0,
				lo,
				hi;
	krimp_period start;
	krimp_series *r;

	*out = NULL;
	if (krimp_period_months(b->start) != months || delta % months != 0)
	{
		char		abuf[KRIMP_PERIOD_BUFLEN],
					bbuf[KRIMP_PERIOD_BUFLEN];

		period_text(a->start, abuf);
		period_text(b->start, bbuf);
		krimp_fail(err, KRIMP_ERR_MISMATCH, "series of different granularity cannot be combined");
		krimp_fail_detail(err, "One series starts with %s %s, the other with %s %s.",
						  krimp_granularity_name(krimp_period_granularity(a->start)), abuf,
						  krimp_granularity_name(krimp_period_granularity(b->start)), bbuf);
		krimp_fail_hint(err, "Convert the finer series with krimp.regrain() first.");
		return false;
	}
	b0 = delta / months;
	if (use_union)
	{
		lo = b0 < 0 ? b0 : 0;
		hi = b0 + b->count > a->count ? b0 + b->count - 1 : a->count - 1;
	}
	else
	{
		lo = b0 > 0 ? b0 : 0;
		hi = b0 + b->count < a->count ? b0 + b->count - 1 : a->count - 1;
		if (lo > hi)
			return true;
	}
	if (!krimp_period_add(a->start, lo, &start, err))
		return false;
	r = krimp_series_new(start, (int32_t) (hi - lo + 1), err);
	if (r == NULL)
		return false;
	for (int64_t i = lo; i <= hi; i++)
	{
		double		x = i >= 0 && i < a->count ? a->values[i] : krimp_missing();
		double		y = i >= b0 && i < b0 + b->count ? b->values[i - b0] : krimp_missing();

		if (!apply_op(op, x, y, krimp_series_period_at(r, (int32_t) (i - lo)), &r->values[i - lo], err))
		{
			krimp_free(r);
			return false;
		}
	}
	*out = r;
	return true;
}

bool
krimp_series_scalar_op(const krimp_series *s, krimp_series_op op, double x,
					   krimp_series **out, krimp_error *err)
{
	krimp_series *r;

	*out = NULL;
	if (isnan(x) || isinf(x))
	{
		krimp_fail(err, KRIMP_ERR_NOT_FINITE, "cannot combine a series with %s", isnan(x) ? "NaN" : "infinity");
		krimp_fail_detail(err, "A series holds finite numbers only.");
		krimp_fail_hint(err, "Use NULL for a missing value.");
		return false;
	}
	if (op == KRIMP_OP_DIV && x == 0.0)
	{
		krimp_fail(err, KRIMP_ERR_DIVISION, "division by zero");
		krimp_fail_detail(err, "The series is divided by 0.");
		return false;
	}
	r = krimp_series_new(s->start, s->count, err);
	if (r == NULL)
		return false;
	for (int32_t i = 0; i < s->count; i++)
	{
		if (!apply_op(op, s->values[i], x, krimp_series_period_at(s, i), &r->values[i], err))
		{
			krimp_free(r);
			return false;
		}
	}
	*out = r;
	return true;
}

/* ---- regrain -------------------------------------------------------------- */

bool
krimp_regrain_method_parse(const char *text, krimp_regrain_method *out, krimp_error *err)
{
	static const char *const names[] = {"sum", "mean", "first", "last"};

	for (int i = 0; i < 4; i++)
	{
		if (strcmp(text, names[i]) == 0)
		{
			*out = (krimp_regrain_method) i;
			return true;
		}
	}
	krimp_fail(err, KRIMP_ERR_PARAMETER, "unknown regrain method \"%s\"", text);
	krimp_fail_detail(err, "Methods are sum, mean, first and last.");
	return false;
}

bool
krimp_series_regrain(const krimp_series *s, krimp_granularity g, krimp_regrain_method method,
					 krimp_series **out, krimp_error *err)
{
	krimp_granularity from_g = krimp_period_granularity(s->start);
	int			m = krimp_period_months(s->start);
	int			M = (int) g;
	int			si,
				cs0,
				le,
				per;
	int32_t		ncoarse;
	krimp_period start;
	krimp_series *r;

	*out = NULL;
	if (g == KRIMP_GRAN_SPAN || from_g == KRIMP_GRAN_SPAN || M < m || M % m != 0)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "cannot regrain a %s series to %s",
				   krimp_granularity_name(from_g), krimp_granularity_name(g));
		krimp_fail_detail(err, "Regrain converts months, quarters and half-years to a coarser granularity: quarter, half-year or year.");
		return false;
	}
	si = krimp_period_start_index(s->start);
	le = krimp_period_start_index(krimp_series_last(s));
	cs0 = si - si % M;
	ncoarse = (le - le % M - cs0) / M + 1;
	per = M / m;
	if (!krimp_period_containing(g, cs0 / 12, cs0 % 12 + 1, &start, err))
		return false;
	r = krimp_series_new(start, ncoarse, err);
	if (r == NULL)
		return false;
	for (int32_t k = 0; k < ncoarse; k++)
	{
		int			j0 = (cs0 + k * M - si) / m;	/* first sub-period's position */
		double		acc = 0.0;
		bool		missing = false;

		if (method == KRIMP_REGRAIN_FIRST || method == KRIMP_REGRAIN_LAST)
		{
			int			j = method == KRIMP_REGRAIN_FIRST ? j0 : j0 + per - 1;

			if (j >= 0 && j < s->count)
				r->values[k] = s->values[j];
			continue;
		}
		for (int t = 0; t < per && !missing; t++)
		{
			int			j = j0 + t;

			if (j < 0 || j >= s->count || krimp_is_missing(s->values[j]))
				missing = true;
			else
				acc += s->values[j];
		}
		if (missing)
			continue;
		if (isinf(acc))
		{
			krimp_period p = krimp_series_period_at(r, k);

			krimp_free(r);
			return overflow(p, err);
		}
		r->values[k] = method == KRIMP_REGRAIN_MEAN ? acc / per : acc;
	}
	*out = r;
	return true;
}
