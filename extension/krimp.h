/*
 * krimp.h
 *	  Shared declarations of the fmgr layer: reporting core errors as
 *	  PostgreSQL errors, and version shims.  Included only by the files of extension/;
 *	  the core (extension/core) never sees PostgreSQL headers.
 */
#ifndef KRIMP_H
#define KRIMP_H

#include "postgres.h"
#include "fmgr.h"

#include "core/krimp_core.h"
#include "core/period.h"

/* Datum conversion for krimp.period (an int32 passed by value). */
#define DatumGetPeriod(d)		((krimp_period) DatumGetInt32(d))
#define PeriodGetDatum(p)		Int32GetDatum((int32) (p))
#define PG_GETARG_PERIOD(n)		DatumGetPeriod(PG_GETARG_DATUM(n))
#define PG_RETURN_PERIOD(p)		return PeriodGetDatum(p)

/* The SQLSTATE for a core status. */
extern int	krimp_sqlstate(krimp_status status);

/* ereport(ERROR) the failure recorded in err; does not return. */
extern void krimp_report_error(const krimp_error *err) pg_attribute_noreturn();

/*
 * Report an input error softly where the server supports it (PostgreSQL 16
 * and later pass an ErrorSaveContext in fcinfo->context, so that
 * pg_input_is_valid() works); on PostgreSQL 15 this is an ordinary ERROR.
 * Returns only when the error was saved softly.
 */
extern void krimp_report_input_error(FunctionCallInfo fcinfo, const krimp_error *err);

/* Text of a period in canonical form, palloc'd. */
extern char *krimp_period_cstring(krimp_period p);

#endif							/* KRIMP_H */
