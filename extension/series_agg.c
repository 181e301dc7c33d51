/*
 * series_agg.c
 *	  Aggregates building and combining series: krimp.series_agg(period,
 *	  double precision), whose internal state krimp.trend_agg reuses (see
 *	  series_agg.h), and krimp.weighted_mean(series, series).  Both are
 *	  parallel safe with combine, serialize and deserialize functions.
 */
#include "series_agg.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/memutils.h"

#define SERIES_AGG_INITIAL_CAPACITY 8

/* The aggregate memory context; errors outside an aggregate. */
static MemoryContext
agg_context(FunctionCallInfo fcinfo, const char *name)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "%s called in non-aggregate context", name);
	return aggctx;
}

/* An empty series_agg state with room for capacity points, in context ctx. */
static KrimpSeriesAggState *
state_new(MemoryContext ctx, int32 capacity)
{
	KrimpSeriesAggState *state = MemoryContextAlloc(ctx, sizeof(KrimpSeriesAggState));

	state->count = 0;
	state->capacity = capacity;
	state->points = MemoryContextAlloc(ctx, sizeof(krimp_series_point) * capacity);
	return state;
}

/* Make room for extra more points (the array keeps its memory context). */
static void
state_reserve(KrimpSeriesAggState *state, int64 extra)
{
	int64		need = (int64) state->count + extra;
	int64		cap = state->capacity;

	if (need <= cap)
		return;
	while (cap < need)
		cap *= 2;
	if (cap * (int64) sizeof(krimp_series_point) > (int64) MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows for one series")));
	state->points = repalloc(state->points, sizeof(krimp_series_point) * cap);
	state->capacity = (int32) cap;
}

krimp_series *
krimp_series_agg_state_build(const KrimpSeriesAggState *state)
{
	krimp_series *s;
	krimp_error err;

	if (state == NULL || state->count == 0)
		return NULL;
	s = krimp_series_from_points(state->points, state->count, &err);
	if (s == NULL)
		krimp_report_error(&err);
	return s;
}

/* Refuse NaN and infinity as an observed value. */
static void
check_finite(krimp_period p, double v)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a series cannot hold %s", isnan(v) ? "NaN" : "infinity"),
				 errdetail("The value for period %s is %s; a series holds finite numbers only.",
						   krimp_period_cstring(p), isnan(v) ? "NaN" : "infinite"),
				 errhint("Use NULL for a missing value.")));
}

PG_FUNCTION_INFO_V1(krimp_series_agg_transfn);
/* Record one (period, value); NULL value = missing, NULL period = row ignored. */
Datum
krimp_series_agg_transfn(PG_FUNCTION_ARGS)
{
	KrimpSeriesAggState *state = PG_ARGISNULL(0) ? NULL : (KrimpSeriesAggState *) PG_GETARG_POINTER(0);
	krimp_period p;
	double		v;

	if (PG_ARGISNULL(1))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	p = PG_GETARG_PERIOD(1);
	if (PG_ARGISNULL(2))
		v = krimp_missing();
	else
	{
		v = PG_GETARG_FLOAT8(2);
		check_finite(p, v);
	}
	if (state == NULL)
		state = state_new(agg_context(fcinfo, "krimp_series_agg_transfn"), SERIES_AGG_INITIAL_CAPACITY);
	else if (state->count == state->capacity)
	{
		/*
		 * More rows than a series of one granularity can have periods: some
		 * are duplicates or of another granularity, so building reports them.
		 */
		if (state->count >= KRIMP_SERIES_MAX_COUNT)
		{
			krimp_series_agg_state_build(state);
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many rows for one series")));
		}
		state_reserve(state, 1);
	}
	state->points[state->count].value = v;
	state->points[state->count].period = p;
	state->count++;
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(krimp_series_agg_combinefn);
/* Merge two partial states (either may be NULL or empty). */
Datum
krimp_series_agg_combinefn(PG_FUNCTION_ARGS)
{
	KrimpSeriesAggState *s1 = PG_ARGISNULL(0) ? NULL : (KrimpSeriesAggState *) PG_GETARG_POINTER(0);
	KrimpSeriesAggState *s2 = PG_ARGISNULL(1) ? NULL : (KrimpSeriesAggState *) PG_GETARG_POINTER(1);
	MemoryContext aggctx = agg_context(fcinfo, "krimp_series_agg_combinefn");

	if (s2 == NULL || s2->count == 0)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	if (s1 == NULL)
	{
		/* copy: s2 may live in a shorter-lived context */
		int32		cap = SERIES_AGG_INITIAL_CAPACITY;

		while (cap < s2->count)
			cap *= 2;
		s1 = state_new(aggctx, cap);
	}
	else
		state_reserve(s1, s2->count);
	memcpy(s1->points + s1->count, s2->points, sizeof(krimp_series_point) * s2->count);
	s1->count += s2->count;
	PG_RETURN_POINTER(s1);
}

/*
 * Serialized state: int32 count, then count times (int32 period, float8
 * value), native byte order (states only travel between processes of one
 * server).
 */
#define POINT_WIRE_SIZE (sizeof(int32) + sizeof(double))

PG_FUNCTION_INFO_V1(krimp_series_agg_serialfn);
/* State to bytea for parallel aggregation. */
Datum
krimp_series_agg_serialfn(PG_FUNCTION_ARGS)
{
	KrimpSeriesAggState *state = (KrimpSeriesAggState *) PG_GETARG_POINTER(0);
	int32		count = state ? state->count : 0;
	Size		len = VARHDRSZ + sizeof(int32) + POINT_WIRE_SIZE * (Size) count;
	bytea	   *out;
	char	   *p;

	agg_context(fcinfo, "krimp_series_agg_serialfn");
	out = palloc(len);
	SET_VARSIZE(out, len);
	p = VARDATA(out);
	memcpy(p, &count, sizeof(int32));
	p += sizeof(int32);
	for (int32 i = 0; i < count; i++)
	{
		memcpy(p, &state->points[i].period, sizeof(int32));
		memcpy(p + sizeof(int32), &state->points[i].value, sizeof(double));
		p += POINT_WIRE_SIZE;
	}
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(krimp_series_agg_deserialfn);
/* bytea back to a state (in the current context; combine copies it). */
Datum
krimp_series_agg_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	int32		count;
	KrimpSeriesAggState *state;

	agg_context(fcinfo, "krimp_series_agg_deserialfn");
	if (len < sizeof(int32))
		elog(ERROR, "invalid serialized series_agg state");
	memcpy(&count, p, sizeof(int32));
	if (count < 0 || len != sizeof(int32) + POINT_WIRE_SIZE * (Size) count)
		elog(ERROR, "invalid serialized series_agg state");
	p += sizeof(int32);
	state = state_new(CurrentMemoryContext, count > 0 ? count : 1);
	for (int32 i = 0; i < count; i++)
	{
		memcpy(&state->points[i].period, p, sizeof(int32));
		memcpy(&state->points[i].value, p + sizeof(int32), sizeof(double));
		p += POINT_WIRE_SIZE;
	}
	state->count = count;
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(krimp_series_agg_finalfn);
/* The series of all recorded observations; NULL if there were none. */
Datum
krimp_series_agg_finalfn(PG_FUNCTION_ARGS)
{
	krimp_series *s;

	agg_context(fcinfo, "krimp_series_agg_finalfn");
	s = krimp_series_agg_state_build(PG_ARGISNULL(0) ? NULL : (KrimpSeriesAggState *) PG_GETARG_POINTER(0));
	if (s == NULL)
		PG_RETURN_NULL();
	PG_RETURN_SERIES_P(s);
}

/* ---- weighted_mean ---------------------------------------------------------- */

/*
 * State of krimp.weighted_mean: sum of value * weight and sum of weight per
 * period, two series over the same periods, missing together.
 */
typedef struct WeightedMeanState
{
	krimp_series *vw;
	krimp_series *w;
} WeightedMeanState;

/* a + b over the union of periods, built in context ctx; the old a is freed. */
static krimp_series *
union_add(MemoryContext ctx, krimp_series *a, const krimp_series *b)
{
	MemoryContext old = MemoryContextSwitchTo(ctx);
	krimp_series *r;
	krimp_error err;

	if (a == NULL)
	{
		r = palloc(krimp_series_size(b->count));
		memcpy(r, b, krimp_series_size(b->count));
	}
	else if (!krimp_series_binop(a, b, KRIMP_OP_ADD, true, &r, &err))
		krimp_report_error(&err);
	else
		pfree(a);
	MemoryContextSwitchTo(old);
	SET_VARSIZE(r, krimp_series_size(r->count));
	return r;
}

/* Add one partial state (vw, w) into state, allocating it in ctx if needed. */
static WeightedMeanState *
wmean_merge(MemoryContext ctx, WeightedMeanState *state, const krimp_series *vw, const krimp_series *w)
{
	if (state == NULL)
	{
		state = MemoryContextAlloc(ctx, sizeof(WeightedMeanState));
		state->vw = NULL;
		state->w = NULL;
	}
	state->vw = union_add(ctx, state->vw, vw);
	state->w = union_add(ctx, state->w, w);
	return state;
}

PG_FUNCTION_INFO_V1(krimp_weighted_mean_transfn);
/* Add value * weight and weight; rows with a NULL value or weight are ignored. */
Datum
krimp_weighted_mean_transfn(PG_FUNCTION_ARGS)
{
	WeightedMeanState *state = PG_ARGISNULL(0) ? NULL : (WeightedMeanState *) PG_GETARG_POINTER(0);
	MemoryContext aggctx = agg_context(fcinfo, "krimp_weighted_mean_transfn");
	krimp_series *value,
			   *weight,
			   *vw,
			   *w;
	krimp_error err;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (state == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	value = PG_GETARG_SERIES_P(1);
	weight = PG_GETARG_SERIES_P(2);
	for (int32 i = 0; i < weight->count; i++)
	{
		if (weight->values[i] < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight must not be negative"),
					 errdetail("The weight for period %s is %g.",
							   krimp_period_cstring(krimp_series_period_at(weight, i)), weight->values[i]),
					 errhint("Weight rates by their denominators, such as population counts.")));
	}
	/* row value * weight over the union; the weight masked where that is missing */
	if (!krimp_series_binop(value, weight, KRIMP_OP_MUL, true, &vw, &err))
		krimp_report_error(&err);
	if (!krimp_series_binop(vw, weight, KRIMP_OP_RIGHT, true, &w, &err))
		krimp_report_error(&err);
	PG_RETURN_POINTER(wmean_merge(aggctx, state, vw, w));
}

PG_FUNCTION_INFO_V1(krimp_weighted_mean_combinefn);
/* Merge two partial weighted_mean states. */
Datum
krimp_weighted_mean_combinefn(PG_FUNCTION_ARGS)
{
	WeightedMeanState *s1 = PG_ARGISNULL(0) ? NULL : (WeightedMeanState *) PG_GETARG_POINTER(0);
	WeightedMeanState *s2 = PG_ARGISNULL(1) ? NULL : (WeightedMeanState *) PG_GETARG_POINTER(1);
	MemoryContext aggctx = agg_context(fcinfo, "krimp_weighted_mean_combinefn");

	if (s2 == NULL)
	{
		if (s1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s1);
	}
	PG_RETURN_POINTER(wmean_merge(aggctx, s1, s2->vw, s2->w));
}

PG_FUNCTION_INFO_V1(krimp_weighted_mean_serialfn);
/* State to bytea: the two series images one after the other. */
Datum
krimp_weighted_mean_serialfn(PG_FUNCTION_ARGS)
{
	WeightedMeanState *state = (WeightedMeanState *) PG_GETARG_POINTER(0);
	Size		a = krimp_series_size(state->vw->count),
				b = krimp_series_size(state->w->count);
	bytea	   *out;

	agg_context(fcinfo, "krimp_weighted_mean_serialfn");
	out = palloc(VARHDRSZ + a + b);
	SET_VARSIZE(out, VARHDRSZ + a + b);
	memcpy(VARDATA(out), state->vw, a);
	memcpy(VARDATA(out) + a, state->w, b);
	PG_RETURN_BYTEA_P(out);
}

/* Copy one series image from the serialized state, checking it. */
static krimp_series *
read_series(const char *p, Size avail)
{
	krimp_series hdr;
	krimp_series *s;
	krimp_error err;

	if (avail < KRIMP_SERIES_HEADER_SIZE)
		elog(ERROR, "invalid serialized weighted_mean state");
	memcpy(&hdr, p, KRIMP_SERIES_HEADER_SIZE);
	if (hdr.count < 1 || hdr.count > KRIMP_SERIES_MAX_COUNT || krimp_series_size(hdr.count) > avail)
		elog(ERROR, "invalid serialized weighted_mean state");
	s = palloc(krimp_series_size(hdr.count));
	memcpy(s, p, krimp_series_size(hdr.count));
	if (!krimp_series_validate(s, krimp_series_size(hdr.count), &err))
		krimp_report_error(&err);
	SET_VARSIZE(s, krimp_series_size(hdr.count));
	return s;
}

PG_FUNCTION_INFO_V1(krimp_weighted_mean_deserialfn);
/* bytea back to a weighted_mean state. */
Datum
krimp_weighted_mean_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	WeightedMeanState *state = palloc(sizeof(WeightedMeanState));

	agg_context(fcinfo, "krimp_weighted_mean_deserialfn");
	state->vw = read_series(p, len);
	state->w = read_series(p + VARSIZE(state->vw), len - VARSIZE(state->vw));
	if (VARSIZE(state->vw) + VARSIZE(state->w) != len)
		elog(ERROR, "invalid serialized weighted_mean state");
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(krimp_weighted_mean_finalfn);
/* sum(value * weight) / sum(weight) per period; missing where the weights sum to 0. */
Datum
krimp_weighted_mean_finalfn(PG_FUNCTION_ARGS)
{
	WeightedMeanState *state = PG_ARGISNULL(0) ? NULL : (WeightedMeanState *) PG_GETARG_POINTER(0);
	krimp_series *r;
	krimp_error err;

	agg_context(fcinfo, "krimp_weighted_mean_finalfn");
	if (state == NULL)
		PG_RETURN_NULL();
	if (!krimp_series_binop(state->vw, state->w, KRIMP_OP_WEIGHTED, false, &r, &err))
		krimp_report_error(&err);
	PG_RETURN_SERIES_P(r);
}
