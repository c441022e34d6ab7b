// inet_sockets widens AF_UNIX to AF_INET and AF_INET6, nothing more.
// expect: status=SV message~socket
// opts: --inet-sockets
#include <linux/netlink.h>
#include <sys/socket.h>
int main(void)
{
	return socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) < 0;
}
