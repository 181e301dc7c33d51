/*
 * codes.h
 *	  The checks of the codes and numbers krimp reads from files: the level
 *	  of a CBS region code and the number rule of krimp.apply_batch().
 *
 * One rule for the server (krimp.region_level, krimp.number_problem,
 * krimp.parse_number) and the client (krimpctl load), so that a row the
 * client lets through is a row the server files.
 */
#ifndef KRIMP_CODES_H
#define KRIMP_CODES_H

#include "krimp_core.h"

/*
 * The level of a normalised CBS region code (upper case, no blanks):
 * "country" (NL0#), "landsdeel" (LD01-LD04), "province" (PV##),
 * "corop" (CR##), "municipality" (GM####), "district" (WK######) or
 * "neighbourhood" (BU########); NULL when code is none of them.  A
 * district's or neighbourhood's part after its municipality's four digits
 * may hold upper-case letters as well as digits (Amsterdam's WK0363AB,
 * BU0363AC03).  code need not be NUL-terminated: len bytes are read.
 */
extern const char *krimp_region_level_of(const char *code, size_t len);

/* Most bytes of a group code. */
#define KRIMP_GROUP_CODE_MAX 32

/*
 * Whether code is the code of a designated group of regions (the row in
 * krimp.region that holds a group's own figures): an upper-case letter,
 * then upper-case letters or digits, a hyphen, then upper-case letters,
 * digits and hyphens, at most KRIMP_GROUP_CODE_MAX bytes, not ending in a
 * hyphen (KR-ZVLAANDEREN, AR-WALCHEREN).  No CBS code has a hyphen.
 */
extern bool krimp_group_code_valid(const char *code, size_t len);

/* A message quotes at most this many characters of the text, then "...". */
#define KRIMP_EXCERPT_CHARS 40

/*
 * Read a number as krimp.apply_batch() files one: an optional sign, digits
 * with an optional decimal point (at least one digit: "5.", ".5" and "5.5"
 * are numbers, "." is not), and an optional exponent e or E with an optional
 * sign and 1 to 3 digits.  Nothing else: no blanks (trim them first), no
 * NaN, no Infinity, no hexadecimal.  Any length; the value must lie within
 * double precision's range as PostgreSQL's float8in sees it (1e400 and
 * 1e-400 do not; a subnormal such as 1e-310 does).
 *
 * text need not be NUL-terminated.  On success stores the value in *out (if
 * out is not NULL) and returns true.  On failure returns false and fills in
 * err: KRIMP_ERR_SYNTAX with message 'invalid value "..."', KRIMP_ERR_RANGE
 * with 'value "..." is out of the range of double precision' (the text cut
 * at KRIMP_EXCERPT_CHARS UTF-8 characters), or KRIMP_ERR_NOMEM.  The
 * messages are the reasons krimp.apply_batch() gives for a rejected row.
 */
extern bool krimp_parse_number(const char *text, size_t len, double *out, krimp_error *err);

#endif							/* KRIMP_CODES_H */
