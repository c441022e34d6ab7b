// With inet_sockets (the JVM's profile), AF_INET and AF_INET6 sockets can be
// made, but reach nothing: the box's network namespace has no interface up.
// expect: status=OK
// opts: --inet-sockets
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
int main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (s < 0 || s6 < 0) {
		puts("no socket");
		return 1;
	}
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
	inet_pton(AF_INET, "8.8.8.8", &a.sin_addr);
	if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
		puts("reached the network");
		return 2;
	}
	int u = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(u, (struct sockaddr *)&a, sizeof a) == 0) {
		puts("reached localhost");
		return 3;
	}
	return 0;
}
