/* Topics and fan-out. Events reach every server replica through Redis
 * pub/sub (channel verdict:events, payload "topic\ndata"); the pub/sub
 * thread hands them to the service thread, which serializes each event once
 * and queues the same buffer to every subscribed socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kv.h"
#include "log.h"
#include "server.h"
#include "util.h"
#include "events.h"

/*** Shared messages ***/

struct msg *msg_new(const char *payload, size_t len)
{
	struct msg *m = malloc(sizeof *m + LWS_PRE + len);
	if (!m)
		return NULL;
	m->refs = 1;
	m->len = len;
	memcpy(m->buf + LWS_PRE, payload, len);
	return m;
}

void msg_unref(struct msg *m)
{
	if (m && --m->refs == 0)
		free(m);
}

/*** The topic registry (service thread only) ***/

struct sub {
	struct topic *t;
	struct subscriber *c;
	struct sub *tprev, *tnext; /* the topic's subscribers */
	struct sub *cnext;         /* the connection's subscriptions */
	int delivered;             /* an update went out since subscribing */
	int pending;               /* the permission check has not answered yet */
	int missed;                /* an update came while pending (not sent) */
};

struct topic {
	char *name;
	struct sub *subs;
	struct topic *next;
};

#define NBUCKETS 4096
static struct topic *buckets[NBUCKETS];
static long ntopics;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKETS;
}

static struct topic *topic_find(const char *name, int create)
{
	unsigned h = hash(name);
	for (struct topic *t = buckets[h]; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	if (!create)
		return NULL;
	struct topic *t = calloc(1, sizeof *t);
	t->name = strdup(name);
	t->next = buckets[h];
	buckets[h] = t;
	ntopics++;
	return t;
}

static void topic_drop_if_empty(struct topic *t)
{
	if (t->subs)
		return;
	struct topic **pp = &buckets[hash(t->name)];
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	free(t->name);
	free(t);
	ntopics--;
}

static struct sub *sub_find(struct subscriber *c, const char *topic)
{
	for (struct sub *s = c->subs; s; s = s->cnext)
		if (!strcmp(s->t->name, topic))
			return s;
	return NULL;
}

int events_subscribe(struct subscriber *c, const char *name, int max)
{
	if (sub_find(c, name))
		return 0;
	int n = 0;
	for (struct sub *x = c->subs; x; x = x->cnext)
		n++;
	if (n >= max)
		return -1;
	struct topic *t = topic_find(name, 1);
	struct sub *s = calloc(1, sizeof *s);
	s->pending = 1;
	s->t = t;
	s->c = c;
	s->tnext = t->subs;
	if (t->subs)
		t->subs->tprev = s;
	t->subs = s;
	struct sub **head = &c->subs;
	s->cnext = *head;
	*head = s;
	return 1;
}

int events_activate(struct subscriber *c, const char *name)
{
	struct sub *s = sub_find(c, name);
	if (!s || !s->pending)
		return 0;
	int missed = s->missed;
	s->pending = s->missed = s->delivered = 0;
	return missed;
}

void events_drop_pending(struct subscriber *c, const char *name)
{
	struct sub *s = sub_find(c, name);
	if (s && s->pending)
		events_unsubscribe(c, name);
}

static void sub_unlink(struct sub *s)
{
	struct topic *t = s->t;
	if (s->tprev)
		s->tprev->tnext = s->tnext;
	else
		t->subs = s->tnext;
	if (s->tnext)
		s->tnext->tprev = s->tprev;
	topic_drop_if_empty(t);
	free(s);
}

void events_unsubscribe(struct subscriber *c, const char *name)
{
	struct sub **pp = &c->subs;
	while (*pp) {
		if (!strcmp((*pp)->t->name, name)) {
			struct sub *s = *pp;
			*pp = s->cnext;
			sub_unlink(s);
			return;
		}
		pp = &(*pp)->cnext;
	}
}

void events_unsubscribe_all(struct subscriber *c)
{
	struct sub **head = &c->subs;
	while (*head) {
		struct sub *s = *head;
		*head = s->cnext;
		sub_unlink(s);
	}
}

/* -1 not subscribed, 0 subscribed and nothing sent since, 1 updates sent. */
int events_subscribed(struct subscriber *c, const char *topic)
{
	struct sub *s = sub_find(c, topic);
	return s ? s->delivered : -1;
}

long events_topics(void)
{
	return ntopics;
}

/* Topics for the server's own modules rather than sockets (feed/<id>). */
static struct {
	const char *prefix;
	void (*fn)(const char *rest);
} listeners[8];
static int nlisteners;

void events_listen(const char *prefix, void (*fn)(const char *rest))
{
	if (nlisteners < (int)(sizeof listeners / sizeof *listeners))
		listeners[nlisteners++] = (typeof(listeners[0])){prefix, fn};
}

static void deliver(const char *topic, const char *data, size_t dlen)
{
	for (int i = 0; i < nlisteners; i++)
		if (!strncmp(topic, listeners[i].prefix, strlen(listeners[i].prefix))) {
			listeners[i].fn(topic + strlen(listeners[i].prefix));
			return;
		}
	struct topic *t = topic_find(topic, 0);
	if (!t)
		return;
	size_t cap = strlen(topic) + dlen + 64;
	char *buf = malloc(cap);
	int n = snprintf(buf, cap, "{\"type\":\"update\",\"topic\":\"%s\",\"data\":", topic);
	memcpy(buf + n, data, dlen);
	buf[n + dlen] = '}';
	struct msg *m = msg_new(buf, (size_t)n + dlen + 1);
	free(buf);
	if (!m)
		return;
	for (struct sub *s = t->subs, *next; s; s = next) {
		next = s->tnext;  /* ws_send may drop a slow connection */
		if (s->pending) { /* not allowed (yet): nothing goes out */
			s->missed = 1;
			continue;
		}
		s->delivered = 1;
		s->c->send(s->c, m);
		atomic_fetch_add(&metric_events_pushed, 1);
	}
	msg_unref(m);
}

/*** The pub/sub thread ***/

struct event {
	char *payload;
	size_t len;
	struct event *next;
};

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct event *ev_head, *ev_tail;
static pthread_t ev_thread;
static atomic_int ev_stop;
static int ev_fd = -1;

static void *events_main(void *arg)
{
	(void)arg;
	int backoff_ms = 100;
	while (!atomic_load(&ev_stop)) {
		char err[256];
		redisContext *c = kv_connect(cfg.redis_url, 5, err, sizeof err);
		if (!c) {
			log_warn("events cannot reach Redis", "error", err, NULL);
			usleep((useconds_t)backoff_ms * 1000);
			backoff_ms = backoff_ms < 2000 ? backoff_ms * 2 : 2000;
			continue;
		}
		backoff_ms = 100;
		struct timeval none = {0, 0};
		redisSetTimeout(c, none);
		redisReply *r = redisCommand(c, "SUBSCRIBE %s", KV_EVENTS);
		freeReplyObject(r);
		pthread_mutex_lock(&ev_lock);
		ev_fd = c->fd;
		pthread_mutex_unlock(&ev_lock);
		while (!atomic_load(&ev_stop)) {
			void *rv = NULL;
			if (redisGetReply(c, &rv) != REDIS_OK)
				break;
			r = rv;
			if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
			    r->element[2]->type == REDIS_REPLY_STRING) {
				struct event *e = malloc(sizeof *e);
				e->len = r->element[2]->len;
				e->payload = malloc(e->len + 1);
				memcpy(e->payload, r->element[2]->str, e->len + 1);
				e->next = NULL;
				pthread_mutex_lock(&ev_lock);
				if (ev_tail)
					ev_tail->next = e;
				else
					ev_head = e;
				ev_tail = e;
				pthread_mutex_unlock(&ev_lock);
				lws_cancel_service(server_context);
			}
			freeReplyObject(r);
		}
		pthread_mutex_lock(&ev_lock);
		ev_fd = -1;
		pthread_mutex_unlock(&ev_lock);
		redisFree(c);
	}
	return NULL;
}

int events_start(char *err, size_t errlen)
{
	if (pthread_create(&ev_thread, NULL, events_main, NULL)) {
		snprintf(err, errlen, "cannot start the events thread");
		return -1;
	}
	return 0;
}

void events_stop(void)
{
	atomic_store(&ev_stop, 1);
	pthread_mutex_lock(&ev_lock);
	if (ev_fd >= 0)
		shutdown(ev_fd, SHUT_RDWR);
	pthread_mutex_unlock(&ev_lock);
	pthread_join(ev_thread, NULL);
}

void events_drain(void)
{
	pthread_mutex_lock(&ev_lock);
	struct event *e = ev_head;
	ev_head = ev_tail = NULL;
	pthread_mutex_unlock(&ev_lock);
	while (e) {
		struct event *next = e->next;
		const char *topic, *data;
		size_t dl;
		if (!proto_event_split(e->payload, e->len, &topic, &data, &dl))
			deliver(topic, data, dl);
		free(e->payload);
		free(e);
		e = next;
	}
}

int events_publish_json(redisContext *kv, const char *topic, json_object *o)
{
	return o ? events_publish(kv, topic, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)) : -1;
}

int events_publish(redisContext *kv, const char *topic, const char *data)
{
	size_t len;
	char *payload = proto_event_frame(topic, data, &len);
	if (!payload)
		return -1;
	redisReply *r = redisCommand(kv, "PUBLISH %s %b", KV_EVENTS, payload, len);
	int ok = r && r->type == REDIS_REPLY_INTEGER;
	freeReplyObject(r);
	free(payload);
	return ok ? 0 : -1;
}
