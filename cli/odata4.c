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
v4_fail(input_state *in, json_record *rec, const char *what, const char *arg)
{
	return input_fail(in, "record %lld (line %lld, byte %lld): %s%s%s%s", rec->number, rec->start_line, rec->start_byte, what,
					  arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
}

static bool
v4_record(input_state *in, json_record *rec)
{
	const input_options *o = in->opts;
	json_field *measure = json_record_get(rec, "Measure");
	json_field *attr = json_record_get(rec, "ValueAttribute");
	json_field *value = json_record_get(rec, "Value");
	json_field *region,
			   *period,
			   *status = NULL;
	input_row	row = {0};	/* every field, decimal_comma too (JSON numbers use a point) */
	bool		failed = false;

	if (!measure || !measure->val)
		return v4_fail(in, rec, "no \"Measure\": not an OData v4 observation (try --format odata3)", NULL);
	if (!in->measure_used[0])
		snprintf(in->measure_used, sizeof in->measure_used, "%s", o->measure ? o->measure : measure->val);
	if (strcmp(measure->val, in->measure_used) != 0)
	{
		if (!o->measure)
			return v4_fail(in, rec, "the file holds more than one measure: choose one with --measure; found",
						   measure->val);
		in->skipped++;
		return true;
	}
	if (o->filters && input_filtered_out(in, json_record_text, rec, &failed))
	{
		in->skipped++;
		return !failed;
	}
	if (failed)
		return false;

	region = json_record_get(rec, o->region_key);
	period = json_record_get(rec, o->period_key);
	if (o->status_key)
		status = json_record_get(rec, o->status_key);
	if (!region || !region->val)
		return v4_fail(in, rec, "no region code in the field", o->region_key);
	if (!period || !period->val)
		return v4_fail(in, rec, "no period code in the field", o->period_key);
	if (!value)
		return v4_fail(in, rec, "no \"Value\"", NULL);

	row.line_number = rec->number;
	row.region = region->val;
	row.period = period->val;
	row.value = value->val;
	row.value_is_number = value->is_number;
	row.status = status ? status->val : NULL;
	if (attr && attr->val && strcmp(attr->val, "None") != 0)
	{
		/* Impossible, Confidential, NotAvailable, ...: CBS's "." */
		row.value = NULL;
		row.value_is_number = false;
	}
	if (!in->sink(in, &row))
	{
		input_prefix(in, "record %lld (line %lld, byte %lld): ", rec->number, rec->start_line, rec->start_byte);
		return false;
	}
	in->records++;
	return true;
}

static bool
v4_open(input_state *in)
{
	return json_stream_open(in, v4_record);
}

const input_reader odata4_reader = {
	"OData v4 JSON", v4_open, json_stream_feed, json_stream_finish, json_stream_close
};
