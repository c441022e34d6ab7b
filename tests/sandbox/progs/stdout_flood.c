// Output the CLI discards is still counted, and the run is killed at the cap.
// expect: status=OLE stdout_bytes>=1048576
// opts: --output 1 --time 5
#include <string.h>
#include <unistd.h>
int main(void)
{
	char buf[65536];
	memset(buf, 'x', sizeof buf);
	for (;;)
		if (write(1, buf, sizeof buf) < 0)
			return 1;
}
