/* The WebSocket at /ws, subprotocol verdict.v1.
 *
 * Client messages are JSON objects with a "type"; a bad one gets an error
 * reply and the connection stays up. An oversized message or a flood closes
 * only that connection. Outgoing messages wait in a bounded queue of shared
 * buffers; a client that lets it fill up is dropped, never the server. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "util.h"
#include "auth.h"
#include "events.h"
#include "ws.h"

struct sub;

struct held {
	char *text;
	size_t len;
	struct held *next;
};

struct conn {
	struct lws *wsi; /* NULL once closed; the conn lives on while tasks hold it */
	int refs;
	struct subscriber sub; /* the events registry's view of us */
	struct user user;      /* from the session cookie, resolved after the upgrade */
	int auth_pending;      /* the cookie is being looked up */
	int parsing;           /* a large message is being parsed on a worker */
	struct held *held;     /* messages that came meanwhile, in order */
	int nheld;
	struct msg **q;
	int qhead, qlen;
	char *rx;
	size_t rxlen;
	int64_t rate_window;
	int rate_count;
	int close_code;        /* non-zero: close with it at the next writeable */
	const char *close_why; /* the close frame's reason text */
	int close_sent;        /* our close frame is out; waiting for the client's */
	int64_t last_rx_ms;    /* anything from the client: a frame, a pong */
	int ping_due;          /* a ping is to go at the next writeable */
	int pinged;            /* one went, and nothing came since */
	char ip[48];
	struct conn *prev, *next;
};

static struct conn *conns;
static long nconns;

static void sub_send(struct subscriber *self, struct msg *m)
{
	ws_send((struct conn *)((char *)self - offsetof(struct conn, sub)), m);
}

long ws_count(void)
{
	return nconns;
}

static void conn_unref(struct conn *c)
{
	if (--c->refs > 0)
		return;
	free(c->q);
	free(c->rx);
	while (c->held) {
		struct held *h = c->held;
		c->held = h->next;
		free(h->text);
		free(h);
	}
	free(c);
}

/* Every close the server starts goes the same way: the close frame is
 * written from the next writeable, what the client sends until it answers
 * is read and dropped, and the socket ends when its close arrives (or 5 s
 * later). lws 4.1.6's own close (a -1 from a callback) shuts the socket at
 * once with the client's unread messages still in it: the kernel answers
 * with a reset, which can overtake the close frame (1006 at the client). */
/* The close opcode of lws_write: lws 4.1.6 keeps it in a private header
 * (lib/roles/ws/private-lib-roles-ws.h) and writes the frame as given. */
#define WS_WRITE_CLOSE ((enum lws_write_protocol)4)

static void conn_close(struct conn *c, int code, const char *why)
{
	if (!c->wsi || c->close_code)
		return;
	c->close_code = code;
	c->close_why = why;
	lws_callback_on_writable(c->wsi);
}

void ws_send(struct conn *c, struct msg *m)
{
	if (!c->wsi || c->close_code)
		return;
	if (c->qlen == cfg.ws_max_queue) {
		atomic_fetch_add(&metric_ws_dropped, 1);
		conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "too slow");
		return;
	}
	m->refs++;
	c->q[(c->qhead + c->qlen++) % cfg.ws_max_queue] = m;
	lws_callback_on_writable(c->wsi);
}

void ws_send_json(struct conn *c, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct msg *m = msg_new(s, strlen(s));
	json_object_put(o);
	if (m) {
		ws_send(c, m);
		msg_unref(m);
	}
}

static void send_error(struct conn *c, json_object *req, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static json_object *error_json(json_object *req, const char *code, const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("error"));
	if (req)
		json_object_object_add(o, "req", json_object_get(req));
	json_object_object_add(o, "code", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(msg));
	return o;
}

static void send_error(struct conn *c, json_object *req, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ws_send_json(c, error_json(req, code, msg));
}

void ws_close_all(void)
{
	for (struct conn *c = conns; c; c = c->next)
		conn_close(c, LWS_CLOSE_STATUS_GOINGAWAY, "going away");
}

/* Topics one socket may follow at once: a contest page needs a handful. */
#define WS_MAX_SUBS 64

/*** Tasks on workers ***/

struct ws_task {
	struct conn *c;
	char topic[160];
	char id[80];
	json_object *req;  /* the client's "req" value, or NULL */
	json_object *data; /* result */
	const struct ws_topic *kind;
	struct user user;
	char *code, *input; /* the cookie and credentials to resolve; a large message to parse */
	size_t code_len;
	int status;
};

static void drain_held(struct conn *c);

static struct ws_task *task_new(struct conn *c, json_object *req)
{
	struct ws_task *t = calloc(1, sizeof *t);
	t->c = c;
	c->refs++;
	t->req = req ? json_object_get(req) : NULL;
	return t;
}

static void task_free(struct ws_task *t)
{
	conn_unref(t->c);
	json_object_put(t->req);
	json_object_put(t->data);
	free(t->code);
	free(t->input);
	free(t);
}

static void snapshot_run(struct worker *w, void *arg)
{
	struct ws_task *t = arg;
	if (worker_ready(w)) {
		t->status = 503;
		return;
	}
	t->data = t->kind->snapshot(w, t->topic, t->id, &t->user);
	t->status = t->data ? 200 : 404;
}

static void snapshot_done(void *arg)
{
	struct ws_task *t = arg;
	struct conn *c = t->c;
	if (c->wsi) {
		if (t->status == 200 && events_activate(&c->sub, t->topic)) {
			/* An update came while the check ran: read it again, now
			 * that updates reach the socket. */
			json_object_put(t->data);
			t->data = NULL;
			db_submit(snapshot_run, snapshot_done, t);
			return;
		}
		int sub = events_subscribed(&c->sub, t->topic);
		if (t->status == 404) {
			events_drop_pending(&c->sub, t->topic);
			send_error(c, t->req, "not_found", "no such topic: %s", t->topic);
		} else if (t->status != 200) {
			events_drop_pending(&c->sub, t->topic);
			send_error(c, t->req, "unavailable", "cannot read %s now, try again", t->topic);
		} else if (sub == 0) {
			/* Only when no newer update went out in the meantime. */
			json_object *o = json_object_new_object();
			json_object_object_add(o, "type", json_object_new_string("update"));
			json_object_object_add(o, "topic", json_object_new_string(t->topic));
			json_object_object_add(o, "data", json_object_get(t->data));
			ws_send_json(c, o);
		}
	}
	task_free(t);
}

static void handle_message(struct conn *c, const char *text, size_t len);

static void send_me(struct conn *c, json_object *req)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("me"));
	if (req)
		json_object_object_add(o, "req", json_object_get(req));
	json_object_object_add(o, "username", c->user.id ? json_object_new_string(c->user.username) : NULL);
	json_object_object_add(o, "role", c->user.id ? json_object_new_string(c->user.role) : NULL);
	ws_send_json(c, o);
}

/* The worker fills t->user; the conn's copy is written on the service
 * thread, the only one that reads it. */
static void resolve_user(struct worker *w, void *arg)
{
	struct ws_task *t = arg;
	if (worker_ready(w))
		return;
	/* Basic credentials (API clients) or the session cookie (browsers). */
	struct req *r = calloc(1, sizeof *r);
	snprintf(r->cookie, sizeof r->cookie, "%s", t->code ? t->code : "");
	snprintf(r->authz, sizeof r->authz, "%s", t->input ? t->input : "");
	if (!auth_resolve(w, r))
		t->user = r->user;
	free(r);
}

static void resolve_done(void *arg)
{
	struct ws_task *t = arg;
	struct conn *c = t->c;
	c->user = t->user;
	c->auth_pending = 0;
	/* Who the client is decides what it may follow: what it said in the
	 * meantime is handled now, in order. */
	drain_held(c);
	task_free(t);
}

/*** Messages ***/

/*** What features add: topics and actions ***/

static const struct ws_topic *topics[8];
static int ntopics;

void ws_topic_add(const struct ws_topic *t)
{
	if (ntopics < (int)(sizeof topics / sizeof *topics))
		topics[ntopics++] = t;
}

int ws_topic_id(const char *rest, char *id, size_t idlen)
{
	if (!util_id_valid(rest, 16))
		return -1;
	snprintf(id, idlen, "%s", rest);
	return 0;
}

/* The kind of a topic name, with its id; NULL when no feature serves it. */
static const struct ws_topic *topic_kind(const char *topic, char *id, size_t idlen)
{
	for (int i = 0; i < ntopics; i++) {
		size_t pl = strlen(topics[i]->prefix);
		if (!strncmp(topic, topics[i]->prefix, pl) && !topics[i]->parse(topic + pl, id, idlen))
			return topics[i];
	}
	return NULL;
}

static struct {
	const char *type;
	ws_action_fn fn;
} actions[16];
static int nactions;

void ws_action_add(const char *type, ws_action_fn fn)
{
	if (nactions < (int)(sizeof actions / sizeof *actions))
		actions[nactions++] = (typeof(actions[0])){type, fn};
}

/* One message being answered. On the stack while its action runs;
 * ws_call_keep copies it, holding the socket, for an answer later. */
struct ws_call {
	struct conn *c;
	json_object *req;
	struct user user;
	char ip[48];
	int kept;
};

const struct user *ws_call_user(const struct ws_call *call)
{
	return &call->user;
}

const char *ws_call_ip(const struct ws_call *call)
{
	return call->ip;
}

struct ws_call *ws_call_keep(const struct ws_call *call)
{
	struct ws_call *k = malloc(sizeof *k);
	if (!k)
		return NULL;
	*k = *call;
	k->kept = 1;
	k->c->refs++;
	k->req = call->req ? json_object_get(call->req) : NULL;
	return k;
}

void ws_call_done(struct ws_call *call)
{
	if (!call || !call->kept)
		return;
	conn_unref(call->c);
	json_object_put(call->req);
	free(call);
}

void ws_call_reply(struct ws_call *call, json_object *o)
{
	if (call->req)
		json_object_object_add(o, "req", json_object_get(call->req));
	if (call->c->wsi && !call->c->close_code)
		ws_send_json(call->c, o);
	else
		json_object_put(o);
}

void ws_call_error(struct ws_call *call, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ws_call_reply(call, error_json(NULL, code, msg));
}

/* Messages up to this size are parsed on the service thread; larger ones
 * (code and input of a run: megabytes) on a worker, so that one client's
 * big messages never hold up every other socket's traffic. */
#define WS_PARSE_INLINE (64 * 1024)

static void dispatch_message(struct conn *c, json_object *o);
static void take_message(struct conn *c, const char *text, size_t len);

static json_object *parse_message(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
	if (tok && o && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* What came while the login was looked up or a large message parsed is
 * handled now, in order, until the next one has to wait again. */
static void drain_held(struct conn *c)
{
	while (c->held && !c->auth_pending && !c->parsing) {
		struct held *h = c->held;
		c->held = h->next;
		c->nheld--;
		if (c->wsi && !c->close_code)
			take_message(c, h->text, h->len);
		free(h->text);
		free(h);
	}
}

static void parse_run(struct worker *w, void *arg)
{
	(void)w;
	struct ws_task *t = arg;
	t->data = parse_message(t->code, t->code_len);
}

static void parse_done(void *arg)
{
	struct ws_task *t = arg;
	struct conn *c = t->c;
	c->parsing = 0;
	if (c->wsi && !c->close_code)
		dispatch_message(c, t->data);
	t->data = NULL; /* dispatch_message took it */
	drain_held(c);
	task_free(t);
}

static void take_message(struct conn *c, const char *text, size_t len)
{
	atomic_fetch_add(&metric_ws_messages, 1);
	if (len <= WS_PARSE_INLINE) {
		dispatch_message(c, parse_message(text, len));
		return;
	}
	struct ws_task *t = task_new(c, NULL);
	t->code = malloc(len + 1);
	if (!t->code) {
		task_free(t);
		send_error(c, NULL, "busy", "no memory for the message");
		return;
	}
	memcpy(t->code, text, len);
	t->code[len] = 0;
	t->code_len = len;
	c->parsing = 1;
	atomic_fetch_add(&metric_ws_parsed_off_thread, 1);
	db_submit(parse_run, parse_done, t);
}

static void handle_message(struct conn *c, const char *text, size_t len)
{
	if (c->auth_pending || c->parsing || c->held) {
		if (c->nheld >= 32) {
			send_error(c, NULL, "busy", "too many messages before the last ones were handled");
			return;
		}
		struct held *h = calloc(1, sizeof *h), **pp = &c->held;
		h->text = malloc(len + 1);
		memcpy(h->text, text, len);
		h->len = len;
		while (*pp)
			pp = &(*pp)->next;
		*pp = h;
		c->nheld++;
		return;
	}
	take_message(c, text, len);
}

/* One parsed message (o taken; NULL when it was not JSON). */
static void dispatch_message(struct conn *c, json_object *o)
{
	if (!o || !json_object_is_type(o, json_type_object)) {
		send_error(c, NULL, "bad_json", "a message is a JSON object with a \"type\"");
		json_object_put(o);
		return;
	}
	json_object *req = NULL;
	json_object_object_get_ex(o, "req", &req);
	const char *type = util_json_str(o, "type");
	if (!type) {
		send_error(c, req, "bad_message", "the message has no \"type\"");
	} else if (!strcmp(type, "subscribe") || !strcmp(type, "unsubscribe")) {
		const char *topic = util_json_str(o, "topic");
		char id[80];
		const struct ws_topic *kind = topic && strlen(topic) < 160 ? topic_kind(topic, id, sizeof id) : NULL;
		if (!kind) {
			send_error(c, req, "bad_topic", "unknown topic %.64s", topic ? topic : "(none)");
		} else if (type[0] == 'u') {
			events_unsubscribe(&c->sub, topic);
		} else {
			int added = events_subscribe(&c->sub, topic, WS_MAX_SUBS);
			if (added < 0)
				send_error(c, req, "too_many_subscriptions", "at most %d topics per socket",
					   WS_MAX_SUBS);
			if (added <= 0) { /* a repeat is a no-op */
				json_object_put(o);
				return;
			}
			struct ws_task *t = task_new(c, req);
			snprintf(t->topic, sizeof t->topic, "%s", topic);
			snprintf(t->id, sizeof t->id, "%s", id);
			t->kind = kind;
			t->user = c->user;
			db_submit(snapshot_run, snapshot_done, t);
		}
	} else if (!strcmp(type, "me")) {
		send_me(c, req);
	} else if (!strcmp(type, "ping")) {
		json_object *p = json_object_new_object();
		json_object_object_add(p, "type", json_object_new_string("pong"));
		if (req)
			json_object_object_add(p, "req", json_object_get(req));
		ws_send_json(c, p);
	} else {
		int i;
		for (i = 0; i < nactions && strcmp(actions[i].type, type); i++)
			;
		if (i < nactions) {
			struct ws_call call = {.c = c, .req = req, .user = c->user};
			snprintf(call.ip, sizeof call.ip, "%s", c->ip);
			actions[i].fn(&call, o);
		} else {
			send_error(c, req, "unknown_type", "unknown message type %.40s", type);
		}
	}
	json_object_put(o);
}

/*** The lws callback, WebSocket side ***/

/* The upgrade is refused off /ws, while draining, and from another site's
 * page (a browser always sends Origin; non-browser clients may send none). */
int ws_filter(struct lws *wsi)
{
	char uri[64] = "", origin[256] = "", host[256] = "";
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) < (int)sizeof uri)
		lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
	if (strcmp(uri, "/ws") || atomic_load(&server_draining))
		return -1;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
		if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) >= (int)sizeof origin)
			return -1;
		lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN);
		lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST);
		if (!http_origin_allowed(origin, host))
			return -1;
	}
	return 0;
}

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct pss *pss = user;
	struct conn *c = pss ? pss->ws : NULL;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return ws_filter(wsi);
	case LWS_CALLBACK_ESTABLISHED: {
		c = calloc(1, sizeof *c);
		if (!c)
			return -1;
		c->q = calloc((size_t)cfg.ws_max_queue, sizeof *c->q);
		c->wsi = wsi;
		c->refs = 1;
		c->sub.send = sub_send;
		c->last_rx_ms = util_mono_ms();
		if (cfg.ws_idle_s > 0)
			lws_set_timer_usecs(wsi, (lws_usec_t)cfg.ws_idle_s * LWS_USEC_PER_SEC);
		peers_client_ip(wsi, c->ip, sizeof c->ip);
		pss->req = NULL;
		pss->ws = c;
		c->next = conns;
		if (conns)
			conns->prev = c;
		conns = c;
		nconns++;
		int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE);
		int na = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
		if ((n > 0 && n < 512) || (na > 0 && na < 512)) {
			struct ws_task *t = task_new(c, NULL);
			t->code = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
			t->input = calloc(1, (size_t)(na > 0 ? na : 0) + 1);
			if (n > 0)
				lws_hdr_copy(wsi, t->code, n + 1, WSI_TOKEN_HTTP_COOKIE);
			if (na > 0)
				lws_hdr_copy(wsi, t->input, na + 1, WSI_TOKEN_HTTP_AUTHORIZATION);
			c->auth_pending = 1;
			db_submit(resolve_user, resolve_done, t);
		}
		return 0;
	}
	case LWS_CALLBACK_RECEIVE: {
		if (!c || c->close_code)
			return 0;
		int64_t now = util_mono_ms();
		c->last_rx_ms = now;
		c->pinged = 0;
		if (lws_is_first_fragment(wsi)) {
			if (now - c->rate_window >= 1000) {
				c->rate_window = now;
				c->rate_count = 0;
			}
			if (++c->rate_count > cfg.ws_max_msgs_per_s) {
				conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "too many messages");
				return 0;
			}
		}
		if (c->rxlen + len > (size_t)cfg.ws_max_message) {
			free(c->rx);
			c->rx = NULL;
			c->rxlen = 0;
			conn_close(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too large");
			return 0;
		}
		if (lws_is_first_fragment(wsi) && lws_is_final_fragment(wsi)) {
			handle_message(c, in, len);
			return 0;
		}
		char *nb = realloc(c->rx, c->rxlen + len + 1);
		if (!nb)
			return -1;
		c->rx = nb;
		memcpy(c->rx + c->rxlen, in, len);
		c->rxlen += len;
		if (lws_is_final_fragment(wsi)) {
			handle_message(c, c->rx, c->rxlen);
			free(c->rx);
			c->rx = NULL;
			c->rxlen = 0;
		}
		return 0;
	}
	case LWS_CALLBACK_RECEIVE_PONG:
		if (c) {
			c->last_rx_ms = util_mono_ms();
			c->pinged = 0;
		}
		return 0;
	case LWS_CALLBACK_TIMER: {
		/* Silent for ws_idle_s: a ping (browsers answer it by
		 * themselves); silent for as long again: the client is gone or
		 * holds a socket it does not use, and it is closed. */
		if (!c || c->close_code || cfg.ws_idle_s <= 0)
			return 0;
		int64_t idle_ms = cfg.ws_idle_s * 1000, quiet = util_mono_ms() - c->last_rx_ms;
		if (quiet < idle_ms) {
			lws_set_timer_usecs(wsi, (lws_usec_t)(idle_ms - quiet) * 1000);
		} else if (!c->pinged) {
			c->pinged = c->ping_due = 1;
			lws_callback_on_writable(wsi);
			lws_set_timer_usecs(wsi, (lws_usec_t)idle_ms * 1000);
		} else {
			conn_close(c, LWS_CLOSE_STATUS_GOINGAWAY, "idle");
		}
		return 0;
	}
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c)
			return 0;
		if (c->close_code) {
			if (c->close_sent)
				return 0;
			unsigned char frame[LWS_PRE + 2 + 64];
			size_t wl = strlen(c->close_why);
			frame[LWS_PRE] = (unsigned char)(c->close_code >> 8);
			frame[LWS_PRE + 1] = (unsigned char)(c->close_code & 0xff);
			memcpy(frame + LWS_PRE + 2, c->close_why, wl);
			if (lws_write(wsi, frame + LWS_PRE, 2 + wl, WS_WRITE_CLOSE) < 0)
				return -1;
			c->close_sent = 1;
			lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_ACK, 5);
			return 0;
		}
		if (c->ping_due) {
			/* With a payload: lws 4.1.6 passes on no empty pong. */
			unsigned char ping[LWS_PRE + 4] = {0};
			memcpy(ping + LWS_PRE, "idle", 4);
			c->ping_due = 0;
			if (lws_write(wsi, ping + LWS_PRE, 4, LWS_WRITE_PING) < 0)
				return -1;
			if (c->qlen)
				lws_callback_on_writable(wsi);
			return 0;
		}
		if (c->qlen) {
			struct msg *m = c->q[c->qhead];
			c->qhead = (c->qhead + 1) % cfg.ws_max_queue;
			c->qlen--;
			int n = lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
			msg_unref(m);
			if (n < 0)
				return -1;
			if (c->qlen)
				lws_callback_on_writable(wsi);
		}
		return 0;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		/* The answer to our close: nothing more will come, end now. */
		return c && c->close_sent ? -1 : 0;
	case LWS_CALLBACK_CLOSED:
		if (!c)
			return 0;
		events_unsubscribe_all(&c->sub);
		while (c->qlen) {
			msg_unref(c->q[c->qhead]);
			c->qhead = (c->qhead + 1) % cfg.ws_max_queue;
			c->qlen--;
		}
		if (c->prev)
			c->prev->next = c->next;
		else
			conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		nconns--;
		c->wsi = NULL;
		pss->ws = NULL;
		conn_unref(c);
		return 0;
	default:
		return 0;
	}
}
