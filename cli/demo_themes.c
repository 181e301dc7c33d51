/*
 * demo_themes.c
 *	  krimpctl demo's themes (issue 15): the indicator catalogue from
 *	  data/indicators.sql, and every table of the load manifest
 *	  data/loads.tsv loaded with krimpctl load as the manifest gives it
 *	  (housing, households, income, facilities, the population by age and
 *	  its second vintage 03759ned, the CBS forecasts), then the shares of the
 *	  age bands as rates (krimp.derive_rate).
 *
 *	  The manifest: one load a line, TAB-separated fields
 *	    table  kind  published_at  source  file  ARG...
 *	  run as krimpctl load -o BZK -s SOURCE --published-at PUBLISHED_AT ARG...
 *	  -r REJECTS DATA/FILE.  A second run loads every file again and
 *	  records nothing new: each summary then says inserted 0.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load.h"

#define CATALOGUE_FILE "indicators.sql"
#define MANIFEST_FILE "loads.tsv"
#define GROUP_FIGURES_FILE "seed/zeeuws_vlaanderen_vacancy.csv"
#define MANIFEST_MAX_ARGS 64

/* a whole file into memory (NUL-terminated), or NULL with the error said */
static char *
read_whole(const char *path)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	long		n;

	if (!f)
	{
		cli_error("could not open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0
		&& (buf = malloc(n + 1)) != NULL)
	{
		if (fread(buf, 1, n, f) != (size_t) n)
		{
			cli_error("could not read \"%s\": %s", path, strerror(errno));
			free(buf);
			buf = NULL;
		}
		else
			buf[n] = '\0';
	}
	else
		cli_error("could not read \"%s\": %s", path, strerror(errno));
	fclose(f);
	return buf;
}

/* the indicator catalogue: data/indicators.sql, the one home of the indicators (idempotent) */
bool
demo_catalogue(PGconn *conn, const char *data, int *rc)
{
	char	   *path,
			   *sql;
	bool		ok;

	if (asprintf(&path, "%s/%s", data, CATALOGUE_FILE) < 0)
	{
		*rc = EXIT_INPUT;
		return false;
	}
	sql = read_whole(path);
	free(path);
	if (!sql)
	{
		*rc = EXIT_INPUT;
		return false;
	}
	ok = cli_exec_ok(conn, sql, rc);
	free(sql);
	return ok;
}

/* run one manifest line: fields[0..n-1] as the manifest has them; its rejects go to TABLE-lineN.rejects.csv */
static int
load_line(PGconn *conn, const char *data, const char *rejects_dir, char **fields, int n, int lineno)
{
	char	   *argv[MANIFEST_MAX_ARGS + 16];
	char	   *file = NULL,
			   *rejects = NULL;
	int			argc = 0;
	load_options o;
	const char **files = NULL;
	const char *filters[65];
	int			rc;

	if (asprintf(&file, "%s/%s", data, fields[4]) < 0 ||
		asprintf(&rejects, "%s/%s-line%d.rejects.csv", rejects_dir, fields[0], lineno) < 0)
	{
		free(file);
		return EXIT_INPUT;
	}
	argv[argc++] = "load";
	argv[argc++] = "-o";
	argv[argc++] = "BZK";
	argv[argc++] = "-s";
	argv[argc++] = fields[3];
	argv[argc++] = "--published-at";
	argv[argc++] = fields[2];
	for (int i = 5; i < n; i++)
		argv[argc++] = fields[i];
	argv[argc++] = "-r";
	argv[argc++] = rejects;
	argv[argc++] = "--";
	argv[argc++] = file;
	argv[argc] = NULL;
	rc = krimp_load_parse(argc, argv, &o, &files, filters);
	if (rc == LOAD_GO)
	{
		if ((o.kind != NULL) != (strcmp(fields[1], "forecast") == 0))
		{
			cli_error("%s: the manifest's kind \"%s\" and its arguments disagree (--kind forecast)",
					  fields[0], fields[1]);
			rc = EXIT_INPUT;
		}
		else
		{
			bool		quiet = cli_quiet;

			/* quiet, as demo_load_year: one line per table follows (table_summary) */
			cli_quiet = true;
			rc = krimp_load(conn, &o);
			cli_quiet = quiet;
			fflush(stdout);
		}
	}
	free(files);
	free(file);
	free(rejects);
	return rc;
}

/*
 * A decline region's figures of its own: the seed report's "vacancy
 * (excluding second homes) in Zeeuws-Vlaanderen fell from 9.9 % in 2012 to
 * 7.6 % in 2013", loaded by the province of Zeeland onto the group's own row
 * (krimp.group_region), beside CBS's vacancy of its member municipalities.
 */
static int
group_figures(PGconn *conn, const char *data, const char *rejects_dir)
{
	char	   *file = NULL,
			   *rejects = NULL;
	char	   *argv[24];
	int			argc = 0;
	load_options o;
	const char **files = NULL;
	const char *filters[65];
	int			rc;

	if (asprintf(&file, "%s/%s", data, GROUP_FIGURES_FILE) < 0 ||
		asprintf(&rejects, "%s/group-figures.rejects.csv", rejects_dir) < 0)
	{
		free(file);
		return EXIT_INPUT;
	}
	argv[argc++] = "load";
	argv[argc++] = "-o";
	argv[argc++] = "PV29";
	argv[argc++] = "-s";
	argv[argc++] = "Provincie Zeeland, in the evaluation of the krimp covenants (seed report)";
	argv[argc++] = "--published-at";
	argv[argc++] = "2014-12-01";
	argv[argc++] = "-i";
	argv[argc++] = "vacancy_rate_excl_second";
	argv[argc++] = "-r";
	argv[argc++] = rejects;
	argv[argc++] = "--";
	argv[argc++] = file;
	argv[argc] = NULL;
	rc = krimp_load_parse(argc, argv, &o, &files, filters);
	if (rc == LOAD_GO)
	{
		bool		quiet = cli_quiet;

		cli_quiet = true;
		rc = krimp_load(conn, &o);
		cli_quiet = quiet;
	}
	free(files);
	free(file);
	free(rejects);
	if (rc != EXIT_OK)
		return rc;
	{
		PGresult   *res = PQexec(conn,
								 "WITH i AS (SELECT "
								 "    (SELECT indicator_id FROM krimp.indicator WHERE code OPERATOR(pg_catalog.=) 'vacancy_rate_excl_second') AS own, "
								 "    (SELECT indicator_id FROM krimp.indicator WHERE code OPERATOR(pg_catalog.=) 'vacancy_rate') AS cbs) "
								 "SELECT krimp.year(coalesce(a.period, b.period)) AS year, "
								 "       pg_catalog.round(a.value::numeric, 1) AS \"own figure (excl. second homes, %)\", "
								 "       pg_catalog.round(b.value::numeric, 1) AS \"its municipalities (CBS vacancy_rate, %)\" "
								 "  FROM i, krimp.points(krimp.target_series_of(i.own, NULL, 'KR-ZVLAANDEREN', 2014, 'infinity')) a "
								 "  FULL JOIN krimp.points(krimp.target_series_of((SELECT cbs FROM i), NULL, 'KR-ZVLAANDEREN', 2014, 'infinity')) b "
								 "    ON b.period OPERATOR(krimp.=) a.period "
								 " ORDER BY 1");

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return cli_server_error(conn, res, NULL);
		printf("\n   A decline region's figures of its own (%s/%s, loaded by Provincie Zeeland onto\n"
			   "   the group's own row, krimp.group_region): Zeeuws-Vlaanderen's vacancy excluding second\n"
			   "   homes, beside CBS's vacancy of its municipalities in the 2014 layout:\n",
			   data, GROUP_FIGURES_FILE);
		cli_print_result(stdout, res, "   ");
		PQclear(res);
	}
	return EXIT_OK;
}

/* the newest batch id so far: a table's loads are the batches after it */
static bool
last_batch(PGconn *conn, char *buf, size_t size, int *rc)
{
	PGresult   *res = PQexec(conn, "SELECT coalesce(max(b.batch_id), 0) FROM krimp.load_batch b");

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		*rc = cli_server_error(conn, res, NULL);
		return false;
	}
	snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return true;
}

/* one line for a table's loads: the batches after "after" */
static bool
table_summary(PGconn *conn, const char *table, const char *kind, const char *after, int *rc)
{
	const char *params[1] = {after};
	PGresult   *res = PQexecParams(conn,
								   "SELECT count(*), coalesce(sum(b.rows_read), 0), coalesce(sum(b.rows_inserted), 0), "
								   "       coalesce(sum(b.rows_revised), 0), coalesce(sum(b.rows_unchanged), 0), "
								   "       coalesce(sum(b.rows_rejected), 0) "
								   "  FROM krimp.load_batch b "
								   " WHERE b.batch_id OPERATOR(pg_catalog.>) $1::pg_catalog.int8 "
								   "   AND b.state OPERATOR(pg_catalog.=) 'done'",
								   1, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		*rc = cli_server_error(conn, res, NULL);
		return false;
	}
	printf("   %-9s %-11s %3s load(s): read %7s, inserted %7s, revised %5s, unchanged %7s, rejected %6s\n",
		   table, kind, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
		   PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5));
	fflush(stdout);
	PQclear(res);
	return true;
}

/* the step: catalogue, every manifest line, the shares as rates, a summary per indicator */
int
demo_themes(PGconn *conn, const char *data, const char *rejects_dir)
{
	char	   *path,
			   *text,
			   *line,
			   *save = NULL;
	int			rc = EXIT_OK,
				lineno = 0,
				loads = 0;
	char		cur_table[64] = "",
				cur_kind[32] = "",
				first_batch[32] = "0";

	printf("\n== 3b. Every theme: the tables of %s/%s with krimpctl load\n", data, MANIFEST_FILE);
	printf("   The catalogue (%s/%s: 19 indicators over 5 themes), then each table of the manifest\n"
		   "   with krimpctl load, one batch per table and period, with the manifest's measures, slice,\n"
		   "   source, vintage and kind (one line per table below); rejected rows go to %s/, with\n"
		   "   their reasons.  Then the shares of the age bands as rates over the population\n"
		   "   (krimp.derive_rate).  A second run records nothing new.\n\n",
		   data, CATALOGUE_FILE, rejects_dir);
	fflush(stdout);
	if (!demo_catalogue(conn, data, &rc))
		return rc;
	if (asprintf(&path, "%s/%s", data, MANIFEST_FILE) < 0)
		return EXIT_INPUT;
	text = read_whole(path);
	if (!text)
	{
		free(path);
		return EXIT_INPUT;
	}
	mkdir(rejects_dir, 0777);
	for (line = strtok_r(text, "\n", &save); line && rc == EXIT_OK; line = strtok_r(NULL, "\n", &save))
	{
		char	   *fields[MANIFEST_MAX_ARGS];
		int			n = 0;
		char	   *p = line;

		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (;;)
		{
			char	   *tab = strchr(p, '\t');

			if (n == MANIFEST_MAX_ARGS)
				break;
			fields[n++] = p;
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (n < 6 || n == MANIFEST_MAX_ARGS)
		{
			cli_error("%s:%d: a manifest line needs table, kind, published_at, source, file and the arguments "
					  "(at most %d fields), TAB-separated", path, lineno, MANIFEST_MAX_ARGS - 1);
			rc = EXIT_INPUT;
			break;
		}
		if (strcmp(fields[0], cur_table) != 0)
		{
			if (cur_table[0] && !table_summary(conn, cur_table, cur_kind, first_batch, &rc))
				break;
			snprintf(cur_table, sizeof cur_table, "%s", fields[0]);
			snprintf(cur_kind, sizeof cur_kind, "%s", fields[1]);
			if (!last_batch(conn, first_batch, sizeof first_batch, &rc))
				break;
		}
		rc = load_line(conn, data, rejects_dir, fields, n, lineno);
		loads++;
	}
	if (rc == EXIT_OK && cur_table[0])
		table_summary(conn, cur_table, cur_kind, first_batch, &rc);
	free(text);
	free(path);
	if (rc != EXIT_OK)
		return rc;
	if (rc == EXIT_OK)
		rc = group_figures(conn, data, rejects_dir);
	if (rc != EXIT_OK)
		return rc;
	printf("\n   %d loads done.  The shares of the age bands, as rates over the population:\n", loads + 1);
	{
		PGresult   *res = PQexec(conn,
								 "SELECT x.rate AS indicator, coalesce(sum(d.figures), 0) AS \"figures filed\", "
								 "       pg_catalog.string_agg(DISTINCT d.source, '; ') AS source "
								 "  FROM (VALUES ('share_0_15', 'population_0_15'), ('share_15_25', 'population_15_25'), "
								 "               ('share_65plus', 'population_65plus')) x(rate, numerator) "
								 "  LEFT JOIN LATERAL krimp.derive_rate(x.rate, x.numerator) d ON true "
								 " GROUP BY x.rate ORDER BY x.rate");

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return cli_server_error(conn, res, NULL);
		cli_print_result(stdout, res, "   ");
		PQclear(res);
	}
	{
		PGresult   *res = PQexec(conn,
								 "SELECT i.theme, i.code AS indicator, o.kind, count(*) AS figures, "
								 "       count(DISTINCT o.region_id) AS regions, "
								 "       min(krimp.year(o.period)) AS first, max(krimp.year(o.period)) AS last "
								 "  FROM krimp.figures_as_of('infinity') o "
								 "  JOIN krimp.indicator i ON i.indicator_id OPERATOR(pg_catalog.=) o.indicator_id "
								 " GROUP BY i.theme, i.code, o.kind ORDER BY i.theme, i.code, o.kind");

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return cli_server_error(conn, res, NULL);
		printf("\n   The figures as known now, per indicator (krimp.figures_as_of):\n");
		cli_print_result(stdout, res, "   ");
		PQclear(res);
	}
	fflush(stdout);
	return rc;
}
