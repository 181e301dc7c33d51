/*
 * report_map.c
 *	  krimpctl report: the map of the decline regions (krimp.region_group
 *	  members) over the provinces, coloured by the worst light of the round,
 *	  with a dot on every municipality with a recent worsening tipping
 *	  point.  The server does the geometry: ST_Simplify, ST_AsSVG and
 *	  ST_Extent for the viewBox.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

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
		html_esc(f, PQgetvalue(grp, l[j].row, 1));
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
	free(l);
}

/* the map itself: provinces, members by their group's worst light, group outlines, dots, labels */
static void
map_draw(report_ctx *r, const PGresult *prov, const PGresult *mem, const PGresult *grp, const PGresult *dots,
		 double x0, double y0, double w, double h)
{
	FILE	   *f = r->f;

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
		html_esc(f, PQgetvalue(prov, i, 2));
		fputs("\"><title>", f);
		html_esc(f, PQgetvalue(prov, i, 1));
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
		html_esc(f, PQgetvalue(mem, i, 0));
		fprintf(f, "\" fill=\"%s\" d=\"", fill);
		html_esc(f, PQgetvalue(mem, i, 3));
		fputs("\"><title>", f);
		html_escf(f, "%s (%s), %s", PQgetvalue(mem, i, 2), PQgetvalue(mem, i, 1), PQgetvalue(mem, i, 0));
		fputs("</title></path>\n", f);
	}
	fputs("</g>\n<g class=\"groups\" fill=\"none\" stroke=\"#2b2b2b\" stroke-width=\"700\">\n", f);
	for (int j = 0; j < PQntuples(grp); j++)
	{
		fputs("<path class=\"group\" d=\"", f);
		html_esc(f, PQgetvalue(grp, j, 4));
		fputs("\"", f);
		if (!strcmp(PQgetvalue(grp, j, 2), "anticipeerregio"))
			fputs(" stroke-dasharray=\"2500 1500\"", f);
		fputs("><title>", f);
		html_escf(f, "%s (%s)%s%s", PQgetvalue(grp, j, 1), PQgetvalue(grp, j, 2),
			 PQgetisnull(grp, j, 7) ? "" : ": ", PQgetisnull(grp, j, 7) ? "" : PQgetvalue(grp, j, 7));
		fputs("</title></path>\n", f);
	}
	fputs("</g>\n<g class=\"dots\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"500\">\n", f);
	for (int i = 0; i < PQntuples(dots); i++)
	{
		fprintf(f, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"2300\"><title>", strtod(PQgetvalue(dots, i, 2), NULL),
				-strtod(PQgetvalue(dots, i, 3), NULL));
		html_escf(f, "%s (%s): %s", PQgetvalue(dots, i, 1), PQgetvalue(dots, i, 0), PQgetvalue(dots, i, 4));
		fputs("</title></circle>\n", f);
	}
	fputs("</g>\n", f);
	place_labels(f, grp, x0, w);
	fputs("</g>\n</svg>\n", f);

}

static void
map_legend(report_ctx *r)
{
	FILE	   *f = r->f;

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
}

void
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
	ext = report_query(r, "SELECT public.ST_XMin(e), public.ST_YMax(e), public.ST_XMax(e) - public.ST_XMin(e), "
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

	prov = report_query(r, "SELECT g.code, g.name, public.ST_AsSVG(public.ST_Simplify(g.geom, $1::pg_catalog.float8, true), 1, 0) "
				 "  FROM krimp.region g WHERE g.level OPERATOR(pg_catalog.=) 'province' AND g.valid_to IS NULL "
				 "   AND g.geom IS NOT NULL ORDER BY g.code", 1, tparams);
	if (!prov)
		return;
	/* the worst light of the round among each group's targets (4 red .. 1 green, 0 none) */
	mem = report_query(r, "SELECT gr.group_code, g.code, g.name, "
				"       public.ST_AsSVG(public.ST_Simplify(g.geom, $1::pg_catalog.float8, true), 1, 0) "
				"  FROM krimp.region_group gr CROSS JOIN LATERAL krimp.group_members(gr.group_code) m "
				"  JOIN krimp.region g ON g.region_id OPERATOR(pg_catalog.=) m.region_id "
				" WHERE m.designated AND g.geom IS NOT NULL ORDER BY gr.group_code, g.code", 1, tparams);
	if (!mem)
	{
		PQclear(prov);
		return;
	}
	grp = report_query(r, "SELECT x.group_code, x.name, x.designation, coalesce(l.severity, 0), "
				"       public.ST_AsSVG(public.ST_Simplify(x.u, $1::pg_catalog.float8, true), 1, 0), "
				"       public.ST_X(public.ST_PointOnSurface(x.u)), public.ST_Y(public.ST_PointOnSurface(x.u)), "
				"       l.lights "
				"  FROM (SELECT gr.group_code, gr.name, gr.designation, public.ST_Union(g.geom) AS u "
				"          FROM krimp.region_group gr "
				"         CROSS JOIN LATERAL krimp.group_members(gr.group_code) m "
				"          JOIN krimp.region g ON g.region_id OPERATOR(pg_catalog.=) m.region_id "
				"         WHERE m.designated AND g.geom IS NOT NULL GROUP BY gr.group_code, gr.name, gr.designation) x "
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
	dots = report_query(r, "SELECT g.code, g.name, public.ST_X(public.ST_PointOnSurface(g.geom)), "
				 "       public.ST_Y(public.ST_PointOnSurface(g.geom)), "
				 "       pg_catalog.string_agg(DISTINCT f.kind OPERATOR(pg_catalog.||) ' ' "
				 "                             OPERATOR(pg_catalog.||) f.period::pg_catalog.text, ', ') "
				 "  FROM krimp.tipping_point_flag f JOIN krimp.region g ON g.region_id OPERATOR(pg_catalog.=) f.region_id "
				 " WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND f.recent "
				 "   AND f.assessment OPERATOR(pg_catalog.=) 'worsening' AND g.geom IS NOT NULL "
				 "   AND g.level OPERATOR(pg_catalog.=) 'municipality' "
				 "   AND EXISTS (SELECT FROM krimp.region_group gr CROSS JOIN LATERAL krimp.group_members(gr.group_code) m "
				 "                WHERE m.region_id OPERATOR(pg_catalog.=) f.region_id) "
				 " GROUP BY g.code, g.name, g.geom ORDER BY g.code", 0, NULL);
	if (!dots)
	{
		PQclear(prov);
		PQclear(mem);
		PQclear(grp);
		return;
	}

	map_draw(r, prov, mem, grp, dots, x0, y0, w, h);
	map_legend(r);
	PQclear(prov);
	PQclear(mem);
	PQclear(grp);
	PQclear(dots);
}


/* ---- the choropleths: all municipalities by a theme's headline indicator ---- */

/*
 * One map per theme (krimp.indicator_themes()): the headline indicator of a
 * theme is, of its indicators with released municipal figures, the one whose
 * newest period is the latest; then a rate or mean before a count (a count
 * mostly shows the size of a municipality); then the one with the most
 * municipalities in that period; then the catalogue's order.  The map shows the municipalities valid at the start
 * of that period, each coloured by its figure (krimp.figures_as_of now,
 * released only) in five classes of equal count; a municipality without a
 * figure stays blank.
 */
#define CHORO_CLASSES 5
static const char *const choro_fill[CHORO_CLASSES] = {"#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"};

static const char *const sql_headlines =
"WITH f AS ( "
"  SELECT o.indicator_id, o.region_id, o.period, o.value "
"    FROM krimp.figures_as_of(pg_catalog.now(), true) o "
"    JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) o.region_id "
"   WHERE o.kind OPERATOR(pg_catalog.=) 'realisation' AND r.level OPERATOR(pg_catalog.=) 'municipality' "
"     AND o.value IS NOT NULL), "
"latest AS (SELECT f.indicator_id, krimp.max(f.period) AS period FROM f GROUP BY f.indicator_id), "
"counted AS (SELECT l.indicator_id, l.period, count(*) AS n FROM latest l JOIN f "
"              ON f.indicator_id OPERATOR(pg_catalog.=) l.indicator_id AND f.period OPERATOR(krimp.=) l.period "
"             GROUP BY l.indicator_id, l.period) "
"SELECT t.theme, i.indicator_id, i.code, i.name, i.unit, i.decimals, c.period::pg_catalog.text, c.n, "
"       krimp.first_day(c.period)::pg_catalog.text "
"  FROM pg_catalog.unnest(krimp.indicator_themes()) WITH ORDINALITY t(theme, k) "
"  LEFT JOIN LATERAL (SELECT x.* FROM krimp.indicator x JOIN counted y "
"                       ON y.indicator_id OPERATOR(pg_catalog.=) x.indicator_id "
"                      WHERE x.theme OPERATOR(pg_catalog.=) t.theme "
"                      ORDER BY y.period DESC, x.aggregation OPERATOR(pg_catalog.=) 'sum', y.n DESC, "
"                               x.indicator_id LIMIT 1) i ON true "
"  LEFT JOIN counted c ON c.indicator_id OPERATOR(pg_catalog.=) i.indicator_id "
" ORDER BY t.k";

/* the municipalities valid on the first day of the period, with their figure and class */
static const char *const sql_choro =
"SELECT g.code, g.name, public.ST_AsSVG(public.ST_Simplify(g.geom, $1::pg_catalog.float8, true), 1, 0), "
"       v.value, CASE WHEN v.value IS NOT NULL "
"                     THEN pg_catalog.ntile(5) OVER (PARTITION BY v.value IS NOT NULL ORDER BY v.value) END "
"  FROM krimp.region g "
"  LEFT JOIN (SELECT o.region_id, o.value FROM krimp.figures_as_of(pg_catalog.now(), true) o "
"              WHERE o.kind OPERATOR(pg_catalog.=) 'realisation' "
"                AND o.indicator_id OPERATOR(pg_catalog.=) $2::pg_catalog.int4 "
"                AND o.period OPERATOR(krimp.=) $3::krimp.period) v "
"         ON v.region_id OPERATOR(pg_catalog.=) g.region_id "
" WHERE g.level OPERATOR(pg_catalog.=) 'municipality' AND g.geom IS NOT NULL "
"   AND g.valid_from OPERATOR(pg_catalog.<=) $4::pg_catalog.date "
"   AND (g.valid_to IS NULL OR g.valid_to OPERATOR(pg_catalog.>) $4::pg_catalog.date) "
" ORDER BY g.code";

static void
choro_map(report_ctx *r, const PGresult *h, int row, const char *tol, double x0, double y0, double w, double hh)
{
	FILE	   *f = r->f;
	const char *params[4] = {tol, PQgetvalue(h, row, 1), PQgetvalue(h, row, 6), PQgetvalue(h, row, 8)};
	const char *unit = PQgetvalue(h, row, 4);
	int			dec = atoi(PQgetvalue(h, row, 5));
	double		lo[CHORO_CLASSES],
				hi[CHORO_CLASSES];
	int			n[CHORO_CLASSES] = {0},
				coloured = 0;
	PGresult   *m = report_query(r, sql_choro, 4, params);

	if (!m)
		return;
	for (int k = 0; k < CHORO_CLASSES; k++)
	{
		lo[k] = INFINITY;
		hi[k] = -INFINITY;
	}
	fprintf(f, "<svg class=\"choropleth\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"%.0f %.0f %.0f %.0f\" "
			"role=\"img\" aria-label=\"", x0 - w * 0.02, -y0 - hh * 0.02, w * 1.04, hh * 1.04);
	html_escf(f, "map of the municipalities by %s, %s", PQgetvalue(h, row, 3), PQgetvalue(h, row, 6));
	fputs("\">\n<g stroke=\"#ffffff\" stroke-width=\"200\">\n", f);
	for (int i = 0; i < PQntuples(m); i++)
	{
		char		vb[64];
		int			k = PQgetisnull(m, i, 4) ? 0 : atoi(PQgetvalue(m, i, 4));

		if (k >= 1 && k <= CHORO_CLASSES)
		{
			double		v = strtod(PQgetvalue(m, i, 3), NULL);

			lo[k - 1] = fmin(lo[k - 1], v);
			hi[k - 1] = fmax(hi[k - 1], v);
			n[k - 1]++;
			coloured++;
			fprintf(f, "<path class=\"c%d\" fill=\"%s\" d=\"", k, choro_fill[k - 1]);
		}
		else
			fputs("<path class=\"none\" fill=\"#e5e7eb\" d=\"", f);
		html_esc(f, PQgetvalue(m, i, 2));
		fputs("\"><title>", f);
		if (k >= 1)
			html_escf(f, "%s (%s): %s %s", PQgetvalue(m, i, 1), PQgetvalue(m, i, 0),
					  fmt_num(vb, sizeof vb, strtod(PQgetvalue(m, i, 3), NULL), dec), unit);
		else
			html_escf(f, "%s (%s): no figure", PQgetvalue(m, i, 1), PQgetvalue(m, i, 0));
		fputs("</title></path>\n", f);
	}
	fputs("</g>\n</svg>\n<div class=\"legend\">\n<h4>", f);
	html_esc(f, unit);
	fputs("</h4>\n<ul>\n", f);
	for (int k = CHORO_CLASSES - 1; k >= 0; k--)
	{
		char		a[64],
					b[64];

		if (n[k] == 0)
			continue;
		fprintf(f, "<li><span class=\"swatch\" style=\"background:%s;border:1px solid #cbd5e1\"></span>", choro_fill[k]);
		html_escf(f, "%s to %s (%d)", fmt_num(a, sizeof a, lo[k], dec), fmt_num(b, sizeof b, hi[k], dec), n[k]);
		fputs("</li>\n", f);
	}
	fprintf(f, "<li><span class=\"swatch\" style=\"background:#e5e7eb\"></span>no figure (%d)</li>\n",
			PQntuples(m) - coloured);
	fputs("</ul>\n<p class=\"muted\">", f);
	html_escf(f, "%d municipalities of %s in five classes of equal count. Bron: CBS.", PQntuples(m),
			  PQgetvalue(h, row, 6));
	fputs("</p>\n</div>\n", f);
	PQclear(m);
}

void
part_choropleths(report_ctx *r)
{
	FILE	   *f = r->f;
	PGresult   *ext,
			   *h;
	double		x0,
				y0,
				w,
				hh;
	char		tol[32];

	ext = report_query(r, "SELECT public.ST_XMin(e), public.ST_YMax(e), public.ST_XMax(e) - public.ST_XMin(e), "
					   "       public.ST_YMax(e) - public.ST_YMin(e) "
					   "  FROM (SELECT public.ST_Extent(g.geom) AS e FROM krimp.region g "
					   "         WHERE g.level OPERATOR(pg_catalog.=) 'province' AND g.valid_to IS NULL) x", 0, NULL);
	if (!ext)
		return;
	if (PQgetisnull(ext, 0, 0))
	{
		PQclear(ext);
		return;
	}
	x0 = strtod(PQgetvalue(ext, 0, 0), NULL);
	y0 = strtod(PQgetvalue(ext, 0, 1), NULL);
	w = strtod(PQgetvalue(ext, 0, 2), NULL);
	hh = strtod(PQgetvalue(ext, 0, 3), NULL);
	PQclear(ext);
	/* about a pixel of a map 500 pixels wide */
	snprintf(tol, sizeof tol, "%.0f", w / 500);
	h = report_query(r, sql_headlines, 0, NULL);
	if (!h)
		return;
	fputs("<section id=\"themes\">\n<h2>The municipalities by theme</h2>\n<p>For each theme the headline indicator: "
		  "of the theme's indicators with figures, the one with the newest period (a rate or mean before a count, then "
		  "the one with the most municipalities). "
		  "Each municipality of that period is coloured by its figure (as released now), in five classes of equal "
		  "count.</p>\n<div class=\"grid\">\n", f);
	for (int i = 0; i < PQntuples(h) && r->rc == EXIT_OK; i++)
	{
		if (PQgetisnull(h, i, 1))
			continue;
		fputs("<figure class=\"card theme-map\" data-theme=\"", f);
		html_esc(f, PQgetvalue(h, i, 0));
		fputs("\" data-indicator=\"", f);
		html_esc(f, PQgetvalue(h, i, 2));
		fputs("\">\n<figcaption><h3>", f);
		html_esc(f, PQgetvalue(h, i, 0));
		fputs("</h3>\n<p class=\"sub\">", f);
		html_escf(f, "%s (%s), %s, in %s", PQgetvalue(h, i, 3), PQgetvalue(h, i, 2), PQgetvalue(h, i, 6),
				  PQgetvalue(h, i, 4));
		fputs("</p></figcaption>\n<div class=\"mapwrap\">\n", f);
		choro_map(r, h, i, tol, x0, y0, w, hh);
		fputs("</div>\n</figure>\n", f);
	}
	fputs("</div>\n", f);
	/* the themes without municipal figures, in one line */
	{
		int			n = 0;

		for (int i = 0; i < PQntuples(h); i++)
			if (PQgetisnull(h, i, 1))
			{
				fputs(n++ == 0 ? "<p class=\"muted\" id=\"themes-without-figures\">No municipal figures are loaded for: "
					  : ", ", f);
				html_esc(f, PQgetvalue(h, i, 0));
			}
		if (n > 0)
			fputs(".</p>\n", f);
	}
	fputs("</section>\n", f);
	PQclear(h);
}
