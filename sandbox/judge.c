/* The job loop: XREADGROUP a job, decode it (proto.h), hand it to what
 * judges its kind (run.c, problem.c), then XACK once the result is out.
 * Jobs left pending by a dead judge are taken over with XAUTOCLAIM; a live
 * judge keeps its jobs fresh with XCLAIM from the heartbeat so they are
 * never taken while it works on them. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "gate.h"
#include "judge.h"
#include "kv.h"
#include "lang.h"
#include "log.h"
#include "util.h"

struct judge_config jcfg;
atomic_int judge_stopping;
extern struct slot *slots;

/* Done with a job: the result is out, so the job can go. The index entry
 * is removed only if it still names this job (the sweeper may have queued
 * the run again meanwhile). */
static const char finish_lua[] = "redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) redis.call('XDEL', KEYS[1], ARGV[2]) "
				 "if redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[2] then "
				 "redis.call('HDEL', KEYS[2], ARGV[3]) end return 1";

static void finish_entry(struct slot *s, const char *stream, const char *entry, const char *id)
{
	redisReply *r = redisCommand(s->kv, "EVAL %s 2 %s %s %s %s %s", finish_lua, stream, KV_JOBIDX, KV_JOBS_GROUP,
				     entry, id);
	freeReplyObject(r);
}

static void finish(struct slot *s, const char *entry, const char *id)
{
	finish_entry(s, s->stream, entry, id);
}

/*** The loop ***/

static void handle_job(struct slot *s, const struct proto_job *j, const char *eid, int delivered);

static void handle_entry(struct slot *s, const char *stream, const redisReply *entry, int delivered)
{
	if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[1]->type != REDIS_REPLY_ARRAY)
		return;
	const char *eid = entry->element[0]->str;
	struct proto_job *j = malloc(sizeof *j);
	char why[128];
	if (!j || proto_job_decode(entry->element[1], j, why, sizeof why)) {
		/* Not a job this judge can take: it goes, and where it has an id
		 * its run or submission is told why. */
		log_error("a job that is not one, dropped", "entry", eid, "error", j ? why : "no memory", NULL);
		if (j && j->id && j->kind != JOB_COMPILE) {
			struct proto_result r = {.kind = RESULT_DONE,
						 .job = j->kind,
						 .id = j->id,
						 .attempt = j->attempt,
						 .judge = jcfg.name,
						 .verdict = "JE",
						 .message = why,
						 .message_len = strlen(why)};
			judge_report(s, &r);
		}
		finish_entry(s, stream, eid, j && j->id ? j->id : "");
		free(j);
		return;
	}
	pthread_mutex_lock(&s->lock);
	snprintf(s->entry, sizeof s->entry, "%s", eid);
	s->stream = stream;
	pthread_mutex_unlock(&s->lock);
	/* An IDE run never beside a secret test on this machine (gate.h). The
	 * job is in hand meanwhile: the heartbeat keeps it ours. */
	int gate = gate_enter(jcfg.gate_dir, j->kind == JOB_RUN ? GATE_OPEN : GATE_SECRET);
	if (gate < 0)
		log_error("the kind gate failed: this job runs without it", "path", jcfg.gate_dir, "error",
			  strerror(errno), NULL);
	handle_job(s, j, eid, delivered);
	gate_leave(gate);
	free(j);
}

static void handle_job(struct slot *s, const struct proto_job *j, const char *eid, int delivered)
{
	if (j->kind != JOB_RUN) {
		if (j->kind == JOB_COMPILE)
			judge_compile_check(s, j);
		else
			judge_submission(s, j);
		finish(s, eid, j->id);
		pthread_mutex_lock(&s->lock);
		s->entry[0] = 0;
		pthread_mutex_unlock(&s->lock);
		return;
	}

	struct outcome o;
	if (delivered > jcfg.max_deliveries) {
		memset(&o, 0, sizeof o);
		o.verdict = "JE";
		snprintf(o.message, sizeof o.message, "judging failed %d times; an admin has been told", delivered - 1);
		log_error("job given up", "id", j->id, NULL);
	} else {
		judge_started(s, j);
		int64_t t0 = util_mono_ms();
		judge_run(s, j, &o);
		char ms[24];
		snprintf(ms, sizeof ms, "%lld", (long long)(util_mono_ms() - t0));
		log_info("judged", "id", j->id, "verdict", o.verdict, "ms", ms, NULL);
	}
	/* The result must be out before the job goes: if this judge dies in
	 * between, the job runs again and the recorder ignores the repeat. */
	while (judge_report_run(s, j, &o) && !atomic_load(&judge_stopping)) {
		log_warn("cannot report a result, retrying", "id", j->id, NULL);
		sleep(1);
		char err[256];
		redisFree(s->kv);
		while (!(s->kv = kv_connect(jcfg.redis_url, 5, err, sizeof err)))
			sleep(1);
	}
	finish(s, eid, j->id);
	outcome_free(&o);
	pthread_mutex_lock(&s->lock);
	s->entry[0] = 0;
	pthread_mutex_unlock(&s->lock);
}

/* How many times the group has handed out this entry. */
static int deliveries(struct slot *s, const char *stream, const char *eid)
{
	redisReply *r = redisCommand(s->kv, "XPENDING %s %s %s %s 1", stream, KV_JOBS_GROUP, eid, eid);
	int n = 1;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->elements == 4)
		n = (int)r->element[0]->element[3]->integer;
	freeReplyObject(r);
	return n;
}

/* Handles every entry of an XREADGROUP reply, lane by lane in priority
 * order. 1 when there was one. */
static int handle_read(struct slot *s, redisReply *r)
{
	int any = 0;
	if (!r || r->type != REDIS_REPLY_ARRAY)
		return 0;
	for (int lane = 0; lane < KV_NLANES; lane++)
		for (size_t i = 0; i < r->elements; i++) {
			const redisReply *st = r->element[i];
			if (st->type != REDIS_REPLY_ARRAY || st->elements != 2 ||
			    strcmp(st->element[0]->str, kv_lanes[lane]))
				continue;
			for (size_t k = 0; k < st->element[1]->elements; k++) {
				handle_entry(s, kv_lanes[lane], st->element[1]->element[k], 1);
				any = 1;
			}
		}
	return any;
}

/* Jobs a dead judge left in its hands, idle for claim_ms: one at a time. */
static int take_over(struct slot *s)
{
	for (int lane = 0; lane < KV_NLANES; lane++) {
		redisReply *r = redisCommand(s->kv, "XAUTOCLAIM %s %s %s %d 0-0 COUNT 1", kv_lanes[lane], KV_JOBS_GROUP,
					     jcfg.name, jcfg.claim_ms);
		if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2 && r->element[1]->elements > 0) {
			const redisReply *e = r->element[1]->element[0];
			if (e->type == REDIS_REPLY_ARRAY && e->elements == 2) {
				log_info("took over a job", "entry", e->element[0]->str, "lane", kv_lanes[lane], NULL);
				handle_entry(s, kv_lanes[lane], e, deliveries(s, kv_lanes[lane], e->element[0]->str));
				freeReplyObject(r);
				return 1;
			}
		}
		freeReplyObject(r);
	}
	return 0;
}

void *judge_slot_main(void *arg)
{
	struct slot *s = arg;
	char err[256];
	int64_t last_claim = 0;
	while (!atomic_load(&judge_stopping)) {
		if (!s->kv || s->kv->err) {
			if (s->kv)
				redisFree(s->kv);
			s->kv = kv_connect(jcfg.redis_url, 5, err, sizeof err);
			int bad = !s->kv;
			for (int lane = 0; !bad && lane < KV_NLANES; lane++)
				bad = kv_ensure_group(s->kv, kv_lanes[lane], KV_JOBS_GROUP);
			if (bad) {
				log_warn("judge cannot reach Redis", "error", err, NULL);
				sleep(1);
				continue;
			}
		}
		int64_t now = util_mono_ms();
		if (now - last_claim > 1000) {
			last_claim = now;
			if (take_over(s))
				continue;
		}
		/* The first lane with work, without waiting... */
		int took = 0;
		for (int lane = 0; lane < KV_NLANES && !took; lane++) {
			redisReply *r = redisCommand(s->kv, "XREADGROUP GROUP %s %s COUNT 1 STREAMS %s >",
						     KV_JOBS_GROUP, jcfg.name, kv_lanes[lane]);
			took = handle_read(s, r);
			freeReplyObject(r);
		}
		if (took)
			continue;
		/* ...else wait on all of them. */
		redisReply *r = redisCommand(
			s->kv, "XREADGROUP GROUP %s %s COUNT 1 BLOCK 1000 STREAMS %s %s %s %s %s > > > > >",
			KV_JOBS_GROUP, jcfg.name, kv_lanes[0], kv_lanes[1], kv_lanes[2], kv_lanes[3], kv_lanes[4]);
		handle_read(s, r);
		freeReplyObject(r);
	}
	return NULL;
}

/* Every two seconds: this judge is alive, these are its languages, and the
 * jobs in its hands are still being worked on (XCLAIM resets their idle
 * time, so XAUTOCLAIM elsewhere leaves them alone). */
void *judge_heartbeat_main(void *arg)
{
	(void)arg;
	redisContext *kv = NULL;
	char err[256];
	while (!atomic_load(&judge_stopping)) {
		if (!kv || kv->err) {
			if (kv)
				redisFree(kv);
			kv = kv_connect(jcfg.redis_url, 5, err, sizeof err);
			if (!kv) {
				sleep(1);
				continue;
			}
		}
		freeReplyObject(redisCommand(kv, "ZADD %s %lld %s", KV_JUDGES, (long long)util_now_ms(), jcfg.name));
		for (int i = 0; i < lang_count(); i++) {
			const struct lang *l = lang_at(i);
			if (!l)
				continue;
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id", json_object_new_string(l->id));
			json_object_object_add(o, "name", json_object_new_string(l->name));
			json_object_object_add(o, "version", json_object_new_string(l->version));
			json_object_object_add(o, "time_mult", json_object_new_double(l->time_mult));
			freeReplyObject(
				redisCommand(kv, "HSET %s %s %s", KV_LANGS, l->id, json_object_to_json_string(o)));
			json_object_put(o);
		}
		for (int i = 0; i < jcfg.slots; i++) {
			char entry[64];
			const char *stream;
			pthread_mutex_lock(&slots[i].lock);
			snprintf(entry, sizeof entry, "%s", slots[i].entry);
			stream = slots[i].stream;
			pthread_mutex_unlock(&slots[i].lock);
			if (entry[0] && stream)
				freeReplyObject(redisCommand(kv, "XCLAIM %s %s %s 0 %s JUSTID", stream, KV_JOBS_GROUP,
							     jcfg.name, entry));
		}
		for (int t = 0; t < 20 && !atomic_load(&judge_stopping); t++)
			usleep(100000);
	}
	if (kv) {
		freeReplyObject(redisCommand(kv, "ZREM %s %s", KV_JUDGES, jcfg.name));
		redisFree(kv);
	}
	return NULL;
}
