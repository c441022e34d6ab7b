#include "lws_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "util.h"

static struct lws_vhost *vhost;

static void quiet(int level, const char *line)
{
	(void)level, (void)line;
}

void harness_init(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	char err[512];
	char *argv[] = {"fuzz", NULL};
	/* The server's defaults, but a database nobody answers at and a web
	 * root of the built bundle when there is one. */
	setenv("VERDICT_MYSQL_URL", "mysql://root@localhost/verdict?socket=/nonexistent/verdict-fuzz.sock", 1);
	setenv("VERDICT_REDIS_URL", "unix:///nonexistent/verdict-fuzz-redis.sock", 1);
	setenv("VERDICT_WORKERS", "1", 1);
	if (!getenv("VERDICT_WEB_ROOT"))
		setenv("VERDICT_WEB_ROOT", "web/dist", 1);
	if (server_config_load(1, argv, err, sizeof err)) {
		fprintf(stderr, "fuzz: %s\n", err);
		abort();
	}
	log_init("fuzz", (enum log_level)(LOG_ERROR + 1));
	if (sodium_init() < 0)
		abort();
	signal(SIGPIPE, SIG_IGN);
	lws_set_log_level(0, quiet);
	server_routes_register();
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = server_protocols;
	info.options = SERVER_LWS_OPTIONS;
	info.timeout_secs = 30;
	server_context = lws_create_context(&info);
	if (!server_context || !(vhost = lws_get_vhost_by_name(server_context, "default")))
		abort();
	if (db_start(1, err, sizeof err))
		abort();
}

void harness_exchange(const uint8_t *bytes, size_t n)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		abort();
	if (!lws_adopt_socket_vhost(vhost, sv[1])) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	size_t sent = 0;
	int closed = 0, half = 0;
	int64_t deadline = util_mono_ms() + 10000;
	char buf[65536];
	while (!closed || db_pending()) {
		if (sent < n) {
			ssize_t k = send(sv[0], bytes + sent, n - sent, MSG_NOSIGNAL);
			if (k > 0)
				sent += (size_t)k;
			else if (k < 0 && errno != EAGAIN)
				sent = n; /* the server closed first */
		}
		if (sent == n && !half) {
			shutdown(sv[0], SHUT_WR);
			half = 1;
		}
		for (;;) {
			ssize_t k = recv(sv[0], buf, sizeof buf, 0);
			if (k > 0)
				continue;
			if (k == 0 || (errno != EAGAIN && errno != EINTR))
				closed = 1;
			break;
		}
		lws_service(server_context, -1); /* never blocks: the client side is this loop */
		if (util_mono_ms() > deadline) {
			fprintf(stderr, "fuzz: the server neither closed the connection nor finished its tasks\n");
			abort();
		}
	}
	close(sv[0]);
}
