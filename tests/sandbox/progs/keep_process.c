// A kept box (--keep): what a run leaves running is killed before the box
// serves the next run, which finds itself alone with the box's init. A
// POSIX message queue cannot be made, so none is left either.
// opts: --repeat 3 --keep
// expect: OK=3 reused=2
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();
	while (d && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid > 1 && pid != self)
			return 3; /* a process of an earlier run */
	}
	if (!d)
		return 4;
	if (mq_open("/left", O_CREAT | O_RDWR, 0600, NULL) != (mqd_t)-1)
		return 5;
	if (fork() == 0) {
		setsid();
		for (;;)
			pause();
	}
	return 0;
}
