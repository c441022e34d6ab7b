/* Submissions (submissions.c): the only writer of submissions and
 * submission_tests. */
#ifndef VERDICT_SUBMISSIONS_H
#define VERDICT_SUBMISSIONS_H

#include "server.h"

/*** Submissions (submissions.c: the submissions and submission_tests
 * tables; api_submissions.c: the HTTP face) ***/

#define SUB_ID_LEN 12
/* Checks, stores and queues a submission. Replies itself (202 with the id,
 * or the error); id_out gets the id when it was stored. 0 stored. */
int submission_create(struct worker *w, struct req *r, const char *contest, const char *pid, const char *lang,
		      const char *code, size_t code_len, char id_out[17]);
json_object *submission_get(struct worker *w, const char *id, int with_code, int admin, int64_t *owner);
void submissions_publish(struct worker *w, const char *id);             /* its state on submission/<id> */
int submissions_record(struct worker *w, const struct proto_result *r); /* as runs_record */
void submissions_sweep(struct worker *w);
/* Queues a submission again in the rejudge lane (its old result stays
 * visible until the new one lands). 0, or -1 when there is none. */
int submission_rejudge(struct worker *w, const char *id);
/* A package's own submission, stored for its verification (no user);
 * held: it waits for the time limit (verification.c queues it). */
int submission_store_verification(struct worker *w, const char *pid, const char *lang, const char *code,
				  size_t code_len, int held, char id_out[SUB_ID_LEN + 1]);

/* A held submission queued (rejudge lane). 0, or -1 when it was not held
 * or could not be. */
int submission_release(struct worker *w, const char *id);

#endif
