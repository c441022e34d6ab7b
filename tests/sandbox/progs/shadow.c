// The host's /etc is not there: no passwd, no shadow.
// expect: status=OK
#include <fcntl.h>
#include <stdio.h>
int main(void)
{
	const char *files[] = {"/etc/shadow", "/etc/passwd", "/etc/hostname", "/root", "/home", "/var/log", "/run"};
	int bad = 0;
	for (unsigned i = 0; i < sizeof files / sizeof *files; i++)
		if (open(files[i], O_RDONLY) >= 0) {
			printf("could open %s\n", files[i]);
			bad = 1;
		}
	return bad;
}
