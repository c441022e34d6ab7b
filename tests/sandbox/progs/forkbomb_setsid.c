// Children leave the session and spin; the parent exits at once. The run
// ends with the parent, and nothing may be left on the host (checked by the
// runner after every case).
// expect: status=OK
// opts: --time 2 --wall 5 --procs 32
#include <unistd.h>
int main(void)
{
	for (int i = 0; i < 20; i++) {
		if (fork() == 0) {
			setsid();
			if (fork() == 0)
				for (;;)
					fork();
			for (;;)
				;
		}
	}
	return 0;
}
