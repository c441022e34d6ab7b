/* verdict-box: inside the box: its init (pid 1 of the box's namespaces)
 * and the program it forks, from the clone to execve. */
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

static const char *const box_env_default[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"HOME=/box",
	"TMPDIR=/tmp",
	"LANG=C.UTF-8",
};
static const char *const box_path_dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};

/*** The program: from the init's clone to execve ***/

struct box_child {
	char *const *argv;
	char *const *envp;
	struct box_limits lim;
	int in, out, err, note;
	int oom_reset; /* the launcher lowered its oom_score_adj */
};

static void box_note_error(int fd, const char *fmt, const char *arg, int err)
{
	struct box_note n = {.type = BOX_NOTE_ERROR};
	int len = snprintf(n.text, sizeof n.text, fmt, arg);
	if (err && len >= 0 && (size_t)len < sizeof n.text)
		snprintf(n.text + len, sizeof n.text - len, ": %s", strerror(err));
	if (send(fd, &n, sizeof n, MSG_NOSIGNAL) < 0)
		(void)0; /* nobody left to tell */
}

static void box_setrlimit(int res, rlim_t v)
{
	struct rlimit rl = {v, v};
	setrlimit(res, &rl);
}

/* Runs on the init's memory (CLONE_VM | CLONE_VFORK) until execve: only
 * system calls, no allocation. */
static int box_child_main(void *arg)
{
	const struct box_child *c = arg;
	const struct box_limits *lim = &c->lim;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((c->in >= 0 && dup2(c->in, 0) < 0) || dup2(c->out, 1) < 0 || dup2(c->err, 2) < 0) {
		box_note_error(c->note, "cannot set up %s", "standard streams", errno);
		_exit(127);
	}
	/* The init's socket (for notes) stays open until execve succeeds. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (chdir("/box") < 0) {
		box_note_error(c->note, "cannot enter %s", "/box", errno);
		_exit(127);
	}
	/* The program is the OOM killer's first pick in its cgroup, not the
	 * init's (and launcher's) -999. Written here, by a vfork child, it
	 * stays the program's own. */
	if (c->oom_reset) {
		int oom = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (oom < 0 || write(oom, "0", 1) != 1) {
			box_note_error(c->note, "cannot set %s", "oom_score_adj", errno);
			_exit(127);
		}
		close(oom);
	}
	if (lim->cpu_s > 0) {
		/* A backstop for the supervisor's watchdog: the cgroup counts
		 * every thread and child, RLIMIT_CPU only this process. */
		rlim_t s = (rlim_t)lim->cpu_s;
		s += (double)s < lim->cpu_s ? 2 : 1;
		struct rlimit rl = {s, s + 1};
		setrlimit(RLIMIT_CPU, &rl);
	}
	box_setrlimit(RLIMIT_FSIZE, lim->output_kb > 0 ? (rlim_t)lim->output_kb * 1024 : RLIM_INFINITY);
	if (lim->files > 0)
		box_setrlimit(RLIMIT_NOFILE, (rlim_t)lim->files);
	long stack = lim->stack_kb > 0 ? lim->stack_kb : lim->memory_kb;
	box_setrlimit(RLIMIT_STACK, stack > 0 ? (rlim_t)stack * 1024 : RLIM_INFINITY);
	box_setrlimit(RLIMIT_CORE, 0);
	/* No POSIX message queue: nothing would show the next run of a
	 * kept box that one is left in the IPC namespace. */
	box_setrlimit(RLIMIT_MSGQUEUE, 0);
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (setresgid(BOX_INSIDE_ID, BOX_INSIDE_ID, BOX_INSIDE_ID) < 0 ||
	    setresuid(BOX_INSIDE_ID, BOX_INSIDE_ID, BOX_INSIDE_ID) < 0 || syscall(SYS_capset, &h, d) < 0) {
		box_note_error(c->note, "cannot drop %s", "privileges", errno);
		_exit(127);
	}
	const char *prog = c->argv[0];
	int err = ENOENT;
	if (strchr(prog, '/')) {
		execve(prog, c->argv, c->envp);
		err = errno;
	} else {
		char path[PATH_MAX];
		for (size_t i = 0; i < sizeof box_path_dirs / sizeof *box_path_dirs; i++) {
			if ((size_t)snprintf(path, sizeof path, "%s/%s", box_path_dirs[i], prog) >= sizeof path)
				break;
			execve(path, c->argv, c->envp);
			/* Like execvp: a later directory may still have it. */
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
		}
	}
	box_note_error(c->note, "cannot execute %s", prog, err);
	_exit(127);
}

/*** The box's init: pid 1 of the box ***/

/* Closes every fd from 3 up but those in keep (-1 entries ignored). */
static void box_close_except(const int *keep, int n)
{
	int sorted[4], k = 0;
	for (int i = 0; i < n && k < 4; i++) {
		int j = k++;
		for (; j > 0 && sorted[j - 1] > keep[i]; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = keep[i];
	}
	unsigned lo = 3;
	for (int i = 0; i < k; i++) {
		if (sorted[i] < (int)lo)
			continue;
		if ((unsigned)sorted[i] > lo)
			close_range(lo, (unsigned)sorted[i] - 1, 0);
		lo = (unsigned)sorted[i] + 1;
	}
	close_range(lo, ~0U, 0);
}

static int box_init_fail(char *err, size_t errlen, const char *what, int e)
{
	snprintf(err, errlen, "box setup: %s: %s", what, strerror(e));
	return -e;
}

/* The landlock ABI 6 scope: no connecting to abstract unix sockets made
 * outside this box, not even by a box of the same slot. (Each slot's
 * launcher has a network namespace of its own, where abstract names
 * live.) Best effort: older kernels lack it. */
static void box_landlock_scope(void)
{
#if defined(__NR_landlock_create_ruleset) && defined(__NR_landlock_restrict_self)
	struct {
		uint64_t handled_access_fs, handled_access_net, scoped;
	} attr = {0, 0, 1 /* LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET */};
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, 1 /* ..._VERSION */);
	if (abi < 6)
		return;
	int fd = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (fd < 0)
		return;
	syscall(__NR_landlock_restrict_self, fd, 0);
	close(fd);
#endif
}

/* Until the user namespace: host root in the box's new pid, mount, IPC
 * and UTS namespaces, all owned by the host's user namespace, so nothing
 * in the box will ever hold a capability over them. */
static int box_init_mounts(struct box_init *in, char *err, size_t errlen)
{
	char opts[160];
	/* Born in a copy of the launcher's template namespace: its root is
	 * already the box's, private, with nothing of the host's mounts in
	 * it. What is left is the box's own: /proc of the new pid namespace,
	 * /tmp, and /box unless a work directory is bound there. (A user
	 * namespace made first would forbid this /proc: the kernel wants a
	 * fully visible one in the namespace before it allows another.) */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return box_init_fail(err, errlen, "mount /proc", errno);
	snprintf(opts, sizeof opts, "size=%ldk,nr_inodes=%ld,mode=1777", in->tmpfs_kb, box_inodes(in->tmpfs_kb));
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		return box_init_fail(err, errlen, "mount /tmp", errno);
	if (!in->workdir) {
		/* Host ids: the user namespace that maps them is not made yet. */
		snprintf(opts, sizeof opts, "size=%ldk,nr_inodes=%ld,mode=0755,uid=%u,gid=%u", in->tmpfs_kb,
			 box_inodes(in->tmpfs_kb), (unsigned)in->b->uid, (unsigned)in->b->uid);
		if (mount("tmpfs", "/box", "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return box_init_fail(err, errlen, "mount /box", errno);
	}
	if (chdir("/") < 0)
		return box_init_fail(err, errlen, "chdir /", errno);
	if (sethostname("box", 3) < 0)
		return box_init_fail(err, errlen, "sethostname", errno);
	if (unshare(CLONE_NEWUSER) < 0)
		return box_init_fail(err, errlen, "unshare the user namespace", errno);
	return 0;
}

/* In the box's user namespace, mapped: what only the box's own init may
 * still do, then everything that makes the box hold nothing. */
static int box_init_setup(struct box_init *in, char *err, size_t errlen)
{
	/* Only the launcher's socket survives; received fds land above 2. */
	int keep[1] = {in->ctl};
	box_close_except(keep, 1);
	int ctl = in->ctl;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return box_init_fail(err, errlen, "open /dev/null", errno);
	for (int fd = 0; fd < 3; fd++)
		if (fd != null && fd != ctl && dup2(null, fd) < 0)
			return box_init_fail(err, errlen, "dup2", errno);
	if (null > 2)
		close(null);

	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	in->sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (in->sfd < 0)
		return box_init_fail(err, errlen, "signalfd", errno);

	/* Whatever the program execs, it cannot gain a capability back. The
	 * init keeps its own until the child drops them before execve. */
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		  0, 0, 0) < 0)
		return box_init_fail(err, errlen, "securebits", errno);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return box_init_fail(err, errlen, "no_new_privs", errno);
	/* The init's memory is a copy of the caller's: nothing in the box
	 * may read it through /proc, whatever its uid. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NAME, "box-init", 0, 0, 0);
	box_landlock_scope();
	int ret = box_seccomp_load(in->inet, &in->listener);
	if (ret < 0)
		return box_init_fail(err, errlen, "seccomp", -ret);
	return 0;
}

static void box_init_note(int fd, const struct box_note *n)
{
	if (send(fd, n, sizeof *n, MSG_NOSIGNAL) < 0)
		(void)0; /* the supervisor is gone; so are we, soon */
}

/* After a keep run: kills whatever the program left running, reaps it
 * all, and says whether the box is as clean as a fresh one (no process,
 * no file in /tmp or a private /box, no System V IPC object), which is
 * when the next run may have it. No allocation: the init's rule. */
static int box_init_clean(struct box_init *in)
{
	siginfo_t si;
	kill(-1, SIGKILL); /* every process in the box but us */
	/* Orphans come to us as their parents die, before those are reaped:
	 * no child left means nobody left. */
	while (waitid(P_ALL, 0, &si, WEXITED) == 0 || errno == EINTR)
		;
	struct statfs st;
	if (statfs("/tmp", &st) < 0 || st.f_files - st.f_ffree > 1)
		return 0;
	if (in->private_box && (statfs("/box", &st) < 0 || st.f_files - st.f_ffree > 1))
		return 0;
	struct shm_info shm;
	struct seminfo sem;
	struct msginfo msg;
	return shmctl(0, SHM_INFO, (struct shmid_ds *)&shm) >= 0 && shm.used_ids == 0 &&
	       semctl(0, 0, SEM_INFO, &sem) >= 0 && sem.semusz == 0 &&
	       msgctl(0, MSG_INFO, (struct msqid_ds *)&msg) >= 0 && msg.msgpool == 0;
}

/* Runs one request. Returns only when the box is kept for the next one;
 * else the init exits here. */
static void box_init_run(struct box_arena *a, int *fds, int nfds)
{
	struct box_init *in = &a->in;
	struct box_run_req *req = &a->u.req;
	int k = 0;
	int fin = req->has_stdin && k < nfds ? fds[k++] : -1;
	int fout = k < nfds ? fds[k++] : -1;
	int ferr = k < nfds ? fds[k++] : -1;
	if (fout < 0 || ferr < 0)
		_exit(2);

	struct box_cursor cur = {(const char *)(req + 1), (const char *)(req + 1) + req->len};
	size_t ndef = sizeof box_env_default / sizeof *box_env_default;
	_Static_assert(sizeof box_env_default / sizeof *box_env_default < 8, "room in envp");
	char **argv = a->argv, **envp = a->envp;
	if (req->argc > BOX_MAX_ARGS || req->envc > BOX_MAX_ARGS)
		_exit(2);
	argv[req->argc] = NULL;
	for (uint32_t i = 0; i < req->argc; i++)
		if (!(argv[i] = (char *)box_next(&cur)))
			_exit(2);
	size_t ne = 0;
	for (size_t i = 0; i < ndef; i++)
		envp[ne++] = (char *)box_env_default[i];
	for (uint32_t i = 0; i < req->envc; i++) {
		char *e = (char *)box_next(&cur);
		const char *eq = e ? strchr(e, '=') : NULL;
		if (!eq)
			continue;
		/* The caller's entries win over the defaults. */
		size_t klen = (size_t)(eq - e) + 1, j;
		for (j = 0; j < ne && strncmp(envp[j], e, klen); j++)
			;
		envp[j] = e;
		if (j == ne)
			ne++;
	}
	envp[ne] = NULL;

	int note = in->ctl;
	struct box_child child = {argv, envp, req->lim, fin, fout, ferr, note, in->oom_reset};
	int64_t t0 = box_now_us();
	pid_t pid =
		clone(box_child_main, a->child_stack + sizeof a->child_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
	if (pid < 0) {
		box_note_error(note, "cannot start %s", "the program", errno);
		_exit(2);
	}
	if (fin >= 0)
		close(fin);
	close(fout);
	close(ferr);

	struct box_note sv = {0};
	for (;;) {
		struct pollfd p[2] = {{in->sfd, POLLIN, 0}, {in->listener, POLLIN, 0}};
		if (poll(p, in->listener >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (p[1].revents & POLLIN) {
			int nr, arch;
			if (box_seccomp_notified(in->listener, a->notif, sizeof a->notif, &nr, &arch) == 0 &&
			    !sv.type) {
				/* The supervisor names the call. */
				sv = (struct box_note){.type = BOX_NOTE_SV, .code = nr, .status = arch};
				box_init_note(note, &sv);
				/* Everything but us; the caller is held in the
				 * kernel and never returns to user space. */
				kill(-1, SIGKILL);
			}
		}
		struct signalfd_siginfo ssi;
		while (read(in->sfd, &ssi, sizeof ssi) == sizeof ssi)
			;
		/* Orphans are reparented to us: reap them all, zombies count
		 * against pids.max. */
		for (;;) {
			siginfo_t si;
			si.si_pid = 0;
			if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
				break;
			if (si.si_pid != pid)
				continue;
			struct box_note n = {.type = BOX_NOTE_EXIT,
					     .code = si.si_code,
					     .status = si.si_status,
					     .wall_us = box_now_us() - t0,
					     .end_us = box_now_us()};
			n.kept = req->keep && !sv.type && box_init_clean(in);
			box_init_note(note, &n);
			if (n.kept)
				return;
			/* Our exit (and the namespaces' teardown) is the
			 * launchers' kind of work, not for the slot's CPU. */
			if (in->pinned)
				sched_setaffinity(0, sizeof in->prep_cpus, &in->prep_cpus);
			/* Our exit kills everything left in the namespace, but
			 * it also tears down an address space, and on a busy
			 * CPU the supervisor would wait behind it. When the
			 * program left nothing behind, the supervisor is done
			 * before we go: we exit when it hangs up, or when it
			 * or the launcher kills us. */
			char c;
			while (recv(note, &c, sizeof c, 0) > 0)
				;
			_exit(0);
		}
	}
}

int box_init_main(void *arg)
{
	struct box_arena *a = arg;
	struct box_init *in = &a->in;
	int sync = in->sync;
	close(in->drop[0]);
	close(in->drop[1]);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	struct box_ready r = {.type = BOX_MSG_MAPS};
	if (box_init_mounts(in, r.msg, sizeof r.msg) < 0) {
		r.type = BOX_MSG_ERROR;
		box_send(in->ctl, &r, sizeof r, NULL, 0);
		_exit(1);
	}
	/* The launcher writes our uid and gid maps, then one byte; EOF means
	 * it gave up on us. */
	char c;
	if (box_send(in->ctl, &r, sizeof r, NULL, 0) < 0 || read(sync, &c, 1) != 1)
		_exit(1);
	close(sync);
	r.type = BOX_MSG_READY;
	if (box_init_setup(in, r.msg, sizeof r.msg) < 0) {
		r.type = BOX_MSG_ERROR;
		box_send(in->ctl, &r, sizeof r, NULL, 0);
		_exit(1);
	}
	/* The launcher's SCHED_BATCH was for getting ready, on the launcher's
	 * CPUs. The run is on the slot's CPU, where the request will wake us
	 * with nothing of the next box's preparation in the way. */
	struct sched_param sp = {0};
	sched_setscheduler(0, SCHED_OTHER, &sp);
	if (in->pinned)
		sched_setaffinity(0, sizeof in->run_cpus, &in->run_cpus);
	if (box_send(in->ctl, &r, sizeof r, NULL, 0) < 0)
		_exit(1);
	in->workdir = NULL; /* it was the launcher's to keep */
	/* The launcher passes our socket on: the request comes from the
	 * supervisor, or EOF when the box is not wanted after all; a kept
	 * box waits here for its next run, or EOF when it is not wanted. */
	for (;;) {
		int fds[4], nfds = 0;
		ssize_t n = box_recv(in->ctl, a->u.buf, sizeof a->u.buf, fds, &nfds, 4);
		if (n < (ssize_t)sizeof a->u.req || a->u.req.type != BOX_MSG_RUN ||
		    (size_t)n != sizeof a->u.req + a->u.req.len)
			_exit(1);
		box_init_run(a, fds, nfds);
	}
}
