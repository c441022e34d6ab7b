/* The recorder: takes judges' results off the results stream (a consumer
 * group shared by every server replica), decodes each (proto.h) and hands
 * it to the owner of its table (runs.c, submissions.c), which writes it
 * once and publishes it; then acknowledges it. Also the sweeper's clock.
 * Runs on its own thread with its own connections. */
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
#include "runs.h"
#include "submissions.h"
#include "recorder.h"
#include "verification.h"

static pthread_t rec_thread;
static atomic_int rec_stop;
static char rec_name[128];

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
	if (r.job != JOB_SUBMISSION)
		return runs_record(w, &r);
	int rc = submissions_record(w, &r);
	/* A package's own submission may be the last its time limit waits for. */
	if (!rc && r.kind == RESULT_DONE)
		verification_after_record(w, r.id);
	return rc;
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

/* Runs and submissions left queued with no job (a crash between INSERT and
 * XADD, or a Redis that lost its data) are queued again by their owners;
 * one replica at a time. */
static void sweep(struct worker *w)
{
	redisReply *lock = redisCommand(w->kv, "SET %s %s NX PX %d", KV_SWEEPLOCK, rec_name, cfg.sweep_after_s * 500);
	int mine = lock && lock->type == REDIS_REPLY_STATUS;
	freeReplyObject(lock);
	if (!mine)
		return;
	runs_sweep(w);
	submissions_sweep(w);
	verification_sweep(w);
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
