/*
 * report.h
 *	  What the files of krimpctl report share: report.c (the page, the
 *	  options and the tipping points), report_chart.c (the output helpers
 *	  and the SVG charts), report_scorecard.c (the round's scorecard and the
 *	  targets' charts) and report_map.c (the map of the decline regions).
 */
#ifndef KRIMP_REPORT_H
#define KRIMP_REPORT_H

#include <stdio.h>

#include "krimpctl.h"
#include "krimp_core.h"
#include "period.h"
#include "series.h"

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
	const char *unit;		/* the indicator's unit, over the value axis; NULL: none */
	const char *aria;
} chart_spec;

#define TARGET_COLUMNS(t) \
	t ".name, " t ".path, " t ".baseline_period::pg_catalog.text, " t ".baseline_value, " \
	"pg_catalog.array_to_string(" t ".milestone_periods::pg_catalog.text[], ','), " \
	"pg_catalog.array_to_string(" t ".milestone_values, ','), " \
	t ".horizon_period::pg_catalog.text, " t ".horizon_value"

typedef struct report_ctx
{
	PGconn	   *conn;
	FILE	   *f;
	int			rc;
	int			limit;
	int			round_year;		/* 0: none */
	int			recomputation;
} report_ctx;

/* report_chart.c: output helpers */
extern void html_esc(FILE *f, const char *s);
extern void html_escf(FILE *f, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern const char *fmt_num(char *buf, size_t len, double v, int decimals);
extern const char *fmt_exact(char *buf, double v);
extern const char *light_colour(const char *light);
extern krimp_series *parse_series(const PGresult *res, int row, int col);
extern bool parse_period(const char *text, krimp_period *p);
extern double period_x(krimp_period p);

/* report_chart.c: a chart, and a target path from the TARGET_COLUMNS */
extern void report_chart(FILE *f, const chart_spec *c);
extern void read_target(target_path *t, const PGresult *res, int row, int col);

/* report.c */
extern PGresult *report_query(report_ctx *r, const char *sql, int nparams, const char *const *params);
extern void part_tipping_points(report_ctx *r);

/* report_scorecard.c */
extern void light_chip(FILE *f, const char *light, const char *count);
extern void part_scorecard(report_ctx *r);
extern void part_targets(report_ctx *r);

/* report_map.c */
extern void part_map(report_ctx *r);
extern void part_choropleths(report_ctx *r);

#endif							/* KRIMP_REPORT_H */
