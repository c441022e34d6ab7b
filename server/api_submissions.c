/* Submissions to problems: create (stored, then queued with everything a
 * judge needs: limits, tests by hash, the validator), read with per-test
 * results, and the compile check of a package's validator at import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "package.h"
#include "contest.h"
#include "server.h"
#include "util.h"
#include "submissions.h"
#include "ws.h"

static void do_create(struct worker *w, struct req *r)
{
	json_object *o = req_json(r);
	if (!o)
		return;
	const char *pid = util_json_str(o, "problem"), *lang = util_json_str(o, "language");
	json_object *jc;
	char id[17];
	if (!pid || !lang || !json_object_object_get_ex(o, "code", &jc) || !json_object_is_type(jc, json_type_string))
		http_error(r, 400, "bad_request", "problem, language and code are required strings");
	else
		submission_create(w, r, util_json_str(o, "contest"), pid, lang, json_object_get_string(jc),
				  (size_t)json_object_get_string_len(jc), id);
	json_object_put(o);
}

static void do_get(struct worker *w, struct req *r)
{
	int admin = !strcmp(r->user.role, "admin");
	int64_t owner = 0;
	json_object *o = submission_get(w, r->param, 1, admin, &owner);
	/* Someone else's submission does not exist, as far as they can tell. */
	if (o && !admin && owner != r->user.id) {
		json_object_put(o);
		o = NULL;
	}
	if (!o)
		http_error(r, 404, "not_found", "no submission %s", r->param);
	else
		http_reply_json(r, 200, o);
}

/*** The validator's compile check at import ***/

/* submission/<id> on the socket: only its author and admins follow it. */
static json_object *submission_topic_snapshot(struct worker *w, const char *topic, const char *id, const struct user *u)
{
	(void)topic;
	int64_t owner = 0;
	int admin = !strcmp(u->role, "admin");
	json_object *o = submission_get(w, id, 0, admin, &owner);
	if (o && !admin && (!u->id || owner != u->id)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

void api_submissions_register(void)
{
	static const struct ws_topic topic = {"submission/", ws_topic_id, submission_topic_snapshot};
	ws_topic_add(&topic);
	route_add_work(HM_POST, "/api/submissions", AUTH_USER, do_create);
	route_add_work(HM_GET, "/api/submissions/:id", AUTH_USER, do_get);
}
