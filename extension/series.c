/*
 * series.c
 *	  fmgr layer of krimp.series: text and binary I/O, the array constructor
 *	  and cast, accessors, the analysts' measures, element-wise operators,
 *	  regrain and the krimp.sum aggregate.  The logic lives in core/series.c;
 *	  this file converts Datums and reports errors.
 */
#include "series.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* These server headers have static inline functions with unused parameters. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/htup_details.h"
#include "funcapi.h"
#pragma GCC diagnostic pop

/* Report a core failure unless ok. */
#define CHECK_CORE(ok, err) do { if (!(ok)) krimp_report_error(&(err)); } while (0)

/* Return a series built by the core, or SQL NULL when it is NULL (empty). */
#define RETURN_SERIES_OR_NULL(s) \
	do { if ((s) == NULL) PG_RETURN_NULL(); PG_RETURN_SERIES_P(s); } while (0)

Datum
krimp_series_datum(krimp_series *s)
{
	SET_VARSIZE(s, krimp_series_size(s->count));
	return PointerGetDatum(s);
}

/* ---- I/O ------------------------------------------------------------------ */

PG_FUNCTION_INFO_V1(krimp_series_in);
/* Text input: period:{v,v,NULL,...}; errors are soft where supported. */
Datum
krimp_series_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	krimp_error err;
	krimp_series *s = krimp_series_parse(str, &err);

	if (s == NULL)
	{
		krimp_report_input_error(fcinfo, &err);
		PG_RETURN_NULL();
	}
	PG_RETURN_SERIES_P(s);
}

PG_FUNCTION_INFO_V1(krimp_series_out);
/* Text output: canonical start period and shortest exact values. */
Datum
krimp_series_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(krimp_series_format(PG_GETARG_SERIES_P(0)));
}

/* A binary input failure. */
static void
binary_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external binary value for type series"),
			 errdetail_internal("%s", detail)));
}

PG_FUNCTION_INFO_V1(krimp_series_recv);
/* Binary input: version byte, start, count, float8 values; all re-validated. */
Datum
krimp_series_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	krimp_period start;
	int32		count;
	krimp_series *s;
	krimp_error err;

	if (version != KRIMP_SERIES_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for type series", version),
				 errdetail("This version of krimp reads series format version %d.", KRIMP_SERIES_VERSION)));
	start = (krimp_period) pq_getmsgint(buf, 4);
	count = (int32) pq_getmsgint(buf, 4);
	if (!krimp_period_is_valid(start))
		binary_error("The start is not a valid period.");
	if (count < 1 || count > KRIMP_SERIES_MAX_COUNT)
		binary_error("The number of values is out of range.");
	if ((int64) (buf->len - buf->cursor) != (int64) count * (int64) sizeof(double))
		binary_error("The message length does not match the number of values.");
	s = krimp_series_new(start, count, &err);
	if (s == NULL)
		krimp_report_error(&err);
	for (int32 i = 0; i < count; i++)
	{
		double		v = pq_getmsgfloat8(buf);

		if (isinf(v))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid external binary value for type series"),
					 errdetail("Value %d is infinite; a series holds finite numbers only.", i + 1),
					 errhint("Send NULL (NaN) for a missing value.")));
		s->values[i] = isnan(v) ? krimp_missing() : v;
	}
	pq_getmsgend(buf);
	if (!krimp_series_validate(s, krimp_series_size(count), &err))
		krimp_report_error(&err);
	PG_RETURN_SERIES_P(s);
}

PG_FUNCTION_INFO_V1(krimp_series_send);
/* Binary output: version byte, start period, count, float8 values (NaN = missing). */
Datum
krimp_series_send(PG_FUNCTION_ARGS)
{
	krimp_series *s = PG_GETARG_SERIES_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, KRIMP_SERIES_VERSION);
	pq_sendint32(&buf, (uint32) s->start);
	pq_sendint32(&buf, (uint32) s->count);
	for (int32 i = 0; i < s->count; i++)
		pq_sendfloat8(&buf, s->values[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---- arrays --------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(krimp_series_construct);
/* krimp.series(start, values[]): NULL elements are missing values. */
Datum
krimp_series_construct(PG_FUNCTION_ARGS)
{
	krimp_period start = PG_GETARG_PERIOD(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	krimp_series *s;
	krimp_error err;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("array of series values must be one-dimensional"),
				 errdetail("The array has %d dimensions.", ARR_NDIM(arr))));
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &n);
	if (n == 0)
		PG_RETURN_NULL();
	s = krimp_series_new(start, n, &err);
	if (s == NULL)
		krimp_report_error(&err);
	for (int i = 0; i < n; i++)
	{
		double		v;

		if (nulls[i])
			continue;			/* stays missing */
		v = DatumGetFloat8(elems[i]);
		if (isnan(v) || isinf(v))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("a series cannot hold %s", isnan(v) ? "NaN" : "infinity"),
					 errdetail("Element %d of the array is %s; a series holds finite numbers only.",
							   i + 1, isnan(v) ? "NaN" : "infinite"),
					 errhint("Use NULL for a missing value.")));
		s->values[i] = v;
	}
	PG_RETURN_SERIES_P(s);
}

PG_FUNCTION_INFO_V1(krimp_series_to_array);
/* The values as double precision[], NULL elements for missing values. */
Datum
krimp_series_to_array(PG_FUNCTION_ARGS)
{
	krimp_series *s = PG_GETARG_SERIES_P(0);
	Datum	   *elems = palloc(sizeof(Datum) * s->count);
	bool	   *nulls = palloc(sizeof(bool) * s->count);
	int			dims[1] = {s->count};
	int			lbs[1] = {1};

	for (int32 i = 0; i < s->count; i++)
	{
		nulls[i] = krimp_is_missing(s->values[i]);
		elems[i] = nulls[i] ? (Datum) 0 : Float8GetDatum(s->values[i]);
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* ---- accessors ------------------------------------------------------------ */

PG_FUNCTION_INFO_V1(krimp_series_points);
/* Set-returning: one (period, value) row per period, value NULL where missing. */
Datum
krimp_series_points(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	krimp_series *s;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context that cannot accept type record")));
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		s = (krimp_series *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
		funcctx->user_fctx = s;
		funcctx->max_calls = s->count;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	s = (krimp_series *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int32		i = (int32) funcctx->call_cntr;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PeriodGetDatum(krimp_series_period_at(s, i));
		nulls[1] = krimp_is_missing(s->values[i]);
		values[1] = nulls[1] ? (Datum) 0 : Float8GetDatum(s->values[i]);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

PG_FUNCTION_INFO_V1(krimp_series_value_at);
/* The value for a period; NULL if outside the series or missing. */
Datum
krimp_series_value_at(PG_FUNCTION_ARGS)
{
	krimp_series *s = PG_GETARG_SERIES_P(0);
	krimp_period p = PG_GETARG_PERIOD(1);
	int64		off;
	krimp_error err;

	CHECK_CORE(krimp_series_offset(s, p, &off, &err), err);
	if (off < 0 || off >= s->count || krimp_is_missing(s->values[off]))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->values[off]);
}

PG_FUNCTION_INFO_V1(krimp_series_length);
/* Number of periods, missing ones included. */
Datum
krimp_series_length(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_SERIES_P(0)->count);
}

PG_FUNCTION_INFO_V1(krimp_series_first_period);
/* The first period. */
Datum
krimp_series_first_period(PG_FUNCTION_ARGS)
{
	PG_RETURN_PERIOD(PG_GETARG_SERIES_P(0)->start);
}

PG_FUNCTION_INFO_V1(krimp_series_last_period);
/* The last period. */
Datum
krimp_series_last_period(PG_FUNCTION_ARGS)
{
	PG_RETURN_PERIOD(krimp_series_last(PG_GETARG_SERIES_P(0)));
}

PG_FUNCTION_INFO_V1(krimp_series_granularity);
/* Granularity name of the periods: month, quarter, half-year, year or span. */
Datum
krimp_series_granularity(PG_FUNCTION_ARGS)
{
	krimp_series *s = PG_GETARG_SERIES_P(0);

	PG_RETURN_TEXT_P(cstring_to_text(krimp_granularity_name(krimp_period_granularity(s->start))));
}

PG_FUNCTION_INFO_V1(krimp_series_slice_fn);
/* Values from..to inclusive; a NULL bound is an open end; NULL if empty. */
Datum
krimp_series_slice_fn(PG_FUNCTION_ARGS)
{
	krimp_series *s,
			   *r;
	krimp_error err;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = PG_GETARG_SERIES_P(0);
	CHECK_CORE(krimp_series_slice(s, !PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_PERIOD(1),
								  !PG_ARGISNULL(2), PG_ARGISNULL(2) ? 0 : PG_GETARG_PERIOD(2),
								  &r, &err), err);
	RETURN_SERIES_OR_NULL(r);
}

PG_FUNCTION_INFO_V1(krimp_series_eq);
/* Same periods and values (missing equals missing). */
Datum
krimp_series_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(krimp_series_equal(PG_GETARG_SERIES_P(0), PG_GETARG_SERIES_P(1)));
}

PG_FUNCTION_INFO_V1(krimp_series_ne);
/* Negation of krimp_series_eq. */
Datum
krimp_series_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!krimp_series_equal(PG_GETARG_SERIES_P(0), PG_GETARG_SERIES_P(1)));
}

/* ---- analysts' measures --------------------------------------------------- */

/* A from-to measure; SQL NULL when a period is outside or missing. */
static Datum
measure(FunctionCallInfo fcinfo, krimp_series_measure m)
{
	double		r;
	bool		isnull;
	krimp_error err;

	CHECK_CORE(krimp_series_measure_of(PG_GETARG_SERIES_P(0), m, PG_GETARG_PERIOD(1),
									   PG_GETARG_PERIOD(2), &r, &isnull, &err), err);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(r);
}

PG_FUNCTION_INFO_V1(krimp_series_change);
/* v(to) - v(from). */
Datum
krimp_series_change(PG_FUNCTION_ARGS)
{
	return measure(fcinfo, KRIMP_MEASURE_CHANGE);
}

PG_FUNCTION_INFO_V1(krimp_series_pct_change);
/* (v(to) - v(from)) / v(from) * 100. */
Datum
krimp_series_pct_change(PG_FUNCTION_ARGS)
{
	return measure(fcinfo, KRIMP_MEASURE_PCT_CHANGE);
}

PG_FUNCTION_INFO_V1(krimp_series_cagr);
/* Compound annual growth rate from..to in percent per year. */
Datum
krimp_series_cagr(PG_FUNCTION_ARGS)
{
	return measure(fcinfo, KRIMP_MEASURE_CAGR);
}

PG_FUNCTION_INFO_V1(krimp_series_index_fn);
/* Index numbers with the base period = 100. */
Datum
krimp_series_index_fn(PG_FUNCTION_ARGS)
{
	krimp_series *r;
	krimp_error err;

	CHECK_CORE(krimp_series_index(PG_GETARG_SERIES_P(0), PG_GETARG_PERIOD(1), &r, &err), err);
	RETURN_SERIES_OR_NULL(r);
}

PG_FUNCTION_INFO_V1(krimp_series_diff_fn);
/* v(p) - v(p - lag). */
Datum
krimp_series_diff_fn(PG_FUNCTION_ARGS)
{
	krimp_series *r;
	krimp_error err;

	CHECK_CORE(krimp_series_diff(PG_GETARG_SERIES_P(0), PG_GETARG_INT32(1), &r, &err), err);
	RETURN_SERIES_OR_NULL(r);
}

PG_FUNCTION_INFO_V1(krimp_series_yoy_diff_fn);
/* v(p) - v(same period a year earlier). */
Datum
krimp_series_yoy_diff_fn(PG_FUNCTION_ARGS)
{
	krimp_series *r;
	krimp_error err;

	CHECK_CORE(krimp_series_yoy_diff(PG_GETARG_SERIES_P(0), &r, &err), err);
	RETURN_SERIES_OR_NULL(r);
}

PG_FUNCTION_INFO_V1(krimp_series_regrain_fn);
/* Convert to a coarser granularity by sum, mean, first or last. */
Datum
krimp_series_regrain_fn(PG_FUNCTION_ARGS)
{
	krimp_series *r;
	krimp_granularity g;
	krimp_regrain_method method;
	krimp_error err;

	CHECK_CORE(krimp_granularity_parse(text_to_cstring(PG_GETARG_TEXT_PP(1)), &g, &err), err);
	CHECK_CORE(krimp_regrain_method_parse(text_to_cstring(PG_GETARG_TEXT_PP(2)), &method, &err), err);
	CHECK_CORE(krimp_series_regrain(PG_GETARG_SERIES_P(0), g, method, &r, &err), err);
	RETURN_SERIES_OR_NULL(r);
}

/* ---- element-wise arithmetic ---------------------------------------------- */

/* series op series on the common periods; NULL if they do not overlap. */
static Datum
series_binop(FunctionCallInfo fcinfo, krimp_series_op op)
{
	krimp_series *r;
	krimp_error err;

	CHECK_CORE(krimp_series_binop(PG_GETARG_SERIES_P(0), PG_GETARG_SERIES_P(1), op, false, &r, &err), err);
	RETURN_SERIES_OR_NULL(r);
}

/* series op float8. */
static Datum
series_scalar(FunctionCallInfo fcinfo, krimp_series_op op)
{
	krimp_series *r;
	krimp_error err;

	CHECK_CORE(krimp_series_scalar_op(PG_GETARG_SERIES_P(0), op, PG_GETARG_FLOAT8(1), &r, &err), err);
	PG_RETURN_SERIES_P(r);
}

PG_FUNCTION_INFO_V1(krimp_series_pl);
/* series + series. */
Datum
krimp_series_pl(PG_FUNCTION_ARGS)
{
	return series_binop(fcinfo, KRIMP_OP_ADD);
}

PG_FUNCTION_INFO_V1(krimp_series_mi);
/* series - series. */
Datum
krimp_series_mi(PG_FUNCTION_ARGS)
{
	return series_binop(fcinfo, KRIMP_OP_SUB);
}

PG_FUNCTION_INFO_V1(krimp_series_mul);
/* series * series. */
Datum
krimp_series_mul(PG_FUNCTION_ARGS)
{
	return series_binop(fcinfo, KRIMP_OP_MUL);
}

PG_FUNCTION_INFO_V1(krimp_series_div);
/* series / series. */
Datum
krimp_series_div(PG_FUNCTION_ARGS)
{
	return series_binop(fcinfo, KRIMP_OP_DIV);
}

PG_FUNCTION_INFO_V1(krimp_series_pl_float8);
/* series + float8. */
Datum
krimp_series_pl_float8(PG_FUNCTION_ARGS)
{
	return series_scalar(fcinfo, KRIMP_OP_ADD);
}

PG_FUNCTION_INFO_V1(krimp_series_mi_float8);
/* series - float8. */
Datum
krimp_series_mi_float8(PG_FUNCTION_ARGS)
{
	return series_scalar(fcinfo, KRIMP_OP_SUB);
}

PG_FUNCTION_INFO_V1(krimp_series_mul_float8);
/* series * float8. */
Datum
krimp_series_mul_float8(PG_FUNCTION_ARGS)
{
	return series_scalar(fcinfo, KRIMP_OP_MUL);
}

PG_FUNCTION_INFO_V1(krimp_series_div_float8);
/* series / float8. */
Datum
krimp_series_div_float8(PG_FUNCTION_ARGS)
{
	return series_scalar(fcinfo, KRIMP_OP_DIV);
}

PG_FUNCTION_INFO_V1(krimp_series_sum_transfn);
/* krimp.sum state and combine step: element-wise sum over the union of periods. */
Datum
krimp_series_sum_transfn(PG_FUNCTION_ARGS)
{
	krimp_series *r;
	krimp_error err;

	CHECK_CORE(krimp_series_binop(PG_GETARG_SERIES_P(0), PG_GETARG_SERIES_P(1), KRIMP_OP_ADD, true, &r, &err), err);
	PG_RETURN_SERIES_P(r);
}
