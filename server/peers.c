/* Connections per client address: one address may hold at most
 * max_connections_per_ip at once (HTTP and WebSocket alike), so that one
 * client cannot take the connection table lws sized at start. Generous by
 * default: a site behind one NAT address has a socket and a few HTTP
 * connections per contestant. Service thread only. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "proxy.h"
#include "server.h"

#define PEER_BUCKETS 4096

struct peer {
	char ip[64];
	long conns;
	int warned; /* the refusal was logged: once per time at the limit */
	struct peer *next;
};

static struct peer *buckets[PEER_BUCKETS];
atomic_long metric_conns_refused;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % PEER_BUCKETS;
}

/* A new connection: 0 to take it, -1 to refuse it. */
int peers_accept(struct lws *wsi)
{
	char ip[64] = "";
	lws_get_peer_simple(wsi, ip, sizeof ip);
	if (!ip[0] || cfg.max_conns_per_ip <= 0 || proxy_trusted(ip))
		return 0; /* not an IP connection (a unix socket), no limit, or
			   * a trusted proxy (which carries many clients) */
	unsigned h = hash(ip);
	struct peer *p = buckets[h];
	while (p && strcmp(p->ip, ip))
		p = p->next;
	if (p && p->conns >= cfg.max_conns_per_ip) {
		atomic_fetch_add(&metric_conns_refused, 1);
		if (!p->warned)
			log_warn("an address reached its connection limit; refusing more", "ip", ip, NULL);
		p->warned = 1;
		return -1;
	}
	if (!p) {
		p = calloc(1, sizeof *p);
		if (!p)
			return -1;
		snprintf(p->ip, sizeof p->ip, "%s", ip);
		p->next = buckets[h];
		buckets[h] = p;
	}
	p->conns++;
	lws_set_opaque_user_data(wsi, p); /* lives as long as the connection */
	return 0;
}

/* A connection is gone (whatever it was). */
void peers_release(struct lws *wsi)
{
	struct peer *p = lws_get_opaque_user_data(wsi);
	if (!p)
		return;
	lws_set_opaque_user_data(wsi, NULL);
	if (--p->conns > 0) {
		if (p->conns < cfg.max_conns_per_ip)
			p->warned = 0;
		return;
	}
	struct peer **pp = &buckets[hash(p->ip)];
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	free(p);
}

/* Who is at the other end: the connection's peer, or behind a trusted
 * proxy the client its header names (proxy.c). */
void peers_client_ip(struct lws *wsi, char *ip, size_t len)
{
	char peer[64] = "";
	lws_get_peer_simple(wsi, peer, sizeof peer);
	if (!proxy_count() || !proxy_trusted(peer)) {
		proxy_client(peer, NULL, ip, len);
		return;
	}
	enum lws_token_indexes tok = cfg.proxy_header_real_ip ? WSI_TOKEN_HTTP_X_REAL_IP : WSI_TOKEN_X_FORWARDED_FOR;
	char hdr[1024];
	int n = lws_hdr_total_length(wsi, tok);
	/* A header too long to keep: its rightmost hops are the ones that
	 * count, and lws gives it only whole, so the proxy stands for it. */
	if (n <= 0 || n >= (int)sizeof hdr || lws_hdr_copy(wsi, hdr, sizeof hdr, tok) < 0) {
		proxy_client(peer, NULL, ip, len);
		return;
	}
	proxy_client(peer, hdr, ip, len);
}
