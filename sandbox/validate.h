/* A problem's validators and one pass of a test (validate.c), for the
 * judging of a submission (problem.c). Slot threads. */
#ifndef VERDICT_VALIDATE_H
#define VERDICT_VALIDATE_H

#include <json-c/json.h>

#include "judge.h"

/* The problem's output validator, built in the judge's cache. */
struct validator {
	const char *kind; /* default, kattis, testlib */
	char dir[1024];   /* cache directory, bound at /val */
	char argv0[256];  /* inside the box */
	char lang[16];
};

/* One test's outcome. */
struct test_result {
	const char *name, *group;
	const char *verdict;
	long time_ms, memory_kb;
	double score;
	int has_score, judged;
	char jmsg[512];
};

/* Builds (once per judge, kept by the hash of its files) the validator a
 * job's problem names (vspec). 0, or -1 with o->message. */
int prepare_validator(struct slot *s, json_object *vspec, struct validator *v, struct outcome *o);
/* Compiles a validator's files (already in the slot's box) into dest. */
int build_validator(struct slot *s, const char *lang, json_object *names, const char *dest, struct outcome *o);
/* Writes a file under the box's work directory, making its directories. */
int write_tree(struct slot *s, const char *rel, const char *data, size_t len);
/* Puts the test's input and answer where the validator's box sees them
 * (its /data), and nothing else. 0 or -1. */
int stage_test_data(struct slot *s, const char *in_path, const char *ans_path);
/* Multi-pass: takes feedback/nextpass.in out of box b into dest. 1 there
 * was one, 0 none, -1 it could not be taken. */
int take_nextpass(struct box *b, const char *dest);

/* One pass of a test: the program on its input, then the validator. The
 * verdict; r gets time, memory, score and the judge's message. */
const char *run_pass(struct slot *s, const struct lang *l, char **argv, const struct box_limits *lim,
		     const char *prog_dir, const char *in_path, const char *ans_path, json_object *args,
		     const struct validator *v, int first_pass, struct test_result *r);
/* One pass of an interactive test: program and validator piped together. */
const char *run_interactive(struct slot *s, const struct validator *v, char **prog_argv, const struct box_limits *lim,
			    int inet, const char *prog_dir, json_object *args, int first_pass, struct test_result *r);

#endif
