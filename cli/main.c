/*
 * main.c
 *	  krimpctl: the command-line client of the krimp warehouse.
 *
 *	  krimpctl [CONNECTION OPTION]... COMMAND [OPTION]... [ARG]...
 *
 * Global options (connection options, --help, --version) come before the
 * command; each command parses the rest, connection options included, and
 * has its own --help.  A new command is one file with one entry point and
 * one line in the table below.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "krimpctl.h"

#ifndef KRIMP_VERSION
#define KRIMP_VERSION "unknown"
#endif

const char *progname = "krimpctl";
bool		cli_quiet = false;
cli_conn	cli_default_conn = {NULL, NULL, NULL, NULL, PROMPT_AUTO, false};

static const cli_command commands[] = {
	{"load", cmd_load, "load CBS open data (OData v3/v4 JSON, StatLine CSV) into the warehouse"},
	{"nightly", cmd_nightly, "run the nightly tipping-point job and print the new flags"},
	{"evaluate", cmd_evaluate, "run a revaluation round of the targets and print its scorecard"},
	{"report", cmd_report, "write an HTML report: tipping points, scorecard, map of the decline regions"},
	{"demo", cmd_demo, "the main job on the bundled CBS data: load, nightly job, targets, round, report"},
	{NULL, NULL, NULL}
};

static void
usage(void)
{
	printf("%s is the command-line client of the krimp warehouse.\n\n", progname);
	printf("Usage:\n  %s [CONNECTION OPTION]... COMMAND [OPTION]... [ARG]...\n\n", progname);
	printf("Commands:\n");
	for (const cli_command *c = commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nGeneral options:\n"
		   "  -?, --help                   show this help, then exit\n"
		   "  -V, --version                output version information, then exit\n\n");
	printf(CLI_CONN_HELP);
	printf("\nConnection options may also follow the command.\n"
		   "Run \"%s COMMAND --help\" for a command's options; see also man krimpctl-COMMAND.\n\n", progname);
	printf(KRIMPCTL_EXIT_CODES);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_CONN_LONGOPTS,
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	int			c;

	/* "+": stop at the command name, which leaves its options to it */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+" CLI_CONN_SHORTOPTS "V?", longopts, NULL)) != -1)
	{
		if (cli_conn_option(&cli_default_conn, c, optarg))
			continue;
		switch (c)
		{
			case 'V':
				printf("krimpctl (krimp) %s\n", KRIMP_VERSION);
				return EXIT_OK;
			case '?':
				if (optopt == 0 || optopt == '?')
				{
					usage();
					return EXIT_OK;
				}
				/* fall through */
			default:
				return cli_usage_error(NULL, "invalid option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(NULL, "no command given");

	for (const cli_command *cmd = commands; cmd->name; cmd++)
	{
		if (strcmp(cmd->name, argv[optind]) == 0)
		{
			/* the command sees its name as argv[0] */
			optind++;
			argv += optind - 1;
			argc -= optind - 1;
			optind = 1;
			opterr = 0;
			return cmd->run(argc, argv);
		}
	}
	if (strcmp(argv[optind], "help") == 0)
	{
		usage();
		return EXIT_OK;
	}
	return cli_usage_error(NULL, "unknown command \"%s\"", argv[optind]);
}
