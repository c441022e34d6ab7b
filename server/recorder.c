/* The recorder: takes judges' results off the results stream (a consumer
 * group shared by every server replica), writes each to MySQL once, and
 * publishes it to the run's topic. Also the sweeper, which queues again any
 * run left queued with no job (a crash between INSERT and XADD, or a Redis
 * that lost its data). Runs on its own thread with its own connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"
#include "log.h"
#include "contest.h"
#include "server.h"
#include "util.h"

static pthread_t rec_thread;
static atomic_int rec_stop;
static char rec_name[128];

static const char *field(const redisReply *fields, const char *name, size_t *len)
{
	const redisReply *v = kv_field(fields, name);
	if (!v || v->type != REDIS_REPLY_STRING) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = v->len;
	return v->str;
}

static void publish_run(struct worker *w, const char *id)
{
	json_object *o = runs_get(w, id);
	if (!o)
		return;
	char topic[64];
	snprintf(topic, sizeof topic, "run/%s", id);
	events_publish(w->kv, topic, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void publish_submission(struct worker *w, const char *id)
{
	json_object *o = submission_get(w, id, 0, 0, NULL);
	if (!o)
		return;
	char topic[64];
	snprintf(topic, sizeof topic, "submission/%s", id);
	events_publish(w->kv, topic, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static int record_submission(struct worker *w, const char *id, const char *kind, const char *judge,
			     const redisReply *fields)
{
	int err;
	if (!strcmp(kind, "started")) {
		mysql_free_result(db_query(w->db, &err,
					   "UPDATE submissions SET status = 'judging', started_at = NOW(3), judge = %q "
					   "WHERE id = %q AND status = 'queued'",
					   judge, id));
		if (err)
			return -1;
		if (mysql_affected_rows(w->db) == 1)
			publish_submission(w, id);
		return 0;
	}
	size_t lc;
	const char *verdict = field(fields, "verdict", NULL), *message = field(fields, "message", NULL);
	const char *comp = field(fields, "compile_output", &lc), *tests = field(fields, "tests", NULL);
	const char *score = field(fields, "score", NULL), *max = field(fields, "max_score", NULL);
	const char *tm = field(fields, "time_ms", NULL), *mem = field(fields, "memory_kb", NULL);
	char msg[512];
	snprintf(msg, sizeof msg, "%s", message ? message : "");
	if (db_exec(w->db, "START TRANSACTION"))
		return -1;
	mysql_free_result(
		db_query(w->db, &err,
			 "UPDATE submissions SET status = 'done', verdict = %q, message = %q, compile_output = %Q, "
			 "score = %s, max_score = %s, time_ms = %d, memory_kb = %d, judge = %q, finished_at = NOW(3) "
			 "WHERE id = %q AND status <> 'done'",
			 verdict ? verdict : "JE", msg, comp ? comp : "", lc, score && *score ? score : "NULL",
			 max && *max ? max : "NULL", tm ? atoi(tm) : 0, mem ? atoi(mem) : 0, judge, id));
	if (err)
		goto fail;
	int fresh = mysql_affected_rows(w->db) == 1;
	json_object *arr = fresh && tests ? json_tokener_parse(tests) : NULL;
	if (fresh)
		mysql_free_result(db_query(w->db, &err, "DELETE FROM submission_tests WHERE submission_id = %q", id));
	for (size_t i = 0; !err && arr && i < json_object_array_length(arr); i++) {
		json_object *t = json_object_array_get_idx(arr, i), *v;
		const char *sc = json_object_object_get_ex(t, "score", &v) && !json_object_is_type(v, json_type_null)
					 ? json_object_get_string(v)
					 : "NULL";
		int64_t tms = 0, mkb = 0;
		util_json_int(t, "time_ms", &tms);
		util_json_int(t, "memory_kb", &mkb);
		mysql_free_result(db_query(
			w->db, &err,
			"INSERT INTO submission_tests (submission_id, ord, name, group_name, verdict, time_ms, "
			"memory_kb, score, judge_message) VALUES (%q, %d, %q, %q, %q, %L, %L, %s, %q)",
			id, (int)i, util_json_str(t, "name") ? util_json_str(t, "name") : "",
			util_json_str(t, "group") ? util_json_str(t, "group") : "",
			util_json_str(t, "verdict") ? util_json_str(t, "verdict") : "JE", tms, mkb, sc,
			util_json_str(t, "judge_message")));
	}
	json_object_put(arr);
	if (err || db_exec(w->db, "COMMIT"))
		goto fail;
	if (fresh) {
		atomic_fetch_add(&metric_results_recorded, 1);
		publish_submission(w, id);
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
	db_exec(w->db, "ROLLBACK");
	return -1;
}

/* 0 when the entry is handled (recorded now, or before: a replay changes
 * nothing), -1 when MySQL failed and the entry must be tried again. */
static int record(struct worker *w, const redisReply *fields)
{
	const char *id = field(fields, "id", NULL), *kind = field(fields, "kind", NULL);
	const char *judge = field(fields, "judge", NULL), *job = field(fields, "job", NULL);
	if (!id || !kind || !util_id_valid(id, 16)) {
		log_warn("malformed result dropped", NULL);
		return 0;
	}
	if (job && !strcmp(job, "submission"))
		return record_submission(w, id, kind, judge, fields);
	int err;
	if (!strcmp(kind, "started")) {
		mysql_free_result(db_query(w->db, &err,
					   "UPDATE runs SET status = 'running', started_at = NOW(3), judge = %q "
					   "WHERE id = %q AND status = 'queued'",
					   judge, id));
		if (err)
			return -1;
		if (mysql_affected_rows(w->db) == 1)
			publish_run(w, id);
		return 0;
	}
	size_t lo, le, lc;
	const char *out = field(fields, "stdout", &lo), *errs = field(fields, "stderr", &le);
	const char *comp = field(fields, "compile_output", &lc);
	const char *verdict = field(fields, "verdict", NULL), *message = field(fields, "message", NULL);
	const char *ot = field(fields, "stdout_truncated", NULL), *et = field(fields, "stderr_truncated", NULL);
	const char *ec = field(fields, "exit_code", NULL), *tm = field(fields, "time_ms", NULL);
	const char *mem = field(fields, "memory_kb", NULL);
	char msg[512];
	snprintf(msg, sizeof msg, "%s", message ? message : "");
	mysql_free_result(db_query(
		w->db, &err,
		"UPDATE runs SET status = 'done', verdict = %q, message = %q, stdout = %Q, stderr = %Q, "
		"compile_output = %Q, stdout_truncated = %d, stderr_truncated = %d, exit_code = %s, time_ms = %d, "
		"memory_kb = %d, judge = %q, finished_at = NOW(3) WHERE id = %q AND status <> 'done'",
		verdict ? verdict : "JE", msg, out ? out : "", lo, errs ? errs : "", le, comp ? comp : "", lc,
		ot ? atoi(ot) : 0, et ? atoi(et) : 0, ec && *ec ? ec : "NULL", tm ? atoi(tm) : 0, mem ? atoi(mem) : 0,
		judge, id));
	if (err)
		return -1;
	if (mysql_affected_rows(w->db) == 1) {
		atomic_fetch_add(&metric_results_recorded, 1);
		publish_run(w, id);
	}
	return 0;
}

/* Handles an XREADGROUP/XAUTOCLAIM entry list. -1 when MySQL failed. */
static int handle_entries(struct worker *w, const redisReply *entries)
{
	for (size_t i = 0; entries && i < entries->elements; i++) {
		const redisReply *e = entries->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2)
			continue;
		const char *eid = e->element[0]->str;
		if (e->element[1]->type == REDIS_REPLY_ARRAY && record(w, e->element[1]))
			return -1;
		freeReplyObject(redisCommand(w->kv, "XACK %s %s %s", KV_RESULTS, KV_RESULTS_GROUP, eid));
		freeReplyObject(redisCommand(w->kv, "XDEL %s %s", KV_RESULTS, eid));
	}
	return 0;
}

static void sweep(struct worker *w)
{
	redisReply *lock = redisCommand(w->kv, "SET verdict:sweeplock %s NX PX %d", rec_name, cfg.sweep_after_s * 500);
	int mine = lock && lock->type == REDIS_REPLY_STATUS;
	freeReplyObject(lock);
	if (!mine)
		return;
	int err;
	MYSQL_RES *res = db_query(w->db, &err,
				  "SELECT id, language, code, input, attempt FROM runs WHERE status IN "
				  "('queued','running') AND queued_at < NOW(3) - INTERVAL %d SECOND LIMIT 200",
				  cfg.sweep_after_s);
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		unsigned long *lens = mysql_fetch_lengths(res);
		redisReply *r = redisCommand(w->kv, "HEXISTS %s %s", KV_JOBIDX, row[0]);
		int has_job = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		freeReplyObject(r);
		if (has_job)
			continue;
		int attempt = atoi(row[4]) + 1;
		int e2;
		mysql_free_result(db_query(w->db, &e2,
					   "UPDATE runs SET attempt = %d, queued_at = NOW(3), status = 'queued' "
					   "WHERE id = %q AND status <> 'done'",
					   attempt, row[0]));
		if (!e2 && mysql_affected_rows(w->db) == 1 &&
		    !runs_enqueue(w->kv, row[0], attempt, row[1], row[2], lens[2], row[3], lens[3]))
			log_info("run queued again", "id", row[0], NULL);
	}
	mysql_free_result(res);
	res = db_query(
		w->db, &err,
		"SELECT id, attempt FROM submissions WHERE status IN ('queued','judging') AND queued_at < NOW(3) - "
		"INTERVAL %d SECOND LIMIT 200",
		cfg.sweep_after_s);
	while (res && (row = mysql_fetch_row(res))) {
		redisReply *r = redisCommand(w->kv, "HEXISTS %s %s", KV_JOBIDX, row[0]);
		int has_job = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		freeReplyObject(r);
		if (has_job)
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

static void *recorder_main(void *arg)
{
	(void)arg;
	struct worker w = {.id = -1};
	mysql_thread_init();
	int64_t last_claim = 0, last_sweep = util_mono_ms();
	int read_own_pending = 1;
	while (!atomic_load(&rec_stop)) {
		if (worker_ready(&w) || kv_ensure_group(w.kv, KV_RESULTS, KV_RESULTS_GROUP)) {
			sleep(1);
			continue;
		}
		int64_t now = util_mono_ms();
		if (now - last_claim > 5000) {
			/* Results taken by a replica that died before recording them. */
			redisReply *r = redisCommand(w.kv, "XAUTOCLAIM %s %s %s 30000 0-0 COUNT 100", KV_RESULTS,
						     KV_RESULTS_GROUP, rec_name);
			if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
				handle_entries(&w, r->element[1]);
			freeReplyObject(r);
			last_claim = now;
		}
		if (now - last_sweep > cfg.sweep_after_s * 1000 / 3) {
			sweep(&w);
			last_sweep = now;
		}
		/* Scoreboard changes go out coalesced, at most every 250 ms; while
		 * some wait, the read below blocks no longer than that. */
		contest_board_flush(&w, 250);
		int block = contest_board_pending() ? 100 : 1000;
		/* After a MySQL failure, our own unacknowledged entries first. */
		redisReply *r =
			redisCommand(w.kv, "XREADGROUP GROUP %s %s COUNT 64 BLOCK %d STREAMS %s %s", KV_RESULTS_GROUP,
				     rec_name, block, KV_RESULTS, read_own_pending ? "0" : ">");
		if (!r) {
			continue; /* the connection broke: worker_ready reconnects */
		}
		read_own_pending = 0;
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
			const redisReply *stream = r->element[0];
			if (stream->type == REDIS_REPLY_ARRAY && stream->elements == 2 &&
			    handle_entries(&w, stream->element[1])) {
				read_own_pending = 1;
				sleep(1);
			}
		}
		freeReplyObject(r);
	}
	if (w.db)
		mysql_close(w.db);
	if (w.kv)
		redisFree(w.kv);
	mysql_thread_end();
	return NULL;
}

int recorder_start(char *err, size_t errlen)
{
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	snprintf(rec_name, sizeof rec_name, "server-%s-%d", host, getpid());
	if (pthread_create(&rec_thread, NULL, recorder_main, NULL)) {
		snprintf(err, errlen, "cannot start the recorder thread");
		return -1;
	}
	return 0;
}

void recorder_stop(void)
{
	atomic_store(&rec_stop, 1);
	pthread_join(rec_thread, NULL);
}
