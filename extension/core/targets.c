/*
 * targets.c
 *	  Target evaluation: path values, gap and progress, the projection to
 *	  the horizon from the recent trend, the traffic light and the
 *	  re-calibration proposal.  See targets.h and docs/targets.md.
 */
#include "targets.h"
#include "series.h"
#include "trend.h"

#include <math.h>

static double
nan_value(void)
{
	return krimp_missing();
}

static int
sign_of(double v)
{
	return (v > 0) - (v < 0);
}

const char *
krimp_light_name(krimp_light light)
{
	switch (light)
	{
		case KRIMP_LIGHT_GREEN:
			return "green";
		case KRIMP_LIGHT_ORANGE:
			return "orange";
		case KRIMP_LIGHT_RED:
			return "red";
		case KRIMP_LIGHT_GREY:
			break;
	}
	return "grey";
}

bool
krimp_path_check(const krimp_target_path *path, krimp_error *err)
{
	if (path->kind != KRIMP_PATH_LINEAR && path->kind != KRIMP_PATH_GROWTH)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "unknown path kind %d", (int) path->kind);
	if (path->n < 2)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "a target path needs a baseline and a horizon");
		krimp_fail_detail(err, "The path has %d point(s).", (int) path->n);
		return false;
	}
	for (int32_t i = 0; i < path->n; i++)
	{
		if (!isfinite(path->x[i]) || !isfinite(path->v[i]))
		{
			krimp_fail(err, KRIMP_ERR_NOT_FINITE, "a target path needs finite positions and values");
			krimp_fail_detail(err, "Point %d of the path is not finite.", (int) i + 1);
			return false;
		}
		if (i > 0 && !(path->x[i] > path->x[i - 1]))
		{
			krimp_fail(err, KRIMP_ERR_PARAMETER, "the points of a target path must follow each other in time");
			krimp_fail_detail(err, "Point %d does not come after point %d.", (int) i + 1, (int) i);
			krimp_fail_hint(err, "The horizon comes after the baseline, and every milestone lies between them.");
			return false;
		}
		if (path->kind == KRIMP_PATH_GROWTH && !(path->v[i] > 0))
		{
			krimp_fail(err, KRIMP_ERR_PARAMETER, "a path of constant growth needs positive values");
			krimp_fail_detail(err, "Point %d of the path has the value %g.", (int) i + 1, path->v[i]);
			krimp_fail_hint(err, "Use a linear path for values that can be zero or negative.");
			return false;
		}
	}
	return true;
}

double
krimp_path_value(const krimp_target_path *path, double x)
{
	int32_t		i;
	double		t;

	if (x <= path->x[0])
		return path->v[0];
	if (x >= path->x[path->n - 1])
		return path->v[path->n - 1];
	for (i = 0; i + 1 < path->n && !(x < path->x[i + 1]); i++)
		;
	if (x == path->x[i])
		return path->v[i];
	t = (x - path->x[i]) / (path->x[i + 1] - path->x[i]);
	if (path->kind == KRIMP_PATH_GROWTH)
		return path->v[i] * exp(t * log(path->v[i + 1] / path->v[i]));
	return path->v[i] + (path->v[i + 1] - path->v[i]) * t;
}

bool
krimp_eval_params_check(const krimp_eval_params *prm, krimp_error *err)
{
	if (prm->sense < -1 || prm->sense > 1)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "sense must be -1, 0 or 1");
	if (!(prm->window >= 1) || !isfinite(prm->window))
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "trend window must be at least one step");
		krimp_fail_hint(err, "The default window is 10 years.");
		return false;
	}
	if (prm->min_points < 2)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "a projection needs at least 2 points");
		krimp_fail_detail(err, "min_points is %d.", (int) prm->min_points);
		return false;
	}
	if (!(prm->rate_steps >= 1) || prm->rate_steps != floor(prm->rate_steps) || !isfinite(prm->rate_steps))
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "the span of the best rate must be a whole number of steps");
	if (!(prm->proposal_steps > 0) || !isfinite(prm->proposal_steps))
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "the proposal step must be positive");
	if (!(prm->steps_per_year > 0) || !isfinite(prm->steps_per_year))
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "steps per year must be positive");
	if (!(prm->path_tolerance >= 0) || !(prm->tolerance >= 0)
		|| !isfinite(prm->path_tolerance) || !isfinite(prm->tolerance))
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "tolerances must be finite and not negative");
		krimp_fail_hint(err, "A tolerance is a share of the planned change, for example 0.1 for 10%%.");
		return false;
	}
	return true;
}

/* The observed value transformed for fitting: itself, or its log on a growth path. */
static double
fit_scale(krimp_path_kind kind, double v)
{
	return kind == KRIMP_PATH_GROWTH ? log(v) : v;
}

static double
unfit_scale(krimp_path_kind kind, double v)
{
	return kind == KRIMP_PATH_GROWTH ? exp(v) : v;
}

/* A change per step on the fitting scale as a figure per year. */
static double
per_year(krimp_path_kind kind, double per_step, double steps_per_year)
{
	if (kind == KRIMP_PATH_GROWTH)
		return expm1(per_step * steps_per_year);
	return per_step * steps_per_year;
}

/*
 * The recent trend: Theil-Sen over prm->window ending at the latest
 * observation (index latest), its slope per year and the projection to the
 * horizon hx with Sen's interval; past the horizon the realisation itself.
 */
static bool
project_trend(krimp_path_kind kind, const double *x, const double *y, int32_t latest, double hx,
			  const krimp_eval_params *prm, krimp_eval_result *out, krimp_error *err)
{
	double		from = out->latest_x - prm->window;
	int32_t		first = latest,
				m = 0;
	double	   *wx,
			   *wy;
	krimp_trend_stats st;

	while (first > 0 && x[first - 1] > from)
		first--;
	for (int32_t i = first; i <= latest; i++)
		if (!krimp_is_missing(y[i]))
			m++;
	out->trend_points = m;
	if (m >= 2)
	{
		wx = krimp_alloc(sizeof(double) * (size_t) m * 2);
		if (wx == NULL)
			return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
		wy = wx + m;
		m = 0;
		for (int32_t i = first; i <= latest; i++)
		{
			if (krimp_is_missing(y[i]))
				continue;
			wx[m] = x[i] - x[first];
			wy[m] = fit_scale(kind, y[i]);
			m++;
		}
		if (!krimp_trend_compute(wx, wy, m, &st, err))
		{
			krimp_free(wx);
			return false;
		}
		krimp_free(wx);
		out->trend_slope = per_year(kind, st.ts_slope, prm->steps_per_year);
		if (out->latest_x < hx)
		{
			/* the fitted line at the horizon; the interval pivots on its value at the latest observation */
			double		at_latest = st.ts_intercept + st.ts_slope * (out->latest_x - x[first]);
			double		ahead = hx - out->latest_x;

			out->projected = unfit_scale(kind, at_latest + st.ts_slope * ahead);
			if (!krimp_is_missing(st.ts_ci_low))
			{
				out->projected_low = unfit_scale(kind, at_latest + st.ts_ci_low * ahead);
				out->projected_high = unfit_scale(kind, at_latest + st.ts_ci_high * ahead);
			}
			if (!isfinite(out->projected))
				return krimp_fail(err, KRIMP_ERR_RANGE, "values too large for a projection");
		}
	}
	/* past the horizon the realisation itself is the outcome */
	if (out->latest_x >= hx)
		out->projected = out->latest_value;
	return true;
}

/*
 * The best rate over prm->rate_steps in direction dir (see the caller), what
 * it reaches by the horizon hx, and the alternative horizon value when h is
 * out of reach.
 */
static bool
best_rate(krimp_path_kind kind, const double *x, const double *y, int32_t n, int dir, double hx,
		  double h, const krimp_eval_params *prm, krimp_eval_result *out, krimp_error *err)
{
	double		best = nan_value();
	int32_t		j = 0;

	for (int32_t i = 0; i < n; i++)
	{
		double		want = x[i] + prm->rate_steps,
					r;

		if (krimp_is_missing(y[i]))
			continue;
		while (j < n && x[j] < want)
			j++;
		if (j >= n)
			break;
		if (x[j] != want || krimp_is_missing(y[j]))
			continue;
		r = (fit_scale(kind, y[j]) - fit_scale(kind, y[i])) / prm->rate_steps;
		if (krimp_is_missing(best) || dir * r > dir * best)
			best = r;
	}
	if (!krimp_is_missing(best))
	{
		double		ahead = out->latest_x < hx ? hx - out->latest_x : 0;

		out->best_rate = per_year(kind, best, prm->steps_per_year);
		out->reachable = unfit_scale(kind, fit_scale(kind, out->latest_value) + best * ahead);
		if (!isfinite(out->reachable))
			return krimp_fail(err, KRIMP_ERR_RANGE, "values too large for a projection");
		/* out of reach: the horizon lies beyond what the best rate reaches */
		if (dir * (h - out->reachable) > 0)
			out->alternative_horizon = out->reachable;
	}
	return true;
}

bool
krimp_target_evaluate(const krimp_target_path *path, const double *x, const double *y,
					  int32_t n, const krimp_eval_params *prm, krimp_eval_result *out,
					  krimp_error *err)
{
	krimp_path_kind kind = path->kind;
	double		bx,
				hx,
				b,
				h,
				planned,
				nan = nan_value();
	int32_t		latest = -1;
	int			dir;

	out->light = KRIMP_LIGHT_GREY;
	out->observed = 0;
	out->trend_points = 0;
	out->latest_x = out->latest_value = out->expected = out->gap = nan;
	out->progress = out->expected_progress = out->scale = out->trend_slope = nan;
	out->projected = out->projected_low = out->projected_high = nan;
	out->best_rate = out->reachable = out->alternative_horizon = nan;
	out->proposal_x = out->proposal_value = out->proposal_rate = nan;

	if (!krimp_path_check(path, err) || !krimp_eval_params_check(prm, err))
		return false;
	if (n < 0)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "number of points must not be negative");
	for (int32_t i = 0; i < n; i++)
	{
		if (!isfinite(x[i]) || (i > 0 && !(x[i] > x[i - 1])))
			return krimp_fail(err, KRIMP_ERR_PARAMETER, "observation positions must be finite and increasing");
		if (krimp_is_missing(y[i]))
			continue;
		if (!isfinite(y[i]))
		{
			krimp_fail(err, KRIMP_ERR_NOT_FINITE, "target evaluation needs finite values");
			krimp_fail_detail(err, "Observation %d is infinite.", (int) i + 1);
			return false;
		}
		if (kind == KRIMP_PATH_GROWTH && !(y[i] > 0))
		{
			krimp_fail(err, KRIMP_ERR_PARAMETER, "a path of constant growth needs positive observations");
			krimp_fail_detail(err, "Observation %d has the value %g.", (int) i + 1, y[i]);
			krimp_fail_hint(err, "Use a linear path for values that can be zero or negative.");
			return false;
		}
		out->observed++;
		latest = i;
	}

	bx = path->x[0];
	hx = path->x[path->n - 1];
	b = path->v[0];
	h = path->v[path->n - 1];
	planned = h - b;
	out->scale = fabs(planned) > 0 ? fabs(planned) : (fabs(b) > 0 ? fabs(b) : 1.0);

	/* grey: nothing observed after the baseline */
	if (latest < 0)
		return true;
	out->latest_x = x[latest];
	out->latest_value = y[latest];
	if (!(out->latest_x > bx))
		return true;

	out->expected = krimp_path_value(path, out->latest_x);
	out->gap = out->latest_value - out->expected;
	if (planned != 0)
	{
		out->progress = (out->latest_value - b) / planned;
		out->expected_progress = (out->expected - b) / planned;
	}

	/* the recent trend: Theil-Sen over the window ending at the latest observation */
	if (!project_trend(kind, x, y, latest, hx, prm, out, err))
		return false;

	/* the light */
	{
		double		lag = prm->sense != 0 ? -prm->sense * out->gap : fabs(out->gap);

		if (lag <= prm->path_tolerance * out->scale)
			out->light = KRIMP_LIGHT_GREEN;
		else if (out->latest_x < hx
				 && (out->trend_points < prm->min_points || krimp_is_missing(out->projected)))
			out->light = KRIMP_LIGHT_GREY;
		else
		{
			double		miss = prm->sense != 0 ? prm->sense * (h - out->projected)
				: fabs(out->projected - h);

			out->light = miss <= prm->tolerance * out->scale ? KRIMP_LIGHT_ORANGE : KRIMP_LIGHT_RED;
		}
	}

	/*
	 * The best rate over rate_steps: in the direction of good (a target with
	 * a sense is a bound to stay on the good side of), or else towards the
	 * horizon from the latest value.
	 */
	dir = prm->sense != 0 ? prm->sense : sign_of(h - out->latest_value);
	if (dir == 0)
		dir = sign_of(planned);
	if (dir != 0 && !best_rate(kind, x, y, n, dir, hx, h, prm, out, err))
		return false;

	/* the re-calibrated path: from the latest value to the horizon value */
	if (out->latest_x < hx)
	{
		double		knot_x[2] = {out->latest_x, hx};
		double		knot_v[2] = {out->latest_value, h};
		krimp_target_path p = {kind, 2, knot_x, knot_v};
		double		span = hx - out->latest_x;

		out->proposal_x = out->latest_x + prm->proposal_steps < hx ? out->latest_x + prm->proposal_steps : hx;
		out->proposal_value = krimp_path_value(&p, out->proposal_x);
		if (kind == KRIMP_PATH_GROWTH)
			out->proposal_rate = per_year(kind, (log(h) - log(out->latest_value)) / span, prm->steps_per_year);
		else
			out->proposal_rate = (h - out->latest_value) / span * prm->steps_per_year;
	}
	return true;
}
