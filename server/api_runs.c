/* Runs (code with the user's own input), shares and languages: the online
 * IDE's API. A run is stored in MySQL before the reply and then queued as a
 * job on the Redis stream; the recorder writes its result back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "fairuse.h"
#include "server.h"
#include "util.h"
#include "runs.h"
#include "ws.h"

static void do_create(struct worker *w, struct req *r)
{
	json_object *o = req_json(r), *jl, *jc, *ji = NULL;
	long wait;
	if (!o)
		return;
	if (!json_object_object_get_ex(o, "language", &jl) || !json_object_is_type(jl, json_type_string) ||
	    !json_object_object_get_ex(o, "code", &jc) || !json_object_is_type(jc, json_type_string)) {
		http_error(r, 400, "bad_request", "language and code are required strings");
	} else if (json_object_object_get_ex(o, "input", &ji) && !json_object_is_type(ji, json_type_string) &&
		   !json_object_is_type(ji, json_type_null)) {
		http_error(r, 400, "bad_request", "input must be a string");
	} else if ((wait = rate_limit(w, &r->user, r->ip, "run", "rate_runs_per_min")) >= 0) {
		http_rate_limited(r, wait, "runs");
	} else {
		char id[17], msg[256];
		const char *input = ji && json_object_is_type(ji, json_type_string) ? json_object_get_string(ji) : "";
		size_t input_len =
			ji && json_object_is_type(ji, json_type_string) ? (size_t)json_object_get_string_len(ji) : 0;
		int st = runs_create(w, &r->user, r->ip, json_object_get_string(jl), json_object_get_string(jc),
				     (size_t)json_object_get_string_len(jc), input, input_len, id, msg, sizeof msg);
		if (st) {
			http_error(r, st,
				   st == 413   ? "too_large"
				   : st == 400 ? "bad_language"
					       : "unavailable",
				   "%s", msg);
		} else {
			json_object *reply = json_object_new_object();
			json_object_object_add(reply, "id", json_object_new_string(id));
			json_object_object_add(reply, "status", json_object_new_string("queued"));
			http_reply_json(r, 202, reply);
		}
	}
	json_object_put(o);
}

static void do_get(struct worker *w, struct req *r)
{
	json_object *o = runs_get(w, r->param);
	if (!o)
		http_error(r, 404, "not_found", "no run %s", r->param);
	else
		http_reply_json(r, 200, o);
}

static void do_share(struct worker *w, struct req *r)
{
	char slug[32];
	int st = util_id_valid(r->param, 16) ? runs_share(w, r->param, slug, sizeof slug) : 404;
	if (st == 404) {
		http_error(r, 404, "not_found", "no run %s", r->param);
	} else if (st) {
		http_error(r, 503, "unavailable", "cannot make a share link, try again");
	} else {
		char url[64];
		snprintf(url, sizeof url, "/s/%s", slug);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "slug", json_object_new_string(slug));
		json_object_object_add(o, "url", json_object_new_string(url));
		http_reply_json(r, 200, o);
	}
}

static void do_shared(struct worker *w, struct req *r)
{
	json_object *o = util_id_valid(r->param, 16) ? runs_get_shared(w, r->param) : NULL;
	if (!o)
		http_error(r, 404, "not_found", "no shared run %s", r->param);
	else
		http_reply_json(r, 200, o);
}

static int lang_rank(const char *id)
{
	static const char *const order[] = {"c", "cpp", "python3", "java", "javascript"};
	for (int i = 0; i < 5; i++)
		if (!strcmp(id, order[i]))
			return i;
	return 5;
}

static int lang_cmp(const void *a, const void *b)
{
	json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
	const char *ix = util_json_str(x, "id"), *iy = util_json_str(y, "id");
	int d = lang_rank(ix) - lang_rank(iy);
	return d ? d : strcmp(ix, iy);
}

/* Judges announce the languages they can run (sandbox/lang.c). */
static void do_languages(struct worker *w, struct req *r)
{
	redisReply *rep = redisCommand(w->kv, "HGETALL %s", KV_LANGS);
	json_object *arr = json_object_new_array();
	if (rep && rep->type == REDIS_REPLY_ARRAY)
		for (size_t i = 0; i + 1 < rep->elements; i += 2) {
			json_object *l = json_tokener_parse(rep->element[i + 1]->str);
			if (l)
				json_object_array_add(arr, l);
		}
	freeReplyObject(rep);
	json_object_array_sort(arr, lang_cmp);
	http_reply_json(r, 200, arr);
}

/*** On the socket: run.create, and run/<id> ***/

struct ws_run {
	struct ws_call *call;
	struct user user;
	char ip[48], lang[40], id[17], msg[256];
	char *code, *input;
	size_t code_len, input_len;
	long wait_ms;
	int status;
};

static void ws_create_run(struct worker *w, void *arg)
{
	struct ws_run *t = arg;
	if (worker_ready(w)) {
		t->status = 503;
		snprintf(t->msg, sizeof t->msg, "the database is not reachable, try again");
		return;
	}
	t->wait_ms = rate_limit(w, &t->user, t->ip, "run", "rate_runs_per_min");
	if (t->wait_ms >= 0) {
		t->status = 429;
		snprintf(t->msg, sizeof t->msg, "too many runs: try again in %ld s", (t->wait_ms + 999) / 1000);
		return;
	}
	t->status = runs_create(w, &t->user, t->ip, t->lang, t->code, t->code_len, t->input, t->input_len, t->id,
				t->msg, sizeof t->msg);
}

static void ws_create_done(void *arg)
{
	struct ws_run *t = arg;
	if (t->status == 429) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("error"));
		json_object_object_add(o, "code", json_object_new_string("rate_limited"));
		json_object_object_add(o, "message", json_object_new_string(t->msg));
		json_object_object_add(o, "retry_after_ms", json_object_new_int64(t->wait_ms));
		ws_call_reply(t->call, o);
	} else if (t->status) {
		ws_call_error(t->call,
			      t->status == 413   ? "too_large"
			      : t->status == 400 ? "bad_language"
						 : "unavailable",
			      "%s", t->msg);
	} else {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("run.created"));
		json_object_object_add(o, "id", json_object_new_string(t->id));
		ws_call_reply(t->call, o);
	}
	ws_call_done(t->call);
	free(t->code);
	free(t->input);
	free(t);
}

static void ws_run_create(struct ws_call *call, json_object *o)
{
	json_object *jl, *jc, *ji = NULL;
	if (!json_object_object_get_ex(o, "language", &jl) || !json_object_is_type(jl, json_type_string) ||
	    !json_object_object_get_ex(o, "code", &jc) || !json_object_is_type(jc, json_type_string) ||
	    (json_object_object_get_ex(o, "input", &ji) && !json_object_is_type(ji, json_type_string) &&
	     !json_object_is_type(ji, json_type_null))) {
		ws_call_error(call, "bad_request", "run.create needs language and code strings, input a string");
		return;
	}
	struct ws_run *t = calloc(1, sizeof *t);
	if (!t || !(t->call = ws_call_keep(call))) {
		free(t);
		ws_call_error(call, "unavailable", "no memory, try again");
		return;
	}
	t->user = *ws_call_user(call);
	snprintf(t->ip, sizeof t->ip, "%s", ws_call_ip(call));
	snprintf(t->lang, sizeof t->lang, "%s", json_object_get_string(jl));
	t->code_len = (size_t)json_object_get_string_len(jc);
	t->code = malloc(t->code_len + 1);
	memcpy(t->code, json_object_get_string(jc), t->code_len + 1);
	if (ji && json_object_is_type(ji, json_type_string)) {
		t->input_len = (size_t)json_object_get_string_len(ji);
		t->input = malloc(t->input_len + 1);
		memcpy(t->input, json_object_get_string(ji), t->input_len + 1);
	} else {
		t->input = strdup("");
	}
	db_submit(ws_create_run, ws_create_done, t);
}

/* A run is anyone's who has its id (the id is the secret, as with a
 * shared link). */
static json_object *run_topic_snapshot(struct worker *w, const char *topic, const char *id, const struct user *u)
{
	(void)topic;
	(void)u;
	return runs_get(w, id);
}

void api_runs_register(void)
{
	static const struct ws_topic run_topic = {"run/", ws_topic_id, run_topic_snapshot};
	ws_topic_add(&run_topic);
	ws_action_add("run.create", ws_run_create);
	route_add_work(HM_POST, "/api/runs", AUTH_OPTIONAL, do_create);
	route_add_work(HM_GET, "/api/runs/:id", AUTH_NONE, do_get);
	route_add_work(HM_POST, "/api/runs/:id/share", AUTH_NONE, do_share);
	route_add_work(HM_GET, "/api/shares/:slug", AUTH_NONE, do_shared);
	route_add_work(HM_GET, "/api/languages", AUTH_NONE, do_languages);
}
