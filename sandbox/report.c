/* The judge's side of the results stream: what a job came to, as
 * proto_result (proto.h) on KV_RESULTS. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "judge.h"
#include "kv.h"
#include "lang.h"
#include "log.h"
#include "util.h"

/*** Results ***/

void outcome_free(struct outcome *o)
{
	free(o->out);
	free(o->err);
	free(o->compile);
}

int judge_report(struct slot *s, const struct proto_result *r)
{
	struct proto_msg m;
	proto_msg_init(&m);
	proto_result_encode(r, &m);
	const char *head[] = {"XADD", KV_RESULTS, "*"};
	redisReply *rep = proto_send(s->kv, head, 3, &m);
	proto_msg_free(&m);
	int ok = rep && rep->type == REDIS_REPLY_STRING;
	freeReplyObject(rep);
	return ok ? 0 : -1;
}

/* Tells the server a job is being judged. */
void judge_started(struct slot *s, const struct proto_job *j)
{
	struct proto_result r = {
		.kind = RESULT_STARTED, .job = j->kind, .id = j->id, .attempt = j->attempt, .judge = jcfg.name};
	judge_report(s, &r);
}

int judge_report_run(struct slot *s, const struct proto_job *j, const struct outcome *o)
{
	struct proto_result r = {.kind = RESULT_DONE,
				 .job = JOB_RUN,
				 .id = j->id,
				 .attempt = j->attempt,
				 .judge = jcfg.name,
				 .verdict = o->verdict,
				 .message = o->message,
				 .message_len = strlen(o->message),
				 .time_ms = o->time_ms,
				 .memory_kb = o->memory_kb,
				 .has_exit = o->has_exit,
				 .exit_code = o->exit_code,
				 .out = o->out,
				 .out_len = o->out_len,
				 .err = o->err,
				 .err_len = o->err_len,
				 .compile = o->compile,
				 .compile_len = o->compile_len,
				 .out_truncated = o->out_trunc,
				 .err_truncated = o->err_trunc};
	return judge_report(s, &r);
}
