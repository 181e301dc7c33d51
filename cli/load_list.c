/*
 * load_list.c
 *	  krimpctl load --list FILE: what a file holds, without a connection, so
 *	  that a user need not know the codes beforehand: its measures (key,
 *	  title where the file or the table's measure-codes.json gives one, and
 *	  how many figures), its dimensions (each with the number of distinct
 *	  codes or labels, and the values themselves when there are few), and its
 *	  periods.  The file is read once, streamed as a load reads it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>

#include "load.h"

/* ---- a set of distinct texts, in the order first seen ---------------- */

typedef struct text_set
{
	char	  **items;			/* in the order first seen */
	int			n;
	int			cap;
	int		   *slots;			/* open addressing: index + 1, 0 empty */
	int			nslots;
	bool		full;			/* more than SET_MAX: counting stopped */
} text_set;

#define SET_MAX 200000

static unsigned int
hash_text(const char *s)
{
	unsigned int h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 16777619u;
	return h;
}

static bool
set_add(text_set *s, const char *text)
{
	unsigned int h;

	if (s->full)
		return true;
	if ((s->n + 1) * 2 > s->nslots)
	{
		int			ns = s->nslots ? s->nslots * 2 : 64;
		int		   *slots = calloc(ns, sizeof(int));

		if (!slots)
			return false;
		for (int i = 0; i < s->n; i++)
		{
			unsigned int k = hash_text(s->items[i]) & (ns - 1);

			while (slots[k])
				k = (k + 1) & (ns - 1);
			slots[k] = i + 1;
		}
		free(s->slots);
		s->slots = slots;
		s->nslots = ns;
	}
	h = hash_text(text) & (s->nslots - 1);
	while (s->slots[h])
	{
		if (strcmp(s->items[s->slots[h] - 1], text) == 0)
			return true;
		h = (h + 1) & (s->nslots - 1);
	}
	if (s->n == SET_MAX)
	{
		s->full = true;
		return true;
	}
	if (s->n == s->cap)
	{
		int			nc = s->cap ? s->cap * 2 : 32;
		char	  **p = realloc(s->items, nc * sizeof(char *));

		if (!p)
			return false;
		s->items = p;
		s->cap = nc;
	}
	if (!(s->items[s->n] = strdup(text)))
		return false;
	s->slots[h] = ++s->n;
	return true;
}

static void
set_free(text_set *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

static int
cmp_text(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* the values, sorted, comma separated, wrapped */
static void
print_values(const text_set *s, const char *indent, int max)
{
	char	  **v = malloc((s->n + 1) * sizeof(char *));
	int			col = 0;

	if (!v)
		return;
	memcpy(v, s->items, s->n * sizeof(char *));
	qsort(v, s->n, sizeof(char *), cmp_text);
	printf("%s", indent);
	col = (int) strlen(indent);
	for (int i = 0; i < s->n && i < max; i++)
	{
		int			w = (int) strlen(v[i]) + 2;

		if (i > 0 && col + w > 110)
		{
			printf(",\n%s", indent);
			col = (int) strlen(indent);
		}
		else if (i > 0)
			printf(", ");
		printf("%s", v[i]);
		col += w;
	}
	if (s->n > max)
		printf(", ... (%d in all)", s->n);
	printf("\n");
	free(v);
}

/* ---- a field of the file: its texts, and whether they are all numbers -- */

typedef struct list_field
{
	char	   *name;
	text_set	values;
	long long	filled;			/* non-empty values */
	long long	unknown;		/* ".", "-", "x", null */
	bool		text;			/* a value that is no number: a dimension */
	bool		seen_number;
	code_list	codes;			/* OData v4: codes-<name>.json */
	char	   *title;			/* OData v4: dimensions.json */
} list_field;

typedef struct list_state
{
	input_state in;
	list_field *f;
	int			nf;
	int			capf;
	long long	rows;
	/* OData v4: per measure */
	text_set	measures;
	long long  *m_rows,
			   *m_figures,
			   *m_impossible;
	int			m_cap;
	bool		v4;
	bool		oom;
	/* CSV */
	struct csv_parser p;
	int			ncols;
	int			col;
	long long	line;
} list_state;

static list_field *
field_of(list_state *ls, const char *name)
{
	for (int i = 0; i < ls->nf; i++)
		if (strcmp(ls->f[i].name, name) == 0)
			return &ls->f[i];
	if (ls->nf == ls->capf)
	{
		int			nc = ls->capf ? ls->capf * 2 : 16;
		list_field *p = realloc(ls->f, nc * sizeof(list_field));

		if (!p)
			return NULL;
		memset(p + ls->capf, 0, (nc - ls->capf) * sizeof(list_field));
		ls->f = p;
		ls->capf = nc;
	}
	if (!(ls->f[ls->nf].name = strdup(name)))
		return NULL;
	return &ls->f[ls->nf++];
}

static bool
looks_number(const char *s)
{
	char	   *end;

	while (isspace((unsigned char) *s))
		s++;
	if (!*s)
		return false;
	strtod(s, &end);
	while (isspace((unsigned char) *end))
		end++;
	if (*end == '\0')
		return true;
	/* a decimal comma */
	if (*end == ',')
	{
		strtod(end + 1, &end);
		return *end == '\0';
	}
	return false;
}

/* a value of a field: counted, and kept while the field looks like a dimension */
static void
field_value(list_state *ls, list_field *f, const char *raw, bool is_number, bool is_string)
{
	char		buf[256];
	size_t		n;

	while (isspace((unsigned char) *raw))
		raw++;
	n = strlen(raw);
	while (n > 0 && isspace((unsigned char) raw[n - 1]))
		n--;
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, raw, n);
	buf[n] = '\0';
	if (!buf[0])
		return;
	if (strcmp(buf, ".") == 0 || strcmp(buf, "-") == 0 || strcasecmp(buf, "x") == 0)
	{
		f->unknown++;
		return;
	}
	f->filled++;
	if (is_string)
		f->text = true;
	else if (is_number || looks_number(buf))
		f->seen_number = true;
	else
		f->text = true;
	if (f->text || f->values.n < 64)
		if (!set_add(&f->values, buf))
			ls->oom = true;
}

/* ---- JSON --------------------------------------------------------------- */

static int
measure_slot(list_state *ls, const char *m)
{
	int			before = ls->measures.n;

	if (!set_add(&ls->measures, m))
		return -1;
	if (ls->measures.n > ls->m_cap)
	{
		int			nc = ls->m_cap ? ls->m_cap * 2 : 16;
		long long  *a = realloc(ls->m_rows, nc * sizeof(long long));
		long long  *b = a ? realloc(ls->m_figures, nc * sizeof(long long)) : NULL;
		long long  *c = b ? realloc(ls->m_impossible, nc * sizeof(long long)) : NULL;

		if (a)
			ls->m_rows = a;
		if (b)
			ls->m_figures = b;
		if (!c)
			return -1;
		ls->m_impossible = c;
		memset(ls->m_rows + ls->m_cap, 0, (nc - ls->m_cap) * sizeof(long long));
		memset(ls->m_figures + ls->m_cap, 0, (nc - ls->m_cap) * sizeof(long long));
		memset(ls->m_impossible + ls->m_cap, 0, (nc - ls->m_cap) * sizeof(long long));
		ls->m_cap = nc;
	}
	for (int i = before; i >= 0; i--)
		if (i < ls->measures.n && strcmp(ls->measures.items[i], m) == 0)
			return i;
	return -1;
}

static bool
list_record(input_state *in, json_record *rec)
{
	list_state *ls = (list_state *) in;	/* in is the first member */

	ls->rows++;
	if (ls->v4)
	{
		json_field *m = json_record_get(rec, "Measure");
		json_field *a = json_record_get(rec, "ValueAttribute");
		json_field *v = json_record_get(rec, "Value");
		int			k = m && m->val ? measure_slot(ls, m->val) : -1;

		if (k >= 0)
		{
			ls->m_rows[k]++;
			if (a && a->val && strcmp(a->val, "Impossible") == 0)
				ls->m_impossible[k]++;
			else if (v && v->val && (!a || !a->val || strcmp(a->val, "None") == 0))
				ls->m_figures[k]++;
		}
	}
	for (int i = 0; i < rec->nfields; i++)
	{
		json_field *fd = &rec->fields[i];
		list_field *f;

		if (ls->v4 && (strcmp(fd->key, "Id") == 0 || strcmp(fd->key, "Measure") == 0 ||
					   strcmp(fd->key, "Value") == 0 || strcmp(fd->key, "StringValue") == 0))
			continue;
		if (!ls->v4 && strcmp(fd->key, "ID") == 0)
			continue;
		if (!(f = field_of(ls, fd->key)))
			return input_fail(in, "out of memory");
		if (!fd->val)
		{
			f->unknown++;
			continue;
		}
		field_value(ls, f, fd->val, fd->is_number, fd->is_string);
	}
	return !ls->oom || input_fail(in, "out of memory");
}

/* ---- CSV ---------------------------------------------------------------- */

static void
csv_field_cb(void *data, size_t len, void *ctx)
{
	list_state *ls = ctx;
	char		buf[1024];

	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, data, len);
	buf[len] = '\0';
	if (ls->line == 0)
	{
		char	   *t = buf;
		size_t		n;

		/* the header: the byte order mark is gone, blanks trimmed */
		while (isspace((unsigned char) *t))
			t++;
		n = strlen(t);
		while (n > 0 && isspace((unsigned char) t[n - 1]))
			t[--n] = '\0';
		if (!field_of(ls, t))
			ls->oom = true;
		ls->ncols = ls->nf;
	}
	else if (ls->col < ls->ncols)
		field_value(ls, &ls->f[ls->col], buf, false, false);
	ls->col++;
}

static void
csv_row_cb(int term, void *ctx)
{
	list_state *ls = ctx;

	(void) term;
	if (ls->col == 0)
		return;
	if (ls->line > 0)
		ls->rows++;
	ls->line++;
	ls->col = 0;
}

/* ---- the listing -------------------------------------------------------- */

static bool
is_period_name(const char *n)
{
	return strcasecmp(n, "Perioden") == 0;
}

static bool
is_region_name(const char *n)
{
	return strcasecmp(n, "RegioS") == 0 || strcasecmp(n, "Regio's") == 0 || strcasecmp(n, "Regio") == 0 ||
		strncasecmp(n, "RegioS", 6) == 0 || strncasecmp(n, "RegioIndeling", 13) == 0 ||
		strncasecmp(n, "WijkenEnBuurten", 15) == 0;
}

static bool
is_code_name(const char *n)
{
	return strncasecmp(n, "Regiocode", 9) == 0 || strncasecmp(n, "Codering_", 9) == 0 ||
		strcasecmp(n, "Code_1") == 0 || strncasecmp(n, "UniekeCode", 10) == 0;
}

/* a field of numbers that is no period, region, code, ID or marker column: a measure */
static bool
is_measure_field(const list_field *f)
{
	return !f->text && !is_period_name(f->name) && !is_region_name(f->name) && !is_code_name(f->name) &&
		strcasecmp(f->name, "ValueAttribute") != 0 && strcasecmp(f->name, "ID") != 0;
}

static void
print_listing(list_state *ls, const char *file, input_format fmt)
{
	int			nmeasures = 0;

	printf("%s: %s, %lld %s\n", file, load_format_name(fmt), ls->rows, fmt == FORMAT_CSV ? "rows" : "records");

	/* measures */
	if (ls->v4)
	{
		printf("measures (%d):\n", ls->measures.n);
		for (int k = 0; k < ls->measures.n; k++)
		{
			const code_entry *c = code_list_find(&ls->in.measure_codes, ls->measures.items[k]);

			printf("  %-12s %s%s%s%s  (%lld rows: %lld figures, %lld Impossible)\n", ls->measures.items[k],
				   c && c->title ? c->title : "", c && c->unit && *c->unit ? " (" : "",
				   c && c->unit ? c->unit : "", c && c->unit && *c->unit ? ")" : "",
				   ls->m_rows[k], ls->m_figures[k], ls->m_impossible[k]);
		}
	}
	else
	{
		for (int i = 0; i < ls->nf; i++)
		{
			list_field *f = &ls->f[i];

			if (is_measure_field(f))
				nmeasures++;
		}
		printf("measures (%d):\n", nmeasures);
		for (int i = 0; i < ls->nf; i++)
		{
			list_field *f = &ls->f[i];

			if (is_measure_field(f))
				printf("  %s  (%lld figures, %lld unknown)\n", f->name, f->filled, f->unknown);
		}
	}

	/* dimensions */
	printf("dimensions:\n");
	for (int i = 0; i < ls->nf; i++)
	{
		list_field *f = &ls->f[i];
		const char *what;

		if (is_measure_field(f) || strcasecmp(f->name, "ID") == 0)
			continue;
		what = is_period_name(f->name) ? "periods" : is_region_name(f->name) ? "regions" :
			is_code_name(f->name) ? "region codes" : strcasecmp(f->name, "ValueAttribute") == 0 ? "value markers" : "";
		printf("  %s%s%s%s: %d %s%s", f->name, f->title ? " (\"" : "", f->title ? f->title : "", f->title ? "\")" : "",
			   f->values.n, fmt != FORMAT_CSV ? (f->values.n == 1 ? "code" : "codes") : !f->text ? "values" :
			   f->values.n == 1 ? "label" : "labels", f->values.full ? " or more" : "");
		if (what[0])
			printf(", %s", what);
		if (f->codes.n)
			printf(" (its code list has %d)", f->codes.n);
		printf("\n");
		if (!is_period_name(f->name) && f->values.n <= 12)
		{
			/* few values: each, with its title from the code list */
			for (int k = 0; k < f->values.n; k++)
			{
				const code_entry *c = code_list_find(&f->codes, f->values.items[k]);

				printf("      %s%s%s%s\n", f->values.items[k], c && c->title ? "  \"" : "", c && c->title ? c->title : "",
					   c && c->title ? "\"" : "");
			}
		}
	}

	/* periods */
	for (int i = 0; i < ls->nf; i++)
		if (is_period_name(ls->f[i].name))
		{
			printf("periods (%d):\n", ls->f[i].values.n);
			print_values(&ls->f[i].values, "  ", 400);
		}
	{
		bool		has_period = false;

		for (int i = 0; i < ls->nf; i++)
			if (is_period_name(ls->f[i].name))
				has_period = true;
		if (!has_period)
			printf("periods: none in the file (no Perioden column): give the period with --period\n");
	}
}

/* dimensions.json and codes-<dimension>.json beside an OData v4 file */
static void
read_v4_lists(list_state *ls, const char *file)
{
	char		err[512];
	char	   *path = sibling_path(file, "measure-codes.json");
	code_list	dims;

	if (path && code_list_read(path, &ls->in.measure_codes, err, sizeof err) < 0)
		cli_warning("%s", err);
	free(path);
	path = sibling_path(file, "dimensions.json");
	if (path && code_list_read(path, &dims, err, sizeof err) > 0)
	{
		for (int i = 0; i < dims.n; i++)
		{
			list_field *f = field_of(ls, dims.e[i].id);
			char		name[300];
			char	   *cp;

			if (!f)
				break;
			if (dims.e[i].title)
				f->title = strdup(dims.e[i].title);
			snprintf(name, sizeof name, "codes-%s.json", dims.e[i].id);
			if ((cp = sibling_path(file, name)) != NULL)
			{
				if (code_list_read(cp, &f->codes, err, sizeof err) < 0)
					cli_warning("%s", err);
				free(cp);
			}
		}
		code_list_free(&dims);
	}
	free(path);
}

int
load_list(const load_options *o, const char *file)
{
	list_state *ls = calloc(1, sizeof(list_state));
	char	   *chunk = malloc(CHUNK_SIZE);
	int			fd;
	ssize_t		got;
	input_format fmt;
	bool		ok = true;
	size_t		skip = 0;
	input_options io = o->in;
	int			rc = EXIT_OK;

	if (!ls || !chunk)
	{
		free(ls);
		free(chunk);
		cli_error("out of memory");
		return EXIT_INPUT;
	}
	fd = strcmp(file, "-") == 0 ? STDIN_FILENO : open(file, O_RDONLY);
	if (fd < 0)
	{
		cli_error("could not open \"%s\": %s", file, strerror(errno));
		free(ls);
		free(chunk);
		return EXIT_INPUT;
	}
	got = read(fd, chunk, CHUNK_SIZE);
	fmt = o->format != FORMAT_AUTO ? o->format : load_detect_format(chunk, got > 0 ? got : 0);
	if (got >= 3 && memcmp(chunk, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	ls->in.opts = &io;
	ls->in.file_name = file;
	ls->v4 = fmt == FORMAT_ODATA4;
	if (fmt == FORMAT_CSV)
	{
		if (csv_init(&ls->p, CSV_APPEND_NULL | CSV_REPALL_NL) != 0)
			ok = input_fail(&ls->in, "out of memory");
		else
			csv_set_delim(&ls->p, (unsigned char) io.delimiter);
	}
	else
	{
		if (ls->v4 && strcmp(file, "-") != 0)
			read_v4_lists(ls, file);
		ok = json_stream_open(&ls->in, list_record);
	}
	ls->in.chunk_offset = (long long) skip;
	while (ok && got > 0)
	{
		ls->in.chunk = chunk + skip;
		ls->in.chunk_len = got - skip;
		if (fmt == FORMAT_CSV)
		{
			if (csv_parse(&ls->p, ls->in.chunk, ls->in.chunk_len, csv_field_cb, csv_row_cb, ls) != ls->in.chunk_len)
				ok = input_fail(&ls->in, "line %lld: %s", ls->line + 1, csv_strerror(csv_error(&ls->p)));
			if (ls->oom)
				ok = input_fail(&ls->in, "out of memory");
		}
		else
			ok = json_stream_feed(&ls->in, ls->in.chunk, ls->in.chunk_len);
		for (const char *p = ls->in.chunk, *e = ls->in.chunk + ls->in.chunk_len; (p = memchr(p, '\n', e - p)) != NULL; p++)
			ls->in.lines_before++;
		ls->in.chunk_offset += ls->in.chunk_len;
		skip = 0;
		got = read(fd, chunk, CHUNK_SIZE);
	}
	if (ok && got < 0)
		ok = input_fail(&ls->in, "could not read: %s", strerror(errno));
	if (ok)
	{
		ls->in.chunk = chunk;
		ls->in.chunk_len = 0;
		if (fmt == FORMAT_CSV)
			csv_fini(&ls->p, csv_field_cb, csv_row_cb, ls);
		else
			ok = json_stream_finish(&ls->in);
	}
	if (ok)
		print_listing(ls, file, fmt);
	else
	{
		cli_error("%s: %s", file, ls->in.error);
		rc = EXIT_INPUT;
	}
	if (fmt == FORMAT_CSV)
		csv_free(&ls->p);
	else
		json_stream_close(&ls->in);
	if (fd != STDIN_FILENO)
		close(fd);
	for (int i = 0; i < ls->nf; i++)
	{
		free(ls->f[i].name);
		free(ls->f[i].title);
		set_free(&ls->f[i].values);
		code_list_free(&ls->f[i].codes);
	}
	free(ls->f);
	set_free(&ls->measures);
	free(ls->m_rows);
	free(ls->m_figures);
	free(ls->m_impossible);
	code_list_free(&ls->in.measure_codes);
	free(ls);
	free(chunk);
	fflush(stdout);
	return rc;
}
