/* HTTP: requests, routes, replies and the static web files.
 *
 * A request lives in a struct req from LWS_CALLBACK_HTTP until its reply is
 * written. Handlers run on the service thread; blocking work goes to a
 * worker (db.c) and the reply is written from LWS_CALLBACK_HTTP_WRITEABLE,
 * one lws_write per callback. When the connection closes while a worker
 * holds the req, req->wsi is cleared and the completion frees it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "util.h"
#include "auth.h"
#include "ws.h"

/* KEEPALIVE_NOTE: one request per connection. lws 4.1.6 mishandles bytes
 * it read behind a finished request (a pipelined request): a body that
 * spans them and the next read reaches the body callback from freed
 * memory, found by fuzz_http (tests/integration/hostile.test.mjs has the
 * bytes). Closing after each reply leaves nothing behind a request to
 * parse; clients open the next connection (nginx in front keeps its own
 * to the browsers). */
#define ROUTES_MAX 128
#define CHUNK      65536

struct route {
	enum http_method method;
	const char *pattern;
	enum route_auth auth;
	route_fn fn;
	route_work_fn work;
};
static struct route routes[ROUTES_MAX];
static int nroutes;

static const char *const security_headers[][2] = {
	{"content-security-policy:",
	 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
	 "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"},
	{"x-content-type-options:", "nosniff"},
	{"x-frame-options:", "DENY"},
	{"referrer-policy:", "same-origin"},
};

void route_add(enum http_method m, const char *pattern, enum route_auth auth, route_fn fn)
{
	if (nroutes < ROUTES_MAX)
		routes[nroutes++] = (struct route){m, pattern, auth, fn, NULL};
}

void route_add_work(enum http_method m, const char *pattern, enum route_auth auth, route_work_fn work)
{
	if (nroutes < ROUTES_MAX)
		routes[nroutes++] = (struct route){m, pattern, auth, NULL, work};
}

void route_add_checked(enum http_method m, const char *pattern, enum route_auth auth, route_fn check,
		       route_work_fn work)
{
	if (nroutes < ROUTES_MAX)
		routes[nroutes++] = (struct route){m, pattern, auth, check, work};
}

/* Matches "/api/runs/:id/share" against a path; fills r->param, r->param2. */
static int route_match(const char *pattern, const char *path, struct req *r)
{
	int nparam = 0;
	r->param[0] = r->param2[0] = 0; /* nothing of an earlier pattern's try */
	while (*pattern && *path) {
		if (!strcmp(pattern, "*"))
			return 1; /* the rest of the path, whatever it is */
		if (*pattern == ':') {
			while (*pattern && *pattern != '/')
				pattern++;
			const char *e = strchr(path, '/');
			size_t n = e ? (size_t)(e - path) : strlen(path);
			if (!n || n >= sizeof r->param)
				return 0;
			char *dst = nparam++ ? r->param2 : r->param;
			memcpy(dst, path, n);
			dst[n] = 0;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return !*pattern && !*path;
}

/* The route for r's method and path (its parameters filled), as dispatch
 * finds it; for the API fuzz target, which runs handlers without a socket.
 * NULL when none. */
const struct route *route_find(struct req *r, enum route_auth *auth, route_fn *fn, route_work_fn *work)
{
	for (int i = 0; i < nroutes; i++)
		if (route_match(routes[i].pattern, r->path, r) &&
		    (routes[i].method == r->method || (routes[i].method == HM_GET && r->method == HM_HEAD))) {
			*auth = routes[i].auth;
			*fn = routes[i].fn;
			*work = routes[i].work;
			return &routes[i];
		}
	return NULL;
}

/*** Replies ***/

void http_add_header(struct req *r, const char *name, const char *value)
{
	size_t n = strlen(r->extra);
	snprintf(r->extra + n, sizeof r->extra - n, "%s: %s\n", name, value);
}

void http_reply(struct req *r, int status, const char *ctype, char *body, size_t len)
{
	free(r->resp);
	r->status = status;
	r->ctype = ctype;
	r->resp = body;
	r->resp_len = len;
	r->resp_sent = 0;
	r->ready = 1;
	if (status >= 400)
		atomic_fetch_add(&metric_http_errors, 1);
}

void http_reply_json(struct req *r, int status, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);
	char *body = malloc(n + 1);
	memcpy(body, s, n + 1);
	json_object_put(o);
	http_reply(r, status, "application/json", body, n);
}

void http_error(struct req *r, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_object *err = json_object_new_object();
	json_object_object_add(err, "code", json_object_new_string(code));
	json_object_object_add(err, "message", json_object_new_string(msg));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", err);
	http_reply_json(r, status, o);
}

const char *http_query_arg(struct req *r, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name);
	const char *p = r->query;
	while (p && *p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		if (n > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			size_t vl = n - nl - 1;
			if (vl >= len)
				vl = len - 1;
			memcpy(buf, p + nl + 1, vl);
			buf[vl] = 0;
			return buf;
		}
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static void req_free(struct req *r)
{
	if (!r)
		return;
	if (r->stream_ops)
		r->stream_ops->release(r->stream);
	free(r->body);
	free(r->resp);
	free(r);
}

/* Service thread: a handler or worker finished; write the reply. */
static void req_send(struct req *r)
{
	if (!r->wsi) {
		req_free(r);
		return;
	}
	if (!r->ready)
		http_error(r, 500, "internal", "the request was not answered");
	lws_callback_on_writable(r->wsi);
}

/*** Dispatch ***/

static void req_work_run(struct worker *w, void *arg)
{
	struct req *r = arg;
	if (worker_ready(w)) {
		http_error(r, 503, "unavailable", "the database is not reachable, try again");
		return;
	}
	r->work(w, r);
}

static void req_work_done(void *arg)
{
	struct req *r = arg;
	r->busy = 0;
	req_send(r);
}

static void req_run_handler(struct req *r, const struct route *rt)
{
	r->work = rt->work;
	if (rt->fn)
		rt->fn(r);
	if (r->ready) {
		req_send(r);
	} else if (r->work) {
		r->busy = 1;
		db_submit(req_work_run, req_work_done, r);
	} else {
		http_error(r, 500, "internal", "no reply");
		req_send(r);
	}
}

/* Whether who r is (auth_resolve said bad) may use rt (NULL: a package
 * upload, admins only); when not, the reply is set. Any thread. */
static int auth_refused(struct req *r, const struct route *rt, int bad)
{
	if (bad == AUTH_LIMITED) {
		http_rate_limited(r, r->retry_ms, "failed logins");
	} else if (bad == AUTH_BUSY) {
		http_add_header(r, "retry-after", "1");
		http_error(r, 503, "busy", "too many logins at once, try again in a second");
	} else if (bad) {
		http_add_header(r, "www-authenticate", "Basic realm=\"verdict\"");
		http_error(r, 401, "unauthorized", "wrong username or password");
	} else if ((!rt || rt->auth >= AUTH_USER) && !r->user.id) {
		/* No Basic challenge here: a browser would open its own sign-in
		 * dialog over the page for every anonymous fetch. */
		http_error(r, 401, "unauthorized", "log in first");
	} else if ((!rt || rt->auth == AUTH_ADMIN) && strcmp(r->user.role, "admin")) {
		http_error(r, 403, "forbidden", "admins only");
	} else {
		return 0;
	}
	return 1;
}

/* A handler on a worker whose caller is found out on the same trip: one
 * queue wait, not two. */
static void req_auth_work_run(struct worker *w, void *arg)
{
	struct req *r = arg;
	if (worker_ready(w)) {
		http_error(r, 503, "unavailable", "the database is not reachable, try again");
		return;
	}
	if (!auth_refused(r, r->route, auth_resolve(w, r)))
		r->work(w, r);
}

struct auth_hop {
	struct req *r;
	const struct route *rt;
	int bad;
};

static void auth_hop_run(struct worker *w, void *arg)
{
	struct auth_hop *h = arg;
	if (worker_ready(w)) {
		http_error(h->r, 503, "unavailable", "the database is not reachable, try again");
		return;
	}
	h->bad = auth_resolve(w, h->r);
}

static int req_dispatch(struct req *r);

static void auth_hop_done(void *arg)
{
	struct auth_hop *h = arg;
	struct req *r = h->r;
	const struct route *rt = h->rt;
	int bad = h->bad;
	free(h);
	r->busy = 0;
	/* Before a large body (rt NULL): only an admin may send it. Past the
	 * checks, the body is read from here on and dispatched as usual.
	 * Refused, reading goes on (what comes is dropped) so that lws writes
	 * the reply, and the connection closes after it. */
	if (!rt && r->wsi) {
		lws_rx_flow_control(r->wsi, 1);
		if (!r->ready && !bad && !strcmp(r->user.role, "admin")) {
			r->authed = 1;
			r->body_max = (size_t)cfg.max_package_bytes;
			if (r->body_complete)
				req_dispatch(r);
			return;
		}
		http_add_header(r, "connection", "close");
		r->body_done = 1;
	}
	if (r->ready || !r->wsi) {
		req_send(r);
		return;
	}
	if (auth_refused(r, rt, bad))
		req_send(r);
	else {
		req_run_handler(r, rt);
		return;
	}
	req_send(r);
}

static int serve_static(struct req *r);

/* Whether a browser's Origin is our own site: the configured public_url,
 * or without one the Host the request was sent to. */
int http_origin_allowed(const char *origin, const char *host)
{
	if (cfg.public_origin[0])
		return !strcasecmp(origin, cfg.public_origin);
	const char *o = strstr(origin, "://");
	return o && !strcmp(o + 3, host);
}

/* Cross-site state changes are refused: a browser always sends Origin on
 * them, so another origin means another site's page made the call. */
static int origin_ok(struct req *r)
{
	if (r->method == HM_GET || r->method == HM_HEAD)
		return 1;
	if (r->origin_too_long) /* fails closed: it could not be compared */
		return 0;
	if (!r->origin[0])
		return 1;
	return http_origin_allowed(r->origin, r->host);
}

/* Returns -1 when lws should close the connection. */
static int req_dispatch(struct req *r)
{
	r->body_done = 1;
	atomic_fetch_add(&metric_http_requests, 1);
	if (r->body_too_big) {
		http_error(r, 413, "too_large", "the request body is larger than %zu bytes", r->body_max);
		req_send(r);
		return 0;
	}
	if (atomic_load(&server_draining)) {
		http_add_header(r, "connection", "close");
		http_error(r, 503, "draining", "the server is shutting down");
		req_send(r);
		return 0;
	}
	int path_known = 0;
	for (int i = 0; i < nroutes; i++) {
		if (!route_match(routes[i].pattern, r->path, r))
			continue;
		path_known = 1;
		if (routes[i].method != r->method && !(routes[i].method == HM_GET && r->method == HM_HEAD))
			continue;
		if (!origin_ok(r)) {
			http_error(r, 403, "cross_origin", "cross-site requests are not allowed");
			req_send(r);
			return 0;
		}
		if (routes[i].auth == AUTH_NONE || r->authed ||
		    (routes[i].auth == AUTH_OPTIONAL && !r->cookie[0] && !r->authz[0])) {
			req_run_handler(r, &routes[i]);
		} else if (routes[i].work && !routes[i].fn) {
			/* Authentication and the handler, one worker trip. */
			r->work = routes[i].work;
			r->route = &routes[i];
			r->busy = 1;
			db_submit(req_auth_work_run, req_work_done, r);
		} else {
			/* A check on the service thread comes between (the
			 * feed's admission): authentication goes first alone. */
			struct auth_hop *h = calloc(1, sizeof *h);
			h->r = r;
			h->rt = &routes[i];
			r->busy = 1;
			db_submit(auth_hop_run, auth_hop_done, h);
		}
		return 0;
	}
	if (path_known) {
		http_error(r, 405, "method_not_allowed", "method not allowed on %s", r->path);
		req_send(r);
		return 0;
	}
	if (!strncmp(r->path, "/api/", 5) || !strcmp(r->path, "/api")) {
		http_error(r, 404, "not_found", "no such endpoint: %s", r->path);
		req_send(r);
		return 0;
	}
	return serve_static(r);
}

/*** Static files ***/

static const char *mime_of(const char *path)
{
	static const char *const map[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".woff", "font/woff"},
		{".ttf", "font/ttf"},
		{".map", "application/json"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
			if (!strcmp(dot, map[i][0]))
				return map[i][1];
	return "application/octet-stream";
}

static int serve_static(struct req *r)
{
	struct lws *wsi = r->wsi;
	char file[2048];
	const char *p = r->path;
	if (r->method != HM_GET && r->method != HM_HEAD) {
		http_error(r, 405, "method_not_allowed", "method not allowed");
		req_send(r);
		return 0;
	}
	struct stat st;
	int use_index = !strcmp(p, "/") || strstr(p, "..") || strstr(p, "//") || p[0] != '/';
	if (!use_index) {
		snprintf(file, sizeof file, "%s%s", cfg.web_root, p);
		/* A path with no extension is a page of the single-page app. */
		if (stat(file, &st) || !S_ISREG(st.st_mode)) {
			const char *slash = strrchr(p, '/');
			if (strchr(slash, '.')) {
				http_error(r, 404, "not_found", "no such file: %s", p);
				req_send(r);
				return 0;
			}
			use_index = 1;
		}
	}
	if (use_index)
		snprintf(file, sizeof file, "%s/index.html", cfg.web_root);

	unsigned char hdr[2048], *hp = hdr, *end = hdr + sizeof hdr;
	int bad = 0;
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		bad |= lws_add_http_header_by_name(wsi, (const unsigned char *)security_headers[i][0],
						   (const unsigned char *)security_headers[i][1],
						   (int)strlen(security_headers[i][1]), &hp, end);
	bad |= lws_add_http_header_by_name(
		wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-cache", 8, &hp, end);
	bad |= lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:", (const unsigned char *)"close", 5,
					   &hp, end);
	if (bad)
		return -1;
	/* lws owns the transfer from here on: the req is done. */
	struct pss *pss = lws_wsi_user(wsi);
	if (pss)
		pss->req = NULL;
	req_free(r);
	int n = lws_serve_http_file(wsi, file, mime_of(file), (const char *)hdr, (int)(hp - hdr));
	return n ? -1 : 0; /* > 0: done at once; one request per connection */
}

/*** Writing the reply ***/

static int write_headers(struct lws *wsi, struct req *r)
{
	unsigned char buf[LWS_PRE + 4096], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
	/* A feed has no length: it ends when the connection does. */
	if (lws_add_http_common_headers(wsi, (unsigned)r->status, r->ctype ? r->ctype : "application/json",
					r->stream_ops ? LWS_ILLEGAL_HTTP_CONTENT_LEN : r->resp_len, &p, end))
		return -1;
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		if (lws_add_http_header_by_name(wsi, (const unsigned char *)security_headers[i][0],
						(const unsigned char *)security_headers[i][1],
						(int)strlen(security_headers[i][1]), &p, end))
			return -1;
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-store",
					8, &p, end))
		return -1;
	if (!strstr(r->extra, "connection:") && lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
									    (const unsigned char *)"close", 5, &p, end))
		return -1;
	char *line = r->extra;
	while (*line) {
		char *nl = strchr(line, '\n');
		char *colon = strchr(line, ':');
		if (!nl || !colon || colon > nl)
			break;
		char name[128];
		size_t nn = (size_t)(colon - line) + 1;
		if (nn >= sizeof name)
			break;
		memcpy(name, line, nn);
		name[nn] = 0;
		const char *v = colon + 2;
		if (lws_add_http_header_by_name(wsi, (unsigned char *)name, (const unsigned char *)v, (int)(nl - v), &p,
						end))
			return -1;
		line = nl + 1;
	}
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	return 0;
}

static int http_writeable(struct lws *wsi, struct pss *pss)
{
	struct req *r = pss->req;
	if (!r || !r->ready)
		return 0;
	if (r->stream_ops && r->headers_sent)
		return r->stream_ops->writeable(wsi, r->stream);
	if (!r->headers_sent) {
		if (write_headers(wsi, r))
			return -1;
		r->headers_sent = 1;
		if ((r->resp_len || r->stream_ops) && r->method != HM_HEAD) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	} else {
		static unsigned char buf[LWS_PRE + CHUNK];
		size_t n = r->resp_len - r->resp_sent;
		if (n > CHUNK)
			n = CHUNK;
		memcpy(buf + LWS_PRE, r->resp + r->resp_sent, n);
		int final = r->resp_sent + n == r->resp_len;
		if (lws_write(wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
			return -1;
		r->resp_sent += n;
		if (!final) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	}
	pss->req = NULL;
	req_free(r);
	return -1; /* one request per connection (KEEPALIVE_NOTE) */
}

/*** The lws callback, HTTP side ***/

static enum http_method method_of(struct lws *wsi)
{
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI))
		return HM_GET;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
		return HM_POST;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI))
		return HM_PUT;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_PATCH_URI))
		return HM_PATCH;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI))
		return HM_DELETE;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI))
		return HM_HEAD;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_OPTIONS_URI))
		return HM_OPTIONS;
	return HM_OTHER;
}

static void copy_hdr(struct lws *wsi, char *dst, size_t cap, enum lws_token_indexes t)
{
	dst[0] = 0;
	if (lws_hdr_total_length(wsi, t) > 0 && lws_hdr_total_length(wsi, t) < (int)cap)
		lws_hdr_copy(wsi, dst, (int)cap, t);
}

/* The largest body any request may send before it is authenticated: runs
 * carry code and input. Only an admin's package upload may be larger (up
 * to max_package_mb), and only once the admin is known. */
static size_t body_limit(void)
{
	return (size_t)(cfg.max_code_bytes + cfg.max_input_bytes + 65536);
}

/* An answer before the body is read (the body is then dropped and the
 * connection closed after the reply). */
static int refuse_before_body(struct req *r, int status, const char *code, const char *msg)
{
	r->body_done = 1;
	atomic_fetch_add(&metric_http_requests, 1);
	http_add_header(r, "connection", "close");
	http_error(r, status, code, "%s", msg);
	req_send(r);
	return 0;
}

static int package_upload(const struct req *r)
{
	return r->method == HM_PUT && !strncmp(r->path, "/api/problems/", 14) && !strchr(r->path + 14, '/');
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct pss *pss = user;
	struct req *r;

	switch (reason) {
	case LWS_CALLBACK_HTTP: {
		if (pss->req) { /* a pipelined request before the last reply: refuse */
			return -1;
		}
		r = calloc(1, sizeof *r);
		if (!r)
			return -1;
		pss->req = r;
		r->wsi = wsi;
		r->started_ms = util_mono_ms();
		r->method = method_of(wsi);
		snprintf(r->path, sizeof r->path, "%s", (const char *)in);
		/* The query, argument by argument (lws keeps them as decoded
		 * fragments), joined again with '&'. */
		r->query[0] = 0;
		for (int frag = 0; frag < 64; frag++) {
			char arg[1024];
			if (lws_hdr_copy_fragment(wsi, arg, sizeof arg, WSI_TOKEN_HTTP_URI_ARGS, frag) < 0)
				break;
			size_t ql = strlen(r->query);
			snprintf(r->query + ql, sizeof r->query - ql, "%s%s", ql ? "&" : "", arg);
		}
		copy_hdr(wsi, r->cookie, sizeof r->cookie, WSI_TOKEN_HTTP_COOKIE);
		copy_hdr(wsi, r->authz, sizeof r->authz, WSI_TOKEN_HTTP_AUTHORIZATION);
		copy_hdr(wsi, r->origin, sizeof r->origin, WSI_TOKEN_ORIGIN);
		r->origin_too_long = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) >= (int)sizeof r->origin;
		copy_hdr(wsi, r->host, sizeof r->host, WSI_TOKEN_HOST);
		copy_hdr(wsi, r->ctype_in, sizeof r->ctype_in, WSI_TOKEN_HTTP_CONTENT_TYPE);
		peers_client_ip(wsi, r->ip, sizeof r->ip);
		r->body_max = body_limit();
		if (r->method == HM_POST || r->method == HM_PUT || r->method == HM_PATCH) {
			char cl[32];
			copy_hdr(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH);
			/* A body of unknown length (chunked): lws 4.1.6 does not
			 * decode it on the server side, and a request is handed to
			 * a worker only with its whole body. */
			if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
				return refuse_before_body(
					r, 411, "length_required",
					"a request body needs a Content-Length (chunked bodies are not taken)");
			unsigned long long want = cl[0] ? strtoull(cl, NULL, 10) : 0;
			/* A body trickled in a byte at a time would hold the
			 * connection for good (lws times out silence only): it
			 * has body_timeout_s, and a second per 32 KiB. */
			r->body_deadline_ms =
				util_mono_ms() + cfg.body_timeout_s * 1000 + (int64_t)(want / (32 * 1024)) * 1000;
			if (want > r->body_max && package_upload(r) &&
			    want <= (unsigned long long)cfg.max_package_bytes && (r->cookie[0] || r->authz[0])) {
				/* Who sends it first, the body after (rx paused). */
				lws_rx_flow_control(wsi, 0);
				struct auth_hop *h = calloc(1, sizeof *h);
				h->r = r;
				r->busy = 1;
				atomic_fetch_add(&metric_http_requests, 1);
				db_submit(auth_hop_run, auth_hop_done, h);
				return 0;
			}
			if (want > r->body_max) {
				r->body_too_big = 1;
				/* Large enough for a package, but nobody logged in. */
				if (package_upload(r) && want <= (unsigned long long)cfg.max_package_bytes)
					return refuse_before_body(r, 401, "unauthorized",
								  "log in as an admin to upload a package");
				return req_dispatch(r);
			}
			if (cl[0] && strtoull(cl, NULL, 10) > 0)
				return 0; /* the body follows */
		}
		return req_dispatch(r);
	}
	case LWS_CALLBACK_HTTP_BODY:
		r = pss->req;
		/* Once dispatched, the body is the worker's: bytes lws hands
		 * over after that are not part of this request. */
		if (!r || r->body_done || r->body_too_big || !len)
			return 0;
		if (util_mono_ms() > r->body_deadline_ms)
			return refuse_before_body(r, 408, "timeout", "the request body came too slowly");
		if (r->body_len + len > r->body_max) {
			r->body_too_big = 1;
			return 0;
		}
		if (r->body_len + len + 1 > r->body_cap) {
			size_t cap = r->body_cap ? r->body_cap : 16384;
			while (cap < r->body_len + len + 1)
				cap *= 2;
			char *nb = realloc(r->body, cap);
			if (!nb)
				return -1;
			r->body = nb;
			r->body_cap = cap;
		}
		memcpy(r->body + r->body_len, in, len);
		r->body_len += len;
		r->body[r->body_len] = 0;
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		r = pss->req;
		/* Again for one request: bytes came after its body
		 * before its reply (a pipelined request). lws 4.1.6 would call
		 * here for good without reading them, and the service thread
		 * would spin; pipelining is refused anyway: close. */
		if (r && r->body_completions++)
			return -1;
		if (r && r->busy && !r->authed)
			r->body_complete = 1; /* dispatched when the admin check ends */
		if (!r || r->ready || r->busy)
			return 0;
		return req_dispatch(r);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writeable(wsi, pss);
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return -1; /* one request per connection (KEEPALIVE_NOTE) */
	case LWS_CALLBACK_CLOSED_HTTP:
		if (pss && pss->req) {
			/* A worker may hold it: it is freed when its task completes. */
			r = pss->req;
			pss->req = NULL;
			if (r->busy)
				r->wsi = NULL;
			else
				req_free(r);
		}
		return 0;
	default:
		return 0;
	}
}

json_object *req_json(struct req *r)
{
	if (!r->body_len) {
		http_error(r, 400, "bad_request", "a JSON body is required");
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = (size_t)json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || jerr != json_tokener_success || used != r->body_len) {
		/* Trailing white space is fine; anything else after the value is not. */
		int trailing_ok = o && jerr == json_tokener_success;
		for (size_t i = used; trailing_ok && i < r->body_len; i++)
			if (!strchr(" \t\r\n", r->body[i]))
				trailing_ok = 0;
		if (!trailing_ok) {
			json_object_put(o);
			http_error(r, 400, "bad_json", "the body is not valid JSON: %s",
				   jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "trailing data");
			return NULL;
		}
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		http_error(r, 400, "bad_json", "the body must be a JSON object");
		return NULL;
	}
	return o;
}

/* ?page= and ?per_page= of a listing; 0, or -1 with a 400 set. */
#define PAGE_MAX 1000000

int http_page_args(struct req *r, int *page, int *per)
{
	char pg[16], pp[16];
	const char *a = http_query_arg(r, "page", pg, sizeof pg), *b = http_query_arg(r, "per_page", pp, sizeof pp);
	char *e1 = NULL, *e2 = NULL;
	/* Bounded, so that (page - 1) * per_page, the OFFSET, stays an int
	 * (fuzz_api found the overflow). */
	long page_l = a ? strtol(a, &e1, 10) : 1, per_l = b ? strtol(b, &e2, 10) : 50;
	if ((a && (!*a || *e1)) || (b && (!*b || *e2)) || page_l < 1 || page_l > PAGE_MAX || per_l < 1 || per_l > 200) {
		http_error(r, 400, "bad_request", "page is 1 to %d; per_page is 1 to 200", PAGE_MAX);
		return -1;
	}
	*page = (int)page_l;
	*per = (int)per_l;
	return 0;
}

void http_rate_limited(struct req *r, long wait_ms, const char *what)
{
	char ra[32];
	snprintf(ra, sizeof ra, "%ld", (wait_ms + 999) / 1000);
	http_add_header(r, "retry-after", ra);
	json_object *err = json_object_new_object();
	char msg[160];
	snprintf(msg, sizeof msg, "too many %s: try again in %s s", what, ra);
	json_object_object_add(err, "code", json_object_new_string("rate_limited"));
	json_object_object_add(err, "message", json_object_new_string(msg));
	json_object_object_add(err, "retry_after_ms", json_object_new_int64(wait_ms));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", err);
	http_reply_json(r, 429, o);
}
