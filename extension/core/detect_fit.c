/*
 * detect_fit.c
 *	  The models of tipping-point detection (see detect.c, detect.h and
 *	  docs/detect.md): level shifts by exact optimal partitioning, and bends
 *	  of continuous piecewise-linear fits with Davies' test, with the
 *	  numerical helpers they need (the incomplete beta for Student's t, the
 *	  bordered Cholesky update).
 */
#include "detect_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "series.h"
#include "stats.h"

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
void
krimp_detect_level_fit(krimp_detect_workspace *ws, int32_t m, const krimp_detect_params *p, model_fit *fit)
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
	if (!krimp_detect_prepare(ws, x, y, m, &sigma))
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
void
krimp_detect_trend_fit(krimp_detect_workspace *ws, const double *x, int32_t m, const krimp_detect_params *p,
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
