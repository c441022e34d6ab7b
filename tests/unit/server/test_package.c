/* Unit tests of problem packages (server/package.c): YAML, zip safety,
 * the Kattis layout, and a zip written then read back. */
#include <stdlib.h>
#include <string.h>

#include "check_harness.h"
#include "package.h"

static struct pkg_file file(const char *path, const char *text)
{
	struct pkg_file f = {.path = strdup(path), .len = strlen(text), .mode = 0644};
	f.data = (unsigned char *)strdup(text);
	return f;
}

/* Builds a zip from path/text pairs and reads it back into p. */
static int roundtrip(const char *const *pairs, struct pkg *p, char *err, size_t errlen)
{
	size_t n = 0;
	while (pairs[2 * n])
		n++;
	struct pkg_file *files = calloc(n, sizeof *files);
	for (size_t i = 0; i < n; i++)
		files[i] = file(pairs[2 * i], pairs[2 * i + 1]);
	unsigned char *zip;
	size_t len;
	int rc = pkg_write_zip(files, n, &zip, &len);
	for (size_t i = 0; i < n; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
	if (rc)
		return -2;
	struct pkg_limits lim = {1000, 1 << 20, 4 << 20};
	rc = pkg_read_zip(zip, len, &lim, p, err, errlen);
	free(zip);
	return rc;
}

static void test_yaml(void)
{
	char err[256];
	const char *text = "name: Hello\nlimits:\n  memory: 256\n  time_limit: 1.5\nkeywords: [a, b]\n"
			   "validation: custom interactive\nflag: true\nq: '12'\n";
	json_object *o = pkg_yaml_to_json(text, strlen(text), err, sizeof err);
	CHECK(o != NULL);
	json_object *v, *lim;
	CHECK(json_object_object_get_ex(o, "limits", &lim));
	CHECK(json_object_object_get_ex(lim, "memory", &v) && json_object_get_int(v) == 256);
	CHECK(json_object_object_get_ex(lim, "time_limit", &v) && json_object_get_double(v) == 1.5);
	CHECK(json_object_object_get_ex(o, "keywords", &v) && json_object_array_length(v) == 2);
	CHECK(json_object_object_get_ex(o, "flag", &v) && json_object_is_type(v, json_type_boolean));
	CHECK(json_object_object_get_ex(o, "q", &v) && json_object_is_type(v, json_type_string));
	json_object_put(o);
	CHECK(pkg_yaml_to_json("name: [unclosed\n", 16, err, sizeof err) == NULL);
	CHECK(strstr(err, "line") != NULL);
}

static void test_layout(void)
{
	char err[256];
	struct pkg p;
	const char *good[] = {"hello/problem.yaml",
			      "name: Hello\nkeywords: easy math\n",
			      "hello/.timelimit",
			      "3\n",
			      "hello/data/secret/b.in",
			      "2\n",
			      "hello/data/secret/b.ans",
			      "4\n",
			      "hello/data/sample/1.in",
			      "1\n",
			      "hello/data/sample/1.ans",
			      "2\n",
			      "hello/data/secret/a.in",
			      "3\n",
			      "hello/data/secret/a.ans",
			      "6\n",
			      "hello/problem_statement/problem.en.md",
			      "# Hello\n",
			      NULL};
	CHECK(roundtrip(good, &p, err, sizeof err) == 0);
	CHECK(pkg_find(&p, "problem.yaml") != NULL); /* the folder is stripped */
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == 0);
	CHECK(strcmp(p.name, "Hello") == 0);
	CHECK(p.time_limit == 3);
	CHECK(p.ntests == 3);
	CHECK(p.ntests == 3 && p.tests[0].sample && strcmp(p.tests[0].name, "sample/1") == 0);
	CHECK(p.ntests == 3 && strcmp(p.tests[1].name, "secret/a") == 0 && strcmp(p.tests[2].name, "secret/b") == 0);
	CHECK(strcmp(p.validator_kind, "default") == 0);
	CHECK(p.statement && strstr(p.statement, "Hello"));
	CHECK(json_object_array_length(p.tags) == 2);
	pkg_free(&p);

	const char *noans[] = {"problem.yaml", "name: X\n", "data/secret/1.in", "1\n", NULL};
	CHECK(roundtrip(noans, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == -1);
	CHECK(strstr(err, "no answer") != NULL);
	pkg_free(&p);

	/* The format's resource guarantees: asking for more than a judge here
	 * gives refuses the import, naming the key; less is fine. */
	static const char *const asks[][2] = {
		{"limits:\n  validation_time: 120\n", "validation_time"},
		{"limits:\n  compilation_time: 11\n", "compilation_time"},
		{"limits:\n  validation_memory: 4096\n", "validation_memory"},
		{"limits:\n  validation_output: lots\n", "validation_output"},
		{"limits:\n  compilation_memory: 512\n  validation_time: 30\n", NULL},
	};
	for (size_t i = 0; i < sizeof asks / sizeof *asks; i++) {
		char yaml[200];
		snprintf(yaml, sizeof yaml, "name: X\n%s", asks[i][0]);
		const char *files[] = {"problem.yaml", yaml, "data/secret/1.in", "1\n", "data/secret/1.ans",
				       "1\n",          NULL};
		CHECK(roundtrip(files, &p, err, sizeof err) == 0);
		int rc = pkg_analyse(&p, 2, 1024, err, sizeof err);
		CHECK(asks[i][1] ? rc == -1 && strstr(err, asks[i][1]) : rc == 0);
		pkg_free(&p);
	}

	const char *noyaml[] = {"data/secret/1.in", "1\n", "data/secret/1.ans", "1\n", NULL};
	CHECK(roundtrip(noyaml, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == -1);
	CHECK(strstr(err, "problem.yaml") != NULL);
	pkg_free(&p);

	const char *custom[] = {"problem.yaml",
				"name: X\nvalidation: custom\n",
				"data/secret/1.in",
				"1\n",
				"data/secret/1.ans",
				"1\n",
				NULL};
	CHECK(roundtrip(custom, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == -1); /* no validator in the package */
	pkg_free(&p);

	const char *modern[] = {"problem.yaml",
				"problem_format_version: 2025-09\nname: {en: Modern}\ntype: [scoring]\n"
				"limits: {time_limit: 2.5, memory: 512}\n",
				"data/secret/g1/test_group.yaml",
				"max_score: 40\noutput_validator_args: [float_tolerance, '1e-6']\n",
				"data/secret/g1/1.in",
				"1\n",
				"data/secret/g1/1.ans",
				"1\n",
				"output_validator/v.cpp",
				"#include \"testlib.h\"\nint main(){}\n",
				NULL};
	CHECK(roundtrip(modern, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == 0);
	CHECK(strcmp(p.name, "Modern") == 0 && p.scoring && p.time_limit == 2.5 && p.memory_mb == 512);
	CHECK(strcmp(p.validator_kind, "testlib") == 0 && strcmp(p.validator_lang, "cpp") == 0);
	CHECK(p.ntests == 1 && json_object_array_length(p.tests[0].args) == 2);
	pkg_free(&p);
}

/* The format's problem timing: a limit stated or left to the package's
 * submissions, the multipliers and the resolution, and limits.code. */
static void test_timing(void)
{
	char err[256];
	struct pkg p;
	static const struct {
		const char *yaml, *refused; /* NULL: loads */
		int given;
		double tl, ac, tle, res;
		int code_kb;
	} cases[] = {
		/* 2025-09 with no limit: left to the submissions, the defaults */
		{"problem_format_version: 2025-09\n", NULL, 0, 2, 2.0, 1.5, 1.0, 0},
		{"problem_format_version: 2025-09\nlimits:\n  time_multipliers: {ac_to_time_limit: 3, "
		 "time_limit_to_tle: 1.2}\n  time_resolution: 0.5\n  code: 64\n",
		 NULL, 0, 2, 3.0, 1.2, 0.5, 64},
		{"problem_format_version: 2025-09\nlimits:\n  time_limit: 1.5\n", NULL, 1, 1.5, 2.0, 1.5, 1.0, 0},
		{"problem_format_version: 2025-09\nlimits:\n  time_limit: 1.5\n  time_resolution: 0.5\n", NULL, 1, 1.5,
		 2.0, 1.5, 0.5, 0},
		{"problem_format_version: 2025-09\nlimits:\n  time_limit: 1.5\n  time_resolution: 1\n",
		 "not a multiple of limits.time_resolution", 0, 0, 0, 0, 0, 0},
		{"problem_format_version: 2025-09\nlimits:\n  time_multipliers: {ac_to_time_limit: 0.5}\n",
		 "limits.time_multipliers.ac_to_time_limit", 0, 0, 0, 0, 0, 0},
		{"problem_format_version: 2025-09\nlimits:\n  time_multipliers: {ac_to_tle: 2}\n",
		 "time_multipliers.ac_to_tle", 0, 0, 0, 0, 0, 0},
		{"problem_format_version: 2025-09\nlimits:\n  time_resolution: 0\n", "limits.time_resolution", 0, 0, 0,
		 0, 0, 0},
		{"problem_format_version: 2025-09\nlimits:\n  code: many\n", "limits.code", 0, 0, 0, 0, 0, 0},
		/* legacy: time_multiplier 5 and time_safety_margin 2, whole seconds */
		{"name: L\n", NULL, 0, 2, 5, 2, 1, 0},
		{"name: L\nlimits: {time_multiplier: 3, time_safety_margin: 1.5}\n", NULL, 0, 2, 3, 1.5, 1, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *files[] = {"problem.yaml", cases[i].yaml, "data/secret/1.in", "1\n", "data/secret/1.ans",
				       "1\n",          NULL};
		CHECK(roundtrip(files, &p, err, sizeof err) == 0);
		int rc = pkg_analyse(&p, 2, 1024, err, sizeof err);
		if (cases[i].refused) {
			CHECK(rc == -1 && strstr(err, cases[i].refused));
		} else {
			CHECK(rc == 0);
			CHECK(p.time_limit_given == cases[i].given && p.time_limit == cases[i].tl);
			CHECK(p.ac_to_time_limit == cases[i].ac && p.time_limit_to_tle == cases[i].tle);
			CHECK(p.time_resolution == cases[i].res && p.code_kb == cases[i].code_kb);
		}
		pkg_free(&p);
	}
}

/* input_validators/: files and directories, what is not run, and the
 * arguments each gets on each test (legacy flags, 2025-09 args, by name). */
static void test_input_validators(void)
{
	char err[256];
	struct pkg p;
	const char *files[] = {"problem.yaml",
			       "problem_format_version: 2025-09\nname: X\n",
			       "data/secret/test_group.yaml",
			       "input_validator_args: {range: [--max, 9]}\n",
			       "data/secret/1.in",
			       "1\n",
			       "data/secret/1.ans",
			       "1\n",
			       "data/secret/2.in",
			       "2\n",
			       "data/secret/2.ans",
			       "2\n",
			       "data/secret/2.yaml",
			       "input_validator_args: [--case]\n",
			       "input_validators/format.py",
			       "import sys\n",
			       "input_validators/range/build",
			       "#!/bin/sh\n",
			       "input_validators/range/run",
			       "#!/bin/sh\n",
			       "input_validators/range/range.c",
			       "int main(){}\n",
			       "input_validators/spec.ctd",
			       "INT(1,9)\n",
			       NULL};
	CHECK(roundtrip(files, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == 0);
	CHECK(p.n_input_validators == 2);
	CHECK(!strcmp(p.input_validators[0].path, "input_validators/format.py") &&
	      !strcmp(p.input_validators[0].name, "format") && !strcmp(p.input_validators[0].lang, "python3"));
	CHECK(!strcmp(p.input_validators[1].path, "input_validators/range") &&
	      !strcmp(p.input_validators[1].name, "range") && !strcmp(p.input_validators[1].lang, "script"));
	CHECK(!strcmp(p.input_validators_skipped, "input_validators/spec.ctd"));
	CHECK(p.ntests == 2);
	json_object *a = pkg_input_args(&p.tests[0], &p.input_validators[1]);
	CHECK(!strcmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), "[\"--max\",\"9\"]"));
	json_object_put(a);
	a = pkg_input_args(&p.tests[0], &p.input_validators[0]); /* not named: none */
	CHECK(json_object_array_length(a) == 0);
	json_object_put(a);
	a = pkg_input_args(&p.tests[1], &p.input_validators[0]); /* the case's own, for every validator */
	CHECK(!strcmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), "[\"--case\"]"));
	json_object_put(a);
	pkg_free(&p);

	/* legacy: input_validator_flags, a string or {name, flags}; the old folder name */
	const char *legacy[] = {"problem.yaml",
				"name: L\n",
				"data/secret/testdata.yaml",
				"input_validator_flags: {name: check, flags: -n 3}\n",
				"data/secret/1.in",
				"1\n",
				"data/secret/1.ans",
				"1\n",
				"input_format_validators/check.cpp",
				"int main(){}\n",
				NULL};
	CHECK(roundtrip(legacy, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == 0);
	CHECK(p.n_input_validators == 1 && !strcmp(p.input_validators[0].lang, "cpp"));
	a = p.n_input_validators ? pkg_input_args(&p.tests[0], &p.input_validators[0]) : json_object_new_array();
	CHECK(!strcmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), "[\"-n\",\"3\"]"));
	json_object_put(a);
	pkg_free(&p);
}

static void test_unsafe(void)
{
	char err[256];
	struct pkg p;
	const char *escape[] = {"problem.yaml", "x: 1\n", "../evil", "x", NULL};
	CHECK(roundtrip(escape, &p, err, sizeof err) == -1);
	CHECK(strstr(err, "bad path") != NULL);
	const char *absolute[] = {"/etc/evil", "x", NULL};
	CHECK(roundtrip(absolute, &p, err, sizeof err) == -1);
	char *big = malloc((2 << 20) + 1);
	memset(big, '0', 2 << 20);
	big[2 << 20] = 0;
	const char *bomb[] = {"problem.yaml", "x: 1\n", "data/secret/1.in", big, NULL};
	CHECK(roundtrip(bomb, &p, err, sizeof err) == -1); /* over the 1 MiB per-file cap */
	CHECK(strstr(err, "too large") != NULL);
	free(big);
	struct pkg_limits lim = {1000, 1 << 20, 4 << 20};
	CHECK(pkg_read_zip("not a zip", 9, &lim, &p, err, sizeof err) == -1);
}

/* Found by fuzz_package: a null in a list of validator arguments (an
 * empty anchor, "~") crashed the importer; it is no argument. */
static void test_null_args(void)
{
	char err[256];
	struct pkg p;
	const char *pairs[] = {"problem.yaml",
			       "name: X\n",
			       "data/sample/1.in",
			       "1\n",
			       "data/sample/1.ans",
			       "1\n",
			       "data/sample/test_group.yaml",
			       "output_validator_args: [&a , \"1e-6\", ~, [x], 2]\n",
			       NULL};
	CHECK(roundtrip(pairs, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == 0);
	CHECK(p.ntests == 1);
	if (p.ntests == 1) {
		const char *args = json_object_to_json_string_ext(p.tests[0].args, JSON_C_TO_STRING_PLAIN);
		CHECK(strcmp(args, "[\"1e-6\",\"2\"]") == 0);
		if (strcmp(args, "[\"1e-6\",\"2\"]"))
			fprintf(stderr, "args: %s\n", args);
	}
	pkg_free(&p);

	/* And one in problem.yaml's list of types. */
	const char *types[] = {"problem.yaml",
			       "name: X\ntype: [pass-fail, &m ]\n",
			       "data/sample/1.in",
			       "1\n",
			       "data/sample/1.ans",
			       "1\n",
			       NULL};
	CHECK(roundtrip(types, &p, err, sizeof err) == 0);
	CHECK(pkg_analyse(&p, 2, 1024, err, sizeof err) == 0);
	pkg_free(&p);
}

/* YAML aliases expanded without bound (a "billion laughs") filled the
 * server's memory; refused with a reason. */
static void test_alias_bomb(void)
{
	char text[2048] = "a: &a [x, x, x, x, x, x, x, x, x]\n";
	for (char c = 'b'; c <= 'i'; c++) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c,
			 c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	}
	char err[256] = "";
	json_object *o = pkg_yaml_to_json(text, strlen(text), err, sizeof err);
	CHECK(o == NULL && strstr(err, "aliases"));
	json_object_put(o);
	const char *fine = "a: &a [1, 2]\nb: [*a, *a]\n";
	o = pkg_yaml_to_json(fine, strlen(fine), err, sizeof err);
	CHECK(o && json_object_array_length(json_object_object_get(o, "b")) == 2);
	json_object_put(o);
}

int main(void)
{
	test_alias_bomb();
	test_null_args();
	test_yaml();
	test_layout();
	test_timing();
	test_input_validators();
	test_unsafe();
	return check_summary();
}
