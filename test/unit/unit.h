/*
 * unit.h
 *	  A minimal harness for the core's C unit tests.  Each test_*.c file is
 *	  one suite: it defines test cases as functions and runs them with RUN();
 *	  a case fails if any CHECK in it fails.  The suite ends with the line
 *	  "N passed, N failed" and exits non-zero on a failure.
 */
#ifndef KRIMP_UNIT_H
#define KRIMP_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int	unit_case_failed;
static int	unit_passed;
static int	unit_failed;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			unit_case_failed = 1; \
		} \
	} while (0)

/* |a - b| <= tol * max(1, |b|) */
#define CHECK_NEAR(a, b, tol) \
	do { \
		double _a = (a), _b = (b); \
		double _scale = fabs(_b) > 1.0 ? fabs(_b) : 1.0; \
		if (!(fabs(_a - _b) <= (tol) * _scale)) { \
			fprintf(stderr, "  %s:%d: %s = %.17g, expected %.17g (tolerance %g)\n", \
					__FILE__, __LINE__, #a, _a, _b, (double) (tol)); \
			unit_case_failed = 1; \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *_a = (a), *_b = (b); \
		if (strcmp(_a, _b) != 0) { \
			fprintf(stderr, "  %s:%d: %s = \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, _a, _b); \
			unit_case_failed = 1; \
		} \
	} while (0)

#define RUN(fn) \
	do { \
		unit_case_failed = 0; \
		fn(); \
		if (unit_case_failed) { unit_failed++; printf("not ok - %s\n", #fn); } \
		else { unit_passed++; printf("ok - %s\n", #fn); } \
	} while (0)

#define UNIT_DONE() \
	do { \
		printf("%d passed, %d failed\n", unit_passed, unit_failed); \
		return unit_failed ? 1 : 0; \
	} while (0)

#endif							/* KRIMP_UNIT_H */
