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
 *	  Only the rows of one Measure are loaded (--measure; may be left out
 *	  when the file holds one).  ValueAttribute "None" is a figure; any other
 *	  ("Impossible", "Confidential", "NotAvailable", ...) is CBS's "." and is
 *	  loaded as status unknown without a value, as is a null Value.
 */
#include <stdio.h>
#include <string.h>

#include "input.h"

static bool
v4_record(input_state *in, json_record *rec)
{
	const input_options *o = in->opts;
	json_field *measure = json_record_get(rec, "Measure");
	json_field *attr = json_record_get(rec, "ValueAttribute");
	json_field *value = json_record_get(rec, "Value");

	if (!measure || !measure->val)
		return json_record_fail(in, rec, "no \"Measure\": not an OData v4 observation (try --format odata3)", NULL);
	if (!in->measure_used[0])
		snprintf(in->measure_used, sizeof in->measure_used, "%s", o->measure ? o->measure : measure->val);
	if (strcmp(measure->val, in->measure_used) != 0)
	{
		if (!o->measure)
			return json_record_fail(in, rec, "the file holds more than one measure: choose one with --measure; found",
						   measure->val);
		in->skipped++;
		return true;
	}
	/* a ValueAttribute other than None (Impossible, Confidential, NotAvailable, ...) is CBS's "." */
	return json_record_row(in, rec, "no \"Value\"", NULL,
						   value, attr && attr->val && strcmp(attr->val, "None") != 0);
}

static bool
v4_open(input_state *in)
{
	return json_stream_open(in, v4_record);
}

const input_reader odata4_reader = {
	"OData v4 JSON", v4_open, json_stream_feed, json_stream_finish, json_stream_close
};
