/* The client's address behind a reverse proxy. A connection from an
 * address in trusted_proxies (addresses or CIDR ranges, IPv4 or IPv6) is a
 * proxy's: the client is the rightmost address of its header
 * (X-Forwarded-For: client, proxy1, proxy2) that is not itself a trusted
 * proxy, as nginx's real_ip_recursive reads it. Everything left of that
 * came from the client and proves nothing. A connection from any other
 * address is its own client, whatever it sends. Pure functions: the lws
 * side is in peers.c. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

#define PROXY_MAX 32

struct range {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;
};

static struct range ranges[PROXY_MAX];
static int nranges;

/* An address in text, as 16 bytes (IPv4 as ::ffff:a.b.c.d). 0, or -1 when
 * it is no address. */
static int addr_parse(const char *s, size_t n, unsigned char out[16], int *family)
{
	char buf[64];
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	char *p = buf;
	/* [v6] as some proxies write it; a v6 with a port is not taken */
	if (*p == '[' && p[n - 1] == ']') {
		p[n - 1] = 0;
		p++;
	}
	unsigned char v4[4];
	if (inet_pton(AF_INET, p, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, p, out) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		*family = memcmp(out, mapped, 12) ? AF_INET6 : AF_INET;
		return 0;
	}
	return -1;
}

static int in_range(const struct range *r, const unsigned char a[16], int family)
{
	if (r->family != family)
		return 0;
	int bits = r->family == AF_INET ? r->bits + 96 : r->bits;
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(r->addr, a, (size_t)whole))
		return 0;
	if (!rest)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (r->addr[whole] & mask) == (a[whole] & mask);
}

int proxy_configure(const char *list, char *err, size_t errlen)
{
	nranges = 0;
	for (const char *p = list ? list : ""; *p;) {
		p += strspn(p, " ,");
		size_t n = strcspn(p, " ,");
		if (!n)
			break;
		if (nranges == PROXY_MAX) {
			snprintf(err, errlen, "trusted_proxies: at most %d entries", PROXY_MAX);
			return -1;
		}
		struct range *r = &ranges[nranges];
		const char *slash = memchr(p, '/', n);
		size_t an = slash ? (size_t)(slash - p) : n;
		if (addr_parse(p, an, r->addr, &r->family)) {
			snprintf(err, errlen, "trusted_proxies: %.*s is not an address or a range",
				 (int)(n < 64 ? n : 64), p);
			return -1;
		}
		int max = r->family == AF_INET ? 32 : 128;
		r->bits = max;
		if (slash) {
			char *end;
			long b = strtol(slash + 1, &end, 10);
			if (end != p + n || slash + 1 == end || b < 0 || b > max) {
				snprintf(err, errlen, "trusted_proxies: %.*s has a bad prefix length",
					 (int)(n < 64 ? n : 64), p);
				return -1;
			}
			r->bits = (int)b;
		}
		nranges++;
		p += n;
	}
	return 0;
}

int proxy_count(void)
{
	return nranges;
}

static int trusted_addr(const unsigned char a[16], int family)
{
	for (int i = 0; i < nranges; i++)
		if (in_range(&ranges[i], a, family))
			return 1;
	return 0;
}

int proxy_trusted(const char *ip)
{
	unsigned char a[16];
	int family;
	return ip && !addr_parse(ip, strlen(ip), a, &family) && trusted_addr(a, family);
}

/* An address as the server writes it: IPv4 dotted, IPv6 compressed. */
static void addr_format(const unsigned char a[16], int family, char *out, size_t outlen)
{
	char buf[INET6_ADDRSTRLEN];
	if (!inet_ntop(family, family == AF_INET ? a + 12 : a, buf, sizeof buf))
		buf[0] = 0;
	snprintf(out, outlen, "%s", buf);
}

void proxy_client(const char *peer, const char *header, char *out, size_t outlen)
{
	unsigned char a[16];
	int family;
	if (addr_parse(peer, strlen(peer), a, &family)) {
		snprintf(out, outlen, "%s", peer); /* not an IP connection */
		return;
	}
	addr_format(a, family, out, outlen);
	if (!header || !trusted_addr(a, family))
		return;
	/* From the right: each hop that is a trusted proxy passes us on to
	 * the one before it; the first that is not is the client. A hop that
	 * is no address ends the walk at the last trusted one. */
	size_t end = strlen(header);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && header[start - 1] != ',')
			start--;
		size_t s = start, e = end;
		while (s < e && (header[s] == ' ' || header[s] == '\t'))
			s++;
		while (e > s && (header[e - 1] == ' ' || header[e - 1] == '\t'))
			e--;
		if (addr_parse(header + s, e - s, a, &family))
			return;
		addr_format(a, family, out, outlen);
		if (!trusted_addr(a, family))
			return;
		end = start ? start - 1 : 0;
	}
}
