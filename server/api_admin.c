/* Fair use and administration: rate limits kept in Redis, run-time
 * settings, users, the audit log, editing and deleting problems, rejudges,
 * and submission history. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "contest.h"
#include "server.h"
#include "util.h"

/*** Rate limits ***/

static void do_get_settings(struct worker *w, struct req *r)
{
	json_object *o = json_object_new_object();
	for (size_t i = 0; i < settings_count(); i++)
		json_object_object_add(o, settings_name(i), json_object_new_int64(setting(w->kv, settings_name(i))));
	http_reply_json(r, 200, o);
}

static void do_put_settings(struct worker *w, struct req *r)
{
	json_object *o = req_json(r);
	if (!o)
		return;
	json_object_object_foreach(o, key, val)
	{
		size_t i;
		for (i = 0; i < settings_count(); i++)
			if (!strcmp(settings_name(i), key))
				break;
		if (i == settings_count() || !json_object_is_type(val, json_type_int) ||
		    json_object_get_int64(val) < 0) {
			http_error(r, 400, "bad_setting", "unknown setting or not a non-negative integer: %.60s", key);
			json_object_put(o);
			return;
		}
	}
	json_object_object_foreach(o, k2, v2)
	{
		setting_set(w->kv, k2, (long long)json_object_get_int64(v2));
	}
	audit(w, &r->user, "settings.update", NULL, json_object_to_json_string(o));
	json_object_put(o);
	do_get_settings(w, r);
}

/*** Users ***/

static json_object *paged(json_object *items, long total, int page, int per)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int(page));
	json_object_object_add(o, "per_page", json_object_new_int(per));
	return o;
}

static void do_users(struct worker *w, struct req *r)
{
	int page, per;
	if (http_page_args(r, &page, &per))
		return;
	char q[64] = "";
	http_query_arg(r, "q", q, sizeof q);
	char like[140];
	snprintf(like, sizeof like, "%%%s%%", q);
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT COUNT(*) FROM users WHERE username LIKE %q", like);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	long total = row ? atol(row[0]) : 0;
	mysql_free_result(res);
	res = db_query(
		w->db, &e,
		"SELECT username, role, premium, disabled, DATE_FORMAT(created_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ') FROM "
		"users WHERE username LIKE %q ORDER BY username LIMIT %d OFFSET %d",
		like, per, (page - 1) * per);
	json_object *items = json_object_new_array();
	while (res && (row = mysql_fetch_row(res))) {
		json_object *u = json_object_new_object();
		json_object_object_add(u, "username", json_object_new_string(row[0]));
		json_object_object_add(u, "role", json_object_new_string(row[1]));
		json_object_object_add(u, "premium", json_object_new_boolean(atoi(row[2])));
		json_object_object_add(u, "disabled", json_object_new_boolean(atoi(row[3])));
		json_object_object_add(u, "created_at", json_object_new_string(row[4]));
		json_object_array_add(items, u);
	}
	mysql_free_result(res);
	http_reply_json(r, 200, paged(items, total, page, per));
}

static void do_patch_user(struct worker *w, struct req *r)
{
	json_object *o = req_json(r), *v;
	if (!o)
		return;
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT id FROM users WHERE username = %q", r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int64_t uid = row ? strtoll(row[0], NULL, 10) : 0;
	mysql_free_result(res);
	if (!uid) {
		http_error(r, 404, "not_found", "no user %s", r->param);
		json_object_put(o);
		return;
	}
	const char *role = util_json_str(o, "role");
	if (json_object_object_get_ex(o, "role", &v) &&
	    (!role || (strcmp(role, "admin") && strcmp(role, "contestant")))) {
		http_error(r, 400, "bad_role", "role is admin or contestant");
	} else if ((json_object_object_get_ex(o, "premium", &v) && !json_object_is_type(v, json_type_boolean)) ||
		   (json_object_object_get_ex(o, "disabled", &v) && !json_object_is_type(v, json_type_boolean))) {
		http_error(r, 400, "bad_request", "premium and disabled are booleans");
	} else if (uid == r->user.id && (role || json_object_object_get_ex(o, "disabled", &v))) {
		http_error(r, 400, "self", "admins cannot demote or disable themselves");
	} else {
		if (role)
			mysql_free_result(db_query(w->db, &e, "UPDATE users SET role = %q WHERE id = %L", role, uid));
		if (json_object_object_get_ex(o, "premium", &v))
			mysql_free_result(db_query(w->db, &e, "UPDATE users SET premium = %d WHERE id = %L",
						   json_object_get_boolean(v), uid));
		if (json_object_object_get_ex(o, "disabled", &v)) {
			mysql_free_result(db_query(w->db, &e, "UPDATE users SET disabled = %d WHERE id = %L",
						   json_object_get_boolean(v), uid));
			if (json_object_get_boolean(v)) /* a disabled account is logged out everywhere */
				mysql_free_result(db_query(w->db, &e, "DELETE FROM sessions WHERE user_id = %L", uid));
		}
		auth_forget(uid);
		audit(w, &r->user, "user.update", r->param, json_object_to_json_string(o));
		http_reply_json(r, 200, json_object_get(o));
	}
	json_object_put(o);
}

static void do_audit(struct worker *w, struct req *r)
{
	int page, per;
	if (http_page_args(r, &page, &per))
		return;
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT COUNT(*) FROM audit_log");
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	long total = row ? atol(row[0]) : 0;
	mysql_free_result(res);
	res = db_query(
		w->db, &e,
		"SELECT u.username, a.action, a.target, a.detail, DATE_FORMAT(a.created_at, "
		"'%%Y-%%m-%%dT%%H:%%i:%%s.%%fZ') FROM audit_log a LEFT JOIN users u ON u.id = a.user_id ORDER BY "
		"a.id DESC LIMIT %d OFFSET %d",
		per, (page - 1) * per);
	json_object *items = json_object_new_array();
	while (res && (row = mysql_fetch_row(res))) {
		json_object *a = json_object_new_object();
		json_object_object_add(a, "user", row[0] ? json_object_new_string(row[0]) : NULL);
		json_object_object_add(a, "action", json_object_new_string(row[1]));
		json_object_object_add(a, "target", row[2] ? json_object_new_string(row[2]) : NULL);
		json_object_object_add(a, "detail", row[3] ? json_object_new_string(row[3]) : NULL);
		json_object_object_add(a, "created_at", json_object_new_string(row[4]));
		json_object_array_add(items, a);
	}
	mysql_free_result(res);
	http_reply_json(r, 200, paged(items, total, page, per));
}

/*** Problems: edit, delete, rejudge ***/

static void do_patch_problem(struct worker *w, struct req *r)
{
	json_object *o = req_json(r), *v;
	if (!o)
		return;
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT 1 FROM problems WHERE id = %q", r->param);
	int known = res && mysql_num_rows(res);
	mysql_free_result(res);
	if (!known) {
		http_error(r, 404, "not_found", "no problem %s", r->param);
		json_object_put(o);
		return;
	}
	/* Check everything first: a bad field changes nothing. */
	static const char *const allowed[] = {"name", "time_limit", "memory_limit", "difficulty",
					      "tags", "statement",  "public"};
	json_object_object_foreach(o, key, val)
	{
		size_t i;
		for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		int ok = i < sizeof allowed / sizeof allowed[0];
		if (ok && !strcmp(key, "public"))
			ok = json_object_is_type(val, json_type_boolean);
		if (ok && !strcmp(key, "name"))
			ok = json_object_is_type(val, json_type_string) && json_object_get_string_len(val) > 0 &&
			     json_object_get_string_len(val) <= 255;
		if (ok && !strcmp(key, "time_limit"))
			ok = (json_object_is_type(val, json_type_double) || json_object_is_type(val, json_type_int)) &&
			     json_object_get_double(val) > 0 && json_object_get_double(val) <= 60;
		if (ok && !strcmp(key, "memory_limit"))
			ok = json_object_is_type(val, json_type_int) && json_object_get_int(val) >= 16 &&
			     json_object_get_int(val) <= 16384;
		if (ok && !strcmp(key, "difficulty"))
			ok = json_object_is_type(val, json_type_null) ||
			     (json_object_is_type(val, json_type_string) && json_object_get_string_len(val) <= 16);
		if (ok && !strcmp(key, "statement"))
			ok = json_object_is_type(val, json_type_string) && json_object_get_string_len(val) < (4 << 20);
		if (ok && !strcmp(key, "tags")) {
			ok = json_object_is_type(val, json_type_array) && json_object_array_length(val) <= 32;
			for (size_t k = 0; ok && k < json_object_array_length(val); k++)
				ok = json_object_is_type(json_object_array_get_idx(val, k), json_type_string);
		}
		if (!ok) {
			http_error(r, 400, "bad_field", "%s: unknown field or a bad value", key);
			json_object_put(o);
			return;
		}
	}
	if (db_exec(w->db, "START TRANSACTION")) {
		http_error(r, 503, "unavailable", "try again");
		json_object_put(o);
		return;
	}
	/* Every change and its audit row in one transaction: all or nothing.
	 * The audit keeps a statement's size, not its text. */
	json_object *detail = json_object_new_object();
	int bad = 0;
	json_object_object_foreach(o, k2, v2)
	{
		if (!strcmp(k2, "time_limit")) {
			char tl[32];
			snprintf(tl, sizeof tl, "%.6f", json_object_get_double(v2));
			res = db_query(w->db, &e, "UPDATE problems SET time_limit = %s WHERE id = %q", tl, r->param);
		} else if (!strcmp(k2, "memory_limit")) {
			res = db_query(w->db, &e, "UPDATE problems SET memory_limit = %d WHERE id = %q",
				       json_object_get_int(v2), r->param);
		} else if (!strcmp(k2, "tags")) {
			res = db_query(w->db, &e, "UPDATE problems SET tags = %q WHERE id = %q",
				       json_object_to_json_string(v2), r->param);
		} else if (!strcmp(k2, "public")) {
			res = db_query(w->db, &e, "UPDATE problems SET made_public = %d WHERE id = %q",
				       json_object_get_boolean(v2), r->param);
		} else if (!strcmp(k2, "difficulty") && json_object_is_type(v2, json_type_null)) {
			res = db_query(w->db, &e, "UPDATE problems SET difficulty = NULL WHERE id = %q", r->param);
		} else {
			/* k2 is one of the allowed names checked above */
			res = db_query(w->db, &e, "UPDATE problems SET %s = %q WHERE id = %q", k2,
				       json_object_get_string(v2), r->param);
		}
		mysql_free_result(res);
		bad |= e;
		if (!strcmp(k2, "statement")) {
			char size[48];
			snprintf(size, sizeof size, "(%d bytes)", json_object_get_string_len(v2));
			json_object_object_add(detail, k2, json_object_new_string(size));
		} else {
			json_object_object_add(detail, k2, json_object_get(v2));
		}
	}
	if (!bad) {
		mysql_free_result(
			db_query(w->db, &e, "UPDATE problems SET updated_at = NOW(3) WHERE id = %q", r->param));
		bad = e || audit(w, &r->user, "problem.update", r->param, json_object_to_json_string(detail));
	}
	json_object_put(detail);
	if (bad || db_exec(w->db, "COMMIT")) {
		db_exec(w->db, "ROLLBACK");
		http_error(r, 503, "unavailable", "the change could not be saved; nothing was changed");
		json_object_put(o);
		return;
	}
	json_object_put(o);
	(void)v;
	http_reply_json(r, 200, json_object_new_object());
}

static void do_delete_problem(struct worker *w, struct req *r)
{
	int e;
	mysql_free_result(db_query(w->db, &e, "DELETE FROM problems WHERE id = %q", r->param));
	if (e) {
		http_error(r, 503, "unavailable", "cannot delete now");
	} else if (mysql_affected_rows(w->db) == 0) {
		http_error(r, 404, "not_found", "no problem %s", r->param);
	} else {
		audit(w, &r->user, "problem.delete", r->param, NULL);
		http_reply(r, 204, "application/json", NULL, 0);
	}
}

/* Queues a submission again in the rejudge lane: its old result stays
 * visible until the new one is recorded. */
static int rejudge_one(struct worker *w, const char *id)
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

static void do_rejudge(struct worker *w, struct req *r)
{
	if (!util_id_valid(r->param, 16) || rejudge_one(w, r->param)) {
		http_error(r, 404, "not_found", "no submission %s", r->param);
		return;
	}
	audit(w, &r->user, "submission.rejudge", r->param, NULL);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "queued", json_object_new_int(1));
	http_reply_json(r, 202, o);
}

static void do_rejudge_problem(struct worker *w, struct req *r)
{
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT id FROM submissions WHERE problem_id = %q", r->param);
	if (!res) {
		http_error(r, 503, "unavailable", "try again");
		return;
	}
	MYSQL_ROW row;
	int n = 0;
	char **ids = calloc(mysql_num_rows(res) + 1, sizeof *ids);
	while ((row = mysql_fetch_row(res)))
		ids[n++] = strdup(row[0]);
	mysql_free_result(res);
	int queued = 0;
	for (int i = 0; i < n; i++) {
		queued += !rejudge_one(w, ids[i]);
		free(ids[i]);
	}
	free(ids);
	audit(w, &r->user, "problem.rejudge", r->param, NULL);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "queued", json_object_new_int(queued));
	http_reply_json(r, 202, o);
}

/*** Submission history ***/

static void do_list_submissions(struct worker *w, struct req *r)
{
	int page, per;
	if (http_page_args(r, &page, &per))
		return;
	int admin = !strcmp(r->user.role, "admin");
	char problem[80] = "", verdict[16] = "", language[40] = "", user[48] = "";
	http_query_arg(r, "problem", problem, sizeof problem);
	http_query_arg(r, "verdict", verdict, sizeof verdict);
	http_query_arg(r, "language", language, sizeof language);
	http_query_arg(r, "user", user, sizeof user);
	char where[1024], uid[32];
	snprintf(uid, sizeof uid, "%lld", (long long)r->user.id);
	char *ep = db_escape(w->db, problem, strlen(problem)), *ev = db_escape(w->db, verdict, strlen(verdict)),
	     *el = db_escape(w->db, language, strlen(language)), *eu = db_escape(w->db, user, strlen(user));
	/* Everyone sees their own; an admin sees everyone's, or one user's. */
	snprintf(where, sizeof where, "WHERE 1%s%s%s%s%s%s%s%s%s%s%s%s%s%s",
		 admin ? "" : " AND s.user_id = ", admin ? "" : uid, problem[0] ? " AND s.problem_id = '" : "",
		 problem[0] ? ep : "", problem[0] ? "'" : "", verdict[0] ? " AND s.verdict = '" : "",
		 verdict[0] ? ev : "", verdict[0] ? "'" : "", language[0] ? " AND s.language = '" : "",
		 language[0] ? el : "", language[0] ? "'" : "", admin && user[0] ? " AND u.username = '" : "",
		 admin && user[0] ? eu : "", admin && user[0] ? "'" : "");
	free(ep);
	free(ev);
	free(el);
	free(eu);
	int e;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT COUNT(*) FROM submissions s LEFT JOIN users u ON u.id = s.user_id %s", where);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	long total = row ? atol(row[0]) : 0;
	mysql_free_result(res);
	res = db_query(w->db, &e,
		       "SELECT s.id, s.problem_id, s.language, s.status, s.verdict, s.score, s.max_score, s.time_ms, "
		       "s.memory_kb, DATE_FORMAT(s.created_at, '%%Y-%%m-%%dT%%H:%%i:%%s.%%fZ'), u.username FROM "
		       "submissions s LEFT JOIN users u ON u.id = s.user_id %s ORDER BY s.created_at DESC, s.id DESC "
		       "LIMIT %d OFFSET %d",
		       where, per, (page - 1) * per);
	if (e) {
		mysql_free_result(res);
		http_error(r, 503, "unavailable", "cannot list submissions now");
		return;
	}
	json_object *items = json_object_new_array();
	while (res && (row = mysql_fetch_row(res))) {
		json_object *s = json_object_new_object();
		json_object_object_add(s, "id", json_object_new_string(row[0]));
		json_object_object_add(s, "problem", json_object_new_string(row[1]));
		json_object_object_add(s, "language", json_object_new_string(row[2]));
		json_object_object_add(s, "status", json_object_new_string(row[3]));
		json_object_object_add(s, "verdict", row[4] ? json_object_new_string(row[4]) : NULL);
		json_object_object_add(s, "score", row[5] ? json_object_new_double(strtod(row[5], NULL)) : NULL);
		json_object_object_add(s, "max_score", row[6] ? json_object_new_double(strtod(row[6], NULL)) : NULL);
		json_object_object_add(s, "time_ms", row[7] ? json_object_new_int(atoi(row[7])) : NULL);
		json_object_object_add(s, "memory_kb", row[8] ? json_object_new_int(atoi(row[8])) : NULL);
		json_object_object_add(s, "created_at", json_object_new_string(row[9]));
		json_object_object_add(s, "user", row[10] ? json_object_new_string(row[10]) : NULL);
		json_object_array_add(items, s);
	}
	mysql_free_result(res);
	http_reply_json(r, 200, paged(items, total, page, per));
}

void api_admin_register(void)
{
	route_add_work(HM_GET, "/api/admin/settings", AUTH_ADMIN, do_get_settings);
	route_add_work(HM_PUT, "/api/admin/settings", AUTH_ADMIN, do_put_settings);
	route_add_work(HM_GET, "/api/users", AUTH_ADMIN, do_users);
	route_add_work(HM_PATCH, "/api/users/:name", AUTH_ADMIN, do_patch_user);
	route_add_work(HM_GET, "/api/audit", AUTH_ADMIN, do_audit);
	route_add_work(HM_PATCH, "/api/problems/:id", AUTH_ADMIN, do_patch_problem);
	route_add_work(HM_DELETE, "/api/problems/:id", AUTH_ADMIN, do_delete_problem);
	route_add_work(HM_POST, "/api/problems/:id/rejudge", AUTH_ADMIN, do_rejudge_problem);
	route_add_work(HM_POST, "/api/submissions/:id/rejudge", AUTH_ADMIN, do_rejudge);
	route_add_work(HM_GET, "/api/submissions", AUTH_USER, do_list_submissions);
}
