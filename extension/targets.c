/*
 * targets.c
 *	  fmgr layer of the target evaluation: krimp.assess(series, path, ...)
 *	  turns a series and a target's path into the C core's positions (steps
 *	  since the baseline period), runs krimp_target_evaluate and returns a
 *	  krimp.target_assessment.  The rule lives in core/targets.c; see
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

#include "core/targets.h"
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

/* The row of krimp.target_assessment for an evaluation (positions from base). */
static Datum
assessment_tuple(FunctionCallInfo fcinfo, krimp_period base, const krimp_eval_result *r)
{
	TupleDesc	desc;
	Datum		values[ASSESSMENT_NATTS];
	bool		nulls[ASSESSMENT_NATTS];

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning a record called in a context that cannot accept one")));
	desc = BlessTupleDesc(desc);
	memset(nulls, 0, sizeof(nulls));
	values[0] = CStringGetTextDatum(krimp_light_name(r->light));
	values[1] = Int32GetDatum(r->observed);
	nulls[2] = krimp_is_missing(r->latest_x);
	values[2] = nulls[2] ? (Datum) 0 : PeriodGetDatum(period_plus(base, r->latest_x));
	values[3] = float_or_null(r->latest_value, &nulls[3]);
	values[4] = float_or_null(r->expected, &nulls[4]);
	values[5] = float_or_null(r->gap, &nulls[5]);
	values[6] = float_or_null(r->progress, &nulls[6]);
	values[7] = float_or_null(r->expected_progress, &nulls[7]);
	values[8] = Int32GetDatum(r->trend_points);
	values[9] = float_or_null(r->trend_slope, &nulls[9]);
	values[10] = float_or_null(r->projected, &nulls[10]);
	values[11] = float_or_null(r->projected_low, &nulls[11]);
	values[12] = float_or_null(r->projected_high, &nulls[12]);
	values[13] = float_or_null(r->best_rate, &nulls[13]);
	values[14] = float_or_null(r->reachable, &nulls[14]);
	values[15] = float_or_null(r->alternative_horizon, &nulls[15]);
	nulls[16] = krimp_is_missing(r->proposal_x);
	values[16] = nulls[16] ? (Datum) 0 : PeriodGetDatum(period_plus(base, r->proposal_x));
	values[17] = float_or_null(r->proposal_value, &nulls[17]);
	values[18] = float_or_null(r->proposal_rate, &nulls[18]);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
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
				horizon;
	double		base_v,
				horizon_value;
	int32		n_milestones = 0;
	double	   *knot_steps,
			   *knot_values,
			   *obs_steps = NULL,
			   *obs_values = NULL;
	int32		nobs = 0;
	krimp_target_path path;
	krimp_eval_params params;
	krimp_eval_result r;
	krimp_error err;
	double		steps_per_year;
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
	horizon = PG_GETARG_PERIOD(4);
	horizon_value = PG_GETARG_FLOAT8(5);

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
		n_milestones = np;
		knot_steps = palloc(sizeof(double) * (n_milestones + 2));
		knot_values = palloc(sizeof(double) * (n_milestones + 2));
		for (int32 i = 0; i < n_milestones; i++)
		{
			if (pn[i] || vn[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("milestones must not contain nulls")));
			knot_steps[i + 1] = steps_from(base, DatumGetPeriod(pd[i]));
			knot_values[i + 1] = DatumGetFloat8(vd[i]);
		}
	}
	else
	{
		knot_steps = palloc(sizeof(double) * 2);
		knot_values = palloc(sizeof(double) * 2);
	}
	knot_steps[0] = 0;
	knot_values[0] = base_v;
	knot_steps[n_milestones + 1] = steps_from(base, horizon);
	knot_values[n_milestones + 1] = horizon_value;
	path.n = n_milestones + 2;
	path.x = knot_steps;
	path.v = knot_values;

	steps_per_year = 12.0 / krimp_period_months(base);
	params.sense = PG_GETARG_INT32(6);
	params.window = PG_GETARG_FLOAT8(9) * steps_per_year;
	params.min_points = PG_GETARG_INT32(10);
	params.rate_steps = fmax(1.0, round(5.0 * steps_per_year));
	params.proposal_steps = params.rate_steps;
	params.steps_per_year = steps_per_year;
	params.path_tolerance = PG_GETARG_FLOAT8(11);
	params.tolerance = PG_GETARG_FLOAT8(12);

	if (s != NULL && s->count > 0)
	{
		double		x0 = steps_from(base, s->start);

		nobs = s->count;
		obs_steps = palloc(sizeof(double) * nobs);
		obs_values = s->values;
		for (int32 i = 0; i < nobs; i++)
			obs_steps[i] = x0 + i;
	}
	if (!krimp_target_evaluate(&path, obs_steps, obs_values, nobs, &params, &r, &err))
		krimp_report_error(&err);

	PG_RETURN_DATUM(assessment_tuple(fcinfo, base, &r));
}
