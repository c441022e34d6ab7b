/* verdict-box: the launcher, one per half of a slot: the template root and
 * the ready boxes it prepares. */
#include "box_internal.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/securebits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*** The launcher: one per slot ***/

struct box_launch {
	struct box *b;
	struct box_half *h; /* this launcher's half of the slot */
	int sock;
	/* The template root's mounts for the current key. */
	char key[BOX_REQ_MAX];
	uint32_t key_len;
	int have_key;
	char bound[BOX_MAX_DIRS + 1][PATH_MAX]; /* where, in the template namespace */
	int nbound;
	/* The launcher lives in host_ns, where it built the template root;
	 * boxes are cloned from tpl_ns, whose root is that template. */
	int host_ns, tpl_ns;
	struct box_arena *arena[2]; /* the current box's and the next one's */
	int oom_lowered;
	int arena_next;
	/* The current box. */
	pid_t pid;
	int pidfd;
	int mntns; /* its mount namespace, held until the next PREP */
};

static struct box_launch box_l; /* only ever used in the launcher process */

/* Binds src at dst (recursively: a non-recursive bind of a tree with mounts
 * below would be refused in the box's user namespace). */
static int box_bind(const char *src, const char *dst, int rw, int dev, char *err, size_t errlen)
{
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return box_lerr(err, errlen, "bind", src, errno);
	struct mount_attr a = {.attr_set = MOUNT_ATTR_NOSUID | (rw ? 0 : MOUNT_ATTR_RDONLY) |
					   (dev ? MOUNT_ATTR_NOEXEC : MOUNT_ATTR_NODEV)};
	if (mount_setattr(AT_FDCWD, dst, AT_RECURSIVE, &a, sizeof a) == 0)
		return 0;
	/* Before 5.12: the top mount only. */
	unsigned long fl = MS_REMOUNT | MS_BIND | MS_NOSUID | (rw ? 0 : MS_RDONLY) | (dev ? MS_NOEXEC : MS_NODEV);
	if (mount(NULL, dst, NULL, fl, NULL) < 0)
		return box_lerr(err, errlen, "remount", dst, errno);
	return 0;
}

/* The template root's own mount: read-only except while the launcher adds
 * mount points. */
static int box_tpl_rw(int rw)
{
	unsigned long fl = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | (rw ? 0 : MS_RDONLY);
	return mount(NULL, box_l.b->root, NULL, fl, NULL) < 0 ? -errno : 0;
}

/* Recreates host path src at the same place in the template: a symlink
 * stays a symlink (/bin -> usr/bin), a directory or file is bound
 * read-only, a missing one is skipped. */
static int box_tpl_add(const char *src, char *err, size_t errlen)
{
	char dst[BOX_TPL_PATH], target[PATH_MAX];
	struct stat st;
	snprintf(dst, sizeof dst, "%s%s", box_l.b->root, src);
	if (lstat(src, &st) < 0)
		return errno == ENOENT ? 0 : box_lerr(err, errlen, "stat", src, errno);
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(src, target, sizeof target - 1);
		if (n < 0)
			return box_lerr(err, errlen, "readlink", src, errno);
		target[n] = 0;
		if (symlink(target, dst) < 0 && errno != EEXIST)
			return box_lerr(err, errlen, "symlink", dst, errno);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, 0755) < 0 && errno != EEXIST)
			return box_lerr(err, errlen, "mkdir", dst, errno);
	} else {
		int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return box_lerr(err, errlen, "create", dst, errno);
		close(fd);
	}
	return box_bind(src, dst, 0, 0, err, errlen);
}

static int box_tpl_build(char *err, size_t errlen)
{
	static const char *const ro[] = {
		"/usr",
		"/bin",
		"/sbin",
		"/lib",
		"/lib64",
		"/lib32",
		"/libx32",
		"/etc/alternatives",
		"/etc/java-17-openjdk",
		"/etc/ld.so.cache",
	};
	static const char *const dirs[] = {"/etc", "/dev", "/proc", "/tmp", "/box"};
	static const char *const devs[] = {"null", "zero", "full", "random", "urandom"};
	static const char *const links[][2] = {
		{"/proc/self/fd", "fd"},
		{"/proc/self/fd/0", "stdin"},
		{"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"},
	};
	const char *root = box_l.b->root;
	char path[BOX_TPL_PATH];
	int ret;
	if (mount("verdict-root", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,nr_inodes=512,mode=0755") < 0)
		return box_lerr(err, errlen, "mount tmpfs at", root, errno);
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(path, sizeof path, "%s%s", root, dirs[i]);
		if (mkdir(path, 0755) < 0)
			return box_lerr(err, errlen, "mkdir", path, errno);
	}
	for (size_t i = 0; i < sizeof ro / sizeof *ro; i++)
		if ((ret = box_tpl_add(ro[i], err, errlen)) < 0)
			return ret;
	for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
		char src[64];
		snprintf(src, sizeof src, "/dev/%s", devs[i]);
		snprintf(path, sizeof path, "%s/dev/%s", root, devs[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return box_lerr(err, errlen, "create", path, errno);
		close(fd);
		if ((ret = box_bind(src, path, 1, 1, err, errlen)) < 0)
			return ret;
	}
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		snprintf(path, sizeof path, "%s/dev/%s", root, links[i][1]);
		if (symlink(links[i][0], path) < 0)
			return box_lerr(err, errlen, "symlink", path, errno);
	}
	if ((ret = box_tpl_rw(0)) < 0)
		return box_lerr(err, errlen, "remount read-only", root, -ret);
	return 0;
}

/* Binds host path src at dst in the template namespace, read-only unless
 * rw: a detached copy of it made here, moved there. Recursive: a
 * non-recursive bind of a tree with mounts below would be refused in the
 * box's user namespace. */
static int box_tpl_bind(const char *src, const char *dst, int rw, char *err, size_t errlen)
{
	int fd = (int)open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return box_lerr(err, errlen, "bind", src, errno);
	struct mount_attr a = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (rw ? 0 : MOUNT_ATTR_RDONLY)};
	int ret = 0;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) < 0)
		ret = box_lerr(err, errlen, "set attributes of", src, errno);
	else if (setns(box_l.tpl_ns, CLONE_NEWNS) < 0)
		ret = box_lerr(err, errlen, "setns", "template namespace", errno);
	else {
		if (move_mount(fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			ret = box_lerr(err, errlen, "bind at", dst, errno);
		if (setns(box_l.host_ns, CLONE_NEWNS) < 0)
			_exit(1); /* lost where the host is: nothing safe left to do */
	}
	close(fd);
	return ret;
}

/* Mounts what a key asks for into the template namespace: the work
 * directory at /box and the extra directories. Boxes cloned later get
 * copies; the kernel locks them there, so no box can undo them. */
static int box_tpl_key(const char *key, uint32_t key_len, char *err, size_t errlen)
{
	const char *root = box_l.b->root;
	char path[BOX_TPL_PATH];
	int ret = 0;
	if (box_l.nbound > 0) {
		if (setns(box_l.tpl_ns, CLONE_NEWNS) < 0)
			return box_lerr(err, errlen, "setns", "template namespace", errno);
		while (box_l.nbound > 0)
			umount2(box_l.bound[--box_l.nbound], MNT_DETACH);
		if (setns(box_l.host_ns, CLONE_NEWNS) < 0)
			_exit(1);
	}
	box_l.have_key = 0;
	struct box_cursor cur = {key, key + key_len};
	box_next(&cur); /* the socket families: not a mount */
	const char *workdir = box_next(&cur);
	if (workdir && workdir[0]) {
		if ((ret = box_tpl_bind(workdir, "/box", 1, err, errlen)) < 0)
			return ret;
		snprintf(box_l.bound[box_l.nbound++], PATH_MAX, "/box");
	}
	const char *host;
	while ((host = box_next(&cur))) {
		const char *in = box_next(&cur), *rw = box_next(&cur);
		if (!in || !rw)
			return -EINVAL;
		/* Mount points are made in the template root, which both
		 * namespaces share. */
		snprintf(path, sizeof path, "%s%s", root, in);
		struct stat st;
		if (stat(path, &st) < 0) {
			/* A new mount point: the template is briefly writable. */
			box_tpl_rw(1);
			ret = box_mkdir_p(path);
			box_tpl_rw(0);
			if (ret < 0)
				return box_lerr(err, errlen, "cannot make mount point", in, -ret);
		}
		if ((ret = box_tpl_bind(host, in, rw[0] == 'w', err, errlen)) < 0)
			return ret;
		if (box_l.nbound <= BOX_MAX_DIRS)
			snprintf(box_l.bound[box_l.nbound++], PATH_MAX, "%s", in);
	}
	memcpy(box_l.key, key, key_len);
	box_l.key_len = key_len;
	box_l.have_key = 1;
	return 0;
}

/* Makes the template namespace: a copy of the launcher's whose root is the
 * template root, with nothing else of the host in it. Boxes are cloned
 * from it, so a box's mount namespace starts small and right: no host
 * mounts to copy, to pivot away from and to tear down on every run. */
static int box_tpl_ns(char *err, size_t errlen)
{
	const char *root = box_l.b->root;
	int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	box_l.host_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (procfd < 0 || box_l.host_ns < 0)
		return box_lerr(err, errlen, "open", "/proc", errno);
	int ret = 0;
	if (unshare(CLONE_NEWNS) < 0)
		ret = box_lerr(err, errlen, "unshare", "template namespace", errno);
	/* Private: a host mount or unmount never reaches a box. */
	else if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		ret = box_lerr(err, errlen, "make private", "template namespace", errno);
	else if (chdir(root) < 0)
		ret = box_lerr(err, errlen, "chdir", root, errno);
	else if (syscall(SYS_pivot_root, ".", ".") < 0)
		ret = box_lerr(err, errlen, "pivot_root into", root, errno);
	/* The old root was stacked under the new one: detached whole. */
	else if (umount2(".", MNT_DETACH) < 0)
		ret = box_lerr(err, errlen, "detach the host from", "template namespace", errno);
	else if ((box_l.tpl_ns = openat(procfd, "self/ns/mnt", O_RDONLY | O_CLOEXEC)) < 0)
		ret = box_lerr(err, errlen, "open", "template namespace", errno);
	close(procfd);
	if (setns(box_l.host_ns, CLONE_NEWNS) < 0)
		_exit(1);
	return ret;
}

static void box_discard(void)
{
	if (box_l.pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, box_l.pidfd, SIGKILL, NULL, 0);
		close(box_l.pidfd);
	}
	if (box_l.pid > 0)
		waitpid(box_l.pid, NULL, 0);
	if (box_l.mntns >= 0)
		close(box_l.mntns);
	box_l.pid = 0;
	box_l.pidfd = box_l.mntns = -1;
}

/* The box's init is gone: reap it, keep its mounts until the next PREP. */
static void box_reap(void)
{
	if (box_l.pid > 0 && waitpid(box_l.pid, NULL, WNOHANG) == box_l.pid)
		box_l.pid = 0;
	if (box_l.pidfd >= 0)
		close(box_l.pidfd);
	box_l.pidfd = -1;
}

static int box_write_maps(pid_t pid, uid_t uid)
{
	char path[64], map[64];
	int ret;
	snprintf(map, sizeof map, "%d %u 1\n", BOX_INSIDE_ID, (unsigned)uid);
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
	if ((ret = box_file_write(path, map)) < 0)
		return ret;
	/* setgroups stays denied in the box: no way to pick up a group. */
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
	if ((ret = box_file_write(path, "deny")) < 0)
		return ret;
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
	return box_file_write(path, map);
}

/* Sanitizer runtimes take locks in their interceptors; a process that
 * shares their memory and is killed holding one would leave it held for
 * the launcher and every later init. Their builds copy the memory. */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define BOX_INIT_SHARES_VM 1
#else
#define BOX_INIT_SHARES_VM 0
#endif

#if BOX_INIT_SHARES_VM
/* clone3 with CLONE_VM: the child starts on the stack given in ca, runs
 * fn(arg) there and exits with its result; it never returns here. glibc
 * has no clone3 wrapper that takes a function. */
static pid_t box_clone3_vm(struct clone_args *ca, int (*fn)(void *), void *arg)
{
	long ret;
	register long r_fn __asm__("r8") = (long)fn;
	register long r_arg __asm__("r9") = (long)arg;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 /* The child: a fresh stack, no frame to return to. */
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r9, %%rdi\n\t"
			 "call *%%r8\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[exit], %%eax\n\t"
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone3), "D"(ca), "S"(sizeof *ca), "r"(r_fn), "r"(r_arg), [exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (pid_t)ret;
}
#endif

/* Starts a box's init in the arena: sharing the launcher's memory where the
 * architecture has box_clone3_vm, else on a copy of it, like fork. */
static pid_t box_clone_init(struct clone_args *ca, struct box_arena *a)
{
#if BOX_INIT_SHARES_VM
	ca->flags |= CLONE_VM;
	ca->stack = (uint64_t)(uintptr_t)a->init_stack;
	ca->stack_size = sizeof a->init_stack;
	return box_clone3_vm(ca, box_init_main, a);
#else
	pid_t pid = (pid_t)syscall(SYS_clone3, ca, sizeof *ca);
	if (pid == 0)
		_exit(box_init_main(a));
	return pid;
#endif
}

/* Waits for the init's message of this type: 0, or -errno with why. */
static int box_init_wait(int sock, uint32_t type, char *err, size_t errlen)
{
	struct pollfd p = {sock, POLLIN, 0};
	if (poll(&p, 1, BOX_SETUP_TIMEOUT_MS) != 1)
		return box_lerr(err, errlen, "box setup", "timed out", ETIMEDOUT);
	struct box_ready ir;
	ssize_t n = box_recv(sock, &ir, sizeof ir, NULL, NULL, 0);
	if (n == (ssize_t)sizeof ir && ir.type == type)
		return 0;
	ir.msg[sizeof ir.msg - 1] = 0;
	snprintf(err, errlen, "%s", n == (ssize_t)sizeof ir ? ir.msg : "box setup: the box's init died");
	return -EIO;
}

/* Makes a ready box for a PREP and hands it to the supervisor. */
static void box_launcher_prep(const struct box_prep *m, const char *key)
{
	struct box *b = box_l.b;
	struct box_ready r = {.type = BOX_MSG_READY};
	char *err = r.msg;
	size_t errlen = sizeof r.msg;
	int ret, sp[2] = {-1, -1}, sync[2] = {-1, -1};

	/* The last box goes while the next one sets itself up, except when
	 * its mounts or its v2 cgroup have to go first. */
	int key_changed = !box_l.have_key || box_l.key_len != m->key_len || memcmp(box_l.key, key, m->key_len);
	if (key_changed || box_cg_mode() != BOX_CG_V1)
		box_discard();
	if (key_changed && (ret = box_tpl_key(key, m->key_len, err, errlen)) < 0)
		goto fail;
	struct box_cg *cg = &box_l.h->cg;
	if ((ret = box_cg_renew(cg)) < 0) {
		box_lerr(err, errlen, "cannot renew", "the slot's cgroup", -ret);
		goto fail;
	}
	if ((ret = box_cg_unlimit(cg)) < 0) {
		box_lerr(err, errlen, "cannot lift", "cgroup limits", -ret);
		goto fail;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0 || pipe2(sync, O_CLOEXEC) < 0) {
		ret = box_lerr(err, errlen, "cannot make", "pipes", errno);
		goto fail;
	}
	/* The previous box's arena is the other one; the box before it,
	 * which had this one, was reaped in the last PREP. */
	struct box_arena *a = box_l.arena[box_l.arena_next];
	box_l.arena_next ^= 1;
	struct box_cursor cur = {key, key + m->key_len};
	const char *families = box_next(&cur), *workdir = box_next(&cur);
	a->in = (struct box_init){.b = b,
				  .ctl = sp[1],
				  .sfd = -1,
				  .listener = -1,
				  .sync = sync[0],
				  .drop = {sp[0], sync[1]},
				  .workdir = workdir && workdir[0] ? workdir : NULL,
				  .private_box = !(workdir && workdir[0]),
				  .tmpfs_kb = m->tmpfs_kb > 0 ? (long)m->tmpfs_kb : 64 * 1024,
				  .inet = families && !strcmp(families, "inet"),
				  .oom_reset = box_l.oom_lowered,
				  .pinned = b->pinned,
				  .run_cpus = b->run_cpus,
				  .prep_cpus = b->prep_cpus};

	int pidfd = -1;
	struct clone_args ca = {
		/* The user namespace comes later: the init makes it once its
		 * mounts are done. */
		.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_PIDFD,
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	if (cg->dir_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cg->dir_fd;
	}
	/* The init's mount namespace is a copy of the template namespace. */
	if (setns(box_l.tpl_ns, CLONE_NEWNS) < 0) {
		ret = box_lerr(err, errlen, "setns", "template namespace", errno);
		goto fail;
	}
	pid_t pid = box_clone_init(&ca, a);
	int clone_errno = errno;
	if (setns(box_l.host_ns, CLONE_NEWNS) < 0)
		_exit(1);
	if (pid < 0) {
		ret = box_lerr(err, errlen, "cannot clone", "the box", clone_errno);
		goto fail;
	}
	close(sp[1]);
	close(sync[0]);
	sp[1] = sync[0] = -1;
	box_discard();
	box_l.pid = pid;
	box_l.pidfd = pidfd;
	if ((ret = box_init_wait(sp[0], BOX_MSG_MAPS, err, errlen)) < 0)
		goto fail;
	if ((ret = box_write_maps(pid, b->uid)) < 0) {
		box_lerr(err, errlen, "cannot write", "the box's uid/gid maps", -ret);
		goto fail;
	}
	if (write(sync[1], "x", 1) != 1) {
		ret = box_lerr(err, errlen, "cannot start", "the box", errno);
		goto fail;
	}
	close(sync[1]);
	sync[1] = -1;
	if ((ret = box_init_wait(sp[0], BOX_MSG_READY, err, errlen)) < 0)
		goto fail;

	/* What is in the cgroup now (the launcher on v1, the idle init, files
	 * kept in tmpfs) is not the run's: the supervisor's limits and
	 * figures go on top of it. */
	r.base.mem_kept = box_cg_unreclaimable(cg);
	box_cg_reset_peak(cg);
	r.base.cpu_ns = box_cg_read_cpu_ns(cg->fd[BOX_CGF_CPU]);
	r.base.mem_bytes = box_cg_usage(cg);
	r.base.oom_kills = box_cg_read_oom(cg->fd[BOX_CGF_OOM]);
	r.base.pids = box_cg_read_num(cg->fd[BOX_CGF_PIDS]);
	r.base.tmpfs_kb = a->in.tmpfs_kb;
	r.base.init_pid = pid;
	/* Held: the box's mounts then go down after the run, not in the way
	 * of the init's exit. */
	char ns[64];
	snprintf(ns, sizeof ns, "/proc/%d/ns/mnt", (int)pid);
	box_l.mntns = open(ns, O_RDONLY | O_CLOEXEC);

	int fds[BOX_RB_NFDS], nfds = 0;
	fds[nfds++] = sp[0];
	fds[nfds++] = pidfd;
	r.fds = 1u << BOX_RB_CTL | 1u << BOX_RB_PIDFD;
	for (int i = 0; i < BOX_CGF_N; i++) {
		if (cg->fd[i] < 0)
			continue;
		fds[nfds++] = cg->fd[i];
		r.fds |= 1u << (BOX_RB_CG + i);
	}
	box_send(box_l.sock, &r, sizeof r, fds, nfds);
	close(sp[0]);
	return;
fail:
	for (int i = 0; i < 2; i++) {
		if (sp[i] >= 0)
			close(sp[i]);
		if (sync[i] >= 0)
			close(sync[i]);
	}
	box_discard();
	r.type = BOX_MSG_ERROR;
	r.fds = 0;
	box_send(box_l.sock, &r, sizeof r, NULL, 0);
}

/* The launcher's argv and environment are the caller's: a box could read
 * them in /proc/1/cmdline and /proc/1/environ of its init. Blank them. */
static void box_scrub_args(void)
{
	char buf[1024];
	if (box_file_read("/proc/self/stat", buf, sizeof buf) < 0)
		return;
	char *p = strrchr(buf, ')');
	unsigned long v[4];
	/* After "pid (comm)" come fields 3..; arg_start is field 48. */
	for (int field = 2; p && field < 48; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
		return;
	/* Both areas are on the initial stack, argv first. */
	if (!(v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3] && v[3] - v[0] < (1UL << 24)))
		return;
	if (v[1] > v[0])
		memset((void *)v[0], 0, v[1] - v[0]);
	if (v[3] > v[2])
		memset((void *)v[2], 0, v[3] - v[2]);
	clearenv();
}

void box_launcher_main(struct box *b, struct box_half *h, int sock)
{
	memset(&box_l, 0, sizeof box_l);
	box_l.b = b;
	box_l.h = h;
	box_l.pidfd = box_l.mntns = box_l.host_ns = box_l.tpl_ns = -1;
	/* Keep the socket (as fd 3), nothing else of the caller's. */
	if (sock != 3) {
		dup3(sock, 3, O_CLOEXEC);
		sock = 3;
	}
	close_range(4, ~0U, 0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	if (null > 3)
		close(null);
	box_l.sock = sock;
	for (int i = 0; i < 2; i++) {
		void *m = mmap(NULL, sizeof(struct box_arena), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			_exit(1);
		box_l.arena[i] = m;
	}
	/* The caller's fds in our copy of the slot are closed now. */
	b->work_fd = b->devnull = -1;
	for (int i = 0; i < BOX_HALVES; i++)
		b->h[i].sock = -1;

	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	prctl(PR_SET_NAME, "verdict-launch", 0, 0, 0);
	if (b->pinned)
		sched_setaffinity(0, sizeof b->prep_cpus, &b->prep_cpus);
	box_scrub_args();
	/* The launcher sits in the slot's v1 memory cgroup, and a box's init
	 * shares its memory: never the OOM killer's pick while anything of
	 * the box is bigger. Not -1000: that also becomes the lowest a box's
	 * program could set itself to (it starts at 0), and an unkillable
	 * program would stall at its memory limit instead of ending as MLE.
	 * Lowering it takes CAP_SYS_RESOURCE: without it the launcher stays
	 * at 0, still small next to any program that fills its cgroup. */
	box_l.oom_lowered = box_file_write("/proc/self/oom_score_adj", "-999") == 0;
	/* Preparing boxes is background work: woken by the supervisor's
	 * PREP, the launcher must not preempt it (and a box's init inherits
	 * this until its run starts). */
	struct sched_param sp = {0};
	sched_setscheduler(0, SCHED_BATCH, &sp);

	char err[200] = "";
	struct box_ready hello = {.type = BOX_MSG_HELLO};
	/* An empty network namespace of this slot's own, made before any user
	 * namespace (it is owned by the initial one); its boxes inherit it.
	 * Of its own: two slots' boxes run at the same moment and must not
	 * meet at an abstract unix socket or a loopback port. One per slot,
	 * made once, as making one per run is the slow part of most
	 * sandboxes; the boxes of one slot run one after another. */
	if (unshare(CLONE_NEWNET) < 0)
		box_lerr(err, sizeof err, "unshare", "network namespace", errno);
	else if (setgroups(0, NULL) < 0)
		box_lerr(err, sizeof err, "setgroups", "", errno);
	else if (unshare(CLONE_NEWNS) < 0)
		box_lerr(err, sizeof err, "unshare", "mount namespace", errno);
	/* Slave: host mounts still reach us, ours never reach the host. */
	else if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		box_lerr(err, sizeof err, "make / a slave", "", errno);
	else if (box_tpl_build(err, sizeof err) == 0)
		box_tpl_ns(err, sizeof err);
	if (err[0]) {
		hello.type = BOX_MSG_ERROR;
		snprintf(hello.msg, sizeof hello.msg, "%s", err);
	}
	box_send(sock, &hello, sizeof hello, NULL, 0);
	if (err[0])
		_exit(1);

	static union {
		struct box_prep prep;
		char buf[BOX_REQ_MAX];
	} u;
	for (;;) {
		struct pollfd p[2] = {{sock, POLLIN, 0}, {box_l.pidfd, POLLIN, 0}};
		if (poll(p, box_l.pidfd >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (box_l.pidfd >= 0 && p[1].revents)
			box_reap();
		if (!p[0].revents)
			continue;
		int fds[4], nfds = 0;
		ssize_t n = box_recv(sock, u.buf, sizeof u.buf, fds, &nfds, 4);
		box_close_fds(fds, nfds);
		/* End of file: the caller is gone; its boxes go with us. */
		if ((n <= 0 && n != -EMSGSIZE) || (n >= 4 && u.prep.type == BOX_MSG_QUIT))
			break;
		if (n >= (ssize_t)sizeof u.prep && u.prep.type == BOX_MSG_PREP &&
		    (size_t)n == sizeof u.prep + u.prep.key_len) {
			box_launcher_prep(&u.prep, u.buf + sizeof u.prep);
			continue;
		}
		struct box_ready r = {.type = BOX_MSG_ERROR, .msg = "malformed request"};
		box_send(sock, &r, sizeof r, NULL, 0);
	}
	box_discard();
	_exit(0);
}
