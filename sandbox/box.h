/* verdict-box: run one untrusted command in a fresh, isolated box.
 *
 * The contract between the sandbox and its users (verdict-judge and the
 * verdict-box CLI). One box_run() is one command with one set of limits and
 * gives one result record. Everything the command starts dies with the run.
 *
 * Lifecycle: box_global_init() once per process, before any thread is
 * started (it creates the cgroup parent); then one struct box per
 * concurrent slot (box_new, whose launchers each make an empty network
 * namespace of their own), each used by one thread at a time; box_free()
 * when done.
 */
#ifndef VERDICT_BOX_H
#define VERDICT_BOX_H

#include <stddef.h>
#include <stdint.h>

enum box_status {
	BOX_OK = 0, /* exited with code 0 within every limit */
	BOX_RTE,    /* a non-zero exit code (exit_code says which) or killed by a signal */
	BOX_TLE,    /* CPU or wall time limit exceeded */
	BOX_MLE,    /* memory limit exceeded (cgroup OOM) */
	BOX_OLE,    /* output or file size limit exceeded */
	BOX_SV,     /* killed by the seccomp filter */
	BOX_JE,     /* the box itself failed: a judge error, never the program's fault */
};

const char *box_status_name(enum box_status s); /* "OK", "RTE", ... */

struct box_limits {
	double cpu_s;   /* CPU time of all threads and children together */
	double wall_s;  /* wall-clock time */
	long memory_kb; /* cgroup memory limit */
	int procs;      /* processes and threads (pids controller) */
	long output_kb; /* RLIMIT_FSIZE: per file, stdout and stderr included */
	int files;      /* RLIMIT_NOFILE */
	long stack_kb;  /* RLIMIT_STACK; 0 = same as memory_kb */
	long tmpfs_kb;  /* size of the box's private writable /box and /tmp */
};

/* Sensible defaults for a contestant's program: 2 s CPU, 5 s wall, 256 MiB... */
void box_limits_default(struct box_limits *lim);

struct box_dir {
	const char *host; /* host path (borrowed) */
	const char *box;  /* absolute path inside the box, not under /box, /tmp,
			   * /proc or /dev (the box's own mounts) (borrowed) */
	int rw;           /* 0: read-only bind */
};

#define BOX_MAX_DIRS 8

struct box_spec {
	struct box_limits lim;
	/* argv[0] is resolved inside the box (an absolute path, or looked up in
	 * PATH=/usr/local/bin:/usr/bin:/bin). NULL-terminated; borrowed. */
	char *const *argv;
	/* Extra environment entries "K=V", NULL-terminated, or NULL. The box's
	 * environment is otherwise only PATH, HOME=/box, TMPDIR=/tmp,
	 * LANG=C.UTF-8: nothing of the caller's. Borrowed. */
	char *const *env;
	/* Host directory mounted read-write at /box, the working directory.
	 * NULL: an empty private tmpfs of lim.tmpfs_kb. Borrowed. */
	const char *workdir;
	struct box_dir dirs[BOX_MAX_DIRS];
	int ndirs;
	/* Standard streams as host file descriptors (borrowed; the box gets a
	 * dup). -1: /dev/null for stdin; for stdout and stderr, -1 discards the
	 * output but still counts its bytes toward output_kb. */
	int stdin_fd, stdout_fd, stderr_fd;
	/* 1: socket(2) may also create AF_INET and AF_INET6 sockets, which the
	 * JVM (javac included) opens at start-up to probe the network. They
	 * reach nothing: the box's network namespace has no interface up.
	 * Other families stay refused. 0 (the default): only AF_UNIX. */
	int inet_sockets;
	/* When set, box_run closes stdin_fd, stdout_fd and stderr_fd (those >= 0)
	 * as soon as the box holds them: the box then has the only copies, so
	 * a pipe to another box sees EOF when this one ends (interactive runs). */
	int give_fds;
	/* 1: a run that ends by itself and leaves nothing behind keeps its
	 * box for the slot's next keep run built with the same directories
	 * (inet_sockets, workdir, dirs), which then costs only the program's
	 * start: a submission's tests, say. What a kept box carries over is
	 * its namespaces and nothing of the run: the box's init kills every
	 * process the program left, and keeps the box only when /tmp (and a
	 * private /box) are empty and no System V IPC object exists (POSIX
	 * message queues cannot be made in any box). Anything else, and the
	 * next run gets a fresh box, as with 0 (the default). */
	int keep;
};

void box_spec_init(struct box_spec *spec); /* defaults; fds = -1 */

struct box_result {
	enum box_status status;
	int exit_code; /* when exited; -1 when killed */
	int signal;    /* the terminating signal, 0 when exited */
	long cpu_ms;   /* from the cgroup: all processes of the run */
	long wall_ms;  /* of the program, from its start to its end */
	long wall_us;
	int64_t end_us; /* CLOCK_MONOTONIC when the program ended: which of two
			 * boxes ended first (interactive problems) */
	long memory_kb; /* peak, from the cgroup, above what the box held idle */
	long stdout_bytes, stderr_bytes;
	int reused;        /* the run had a box kept from an earlier one (spec.keep) */
	char message[256]; /* for people: "killed by signal 11 (SIGSEGV)",
			    * "blocked system call: ptrace", ... */
};

struct box_global_config {
	const char *state_dir; /* where slot directories live; default /run/verdict-box */
	int first_uid;         /* box uids are first_uid + slot; default 60000 */
};

/* 0 or -errno; on failure why goes to err (may be NULL). */
int box_global_init(const struct box_global_config *cfg, char *err, size_t errlen);
/* Undoes box_global_init once every box is freed: closes the network
 * namespace, removes state_dir/<instance>. */
void box_global_release(void);

struct box;
/* A box slot: its own cgroup, uid and scratch directory. NULL on failure
 * with why in err. The caller owns the result; release with box_free. */
struct box *box_new(int slot, char *err, size_t errlen);
void box_free(struct box *b); /* accepts NULL */

/* Runs spec in a fresh box and fills res. Returns 0 when res is meaningful
 * (any status, BOX_JE included), -errno when the call itself was misused. */
int box_run(struct box *b, const struct box_spec *spec, struct box_result *res);

/* The host path of the slot's private work directory (a size-capped tmpfs,
 * emptied by box_clean). Files written here appear at /box in the next run
 * when spec.workdir is this path. Borrowed. */
const char *box_workdir(const struct box *b);
/* Removes everything in the work directory without following links. */
int box_clean(struct box *b);

/* Reads a file the box may have written, relative to the work directory,
 * refusing symlinks and anything outside it (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS, or O_NOFOLLOW on each component). At most max bytes;
 * *truncated set when there was more. The caller frees *out. 0 or -errno. */
int box_read_file(struct box *b, const char *rel, size_t max, char **out, size_t *len, int *truncated);

#endif
