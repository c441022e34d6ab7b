/* A hostile pair for the box: "channel send SECRET" holds a secret and
 * offers it on every way one box might reach another at the same moment;
 * "channel recv" listens on each and prints, per way, "open" (it learned
 * something) or "closed". Run in two slots at once by box_test.c.
 *
 * The ways: a flock or an fcntl lock on a file both boxes see (their shared
 * read-only tree), inotify events on such a file, an abstract unix socket,
 * a loopback TCP port, a System V shared memory segment. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SHARED   "/progs/channel" /* this program: the same inode in both boxes */
#define ABSTRACT "verdict-box-channel"
#define SHM_KEY  0x7e5d1c7
#define PORT     47123

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void send_all(const char *secret, double secs)
{
	int fd = open(SHARED, O_RDONLY);
	flock(fd, LOCK_EX);
	int fd2 = open(SHARED, O_RDONLY);
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
	fcntl(fd2, F_SETLK, &fl);
	int u = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	memcpy(a.sun_path + 1, ABSTRACT, strlen(ABSTRACT));
	bind(u, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABSTRACT)));
	listen(u, 4);
	int t = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr.s_addr = htonl(0x7f000001)};
	if (t >= 0) {
		bind(t, (struct sockaddr *)&in, sizeof in);
		listen(t, 4);
	}
	int shm = shmget(SHM_KEY, 4096, IPC_CREAT | 0666);
	if (shm >= 0) {
		char *p = shmat(shm, NULL, 0);
		if (p != (void *)-1)
			snprintf(p, 4096, "%s", secret);
	}
	double end = now() + secs;
	char buf[64];
	while (now() < end) {
		int c = accept(u, NULL, NULL);
		if (c >= 0)
			write(c, secret, strlen(secret)), close(c);
		if (t >= 0 && (c = accept(t, NULL, NULL)) >= 0)
			write(c, secret, strlen(secret)), close(c);
		/* Opens and reads the shared file: inotify's IN_OPEN and IN_ACCESS. */
		int r = open(SHARED, O_RDONLY);
		if (r >= 0)
			read(r, buf, sizeof buf), close(r);
		usleep(2000);
	}
	if (shm >= 0)
		shmctl(shm, IPC_RMID, NULL);
}

static void recv_all(double secs)
{
	int flock_open = 0, fcntl_open = 0, unix_open = 0, inet_open = 0, shm_open_ = 0, inotify_open = 0;
	int in = inotify_init1(IN_NONBLOCK);
	if (in >= 0)
		inotify_add_watch(in, SHARED, IN_OPEN | IN_ACCESS);
	double end = now() + secs;
	char buf[4096];
	while (now() < end) {
		int fd = open(SHARED, O_RDONLY);
		if (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK)
			flock_open = 1;
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
		if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			fcntl_open = 1;
		close(fd);
		int u = socket(AF_UNIX, SOCK_STREAM, 0);
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		memcpy(a.sun_path + 1, ABSTRACT, strlen(ABSTRACT));
		if (!connect(u, (struct sockaddr *)&a,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ABSTRACT))) &&
		    read(u, buf, sizeof buf) > 0)
			unix_open = 1;
		close(u);
		int t = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sin = {
			.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr.s_addr = htonl(0x7f000001)};
		if (t >= 0 && !connect(t, (struct sockaddr *)&sin, sizeof sin) && read(t, buf, sizeof buf) > 0)
			inet_open = 1;
		if (t >= 0)
			close(t);
		if (shmget(SHM_KEY, 0, 0) >= 0)
			shm_open_ = 1;
		/* Events of opens and reads of ours are ours: counted only when
		 * more come than we made. */
		if (in >= 0) {
			ssize_t n = read(in, buf, sizeof buf);
			if (n > (ssize_t)(4 * sizeof(struct inotify_event)))
				inotify_open = 1;
		}
		usleep(20000);
	}
	printf("flock:%s fcntl:%s inotify:%s unix:%s inet:%s shm:%s\n", flock_open ? "open" : "closed",
	       fcntl_open ? "open" : "closed", inotify_open ? "open" : "closed", unix_open ? "open" : "closed",
	       inet_open ? "open" : "closed", shm_open_ ? "open" : "closed");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "send"))
		send_all(argv[2], 3.0);
	else if (argc == 2 && !strcmp(argv[1], "recv"))
		recv_all(2.0);
	else
		return 2;
	return 0;
}
