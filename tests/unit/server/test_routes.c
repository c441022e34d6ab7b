/* Unit tests of routing (server/http.c) over the server's real route table
 * (server_routes_register): what each method and path finds, with which
 * authentication, and the path parameters it takes. */
#include <stdlib.h>
#include <string.h>

#include "check_harness.h"
#include "server.h"

static struct req r;

/* The auth of the route found, or -1 when none. */
static int find(enum http_method m, const char *path)
{
	memset(&r, 0, sizeof r);
	r.method = m;
	snprintf(r.path, sizeof r.path, "%s", path);
	enum route_auth auth;
	route_fn fn;
	route_work_fn work;
	return route_find(&r, &auth, &fn, &work) ? (int)auth : -1;
}

int main(void)
{
	server_routes_register();
	CHECK(find(HM_GET, "/api/runs/abc123") == AUTH_NONE && !strcmp(r.param, "abc123"));
	CHECK(find(HM_POST, "/api/runs") == AUTH_OPTIONAL);
	CHECK(find(HM_POST, "/api/runs/abc/share") == AUTH_NONE && !strcmp(r.param, "abc"));
	CHECK(find(HM_HEAD, "/api/languages") == AUTH_NONE); /* HEAD finds the GET */
	CHECK(find(HM_POST, "/api/submissions") == AUTH_USER);
	CHECK(find(HM_GET, "/api/contests/c1/problems/p-2") == AUTH_OPTIONAL && !strcmp(r.param, "c1") &&
	      !strcmp(r.param2, "p-2"));
	CHECK(find(HM_GET, "/api/contests/c1/event-feed") == AUTH_OPTIONAL);
	CHECK(find(HM_PUT, "/api/contests/c1") == AUTH_ADMIN);
	/* A problem's edits are the admin's, whichever file serves them. */
	CHECK(find(HM_PATCH, "/api/problems/sum") == AUTH_ADMIN);
	CHECK(find(HM_DELETE, "/api/problems/sum") == AUTH_ADMIN);
	CHECK(find(HM_PUT, "/api/problems/sum") != -1);
	CHECK(find(HM_GET, "/api/admin/settings") == AUTH_ADMIN);
	CHECK(find(HM_PATCH, "/api/users/alice") == AUTH_ADMIN && !strcmp(r.param, "alice"));
	CHECK(find(HM_GET, "/metrics") == AUTH_OPTIONAL);
	/* Nothing else. */
	CHECK(find(HM_GET, "/api/nothing") == -1);
	CHECK(find(HM_DELETE, "/api/runs/abc") == -1);
	CHECK(find(HM_GET, "/api/runs/") == -1);      /* an empty parameter */
	CHECK(find(HM_GET, "/api/runs/a/b/c") == -1); /* more path than the pattern */
	char long_path[400] = "/api/runs/";
	memset(long_path + 10, 'x', 200);
	CHECK(find(HM_GET, long_path) == -1);       /* a parameter longer than its buffer */
	CHECK(r.param[0] == 0 && r.param2[0] == 0); /* and no half-filled parameter */
	return check_summary();
}
