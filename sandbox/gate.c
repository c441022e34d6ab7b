#include "gate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int lock_file(const char *dir, const char *name, int op)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (flock(fd, op) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

int gate_enter(const char *dir, enum gate_kind k)
{
	static const char *const names[] = {"kind-secret.lock", "kind-open.lock"};
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	/* One starter at a time: while it waits for the other kind to drain,
	 * no new job of that kind starts. */
	int gate = lock_file(dir, "gate.lock", LOCK_EX);
	if (gate < 0)
		return -1;
	/* Ours, shared with our kind, held until gate_leave... */
	int mine = lock_file(dir, names[k], LOCK_SH);
	/* ...and the other kind's, taken exclusively only to know that none
	 * of it runs any more. */
	int other = mine < 0 ? -1 : lock_file(dir, names[!k], LOCK_EX);
	int e = errno;
	if (other >= 0)
		close(other);
	close(gate);
	if (mine >= 0 && other < 0) {
		close(mine);
		mine = -1;
	}
	errno = e;
	return mine;
}

void gate_leave(int handle)
{
	if (handle >= 0)
		close(handle);
}
