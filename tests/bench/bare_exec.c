/* The baseline of the box benchmark: fork + execve + wait4 of a program N
 * times, no sandbox; prints the median and p99 wall time in microseconds.
 * Usage: bare_exec N PROGRAM [ARGS...] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int n = atoi(argv[1]);
	long *us = calloc((size_t)n, sizeof *us);
	int devnull = open("/dev/null", O_RDWR);
	for (int i = 0; i < n; i++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		int st;
		struct rusage ru;
		wait4(pid, &st, 0, &ru);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[i] = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	}
	qsort(us, (size_t)n, sizeof *us, cmp);
	printf("{\"runs\":%d,\"wall_us_median\":%ld,\"wall_us_p99\":%ld}\n", n, us[n / 2], us[(n * 99) / 100]);
	return 0;
}
