/* Every API route's own checks, with the request body and path the fuzzer
 * makes, against a real MariaDB and Redis (a scratch stack: tests/fuzz/
 * run.sh starts one and passes VERDICT_MYSQL_URL and VERDICT_REDIS_URL).
 * The handler runs in this process on a worker of its own, as a request
 * past authentication would: anonymous, a contestant, or the admin.
 *
 * Input: one byte for who asks (0 anonymous, 1 a contestant, 2 and 3 the
 * admin), then "METHOD /path?query\n", then the body. Whatever comes, the
 * reply is set and is not a 5xx other than 503: bad input is the client's
 * error and says so. */
#include <mysql.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "server.h"
#include "util.h"

static struct worker worker;
static struct user team, admin;

static void fetch_user(const char *name, struct user *u)
{
	int e;
	MYSQL_RES *res = db_query(worker.db, &e, "SELECT id, role FROM users WHERE username = %q", name);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		fprintf(stderr, "fuzz_api: no user %s\n", name);
		abort();
	}
	u->id = strtoll(row[0], NULL, 10);
	snprintf(u->username, sizeof u->username, "%s", name);
	snprintf(u->role, sizeof u->role, "%s", row[1]);
	mysql_free_result(res);
}

static void init(void)
{
	char err[512];
	char *argv[] = {"fuzz_api", NULL};
	if (!getenv("VERDICT_MYSQL_URL") || !getenv("VERDICT_REDIS_URL")) {
		fprintf(stderr,
			"fuzz_api: needs a stack (VERDICT_MYSQL_URL, VERDICT_REDIS_URL): use ./verdict fuzz api\n");
		abort();
	}
	setenv("VERDICT_VALIDATOR_CHECK_S", "2", 0);
	if (server_config_load(1, argv, err, sizeof err)) {
		fprintf(stderr, "fuzz_api: %s\n", err);
		abort();
	}
	log_init("fuzz", (enum log_level)(LOG_ERROR + 1));
	if (sodium_init() < 0)
		abort();
	mysql_library_init(0, NULL, NULL);
	server_routes_register();
	if (worker_ready(&worker))
		abort();
	mysql_free_result(db_query(worker.db, &(int){0},
				   "INSERT IGNORE INTO users (username, password_hash) VALUES ('fuzzteam', 'x')"));
	fetch_user("fuzzteam", &team);
	fetch_user("admin", &admin);
}

static const struct {
	const char *name;
	enum http_method m;
} methods[] = {{"GET", HM_GET}, {"POST", HM_POST}, {"PUT", HM_PUT}, {"PATCH", HM_PATCH}, {"DELETE", HM_DELETE}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready)
		init(), ready = 1;
	if (size < 2)
		return 0;
	int who = data[0] & 3;
	const char *line = (const char *)data + 1, *end = (const char *)data + size;
	const char *nl = memchr(line, '\n', (size_t)(end - line));
	const char *sp = nl ? memchr(line, ' ', (size_t)(nl - line)) : NULL;
	if (!sp)
		return 0;
	struct req *r = calloc(1, sizeof *r);
	r->method = HM_OTHER;
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
		if ((size_t)(sp - line) == strlen(methods[i].name) &&
		    !memcmp(line, methods[i].name, (size_t)(sp - line)))
			r->method = methods[i].m;
	const char *target = sp + 1, *q = memchr(target, '?', (size_t)(nl - target));
	size_t pl = (size_t)((q ? q : nl) - target);
	if (r->method == HM_OTHER || pl >= sizeof r->path || memchr(target, 0, (size_t)(nl - target))) {
		free(r);
		return 0;
	}
	memcpy(r->path, target, pl);
	if (q)
		snprintf(r->query, sizeof r->query, "%.*s", (int)(nl - q - 1), q + 1);
	snprintf(r->ip, sizeof r->ip, "127.0.0.%d", 10 + who);
	snprintf(r->host, sizeof r->host, "verdict.test");
	r->body_len = (size_t)(end - nl - 1);
	r->body = malloc(r->body_len + 1);
	memcpy(r->body, nl + 1, r->body_len);
	r->body[r->body_len] = 0;
	r->body_done = 1;
	enum route_auth auth;
	route_fn fn;
	route_work_fn work;
	/* The event feed streams on its socket: fuzzed through fuzz_http. */
	if (!route_find(r, &auth, &fn, &work) || strstr(r->path, "/event-feed") || (auth >= AUTH_USER && who == 0) ||
	    (auth == AUTH_ADMIN && who == 1)) {
		free(r->body);
		free(r);
		return 0;
	}
	if (who == 1)
		r->user = team;
	else if (who >= 2)
		r->user = admin;
	r->work = work;
	if (fn)
		fn(r);
	if (!r->ready && work) {
		if (worker_ready(&worker))
			abort(); /* the stack went away: not the input's fault */
		work(&worker, r);
	}
	if (!r->ready || r->status < 100 || (r->status >= 500 && r->status != 503)) {
		fprintf(stderr, "fuzz_api: %s %s answered %d: %.*s\n", methods[r->method].name, r->path, r->status,
			(int)(r->resp_len > 300 ? 300 : r->resp_len), r->resp ? r->resp : "");
		abort();
	}
	free(r->body);
	free(r->resp);
	free(r);
	return 0;
}
