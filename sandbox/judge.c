/* The job loop: XREADGROUP a job, compile and run it in the box, XADD the
 * result, then XACK. Jobs left pending by a dead judge are taken over with
 * XAUTOCLAIM; a live judge keeps its jobs fresh with XCLAIM from the
 * heartbeat so they are never taken while it works on them. */
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

/*** Results ***/

void outcome_free(struct outcome *o)
{
	free(o->out);
	free(o->err);
	free(o->compile);
}

int judge_report(struct slot *s, const char *const *fields, const size_t *flens, int n)
{
	const char **argv = calloc((size_t)n + 3, sizeof *argv);
	size_t *lens = calloc((size_t)n + 3, sizeof *lens);
	argv[0] = "XADD";
	argv[1] = KV_RESULTS;
	argv[2] = "*";
	for (int i = 0; i < 3; i++)
		lens[i] = strlen(argv[i]);
	for (int i = 0; i < n; i++) {
		argv[3 + i] = fields[i];
		lens[3 + i] = flens[i];
	}
	redisReply *r = redisCommandArgv(s->kv, n + 3, argv, lens);
	int ok = r && r->type == REDIS_REPLY_STRING;
	freeReplyObject(r);
	free(argv);
	free(lens);
	return ok ? 0 : -1;
}

static int report(struct slot *s, const char *id, const char *attempt, const struct outcome *o)
{
	char ec[16] = "", tm[24], mem[24], ot[4], et[4];
	if (o->has_exit)
		snprintf(ec, sizeof ec, "%d", o->exit_code);
	snprintf(tm, sizeof tm, "%ld", o->time_ms);
	snprintf(mem, sizeof mem, "%ld", o->memory_kb);
	snprintf(ot, sizeof ot, "%d", o->out_trunc);
	snprintf(et, sizeof et, "%d", o->err_trunc);
	const char *argv[] = {"XADD",
			      KV_RESULTS,
			      "*",
			      "kind",
			      "done",
			      "job",
			      "run",
			      "id",
			      id,
			      "attempt",
			      attempt,
			      "judge",
			      jcfg.name,
			      "verdict",
			      o->verdict,
			      "message",
			      o->message,
			      "exit_code",
			      ec,
			      "time_ms",
			      tm,
			      "memory_kb",
			      mem,
			      "stdout_truncated",
			      ot,
			      "stderr_truncated",
			      et,
			      "stdout",
			      o->out ? o->out : "",
			      "stderr",
			      o->err ? o->err : "",
			      "compile_output",
			      o->compile ? o->compile : ""};
	size_t n = sizeof argv / sizeof argv[0], lens[sizeof argv / sizeof argv[0]];
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(argv[i]);
	lens[n - 5] = o->out_len;
	lens[n - 3] = o->err_len;
	lens[n - 1] = o->compile_len;
	redisReply *r = redisCommandArgv(s->kv, (int)n, argv, lens);
	int ok = r && r->type == REDIS_REPLY_STRING;
	freeReplyObject(r);
	return ok ? 0 : -1;
}

/* Done with a job: the result is out, so the job can go. The index entry
 * is removed only if it still names this job (the sweeper may have queued
 * the run again meanwhile). */
static const char finish_lua[] = "redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) redis.call('XDEL', KEYS[1], ARGV[2]) "
				 "if redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[2] then "
				 "redis.call('HDEL', KEYS[2], ARGV[3]) end return 1";

static void finish(struct slot *s, const char *entry, const char *id)
{
	redisReply *r = redisCommand(s->kv, "EVAL %s 2 %s %s %s %s %s", finish_lua, s->stream, KV_JOBIDX, KV_JOBS_GROUP,
				     entry, id);
	freeReplyObject(r);
}

/*** Files on the host side ***/

int write_file_at(const char *dir, const char *name, const char *data, size_t len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

int open_out(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* Reads back at most max bytes of a host-side output file. */
char *read_back(int fd, size_t max, size_t *len, int *trunc)
{
	struct stat st;
	*len = 0;
	*trunc = 0;
	if (fd < 0 || fstat(fd, &st))
		return strdup("");
	size_t n = (size_t)st.st_size > max ? max : (size_t)st.st_size;
	*trunc = (size_t)st.st_size > max;
	char *buf = malloc(n + 1);
	ssize_t r = pread(fd, buf, n, 0);
	*len = r > 0 ? (size_t)r : 0;
	buf[*len] = 0;
	return buf;
}

/*** Compile and run ***/

/* Expands {src}, {main}, {xmx}, {dir} in a language's argv template into out. */
void judge_expand(const char *const *tmpl, char store[LANG_ARGV][256], char *out[LANG_ARGV], const char *src,
		  const char *main_name, long xmx, const char *dir)
{
	int i;
	for (i = 0; tmpl[i] && i < LANG_ARGV - 1; i++) {
		const char *t = tmpl[i];
		char *d = store[i];
		size_t cap = 256, n = 0;
		while (*t && n + 1 < cap) {
			if (!strncmp(t, "{src}", 5)) {
				n += (size_t)snprintf(d + n, cap - n, "%s", src);
				t += 5;
			} else if (!strncmp(t, "{main}", 6)) {
				n += (size_t)snprintf(d + n, cap - n, "%s", main_name);
				t += 6;
			} else if (!strncmp(t, "{xmx}", 5)) {
				n += (size_t)snprintf(d + n, cap - n, "%ld", xmx);
				t += 5;
			} else if (!strncmp(t, "{dir}", 5)) {
				n += (size_t)snprintf(d + n, cap - n, "%s", dir);
				t += 5;
			} else {
				d[n++] = *t++;
			}
			if (n >= cap)
				n = cap - 1;
		}
		d[n] = 0;
		out[i] = d;
	}
	out[i] = NULL;
}

const char *status_verdict(enum box_status st)
{
	switch (st) {
	case BOX_OK:
		return "OK";
	case BOX_TLE:
		return "TLE";
	case BOX_MLE:
		return "MLE";
	case BOX_OLE:
		return "OLE";
	case BOX_JE:
		return "JE";
	default:
		return "RTE";
	}
}

static void judge_run(struct slot *s, const redisReply *f, struct outcome *o)
{
	const redisReply *lang_r = kv_field(f, "lang"), *code_r = kv_field(f, "code"), *input_r = kv_field(f, "input");
	const redisReply *lim_r = kv_field(f, "limits");
	memset(o, 0, sizeof *o);
	o->verdict = "JE";
	const struct lang *l = lang_r && lang_r->type == REDIS_REPLY_STRING ? lang_find(lang_r->str) : NULL;
	if (!l || !code_r || code_r->type != REDIS_REPLY_STRING) {
		snprintf(o->message, sizeof o->message, "this judge cannot run %s",
			 lang_r && lang_r->type == REDIS_REPLY_STRING ? lang_r->str : "an unnamed language");
		return;
	}
	double cpu_s = 2, wall_s = 5;
	long mem_mb = 256;
	json_object *lim = lim_r && lim_r->type == REDIS_REPLY_STRING ? json_tokener_parse(lim_r->str) : NULL;
	json_object *v;
	if (lim && json_object_object_get_ex(lim, "cpu_s", &v))
		cpu_s = json_object_get_double(v);
	if (lim && json_object_object_get_ex(lim, "wall_s", &v))
		wall_s = json_object_get_double(v);
	if (lim && json_object_object_get_ex(lim, "memory_mb", &v))
		mem_mb = json_object_get_int64(v);
	json_object_put(lim);

	if (box_clean(s->box)) {
		snprintf(o->message, sizeof o->message, "cannot clean the box");
		return;
	}
	const char *work = box_workdir(s->box);
	char src[160], main_name[128] = "main";
	if (l->source) {
		snprintf(src, sizeof src, "%s", l->source);
	} else {
		lang_java_class(code_r->str, main_name, sizeof main_name);
		const char *dot = strrchr(main_name, '.');
		snprintf(src, sizeof src, "%s.java", dot ? dot + 1 : main_name);
	}
	if (write_file_at(work, src, code_r->str, code_r->len) ||
	    write_file_at(s->dir, "input", input_r && input_r->type == REDIS_REPLY_STRING ? input_r->str : "",
			  input_r && input_r->type == REDIS_REPLY_STRING ? input_r->len : 0)) {
		snprintf(o->message, sizeof o->message, "cannot write the program's files");
		return;
	}
	char store[LANG_ARGV][256];
	char *argv[LANG_ARGV];
	struct box_spec spec;
	struct box_result res;

	int crc = judge_compile(s, l, src, main_name, o);
	if (crc)
		return;

	box_spec_init(&spec);
	spec.lim.cpu_s = cpu_s * l->time_mult;
	spec.lim.wall_s = wall_s * l->time_mult;
	if (spec.lim.wall_s < spec.lim.cpu_s * 1.5)
		spec.lim.wall_s = spec.lim.cpu_s * 1.5;
	spec.lim.memory_kb = (mem_mb + l->extra_memory_mb) * 1024;
	spec.lim.procs = 128;
	spec.lim.output_kb = jcfg.output_limit_kb;
	spec.lim.files = 256;
	spec.lim.tmpfs_kb = 256 * 1024;
	spec.workdir = work;
	spec.inet_sockets = l->inet_sockets;
	spec.env = (char *const *)l->env;
	judge_expand(l->run, store, argv, src, main_name, mem_mb, "/box");
	spec.argv = argv;
	char inpath[600];
	snprintf(inpath, sizeof inpath, "%s/input", s->dir);
	int ifd = open(inpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int ofd = open_out(s->dir, "stdout"), efd = open_out(s->dir, "stderr");
	spec.stdin_fd = ifd;
	spec.stdout_fd = ofd;
	spec.stderr_fd = efd;
	int rc = box_run(s->box, &spec, &res);
	o->out = read_back(ofd, (size_t)jcfg.store_output, &o->out_len, &o->out_trunc);
	o->err = read_back(efd, (size_t)jcfg.store_output, &o->err_len, &o->err_trunc);
	if (ifd >= 0)
		close(ifd);
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	if (rc) {
		snprintf(o->message, sizeof o->message, "the box failed: %s", strerror(-rc));
		return;
	}
	o->verdict = status_verdict(res.status);
	if (res.status == BOX_OK && res.exit_code != 0)
		o->verdict = "RTE";
	o->has_exit = res.signal == 0 && res.status != BOX_JE;
	o->exit_code = res.exit_code;
	o->time_ms = res.cpu_ms;
	o->memory_kb = res.memory_kb;
	if (res.message[0])
		snprintf(o->message, sizeof o->message, "%s", res.message);
	else if (!strcmp(o->verdict, "RTE"))
		snprintf(o->message, sizeof o->message, "exited with code %d", res.exit_code);
}

/* Compiles the files in the slot's work directory. 0 compiled (or nothing
 * to compile); 1 CE and -1 JE, with o filled in. */
/*** The precompiled bits/stdc++.h ***/

/* GCC takes dir/bits/stdc++.h.gch for <bits/stdc++.h> when dir is searched
 * first and the flags match, so C++ compiles get -I/pch when it is ready.
 * Built once per cache, in the background, with the C++ flags. */
static atomic_int pch_ready;
static char pch_dir[1024];

static void *pch_build(void *arg)
{
	(void)arg;
	char out[1200], tmp[1300], cmd[3000];
	snprintf(out, sizeof out, "%s/bits/stdc++.h.gch", pch_dir);
	if (!access(out, R_OK)) {
		atomic_store(&pch_ready, 1);
		return NULL;
	}
	snprintf(tmp, sizeof tmp, "%s.%d", out, getpid());
	const struct lang *l = lang_find("cpp");
	if (!l)
		return NULL;
	/* The same flags as a submission's compile, but for the header. */
	size_t n = (size_t)snprintf(cmd, sizeof cmd, "mkdir -p '%s/bits' && %s", pch_dir, l->compile[0]);
	for (int i = 1; l->compile[i] && strcmp(l->compile[i], "-o"); i++)
		if (strcmp(l->compile[i], "-static"))
			n += (size_t)snprintf(cmd + n, sizeof cmd - n, " %s", l->compile[i]);
	snprintf(cmd + n, sizeof cmd - n,
		 " -x c++-header \"$(echo '#include <bits/stdc++.h>' | %s -x c++ -E -H - 2>&1 >/dev/null | "
		 "sed -n '1s/^\\. //p')\" -o '%s' 2>/dev/null",
		 l->compile[0], tmp);
	if (system(cmd) == 0 && !rename(tmp, out)) {
		atomic_store(&pch_ready, 1);
		log_info("precompiled bits/stdc++.h ready", "path", out, NULL);
	} else {
		unlink(tmp);
		log_warn("no precompiled bits/stdc++.h; C++ compiles without it", NULL);
	}
	return NULL;
}

void judge_pch_start(const char *cache_dir)
{
	snprintf(pch_dir, sizeof pch_dir, "%s/pch", cache_dir);
	pthread_t t;
	if (!pthread_create(&t, NULL, pch_build, NULL))
		pthread_detach(t);
}

/* Runs a compiler (argv) in the slot's work directory with compile limits:
 * cpu_s CPU seconds (twice that of wall time), memory_mb, its output kept
 * in o->compile. Returns box_run's value; res says how it ended. */
int judge_run_compiler(struct slot *s, char **argv, char *const *env, int inet_sockets, const struct box_dir *dir,
		       double cpu_s, long memory_mb, struct outcome *o, struct box_result *res)
{
	struct box_spec spec;
	box_spec_init(&spec);
	spec.lim.cpu_s = cpu_s;
	spec.lim.wall_s = cpu_s * 2;
	spec.lim.memory_kb = memory_mb * 1024;
	spec.lim.procs = 128;
	spec.lim.output_kb = 256 * 1024;
	spec.lim.files = 256;
	spec.lim.tmpfs_kb = 512 * 1024;
	spec.workdir = box_workdir(s->box);
	spec.inet_sockets = inet_sockets;
	spec.env = env;
	if (dir) {
		spec.dirs[0] = *dir;
		spec.ndirs = 1;
	}
	spec.argv = argv;
	int cfd = open_out(s->dir, "compile");
	spec.stdout_fd = cfd;
	spec.stderr_fd = cfd;
	int rc = box_run(s->box, &spec, res);
	int trunc;
	free(o->compile);
	o->compile = read_back(cfd, COMPILE_OUTPUT_MAX, &o->compile_len, &trunc);
	if (cfd >= 0)
		close(cfd);
	return rc;
}

int judge_compile(struct slot *s, const struct lang *l, const char *src, const char *main_name, struct outcome *o)
{
	if (!l->compile[0])
		return 0;
	char store[LANG_ARGV][256];
	char *argv[LANG_ARGV + 2];
	struct box_result res;
	struct box_dir pch = {pch_dir, "/pch", 0};
	int use_pch = !strcmp(l->id, "cpp") && atomic_load(&pch_ready);
	judge_expand(l->compile, store, argv, src, main_name, 0, "/box");
	if (use_pch) {
		int n = 0;
		while (argv[n])
			n++;
		memmove(argv + 2, argv + 1, (size_t)n * sizeof *argv);
		argv[1] = "-I/pch";
	}
	int rc = judge_run_compiler(s, argv, (char *const *)l->env, l->inet_sockets, use_pch ? &pch : NULL, 10, 1024, o,
				    &res);
	if (rc || res.status == BOX_JE) {
		o->verdict = "JE";
		snprintf(o->message, sizeof o->message, "the compiler could not run: %s",
			 rc ? strerror(-rc) : res.message);
		return -1;
	}
	if (res.status != BOX_OK || res.exit_code != 0) {
		o->verdict = "CE";
		if (res.status == BOX_TLE)
			snprintf(o->message, sizeof o->message, "compilation took longer than %g s", 10.0);
		else if (res.status == BOX_MLE)
			snprintf(o->message, sizeof o->message, "compilation used more than 1 GiB of memory");
		else if (res.status == BOX_OLE)
			snprintf(o->message, sizeof o->message, "compilation wrote too much");
		else
			snprintf(o->message, sizeof o->message, "compilation failed");
		return 1;
	}
	return 0;
}

/*** The loop ***/

static void handle_job(struct slot *s, const char *stream, const redisReply *f, const char *eid, const char *id,
		       const char *attempt, const char *kind, int delivered);

static void handle_entry(struct slot *s, const char *stream, const redisReply *entry, int delivered)
{
	if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || entry->element[1]->type != REDIS_REPLY_ARRAY)
		return;
	const char *eid = entry->element[0]->str;
	const redisReply *f = entry->element[1];
	const redisReply *id_r = kv_field(f, "id"), *att_r = kv_field(f, "attempt");
	if (!id_r || id_r->type != REDIS_REPLY_STRING) {
		freeReplyObject(redisCommand(s->kv, "XACK %s %s %s", stream, KV_JOBS_GROUP, eid));
		return;
	}
	const char *id = id_r->str, *attempt = att_r && att_r->type == REDIS_REPLY_STRING ? att_r->str : "1";
	const redisReply *kind_r = kv_field(f, "kind");
	const char *kind = kind_r && kind_r->type == REDIS_REPLY_STRING ? kind_r->str : "run";
	pthread_mutex_lock(&s->lock);
	snprintf(s->entry, sizeof s->entry, "%s", eid);
	s->stream = stream;
	pthread_mutex_unlock(&s->lock);
	/* An IDE run never beside a secret test on this machine (gate.h). The
	 * job is in hand meanwhile: the heartbeat keeps it ours. */
	int secret = strcmp(kind, "run") != 0;
	int gate = gate_enter(jcfg.gate_dir, secret ? GATE_SECRET : GATE_OPEN);
	if (gate < 0)
		log_error("the kind gate failed: this job runs without it", "path", jcfg.gate_dir, "error",
			  strerror(errno), NULL);
	handle_job(s, stream, f, eid, id, attempt, kind, delivered);
	gate_leave(gate);
}

static void handle_job(struct slot *s, const char *stream, const redisReply *f, const char *eid, const char *id,
		       const char *attempt, const char *kind, int delivered)
{
	(void)stream;
	if (!strcmp(kind, "submission") || !strcmp(kind, "compile")) {
		if (!strcmp(kind, "compile"))
			judge_compile_check(s, f, id);
		else
			judge_submission(s, f, id, attempt);
		finish(s, eid, id);
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
		log_error("job given up", "id", id, NULL);
	} else {
		freeReplyObject(redisCommand(s->kv, "XADD %s * kind started job run id %s attempt %s judge %s",
					     KV_RESULTS, id, attempt, jcfg.name));
		int64_t t0 = util_mono_ms();
		judge_run(s, f, &o);
		char ms[24];
		snprintf(ms, sizeof ms, "%lld", (long long)(util_mono_ms() - t0));
		log_info("judged", "id", id, "verdict", o.verdict, "ms", ms, NULL);
	}
	/* The result must be out before the job goes: if this judge dies in
	 * between, the job runs again and the recorder ignores the repeat. */
	while (report(s, id, attempt, &o) && !atomic_load(&judge_stopping)) {
		log_warn("cannot report a result, retrying", "id", id, NULL);
		sleep(1);
		char err[256];
		redisFree(s->kv);
		while (!(s->kv = kv_connect(jcfg.redis_url, 5, err, sizeof err)))
			sleep(1);
	}
	finish(s, eid, id);
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
			freeReplyObject(
				redisCommand(kv, "HSET verdict:langs %s %s", l->id, json_object_to_json_string(o)));
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
