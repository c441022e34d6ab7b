/* Kattis/ICPC problem packages (legacy and 2025-09): reading a zip into
 * memory safely, understanding it, and writing one back. Pure: no MySQL,
 * no Redis, so it is unit-tested on its own. */
#ifndef VERDICT_PACKAGE_H
#define VERDICT_PACKAGE_H

#include <json-c/json.h>
#include <stddef.h>

struct pkg_limits {
	size_t max_files;       /* entries in the zip */
	size_t max_file_bytes;  /* one file, uncompressed */
	size_t max_total_bytes; /* all files, uncompressed */
};

struct pkg_file {
	char *path; /* relative, '/'-separated, checked: no "..", no absolute paths */
	unsigned char *data;
	size_t len;
	int mode;     /* 0644 or 0755 */
	char sha[65]; /* hex SHA-256 of data */
};

struct pkg_test {
	char name[512];  /* path under data/ without extension, e.g. "secret/g1/03" */
	char group[512]; /* "sample", "secret", "secret/g1" */
	int sample;
	int in, ans;       /* indexes into files */
	json_object *args; /* output validator arguments (array of strings); owned */
	/* input_validator_args (2025-09) or input_validator_flags (legacy): an
	 * array for every input validator, or an object of arrays by a
	 * validator's name; NULL for none. Owned. */
	json_object *input_args;
};

#define PKG_MAX_INPUT_VALIDATORS 8

/* A program of the package given as a file or a directory (with sources,
 * or the format's build and run scripts). */
struct pkg_program {
	char path[512]; /* "input_validators/v.cpp" or "input_validators/v" */
	char name[128]; /* its name, for per-validator arguments: "v" */
	char lang[16];  /* c, cpp, python3, script */
};

struct pkg_group {
	char name[512];
	json_object
		*settings; /* owned: on_reject, accept_score, reject_score, grader_flags, max_score, aggregation... */
};

struct pkg {
	struct pkg_file *files;
	size_t nfiles;
	json_object *yaml; /* problem.yaml as JSON; owned */
	char format[32];
	char name[256];
	char type[64];
	int interactive, scoring;
	int passes; /* multi-pass: the validation passes (2 by default); 0 when not */
	double time_limit;
	/* How the time limit follows from the package's own submissions
	 * (2025-09 time_multipliers and time_resolution; legacy
	 * time_multiplier and time_safety_margin, to whole seconds).
	 * time_limit_given: the package states the limit itself; when not,
	 * time_limit is default_tl until its submissions are judged. */
	int time_limit_given;
	double ac_to_time_limit, time_limit_to_tle, time_resolution;
	int code_kb; /* limits.code; 0: the system's */
	int memory_mb, output_mb;
	json_object *validator_flags; /* array of strings; owned */
	char validator_kind[16];      /* default, kattis, testlib */
	char validator_lang[16];      /* c, cpp, python3 */
	char validator_path[512];     /* the validator's directory (or file) in the package */
	char *statement;              /* Markdown or text; owned, may be NULL */
	char *statement_html;         /* owned, may be NULL */
	char statement_file[512];     /* a .tex or .pdf to offer for download */
	char difficulty[16];
	json_object *tags; /* array of strings; owned */
	struct pkg_program input_validators[PKG_MAX_INPUT_VALIDATORS];
	int n_input_validators;
	char input_validators_skipped[256]; /* those not run here (.ctd, .viva), for people */
	struct pkg_test *tests;
	size_t ntests;
	struct pkg_group *groups;
	size_t ngroups;
};

/* Reads a zip from memory. Paths escaping the root, links, too many or too
 * large files (a zip bomb) are refused with why in err. 0 or -1. */
int pkg_read_zip(const void *buf, size_t len, const struct pkg_limits *lim, struct pkg *p, char *err, size_t errlen);
/* Understands the files: problem.yaml, limits, tests and groups, validator,
 * statement. default_tl is used when no time limit is given. 0 or -1. */
int pkg_analyse(struct pkg *p, double default_tl, int default_memory_mb, char *err, size_t errlen);
/* The arguments of input validator v on test t (a new array). */
json_object *pkg_input_args(const struct pkg_test *t, const struct pkg_program *v);
/* Writes files as a zip; *out is malloc'd. 0 or -1. */
int pkg_write_zip(const struct pkg_file *files, size_t n, unsigned char **out, size_t *outlen);
const struct pkg_file *pkg_find(const struct pkg *p, const char *path);
void pkg_free(struct pkg *p);

/* YAML text to JSON (plain scalars become numbers, booleans or null as YAML
 * 1.2's core schema says). NULL with why in err. */
json_object *pkg_yaml_to_json(const char *text, size_t len, char *err, size_t errlen);

#endif
