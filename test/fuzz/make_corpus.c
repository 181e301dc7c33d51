/*
 * make_corpus.c
 *	  Writes the binary seeds of the fuzz corpus (test/fuzz/corpus/) from
 *	  series and trends built by the core itself, so that the seeds are real
 *	  images: krimp.series in the wire format krimp_series_send writes and as
 *	  on-disk images, krimp.trend likewise, and raw period encodings.  The
 *	  text seeds are plain files written by hand.  Run by
 *	  "bash test/fuzz/run.sh --seeds"; the output is committed.
 *
 *	  make_corpus DIR   (DIR = test/fuzz/corpus)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "series.h"
#include "trend.h"

static const char *dir;

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char) (v >> 24);
	p[1] = (unsigned char) (v >> 16);
	p[2] = (unsigned char) (v >> 8);
	p[3] = (unsigned char) v;
}

static void
put_be_double(unsigned char *p, double d)
{
	uint64_t	bits;

	memcpy(&bits, &d, sizeof bits);
	put_be32(p, (uint32_t) (bits >> 32));
	put_be32(p + 4, (uint32_t) bits);
}

static void
write_file(const char *target, const char *name, const void *buf, size_t len)
{
	char		path[512];
	FILE	   *f;

	snprintf(path, sizeof path, "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

static krimp_series *
series(const char *text)
{
	krimp_error err;
	krimp_series *s = krimp_series_parse(text, &err);

	if (s == NULL)
	{
		fprintf(stderr, "%s: %s\n", text, err.message);
		exit(1);
	}
	return s;
}

/* selector byte 0 (wire) + version, start, count, values: what krimp_series_send writes */
static void
series_seeds(const char *name, const char *text)
{
	krimp_series *s = series(text);
	size_t		wlen = 1 + 1 + 8 + 8 * (size_t) s->count;
	size_t		ilen = 1 + krimp_series_size(s->count);
	unsigned char *w = calloc(1, wlen),
			   *img = calloc(1, ilen);
	char		fname[128];

	w[0] = 0;
	w[1] = KRIMP_SERIES_VERSION;
	put_be32(w + 2, (uint32_t) s->start);
	put_be32(w + 6, (uint32_t) s->count);
	for (int32_t i = 0; i < s->count; i++)
		put_be_double(w + 10 + 8 * i, s->values[i]);
	snprintf(fname, sizeof fname, "wire_%s", name);
	write_file("series_recv", fname, w, wlen);

	img[0] = 1;
	memcpy(img + 1, s, krimp_series_size(s->count));
	snprintf(fname, sizeof fname, "image_%s", name);
	write_file("series_recv", fname, img, ilen);
	free(w);
	free(img);
	krimp_free(s);
}

/* the trend of a series: text (selector 0), wire (1) and image (2) */
static void
trend_seeds(const char *name, const char *text)
{
	krimp_series *s = series(text);
	krimp_trend *t;
	krimp_error err;
	char	   *tt;
	unsigned char w[1 + 2 + 12 + 96],
				img[1 + KRIMP_TREND_SIZE];
	char		fname[128];
	const double *d;

	if (!krimp_trend_of_series(s, &t, &err) || t == NULL)
	{
		fprintf(stderr, "trend of %s: %s\n", text, err.message);
		exit(1);
	}
	d = &t->ols_slope;
	tt = krimp_trend_format(t);
	{
		size_t		n = strlen(tt);
		char	   *buf = malloc(n + 1);

		buf[0] = 0;
		memcpy(buf + 1, tt, n);
		snprintf(fname, sizeof fname, "text_%s", name);
		write_file("trend", fname, buf, n + 1);
		free(buf);
	}
	w[0] = 1;
	w[1] = t->version;
	w[2] = t->flags;
	put_be32(w + 3, (uint32_t) t->first);
	put_be32(w + 7, (uint32_t) t->last);
	put_be32(w + 11, (uint32_t) t->n);
	for (int i = 0; i < 12; i++)
		put_be_double(w + 15 + 8 * i, d[i]);
	snprintf(fname, sizeof fname, "wire_%s", name);
	write_file("trend", fname, w, sizeof w);
	img[0] = 2;
	memcpy(img + 1, t, KRIMP_TREND_SIZE);
	snprintf(fname, sizeof fname, "image_%s", name);
	write_file("trend", fname, img, sizeof img);
	krimp_free(tt);
	krimp_free(t);
	krimp_free(s);
}

/* a raw period encoding (first four bytes) and a step count (next four) */
static void
period_seed(const char *text, int32_t steps)
{
	krimp_period p;
	krimp_error err;
	unsigned char buf[8];
	char		fname[64];

	if (!krimp_period_parse(text, &p, &err))
		exit(1);
	put_be32(buf, (uint32_t) p);
	put_be32(buf + 4, (uint32_t) steps);
	snprintf(fname, sizeof fname, "raw_%s", text);
	for (char *c = fname; *c; c++)
		if (*c == '/')
			*c = '_';
	write_file("period", fname, buf, sizeof buf);
}

int
main(int argc, char **argv)
{
	if (argc != 2)
	{
		fprintf(stderr, "usage: make_corpus DIR\n");
		return 2;
	}
	dir = argv[1];

	period_seed("2013", 7);
	period_seed("2013-Q3", -5);
	period_seed("2013-07", 100000);
	period_seed("2013-H2", 1);
	period_seed("2005/2008", 3);
	period_seed("1000-01", -1);
	period_seed("9999-12", 1);
	period_seed("1000/1099", 0);

	series_seeds("population", "2002:{29543,29412,NULL,29283,29061}");
	series_seeds("quarter", "2013-Q3:{1.5,-2.25,NULL}");
	series_seeds("month_end", "9999-11:{1,2}");
	series_seeds("span", "2005/2008:{10,20,30}");
	series_seeds("extremes", "2010:{1.7976931348623157e308,-1.7976931348623157e308,4.9406564584124654e-324,-0,0.1}");
	series_seeds("missing", "1000-H1:{NULL}");

	trend_seeds("n1", "2002:{5}");
	trend_seeds("n2", "2002:{5,7}");
	trend_seeds("constant", "2002:{3,3,3,3}");
	trend_seeds("decline", "2002:{29543,29412,NULL,29283,29061,28990,28801,28790}");
	trend_seeds("ties", "2013-01:{1,2,2,3,1,4,4,5,3,6,6,7}");
	return 0;
}
