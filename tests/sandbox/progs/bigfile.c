// expect: status=OLE signal=25
// opts: --output 4
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	char buf[65536];
	memset(buf, 'x', sizeof buf);
	int fd = open("/box/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 2;
	for (int i = 0; i < 1600; i++)
		if (write(fd, buf, sizeof buf) < 0)
			return 1;
	return 0;
}
