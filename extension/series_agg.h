/*
 * series_agg.h
 *	  The transition state of krimp.series_agg(period, double precision), which
 *	  other aggregates (krimp.trend_agg) reuse with a final function of their
 *	  own.
 *
 * Reusing the state: declare the aggregate with
 *
 *	  SFUNC = krimp.series_agg_transfn, STYPE = internal,
 *	  COMBINEFUNC = krimp.series_agg_combinefn,
 *	  SERIALFUNC = krimp.series_agg_serialfn,
 *	  DESERIALFUNC = krimp.series_agg_deserialfn,
 *	  FINALFUNC = <yours>, FINALFUNC_MODIFY = READ_ONLY, PARALLEL = SAFE
 *
 * and in the final function (not strict: the state may be SQL NULL):
 *
 *	  KrimpSeriesAggState *state = PG_ARGISNULL(0) ? NULL :
 *		  (KrimpSeriesAggState *) PG_GETARG_POINTER(0);
 *	  krimp_series *s = krimp_series_agg_state_build(state);
 *	  if (s == NULL) PG_RETURN_NULL();	-- no rows with a period
 *
 * The series is sorted by construction: value i belongs to
 * krimp_series_period_at(s, i), gaps and NULL inputs are missing values
 * (krimp_is_missing), duplicate periods and mixed granularities have been
 * reported as errors.  The state is left untouched, so the final function
 * may run again.
 */
#ifndef KRIMP_SERIES_AGG_H
#define KRIMP_SERIES_AGG_H

#include "series.h"

/*
 * The series_agg transition state, in the aggregate memory context: the
 * observations in arrival order (no per-row allocation; the array doubles
 * when full).  Values are finite or the canonical missing NaN; rows with a
 * NULL period are not recorded.
 */
typedef struct KrimpSeriesAggState
{
	int32		count;			/* observations recorded */
	int32		capacity;		/* allocated length of points */
	krimp_series_point *points;
} KrimpSeriesAggState;

/*
 * The series the state describes, palloc'd in the current context, or NULL
 * for a NULL or empty state.  ereports duplicate periods (21000) and mixed
 * granularities (22023).  Does not modify the state.
 */
extern krimp_series *krimp_series_agg_state_build(const KrimpSeriesAggState *state);

#endif							/* KRIMP_SERIES_AGG_H */
