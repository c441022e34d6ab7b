/* verdict-box: namespaces, mounts, the launcher and the run loop.
 *
 * Three kinds of process take part in a run:
 *
 *   supervisor  the caller's thread in box_run: hands the request to a
 *               ready box, enforces wall and CPU time, drains discarded
 *               output, kills through the cgroup, builds the result;
 *   launcher    BOX_HALVES small processes per slot (its halves, each
 *               with cgroups of its own), forked in box_new while the
 *               caller is still small. Each builds a template root once
 *               (read-only binds of /usr and the like) and a mount
 *               namespace whose root it is, then prepares one "ready box"
 *               at a time: cloned from that namespace, mounts, user
 *               namespace, seccomp filter, all done, waiting for argv.
 *               While a program runs in one half's box, the others
 *               prepare the next ones on the other CPUs, so a run costs
 *               about a fork and an exec;
 *   box init    pid 1 of the box's user, pid, mount, IPC and UTS namespaces,
 *               sharing the launcher's memory (struct box_arena says how).
 *               It forks the program (so the program is not pid 1 and its
 *               own signals work), watches the seccomp listener, reports the
 *               program's end to the supervisor and exits, which makes the
 *               kernel kill whatever is left in the box.
 *
 *   supervisor --PREP(key)--> launcher --READY + box fds--> supervisor
 *   supervisor --RUN + std fds--> box init --notes (exec error, blocked
 *   call, exit status)--> supervisor; the init's pidfd says when it is gone.
 *
 * The launcher is out of the way while a program runs: a run is three
 * wake-ups (supervisor to init, program to init, init to supervisor), which
 * is what a VM's cross-CPU wake-ups make worth counting. With two CPUs or
 * more, a slot's runs keep to a CPU of their own and its launchers to the
 * others (struct box, pinned).
 */
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

#define BOX_REQ_MAX          (64 * 1024) /* a message and its strings */
#define BOX_SETUP_TIMEOUT_MS 20000       /* a box that is not ready by then is broken */
#define BOX_TICK_MS          10          /* how often the supervisor reads cgroup CPU */
#define BOX_CHILD_STACK      (64 * 1024)
#define BOX_INIT_STACK       (128 * 1024)
#define BOX_MAX_ARGS         4096             /* argv and environment entries of one run */
#define BOX_TPL_PATH         (PATH_MAX + 400) /* a host path below the template root */
#define BOX_MAX_FDS          12               /* in one message */

static const char *const box_env_default[] = {
	"PATH=/usr/local/bin:/usr/bin:/bin",
	"HOME=/box",
	"TMPDIR=/tmp",
	"LANG=C.UTF-8",
};
static const char *const box_path_dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};

static struct {
	int ready;
	int instance;    /* pid of the process that called box_global_init */
	char state[256]; /* state_dir/<instance> */
	int first_uid;
	cpu_set_t cpus; /* where the caller may run, at box_global_init */
} box_g;

/* A ready box as the supervisor holds it: the init's end of a socket, its
 * pidfd, then the cgroup counters (BOX_CGF_*). */
enum { BOX_RB_CTL, BOX_RB_PIDFD, BOX_RB_CG, BOX_RB_NFDS = BOX_RB_CG + BOX_CGF_N };
_Static_assert(BOX_RB_NFDS <= BOX_MAX_FDS, "a ready box travels in one message");
enum { BOX_RB_NONE, BOX_RB_PENDING, BOX_RB_READY };

/* Baselines the launcher reads once the box is ready. */
struct box_base {
	int64_t cpu_ns, mem_bytes, oom_kills, pids;
	int64_t mem_kept; /* the part of mem_bytes that cannot be reclaimed */
	int64_t tmpfs_kb; /* the size its /tmp (and a private /box) have */
	int32_t init_pid; /* in the host's pid namespace */
	int32_t pad;
};

/* One of a slot's launchers, with cgroups of its own and its ready box.
 * While a program runs in one half's box, the others prepare the next
 * box: that work is on another CPU and in other cgroups, never counted
 * against the program. */
struct box_half {
	struct box_cg cg;
	pid_t launcher;
	int sock; /* to the launcher */
	/* The box the launcher is preparing (PENDING) or has ready. */
	int rb_state;
	int rb_fd[BOX_RB_NFDS];
	struct box_base rb_base;
	char *rb_key; /* the PREP message it was asked with */
	size_t rb_key_len;
	char rb_err[200]; /* why the last preparation failed */
	/* The last run's init and its socket: closing that socket makes the
	 * init exit, and an exit tears down an address space, which would be
	 * on our time. The launcher kills it while it prepares the next box;
	 * we close these at the next run. */
	int used_fd[2];
	/* A box kept after a keep run, its init waiting for the next run
	 * built with rb_key. While one is kept the launcher is asked for
	 * nothing: its next PREP would end this box. */
	int kept;
	int kept_fd[BOX_RB_NFDS];
	struct box_base kept_base;
};

struct box {
	int slot;
	uid_t uid;      /* outside uid and gid of the program (all halves) */
	char dir[300];  /* state/slot<N> */
	char work[320]; /* dir/work, the slot's tmpfs */
	char root[320]; /* dir/root, where each launcher keeps its template root
			 * (in a mount namespace of its own) */
	int work_fd;
	long work_kb;
	int devnull; /* sink for discarded output */
	/* With two CPUs or more, the slot's programs run on a CPU of their
	 * own (run_cpus, one CPU) and its launchers prepare boxes on the
	 * others (prep_cpus): a run never waits behind the next box's
	 * preparation, and its timing does not depend on it. */
	int pinned;
	cpu_set_t run_cpus, prep_cpus;
	/* The PREP and RUN messages of a run, built in place: a thread's
	 * malloc arena would hand 64 KiB back to the kernel on every free. */
	char *msg[2];
	struct box_half h[BOX_HALVES];
};

/*** Messages ***/

enum {
	BOX_MSG_PREP = 1, /* supervisor -> launcher: make a ready box for this key */
	BOX_MSG_QUIT,     /* supervisor -> launcher */
	BOX_MSG_HELLO,    /* launcher -> supervisor: the template is built */
	BOX_MSG_READY,    /* launcher -> supervisor, with the box; init -> launcher */
	BOX_MSG_ERROR,    /* launcher -> supervisor; init -> launcher */
	BOX_MSG_RUN,      /* supervisor -> init */
	BOX_MSG_MAPS,     /* init -> launcher: my user namespace wants its maps */
};

/* What a ready box is built for; followed by key_len bytes: "unix" or
 * "inet" (which sockets its seccomp filter allows), the workdir ("" for a
 * private tmpfs), then host, box and "r" or "w" per directory. Only those
 * bytes must match a run; tmpfs_kb is a guess at its size. */
struct box_prep {
	uint32_t type;
	uint32_t key_len;
	int64_t tmpfs_kb;
};

struct box_ready {
	uint32_t type;
	uint32_t fds; /* bit i: rb_fd[i] came with the message */
	struct box_base base;
	char msg[200]; /* ERROR */
};

/* supervisor -> init, with stdin (when has_stdin), stdout and stderr;
 * followed by len bytes: argv then env strings. */
struct box_run_req {
	uint32_t type;
	uint32_t has_stdin;
	uint32_t keep; /* spec.keep: the init may keep the box afterwards */
	uint32_t pad;
	struct box_limits lim;
	uint32_t argc, envc, len;
};

enum { BOX_NOTE_ERROR = 1, BOX_NOTE_SV, BOX_NOTE_EXIT };

/* init -> supervisor */
struct box_note {
	uint32_t type;
	int32_t code;   /* EXIT: CLD_EXITED, CLD_KILLED or CLD_DUMPED */
	int32_t status; /* EXIT: exit code or signal */
	int32_t kept;   /* EXIT: the box is clean and waits for the next run */
	int64_t wall_us;
	int64_t end_us; /* EXIT: CLOCK_MONOTONIC when the program was reaped */
	char text[200];
};

static int box_send(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	struct iovec iov = {(void *)buf, len};
	union {
		char b[CMSG_SPACE(BOX_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds > BOX_MAX_FDS)
		return -EINVAL;
	if (nfds > 0) {
		memset(&u, 0, sizeof u);
		mh.msg_control = u.b;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* Returns the message length, 0 at end of file, or -errno. Received fds are
 * close-on-exec. */
static ssize_t box_recv(int sock, void *buf, size_t len, int *fds, int *nfds, int maxfds)
{
	struct iovec iov = {buf, len};
	union {
		char b[CMSG_SPACE(BOX_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (nfds)
		*nfds = 0;
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int got[BOX_MAX_FDS], k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		if (k > BOX_MAX_FDS)
			k = BOX_MAX_FDS; /* cannot happen with our buffer */
		memcpy(got, CMSG_DATA(c), k * sizeof(int));
		for (int i = 0; i < k; i++) {
			if (fds && nfds && *nfds < maxfds)
				fds[(*nfds)++] = got[i];
			else
				close(got[i]);
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		for (int i = 0; nfds && i < *nfds; i++)
			close(fds[i]);
		if (nfds)
			*nfds = 0;
		return -EMSGSIZE;
	}
	return n;
}

static void box_close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int64_t box_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long box_inodes(long kb)
{
	return kb / 4 > 1024 ? kb / 4 : 1024;
}

/* Walks the request's strings. */
struct box_cursor {
	const char *p, *end;
};

static const char *box_next(struct box_cursor *c)
{
	if (c->p >= c->end)
		return NULL;
	const char *s = c->p;
	const char *z = memchr(s, 0, (size_t)(c->end - s));
	if (!z)
		return NULL;
	c->p = z + 1;
	return s;
}

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

struct box_init {
	struct box *b;
	int ctl;             /* to the launcher while getting ready, then the supervisor's */
	int sfd;             /* signalfd for SIGCHLD */
	int listener;        /* seccomp notifications, or -1 */
	int sync;            /* the launcher says when our user namespace is mapped */
	int drop[2];         /* the launcher's ends of ctl and sync, ours to close */
	const char *workdir; /* from the key (only until ready); NULL: a private tmpfs */
	int private_box;     /* /box is the box's own tmpfs */
	long tmpfs_kb;       /* the size /tmp (and a private /box) have */
	int inet;            /* the filter allows AF_INET and AF_INET6 sockets */
	int oom_reset;       /* the program must set its oom_score_adj back to 0 */
	int pinned;          /* runs on run_cpus, gets ready on prep_cpus */
	cpu_set_t run_cpus, prep_cpus;
};

/* Everything a box's init uses beyond its registers, in one mapping the
 * launcher owns. On x86-64 (sanitizer builds aside) the init is cloned with
 * CLONE_VM: it runs in the launcher's address space (no page tables to
 * copy, nothing to tear down when it exits), on this arena's stack, and
 * must therefore never allocate (no malloc: the launcher's heap is not
 * locked for a second process) nor keep anything on the launcher's stack.
 * errno lives in the shared thread-local block, so the init reads it for
 * messages only, never to decide. A launcher keeps two arenas: the box
 * being prepared and the previous one, killed and reaped right after. */
struct box_arena {
	char init_stack[BOX_INIT_STACK] __attribute__((aligned(64)));
	char child_stack[BOX_CHILD_STACK] __attribute__((aligned(64)));
	struct box_init in;
	union {
		struct box_run_req req;
		char buf[BOX_REQ_MAX];
	} u;
	char *argv[BOX_MAX_ARGS + 1];
	char *envp[BOX_MAX_ARGS + 8];
	char notif[4096]; /* a seccomp notification */
};

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

static int box_init_main(void *arg)
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

static int box_lerr(char *err, size_t errlen, const char *what, const char *path, int e)
{
	/* Truncating a long path is fine in a message. */
	if (snprintf(err, errlen, "%s %s: %s", what, path, strerror(e)) < 0)
		err[0] = 0;
	return -e;
}

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

static int box_mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int r = mkdir(path, 0755);
		*p = '/';
		if (r < 0 && errno != EEXIST)
			return -errno;
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -errno : 0;
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

static void box_launcher_main(struct box *b, struct box_half *h, int sock)
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

/*** The supervisor: box_run ***/

/* Forgets the ready box; the launcher kills it at the next PREP. */
static void box_rb_drop(struct box_half *h)
{
	box_close_fds(h->rb_fd, BOX_RB_NFDS);
	for (int i = 0; i < BOX_RB_NFDS; i++)
		h->rb_fd[i] = -1;
	if (h->rb_state == BOX_RB_READY)
		h->rb_state = BOX_RB_NONE;
}

/* Lets a kept box go: its init exits when its socket closes, and its
 * launcher, free again, reaps it at its next PREP. */
static void box_kept_drop(struct box_half *h)
{
	box_close_fds(h->kept_fd, BOX_RB_NFDS);
	for (int i = 0; i < BOX_RB_NFDS; i++)
		h->kept_fd[i] = -1;
	h->kept = 0;
}

/* The launcher is broken: end it and everything of its half; the next run
 * starts a new one. */
static void box_lost(struct box_half *h)
{
	box_rb_drop(h);
	box_kept_drop(h);
	h->rb_state = BOX_RB_NONE;
	if (h->sock >= 0)
		close(h->sock);
	h->sock = -1;
	if (h->launcher > 0) {
		kill(h->launcher, SIGKILL);
		waitpid(h->launcher, NULL, 0);
	}
	h->launcher = 0;
	box_cg_kill_all(&h->cg, 0);
}

/* Waits for the launcher's answer to a PREP; -errno when it is gone. */
static int box_rb_wait(struct box_half *h)
{
	struct pollfd p = {h->sock, POLLIN, 0};
	int n;
	do
		n = poll(&p, 1, BOX_SETUP_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		snprintf(h->rb_err, sizeof h->rb_err, "the box was not ready in time");
		return -ETIMEDOUT;
	}
	struct box_ready r;
	int fds[BOX_RB_NFDS], nfds = 0, k = 0;
	ssize_t len = box_recv(h->sock, &r, sizeof r, fds, &nfds, BOX_RB_NFDS);
	if (len != (ssize_t)sizeof r) {
		box_close_fds(fds, nfds);
		snprintf(h->rb_err, sizeof h->rb_err, "the slot's launcher died");
		return -EPIPE;
	}
	r.msg[sizeof r.msg - 1] = 0;
	h->rb_state = BOX_RB_NONE;
	if (r.type != BOX_MSG_READY) {
		box_close_fds(fds, nfds);
		snprintf(h->rb_err, sizeof h->rb_err, "%s", r.msg);
		return 0;
	}
	for (int i = 0; i < BOX_RB_NFDS; i++)
		h->rb_fd[i] = (r.fds & 1u << i) && k < nfds ? fds[k++] : -1;
	box_close_fds(fds + k, nfds - k);
	if (h->rb_fd[BOX_RB_CTL] < 0 || h->rb_fd[BOX_RB_PIDFD] < 0) {
		box_rb_drop(h);
		snprintf(h->rb_err, sizeof h->rb_err, "the launcher sent a box without its fds");
		return 0;
	}
	h->rb_base = r.base;
	h->rb_state = BOX_RB_READY;
	return 0;
}

/* Takes the launcher's answer when it has already come; never waits. */
static void box_rb_poll(struct box_half *h)
{
	if (h->rb_state != BOX_RB_PENDING || h->sock < 0)
		return;
	struct pollfd p = {h->sock, POLLIN, 0};
	if (poll(&p, 1, 0) == 1 && box_rb_wait(h) < 0)
		box_lost(h);
}

static int box_rb_ask(struct box_half *h, const char *key, size_t len)
{
	if (h->sock < 0)
		return -EPIPE;
	char *copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, key, len);
	free(h->rb_key);
	h->rb_key = copy;
	h->rb_key_len = len;
	int ret = box_send(h->sock, key, len, NULL, 0);
	if (ret == 0)
		h->rb_state = BOX_RB_PENDING;
	return ret;
}

/* Whether two PREP messages ask for the same box: the same work directory
 * and directories; the tmpfs size the init can change. */
static int box_prep_same(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t h = sizeof(struct box_prep);
	return a && alen == blen && alen >= h && !memcmp(a + h, b + h, alen - h);
}

/* Has the half's launcher prepare a box for key, unless it has one or is
 * busy with one. A broken launcher is ended; the next run starts another. */
static void box_rb_refill(struct box_half *h, const char *key, size_t len)
{
	if (h->kept)
		return;
	box_rb_poll(h);
	if (h->sock < 0 || h->rb_state == BOX_RB_PENDING ||
	    (h->rb_state == BOX_RB_READY && box_prep_same(h->rb_key, h->rb_key_len, key, len)))
		return;
	box_rb_drop(h);
	if (box_rb_ask(h, key, len) < 0)
		box_lost(h);
}

/* Gets a ready box built for key (a PREP message) in any half: one made
 * for an earlier run's key if it fits, else a new one. Returns the half's
 * index or -errno. */
static int box_rb_get(struct box *b, const char *key, size_t len, char *err, size_t errlen)
{
	int ret, asked = -1;
	for (;;) {
		int wait = 0, pick = -1; /* wait: a bit per half worth waiting for */
		for (int i = 0; i < BOX_HALVES; i++)
			box_rb_poll(&b->h[i]);
		for (int i = 0; i < BOX_HALVES; i++)
			if (b->h[i].rb_state == BOX_RB_READY &&
			    box_prep_same(b->h[i].rb_key, b->h[i].rb_key_len, key, len))
				return i;
		if (asked >= 0 && b->h[asked].rb_state != BOX_RB_PENDING) {
			snprintf(err, errlen, "%s",
				 b->h[asked].sock < 0 ? "the slot's launcher is gone" : b->h[asked].rb_err);
			return -EIO;
		}
		for (int i = 0; i < BOX_HALVES; i++) {
			struct box_half *h = &b->h[i];
			if (h->rb_state == BOX_RB_PENDING && box_prep_same(h->rb_key, h->rb_key_len, key, len))
				wait |= 1 << i;
			else if (h->sock >= 0 && h->rb_state != BOX_RB_PENDING && !h->kept && pick < 0)
				pick = i;
		}
		if (!wait && pick < 0) /* all busy with other keys */
			for (int i = 0; i < BOX_HALVES; i++)
				if (b->h[i].rb_state == BOX_RB_PENDING)
					wait |= 1 << i;
		if (wait) {
			/* Whichever answers first. */
			struct pollfd p[BOX_HALVES];
			for (int i = 0; i < BOX_HALVES; i++)
				p[i] = (struct pollfd){wait & 1 << i ? b->h[i].sock : -1, POLLIN, 0};
			int n;
			do
				n = poll(p, BOX_HALVES, BOX_SETUP_TIMEOUT_MS);
			while (n < 0 && errno == EINTR);
			int i = 0;
			while (i < BOX_HALVES && !p[i].revents)
				i++;
			if (i == BOX_HALVES) /* none in time: box_rb_wait says so */
				for (i = 0; !(wait & 1 << i); i++)
					;
			if ((ret = box_rb_wait(&b->h[i])) < 0) {
				snprintf(err, errlen, "%s", b->h[i].rb_err);
				box_lost(&b->h[i]);
				return ret;
			}
			continue;
		}
		if (pick < 0) {
			/* Every free half is gone: a kept box makes room. */
			int k = 0;
			while (k < BOX_HALVES && !(b->h[k].kept && b->h[k].sock >= 0))
				k++;
			if (k < BOX_HALVES) {
				box_kept_drop(&b->h[k]);
				continue;
			}
			snprintf(err, errlen, "the slot's launchers are gone");
			return -EPIPE;
		}
		box_rb_drop(&b->h[pick]);
		if ((ret = box_rb_ask(&b->h[pick], key, len)) < 0) {
			snprintf(err, errlen, "the slot's launcher is gone: %s", strerror(-ret));
			box_lost(&b->h[pick]);
			return ret;
		}
		asked = pick;
	}
}

struct box_watch {
	struct box *b;
	struct box_half *h; /* whose box runs */
	const char *prep;   /* the PREP message of this run */
	size_t prep_len;
	const struct box_spec *spec;
	int fd[BOX_RB_NFDS]; /* the box of this run */
	struct box_base base;
	int out[2];         /* read ends of the output pipes, -1 if none */
	long long bytes[2]; /* counted from the pipes */
	int64_t t_start, t_kill;
	int gone; /* nothing of the run is left */
	enum { BOX_KILL_NONE, BOX_KILL_CPU, BOX_KILL_WALL, BOX_KILL_OUTPUT, BOX_KILL_REST } why;
	int have_exit;
	struct box_note exit;
	char sv[200];
	char error[200];
	long long cpu_ns, peak, oom_kills;
};

static void box_kill(struct box_watch *w, int why)
{
	if (w->why == BOX_KILL_NONE || w->why == BOX_KILL_REST)
		w->why = why;
	if (!w->t_kill)
		w->t_kill = box_now_us();
	/* The init's death alone would do (the kernel kills its pid
	 * namespace); the cgroup kill is the rule for everything else. */
	if (w->fd[BOX_RB_PIDFD] >= 0)
		syscall(SYS_pidfd_send_signal, w->fd[BOX_RB_PIDFD], SIGKILL, NULL, 0);
	box_cg_kill(&w->h->cg, w->h->launcher);
}

/* The program was reaped. If nothing else of it is left (the cgroup holds
 * only the idle init, and the v1 launcher), the run is over now; the
 * init's own exit can happen after box_run returns. */
static void box_on_exit(struct box_watch *w)
{
	long long pids = box_cg_read_num(w->fd[BOX_RB_CG + BOX_CGF_PIDS]);
	if (pids >= 0 && w->base.pids > 0 && pids <= w->base.pids)
		w->gone = 1;
	else if (w->why == BOX_KILL_NONE)
		box_kill(w, BOX_KILL_REST); /* left-overs (or no way to tell) die with the run */
}

static void box_read_notes(struct box_watch *w)
{
	int *ctl = &w->fd[BOX_RB_CTL];
	struct box_note n;
	while (*ctl >= 0) {
		ssize_t r = recv(*ctl, &n, sizeof n, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r != (ssize_t)sizeof n) {
			close(*ctl);
			*ctl = -1; /* the init is gone */
			return;
		}
		n.text[sizeof n.text - 1] = 0;
		if (n.type == BOX_NOTE_ERROR && !w->error[0])
			snprintf(w->error, sizeof w->error, "%s", n.text);
		else if (n.type == BOX_NOTE_SV && !w->sv[0])
			box_seccomp_name(n.status, n.code, w->sv, sizeof w->sv);
		else if (n.type == BOX_NOTE_EXIT && !w->have_exit) {
			w->exit = n;
			w->have_exit = 1;
			box_on_exit(w);
		}
	}
}

/* Counts and throws away what arrived on an output pipe. */
static void box_drain(struct box_watch *w, int i)
{
	char sink[16384];
	for (;;) {
		ssize_t n = splice(w->out[i], NULL, w->b->devnull, NULL, 1 << 20, SPLICE_F_NONBLOCK);
		if (n < 0 && errno == EINVAL)
			n = read(w->out[i], sink, sizeof sink); /* never looked at */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (n == 0) {
			close(w->out[i]);
			w->out[i] = -1;
			return;
		}
		w->bytes[i] += n;
		long kb = w->spec->lim.output_kb;
		if (kb > 0 && w->bytes[i] > (long long)kb * 1024 && w->why == BOX_KILL_NONE)
			box_kill(w, BOX_KILL_OUTPUT);
	}
}

static long long box_cpu_used(struct box_watch *w)
{
	long long cpu = box_cg_read_cpu_ns(w->fd[BOX_RB_CG + BOX_CGF_CPU]);
	return cpu > w->base.cpu_ns ? cpu - w->base.cpu_ns : 0;
}

static void box_watch_time(struct box_watch *w)
{
	const struct box_limits *lim = &w->spec->lim;
	if (w->why != BOX_KILL_NONE || w->have_exit)
		return;
	if (lim->wall_s > 0 && box_now_us() - w->t_start >= (int64_t)(lim->wall_s * 1e6)) {
		box_kill(w, BOX_KILL_WALL);
		return;
	}
	if (lim->cpu_s > 0 && box_cpu_used(w) >= (long long)(lim->cpu_s * 1e9))
		box_kill(w, BOX_KILL_CPU);
}

static int box_poll_timeout(struct box_watch *w)
{
	if (w->why != BOX_KILL_NONE || w->have_exit)
		return 100; /* only waiting for the box to be gone */
	const struct box_limits *lim = &w->spec->lim;
	int64_t t = lim->cpu_s > 0 ? BOX_TICK_MS * 1000 : 1000000;
	if (lim->wall_s > 0) {
		int64_t left = w->t_start + (int64_t)(lim->wall_s * 1e6) - box_now_us();
		if (left < t)
			t = left > 0 ? left : 0;
	}
	return (int)((t + 999) / 1000);
}

static const char *box_signame(int sig, char *buf, size_t len)
{
	const char *abbr = sigabbrev_np(sig);
	if (abbr)
		snprintf(buf, len, "SIG%s", abbr);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

static long long box_file_bytes(int fd)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	return st.st_size;
}

static void box_result(struct box_watch *w, struct box_result *res)
{
	const struct box_limits *lim = &w->spec->lim;
	char sig[32];
	int64_t wall_us = w->t_start ? box_now_us() - w->t_start : 0;
	res->exit_code = -1;
	res->signal = 0;
	res->end_us = box_now_us();
	/* A program we killed (time, output, wall limit) ended when we
	 * condemned it: its pipes close only after, so whatever the other
	 * box of an interactive run does from then on follows from the kill. */
	int64_t killed_us = w->t_kill;
	if (w->have_exit) {
		wall_us = w->exit.wall_us;
		res->end_us = w->exit.end_us;
		if (w->exit.code == CLD_EXITED)
			res->exit_code = w->exit.status;
		else
			res->signal = w->exit.status;
	} else if (w->t_start) {
		/* The init died before it could report: killed by us or by
		 * the OOM killer. */
		res->signal = SIGKILL;
	}
	if (w->why != BOX_KILL_NONE && w->why != BOX_KILL_REST && killed_us && killed_us < res->end_us)
		res->end_us = killed_us;
	res->wall_us = wall_us;
	res->wall_ms = wall_us / 1000;
	res->cpu_ms = (long)(w->cpu_ns / 1000000);
	res->memory_kb = (long)(w->peak / 1024);
	res->stdout_bytes = w->spec->stdout_fd < 0 ? w->bytes[0] : box_file_bytes(w->spec->stdout_fd);
	res->stderr_bytes = w->spec->stderr_fd < 0 ? w->bytes[1] : box_file_bytes(w->spec->stderr_fd);
	long long out_cap = lim->output_kb > 0 ? (long long)lim->output_kb * 1024 : -1;

	if (w->error[0]) {
		res->status = BOX_JE;
		snprintf(res->message, sizeof res->message, "%s", w->error);
	} else if (w->sv[0]) {
		res->status = BOX_SV;
		snprintf(res->message, sizeof res->message, "blocked system call: %s", w->sv);
	} else if (res->signal == SIGSYS) {
		/* Without notifications the filter kills by itself. */
		res->status = BOX_SV;
		snprintf(res->message, sizeof res->message, "blocked system call (killed by SIGSYS)");
	} else if (w->oom_kills > 0 ||
		   (lim->memory_kb > 0 && res->memory_kb >= lim->memory_kb && (res->signal || res->exit_code != 0))) {
		/* Before the time limits: a program at its memory limit spends
		 * its CPU time in the kernel's reclaim, and is killed for time
		 * only because of the memory it wants. */
		res->status = BOX_MLE;
		snprintf(res->message, sizeof res->message, "memory limit exceeded (%ld KiB)", lim->memory_kb);
	} else if (w->why == BOX_KILL_WALL) {
		res->status = BOX_TLE;
		snprintf(res->message, sizeof res->message, "wall time limit exceeded (%.3g s)", lim->wall_s);
	} else if (w->why == BOX_KILL_CPU || res->signal == SIGXCPU ||
		   (lim->cpu_s > 0 && res->cpu_ms > (long)(lim->cpu_s * 1000))) {
		res->status = BOX_TLE;
		snprintf(res->message, sizeof res->message, "CPU time limit exceeded (%.3g s)", lim->cpu_s);
	} else if (w->why == BOX_KILL_OUTPUT || res->signal == SIGXFSZ ||
		   (out_cap >= 0 && (res->stdout_bytes > out_cap || res->stderr_bytes > out_cap)) ||
		   (out_cap >= 0 && (res->signal || res->exit_code != 0) &&
		    (res->stdout_bytes >= out_cap || res->stderr_bytes >= out_cap))) {
		/* The last: a program that ignores SIGXFSZ (Python does) fails
		 * on the write that would have passed the limit. */
		res->status = BOX_OLE;
		snprintf(res->message, sizeof res->message, "output limit exceeded (%ld KiB)", lim->output_kb);
	} else if (res->signal) {
		res->status = BOX_RTE;
		snprintf(res->message, sizeof res->message, "killed by signal %d (%s)", res->signal,
			 box_signame(res->signal, sig, sizeof sig));
	} else if (!w->have_exit) {
		res->status = BOX_JE;
		snprintf(res->message, sizeof res->message, "the box ended without a status");
	} else if (res->exit_code != 0) {
		res->status = BOX_RTE;
		snprintf(res->message, sizeof res->message, "exit code %d", res->exit_code);
	} else {
		res->status = BOX_OK;
		res->message[0] = 0;
	}
}

/* The box's path of an extra directory: absolute, plain components, and not
 * where the box mounts its own filesystems. */
static int box_dir_ok(const char *p)
{
	static const char *const own[] = {"/box", "/tmp", "/proc", "/dev"};
	if (!p || p[0] != '/' || !p[1] || strlen(p) >= PATH_MAX - 64)
		return 0;
	for (const char *s = p; *s;) {
		const char *e = strchr(s + 1, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		/* s points at a '/' */
		if (n == 1 || (n == 2 && s[1] == '.') || (n == 3 && s[1] == '.' && s[2] == '.'))
			return 0;
		s += n;
	}
	for (size_t i = 0; i < sizeof own / sizeof *own; i++) {
		size_t n = strlen(own[i]);
		if (!strncmp(p, own[i], n) && (p[n] == 0 || p[n] == '/'))
			return 0;
	}
	return 1;
}

static int box_put(char *buf, size_t *off, size_t max, const char *s)
{
	size_t n = strlen(s) + 1;
	if (*off + n > max)
		return -E2BIG;
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

/* The PREP message for spec: what its box must be built with. */
static int box_build_prep(const struct box_spec *spec, char *buf, size_t *len)
{
	struct box_prep *m = (struct box_prep *)buf;
	size_t off = sizeof *m;
	int ret;
	memset(m, 0, sizeof *m);
	m->type = BOX_MSG_PREP;
	m->tmpfs_kb = spec->lim.tmpfs_kb > 0 ? spec->lim.tmpfs_kb : 64 * 1024;
	if ((ret = box_put(buf, &off, BOX_REQ_MAX, spec->inet_sockets ? "inet" : "unix")) < 0 ||
	    (ret = box_put(buf, &off, BOX_REQ_MAX, spec->workdir ? spec->workdir : "")) < 0)
		return ret;
	for (int i = 0; i < spec->ndirs; i++)
		if ((ret = box_put(buf, &off, BOX_REQ_MAX, spec->dirs[i].host)) < 0 ||
		    (ret = box_put(buf, &off, BOX_REQ_MAX, spec->dirs[i].box)) < 0 ||
		    (ret = box_put(buf, &off, BOX_REQ_MAX, spec->dirs[i].rw ? "w" : "r")) < 0)
			return ret;
	m->key_len = (uint32_t)(off - sizeof *m);
	*len = off;
	return 0;
}

static int box_build_run(const struct box_spec *spec, char *buf, size_t *len)
{
	struct box_run_req *req = (struct box_run_req *)buf;
	size_t off = sizeof *req;
	int ret;
	memset(req, 0, sizeof *req);
	req->type = BOX_MSG_RUN;
	req->lim = spec->lim;
	req->has_stdin = spec->stdin_fd >= 0;
	req->keep = spec->keep != 0;
	for (char *const *a = spec->argv; *a; a++, req->argc++)
		if ((ret = box_put(buf, &off, BOX_REQ_MAX, *a)) < 0)
			return ret;
	for (char *const *e = spec->env; e && *e; e++, req->envc++)
		if ((ret = box_put(buf, &off, BOX_REQ_MAX, *e)) < 0)
			return ret;
	req->len = (uint32_t)(off - sizeof *req);
	*len = off;
	return 0;
}

static int box_spawn(struct box *b, struct box_half *h, char *err, size_t errlen);

/* Grows the slot's work tmpfs when a run asks for more. Never shrinks it:
 * what one run leaves (a compiled program) is there for the next. */
static void box_work_resize(struct box *b, long kb)
{
	char opts[96];
	if (kb <= b->work_kb)
		return;
	snprintf(opts, sizeof opts, "size=%ldk,nr_inodes=%ld", kb, box_inodes(kb));
	if (mount(NULL, b->work, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, opts) == 0)
		b->work_kb = kb;
	else
		log_warn("cannot resize the work tmpfs", "path", b->work, "error", strerror(errno), NULL);
}

/* Runs the request on the box in w->fd until nothing of it is left. */
static void box_supervise(struct box_watch *w, const char *run, size_t run_len)
{
	const struct box_spec *spec = w->spec;
	int pipes[2][2] = {{-1, -1}, {-1, -1}}, fds[3], nfds = 0;
	for (int i = 0; i < 2; i++) {
		if ((i == 0 ? spec->stdout_fd : spec->stderr_fd) >= 0)
			continue;
		if (pipe2(pipes[i], O_CLOEXEC) < 0 || fcntl(pipes[i][0], F_SETFL, O_NONBLOCK) < 0) {
			snprintf(w->error, sizeof w->error, "pipe: %s", strerror(errno));
			goto out;
		}
	}
	if (spec->stdin_fd >= 0)
		fds[nfds++] = spec->stdin_fd;
	fds[nfds++] = spec->stdout_fd >= 0 ? spec->stdout_fd : pipes[0][1];
	fds[nfds++] = spec->stderr_fd >= 0 ? spec->stderr_fd : pipes[1][1];
	w->t_start = box_now_us();
	int ret = box_send(w->fd[BOX_RB_CTL], run, run_len, fds, nfds);
	if (spec->give_fds) {
		if (spec->stdin_fd >= 0)
			close(spec->stdin_fd);
		if (spec->stdout_fd >= 0)
			close(spec->stdout_fd);
		if (spec->stderr_fd >= 0)
			close(spec->stderr_fd);
	}
	/* From here on the box holds the only write ends. */
	for (int i = 0; i < 2; i++) {
		if (pipes[i][1] >= 0)
			close(pipes[i][1]);
		w->out[i] = pipes[i][0];
		pipes[i][0] = pipes[i][1] = -1;
	}
	if (ret < 0) {
		snprintf(w->error, sizeof w->error, "the box died before the run: %s", strerror(-ret));
		box_kill(w, BOX_KILL_REST);
	}
	/* The other launchers prepare the next boxes while this one runs. */
	for (int i = 0; i < BOX_HALVES; i++)
		if (&w->b->h[i] != w->h)
			box_rb_refill(&w->b->h[i], w->prep, w->prep_len);
	while (!w->gone) {
		struct pollfd p[4] = {{w->fd[BOX_RB_CTL], POLLIN, 0},
				      {w->fd[BOX_RB_PIDFD], POLLIN, 0},
				      {w->out[0], POLLIN, 0},
				      {w->out[1], POLLIN, 0}};
		int n = poll(p, 4, box_poll_timeout(w));
		if (n < 0 && errno != EINTR) {
			snprintf(w->error, sizeof w->error, "poll: %s", strerror(errno));
			box_kill(w, BOX_KILL_REST);
			break;
		}
		if (n > 0) {
			for (int i = 0; i < 2; i++)
				if (p[2 + i].revents)
					box_drain(w, i);
			if (p[0].revents)
				box_read_notes(w);
			if (p[1].revents)
				w->gone = 1; /* the init is dead, and so its pid namespace */
		}
		box_watch_time(w);
		if (w->t_kill && box_now_us() - w->t_kill > 10 * 1000000LL) {
			snprintf(w->error, sizeof w->error, "the box did not die");
			break;
		}
	}
	/* Notes sent just before the end, then every writer is gone: read the
	 * output pipes to their end. */
	box_read_notes(w);
	for (int i = 0; i < 2; i++) {
		if (w->out[i] >= 0)
			fcntl(w->out[i], F_SETFL, 0);
		while (w->out[i] >= 0)
			box_drain(w, i);
	}
	w->cpu_ns = box_cpu_used(w);
	long long peak = box_cg_read_num(w->fd[BOX_RB_CG + BOX_CGF_PEAK]);
	w->peak = peak > w->base.mem_bytes ? peak - w->base.mem_bytes : 0;
	long long oom = box_cg_read_oom(w->fd[BOX_RB_CG + BOX_CGF_OOM]);
	w->oom_kills = oom > w->base.oom_kills ? oom - w->base.oom_kills : 0;
	if (w->why != BOX_KILL_NONE && box_cg_kill_all(&w->h->cg, w->h->launcher) > 0)
		log_error("processes survived their box", "workdir", w->b->work, NULL);
out:
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (pipes[i][j] >= 0)
				close(pipes[i][j]);
}

/* Gives a ready box's /tmp (and private /box) another size before its
 * run. Host root does it, through the init's root: the tmpfs belongs to
 * the host's user namespace, where the init holds nothing. The init is
 * waiting for its request, so nothing in the box can have moved them. */
static int box_tmpfs_resize(const struct box_base *base, int private_box, long kb, char *err, size_t errlen)
{
	char path[64], size[32], inodes[32];
	snprintf(size, sizeof size, "%ldk", kb);
	snprintf(inodes, sizeof inodes, "%ld", box_inodes(kb));
	for (int i = 0; i < 1 + private_box; i++) {
		snprintf(path, sizeof path, "/proc/%d/root/%s", (int)base->init_pid, i ? "box" : "tmp");
		int fd = fspick(AT_FDCWD, path, FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT);
		int ret = fd < 0 || fsconfig(fd, FSCONFIG_SET_STRING, "size", size, 0) < 0 ||
					  fsconfig(fd, FSCONFIG_SET_STRING, "nr_inodes", inodes, 0) < 0 ||
					  fsconfig(fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0
				  ? -errno
				  : 0;
		if (fd >= 0)
			close(fd);
		if (ret < 0) {
			snprintf(err, errlen, "cannot resize the box's /%s: %s", i ? "box" : "tmp", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* Takes the box kept from an earlier keep run built like this one, if
 * any, with fresh baselines for its counters. Returns its half or -1. */
static int box_kept_take(struct box *b, struct box_watch *w)
{
	int k = 0;
	while (k < BOX_HALVES &&
	       !(b->h[k].kept && box_prep_same(b->h[k].rb_key, b->h[k].rb_key_len, w->prep, w->prep_len)))
		k++;
	if (k == BOX_HALVES)
		return -1;
	struct box_half *h = &b->h[k];
	memcpy(w->fd, h->kept_fd, sizeof w->fd);
	w->base = h->kept_base;
	for (int i = 0; i < BOX_RB_NFDS; i++)
		h->kept_fd[i] = -1;
	h->kept = 0;
	/* The peak starts again from what the idle box holds now (it was
	 * shown to restart when the box was kept). */
	int peak = w->fd[BOX_RB_CG + BOX_CGF_PEAK];
	if (peak >= 0 && pwrite(peak, "0", 1, 0) == 1)
		w->base.mem_bytes = box_cg_read_num(peak);
	w->base.oom_kills = box_cg_read_oom(w->fd[BOX_RB_CG + BOX_CGF_OOM]);
	return k;
}

/* Whether the box of a keep run that is over may serve the next one: the
 * program ended by itself, the init found the box clean and waits, and
 * the memory peak can start again for the next run. */
static int box_keepable(struct box_watch *w)
{
	if (!w->spec->keep || !w->have_exit || !w->exit.kept || !w->gone || w->why != BOX_KILL_NONE || w->error[0] ||
	    w->sv[0] || w->fd[BOX_RB_CTL] < 0)
		return 0;
	struct pollfd p = {w->fd[BOX_RB_PIDFD], POLLIN, 0};
	if (poll(&p, 1, 0) != 0) /* the init is gone after all */
		return 0;
	int peak = w->fd[BOX_RB_CG + BOX_CGF_PEAK];
	return peak < 0 || pwrite(peak, "0", 1, 0) == 1;
}

int box_run(struct box *b, const struct box_spec *spec, struct box_result *res)
{
	if (!b || !spec || !res || !spec->argv || !spec->argv[0] || spec->ndirs < 0 || spec->ndirs > BOX_MAX_DIRS)
		return -EINVAL;
	for (int i = 0; i < spec->ndirs; i++)
		if (!spec->dirs[i].host || !box_dir_ok(spec->dirs[i].box))
			return -EINVAL;
	memset(res, 0, sizeof *res);
	res->exit_code = -1;

	char *prep = b->msg[0], *run = b->msg[1];
	size_t prep_len = 0, run_len = 0;
	int ret = box_build_prep(spec, prep, &prep_len);
	if (ret == 0)
		ret = box_build_run(spec, run, &run_len);
	if (ret < 0)
		return ret;
	struct box_watch w = {.b = b, .spec = spec, .out = {-1, -1}, .prep = prep, .prep_len = prep_len};
	for (int i = 0; i < BOX_RB_NFDS; i++)
		w.fd[i] = -1;
	for (int i = 0; i < BOX_HALVES; i++) {
		box_close_fds(b->h[i].used_fd, 2);
		b->h[i].used_fd[0] = b->h[i].used_fd[1] = -1;
	}
	for (int i = 0; i < BOX_HALVES; i++)
		if (b->h[i].sock < 0 && box_spawn(b, &b->h[i], w.error, sizeof w.error) < 0)
			goto done;
	if (spec->workdir && !strcmp(spec->workdir, b->work))
		box_work_resize(b, spec->lim.tmpfs_kb);
	int half = spec->keep ? box_kept_take(b, &w) : -1;
	if (half >= 0) {
		res->reused = 1;
	} else {
		half = box_rb_get(b, prep, prep_len, w.error, sizeof w.error);
		if (half < 0)
			goto done;
		/* The box is ours now. */
		struct box_half *h = &b->h[half];
		memcpy(w.fd, h->rb_fd, sizeof w.fd);
		w.base = h->rb_base;
		for (int i = 0; i < BOX_RB_NFDS; i++)
			h->rb_fd[i] = -1;
		h->rb_state = BOX_RB_NONE;
	}
	struct box_half *h = &b->h[half];
	w.h = h;
	/* The memory limit is the whole box's, its init included (a few
	 * hundred KiB): on top of what the box holds idle, a program at its
	 * limit would pass or fail by the kernel's charge batching, which
	 * moves that figure by as much. The process limit is on top of the
	 * init and (v1) the launcher. */
	long long mem = spec->lim.memory_kb > 0 ? spec->lim.memory_kb * 1024LL : -1;
	long long pids = spec->lim.procs > 0 ? spec->lim.procs + (w.base.pids > 0 ? w.base.pids : 2) : -1;
	ret = box_cg_limit(w.fd + BOX_RB_CG, mem, pids);
	if (ret < 0) {
		snprintf(w.error, sizeof w.error, "cannot set the cgroup limits: %s", strerror(-ret));
		box_kill(&w, BOX_KILL_REST);
		goto done;
	}
	/* CPU counts from now: the box may have waited ready a while. */
	long long cpu = box_cg_read_cpu_ns(w.fd[BOX_RB_CG + BOX_CGF_CPU]);
	if (cpu >= 0)
		w.base.cpu_ns = cpu;
	if (spec->lim.tmpfs_kb > 0 && spec->lim.tmpfs_kb != w.base.tmpfs_kb) {
		if (box_tmpfs_resize(&w.base, !spec->workdir, spec->lim.tmpfs_kb, w.error, sizeof w.error) < 0) {
			box_kill(&w, BOX_KILL_REST);
			goto done;
		}
		w.base.tmpfs_kb = spec->lim.tmpfs_kb;
	}

	box_supervise(&w, run, run_len);
	if (box_keepable(&w)) {
		/* Kept, waiting for the next keep run with this key. */
		memcpy(h->kept_fd, w.fd, sizeof w.fd);
		h->kept_base = w.base;
		h->kept = 1;
		for (int i = 0; i < BOX_RB_NFDS; i++)
			w.fd[i] = -1;
		goto done;
	}
	h->used_fd[0] = w.fd[BOX_RB_CTL];
	h->used_fd[1] = w.fd[BOX_RB_PIDFD];
	w.fd[BOX_RB_CTL] = w.fd[BOX_RB_PIDFD] = -1;

	/* This launcher's next box, built like this one, while the caller
	 * looks at the result. */
	box_rb_refill(h, prep, prep_len);
done:
	box_result(&w, res);
	box_close_fds(w.fd, BOX_RB_NFDS);
	for (int i = 0; i < 2; i++)
		if (w.out[i] >= 0)
			close(w.out[i]);
	return 0;
}

/*** Slots ***/

static int box_spawn(struct box *b, struct box_half *h, char *err, size_t errlen)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return box_lerr(err, errlen, "socketpair", "", errno);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return box_lerr(err, errlen, "fork", "launcher", e);
	}
	if (pid == 0) {
		close(sp[0]);
		box_launcher_main(b, h, sp[1]);
		_exit(1);
	}
	close(sp[1]);
	h->launcher = pid;
	h->sock = sp[0];
	h->rb_state = BOX_RB_NONE;
	int ret = box_cg_adopt(&h->cg, pid);
	if (ret < 0) {
		box_lerr(err, errlen, "cannot move the launcher into", h->cg.dir[0], -ret);
		box_lost(h);
		return ret;
	}
	struct pollfd p = {h->sock, POLLIN, 0};
	struct box_ready r;
	if (poll(&p, 1, BOX_SETUP_TIMEOUT_MS) != 1 ||
	    box_recv(h->sock, &r, sizeof r, NULL, NULL, 0) != (ssize_t)sizeof r || r.type != BOX_MSG_HELLO) {
		r.msg[sizeof r.msg - 1] = 0;
		if (p.revents)
			snprintf(err, errlen, "launcher: %s", r.type == BOX_MSG_ERROR ? r.msg : "died");
		else
			snprintf(err, errlen, "launcher: no answer");
		box_lost(h);
		return -EIO;
	}
	return 0;
}

struct box *box_new(int slot, char *err, size_t errlen)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	if (!box_g.ready) {
		snprintf(err, errlen, "box_global_init was not called");
		return NULL;
	}
	if (slot < 0 || slot > 65535) {
		snprintf(err, errlen, "bad slot %d", slot);
		return NULL;
	}
	struct box *b = calloc(1, sizeof *b);
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->slot = slot;
	b->uid = (uid_t)(box_g.first_uid + slot);
	/* Slot k runs on the k-th CPU we may use (round robin), and prepares
	 * on all the others. One CPU: no pinning at all. */
	int ncpu = CPU_COUNT(&box_g.cpus);
	if (ncpu >= 2) {
		int want = slot % ncpu;
		b->prep_cpus = box_g.cpus;
		CPU_ZERO(&b->run_cpus);
		for (int c = 0, k = 0; c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &box_g.cpus) || k++ != want)
				continue;
			CPU_SET(c, &b->run_cpus);
			CPU_CLR(c, &b->prep_cpus);
			break;
		}
		b->pinned = 1;
	}
	b->devnull = b->work_fd = -1;
	b->msg[0] = malloc(BOX_REQ_MAX);
	b->msg[1] = malloc(BOX_REQ_MAX);
	if (!b->msg[0] || !b->msg[1]) {
		free(b->msg[0]);
		free(b->msg[1]);
		free(b);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (int k = 0; k < BOX_HALVES; k++) {
		struct box_half *h = &b->h[k];
		h->sock = -1;
		h->used_fd[0] = h->used_fd[1] = -1;
		for (int i = 0; i < BOX_RB_NFDS; i++)
			h->rb_fd[i] = h->kept_fd[i] = -1;
		h->cg.dir_fd = h->cg.usage_fd = -1;
		for (int i = 0; i < BOX_CGF_N; i++)
			h->cg.fd[i] = -1;
	}
	snprintf(b->dir, sizeof b->dir, "%s/slot%d", box_g.state, slot);
	snprintf(b->work, sizeof b->work, "%s/work", b->dir);
	snprintf(b->root, sizeof b->root, "%s/root", b->dir);
	struct box_limits def;
	box_limits_default(&def);
	char opts[160];
	snprintf(opts, sizeof opts, "size=%ldk,nr_inodes=%ld,mode=0700,uid=%u,gid=%u", def.tmpfs_kb,
		 box_inodes(def.tmpfs_kb), (unsigned)b->uid, (unsigned)b->uid);
	for (int k = 0; k < BOX_HALVES; k++)
		if (box_cg_slot_init(&b->h[k].cg, box_g.instance, slot, k, err, errlen) < 0) {
			b->h[k].cg.dir[0][0] = 0;
			goto fail;
		}
	/* Reached by the box's init as host root, and by nobody else. */
	if ((mkdir(b->dir, 0711) < 0 && errno != EEXIST) || (mkdir(b->work, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(b->root, 0755) < 0 && errno != EEXIST)) {
		box_lerr(err, errlen, "mkdir", b->dir, errno);
		goto fail;
	}
	if (mount("verdict-work", b->work, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
		box_lerr(err, errlen, "mount tmpfs at", b->work, errno);
		goto fail;
	}
	b->work_kb = def.tmpfs_kb;
	b->work_fd = open(b->work, O_PATH | O_DIRECTORY | O_CLOEXEC);
	b->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (b->work_fd < 0 || b->devnull < 0) {
		box_lerr(err, errlen, "open", b->work, errno);
		goto fail;
	}
	for (int k = 0; k < BOX_HALVES; k++)
		if (box_spawn(b, &b->h[k], err, errlen) < 0)
			goto fail;
	return b;
fail:
	box_free(b);
	return NULL;
}

void box_free(struct box *b)
{
	if (!b)
		return;
	/* All launchers are told first: they wind down together. */
	for (int k = 0; k < BOX_HALVES; k++) {
		struct box_half *h = &b->h[k];
		box_rb_drop(h);
		box_kept_drop(h);
		box_close_fds(h->used_fd, 2);
		if (h->sock >= 0) {
			struct box_prep q = {.type = BOX_MSG_QUIT};
			box_send(h->sock, &q, sizeof q, NULL, 0);
			close(h->sock);
		}
	}
	for (int k = 0; k < BOX_HALVES; k++) {
		struct box_half *h = &b->h[k];
		if (h->launcher > 0) {
			int i;
			for (i = 0; i < 1000 && waitpid(h->launcher, NULL, WNOHANG) == 0; i++)
				usleep(2000);
			if (i == 1000) {
				kill(h->launcher, SIGKILL);
				waitpid(h->launcher, NULL, 0);
			}
		}
		if (h->cg.dir[0][0]) {
			box_cg_kill_all(&h->cg, 0);
			box_cg_slot_release(&h->cg);
		}
		free(h->rb_key);
	}
	if (b->work_fd >= 0)
		close(b->work_fd);
	if (b->devnull >= 0)
		close(b->devnull);
	if (b->work[0]) {
		umount2(b->work, MNT_DETACH);
		rmdir(b->work);
		rmdir(b->root);
		rmdir(b->dir);
	}
	free(b->msg[0]);
	free(b->msg[1]);
	free(b);
}

const char *box_workdir(const struct box *b)
{
	return b ? b->work : NULL;
}

/*** Reading back and cleaning (host side, never following links) ***/

/* openat2 without RESOLVE_BENEATH: one component at a time, none a link. */
static int box_open_beneath(int dirfd, const char *rel)
{
	char *copy = strdup(rel), *save = NULL;
	if (!copy)
		return -ENOMEM;
	int cur = dup(dirfd), ret = -ENOENT;
	char *comp = strtok_r(copy, "/", &save);
	while (comp && cur >= 0) {
		char *next = strtok_r(NULL, "/", &save);
		if (!strcmp(comp, ".")) {
			comp = next;
			continue;
		}
		if (!strcmp(comp, "..")) {
			ret = -EXDEV;
			break;
		}
		int flags = next ? O_PATH | O_DIRECTORY : O_RDONLY | O_NONBLOCK | O_NOCTTY;
		int fd = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		cur = -1;
		if (fd < 0) {
			ret = -errno;
			break;
		}
		if (!next) {
			free(copy);
			return fd;
		}
		cur = fd;
		comp = next;
	}
	if (cur >= 0)
		close(cur);
	free(copy);
	return ret;
}

int box_read_file(struct box *b, const char *rel, size_t max, char **out, size_t *len, int *truncated)
{
	if (!b || !rel || !rel[0] || rel[0] == '/' || !out)
		return -EINVAL;
	*out = NULL;
	if (len)
		*len = 0;
	if (truncated)
		*truncated = 0;
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, b->work_fd, rel, &how, sizeof how);
	if (fd < 0 && errno == ENOSYS)
		fd = box_open_beneath(b->work_fd, rel);
	else if (fd < 0)
		fd = -errno;
	if (fd < 0)
		return fd;
	/* A FIFO or device would block or lie about its size. */
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	char *buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	size_t got = 0;
	while (got < max + 1) {
		ssize_t n = read(fd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;
			free(buf);
			close(fd);
			return ret;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > max) {
		got = max;
		if (truncated)
			*truncated = 1;
	}
	buf[got] = 0;
	*out = buf;
	if (len)
		*len = got;
	return 0;
}

/* Empties the work directory with a constant number of fds, however deep
 * the box nested its directories: go down into a non-empty directory, come
 * back up through ".." once it is empty. Nothing is ever followed: entries
 * are opened with O_NOFOLLOW and a symlink is just unlinked. */
int box_clean(struct box *b)
{
	if (!b)
		return -EINVAL;
	int ret = 0;
	int fd = openat(b->work_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat top;
	if (fd < 0 || fstat(fd, &top) < 0)
		return fd < 0 ? -errno : -EIO;
	for (;;) {
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
		if (!d) {
			ret = -errno;
			if (dfd >= 0)
				close(dfd);
			break;
		}
		int down = 0;
		struct dirent *e;
		while ((e = readdir(d))) {
			const char *name = e->d_name;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			struct stat st;
			if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			if (!S_ISDIR(st.st_mode)) {
				if (unlinkat(fd, name, 0) < 0 && errno != ENOENT)
					ret = -errno;
				continue;
			}
			if (unlinkat(fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
				continue;
			if (errno != ENOTEMPTY && errno != EEXIST) {
				ret = -errno;
				continue;
			}
			int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				ret = -errno;
				continue;
			}
			close(fd);
			fd = sub;
			down = 1;
			break;
		}
		closedir(d);
		/* An entry we cannot remove would send us down forever. */
		if (ret < 0)
			break;
		if (down)
			continue;
		struct stat st;
		if (fstat(fd, &st) < 0) {
			ret = -errno;
			break;
		}
		if (st.st_dev == top.st_dev && st.st_ino == top.st_ino)
			break;
		int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = up;
		if (fd < 0)
			return -errno;
	}
	close(fd);
	return ret;
}

/*** Defaults and process-wide setup ***/

const char *box_status_name(enum box_status s)
{
	static const char *const names[] = {"OK", "RTE", "TLE", "MLE", "OLE", "SV", "JE"};
	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "JE";
}

void box_limits_default(struct box_limits *lim)
{
	lim->cpu_s = 2;
	lim->wall_s = 5;
	lim->memory_kb = 256 * 1024;
	lim->procs = 64;
	lim->output_kb = 64 * 1024;
	lim->files = 128;
	lim->stack_kb = 0;
	lim->tmpfs_kb = 64 * 1024;
}

void box_spec_init(struct box_spec *spec)
{
	memset(spec, 0, sizeof *spec);
	box_limits_default(&spec->lim);
	spec->stdin_fd = spec->stdout_fd = spec->stderr_fd = -1;
}

/* Slot directories of instances that died without box_free. */
static void box_clean_stale_state(const char *state_dir)
{
	DIR *d = opendir(state_dir);
	if (!d)
		return;
	struct dirent *e;
	char path[PATH_MAX];
	while ((e = readdir(d))) {
		int pid;
		char tail;
		if (sscanf(e->d_name, "%d%c", &pid, &tail) != 1 || pid <= 0 || pid == box_g.instance ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof path, "%s/%s", state_dir, e->d_name);
		DIR *s = opendir(path);
		struct dirent *se;
		while (s && (se = readdir(s))) {
			if (strncmp(se->d_name, "slot", 4))
				continue;
			char sub[PATH_MAX + 300];
			snprintf(sub, sizeof sub, "%s/%s/work", path, se->d_name);
			umount2(sub, MNT_DETACH);
			rmdir(sub);
			snprintf(sub, sizeof sub, "%s/%s/root", path, se->d_name);
			rmdir(sub);
			snprintf(sub, sizeof sub, "%s/%s", path, se->d_name);
			rmdir(sub);
		}
		if (s)
			closedir(s);
		if (rmdir(path) == 0)
			log_info("removed stale box state", "path", path, NULL);
	}
	closedir(d);
}

int box_global_init(const struct box_global_config *cfg, char *err, size_t errlen)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	if (box_g.ready)
		return 0;
	if (geteuid() != 0) {
		snprintf(err, errlen, "verdict-box needs root");
		return -EPERM;
	}
	const char *state_dir = cfg && cfg->state_dir ? cfg->state_dir : "/run/verdict-box";
	box_g.first_uid = cfg && cfg->first_uid > 0 ? cfg->first_uid : 60000;
	if (sched_getaffinity(0, sizeof box_g.cpus, &box_g.cpus) < 0)
		CPU_ZERO(&box_g.cpus);
	box_g.instance = (int)getpid();
	if (strlen(state_dir) > 200 || state_dir[0] != '/') {
		snprintf(err, errlen, "state_dir must be an absolute path of at most 200 bytes");
		return -EINVAL;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", state_dir);
	int ret = box_mkdir_p(path);
	if (ret < 0)
		return box_lerr(err, errlen, "mkdir", state_dir, -ret);
	chmod(state_dir, 0711);
	box_clean_stale_state(state_dir);
	snprintf(box_g.state, sizeof box_g.state, "%s/%d", state_dir, box_g.instance);
	if (mkdir(box_g.state, 0711) < 0 && errno != EEXIST)
		return box_lerr(err, errlen, "mkdir", box_g.state, errno);
	if ((ret = box_seccomp_global_init(err, errlen)) < 0)
		goto fail;
	if ((ret = box_cg_global_init(box_g.instance, err, errlen)) < 0)
		goto fail;
	box_g.ready = 1;
	log_debug("box ready", "cgroup", box_cg_mode_name(), "state", box_g.state, NULL);
	return 0;
fail:
	box_seccomp_global_release();
	rmdir(box_g.state);
	return ret;
}

void box_global_release(void)
{
	if (!box_g.ready)
		return;
	box_seccomp_global_release();
	rmdir(box_g.state);
	box_g.ready = 0;
}
