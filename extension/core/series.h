/*
 * series.h
 *	  krimp_series: one indicator's regular time series in one region, its
 *	  on-disk layout, text form, validation and the analysts' arithmetic.
 *
 * A series is a varlena (the SQL type krimp.series, STORAGE extended):
 *
 *	  offset  size  field
 *	       0     4  vl_len_   varlena header (set by the fmgr layer)
 *	       4     1  version   KRIMP_SERIES_VERSION (1)
 *	       5     1  flags     reserved, must be 0
 *	       6     2  reserved  must be 0
 *	       8     4  start     krimp_period of the first value
 *	      12     4  count     number of values, 1 .. KRIMP_SERIES_MAX_COUNT
 *	      16  8 * count       float8 values, 8-byte aligned
 *
 * Value i belongs to period start + i steps of the start's granularity; the
 * last period must be a valid period.  A missing value is stored as the one
 * canonical quiet NaN KRIMP_SERIES_MISSING_BITS; real values are finite
 * (NaN and infinity are refused on every input path).  In memory any NaN
 * counts as missing (krimp_is_missing), on disk only the canonical one is
 * valid.  An empty series does not exist: functions return SQL NULL instead.
 *
 * Core functions allocate with krimp_alloc and leave vl_len_ to the caller;
 * they report failures in a krimp_error and never print or exit.
 */
#ifndef KRIMP_SERIES_H
#define KRIMP_SERIES_H

#include <string.h>

#include "krimp_core.h"
#include "period.h"

#define KRIMP_SERIES_VERSION 1
#define KRIMP_SERIES_HEADER_SIZE 16
/* Every month from the first to the last year a period can have. */
#define KRIMP_SERIES_MAX_COUNT ((KRIMP_PERIOD_MAX_YEAR - KRIMP_PERIOD_MIN_YEAR + 1) * 12)
#define KRIMP_SERIES_MISSING_BITS UINT64_C(0x7FF8000000000000)

/* How to write a series, for error details. */
#define KRIMP_SERIES_FORM \
	"A series is written as its first period, a colon and its values in braces, " \
	"for example 2002:{29543,29412,NULL,3.5}, with NULL for a missing value."

typedef struct krimp_series
{
	int32_t		vl_len_;		/* varlena header; never touched by the core */
	uint8_t		version;
	uint8_t		flags;
	uint16_t	reserved;
	krimp_period start;
	int32_t		count;
	double		values[];		/* count values */
} krimp_series;

/* One observation, as collected by series_agg. */
typedef struct krimp_series_point
{
	double		value;			/* finite, or missing (NaN) */
	krimp_period period;
} krimp_series_point;

/* Element-wise operations. */
typedef enum krimp_series_op
{
	KRIMP_OP_ADD,
	KRIMP_OP_SUB,
	KRIMP_OP_MUL,
	KRIMP_OP_DIV,
	KRIMP_OP_WEIGHTED,			/* a / b, missing where b is 0 (weighted mean) */
	KRIMP_OP_RIGHT				/* b, missing where a is missing (masking) */
} krimp_series_op;

/* From-to measures. */
typedef enum krimp_series_measure
{
	KRIMP_MEASURE_CHANGE,		/* v(to) - v(from) */
	KRIMP_MEASURE_PCT_CHANGE,	/* (v(to) - v(from)) / v(from) * 100 */
	KRIMP_MEASURE_CAGR			/* ((v(to) / v(from))^(1 / years) - 1) * 100 */
} krimp_series_measure;

/* Aggregation methods of regrain. */
typedef enum krimp_regrain_method
{
	KRIMP_REGRAIN_SUM,
	KRIMP_REGRAIN_MEAN,
	KRIMP_REGRAIN_FIRST,
	KRIMP_REGRAIN_LAST
} krimp_regrain_method;

/* The canonical missing value. */
static inline double
krimp_missing(void)
{
	uint64_t	bits = KRIMP_SERIES_MISSING_BITS;
	double		d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* Is this value missing (any NaN)? */
static inline bool
krimp_is_missing(double v)
{
	return v != v;
}

/* Bytes of a series of count values, header included. */
static inline size_t
krimp_series_size(int32_t count)
{
	return KRIMP_SERIES_HEADER_SIZE + (size_t) count * sizeof(double);
}

/* A new series of count missing values from start; NULL and err on failure. */
extern krimp_series *krimp_series_new(krimp_period start, int32_t count, krimp_error *err);
/* Check a series image of len bytes (binary receive, fuzzing, corrupted data). */
extern bool krimp_series_validate(const void *buf, size_t len, krimp_error *err);
/* Period of value i (0 <= i < count). */
extern krimp_period krimp_series_period_at(const krimp_series *s, int32_t i);
/* Last period of the series. */
extern krimp_period krimp_series_last(const krimp_series *s);
/* Position of period p relative to the start (may be outside 0..count-1); error if granularity differs. */
extern bool krimp_series_offset(const krimp_series *s, krimp_period p, int64_t *out, krimp_error *err);
/* Do both series hold the same periods and values? */
extern bool krimp_series_equal(const krimp_series *a, const krimp_series *b);

/* Parse the text form; NULL and err on failure. */
extern krimp_series *krimp_series_parse(const char *text, krimp_error *err);
/* The text form, allocated with krimp_alloc. */
extern char *krimp_series_format(const krimp_series *s);

/*
 * Build a series from n >= 1 observations in any order: gaps become missing
 * values; duplicate periods (KRIMP_ERR_DUPLICATE) and mixed granularities
 * (KRIMP_ERR_MISMATCH) are errors naming the periods.  pts is not modified.
 */
extern krimp_series *krimp_series_from_points(const krimp_series_point *pts, int32_t n, krimp_error *err);

/* Values from..to inclusive (has_from/has_to false: open end); *out NULL if empty. */
extern bool krimp_series_slice(const krimp_series *s, bool has_from, krimp_period from,
							   bool has_to, krimp_period to, krimp_series **out, krimp_error *err);
/* A from-to measure; *isnull when a period is outside or missing. */
extern bool krimp_series_measure_of(const krimp_series *s, krimp_series_measure m,
									krimp_period from, krimp_period to,
									double *out, bool *isnull, krimp_error *err);
/* Index with base period = 100; *out NULL if the base is outside or missing. */
extern bool krimp_series_index(const krimp_series *s, krimp_period base,
							   krimp_series **out, krimp_error *err);
/* v(p) - v(p - lag); *out NULL if lag >= count. */
extern bool krimp_series_diff(const krimp_series *s, int32_t lag, krimp_series **out, krimp_error *err);
/* Difference with the same period a year earlier. */
extern bool krimp_series_yoy_diff(const krimp_series *s, krimp_series **out, krimp_error *err);
/*
 * Element-wise a op b.  Overlap mode (use_union false): the common periods,
 * *out NULL if none.  Union mode: all periods of either, missing where one
 * lacks the period.  Missing in, missing out.
 */
extern bool krimp_series_binop(const krimp_series *a, const krimp_series *b, krimp_series_op op,
							   bool use_union, krimp_series **out, krimp_error *err);
/* Element-wise s op x for a finite scalar x. */
extern bool krimp_series_scalar_op(const krimp_series *s, krimp_series_op op, double x,
								   krimp_series **out, krimp_error *err);
/* Coarser granularity g by method; a coarse period lacking a needed sub-period is missing. */
extern bool krimp_series_regrain(const krimp_series *s, krimp_granularity g, krimp_regrain_method method,
								 krimp_series **out, krimp_error *err);
/* Parse sum, mean, first or last. */
extern bool krimp_regrain_method_parse(const char *text, krimp_regrain_method *out, krimp_error *err);

#endif							/* KRIMP_SERIES_H */
