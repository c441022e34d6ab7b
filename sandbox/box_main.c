/* verdict-box: runs one command in a box and prints the result as one line
 * of JSON. With --repeat N, runs it N times (each in a fresh box, or with
 * --keep in a kept one when the last run left it clean) and adds a summary
 * line of how long box_run took.
 *
 * Exit code: 0 when the box worked (any status but JE), 1 on JE, 2 on a
 * usage error.
 */
#include "box.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: verdict-box [options] -- PROGRAM [ARGS...]\n"
			"  --time S        CPU time limit, all threads and children (default 2)\n"
			"  --wall S        wall time limit (default 5, or 2*time+1 when larger)\n"
			"  --memory MiB    memory limit (default 256)\n"
			"  --procs N       processes and threads (default 64)\n"
			"  --output MiB    size of any file written, stdout and stderr included (default 64)\n"
			"  --files N       open files (default 128)\n"
			"  --stack MiB     stack size (default: the memory limit)\n"
			"  --tmpfs MiB     size of /tmp and of a private /box (default 64)\n"
			"  --dir HOST:BOX[:rw]  bind a host directory (read-only unless :rw)\n"
			"  --workdir HOST  bind HOST read-write at /box (default: a private tmpfs)\n"
			"  --env K=V       add to the program's environment\n"
			"  --inet-sockets  allow AF_INET/AF_INET6 sockets (the JVM probes them; the\n"
			"                  box has no network either way)\n"
			"  --stdin F --stdout F --stderr F   files opened by the host; without\n"
			"                  --stdout/--stderr the output is counted and discarded\n"
			"  --repeat N      run N times, print the last result and a summary\n"
			"  --keep          with --repeat: a run that leaves nothing behind keeps\n"
			"                  its box for the next (the judge's way with tests)\n"
			"  --slot N        box slot (uid first_uid+N, default 0)\n");
	exit(2);
}

static double num(const char *s, double min)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < min) {
		fprintf(stderr, "verdict-box: bad number %s\n", s);
		usage();
	}
	return v;
}

static int open_out(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "verdict-box: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static void print_result(const struct box_result *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string(box_status_name(r->status)));
	json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	json_object_object_add(o, "signal", json_object_new_int(r->signal));
	json_object_object_add(o, "cpu_ms", json_object_new_int64(r->cpu_ms));
	json_object_object_add(o, "wall_ms", json_object_new_int64(r->wall_ms));
	json_object_object_add(o, "memory_kb", json_object_new_int64(r->memory_kb));
	json_object_object_add(o, "stdout_bytes", json_object_new_int64(r->stdout_bytes));
	json_object_object_add(o, "stderr_bytes", json_object_new_int64(r->stderr_bytes));
	json_object_object_add(o, "message", json_object_new_string(r->message));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void print_je(const char *msg)
{
	struct box_result r = {.status = BOX_JE, .exit_code = -1};
	snprintf(r.message, sizeof r.message, "%s", msg);
	print_result(&r);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Wall time of box_run itself, as the judge pays it, per run. */
static void print_summary(const long *us, const int *statuses, int n, int reused)
{
	long *sorted = malloc(n * sizeof *sorted);
	if (!sorted)
		return;
	memcpy(sorted, us, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_long);
	int p99 = (int)((n - 1) * 0.99 + 0.5);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "runs", json_object_new_int(n));
	json_object_object_add(o, "wall_us_median", json_object_new_int64(sorted[(n - 1) / 2]));
	json_object_object_add(o, "wall_us_p99", json_object_new_int64(sorted[p99]));
	json_object_object_add(o, "wall_us_min", json_object_new_int64(sorted[0]));
	json_object_object_add(o, "wall_us_max", json_object_new_int64(sorted[n - 1]));
	json_object *st = json_object_new_object();
	for (int s = BOX_OK; s <= BOX_JE; s++)
		if (statuses[s])
			json_object_object_add(st, box_status_name(s), json_object_new_int(statuses[s]));
	json_object_object_add(o, "statuses", st);
	json_object_object_add(o, "reused", json_object_new_int(reused));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	free(sorted);
}

int main(int argc, char **argv)
{
	enum {
		O_TIME = 256,
		O_WALL,
		O_MEMORY,
		O_PROCS,
		O_OUTPUT,
		O_FILES,
		O_STACK,
		O_TMPFS,
		O_DIR,
		O_WORKDIR,
		O_ENV,
		O_INET,
		O_STDIN,
		O_STDOUT,
		O_STDERR,
		O_REPEAT,
		O_KEEP,
		O_SLOT
	};
	static const struct option opts[] = {
		{"time", 1, 0, O_TIME},     {"wall", 1, 0, O_WALL},
		{"memory", 1, 0, O_MEMORY}, {"procs", 1, 0, O_PROCS},
		{"output", 1, 0, O_OUTPUT}, {"files", 1, 0, O_FILES},
		{"stack", 1, 0, O_STACK},   {"tmpfs", 1, 0, O_TMPFS},
		{"dir", 1, 0, O_DIR},       {"workdir", 1, 0, O_WORKDIR},
		{"env", 1, 0, O_ENV},       {"inet-sockets", 0, 0, O_INET},
		{"stdin", 1, 0, O_STDIN},   {"stdout", 1, 0, O_STDOUT},
		{"stderr", 1, 0, O_STDERR}, {"repeat", 1, 0, O_REPEAT},
		{"keep", 0, 0, O_KEEP},     {"slot", 1, 0, O_SLOT},
		{"help", 0, 0, 'h'},        {0, 0, 0, 0},
	};
	struct box_spec spec;
	box_spec_init(&spec);
	const char *in = NULL, *out = NULL, *errf = NULL;
	char *env[65];
	int nenv = 0, repeat = 1, slot = 0, wall_set = 0;

	log_init("verdict-box", LOG_WARN);
	int c;
	/* "+": options end at the program's name, as after "--". */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case O_TIME:
			spec.lim.cpu_s = num(optarg, 0.001);
			break;
		case O_WALL:
			spec.lim.wall_s = num(optarg, 0.001);
			wall_set = 1;
			break;
		case O_MEMORY:
			spec.lim.memory_kb = (long)(num(optarg, 1) * 1024);
			break;
		case O_PROCS:
			spec.lim.procs = (int)num(optarg, 1);
			break;
		case O_OUTPUT:
			spec.lim.output_kb = (long)(num(optarg, 0.001) * 1024);
			break;
		case O_FILES:
			spec.lim.files = (int)num(optarg, 4);
			break;
		case O_STACK:
			spec.lim.stack_kb = (long)(num(optarg, 0.001) * 1024);
			break;
		case O_TMPFS:
			spec.lim.tmpfs_kb = (long)(num(optarg, 1) * 1024);
			break;
		case O_DIR: {
			if (spec.ndirs == BOX_MAX_DIRS) {
				fprintf(stderr, "verdict-box: at most %d --dir\n", BOX_MAX_DIRS);
				usage();
			}
			/* HOST:BOX[:rw], split in place */
			char *host = optarg, *box = strchr(host, ':');
			if (!box)
				usage();
			*box++ = 0;
			char *mode = strchr(box, ':');
			int rw = 0;
			if (mode) {
				*mode++ = 0;
				if (strcmp(mode, "rw") && strcmp(mode, "ro"))
					usage();
				rw = !strcmp(mode, "rw");
			}
			spec.dirs[spec.ndirs++] = (struct box_dir){host, box, rw};
			break;
		}
		case O_WORKDIR:
			spec.workdir = optarg;
			break;
		case O_ENV:
			if (nenv == 64 || !strchr(optarg, '='))
				usage();
			env[nenv++] = optarg;
			break;
		case O_INET:
			spec.inet_sockets = 1;
			break;
		case O_STDIN:
			in = optarg;
			break;
		case O_STDOUT:
			out = optarg;
			break;
		case O_STDERR:
			errf = optarg;
			break;
		case O_REPEAT:
			repeat = (int)num(optarg, 1);
			break;
		case O_KEEP:
			spec.keep = 1;
			break;
		case O_SLOT:
			slot = (int)num(optarg, 0);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (!wall_set && spec.lim.wall_s < 2 * spec.lim.cpu_s + 1)
		spec.lim.wall_s = 2 * spec.lim.cpu_s + 1;
	env[nenv] = NULL;
	spec.env = nenv ? env : NULL;
	spec.argv = argv + optind;

	if (in && (spec.stdin_fd = open(in, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "verdict-box: %s: %s\n", in, strerror(errno));
		return 2;
	}
	if (out)
		spec.stdout_fd = open_out(out);
	if (errf)
		spec.stderr_fd = out && !strcmp(out, errf) ? spec.stdout_fd : open_out(errf);

	char err[256];
	if (box_global_init(NULL, err, sizeof err) < 0) {
		print_je(err);
		return 1;
	}
	struct box *b = box_new(slot, err, sizeof err);
	if (!b) {
		print_je(err);
		box_global_release();
		return 1;
	}
	long *us = calloc(repeat, sizeof *us);
	int statuses[BOX_JE + 1] = {0}, reused = 0;
	struct box_result res;
	int ret = 0;
	for (int i = 0; i < repeat && us; i++) {
		/* Each run starts from the same files. */
		if (i > 0) {
			if (spec.stdin_fd >= 0)
				lseek(spec.stdin_fd, 0, SEEK_SET);
			int fds[2] = {spec.stdout_fd, spec.stderr_fd};
			for (int k = 0; k < 2; k++)
				if (fds[k] >= 0 && ftruncate(fds[k], 0) == 0)
					lseek(fds[k], 0, SEEK_SET);
		}
		long t0 = now_us();
		ret = box_run(b, &spec, &res);
		us[i] = now_us() - t0;
		if (ret < 0) {
			snprintf(err, sizeof err, "box_run: %s", strerror(-ret));
			print_je(err);
			break;
		}
		statuses[res.status]++;
		reused += res.reused;
	}
	if (ret == 0 && us) {
		print_result(&res);
		if (repeat > 1)
			print_summary(us, statuses, repeat, reused);
	}
	free(us);
	box_free(b);
	box_global_release();
	if (ret < 0 || !us)
		return ret == -EINVAL ? 2 : 1;
	return res.status == BOX_JE ? 1 : 0;
}
