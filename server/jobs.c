/* Jobs for the judges: the only writer of the job streams (kv_lanes). A
 * run, a submission (with the judge's view of its problem) or a
 * validator's compile check goes out as proto_job (proto.h) with its index
 * entry; the languages the judges announced say what may be asked.
 * Workers only (and the recorder's sweeper). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "package.h"
#include "server.h"
#include "util.h"
#include "jobs.h"
#include "verify.h"

int language_known(redisContext *kv, const char *lang)
{
	if (!util_id_valid(lang, 32))
		return 0;
	redisReply *r = redisCommand(kv, "HEXISTS %s %s", KV_LANGS, lang);
	int ok = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return ok;
}

double language_time_mult(redisContext *kv, const char *lang)
{
	if (!util_id_valid(lang, 32))
		return 1;
	redisReply *r = redisCommand(kv, "HGET %s %s", KV_LANGS, lang);
	json_object *o = r && r->type == REDIS_REPLY_STRING ? json_tokener_parse(r->str) : NULL, *m;
	double mult = o && json_object_object_get_ex(o, "time_mult", &m) ? json_object_get_double(m) : 1;
	json_object_put(o);
	freeReplyObject(r);
	return mult > 0 && mult <= 100 ? mult : 1;
}

/* One round trip: the job and its index entry, so the sweeper can tell a
 * run that has a job from one that lost it. */
static const char enqueue_lua[] = "local e = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2)) "
				  "redis.call('HSET', KEYS[2], ARGV[1], e) return e";

int job_enqueue(redisContext *kv, enum kv_lane lane, const struct proto_job *job)
{
	struct proto_msg m;
	proto_msg_init(&m);
	proto_job_encode(job, &m);
	const char *head[] = {"EVAL", enqueue_lua, "2", kv_lanes[lane], KV_JOBIDX, job->id};
	redisReply *r = proto_send(kv, head, 6, &m);
	proto_msg_free(&m);
	int ok = r && r->type == REDIS_REPLY_STRING;
	if (!ok)
		log_warn("cannot queue a job", "id", job->id, "error",
			 r && r->type == REDIS_REPLY_ERROR ? r->str : "no reply", NULL);
	freeReplyObject(r);
	return ok ? 0 : -1;
}

int runs_enqueue(redisContext *kv, const char *id, int attempt, const char *lang, const char *code, size_t code_len,
		 const char *input, size_t input_len)
{
	struct proto_job j = {.kind = JOB_RUN,
			      .id = id,
			      .attempt = attempt,
			      .lang = lang,
			      .code = code,
			      .code_len = code_len,
			      .input = input,
			      .input_len = input_len,
			      .cpu_s = cfg.run_cpu_s,
			      .wall_s = cfg.run_wall_s,
			      .memory_mb = cfg.run_memory_mb};
	return job_enqueue(kv, LANE_RUNS, &j);
}

/* The judge's view of a problem: limits, validator and tests by hash. */
static json_object *problem_spec(struct worker *w, const char *pid, int *version)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT time_limit, memory_limit, output_limit, interactive, scoring, validator_kind, "
			 "validator_lang, validator_path, run_all_tests, package_version, validation_passes, format "
			 "FROM problems "
			 "WHERE id = %q",
			 pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return NULL;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(pid));
	json_object_object_add(o, "time_limit", json_object_new_double(strtod(row[0], NULL)));
	json_object_object_add(o, "memory_mb", json_object_new_int(atoi(row[1])));
	json_object_object_add(o, "output_mb", json_object_new_int(atoi(row[2])));
	json_object_object_add(o, "interactive", json_object_new_boolean(atoi(row[3])));
	json_object_object_add(o, "scoring", json_object_new_boolean(atoi(row[4])));
	json_object_object_add(o, "run_all", json_object_new_boolean(atoi(row[8])));
	json_object_object_add(o, "passes", json_object_new_int(atoi(row[10])));
	/* Legacy packages grade by the tree of groups (on_reject, grader_flags). */
	json_object_object_add(o, "legacy", json_object_new_boolean(!strncmp(row[11], "legacy", 6)));
	*version = atoi(row[9]);
	json_object_object_add(o, "version", json_object_new_int(*version));
	char vpath[800] = "";
	if (strcmp(row[5], "default") && row[7]) {
		json_object *v = json_object_new_object();
		json_object_object_add(v, "kind", json_object_new_string(row[5]));
		json_object_object_add(v, "lang", json_object_new_string(row[6] ? row[6] : "cpp"));
		json_object_object_add(o, "validator", v);
		snprintf(vpath, sizeof vpath, "%s", row[7]);
	}
	mysql_free_result(res);
	if (vpath[0]) {
		json_object *files = json_object_new_array();
		res = db_query(
			w->db, &e,
			"SELECT path, sha256 FROM problem_files WHERE problem_id = %q AND (path = %q OR path LIKE "
			"CONCAT(%q, '/%%')) ORDER BY path",
			pid, vpath, vpath);
		while (res && (row = mysql_fetch_row(res))) {
			json_object *f = json_object_new_object();
			json_object_object_add(
				f, "path",
				json_object_new_string(row[0] + strlen(vpath) + (row[0][strlen(vpath)] == '/')));
			json_object_object_add(f, "sha", json_object_new_string(row[1]));
			json_object_array_add(files, f);
		}
		mysql_free_result(res);
		json_object *v;
		json_object_object_get_ex(o, "validator", &v);
		json_object_object_add(v, "files", files);
	}
	json_object *groups = json_object_new_array();
	res = db_query(w->db, &e, "SELECT name, settings FROM test_groups WHERE problem_id = %q ORDER BY ord", pid);
	while (res && (row = mysql_fetch_row(res))) {
		json_object *g = json_object_new_object();
		json_object_object_add(g, "name", json_object_new_string(row[0]));
		json_object *s = json_tokener_parse(row[1]);
		json_object_object_add(g, "settings", s ? s : json_object_new_object());
		json_object_array_add(groups, g);
	}
	mysql_free_result(res);
	json_object_object_add(o, "groups", groups);
	json_object *tests = json_object_new_array();
	res = db_query(w->db, &e,
		       "SELECT name, group_name, sample, input_sha256, answer_sha256, validator_args FROM testcases "
		       "WHERE problem_id = %q ORDER BY ord",
		       pid);
	while (res && (row = mysql_fetch_row(res))) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(row[0]));
		json_object_object_add(t, "group", json_object_new_string(row[1]));
		json_object_object_add(t, "sample", json_object_new_boolean(atoi(row[2])));
		json_object_object_add(t, "in", json_object_new_string(row[3]));
		json_object_object_add(t, "ans", json_object_new_string(row[4]));
		json_object *a = row[5] ? json_tokener_parse(row[5]) : NULL;
		json_object_object_add(t, "args", a ? a : json_object_new_array());
		json_object_array_add(tests, t);
	}
	mysql_free_result(res);
	json_object_object_add(o, "tests", tests);
	return o;
}

/* A package's own submission: while the problem's limit is looked for, the
 * cap; after, the limit, but measured on to the limit × time_limit_to_tle
 * (and a little) so the report can tell a TLE that keeps its distance. */
static void verification_limits(json_object *spec, const char *from, const char *multipliers, double tl)
{
	double ac, tle, res;
	verify_timing_parse(multipliers, &ac, &tle, &res);
	if (!strcmp(from, "inferring")) {
		json_object_object_add(spec, "time_limit",
				       json_object_new_double(verify_time_cap(cfg.infer_time_cap_s, ac)));
		return;
	}
	json_object_object_add(spec, "time_limit_kill", json_object_new_double(tl * tle * 1.05 + 0.1));
}

int submission_enqueue(struct worker *w, const char *id, int attempt, int rejudge)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT s.problem_id, s.language, s.code, COALESCE(u.premium, 0), s.contest_id, "
			 "s.run_all_tests, s.user_id IS NULL, p.time_limit_from, p.time_multipliers, p.time_limit "
			 "FROM submissions s LEFT JOIN users u ON u.id = s.user_id JOIN problems p ON p.id = "
			 "s.problem_id WHERE s.id = %q",
			 id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return -1;
	}
	unsigned long *lens = mysql_fetch_lengths(res);
	int version = 0;
	json_object *spec = problem_spec(w, row[0], &version);
	if (!spec) {
		mysql_free_result(res);
		return -1;
	}
	if (atoi(row[5]))
		json_object_object_add(spec, "run_all", json_object_new_boolean(1));
	if (atoi(row[6]))
		verification_limits(spec, row[7], row[8], strtod(row[9], NULL));
	struct proto_job j = {.kind = JOB_SUBMISSION,
			      .id = id,
			      .attempt = attempt,
			      .lang = row[1],
			      .code = row[2],
			      .code_len = lens[2],
			      .problem = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PLAIN)};
	enum kv_lane lane = rejudge ? LANE_REJUDGE : row[4] ? LANE_CONTEST : atoi(row[3]) ? LANE_PREMIUM : LANE_NORMAL;
	int rc = job_enqueue(w->kv, lane, &j);
	json_object_put(spec);
	mysql_free_result(res);
	return rc;
}

/* A judge builds a program of the package (its files sent inline) and,
 * with inputs, runs it on them as an input validator; it answers on a list
 * of its own, which the import waits wait_s for. what names the program
 * for people. 0 built (and every input valid); -1 with why. */
static int program_check(struct worker *w, const struct pkg *p, const char *vpath, const char *lang, const char *inputs,
			 const char *what, int wait_s, char *err, size_t errlen)
{
	char token[25];
	util_random_id(token, 24);
	json_object *files = json_object_new_array();
	size_t vl = strlen(vpath);
	struct proto_job j = {.kind = JOB_COMPILE, .id = token, .attempt = 1, .lang = lang, .inputs = inputs};
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *path = p->files[i].path;
		if (strncmp(path, vpath, vl) || (path[vl] && path[vl] != '/'))
			continue;
		if (j.nfiles == PROTO_MAX_FILES) {
			json_object_put(files);
			snprintf(err, errlen, "the %s has more than %d files", what, PROTO_MAX_FILES);
			return -1;
		}
		const char *rel = path[vl] ? path + vl + 1 : strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		json_object_array_add(files, json_object_new_string(rel));
		j.file[j.nfiles] = (const char *)p->files[i].data;
		j.file_len[j.nfiles++] = p->files[i].len;
	}
	j.names = json_object_to_json_string_ext(files, JSON_C_TO_STRING_PLAIN);
	/* An admin waits on it: the first lane. */
	int rc = job_enqueue(w->kv, LANE_CONTEST, &j);
	json_object_put(files);
	if (rc) {
		snprintf(err, errlen, "cannot queue the %s's compilation", what);
		return -1;
	}
	char key[64];
	redisReply *r = redisCommand(w->kv, "BLPOP %s %d", kv_reply_key(key, sizeof key, token), wait_s);
	int ok = -1, compiled = 0;
	char *out = NULL;
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 || r->element[1]->type != REDIS_REPLY_STRING) {
		snprintf(err, errlen, "no judge %s the %s within %d s; is a judge running?",
			 inputs ? "ran" : "compiled", what, wait_s);
	} else if (proto_compile_reply_decode(r->element[1]->str, &compiled, &out)) {
		snprintf(err, errlen, "a judge's answer on the %s was not one", what);
	} else if (compiled) {
		ok = 0;
	} else {
		/* What the judge says may be any bytes: text for people. */
		size_t n;
		char *clean = utf8_sanitize(out, strlen(out), &n);
		snprintf(err, errlen, "the %s (%s, %s)%s%.300s", what, vpath, lang,
			 inputs ? ": " : " does not compile: ", clean[0] ? clean : "no output");
		free(clean);
	}
	free(out);
	freeReplyObject(r);
	return ok;
}

int validator_check(struct worker *w, const struct pkg *p, char *err, size_t errlen)
{
	if (!p->validator_path[0])
		return 0;
	return program_check(w, p, p->validator_path, p->validator_lang, NULL, "output validator",
			     cfg.validator_check_s, err, errlen);
}

int input_validators_check(struct worker *w, const struct pkg *p, char *err, size_t errlen)
{
	for (int v = 0; v < p->n_input_validators; v++) {
		const struct pkg_program *iv = &p->input_validators[v];
		json_object *inputs = json_object_new_array();
		for (size_t i = 0; i < p->ntests; i++) {
			const struct pkg_test *t = &p->tests[i];
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(t->name));
			json_object_object_add(o, "in", json_object_new_string(p->files[t->in].sha));
			json_object_object_add(o, "args", pkg_input_args(t, iv));
			json_object_array_add(inputs, o);
		}
		/* A second a test on top of the compilation. */
		int wait_s = cfg.validator_check_s + (int)(p->ntests < 600 ? p->ntests : 600);
		int rc = program_check(w, p, iv->path, iv->lang,
				       json_object_to_json_string_ext(inputs, JSON_C_TO_STRING_PLAIN),
				       "input validator", wait_s, err, errlen);
		json_object_put(inputs);
		if (rc)
			return -1;
	}
	return 0;
}

int job_exists(redisContext *kv, const char *id)
{
	redisReply *r = redisCommand(kv, "HEXISTS %s %s", KV_JOBIDX, id);
	int has = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return has;
}
