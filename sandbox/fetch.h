/* Test data and validator files, fetched by SHA-256 from the server's
 * internal endpoint and kept in a local cache. */
#ifndef VERDICT_FETCH_H
#define VERDICT_FETCH_H

#include <stddef.h>

int fetch_init(const char *server_url, const char *token, const char *cache_dir);
/* Makes sure the blob is in the cache; its path goes to path. 0 or -1. */
int fetch_blob(const char *sha, char *path, size_t pathlen, char *err, size_t errlen);

#endif
