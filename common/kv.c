#include "kv.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

const char *const kv_lanes[KV_NLANES] = {"verdict:jobs:contest", "verdict:jobs:premium", "verdict:jobs:normal",
					 "verdict:jobs:runs", "verdict:jobs:rejudge"};

char *kv_board_key(char *buf, size_t len, const char *contest, const char *view, enum kv_board_part part)
{
	snprintf(buf, len, "verdict:board:{%s}:%s%s", contest, view, part == KV_BOARD_ROWS ? ":rows" : "");
	return buf;
}

char *kv_rate_key(char *buf, size_t len, const char *bucket, const char *who)
{
	snprintf(buf, len, "verdict:rate:%s:%s", bucket, who);
	return buf;
}

char *kv_reply_key(char *buf, size_t len, const char *token)
{
	snprintf(buf, len, "verdict:reply:%s", token);
	return buf;
}

redisContext *kv_connect(const char *url, double timeout_s, char *err, size_t errlen)
{
	struct util_url u;
	if (util_url_parse(url, &u)) {
		snprintf(err, errlen, "bad Redis URL");
		return NULL;
	}
	struct timeval tv = {(time_t)timeout_s, (suseconds_t)((timeout_s - (long)timeout_s) * 1e6)};
	redisContext *c;
	if (u.socket[0])
		c = redisConnectUnixWithTimeout(u.socket, tv);
	else
		c = redisConnectWithTimeout(u.host[0] ? u.host : "127.0.0.1", u.port ? u.port : 6379, tv);
	if (!c || c->err) {
		snprintf(err, errlen, "cannot connect to Redis: %s", c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return NULL;
	}
	if (u.pass[0]) {
		redisReply *r =
			u.user[0] ? redisCommand(c, "AUTH %s %s", u.user, u.pass) : redisCommand(c, "AUTH %s", u.pass);
		int bad = !r || r->type == REDIS_REPLY_ERROR;
		if (bad)
			snprintf(err, errlen, "Redis AUTH failed");
		freeReplyObject(r);
		if (bad) {
			redisFree(c);
			return NULL;
		}
	}
	if (u.db) {
		redisReply *r = redisCommand(c, "SELECT %d", u.db);
		freeReplyObject(r);
	}
	return c;
}

int kv_ensure_group(redisContext *c, const char *stream, const char *group)
{
	redisReply *r = redisCommand(c, "XGROUP CREATE %s %s 0 MKSTREAM", stream, group);
	int ok = r && (r->type != REDIS_REPLY_ERROR || strstr(r->str, "BUSYGROUP"));
	freeReplyObject(r);
	return ok ? 0 : -1;
}

const redisReply *kv_field(const redisReply *arr, const char *name)
{
	if (!arr || arr->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < arr->elements; i += 2)
		if (arr->element[i]->type == REDIS_REPLY_STRING && !strcmp(arr->element[i]->str, name))
			return arr->element[i + 1];
	return NULL;
}
