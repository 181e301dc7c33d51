/*
 * detect.c
 *	  Tipping-point detection: level shifts by exact optimal partitioning,
 *	  bends of continuous piecewise-linear fits with Davies' test, Theil-Sen
 *	  slopes on each side, and convergence to a benchmark.  See detect.h for
 *	  the conventions and docs/detect.md for the method.
 *
 * Numerics: values are centred on their median and divided by a robust
 * noise estimate before any sum is taken, positions are mapped to [-1, 1],
 * and every least-squares fit is a bordered Cholesky update of the fit of a
 * straight line, so the residual sum of squares of a candidate bend costs
 * O(1) after O(n) suffix sums.  No allocation happens after the workspace
 * is made.
 */
#include "detect.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "series.h"
#include "stats.h"

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

/* ---- small numerical helpers ---------------------------------------------- */

/* Median of a[0..n-1] (n >= 1); rearranges a. */
static double
median_of(double *a, int32_t n)
{
	return krimp_median(a, n);
}

/* Continued fraction of the regularised incomplete beta (modified Lentz). */
static double
beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double		c = 1.0,
				d = 1.0 - (a + b) * x / (a + 1.0),
				h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= 500; m++)
	{
		double		m2 = 2.0 * m,
					aa,
					del;

		aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	return h;
}

/* Regularised incomplete beta I_x(a, b), 0 <= x <= 1. */
static double
incomplete_beta(double a, double b, double x)
{
	double		front;

	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double
krimp_student_t_upper(double t, double df)
{
	double		tail;

	if (isnan(t) || !(df > 0.0))
		return krimp_missing();
	if (isinf(t))
		return t > 0 ? 0.0 : 1.0;
	tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
	return t >= 0 ? tail : 1.0 - tail;
}

/*
 * Add a column to a least-squares fit held as a Cholesky factor: L (p x p,
 * lower, row-major with stride 4) and w = L^-1 X'z.  g = X'c for the new
 * column c, gpp = c'c, rp = c'z.  Writes the new row of L (l[0..p-1] and
 * l[p] = its diagonal) and returns the new element of w, whose square is the
 * drop in the residual sum of squares; *ok false if c is (nearly) in the
 * span of X.
 */
static double
border(const double *L, int p, const double *w, const double *g, double gpp, double rp,
	   double *l, bool *ok)
{
	double		d = gpp,
				num = rp;

	for (int i = 0; i < p; i++)
	{
		double		s = g[i];

		for (int j = 0; j < i; j++)
			s -= L[i * 4 + j] * l[j];
		l[i] = s / L[i * 4 + i];
		d -= l[i] * l[i];
		num -= l[i] * w[i];
	}
	if (!(d > 1e-12 * gpp))
	{
		*ok = false;
		l[p] = 0.0;
		return 0.0;
	}
	*ok = true;
	l[p] = sqrt(d);
	return num / l[p];
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
					  (int) capacity, sizeof(double) * (npairs + 2 * ndp + 20 * c1));
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
static bool
prepare(krimp_detect_workspace *ws, const double *x, const double *v, int32_t m, double *sigma_out)
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

/* ---- level shifts: exact optimal partitioning ----------------------------- */

/* Residual sum of squares of z over [s, t) about its mean. */
static inline double
seg_rss(const krimp_detect_workspace *ws, int32_t s, int32_t t)
{
	double		a = ws->s1[t] - ws->s1[s],
				r = (ws->s2[t] - ws->s2[s]) - a * a / (t - s);

	return r > 0.0 ? r : 0.0;
}

/*
 * The best segmentation of z[0..m-1] into segments of at least ms values
 * with at most kmax changes: a dynamic programme over the number of changes
 * (exact, no pruning), then the number of changes chosen by the criterion.
 */
static void
level_fit(krimp_detect_workspace *ws, int32_t m, const krimp_detect_params *p, model_fit *fit)
{
	int32_t		ms = p->min_segment,
				stride = ws->capacity + 1,
				kmax = p->max_changes;
	bool		mbic = p->criterion == KRIMP_CRITERION_DEFAULT;
	double		beta = p->penalty * KRIMP_DETECT_LEVEL_PENALTY * log((double) m),
				best = INFINITY;
	double	   *F = ws->dp;
	int32_t    *B = ws->back;
	int32_t		kbest = 0;

	fit->k = 0;
	fit->rss = seg_rss(ws, 0, m);
	fit->bic = fit->rss + log((double) m);
	fit->davies_p = krimp_missing();
	if (m < 2 * ms)
		return;
	if (kmax > m / ms - 1)
		kmax = m / ms - 1;
	if (!mbic && kmax > (m + ms - 1) / ms - 2)
		kmax = (m + ms - 1) / ms - 2;	/* strucchange: ceiling(n / h) - 2 */

	/* F[k][t]: best cost of z[0..t-1] in k + 1 segments */
	for (int32_t t = ms; t <= m; t++)
		F[t] = seg_rss(ws, 0, t) + (mbic ? ws->logs[t] : 0.0);
	for (int32_t k = 1; k <= kmax; k++)
	{
		double	   *Fk = F + (size_t) k * stride,
				   *Fp = F + (size_t) (k - 1) * stride;
		int32_t    *Bk = B + (size_t) k * stride;

		for (int32_t t = (k + 1) * ms; t <= m; t++)
		{
			double		fbest = INFINITY;
			int32_t		sbest = k * ms;

			for (int32_t s = k * ms; s <= t - ms; s++)
			{
				double		c = Fp[s] + seg_rss(ws, s, t) + (mbic ? ws->logs[t - s] : 0.0);

				if (c < fbest)
				{
					fbest = c;
					sbest = s;
				}
			}
			Fk[t] = fbest;
			Bk[t] = sbest;
		}
	}

	/* the number of changes */
	for (int32_t k = 0; k <= kmax; k++)
	{
		double		cost = F[(size_t) k * stride + m],
					crit;

		if (mbic)
			crit = cost + k * beta;
		else
		{
			/* n ln(RSS / n) + 2 (k + 1) ln n; an exact fit (RSS 0) wins outright */
			double		lr = cost > 1e-300 ? log(cost / m) : -INFINITY;

			crit = m * lr + p->penalty * 2.0 * (k + 1) * log((double) m);
		}
		if (crit < best)
		{
			best = crit;
			kbest = k;
		}
	}

	/* backtrack */
	{
		int32_t		t = m;

		fit->k = kbest;
		for (int32_t k = kbest; k >= 1; k--)
		{
			t = B[(size_t) k * stride + t];
			fit->at[k - 1] = t;
		}
	}

	/* plain residuals, the model criterion and each change's penalised gain */
	fit->rss = 0.0;
	for (int32_t j = 0; j <= kbest; j++)
	{
		int32_t		a = j == 0 ? 0 : fit->at[j - 1],
					b = j == kbest ? m : fit->at[j];

		fit->rss += seg_rss(ws, a, b);
	}
	fit->bic = fit->rss + kbest * beta + log((double) m);
	for (int32_t j = 0; j < kbest; j++)
	{
		int32_t		a = j == 0 ? 0 : fit->at[j - 1],
					b = fit->at[j],
					c = j + 1 == kbest ? m : fit->at[j + 1];

		fit->score[j] = seg_rss(ws, a, c) + ws->logs[c - a]
			- seg_rss(ws, a, b) - ws->logs[b - a] - seg_rss(ws, b, c) - ws->logs[c - b] - beta;
	}
}

/* ---- bends: continuous piecewise-linear fits ------------------------------ */

/* The straight-line fit of z on u: Cholesky factor L (stride 4) and w; returns its RSS. */
static double
line_fit(const krimp_detect_workspace *ws, int32_t m, double *L, double *w, double *szz)
{
	double		total = ws->s2[m];

	L[0] = sqrt((double) m);
	w[0] = ws->sz[0] / L[0];
	L[4] = ws->su[0] / L[0];
	L[5] = sqrt(fmax(ws->suu[0] - L[4] * L[4], 0.0));
	w[1] = L[5] > 0.0 ? (ws->suz[0] - L[4] * w[0]) / L[5] : 0.0;
	*szz = total;
	return fmax(total - w[0] * w[0] - w[1] * w[1], 0.0);
}

/* First index j with u[j] > psi (u increasing), searching from j. */
static inline int32_t
first_after(const double *u, int32_t m, double psi, int32_t j)
{
	while (j < m && !(u[j] > psi))
		j++;
	return j;
}

/*
 * Add the hinge (u - psi)+ (nonzero from index j on) to the line fit (L, w
 * with p = 2): returns the new element of w; l gets the new row of L.
 */
static inline double
add_hinge(const krimp_detect_workspace *ws, int32_t m, const double *L, const double *w,
		  double psi, int32_t j, double *l, bool *ok)
{
	double		cnt = (double) (m - j),
				g[2],
				gpp,
				rp;

	g[0] = ws->su[j] - psi * cnt;
	g[1] = ws->suu[j] - psi * ws->su[j];
	gpp = ws->suu[j] - 2.0 * psi * ws->su[j] + psi * psi * cnt;
	rp = ws->suz[j] - psi * ws->sz[j];
	return border(L, 2, w, g, gpp, rp, l, ok);
}

/*
 * Davies' test on the prepared series (u, z, suffix sums; line fit L, w with
 * residual sum of squares rss0 out of szz), as segmented::davies.test for an
 * lm: the hinge's t statistic at k evaluation points from the second to the
 * second last position, the upper bound of Davies (1987) with Student's t
 * for m <= 300 and the normal (Wald) version above.  *best is the
 * evaluation point (in x) with the largest |t|.
 */
static double
davies_prepared(const krimp_detect_workspace *ws, const double *x, int32_t m, int k,
				const double *L, const double *w, double rss0, double szz, double *best)
{
	double		df = (double) (m - 3),
				M = -1.0,
				V = 0.0,
				prev = 0.0,
				pnaive,
				approx,
				p;
	bool		have_prev = false,
				lm = m <= 300;
	int32_t		j = 0;

	*best = krimp_missing();
	if (m < 4 || k < 2)
		return krimp_missing();
	if (!(rss0 > 1e-13 * szz))
		return 1.0;				/* an exact straight line: no evidence of a bend */
	for (int i = 0; i < k; i++)
	{
		double		psi_u,
					psi_x,
					l[4],
					wh,
					rss,
					t,
					stat;
		bool		ok;

		if (i == k - 1)
		{
			psi_u = ws->u[m - 2];
			psi_x = x[m - 2];
		}
		else
		{
			psi_u = ws->u[1] + i * ((ws->u[m - 2] - ws->u[1]) / (k - 1));
			psi_x = x[1] + i * ((x[m - 2] - x[1]) / (k - 1));
		}
		j = first_after(ws->u, m, psi_u, j);
		wh = add_hinge(ws, m, L, w, psi_u, j, l, &ok);
		if (!ok)
			continue;			/* R skips a singular fit */
		rss = rss0 - wh * wh;
		if (!(rss > 1e-13 * szz))
			t = wh >= 0 ? INFINITY : -INFINITY;
		else
			t = wh / sqrt(rss / df);
		stat = lm ? asin(sqrt(wh * wh / rss0)) : t;
		if (have_prev && !isinf(stat))
			V += fabs(stat - prev);
		prev = stat;
		have_prev = true;
		if (fabs(t) > M)
		{
			M = fabs(t);
			*best = psi_x;
		}
	}
	if (M < 0.0)
		return krimp_missing();
	if (isinf(M))
		return 0.0;
	if (lm)
	{
		double		uu = M * M / (df + M * M);

		pnaive = krimp_student_t_upper(M, df);
		approx = V * pow(1.0 - uu, (df - 1.0) / 2.0)
			* exp(lgamma(df / 2.0 + 0.5) - lgamma(df / 2.0)) / (2.0 * sqrt(PI));
	}
	else
	{
		pnaive = 0.5 * erfc(M / SQRT2);
		approx = V * exp(-M * M / 2.0) / sqrt(8.0 * PI);
	}
	p = 2.0 * (pnaive + approx);
	return p < 1.0 ? p : 1.0;
}

double
krimp_davies_test(krimp_detect_workspace *ws, const double *x, const double *y, int32_t m, int k,
				  double *best)
{
	double		L[16],
				w[4],
				szz,
				rss0,
				sigma;

	*best = krimp_missing();
	if (m < 4 || k < 2 || m > ws->capacity)
		return krimp_missing();
	if (!prepare(ws, x, y, m, &sigma))
		return 1.0;				/* constant */
	rss0 = line_fit(ws, m, L, w, &szz);
	return davies_prepared(ws, x, m, k, L, w, rss0, szz, best);
}

/*
 * Continuous piecewise-linear fits with no, one or two bends at observed
 * positions, each linear piece spanning at least min_segment values (the
 * bend counts on both sides); the number of bends minimises
 * RSS / sigma^2 + k * penalty * 3 ln m, and bends are kept only if Davies'
 * test rejects "no change of slope" at alpha.
 */
static void
trend_fit(krimp_detect_workspace *ws, const double *x, int32_t m, const krimp_detect_params *p,
		  model_fit *fit)
{
	double		L[16],
				w[4],
				szz,
				rss0,
				best1 = INFINITY,
				best2 = INFINITY,
				beta,
				davies_best,
				lnm = log((double) m);
	int32_t		ms = p->min_segment,
				lo = ms - 1,
				hi = m - ms,
				k1 = -1,
				k2a = -1,
				k2b = -1,
				kmax = p->max_changes < KRIMP_DETECT_MAX_BENDS ? p->max_changes : KRIMP_DETECT_MAX_BENDS;

	rss0 = line_fit(ws, m, L, w, &szz);
	fit->k = 0;
	fit->rss = rss0;
	fit->bic = rss0 + 2.0 * lnm;
	fit->davies_p = krimp_missing();
	if (m < 5 || hi < lo)
		return;
	fit->davies_p = davies_prepared(ws, x, m, KRIMP_DAVIES_K, L, w, rss0, szz, &davies_best);
	beta = p->penalty * KRIMP_DETECT_TREND_PENALTY * lnm;

	for (int32_t k = lo; k <= hi; k++)
	{
		double		l[4],
					wh;
		bool		ok;

		wh = add_hinge(ws, m, L, w, ws->u[k], k + 1, l, &ok);
		ws->rss1[k] = ok ? fmax(rss0 - wh * wh, 0.0) : rss0;
		if (ws->rss1[k] < best1)
		{
			best1 = ws->rss1[k];
			k1 = k;
		}
		if (kmax < 2 || !ok)
			continue;
		{
			double		L3[16],
						w3[4];

			/* the fit with this bend, then each second bend after it */
			memcpy(L3, L, sizeof(L3));
			L3[8] = l[0];
			L3[9] = l[1];
			L3[10] = l[2];
			w3[0] = w[0];
			w3[1] = w[1];
			w3[2] = wh;
			for (int32_t b = k + ms - 1; b <= hi; b++)
			{
				double		psi1 = ws->u[k],
							psi2 = ws->u[b],
							cnt = (double) (m - b - 1),
							su = ws->su[b + 1],
							suu = ws->suu[b + 1],
							g[3],
							gpp,
							rp,
							l2[4],
							wh2,
							r;
				bool		ok2;

				g[0] = su - psi2 * cnt;
				g[1] = suu - psi2 * su;
				g[2] = suu - (psi1 + psi2) * su + psi1 * psi2 * cnt;
				gpp = suu - 2.0 * psi2 * su + psi2 * psi2 * cnt;
				rp = ws->suz[b + 1] - psi2 * ws->sz[b + 1];
				wh2 = border(L3, 3, w3, g, gpp, rp, l2, &ok2);
				if (!ok2)
					continue;
				r = fmax(ws->rss1[k] - wh2 * wh2, 0.0);
				if (r < best2)
				{
					best2 = r;
					k2a = k;
					k2b = b;
				}
			}
		}
	}

	/* the number of bends: fewer on ties; none unless Davies' test rejects */
	{
		double		c0 = rss0,
					c1 = k1 >= 0 ? best1 + beta : INFINITY,
					c2 = k2a >= 0 ? best2 + 2.0 * beta : INFINITY;

		if (!(fit->davies_p <= p->alpha))
			return;
		if (c1 < c0 && c1 <= c2)
		{
			fit->k = 1;
			fit->at[0] = k1;
			fit->rss = best1;
			fit->score[0] = rss0 - best1 - beta;
		}
		else if (c2 < c0 && c2 < c1)
		{
			fit->k = 2;
			fit->at[0] = k2a;
			fit->at[1] = k2b;
			fit->rss = best2;
			fit->score[0] = ws->rss1[k2b] - best2 - beta;
			fit->score[1] = ws->rss1[k2a] - best2 - beta;
		}
		fit->bic = fit->rss + fit->k * beta + 2.0 * lnm;
	}
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
	if (m < 2 || !prepare(ws, ws->x, ws->y, m, &out->sigma))
		return true;
	if (model == KRIMP_MODEL_LEVEL)
	{
		level_fit(ws, m, p, &fit);
		report_level(ws->y, ws->pos, m, &fit, out);
	}
	else
	{
		trend_fit(ws, ws->x, m, p, &fit);
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
	if (m >= 2 && prepare(ws, ws->x, ws->y, m, &out->sigma))
	{
		model_fit	level,
					trend;

		level_fit(ws, m, p, &level);
		trend_fit(ws, ws->x, m, p, &trend);
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
		if (gm >= 2 && prepare(ws, ws->gx, ws->gy, gm, &gsigma))
		{
			model_fit	gfit;

			trend_fit(ws, ws->gx, gm, p, &gfit);
			report_trend(ws, ws->gx, ws->gy, ws->gpos, gm, &gfit, true, out);
		}
	}
	finish(out, last, p->recent);
	return true;
}
