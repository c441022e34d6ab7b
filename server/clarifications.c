/* Clarifications: questions from teams, answers and announcements from
 * the jury, as each user may see them; the only writer of the
 * clarifications table (POST). Workers only. */
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
#include "events.h"

/*** Clarifications ***/

static json_object *clar_json(const struct contest *c, MYSQL_ROW row)
{
	char buf[64];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(row[0]));
	json_object_object_add(o, "from_team_id", row[1] ? json_object_new_string(row[1]) : NULL);
	json_object_object_add(o, "to_team_id", row[2] ? json_object_new_string(row[2]) : NULL);
	json_object_object_add(o, "reply_to_id", row[3] ? json_object_new_string(row[3]) : NULL);
	json_object_object_add(o, "problem_id", row[4] ? json_object_new_string(row[4]) : NULL);
	json_object_object_add(o, "text", json_object_new_string(row[5]));
	long long at = atoll(row[6]);
	clics_abstime(buf, sizeof buf, at);
	json_object_object_add(o, "time", json_object_new_string(buf));
	clics_reltime(buf, sizeof buf, c->start_ms >= 0 ? at - c->start_ms : 0);
	json_object_object_add(o, "contest_time", json_object_new_string(buf));
	return o;
}

static const char clar_select[] =
	"SELECT c.id, fu.username, tu.username, c.reply_to, c.problem_id, c.text, FLOOR(UNIX_TIMESTAMP(c.created_at) * "
	"1000) FROM clarifications c LEFT JOIN users fu ON fu.id = c.from_user LEFT JOIN users tu ON tu.id = c.to_user "
	"WHERE c.contest_id = %q";

/* The jury sees all; a team its own questions, what was sent to it and
 * what was sent to everyone; the public what was sent to everyone. */
json_object *contest_clarifications(struct worker *w, const char *cid, const struct user *u)
{
	struct contest c;
	if (contest_load(w->db, cid, &c))
		return NULL;
	char filter[160] = "";
	if (!u || !u->id)
		snprintf(filter, sizeof filter, " AND c.from_user IS NULL AND c.to_user IS NULL");
	else if (strcmp(u->role, "admin"))
		snprintf(filter, sizeof filter,
			 " AND (c.from_user = %lld OR c.to_user = %lld OR (c.from_user IS NULL AND c.to_user IS NULL))",
			 (long long)u->id, (long long)u->id);
	char q[700];
	snprintf(q, sizeof q, "%s%s ORDER BY c.id", clar_select, filter);
	int e;
	MYSQL_RES *res = db_query(w->db, &e, q, cid);
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res)))
		json_object_array_add(arr, clar_json(&c, row));
	mysql_free_result(res);
	return arr;
}

json_object *clarifications_collection(struct worker *w, const struct contest *c, const struct user *u,
				       const char *only)
{
	json_object *all = contest_clarifications(w, c->id, u), *arr = all;
	if (all && only) {
		arr = json_object_new_array();
		for (size_t i = 0; i < json_object_array_length(all); i++) {
			json_object *o = json_object_array_get_idx(all, i);
			if (!strcmp(util_json_str(o, "id"), only))
				json_object_array_add(arr, json_object_get(o));
		}
		json_object_put(all);
	}
	return arr ? arr : json_object_new_array();
}

static void do_clar_post(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	json_object *o = req_json(r);
	if (!o)
		return;
	const char *text = util_json_str(o, "text"), *pid = util_json_str(o, "problem_id");
	const char *to = util_json_str(o, "to_team_id"), *reply = util_json_str(o, "reply_to_id");
	int admin = contest_req_admin(r), e;
	int64_t to_uid = 0;
	char msg[160] = "";
	if (!text || !*text || strlen(text) > 4096) {
		snprintf(msg, sizeof msg, "text is required, at most 4096 characters");
	} else if (!admin) {
		MYSQL_RES *res =
			db_query(w->db, &e, "SELECT 1 FROM contest_teams WHERE contest_id = %q AND user_id = %L", c.id,
				 r->user.id);
		int team = res && mysql_num_rows(res);
		mysql_free_result(res);
		if (!team) {
			http_error(r, 403, "forbidden", "register for the contest first");
			json_object_put(o);
			return;
		}
		if (to)
			snprintf(msg, sizeof msg, "a team's clarification goes to the jury");
	} else if (to) {
		MYSQL_RES *res = db_query(w->db, &e, "SELECT id FROM users WHERE username = %q", to);
		MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
		to_uid = row ? atoll(row[0]) : 0;
		mysql_free_result(res);
		if (!to_uid)
			snprintf(msg, sizeof msg, "no team %.40s", to);
	}
	if (msg[0]) {
		http_error(r, 400, "bad_request", "%s", msg);
		json_object_put(o);
		return;
	}
	char fromsql[32] = "NULL", tosql[32] = "NULL", replysql[32] = "NULL";
	if (!admin)
		snprintf(fromsql, sizeof fromsql, "%lld", (long long)r->user.id);
	if (to_uid)
		snprintf(tosql, sizeof tosql, "%lld", (long long)to_uid);
	if (reply)
		snprintf(replysql, sizeof replysql, "%lld", atoll(reply));
	mysql_free_result(
		db_query(w->db, &e,
			 "INSERT INTO clarifications (contest_id, from_user, to_user, reply_to, problem_id, text) "
			 "VALUES (%q, %s, %s, %s, %q, %q)",
			 c.id, fromsql, tosql, replysql, pid, text));
	char to_name[64];
	snprintf(to_name, sizeof to_name, "%s", admin ? (to ? to : "") : r->user.username);
	json_object_put(o); /* to, text, pid die with it */
	if (e) {
		http_error(r, 503, "unavailable", "cannot store it");
		return;
	}
	char idq[800], cl_id[24];
	snprintf(cl_id, sizeof cl_id, "%llu", (unsigned long long)mysql_insert_id(w->db));
	snprintf(idq, sizeof idq, "%s AND c.id = %s", clar_select, cl_id);
	contest_event(w, c.id, "clarifications", cl_id);
	MYSQL_RES *res = db_query(w->db, &e, idq, c.id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	json_object *clar = row ? clar_json(&c, row) : json_object_new_object();
	mysql_free_result(res);
	/* Pushed live: the jury always; everyone for an announcement; else the
	 * one team concerned. */
	const char *data = json_object_to_json_string_ext(clar, JSON_C_TO_STRING_PLAIN);
	char topic[200];
	snprintf(topic, sizeof topic, "contest/%s/jury", c.id);
	events_publish(w->kv, topic, data);
	if (admin && !to_uid) {
		snprintf(topic, sizeof topic, "contest/%s/clarifications", c.id);
		events_publish(w->kv, topic, data);
	} else {
		snprintf(topic, sizeof topic, "contest/%s/team/%s", c.id, to_name);
		events_publish(w->kv, topic, data);
	}
	http_reply_json(r, 201, clar);
}

void clarifications_register(void)
{
	route_add_work(HM_POST, "/api/contests/:id/clarifications", AUTH_USER, do_clar_post);
}
