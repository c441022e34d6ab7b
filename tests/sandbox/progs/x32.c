// An x32 system call number (getpid | __X32_SYSCALL_BIT) on x86-64: the
// filter's own prefix kills it, libseccomp's rules would not see it.
// expect: status=SV
#include <unistd.h>
#include <sys/syscall.h>
int main(void)
{
	return (int)syscall(0x40000000 | SYS_getpid) > 0 ? 0 : 1;
}
