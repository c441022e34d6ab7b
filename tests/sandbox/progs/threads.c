// 8 spinning threads: CPU time of all threads counts, so the limit is hit
// well before the wall clock's.
// expect: status=TLE cpu_ms>=1000 wall_ms<4000
// opts: --time 1 --wall 10 --procs 16
// build: -pthread
#include <pthread.h>
static void *spin(void *arg)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return arg;
}
int main(void)
{
	pthread_t t;
	for (int i = 0; i < 7; i++)
		pthread_create(&t, NULL, spin, NULL);
	spin(NULL);
}
