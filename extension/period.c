/*
 * period.c
 *	  fmgr layer of krimp.period: text and binary I/O, comparison and hash
 *	  support, arithmetic, calendar accessors and containment.  The logic
 *	  lives in core/period.c; this file converts Datums and reports errors.
 */
#include "krimp.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"
#include "catalog/pg_type.h"
#include "access/stratnum.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_proc.h"
/* the planner's headers (for krimp_period_support) carry unused parameters */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#pragma GCC diagnostic pop

/* Report a core failure unless ok. */
#define CHECK_CORE(ok, err) do { if (!(ok)) krimp_report_error(&(err)); } while (0)

PG_FUNCTION_INFO_V1(krimp_period_in);
/* Text input: CBS codes and readable forms; errors are soft where supported. */
Datum
krimp_period_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	krimp_period p;
	krimp_error err;

	if (!krimp_period_parse(str, &p, &err))
	{
		krimp_report_input_error(fcinfo, &err);
		PG_RETURN_NULL();
	}
	PG_RETURN_PERIOD(p);
}

PG_FUNCTION_INFO_V1(krimp_period_out);
/* Text output in the one canonical readable form. */
Datum
krimp_period_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(krimp_period_cstring(PG_GETARG_PERIOD(0)));
}

PG_FUNCTION_INFO_V1(krimp_period_recv);
/* Binary input: an int32 encoding, re-validated. */
Datum
krimp_period_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		raw = pq_getmsgint(buf, 4);

	if (!krimp_period_is_valid((krimp_period) raw))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external binary value for type period: %d", raw),
				 errdetail("The value does not encode a month, quarter, half-year, year or span of years from 1000 to 9999.")));
	PG_RETURN_PERIOD((krimp_period) raw);
}

PG_FUNCTION_INFO_V1(krimp_period_send);
/* Binary output: the int32 encoding in network byte order. */
Datum
krimp_period_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, (int32) PG_GETARG_PERIOD(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---- comparison ---------------------------------------------------- */

PG_FUNCTION_INFO_V1(krimp_period_cmp_fn);
/* btree support: -1, 0 or 1. */
Datum
krimp_period_cmp_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(krimp_period_cmp(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)));
}

#define PERIOD_CMP_FN(name, op) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_PERIOD(0) op PG_GETARG_PERIOD(1)); \
}

PERIOD_CMP_FN(krimp_period_eq, ==)
PERIOD_CMP_FN(krimp_period_ne, !=)
PERIOD_CMP_FN(krimp_period_lt, <)
PERIOD_CMP_FN(krimp_period_le, <=)
PERIOD_CMP_FN(krimp_period_gt, >)
PERIOD_CMP_FN(krimp_period_ge, >=)

PG_FUNCTION_INFO_V1(krimp_period_hash);
/* hash support, consistent with int4's hash of the encoding */
Datum
krimp_period_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_PERIOD(0));
}

PG_FUNCTION_INFO_V1(krimp_period_hash_extended);
/* extended hash support (partitioning by hash) */
Datum
krimp_period_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_PERIOD(0), PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(krimp_period_smaller);
/* min() support */
Datum
krimp_period_smaller(PG_FUNCTION_ARGS)
{
	krimp_period a = PG_GETARG_PERIOD(0),
				b = PG_GETARG_PERIOD(1);

	PG_RETURN_PERIOD(a < b ? a : b);
}

PG_FUNCTION_INFO_V1(krimp_period_larger);
/* max() support */
Datum
krimp_period_larger(PG_FUNCTION_ARGS)
{
	krimp_period a = PG_GETARG_PERIOD(0),
				b = PG_GETARG_PERIOD(1);

	PG_RETURN_PERIOD(a > b ? a : b);
}

/* ---- arithmetic ---------------------------------------------------- */

PG_FUNCTION_INFO_V1(krimp_period_pl_int4);
/* period + n steps of its own granularity */
Datum
krimp_period_pl_int4(PG_FUNCTION_ARGS)
{
	krimp_period out;
	krimp_error err;

	CHECK_CORE(krimp_period_add(PG_GETARG_PERIOD(0), PG_GETARG_INT32(1), &out, &err), err);
	PG_RETURN_PERIOD(out);
}

PG_FUNCTION_INFO_V1(krimp_int4_pl_period);
/* n + period */
Datum
krimp_int4_pl_period(PG_FUNCTION_ARGS)
{
	krimp_period out;
	krimp_error err;

	CHECK_CORE(krimp_period_add(PG_GETARG_PERIOD(1), PG_GETARG_INT32(0), &out, &err), err);
	PG_RETURN_PERIOD(out);
}

PG_FUNCTION_INFO_V1(krimp_period_mi_int4);
/* period - n steps */
Datum
krimp_period_mi_int4(PG_FUNCTION_ARGS)
{
	krimp_period out;
	krimp_error err;

	CHECK_CORE(krimp_period_add(PG_GETARG_PERIOD(0), -(int64) PG_GETARG_INT32(1), &out, &err), err);
	PG_RETURN_PERIOD(out);
}

PG_FUNCTION_INFO_V1(krimp_period_mi);
/* period - period: steps between two periods of the same granularity */
Datum
krimp_period_mi(PG_FUNCTION_ARGS)
{
	int32		steps;
	krimp_error err;

	CHECK_CORE(krimp_period_diff(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1), &steps, &err), err);
	PG_RETURN_INT32(steps);
}

/* ---- containment --------------------------------------------------- */

PG_FUNCTION_INFO_V1(krimp_period_contains_fn);
/* a @> b: a covers all of b */
Datum
krimp_period_contains_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(krimp_period_contains(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)));
}

PG_FUNCTION_INFO_V1(krimp_period_contained_fn);
/* a <@ b: b covers all of a */
Datum
krimp_period_contained_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(krimp_period_contains(PG_GETARG_PERIOD(1), PG_GETARG_PERIOD(0)));
}

PG_FUNCTION_INFO_V1(krimp_period_overlaps_fn);
/* a && b: they share at least one month */
Datum
krimp_period_overlaps_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(krimp_period_overlaps(PG_GETARG_PERIOD(0), PG_GETARG_PERIOD(1)));
}

/* ---- containment as a btree range (planner support) ----------------- */

/*
 * Which relation a function of krimp's containment is, by its C symbol (the
 * operators' functions and their plain-named twins share them): false for
 * any other function.
 */
static bool
containment_function(Oid funcid, bool *contains, bool *contained, bool *overlaps)
{
	HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	bool		isnull;
	Datum		src;
	char	   *name;

	*contains = *contained = *overlaps = false;
	if (!HeapTupleIsValid(tuple))
		return false;
	src = SysCacheGetAttr(PROCOID, tuple, Anum_pg_proc_prosrc, &isnull);
	if (!isnull)
	{
		name = TextDatumGetCString(src);
		*contains = strcmp(name, "krimp_period_contains_fn") == 0;
		*contained = strcmp(name, "krimp_period_contained_fn") == 0;
		*overlaps = strcmp(name, "krimp_period_overlaps_fn") == 0;
		pfree(name);
	}
	ReleaseSysCache(tuple);
	return *contains || *contained || *overlaps;
}

static Expr *
period_bound(Oid opfamily, int strategy, Node *indexed, krimp_period bound)
{
	Oid			type = exprType(indexed);
	Oid			op = get_opfamily_member(opfamily, type, type, strategy);

	if (!OidIsValid(op))
		return NULL;
	return make_opclause(op, BOOLOID, false, (Expr *) copyObject(indexed),
						 (Expr *) makeConst(type, -1, InvalidOid, sizeof(int32),
											PeriodGetDatum(bound), false, true),
						 InvalidOid, InvalidOid);
}

PG_FUNCTION_INFO_V1(krimp_period_support);
/*
 * Planner support of @>, <@ and && (and krimp.contains, krimp.within,
 * krimp.overlaps): a btree index on a period column scans only the stretch of
 * first months that can hold a match (krimp_period_index_range), and the
 * relation itself is checked on the rows found, as LIKE 'abc%' becomes a
 * btree range.  Only for a constant on the other side.
 */
Datum
krimp_period_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestIndexCondition *req;
	List	   *args;
	Oid			funcid;
	Node	   *indexed,
			   *other;
	bool		contains,
				contained,
				overlaps,
				has_lo,
				has_hi;
	krimp_period lo,
				hi;
	krimp_period_relation rel;
	List	   *conds = NIL;

	if (!IsA(rawreq, SupportRequestIndexCondition))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestIndexCondition *) rawreq;
	if (is_opclause(req->node))
	{
		funcid = ((OpExpr *) req->node)->opfuncid;
		args = ((OpExpr *) req->node)->args;
	}
	else if (is_funcclause(req->node))
	{
		funcid = ((FuncExpr *) req->node)->funcid;
		args = ((FuncExpr *) req->node)->args;
	}
	else
		PG_RETURN_POINTER(NULL);
	if (list_length(args) != 2 || req->indexarg > 1 ||
		req->index->relam != BTREE_AM_OID ||
		!containment_function(funcid, &contains, &contained, &overlaps))
		PG_RETURN_POINTER(NULL);
	indexed = (Node *) list_nth(args, req->indexarg);
	other = (Node *) list_nth(args, 1 - req->indexarg);
	if (!IsA(other, Const) || ((Const *) other)->constisnull ||
		exprType(other) != exprType(indexed))
		PG_RETURN_POINTER(NULL);

	/* the relation of the indexed period p to the constant q */
	if (overlaps)
		rel = KRIMP_PERIOD_OVERLAPS;
	else if (contains == (req->indexarg == 0))
		rel = KRIMP_PERIOD_COVERS;	/* p @> q, or q <@ p */
	else
		rel = KRIMP_PERIOD_WITHIN;	/* p <@ q, or q @> p */
	krimp_period_index_range(rel, DatumGetPeriod(((Const *) other)->constvalue),
							 &has_lo, &lo, &has_hi, &hi);
	if (has_lo)
	{
		Expr	   *e = period_bound(req->opfamily, BTGreaterEqualStrategyNumber, indexed, lo);

		if (e == NULL)
			PG_RETURN_POINTER(NULL);
		conds = lappend(conds, e);
	}
	if (has_hi)
	{
		Expr	   *e = period_bound(req->opfamily, BTLessStrategyNumber, indexed, hi);

		if (e == NULL)
			PG_RETURN_POINTER(NULL);
		conds = lappend(conds, e);
	}
	if (conds == NIL)
		PG_RETURN_POINTER(NULL);
	req->lossy = true;
	PG_RETURN_POINTER(conds);
}

/* ---- calendar ------------------------------------------------------ */

static DateADT
period_date(int y, int m, int d)
{
	return date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
}

PG_FUNCTION_INFO_V1(krimp_period_first_day_fn);
/* first calendar day of the period */
Datum
krimp_period_first_day_fn(PG_FUNCTION_ARGS)
{
	int			y,
				m,
				d;

	krimp_period_first_day(PG_GETARG_PERIOD(0), &y, &m, &d);
	PG_RETURN_DATEADT(period_date(y, m, d));
}

PG_FUNCTION_INFO_V1(krimp_period_last_day_fn);
/* last calendar day of the period */
Datum
krimp_period_last_day_fn(PG_FUNCTION_ARGS)
{
	int			y,
				m,
				d;

	krimp_period_last_day(PG_GETARG_PERIOD(0), &y, &m, &d);
	PG_RETURN_DATEADT(period_date(y, m, d));
}

PG_FUNCTION_INFO_V1(krimp_period_daterange);
/* the period as a daterange [first day, last day + 1) */
Datum
krimp_period_daterange(PG_FUNCTION_ARGS)
{
	krimp_period p = PG_GETARG_PERIOD(0);
	int			y,
				m,
				d;
	RangeBound	lower,
				upper;
	TypeCacheEntry *typcache = lookup_type_cache(DATERANGEOID, TYPECACHE_RANGE_INFO);

	krimp_period_first_day(p, &y, &m, &d);
	lower.val = DateADTGetDatum(period_date(y, m, d));
	lower.infinite = false;
	lower.inclusive = true;
	lower.lower = true;
	krimp_period_last_day(p, &y, &m, &d);
	upper.val = DateADTGetDatum(period_date(y, m, d) + 1);
	upper.infinite = false;
	upper.inclusive = false;
	upper.lower = false;
	PG_RETURN_RANGE_P(make_range(typcache, &lower, &upper, false));
}

PG_FUNCTION_INFO_V1(krimp_period_granularity_fn);
/* granularity name: month, quarter, half-year, year or span */
Datum
krimp_period_granularity_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(krimp_granularity_name(krimp_period_granularity(PG_GETARG_PERIOD(0)))));
}

PG_FUNCTION_INFO_V1(krimp_period_year_fn);
/* calendar year of the first month */
Datum
krimp_period_year_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(krimp_period_year(PG_GETARG_PERIOD(0)));
}

PG_FUNCTION_INFO_V1(krimp_period_end_year_fn);
/* calendar year of the last month */
Datum
krimp_period_end_year_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(krimp_period_end_year(PG_GETARG_PERIOD(0)));
}

PG_FUNCTION_INFO_V1(krimp_period_months_fn);
/* length in months */
Datum
krimp_period_months_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(krimp_period_months(PG_GETARG_PERIOD(0)));
}

PG_FUNCTION_INFO_V1(krimp_period_cbs_code_fn);
/* CBS Perioden code; NULL for a span, for which CBS has no code */
Datum
krimp_period_cbs_code_fn(PG_FUNCTION_ARGS)
{
	char		buf[KRIMP_PERIOD_BUFLEN];

	if (!krimp_period_cbs_code(PG_GETARG_PERIOD(0), buf))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}

PG_FUNCTION_INFO_V1(krimp_period_round_fn);
/* five-year evaluation round the period falls in, from an origin year */
Datum
krimp_period_round_fn(PG_FUNCTION_ARGS)
{
	int32		origin = PG_GETARG_INT32(1);

	if (origin < KRIMP_PERIOD_MIN_YEAR || origin > KRIMP_PERIOD_MAX_YEAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("round origin %d is out of range", origin),
				 errdetail("The origin is the year of a first round, from %d to %d; the default is %d.",
						   KRIMP_PERIOD_MIN_YEAR, KRIMP_PERIOD_MAX_YEAR, KRIMP_ROUND_ORIGIN_DEFAULT)));
	PG_RETURN_INT32(krimp_period_round(PG_GETARG_PERIOD(0), origin));
}

PG_FUNCTION_INFO_V1(krimp_period_make_fn);
/* period(granularity, year, sub): build a period from its parts */
Datum
krimp_period_make_fn(PG_FUNCTION_ARGS)
{
	char	   *gname = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int32		year = PG_GETARG_INT32(1);
	int32		sub = PG_GETARG_INT32(2);
	krimp_granularity g;
	krimp_period p;
	krimp_error err;

	CHECK_CORE(krimp_granularity_parse(gname, &g, &err), err);
	/* for a span, the third argument is the last year */
	CHECK_CORE(krimp_period_make(g, year, sub, sub, &p, &err), err);
	PG_RETURN_PERIOD(p);
}

PG_FUNCTION_INFO_V1(krimp_period_of_date);
/* the period of a granularity that contains a date */
Datum
krimp_period_of_date(PG_FUNCTION_ARGS)
{
	DateADT		date = PG_GETARG_DATEADT(0);
	char	   *gname = text_to_cstring(PG_GETARG_TEXT_PP(1));
	krimp_granularity g;
	krimp_period p;
	krimp_error err;
	int			y,
				m,
				d;

	if (DATE_NOT_FINITE(date))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot take the period of an infinite date")));
	CHECK_CORE(krimp_granularity_parse(gname, &g, &err), err);
	j2date(date + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	CHECK_CORE(krimp_period_containing(g, y, m, &p, &err), err);
	PG_RETURN_PERIOD(p);
}

PG_FUNCTION_INFO_V1(krimp_period_to_granularity);
/* the period of a coarser granularity that contains this one (2013-07 -> 2013-Q3) */
Datum
krimp_period_to_granularity(PG_FUNCTION_ARGS)
{
	krimp_period p = PG_GETARG_PERIOD(0);
	char	   *gname = text_to_cstring(PG_GETARG_TEXT_PP(1));
	krimp_granularity g;
	krimp_period out;
	krimp_error err;
	int			start = krimp_period_start_index(p);

	CHECK_CORE(krimp_granularity_parse(gname, &g, &err), err);
	CHECK_CORE(krimp_period_containing(g, start / 12, start % 12 + 1, &out, &err), err);
	if (!krimp_period_contains(out, p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period %s does not fit in one %s", krimp_period_cstring(p), gname),
				 errdetail("A period can be converted only to a granularity that is as coarse or coarser.")));
	PG_RETURN_PERIOD(out);
}

PG_FUNCTION_INFO_V1(krimp_period_try_parse);
/* text -> period, or NULL where the text is not a period (for loaders) */
Datum
krimp_period_try_parse(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	krimp_period p;
	krimp_error err;

	if (!krimp_period_parse(str, &p, &err))
		PG_RETURN_NULL();
	PG_RETURN_PERIOD(p);
}
