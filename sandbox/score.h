/* Scoring a submission from its tests' results, as the problem package
 * format says: the legacy default grader over the tree of test data groups
 * (on_reject, accept_score, reject_score, range, grader_flags), and the
 * 2025-09 aggregation (max_score, score_aggregation). Pure: unit-tested on
 * its own. */
#ifndef VERDICT_SCORE_H
#define VERDICT_SCORE_H

#include <json-c/json.h>
#include <stddef.h>

/* One test as the judge saw it. The names are borrowed. */
struct score_test {
	const char *name;    /* "secret/g1/01" */
	const char *group;   /* "secret/g1" */
	const char *verdict; /* AC, WA, TLE, RTE, MLE, OLE, JE; ignored when !judged */
	double score;        /* the validator's score.txt when has_score; set to the test's score */
	int has_score, judged;
};

/* groups: the problem's [{name, settings}] with settings inherited (as the
 * server stores them). */

/* Legacy scoring: is test i still to be judged, given the results of the
 * tests before it? No when a group around it has on_reject: break (the
 * default) and an earlier part of that group was rejected. */
int score_legacy_should_judge(json_object *groups, const struct score_test *t, size_t nt, size_t i);

/* Legacy scoring: the verdict and score of secret by the default grader,
 * and the most it could have scored. Sets each judged test's score. */
void score_legacy(json_object *groups, struct score_test *t, size_t nt, const char **verdict, double *score,
		  double *max);

/* 2025-09 scoring: secret's score (samples never count) and its maximum.
 * Sets each judged test's score. */
void score_modern(json_object *groups, struct score_test *t, size_t nt, double *score, double *max);

#endif
