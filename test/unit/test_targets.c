/*
 * test_targets.c
 *	  Unit tests of the target evaluation (core/targets.c): path values,
 *	  gap, progress, projection, the traffic light, the best five-year rate
 *	  and the re-calibration proposal, against values worked out by hand in
 *	  the comments.
 */
#include "unit.h"

#include "targets.h"
#include "series.h"

#define NaN krimp_missing()

static krimp_eval_params
defaults(int sense)
{
	krimp_eval_params p;

	p.sense = sense;
	p.window = 10;
	p.min_points = 3;
	p.rate_steps = 5;
	p.proposal_steps = 5;
	p.steps_per_year = 1;
	p.path_tolerance = 0.05;
	p.tolerance = 0.10;
	return p;
}

static void
test_path_values(void)
{
	double		x[] = {0, 10},
				v[] = {100, 90},
				g[] = {100, 50};
	double		mx[] = {0, 5, 10},
				mv[] = {100, 80, 90};
	krimp_target_path lin = {KRIMP_PATH_LINEAR, 2, x, v};
	krimp_target_path gro = {KRIMP_PATH_GROWTH, 2, x, g};
	krimp_target_path ms = {KRIMP_PATH_LINEAR, 3, mx, mv};
	krimp_error err;

	CHECK(krimp_path_check(&lin, &err));
	CHECK(krimp_path_check(&gro, &err));
	CHECK(krimp_path_check(&ms, &err));
	/* 100 + (90 - 100) * 3/10 */
	CHECK_NEAR(krimp_path_value(&lin, 3), 97, 1e-15);
	/* 100 * (50/100)^(5/10) = 70.71067811865476 */
	CHECK_NEAR(krimp_path_value(&gro, 5), 70.71067811865476, 1e-14);
	/* 100 * 0.5^(2/10) = 87.05505632961241 */
	CHECK_NEAR(krimp_path_value(&gro, 2), 87.05505632961241, 1e-14);
	/* through a milestone: halfway to 80 is 90, halfway from 80 to 90 is 85 */
	CHECK_NEAR(krimp_path_value(&ms, 2.5), 90, 1e-15);
	CHECK_NEAR(krimp_path_value(&ms, 5), 80, 1e-15);
	CHECK_NEAR(krimp_path_value(&ms, 7.5), 85, 1e-15);
	/* before the baseline and after the horizon: the end values */
	CHECK(krimp_path_value(&ms, -3) == 100);
	CHECK(krimp_path_value(&ms, 12) == 90);
}

static void
test_path_errors(void)
{
	double		x[] = {0, 0},
				v[] = {1, 2},
				x2[] = {0, 4},
				v2[] = {0, 2};
	krimp_target_path same = {KRIMP_PATH_LINEAR, 2, x, v};
	krimp_target_path one = {KRIMP_PATH_LINEAR, 1, x2, v2};
	krimp_target_path zero = {KRIMP_PATH_GROWTH, 2, x2, v2};
	krimp_eval_params prm = defaults(1);
	krimp_eval_result r;
	krimp_error err;
	double		ox[] = {0, 1},
				oy[] = {1, -1};
	krimp_target_path ok = {KRIMP_PATH_GROWTH, 2, x2, v};

	CHECK(!krimp_path_check(&same, &err));
	CHECK(err.status == KRIMP_ERR_PARAMETER);
	CHECK_STR(err.message, "the points of a target path must follow each other in time");
	CHECK(!krimp_path_check(&one, &err));
	CHECK_STR(err.message, "a target path needs a baseline and a horizon");
	CHECK(!krimp_path_check(&zero, &err));
	CHECK_STR(err.message, "a path of constant growth needs positive values");
	/* a negative observation under a growth path */
	CHECK(!krimp_target_evaluate(&ok, ox, oy, 2, &prm, &r, &err));
	CHECK_STR(err.message, "a path of constant growth needs positive observations");
	/* parameters */
	prm.min_points = 1;
	CHECK(!krimp_eval_params_check(&prm, &err));
	prm = defaults(1);
	prm.tolerance = -0.1;
	CHECK(!krimp_eval_params_check(&prm, &err));
	prm = defaults(2);
	CHECK(!krimp_eval_params_check(&prm, &err));
	prm = defaults(1);
	prm.rate_steps = 2.5;
	CHECK(!krimp_eval_params_check(&prm, &err));
}

/*
 * The report's example: vacancy in Zeeuws-Vlaanderen 9.9% (2012), 7.6%
 * (2013).  A target of 7.0% in 2020 from the 2012 baseline, lower is better.
 * x = years since 2012.
 *   expected(1) = 9.9 - 2.9 / 8 = 9.5375; gap = 7.6 - 9.5375 = -1.9375: ahead
 *   progress = (7.6 - 9.9) / (7.0 - 9.9) = 0.7931034482758621
 *   expected progress = 1/8 = 0.125
 *   trend over 2 points: slope -2.3 a year; intercept median(9.9, 7.6 + 2.3) = 9.9
 *   projection at 8: 9.9 - 2.3 * 8 = -8.5 (no interval with two points)
 *   no five-year span observed: no best rate
 *   proposal: from (1, 7.6) to (8, 7.0); at 6: 7.6 - 0.6 * 5/7 = 7.171428571428572,
 *   -0.6/7 = -0.08571428571428572 a year
 *   light green (ahead of the path; a projection is not needed)
 */
static void
test_vacancy_zeeuws_vlaanderen(void)
{
	double		px[] = {0, 8},
				pv[] = {9.9, 7.0},
				x[] = {0, 1},
				y[] = {9.9, 7.6};
	krimp_target_path path = {KRIMP_PATH_LINEAR, 2, px, pv};
	krimp_eval_params prm = defaults(-1);
	krimp_eval_result r;
	krimp_error err;

	CHECK(krimp_target_evaluate(&path, x, y, 2, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_GREEN);
	CHECK_STR(krimp_light_name(r.light), "green");
	CHECK(r.observed == 2);
	CHECK(r.latest_x == 1 && r.latest_value == 7.6);
	CHECK_NEAR(r.expected, 9.5375, 1e-14);
	CHECK_NEAR(r.gap, -1.9375, 1e-14);
	CHECK_NEAR(r.progress, 0.7931034482758621, 1e-14);
	CHECK_NEAR(r.expected_progress, 0.125, 1e-14);
	CHECK_NEAR(r.scale, 2.9, 1e-14);
	CHECK(r.trend_points == 2);
	CHECK_NEAR(r.trend_slope, -2.3, 1e-14);
	CHECK_NEAR(r.projected, -8.5, 1e-13);
	CHECK(krimp_is_missing(r.projected_low) && krimp_is_missing(r.projected_high));
	CHECK(krimp_is_missing(r.best_rate) && krimp_is_missing(r.alternative_horizon));
	CHECK(r.proposal_x == 6);
	CHECK_NEAR(r.proposal_value, 7.171428571428572, 1e-14);
	CHECK_NEAR(r.proposal_rate, -0.08571428571428572, 1e-14);

	/*
	 * The same figures against a target of 6.5% in 2013 (one year): expected
	 * 6.5, gap +1.1 (behind), and with only two points (min_points 3) there
	 * is no projection to judge: grey.  Past the horizon the realisation is
	 * the outcome: miss 1.1 against 10% of 3.4 = 0.34 gives red once the
	 * horizon has passed.
	 */
	{
		double		qx[] = {0, 1},
					qv[] = {9.9, 6.5};
		krimp_target_path q = {KRIMP_PATH_LINEAR, 2, qx, qv};
		double		hx[] = {0, 3},
					hv[] = {9.9, 6.5};
		krimp_target_path far = {KRIMP_PATH_LINEAR, 2, hx, hv};

		CHECK(krimp_target_evaluate(&q, x, y, 2, &prm, &r, &err));
		CHECK_NEAR(r.gap, 1.1, 1e-14);
		CHECK(r.projected == 7.6);	/* the horizon has passed */
		CHECK(r.light == KRIMP_LIGHT_RED);
		CHECK(krimp_is_missing(r.proposal_value));
		/* horizon 2015: expected(1) = 9.9 - 3.4/3 = 8.7667, behind by 1.17 > 0.05 * 3.4: two points are too few */
		CHECK(krimp_target_evaluate(&far, x, y, 2, &prm, &r, &err));
		CHECK(r.light == KRIMP_LIGHT_GREEN);	/* 7.6 is ahead of 8.7667 */
		prm.sense = 1;			/* if higher were better, 7.6 would be behind */
		CHECK(krimp_target_evaluate(&far, x, y, 2, &prm, &r, &err));
		CHECK(r.light == KRIMP_LIGHT_GREY);
		CHECK(r.trend_points == 2);
	}
}

/*
 * Red: from 100 to 120 in 10 steps, higher is better; realised 100..105 in
 * steps 0..5.
 *   expected(5) = 110, gap -5; scale 20, path tolerance 0.05 * 20 = 1: behind
 *   Theil-Sen slope 1 (every pair), intercept 100, projection at 10: 110
 *   Sen's interval with n = 6: N = 15, Var(S) = 6*5*17/18, C = 1.96 * 5.32 =
 *   10.43, ranks 2 and 14: slopes 1 and 1, so 110 .. 110
 *   miss 120 - 110 = 10 > 0.10 * 20 = 2: red
 *   best five-year rate (0 -> 5): 1 a year; reachable 105 + 5 = 110 < 120:
 *   alternative horizon value 110
 *   proposal: from (5, 105) to (10, 120): 120 at step 10, 3 a year
 */
static void
test_red(void)
{
	double		px[] = {0, 10},
				pv[] = {100, 120},
				x[] = {0, 1, 2, 3, 4, 5},
				y[] = {100, 101, 102, 103, 104, 105};
	krimp_target_path path = {KRIMP_PATH_LINEAR, 2, px, pv};
	krimp_eval_params prm = defaults(1);
	krimp_eval_result r;
	krimp_error err;

	CHECK(krimp_target_evaluate(&path, x, y, 6, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_RED);
	CHECK_NEAR(r.expected, 110, 1e-14);
	CHECK_NEAR(r.gap, -5, 1e-14);
	CHECK_NEAR(r.progress, 0.25, 1e-14);
	CHECK_NEAR(r.expected_progress, 0.5, 1e-14);
	CHECK(r.trend_points == 6);
	CHECK_NEAR(r.trend_slope, 1, 1e-14);
	CHECK_NEAR(r.projected, 110, 1e-13);
	CHECK_NEAR(r.projected_low, 110, 1e-13);
	CHECK_NEAR(r.projected_high, 110, 1e-13);
	CHECK_NEAR(r.best_rate, 1, 1e-14);
	CHECK_NEAR(r.reachable, 110, 1e-13);
	CHECK_NEAR(r.alternative_horizon, 110, 1e-13);
	CHECK(r.proposal_x == 10);
	CHECK_NEAR(r.proposal_value, 120, 1e-14);
	CHECK_NEAR(r.proposal_rate, 3, 1e-14);

	/* with a tolerance of 50% of the planned change (10), the miss of 10 is within: orange */
	prm.tolerance = 0.5;
	CHECK(krimp_target_evaluate(&path, x, y, 6, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_ORANGE);

	/* a window of 3 steps uses 103, 104, 105 only: the same slope */
	prm = defaults(1);
	prm.window = 3;
	CHECK(krimp_target_evaluate(&path, x, y, 6, &prm, &r, &err));
	CHECK(r.trend_points == 3);
	CHECK_NEAR(r.projected, 110, 1e-13);
	CHECK(krimp_is_missing(r.projected_low));	/* n = 3: Sen's ranks fall outside */
}

/*
 * Orange: from 100 (step 0) to 113 (step 10), higher is better; realised
 * 100, 102, 104, 106, 108 in steps 4..8.
 *   expected(8) = 100 + 13 * 0.8 = 110.4, gap -2.4; 0.05 * 13 = 0.65: behind
 *   Theil-Sen slope 2, intercept 100 at step 4, 108 at step 8, 112 at step 10
 *   n = 5: N = 10, Var(S) = 5*4*15/18 = 16.67, C = 8.0, ranks 1 and 10: 2 .. 2
 *   miss 113 - 112 = 1 <= 0.10 * 13 = 1.3: orange
 *   no pair five steps apart ends inside 4..8 except none: no best rate
 */
static void
test_orange(void)
{
	double		px[] = {0, 10},
				pv[] = {100, 113},
				x[] = {4, 5, 6, 7, 8},
				y[] = {100, 102, 104, 106, 108};
	krimp_target_path path = {KRIMP_PATH_LINEAR, 2, px, pv};
	krimp_eval_params prm = defaults(1);
	krimp_eval_result r;
	krimp_error err;

	CHECK(krimp_target_evaluate(&path, x, y, 5, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_ORANGE);
	CHECK_NEAR(r.expected, 110.4, 1e-14);
	CHECK_NEAR(r.gap, -2.4, 1e-13);
	CHECK_NEAR(r.projected, 112, 1e-13);
	CHECK_NEAR(r.projected_low, 112, 1e-13);
	CHECK_NEAR(r.projected_high, 112, 1e-13);
	CHECK(krimp_is_missing(r.best_rate));
	/* proposal: from (8, 108) to (10, 113), capped at the horizon: 113, 2.5 a year */
	CHECK(r.proposal_x == 10);
	CHECK_NEAR(r.proposal_value, 113, 1e-14);
	CHECK_NEAR(r.proposal_rate, 2.5, 1e-14);
	/* no path tolerance changes nothing here; a path tolerance of 0.2 (2.6) makes it green */
	prm.path_tolerance = 0.2;
	CHECK(krimp_target_evaluate(&path, x, y, 5, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_GREEN);
}

/*
 * A limited decline on a growth path: from 1000 to 500 in 10 steps, higher
 * is better (the target runs against the direction of good); realised
 * 1000 * 0.95^x for x = 0..5.
 *   expected(5) = 1000 * 0.5^0.5 = 707.1067811865476; realised
 *   773.780937500 is above: green
 *   progress (773.7809375 - 1000) / -500 = 0.452438125
 *   log-linear trend: -5% a year; projection 1000 * 0.95^10 = 598.7369392383789
 *   best five-year rate in the direction of good: -5% a year (the only
 *   span), reachable 598.74, which stays above the floor of 500: within
 *   reach, no alternative horizon value
 */
static void
test_growth(void)
{
	double		px[] = {0, 10},
				pv[] = {1000, 500},
				x[] = {0, 1, 2, 3, 4, 5},
				y[6];
	krimp_target_path path = {KRIMP_PATH_GROWTH, 2, px, pv};
	krimp_eval_params prm = defaults(1);
	krimp_eval_result r;
	krimp_error err;

	for (int i = 0; i < 6; i++)
		y[i] = 1000 * pow(0.95, i);
	CHECK(krimp_target_evaluate(&path, x, y, 6, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_GREEN);
	CHECK_NEAR(r.expected, 707.1067811865476, 1e-13);
	CHECK_NEAR(r.progress, 0.452438125, 1e-12);
	CHECK_NEAR(r.trend_slope, -0.05, 1e-12);
	CHECK_NEAR(r.projected, 598.7369392383789, 1e-12);
	CHECK_NEAR(r.best_rate, -0.05, 1e-12);
	CHECK_NEAR(r.reachable, 598.7369392383789, 1e-12);
	CHECK(krimp_is_missing(r.alternative_horizon));
	/* proposal: (500 / 773.7809375)^(1/5) - 1 a year; at step 10, 500 */
	CHECK_NEAR(r.proposal_rate, pow(500 / 773.7809375, 0.2) - 1, 1e-12);
	CHECK_NEAR(r.proposal_value, 500, 1e-12);

	/*
	 * Growth of 1000 to 2000 with the same realisations: out of reach at the
	 * best five-year rate.  Every five-year pair is -5% a year, so the best
	 * is -5%, reachable 598.74, alternative 598.74; projection 598.74, miss
	 * 1401 > 100: red.
	 */
	pv[1] = 2000;
	CHECK(krimp_target_evaluate(&path, x, y, 6, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_RED);
	CHECK_NEAR(r.alternative_horizon, 598.7369392383789, 1e-12);
}

/* The best rate picks the best of several five-step spans, skipping gaps. */
static void
test_best_rate(void)
{
	double		px[] = {0, 20},
				pv[] = {0, 100},
				x[] = {0, 1, 2, 3, 5, 6, 7, 8, 10},
				y[] = {0, 1, 2, 3, 13, 4, 5, NaN, 20};
	krimp_target_path path = {KRIMP_PATH_LINEAR, 2, px, pv};
	krimp_eval_params prm = defaults(1);
	krimp_eval_result r;
	krimp_error err;

	/*
	 * pairs five steps apart: (0,5) 13/5 = 2.6, (1,6) 3/5 = 0.6, (2,7) 3/5,
	 * (3,8) missing, (5,10) 7/5 = 1.4: best 2.6 a year.  Latest 20 at step
	 * 10: reachable 20 + 2.6 * 10 = 46 < 100: alternative 46.
	 */
	CHECK(krimp_target_evaluate(&path, x, y, 9, &prm, &r, &err));
	CHECK(r.observed == 8);
	CHECK_NEAR(r.best_rate, 2.6, 1e-14);
	CHECK_NEAR(r.reachable, 46, 1e-13);
	CHECK_NEAR(r.alternative_horizon, 46, 1e-13);
	/* expected 50, gap -30: behind; window 10 steps: x > 0, 7 points */
	CHECK(r.trend_points == 7);
	CHECK(r.light == KRIMP_LIGHT_RED);
}

/* Grey: nothing after the baseline; a target to hold a value, either way. */
static void
test_grey_and_hold(void)
{
	double		px[] = {5, 10},
				pv[] = {50, 50},
				x[] = {3, 4, 5},
				y[] = {50, 49, 51},
				x2[] = {5, 6, 7, 8},
				y2[] = {50, 52, 54, 56};
	krimp_target_path path = {KRIMP_PATH_LINEAR, 2, px, pv};
	krimp_eval_params prm = defaults(0);
	krimp_eval_result r;
	krimp_error err;

	CHECK(krimp_target_evaluate(&path, x, y, 3, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_GREY);
	CHECK(r.latest_x == 5 && krimp_is_missing(r.expected));
	CHECK(krimp_target_evaluate(&path, x, y, 0, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_GREY && r.observed == 0);

	/*
	 * Hold 50 (no planned change): the scale is |50| = 50; at step 8, 56 is
	 * 6 off (> 2.5); slope 2, projection 60, miss 10 > 5: red.  Progress
	 * is undefined.  With a path tolerance of 0.2 (10) it is on the path.
	 */
	CHECK(krimp_target_evaluate(&path, x2, y2, 4, &prm, &r, &err));
	CHECK_NEAR(r.scale, 50, 0);
	CHECK(krimp_is_missing(r.progress));
	CHECK_NEAR(r.projected, 60, 1e-13);
	CHECK(r.light == KRIMP_LIGHT_RED);
	prm.path_tolerance = 0.2;
	CHECK(krimp_target_evaluate(&path, x2, y2, 4, &prm, &r, &err));
	CHECK(r.light == KRIMP_LIGHT_GREEN);
}

int
main(void)
{
	RUN(test_path_values);
	RUN(test_path_errors);
	RUN(test_vacancy_zeeuws_vlaanderen);
	RUN(test_red);
	RUN(test_orange);
	RUN(test_growth);
	RUN(test_best_rate);
	RUN(test_grey_and_hold);
	UNIT_DONE();
}
