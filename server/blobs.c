/* Content-addressed blobs in MySQL: test data and package files, stored
 * once by SHA-256 in chunks of 4 MiB (no statement outgrows a default
 * max_allowed_packet). Workers only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "problems.h"

#define CHUNK (4u << 20)

int blob_put(MYSQL *db, const char *sha, const void *data, size_t len)
{
	int err;
	MYSQL_RES *res = db_query(db, &err, "SELECT 1 FROM blobs WHERE sha256 = %q", sha);
	int exists = res && mysql_num_rows(res) > 0;
	mysql_free_result(res);
	if (err)
		return -1;
	if (exists)
		return 0;
	const char *p = data;
	int seq = 0;
	size_t off = 0;
	do {
		size_t n = len - off > CHUNK ? CHUNK : len - off;
		mysql_free_result(db_query(db, &err,
					   "INSERT IGNORE INTO blob_chunks (sha256, seq, data) VALUES (%q, %d, %Q)",
					   sha, seq++, p + off, n));
		if (err)
			return -1;
		off += n;
	} while (off < len);
	mysql_free_result(
		db_query(db, &err, "INSERT IGNORE INTO blobs (sha256, size) VALUES (%q, %L)", sha, (int64_t)len));
	return err ? -1 : 0;
}

int blob_get(MYSQL *db, const char *sha, char **out, size_t *len)
{
	int err;
	MYSQL_RES *res = db_query(db, &err, "SELECT size FROM blobs WHERE sha256 = %q", sha);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		return -1;
	}
	size_t size = strtoull(row[0], NULL, 10);
	mysql_free_result(res);
	char *buf = malloc(size + 1);
	if (!buf)
		return -1;
	res = db_query(db, &err, "SELECT data FROM blob_chunks WHERE sha256 = %q ORDER BY seq", sha);
	size_t got = 0;
	while (res && (row = mysql_fetch_row(res))) {
		unsigned long *lens = mysql_fetch_lengths(res);
		if (got + lens[0] > size)
			break;
		memcpy(buf + got, row[0], lens[0]);
		got += lens[0];
	}
	mysql_free_result(res);
	if (got != size) {
		free(buf);
		return -1;
	}
	buf[size] = 0;
	*out = buf;
	*len = size;
	return 0;
}
