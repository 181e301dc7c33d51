/*
 * json_stream.c
 *	  Streaming OData JSON with yajl: the document is parsed chunk by chunk
 *	  and each observation (an object in the "value" member, which is an
 *	  array in OData, or an object keyed by ID in CBS's v3 dumps) is handed
 *	  over as a flat record of scalars as soon as its closing brace is read.
 *	  Memory stays the size of one record whatever the size of the file.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "input.h"

typedef struct json_state
{
	yajl_handle h;
	json_record_fn fn;
	int			depth;			/* open containers */
	bool		key_value;		/* the current top-level key is "value" */
	bool		key_next;		/* ... is an OData next link */
	int			container_depth;	/* depth of the "value" container, 0 outside */
	bool		saw_value;
	bool		in_record;
	int			cur_field;		/* field of the current key, -1 if none */
	const char *scan_chunk;		/* lines counted up to scan_pos in this chunk */
	size_t		scan_pos;
	long long	scan_line;
	json_record rec;
} json_state;

#define JS(ctx) ((json_state *) ((input_state *) (ctx))->reader)

static bool
grow_copy(char **dst, size_t *cap, const char *src, size_t len)
{
	if (len + 1 > *cap)
	{
		size_t		n = *cap ? *cap : 32;
		char	   *p;

		while (n < len + 1)
			n *= 2;
		p = realloc(*dst, n);
		if (!p)
			return false;
		*dst = p;
		*cap = n;
	}
	memcpy(*dst, src, len);
	(*dst)[len] = '\0';
	return true;
}

/* position of the current token, for messages */
static size_t
here(input_state *in)
{
	size_t		n = yajl_get_bytes_consumed(JS(in)->h);

	return n > in->chunk_len ? in->chunk_len : n;
}

static int
fail_here(input_state *in, const char *what)
{
	long long	line,
				byte;

	input_position(in, here(in), &line, &byte);
	input_fail(in, "line %lld, byte %lld: %s", line, byte, what);
	return 0;
}

static int
scalar(void *ctx, const char *val, size_t len, bool is_number, bool is_string)
{
	input_state *in = ctx;
	json_state *js = JS(in);

	/* a \u0000 would end the text early: refused wherever it is */
	if (is_string && len && memchr(val, '\0', len))
		return fail_here(in, "a NUL character (\\u0000) inside a JSON string");
	if (js->depth == 0)
		return fail_here(in, "not an OData document: expected an object with a \"value\" member");
	if (js->depth == 1)
	{
		if (js->key_value)
			return fail_here(in, "the \"value\" member is not an array or object of observations");
		if (js->key_next)
			in->paged = true;
		return 1;
	}
	if (js->container_depth && js->depth == js->container_depth)
		return fail_here(in, "expected an object for each observation in \"value\"");
	if (js->in_record && js->depth == js->container_depth + 1 && js->cur_field >= 0)
	{
		json_field *f = &js->rec.fields[js->cur_field];

		if (val)
		{
			if (!grow_copy(&f->val, &f->valcap, val, len))
				return fail_here(in, "out of memory");
			f->vallen = len;
		}
		else if (f->val)
		{
			free(f->val);
			f->val = NULL;
			f->valcap = 0;
		}
		if (!val)
			f->vallen = 0;
		f->is_number = is_number;
		f->is_string = is_string;
		js->cur_field = -1;
	}
	return 1;
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, NULL, 0, false, false);
}

static int
cb_boolean(void *ctx, int b)
{
	return scalar(ctx, b ? "true" : "false", b ? 4 : 5, false, false);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, s, len, true, false);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, (const char *) s, len, false, true);
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	input_state *in = ctx;
	json_state *js = JS(in);

	if (len && memchr(key, '\0', len))
		return fail_here(in, "a NUL character (\\u0000) inside a JSON string");
	if (js->depth == 1)
	{
		js->key_value = (len == 5 && memcmp(key, "value", 5) == 0);
		js->key_next = (len == 15 && memcmp(key, "@odata.nextLink", 15) == 0) ||
			(len == 14 && memcmp(key, "odata.nextLink", 14) == 0);
		if (js->key_value && js->saw_value)
			return fail_here(in, "a second \"value\" member");
		return 1;
	}
	if (js->in_record && js->depth == js->container_depth + 1)
	{
		json_record *r = &js->rec;
		json_field *f;

		/*
		 * A key twice in one record: which value counts would be a guess
		 * (json_record_get took the first), so the record is refused.  Keys
		 * whose value was a container are not kept, nor checked.
		 */
		for (int i = 0; i < r->nfields; i++)
			if (strlen(r->fields[i].key) == len && memcmp(r->fields[i].key, key, len) == 0)
			{
				long long	line,
							byte;

				input_position(in, here(in), &line, &byte);
				input_fail(in, "record %lld (line %lld, byte %lld): duplicate key \"%s\" at line %lld, byte %lld",
						   r->number, r->start_line, r->start_byte, r->fields[i].key, line, byte);
				return 0;
			}
		if (r->nfields == r->cap)
		{
			int			n = r->cap ? r->cap * 2 : 8;
			json_field *p = realloc(r->fields, n * sizeof(json_field));

			if (!p)
				return fail_here(in, "out of memory");
			memset(p + r->cap, 0, (n - r->cap) * sizeof(json_field));
			r->fields = p;
			r->cap = n;
		}
		f = &r->fields[r->nfields];
		if (!grow_copy(&f->key, &f->keycap, (const char *) key, len))
			return fail_here(in, "out of memory");
		if (f->val)
			f->val[0] = '\0';
		f->vallen = 0;
		f->is_number = f->is_string = false;
		js->cur_field = r->nfields++;
	}
	return 1;
}

static int
open_container(input_state *in, bool is_map)
{
	json_state *js = JS(in);

	js->depth++;
	if (js->depth == 1 && !is_map)
		return fail_here(in, "not an OData document: expected an object with a \"value\" member");
	if (js->depth == 2 && js->key_value)
	{
		js->container_depth = 2;
		js->saw_value = true;
		return 1;
	}
	if (js->container_depth && js->depth == js->container_depth + 1)
	{
		if (!is_map)
			return fail_here(in, "expected an object for each observation in \"value\"");
		js->in_record = true;
		js->rec.nfields = 0;
		js->rec.number++;
		js->rec.start_byte = in->chunk_offset + here(in) - 1;
		/* its line: count on from where the last record started */
		if (js->scan_chunk != in->chunk)
		{
			js->scan_chunk = in->chunk;
			js->scan_pos = 0;
			js->scan_line = in->lines_before + 1;
		}
		for (const char *p = in->chunk + js->scan_pos, *e = in->chunk + here(in);
			 p < e && (p = memchr(p, '\n', e - p)) != NULL; p++)
			js->scan_line++;
		js->scan_pos = here(in);
		js->rec.start_line = js->scan_line;
		js->cur_field = -1;
		return 1;
	}
	/* nested deeper inside a record: not an observation's scalar; ignored */
	if (js->in_record && js->depth == js->container_depth + 2)
	{
		if (js->cur_field >= 0)
		{
			/* the key's value is a container: the field stays without value */
			js->rec.nfields--;
			js->cur_field = -1;
		}
	}
	return 1;
}

static int
close_container(input_state *in)
{
	json_state *js = JS(in);

	if (js->in_record && js->depth == js->container_depth + 1)
	{
		js->in_record = false;
		if (!js->fn(in, &js->rec))
		{
			/* the record's problem, with where the record starts */
			if (!in->failed)
				input_fail(in, "record %lld is not valid", js->rec.number);
			return 0;
		}
	}
	if (js->container_depth && js->depth == js->container_depth)
		js->container_depth = 0;
	js->depth--;
	return 1;
}

static int
cb_start_map(void *ctx)
{
	return open_container(ctx, true);
}

static int
cb_end_map(void *ctx)
{
	return close_container(ctx);
}

static int
cb_start_array(void *ctx)
{
	return open_container(ctx, false);
}

static int
cb_end_array(void *ctx)
{
	return close_container(ctx);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array
};

bool
json_stream_open(input_state *in, json_record_fn fn)
{
	json_state *js = calloc(1, sizeof(json_state));

	if (!js)
		return input_fail(in, "out of memory");
	in->reader = js;
	js->fn = fn;
	js->cur_field = -1;
	js->h = yajl_alloc(&callbacks, NULL, in);
	if (!js->h)
		return input_fail(in, "out of memory");
	return true;
}

/* yajl's own message, one line, with the position and a glimpse of the text */
static bool
syntax_error(input_state *in, size_t pos)
{
	json_state *js = JS(in);
	unsigned char *msg = yajl_get_error(js->h, 0, NULL, 0);
	long long	line,
				byte;
	char		near[41];
	size_t		from = pos > 20 ? pos - 20 : 0;
	size_t		n = 0;

	for (size_t i = from; i < in->chunk_len && n < 40; i++)
		near[n++] = (in->chunk[i] >= 0x20 && in->chunk[i] < 0x7f) ? in->chunk[i] : ' ';
	near[n] = '\0';
	input_position(in, pos, &line, &byte);
	if (msg)
		for (unsigned char *c = msg; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
	input_fail(in, "invalid JSON at line %lld, byte %lld: %s%s%s%s", line, byte,
			   msg ? (char *) msg : "syntax error",
			   n ? " (near \"" : "", near, n ? "\")" : "");
	if (msg)
		yajl_free_error(js->h, msg);
	return false;
}

bool
json_stream_feed(input_state *in, const char *buf, size_t len)
{
	json_state *js = JS(in);
	yajl_status st = yajl_parse(js->h, (const unsigned char *) buf, len);

	if (st == yajl_status_ok)
		return true;
	if (st == yajl_status_client_canceled || in->failed)
	{
		if (!in->failed)
			input_fail(in, "reading stopped");
		return false;
	}
	return syntax_error(in, yajl_get_bytes_consumed(js->h));
}

bool
json_stream_finish(input_state *in)
{
	json_state *js = JS(in);
	yajl_status st = yajl_complete_parse(js->h);

	if (st != yajl_status_ok)
	{
		long long	line,
					byte;

		if (in->failed)
			return false;
		input_position(in, in->chunk_len, &line, &byte);
		if (js->depth > 0)
			return input_fail(in, "the JSON document ends early at line %lld, byte %lld (end of file), "
							  "inside %d unclosed object(s) or array(s): the file is truncated",
							  line, byte, js->depth);
		return syntax_error(in, in->chunk_len);
	}
	if (!js->saw_value)
		return input_fail(in, "not an OData document: no \"value\" member with the observations");
	return true;
}

void
json_stream_close(input_state *in)
{
	json_state *js = JS(in);

	if (!js)
		return;
	if (js->h)
		yajl_free(js->h);
	for (int i = 0; i < js->rec.cap; i++)
	{
		free(js->rec.fields[i].key);
		free(js->rec.fields[i].val);
	}
	free(js->rec.fields);
	free(js);
	in->reader = NULL;
}

json_field *
json_record_get(json_record *rec, const char *key)
{
	for (int i = 0; i < rec->nfields; i++)
		if (strcmp(rec->fields[i].key, key) == 0)
			return &rec->fields[i];
	return NULL;
}

const char *
json_record_text(void *obj, const char *key)
{
	json_field *f = json_record_get(obj, key);

	return f ? f->val : NULL;
}

/* A record's error: "record N (line L, byte B): what "arg"" */
bool
json_record_fail(input_state *in, json_record *rec, const char *what, const char *arg)
{
	return input_fail(in, "record %lld (line %lld, byte %lld): %s%s%s%s", rec->number, rec->start_line, rec->start_byte, what,
					  arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
}

/*
 * The rest of a record of the measure being loaded, the same in both OData
 * versions: --filter, the region, period and status fields, then the row to
 * the sink.  value is the measure's field (NULL: the record has none, the
 * error no_value, with no_value_arg when given); unknown makes the figure
 * CBS's "." whatever the field holds; measure is the index of the measure
 * loaded; skip (an input_skip_kind, or -1) sets the row aside, counted,
 * once it has passed --filter.
 */
bool
json_record_row(input_state *in, json_record *rec, const char *no_value, const char *no_value_arg,
				json_field *value, bool unknown, int measure, int skip)
{
	const input_options *o = in->opts;
	json_field *region,
			   *period,
			   *status = NULL;
	input_row	row = {0};	/* every field, decimal_comma too (JSON numbers use a point) */
	bool		failed = false;

	if (o->filters && input_filtered_out(in, json_record_text, rec, &failed))
	{
		if (!failed)
			input_skip(in, SKIP_FILTER);
		return !failed;
	}
	if (failed)
		return false;
	if (skip >= 0)
	{
		input_skip(in, (input_skip_kind) skip);
		return true;
	}

	region = json_record_get(rec, o->region_key);
	period = json_record_get(rec, o->period_key);
	if (o->status_key)
		status = json_record_get(rec, o->status_key);
	if (!region || !region->val)
		return json_record_fail(in, rec, "no region code in the field", o->region_key);
	if (!period || !period->val)
		return json_record_fail(in, rec, "no period code in the field", o->period_key);
	if (!value)
		return json_record_fail(in, rec, no_value, no_value_arg);

	row.line_number = rec->number;
	row.region = region->val;
	row.region_len = region->vallen;
	row.period = period->val;
	row.period_len = period->vallen;
	row.value = unknown ? NULL : value->val;
	row.value_len = row.value ? value->vallen : 0;
	row.value_is_number = !unknown && value->is_number;
	row.status = status ? status->val : NULL;
	row.status_len = row.status ? status->vallen : 0;
	row.measure = measure;
	in->row_skipped = false;
	if (!in->sink(in, &row))
	{
		input_prefix(in, "record %lld (line %lld, byte %lld): ", rec->number, rec->start_line, rec->start_byte);
		return false;
	}
	if (!in->row_skipped)
		in->records++;
	return true;
}
