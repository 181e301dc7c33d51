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
	/*
	 * CPOP (detect_cpop.c): a pool of nodes, the live candidates, one step's
	 * quadratics; sized for the usual case and grown by krimp_cpop when
	 * needed (the pruning keeps them small).
	 */
	int32_t		pool_cap;
	int32_t		live_cap;
	int32_t    *nd_knot;		/* observed index of the node's newest knot */
	int32_t    *nd_parent;		/* the node of the knot before it; -1 at the start */
	double	   *nd_mu;			/* cost of the best fit so far: A (phi - mu)^2 + R, phi the value at the knot */
	double	   *nd_A;
	double	   *nd_R;
	int32_t    *nd_fwd;			/* compaction of the pool */
	int32_t    *lv_node;		/* live candidate: its node */
	int32_t    *lv_dead;		/* last step it is needed (INT32_MAX: not pruned) */
	double	   *lv_stat;		/* 6 per candidate: count, mean x, mean z, Sxx, Szz, Sxz of the values after its knot */
	double	   *g_mu;			/* live_cap each: the quadratics at the current step */
	double	   *g_A;
	double	   *g_R;
	int32_t    *g_idx;			/* which live candidate */
	bool	   *g_env;			/* on the lower envelope */
	double	   *g_a;			/* the same as a psi^2 + b psi + c, psi = phi - phi0 */
	double	   *g_b;
	double	   *g_c;
	double	   *g_rt;			/* right end of {psi: g <= bound} */
	int32_t    *env_k;			/* KRIMP_CPOP_ENV(live_cap): pieces of the envelope, left to right */
	double	   *env_lo;
	double	   *sfx;			/* 6 (capacity + 1): the same sums of z[i..m-1] */
	double	   *psum;			/* 5 (capacity + 1): prefix sums for CPOP's lower bound */
	double	   *lb;				/* capacity + 1: the lower bound of the cost of z[i..m-1] */
	int32_t    *pelt;			/* capacity + 1: its candidates */
	int32_t    *nxt;			/* capacity + 1: and its pieces */
};

/* CPOP's pools for a workspace of capacity c. */
#define KRIMP_CPOP_POOL(c) (16 * (c) + 256)
#define KRIMP_CPOP_LIVE(c) (8 * (c) + 128)
/* Pieces of the lower envelope of L quadratics (at most 2 L - 1; room for the guard). */
#define KRIMP_CPOP_ENV(L) (3 * (size_t) (L) + 4)

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
