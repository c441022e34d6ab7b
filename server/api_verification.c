/* Package verification, the routes: start it again, and the report of each
 * of the package's own submissions against what its authors expect of it,
 * with the time limit they gave. Storing and queueing is
 * server/verification.c's; what is expected and whether it was met,
 * server/verify.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "util.h"
#include "verify.h"
#include "jobs.h"
#include "submissions.h"
#include "problems.h"
#include "audit.h"
#include "verification.h"

/*** Reporting ***/

static json_object *get(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* The final verdicts that meet expect, for people. */
static json_object *expected_verdicts(json_object *expect)
{
	static const char *const all[] = {"AC", "WA", "TLE", "RTE"};
	json_object *fin = get(expect, "final"), *perm = get(expect, "permitted"), *req = get(expect, "required");
	json_object *out = json_object_new_array();
	for (int i = 0; i < 4; i++) {
		int ok = 1;
		if (fin) {
			ok = 0;
			for (size_t j = 0; j < json_object_array_length(fin); j++)
				ok |= !strcmp(util_json_text(json_object_array_get_idx(fin, j)), all[i]);
		} else {
			int p = !perm, r = !req;
			for (size_t j = 0; perm && j < json_object_array_length(perm); j++)
				p |= !strcmp(util_json_text(json_object_array_get_idx(perm, j)), all[i]);
			for (size_t j = 0; req && j < json_object_array_length(req); j++)
				r |= !strcmp(util_json_text(json_object_array_get_idx(req, j)), all[i]);
			ok = p && r;
		}
		if (ok)
			json_object_array_add(out, json_object_new_string(all[i]));
	}
	return out;
}

static int item_rank(json_object *it)
{
	json_object *ok = get(it, "ok");
	const char *st = json_object_get_string(get(it, "status"));
	if (ok && !json_object_get_boolean(ok))
		return 0; /* mismatches first */
	if (st && !strcmp(st, "not_run"))
		return 1;
	if (!ok)
		return 2; /* pending */
	return 3;
}

static int cmp_items(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	int d = item_rank(x) - item_rank(y);
	return d ? d : strcmp(json_object_get_string(get(x, "file")), json_object_get_string(get(y, "file")));
}

static void do_get(struct worker *w, struct req *r)
{
	int e;
	MYSQL_RES *res = db_query(
		w->db, &e,
		"SELECT time_limit, time_limit_from, time_limit_note, time_multipliers FROM problems WHERE id = %q",
		r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		http_error(r, 404, "not_found", "no problem %.64s", r->param);
		return;
	}
	struct verify_timing tm = {.time_limit = strtod(row[0], NULL)};
	verify_timing_parse(row[3], &tm.ac_to_time_limit, &tm.time_limit_to_tle, &(double){0});
	/* While the limit is looked for, nothing is held to it yet. */
	int limit_known = time_limit_known(row[1]);
	int inferred = !strcmp(row[1], "inferred");
	json_object *tl = json_object_new_object();
	json_object_object_add(tl, "value", limit_known ? json_object_new_double(tm.time_limit) : NULL);
	json_object_object_add(tl, "from", json_object_new_string(row[1]));
	json_object_object_add(tl, "note", row[2] ? json_object_new_string(row[2]) : NULL);
	json_object_object_add(tl, "ac_to_time_limit", json_object_new_double(tm.ac_to_time_limit));
	json_object_object_add(tl, "time_limit_to_tle", json_object_new_double(tm.time_limit_to_tle));
	mysql_free_result(res);
	res = db_query(w->db, &e,
		       "SELECT v.file, v.language, v.expected, v.note, v.submission_id, s.status, s.verdict, s.score, "
		       "s.max_score, v.package_version FROM problem_verifications v LEFT JOIN submissions s ON s.id = "
		       "v.submission_id WHERE v.problem_id = %q ORDER BY v.file",
		       r->param);
	if (e) {
		mysql_free_result(res);
		http_error(r, 503, "unavailable", "cannot read the verification");
		return;
	}
	size_t n = (size_t)mysql_num_rows(res), k = 0;
	json_object **items = calloc(n + 1, sizeof *items);
	int nok = 0, nbad = 0, npending = 0, nskip = 0, nwarn = 0, version = 0;
	while ((row = mysql_fetch_row(res)) && k < n) {
		json_object *it = json_object_new_object(), *expect = json_tokener_parse(row[2]);
		version = atoi(row[9]);
		json_object_object_add(it, "file", json_object_new_string(row[0]));
		json_object_object_add(it, "language", json_object_new_string(row[1]));
		json_object_object_add(it, "expected", expected_verdicts(expect));
		json_object_object_add(it, "expectation", json_object_get(expect));
		json_object_object_add(it, "submission", row[4] ? json_object_new_string(row[4]) : NULL);
		json_object_object_add(it, "verdict", row[6] ? json_object_new_string(row[6]) : NULL);
		json_object_object_add(it, "score", row[7] ? json_object_new_double(strtod(row[7], NULL)) : NULL);
		if (!row[4]) {
			json_object_object_add(it, "status", json_object_new_string("not_run"));
			json_object_object_add(it, "ok", NULL);
			json_object_object_add(it, "why", json_object_new_string(row[3] ? row[3] : "not judged"));
			nskip++;
		} else if (!row[5] || strcmp(row[5], "done")) {
			/* held: waiting for the time limit the others give */
			json_object_object_add(it, "status", json_object_new_string(row[5] ? row[5] : "queued"));
			json_object_object_add(it, "ok", NULL);
			npending++;
		} else {
			json_object *tests = verification_tests(w, row[4]);
			char why[600], margin[600] = "";
			int ok = verify_check(expect, row[6], row[7] ? strtod(row[7], NULL) : 0, row[7] != NULL,
					      row[8] ? strtod(row[8], NULL) : 0, tests, why, sizeof why);
			/* Too close to a limit found from these very times: the
			 * package has none that fits (an error); to one it states,
			 * a warning (this machine's speed is not the author's). */
			tm.lang_mult = language_time_mult(w->kv, row[1]);
			if (limit_known && !verify_time_margin(expect, tests, &tm, margin, sizeof margin) && ok &&
			    inferred) {
				ok = 0;
				snprintf(why, sizeof why, "%s", margin);
				margin[0] = 0;
			}
			json_object_put(tests);
			json_object_object_add(it, "status", json_object_new_string("done"));
			json_object_object_add(it, "ok", json_object_new_boolean(ok));
			if (!ok)
				json_object_object_add(it, "why", json_object_new_string(why));
			if (margin[0]) {
				json_object_object_add(it, "warning", json_object_new_string(margin));
				nwarn++;
			}
			ok ? nok++ : nbad++;
		}
		json_object_put(expect);
		items[k++] = it;
	}
	mysql_free_result(res);
	qsort(items, k, sizeof *items, cmp_items);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < k; i++)
		json_object_array_add(arr, items[i]);
	free(items);
	json_object *sum = json_object_new_object();
	json_object_object_add(sum, "total", json_object_new_int((int)k));
	json_object_object_add(sum, "ok", json_object_new_int(nok));
	json_object_object_add(sum, "failed", json_object_new_int(nbad));
	json_object_object_add(sum, "pending", json_object_new_int(npending));
	json_object_object_add(sum, "not_run", json_object_new_int(nskip));
	json_object_object_add(sum, "done", json_object_new_boolean(!npending));
	json_object_object_add(tl, "warnings", json_object_new_int(nwarn));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "problem", json_object_new_string(r->param));
	json_object_object_add(o, "package_version", json_object_new_int(version));
	json_object_object_add(o, "summary", sum);
	json_object_object_add(o, "time_limit", tl);
	json_object_object_add(o, "items", arr);
	http_reply_json(r, 200, o);
}

static void do_start(struct worker *w, struct req *r)
{
	char err[512] = "";
	int n = verification_start(w, r->param, err, sizeof err);
	if (n == -2) {
		http_error(r, 404, "not_found", "%s", err);
		return;
	}
	if (n < 0) {
		http_error(r, 400, "bad_package", "%s", err);
		return;
	}
	audit(w, &r->user, "problem.verify", r->param, NULL);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "problem", json_object_new_string(r->param));
	json_object_object_add(o, "queued", json_object_new_int(n));
	http_reply_json(r, 202, o);
}

void api_verification_register(void)
{
	route_add_work(HM_GET, "/api/problems/:id/verification", AUTH_ADMIN, do_get);
	route_add_work(HM_POST, "/api/problems/:id/verification", AUTH_ADMIN, do_start);
}
