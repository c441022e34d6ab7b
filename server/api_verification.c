/* Package verification: after an import (or when an admin asks again), the
 * package's own submissions/ are judged in the rejudge lane, on every test,
 * and each is reported against what its authors expect of it. The only
 * writer of problem_verifications. What is expected and whether it was met
 * is server/verify.c's. */
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

/* Stores a verification of pid from the package's files (borrowed) and
 * queues its submissions. Replaces an earlier one. The number queued, or -1
 * with err. */
int verification_start_files(struct worker *w, const char *pid, const struct pkg_file *files, size_t nfiles, int legacy,
			     char *err, size_t errlen)
{
	struct verify_item *items;
	size_t n;
	err[0] = 0;
	if (verify_plan(files, nfiles, legacy, &items, &n, err, errlen))
		return -1;
	int e, queued = 0;
	char(*ids)[SUB_ID_LEN + 1] = calloc(n + 1, sizeof *ids);
	MYSQL_RES *res = db_query(w->db, &e, "SELECT package_version FROM problems WHERE id = %q", pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int version = row ? atoi(row[0]) : 0;
	mysql_free_result(res);
	if (!version || db_exec(w->db, "START TRANSACTION"))
		goto fail;
	mysql_free_result(db_query(w->db, &e, "DELETE FROM problem_verifications WHERE problem_id = %q", pid));
	if (e)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct verify_item *it = &items[i];
		if (!it->note[0] && !language_known(w->kv, it->lang))
			snprintf(it->note, sizeof it->note, "the language %s is not offered by any judge here",
				 it->lang[0] ? it->lang : "(unknown)");
		if (!it->note[0] && it->code_len > (size_t)cfg.max_code_bytes)
			snprintf(it->note, sizeof it->note, "larger than the %ld bytes a submission may have",
				 cfg.max_code_bytes);
		if (!it->note[0]) {
			if (submission_store_verification(w, pid, it->lang, (const char *)it->code, it->code_len,
							  ids[i]))
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
		if (ids[i][0] && !submission_enqueue(w, ids[i], 1, 1))
			queued++;
	verify_items_free(items, n);
	free(ids);
	return queued;
fail:
	if (!err[0])
		snprintf(err, errlen, "cannot store the verification: %s", mysql_error(w->db));
	db_exec(w->db, "ROLLBACK");
	verify_items_free(items, n);
	free(ids);
	return -1;
}

/* The same from the package as stored (an admin asks again). */
static int verification_start(struct worker *w, const char *pid, char *err, size_t errlen)
{
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT format FROM problems WHERE id = %q", pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		snprintf(err, errlen, "no problem %s", pid);
		return -2;
	}
	int legacy = !strncmp(row[0], "legacy", 6);
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
	int rc = verification_start_files(w, pid, files, k, legacy, err, errlen);
	for (size_t i = 0; i < k; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
	return rc;
}

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
	MYSQL_RES *res = db_query(w->db, &e, "SELECT package_version FROM problems WHERE id = %q", r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		http_error(r, 404, "not_found", "no problem %.64s", r->param);
		return;
	}
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
	int nok = 0, nbad = 0, npending = 0, nskip = 0, version = 0;
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
			json_object_object_add(it, "status", json_object_new_string(row[5] ? row[5] : "queued"));
			json_object_object_add(it, "ok", NULL);
			npending++;
		} else {
			json_object *tests = json_object_new_array();
			MYSQL_RES *tr = db_query(
				w->db, &e,
				"SELECT name, verdict, time_ms, memory_kb, judge_message FROM submission_tests "
				"WHERE submission_id = %q "
				"ORDER BY ord",
				row[4]);
			MYSQL_ROW t;
			while (tr && (t = mysql_fetch_row(tr))) {
				json_object *o = json_object_new_object();
				json_object_object_add(o, "name", json_object_new_string(t[0]));
				json_object_object_add(o, "verdict", json_object_new_string(t[1]));
				json_object_object_add(o, "time_ms", json_object_new_int(atoi(t[2])));
				json_object_object_add(o, "memory_kb", json_object_new_int(atoi(t[3])));
				json_object_object_add(o, "message", t[4] ? json_object_new_string(t[4]) : NULL);
				json_object_array_add(tests, o);
			}
			mysql_free_result(tr);
			char why[600];
			int ok = verify_check(expect, row[6], row[7] ? strtod(row[7], NULL) : 0, row[7] != NULL,
					      row[8] ? strtod(row[8], NULL) : 0, tests, why, sizeof why);
			json_object_put(tests);
			json_object_object_add(it, "status", json_object_new_string("done"));
			json_object_object_add(it, "ok", json_object_new_boolean(ok));
			if (!ok)
				json_object_object_add(it, "why", json_object_new_string(why));
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
	json_object *o = json_object_new_object();
	json_object_object_add(o, "problem", json_object_new_string(r->param));
	json_object_object_add(o, "package_version", json_object_new_int(version));
	json_object_object_add(o, "summary", sum);
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
