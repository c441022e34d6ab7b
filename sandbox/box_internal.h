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

#endif
