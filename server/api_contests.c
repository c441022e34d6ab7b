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

/*** Times: CLICS RELTIME and ABSTIME (clics_time.c) ***/

#define reltime clics_reltime
#define abstime clics_abstime

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
static int frozen_now(const struct contest *c, long long now)
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
		abstime(buf, sizeof buf, c->start_ms);
		json_object_object_add(o, "start_time", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "start_time", NULL);
	}
	reltime(buf, sizeof buf, c->duration_ms);
	json_object_object_add(o, "duration", json_object_new_string(buf));
	if (c->freeze_ms >= 0) {
		reltime(buf, sizeof buf, c->freeze_ms);
		json_object_object_add(o, "scoreboard_freeze_duration", json_object_new_string(buf));
	} else {
		json_object_object_add(o, "scoreboard_freeze_duration", NULL);
	}
	json_object_object_add(o, "scoreboard_type", json_object_new_string(c->type));
	reltime(buf, sizeof buf, (long long)c->penalty_min * 60000);
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
			abstime(buf, sizeof buf, (when));                            \
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

/*** Scoring ***/

struct cell {
	int judged, pending, solved;
	long long time_ms; /* of the accepted run */
	double best;       /* score-based */
};

struct team_row {
	long long uid;
	char name[40];
	int solved;
	long long penalty_min, last_ac_min;
	double score;
	struct cell *cells;
};

/* Computes every team's row (or one team's, uid > 0) for a view. ICPC:
 * the minute of each first accepted run plus penalty_min for each earlier
 * rejected one; compile errors are free; in the public view a run
 * submitted after the freeze (until a thaw) is pending. */
static struct team_row *compute(MYSQL *db, const struct contest *c, int jury, long long uid, char probs[][65], int np,
				int *nteams)
{
	int e;
	MYSQL_RES *res = db_query(db, &e,
				  "SELECT t.user_id, u.username FROM contest_teams t JOIN users u ON u.id = t.user_id "
				  "WHERE t.contest_id = %q %s%L ORDER BY u.username",
				  c->id, uid > 0 ? "AND t.user_id = " : "AND 0 <> ", uid > 0 ? uid : (int64_t)1);
	int n = res ? (int)mysql_num_rows(res) : 0;
	struct team_row *rows = calloc((size_t)n + 1, sizeof *rows);
	MYSQL_ROW row;
	int k = 0;
	while (res && (row = mysql_fetch_row(res)) && k < n) {
		rows[k].uid = atoll(row[0]);
		snprintf(rows[k].name, sizeof rows[k].name, "%s", row[1]);
		rows[k].cells = calloc((size_t)np + 1, sizeof *rows[k].cells);
		k++;
	}
	mysql_free_result(res);
	*nteams = k;
	long long hide_from = jury ? -1
			      : (frozen_now(c, util_now_ms()) || (contest_freeze_at(c) >= 0 && c->thawed_ms < 0))
				      ? contest_freeze_at(c)
				      : -1;
	res = db_query(
		db, &e,
		"SELECT user_id, problem_id, status, verdict, COALESCE(score, 0), FLOOR(UNIX_TIMESTAMP(created_at) * "
		"1000) FROM submissions WHERE contest_id = %q %s%L ORDER BY created_at, id",
		c->id, uid > 0 ? "AND user_id = " : "AND 0 <> ", uid > 0 ? uid : (int64_t)1);
	while (res && (row = mysql_fetch_row(res))) {
		long long u = atoll(row[0]), at = atoll(row[5]);
		int t, p;
		for (t = 0; t < k && rows[t].uid != u; t++)
			;
		for (p = 0; p < np && strcmp(probs[p], row[1]); p++)
			;
		if (t == k || p == np || at < c->start_ms || at >= c->start_ms + c->duration_ms)
			continue;
		struct cell *cl = &rows[t].cells[p];
		if (cl->solved && !strcmp(c->type, "pass-fail"))
			continue;
		int done = !strcmp(row[2], "done");
		if (!done || (hide_from >= 0 && at >= hide_from)) {
			cl->pending++;
			continue;
		}
		if (row[3] && !strcmp(row[3], "CE"))
			continue; /* free */
		cl->judged++;
		if (!strcmp(c->type, "score")) {
			double sc = strtod(row[4], NULL);
			if (sc > cl->best) {
				cl->best = sc;
				cl->time_ms = at - c->start_ms;
			}
			if (row[3] && !strcmp(row[3], "AC"))
				cl->solved = 1;
			continue;
		}
		if (row[3] && !strcmp(row[3], "AC")) {
			cl->solved = 1;
			cl->time_ms = at - c->start_ms;
		}
	}
	mysql_free_result(res);
	for (int t = 0; t < k; t++) {
		for (int p = 0; p < np; p++) {
			struct cell *cl = &rows[t].cells[p];
			if (!strcmp(c->type, "score")) {
				rows[t].score += cl->best;
				if (cl->best > 0 && cl->time_ms / 60000 > rows[t].last_ac_min)
					rows[t].last_ac_min = cl->time_ms / 60000;
				continue;
			}
			if (!cl->solved)
				continue;
			long long minute = cl->time_ms / 60000;
			rows[t].solved++;
			rows[t].penalty_min += minute + (long long)c->penalty_min * (cl->judged - 1);
			if (minute > rows[t].last_ac_min)
				rows[t].last_ac_min = minute;
		}
	}
	return rows;
}

/* One number orders rows: higher is better, equal means tied. */
static double row_score(const struct contest *c, const struct team_row *r)
{
	if (!strcmp(c->type, "score"))
		return r->score * 1e6 - (double)r->last_ac_min;
	return (double)r->solved * 1e12 - (double)r->penalty_min * 1e6 - (double)r->last_ac_min;
}

static json_object *row_json(const struct contest *c, const struct team_row *r, char probs[][65], int np,
			     const long long *first_ms, long rank)
{
	char buf[64];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "rank", json_object_new_int64(rank));
	json_object_object_add(o, "team_id", json_object_new_string(r->name));
	json_object *s = json_object_new_object();
	if (!strcmp(c->type, "score")) {
		json_object_object_add(s, "score", json_object_new_double(r->score));
	} else {
		json_object_object_add(s, "num_solved", json_object_new_int(r->solved));
		reltime(buf, sizeof buf, r->penalty_min * 60000);
		json_object_object_add(s, "total_time", json_object_new_string(buf));
		if (r->solved)
			json_object_object_add(
				s, "time",
				json_object_new_string((reltime(buf, sizeof buf, r->last_ac_min * 60000), buf)));
	}
	json_object_object_add(o, "score", s);
	json_object *ps = json_object_new_array();
	for (int p = 0; p < np; p++) {
		const struct cell *cl = &r->cells[p];
		if (!cl->judged && !cl->pending && !cl->solved)
			continue;
		json_object *q = json_object_new_object();
		json_object_object_add(q, "problem_id", json_object_new_string(probs[p]));
		json_object_object_add(q, "num_judged", json_object_new_int(cl->judged));
		json_object_object_add(q, "num_pending", json_object_new_int(cl->pending));
		json_object_object_add(q, "solved", json_object_new_boolean(cl->solved));
		if (!strcmp(c->type, "score"))
			json_object_object_add(q, "score", json_object_new_double(cl->best));
		if (cl->solved || (!strcmp(c->type, "score") && cl->best > 0)) {
			/* Exact, so the first to solve is told apart within a minute. */
			reltime(buf, sizeof buf, cl->time_ms);
			json_object_object_add(q, "time", json_object_new_string(buf));
		}
		if (cl->solved && first_ms)
			json_object_object_add(q, "first_to_solve",
					       json_object_new_boolean(cl->time_ms == first_ms[p]));
		json_object_array_add(ps, q);
	}
	json_object_object_add(o, "problems", ps);
	return o;
}

static int contest_problems(MYSQL *db, const char *cid, char probs[][65], int max)
{
	int e, n = 0;
	MYSQL_RES *res =
		db_query(db, &e, "SELECT problem_id FROM contest_problems WHERE contest_id = %q ORDER BY ord", cid);
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res)) && n < max)
		snprintf(probs[n++], 65, "%s", row[0]);
	mysql_free_result(res);
	return n;
}

#define MAXP 64

static void free_rows(struct team_row *rows, int n)
{
	for (int i = 0; i < n; i++)
		free(rows[i].cells);
	free(rows);
}

/* Writes one view's board into Redis: the sorted set and the row details. */
static void board_store(redisContext *kv, const struct contest *c, const char *view, struct team_row *rows, int n,
			char probs[][65], int np, int replace)
{
	char zkey[160], hkey[160];
	snprintf(zkey, sizeof zkey, "verdict:board:{%s}:%s", c->id, view);
	snprintf(hkey, sizeof hkey, "verdict:board:{%s}:%s:rows", c->id, view);
	if (replace) {
		freeReplyObject(redisCommand(kv, "DEL %s %s", zkey, hkey));
		/* An empty board still exists: a marker member that never ranks. */
		freeReplyObject(redisCommand(kv, "HSET %s __built 1", hkey));
	}
	for (int i = 0; i < n; i++) {
		json_object *o = row_json(c, &rows[i], probs, np, NULL, 0);
		freeReplyObject(redisCommand(kv, "ZADD %s %.17g %s", zkey, row_score(c, &rows[i]), rows[i].name));
		freeReplyObject(redisCommand(kv, "HSET %s %s %s", hkey, rows[i].name, json_object_to_json_string(o)));
		json_object_put(o);
	}
}

static void board_rebuild(struct worker *w, const struct contest *c)
{
	char probs[MAXP][65];
	int np = contest_problems(w->db, c->id, probs, MAXP);
	for (int jury = 0; jury < 2; jury++) {
		int n;
		struct team_row *rows = compute(w->db, c, jury, 0, probs, np, &n);
		board_store(w->kv, c, jury ? "jury" : "public", rows, n, probs, np, 1);
		free_rows(rows, n);
	}
}

/* The scoreboard of a view, in rank order, from Redis (rebuilt when gone). */
static json_object *board_json(struct worker *w, const struct contest *c, int jury, int limit)
{
	char zkey[160], hkey[160];
	const char *view = jury ? "jury" : "public";
	snprintf(zkey, sizeof zkey, "verdict:board:{%s}:%s", c->id, view);
	snprintf(hkey, sizeof hkey, "verdict:board:{%s}:%s:rows", c->id, view);
	redisReply *ex = redisCommand(w->kv, "EXISTS %s", hkey);
	int built = ex && ex->type == REDIS_REPLY_INTEGER && ex->integer == 1;
	freeReplyObject(ex);
	if (!built)
		board_rebuild(w, c);
	redisReply *z = limit > 0 ? redisCommand(w->kv, "ZREVRANGE %s 0 %d WITHSCORES", zkey, limit - 1)
				  : redisCommand(w->kv, "ZREVRANGE %s 0 -1 WITHSCORES", zkey);
	json_object *rows = json_object_new_array();
	long rank = 0, pos = 0;
	double prev = NAN;
	for (size_t i = 0; z && z->type == REDIS_REPLY_ARRAY && i + 1 < z->elements; i += 2) {
		double sc = strtod(z->element[i + 1]->str, NULL);
		pos++;
		if (sc != prev)
			rank = pos; /* ties share a rank */
		prev = sc;
		redisReply *h = redisCommand(w->kv, "HGET %s %s", hkey, z->element[i]->str);
		json_object *o = h && h->type == REDIS_REPLY_STRING ? json_tokener_parse(h->str) : NULL;
		freeReplyObject(h);
		if (!o)
			continue;
		json_object_object_add(o, "rank", json_object_new_int64(rank));
		json_object_array_add(rows, o);
	}
	freeReplyObject(z);
	/* first_to_solve: the earliest solve of each problem among the rows. */
	char probs[MAXP][65];
	int np = contest_problems(w->db, c->id, probs, MAXP);
	for (int p = 0; p < np; p++) {
		const char *best_team = NULL;
		char best_time[32] = "";
		for (size_t i = 0; i < json_object_array_length(rows); i++) {
			json_object *ps, *r = json_object_array_get_idx(rows, i);
			json_object_object_get_ex(r, "problems", &ps);
			for (size_t k = 0; ps && k < json_object_array_length(ps); k++) {
				json_object *q = json_object_array_get_idx(ps, k), *v;
				if (strcmp(util_json_str(q, "problem_id"), probs[p]) ||
				    !json_object_object_get_ex(q, "solved", &v) || !json_object_get_boolean(v) ||
				    !util_json_str(q, "time"))
					continue;
				/* RELTIME strings of equal shape compare by length then text. */
				const char *t = util_json_str(q, "time");
				if (!best_team || strlen(t) < strlen(best_time) ||
				    (strlen(t) == strlen(best_time) && strcmp(t, best_time) < 0)) {
					best_team = util_json_str(r, "team_id");
					snprintf(best_time, sizeof best_time, "%s", t);
				}
			}
		}
		for (size_t i = 0; i < json_object_array_length(rows); i++) {
			json_object *ps, *r = json_object_array_get_idx(rows, i);
			json_object_object_get_ex(r, "problems", &ps);
			for (size_t k = 0; ps && k < json_object_array_length(ps); k++) {
				json_object *q = json_object_array_get_idx(ps, k), *v;
				if (!strcmp(util_json_str(q, "problem_id"), probs[p]) &&
				    json_object_object_get_ex(q, "solved", &v) && json_object_get_boolean(v))
					json_object_object_add(
						q, "first_to_solve",
						json_object_new_boolean(
							best_team && !strcmp(best_team, util_json_str(r, "team_id")) &&
							!strcmp(best_time, util_json_str(q, "time"))));
			}
		}
	}
	long long now = util_now_ms();
	char buf[64];
	json_object *o = json_object_new_object();
	abstime(buf, sizeof buf, now);
	json_object_object_add(o, "time", json_object_new_string(buf));
	reltime(buf, sizeof buf, c->start_ms >= 0 ? now - c->start_ms : 0);
	json_object_object_add(o, "contest_time", json_object_new_string(buf));
	json_object_object_add(o, "state", contest_state_json(c, now));
	json_object_object_add(o, "rows", rows);
	return o;
}

/* Changed rows wait here and go out together, a few times a second at
 * most (contest_board_flush): a burst of verdicts is one message per
 * contest, serialized once for every subscriber. Any thread adds; the
 * recorder thread flushes. */
#define PENDING_MAX 4096
static struct {
	char cid[65];
	char team[40];
} pending[PENDING_MAX];
static int npending;
static int64_t last_flush_ms;
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void pending_add(const char *cid, const char *team)
{
	pthread_mutex_lock(&pending_lock);
	int i;
	for (i = 0; i < npending; i++)
		if (!strcmp(pending[i].cid, cid) && !strcmp(pending[i].team, team))
			break;
	if (i == npending && npending < PENDING_MAX) {
		snprintf(pending[npending].cid, sizeof pending[npending].cid, "%s", cid);
		snprintf(pending[npending].team, sizeof pending[npending].team, "%s", team);
		npending++;
	}
	pthread_mutex_unlock(&pending_lock);
}

int contest_board_pending(void)
{
	pthread_mutex_lock(&pending_lock);
	int n = npending;
	pthread_mutex_unlock(&pending_lock);
	return n;
}

/* Publishes the changed public rows with their current ranks, at most
 * every interval_ms. Returns how many rows went out. */
int contest_board_flush(struct worker *w, int interval_ms)
{
	int64_t now = util_mono_ms();
	pthread_mutex_lock(&pending_lock);
	if (!npending || now - last_flush_ms < interval_ms) {
		pthread_mutex_unlock(&pending_lock);
		return 0;
	}
	int n = npending;
	typeof(pending[0]) *batch = malloc(sizeof pending[0] * (size_t)n);
	memcpy(batch, pending, sizeof pending[0] * (size_t)n);
	npending = 0;
	last_flush_ms = now;
	pthread_mutex_unlock(&pending_lock);
	for (int i = 0; i < n; i++) {
		if (!batch[i].cid[0])
			continue;
		const char *cid = batch[i].cid;
		char zkey[160], hkey[160], topic[120];
		snprintf(zkey, sizeof zkey, "verdict:board:{%s}:public", cid);
		snprintf(hkey, sizeof hkey, "verdict:board:{%s}:public:rows", cid);
		json_object *arr = json_object_new_array();
		for (int k = i; k < n; k++) {
			if (strcmp(batch[k].cid, cid))
				continue;
			redisReply *sc = redisCommand(w->kv, "ZSCORE %s %s", zkey, batch[k].team);
			redisReply *h = redisCommand(w->kv, "HGET %s %s", hkey, batch[k].team);
			json_object *row = h && h->type == REDIS_REPLY_STRING ? json_tokener_parse(h->str) : NULL;
			if (row && sc && sc->type == REDIS_REPLY_STRING) {
				/* rank = 1 + the number of strictly greater scores */
				redisReply *r = redisCommand(w->kv, "ZCOUNT %s (%s +inf", zkey, sc->str);
				json_object_object_add(row, "rank",
						       json_object_new_int64(r && r->type == REDIS_REPLY_INTEGER
										     ? r->integer + 1
										     : 0));
				freeReplyObject(r);
				json_object_array_add(arr, row);
			} else {
				json_object_put(row);
			}
			freeReplyObject(sc);
			freeReplyObject(h);
			if (k > i)
				batch[k].cid[0] = 0;
		}
		json_object *d = json_object_new_object();
		json_object_object_add(d, "rows", arr);
		snprintf(topic, sizeof topic, "contest/%s/scoreboard", cid);
		events_publish(w->kv, topic, json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
		json_object_put(d);
	}
	free(batch);
	return n;
}

/* A contest submission was recorded (recorder thread) or a team joined:
 * that team's rows in both views now; the push follows in the next flush. */
void contest_board_update(struct worker *w, const char *cid, int64_t uid)
{
	struct contest c;
	if (contest_load(w->db, cid, &c) || c.finalized_ms >= 0)
		return;
	char probs[MAXP][65];
	int np = contest_problems(w->db, cid, probs, MAXP);
	for (int jury = 0; jury < 2; jury++) {
		char hkey[160];
		snprintf(hkey, sizeof hkey, "verdict:board:{%s}:%s:rows", cid, jury ? "jury" : "public");
		redisReply *ex = redisCommand(w->kv, "EXISTS %s", hkey);
		int built = ex && ex->type == REDIS_REPLY_INTEGER && ex->integer == 1;
		freeReplyObject(ex);
		/* A board gone (a contest edit) comes back whole; the team's
		 * rows are pushed all the same. */
		if (!built)
			board_rebuild(w, &c);
		int n;
		struct team_row *rows = compute(w->db, &c, jury, uid, probs, np, &n);
		board_store(w->kv, &c, jury ? "jury" : "public", rows, n, probs, np, 0);
		for (int i = 0; i < n && !jury; i++)
			pending_add(cid, rows[i].name);
		free_rows(rows, n);
	}
}

/* The snapshot a socket gets on subscribing to contest/<id>/scoreboard. */
json_object *contest_board_snapshot(struct worker *w, const char *cid, int jury)
{
	struct contest c;
	if (contest_load(w->db, cid, &c))
		return NULL;
	return board_json(w, &c, jury, 0);
}

/*** HTTP ***/

static int user_admin(const struct user *u)
{
	return u && !strcmp(u->role, "admin");
}

static int is_admin(const struct req *r)
{
	return !strcmp(r->user.role, "admin");
}

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
	snprintf(k1, sizeof k1, "verdict:board:{%s}:public", r->param);
	snprintf(k2, sizeof k2, "verdict:board:{%s}:public:rows", r->param);
	snprintf(k3, sizeof k3, "verdict:board:{%s}:jury", r->param);
	snprintf(k4, sizeof k4, "verdict:board:{%s}:jury:rows", r->param);
	freeReplyObject(redisCommand(w->kv, "DEL %s %s %s %s", k1, k2, k3, k4));
	audit(w, &r->user, existed ? "contest.update" : "contest.create", r->param, NULL);
	json_object_put(o);
	struct contest c;
	contest_load(w->db, r->param, &c);
	/* Spectators get the new board whole: times and ranks may all move. */
	json_object *b = board_json(w, &c, 0, 0);
	char topic[120];
	snprintf(topic, sizeof topic, "contest/%s/scoreboard", c.id);
	events_publish(w->kv, topic, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
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

static int load_or_404(struct worker *w, struct req *r, struct contest *c)
{
	if (!problem_id_valid(r->param) || contest_load(w->db, r->param, c)) {
		http_error(r, 404, "not_found", "no contest %s", r->param);
		return -1;
	}
	return 0;
}

/* The ID properties an array endpoint can be filtered on (CLICS
 * "Filtering"): ?team_id=X keeps the objects whose team_id is X, and an
 * empty value (?reply_to_id=) those where it is null. Conditions AND. */
static const char *const clics_id_props[] = {
	"team_id",      "problem_id", "language_id", "submission_id",   "judgement_id", "judgement_type_id",
	"from_team_id", "to_team_id", "reply_to_id", "organization_id", "group_id",
};
#define CLICS_NPROPS (sizeof clics_id_props / sizeof *clics_id_props)

static int clics_match(json_object *o, const char *prop, const char *want)
{
	json_object *v = json_object_object_get(o, prop); /* NULL: absent or null */
	if (!want[0])
		return v == NULL;
	return v && json_object_is_type(v, json_type_string) && !strcmp(json_object_get_string(v), want);
}

/* Replies with a collection as the request asks for it: filtered, or the
 * one object of /<collection>/<id> (404 when it is not there or not
 * visible to this caller). Takes arr. */
static void clics_reply(struct req *r, json_object *arr, const char *what)
{
	if (r->param2[0]) {
		size_t n = json_object_array_length(arr);
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_array_get_idx(arr, i);
			if (clics_match(o, "id", r->param2)) {
				json_object_get(o);
				json_object_put(arr);
				http_reply_json(r, 200, o);
				return;
			}
		}
		json_object_put(arr);
		http_error(r, 404, "not_found", "no such %s", what);
		return;
	}
	char buf[CLICS_NPROPS][128];
	const char *want[CLICS_NPROPS];
	int any = 0;
	for (size_t k = 0; k < CLICS_NPROPS; k++)
		any |= (want[k] = http_query_arg(r, clics_id_props[k], buf[k], sizeof buf[k])) != NULL;
	if (!any) {
		http_reply_json(r, 200, arr);
		return;
	}
	json_object *out = json_object_new_array();
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		int keep = 1;
		for (size_t k = 0; k < CLICS_NPROPS && keep; k++)
			keep = !want[k] || clics_match(o, clics_id_props[k], want[k]);
		if (keep)
			json_object_array_add(out, json_object_get(o));
	}
	json_object_put(arr);
	http_reply_json(r, 200, out);
}

static void do_get(struct worker *w, struct req *r)
{
	struct contest c;
	if (!load_or_404(w, r, &c))
		http_reply_json(r, 200, contest_json(&c));
}

static void do_state(struct worker *w, struct req *r)
{
	struct contest c;
	if (!load_or_404(w, r, &c))
		http_reply_json(r, 200, contest_state_json(&c, util_now_ms()));
}

static json_object *b_problems(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	/* Before the start only the jury sees the problem set. */
	if (!user_admin(u) && (c->start_ms < 0 || util_now_ms() < c->start_ms))
		return json_object_new_array();
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT cp.problem_id, cp.label, p.name, cp.ord, cp.rgb, cp.color, p.time_limit, "
			 "p.memory_limit, (SELECT COUNT(*) FROM testcases t WHERE t.problem_id = p.id) FROM "
			 "contest_problems cp JOIN problems p ON p.id = cp.problem_id WHERE cp.contest_id = %q "
			 "AND (%d OR cp.problem_id = %q) ORDER BY cp.ord",
			 c->id, !only, only ? only : "");
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "label", json_object_new_string(row[1]));
		json_object_object_add(o, "name", json_object_new_string(row[2]));
		json_object_object_add(o, "ordinal", json_object_new_int(atoi(row[3])));
		if (row[4])
			json_object_object_add(o, "rgb", json_object_new_string(row[4]));
		if (row[5])
			json_object_object_add(o, "color", json_object_new_string(row[5]));
		json_object_object_add(o, "time_limit",
				       json_object_new_double(round(strtod(row[6], NULL) * 1000) / 1000));
		json_object_object_add(o, "memory_limit", json_object_new_int(atoi(row[7])));
		json_object_object_add(o, "test_data_count", json_object_new_int(atoi(row[8])));
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

static json_object *b_teams(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)u;
	int e;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT u.username FROM contest_teams t JOIN users u ON u.id = t.user_id WHERE "
				  "t.contest_id = %q AND (%d OR u.username = %q) ORDER BY u.username",
				  c->id, !only, only ? only : "");
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "name", json_object_new_string(row[0]));
		json_object_object_add(o, "label", json_object_new_string(row[0]));
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

static void do_register(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
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
	if (load_or_404(w, r, &c))
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
	http_reply_json(r, 200, board_json(w, &c, is_admin(r), limit));
}

static void do_rebuild(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
		return;
	board_rebuild(w, &c);
	audit(w, &r->user, "contest.rebuild", c.id, NULL);
	http_reply_json(r, 200, board_json(w, &c, 1, 0));
}

/* After the end: the public board is frozen until an admin thaws it; then
 * the contest is finalized and its standings kept for good. */
static void do_thaw(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
		return;
	if (c.start_ms < 0 || util_now_ms() < c.start_ms + c.duration_ms) {
		http_error(r, 409, "not_ended", "a contest is thawed after its end");
		return;
	}
	int e;
	mysql_free_result(
		db_query(w->db, &e, "UPDATE contests SET thawed_at = COALESCE(thawed_at, NOW(3)) WHERE id = %q", c.id));
	contest_load(w->db, c.id, &c);
	board_rebuild(w, &c);
	audit(w, &r->user, "contest.thaw", c.id, NULL);
	/* The public feeds now see the judgements the freeze hid. */
	if (contest_freeze_at(&c) >= 0)
		contest_event_submissions_since(w, c.id, contest_freeze_at(&c));
	contest_event(w, c.id, "state", NULL);
	json_object *b = board_json(w, &c, 0, 0);
	char topic[120];
	snprintf(topic, sizeof topic, "contest/%s/scoreboard", c.id);
	events_publish(w->kv, topic, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
	json_object_put(b);
	http_reply_json(r, 200, contest_state_json(&c, util_now_ms()));
}

static void do_finalize(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
		return;
	if (c.start_ms < 0 || util_now_ms() < c.start_ms + c.duration_ms || (c.freeze_ms >= 0 && c.thawed_ms < 0)) {
		http_error(r, 409, "not_ready", "a contest is finalized after its end, and after its thaw if it froze");
		return;
	}
	int e;
	board_rebuild(w, &c);
	mysql_free_result(db_query(
		w->db, &e, "UPDATE contests SET finalized_at = COALESCE(finalized_at, NOW(3)) WHERE id = %q", c.id));
	contest_load(w->db, c.id, &c);
	json_object *b = board_json(w, &c, 0, 0);
	mysql_free_result(db_query(w->db, &e,
				   "INSERT INTO contest_final_scoreboards (contest_id, scoreboard) VALUES (%q, %q) ON "
				   "DUPLICATE KEY UPDATE scoreboard = VALUES(scoreboard)",
				   c.id, json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN)));
	json_object_put(b);
	audit(w, &r->user, "contest.finalize", c.id, NULL);
	contest_event(w, c.id, "state", NULL); /* end_of_updates: the feeds' last line */
	http_reply_json(r, 200, contest_state_json(&c, util_now_ms()));
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

/*** More of the CLICS Contest API ***/

static void do_api_info(struct worker *w, struct req *r)
{
	(void)w;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_string("2026-01"));
	json_object_object_add(o, "version_url",
			       json_object_new_string("https://ccs-specs.icpc.io/2026-01/contest_api"));
	json_object *p = json_object_new_object();
	json_object_object_add(p, "name", json_object_new_string("Verdict"));
	json_object_object_add(p, "version", json_object_new_string("0.1"));
	json_object_object_add(o, "provider", p);
	http_reply_json(r, 200, o);
}

static json_object *strings(const char *const *v)
{
	json_object *a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static void do_access(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
		return;
	static const char *const contest_p[] = {"id",
						"name",
						"formal_name",
						"start_time",
						"duration",
						"scoreboard_freeze_duration",
						"scoreboard_type",
						"penalty_time",
						NULL};
	static const char *const problem_p[] = {"id",    "label",      "name",         "ordinal",         "rgb",
						"color", "time_limit", "memory_limit", "test_data_count", NULL};
	static const char *const team_p[] = {"id", "name", "label", NULL};
	static const char *const state_p[] = {"started",   "frozen",         "ended", "thawed",
					      "finalized", "end_of_updates", NULL};
	static const char *const jt_p[] = {"id", "name", "penalty", "solved", NULL};
	static const char *const lang_p[] = {"id", "name", "entry_point_required", "extensions", NULL};
	static const char *const sub_p[] = {"id",   "language_id",  "problem_id", "team_id",
					    "time", "contest_time", "files",      NULL};
	static const char *const score_p[] = {"time", "contest_time", "state", "rows", NULL};
	static const char *const run_p[] = {"id",   "judgement_id", "ordinal",  "judgement_type_id",
					    "time", "contest_time", "run_time", NULL};
	static const char *const clar_p[] = {"id",   "from_team_id", "to_team_id",   "reply_to_id", "problem_id",
					     "text", "time",         "contest_time", NULL};
	static const char *const jud_p[] = {
		"id",       "submission_id",    "judgement_type_id", "start_time", "start_contest_time",
		"end_time", "end_contest_time", "max_run_time",      NULL};
	static const struct {
		const char *type;
		const char *const *props;
	} eps[] = {{"contest", contest_p},    {"problems", problem_p}, {"teams", team_p},         {"state", state_p},
		   {"judgement-types", jt_p}, {"languages", lang_p},   {"submissions", sub_p},    {"judgements", jud_p},
		   {"scoreboard", score_p},   {"runs", run_p},         {"clarifications", clar_p}};
	json_object *o = json_object_new_object();
	json_object *caps = json_object_new_array();
	if (r->user.id && strcmp(r->user.role, "admin"))
		json_object_array_add(caps, json_object_new_string("team_submit"));
	if (is_admin(r))
		json_object_array_add(caps, json_object_new_string("contest_thaw"));
	json_object_object_add(o, "capabilities", caps);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "type", json_object_new_string(eps[i].type));
		json_object_object_add(e, "properties", strings(eps[i].props));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "endpoints", arr);
	http_reply_json(r, 200, o);
}

/* Verdict's verdicts are the CLICS judgement types, one for one. */
static const struct {
	const char *id, *name;
	int penalty, solved;
} judgement_types[] = {
	{"AC", "correct", 0, 1},         {"WA", "wrong answer", 1, 0},           {"TLE", "time limit exceeded", 1, 0},
	{"RTE", "run-time error", 1, 0}, {"MLE", "memory limit exceeded", 1, 0}, {"OLE", "output limit exceeded", 1, 0},
	{"CE", "compiler error", 0, 0},  {"JE", "judging error", 0, 0},
};

static json_object *b_judgement_types(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)w, (void)c, (void)u;
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof judgement_types / sizeof judgement_types[0]; i++) {
		if (only && strcmp(only, judgement_types[i].id))
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(judgement_types[i].id));
		json_object_object_add(o, "name", json_object_new_string(judgement_types[i].name));
		json_object_object_add(o, "penalty", json_object_new_boolean(judgement_types[i].penalty));
		json_object_object_add(o, "solved", json_object_new_boolean(judgement_types[i].solved));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *b_languages(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)c, (void)u;
	static const struct {
		const char *id, *ext;
	} exts[] = {{"c", "c"},   {"cpp", "cpp"}, {"python3", "py"}, {"java", "java"}, {"javascript", "js"},
		    {"go", "go"}, {"rust", "rs"}, {"kotlin", "kt"},  {"pascal", "pas"}};
	redisReply *rep = redisCommand(w->kv, "HGETALL verdict:langs");
	json_object *arr = json_object_new_array();
	for (size_t i = 0; rep && rep->type == REDIS_REPLY_ARRAY && i + 1 < rep->elements; i += 2) {
		json_object *l = json_tokener_parse(rep->element[i + 1]->str);
		if (!l)
			continue;
		const char *id = util_json_str(l, "id");
		if (!id || (only && strcmp(only, id))) {
			json_object_put(l);
			continue;
		}
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(id));
		json_object_object_add(o, "name", json_object_new_string(util_json_str(l, "name")));
		json_object_object_add(o, "entry_point_required", json_object_new_boolean(0));
		json_object *e = json_object_new_array();
		for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
			if (!strcmp(exts[k].id, id))
				json_object_array_add(e, json_object_new_string(exts[k].ext));
		json_object_object_add(o, "extensions", e);
		json_object_array_add(arr, o);
		json_object_put(l);
	}
	freeReplyObject(rep);
	return arr;
}

/* Groups and organizations: Verdict has none. */
static json_object *b_none(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)w, (void)c, (void)u, (void)only;
	return json_object_new_array();
}

/* Submissions and judgements as each role may see them: the jury all, a
 * team its own, the public those before the freeze (all after a thaw);
 * nobody's code but through the jury. */
static MYSQL_RES *visible_submissions(struct worker *w, const struct user *u, const struct contest *c, const char *only)
{
	int e;
	int admin = user_admin(u);
	int64_t uid = u ? u->id : 0;
	long long f = contest_freeze_at(c);
	char limit[160] = "";
	if (!admin && !uid && f >= 0 && c->thawed_ms < 0)
		snprintf(limit, sizeof limit, " AND s.created_at < FROM_UNIXTIME(%lld.%03lld)", f / 1000, f % 1000);
	char who[64] = "";
	if (!admin && uid)
		snprintf(who, sizeof who, " AND s.user_id = %lld", (long long)uid);
	return db_query(
		w->db, &e,
		"SELECT s.id, s.language, s.problem_id, u.username, FLOOR(UNIX_TIMESTAMP(s.created_at) * 1000), "
		"s.status, s.verdict, FLOOR(UNIX_TIMESTAMP(COALESCE(s.started_at, s.created_at)) * 1000), "
		"FLOOR(UNIX_TIMESTAMP(s.finished_at) * 1000), s.time_ms, s.score FROM submissions s JOIN users u ON "
		"u.id = s.user_id WHERE s.contest_id = %q AND (%d OR s.id = %q)%s%s ORDER BY s.created_at, s.id",
		c->id, !only, only ? only : "", limit, who);
}

static json_object *b_submissions(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	MYSQL_RES *res = visible_submissions(w, u, c, only);
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	char buf[64];
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		long long at = atoll(row[4]);
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "language_id", json_object_new_string(row[1]));
		json_object_object_add(o, "problem_id", json_object_new_string(row[2]));
		json_object_object_add(o, "team_id", json_object_new_string(row[3]));
		abstime(buf, sizeof buf, at);
		json_object_object_add(o, "time", json_object_new_string(buf));
		reltime(buf, sizeof buf, at - c->start_ms);
		json_object_object_add(o, "contest_time", json_object_new_string(buf));
		json_object_object_add(o, "files", json_object_new_array());
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

/* Whether a row of visible_submissions shows its verdict to this caller:
 * judged, and not hidden by the freeze. A team's own judgements after the
 * freeze stay visible to it; the public sees them after the thaw. */
static int judgement_shown(const struct user *u, const struct contest *c, MYSQL_ROW row)
{
	long long f = contest_freeze_at(c);
	return !strcmp(row[5], "done") && row[6] &&
	       (user_admin(u) || (u && u->id) || f < 0 || atoll(row[4]) < f || c->thawed_ms >= 0);
}

static json_object *b_judgements(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	MYSQL_RES *res = visible_submissions(w, u, c, only);
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	char buf[64];
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		long long start = atoll(row[7]);
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "submission_id", json_object_new_string(row[0]));
		abstime(buf, sizeof buf, start);
		json_object_object_add(o, "start_time", json_object_new_string(buf));
		reltime(buf, sizeof buf, start - c->start_ms);
		json_object_object_add(o, "start_contest_time", json_object_new_string(buf));
		if (judgement_shown(u, c, row)) {
			long long end = row[8] ? atoll(row[8]) : start;
			json_object_object_add(o, "judgement_type_id", json_object_new_string(row[6]));
			abstime(buf, sizeof buf, end);
			json_object_object_add(o, "end_time", json_object_new_string(buf));
			reltime(buf, sizeof buf, end - c->start_ms);
			json_object_object_add(o, "end_contest_time", json_object_new_string(buf));
			if (row[9])
				json_object_object_add(o, "max_run_time",
						       json_object_new_double(atoll(row[9]) / 1000.0));
		} else {
			json_object_object_add(o, "judgement_type_id", NULL);
		}
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

/* The runs of the judgements this caller may see (one per test judged, in
 * test order); a judgement still hidden by the freeze has none yet. Tests
 * carry no time of their own: a run completed with its judgement. */
static json_object *b_runs(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	/* Every test result of the contest (or of one judgement) in one
	 * query, then the ones of the judgements this caller may see, in
	 * their order. */
	int e;
	MYSQL_RES *tr = db_query(w->db, &e,
				 "SELECT st.submission_id, st.ord, st.verdict, st.time_ms FROM submission_tests st "
				 "JOIN submissions s ON s.id = st.submission_id WHERE s.contest_id = %q "
				 "AND (%d OR s.id = %q) ORDER BY st.submission_id, st.ord",
				 c->id, !only, only ? only : "");
	json_object *tests = json_object_new_object(); /* submission id -> [[ord, verdict, ms]...] */
	MYSQL_ROW t;
	while (tr && (t = mysql_fetch_row(tr))) {
		json_object *list;
		if (!json_object_object_get_ex(tests, t[0], &list)) {
			list = json_object_new_array();
			json_object_object_add(tests, t[0], list);
		}
		json_object *one = json_object_new_array();
		json_object_array_add(one, json_object_new_int(atoi(t[1])));
		json_object_array_add(one, json_object_new_string(t[2]));
		json_object_array_add(one, json_object_new_int(atoi(t[3])));
		json_object_array_add(list, one);
	}
	mysql_free_result(tr);
	MYSQL_RES *res = visible_submissions(w, u, c, only);
	json_object *arr = json_object_new_array(), *list;
	MYSQL_ROW row;
	char buf[64];
	while (res && (row = mysql_fetch_row(res))) {
		if (!judgement_shown(u, c, row) || !json_object_object_get_ex(tests, row[0], &list))
			continue;
		long long end = row[8] ? atoll(row[8]) : atoll(row[7]);
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			json_object *one = json_object_array_get_idx(list, i), *o = json_object_new_object();
			int ord = json_object_get_int(json_object_array_get_idx(one, 0)) + 1;
			snprintf(buf, sizeof buf, "%s-%d", row[0], ord);
			json_object_object_add(o, "id", json_object_new_string(buf));
			json_object_object_add(o, "judgement_id", json_object_new_string(row[0]));
			json_object_object_add(o, "ordinal", json_object_new_int(ord));
			json_object_object_add(o, "judgement_type_id",
					       json_object_get(json_object_array_get_idx(one, 1)));
			abstime(buf, sizeof buf, end);
			json_object_object_add(o, "time", json_object_new_string(buf));
			reltime(buf, sizeof buf, end - c->start_ms);
			json_object_object_add(o, "contest_time", json_object_new_string(buf));
			json_object_object_add(
				o, "run_time",
				json_object_new_double(json_object_get_int(json_object_array_get_idx(one, 2)) /
						       1000.0));
			json_object_array_add(arr, o);
		}
	}
	mysql_free_result(res);
	json_object_put(tests);
	return arr;
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
	abstime(buf, sizeof buf, at);
	json_object_object_add(o, "time", json_object_new_string(buf));
	reltime(buf, sizeof buf, c->start_ms >= 0 ? at - c->start_ms : 0);
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

static json_object *b_clarifications(struct worker *w, const struct contest *c, const struct user *u, const char *only)
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

/*** The CLICS collections ***/

static const struct {
	const char *type, *what;
	json_object *(*build)(struct worker *w, const struct contest *c, const struct user *u, const char *only);
} clics_kinds[] = {
	{"judgement-types", "judgement type", b_judgement_types},
	{"languages", "language", b_languages},
	{"problems", "problem", b_problems},
	{"groups", "group", b_none},
	{"organizations", "organization", b_none},
	{"teams", "team", b_teams},
	{"submissions", "submission", b_submissions},
	{"judgements", "judgement", b_judgements},
	{"runs", "run", b_runs},
	{"clarifications", "clarification", b_clarifications},
};
#define CLICS_NKINDS (sizeof clics_kinds / sizeof clics_kinds[0])

const char *const clics_collections[] = {
	"judgement-types", "languages", "problems",       "groups", "organizations", "teams", "submissions",
	"judgements",      "runs",      "clarifications", NULL};

json_object *clics_collection(struct worker *w, const struct contest *c, const struct user *u, const char *type,
			      const char *only)
{
	for (size_t i = 0; i < CLICS_NKINDS; i++)
		if (!strcmp(clics_kinds[i].type, type))
			return clics_kinds[i].build(w, c, u, only);
	return NULL;
}

/* GET /api/contests/<id>/<collection>[/<id>] */
static void do_collection(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
		return;
	const char *t = r->path + strlen("/api/contests/");
	t = strchr(t, '/');
	char type[32] = "";
	if (t)
		snprintf(type, sizeof type, "%.*s", (int)strcspn(t + 1, "/"), t + 1);
	size_t k = 0;
	while (k < CLICS_NKINDS && strcmp(clics_kinds[k].type, type))
		k++;
	if (k == CLICS_NKINDS) {
		http_error(r, 404, "not_found", "no such collection");
		return;
	}
	/* One object: only its own rows are read (a run's are its
	 * judgement's: "<judgement>-<ordinal>"). */
	char only[128];
	snprintf(only, sizeof only, "%s", r->param2);
	if (!strcmp(type, "runs") && strrchr(only, '-'))
		*strrchr(only, '-') = 0;
	clics_reply(r, clics_kinds[k].build(w, &c, &r->user, only[0] ? only : NULL), clics_kinds[k].what);
}

static void do_clar_post(struct worker *w, struct req *r)
{
	struct contest c;
	if (load_or_404(w, r, &c))
		return;
	json_object *o = req_json(r);
	if (!o)
		return;
	const char *text = util_json_str(o, "text"), *pid = util_json_str(o, "problem_id");
	const char *to = util_json_str(o, "to_team_id"), *reply = util_json_str(o, "reply_to_id");
	int admin = is_admin(r), e;
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

void api_contests_register(void)
{
	route_add_work(HM_POST, "/api/contests/:id/submissions", AUTH_USER, do_team_submit);
	route_add_work(HM_GET, "/api/contests/:id/clarifications", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_POST, "/api/contests/:id/clarifications", AUTH_USER, do_clar_post);
	route_add_work(HM_GET, "/api", AUTH_NONE, do_api_info);
	route_add_work(HM_GET, "/api/", AUTH_NONE, do_api_info);
	route_add_work(HM_GET, "/api/contests/:id/access", AUTH_OPTIONAL, do_access);
	route_add_work(HM_GET, "/api/contests/:id/judgement-types", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/languages", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/groups", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/organizations", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/submissions", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/judgements", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/runs", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/judgement-types/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/languages/:id", AUTH_OPTIONAL, do_collection);
	/* One object of a collection: the same visibility, by id. */
	route_add_work(HM_GET, "/api/contests/:id/problems/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/teams/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/groups/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/organizations/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/submissions/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/judgements/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/runs/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/clarifications/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests", AUTH_OPTIONAL, do_list);
	route_add_work(HM_PUT, "/api/contests/:id", AUTH_ADMIN, do_put);
	route_add_work(HM_GET, "/api/contests/:id", AUTH_OPTIONAL, do_get);
	route_add_work(HM_GET, "/api/contests/:id/state", AUTH_OPTIONAL, do_state);
	route_add_work(HM_GET, "/api/contests/:id/problems", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/teams", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_POST, "/api/contests/:id/register", AUTH_USER, do_register);
	route_add_work(HM_GET, "/api/contests/:id/scoreboard", AUTH_OPTIONAL, do_scoreboard);
	route_add_work(HM_POST, "/api/contests/:id/scoreboard/rebuild", AUTH_ADMIN, do_rebuild);
	route_add_work(HM_POST, "/api/contests/:id/thaw", AUTH_ADMIN, do_thaw);
	route_add_work(HM_POST, "/api/contests/:id/finalize", AUTH_ADMIN, do_finalize);
}
