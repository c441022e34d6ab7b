/* Topics and fan-out (events.c): Redis pub/sub to every replica's sockets. */
#ifndef VERDICT_EVENTS_H
#define VERDICT_EVENTS_H

#include "server.h"

/*** Events: topics and fan-out (events.c), service thread unless said ***/

struct conn; /* a WebSocket connection (ws.c) */
struct msg;
struct sub;

/* Who follows topics (a socket): its subscriptions, and how an update
 * reaches it (queued; takes a reference to m). */
struct subscriber {
	struct sub *subs;
	void (*send)(struct subscriber *self, struct msg *m);
};

/* A message shared by every subscriber it is queued to. */
struct msg {
	int refs;
	size_t len;
	unsigned char buf[]; /* LWS_PRE bytes, then the payload */
};
struct msg *msg_new(const char *payload, size_t len);
void msg_unref(struct msg *m);

int events_start(char *err, size_t errlen); /* the pub/sub thread */
void events_stop(void);
void events_drain(void); /* service thread: deliver received events */
/* Any thread: publishes data (JSON text) on topic through Redis. */
int events_publish(redisContext *kv, const char *topic, const char *data);
/* The same for a JSON object (borrowed; NULL publishes nothing). */
int events_publish_json(redisContext *kv, const char *topic, json_object *o);
/* A socket's subscription starts pending: nothing reaches it until its
 * permission check passes (events_activate, which says whether an update
 * was held back meanwhile) or fails (events_drop_pending removes it, and
 * only it). 1 added, 0 already subscribed (a no-op), -1 max reached. */
int events_subscribe(struct subscriber *c, const char *topic, int max);
int events_activate(struct subscriber *c, const char *topic);
void events_drop_pending(struct subscriber *c, const char *topic);
void events_unsubscribe(struct subscriber *c, const char *topic);
void events_unsubscribe_all(struct subscriber *c);
int events_subscribed(struct subscriber *c, const char *topic);
long events_topics(void);
/* Events whose topic starts with prefix go to fn (with the rest of the
 * topic) instead of sockets. At start, before events_start. */
void events_listen(const char *prefix, void (*fn)(const char *rest));

#endif
