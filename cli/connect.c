/*
 * connect.c
 *	  Connecting as contrib/vacuumlo does: libpq's own defaults (PG*
 *	  variables, service files, ~/.pgpass), -d taken as a connection string
 *	  when it is one, a password prompt only when the server asks for one,
 *	  and a safe search_path right after connecting.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "krimpctl.h"

/*
 * Read a password without echo, from the terminal when there is one (like
 * PostgreSQL's simple_prompt), else from standard input.  Returns malloc'd
 * text without the newline.
 */
static char *
prompt_password(void)
{
	FILE	   *in = fopen("/dev/tty", "r");
	FILE	   *out = in ? fopen("/dev/tty", "w") : NULL;
	struct termios t_orig,
				t;
	bool		restore = false;
	char		buf[1024];
	char	   *result;
	size_t		len;

	if (!in || !out)
	{
		if (in)
			fclose(in);
		in = stdin;
		out = stderr;
	}
	if (isatty(fileno(in)) && tcgetattr(fileno(in), &t_orig) == 0)
	{
		t = t_orig;
		t.c_lflag &= ~ECHO;
		restore = tcsetattr(fileno(in), TCSAFLUSH, &t) == 0;
	}
	fputs("Password: ", out);
	fflush(out);
	if (!fgets(buf, sizeof buf, in))
		buf[0] = '\0';
	if (restore)
	{
		tcsetattr(fileno(in), TCSAFLUSH, &t_orig);
		fputs("\n", out);
		fflush(out);
	}
	if (in != stdin)
		fclose(in);
	if (out != stderr)
		fclose(out);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	result = strdup(buf);
	if (!result)
	{
		cli_error("out of memory");
		exit(EXIT_CONNECT);
	}
	return result;
}

/* "0.2" as 2, "1.10" as 1010; -1 if it is not major.minor */
static int
version_number(const char *v)
{
	int			major,
				minor;
	char		rest;

	if (sscanf(v, "%d.%d%c", &major, &minor, &rest) != 2 || major < 0 || minor < 0 || minor > 999)
		return -1;
	return major * 1000 + minor;
}

/*
 * The commands call the extension's functions of this client's version:
 * say so when the database has no krimp extension, or an older one, rather
 * than let the first call fail with "function ... does not exist".
 */
static int
check_extension(PGconn *conn)
{
	PGresult   *res = PQexec(conn, "SELECT extversion FROM pg_catalog.pg_extension "
							 "WHERE extname OPERATOR(pg_catalog.=) 'krimp'");
	int			rc = EXIT_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = cli_server_error(conn, res, "could not read the installed extensions");
	else if (PQntuples(res) == 0)
	{
		cli_error("the krimp extension is not installed in database \"%s\"", PQdb(conn));
		cli_hint("a superuser installs it with CREATE EXTENSION krimp CASCADE;");
		rc = EXIT_SERVER;
	}
	else if (version_number(PQgetvalue(res, 0, 0)) < version_number(KRIMP_VERSION))
	{
		cli_error("krimpctl %s needs version %s of the krimp extension or later; database \"%s\" has %s",
				  KRIMP_VERSION, KRIMP_VERSION, PQdb(conn), PQgetvalue(res, 0, 0));
		cli_hint("update it with ALTER EXTENSION krimp UPDATE;");
		rc = EXIT_SERVER;
	}
	PQclear(res);
	return rc;
}

PGconn *
cli_connect(const cli_conn *opts, int *exit_code)
{
	PGconn	   *conn;
	PGresult   *res;
	char	   *password = NULL;
	bool		new_pass;

	if (opts->prompt == PROMPT_ALWAYS)
		password = prompt_password();

	do
	{
		const char *keywords[] = {"host", "port", "user", "password", "dbname",
		"fallback_application_name", NULL};
		const char *values[] = {opts->host, opts->port, opts->user, password,
		opts->dbname, progname, NULL};

		new_pass = false;
		conn = PQconnectdbParams(keywords, values, 1);
		if (!conn)
		{
			cli_error("could not connect to the database: out of memory");
			free(password);
			*exit_code = EXIT_CONNECT;
			return NULL;
		}
		if (PQstatus(conn) == CONNECTION_BAD && PQconnectionNeedsPassword(conn) &&
			!password && opts->prompt != PROMPT_NEVER)
		{
			PQfinish(conn);
			password = prompt_password();
			new_pass = true;
		}
	} while (new_pass);
	free(password);

	if (PQstatus(conn) == CONNECTION_BAD)
	{
		/* libpq's message as it is: it names the server and the reason */
		fprintf(stderr, "%s: %s", progname, PQerrorMessage(conn));
		PQfinish(conn);
		*exit_code = EXIT_CONNECT;
		return NULL;
	}

	/*
	 * Nothing a user can create may shadow what we call: qualify everything.
	 * The session's own settings (docs/krimpctl.md, "Sessions"): krimpctl's
	 * transactions are read committed, whatever the database's or the
	 * role's default (a load means the same under every default), and the
	 * server checks every second that krimpctl is still there, so that a
	 * killed krimpctl's backend stops within a second or so rather than at
	 * the end of apply_batch.  A setting the user gives for this connection
	 * (PGOPTIONS, options= in the connection string: source "client") is
	 * kept.
	 */
	res = PQexec(conn, "SELECT pg_catalog.set_config('search_path', '', false), "
				 "(SELECT pg_catalog.set_config(s.name, 'read committed', false) FROM pg_catalog.pg_settings s "
				 "  WHERE s.name OPERATOR(pg_catalog.=) 'default_transaction_isolation' "
				 "    AND s.source OPERATOR(pg_catalog.<>) 'client'), "
				 "(SELECT pg_catalog.set_config(s.name, '1s', false) FROM pg_catalog.pg_settings s "
				 "  WHERE s.name OPERATOR(pg_catalog.=) 'client_connection_check_interval' "
				 "    AND s.source OPERATOR(pg_catalog.<>) 'client')");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		*exit_code = cli_server_error(conn, res, "could not set up the session");
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	if (!opts->any_database && (*exit_code = check_extension(conn)) != EXIT_OK)
	{
		PQfinish(conn);
		return NULL;
	}
	*exit_code = EXIT_OK;
	return conn;
}

/*
 * Report a failed statement with the server's message as it is; returns the
 * exit code it deserves: a lost connection is a connection failure, 55P03
 * (lock_not_available: another nightly run) has its own, the rest is a
 * server error.
 */
int
cli_server_error(PGconn *conn, const PGresult *res, const char *what)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	snprintf(cli_last_sqlstate, sizeof cli_last_sqlstate, "%s", state ? state : "");
	if (!msg || !*msg)
		msg = PQerrorMessage(conn);
	if (what)
		fprintf(stderr, "%s: %s: %s", progname, what, msg);
	else
		fprintf(stderr, "%s: %s", progname, msg);
	if (msg[0] && msg[strlen(msg) - 1] != '\n')
		fputc('\n', stderr);
	if (PQstatus(conn) == CONNECTION_BAD)
		return EXIT_CONNECT;
	if (state && strcmp(state, "55P03") == 0)
		return EXIT_BUSY;
	return EXIT_SERVER;
}

char		cli_last_sqlstate[6];

const char *
cli_retryable_kind(PGconn *conn)
{
	if (PQstatus(conn) != CONNECTION_OK)
		return NULL;
	if (strcmp(cli_last_sqlstate, "40001") == 0)
		return "serialization failure";
	if (strcmp(cli_last_sqlstate, "40P01") == 0)
		return "deadlock";
	return NULL;
}

bool
cli_retry(PGconn *conn, int attempt, const char *what)
{
	const char *kind = cli_retryable_kind(conn);
	useconds_t	wait;

	cli_rollback_quietly(conn);
	if (!kind)
		return false;
	if (attempt >= CLI_ATTEMPTS)
	{
		cli_error("giving up after %d attempts: the transaction failed with a %s (SQLSTATE %s) each time",
				  attempt, kind, cli_last_sqlstate);
		cli_hint("other sessions keep changing the same rows at the same time: run the command again when they are done");
		return false;
	}
	cli_warning("%s (SQLSTATE %s): retrying %s from the start (attempt %d of %d)",
				kind, cli_last_sqlstate, what, attempt + 1, CLI_ATTEMPTS);
	/* 0.1-0.2 s, then 0.2-0.4 s: apart from the session it collided with */
	if (attempt == 1)
		srand((unsigned) getpid() ^ (unsigned) time(NULL));
	wait = (useconds_t) (100000u << (attempt - 1));
	usleep(wait + (useconds_t) (rand() % (int) wait));
	cli_last_sqlstate[0] = '\0';
	return true;
}

bool
cli_exec_ok(PGconn *conn, const char *sql, int *exit_code)
{
	PGresult   *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
	{
		*exit_code = cli_server_error(conn, res, NULL);
		PQclear(res);
		return false;
	}
	PQclear(res);
	return true;
}

void
cli_rollback_quietly(PGconn *conn)
{
	if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) != PQTRANS_IDLE)
		PQclear(PQexec(conn, "ROLLBACK"));
}

/* a connection option in a command's getopt loop; false if c is none */
bool
cli_conn_option(cli_conn *conn, int c, const char *arg)
{
	switch (c)
	{
		case 'd':
			conn->dbname = arg;
			return true;
		case 'h':
			conn->host = arg;
			return true;
		case 'p':
			conn->port = arg;
			return true;
		case 'U':
			conn->user = arg;
			return true;
		case 'w':
			conn->prompt = PROMPT_NEVER;
			return true;
		case 'W':
			conn->prompt = PROMPT_ALWAYS;
			return true;
		case 'q':
			cli_quiet = true;
			return true;
		default:
			return false;
	}
}
