/*
 * labels.c
 *	  CBS labels to codes: region names matched by name, kind and year, and
 *	  period labels; the rules are in labels.h.  Plain C without PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "labels.h"

typedef struct region_entry
{
	char	   *key;			/* krimp_name_key of the name */
	char	   *name;
	char		code[16];
	const char *level;			/* krimp_region_level_of */
	char		province[8];
	int32_t		from;			/* YYYYMMDD, inclusive */
	int32_t		to;				/* YYYYMMDD, exclusive; 99991231 + 1 while it holds */
} region_entry;

struct krimp_region_names
{
	region_entry *e;
	int			n;
	int			cap;
	bool		sorted;
};

#define OPEN_END 100000000

/* ---- names and their keys -------------------------------------------- */

/* The ASCII letter of a Latin-1 letter (U+00C0..U+00FF), or 0 */
static char
latin1_base(unsigned int cp)
{
	static const char map[] =
	/* C0 */ "AAAAAAACEEEEIIII"
	/* D0 */ "DNOOOOO OUUUUY  "
	/* E0 */ "aaaaaaaceeeeiiii"
	/* F0 */ "dnooooo ouuuuy y";

	if (cp < 0xC0 || cp > 0xFF)
		return 0;
	return map[cp - 0xC0] == ' ' ? 0 : map[cp - 0xC0];
}

void
krimp_name_key(const char *text, size_t len, char *buf, size_t size)
{
	size_t		n = 0;
	bool		sep = false;
	size_t		i = 0;

	if (size == 0)
		return;
	while (i < len && n + 2 < size)
	{
		unsigned char c = (unsigned char) text[i];
		char		out = 0;

		if (c < 0x80)
		{
			if (c >= 'A' && c <= 'Z')
				out = (char) (c - 'A' + 'a');
			else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				out = (char) c;
			i++;
		}
		else if ((c & 0xE0) == 0xC0 && i + 1 < len)
		{
			unsigned int cp = ((c & 0x1Fu) << 6) | ((unsigned char) text[i + 1] & 0x3Fu);

			out = latin1_base(cp);
			if (out >= 'A' && out <= 'Z')
				out = (char) (out - 'A' + 'a');
			i += 2;
		}
		else
		{
			/* another character: skip it and its continuation bytes */
			i++;
			while (i < len && ((unsigned char) text[i] & 0xC0) == 0x80)
				i++;
		}
		if (out)
		{
			if (sep && n > 0)
				buf[n++] = ' ';
			buf[n++] = out;
			sep = false;
		}
		else
			sep = true;
	}
	buf[n] = '\0';

	/* "a/d" (aan de), as in "Valkenburg a/d Geul" */
	{
		char	   *p = buf;

		while ((p = strstr(p, "a d")) != NULL)
		{
			bool		starts = (p == buf || p[-1] == ' ');
			bool		ends = (p[3] == '\0' || p[3] == ' ');

			if (starts && ends && strlen(buf) + 4 < size)
			{
				memmove(p + 6, p + 3, strlen(p + 3) + 1);
				memcpy(p, "aan de", 6);
				p += 6;
			}
			else
				p++;
		}
	}
}

/* ---- labels ------------------------------------------------------------- */

static const struct
{
	const char *abbrev;
	const char *province;
}			province_abbrevs[] = {
	{"Gr.", "PV20"}, {"Fr.", "PV21"}, {"Dr.", "PV22"}, {"O.", "PV23"}, {"Fl.", "PV24"}, {"Gld.", "PV25"},
	{"U.", "PV26"}, {"NH.", "PV27"}, {"ZH.", "PV28"}, {"Z.", "PV29"}, {"NB.", "PV30"}, {"L.", "PV31"}
};

static void
copy_text(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
krimp_region_label_parse(const char *text, size_t len, krimp_region_label *out)
{
	const char *open;
	size_t		slen;
	size_t		i;

	memset(out, 0, sizeof *out);
	while (len > 0 && is_blank(*text))
		text++, len--;
	while (len > 0 && is_blank(text[len - 1]))
		len--;
	copy_text(out->base, sizeof out->base, text, len);
	out->kind = KRIMP_LABEL_ANY;
	if (len < 4 || text[len - 1] != ')')
		return;
	open = NULL;
	for (i = len - 1; i > 0; i--)
		if (text[i - 1] == '(')
		{
			open = text + i - 1;
			break;
		}
	if (!open || open == text || open[-1] != ' ')
		return;
	slen = (size_t) (text + len - 1 - (open + 1));
	if (slen == 0 || slen >= sizeof out->suffix)
		return;
	copy_text(out->suffix, sizeof out->suffix, open + 1, slen);

	if (strcmp(out->suffix, "PV") == 0)
		out->kind = KRIMP_LABEL_PROVINCE;
	else if (strcmp(out->suffix, "LD") == 0)
		out->kind = KRIMP_LABEL_LANDSDEEL;
	else if (strcmp(out->suffix, "CR") == 0)
		out->kind = KRIMP_LABEL_COROP;
	else if (strcmp(out->suffix, "gemeente") == 0)
		out->kind = KRIMP_LABEL_MUNICIPALITY;
	else
	{
		bool		upper = slen >= 2 && slen <= 4;

		for (i = 0; i < sizeof province_abbrevs / sizeof province_abbrevs[0]; i++)
			if (strcmp(out->suffix, province_abbrevs[i].abbrev) == 0)
			{
				out->kind = KRIMP_LABEL_MUNICIPALITY;
				strcpy(out->province, province_abbrevs[i].province);
				break;
			}
		if (out->kind == KRIMP_LABEL_ANY)
		{
			for (i = 0; i < slen; i++)
				if (out->suffix[i] < 'A' || out->suffix[i] > 'Z')
					upper = false;
			if (upper)
				out->kind = KRIMP_LABEL_NOT_HELD;
			else
			{
				/* not a suffix CBS uses: part of the name */
				out->suffix[0] = '\0';
				return;
			}
		}
	}
	/* the name before " (" */
	{
		size_t		blen = (size_t) (open - text);

		while (blen > 0 && is_blank(text[blen - 1]))
			blen--;
		copy_text(out->base, sizeof out->base, text, blen);
	}
}

/* ---- the regions -------------------------------------------------------- */

krimp_region_names *
krimp_region_names_create(void)
{
	krimp_region_names *rn = krimp_alloc(sizeof(krimp_region_names));

	if (rn)
		memset(rn, 0, sizeof *rn);
	return rn;
}

void
krimp_region_names_free(krimp_region_names *rn)
{
	int			i;

	if (!rn)
		return;
	for (i = 0; i < rn->n; i++)
	{
		krimp_free(rn->e[i].key);
		krimp_free(rn->e[i].name);
	}
	krimp_free(rn->e);
	krimp_free(rn);
}

int
krimp_region_names_count(const krimp_region_names *rn)
{
	return rn ? rn->n : 0;
}

/* "YYYY-MM-DD" into YYYYMMDD; NULL or "" is the open end */
static bool
parse_day(const char *s, int32_t *out)
{
	int			y,
				m,
				d;
	char		rest;

	if (!s || !*s)
	{
		*out = OPEN_END;
		return true;
	}
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &rest) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*out = y * 10000 + m * 100 + d;
	return true;
}

static char *
dup_text(const char *s)
{
	size_t		n = strlen(s);
	char	   *p = krimp_alloc(n + 1);

	if (p)
		memcpy(p, s, n + 1);
	return p;
}

bool
krimp_region_names_add(krimp_region_names *rn, const char *code, const char *name,
					   const char *valid_from, const char *valid_to, const char *province,
					   krimp_error *err)
{
	region_entry *e;
	char		key[256];
	size_t		clen = strlen(code);

	/* a group's own row is found by its code, never by its name (Eemsdelta is a municipality too) */
	if (krimp_group_code_valid(code, clen))
		return true;
	if (clen >= sizeof e->code || !krimp_region_level_of(code, clen))
		return krimp_fail(err, KRIMP_ERR_PARAMETER, "invalid CBS region code \"%s\"", code);
	if (rn->n == rn->cap)
	{
		int			cap = rn->cap ? rn->cap * 2 : 256;
		region_entry *p = krimp_alloc((size_t) cap * sizeof(region_entry));

		if (!p)
			return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
		if (rn->n)
			memcpy(p, rn->e, (size_t) rn->n * sizeof(region_entry));
		krimp_free(rn->e);
		rn->e = p;
		rn->cap = cap;
	}
	e = &rn->e[rn->n];
	memset(e, 0, sizeof *e);
	if (!parse_day(valid_from, &e->from) || !valid_from || !*valid_from || !parse_day(valid_to, &e->to))
		return krimp_fail(err, KRIMP_ERR_SYNTAX, "invalid validity \"%s\" to \"%s\" of region %s",
						  valid_from ? valid_from : "", valid_to ? valid_to : "", code);
	krimp_name_key(name, strlen(name), key, sizeof key);
	e->key = dup_text(key);
	e->name = dup_text(name);
	if (!e->key || !e->name)
	{
		krimp_free(e->key);
		krimp_free(e->name);
		return krimp_fail(err, KRIMP_ERR_NOMEM, "out of memory");
	}
	memcpy(e->code, code, clen + 1);
	e->level = krimp_region_level_of(code, clen);
	if (province && strlen(province) < sizeof e->province)
		strcpy(e->province, province);
	rn->n++;
	rn->sorted = false;
	return true;
}

static int
entry_cmp(const void *a, const void *b)
{
	const region_entry *x = a,
			   *y = b;
	int			c = strcmp(x->key, y->key);

	if (c == 0)
		c = strcmp(x->code, y->code);
	if (c == 0)
		c = (x->from > y->from) - (x->from < y->from);
	return c;
}

static void
ensure_sorted(const krimp_region_names *crn)
{
	/* sorting is not a change a caller sees: the same matches either way */
	krimp_region_names *rn = (krimp_region_names *) crn;

	if (!rn->sorted)
	{
		if (rn->n > 1)
			qsort(rn->e, (size_t) rn->n, sizeof(region_entry), entry_cmp);
		rn->sorted = true;
	}
}

/* index of the first entry with this key, or -1 */
static int
first_with_key(const krimp_region_names *rn, const char *key)
{
	int			lo = 0,
				hi = rn->n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (strcmp(rn->e[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rn->n && strcmp(rn->e[lo].key, key) == 0 ? lo : -1;
}

static bool
kind_fits(const region_entry *e, const krimp_region_label *l, bool whole_label)
{
	const char *lv = e->level;

	switch (l->kind)
	{
		case KRIMP_LABEL_ANY:
			return strcmp(lv, "municipality") == 0 || strcmp(lv, "country") == 0;
		case KRIMP_LABEL_PROVINCE:
			return strcmp(lv, "province") == 0;
		case KRIMP_LABEL_LANDSDEEL:
			return strcmp(lv, "landsdeel") == 0;
		case KRIMP_LABEL_COROP:
			return strcmp(lv, "corop") == 0;
		case KRIMP_LABEL_MUNICIPALITY:
			if (strcmp(lv, "municipality") != 0)
				return false;
			/* the province an abbreviation names, where the warehouse knows it */
			return whole_label || !l->province[0] || !e->province[0] || strcmp(e->province, l->province) == 0;
		case KRIMP_LABEL_NOT_HELD:
			return false;
	}
	return false;
}

/* "2002-", "2002-2004": the years of a version, for messages */
static void
years_text(const region_entry *e, char *buf, size_t size)
{
	if (e->to >= OPEN_END)
		snprintf(buf, size, "%d-", (int) (e->from / 10000));
	else
	{
		int32_t		last = e->to % 10000 == 101 ? e->to / 10000 - 1 : e->to / 10000;

		snprintf(buf, size, "%d-%d", (int) (e->from / 10000), (int) last);
	}
}

/* append printf text to a reason, cut short at its size */
static void
append(char *buf, size_t size, const char *fmt, const char *a, const char *b, const char *c)
{
	size_t		n = strlen(buf);

	if (n + 1 < size)
		snprintf(buf + n, size - n, fmt, a, b, c);
}

/* Levenshtein distance of two keys, capped at cap + 1 */
static int
distance(const char *a, const char *b, int cap)
{
	int			la = (int) strlen(a),
				lb = (int) strlen(b);
	int			row[128];
	int			i,
				j;

	if (la > 127 || lb > 127)
		return cap + 1;
	if (la - lb > cap || lb - la > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++)
	{
		int			diag = row[0];
		int			best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++)
		{
			int			up = row[j];
			int			v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

/* the most similar names of a kind that fits: "A (GM0001), B (GM0002)" */
static void
similar_names(const krimp_region_names *rn, const krimp_region_label *l, const char *key, char *buf, size_t size)
{
	enum
	{
		MAXC = 5
	};
	int			best[MAXC];
	int			dist[MAXC];
	int			nbest = 0;
	int			cap = (int) strlen(key) / 4 + 1;
	size_t		klen = strlen(key);
	int			i,
				k;

	if (cap > 3)
		cap = 3;
	for (i = 0; i < rn->n; i++)
	{
		const region_entry *e = &rn->e[i];
		int			d;
		bool		dup = false;

		if (!kind_fits(e, l, true))
			continue;
		/* a name that begins with the other ("Bergen" and "Bergen (NH.)") first, then the nearest */
		if (klen >= 4 && (strncmp(e->key, key, klen) == 0 || strncmp(key, e->key, strlen(e->key)) == 0))
			d = 0;
		else if ((d = distance(key, e->key, cap)) > cap)
			continue;
		else
			d++;
		for (k = 0; k < nbest; k++)
			if (strcmp(rn->e[best[k]].code, e->code) == 0 && strcmp(rn->e[best[k]].name, e->name) == 0)
				dup = true;
		if (dup)
			continue;
		/* keep the MAXC nearest, in order of distance, then name */
		if (nbest == MAXC && (dist[MAXC - 1] < d ||
							  (dist[MAXC - 1] == d && strcmp(rn->e[best[MAXC - 1]].name, e->name) <= 0)))
			continue;
		for (k = nbest < MAXC ? nbest : MAXC - 1;
			 k > 0 && (dist[k - 1] > d || (dist[k - 1] == d && strcmp(rn->e[best[k - 1]].name, e->name) > 0)); k--)
		{
			best[k] = best[k - 1];
			dist[k] = dist[k - 1];
		}
		best[k] = i;
		dist[k] = d;
		if (nbest < MAXC)
			nbest++;
	}
	buf[0] = '\0';
	for (k = 0; k < nbest; k++)
	{
		char		years[24];

		years_text(&rn->e[best[k]], years, sizeof years);
		append(buf, size, "%s\"%s\" (%s", k ? ", " : "", rn->e[best[k]].name, rn->e[best[k]].code);
		append(buf, size, " %s)%s%s", years, "", "");
	}
}

static const char *
kind_words(const krimp_region_label *l)
{
	switch (l->kind)
	{
		case KRIMP_LABEL_PROVINCE:
			return "province ";
		case KRIMP_LABEL_LANDSDEEL:
			return "landsdeel ";
		case KRIMP_LABEL_COROP:
			return "COROP area ";
		case KRIMP_LABEL_MUNICIPALITY:
			return "municipality ";
		default:
			return "";
	}
}

/*
 * The candidates of one key: the first index into *from and the count into
 * *count, with those of a kind that fits marked in fits[] (at most 64).
 */
static int
candidates(const krimp_region_names *rn, const krimp_region_label *l, const char *key, bool whole,
		   int *idx, int max)
{
	int			i = first_with_key(rn, key);
	int			n = 0;

	if (i < 0)
		return 0;
	for (; i < rn->n && strcmp(rn->e[i].key, key) == 0; i++)
		if (kind_fits(&rn->e[i], l, whole) && n < max)
			idx[n++] = i;
	return n;
}

krimp_match_result
krimp_region_names_match(const krimp_region_names *rn, const char *label, size_t len,
						 int32_t first_day, int32_t last_day, krimp_region_match *out)
{
	krimp_region_label l;
	char		key[256];
	int			idx[64];
	int			n = 0;
	int			in_period[64];
	int			np = 0;
	int			i,
				j;
	int			ncodes;

	memset(out, 0, sizeof *out);
	ensure_sorted(rn);
	krimp_region_label_parse(label, len, &l);
	if (l.kind == KRIMP_LABEL_NOT_HELD)
	{
		out->result = KRIMP_MATCH_NOT_HELD;
		snprintf(out->reason, sizeof out->reason, "area type (%s) has no regions in the warehouse", l.suffix);
		return out->result;
	}
	/* the whole label first ("Bergen (NH.)" may be the name), then its name */
	if (l.suffix[0])
	{
		krimp_name_key(label, len, key, sizeof key);
		n = candidates(rn, &l, key, true, idx, 64);
	}
	if (n == 0)
	{
		krimp_name_key(l.base, strlen(l.base), key, sizeof key);
		if (l.kind == KRIMP_LABEL_PROVINCE && strcmp(key, "friesland") == 0)
			strcpy(key, "fryslan");
		n = candidates(rn, &l, key, false, idx, 64);
	}
	if (n == 0)
	{
		char		similar[KRIMP_LABEL_REASON_LEN - 128];

		out->result = KRIMP_MATCH_UNKNOWN;
		similar_names(rn, &l, key, similar, sizeof similar);
		if (similar[0])
			snprintf(out->reason, sizeof out->reason, "unknown %sregion name \"%.*s\"; similar names: %s",
					 kind_words(&l), (int) (len > 100 ? 100 : len), label, similar);
		else
			snprintf(out->reason, sizeof out->reason, "unknown %sregion name \"%.*s\"; no similar name in the warehouse",
					 kind_words(&l), (int) (len > 100 ? 100 : len), label);
		return out->result;
	}
	for (i = 0; i < n; i++)
	{
		const region_entry *e = &rn->e[idx[i]];

		if (e->from <= last_day && e->to > first_day)
		{
			bool		seen = false;

			for (j = 0; j < np; j++)
				if (strcmp(rn->e[in_period[j]].code, e->code) == 0)
					seen = true;
			if (!seen)
				in_period[np++] = idx[i];
		}
	}
	if (np == 1)
	{
		out->result = KRIMP_MATCH_FOUND;
		strcpy(out->code, rn->e[in_period[0]].code);
		return out->result;
	}
	/* none in the period: the name's one code, if it has one */
	ncodes = 0;
	for (i = 0; i < n; i++)
	{
		bool		seen = false;

		for (j = 0; j < i; j++)
			if (strcmp(rn->e[idx[j]].code, rn->e[idx[i]].code) == 0)
				seen = true;
		if (!seen)
			ncodes++;
	}
	if (np == 0 && ncodes == 1)
	{
		out->result = KRIMP_MATCH_FOUND;
		strcpy(out->code, rn->e[idx[0]].code);
		return out->result;
	}
	out->result = KRIMP_MATCH_AMBIGUOUS;
	{
		char		yr[16];
		int			shown = 0;
		const int  *list = np ? in_period : idx;
		int			nlist = np ? np : n;

		snprintf(yr, sizeof yr, "%d", (int) (first_day / 10000));
		snprintf(out->reason, sizeof out->reason, "ambiguous %sregion name \"%.*s\": %d regions of that name%s%s; candidates: ",
				 kind_words(&l), (int) (len > 100 ? 100 : len), label, np ? np : ncodes,
				 np ? " in " : "", np ? yr : " (none in the period)");
		for (i = 0; i < nlist; i++)
		{
			char		years[24];

			years_text(&rn->e[list[i]], years, sizeof years);
			append(out->reason, sizeof out->reason, "%s%s \"%s\"", shown++ ? ", " : "", rn->e[list[i]].code,
				   rn->e[list[i]].name);
			append(out->reason, sizeof out->reason, " %s%s%s", years, "", "");
		}
		append(out->reason, sizeof out->reason, "%s%s%s", "; use the code column or CBS's suffix, such as (NH.)", "", "");
	}
	return out->result;
}

/* ---- codes given as numbers --------------------------------------------- */

bool
krimp_region_code_from_number(const char *number, const char *type, bool is_country, char *out, size_t size)
{
	long		v = 0;
	int			digits = 0;
	const char *p = number;
	char		prefix[3];
	int			width;

	while (is_blank(*p))
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
	{
		v = v * 10 + (*p - '0');
		if (++digits > 8)
			return false;
	}
	if (digits == 0)
		return false;
	if (*p == '.')
	{
		for (p++; *p == '0'; p++)
			;
	}
	while (is_blank(*p))
		p++;
	if (*p)
		return false;
	if (type && *type)
	{
		while (is_blank(*type))
			type++;
		if (!type[0] || !type[1])
			return false;
		prefix[0] = (char) (type[0] >= 'a' && type[0] <= 'z' ? type[0] - 32 : type[0]);
		prefix[1] = (char) (type[1] >= 'a' && type[1] <= 'z' ? type[1] - 32 : type[1]);
	}
	else
	{
		prefix[0] = is_country ? 'N' : 'G';
		prefix[1] = is_country ? 'L' : 'M';
	}
	prefix[2] = '\0';
	width = strcmp(prefix, "GM") == 0 ? 4 : 2;
	if (size < 16 || (width == 2 && v > 99) || v > 9999)
		return false;
	snprintf(out, size, "%s%0*ld", prefix, width, v);
	return krimp_region_level_of(out, strlen(out)) != NULL;
}

/* ---- period labels ------------------------------------------------------- */

static const char *const month_names[] = {
	"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
	"oktober", "november", "december"
};

bool
krimp_period_label(const char *text, char *out, size_t size, const char **status)
{
	char		t[64];
	size_t		n;
	int			y,
				y2,
				k;
	char		word[32];
	int			pos;
	int			stars = 0;

	*status = NULL;
	while (is_blank(*text))
		text++;
	n = strlen(text);
	while (n > 0 && is_blank(text[n - 1]))
		n--;
	if (n == 0 || n >= sizeof t || size < 16)
		return false;
	memcpy(t, text, n);
	t[n] = '\0';
	while (n > 0 && t[n - 1] == '*')
	{
		t[--n] = '\0';
		stars++;
	}
	while (n > 0 && is_blank(t[n - 1]))
		t[--n] = '\0';
	if (stars > 2)
		return false;

	pos = -1;
	if (n == 4 && sscanf(t, "%4d%n", &y, &pos) == 1 && pos == 4)
		snprintf(out, size, "%04d", y);
	else if ((pos = -1, sscanf(t, "%4d tot %4d%n", &y, &y2, &pos) == 2) && pos == (int) n && y2 > y + 1)
		snprintf(out, size, "%04d/%04d", y, y2 - 1);
	else if ((pos = -1, sscanf(t, "%4d %1de kwartaal%n", &y, &k, &pos) == 2) && pos == (int) n && k >= 1 && k <= 4)
		snprintf(out, size, "%04d-Q%d", y, k);
	else if ((pos = -1, sscanf(t, "%4d %1de halfjaar%n", &y, &k, &pos) == 2) && pos == (int) n && k >= 1 && k <= 2)
		snprintf(out, size, "%04d-H%d", y, k);
	else if ((pos = -1, sscanf(t, "%4d %31[a-z]%n", &y, word, &pos) == 2) && pos == (int) n)
	{
		int			m = -1;

		for (k = 0; k < 12; k++)
			if (strcmp(word, month_names[k]) == 0)
				m = k + 1;
		if (m < 0)
			return false;
		snprintf(out, size, "%04d-%02d", y, m);
	}
	else if (stars && n > 0)
		snprintf(out, size, "%s", t);	/* 2008JJ00*: the code, with its marker */
	else
		return false;
	if (stars)
		*status = stars == 1 ? "voorlopig" : "nader voorlopig";
	return true;
}
