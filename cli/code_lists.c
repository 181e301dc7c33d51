/*
 * code_lists.c
 *	  The files that come with a CBS OData v4 table beside its observations:
 *	  measure-codes.json (each measure's Identifier, Title and Unit),
 *	  dimensions.json and codes-<dimension>.json (each code's Identifier and
 *	  Title), all of the shape {"value": [{...}, ...]}.  Small files, read
 *	  whole with yajl's tree parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "input.h"

char *
sibling_path(const char *file, const char *name)
{
	const char *slash = strrchr(file, '/');
	size_t		dir = slash ? (size_t) (slash - file + 1) : 0;
	char	   *p = malloc(dir + strlen(name) + 1);

	if (!p)
		return NULL;
	memcpy(p, file, dir);
	strcpy(p + dir, name);
	return p;
}

static char *
text_of(yajl_val obj, const char *key)
{
	const char *path[2] = {key, NULL};
	yajl_val	v = yajl_tree_get(obj, path, yajl_t_string);
	const char *t = v ? YAJL_GET_STRING(v) : NULL;

	return t ? strdup(t) : NULL;
}

int
code_list_read(const char *path, code_list *out, char *err, size_t errlen)
{
	FILE	   *f;
	char	   *buf = NULL;
	size_t		len = 0,
				cap = 0;
	yajl_val	doc,
				arr;
	const char *vpath[2] = {"value", NULL};
	char		perr[256];

	memset(out, 0, sizeof *out);
	f = fopen(path, "rb");
	if (!f)
	{
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
		return -1;
	}
	for (;;)
	{
		size_t		got;

		if (len + 65536 + 1 > cap)
		{
			char	   *p = realloc(buf, cap = (len + 65536 + 1) * 2);

			if (!p)
			{
				free(buf);
				fclose(f);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			buf = p;
		}
		got = fread(buf + len, 1, 65536, f);
		len += got;
		if (got < 65536)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	doc = yajl_tree_parse(len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? buf + 3 : buf, perr, sizeof perr);
	free(buf);
	if (!doc)
	{
		for (char *c = perr; *c; c++)
			if (*c == '\n')
				*c = ' ';
		snprintf(err, errlen, "\"%s\" is not valid JSON: %s", path, perr);
		return -1;
	}
	arr = yajl_tree_get(doc, vpath, yajl_t_array);
	if (!arr)
	{
		yajl_tree_free(doc);
		snprintf(err, errlen, "\"%s\" has no \"value\" array of codes", path);
		return -1;
	}
	out->e = calloc(YAJL_GET_ARRAY(arr)->len + 1, sizeof(code_entry));
	if (!out->e)
	{
		yajl_tree_free(doc);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < YAJL_GET_ARRAY(arr)->len; i++)
	{
		yajl_val	o = YAJL_GET_ARRAY(arr)->values[i];
		code_entry *e = &out->e[out->n];

		if (!YAJL_IS_OBJECT(o) || !(e->id = text_of(o, "Identifier")))
			continue;
		e->title = text_of(o, "Title");
		e->unit = text_of(o, "Unit");
		/* a trailing blank in a title ("Gemiddelde bevolking ") is no part of it */
		if (e->title)
			for (size_t n = strlen(e->title); n > 0 && e->title[n - 1] == ' ';)
				e->title[--n] = '\0';
		out->n++;
	}
	yajl_tree_free(doc);
	return 1;
}

void
code_list_free(code_list *l)
{
	for (int i = 0; i < l->n; i++)
	{
		free(l->e[i].id);
		free(l->e[i].title);
		free(l->e[i].unit);
	}
	free(l->e);
	memset(l, 0, sizeof *l);
}

const code_entry *
code_list_find(const code_list *l, const char *id)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->e[i].id, id) == 0)
			return &l->e[i];
	return NULL;
}
