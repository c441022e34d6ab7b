/* Health, readiness and metrics. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "server.h"
#include "util.h"
#include "events.h"
#include "ws.h"

atomic_long metric_http_requests, metric_http_errors, metric_runs_created, metric_results_recorded,
	metric_results_rejected, metric_ws_messages, metric_events_pushed, metric_ws_dropped,
	metric_ws_parsed_off_thread, metric_password_checks;

static void do_livez(struct req *r)
{
	http_reply(r, 200, "text/plain; charset=utf-8", strdup("ok\n"), 3);
}

/* Ready only while MySQL, Redis and at least one judge answer. */
static void do_readyz(struct worker *w, struct req *r)
{
	if (atomic_load(&server_draining)) {
		http_error(r, 503, "draining", "the server is shutting down");
		return;
	}
	int err;
	MYSQL_RES *res = db_query(w->db, &err, "SELECT 1");
	mysql_free_result(res);
	if (err) {
		http_error(r, 503, "mysql", "MySQL does not answer");
		return;
	}
	redisReply *rep = redisCommand(w->kv, "ZCOUNT %s %lld +inf", KV_JUDGES,
				       (long long)(util_now_ms() - cfg.judge_stale_s * 1000));
	long judges = rep && rep->type == REDIS_REPLY_INTEGER ? (long)rep->integer : -1;
	freeReplyObject(rep);
	if (judges < 0) {
		http_error(r, 503, "redis", "Redis does not answer");
	} else if (judges == 0) {
		http_error(r, 503, "no_judge", "no judge is alive");
	} else {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "status", json_object_new_string("ready"));
		json_object_object_add(o, "judges", json_object_new_int64(judges));
		http_reply_json(r, 200, o);
	}
}

/* Counters of the whole service: for the operator's scraper (a token in
 * ?token=, compared in constant time) or an admin, nobody else. */
static void do_metrics(struct req *r)
{
	char tok[256];
	const char *given = http_query_arg(r, "token", tok, sizeof tok);
	int token_ok = cfg.metrics_token && cfg.metrics_token[0] && given &&
		       strlen(given) == strlen(cfg.metrics_token) &&
		       !sodium_memcmp(given, cfg.metrics_token, strlen(given));
	if (!token_ok && strcmp(r->user.role, "admin")) {
		if (r->user.id)
			http_error(r, 403, "forbidden",
				   "the metrics are the operator's: an admin or the metrics token");
		else
			http_error(r, 401, "unauthorized",
				   "the metrics are the operator's: log in as an admin or pass ?token=");
		return;
	}
	char *buf = malloc(8192);
	int n = snprintf(buf, 8192,
			 "# HELP verdict_http_requests_total HTTP requests handled.\n"
			 "# TYPE verdict_http_requests_total counter\n"
			 "verdict_http_requests_total %ld\n"
			 "# HELP verdict_http_errors_total HTTP replies with a 4xx or 5xx status.\n"
			 "# TYPE verdict_http_errors_total counter\n"
			 "verdict_http_errors_total %ld\n"
			 "# HELP verdict_runs_created_total Runs stored and queued.\n"
			 "# TYPE verdict_runs_created_total counter\n"
			 "verdict_runs_created_total %ld\n"
			 "# HELP verdict_results_recorded_total Results written to MySQL by this replica.\n"
			 "# TYPE verdict_results_recorded_total counter\n"
			 "verdict_results_recorded_total %ld\n"
			 "# HELP verdict_results_rejected_total Results MySQL refused for good, recorded as JE with "
			 "the reason.\n"
			 "# TYPE verdict_results_rejected_total counter\n"
			 "verdict_results_rejected_total %ld\n"
			 "# HELP verdict_ws_connections Open WebSocket connections.\n"
			 "# TYPE verdict_ws_connections gauge\n"
			 "verdict_ws_connections %ld\n"
			 "# HELP verdict_ws_messages_total WebSocket messages received.\n"
			 "# TYPE verdict_ws_messages_total counter\n"
			 "verdict_ws_messages_total %ld\n"
			 "# HELP verdict_events_pushed_total Updates queued to sockets.\n"
			 "# TYPE verdict_events_pushed_total counter\n"
			 "verdict_events_pushed_total %ld\n"
			 "# HELP verdict_ws_dropped_total Sockets dropped for falling behind.\n"
			 "# TYPE verdict_ws_dropped_total counter\n"
			 "verdict_ws_dropped_total %ld\n"
			 "# HELP verdict_ws_parsed_off_thread_total Socket messages over 64 KiB, parsed on a worker.\n"
			 "# TYPE verdict_ws_parsed_off_thread_total counter\n"
			 "verdict_ws_parsed_off_thread_total %ld\n"
			 "# HELP verdict_password_checks_total Argon2id verifications (unknown names cost one too).\n"
			 "# TYPE verdict_password_checks_total counter\n"
			 "verdict_password_checks_total %ld\n"
			 "# HELP verdict_connections_refused_total Connections refused: their address held its limit.\n"
			 "# TYPE verdict_connections_refused_total counter\n"
			 "verdict_connections_refused_total %ld\n"
			 "# HELP verdict_topics Topics with at least one subscriber.\n"
			 "# TYPE verdict_topics gauge\n"
			 "verdict_topics %ld\n"
			 "# HELP verdict_worker_tasks Tasks queued or running on workers.\n"
			 "# TYPE verdict_worker_tasks gauge\n"
			 "verdict_worker_tasks %d\n",
			 atomic_load(&metric_http_requests), atomic_load(&metric_http_errors),
			 atomic_load(&metric_runs_created), atomic_load(&metric_results_recorded),
			 atomic_load(&metric_results_rejected), ws_count(), atomic_load(&metric_ws_messages),
			 atomic_load(&metric_events_pushed), atomic_load(&metric_ws_dropped),
			 atomic_load(&metric_ws_parsed_off_thread), atomic_load(&metric_password_checks),
			 atomic_load(&metric_conns_refused), events_topics(), db_pending());
	http_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf, (size_t)n);
}

void api_misc_register(void)
{
	route_add(HM_GET, "/livez", AUTH_NONE, do_livez);
	route_add_work(HM_GET, "/readyz", AUTH_NONE, do_readyz);
	route_add(HM_GET, "/metrics", AUTH_OPTIONAL, do_metrics);
}
