/* Unit tests of scoring (sandbox/score.c): the legacy default grader over
 * nested groups (on_reject, accept_score, reject_score, range, grader
 * flags) and which tests on_reject: break leaves unjudged. */
#include <math.h>
#include <stdlib.h>

#include "check_harness.h"
#include "score.h"

/* groups: "name|yaml-ish settings as JSON" */
static json_object *groups(const char *const *spec)
{
	json_object *a = json_object_new_array();
	for (; *spec; spec += 2) {
		json_object *g = json_object_new_object();
		json_object_object_add(g, "name", json_object_new_string(spec[0]));
		json_object_object_add(g, "settings", json_tokener_parse(spec[1]));
		json_object_array_add(a, g);
	}
	return a;
}

#define T(n, g, v)                                               \
	{                                                        \
		.name = n, .group = g, .verdict = v, .judged = 1 \
	}

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

int main(void)
{
	/* The package of tests/packages/nested_groups. */
	static const char *const nested[] = {
		"sample",
		"{}",
		"secret",
		"{}",
		"secret/subtask1",
		"{\"on_reject\":\"break\",\"accept_score\":40,\"range\":\"0 40\",\"grader_flags\":\"min\"}",
		"secret/subtask2",
		"{\"on_reject\":\"continue\",\"accept_score\":20,\"range\":\"0 60\",\"grader_flags\":\"first_error "
		"accept_if_any_accepted\"}",
		NULL};
	json_object *g = groups(nested);
	const char *v;
	double sc, mx;

	struct score_test all_ac[] = {T("sample/1", "sample", "AC"),
				      T("secret/subtask1/01", "secret/subtask1", "AC"),
				      T("secret/subtask1/02", "secret/subtask1", "AC"),
				      T("secret/subtask1/03", "secret/subtask1", "AC"),
				      T("secret/subtask2/1", "secret/subtask2", "AC"),
				      T("secret/subtask2/2", "secret/subtask2", "AC"),
				      T("secret/subtask2/3", "secret/subtask2", "AC")};
	score_legacy(g, all_ac, 7, &v, &sc, &mx);
	CHECK_STR(v, "AC");
	CHECK(near(sc, 100)); /* min of 40s, sum of 20s */
	CHECK(near(mx, 100));
	CHECK(near(all_ac[1].score, 40) && near(all_ac[4].score, 20) && near(all_ac[0].score, 0));

	/* One accepted test of subtask2 makes it accepted: 40 + 20. */
	struct score_test partial[] = {T("sample/1", "sample", "AC"),
				       T("secret/subtask1/01", "secret/subtask1", "AC"),
				       T("secret/subtask1/02", "secret/subtask1", "AC"),
				       T("secret/subtask1/03", "secret/subtask1", "AC"),
				       T("secret/subtask2/1", "secret/subtask2", "WA"),
				       T("secret/subtask2/2", "secret/subtask2", "AC"),
				       T("secret/subtask2/3", "secret/subtask2", "WA")};
	score_legacy(g, partial, 7, &v, &sc, &mx);
	CHECK_STR(v, "AC");
	CHECK(near(sc, 60));

	/* on_reject: break in subtask1, and (by default) in secret. */
	struct score_test br[] = {T("sample/1", "sample", "AC"),
				  T("secret/subtask1/01", "secret/subtask1", "WA"),
				  {.name = "secret/subtask1/02", .group = "secret/subtask1"},
				  {.name = "secret/subtask1/03", .group = "secret/subtask1"},
				  {.name = "secret/subtask2/1", .group = "secret/subtask2"},
				  {.name = "secret/subtask2/2", .group = "secret/subtask2"},
				  {.name = "secret/subtask2/3", .group = "secret/subtask2"}};
	CHECK(score_legacy_should_judge(g, br, 7, 1));
	CHECK(!score_legacy_should_judge(g, br, 7, 2));
	CHECK(!score_legacy_should_judge(g, br, 7, 4));
	score_legacy(g, br, 7, &v, &sc, &mx);
	CHECK_STR(v, "WA");
	CHECK(near(sc, 0));
	CHECK(near(mx, 100));

	/* on_reject: continue judges the rest of subtask2, and secret
	 * continues when subtask2 (a later part) fails. */
	struct score_test co[] = {T("sample/1", "sample", "AC"),
				  T("secret/subtask1/01", "secret/subtask1", "AC"),
				  T("secret/subtask1/02", "secret/subtask1", "AC"),
				  T("secret/subtask1/03", "secret/subtask1", "AC"),
				  T("secret/subtask2/1", "secret/subtask2", "WA"),
				  {.name = "secret/subtask2/2", .group = "secret/subtask2"},
				  {.name = "secret/subtask2/3", .group = "secret/subtask2"}};
	CHECK(score_legacy_should_judge(g, co, 7, 5));

	/* worst_error picks by kind, first_error by order; reject_score;
	 * avg; range clamps. */
	static const char *const flat[] = {
		"secret", "{\"grader_flags\":\"avg\",\"reject_score\":0.5,\"on_reject\":\"continue\"}", NULL};
	json_object *f = groups(flat);
	struct score_test w[] = {T("secret/a", "secret", "WA"), T("secret/b", "secret", "TLE"),
				 T("secret/c", "secret", "AC")};
	score_legacy(f, w, 3, &v, &sc, &mx);
	CHECK_STR(v, "TLE"); /* TLE comes before WA in worst_error's list */
	CHECK(near(sc, (0.5 + 0.5 + 1) / 3));
	json_object_put(f);
	static const char *const first[] = {
		"secret", "{\"grader_flags\":\"sum worst_error first_error\",\"range\":\"0 1.5\"}", NULL};
	f = groups(first);
	score_legacy(f, w, 3, &v, &sc, &mx);
	CHECK_STR(v, "WA"); /* the last mode given wins: first_error */
	CHECK(near(sc, 1));
	CHECK(near(mx, 1.5)); /* 3 clamped to the range */
	json_object_put(f);

	/* A validator's score.txt replaces accept_score. */
	static const char *const own[] = {"secret", "{}", NULL};
	f = groups(own);
	struct score_test s1[] = {
		{.name = "secret/a", .group = "secret", .verdict = "AC", .judged = 1, .score = 2.5, .has_score = 1},
		T("secret/b", "secret", "AC")};
	score_legacy(f, s1, 2, &v, &sc, &mx);
	CHECK(near(sc, 3.5));
	json_object_put(f);

	/* 2025-09: groups of secret are pass-fail with their max_score. */
	static const char *const modern[] = {"secret",    "{\"max_score\":100}", "secret/g1", "{\"max_score\":30}",
					     "secret/g2", "{\"max_score\":70}",  NULL};
	f = groups(modern);
	struct score_test m[] = {T("secret/g1/1", "secret/g1", "AC"), T("secret/g1/2", "secret/g1", "AC"),
				 T("secret/g2/1", "secret/g2", "AC"), T("secret/g2/2", "secret/g2", "WA")};
	score_modern(f, m, 4, &sc, &mx);
	CHECK(near(sc, 30));
	CHECK(near(mx, 100));
	json_object_put(f);
	json_object_put(g);
	return check_summary();
}
