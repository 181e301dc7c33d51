/*
 * codes.c
 *	  SQL functions over the core's code and number checks (core/codes.h):
 *	  krimp.region_level, krimp.is_group_code, krimp.number_problem and
 *	  krimp.parse_number.
 */
#include "krimp.h"

#include "utils/builtins.h"

#include "core/codes.h"

PG_FUNCTION_INFO_V1(krimp_region_level);
PG_FUNCTION_INFO_V1(krimp_is_group_code);
PG_FUNCTION_INFO_V1(krimp_number_problem);
PG_FUNCTION_INFO_V1(krimp_parse_number_fn);

/* krimp.region_level(code text) RETURNS text: the level, or NULL */
Datum
krimp_region_level(PG_FUNCTION_ARGS)
{
	text	   *code = PG_GETARG_TEXT_PP(0);
	const char *level = krimp_region_level_of(VARDATA_ANY(code), VARSIZE_ANY_EXHDR(code));

	if (level == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(level));
}

/* krimp.is_group_code(code text) RETURNS boolean */
Datum
krimp_is_group_code(PG_FUNCTION_ARGS)
{
	text	   *code = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(krimp_group_code_valid(VARDATA_ANY(code), VARSIZE_ANY_EXHDR(code)));
}

/* krimp.number_problem(value_text text) RETURNS text: NULL for a number, else the reason */
Datum
krimp_number_problem(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	krimp_error err;

	if (krimp_parse_number(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value), NULL, &err))
		PG_RETURN_NULL();
	if (err.status == KRIMP_ERR_NOMEM)
		krimp_report_error(&err);
	PG_RETURN_TEXT_P(cstring_to_text(err.message));
}

/* krimp.parse_number(value_text text) RETURNS double precision */
Datum
krimp_parse_number_fn(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	krimp_error err;
	double		v;

	if (!krimp_parse_number(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value), &v, &err))
		krimp_report_error(&err);
	PG_RETURN_FLOAT8(v);
}
