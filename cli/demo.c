/*
 * demo.c
 *	  krimpctl demo: the main job on the bundled CBS data, step by step, in a
 *	  database that has the extension and the bundled regions
 *	  (scripts/demo.sh makes the cluster and the database and loads the
 *	  regions first):
 *
 *	  1. the indicator catalogue, data/indicators.sql;
 *	  2. the CBS population per municipality 2002-2022 with krimpctl load,
 *	     one load a year with the vintage CBS's spring publication would
 *	     have had (1 April), so that targets and rounds read the figures as
 *	     they were known then;
 *	  3. the national total NL01, the sum of the municipalities in each
 *	     vintage (the benchmark of the nightly job and of the targets);
 *	  3b. every other theme: the tables of the load manifest data/loads.tsv,
 *	     each with krimpctl load, and the age shares as rates
 *	     (cli/demo_themes.c);
 *	  4. the figures harmonised onto the 2023 layout;
 *	  5. the nightly job;
 *	  6. example targets: the "Demo covenant", signed 2014-06-30, per
 *	     decline region on the 2014 layout on four subjects (population, the
 *	     65+ share, vacancy, the distance to a GP) where a figure was known
 *	     at signing;
 *	  7. the revaluation rounds 2015, 2020 and 2025 (krimpctl evaluate), each
 *	     in one line per theme;
 *	  8. the most notable recent tipping points in the decline regions, per
 *	     theme, each labelled with its indicator;
 *	  9. the HTML report (krimpctl report) of the round 2020.
 *
 *	  Every step does nothing when it has been done: a second run reuses
 *	  what is there.  The loads, the round and the report are the commands
 *	  themselves (krimp_load, krimp_evaluate, krimp_report), called on the
 *	  demo's connection; each step is a function.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"

#define POPULATION_FILE "cbs/Bevolkingsontwikkeling_gemeente_per_jaar.json"
#define FIRST_YEAR 2002
#define LAST_YEAR 2022
#define REPORT_ROUND "2020"

static void
usage(void)
{
	printf("%s demo runs the main job on the bundled CBS data: the population per municipality\n"
		   "2002-2022 loaded with krimpctl load (one vintage a year), the national total, the figures\n"
		   "harmonised onto the 2023 layout, the nightly job, example targets for the decline regions,\n"
		   "the revaluation rounds 2015, 2020 and 2025, the most notable tipping points per theme and\n"
		   "the HTML report.\n\n", progname);
	printf("Usage:\n  %s demo [OPTION]...\n\n", progname);
	printf("Options:\n"
		   "      --data=DIR           the bundled data directory (default: data)\n"
		   "      --report=FILE        the HTML report to write (default: krimp-report.html)\n"
		   "  -?, --help               show this help, then exit\n\n");
	printf(CLI_CONN_HELP);
	printf("\nThe database needs the extension and the bundled regions (scripts/demo.sh, or\n"
		   "scripts/load_regions.sh); the user must be a member of krimp_admin.  Every step does\n"
		   "nothing when it has been done.  See man krimpctl-demo.\n\n");
	printf(KRIMPCTL_EXIT_CODES);
}

static void
step(const char *title)
{
	printf("\n== %s\n", title);
	fflush(stdout);
}

/* run a statement; print its rows as a table when it returns some */
static bool
run_sql(PGconn *conn, const char *sql, int nparams, const char *const *params, bool print, int *rc)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
	{
		*rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		return false;
	}
	if (print && st == PGRES_TUPLES_OK)
		cli_print_result(stdout, res, "   ");
	PQclear(res);
	fflush(stdout);
	return true;
}

static PGresult *
get(PGconn *conn, const char *sql, int nparams, const char *const *params, int *rc)
{
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		*rc = cli_server_error(conn, res, NULL);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* years whose municipal figures are loaded */
static const char *const sql_loaded_years =
"SELECT DISTINCT krimp.year(o.period) FROM krimp.observation o "
"  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) o.indicator_id "
"  JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) o.region_id "
" WHERE i.code OPERATOR(pg_catalog.=) 'population' AND r.level OPERATOR(pg_catalog.=) 'municipality'";

/* The national total NL01: krimp.national_from_municipalities (the sum of the municipalities' current
 * figures of each year in which every municipality has one), in the
 * vintage of the newest of them; only where NL01 lacks that figure or has another one.  One load
 * batch each, as a load would be. */
static const char *const sql_national =
"DO $nl$\n"
"DECLARE\n"
"    p record;\n"
"    b bigint;\n"
"    n integer := 0;\n"
"BEGIN\n"
"    FOR p IN\n"
"        -- the sum of the municipalities as known now, where each has a figure:\n"
"        -- krimp.national_from_municipalities, the one home of the national total\n"
"        SELECT t.period, t.value, t.published_at\n"
"          FROM krimp.national_from_municipalities('infinity',\n"
"                   ARRAY(SELECT i.indicator_id FROM krimp.indicator i WHERE i.code = 'population'), false) t\n"
"         WHERE krimp.value_at(krimp.region_series('population', 'NL01'), t.period) IS DISTINCT FROM t.value\n"
"         ORDER BY t.period\n"
"    LOOP\n"
"        b := krimp.begin_batch('BZK', 'CBS 37230ned (national total: sum of the municipalities)', 'NL01');\n"
"        INSERT INTO krimp.observation_staging (batch_id, line_number, org_code, indicator_code, region_code,\n"
"                                               period, value)\n"
"        VALUES (b, 1, 'BZK', 'population', 'NL01', p.period::text, p.value::text);\n"
"        PERFORM krimp.apply_batch(b, 'abort', p.published_at);\n"
"        n := n + 1;\n"
"    END LOOP;\n"
"    RAISE NOTICE '%', n;\n"
"END\n"
"$nl$";

/* The Demo covenant: targets for every decline region on the 2014 layout, to 2030, on four
 * subjects of the catalogue (data/indicators.sql): population, the 65+ share, vacancy and the
 * distance to a GP.  Each target's baseline is the newest year up to 2014 whose figure for the
 * region was known when the covenant was signed (the end of 2014-06-30); a subject without such a
 * figure gets no target, and the demo says so (demo_targets).  The horizon by subject:
 *   population     the top decline regions limit the decline to 3%, the anticipation regions to 1%;
 *   share_65plus   the rise of the 65+ share limited to 4 points (top) or 3 points (anticipation);
 *   vacancy_rate   the vacancy rate down by a tenth;
 *   distance_gp    the distance to a GP at most 5% longer (facilities kept within reach). */
static const char *const sql_agreement =
"INSERT INTO krimp.agreement (code, name, kind, parties, signed_on, starts_on, org_code) "
"VALUES ('DEMO-2014', 'Demo covenant', 'covenant', "
"        ARRAY['BZK', 'Provincie Groningen', 'Provincie Zeeland', 'Provincie Limburg'], "
"        '2014-06-30', '2015-01-01', 'BZK') "
"ON CONFLICT (code) DO NOTHING";

/* the subjects: indicator, horizon as a factor (mul) and a step (add) on the baseline for the top
 * decline regions and the anticipation regions, and the name's change (%s: the group) */
#define DEMO_SUBJECTS \
"(VALUES ('population',   0.97, 0.99, 0.0, 0.0, '%s -3%%',           '%s -1%%'), " \
"        ('share_65plus', 1.0,  1.0,  4.0, 3.0, '%s at most +4 points', '%s at most +3 points'), " \
"        ('vacancy_rate', 0.9,  0.9,  0.0, 0.0, '%s -10%%',          '%s -10%%'), " \
"        ('distance_gp',  1.05, 1.05, 0.0, 0.0, '%s at most +5%%',    '%s at most +5%%')) " \
"  AS x(code, mul_top, mul_other, add_top, add_other, name_top, name_other)"

/* each subject and decline region with the baseline the covenant could read when it was signed */
#define DEMO_BASELINES \
"SELECT x.code, i.indicator_id, i.name AS indicator_name, i.direction_of_good, g.group_code, g.name AS group_name, " \
"       g.designation, g.province_code, x.mul_top, x.mul_other, x.add_top, x.add_other, x.name_top, x.name_other, " \
"       b.period AS baseline_period, b.value AS baseline_value " \
"  FROM " DEMO_SUBJECTS " " \
"  JOIN krimp.indicator i ON i.code OPERATOR(pg_catalog.=) x.code " \
" CROSS JOIN krimp.region_group g " \
"  LEFT JOIN LATERAL (SELECT p.period, p.value " \
"                       FROM krimp.points(krimp.target_series_of(i.indicator_id, NULL, g.group_code, 2014, " \
"                                                                '2014-07-01 00:00+00')) p " \
"                      WHERE p.value IS NOT NULL AND p.period OPERATOR(krimp.<=) '2014'::krimp.period " \
"                      ORDER BY p.period DESC LIMIT 1) b ON true"

static const char *const sql_targets =
"INSERT INTO krimp.target (agreement_id, name, indicator_id, group_code, layout_year, baseline_period, "
"                          horizon_period, horizon_value, path, actiehouder, against_direction_of_good, org_code) "
"SELECT a.agreement_id, "
"       pg_catalog.format(CASE WHEN c.designation OPERATOR(pg_catalog.=) 'topkrimpregio' THEN c.name_top "
"                              ELSE c.name_other END, c.indicator_name OPERATOR(pg_catalog.||) ' ' "
"                                                     OPERATOR(pg_catalog.||) c.group_name), "
"       c.indicator_id, c.group_code, 2014, c.baseline_period, '2030', h.v, 'linear', "
"       'Gemeenten ' OPERATOR(pg_catalog.||) c.group_name, "
"       pg_catalog.sign(h.v OPERATOR(pg_catalog.-) c.baseline_value) "
"           OPERATOR(pg_catalog.*) c.direction_of_good OPERATOR(pg_catalog.<) 0, "
"       coalesce(c.province_code, 'BZK') "
"  FROM (" DEMO_BASELINES ") c "
" CROSS JOIN LATERAL (SELECT pg_catalog.round((c.baseline_value "
"                            OPERATOR(pg_catalog.*) CASE WHEN c.designation OPERATOR(pg_catalog.=) 'topkrimpregio' "
"                                                        THEN c.mul_top ELSE c.mul_other END "
"                            OPERATOR(pg_catalog.+) CASE WHEN c.designation OPERATOR(pg_catalog.=) 'topkrimpregio' "
"                                                        THEN c.add_top ELSE c.add_other END)::pg_catalog.numeric, "
"                            CASE WHEN c.code OPERATOR(pg_catalog.=) 'population' THEN 0 ELSE 2 END)"
"                            ::pg_catalog.float8 AS v) h "
"  JOIN krimp.agreement a ON a.code OPERATOR(pg_catalog.=) 'DEMO-2014' "
" WHERE c.baseline_value IS NOT NULL "
"   AND NOT EXISTS (SELECT FROM krimp.target t WHERE t.agreement_id OPERATOR(pg_catalog.=) a.agreement_id "
"                                                AND t.group_code OPERATOR(pg_catalog.=) c.group_code "
"                                                AND t.indicator_id OPERATOR(pg_catalog.=) c.indicator_id)";

/* per subject: the targets of the covenant, or why there are none (no figure known at signing) */
static const char *const sql_subjects =
"SELECT x.code AS indicator, i.theme, coalesce(i.unit, '(not in the catalogue)') AS unit, "
"       count(t.target_id) AS targets, "
"       coalesce(pg_catalog.string_agg(DISTINCT t.baseline_period::pg_catalog.text, ', '), '-') AS baseline, "
"       CASE WHEN i.indicator_id IS NULL THEN 'not in the catalogue (psql -f data/indicators.sql)' "
"            WHEN count(t.target_id) OPERATOR(pg_catalog.>) 0 THEN 'horizon 2030' "
"            WHEN NOT EXISTS (SELECT FROM krimp.observation o "
"                              WHERE o.indicator_id OPERATOR(pg_catalog.=) i.indicator_id) "
"            THEN 'no target: no figures are loaded' "
"            ELSE 'no target: no figure up to 2014 was known on 2014-06-30' END AS note "
"  FROM " DEMO_SUBJECTS " "
"  LEFT JOIN krimp.indicator i ON i.code OPERATOR(pg_catalog.=) x.code "
"  LEFT JOIN (krimp.target t JOIN krimp.agreement a ON a.agreement_id OPERATOR(pg_catalog.=) t.agreement_id "
"                                                 AND a.code OPERATOR(pg_catalog.=) 'DEMO-2014') "
"         ON t.indicator_id OPERATOR(pg_catalog.=) i.indicator_id "
" GROUP BY x.code, i.indicator_id, i.theme, i.unit "
" ORDER BY pg_catalog.array_position(ARRAY['population', 'share_65plus', 'vacancy_rate', 'distance_gp'], x.code)";

/* the rounds the demo judges */
static const char *const demo_rounds[] = {"2015", "2020", "2025"};

/* a round in one line per theme and indicator: its lights (the latest recomputation) */
static const char *const sql_round_lights =
"SELECT rr.theme, rr.indicator_code AS indicator, count(*) AS targets, "
"       count(*) FILTER (WHERE rr.light OPERATOR(pg_catalog.=) 'green') AS green, "
"       count(*) FILTER (WHERE rr.light OPERATOR(pg_catalog.=) 'orange') AS orange, "
"       count(*) FILTER (WHERE rr.light OPERATOR(pg_catalog.=) 'red') AS red, "
"       count(*) FILTER (WHERE rr.light OPERATOR(pg_catalog.=) 'grey') AS grey, "
"       coalesce(pg_catalog.max(rr.latest_period), '-') AS \"newest figure\" "
"  FROM krimp.round_result rr "
" WHERE rr.latest AND rr.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
"   AND rr.agreement_code OPERATOR(pg_catalog.=) 'DEMO-2014' "
" GROUP BY rr.theme, rr.indicator_code "
" ORDER BY pg_catalog.array_position(krimp.indicator_themes(), rr.theme), pg_catalog.min(rr.target_id)";

/* the most notable recent tipping points in the decline regions, per theme (the largest scores
 * first, at most 5 a theme), each line labelled with its indicator; a theme with figures but no
 * such tipping point says so */
static const char *const sql_notable =
"WITH top AS ( "
"  SELECT i.theme, "
"         pg_catalog.row_number() OVER (PARTITION BY i.theme ORDER BY f.score DESC NULLS LAST, f.flag_id) AS n, "
"         pg_catalog.format('%s: %s (%s), %s: %s', i.name, r.name, r.code, f.period, krimp.explain(f)) AS line "
"    FROM krimp.tipping_point_flag f "
"    JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) f.region_id "
"    JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) f.indicator_id "
"   WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' AND f.recent "
"     AND EXISTS (SELECT FROM krimp.region_group g CROSS JOIN LATERAL krimp.group_members(g.group_code) m "
"                  WHERE m.region_id OPERATOR(pg_catalog.=) f.region_id)) "
"SELECT t.theme, coalesce(x.line, '(no recent tipping point in the decline regions)') AS \"tipping point\" "
"  FROM pg_catalog.unnest(krimp.indicator_themes()) WITH ORDINALITY t(theme, k) "
"  LEFT JOIN top x ON x.theme OPERATOR(pg_catalog.=) t.theme AND x.n OPERATOR(pg_catalog.<=) 5 "
" WHERE EXISTS (SELECT FROM krimp.observation o JOIN krimp.indicator i "
"                 ON i.indicator_id OPERATOR(pg_catalog.=) o.indicator_id WHERE i.theme OPERATOR(pg_catalog.=) t.theme) "
" ORDER BY t.k, x.n";

static void
national_notice(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (msg)
		*(int *) arg = atoi(msg);
}

static void
silent_notice(void *arg, const PGresult *res)
{
	(void) arg;
	(void) res;
}

/* getopt_long codes of the long options without a letter */
enum
{
	OPT_DATA = 256,
	OPT_REPORT
};

/* what the steps share */
typedef struct demo_ctx
{
	PGconn	   *conn;
	const char *data;			/* the bundled d->data directory */
	const char *report;			/* the HTML report to write */
	char	   *file;			/* the population d->file in it */
	char	   *rejects_dir;	/* beside the report */
} demo_ctx;

/* what the database must have: the extension */
static int
demo_check(demo_ctx *d)
{
	int			rc = EXIT_OK;
	PGresult   *res;

	res = get(d->conn, "SELECT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'krimp')", 0,
			  NULL, &rc);
	if (!res)
		return rc;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
	{
		PQclear(res);
		cli_error("database \"%s\" has no krimp extension: CREATE EXTENSION krimp CASCADE first (scripts/demo.sh does)",
				  PQdb(d->conn));
		rc = EXIT_SERVER;
		return rc;
	}
	PQclear(res);
	printf("krimp demo on database \"%s\" (data: %s; Bron: CBS, CC BY 4.0)\n", PQdb(d->conn), d->data);
	return rc;
}

/* step 1: the regions, boundaries, mergers and decline regions */
static int
demo_regions(demo_ctx *d)
{
	int			rc = EXIT_OK;
	PGresult   *res;

	step("1. Regions: boundaries 2002-2023, mergers, decline regions");
	res = get(d->conn, "SELECT EXISTS (SELECT FROM krimp.region_boundary)", 0, NULL, &rc);
	if (!res)
		return rc;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0)
	{
		PQclear(res);
		cli_error("no region boundaries are loaded: run scripts/load_regions.sh with PGDATABASE=%s first "
				  "(scripts/demo.sh does)", PQdb(d->conn));
		rc = EXIT_SERVER;
		return rc;
	}
	PQclear(res);
	if (!run_sql(d->conn,
				 "SELECT r.level, count(*) AS \"region versions\", "
				 "       count(*) FILTER (WHERE r.valid_to IS NULL) AS \"in 2023\", "
				 "       (SELECT count(*) FROM krimp.region_change c JOIN krimp.region o "
				 "            ON o.region_id OPERATOR(pg_catalog.=) c.old_region_id "
				 "         WHERE o.level OPERATOR(pg_catalog.=) r.level) AS \"changes (mergers, splits)\" "
				 "  FROM krimp.region r GROUP BY r.level ORDER BY min(pg_catalog.length(r.code)), r.level",
				 0, NULL, true, &rc))
		return rc;
	if (!run_sql(d->conn,
				 "SELECT g.designation, count(DISTINCT g.group_code) AS regions, "
				 "       count(*) FILTER (WHERE m.designated) AS \"municipalities designated\", "
				 "       count(*) FILTER (WHERE m.valid_to IS NULL) AS \"members now\" "
				 "  FROM krimp.region_group g CROSS JOIN LATERAL krimp.group_members(g.group_code) m "
				 " GROUP BY g.designation ORDER BY 1 DESC",
				 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* one year's load, as krimpctl load -q --filter Perioden=YYYYJJ00 --published-at=YYYY-04-01 */
static int
demo_load_year(demo_ctx *d, int y)
{
	char		filter[64],
				published[64],
				rejects[4096];
	const char *filters[2] = {filter, NULL};
	const char *files[1] = {d->file};
	load_options o;
	bool		quiet = cli_quiet;
	PGresult   *res;
	int			rc;

	snprintf(filter, sizeof filter, "Perioden=%dJJ00", y);
	snprintf(published, sizeof published, "%d-04-01 00:00:00+00", y);
	snprintf(rejects, sizeof rejects, "%s/population-%d.rejects.csv", d->rejects_dir, y);
	memset(&o, 0, sizeof o);
	o.indicator = "population";
	o.org = "BZK";
	o.source = "CBS 37230ned";
	o.in.period_key = "Perioden";
	o.in.delimiter = ';';
	o.in.filters = filters;
	o.published_at = published;
	o.rejects = rejects;
	o.files = files;
	o.nfiles = 1;
	fflush(stdout);
	cli_quiet = true;
	rc = krimp_load(d->conn, &o);
	cli_quiet = quiet;
	fflush(stdout);
	if (rc != EXIT_OK)
		return rc;
	res = get(d->conn, "SELECT b.batch_id, b.rows_read, b.rows_inserted, b.rows_rejected, "
			  "COALESCE(b.rows_skipped, 0) FROM krimp.load_batch b "
			  " WHERE b.org_code OPERATOR(pg_catalog.=) 'BZK' AND b.state OPERATOR(pg_catalog.=) 'done' "
			  " ORDER BY b.batch_id DESC LIMIT 1", 0, NULL, &rc);
	if (!res)
		return rc;
	if (PQntuples(res) == 1)
		printf("   %d: batch %s, read %s, inserted %s, rejected %s, skipped %s\n", y, PQgetvalue(res, 0, 0),
			   PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4));
	PQclear(res);
	fflush(stdout);
	return rc;
}

/* step 2: the CBS population per municipality, one load a year */
static int
demo_population(demo_ctx *d)
{
	int			rc = EXIT_OK;
	PGresult   *res;
	bool		loaded[LAST_YEAR - FIRST_YEAR + 1] = {false};

	step("2. The CBS population per municipality 2002-2022, with krimpctl load");
	if (!demo_catalogue(d->conn, d->data, &rc))	/* data/indicators.sql */
		return rc;
	res = get(d->conn, sql_loaded_years, 0, NULL, &rc);
	if (!res)
		return rc;
	for (int i = 0; i < PQntuples(res); i++)
	{
		int			y = atoi(PQgetvalue(res, i, 0));

		if (y >= FIRST_YEAR && y <= LAST_YEAR)
			loaded[y - FIRST_YEAR] = true;
	}
	PQclear(res);
	printf("   %s: OData v3 JSON of CBS table 37230ned, measure BevolkingAanHetBeginVanDePeriode_1.\n"
		   "   One load a year (--filter Perioden=YYYYJJ00), dated 1 April of that year (--published-at), as\n"
		   "   CBS's spring publication would have been, so that targets and rounds read the figures as they\n"
		   "   were known then.  Skipped rows are municipalities that did not exist that year (CBS writes\n"
		   "   null for them: no such figure); rejected rows, if any, go to %s/.\n", d->file, d->rejects_dir);
	{
		int			todo = 0;

		for (int y = FIRST_YEAR; y <= LAST_YEAR; y++)
			todo += !loaded[y - FIRST_YEAR];
		if (todo == 0)
			printf("   All years %d-%d are loaded already.\n", FIRST_YEAR, LAST_YEAR);
		else
			mkdir(d->rejects_dir, 0777);
	}
	for (int y = FIRST_YEAR; y <= LAST_YEAR; y++)
		if (!loaded[y - FIRST_YEAR] && (rc = demo_load_year(d, y)) != EXIT_OK)
			return rc;
	if (!run_sql(d->conn,
				 "SELECT count(*) AS figures, count(DISTINCT o.region_id) AS \"municipality versions\", "
				 "       min(krimp.year(o.period)) AS first, max(krimp.year(o.period)) AS last, "
				 "       count(DISTINCT o.batch_id) AS \"load batches\" "
				 "  FROM krimp.observation o "
				 "  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) o.indicator_id "
				 "  JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) o.region_id "
				 " WHERE i.code OPERATOR(pg_catalog.=) 'population' AND r.level OPERATOR(pg_catalog.=) 'municipality'",
				 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* step 3b: every theme of data/loads.tsv (cli/demo_themes.c) */
static int
demo_all_themes(demo_ctx *d)
{
	return demo_themes(d->conn, d->data, d->rejects_dir);
}

/* step 3: the national total NL01 */
static int
demo_national(demo_ctx *d)
{
	int			rc = EXIT_OK;

	step("3. The national total NL01: the sum of the municipalities, in each year's vintage");
	{
		int			added = 0;

		PQsetNoticeReceiver(d->conn, national_notice, &added);
		if (!run_sql(d->conn, sql_national, 0, NULL, false, &rc))
			return rc;
		PQsetNoticeReceiver(d->conn, silent_notice, NULL);
		printf("   %d national figure(s) added%s\n", added, added ? "" : " (all there already)");
	}
	if (!run_sql(d->conn, "SELECT krimp.region_series('population', 'NL01')::pg_catalog.text AS \"NL01\"", 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* step 4: the figures harmonised onto the 2023 layout */
static int
demo_harmonised(demo_ctx *d)
{
	int			rc = EXIT_OK;

	step("4. Harmonised onto the 2023 layout (krimp.harmonised_series)");
	printf("   Delfzijl, Appingedam and Loppersum merged into Eemsdelta in 2021; on the 2023 layout Eemsdelta\n"
		   "   has a series from 2002, the sum of its predecessors.\n");
	if (!run_sql(d->conn,
				 "SELECT 'Delfzijl (GM0010), as published' AS series, "
				 "       krimp.region_series('population', 'GM0010')::pg_catalog.text AS \"values\" "
				 "UNION ALL "
				 "SELECT 'Eemsdelta (GM1979), 2023 layout', h.series::pg_catalog.text "
				 "  FROM krimp.harmonised_series('population', 2023) h WHERE h.code OPERATOR(pg_catalog.=) 'GM1979'",
				 0, NULL, true, &rc))
		return rc;
	if (!run_sql(d->conn,
				 "SELECT count(*) AS \"municipalities of 2023\", "
				 "       sum(krimp.value_at(h.series, '2002'::krimp.period))::pg_catalog.int8 AS \"their population 2002\", "
				 "       sum(krimp.value_at(h.series, '2022'::krimp.period))::pg_catalog.int8 AS \"their population 2022\" "
				 "  FROM krimp.harmonised_series('population', 2023) h "
				 "  JOIN krimp.region r ON r.region_id OPERATOR(pg_catalog.=) h.region_id "
				 " WHERE r.level OPERATOR(pg_catalog.=) 'municipality'",
				 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* step 5: the nightly job */
static int
demo_nightly(demo_ctx *d)
{
	int			rc = EXIT_OK;

	step("5. The nightly job: tipping points in every series whose figures changed");
	if (!run_sql(d->conn, "CALL krimp.nightly()", 0, NULL, false, &rc))
		return rc;
	if (!run_sql(d->conn,
				 "SELECT j.run_id AS run, j.series_examined AS \"series examined\", j.flags_new AS \"new flags\", "
				 "       j.flags_confirmed AS confirmed, j.flags_withdrawn AS withdrawn, "
				 "       pg_catalog.round(j.duration_ms::pg_catalog.numeric) AS ms "
				 "  FROM krimp.job_run j ORDER BY j.run_id DESC LIMIT 3", 0, NULL, true, &rc))
		return rc;
	if (!run_sql(d->conn,
				 "SELECT f.kind, count(*) FILTER (WHERE f.assessment OPERATOR(pg_catalog.=) 'improving') AS improving, "
				 "       count(*) FILTER (WHERE f.assessment OPERATOR(pg_catalog.=) 'worsening') AS worsening, "
				 "       count(*) FILTER (WHERE f.recent) AS recent "
				 "  FROM krimp.tipping_point_flag f WHERE f.status OPERATOR(pg_catalog.<>) 'withdrawn' "
				 " GROUP BY f.kind ORDER BY f.kind", 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* step 6: the targets of the Demo covenant */
static int
demo_targets(demo_ctx *d)
{
	int			rc = EXIT_OK;

	step("6. Targets: the Demo covenant (signed 2014-06-30), per decline region on the 2014 layout, to 2030");
	printf("   Four subjects, each from the newest figure up to 2014 known on the signing day: population (the\n"
		   "   top decline regions limit the decline to 3%%, the anticipation regions to 1%%), the 65+ share (a\n"
		   "   rise of at most 4 or 3 points), the vacancy rate (down by a tenth) and the distance to a GP\n"
		   "   (at most 5%% longer).  A subject without such a figure gets no target.\n");
	if (!run_sql(d->conn, sql_agreement, 0, NULL, false, &rc) || !run_sql(d->conn, sql_targets, 0, NULL, false, &rc))
		return rc;
	if (!run_sql(d->conn, sql_subjects, 0, NULL, true, &rc))
		return rc;
	if (!run_sql(d->conn,
				 "SELECT t.name AS target, t.baseline_period::pg_catalog.text AS baseline, "
				 "       krimp.explain_number(t.baseline_value, i.decimals, false) AS \"baseline value\", "
				 "       t.horizon_period::pg_catalog.text AS horizon, "
				 "       krimp.explain_number(t.horizon_value, i.decimals, false) AS \"horizon value\", "
				 "       i.unit, t.org_code AS org "
				 "  FROM krimp.target t JOIN krimp.agreement a ON a.agreement_id OPERATOR(pg_catalog.=) t.agreement_id "
				 "  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) t.indicator_id "
				 " WHERE a.code OPERATOR(pg_catalog.=) 'DEMO-2014' "
				 " ORDER BY pg_catalog.array_position(krimp.indicator_themes(), i.theme), i.indicator_id, t.name",
				 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* step 7: the revaluation rounds 2015, 2020 and 2025, as krimpctl evaluate (OUT_NONE: no table), each in one
 * line per theme and indicator */
static int
demo_round(demo_ctx *d)
{
	int			rc = EXIT_OK;

	step("7. The revaluation rounds 2015, 2020 and 2025: krimpctl evaluate YEAR");
	printf("   Each round judges every target on the figures known and released at the end of its year; a\n"
		   "   target whose figures stop before the round stays grey on its newest figure (\"newest figure\").\n");
	for (int k = 0; k < (int) (sizeof demo_rounds / sizeof demo_rounds[0]); k++)
	{
		evaluate_options o = {demo_rounds[k], false, NULL, OUT_NONE};
		const char *params[1] = {demo_rounds[k]};
		PGresult   *res;

		/* the round as krimpctl evaluate runs it, without its scorecard table */
		rc = krimp_evaluate(d->conn, &o);
		PQsetNoticeReceiver(d->conn, silent_notice, NULL);
		if (rc != EXIT_OK)
			return rc;
		res = get(d->conn, "SELECT r.targets, pg_catalog.to_char(r.data_vintage AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
				  "  FROM krimp.revaluation_round r WHERE r.round_year OPERATOR(pg_catalog.=) $1::pg_catalog.int4 "
				  " ORDER BY r.recomputation DESC LIMIT 1", 1, params, &rc);
		if (!res)
			return rc;
		printf("\n   Round %s: %s target(s), newest figure read published %s\n", demo_rounds[k],
			   PQntuples(res) ? PQgetvalue(res, 0, 0) : "0",
			   PQntuples(res) && !PQgetisnull(res, 0, 1) ? PQgetvalue(res, 0, 1) : "-");
		PQclear(res);
		if (!run_sql(d->conn, sql_round_lights, 1, params, true, &rc))
			return rc;
	}
	return rc;
}

/* step 8: the most notable recent tipping points, per theme */
static int
demo_notable(demo_ctx *d)
{
	int			rc = EXIT_OK;

	step("8. The most notable recent tipping points in the decline regions, per theme (largest score first)");
	if (!run_sql(d->conn, sql_notable, 0, NULL, true, &rc))
		return rc;
	return rc;
}

/* step 9: the report, as krimpctl report */
static int
demo_report(demo_ctx *d)
{
	report_options o = {d->report, REPORT_ROUND, 20};
	char	   *abs;
	int			rc;

	step("9. The report: krimpctl report");
	rc = krimp_report(d->conn, &o);
	fflush(stdout);
	if (rc != EXIT_OK)
		return rc;
	abs = realpath(d->report, NULL);
	printf("   The report: %s\n   Open it in a browser: file://%s\n", abs ? abs : d->report, abs ? abs : d->report);
	free(abs);
	return rc;
}

/* the steps in order; the first failure stops */
static int	(*const steps[]) (demo_ctx *d) = {
	demo_check, demo_regions, demo_population, demo_national, demo_all_themes, demo_harmonised, demo_nightly,
	demo_targets, demo_round, demo_notable, demo_report
};

int
cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"data", required_argument, NULL, OPT_DATA},
		{"report", required_argument, NULL, OPT_REPORT},
		{NULL, 0, NULL, 0}
	};
	cli_conn	copts = cli_default_conn;
	const char *data = "data";
	const char *report = "krimp-report.html";
	char	   *file = NULL,
			   *rejects_dir = NULL;
	int			c;
	int			rc = EXIT_OK;
	PGconn	   *conn;
	double		t0 = cli_now();
	struct stat st;
	demo_ctx	d;

	optind = 0;					/* GNU getopt: start afresh, with argument permutation */
	while ((c = getopt_long(argc, argv, CLI_CONN_SHORTOPTS "?", longopts, NULL)) != -1)
	{
		if (cli_conn_option(&copts, c, optarg))
			continue;
		switch (c)
		{
			case OPT_DATA:
				data = optarg;
				break;
			case OPT_REPORT:
				report = optarg;
				break;
			default:				/* '?' too */
				return cli_option_error("demo", argv, "dhpU", usage);
		}
	}
	if (optind < argc)
		return cli_usage_error("demo", "unexpected argument \"%s\"", argv[optind]);

	if (asprintf(&file, "%s/%s", data, POPULATION_FILE) < 0)
		return EXIT_INPUT;
	if (stat(file, &st) != 0)
	{
		cli_error("the bundled population file \"%s\" is missing (give the data directory with --data=DIR)", file);
		free(file);
		return EXIT_INPUT;
	}
	/* the report's folder, and the rejects folder beside it: made when missing */
	if (!cli_prepare_output(report, "the report"))
	{
		free(file);
		return EXIT_INPUT;
	}
	{
		const char *slash = strrchr(report, '/');

		if (asprintf(&rejects_dir, "%.*s%srejects", slash ? (int) (slash - report) : 0, report, slash ? "/" : "") < 0)
		{
			free(file);
			return EXIT_INPUT;
		}
	}

	copts.any_database = true;	/* the demo creates the extension when it is missing */
	conn = cli_connect(&copts, &rc);
	if (!conn)
	{
		free(file);
		free(rejects_dir);
		return rc;
	}
	PQsetNoticeReceiver(conn, silent_notice, NULL);
	d.conn = conn;
	d.data = data;
	d.report = report;
	d.file = file;
	d.rejects_dir = rejects_dir;
	for (int i = 0; i < (int) (sizeof steps / sizeof steps[0]) && rc == EXIT_OK; i++)
		rc = steps[i] (&d);
	if (rc == EXIT_OK)
		printf("\nDone in %.1f s.  Connect with:\n  psql \"host=%s port=%s user=%s dbname=%s\"\n",
			   cli_now() - t0, PQhost(conn), PQport(conn), PQuser(conn), PQdb(conn));
	fflush(stdout);
	PQfinish(conn);
	free(file);
	free(rejects_dir);
	return rc;
}
