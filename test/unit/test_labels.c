/*
 * test_labels.c
 *	  Unit tests of CBS labels to codes (extension/core/labels.c): region
 *	  names matched by name, kind and year, codes given as numbers, and
 *	  period labels.  The regions are a few real ones with their real
 *	  validity (as scripts/load_regions.sh loads them) and two made up.
 */
#include <stdlib.h>

#include "unit.h"
#include "labels.h"

static krimp_region_names *rn;

static void
add(const char *code, const char *name, const char *from, const char *to, const char *province)
{
	krimp_error err;

	if (!krimp_region_names_add(rn, code, name, from, to, province, &err))
	{
		fprintf(stderr, "  could not add %s: %s\n", code, err.message);
		exit(1);
	}
}

static void
setup(void)
{
	rn = krimp_region_names_create();
	add("NL01", "Nederland", "2002-01-01", NULL, NULL);
	add("LD01", "Noord-Nederland", "2015-01-01", NULL, NULL);
	add("PV20", "Groningen", "2002-01-01", NULL, NULL);
	add("PV21", "Fryslân", "2002-01-01", NULL, NULL);
	add("PV25", "Gelderland", "2002-01-01", NULL, NULL);
	add("PV27", "Noord-Holland", "2002-01-01", NULL, NULL);
	add("CR01", "Oost-Groningen", "2015-01-01", NULL, NULL);
	add("CR17", "Utrecht", "2015-01-01", NULL, NULL);
	add("PV26", "Utrecht", "2002-01-01", NULL, NULL);
	add("GM0344", "Utrecht", "2002-01-01", NULL, "PV26");
	add("GM0014", "Groningen", "2002-01-01", "2019-01-01", "PV20");
	add("GM0014", "Groningen", "2019-01-01", NULL, "PV20");
	add("GM0373", "Bergen (NH.)", "2002-01-01", NULL, "PV27");
	add("GM0893", "Bergen (L.)", "2002-01-01", NULL, "PV31");
	add("GM0164", "Hengelo", "2002-01-01", NULL, "PV23");
	add("GM0248", "Hengelo", "2002-01-01", "2005-01-01", "PV25");
	add("GM1900", "Súdwest-Fryslân", "2011-01-01", NULL, "PV21");
	add("GM0994", "Valkenburg aan de Geul", "2002-01-01", NULL, "PV31");
	add("GM0518", "'s-Gravenhage", "2002-01-01", NULL, "PV28");
	add("GM0653", "Gaasterlân-Sleat", "2002-01-01", "2014-01-01", "PV21");
	/* a name that passed from one code to another at a merger */
	add("GM9001", "Dorpstad", "2002-01-01", "2010-01-01", NULL);
	add("GM9002", "Dorpstad", "2010-01-01", NULL, NULL);
}

static const char *
match(const char *label, int year)
{
	static krimp_region_match m;

	krimp_region_names_match(rn, label, strlen(label), year * 10000 + 101, year * 10000 + 1231, &m);
	return m.result == KRIMP_MATCH_FOUND ? m.code : m.reason;
}

static krimp_match_result
result(const char *label, int year)
{
	krimp_region_match m;

	return krimp_region_names_match(rn, label, strlen(label), year * 10000 + 101, year * 10000 + 1231, &m);
}

static void
test_keys(void)
{
	char		k[64];

	krimp_name_key("Súdwest-Fryslân", strlen("Súdwest-Fryslân"), k, sizeof k);
	CHECK_STR(k, "sudwest fryslan");
	krimp_name_key("  's-Gravenhage ", 16, k, sizeof k);
	CHECK_STR(k, "s gravenhage");
	krimp_name_key("Valkenburg a/d Geul", 19, k, sizeof k);
	CHECK_STR(k, "valkenburg aan de geul");
	krimp_name_key("Nuenen, Gerwen en Nederwetten", 29, k, sizeof k);
	CHECK_STR(k, "nuenen gerwen en nederwetten");
}

static void
test_suffixes(void)
{
	krimp_region_label l;

	krimp_region_label_parse("Groningen (PV)", 14, &l);
	CHECK_STR(l.base, "Groningen");
	CHECK(l.kind == KRIMP_LABEL_PROVINCE);
	krimp_region_label_parse("Bergen (NH.)  ", 14, &l);
	CHECK_STR(l.base, "Bergen");
	CHECK(l.kind == KRIMP_LABEL_MUNICIPALITY);
	CHECK_STR(l.province, "PV27");
	krimp_region_label_parse("Zwolle (SG)", 11, &l);
	CHECK(l.kind == KRIMP_LABEL_NOT_HELD);
	krimp_region_label_parse("Utrecht (gemeente)", 18, &l);
	CHECK(l.kind == KRIMP_LABEL_MUNICIPALITY);
	CHECK_STR(l.base, "Utrecht");
	/* brackets that are no CBS suffix stay part of the name */
	krimp_region_label_parse("Wijk 01 (oud)", 13, &l);
	CHECK(l.kind == KRIMP_LABEL_ANY);
	CHECK_STR(l.base, "Wijk 01 (oud)");
}

static void
test_kinds(void)
{
	CHECK_STR(match("Groningen (PV)", 2010), "PV20");
	CHECK_STR(match("Groningen", 2010), "GM0014");
	CHECK_STR(match("Groningen (gemeente)", 2020), "GM0014");
	CHECK_STR(match("Friesland (PV)", 2010), "PV21");
	CHECK_STR(match("Fryslân (PV)", 2010), "PV21");
	CHECK_STR(match("Utrecht (PV)", 2010), "PV26");
	CHECK_STR(match("Utrecht (CR)", 2016), "CR17");
	CHECK_STR(match("Utrecht", 2016), "GM0344");
	CHECK_STR(match("Nederland", 2016), "NL01");
	CHECK_STR(match("Noord-Nederland (LD)", 2016), "LD01");
	CHECK_STR(match("Oost-Groningen (CR)", 2016), "CR01");
	CHECK(result("Zwolle (GA)", 2008) == KRIMP_MATCH_NOT_HELD);
	CHECK(result("Zwolle (SG)", 2008) == KRIMP_MATCH_NOT_HELD);
}

static void
test_bergen_and_hengelo(void)
{
	CHECK_STR(match("Bergen (NH.)", 2010), "GM0373");
	CHECK_STR(match("Bergen (L.)", 2010), "GM0893");
	CHECK_STR(match("Hengelo (O.)", 2003), "GM0164");
	CHECK_STR(match("Hengelo (Gld.)", 2003), "GM0248");
	/* after 2005 one Hengelo is left */
	CHECK_STR(match("Hengelo", 2010), "GM0164");
	/* before it, the name alone is ambiguous, with both candidates */
	CHECK(result("Hengelo", 2003) == KRIMP_MATCH_AMBIGUOUS);
	CHECK(strstr(match("Hengelo", 2003), "GM0164 \"Hengelo\" 2002-") != NULL);
	CHECK(strstr(match("Hengelo", 2003), "GM0248 \"Hengelo\" 2002-2004") != NULL);
	/* Bergen alone is no name in the warehouse: unknown, with both Bergens as candidates */
	CHECK(result("Bergen", 2010) == KRIMP_MATCH_UNKNOWN);
	CHECK(strstr(match("Bergen", 2010), "\"Bergen (L.)\" (GM0893 2002-)") != NULL);
	CHECK(strstr(match("Bergen", 2010), "\"Bergen (NH.)\" (GM0373 2002-)") != NULL);
}

static void
test_by_year(void)
{
	CHECK_STR(match("Dorpstad", 2005), "GM9001");
	CHECK_STR(match("Dorpstad", 2015), "GM9002");
	/* a year before any: two codes, none in the period */
	CHECK(result("Dorpstad", 1999) == KRIMP_MATCH_AMBIGUOUS);
	CHECK(strstr(match("Dorpstad", 1999), "none in the period") != NULL);
	/* a name of one code outside its validity: that code (the warehouse rejects the period) */
	CHECK_STR(match("Gaasterlân-Sleat", 2020), "GM0653");
	CHECK_STR(match("Noord-Nederland (LD)", 2008), "LD01");
	CHECK_STR(match("Súdwest-Fryslân", 2015), "GM1900");
	CHECK_STR(match("Sudwest Fryslan", 2015), "GM1900");
	CHECK_STR(match("Valkenburg a/d Geul", 2010), "GM0994");
	CHECK_STR(match("'s-Gravenhage (gemeente)", 2010), "GM0518");
}

static void
test_unknown(void)
{
	/* a misspelt name (the file's mojibake) with the real one as candidate */
	CHECK(result("GaasterlÔn-Sleat", 2010) == KRIMP_MATCH_UNKNOWN);
	CHECK(strstr(match("GaasterlÔn-Sleat", 2010), "\"Gaasterlân-Sleat\" (GM0653 2002-2013)") != NULL);
	CHECK(strstr(match("Atlantis", 2010), "no similar name") != NULL);
	CHECK(result("Niet in te delen (PV)", 2010) == KRIMP_MATCH_UNKNOWN);
	CHECK(strstr(match("Niet in te delen (PV)", 2010), "unknown province region name") != NULL);
}

static void
test_codes_as_numbers(void)
{
	char		c[16];

	CHECK(krimp_region_code_from_number("504.0", "GM", false, c, sizeof c));
	CHECK_STR(c, "GM0504");
	CHECK(krimp_region_code_from_number("20", "PV", false, c, sizeof c));
	CHECK_STR(c, "PV20");
	CHECK(krimp_region_code_from_number("1.0", "NL", false, c, sizeof c));
	CHECK_STR(c, "NL01");
	CHECK(krimp_region_code_from_number("1", NULL, true, c, sizeof c));
	CHECK_STR(c, "NL01");
	CHECK(krimp_region_code_from_number("14", "", false, c, sizeof c));
	CHECK_STR(c, "GM0014");
	CHECK(!krimp_region_code_from_number("3", "GA", false, c, sizeof c));
	CHECK(!krimp_region_code_from_number("5.5", "GM", false, c, sizeof c));
	CHECK(!krimp_region_code_from_number("", "GM", false, c, sizeof c));
	CHECK(!krimp_region_code_from_number("120", "PV", false, c, sizeof c));
}

static void
test_period_labels(void)
{
	char		p[16];
	const char *st;

	CHECK(krimp_period_label("2008", p, sizeof p, &st) && st == NULL);
	CHECK_STR(p, "2008");
	CHECK(krimp_period_label("2008*", p, sizeof p, &st));
	CHECK_STR(p, "2008");
	CHECK(st && strcmp(st, "voorlopig") == 0);
	CHECK(krimp_period_label("2008**", p, sizeof p, &st));
	CHECK(st && strcmp(st, "nader voorlopig") == 0);
	CHECK(krimp_period_label("2015 tot 2020", p, sizeof p, &st));
	CHECK_STR(p, "2015/2019");
	CHECK(krimp_period_label("2020 3e kwartaal", p, sizeof p, &st));
	CHECK_STR(p, "2020-Q3");
	CHECK(krimp_period_label("2020 2e halfjaar", p, sizeof p, &st));
	CHECK_STR(p, "2020-H2");
	CHECK(krimp_period_label("2020 maart", p, sizeof p, &st));
	CHECK_STR(p, "2020-03");
	CHECK(!krimp_period_label("2008JJ00", p, sizeof p, &st));
	CHECK(!krimp_period_label("2020 5e kwartaal", p, sizeof p, &st));
	CHECK(!krimp_period_label("2015 tot 2016", p, sizeof p, &st));
}

int
main(void)
{
	setup();
	RUN(test_keys);
	RUN(test_suffixes);
	RUN(test_kinds);
	RUN(test_bergen_and_hengelo);
	RUN(test_by_year);
	RUN(test_unknown);
	RUN(test_codes_as_numbers);
	RUN(test_period_labels);
	krimp_region_names_free(rn);
	UNIT_DONE();
}
