/*
 * stats.c
 *	  Order statistics shared by the trend statistics and the detectors:
 *	  selection, medians and the Theil-Sen slope, without allocation.
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

/* qsort comparator for finite doubles, ascending. */
int
krimp_cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * The k-th smallest (0-based) of a[0..n-1], all finite; rearranges a so that
 * a[k] holds it, smaller values come before and larger ones after.
 * Quickselect with a median-of-three pivot and a three-way partition (many
 * equal slopes are common); after too many rounds the rest is sorted, so the
 * worst case is O(n log n).
 */
double
krimp_select_kth(double *a, int64_t n, int64_t k)
{
	int64_t		lo = 0,
				hi = n - 1;
	int			budget = 16;

	for (int64_t m = n; m > 1; m >>= 1)
		budget += 2;

	while (lo < hi)
	{
		double		p,
					pa,
					pb,
					pc,
					tmp;
		int64_t		lt,
					i,
					gt;

		if (budget-- <= 0)
		{
			qsort(a + lo, (size_t) (hi - lo + 1), sizeof(double), krimp_cmp_double);
			return a[k];
		}
		pa = a[lo];
		pb = a[lo + (hi - lo) / 2];
		pc = a[hi];
		if (pa > pb)
		{
			tmp = pa;
			pa = pb;
			pb = tmp;
		}
		p = pc < pa ? pa : (pc > pb ? pb : pc);

		/* [lo, lt) < p, [lt, i) == p, (gt, hi] > p */
		lt = lo;
		i = lo;
		gt = hi;
		while (i <= gt)
		{
			if (a[i] < p)
			{
				tmp = a[lt];
				a[lt++] = a[i];
				a[i++] = tmp;
			}
			else if (a[i] > p)
			{
				tmp = a[gt];
				a[gt--] = a[i];
				a[i] = tmp;
			}
			else
				i++;
		}
		if (k < lt)
			hi = lt - 1;
		else if (k > gt)
			lo = gt + 1;
		else
			return p;
	}
	return a[k];
}

/* Midpoint of a <= b without overflow. */
static double
midpoint(double a, double b)
{
	double		m = (a + b) / 2.0;

	return isfinite(m) ? m : a / 2.0 + b / 2.0;
}

/* Median of a[0..n-1] (n >= 1): the mean of the two middle values for even n. */
double
krimp_median(double *a, int64_t n)
{
	double		lo,
				hi;

	if (n % 2 == 1)
		return krimp_select_kth(a, n, n / 2);
	lo = krimp_select_kth(a, n, n / 2 - 1);
	/* everything from n/2 on is >= lo; the upper middle is its minimum */
	hi = a[n / 2];
	for (int64_t i = n / 2 + 1; i < n; i++)
		if (a[i] < hi)
			hi = a[i];
	return midpoint(lo, hi);
}

double
krimp_theil_sen_slope(const double *x, const double *y, int32_t n, double *pairs)
{
	int64_t		k = 0;

	for (int32_t i = 0; i + 1 < n; i++)
		for (int32_t j = i + 1; j < n; j++)
			pairs[k++] = (y[j] - y[i]) / (x[j] - x[i]);
	return k > 0 ? krimp_median(pairs, k) : NAN;
}
