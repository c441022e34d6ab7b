/* Administration over HTTP: the run-time settings (fairuse.c keeps them),
 * users (auth.c writes them), the audit log, rejudges (submissions.c
 * queues them) and the submission history. Workers only. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "contest.h"
#include "fairuse.h"
#include "server.h"
#include "util.h"
#include "problems.h"
#include "auth.h"
#include "submissions.h"
#include "audit.h"

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
		json_object *pv = NULL, *dv = NULL;
		json_object_object_get_ex(o, "premium", &pv);
		json_object_object_get_ex(o, "disabled", &dv);
		auth_update_user(w, uid, role, pv ? json_object_get_boolean(pv) : -1,
				 dv ? json_object_get_boolean(dv) : -1);
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

static void do_rejudge(struct worker *w, struct req *r)
{
	if (!util_id_valid(r->param, 16) || submission_rejudge(w, r->param)) {
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
	MYSQL_RES *res = db_query(w->db, &e, "SELECT time_limit_from FROM problems WHERE id = %q", r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	/* Judged now, they would get a limit that is not the problem's. */
	int unready = row && !time_limit_known(row[0]);
	mysql_free_result(res);
	if (unready) {
		http_error(r, 409, "not_ready",
			   "problem %.64s has no time limit yet: nothing is judged again until it has", r->param);
		return;
	}
	res = db_query(w->db, &e, "SELECT id FROM submissions WHERE problem_id = %q", r->param);
	if (!res) {
		http_error(r, 503, "unavailable", "try again");
		return;
	}
	int n = 0;
	char **ids = calloc(mysql_num_rows(res) + 1, sizeof *ids);
	while ((row = mysql_fetch_row(res)))
		ids[n++] = strdup(row[0]);
	mysql_free_result(res);
	int queued = 0;
	for (int i = 0; i < n; i++) {
		queued += !submission_rejudge(w, ids[i]);
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
	route_add_work(HM_POST, "/api/problems/:id/rejudge", AUTH_ADMIN, do_rejudge_problem);
	route_add_work(HM_POST, "/api/submissions/:id/rejudge", AUTH_ADMIN, do_rejudge);
	route_add_work(HM_GET, "/api/submissions", AUTH_USER, do_list_submissions);
}
