/* The messages between processes, each with one encoder and one decoder
 * (docs/PROTOCOL.md). Jobs go server -> judge on the lane streams, results
 * judge -> server on the results stream, progress judge -> sockets over
 * pub/sub, the validator check's answer judge -> importing server on a
 * list of its own. A decoder checks every field's type and range at the
 * boundary: what it hands on is what the struct says (an id is an id, a
 * score a finite number), so no value from another process reaches SQL or
 * a file name unchecked.
 *
 * Decoded structs borrow from the reply they were read from: they live as
 * long as it does. Any thread; no state. */
#ifndef VERDICT_PROTO_H
#define VERDICT_PROTO_H

#include <hiredis/hiredis.h>
#include <stddef.h>

/* A message being encoded: field names and values as Redis arguments, in
 * order, ready for redisCommandArgv after a command head. */
struct proto_msg {
	int n, cap;
	const char **v;
	size_t *len;
	char **owned; /* the values formatted here, freed with the message */
	int nowned;
};

void proto_msg_init(struct proto_msg *m);
void proto_msg_free(struct proto_msg *m);
void proto_put(struct proto_msg *m, const char *key, const char *val, size_t len); /* val borrowed */
void proto_put_str(struct proto_msg *m, const char *key, const char *val);         /* NULL: "" */
void proto_put_long(struct proto_msg *m, const char *key, long long v);
void proto_put_double(struct proto_msg *m, const char *key, double v); /* not finite: "" */

/* Runs a command whose head is given (e.g. {"XADD", stream, "*"}) followed
 * by the message's fields. The reply, or NULL. */
redisReply *proto_send(redisContext *c, const char *const *head, int nhead, const struct proto_msg *m);

/*** What every judge gives a package's programs ***
 *
 * The package format's resource guarantees (limits.compilation_time,
 * compilation_memory, validation_time, validation_memory,
 * validation_output): the judge provides these, and an import whose
 * problem.yaml asks for more is refused (server/package.c). */
#define GUARANTEE_COMPILE_S          10   /* a submission's compilation, CPU seconds */
#define GUARANTEE_COMPILE_MB         1024 /* and its memory, MiB */
#define GUARANTEE_VALIDATE_S         30   /* an output validator on one test, CPU seconds */
#define GUARANTEE_VALIDATE_MB        2048 /* and its memory, MiB */
#define GUARANTEE_VALIDATE_OUTPUT_MB 64   /* and what it may write, MiB */

/*** Jobs (server -> judge) ***/

enum proto_job_kind { JOB_RUN, JOB_SUBMISSION, JOB_COMPILE };

#define PROTO_MAX_FILES 256

struct proto_job {
	enum proto_job_kind kind;
	const char *id; /* run id, submission id, or the compile check's token: [A-Za-z0-9_-], 1..64 */
	int attempt;    /* 1.. */
	const char *lang;
	/* run and submission: the program */
	const char *code;
	size_t code_len;
	/* run: its input and limits */
	const char *input;
	size_t input_len;
	double cpu_s, wall_s;
	long memory_mb;
	/* submission: the problem as the judge sees it (JSON object text) */
	const char *problem;
	/* compile: the validator's files, and their names (JSON array text);
	 * inputs, when not NULL: an input validator, to run on each of these
	 * test inputs (JSON array text of {"name","in": blob sha,"args": [..]}) */
	const char *names;
	const char *inputs;
	int nfiles;
	const char *file[PROTO_MAX_FILES];
	size_t file_len[PROTO_MAX_FILES];
};

void proto_job_encode(const struct proto_job *j, struct proto_msg *m);
/* 0, or -1 with why: the job cannot be judged (no id: *j->id is NULL). */
int proto_job_decode(const redisReply *fields, struct proto_job *j, char *why, size_t whylen);

/*** Results (judge -> server) ***/

enum proto_result_kind { RESULT_STARTED, RESULT_DONE };

struct proto_result {
	enum proto_result_kind kind;
	enum proto_job_kind job; /* JOB_RUN or JOB_SUBMISSION */
	const char *id;
	int attempt;
	const char *judge; /* the judge's name (any bytes: sanitized where stored) */
	/* done */
	const char *verdict; /* proto_verdict's; JE when it was anything else */
	const char *message;
	size_t message_len;
	long time_ms, memory_kb; /* 0 .. 2^30 */
	/* a run */
	int has_exit, exit_code;
	const char *out, *err, *compile;
	size_t out_len, err_len, compile_len;
	int out_truncated, err_truncated;
	/* a submission */
	int has_score;           /* score and max_score are finite numbers */
	double score, max_score; /* otherwise NaN */
	const char *tests;       /* JSON array text of per-test results, or NULL */
	const char *invalid;     /* a number out of its type or range ("score", "time_ms"...): JE for it */
};

/* v when it is a verdict (two to eight capital letters), else NULL. */
const char *proto_verdict(const char *v);

void proto_result_encode(const struct proto_result *r, struct proto_msg *m);
/* 0 (r->invalid may say a value was refused: then r->verdict is JE), or -1
 * when the entry is not a result at all (no kind, job or valid id). */
int proto_result_decode(const redisReply *fields, struct proto_result *r);

/*** Events (server or judge -> every server's sockets) ***/

/* The pub/sub payload: the topic, a newline, the event's JSON. Malloc'd,
 * *len its length. */
char *proto_event_frame(const char *topic, const char *data, size_t *len);
/* Splits a payload in place: 0 with *topic and *data set, -1 when it is
 * not one. */
int proto_event_split(char *payload, size_t len, const char **topic, const char **data, size_t *data_len);
/* The judge's progress on a submission, as an event on its topic. */
char *proto_progress_frame(const char *id, const char *text, int done, int total, size_t *len);

/*** The validator check's answer (judge -> the importing server) ***/

/* JSON text, malloc'd: {"ok": bool, "output": text}. output any bytes. */
char *proto_compile_reply_encode(int ok, const char *output, size_t len);
/* 0 with *ok and the output (malloc'd, valid UTF-8) set; -1 when it is
 * not one. */
int proto_compile_reply_decode(const char *text, int *ok, char **output);

#endif
