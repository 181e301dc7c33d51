/*
 * krimp_core.h
 *	  Shared definitions of krimp's numerical core: status codes, the error
 *	  record that core functions fill in, and the allocator hook.
 *
 * The core is plain C99 without PostgreSQL headers, so that the extension,
 * the unit tests, the fuzzers, the benchmarks and the command-line client
 * link the same code.  Core functions never print and never exit: they
 * return a status and describe a failure in a krimp_error, which the fmgr
 * layer turns into an ereport with the matching SQLSTATE.
 */
#ifndef KRIMP_CORE_H
#define KRIMP_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What went wrong; the fmgr layer maps each to one SQLSTATE. */
typedef enum krimp_status
{
	KRIMP_OK = 0,
	KRIMP_ERR_SYNTAX,			/* 22P02 invalid_text_representation */
	KRIMP_ERR_BINARY,			/* 22P03 invalid_binary_representation */
	KRIMP_ERR_RANGE,			/* 22003 numeric_value_out_of_range */
	KRIMP_ERR_PARAMETER,		/* 22023 invalid_parameter_value */
	KRIMP_ERR_MISMATCH,			/* 22023 as well, for mixed granularities */
	KRIMP_ERR_DUPLICATE,		/* 21000 cardinality_violation */
	KRIMP_ERR_DIVISION,			/* 22012 division_by_zero */
	KRIMP_ERR_NOT_FINITE,		/* 22000 data_exception: NaN or infinity */
	KRIMP_ERR_NOMEM				/* 53200 out_of_memory */
} krimp_status;

#define KRIMP_ERROR_MESSAGE_LEN 256
#define KRIMP_ERROR_DETAIL_LEN 512

/*
 * A failure as the user will read it: message, detail and hint follow the
 * PostgreSQL message style guide (message lower case without a final period;
 * detail and hint full sentences).  Empty strings mean "none".
 */
typedef struct krimp_error
{
	krimp_status status;
	char		message[KRIMP_ERROR_MESSAGE_LEN];
	char		detail[KRIMP_ERROR_DETAIL_LEN];
	char		hint[KRIMP_ERROR_MESSAGE_LEN];
} krimp_error;

#if defined(__GNUC__)
#define KRIMP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KRIMP_PRINTF(a, b)
#endif

/* Record a failure; returns false so callers can "return krimp_fail(...)". */
extern bool krimp_fail(krimp_error *err, krimp_status status, const char *fmt,...) KRIMP_PRINTF(3, 4);
/* Add a detail or a hint to the failure recorded last. */
extern void krimp_fail_detail(krimp_error *err, const char *fmt,...) KRIMP_PRINTF(2, 3);
extern void krimp_fail_hint(krimp_error *err, const char *fmt,...) KRIMP_PRINTF(2, 3);
/* Reset an error record to "no error". */
extern void krimp_error_clear(krimp_error *err);

/*
 * Memory: core code allocates through these hooks only.  The default is
 * malloc/free; the extension installs palloc/pfree (which never return NULL
 * and are released with their memory context), the client keeps malloc.
 * Core code treats NULL from krimp_alloc as KRIMP_ERR_NOMEM.
 */
typedef void *(*krimp_alloc_fn) (size_t size);
typedef void (*krimp_free_fn) (void *ptr);
extern void krimp_set_allocator(krimp_alloc_fn alloc_fn, krimp_free_fn free_fn);
extern void *krimp_alloc(size_t size);
extern void krimp_free(void *ptr);

/*
 * Shortest decimal text that reads back as exactly the same double
 * ("%.17g" at worst).  buf needs KRIMP_DOUBLE_BUFLEN bytes.  Returns the
 * length written.  Only for finite values.
 */
#define KRIMP_DOUBLE_BUFLEN 32
extern int	krimp_format_double(double value, char *buf);

#endif							/* KRIMP_CORE_H */
