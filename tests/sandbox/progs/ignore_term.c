// Ignoring SIGTERM and friends changes nothing: the box kills with SIGKILL.
// expect: status=TLE
// opts: --time 1
#include <signal.h>
int main(void)
{
	for (int s = 1; s < 32; s++)
		signal(s, SIG_IGN);
	for (volatile unsigned long i = 0;; i++)
		;
}
