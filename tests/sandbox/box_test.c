/* Host-side safety of the box library, linked against it directly:
 * box_read_file refuses what a box can plant (symlinks to host files, links
 * out of the work directory, FIFOs), box_clean empties a hostile tree
 * without following links, concurrent slots do not see each other, a
 * secret in one slot cannot cross to a program running in another at the
 * same moment (channel.c), and a kept box's figures are its run's own.
 *
 * Prints "ok NAME" or "FAIL NAME: why" per check; exit 1 on any failure.
 * Built and run by run_hostile.sh. */
#include "box.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *name, const char *why)
{
	if (ok) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	}
	fflush(stdout);
}

static int run_sh(struct box *b, const char *script, struct box_result *res, int out_fd)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
	struct box_spec spec;
	box_spec_init(&spec);
	spec.argv = argv;
	spec.workdir = box_workdir(b);
	spec.lim.cpu_s = 5;
	spec.lim.wall_s = 20;
	spec.stdout_fd = out_fd;
	return box_run(b, &spec, res);
}

static void read_back(struct box *b)
{
	struct box_result res;
	int ret = run_sh(b,
			 "echo data > out.txt && ln -s /etc/passwd link.txt && ln -s /etc dirlink && "
			 "mkdir d && echo inner > d/f && ln -s .. d/up && mkfifo fifo && "
			 "ln /etc/hostname hard 2>/dev/null; true",
			 &res, -1);
	check(ret == 0 && res.status == BOX_OK, "plant", res.message);

	char *buf = NULL;
	size_t len = 0;
	int trunc = 0;
	ret = box_read_file(b, "out.txt", 100, &buf, &len, &trunc);
	check(ret == 0 && len == 5 && !memcmp(buf, "data\n", 5) && !trunc, "read regular file", strerror(-ret));
	free(buf);
	buf = NULL;
	ret = box_read_file(b, "out.txt", 2, &buf, &len, &trunc);
	check(ret == 0 && len == 2 && trunc, "read truncated", strerror(-ret));
	free(buf);
	buf = NULL;
	ret = box_read_file(b, "d/f", 100, &buf, &len, &trunc);
	check(ret == 0 && len == 6, "read in subdirectory", strerror(-ret));
	free(buf);

	const char *refused[] = {"link.txt", "dirlink/passwd", "d/up/out.txt", "fifo", "../work/out.txt", "/etc/passwd",
				 "d",        "missing"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char name[128];
		buf = NULL;
		ret = box_read_file(b, refused[i], 100, &buf, &len, &trunc);
		snprintf(name, sizeof name, "refuse %s", refused[i]);
		check(ret < 0 && !buf, name, "was read");
		free(buf);
	}
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void clean(struct box *b)
{
	struct box_result res;
	/* Deeper than PATH_MAX, with links everywhere and a directory the box
	 * made unreadable. */
	int ret = run_sh(b,
			 "exec python3 -c '\n"
			 "import os\n"
			 "n = \"d\" * 200\n"
			 "for i in range(40):\n"
			 "    os.mkdir(n)\n"
			 "    os.symlink(\"/etc/passwd\", n + \"/p\")\n"
			 "    os.symlink(\"/\", n + \"/root\")\n"
			 "    os.chdir(n)\n"
			 "os.chdir(\"/box\")\n"
			 "os.mkdir(\"locked\")\n"
			 "open(\"locked/x\", \"w\").close()\n"
			 "os.chmod(\"locked\", 0)\n'",
			 &res, -1);
	check(ret == 0 && res.status == BOX_OK, "plant deep tree", res.message);
	struct stat before, after;
	stat("/etc/passwd", &before);
	ret = box_clean(b);
	check(ret == 0, "clean", strerror(-ret));
	check(count_entries(box_workdir(b)) == 0, "clean leaves nothing", "entries left");
	check(stat("/etc/passwd", &after) == 0 && after.st_ino == before.st_ino, "clean followed no link",
	      "/etc/passwd changed");
}

struct worker {
	struct box *b;
	int slot;
	int bad;
	char why[1024];
};

/* Each slot writes its own marker and must see only its own files and its
 * own processes. */
static void *work(void *arg)
{
	struct worker *w = arg;
	char script[256], path[512];
	snprintf(script, sizeof script, "touch /box/mark%d; ls /box; ls /proc | grep -c '^[0-9]'", w->slot);
	snprintf(path, sizeof path, "%s/../out", box_workdir(w->b));
	for (int i = 0; i < 10 && !w->bad; i++) {
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		struct box_result res;
		int ret = run_sh(w->b, script, &res, fd);
		char out[512] = "";
		ssize_t n = pread(fd, out, sizeof out - 1, 0);
		close(fd);
		out[n > 0 ? n : 0] = 0;
		/* "markN" alone in /box, then sh, ls/grep and the init: a
		 * handful of processes, never another box's. */
		char first[64] = "", want[32];
		int procs = -1;
		snprintf(want, sizeof want, "mark%d", w->slot);
		if (ret || res.status != BOX_OK || sscanf(out, "%63s %d", first, &procs) != 2 || strcmp(first, want) ||
		    procs > 5) {
			snprintf(w->why, sizeof w->why, "run %d: %s [%s] %s", i, box_status_name(res.status), out,
				 res.message);
			w->bad = 1;
		}
		box_clean(w->b);
	}
	unlink(path);
	return NULL;
}

static void concurrent(void)
{
	enum { N = 4 };
	struct worker w[N];
	pthread_t t[N];
	char err[256];
	for (int i = 0; i < N; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].slot = 10 + i;
		w[i].b = box_new(w[i].slot, err, sizeof err);
		if (!w[i].b) {
			check(0, "concurrent slots", err);
			return;
		}
	}
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, work, &w[i]);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < N; i++) {
		char name[64];
		snprintf(name, sizeof name, "concurrent slot %d", w[i].slot);
		check(!w[i].bad, name, w[i].why);
		box_free(w[i].b);
	}
}

/* A hostile pair: slot 20 holds a secret and offers it every way it can
 * (channel.c send) while slot 21 listens (channel.c recv), as a submission
 * on a secret test and an IDE run beside it would. */
struct pair_side {
	struct box *b;
	char *const *argv;
	char out[512];
	int ret;
	struct box_result res;
	const char *progs;
};

static void *pair_run(void *arg)
{
	struct pair_side *p = arg;
	char path[512];
	snprintf(path, sizeof path, "%s/../out", box_workdir(p->b));
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct box_spec spec;
	box_spec_init(&spec);
	spec.argv = p->argv;
	spec.workdir = box_workdir(p->b);
	spec.lim.cpu_s = 10;
	spec.lim.wall_s = 20;
	spec.stdout_fd = fd;
	spec.inet_sockets = 1; /* the widest a language gets (Java) */
	spec.dirs[0] = (struct box_dir){p->progs, "/progs", 0};
	spec.ndirs = 1;
	p->ret = box_run(p->b, &spec, &p->res);
	ssize_t n = pread(fd, p->out, sizeof p->out - 1, 0);
	p->out[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return NULL;
}

static void pair(void)
{
	const char *progs = getenv("VERDICT_CHANNEL_DIR");
	if (!progs) {
		check(0, "hostile pair", "VERDICT_CHANNEL_DIR is not set (run_hostile.sh sets it)");
		return;
	}
	char err[256];
	char *send_argv[] = {"/progs/channel", "send", "the-secret-answer-42", NULL};
	char *recv_argv[] = {"/progs/channel", "recv", NULL};
	struct pair_side s = {.argv = send_argv, .progs = progs}, r = {.argv = recv_argv, .progs = progs};
	s.b = box_new(20, err, sizeof err);
	r.b = s.b ? box_new(21, err, sizeof err) : NULL;
	if (!s.b || !r.b) {
		check(0, "hostile pair", err);
		return;
	}
	pthread_t ts, tr;
	pthread_create(&ts, NULL, pair_run, &s);
	usleep(300000); /* the sender has locked, bound and listened */
	pthread_create(&tr, NULL, pair_run, &r);
	pthread_join(tr, NULL);
	pthread_join(ts, NULL);
	char why[1200];
	snprintf(why, sizeof why, "sender %s %s; receiver %s %s: %s", box_status_name(s.res.status), s.res.message,
		 box_status_name(r.res.status), r.res.message, r.out);
	check(!s.ret && !r.ret && s.res.status == BOX_OK && r.res.status == BOX_OK &&
		      !strcmp(r.out, "flock:closed fcntl:closed inotify:closed unix:closed inet:closed shm:closed\n"),
	      "hostile pair: no secret crosses between slots", why);
	box_free(s.b);
	box_free(r.b);
}

/* A run's tmpfs size differs from the one its ready box was made with:
 * the box's init resizes /tmp (and a private /box) before the program. */
static void tmpfs_resize(struct box *b)
{
	static const long sizes[] = {1024, 4096, 1024, 4096};
	for (int i = 0; i < 4; i++) {
		char *argv[] = {"/bin/sh", "-c",
				"dd if=/dev/zero of=/tmp/f bs=1024 count=2048 2>/dev/null && "
				"dd if=/dev/zero of=/box/f bs=1024 count=2048 2>/dev/null",
				NULL};
		struct box_spec spec;
		box_spec_init(&spec);
		spec.argv = argv;
		spec.lim.cpu_s = 5;
		spec.lim.wall_s = 20;
		spec.lim.tmpfs_kb = sizes[i];
		struct box_result res;
		char name[80];
		snprintf(name, sizeof name, "2 MiB into a %ld KiB /tmp and /box %s", sizes[i],
			 sizes[i] > 2048 ? "fits" : "does not");
		int ret = box_run(b, &spec, &res);
		int fits = sizes[i] > 2048;
		check(ret == 0 && (fits ? res.status == BOX_OK : res.status == BOX_RTE && res.exit_code == 1), name,
		      res.message[0] ? res.message : box_status_name(res.status));
	}
}

/* A kept box's figures are its run's own: the memory peak, CPU and
 * limits start again for each run, and a run that ends in a limit does
 * not keep its box. */
static void kept_figures(struct box *b)
{
	static const struct {
		const char *script, *name;
		long memory_kb, tmpfs_kb;
		enum box_status status;
		int reused;
		long min_mem, max_mem, min_cpu, max_cpu;
	} runs[] = {
		{"x = bytearray(96 << 20); sum(range(3000000))", "a big run", 0, 0, BOX_OK, -1, 90000, -1, 50, -1},
		{"pass", "a small run after it, in its box", 0, 0, BOX_OK, 1, -1, 30000, -1, 200},
		{"x = bytearray(96 << 20)", "a run over its memory limit", 48 * 1024, 0, BOX_MLE, 1, -1, -1, -1, -1},
		{"pass", "a run after an MLE", 0, 0, BOX_OK, -1, -1, 30000, -1, -1},
		{"open('/tmp/f', 'wb').write(bytes(2 << 20)); import os; os.remove('/tmp/f')",
		 "a kept box's /tmp resized", 0, 4096, BOX_OK, 1, -1, -1, -1, -1},
	};
	for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
		char *argv[] = {"/usr/bin/python3", "-S", "-c", (char *)runs[i].script, NULL};
		struct box_spec spec;
		box_spec_init(&spec);
		spec.argv = argv;
		spec.keep = 1;
		spec.lim.cpu_s = 10;
		spec.lim.wall_s = 30;
		if (runs[i].memory_kb)
			spec.lim.memory_kb = runs[i].memory_kb;
		if (runs[i].tmpfs_kb)
			spec.lim.tmpfs_kb = runs[i].tmpfs_kb;
		struct box_result res;
		int ret = box_run(b, &spec, &res);
		char why[400];
		snprintf(why, sizeof why, "%s reused=%d memory_kb=%ld cpu_ms=%ld %s", box_status_name(res.status),
			 res.reused, res.memory_kb, res.cpu_ms, res.message);
		check(ret == 0 && res.status == runs[i].status &&
			      (runs[i].reused < 0 || res.reused == runs[i].reused) &&
			      (runs[i].min_mem < 0 || res.memory_kb >= runs[i].min_mem) &&
			      (runs[i].max_mem < 0 || res.memory_kb <= runs[i].max_mem) &&
			      (runs[i].min_cpu < 0 || res.cpu_ms >= runs[i].min_cpu) &&
			      (runs[i].max_cpu < 0 || res.cpu_ms <= runs[i].max_cpu),
		      runs[i].name, why);
	}
}

int main(void)
{
	char err[256];
	if (box_global_init(NULL, err, sizeof err) < 0) {
		printf("FAIL init: %s\n", err);
		return 1;
	}
	struct box *b = box_new(0, err, sizeof err);
	if (!b) {
		printf("FAIL box_new: %s\n", err);
		return 1;
	}
	read_back(b);
	tmpfs_resize(b);
	kept_figures(b);
	box_clean(b);
	clean(b);
	box_free(b);
	concurrent();
	pair();
	box_global_release();
	return failures ? 1 : 0;
}
