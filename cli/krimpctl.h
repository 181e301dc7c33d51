/*
 * krimpctl.h
 *	  Shared definitions of krimpctl, the command-line client of the krimp
 *	  warehouse: exit codes, connection options, the command table and the
 *	  output helpers.  One source file per command (load.c, nightly.c, ...).
 */
#ifndef KRIMPCTL_H
#define KRIMPCTL_H

#include <stdbool.h>
#include <stdio.h>

#include <libpq-fe.h>
#include <yajl/yajl_gen.h>

/* Exit codes: documented in docs/krimpctl.md and in --help. */
enum
{
	EXIT_OK = 0,
	EXIT_USAGE = 1,				/* bad command line, unknown command, option or indicator */
	EXIT_CONNECT = 2,			/* could not connect, or the connection was lost */
	EXIT_INPUT = 3,				/* input file unreadable or malformed; nothing loaded */
	EXIT_REJECTED = 4,			/* rows rejected (--fail-on-reject, or --on-error abort) */
	EXIT_SERVER = 5,			/* the server refused a statement; nothing done */
	EXIT_BUSY = 6				/* another nightly run is in progress (SQLSTATE 55P03) */
};

#define KRIMPCTL_EXIT_CODES \
	"Exit status:\n" \
	"  0  success\n" \
	"  1  usage error (bad option, unknown command, unknown --indicator or --org)\n" \
	"  2  could not connect to the server, or the connection was lost\n" \
	"  3  input file unreadable or malformed (nothing loaded)\n" \
	"  4  rows rejected: with --fail-on-reject (good rows loaded), or --on-error=abort (nothing loaded)\n" \
	"  5  the server reported an error (nothing done; its message is shown)\n" \
	"  6  another nightly run is in progress (SQLSTATE 55P03)\n"

/* Connection options, as in vacuumlo: all optional, libpq fills the rest. */
typedef enum
{
	PROMPT_AUTO,				/* prompt only when the server asks */
	PROMPT_NEVER,				/* -w */
	PROMPT_ALWAYS				/* -W */
} prompt_mode;

typedef struct cli_conn
{
	const char *dbname;			/* may be a connection string or URI */
	const char *host;
	const char *port;
	const char *user;
	prompt_mode prompt;
	bool		any_database;	/* connect without checking for the krimp extension (demo) */
} cli_conn;

/* Global state set by main(): connection options given before the command
 * are the defaults of every command. */
extern const char *progname;
extern bool cli_quiet;

/* The connection options every command takes (getopt_long entries and letters). */
#define CLI_CONN_LONGOPTS \
	{"dbname", required_argument, NULL, 'd'}, \
	{"host", required_argument, NULL, 'h'}, \
	{"port", required_argument, NULL, 'p'}, \
	{"username", required_argument, NULL, 'U'}, \
	{"no-password", no_argument, NULL, 'w'}, \
	{"password", no_argument, NULL, 'W'}, \
	{"quiet", no_argument, NULL, 'q'}, \
	{"help", no_argument, NULL, '?'}
#define CLI_CONN_SHORTOPTS "d:h:p:U:wWq"
#define CLI_CONN_HELP \
	"Connection options (PG* variables, service files and ~/.pgpass are honoured):\n" \
	"  -d, --dbname=DBNAME|CONNSTR  database name or connection string/URI\n" \
	"  -h, --host=HOSTNAME          database server host or socket directory\n" \
	"  -p, --port=PORT              database server port\n" \
	"  -U, --username=USERNAME      user name to connect as\n" \
	"  -w, --no-password            never prompt for a password\n" \
	"  -W, --password               prompt for a password before connecting\n" \
	"  -q, --quiet                  no progress bar and no summary on stderr\n"

extern cli_conn cli_default_conn;

/* connect.c */
/* Handle a connection option in a command's getopt loop; false if c is none. */
extern bool cli_conn_option(cli_conn *conn, int c, const char *arg);
extern PGconn *cli_connect(const cli_conn *opts, int *exit_code);
extern int	cli_server_error(PGconn *conn, const PGresult *res, const char *what);
extern bool cli_exec_ok(PGconn *conn, const char *sql, int *exit_code);

/*
 * Retries: a transaction that failed with 40001 (serialization_failure) or
 * 40P01 (deadlock_detected) is rolled back and run again from the start, up
 * to CLI_ATTEMPTS times in all.  cli_server_error keeps the SQLSTATE of the
 * last failure; cli_retryable_kind names it ("serialization failure",
 * "deadlock") or is NULL when it is not worth a retry (or the connection is
 * lost); cli_retry(conn, attempt, "the nightly run") rolls back and, when
 * another attempt is due, says so on stderr, waits a little and returns
 * true; after the last attempt it says it gives up and returns false.
 */
#define CLI_ATTEMPTS 3
extern char cli_last_sqlstate[6];
extern const char *cli_retryable_kind(PGconn *conn);
extern bool cli_retry(PGconn *conn, int attempt, const char *what);
extern void cli_rollback_quietly(PGconn *conn);

/* util.c */
extern void cli_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void cli_hint(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void cli_warning(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void cli_info(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern int	cli_usage_error(const char *command, const char *fmt,...) __attribute__((format(printf, 2, 3)));

/*
 * An output file's folder, created as mkdir -p does when missing.  false,
 * with a message that says what is wrong with the path (a part that is a file,
 * no permission, the file itself a folder), when the file cannot be written
 * there; what names the file in the message ("the report").
 */
extern bool cli_prepare_output(const char *file, const char *what);

/*
 * getopt_long returned '?' (or an option the command does not handle): -? and
 * --help print the usage (EXIT_OK); an option of value_opts without its value,
 * or anything else, is a usage error.
 */
extern int	cli_option_error(const char *command, char **argv, const char *value_opts, void (*usage) (void));

/* What nightly and evaluate print: a table, JSON or CSV (-F); OUT_NONE nothing (krimpctl demo
 * prints a round its own way). */
typedef enum
{
	OUT_TABLE,
	OUT_JSON,
	OUT_CSV,
	OUT_NONE
} out_format;

/* -F table|json|csv into *fmt; EXIT_OK, or a usage error for another name. */
extern int	cli_parse_format(const char *command, const char *name, out_format *fmt);
extern double cli_now(void);

/* a progress bar on stderr, shown only on a terminal and without --quiet */
typedef struct cli_progress
{
	bool		enabled;
	double		started;
	double		last_draw;
	long long	total_bytes;	/* 0 if unknown */
} cli_progress;
extern void cli_progress_start(cli_progress *pg, long long total_bytes);
extern void cli_progress_update(cli_progress *pg, long long bytes, long long rows, bool force);
extern void cli_progress_message(cli_progress *pg, const char *msg);
extern void cli_progress_end(cli_progress *pg);

/* CSV and JSON output */
extern void cli_csv_field(FILE *f, const char *s, bool last);
extern void cli_csv_result(FILE *f, const char *const *lead_names, const char *const *lead_values, int nlead,
						   const char *const *names, const PGresult *res, int ncols);
extern void cli_json_key(yajl_gen g, const char *k);
extern void cli_json_number(yajl_gen g, const PGresult *res, int row, int col);
extern void cli_json_text(yajl_gen g, const PGresult *res, int row, int col);
extern void cli_json_print(yajl_gen g);

/* The commands: one file each. */
typedef struct cli_command
{
	const char *name;
	int			(*run) (int argc, char **argv);
	const char *summary;
} cli_command;

extern int	cmd_load(int argc, char **argv);
extern int	cmd_nightly(int argc, char **argv);
extern int	cmd_evaluate(int argc, char **argv);
extern int	cmd_report(int argc, char **argv);
extern int	cmd_demo(int argc, char **argv);

/*
 * The commands as functions on an open connection (the demo calls them
 * directly): each returns an exit code and leaves the connection open.
 */
typedef struct report_options
{
	const char *output;			/* the HTML file; "-" for stdout; NULL: krimp-report.html */
	const char *round;			/* the round year as text; NULL: the newest */
	int			limit;			/* at most this many tipping-point charts */
} report_options;

extern int	krimp_report(PGconn *conn, const report_options *o);

typedef struct nightly_options
{
	bool		full;			/* --full: every series, not only those whose figures changed */
	bool		all;			/* --all: every flag the run touched, not only the new ones */
	out_format	format;
} nightly_options;

extern int	krimp_nightly(PGconn *conn, const nightly_options *o);

typedef struct evaluate_options
{
	const char *year;			/* the round year, four digits */
	bool		recompute;		/* --recompute a round that exists ... */
	const char *reason;			/* ... for this reason */
	out_format	format;
} evaluate_options;

extern int	krimp_evaluate(PGconn *conn, const evaluate_options *o);

/*
 * util.c: an aligned table, columns two spaces apart, a line of dashes under
 * the heads; the width of a text is its number of UTF-8 characters.
 */
typedef struct cli_table
{
	const char *indent;			/* before every line */
	int			ncols;
	int			nrows;
	const char *const *heads;	/* ncols */
	const char *const *cells;	/* nrows * ncols, row after row */
	const bool *right;			/* ncols: right-aligned (numbers) */
	bool		right_heads;	/* the heads aligned as their cells, else to the left */
	bool		pad_last;		/* pad the last column (left-aligned) to its width too */
} cli_table;
extern void cli_print_table(FILE *f, const cli_table *t);

/* evaluate.c: a query result as an aligned table (numbers to the right) */
extern void cli_print_result(FILE *f, const PGresult *res, const char *indent);

#endif							/* KRIMPCTL_H */
