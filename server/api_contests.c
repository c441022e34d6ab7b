/* Contests and their scoreboards (ICPC and score-based), following the
 * CLICS Contest API's objects: contest, state, problems, teams, scoreboard.
 *
 * The truth is MySQL; each contest's board is kept in Redis as one sorted
 * set per view (public, jury) with one exact score per team
 * (solved*1e12 - penalty*1e6 - last accepted minute: exact in a double), so
 * a team's rank is 1 + the number of strictly greater scores and the top N
 * is O(log n + N). The rows' details sit in a hash beside it. Missing sets
 * are rebuilt from MySQL. */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kv.h"
#include "log.h"
#include "package.h"
#include "clics_time.h"
#include "contest.h"
#include "server.h"
#include "util.h"
#include "submissions.h"
#include "problems.h"
#include "audit.h"
#include "events.h"
#include "ws.h"

/*** Times: CLICS RELTIME and ABSTIME (clics_time.c) ***/

/* "5:00:00", "5:00:00.000" or a whole number of seconds; ms, or -1 when
 * malformed or negative. */
static long long parse_reltime(json_object *v)
{
	long long ms;
	if (!v)
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		int64_t s = json_object_get_int64(v);
		return s >= 0 && s <= CLICS_RELTIME_MAX_H * 3600 ? s * 1000 : -1;
	}
	if (!json_object_is_type(v, json_type_string) || clics_parse_reltime(json_object_get_string(v), 0, &ms))
		return -1;
	return ms;
}

static long long parse_abstime(const char *s)
{
	long long ms;
	return clics_parse_abstime(s, &ms) ? -1 : ms;
}

/*** HTTP ***/

static void do_put(struct worker *w, struct req *r)
{
	if (!problem_id_valid(r->param)) {
		http_error(r, 400, "bad_id", "a contest id is 1 to 64 of a-z, 0-9, '-' and '_'");
		return;
	}
	json_object *o = req_json(r), *v;
	if (!o)
		return;
	const char *name = util_json_str(o, "name"), *type = util_json_str(o, "scoreboard_type");
	long long dur = parse_reltime(json_object_object_get_ex(o, "duration", &v) ? v : NULL);
	long long frz = json_object_object_get_ex(o, "scoreboard_freeze_duration", &v) &&
					!json_object_is_type(v, json_type_null)
				? parse_reltime(v)
				: -2;
	json_object *pen = json_object_object_get_ex(o, "penalty_time", &v) ? v : NULL;
	long long penalty = !pen                                      ? 20
			    : json_object_is_type(pen, json_type_int) ? json_object_get_int64(pen)
								      : parse_reltime(pen) / 60000;
	const char *start = util_json_str(o, "start_time");
	json_object *probs;
	char err[256] = "";
	if (!name || !*name)
		snprintf(err, sizeof err, "name is required");
	else if (dur <= 0)
		snprintf(err, sizeof err, "duration is required: \"h:mm:ss\" or seconds");
	else if (frz == -1 || frz > dur)
		snprintf(err, sizeof err, "scoreboard_freeze_duration is \"h:mm:ss\", at most the duration");
	else if (penalty < 0)
		snprintf(err, sizeof err, "penalty_time is \"h:mm:ss\" or minutes");
	else if (type && strcmp(type, "pass-fail") && strcmp(type, "score"))
		snprintf(err, sizeof err, "scoreboard_type is pass-fail or score");
	else if (!json_object_object_get_ex(o, "problems", &probs) || !json_object_is_type(probs, json_type_array))
		snprintf(err, sizeof err, "problems is a list of {\"id\",\"label\",\"color\"}");
	if (err[0]) {
		http_error(r, 400, "bad_contest", "%s", err);
		json_object_put(o);
		return;
	}
	int e;
	for (size_t i = 0; i < json_object_array_length(probs); i++) {
		json_object *p = json_object_array_get_idx(probs, i);
		const char *pid = util_json_str(p, "id"), *label = util_json_str(p, "label");
		MYSQL_RES *res = pid ? db_query(w->db, &e, "SELECT 1 FROM problems WHERE id = %q", pid) : NULL;
		int known = res && mysql_num_rows(res);
		mysql_free_result(res);
		if (!known || !label || strlen(label) > 16) {
			http_error(r, 400, "bad_problem",
				   "problem %zu: an existing problem id and a label are required", i + 1);
			json_object_put(o);
			return;
		}
	}
	if (db_exec(w->db, "START TRANSACTION")) {
		http_error(r, 503, "unavailable", "try again");
		json_object_put(o);
		return;
	}
	MYSQL_RES *res = db_query(w->db, &e, "SELECT 1 FROM contests WHERE id = %q FOR UPDATE", r->param);
	int existed = res && mysql_num_rows(res);
	mysql_free_result(res);
	char startsql[64] = "NULL";
	if (start) {
		long long ms = parse_abstime(start);
		if (ms < 0) {
			db_exec(w->db, "ROLLBACK");
			http_error(r, 400, "bad_contest", "start_time is ISO 8601, e.g. 2026-11-22T16:00:00Z");
			json_object_put(o);
			return;
		}
		snprintf(startsql, sizeof startsql, "FROM_UNIXTIME(%lld.%03lld)", ms / 1000, ms % 1000);
	}
	char frzsql[32] = "NULL";
	if (frz >= 0)
		snprintf(frzsql, sizeof frzsql, "%lld", frz / 1000);
	mysql_free_result(db_query(
		w->db, &e,
		"INSERT INTO contests (id, name, formal_name, start_time, duration_s, freeze_s, penalty_min, "
		"scoreboard_type) "
		"VALUES (%q, %q, %q, %s, %L, %s, %L, %q) ON DUPLICATE KEY UPDATE name = VALUES(name), formal_name = "
		"VALUES(formal_name), start_time = VALUES(start_time), duration_s = VALUES(duration_s), freeze_s = "
		"VALUES(freeze_s), penalty_min = VALUES(penalty_min), scoreboard_type = VALUES(scoreboard_type)",
		r->param, name, util_json_str(o, "formal_name") ? util_json_str(o, "formal_name") : name, startsql,
		(int64_t)(dur / 1000), frzsql, (int64_t)penalty, type ? type : "pass-fail"));
	if (!e)
		mysql_free_result(db_query(w->db, &e, "DELETE FROM contest_problems WHERE contest_id = %q", r->param));
	for (size_t i = 0; !e && i < json_object_array_length(probs); i++) {
		json_object *p = json_object_array_get_idx(probs, i);
		mysql_free_result(
			db_query(w->db, &e,
				 "INSERT INTO contest_problems (contest_id, problem_id, label, color, rgb, ord) VALUES "
				 "(%q, %q, %q, %q, %q, %d)",
				 r->param, util_json_str(p, "id"), util_json_str(p, "label"), util_json_str(p, "color"),
				 util_json_str(p, "rgb"), (int)i));
	}
	if (e || db_exec(w->db, "COMMIT")) {
		db_exec(w->db, "ROLLBACK");
		http_error(r, 400, "bad_contest", "cannot store the contest: %s", mysql_error(w->db));
		json_object_put(o);
		return;
	}
	/* Limits and problems may have changed: the boards are built anew. */
	char k1[160], k2[160], k3[160], k4[160];
	kv_board_key(k1, sizeof k1, r->param, "public", KV_BOARD_SET);
	kv_board_key(k2, sizeof k2, r->param, "public", KV_BOARD_ROWS);
	kv_board_key(k3, sizeof k3, r->param, "jury", KV_BOARD_SET);
	kv_board_key(k4, sizeof k4, r->param, "jury", KV_BOARD_ROWS);
	freeReplyObject(redisCommand(w->kv, "DEL %s %s %s %s", k1, k2, k3, k4));
	audit(w, &r->user, existed ? "contest.update" : "contest.create", r->param, NULL);
	json_object_put(o);
	struct contest c;
	contest_load(w->db, r->param, &c);
	/* Spectators get the new board whole: times and ranks may all move. */
	json_object *b = contest_board_json(w, &c, 0, 0);
	char topic[120];
	snprintf(topic, sizeof topic, "contest/%s/scoreboard", c.id);
	events_publish_json(w->kv, topic, b);
	json_object_put(b);
	/* Times, problems or the scoreboard type: the feeds send all three. */
	contest_event(w, r->param, "contest", NULL);
	contest_event(w, r->param, "state", NULL);
	contest_event(w, r->param, "problems", NULL);
	http_reply_json(r, existed ? 200 : 201, contest_json(&c));
}

static void do_list(struct worker *w, struct req *r)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e, "SELECT id FROM contests ORDER BY start_time IS NULL, start_time DESC, id");
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	char ids[256][65];
	int n = 0;
	while (res && (row = mysql_fetch_row(res)) && n < 256)
		snprintf(ids[n++], 65, "%s", row[0]);
	mysql_free_result(res);
	for (int i = 0; i < n; i++) {
		struct contest c;
		if (!contest_load(w->db, ids[i], &c))
			json_object_array_add(arr, contest_json(&c));
	}
	http_reply_json(r, 200, arr);
}

static void do_get(struct worker *w, struct req *r)
{
	struct contest c;
	if (!contest_load_or_404(w, r, &c))
		http_reply_json(r, 200, contest_json(&c));
}

static void do_state(struct worker *w, struct req *r)
{
	struct contest c;
	if (!contest_load_or_404(w, r, &c))
		http_reply_json(r, 200, contest_state_json(&c, util_now_ms()));
}

static void do_register(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	if (c.start_ms >= 0 && util_now_ms() >= c.start_ms + c.duration_ms) {
		http_error(r, 403, "contest_over", "the contest is over");
		return;
	}
	int e;
	mysql_free_result(db_query(w->db, &e, "INSERT IGNORE INTO contest_teams (contest_id, user_id) VALUES (%q, %L)",
				   c.id, r->user.id));
	int fresh = !e && mysql_affected_rows(w->db) == 1;
	if (fresh) {
		contest_board_update(w, c.id, r->user.id);
		contest_event(w, c.id, "teams", r->user.username);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "team_id", json_object_new_string(r->user.username));
	json_object_object_add(o, "name", json_object_new_string(r->user.username));
	http_reply_json(r, fresh ? 201 : 200, o);
}

static void do_scoreboard(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	int e;
	if (c.finalized_ms >= 0) {
		MYSQL_RES *res = db_query(
			w->db, &e, "SELECT scoreboard FROM contest_final_scoreboards WHERE contest_id = %q", c.id);
		MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
		json_object *o = row ? json_tokener_parse(row[0]) : NULL;
		mysql_free_result(res);
		if (o) {
			http_reply_json(r, 200, o);
			return;
		}
	}
	char lim[16] = "";
	int limit = http_query_arg(r, "limit", lim, sizeof lim) ? atoi(lim) : 0;
	http_reply_json(r, 200, contest_board_json(w, &c, contest_req_admin(r), limit));
}

static void do_rebuild(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	contest_board_rebuild(w, &c);
	audit(w, &r->user, "contest.rebuild", c.id, NULL);
	http_reply_json(r, 200, contest_board_json(w, &c, 1, 0));
}

/* After the end: the public board is frozen until an admin thaws it; then
 * the contest is finalized and its standings kept for good. */
static void do_thaw(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	if (c.start_ms < 0 || util_now_ms() < c.start_ms + c.duration_ms) {
		http_error(r, 409, "not_ended", "a contest is thawed after its end");
		return;
	}
	int e;
	mysql_free_result(
		db_query(w->db, &e, "UPDATE contests SET thawed_at = COALESCE(thawed_at, NOW(3)) WHERE id = %q", c.id));
	contest_load(w->db, c.id, &c);
	contest_board_rebuild(w, &c);
	audit(w, &r->user, "contest.thaw", c.id, NULL);
	/* The public feeds now see the judgements the freeze hid. */
	if (contest_freeze_at(&c) >= 0)
		contest_event_submissions_since(w, c.id, contest_freeze_at(&c));
	contest_event(w, c.id, "state", NULL);
	json_object *b = contest_board_json(w, &c, 0, 0);
	char topic[120];
	snprintf(topic, sizeof topic, "contest/%s/scoreboard", c.id);
	events_publish_json(w->kv, topic, b);
	json_object_put(b);
	http_reply_json(r, 200, contest_state_json(&c, util_now_ms()));
}

static void do_finalize(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	if (c.start_ms < 0 || util_now_ms() < c.start_ms + c.duration_ms || (c.freeze_ms >= 0 && c.thawed_ms < 0)) {
		http_error(r, 409, "not_ready", "a contest is finalized after its end, and after its thaw if it froze");
		return;
	}
	int e;
	contest_board_rebuild(w, &c);
	mysql_free_result(db_query(
		w->db, &e, "UPDATE contests SET finalized_at = COALESCE(finalized_at, NOW(3)) WHERE id = %q", c.id));
	contest_load(w->db, c.id, &c);
	json_object *b = contest_board_json(w, &c, 0, 0);
	mysql_free_result(db_query(w->db, &e,
				   "INSERT INTO contest_final_scoreboards (contest_id, scoreboard) VALUES (%q, %q) ON "
				   "DUPLICATE KEY UPDATE scoreboard = VALUES(scoreboard)",
				   c.id, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN)));
	json_object_put(b);
	audit(w, &r->user, "contest.finalize", c.id, NULL);
	contest_event(w, c.id, "state", NULL); /* end_of_updates: the feeds' last line */
	http_reply_json(r, 200, contest_state_json(&c, util_now_ms()));
}

/*** Team submissions the CLICS way: files as a base64 zip ***/

static void do_team_submit(struct worker *w, struct req *r)
{
	json_object *o = req_json(r), *files, *f0, *data;
	if (!o)
		return;
	const char *pid = util_json_str(o, "problem_id"), *lang = util_json_str(o, "language_id");
	if (!pid || !lang || !json_object_object_get_ex(o, "files", &files) ||
	    !json_object_is_type(files, json_type_array) || json_object_array_length(files) != 1 ||
	    !(f0 = json_object_array_get_idx(files, 0)) || !json_object_object_get_ex(f0, "data", &data) ||
	    !json_object_is_type(data, json_type_string)) {
		http_error(r, 400, "bad_request",
			   "problem_id, language_id and files: [{\"data\": base64 of a zip}] are required");
		json_object_put(o);
		return;
	}
	if (json_object_object_get_ex(o, "id", &f0) && strcmp(r->user.role, "admin")) {
		http_error(r, 400, "bad_request", "a team may not choose the submission id");
		json_object_put(o);
		return;
	}
	const char *b64 = json_object_get_string(data);
	size_t b64len = (size_t)json_object_get_string_len(data), rawlen = 0;
	unsigned char *raw = malloc(b64len + 1);
	struct pkg p;
	char err[256];
	struct pkg_limits lim = {.max_files = 16,
				 .max_file_bytes = (size_t)cfg.max_code_bytes,
				 .max_total_bytes = (size_t)cfg.max_code_bytes};
	if (sodium_base642bin(raw, b64len, b64, b64len, "\r\n", &rawlen, NULL, sodium_base64_VARIANT_ORIGINAL)) {
		http_error(r, 400, "bad_request", "files[0].data is not base64");
	} else if (pkg_read_zip(raw, rawlen, &lim, &p, err, sizeof err)) {
		http_error(r, strstr(err, "too large") ? 413 : 400, "bad_request", "files[0].data: %s", err);
	} else {
		if (p.nfiles != 1)
			http_error(r, 400, "bad_request", "the zip must hold exactly one source file");
		else {
			char id[17];
			submission_create(w, r, r->param, pid, lang, (const char *)p.files[0].data, p.files[0].len, id);
		}
		pkg_free(&p);
	}
	free(raw);
	json_object_put(o);
}

/* On the socket: contest/<id>/scoreboard and /clarifications for all,
 * /jury for admins, /team/<name> for that team and admins. */
static int contest_topic_parse(const char *rest, char *id, size_t idlen)
{
	const char *slash = strchr(rest, '/');
	if (!slash || slash == rest || slash - rest > 64)
		return -1;
	snprintf(id, idlen, "%.*s", (int)(slash - rest), rest);
	const char *what = slash + 1;
	if (problem_id_valid(id) && (!strcmp(what, "scoreboard") || !strcmp(what, "clarifications") ||
				     !strcmp(what, "jury") || (!strncmp(what, "team/", 5) && username_valid(what + 5))))
		return 0;
	return -1;
}

static json_object *contest_topic_snapshot(struct worker *w, const char *topic, const char *id, const struct user *u)
{
	const char *rest = topic + strlen("contest/") + strlen(id) + 1;
	int admin = !strcmp(u->role, "admin");
	if (!strcmp(rest, "scoreboard"))
		return contest_board_snapshot(w, id, 0);
	if (!strcmp(rest, "clarifications"))
		return contest_clarifications(w, id, NULL);
	if (!strcmp(rest, "jury"))
		return admin ? contest_clarifications(w, id, u) : NULL;
	if (!strncmp(rest, "team/", 5) && (admin || (u->id && !strcmp(rest + 5, u->username))))
		return contest_clarifications(w, id, u);
	return NULL;
}

void api_contests_register(void)
{
	static const struct ws_topic topic = {"contest/", contest_topic_parse, contest_topic_snapshot};
	ws_topic_add(&topic);
	route_add_work(HM_POST, "/api/contests/:id/submissions", AUTH_USER, do_team_submit);
	route_add_work(HM_GET, "/api/contests", AUTH_OPTIONAL, do_list);
	route_add_work(HM_PUT, "/api/contests/:id", AUTH_ADMIN, do_put);
	route_add_work(HM_GET, "/api/contests/:id", AUTH_OPTIONAL, do_get);
	route_add_work(HM_GET, "/api/contests/:id/state", AUTH_OPTIONAL, do_state);
	route_add_work(HM_POST, "/api/contests/:id/register", AUTH_USER, do_register);
	route_add_work(HM_GET, "/api/contests/:id/scoreboard", AUTH_OPTIONAL, do_scoreboard);
	route_add_work(HM_POST, "/api/contests/:id/scoreboard/rebuild", AUTH_ADMIN, do_rebuild);
	route_add_work(HM_POST, "/api/contests/:id/thaw", AUTH_ADMIN, do_thaw);
	route_add_work(HM_POST, "/api/contests/:id/finalize", AUTH_ADMIN, do_finalize);
}
