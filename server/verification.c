/* Package verification, stored and run: after an import (or when an admin
 * asks again) the package's own submissions/ are judged in the rejudge
 * lane, on every test. The only writer of problem_verifications, and of a
 * problem's time limit when the package leaves it to its submissions
 * (2025-09 "Problem timing"; legacy: t_lim = ceil(t_max × time_multiplier)):
 *
 *   1. The submissions that bound the limit from below (those that may not
 *      TLE) are judged first, with infer_time_cap_s as their limit; the
 *      rest wait as 'held'. The problem takes no submissions meanwhile.
 *   2. When every one of them is done, the limit is the smallest multiple
 *      of time_resolution at least their slowest time × ac_to_time_limit.
 *   3. The held ones are queued with it, measured on to the limit ×
 *      time_limit_to_tle so that the report can tell whether those that
 *      must TLE keep their distance.
 *
 * Step 2 runs when such a result is recorded, and from the sweeper (so a
 * crash between 1 and 3 delays it, never loses it). What is expected of a
 * submission and whether it was met is server/verify.c's; the report,
 * server/api_verification.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "util.h"
#include "verify.h"
#include "jobs.h"
#include "submissions.h"
#include "problems.h"
#include "verification.h"

int verification_start_files(struct worker *w, const char *pid, const struct pkg_file *files, size_t nfiles, int legacy,
			     int infer, char *err, size_t errlen)
{
	struct verify_item *items;
	size_t n;
	err[0] = 0;
	if (verify_plan(files, nfiles, legacy, &items, &n, err, errlen))
		return -1;
	int e, queued = 0;
	char(*ids)[SUB_ID_LEN + 1] = calloc(n + 1, sizeof *ids);
	int *held = calloc(n + 1, sizeof *held);
	if (db_exec(w->db, "START TRANSACTION"))
		goto fail;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT package_version FROM problems WHERE id = %q FOR UPDATE", pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int version = row ? atoi(row[0]) : 0;
	mysql_free_result(res);
	if (!version)
		goto fail;
	mysql_free_result(db_query(w->db, &e, "DELETE FROM problem_verifications WHERE problem_id = %q", pid));
	if (e)
		goto fail;
	size_t lower = 0;
	for (size_t i = 0; i < n; i++) {
		struct verify_item *it = &items[i];
		if (!it->note[0] && !language_known(w->kv, it->lang))
			snprintf(it->note, sizeof it->note, "the language %s is not offered by any judge here",
				 it->lang[0] ? it->lang : "(unknown)");
		if (!it->note[0] && it->code_len > (size_t)cfg.max_code_bytes)
			snprintf(it->note, sizeof it->note, "larger than the %ld bytes a submission may have",
				 cfg.max_code_bytes);
		if (!it->note[0] && verify_bounds(it->expect, VERIFY_LOWER))
			lower++;
	}
	if (infer && !lower) {
		/* Nothing to find it from: the system's, said where it shows. */
		mysql_free_result(db_query(w->db, &e,
					   "UPDATE problems SET time_limit_from = 'default', time_limit = %g, "
					   "time_limit_note = %q WHERE id = %q",
					   cfg.default_time_limit,
					   "the package gives no time limit and no submission that may not TLE to find "
					   "one from: the system's default",
					   pid));
		infer = 0;
	} else if (infer) {
		mysql_free_result(db_query(w->db, &e,
					   "UPDATE problems SET time_limit_from = 'inferring', time_limit_note = NULL "
					   "WHERE id = %q",
					   pid));
	}
	if (e)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct verify_item *it = &items[i];
		if (!it->note[0]) {
			held[i] = infer && !verify_bounds(it->expect, VERIFY_LOWER);
			if (submission_store_verification(w, pid, it->lang, (const char *)it->code, it->code_len,
							  held[i], ids[i]))
				goto fail;
		}
		mysql_free_result(db_query(
			w->db, &e,
			"INSERT INTO problem_verifications (problem_id, file, language, expected, submission_id, note, "
			"package_version) VALUES (%q, %q, %q, %q, %q, %q, %d)",
			pid, it->file, it->lang, json_object_to_json_string_ext(it->expect, JSON_C_TO_STRING_PLAIN),
			ids[i][0] ? ids[i] : NULL, it->note[0] ? it->note : NULL, version));
		if (e)
			goto fail;
	}
	if (db_exec(w->db, "COMMIT"))
		goto fail;
	/* Stored: the sweeper queues what fails to be queued now. */
	for (size_t i = 0; i < n; i++)
		if (ids[i][0] && !held[i] && !submission_enqueue(w, ids[i], 1, 1))
			queued++;
	verify_items_free(items, n);
	free(ids);
	free(held);
	return queued;
fail:
	if (!err[0])
		snprintf(err, errlen, "cannot store the verification: %s", mysql_error(w->db));
	db_exec(w->db, "ROLLBACK");
	verify_items_free(items, n);
	free(ids);
	free(held);
	return -1;
}

int verification_start(struct worker *w, const char *pid, char *err, size_t errlen)
{
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT format, time_limit_from FROM problems WHERE id = %q", pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		snprintf(err, errlen, "no problem %s", pid);
		return -2;
	}
	int legacy = !strncmp(row[0], "legacy", 6);
	/* A limit still to find is looked for again; one found or set stays. */
	int infer = !time_limit_known(row[1]);
	mysql_free_result(res);
	res = db_query(w->db, &e,
		       "SELECT path, sha256 FROM problem_files WHERE problem_id = %q AND path LIKE 'submissions/%%' "
		       "ORDER BY path",
		       pid);
	size_t n = res ? (size_t)mysql_num_rows(res) : 0, k = 0;
	struct pkg_file *files = calloc(n + 1, sizeof *files);
	while (res && (row = mysql_fetch_row(res)) && k < n) {
		char *data = NULL;
		size_t len = 0;
		if (blob_get(w->db, row[1], &data, &len))
			continue;
		files[k].path = strdup(row[0]);
		files[k].data = (unsigned char *)data;
		files[k].len = len;
		k++;
	}
	mysql_free_result(res);
	int rc = verification_start_files(w, pid, files, k, legacy, infer, err, errlen);
	for (size_t i = 0; i < k; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
	return rc;
}

/* Queues pid's held verification submissions: its limit is known now.
 * The number queued, or -1. */
static int release_held(struct worker *w, const char *pid)
{
	int e, n = 0;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT s.id FROM problem_verifications v JOIN submissions s ON s.id = "
				  "v.submission_id WHERE v.problem_id = %q AND s.status = 'held'",
				  pid);
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res)))
		if (!submission_release(w, row[0]))
			n++;
	mysql_free_result(res);
	return e ? -1 : n;
}

json_object *verification_tests(struct worker *w, const char *id)
{
	int e;
	json_object *tests = json_object_new_array();
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT name, verdict, time_ms, memory_kb, judge_message FROM submission_tests WHERE "
				  "submission_id = %q ORDER BY ord",
				  id);
	MYSQL_ROW t;
	while (res && (t = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(t[0]));
		json_object_object_add(o, "verdict", json_object_new_string(t[1]));
		json_object_object_add(o, "time_ms", json_object_new_int(atoi(t[2])));
		json_object_object_add(o, "memory_kb", json_object_new_int(atoi(t[3])));
		json_object_object_add(o, "message", t[4] ? json_object_new_string(t[4]) : NULL);
		json_object_array_add(tests, o);
	}
	mysql_free_result(res);
	return tests;
}

/* With the problem's row locked: every lower-bound submission judged? Then
 * the limit, or why there is none. 1 decided (limit and note set, or the
 * reason in note), 0 not yet. */
static int infer_limit(struct worker *w, const char *pid, const char *multipliers, int *failed, double *tl, char *note,
		       size_t notelen)
{
	double ac, tle, resolution;
	verify_timing_parse(multipliers, &ac, &tle, &resolution);
	int e;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT v.file, v.language, v.expected, s.id, s.status FROM problem_verifications "
				  "v JOIN submissions s ON s.id = v.submission_id WHERE v.problem_id = %q",
				  pid);
	if (e) {
		mysql_free_result(res);
		return 0;
	}
	MYSQL_ROW row;
	double slowest = -1;
	char who[700] = "";
	int pending = 0;
	*failed = 0;
	while ((row = mysql_fetch_row(res)) && !pending && !*failed) {
		json_object *expect = json_tokener_parse(row[2]);
		if (verify_bounds(expect, VERIFY_LOWER)) {
			if (strcmp(row[4], "done")) {
				pending = 1;
			} else {
				json_object *tests = verification_tests(w, row[3]);
				char test[300];
				int over = 0;
				double t =
					verify_time_bound(expect, VERIFY_LOWER, tests,
							  language_time_mult(w->kv, row[1]), &over, test, sizeof test);
				json_object_put(tests);
				if (over) {
					snprintf(note, notelen,
						 "%.160s, which may not TLE, ran over %g s (the most a time limit is "
						 "looked for in) on test %.160s: set limits.time_limit",
						 row[0], verify_time_cap(cfg.infer_time_cap_s, ac), test);
					*failed = 1;
				} else if (t > slowest) {
					slowest = t;
					snprintf(who, sizeof who, "%.200s on test %.200s", row[0], test);
				}
			}
		}
		json_object_put(expect);
	}
	mysql_free_result(res);
	if (pending)
		return 0;
	if (*failed)
		return 1;
	if (slowest < 0) {
		snprintf(note, notelen, "no submission that may not TLE was judged: set limits.time_limit");
		*failed = 1;
		return 1;
	}
	*tl = verify_time_limit(slowest, ac, resolution);
	if (*tl > 60) {
		snprintf(note, notelen, "%s ran %.3g s: × ac_to_time_limit %g is more than the 60 s allowed", who,
			 slowest, ac);
		*failed = 1;
		return 1;
	}
	snprintf(note, notelen,
		 "%g s: the slowest that may not TLE, %s, ran %.3g s; × ac_to_time_limit %g, to a "
		 "multiple of %g s",
		 *tl, who, slowest, ac, resolution);
	return 1;
}

int verification_progress(struct worker *w, const char *pid)
{
	int e;
	if (db_exec(w->db, "START TRANSACTION"))
		return -1;
	MYSQL_RES *res = db_query(
		w->db, &e, "SELECT time_limit_from, time_multipliers FROM problems WHERE id = %q FOR UPDATE", pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	char mult[256] = "";
	int inferring = row && !strcmp(row[0], "inferring");
	if (row && row[1])
		snprintf(mult, sizeof mult, "%s", row[1]);
	mysql_free_result(res);
	char note[512] = "";
	double tl = 0;
	int failed = 0;
	if (!inferring || !infer_limit(w, pid, mult[0] ? mult : NULL, &failed, &tl, note, sizeof note)) {
		db_exec(w->db, "COMMIT");
		return 0;
	}
	if (failed)
		mysql_free_result(db_query(
			w->db, &e, "UPDATE problems SET time_limit_from = 'failed', time_limit_note = %q WHERE id = %q",
			note, pid));
	else
		mysql_free_result(db_query(w->db, &e,
					   "UPDATE problems SET time_limit = %g, time_limit_from = 'inferred', "
					   "time_limit_note = %q, updated_at = NOW(3) WHERE id = %q",
					   tl, note, pid));
	if (e || db_exec(w->db, "COMMIT")) {
		db_exec(w->db, "ROLLBACK");
		return -1;
	}
	log_info(failed ? "no time limit found from the package's submissions" : "time limit found", "problem", pid,
		 "how", note, NULL);
	/* Failed: the rest wait for an admin to set the limit. */
	if (!failed)
		release_held(w, pid);
	return 1;
}

void verification_after_record(struct worker *w, const char *submission)
{
	int e;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT v.problem_id FROM problem_verifications v JOIN problems p ON p.id = "
				  "v.problem_id WHERE v.submission_id = %q AND p.time_limit_from = 'inferring'",
				  submission);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	char pid[80] = "";
	if (row)
		snprintf(pid, sizeof pid, "%s", row[0]);
	mysql_free_result(res);
	if (pid[0])
		verification_progress(w, pid);
}

void verification_sweep(struct worker *w)
{
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT id FROM problems WHERE time_limit_from = 'inferring' LIMIT 100");
	size_t n = res ? (size_t)mysql_num_rows(res) : 0, k = 0;
	char(*ids)[80] = calloc(n + 1, sizeof *ids);
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res)) && k < n)
		snprintf(ids[k++], sizeof ids[0], "%s", row[0]);
	mysql_free_result(res);
	for (size_t i = 0; i < k; i++)
		verification_progress(w, ids[i]);
	free(ids);
}
