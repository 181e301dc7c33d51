/*
 * stats.h
 *	  Order statistics shared by trend.c and detect.c: selection of the k-th
 *	  smallest value, the median and the Theil-Sen slope.  None allocates:
 *	  callers pass the buffers.
 */
#ifndef KRIMP_STATS_H
#define KRIMP_STATS_H

#include <stdint.h>

/* qsort comparator for finite doubles, ascending. */
extern int	krimp_cmp_double(const void *a, const void *b);

/*
 * The k-th smallest (0-based) of a[0..n-1], all finite; rearranges a so that
 * a[k] holds it.  Quickselect, O(n log n) in the worst case.
 */
extern double krimp_select_kth(double *a, int64_t n, int64_t k);

/* Median of a[0..n-1] (n >= 1), the mean of the two middle values for even n; rearranges a. */
extern double krimp_median(double *a, int64_t n);

/*
 * Theil-Sen slope: the median of the pairwise slopes (y[j] - y[i]) / (x[j] - x[i])
 * over i < j, x strictly increasing.  pairs needs n * (n - 1) / 2 doubles.
 * NaN for n < 2.
 */
extern double krimp_theil_sen_slope(const double *x, const double *y, int32_t n, double *pairs);

#endif							/* KRIMP_STATS_H */
