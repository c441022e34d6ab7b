// expect: status=SV message~io_uring
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
	char params[120] = {0};
	return (int)syscall(425 /* io_uring_setup */, 8, params);
}
