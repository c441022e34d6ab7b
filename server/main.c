/* verdict-server: one libwebsockets event loop serving the web UI, the HTTP
 * JSON API and the WebSocket at /ws; blocking work on worker threads. */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "server.h"
#include "util.h"

struct server_config cfg;
struct lws_context *server_context;
atomic_int server_draining;
static atomic_int got_signal;
static int64_t drain_deadline, quiet_since;

static const struct config_key keys[] = {
	{"port", "8080", "HTTP port"},
	{"bind", NULL, "address to listen on (default: all)"},
	{"web_root", "web/dist", "the built web files"},
	{"mysql_url", "mysql://root@localhost/verdict", "MySQL: mysql://user:pass@host:port/db?socket=PATH"},
	{"redis_url", "redis://127.0.0.1:6379", "Redis: redis://host:port/db or unix:///path"},
	{"var", "var", "state directory (the generated admin password goes here)"},
	{"workers", "4", "worker threads for MySQL, Redis and hashing"},
	{"max_code_kb", "64", "largest code accepted, KiB"},
	{"max_input_kb", "8192", "largest run input accepted, KiB"},
	{"run_cpu_s", "2", "CPU time limit of a run, seconds (per-language multipliers apply)"},
	{"run_wall_s", "5", "wall time limit of a run, seconds"},
	{"run_memory_mb", "256", "memory limit of a run, MiB"},
	{"sweep_after_s", "30", "a run queued this long with no job is queued again"},
	{"judge_stale_s", "15", "a judge silent this long is taken for dead"},
	{"session_days", "30", "how long a login lasts"},
	{"ws_max_queue", "256", "messages queued to a slow socket before it is dropped"},
	{"ws_max_msgs_per_s", "50", "messages a socket may send per second"},
	{"max_package_mb", "256", "largest problem package accepted (and largest file in one), MiB"},
	{"default_time_limit", "2", "time limit of a problem whose package gives none, seconds"},
	{"default_memory_mb", "1024", "memory limit of a problem whose package gives none, MiB"},
	{"judge_token", NULL, "the secret judges present to fetch test data"},
	{"validator_check_s", "60", "how long an import waits for a judge to compile its validator"},
	{"feed_keepalive_s", "120", "seconds of silence after which an event feed sends a newline"},
	{"rate_submissions_per_min", "5", "submissions a user may make per minute (admins: unlimited)"},
	{"rate_runs_per_min", "30", "runs a user (or an address, anonymous) may make per minute"},
	{"rate_login_failures_per_user", "10", "failed logins per user per 5 minutes before a wait"},
	{"rate_login_failures_per_ip", "50", "failed logins per address per 5 minutes before a wait"},
	{"rate_registrations_per_hour", "20", "accounts one address may create per hour"},
	{"log_level", "info", "debug, info, warn or error"},
	{NULL, NULL, NULL},
};

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		db_drain_completions();
		events_drain();
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLOSED:
		return ws_callback(wsi, reason, user, in, len);
	default:
		return http_callback(wsi, reason, user, in, len);
	}
}

/* One protocol serves HTTP and the socket, so a client that names no
 * subprotocol still lands here, on protocols[0]. */
static const struct lws_protocols protocols[] = {
	{"verdict.v1", callback, sizeof(struct pss), 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void on_signal(int sig)
{
	atomic_store(&got_signal, sig);
	if (server_context)
		lws_cancel_service(server_context);
}

static void lws_log(int level, const char *line)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", line);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	if (level & LLL_ERR)
		log_warn("lws", "line", buf, NULL);
	else
		log_debug("lws", "line", buf, NULL);
}

static void raise_nofile(void)
{
	/* lws sizes its connection table from this limit at start. */
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void ensure_admin(void)
{
	char err[256];
	for (int tries = 0; tries < 30; tries++) {
		MYSQL *db = db_connect(err, sizeof err);
		if (db) {
			auth_ensure_admin(db);
			mysql_close(db);
			return;
		}
		log_warn("waiting for MySQL", "error", err, NULL);
		sleep(1);
	}
}

int main(int argc, char **argv)
{
	char err[512];
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		config_load(keys, 1, argv, err, sizeof err);
		config_usage(argv[0]);
		return 0;
	}
	if (config_load(keys, argc, argv, err, sizeof err)) {
		fprintf(stderr, "verdict-server: %s\n", err);
		return 2;
	}
	int lvl = log_level_parse(config_str("log_level"));
	log_init("server", lvl < 0 ? LOG_INFO : (enum log_level)lvl);
	if (sodium_init() < 0) {
		log_error("libsodium failed to start", NULL);
		return 1;
	}
	cfg.port = (int)config_long("port");
	cfg.bind = config_str("bind");
	cfg.web_root = config_str("web_root");
	cfg.mysql_url = config_str("mysql_url");
	cfg.redis_url = config_str("redis_url");
	cfg.var_dir = config_str("var");
	cfg.workers = (int)config_long("workers");
	cfg.max_code_bytes = config_long("max_code_kb") * 1024;
	cfg.max_input_bytes = config_long("max_input_kb") * 1024;
	cfg.run_cpu_s = config_double("run_cpu_s");
	cfg.run_wall_s = config_double("run_wall_s");
	cfg.run_memory_mb = config_long("run_memory_mb");
	cfg.sweep_after_s = (int)config_long("sweep_after_s");
	cfg.judge_stale_s = (int)config_long("judge_stale_s");
	cfg.session_days = (int)config_long("session_days");
	cfg.ws_max_queue = (int)config_long("ws_max_queue");
	cfg.ws_max_msgs_per_s = (int)config_long("ws_max_msgs_per_s");
	cfg.ws_max_message = cfg.max_code_bytes + cfg.max_input_bytes + 65536;
	cfg.max_package_bytes = config_long("max_package_mb") << 20;
	cfg.default_time_limit = config_double("default_time_limit");
	cfg.default_memory_mb = config_long("default_memory_mb");
	cfg.judge_token = config_str("judge_token");
	cfg.validator_check_s = (int)config_long("validator_check_s");
	cfg.feed_keepalive_s = config_long("feed_keepalive_s");
	cfg.rate_submissions = config_long("rate_submissions_per_min");
	cfg.rate_runs = config_long("rate_runs_per_min");
	cfg.rate_login_user = config_long("rate_login_failures_per_user");
	cfg.rate_login_ip = config_long("rate_login_failures_per_ip");
	cfg.rate_registrations = config_long("rate_registrations_per_hour");
	if (cfg.workers < 1 || cfg.ws_max_queue < 1 || cfg.port < 0 || cfg.sweep_after_s < 1) {
		fprintf(stderr, "verdict-server: bad configuration\n");
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);

	api_runs_register();
	api_auth_register();
	api_misc_register();
	api_problems_register();
	api_submissions_register();
	api_admin_register();
	api_contests_register();
	api_verification_register();
	feed_register();

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = cfg.port;
	info.iface = cfg.bind;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE * 0 |
		       LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
	info.timeout_secs = 30;
	info.ka_time = 60;
	info.ka_probes = 3;
	info.ka_interval = 10;
	server_context = lws_create_context(&info);
	if (!server_context) {
		log_error("cannot start the HTTP server", "port", config_str("port"), NULL);
		return 1;
	}

	ensure_admin();
	if (db_start(cfg.workers, err, sizeof err) || events_start(err, sizeof err) ||
	    recorder_start(err, sizeof err)) {
		log_error("cannot start", "error", err, NULL);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	log_info("listening", "port", config_str("port"), "web_root", cfg.web_root, NULL);

	for (;;) {
		if (lws_service(server_context, 0) < 0)
			break;
		if (atomic_load(&got_signal) && !atomic_load(&server_draining)) {
			/* Drain: stop accepting, finish replies, close sockets with 1001. */
			atomic_store(&server_draining, 1);
			drain_deadline = util_mono_ms() + 10000;
			log_info("draining", NULL);
			/* New requests get 503 and new upgrades are refused from here
			 * on; /readyz says 503 so a load balancer moves away. */
			ws_close_all();
		}
		if (atomic_load(&server_draining)) {
			/* Quiet for a moment (no socket, no task): the last replies
			 * have been written. */
			int64_t now = util_mono_ms();
			if (ws_count() || db_pending())
				quiet_since = 0;
			else if (!quiet_since)
				quiet_since = now;
			if ((quiet_since && now - quiet_since > 300) || now > drain_deadline)
				break;
			lws_cancel_service(server_context); /* keep the loop turning */
			usleep(10000);
		}
	}
	recorder_stop();
	events_stop();
	db_stop();
	db_drain_completions();
	lws_context_destroy(server_context);
	log_info("stopped", NULL);
	return 0;
}
