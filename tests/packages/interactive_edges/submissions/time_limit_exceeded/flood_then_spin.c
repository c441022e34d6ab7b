/* Floods the validator with guesses it never reads the answers to, then
 * spins: the validator blocks writing, and dies of SIGPIPE when this is
 * killed for its time. The verdict is this program's TLE. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
	for (int i = 0, fails = 0; i < 30000 && fails < 100000; i++)
		if (write(1, "500\n", 4) != 4)
			fails++, i--;
	for (volatile unsigned long x = 0;; x++)
		;
}
