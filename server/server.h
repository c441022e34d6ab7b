/* verdict-server: what every file shares (the configuration, users, the
 * worker pool, requests and routes, metrics). Each subsystem's contract is
 * its own header: auth.h, runs.h, submissions.h, jobs.h, problems.h,
 * contest.h, events.h, ws.h, audit.h, fairuse.h, record.h, recorder.h.
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
	double infer_time_cap_s;
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
	const struct route *route; /* the route found, while its handler runs */
	char param[128];           /* first path parameter */
	char param2[128];          /* second path parameter */
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

/* A 429 with Retry-After and a JSON error saying how long (http.c). */
void http_rate_limited(struct req *r, long wait_ms, const char *what);

/*** Metrics (api_misc.c) ***/

extern atomic_long metric_http_requests, metric_http_errors, metric_runs_created, metric_results_recorded,
	metric_results_rejected, metric_ws_messages, metric_conns_refused, metric_events_pushed, metric_ws_dropped,
	metric_ws_parsed_off_thread, metric_password_checks;

#endif
