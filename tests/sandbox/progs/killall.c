// kill(-1) reaches the box's own processes and nothing outside: the child
// dies, the caller (spared by kill(-1)) sees it and kills itself the same
// way; the CLI, outside, still reports.
// expect: status=RTE signal=9
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
	pid_t child = fork();
	if (child == 0)
		for (;;)
			pause();
	kill(-1, SIGKILL);
	int st;
	if (waitpid(child, &st, 0) != child || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return 1;
	kill(-1, SIGKILL);
	kill(getpid(), SIGKILL);
	return 2;
}
