/*
 * detect.c
 *	  Tipping-point detection: level shifts by exact optimal partitioning,
 *	  bends of continuous piecewise-linear fits with Davies' test, Theil-Sen
 *	  slopes on each side, and convergence to a benchmark.  See detect.h for
 *	  the conventions and docs/detect.md for the method.  This file holds the
 *	  workspace, the preparation and the reporting; the fits are in
 *	  detect_fit.c.
 *
 * Numerics: values are centred on their median and divided by a robust
 * noise estimate before any sum is taken, positions are mapped to [-1, 1],
 * and every least-squares fit is a bordered Cholesky update of the fit of a
 * straight line, so the residual sum of squares of a candidate bend costs
 * O(1) after O(n) suffix sums.  No allocation happens after the workspace
 * is made.
 */
#include "detect_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "series.h"
#include "stats.h"

/* ---- small numerical helpers ---------------------------------------------- */

/* Median of a[0..n-1] (n >= 1); rearranges a. */
static double
median_of(double *a, int32_t n)
{
	return krimp_median(a, n);
}

/* ---- workspace and parameters --------------------------------------------- */

void
krimp_detect_params_default(krimp_detect_params *p)
{
	p->penalty = KRIMP_DETECT_DEFAULT_PENALTY;
	p->min_segment = KRIMP_DETECT_DEFAULT_MIN_SEGMENT;
	p->max_changes = KRIMP_DETECT_DEFAULT_MAX_CHANGES;
	p->alpha = KRIMP_DETECT_DEFAULT_ALPHA;
	p->recent = KRIMP_DETECT_DEFAULT_RECENT;
	p->criterion = KRIMP_CRITERION_DEFAULT;
}

bool
krimp_detect_params_check(const krimp_detect_params *p, krimp_error *err)
{
	if (!(p->penalty > 0.0) || !isfinite(p->penalty))
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "penalty must be a positive number");
		krimp_fail_detail(err, "The penalty multiplies the default penalties; 1 means the defaults.");
		return false;
	}
	if (p->min_segment < 2 || p->min_segment > KRIMP_DETECT_MAX_N / 2)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "minimum segment length must be between 2 and %d",
				   KRIMP_DETECT_MAX_N / 2);
		krimp_fail_detail(err, "The value given was %d.", (int) p->min_segment);
		return false;
	}
	if (p->max_changes < 1 || p->max_changes > KRIMP_DETECT_MAX_LEVEL_CHANGES)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "maximum number of changes must be between 1 and %d",
				   KRIMP_DETECT_MAX_LEVEL_CHANGES);
		return false;
	}
	if (!(p->alpha > 0.0 && p->alpha <= 1.0))
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "significance level must be in (0, 1]");
		return false;
	}
	if (p->recent < 0)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "recency window must not be negative");
		krimp_fail_detail(err, "The value given was %d.", (int) p->recent);
		return false;
	}
	return true;
}

krimp_detect_workspace *
krimp_detect_workspace_new(int32_t capacity, krimp_error *err)
{
	krimp_detect_workspace *ws;
	size_t		c = (size_t) capacity,
				c1 = c + 1,
				npairs = c * (c > 0 ? c - 1 : 0) / 2 + 1,
				ndp = (size_t) (KRIMP_DETECT_MAX_LEVEL_CHANGES + 1) * c1;
	bool		ok = true;

	if (capacity < 1 || capacity > KRIMP_DETECT_MAX_N)
	{
		krimp_fail(err, KRIMP_ERR_PARAMETER, "series too long for change-point detection");
		krimp_fail_detail(err, "The series has %d observed values; at most %d are supported.",
						  (int) capacity, KRIMP_DETECT_MAX_N);
		krimp_fail_hint(err, "Aggregate the series to a coarser granularity with krimp.regrain().");
		return NULL;
	}
	ws = krimp_alloc(sizeof(*ws));
	if (ws == NULL)
		goto nomem;
	memset(ws, 0, sizeof(*ws));
	ws->capacity = capacity;
#define WS_ALLOC(field, count) \
	do { ws->field = krimp_alloc(sizeof(*ws->field) * (count)); ok = ok && ws->field != NULL; } while (0)
	WS_ALLOC(x, c);
	WS_ALLOC(y, c);
	WS_ALLOC(pos, c);
	WS_ALLOC(gx, c);
	WS_ALLOC(gy, c);
	WS_ALLOC(gpos, c);
	WS_ALLOC(z, c);
	WS_ALLOC(u, c);
	WS_ALLOC(s1, c1);
	WS_ALLOC(s2, c1);
	WS_ALLOC(su, c1);
	WS_ALLOC(suu, c1);
	WS_ALLOC(sz, c1);
	WS_ALLOC(suz, c1);
	WS_ALLOC(rss1, c1);
	WS_ALLOC(dp, ndp);
	WS_ALLOC(back, ndp);
	WS_ALLOC(logs, c1);
	WS_ALLOC(scratch, c1);
	WS_ALLOC(pairs, npairs);
	ws->pool_cap = KRIMP_CPOP_POOL(capacity);
	ws->live_cap = KRIMP_CPOP_LIVE(capacity);
	WS_ALLOC(nd_knot, ws->pool_cap);
	WS_ALLOC(nd_parent, ws->pool_cap);
	WS_ALLOC(nd_mu, ws->pool_cap);
	WS_ALLOC(nd_A, ws->pool_cap);
	WS_ALLOC(nd_R, ws->pool_cap);
	WS_ALLOC(nd_fwd, ws->pool_cap);
	WS_ALLOC(lv_node, ws->live_cap);
	WS_ALLOC(lv_dead, ws->live_cap);
	WS_ALLOC(lv_stat, (size_t) ws->live_cap * 6);
	WS_ALLOC(g_mu, ws->live_cap);
	WS_ALLOC(g_A, ws->live_cap);
	WS_ALLOC(g_R, ws->live_cap);
	WS_ALLOC(g_idx, ws->live_cap);
	WS_ALLOC(g_env, ws->live_cap);
	WS_ALLOC(g_a, ws->live_cap);
	WS_ALLOC(g_b, ws->live_cap);
	WS_ALLOC(g_c, ws->live_cap);
	WS_ALLOC(g_rt, ws->live_cap);
	WS_ALLOC(env_k, KRIMP_CPOP_ENV(ws->live_cap));
	WS_ALLOC(env_lo, KRIMP_CPOP_ENV(ws->live_cap));
	WS_ALLOC(sfx, 6 * c1);
	WS_ALLOC(psum, 5 * c1 + 5);
	WS_ALLOC(lb, c1);
	WS_ALLOC(pelt, c1);
	WS_ALLOC(nxt, c1);
#undef WS_ALLOC
	if (!ok)
	{
		krimp_detect_workspace_free(ws);
		goto nomem;
	}
	ws->logs[0] = 0.0;
	for (size_t i = 1; i <= c; i++)
		ws->logs[i] = log((double) i);
	return ws;

nomem:
	krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
	krimp_fail_detail(err, "Change-point detection for %d values needs about %zu bytes.",
					  (int) capacity, sizeof(double) * (npairs + 2 * ndp + 31 * c1
														+ 5 * (size_t) KRIMP_CPOP_POOL(c)
														+ 24 * (size_t) KRIMP_CPOP_LIVE(c)));
	return NULL;
}

void
krimp_detect_workspace_free(krimp_detect_workspace *ws)
{
	if (ws == NULL)
		return;
	krimp_free(ws->x);
	krimp_free(ws->y);
	krimp_free(ws->pos);
	krimp_free(ws->gx);
	krimp_free(ws->gy);
	krimp_free(ws->gpos);
	krimp_free(ws->z);
	krimp_free(ws->u);
	krimp_free(ws->s1);
	krimp_free(ws->s2);
	krimp_free(ws->su);
	krimp_free(ws->suu);
	krimp_free(ws->sz);
	krimp_free(ws->suz);
	krimp_free(ws->rss1);
	krimp_free(ws->dp);
	krimp_free(ws->back);
	krimp_free(ws->logs);
	krimp_free(ws->scratch);
	krimp_free(ws->pairs);
	krimp_free(ws->nd_knot);
	krimp_free(ws->nd_parent);
	krimp_free(ws->nd_mu);
	krimp_free(ws->nd_A);
	krimp_free(ws->nd_R);
	krimp_free(ws->nd_fwd);
	krimp_free(ws->lv_node);
	krimp_free(ws->lv_dead);
	krimp_free(ws->lv_stat);
	krimp_free(ws->g_mu);
	krimp_free(ws->g_A);
	krimp_free(ws->g_R);
	krimp_free(ws->g_idx);
	krimp_free(ws->g_env);
	krimp_free(ws->g_a);
	krimp_free(ws->g_b);
	krimp_free(ws->g_c);
	krimp_free(ws->g_rt);
	krimp_free(ws->env_k);
	krimp_free(ws->env_lo);
	krimp_free(ws->sfx);
	krimp_free(ws->psum);
	krimp_free(ws->lb);
	krimp_free(ws->pelt);
	krimp_free(ws->nxt);
	krimp_free(ws);
}

int32_t
krimp_detect_workspace_capacity(const krimp_detect_workspace *ws)
{
	return ws->capacity;
}

const char *
krimp_change_kind_name(krimp_change_kind kind)
{
	switch (kind)
	{
		case KRIMP_KIND_LEVEL_SHIFT:
			return "level shift";
		case KRIMP_KIND_TREND_TURN:
			return "trend turn";
		case KRIMP_KIND_ACCELERATION:
			return "acceleration";
		case KRIMP_KIND_DECELERATION:
			return "deceleration";
		case KRIMP_KIND_CONVERGENCE:
			return "convergence";
		case KRIMP_KIND_DIVERGENCE:
			return "divergence";
	}
	return "unknown";
}

/* ---- robust scale and Theil-Sen ------------------------------------------- */

double
krimp_robust_sigma(krimp_detect_workspace *ws, const double *y, int32_t m)
{
	double	   *d = ws->scratch;
	double		lo = y[0],
				hi = y[0],
				range,
				md,
				sigma,
				absdev = 0.0;

	for (int32_t i = 1; i < m; i++)
	{
		if (y[i] < lo)
			lo = y[i];
		if (y[i] > hi)
			hi = y[i];
	}
	range = hi - lo;
	if (m < 2 || !(range > 0.0))
		return 0.0;				/* constant: no noise, no change */

	for (int32_t i = 0; i + 1 < m; i++)
		d[i] = y[i + 1] - y[i];
	md = median_of(d, m - 1);
	for (int32_t i = 0; i + 1 < m; i++)
	{
		d[i] = fabs(y[i + 1] - y[i] - md);
		absdev += d[i];
	}
	sigma = median_of(d, m - 1) / (MAD_NORMAL * SQRT2);
	if (sigma > SIGMA_FLOOR * range)
		return sigma;

	/*
	 * Half or more of the differences are equal (a step, or a line with few
	 * disturbances): the mean absolute deviation of the differences, which
	 * is E|X| = sigma_d sqrt(2 / pi) for a normal difference, is positive
	 * whenever one difference is off the median.
	 */
	sigma = absdev / (m - 1) * sqrt(PI / 2.0) / SQRT2;
	if (sigma > SIGMA_FLOOR * range)
		return sigma;
	return SIGMA_FLOOR * range;	/* an exact line: any fit but the line is far off */
}

double
krimp_detect_theil_sen(krimp_detect_workspace *ws, const double *x, const double *y, int32_t m)
{
	return m >= 2 ? krimp_theil_sen_slope(x, y, m, ws->pairs) : krimp_missing();
}

/* OLS slope of m >= 2 points (tie-breaker for the classification). */
static double
ols_slope(const double *x, const double *y, int32_t m)
{
	double		xm = 0.0,
				ym = 0.0,
				sxx = 0.0,
				sxy = 0.0;

	for (int32_t i = 0; i < m; i++)
	{
		xm += x[i];
		ym += y[i] - y[0];
	}
	xm /= m;
	ym /= m;
	for (int32_t i = 0; i < m; i++)
	{
		sxx += (x[i] - xm) * (x[i] - xm);
		sxy += (x[i] - xm) * (y[i] - y[0] - ym);
	}
	return sxy / sxx;
}

/* ---- preparation ---------------------------------------------------------- */

/* Copy the observed values of y[0..n-1] into (x, v, pos); fails on infinities or overflow of the workspace. */
static bool
compress(krimp_detect_workspace *ws, const double *y, int32_t n, double *x, double *v, int32_t *pos,
		 int32_t *m_out, krimp_error *err)
{
	int32_t		m = 0;
	double		lo = 0.0,
				hi = 0.0;

	for (int32_t i = 0; i < n; i++)
	{
		if (krimp_is_missing(y[i]))
			continue;
		if (!isfinite(y[i]))
		{
			krimp_fail(err, KRIMP_ERR_NOT_FINITE, "change-point detection needs finite values");
			krimp_fail_detail(err, "Value %d is infinite.", (int) i + 1);
			return false;
		}
		if (m >= ws->capacity)
		{
			krimp_fail(err, KRIMP_ERR_PARAMETER, "series too long for change-point detection");
			krimp_fail_detail(err, "The series has more than %d observed values.", (int) ws->capacity);
			krimp_fail_hint(err, "Aggregate the series to a coarser granularity with krimp.regrain().");
			return false;
		}
		x[m] = (double) i;
		v[m] = y[i];
		pos[m] = i;
		if (m == 0 || y[i] < lo)
			lo = y[i];
		if (m == 0 || y[i] > hi)
			hi = y[i];
		m++;
	}
	*m_out = m;
	if (m > 0 && !isfinite(hi - lo))
	{
		/* differences and sums of squares would overflow */
		krimp_fail(err, KRIMP_ERR_RANGE, "values too large for change-point detection");
		krimp_fail_detail(err, "The range of the values, %g to %g, overflows a double.", lo, hi);
		return false;
	}
	return true;
}

/*
 * Scale the m observed values (x, v): z = (v - median) / sigma, u in [-1, 1],
 * prefix sums of z and z^2, suffix sums for the trend fits.  Returns false
 * for a constant series (sigma 0).
 */
bool
krimp_detect_prepare(krimp_detect_workspace *ws, const double *x, const double *v, int32_t m, double *sigma_out)
{
	double		sigma = krimp_robust_sigma(ws, v, m),
				med,
				xc,
				xs;

	*sigma_out = sigma;
	if (!(sigma > 0.0))
		return false;
	memcpy(ws->scratch, v, sizeof(double) * (size_t) m);
	med = median_of(ws->scratch, m);
	xc = (x[0] + x[m - 1]) / 2.0;
	xs = (x[m - 1] - x[0]) / 2.0;
	if (!(xs > 0.0))
		xs = 1.0;
	ws->s1[0] = ws->s2[0] = 0.0;
	for (int32_t i = 0; i < m; i++)
	{
		double		z = (v[i] - med) / sigma;

		ws->z[i] = z;
		ws->u[i] = (x[i] - xc) / xs;
		ws->s1[i + 1] = ws->s1[i] + z;
		ws->s2[i + 1] = ws->s2[i] + z * z;
	}
	ws->su[m] = ws->suu[m] = ws->sz[m] = ws->suz[m] = 0.0;
	for (int32_t i = m - 1; i >= 0; i--)
	{
		double		u = ws->u[i],
					z = ws->z[i];

		ws->su[i] = ws->su[i + 1] + u;
		ws->suu[i] = ws->suu[i + 1] + u * u;
		ws->sz[i] = ws->sz[i + 1] + z;
		ws->suz[i] = ws->suz[i + 1] + u * z;
	}
	return true;
}

/* ---- reporting ------------------------------------------------------------ */

/* Mean of v[a..b-1], accurate for large values. */
static double
segment_mean(const double *v, int32_t a, int32_t b)
{
	double		sum = 0.0;

	for (int32_t i = a; i < b; i++)
		sum += v[i] - v[a];
	return v[a] + sum / (b - a);
}

/* -1, 0 or +1. */
static inline int8_t
sign_of(double d)
{
	return (int8_t) ((d > 0.0) - (d < 0.0));
}

/* Fill the common fields of a change. */
static krimp_change *
add_change(krimp_detect_result *out, int32_t position, krimp_change_kind kind,
		   double before, double after, double p_value, double score)
{
	krimp_change *c;

	if (out->count >= KRIMP_DETECT_MAX_RESULTS)
		return NULL;
	c = &out->changes[out->count++];
	c->position = position;
	c->kind = kind;
	c->before = before;
	c->after = after;
	c->abs_change = after - before;
	c->rel_change = before != 0.0 ? (after - before) / fabs(before) : krimp_missing();
	c->direction = sign_of(after - before);
	c->recent = false;
	c->p_value = p_value;
	c->score = score;
	return c;
}

/* Level shifts of a fit: segment means on each side. */
static void
report_level(const double *v, const int32_t *pos, int32_t m, const model_fit *fit,
			 krimp_detect_result *out)
{
	for (int32_t j = 0; j < fit->k; j++)
	{
		int32_t		a = j == 0 ? 0 : fit->at[j - 1],
					b = fit->at[j],
					c = j + 1 == fit->k ? m : fit->at[j + 1];

		add_change(out, pos[b], KRIMP_KIND_LEVEL_SHIFT, segment_mean(v, a, b), segment_mean(v, b, c),
				   krimp_missing(), fit->score[j]);
	}
}

/*
 * Bends of a fit: Theil-Sen slopes of the pieces on each side (the bend
 * belongs to both), classified as turn, acceleration or deceleration; with
 * gap true (the series minus its benchmark) as convergence or divergence.
 */
static void
report_trend(krimp_detect_workspace *ws, const double *x, const double *v, const int32_t *pos,
			 int32_t m, const model_fit *fit, bool gap, krimp_detect_result *out)
{
	for (int32_t j = 0; j < fit->k; j++)
	{
		int32_t		a = j == 0 ? 0 : fit->at[j - 1],
					b = fit->at[j],
					c = j + 1 == fit->k ? m - 1 : fit->at[j + 1];
		double		before = krimp_detect_theil_sen(ws, x + a, v + a, b - a + 1),
					after = krimp_detect_theil_sen(ws, x + b, v + b, c - b + 1);
		krimp_change_kind kind;
		krimp_change *ch;
		int8_t		dir = sign_of(after - before);

		if (dir == 0)
			dir = sign_of(ols_slope(x + b, v + b, c - b + 1) - ols_slope(x + a, v + a, b - a + 1));
		if (gap)
		{
			/* which side of the benchmark the series is on at the bend */
			int8_t		side = sign_of(v[b]);

			if (side == 0)
				side = sign_of(segment_mean(v, b, c + 1));
			if (side * after < 0 && side * dir < 0)
				kind = KRIMP_KIND_CONVERGENCE;
			else if (side * after > 0 && side * dir > 0)
				kind = KRIMP_KIND_DIVERGENCE;
			else
				continue;		/* a closing gap that closes slower is neither */
		}
		else if (before * after < 0.0)
			kind = KRIMP_KIND_TREND_TURN;
		else if (fabs(after) > fabs(before))
			kind = KRIMP_KIND_ACCELERATION;
		else if (fabs(after) < fabs(before))
			kind = KRIMP_KIND_DECELERATION;
		else
		{
			double		ob = ols_slope(x + a, v + a, b - a + 1),
						oa = ols_slope(x + b, v + b, c - b + 1);

			kind = fabs(oa) > fabs(ob) ? KRIMP_KIND_ACCELERATION : KRIMP_KIND_DECELERATION;
		}
		ch = add_change(out, pos[b], kind, before, after, fit->davies_p, fit->score[j]);
		if (ch != NULL && ch->direction == 0)
			ch->direction = dir;
	}
}

/* Sort the changes by position (stable) and mark the recent ones. */
static void
finish(krimp_detect_result *out, int32_t last, int32_t recent)
{
	for (int32_t i = 1; i < out->count; i++)
	{
		krimp_change c = out->changes[i];
		int32_t		j = i;

		while (j > 0 && out->changes[j - 1].position > c.position)
		{
			out->changes[j] = out->changes[j - 1];
			j--;
		}
		out->changes[j] = c;
	}
	for (int32_t i = 0; i < out->count; i++)
		out->changes[i].recent = recent > 0 && out->changes[i].position > last - recent;
}

/* Reset a result. */
static void
result_init(krimp_detect_result *out)
{
	out->n_observed = 0;
	out->sigma = 0.0;
	out->davies_p = krimp_missing();
	out->count = 0;
}

bool
krimp_detect_changes(krimp_detect_workspace *ws, const double *y, int32_t n,
					 krimp_detect_model model, const krimp_detect_params *p,
					 krimp_detect_result *out, krimp_error *err)
{
	int32_t		m;
	model_fit	fit;

	result_init(out);
	if (!krimp_detect_params_check(p, err))
		return false;
	if (model == KRIMP_MODEL_TREND && p->criterion != KRIMP_CRITERION_DEFAULT)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "the BIC criterion applies to the level model only");
	if (!compress(ws, y, n, ws->x, ws->y, ws->pos, &m, err))
		return false;
	out->n_observed = m;
	if (m < 2 || !krimp_detect_prepare(ws, ws->x, ws->y, m, &out->sigma))
		return true;
	if (model == KRIMP_MODEL_LEVEL)
	{
		krimp_detect_level_fit(ws, m, p, &fit);
		report_level(ws->y, ws->pos, m, &fit, out);
	}
	else
	{
		krimp_detect_trend_fit(ws, ws->x, m, p, &fit);
		out->davies_p = fit.davies_p;
		report_trend(ws, ws->x, ws->y, ws->pos, m, &fit, false, out);
	}
	finish(out, ws->pos[m - 1], p->recent);
	return true;
}

bool
krimp_tipping_points(krimp_detect_workspace *ws, const double *y, const double *bench,
					 int32_t n, const krimp_detect_params *p,
					 krimp_detect_result *out, krimp_error *err)
{
	int32_t		m,
				last = -1;

	result_init(out);
	if (!krimp_detect_params_check(p, err))
		return false;
	if (p->criterion != KRIMP_CRITERION_DEFAULT)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "tipping points use the default criterion only");
	if (!compress(ws, y, n, ws->x, ws->y, ws->pos, &m, err))
		return false;
	out->n_observed = m;
	if (m >= 1)
		last = ws->pos[m - 1];
	if (m >= 2 && krimp_detect_prepare(ws, ws->x, ws->y, m, &out->sigma))
	{
		model_fit	level,
					trend;

		krimp_detect_level_fit(ws, m, p, &level);
		krimp_detect_trend_fit(ws, ws->x, m, p, &trend);
		out->davies_p = trend.davies_p;
		if (level.k >= 1 && level.bic < trend.bic)
			report_level(ws->y, ws->pos, m, &level, out);
		else if (trend.k >= 1)
			report_trend(ws, ws->x, ws->y, ws->pos, m, &trend, false, out);
	}
	if (bench != NULL)
	{
		int32_t		gm = 0;
		double		gsigma,
					glo = 0.0,
					ghi = 0.0;

		for (int32_t i = 0; i < n; i++)
		{
			if (krimp_is_missing(y[i]) || krimp_is_missing(bench[i]))
				continue;
			if (!isfinite(bench[i]))
			{
				krimp_fail(err, KRIMP_ERR_NOT_FINITE, "change-point detection needs finite values");
				krimp_fail_detail(err, "Benchmark value %d is infinite.", (int) i + 1);
				return false;
			}
			ws->gx[gm] = (double) i;
			ws->gy[gm] = y[i] - bench[i];
			ws->gpos[gm] = i;
			if (!isfinite(ws->gy[gm]))
			{
				krimp_fail(err, KRIMP_ERR_RANGE, "values too large for change-point detection");
				krimp_fail_detail(err, "The difference between value %d and its benchmark overflows.", (int) i + 1);
				return false;
			}
			if (gm == 0 || ws->gy[gm] < glo)
				glo = ws->gy[gm];
			if (gm == 0 || ws->gy[gm] > ghi)
				ghi = ws->gy[gm];
			gm++;				/* gm <= m <= capacity: y was compressed above */
		}
		if (gm > 0 && !isfinite(ghi - glo))
		{
			krimp_fail(err, KRIMP_ERR_RANGE, "values too large for change-point detection");
			krimp_fail_detail(err, "The range of the differences from the benchmark overflows a double.");
			return false;
		}
		if (gm >= 2 && krimp_detect_prepare(ws, ws->gx, ws->gy, gm, &gsigma))
		{
			model_fit	gfit;

			krimp_detect_trend_fit(ws, ws->gx, gm, p, &gfit);
			report_trend(ws, ws->gx, ws->gy, ws->gpos, gm, &gfit, true, out);
		}
	}
	finish(out, last, p->recent);
	return true;
}
