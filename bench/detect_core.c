/*
 * detect_core.c
 *	  The work of krimp.tipping_points through the C core alone, for
 *	  bench/detect.sh: reads one series a line (values separated by commas,
 *	  NULL for missing, as COPY writes krimp.to_array), keeps them in memory,
 *	  and times krimp_tipping_points over all of them in one thread with one
 *	  workspace.  Prints the series, the changes found and the seconds.
 *
 *	  detect_core FILE [RUNS]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect.h"

#define LEN 25

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	FILE	   *f = argc > 1 ? fopen(argv[1], "r") : NULL;
	int			runs = argc > 2 ? atoi(argv[2]) : 3;
	size_t		cap = 1 << 20,
				ns = 0;
	double	   *data = malloc(sizeof(double) * LEN * cap),
				times[16];
	char		line[4096];
	krimp_error err;
	krimp_detect_workspace *ws = krimp_detect_workspace_new(64, &err);
	krimp_detect_params p;
	long		changes = 0;

	if (f == NULL || data == NULL || ws == NULL)
	{
		fprintf(stderr, "usage: detect_core FILE [RUNS]\n");
		return 2;
	}
	while (fgets(line, sizeof(line), f))
	{
		char	   *tok = strtok(line + (line[0] == '{'), ",}\n");
		int			i = 0;

		if (ns == cap)
		{
			cap *= 2;
			data = realloc(data, sizeof(double) * LEN * cap);
		}
		for (; tok != NULL && i < LEN; tok = strtok(NULL, ",}\n"))
			data[ns * LEN + i++] = strcmp(tok, "NULL") == 0 ? NAN : atof(tok);
		for (; i < LEN; i++)
			data[ns * LEN + i] = NAN;
		ns++;
	}
	krimp_detect_params_default(&p);
	for (int r = 0; r < runs && r < 16; r++)
	{
		double		t0 = now();
		krimp_detect_result res;

		changes = 0;
		for (size_t s = 0; s < ns; s++)
		{
			if (!krimp_tipping_points(ws, data + s * LEN, NULL, LEN, &p, &res, &err))
			{
				fprintf(stderr, "%s\n", err.message);
				return 1;
			}
			changes += res.count;
		}
		times[r] = now() - t0;
	}
	/* median */
	for (int i = 0; i < runs; i++)
		for (int j = i + 1; j < runs; j++)
			if (times[j] < times[i])
			{
				double		t = times[i];

				times[i] = times[j];
				times[j] = t;
			}
	printf("%zu %ld %.6f\n", ns, changes, times[runs / 2]);
	return 0;
}
