/*
 * calibrate.c
 *	  Accuracy of krimp's change-point detectors on synthetic series with
 *	  planted changes of known size and place, and on the bundled real CBS
 *	  series (as they are, and with planted changes), beside a detector
 *	  that reports nothing.  Run by bench/calibrate.sh; the method is in
 *	  docs/detect.md.
 *
 *	  calibrate SERIES_FILE [REPS]
 *
 * SERIES_FILE is bench/cbs_series.py's output.  A detection matches a true
 * change if it lies within MARGIN positions and neither is matched yet
 * (greedy, nearest first).  Precision = matched / detected, recall =
 * matched / true; covering is the segmentation covering metric of van den
 * Burg and Williams (2020): sum over true segments A of |A| max_A' J(A, A')
 * / n, J the Jaccard index, A' over the detected segments.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

#define MARGIN 2
#define MAXN 400

static uint64_t rng = 20240601;

static double
unif(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((rng * 0x2545F4914F6CDD1DULL) >> 11) * (1.0 / 9007199254740992.0) + 1e-300;
}

static double
gauss(void)
{
	return sqrt(-2.0 * log(unif())) * cos(2.0 * 3.141592653589793 * unif());
}

typedef struct tally
{
	long		series,
				truth,
				detected,
				matched,
				flagged_null,	/* no-change series with a detection */
				null_series;
	double		covering;
} tally;

/* Greedy one-to-one matching within MARGIN; returns the number matched. */
static int
match(const int *t, int nt, const int *d, int nd)
{
	int			used[64] = {0},
				hit = 0;

	for (int i = 0; i < nt; i++)
	{
		int			best = -1,
					bd = MARGIN + 1;

		for (int j = 0; j < nd; j++)
			if (!used[j] && abs(d[j] - t[i]) < bd)
			{
				bd = abs(d[j] - t[i]);
				best = j;
			}
		if (best >= 0)
		{
			used[best] = 1;
			hit++;
		}
	}
	return hit;
}

/* Covering of the true segmentation by the detected one (positions start new segments). */
static double
covering(const int *t, int nt, const int *d, int nd, int n)
{
	int			tb[66],
				db[66],
				ntb = 0,
				ndb = 0;
	double		total = 0.0;

	tb[ntb++] = 0;
	for (int i = 0; i < nt; i++)
		tb[ntb++] = t[i];
	tb[ntb++] = n;
	db[ndb++] = 0;
	for (int i = 0; i < nd; i++)
		if (d[i] > db[ndb - 1] && d[i] < n)
			db[ndb++] = d[i];
	db[ndb++] = n;
	for (int i = 0; i + 1 < ntb; i++)
	{
		double		best = 0.0;

		for (int j = 0; j + 1 < ndb; j++)
		{
			int			lo = tb[i] > db[j] ? tb[i] : db[j],
						hi = tb[i + 1] < db[j + 1] ? tb[i + 1] : db[j + 1],
						inter = hi - lo,
						uni;

			if (inter <= 0)
				continue;
			uni = (tb[i + 1] - tb[i]) + (db[j + 1] - db[j]) - inter;
			if ((double) inter / uni > best)
				best = (double) inter / uni;
		}
		total += (tb[i + 1] - tb[i]) * best;
	}
	return total / n;
}

static void
score(tally *t, const int *truth, int nt, const int *det, int nd, int n)
{
	t->series++;
	t->truth += nt;
	t->detected += nd;
	t->matched += match(truth, nt, det, nd);
	t->covering += covering(truth, nt, det, nd, n);
	if (nt == 0)
	{
		t->null_series++;
		t->flagged_null += nd > 0;
	}
}

static void
print_tally(const char *label, const tally *t)
{
	double		prec = t->detected ? (double) t->matched / t->detected : NAN,
				rec = t->truth ? (double) t->matched / t->truth : NAN,
				f1 = t->detected && t->matched ? 2 * prec * rec / (prec + rec) : 0.0;
	char		pbuf[16],
				rbuf[16],
				fbuf[16];

	snprintf(pbuf, sizeof(pbuf), t->detected ? "%.3f" : "-", prec);
	snprintf(rbuf, sizeof(rbuf), t->truth ? "%.3f" : "-", rec);
	snprintf(fbuf, sizeof(fbuf), t->truth ? "%.3f" : "-", f1);
	printf("  %-44s %6ld %6ld %6ld  %9s %6s %6s %7.3f  %6.3f\n", label, t->series, t->truth, t->detected,
		   pbuf, rbuf, fbuf, t->covering / t->series,
		   t->null_series ? (double) t->flagged_null / t->null_series : NAN);
}

static void
header(void)
{
	printf("  %-44s %6s %6s %6s  %9s %6s %6s %7s  %6s\n", "detector / scenario", "series", "true", "found",
		   "precision", "recall", "F1", "cover", "FA(0)");
}

/* ---- synthetic series ------------------------------------------------------ */

typedef enum
{
	S_LEVEL,					/* piecewise constant */
	S_TREND						/* continuous piecewise linear */
} scen_kind;

/* A random series of n values with k planted changes of size `size` (sigma units; per step for slopes). */
static int
synth(double *y, int n, scen_kind kind, int k, double size, double ar, int *truth)
{
	int			pos[4],
				ms = 3;
	double		e = 0.0,
				sign = unif() < 0.5 ? -1.0 : 1.0,
				slope = (kind == S_TREND) ? (unif() - 0.5) * 0.6 : 0.0;

	/* places at least ms apart and from the ends */
	for (int tries = 0; tries < 1000; tries++)
	{
		bool		ok = true;

		for (int i = 0; i < k; i++)
			pos[i] = ms + (int) (unif() * (n - 2 * ms + 1));
		for (int i = 0; i < k; i++)
			for (int j = 0; j < k; j++)
				if (i != j && abs(pos[i] - pos[j]) < ms + 1)
					ok = false;
		if (ok)
			break;
	}
	for (int i = 0; i < k; i++)
		for (int j = i + 1; j < k; j++)
			if (pos[j] < pos[i])
			{
				int			t = pos[i];

				pos[i] = pos[j];
				pos[j] = t;
			}
	for (int i = 0; i < n; i++)
	{
		double		mean;

		if (kind == S_LEVEL)
		{
			/* up then down, or down then up */
			mean = 0.0;
			for (int j = 0; j < k; j++)
				if (i >= pos[j])
					mean += ((j % 2 == 0) ? size : -size) * sign;
		}
		else
		{
			mean = slope * i;
			for (int j = 0; j < k; j++)
				if (i > pos[j])
					mean += ((j % 2 == 0) ? -size : size) * sign * (i - pos[j]);
		}
		e = ar * e + sqrt(1.0 - ar * ar) * gauss();
		y[i] = 1000.0 + mean + e;
	}
	for (int i = 0; i < k; i++)
		truth[i] = pos[i];
	return k;
}

static krimp_detect_workspace *ws;
static double g_alpha = KRIMP_DETECT_DEFAULT_ALPHA;	/* Davies' level in the sweep */

/* Positions found by one detector: 'l' level, 't' trend, 'p' tipping points, '0' nothing. */
static int
run(char det, const double *y, int n, double pen, int *out)
{
	krimp_detect_params p;
	krimp_detect_result r;
	krimp_error err;
	bool		ok;

	if (det == '0')
		return 0;
	krimp_detect_params_default(&p);
	p.penalty = pen;
	p.alpha = g_alpha;
	if (det == 'p')
		ok = krimp_tipping_points(ws, y, NULL, n, &p, &r, &err);
	else
		ok = krimp_detect_changes(ws, y, n, det == 'l' ? KRIMP_MODEL_LEVEL : KRIMP_MODEL_TREND, &p, &r, &err);
	if (!ok)
	{
		fprintf(stderr, "detector failed: %s\n", err.message);
		exit(1);
	}
	for (int i = 0; i < r.count; i++)
		out[i] = r.changes[i].position;
	return r.count;
}

static const int lengths[] = {10, 15, 20, 25, 30, 40};

/* One synthetic scenario family through one detector. */
static void
synthetic(const char *label, char det, scen_kind kind, const double *sizes, int nsizes, double ar, double pen,
		  int reps, bool per_size)
{
	tally		all = {0};
	char		buf[96];

	for (int si = -1; si < nsizes; si++)
	{
		tally		t = {0};

		for (int li = 0; li < 6; li++)
			for (int r = 0; r < reps; r++)
			{
				double		y[MAXN];
				int			truth[4],
							det_pos[KRIMP_DETECT_MAX_RESULTS],
							n = lengths[li],
							k = si < 0 ? 0 : 1 + (r % 2) * (n >= 20),
							nt,
							nd;

				nt = synth(y, n, kind, k, si < 0 ? 0.0 : sizes[si], ar, truth);
				nd = run(det, y, n, pen, det_pos);
				score(&t, truth, nt, det_pos, nd, n);
				score(&all, truth, nt, det_pos, nd, n);
			}
		if (per_size)
		{
			if (si < 0)
				snprintf(buf, sizeof(buf), "%s, no change", label);
			else
				snprintf(buf, sizeof(buf), "%s, size %.2g", label, sizes[si]);
			print_tally(buf, &t);
		}
	}
	snprintf(buf, sizeof(buf), "%s, all", label);
	print_tally(buf, &all);
}

/* ---- real series ----------------------------------------------------------- */

typedef struct real_series
{
	char		file[32];
	char		region[16];
	int			n;
	double		y[MAXN];
} real_series;

static real_series *reals;
static int	nreals;

static void
load(const char *path)
{
	FILE	   *f = fopen(path, "r");
	char		tok[64];

	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	reals = calloc(1000, sizeof(real_series));
	while (nreals < 1000 && fscanf(f, "%31s %15s %63s %d", reals[nreals].file, reals[nreals].region, tok,
								   &reals[nreals].n) == 4)
	{
		real_series *s = &reals[nreals];

		for (int i = 0; i < s->n; i++)
		{
			if (fscanf(f, "%63s", tok) != 1)
				exit(1);
			s->y[i] = strcmp(tok, "NA") == 0 ? NAN : atof(tok);
		}
		nreals++;
	}
	fclose(f);
}

/* Flags on the real series as they are: share of series with a change, changes per series. */
static void
real_flags(const char *file, char det, double pen)
{
	long		series = 0,
				flagged = 0,
				changes = 0,
				kinds[8] = {0};

	for (int i = 0; i < nreals; i++)
	{
		krimp_detect_params p;
		krimp_detect_result r;
		krimp_error err;

		if (strcmp(reals[i].file, file) != 0)
			continue;
		krimp_detect_params_default(&p);
		p.penalty = pen;
		if (strcmp(file, "provincie_per_maand") == 0)
			p.min_segment = 12;
		if (det == 'p')
			krimp_tipping_points(ws, reals[i].y, NULL, reals[i].n, &p, &r, &err);
		else
			krimp_detect_changes(ws, reals[i].y, reals[i].n, det == 'l' ? KRIMP_MODEL_LEVEL : KRIMP_MODEL_TREND,
								 &p, &r, &err);
		series++;
		flagged += r.count > 0;
		changes += r.count;
		for (int j = 0; j < r.count; j++)
			kinds[r.changes[j].kind]++;
	}
	printf("  %-20s %-15s penalty %.2f: %4ld series, %5.1f%% with a change, %.2f changes a series"
		   " (level %ld, turn %ld, accel %ld, decel %ld)\n",
		   file, det == 'l' ? "level" : det == 't' ? "trend" : "tipping points", pen, series,
		   100.0 * flagged / series, (double) changes / series, kinds[1], kinds[2], kinds[3], kinds[4]);
}

/*
 * Planted changes in the real municipal series: a level shift of size
 * c sigma-hat, or a bend of c sigma-hat per year, at a random place at
 * least 3 from either end of the observed values.  Detections elsewhere
 * count as false, so precision is a lower bound (real series have real
 * changes).
 */
static void
real_planted(char det, scen_kind kind, double c, double pen)
{
	tally		t = {0},
				z = {0};
	char		buf[96];

	for (int i = 0; i < nreals; i++)
	{
		double		y[MAXN],
					obs[MAXN],
					sigma;
		int			m = 0,
					pos,
					truth[1],
					d[KRIMP_DETECT_MAX_RESULTS],
					nd,
					first = -1,
					last = -1;

		if (strcmp(reals[i].file, "gemeente_per_jaar") != 0)
			continue;
		for (int j = 0; j < reals[i].n; j++)
			if (!isnan(reals[i].y[j]))
			{
				obs[m++] = reals[i].y[j];
				if (first < 0)
					first = j;
				last = j;
			}
		if (m < 10)
			continue;
		sigma = krimp_robust_sigma(ws, obs, m);
		pos = first + 3 + (int) (unif() * (last - first - 5));
		for (int j = 0; j < reals[i].n; j++)
		{
			y[j] = reals[i].y[j];
			if (kind == S_LEVEL && j >= pos)
				y[j] += c * sigma;
			if (kind == S_TREND && j > pos)
				y[j] += c * sigma * (j - pos);
		}
		truth[0] = pos;
		nd = run(det, y, reals[i].n, pen, d);
		score(&t, truth, 1, d, nd, reals[i].n);
		score(&z, truth, 1, d, 0, reals[i].n);
	}
	snprintf(buf, sizeof(buf), "%s: planted %s %.2g sigma", det == 'l' ? "level" : det == 't' ? "trend" : "tipping",
			 kind == S_LEVEL ? "shift" : "bend", c);
	print_tally(buf, &t);
	snprintf(buf, sizeof(buf), "nothing: planted %s %.2g sigma", kind == S_LEVEL ? "shift" : "bend", c);
	print_tally(buf, &z);
}

int
main(int argc, char **argv)
{
	krimp_error err;
	int			reps = argc > 2 ? atoi(argv[2]) : 200;
	static const double level_sizes[] = {1.0, 2.0, 3.0, 5.0};
	static const double trend_sizes[] = {0.1, 0.25, 0.5, 1.0};
	static const double pens[] = {0.67, 1.0, 1.33, 1.67, 2.0};

	if (argc < 2)
	{
		fprintf(stderr, "usage: calibrate SERIES_FILE [REPS]\n");
		return 2;
	}
	ws = krimp_detect_workspace_new(MAXN, &err);
	load(argv[1]);
	printf("synthetic series: lengths 10, 15, 20, 25, 30, 40; %d series per length and size; no change,\n"
		   "one change (odd replicates) or two (even replicates, n >= 20); noise N(0, 1) or AR(1) 0.4;\n"
		   "level shifts of 1-5 sigma, slope changes of 0.1-1 sigma per step; margin +-%d\n\n", reps, MARGIN);

	printf("## penalty sweep (multiplier of the default penalty), white noise\n");
	header();
	for (int i = 0; i < 5; i++)
	{
		char		lab[64];

		snprintf(lab, sizeof(lab), "level, penalty %.2f", pens[i]);
		synthetic(lab, 'l', S_LEVEL, level_sizes, 4, 0.0, pens[i], reps, false);
		snprintf(lab, sizeof(lab), "trend, penalty %.2f", pens[i]);
		synthetic(lab, 't', S_TREND, trend_sizes, 4, 0.0, pens[i], reps, false);
	}
	for (int a = 0; a < 2; a++)
	{
		char		lab[64];

		g_alpha = a == 0 ? 0.1 : 0.01;
		snprintf(lab, sizeof(lab), "trend, Davies alpha %.2f", g_alpha);
		synthetic(lab, 't', S_TREND, trend_sizes, 4, 0.0, 1.0, reps, false);
		snprintf(lab, sizeof(lab), "trend, Davies alpha %.2f, AR(1) 0.4", g_alpha);
		synthetic(lab, 't', S_TREND, trend_sizes, 4, 0.4, 1.0, reps, false);
	}
	g_alpha = KRIMP_DETECT_DEFAULT_ALPHA;
	printf("\n## defaults, by size (white noise, then AR(1) 0.4)\n");
	header();
	synthetic("level", 'l', S_LEVEL, level_sizes, 4, 0.0, 1.0, reps, true);
	synthetic("nothing (level scenarios)", '0', S_LEVEL, level_sizes, 4, 0.0, 1.0, reps, false);
	synthetic("trend", 't', S_TREND, trend_sizes, 4, 0.0, 1.0, reps, true);
	synthetic("nothing (trend scenarios)", '0', S_TREND, trend_sizes, 4, 0.0, 1.0, reps, false);
	synthetic("tipping points on level scenarios", 'p', S_LEVEL, level_sizes, 4, 0.0, 1.0, reps, false);
	synthetic("tipping points on trend scenarios", 'p', S_TREND, trend_sizes, 4, 0.0, 1.0, reps, false);
	synthetic("level, AR(1) 0.4", 'l', S_LEVEL, level_sizes, 4, 0.4, 1.0, reps, false);
	synthetic("trend, AR(1) 0.4", 't', S_TREND, trend_sizes, 4, 0.4, 1.0, reps, false);
	synthetic("tipping points, trend scen., AR(1) 0.4", 'p', S_TREND, trend_sizes, 4, 0.4, 1.0, reps, false);

	printf("\n## real series as they are (municipal: min segment 3; monthly: min segment 12)\n");
	for (int i = 0; i < 3; i++)
	{
		char		dets[] = "ltp";

		real_flags("gemeente_per_jaar", dets[i], 1.0);
	}
	for (int i = 0; i < 3; i++)
	{
		char		dets[] = "ltp";

		real_flags("provincie_per_maand", dets[i], 1.0);
	}
	printf("\n## planted changes in the real municipal series (precision is a lower bound)\n");
	header();
	real_planted('l', S_LEVEL, 3.0, 1.0);
	real_planted('l', S_LEVEL, 6.0, 1.0);
	real_planted('t', S_TREND, 0.5, 1.0);
	real_planted('t', S_TREND, 1.0, 1.0);
	real_planted('p', S_LEVEL, 6.0, 1.0);
	real_planted('p', S_TREND, 1.0, 1.0);
	krimp_detect_workspace_free(ws);
	return 0;
}
