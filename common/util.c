#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char id_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void util_random_id(char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = id_alphabet[randombytes_uniform(sizeof id_alphabet - 1)];
	buf[n] = 0;
}

int util_id_valid(const char *s, size_t maxlen)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (; s[n]; n++)
		if (n >= maxlen || !(isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-'))
			return 0;
	return n > 0;
}

int64_t util_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t util_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void url_unescape(char *dst, size_t cap, const char *src, size_t n)
{
	size_t j = 0;
	for (size_t i = 0; i < n && j + 1 < cap; i++) {
		if (src[i] == '%' && i + 2 < n && isxdigit((unsigned char)src[i + 1]) &&
		    isxdigit((unsigned char)src[i + 2])) {
			char hex[3] = {src[i + 1], src[i + 2], 0};
			dst[j++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			dst[j++] = src[i];
		}
	}
	dst[j] = 0;
}

int util_url_parse(const char *s, struct util_url *u)
{
	memset(u, 0, sizeof *u);
	const char *p = strstr(s, "://");
	if (!p || (size_t)(p - s) >= sizeof u->scheme)
		return -EINVAL;
	memcpy(u->scheme, s, (size_t)(p - s));
	p += 3;
	const char *q = strchr(p, '?');
	const char *end = q ? q : p + strlen(p);
	if (!strcmp(u->scheme, "unix")) {
		url_unescape(u->socket, sizeof u->socket, p, (size_t)(end - p));
	} else {
		const char *at = memchr(p, '@', (size_t)(end - p));
		if (at) {
			const char *colon = memchr(p, ':', (size_t)(at - p));
			if (colon) {
				url_unescape(u->user, sizeof u->user, p, (size_t)(colon - p));
				url_unescape(u->pass, sizeof u->pass, colon + 1, (size_t)(at - colon - 1));
			} else {
				url_unescape(u->user, sizeof u->user, p, (size_t)(at - p));
			}
			p = at + 1;
		}
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *hend = slash ? slash : end;
		const char *colon = memchr(p, ':', (size_t)(hend - p));
		if (colon) {
			url_unescape(u->host, sizeof u->host, p, (size_t)(colon - p));
			u->port = atoi(colon + 1);
		} else {
			url_unescape(u->host, sizeof u->host, p, (size_t)(hend - p));
		}
		if (slash) {
			url_unescape(u->path, sizeof u->path, slash + 1, (size_t)(end - slash - 1));
			if (isdigit((unsigned char)u->path[0]))
				u->db = atoi(u->path);
		}
	}
	while (q && *q) {
		q++;
		const char *amp = strchr(q, '&');
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		if (!strncmp(q, "socket=", 7))
			url_unescape(u->socket, sizeof u->socket, q + 7, n - 7);
		else if (!strncmp(q, "db=", 3))
			u->db = atoi(q + 3);
		q = amp;
	}
	return 0;
}

const char *util_json_str(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

const char *util_json_text(json_object *v)
{
	const char *s = v ? json_object_get_string(v) : NULL;
	return s ? s : "";
}

int util_json_int(json_object *o, const char *key, int64_t *out)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

int util_mkdirs(const char *path)
{
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(buf, 0755) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

char *util_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len;
	unsigned min;
	unsigned cp;
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, min = 0x80, cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, min = 0x800, cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static char *sanitize(const char *src, size_t len, size_t max, int keep_nul, size_t *outlen);

char *utf8_sanitize(const char *src, size_t len, size_t *outlen)
{
	return sanitize(src, len, (size_t)-1, 1, outlen);
}

char *utf8_sanitize_max(const char *src, size_t len, size_t max, size_t *outlen)
{
	return sanitize(src, len, max, 0, outlen);
}

static char *sanitize(const char *src, size_t len, size_t max, int keep_nul, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t cap = len * 3 < max ? len * 3 : max;
	char *out = malloc(cap + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq(s + i, len - i);
		const char *from = k ? (const char *)s + i : "\xEF\xBF\xBD";
		size_t w = k ? k : 3;
		if (k == 1 && !s[i] && !keep_nul)
			from = "\xEF\xBF\xBD", w = 3; /* a NUL ends a C string: replaced too */
		if ((size_t)(o - out) + w > cap)
			break;
		memcpy(o, from, w);
		o += w;
		i += k ? k : 1;
	}
	*o = 0;
	*outlen = (size_t)(o - out);
	return out;
}
