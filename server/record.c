/* Helpers for recording results (record.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "record.h"
#include "util.h"

struct text text_of(const char *s, size_t len, size_t max)
{
	struct text t = {0};
	t.s = utf8_sanitize_max(s ? s : "", s ? len : 0, max, &t.len);
	if (!t.s)
		t.s = strdup(""), t.len = 0;
	return t;
}

/* What a result says that was not in its type or range: JE, saying which. */
static struct text invalid_message(const struct proto_result *r)
{
	char head[96];
	if (!strcmp(r->invalid, "score"))
		snprintf(head, sizeof head, "judge error: the score is not a finite number");
	else
		snprintf(head, sizeof head, "judge error: the result's %s is not valid", r->invalid);
	if (!r->message_len)
		return text_of(head, strlen(head), MESSAGE_MAX);
	/* and what the judge said, cut to the column with the rest */
	size_t hl = strlen(head), n = hl + 2 + r->message_len;
	char *m = malloc(n);
	if (!m)
		return text_of(head, hl, MESSAGE_MAX);
	memcpy(m, head, hl);
	memcpy(m + hl, ": ", 2);
	memcpy(m + hl + 2, r->message, r->message_len);
	struct text t = text_of(m, n, MESSAGE_MAX);
	free(m);
	return t;
}

struct text result_message(const struct proto_result *r)
{
	return r->invalid ? invalid_message(r) : text_of(r->message, r->message_len, MESSAGE_MAX);
}

const char *record_test_verdict(const char *v)
{
	return proto_verdict(v) ? v : "JE";
}

int record_failed(struct worker *w, const char *id, int in_transaction, char *why, size_t whylen)
{
	int again = db_error_transient(w->db);
	snprintf(why, whylen, "MySQL %u: %s", mysql_errno(w->db), mysql_error(w->db));
	if (in_transaction)
		db_exec(w->db, "ROLLBACK");
	if (again)
		return -1;
	atomic_fetch_add(&metric_results_rejected, 1);
	log_error("result refused by MySQL, recorded as JE", "id", id, "error", why, NULL);
	return 1;
}

struct text record_refused_message(const char *why)
{
	char msg[MESSAGE_MAX];
	snprintf(msg, sizeof msg, "judge error: the result could not be stored (%s)", why);
	return text_of(msg, strlen(msg), MESSAGE_MAX);
}

int record_started(struct worker *w, const char *table, const char *status, const struct proto_result *r,
		   void (*publish)(struct worker *w, const char *id))
{
	struct text judge = text_of(r->judge, strlen(r->judge), JUDGE_MAX);
	int err;
	mysql_free_result(
		db_query(w->db, &err,
			 "UPDATE %s SET status = %q, started_at = NOW(3), judge = %q WHERE id = %q AND status = "
			 "'queued'",
			 table, status, judge.s, r->id));
	free(judge.s);
	if (err)
		return db_error_transient(w->db) ? -1 : 0;
	if (mysql_affected_rows(w->db) == 1)
		publish(w, r->id);
	return 0;
}
