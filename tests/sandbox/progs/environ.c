// Nothing of the caller's environment may reach the box: not in our own
// environment, not in /proc/1 (the box's init, a fork of the judge).
// expect: status=OK
// env: VERDICT_SECRET=hunter2
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
extern char **environ;
static int leaks(const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
	return strstr(buf, "hunter2") || strstr(buf, "VERDICT_SECRET");
}
int main(void)
{
	const char *allowed[] = {"PATH=", "HOME=", "TMPDIR=", "LANG=", NULL};
	int bad = 0;
	for (char **e = environ; *e; e++) {
		int ok = 0;
		for (const char **a = allowed; *a; a++)
			ok |= !strncmp(*e, *a, strlen(*a));
		if (!ok) {
			printf("unexpected %s\n", *e);
			bad = 1;
		}
	}
	const char *files[] = {"/proc/1/environ", "/proc/1/cmdline", "/proc/self/environ", "/proc/2/environ"};
	for (unsigned i = 0; i < sizeof files / sizeof *files; i++)
		if (leaks(files[i])) {
			printf("secret in %s\n", files[i]);
			bad = 1;
		}
	return bad;
}
