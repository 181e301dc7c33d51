/*
 * report_scorecard.c
 *	  krimpctl report: a revaluation round's scorecard (krimp.scorecard)
 *	  with its traffic lights, and a small chart per target: the series it
 *	  was judged on, its path and the projection.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void
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

void
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
	round = report_query(r, "SELECT r.round_date, pg_catalog.to_char(r.known_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), "
				  "       pg_catalog.to_char(r.data_vintage AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.targets, r.reason "
				  "  FROM krimp.revaluation_round r "
				  " WHERE r.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
				  "   AND r.recomputation OPERATOR(pg_catalog.=) $2::pg_catalog.int4", 2, params);
	if (!round)
		return;
	fprintf(f, "<h2>Scorecard of the revaluation round %d</h2>\n<p>", r->round_year);
	html_escf(f, "%s target(s) in force on %s, judged as the figures were known and released at %s UTC (newest figure read: %s)",
		 PQgetvalue(round, 0, 3), PQgetvalue(round, 0, 0), PQgetvalue(round, 0, 1),
		 PQgetisnull(round, 0, 2) ? "none" : PQgetvalue(round, 0, 2));
	if (r->recomputation > 0)
		html_escf(f, "; recomputation %d: %s", r->recomputation, PQgetvalue(round, 0, 4));
	fputs(". <span class=\"chip\" style=\"background:" COL_GREEN "\">&#160;</span> on or ahead of the path · "
		  "<span class=\"chip\" style=\"background:" COL_ORANGE "\">&#160;</span> behind, but the trend reaches the "
		  "target · <span class=\"chip\" style=\"background:" COL_RED "\">&#160;</span> the trend misses the target · "
		  "<span class=\"chip\" style=\"background:" COL_GREY "\">&#160;</span> too few figures to judge.</p>\n", f);
	PQclear(round);

	score = report_query(r, "SELECT s.region_code, s.region_name, s.theme, s.targets, s.green, s.orange, s.red, s.grey, "
				  "       s.worst_items FROM krimp.scorecard s WHERE s.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
				  " ORDER BY s.red DESC, s.orange DESC, s.grey DESC, s.region_name, s.theme", 1, params);
	if (!score)
		return;
	fputs("<table class=\"scorecard\">\n<thead><tr><th>Region or group</th><th>Theme</th><th class=\"num\">Targets</th>"
		  "<th>Lights</th><th>Worst items</th></tr></thead>\n<tbody>\n", f);
	for (int i = 0; i < PQntuples(score); i++)
	{
		fputs("<tr><td>", f);
		html_esc(f, PQgetvalue(score, i, 1));
		fputs(" <span class=\"muted\">", f);
		html_esc(f, PQgetvalue(score, i, 0));
		fputs("</span></td><td>", f);
		html_esc(f, PQgetvalue(score, i, 2));
		fputs("</td><td class=\"num\">", f);
		html_esc(f, PQgetvalue(score, i, 3));
		fputs("</td><td class=\"lights\">", f);
		light_chip(f, "red", PQgetvalue(score, i, 6));
		light_chip(f, "orange", PQgetvalue(score, i, 5));
		light_chip(f, "grey", PQgetvalue(score, i, 7));
		light_chip(f, "green", PQgetvalue(score, i, 4));
		fputs("</td><td>", f);
		html_esc(f, PQgetvalue(score, i, 8));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
	PQclear(score);
}

/* one small chart per target of the round: the series it was judged on, the path, the projection */
void
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
	targets = report_query(r,
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
		html_esc(f, PQgetvalue(targets, i, R_NAME));
		fputs("</h4>\n<p class=\"explain\">", f);
		if (PQgetisnull(targets, i, R_LATEST_P))
			html_esc(f, "nothing observed after the baseline");
		else
		{
			html_escf(f, "%s: %s %s", PQgetvalue(targets, i, R_LATEST_P),
				 fmt_num(a, sizeof a, strtod(PQgetvalue(targets, i, R_LATEST_V), NULL), dec),
				 PQgetvalue(targets, i, R_UNIT));
			if (!PQgetisnull(targets, i, R_EXPECTED))
				html_escf(f, " against %s on the path", fmt_num(b, sizeof b, strtod(PQgetvalue(targets, i, R_EXPECTED), NULL), dec));
			if (!PQgetisnull(targets, i, R_PROJECTED))
				html_escf(f, "; trend to %s: %s", PQgetvalue(targets, i, R_HORIZON_P),
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
			c.unit = PQgetvalue(targets, i, R_UNIT);
			c.has_projection = !PQgetisnull(targets, i, R_PROJECTED) &&
				parse_period(PQgetvalue(targets, i, R_HORIZON_P), &c.proj_p);
			c.proj_v = c.has_projection ? strtod(PQgetvalue(targets, i, R_PROJECTED), NULL) : NAN;
			c.proj_colour = light_colour(light);
			snprintf(aria, sizeof aria, "%s: %s light", PQgetvalue(targets, i, R_NAME), light);
			c.aria = aria;
			report_chart(f, &c);
		}
		else
			fputs("<p class=\"muted\">no figures</p>\n", f);
		fputs("</figure>\n", f);
		krimp_free(s);
	}
	fputs("</div>\n</section>\n", f);
	PQclear(targets);
}

