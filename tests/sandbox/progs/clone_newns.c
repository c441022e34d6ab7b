// clone with a namespace flag is refused; clone3 answers ENOSYS so that
// libc falls back to clone, whose flags the filter can see.
// expect: status=SV message~clone
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	char args[88] = {0};
	if (syscall(435 /* clone3 */, args, sizeof args) != -1 || errno != ENOSYS) {
		puts("clone3 did not answer ENOSYS");
		return 3;
	}
	return (int)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
}
