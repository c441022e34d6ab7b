/* The CLICS Contest API's collections and the endpoints around them
 * (api, access): each collection built as a user may see it, for the
 * contest API's GETs and for the event feed (feed.c). Workers only. */
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kv.h"
#include "log.h"
#include "package.h"
#include "clics_time.h"
#include "contest.h"
#include "server.h"
#include "util.h"

/*** More of the CLICS Contest API ***/

static void do_api_info(struct worker *w, struct req *r)
{
	(void)w;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_string("2026-01"));
	json_object_object_add(o, "version_url",
			       json_object_new_string("https://ccs-specs.icpc.io/2026-01/contest_api"));
	json_object *p = json_object_new_object();
	json_object_object_add(p, "name", json_object_new_string("Verdict"));
	json_object_object_add(p, "version", json_object_new_string("0.1"));
	json_object_object_add(o, "provider", p);
	http_reply_json(r, 200, o);
}

static json_object *strings(const char *const *v)
{
	json_object *a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static void do_access(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	static const char *const contest_p[] = {"id",
						"name",
						"formal_name",
						"start_time",
						"duration",
						"scoreboard_freeze_duration",
						"scoreboard_type",
						"penalty_time",
						NULL};
	static const char *const problem_p[] = {"id",    "label",      "name",         "ordinal",         "rgb",
						"color", "time_limit", "memory_limit", "test_data_count", NULL};
	static const char *const team_p[] = {"id", "name", "label", NULL};
	static const char *const state_p[] = {"started",   "frozen",         "ended", "thawed",
					      "finalized", "end_of_updates", NULL};
	static const char *const jt_p[] = {"id", "name", "penalty", "solved", NULL};
	static const char *const lang_p[] = {"id", "name", "entry_point_required", "extensions", NULL};
	static const char *const sub_p[] = {"id",   "language_id",  "problem_id", "team_id",
					    "time", "contest_time", "files",      NULL};
	static const char *const score_p[] = {"time", "contest_time", "state", "rows", NULL};
	static const char *const run_p[] = {"id",   "judgement_id", "ordinal",  "judgement_type_id",
					    "time", "contest_time", "run_time", NULL};
	static const char *const clar_p[] = {"id",   "from_team_id", "to_team_id",   "reply_to_id", "problem_id",
					     "text", "time",         "contest_time", NULL};
	static const char *const jud_p[] = {
		"id",       "submission_id",    "judgement_type_id", "start_time", "start_contest_time",
		"end_time", "end_contest_time", "max_run_time",      NULL};
	static const struct {
		const char *type;
		const char *const *props;
	} eps[] = {{"contest", contest_p},    {"problems", problem_p}, {"teams", team_p},         {"state", state_p},
		   {"judgement-types", jt_p}, {"languages", lang_p},   {"submissions", sub_p},    {"judgements", jud_p},
		   {"scoreboard", score_p},   {"runs", run_p},         {"clarifications", clar_p}};
	json_object *o = json_object_new_object();
	json_object *caps = json_object_new_array();
	if (r->user.id && strcmp(r->user.role, "admin"))
		json_object_array_add(caps, json_object_new_string("team_submit"));
	if (contest_req_admin(r))
		json_object_array_add(caps, json_object_new_string("contest_thaw"));
	json_object_object_add(o, "capabilities", caps);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof eps / sizeof eps[0]; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "type", json_object_new_string(eps[i].type));
		json_object_object_add(e, "properties", strings(eps[i].props));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "endpoints", arr);
	http_reply_json(r, 200, o);
}

/* Verdict's verdicts are the CLICS judgement types, one for one. */
static const struct {
	const char *id, *name;
	int penalty, solved;
} judgement_types[] = {
	{"AC", "correct", 0, 1},         {"WA", "wrong answer", 1, 0},           {"TLE", "time limit exceeded", 1, 0},
	{"RTE", "run-time error", 1, 0}, {"MLE", "memory limit exceeded", 1, 0}, {"OLE", "output limit exceeded", 1, 0},
	{"CE", "compiler error", 0, 0},  {"JE", "judging error", 0, 0},
};

static json_object *b_judgement_types(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)w, (void)c, (void)u;
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < sizeof judgement_types / sizeof judgement_types[0]; i++) {
		if (only && strcmp(only, judgement_types[i].id))
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(judgement_types[i].id));
		json_object_object_add(o, "name", json_object_new_string(judgement_types[i].name));
		json_object_object_add(o, "penalty", json_object_new_boolean(judgement_types[i].penalty));
		json_object_object_add(o, "solved", json_object_new_boolean(judgement_types[i].solved));
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *b_languages(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)c, (void)u;
	static const struct {
		const char *id, *ext;
	} exts[] = {{"c", "c"},   {"cpp", "cpp"}, {"python3", "py"}, {"java", "java"}, {"javascript", "js"},
		    {"go", "go"}, {"rust", "rs"}, {"kotlin", "kt"},  {"pascal", "pas"}};
	redisReply *rep = redisCommand(w->kv, "HGETALL %s", KV_LANGS);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; rep && rep->type == REDIS_REPLY_ARRAY && i + 1 < rep->elements; i += 2) {
		json_object *l = json_tokener_parse(rep->element[i + 1]->str);
		if (!l)
			continue;
		const char *id = util_json_str(l, "id");
		if (!id || (only && strcmp(only, id))) {
			json_object_put(l);
			continue;
		}
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(id));
		json_object_object_add(o, "name", json_object_new_string(util_json_str(l, "name")));
		json_object_object_add(o, "entry_point_required", json_object_new_boolean(0));
		json_object *e = json_object_new_array();
		for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
			if (!strcmp(exts[k].id, id))
				json_object_array_add(e, json_object_new_string(exts[k].ext));
		json_object_object_add(o, "extensions", e);
		json_object_array_add(arr, o);
		json_object_put(l);
	}
	freeReplyObject(rep);
	return arr;
}

/* Groups and organizations: Verdict has none. */
static json_object *b_none(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)w, (void)c, (void)u, (void)only;
	return json_object_new_array();
}

/* Submissions and judgements as each role may see them: the jury all, a
 * team its own, the public those before the freeze (all after a thaw);
 * nobody's code but through the jury. */
static MYSQL_RES *visible_submissions(struct worker *w, const struct user *u, const struct contest *c, const char *only)
{
	int e;
	int admin = contest_user_admin(u);
	int64_t uid = u ? u->id : 0;
	long long f = contest_freeze_at(c);
	char limit[160] = "";
	if (!admin && !uid && f >= 0 && c->thawed_ms < 0)
		snprintf(limit, sizeof limit, " AND s.created_at < FROM_UNIXTIME(%lld.%03lld)", f / 1000, f % 1000);
	char who[64] = "";
	if (!admin && uid)
		snprintf(who, sizeof who, " AND s.user_id = %lld", (long long)uid);
	return db_query(
		w->db, &e,
		"SELECT s.id, s.language, s.problem_id, u.username, FLOOR(UNIX_TIMESTAMP(s.created_at) * 1000), "
		"s.status, s.verdict, FLOOR(UNIX_TIMESTAMP(COALESCE(s.started_at, s.created_at)) * 1000), "
		"FLOOR(UNIX_TIMESTAMP(s.finished_at) * 1000), s.time_ms, s.score FROM submissions s JOIN users u ON "
		"u.id = s.user_id WHERE s.contest_id = %q AND (%d OR s.id = %q)%s%s ORDER BY s.created_at, s.id",
		c->id, !only, only ? only : "", limit, who);
}

static json_object *b_submissions(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	MYSQL_RES *res = visible_submissions(w, u, c, only);
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	char buf[64];
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		long long at = atoll(row[4]);
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "language_id", json_object_new_string(row[1]));
		json_object_object_add(o, "problem_id", json_object_new_string(row[2]));
		json_object_object_add(o, "team_id", json_object_new_string(row[3]));
		clics_abstime(buf, sizeof buf, at);
		json_object_object_add(o, "time", json_object_new_string(buf));
		clics_reltime(buf, sizeof buf, at - c->start_ms);
		json_object_object_add(o, "contest_time", json_object_new_string(buf));
		json_object_object_add(o, "files", json_object_new_array());
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

/* Whether a row of visible_submissions shows its verdict to this caller:
 * judged, and not hidden by the freeze. A team's own judgements after the
 * freeze stay visible to it; the public sees them after the thaw. */
static int judgement_shown(const struct user *u, const struct contest *c, MYSQL_ROW row)
{
	long long f = contest_freeze_at(c);
	return !strcmp(row[5], "done") && row[6] &&
	       (contest_user_admin(u) || (u && u->id) || f < 0 || atoll(row[4]) < f || c->thawed_ms >= 0);
}

static json_object *b_judgements(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	MYSQL_RES *res = visible_submissions(w, u, c, only);
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	char buf[64];
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		long long start = atoll(row[7]);
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "submission_id", json_object_new_string(row[0]));
		clics_abstime(buf, sizeof buf, start);
		json_object_object_add(o, "start_time", json_object_new_string(buf));
		clics_reltime(buf, sizeof buf, start - c->start_ms);
		json_object_object_add(o, "start_contest_time", json_object_new_string(buf));
		if (judgement_shown(u, c, row)) {
			long long end = row[8] ? atoll(row[8]) : start;
			json_object_object_add(o, "judgement_type_id", json_object_new_string(row[6]));
			clics_abstime(buf, sizeof buf, end);
			json_object_object_add(o, "end_time", json_object_new_string(buf));
			clics_reltime(buf, sizeof buf, end - c->start_ms);
			json_object_object_add(o, "end_contest_time", json_object_new_string(buf));
			if (row[9])
				json_object_object_add(o, "max_run_time",
						       json_object_new_double(atoll(row[9]) / 1000.0));
		} else {
			json_object_object_add(o, "judgement_type_id", NULL);
		}
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

/* The runs of the judgements this caller may see (one per test judged, in
 * test order); a judgement still hidden by the freeze has none yet. Tests
 * carry no time of their own: a run completed with its judgement. */
static json_object *b_runs(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	/* Every test result of the contest (or of one judgement) in one
	 * query, then the ones of the judgements this caller may see, in
	 * their order. */
	int e;
	MYSQL_RES *tr = db_query(w->db, &e,
				 "SELECT st.submission_id, st.ord, st.verdict, st.time_ms FROM submission_tests st "
				 "JOIN submissions s ON s.id = st.submission_id WHERE s.contest_id = %q "
				 "AND (%d OR s.id = %q) ORDER BY st.submission_id, st.ord",
				 c->id, !only, only ? only : "");
	json_object *tests = json_object_new_object(); /* submission id -> [[ord, verdict, ms]...] */
	MYSQL_ROW t;
	while (tr && (t = mysql_fetch_row(tr))) {
		json_object *list;
		if (!json_object_object_get_ex(tests, t[0], &list)) {
			list = json_object_new_array();
			json_object_object_add(tests, t[0], list);
		}
		json_object *one = json_object_new_array();
		json_object_array_add(one, json_object_new_int(atoi(t[1])));
		json_object_array_add(one, json_object_new_string(t[2]));
		json_object_array_add(one, json_object_new_int(atoi(t[3])));
		json_object_array_add(list, one);
	}
	mysql_free_result(tr);
	MYSQL_RES *res = visible_submissions(w, u, c, only);
	json_object *arr = json_object_new_array(), *list;
	MYSQL_ROW row;
	char buf[64];
	while (res && (row = mysql_fetch_row(res))) {
		if (!judgement_shown(u, c, row) || !json_object_object_get_ex(tests, row[0], &list))
			continue;
		long long end = row[8] ? atoll(row[8]) : atoll(row[7]);
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			json_object *one = json_object_array_get_idx(list, i), *o = json_object_new_object();
			int ord = json_object_get_int(json_object_array_get_idx(one, 0)) + 1;
			snprintf(buf, sizeof buf, "%s-%d", row[0], ord);
			json_object_object_add(o, "id", json_object_new_string(buf));
			json_object_object_add(o, "judgement_id", json_object_new_string(row[0]));
			json_object_object_add(o, "ordinal", json_object_new_int(ord));
			json_object_object_add(o, "judgement_type_id",
					       json_object_get(json_object_array_get_idx(one, 1)));
			clics_abstime(buf, sizeof buf, end);
			json_object_object_add(o, "time", json_object_new_string(buf));
			clics_reltime(buf, sizeof buf, end - c->start_ms);
			json_object_object_add(o, "contest_time", json_object_new_string(buf));
			json_object_object_add(
				o, "run_time",
				json_object_new_double(json_object_get_int(json_object_array_get_idx(one, 2)) /
						       1000.0));
			json_object_array_add(arr, o);
		}
	}
	mysql_free_result(res);
	json_object_put(tests);
	return arr;
}

static json_object *b_problems(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	/* Before the start only the jury sees the problem set. */
	if (!contest_user_admin(u) && (c->start_ms < 0 || util_now_ms() < c->start_ms))
		return json_object_new_array();
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT cp.problem_id, cp.label, p.name, cp.ord, cp.rgb, cp.color, p.time_limit, "
			 "p.memory_limit, (SELECT COUNT(*) FROM testcases t WHERE t.problem_id = p.id) FROM "
			 "contest_problems cp JOIN problems p ON p.id = cp.problem_id WHERE cp.contest_id = %q "
			 "AND (%d OR cp.problem_id = %q) ORDER BY cp.ord",
			 c->id, !only, only ? only : "");
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "label", json_object_new_string(row[1]));
		json_object_object_add(o, "name", json_object_new_string(row[2]));
		json_object_object_add(o, "ordinal", json_object_new_int(atoi(row[3])));
		if (row[4])
			json_object_object_add(o, "rgb", json_object_new_string(row[4]));
		if (row[5])
			json_object_object_add(o, "color", json_object_new_string(row[5]));
		json_object_object_add(o, "time_limit",
				       json_object_new_double(round(strtod(row[6], NULL) * 1000) / 1000));
		json_object_object_add(o, "memory_limit", json_object_new_int(atoi(row[7])));
		json_object_object_add(o, "test_data_count", json_object_new_int(atoi(row[8])));
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

static json_object *b_teams(struct worker *w, const struct contest *c, const struct user *u, const char *only)
{
	(void)u;
	int e;
	MYSQL_RES *res = db_query(w->db, &e,
				  "SELECT u.username FROM contest_teams t JOIN users u ON u.id = t.user_id WHERE "
				  "t.contest_id = %q AND (%d OR u.username = %q) ORDER BY u.username",
				  c->id, !only, only ? only : "");
	json_object *arr = json_object_new_array();
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "name", json_object_new_string(row[0]));
		json_object_object_add(o, "label", json_object_new_string(row[0]));
		json_object_array_add(arr, o);
	}
	mysql_free_result(res);
	return arr;
}

/*** The CLICS collections ***/

static const struct {
	const char *type, *what;
	json_object *(*build)(struct worker *w, const struct contest *c, const struct user *u, const char *only);
} clics_kinds[] = {
	{"judgement-types", "judgement type", b_judgement_types},
	{"languages", "language", b_languages},
	{"problems", "problem", b_problems},
	{"groups", "group", b_none},
	{"organizations", "organization", b_none},
	{"teams", "team", b_teams},
	{"submissions", "submission", b_submissions},
	{"judgements", "judgement", b_judgements},
	{"runs", "run", b_runs},
	{"clarifications", "clarification", clarifications_collection},
};
#define CLICS_NKINDS (sizeof clics_kinds / sizeof clics_kinds[0])

const char *const clics_collections[] = {
	"judgement-types", "languages", "problems",       "groups", "organizations", "teams", "submissions",
	"judgements",      "runs",      "clarifications", NULL};

json_object *clics_collection(struct worker *w, const struct contest *c, const struct user *u, const char *type,
			      const char *only)
{
	for (size_t i = 0; i < CLICS_NKINDS; i++)
		if (!strcmp(clics_kinds[i].type, type))
			return clics_kinds[i].build(w, c, u, only);
	return NULL;
}

/* The ID properties an array endpoint can be filtered on (CLICS
 * "Filtering"): ?team_id=X keeps the objects whose team_id is X, and an
 * empty value (?reply_to_id=) those where it is null. Conditions AND. */
static const char *const clics_id_props[] = {
	"team_id",      "problem_id", "language_id", "submission_id",   "judgement_id", "judgement_type_id",
	"from_team_id", "to_team_id", "reply_to_id", "organization_id", "group_id",
};
#define CLICS_NPROPS (sizeof clics_id_props / sizeof *clics_id_props)

static int clics_match(json_object *o, const char *prop, const char *want)
{
	json_object *v = json_object_object_get(o, prop); /* NULL: absent or null */
	if (!want[0])
		return v == NULL;
	return v && json_object_is_type(v, json_type_string) && !strcmp(json_object_get_string(v), want);
}

/* Replies with a collection as the request asks for it: filtered, or the
 * one object of /<collection>/<id> (404 when it is not there or not
 * visible to this caller). Takes arr. */
static void clics_reply(struct req *r, json_object *arr, const char *what)
{
	if (r->param2[0]) {
		size_t n = json_object_array_length(arr);
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_array_get_idx(arr, i);
			if (clics_match(o, "id", r->param2)) {
				json_object_get(o);
				json_object_put(arr);
				http_reply_json(r, 200, o);
				return;
			}
		}
		json_object_put(arr);
		http_error(r, 404, "not_found", "no such %s", what);
		return;
	}
	char buf[CLICS_NPROPS][128];
	const char *want[CLICS_NPROPS];
	int any = 0;
	for (size_t k = 0; k < CLICS_NPROPS; k++)
		any |= (want[k] = http_query_arg(r, clics_id_props[k], buf[k], sizeof buf[k])) != NULL;
	if (!any) {
		http_reply_json(r, 200, arr);
		return;
	}
	json_object *out = json_object_new_array();
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		int keep = 1;
		for (size_t k = 0; k < CLICS_NPROPS && keep; k++)
			keep = !want[k] || clics_match(o, clics_id_props[k], want[k]);
		if (keep)
			json_object_array_add(out, json_object_get(o));
	}
	json_object_put(arr);
	http_reply_json(r, 200, out);
}

/* GET /api/contests/<id>/<collection>[/<id>] */
static void do_collection(struct worker *w, struct req *r)
{
	struct contest c;
	if (contest_load_or_404(w, r, &c))
		return;
	const char *t = r->path + strlen("/api/contests/");
	t = strchr(t, '/');
	char type[32] = "";
	if (t)
		snprintf(type, sizeof type, "%.*s", (int)strcspn(t + 1, "/"), t + 1);
	size_t k = 0;
	while (k < CLICS_NKINDS && strcmp(clics_kinds[k].type, type))
		k++;
	if (k == CLICS_NKINDS) {
		http_error(r, 404, "not_found", "no such collection");
		return;
	}
	/* One object: only its own rows are read (a run's are its
	 * judgement's: "<judgement>-<ordinal>"). */
	char only[128];
	snprintf(only, sizeof only, "%s", r->param2);
	if (!strcmp(type, "runs") && strrchr(only, '-'))
		*strrchr(only, '-') = 0;
	clics_reply(r, clics_kinds[k].build(w, &c, &r->user, only[0] ? only : NULL), clics_kinds[k].what);
}

void clics_register(void)
{
	route_add_work(HM_GET, "/api/contests/:id/clarifications", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api", AUTH_NONE, do_api_info);
	route_add_work(HM_GET, "/api/", AUTH_NONE, do_api_info);
	route_add_work(HM_GET, "/api/contests/:id/access", AUTH_OPTIONAL, do_access);
	route_add_work(HM_GET, "/api/contests/:id/judgement-types", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/languages", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/groups", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/organizations", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/submissions", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/judgements", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/runs", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/judgement-types/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/languages/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/problems/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/teams/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/groups/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/organizations/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/submissions/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/judgements/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/runs/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/clarifications/:id", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/problems", AUTH_OPTIONAL, do_collection);
	route_add_work(HM_GET, "/api/contests/:id/teams", AUTH_OPTIONAL, do_collection);
}
