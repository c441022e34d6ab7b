/* Shared between box.c, box_cgroup.c and box_seccomp.c; not part of the
 * contract (box.h is). Nothing here is for the judge or the CLI.
 *
 * Who runs what: the supervisor is the caller's thread inside box_run; the
 * launcher is a small process forked per slot in box_new; the box's init is
 * pid 1 of each box's namespaces. box_cg_* functions say which of them
 * calls them.
 */
#ifndef VERDICT_BOX_INTERNAL_H
#define VERDICT_BOX_INTERNAL_H

#include "box.h"

#include <stdint.h>
#include <sys/types.h>

/* The uid and gid of the program inside every box; outside it is
 * first_uid + slot, so two slots never share an owner. */
#define BOX_INSIDE_ID 1000

/* Small file helpers for /proc and cgroup files. 0 or -errno. */
int box_file_write(const char *path, const char *s);
/* Reads at most len-1 bytes from offset 0 and NUL-terminates. */
int box_fd_read(int fd, char *buf, size_t len);
int box_file_read(const char *path, char *buf, size_t len);
/* The number after "key " in text like cpu.stat or memory.events; -1 when absent. */
long long box_kv_get(const char *text, const char *key);

/*** cgroups (box_cgroup.c) ***/

enum box_cg_mode { BOX_CG_NONE, BOX_CG_V1, BOX_CG_V2 };

/* The v1 hierarchies a slot uses. On v2 the slot has one directory. */
enum { BOX_CG_MEMORY, BOX_CG_PIDS, BOX_CG_CPUACCT, BOX_CG_FREEZER, BOX_CG_NCTL };

/* Cgroup files the supervisor uses for a run, as fds the launcher hands
 * over: the counters it reads, the limits it writes (MEMSW is v1 only). */
enum {
	BOX_CGF_CPU,
	BOX_CGF_PEAK,
	BOX_CGF_OOM,
	BOX_CGF_PIDS,
	BOX_CGF_MEMLIM,
	BOX_CGF_MEMSWLIM,
	BOX_CGF_PIDSMAX,
	BOX_CGF_N
};

/* How the slot's cgroups and its launcher fit together:
 *
 * v1: the cgroups live as long as the slot, and so does the launcher inside
 * them; boxes are forked into place. Moving a process between v1 cgroups
 * waits for an RCU grace period (~10 ms here) once the lock has gone quiet,
 * which would be most of the cost of a run. The launcher and the box's idle
 * init are in the counters too: figures are taken from a baseline read when
 * the box is ready (CPU: when its run starts), and the memory limit is the run's plus what was
 * already there and cannot be reclaimed (files left in the work directory
 * stay charged to whoever wrote them).
 *
 * Limits are the supervisor's to write, when the run starts: a ready box
 * does not depend on them, so the next run usually finds its box ready
 * even when its limits differ (compile, then run).
 *
 * v2: the launcher stays where the caller is; each box is cloned straight
 * into a fresh cgroup (clone3 CLONE_INTO_CGROUP, no move, no lock). */
struct box_cg {
	/* v1: the slot's directory in each hierarchy, "" when the controller
	 * is missing (only the freezer may be); v2: dir[0] only. */
	char dir[BOX_CG_NCTL][512];
	/* Launcher side. */
	int dir_fd;        /* v2: the cgroup directory, for CLONE_INTO_CGROUP */
	int fd[BOX_CGF_N]; /* (-1 when absent) */
	int usage_fd;      /* memory.usage_in_bytes or memory.current */
};

/* Caller of box_global_init: finds the hierarchies (VERDICT_BOX_CGROUP=v1|v2
 * forces one), makes the "verdict" parents, removes stale empty cgroups of
 * dead instances. */
int box_cg_global_init(int instance, char *err, size_t errlen);
enum box_cg_mode box_cg_mode(void);
const char *box_cg_mode_name(void);

/* box_new / box_free (caller). A slot has two halves (0 and 1), each with a
 * launcher and cgroups of its own: <instance>-<slot>a and -<slot>b. */
/* Launchers per slot (a slot's halves, named a, b, ...): each prepares the
 * next boxes while a program runs in another's. */
#ifndef BOX_HALVES
#define BOX_HALVES 3
#endif

int box_cg_slot_init(struct box_cg *cg, int instance, int slot, int half, char *err, size_t errlen);
void box_cg_slot_release(struct box_cg *cg);
/* v1: moves the launcher into the slot's cgroups, once; v2: nothing. */
int box_cg_adopt(struct box_cg *cg, pid_t pid);

/* Launcher, before each box: v2 makes the cgroup anew; both (re)open the
 * counters. */
int box_cg_renew(struct box_cg *cg);
/* Launcher, before a box is made: no limits, so that its setup never runs
 * into the last run's. */
int box_cg_unlimit(struct box_cg *cg);
/* Supervisor, from unlimited: absolute limits through the fds in fd[]
 * (indexed by BOX_CGF_*), < 0 for none. */
int box_cg_limit(const int *fd, long long mem_bytes, long long pids);
/* Launcher: memory in use now, and the part of it that is not file cache. */
long long box_cg_usage(struct box_cg *cg);
long long box_cg_unreclaimable(struct box_cg *cg);
/* Launcher: restarts the peak memory figure from the current usage. */
void box_cg_reset_peak(struct box_cg *cg);

/* Readers for the counter fds (any process): -1 on error. */
long long box_cg_read_cpu_ns(int fd);
long long box_cg_read_num(int fd);
long long box_cg_read_oom(int fd);

/* Supervisor: SIGKILL to every process in the slot's cgroup but spare (the
 * v1 launcher): cgroup.kill, or freeze, kill, thaw. Returns how many were
 * listed. */
int box_cg_kill(struct box_cg *cg, pid_t spare);
/* Supervisor: kills until the cgroup is empty (but spare) or tries run out. */
int box_cg_kill_all(struct box_cg *cg, pid_t spare);

/*** seccomp (box_seccomp.c) ***/

/* Compiles the filter once (libseccomp) into classic BPF. */
int box_seccomp_global_init(char *err, size_t errlen);
void box_seccomp_global_release(void);
/* In the box's init, after PR_SET_NO_NEW_PRIVS: loads the filter (inet:
 * the variant that also allows AF_INET and AF_INET6 sockets). *listener is
 * a seccomp user-notification fd the init watches to name a blocked call
 * and kill the box; -1 when the kernel lacks those, and then the filter
 * kills the process itself (SIGSYS). 0 or -errno. */
int box_seccomp_load(int inet, int *listener);
/* Receives one pending notification into buf (no allocation: the box's
 * init calls it) and says which system call it was. 0 or -errno. */
int box_seccomp_notified(int listener, void *buf, size_t size, int *nr, int *arch);
/* The name of a system call, for people. */
void box_seccomp_name(int arch, int nr, char *name, size_t len);

/*** Between the box's processes (box.c, box_launcher.c, box_init.c) ***/

#include <sched.h>
#include <limits.h>

#define BOX_REQ_MAX          (64 * 1024) /* a message and its strings */
#define BOX_SETUP_TIMEOUT_MS 20000       /* a box that is not ready by then is broken */
#define BOX_TICK_MS          10          /* how often the supervisor reads cgroup CPU */
#define BOX_CHILD_STACK      (64 * 1024)
#define BOX_INIT_STACK       (128 * 1024)
#define BOX_MAX_ARGS         4096             /* argv and environment entries of one run */
#define BOX_TPL_PATH         (PATH_MAX + 400) /* a host path below the template root */
#define BOX_MAX_FDS          12               /* in one message */

/* Process-wide state, set by box_global_init (box.c). */
struct box_global {
	int ready;
	int instance;    /* pid of the process that called box_global_init */
	char state[256]; /* state_dir/<instance> */
	int first_uid;
	cpu_set_t cpus; /* where the caller may run, at box_global_init */
};
extern struct box_global box_g;

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

/* Walks the request's strings. */
struct box_cursor {
	const char *p, *end;
};

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

/* box_msg.c: a message with up to nfds descriptors over a seqpacket
 * socket, and back (0 or -errno; box_recv: the length or -errno). */
int box_send(int sock, const void *buf, size_t len, const int *fds, int nfds);
ssize_t box_recv(int sock, void *buf, size_t len, int *fds, int *nfds, int maxfds);
void box_close_fds(int *fds, int n);
int64_t box_now_us(void); /* CLOCK_MONOTONIC */
long box_inodes(long kb); /* the inodes a tmpfs of kb gets */
const char *box_next(struct box_cursor *c);
/* "what path: strerror(e)" into err; returns -e. */
int box_lerr(char *err, size_t errlen, const char *what, const char *path, int e);
int box_mkdir_p(char *path); /* mkdir -p; 0 or -errno */

/* box_launcher.c: a launcher's life, in the process box_new forks for half
 * h of slot b; sock is its end of the supervisor's socket. Never returns. */
void box_launcher_main(struct box *b, struct box_half *h, int sock);
/* box_init.c: the box's init, cloned by the launcher with a struct
 * box_arena as arg. */
int box_init_main(void *arg);

#endif
