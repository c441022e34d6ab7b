/* verdict-judge: takes jobs from the Redis stream, compiles and runs them in
 * the box, and reports results. It never touches MySQL. */
#ifndef VERDICT_JUDGE_H
#define VERDICT_JUDGE_H

#include <hiredis/hiredis.h>
#include <stdatomic.h>

#include "box.h"

struct judge_config {
	const char *redis_url;
	const char *state_dir; /* host-only files: inputs, outputs */
	char name[128];        /* consumer name, unique per process */
	int slots;
	int claim_ms;          /* a job idle this long at a dead judge is taken over */
	long store_output;     /* bytes of stdout/stderr reported */
	long output_limit_kb;  /* a program's output limit */
	int max_deliveries;    /* a job that killed this many judges is a judge error */
};
extern struct judge_config jcfg;
extern atomic_int judge_stopping;

struct slot {
	int index;
	struct box *box;
	redisContext *kv;
	char dir[512];      /* host-only scratch of this slot */
	char entry[64];     /* the stream entry in hand, "" when idle */
	pthread_mutex_t lock; /* guards entry (read by the heartbeat) */
};

void *judge_slot_main(void *arg);
void *judge_heartbeat_main(void *arg);

#endif
