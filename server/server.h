/* verdict-server internals shared by its files.
 *
 * Threads (DESIGN.md): the lws service thread owns every struct lws, every
 * struct req while it is not handed to a worker, and the topic registry.
 * Worker threads (db.c) own one MYSQL and one redisContext each and run
 * tasks; a finished task goes back to the service thread through a queue and
 * lws_cancel_service(). The recorder thread (recorder.c) consumes results and
 * sweeps; the pub/sub thread (events.c) receives events for sockets.
 */
#ifndef VERDICT_SERVER_H
#define VERDICT_SERVER_H

#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <libwebsockets.h>
#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "kv.h"
#include "proto.h"

/*** Configuration, read once at start (state.c) ***/

struct server_config {
	int port;
	const char *bind;
	const char *web_root;
	const char *mysql_url;
	const char *redis_url;
	const char *var_dir;
	int workers;
	long max_code_bytes, max_input_bytes, max_output_store;
	double run_cpu_s, run_wall_s;
	long run_memory_mb;
	int sweep_after_s;
	int judge_stale_s;
	int session_days;
	long ws_max_message;
	int ws_max_queue;
	int ws_max_msgs_per_s;
	long max_package_bytes;
	double default_time_limit;
	long default_memory_mb;
	const char *judge_token;
	int validator_check_s;
	long rate_submissions, rate_runs, rate_login_user, rate_login_ip, rate_registrations;
	long feed_keepalive_s;
	long max_conns_per_ip; /* 0: no limit */
	long feeds_per_ip;
	long feed_stall_s;
	long ws_idle_s;
	const char *metrics_token; /* NULL: admins only */
	char public_origin[256];   /* from public_url: the only Origin taken; "": same as Host */
	int cookie_secure;         /* public_url is https: cookies are Secure */
	long body_timeout_s;
	int proxy_header_real_ip; /* 1: trusted proxies name the client in X-Real-IP, 0: X-Forwarded-For */
};
extern struct server_config cfg;
extern struct lws_context *server_context;
extern atomic_int server_draining;
int server_config_load(int argc, char **argv, char *err, size_t errlen);

/* The context's options and its one protocol (HTTP and the WebSocket on
 * one callback, http.c): the server and the fuzz targets start lws alike. */
#define SERVER_LWS_OPTIONS (LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6)
extern const struct lws_protocols server_protocols[];
void server_routes_register(void);

/* Connections per client address (peers.c), service thread only. */
int peers_accept(struct lws *wsi); /* 0 takes a new connection, -1 refuses it */
void peers_release(struct lws *wsi);
void peers_client_ip(struct lws *wsi, char *ip, size_t len); /* the client, behind trusted proxies too */

/*** Users and auth (auth.c) ***/

struct user {
	int64_t id; /* 0: anonymous */
	char username[40];
	char role[16]; /* "admin" or "contestant" */
	int premium;
};

/*** Worker pool (db.c) ***/

struct worker {
	int id;
	MYSQL *db;
	redisContext *kv;
};

/* Runs run(w, arg) on a worker thread, then done(arg) on the service thread.
 * arg is borrowed by both; done owns the clean-up. */
void db_submit(void (*run)(struct worker *w, void *arg), void (*done)(void *arg), void *arg);
int db_start(int nworkers, char *err, size_t errlen);
void db_stop(void);
/* Service thread: runs the done callbacks of finished tasks. */
void db_drain_completions(void);
int db_pending(void);

/* Connects a MYSQL handle to cfg.mysql_url; NULL with why in err. */
MYSQL *db_connect(char *err, size_t errlen);
/* Makes sure w->db and w->kv are usable, reconnecting when they were lost. */
int worker_ready(struct worker *w);
/* Prepared-statement-free helpers: escaped query building. */
int db_exec(MYSQL *db, const char *sql);
char *db_escape(MYSQL *db, const char *s, size_t len); /* caller frees */
/* After a failed statement: 1 when trying again may succeed (the
 * connection, a deadlock, a failover), 0 when the statement or its data is
 * at fault and would fail the same way. */
int db_error_transient(MYSQL *db);
MYSQL_RES *db_query(MYSQL *db, int *err, const char *fmt, ...);

/*** HTTP (http.c) ***/

enum http_method { HM_GET, HM_POST, HM_PUT, HM_PATCH, HM_DELETE, HM_HEAD, HM_OPTIONS, HM_OTHER };

/* What a streamed reply does (service thread): writeable when the
 * connection can take more (-1 ends it), release when the request is over
 * (the connection closed). */
struct http_stream_ops {
	int (*writeable)(struct lws *wsi, void *stream);
	void (*release)(void *stream);
};

struct req {
	struct lws *wsi; /* service thread; NULL once the connection closed */
	enum http_method method;
	char path[1024];
	char query[2048];
	char ip[64];
	char origin[256];
	char host[256];
	char cookie[512];
	char authz[512];
	char ctype_in[128];
	char *body;
	size_t body_len, body_cap, body_max;
	int64_t body_deadline_ms; /* the whole body by then (body_timeout_s) */
	int body_too_big;
	int body_done;        /* dispatched: the body is complete and no longer grows */
	long retry_ms;        /* AUTH_LIMITED: how long to wait */
	int origin_too_long;  /* an Origin header too long to keep: refused, not ignored */
	int authed;           /* the user was resolved (and is an admin) before the body */
	int body_complete;    /* the body ended while that check ran */
	int body_completions; /* lws said the body ended (once, but for a pipelined request) */
	/* Filled by the handler (any thread while it owns the req). */
	struct user user;
	int status;
	char *resp; /* malloc'd */
	size_t resp_len, resp_sent;
	const char *ctype;
	char extra[1024]; /* extra header lines "name: value\r\n" */
	int headers_sent;
	int ready; /* a response is set */
	int busy;  /* a worker holds it: the service thread must not free it */
	void *ctx;
	void (*work)(struct worker *w, struct req *r);
	char param[128];  /* first path parameter */
	char param2[128]; /* second path parameter */
	int64_t started_ms;
	/* A reply streamed after its headers (the event feed), set by its
	 * handler: the transport calls ops, knowing nothing of what it is. */
	void *stream;
	const struct http_stream_ops *stream_ops;
};

void http_reply(struct req *r, int status, const char *ctype, char *body, size_t len); /* takes body */
void http_reply_json(struct req *r, int status, json_object *o);                       /* takes o */
int http_origin_allowed(const char *origin, const char *host); /* a browser Origin of our own site */
void http_error(struct req *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void http_add_header(struct req *r, const char *name, const char *value);
const char *http_query_arg(struct req *r, const char *name, char *buf, size_t len);
int http_page_args(struct req *r, int *page, int *per); /* 0, or -1 with a 400 set */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);

/*** Routes: each API file registers handlers ***/

/* A handler runs on the service thread. It either replies at once or sets
 * r->work, which then runs on a worker (with r->user resolved when
 * need_auth asks for it), and the reply goes out when it returns. */
typedef void (*route_fn)(struct req *r);
typedef void (*route_work_fn)(struct worker *w, struct req *r);
enum route_auth { AUTH_NONE, AUTH_OPTIONAL, AUTH_USER, AUTH_ADMIN };
void route_add(enum http_method m, const char *pattern, enum route_auth auth, route_fn fn);
/* The handler runs on a worker: most API calls, which all touch MySQL. */
void route_add_work(enum http_method m, const char *pattern, enum route_auth auth, route_work_fn work);
/* A check on the service thread first (it may answer), then the worker. */
void route_add_checked(enum http_method m, const char *pattern, enum route_auth auth, route_fn check,
		       route_work_fn work);
/* Parses the JSON object body of r; NULL after replying 400. Caller owns it. */
struct route;
const struct route *route_find(struct req *r, enum route_auth *auth, route_fn *fn, route_work_fn *work);
json_object *req_json(struct req *r);
void api_runs_register(void);
void api_auth_register(void);
/* A username as registration allows it: 3 to 32 of letters, digits, '_',
 * '.' and '-'. */
int username_valid(const char *s);
void api_misc_register(void);
void api_problems_register(void);
void api_submissions_register(void);
void api_admin_register(void);
void api_contests_register(void);
void api_verification_register(void);

/*** The CLICS event feed (feed.c), service thread ***/

void feed_register(void);
/* A change was logged for a contest: its feeds read the log. */
void feed_notify(const char *cid);

/*** Contests (api_contests.c), on workers ***/

/* A contest submission was recorded: the team's board rows; the push
 * follows in contest_board_flush (recorder thread), a few times a second. */
void contest_board_update(struct worker *w, const char *contest_id, int64_t user_id);
int contest_board_flush(struct worker *w, int interval_ms);
int contest_board_pending(void);
/* The public (or jury) scoreboard; NULL for an unknown contest. */
json_object *contest_board_snapshot(struct worker *w, const char *contest_id, int jury);
/* The clarifications u may see (NULL u: the public); NULL for an unknown contest. */
json_object *contest_clarifications(struct worker *w, const char *contest_id, const struct user *u);
/* 0 when u may submit pid to the contest now, else an HTTP status and why. */
int contest_may_submit(struct worker *w, const char *cid, const char *pid, const struct user *u, char *msg, size_t n);

/* A 429 with Retry-After and a JSON error saying how long (http.c). */
void http_rate_limited(struct req *r, long wait_ms, const char *what);

#include "fairuse.h"

/*** Auth (auth.c), on workers ***/

/* Resolves the session cookie or basic credentials of r into r->user. 0 ok
 * (maybe anonymous), -1 when credentials were given but are wrong. */
/* 0 resolved (r->user set, or anonymous), -1 bad credentials, AUTH_LIMITED
 * too many failures (r->retry_ms), AUTH_BUSY no slot to verify a password. */
#define AUTH_LIMITED (-2)
#define AUTH_BUSY    (-3)
int auth_resolve(struct worker *w, struct req *r);
int auth_resolve_token(struct worker *w, const char *cookie_header, struct user *u);
/* The session token in a Cookie header (*len bytes), or NULL. */
const char *auth_session_token(const char *cookie_header, size_t *len);
int auth_hash_password(const char *pw, char out[128]);
int auth_verify_password(const char *hash, const char *pw);
/* 1 when pw is hash's password, 0 when not (hash NULL: no such account,
 * refused after as long as a wrong password takes), -1 when too many
 * verifications run at once. */
int auth_check_password(const char *hash, const char *pw);
/* Failed logins: the wait in ms before name may try again from ip (-1:
 * none), and counting one more failure. */
long auth_login_wait(struct worker *w, const char *name, const char *ip);
void auth_login_failed(struct worker *w, const char *name, const char *ip);
int auth_new_session(struct worker *w, int64_t user_id, char token_out[64]);
void auth_ensure_admin(MYSQL *db);
void auth_forget(int64_t user_id); /* drops cached basic credentials of a changed user */
/* Accounts and sessions: auth.c is the only writer of users and sessions.
 * A new account: 0 with its id, 409 when the name is taken, -1. */
int auth_create_user(struct worker *w, const char *name, const char *hash, int64_t *id_out);
/* An admin's change (role NULL, premium or disabled -1: unchanged); a
 * disabled account's sessions end. */
void auth_update_user(struct worker *w, int64_t uid, const char *role, int premium, int disabled);
void auth_end_session(struct worker *w, const char *cookie); /* the session the cookie names */

/*** Runs (runs.c: the runs table; api_runs.c: its HTTP and socket faces) ***/

#define RUN_ID_LEN 12

json_object *run_row_to_json(MYSQL_ROW row, unsigned long *lens);
extern const char *const run_columns; /* the SELECT list run_row_to_json reads */
/* Inserts a run and queues its job. 0, or an HTTP status with msg set. */
int runs_create(struct worker *w, const struct user *u, const char *ip, const char *lang, const char *code,
		size_t code_len, const char *input, size_t input_len, char id_out[17], char *msg, size_t msglen);
/* Fetches a run's public object; NULL when unknown. */
json_object *runs_get(struct worker *w, const char *id);
void runs_publish(struct worker *w, const char *id); /* its state on run/<id> */
/* Records a judge's result (recorder thread): 0 handled (recorded, a
 * repeat, or refused for good and recorded as JE), -1 to try again. */
int runs_record(struct worker *w, const struct proto_result *r);
void runs_sweep(struct worker *w); /* queues again the runs whose job was lost */
/* The run's share slug, made on first use: 0, 404 (no such run) or 503. */
int runs_share(struct worker *w, const char *id, char *slug_out, size_t len);
/* A shared run (code, input, result) by its slug; NULL when unknown. */
json_object *runs_get_shared(struct worker *w, const char *slug);

/*** Jobs (jobs.c: the only writer of the job streams) ***/

int runs_enqueue(redisContext *kv, const char *id, int attempt, const char *lang, const char *code, size_t code_len,
		 const char *input, size_t input_len);
/* Queues a stored submission in its lane (contest, premium, normal or, with
 * rejudge set, rejudge). 0 or -1. */
int submission_enqueue(struct worker *w, const char *id, int attempt, int rejudge);
/* Queues a job on a lane with its index entry (id -> stream entry), in
 * one round trip. 0 or -1. */
int job_enqueue(redisContext *kv, enum kv_lane lane, const struct proto_job *job);
int job_exists(redisContext *kv, const char *id); /* a job for this id is queued or in hand */
int language_known(redisContext *kv, const char *lang);
struct pkg;
/* Whether a package's output validator compiles, asked of a judge (waits
 * up to validator_check_s). 0, or -1 with why. */
int validator_check(struct worker *w, const struct pkg *p, char *err, size_t errlen);

/*** Submissions (submissions.c: the submissions and submission_tests
 * tables; api_submissions.c: the HTTP face) ***/

#define SUB_ID_LEN 12
/* Checks, stores and queues a submission. Replies itself (202 with the id,
 * or the error); id_out gets the id when it was stored. 0 stored. */
int submission_create(struct worker *w, struct req *r, const char *contest, const char *pid, const char *lang,
		      const char *code, size_t code_len, char id_out[17]);
json_object *submission_get(struct worker *w, const char *id, int with_code, int admin, int64_t *owner);
void submissions_publish(struct worker *w, const char *id);             /* its state on submission/<id> */
int submissions_record(struct worker *w, const struct proto_result *r); /* as runs_record */
void submissions_sweep(struct worker *w);
/* Queues a submission again in the rejudge lane (its old result stays
 * visible until the new one lands). 0, or -1 when there is none. */
int submission_rejudge(struct worker *w, const char *id);
/* A package's own submission, stored for its verification (no user). */
int submission_store_verification(struct worker *w, const char *pid, const char *lang, const char *code,
				  size_t code_len, char id_out[SUB_ID_LEN + 1]);

/*** Problems (api_problems.c, blobs.c, api_verification.c) ***/

struct pkg_file;
int problem_id_valid(const char *s);
int blob_put(MYSQL *db, const char *sha, const void *data, size_t len);
int blob_get(MYSQL *db, const char *sha, char **out, size_t *len); /* *out malloc'd */
/* Package verification (api_verification.c): judges the package's own
 * submissions/ of problem pid (files borrowed) in the rejudge lane. The
 * number queued, or -1 with err. */
int verification_start_files(struct worker *w, const char *pid, const struct pkg_file *files, size_t nfiles, int legacy,
			     char *err, size_t errlen);

/*** The audit log (audit.c) ***/

#define AUDIT_DETAIL_MAX 60000 /* bytes of detail kept (the column holds 64 KiB) */
int audit(struct worker *w, const struct user *u, const char *action, const char *target, const char *detail);

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

/*** Who may see a problem (api_problems.c) ***
 *
 * A problem in a contest that has not ended is held back: the jury sees it
 * always, that contest's teams from its start (through the contest), and
 * everyone else once every contest holding it has ended, or when an admin
 * makes it public. Held back, it is absent from the bank and search, its
 * page, samples and files are 404, and normal submissions to it are 403. */

/* SQL: the problem row aliased p is held back. */
#define SQL_PROBLEM_HELD(p)                                                                                  \
	"(NOT " p ".made_public AND EXISTS (SELECT 1 FROM contest_problems hcp JOIN contests hc ON hc.id = " \
	"hcp.contest_id WHERE hcp.problem_id = " p ".id AND (hc.start_time IS NULL OR hc.start_time + "      \
	"INTERVAL hc.duration_s SECOND > NOW(3))))"
/* SQL: the submission row aliased s is hidden by its contest's freeze (sent
 * from the freeze on, before a thaw): it counts for no public figure. */
#define SQL_SUBMISSION_FROZEN(s)                                                                               \
	"EXISTS (SELECT 1 FROM contests fc WHERE fc.id = " s ".contest_id AND fc.freeze_s IS NOT NULL AND "    \
	"fc.thawed_at IS NULL AND " s ".created_at >= fc.start_time + INTERVAL (fc.duration_s - fc.freeze_s) " \
	"SECOND)"

/* 1 when u may see problem pid (it exists and is not held back from u), 0
 * when not, -1 when MySQL failed. held: set to 1 when it is held back from
 * the public (when not NULL). */
int problem_visible(struct worker *w, const char *pid, const struct user *u, int *held);

/*** Recorder and sweeper (recorder.c) ***/

int recorder_start(char *err, size_t errlen);
void recorder_stop(void);

/*** Metrics (api_misc.c) ***/

extern atomic_long metric_http_requests, metric_http_errors, metric_runs_created, metric_results_recorded,
	metric_results_rejected, metric_ws_messages, metric_conns_refused, metric_events_pushed, metric_ws_dropped,
	metric_ws_parsed_off_thread, metric_password_checks;

#endif
