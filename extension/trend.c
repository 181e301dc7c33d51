/*
 * trend.c
 *	  fmgr layer of krimp.trend: text and binary I/O, krimp.trend(series),
 *	  the final function of krimp.trend_agg, and the accessors.  The
 *	  statistics live in core/trend.c; the aggregate's transition state is
 *	  series_agg's (series_agg.h).
 */
#include "krimp.h"

#include <math.h>

#include "libpq/pqformat.h"

#include "core/trend.h"
#include "series_agg.h"

#define DatumGetTrendP(d)		((krimp_trend *) PG_DETOAST_DATUM(d))
#define PG_GETARG_TREND_P(n)	DatumGetTrendP(PG_GETARG_DATUM(n))

/* Set the varlena length of a core-built trend and return it. */
static Datum
trend_datum(krimp_trend *t)
{
	SET_VARSIZE(t, KRIMP_TREND_SIZE);
	return PointerGetDatum(t);
}

/* ---- I/O ------------------------------------------------------------------ */

PG_FUNCTION_INFO_V1(krimp_trend_in);
/* Text input: exactly the key=value list that krimp_trend_out writes. */
Datum
krimp_trend_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	krimp_error err;
	krimp_trend *t = krimp_trend_parse(str, &err);

	if (t == NULL)
	{
		krimp_report_input_error(fcinfo, &err);
		PG_RETURN_NULL();
	}
	return trend_datum(t);
}

PG_FUNCTION_INFO_V1(krimp_trend_out);
/* Text output: key=value pairs, null for undefined statistics. */
Datum
krimp_trend_out(PG_FUNCTION_ARGS)
{
	krimp_trend *t = PG_GETARG_TREND_P(0);

	PG_RETURN_CSTRING(krimp_trend_format(t));
}

PG_FUNCTION_INFO_V1(krimp_trend_recv);
/* Binary input: version, flags, first, last, n, twelve float8; re-validated. */
Datum
krimp_trend_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	krimp_trend *t = palloc0(KRIMP_TREND_SIZE);
	double	   *d = &t->ols_slope;
	krimp_error err;

	t->version = (uint8) pq_getmsgbyte(buf);
	if (t->version != KRIMP_TREND_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported krimp.trend binary format version %d", (int) t->version),
				 errdetail("This version of krimp reads version %d.", KRIMP_TREND_VERSION)));
	t->flags = (uint8) pq_getmsgbyte(buf);
	t->first = (krimp_period) pq_getmsgint(buf, 4);
	t->last = (krimp_period) pq_getmsgint(buf, 4);
	t->n = (int32) pq_getmsgint(buf, 4);
	for (int i = 0; i < 12; i++)
	{
		double		v = pq_getmsgfloat8(buf);

		/* any NaN means undefined; store the canonical one */
		d[i] = isnan(v) ? krimp_missing() : v;
	}
	pq_getmsgend(buf);
	if (!krimp_trend_validate(t, KRIMP_TREND_SIZE, &err))
		krimp_report_error(&err);
	return trend_datum(t);
}

PG_FUNCTION_INFO_V1(krimp_trend_send);
/* Binary output, the layout krimp_trend_recv reads. */
Datum
krimp_trend_send(PG_FUNCTION_ARGS)
{
	krimp_trend *t = PG_GETARG_TREND_P(0);
	const double *d = &t->ols_slope;
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, t->version);
	pq_sendbyte(&buf, t->flags);
	pq_sendint32(&buf, (uint32) t->first);
	pq_sendint32(&buf, (uint32) t->last);
	pq_sendint32(&buf, (uint32) t->n);
	for (int i = 0; i < 12; i++)
		pq_sendfloat8(&buf, d[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---- construction --------------------------------------------------------- */

/* The trend of a series, or SQL NULL when it has no observed value. */
static Datum
trend_of(FunctionCallInfo fcinfo, const krimp_series *s)
{
	krimp_error err;
	krimp_trend *t;

	if (!krimp_trend_of_series(s, &t, &err))
		krimp_report_error(&err);
	if (t == NULL)
		PG_RETURN_NULL();
	return trend_datum(t);
}

PG_FUNCTION_INFO_V1(krimp_trend_of_series_fn);
/* krimp.trend(series): all trend statistics of a series. */
Datum
krimp_trend_of_series_fn(PG_FUNCTION_ARGS)
{
	return trend_of(fcinfo, PG_GETARG_SERIES_P(0));
}

PG_FUNCTION_INFO_V1(krimp_trend_agg_finalfn);
/* Final function of krimp.trend_agg: the trend of the collected series. */
Datum
krimp_trend_agg_finalfn(PG_FUNCTION_ARGS)
{
	KrimpSeriesAggState *state;
	krimp_series *s;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("krimp.trend_agg_finalfn called in non-aggregate context")));
	state = PG_ARGISNULL(0) ? NULL : (KrimpSeriesAggState *) PG_GETARG_POINTER(0);
	s = krimp_series_agg_state_build(state);
	if (s == NULL)
		PG_RETURN_NULL();
	return trend_of(fcinfo, s);
}

/* ---- accessors ------------------------------------------------------------ */

PG_FUNCTION_INFO_V1(krimp_trend_n);
/* Number of observed values. */
Datum
krimp_trend_n(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_TREND_P(0)->n);
}

/* One float8 accessor: SQL NULL for an undefined (NaN) statistic. */
#define TREND_FLOAT8_ACCESSOR(fn, field) \
PG_FUNCTION_INFO_V1(fn); \
Datum \
fn(PG_FUNCTION_ARGS) \
{ \
	double		v = PG_GETARG_TREND_P(0)->field; \
	if (isnan(v)) \
		PG_RETURN_NULL(); \
	PG_RETURN_FLOAT8(v); \
}

/* OLS slope per step of the series' granularity. */
TREND_FLOAT8_ACCESSOR(krimp_trend_ols_slope, ols_slope)
/* OLS fitted value at the first observed period. */
TREND_FLOAT8_ACCESSOR(krimp_trend_ols_intercept, ols_intercept)
/* Coefficient of determination of the OLS fit. */
TREND_FLOAT8_ACCESSOR(krimp_trend_r_squared, r_squared)
/* Standard error of the OLS slope. */
TREND_FLOAT8_ACCESSOR(krimp_trend_ols_slope_stderr, ols_slope_stderr)
/* Theil-Sen slope: median of the pairwise slopes. */
TREND_FLOAT8_ACCESSOR(krimp_trend_theil_sen_slope, ts_slope)
/* Theil-Sen intercept: median of y - slope * x. */
TREND_FLOAT8_ACCESSOR(krimp_trend_theil_sen_intercept, ts_intercept)
/* Lower end of Sen's 95% interval for the slope. */
TREND_FLOAT8_ACCESSOR(krimp_trend_theil_sen_ci_low, ts_ci_low)
/* Upper end of Sen's 95% interval for the slope. */
TREND_FLOAT8_ACCESSOR(krimp_trend_theil_sen_ci_high, ts_ci_high)
/* Variance of the Mann-Kendall S, corrected for ties. */
TREND_FLOAT8_ACCESSOR(krimp_trend_mann_kendall_var_s, mk_var_s)
/* Kendall's tau-a = S / (n(n-1)/2). */
TREND_FLOAT8_ACCESSOR(krimp_trend_kendall_tau, kendall_tau)
/* Two-sided Mann-Kendall p-value. */
TREND_FLOAT8_ACCESSOR(krimp_trend_mann_kendall_p, mk_p)

PG_FUNCTION_INFO_V1(krimp_trend_mann_kendall_s);
/* Mann-Kendall S; NULL for fewer than three values. */
Datum
krimp_trend_mann_kendall_s(PG_FUNCTION_ARGS)
{
	double		v = PG_GETARG_TREND_P(0)->mk_s;

	if (isnan(v))
		PG_RETURN_NULL();
	PG_RETURN_INT64((int64) v);
}

PG_FUNCTION_INFO_V1(krimp_trend_mann_kendall_exact);
/* Is the p-value exact?  NULL when there is no p-value. */
Datum
krimp_trend_mann_kendall_exact(PG_FUNCTION_ARGS)
{
	krimp_trend *t = PG_GETARG_TREND_P(0);

	if (isnan(t->mk_p))
		PG_RETURN_NULL();
	PG_RETURN_BOOL((t->flags & KRIMP_TREND_FLAG_EXACT) != 0);
}
