/* A problem's validators: the package's output validator built once per
 * judge (kept by the hash of its files) and run in a box of its own that
 * sees only the test's input and answer; interactive problems (program and
 * validator in two boxes, piped to each other); one pass of a test with
 * the default or the package's validator; and the import's compile check.
 * Slot threads. */
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

#define VALIDATOR_CPU_S GUARANTEE_VALIDATE_S
#define FEEDBACK_MAX    4096
#define NEXTPASS_MAX    (64 << 20)    /* as much as a validator may write */
#define DATA_IN         "testdata.in" /* the test's files in a validator's /data */
#define DATA_ANS        "testdata.ans"

/*** Validators ***/

/* A validator's box: the limits every validator runs under, its files at
 * /val, and the box it runs in. */
static void validator_spec(struct box_spec *spec, struct box *box, const char *dir)
{
	box_spec_init(spec);
	spec->lim.cpu_s = VALIDATOR_CPU_S;
	spec->lim.wall_s = VALIDATOR_CPU_S * 2;
	spec->lim.memory_kb = GUARANTEE_VALIDATE_MB * 1024;
	spec->lim.procs = 64;
	spec->lim.output_kb = GUARANTEE_VALIDATE_OUTPUT_MB * 1024;
	spec->lim.files = 128;
	spec->lim.tmpfs_kb = 64 * 1024;
	spec->workdir = box_workdir(box);
	spec->dirs[0] = (struct box_dir){dir, "/val", 0};
	spec->ndirs = 1;
}

/* The start of a validator's command line: its interpreter, if any, and
 * itself. A program given with a run script runs from its own directory,
 * as the format's programs do. Returns the count. */
static int validator_argv(const struct validator *v, char **argv)
{
	int n = 0;
	if (!strcmp(v->lang, "python3"))
		argv[n++] = "/usr/bin/python3";
	if (!strcmp(v->lang, "script")) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = "cd /val && exec ./run \"$@\"";
		argv[n++] = "run";
		return n;
	}
	argv[n++] = (char *)v->argv0;
	return n;
}

/* Writes files (relative names) into the clean work directory. */
int write_tree(struct slot *s, const char *rel, const char *data, size_t len)
{
	if (strstr(rel, "..") || rel[0] == '/')
		return -1;
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", box_workdir(s->box), rel);
	char *slash = strrchr(path, '/');
	if (slash) {
		*slash = 0;
		util_mkdirs(path);
		*slash = '/';
	}
	/* The format's build and run scripts are programs: a zip does not
	 * always keep their mode, and the box's user cannot chmod our files. */
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	mode_t mode = !strcmp(base, "build") || !strcmp(base, "run") ? 0755 : 0644;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	fchmod(fd, mode); /* past the umask */
	int bad = write(fd, data, len) != (ssize_t)len;
	close(fd);
	return bad ? -1 : 0;
}

/* Builds the validator from the files now in the work directory, into
 * dest. The compiler's output goes to o. 0 or -1. */
int build_validator(struct slot *s, const char *lang, json_object *names, const char *dest, struct outcome *o)
{
	if (!strcmp(lang, "script")) {
		/* The format's build and run scripts: build (when there is one)
		 * makes the program in its directory, run starts it. */
		int has_build = 0;
		for (size_t i = 0; i < json_object_array_length(names); i++)
			has_build |= !strcmp(json_object_get_string(json_object_array_get_idx(names, i)), "build");
		char *argv[] = {"/bin/sh", "-c", has_build ? "exec ./build" : "exit 0", NULL};
		struct box_result res;
		int rc = judge_run_compiler(s, argv, NULL, 0, NULL, 60, 2048, o, &res);
		if (rc || res.status != BOX_OK || res.exit_code != 0) {
			snprintf(o->message, sizeof o->message, "the validator's build script failed%s%s%s",
				 res.message[0] ? ": " : "", res.message,
				 !rc && res.status == BOX_OK ? " (exit status not 0)" : "");
			return -1;
		}
		return save_artifacts(s, dest);
	}
	const struct lang *l = lang_find(!strcmp(lang, "c") ? "c" : !strcmp(lang, "python3") ? "python3" : "cpp");
	if (!l) {
		snprintf(o->message, sizeof o->message, "this judge cannot compile a %s validator", lang);
		return -1;
	}
	char *argv[64];
	int n = 0;
	if (!strcmp(l->id, "python3")) {
		argv[n++] = "/usr/bin/python3";
		argv[n++] = "-m";
		argv[n++] = "py_compile";
	} else {
		argv[n++] = !strcmp(l->id, "c") ? "/usr/bin/gcc" : "/usr/bin/g++";
		argv[n++] = "-O2";
		argv[n++] = "-pipe";
		argv[n++] = "-static";
		argv[n++] = !strcmp(l->id, "c") ? "-std=gnu17" : "-std=gnu++17";
		argv[n++] = "-o";
		argv[n++] = "validator";
	}
	for (size_t i = 0; i < json_object_array_length(names) && n < 60; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		const char *dot = strrchr(name, '.');
		int src = dot && (!strcmp(l->id, "python3") ? !strcmp(dot, ".py")
				  : !strcmp(l->id, "c")
					  ? !strcmp(dot, ".c")
					  : (!strcmp(dot, ".cpp") || !strcmp(dot, ".cc") || !strcmp(dot, ".cxx")));
		if (src)
			argv[n++] = (char *)name;
	}
	if (strcmp(l->id, "python3") && strcmp(l->id, "c") == 0)
		argv[n++] = "-lm";
	argv[n] = NULL;
	struct box_result res;
	int rc = judge_run_compiler(s, argv, NULL, 0, NULL, 30, 2048, o, &res);
	if (rc || res.status != BOX_OK || res.exit_code != 0) {
		snprintf(o->message, sizeof o->message, "the validator does not compile%s%s",
			 res.message[0] ? ": " : "", res.message);
		return -1;
	}
	return save_artifacts(s, dest);
}

static void python_entry(json_object *names, char *out, size_t n)
{
	snprintf(out, n, "validator.py");
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		if (!strcmp(name, "validator.py"))
			return;
	}
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		if (strstr(name, ".py") && !strchr(name, '/')) {
			snprintf(out, n, "%s", name);
			return;
		}
	}
}

/* The validator of a problem, compiled once per judge and kept by the hash
 * of its files. 0 or -1 with o->message. */
int prepare_validator(struct slot *s, json_object *vspec, struct validator *v, struct outcome *o)
{
	v->kind = json_object_get_string(jget(vspec, "kind"));
	snprintf(v->lang, sizeof v->lang, "%s", json_object_get_string(jget(vspec, "lang")));
	json_object *files = jget(vspec, "files");
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)v->lang, strlen(v->lang) + 1);
	json_object *names = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(files); i++) {
		json_object *f = json_object_array_get_idx(files, i);
		const char *path = json_object_get_string(jget(f, "path")),
			   *sha = json_object_get_string(jget(f, "sha"));
		crypto_hash_sha256_update(&st, (const unsigned char *)path, strlen(path) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)sha, strlen(sha) + 1);
		json_object_array_add(names, json_object_new_string(path));
	}
	unsigned char h[32];
	char key[65];
	crypto_hash_sha256_final(&st, h);
	hex_sha256(h, key);
	snprintf(v->dir, sizeof v->dir, "%s/validators/%s", jcfg.cache_dir, key);
	char entry[128] = "validator";
	if (!strcmp(v->lang, "python3"))
		python_entry(names, entry, sizeof entry);
	if (!strcmp(v->lang, "python3"))
		snprintf(v->argv0, sizeof v->argv0, "/val/%s", entry);
	else
		snprintf(v->argv0, sizeof v->argv0, "/val/validator");
	int rc = 0;
	if (access(v->dir, F_OK)) {
		rc = box_clean(s->box);
		for (size_t i = 0; !rc && i < json_object_array_length(files); i++) {
			json_object *f = json_object_array_get_idx(files, i);
			char path[700], err[256];
			size_t len;
			if (fetch_blob(json_object_get_string(jget(f, "sha")), path, sizeof path, err, sizeof err)) {
				snprintf(o->message, sizeof o->message, "%s", err);
				rc = -1;
				break;
			}
			char *data = util_read_file(path, &len);
			rc = !data || write_tree(s, json_object_get_string(jget(f, "path")), data, len) ? -1 : 0;
			free(data);
		}
		if (!rc) {
			util_mkdirs(jcfg.cache_dir);
			char vdir[1100];
			snprintf(vdir, sizeof vdir, "%s/validators", jcfg.cache_dir);
			util_mkdirs(vdir);
			rc = build_validator(s, v->lang, names, v->dir, o);
		}
	}
	json_object_put(names);
	return rc;
}

/* The feedback directory of a freshly cleaned work directory, writable by
 * the validator's uid. Later passes keep it as the validator left it, and
 * never touch it by path: the validator may have made it a symlink. */
static int make_feedback_dir(struct box *b)
{
	char fb[1200];
	snprintf(fb, sizeof fb, "%s/feedback", box_workdir(b));
	if (mkdir(fb, 0777) && errno != EEXIST)
		return -1;
	return chmod(fb, 0777);
}

/* Multi-pass: takes the validator's feedback/nextpass.in out of box b into
 * the host file dest, removing it from the feedback directory. 1 when there
 * was one, 0 when not, -1 when it could not be taken. */
int take_nextpass(struct box *b, const char *dest)
{
	char *data = NULL;
	size_t len = 0;
	int trunc = 0;
	int rc = box_read_file(b, "feedback/nextpass.in", (size_t)NEXTPASS_MAX, &data, &len, &trunc);
	if (rc == -ENOENT)
		return 0;
	if (rc || trunc) {
		free(data);
		return -1;
	}
	int wd = open(box_workdir(b), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int fd = wd >= 0 ? openat(wd, "feedback", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0)
		unlinkat(fd, "nextpass.in", 0);
	if (fd >= 0)
		close(fd);
	if (wd >= 0)
		close(wd);
	int out = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int bad = out < 0 || (len && write(out, data, len) != (ssize_t)len);
	if (out >= 0)
		close(out);
	free(data);
	return bad ? -1 : 1;
}

/* A validator's box sees one test: its input and answer, put in the
 * slot's data directory (mounted read-only at /data) as links to the
 * cached blobs, or copies where the cache is on another file system.
 * Never the judge's whole cache, which holds every problem's tests. */
static int stage_one(const char *src, const char *dir, const char *name)
{
	char dst[700];
	snprintf(dst, sizeof dst, "%s/%s", dir, name);
	if (unlink(dst) && errno != ENOENT)
		return -1;
	if (!link(src, dst))
		return 0;
	if (errno != EXDEV)
		return -1;
	size_t len = 0;
	char *data = util_read_file(src, &len);
	int bad = !data || write_file_at(dir, name, data, len);
	free(data);
	return bad ? -1 : 0;
}

int stage_test_data(struct slot *s, const char *in_path, const char *ans_path)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/data", s->dir);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	return stage_one(in_path, dir, DATA_IN) || stage_one(ans_path, dir, DATA_ANS) ? -1 : 0;
}

/* Runs the problem's validator on one test. Returns the test's verdict
 * ("AC", "WA", "JE"); *score set when the validator gave one. */
static const char *run_validator(struct slot *s, const struct validator *v, json_object *args, int team_fd,
				 int first_pass, double *score, int *has_score, char *jmsg, size_t jlen)
{
	char blob_dir[600], in_path[] = "/data/" DATA_IN, ans_path[] = "/data/" DATA_ANS;
	snprintf(blob_dir, sizeof blob_dir, "%s/data", s->dir);
	char *argv[80];
	int n = validator_argv(v, argv);
	int testlib = !strcmp(v->kind, "testlib");
	if (testlib) {
		argv[n++] = in_path;
		argv[n++] = "/box/team.out";
		argv[n++] = ans_path;
	} else {
		argv[n++] = in_path;
		argv[n++] = ans_path;
		argv[n++] = "/box/feedback/";
		for (size_t i = 0; args && i < json_object_array_length(args) && n < 78; i++)
			argv[n++] = (char *)json_object_get_string(json_object_array_get_idx(args, i));
	}
	argv[n] = NULL;
	if (first_pass && make_feedback_dir(s->box))
		return "JE";
	struct box_spec spec;
	struct box_result res;
	validator_spec(&spec, s->box, v->dir);
	spec.dirs[spec.ndirs++] = (struct box_dir){blob_dir, "/data", 0};
	spec.argv = argv;
	spec.keep = 1; /* one box for the validator's runs too */
	lseek(team_fd, 0, SEEK_SET);
	spec.stdin_fd = testlib ? -1 : team_fd;
	int efd = open_out(s->dir, "validator.err");
	spec.stderr_fd = efd;
	int rc = box_run(s->box, &spec, &res);
	char *data = NULL;
	size_t len = 0;
	int trunc;
	jmsg[0] = 0;
	*has_score = 0;
	if (!box_read_file(s->box, "feedback/judgemessage.txt", FEEDBACK_MAX, &data, &len, &trunc)) {
		snprintf(jmsg, jlen, "%.*s", (int)len, data);
		free(data);
	}
	if (testlib) {
		char *err = read_back(efd, FEEDBACK_MAX, &len, &trunc);
		if (!jmsg[0])
			snprintf(jmsg, jlen, "%s", err);
		if (!rc && res.signal == 0 && res.exit_code == 7) {
			const char *p = strstr(err, "points ");
			if (p) {
				*score = strtod(p + 7, NULL);
				*has_score = 1;
			}
		}
		free(err);
	} else if (!box_read_file(s->box, "feedback/score.txt", 256, &data, &len, &trunc)) {
		*score = strtod(data, NULL);
		*has_score = 1;
		free(data);
	}
	if (efd >= 0)
		close(efd);
	if (rc || res.status == BOX_JE) {
		snprintf(jmsg, jlen, "the validator could not run: %s", rc ? strerror(-rc) : res.message);
		return "JE";
	}
	/* A validator speaks through its exit code: only a crash or a limit
	 * is its failure. */
	if (res.status != BOX_OK && !(res.status == BOX_RTE && res.signal == 0)) {
		snprintf(jmsg, jlen, "the validator failed: %s %s", box_status_name(res.status), res.message);
		return "JE";
	}
	if (testlib) {
		switch (res.exit_code) {
		case 0:
			return "AC";
		case 1:
		case 2:
			return "WA";
		case 7:
			return *has_score && *score > 0 ? "AC" : "WA";
		default:
			return "JE";
		}
	}
	if (res.exit_code == 42)
		return "AC";
	if (res.exit_code == 43)
		return "WA";
	snprintf(jmsg + strlen(jmsg), jlen - strlen(jmsg), "%svalidator exited with %d", jmsg[0] ? "; " : "",
		 res.exit_code);
	return "JE";
}

/* The verdict of a program that did not exit 0, its message in r. */
static const char *prog_verdict(const struct box_result *res, struct test_result *r)
{
	if (!r->jmsg[0]) {
		if (res->message[0])
			snprintf(r->jmsg, sizeof r->jmsg, "%s", res->message);
		else
			snprintf(r->jmsg, sizeof r->jmsg, "exited with code %d", res->exit_code);
	}
	return res->status == BOX_OK ? "RTE" : status_verdict(res->status);
}

/*** Interactive problems ***/

struct side {
	struct box *box;
	struct box_spec spec;
	struct box_result res;
	int rc;
	int64_t returned_us; /* when box_run came back, the box cleaned up */
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *side_main(void *arg)
{
	struct side *v = arg;
	v->rc = box_run(v->box, &v->spec, &v->res);
	v->returned_us = now_us();
	return NULL;
}

/* The validator and the program, each in its own box, joined by two pipes:
 * the validator's output is the program's input and the other way round.
 * Each box takes its pipe ends (give_fds), so when one side ends the other
 * reads EOF. A wrong answer from a validator that finished first wins over
 * a later TLE or crash of the program, as in Kattis. */
const char *run_interactive(struct slot *s, const struct validator *v, char **prog_argv, const struct box_limits *lim,
			    int inet, const char *prog_dir, json_object *args, int first_pass, struct test_result *r)
{
	int to_prog[2], from_prog[2];
	if (pipe2(to_prog, O_CLOEXEC))
		return "JE";
	if (pipe2(from_prog, O_CLOEXEC)) {
		close(to_prog[0]);
		close(to_prog[1]);
		return "JE";
	}
	char blob_dir[600], in_path[] = "/data/" DATA_IN, ans_path[] = "/data/" DATA_ANS;
	snprintf(blob_dir, sizeof blob_dir, "%s/data", s->dir);
	/* The validator writes its feedback in its own box's work directory,
	 * kept from one pass to the next. */
	if (first_pass && (box_clean(s->aux) || make_feedback_dir(s->aux))) {
		close(to_prog[0]);
		close(to_prog[1]);
		close(from_prog[0]);
		close(from_prog[1]);
		return "JE";
	}
	char *vargv[80];
	int n = validator_argv(v, vargv);
	vargv[n++] = in_path;
	vargv[n++] = ans_path;
	vargv[n++] = "/box/feedback/";
	for (size_t i = 0; args && i < json_object_array_length(args) && n < 78; i++)
		vargv[n++] = (char *)json_object_get_string(json_object_array_get_idx(args, i));
	vargv[n] = NULL;

	struct side val = {.box = s->aux}, prog = {.box = s->box};
	validator_spec(&val.spec, s->aux, v->dir);
	val.spec.lim.wall_s = lim->wall_s + 5; /* it waits on the program */
	val.spec.dirs[val.spec.ndirs++] = (struct box_dir){blob_dir, "/data", 0};
	val.spec.argv = vargv;
	val.spec.stdin_fd = from_prog[0];
	val.spec.stdout_fd = to_prog[1];
	val.spec.stderr_fd = -1;
	val.spec.give_fds = 1;

	box_spec_init(&prog.spec);
	prog.spec.lim = *lim;
	prog.spec.workdir = NULL;
	prog.spec.dirs[0] = (struct box_dir){prog_dir, "/prog", 0};
	prog.spec.ndirs = 1;
	prog.spec.argv = prog_argv;
	prog.spec.stdin_fd = to_prog[0];
	prog.spec.stdout_fd = from_prog[1];
	prog.spec.stderr_fd = -1;
	prog.spec.give_fds = 1;
	prog.spec.inet_sockets = inet;

	pthread_t t;
	if (pthread_create(&t, NULL, side_main, &val)) {
		close(to_prog[0]);
		close(to_prog[1]);
		close(from_prog[0]);
		close(from_prog[1]);
		return "JE";
	}
	side_main(&prog);
	pthread_join(t, NULL);

	r->time_ms = prog.res.cpu_ms;
	r->memory_kb = prog.res.memory_kb;
	char *data = NULL;
	size_t len = 0;
	int trunc;
	if (!box_read_file(s->aux, "feedback/judgemessage.txt", FEEDBACK_MAX, &data, &len, &trunc)) {
		snprintf(r->jmsg, sizeof r->jmsg, "%.*s", (int)len, data);
		free(data);
	}
	if (!box_read_file(s->aux, "feedback/score.txt", 256, &data, &len, &trunc)) {
		r->score = strtod(data, NULL);
		r->has_score = 1;
		free(data);
	}
	int vexit =
		val.res.signal == 0 && (val.res.status == BOX_OK || val.res.status == BOX_RTE) ? val.res.exit_code : -1;
	int prog_failed = prog.res.status != BOX_OK || prog.res.exit_code != 0;
	/* Who ended first, by the moment each box saw its program end. A
	 * program killed by SIGPIPE was writing to a validator already gone. */
	int val_first = prog.res.signal == SIGPIPE || val.res.end_us < prog.res.end_us;
	if (val.rc || prog.rc || prog.res.status == BOX_JE) {
		snprintf(r->jmsg, sizeof r->jmsg, "the box failed: %s",
			 val.rc    ? strerror(-val.rc)
			 : prog.rc ? strerror(-prog.rc)
				   : prog.res.message);
		return "JE";
	}
	if (vexit == -1 && val.res.signal == SIGPIPE) {
		/* The validator wrote to a program that had stopped reading: it
		 * had ended, by its own failure (then its verdict: the SIGPIPE
		 * followed from it, whichever box noticed first), or it quit the
		 * protocol in the middle. */
		if (prog_failed)
			return prog_verdict(&prog.res, r);
		if (!r->jmsg[0])
			snprintf(r->jmsg, sizeof r->jmsg, "the program ended before the interaction did");
		return "WA";
	}
	if (vexit != 42 && vexit != 43) {
		if (!r->jmsg[0])
			snprintf(r->jmsg, sizeof r->jmsg, "the interactive validator failed: %s %s (exit %d)",
				 box_status_name(val.res.status), val.res.message, val.res.exit_code);
		return "JE";
	}
	/* A wrong answer found before the program failed wins: the program
	 * may have crashed only because the validator closed the pipe. */
	if (vexit == 43 && val_first)
		return "WA";
	if (prog_failed)
		return prog_verdict(&prog.res, r);
	return vexit == 42 ? "AC" : "WA";
}

/*** One pass of a test ***/

/* Runs the program on in_path (a host file) and checks its output: the
 * default validator in the judge, the problem's own in a box. The first
 * pass of a test starts from a clean work directory; later passes keep the
 * validator's feedback. The verdict; time, memory, score and message in r. */
const char *run_pass(struct slot *s, const struct lang *l, char **argv, const struct box_limits *lim,
		     const char *prog_dir, const char *in_path, const char *ans_path, json_object *args,
		     const struct validator *v, int first_pass, struct test_result *r)
{
	struct box_spec spec;
	struct box_result res;
	box_spec_init(&spec);
	spec.lim = *lim;
	spec.inet_sockets = l->inet_sockets;
	spec.env = (char *const *)l->env;
	/* The program's output goes to the work directory the validator will
	 * see; the program itself gets a private one. */
	int ifd = open(in_path, O_RDONLY | O_CLOEXEC);
	int ofd = open_out(box_workdir(s->box), "team.out");
	if (ofd >= 0)
		fchmod(ofd, 0644); /* a testlib checker reads it by name */
	/* Nobody reads it; a file (the output limit applies to it as a file
	 * size) costs the run less than a pipe to drain. */
	int efd = open_out(box_workdir(s->box), "team.err");
	spec.workdir = NULL;
	spec.dirs[0] = (struct box_dir){prog_dir, "/prog", 0};
	spec.ndirs = 1;
	spec.argv = argv;
	/* One box for all the tests, kept only while each leaves it as it
	 * found it: the namespaces are made once. */
	spec.keep = 1;
	spec.stdin_fd = ifd;
	spec.stdout_fd = ofd;
	spec.stderr_fd = efd;
	int rc = box_run(s->box, &spec, &res);
	if (ifd >= 0)
		close(ifd);
	if (efd >= 0)
		close(efd);
	r->time_ms = res.cpu_ms;
	r->memory_kb = res.memory_kb;
	const char *verdict = "JE";
	if (rc || res.status == BOX_JE) {
		snprintf(r->jmsg, sizeof r->jmsg, "the box failed: %s", rc ? strerror(-rc) : res.message);
	} else if (res.status != BOX_OK || res.exit_code != 0) {
		verdict = prog_verdict(&res, r);
	} else if (!strcmp(v->kind, "default")) {
		struct check_flags cf;
		if (!check_parse_flags(args, &cf, r->jmsg, sizeof r->jmsg)) {
			size_t an = 0;
			char *ans = util_read_file(ans_path, &an);
			struct stat sb;
			size_t tn = ofd >= 0 && !fstat(ofd, &sb) ? (size_t)sb.st_size : 0;
			char *team = tn ? mmap(NULL, tn, PROT_READ, MAP_PRIVATE, ofd, 0) : NULL;
			if (team == MAP_FAILED)
				team = NULL;
			verdict = ans && check_default(team ? team : "", team ? tn : 0, ans, an, &cf, r->jmsg,
						       sizeof r->jmsg)
					  ? "AC"
				  : ans ? "WA"
					: "JE";
			if (team)
				munmap(team, tn);
			free(ans);
		}
	} else {
		verdict = run_validator(s, v, args, ofd, first_pass, &r->score, &r->has_score, r->jmsg, sizeof r->jmsg);
	}
	if (ofd >= 0)
		close(ofd);
	return verdict;
}

/* An input validator (built in dir) on each of the job's inputs, as the
 * format says: the input on stdin, its arguments, exit 42 when valid. 0
 * all valid; -1 with the first that is not (or cannot be checked) in o. */
static int check_inputs(struct slot *s, const struct proto_job *j, json_object *names, const char *dir,
			struct outcome *o)
{
	json_object *inputs = json_tokener_parse(j->inputs);
	struct validator v = {.kind = "kattis"};
	snprintf(v.dir, sizeof v.dir, "%.1000s", dir);
	snprintf(v.lang, sizeof v.lang, "%s", j->lang);
	char entry[128] = "validator";
	if (!strcmp(v.lang, "python3"))
		python_entry(names, entry, sizeof entry);
	snprintf(v.argv0, sizeof v.argv0, "/val/%s", entry);
	int rc = json_object_is_type(inputs, json_type_array) ? 0 : -1;
	if (rc)
		snprintf(o->message, sizeof o->message, "a check of inputs without its list of inputs");
	for (size_t i = 0; !rc && i < json_object_array_length(inputs); i++) {
		json_object *t = json_object_array_get_idx(inputs, i), *args = jget(t, "args");
		const char *name = json_object_get_string(jget(t, "name"));
		char in_path[700], err[256];
		if (fetch_blob(json_object_get_string(jget(t, "in")), in_path, sizeof in_path, err, sizeof err)) {
			snprintf(o->message, sizeof o->message, "data/%s.in: %s", name, err);
			rc = -1;
			break;
		}
		char *argv[80];
		int n = validator_argv(&v, argv);
		for (size_t a = 0; args && a < json_object_array_length(args) && n < 78; a++)
			argv[n++] = (char *)json_object_get_string(json_object_array_get_idx(args, a));
		argv[n] = NULL;
		struct box_spec spec;
		struct box_result res;
		validator_spec(&spec, s->box, v.dir);
		spec.argv = argv;
		int in_fd = open(in_path, O_RDONLY | O_CLOEXEC), out_fd = open_out(s->dir, "input-validator.out");
		spec.stdin_fd = in_fd;
		spec.stdout_fd = out_fd;
		spec.stderr_fd = out_fd;
		int brc = in_fd < 0 || out_fd < 0 || box_clean(s->box) ? -EIO : box_run(s->box, &spec, &res);
		size_t len = 0;
		int trunc = 0;
		char *said = out_fd >= 0 ? read_back(out_fd, 400, &len, &trunc) : NULL;
		if (brc || res.status == BOX_JE) {
			snprintf(o->message, sizeof o->message, "data/%s.in: the input validator could not run: %s",
				 name, brc ? strerror(-brc) : res.message);
			rc = -1;
		} else if (res.status != BOX_OK && !(res.status == BOX_RTE && res.signal == 0)) {
			snprintf(o->message, sizeof o->message, "data/%s.in: the input validator failed: %s %s", name,
				 box_status_name(res.status), res.message);
			rc = -1;
		} else if (res.exit_code != 42) {
			snprintf(o->message, sizeof o->message,
				 "data/%s.in is not valid (the input validator exited %d)%s%.300s", name, res.exit_code,
				 said && *said ? ": " : "", said ? said : "");
			rc = -1;
		}
		free(said);
		if (in_fd >= 0)
			close(in_fd);
		if (out_fd >= 0)
			close(out_fd);
	}
	json_object_put(inputs);
	return rc;
}

/* An import asks whether a package's validator compiles: the files come in
 * the job; the answer goes to its list (kv_reply_key). With inputs, an
 * input validator is also run on them. */
void judge_compile_check(struct slot *s, const struct proto_job *j)
{
	const char *id = j->id;
	struct outcome o;
	memset(&o, 0, sizeof o);
	json_object *names = json_tokener_parse(j->names);
	int ok = json_object_is_type(names, json_type_array) && json_object_array_length(names) == (size_t)j->nfiles &&
		 !box_clean(s->box);
	for (int i = 0; ok && i < j->nfiles; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, (size_t)i));
		if (!name || write_tree(s, name, j->file[i], j->file_len[i]))
			ok = 0;
	}
	char dest[1100];
	snprintf(dest, sizeof dest, "%s/check-%s", s->dir, id);
	if (ok)
		ok = !build_validator(s, j->lang, names, dest, &o);
	int built = ok;
	if (ok && j->inputs)
		ok = !check_inputs(s, j, names, dest, &o);
	/* Only the answer matters here; the files go. */
	remove_tree(dest);
	/* What the compiler said explains a build that failed; an input the
	 * validator refused is explained by the message. */
	int said_compile = o.compile && !built;
	char *txt = proto_compile_reply_encode(ok, said_compile ? o.compile : o.message,
					       said_compile ? o.compile_len : strlen(o.message));
	char key[64];
	kv_reply_key(key, sizeof key, id);
	if (txt) {
		freeReplyObject(redisCommand(s->kv, "RPUSH %s %s", key, txt));
		freeReplyObject(redisCommand(s->kv, "EXPIRE %s 300", key));
	}
	free(txt);
	json_object_put(names);
	outcome_free(&o);
}
