/*
 * fuzz_common.h
 *	  What the libFuzzer targets in test/fuzz/ share: a NUL-terminated copy
 *	  of the input (the server hands type input functions a C string, which
 *	  cannot hold a NUL), big-endian reads as pq_getmsgint/pq_getmsgfloat8 do,
 *	  and a check macro that aborts with a message, so that a broken
 *	  invariant is a crash libFuzzer records and minimises.
 */
#ifndef KRIMP_FUZZ_COMMON_H
#define KRIMP_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krimp_core.h"

#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s:%d: invariant broken: %s\n  ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* The input up to its first NUL, as a malloc'd C string. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t		n = nul ? (size_t) (nul - data) : size;
	char	   *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

static inline uint32_t
fuzz_be32(const uint8_t *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) | ((uint32_t) p[2] << 8) | p[3];
}

static inline double
fuzz_be_double(const uint8_t *p)
{
	uint64_t	bits = ((uint64_t) fuzz_be32(p) << 32) | fuzz_be32(p + 4);
	double		d;

	memcpy(&d, &bits, sizeof d);
	return d;
}

static inline uint64_t
fuzz_bits(double d)
{
	uint64_t	bits;

	memcpy(&bits, &d, sizeof bits);
	return bits;
}

/* Same value: both NaN, or equal (0 and -0 are equal: the text form drops the sign of zero). */
static inline int
fuzz_same_double(double a, double b)
{
	return (a != a && b != b) || a == b;
}

/* A failure must say what is wrong. */
static inline void
fuzz_check_error(const krimp_error *err)
{
	FUZZ_CHECK(err->status != KRIMP_OK, "a failure without a status");
	FUZZ_CHECK(err->message[0] != '\0', "a failure without a message (status %d)", (int) err->status);
	FUZZ_CHECK(memchr(err->message, 0, sizeof err->message) != NULL, "message not terminated");
	FUZZ_CHECK(memchr(err->detail, 0, sizeof err->detail) != NULL, "detail not terminated");
	FUZZ_CHECK(memchr(err->hint, 0, sizeof err->hint) != NULL, "hint not terminated");
}

#endif							/* KRIMP_FUZZ_COMMON_H */
