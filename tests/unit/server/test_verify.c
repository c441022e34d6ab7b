/* Unit tests of package verification (server/verify.c): which submissions
 * a package holds, what each is expected to get, and the check of a judged
 * one against it. */
#include <stdlib.h>
#include <string.h>

#include "check_harness.h"
#include "verify.h"

static struct pkg_file f(const char *path, const char *text)
{
	return (struct pkg_file){.path = (char *)path, .data = (unsigned char *)text, .len = strlen(text)};
}

static json_object *tests(const char *const *nv)
{
	json_object *a = json_object_new_array();
	for (; *nv; nv += 2) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(nv[0]));
		json_object_object_add(t, "verdict", json_object_new_string(nv[1]));
		json_object_array_add(a, t);
	}
	return a;
}

static const struct verify_item *find(const struct verify_item *it, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(it[i].file, file))
			return &it[i];
	return NULL;
}

static json_object *timed(const char *const *nvt)
{
	json_object *a = json_object_new_array();
	for (; *nvt; nvt += 3) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(nvt[0]));
		json_object_object_add(t, "verdict", json_object_new_string(nvt[1]));
		json_object_object_add(t, "time_ms", json_object_new_int(atoi(nvt[2])));
		json_object_array_add(a, t);
	}
	return a;
}

/* Which submissions bound the time limit, from where, and the limit. */
static void test_timing(void)
{
	char err[256], why[600];
	struct verify_item *it;
	size_t n;
	struct pkg_file files[] = {
		f("submissions/accepted/a.py", "print(1)\n"),
		f("submissions/wrong_answer/w.py", "print(2)\n"),
		f("submissions/time_limit_exceeded/t.py", "while 1: pass\n"),
		f("submissions/brute_force/b.py", "while 1: pass\n"),
		f("submissions/rejected/r.py", "print(3)\n"),
		f("submissions/run_time_error/x.py", "exit(1)\n"),
		f("submissions/accepted/slow.py", "print(1)\n"),
		f("submissions/time_limit_exceeded/hard.py", "print(1)\n"),
		f("submissions/submissions.yaml", "accepted/slow.py:\n  use_for_time_limit: false\n"
						  "time_limit_exceeded/hard.py:\n  secret/hard:\n    required: [TLE]\n"
						  "    permitted: [TLE]\n  secret/easy:\n    permitted: [AC]\n"
						  "rejected/r.py:\n  use_for_time_limit: upper\n"),
	};
	CHECK(verify_plan(files, sizeof files / sizeof *files, 0, &it, &n, err, sizeof err) == 0);
	static const struct {
		const char *file;
		int lower, upper;
	} roles[] = {{"accepted/a.py", 1, 0},
		     {"wrong_answer/w.py", 1, 0},
		     {"time_limit_exceeded/t.py", 0, 1},
		     {"brute_force/b.py", 0, 0},
		     {"rejected/r.py", 0, 1},
		     {"run_time_error/x.py", 1, 0},
		     {"accepted/slow.py", 0, 0},
		     {"time_limit_exceeded/hard.py", 1, 1}};
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
		const struct verify_item *x = find(it, n, roles[i].file);
		CHECK(x && verify_bounds(x->expect, VERIFY_LOWER) == roles[i].lower);
		CHECK(x && verify_bounds(x->expect, VERIFY_UPPER) == roles[i].upper);
	}
	/* hard.py bounds from below on secret/easy only, from above on secret/hard */
	const struct verify_item *hard = find(it, n, "time_limit_exceeded/hard.py");
	const char *const runs[] = {"sample/1", "AC",   "100", "secret/easy/1", "AC", "300", "secret/hard/1",
				    "TLE",      "3100", NULL};
	json_object *t = timed(runs);
	char test[100];
	int tle;
	CHECK(hard && verify_time_bound(hard->expect, VERIFY_LOWER, t, 1, &tle, test, sizeof test) == 0.3 && !tle &&
	      !strcmp(test, "secret/easy/1"));
	CHECK(hard && verify_time_bound(hard->expect, VERIFY_UPPER, t, 1, &tle, test, sizeof test) == 3.1 && tle);
	/* a: all its tests, times divided by the language's multiplier */
	const struct verify_item *a = find(it, n, "accepted/a.py");
	CHECK(a && verify_time_bound(a->expect, VERIFY_LOWER, t, 2, NULL, test, sizeof test) == 1.55);
	CHECK(a && verify_time_bound(a->expect, VERIFY_UPPER, t, 1, NULL, NULL, 0) == -1);

	/* The limit: the smallest multiple of the resolution at least t × ac. */
	CHECK(verify_time_limit(0.3, 2, 1) == 1);
	CHECK(verify_time_limit(0.5, 2, 1) == 1);
	CHECK(verify_time_limit(0.51, 2, 1) == 2);
	CHECK(verify_time_limit(0.26, 2, 0.25) == 0.75);
	CHECK(verify_time_limit(0, 2, 0.5) == 0.5);
	CHECK(verify_time_limit(1.01, 5, 1) == 6); /* legacy: ceil(t_max × 5) */

	/* Against a limit: a lower bound too close to it, an upper one not far
	 * enough over it. */
	struct verify_timing tm = {.time_limit = 1, .ac_to_time_limit = 2, .time_limit_to_tle = 1.5, .lang_mult = 1};
	const char *const fast[] = {"secret/1", "AC", "400", NULL}, *const close[] = {"secret/1", "AC", "600", NULL},
			  *const slow[] = {"secret/1", "TLE", "1600", NULL},
			  *const barely[] = {"secret/1", "TLE", "1200", NULL};
	json_object *tf = timed(fast), *tc = timed(close), *ts = timed(slow), *tb = timed(barely);
	CHECK(verify_time_margin(a->expect, tf, &tm, why, sizeof why));
	CHECK(!verify_time_margin(a->expect, tc, &tm, why, sizeof why) && strstr(why, "ac_to_time_limit"));
	CHECK(verify_check(a->expect, "AC", 0, 0, 0, tc, why, sizeof why));
	tm.lang_mult = 2; /* 0.6 s of Python is 0.3 s of the limit */
	CHECK(verify_time_margin(a->expect, tc, &tm, why, sizeof why));
	tm.lang_mult = 1;
	const struct verify_item *tl = find(it, n, "time_limit_exceeded/t.py");
	CHECK(verify_time_margin(tl->expect, ts, &tm, why, sizeof why));
	CHECK(!verify_time_margin(tl->expect, tb, &tm, why, sizeof why) && strstr(why, "time_limit_to_tle"));
	CHECK(verify_time_margin(find(it, n, "brute_force/b.py")->expect, tb, &tm, why,
				 sizeof why)); /* bounds nothing */
	json_object_put(t);
	json_object_put(tf);
	json_object_put(tc);
	json_object_put(ts);
	json_object_put(tb);
	verify_items_free(it, n);

	/* legacy: accepted/ from below, time_limit_exceeded/ from above, no other */
	CHECK(verify_plan(files, 8, 1, &it, &n, err, sizeof err) == 0);
	CHECK(verify_bounds(find(it, n, "accepted/a.py")->expect, VERIFY_LOWER));
	CHECK(!verify_bounds(find(it, n, "wrong_answer/w.py")->expect, VERIFY_LOWER));
	CHECK(verify_bounds(find(it, n, "time_limit_exceeded/t.py")->expect, VERIFY_UPPER));
	verify_items_free(it, n);

	struct pkg_file badu[] = {f("submissions/submissions.yaml", "accepted:\n  use_for_time_limit: sometimes\n")};
	CHECK(verify_plan(badu, 1, 0, &it, &n, err, sizeof err) == -1 && strstr(err, "use_for_time_limit"));
}

int main(void)
{
	CHECK(verify_glob_match("accepted", "accepted/a.py"));
	CHECK(verify_glob_match("accepted/*", "accepted/a.py"));
	CHECK(!verify_glob_match("accepted/*.cpp", "accepted/a.py"));
	CHECK(verify_glob_match("*/a.{py,cpp}", "wrong_answer/a.cpp"));
	CHECK(verify_glob_match("secret/*-hard", "secret/07-hard"));
	CHECK(!verify_glob_match("secret/*", "sample/1"));
	CHECK(verify_glob_match("secret/group1", "secret/group1/03"));
	CHECK(!verify_glob_match("s*/g1", "secret/group1/3")); /* * stays within a component */
	CHECK(verify_glob_match("*", "secret/group1"));        /* ... but a parent group matches */

	struct pkg_file files[] = {
		f("problem.yaml", "name: x\n"),
		f("submissions/accepted/a.py", "print(1)\n"),
		f("submissions/wrong_answer/w.cpp", "int main(){}\n"),
		f("submissions/time_limit_exceeded/slow.java", "class Main {}\n"),
		f("submissions/run_time_error/dir/main.c", "int main(){return 1;}\n"),
		f("submissions/run_time_error/dir/README", "a directory submission\n"),
		f("submissions/rejected/r.py", "# @EXPECTED_RESULTS@: WRONG_ANSWER, TIMELIMIT\n"),
		f("submissions/other/x.py", "print(2)\n"),
		f("submissions/accepted/two/a.c", "int main(){}\n"),
		f("submissions/accepted/two/b.c", "int x;\n"),
		f("submissions/submissions.yaml",
		  "accepted/a.py:\n  score: [40, 60]\n  secret/g2:\n    required: [AC]\n"),
	};
	struct verify_item *it;
	size_t n;
	char err[256];
	CHECK(verify_plan(files, sizeof files / sizeof *files, 0, &it, &n, err, sizeof err) == 0);
	CHECK(n == 7);
	const struct verify_item *a = find(it, n, "accepted/a.py"), *d = find(it, n, "run_time_error/dir"),
				 *r = find(it, n, "rejected/r.py"), *o = find(it, n, "other/x.py"),
				 *two = find(it, n, "accepted/two"),
				 *tle = find(it, n, "time_limit_exceeded/slow.java");
	CHECK(a && !strcmp(a->lang, "python3") && !a->note[0]);
	CHECK(d && !strcmp(d->lang, "c") && !d->note[0]);
	CHECK(tle && !strcmp(tle->lang, "java"));
	CHECK(two && two->note[0]); /* several source files */
	CHECK(o && o->note[0]);     /* an unknown folder: nothing expected */
	char why[300];
	/* accepted: every test AC, and the score in range. */
	const char *const ac[] = {"sample/1", "AC", "secret/g1/1", "AC", "secret/g2/1", "AC", NULL};
	json_object *t = tests(ac);
	CHECK(verify_check(a->expect, "AC", 50, 1, 100, t, why, sizeof why));
	CHECK(!verify_check(a->expect, "AC", 70, 1, 100, t, why, sizeof why) && strstr(why, "score"));
	json_object_put(t);
	const char *const wa[] = {"sample/1", "AC", "secret/g2/1", "WA", NULL};
	t = tests(wa);
	CHECK(!verify_check(a->expect, "WA", 50, 1, 100, t, why, sizeof why));
	/* rejected with @EXPECTED_RESULTS@: the final verdict decides. */
	CHECK(verify_check(r->expect, "WA", 0, 0, 0, t, why, sizeof why));
	json_object_put(t);
	const char *const rte[] = {"secret/1", "RTE", NULL};
	t = tests(rte);
	CHECK(!verify_check(r->expect, "RTE", 0, 0, 0, t, why, sizeof why));
	/* MLE and OLE are run-time errors in the format's terms. */
	CHECK(verify_check(d->expect, "MLE", 0, 0, 0, t, why, sizeof why));
	CHECK(!verify_check(d->expect, "CE", 0, 0, 0, t, why, sizeof why));
	json_object_put(t);
	/* time_limit_exceeded (2025-09): a WA anywhere is not permitted. */
	const char *const tw[] = {"secret/1", "TLE", "secret/2", "WA", NULL};
	t = tests(tw);
	CHECK(!verify_check(tle->expect, "TLE", 0, 0, 0, t, why, sizeof why));
	json_object_put(t);
	verify_items_free(it, n);

	/* The legacy folders: time_limit_exceeded may also answer wrong. */
	CHECK(verify_plan(files, sizeof files / sizeof *files, 1, &it, &n, err, sizeof err) == 0);
	tle = find(it, n, "time_limit_exceeded/slow.java");
	t = tests(tw);
	CHECK(tle && verify_check(tle->expect, "TLE", 0, 0, 0, t, why, sizeof why));
	json_object_put(t);
	verify_items_free(it, n);

	/* partially_accepted (legacy): tests may fail, the final verdict is
	 * AC and the score below the maximum. */
	struct pkg_file pa[] = {f("submissions/partially_accepted/p.c", "int main(){}\n")};
	CHECK(verify_plan(pa, 1, 1, &it, &n, err, sizeof err) == 0 && n == 1);
	const char *const part[] = {"secret/g1/1", "AC", "secret/g2/1", "WA", NULL};
	t = tests(part);
	CHECK(verify_check(it[0].expect, "AC", 60, 1, 100, t, why, sizeof why));
	CHECK(!verify_check(it[0].expect, "AC", 100, 1, 100, t, why, sizeof why));
	CHECK(!verify_check(it[0].expect, "WA", 60, 1, 100, t, why, sizeof why));
	json_object_put(t);
	verify_items_free(it, n);

	test_timing();

	struct pkg_file bad[] = {f("submissions/submissions.yaml", "accepted:\n  permitted: [AC, SLOW]\n")};
	CHECK(verify_plan(bad, 1, 0, &it, &n, err, sizeof err) == -1 && strstr(err, "SLOW"));
	return check_summary();
}
