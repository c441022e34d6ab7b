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

/* One row of the audit log, in the caller's transaction if it has one.
 * A detail too long for its column is replaced by its size, never cut
 * into broken JSON. 0, or -1 when the row could not be written. */
int audit(struct worker *w, const struct user *u, const char *action, const char *target, const char *detail)
{
	int e;
	char uid[24] = "NULL", big[96];
	if (u && u->id)
		snprintf(uid, sizeof uid, "%lld", (long long)u->id);
	if (detail && strlen(detail) > AUDIT_DETAIL_MAX) {
		snprintf(big, sizeof big, "{\"detail_bytes\": %zu}", strlen(detail));
		detail = big;
	}
	MYSQL_RES *res =
		db_query(w->db, &e, "INSERT INTO audit_log (user_id, action, target, detail) VALUES (%s, %q, %q, %q)",
			 uid, action, target, detail);
	mysql_free_result(res);
	return e ? -1 : 0;
}

/* The judge's view of a problem: limits, validator and tests by hash. */
static json_object *problem_spec(struct worker *w, const char *pid, int *version)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT time_limit, memory_limit, output_limit, interactive, scoring, validator_kind, "
			 "validator_lang, validator_path, run_all_tests, package_version, validation_passes, format "
			 "FROM problems "
			 "WHERE id = %q",
			 pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return NULL;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(pid));
	json_object_object_add(o, "time_limit", json_object_new_double(strtod(row[0], NULL)));
	json_object_object_add(o, "memory_mb", json_object_new_int(atoi(row[1])));
	json_object_object_add(o, "output_mb", json_object_new_int(atoi(row[2])));
	json_object_object_add(o, "interactive", json_object_new_boolean(atoi(row[3])));
	json_object_object_add(o, "scoring", json_object_new_boolean(atoi(row[4])));
	json_object_object_add(o, "run_all", json_object_new_boolean(atoi(row[8])));
	json_object_object_add(o, "passes", json_object_new_int(atoi(row[10])));
	/* Legacy packages grade by the tree of groups (on_reject, grader_flags). */
	json_object_object_add(o, "legacy", json_object_new_boolean(!strncmp(row[11], "legacy", 6)));
	*version = atoi(row[9]);
	json_object_object_add(o, "version", json_object_new_int(*version));
	char vpath[800] = "";
	if (strcmp(row[5], "default") && row[7]) {
		json_object *v = json_object_new_object();
		json_object_object_add(v, "kind", json_object_new_string(row[5]));
		json_object_object_add(v, "lang", json_object_new_string(row[6] ? row[6] : "cpp"));
		json_object_object_add(o, "validator", v);
		snprintf(vpath, sizeof vpath, "%s", row[7]);
	}
	mysql_free_result(res);
	if (vpath[0]) {
		json_object *files = json_object_new_array();
		res = db_query(
			w->db, &e,
			"SELECT path, sha256 FROM problem_files WHERE problem_id = %q AND (path = %q OR path LIKE "
			"CONCAT(%q, '/%%')) ORDER BY path",
			pid, vpath, vpath);
		while (res && (row = mysql_fetch_row(res))) {
			json_object *f = json_object_new_object();
			json_object_object_add(
				f, "path",
				json_object_new_string(row[0] + strlen(vpath) + (row[0][strlen(vpath)] == '/')));
			json_object_object_add(f, "sha", json_object_new_string(row[1]));
			json_object_array_add(files, f);
		}
		mysql_free_result(res);
		json_object *v;
		json_object_object_get_ex(o, "validator", &v);
		json_object_object_add(v, "files", files);
	}
	json_object *groups = json_object_new_array();
	res = db_query(w->db, &e, "SELECT name, settings FROM test_groups WHERE problem_id = %q ORDER BY ord", pid);
	while (res && (row = mysql_fetch_row(res))) {
		json_object *g = json_object_new_object();
		json_object_object_add(g, "name", json_object_new_string(row[0]));
		json_object *s = json_tokener_parse(row[1]);
		json_object_object_add(g, "settings", s ? s : json_object_new_object());
		json_object_array_add(groups, g);
	}
	mysql_free_result(res);
	json_object_object_add(o, "groups", groups);
	json_object *tests = json_object_new_array();
	res = db_query(w->db, &e,
		       "SELECT name, group_name, sample, input_sha256, answer_sha256, validator_args FROM testcases "
		       "WHERE problem_id = %q ORDER BY ord",
		       pid);
	while (res && (row = mysql_fetch_row(res))) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(row[0]));
		json_object_object_add(t, "group", json_object_new_string(row[1]));
		json_object_object_add(t, "sample", json_object_new_boolean(atoi(row[2])));
		json_object_object_add(t, "in", json_object_new_string(row[3]));
		json_object_object_add(t, "ans", json_object_new_string(row[4]));
		json_object *a = row[5] ? json_tokener_parse(row[5]) : NULL;
		json_object_object_add(t, "args", a ? a : json_object_new_array());
		json_object_array_add(tests, t);
	}
	mysql_free_result(res);
	json_object_object_add(o, "tests", tests);
	return o;
}

int submission_enqueue(struct worker *w, const char *id, int attempt, int rejudge)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT s.problem_id, s.language, s.code, COALESCE(u.premium, 0), s.contest_id, "
			 "s.run_all_tests FROM submissions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = %q",
			 id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return -1;
	}
	unsigned long *lens = mysql_fetch_lengths(res);
	int version = 0;
	json_object *spec = problem_spec(w, row[0], &version);
	if (!spec) {
		mysql_free_result(res);
		return -1;
	}
	if (atoi(row[5]))
		json_object_object_add(spec, "run_all", json_object_new_boolean(1));
	char att[16];
	snprintf(att, sizeof att, "%d", attempt);
	const char *s = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PLAIN);
	const char *fields[] = {"kind", "submission", "id",      id, "attempt", att,
				"lang", row[1],       "problem", s,  "code",    row[2]};
	size_t flens[12];
	for (int i = 0; i < 12; i++)
		flens[i] = strlen(fields[i]);
	flens[11] = lens[2];
	enum kv_lane lane = rejudge ? LANE_REJUDGE : row[4] ? LANE_CONTEST : atoi(row[3]) ? LANE_PREMIUM : LANE_NORMAL;
	int rc = job_enqueue(w->kv, lane, id, fields, flens, 12);
	json_object_put(spec);
	mysql_free_result(res);
	return rc;
}

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

/* A judge compiles the validator's sources (sent inline) and answers on a
 * list of its own; the import waits for it. 0 compiled; -1 with why. */
int validator_check(struct worker *w, const struct pkg *p, char *err, size_t errlen)
{
	if (!p->validator_path[0])
		return 0;
	char token[25];
	util_random_id(token, 24);
	json_object *files = json_object_new_array();
	size_t vl = strlen(p->validator_path);
	/* Field pairs: the job's header, then path and data of each file. */
	size_t cap = 16 + 2 * p->nfiles, n = 0;
	const char **fields = calloc(cap, sizeof *fields);
	size_t *lens = calloc(cap, sizeof *lens);
	const char *head[] = {"kind", "compile", "id", token, "attempt", "1", "lang", p->validator_lang};
	for (int i = 0; i < 8; i++) {
		lens[n] = strlen(head[i]);
		fields[n++] = head[i];
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *path = p->files[i].path;
		if (strncmp(path, p->validator_path, vl) || (path[vl] && path[vl] != '/'))
			continue;
		const char *rel = path[vl] ? path + vl + 1 : strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		json_object_array_add(files, json_object_new_string(rel));
		lens[n] = 4;
		fields[n++] = "file";
		lens[n] = p->files[i].len;
		fields[n++] = (const char *)p->files[i].data;
	}
	const char *names = json_object_to_json_string_ext(files, JSON_C_TO_STRING_PLAIN);
	lens[n] = 5;
	fields[n++] = "names";
	lens[n] = strlen(names);
	fields[n++] = names;
	/* An admin waits on it: the first lane. */
	int rc = job_enqueue(w->kv, LANE_CONTEST, token, fields, lens, (int)n);
	free(fields);
	free(lens);
	json_object_put(files);
	if (rc) {
		snprintf(err, errlen, "cannot queue the validator's compilation");
		return -1;
	}
	redisReply *r = redisCommand(w->kv, "BLPOP verdict:reply:%s %d", token, cfg.validator_check_s);
	int ok = -1;
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
		snprintf(err, errlen, "no judge compiled the output validator within %d s; is a judge running?",
			 cfg.validator_check_s);
	} else {
		json_object *o = json_tokener_parse(r->element[1]->str);
		json_object *v;
		if (o && json_object_object_get_ex(o, "ok", &v) && json_object_get_boolean(v)) {
			ok = 0;
		} else {
			const char *out = util_json_str(o, "output");
			snprintf(err, errlen, "the output validator (%s, %s) does not compile: %.300s",
				 p->validator_path, p->validator_lang, out ? out : "no output");
		}
		json_object_put(o);
	}
	freeReplyObject(r);
	return ok;
}

void api_submissions_register(void)
{
	route_add_work(HM_POST, "/api/submissions", AUTH_USER, do_create);
	route_add_work(HM_GET, "/api/submissions/:id", AUTH_USER, do_get);
}
