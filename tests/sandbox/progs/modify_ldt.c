// expect: status=SV message~modify_ldt
// A local descriptor table is old kernel attack surface no program needs.
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	char buf[16];
	return (int)syscall(SYS_modify_ldt, 0, buf, sizeof buf);
}
