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

	struct pkg_file bad[] = {f("submissions/submissions.yaml", "accepted:\n  permitted: [AC, SLOW]\n")};
	CHECK(verify_plan(bad, 1, 0, &it, &n, err, sizeof err) == -1 && strstr(err, "SLOW"));
	return check_summary();
}
