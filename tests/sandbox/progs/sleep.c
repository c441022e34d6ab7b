// Uses no CPU at all: only the wall clock can stop it.
// expect: status=TLE wall_ms>=1500 cpu_ms<500 message~wall
// opts: --time 1 --wall 1.5
#include <unistd.h>
int main(void)
{
	for (;;)
		pause();
}
