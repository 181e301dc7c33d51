/*
 * odata3.c
 *	  CBS OData v3 JSON (opendata.cbs.nl/ODataApi, TypedDataSet): one object
 *	  per region and period, the measures as columns:
 *
 *	    {"value": [{"ID": 0, "RegioS": "GM0010", "Perioden": "2002JJ00",
 *	                "BevolkingAanHetBeginVanDePeriode_1": 29018}, ...]}
 *
 *	  CBS's own dumps (like data/cbs/) key the objects by ID instead of
 *	  listing them, and start with a byte order mark; codes may be padded
 *	  ("PV20  ").  null is CBS's "." (unknown, secret, or no such region
 *	  that year): loaded as status unknown.  Measure columns end in _<n>;
 *	  --measure names one (or, repeated, several: each record gives a row
 *	  of each), and may be left out when there is only one.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "input.h"

static bool
is_measure_key(const char *k)
{
	const char *u = strrchr(k, '_');

	if (!u || u == k || !u[1])
		return false;
	for (u++; *u; u++)
		if (!isdigit((unsigned char) *u))
			return false;
	return true;
}

static bool
v3_record(input_state *in, json_record *rec)
{
	const char *specs[INPUT_MAX_MEASURES];
	int			nspecs = input_measure_specs(in->opts, specs);

	if (!in->measure_used[0])
	{
		/* the first record decides the measures */
		if (nspecs > 0)
		{
			for (int m = 0; m < nspecs; m++)
			{
				if (!json_record_get(rec, specs[m]))
				{
					char		list[512] = "";

					for (int i = 0; i < rec->nfields; i++)
						if (is_measure_key(rec->fields[i].key) && strlen(list) + strlen(rec->fields[i].key) + 3 < sizeof list)
							strcat(strcat(list, list[0] ? ", " : ""), rec->fields[i].key);
					in->measure_used[0] = '\0';
					return input_fail(in, "record 1: no measure \"%s\" in the file; its measures are: %s",
									  specs[m], list[0] ? list : "(none)");
				}
				snprintf(in->measure_key[m], sizeof in->measure_key[m], "%s", specs[m]);
				in->measure_title[m][0] = '\0';
			}
			in->nmeasures = nspecs;
			snprintf(in->measure_used, sizeof in->measure_used, "%s", specs[0]);
		}
		else
		{
			int			found = 0;
			char		list[512] = "";

			for (int i = 0; i < rec->nfields; i++)
				if (is_measure_key(rec->fields[i].key))
				{
					if (found++ == 0)
						snprintf(in->measure_used, sizeof in->measure_used, "%s", rec->fields[i].key);
					if (strlen(list) + strlen(rec->fields[i].key) + 3 < sizeof list)
						strcat(strcat(list, list[0] ? ", " : ""), rec->fields[i].key);
				}
			if (found != 1)
			{
				in->measure_used[0] = '\0';
				return input_fail(in, found ? "the file has %d measures (%s): choose one with --measure"
								  : "the file has %d measures%s: name one with --measure",
								  found, list);
			}
			snprintf(in->measure_key[0], sizeof in->measure_key[0], "%.127s", in->measure_used);
			in->nmeasures = 1;
		}
	}

	for (int m = 0; m < in->nmeasures; m++)
		if (!json_record_row(in, rec, "no value for the measure", in->measure_key[m],
							 json_record_get(rec, in->measure_key[m]), false, m, -1))
			return false;
	return true;
}

static bool
v3_open(input_state *in)
{
	return json_stream_open(in, v3_record);
}

const input_reader odata3_reader = {
	"OData v3 JSON", v3_open, json_stream_feed, json_stream_finish, json_stream_close
};
