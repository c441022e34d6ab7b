/* The worker pool: every blocking call (MySQL, Redis commands, password
 * hashing) runs here, never on the lws service thread. Each worker owns one
 * MYSQL and one redisContext. Finished tasks go back to the service thread
 * through `done_q` and lws_cancel_service(), the one lws call that is safe
 * from another thread. */
#include <errmsg.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kv.h"
#include "log.h"
#include "server.h"
#include "util.h"

struct task {
	void (*run)(struct worker *w, void *arg);
	void (*done)(void *arg);
	void *arg;
	struct task *next;
};

struct task_queue {
	struct task *head, *tail;
};

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct task_queue todo_q, done_q;
static int q_stop;
static atomic_int q_pending;
static pthread_t *threads;
static struct worker *workers;
static int nthreads;

static void tq_push(struct task_queue *q, struct task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

static struct task *tq_pop(struct task_queue *q)
{
	struct task *t = q->head;
	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
	}
	return t;
}

MYSQL *db_connect(char *err, size_t errlen)
{
	struct util_url u;
	if (util_url_parse(cfg.mysql_url, &u)) {
		snprintf(err, errlen, "bad MySQL URL");
		return NULL;
	}
	MYSQL *db = mysql_init(NULL);
	unsigned int timeout = 5;
	mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(db, u.socket[0] ? NULL : (u.host[0] ? u.host : "127.0.0.1"),
				u.user[0] ? u.user : "root", u.pass[0] ? u.pass : NULL, u.path[0] ? u.path : "verdict",
				(unsigned)u.port, u.socket[0] ? u.socket : NULL, 0)) {
		snprintf(err, errlen, "cannot connect to MySQL: %s", mysql_error(db));
		mysql_close(db);
		return NULL;
	}
	db_exec(db, "SET SESSION time_zone = '+00:00'");
	return db;
}

int worker_ready(struct worker *w)
{
	char err[256];
	if (w->db && mysql_ping(w->db)) {
		mysql_close(w->db);
		w->db = NULL;
	}
	if (!w->db && !(w->db = db_connect(err, sizeof err))) {
		log_warn("worker cannot reach MySQL", "error", err, NULL);
		return -1;
	}
	if (w->kv && w->kv->err) {
		redisFree(w->kv);
		w->kv = NULL;
	}
	if (!w->kv && !(w->kv = kv_connect(cfg.redis_url, 5, err, sizeof err))) {
		log_warn("worker cannot reach Redis", "error", err, NULL);
		return -1;
	}
	return 0;
}

int db_exec(MYSQL *db, const char *sql)
{
	if (mysql_query(db, sql)) {
		log_warn("query failed", "error", mysql_error(db), NULL);
		return -1;
	}
	MYSQL_RES *res = mysql_store_result(db);
	mysql_free_result(res);
	return 0;
}

int db_error_transient(MYSQL *db)
{
	unsigned e = mysql_errno(db);
	/* 2000 and up: the client's own errors (connection lost, server gone,
	 * out of sync); then a deadlock, a lock wait, a killed connection or
	 * query, a server shutting down, too many connections, a read-only
	 * server (a failover under way). Anything else is about the statement
	 * or its data and would fail the same way again. */
	return e >= 2000 || e == 1205 || e == 1213 || e == 1927 || e == 1053 || e == 1040 || e == 1317 || e == 1290 ||
	       e == 1792 || e == 0;
}

char *db_escape(MYSQL *db, const char *s, size_t len)
{
	char *out = malloc(len * 2 + 1);
	if (out)
		mysql_real_escape_string(db, out, s, (unsigned long)len);
	return out;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	mysql_thread_init();
	for (;;) {
		pthread_mutex_lock(&q_lock);
		while (!todo_q.head && !q_stop)
			pthread_cond_wait(&q_cond, &q_lock);
		struct task *t = tq_pop(&todo_q);
		pthread_mutex_unlock(&q_lock);
		if (!t)
			break;
		t->run(w, t->arg);
		pthread_mutex_lock(&q_lock);
		tq_push(&done_q, t);
		pthread_mutex_unlock(&q_lock);
		lws_cancel_service(server_context);
	}
	if (w->db)
		mysql_close(w->db);
	if (w->kv)
		redisFree(w->kv);
	mysql_thread_end();
	return NULL;
}

void db_submit(void (*run)(struct worker *w, void *arg), void (*done)(void *arg), void *arg)
{
	struct task *t = malloc(sizeof *t);
	if (!t)
		abort();
	t->run = run;
	t->done = done;
	t->arg = arg;
	atomic_fetch_add(&q_pending, 1);
	pthread_mutex_lock(&q_lock);
	tq_push(&todo_q, t);
	pthread_cond_signal(&q_cond);
	pthread_mutex_unlock(&q_lock);
}

void db_drain_completions(void)
{
	pthread_mutex_lock(&q_lock);
	struct task *list = done_q.head;
	done_q.head = done_q.tail = NULL;
	pthread_mutex_unlock(&q_lock);
	while (list) {
		struct task *t = list;
		list = t->next;
		t->done(t->arg);
		atomic_fetch_sub(&q_pending, 1);
		free(t);
	}
}

int db_pending(void)
{
	return atomic_load(&q_pending);
}

int db_start(int n, char *err, size_t errlen)
{
	mysql_library_init(0, NULL, NULL);
	nthreads = n;
	threads = calloc((size_t)n, sizeof *threads);
	workers = calloc((size_t)n, sizeof *workers);
	for (int i = 0; i < n; i++) {
		workers[i].id = i;
		if (pthread_create(&threads[i], NULL, worker_main, &workers[i])) {
			snprintf(err, errlen, "cannot start worker thread");
			return -1;
		}
	}
	return 0;
}

void db_stop(void)
{
	pthread_mutex_lock(&q_lock);
	q_stop = 1;
	pthread_cond_broadcast(&q_cond);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	free(workers);
	mysql_library_end();
}

/* Builds and runs a query. Conversions: %q a NUL-terminated string, quoted
 * and escaped; %Q bytes (const char *, size_t), quoted and escaped; %d int;
 * %L int64_t; %g a double (NULL when not finite); %s trusted text inserted
 * as is; %% a percent sign. Returns
 * the result set (caller frees with mysql_free_result) or NULL; *err set to
 * 1 on failure, so NULL from a statement without rows is not an error. */
MYSQL_RES *db_query(MYSQL *db, int *err, const char *fmt, ...)
{
	size_t cap = 1024, n = 0;
	char *sql = malloc(cap);
	va_list ap;
	va_start(ap, fmt);
#define NEED(k)                           \
	do {                              \
		while (n + (k) + 1 > cap) \
			cap *= 2;         \
		sql = realloc(sql, cap);  \
	} while (0)
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			NEED(1);
			sql[n++] = *p;
			continue;
		}
		p++;
		if (*p == 'q' || *p == 'Q') {
			const char *s = va_arg(ap, const char *);
			size_t len = *p == 'Q' ? va_arg(ap, size_t) : (s ? strlen(s) : 0);
			if (!s) {
				NEED(4);
				memcpy(sql + n, "NULL", 4);
				n += 4;
				continue;
			}
			NEED(len * 2 + 2);
			sql[n++] = '\'';
			n += mysql_real_escape_string(db, sql + n, s, (unsigned long)len);
			sql[n++] = '\'';
		} else if (*p == 'd' || *p == 'L') {
			char num[32];
			int k = *p == 'd' ? snprintf(num, sizeof num, "%d", va_arg(ap, int))
					  : snprintf(num, sizeof num, "%lld", (long long)va_arg(ap, int64_t));
			NEED((size_t)k);
			memcpy(sql + n, num, (size_t)k);
			n += (size_t)k;
		} else if (*p == 'g') {
			char num[40];
			double d = va_arg(ap, double);
			int k = isfinite(d) ? snprintf(num, sizeof num, "%.17g", d) : snprintf(num, sizeof num, "NULL");
			NEED((size_t)k);
			memcpy(sql + n, num, (size_t)k);
			n += (size_t)k;
		} else if (*p == 's') {
			const char *s = va_arg(ap, const char *);
			size_t len = strlen(s);
			NEED(len);
			memcpy(sql + n, s, len);
			n += len;
		} else {
			NEED(1);
			sql[n++] = '%';
		}
	}
#undef NEED
	va_end(ap);
	*err = 0;
	MYSQL_RES *res = NULL;
	if (mysql_real_query(db, sql, (unsigned long)n)) {
		log_warn("query failed", "error", mysql_error(db), NULL);
		*err = 1;
	} else {
		res = mysql_store_result(db);
		if (!res && mysql_field_count(db))
			*err = 1;
	}
	free(sql);
	return res;
}
