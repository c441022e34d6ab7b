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

struct box_global box_g;

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
