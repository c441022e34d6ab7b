// AF_UNIX sockets are allowed, and are only the box's own: its slot's empty
// network namespace hides the host's abstract names.
// expect: status=OK
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
int main(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	/* systemd's and X's abstract sockets would be here on the host */
	strcpy(a.sun_path + 1, "/org/freedesktop/systemd1/notify");
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
		puts("reached an abstract socket outside the box");
		return 2;
	}
	return 0;
}
