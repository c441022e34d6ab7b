/* The box's seccomp filter: compiled once with libseccomp into classic BPF,
 * then loaded by each box's init with a plain seccomp(2) call.
 *
 * Default allow; what a solution never needs is refused. Refused calls go
 * to a user-notification listener held by the box's init, which learns the
 * call's name and kills the whole box: SECCOMP_RET_KILL_PROCESS would kill
 * just as surely, but nobody outside can see which call did it. The call
 * itself never runs either way. Kernels without notifications (before 5.0)
 * get the same filter with KILL_PROCESS instead.
 */
#include "box_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

/* [inet][kill]: with AF_INET and AF_INET6 sockets or without; refused
 * calls notified (SCMP_ACT_NOTIFY) or killed (SCMP_ACT_KILL_PROCESS). */
static struct {
	struct sock_fprog prog[2][2];
	size_t notif_size;
} box_sc;

/* Refused whatever their arguments. */
static const char *const box_sc_refused[] = {
	"ptrace", "mount", "umount2", "unshare", "setns", "pivot_root", "chroot", "kexec_load", "kexec_file_load",
	"reboot", "bpf", "keyctl", "add_key", "request_key", "perf_event_open", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "process_vm_readv", "process_vm_writev", "init_module", "finit_module", "delete_module",
	"swapon", "swapoff", "acct", "settimeofday", "clock_settime", "open_by_handle_at", "name_to_handle_at",
	"userfaultfd", "quotactl", "quotactl_fd", "modify_ldt", "fanotify_init", "fanotify_mark",
	/* The new mount API does what mount(2) does. Not fsconfig: it needs a
	 * context from fsopen or fspick, both refused. */
	"open_tree", "move_mount", "fsopen", "fsmount", "fspick", "mount_setattr", "iopl", "ioperm"};

static const unsigned long box_sc_clone_new[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

/* socket and socketpair: AF_UNIX only, or AF_UNIX, AF_INET and AF_INET6.
 * One comparison per argument and rule: the refused domains are listed,
 * and everything above AF_INET6 (hi bits included) is one rule. */
static int box_sc_sockets(scmp_filter_ctx ctx, uint32_t act, int nr, int inet)
{
	int ret;
	if (!inet)
		return seccomp_rule_add(ctx, act, nr, 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	for (unsigned long d = 0; d < AF_INET6; d++)
		if (d != AF_UNIX && d != AF_INET &&
		    (ret = seccomp_rule_add(ctx, act, nr, 1, SCMP_A0(SCMP_CMP_EQ, d))) < 0)
			return ret;
	return seccomp_rule_add(ctx, act, nr, 1, SCMP_A0(SCMP_CMP_GT, AF_INET6));
}

/* Ways one box could reach another running at the same moment through
 * what they share, the read-only tree: a lock on one of its files (flock,
 * fcntl record locks) or inotify events of its files being opened and
 * read. Abstract unix sockets and loopback are per slot (each launcher has
 * its own network namespace), System V IPC per box. A lock always succeeds
 * and locks nothing, as on a file system without locks, so programs that
 * lock their own files run on; a lock query finds no lock to report;
 * inotify is absent, as in a kernel built without it. */
static int box_sc_channels(scmp_filter_ctx ctx)
{
	static const int set_cmds[] = {F_SETLK, F_SETLKW, F_OFD_SETLK, F_OFD_SETLKW};
	static const int get_cmds[] = {F_GETLK, F_OFD_GETLK};
	int ret;
	if ((ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(flock), 0)) < 0)
		return ret;
	for (size_t i = 0; i < sizeof set_cmds / sizeof *set_cmds; i++)
		if ((ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0), SCMP_SYS(fcntl), 1,
					    SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)set_cmds[i]))) < 0)
			return ret;
	for (size_t i = 0; i < sizeof get_cmds / sizeof *get_cmds; i++)
		if ((ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOLCK), SCMP_SYS(fcntl), 1,
					    SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)get_cmds[i]))) < 0)
			return ret;
	static const char *const absent[] = {"inotify_init", "inotify_init1", "inotify_add_watch", "futex_waitv"};
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++) {
		int nr = seccomp_syscall_resolve_name(absent[i]);
		if (nr != __NR_SCMP_ERROR && (ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0)) < 0)
			return ret;
	}
	return 0;
}

static int box_sc_rules(scmp_filter_ctx ctx, uint32_t act, int inet)
{
	int ret;
	for (size_t i = 0; i < sizeof box_sc_refused / sizeof *box_sc_refused; i++) {
		int nr = seccomp_syscall_resolve_name(box_sc_refused[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp or arch */
		if ((ret = seccomp_rule_add(ctx, act, nr, 0)) < 0)
			return ret;
	}
	/* Only the query: personality flags can turn off ASLR or make data
	 * executable. */
	if ((ret = seccomp_rule_add(ctx, act, SCMP_SYS(personality), 1, SCMP_A0(SCMP_CMP_NE, 0xffffffffUL))) < 0)
		return ret;
	if ((ret = box_sc_sockets(ctx, act, SCMP_SYS(socket), inet)) < 0 ||
	    (ret = box_sc_sockets(ctx, act, SCMP_SYS(socketpair), inet)) < 0)
		return ret;
	for (size_t i = 0; i < sizeof box_sc_clone_new / sizeof *box_sc_clone_new; i++) {
		unsigned long f = box_sc_clone_new[i];
		if ((ret = seccomp_rule_add(ctx, act, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f))) < 0)
			return ret;
	}
	/* clone3 passes its flags in memory, out of the filter's sight. ENOSYS
	 * makes glibc fall back to clone, whose flags we can see. */
	if ((ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0)
		return ret;
	return box_sc_channels(ctx);
}

/* libseccomp checks the architecture, but on x86-64 an x32 call arrives
 * with the native arch and __X32_SYSCALL_BIT in its number, matching none of
 * the rules above. This prefix kills those before the compiled program. */
static const struct sock_filter box_sc_prefix[] = {
#if defined(__x86_64__)
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#else
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#endif
};

static int box_sc_build(uint32_t act, int inet, struct sock_fprog *out, char *err, size_t errlen)
{
	int ret, fd = -1;
	struct sock_filter *prog = NULL;
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(err, errlen, "seccomp_init failed");
		return -ENOMEM;
	}
	/* A binary tree instead of a chain of compares: every system call
	 * runs through the filter, and the kernel runs it through all of them
	 * once per box to build its cache. Best effort (libseccomp >= 2.5). */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	/* Non-native architectures (i386 via int 0x80) are killed outright. */
	if ((ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (ret = box_sc_rules(ctx, act, inet)) < 0) {
		snprintf(err, errlen, "building the seccomp filter: %s", strerror(-ret));
		goto fail;
	}
	/* libseccomp 2.5 can only export to a file descriptor. */
	fd = memfd_create("verdict-seccomp", MFD_CLOEXEC);
	if (fd < 0 || (ret = seccomp_export_bpf(ctx, fd)) < 0) {
		ret = fd < 0 ? -errno : ret;
		snprintf(err, errlen, "exporting the seccomp filter: %s", strerror(-ret));
		goto fail;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	size_t npre = sizeof box_sc_prefix / sizeof *box_sc_prefix;
	size_t n = (size_t)size / sizeof(struct sock_filter);
	prog = calloc(npre + n, sizeof *prog);
	if (size <= 0 || !prog || pread(fd, prog + npre, (size_t)size, 0) != size) {
		ret = -EIO;
		snprintf(err, errlen, "reading back the seccomp filter");
		goto fail;
	}
	memcpy(prog, box_sc_prefix, sizeof box_sc_prefix);
	out->filter = prog;
	out->len = (unsigned short)(npre + n);
	close(fd);
	seccomp_release(ctx);
	return 0;
fail:
	free(prog);
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return ret < 0 ? ret : -EINVAL;
}

int box_seccomp_global_init(char *err, size_t errlen)
{
	int ret;
	for (int inet = 0; inet < 2; inet++)
		for (int kill = 0; kill < 2; kill++)
			if ((ret = box_sc_build(kill ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_NOTIFY, inet,
						&box_sc.prog[inet][kill], err, errlen)) < 0) {
				box_seccomp_global_release();
				return ret;
			}
	struct seccomp_notif_sizes sizes;
	box_sc.notif_size = sizeof(struct seccomp_notif);
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) == 0 && sizes.seccomp_notif > box_sc.notif_size)
		box_sc.notif_size = sizes.seccomp_notif;
	return 0;
}

void box_seccomp_global_release(void)
{
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++)
			free(box_sc.prog[i][k].filter);
	memset(&box_sc, 0, sizeof box_sc);
}

int box_seccomp_load(int inet, int *listener)
{
	inet = !!inet;
	*listener = -1;
	long fd =
		syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &box_sc.prog[inet][0]);
	if (fd >= 0) {
		*listener = (int)fd;
		return 0;
	}
	/* No notifications here (old kernel, or an outer filter owns the
	 * listener): the killing variant. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &box_sc.prog[inet][1]) < 0)
		return -errno;
	return 0;
}

int box_seccomp_notified(int listener, void *buf, size_t size, int *nr, int *arch)
{
	/* The kernel wants a zeroed buffer of its own size, which may be
	 * larger than the one in our headers. */
	if (size < box_sc.notif_size)
		return -ENOBUFS;
	memset(buf, 0, box_sc.notif_size);
	struct seccomp_notif *n = buf;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, n) < 0)
		return -errno;
	*nr = n->data.nr;
	*arch = (int)n->data.arch;
	return 0;
}

void box_seccomp_name(int arch, int nr, char *name, size_t len)
{
	char *s = seccomp_syscall_resolve_num_arch((uint32_t)arch, nr);
	if (s)
		snprintf(name, len, "%s", s);
	else
		snprintf(name, len, "system call %d", nr);
	free(s);
}
