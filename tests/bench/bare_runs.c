/* The baseline of the judging benchmark: runs a program on each test bare
 * (fork, execve, wait4, no box) and compares its output with the answer
 * byte for byte. Usage: bare_runs PROGRAM TESTDIR N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	int n = atoi(argv[3]), ok = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 1; i <= n; i++) {
		char in[512], ans[512];
		snprintf(in, sizeof in, "%s/%03d.in", argv[2], i);
		snprintf(ans, sizeof ans, "%s/%03d.ans", argv[2], i);
		int p[2];
		if (pipe(p))
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open(in, O_RDONLY);
			dup2(fd, 0);
			dup2(p[1], 1);
			execl(argv[1], argv[1], (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		char out[4096], want[4096];
		ssize_t k = read(p[0], out, sizeof out);
		close(p[0]);
		waitpid(pid, NULL, 0);
		FILE *f = fopen(ans, "r");
		size_t w = f ? fread(want, 1, sizeof want, f) : 0;
		if (f)
			fclose(f);
		ok += k >= 0 && (size_t)k == w && !memcmp(out, want, w);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%d %d %.6f\n", n, ok, s);
	return ok == n ? 0 : 1;
}
