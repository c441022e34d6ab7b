/* The server's process-wide state: its configuration (read once by main
 * before any thread starts), its lws context, and whether it is draining. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "proxy.h"
#include "server.h"

struct server_config cfg;
struct lws_context *server_context;
atomic_int server_draining;

static const struct config_key keys[] = {
	{"port", "8080", "HTTP port"},
	{"bind", NULL, "address to listen on (default: all)"},
	{"web_root", "web/dist", "the built web files"},
	{"mysql_url", "mysql://root@localhost/verdict", "MySQL: mysql://user:pass@host:port/db?socket=PATH"},
	{"redis_url", "redis://127.0.0.1:6379", "Redis: redis://host:port/db or unix:///path"},
	{"var", "var", "state directory (the generated admin password goes here)"},
	{"workers", "4", "worker threads for MySQL, Redis and hashing"},
	{"max_code_kb", "128", "largest code accepted, KiB (a problem's limits.code may ask for less)"},
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
	{"default_time_limit", "2",
	 "time limit of a problem whose package gives none and has no submission to find one from, seconds"},
	{"infer_time_cap_s", "10",
	 "a package's submission runs at most this long per test while its problem's time limit is found from it, "
	 "seconds"},
	{"default_memory_mb", "1024", "memory limit of a problem whose package gives none, MiB"},
	{"judge_token", NULL, "the secret judges present to fetch test data"},
	{"validator_check_s", "60", "how long an import waits for a judge to compile its validator"},
	{"feed_keepalive_s", "120", "seconds of silence after which an event feed sends a newline"},
	{"rate_submissions_per_min", "5", "submissions a user may make per minute (admins: unlimited)"},
	{"rate_runs_per_min", "30", "runs a user (or an address, anonymous) may make per minute"},
	{"rate_login_failures_per_user", "10", "failed logins per user per 5 minutes before a wait"},
	{"rate_login_failures_per_ip", "50", "failed logins per address per 5 minutes before a wait"},
	{"rate_registrations_per_hour", "20", "accounts one address may create per hour"},
	{"max_connections_per_ip", "1000",
	 "connections one client address may hold at once (0: no limit; a site behind one NAT address needs a few per "
	 "contestant)"},
	{"feeds_per_ip", "20", "event feeds one client address may follow at once"},
	{"feed_stall_s", "60", "an event feed whose client reads nothing this long is closed"},
	{"metrics_token", NULL, "a secret that reads /metrics without an admin login (?token=)"},
	{"ws_idle_s", "60", "a socket silent this long is pinged; silent for as long again, it is closed"},
	{"public_url", NULL,
	 "the address users reach the site at (https://contest.example.org): browsers' requests must come from it; "
	 "https makes the session cookie Secure"},
	{"trusted_proxies", NULL,
	 "reverse proxies (addresses or CIDR ranges, comma-separated) whose proxy_header names the client; they are "
	 "exempt from max_connections_per_ip"},
	{"proxy_header", "X-Forwarded-For",
	 "the header a trusted proxy names the client in: X-Forwarded-For or X-Real-IP"},
	{"body_timeout_s", "60", "seconds a request body may take, plus one per 32 KiB of it"},
	{"log_level", "info", "debug, info, warn or error"},
	{NULL, NULL, NULL},
};

/* public_url as an origin (scheme://host[:port], lower case, no path),
 * the one browsers send in Origin. */
static int public_origin(const char *url, char *err, size_t errlen)
{
	cfg.public_origin[0] = 0;
	cfg.cookie_secure = 0;
	if (!url || !url[0])
		return 0;
	int https = !strncasecmp(url, "https://", 8);
	if (!https && strncasecmp(url, "http://", 7)) {
		snprintf(err, errlen, "public_url: http:// or https://, not %.64s", url);
		return -1;
	}
	const char *host = url + (https ? 8 : 7);
	size_t n = strcspn(host, "/?#");
	if (!n || n >= sizeof cfg.public_origin - 9 || strcspn(host, "@ ") < n) {
		snprintf(err, errlen, "public_url: no host, or not one, in %.64s", url);
		return -1;
	}
	int k = snprintf(cfg.public_origin, sizeof cfg.public_origin, "%s%.*s", https ? "https://" : "http://", (int)n,
			 host);
	for (int i = 0; i < k; i++)
		cfg.public_origin[i] = (char)tolower((unsigned char)cfg.public_origin[i]);
	/* the scheme's own port is not written in an Origin */
	size_t ol = strlen(cfg.public_origin);
	const char *port = https ? ":443" : ":80";
	if (ol > strlen(port) && !strcmp(cfg.public_origin + ol - strlen(port), port))
		cfg.public_origin[ol - strlen(port)] = 0;
	cfg.cookie_secure = https;
	return 0;
}

/* Reads the configuration (flags, then VERDICT_* variables, then the
 * defaults above) into cfg. 0, or -1 with why in err. */
int server_config_load(int argc, char **argv, char *err, size_t errlen)
{
	if (config_load(keys, argc, argv, err, errlen))
		return -1;
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
	cfg.infer_time_cap_s = config_double("infer_time_cap_s");
	cfg.default_memory_mb = config_long("default_memory_mb");
	cfg.judge_token = config_str("judge_token");
	cfg.validator_check_s = (int)config_long("validator_check_s");
	cfg.feed_keepalive_s = config_long("feed_keepalive_s");
	cfg.rate_submissions = config_long("rate_submissions_per_min");
	cfg.rate_runs = config_long("rate_runs_per_min");
	cfg.rate_login_user = config_long("rate_login_failures_per_user");
	cfg.rate_login_ip = config_long("rate_login_failures_per_ip");
	cfg.rate_registrations = config_long("rate_registrations_per_hour");
	cfg.max_conns_per_ip = config_long("max_connections_per_ip");
	cfg.feeds_per_ip = config_long("feeds_per_ip");
	cfg.feed_stall_s = config_long("feed_stall_s");
	cfg.ws_idle_s = config_long("ws_idle_s");
	cfg.metrics_token = config_str("metrics_token");
	cfg.body_timeout_s = config_long("body_timeout_s");
	const char *ph = config_str("proxy_header");
	if (!strcasecmp(ph, "X-Real-IP"))
		cfg.proxy_header_real_ip = 1;
	else if (strcasecmp(ph, "X-Forwarded-For")) {
		snprintf(err, errlen, "proxy_header: X-Forwarded-For or X-Real-IP, not %.64s", ph);
		return -1;
	}
	if (proxy_configure(config_str("trusted_proxies"), err, errlen))
		return -1;
	if (public_origin(config_str("public_url"), err, errlen))
		return -1;
	return 0;
}
