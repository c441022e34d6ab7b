/* The server put together: its one lws protocol (HTTP and the socket on
 * the same connection table) and every feature's registration. The top of
 * the server's layers: it names the transport (http.c, ws.c, events.c,
 * db.c, peers.c) and the features (api_*.c, feed.c); they never name it,
 * and the transport names no feature. main.c and the fuzz targets start
 * here. Service thread. */
#include "contest.h"
#include "server.h"
#include "events.h"
#include "ws.h"

/* Every API file's routes, in the order dispatch tries them. */
void server_routes_register(void)
{
	api_runs_register();
	api_auth_register();
	api_misc_register();
	api_problems_register();
	api_submissions_register();
	api_admin_register();
	api_contests_register();
	clics_register();
	clarifications_register();
	api_verification_register();
	feed_register();
}

static int server_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		db_drain_completions();
		events_drain();
		return 0;
	case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
		return peers_accept(wsi); /* -1: lws closes it at once */
	case LWS_CALLBACK_WSI_DESTROY:
		peers_release(wsi);
		return http_callback(wsi, reason, user, in, len);
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_RECEIVE_PONG:
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
	case LWS_CALLBACK_CLOSED:
	case LWS_CALLBACK_TIMER: /* only sockets set timers */
		return ws_callback(wsi, reason, user, in, len);
	default:
		return http_callback(wsi, reason, user, in, len);
	}
}

/* One protocol serves HTTP and the socket, so a client that names no
 * subprotocol still lands here, on protocols[0]. */
const struct lws_protocols server_protocols[] = {
	{"verdict.v1", server_callback, sizeof(struct pss), 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};
