// The pids limit makes fork fail; the run then ends by time.
// expect: status=TLE|RTE
// opts: --time 1 --wall 3 --procs 32
#include <unistd.h>
int main(void)
{
	for (;;)
		fork();
}
