/* Redis: connections and the names of every key and stream Verdict uses.
 * Redis holds only what can be rebuilt from MySQL (DESIGN.md). */
#ifndef VERDICT_KV_H
#define VERDICT_KV_H

#include <hiredis/hiredis.h>
#include <stddef.h>

/* Jobs wait in one stream per priority lane; judges take from the first
 * lane that has work, so a rejudge of thousands never delays a contest. */
enum kv_lane { LANE_CONTEST, LANE_PREMIUM, LANE_NORMAL, LANE_RUNS, LANE_REJUDGE, KV_NLANES };
extern const char *const kv_lanes[KV_NLANES]; /* "verdict:jobs:contest", ... */
#define KV_JOBS_GROUP    "judges"          /* consumer group of the judges */
#define KV_JOBIDX        "verdict:jobidx"  /* hash: run id -> job entry id, while a job exists */
#define KV_RESULTS       "verdict:results" /* stream: judge -> server */
#define KV_RESULTS_GROUP "recorders"       /* consumer group of the servers */
#define KV_EVENTS        "verdict:events"  /* pub/sub: topic events for sockets */
#define KV_JUDGES        "verdict:judges"  /* zset: judge name -> last heartbeat (ms) */

/* Connects to a redis:// or unix:// URL with a timeout; NULL with why in err.
 * The caller owns the context (redisFree). */
redisContext *kv_connect(const char *url, double timeout_s, char *err, size_t errlen);

/* Creates a consumer group (and its stream) when missing. 0 or -1. */
int kv_ensure_group(redisContext *c, const char *stream, const char *group);

/* Looks up field name in a flat [k, v, k, v...] array reply. Borrowed. */
const redisReply *kv_field(const redisReply *arr, const char *name);

#endif
