/* Package verification, the pure part: which submissions a package holds,
 * what is expected of each (the folder it is in, submissions.yaml of the
 * 2025-09 format, @EXPECTED_RESULTS@ lines of DOMjudge's), and whether a
 * judged submission meets it. */
#include "util.h"
#include "verify.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ITEMS 500

static const char *const ALL[] = {"AC", "WA", "TLE", "RTE", NULL};

static json_object *get(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static json_object *verdicts(const char *const *v)
{
	json_object *a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static int in_list(json_object *list, const char *v)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (!strcmp(util_json_text(json_object_array_get_idx(list, i)), v))
			return 1;
	return 0;
}

static const char *lang_of_ext(const char *name)
{
	static const struct {
		const char *ext, *lang;
	} map[] = {{".c", "c"},       {".cpp", "cpp"},    {".cc", "cpp"},      {".cxx", "cpp"},   {".c++", "cpp"},
		   {".C", "cpp"},     {".py", "python3"}, {".py3", "python3"}, {".java", "java"}, {".js", "javascript"},
		   {".kt", "kotlin"}, {".go", "go"},      {".rs", "rust"},     {".pas", "pascal"}};
	const char *dot = strrchr(name, '.');
	if (!dot)
		return NULL;
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (!strcmp(dot, map[i].ext))
			return map[i].lang;
	return NULL;
}

const char *verify_format_verdict(const char *v)
{
	if (!v)
		return NULL;
	if (!strcmp(v, "AC") || !strcmp(v, "WA") || !strcmp(v, "TLE") || !strcmp(v, "RTE"))
		return v;
	if (!strcmp(v, "MLE") || !strcmp(v, "OLE"))
		return "RTE";
	return NULL;
}

/*** Globs ***/

/* Matches pattern (with {a,b} alternatives) against one path. */
static int glob_one(const char *pat, const char *path, int depth)
{
	const char *open = strchr(pat, '{');
	if (!open || depth > 8)
		return fnmatch(pat, path, FNM_PATHNAME) == 0;
	const char *close = strchr(open, '}');
	if (!close)
		return fnmatch(pat, path, FNM_PATHNAME) == 0;
	size_t pre = (size_t)(open - pat);
	for (const char *a = open + 1; a <= close;) {
		const char *end = a;
		while (end < close && *end != ',')
			end++;
		char buf[1024];
		int n = snprintf(buf, sizeof buf, "%.*s%.*s%s", (int)pre, pat, (int)(end - a), a, close + 1);
		if (n > 0 && (size_t)n < sizeof buf && glob_one(buf, path, depth + 1))
			return 1;
		a = end + 1;
	}
	return 0;
}

int verify_glob_match(const char *pattern, const char *path)
{
	char p[1024];
	snprintf(p, sizeof p, "%s", pattern);
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = 0;
	char cur[1024];
	snprintf(cur, sizeof cur, "%s", path);
	for (;;) {
		if (glob_one(p, cur, 0))
			return 1;
		char *slash = strrchr(cur, '/');
		if (!slash)
			return 0;
		*slash = 0;
	}
}

/*** What is expected ***/

/* The format's defaults for the folders (2025-09; legacy differs for
 * time_limit_exceeded, which may also answer wrong). NULL: no expectation. */
static json_object *folder_default(const char *folder, int legacy)
{
	static const char *const AC[] = {"AC", NULL}, *const AC_WA[] = {"AC", "WA", NULL}, *const WA[] = {"WA", NULL},
				 *const AC_TLE[] = {"AC", "TLE", NULL}, *const AC_WA_TLE[] = {"AC", "WA", "TLE", NULL},
				 *const TLE[] = {"TLE", NULL}, *const AC_RTE[] = {"AC", "RTE", NULL},
				 *const RTE[] = {"RTE", NULL}, *const REJ[] = {"RTE", "TLE", "WA", NULL},
				 *const BF_P[] = {"AC", "RTE", "TLE", NULL}, *const BF_R[] = {"RTE", "TLE", NULL};
	const char *const *perm = NULL, *const *req = NULL;
	int partial = 0;
	if (!strcmp(folder, "accepted"))
		perm = AC, req = ALL;
	else if (!strcmp(folder, "wrong_answer"))
		perm = AC_WA, req = WA;
	else if (!strcmp(folder, "time_limit_exceeded"))
		perm = legacy ? AC_WA_TLE : AC_TLE, req = TLE;
	else if (!strcmp(folder, "run_time_error"))
		perm = legacy ? ALL : AC_RTE, req = RTE;
	else if (!strcmp(folder, "rejected"))
		perm = ALL, req = REJ;
	else if (!strcmp(folder, "brute_force"))
		perm = BF_P, req = BF_R;
	else if (!strcmp(folder, "partially_accepted"))
		/* "Overall verdict must be Accepted. Overall score must not be
		 * max": its tests may fail, the grader accepts them anyway. */
		perm = ALL, req = ALL, partial = 1;
	else
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "permitted", verdicts(perm));
	json_object_object_add(o, "required", verdicts(req));
	if (partial) {
		json_object_object_add(o, "partial", json_object_new_boolean(1));
		json_object_object_add(o, "final", verdicts(AC));
	}
	return o;
}

static int known_verdict(const char *s)
{
	for (int i = 0; s && ALL[i]; i++)
		if (!strcmp(ALL[i], s))
			return 1;
	return 0;
}

/* A list of verdicts from YAML (a string or a sequence), checked. */
static json_object *verdict_list(json_object *v, char *err, size_t errlen, const char *where)
{
	json_object *a = json_object_new_array();
	int n = v && json_object_is_type(v, json_type_array) ? (int)json_object_array_length(v) : v ? 1 : 0;
	for (int i = 0; i < n; i++) {
		json_object *e = json_object_is_type(v, json_type_array) ? json_object_array_get_idx(v, (size_t)i) : v;
		const char *s = json_object_get_string(e);
		if (!known_verdict(s)) {
			snprintf(err, errlen, "submissions.yaml: %s: %s is not one of AC, WA, TLE, RTE", where,
				 s ? s : "null");
			json_object_put(a);
			return NULL;
		}
		json_object_array_add(a, json_object_new_string(s));
	}
	return a;
}

/* use_for_time_limit: true, false, lower or upper. */
static int time_use_check(json_object *v, char *err, size_t errlen, const char *where)
{
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	if (json_object_is_type(v, json_type_boolean) || (s && (!strcmp(s, "lower") || !strcmp(s, "upper"))))
		return 0;
	snprintf(err, errlen, "submissions.yaml: %s: use_for_time_limit must be true, false, lower or upper", where);
	return -1;
}

/* Applies one submissions.yaml rule (a mapping) to expect: the keys of the
 * whole submission, and any other key as a test data group glob. */
static int apply_rule(json_object *expect, json_object *rule, char *lang_out, char *err, size_t errlen,
		      const char *where)
{
	json_object_object_foreach(rule, k, v)
	{
		if (!strcmp(k, "permitted") || !strcmp(k, "required")) {
			json_object *l = verdict_list(v, err, errlen, where);
			if (!l)
				return -1;
			json_object_object_add(expect, k, l);
		} else if (!strcmp(k, "score")) {
			json_object_object_add(expect, "score", json_object_get(v));
		} else if (!strcmp(k, "language")) {
			if (lang_out && json_object_get_string(v))
				snprintf(lang_out, 16, "%s", json_object_get_string(v));
		} else if (!strcmp(k, "use_for_time_limit")) {
			if (time_use_check(v, err, errlen, where))
				return -1;
			json_object_object_add(expect, k, json_object_get(v));
		} else if (!strcmp(k, "authors") || !strcmp(k, "model_solution") || !strcmp(k, "entrypoint") ||
			   !strcmp(k, "message")) {
			/* Not checked here. */
		} else if (json_object_is_type(v, json_type_object)) {
			json_object *groups = get(expect, "groups");
			if (!groups) {
				groups = json_object_new_object();
				json_object_object_add(expect, "groups", groups);
			}
			json_object *g = json_object_new_object();
			json_object_object_foreach(v, gk, gv)
			{
				if (!strcmp(gk, "use_for_time_limit")) {
					if (time_use_check(gv, err, errlen, where)) {
						json_object_put(g);
						return -1;
					}
					json_object_object_add(g, gk, json_object_get(gv));
					continue;
				}
				if (strcmp(gk, "permitted") && strcmp(gk, "required"))
					continue;
				json_object *l = verdict_list(gv, err, errlen, where);
				if (!l) {
					json_object_put(g);
					return -1;
				}
				json_object_object_add(g, gk, l);
			}
			json_object_object_add(groups, k, g);
		} else {
			snprintf(err, errlen, "submissions.yaml: %s: unknown key %s", where, k);
			return -1;
		}
	}
	return 0;
}

/* DOMjudge's "@EXPECTED_RESULTS@: CORRECT, WRONG_ANSWER" in the source. */
static json_object *expected_results(const unsigned char *code, size_t len)
{
	const char *tag = "@EXPECTED_RESULTS@:";
	const unsigned char *p = memmem(code, len, tag, strlen(tag));
	if (!p)
		return NULL;
	p += strlen(tag);
	json_object *a = json_object_new_array();
	while (p < code + len && *p != '\n') {
		while (p < code + len && (*p == ' ' || *p == ',' || *p == '\t'))
			p++;
		char word[40];
		size_t k = 0;
		while (p < code + len && (isalnum(*p) || *p == '_' || *p == '-') && k + 1 < sizeof word)
			word[k++] = (char)toupper(*p++);
		word[k] = 0;
		if (!k) {
			if (p < code + len && *p != '\n')
				p++;
			continue;
		}
		const char *v = !strcmp(word, "CORRECT") || !strcmp(word, "ACCEPTED") ? "AC"
				: !strcmp(word, "WRONG_ANSWER") || !strcmp(word, "WRONG-ANSWER") ||
						!strcmp(word, "NO-OUTPUT") || !strcmp(word, "NO_OUTPUT")
					? "WA"
				: !strcmp(word, "TIMELIMIT") || !strcmp(word, "TIME_LIMIT_EXCEEDED") ? "TLE"
				: !strcmp(word, "RUN-ERROR") || !strcmp(word, "RUN_ERROR") ||
						!strcmp(word, "RUN_TIME_ERROR") || !strcmp(word, "OUTPUT-LIMIT") ||
						!strcmp(word, "MEMORY-LIMIT")
					? "RTE"
					: NULL;
		if (v && !in_list(a, v))
			json_object_array_add(a, json_object_new_string(v));
	}
	if (!json_object_array_length(a)) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

/* Does a rule bound the time limit from below (it may not TLE) or above
 * (it must TLE)? use_for_time_limit decides when given. */
static void rule_role(json_object *rule, int *lower, int *upper)
{
	json_object *u = get(rule, "use_for_time_limit"), *perm = get(rule, "permitted"), *req = get(rule, "required"),
		    *fin = get(rule, "final");
	*lower = *upper = 0;
	if (u && json_object_is_type(u, json_type_boolean) && !json_object_get_boolean(u))
		return;
	if (u && json_object_is_type(u, json_type_string)) {
		*lower = !strcmp(json_object_get_string(u), "lower");
		*upper = !*lower;
		return;
	}
	*lower = (perm && !in_list(perm, "TLE")) || (fin && !in_list(fin, "TLE"));
	*upper = (req && json_object_array_length(req) == 1 && in_list(req, "TLE")) ||
		 (fin && json_object_array_length(fin) == 1 && in_list(fin, "TLE"));
}

/* expect["time"] = {"lower": [glob...], "upper": [glob...]}: the tests by
 * which a submission bounds the time limit, "" for all of them. Legacy:
 * accepted/ from below, time_limit_exceeded/ from above. */
static void time_roles(json_object *expect, int legacy, const char *folder)
{
	json_object *lower = json_object_new_array(), *upper = json_object_new_array();
	int lo, up;
	if (legacy) {
		if (!strcmp(folder, "accepted"))
			json_object_array_add(lower, json_object_new_string(""));
		if (!strcmp(folder, "time_limit_exceeded"))
			json_object_array_add(upper, json_object_new_string(""));
	} else {
		rule_role(expect, &lo, &up);
		if (lo)
			json_object_array_add(lower, json_object_new_string(""));
		if (up)
			json_object_array_add(upper, json_object_new_string(""));
		json_object *groups = get(expect, "groups");
		if (groups) {
			json_object_object_foreach(groups, glob, rule)
			{
				rule_role(rule, &lo, &up);
				if (lo)
					json_object_array_add(lower, json_object_new_string(glob));
				if (up)
					json_object_array_add(upper, json_object_new_string(glob));
			}
		}
	}
	if (!json_object_array_length(lower) && !json_object_array_length(upper)) {
		json_object_put(lower);
		json_object_put(upper);
		return;
	}
	json_object *t = json_object_new_object();
	json_object_object_add(t, "lower", lower);
	json_object_object_add(t, "upper", upper);
	json_object_object_add(expect, "time", t);
}

int verify_bounds(json_object *expect, enum verify_bound b)
{
	json_object *l = get(get(expect, "time"), b == VERIFY_LOWER ? "lower" : "upper");
	return l && json_object_array_length(l) > 0;
}

double verify_time_bound(json_object *expect, enum verify_bound b, json_object *tests, double mult, int *tle,
			 char *test, size_t testlen)
{
	json_object *globs = get(get(expect, "time"), b == VERIFY_LOWER ? "lower" : "upper");
	double slowest = -1;
	if (tle)
		*tle = 0;
	if (test && testlen)
		test[0] = 0;
	if (!(mult > 0))
		mult = 1;
	for (size_t i = 0; globs && tests && i < json_object_array_length(tests); i++) {
		json_object *t = json_object_array_get_idx(tests, i);
		const char *name = json_object_get_string(get(t, "name"));
		int applies = 0;
		for (size_t g = 0; g < json_object_array_length(globs) && !applies; g++) {
			const char *glob = json_object_get_string(json_object_array_get_idx(globs, g));
			applies = !glob[0] || (name && verify_glob_match(glob, name));
		}
		if (!applies)
			continue;
		double s = json_object_get_int(get(t, "time_ms")) / 1000.0 / mult;
		const char *v = json_object_get_string(get(t, "verdict"));
		if (tle && v && !strcmp(v, "TLE"))
			*tle = 1;
		if (s > slowest) {
			slowest = s;
			if (test && testlen)
				snprintf(test, testlen, "%s", name ? name : "?");
		}
	}
	return slowest;
}

double verify_time_limit(double t_ac, double ac_to_time_limit, double resolution)
{
	if (!(resolution > 0))
		resolution = 1;
	double k = ceil(t_ac * ac_to_time_limit / resolution - 1e-9);
	return (k < 1 ? 1 : k) * resolution;
}

void verify_timing_parse(const char *multipliers, double *ac, double *tle, double *res)
{
	json_object *m = multipliers ? json_tokener_parse(multipliers) : NULL;
	*ac = get(m, "ac_to_time_limit") ? json_object_get_double(get(m, "ac_to_time_limit")) : 2.0;
	*tle = get(m, "time_limit_to_tle") ? json_object_get_double(get(m, "time_limit_to_tle")) : 1.5;
	*res = get(m, "time_resolution") ? json_object_get_double(get(m, "time_resolution")) : 1.0;
	json_object_put(m);
	if (!(*ac >= 1))
		*ac = 2.0;
	if (!(*tle >= 1))
		*tle = 1.5;
	if (!(*res > 0))
		*res = 1.0;
}

double verify_time_cap(double cap, double ac_to_time_limit)
{
	if (ac_to_time_limit >= 1 && cap * ac_to_time_limit > 60)
		cap = 60 / ac_to_time_limit;
	return cap;
}

static int cmp_items(const void *a, const void *b)
{
	return strcmp(((const struct verify_item *)a)->file, ((const struct verify_item *)b)->file);
}

int verify_plan(const struct pkg_file *files, size_t nfiles, int legacy, struct verify_item **items, size_t *n,
		char *err, size_t errlen)
{
	*items = NULL;
	*n = 0;
	json_object *rules = NULL;
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, "submissions/submissions.yaml")) {
			char yerr[256];
			rules = pkg_yaml_to_json((const char *)files[i].data, files[i].len, yerr, sizeof yerr);
			if (!rules || !json_object_is_type(rules, json_type_object)) {
				snprintf(err, errlen, "submissions/submissions.yaml: %s",
					 rules ? "not a mapping" : yerr);
				json_object_put(rules);
				return -1;
			}
		}
	/* Every rule is checked, whether or not a submission matches it. */
	if (rules) {
		json_object_object_foreach(rules, pat, rule)
		{
			json_object *scratch = json_object_new_object();
			int bad = !json_object_is_type(rule, json_type_object) ||
				  apply_rule(scratch, rule, NULL, err, errlen, pat);
			json_object_put(scratch);
			if (bad) {
				if (!json_object_is_type(rule, json_type_object))
					snprintf(err, errlen, "submissions.yaml: %s is not a mapping", pat);
				json_object_put(rules);
				return -1;
			}
		}
	}
	struct verify_item *it = calloc(MAX_ITEMS, sizeof *it);
	size_t k = 0;
	for (size_t i = 0; i < nfiles && k < MAX_ITEMS; i++) {
		const char *path = files[i].path;
		if (strncmp(path, "submissions/", 12))
			continue;
		const char *rel = path + 12, *s1 = strchr(rel, '/');
		if (!s1)
			continue; /* submissions.yaml, a README */
		const char *s2 = strchr(s1 + 1, '/');
		/* A file in a folder is a submission; a directory in a folder
		 * is one too, made of its files. */
		char name[512];
		snprintf(name, sizeof name, "%.*s", (int)(s2 ? s2 - rel : (ptrdiff_t)strlen(rel)), rel);
		size_t j;
		for (j = 0; j < k; j++)
			if (!strcmp(it[j].file, name))
				break;
		struct verify_item *x = &it[j];
		const char *lang = lang_of_ext(path);
		if (j == k) {
			k++;
			snprintf(x->file, sizeof x->file, "%s", name);
		} else if (lang && x->code) {
			snprintf(x->note, sizeof x->note, "a submission of several source files cannot be judged here");
			continue;
		}
		if (lang && !x->code) {
			snprintf(x->lang, sizeof x->lang, "%s", lang);
			x->code = files[i].data;
			x->code_len = files[i].len;
		}
	}
	for (size_t j = 0; j < k; j++) {
		struct verify_item *x = &it[j];
		char folder[512];
		snprintf(folder, sizeof folder, "%s", x->file);
		*strchr(folder, '/') = 0;
		x->expect = folder_default(folder, legacy);
		if (!x->expect)
			x->expect = json_object_new_object();
		if (rules) {
			json_object_object_foreach(rules, pat, rule)
			{
				if (!json_object_is_type(rule, json_type_object)) {
					snprintf(err, errlen, "submissions.yaml: %s is not a mapping", pat);
					goto fail;
				}
				if (verify_glob_match(pat, x->file) &&
				    apply_rule(x->expect, rule, x->lang, err, errlen, pat))
					goto fail;
			}
		}
		json_object *fin = x->code ? expected_results(x->code, x->code_len) : NULL;
		if (fin)
			json_object_object_add(x->expect, "final", fin);
		time_roles(x->expect, legacy, folder);
		if (!x->code && !x->note[0])
			snprintf(x->note, sizeof x->note, "no source file of a known language");
		else if (!get(x->expect, "permitted") && !get(x->expect, "required") && !fin &&
			 !get(x->expect, "score") && !get(x->expect, "groups"))
			snprintf(x->note, sizeof x->note, "nothing is expected of it (folder %.100s)", folder);
	}
	json_object_put(rules);
	qsort(it, k, sizeof *it, cmp_items);
	*items = it;
	*n = k;
	return 0;
fail:
	json_object_put(rules);
	verify_items_free(it, k);
	return -1;
}

void verify_items_free(struct verify_item *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++)
		json_object_put(items[i].expect);
	free(items);
}

/*** Judged against expected ***/

static int check_sets(json_object *rule, json_object *tests, const char *glob, char *why, size_t whylen)
{
	json_object *perm = get(rule, "permitted"), *req = get(rule, "required");
	int any_required = 0, seen = 0;
	for (size_t i = 0; tests && i < json_object_array_length(tests); i++) {
		json_object *t = json_object_array_get_idx(tests, i);
		const char *name = json_object_get_string(get(t, "name"));
		if (glob && (!name || !verify_glob_match(glob, name)))
			continue;
		const char *v = verify_format_verdict(json_object_get_string(get(t, "verdict")));
		seen++;
		if (!v) {
			snprintf(why, whylen, "test %s: %s", name ? name : "?",
				 json_object_get_string(get(t, "verdict")));
			return 0;
		}
		if (perm && !in_list(perm, v)) {
			const char *msg = json_object_get_string(get(t, "message"));
			snprintf(why, whylen, "test %s: %s (%d ms, %d KiB%s%.200s), not one of the permitted %s",
				 name ? name : "?", v, json_object_get_int(get(t, "time_ms")),
				 json_object_get_int(get(t, "memory_kb")), msg && *msg ? ": " : "", msg ? msg : "",
				 json_object_to_json_string_ext(perm, JSON_C_TO_STRING_PLAIN));
			return 0;
		}
		if (!req || in_list(req, v))
			any_required = 1;
	}
	if (req && !any_required) {
		snprintf(why, whylen, "no test%s%s got one of the required %s", glob ? " in " : "", glob ? glob : "",
			 json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
		return 0;
	}
	(void)seen;
	return 1;
}

int verify_check(json_object *expect, const char *verdict, double score, int has_score, double max_score,
		 json_object *tests, char *why, size_t whylen)
{
	why[0] = 0;
	const char *f = verify_format_verdict(verdict);
	if (!f) {
		snprintf(why, whylen, "judged %s", verdict ? verdict : "nothing");
		return 0;
	}
	json_object *fin = get(expect, "final");
	if (fin && !in_list(fin, f)) {
		snprintf(why, whylen, "%s, expected one of %s", f,
			 json_object_to_json_string_ext(fin, JSON_C_TO_STRING_PLAIN));
		return 0;
	}
	if (!check_sets(expect, tests, NULL, why, whylen))
		return 0;
	json_object *groups = get(expect, "groups");
	if (groups) {
		json_object_object_foreach(groups, glob, rule)
		{
			if (!check_sets(rule, tests, glob, why, whylen))
				return 0;
		}
	}
	json_object *sc = get(expect, "score");
	if (sc) {
		if (!has_score) {
			snprintf(why, whylen, "no score");
			return 0;
		}
		double lo, hi;
		if (json_object_is_type(sc, json_type_array) && json_object_array_length(sc) == 2) {
			lo = json_object_get_double(json_object_array_get_idx(sc, 0));
			hi = json_object_get_double(json_object_array_get_idx(sc, 1));
		} else {
			lo = hi = json_object_get_double(sc);
		}
		double eps = 1e-6 * (fabs(hi) > 1 ? fabs(hi) : 1);
		if (score < lo - eps || score > hi + eps) {
			snprintf(why, whylen, "score %g, expected %s", score, json_object_to_json_string(sc));
			return 0;
		}
	}
	if (get(expect, "partial") && (!has_score || score >= max_score)) {
		snprintf(why, whylen, "score %g of %g: a partially accepted submission must not get the full score",
			 score, max_score);
		return 0;
	}
	return 1;
}

int verify_time_margin(json_object *expect, json_object *tests, const struct verify_timing *tm, char *why,
		       size_t whylen)
{
	char test[200];
	why[0] = 0;
	double t = verify_time_bound(expect, VERIFY_LOWER, tests, tm->lang_mult, NULL, test, sizeof test);
	if (t >= 0 && t * tm->ac_to_time_limit > tm->time_limit * (1 + 1e-9)) {
		snprintf(why, whylen,
			 "test %s ran %.3g s: the time limit %g s is under that × ac_to_time_limit %g, too close to "
			 "this submission's time",
			 test, t, tm->time_limit, tm->ac_to_time_limit);
		return 0;
	}
	t = verify_time_bound(expect, VERIFY_UPPER, tests, tm->lang_mult, NULL, test, sizeof test);
	if (t >= 0 && t < tm->time_limit * tm->time_limit_to_tle * (1 - 1e-9)) {
		snprintf(why, whylen,
			 "its slowest test (%s) ran %.3g s, not over the time limit %g s × time_limit_to_tle %g: the "
			 "limit is too close to this submission's time",
			 test, t, tm->time_limit, tm->time_limit_to_tle);
		return 0;
	}
	return 1;
}
