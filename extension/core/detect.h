/*
 * detect.h
 *	  Tipping-point detection: level shifts (exact optimal partitioning of a
 *	  normal mean model on robustly scaled data with an MBIC-type penalty),
 *	  trend turns (continuous piecewise-linear fits with one or two bends,
 *	  Davies' test for a change of slope, Theil-Sen slopes on each side) and
 *	  convergence to or divergence from a benchmark series.  See
 *	  docs/detect.md for the method, the defaults and their calibration.
 *
 * Conventions:
 *
 *	  - Input is y[0..n-1] with NaN for a missing value.  Missing values are
 *		skipped; positions keep referring to the input index, and the x of a
 *		value is its index (gaps keep their true distance).
 *	  - A change's position is the 0-based index of the first value of the
 *		new regime: for a level shift the first value of the new segment; for
 *		a bend of a continuous piecewise-linear fit the bend itself (the
 *		first point of the new linear piece, shared with the old one).
 *		strucchange's breakpoint b (1-based last value of the old segment)
 *		is position b here; the SQL layer adds 1.
 *	  - No per-series allocation: every call works in a krimp_detect_workspace
 *		made once for the longest series expected.
 */
#ifndef KRIMP_DETECT_H
#define KRIMP_DETECT_H

#include "krimp_core.h"

/* Most observed values a detector accepts (O(n^2) time and memory). */
#define KRIMP_DETECT_MAX_N 2000
/* Most level shifts per series; trend models have at most two bends. */
#define KRIMP_DETECT_MAX_LEVEL_CHANGES 8
#define KRIMP_DETECT_MAX_BENDS 2
/* Most changes one call reports (level or trend, plus the benchmark gap). */
#define KRIMP_DETECT_MAX_RESULTS (KRIMP_DETECT_MAX_LEVEL_CHANGES + 2 * KRIMP_DETECT_MAX_BENDS)

/* Product defaults (calibrated: docs/detect.md, bench/calibrate.sh). */
#define KRIMP_DETECT_DEFAULT_MIN_SEGMENT 3
#define KRIMP_DETECT_DEFAULT_MAX_CHANGES 3
#define KRIMP_DETECT_DEFAULT_PENALTY 1.0
#define KRIMP_DETECT_DEFAULT_ALPHA 0.01
#define KRIMP_DETECT_DEFAULT_RECENT 5
/* Penalty per level shift: LEVEL_PENALTY * ln(n) plus ln(length) per segment (MBIC-type; calibrated). */
#define KRIMP_DETECT_LEVEL_PENALTY 5.0
/* Penalty per bend: TREND_PENALTY * ln(n). */
#define KRIMP_DETECT_TREND_PENALTY 3.0
/* Davies' test: evaluation points, as segmented::davies.test's default k. */
#define KRIMP_DAVIES_K 10

typedef enum krimp_detect_model
{
	KRIMP_MODEL_LEVEL = 1,		/* piecewise constant */
	KRIMP_MODEL_TREND = 2		/* continuous piecewise linear */
} krimp_detect_model;

/* How the number of changes is chosen. */
typedef enum krimp_detect_criterion
{
	/*
	 * The product's: cost sum(r^2) / sigma^2 with a robust sigma; level:
	 * penalty * 5 ln n per change plus ln(length) per segment (MBIC-type);
	 * trend: penalty * 3 ln n per bend, bends only if Davies' p <= alpha.
	 */
	KRIMP_CRITERION_DEFAULT = 0,
	/*
	 * strucchange::breakpoints(y ~ 1, h = min_segment): n ln(RSS / n) +
	 * 2 (k + 1) ln n, at most ceiling(n / h) - 2 changes (or max_changes if
	 * smaller).  Level model only; for the comparison with R.
	 */
	KRIMP_CRITERION_BIC = 1
} krimp_detect_criterion;

/* What a change is. */
typedef enum krimp_change_kind
{
	KRIMP_KIND_LEVEL_SHIFT = 1,	/* the mean level jumps */
	KRIMP_KIND_TREND_TURN,		/* the slope changes sign */
	KRIMP_KIND_ACCELERATION,	/* same sign, |slope| grows */
	KRIMP_KIND_DECELERATION,	/* same sign, |slope| shrinks */
	KRIMP_KIND_CONVERGENCE,		/* the gap to the benchmark starts to close */
	KRIMP_KIND_DIVERGENCE		/* the gap to the benchmark starts to widen */
} krimp_change_kind;

typedef struct krimp_detect_params
{
	double		penalty;		/* multiplier of the default penalties (> 0) */
	int32_t		min_segment;	/* least observed values per segment (>= 2) */
	int32_t		max_changes;	/* level shifts (1..8); bends are at most 2 */
	double		alpha;			/* Davies' p needed for a bend (0..1] */
	int32_t		recent;			/* a change is recent when it starts within the last `recent` steps */
	krimp_detect_criterion criterion;
} krimp_detect_params;

typedef struct krimp_change
{
	int32_t		position;		/* 0-based index of the first value of the new regime */
	krimp_change_kind kind;
	int8_t		direction;		/* +1 after > before, -1 after < before */
	bool		recent;
	double		before;			/* level: segment mean; trend: Theil-Sen slope per step */
	double		after;
	double		abs_change;		/* after - before */
	double		rel_change;		/* (after - before) / |before|; NaN if before = 0 */
	double		p_value;		/* Davies' test (bends); NaN for level shifts */
	double		score;			/* penalised gain of keeping this change, in sigma^2 units */
} krimp_change;

typedef struct krimp_detect_result
{
	int32_t		n_observed;		/* values used */
	double		sigma;			/* robust noise estimate (0 for a constant series) */
	double		davies_p;		/* Davies' p of the trend model; NaN if not run */
	int32_t		count;			/* changes found */
	krimp_change changes[KRIMP_DETECT_MAX_RESULTS];
} krimp_detect_result;

typedef struct krimp_detect_workspace krimp_detect_workspace;

/* The product defaults. */
extern void krimp_detect_params_default(krimp_detect_params *p);
/* Check parameters; false and err (KRIMP_ERR_PARAMETER) when out of range. */
extern bool krimp_detect_params_check(const krimp_detect_params *p, krimp_error *err);

/*
 * A workspace for series of up to capacity observed values (1 ..
 * KRIMP_DETECT_MAX_N), allocated with krimp_alloc; NULL and err on failure.
 */
extern krimp_detect_workspace *krimp_detect_workspace_new(int32_t capacity, krimp_error *err);
extern void krimp_detect_workspace_free(krimp_detect_workspace *ws);
extern int32_t krimp_detect_workspace_capacity(const krimp_detect_workspace *ws);

/*
 * Change points of one model in y[0..n-1] (NaN missing).  Level: level
 * shifts; trend: bends classified as turn, acceleration or deceleration.
 * Changes are in increasing position.  Fails on infinite values, too many
 * observed values for the workspace, bad parameters.
 */
extern bool krimp_detect_changes(krimp_detect_workspace *ws, const double *y, int32_t n,
								 krimp_detect_model model, const krimp_detect_params *p,
								 krimp_detect_result *out, krimp_error *err);

/*
 * Tipping points: the level and trend models are both fitted and the one
 * with the smaller BIC-type criterion reports its changes; with a benchmark
 * (bench[i] belongs to the same period as y[i], NaN missing; NULL for none)
 * bends of the gap y - bench add convergence and divergence.  Changes are
 * sorted by position.
 */
extern bool krimp_tipping_points(krimp_detect_workspace *ws, const double *y, const double *bench,
								 int32_t n, const krimp_detect_params *p,
								 krimp_detect_result *out, krimp_error *err);

/*
 * Davies' test for a change in the slope of y on x (m points, x strictly
 * increasing, no missing values), two-sided, as segmented::davies.test for
 * an lm with k evaluation points (LM formula with Student's t for m <= 300,
 * the Wald/normal formula above, as segmented does).  Returns the p-value
 * (NaN if m < 4 or k < 2) and in *best the evaluation point with the
 * largest |t|.  Uses the workspace (capacity >= m).
 */
extern double krimp_davies_test(krimp_detect_workspace *ws, const double *x, const double *y,
								int32_t m, int k, double *best);

/*
 * CPOP (Fearnhead, Maidstone and Letchford 2019): the continuous
 * piecewise-linear fit of z[0..m-1] at positions x (strictly increasing)
 * with bends at observations, minimising sum (z - fit)^2 + beta * bends,
 * every linear piece spanning at least min_segment values (a bend counts on
 * both sides).  Exact: functional pruning (only quadratics on the lower
 * envelope of the cost as a function of the value at the newest bend make
 * new candidates) and, with prune true, the inequality-based pruning
 * (a candidate at least beta above the envelope everywhere is dropped,
 * min_segment - 1 steps later) with bounds: a lower bound of the cost of
 * the rest of the series and the cost of a good fit found first.  Uses the
 * workspace (capacity >= m), growing its candidate pools when needed
 * (with krimp_alloc: under the fmgr layer, call it with the workspace's
 * memory context current, since the grown pools belong to the workspace).
 * Fails on non-finite values (NaN included), positions not strictly
 * increasing, min_segment < 2, beta < 0, m > capacity, out of memory.
 */
typedef struct krimp_cpop_fit
{
	int32_t		k;				/* bends */
	int32_t    *bends;			/* caller's room for m - 2: observed index of each bend, increasing */
	double	   *knots;			/* NULL or caller's room for m: fitted values at 0, the bends, m - 1 */
	double		cost;			/* sum of squares + beta * k, as the recursion found it */
	int64_t		evaluated;		/* segment quadratics computed: the work done */
	int32_t		most_live;		/* most candidates alive at one time */
} krimp_cpop_fit;

extern bool krimp_cpop(krimp_detect_workspace *ws, const double *x, const double *z, int32_t m,
					   double beta, int32_t min_segment, bool prune, krimp_cpop_fit *fit,
					   krimp_error *err);

/* Robust noise: MAD of the first differences / (0.6745 sqrt 2), with fallbacks (docs/detect.md). */
extern double krimp_robust_sigma(krimp_detect_workspace *ws, const double *y, int32_t m);

/* Theil-Sen slope of (x[i], y[i]), m >= 2 points, using the workspace's scratch. */
extern double krimp_detect_theil_sen(krimp_detect_workspace *ws, const double *x, const double *y, int32_t m);

/* Upper tail P(T > t) of Student's t with df > 0 degrees of freedom. */
extern double krimp_student_t_upper(double t, double df);

/* SQL names of kinds: "level shift", "trend turn", ..., and of directions. */
extern const char *krimp_change_kind_name(krimp_change_kind kind);

#endif							/* KRIMP_DETECT_H */
