/* verdict-box: reading back and cleaning a box's files from the host,
 * never following links. */
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
