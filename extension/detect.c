/*
 * detect.c
 *	  fmgr layer of the change-point detectors: krimp.changepoints(float8[],
 *	  text) and the set-returning krimp.tipping_points(series, ...).  The
 *	  detectors live in core/detect.c; this file converts Datums, keeps one
 *	  reusable workspace per call site (fn_extra), and reports errors.
 */
#include "series.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

/* These server headers have static inline functions with unused parameters. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/tuplestore.h"
#pragma GCC diagnostic pop

/* ARR_DATA_PTR mixes int32 and size_t in a conditional; the same value either way. */
static inline const double *
array_data(ArrayType *arr)
{
	size_t		off = ARR_HASNULL(arr) ? (size_t) arr->dataoffset : (size_t) ARR_OVERHEAD_NONULLS(ARR_NDIM(arr));

	return (const double *) ((char *) arr + off);
}

#include "core/detect.h"

#define TIPPING_POINTS_COLUMNS 11

/* What one call site keeps between calls, in fn_mcxt. */
typedef struct DetectCache
{
	krimp_detect_workspace *ws;
	int32		buflen;			/* allocated length of vals and bench */
	double	   *vals;
	double	   *bench;
	TupleDesc	tupdesc;		/* tipping_points' row type */
} DetectCache;

/* The call site's cache, with buffers for n values. */
static DetectCache *
detect_buffers(FunctionCallInfo fcinfo, int32 n)
{
	DetectCache *cache = (DetectCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DetectCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->buflen < n)
	{
		int32		len = Max(n, 64);

		if (cache->vals != NULL)
		{
			pfree(cache->vals);
			pfree(cache->bench);
		}
		cache->vals = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * len);
		cache->bench = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * len);
		cache->buflen = len;
	}
	return cache;
}

/* Make sure the cache's workspace holds `observed` values (errors above the core's limit). */
static void
detect_workspace(FunctionCallInfo fcinfo, DetectCache *cache, int32 observed)
{
	MemoryContext old;
	krimp_error err;

	if (cache->ws != NULL && krimp_detect_workspace_capacity(cache->ws) >= observed)
		return;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache->ws != NULL)
		krimp_detect_workspace_free(cache->ws);
	/* a little room to grow, within the limit; above it the core reports the error */
	cache->ws = krimp_detect_workspace_new(observed > KRIMP_DETECT_MAX_N ? observed :
										   Min(Max(observed, 64), KRIMP_DETECT_MAX_N), &err);
	MemoryContextSwitchTo(old);
	if (cache->ws == NULL)
		krimp_report_error(&err);
}

/* The number of observed (non-missing) values of v[0..n-1]. */
static int32
count_observed(const double *v, int32 n)
{
	int32		m = 0;

	for (int32 i = 0; i < n; i++)
		m += !isnan(v[i]);
	return m;
}

/* ---- krimp.changepoints ---------------------------------------------------- */

PG_FUNCTION_INFO_V1(krimp_changepoints);
/* krimp.changepoints(float8[], model): 1-based positions of the first values of new segments. */
Datum
krimp_changepoints(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	char	   *model_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	krimp_detect_model model;
	krimp_detect_params params;
	krimp_detect_result result;
	krimp_error err;
	DetectCache *cache;
	int32		n,
				lbound;
	const double *data;
	bits8	   *nullmap;
	Datum		elems[KRIMP_DETECT_MAX_RESULTS];

	if (strcmp(model_name, "level") == 0)
		model = KRIMP_MODEL_LEVEL;
	else if (strcmp(model_name, "trend") == 0)
		model = KRIMP_MODEL_TREND;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown change-point model \"%s\"", model_name),
				 errhint("The models are level (shifts in the mean) and trend (bends in a continuous piecewise-linear trend).")));

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("change-point detection needs a one-dimensional array"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(arr))));
	if (ARR_NDIM(arr) == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT4OID));
	Assert(ARR_ELEMTYPE(arr) == FLOAT8OID);
	n = ARR_DIMS(arr)[0];
	lbound = ARR_LBOUND(arr)[0];
	data = array_data(arr);
	nullmap = ARR_NULLBITMAP(arr);

	cache = detect_buffers(fcinfo, n);
	for (int32 i = 0, k = 0; i < n; i++)
	{
		if (nullmap != NULL && !(nullmap[i / 8] & (1 << (i % 8))))
			cache->vals[i] = krimp_missing();
		else
		{
			double		v = data[k++];

			if (isnan(v))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("change-point detection needs finite values"),
						 errdetail("Element %d is NaN.", lbound + i),
						 errhint("Use NULL for a missing value.")));
			if (isinf(v))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("change-point detection needs finite values"),
						 errdetail("Element %d is infinite.", lbound + i)));
			cache->vals[i] = v;
		}
	}
	detect_workspace(fcinfo, cache, count_observed(cache->vals, n));

	krimp_detect_params_default(&params);
	if (!krimp_detect_changes(cache->ws, cache->vals, n, model, &params, &result, &err))
		krimp_report_error(&err);
	for (int32 i = 0; i < result.count; i++)
		elems[i] = Int32GetDatum(lbound + result.changes[i].position);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, result.count, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

/* ---- krimp.tipping_points -------------------------------------------------- */

/* Defaults that depend on the granularity: a minimum segment of a year (at least 3 values), recency of 5 years. */
static void
granularity_defaults(const krimp_series *s, int32 *min_segment, int32 *recent)
{
	int			months = krimp_period_months(s->start);

	*min_segment = Max(KRIMP_DETECT_DEFAULT_MIN_SEGMENT, 12 / months);
	*recent = (KRIMP_DETECT_DEFAULT_RECENT * 12 + months - 1) / months;
}

PG_FUNCTION_INFO_V1(krimp_tipping_points_fn);
/* krimp.tipping_points(series, benchmark, direction_of_good, penalty, min_segment, recent): one row per change. */
Datum
krimp_tipping_points_fn(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	krimp_series *s,
			   *b = NULL;
	int32		direction_of_good = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
	krimp_detect_params params;
	krimp_detect_result result;
	krimp_error err;
	DetectCache *cache;
	int32		n,
				observed;
	Tuplestorestate *store;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) || !(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("krimp.tipping_points called in a context that cannot accept a set")));
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = NULL;	/* no rows */
	rsinfo->setDesc = NULL;

	if (direction_of_good < -1 || direction_of_good > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("direction of good must be -1, 0 or 1"),
				 errdetail("The value given was %d.", direction_of_good),
				 errhint("Use 1 when higher is better, -1 when lower is better and 0 when neither.")));
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	s = PG_GETARG_SERIES_P(0);
	if (!PG_ARGISNULL(1))
		b = PG_GETARG_SERIES_P(1);
	n = s->count;

	krimp_detect_params_default(&params);
	granularity_defaults(s, &params.min_segment, &params.recent);
	if (!PG_ARGISNULL(3))
		params.penalty = PG_GETARG_FLOAT8(3);
	if (!PG_ARGISNULL(4))
		params.min_segment = PG_GETARG_INT32(4);
	if (!PG_ARGISNULL(5))
		params.recent = PG_GETARG_INT32(5);
	if (!krimp_detect_params_check(&params, &err))
		krimp_report_error(&err);

	observed = count_observed(s->values, n);
	cache = detect_buffers(fcinfo, n);
	detect_workspace(fcinfo, cache, observed);
	if (b != NULL)
	{
		int64		off;

		if (!krimp_series_offset(s, b->start, &off, &err))
		{
			char	   *sg = pstrdup(krimp_granularity_name(krimp_period_granularity(s->start)));

			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("benchmark has a different granularity than the series"),
					 errdetail("The series is by %s, the benchmark by %s.", sg,
							   krimp_granularity_name(krimp_period_granularity(b->start)))));
		}
		/* bench[i] is the benchmark's value for the series' period i */
		for (int32 i = 0; i < n; i++)
		{
			int64		j = i - off;

			cache->bench[i] = (j >= 0 && j < b->count) ? b->values[j] : krimp_missing();
		}
	}
	if (!krimp_tipping_points(cache->ws, s->values, b != NULL ? cache->bench : NULL, n, &params,
							  &result, &err))
		krimp_report_error(&err);
	if (result.count == 0)
		return (Datum) 0;

	if (cache->tupdesc == NULL)
	{
		TupleDesc	desc;

		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		cache->tupdesc = CreateTupleDescCopy(desc);
		MemoryContextSwitchTo(old);
	}
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	store = tuplestore_begin_heap(false, false, work_mem);
	MemoryContextSwitchTo(old);
	for (int32 i = 0; i < result.count; i++)
	{
		const krimp_change *c = &result.changes[i];
		Datum		values[TIPPING_POINTS_COLUMNS];
		bool		nulls[TIPPING_POINTS_COLUMNS] = {false};
		int			verdict = c->direction * direction_of_good;

		values[0] = PeriodGetDatum(krimp_series_period_at(s, c->position));
		values[1] = CStringGetTextDatum(krimp_change_kind_name(c->kind));
		values[2] = CStringGetTextDatum(c->direction > 0 ? "up" : "down");
		nulls[2] = c->direction == 0;
		values[3] = CStringGetTextDatum(verdict > 0 ? "improving" : "worsening");
		nulls[3] = verdict == 0;
		values[4] = Float8GetDatum(c->before);
		values[5] = Float8GetDatum(c->after);
		values[6] = Float8GetDatum(c->abs_change);
		values[7] = Float8GetDatum(c->rel_change);
		nulls[7] = isnan(c->rel_change);
		values[8] = Float8GetDatum(c->p_value);
		nulls[8] = isnan(c->p_value);
		values[9] = Float8GetDatum(c->score);
		values[10] = BoolGetDatum(c->recent);
		tuplestore_putvalues(store, cache->tupdesc, values, nulls);
	}
	rsinfo->setResult = store;
	return (Datum) 0;
}
