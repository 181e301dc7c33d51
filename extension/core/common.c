/*
 * common.c
 *	  The core's error record, allocator hook and exact double formatting.
 */
#include "krimp_core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static krimp_alloc_fn core_alloc = malloc;
static krimp_free_fn core_free = free;

bool
krimp_fail(krimp_error *err, krimp_status status, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return false;
	krimp_error_clear(err);
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

void
krimp_fail_detail(krimp_error *err, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

void
krimp_fail_hint(krimp_error *err, const char *fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

void
krimp_error_clear(krimp_error *err)
{
	if (err == NULL)
		return;
	err->status = KRIMP_OK;
	err->message[0] = '\0';
	err->detail[0] = '\0';
	err->hint[0] = '\0';
}

void
krimp_set_allocator(krimp_alloc_fn alloc_fn, krimp_free_fn free_fn)
{
	core_alloc = alloc_fn ? alloc_fn : malloc;
	core_free = free_fn ? free_fn : free;
}

void *
krimp_alloc(size_t size)
{
	return core_alloc(size ? size : 1);
}

void
krimp_free(void *ptr)
{
	if (ptr != NULL)
		core_free(ptr);
}

/*
 * Shortest round-trip decimal form: try increasing precision until strtod
 * gives back the same bits.  15 digits suffice for most values, 17 always.
 * The server and the client run with LC_NUMERIC "C", so '.' is the decimal
 * separator.
 */
int
krimp_format_double(double value, char *buf)
{
	int			len = 0;

	if (value == 0.0)
	{
		/* keep the sign of negative zero out of the text form */
		strcpy(buf, "0");
		return 1;
	}
	for (int precision = 15; precision <= 17; precision++)
	{
		len = snprintf(buf, KRIMP_DOUBLE_BUFLEN, "%.*g", precision, value);
		if (strtod(buf, NULL) == value)
			break;
	}
	return len;
}
