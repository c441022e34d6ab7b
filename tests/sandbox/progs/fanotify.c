// expect: status=SV message~fanotify_init
// Watching file access across the shared read-only tree would let one box
// see what another opens.
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	return (int)syscall(SYS_fanotify_init, 0, 0);
}
