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
#include "auth.h"
#include "events.h"
#include "ws.h"
#include "recorder.h"

static atomic_int got_signal;
static int64_t drain_deadline, quiet_since;

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
		server_config_load(1, argv, err, sizeof err);
		config_usage(argv[0]);
		return 0;
	}
	if (server_config_load(argc, argv, err, sizeof err)) {
		fprintf(stderr, "verdict-server: %s\n", err);
		return 2;
	}
	int lvl = log_level_parse(config_str("log_level"));
	log_init("server", lvl < 0 ? LOG_INFO : (enum log_level)lvl);
	if (sodium_init() < 0) {
		log_error("libsodium failed to start", NULL);
		return 1;
	}
	if (cfg.workers < 1 || cfg.ws_max_queue < 1 || cfg.port < 0 || cfg.sweep_after_s < 1) {
		fprintf(stderr, "verdict-server: bad configuration\n");
		return 2;
	}

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);

	server_routes_register();

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = cfg.port;
	info.iface = cfg.bind;
	info.protocols = server_protocols;
	info.options = SERVER_LWS_OPTIONS;
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
