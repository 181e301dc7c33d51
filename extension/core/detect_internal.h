/*
 * detect_internal.h
 *	  What the two files of tipping-point detection share (not for users of
 *	  the core: they include detect.h): the workspace layout, the outcome of
 *	  a model, and the steps detect.c (workspace, preparation, reporting)
 *	  and detect_fit.c (level shifts, bends, Davies' test) call in each other.
 */
#ifndef KRIMP_DETECT_INTERNAL_H
#define KRIMP_DETECT_INTERNAL_H

#include "detect.h"

/* qnorm(0.75): the MAD of a normal sample estimates 0.6745 sigma. */
#define MAD_NORMAL 0.6744897501960817
/* A noise estimate below this fraction of the range counts as zero. */
#define SIGMA_FLOOR 1e-9
/* Not in strict C99's math.h. */
#define SQRT2 1.4142135623730951
#define PI 3.141592653589793

struct krimp_detect_workspace
{
	int32_t		capacity;		/* most observed values */
	double	   *x;				/* observed positions (input index) */
	double	   *y;				/* observed values */
	int32_t    *pos;			/* input index of each observed value */
	double	   *gx;				/* the benchmark gap, compressed likewise */
	double	   *gy;
	int32_t    *gpos;
	double	   *z;				/* (y - median) / sigma */
	double	   *u;				/* positions mapped to [-1, 1] */
	double	   *s1;				/* prefix sums of z and z^2, capacity + 1 */
	double	   *s2;
	double	   *su;				/* suffix sums of u, u^2, z, u z, capacity + 1 */
	double	   *suu;
	double	   *sz;
	double	   *suz;
	double	   *rss1;			/* residual sum of squares with one bend at k */
	double	   *dp;				/* (MAX_LEVEL_CHANGES + 1) x (capacity + 1) */
	int32_t    *back;
	double	   *logs;			/* ln(len), len = 0 .. capacity */
	double	   *scratch;		/* capacity */
	double	   *pairs;			/* capacity (capacity - 1) / 2, for Theil-Sen */
};

/* The outcome of one model on one compressed series, before reporting. */
typedef struct model_fit
{
	int32_t		k;				/* changes */
	int32_t		at[KRIMP_DETECT_MAX_LEVEL_CHANGES];	/* observed index of each change */
	double		score[KRIMP_DETECT_MAX_LEVEL_CHANGES];
	double		rss;			/* residual sum of squares in sigma^2 units */
	double		bic;			/* rss + k * penalty + ln n per parameter of the null model */
	double		davies_p;
} model_fit;

/*
 * Scale the m observed values (x, v) and fill the workspace's z, u and sums
 * (detect.c); false, sigma 0, when the values are constant.
 */
extern bool krimp_detect_prepare(krimp_detect_workspace *ws, const double *x, const double *v, int32_t m,
								 double *sigma_out);

/* The best level-shift segmentation of the prepared series (detect_fit.c). */
extern void krimp_detect_level_fit(krimp_detect_workspace *ws, int32_t m, const krimp_detect_params *p,
								   model_fit *fit);

/* The best continuous piecewise-linear fit of the prepared series (detect_fit.c). */
extern void krimp_detect_trend_fit(krimp_detect_workspace *ws, const double *x, int32_t m,
								   const krimp_detect_params *p, model_fit *fit);

#endif							/* KRIMP_DETECT_INTERNAL_H */
