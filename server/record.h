/* What the owners of the result tables (runs.c, submissions.c) share when
 * they record a judge's result: text made safe for MySQL, the columns'
 * limits, and what to do when MySQL refuses a row. The recorder thread
 * (recorder.c) decodes each result and hands it to its owner.
 *
 * A result carries what a contestant's program and a package's validator
 * wrote: any byte, any length, any number. Every text field goes in as valid
 * UTF-8 cut to its column; a number out of its range made the result JE
 * when it was decoded (proto.c). A result MySQL still refuses for good is
 * recorded as JE with MySQL's reason and acknowledged: one entry never
 * stops the stream for everyone after it. */
#ifndef VERDICT_RECORD_H
#define VERDICT_RECORD_H

#include "server.h"

/* The column limits (bytes; a character is at least one). */
enum { MESSAGE_MAX = 512, JUDGE_MAX = 128, TEST_NAME_MAX = 500, JUDGE_MESSAGE_MAX = 60000 };
/* Bytes kept of a program's output and of compiler output: escaped, one
 * statement stays well inside MariaDB's 16 MiB max_allowed_packet (a
 * statement beyond it drops the connection, which would look transient and
 * be tried again for ever). The judge keeps much less (64 KiB). */
enum { OUTPUT_MAX = 2 << 20, COMPILE_MAX = 1 << 20 };

/* Text as it may be stored: valid UTF-8, at most max bytes, malloc'd in s
 * (never NULL). */
struct text {
	char *s;
	size_t len;
};
struct text text_of(const char *s, size_t len, size_t max);
/* The result's message as stored: the judge's, or, when a value was out of
 * range, JE's reason with the judge's message after it. */
struct text result_message(const struct proto_result *r);
/* A per-test verdict as stored: v, or JE when it is not one. */
const char *record_test_verdict(const char *v);

/* After a failed statement (in a transaction: rolled back here, after its
 * reason is read, which ROLLBACK clears): -1 when it may pass (try the
 * entry again), 1 when MySQL refuses it for good (why says MySQL's reason;
 * counted and logged). */
int record_failed(struct worker *w, const char *id, int in_transaction, char *why, size_t whylen);
/* A job begun: its queued row in table (runs or submissions; trusted
 * text) moves to status with the judge's name, and publish tells its
 * topic. 0, or -1 to try again. Called by the table's owner. */
int record_started(struct worker *w, const char *table, const char *status, const struct proto_result *r,
		   void (*publish)(struct worker *w, const char *id));
/* The JE message for a result MySQL refused: the reason in it, cut. */
struct text record_refused_message(const char *why);

#endif
