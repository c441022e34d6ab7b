/* The decoders of what another process sends (common/proto.c): the bytes
 * are a Redis entry's fields, NUL-separated (name, value, name, value...).
 * A decoder refuses or hands on values in their type and range; what it
 * hands on encodes and decodes back to the same. The rest of the bytes go
 * to the event and compile-answer decoders too. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define MAXF 64

static void fake(const struct proto_msg *m, redisReply *top, redisReply **el, redisReply *cells)
{
	memset(top, 0, sizeof *top);
	top->type = REDIS_REPLY_ARRAY;
	top->elements = (size_t)m->n;
	top->element = el;
	for (int i = 0; i < m->n; i++) {
		memset(&cells[i], 0, sizeof cells[i]);
		cells[i].type = REDIS_REPLY_STRING;
		cells[i].str = (char *)m->v[i];
		cells[i].len = m->len[i];
		el[i] = &cells[i];
	}
}

static void check_result(const struct proto_result *r)
{
	if (r->kind == RESULT_STARTED)
		return;
	if (!proto_verdict(r->verdict) || r->time_ms < 0 || r->time_ms > (1 << 30) || r->memory_kb < 0 ||
	    r->memory_kb > (1 << 30))
		abort();
	if (r->has_score && (!isfinite(r->score) || !isfinite(r->max_score)))
		abort();
	if (r->invalid && strcmp(r->verdict, "JE"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Fields: at most MAXF, each a NUL-terminated run of the input (the
	 * last may run to the end); values keep their bytes. */
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = 0;
	redisReply top, *el[MAXF], cells[MAXF];
	memset(&top, 0, sizeof top);
	top.type = REDIS_REPLY_ARRAY;
	top.element = el;
	size_t off = 0;
	while (off <= size && top.elements < MAXF) {
		size_t n = strnlen(buf + off, size - off);
		redisReply *c = &cells[top.elements];
		memset(c, 0, sizeof *c);
		c->type = REDIS_REPLY_STRING;
		c->str = buf + off;
		c->len = n;
		el[top.elements++] = c;
		off += n + 1;
	}
	if (top.elements % 2)
		top.elements--;

	struct proto_job *j = malloc(sizeof *j), *j2 = malloc(sizeof *j2);
	char why[128];
	if (!proto_job_decode(&top, j, why, sizeof why)) {
		if (!j->id || !j->lang || j->attempt < 1 ||
		    (j->kind == JOB_RUN && (j->cpu_s <= 0 || !isfinite(j->cpu_s))))
			abort();
		struct proto_msg m;
		proto_msg_init(&m);
		proto_job_encode(j, &m);
		redisReply t2, *el2[600], cells2[600];
		if (m.n <= 600) {
			fake(&m, &t2, el2, cells2);
			if (proto_job_decode(&t2, j2, why, sizeof why) || j2->kind != j->kind ||
			    strcmp(j2->id, j->id) || j2->attempt != j->attempt || j2->code_len != j->code_len ||
			    j2->nfiles != j->nfiles)
				abort();
		}
		proto_msg_free(&m);
	}
	free(j);
	free(j2);

	struct proto_result r, r2;
	if (!proto_result_decode(&top, &r)) {
		check_result(&r);
		struct proto_msg m;
		proto_msg_init(&m);
		proto_result_encode(&r, &m);
		redisReply t2, *el2[MAXF], cells2[MAXF];
		if (m.n <= MAXF) {
			fake(&m, &t2, el2, cells2);
			if (proto_result_decode(&t2, &r2))
				abort();
			check_result(&r2);
			if (r2.kind != r.kind || r2.job != r.job || r2.time_ms != r.time_ms ||
			    r2.has_score != r.has_score || (r.has_score && r2.score != r.score) ||
			    (r.kind == RESULT_DONE && strcmp(r2.verdict, r.verdict)))
				abort();
		}
		proto_msg_free(&m);
	}

	const char *topic, *d;
	size_t dl;
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	if (!proto_event_split(copy, size, &topic, &d, &dl) && (!topic[0] || d + dl != copy + size))
		abort();
	int ok;
	char *out = NULL;
	if (!proto_compile_reply_decode(buf, &ok, &out) && !out)
		abort();
	free(out);
	free(copy);
	free(buf);
	return 0;
}
