/*
 * test_detect.c
 *	  Unit tests of the change-point detectors (extension/core/detect.c):
 *	  a brute-force oracle for optimal partitioning, planted changes, series
 *	  without changes, extreme magnitudes, missing values, and reference
 *	  values from R.
 *
 * The reference values were printed by test/reference/detect_reference.R
 * (R 4.2.2 Patched (2022-11-10 r83330), segmented 1.6.2, strucchange 1.5.3;
 * output kept in test/reference/detect_reference.out):
 * segmented::davies.test(lm(y ~ x), seg.Z = ~x, k = 10) for the p-values and
 * strucchange::breakpoints(y ~ 1, h = 3) for the BIC breakpoints.
 */
#include <float.h>
#include <stdlib.h>

#include "unit.h"
#include "detect.h"
#include "series.h"
#include "trend.h"

static krimp_detect_workspace *ws;

/* ---- helpers -------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

/* Uniform on (0, 1): xorshift64*. */
static double
uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return ((rng_state * 0x2545F4914F6CDD1DULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-300;
}

/* Standard normal (Box-Muller). */
static double
gauss(void)
{
	return sqrt(-2.0 * log(uniform())) * cos(2.0 * 3.141592653589793 * uniform());
}

/* R's wiggle(n) of detect_reference.R: round(sin(i * 2.3) * 3 + cos(i * 0.7) * 2, 3). */
static double
wiggle(int i)
{
	return round((sin(i * 2.3) * 3 + cos(i * 0.7) * 2) * 1000.0) / 1000.0;
}

static int
cmp_d(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Detect with one model and default parameters (changed by the caller's p if given). */
static krimp_detect_result
detect(const double *y, int n, krimp_detect_model model, const krimp_detect_params *pp)
{
	krimp_detect_params p;
	krimp_detect_result r;
	krimp_error err;

	krimp_detect_params_default(&p);
	if (pp)
		p = *pp;
	if (!krimp_detect_changes(ws, y, n, model, &p, &r, &err))
	{
		fprintf(stderr, "  detect failed: %s\n", err.message);
		r.count = -1;
	}
	return r;
}

/* ---- the brute-force oracle for optimal partitioning ---------------------- */

/* Penalised cost of the segmentation of z[0..m-1] with changes at the bits of mask. */
static double
oracle_cost(const double *z, int m, unsigned mask, krimp_detect_criterion crit, double beta, double pen,
			int *k_out)
{
	double		total = 0.0;
	int			a = 0,
				k = 0;

	for (int b = 1; b <= m; b++)
	{
		if (b < m && !(mask & (1u << b)))
			continue;
		{
			double		s = 0.0,
						ss = 0.0;

			for (int i = a; i < b; i++)
				s += z[i];
			s /= (b - a);
			for (int i = a; i < b; i++)
				ss += (z[i] - s) * (z[i] - s);
			total += ss + (crit == KRIMP_CRITERION_DEFAULT ? log((double) (b - a)) : 0.0);
		}
		if (b < m)
			k++;
		a = b;
	}
	*k_out = k;
	if (crit == KRIMP_CRITERION_DEFAULT)
		return total + k * beta;
	return m * (total > 1e-300 ? log(total / m) : -INFINITY) + pen * 2.0 * (k + 1) * log((double) m);
}

/* Is every segment at least ms long? */
static bool
oracle_valid(int m, unsigned mask, int ms)
{
	int			a = 0;

	for (int b = 1; b <= m; b++)
	{
		if (b < m && !(mask & (1u << b)))
			continue;
		if (b - a < ms)
			return false;
		a = b;
	}
	return true;
}

static void
test_op_oracle(void)
{
	int			mismatches = 0,
				cases = 0;

	for (int rep = 0; rep < 3000; rep++)
	{
		int			m = 4 + (int) (uniform() * 9),	/* 4 .. 12 */
					ms = 2 + (int) (uniform() * 2),
					kmax = 1 + (int) (uniform() * 4),
					kcap;
		krimp_detect_criterion crit = uniform() < 0.5 ? KRIMP_CRITERION_DEFAULT : KRIMP_CRITERION_BIC;
		double		y[12],
					z[12],
					sorted[12],
					sigma,
					med,
					beta,
					best = INFINITY,
					got;
		int			level = 0,
					kdummy;
		unsigned	got_mask = 0;
		krimp_detect_params p;
		krimp_detect_result r;

		for (int i = 0; i < m; i++)
		{
			if (uniform() < 0.25)
				level = (int) (uniform() * 5);
			y[i] = level * (0.5 + uniform() * 3) + gauss();
		}
		krimp_detect_params_default(&p);
		p.min_segment = ms;
		p.max_changes = kmax;
		p.criterion = crit;
		p.penalty = 0.3 + uniform() * 1.5;
		r = detect(y, m, KRIMP_MODEL_LEVEL, &p);
		CHECK(r.count >= 0);
		if (r.count < 0)
			return;

		/* the same scaling as the detector */
		sigma = krimp_robust_sigma(ws, y, m);
		memcpy(sorted, y, sizeof(double) * m);
		qsort(sorted, m, sizeof(double), cmp_d);
		med = m % 2 ? sorted[m / 2] : sorted[m / 2 - 1] / 2 + sorted[m / 2] / 2;
		for (int i = 0; i < m; i++)
			z[i] = (y[i] - med) / sigma;
		beta = p.penalty * KRIMP_DETECT_LEVEL_PENALTY * log((double) m);
		kcap = kmax;
		if (crit == KRIMP_CRITERION_BIC && kcap > (m + ms - 1) / ms - 2)
			kcap = (m + ms - 1) / ms - 2;
		for (unsigned mask = 0; mask < (1u << m); mask += 2)
		{
			int			k;
			double		c;

			if (!oracle_valid(m, mask, ms))
				continue;
			c = oracle_cost(z, m, mask, crit, beta, p.penalty, &k);
			if (k <= kcap && c < best)
				best = c;
		}
		for (int j = 0; j < r.count; j++)
			got_mask |= 1u << r.changes[j].position;
		CHECK(oracle_valid(m, got_mask, ms));
		got = oracle_cost(z, m, got_mask, crit, beta, p.penalty, &kdummy);
		cases++;
		if (!(fabs(got - best) <= 1e-9 * fmax(1.0, fabs(best))) && !(isinf(got) && isinf(best)))
		{
			if (mismatches++ < 5)
				fprintf(stderr, "  oracle: m=%d ms=%d kmax=%d crit=%d cost %.17g, optimum %.17g\n",
						m, ms, kmax, (int) crit, got, best);
		}
	}
	CHECK(mismatches == 0);
	CHECK(cases == 3000);
}

/* ---- the brute-force oracle for CPOP -------------------------------------- */

/*
 * Residual sum of squares of the least-squares continuous piecewise-linear
 * fit of z at x (m points) with knots at 0, the bits of mask (observed
 * indices 1 .. m - 2) and m - 1: the tent functions of the knots as columns,
 * modified Gram-Schmidt with reorthogonalisation in long double.
 */
static double
oracle_pl_rss(const double *x, const double *z, int m, unsigned mask)
{
	long double q[16][16],
				r[16];
	int			knots[16],
				nk = 0,
				p = 0;

	for (int i = 0; i < m; i++)
		if (i == 0 || i == m - 1 || (mask & (1u << i)))
			knots[nk++] = i;
	for (int i = 0; i < m; i++)
		r[i] = z[i];
	if (m == 1)
		return 0.0;
	for (int j = 0; j < nk; j++)
	{
		long double col[16],
					norm = 0.0L;

		for (int i = 0; i < m; i++)
		{
			long double v = 0.0L;

			if (j > 0 && i >= knots[j - 1] && i <= knots[j])
				v = (long double) (x[i] - x[knots[j - 1]]) / (x[knots[j]] - x[knots[j - 1]]);
			else if (j + 1 < nk && i >= knots[j] && i <= knots[j + 1])
				v = (long double) (x[knots[j + 1]] - x[i]) / (x[knots[j + 1]] - x[knots[j]]);
			col[i] = v;
		}
		for (int pass = 0; pass < 2; pass++)
			for (int k = 0; k < p; k++)
			{
				long double d = 0.0L;

				for (int i = 0; i < m; i++)
					d += q[k][i] * col[i];
				for (int i = 0; i < m; i++)
					col[i] -= d * q[k][i];
			}
		for (int i = 0; i < m; i++)
			norm += col[i] * col[i];
		norm = sqrtl(norm);
		if (norm < 1e-14L)
			continue;
		for (int i = 0; i < m; i++)
			q[p][i] = col[i] / norm;
		p++;
	}
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < p; k++)
		{
			long double d = 0.0L;

			for (int i = 0; i < m; i++)
				d += q[k][i] * r[i];
			for (int i = 0; i < m; i++)
				r[i] -= d * q[k][i];
		}
	{
		long double ss = 0.0L;

		for (int i = 0; i < m; i++)
			ss += r[i] * r[i];
		return (double) ss;
	}
}

/* Do the knots of mask (with 0 and m - 1) lie at least gap apart? Sets *k to the bends. */
static bool
oracle_pl_valid(int m, unsigned mask, int gap, int *k)
{
	int			prev = 0;

	*k = 0;
	for (int i = 1; i < m; i++)
	{
		if (i < m - 1 && !(mask & (1u << i)))
			continue;
		if (i - prev < gap)
			return false;
		if (i < m - 1)
			(*k)++;
		prev = i;
	}
	return true;
}

/* The least penalised cost over every valid bend set, by enumeration; *second: the least of the others. */
static double
oracle_cpop(const double *x, const double *z, int m, double beta, int ms, unsigned *best_mask, double *second)
{
	double		best = INFINITY;

	*best_mask = 0;
	*second = INFINITY;
	for (unsigned mask = 0; mask < (1u << m); mask += 2)
	{
		int			k;
		double		c;

		if ((mask >> (m - 1)) & 1u)
			continue;
		if (mask != 0 && !oracle_pl_valid(m, mask, ms - 1, &k))
			continue;
		if (mask == 0)
			k = 0;		/* a short series is still a line */
		c = oracle_pl_rss(x, z, m, mask) + beta * k;
		if (c < best)
		{
			*second = best;
			best = c;
			*best_mask = mask;
		}
		else if (c < *second)
			*second = c;
	}
	return best;
}

/*
 * CPOP against the oracle on short series of many kinds: noise,
 * piecewise-linear with and without noise, integers with ties, constant,
 * exact lines, steps, gaps in x (missing values), with and without the
 * inequality pruning.
 */
static void
test_cpop_oracle(void)
{
	int			mismatches = 0,
				cases = 0,
				with_bends = 0,
				unique = 0;
	int32_t		bends[16];
	double		knots[16];

	rng_state = 4242;
	for (int rep = 0; rep < 2500; rep++)
	{
		int			m = 2 + (int) (uniform() * 13),	/* 2 .. 14 */
					ms = 2 + (int) (uniform() * 5),	/* 2 .. 6 */
					shape = rep % 8;
		double		x[16],
					z[16],
					beta = uniform() < 0.2 ? 0.0 : 0.2 + uniform() * 12.0,
					best,
					second,
					slope = gauss(),
					level = gauss() * 3.0;
		unsigned	best_mask,
					got_mask = 0;
		int			pos = 0;

		for (int i = 0; i < m; i++)
		{
			/* shape 6, 7: gaps, as missing values leave them */
			pos += (shape >= 6 && uniform() < 0.35) ? 1 + (int) (uniform() * 3) : 1;
			x[i] = pos - 1;
		}
		for (int i = 0; i < m; i++)
		{
			switch (shape)
			{
				case 0:
					z[i] = gauss();
					break;
				case 1:
				case 6:
					if (uniform() < 0.25)
						slope = gauss() * 2.0;
					level += slope * (i > 0 ? x[i] - x[i - 1] : 0.0);
					z[i] = level + 0.3 * gauss();
					break;
				case 2:
					if (uniform() < 0.3)
						slope = (double) (int) (uniform() * 5) - 2.0;
					level += slope;
					z[i] = level;	/* exact piecewise line */
					break;
				case 3:
					z[i] = (double) (int) (uniform() * 4);	/* integers, ties */
					break;
				case 4:
					z[i] = rep % 16 == 4 ? 3.5 : 2.0 - 0.5 * x[i];	/* constant, exact line */
					break;
				case 5:
					z[i] = (i < m / 2 ? 0.0 : 4.0) + 0.2 * gauss();	/* a step */
					break;
				default:
					z[i] = 10.0 * sin(x[i] * 0.9) + gauss();
					break;
			}
		}
		best = oracle_cpop(x, z, m, beta, ms, &best_mask, &second);
		for (int prune = 0; prune <= 1; prune++)
		{
			krimp_cpop_fit f;
			krimp_error err;
			int			kk;
			double		got;

			f.bends = bends;
			f.knots = knots;
			if (!krimp_cpop(ws, x, z, m, beta, ms, prune, &f, &err))
			{
				if (mismatches++ < 5)
					fprintf(stderr, "  cpop failed: rep %d m=%d ms=%d: %s\n", rep, m, ms, err.message);
				continue;
			}
			got_mask = 0;
			for (int j = 0; j < f.k; j++)
			{
				CHECK(bends[j] >= 1 && bends[j] <= m - 2);
				CHECK(j == 0 || bends[j] > bends[j - 1]);
				got_mask |= 1u << bends[j];
			}
			CHECK(got_mask == 0 || (oracle_pl_valid(m, got_mask, ms - 1, &kk) && kk == f.k));
			got = oracle_pl_rss(x, z, m, got_mask) + beta * f.k;
			cases++;
			/* the same bends when the optimum is unique (by more than rounding) */
			if (second - best > 1e-7 * fmax(1.0, fabs(best)))
			{
				unique++;
				if (got_mask != best_mask && mismatches++ < 5)
					fprintf(stderr, "  cpop oracle: rep %d m=%d: bends %x, optimum %x\n", rep, m, got_mask, best_mask);
			}
			if (!(fabs(got - best) <= 1e-9 * fmax(1.0, fabs(best))) ||
				!(fabs(f.cost - best) <= 1e-8 * fmax(1.0, fabs(best))))
			{
				if (mismatches++ < 5)
					fprintf(stderr, "  cpop oracle: rep %d m=%d ms=%d beta=%g shape=%d prune=%d: "
							"cost %.17g (recursion %.17g, mask %x), optimum %.17g (mask %x)\n",
							rep, m, ms, beta, shape, prune, got, f.cost, got_mask, best, best_mask);
				if (getenv("CPOP_DUMP"))
					for (int i = 0; i < m; i++)
						fprintf(stderr, "%.17g %.17g\n", x[i], z[i]);
			}
			/* the knot values reproduce the cost */
			if (m >= 2)
			{
				double		rss = 0.0;
				int			j = 0;

				for (int i = 0; i < m; i++)
				{
					int			a = j == 0 ? 0 : bends[j - 1],
								b = j == f.k ? m - 1 : bends[j];
					double		wt = (x[i] - x[a]) / (x[b] - x[a]),
								r = z[i] - (knots[j] * (1.0 - wt) + knots[j + 1] * wt);

					rss += r * r;
					if (i == b && j < f.k)
						j++;
				}
				CHECK_NEAR(rss + beta * f.k, best, 1e-8);
			}
		}
		with_bends += best_mask != 0;
	}
	printf("  cpop oracle: %d fits (%d with a unique optimum: the same bends), %d series whose optimum has bends\n",
		   cases, unique, with_bends);
	CHECK(mismatches == 0);
	CHECK(with_bends > 500);
	CHECK(unique > 4000);
}

/*
 * A long series: the same optimum with and without the inequality pruning,
 * and much less work with it.  Without it the candidates outgrow the
 * workspace's first pools (8 n + 128): they grow.
 */
static void
test_cpop_pruning(void)
{
	static int32_t bends[400];
	double		x[400],
				z[400],
				beta = 3.0 * log(400.0);
	krimp_cpop_fit f0,
				f1;
	krimp_error err;
	double		level = 0.0,
				slope = 0.5;

	rng_state = 99;
	for (int i = 0; i < 400; i++)
	{
		if (i % 50 == 0)
			slope = gauss();
		level += slope;
		x[i] = i;
		z[i] = level + gauss();
	}
	f0.bends = bends;
	f0.knots = NULL;
	CHECK(krimp_cpop(ws, x, z, 400, beta, 3, false, &f0, &err));
	f1.bends = bends;
	f1.knots = NULL;
	CHECK(krimp_cpop(ws, x, z, 400, beta, 3, true, &f1, &err));
	printf("  400 values, 7 bends planted: %d bends; quadratics %lld without inequality pruning, %lld with "
		   "(most live %d / %d)\n", (int) f1.k, (long long) f0.evaluated, (long long) f1.evaluated,
		   (int) f0.most_live, (int) f1.most_live);
	CHECK_NEAR(f1.cost, f0.cost, 1e-9);
	CHECK(f0.k == f1.k);
	CHECK(f1.evaluated * 4 < f0.evaluated);
	CHECK(f1.evaluated < 400 * 400 / 8);
	CHECK(f1.k >= 5 && f1.k <= 9);
}

/* Planted bends are found; lines (with and without noise) get none. */
static void
test_cpop_planted(void)
{
	static int32_t bends[400];
	static double knots[400];
	double		x[400],
				z[400];
	krimp_cpop_fit f;
	krimp_error err;
	int			exact = 0,
				near = 0,
				none = 0;

	f.bends = bends;
	f.knots = knots;
	/* no noise: the planted bends exactly, the knots on the series, cost = penalty */
	for (int i = 0; i < 100; i++)
	{
		x[i] = 1990 + i;
		z[i] = i <= 30 ? 2.0 * i : i <= 70 ? 60.0 - 1.5 * (i - 30) : 0.0 + 0.5 * (i - 70);
	}
	CHECK(krimp_cpop(ws, x, z, 100, 5.0, 3, true, &f, &err));
	CHECK(f.k == 2 && bends[0] == 30 && bends[1] == 70);
	CHECK_NEAR(f.cost, 10.0, 1e-9);
	CHECK_NEAR(knots[0], 0.0, 1e-9);
	CHECK_NEAR(knots[1], 60.0, 1e-9);
	CHECK_NEAR(knots[2], 0.0, 1e-9);
	CHECK_NEAR(knots[3], 14.5, 1e-9);

	/* noise sd 1, three bends of slope change 1 per step at 50, 100, 150 of 200: each within 2 */
	rng_state = 7;
	for (int rep = 0; rep < 20; rep++)
	{
		double		slope = gauss() * 0.5,
					level = 0.0;
		int			hits = 0;

		for (int i = 0; i < 200; i++)
		{
			if (i == 50 || i == 100 || i == 150)
				slope += (i == 100 ? -1.0 : 1.0);
			x[i] = i;
			z[i] = level + gauss();
			level += slope;
		}
		CHECK(krimp_cpop(ws, x, z, 200, 3.0 * log(200.0), 3, true, &f, &err));
		for (int j = 0; j < f.k; j++)
			for (int b = 50; b <= 150; b += 50)
				hits += abs(bends[j] - b) <= 2;
		exact += f.k == 3;
		near += f.k == 3 && hits == 3;
	}
	/* lines: exact, and noisy with the product's penalty 3 ln n */
	for (int rep = 0; rep < 20; rep++)
	{
		double		slope = gauss();

		for (int i = 0; i < 200; i++)
			z[i] = 5.0 + slope * i + (rep == 0 ? 0.0 : gauss());
		CHECK(krimp_cpop(ws, x, z, 200, 3.0 * log(200.0), 3, true, &f, &err));
		none += f.k == 0;
		if (rep == 0)
			CHECK_NEAR(f.cost, 0.0, 1e-9);
	}
	printf("  planted: 3 bends found in %d of 20 series (all within 2 of the truth: %d); lines: no bend in %d of 20\n",
		   exact, near, none);
	CHECK(exact == 20 && near == 20);
	CHECK(none == 20);
}

/* n = 1, 2, 3, the minimum segment, and what CPOP refuses. */
static void
test_cpop_edges(void)
{
	int32_t		bends[4];
	double		knots[4],
				x[4] = {0.0, 1.0, 2.0, 3.0},
				z[4] = {0.0, 1.0, 0.0, 0.0},
				bad[4];
	krimp_cpop_fit f;
	krimp_error err;

	f.bends = bends;
	f.knots = knots;
	CHECK(krimp_cpop(ws, x, z + 1, 1, 1.0, 2, true, &f, &err));
	CHECK(f.k == 0 && f.cost == 0.0 && knots[0] == 1.0);
	CHECK(krimp_cpop(ws, x, z, 2, 1.0, 2, true, &f, &err));
	CHECK(f.k == 0);
	CHECK_NEAR(f.cost, 0.0, 1e-12);
	CHECK_NEAR(knots[0], 0.0, 1e-12);
	CHECK_NEAR(knots[1], 1.0, 1e-12);
	/* 0, 1, 0: a line costs 2/3, a bend at 1 costs beta */
	for (int prune = 0; prune <= 1; prune++)
	{
		CHECK(krimp_cpop(ws, x, z, 3, 0.1, 2, prune, &f, &err));
		CHECK(f.k == 1 && bends[0] == 1);
		CHECK_NEAR(f.cost, 0.1, 1e-12);
		CHECK_NEAR(knots[1], 1.0, 1e-12);
		CHECK(krimp_cpop(ws, x, z, 3, 1.0, 2, prune, &f, &err));
		CHECK(f.k == 0);
		CHECK_NEAR(f.cost, 2.0 / 3.0, 1e-12);
		/* pieces of at least 3 values: no bend in 3 values */
		CHECK(krimp_cpop(ws, x, z, 3, 0.1, 3, prune, &f, &err));
		CHECK(f.k == 0);
		CHECK_NEAR(f.cost, 2.0 / 3.0, 1e-12);
	}
	memcpy(bad, z, sizeof(bad));
	bad[2] = NAN;
	CHECK(!krimp_cpop(ws, x, bad, 4, 1.0, 2, true, &f, &err) && err.status == KRIMP_ERR_NOT_FINITE);
	bad[2] = INFINITY;
	CHECK(!krimp_cpop(ws, x, bad, 4, 1.0, 2, true, &f, &err) && err.status == KRIMP_ERR_NOT_FINITE);
	memcpy(bad, x, sizeof(bad));
	bad[3] = NAN;
	CHECK(!krimp_cpop(ws, bad, z, 4, 1.0, 2, true, &f, &err) && err.status == KRIMP_ERR_NOT_FINITE);
	bad[3] = 2.0;
	CHECK(!krimp_cpop(ws, bad, z, 4, 1.0, 2, true, &f, &err) && err.status == KRIMP_ERR_PARAMETER);
	CHECK(!krimp_cpop(ws, x, z, 4, 1.0, 1, true, &f, &err) && err.status == KRIMP_ERR_PARAMETER);
	CHECK(!krimp_cpop(ws, x, z, 4, -1.0, 2, true, &f, &err) && err.status == KRIMP_ERR_PARAMETER);
	CHECK(!krimp_cpop(ws, x, z, 4, NAN, 2, true, &f, &err) && err.status == KRIMP_ERR_PARAMETER);
	{
		krimp_detect_workspace *small = krimp_detect_workspace_new(3, &err);

		CHECK(small != NULL);
		if (small != NULL)
		{
			CHECK(!krimp_cpop(small, x, z, 4, 1.0, 2, true, &f, &err) && err.status == KRIMP_ERR_PARAMETER);
			krimp_detect_workspace_free(small);
		}
	}
}

/* ---- planted changes, no changes ------------------------------------------ */

static void
test_planted_level(void)
{
	double		y[30];
	krimp_detect_result r;

	/* one step at index 12 with small noise */
	for (int i = 0; i < 25; i++)
		y[i] = (i < 12 ? 100.0 : 110.0) + 0.5 * wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 1);
	CHECK(r.changes[0].position == 12);
	CHECK(r.changes[0].kind == KRIMP_KIND_LEVEL_SHIFT);
	CHECK(r.changes[0].direction == 1);
	CHECK_NEAR(r.changes[0].abs_change, 10.0, 0.1);
	CHECK(isnan(r.changes[0].p_value));
	CHECK(r.changes[0].score > 0.0);

	/* an exact step (MAD of the differences 0) */
	for (int i = 0; i < 20; i++)
		y[i] = i < 7 ? 5.0 : 3.0;
	r = detect(y, 20, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 7 && r.changes[0].direction == -1);
	CHECK_NEAR(r.changes[0].before, 5.0, 1e-12);
	CHECK_NEAR(r.changes[0].after, 3.0, 1e-12);
	CHECK_NEAR(r.changes[0].rel_change, -0.4, 1e-12);

	/* two shifts: up at 8, down at 18 */
	for (int i = 0; i < 30; i++)
		y[i] = (i < 8 ? 0.0 : i < 18 ? 6.0 : 2.0) + 0.3 * wiggle(i + 1);
	r = detect(y, 30, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 2);
	CHECK(r.changes[0].position == 8 && r.changes[0].direction == 1);
	CHECK(r.changes[1].position == 18 && r.changes[1].direction == -1);
}

static void
test_planted_trend(void)
{
	double		y[25];
	krimp_detect_result r;

	/* rising to index 14, falling after: a turn at 14 */
	for (int i = 0; i < 25; i++)
		y[i] = (i <= 14 ? 2.0 * i : 28.0 - 1.5 * (i - 14)) + 0.2 * wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 1);
	CHECK(r.changes[0].position == 14);
	CHECK(r.changes[0].kind == KRIMP_KIND_TREND_TURN);
	CHECK(r.changes[0].direction == -1);
	CHECK_NEAR(r.changes[0].before, 2.0, 0.1);
	CHECK_NEAR(r.changes[0].after, -1.5, 0.1);
	CHECK(r.changes[0].p_value < 1e-6);

	/* a decline that levels off at 10: deceleration, direction up */
	for (int i = 0; i < 25; i++)
		y[i] = (i <= 10 ? -3.0 * i : -30.0 - 0.5 * (i - 10)) + 0.2 * wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 10);
	CHECK(r.changes[0].kind == KRIMP_KIND_DECELERATION && r.changes[0].direction == 1);

	/* a decline that speeds up at 16: acceleration, direction down */
	for (int i = 0; i < 25; i++)
		y[i] = (i <= 16 ? -1.0 * i : -16.0 - 4.0 * (i - 16)) + 0.2 * wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 16);
	CHECK(r.changes[0].kind == KRIMP_KIND_ACCELERATION && r.changes[0].direction == -1);

	/* exact, noise-free: up, flat, down; two bends at 7 and 15 */
	for (int i = 0; i < 25; i++)
		y[i] = i <= 7 ? i : i <= 15 ? 7.0 : 7.0 - (i - 15) * 2.0;
	r = detect(y, 25, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 2);
	CHECK(r.count == 2 && r.changes[0].position == 7 && r.changes[1].position == 15);
	CHECK(r.count == 2 && r.changes[0].kind == KRIMP_KIND_DECELERATION);
	CHECK(r.count == 2 && r.changes[1].kind == KRIMP_KIND_ACCELERATION);
}

static void
test_no_change(void)
{
	double		y[40];
	krimp_detect_result r;
	krimp_detect_params p;
	krimp_error err;
	int			flagged_level = 0,
				flagged_trend = 0,
				flagged_tp = 0;

	krimp_detect_params_default(&p);
	/* constant */
	for (int i = 0; i < 20; i++)
		y[i] = 7.25;
	r = detect(y, 20, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 0 && r.sigma == 0.0 && r.n_observed == 20);
	r = detect(y, 20, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 0);
	CHECK(krimp_tipping_points(ws, y, NULL, 20, &p, &r, &err) && r.count == 0);

	/* exact line, and a line with noise: no bend, no tipping point */
	for (int i = 0; i < 20; i++)
		y[i] = 3.0 - 0.25 * i;
	r = detect(y, 20, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 0);
	CHECK(krimp_tipping_points(ws, y, NULL, 20, &p, &r, &err) && r.count == 0);
	for (int i = 0; i < 20; i++)
		y[i] = 3.0 - 0.25 * i + 0.3 * wiggle(i + 1);
	r = detect(y, 20, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 0);
	CHECK(krimp_tipping_points(ws, y, NULL, 20, &p, &r, &err) && r.count == 0);

	/* the reference noise series */
	for (int i = 0; i < 20; i++)
		y[i] = wiggle(i + 1);
	CHECK(detect(y, 20, KRIMP_MODEL_LEVEL, NULL).count == 0);
	CHECK(detect(y, 20, KRIMP_MODEL_TREND, NULL).count == 0);

	/* Gaussian noise: few false alarms (a statistical bound, seeded) */
	rng_state = 12345;
	for (int rep = 0; rep < 500; rep++)
	{
		int			n = 10 + rep % 31;

		for (int i = 0; i < n; i++)
			y[i] = 50.0 + gauss();
		flagged_level += detect(y, n, KRIMP_MODEL_LEVEL, NULL).count > 0;
		flagged_trend += detect(y, n, KRIMP_MODEL_TREND, NULL).count > 0;
		CHECK(krimp_tipping_points(ws, y, NULL, n, &p, &r, &err));
		flagged_tp += r.count > 0;
	}
	printf("  noise, 500 series of 10-40: flagged level %d, trend %d, tipping points %d\n",
		   flagged_level, flagged_trend, flagged_tp);
	CHECK(flagged_level <= 25);
	CHECK(flagged_trend <= 25);
	CHECK(flagged_tp <= 35);
}

/* ---- magnitudes, missing values, short series ----------------------------- */

static void
test_magnitudes(void)
{
	double		y[25];
	krimp_detect_result r;
	krimp_detect_params p;
	krimp_error err;

	krimp_detect_params_default(&p);
	/* 1e12 + noise with a shift of 40 at 9 */
	for (int i = 0; i < 25; i++)
		y[i] = 1e12 + (i < 9 ? 0.0 : 40.0) + wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 9);
	CHECK(r.count == 1 && fabs(r.changes[0].abs_change - 40.0) < 3.0);
	CHECK(r.count == 1 && fabs(r.changes[0].before - 1e12) < 3.0);
	/* 1e12 + noise without a change */
	for (int i = 0; i < 25; i++)
		y[i] = 1e12 + wiggle(i + 1);
	CHECK(detect(y, 25, KRIMP_MODEL_LEVEL, NULL).count == 0);
	CHECK(detect(y, 25, KRIMP_MODEL_TREND, NULL).count == 0);
	/* a bend at 1e12 */
	for (int i = 0; i < 25; i++)
		y[i] = 1e12 + (i <= 12 ? 1000.0 * i : 12000.0 - 800.0 * (i - 12)) + 10.0 * wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 12 && r.changes[0].kind == KRIMP_KIND_TREND_TURN);
	/* constant 1e12 and constant -1e300 */
	for (int i = 0; i < 25; i++)
		y[i] = 1e12;
	CHECK(detect(y, 25, KRIMP_MODEL_LEVEL, NULL).count == 0);
	for (int i = 0; i < 25; i++)
		y[i] = -1e300;
	CHECK(detect(y, 25, KRIMP_MODEL_TREND, NULL).count == 0);
	/* tiny values: a step of 1e-300 scale */
	for (int i = 0; i < 25; i++)
		y[i] = (i < 12 ? 1e-300 : 2e-300) + 1e-302 * wiggle(i + 1);
	r = detect(y, 25, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 12);
	/* a range that overflows: an error, not garbage */
	y[0] = 1e308;
	y[1] = -1e308;
	CHECK(!krimp_detect_changes(ws, y, 25, KRIMP_MODEL_LEVEL, &p, &r, &err));
	CHECK(err.status == KRIMP_ERR_RANGE);
	y[0] = INFINITY;
	CHECK(!krimp_detect_changes(ws, y, 25, KRIMP_MODEL_LEVEL, &p, &r, &err));
	CHECK(err.status == KRIMP_ERR_NOT_FINITE);
}

static void
test_missing(void)
{
	double		y[30];
	krimp_detect_result r;

	/* a step at input index 15 with missing values before and after it */
	for (int i = 0; i < 30; i++)
		y[i] = (i < 15 ? 10.0 : 4.0) + 0.3 * wiggle(i + 1);
	y[0] = y[3] = y[14] = y[16] = y[29] = NAN;
	r = detect(y, 30, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.n_observed == 25);
	CHECK(r.count == 1 && r.changes[0].position == 15);
	/* a turn at index 12, gaps keep their distance */
	for (int i = 0; i < 30; i++)
		y[i] = (i <= 12 ? 1.0 * i : 12.0 - 2.0 * (i - 12)) + 0.1 * wiggle(i + 1);
	y[5] = y[6] = y[7] = y[20] = NAN;
	r = detect(y, 30, KRIMP_MODEL_TREND, NULL);
	CHECK(r.count == 1 && r.changes[0].position == 12);
	CHECK(r.count == 1 && fabs(r.changes[0].before - 1.0) < 0.05 && fabs(r.changes[0].after + 2.0) < 0.05);
	/* everything missing, one value, too short */
	for (int i = 0; i < 30; i++)
		y[i] = NAN;
	r = detect(y, 30, KRIMP_MODEL_LEVEL, NULL);
	CHECK(r.count == 0 && r.n_observed == 0);
	y[4] = 1.0;
	CHECK(detect(y, 30, KRIMP_MODEL_TREND, NULL).count == 0);
	y[5] = 100.0;
	y[6] = 100.0;
	CHECK(detect(y, 30, KRIMP_MODEL_LEVEL, NULL).count == 0);	/* 3 values: too short for two segments of 3 */
	CHECK(detect(y, 0, KRIMP_MODEL_LEVEL, NULL).count == 0);
}

/* ---- Davies, Theil-Sen, strucchange ---------------------------------------- */

static double
davies_of(const double *y, int m, double *best)
{
	double		x[400];

	for (int i = 0; i < m; i++)
		x[i] = i;
	return krimp_davies_test(ws, x, y, m, 10, best);
}

static void
test_davies_reference(void)
{
	static const double delfzijl[19] = {29018, 28972, 28809, 28446, 27989, 27653, 27314, 26744, 26635, 26567,
	26305, 26025, 25698, 25409, 25068, 24965, 24863, 24716, 24678};
	double		y[320],
				best,
				p;

	p = davies_of(delfzijl, 19, &best);
	CHECK_NEAR(p, 0.0019071651296361613, 1e-9);
	CHECK_NEAR(best, 13.444444444444443, 1e-12);
	for (int i = 0; i < 14; i++)
		y[i] = (i < 8 ? i + 1 : 15 - i) * 10 + wiggle(i + 1);
	p = davies_of(y, 14, &best);
	CHECK_NEAR(p / 1.2880088768238717e-09, 1.0, 1e-7);
	CHECK_NEAR(best, 7.1111111111111116, 1e-12);
	for (int i = 0; i < 20; i++)
		y[i] = wiggle(i + 1);
	p = davies_of(y, 20, &best);
	CHECK_NEAR(p, 0.31449680374918698, 1e-9);
	CHECK_NEAR(best, 1.0, 1e-12);
	{
		static const double shortv[8] = {3, 5, 4, 6, 9, 12, 15, 17};

		p = davies_of(shortv, 8, &best);
		CHECK_NEAR(p, 0.034166364226619693, 1e-9);
		CHECK_NEAR(best, 2.666666666666667, 1e-12);
	}
	for (int i = 0; i < 19; i++)
		y[i] = 1e12 + (i < 10 ? i : 18 - i) * 1000.0 + wiggle(i + 1) * 100.0;
	p = davies_of(y, 19, &best);
	CHECK_NEAR(p / 5.8178841857363437e-12, 1.0, 1e-5);
	CHECK_NEAR(best, 8.1111111111111107, 1e-12);
	for (int i = 0; i < 320; i++)
		y[i] = (i + 1) * 0.1 + fmax(i + 1 - 200.0, 0.0) * 0.05 + wiggle(i + 1);
	p = davies_of(y, 320, &best);
	CHECK_NEAR(p / 4.8041189959962705e-11, 1.0, 1e-7);
	CHECK_NEAR(best, 212.33333333333331, 1e-12);
	/* too short, and a constant series */
	CHECK(isnan(davies_of(delfzijl, 3, &best)));
	for (int i = 0; i < 10; i++)
		y[i] = 4.0;
	CHECK(davies_of(y, 10, &best) == 1.0);
}

static void
test_student_t(void)
{
	/* R: pt(2, 5, lower.tail = FALSE), pt(-1, 3, ...), pt(40, 17, ...) */
	CHECK_NEAR(krimp_student_t_upper(2.0, 5.0), 0.05096973941492914, 1e-12);
	CHECK_NEAR(krimp_student_t_upper(0.0, 7.0), 0.5, 1e-15);
	CHECK_NEAR(krimp_student_t_upper(-1.0, 3.0), 0.80449889052211476, 1e-12);
	CHECK_NEAR(krimp_student_t_upper(40.0, 17.0) / 1.4660058684337017e-18, 1.0, 1e-8);
	CHECK(krimp_student_t_upper(INFINITY, 4.0) == 0.0);
	CHECK(isnan(krimp_student_t_upper(1.0, 0.0)));
}

static void
test_theil_sen_matches_trend(void)
{
	double		x[40],
				y[40];

	rng_state = 777;
	for (int rep = 0; rep < 200; rep++)
	{
		int			m = 2 + rep % 38;
		krimp_trend_stats st;
		krimp_error err;

		for (int i = 0; i < m; i++)
		{
			x[i] = i;
			y[i] = rep % 3 == 0 ? (double) (int) (uniform() * 5) : 3.0 * i + gauss() * 10.0;
		}
		CHECK(krimp_trend_compute(x, y, m, &st, &err));
		CHECK(krimp_detect_theil_sen(ws, x, y, m) == st.ts_slope);
	}
}

static void
test_strucchange_reference(void)
{
	static const double delfzijl[19] = {29018, 28972, 28809, 28446, 27989, 27653, 27314, 26744, 26635, 26567,
	26305, 26025, 25698, 25409, 25068, 24965, 24863, 24716, 24678};
	krimp_detect_params p;
	krimp_detect_result r;
	double		y[20];

	krimp_detect_params_default(&p);
	p.criterion = KRIMP_CRITERION_BIC;
	p.max_changes = KRIMP_DETECT_MAX_LEVEL_CHANGES;
	/* R's breakpoint b (last of the old segment, 1-based) is position b here */
	for (int i = 0; i < 15; i++)
		y[i] = (i < 8 ? 10.0 : 20.0) + wiggle(i + 1);
	r = detect(y, 15, KRIMP_MODEL_LEVEL, &p);
	CHECK(r.count == 1 && r.changes[0].position == 8);
	for (int i = 0; i < 18; i++)
		y[i] = (i < 6 ? 0.0 : i < 12 ? 8.0 : 3.0) + wiggle(i + 1);
	r = detect(y, 18, KRIMP_MODEL_LEVEL, &p);
	CHECK(r.count == 2 && r.changes[0].position == 6 && r.changes[1].position == 12);
	for (int i = 0; i < 20; i++)
		y[i] = wiggle(i + 1);
	CHECK(detect(y, 20, KRIMP_MODEL_LEVEL, &p).count == 0);
	r = detect(delfzijl, 19, KRIMP_MODEL_LEVEL, &p);
	CHECK(r.count == 4);
	CHECK(r.count == 4 && r.changes[0].position == 4 && r.changes[1].position == 7 &&
		  r.changes[2].position == 11 && r.changes[3].position == 14);
}

/* ---- tipping points and parameters ---------------------------------------- */

static void
test_tipping_points(void)
{
	double		y[25],
				b[25];
	krimp_detect_params p;
	krimp_detect_result r;
	krimp_error err;

	krimp_detect_params_default(&p);
	/* a step: reported as a level shift, not as bends */
	for (int i = 0; i < 25; i++)
		y[i] = (i < 13 ? 50.0 : 58.0) + 0.5 * wiggle(i + 1);
	CHECK(krimp_tipping_points(ws, y, NULL, 25, &p, &r, &err));
	CHECK(r.count == 1 && r.changes[0].kind == KRIMP_KIND_LEVEL_SHIFT && r.changes[0].position == 13);
	/* a turn: reported as a bend, recent only near the end */
	for (int i = 0; i < 25; i++)
		y[i] = (i <= 9 ? 100.0 - 3.0 * i : 73.0 + 2.0 * (i - 9)) + 0.5 * wiggle(i + 1);
	CHECK(krimp_tipping_points(ws, y, NULL, 25, &p, &r, &err));
	CHECK(r.count == 1 && r.changes[0].kind == KRIMP_KIND_TREND_TURN && r.changes[0].position == 9);
	CHECK(r.count == 1 && !r.changes[0].recent);
	p.recent = 16;
	CHECK(krimp_tipping_points(ws, y, NULL, 25, &p, &r, &err));
	CHECK(r.count == 1 && r.changes[0].recent);
	p.recent = KRIMP_DETECT_DEFAULT_RECENT;

	/*
	 * Vacancy above the national level, on the same slope until 12, then
	 * falling faster than the benchmark: convergence (the gap bends down
	 * while positive); the series itself accelerates its decline.
	 */
	for (int i = 0; i < 25; i++)
	{
		b[i] = 6.0 - 0.05 * i + 0.05 * wiggle(i + 3);
		y[i] = 10.0 - 0.05 * i - (i > 12 ? 0.3 * (i - 12) : 0.0) + 0.05 * wiggle(i + 1);
	}
	CHECK(krimp_tipping_points(ws, y, b, 25, &p, &r, &err));
	{
		bool		conv = false;

		for (int j = 0; j < r.count; j++)
			if (r.changes[j].kind == KRIMP_KIND_CONVERGENCE)
			{
				conv = true;
				CHECK(r.changes[j].position == 12);
				CHECK(r.changes[j].direction == -1);
				CHECK(r.changes[j].recent == false);
			}
		CHECK(conv);
	}
	/* the mirror image: the gap widens */
	for (int i = 0; i < 25; i++)
		y[i] = 10.0 - 0.05 * i + (i > 12 ? 0.3 * (i - 12) : 0.0) + 0.05 * wiggle(i + 1);
	CHECK(krimp_tipping_points(ws, y, b, 25, &p, &r, &err));
	{
		bool		div = false;

		for (int j = 0; j < r.count; j++)
			div |= r.changes[j].kind == KRIMP_KIND_DIVERGENCE && r.changes[j].position == 12;
		CHECK(div);
	}
	/* a constant series against a bending benchmark still has a gap that bends */
	for (int i = 0; i < 25; i++)
		y[i] = 10.0;
	for (int i = 0; i < 25; i++)
		b[i] = 4.0 + (i > 12 ? 0.4 * (i - 12) : 0.0) + 0.05 * wiggle(i + 1);
	CHECK(krimp_tipping_points(ws, y, b, 25, &p, &r, &err));
	CHECK(r.count == 1 && r.changes[0].kind == KRIMP_KIND_CONVERGENCE && r.changes[0].position == 12);
}

static void
test_params(void)
{
	krimp_detect_params p;
	krimp_error err;
	krimp_detect_result r;
	double		y[5] = {1, 2, 3, 4, 5};

	krimp_detect_params_default(&p);
	CHECK(krimp_detect_params_check(&p, &err));
	p.penalty = 0.0;
	CHECK(!krimp_detect_params_check(&p, &err) && err.status == KRIMP_ERR_PARAMETER);
	p.penalty = NAN;
	CHECK(!krimp_detect_params_check(&p, &err));
	krimp_detect_params_default(&p);
	p.min_segment = 1;
	CHECK(!krimp_detect_changes(ws, y, 5, KRIMP_MODEL_LEVEL, &p, &r, &err));
	CHECK_STR(err.message, "minimum segment length must be between 2 and 1000");
	krimp_detect_params_default(&p);
	p.recent = -1;
	CHECK(!krimp_detect_params_check(&p, &err));
	krimp_detect_params_default(&p);
	p.max_changes = 9;
	CHECK(!krimp_detect_params_check(&p, &err));
	CHECK(krimp_detect_workspace_new(0, &err) == NULL && err.status == KRIMP_ERR_PARAMETER);
	CHECK(krimp_detect_workspace_new(KRIMP_DETECT_MAX_N + 1, &err) == NULL);
	{
		krimp_detect_workspace *small = krimp_detect_workspace_new(4, &err);

		krimp_detect_params_default(&p);
		CHECK(small != NULL);
		CHECK(!krimp_detect_changes(small, y, 5, KRIMP_MODEL_LEVEL, &p, &r, &err));
		CHECK(err.status == KRIMP_ERR_PARAMETER);
		krimp_detect_workspace_free(small);
	}
	CHECK_STR(krimp_change_kind_name(KRIMP_KIND_TREND_TURN), "trend turn");
	CHECK_STR(krimp_change_kind_name(KRIMP_KIND_DIVERGENCE), "divergence");
}

int
main(void)
{
	krimp_error err;

	ws = krimp_detect_workspace_new(400, &err);
	if (ws == NULL)
	{
		fprintf(stderr, "workspace: %s\n", err.message);
		return 1;
	}
	RUN(test_op_oracle);
	RUN(test_cpop_oracle);
	RUN(test_cpop_pruning);
	RUN(test_cpop_planted);
	RUN(test_cpop_edges);
	RUN(test_planted_level);
	RUN(test_planted_trend);
	RUN(test_no_change);
	RUN(test_magnitudes);
	RUN(test_missing);
	RUN(test_davies_reference);
	RUN(test_student_t);
	RUN(test_theil_sen_matches_trend);
	RUN(test_strucchange_reference);
	RUN(test_tipping_points);
	RUN(test_params);
	krimp_detect_workspace_free(ws);
	UNIT_DONE();
}
