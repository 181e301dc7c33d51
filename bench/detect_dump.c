/*
 * detect_dump.c
 *	  krimp's side of the comparison with R (bench/detect_reference.sh): for
 *	  every series of bench/cbs_series.py's output, with missing values
 *	  dropped (x = 0, 1, ...), print the level breakpoints with the
 *	  strucchange criterion (BIC, h = 3, at most min(8, ceiling(n/h) - 2)),
 *	  Davies' p-value and best point (k = 10), and the best single bend.
 *
 *	  detect_dump SERIES_FILE [H]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"

int
main(int argc, char **argv)
{
	FILE	   *f = argc > 1 ? fopen(argv[1], "r") : NULL;
	int			h = argc > 2 ? atoi(argv[2]) : 3;
	char		file[32],
				region[16],
				first[16],
				tok[64];
	int			n;
	krimp_error err;
	krimp_detect_workspace *ws = krimp_detect_workspace_new(KRIMP_DETECT_MAX_N, &err);

	if (f == NULL || ws == NULL)
	{
		fprintf(stderr, "usage: detect_dump SERIES_FILE [H]\n");
		return 2;
	}
	while (fscanf(f, "%31s %15s %15s %d", file, region, first, &n) == 4)
	{
		double	   *y = malloc(sizeof(double) * n),
				   *x = malloc(sizeof(double) * n),
					best,
					p;
		int			m = 0;
		krimp_detect_params prm;
		krimp_detect_result r;

		for (int i = 0; i < n; i++)
		{
			if (fscanf(f, "%63s", tok) != 1)
				return 1;
			if (strcmp(tok, "NA") != 0)
			{
				x[m] = m;
				y[m++] = atof(tok);
			}
		}
		printf("%s %s %d", file, region, m);
		krimp_detect_params_default(&prm);
		prm.criterion = KRIMP_CRITERION_BIC;
		prm.min_segment = h;
		prm.max_changes = KRIMP_DETECT_MAX_LEVEL_CHANGES;
		if (!krimp_detect_changes(ws, y, m, KRIMP_MODEL_LEVEL, &prm, &r, &err))
			return 1;
		printf(" bp=");
		for (int j = 0; j < r.count; j++)
			printf("%s%d", j ? "," : "", r.changes[j].position);
		if (r.count == 0)
			printf("none");
		p = krimp_davies_test(ws, x, y, m, 10, &best);
		printf(" p=%.17g best=%.17g", p, best);
		/* the best single bend: no penalty to speak of, no gate, min segment 2 */
		krimp_detect_params_default(&prm);
		prm.penalty = 1e-12;
		prm.alpha = 1.0;
		prm.max_changes = 1;
		prm.min_segment = 2;
		if (!krimp_detect_changes(ws, y, m, KRIMP_MODEL_TREND, &prm, &r, &err))
			return 1;
		printf(" bend=%d\n", r.count ? r.changes[0].position : -1);
		free(x);
		free(y);
	}
	return 0;
}
