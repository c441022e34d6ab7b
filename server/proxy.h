/* The client's address behind trusted reverse proxies (proxy.c). Pure: no
 * lws, no I/O. proxy_configure runs once at start, before any thread; the
 * others only read. */
#ifndef VERDICT_PROXY_H
#define VERDICT_PROXY_H

#include <stddef.h>

/* trusted_proxies: addresses or CIDR ranges, separated by commas or
 * spaces ("127.0.0.1, 10.0.0.0/8, ::1"). 0, or -1 with why in err. */
int proxy_configure(const char *list, char *err, size_t errlen);
int proxy_count(void); /* how many entries are trusted */
int proxy_trusted(const char *ip);

/* The client of a connection from peer that sent header (the configured
 * proxy header's value, or NULL when absent), normalized (IPv4-mapped IPv6
 * as plain IPv4). */
void proxy_client(const char *peer, const char *header, char *out, size_t outlen);

#endif
