/*
 * input.h
 *	  The readers of CBS open data: one file per format (odata3.c, odata4.c,
 *	  statline_csv.c, with json_stream.c shared by the two JSON ones).  A
 *	  reader is fed the file in chunks, never holding it whole, and hands
 *	  each observation to the sink (load.c), which checks it with the core
 *	  and streams it to the server.  On malformed input a reader or the sink
 *	  describes the problem in input->error; the reader adds the position.
 */
#ifndef KRIMPCTL_INPUT_H
#define KRIMPCTL_INPUT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum
{
	FORMAT_AUTO,
	FORMAT_ODATA3,
	FORMAT_ODATA4,
	FORMAT_CSV
} input_format;

/* Why a row was not loaded */
typedef enum input_skip_kind
{
	SKIP_OTHER_MEASURE = 0,		/* a measure not asked for */
	SKIP_FILTER,				/* left out by --filter */
	SKIP_IMPOSSIBLE,			/* OData v4 ValueAttribute Impossible: the figure cannot exist */
	SKIP_NO_VALUE,				/* a file of labels: an empty field, no figure */
	SKIP_NOT_HELD,				/* a kind of area the warehouse has no regions of ((GA), (SG)) */
	SKIP_NOT_EXISTING,			/* no figure for a period its region had no version in (the warehouse says) */
	SKIP_KINDS
} input_skip_kind;

/* One observation as read: text as in the file (not yet trimmed). */
typedef struct input_row
{
	long long	line_number;	/* CSV: line in the file; JSON: record number */
	const char *region;
	const char *period;
	const char *value;			/* NULL: no value (JSON null, CBS "."): status unknown */
	bool		value_is_number;	/* a JSON number, taken as it is written */
	bool		decimal_comma;	/* CSV: a comma is the decimal mark */
	const char *status;			/* NULL, or a marker (the CSV/OData status column) */
	int			measure;		/* which of the measures loaded (0 when one) */
	bool		labels;			/* CSV: a file of labels (region names), not codes */
	const char *region_code;	/* CSV: the code column's text (Regiocode..., Code_1), or NULL */
	const char *region_type;	/* CSV: a column of the code's kind (GM, PV, ...), or NULL */

	/*
	 * Each field's length as the reader parsed it (bytes, before load.c
	 * trims it): always the strlen of its text, since a reader refuses a
	 * field with a NUL byte rather than let the text end early.  The fuzz
	 * targets check this (test/fuzz/fuzz_cli.h).
	 */
	size_t		region_len,
				period_len,
				value_len,
				status_len;
} input_row;

#define INPUT_MAX_MEASURES 64

/* code_lists.c: an OData v4 table's code lists (measure-codes.json, codes-*.json) */
typedef struct code_entry
{
	char	   *id;				/* Identifier */
	char	   *title;			/* Title, trailing blanks trimmed, or NULL */
	char	   *unit;			/* Unit (measures), or NULL */
} code_entry;

typedef struct code_list
{
	code_entry *e;
	int			n;
} code_list;

typedef struct input_options
{
	const char *measure;		/* --measure: column (v3, CSV) or Measure code (v4), by key or title */
	const char *const *measures;	/* or several (repeated -m): nmeasures of them */
	int			nmeasures;
	const char *period;			/* --period: the period of a file without a period column */
	const char *region_code_key;	/* --region-code-key: a column of codes beside the names */
	const char *region_key;		/* --region-key (default RegioS) */
	const char *period_key;		/* --period-key (default Perioden) */
	const char *status_key;		/* --status-key, or NULL */
	char		delimiter;		/* CSV: --delimiter (default ;) */
	const char **filters;		/* --filter KEY=VALUE, NULL-terminated */
} input_options;

typedef struct input_state input_state;
typedef bool (*input_sink) (input_state *in, const input_row *row);

#define INPUT_ERROR_LEN 1024

struct input_state
{
	const input_options *opts;
	const char *file_name;
	input_sink sink;
	void	   *sink_ctx;

	/* position: bytes fed before the current chunk, newlines in them */
	long long	chunk_offset;
	long long	lines_before;
	const char *chunk;
	size_t		chunk_len;

	long long	records;		/* observations handed to the sink */
	long long	skipped;		/* rows not loaded: the sum of skips[] */
	long long	skips[SKIP_KINDS];		/* by input_skip_kind */
	bool		row_skipped;	/* the sink skipped the row it was just given */
	char		measure_used[256];	/* the measure actually read (the first, when several) */
	int			nmeasures;		/* the measures read: keys and titles */
	char		measure_key[INPUT_MAX_MEASURES][128];
	char		measure_title[INPUT_MAX_MEASURES][256];
	bool		paged;			/* OData @odata.nextLink: more pages exist */

	bool		failed;
	char		error[INPUT_ERROR_LEN];

	void	   *reader;			/* the reader's own state */
	code_list	measure_codes;	/* OData v4: measure-codes.json beside the file, if any */
};

/* A reader: open, feed chunks, finish (checks for truncation), free. */
typedef struct input_reader
{
	const char *name;
	bool		(*open) (input_state *in);
	bool		(*feed) (input_state *in, const char *buf, size_t len);
	bool		(*finish) (input_state *in);
	void		(*close) (input_state *in);
} input_reader;

extern const input_reader odata3_reader;
extern const input_reader odata4_reader;
extern const input_reader csv_reader;


extern const char *const input_skip_reason[SKIP_KINDS];
extern void input_skip(input_state *in, input_skip_kind kind);

/* The measures asked for (-m, once or repeated) into specs; returns how many. */
extern int	input_measure_specs(const input_options *o, const char **specs);

/*
 * Does a measure asked for by spec mean the measure with this key and
 * title (and unit, or NULL)?  By its key exactly, or by its title (and
 * "title (unit)"), compared as names (case, accents, blanks and punctuation
 * aside); a StatLine header "Theme/Subtheme/Title (unit)" also by its last
 * part.
 */
extern bool input_measure_matches(const char *spec, const char *key, const char *title, const char *unit);

/* Record a problem (printf style); returns false. */
extern bool input_fail(input_state *in, const char *fmt,...) __attribute__((format(printf, 2, 3)));
/* Put text before the recorded failure (printf style). */
extern void input_prefix(input_state *in, const char *fmt,...) __attribute__((format(printf, 2, 3)));
/* Line (1-based) and byte offset (0-based, in the file) of byte pos in the current chunk. */
extern void input_position(const input_state *in, size_t pos_in_chunk, long long *line, long long *byte);

/* Is the row left out by a --filter?  get(key) returns a field's text or NULL. */
extern bool input_filtered_out(input_state *in, const char *(*get) (void *, const char *), void *obj,
							   bool *failed);

/* json_stream.c: flat records from the "value" member of an OData document */
typedef struct json_field
{
	char	   *key;
	char	   *val;			/* NULL for JSON null */
	size_t		vallen;			/* its length as parsed (yajl's) */
	size_t		keycap,
				valcap;
	bool		is_number;
	bool		is_string;
} json_field;

typedef struct json_record
{
	json_field *fields;
	int			nfields;
	int			cap;
	long long	number;			/* 1-based record number */
	long long	start_byte;		/* offset of its opening brace */
	long long	start_line;		/* line of its opening brace */
} json_record;

typedef bool (*json_record_fn) (input_state *in, json_record *rec);
extern bool json_stream_open(input_state *in, json_record_fn fn);
extern bool json_stream_feed(input_state *in, const char *buf, size_t len);
extern bool json_stream_finish(input_state *in);
extern void json_stream_close(input_state *in);
extern json_field *json_record_get(json_record *rec, const char *key);
/* for input_filtered_out: the text of a field, or NULL */
extern const char *json_record_text(void *rec, const char *key);
extern bool json_record_fail(input_state *in, json_record *rec, const char *what, const char *arg);
extern bool json_record_row(input_state *in, json_record *rec, const char *no_value, const char *no_value_arg,
							json_field *value, bool unknown, int measure, int skip);


/* The file name in the folder of file ("dir/x.json" + "y.json" = "dir/y.json"); malloc'd */
extern char *sibling_path(const char *file, const char *name);
/* Read a code list: 1 read, 0 no such file, -1 a problem described in err */
extern int	code_list_read(const char *path, code_list *out, char *err, size_t errlen);
extern void code_list_free(code_list *l);
extern const code_entry *code_list_find(const code_list *l, const char *id);

/* The field without surrounding white space into buf; false if it does not fit */
extern bool input_trim_copy(const char *s, char *buf, size_t size);

#endif							/* KRIMPCTL_INPUT_H */
