/* Package verification: a package's own submissions (submissions/), what
 * their authors expect of them, and whether a judged submission meets that,
 * as problemtools' verifyproblem and DOMjudge check. Pure: no MySQL, no
 * Redis; server/api_verification.c stores, queues and reports. */
#ifndef VERDICT_VERIFY_H
#define VERDICT_VERIFY_H

#include <json-c/json.h>
#include <stddef.h>

#include "package.h"

struct verify_item {
	char file[512];            /* under submissions/, e.g. "accepted/sol.py" */
	char lang[16];             /* Verdict's language id; "" when the extension is unknown */
	const unsigned char *code; /* borrowed from the package's files */
	size_t code_len;
	/* Owned: {"permitted":[..], "required":[..]} over the per-test verdicts
	 * AC, WA, TLE, RTE; "final":[..] when the source names its result
	 * (@EXPECTED_RESULTS@); "score" (number or [lo, hi]); "partial": true
	 * for legacy partially_accepted; "groups": {glob: {permitted,
	 * required}} for subsets of tests; "use_for_time_limit" (whole or
	 * per group) as given; "time": {"lower": [glob..], "upper": [glob..]},
	 * the tests by which it bounds the time limit ("" all). */
	json_object *expect;
	char note[200]; /* why it cannot be judged here; "" when it can */
};

/* The submissions of a package, in path order. files are the package's
 * (borrowed; code points into them); legacy: the format's defaults for the
 * folders are the legacy ones. *items is the caller's (verify_items_free).
 * 0, or -1 with err when submissions.yaml is broken. */
int verify_plan(const struct pkg_file *files, size_t nfiles, int legacy, struct verify_item **items, size_t *n,
		char *err, size_t errlen);
void verify_items_free(struct verify_item *items, size_t n);

/* The format's verdict for one of Verdict's: MLE and OLE are run-time
 * errors there. NULL for CE and JE, which meet no expectation. */
const char *verify_format_verdict(const char *verdict);

/* The time limit against a submission's times: the limit and the
 * package's multipliers, and the multiplier of the submission's language
 * (its times are divided by it). */
struct verify_timing {
	double time_limit, ac_to_time_limit, time_limit_to_tle, lang_mult;
};

/* Does a judged submission meet expect? verdict: the submission's final
 * one; tests: the judged tests [{name, verdict, time_ms}] (borrowed); score
 * and max_score when scored. 1 yes, 0 no, with why (for people). */
int verify_check(json_object *expect, const char *verdict, double score, int has_score, double max_score,
		 json_object *tests, char *why, size_t whylen);
/* Does a submission that bounds the time limit keep its distance from it
 * (2025-09 "Problem timing": time × ac_to_time_limit ≤ limit for a lower
 * bound, limit × time_limit_to_tle ≤ time for an upper one)? 1 yes, 0 no
 * with why. */
int verify_time_margin(json_object *expect, json_object *tests, const struct verify_timing *tm, char *why,
		       size_t whylen);

/* Time limit inference: a submission bounds the limit from below (it may
 * not TLE: the limit is at least its time × ac_to_time_limit) or above (it
 * must TLE: the limit × time_limit_to_tle is at most its time), on the
 * tests its rule covers. */
enum verify_bound { VERIFY_LOWER, VERIFY_UPPER };
/* Does expect bound the limit that way? */
int verify_bounds(json_object *expect, enum verify_bound b);
/* Its slowest time in seconds (divided by mult) over the tests the bound
 * covers, -1 when none; *tle (when not NULL) set when one of them was TLE;
 * test gets that test's name. */
double verify_time_bound(json_object *expect, enum verify_bound b, json_object *tests, double mult, int *tle,
			 char *test, size_t testlen);
/* A problem's time_multipliers (JSON text, or NULL) with the format's
 * defaults: ac_to_time_limit 2, time_limit_to_tle 1.5, time_resolution 1. */
void verify_timing_parse(const char *multipliers, double *ac, double *tle, double *res);
/* The limit a lower-bound submission runs with while the limit is looked
 * for: cap, less when × ac_to_time_limit it would pass 60 s. */
double verify_time_cap(double cap, double ac_to_time_limit);
/* The smallest positive multiple of resolution at least t_ac ×
 * ac_to_time_limit. */
double verify_time_limit(double t_ac, double ac_to_time_limit, double resolution);

/* Glob matching of the format's submissions.yaml: * and ? within one path
 * component, {a,b} alternatives; a path matches when it or one of its
 * parent directories does. 1 or 0. */
int verify_glob_match(const char *pattern, const char *path);

#endif
