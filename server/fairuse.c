/* Fair use: rate limits kept in Redis (fixed windows per bucket and key)
 * and the settings an admin may change at run time, read by every replica
 * from Redis with the configured values as defaults. Any thread with a
 * Redis connection; no HTTP (the settings API is in api_admin.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "fairuse.h"
#include "server.h"

/* A fixed window per bucket and key: the first hit starts the window.
 * Returns -1 when allowed, else the milliseconds until the window ends. */
static const char rate_lua[] = "local n = redis.call('INCR', KEYS[1]) "
			       "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
			       "if n > tonumber(ARGV[2]) then local t = redis.call('PTTL', KEYS[1]) "
			       "if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) t = tonumber(ARGV[1]) end "
			       "return t end return -1";

/* Limits an admin may change at run time (all replicas read them from
 * Redis), with their configured defaults. */
static const struct {
	const char *name;
	long *defval;
} settings[] = {
	{"rate_submissions_per_min", &cfg.rate_submissions},      {"rate_runs_per_min", &cfg.rate_runs},
	{"rate_login_failures_per_user", &cfg.rate_login_user},   {"rate_login_failures_per_ip", &cfg.rate_login_ip},
	{"rate_registrations_per_hour", &cfg.rate_registrations},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

size_t settings_count(void)
{
	return NSETTINGS;
}

const char *settings_name(size_t i)
{
	return i < NSETTINGS ? settings[i].name : NULL;
}

long setting(redisContext *kv, const char *name)
{
	long v = -1;
	redisReply *r = redisCommand(kv, "HGET %s %s", KV_SETTINGS, name);
	if (r && r->type == REDIS_REPLY_STRING)
		v = atol(r->str);
	freeReplyObject(r);
	if (v >= 0)
		return v;
	for (size_t i = 0; i < NSETTINGS; i++)
		if (!strcmp(settings[i].name, name))
			return *settings[i].defval;
	return 0;
}

long rate_check(redisContext *kv, const char *bucket, const char *who, long limit, long window_ms)
{
	char key[256], w[32], l[32];
	kv_rate_key(key, sizeof key, bucket, who);
	snprintf(w, sizeof w, "%ld", window_ms);
	snprintf(l, sizeof l, "%ld", limit);
	redisReply *r = redisCommand(kv, "EVAL %s 1 %s %s %s", rate_lua, key, w, l);
	long wait = r && r->type == REDIS_REPLY_INTEGER ? (long)r->integer : -1;
	freeReplyObject(r);
	return wait;
}

/* Admins are never limited; users by id, anonymous callers by address.
 * -1 allowed, else milliseconds to wait. */
long rate_limit(struct worker *w, const struct user *u, const char *ip, const char *bucket, const char *setting_name)
{
	if (u && u->id && !strcmp(u->role, "admin"))
		return -1;
	char who[96];
	if (u && u->id)
		snprintf(who, sizeof who, "u%lld", (long long)u->id);
	else
		snprintf(who, sizeof who, "ip%s", ip);
	return rate_check(w->kv, bucket, who, setting(w->kv, setting_name), 60000);
}

int setting_set(redisContext *kv, const char *name, long long value)
{
	size_t i;
	for (i = 0; i < NSETTINGS && strcmp(settings[i].name, name); i++)
		;
	if (i == NSETTINGS)
		return -1;
	redisReply *r = redisCommand(kv, "HSET %s %s %lld", KV_SETTINGS, name, value);
	int ok = r && r->type == REDIS_REPLY_INTEGER;
	freeReplyObject(r);
	return ok ? 0 : -1;
}
