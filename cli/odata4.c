/*
 * odata4.c
 *	  CBS OData v4 (datasets.cbs.nl/odata/v1/CBS/<table>/Observations): long
 *	  format, one object per measure, region and period:
 *
 *	    {"@odata.context": "...", "value": [{"Id": 0, "Measure": "M000352",
 *	     "ValueAttribute": "None", "Value": 29018.0, "StringValue": null,
 *	     "RegioS": "GM0010", "Perioden": "2002JJ00"}, ...],
 *	     "@odata.nextLink": "..."}
 *
 *	  The rows of the measures asked for are loaded (--measure, once or
 *	  repeated; may be left out when the file holds one), each by its key
 *	  (M001534) or, with the table's measure-codes.json in the same folder,
 *	  by its title ("Gemiddelde verkoopprijs", or with its unit
 *	  "Gemiddelde verkoopprijs (euro)").  ValueAttribute:
 *	    None        a figure (a null Value: status unknown)
 *	    Impossible  no figure can exist (a municipality merged away, a
 *	                period the measure does not cover): skipped, counted
 *	    any other   (Missing, Confidential, NotAvailable, ...) CBS's ".", a
 *	                figure not known or not published: status unknown
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

/* the index of a Measure code among those loaded, or -1 */
static int
measure_index(input_state *in, const char *code)
{
	for (int i = 0; i < in->nmeasures; i++)
		if (strcmp(in->measure_key[i], code) == 0)
			return i;
	return -1;
}

static void
set_measure(input_state *in, int i, const char *key)
{
	const code_entry *c = code_list_find(&in->measure_codes, key);

	snprintf(in->measure_key[i], sizeof in->measure_key[i], "%s", key);
	snprintf(in->measure_title[i], sizeof in->measure_title[i], "%s", c && c->title ? c->title : "");
	if (i == 0)
		snprintf(in->measure_used, sizeof in->measure_used, "%s", key);
}

/* "M001534 \"Gemiddelde verkoopprijs\" (euro), ...": the measures of the code list */
static void
list_measures(const code_list *l, const int *only, int nonly, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int k = 0; k < (only ? nonly : l->n); k++)
	{
		const code_entry *c = &l->e[only ? only[k] : k];
		size_t		n = strlen(buf);

		if (n + 8 < size)
			snprintf(buf + n, size - n, "%s%s \"%s\"%s%s%s", k ? ", " : "", c->id, c->title ? c->title : "",
					 c->unit && *c->unit ? " (" : "", c->unit ? c->unit : "", c->unit && *c->unit ? ")" : "");
	}
}

/* --measure by key or title, against measure-codes.json where there is one */
static bool
resolve_measures(input_state *in)
{
	const char *specs[INPUT_MAX_MEASURES];
	int			n = input_measure_specs(in->opts, specs);
	char		err[512];

	if (in->file_name && strcmp(in->file_name, "-") != 0)
	{
		char	   *path = sibling_path(in->file_name, "measure-codes.json");

		if (!path)
			return input_fail(in, "out of memory");
		if (code_list_read(path, &in->measure_codes, err, sizeof err) < 0)
		{
			free(path);
			return input_fail(in, "%s", err);
		}
		free(path);
	}
	for (int i = 0; i < n; i++)
	{
		int			found[INPUT_MAX_MEASURES];
		int			nfound = 0;
		const code_list *l = &in->measure_codes;
		char		list[1024];

		if (l->n == 0)
		{
			/* no code list: a key, as written */
			set_measure(in, i, specs[i]);
			continue;
		}
		for (int k = 0; k < l->n && nfound < INPUT_MAX_MEASURES; k++)
			if (strcmp(l->e[k].id, specs[i]) == 0)
			{
				found[0] = k;
				nfound = 1;
				break;
			}
		if (nfound == 0)
			for (int k = 0; k < l->n && nfound < INPUT_MAX_MEASURES; k++)
				if (input_measure_matches(specs[i], l->e[k].id, l->e[k].title, l->e[k].unit))
					found[nfound++] = k;
		if (nfound == 0)
		{
			list_measures(l, NULL, 0, list, sizeof list);
			return input_fail(in, "no measure \"%s\" in measure-codes.json; the table's measures are: %s",
							  specs[i], list);
		}
		if (nfound > 1)
		{
			list_measures(l, found, nfound, list, sizeof list);
			return input_fail(in, "the measure title \"%s\" is ambiguous: %d measures have it (%s); "
							  "give the key with --measure", specs[i], nfound, list);
		}
		set_measure(in, i, l->e[found[0]].id);
		for (int j = 0; j < i; j++)
			if (strcmp(in->measure_key[j], in->measure_key[i]) == 0)
				return input_fail(in, "the measure %s is given twice (--measure \"%s\" and \"%s\")",
								  in->measure_key[i], specs[j], specs[i]);
	}
	in->nmeasures = n;
	return true;
}

static bool
v4_record(input_state *in, json_record *rec)
{
	json_field *measure = json_record_get(rec, "Measure");
	json_field *attr = json_record_get(rec, "ValueAttribute");
	json_field *value = json_record_get(rec, "Value");
	bool		automatic = !in->opts->measure && in->opts->nmeasures == 0;
	int			m;

	if (!measure || !measure->val)
		return json_record_fail(in, rec, "no \"Measure\": not an OData v4 observation (try --format odata3)", NULL);
	if (in->nmeasures == 0)
	{
		/* no --measure: the first record's, which must be the only one */
		set_measure(in, 0, measure->val);
		in->nmeasures = 1;
	}
	m = measure_index(in, measure->val);
	if (m < 0)
	{
		if (automatic)
			return json_record_fail(in, rec, "the file holds more than one measure: choose one with --measure; found",
									measure->val);
		input_skip(in, SKIP_OTHER_MEASURE);
		return true;
	}
	if (attr && attr->val && strcmp(attr->val, "Impossible") == 0)
		return json_record_row(in, rec, "no \"Value\"", NULL, value, true, m, SKIP_IMPOSSIBLE);
	/* any other ValueAttribute than None (Missing, Confidential, NotAvailable, ...) is CBS's "." */
	return json_record_row(in, rec, "no \"Value\"", NULL,
						   value, attr && attr->val && strcmp(attr->val, "None") != 0, m, -1);
}

static bool
v4_open(input_state *in)
{
	if (!json_stream_open(in, v4_record))
		return false;
	return resolve_measures(in);
}

static void
v4_close(input_state *in)
{
	json_stream_close(in);
	code_list_free(&in->measure_codes);
}

const input_reader odata4_reader = {
	"OData v4 JSON", v4_open, json_stream_feed, json_stream_finish, v4_close
};
