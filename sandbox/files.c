/* Files on the host side of a slot: written for a box, read back from it,
 * bounded. */
#include <dirent.h>
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

json_object *jget(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

void hex_sha256(const unsigned char *h, char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Removes a tree of plain files and directories the judge itself wrote
 * (save_artifacts copies regular files and directories only). */
void remove_tree(const char *dir)
{
	char path[1400];
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (e->d_type == DT_DIR)
				remove_tree(path);
			else
				unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Copies the regular files and directories under the directory sfd into
 * dest, never following a link the box may have planted. At most `budget`
 * entries, 8 levels deep. 0 or -1. */
static int copy_tree(int sfd, const char *dest, int depth, int *budget)
{
	DIR *d = fdopendir(sfd);
	if (!d) {
		close(sfd);
		return -1;
	}
	struct dirent *e;
	int bad = 0;
	while (!bad && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (--*budget < 0) {
			bad = 1;
			break;
		}
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		struct stat st;
		if (fd < 0 || fstat(fd, &st)) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		char path[1400];
		snprintf(path, sizeof path, "%s/%s", dest, e->d_name);
		if (S_ISDIR(st.st_mode)) {
			/* A class in a package: bin/Main.class. */
			if (depth >= 8 || mkdir(path, 0755))
				bad = 1;
			else
				bad = copy_tree(fd, path, depth + 1, budget) != 0;
			continue; /* copy_tree closed fd */
		}
		if (!S_ISREG(st.st_mode) || st.st_size > (256 << 20)) {
			close(fd);
			continue;
		}
		int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (st.st_mode & 0111) ? 0755 : 0644);
		char buf[65536];
		ssize_t r;
		while (out >= 0 && (r = read(fd, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)r) != r)
				bad = 1;
		if (out < 0)
			bad = 1;
		else
			close(out);
		close(fd);
	}
	closedir(d);
	return bad ? -1 : 0;
}

/* Copies what the compiler left in the box's work directory (files and
 * directories, no links) into a fresh cache directory, then renames it into
 * place. 0 or -1. */
int save_artifacts(struct slot *s, const char *dest)
{
	char tmp[1024];
	snprintf(tmp, sizeof tmp, "%s.tmp%d", dest, getpid());
	if (util_mkdirs(tmp))
		return -1;
	int dfd = open(box_workdir(s->box), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int budget = 10000;
	int bad = dfd < 0 || copy_tree(dfd, tmp, 0, &budget);
	if (bad || rename(tmp, dest)) {
		/* A racing judge may have put the same artifacts there first. */
		remove_tree(tmp);
		return access(dest, F_OK) ? -1 : 0;
	}
	return 0;
}
