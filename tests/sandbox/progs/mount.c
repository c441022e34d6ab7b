// expect: status=SV message~mount
#include <sys/mount.h>
int main(void)
{
	return mount("none", "/tmp", "tmpfs", 0, NULL);
}
