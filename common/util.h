/* Small helpers both processes need: ids, clocks, URLs, JSON access. */
#ifndef VERDICT_UTIL_H
#define VERDICT_UTIL_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Fills buf with n random URL-safe characters [0-9A-Za-z] and a NUL
 * (buf holds n + 1). Uniform, from libsodium's CSPRNG. */
void util_random_id(char *buf, size_t n);
int util_id_valid(const char *s, size_t maxlen); /* [0-9A-Za-z_-]{1,maxlen} */

int64_t util_now_ms(void);  /* wall clock */
int64_t util_mono_ms(void); /* monotonic */

/* A service URL: mysql://user:pass@host:port/db?socket=/path,
 * redis://host:port/db, unix:///path/to/redis.sock?db=N. Fields are
 * NUL-terminated copies inside the struct. */
struct util_url {
	char scheme[16], user[128], pass[256], host[256], path[512], socket[512];
	int port;
	int db;
};
int util_url_parse(const char *s, struct util_url *u);

/* json-c access that tolerates missing keys and wrong types. Borrowed. */
const char *util_json_str(json_object *o, const char *key);
/* Any value as text ("" for a JSON null): a list of a package's strings may
 * hold a null (an empty YAML node). */
const char *util_json_text(json_object *v);
int util_json_int(json_object *o, const char *key, int64_t *out); /* 0 found, -1 not */

/* mkdir -p: 0, or -1 with errno set. */
int util_mkdirs(const char *path);

/* Reads a whole small file; caller frees. NULL on error. */
char *util_read_file(const char *path, size_t *len);

/* A copy of bytes as valid UTF-8 (bad sequences become U+FFFD), for text
 * a program printed on its way into JSON. Caller frees. */
char *utf8_sanitize(const char *s, size_t len, size_t *outlen);
/* The same, at most max bytes of output, cut at a character's end, and a
 * NUL byte replaced too: text for a MySQL column or a C string. */
char *utf8_sanitize_max(const char *s, size_t len, size_t max, size_t *outlen);

#endif
