/* Contest scoreboards (ICPC and score-based), following the CLICS
 * scoreboard object.
 *
 * The truth is MySQL; each contest's board is kept in Redis as one sorted
 * set per view (public, jury) with one exact score per team
 * (solved*1e12 - penalty*1e6 - last accepted minute: exact in a double), so
 * a team's rank is 1 + the number of strictly greater scores and the top N
 * is O(log n + N). The rows' details sit in a hash beside it. Missing sets
 * are rebuilt from MySQL. The only writer of the board keys; updated by
 * the recorder as verdicts land, flushed to spectators by its thread. */
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
	long long hide_from =
		jury ? -1
		: (contest_frozen_now(c, util_now_ms()) || (contest_freeze_at(c) >= 0 && c->thawed_ms < 0))
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
		clics_reltime(buf, sizeof buf, r->penalty_min * 60000);
		json_object_object_add(s, "total_time", json_object_new_string(buf));
		if (r->solved)
			json_object_object_add(
				s, "time",
				json_object_new_string((clics_reltime(buf, sizeof buf, r->last_ac_min * 60000), buf)));
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
			clics_reltime(buf, sizeof buf, cl->time_ms);
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
	kv_board_key(zkey, sizeof zkey, c->id, view, KV_BOARD_SET);
	kv_board_key(hkey, sizeof hkey, c->id, view, KV_BOARD_ROWS);
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

void contest_board_rebuild(struct worker *w, const struct contest *c)
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
json_object *contest_board_json(struct worker *w, const struct contest *c, int jury, int limit)
{
	char zkey[160], hkey[160];
	const char *view = jury ? "jury" : "public";
	kv_board_key(zkey, sizeof zkey, c->id, view, KV_BOARD_SET);
	kv_board_key(hkey, sizeof hkey, c->id, view, KV_BOARD_ROWS);
	redisReply *ex = redisCommand(w->kv, "EXISTS %s", hkey);
	int built = ex && ex->type == REDIS_REPLY_INTEGER && ex->integer == 1;
	freeReplyObject(ex);
	if (!built)
		contest_board_rebuild(w, c);
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
	clics_abstime(buf, sizeof buf, now);
	json_object_object_add(o, "time", json_object_new_string(buf));
	clics_reltime(buf, sizeof buf, c->start_ms >= 0 ? now - c->start_ms : 0);
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
		kv_board_key(zkey, sizeof zkey, cid, "public", KV_BOARD_SET);
		kv_board_key(hkey, sizeof hkey, cid, "public", KV_BOARD_ROWS);
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
		events_publish_json(w->kv, topic, d);
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
		kv_board_key(hkey, sizeof hkey, cid, jury ? "jury" : "public", KV_BOARD_ROWS);
		redisReply *ex = redisCommand(w->kv, "EXISTS %s", hkey);
		int built = ex && ex->type == REDIS_REPLY_INTEGER && ex->integer == 1;
		freeReplyObject(ex);
		/* A board gone (a contest edit) comes back whole; the team's
		 * rows are pushed all the same. */
		if (!built)
			contest_board_rebuild(w, &c);
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
	return contest_board_json(w, &c, jury, 0);
}
