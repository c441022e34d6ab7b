/* Submissions: the only writer of the submissions and submission_tests
 * tables. Created here (checked, stored, queued), recorded here when a
 * judge's result comes (recorder.c decodes it), queued again by a rejudge
 * or the sweeper, stored for a package's verification; every change
 * published on submission/<id>, and a contest's board and feed told. The
 * HTTP face is api_submissions.c. Workers and the recorder thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contest.h"
#include "kv.h"
#include "log.h"
#include "record.h"
#include "fairuse.h"
#include "server.h"
#include "util.h"
#include "jobs.h"
#include "submissions.h"
#include "problems.h"
#include "events.h"

const char *const submission_columns =
	"s.id, s.problem_id, s.language, s.status, s.verdict, s.score, s.max_score, s.time_ms, s.memory_kb, "
	"s.compile_output, s.message, s.user_id, u.username, "
	"DATE_FORMAT(s.created_at, '%Y-%m-%dT%H:%i:%s.%fZ')";

/* The submission as its owner sees it; with code and judge messages for
 * admins. NULL when unknown. */
json_object *submission_get(struct worker *w, const char *id, int with_code, int admin, int64_t *owner)
{
	if (!util_id_valid(id, 16))
		return NULL;
	int e;
	MYSQL_RES *res = db_query(
		w->db, &e, "SELECT %s, s.code FROM submissions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = %q",
		submission_columns, id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return NULL;
	}
	unsigned long *lens = mysql_fetch_lengths(res);
	if (owner)
		*owner = row[11] ? strtoll(row[11], NULL, 10) : 0;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(row[0]));
	json_object_object_add(o, "problem", json_object_new_string(row[1]));
	json_object_object_add(o, "language", json_object_new_string(row[2]));
	json_object_object_add(o, "user", row[12] ? json_object_new_string(row[12]) : NULL);
	json_object_object_add(o, "created_at", json_object_new_string(row[13]));
	json_object_object_add(o, "status", json_object_new_string(row[3]));
	if (!strcmp(row[3], "queued"))
		json_object_object_add(o, "message", json_object_new_string("your submission is in queue"));
	else if (row[10] && row[10][0])
		json_object_object_add(o, "message", json_object_new_string(row[10]));
	json_object_object_add(o, "verdict", row[4] ? json_object_new_string(row[4]) : NULL);
	json_object_object_add(o, "score", row[5] ? json_object_new_double(strtod(row[5], NULL)) : NULL);
	json_object_object_add(o, "max_score", row[6] ? json_object_new_double(strtod(row[6], NULL)) : NULL);
	json_object_object_add(o, "time_ms", row[7] ? json_object_new_int(atoi(row[7])) : NULL);
	json_object_object_add(o, "memory_kb", row[8] ? json_object_new_int(atoi(row[8])) : NULL);
	size_t n;
	char *clean = utf8_sanitize(row[9] ? row[9] : "", row[9] ? lens[9] : 0, &n);
	json_object_object_add(o, "compile_output", json_object_new_string_len(clean, (int)n));
	free(clean);
	if (with_code) {
		clean = utf8_sanitize(row[14], lens[14], &n);
		json_object_object_add(o, "code", json_object_new_string_len(clean, (int)n));
		free(clean);
	}
	mysql_free_result(res);
	json_object *tests = json_object_new_array();
	res = db_query(
		w->db, &e,
		"SELECT name, group_name, verdict, time_ms, memory_kb, score, judge_message FROM submission_tests "
		"WHERE submission_id = %q ORDER BY ord",
		id);
	while (res && (row = mysql_fetch_row(res))) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(row[0]));
		json_object_object_add(t, "group", json_object_new_string(row[1]));
		json_object_object_add(t, "verdict", json_object_new_string(row[2]));
		json_object_object_add(t, "time_ms", json_object_new_int(atoi(row[3])));
		json_object_object_add(t, "memory_kb", json_object_new_int(atoi(row[4])));
		json_object_object_add(t, "score", row[5] ? json_object_new_double(strtod(row[5], NULL)) : NULL);
		if (admin && row[6] && row[6][0])
			json_object_object_add(t, "judge_message", json_object_new_string(row[6]));
		/* On a sample, what went wrong is no secret: the first difference. */
		if (!strncmp(row[1], "sample", 6) && row[6] && row[6][0])
			json_object_object_add(t, "message", json_object_new_string(row[6]));
		json_object_array_add(tests, t);
	}
	mysql_free_result(res);
	json_object_object_add(o, "tests", tests);
	return o;
}

/* Checks, stores and queues a submission. Replies itself (202 with the id,
 * or the error); id_out gets the id when it was stored. 0 stored. */
int submission_create(struct worker *w, struct req *r, const char *contest, const char *pid, const char *lang,
		      const char *code, size_t code_len, char id_out[17])
{
	int e;
	MYSQL_RES *res = problem_id_valid(pid) ? db_query(w->db, &e,
							  "SELECT code_limit_kb, time_limit_from, time_limit_note FROM "
							  "problems WHERE id = %q",
							  pid)
					       : NULL;
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int known = row != NULL;
	long code_max = row && atoi(row[0]) > 0 ? atol(row[0]) * 1024 : cfg.max_code_bytes;
	/* A limit still to be found from the package's own submissions. */
	int unready = row && !time_limit_known(row[1]);
	char unready_why[600] = "";
	if (unready)
		snprintf(unready_why, sizeof unready_why, "%s", row[2] ? row[2] : "");
	mysql_free_result(res);
	char cmsg[160];
	long wait;
	int cst, held = 0, vis = known ? problem_visible(w, pid, &r->user, &held) : 0;
	int admin = !strcmp(r->user.role, "admin");
	if (!known || (!vis && !contest)) {
		http_error(r, 404, "not_found", "no problem %.64s", pid);
	} else if (vis < 0) {
		http_error(r, 503, "unavailable", "cannot read the problem now");
	} else if (!contest && held && !admin) {
		/* Practice on a contest's problem, with per-test verdicts and
		 * no penalty, would be an advantage in that contest. */
		http_error(r, 403, "forbidden",
			   "problem %.64s is in a contest that has not ended: submit through the contest", pid);
	} else if (code_len > (size_t)code_max) {
		http_error(r, 413, "too_large", "the code is larger than the %ld bytes problem %.64s allows", code_max,
			   pid);
	} else if (unready) {
		http_error(r, 409, "not_ready",
			   unready_why[0] ? "problem %.64s has no time limit yet: %s"
					  : "problem %.64s has no time limit yet: its package's own submissions are "
					    "being judged to find it; try again in a few minutes%s",
			   pid, unready_why);
	} else if (!language_known(w->kv, lang)) {
		http_error(r, 400, "bad_language", "unknown language: %.40s (see /api/languages)", lang);
	} else if (contest && (cst = contest_may_submit(w, contest, pid, &r->user, cmsg, sizeof cmsg))) {
		http_error(r, cst, cst == 404 ? "not_found" : "forbidden", "%s", cmsg);
	} else if ((wait = rate_limit(w, &r->user, r->ip, "sub", "rate_submissions_per_min")) >= 0) {
		http_rate_limited(r, wait, "submissions");
	} else {
		util_random_id(id_out, SUB_ID_LEN);
		mysql_free_result(
			db_query(w->db, &e,
				 "INSERT INTO submissions (id, user_id, problem_id, contest_id, language, code) "
				 "VALUES (%q, %L, %q, %q, %q, %Q)",
				 id_out, r->user.id, pid, contest, lang, code, code_len));
		if (e) {
			http_error(r, 503, "unavailable", "cannot store the submission");
			return -1;
		}
		/* Stored and acknowledged: the sweeper queues it if this fails. */
		submission_enqueue(w, id_out, 1, 0);
		if (contest)
			contest_event(w, contest, "submissions", id_out);
		json_object *reply = json_object_new_object();
		json_object_object_add(reply, "id", json_object_new_string(id_out));
		json_object_object_add(reply, "status", json_object_new_string("queued"));
		http_reply_json(r, 202, reply);
		return 0;
	}
	return -1;
}

void submissions_publish(struct worker *w, const char *id)
{
	json_object *o = submission_get(w, id, 0, 0, NULL);
	char topic[64];
	snprintf(topic, sizeof topic, "submission/%s", id);
	events_publish_json(w->kv, topic, o);
	json_object_put(o);
}

/* The last resort for a result MySQL refused for good: JE with its reason.
 * 0 when recorded (or the row was done already), -1 to try again later. */
static int submissions_record_refused(struct worker *w, const char *id, const char *why)
{
	struct text t = record_refused_message(why);
	int err;
	if (db_exec(w->db, "START TRANSACTION")) {
		free(t.s);
		return -1;
	}
	mysql_free_result(db_query(w->db, &err,
				   "UPDATE submissions SET status = 'done', verdict = 'JE', message = %q, "
				   "finished_at = NOW(3) WHERE id = %q AND status <> 'done'",
				   t.s, id));
	int fresh = !err && mysql_affected_rows(w->db) == 1;
	if (!err)
		mysql_free_result(db_query(w->db, &err, "DELETE FROM submission_tests WHERE submission_id = %q", id));
	free(t.s);
	if (err || db_exec(w->db, "COMMIT")) {
		int again = db_error_transient(w->db);
		db_exec(w->db, "ROLLBACK");
		return again ? -1 : 0;
	}
	if (fresh)
		submissions_publish(w, id);
	return 0;
}

int submissions_record(struct worker *w, const struct proto_result *r)
{
	if (r->kind == RESULT_STARTED)
		return record_started(w, "submissions", "judging", r, submissions_publish);
	int err;
	const char *id = r->id;
	struct text judge = text_of(r->judge, strlen(r->judge), JUDGE_MAX);
	struct text msg = result_message(r);
	size_t lc = r->compile_len > COMPILE_MAX ? COMPILE_MAX : r->compile_len;
	json_object *arr = NULL;
	if (db_exec(w->db, "START TRANSACTION"))
		goto fail;
	mysql_free_result(
		db_query(w->db, &err,
			 "UPDATE submissions SET status = 'done', verdict = %q, message = %q, compile_output = %Q, "
			 "score = %g, max_score = %g, time_ms = %d, memory_kb = %d, judge = %q, finished_at = NOW(3) "
			 "WHERE id = %q AND status <> 'done'",
			 r->verdict, msg.s, r->compile ? r->compile : "", lc, r->score, r->max_score, (int)r->time_ms,
			 (int)r->memory_kb, judge.s, id));
	if (err)
		goto fail;
	int fresh = mysql_affected_rows(w->db) == 1;
	arr = fresh && r->tests ? json_tokener_parse(r->tests) : NULL;
	if (fresh)
		mysql_free_result(db_query(w->db, &err, "DELETE FROM submission_tests WHERE submission_id = %q", id));
	size_t ntests = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	for (size_t i = 0; !err && i < ntests; i++) {
		json_object *t = json_object_array_get_idx(arr, i), *v;
		double sc = NAN;
		if (json_object_object_get_ex(t, "score", &v) && !json_object_is_type(v, json_type_null))
			sc = json_object_get_double(v);
		int64_t tms = 0, mkb = 0;
		util_json_int(t, "time_ms", &tms);
		util_json_int(t, "memory_kb", &mkb);
		const char *name = util_json_str(t, "name"), *group = util_json_str(t, "group");
		const char *jm = util_json_str(t, "judge_message");
		struct text tn = text_of(name, name ? strlen(name) : 0, TEST_NAME_MAX);
		struct text tg = text_of(group, group ? strlen(group) : 0, TEST_NAME_MAX);
		struct text tj = text_of(jm, jm ? strlen(jm) : 0, JUDGE_MESSAGE_MAX);
		mysql_free_result(db_query(
			w->db, &err,
			"INSERT INTO submission_tests (submission_id, ord, name, group_name, verdict, time_ms, "
			"memory_kb, score, judge_message) VALUES (%q, %d, %q, %q, %q, %L, %L, %g, %q)",
			id, (int)i, tn.s, tg.s, record_test_verdict(util_json_str(t, "verdict")), tms < 0 ? 0 : tms,
			mkb < 0 ? 0 : mkb, sc, jm ? tj.s : NULL));
		free(tn.s);
		free(tg.s);
		free(tj.s);
	}
	json_object_put(arr);
	arr = NULL;
	if (err || db_exec(w->db, "COMMIT"))
		goto fail;
	free(msg.s);
	free(judge.s);
	if (fresh) {
		atomic_fetch_add(&metric_results_recorded, 1);
		submissions_publish(w, id);
		MYSQL_RES *cr = db_query(w->db, &err, "SELECT contest_id, user_id FROM submissions WHERE id = %q", id);
		MYSQL_ROW crow = cr ? mysql_fetch_row(cr) : NULL;
		if (crow && crow[0] && crow[1]) {
			contest_board_update(w, crow[0], strtoll(crow[1], NULL, 10));
			contest_event(w, crow[0], "submissions", id);
		}
		mysql_free_result(cr);
	}
	return 0;
fail:
	json_object_put(arr);
	free(msg.s);
	free(judge.s);
	char why[200];
	int rc = record_failed(w, id, 1, why, sizeof why);
	return rc < 0 ? -1 : submissions_record_refused(w, id, why);
}

void submissions_sweep(struct worker *w)
{
	int err;
	MYSQL_RES *res = db_query(
		w->db, &err,
		"SELECT id, attempt FROM submissions WHERE status IN ('queued','judging') AND queued_at < NOW(3) - "
		"INTERVAL %d SECOND LIMIT 200",
		cfg.sweep_after_s);
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		if (job_exists(w->kv, row[0]))
			continue;
		int attempt = atoi(row[1]) + 1, e2;
		mysql_free_result(db_query(w->db, &e2,
					   "UPDATE submissions SET attempt = %d, queued_at = NOW(3), status = 'queued' "
					   "WHERE id = %q AND status <> 'done'",
					   attempt, row[0]));
		if (!e2 && mysql_affected_rows(w->db) == 1 && !submission_enqueue(w, row[0], attempt, 0))
			log_info("submission queued again", "id", row[0], NULL);
	}
	mysql_free_result(res);
}

/* Queues a submission again in the rejudge lane: its old result stays
 * visible until the new one is recorded. */
int submission_rejudge(struct worker *w, const char *id)
{
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT attempt, contest_id FROM submissions WHERE id = %q", id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int attempt = row ? atoi(row[0]) + 1 : 0;
	char cid[65] = "";
	if (row && row[1])
		snprintf(cid, sizeof cid, "%s", row[1]);
	mysql_free_result(res);
	if (!attempt)
		return -1;
	mysql_free_result(db_query(
		w->db, &e, "UPDATE submissions SET status = 'queued', attempt = %d, queued_at = NOW(3) WHERE id = %q",
		attempt, id));
	if (e)
		return -1;
	if (cid[0])
		contest_event(w, cid, "submissions", id); /* its judgement is pending again */
	return submission_enqueue(w, id, attempt, 1);
}

int submission_release(struct worker *w, const char *id)
{
	int e;
	mysql_free_result(db_query(
		w->db, &e,
		"UPDATE submissions SET status = 'queued', queued_at = NOW(3) WHERE id = %q AND status = 'held'", id));
	/* Queued: the sweeper queues it again if this fails. */
	return !e && mysql_affected_rows(w->db) == 1 ? submission_enqueue(w, id, 1, 1) : -1;
}

int submission_store_verification(struct worker *w, const char *pid, const char *lang, const char *code,
				  size_t code_len, int held, char id_out[SUB_ID_LEN + 1])
{
	int e;
	util_random_id(id_out, SUB_ID_LEN);
	mysql_free_result(db_query(w->db, &e,
				   "INSERT INTO submissions (id, user_id, problem_id, language, code, run_all_tests, "
				   "status) VALUES (%q, NULL, %q, %q, %Q, TRUE, %q)",
				   id_out, pid, lang, code, code_len, held ? "held" : "queued"));
	return e ? -1 : 0;
}
