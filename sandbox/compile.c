/* Compilation in the box: a language's argv templates, the compiler's
 * run, the precompiled bits/stdc++.h. Used by IDE runs and submissions
 * alike. */
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

/* Compiles the files in the slot's work directory. 0 compiled (or nothing
 * to compile); 1 CE and -1 JE, with o filled in. */
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
	int rc = judge_run_compiler(s, argv, (char *const *)l->env, l->inet_sockets, use_pch ? &pch : NULL,
				    GUARANTEE_COMPILE_S, GUARANTEE_COMPILE_MB, o, &res);
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
