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
	 * required}} for subsets of tests. */
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

/* Does a judged submission meet expect? verdict: the submission's final
 * one; tests: the judged tests [{name, verdict}] (borrowed); score and
 * max_score when scored. 1 yes, 0 no, with why (for people). */
int verify_check(json_object *expect, const char *verdict, double score, int has_score, double max_score,
		 json_object *tests, char *why, size_t whylen);

/* Glob matching of the format's submissions.yaml: * and ? within one path
 * component, {a,b} alternatives; a path matches when it or one of its
 * parent directories does. 1 or 0. */
int verify_glob_match(const char *pattern, const char *path);

#endif
