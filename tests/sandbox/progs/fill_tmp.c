// /tmp is a small private tmpfs: writing stops with ENOSPC (or the file size
// limit), the run ends, the host is unharmed.
// expect: status=RTE|OLE
// opts: --tmpfs 8 --output 64 --memory 128
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	char buf[65536], name[64];
	memset(buf, 'x', sizeof buf);
	for (int f = 0;; f++) {
		snprintf(name, sizeof name, "/tmp/fill%d", f);
		int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return 1;
		for (int i = 0; i < 64; i++)
			if (write(fd, buf, sizeof buf) < 0)
				return 1;
		close(fd);
	}
}
