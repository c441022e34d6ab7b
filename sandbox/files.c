/* Files on the host side of a slot: written for a box, read back from it,
 * bounded. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "judge.h"
#include "kv.h"
#include "lang.h"
#include "log.h"
#include "util.h"

/*** Files on the host side ***/

int write_file_at(const char *dir, const char *name, const char *data, size_t len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

int open_out(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* Reads back at most max bytes of a host-side output file. */
char *read_back(int fd, size_t max, size_t *len, int *trunc)
{
	struct stat st;
	*len = 0;
	*trunc = 0;
	if (fd < 0 || fstat(fd, &st))
		return strdup("");
	size_t n = (size_t)st.st_size > max ? max : (size_t)st.st_size;
	*trunc = (size_t)st.st_size > max;
	char *buf = malloc(n + 1);
	ssize_t r = pread(fd, buf, n, 0);
	*len = r > 0 ? (size_t)r : 0;
	buf[*len] = 0;
	return buf;
}
