/* Unit tests of the client address behind trusted proxies (server/proxy.c). */
#include <string.h>

#include "check_harness.h"
#include "proxy.h"

static const char *client(const char *peer, const char *hdr)
{
	static char out[64];
	proxy_client(peer, hdr, out, sizeof out);
	return out;
}

int main(void)
{
	char err[256];
	/* Nobody trusted: the peer, whatever it says. */
	CHECK(proxy_configure(NULL, err, sizeof err) == 0);
	CHECK(!strcmp(client("127.0.0.1", "203.0.113.7"), "127.0.0.1"));
	CHECK(!strcmp(client("::ffff:10.1.2.3", NULL), "10.1.2.3")); /* mapped IPv4 read as IPv4 */

	CHECK(proxy_configure("127.0.0.2, 10.0.0.0/8,::1", err, sizeof err) == 0);
	CHECK(proxy_count() == 3);
	CHECK(proxy_trusted("10.200.3.4") && proxy_trusted("::ffff:10.0.0.1") && proxy_trusted("::1"));
	CHECK(!proxy_trusted("11.0.0.1") && !proxy_trusted("127.0.0.1") && !proxy_trusted("::2"));
	/* An untrusted peer's header is ignored. */
	CHECK(!strcmp(client("127.0.0.1", "203.0.113.7"), "127.0.0.1"));
	/* A trusted one names the client. */
	CHECK(!strcmp(client("127.0.0.2", "203.0.113.7"), "203.0.113.7"));
	CHECK(!strcmp(client("127.0.0.2", NULL), "127.0.0.2"));
	CHECK(!strcmp(client("127.0.0.2", ""), "127.0.0.2"));
	/* The rightmost hop that is not a trusted proxy: what the client put
	 * on the left is not believed. */
	CHECK(!strcmp(client("127.0.0.2", "1.1.1.1, 203.0.113.7, 10.0.0.5"), "203.0.113.7"));
	CHECK(!strcmp(client("127.0.0.2", "1.1.1.1,203.0.113.7 ,\t10.0.0.5 "), "203.0.113.7"));
	/* All trusted: the leftmost. */
	CHECK(!strcmp(client("127.0.0.2", "10.0.0.9, 10.0.0.5"), "10.0.0.9"));
	/* Garbage stops the walk at the last trusted hop. */
	CHECK(!strcmp(client("127.0.0.2", "203.0.113.7, evil"), "127.0.0.2"));
	CHECK(!strcmp(client("127.0.0.2", "203.0.113.7, unknown, 10.0.0.5"), "10.0.0.5"));
	CHECK(!strcmp(client("127.0.0.2", "203.0.113.7:5555"), "127.0.0.2"));
	/* IPv6, bracketed or not, written the server's way. */
	CHECK(!strcmp(client("::1", "[2001:db8:0:0::1]"), "2001:db8::1"));
	CHECK(!strcmp(client("::1", "2001:DB8::2"), "2001:db8::2"));
	/* Not an IP peer (a unix socket): as it is. */
	CHECK(!strcmp(client("", "203.0.113.7"), ""));

	/* Bad lists are refused, naming the entry. */
	CHECK(proxy_configure("10.0.0.0/33", err, sizeof err) == -1 && strstr(err, "10.0.0.0/33"));
	CHECK(proxy_configure("10.0.0.0/", err, sizeof err) == -1);
	CHECK(proxy_configure("localhost", err, sizeof err) == -1 && strstr(err, "localhost"));
	CHECK(proxy_configure("::/129", err, sizeof err) == -1);
	CHECK(proxy_configure("::/0", err, sizeof err) == 0 && proxy_trusted("2001:db8::1") &&
	      !proxy_trusted("1.2.3.4"));
	CHECK(proxy_configure("0.0.0.0/0", err, sizeof err) == 0 && proxy_trusted("1.2.3.4"));
	CHECK(proxy_configure("192.168.1.0/23", err, sizeof err) == 0 && proxy_trusted("192.168.0.77") &&
	      !proxy_trusted("192.168.2.1"));
	return check_summary();
}
