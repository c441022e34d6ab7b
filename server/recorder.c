/* The recorder: takes judges' results off the results stream (a consumer
 * group shared by every server replica), writes each to MySQL once, and
 * publishes it to the run's topic. Also the sweeper, which queues again any
 * run left queued with no job (a crash between INSERT and XADD, or a Redis
 * that lost its data). Runs on its own thread with its own connections. */
#include <math.h>
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

/*** What a judge sent, made safe for MySQL ***
 *
 * A result carries what a contestant's program and a package's validator
 * wrote: any byte, any length, any number. Every text field goes in as valid
 * UTF-8 cut to its column, every number is parsed (a score that is not a
 * finite number makes the result JE), a verdict is letters or JE. A result
 * MySQL still refuses for good is recorded as JE with MySQL's reason and
 * acknowledged: one entry never stops the stream for everyone after it. */

struct text {
	char *s;
	size_t len;
};

static struct text text_of(const char *s, size_t len, size_t max)
{
	struct text t = {0};
	t.s = utf8_sanitize_max(s ? s : "", s ? len : 0, max, &t.len);
	if (!t.s)
		t.s = strdup(""), t.len = 0;
	return t;
}

/* The column limits (bytes; a character is at least one). */
enum { MESSAGE_MAX = 512, JUDGE_MAX = 128, TEST_NAME_MAX = 500, JUDGE_MESSAGE_MAX = 60000 };
/* Bytes kept of a program's output and of compiler output: escaped, one
 * statement stays well inside MariaDB's 16 MiB max_allowed_packet (a
 * statement beyond it drops the connection, which would look transient and
 * be tried again for ever). The judge keeps much less (64 KiB). */
enum { OUTPUT_MAX = 2 << 20, COMPILE_MAX = 1 << 20 };

/* The last resort for a result MySQL refused for good: JE with its reason.
 * 0 when recorded (or the row was done already), -1 to try again later. */
static int record_refused(struct worker *w, const char *table, const char *id, const char *why)
{
	char msg[MESSAGE_MAX];
	snprintf(msg, sizeof msg, "judge error: the result could not be stored (%s)", why);
	struct text t = text_of(msg, strlen(msg), MESSAGE_MAX);
	int err;
	atomic_fetch_add(&metric_results_rejected, 1);
	log_error("result refused by MySQL, recorded as JE", "id", id, "error", why, NULL);
	if (!strcmp(table, "submissions")) {
		if (db_exec(w->db, "START TRANSACTION"))
			return -1;
		mysql_free_result(db_query(w->db, &err,
					   "UPDATE submissions SET status = 'done', verdict = 'JE', message = %q, "
					   "finished_at = NOW(3) WHERE id = %q AND status <> 'done'",
					   t.s, id));
		int fresh = !err && mysql_affected_rows(w->db) == 1;
		if (!err)
			mysql_free_result(
				db_query(w->db, &err, "DELETE FROM submission_tests WHERE submission_id = %q", id));
		if (err || db_exec(w->db, "COMMIT")) {
			int again = db_error_transient(w->db);
			db_exec(w->db, "ROLLBACK");
			free(t.s);
			return again ? -1 : 0;
		}
		free(t.s);
		if (fresh)
			publish_submission(w, id);
		return 0;
	}
	mysql_free_result(
		db_query(w->db, &err,
			 "UPDATE runs SET status = 'done', verdict = 'JE', message = %q, finished_at = NOW(3) "
			 "WHERE id = %q AND status <> 'done'",
			 t.s, id));
	free(t.s);
	if (err)
		return db_error_transient(w->db) ? -1 : 0;
	if (mysql_affected_rows(w->db) == 1)
		publish_run(w, id);
	return 0;
}

/* After a failed statement (in a transaction: rolled back here, after its
 * reason is read, which ROLLBACK clears): -1 to try the entry again, or the
 * JE fallback. */
static int failed(struct worker *w, const char *table, const char *id, int in_transaction)
{
	int again = db_error_transient(w->db);
	char why[200];
	snprintf(why, sizeof why, "MySQL %u: %s", mysql_errno(w->db), mysql_error(w->db));
	if (in_transaction)
		db_exec(w->db, "ROLLBACK");
	return again ? -1 : record_refused(w, table, id, why);
}

static const char *test_verdict(const char *v)
{
	return proto_verdict(v) ? v : "JE";
}

/* What a result says that was not in its type or range: JE, saying which. */
static struct text refused_field(const struct proto_result *r)
{
	char head[96];
	if (!strcmp(r->invalid, "score"))
		snprintf(head, sizeof head, "judge error: the score is not a finite number");
	else
		snprintf(head, sizeof head, "judge error: the result's %s is not valid", r->invalid);
	if (!r->message_len)
		return text_of(head, strlen(head), MESSAGE_MAX);
	/* and what the judge said, cut to the column with the rest */
	size_t hl = strlen(head), n = hl + 2 + r->message_len;
	char *m = malloc(n);
	if (!m)
		return text_of(head, hl, MESSAGE_MAX);
	memcpy(m, head, hl);
	memcpy(m + hl, ": ", 2);
	memcpy(m + hl + 2, r->message, r->message_len);
	struct text t = text_of(m, n, MESSAGE_MAX);
	free(m);
	return t;
}

static int record_submission(struct worker *w, const struct proto_result *r)
{
	int err;
	const char *id = r->id;
	struct text judge = text_of(r->judge, strlen(r->judge), JUDGE_MAX);
	if (r->kind == RESULT_STARTED) {
		mysql_free_result(db_query(w->db, &err,
					   "UPDATE submissions SET status = 'judging', started_at = NOW(3), judge = %q "
					   "WHERE id = %q AND status = 'queued'",
					   judge.s, id));
		free(judge.s);
		if (err)
			return db_error_transient(w->db) ? -1 : 0;
		if (mysql_affected_rows(w->db) == 1)
			publish_submission(w, id);
		return 0;
	}
	struct text msg = r->invalid ? refused_field(r) : text_of(r->message, r->message_len, MESSAGE_MAX);
	size_t lc = r->compile_len > COMPILE_MAX ? COMPILE_MAX : r->compile_len;
	json_object *arr = NULL;
	if (db_exec(w->db, "START TRANSACTION"))
		goto fail;
	mysql_free_result(
		db_query(w->db, &err,
			 "UPDATE submissions SET status = 'done', verdict = %q, message = %q, compile_output = %Q, "
			 "score = %g, max_score = %g, time_ms = %d, memory_kb = %d, judge = %q, finished_at = NOW(3) "
			 "WHERE id = %q AND status <> 'done'",
			 r->verdict, msg.s, r->compile ? r->compile : "", lc, r->score, r->max_score, (int)r->time_ms,
			 (int)r->memory_kb, judge.s, id));
	if (err)
		goto fail;
	int fresh = mysql_affected_rows(w->db) == 1;
	arr = fresh && r->tests ? json_tokener_parse(r->tests) : NULL;
	if (fresh)
		mysql_free_result(db_query(w->db, &err, "DELETE FROM submission_tests WHERE submission_id = %q", id));
	size_t ntests = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
	for (size_t i = 0; !err && i < ntests; i++) {
		json_object *t = json_object_array_get_idx(arr, i), *v;
		double sc = NAN;
		if (json_object_object_get_ex(t, "score", &v) && !json_object_is_type(v, json_type_null))
			sc = json_object_get_double(v);
		int64_t tms = 0, mkb = 0;
		util_json_int(t, "time_ms", &tms);
		util_json_int(t, "memory_kb", &mkb);
		const char *name = util_json_str(t, "name"), *group = util_json_str(t, "group");
		const char *jm = util_json_str(t, "judge_message");
		struct text tn = text_of(name, name ? strlen(name) : 0, TEST_NAME_MAX);
		struct text tg = text_of(group, group ? strlen(group) : 0, TEST_NAME_MAX);
		struct text tj = text_of(jm, jm ? strlen(jm) : 0, JUDGE_MESSAGE_MAX);
		mysql_free_result(db_query(
			w->db, &err,
			"INSERT INTO submission_tests (submission_id, ord, name, group_name, verdict, time_ms, "
			"memory_kb, score, judge_message) VALUES (%q, %d, %q, %q, %q, %L, %L, %g, %q)",
			id, (int)i, tn.s, tg.s, test_verdict(util_json_str(t, "verdict")), tms < 0 ? 0 : tms,
			mkb < 0 ? 0 : mkb, sc, jm ? tj.s : NULL));
		free(tn.s);
		free(tg.s);
		free(tj.s);
	}
	json_object_put(arr);
	arr = NULL;
	if (err || db_exec(w->db, "COMMIT"))
		goto fail;
	free(msg.s);
	free(judge.s);
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
	json_object_put(arr);
	free(msg.s);
	free(judge.s);
	return failed(w, "submissions", id, 1);
}

static int record_run(struct worker *w, const struct proto_result *r)
{
	int err;
	const char *id = r->id;
	struct text judge = text_of(r->judge, strlen(r->judge), JUDGE_MAX);
	if (r->kind == RESULT_STARTED) {
		mysql_free_result(db_query(w->db, &err,
					   "UPDATE runs SET status = 'running', started_at = NOW(3), judge = %q "
					   "WHERE id = %q AND status = 'queued'",
					   judge.s, id));
		free(judge.s);
		if (err)
			return db_error_transient(w->db) ? -1 : 0;
		if (mysql_affected_rows(w->db) == 1)
			publish_run(w, id);
		return 0;
	}
	size_t lo = r->out_len, le = r->err_len, lc = r->compile_len;
	int otrunc = r->out_truncated || lo > OUTPUT_MAX, etrunc = r->err_truncated || le > OUTPUT_MAX;
	lo = lo > OUTPUT_MAX ? OUTPUT_MAX : lo;
	le = le > OUTPUT_MAX ? OUTPUT_MAX : le;
	lc = lc > COMPILE_MAX ? COMPILE_MAX : lc;
	struct text msg = r->invalid ? refused_field(r) : text_of(r->message, r->message_len, MESSAGE_MAX);
	char exit_code[16] = "NULL";
	if (r->has_exit)
		snprintf(exit_code, sizeof exit_code, "%d", r->exit_code);
	mysql_free_result(db_query(
		w->db, &err,
		"UPDATE runs SET status = 'done', verdict = %q, message = %q, stdout = %Q, stderr = %Q, "
		"compile_output = %Q, stdout_truncated = %d, stderr_truncated = %d, exit_code = %s, time_ms = %d, "
		"memory_kb = %d, judge = %q, finished_at = NOW(3) WHERE id = %q AND status <> 'done'",
		r->verdict, msg.s, r->out ? r->out : "", lo, r->err ? r->err : "", le, r->compile ? r->compile : "", lc,
		otrunc, etrunc, exit_code, (int)r->time_ms, (int)r->memory_kb, judge.s, id));
	free(msg.s);
	free(judge.s);
	if (err)
		return failed(w, "runs", id, 0);
	if (mysql_affected_rows(w->db) == 1) {
		atomic_fetch_add(&metric_results_recorded, 1);
		publish_run(w, id);
	}
	return 0;
}

/* 0 when the entry is handled (recorded now, or before: a replay changes
 * nothing; or refused for good and recorded as JE), -1 when MySQL failed in
 * a way that may pass and the entry must be tried again. */
static int record(struct worker *w, const redisReply *fields)
{
	struct proto_result r;
	if (proto_result_decode(fields, &r)) {
		log_warn("malformed result dropped", NULL);
		return 0;
	}
	return r.job == JOB_SUBMISSION ? record_submission(w, &r) : record_run(w, &r);
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
	redisReply *lock = redisCommand(w->kv, "SET %s %s NX PX %d", KV_SWEEPLOCK, rec_name, cfg.sweep_after_s * 500);
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
