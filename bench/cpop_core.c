/*
 * cpop_core.c
 *	  The CPOP fit of the C core alone (krimp_cpop, detect_cpop.c), for
 *	  bench/cpop.sh: synthetic series of length n, half with no bend (a line
 *	  plus noise, the hardest case for the pruning) and half with about
 *	  1 + n / 100 bends, noise sd 1, in sigma units as the trend model
 *	  passes them, with the product's penalty 3 ln n and minimum segment 3.
 *	  Times, in one thread with one workspace:
 *	    cpop      the fit with functional and inequality pruning;
 *	    unpruned  the same recursion with the functional pruning only (the
 *	              baseline: the same optimum, checked);
 *	    trend     krimp_detect_changes(model trend): the product's trend
 *	              model as it is (robust scaling, Davies' test, at most two
 *	              bends by exhaustive search, the report), the baseline for
 *	              every length.
 *	  Prints one line per length: microseconds per series, series per
 *	  second, the ratios and the quadratics evaluated per series against n^2.
 *
 *	  cpop_core N SERIES [UNPRUNED_SERIES]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static double
uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((rng * 0x2545F4914F6CDD1DULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-300;
}

static double
gauss(void)
{
	return sqrt(-2.0 * log(uniform())) * cos(2.0 * 3.141592653589793 * uniform());
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	int			n = argc > 1 ? atoi(argv[1]) : 25,
				ns = argc > 2 ? atoi(argv[2]) : 1000,
				nu = argc > 3 ? atoi(argv[3]) : ns;
	double	   *data,
			   *x,
			   *cost,
				beta = 3.0 * log((double) n),
				t0,
				t_cpop,
				t_unpr,
				t_trend;
	int32_t    *bends;
	int64_t		ev_cpop = 0,
				ev_unpr = 0;
	long		k_cpop = 0,
				found = 0,
				mismatch = 0;
	int32_t		most_cpop = 0,
				most_unpr = 0;
	krimp_error err;
	krimp_detect_workspace *ws;
	krimp_detect_params p;
	krimp_cpop_fit f;

	if (n < 3 || n > KRIMP_DETECT_MAX_N || ns < 1 || nu < 0 || nu > ns)
	{
		fprintf(stderr, "usage: cpop_core N SERIES [UNPRUNED_SERIES]\n");
		return 2;
	}
	ws = krimp_detect_workspace_new(n, &err);
	data = malloc(sizeof(double) * (size_t) n * ns);
	x = malloc(sizeof(double) * n);
	cost = malloc(sizeof(double) * ns);
	bends = malloc(sizeof(int32_t) * n);
	if (ws == NULL || data == NULL || x == NULL || cost == NULL || bends == NULL)
	{
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (int i = 0; i < n; i++)
		x[i] = i;
	for (int s = 0; s < ns; s++)
	{
		double	   *z = data + (size_t) s * n,
					level = 10.0 * gauss(),
					slope = 0.2 * gauss();
		int			nb = s % 2 == 0 ? 0 : 1 + n / 100,
					next = nb > 0 ? n / (nb + 1) : n;

		for (int i = 0; i < n; i++)
		{
			if (i == next)
			{
				slope += (uniform() < 0.5 ? -1.0 : 1.0) * (0.3 + 0.5 * uniform()) * 25.0 / (n / (nb + 1.0) + 5.0);
				next += n / (nb + 1);
			}
			level += slope;
			z[i] = level + gauss();
		}
	}
	f.bends = bends;
	f.knots = NULL;

	t0 = now();
	for (int s = 0; s < ns; s++)
	{
		if (!krimp_cpop(ws, x, data + (size_t) s * n, n, beta, 3, true, &f, &err))
		{
			fprintf(stderr, "%s\n", err.message);
			return 1;
		}
		cost[s] = f.cost;
		ev_cpop += f.evaluated;
		k_cpop += f.k;
		if (f.most_live > most_cpop)
			most_cpop = f.most_live;
	}
	t_cpop = (now() - t0) / ns;

	t0 = now();
	for (int s = 0; s < nu; s++)
	{
		if (!krimp_cpop(ws, x, data + (size_t) s * n, n, beta, 3, false, &f, &err))
		{
			fprintf(stderr, "%s\n", err.message);
			return 1;
		}
		ev_unpr += f.evaluated;
		if (f.most_live > most_unpr)
			most_unpr = f.most_live;
		if (!(fabs(f.cost - cost[s]) <= 1e-9 * fmax(1.0, fabs(cost[s]))))
			mismatch++;
	}
	t_unpr = nu > 0 ? (now() - t0) / nu : NAN;

	krimp_detect_params_default(&p);
	t0 = now();
	for (int s = 0; s < ns; s++)
	{
		krimp_detect_result res;

		if (!krimp_detect_changes(ws, data + (size_t) s * n, n, KRIMP_MODEL_TREND, &p, &res, &err))
		{
			fprintf(stderr, "%s\n", err.message);
			return 1;
		}
		found += res.count;
	}
	t_trend = (now() - t0) / ns;

	printf("n=%-4d series=%-6d cpop %9.2f us (%8.0f series/s); trend model %8.2f us, ratio cpop/trend %6.2f;"
		   " unpruned %9.2f us (%d series), ratio cpop/unpruned %.4f\n",
		   n, ns, t_cpop * 1e6, 1.0 / t_cpop, t_trend * 1e6, t_cpop / t_trend, t_unpr * 1e6, nu, t_cpop / t_unpr);
	printf("       quadratics per series: cpop %.0f (%.3f n^2), unpruned %.0f (%.3f n^2); most live: cpop %d, unpruned %d;"
		   " bends per series %.2f (trend model: %.2f changes); cost mismatches %ld\n",
		   (double) ev_cpop / ns, (double) ev_cpop / ns / ((double) n * n),
		   nu > 0 ? (double) ev_unpr / nu : NAN, nu > 0 ? (double) ev_unpr / nu / ((double) n * n) : NAN,
		   (int) most_cpop, (int) most_unpr, (double) k_cpop / ns, (double) found / ns, mismatch);
	krimp_detect_workspace_free(ws);
	return mismatch == 0 ? 0 : 1;
}
