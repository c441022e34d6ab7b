/* Jobs for the judges (jobs.c): the only writer of the job streams. */
#ifndef VERDICT_JOBS_H
#define VERDICT_JOBS_H

#include "server.h"

/*** Jobs (jobs.c: the only writer of the job streams) ***/

int runs_enqueue(redisContext *kv, const char *id, int attempt, const char *lang, const char *code, size_t code_len,
		 const char *input, size_t input_len);
/* Queues a stored submission in its lane (contest, premium, normal or, with
 * rejudge set, rejudge). 0 or -1. */
int submission_enqueue(struct worker *w, const char *id, int attempt, int rejudge);
/* Queues a job on a lane with its index entry (id -> stream entry), in
 * one round trip. 0 or -1. */
int job_enqueue(redisContext *kv, enum kv_lane lane, const struct proto_job *job);
int job_exists(redisContext *kv, const char *id); /* a job for this id is queued or in hand */
int language_known(redisContext *kv, const char *lang);
/* The CPU time multiplier the judges give lang (1 when not said). */
double language_time_mult(redisContext *kv, const char *lang);
struct pkg;
/* Whether a package's output validator compiles, asked of a judge (waits
 * up to validator_check_s). 0, or -1 with why. */
int validator_check(struct worker *w, const struct pkg *p, char *err, size_t errlen);
/* Whether every test input passes each of the package's input validators
 * (built and run by a judge; the inputs must be stored as blobs first).
 * 0, or -1 with the first that does not (or why it could not be told). */
int input_validators_check(struct worker *w, const struct pkg *p, char *err, size_t errlen);

#endif
