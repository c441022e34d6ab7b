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
#define KV_JOBS_GROUP    "judges"             /* consumer group of the judges */
#define KV_JOBIDX        "verdict:jobidx"     /* hash: run id -> job entry id, while a job exists */
#define KV_RESULTS       "verdict:results"    /* stream: judge -> server */
#define KV_RESULTS_GROUP "recorders"          /* consumer group of the servers */
#define KV_EVENTS        "verdict:events"     /* pub/sub: topic events for sockets */
#define KV_JUDGES        "verdict:judges"     /* zset: judge name -> last heartbeat (ms) */
#define KV_LANGS         "verdict:langs"      /* hash: language id -> its JSON, as judges announce them */
#define KV_SETTINGS      "verdict:settings"   /* hash: setting -> value an admin changed at run time */
#define KV_SWEEPLOCK     "verdict:sweeplock"  /* string: which server sweeps now (expires) */

/* Keys with a part of their own. Each writes into buf (NUL-terminated,
 * cut to len) and returns it. */
enum kv_board_part { KV_BOARD_SET, KV_BOARD_ROWS }; /* zset of ranks, hash of rows */
/* verdict:board:{<contest>}:<view>[:rows]; view "public" or "jury". The
 * braces keep a contest's keys in one cluster slot. */
char *kv_board_key(char *buf, size_t len, const char *contest, const char *view, enum kv_board_part part);
/* verdict:rate:<bucket>:<who>: a rate limit's counter. */
char *kv_rate_key(char *buf, size_t len, const char *bucket, const char *who);
/* verdict:reply:<token>: the list a validator check's answer comes on. */
char *kv_reply_key(char *buf, size_t len, const char *token);

/* Connects to a redis:// or unix:// URL with a timeout; NULL with why in err.
 * The caller owns the context (redisFree). */
redisContext *kv_connect(const char *url, double timeout_s, char *err, size_t errlen);

/* Creates a consumer group (and its stream) when missing. 0 or -1. */
int kv_ensure_group(redisContext *c, const char *stream, const char *group);

/* Looks up field name in a flat [k, v, k, v...] array reply. Borrowed. */
const redisReply *kv_field(const redisReply *arr, const char *name);

#endif
