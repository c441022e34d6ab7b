// expect: status=OK|RTE
// opts: --files 64
#include <fcntl.h>
int main(void)
{
	int n = 0;
	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	return n > 70;
}
