/* Unit tests of the messages between processes (common/proto.c): every
 * encoder's output read back by its decoder, and every decoder refusing
 * what is out of its type or range. */
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_harness.h"
#include "proto.h"

/* A message as Redis hands it back: a flat array reply of strings. */
struct fake {
	redisReply top;
	redisReply *el[600];
	redisReply cells[600];
};

static void fake_from(struct fake *f, const struct proto_msg *m)
{
	memset(f, 0, sizeof *f);
	f->top.type = REDIS_REPLY_ARRAY;
	f->top.elements = (size_t)m->n;
	f->top.element = f->el;
	for (int i = 0; i < m->n; i++) {
		f->cells[i].type = REDIS_REPLY_STRING;
		f->cells[i].str = (char *)m->v[i];
		f->cells[i].len = m->len[i];
		f->el[i] = &f->cells[i];
	}
}

/* A reply of literal fields: k, v, k, v, ..., NULL. */
static void fake_of(struct fake *f, struct proto_msg *m, const char *const *kv)
{
	proto_msg_init(m);
	for (int i = 0; kv[i]; i += 2)
		proto_put_str(m, kv[i], kv[i + 1]);
	fake_from(f, m);
}

static int job_refused(const char *const *kv)
{
	struct fake f;
	struct proto_msg m;
	struct proto_job j;
	char why[128];
	fake_of(&f, &m, kv);
	int rc = proto_job_decode(&f.top, &j, why, sizeof why);
	proto_msg_free(&m);
	return rc == -1 && why[0];
}

static void test_jobs(void)
{
	static const char code[] = "print(1)\0tail";
	struct proto_job in = {.kind = JOB_RUN,
			       .id = "r123",
			       .attempt = 3,
			       .lang = "python3",
			       .code = code,
			       .code_len = sizeof code - 1,
			       .input = "1 2\n",
			       .input_len = 4,
			       .cpu_s = 2.5,
			       .wall_s = 5,
			       .memory_mb = 256};
	struct proto_msg m;
	struct fake f;
	struct proto_job out;
	char why[128];
	proto_msg_init(&m);
	proto_job_encode(&in, &m);
	fake_from(&f, &m);
	CHECK(proto_job_decode(&f.top, &out, why, sizeof why) == 0);
	CHECK(out.kind == JOB_RUN && !strcmp(out.id, "r123") && out.attempt == 3 && !strcmp(out.lang, "python3"));
	CHECK(out.code_len == sizeof code - 1 && !memcmp(out.code, code, sizeof code - 1)); /* bytes, NUL too */
	CHECK(out.input_len == 4 && !strcmp(out.input, "1 2\n"));
	CHECK(out.cpu_s == 2.5 && out.wall_s == 5 && out.memory_mb == 256);
	proto_msg_free(&m);

	struct proto_job sub = {.kind = JOB_SUBMISSION,
				.id = "s1",
				.attempt = 1,
				.lang = "cpp",
				.code = "int main(){}",
				.code_len = 12,
				.problem = "{\"tests\":[]}"};
	proto_msg_init(&m);
	proto_job_encode(&sub, &m);
	fake_from(&f, &m);
	CHECK(proto_job_decode(&f.top, &out, why, sizeof why) == 0);
	CHECK(out.kind == JOB_SUBMISSION && !strcmp(out.problem, "{\"tests\":[]}"));
	proto_msg_free(&m);

	struct proto_job comp = {
		.kind = JOB_COMPILE, .id = "tok", .attempt = 1, .lang = "python3", .names = "[\"a\",\"b\"]"};
	comp.file[0] = "A";
	comp.file_len[0] = 1;
	comp.file[1] = "BB";
	comp.file_len[1] = 2;
	comp.nfiles = 2;
	proto_msg_init(&m);
	proto_job_encode(&comp, &m);
	fake_from(&f, &m);
	CHECK(proto_job_decode(&f.top, &out, why, sizeof why) == 0);
	CHECK(out.kind == JOB_COMPILE && out.nfiles == 2 && out.file_len[1] == 2 && !memcmp(out.file[1], "BB", 2));
	proto_msg_free(&m);

	/* Refused at the boundary, saying why. */
	CHECK(job_refused((const char *const[]){"kind", "run", "lang", "python3", NULL}));           /* no id */
	CHECK(job_refused((const char *const[]){"kind", "run", "id", "../etc", "lang", "c", NULL})); /* not an id */
	CHECK(job_refused((const char *const[]){"kind", "dance", "id", "x1", "lang", "c", NULL}));   /* no such kind */
	CHECK(job_refused((const char *const[]){"kind", "run", "id", "x1", "lang", "c;rm", NULL}));  /* language */
	CHECK(job_refused((const char *const[]){"kind", "run", "id", "x1", "lang", "c", NULL}));     /* no code */
	CHECK(job_refused((const char *const[]){"kind", "run", "id", "x1", "lang", "c", "code", "", "cpu_s", "nan",
						"wall_s", "5", "memory_mb", "256", NULL})); /* limits */
	CHECK(job_refused((const char *const[]){"kind", "run", "id", "x1", "lang", "c", "code", "", "cpu_s", "1",
						"wall_s", "5", "memory_mb", "-1", NULL}));
	CHECK(job_refused((const char *const[]){"kind", "submission", "id", "x1", "lang", "c", "code", "", NULL}));
	CHECK(job_refused((const char *const[]){"kind", "compile", "id", "x1", "lang", "c", NULL})); /* no names */
	/* An attempt that is no number is the first. */
	proto_msg_init(&m);
	const char *const ok[] = {"kind", "run",   "id", "x1",     "attempt", "lots",      "lang", "c", "code",
				  "",     "cpu_s", "1",  "wall_s", "2",       "memory_mb", "64",   NULL};
	fake_of(&f, &m, ok);
	CHECK(proto_job_decode(&f.top, &out, why, sizeof why) == 0 && out.attempt == 1 && out.input_len == 0);
	proto_msg_free(&m);
}

static int result_of(const char *const *kv, struct proto_result *r, struct proto_msg *m, struct fake *f)
{
	fake_of(f, m, kv);
	return proto_result_decode(&f->top, r);
}

static void test_results(void)
{
	struct proto_result in = {.kind = RESULT_DONE,
				  .job = JOB_SUBMISSION,
				  .id = "s9",
				  .attempt = 2,
				  .judge = "judge-1",
				  .verdict = "WA",
				  .message = "wrong",
				  .message_len = 5,
				  .time_ms = 120,
				  .memory_kb = 4096,
				  .has_score = 1,
				  .score = 1.0 / 3,
				  .max_score = 100,
				  .tests = "[]"};
	struct proto_msg m;
	struct fake f;
	struct proto_result out;
	proto_msg_init(&m);
	proto_result_encode(&in, &m);
	fake_from(&f, &m);
	CHECK(proto_result_decode(&f.top, &out) == 0 && !out.invalid);
	CHECK(out.kind == RESULT_DONE && out.job == JOB_SUBMISSION && !strcmp(out.id, "s9") && out.attempt == 2);
	CHECK(!strcmp(out.verdict, "WA") && out.message_len == 5 && out.time_ms == 120 && out.memory_kb == 4096);
	CHECK(out.has_score && out.score == 1.0 / 3 && out.max_score == 100); /* exact: %.17g */
	CHECK(!strcmp(out.tests, "[]") && !strcmp(out.judge, "judge-1"));
	proto_msg_free(&m);

	struct proto_result run = {.kind = RESULT_DONE,
				   .job = JOB_RUN,
				   .id = "r1",
				   .attempt = 1,
				   .judge = "j",
				   .verdict = "RTE",
				   .message = "",
				   .has_exit = 1,
				   .exit_code = -11,
				   .out = "a\0b",
				   .out_len = 3,
				   .err = "",
				   .out_truncated = 1};
	proto_msg_init(&m);
	proto_result_encode(&run, &m);
	fake_from(&f, &m);
	CHECK(proto_result_decode(&f.top, &out) == 0 && !out.invalid);
	CHECK(out.job == JOB_RUN && out.has_exit && out.exit_code == -11 && out.out_len == 3 && out.out_truncated &&
	      !out.err_truncated);
	proto_msg_free(&m);

	struct proto_result started = {.kind = RESULT_STARTED, .job = JOB_RUN, .id = "r1", .attempt = 1, .judge = "j"};
	proto_msg_init(&m);
	proto_result_encode(&started, &m);
	fake_from(&f, &m);
	CHECK(proto_result_decode(&f.top, &out) == 0 && out.kind == RESULT_STARTED);
	proto_msg_free(&m);

	/* Not results at all. */
	CHECK(result_of((const char *const[]){"kind", "done", "job", "run", NULL}, &out, &m, &f) == -1);
	proto_msg_free(&m);
	CHECK(result_of((const char *const[]){"kind", "done", "job", "run", "id", "x' OR 1", NULL}, &out, &m, &f) ==
	      -1);
	proto_msg_free(&m);
	CHECK(result_of((const char *const[]){"kind", "done", "job", "compile", "id", "x1", NULL}, &out, &m, &f) == -1);
	proto_msg_free(&m);
	CHECK(result_of((const char *const[]){"kind", "over", "job", "run", "id", "x1", NULL}, &out, &m, &f) == -1);
	proto_msg_free(&m);
	/* Values out of their type: JE, saying which. */
	CHECK(result_of((const char *const[]){"kind", "done", "job", "submission", "id", "s1", "verdict", "AC", "score",
					      "nan", "max_score", "inf", NULL},
			&out, &m, &f) == 0);
	CHECK(!strcmp(out.verdict, "JE") && out.invalid && !strcmp(out.invalid, "score") && !out.has_score &&
	      isnan(out.score));
	proto_msg_free(&m);
	CHECK(result_of((const char *const[]){"kind", "done", "job", "run", "id", "r1", "verdict", "AC", "time_ms",
					      "1e99", NULL},
			&out, &m, &f) == 0);
	CHECK(!strcmp(out.verdict, "JE") && out.invalid && !strcmp(out.invalid, "time_ms") && out.time_ms == 0);
	proto_msg_free(&m);
	CHECK(result_of((const char *const[]){"kind", "done", "job", "run", "id", "r1", "verdict", "AC", "exit_code",
					      "0, verdict = 'OK'", NULL},
			&out, &m, &f) == 0);
	CHECK(!strcmp(out.verdict, "JE") && !strcmp(out.invalid, "exit_code"));
	proto_msg_free(&m);
	/* A verdict that is not one: JE, the message kept. */
	CHECK(result_of((const char *const[]){"kind", "done", "job", "run", "id", "r1", "verdict", "ac", "message",
					      "hi", NULL},
			&out, &m, &f) == 0);
	CHECK(!strcmp(out.verdict, "JE") && !out.invalid && out.message_len == 2);
	proto_msg_free(&m);
	/* A run from a judge that wrote no job field. */
	CHECK(result_of((const char *const[]){"kind", "done", "id", "r1", "verdict", "OK", NULL}, &out, &m, &f) == 0);
	CHECK(out.job == JOB_RUN && !strcmp(out.verdict, "OK"));
	proto_msg_free(&m);
	CHECK(proto_verdict("AC") && proto_verdict("TLE") && !proto_verdict("A") && !proto_verdict("ACCEPTED1") &&
	      !proto_verdict(NULL) && !proto_verdict("Wa"));
}

static void test_events(void)
{
	size_t len;
	char *p = proto_event_frame("run/abc", "{\"x\":1}", &len);
	const char *topic, *data;
	size_t dl;
	CHECK(p && len == strlen("run/abc\n{\"x\":1}"));
	CHECK(proto_event_split(p, len, &topic, &data, &dl) == 0 && !strcmp(topic, "run/abc") && dl == 7 &&
	      !strncmp(data, "{\"x\":1}", 7));
	free(p);
	char bad[] = "no newline";
	CHECK(proto_event_split(bad, strlen(bad), &topic, &data, &dl) == -1);
	char nul[] = "\0run/x\n{}"; /* a NUL in the topic (found by fuzz_proto) */
	CHECK(proto_event_split(nul, sizeof nul - 1, &topic, &data, &dl) == -1);
	char empty[] = "\n{}";
	CHECK(proto_event_split(empty, sizeof empty - 1, &topic, &data, &dl) == -1);
	/* Progress text with quotes is still JSON. */
	p = proto_progress_frame("s1", "running \"test\" 3", 3, 9, &len);
	CHECK(p && proto_event_split(p, len, &topic, &data, &dl) == 0 && !strcmp(topic, "submission/s1"));
	json_object *o = json_tokener_parse(data);
	CHECK(o && !strcmp(json_object_get_string(json_object_object_get(o, "progress")), "running \"test\" 3"));
	CHECK(o && json_object_get_int(json_object_object_get(o, "tests_total")) == 9);
	json_object_put(o);
	free(p);
}

static void test_compile_reply(void)
{
	char *txt = proto_compile_reply_encode(0, "err\xff\xfe here", 11), *out = NULL;
	int ok = 1;
	CHECK(txt && proto_compile_reply_decode(txt, &ok, &out) == 0 && ok == 0);
	CHECK(out && strstr(out, "here") && !strchr(out, '\xff')); /* valid UTF-8 */
	free(txt);
	free(out);
	CHECK(proto_compile_reply_decode("{\"ok\":\"yes\",\"output\":\"\"}", &ok, &out) == -1);
	CHECK(proto_compile_reply_decode("[]", &ok, &out) == -1);
	CHECK(proto_compile_reply_decode(NULL, &ok, &out) == -1);
}

int main(void)
{
	test_jobs();
	test_results();
	test_events();
	test_compile_reply();
	return check_summary();
}
