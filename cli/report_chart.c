/*
 * report_chart.c
 *	  krimpctl report: the output helpers (HTML text, numbers, periods) and
 *	  the SVG chart of a series with its benchmark, target path, change mark
 *	  and projection.  The target path is drawn with the core's
 *	  krimp_path_value (targets.h), the formula the evaluation uses.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "targets.h"

/* ---- output helpers ------------------------------------------------- */

/* text into HTML (element content and attribute values alike) */
void
html_esc(FILE *f, const char *s)
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

void
html_escf(FILE *f, const char *fmt,...) __attribute__((format(printf, 2, 3)));
void
html_escf(FILE *f, const char *fmt,...)
{
	char		buf[2048];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	html_esc(f, buf);
}

/* a number with the given decimals and thousands separated by commas */
const char *
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
const char *
fmt_exact(char *buf, double v)
{
	if (!isfinite(v))
		return strcpy(buf, "null");
	krimp_format_double(v, buf);
	return buf;
}

const char *
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

krimp_series *
parse_series(const PGresult *res, int row, int col)
{
	krimp_error err;

	if (PQgetisnull(res, row, col))
		return NULL;
	krimp_error_clear(&err);
	return krimp_series_parse(PQgetvalue(res, row, col), &err);
}

bool
parse_period(const char *text, krimp_period *p)
{
	krimp_error err;

	krimp_error_clear(&err);
	return text && *text && krimp_period_parse(text, p, &err);
}

/* a period as a position on the time axis, in years */
double
period_x(krimp_period p)
{
	return krimp_period_start_index(p) / 12.0;
}

/* ---- charts ----------------------------------------------------------- */

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

/* the target path as the core's evaluation sees it, x in years; false if none to draw */
static bool
chart_path(const chart_spec *c, double *kx, krimp_target_path *path)
{
	const target_path *t = c->target;
	krimp_error err;

	if (!t || !t->present || t->nknots < 2)
		return false;
	for (int k = 0; k < t->nknots; k++)
		kx[k] = period_x(t->knot_p[k]);
	path->kind = t->growth ? KRIMP_PATH_GROWTH : KRIMP_PATH_LINEAR;
	path->n = t->nknots;
	path->x = kx;
	path->v = t->knot_v;
	return krimp_path_check(path, &err);
}

/* the extent of everything drawn; false if there is nothing */
static bool
chart_bounds(const chart_spec *c, bool has_target, double *xlo, double *xhi, double *ylo, double *yhi)
{
	const krimp_series *all[2] = {c->series, c->bench};

	*xlo = *ylo = INFINITY;
	*xhi = *yhi = -INFINITY;
	for (int k = 0; k < 2; k++)
	{
		if (!all[k])
			continue;
		for (int i = 0; i < all[k]->count; i++)
		{
			if (krimp_is_missing(all[k]->values[i]))
				continue;
			widen(xlo, xhi, period_x(krimp_series_period_at(all[k], i)));
			widen(ylo, yhi, all[k]->values[i]);
		}
	}
	if (has_target)
		for (int k = 0; k < c->target->nknots; k++)
		{
			widen(xlo, xhi, period_x(c->target->knot_p[k]));
			widen(ylo, yhi, c->target->knot_v[k]);
		}
	if (c->has_projection && isfinite(c->proj_v))
	{
		widen(xlo, xhi, period_x(c->proj_p));
		widen(ylo, yhi, c->proj_v);
	}
	if (c->has_mark)
		widen(xlo, xhi, period_x(c->mark));
	return isfinite(*xlo) && isfinite(*ylo);
}

/* grid and axes */
static void
chart_axes(FILE *f, const scale *sc, double xlo, double xhi, double xstep, double ylo, double yhi, double ystep)
{
	fputs("<g class=\"axis\">\n", f);
	for (double y = ylo; y <= yhi + ystep / 2; y += ystep)
	{
		char		nb[64];
		int			dec = ystep >= 1 ? 0 : (int) ceil(-log10(ystep));

		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
				sc->px0, sc->px1, sy(sc, y), sy(sc, y), sc->px0 - 5, sy(sc, y) + 4,
				fmt_num(nb, sizeof nb, y, dec > 6 ? 6 : dec));
	}
	for (double x = ceil(xlo / xstep) * xstep; x <= xhi + 1e-9; x += xstep)
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>"
				"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
				sx(sc, x), sx(sc, x), sc->py0, sc->py0 + 4, sx(sc, x), sc->py0 + 16, x);
	fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"base\"/>\n</g>\n",
			sc->px0, sc->px1, sc->py0, sc->py0);
}

/* the change: a band from the marked period on, and a line */
static void
chart_mark(FILE *f, const scale *sc, const chart_spec *c)
{
	double		mx = sx(sc, period_x(c->mark));
	char		pb[KRIMP_PERIOD_BUFLEN];

	krimp_period_format(c->mark, pb);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.08\"/>\n",
			mx, sc->py1, sc->px1 - mx, sc->py0 - sc->py1, c->mark_colour);
	fprintf(f, "<line class=\"mark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\" stroke-dasharray=\"5 3\"/>\n", mx, mx, sc->py1, sc->py0, c->mark_colour);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\" class=\"marklabel\">",
			mx > c->width * 0.7 ? mx - 4 : mx + 4, sc->py1 + 11, mx > c->width * 0.7 ? "end" : "start",
			c->mark_colour);
	html_escf(f, "%s %s", c->mark_label ? c->mark_label : "change", pb);
	fputs("</text>\n", f);
}

/* the target path: baseline through the milestones to the horizon */
static void
chart_target(FILE *f, const scale *sc, const chart_spec *c, const krimp_target_path *path)
{
	const target_path *t = c->target;
	double		xa = path->x[0],
				xb = path->x[path->n - 1];
	int			steps = 48;
	char		pb[KRIMP_PERIOD_BUFLEN],
				vb[64];

	fprintf(f, "<path class=\"target\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"7 4\" d=\"",
			COL_TARGET);
	for (int k = 0; k <= steps; k++)
	{
		double		x = xa + (xb - xa) * k / steps;

		fprintf(f, "%s%.1f %.1f", k == 0 ? "M" : " L", sx(sc, x), sy(sc, krimp_path_value(path, x)));
	}
	fputs("\"/>\n", f);
	fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"%s\" stroke-width=\"2\">"
			"<title>", sx(sc, xb), sy(sc, t->knot_v[t->nknots - 1]), COL_TARGET);
	krimp_period_format(t->knot_p[t->nknots - 1], pb);
	html_escf(f, "target %s: %s in %s", t->name ? t->name : "",
		 fmt_num(vb, sizeof vb, t->knot_v[t->nknots - 1], c->decimals), pb);
	fputs("</title></circle>\n", f);
}

/* the projection from the latest observation to the horizon */
static void
chart_projection(FILE *f, const scale *sc, const chart_spec *c)
{
	const krimp_series *s = c->series;

	for (int i = s->count - 1; i >= 0; i--)
		if (!krimp_is_missing(s->values[i]))
		{
			fprintf(f, "<line class=\"projection\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
					"stroke-width=\"2\" stroke-dasharray=\"2 3\"/>\n",
					sx(sc, period_x(krimp_series_period_at(s, i))), sy(sc, s->values[i]),
					sx(sc, period_x(c->proj_p)), sy(sc, c->proj_v), c->proj_colour);
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
					sx(sc, period_x(c->proj_p)), sy(sc, c->proj_v), c->proj_colour);
			break;
		}
}

static void
chart_legend(FILE *f, const scale *sc, const chart_spec *c, bool has_target)
{
	int			legend_x;

	/* legend */
	legend_x = (int) sc->px0;
	fprintf(f, "<g class=\"legend\" transform=\"translate(%d,%d)\">\n", legend_x, c->height - 8);
	fprintf(f, "<line x1=\"0\" x2=\"18\" y1=\"-4\" y2=\"-4\" stroke=\"%s\" stroke-width=\"2.2\"/><text x=\"22\" y=\"0\">",
			COL_SERIES);
	html_esc(f, c->series_label ? c->series_label : "series");
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
	fputs("</g>\n", f);
}

void
report_chart(FILE *f, const chart_spec *c)
{
	scale		sc;
	double		xlo,
				xhi,
				ylo,
				yhi;
	double		ystep,
				xstep;
	double		kx[MAX_KNOTS];
	krimp_target_path path;
	bool		has_target = chart_path(c, kx, &path);
	bool		has_data = chart_bounds(c, has_target, &xlo, &xhi, &ylo, &yhi);

	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
			c->width, c->height);
	html_esc(f, c->aria ? c->aria : "chart");
	fputs("\">\n", f);
	if (!has_data)
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
	sc.py1 = c->unit && *c->unit ? 24 : 12;

	chart_axes(f, &sc, xlo, xhi, xstep, ylo, yhi, ystep);
	if (c->unit && *c->unit)
	{
		fprintf(f, "<text class=\"unit\" x=\"%.1f\" y=\"12\" text-anchor=\"start\">", sc.px0 - 50);
		html_esc(f, c->unit);
		fputs("</text>\n", f);
	}
	if (c->has_mark)
		chart_mark(f, &sc, c);
	if (has_target)
		chart_target(f, &sc, c, &path);
	if (c->bench)
		series_polyline(f, &sc, c->bench, "class=\"bench\" fill=\"none\" stroke=\"" COL_BENCH
						"\" stroke-width=\"1.6\" stroke-dasharray=\"3 3\"", false, COL_BENCH);
	if (c->has_projection && isfinite(c->proj_v))
		chart_projection(f, &sc, c);
	series_polyline(f, &sc, c->series, "class=\"series\" fill=\"none\" stroke=\"" COL_SERIES
					"\" stroke-width=\"2.2\" stroke-linejoin=\"round\"", true, COL_SERIES);
	chart_legend(f, &sc, c, has_target);
	fputs("</svg>\n", f);
}

/* knots of a target path from text columns: baseline, milestones (comma lists), horizon */
void
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

