// expect: status=OK exit_code=0
// opts: --files 64
// Opens files until it cannot: with --files 64 (three already open) it gets
// at most 61 more. Exits 0 only when the limit held, 1 when it got more: an
// RTE here means the open-files limit does not hold.
#include <fcntl.h>
int main(void)
{
	int n = 0;
	while (n < 1000 && open("/dev/null", O_RDONLY) >= 0)
		n++;
	return n > 61;
}
