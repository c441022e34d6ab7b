/* Runs (runs.c): the only writer of the runs table. */
#ifndef VERDICT_RUNS_H
#define VERDICT_RUNS_H

#include "server.h"

/*** Runs (runs.c: the runs table; api_runs.c: its HTTP and socket faces) ***/

#define RUN_ID_LEN 12

json_object *run_row_to_json(MYSQL_ROW row, unsigned long *lens);
extern const char *const run_columns; /* the SELECT list run_row_to_json reads */
/* Inserts a run and queues its job. 0, or an HTTP status with msg set. */
int runs_create(struct worker *w, const struct user *u, const char *ip, const char *lang, const char *code,
		size_t code_len, const char *input, size_t input_len, char id_out[17], char *msg, size_t msglen);
/* Fetches a run's public object; NULL when unknown. */
json_object *runs_get(struct worker *w, const char *id);
void runs_publish(struct worker *w, const char *id); /* its state on run/<id> */
/* Records a judge's result (recorder thread): 0 handled (recorded, a
 * repeat, or refused for good and recorded as JE), -1 to try again. */
int runs_record(struct worker *w, const struct proto_result *r);
void runs_sweep(struct worker *w); /* queues again the runs whose job was lost */
/* The run's share slug, made on first use: 0, 404 (no such run) or 503. */
int runs_share(struct worker *w, const char *id, char *slug_out, size_t len);
/* A shared run (code, input, result) by its slug; NULL when unknown. */
json_object *runs_get_shared(struct worker *w, const char *slug);

#endif
