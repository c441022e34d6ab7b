/* An IDE run: compile, run once on the given input, report the output.
 * A one-test job with no validator. */
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

void judge_run(struct slot *s, const struct proto_job *j, struct outcome *o)
{
	memset(o, 0, sizeof *o);
	o->verdict = "JE";
	const struct lang *l = lang_find(j->lang);
	if (!l) {
		snprintf(o->message, sizeof o->message, "this judge cannot run %s", j->lang);
		return;
	}
	double cpu_s = j->cpu_s, wall_s = j->wall_s;
	long mem_mb = j->memory_mb;

	if (box_clean(s->box)) {
		snprintf(o->message, sizeof o->message, "cannot clean the box");
		return;
	}
	const char *work = box_workdir(s->box);
	char src[160], main_name[128] = "main";
	lang_source_name(l, j->code, src, sizeof src, main_name, sizeof main_name);
	if (write_file_at(work, src, j->code, j->code_len) || write_file_at(s->dir, "input", j->input, j->input_len)) {
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
