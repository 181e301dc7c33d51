/*
 * targets.h
 *	  The evaluation of targets (streefwaarden): the value on a target's
 *	  path, the gap and progress of the latest realisation, a projection to
 *	  the horizon from the recent trend (Theil-Sen with Sen's interval, from
 *	  trend.h), the traffic light with its tolerances, and the
 *	  re-calibration proposal: a path from the realised value to the
 *	  horizon and, when the target is out of reach at the best five-year
 *	  rate the region has shown, an alternative horizon value.
 *
 * Positions x are in steps of the indicator's granularity (years for yearly
 * data) on one common origin; the fmgr layer uses the first period of the
 * series.  docs/targets.md has the rule and worked examples.
 */
#ifndef KRIMP_TARGETS_H
#define KRIMP_TARGETS_H

#include "krimp_core.h"

/* How the path runs between two knots. */
typedef enum krimp_path_kind
{
	KRIMP_PATH_LINEAR = 0,		/* equal steps */
	KRIMP_PATH_GROWTH = 1		/* a constant growth rate (all values > 0) */
} krimp_path_kind;

/* The traffic light ("stoplicht"). */
typedef enum krimp_light
{
	KRIMP_LIGHT_GREY = 0,		/* too little data */
	KRIMP_LIGHT_GREEN = 1,		/* on or ahead of the path */
	KRIMP_LIGHT_ORANGE = 2,		/* behind, but the projection reaches the target within tolerance */
	KRIMP_LIGHT_RED = 3			/* the projection misses beyond tolerance */
} krimp_light;

/*
 * A target's path: knots (x[i], v[i]) from the baseline through the
 * milestones to the horizon, x strictly increasing, n >= 2.  Before the
 * baseline the path is the baseline value, after the horizon the horizon
 * value.
 */
typedef struct krimp_target_path
{
	krimp_path_kind kind;
	int32_t		n;
	const double *x;
	const double *v;
} krimp_target_path;

/* The parameters of the rule (docs/targets.md has the defaults). */
typedef struct krimp_eval_params
{
	int			sense;			/* +1 higher is better, -1 lower is better, 0 on the path either way */
	double		window;			/* trend window in steps: observations with x > latest - window */
	int32_t		min_points;		/* observed values in the window needed for a projection (>= 2) */
	double		rate_steps;		/* steps of the best-rate span ("five years"), a whole number >= 1 */
	double		proposal_steps; /* steps from the latest observation to the proposed milestone */
	double		steps_per_year; /* to report rates per year */
	double		path_tolerance; /* share of the scale a realisation may lag and still be on the path */
	double		tolerance;		/* share of the scale a projection may miss and still count as reaching */
} krimp_eval_params;

/* The evaluation of one target (NaN = undefined). */
typedef struct krimp_eval_result
{
	krimp_light light;
	int32_t		observed;		/* observed values in the input */
	double		latest_x;		/* the latest observed position and value */
	double		latest_value;
	double		expected;		/* value on the path at latest_x */
	double		gap;			/* latest_value - expected */
	double		progress;		/* (latest - baseline) / (horizon - baseline) */
	double		expected_progress;	/* (expected - baseline) / (horizon - baseline) */
	double		scale;			/* what the tolerances are shares of */
	int32_t		trend_points;	/* observed values in the window */
	double		trend_slope;	/* Theil-Sen per year; for a growth path the growth rate per year */
	double		projected;		/* value at the horizon on the trend */
	double		projected_low;	/* the same through Sen's 95% interval of the slope */
	double		projected_high;
	double		best_rate;		/* best rate over rate_steps towards the horizon, per year (growth: rate) */
	double		reachable;		/* value at the horizon at the best rate from the latest value */
	double		alternative_horizon;	/* = reachable when the horizon value is out of reach */
	double		proposal_x;		/* the proposed milestone: latest_x + proposal_steps (at most the horizon) */
	double		proposal_value; /* on a path from the latest value to the horizon value */
	double		proposal_rate;	/* that path's change per year (growth: rate per year) */
} krimp_eval_result;

/* Check a path: knots, order, finite values, growth needs values > 0. */
extern bool krimp_path_check(const krimp_target_path *path, krimp_error *err);

/* The value on a (checked) path at position x. */
extern double krimp_path_value(const krimp_target_path *path, double x);

/* Check the parameters of the rule. */
extern bool krimp_eval_params_check(const krimp_eval_params *prm, krimp_error *err);

/* Name of a light: "grey", "green", "orange", "red". */
extern const char *krimp_light_name(krimp_light light);

/*
 * Evaluate a target on the observations (x[i], y[i]), i < n: x strictly
 * increasing, y NaN where missing.  Fails on a bad path or bad parameters,
 * non-finite values, non-positive values under a growth path, and when out
 * of memory.
 */
extern bool krimp_target_evaluate(const krimp_target_path *path, const double *x, const double *y,
								  int32_t n, const krimp_eval_params *prm, krimp_eval_result *out,
								  krimp_error *err);

#endif							/* KRIMP_TARGETS_H */
