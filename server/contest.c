/* Contests as stored: loading one, its CLICS contest and state objects,
 * its times, and whether a team may submit to it now. The only reader of
 * a contest's row for the others (board.c, clics.c, feed.c); the writes
 * (PUT, thaw, finalize, registration) are the contest API's
 * (api_contests.c). Workers only. */
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
#include "problems.h"

/*** Times: CLICS RELTIME and ABSTIME (clics_time.c) ***/

/*** A contest as stored ***/

int contest_load(MYSQL *db, const char *id, struct contest *c)
{
	int e;
	MYSQL_RES *res = db_query(
		db, &e,
		"SELECT id, name, COALESCE(formal_name, name), scoreboard_type, "
		"COALESCE(FLOOR(UNIX_TIMESTAMP(start_time) * 1000), -1), duration_s, COALESCE(freeze_s, -1), "
		"COALESCE(FLOOR(UNIX_TIMESTAMP(thawed_at) * 1000), -1), "
		"COALESCE(FLOOR(UNIX_TIMESTAMP(finalized_at) * 1000), -1), penalty_min FROM contests WHERE id = %q",
		id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return -1;
	}
	snprintf(c->id, sizeof c->id, "%s", row[0]);
	snprintf(c->name, sizeof c->name, "%s", row[1]);
	snprintf(c->formal, sizeof c->formal, "%s", row[2]);
	snprintf(c->type, sizeof c->type, "%s", row[3]);
	c->start_ms = atoll(row[4]);
	c->duration_ms = atoll(row[5]) * 1000;
	c->freeze_ms = atoll(row[6]) >= 0 ? atoll(row[6]) * 1000 : -1;
	c->thawed_ms = atoll(row[7]);
	c->finalized_ms = atoll(row[8]);
	c->penalty_min = atoi(row[9]);
	mysql_free_result(res);
	return 0;
}

long long contest_freeze_at(const struct contest *c)
{
	return c->start_ms < 0 || c->freeze_ms < 0 ? -1 : c->start_ms + c->duration_ms - c->freeze_ms;
}

/* The public board hides what was submitted from the freeze until a thaw. */
int contest_frozen_now(const struct contest *c, long long now)
{
	long long f = contest_freeze_at(c);
	return f >= 0 && now >= f && c->thawed_ms < 0;
}

json_object *contest_json(const struct contest *c)
{
	char buf[64];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "formal_name", json_object_new_string(c->formal));
	if (c->start_ms >= 0) {
		clics_abstime(buf, sizeof buf, c->start_ms);
		json_object_object_add(o, "start_time", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "start_time", NULL);
	}
	clics_reltime(buf, sizeof buf, c->duration_ms);
	json_object_object_add(o, "duration", json_object_new_string(buf));
	if (c->freeze_ms >= 0) {
		clics_reltime(buf, sizeof buf, c->freeze_ms);
		json_object_object_add(o, "scoreboard_freeze_duration", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "scoreboard_freeze_duration", NULL);
	}
	json_object_object_add(o, "scoreboard_type", json_object_new_string(c->type));
	clics_reltime(buf, sizeof buf, (long long)c->penalty_min * 60000);
	json_object_object_add(o, "penalty_time", json_object_new_string(buf));
	return o;
}

json_object *contest_state_json(const struct contest *c, long long now)
{
	char buf[64];
	json_object *o = json_object_new_object();
#define STAMP(key, when, cond)                                                       \
	do {                                                                         \
		if (cond) {                                                          \
			clics_abstime(buf, sizeof buf, (when));                      \
			json_object_object_add(o, key, json_object_new_string(buf)); \
		} else {                                                             \
			json_object_object_add(o, key, NULL);                        \
		}                                                                    \
	} while (0)
	long long end = c->start_ms + c->duration_ms, f = contest_freeze_at(c);
	STAMP("started", c->start_ms, c->start_ms >= 0 && now >= c->start_ms);
	STAMP("frozen", f, f >= 0 && now >= f);
	STAMP("ended", end, c->start_ms >= 0 && now >= end);
	STAMP("thawed", c->thawed_ms, c->thawed_ms >= 0);
	STAMP("finalized", c->finalized_ms, c->finalized_ms >= 0);
	STAMP("end_of_updates", c->finalized_ms, c->finalized_ms >= 0);
#undef STAMP
	return o;
}

/* For POST /api/submissions with a "contest": 0 allowed, else an HTTP
 * status with why in msg. */
int contest_may_submit(struct worker *w, const char *cid, const char *pid, const struct user *u, char *msg, size_t n)
{
	struct contest c;
	if (!problem_id_valid(cid) || contest_load(w->db, cid, &c)) {
		snprintf(msg, n, "no contest %.64s", cid);
		return 404;
	}
	long long now = util_now_ms();
	if (c.start_ms < 0 || now < c.start_ms || now >= c.start_ms + c.duration_ms) {
		snprintf(msg, n, "the contest is not running");
		return 403;
	}
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e, "SELECT 1 FROM contest_teams WHERE contest_id = %q AND user_id = %L", cid, u->id);
	int team = res && mysql_num_rows(res);
	mysql_free_result(res);
	if (!team) {
		snprintf(msg, n, "register for the contest first");
		return 403;
	}
	res = db_query(w->db, &e, "SELECT 1 FROM contest_problems WHERE contest_id = %q AND problem_id = %q", cid, pid);
	int inset = res && mysql_num_rows(res);
	mysql_free_result(res);
	if (!inset) {
		snprintf(msg, n, "problem %.64s is not in this contest", pid);
		return 404;
	}
	return 0;
}

int contest_user_admin(const struct user *u)
{
	return u && !strcmp(u->role, "admin");
}

int contest_req_admin(const struct req *r)
{
	return !strcmp(r->user.role, "admin");
}

int contest_load_or_404(struct worker *w, struct req *r, struct contest *c)
{
	if (!problem_id_valid(r->param) || contest_load(w->db, r->param, c)) {
		http_error(r, 404, "not_found", "no contest %s", r->param);
		return -1;
	}
	return 0;
}
