/* Fair use (fairuse.c; not limits.h, which is the C library's): rate limits and run-time settings, kept in Redis so
 * that every replica sees the same. Any thread with its own Redis
 * connection; called by auth, runs, submissions, the socket and the
 * admin's settings API. No HTTP here. */
#ifndef VERDICT_FAIRUSE_H
#define VERDICT_FAIRUSE_H

#include <hiredis/hiredis.h>
#include <stddef.h>

struct worker;
struct user;

/* A run-time setting (Redis, set by admins) or its configured default. */
long setting(redisContext *kv, const char *name);
/* Sets one; 0 or -1 (unknown name, or Redis failed). */
int setting_set(redisContext *kv, const char *name, long long value);
/* The settings there are: names 0 .. settings_count() - 1. */
size_t settings_count(void);
const char *settings_name(size_t i);

/* One hit in bucket for who, within limit per window. -1 allowed, else
 * milliseconds until the window ends. */
long rate_check(redisContext *kv, const char *bucket, const char *who, long limit, long window_ms);
/* The per-minute limit of a setting, for a user (by id) or an anonymous
 * caller (by address); admins are never limited. */
long rate_limit(struct worker *w, const struct user *u, const char *ip, const char *bucket, const char *setting_name);

#endif
