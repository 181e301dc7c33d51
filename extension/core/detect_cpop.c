/*
 * detect_cpop.c
 *	  CPOP: the exact continuous piecewise-linear fit with an L0 penalty on
 *	  the number of bends (Fearnhead, Maidstone and Letchford 2019,
 *	  "Detecting changes in slope with an L0 penalty", JCGS 28(2)), written
 *	  for krimp's workspace (detect.h, docs/detect.md).
 *
 * The recursion.  Knots are observed indices 0 = k_0 < k_1 < ... < k_j (the
 * bends) and the fit interpolates linearly between the values phi at the
 * knots; the last piece runs from the newest bend to m - 1.  A candidate is
 * a knot sequence ending at s with the least cost of z[0..s] as a function
 * of the value phi at s, a quadratic q(phi) = A (phi - mu)^2 + R: the
 * first value z_0 is the start (A = 1, mu = z_0, R = 0), and a candidate
 * extended to t costs
 *
 *	  g(phi) = R + beta [s > 0] + min_phi' { A (phi' - mu)^2 + sum_(s,t] (z_i - line(phi', phi))^2 },
 *
 * again a quadratic: the weighted least-squares line through the values
 * after s and a pseudo-point (x_s, mu) of weight A, RSS + A' (phi - mu')^2
 * with mu' its fitted value at x_t and 1/A' = 1/W + (x_t - xbar)^2 / Sxx.
 * Each candidate keeps the centred sums of its values after s (Welford's
 * updates), so no sum is differenced and x need not be small.
 *
 * Pruning.  At t the lower envelope of the eligible candidates' g is the
 * best cost with a knot at t; only candidates on it make new candidates
 * (functional pruning: the future depends on the past only through the
 * value at t).  A candidate whose g is at least beta above the envelope for
 * every phi can never beat a knot at t, since putting a knot at t into its
 * line costs beta and fits no worse (inequality pruning, the paper's
 * Theorem 3.2); with a minimum segment the knot at t is usable only
 * min_segment - 1 steps later, so the candidate is dropped then.
 */
#include "detect_internal.h"

#include <math.h>
#include <string.h>

#include "series.h"

#define STAT_N 0
#define STAT_MX 1
#define STAT_MZ 2
#define STAT_SXX 3
#define STAT_SZZ 4
#define STAT_SXZ 5
#define STATS 6

/* A new node; -1 when the pool is full. */
static inline int32_t
node_new(krimp_detect_workspace *ws, int32_t *used, int32_t knot, int32_t parent, double mu, double A, double R)
{
	int32_t		i = *used;

	if (i >= ws->pool_cap)
		return -1;
	ws->nd_knot[i] = knot;
	ws->nd_parent[i] = parent;
	ws->nd_mu[i] = mu;
	ws->nd_A[i] = A;
	ws->nd_R[i] = R;
	*used = i + 1;
	return i;
}

/*
 * Compact the pool to the nodes the live candidates reach (parents come
 * before children, so one pass in order keeps that).  Returns the new count.
 */
static int32_t
pool_compact(krimp_detect_workspace *ws, int32_t used, int32_t live)
{
	int32_t    *fwd = ws->nd_fwd,
				n = 0;

	for (int32_t i = 0; i < used; i++)
		fwd[i] = -1;
	for (int32_t c = 0; c < live; c++)
		for (int32_t i = ws->lv_node[c]; i >= 0 && fwd[i] == -1; i = ws->nd_parent[i])
			fwd[i] = 0;			/* reached */
	for (int32_t i = 0; i < used; i++)
	{
		if (fwd[i] == -1)
			continue;
		fwd[i] = n;
		ws->nd_knot[n] = ws->nd_knot[i];
		ws->nd_parent[n] = ws->nd_parent[i] >= 0 ? fwd[ws->nd_parent[i]] : -1;
		ws->nd_mu[n] = ws->nd_mu[i];
		ws->nd_A[n] = ws->nd_A[i];
		ws->nd_R[n] = ws->nd_R[i];
		n++;
	}
	for (int32_t c = 0; c < live; c++)
		ws->lv_node[c] = fwd[ws->lv_node[c]];
	return n;
}

/* Grow an array of *cap elements of size el to at least need, keeping its contents. */
static bool
grow(void **arr, size_t el, size_t old, size_t new_count)
{
	void	   *q = krimp_alloc(el * new_count);

	if (q == NULL)
		return false;
	memcpy(q, *arr, el * old);
	krimp_free(*arr);
	*arr = q;
	return true;
}

#define GROW(field, old, new_count) grow((void **) &ws->field, sizeof(*ws->field), (size_t) (old), (size_t) (new_count))

/* Room for at least need nodes in the pool; false when out of memory. */
static bool
pool_reserve(krimp_detect_workspace *ws, int32_t need)
{
	int32_t		cap = ws->pool_cap;

	if (need <= cap)
		return true;
	if (need < 2 * cap)
		need = 2 * cap;
	if (!(GROW(nd_knot, cap, need) && GROW(nd_parent, cap, need) && GROW(nd_mu, cap, need) &&
		  GROW(nd_A, cap, need) && GROW(nd_R, cap, need) && GROW(nd_fwd, cap, need)))
		return false;
	ws->pool_cap = need;
	return true;
}

/* Room for at least need live candidates (and one step's quadratics and envelope). */
static bool
live_reserve(krimp_detect_workspace *ws, int32_t need)
{
	int32_t		cap = ws->live_cap;

	if (need <= cap)
		return true;
	if (need < 2 * cap)
		need = 2 * cap;
	if (!(GROW(lv_node, cap, need) && GROW(lv_dead, cap, need) &&
		  GROW(lv_stat, (size_t) cap * STATS, (size_t) need * STATS) &&
		  GROW(g_mu, cap, need) && GROW(g_A, cap, need) && GROW(g_R, cap, need) &&
		  GROW(g_idx, cap, need) && GROW(g_env, cap, need) &&
		  GROW(g_a, cap, need) && GROW(g_b, cap, need) && GROW(g_c, cap, need) && GROW(g_rt, cap, need) &&
		  GROW(env_k, KRIMP_CPOP_ENV(cap), KRIMP_CPOP_ENV(need)) &&
		  GROW(env_lo, KRIMP_CPOP_ENV(cap), KRIMP_CPOP_ENV(need))))
		return false;
	ws->live_cap = need;
	return true;
}

/* Add (x, z) to a candidate's centred sums. */
static inline void
stat_add(double *st, double x, double z)
{
	double		n1 = st[STAT_N] + 1.0,
				dx = x - st[STAT_MX],
				dz = z - st[STAT_MZ];

	st[STAT_N] = n1;
	st[STAT_MX] += dx / n1;
	st[STAT_MZ] += dz / n1;
	st[STAT_SXX] += dx * (x - st[STAT_MX]);
	st[STAT_SZZ] += dz * (z - st[STAT_MZ]);
	st[STAT_SXZ] += dx * (z - st[STAT_MZ]);
}

/*
 * g of a candidate (node: knot at xs, A (phi - mu)^2 + R; st: its values
 * after the knot) at a knot at xt: *mu_out, *A_out and the residual sum of
 * squares (without R and the penalty).
 */
static inline double
extend(const double *st, double xs, double mu, double A, double xt, double *mu_out, double *A_out)
{
	double		n = st[STAT_N],
				W = n + A,
				f = n * A / W,
				ddx = xs - st[STAT_MX],
				ddz = mu - st[STAT_MZ],
				sxx = st[STAT_SXX] + f * ddx * ddx,
				szz = st[STAT_SZZ] + f * ddz * ddz,
				sxz = st[STAT_SXZ] + f * ddx * ddz,
				xbar = st[STAT_MX] + (A / W) * ddx,
				zbar = st[STAT_MZ] + (A / W) * ddz,
				b = sxz / sxx,
				h = xt - xbar,
				rss = szz - b * sxz;

	*mu_out = zbar + b * h;
	*A_out = 1.0 / (1.0 / W + h * h / sxx);
	return rss > 0.0 ? rss : 0.0;
}

/* Coefficients of A (phi - mu)^2 + R in psi = phi - phi0: a psi^2 + b psi + c. */
static inline void
coefs(double mu, double A, double R, double phi0, double *a, double *b, double *c)
{
	double		d = mu - phi0;

	*a = A;
	*b = -2.0 * A * d;
	*c = A * d * d + R;
}

/* Half-width of {phi: A (phi - mu)^2 + R <= ub}; negative when empty. */
static inline double
radius(double A, double R, double ub)
{
	return ub >= R ? sqrt((ub - R) / A) : -1.0;
}

/*
 * The lower envelope of the E quadratics g_* (in psi = phi - phi0, each
 * with R <= ub) where it is at most ub: writes the pieces (env_k, env_lo:
 * the left end of each; env_lo[np] the right end) and marks g_env where
 * the envelope is at most ub_node (<= ub).  Outside those sets no value at
 * the knot can be part of a fit better than the upper bound.  Returns the
 * number of pieces.
 */
static int32_t
envelope(krimp_detect_workspace *ws, int32_t E, double phi0, double ub, double ub_node)
{
	int32_t		j = -1,
				np = 0,
				guard = 3 * E + 3;
	double		lo = INFINITY,
				hi = -INFINITY,
				aj = 0.0,
				bj = 0.0,
				cj = 0.0;

	for (int32_t e = 0; e < E; e++)
	{
		double		r = radius(ws->g_A[e], ws->g_R[e], ub),
					d = ws->g_mu[e] - phi0;

		ws->g_env[e] = false;
		ws->g_rt[e] = isinf(r) ? INFINITY : d + r;
		coefs(ws->g_mu[e], ws->g_A[e], ws->g_R[e], phi0, &ws->g_a[e], &ws->g_b[e], &ws->g_c[e]);
		if (d - r < lo)
			lo = d - r;
		if (d + r > hi)
			hi = d + r;
	}
	/* the least at lo, then the one falling fastest; at -inf the least A, largest b, least c */
	for (int32_t e = 0; e < E; e++)
	{
		double		a,
					b,
					c;
		bool		better;

		a = ws->g_a[e];
		b = ws->g_b[e];
		c = ws->g_c[e];
		if (j < 0)
			better = true;
		else if (isinf(lo))
			better = a < aj || (a == aj && (b > bj || (b == bj && c < cj)));
		else
		{
			double		v = (a * lo + b) * lo + c,
						vj = (aj * lo + bj) * lo + cj,
						sl = 2.0 * a * lo + b,
						slj = 2.0 * aj * lo + bj;

			better = v < vj || (v == vj && sl < slj);
		}
		if (better)
		{
			j = e;
			aj = a;
			bj = b;
			cj = c;
		}
	}
	for (;;)
	{
		double		best_x = INFINITY,
					best_slope = INFINITY,
					best_a = INFINITY,
					ba = 0.0,
					bb = 0.0,
					bc = 0.0,
					eps = isinf(lo) ? 0.0 : 1e-12 * (1.0 + fabs(lo)),
					r = radius(aj, ws->g_R[j], ub),
					dj = ws->g_mu[j] - phi0;
		int32_t		best = -1;

		ws->env_k[np] = j;
		ws->env_lo[np] = lo;
		np++;
		if (--guard <= 0)
			break;
		for (int32_t e = 0; e < E; e++)
		{
			double		a,
						b,
						c,
						da,
						db,
						dc,
						roots[2];
			int			nr = 0;

			/* a quadratic above ub right of lo changes nothing that matters */
			if (e == j || !(ws->g_rt[e] > lo))
				continue;
			a = ws->g_a[e];
			b = ws->g_b[e];
			c = ws->g_c[e];
			da = a - aj;
			db = b - bj;
			dc = c - cj;
			/* roots of g_e - g_j beyond lo where it turns negative (falling through zero) */
			if (da == 0.0)
			{
				if (db != 0.0)
					roots[nr++] = -dc / db;
			}
			else
			{
				double		disc = db * db - 4.0 * da * dc;

				if (disc > 0.0)
				{
					double		q = -0.5 * (db + copysign(sqrt(disc), db));

					roots[nr++] = q / da;
					if (q != 0.0)
						roots[nr++] = dc / q;
				}
			}
			for (int i = 0; i < nr; i++)
			{
				double		x = roots[i],
							slope = 2.0 * da * x + db,
							tie;

				if (!(x > lo + eps) || !(x < hi) || !(slope < 0.0))
					continue;
				tie = 1e-12 * (1.0 + fabs(x));
				if (x < best_x - tie ||
					(x <= best_x + tie && (slope < best_slope || (slope == best_slope && a < best_a))))
				{
					best_x = x;
					best_slope = slope;
					best_a = a;
					best = e;
					ba = a;
					bb = b;
					bc = c;
				}
			}
		}
		/* on the envelope where the envelope is within the bound for a knot */
		r = radius(aj, ws->g_R[j], ub_node);
		if (r >= 0.0 && dj - r <= (best < 0 ? hi : best_x) && dj + r >= lo)
			ws->g_env[j] = true;
		if (best < 0)
			break;
		j = best;
		aj = ba;
		bj = bb;
		cj = bc;
		lo = best_x;
	}
	ws->env_lo[np] = hi;
	return np;
}

/*
 * Is g_e at least beta above the envelope wherever g_e <= ub?  (Where
 * g_e > ub the candidate cannot be part of a fit better than the bound.)
 */
static bool
dominated(const krimp_detect_workspace *ws, int32_t e, int32_t np, double phi0, double beta, double ub)
{
	double		a,
				b,
				c,
				r = radius(ws->g_A[e], ws->g_R[e], ub),
				elo = ws->g_mu[e] - phi0 - r,
				ehi = ws->g_mu[e] - phi0 + r;

	if (r < 0.0)
		return true;
	if (isinf(r))
	{
		elo = -INFINITY;
		ehi = INFINITY;
	}
	a = ws->g_a[e];
	b = ws->g_b[e];
	c = ws->g_c[e];
	for (int32_t p = 0; p < np; p++)
	{
		int32_t		j = ws->env_k[p];
		double		aj,
					bj,
					cj,
					da,
					db,
					dc,
					lo = fmax(ws->env_lo[p], elo),
					hi = fmin(ws->env_lo[p + 1], ehi);

		if (lo > hi)
			continue;
		aj = ws->g_a[j];
		bj = ws->g_b[j];
		cj = ws->g_c[j];
		da = a - aj;
		db = b - bj;
		dc = c - cj;
		if (isinf(lo) ? (da < 0.0 || (da == 0.0 && db > 0.0)) : (da * lo + db) * lo + dc < beta)
			return false;
		if (isinf(hi) ? (da < 0.0 || (da == 0.0 && db < 0.0)) : (da * hi + db) * hi + dc < beta)
			return false;
		if (da > 0.0)
		{
			double		v = -db / (2.0 * da);

			if (v > lo && v < hi && dc - db * db / (4.0 * da) < beta)
				return false;
		}
	}
	return true;
}

/*
 * Bounds for the pruning.  lb[i] (i = 0 .. m) is a lower bound of the cost
 * of z[i..m-1] in any fit: the optimal partitioning of those values into
 * separate straight lines (no continuity, pieces of any length) with beta
 * per change, which is never more than a continuous fit of them with as
 * many bends; backwards, with PELT's pruning (valid: a line cost is
 * superadditive).  Line costs from globally centred prefix sums, less a
 * margin for rounding.  nxt[i] is the start of the next piece, a heuristic
 * set of knots for the upper bound.
 */
static void
lower_bound(krimp_detect_workspace *ws, const double *x, const double *z, int32_t m, double beta,
			double *margin_out, double *xc_out, double *zc_out)
{
	double	   *P = ws->psum,
			   *lb = ws->lb,
				xc = (x[0] + x[m - 1]) / 2.0,
				zc = 0.0,
				energy = 0.0;
	int32_t    *cand = ws->pelt,
			   *nxt = ws->nxt,
				nc = 0;

	for (int32_t i = 0; i < m; i++)
		zc += z[i];
	zc /= m;
	*xc_out = xc;
	*zc_out = zc;
	for (int32_t k = 0; k < 5; k++)
		P[k] = 0.0;
	for (int32_t i = 0; i < m; i++)
	{
		double		xx = x[i] - xc,
					zz = z[i] - zc;
		double	   *a = P + (size_t) i * 5,
				   *b = a + 5;

		b[0] = a[0] + xx;
		b[1] = a[1] + zz;
		b[2] = a[2] + xx * xx;
		b[3] = a[3] + zz * zz;
		b[4] = a[4] + xx * zz;
		energy += zz * zz + xx * xx;
	}
	*margin_out = 1e-10 * (1.0 + energy) * (1.0 + log((double) m));
	lb[m] = -beta;
	nxt[m] = m;
	cand[nc++] = m;
	for (int32_t i = m - 1; i >= 0; i--)
	{
		double		best = INFINITY;
		int32_t		bj = m,
					keep = 0;
		const double *a = P + (size_t) i * 5;

		for (int32_t c = 0; c < nc; c++)
		{
			int32_t		j = cand[c];
			double		n = (double) (j - i),
						rss = 0.0;

			if (j - i > 2)
			{
				const double *b = P + (size_t) j * 5;
				double		sx = b[0] - a[0],
							sz = b[1] - a[1],
							sxx = (b[2] - a[2]) - sx * sx / n,
							szz = (b[3] - a[3]) - sz * sz / n,
							sxz = (b[4] - a[4]) - sx * sz / n;

				rss = sxx > 0.0 ? szz - sxz * sxz / sxx : szz;
				if (rss < 0.0)
					rss = 0.0;
			}
			ws->scratch[c] = rss + lb[j];
			if (rss + lb[j] + beta < best)
			{
				best = rss + lb[j] + beta;
				bj = j;
			}
		}
		lb[i] = best;
		nxt[i] = bj;
		/* PELT: a start whose cost already exceeds the optimum here never wins */
		for (int32_t c = 0; c < nc; c++)
			if (ws->scratch[c] <= best)
				cand[keep++] = cand[c];
		nc = keep;
		cand[nc++] = i;
	}
}

/* The centred sums of the values a..b (a <= b) from the prefix sums of lower_bound. */
static inline void
prefix_stat(const double *P, int32_t a, int32_t b, double *st)
{
	const double *pa = P + (size_t) a * 5,
			   *pb = P + (size_t) (b + 1) * 5;
	double		n = (double) (b - a + 1),
				sx = pb[0] - pa[0],
				sz = pb[1] - pa[1],
				sxx = (pb[2] - pa[2]) - sx * sx / n,
				szz = (pb[3] - pa[3]) - sz * sz / n,
				sxz = (pb[4] - pa[4]) - sx * sz / n;

	st[STAT_N] = n;
	st[STAT_MX] = sx / n;
	st[STAT_MZ] = sz / n;
	st[STAT_SXX] = sxx > 0.0 ? sxx : 0.0;
	st[STAT_SZZ] = szz > 0.0 ? szz : 0.0;
	st[STAT_SXZ] = sxz;
}

/*
 * The cost of the continuous fit with knots hk[0] = 0 < ... < hk[nk - 1] =
 * m - 1 (the bends in between), the recursion along one chain: from the
 * prefix sums (O(nk), centred coordinates: xc, z0 = z[0] - zc) or, with
 * P NULL, from the values (O(m), exact: the bound the pruning trusts).
 */
static double
chain_cost(const double *P, const double *x, const double *z, double xc, double zc,
		   const int32_t *hk, int32_t nk, double beta)
{
	double		st[STATS],
				mu = z[0] - zc,
				A = 1.0,
				R = 0.0;

	for (int32_t j = 1; j < nk; j++)
	{
		int32_t		s = hk[j - 1],
					t = hk[j];

		if (P != NULL)
			prefix_stat(P, s + 1, t, st);
		else
		{
			memset(st, 0, sizeof(st));
			for (int32_t i = s + 1; i <= t; i++)
				stat_add(st, x[i] - xc, z[i] - zc);
		}
		R += extend(st, x[s] - xc, mu, A, x[t] - xc, &mu, &A) + (s > 0 ? beta : 0.0);
	}
	return R;
}

/*
 * An upper bound of the optimum, the cost of a good fit: knots at the
 * starts of the pieces of the lower bound's partition (those at least gap
 * apart and from the ends), then a local search (drop a bend, move one by
 * up to 3, add one on a grid) while it lowers the cost, on the prefix sums;
 * the result costed exactly.
 */
static double
heuristic_cost(krimp_detect_workspace *ws, const double *x, const double *z, int32_t m, double beta,
			   int32_t gap, double xc, double zc)
{
	int32_t    *hk = ws->pelt,
			   *tmp = ws->nxt,
				nk = 0,
				stride = m / 48 > 1 ? m / 48 : 1;
	const double *P = ws->psum;
	double		cost;

	hk[nk++] = 0;
	for (int32_t j = ws->nxt[0]; j < m; j = ws->nxt[j])
		if (j - hk[nk - 1] >= gap && j <= m - 1 - gap)
			hk[nk++] = j;
	hk[nk++] = m - 1;
	cost = chain_cost(P, x, z, xc, zc, hk, nk, beta);

	for (int pass = 0; pass < 32; pass++)
	{
		bool		improved = false;
		int32_t		best_p = -1,
					best_j = -1;
		double		best_c;

		/* drop a bend */
		for (int32_t j = 1; j < nk - 1; j++)
		{
			double		c;

			memcpy(tmp, hk, sizeof(int32_t) * j);
			memcpy(tmp + j, hk + j + 1, sizeof(int32_t) * (nk - j - 1));
			c = chain_cost(P, x, z, xc, zc, tmp, nk - 1, beta);
			if (c < cost - 1e-12 * (1.0 + fabs(cost)))
			{
				cost = c;
				memcpy(hk, tmp, sizeof(int32_t) * (nk - 1));
				nk--;
				j--;
				improved = true;
			}
		}
		/* move a bend */
		for (int32_t j = 1; j < nk - 1; j++)
		{
			int32_t		orig = hk[j],
						best = orig;

			for (int32_t d = -3; d <= 3; d++)
			{
				int32_t		p = orig + d;
				double		c;

				if (d == 0 || p - hk[j - 1] < gap || hk[j + 1] - p < gap)
					continue;
				hk[j] = p;
				c = chain_cost(P, x, z, xc, zc, hk, nk, beta);
				if (c < cost - 1e-12 * (1.0 + fabs(cost)))
				{
					cost = c;
					best = p;
				}
			}
			hk[j] = best;
			improved = improved || best != orig;
		}
		/* add a bend */
		best_c = cost - 1e-12 * (1.0 + fabs(cost));
		for (int32_t j = 0; j + 1 < nk; j++)
			for (int32_t p = hk[j] + gap; p <= hk[j + 1] - gap; p += stride)
			{
				double		c;

				if (p <= hk[j] || p >= hk[j + 1])
					continue;
				memcpy(tmp, hk, sizeof(int32_t) * (j + 1));
				tmp[j + 1] = p;
				memcpy(tmp + j + 2, hk + j + 1, sizeof(int32_t) * (nk - j - 1));
				c = chain_cost(P, x, z, xc, zc, tmp, nk + 1, beta);
				if (c < best_c)
				{
					best_c = c;
					best_p = p;
					best_j = j;
				}
			}
		if (best_p >= 0)
		{
			memmove(hk + best_j + 2, hk + best_j + 1, sizeof(int32_t) * (nk - best_j - 1));
			hk[best_j + 1] = best_p;
			nk++;
			cost = best_c;
			improved = true;
		}
		if (!improved)
			break;
	}
	return chain_cost(NULL, x, z, xc, zc, hk, nk, beta);
}

/*
 * The fitted values at the knots of the chain ending in node `last` with
 * the value phi_end at m - 1: backwards, each knot's value given the next
 * one minimises its quadratic plus the piece between them.
 */
static void
knot_values(const krimp_detect_workspace *ws, const double *x, const double *z, int32_t m,
			int32_t last, double phi_end, const int32_t *bends, int32_t k, double *knots)
{
	int32_t		node = last,
				t = m - 1;
	double		phit = phi_end;

	knots[k + 1] = phi_end;
	for (int32_t j = k; j >= 0; j--)
	{
		int32_t		s = ws->nd_knot[node];
		double		num = ws->nd_A[node] * ws->nd_mu[node],
					den = ws->nd_A[node],
					d = x[t] - x[s];

		(void) bends;
		for (int32_t i = s + 1; i <= t; i++)
		{
			double		w = (x[i] - x[s]) / d;

			num += (1.0 - w) * (z[i] - phit * w);
			den += (1.0 - w) * (1.0 - w);
		}
		phit = num / den;
		knots[j] = phit;
		t = s;
		node = ws->nd_parent[node];
	}
}

bool
krimp_cpop(krimp_detect_workspace *ws, const double *x, const double *z, int32_t m,
		   double beta, int32_t min_segment, bool prune, krimp_cpop_fit *fit, krimp_error *err)
{
	int32_t		gap = min_segment - 1,	/* least distance between knots */
				used = 0,
				live = 0,
				best_e = -1;
	double		best_cost = INFINITY,
				best_mu = 0.0,
				ub = INFINITY,		/* the cost of a fit found so far (with prune) */
				margin = 0.0,
				xc,
				zc,
				slack,
				rest;
	double	   *sfx = ws->sfx;

	fit->k = 0;
	fit->cost = 0.0;
	fit->evaluated = 0;
	fit->most_live = 0;
	if (m > ws->capacity)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "series too long for the workspace");
	if (min_segment < 2 || !(beta >= 0.0))
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "CPOP needs a minimum segment of at least 2 and a penalty of at least 0");
	for (int32_t i = 0; i < m; i++)
		if (!isfinite(x[i]) || !isfinite(z[i]))
		{
			krimp_fail(err, KRIMP_ERR_NOT_FINITE, "CPOP needs finite values");
			krimp_fail_detail(err, "Value %d is not finite.", (int) i + 1);
			return false;
		}
	for (int32_t i = 1; i < m; i++)
		if (!(x[i] > x[i - 1]))
			return krimp_fail(err, KRIMP_ERR_PARAMETER, "CPOP needs strictly increasing positions");
	if (m < 2)
	{
		if (fit->knots != NULL && m == 1)
			fit->knots[0] = z[0];
		return true;
	}

	/* centred sums of z[i..m-1] (the rest of the series after a knot), and the straight line */
	memset(sfx + (size_t) m * STATS, 0, sizeof(double) * STATS);
	for (int32_t i = m - 1; i >= 1; i--)
	{
		memcpy(sfx + (size_t) i * STATS, sfx + (size_t) (i + 1) * STATS, sizeof(double) * STATS);
		stat_add(sfx + (size_t) i * STATS, x[i], z[i]);
	}
	if (prune)
	{
		double		mu,
					A,
					h;

		ub = extend(sfx + STATS, x[0], z[0], 1.0, x[m - 1], &mu, &A);
		lower_bound(ws, x, z, m, beta, &margin, &xc, &zc);
		h = heuristic_cost(ws, x, z, m, beta, gap, xc, zc);
		if (h < ub)
			ub = h;
	}
	else
		for (int32_t i = 0; i <= m; i++)
			ws->lb[i] = 0.0;

	node_new(ws, &used, 0, -1, z[0], 1.0, 0.0);
	ws->lv_node[0] = 0;
	ws->lv_dead[0] = INT32_MAX;
	memset(ws->lv_stat, 0, sizeof(double) * STATS);
	live = 1;

	for (int32_t t = 1; t < m; t++)
	{
		bool		last = t == m - 1,
					can_knot = t <= m - 1 - gap;
		int32_t		E = 0,
					keep = 0;
		double		phi0 = 0.0,
					rmin = INFINITY;

		/* drop the candidates pruned min_segment - 1 steps ago; add z_t to the rest */
		for (int32_t c = 0; c < live; c++)
		{
			if (ws->lv_dead[c] < t)
				continue;
			if (keep != c)
			{
				ws->lv_node[keep] = ws->lv_node[c];
				ws->lv_dead[keep] = ws->lv_dead[c];
				memcpy(ws->lv_stat + (size_t) keep * STATS, ws->lv_stat + (size_t) c * STATS, sizeof(double) * STATS);
			}
			stat_add(ws->lv_stat + (size_t) keep * STATS, x[t], z[t]);
			keep++;
		}
		live = keep;
		if (live > fit->most_live)
			fit->most_live = live;
		if (!last && !can_knot)
			continue;

		/* the eligible candidates' quadratics at t; those above the bound are done */
		slack = ub + margin + 1e-9 * (1.0 + fabs(ub));
		rest = last ? 0.0 : (ws->lb[t + 1] > 0.0 ? ws->lb[t + 1] : 0.0);
		for (int32_t c = 0; c < live; c++)
		{
			int32_t		nd = ws->lv_node[c],
						s = ws->nd_knot[nd];
			double		mu,
						A,
						rss;

			if (t - s < gap && !(last && s == 0))
				continue;		/* a short series is still a line */
			rss = extend(ws->lv_stat + (size_t) c * STATS, x[s], ws->nd_mu[nd], ws->nd_A[nd], x[t], &mu, &A);
			ws->g_mu[E] = mu;
			ws->g_A[E] = A;
			ws->g_R[E] = ws->nd_R[nd] + rss + (s > 0 ? beta : 0.0);
			ws->g_idx[E] = c;
			fit->evaluated++;
			if (ws->g_R[E] + rest > slack)
			{
				ws->lv_dead[c] = t - 1;
				continue;
			}
			if (ws->g_R[E] < rmin)
			{
				rmin = ws->g_R[E];
				phi0 = mu;
			}
			E++;
		}
		if (E == 0)
			continue;
		if (last)
		{
			for (int32_t e = 0; e < E; e++)
				if (ws->g_R[e] < best_cost)
				{
					best_cost = ws->g_R[e];
					best_e = ws->g_idx[e];
					best_mu = ws->g_mu[e];
				}
			break;
		}

		{
			int32_t		np = envelope(ws, E, phi0, slack - rest, slack - rest - beta),
						added = 0;

			if (prune)
				for (int32_t e = 0; e < E; e++)
				{
					int32_t		c = ws->g_idx[e];

					if (!ws->g_env[e] && ws->lv_dead[c] == INT32_MAX && dominated(ws, e, np, phi0, beta, slack - rest))
						ws->lv_dead[c] = t + gap - 1;
				}
			for (int32_t e = 0; e < E; e++)
			{
				if (!ws->g_env[e])
					continue;
				added++;
				if (prune)
				{
					/* a fit: this candidate, a bend at t, one line to the end */
					double		mu,
								A,
								total = ws->g_R[e] + beta +
						extend(sfx + (size_t) (t + 1) * STATS, x[t], ws->g_mu[e], ws->g_A[e], x[m - 1], &mu, &A);

					if (total < ub)
						ub = total;
				}
			}
			if (used + added > ws->pool_cap)
				used = pool_compact(ws, used, live);
			if (!pool_reserve(ws, used + added) || !live_reserve(ws, live + added))
				return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
			for (int32_t e = 0; e < E; e++)
			{
				int32_t		nd;

				if (!ws->g_env[e])
					continue;
				nd = node_new(ws, &used, t, ws->lv_node[ws->g_idx[e]], ws->g_mu[e], ws->g_A[e], ws->g_R[e]);
				ws->lv_node[live] = nd;
				ws->lv_dead[live] = INT32_MAX;
				memset(ws->lv_stat + (size_t) live * STATS, 0, sizeof(double) * STATS);
				live++;
			}
		}
	}

	/* the bends of the best candidate, oldest first */
	if (best_e < 0)
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "CPOP found no fit");
	{
		int32_t		nd = ws->lv_node[best_e],
					k = 0;

		for (int32_t i = nd; i >= 0 && ws->nd_parent[i] >= 0; i = ws->nd_parent[i])
			fit->bends[k++] = ws->nd_knot[i];
		for (int32_t i = 0; i < k / 2; i++)
		{
			int32_t		tmp = fit->bends[i];

			fit->bends[i] = fit->bends[k - 1 - i];
			fit->bends[k - 1 - i] = tmp;
		}
		fit->k = k;
		fit->cost = best_cost;
		if (fit->knots != NULL)
			knot_values(ws, x, z, m, nd, best_mu, fit->bends, k, fit->knots);
	}
	return true;
}
