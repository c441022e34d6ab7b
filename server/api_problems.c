/* Problems: import a Kattis package (PUT, zip body), read a problem, list
 * them, export the package back, an admin's edits and deletion, and the
 * judges' blob endpoint. The only writer of problems and their files,
 * tests and groups. Workers only. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "log.h"
#include "package.h"
#include "verify.h"
#include "verification.h"
#include "server.h"
#include "util.h"
#include "jobs.h"
#include "problems.h"
#include "audit.h"

static const char *json_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* Stores an analysed package in one transaction: everything or nothing. */
static int store(struct worker *w, const char *id, struct pkg *p, int *replaced, char *err, size_t errlen)
{
	MYSQL *db = w->db;
	int e;
	if (db_exec(db, "START TRANSACTION"))
		goto fail;
	MYSQL_RES *res = db_query(db, &e, "SELECT package_version FROM problems WHERE id = %q FOR UPDATE", id);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int version = row ? atoi(row[0]) + 1 : 1;
	*replaced = row != NULL;
	mysql_free_result(res);
	if (e)
		goto fail;
	for (size_t i = 0; i < p->nfiles; i++)
		if (blob_put(db, p->files[i].sha, p->files[i].data, p->files[i].len))
			goto fail;
	if (*replaced) {
		mysql_free_result(db_query(db, &e, "DELETE FROM problem_files WHERE problem_id = %q", id));
		mysql_free_result(db_query(db, &e, "DELETE FROM test_groups WHERE problem_id = %q", id));
		mysql_free_result(db_query(db, &e, "DELETE FROM testcases WHERE problem_id = %q", id));
	}
	char tl[32], mult[200];
	snprintf(tl, sizeof tl, "%.6f", p->time_limit);
	snprintf(mult, sizeof mult, "{\"ac_to_time_limit\":%.6g,\"time_limit_to_tle\":%.6g,\"time_resolution\":%.6g}",
		 p->ac_to_time_limit, p->time_limit_to_tle, p->time_resolution);
	mysql_free_result(db_query(
		db, &e,
		"INSERT INTO problems (id, name, format, type, interactive, scoring, validation_passes, time_limit, "
		"time_limit_from, time_multipliers, code_limit_kb, memory_limit, "
		"output_limit, validator_flags, validator_kind, validator_lang, validator_path, statement, "
		"statement_html, "
		"statement_file, difficulty, tags, package_version) VALUES (%q, %q, %q, %q, %d, %d, %d, %s, %q, %q, "
		"%d, %d, %d, "
		"%q, "
		"%q, "
		"%q, %q, %q, %q, %q, %q, %q, %d) ON DUPLICATE KEY UPDATE name = VALUES(name), format = VALUES(format), "
		"type = VALUES(type), interactive = VALUES(interactive), scoring = VALUES(scoring), validation_passes "
		"= "
		/* A limit still to be found: the one before holds meanwhile. */
		"VALUES(validation_passes), time_limit = IF(VALUES(time_limit_from) = 'pending', time_limit, "
		"VALUES(time_limit)), time_limit_from = VALUES(time_limit_from), time_limit_note = NULL, "
		"time_multipliers = VALUES(time_multipliers), code_limit_kb = VALUES(code_limit_kb), "
		"memory_limit = VALUES(memory_limit), output_limit = VALUES(output_limit), "
		"validator_flags = VALUES(validator_flags), validator_kind = VALUES(validator_kind), validator_lang = "
		"VALUES(validator_lang), validator_path = VALUES(validator_path), statement = VALUES(statement), "
		"statement_html = VALUES(statement_html), statement_file = VALUES(statement_file), difficulty = "
		"COALESCE(VALUES(difficulty), difficulty), tags = VALUES(tags), package_version = "
		"VALUES(package_version), "
		"updated_at = NOW(3)",
		id, p->name[0] ? p->name : id, p->format, p->type, p->interactive, p->scoring, p->passes, tl,
		p->time_limit_given ? "package" : "pending", mult, p->code_kb, p->memory_mb, p->output_mb,
		json_text(p->validator_flags), p->validator_kind, p->validator_lang[0] ? p->validator_lang : NULL,
		p->validator_path[0] ? p->validator_path : NULL, p->statement, p->statement_html,
		p->statement_file[0] ? p->statement_file : NULL, p->difficulty[0] ? p->difficulty : NULL,
		json_text(p->tags), version));
	if (e)
		goto fail;
	for (size_t i = 0; i < p->nfiles; i++) {
		mysql_free_result(db_query(
			db, &e, "INSERT INTO problem_files (problem_id, path, sha256, mode) VALUES (%q, %q, %q, %d)",
			id, p->files[i].path, p->files[i].sha, p->files[i].mode));
		if (e)
			goto fail;
	}
	for (size_t g = 0; g < p->ngroups; g++) {
		mysql_free_result(db_query(
			db, &e, "INSERT INTO test_groups (problem_id, name, ord, settings) VALUES (%q, %q, %d, %q)", id,
			p->groups[g].name, (int)g, json_text(p->groups[g].settings)));
		if (e)
			goto fail;
	}
	for (size_t i = 0; i < p->ntests; i++) {
		const struct pkg_test *t = &p->tests[i];
		mysql_free_result(
			db_query(db, &e,
				 "INSERT INTO testcases (problem_id, ord, name, group_name, sample, input_sha256, "
				 "answer_sha256, validator_args) VALUES (%q, %d, %q, %q, %d, %q, %q, %q)",
				 id, (int)i, t->name, t->group, t->sample, p->files[t->in].sha, p->files[t->ans].sha,
				 json_text(t->args)));
		if (e)
			goto fail;
	}
	if (db_exec(db, "COMMIT"))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot store the problem: %s", mysql_error(db));
	db_exec(db, "ROLLBACK");
	return -1;
}

/* limits.code must be one a submission here may have. */
static int code_limit_check(const struct pkg *p, char *err, size_t errlen)
{
	if ((long)p->code_kb * 1024 <= cfg.max_code_bytes)
		return 0;
	snprintf(err, errlen, "problem.yaml: limits.code of %d KiB is more than the %ld KiB a submission may have here",
		 p->code_kb, cfg.max_code_bytes / 1024);
	return -1;
}

/* The time limit as stored: its value, where it is from (from, 16 bytes)
 * and how it was found (note, 512). */
static void problem_time_limit(struct worker *w, const char *pid, double *tl, char *from, char *note)
{
	int e;
	MYSQL_RES *res = db_query(
		w->db, &e, "SELECT time_limit, time_limit_from, time_limit_note FROM problems WHERE id = %q", pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (row) {
		*tl = strtod(row[0], NULL);
		snprintf(from, 16, "%s", row[1]);
		snprintf(note, 512, "%s", row[2] ? row[2] : "");
	}
	mysql_free_result(res);
}

static void do_import(struct worker *w, struct req *r)
{
	if (!problem_id_valid(r->param)) {
		http_error(r, 400, "bad_id",
			   "a problem id is 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit");
		return;
	}
	if (!r->body_len) {
		http_error(r, 400, "bad_package", "the body must be the package as a zip file");
		return;
	}
	struct pkg p;
	char err[512];
	struct pkg_limits lim = {.max_files = 20000,
				 .max_file_bytes = (size_t)cfg.max_package_bytes,
				 .max_total_bytes = (size_t)cfg.max_package_bytes * 4};
	if (pkg_read_zip(r->body, r->body_len, &lim, &p, err, sizeof err)) {
		http_error(r, 400, "bad_package", "%s", err);
		return;
	}
	if (pkg_analyse(&p, cfg.default_time_limit, (int)cfg.default_memory_mb, err, sizeof err) ||
	    code_limit_check(&p, err, sizeof err) || validator_check(w, &p, err, sizeof err)) {
		http_error(r, 400, "bad_package", "%s", err);
		pkg_free(&p);
		return;
	}
	/* The package's input validators on every test input, as the format
	 * asks of a system preparing a problem; the judge reads the inputs
	 * from the blob store (stored once by content: a refused package
	 * leaves only what an import of it would store again). */
	if (p.n_input_validators) {
		for (size_t i = 0; i < p.ntests; i++) {
			const struct pkg_file *f = &p.files[p.tests[i].in];
			if (blob_put(w->db, f->sha, f->data, f->len)) {
				http_error(r, 503, "unavailable", "cannot store the test data now");
				pkg_free(&p);
				return;
			}
		}
		if (input_validators_check(w, &p, err, sizeof err)) {
			http_error(r, 400, "bad_package", "%s", err);
			pkg_free(&p);
			return;
		}
	}
	/* A broken submissions.yaml is the package's fault: refused whole. */
	int legacy = !strncmp(p.format, "legacy", 6);
	struct verify_item *vitems;
	size_t nv;
	if (verify_plan(p.files, p.nfiles, legacy, &vitems, &nv, err, sizeof err)) {
		http_error(r, 400, "bad_package", "%s", err);
		pkg_free(&p);
		return;
	}
	verify_items_free(vitems, nv);
	int replaced = 0;
	if (store(w, r->param, &p, &replaced, err, sizeof err)) {
		http_error(r, 503, "unavailable", "%s", err);
		pkg_free(&p);
		return;
	}
	/* The package's own submissions go to the rejudge lane. */
	int queued =
		verification_start_files(w, r->param, p.files, p.nfiles, legacy, !p.time_limit_given, err, sizeof err);
	if (queued < 0)
		log_warn("cannot start the package's verification", "id", r->param, "why", err, NULL);
	char from[16] = "package", note[512] = "";
	problem_time_limit(w, r->param, &p.time_limit, from, note);
	audit(w, &r->user, replaced ? "problem.replace" : "problem.import", r->param, NULL);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(r->param));
	json_object_object_add(o, "name", json_object_new_string(p.name[0] ? p.name : r->param));
	json_object_object_add(o, "type", json_object_new_string(p.type));
	json_object_object_add(o, "format", json_object_new_string(p.format));
	/* Null while the package's submissions are judged to find it. */
	int known = time_limit_known(from);
	json_object_object_add(o, "time_limit", known ? json_object_new_double(p.time_limit) : NULL);
	json_object_object_add(o, "time_limit_from", json_object_new_string(from));
	if (note[0])
		json_object_object_add(o, "time_limit_note", json_object_new_string(note));
	json_object_object_add(o, "memory_limit", json_object_new_int(p.memory_mb));
	json_object_object_add(o, "tests", json_object_new_int((int)p.ntests));
	json_object_object_add(o, "validator", json_object_new_string(p.validator_kind));
	json_object *iv = json_object_new_array();
	for (int v = 0; v < p.n_input_validators; v++)
		json_object_array_add(iv, json_object_new_string(p.input_validators[v].path));
	json_object *ivo = json_object_new_object();
	json_object_object_add(ivo, "validators", iv);
	json_object_object_add(ivo, "tests", json_object_new_int(p.n_input_validators ? (int)p.ntests : 0));
	if (p.input_validators_skipped[0])
		json_object_object_add(ivo, "not_run", json_object_new_string(p.input_validators_skipped));
	json_object_object_add(o, "input_validation", ivo);
	json_object *ver = json_object_new_object();
	json_object_object_add(ver, "queued", json_object_new_int(queued > 0 ? queued : 0));
	if (queued < 0)
		json_object_object_add(ver, "error", json_object_new_string(err));
	char vurl[200];
	snprintf(vurl, sizeof vurl, "/api/problems/%s/verification", r->param);
	json_object_object_add(ver, "url", json_object_new_string(vurl));
	json_object_object_add(o, "verification", ver);
	log_info("problem imported", "id", r->param, "by", r->user.username, NULL);
	pkg_free(&p);
	http_reply_json(r, replaced ? 200 : 201, o);
}

static json_object *json_or_array(const char *s)
{
	json_object *o = s ? json_tokener_parse(s) : NULL;
	return o ? o : json_object_new_array();
}

static void add_blob_text(struct worker *w, json_object *o, const char *key, const char *sha)
{
	char *data = NULL;
	size_t len = 0;
	if (blob_get(w->db, sha, &data, &len)) {
		json_object_object_add(o, key, json_object_new_string(""));
		return;
	}
	size_t n;
	char *clean = utf8_sanitize(data, len, &n);
	json_object_object_add(o, key, json_object_new_string_len(clean, (int)n));
	free(clean);
	free(data);
}

static void do_get(struct worker *w, struct req *r)
{
	int e, held = 0;
	int vis = problem_visible(w, r->param, &r->user, &held);
	if (vis < 0) {
		http_error(r, 503, "unavailable", "cannot read the problem now");
		return;
	}
	if (!vis) {
		http_error(r, 404, "not_found", "no problem %s", r->param);
		return;
	}
	MYSQL_RES *res =
		db_query(w->db, &e,
			 "SELECT id, name, type, statement, statement_html, statement_file, time_limit, "
			 "memory_limit, difficulty, tags, interactive, scoring, format, made_public, time_limit_from, "
			 "time_limit_note, code_limit_kb FROM problems WHERE id = %q",
			 r->param);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (!row) {
		mysql_free_result(res);
		http_error(r, 404, "not_found", "no problem %s", r->param);
		return;
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(row[0]));
	json_object_object_add(o, "name", json_object_new_string(row[1]));
	json_object_object_add(o, "type", json_object_new_string(row[2]));
	json_object_object_add(o, "statement", json_object_new_string(row[3] ? row[3] : ""));
	json_object_object_add(o, "statement_html", json_object_new_string(row[4] ? row[4] : ""));
	if (row[5]) {
		char url[800];
		snprintf(url, sizeof url, "/api/problems/%s/files/%s", row[0], row[5]);
		json_object_object_add(o, "statement_file", json_object_new_string(url));
	}
	/* Null while the package's own submissions are judged to find it. */
	int tl_known = time_limit_known(row[14]);
	json_object_object_add(o, "time_limit", tl_known ? json_object_new_double(strtod(row[6], NULL)) : NULL);
	json_object_object_add(o, "time_limit_from", json_object_new_string(row[14]));
	json_object_object_add(o, "memory_limit", json_object_new_int(atoi(row[7])));
	json_object_object_add(
		o, "code_limit_kb",
		json_object_new_int(atoi(row[16]) > 0 ? atoi(row[16]) : (int)(cfg.max_code_bytes / 1024)));
	json_object_object_add(o, "difficulty", row[8] ? json_object_new_string(row[8]) : NULL);
	json_object_object_add(o, "tags", json_or_array(row[9]));
	json_object_object_add(o, "interactive", json_object_new_boolean(atoi(row[10])));
	json_object_object_add(o, "scoring", json_object_new_boolean(atoi(row[11])));
	int interactive = atoi(row[10]);
	if (!strcmp(r->user.role, "admin")) {
		json_object_object_add(o, "public", json_object_new_boolean(atoi(row[13])));
		json_object_object_add(o, "held", json_object_new_boolean(held));
		json_object_object_add(o, "time_limit_note", row[15] ? json_object_new_string(row[15]) : NULL);
	}
	mysql_free_result(res);
	json_object *samples = json_object_new_array();
	res = db_query(
		w->db, &e,
		"SELECT name, input_sha256, answer_sha256 FROM testcases WHERE problem_id = %q AND sample ORDER BY ord",
		r->param);
	while (res && !interactive && (row = mysql_fetch_row(res))) {
		json_object *s = json_object_new_object();
		json_object_object_add(s, "name", json_object_new_string(row[0]));
		add_blob_text(w, s, "input", row[1]);
		add_blob_text(w, s, "output", row[2]);
		json_object_array_add(samples, s);
	}
	mysql_free_result(res);
	json_object_object_add(o, "samples", samples);
	http_reply_json(r, 200, o);
}

/* A file of the package that may be shown to anyone: the statement's
 * files and attachments (never test data or validators). */
static void do_file(struct worker *w, struct req *r)
{
	const char *path = strstr(r->path, "/files/");
	path = path ? path + 7 : "";
	if (!(strncmp(path, "statement/", 10) == 0 || strncmp(path, "problem_statement/", 18) == 0 ||
	      strncmp(path, "attachments/", 12) == 0) ||
	    strstr(path, "..")) {
		http_error(r, 404, "not_found", "no such file");
		return;
	}
	int vis = problem_visible(w, r->param, &r->user, NULL);
	if (vis <= 0) {
		if (vis < 0)
			http_error(r, 503, "unavailable", "cannot read the problem now");
		else
			http_error(r, 404, "not_found", "no such file");
		return;
	}
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT sha256 FROM problem_files WHERE problem_id = %q AND path = %q",
				  r->param, path);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	char *data;
	size_t len;
	if (!row || blob_get(w->db, row[0], &data, &len)) {
		http_error(r, 404, "not_found", "no such file");
	} else {
		const char *ct = strstr(path, ".pdf")   ? "application/pdf"
				 : strstr(path, ".png") ? "image/png"
				 : strstr(path, ".svg") ? "image/svg+xml"
				 : strstr(path, ".jpg") ? "image/jpeg"
							: "application/octet-stream";
		http_add_header(r, "content-disposition", "attachment");
		http_reply(r, 200, ct, data, len);
	}
	mysql_free_result(res);
}

static void do_export(struct worker *w, struct req *r)
{
	int e;
	MYSQL_RES *res =
		db_query(w->db, &e, "SELECT path, sha256, mode FROM problem_files WHERE problem_id = %q ORDER BY path",
			 r->param);
	size_t n = res ? mysql_num_rows(res) : 0;
	if (!n) {
		mysql_free_result(res);
		http_error(r, 404, "not_found", "no problem %s", r->param);
		return;
	}
	struct pkg_file *files = calloc(n, sizeof *files);
	size_t k = 0;
	MYSQL_ROW row;
	int bad = 0;
	while ((row = mysql_fetch_row(res))) {
		char *data;
		size_t len;
		if (blob_get(w->db, row[1], &data, &len)) {
			bad = 1;
			break;
		}
		files[k].path = strdup(row[0]);
		files[k].data = (unsigned char *)data;
		files[k].len = len;
		files[k].mode = atoi(row[2]);
		k++;
	}
	mysql_free_result(res);
	unsigned char *zip = NULL;
	size_t ziplen = 0;
	if (bad || pkg_write_zip(files, k, &zip, &ziplen)) {
		http_error(r, 500, "internal", "cannot build the package");
	} else {
		char cd[160];
		snprintf(cd, sizeof cd, "attachment; filename=\"%s.zip\"", r->param);
		http_add_header(r, "content-disposition", cd);
		http_reply(r, 200, "application/zip", (char *)zip, ziplen);
	}
	for (size_t i = 0; i < k; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
}

static void do_list(struct worker *w, struct req *r)
{
	char q[128] = "", diff[32] = "", tag[64] = "";
	http_query_arg(r, "q", q, sizeof q);
	http_query_arg(r, "difficulty", diff, sizeof diff);
	http_query_arg(r, "tag", tag, sizeof tag);
	int page, per;
	if (http_page_args(r, &page, &per))
		return;
	/* LIKE patterns: escape the wildcards the user typed. */
	char like[300];
	size_t j = 0;
	like[j++] = '%';
	for (const char *s = q; *s && j < sizeof like - 3; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			like[j++] = '\\';
		like[j++] = *s;
	}
	like[j++] = '%';
	like[j] = 0;
	/* JSON_CONTAINS takes a JSON value: the tag as a JSON string, quotes
	 * and backslashes in it escaped. */
	json_object *jtag = json_object_new_string(tag);
	const char *tagq = json_object_to_json_string_ext(jtag, JSON_C_TO_STRING_PLAIN);
	char where[2048];
	char *el = db_escape(w->db, like, strlen(like)), *ed = db_escape(w->db, diff, strlen(diff)),
	     *et = db_escape(w->db, tagq, strlen(tagq));
	int admin = !strcmp(r->user.role, "admin");
	snprintf(where, sizeof where, "WHERE %s%s%s%s%s%s%s%s%s%s", admin ? "1" : "NOT " SQL_PROBLEM_HELD("p"),
		 q[0] ? " AND LOWER(name) LIKE LOWER('" : "", q[0] ? el : "", q[0] ? "')" : "",
		 diff[0] ? " AND difficulty = '" : "", diff[0] ? ed : "", diff[0] ? "'" : "",
		 tag[0] ? " AND JSON_CONTAINS(tags, '" : "", tag[0] ? et : "", tag[0] ? "')" : "");
	free(el);
	free(ed);
	free(et);
	json_object_put(jtag);
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT COUNT(*) FROM problems p %s", where);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	long total = row ? atol(row[0]) : 0;
	mysql_free_result(res);
	res = db_query(
		w->db, &e,
		"SELECT p.id, p.name, p.difficulty, p.tags, "
		"(SELECT COUNT(DISTINCT user_id) FROM submissions s WHERE s.problem_id = p.id AND s.verdict = 'AC' "
		"AND NOT " SQL_SUBMISSION_FROZEN(
			"s") "), "
			     "(SELECT COUNT(DISTINCT user_id) FROM submissions s WHERE s.problem_id = p.id "
			     "AND NOT " SQL_SUBMISSION_FROZEN(
				     "s") "), "
					  "EXISTS (SELECT 1 FROM submissions s WHERE s.problem_id = p.id AND s.user_id "
					  "= %L AND s.verdict = "
					  "'AC' AND NOT " SQL_SUBMISSION_FROZEN(
						  "s") "), "
						       "p.made_public, " SQL_PROBLEM_HELD(
							       "p") " "
								    "FROM problems p %s ORDER BY p.id LIMIT %d OFFSET "
								    "%L",
		r->user.id, where, per, (int64_t)(page - 1) * per);
	if (e) {
		mysql_free_result(res);
		http_error(r, 503, "unavailable", "cannot list problems now");
		return;
	}
	json_object *items = json_object_new_array();
	while (res && (row = mysql_fetch_row(res))) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(row[0]));
		json_object_object_add(o, "name", json_object_new_string(row[1]));
		json_object_object_add(o, "difficulty", row[2] ? json_object_new_string(row[2]) : NULL);
		json_object_object_add(o, "tags", json_or_array(row[3]));
		json_object_object_add(o, "solved_count", json_object_new_int(atoi(row[4])));
		json_object_object_add(o, "attempt_count", json_object_new_int(atoi(row[5])));
		json_object_object_add(o, "solved", json_object_new_boolean(atoi(row[6])));
		if (admin) {
			json_object_object_add(o, "public", json_object_new_boolean(atoi(row[7])));
			json_object_object_add(o, "held", json_object_new_boolean(atoi(row[8])));
		}
		json_object_array_add(items, o);
	}
	mysql_free_result(res);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int(page));
	json_object_object_add(o, "per_page", json_object_new_int(per));
	http_reply_json(r, 200, o);
}

/* Judges fetch test data and validators here, by hash, with the judge
 * token: they hold no MySQL credentials. */
static void do_blob(struct worker *w, struct req *r)
{
	char want[300];
	snprintf(want, sizeof want, "Bearer %s", cfg.judge_token ? cfg.judge_token : "");
	/* Compared in constant time: the time of a refusal says nothing of
	 * how much of a guess was right. */
	size_t wl = strlen(want);
	if (!cfg.judge_token || !cfg.judge_token[0] || strlen(r->authz) != wl || sodium_memcmp(r->authz, want, wl)) {
		http_error(r, 401, "unauthorized", "judges only");
		return;
	}
	char *data;
	size_t len;
	if (strlen(r->param) != 64 || blob_get(w->db, r->param, &data, &len)) {
		http_error(r, 404, "not_found", "no blob %s", r->param);
		return;
	}
	http_reply(r, 200, "application/octet-stream", data, len);
}

static void do_patch_problem(struct worker *w, struct req *r)
{
	json_object *o = req_json(r), *v;
	if (!o)
		return;
	int e;
	MYSQL_RES *res = db_query(w->db, &e, "SELECT 1 FROM problems WHERE id = %q", r->param);
	int known = res && mysql_num_rows(res);
	mysql_free_result(res);
	if (!known) {
		http_error(r, 404, "not_found", "no problem %s", r->param);
		json_object_put(o);
		return;
	}
	/* Check everything first: a bad field changes nothing. */
	static const char *const allowed[] = {"name", "time_limit", "memory_limit", "difficulty",
					      "tags", "statement",  "public"};
	json_object_object_foreach(o, key, val)
	{
		size_t i;
		for (i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
			if (!strcmp(key, allowed[i]))
				break;
		int ok = i < sizeof allowed / sizeof allowed[0];
		if (ok && !strcmp(key, "public"))
			ok = json_object_is_type(val, json_type_boolean);
		if (ok && !strcmp(key, "name"))
			ok = json_object_is_type(val, json_type_string) && json_object_get_string_len(val) > 0 &&
			     json_object_get_string_len(val) <= 255;
		if (ok && !strcmp(key, "time_limit"))
			ok = (json_object_is_type(val, json_type_double) || json_object_is_type(val, json_type_int)) &&
			     json_object_get_double(val) > 0 && json_object_get_double(val) <= 60;
		if (ok && !strcmp(key, "memory_limit"))
			ok = json_object_is_type(val, json_type_int) && json_object_get_int(val) >= 16 &&
			     json_object_get_int(val) <= 16384;
		if (ok && !strcmp(key, "difficulty"))
			ok = json_object_is_type(val, json_type_null) ||
			     (json_object_is_type(val, json_type_string) && json_object_get_string_len(val) <= 16);
		if (ok && !strcmp(key, "statement"))
			ok = json_object_is_type(val, json_type_string) && json_object_get_string_len(val) < (4 << 20);
		if (ok && !strcmp(key, "tags")) {
			ok = json_object_is_type(val, json_type_array) && json_object_array_length(val) <= 32;
			for (size_t k = 0; ok && k < json_object_array_length(val); k++)
				ok = json_object_is_type(json_object_array_get_idx(val, k), json_type_string);
		}
		if (!ok) {
			http_error(r, 400, "bad_field", "%s: unknown field or a bad value", key);
			json_object_put(o);
			return;
		}
	}
	char from[16] = "", note[512];
	double old_tl = 0;
	problem_time_limit(w, r->param, &old_tl, from, note);
	int tl_known = time_limit_known(from);
	if (db_exec(w->db, "START TRANSACTION")) {
		http_error(r, 503, "unavailable", "try again");
		json_object_put(o);
		return;
	}
	/* Every change and its audit row in one transaction: all or nothing.
	 * The audit keeps a statement's size, not its text. */
	json_object *detail = json_object_new_object();
	int bad = 0;
	json_object_object_foreach(o, k2, v2)
	{
		if (!strcmp(k2, "time_limit")) {
			char tl[32];
			snprintf(tl, sizeof tl, "%.6f", json_object_get_double(v2));
			/* An admin's limit ends any search for one. */
			res = db_query(
				w->db, &e,
				"UPDATE problems SET time_limit = %s, time_limit_from = 'admin', time_limit_note "
				"= NULL WHERE id = %q",
				tl, r->param);
		} else if (!strcmp(k2, "memory_limit")) {
			res = db_query(w->db, &e, "UPDATE problems SET memory_limit = %d WHERE id = %q",
				       json_object_get_int(v2), r->param);
		} else if (!strcmp(k2, "tags")) {
			res = db_query(w->db, &e, "UPDATE problems SET tags = %q WHERE id = %q",
				       json_object_to_json_string(v2), r->param);
		} else if (!strcmp(k2, "public")) {
			res = db_query(w->db, &e, "UPDATE problems SET made_public = %d WHERE id = %q",
				       json_object_get_boolean(v2), r->param);
		} else if (!strcmp(k2, "difficulty") && json_object_is_type(v2, json_type_null)) {
			res = db_query(w->db, &e, "UPDATE problems SET difficulty = NULL WHERE id = %q", r->param);
		} else {
			/* k2 is one of the allowed names checked above */
			res = db_query(w->db, &e, "UPDATE problems SET %s = %q WHERE id = %q", k2,
				       json_object_get_string(v2), r->param);
		}
		mysql_free_result(res);
		bad |= e;
		if (!strcmp(k2, "statement")) {
			char size[48];
			snprintf(size, sizeof size, "(%d bytes)", json_object_get_string_len(v2));
			json_object_object_add(detail, k2, json_object_new_string(size));
		} else {
			json_object_object_add(detail, k2, json_object_get(v2));
		}
	}
	if (!bad) {
		mysql_free_result(
			db_query(w->db, &e, "UPDATE problems SET updated_at = NOW(3) WHERE id = %q", r->param));
		bad = e || audit(w, &r->user, "problem.update", r->param, json_object_to_json_string(detail));
	}
	json_object_put(detail);
	if (bad || db_exec(w->db, "COMMIT")) {
		db_exec(w->db, "ROLLBACK");
		http_error(r, 503, "unavailable", "the change could not be saved; nothing was changed");
		json_object_put(o);
		return;
	}
	/* A limit where there was none: the package's submissions are judged
	 * again with it (those that ran while one was looked for had the cap). */
	if (json_object_object_get_ex(o, "time_limit", NULL) && !tl_known) {
		char verr[512];
		if (verification_start(w, r->param, verr, sizeof verr) < 0)
			log_warn("cannot start the package's verification", "id", r->param, "why", verr, NULL);
	}
	json_object_put(o);
	(void)v;
	http_reply_json(r, 200, json_object_new_object());
}

static void do_delete_problem(struct worker *w, struct req *r)
{
	int e;
	mysql_free_result(db_query(w->db, &e, "DELETE FROM problems WHERE id = %q", r->param));
	if (e) {
		http_error(r, 503, "unavailable", "cannot delete now");
	} else if (mysql_affected_rows(w->db) == 0) {
		http_error(r, 404, "not_found", "no problem %s", r->param);
	} else {
		audit(w, &r->user, "problem.delete", r->param, NULL);
		http_reply(r, 204, "application/json", NULL, 0);
	}
}

void api_problems_register(void)
{
	route_add_work(HM_GET, "/api/problems", AUTH_OPTIONAL, do_list);
	route_add_work(HM_PUT, "/api/problems/:id", AUTH_ADMIN, do_import);
	route_add_work(HM_GET, "/api/problems/:id", AUTH_OPTIONAL, do_get);
	route_add_work(HM_GET, "/api/problems/:id/package", AUTH_ADMIN, do_export);
	route_add_work(HM_GET, "/api/problems/:id/files/*", AUTH_OPTIONAL, do_file);
	route_add_work(HM_GET, "/internal/blobs/:sha", AUTH_NONE, do_blob);
	route_add_work(HM_PATCH, "/api/problems/:id", AUTH_ADMIN, do_patch_problem);
	route_add_work(HM_DELETE, "/api/problems/:id", AUTH_ADMIN, do_delete_problem);
}
