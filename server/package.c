/* Problem packages: zip in and out (libzip), problem.yaml (libyaml), and
 * the reading of the Kattis layout. See docs/PROBLEMS.md for what is taken
 * from where. */
#include "package.h"
#include "proto.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>
#include <zip.h>

/*** YAML ***/

static json_object *yaml_scalar(yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_object_new_string_len(s, (int)len);
	if (!len || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
		return NULL;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_object_new_boolean(1);
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_object_new_boolean(0);
	char *end;
	errno = 0;
	long long ll = strtoll(s, &end, 10);
	if (*end == 0 && !errno && (isdigit((unsigned char)s[0]) || ((s[0] == '-' || s[0] == '+') && s[1])))
		return json_object_new_int64(ll);
	double d = strtod(s, &end);
	if (*end == 0 && (isdigit((unsigned char)s[0]) || s[0] == '.' || s[0] == '-' || s[0] == '+') &&
	    strspn(s, "0123456789.eE+-") == len)
		return json_object_new_double(d);
	return json_object_new_string_len(s, (int)len);
}

/* budget: what may still be made, a unit per value and per 16 bytes of
 * text. Aliases make one node of the document many of the result (a
 * "billion laughs"), so the result is bounded by its text's length. */
static json_object *yaml_node(yaml_document_t *doc, yaml_node_t *n, int depth, long *budget)
{
	if (!n || depth > 64 || --*budget < 0)
		return NULL;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		*budget -= (long)(n->data.scalar.length / 16); /* a long one counts for its length */
		return *budget < 0 ? NULL : yaml_scalar(n);
	case YAML_SEQUENCE_NODE: {
		json_object *a = json_object_new_array();
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++)
			json_object_array_add(a, yaml_node(doc, yaml_document_get_node(doc, *i), depth + 1, budget));
		return a;
	}
	case YAML_MAPPING_NODE: {
		json_object *o = json_object_new_object();
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			json_object_object_add(
				o, (const char *)k->data.scalar.value,
				yaml_node(doc, yaml_document_get_node(doc, p->value), depth + 1, budget));
		}
		return o;
	}
	default:
		return NULL;
	}
}

json_object *pkg_yaml_to_json(const char *text, size_t len, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "line %zu: %s", parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return NULL;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	long budget = 100000 + 16 * (long)len;
	json_object *o = root ? yaml_node(&doc, root, 0, &budget) : json_object_new_object();
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (budget < 0) {
		json_object_put(o);
		snprintf(err, errlen, "aliases expand to more than the text can hold (%ld values)",
			 100000 + 16 * (long)len);
		return NULL;
	}
	if (!o)
		o = json_object_new_object(); /* an empty file */
	return o;
}

/*** Reading a zip ***/

static int path_ok(const char *p)
{
	if (!*p || p[0] == '/' || strchr(p, '\\') || strlen(p) >= 500)
		return 0;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 && e)
			return 0; /* "a//b" */
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20)
				return 0;
		s += n;
		if (*s == '/')
			s++;
	}
	return 1;
}

const struct pkg_file *pkg_find(const struct pkg *p, const char *path)
{
	for (size_t i = 0; i < p->nfiles; i++)
		if (!strcmp(p->files[i].path, path))
			return &p->files[i];
	return NULL;
}

static void sha_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, data, len);
	for (int i = 0; i < 32; i++)
		snprintf(out + i * 2, 3, "%02x", h[i]);
}

/* A package zipped with its folder ("hello/problem.yaml") is read as if
 * zipped from inside it. */
static void strip_common_root(struct pkg *p)
{
	if (!p->nfiles || pkg_find(p, "problem.yaml"))
		return;
	const char *first = p->files[0].path;
	const char *slash = strchr(first, '/');
	if (!slash)
		return;
	size_t n = (size_t)(slash - first) + 1;
	for (size_t i = 0; i < p->nfiles; i++)
		if (strncmp(p->files[i].path, first, n))
			return;
	char root[512];
	snprintf(root, sizeof root, "%.*s", (int)n, first);
	char probe[600];
	snprintf(probe, sizeof probe, "%sproblem.yaml", root);
	if (!pkg_find(p, probe))
		return;
	for (size_t i = 0; i < p->nfiles; i++)
		memmove(p->files[i].path, p->files[i].path + n, strlen(p->files[i].path + n) + 1);
}

int pkg_read_zip(const void *buf, size_t len, const struct pkg_limits *lim, struct pkg *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(buf, len, 0, &zerr);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
	if (!z) {
		snprintf(err, errlen, "not a zip file: %s", zip_error_strerror(&zerr));
		zip_error_fini(&zerr);
		if (src)
			zip_source_free(src);
		return -1;
	}
	zip_error_fini(&zerr);
	zip_int64_t n = zip_get_num_entries(z, 0);
	if (n < 0 || (size_t)n > lim->max_files) {
		snprintf(err, errlen, "the package has more than %zu files", lim->max_files);
		goto fail;
	}
	p->files = calloc((size_t)n + 1, sizeof *p->files);
	size_t total = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) || !(st.valid & ZIP_STAT_NAME)) {
			snprintf(err, errlen, "unreadable zip entry %lld", (long long)i);
			goto fail;
		}
		const char *name = st.name;
		size_t nl = strlen(name);
		if (nl && name[nl - 1] == '/')
			continue; /* a directory */
		if (!path_ok(name)) {
			snprintf(err, errlen, "bad path in the package: %.200s (absolute, '..', or escaping the root)",
				 name);
			goto fail;
		}
		zip_uint8_t opsys;
		zip_uint32_t attr;
		int mode = 0644;
		if (!zip_file_get_external_attributes(z, (zip_uint64_t)i, 0, &opsys, &attr) &&
		    opsys == ZIP_OPSYS_UNIX) {
			unsigned m = attr >> 16;
			if ((m & S_IFMT) == S_IFLNK) {
				snprintf(err, errlen, "links are not allowed in a package: %.200s", name);
				goto fail;
			}
			if (m & 0111)
				mode = 0755;
		}
		/* The declared size may lie: read at most one byte past the cap. */
		if ((st.valid & ZIP_STAT_SIZE) &&
		    (st.size > lim->max_file_bytes || total + st.size > lim->max_total_bytes)) {
			snprintf(err, errlen, "the package is too large when unpacked (%.200s); a zip bomb?", name);
			goto fail;
		}
		size_t cap = lim->max_file_bytes + 1;
		if (cap > lim->max_total_bytes - total + 1)
			cap = lim->max_total_bytes - total + 1;
		size_t want = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size + 1 : cap;
		if (want > cap)
			want = cap;
		unsigned char *data = malloc(want ? want : 1);
		zip_file_t *zf = zip_fopen_index(z, (zip_uint64_t)i, 0);
		if (!zf || !data) {
			free(data);
			if (zf)
				zip_fclose(zf);
			snprintf(err, errlen, "cannot read %.200s from the zip", name);
			goto fail;
		}
		size_t got = 0;
		for (;;) {
			if (got == want) {
				if (want >= cap)
					break;
				size_t nw = want * 2 < cap ? want * 2 : cap;
				unsigned char *nd = realloc(data, nw);
				if (!nd)
					break;
				data = nd;
				want = nw;
			}
			zip_int64_t r = zip_fread(zf, data + got, want - got);
			if (r < 0) {
				zip_fclose(zf);
				free(data);
				snprintf(err, errlen, "corrupt zip entry %.200s", name);
				goto fail;
			}
			if (r == 0)
				break;
			got += (size_t)r;
		}
		zip_fclose(zf);
		if (got >= cap) {
			free(data);
			snprintf(err, errlen, "the package is too large when unpacked (%.200s); a zip bomb?", name);
			goto fail;
		}
		total += got;
		struct pkg_file *f = &p->files[p->nfiles++];
		f->path = strdup(name);
		f->data = data;
		f->len = got;
		f->mode = mode;
		sha_hex(data, got, f->sha);
		for (size_t k = 0; k + 1 < p->nfiles; k++)
			if (!strcmp(p->files[k].path, name)) {
				snprintf(err, errlen, "the file %.200s appears twice", name);
				goto fail;
			}
	}
	zip_close(z);
	strip_common_root(p);
	return 0;
fail:
	zip_discard(z);
	pkg_free(p);
	return -1;
}

int pkg_write_zip(const struct pkg_file *files, size_t n, unsigned char **out, size_t *outlen)
{
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &zerr);
	if (!src)
		return -1;
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &zerr);
	if (!z) {
		zip_source_free(src);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		zip_source_t *fs = zip_source_buffer(z, files[i].data, files[i].len, 0);
		zip_int64_t idx = fs ? zip_file_add(z, files[i].path, fs, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(fs);
			zip_discard(z);
			zip_source_free(src);
			return -1;
		}
		zip_file_set_external_attributes(z, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
						 ((zip_uint32_t)(S_IFREG | (unsigned)files[i].mode)) << 16);
	}
	if (zip_close(z)) {
		zip_discard(z);
		zip_source_free(src);
		return -1;
	}
	zip_stat_t st;
	if (zip_source_stat(src, &st) || zip_source_open(src)) {
		zip_source_free(src);
		return -1;
	}
	*out = malloc(st.size ? st.size : 1);
	*outlen = (size_t)zip_source_read(src, *out, st.size);
	zip_source_close(src);
	zip_source_free(src);
	return 0;
}

void pkg_free(struct pkg *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data);
	}
	free(p->files);
	for (size_t i = 0; i < p->ntests; i++) {
		json_object_put(p->tests[i].args);
		json_object_put(p->tests[i].input_args);
	}
	free(p->tests);
	for (size_t i = 0; i < p->ngroups; i++)
		json_object_put(p->groups[i].settings);
	free(p->groups);
	json_object_put(p->yaml);
	json_object_put(p->validator_flags);
	json_object_put(p->tags);
	free(p->statement);
	free(p->statement_html);
	memset(p, 0, sizeof *p);
}

/*** Understanding the package ***/

static char *file_text(const struct pkg_file *f)
{
	char *s = malloc(f->len + 1);
	memcpy(s, f->data, f->len);
	s[f->len] = 0;
	return s;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

static int starts_with(const char *s, const char *pre)
{
	return !strncmp(s, pre, strlen(pre));
}

/* Splits a string of flags on white space into a JSON array appended to arr. */
static void split_flags(json_object *arr, const char *s)
{
	while (s && *s) {
		while (isspace((unsigned char)*s))
			s++;
		size_t n = 0;
		while (s[n] && !isspace((unsigned char)s[n]))
			n++;
		if (n)
			json_object_array_add(arr, json_object_new_string_len(s, (int)n));
		s += n;
	}
}

static void add_args(json_object *arr, json_object *v)
{
	if (!v)
		return;
	if (json_object_is_type(v, json_type_string)) {
		split_flags(arr, json_object_get_string(v));
	} else if (json_object_is_type(v, json_type_array)) {
		/* Strings and numbers ("1e-6" reads as a number); a null, a
		 * list or a map in the list is no argument (fuzz_package found
		 * the null). */
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *e = json_object_array_get_idx(v, i);
			if (e && !json_object_is_type(e, json_type_object) && !json_object_is_type(e, json_type_array))
				json_object_array_add(arr, json_object_new_string(json_object_get_string(e)));
		}
	}
}

#define MAX_PASSES 100

static json_object *get(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* The format's order: samples first, then test cases and groups in
 * lexicographic order of their names within each directory ("a.b" after
 * the group "a", whatever '/' sorts as). */
static int cmp_tests(const void *a, const void *b)
{
	const struct pkg_test *x = a, *y = b;
	if (x->sample != y->sample)
		return y->sample - x->sample;
	const char *p = x->name, *q = y->name;
	for (;;) {
		size_t m = strcspn(p, "/"), n = strcspn(q, "/");
		int c = strncmp(p, q, m < n ? m : n);
		if (c)
			return c;
		if (m != n)
			return m < n ? -1 : 1;
		if (!p[m] || !q[n])
			return !p[m] ? (q[n] ? -1 : 0) : 1;
		p += m + 1;
		q += n + 1;
	}
}

/* The settings of a group directory ("data/secret/g1"): its testdata.yaml
 * or test_group.yaml over its parent's, key by key. A new reference. */
static json_object *group_settings(struct pkg *p, const char *dir, char *err, size_t errlen, int *bad)
{
	json_object *base;
	const char *slash = strrchr(dir, '/');
	if (slash && strcmp(dir, "data")) {
		char parent[512];
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - dir), dir);
		base = group_settings(p, parent, err, errlen, bad);
	} else {
		base = json_object_new_object();
	}
	static const char *const names[] = {"testdata.yaml", "test_group.yaml"};
	for (int k = 0; k < 2; k++) {
		char path[600];
		snprintf(path, sizeof path, "%s/%s", dir, names[k]);
		const struct pkg_file *f = pkg_find(p, path);
		if (!f)
			continue;
		char yerr[256];
		json_object *o = pkg_yaml_to_json((const char *)f->data, f->len, yerr, sizeof yerr);
		if (!o || !json_object_is_type(o, json_type_object)) {
			if (!*bad)
				snprintf(err, errlen, "%s: %s", path, o ? "not a mapping" : yerr);
			*bad = 1;
			json_object_put(o);
			continue;
		}
		json_object_object_foreach(o, key, val)
		{
			/* Only a group's own limits and scores do not pass down in 2025-09. */
			json_object_object_add(base, key, json_object_get(val));
		}
		json_object_put(o);
	}
	return base;
}

static const char *lang_of(const char *path)
{
	if (has_suffix(path, ".c"))
		return "c";
	if (has_suffix(path, ".cpp") || has_suffix(path, ".cc") || has_suffix(path, ".cxx") || has_suffix(path, ".c++"))
		return "cpp";
	if (has_suffix(path, ".py"))
		return "python3";
	return NULL;
}

static int find_validator(struct pkg *p, char *err, size_t errlen)
{
	const char *roots[] = {"output_validator/", "output_validators/"};
	for (int r = 0; r < 2; r++) {
		for (size_t i = 0; i < p->nfiles; i++) {
			const char *path = p->files[i].path;
			if (!starts_with(path, roots[r]))
				continue;
			const char *rest = path + strlen(roots[r]);
			const char *lang = lang_of(path);
			/* A program with the format's build and run scripts. */
			const char *base = strrchr(path, '/') + 1;
			int script = (!strcmp(base, "build") || !strcmp(base, "run")) &&
				     (r == 0 ? base == rest : strchr(rest, '/') == base - 1);
			if (script)
				lang = "script";
			if (!lang)
				continue;
			/* The validator is the directory holding its sources (or the file). */
			if (r == 0) {
				snprintf(p->validator_path, sizeof p->validator_path, "output_validator");
			} else {
				const char *slash = strchr(rest, '/');
				if (slash)
					snprintf(p->validator_path, sizeof p->validator_path, "%.*s",
						 (int)(slash - path), path);
				else
					snprintf(p->validator_path, sizeof p->validator_path, "%s", path);
			}
			/* Scripts win over sources; C++ wins over C when both are
			 * there (a C++ file with helpers). */
			if (!strcmp(p->validator_lang, "script"))
				;
			else if (!p->validator_lang[0] || script || !strcmp(lang, "cpp"))
				snprintf(p->validator_lang, sizeof p->validator_lang, "%s", lang);
			if (memmem(p->files[i].data, p->files[i].len, "testlib.h", 9))
				snprintf(p->validator_kind, sizeof p->validator_kind, "testlib");
		}
		if (p->validator_path[0])
			break;
	}
	if (!p->validator_path[0])
		return 0;
	if (!p->validator_kind[0] || !strcmp(p->validator_kind, "default"))
		snprintf(p->validator_kind, sizeof p->validator_kind, "kattis");
	(void)err;
	(void)errlen;
	return 0;
}

/* input_validators/ (legacy also input_format_validators/): each file or
 * directory in it is a program. Checktestdata and VIVA files are not run
 * here; they are named in input_validators_skipped. */
static int find_input_validators(struct pkg *p, char *err, size_t errlen)
{
	static const char *const roots[] = {"input_validators/", "input_format_validators/"};
	for (int r = 0; r < 2; r++) {
		for (size_t i = 0; i < p->nfiles; i++) {
			const char *path = p->files[i].path;
			if (!starts_with(path, roots[r]))
				continue;
			const char *rest = path + strlen(roots[r]), *slash = strchr(rest, '/');
			char prog[512], name[128];
			snprintf(prog, sizeof prog, "%.*s", (int)(slash ? slash - path : (ptrdiff_t)strlen(path)),
				 path);
			snprintf(name, sizeof name, "%.*s", (int)(slash ? slash - rest : (ptrdiff_t)strlen(rest)),
				 rest);
			if (!slash && (has_suffix(path, ".ctd") || has_suffix(path, ".viva"))) {
				size_t k = strlen(p->input_validators_skipped);
				snprintf(p->input_validators_skipped + k, sizeof p->input_validators_skipped - k,
					 "%s%s", k ? ", " : "", path);
				continue;
			}
			const char *base = strrchr(path, '/') + 1;
			const char *lang = slash && strchr(slash + 1, '/') == NULL &&
							   (!strcmp(base, "build") || !strcmp(base, "run"))
						   ? "script"
						   : lang_of(path);
			if (!lang)
				continue;
			if (!slash && strchr(name, '.'))
				*strrchr(name, '.') = 0;
			int k;
			for (k = 0; k < p->n_input_validators; k++)
				if (!strcmp(p->input_validators[k].path, prog))
					break;
			if (k == p->n_input_validators) {
				if (k == PKG_MAX_INPUT_VALIDATORS) {
					snprintf(err, errlen, "more than %d input validators",
						 PKG_MAX_INPUT_VALIDATORS);
					return -1;
				}
				p->n_input_validators++;
				snprintf(p->input_validators[k].path, sizeof p->input_validators[k].path, "%s", prog);
				snprintf(p->input_validators[k].name, sizeof p->input_validators[k].name, "%s", name);
			}
			/* Scripts win over sources, C++ over C. */
			char *l = p->input_validators[k].lang;
			if (strcmp(l, "script") && (!l[0] || !strcmp(lang, "script") || !strcmp(lang, "cpp")))
				snprintf(l, sizeof p->input_validators[k].lang, "%s", lang);
		}
		if (p->n_input_validators)
			break;
	}
	return 0;
}

/* A group's or a case's input validator arguments as the format gives
 * them: legacy input_validator_flags (a string, or {name, flags}),
 * 2025-09 input_validator_args (a list, or a map of lists by name). */
static json_object *input_args_of(json_object *settings)
{
	json_object *v = get(settings, "input_validator_args");
	if (!v)
		v = get(settings, "input_validator_flags");
	if (!v)
		return NULL;
	json_object *out;
	if (json_object_is_type(v, json_type_object)) {
		out = json_object_new_object();
		json_object *name = get(v, "name"), *flags = get(v, "flags");
		if (name && json_object_is_type(name, json_type_string)) {
			json_object *a = json_object_new_array();
			add_args(a, flags);
			json_object_object_add(out, json_object_get_string(name), a);
		} else {
			json_object_object_foreach(v, k, val)
			{
				json_object *a = json_object_new_array();
				add_args(a, val);
				json_object_object_add(out, k, a);
			}
		}
		return out;
	}
	out = json_object_new_array();
	add_args(out, v);
	return out;
}

json_object *pkg_input_args(const struct pkg_test *t, const struct pkg_program *v)
{
	json_object *a = json_object_new_array(), *mine = t->input_args;
	if (mine && json_object_is_type(mine, json_type_object))
		mine = get(mine, v->name);
	add_args(a, mine);
	return a;
}

static void find_statement(struct pkg *p)
{
	static const char *const dirs[] = {"statement/", "problem_statement/", ""};
	static const char *const md[] = {"problem.en.md", "problem.md"};
	static const char *const html[] = {"problem.en.html", "problem.html"};
	static const char *const other[] = {"problem.en.tex", "problem.tex", "problem.en.pdf", "problem.pdf"};
	char path[600];
	for (int d = 0; d < 3 && !p->statement && !p->statement_html; d++) {
		for (int k = 0; k < 2; k++) {
			snprintf(path, sizeof path, "%s%s", dirs[d], md[k]);
			const struct pkg_file *f = pkg_find(p, path);
			if (f && !p->statement)
				p->statement = file_text(f);
			snprintf(path, sizeof path, "%s%s", dirs[d], html[k]);
			f = pkg_find(p, path);
			if (f && !p->statement_html)
				p->statement_html = file_text(f);
		}
		for (int k = 0; k < 4 && !p->statement_file[0]; k++) {
			snprintf(path, sizeof path, "%s%s", dirs[d], other[k]);
			if (pkg_find(p, path))
				snprintf(p->statement_file, sizeof p->statement_file, "%.500s", path);
		}
	}
	/* Any other language's Markdown, when there is no English. */
	for (size_t i = 0; i < p->nfiles && !p->statement; i++)
		if ((starts_with(p->files[i].path, "statement/problem.") ||
		     starts_with(p->files[i].path, "problem_statement/problem.")) &&
		    has_suffix(p->files[i].path, ".md"))
			p->statement = file_text(&p->files[i]);
}

/* What the package asks for that Verdict does not do: judging it anyway
 * could accept a wrong answer, so the import is refused, naming it. */
static int pkg_unsupported(struct pkg *p, int legacy, char *err, size_t errlen)
{
	json_object *type = get(p->yaml, "type");
	const char *ts = type && !json_object_is_type(type, json_type_array) ? json_object_get_string(type) : "";
	for (size_t i = 0; type && json_object_is_type(type, json_type_array) && i < json_object_array_length(type);
	     i++)
		if (!strcmp(util_json_text(json_object_array_get_idx(type, i)), "submit-answer"))
			ts = "submit-answer";
	if (strstr(ts, "submit-answer")) {
		snprintf(err, errlen, "problem.yaml: type submit-answer is not supported");
		return -1;
	}
	for (size_t g = 0; g < p->ngroups; g++) {
		json_object *set = p->groups[g].settings;
		static const char *const keys[] = {"require_pass", "static_validation_score"};
		for (int k = 0; k < 2; k++)
			if (get(set, keys[k])) {
				snprintf(err, errlen, "data/%s: %s is not supported", p->groups[g].name, keys[k]);
				return -1;
			}
		json_object *grading = get(set, "grading");
		if (grading && strcmp(json_object_get_string(grading), "default")) {
			snprintf(err, errlen, "data/%s: grading: %s (a custom grader) is not supported",
				 p->groups[g].name, json_object_get_string(grading));
			return -1;
		}
		if (!legacy && get(set, "args")) {
			snprintf(err, errlen, "data/%s: args for the submission are not supported", p->groups[g].name);
			return -1;
		}
	}
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *path = p->files[i].path;
		if (starts_with(path, "include/")) {
			snprintf(err, errlen, "%s: included files (include/) are not supported", path);
			return -1;
		}
		if (starts_with(path, "data/") && (strstr(path, ".files/"))) {
			snprintf(err, errlen, "%s: test case files (.files) are not supported", path);
			return -1;
		}
		if (starts_with(path, "graders/")) {
			snprintf(err, errlen, "%s: custom graders (graders/) are not supported", path);
			return -1;
		}
	}
	for (size_t t = 0; t < p->ntests; t++) {
		char case_yaml[600];
		snprintf(case_yaml, sizeof case_yaml, "data/%s.yaml", p->tests[t].name);
		const struct pkg_file *cy = pkg_find(p, case_yaml);
		if (!cy)
			continue;
		char e2[256];
		json_object *o = pkg_yaml_to_json((const char *)cy->data, cy->len, e2, sizeof e2);
		int has_args = get(o, "args") != NULL;
		json_object_put(o);
		if (has_args) {
			snprintf(err, errlen, "%s: args for the submission are not supported", case_yaml);
			return -1;
		}
	}
	return 0;
}

/* Reads problem.yaml: its format and name. */
static int analyse_yaml(struct pkg *p, char *err, size_t errlen)
{
	const struct pkg_file *py = pkg_find(p, "problem.yaml");
	if (!py) {
		snprintf(err, errlen, "no problem.yaml at the root of the package");
		return -1;
	}
	char yerr[256];
	p->yaml = pkg_yaml_to_json((const char *)py->data, py->len, yerr, sizeof yerr);
	if (!p->yaml) {
		snprintf(err, errlen, "problem.yaml is not valid YAML: %s", yerr);
		return -1;
	}
	if (!json_object_is_type(p->yaml, json_type_object)) {
		snprintf(err, errlen, "problem.yaml is not a mapping of keys to values");
		return -1;
	}
	json_object *y = p->yaml, *v;
	v = get(y, "problem_format_version");
	snprintf(p->format, sizeof p->format, "%s", v ? json_object_get_string(v) : "legacy");

	v = get(y, "name");
	if (v && json_object_is_type(v, json_type_object)) {
		json_object *en = get(v, "en");
		if (!en) {
			json_object_object_foreach(v, k, val)
			{
				(void)k;
				en = val;
				break;
			}
		}
		v = en;
	}
	snprintf(p->name, sizeof p->name, "%s", v && json_object_get_string(v) ? json_object_get_string(v) : "");

	return 0;
}

/* The problem's type: legacy "pass-fail"/"scoring" plus validation;
 * 2025-09 a list. *validation: what problem.yaml says of it. */
static int analyse_type(struct pkg *p, const char **validation_out, char *err, size_t errlen)
{
	json_object *y = p->yaml, *v;
	int passfail = 1;
	v = get(y, "type");
	if (v && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *t = json_object_get_string(json_object_array_get_idx(v, i));
			if (t && !strcmp(t, "scoring"))
				p->scoring = 1, passfail = 0;
			if (t && !strcmp(t, "interactive"))
				p->interactive = 1;
			if (t && !strcmp(t, "multi-pass"))
				p->passes = 2;
		}
	} else if (v) {
		const char *t = json_object_get_string(v);
		if (strstr(t, "scoring"))
			p->scoring = 1, passfail = 0;
		if (strstr(t, "interactive"))
			p->interactive = 1;
		if (strstr(t, "multi-pass"))
			p->passes = 2;
		if (!strstr(t, "scoring") && !strstr(t, "pass-fail") && !strstr(t, "interactive") &&
		    !strstr(t, "multi-pass")) {
			snprintf(err, errlen, "problem.yaml: unknown type %.60s", t);
			return -1;
		}
	}
	v = get(y, "validation");
	const char *validation = v ? json_object_get_string(v) : "default";
	if (strstr(validation, "interactive"))
		p->interactive = 1;
	/* Legacy packages say multi-pass in validation ("custom multi-pass"). */
	if (strstr(validation, "multi-pass"))
		p->passes = 2;
	snprintf(p->type, sizeof p->type, "%s%s%s", passfail ? "pass-fail" : "scoring",
		 p->interactive ? " interactive" : "", p->passes ? " multi-pass" : "");

	*validation_out = validation;
	return 0;
}

/* A positive number at map.key (map is problem.yaml's where), at least
 * least, or def when absent. 0, or -1 with err. */
static int limit_number(json_object *map, const char *where, const char *key, double least, double def, double *out,
			char *err, size_t errlen)
{
	json_object *v = get(map, key);
	*out = def;
	if (!v)
		return 0;
	double d = json_object_get_double(v);
	if (!(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) || !isfinite(d) ||
	    d < least || d <= 0 || d > 1000) {
		snprintf(err, errlen, "problem.yaml: %s%s must be a number %s %g, at most 1000", where, key,
			 least > 0 ? "of at least" : "over", least);
		return -1;
	}
	*out = d;
	return 0;
}

/* The time multipliers and resolution, checked. */
static int analyse_timing(struct pkg *p, json_object *lim, char *err, size_t errlen)
{
	if (!strncmp(p->format, "legacy", 6)) {
		/* t_lim = ceil(t_max * time_multiplier); every time_limit_exceeded
		 * submission runs at least t_lim * time_safety_margin. */
		p->time_resolution = 1;
		return limit_number(lim, "limits.", "time_multiplier", 1, 5, &p->ac_to_time_limit, err, errlen) ||
				       limit_number(lim, "limits.", "time_safety_margin", 1, 2, &p->time_limit_to_tle,
						    err, errlen)
			       ? -1
			       : 0;
	}
	json_object *tm = get(lim, "time_multipliers");
	if (tm && !json_object_is_type(tm, json_type_object)) {
		snprintf(err, errlen, "problem.yaml: limits.time_multipliers must be a mapping");
		return -1;
	}
	if (tm) {
		json_object_object_foreach(tm, k, v)
		{
			(void)v;
			if (strcmp(k, "ac_to_time_limit") && strcmp(k, "time_limit_to_tle")) {
				snprintf(err, errlen,
					 "problem.yaml: limits.time_multipliers.%.60s is not a key of the format", k);
				return -1;
			}
		}
	}
	const char *where = "limits.time_multipliers.";
	return limit_number(tm, where, "ac_to_time_limit", 1, 2.0, &p->ac_to_time_limit, err, errlen) ||
			       limit_number(tm, where, "time_limit_to_tle", 1, 1.5, &p->time_limit_to_tle, err,
					    errlen) ||
			       limit_number(lim, "limits.", "time_resolution", 0, 1.0, &p->time_resolution, err, errlen)
		       ? -1
		       : 0;
}

/* Time (problem.yaml, .timelimit or domjudge-problem.ini), memory and
 * output limits, and the passes of a multi-pass problem. */
static int analyse_limits(struct pkg *p, double default_tl, int default_memory_mb, char *err, size_t errlen)
{
	json_object *y = p->yaml, *v;
	json_object *lim = get(y, "limits");
	p->time_limit = 0;
	if ((v = get(lim, "time_limit")) &&
	    (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		p->time_limit = json_object_get_double(v);
	if (p->time_limit <= 0) {
		const struct pkg_file *tl = pkg_find(p, ".timelimit");
		if (tl) {
			char *s = file_text(tl);
			p->time_limit = strtod(s, NULL);
			free(s);
		}
	}
	if (p->time_limit <= 0) {
		const struct pkg_file *ini = pkg_find(p, "domjudge-problem.ini");
		if (ini) {
			char *s = file_text(ini), *line = strstr(s, "timelimit");
			if (line) {
				char *eq = strchr(line, '=');
				if (eq) {
					eq++;
					while (*eq == ' ' || *eq == '\'' || *eq == '"')
						eq++;
					p->time_limit = strtod(eq, NULL);
				}
			}
			free(s);
		}
	}
	if (analyse_timing(p, lim, err, errlen))
		return -1;
	p->time_limit_given = p->time_limit > 0 && isfinite(p->time_limit);
	if (!p->time_limit_given)
		p->time_limit = default_tl;
	if (p->time_limit > 60) {
		snprintf(err, errlen, "a time limit of %g s is more than the 60 s allowed", p->time_limit);
		return -1;
	}
	/* "It is an error if time_limit is not an integer multiple of
	 * time_resolution" (2025-09 since December 2025; before, the
	 * resolution was ignored when a limit was given). Held to where the
	 * package states both, so a package of the earlier text still loads. */
	if (p->time_limit_given && get(lim, "time_resolution")) {
		double k = p->time_limit / p->time_resolution;
		if (fabs(k - round(k)) > 1e-6 * (k > 1 ? k : 1)) {
			snprintf(err, errlen,
				 "problem.yaml: limits.time_limit %g is not a multiple of limits.time_resolution %g",
				 p->time_limit, p->time_resolution);
			return -1;
		}
	}
	if (p->passes && (v = get(lim, "validation_passes"))) {
		p->passes = json_object_get_int(v);
		if (p->passes < 2 || p->passes > MAX_PASSES) {
			snprintf(err, errlen, "problem.yaml: limits.validation_passes must be 2 to %d", MAX_PASSES);
			return -1;
		}
	}
	/* The resource guarantees: a judge here gives this much, no more. */
	static const struct {
		const char *key, *unit;
		double most;
	} guarantees[] = {
		{"compilation_time", "s", GUARANTEE_COMPILE_S},
		{"compilation_memory", "MiB", GUARANTEE_COMPILE_MB},
		{"validation_time", "s", GUARANTEE_VALIDATE_S},
		{"validation_memory", "MiB", GUARANTEE_VALIDATE_MB},
		{"validation_output", "MiB", GUARANTEE_VALIDATE_OUTPUT_MB},
	};
	for (size_t i = 0; i < sizeof guarantees / sizeof *guarantees; i++) {
		if (!(v = get(lim, guarantees[i].key)))
			continue;
		double want = json_object_get_double(v);
		if (!(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) ||
		    !isfinite(want) || want <= 0) {
			snprintf(err, errlen, "problem.yaml: limits.%s is not a positive number", guarantees[i].key);
			return -1;
		}
		if (want > guarantees[i].most) {
			snprintf(err, errlen,
				 "problem.yaml: limits.%s of %g %s is more than the %g %s a judge here gives",
				 guarantees[i].key, want, guarantees[i].unit, guarantees[i].most, guarantees[i].unit);
			return -1;
		}
	}
	double code_kb;
	if (limit_number(lim, "limits.", "code", 1, 0, &code_kb, err, errlen))
		return -1;
	p->code_kb = (int)ceil(code_kb);
	p->memory_mb = (v = get(lim, "memory")) ? json_object_get_int(v) : default_memory_mb;
	/* The format's default output limit. */
	p->output_mb = (v = get(lim, "output")) ? json_object_get_int(v) : 8;
	if (p->memory_mb <= 0 || p->memory_mb > 16384 || p->output_mb <= 0 || p->output_mb > 4096) {
		snprintf(err, errlen, "problem.yaml: limits.memory or limits.output is out of range");
		return -1;
	}

	return 0;
}

/* Tags, difficulty and the output validator. */
static int analyse_meta(struct pkg *p, const char *validation, char *err, size_t errlen)
{
	json_object *y = p->yaml, *v;
	/* Tags and difficulty: keywords (a string in legacy, a list after). */
	p->tags = json_object_new_array();
	add_args(p->tags, get(y, "keywords"));
	add_args(p->tags, get(y, "tags"));
	v = get(y, "difficulty");
	snprintf(p->difficulty, sizeof p->difficulty, "%s", v ? json_object_get_string(v) : "");

	/* The output validator. */
	p->validator_flags = json_object_new_array();
	add_args(p->validator_flags, get(y, "validator_flags"));
	find_validator(p, err, errlen);
	if (find_input_validators(p, err, errlen))
		return -1;
	if (!p->validator_path[0]) {
		snprintf(p->validator_kind, sizeof p->validator_kind, "default");
		if (strstr(validation, "custom") || p->interactive || p->passes) {
			snprintf(err, errlen,
				 "problem.yaml asks for a custom%s validator but the package has none "
				 "(output_validator/ or output_validators/ with a .c, .cpp or .py file)",
				 p->interactive ? " interactive"
				 : p->passes    ? " multi-pass"
						: "");
			return -1;
		}
	}

	return 0;
}

/* The tests: an .in and an .ans under data/sample or data/secret, in
 * order. */
static int analyse_tests(struct pkg *p, char *err, size_t errlen)
{
	p->tests = calloc(p->nfiles + 1, sizeof *p->tests);
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *path = p->files[i].path;
		if (!starts_with(path, "data/") || !has_suffix(path, ".in"))
			continue;
		const char *rel = path + 5;
		int sample = starts_with(rel, "sample/");
		if (!sample && !starts_with(rel, "secret/"))
			continue; /* data/invalid_input and such are never judged */
		char ans[600];
		snprintf(ans, sizeof ans, "%.*s.ans", (int)(strlen(path) - 3), path);
		const struct pkg_file *a = pkg_find(p, ans);
		if (!a) {
			snprintf(err, errlen, "the test %s has no answer file %s", path, ans);
			return -1;
		}
		struct pkg_test *t = &p->tests[p->ntests++];
		snprintf(t->name, sizeof t->name, "%.*s", (int)(strlen(rel) - 3), rel);
		const char *slash = strrchr(t->name, '/');
		snprintf(t->group, sizeof t->group, "%.*s", (int)(slash - t->name), t->name);
		t->sample = sample;
		t->in = (int)i;
		t->ans = (int)(a - p->files);
	}
	if (!p->ntests) {
		snprintf(err, errlen, "the package has no tests (data/sample/*.in or data/secret/*.in with .ans)");
		return -1;
	}
	qsort(p->tests, p->ntests, sizeof *p->tests, cmp_tests);

	return 0;
}

/* Groups, in test order, with inherited settings; and each test's
 * validator arguments. Each test's group, and each group's parents: at
 * most 16 levels. */
static int analyse_groups(struct pkg *p, char *err, size_t errlen)
{
	p->groups = calloc(p->ntests * 16 + 2, sizeof *p->groups);
	int bad = 0;
	for (size_t i = 0; i < p->ntests; i++) {
		struct pkg_test *t = &p->tests[i];
		size_t g;
		for (g = 0; g < p->ngroups; g++)
			if (!strcmp(p->groups[g].name, t->group))
				break;
		if (g == p->ngroups) {
			char dir[600];
			snprintf(dir, sizeof dir, "data/%s", t->group);
			snprintf(p->groups[g].name, sizeof p->groups[g].name, "%s", t->group);
			p->groups[g].settings = group_settings(p, dir, err, errlen, &bad);
			p->ngroups++;
		}
		json_object *s = p->groups[g].settings;
		t->args = json_object_new_array();
		add_args(t->args, p->validator_flags);
		add_args(t->args, get(s, "output_validator_flags"));
		add_args(t->args, get(s, "output_validator_args"));
		t->input_args = input_args_of(s);
		char case_yaml[600];
		snprintf(case_yaml, sizeof case_yaml, "data/%s.yaml", t->name);
		const struct pkg_file *cy = pkg_find(p, case_yaml);
		if (cy) {
			char e2[256];
			json_object *o = pkg_yaml_to_json((const char *)cy->data, cy->len, e2, sizeof e2);
			if (!o) {
				snprintf(err, errlen, "%s: %s", case_yaml, e2);
				return -1;
			}
			json_object *a = get(o, "output_validator_args");
			if (a) {
				json_object_put(t->args);
				t->args = json_object_new_array();
				add_args(t->args, a);
			}
			json_object *ia = input_args_of(o);
			if (ia) {
				json_object_put(t->input_args);
				t->input_args = ia;
			}
			json_object_put(o);
		}
	}
	/* The groups on the way down ("secret" above "secret/g1") grade their
	 * subgroups with their own settings. */
	for (size_t g = 0; !bad && g < p->ngroups; g++) {
		char dir[512];
		snprintf(dir, sizeof dir, "%s", p->groups[g].name);
		for (char *slash; (slash = strrchr(dir, '/'));) {
			*slash = 0;
			size_t k;
			for (k = 0; k < p->ngroups; k++)
				if (!strcmp(p->groups[k].name, dir))
					break;
			if (k < p->ngroups)
				continue;
			char path[600];
			snprintf(path, sizeof path, "data/%s", dir);
			snprintf(p->groups[p->ngroups].name, sizeof p->groups[0].name, "%s", dir);
			p->groups[p->ngroups].settings = group_settings(p, path, err, errlen, &bad);
			p->ngroups++;
		}
	}
	return bad ? -1 : 0;
}

/* read (problem.yaml, type, limits, metadata) -> tests -> groups -> check
 * what Verdict cannot judge -> defaults. */
int pkg_analyse(struct pkg *p, double default_tl, int default_memory_mb, char *err, size_t errlen)
{
	const char *validation = "default";
	if (analyse_yaml(p, err, errlen) || analyse_type(p, &validation, err, errlen) ||
	    analyse_limits(p, default_tl, default_memory_mb, err, errlen) || analyse_meta(p, validation, err, errlen) ||
	    analyse_tests(p, err, errlen) || analyse_groups(p, err, errlen))
		return -1;
	int legacy = !strncmp(p->format, "legacy", 6);
	if (pkg_unsupported(p, legacy, err, errlen))
		return -1;
	if (!legacy && p->scoring) {
		/* 2025-09 defaults: secret sums to 100; a group is pass-fail. */
		for (size_t g = 0; g < p->ngroups; g++) {
			json_object *s = p->groups[g].settings;
			if (!get(s, "max_score") && !strcmp(p->groups[g].name, "secret"))
				json_object_object_add(s, "max_score", json_object_new_int(100));
		}
	}
	find_statement(p);
	return 0;
}
