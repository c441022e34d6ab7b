/* verdict-judge: takes jobs from the Redis stream, compiles and runs them in
 * the box, and reports results. It never touches MySQL. */
#ifndef VERDICT_JUDGE_H
#define VERDICT_JUDGE_H

#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <stdatomic.h>

#include "box.h"
#include "proto.h"

struct judge_config {
	const char *redis_url;
	const char *state_dir; /* host-only files: inputs, outputs */
	char name[128];        /* consumer name, unique per process */
	int slots;
	int claim_ms;          /* a job idle this long at a dead judge is taken over */
	long store_output;     /* bytes of stdout/stderr reported */
	long output_limit_kb;  /* a program's output limit */
	int max_deliveries;    /* a job that killed this many judges is a judge error */
	const char *cache_dir; /* blobs and compiled programs */
	const char *gate_dir;  /* the machine's kind gate (gate.h) */
};
extern struct judge_config jcfg;
extern atomic_int judge_stopping;

struct slot {
	int index;
	struct box *box;
	redisContext *kv;
	char dir[512];        /* host-only scratch of this slot */
	struct box *aux;      /* a second box, for the other side of an interactive run */
	char entry[64];       /* the stream entry in hand, "" when idle */
	const char *stream;   /* the lane it came from */
	pthread_mutex_t lock; /* guards entry (read by the heartbeat) */
};

/* What a run or a compilation came to. */
struct outcome {
	const char *verdict;
	char message[512];
	int has_exit;
	int exit_code;
	long time_ms, memory_kb;
	char *out, *err, *compile;
	size_t out_len, err_len, compile_len;
	int out_trunc, err_trunc;
};
void outcome_free(struct outcome *o);

#include "lang.h"
#define COMPILE_OUTPUT_MAX 65536
void judge_expand(const char *const *tmpl, char store[LANG_ARGV][256], char *out[LANG_ARGV], const char *src,
		  const char *main_name, long xmx, const char *dir);
void judge_pch_start(const char *cache_dir);
int judge_run_compiler(struct slot *s, char **argv, char *const *env, int inet_sockets, const struct box_dir *dir,
		       double cpu_s, long memory_mb, struct outcome *o, struct box_result *res);
int judge_compile(struct slot *s, const struct lang *l, const char *src, const char *main_name, struct outcome *o);
int write_file_at(const char *dir, const char *name, const char *data, size_t len);
int open_out(const char *dir, const char *name);
char *read_back(int fd, size_t max, size_t *len, int *trunc);
const char *status_verdict(enum box_status st);
/* The results stream (report.c): a result, a job begun, an IDE run's
 * outcome. 0 or -1. */
int judge_report(struct slot *s, const struct proto_result *r);
void judge_started(struct slot *s, const struct proto_job *j);
int judge_report_run(struct slot *s, const struct proto_job *j, const struct outcome *o);

/* An IDE run (run.c): compiled and run once, o filled in. */
void judge_run(struct slot *s, const struct proto_job *j, struct outcome *o);

/* Host-side files (files.c). */
json_object *jget(json_object *o, const char *k); /* o's member k, or NULL */
void hex_sha256(const unsigned char *h, char out[65]);
void remove_tree(const char *dir);                    /* what the judge itself wrote */
int save_artifacts(struct slot *s, const char *dest); /* the box's work directory, copied to dest */

/* Submissions to problems (problem.c) and validator compile checks
 * (validate.c). */
void judge_submission(struct slot *s, const struct proto_job *j);
void judge_compile_check(struct slot *s, const struct proto_job *j);

void *judge_slot_main(void *arg);
void *judge_heartbeat_main(void *arg);

#endif
