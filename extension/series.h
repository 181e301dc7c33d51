/*
 * series.h
 *	  fmgr-level declarations of krimp.series: Datum conversion.  For the
 *	  glue files that take or return a series; the aggregate state that
 *	  krimp.series_agg and krimp.trend_agg share is in series_agg.h.
 */
#ifndef KRIMP_SERIES_FMGR_H
#define KRIMP_SERIES_FMGR_H

#include "krimp.h"
#include "core/series.h"

/* Datum conversion for krimp.series (a varlena, possibly toasted). */
#define DatumGetSeriesP(d)		((krimp_series *) PG_DETOAST_DATUM(d))
#define PG_GETARG_SERIES_P(n)	DatumGetSeriesP(PG_GETARG_DATUM(n))
#define PG_RETURN_SERIES_P(s)	return krimp_series_datum(s)

/* Set the varlena length of a core-built series and return it as a Datum. */
extern Datum krimp_series_datum(krimp_series *s);

#endif							/* KRIMP_SERIES_FMGR_H */
