/*
 * evaluate.c
 *	  fmgr layer of the target evaluation: krimp.assess(series, path, ...)
 *	  turns a series and a target's path into the C core's positions (steps
 *	  since the baseline period), runs krimp_target_evaluate and returns a
 *	  krimp.target_assessment.  The rule lives in core/evaluate.c; see
 *	  docs/targets.md.
 */
#include "krimp.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

/* server headers that trip -Wunused-parameter */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/htup_details.h"
#include "funcapi.h"
#pragma GCC diagnostic pop

#include "core/evaluate.h"
#include "series.h"

#define ASSESSMENT_NATTS 19

/* Steps of p's granularity from base to p (error if the granularities differ). */
static double
steps_from(krimp_period base, krimp_period p)
{
	int32		d;
	krimp_error err;

	if (!krimp_period_diff(p, base, &d, &err))
		krimp_report_error(&err);
	return (double) d;
}

static krimp_period
period_plus(krimp_period base, double steps)
{
	krimp_period out;
	krimp_error err;

	if (!krimp_period_add(base, (int64_t) llround(steps), &out, &err))
		krimp_report_error(&err);
	return out;
}

static void
require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s of a target must not be null", name)));
}

static Datum
float_or_null(double v, bool *isnull)
{
	*isnull = krimp_is_missing(v);
	return Float8GetDatum(*isnull ? 0.0 : v);
}

PG_FUNCTION_INFO_V1(krimp_assess);
/*
 * krimp.assess(s krimp.series, path text, baseline_period, baseline_value,
 *              horizon_period, horizon_value, sense integer,
 *              milestone_periods krimp.period[], milestone_values float8[],
 *              window_years float8, min_points integer,
 *              path_tolerance float8, tolerance float8)
 */
Datum
krimp_assess(PG_FUNCTION_ARGS)
{
	krimp_series *s = PG_ARGISNULL(0) ? NULL : PG_GETARG_SERIES_P(0);
	text	   *path_text;
	krimp_period base,
				hor;
	double		base_v,
				hor_v;
	int32		nms = 0;
	double	   *kx,
			   *kv,
			   *ox = NULL,
			   *oy = NULL;
	int32		nobs = 0;
	krimp_target_path path;
	krimp_eval_params prm;
	krimp_eval_result r;
	krimp_error err;
	double		spy;
	TupleDesc	desc;
	Datum		values[ASSESSMENT_NATTS];
	bool		nulls[ASSESSMENT_NATTS];
	char	   *kind;

	require_arg(fcinfo, 1, "the path");
	require_arg(fcinfo, 2, "the baseline period");
	require_arg(fcinfo, 3, "the baseline value");
	require_arg(fcinfo, 4, "the horizon period");
	require_arg(fcinfo, 5, "the horizon value");
	require_arg(fcinfo, 6, "the sense");
	for (int a = 9; a <= 12; a++)
		require_arg(fcinfo, a, "a parameter of the rule");

	path_text = PG_GETARG_TEXT_PP(1);
	base = PG_GETARG_PERIOD(2);
	base_v = PG_GETARG_FLOAT8(3);
	hor = PG_GETARG_PERIOD(4);
	hor_v = PG_GETARG_FLOAT8(5);

	kind = text_to_cstring(path_text);
	if (strcmp(kind, "linear") == 0)
		path.kind = KRIMP_PATH_LINEAR;
	else if (strcmp(kind, "growth") == 0)
		path.kind = KRIMP_PATH_GROWTH;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown path \"%s\"", kind),
				 errhint("A path is \"linear\" (equal steps) or \"growth\" (a constant growth rate).")));

	/* milestones: two arrays of equal length, or both null */
	if (PG_ARGISNULL(7) != PG_ARGISNULL(8))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("milestone periods and values must both be given or both be null")));
	if (!PG_ARGISNULL(7))
	{
		ArrayType  *mp = PG_GETARG_ARRAYTYPE_P(7);
		ArrayType  *mv = PG_GETARG_ARRAYTYPE_P(8);
		Datum	   *pd,
				   *vd;
		bool	   *pn,
				   *vn;
		int			np,
					nv;

		if (ARR_NDIM(mp) > 1 || ARR_NDIM(mv) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("milestone periods and values must be one-dimensional arrays")));
		/* krimp.period is an int4 passed by value */
		deconstruct_array(mp, ARR_ELEMTYPE(mp), 4, true, TYPALIGN_INT, &pd, &pn, &np);
		deconstruct_array(mv, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &vd, &vn, &nv);
		if (np != nv)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("milestones need one value for every period"),
					 errdetail("%d period(s), %d value(s).", np, nv)));
		nms = np;
		kx = palloc(sizeof(double) * (nms + 2));
		kv = palloc(sizeof(double) * (nms + 2));
		for (int32 i = 0; i < nms; i++)
		{
			if (pn[i] || vn[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("milestones must not contain nulls")));
			kx[i + 1] = steps_from(base, DatumGetPeriod(pd[i]));
			kv[i + 1] = DatumGetFloat8(vd[i]);
		}
	}
	else
	{
		kx = palloc(sizeof(double) * 2);
		kv = palloc(sizeof(double) * 2);
	}
	kx[0] = 0;
	kv[0] = base_v;
	kx[nms + 1] = steps_from(base, hor);
	kv[nms + 1] = hor_v;
	path.n = nms + 2;
	path.x = kx;
	path.v = kv;

	spy = 12.0 / krimp_period_months(base);
	prm.sense = PG_GETARG_INT32(6);
	prm.window = PG_GETARG_FLOAT8(9) * spy;
	prm.min_points = PG_GETARG_INT32(10);
	prm.rate_steps = fmax(1.0, round(5.0 * spy));
	prm.proposal_steps = prm.rate_steps;
	prm.steps_per_year = spy;
	prm.path_tolerance = PG_GETARG_FLOAT8(11);
	prm.tolerance = PG_GETARG_FLOAT8(12);

	if (s != NULL && s->count > 0)
	{
		double		x0 = steps_from(base, s->start);

		nobs = s->count;
		ox = palloc(sizeof(double) * nobs);
		oy = s->values;
		for (int32 i = 0; i < nobs; i++)
			ox[i] = x0 + i;
	}
	if (!krimp_target_evaluate(&path, ox, oy, nobs, &prm, &r, &err))
		krimp_report_error(&err);

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning a record called in a context that cannot accept one")));
	desc = BlessTupleDesc(desc);
	memset(nulls, 0, sizeof(nulls));
	values[0] = CStringGetTextDatum(krimp_light_name(r.light));
	values[1] = Int32GetDatum(r.observed);
	nulls[2] = krimp_is_missing(r.latest_x);
	values[2] = nulls[2] ? (Datum) 0 : PeriodGetDatum(period_plus(base, r.latest_x));
	values[3] = float_or_null(r.latest_value, &nulls[3]);
	values[4] = float_or_null(r.expected, &nulls[4]);
	values[5] = float_or_null(r.gap, &nulls[5]);
	values[6] = float_or_null(r.progress, &nulls[6]);
	values[7] = float_or_null(r.expected_progress, &nulls[7]);
	values[8] = Int32GetDatum(r.trend_points);
	values[9] = float_or_null(r.trend_slope, &nulls[9]);
	values[10] = float_or_null(r.projected, &nulls[10]);
	values[11] = float_or_null(r.projected_low, &nulls[11]);
	values[12] = float_or_null(r.projected_high, &nulls[12]);
	values[13] = float_or_null(r.best_rate, &nulls[13]);
	values[14] = float_or_null(r.reachable, &nulls[14]);
	values[15] = float_or_null(r.alternative_horizon, &nulls[15]);
	nulls[16] = krimp_is_missing(r.proposal_x);
	values[16] = nulls[16] ? (Datum) 0 : PeriodGetDatum(period_plus(base, r.proposal_x));
	values[17] = float_or_null(r.proposal_value, &nulls[17]);
	values[18] = float_or_null(r.proposal_rate, &nulls[18]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
