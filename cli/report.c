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
 *	  3. a map of all municipalities for each theme (a choropleth): the
 *	     theme's headline indicator in its newest period, in five classes,
 *	     with a legend in the indicator's unit;
 *	  4. a map of the decline regions (krimp.region_group members, the
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
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#ifndef KRIMP_VERSION
#define KRIMP_VERSION "unknown"
#endif

/* ---- the parts of the report ------------------------------------------ */

PGresult *
report_query(report_ctx *r, const char *sql, int nparams, const char *const *params)
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

enum
{
	T_IND, T_INDNAME, T_UNIT, T_DEC, T_RCODE, T_RNAME, T_PERIOD, T_KIND, T_ASSESS, T_BEFORE, T_AFTER,
	T_P, T_SCORE, T_RECENT, T_STATUS, T_SERIES, T_BENCH, T_EXPLAIN, T_TARGET
};

void
part_tipping_points(report_ctx *r)
{
	char		lim[16];
	const char *params[1] = {lim};
	PGresult   *res,
			   *cnt;
	long		total;
	FILE	   *f = r->f;

	snprintf(lim, sizeof lim, "%d", r->limit);
	cnt = report_query(r, "SELECT count(*) FROM krimp.tipping_point_flag f "
				" WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND (f.recent OR f.status OPERATOR(pg_catalog.=) 'new')",
				0, NULL);
	if (!cnt)
		return;
	total = atol(PQgetvalue(cnt, 0, 0));
	PQclear(cnt);
	/* the flags shown first, then their benchmarks in one set-based call
	 * (krimp.benchmark_values_many: a benchmark shared by an indicator's
	 * regions is formed once), as the nightly job forms them */
	res = report_query(r,
				"WITH fl AS MATERIALIZED ("
				"  SELECT f.flag_id, f.indicator_id, f.region_id, pg_catalog.row_number() OVER (ORDER BY f.recent DESC, f.score DESC NULLS LAST, f.flag_id) "
				"              ::pg_catalog.int4 AS n "
				"    FROM krimp.tipping_point_flag f "
				"   WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND (f.recent OR f.status OPERATOR(pg_catalog.=) 'new') "
				"   ORDER BY f.recent DESC, f.score DESC NULLS LAST, f.flag_id "
				"   LIMIT $1::pg_catalog.int4), "
				"bm AS ("
				"  SELECT b.ord, krimp.series_agg(b.period, b.value) AS series "
				"    FROM krimp.benchmark_values_many('infinity', "
				"             ARRAY(SELECT fl.indicator_id FROM fl ORDER BY fl.n), "
				"             ARRAY(SELECT fl.region_id FROM fl ORDER BY fl.n)) b "
				"   GROUP BY b.ord) "
				"SELECT i.code, i.name, i.unit, i.decimals, rg.code, rg.name, f.period::pg_catalog.text, f.kind, "
				"       f.assessment, f.before, f.after, pg_catalog.to_char(f.p_value, 'FM0.0000'), f.score, f.recent, "
				"       f.status, s.series::pg_catalog.text, "
				"       krimp.comparable_benchmark(s.series, bm.series, i.aggregation)::pg_catalog.text, "
				"       krimp.explain(f), "		/* the one sentence of the demo and scripts/demo.sql */
				"       " TARGET_COLUMNS("t")
				"  FROM fl JOIN krimp.tipping_point_flag f ON f.flag_id OPERATOR(pg_catalog.=) fl.flag_id "
				"  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) f.indicator_id "
				"  JOIN krimp.region rg ON rg.region_id OPERATOR(pg_catalog.=) f.region_id "
				"  LEFT JOIN bm ON bm.ord OPERATOR(pg_catalog.=) fl.n "
				" CROSS JOIN LATERAL (SELECT krimp.released_series(f.indicator_id, f.region_id) AS series) s "
				"  LEFT JOIN LATERAL (SELECT x.* FROM krimp.target x "
				"                      WHERE x.indicator_id OPERATOR(pg_catalog.=) f.indicator_id "
				"                        AND x.region_id OPERATOR(pg_catalog.=) f.region_id "
				"                        AND NOT EXISTS (SELECT FROM krimp.target n "
				"                                         WHERE n.previous_id OPERATOR(pg_catalog.=) x.target_id) "
				"                      ORDER BY x.target_id DESC LIMIT 1) t ON true "
				" ORDER BY fl.n",
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
		html_escf(f, "%s (%s)", PQgetvalue(res, i, T_RNAME), PQgetvalue(res, i, T_RCODE));
		fputs("</h3>\n<p class=\"sub\"><span class=\"badge\" style=\"background:", f);
		fputs(colour, f);
		fputs("\">", f);
		html_esc(f, assess);
		fputs("</span> ", f);
		html_escf(f, "%s, %s · %s · score %s%s%s", PQgetvalue(res, i, T_KIND), PQgetvalue(res, i, T_PERIOD),
			 PQgetvalue(res, i, T_INDNAME), fmt_num(sb, sizeof sb, strtod(PQgetvalue(res, i, T_SCORE), NULL), 1),
			 !strcmp(PQgetvalue(res, i, T_STATUS), "new") ? " · new" : "",
			 !strcmp(PQgetvalue(res, i, T_RECENT), "t") ? " · recent" : "");
		fputs("</p>\n<p class=\"explain\">", f);
		html_esc(f, PQgetvalue(res, i, T_EXPLAIN));
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
			c.unit = PQgetvalue(res, i, T_UNIT);
			snprintf(aria, sizeof aria, "%s in %s with the %s of %s marked", PQgetvalue(res, i, T_INDNAME),
					 PQgetvalue(res, i, T_RNAME), PQgetvalue(res, i, T_KIND), PQgetvalue(res, i, T_PERIOD));
			c.aria = aria;
			report_chart(f, &c);
		}
		fputs("</figure>\n", f);
		krimp_free(s);
		krimp_free(b);
	}
	fputs("</div>\n</section>\n", f);
	PQclear(res);
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
"svg.choropleth{flex:0 0 300px;width:300px;max-width:100%;height:auto;background:#f3f7fb;border-radius:6px}"
"svg.chart .unit{font-weight:600}"
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
		   "scorecard with its traffic lights, a map of the decline regions and a map of all\n"
		   "municipalities for each theme.\n\n", progname);
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

/* the round: the one asked for, or the newest; its newest recomputation */
static bool
report_round(report_ctx *r, const char *round_arg)
{
	const char *params[1] = {round_arg};
	PGresult   *res;

	res = report_query(r, "SELECT r.round_year, max(r.recomputation) FROM krimp.revaluation_round r "
				" WHERE $1::pg_catalog.int4 IS NULL OR r.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
				" GROUP BY r.round_year ORDER BY r.round_year DESC LIMIT 1", 1, params);
	if (!res)
		return false;
	if (PQntuples(res) == 1)
	{
		r->round_year = atoi(PQgetvalue(res, 0, 0));
		r->recomputation = atoi(PQgetvalue(res, 0, 1));
	}
	else if (round_arg)
	{
		PQclear(res);
		r->rc = cli_usage_error("report", "there is no revaluation round %s (run krimpctl evaluate %s)",
								round_arg, round_arg);
		return false;
	}
	PQclear(res);
	return true;
}

/* open the file to write: stdout for "-", else a temporary name beside the final one */
static bool
report_open(report_ctx *r, const char *output, char **tmpname)
{
	size_t		n = strlen(output) + 16;

	if (strcmp(output, "-") == 0)
	{
		r->f = stdout;
		return true;
	}
	if (!cli_prepare_output(output, "the report"))
	{
		r->rc = EXIT_INPUT;
		return false;
	}
	*tmpname = malloc(n);
	if (!*tmpname)
	{
		cli_error("out of memory");
		r->rc = EXIT_INPUT;
		return false;
	}
	snprintf(*tmpname, n, "%s.tmp%ld", output, (long) getpid());
	r->f = fopen(*tmpname, "w");
	if (!r->f)
	{
		cli_error("could not write \"%s\": %s", *tmpname, strerror(errno));
		r->rc = EXIT_INPUT;
		return false;
	}
	return true;
}

/* the page: head, the parts (the overview first, lights and map, then the charts), foot */
static void
report_page(report_ctx *r)
{
	time_t		now = time(NULL);
	char		stamp[64];

	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M", localtime(&now));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		  "<title>krimp report</title>\n<style>", r->f);
	fputs(css, r->f);
	fputs("</style>\n</head>\n<body>\n<header>\n<h1>krimp: tipping points and targets in the decline regions</h1>\n<p>",
		  r->f);
	html_escf(r->f, "Database %s · generated %s by krimpctl report", PQdb(r->conn), stamp);
	if (r->round_year)
		fprintf(r->f, " · revaluation round %d", r->round_year);
	fputs("</p>\n</header>\n<main>\n", r->f);
	part_scorecard(r);
	if (r->rc == EXIT_OK)
		part_map(r);
	if (r->rc == EXIT_OK)
		part_choropleths(r);
	if (r->rc == EXIT_OK)
		part_tipping_points(r);
	if (r->rc == EXIT_OK)
		part_targets(r);
	fputs("</main>\n<footer>\n<p>Bron: CBS. Population on 1 January per municipality (CBS StatLine 37230ned) and "
		  "the boundaries of municipalities and provinces (CBS Wijk- en buurtkaart), CC BY 4.0. "
		  "Figures of other sources are named in the warehouse's indicator definitions. "
		  "Written by krimpctl report (krimp " KRIMP_VERSION ").</p>\n</footer>\n</body>\n</html>\n", r->f);
}

/* close the temporary file and give it its final name */
static bool
report_finish(report_ctx *r, const char *output, const char *tmpname)
{
	if (fclose(r->f) != 0)
	{
		r->f = NULL;
		cli_error("could not write \"%s\": %s", tmpname, strerror(errno));
		r->rc = EXIT_INPUT;
		return false;
	}
	r->f = NULL;
	if (rename(tmpname, output) != 0)
	{
		cli_error("could not write \"%s\": %s", output, strerror(errno));
		r->rc = EXIT_INPUT;
		return false;
	}
	cli_info("report written to %s", output);
	return true;
}

/*
 * krimpctl report on an open connection: the whole report in one read-only
 * repeatable-read transaction, rolled back at the end (the caller closes the
 * connection).  Returns an exit code.
 */
int
krimp_report(PGconn *conn, const report_options *o)
{
	report_ctx	r;
	char	   *tmpname = NULL;
	const char *output = o->output ? o->output : "krimp-report.html";

	memset(&r, 0, sizeof r);
	r.conn = conn;
	r.limit = o->limit;
	if (!cli_exec_ok(r.conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &r.rc))
		goto done;
	if (!report_round(&r, o->round))
		goto done;
	if (!report_open(&r, output, &tmpname))
		goto done;
	report_page(&r);
	if (r.rc != EXIT_OK)
		goto done;
	if (!cli_exec_ok(r.conn, "COMMIT", &r.rc))
		goto done;
	if (r.f != stdout)
	{
		if (!report_finish(&r, output, tmpname))
			goto done;
		free(tmpname);
		tmpname = NULL;
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
	return r.rc;
}

enum
{
	OPT_ROUND = 256,
	OPT_LIMIT
};

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"output", required_argument, NULL, 'o'},
		{"round", required_argument, NULL, OPT_ROUND},
		{"limit", required_argument, NULL, OPT_LIMIT},
		{NULL, 0, NULL, 0}
	};
	cli_conn	copts = cli_default_conn;
	report_options o = {"krimp-report.html", NULL, 20};
	PGconn	   *conn;
	int			c,
				rc;

	optind = 0;				/* GNU getopt: start afresh, with argument permutation */
	while ((c = getopt_long(argc, argv, CLI_CONN_SHORTOPTS "o:?", longopts, NULL)) != -1)
	{
		if (cli_conn_option(&copts, c, optarg))
			continue;
		switch (c)
		{
			case 'o':
				o.output = optarg;
				break;
			case OPT_ROUND:
				if (strlen(optarg) != 4 || strspn(optarg, "0123456789") != 4)
					return cli_usage_error("report", "the round must be a year such as 2020, not \"%s\"", optarg);
				o.round = optarg;
				break;
			case OPT_LIMIT:
				{
					char	   *end;
					long		n = strtol(optarg, &end, 10);

					if (*end || end == optarg || n < 0 || n > 1000)
						return cli_usage_error("report", "--limit must be a number from 0 to 1000, not \"%s\"", optarg);
					o.limit = (int) n;
				}
				break;
			default:				/* '?' too */
				return cli_option_error("report", argv, "dhpUo", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument \"%s\"", argv[optind]);

	conn = cli_connect(&copts, &rc);
	if (!conn)
		return rc;
	rc = krimp_report(conn, &o);
	PQfinish(conn);
	return rc;
}
