// Everything but /box and /tmp is read-only.
// expect: status=OK
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void)
{
	const char *files[] = {
		"/usr/x", "/etc/x", "/x", "/bin/x", "/lib/x", "/dev/x", "/proc/x", "/etc/alternatives/x", "/usr/lib/x"};
	int bad = 0;
	for (unsigned i = 0; i < sizeof files / sizeof *files; i++)
		if (open(files[i], O_WRONLY | O_CREAT, 0644) >= 0 || mkdir(files[i], 0755) == 0) {
			printf("could write %s\n", files[i]);
			bad = 1;
		}
	if (open("/box/ok", O_WRONLY | O_CREAT, 0644) < 0 || open("/tmp/ok", O_WRONLY | O_CREAT, 0644) < 0) {
		puts("cannot write /box or /tmp");
		bad = 1;
	}
	return bad;
}
