/* Scoring from test results. The legacy grader works on the tree of test
 * data groups: a group's result comes from its children (its test cases
 * and its subgroups, in lexicographic order of their names), by its
 * grader_flags; a test case's score is its score.txt, or accept_score when
 * accepted and reject_score when not. The 2025-09 aggregation is flat:
 * each group of secret by its score_aggregation, secret by sum or min. */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *get(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static json_object *settings_of(json_object *groups, const char *name)
{
	for (size_t g = 0; g < json_object_array_length(groups); g++) {
		json_object *gr = json_object_array_get_idx(groups, g);
		const char *gn = json_object_get_string(get(gr, "name"));
		if (gn && !strcmp(gn, name))
			return get(gr, "settings");
	}
	return NULL;
}

static double num(json_object *set, const char *key, double dflt)
{
	json_object *v = get(set, key);
	if (!v)
		return dflt;
	if (json_object_is_type(v, json_type_string)) {
		char *end;
		double d = strtod(json_object_get_string(v), &end);
		return end != json_object_get_string(v) ? d : dflt;
	}
	return json_object_get_double(v);
}

/* Is group name (or test) a direct child of parent? */
static int child_of(const char *name, const char *parent)
{
	size_t n = strlen(parent);
	return !strncmp(name, parent, n) && name[n] == '/' && !strchr(name + n + 1, '/');
}

/* Is name inside parent (at any depth), or parent itself? */
static int within(const char *name, const char *parent)
{
	size_t n = strlen(parent);
	return !strncmp(name, parent, n) && (name[n] == '/' || !name[n]);
}

/*** The legacy default grader ***/

struct result {
	const char *verdict; /* NULL: nothing judged */
	double score;
};

static const char *const WORST[] = {"JE", "IF", "RTE", "MLE", "TLE", "OLE", "WA"};

static int has_flag(const char *flags, const char *f)
{
	size_t n = strlen(f);
	for (const char *p = flags; (p = strstr(p, f)) != NULL; p += n)
		if ((p == flags || p[-1] == ' ' || p[-1] == '\t') && (!p[n] || p[n] == ' ' || p[n] == '\t'))
			return 1;
	return 0;
}

/* The last of the given modes in flags ("If multiple conflicting modes
 * are given, the last one is used"), or dflt. */
static const char *last_mode(const char *flags, const char *const *modes, int n, const char *dflt)
{
	const char *best = dflt, *at = NULL;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(modes[i]);
		for (const char *p = flags; (p = strstr(p, modes[i])) != NULL; p += len)
			if ((p == flags || p[-1] == ' ' || p[-1] == '\t') &&
			    (!p[len] || p[len] == ' ' || p[len] == '\t'))
				if (!at || p > at)
					at = p, best = modes[i];
	}
	return best;
}

/* Children of group name, in lexicographic order of their own names. */
struct child {
	const char *key; /* the last component */
	int test;        /* index into t, or -1 */
	const char *group;
};

static int cmp_child(const void *a, const void *b)
{
	return strcmp(((const struct child *)a)->key, ((const struct child *)b)->key);
}

static const char *last_part(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

static size_t children(json_object *groups, const struct score_test *t, size_t nt, const char *name, struct child *out,
		       size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < nt && n < cap; i++)
		if (!strcmp(t[i].group, name))
			out[n++] = (struct child){last_part(t[i].name), (int)i, NULL};
	for (size_t g = 0; g < json_object_array_length(groups) && n < cap; g++) {
		const char *gn = json_object_get_string(get(json_object_array_get_idx(groups, g), "name"));
		if (gn && child_of(gn, name))
			out[n++] = (struct child){last_part(gn), -1, gn};
	}
	/* A group with tests only deeper down still has an entry on the way:
	 * "secret/a/b" with no "secret/a" group of its own. */
	for (size_t i = 0; i < nt && n < cap; i++) {
		if (!within(t[i].group, name) || !strcmp(t[i].group, name))
			continue;
		const char *rest = t[i].group + strlen(name) + 1, *slash = strchr(rest, '/');
		size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
		int seen = 0;
		for (size_t k = 0; k < n && !seen; k++)
			seen = out[k].test < 0 && strlen(out[k].key) == len && !strncmp(out[k].key, rest, len);
		if (!seen)
			out[n++] = (struct child){rest, -2, NULL}; /* resolved below */
	}
	qsort(out, n, sizeof *out, cmp_child);
	return n;
}

static struct result grade(json_object *groups, struct score_test *t, size_t nt, const char *name, int use_max,
			   int depth);

static struct result grade_child(json_object *groups, struct score_test *t, size_t nt, const char *parent,
				 const struct child *c, json_object *set, int use_max, int depth)
{
	if (c->test >= 0) {
		struct score_test *x = &t[c->test];
		if (!use_max && !x->judged)
			return (struct result){NULL, 0};
		int ac = use_max || !strcmp(x->verdict, "AC");
		double sc = ac ? (!use_max && x->has_score ? x->score : num(set, "accept_score", 1))
			       : num(set, "reject_score", 0);
		if (!use_max)
			x->score = sc;
		return (struct result){use_max ? "AC" : x->verdict, sc};
	}
	char sub[1024];
	if (c->group)
		snprintf(sub, sizeof sub, "%s", c->group);
	else
		snprintf(sub, sizeof sub, "%.500s/%.*s", parent, (int)(strcspn(c->key, "/") & 0x1ff), c->key);
	return grade(groups, t, nt, sub, use_max, depth + 1);
}

/* The result of group name by its grader flags; use_max: as if every test
 * were accepted with its accept_score (the group's maximum). */
static struct result grade(json_object *groups, struct score_test *t, size_t nt, const char *name, int use_max,
			   int depth)
{
	json_object *set = settings_of(groups, name);
	const char *flags = get(set, "grader_flags") ? json_object_get_string(get(set, "grader_flags")) : "";
	static const char *const vmodes[] = {"worst_error", "first_error", "always_accept"};
	static const char *const smodes[] = {"sum", "avg", "min", "max"};
	const char *vmode = last_mode(flags, vmodes, 3, "worst_error");
	const char *smode = last_mode(flags, smodes, 4, "sum");
	int any_ac_ok = has_flag(flags, "accept_if_any_accepted");
	struct child kids[512];
	size_t nk = depth < 16 ? children(groups, t, nt, name, kids, 512) : 0;
	double sum = 0, mn = INFINITY, mx = -INFINITY;
	int n = 0, all_ac = 1, any_ac = 0;
	const char *first_bad = NULL, *worst = NULL;
	int worst_rank = 99;
	for (size_t k = 0; k < nk; k++) {
		struct result r = grade_child(groups, t, nt, name, &kids[k], set, use_max, depth);
		if (!r.verdict)
			continue; /* not judged: on_reject: break stopped before it */
		n++;
		sum += r.score;
		mn = r.score < mn ? r.score : mn;
		mx = r.score > mx ? r.score : mx;
		if (!strcmp(r.verdict, "AC")) {
			any_ac = 1;
			continue;
		}
		all_ac = 0;
		if (!first_bad)
			first_bad = r.verdict;
		for (int w = 0; w < 7; w++)
			if (!strcmp(r.verdict, WORST[w]) && w < worst_rank)
				worst_rank = w, worst = WORST[w];
		if (!worst && worst_rank == 99)
			worst = r.verdict, worst_rank = 98;
	}
	if (!n)
		return (struct result){NULL, 0};
	const char *v = all_ac                            ? "AC"
			: !strcmp(vmode, "always_accept") ? "AC"
			: !strcmp(vmode, "first_error")   ? first_bad
							  : worst;
	if (any_ac_ok && any_ac)
		v = "AC";
	double sc = !strcmp(smode, "avg") ? sum / n : !strcmp(smode, "min") ? mn : !strcmp(smode, "max") ? mx : sum;
	json_object *range = get(set, "range");
	if (range && json_object_get_string(range)) {
		double lo = -INFINITY, hi = INFINITY;
		char a[32] = "", b[32] = "";
		if (sscanf(json_object_get_string(range), "%31s %31s", a, b) == 2) {
			lo = strtod(a, NULL);
			hi = strtod(b, NULL);
		}
		sc = sc < lo ? lo : sc > hi ? hi : sc;
	}
	return (struct result){v, sc};
}

static int breaks(json_object *groups, const char *name)
{
	json_object *v = get(settings_of(groups, name), "on_reject");
	return !v || strcmp(json_object_get_string(v), "continue") != 0;
}

int score_legacy_should_judge(json_object *groups, const struct score_test *t, size_t nt, size_t i)
{
	/* For each group around test i with on_reject: break, the parts of it
	 * before the one holding test i: all judged by now (tests run in the
	 * same order), so their results are final. */
	char g[1024];
	snprintf(g, sizeof g, "%s", t[i].group);
	struct score_test *tt = (struct score_test *)t; /* grade() sets scores of judged tests only */
	for (;;) {
		if (breaks(groups, g)) {
			struct child kids[512];
			size_t nk = children(groups, t, nt, g, kids, 512);
			json_object *set = settings_of(groups, g);
			for (size_t k = 0; k < nk; k++) {
				int holds = kids[k].test >= 0 ? (size_t)kids[k].test == i : 0;
				if (kids[k].test < 0) {
					char sub[1024];
					if (kids[k].group)
						snprintf(sub, sizeof sub, "%s", kids[k].group);
					else
						snprintf(sub, sizeof sub, "%.500s/%.*s", g,
							 (int)(strcspn(kids[k].key, "/") & 0x1ff), kids[k].key);
					holds = within(t[i].group, sub);
				}
				if (holds)
					break;
				struct result r = grade_child(groups, tt, nt, g, &kids[k], set, 0, 0);
				if (r.verdict && strcmp(r.verdict, "AC"))
					return 0;
			}
		}
		char *slash = strrchr(g, '/');
		if (!slash)
			break;
		*slash = 0;
	}
	return 1;
}

void score_legacy(json_object *groups, struct score_test *t, size_t nt, const char **verdict, double *score,
		  double *max)
{
	struct result r = grade(groups, t, nt, "secret", 0, 0);
	struct result m = grade(groups, t, nt, "secret", 1, 0);
	*verdict = r.verdict ? r.verdict : "AC";
	*score = r.verdict ? r.score : 0;
	*max = m.verdict ? m.score : 0;
	/* Samples never count; their tests keep the score 0. */
	for (size_t i = 0; i < nt; i++)
		if (!strncmp(t[i].group, "sample", 6))
			t[i].score = 0;
}

/*** 2025-09 ***/

void score_modern(json_object *groups, struct score_test *t, size_t nt, double *score, double *max)
{
	*score = 0;
	*max = 0;
	for (size_t g = 0; g < json_object_array_length(groups); g++) {
		json_object *gr = json_object_array_get_idx(groups, g);
		const char *name = json_object_get_string(get(gr, "name"));
		json_object *set = get(gr, "settings");
		if (!strncmp(name, "sample", 6))
			continue;
		const char *agg =
			get(set, "score_aggregation") ? json_object_get_string(get(set, "score_aggregation")) : NULL;
		double gmax = get(set, "max_score") ? json_object_get_double(get(set, "max_score")) : -1;
		if (!agg)
			agg = strcmp(name, "secret") ? "pass-fail" : "sum";
		size_t n = 0, ac = 0;
		for (size_t i = 0; i < nt; i++)
			if (!strcmp(t[i].group, name))
				n++;
		if (!n)
			continue;
		double sum = 0, mn = INFINITY;
		for (size_t i = 0; i < nt; i++) {
			if (strcmp(t[i].group, name))
				continue;
			int ok = t[i].judged && !strcmp(t[i].verdict, "AC");
			ac += ok;
			/* A case's share of its group's maximum. */
			double share = gmax < 0 ? 1 : !strcmp(agg, "sum") ? gmax / (double)n : gmax;
			double sc = !ok ? 0 : t[i].has_score ? t[i].score : share;
			t[i].score = sc;
			sum += sc;
			mn = sc < mn ? sc : mn;
		}
		double gs = !strcmp(agg, "pass-fail") ? (ac == n ? (gmax >= 0 ? gmax : 1) : 0)
			    : !strcmp(agg, "min")     ? mn
						      : sum;
		*score += gs;
		*max += gmax >= 0 ? gmax : !strcmp(agg, "sum") ? (double)n : 1;
	}
}
