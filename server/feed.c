/* The CLICS event feed: GET /api/contests/<id>/event-feed, NDJSON,
 * streamed for as long as the client stays.
 *
 * What changed is logged in contest_events (contest_event, from whoever
 * changes it); what is sent is the object as it is when the feed reads the
 * log, built by the same code as the REST endpoints for the caller's role,
 * so a team never sees another's submission and the public never sees a
 * judgement the freeze hides. A new feed starts with every object there is
 * (the last line of that carries a token); then each logged change is sent
 * with its log sequence number as its token, and a client that reconnects
 * with since_token=<token> gets the changes after it. The state object is
 * also compared once a second, since starts, freezes and ends happen by
 * the clock; a newline goes out after feed_keepalive_s of silence. The
 * feed ends after the state that sets end_of_updates.
 *
 * Threads: a feed is the service thread's, except for its log position
 * and last state, which only its one step task at a time (on a worker)
 * reads and writes; the lines a step makes go back through the task's
 * completion. */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "contest.h"
#include "log.h"
#include "server.h"
#include "util.h"
#include "problems.h"
#include "events.h"

#define FEED_WINDOW   256         /* log entries looked at again: one committed late is still sent */
#define FEED_MAX_OUT  (256 << 20) /* a client this far behind is dropped */
#define FEED_CHUNK    65536
#define FEED_CHECK_MS 1000

struct feed {
	struct feed *next;
	struct lws *wsi; /* NULL until the reply starts, and once the connection is gone */
	int listed;
	int gone; /* the request is over (feed_release): whoever holds the feed last frees it */
	int drop; /* too far behind: the connection is to end */
	struct user user;
	char cid[65];
	char ip[64]; /* the client's address: feeds per address are counted */
	/* The step task's: the highest log entry sent and which of the last
	 * FEED_WINDOW were, the state last sent, whether the feed is over. */
	uint64_t hw;
	uint64_t seen[FEED_WINDOW];
	char state[512];
	int ended;
	/* What the step made, for the service thread to queue. */
	char *made;
	size_t made_len;
	/* Service thread: bytes waiting for the socket. */
	char *out;
	size_t len, sent, cap;
	int busy, again;
	int64_t last_write_ms, last_step_ms;
};

static struct feed *feeds;
static lws_sorted_usec_list_t feed_timer;
static int feed_timer_on;

/*** Lines ***/

struct text {
	char *p;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		t->p = realloc(t->p, cap);
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = 0;
}

/* One notification line; takes data. */
static void line(struct text *t, const char *type, const char *id, json_object *data)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "id", id ? json_object_new_string(id) : NULL);
	json_object_object_add(o, "data", data);
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);
	text_add(t, s, n);
	text_add(t, "\n", 1);
	json_object_put(o);
}

/* Puts token on the last line of t (from start on), if there is one. */
static void last_token(struct text *t, size_t start, const char *token)
{
	if (t->len <= start)
		return;
	/* The line ends "}\n": the token goes in before that brace. */
	char tail[64];
	int n = snprintf(tail, sizeof tail, ",\"token\":\"%s\"}\n", token);
	t->len -= 2;
	text_add(t, tail, (size_t)n);
}

/* Every object of a collection as its own line. Takes arr. */
static void lines_of(struct text *t, const char *type, json_object *arr)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		line(t, type, util_json_str(o, "id"), json_object_get(o));
	}
	json_object_put(arr);
}

/* The state, when it changed (or force); returns whether it was sent. */
static int state_line(struct feed *f, const struct contest *c, struct text *t, int force)
{
	json_object *s = contest_state_json(c, util_now_ms());
	const char *txt = json_object_to_json_string_ext(s, JSON_C_TO_STRING_PLAIN);
	if (!force && !strcmp(txt, f->state)) {
		json_object_put(s);
		return 0;
	}
	snprintf(f->state, sizeof f->state, "%s", txt);
	f->ended = json_object_object_get(s, "end_of_updates") != NULL;
	line(t, "state", NULL, s);
	return 1;
}

/* The lines for one logged change, as this feed's caller sees it now. */
static void change_lines(struct worker *w, struct feed *f, const struct contest *c, const char *type, const char *id,
			 struct text *t)
{
	if (!strcmp(type, "contest")) {
		line(t, "contest", NULL, contest_json(c));
	} else if (!strcmp(type, "state")) {
		state_line(f, c, t, 1);
	} else if (!id) {
		/* The whole collection: what is not in it any more is gone. */
		json_object *arr = clics_collection(w, c, &f->user, type, NULL);
		if (arr)
			line(t, type, NULL, arr);
	} else if (!strcmp(type, "submissions")) {
		lines_of(t, "submissions", clics_collection(w, c, &f->user, "submissions", id));
		lines_of(t, "judgements", clics_collection(w, c, &f->user, "judgements", id));
		lines_of(t, "runs", clics_collection(w, c, &f->user, "runs", id));
	} else {
		lines_of(t, type, clics_collection(w, c, &f->user, type, id));
	}
}

/* Sends what the log has past the feed's position (and the window before
 * it), then the state if the clock changed it. */
static void step(struct worker *w, struct feed *f, const struct contest *c, struct text *t)
{
	int e;
	uint64_t from = f->hw > FEED_WINDOW ? f->hw - FEED_WINDOW : 0;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT seq, type, object_id FROM contest_events WHERE contest_id = %q AND seq > %L "
				  "ORDER BY seq",
				  f->cid, (long long)from);
	json_object *done = json_object_new_object(); /* "type/id" sent in this step */
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		uint64_t seq = strtoull(row[0], NULL, 10);
		if (f->seen[seq % FEED_WINDOW] == seq)
			continue;
		f->seen[seq % FEED_WINDOW] = seq;
		if (seq > f->hw)
			f->hw = seq;
		char key[128], token[24];
		snprintf(key, sizeof key, "%s/%s", row[1], row[2] ? row[2] : "");
		if (json_object_object_get_ex(done, key, NULL))
			continue;
		json_object_object_add(done, key, NULL);
		size_t start = t->len;
		change_lines(w, f, c, row[1], row[2], t);
		snprintf(token, sizeof token, "%llu", (unsigned long long)seq);
		last_token(t, start, token);
	}
	mysql_free_result(res);
	json_object_put(done);
	/* The start shows everyone the problem set; nothing is logged for
	 * what the clock does. */
	if (state_line(f, c, t, 0) && !f->ended) {
		json_object *arr = clics_collection(w, c, &f->user, "problems", NULL);
		if (arr)
			line(t, "problems", NULL, arr);
	}
}

/* A new feed: every object there is, then whatever the log has after. */
static void snapshot(struct worker *w, struct feed *f, const struct contest *c, struct text *t)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e, "SELECT COALESCE(MAX(seq), 0) FROM contest_events WHERE contest_id = %q", f->cid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	f->hw = row ? strtoull(row[0], NULL, 10) : 0;
	mysql_free_result(res);
	/* Entries up to hw are in what follows; later ones come after it. */
	for (uint64_t s = f->hw > FEED_WINDOW ? f->hw - FEED_WINDOW + 1 : 1; s <= f->hw; s++)
		f->seen[s % FEED_WINDOW] = s;
	line(t, "contest", NULL, contest_json(c));
	state_line(f, c, t, 1);
	for (const char *const *k = clics_collections; *k; k++)
		lines_of(t, *k, clics_collection(w, c, &f->user, *k, NULL));
	char token[24];
	snprintf(token, sizeof token, "%llu", (unsigned long long)f->hw);
	last_token(t, 0, token);
}

/*** Worker tasks ***/

static void feed_free(struct feed *f)
{
	free(f->out);
	free(f->made);
	free(f);
}

static void step_run(struct worker *w, void *arg)
{
	struct feed *f = arg;
	struct contest c;
	struct text t = {0};
	if (worker_ready(w))
		return; /* the database is away: the next tick tries again */
	if (contest_load(w->db, f->cid, &c))
		f->ended = 1; /* the contest is gone */
	else
		step(w, f, &c, &t);
	f->made = t.p;
	f->made_len = t.len;
}

static void feed_schedule(struct feed *f);

static void feed_queue(struct feed *f, const char *s, size_t n)
{
	if (f->len - f->sent + n > FEED_MAX_OUT) {
		log_warn("an event feed client is too far behind; dropped", "contest", f->cid, NULL);
		f->drop = 1;
		if (f->wsi)
			lws_set_timeout(f->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC);
		return;
	}
	if (f->sent && f->sent == f->len)
		f->len = f->sent = 0;
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		while (cap < f->len + n)
			cap *= 2;
		f->out = realloc(f->out, cap);
		f->cap = cap;
	}
	memcpy(f->out + f->len, s, n);
	f->len += n;
	if (f->wsi)
		lws_callback_on_writable(f->wsi);
}

static void feed_unlist(struct feed *f)
{
	for (struct feed **p = &feeds; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	f->listed = 0;
}

static void step_done(void *arg)
{
	struct feed *f = arg;
	f->busy = 0;
	f->last_step_ms = util_mono_ms();
	if (f->made) {
		if (!f->gone && !f->drop)
			feed_queue(f, f->made, f->made_len);
		free(f->made);
		f->made = NULL;
	}
	if (f->gone) {
		feed_unlist(f);
		feed_free(f);
		return;
	}
	if (f->ended && f->wsi)
		lws_callback_on_writable(f->wsi); /* ends once written */
	else if (f->again)
		feed_schedule(f);
}

static void feed_schedule(struct feed *f)
{
	if (f->busy || f->ended || f->gone || f->drop) {
		f->again |= f->busy;
		return;
	}
	f->busy = 1;
	f->again = 0;
	db_submit(step_run, step_done, f);
}

/*** The service thread: notifications, the tick, writing ***/

void feed_notify(const char *cid)
{
	for (struct feed *f = feeds; f; f = f->next)
		if (!strcmp(f->cid, cid))
			feed_schedule(f);
}

static int peer_gone(int fd)
{
	char b;
	if (fd < 0)
		return 0;
	ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void feed_tick(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	int64_t now = util_mono_ms();
	for (struct feed *f = feeds; f; f = f->next) {
		if (f->gone || f->drop)
			continue;
		if (now - f->last_step_ms >= FEED_CHECK_MS)
			feed_schedule(f);
		if (f->wsi && f->len == f->sent && now - f->last_write_ms >= (int64_t)cfg.feed_keepalive_s * 1000)
			feed_queue(f, "\n", 1);
		/* A client gone shows now, not at the next write: lws reads
		 * nothing more from an HTTP/1 connection while its reply
		 * streams, so a FIN or a reset waits in the socket. */
		if (f->wsi && peer_gone(lws_get_socket_fd(f->wsi))) {
			f->drop = 1;
			lws_set_timeout(f->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC);
			continue;
		}
		/* Lines waiting and nothing written for so long: the client
		 * reads nothing (its socket is full). */
		if (f->wsi && f->len > f->sent && now - f->last_write_ms >= (int64_t)cfg.feed_stall_s * 1000) {
			log_warn("an event feed client reads nothing; dropped", "contest", f->cid, "ip", f->ip, NULL);
			f->drop = 1;
			lws_set_timeout(f->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC);
		}
	}
	if (feeds)
		lws_sul_schedule(server_context, 0, &feed_timer, feed_tick, (lws_usec_t)FEED_CHECK_MS * 1000);
	else
		feed_timer_on = 0;
}

/* The reply has started: the feed joins the list the tick and the
 * notifications walk. */
static void feed_attach(struct feed *f, struct lws *wsi)
{
	/* No timeout for a reply that never ends: a dead client shows up
	 * when a write fails (the keep-alive newline makes sure one comes). */
	lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
	f->wsi = wsi;
	f->last_write_ms = f->last_step_ms = util_mono_ms();
	f->next = feeds;
	feeds = f;
	f->listed = 1;
	if (!feed_timer_on) {
		feed_timer_on = 1;
		lws_sul_schedule(server_context, 0, &feed_timer, feed_tick, (lws_usec_t)FEED_CHECK_MS * 1000);
	}
	if (f->made) { /* what the request's own task made */
		feed_queue(f, f->made, f->made_len);
		free(f->made);
		f->made = NULL;
	}
	/* Changes logged while the first lines were made. */
	feed_schedule(f);
}

static int feed_writeable(struct lws *wsi, void *stream)
{
	struct feed *f = stream;
	if (!f->listed)
		feed_attach(f, wsi);
	if (f->drop)
		return -1;
	size_t n = f->len - f->sent;
	if (!n)
		return f->ended && !f->busy ? -1 : 0; /* the last state is out: the feed is over */
	if (n > FEED_CHUNK)
		n = FEED_CHUNK;
	static unsigned char buf[LWS_PRE + FEED_CHUNK];
	memcpy(buf + LWS_PRE, f->out + f->sent, n);
	if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP) != (int)n)
		return -1;
	f->sent += n;
	f->last_write_ms = util_mono_ms();
	if (f->sent < f->len || f->ended)
		lws_callback_on_writable(wsi);
	return 0;
}

static void feed_release(void *stream)
{
	struct feed *f = stream;
	if (!f)
		return;
	f->wsi = NULL;
	f->gone = 1;
	if (f->busy)
		return; /* step_done frees it */
	if (f->listed)
		feed_unlist(f);
	feed_free(f);
}

/*** The request ***/

/* On a worker: checks the contest and the token, makes the first lines;
 * the reply streams from then on (http.c hands writing to feed_writeable). */
static void do_feed(struct worker *w, struct req *r)
{
	struct contest c;
	if (!problem_id_valid(r->param) || contest_load(w->db, r->param, &c)) {
		http_error(r, 404, "not_found", "no contest %s", r->param);
		return;
	}
	char tok[64];
	const char *since = http_query_arg(r, "since_token", tok, sizeof tok);
	uint64_t seq = 0;
	if (since) {
		int e;
		char *end;
		seq = strtoull(since, &end, 10);
		MYSQL_RES *res = db_query(
			w->db, &e, "SELECT COALESCE(MAX(seq), 0) FROM contest_events WHERE contest_id = %q", c.id);
		MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
		uint64_t max = row ? strtoull(row[0], NULL, 10) : 0;
		mysql_free_result(res);
		if (!*since || *end || since[0] == '-' || seq > max) {
			http_error(r, 400, "bad_token", "since_token %.40s is not a token of this feed", since);
			return;
		}
	}
	struct feed *f = calloc(1, sizeof *f);
	f->user = r->user;
	snprintf(f->cid, sizeof f->cid, "%s", c.id);
	snprintf(f->ip, sizeof f->ip, "%s", r->ip);
	struct text t = {0};
	if (since) {
		f->hw = seq;
		step(w, f, &c, &t);
	} else {
		snapshot(w, f, &c, &t);
	}
	f->made = t.p;
	f->made_len = t.len;
	static const struct http_stream_ops ops = {feed_writeable, feed_release};
	r->stream = f;
	r->stream_ops = &ops;
	r->status = 200;
	r->ctype = "application/x-ndjson";
	r->ready = 1;
}

/* Service thread, before the worker: an address follows at most
 * feeds_per_ip feeds at once (each holds a connection and a share of the
 * workers' time for as long as it lasts). */
static void feed_admit(struct req *r)
{
	long n = 0;
	for (struct feed *f = feeds; f; f = f->next)
		if (!f->gone && !f->drop && !strcmp(f->ip, r->ip))
			n++;
	if (n >= cfg.feeds_per_ip) {
		http_add_header(r, "retry-after", "10");
		http_error(r, 429, "too_many_feeds", "this address follows %ld event feeds already (at most %ld)", n,
			   cfg.feeds_per_ip);
	}
}

void feed_register(void)
{
	route_add_checked(HM_GET, "/api/contests/:id/event-feed", AUTH_OPTIONAL, feed_admit, do_feed);
	events_listen("feed/", feed_notify);
}

/*** Writers: the log ***/

/* Wakes the contest's feeds (through Redis: they may be on another server). */
static void contest_events_wake(struct worker *w, const char *cid)
{
	char topic[100];
	snprintf(topic, sizeof topic, "feed/%s", cid);
	events_publish(w->kv, topic, "{}");
}

void contest_event(struct worker *w, const char *cid, const char *type, const char *id)
{
	int e;
	if (id)
		mysql_free_result(db_query(
			w->db, &e, "INSERT INTO contest_events (contest_id, type, object_id) VALUES (%q, %q, %q)", cid,
			type, id));
	else
		mysql_free_result(db_query(w->db, &e, "INSERT INTO contest_events (contest_id, type) VALUES (%q, %q)",
					   cid, type));
	if (e) {
		log_warn("cannot log a contest event", "contest", cid, "type", type, NULL);
		return;
	}
	contest_events_wake(w, cid);
}

void contest_event_submissions_since(struct worker *w, const char *cid, long long from_ms)
{
	int e;
	mysql_free_result(db_query(w->db, &e,
				   "INSERT INTO contest_events (contest_id, type, object_id) SELECT contest_id, "
				   "'submissions', id FROM submissions WHERE contest_id = %q AND created_at >= "
				   "FROM_UNIXTIME(%L / 1000) ORDER BY created_at",
				   cid, (int64_t)from_ms));
	if (e)
		log_warn("cannot log a contest's submissions", "contest", cid, NULL);
	else
		contest_events_wake(w, cid);
}
