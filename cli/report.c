/*
 * report.c
 *	  krimpctl report: one self-contained HTML file (inline CSS and SVG, no
 *	  script, no external resource) that reads offline:
 *
 *	  1. the new and recent tipping points with the highest scores, each a
 *	     chart of the series (krimp.released_series) with the change marked,
 *	     the national benchmark scaled as the nightly job does
 *	     (krimp.comparable_benchmark) and the target path where the region
 *	     has a target for the indicator;
 *	  2. a revaluation round's scorecard (krimp.scorecard) with its traffic
 *	     lights, and a small chart per target: the series it was judged on,
 *	     its path and the projection;
 *	  3. a map of the decline regions (krimp.region_group members, the
 *	     versions of the 2014 list) over the provinces, coloured by the worst
 *	     light of the round, with a dot on every municipality with a recent
 *	     worsening tipping point.  The server does the geometry: ST_Simplify,
 *	     ST_AsSVG and ST_Extent for the viewBox.
 *
 *	  Only released figures, whoever runs it (an administrator sees every
 *	  figure under row-level security): the tipping points' series through
 *	  krimp.released_series, the targets' series through krimp.target_series
 *	  (released at the round's moment), the stored round results, which hold
 *	  no embargoed figure (docs/targets.md).
 *
 *	  Everything is read in one read-only repeatable-read transaction, so the
 *	  parts agree.  Series are read as text and parsed with the core
 *	  (krimp_series_parse); periods and numbers are formatted with it.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "krimpctl.h"
#include "krimp_core.h"
#include "period.h"
#include "series.h"

#ifndef KRIMP_VERSION
#define KRIMP_VERSION "unknown"
#endif

#define COL_GREEN	"#2e9e4f"
#define COL_ORANGE	"#f39c12"
#define COL_RED		"#d64541"
#define COL_GREY	"#9aa0a6"
#define COL_SERIES	"#1f4e8c"
#define COL_BENCH	"#8c8c8c"
#define COL_TARGET	"#2e9e4f"
#define COL_WORSE	"#d64541"
#define COL_BETTER	"#1a7f8c"
#define COL_NEUTRAL "#7a5cc0"

/* ---- output helpers ------------------------------------------------- */

/* text into HTML (element content and attribute values alike) */
static void
esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
	{
		switch (*s)
		{
			case '&':
				fputs("&amp;", f);
				break;
			case '<':
				fputs("&lt;", f);
				break;
			case '>':
				fputs("&gt;", f);
				break;
			case '"':
				fputs("&quot;", f);
				break;
			case '\'':
				fputs("&#39;", f);
				break;
			default:
				fputc(*s, f);
		}
	}
}

static void
escf(FILE *f, const char *fmt,...) __attribute__((format(printf, 2, 3)));
static void
escf(FILE *f, const char *fmt,...)
{
	char		buf[2048];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	esc(f, buf);
}

/* a number with the given decimals and thousands separated by commas */
static const char *
fmt_num(char *buf, size_t len, double v, int decimals)
{
	char		raw[64];
	char	   *dot;
	int			intlen,
				o = 0;
	const char *p = raw;

	if (!isfinite(v))
	{
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(raw, sizeof raw, "%.*f", decimals, v);
	if (*p == '-')
	{
		if ((size_t) o + 1 < len)
			buf[o++] = '-';
		p++;
	}
	dot = strchr(p, '.');
	intlen = dot ? (int) (dot - p) : (int) strlen(p);
	for (int i = 0; i < intlen && (size_t) o + 2 < len; i++)
	{
		if (i > 0 && (intlen - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = p[i];
	}
	for (const char *q = p + intlen; *q && (size_t) o + 1 < len; q++)
		buf[o++] = *q;
	buf[o] = '\0';
	return buf;
}

/* shortest round-trip text of a number (titles and data attributes) */
static const char *
fmt_exact(char *buf, double v)
{
	if (!isfinite(v))
		return strcpy(buf, "null");
	krimp_format_double(v, buf);
	return buf;
}

static const char *
light_colour(const char *light)
{
	if (!light)
		return COL_GREY;
	if (strcmp(light, "green") == 0)
		return COL_GREEN;
	if (strcmp(light, "orange") == 0)
		return COL_ORANGE;
	if (strcmp(light, "red") == 0)
		return COL_RED;
	return COL_GREY;
}

static krimp_series *
parse_series(const PGresult *res, int row, int col)
{
	krimp_error err;

	if (PQgetisnull(res, row, col))
		return NULL;
	krimp_error_clear(&err);
	return krimp_series_parse(PQgetvalue(res, row, col), &err);
}

static bool
parse_period(const char *text, krimp_period *p)
{
	krimp_error err;

	krimp_error_clear(&err);
	return text && *text && krimp_period_parse(text, p, &err);
}

/* a period as a position on the time axis, in years */
static double
period_x(krimp_period p)
{
	return krimp_period_start_index(p) / 12.0;
}

/* ---- charts ----------------------------------------------------------- */

#define MAX_KNOTS 34

typedef struct target_path
{
	bool		present;
	bool		growth;
	int			nknots;
	krimp_period knot_p[MAX_KNOTS];
	double		knot_v[MAX_KNOTS];
	const char *name;
} target_path;

typedef struct chart_spec
{
	int			width,
				height;
	const krimp_series *series;
	const char *series_label;
	const krimp_series *bench;	/* NULL: none */
	const target_path *target;	/* NULL or !present: none */
	bool		has_mark;
	krimp_period mark;
	const char *mark_colour;
	const char *mark_label;
	bool		has_projection; /* from the last point to (proj_p, proj_v) */
	krimp_period proj_p;
	double		proj_v;
	const char *proj_colour;
	int			decimals;
	const char *aria;
} chart_spec;

typedef struct scale
{
	double		x0,
				x1,
				y0,
				y1;
	double		px0,
				px1,
				py0,
				py1;
} scale;

static double
sx(const scale *s, double x)
{
	return s->px0 + (x - s->x0) / (s->x1 - s->x0) * (s->px1 - s->px0);
}

static double
sy(const scale *s, double y)
{
	return s->py0 - (y - s->y0) / (s->y1 - s->y0) * (s->py0 - s->py1);
}

static double
nice_step(double raw)
{
	double		mag = pow(10, floor(log10(raw)));
	double		f = raw / mag;

	if (f <= 1)
		return mag;
	if (f <= 2)
		return 2 * mag;
	if (f <= 2.5)
		return 2.5 * mag;
	if (f <= 5)
		return 5 * mag;
	return 10 * mag;
}

static void
widen(double *lo, double *hi, double v)
{
	if (!isfinite(v))
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

/* value of a target path at position x (years), between the knots */
static double
path_value(const target_path *t, double x)
{
	for (int k = 0; k + 1 < t->nknots; k++)
	{
		double		xa = period_x(t->knot_p[k]),
					xb = period_x(t->knot_p[k + 1]);

		if (x >= xa && x <= xb && xb > xa)
		{
			double		u = (x - xa) / (xb - xa);
			double		a = t->knot_v[k],
						b = t->knot_v[k + 1];

			if (t->growth && a > 0 && b > 0)
				return a * pow(b / a, u);
			return a + (b - a) * u;
		}
	}
	return NAN;
}

static void
series_polyline(FILE *f, const scale *sc, const krimp_series *s, const char *attrs, bool dots,
				const char *dot_colour)
{
	bool		open = false;

	for (int i = 0; i < s->count; i++)
	{
		double		v = s->values[i];

		if (krimp_is_missing(v))
		{
			if (open)
				fputs("\"/>\n", f);
			open = false;
			continue;
		}
		if (!open)
			fprintf(f, "<polyline %s points=\"", attrs);
		else
			fputc(' ', f);
		open = true;
		fprintf(f, "%.1f,%.1f", sx(sc, period_x(krimp_series_period_at(s, i))), sy(sc, v));
	}
	if (open)
		fputs("\"/>\n", f);
	if (!dots)
		return;
	for (int i = 0; i < s->count; i++)
	{
		char		pb[KRIMP_PERIOD_BUFLEN],
					vb[KRIMP_DOUBLE_BUFLEN];
		krimp_period p;

		if (krimp_is_missing(s->values[i]))
			continue;
		p = krimp_series_period_at(s, i);
		krimp_period_format(p, pb);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.4\" fill=\"%s\"><title>%s: %s</title></circle>\n",
				sx(sc, period_x(p)), sy(sc, s->values[i]), dot_colour, pb, fmt_exact(vb, s->values[i]));
	}
}

static void
chart(FILE *f, const chart_spec *c)
{
	scale		sc;
	double		xlo = INFINITY,
				xhi = -INFINITY,
				ylo = INFINITY,
				yhi = -INFINITY;
	double		ystep,
				xstep;
	const krimp_series *all[2] = {c->series, c->bench};
	bool		has_target = c->target && c->target->present && c->target->nknots >= 2;
	int			legend_x;

	for (int k = 0; k < 2; k++)
	{
		if (!all[k])
			continue;
		for (int i = 0; i < all[k]->count; i++)
		{
			if (krimp_is_missing(all[k]->values[i]))
				continue;
			widen(&xlo, &xhi, period_x(krimp_series_period_at(all[k], i)));
			widen(&ylo, &yhi, all[k]->values[i]);
		}
	}
	if (has_target)
		for (int k = 0; k < c->target->nknots; k++)
		{
			widen(&xlo, &xhi, period_x(c->target->knot_p[k]));
			widen(&ylo, &yhi, c->target->knot_v[k]);
		}
	if (c->has_projection && isfinite(c->proj_v))
	{
		widen(&xlo, &xhi, period_x(c->proj_p));
		widen(&ylo, &yhi, c->proj_v);
	}
	if (c->has_mark)
		widen(&xlo, &xhi, period_x(c->mark));

	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
			c->width, c->height);
	esc(f, c->aria ? c->aria : "chart");
	fputs("\">\n", f);
	if (!isfinite(xlo) || !isfinite(ylo))
	{
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"muted\">no figures</text>\n</svg>\n",
				c->width / 2, c->height / 2);
		return;
	}
	if (xhi <= xlo)
	{
		xlo -= 1;
		xhi += 1;
	}
	if (yhi <= ylo)
	{
		double		d = fabs(ylo) > 0 ? fabs(ylo) * 0.05 : 1;

		ylo -= d;
		yhi += d;
	}
	ystep = nice_step((yhi - ylo) / 4);
	ylo = floor(ylo / ystep) * ystep;
	yhi = ceil(yhi / ystep) * ystep;
	xstep = (xhi - xlo) <= 8 ? 1 : (xhi - xlo) <= 16 ? 2 : (xhi - xlo) <= 40 ? 5 : 10;

	sc.x0 = xlo - 0.3;
	sc.x1 = xhi + 0.3;
	sc.y0 = ylo;
	sc.y1 = yhi;
	sc.px0 = 62;
	sc.px1 = c->width - 12;
	sc.py0 = c->height - 40;
	sc.py1 = 12;

	/* grid and axes */
	fputs("<g class=\"axis\">\n", f);
	for (double y = ylo; y <= yhi + ystep / 2; y += ystep)
	{
		char		nb[64];
		int			dec = ystep >= 1 ? 0 : (int) ceil(-log10(ystep));

		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
				sc.px0, sc.px1, sy(&sc, y), sy(&sc, y), sc.px0 - 5, sy(&sc, y) + 4,
				fmt_num(nb, sizeof nb, y, dec > 6 ? 6 : dec));
	}
	for (double x = ceil(xlo / xstep) * xstep; x <= xhi + 1e-9; x += xstep)
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
				sx(&sc, x), sx(&sc, x), sc.py0, sc.py0 + 4, sx(&sc, x), sc.py0 + 16, x);
	fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"base\"/>\n</g>\n",
			sc.px0, sc.px1, sc.py0, sc.py0);

	/* the change: a band from the marked period on, and a line */
	if (c->has_mark)
	{
		double		mx = sx(&sc, period_x(c->mark));
		char		pb[KRIMP_PERIOD_BUFLEN];

		krimp_period_format(c->mark, pb);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.08\"/>\n",
				mx, sc.py1, sc.px1 - mx, sc.py0 - sc.py1, c->mark_colour);
		fprintf(f, "<line class=\"mark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n", mx, mx, sc.py1, sc.py0, c->mark_colour);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\" class=\"marklabel\">",
				mx > c->width * 0.7 ? mx - 4 : mx + 4, sc.py1 + 11, mx > c->width * 0.7 ? "end" : "start",
				c->mark_colour);
		escf(f, "%s %s", c->mark_label ? c->mark_label : "change", pb);
		fputs("</text>\n", f);
	}

	/* the target path: baseline through the milestones to the horizon */
	if (has_target)
	{
		const target_path *t = c->target;
		double		xa = period_x(t->knot_p[0]),
					xb = period_x(t->knot_p[t->nknots - 1]);
		int			steps = 48;

		fprintf(f, "<path class=\"target\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"7 4\" d=\"",
				COL_TARGET);
		for (int k = 0; k <= steps; k++)
		{
			double		x = xa + (xb - xa) * k / steps;
			double		v = path_value(t, x);

			if (isfinite(v))
				fprintf(f, "%s%.1f %.1f", k == 0 ? "M" : " L", sx(&sc, x), sy(&sc, v));
		}
		fputs("\"/>\n", f);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\">"
				"<title>", sx(&sc, xb), sy(&sc, t->knot_v[t->nknots - 1]), COL_TARGET);
		{
			char		pb[KRIMP_PERIOD_BUFLEN],
						vb[64];

			krimp_period_format(t->knot_p[t->nknots - 1], pb);
			escf(f, "target %s: %s in %s", t->name ? t->name : "",
				 fmt_num(vb, sizeof vb, t->knot_v[t->nknots - 1], c->decimals), pb);
		}
		fputs("</title></circle>\n", f);
	}

	if (c->bench)
		series_polyline(f, &sc, c->bench, "class=\"bench\" fill=\"none\" stroke=\"" COL_BENCH
						"\" stroke-width=\"1.6\" stroke-dasharray=\"3 3\"", false, COL_BENCH);

	/* the projection from the latest observation to the horizon */
	if (c->has_projection && isfinite(c->proj_v))
	{
		const krimp_series *s = c->series;

		for (int i = s->count - 1; i >= 0; i--)
			if (!krimp_is_missing(s->values[i]))
			{
				fprintf(f, "<line class=\"projection\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
						"stroke-width=\"2\" stroke-dasharray=\"2 3\"/>\n",
						sx(&sc, period_x(krimp_series_period_at(s, i))), sy(&sc, s->values[i]),
						sx(&sc, period_x(c->proj_p)), sy(&sc, c->proj_v), c->proj_colour);
				fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
						sx(&sc, period_x(c->proj_p)), sy(&sc, c->proj_v), c->proj_colour);
				break;
			}
	}

	series_polyline(f, &sc, c->series, "class=\"series\" fill=\"none\" stroke=\"" COL_SERIES
					"\" stroke-width=\"2.2\" stroke-linejoin=\"round\"", true, COL_SERIES);

	/* legend */
	legend_x = (int) sc.px0;
	fprintf(f, "<g class=\"legend\" transform=\"translate(%d,%d)\">\n", legend_x, c->height - 8);
	fprintf(f, "<line x1=\"0\" x2=\"18\" y1=\"-4\" y2=\"-4\" stroke=\"%s\" stroke-width=\"2.2\"/><text x=\"22\" y=\"0\">",
			COL_SERIES);
	esc(f, c->series_label ? c->series_label : "series");
	fputs("</text>\n", f);
	{
		int			x = 22 + 7 * (int) strlen(c->series_label ? c->series_label : "series") + 14;

		if (c->bench)
		{
			fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"-4\" y2=\"-4\" stroke=\"%s\" stroke-width=\"1.6\" "
					"stroke-dasharray=\"3 3\"/><text x=\"%d\" y=\"0\">NL, scaled</text>\n",
					x, x + 18, COL_BENCH, x + 22);
			x += 22 + 70 + 14;
		}
		if (has_target)
		{
			fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"-4\" y2=\"-4\" stroke=\"%s\" stroke-width=\"2\" "
					"stroke-dasharray=\"7 4\"/><text x=\"%d\" y=\"0\">target path</text>\n",
					x, x + 18, COL_TARGET, x + 22);
			x += 22 + 78 + 14;
		}
		if (c->has_projection && isfinite(c->proj_v))
			fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"-4\" y2=\"-4\" stroke=\"%s\" stroke-width=\"2\" "
					"stroke-dasharray=\"2 3\"/><text x=\"%d\" y=\"0\">projection</text>\n",
					x, x + 18, c->proj_colour, x + 22);
	}
	fputs("</g>\n</svg>\n", f);
}

/* knots of a target path from text columns: baseline, milestones (comma lists), horizon */
static void
read_target(target_path *t, const PGresult *res, int row, int col)
{
	/* columns: name, path, baseline_period, baseline_value, milestone periods, milestone values,
	 * horizon_period, horizon_value */
	char	   *mp,
			   *mv;
	char	   *sp1 = NULL,
			   *sp2 = NULL;

	memset(t, 0, sizeof *t);
	if (PQgetisnull(res, row, col) || PQgetisnull(res, row, col + 2) || PQgetisnull(res, row, col + 6))
		return;
	t->name = PQgetvalue(res, row, col);
	t->growth = strcmp(PQgetvalue(res, row, col + 1), "growth") == 0;
	if (!parse_period(PQgetvalue(res, row, col + 2), &t->knot_p[0]))
		return;
	t->knot_v[0] = strtod(PQgetvalue(res, row, col + 3), NULL);
	t->nknots = 1;
	mp = strdup(PQgetvalue(res, row, col + 4));
	mv = strdup(PQgetvalue(res, row, col + 5));
	if (mp && mv && *mp)
	{
		char	   *a = strtok_r(mp, ",", &sp1),
				   *b = strtok_r(mv, ",", &sp2);

		while (a && b && t->nknots < MAX_KNOTS - 1)
		{
			if (parse_period(a, &t->knot_p[t->nknots]))
				t->knot_v[t->nknots++] = strtod(b, NULL);
			a = strtok_r(NULL, ",", &sp1);
			b = strtok_r(NULL, ",", &sp2);
		}
	}
	free(mp);
	free(mv);
	if (!parse_period(PQgetvalue(res, row, col + 6), &t->knot_p[t->nknots]))
		return;
	t->knot_v[t->nknots++] = strtod(PQgetvalue(res, row, col + 7), NULL);
	t->present = true;
}

#define TARGET_COLUMNS(t) \
	t ".name, " t ".path, " t ".baseline_period::pg_catalog.text, " t ".baseline_value, " \
	"pg_catalog.array_to_string(" t ".milestone_periods::pg_catalog.text[], ','), " \
	"pg_catalog.array_to_string(" t ".milestone_values, ','), " \
	t ".horizon_period::pg_catalog.text, " t ".horizon_value"

/* ---- the parts of the report ------------------------------------------ */

typedef struct report_ctx
{
	PGconn	   *conn;
	FILE	   *f;
	int			rc;
	int			limit;
	int			round_year;		/* 0: none */
	int			recomputation;
} report_ctx;

static PGresult *
query(report_ctx *r, const char *sql, int nparams, const char *const *params)
{
	PGresult   *res = PQexecParams(r->conn, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		r->rc = cli_server_error(r->conn, res, NULL);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* one line on what the tipping point means, as the demo prints it */
static void
explain_flag(FILE *f, const char *kind, const char *unit, const char *before, const char *after,
			 const char *assessment, const char *p, int decimals)
{
	char		b[64],
				a[64];
	double		vb = before ? strtod(before, NULL) : NAN,
				va = after ? strtod(after, NULL) : NAN;

	fmt_num(b, sizeof b, vb, decimals);
	fmt_num(a, sizeof a, va, decimals);
	if (!strcmp(kind, "trend turn") || !strcmp(kind, "acceleration") || !strcmp(kind, "deceleration"))
	{
		if (isfinite(vb) && vb > 0)
			memmove(b + 1, b, strlen(b) + 1), b[0] = '+';
		if (isfinite(va) && va > 0)
			memmove(a + 1, a, strlen(a) + 1), a[0] = '+';
		if (p && strtod(p, NULL) < 0.0001)
			escf(f, "%s: the trend went from %s to %s %s a year (%s, p < 0.0001)", kind, b, a, unit, assessment);
		else
			escf(f, "%s: the trend went from %s to %s %s a year (%s%s%s)", kind, b, a, unit, assessment,
				 p ? ", p = " : "", p ? p : "");
	}
	else if (!strcmp(kind, "convergence") || !strcmp(kind, "divergence"))
		escf(f, "%s against the national growth: the gap moved %s instead of %s %s a year (%s)",
			 kind, a, b, unit, assessment);
	else
		escf(f, "%s from a level of %s to %s %s (%s)", kind, b, a, unit, assessment);
}

enum
{
	T_IND, T_INDNAME, T_UNIT, T_DEC, T_RCODE, T_RNAME, T_PERIOD, T_KIND, T_ASSESS, T_BEFORE, T_AFTER,
	T_P, T_SCORE, T_RECENT, T_STATUS, T_SERIES, T_BENCH, T_TARGET
};

static void
part_tipping_points(report_ctx *r)
{
	char		lim[16];
	const char *params[1] = {lim};
	PGresult   *res,
			   *cnt;
	long		total;
	FILE	   *f = r->f;

	snprintf(lim, sizeof lim, "%d", r->limit);
	cnt = query(r, "SELECT count(*) FROM krimp.tipping_point_flag f "
				" WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND (f.recent OR f.status OPERATOR(pg_catalog.=) 'new')",
				0, NULL);
	if (!cnt)
		return;
	total = atol(PQgetvalue(cnt, 0, 0));
	PQclear(cnt);
	res = query(r,
				"SELECT i.code, i.name, i.unit, i.decimals, rg.code, rg.name, f.period::pg_catalog.text, f.kind, "
				"       f.assessment, f.before, f.after, pg_catalog.to_char(f.p_value, 'FM0.0000'), f.score, f.recent, "
				"       f.status, s.series::pg_catalog.text, "
				"       krimp.comparable_benchmark(s.series, krimp.benchmark_series(f.indicator_id, f.region_id), "
				"                                  i.aggregation)::pg_catalog.text, "
				"       " TARGET_COLUMNS("t")
				"  FROM krimp.tipping_point_flag f "
				"  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) f.indicator_id "
				"  JOIN krimp.region rg ON rg.region_id OPERATOR(pg_catalog.=) f.region_id "
				" CROSS JOIN LATERAL (SELECT krimp.released_series(f.indicator_id, f.region_id) AS series) s "
				"  LEFT JOIN LATERAL (SELECT x.* FROM krimp.target x "
				"                      WHERE x.indicator_id OPERATOR(pg_catalog.=) f.indicator_id "
				"                        AND x.region_id OPERATOR(pg_catalog.=) f.region_id "
				"                        AND NOT EXISTS (SELECT FROM krimp.target n "
				"                                         WHERE n.previous_id OPERATOR(pg_catalog.=) x.target_id) "
				"                      ORDER BY x.target_id DESC LIMIT 1) t ON true "
				" WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND (f.recent OR f.status OPERATOR(pg_catalog.=) 'new') "
				" ORDER BY f.recent DESC, f.score DESC NULLS LAST, f.flag_id "
				" LIMIT $1::pg_catalog.int4",
				1, params);
	if (!res)
		return;

	fputs("<section id=\"tipping-points\">\n<h2>Tipping points</h2>\n", f);
	if (PQntuples(res) == 0)
	{
		fputs("<p class=\"muted\">No new or recent tipping points: the nightly job has flagged none that are live "
			  "(run <code>krimpctl nightly</code> after a load).</p>\n</section>\n", f);
		PQclear(res);
		return;
	}
	fprintf(f, "<p>The %d live tipping points that are recent (in the last periods of their series) or new, "
			"highest score first", PQntuples(res));
	if (total > PQntuples(res))
		fprintf(f, "; <strong>%ld more</strong> are not shown (<code>krimpctl report --limit</code>)",
				total - PQntuples(res));
	fputs(". Each chart shows the series as released, the national series (NL01) scaled to the region's level "
		  "at their first common period, as the nightly job compares them, and the target path where the region "
		  "has a target for the indicator.</p>\n<div class=\"grid\">\n", f);
	for (int i = 0; i < PQntuples(res); i++)
	{
		krimp_series *s = parse_series(res, i, T_SERIES);
		krimp_series *b = parse_series(res, i, T_BENCH);
		target_path t;
		chart_spec	c;
		const char *assess = PQgetvalue(res, i, T_ASSESS);
		const char *colour = !strcmp(assess, "worsening") ? COL_WORSE :
			!strcmp(assess, "improving") ? COL_BETTER : COL_NEUTRAL;
		char		aria[512],
					sb[64];
		int			dec = atoi(PQgetvalue(res, i, T_DEC));

		read_target(&t, res, i, T_TARGET);
		fprintf(f, "<figure class=\"card\" style=\"border-top-color:%s\">\n<figcaption><h3>", colour);
		escf(f, "%s (%s)", PQgetvalue(res, i, T_RNAME), PQgetvalue(res, i, T_RCODE));
		fputs("</h3>\n<p class=\"sub\"><span class=\"badge\" style=\"background:", f);
		fputs(colour, f);
		fputs("\">", f);
		esc(f, assess);
		fputs("</span> ", f);
		escf(f, "%s, %s · %s · score %s%s%s", PQgetvalue(res, i, T_KIND), PQgetvalue(res, i, T_PERIOD),
			 PQgetvalue(res, i, T_INDNAME), fmt_num(sb, sizeof sb, strtod(PQgetvalue(res, i, T_SCORE), NULL), 1),
			 !strcmp(PQgetvalue(res, i, T_STATUS), "new") ? " · new" : "",
			 !strcmp(PQgetvalue(res, i, T_RECENT), "t") ? " · recent" : "");
		fputs("</p>\n<p class=\"explain\">", f);
		explain_flag(f, PQgetvalue(res, i, T_KIND), PQgetvalue(res, i, T_UNIT),
					 PQgetisnull(res, i, T_BEFORE) ? NULL : PQgetvalue(res, i, T_BEFORE),
					 PQgetisnull(res, i, T_AFTER) ? NULL : PQgetvalue(res, i, T_AFTER), assess,
					 PQgetisnull(res, i, T_P) ? NULL : PQgetvalue(res, i, T_P), dec);
		fputs("</p></figcaption>\n", f);
		if (!s)
			fputs("<p class=\"muted\">no released figures</p>\n", f);
		else
		{
			memset(&c, 0, sizeof c);
			c.width = 560;
			c.height = 250;
			c.series = s;
			c.series_label = PQgetvalue(res, i, T_RCODE);
			c.bench = b;
			c.target = &t;
			c.has_mark = parse_period(PQgetvalue(res, i, T_PERIOD), &c.mark);
			c.mark_colour = colour;
			c.mark_label = PQgetvalue(res, i, T_KIND);
			c.decimals = dec;
			snprintf(aria, sizeof aria, "%s in %s with the %s of %s marked", PQgetvalue(res, i, T_INDNAME),
					 PQgetvalue(res, i, T_RNAME), PQgetvalue(res, i, T_KIND), PQgetvalue(res, i, T_PERIOD));
			c.aria = aria;
			chart(f, &c);
		}
		fputs("</figure>\n", f);
		krimp_free(s);
		krimp_free(b);
	}
	fputs("</div>\n</section>\n", f);
	PQclear(res);
}

static void
light_chip(FILE *f, const char *light, const char *count)
{
	bool		zero = count && strcmp(count, "0") == 0;

	fprintf(f, "<span class=\"chip%s\" style=\"background:%s\" title=\"%s\">%s</span>",
			zero ? " zero" : "", light_colour(light), light, count ? count : "");
}

enum
{
	R_NAME, R_REGION, R_LIGHT, R_LATEST_P, R_LATEST_V, R_EXPECTED, R_PROGRESS, R_EXP_PROGRESS,
	R_PROJECTED, R_HORIZON_P, R_DEC, R_UNIT, R_SERIES, R_TARGET
};

static void
part_scorecard(report_ctx *r)
{
	FILE	   *f = r->f;
	char		year[16],
				recomp[16];
	const char *params[2] = {year, recomp};
	PGresult   *round,
			   *score;

	fputs("<section id=\"scorecard\">\n", f);
	if (r->round_year == 0)
	{
		fputs("<h2>Scorecard</h2>\n<p class=\"muted\">No revaluation round has been run yet "
			  "(<code>krimpctl evaluate 2020</code>).</p>\n</section>\n", f);
		return;
	}
	snprintf(year, sizeof year, "%d", r->round_year);
	snprintf(recomp, sizeof recomp, "%d", r->recomputation);
	round = query(r, "SELECT r.round_date, pg_catalog.to_char(r.known_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), "
				  "       pg_catalog.to_char(r.data_vintage AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.targets, r.reason "
				  "  FROM krimp.revaluation_round r "
				  " WHERE r.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
				  "   AND r.recomputation OPERATOR(pg_catalog.=) $2::pg_catalog.int4", 2, params);
	if (!round)
		return;
	fprintf(f, "<h2>Scorecard of the revaluation round %d</h2>\n<p>", r->round_year);
	escf(f, "%s target(s) in force on %s, judged as the figures were known and released at %s UTC (newest figure read: %s)",
		 PQgetvalue(round, 0, 3), PQgetvalue(round, 0, 0), PQgetvalue(round, 0, 1),
		 PQgetisnull(round, 0, 2) ? "none" : PQgetvalue(round, 0, 2));
	if (r->recomputation > 0)
		escf(f, "; recomputation %d: %s", r->recomputation, PQgetvalue(round, 0, 4));
	fputs(". <span class=\"chip\" style=\"background:" COL_GREEN "\">&#160;</span> on or ahead of the path · "
		  "<span class=\"chip\" style=\"background:" COL_ORANGE "\">&#160;</span> behind, but the trend reaches the "
		  "target · <span class=\"chip\" style=\"background:" COL_RED "\">&#160;</span> the trend misses the target · "
		  "<span class=\"chip\" style=\"background:" COL_GREY "\">&#160;</span> too few figures to judge.</p>\n", f);
	PQclear(round);

	score = query(r, "SELECT s.region_code, s.region_name, s.theme, s.targets, s.green, s.orange, s.red, s.grey, "
				  "       s.worst_items FROM krimp.scorecard s WHERE s.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
				  " ORDER BY s.red DESC, s.orange DESC, s.grey DESC, s.region_name, s.theme", 1, params);
	if (!score)
		return;
	fputs("<table class=\"scorecard\">\n<thead><tr><th>Region or group</th><th>Theme</th><th class=\"num\">Targets</th>"
		  "<th>Lights</th><th>Worst items</th></tr></thead>\n<tbody>\n", f);
	for (int i = 0; i < PQntuples(score); i++)
	{
		fputs("<tr><td>", f);
		esc(f, PQgetvalue(score, i, 1));
		fputs(" <span class=\"muted\">", f);
		esc(f, PQgetvalue(score, i, 0));
		fputs("</span></td><td>", f);
		esc(f, PQgetvalue(score, i, 2));
		fputs("</td><td class=\"num\">", f);
		esc(f, PQgetvalue(score, i, 3));
		fputs("</td><td class=\"lights\">", f);
		light_chip(f, "red", PQgetvalue(score, i, 6));
		light_chip(f, "orange", PQgetvalue(score, i, 5));
		light_chip(f, "grey", PQgetvalue(score, i, 7));
		light_chip(f, "green", PQgetvalue(score, i, 4));
		fputs("</td><td>", f);
		esc(f, PQgetvalue(score, i, 8));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
	PQclear(score);
}

/* one small chart per target of the round: the series it was judged on, the path, the projection */
static void
part_targets(report_ctx *r)
{
	FILE	   *f = r->f;
	char		year[16],
				recomp[16];
	const char *params[2] = {year, recomp};
	PGresult   *targets;

	if (r->round_year == 0)
		return;
	snprintf(year, sizeof year, "%d", r->round_year);
	snprintf(recomp, sizeof recomp, "%d", r->recomputation);
	targets = query(r,
					"SELECT rr.target_name, rr.region_name, rr.light, rr.latest_period, rr.latest_value, "
					"       rr.expected_value, rr.progress, rr.expected_progress, rr.projected_value, "
					"       rr.horizon_period, i.decimals, i.unit, "
					"       krimp.target_series(rr.target_id, e.known_at)::pg_catalog.text, "
					"       " TARGET_COLUMNS("t")
					"  FROM krimp.round_result rr "
					"  JOIN krimp.round_evaluation e ON e.round_year OPERATOR(pg_catalog.=) rr.round_year "
					"   AND e.recomputation OPERATOR(pg_catalog.=) rr.recomputation "
					"   AND e.target_id OPERATOR(pg_catalog.=) rr.target_id "
					"  JOIN krimp.target t ON t.target_id OPERATOR(pg_catalog.=) rr.target_id "
					"  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) t.indicator_id "
					" WHERE rr.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
					"   AND rr.recomputation OPERATOR(pg_catalog.=) $2::pg_catalog.int4 "
					" ORDER BY rr.severity DESC, rr.region_name, rr.target_name LIMIT 60", 2, params);
	if (!targets)
		return;
	if (PQntuples(targets) == 0)
	{
		PQclear(targets);
		return;
	}
	fprintf(f, "<section id=\"targets\">\n<h2>The targets in the round %d</h2>\n"
			"<p>Each target's series as the round read it (on the target's layout, summed over a group's members), "
			"its path from the baseline to the horizon, and the trend's projection to the horizon in the colour "
			"of the light.</p>\n<div class=\"grid small\">\n", r->round_year);
	for (int i = 0; i < PQntuples(targets); i++)
	{
		krimp_series *s = parse_series(targets, i, R_SERIES);
		target_path t;
		chart_spec	c;
		const char *light = PQgetvalue(targets, i, R_LIGHT);
		int			dec = atoi(PQgetvalue(targets, i, R_DEC));
		char		a[64],
					b[64];

		read_target(&t, targets, i, R_TARGET);
		fprintf(f, "<figure class=\"card\" style=\"border-top-color:%s\">\n<figcaption><h4>", light_colour(light));
		light_chip(f, light, NULL);
		fputc(' ', f);
		esc(f, PQgetvalue(targets, i, R_NAME));
		fputs("</h4>\n<p class=\"explain\">", f);
		if (PQgetisnull(targets, i, R_LATEST_P))
			esc(f, "nothing observed after the baseline");
		else
		{
			escf(f, "%s: %s %s", PQgetvalue(targets, i, R_LATEST_P),
				 fmt_num(a, sizeof a, strtod(PQgetvalue(targets, i, R_LATEST_V), NULL), dec),
				 PQgetvalue(targets, i, R_UNIT));
			if (!PQgetisnull(targets, i, R_EXPECTED))
				escf(f, " against %s on the path", fmt_num(b, sizeof b, strtod(PQgetvalue(targets, i, R_EXPECTED), NULL), dec));
			if (!PQgetisnull(targets, i, R_PROJECTED))
				escf(f, "; trend to %s: %s", PQgetvalue(targets, i, R_HORIZON_P),
					 fmt_num(a, sizeof a, strtod(PQgetvalue(targets, i, R_PROJECTED), NULL), dec));
		}
		fputs("</p></figcaption>\n", f);
		if (s)
		{
			char		aria[512];

			memset(&c, 0, sizeof c);
			c.width = 380;
			c.height = 220;
			c.series = s;
			c.series_label = "as judged";
			c.target = &t;
			c.decimals = dec;
			c.has_projection = !PQgetisnull(targets, i, R_PROJECTED) &&
				parse_period(PQgetvalue(targets, i, R_HORIZON_P), &c.proj_p);
			c.proj_v = c.has_projection ? strtod(PQgetvalue(targets, i, R_PROJECTED), NULL) : NAN;
			c.proj_colour = light_colour(light);
			snprintf(aria, sizeof aria, "%s: %s light", PQgetvalue(targets, i, R_NAME), light);
			c.aria = aria;
			chart(f, &c);
		}
		else
			fputs("<p class=\"muted\">no figures</p>\n", f);
		fputs("</figure>\n", f);
		krimp_free(s);
	}
	fputs("</div>\n</section>\n", f);
	PQclear(targets);
}

/* ---- map labels: beside their region, pushed apart vertically, with a leader line ---- */
typedef struct map_label
{
	double		px,
				py,				/* the region's point on its surface (SVG coordinates) */
				y;				/* the label's baseline */
	bool		west;
	int			row;
} map_label;

static int
label_cmp(const void *a, const void *b)
{
	const map_label *x = a,
			   *y = b;

	return (x->py > y->py) - (x->py < y->py);
}

#define LABEL_FONT 7200.0

static void
place_labels(FILE *f, const PGresult *grp, double x0, double w)
{
	int			n = PQntuples(grp);
	map_label  *l = calloc(n > 0 ? n : 1, sizeof(map_label));
	double		last[2] = {-INFINITY, -INFINITY};

	if (!l)
		return;
	for (int j = 0; j < n; j++)
	{
		l[j].px = strtod(PQgetvalue(grp, j, 5), NULL);
		l[j].py = -strtod(PQgetvalue(grp, j, 6), NULL);
		l[j].west = l[j].px < x0 + w * 0.45;
		l[j].row = j;
	}
	qsort(l, n, sizeof(map_label), label_cmp);
	for (int j = 0; j < n; j++)
	{
		double	   *prev = &last[l[j].west ? 0 : 1];

		l[j].y = l[j].py + LABEL_FONT / 3;
		if (l[j].y - *prev < LABEL_FONT * 1.3)
			l[j].y = *prev + LABEL_FONT * 1.3;
		*prev = l[j].y;
	}
	fputs("<g class=\"labels\">\n", f);
	for (int j = 0; j < n; j++)
	{
		/* labels stand off the coast or the border, on the side of the region */
		double		lx = l[j].west ? x0 - w * 0.01 : x0 + w * 1.01;
		double		ly = l[j].y;

		fprintf(f, "<polyline fill=\"none\" stroke=\"#555\" stroke-width=\"350\" points=\"%.0f,%.0f %.0f,%.0f\"/>",
				l[j].px, l[j].py, l[j].west ? lx + 1500 : lx - 1500, ly - LABEL_FONT / 3);
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"%s\" font-size=\"%.0f\" fill=\"#1d1d1d\">",
				lx, ly, l[j].west ? "end" : "start", LABEL_FONT);
		esc(f, PQgetvalue(grp, l[j].row, 1));
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
	free(l);
}

static void
part_map(report_ctx *r)
{
	FILE	   *f = r->f;
	char		year[16];
	PGresult   *ext,
			   *prov,
			   *mem,
			   *grp,
			   *dots;
	double		x0,
				y0,
				w,
				h,
				tol;
	char		tolbuf[32];
	const char *tparams[2];

	snprintf(year, sizeof year, "%d", r->round_year);
	ext = query(r, "SELECT public.ST_XMin(e), public.ST_YMax(e), public.ST_XMax(e) - public.ST_XMin(e), "
				"       public.ST_YMax(e) - public.ST_YMin(e) "
				"  FROM (SELECT public.ST_Extent(g.geom) AS e FROM krimp.region g "
				"         WHERE g.level OPERATOR(pg_catalog.=) 'province' AND g.valid_to IS NULL) x", 0, NULL);
	if (!ext)
		return;
	fputs("<section id=\"map\">\n<h2>The decline regions</h2>\n", f);
	if (PQgetisnull(ext, 0, 0))
	{
		fputs("<p class=\"muted\">No province boundaries are loaded (scripts/load_regions.sh).</p>\n</section>\n", f);
		PQclear(ext);
		return;
	}
	x0 = strtod(PQgetvalue(ext, 0, 0), NULL);
	y0 = strtod(PQgetvalue(ext, 0, 1), NULL);
	w = strtod(PQgetvalue(ext, 0, 2), NULL);
	h = strtod(PQgetvalue(ext, 0, 3), NULL);
	PQclear(ext);
	/* about half a pixel of a map 700 pixels wide */
	tol = w / 1400;
	snprintf(tolbuf, sizeof tolbuf, "%.0f", tol);
	tparams[0] = tolbuf;
	tparams[1] = year;

	prov = query(r, "SELECT g.code, g.name, public.ST_AsSVG(public.ST_Simplify(g.geom, $1::pg_catalog.float8, true), 1, 0) "
				 "  FROM krimp.region g WHERE g.level OPERATOR(pg_catalog.=) 'province' AND g.valid_to IS NULL "
				 "   AND g.geom IS NOT NULL ORDER BY g.code", 1, tparams);
	if (!prov)
		return;
	/* the worst light of the round among each group's targets (4 red .. 1 green, 0 none) */
	mem = query(r, "SELECT m.group_code, g.code, g.name, "
				"       public.ST_AsSVG(public.ST_Simplify(g.geom, $1::pg_catalog.float8, true), 1, 0) "
				"  FROM krimp.region_group_member m JOIN krimp.region g ON g.region_id OPERATOR(pg_catalog.=) m.region_id "
				" WHERE g.geom IS NOT NULL ORDER BY m.group_code, g.code", 1, tparams);
	if (!mem)
	{
		PQclear(prov);
		return;
	}
	grp = query(r, "SELECT x.group_code, x.name, x.designation, coalesce(l.severity, 0), "
				"       public.ST_AsSVG(public.ST_Simplify(x.u, $1::pg_catalog.float8, true), 1, 0), "
				"       public.ST_X(public.ST_PointOnSurface(x.u)), public.ST_Y(public.ST_PointOnSurface(x.u)), "
				"       l.lights "
				"  FROM (SELECT gr.group_code, gr.name, gr.designation, public.ST_Union(g.geom) AS u "
				"          FROM krimp.region_group gr "
				"          JOIN krimp.region_group_member m ON m.group_code OPERATOR(pg_catalog.=) gr.group_code "
				"          JOIN krimp.region g ON g.region_id OPERATOR(pg_catalog.=) m.region_id "
				"         WHERE g.geom IS NOT NULL GROUP BY gr.group_code, gr.name, gr.designation) x "
				"  LEFT JOIN (SELECT rr.region_code, max(rr.severity) AS severity, "
				"                    pg_catalog.string_agg(rr.target_name OPERATOR(pg_catalog.||) ': ' "
				"                                          OPERATOR(pg_catalog.||) rr.light, '; ') AS lights "
				"               FROM krimp.round_result rr "
				"              WHERE rr.latest AND rr.round_year OPERATOR(pg_catalog.=) $2::pg_catalog.int4 "
				"              GROUP BY rr.region_code) l ON l.region_code OPERATOR(pg_catalog.=) x.group_code "
				" ORDER BY x.group_code", 2, tparams);
	if (!grp)
	{
		PQclear(prov);
		PQclear(mem);
		return;
	}
	/* municipalities in a decline region (or the later versions they went into) with a live,
	 * recent, worsening tipping point */
	dots = query(r, "SELECT g.code, g.name, public.ST_X(public.ST_PointOnSurface(g.geom)), "
				 "       public.ST_Y(public.ST_PointOnSurface(g.geom)), "
				 "       pg_catalog.string_agg(DISTINCT f.kind OPERATOR(pg_catalog.||) ' ' "
				 "                             OPERATOR(pg_catalog.||) f.period::pg_catalog.text, ', ') "
				 "  FROM krimp.tipping_point_flag f JOIN krimp.region g ON g.region_id OPERATOR(pg_catalog.=) f.region_id "
				 " WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND f.recent "
				 "   AND f.assessment OPERATOR(pg_catalog.=) 'worsening' AND g.geom IS NOT NULL "
				 "   AND g.level OPERATOR(pg_catalog.=) 'municipality' "
				 "   AND EXISTS (SELECT FROM krimp.region_group_member m "
				 "                 LEFT JOIN krimp.region_change c ON c.old_region_id OPERATOR(pg_catalog.=) m.region_id "
				 "                WHERE m.region_id OPERATOR(pg_catalog.=) f.region_id "
				 "                   OR c.new_region_id OPERATOR(pg_catalog.=) f.region_id) "
				 " GROUP BY g.code, g.name, g.geom ORDER BY g.code", 0, NULL);
	if (!dots)
	{
		PQclear(prov);
		PQclear(mem);
		PQclear(grp);
		return;
	}

	fputs("<p>The decline regions (topkrimpregio) and anticipation regions (anticipeerregio) with their member "
		  "municipalities of the 2014 list, over the provinces of today. ", f);
	if (r->round_year)
		fprintf(f, "A region is coloured by the worst light of its targets in the round %d; ", r->round_year);
	fputs("a black dot marks a municipality with a recent worsening tipping point.</p>\n", f);
	fputs("<div class=\"mapwrap\">\n", f);
	fprintf(f, "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.0f %.0f %.0f %.0f\" "
			"role=\"img\" aria-label=\"map of the decline regions\">\n", x0 - w * 0.42, -y0 - h * 0.02, w * 2.04, h * 1.04);
	fputs("<g class=\"provinces\" fill=\"#e9ecef\" stroke=\"#ffffff\" stroke-width=\"900\">\n", f);
	for (int i = 0; i < PQntuples(prov); i++)
	{
		fputs("<path class=\"province\" d=\"", f);
		esc(f, PQgetvalue(prov, i, 2));
		fputs("\"><title>", f);
		esc(f, PQgetvalue(prov, i, 1));
		fputs("</title></path>\n", f);
	}
	fputs("</g>\n", f);

	/* members, filled by their group's status */
	fputs("<g class=\"members\" stroke=\"#ffffff\" stroke-width=\"250\">\n", f);
	for (int i = 0; i < PQntuples(mem); i++)
	{
		const char *fill = "#c9d6e3";

		for (int j = 0; j < PQntuples(grp); j++)
			if (!strcmp(PQgetvalue(grp, j, 0), PQgetvalue(mem, i, 0)))
			{
				int			sev = atoi(PQgetvalue(grp, j, 3));

				fill = sev == 4 ? COL_RED : sev == 3 ? COL_ORANGE : sev == 2 ? COL_GREY : sev == 1 ? COL_GREEN : "#c9d6e3";
			}
		fprintf(f, "<path class=\"region\" data-group=\"");
		esc(f, PQgetvalue(mem, i, 0));
		fprintf(f, "\" fill=\"%s\" d=\"", fill);
		esc(f, PQgetvalue(mem, i, 3));
		fputs("\"><title>", f);
		escf(f, "%s (%s), %s", PQgetvalue(mem, i, 2), PQgetvalue(mem, i, 1), PQgetvalue(mem, i, 0));
		fputs("</title></path>\n", f);
	}
	fputs("</g>\n<g class=\"groups\" fill=\"none\" stroke=\"#2b2b2b\" stroke-width=\"700\">\n", f);
	for (int j = 0; j < PQntuples(grp); j++)
	{
		fputs("<path class=\"group\" d=\"", f);
		esc(f, PQgetvalue(grp, j, 4));
		fputs("\"", f);
		if (!strcmp(PQgetvalue(grp, j, 2), "anticipeerregio"))
			fputs(" stroke-dasharray=\"2500 1500\"", f);
		fputs("><title>", f);
		escf(f, "%s (%s)%s%s", PQgetvalue(grp, j, 1), PQgetvalue(grp, j, 2),
			 PQgetisnull(grp, j, 7) ? "" : ": ", PQgetisnull(grp, j, 7) ? "" : PQgetvalue(grp, j, 7));
		fputs("</title></path>\n", f);
	}
	fputs("</g>\n<g class=\"dots\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"500\">\n", f);
	for (int i = 0; i < PQntuples(dots); i++)
	{
		fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"2300\"><title>", strtod(PQgetvalue(dots, i, 2), NULL),
				-strtod(PQgetvalue(dots, i, 3), NULL));
		escf(f, "%s (%s): %s", PQgetvalue(dots, i, 1), PQgetvalue(dots, i, 0), PQgetvalue(dots, i, 4));
		fputs("</title></circle>\n", f);
	}
	fputs("</g>\n", f);
	place_labels(f, grp, x0, w);
	fputs("</g>\n</svg>\n", f);

	/* legend */
	fputs("<div class=\"legend\">\n<h4>Legend</h4>\n<ul>\n", f);
	if (r->round_year)
	{
		fprintf(f, "<li><span class=\"swatch\" style=\"background:%s\"></span>worst light red: the trend misses a target</li>\n", COL_RED);
		fprintf(f, "<li><span class=\"swatch\" style=\"background:%s\"></span>worst light orange: behind, the trend reaches it</li>\n", COL_ORANGE);
		fprintf(f, "<li><span class=\"swatch\" style=\"background:%s\"></span>worst light grey: too few figures</li>\n", COL_GREY);
		fprintf(f, "<li><span class=\"swatch\" style=\"background:%s\"></span>all targets green: on or ahead of the path</li>\n", COL_GREEN);
	}
	fputs("<li><span class=\"swatch\" style=\"background:#c9d6e3\"></span>no target in the round</li>\n", f);
	fputs("<li><span class=\"swatch outline\"></span>topkrimpregio</li>\n", f);
	fputs("<li><span class=\"swatch outline dashed\"></span>anticipeerregio</li>\n", f);
	fputs("<li><span class=\"dot\"></span>municipality with a recent worsening tipping point</li>\n", f);
	fputs("<li><span class=\"swatch\" style=\"background:#e9ecef\"></span>province (background)</li>\n", f);
	fputs("</ul>\n</div>\n</div>\n</section>\n", f);
	PQclear(prov);
	PQclear(mem);
	PQclear(grp);
	PQclear(dots);
}

static const char *const css =
"*{box-sizing:border-box}"
"body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
"color:#1d1d1d;background:#f6f7f9}"
"header{background:#15325b;color:#fff;padding:22px 32px}"
"header h1{margin:0 0 4px;font-size:26px}header p{margin:0;opacity:.85}"
"main{max-width:1180px;margin:0 auto;padding:8px 24px 24px}"
"section{background:#fff;border-radius:8px;padding:8px 20px 18px;margin:18px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}"
"h2{font-size:21px;margin:14px 0 6px;color:#15325b}h3{font-size:16px;margin:0}h4{font-size:14px;margin:0}"
".muted{color:#6b7280}"
".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}"
".grid.small{grid-template-columns:repeat(auto-fill,minmax(340px,1fr))}"
".card{margin:0;border:1px solid #e3e6ea;border-top:4px solid #999;border-radius:6px;padding:10px 12px 4px;background:#fff}"
".card .sub{margin:2px 0;color:#4b5563;font-size:13px}.card .explain{margin:2px 0 4px;font-size:13px}"
".badge{display:inline-block;color:#fff;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}"
"svg.chart{width:100%;height:auto;display:block}"
"svg.chart text{font-size:11px;fill:#4b5563;font-family:inherit}"
"svg.chart .grid{stroke:#eceff3;stroke-width:1}svg.chart .tick,svg.chart .base{stroke:#9ca3af;stroke-width:1}"
"svg.chart .marklabel{font-weight:600;font-size:11.5px}"
"table.scorecard{border-collapse:collapse;width:100%;margin:6px 0 16px}"
"table.scorecard th,table.scorecard td{text-align:left;padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:middle}"
"table.scorecard th{font-size:13px;color:#4b5563}.num{text-align:right!important}"
".chip{display:inline-block;min-width:24px;height:22px;line-height:22px;border-radius:11px;color:#fff;"
"text-align:center;font-weight:700;font-size:13px;margin-right:4px;padding:0 6px}"
".chip.zero{opacity:.18}"
".mapwrap{display:flex;gap:20px;align-items:flex-start;flex-wrap:wrap}"
"svg.map{flex:0 0 840px;width:840px;max-width:100%;height:auto;background:#f3f7fb;border-radius:6px}"
".legend{flex:1 1 190px}td.lights{white-space:nowrap}"
".legend ul{list-style:none;padding:0;margin:6px 0}.legend li{margin:5px 0;font-size:13px;display:flex;align-items:center}"
".swatch{display:inline-block;width:22px;height:16px;border-radius:3px;margin-right:8px}"
".swatch.outline{border:2px solid #2b2b2b}.swatch.outline.dashed{border-style:dashed}"
".dot{display:inline-block;width:10px;height:10px;border-radius:5px;background:#111;margin:0 14px 0 6px}"
"footer{max-width:1180px;margin:0 auto;padding:4px 24px 28px;color:#6b7280;font-size:13px}"
"code{background:#f1f3f5;padding:0 4px;border-radius:3px}";

static void
usage(void)
{
	printf("%s report writes one self-contained HTML file (inline CSS and SVG, no script, no\n"
		   "external resource): the new and recent tipping points as charts, a revaluation round's\n"
		   "scorecard with its traffic lights, and a map of the decline regions.\n\n", progname);
	printf("Usage:\n  %s report [OPTION]...\n\n", progname);
	printf("Options:\n"
		   "  -o, --output=FILE        the HTML file to write (default krimp-report.html; - for stdout)\n"
		   "      --round=YEAR         the revaluation round to show (default: the newest)\n"
		   "      --limit=N            at most N tipping-point charts (default 20, highest score first)\n"
		   "  -?, --help               show this help, then exit\n\n");
	printf(CLI_CONN_HELP);
	printf("\nThe file is written next to its final name and renamed, so a reader never sees half a\n"
		   "report.  Exit status 3 means the file could not be written; see man krimpctl-report.\n\n");
	printf(KRIMPCTL_EXIT_CODES);
}

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"output", required_argument, NULL, 'o'},
		{"round", required_argument, NULL, 1},
		{"limit", required_argument, NULL, 2},
		{NULL, 0, NULL, 0}
	};
	cli_conn	copts = cli_default_conn;
	const char *output = "krimp-report.html";
	const char *round_arg = NULL;
	report_ctx	r;
	int			c;
	char	   *tmpname = NULL;
	PGresult   *res;
	bool		to_stdout;

	memset(&r, 0, sizeof r);
	r.limit = 20;
	optind = 0;				/* GNU getopt: start afresh, with argument permutation */
	while ((c = getopt_long(argc, argv, CLI_CONN_SHORTOPTS "o:?", longopts, NULL)) != -1)
	{
		if (cli_conn_option(&copts, c, optarg))
			continue;
		switch (c)
		{
			case 'o':
				output = optarg;
				break;
			case 1:
				if (strlen(optarg) != 4 || strspn(optarg, "0123456789") != 4)
					return cli_usage_error("report", "the round must be a year such as 2020, not \"%s\"", optarg);
				round_arg = optarg;
				break;
			case 2:
				{
					char	   *end;
					long		n = strtol(optarg, &end, 10);

					if (*end || end == optarg || n < 0 || n > 1000)
						return cli_usage_error("report", "--limit must be a number from 0 to 1000, not \"%s\"", optarg);
					r.limit = (int) n;
				}
				break;
			default:				/* '?' too */
				return cli_option_error("report", argv, "dhpUo", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument \"%s\"", argv[optind]);

	r.conn = cli_connect(&copts, &r.rc);
	if (!r.conn)
		return r.rc;
	if (!cli_exec_ok(r.conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &r.rc))
		goto done;

	/* the round: the one asked for, or the newest; its newest recomputation */
	{
		const char *params[1] = {round_arg};

		res = query(&r, "SELECT r.round_year, max(r.recomputation) FROM krimp.revaluation_round r "
					" WHERE $1::pg_catalog.int4 IS NULL OR r.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
					" GROUP BY r.round_year ORDER BY r.round_year DESC LIMIT 1", 1, params);
		if (!res)
			goto done;
		if (PQntuples(res) == 1)
		{
			r.round_year = atoi(PQgetvalue(res, 0, 0));
			r.recomputation = atoi(PQgetvalue(res, 0, 1));
		}
		else if (round_arg)
		{
			PQclear(res);
			r.rc = cli_usage_error("report", "there is no revaluation round %s (run krimpctl evaluate %s)",
								   round_arg, round_arg);
			goto done;
		}
		PQclear(res);
	}

	to_stdout = strcmp(output, "-") == 0;
	if (to_stdout)
		r.f = stdout;
	else
	{
		size_t		n = strlen(output) + 16;

		tmpname = malloc(n);
		if (!tmpname)
		{
			cli_error("out of memory");
			r.rc = EXIT_INPUT;
			goto done;
		}
		snprintf(tmpname, n, "%s.tmp%ld", output, (long) getpid());
		r.f = fopen(tmpname, "w");
		if (!r.f)
		{
			cli_error("could not write \"%s\": %s", tmpname, strerror(errno));
			r.rc = EXIT_INPUT;
			goto done;
		}
	}

	{
		time_t		now = time(NULL);
		char		stamp[64];

		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", localtime(&now));
		fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			  "<title>krimp report</title>\n<style>", r.f);
		fputs(css, r.f);
		fputs("</style>\n</head>\n<body>\n<header>\n<h1>krimp: tipping points and targets in the decline regions</h1>\n<p>",
			  r.f);
		escf(r.f, "Database %s · generated %s by krimpctl report", PQdb(r.conn), stamp);
		if (r.round_year)
			fprintf(r.f, " · revaluation round %d", r.round_year);
		fputs("</p>\n</header>\n<main>\n", r.f);
	}
	/* the overview first (lights and map), then the charts */
	part_scorecard(&r);
	if (r.rc == EXIT_OK)
		part_map(&r);
	if (r.rc == EXIT_OK)
		part_tipping_points(&r);
	if (r.rc == EXIT_OK)
		part_targets(&r);
	fputs("</main>\n<footer>\n<p>Bron: CBS. Population on 1 January per municipality (CBS StatLine 37230ned) and "
		  "the boundaries of municipalities and provinces (CBS Wijk- en buurtkaart), CC BY 4.0. "
		  "Figures of other sources are named in the warehouse's indicator definitions. "
		  "Written by krimpctl report (krimp " KRIMP_VERSION ").</p>\n</footer>\n</body>\n</html>\n", r.f);
	if (r.rc != EXIT_OK)
		goto done;
	if (!cli_exec_ok(r.conn, "COMMIT", &r.rc))
		goto done;
	if (!to_stdout)
	{
		if (fclose(r.f) != 0)
		{
			r.f = NULL;
			cli_error("could not write \"%s\": %s", tmpname, strerror(errno));
			r.rc = EXIT_INPUT;
			goto done;
		}
		r.f = NULL;
		if (rename(tmpname, output) != 0)
		{
			cli_error("could not write \"%s\": %s", output, strerror(errno));
			r.rc = EXIT_INPUT;
			goto done;
		}
		free(tmpname);
		tmpname = NULL;
		cli_info("report written to %s", output);
	}
	else
		fflush(stdout);

done:
	if (r.f && r.f != stdout)
		fclose(r.f);
	if (tmpname)
	{
		unlink(tmpname);
		free(tmpname);
	}
	cli_rollback_quietly(r.conn);
	PQfinish(r.conn);
	return r.rc;
}
