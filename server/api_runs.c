/* Runs (code with the user's own input), shares and languages: the online
 * IDE's API. A run is stored in MySQL before the reply and then queued as a
 * job on the Redis stream; the recorder writes its result back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "server.h"
#include "util.h"

#define RUN_ID_LEN 12
#define SLUG_LEN   8

const char *const run_columns = "id, language, status, verdict, message, stdout, stderr, compile_output, "
				"stdout_truncated, stderr_truncated, exit_code, time_ms, memory_kb";

static void add_text(json_object *o, const char *key, const char *s, unsigned long len)
{
	size_t n;
	char *clean = utf8_sanitize(s ? s : "", s ? len : 0, &n);
	json_object_object_add(o, key, json_object_new_string_len(clean, (int)n));
	free(clean);
}

json_object *run_row_to_json(MYSQL_ROW row, unsigned long *lens)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(row[0]));
	json_object_object_add(o, "language", json_object_new_string(row[1]));
	json_object_object_add(o, "status", json_object_new_string(row[2]));
	if (!strcmp(row[2], "queued")) {
		json_object_object_add(o, "message", json_object_new_string("your submission is in queue"));
		return o;
	}
	if (strcmp(row[2], "done"))
		return o;
	json_object_object_add(o, "verdict", json_object_new_string(row[3] ? row[3] : "JE"));
	if (row[4] && row[4][0])
		json_object_object_add(o, "message", json_object_new_string(row[4]));
	add_text(o, "stdout", row[5], lens[5]);
	add_text(o, "stderr", row[6], lens[6]);
	add_text(o, "compile_output", row[7], lens[7]);
	json_object_object_add(o, "stdout_truncated", json_object_new_boolean(row[8] && atoi(row[8])));
	json_object_object_add(o, "stderr_truncated", json_object_new_boolean(row[9] && atoi(row[9])));
	json_object_object_add(o, "exit_code", row[10] ? json_object_new_int(atoi(row[10])) : NULL);
	json_object_object_add(o, "time_ms", json_object_new_int(row[11] ? atoi(row[11]) : 0));
	json_object_object_add(o, "memory_kb", json_object_new_int(row[12] ? atoi(row[12]) : 0));
	return o;
}

json_object *runs_get(struct worker *w, const char *id)
{
	if (!util_id_valid(id, 16))
		return NULL;
	int err;
	MYSQL_RES *res = db_query(w->db, &err, "SELECT %s FROM runs WHERE id = %q", run_columns, id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	json_object *o = row ? run_row_to_json(row, mysql_fetch_lengths(res)) : NULL;
	mysql_free_result(res);
	return o;
}

int language_known(redisContext *kv, const char *lang)
{
	if (!util_id_valid(lang, 32))
		return 0;
	redisReply *r = redisCommand(kv, "HEXISTS verdict:langs %s", lang);
	int ok = r && r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return ok;
}

/* One round trip: the job and its index entry, so the sweeper can tell a
 * run that has a job from one that lost it. */
static const char enqueue_lua[] = "local e = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2)) "
				  "redis.call('HSET', KEYS[2], ARGV[1], e) return e";

int job_enqueue(redisContext *kv, enum kv_lane lane, const char *id, const char *const *fields, const size_t *flens,
		int n)
{
	int argc = 6 + n;
	const char **argv = calloc((size_t)argc, sizeof *argv);
	size_t *lens = calloc((size_t)argc, sizeof *lens);
	const char *head[] = {"EVAL", enqueue_lua, "2", kv_lanes[lane], KV_JOBIDX, id};
	for (int i = 0; i < 6; i++) {
		argv[i] = head[i];
		lens[i] = strlen(head[i]);
	}
	for (int i = 0; i < n; i++) {
		argv[6 + i] = fields[i];
		lens[6 + i] = flens[i];
	}
	redisReply *r = redisCommandArgv(kv, argc, argv, lens);
	int ok = r && r->type == REDIS_REPLY_STRING;
	if (!ok)
		log_warn("cannot queue a job", "id", id, "error",
			 r && r->type == REDIS_REPLY_ERROR ? r->str : "no reply", NULL);
	freeReplyObject(r);
	free(argv);
	free(lens);
	return ok ? 0 : -1;
}

int runs_enqueue(redisContext *kv, const char *id, int attempt, const char *lang, const char *code, size_t code_len,
		 const char *input, size_t input_len)
{
	char att[16], limits[256];
	snprintf(att, sizeof att, "%d", attempt);
	snprintf(limits, sizeof limits, "{\"cpu_s\":%g,\"wall_s\":%g,\"memory_mb\":%ld}", cfg.run_cpu_s, cfg.run_wall_s,
		 cfg.run_memory_mb);
	const char *fields[] = {"kind", "run",    "id",   id,     "attempt", att,     "lang",
				lang,   "limits", limits, "code", code,      "input", input};
	size_t lens[14];
	for (int i = 0; i < 14; i++)
		lens[i] = strlen(fields[i]);
	lens[11] = code_len;
	lens[13] = input_len;
	return job_enqueue(kv, LANE_RUNS, id, fields, lens, 14);
}

int runs_create(struct worker *w, const struct user *u, const char *ip, const char *lang, const char *code,
		size_t code_len, const char *input, size_t input_len, char id[17], char *msg, size_t msglen)
{
	if (code_len > (size_t)cfg.max_code_bytes) {
		snprintf(msg, msglen, "the code is larger than %ld bytes", cfg.max_code_bytes);
		return 413;
	}
	if (input_len > (size_t)cfg.max_input_bytes) {
		snprintf(msg, msglen, "the input is larger than %ld bytes", cfg.max_input_bytes);
		return 413;
	}
	if (!language_known(w->kv, lang)) {
		snprintf(msg, msglen, "unknown language: %.40s (see /api/languages)", lang);
		return 400;
	}
	util_random_id(id, RUN_ID_LEN);
	char uid[24] = "NULL";
	if (u && u->id)
		snprintf(uid, sizeof uid, "%lld", (long long)u->id);
	int err;
	mysql_free_result(db_query(w->db, &err,
				   "INSERT INTO runs (id, user_id, language, code, input, client_ip) "
				   "VALUES (%q, %s, %q, %Q, %Q, %q)",
				   id, uid, lang, code, code_len, input, input_len, ip));
	if (err) {
		snprintf(msg, msglen, "cannot store the run");
		return 503;
	}
	/* Stored: from here the run is acknowledged. If queuing fails the
	 * sweeper queues it later, so the reply is still 202. */
	runs_enqueue(w->kv, id, 1, lang, code, code_len, input, input_len);
	atomic_fetch_add(&metric_runs_created, 1);
	return 0;
}

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
	if (!util_id_valid(r->param, 16)) {
		http_error(r, 404, "not_found", "no run %s", r->param);
		return;
	}
	int err;
	for (int tries = 0; tries < 5; tries++) {
		char slug[SLUG_LEN + 1];
		util_random_id(slug, SLUG_LEN);
		mysql_free_result(db_query(w->db, &err,
					   "UPDATE runs SET share_slug = %q WHERE id = %q AND share_slug IS NULL", slug,
					   r->param));
		if (!err || mysql_errno(w->db) != 1062)
			break; /* 1062: the slug is taken, draw again */
	}
	MYSQL_RES *res = db_query(w->db, &err, "SELECT share_slug FROM runs WHERE id = %q", r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		http_error(r, 404, "not_found", "no run %s", r->param);
	} else if (!row[0]) {
		http_error(r, 503, "unavailable", "cannot make a share link, try again");
	} else {
		char url[64];
		snprintf(url, sizeof url, "/s/%s", row[0]);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "slug", json_object_new_string(row[0]));
		json_object_object_add(o, "url", json_object_new_string(url));
		http_reply_json(r, 200, o);
	}
	mysql_free_result(res);
}

static void do_shared(struct worker *w, struct req *r)
{
	if (!util_id_valid(r->param, 16)) {
		http_error(r, 404, "not_found", "no shared run %s", r->param);
		return;
	}
	int err;
	MYSQL_RES *res =
		db_query(w->db, &err, "SELECT %s, code, input FROM runs WHERE share_slug = %q", run_columns, r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		http_error(r, 404, "not_found", "no shared run %s", r->param);
	} else {
		unsigned long *lens = mysql_fetch_lengths(res);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "slug", json_object_new_string(r->param));
		json_object_object_add(o, "language", json_object_new_string(row[1]));
		add_text(o, "code", row[13], lens[13]);
		add_text(o, "input", row[14], lens[14]);
		json_object_object_add(o, "result", run_row_to_json(row, lens));
		http_reply_json(r, 200, o);
	}
	mysql_free_result(res);
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
	redisReply *rep = redisCommand(w->kv, "HGETALL verdict:langs");
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

void api_runs_register(void)
{
	route_add_work(HM_POST, "/api/runs", AUTH_OPTIONAL, do_create);
	route_add_work(HM_GET, "/api/runs/:id", AUTH_NONE, do_get);
	route_add_work(HM_POST, "/api/runs/:id/share", AUTH_NONE, do_share);
	route_add_work(HM_GET, "/api/shares/:slug", AUTH_NONE, do_shared);
	route_add_work(HM_GET, "/api/languages", AUTH_NONE, do_languages);
}
