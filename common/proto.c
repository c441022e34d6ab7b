/* The messages between processes: one encoder and one decoder each
 * (proto.h, docs/PROTOCOL.md). */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "util.h"

/*** Building a message ***/

void proto_msg_init(struct proto_msg *m)
{
	memset(m, 0, sizeof *m);
}

void proto_msg_free(struct proto_msg *m)
{
	for (int i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->v);
	free(m->len);
	memset(m, 0, sizeof *m);
}

static void push(struct proto_msg *m, const char *s, size_t len)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 32;
		m->v = realloc(m->v, (size_t)m->cap * sizeof *m->v);
		m->len = realloc(m->len, (size_t)m->cap * sizeof *m->len);
		if (!m->v || !m->len)
			abort(); /* a few hundred bytes: nothing sensible to do without them */
	}
	m->v[m->n] = s;
	m->len[m->n++] = len;
}

void proto_put(struct proto_msg *m, const char *key, const char *val, size_t len)
{
	push(m, key, strlen(key));
	push(m, val ? val : "", val ? len : 0);
}

void proto_put_str(struct proto_msg *m, const char *key, const char *val)
{
	proto_put(m, key, val, val ? strlen(val) : 0);
}

static void put_owned(struct proto_msg *m, const char *key, char *s)
{
	m->owned = realloc(m->owned, (size_t)(m->nowned + 1) * sizeof *m->owned);
	if (!m->owned)
		abort();
	m->owned[m->nowned++] = s;
	proto_put_str(m, key, s);
}

void proto_put_long(struct proto_msg *m, const char *key, long long v)
{
	char *s = malloc(24);
	snprintf(s, 24, "%lld", v);
	put_owned(m, key, s);
}

void proto_put_double(struct proto_msg *m, const char *key, double v)
{
	char *s = malloc(32);
	if (isfinite(v))
		snprintf(s, 32, "%.17g", v);
	else
		s[0] = 0;
	put_owned(m, key, s);
}

redisReply *proto_send(redisContext *c, const char *const *head, int nhead, const struct proto_msg *m)
{
	int argc = nhead + m->n;
	const char **argv = calloc((size_t)argc, sizeof *argv);
	size_t *lens = calloc((size_t)argc, sizeof *lens);
	if (!argv || !lens) {
		free(argv);
		free(lens);
		return NULL;
	}
	for (int i = 0; i < nhead; i++) {
		argv[i] = head[i];
		lens[i] = strlen(head[i]);
	}
	for (int i = 0; i < m->n; i++) {
		argv[nhead + i] = m->v[i];
		lens[nhead + i] = m->len[i];
	}
	redisReply *r = redisCommandArgv(c, argc, argv, lens);
	free(argv);
	free(lens);
	return r;
}

/*** Reading fields ***/

/* Field name of a flat [k, v, k, v...] reply: the value, or NULL when
 * absent or not a string. */
static const char *get(const redisReply *f, const char *name, size_t *len)
{
	for (size_t i = 0; f && f->type == REDIS_REPLY_ARRAY && i + 1 < f->elements; i += 2) {
		const redisReply *k = f->element[i], *v = f->element[i + 1];
		if (k->type == REDIS_REPLY_STRING && !strcmp(k->str, name)) {
			if (v->type != REDIS_REPLY_STRING)
				return NULL;
			if (len)
				*len = v->len;
			return v->str;
		}
	}
	if (len)
		*len = 0;
	return NULL;
}

static int id_ok(const char *s)
{
	return s && util_id_valid(s, 64);
}

/* A whole decimal integer in [lo, hi]: 0 and *out, or -1. */
static int long_of(const char *s, long long lo, long long hi, long long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* A finite number: 0 and *out, or -1. */
static int double_of(const char *s, double *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	double v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static const char *kind_name(enum proto_job_kind k)
{
	return k == JOB_RUN ? "run" : k == JOB_SUBMISSION ? "submission" : "compile";
}

static int kind_of(const char *s, enum proto_job_kind *k)
{
	if (!s)
		return -1;
	if (!strcmp(s, "run"))
		*k = JOB_RUN;
	else if (!strcmp(s, "submission"))
		*k = JOB_SUBMISSION;
	else if (!strcmp(s, "compile"))
		*k = JOB_COMPILE;
	else
		return -1;
	return 0;
}

/*** Jobs ***/

void proto_job_encode(const struct proto_job *j, struct proto_msg *m)
{
	proto_put_str(m, "kind", kind_name(j->kind));
	proto_put_str(m, "id", j->id);
	proto_put_long(m, "attempt", j->attempt);
	proto_put_str(m, "lang", j->lang);
	if (j->kind == JOB_RUN) {
		proto_put(m, "code", j->code, j->code_len);
		proto_put(m, "input", j->input, j->input_len);
		proto_put_double(m, "cpu_s", j->cpu_s);
		proto_put_double(m, "wall_s", j->wall_s);
		proto_put_long(m, "memory_mb", j->memory_mb);
	} else if (j->kind == JOB_SUBMISSION) {
		proto_put(m, "code", j->code, j->code_len);
		proto_put_str(m, "problem", j->problem);
	} else {
		proto_put_str(m, "names", j->names);
		if (j->inputs)
			proto_put_str(m, "inputs", j->inputs);
		for (int i = 0; i < j->nfiles; i++)
			proto_put(m, "file", j->file[i], j->file_len[i]);
	}
}

int proto_job_decode(const redisReply *f, struct proto_job *j, char *why, size_t whylen)
{
	memset(j, 0, sizeof *j);
	const char *id = get(f, "id", NULL);
	if (!id_ok(id)) {
		snprintf(why, whylen, "a job without a valid id");
		return -1;
	}
	j->id = id;
	long long v;
	if (kind_of(get(f, "kind", NULL), &j->kind)) {
		snprintf(why, whylen, "a job of no known kind");
		return -1;
	}
	j->attempt = long_of(get(f, "attempt", NULL), 1, 1 << 20, &v) ? 1 : (int)v;
	j->lang = get(f, "lang", NULL);
	if (!j->lang || !util_id_valid(j->lang, 32)) {
		snprintf(why, whylen, "a job without a valid language");
		return -1;
	}
	if (j->kind != JOB_COMPILE && !(j->code = get(f, "code", &j->code_len))) {
		snprintf(why, whylen, "a job without code");
		return -1;
	}
	if (j->kind == JOB_RUN) {
		j->input = get(f, "input", &j->input_len);
		if (!j->input)
			j->input = "";
		if (double_of(get(f, "cpu_s", NULL), &j->cpu_s) || j->cpu_s <= 0 || j->cpu_s > 3600 ||
		    double_of(get(f, "wall_s", NULL), &j->wall_s) || j->wall_s <= 0 || j->wall_s > 7200 ||
		    long_of(get(f, "memory_mb", NULL), 1, 1 << 20, &v)) {
			snprintf(why, whylen, "a run without valid limits");
			return -1;
		}
		j->memory_mb = (long)v;
	} else if (j->kind == JOB_SUBMISSION) {
		j->problem = get(f, "problem", NULL);
		if (!j->problem) {
			snprintf(why, whylen, "a submission without its problem");
			return -1;
		}
	} else {
		j->names = get(f, "names", NULL);
		if (!j->names) {
			snprintf(why, whylen, "a compilation without file names");
			return -1;
		}
		j->inputs = get(f, "inputs", NULL);
		for (size_t i = 0; f && i + 1 < f->elements; i += 2) {
			const redisReply *k = f->element[i], *val = f->element[i + 1];
			if (k->type != REDIS_REPLY_STRING || strcmp(k->str, "file"))
				continue;
			if (val->type != REDIS_REPLY_STRING || j->nfiles == PROTO_MAX_FILES) {
				snprintf(why, whylen, "a compilation with a bad file or more than %d", PROTO_MAX_FILES);
				return -1;
			}
			j->file[j->nfiles] = val->str;
			j->file_len[j->nfiles++] = val->len;
		}
	}
	return 0;
}

/*** Results ***/

void proto_result_encode(const struct proto_result *r, struct proto_msg *m)
{
	proto_put_str(m, "kind", r->kind == RESULT_STARTED ? "started" : "done");
	proto_put_str(m, "job", kind_name(r->job));
	proto_put_str(m, "id", r->id);
	proto_put_long(m, "attempt", r->attempt);
	proto_put_str(m, "judge", r->judge);
	if (r->kind == RESULT_STARTED)
		return;
	proto_put_str(m, "verdict", r->verdict);
	proto_put(m, "message", r->message, r->message_len);
	proto_put_long(m, "time_ms", r->time_ms);
	proto_put_long(m, "memory_kb", r->memory_kb);
	proto_put(m, "compile_output", r->compile, r->compile_len);
	if (r->job == JOB_RUN) {
		if (r->has_exit)
			proto_put_long(m, "exit_code", r->exit_code);
		proto_put(m, "stdout", r->out, r->out_len);
		proto_put(m, "stderr", r->err, r->err_len);
		proto_put_long(m, "stdout_truncated", !!r->out_truncated);
		proto_put_long(m, "stderr_truncated", !!r->err_truncated);
	} else {
		if (r->has_score) {
			proto_put_double(m, "score", r->score);
			proto_put_double(m, "max_score", r->max_score);
		}
		if (r->tests)
			proto_put_str(m, "tests", r->tests);
	}
}

const char *proto_verdict(const char *v)
{
	size_t n = v ? strlen(v) : 0;
	if (n < 2 || n > 8)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i] < 'A' || v[i] > 'Z')
			return NULL;
	return v;
}

/* A number field that may be absent (then *out = dflt); present, it must
 * be in range, or the result is refused for it. */
static void bounded(struct proto_result *r, const redisReply *f, const char *name, long long lo, long long hi,
		    long dflt, long *out)
{
	const char *s = get(f, name, NULL);
	long long v;
	*out = dflt;
	if (!s || !*s)
		return;
	if (long_of(s, lo, hi, &v)) {
		r->invalid = name;
		return;
	}
	*out = (long)v;
}

int proto_result_decode(const redisReply *f, struct proto_result *r)
{
	memset(r, 0, sizeof *r);
	r->score = r->max_score = NAN;
	const char *kind = get(f, "kind", NULL), *id = get(f, "id", NULL), *job = get(f, "job", NULL);
	if (!kind || !id_ok(id) || !util_id_valid(id, 16))
		return -1;
	if (!strcmp(kind, "started"))
		r->kind = RESULT_STARTED;
	else if (!strcmp(kind, "done"))
		r->kind = RESULT_DONE;
	else
		return -1;
	/* An old judge wrote no job field for a run. */
	if (!job)
		r->job = JOB_RUN;
	else if (kind_of(job, &r->job) || r->job == JOB_COMPILE)
		return -1;
	r->id = id;
	long long v;
	r->attempt = long_of(get(f, "attempt", NULL), 1, 1 << 20, &v) ? 1 : (int)v;
	r->judge = get(f, "judge", NULL);
	if (!r->judge)
		r->judge = "";
	if (r->kind == RESULT_STARTED)
		return 0;
	/* A verdict that is not one is JE; the message stays. */
	r->verdict = proto_verdict(get(f, "verdict", NULL));
	if (!r->verdict)
		r->verdict = "JE";
	r->message = get(f, "message", &r->message_len);
	if (!r->message)
		r->message = "";
	bounded(r, f, "time_ms", 0, 1 << 30, 0, &r->time_ms);
	bounded(r, f, "memory_kb", 0, 1 << 30, 0, &r->memory_kb);
	r->compile = get(f, "compile_output", &r->compile_len);
	if (r->job == JOB_RUN) {
		long ec = 0, ot = 0, et = 0;
		const char *e = get(f, "exit_code", NULL);
		r->has_exit = e && *e;
		bounded(r, f, "exit_code", -(1 << 30), 1 << 30, 0, &ec);
		bounded(r, f, "stdout_truncated", 0, 1, 0, &ot);
		bounded(r, f, "stderr_truncated", 0, 1, 0, &et);
		r->exit_code = (int)ec;
		r->out_truncated = (int)ot;
		r->err_truncated = (int)et;
		r->out = get(f, "stdout", &r->out_len);
		r->err = get(f, "stderr", &r->err_len);
	} else {
		const char *sc = get(f, "score", NULL), *mx = get(f, "max_score", NULL);
		if ((sc && *sc) || (mx && *mx)) {
			if (double_of(sc, &r->score) || double_of(mx, &r->max_score)) {
				r->invalid = "score";
				r->score = r->max_score = NAN;
			} else {
				r->has_score = 1;
			}
		}
		r->tests = get(f, "tests", NULL);
	}
	if (r->invalid)
		r->verdict = "JE";
	return 0;
}

/*** Events ***/

char *proto_event_frame(const char *topic, const char *data, size_t *len)
{
	size_t tl = strlen(topic), dl = strlen(data);
	char *p = malloc(tl + dl + 2);
	if (!p)
		return NULL;
	memcpy(p, topic, tl);
	p[tl] = '\n';
	memcpy(p + tl + 1, data, dl + 1);
	*len = tl + dl + 1;
	return p;
}

int proto_event_split(char *payload, size_t len, const char **topic, const char **data, size_t *data_len)
{
	char *nl = memchr(payload, '\n', len);
	/* a topic is a non-empty text: no NUL in it (fuzz_proto) */
	if (!nl || nl == payload || memchr(payload, 0, (size_t)(nl - payload)))
		return -1;
	*nl = 0;
	*topic = payload;
	*data = nl + 1;
	*data_len = len - (size_t)(nl + 1 - payload);
	return 0;
}

char *proto_progress_frame(const char *id, const char *text, int done, int total, size_t *len)
{
	char topic[96];
	snprintf(topic, sizeof topic, "submission/%s", id);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string("judging"));
	json_object_object_add(o, "progress", json_object_new_string(text));
	json_object_object_add(o, "tests_done", json_object_new_int(done));
	json_object_object_add(o, "tests_total", json_object_new_int(total));
	char *p = proto_event_frame(topic, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), len);
	json_object_put(o);
	return p;
}

/*** The validator check's answer ***/

char *proto_compile_reply_encode(int ok, const char *output, size_t len)
{
	size_t n;
	char *clean = utf8_sanitize(output ? output : "", output ? len : 0, &n);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "output", json_object_new_string_len(clean ? clean : "", clean ? (int)n : 0));
	free(clean);
	char *txt = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return txt;
}

int proto_compile_reply_decode(const char *text, int *ok, char **output)
{
	json_object *o = text ? json_tokener_parse(text) : NULL, *v, *out;
	if (!o || !json_object_object_get_ex(o, "ok", &v) || !json_object_is_type(v, json_type_boolean) ||
	    !json_object_object_get_ex(o, "output", &out) || !json_object_is_type(out, json_type_string)) {
		json_object_put(o);
		return -1;
	}
	*ok = json_object_get_boolean(v);
	size_t n;
	*output = utf8_sanitize(json_object_get_string(out), (size_t)json_object_get_string_len(out), &n);
	json_object_put(o);
	return *output ? 0 : -1;
}
