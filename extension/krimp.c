/*
 * krimp.c
 *	  Module magic, _PG_init, and the bridge from core errors to ereport.
 */
#include "krimp.h"

#include "utils/elog.h"
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#endif

PG_MODULE_MAGIC;

void		_PG_init(void);

static void *
krimp_palloc(size_t size)
{
	return palloc(size);
}

static void
krimp_pfree(void *ptr)
{
	pfree(ptr);
}

/* Route the core's allocations to palloc, so memory contexts own them. */
void
_PG_init(void)
{
	krimp_set_allocator(krimp_palloc, krimp_pfree);
}

int
krimp_sqlstate(krimp_status status)
{
	switch (status)
	{
		case KRIMP_OK:
			break;
		case KRIMP_ERR_SYNTAX:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case KRIMP_ERR_BINARY:
			return ERRCODE_INVALID_BINARY_REPRESENTATION;
		case KRIMP_ERR_RANGE:
			return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
		case KRIMP_ERR_PARAMETER:
		case KRIMP_ERR_MISMATCH:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case KRIMP_ERR_DUPLICATE:
			return ERRCODE_CARDINALITY_VIOLATION;
		case KRIMP_ERR_DIVISION:
			return ERRCODE_DIVISION_BY_ZERO;
		case KRIMP_ERR_NOT_FINITE:
			return ERRCODE_DATA_EXCEPTION;
		case KRIMP_ERR_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
	}
	return ERRCODE_INTERNAL_ERROR;
}

void
krimp_report_error(const krimp_error *err)
{
	ereport(ERROR,
			(errcode(krimp_sqlstate(err->status)),
			 errmsg_internal("%s", err->message),
			 err->detail[0] ? errdetail_internal("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}

void
krimp_report_input_error(FunctionCallInfo fcinfo, const krimp_error *err)
{
#if PG_VERSION_NUM >= 160000
	errsave(fcinfo->context,
			(errcode(krimp_sqlstate(err->status)),
			 errmsg_internal("%s", err->message),
			 err->detail[0] ? errdetail_internal("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
#else
	(void) fcinfo;
	krimp_report_error(err);
#endif
}

char *
krimp_period_cstring(krimp_period p)
{
	char	   *buf = palloc(KRIMP_PERIOD_BUFLEN);

	krimp_period_format(p, buf);
	return buf;
}
