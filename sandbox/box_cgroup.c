/* cgroups of the box: v1 (a hierarchy per controller) or v2, picked at run
 * time. Verdict's cgroups live under a "verdict" parent of their own, one
 * per half of a slot (each has a launcher), named <instance>-<slot>a and
 * <instance>-<slot>b; nothing else is ever touched. */
#include "box_internal.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const box_cg_names[BOX_CG_NCTL] = {"memory", "pids", "cpuacct", "freezer"};

static struct {
	enum box_cg_mode mode;
	char v1[BOX_CG_NCTL][256]; /* mount point of each v1 controller */
	char v2[256];              /* the cgroup2 mount */
	int v2_memory;             /* memory usable below the v2 parent */
} box_cgg;

/*** Small file helpers ***/

int box_file_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);
	int ret = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return ret;
}

int box_fd_read(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);
	if (n < 0) {
		buf[0] = 0;
		return -errno;
	}
	buf[n] = 0;
	return 0;
}

int box_file_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf[0] = 0;
		return -errno;
	}
	int ret = box_fd_read(fd, buf, len);
	close(fd);
	return ret;
}

long long box_kv_get(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

static int box_path_write(const char *dir, const char *file, const char *s)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return box_file_write(path, s);
}

static int box_path_open(const char *dir, const char *file, int flags)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void box_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*** Finding the hierarchies (global) ***/

/* mountinfo escapes spaces and the like as \ooo. */
static void box_unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
}

static void box_cg_scan_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		char *sep = strstr(line, " - ");
		char fstype[32], source[256], opts[1024], mnt[256];
		if (!sep || sscanf(sep + 3, "%31s %255s %1023s", fstype, source, opts) != 3 ||
		    sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1)
			continue;
		box_unescape(mnt);
		if (!strcmp(fstype, "cgroup2")) {
			if (!box_cgg.v2[0])
				snprintf(box_cgg.v2, sizeof box_cgg.v2, "%s", mnt);
			continue;
		}
		if (strcmp(fstype, "cgroup"))
			continue;
		char *save = NULL;
		for (char *tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			for (int c = 0; c < BOX_CG_NCTL; c++)
				if (!strcmp(tok, box_cg_names[c]) && !box_cgg.v1[c][0])
					snprintf(box_cgg.v1[c], sizeof box_cgg.v1[c], "%s", mnt);
	}
	fclose(f);
}

static int box_has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || p[-1] == ' ' || p[-1] == '\n') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

/* On v2 a controller works in a cgroup only when every ancestor enables it
 * for its children. */
static int box_cg_v2_enable(const char *dir, char *err, size_t errlen)
{
	char have[256], on[256], req[64] = "";
	char path[640];
	snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
	box_file_read(path, have, sizeof have);
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
	box_file_read(path, on, sizeof on);
	if (box_has_word(have, "memory") && !box_has_word(on, "memory"))
		strcat(req, "+memory ");
	if (box_has_word(have, "pids") && !box_has_word(on, "pids"))
		strcat(req, "+pids ");
	if (!req[0])
		return 0;
	int ret = box_file_write(path, req);
	if (ret < 0)
		snprintf(err, errlen,
			 "cannot enable %sin %s: %s (on cgroup v2 the judge must not "
			 "sit in a non-root cgroup that has processes)",
			 req, path, strerror(-ret));
	return ret;
}

/* Removes <parent>/<pid>-<slot><half> (and the older <pid>-<slot>) left by
 * instances that no longer run. Only empty ones go: rmdir refuses the
 * others. */
static void box_cg_clean_stale(const char *parent, int instance)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		int pid, slot;
		char half, tail;
		int n = sscanf(e->d_name, "%d-%d%c%c", &pid, &slot, &half, &tail);
		if ((n != 2 && (n != 3 || half < 'a' || half > 'z')) || pid <= 0 || pid == instance)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		char path[640];
		snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
		if (rmdir(path) == 0)
			log_info("removed stale cgroup", "path", path, NULL);
	}
	closedir(d);
}

int box_cg_global_init(int instance, char *err, size_t errlen)
{
	memset(&box_cgg, 0, sizeof box_cgg);
	box_cg_scan_mounts();
	/* Whatever the mode, a dead instance's cgroups go. */
	char parent[400];
	if (box_cgg.v2[0]) {
		snprintf(parent, sizeof parent, "%s/verdict", box_cgg.v2);
		box_cg_clean_stale(parent, instance);
	}
	for (int c = 0; c < BOX_CG_NCTL; c++) {
		if (!box_cgg.v1[c][0] || (c > 0 && !strcmp(box_cgg.v1[c], box_cgg.v1[c - 1])))
			continue;
		snprintf(parent, sizeof parent, "%s/verdict", box_cgg.v1[c]);
		box_cg_clean_stale(parent, instance);
	}

	char ctl[256] = "";
	if (box_cgg.v2[0]) {
		char path[300];
		snprintf(path, sizeof path, "%s/cgroup.controllers", box_cgg.v2);
		box_file_read(path, ctl, sizeof ctl);
	}
	int v2_ok = box_cgg.v2[0] && box_has_word(ctl, "memory") && box_has_word(ctl, "pids");
	int v1_ok = box_cgg.v1[BOX_CG_MEMORY][0] && box_cgg.v1[BOX_CG_PIDS][0] && box_cgg.v1[BOX_CG_CPUACCT][0];
	const char *force = getenv("VERDICT_BOX_CGROUP");
	if (force && !strcmp(force, "v1")) {
		if (!v1_ok) {
			snprintf(err, errlen,
				 "VERDICT_BOX_CGROUP=v1 but the memory, pids and cpuacct "
				 "v1 hierarchies are not all mounted");
			return -ENOENT;
		}
		box_cgg.mode = BOX_CG_V1;
	} else if (force && !strcmp(force, "v2")) {
		if (!box_cgg.v2[0]) {
			snprintf(err, errlen, "VERDICT_BOX_CGROUP=v2 but no cgroup2 is mounted");
			return -ENOENT;
		}
		/* Forced for tests: limits whose controller is missing are skipped. */
		if (!v2_ok)
			log_warn("cgroup v2 lacks memory or pids; those limits are off", "controllers", ctl, NULL);
		box_cgg.mode = BOX_CG_V2;
	} else if (force && *force) {
		snprintf(err, errlen, "VERDICT_BOX_CGROUP must be v1 or v2, not %s", force);
		return -EINVAL;
	} else if (v2_ok) {
		box_cgg.mode = BOX_CG_V2;
	} else if (v1_ok) {
		box_cgg.mode = BOX_CG_V1;
	} else {
		snprintf(err, errlen,
			 "no usable cgroup hierarchy (need v2 with memory and pids, "
			 "or v1 memory, pids and cpuacct)");
		return -ENOENT;
	}

	if (box_cgg.mode == BOX_CG_V2) {
		int ret = box_cg_v2_enable(box_cgg.v2, err, errlen);
		if (ret < 0)
			return ret;
		snprintf(parent, sizeof parent, "%s/verdict", box_cgg.v2);
		if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
			ret = -errno;
			snprintf(err, errlen, "mkdir %s: %s", parent, strerror(errno));
			return ret;
		}
		if ((ret = box_cg_v2_enable(parent, err, errlen)) < 0)
			return ret;
		char have[256] = "";
		snprintf(parent, sizeof parent, "%s/verdict/cgroup.subtree_control", box_cgg.v2);
		box_file_read(parent, have, sizeof have);
		box_cgg.v2_memory = box_has_word(have, "memory");
		return 0;
	}
	for (int c = 0; c < BOX_CG_NCTL; c++) {
		if (!box_cgg.v1[c][0])
			continue;
		snprintf(parent, sizeof parent, "%s/verdict", box_cgg.v1[c]);
		if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
			int ret = -errno;
			snprintf(err, errlen, "mkdir %s: %s", parent, strerror(errno));
			return ret;
		}
	}
	return 0;
}

enum box_cg_mode box_cg_mode(void)
{
	return box_cgg.mode;
}

const char *box_cg_mode_name(void)
{
	return box_cgg.mode == BOX_CG_V2 ? "v2" : box_cgg.mode == BOX_CG_V1 ? "v1" : "none";
}

/*** A slot's cgroups (caller of box_new / box_free) ***/

static int box_cg_same(const struct box_cg *cg, int c)
{
	/* Controllers mounted together share a directory: do it once. */
	for (int k = 0; k < c; k++)
		if (!strcmp(cg->dir[k], cg->dir[c]))
			return 1;
	return 0;
}

int box_cg_slot_init(struct box_cg *cg, int instance, int slot, int half, char *err, size_t errlen)
{
	char h = (char)('a' + half);
	memset(cg, 0, sizeof *cg);
	cg->dir_fd = cg->usage_fd = -1;
	for (int i = 0; i < BOX_CGF_N; i++)
		cg->fd[i] = -1;
	if (box_cgg.mode == BOX_CG_V2) {
		/* Made per box by box_cg_renew. */
		snprintf(cg->dir[0], sizeof cg->dir[0], "%s/verdict/%d-%d%c", box_cgg.v2, instance, slot, h);
		return 0;
	}
	for (int c = 0; c < BOX_CG_NCTL; c++)
		if (box_cgg.v1[c][0])
			snprintf(cg->dir[c], sizeof cg->dir[c], "%s/verdict/%d-%d%c", box_cgg.v1[c], instance, slot, h);
	for (int c = 0; c < BOX_CG_NCTL; c++) {
		if (!cg->dir[c][0] || box_cg_same(cg, c))
			continue;
		if (mkdir(cg->dir[c], 0755) < 0 && errno != EEXIST) {
			int ret = -errno;
			snprintf(err, errlen, "mkdir %s: %s", cg->dir[c], strerror(errno));
			box_cg_slot_release(cg);
			return ret;
		}
	}
	return 0;
}

void box_cg_slot_release(struct box_cg *cg)
{
	box_close(&cg->dir_fd);
	box_close(&cg->usage_fd);
	for (int i = 0; i < BOX_CGF_N; i++)
		box_close(&cg->fd[i]);
	for (int c = 0; c < BOX_CG_NCTL; c++) {
		if (!cg->dir[c][0] || box_cg_same(cg, c))
			continue;
		/* A process that just died may still be listed for a moment. */
		for (int i = 0; i < 100 && rmdir(cg->dir[c]) < 0 && errno == EBUSY; i++)
			usleep(2000);
	}
}

int box_cg_adopt(struct box_cg *cg, pid_t pid)
{
	if (box_cgg.mode != BOX_CG_V1)
		return 0;
	char buf[32];
	snprintf(buf, sizeof buf, "%d", (int)pid);
	for (int c = 0; c < BOX_CG_NCTL; c++) {
		if (!cg->dir[c][0] || box_cg_same(cg, c))
			continue;
		int ret = box_path_write(cg->dir[c], "cgroup.procs", buf);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*** Per box (launcher) ***/

int box_cg_renew(struct box_cg *cg)
{
	if (box_cgg.mode == BOX_CG_V1) {
		if (cg->fd[BOX_CGF_CPU] >= 0)
			return 0; /* v1 counters are the slot's, opened once */
		const char *mem = cg->dir[BOX_CG_MEMORY];
		cg->fd[BOX_CGF_CPU] = box_path_open(cg->dir[BOX_CG_CPUACCT], "cpuacct.usage", O_RDONLY);
		cg->fd[BOX_CGF_PEAK] = box_path_open(mem, "memory.max_usage_in_bytes", O_RDWR);
		cg->fd[BOX_CGF_OOM] = box_path_open(mem, "memory.oom_control", O_RDONLY);
		cg->fd[BOX_CGF_PIDS] = box_path_open(cg->dir[BOX_CG_PIDS], "pids.current", O_RDONLY);
		cg->fd[BOX_CGF_MEMLIM] = box_path_open(mem, "memory.limit_in_bytes", O_WRONLY);
		/* Absent without swap accounting. */
		cg->fd[BOX_CGF_MEMSWLIM] = box_path_open(mem, "memory.memsw.limit_in_bytes", O_WRONLY);
		cg->fd[BOX_CGF_PIDSMAX] = box_path_open(cg->dir[BOX_CG_PIDS], "pids.max", O_WRONLY);
		cg->usage_fd = box_path_open(mem, "memory.usage_in_bytes", O_RDONLY);
		if (cg->fd[BOX_CGF_MEMSWLIM] < 0)
			cg->fd[BOX_CGF_MEMSWLIM] = -1;
		for (int i = 0; i < BOX_CGF_N; i++)
			if (cg->fd[i] < -1)
				return cg->fd[i];
		return cg->usage_fd < 0 ? cg->usage_fd : 0;
	}
	box_close(&cg->dir_fd);
	box_close(&cg->usage_fd);
	for (int i = 0; i < BOX_CGF_N; i++)
		box_close(&cg->fd[i]);
	const char *dir = cg->dir[0];
	if (rmdir(dir) < 0 && errno != ENOENT)
		return -errno;
	if (mkdir(dir, 0755) < 0)
		return -errno;
	cg->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg->dir_fd < 0)
		return -errno;
	cg->fd[BOX_CGF_CPU] = box_path_open(dir, "cpu.stat", O_RDONLY);
	/* Absent when the controllers are (VERDICT_BOX_CGROUP=v2 forced). */
	cg->fd[BOX_CGF_PEAK] = box_path_open(dir, "memory.peak", O_RDWR);
	if (cg->fd[BOX_CGF_PEAK] == -EACCES) /* read-only before 6.12 */
		cg->fd[BOX_CGF_PEAK] = box_path_open(dir, "memory.peak", O_RDONLY);
	cg->fd[BOX_CGF_OOM] = box_path_open(dir, "memory.events", O_RDONLY);
	cg->fd[BOX_CGF_PIDS] = box_path_open(dir, "pids.current", O_RDONLY);
	cg->fd[BOX_CGF_MEMLIM] = box_path_open(dir, "memory.max", O_WRONLY);
	cg->fd[BOX_CGF_PIDSMAX] = box_path_open(dir, "pids.max", O_WRONLY);
	cg->usage_fd = box_path_open(dir, "memory.current", O_RDONLY);
	for (int i = 1; i < BOX_CGF_N; i++)
		if (cg->fd[i] < 0)
			cg->fd[i] = -1;
	if (cg->usage_fd < 0)
		cg->usage_fd = -1;
	if (box_cgg.v2_memory) {
		/* Swap would be memory beyond the limit. */
		int ret = box_path_write(dir, "memory.swap.max", "0");
		if (ret < 0 && ret != -ENOENT)
			return ret;
	}
	return cg->fd[BOX_CGF_CPU] < 0 ? cg->fd[BOX_CGF_CPU] : 0;
}

static void box_num(char *buf, size_t len, long long v, const char *unlimited)
{
	if (v < 0)
		snprintf(buf, len, "%s", unlimited);
	else
		snprintf(buf, len, "%lld", v);
}

static int box_fd_write(int fd, const char *s)
{
	if (fd < 0)
		return 0; /* controller absent (forced v2): nothing to limit */
	size_t len = strlen(s);
	ssize_t n = pwrite(fd, s, len, 0);
	return n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
}

int box_cg_unlimit(struct box_cg *cg)
{
	if (box_cgg.mode == BOX_CG_V2)
		return 0; /* a fresh cgroup has none */
	int ret;
	/* memsw (memory plus swap) may never be below the memory limit:
	 * raised first here, lowered last in box_cg_limit. */
	if ((ret = box_fd_write(cg->fd[BOX_CGF_MEMSWLIM], "-1")) < 0 ||
	    (ret = box_fd_write(cg->fd[BOX_CGF_MEMLIM], "-1")) < 0)
		return ret;
	return box_fd_write(cg->fd[BOX_CGF_PIDSMAX], "max");
}

int box_cg_limit(const int *fd, long long mem, long long pids)
{
	char buf[32];
	int ret, v2 = box_cgg.mode == BOX_CG_V2;
	box_num(buf, sizeof buf, mem, v2 ? "max" : "-1");
	/* v1: memsw may never be below the memory limit, and a kept box
	 * still has its last run's: raised first, lowered last. */
	if ((ret = box_fd_write(fd[BOX_CGF_MEMSWLIM], "-1")) < 0 || (ret = box_fd_write(fd[BOX_CGF_MEMLIM], buf)) < 0 ||
	    (ret = box_fd_write(fd[BOX_CGF_MEMSWLIM], buf)) < 0)
		return ret;
	box_num(buf, sizeof buf, pids, "max");
	return box_fd_write(fd[BOX_CGF_PIDSMAX], buf);
}

long long box_cg_usage(struct box_cg *cg)
{
	return box_cg_read_num(cg->usage_fd);
}

long long box_cg_unreclaimable(struct box_cg *cg)
{
	char path[640], buf[8192];
	int v1 = box_cgg.mode == BOX_CG_V1;
	snprintf(path, sizeof path, "%s/memory.stat", v1 ? cg->dir[BOX_CG_MEMORY] : cg->dir[0]);
	long long usage = box_cg_usage(cg);
	if (usage < 0 || box_file_read(path, buf, sizeof buf) < 0)
		return usage < 0 ? 0 : usage;
	long long a = box_kv_get(buf, v1 ? "total_active_file" : "active_file");
	long long i = box_kv_get(buf, v1 ? "total_inactive_file" : "inactive_file");
	long long u = usage - (a > 0 ? a : 0) - (i > 0 ? i : 0);
	return u > 0 ? u : 0;
}

void box_cg_reset_peak(struct box_cg *cg)
{
	/* v1 resets to the current usage on any write; v2 (since 6.12) resets
	 * what this fd reads. Older v2 kernels refuse: the peak then also
	 * counts the box's own setup, which the baseline mostly cancels. */
	if (cg->fd[BOX_CGF_PEAK] >= 0 && pwrite(cg->fd[BOX_CGF_PEAK], "0", 1, 0) < 0)
		(void)0;
}

/*** Reading the counters ***/

long long box_cg_read_cpu_ns(int fd)
{
	char buf[512];
	if (fd < 0 || box_fd_read(fd, buf, sizeof buf) < 0)
		return -1;
	if (box_cgg.mode == BOX_CG_V2) {
		long long us = box_kv_get(buf, "usage_usec");
		return us < 0 ? -1 : us * 1000;
	}
	return strtoll(buf, NULL, 10);
}

long long box_cg_read_num(int fd)
{
	char buf[64];
	if (fd < 0 || box_fd_read(fd, buf, sizeof buf) < 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

long long box_cg_read_oom(int fd)
{
	char buf[1024];
	if (fd < 0 || box_fd_read(fd, buf, sizeof buf) < 0)
		return -1;
	return box_kv_get(buf, "oom_kill");
}

/*** Killing (supervisor) ***/

static const char *box_cg_procs_dir(struct box_cg *cg)
{
	if (box_cgg.mode == BOX_CG_V2)
		return cg->dir[0];
	return cg->dir[BOX_CG_FREEZER][0] ? cg->dir[BOX_CG_FREEZER] : cg->dir[BOX_CG_PIDS];
}

/* One pass: SIGKILL to every pid listed but spare. Returns how many. */
static int box_cg_kill_listed(struct box_cg *cg, pid_t spare)
{
	char path[640];
	snprintf(path, sizeof path, "%s/cgroup.procs", box_cg_procs_dir(cg));
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	int n = 0, pid;
	while (fscanf(f, "%d", &pid) == 1) {
		if (pid <= 0 || pid == spare)
			continue;
		kill(pid, SIGKILL);
		n++;
	}
	fclose(f);
	return n;
}

static void box_sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

int box_cg_kill(struct box_cg *cg, pid_t spare)
{
	if (box_cgg.mode == BOX_CG_V2) {
		if (box_path_write(cg->dir[0], "cgroup.kill", "1") == 0)
			return 0;
		/* Before 5.14: freeze, kill, thaw, as on v1. */
		box_path_write(cg->dir[0], "cgroup.freeze", "1");
		int n = box_cg_kill_listed(cg, spare);
		box_path_write(cg->dir[0], "cgroup.freeze", "0");
		return n;
	}
	const char *fz = cg->dir[BOX_CG_FREEZER];
	if (!fz[0])
		return box_cg_kill_listed(cg, spare);
	/* Frozen, nothing can fork between the listing and the kill. The
	 * launcher is frozen too for that moment, harmlessly. */
	box_path_write(fz, "freezer.state", "FROZEN");
	char path[640], state[64];
	snprintf(path, sizeof path, "%s/freezer.state", fz);
	for (int i = 0; i < 100; i++) {
		if (box_file_read(path, state, sizeof state) < 0 || !strncmp(state, "FROZEN", 6))
			break;
		box_sleep_us(500);
	}
	int n = box_cg_kill_listed(cg, spare);
	box_path_write(fz, "freezer.state", "THAWED");
	return n;
}

int box_cg_kill_all(struct box_cg *cg, pid_t spare)
{
	int n = box_cg_kill(cg, spare);
	for (int i = 0; n > 0 && i < 400; i++) {
		box_sleep_us(i < 20 ? 200 : 2000);
		n = box_cg_kill_listed(cg, spare);
	}
	return n;
}
