/* Runs (the IDE's "run on my input"): the only writer of the runs table.
 * Created here (and queued), recorded here when a judge's result comes
 * (recorder.c decodes it), queued again by the sweeper, shared by a short
 * slug; every change published on run/<id>. The HTTP and socket faces are
 * api_runs.c. Workers and the recorder thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "record.h"
#include "server.h"
#include "util.h"
#include "runs.h"
#include "jobs.h"
#include "events.h"

const char *const run_columns = "id, language, status, verdict, message, stdout, stderr, compile_output, "
				"stdout_truncated, stderr_truncated, exit_code, time_ms, memory_kb";

static void add_text(json_object *o, const char *key, const char *s, unsigned long len)
{
	size_t n;
	char *clean = utf8_sanitize(s ? s : "", s ? len : 0, &n);
	json_object_object_add(o, key, json_object_new_string_len(clean, (int)n));
	free(clean);
}

json_object *run_row_to_json(MYSQL_ROW row, unsigned long *lens)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(row[0]));
	json_object_object_add(o, "language", json_object_new_string(row[1]));
	json_object_object_add(o, "status", json_object_new_string(row[2]));
	if (!strcmp(row[2], "queued")) {
		json_object_object_add(o, "message", json_object_new_string("your submission is in queue"));
		return o;
	}
	if (strcmp(row[2], "done"))
		return o;
	json_object_object_add(o, "verdict", json_object_new_string(row[3] ? row[3] : "JE"));
	if (row[4] && row[4][0])
		json_object_object_add(o, "message", json_object_new_string(row[4]));
	add_text(o, "stdout", row[5], lens[5]);
	add_text(o, "stderr", row[6], lens[6]);
	add_text(o, "compile_output", row[7], lens[7]);
	json_object_object_add(o, "stdout_truncated", json_object_new_boolean(row[8] && atoi(row[8])));
	json_object_object_add(o, "stderr_truncated", json_object_new_boolean(row[9] && atoi(row[9])));
	json_object_object_add(o, "exit_code", row[10] ? json_object_new_int(atoi(row[10])) : NULL);
	json_object_object_add(o, "time_ms", json_object_new_int(row[11] ? atoi(row[11]) : 0));
	json_object_object_add(o, "memory_kb", json_object_new_int(row[12] ? atoi(row[12]) : 0));
	return o;
}

json_object *runs_get(struct worker *w, const char *id)
{
	if (!util_id_valid(id, 16))
		return NULL;
	int err;
	MYSQL_RES *res = db_query(w->db, &err, "SELECT %s FROM runs WHERE id = %q", run_columns, id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	json_object *o = row ? run_row_to_json(row, mysql_fetch_lengths(res)) : NULL;
	mysql_free_result(res);
	return o;
}

int runs_create(struct worker *w, const struct user *u, const char *ip, const char *lang, const char *code,
		size_t code_len, const char *input, size_t input_len, char id[17], char *msg, size_t msglen)
{
	if (code_len > (size_t)cfg.max_code_bytes) {
		snprintf(msg, msglen, "the code is larger than %ld bytes", cfg.max_code_bytes);
		return 413;
	}
	if (input_len > (size_t)cfg.max_input_bytes) {
		snprintf(msg, msglen, "the input is larger than %ld bytes", cfg.max_input_bytes);
		return 413;
	}
	if (!language_known(w->kv, lang)) {
		snprintf(msg, msglen, "unknown language: %.40s (see /api/languages)", lang);
		return 400;
	}
	util_random_id(id, RUN_ID_LEN);
	char uid[24] = "NULL";
	if (u && u->id)
		snprintf(uid, sizeof uid, "%lld", (long long)u->id);
	int err;
	mysql_free_result(db_query(w->db, &err,
				   "INSERT INTO runs (id, user_id, language, code, input, client_ip) "
				   "VALUES (%q, %s, %q, %Q, %Q, %q)",
				   id, uid, lang, code, code_len, input, input_len, ip));
	if (err) {
		snprintf(msg, msglen, "cannot store the run");
		return 503;
	}
	/* Stored: from here the run is acknowledged. If queuing fails the
	 * sweeper queues it later, so the reply is still 202. */
	runs_enqueue(w->kv, id, 1, lang, code, code_len, input, input_len);
	atomic_fetch_add(&metric_runs_created, 1);
	return 0;
}

void runs_publish(struct worker *w, const char *id)
{
	json_object *o = runs_get(w, id);
	char topic[64];
	snprintf(topic, sizeof topic, "run/%s", id);
	events_publish_json(w->kv, topic, o);
	json_object_put(o);
}

/* The last resort for a result MySQL refused for good: JE with its reason.
 * 0 when recorded (or the row was done already), -1 to try again later. */
static int runs_record_refused(struct worker *w, const char *id, const char *why)
{
	struct text t = record_refused_message(why);
	int err;
	mysql_free_result(
		db_query(w->db, &err,
			 "UPDATE runs SET status = 'done', verdict = 'JE', message = %q, finished_at = NOW(3) "
			 "WHERE id = %q AND status <> 'done'",
			 t.s, id));
	free(t.s);
	if (err)
		return db_error_transient(w->db) ? -1 : 0;
	if (mysql_affected_rows(w->db) == 1)
		runs_publish(w, id);
	return 0;
}

int runs_record(struct worker *w, const struct proto_result *r)
{
	if (r->kind == RESULT_STARTED)
		return record_started(w, "runs", "running", r, runs_publish);
	int err;
	const char *id = r->id;
	struct text judge = text_of(r->judge, strlen(r->judge), JUDGE_MAX);
	size_t lo = r->out_len, le = r->err_len, lc = r->compile_len;
	int otrunc = r->out_truncated || lo > OUTPUT_MAX, etrunc = r->err_truncated || le > OUTPUT_MAX;
	lo = lo > OUTPUT_MAX ? OUTPUT_MAX : lo;
	le = le > OUTPUT_MAX ? OUTPUT_MAX : le;
	lc = lc > COMPILE_MAX ? COMPILE_MAX : lc;
	struct text msg = result_message(r);
	char exit_code[16] = "NULL";
	if (r->has_exit)
		snprintf(exit_code, sizeof exit_code, "%d", r->exit_code);
	mysql_free_result(db_query(
		w->db, &err,
		"UPDATE runs SET status = 'done', verdict = %q, message = %q, stdout = %Q, stderr = %Q, "
		"compile_output = %Q, stdout_truncated = %d, stderr_truncated = %d, exit_code = %s, time_ms = %d, "
		"memory_kb = %d, judge = %q, finished_at = NOW(3) WHERE id = %q AND status <> 'done'",
		r->verdict, msg.s, r->out ? r->out : "", lo, r->err ? r->err : "", le, r->compile ? r->compile : "", lc,
		otrunc, etrunc, exit_code, (int)r->time_ms, (int)r->memory_kb, judge.s, id));
	free(msg.s);
	free(judge.s);
	if (err) {
		char why[200];
		int rc = record_failed(w, id, 0, why, sizeof why);
		return rc < 0 ? -1 : runs_record_refused(w, id, why);
	}
	if (mysql_affected_rows(w->db) == 1) {
		atomic_fetch_add(&metric_results_recorded, 1);
		runs_publish(w, id);
	}
	return 0;
}

void runs_sweep(struct worker *w)
{
	int err;
	MYSQL_RES *res = db_query(w->db, &err,
				  "SELECT id, language, code, input, attempt FROM runs WHERE status IN "
				  "('queued','running') AND queued_at < NOW(3) - INTERVAL %d SECOND LIMIT 200",
				  cfg.sweep_after_s);
	MYSQL_ROW row;
	while (res && (row = mysql_fetch_row(res))) {
		unsigned long *lens = mysql_fetch_lengths(res);
		if (job_exists(w->kv, row[0]))
			continue;
		int attempt = atoi(row[4]) + 1;
		int e2;
		mysql_free_result(db_query(w->db, &e2,
					   "UPDATE runs SET attempt = %d, queued_at = NOW(3), status = 'queued' "
					   "WHERE id = %q AND status <> 'done'",
					   attempt, row[0]));
		if (!e2 && mysql_affected_rows(w->db) == 1 &&
		    !runs_enqueue(w->kv, row[0], attempt, row[1], row[2], lens[2], row[3], lens[3]))
			log_info("run queued again", "id", row[0], NULL);
	}
	mysql_free_result(res);
}

#define SLUG_LEN 8

int runs_share(struct worker *w, const char *id, char *slug_out, size_t len)
{
	int err;
	for (int tries = 0; tries < 5; tries++) {
		char slug[SLUG_LEN + 1];
		util_random_id(slug, SLUG_LEN);
		mysql_free_result(db_query(
			w->db, &err, "UPDATE runs SET share_slug = %q WHERE id = %q AND share_slug IS NULL", slug, id));
		if (!err || mysql_errno(w->db) != 1062)
			break; /* 1062: the slug is taken, draw again */
	}
	MYSQL_RES *res = db_query(w->db, &err, "SELECT share_slug FROM runs WHERE id = %q", id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int st = !row ? 404 : !row[0] ? 503 : 0;
	if (!st)
		snprintf(slug_out, len, "%s", row[0]);
	mysql_free_result(res);
	return st;
}

json_object *runs_get_shared(struct worker *w, const char *slug)
{
	int err;
	MYSQL_RES *res =
		db_query(w->db, &err, "SELECT %s, code, input FROM runs WHERE share_slug = %q", run_columns, slug);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	json_object *o = NULL;
	if (row) {
		unsigned long *lens = mysql_fetch_lengths(res);
		o = json_object_new_object();
		json_object_object_add(o, "slug", json_object_new_string(slug));
		json_object_object_add(o, "language", json_object_new_string(row[1]));
		add_text(o, "code", row[13], lens[13]);
		add_text(o, "input", row[14], lens[14]);
		json_object_object_add(o, "result", run_row_to_json(row, lens));
	}
	mysql_free_result(res);
	return o;
}
