/* Submissions to problems: create (stored, then queued with everything a
 * judge needs: limits, tests by hash, the validator), read with per-test
 * results, and the compile check of a package's validator at import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "package.h"
#include "contest.h"
#include "server.h"
#include "util.h"

#define SUB_ID_LEN 12

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
	MYSQL_RES *res =
		problem_id_valid(pid) ? db_query(w->db, &e, "SELECT 1 FROM problems WHERE id = %q", pid) : NULL;
	int known = res && mysql_num_rows(res);
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
	} else if (code_len > (size_t)cfg.max_code_bytes) {
		http_error(r, 413, "too_large", "the code is larger than %ld bytes", cfg.max_code_bytes);
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

static void do_create(struct worker *w, struct req *r)
{
	json_object *o = req_json(r);
	if (!o)
		return;
	const char *pid = util_json_str(o, "problem"), *lang = util_json_str(o, "language");
	json_object *jc;
	char id[17];
	if (!pid || !lang || !json_object_object_get_ex(o, "code", &jc) || !json_object_is_type(jc, json_type_string))
		http_error(r, 400, "bad_request", "problem, language and code are required strings");
	else
		submission_create(w, r, util_json_str(o, "contest"), pid, lang, json_object_get_string(jc),
				  (size_t)json_object_get_string_len(jc), id);
	json_object_put(o);
}

static void do_get(struct worker *w, struct req *r)
{
	int admin = !strcmp(r->user.role, "admin");
	int64_t owner = 0;
	json_object *o = submission_get(w, r->param, 1, admin, &owner);
	/* Someone else's submission does not exist, as far as they can tell. */
	if (o && !admin && owner != r->user.id) {
		json_object_put(o);
		o = NULL;
	}
	if (!o)
		http_error(r, 404, "not_found", "no submission %s", r->param);
	else
		http_reply_json(r, 200, o);
}

/*** The validator's compile check at import ***/

/* submission/<id> on the socket: only its author and admins follow it. */
static json_object *submission_topic_snapshot(struct worker *w, const char *topic, const char *id, const struct user *u)
{
	(void)topic;
	int64_t owner = 0;
	int admin = !strcmp(u->role, "admin");
	json_object *o = submission_get(w, id, 0, admin, &owner);
	if (o && !admin && (!u->id || owner != u->id)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

void api_submissions_register(void)
{
	static const struct ws_topic topic = {"submission/", ws_topic_id, submission_topic_snapshot};
	ws_topic_add(&topic);
	route_add_work(HM_POST, "/api/submissions", AUTH_USER, do_create);
	route_add_work(HM_GET, "/api/submissions/:id", AUTH_USER, do_get);
}
