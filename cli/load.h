/*
 * load.h
 *	  What the files of krimpctl load share: load.c (the options and the
 *	  command), load_batch.c (the load of one file: one transaction, one
 *	  batch, the rejects) and load_sink.c (checking a row and streaming it to
 *	  the server as runs).
 */
#ifndef KRIMP_LOAD_H
#define KRIMP_LOAD_H

#include "input.h"
#include "krimpctl.h"
#include "labels.h"
#include "period.h"

#define CHUNK_SIZE (256 * 1024)
#define COPY_BUF_SIZE (512 * 1024)
#define FIELD_MAX 64			/* a field's longest text, with its NUL */

/* krimpctl load's options: what cmd_load() reads from the command line */
typedef struct load_options
{
	cli_conn	conn;
	const char *org;
	const char *indicator;		/* --indicator: of the one measure, or of those -m gives none */
	const char *measure_indicators[INPUT_MAX_MEASURES];	/* -m MEASURE=INDICATOR, or NULL */
	const char *measure_specs[INPUT_MAX_MEASURES];	/* -m MEASURE */
	int			nmeasures;
	bool		list;			/* --list: what the file holds, no connection */
	const char *source;
	const char *rejects;
	const char *published_at;
	const char *released_at;
	const char *kind;			/* --kind: realisation (NULL) or forecast */
	const char *forecast_producer;	/* --producer, of a forecast */
	const char *forecast_base_year;	/* --base-year, of a forecast */
	const char *revision_reason;	/* why figures may go back in status, or NULL */
	input_format format;
	input_options in;
	bool		abort_on_reject;
	bool		fail_on_reject;
	const char *const *files;	/* the input files, "-" for standard input */
	int			nfiles;
} load_options;

/*
 * The run being gathered for one measure: figures of one region with one
 * status marker on consecutive lines and consecutive periods, sent as one
 * staged block (krimp.staged_block) when the run ends.
 */
typedef struct load_run
{
	char		middle[512];	/* org \t indicator \t */
	bool		in_run;
	char		run_region[FIELD_MAX];
	char		run_status[FIELD_MAX];
	krimp_period run_first;
	krimp_period run_last;
	long long	run_first_line;
	long long	run_last_line;
	int			run_n;
	char	   *run_values;		/* "{v1,v2,..." */
	size_t		run_len;
} load_run;

/* the last label matched, kept for the next row (a region's years come in a row) */
typedef struct label_cache
{
	char		label[256];
	char		code_text[FIELD_MAX];
	int32_t		first_day,
				last_day;
	krimp_region_match match;
	bool		valid;
} label_cache;

typedef struct load_sink
{
	PGconn	   *conn;
	char	   *buf;
	size_t		len;
	char		prefix[256];	/* batch_id \t (line) */
	char		suffix[512];	/* \t kind \t producer \t base year \t released_at \n */
	bool		copy_failed;

	int			nruns;			/* one run per measure loaded */
	load_run	runs[INPUT_MAX_MEASURES];
	const char *indicators[INPUT_MAX_MEASURES];	/* each measure's indicator */

	/* region names to codes (files of labels): krimp.region, read once per file */
	krimp_region_names *regions;
	label_cache cache;

	/*
	 * Rows set aside on the client (a region name unknown or ambiguous): a
	 * JSON array of {"line", "row", "reason"}, filed into krimp.rejected_row
	 * before krimp.apply_batch counts them with its own.
	 */
	char	   *rejects;
	size_t		rejects_len,
				rejects_cap;
	long long	nrejects;
	bool		rejects_oom;
} load_sink;

/*
 * In a load of several measures a line of the file holds a figure of each:
 * the k-th measure's figures (from 0) are numbered k * LINE_STRIDE + line in
 * the batch (krimp.rejected_row's key is the batch and the number), and
 * krimpctl prints the line and the measure.
 */
#define LINE_STRIDE 10000000000LL

/* a block's most values (krimp.observation_block holds up to 4096) */
#define RUN_MAX 4096
#define RUN_BUF_SIZE (RUN_MAX * FIELD_MAX + 16)

/* load_sink.c: the reader's sink, and the end of the stream */
extern bool load_row(input_state *in, const input_row *row);
extern bool run_send(load_sink *s, load_run *r);
extern bool runs_send(load_sink *s);
extern void rejects_close(load_sink *s);
extern bool sink_flush(load_sink *s);
extern void copy_escape(char *dst, size_t size, const char *src);

/* load_list.c: krimpctl load --list FILE */
extern int	load_list(const load_options *o, const char *file);

/* load_batch.c */
extern PGresult *exec_params(PGconn *conn, const char *sql, int n, const char *const *params, int *rc);
extern int	load_with_retries(PGconn *conn, const load_options *o, const char *file);
extern const char *measure_indicator(const load_options *o, int i);
extern input_format load_detect_format(const char *buf, size_t len);
extern const char *load_format_name(input_format f);

/*
 * load.c: krimpctl load on an open connection: the indicator and the
 * organisation checked, then each file in its own transaction, the first
 * failure stopping.  Returns an exit code; the connection stays open.
 */
extern int	krimp_load(PGconn *conn, const load_options *o);

/*
 * krimpctl load's options from argv (argv[0] "load"): LOAD_GO when they are
 * good, else the exit code (a usage error, --help).  files is allocated (free
 * it), filters has room for 65.  krimpctl demo parses the manifest's lines
 * with it (cli/demo_themes.c).
 */
#define LOAD_GO (-1)
extern int	krimp_load_parse(int argc, char **argv, load_options *o, const char ***files, const char **filters);

/* krimpctl demo's steps of cli/demo_themes.c: the catalogue, every theme of data/loads.tsv */
extern bool demo_catalogue(PGconn *conn, const char *data, int *rc);
extern int	demo_themes(PGconn *conn, const char *data, const char *rejects_dir);

#endif							/* KRIMP_LOAD_H */
