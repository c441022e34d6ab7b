/* The WebSocket (ws.c): the transport of sockets; features add topics
 * and actions. */
#ifndef VERDICT_WS_H
#define VERDICT_WS_H

#include "server.h"
#include "events.h"

/*** WebSocket (ws.c), service thread ***/

/* Topics a feature serves: names prefix + rest, where parse takes rest
 * (0: a name of ours, with its id; service thread), and snapshot gives a
 * new subscriber the current state on a worker: NULL when there is no such
 * topic or u may not follow it (both answered not_found). */
struct ws_topic {
	const char *prefix;
	int (*parse)(const char *rest, char *id, size_t idlen);
	json_object *(*snapshot)(struct worker *w, const char *topic, const char *id, const struct user *u);
};
void ws_topic_add(const struct ws_topic *t);               /* at start, static storage */
int ws_topic_id(const char *rest, char *id, size_t idlen); /* a parse: rest is one run or submission id */

/* Actions a feature serves: a message type and its handler, on the
 * service thread with the parsed message (borrowed). The handler answers
 * through the call, now or later: ws_call_keep holds the socket for a
 * worker trip, ws_call_done lets go (an answer after the socket closed
 * goes nowhere). */
struct ws_call;
typedef void (*ws_action_fn)(struct ws_call *call, json_object *msg);
void ws_action_add(const char *type, ws_action_fn fn);
const struct user *ws_call_user(const struct ws_call *call);
const char *ws_call_ip(const struct ws_call *call);
struct ws_call *ws_call_keep(const struct ws_call *call);
void ws_call_done(struct ws_call *call);
void ws_call_reply(struct ws_call *call, json_object *o); /* takes o; adds "req" */
void ws_call_error(struct ws_call *call, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void ws_send(struct conn *c, struct msg *m);       /* queues; takes a reference */
void ws_send_json(struct conn *c, json_object *o); /* takes o */
int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
void ws_close_all(void);
long ws_count(void);
/* The per-connection data lws keeps for us: an HTTP connection has at
 * most one request in flight; an upgraded one has its WebSocket state. */
struct pss {
	struct req *req;
	struct conn *ws;
};
int ws_filter(struct lws *wsi); /* 0 accepts the upgrade */

#endif
