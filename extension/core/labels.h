/*
 * labels.h
 *	  CBS labels to codes: a region's name as a published table writes it
 *	  ("Groningen (PV)", "Bergen (NH.)", "Noord-Nederland (LD)",
 *	  "'s-Gravenhage (gemeente)", "Nederland") matched to the CBS code of the
 *	  region that bore that name in the year of the figure, and a period's
 *	  label ("2008", "2008*", "2015 tot 2020", "2020 3e kwartaal") turned
 *	  into a period text krimp_period_parse reads.
 *
 * Plain C without PostgreSQL: krimpctl load fills a krimp_region_names with
 * the rows of krimp.region (code, name, validity, the province of a
 * municipality) once per load and matches every label of the file against
 * it locally; the unit tests fill it by hand (test/unit/test_labels.c).
 *
 * The rules (docs/krimpctl.md, "Labels instead of codes"):
 * - Names are compared by a key: letters without their accents, lower case,
 *   digits, every other character a separator ("Súdwest-Fryslân" =
 *   "sudwest fryslan"); "a/d" is "aan de"; the province "Friesland" is
 *   "Fryslân".
 * - A final "(...)" says what kind of region the name is: (PV) a province,
 *   (LD) a landsdeel, (CR) a COROP area, (gemeente) a municipality, and a
 *   province's abbreviation ((Gr.), (Fr.), (Dr.), (O.), (Fl.), (Gld.), (U.),
 *   (NH.), (ZH.), (Z.), (NB.), (L.)) a municipality of that province.  Other
 *   kinds of area CBS publishes ((GA) grootstedelijke agglomeratie, (SG)
 *   stadsgewest, and any other upper-case abbreviation) have no region in
 *   the warehouse.  A name without a suffix is a municipality or the country
 *   ("Nederland"): CBS gives every other kind its suffix.
 * - The whole label is tried first (the warehouse may keep "Bergen (NH.)"
 *   as the name), then the name before the suffix.
 * - Of the regions with that name and kind, the one whose version holds in
 *   some part of the figure's period is taken.  None in that period: the
 *   region is taken when the name names one code only (the warehouse then
 *   rejects the figure as outside its validity); two or more codes are
 *   ambiguous.  No region of that name at all: unknown, with the most
 *   similar names as candidates.
 */
#ifndef KRIMP_LABELS_H
#define KRIMP_LABELS_H

#include "krimp_core.h"

#define KRIMP_LABEL_REASON_LEN 640

/* What a label's suffix says the region is */
typedef enum krimp_label_kind
{
	KRIMP_LABEL_ANY = 0,		/* no suffix: a municipality or the country */
	KRIMP_LABEL_PROVINCE,		/* (PV) */
	KRIMP_LABEL_LANDSDEEL,		/* (LD) */
	KRIMP_LABEL_COROP,			/* (CR) */
	KRIMP_LABEL_MUNICIPALITY,	/* (gemeente), or a province's abbreviation */
	KRIMP_LABEL_NOT_HELD		/* (GA), (SG), ...: no such regions in the warehouse */
} krimp_label_kind;

typedef struct krimp_region_label
{
	char		base[256];		/* the name before the suffix (the whole label if none) */
	char		suffix[32];		/* the suffix as written, without its brackets; "" if none */
	krimp_label_kind kind;
	char		province[8];	/* PV## for a province's abbreviation, else "" */
} krimp_region_label;

/* Split a label into its name and the kind its suffix says (blanks around it ignored). */
extern void krimp_region_label_parse(const char *text, size_t len, krimp_region_label *out);

/* The comparison key of a name (see above) into buf of size bytes. */
extern void krimp_name_key(const char *text, size_t len, char *buf, size_t size);

/* The regions a file's labels are matched against */
typedef struct krimp_region_names krimp_region_names;

extern krimp_region_names *krimp_region_names_create(void);
extern void krimp_region_names_free(krimp_region_names *rn);

/*
 * Add a region version: its code (NL01, PV20, GM0014, ...), name, first
 * day and first day it no longer holds ("YYYY-MM-DD"; valid_to NULL or ""
 * while it holds), and for a municipality the code of its province (NULL
 * or "" if unknown).  A group's own row (a group code, codes.h) is passed
 * over: names never match it.  Returns false on a bad code or date (err
 * filled) or when out of memory.
 */
extern bool krimp_region_names_add(krimp_region_names *rn, const char *code, const char *name,
								   const char *valid_from, const char *valid_to, const char *province,
								   krimp_error *err);
extern int	krimp_region_names_count(const krimp_region_names *rn);

typedef enum krimp_match_result
{
	KRIMP_MATCH_FOUND = 0,
	KRIMP_MATCH_NOT_HELD,		/* a kind of area the warehouse has no regions of */
	KRIMP_MATCH_UNKNOWN,		/* no region of that name */
	KRIMP_MATCH_AMBIGUOUS		/* two or more regions of that name */
} krimp_match_result;

typedef struct krimp_region_match
{
	krimp_match_result result;
	char		code[16];		/* FOUND: the region's code */
	char		reason[KRIMP_LABEL_REASON_LEN];	/* otherwise: why, with the candidates */
} krimp_region_match;

/*
 * Match a label against the regions for a figure of the period from
 * first_day to last_day (both as YYYYMMDD, inclusive).  Fills *out and
 * returns its result.
 */
extern krimp_match_result krimp_region_names_match(const krimp_region_names *rn, const char *label, size_t len,
												   int32_t first_day, int32_t last_day, krimp_region_match *out);

/*
 * A region code given as a number in a code column ("504.0", "20", "1"), as
 * some CBS tables have it: with the kind of region (from a column of types,
 * "GM", "PV", ..., or from the label's suffix) it becomes the code (GM0504,
 * PV20, NL01).  type is the two-letter prefix; NULL or "" takes it from
 * kind (KRIMP_LABEL_ANY: "NL" when the number is 1 and the label is the
 * country's, else GM).  Returns false when it cannot be made.
 */
extern bool krimp_region_code_from_number(const char *number, const char *type, bool is_country,
										  char *out, size_t size);

/*
 * A period label as CBS tables write it into a period text that
 * krimp_period_parse reads: "2008" stays, "2008*" is 2008 with the status
 * voorlopig and "2008**" nader voorlopig, "2015 tot 2020" is the span
 * 2015/2019, "2020 1e kwartaal" 2020-Q1, "2020 1e halfjaar" 2020-H1,
 * "2020 januari" 2020-01.  *status is set to the marker's status or NULL.
 * Returns false (out untouched) when the text is none of these: it is then
 * read as it is.
 */
extern bool krimp_period_label(const char *text, char *out, size_t size, const char **status);

#endif							/* KRIMP_LABELS_H */
