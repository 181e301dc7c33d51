/*
 * util.c
 *	  Messages, output folders, the progress bar, CSV fields.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <csv.h>

#include "krimpctl.h"
#include "krimp_core.h"

static void
vmessage(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", progname, level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_error(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("error: ", fmt, ap);
	va_end(ap);
}

void
cli_warning(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

/* how to fix what an error reported: "krimpctl: hint: ..." */
void
cli_hint(const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("hint: ", fmt, ap);
	va_end(ap);
}

/* a summary line on stderr, unless --quiet */
void
cli_info(const char *fmt,...)
{
	va_list		ap;

	if (cli_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int
cli_option_error(const char *command, char **argv, const char *value_opts, void (*usage) (void))
{
	if ((optopt == 0 || optopt == '?') &&
		(strcmp(argv[optind - 1], "-?") == 0 || strcmp(argv[optind - 1], "--help") == 0))
	{
		usage();
		return EXIT_OK;
	}
	if (optopt && optopt != '?' && strchr(value_opts, optopt))
		return cli_usage_error(command, "option -%c needs a value", optopt);
	return cli_usage_error(command, "invalid option \"%s\"", argv[optind - 1]);
}

int
cli_parse_format(const char *command, const char *name, out_format *fmt)
{
	if (strcmp(name, "table") == 0)
		*fmt = OUT_TABLE;
	else if (strcmp(name, "json") == 0)
		*fmt = OUT_JSON;
	else if (strcmp(name, "csv") == 0)
		*fmt = OUT_CSV;
	else
		return cli_usage_error(command, "unknown format \"%s\" (table, json or csv)", name);
	return EXIT_OK;
}

int
cli_usage_error(const char *command, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, "Try \"%s %s --help\" for more information.\n", progname, command);
	else
		fprintf(stderr, "Try \"%s --help\" for more information.\n", progname);
	return EXIT_USAGE;
}

bool
cli_prepare_output(const char *file, const char *what)
{
	char	   *dir = strdup(file);
	char	   *slash;
	struct stat st;
	bool		ok = true;

	if (!dir)
	{
		cli_error("out of memory");
		return false;
	}
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode))
	{
		cli_error("%s \"%s\" is a folder", what, file);
		cli_hint("give a file name in it, such as %s%skrimp-report.html", file,
				 file[strlen(file) - 1] == '/' ? "" : "/");
		free(dir);
		return false;
	}
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
	{
		free(dir);				/* the current folder, or / */
		return true;
	}
	*slash = '\0';
	/* each part from the first: made when missing, and it must be a folder */
	for (char *p = dir + 1;; p++)
	{
		bool		last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		{
			cli_error("could not create the folder \"%s\" for %s \"%s\": %s", dir, what, file, strerror(errno));
			ok = false;
		}
		else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		{
			cli_error("%s \"%s\" cannot go in \"%s\": that is a file, not a folder", what, file, dir);
			ok = false;
		}
		if (!ok || last)
			break;
		*p = '/';
	}
	if (ok && access(dir, W_OK | X_OK) != 0)
	{
		cli_error("cannot write %s \"%s\" in the folder \"%s\": %s", what, file, dir, strerror(errno));
		ok = false;
	}
	free(dir);
	return ok;
}

double
cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- progress bar --------------------------------------------------- */

void
cli_progress_start(cli_progress *pg, long long total_bytes)
{
	pg->enabled = !cli_quiet && isatty(STDERR_FILENO);
	pg->started = cli_now();
	pg->last_draw = 0;
	pg->total_bytes = total_bytes;
}

void
cli_progress_update(cli_progress *pg, long long bytes, long long rows, bool force)
{
	double		now;
	double		secs;
	char		bar[31];

	if (!pg->enabled)
		return;
	now = cli_now();
	if (!force && now - pg->last_draw < 0.1)
		return;
	pg->last_draw = now;
	secs = now - pg->started;
	if (pg->total_bytes > 0)
	{
		double		frac = (double) bytes / pg->total_bytes;
		int			filled;

		if (frac > 1)
			frac = 1;
		filled = (int) (frac * 30);
		memset(bar, '#', filled);
		memset(bar + filled, '.', 30 - filled);
		bar[30] = '\0';
		fprintf(stderr, "\r\033[K[%s] %3d%%  %lld rows  %.0f rows/s",
				bar, (int) (frac * 100), rows, secs > 0 ? rows / secs : 0.0);
	}
	else
		fprintf(stderr, "\r\033[K%lld bytes  %lld rows  %.0f rows/s",
				bytes, rows, secs > 0 ? rows / secs : 0.0);
	fflush(stderr);
}

void
cli_progress_message(cli_progress *pg, const char *msg)
{
	if (!pg->enabled)
		return;
	fprintf(stderr, "\r\033[K%s", msg);
	fflush(stderr);
}

void
cli_progress_end(cli_progress *pg)
{
	if (!pg->enabled)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* ---- CSV ------------------------------------------------------------ */

/* One field, quoted when it needs to be (RFC 4180); NULL is an empty field. */
void
cli_csv_field(FILE *f, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n") != NULL)
	{
		csv_fwrite(f, s, strlen(s));
	}
	else if (s)
		fputs(s, f);
	fputc(last ? '\n' : ',', f);
}

/*
 * A result as CSV: a header of the leading columns and the names, then each
 * row with the same leading values (a run's or round's keys) before its own
 * first ncols fields.
 */
void
cli_csv_result(FILE *f, const char *const *lead_names, const char *const *lead_values, int nlead,
			   const char *const *names, const PGresult *res, int ncols)
{
	for (int c = 0; c < nlead; c++)
		fprintf(f, "%s%s", c ? "," : "", lead_names[c]);
	for (int c = 0; c < ncols; c++)
		fprintf(f, "%s%s", nlead + c ? "," : "", names[c]);
	fputc('\n', f);
	for (int r = 0; r < PQntuples(res); r++)
	{
		for (int c = 0; c < nlead; c++)
			cli_csv_field(f, lead_values[c], ncols == 0 && c == nlead - 1);
		for (int c = 0; c < ncols; c++)
			cli_csv_field(f, PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c), c == ncols - 1);
	}
}

/* JSON output with yajl: a key; a number from the server as the shortest
 * round-trip text (null if NULL or not finite); a text value (null if NULL);
 * and the finished document written to stdout (the generator is freed). */
void
cli_json_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *) k, strlen(k));
}

void
cli_json_number(yajl_gen g, const PGresult *res, int row, int col)
{
	char		buf[KRIMP_DOUBLE_BUFLEN];
	double		v;

	if (PQgetisnull(res, row, col))
	{
		yajl_gen_null(g);
		return;
	}
	v = strtod(PQgetvalue(res, row, col), NULL);
	if (!isfinite(v))
	{
		yajl_gen_null(g);
		return;
	}
	krimp_format_double(v, buf);
	yajl_gen_number(g, buf, strlen(buf));
}

void
cli_json_text(yajl_gen g, const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *) PQgetvalue(res, row, col), PQgetlength(res, row, col));
}

void
cli_json_print(yajl_gen g)
{
	const unsigned char *buf;
	size_t		len;

	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
}

/* display width of UTF-8 text: one column per character */
static int
text_width(const char *s)
{
	int			w = 0;

	for (; *s; s++)
		if (((unsigned char) *s & 0xC0) != 0x80)
			w++;
	return w;
}

/* one line of the table: the cells padded to their widths, two spaces apart */
static void
table_line(FILE *f, const cli_table *t, const char *const *v, const int *width, bool head)
{
	fputs(t->indent, f);
	for (int c = 0; c < t->ncols; c++)
	{
		int			pad = width[c] - text_width(v[c]);
		bool		right = t->right[c] && (!head || t->right_heads);
		bool		trail = !right && (c < t->ncols - 1 || t->pad_last);

		fprintf(f, "%s%*s%s%*s", c ? "  " : "", right ? pad : 0, "", v[c], trail ? pad : 0, "");
	}
	fputc('\n', f);
}

void
cli_print_table(FILE *f, const cli_table *t)
{
	int		   *width = calloc(t->ncols > 0 ? t->ncols : 1, sizeof(int));

	if (!width)
		return;
	for (int c = 0; c < t->ncols; c++)
	{
		width[c] = text_width(t->heads[c]);
		for (int r = 0; r < t->nrows; r++)
		{
			int			w = text_width(t->cells[r * t->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	table_line(f, t, t->heads, width, true);
	fputs(t->indent, f);
	for (int c = 0; c < t->ncols; c++)
	{
		fputs(c ? "  " : "", f);
		for (int i = 0; i < width[c]; i++)
			fputc('-', f);
	}
	fputc('\n', f);
	for (int r = 0; r < t->nrows; r++)
		table_line(f, t, t->cells + r * t->ncols, width, false);
	free(width);
}
