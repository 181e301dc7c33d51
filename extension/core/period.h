/*
 * period.h
 *	  krimp_period: a statistical reference period (year, half-year, quarter,
 *	  month, or a span of whole years such as 2005/2008).
 *
 * A period is one int32, so the SQL type is fixed size and passed by value:
 *
 *	  bits 30..14  start  = year * 12 + (first month - 1), year 1000..9999
 *	  bits 13..0   length in months minus one (1, 3, 6, 12 or 24.. for spans)
 *
 * The granularity follows from the length (1 month, 3 quarter, 6 half-year,
 * 12 year, a multiple of 12 from 24 on a span of years), so every period has
 * exactly one encoding, and comparing the integers orders periods the way
 * ranges are ordered: by first month, then by last month.  A span has to
 * cover at least two whole calendar years and at most KRIMP_SPAN_MAX_YEARS.
 */
#ifndef KRIMP_PERIOD_H
#define KRIMP_PERIOD_H

#include "krimp_core.h"

typedef int32_t krimp_period;

typedef enum krimp_granularity
{
	KRIMP_GRAN_MONTH = 1,
	KRIMP_GRAN_QUARTER = 3,
	KRIMP_GRAN_HALF = 6,
	KRIMP_GRAN_YEAR = 12,
	KRIMP_GRAN_SPAN = 24		/* any span of two or more whole years */
} krimp_granularity;

#define KRIMP_PERIOD_MIN_YEAR 1000
#define KRIMP_PERIOD_MAX_YEAR 9999
#define KRIMP_SPAN_MAX_YEARS 100
#define KRIMP_ROUND_ORIGIN_DEFAULT 2015
#define KRIMP_ROUND_LENGTH 5

/* Longest text form: "9999/9999" or "9999-Q1" plus NUL; leave room. */
#define KRIMP_PERIOD_BUFLEN 16

/* The accepted input forms, for error details. */
#define KRIMP_PERIOD_FORMS \
	"Accepted forms are a year (2013 or 2013JJ00), a half-year (2013-H2, 2013H2 or 2013HJ02), " \
	"a quarter (2013-Q3, 2013Q3 or 2013KW03), a month (2013-07 or 2013MM07) " \
	"and a span of years (2005/2008), with years from 1000 to 9999."

/* Parse text (CBS code or readable form, surrounding blanks ignored). */
extern bool krimp_period_parse(const char *text, krimp_period *out, krimp_error *err);
/* Canonical readable form: 2013, 2013-H2, 2013-Q3, 2013-07, 2005/2008. */
extern int	krimp_period_format(krimp_period p, char *buf);
/* CBS code (2013JJ00, 2013HJ02, 2013KW03, 2013MM07); false for a span, which has none. */
extern bool krimp_period_cbs_code(krimp_period p, char *buf);
/* Granularity name: month, quarter, half-year, year, span. */
extern const char *krimp_granularity_name(krimp_granularity g);
/* Parse a granularity name (as above, plus "half", "halfyear", "years"). */
extern bool krimp_granularity_parse(const char *text, krimp_granularity *out, krimp_error *err);

/* Is this int32 a valid period encoding?  (binary receive, fuzzing) */
extern bool krimp_period_is_valid(krimp_period p);
/* Build a period from its parts; sub is the half, quarter or month (1-based), end_year for spans. */
extern bool krimp_period_make(krimp_granularity g, int year, int sub, int end_year,
							  krimp_period *out, krimp_error *err);
/* The period of granularity g (not a span) containing the given month. */
extern bool krimp_period_containing(krimp_granularity g, int year, int month,
									krimp_period *out, krimp_error *err);

extern krimp_granularity krimp_period_granularity(krimp_period p);
extern int	krimp_period_months(krimp_period p);	/* length in months */
extern int	krimp_period_start_index(krimp_period p);	/* year * 12 + month - 1 */
extern int	krimp_period_year(krimp_period p);	/* year of the first month */
extern int	krimp_period_end_year(krimp_period p);	/* year of the last month */
extern int	krimp_period_sub(krimp_period p);	/* 1-based half/quarter/month, 0 for year and span */
/* First and last calendar day, as year, month, day. */
extern void krimp_period_first_day(krimp_period p, int *year, int *month, int *day);
extern void krimp_period_last_day(krimp_period p, int *year, int *month, int *day);

/* Same granularity, for spans also the same length. */
extern bool krimp_period_same_granularity(krimp_period a, krimp_period b);
/* p + n steps of its own granularity. */
extern bool krimp_period_add(krimp_period p, int64_t n, krimp_period *out, krimp_error *err);
/* a - b in steps of their (common) granularity. */
extern bool krimp_period_diff(krimp_period a, krimp_period b, int32_t *out, krimp_error *err);
/* Does a cover all of b? */
extern bool krimp_period_contains(krimp_period a, krimp_period b);
/* Do a and b share at least one month? */
extern bool krimp_period_overlaps(krimp_period a, krimp_period b);

/* How an indexed period p relates to a given period q. */
typedef enum krimp_period_relation
{
	KRIMP_PERIOD_WITHIN,		/* p <@ q */
	KRIMP_PERIOD_COVERS,		/* p @> q */
	KRIMP_PERIOD_OVERLAPS		/* p && q */
} krimp_period_relation;

/*
 * The stretch lo <= p < hi of the period order (by first month, then last
 * month) that holds every period p in the relation to q, for a btree index
 * to scan before the relation itself is checked on each row.  Periods are
 * ordered by their first month and none is longer than KRIMP_SPAN_MAX_YEARS,
 * so the stretch is bounded by first months: lo and hi are month periods.
 * *has_lo or *has_hi is false where the stretch reaches the first or the last
 * period there is.
 */
extern void krimp_period_index_range(krimp_period_relation rel, krimp_period q,
									 bool *has_lo, krimp_period *lo,
									 bool *has_hi, krimp_period *hi);
/* Five-year evaluation round the period's first year falls in: origin + 5 * floor((year - origin) / 5). */
extern int	krimp_period_round(krimp_period p, int origin);
/* Steps of granularity g in one year (12, 4, 2, 1); 0 for spans. */
extern int	krimp_granularity_per_year(krimp_granularity g);

/* Total order (integer order of the encoding). */
static inline int
krimp_period_cmp(krimp_period a, krimp_period b)
{
	return (a > b) - (a < b);
}

#endif							/* KRIMP_PERIOD_H */
