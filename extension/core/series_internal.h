/*
 * series_internal.h
 *	  What series.c and series_ops.c share (not for users of the core: they
 *	  include series.h).
 */
#ifndef KRIMP_SERIES_INTERNAL_H
#define KRIMP_SERIES_INTERNAL_H

#include "series.h"

/* A period's text into buf (KRIMP_PERIOD_BUFLEN bytes), for messages; returns true. */
static inline bool
period_text(krimp_period p, char *buf)
{
	krimp_period_format(p, buf);
	return true;
}

#endif							/* KRIMP_SERIES_INTERNAL_H */
