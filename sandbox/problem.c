/* Judging a submission to a problem, as a pipeline of steps over one
 * struct judging: read the problem, compile once (cached by language and
 * source hash), build the validator (validate.c), run every test in order,
 * samples first, each in a fresh box, score scoring problems from their
 * groups (score.c), report. Progress goes out on pub/sub; the result on
 * the results stream (report.c). Slot threads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "check.h"
#include "score.h"
#include "fetch.h"
#include "judge.h"
#include "kv.h"
#include "lang.h"
#include "log.h"
#include "util.h"
#include "validate.h"

/*** Small helpers ***/

static void publish_progress(struct slot *s, const char *id, const char *text, int done, int total)
{
	size_t len;
	char *frame = proto_progress_frame(id, text, done, total, &len);
	if (frame)
		freeReplyObject(redisCommand(s->kv, "PUBLISH %s %b", KV_EVENTS, frame, len));
	free(frame);
}

/*** The submission ***/

static int test_failed(const char *v)
{
	return strcmp(v, "AC") != 0;
}

/* One submission being judged: the job, its problem, and what each step
 * leaves for the next. */
struct judging {
	struct slot *s;
	const struct proto_job *j;
	const struct lang *l;
	json_object *prob, *tests, *groups, *vspec;
	size_t nt;
	int scoring, run_all, legacy, interactive, passes;
	double tl;      /* the time limit: more CPU than this is TLE */
	double tl_kill; /* where the program is stopped: tl, or further for a
			 * package's own submission whose time is measured */
	long mem_mb, out_mb;
	struct test_result *tr;
	struct score_test *sc;
	struct validator v;
	char src[160], main_name[128], prog_dir[1100];
	char store[LANG_ARGV][256];
	char *argv[LANG_ARGV];
	struct outcome o;
	double score, max_score;
	long max_time, max_mem;
};

/* Reads the job's problem: its tests, groups, limits and kind. 0, or -1
 * with why in o. */
static int read_problem(struct judging *g)
{
	g->prob = json_tokener_parse(g->j->problem);
	if (g->prob && !json_object_is_type(g->prob, json_type_object)) {
		json_object_put(g->prob);
		g->prob = NULL;
	}
	g->l = lang_find(g->j->lang);
	g->tests = jget(g->prob, "tests");
	g->nt = g->tests ? json_object_array_length(g->tests) : 0;
	g->tr = calloc(g->nt + 1, sizeof *g->tr);
	g->sc = calloc(g->nt + 1, sizeof *g->sc);
	g->scoring = jget(g->prob, "scoring") && json_object_get_boolean(jget(g->prob, "scoring"));
	g->run_all = g->scoring || (jget(g->prob, "run_all") && json_object_get_boolean(jget(g->prob, "run_all")));
	g->legacy = jget(g->prob, "legacy") && json_object_get_boolean(jget(g->prob, "legacy"));
	g->interactive = jget(g->prob, "interactive") && json_object_get_boolean(jget(g->prob, "interactive"));
	g->groups = jget(g->prob, "groups");
	g->vspec = jget(g->prob, "validator");
	g->tl = json_object_get_double(jget(g->prob, "time_limit"));
	g->tl_kill = jget(g->prob, "time_limit_kill") ? json_object_get_double(jget(g->prob, "time_limit_kill")) : 0;
	if (!(g->tl_kill > g->tl) || g->tl_kill > 4 * g->tl + 10)
		g->tl_kill = g->tl;
	g->passes = jget(g->prob, "passes") ? json_object_get_int(jget(g->prob, "passes")) : 0;
	g->mem_mb = json_object_get_int64(jget(g->prob, "memory_mb"));
	g->out_mb = json_object_get_int64(jget(g->prob, "output_mb"));
	if (!g->prob || !g->l || !g->nt || !g->tr || !g->sc) {
		snprintf(g->o.message, sizeof g->o.message, "this judge cannot judge this submission (%s)",
			 !g->l ? "unknown language" : "bad job");
		return -1;
	}
	/* The scorer sees every test's place in the tree from the start. */
	for (size_t i = 0; i < g->nt; i++) {
		json_object *t = json_object_array_get_idx(g->tests, i);
		struct test_result *r = &g->tr[i];
		r->name = json_object_get_string(jget(t, "name"));
		r->group = json_object_get_string(jget(t, "group"));
		if (!r->name)
			r->name = "";
		if (!r->group)
			r->group = "";
		r->verdict = "JE";
		g->sc[i] = (struct score_test){.name = r->name, .group = r->group};
	}
	return 0;
}

/* Compiles the program once: the artifacts are cached by language and
 * source. 0, or -1 with CE or JE in o. */
static int compile_program(struct judging *g)
{
	const struct lang *l = g->l;
	const struct proto_job *j = g->j;
	lang_source_name(l, j->code, g->src, sizeof g->src, g->main_name, sizeof g->main_name);
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)l->id, strlen(l->id) + 1);
	for (int i = 0; l->compile[i]; i++)
		crypto_hash_sha256_update(&st, (const unsigned char *)l->compile[i], strlen(l->compile[i]) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)g->src, strlen(g->src) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)j->code, j->code_len);
	unsigned char h[32];
	char key[65];
	crypto_hash_sha256_final(&st, h);
	hex_sha256(h, key);
	snprintf(g->prog_dir, sizeof g->prog_dir, "%s/programs/%s", jcfg.cache_dir, key);
	judge_expand(l->run, g->store, g->argv, g->src, g->main_name, g->mem_mb, "/prog");
	if (!access(g->prog_dir, F_OK))
		return 0;
	publish_progress(g->s, j->id, "compiling", 0, (int)g->nt);
	if (box_clean(g->s->box) || write_file_at(box_workdir(g->s->box), g->src, j->code, j->code_len)) {
		snprintf(g->o.message, sizeof g->o.message, "cannot write the program's files");
		return -1;
	}
	if (judge_compile(g->s, l, g->src, g->main_name, &g->o))
		return -1; /* CE or JE, said in o */
	char pdir[1100];
	snprintf(pdir, sizeof pdir, "%s/programs", jcfg.cache_dir);
	util_mkdirs(pdir);
	if (save_artifacts(g->s, g->prog_dir)) {
		g->o.verdict = "JE";
		snprintf(g->o.message, sizeof g->o.message, "cannot keep the compiled program");
		return -1;
	}
	return 0;
}

/* Every pass of test t: a multi-pass test runs the program again on the
 * validator's nextpass.in, the feedback directory kept, each pass with the
 * full limits. */
static void run_passes(struct judging *g, json_object *t, struct test_result *r, const char *in_path,
		       const char *ans_path, const struct box_limits *lim)
{
	struct slot *s = g->s;
	const char *pass_in = in_path;
	char pass_file[2][1100];
	for (int pass = 1;; pass++) {
		struct test_result one = {0};
		if (g->interactive)
			r->verdict = run_interactive(s, &g->v, g->argv, lim, g->l->inet_sockets, g->prog_dir,
						     jget(t, "args"), pass == 1, &one);
		else
			r->verdict = run_pass(s, g->l, g->argv, lim, g->prog_dir, pass_in, ans_path, jget(t, "args"),
					      &g->v, pass == 1, &one);
		r->time_ms = one.time_ms > r->time_ms ? one.time_ms : r->time_ms;
		r->memory_kb = one.memory_kb > r->memory_kb ? one.memory_kb : r->memory_kb;
		r->score = one.score;
		r->has_score = one.has_score;
		snprintf(r->jmsg, sizeof r->jmsg, "%s", one.jmsg);
		/* Measured past the limit: over it is TLE all the same. */
		double limit_ms = g->tl * g->l->time_mult * 1000;
		if (g->tl_kill > g->tl && one.time_ms > limit_ms && strcmp(r->verdict, "JE")) {
			r->verdict = "TLE";
			snprintf(r->jmsg, sizeof r->jmsg, "CPU time limit exceeded (%.3g s; ran %.3g s)",
				 limit_ms / 1000, one.time_ms / 1000.0);
			return;
		}
		if (!strcmp(g->v.kind, "default"))
			return; /* the default validator writes no feedback */
		snprintf(pass_file[pass % 2], sizeof pass_file[0], "%s/pass%d.in", s->dir, pass % 2);
		int next = take_nextpass(g->interactive ? s->aux : s->box, pass_file[pass % 2]);
		if (next < 0) {
			r->verdict = "JE";
			snprintf(r->jmsg, sizeof r->jmsg, "cannot read the validator's nextpass.in");
			return;
		}
		if (!next)
			return;
		if (!g->passes || strcmp(r->verdict, "AC") || pass == g->passes) {
			const char *why = !g->passes                 ? "on a problem that is not multi-pass"
					  : strcmp(r->verdict, "AC") ? "with a verdict other than accepted"
								     : "in the last pass";
			snprintf(r->jmsg, sizeof r->jmsg, "the validator wrote nextpass.in %s (pass %d of %d)", why,
				 pass, g->passes ? g->passes : 1);
			r->verdict = "JE";
			return;
		}
		pass_in = pass_file[pass % 2];
	}
}

/* Test i: its files fetched and staged, a clean box, its passes. The
 * verdict is in g->tr[i]. */
static void run_test(struct judging *g, size_t i)
{
	json_object *t = json_object_array_get_idx(g->tests, i);
	struct test_result *r = &g->tr[i];
	char in_path[700], ans_path[700], err[512];
	const char *in_sha = json_object_get_string(jget(t, "in")), *ans_sha = json_object_get_string(jget(t, "ans"));
	if (fetch_blob(in_sha, in_path, sizeof in_path, err, sizeof err) ||
	    fetch_blob(ans_sha, ans_path, sizeof ans_path, err, sizeof err)) {
		snprintf(r->jmsg, sizeof r->jmsg, "%s", err);
		return;
	}
	if (strcmp(g->v.kind, "default") && stage_test_data(g->s, in_path, ans_path)) {
		snprintf(r->jmsg, sizeof r->jmsg, "cannot give the validator this test's files");
		return;
	}
	if (box_clean(g->s->box)) {
		snprintf(r->jmsg, sizeof r->jmsg, "cannot clean the box");
		return;
	}
	if (g->interactive && !g->vspec) {
		snprintf(r->jmsg, sizeof r->jmsg, "an interactive problem needs its validator");
		return;
	}
	struct box_limits lim;
	box_limits_default(&lim);
	lim.cpu_s = g->tl_kill * g->l->time_mult;
	lim.wall_s = lim.cpu_s * 2 + 1;
	lim.memory_kb = (g->mem_mb + g->l->extra_memory_mb) * 1024;
	lim.procs = 128;
	lim.output_kb = g->out_mb * 1024;
	lim.files = 256;
	lim.tmpfs_kb = 64 * 1024;
	run_passes(g, t, r, in_path, ans_path, &lim);
	g->max_time = r->time_ms > g->max_time ? r->time_ms : g->max_time;
	g->max_mem = r->memory_kb > g->max_mem ? r->memory_kb : g->max_mem;
}

/* The tests in order. Legacy scoring: the groups' on_reject says which run;
 * else the first failure ends judging unless every test is to run. The
 * verdict: the first failure's, or AC. */
static void run_tests(struct judging *g)
{
	const char *first_fail = NULL;
	char fail_msg[512] = "";
	int64_t last_progress = 0;
	for (size_t i = 0; i < g->nt; i++) {
		struct test_result *r = &g->tr[i];
		if (g->scoring && g->legacy ? !score_legacy_should_judge(g->groups, g->sc, g->nt, i)
					    : first_fail && !g->run_all) {
			r->judged = 0;
			continue;
		}
		r->judged = 1;
		int64_t now = util_mono_ms();
		if (now - last_progress >= 100 || i + 1 == g->nt) {
			char text[128];
			snprintf(text, sizeof text, "running test %zu of %zu", i + 1, g->nt);
			publish_progress(g->s, g->j->id, text, (int)i, (int)g->nt);
			last_progress = now;
		}
		run_test(g, i);
		g->sc[i].verdict = r->verdict;
		g->sc[i].judged = 1;
		g->sc[i].score = r->score;
		g->sc[i].has_score = r->has_score;
		if (test_failed(r->verdict) && !first_fail) {
			first_fail = r->verdict;
			snprintf(fail_msg, sizeof fail_msg, "test %s: %s", r->name, r->verdict);
		}
	}
	g->o.verdict = first_fail ? first_fail : "AC";
	snprintf(g->o.message, sizeof g->o.message, "%s", fail_msg);
}

/* The score (score.c): from the groups of a scoring problem, else 1 or 0. */
static void score_submission(struct judging *g)
{
	if (g->scoring && g->legacy) {
		/* The default grader's verdict of secret: a group may accept
		 * despite a rejected test (accept_if_any_accepted). */
		score_legacy(g->groups, g->sc, g->nt, &g->o.verdict, &g->score, &g->max_score);
		if (!strcmp(g->o.verdict, "AC"))
			g->o.message[0] = 0;
	} else if (g->scoring) {
		score_modern(g->groups, g->sc, g->nt, &g->score, &g->max_score);
	} else {
		g->max_score = 1, g->score = strcmp(g->o.verdict, "AC") ? 0 : 1;
	}
	for (size_t i = 0; i < g->nt; i++)
		g->tr[i].score = g->sc[i].score;
}

/* The per-test table, then the whole result on the results stream (tried
 * until it is out, or the judge stops). */
static void report_submission(struct judging *g)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < g->nt && g->tr && g->tr[i].name; i++) {
		const struct test_result *r = &g->tr[i];
		if (!r->judged)
			continue;
		json_object *t = json_object_new_object();
		json_object_object_add(t, "name", json_object_new_string(r->name));
		json_object_object_add(t, "group", json_object_new_string(r->group ? r->group : ""));
		json_object_object_add(t, "verdict", json_object_new_string(r->verdict));
		json_object_object_add(t, "time_ms", json_object_new_int64(r->time_ms));
		json_object_object_add(t, "memory_kb", json_object_new_int64(r->memory_kb));
		json_object_object_add(t, "score", g->scoring ? json_object_new_double(r->score) : NULL);
		if (r->jmsg[0])
			json_object_object_add(t, "judge_message", json_object_new_string(r->jmsg));
		json_object_array_add(arr, t);
	}
	struct proto_result res = {.kind = RESULT_DONE,
				   .job = JOB_SUBMISSION,
				   .id = g->j->id,
				   .attempt = g->j->attempt,
				   .judge = jcfg.name,
				   .verdict = g->o.verdict,
				   .message = g->o.message,
				   .message_len = strlen(g->o.message),
				   .time_ms = g->max_time,
				   .memory_kb = g->max_mem,
				   .compile = g->o.compile,
				   .compile_len = g->o.compile_len,
				   .tests = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN)};
	/* No score for a submission that was not judged through. */
	if (strcmp(g->o.verdict, "JE") && strcmp(g->o.verdict, "CE")) {
		/* six significant digits, as the scores are shown */
		char txt[32];
		res.has_score = 1;
		snprintf(txt, sizeof txt, "%.6g", g->score);
		res.score = strtod(txt, NULL);
		snprintf(txt, sizeof txt, "%.6g", g->max_score);
		res.max_score = strtod(txt, NULL);
	}
	while (judge_report(g->s, &res) && !atomic_load(&judge_stopping)) {
		log_warn("cannot report a result, retrying", "id", g->j->id, NULL);
		sleep(1);
	}
	log_info("judged", "id", g->j->id, "verdict", g->o.verdict, NULL);
	json_object_put(arr);
}

/* compile -> validator -> tests -> score -> report. */
void judge_submission(struct slot *s, const struct proto_job *j)
{
	struct judging *g = calloc(1, sizeof *g);
	if (!g)
		return; /* no result: the sweeper queues it again */
	g->s = s;
	g->j = j;
	g->o.verdict = "JE";
	g->v.kind = "default";
	judge_started(s, j);
	if (!read_problem(g) && !compile_program(g)) {
		if (g->vspec && prepare_validator(s, g->vspec, &g->v, &g->o)) {
			g->o.verdict = "JE";
		} else {
			run_tests(g);
			score_submission(g);
		}
	}
	report_submission(g);
	json_object_put(g->prob);
	free(g->tr);
	free(g->sc);
	outcome_free(&g->o);
	free(g);
}
