/*
 * test_codes.c
 *	  Unit tests of the region code levels and the number rule
 *	  (extension/core/codes.c).
 */
#include <float.h>
#include <stdlib.h>

#include "unit.h"
#include "codes.h"

static const char *
level(const char *code)
{
	return krimp_region_level_of(code, strlen(code));
}

static bool
number(const char *text, double *v, krimp_error *err)
{
	return krimp_parse_number(text, strlen(text), v, err);
}

static void
test_every_level(void)
{
	CHECK_STR(level("NL01"), "country");
	CHECK_STR(level("NL00"), "country");
	CHECK_STR(level("NL09"), "country");
	CHECK_STR(level("LD01"), "landsdeel");
	CHECK_STR(level("LD04"), "landsdeel");
	CHECK_STR(level("PV20"), "province");
	CHECK_STR(level("PV00"), "province");
	CHECK_STR(level("CR01"), "corop");
	CHECK_STR(level("GM0014"), "municipality");
	CHECK_STR(level("WK001401"), "district");
	CHECK_STR(level("BU00140100"), "neighbourhood");
}

static void
test_bad_codes(void)
{
	/* the wrong number of digits for the prefix, one either side */
	CHECK(level("NL1") == NULL);
	CHECK(level("NL011") == NULL);
	CHECK(level("PV2") == NULL);
	CHECK(level("PV200") == NULL);
	CHECK(level("CR012") == NULL);
	CHECK(level("GM001") == NULL);
	CHECK(level("GM00144") == NULL);
	CHECK(level("WK00140") == NULL);
	CHECK(level("WK0014011") == NULL);
	CHECK(level("BU0014010") == NULL);
	CHECK(level("BU001401000") == NULL);
	/* NL0# and LD01-LD04 only */
	CHECK(level("NL10") == NULL);
	CHECK(level("LD00") == NULL);
	CHECK(level("LD05") == NULL);
	CHECK(level("LD14") == NULL);
	/* prefixes: unknown, lower case, one letter */
	CHECK(level("XX01") == NULL);
	CHECK(level("gm0014") == NULL);
	CHECK(level("Gm0014") == NULL);
	CHECK(level("G0014") == NULL);
	CHECK(level("GMX014") == NULL);
	CHECK(level("GM00 4") == NULL);
	CHECK(level(" GM0014") == NULL);
	CHECK(level("GM0014 ") == NULL);
	CHECK(level("GM-014") == NULL);
	CHECK(level("") == NULL);
	CHECK(level("G") == NULL);
	CHECK(level("GM") == NULL);
	CHECK(krimp_region_level_of(NULL, 0) == NULL);
	/* len bytes are read, no more */
	CHECK_STR(krimp_region_level_of("GM00140", 6), "municipality");
	CHECK(krimp_region_level_of("GM0014", 5) == NULL);
	/* Amsterdam's districts and neighbourhoods: letters after the municipality's digits */
	CHECK_STR(level("WK0363AB"), "district");
	CHECK_STR(level("BU0363AC03"), "neighbourhood");
	CHECK_STR(level("BU0363AA01"), "neighbourhood");
	CHECK(level("WK03A3AB") == NULL);	/* the municipality's part is digits */
	CHECK(level("WKA363AB") == NULL);
	CHECK(level("WK0363ab") == NULL);	/* upper case only */
	CHECK(level("GM03AB") == NULL);		/* letters only in a district or neighbourhood */
	CHECK(level("PV2A") == NULL);
	CHECK(level("WK0363A") == NULL);	/* still six characters after WK */
	CHECK(level("BU0363AC0") == NULL);
}

static bool
group(const char *code)
{
	return krimp_group_code_valid(code, strlen(code));
}

static void
test_group_codes(void)
{
	CHECK(group("KR-ZVLAANDEREN"));
	CHECK(group("AR-WALCHEREN"));
	CHECK(group("KR-NOORDOOST-FRYSLAN"));
	CHECK(group("X1-2"));
	CHECK(!group("GM0010"));			/* no hyphen: a CBS code is never a group's */
	CHECK(!group("KRZVL"));
	CHECK(!group("kr-zvl"));			/* upper case */
	CHECK(!group("KR-"));				/* nothing after the hyphen */
	CHECK(!group("KR-ZVL-"));
	CHECK(!group("-KR"));
	CHECK(!group("1R-ZVL"));			/* a letter first */
	CHECK(!group("KR ZVL"));
	CHECK(!group("KR-ZVL "));
	CHECK(!group("KR_ZVL"));
	CHECK(!group(""));
	CHECK(!krimp_group_code_valid(NULL, 0));
	CHECK(!group("KR-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123"));	/* 33 bytes */
	CHECK(group("KR-ABCDEFGHIJKLMNOPQRSTUVWXYZ012"));	/* 32 */
	CHECK(krimp_group_code_valid("KR-ZVLX", 6));		/* len bytes are read */
}

static void
test_numbers(void)
{
	krimp_error err;
	double		v = 0;

	CHECK(number("29018", &v, &err) && v == 29018.0);
	CHECK(number("+12", &v, &err) && v == 12.0);
	CHECK(number("-12.5", &v, &err) && v == -12.5);
	CHECK(number(".5", &v, &err) && v == 0.5);
	CHECK(number("5.", &v, &err) && v == 5.0);
	CHECK(number("-.5", &v, &err) && v == -0.5);
	CHECK(number("-0", &v, &err) && v == 0.0);
	CHECK(number("1e5", &v, &err) && v == 1e5);
	CHECK(number("1E+05", &v, &err) && v == 1e5);
	CHECK(number("2.5e-3", &v, &err) && v == 2.5e-3);
	CHECK(number("1e308", &v, &err) && v == 1e308);
	CHECK(number("1e-310", &v, &err) && v > 0 && v < DBL_MIN);	/* subnormal: float8in takes it */
	CHECK(number("0e0", &v, &err) && v == 0.0);
	CHECK(number("0.0e-300", &v, &err) && v == 0.0);
	/* NULL out: only the check */
	CHECK(krimp_parse_number("7", 1, NULL, &err));
	/* len bytes are read, no more */
	CHECK(krimp_parse_number("12x", 2, &v, &err) && v == 12.0);
	CHECK(krimp_parse_number("1e5", 2, &v, &err) == false);
}

static void
test_exponent_digits(void)
{
	krimp_error err;
	double		v;

	CHECK(!number("1e", &v, &err));
	CHECK(err.status == KRIMP_ERR_SYNTAX);
	CHECK(!number("1e+", &v, &err));
	CHECK(number("1e1", &v, &err) && v == 10.0);
	CHECK(number("1e100", &v, &err) && v == 1e100);
	CHECK(number("1e-100", &v, &err) && v == 1e-100);
	CHECK(!number("1e1000", &v, &err));
	CHECK(err.status == KRIMP_ERR_SYNTAX);
	CHECK_STR(err.message, "invalid value \"1e1000\"");
	CHECK(!number("1e0001", &v, &err));
	CHECK(!number("e5", &v, &err));
	CHECK(!number(".e5", &v, &err));
}

static void
test_not_numbers(void)
{
	static const char *const bad[] = {
		"", ".", "+", "-", "+-1", "--1", "1.2.3", "1,5", " 1", "1 ", "0x10", "1e5.5",
		"abc", "NaN", "nan", "Infinity", "-Infinity", "inf", "1_000", "１", "5%",
	};
	krimp_error err;
	double		v;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		bool		ok = number(bad[i], &v, &err);

		CHECK(!ok);
		if (ok)
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
		CHECK(err.status == KRIMP_ERR_SYNTAX);
	}
	CHECK(!number("NaN", &v, &err));
	CHECK_STR(err.message, "invalid value \"NaN\"");
	CHECK(err.detail[0] != '\0');
	CHECK(err.hint[0] != '\0');
	CHECK(!number("abc", &v, NULL));	/* err may be NULL */
}

static void
test_out_of_range(void)
{
	krimp_error err;
	double		v;
	char		big[501];

	CHECK(!number("1e400", &v, &err));
	CHECK(err.status == KRIMP_ERR_RANGE);
	CHECK_STR(err.message, "value \"1e400\" is out of the range of double precision");
	CHECK(err.detail[0] != '\0');
	CHECK(!number("-1e-400", &v, &err));
	CHECK(err.status == KRIMP_ERR_RANGE);
	CHECK_STR(err.message, "value \"-1e-400\" is out of the range of double precision");
	CHECK(!number("-1.8e308", &v, &err));
	CHECK(err.status == KRIMP_ERR_RANGE);
	CHECK(number("1.7e308", &v, &err));
	/* a long one: the message quotes 40 characters */
	memset(big, '9', 500);
	big[500] = '\0';
	CHECK(!number(big, &v, &err));
	CHECK(err.status == KRIMP_ERR_RANGE);
	CHECK_STR(err.message,
			  "value \"9999999999999999999999999999999999999999...\" is out of the range of double precision");
	/* a long number within range: 0.000...01 (400 characters) is 1e-397: out; 300 digits of 1: in */
	memset(big, '1', 300);
	big[300] = '\0';
	CHECK(number(big, &v, &err) && v > 1e299);
	big[0] = '0';
	big[1] = '.';
	memset(big + 2, '0', 397);
	big[399] = '1';
	big[400] = '\0';
	CHECK(!number(big, &v, &err));
	CHECK(err.status == KRIMP_ERR_RANGE);
}

static void
test_excerpt(void)
{
	krimp_error err;
	char		bad[501];

	memset(bad, 'x', 500);
	bad[500] = '\0';
	CHECK(!number(bad, NULL, &err));
	CHECK_STR(err.message, "invalid value \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");
	/* exactly 40 characters: no "..." */
	bad[40] = '\0';
	CHECK(!number(bad, NULL, &err));
	CHECK_STR(err.message, "invalid value \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
	/* characters, not bytes: 41 two-byte characters give 40 and "..." */
	{
		char		utf8[83];
		char		expected[128];

		for (int i = 0; i < 41; i++)
			memcpy(utf8 + 2 * i, "\xc3\xa9", 2);
		utf8[82] = '\0';
		CHECK(!number(utf8, NULL, &err));
		memcpy(expected, "invalid value \"", 15);
		memcpy(expected + 15, utf8, 80);
		memcpy(expected + 95, "...\"", 5);
		CHECK_STR(err.message, expected);
	}
}

int
main(void)
{
	RUN(test_every_level);
	RUN(test_bad_codes);
	RUN(test_group_codes);
	RUN(test_numbers);
	RUN(test_exponent_digits);
	RUN(test_not_numbers);
	RUN(test_out_of_range);
	RUN(test_excerpt);
	UNIT_DONE();
}
