/* verdict-judge: N slots, each a thread with its own box, taking jobs from
 * the Redis stream; a heartbeat thread. SIGTERM finishes the jobs in hand
 * and stops; a judge killed outright loses nothing (its jobs are taken over). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "fetch.h"
#include "gate.h"
#include "judge.h"
#include "lang.h"
#include "log.h"
#include "util.h"

struct slot *slots;

static const struct config_key keys[] = {
	{"redis_url", "redis://127.0.0.1:6379", "Redis: redis://host:port/db or unix:///path"},
	{"judge_dir", "var/judge", "host-only scratch files of this judge"},
	{"box_dir", "/run/verdict-box", "where the boxes' work directories are mounted"},
	{"box_first_uid", "60000", "box uids are this plus the slot number"},
	{"gate_dir", "/run/verdict-gate",
	 "lock files that keep IDE runs and secret tests apart; one directory for every judge of a machine"},
	{"slots", "0", "boxes run at once (0: the number of cores)"},
	{"name", NULL, "consumer name (default: judge-HOST-PID)"},
	{"claim_ms", "15000", "a job idle this long at a dead judge is taken over"},
	{"store_output_kb", "64", "stdout and stderr kept per run, KiB"},
	{"output_limit_kb", "16384", "a program's output limit, KiB"},
	{"max_deliveries", "3", "a job handed out more often than this is a judge error"},
	{"server_url", "http://127.0.0.1:8080", "where test data is fetched from (a verdict-server)"},
	{"judge_token", NULL, "the secret the server asks of judges"},
	{"cache_dir", "var/judge-cache", "test data and compiled programs, kept between jobs"},
	{"log_level", "info", "debug, info, warn or error"},
	{NULL, NULL, NULL},
};

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&judge_stopping, 1);
}

int main(int argc, char **argv)
{
	char err[512];
	if (config_load(keys, argc, argv, err, sizeof err)) {
		fprintf(stderr, "verdict-judge: %s\n", err);
		config_usage(argv[0]);
		return 2;
	}
	int lvl = log_level_parse(config_str("log_level"));
	log_init("judge", lvl < 0 ? LOG_INFO : (enum log_level)lvl);
	jcfg.redis_url = config_str("redis_url");
	jcfg.state_dir = config_str("judge_dir");
	jcfg.slots = (int)config_long("slots");
	if (jcfg.slots <= 0)
		jcfg.slots = (int)sysconf(_SC_NPROCESSORS_ONLN);
	jcfg.claim_ms = (int)config_long("claim_ms");
	jcfg.store_output = config_long("store_output_kb") * 1024;
	jcfg.output_limit_kb = config_long("output_limit_kb");
	jcfg.max_deliveries = (int)config_long("max_deliveries");
	jcfg.gate_dir = config_str("gate_dir");
	int g = gate_enter(jcfg.gate_dir, GATE_SECRET);
	if (g < 0) {
		log_error("cannot use the gate directory", "path", jcfg.gate_dir, "error", strerror(errno), NULL);
		return 1;
	}
	gate_leave(g);
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	if (config_str("name"))
		snprintf(jcfg.name, sizeof jcfg.name, "%s", config_str("name"));
	else
		snprintf(jcfg.name, sizeof jcfg.name, "judge-%s-%d", host, getpid());

	/* The box first, while this process is small and has one thread: its
	 * launchers are forked from here. */
	struct box_global_config bg = {.state_dir = config_str("box_dir"),
				       .first_uid = (int)config_long("box_first_uid")};
	if (box_global_init(&bg, err, sizeof err)) {
		log_error("cannot set up the sandbox", "error", err, NULL);
		return 1;
	}
	if (util_mkdirs(jcfg.state_dir)) {
		log_error("cannot create the judge directory", "path", jcfg.state_dir, NULL);
		return 1;
	}
	slots = calloc((size_t)jcfg.slots, sizeof *slots);
	for (int i = 0; i < jcfg.slots; i++) {
		slots[i].index = i;
		pthread_mutex_init(&slots[i].lock, NULL);
		snprintf(slots[i].dir, sizeof slots[i].dir, "%s/%d-slot%d", jcfg.state_dir, getpid(), i);
		if (util_mkdirs(slots[i].dir)) {
			log_error("cannot create a slot directory", "path", slots[i].dir, NULL);
			return 1;
		}
		slots[i].box = box_new(i, err, sizeof err);
		/* A second box per slot: the other side of an interactive run.
		 * Box slots run on CPUs round robin by number; numbering the
		 * aux boxes one further puts a validator on another CPU than
		 * the program it talks to, when there are as many slots as
		 * CPUs. */
		int aux = jcfg.slots + (i + 1) % jcfg.slots;
		slots[i].aux = slots[i].box ? box_new(aux, err, sizeof err) : NULL;
		if (!slots[i].box || !slots[i].aux) {
			log_error("cannot create a box", "error", err, NULL);
			return 1;
		}
	}
	lang_detect();
	jcfg.cache_dir = config_str("cache_dir");
	if (util_mkdirs(jcfg.cache_dir) ||
	    fetch_init(config_str("server_url"), config_str("judge_token"), jcfg.cache_dir)) {
		log_error("cannot set up the cache", "path", jcfg.cache_dir, NULL);
		return 1;
	}
	judge_pch_start(jcfg.cache_dir);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	pthread_t hb, *th = calloc((size_t)jcfg.slots, sizeof *th);
	pthread_create(&hb, NULL, judge_heartbeat_main, NULL);
	for (int i = 0; i < jcfg.slots; i++)
		pthread_create(&th[i], NULL, judge_slot_main, &slots[i]);
	char n[16];
	snprintf(n, sizeof n, "%d", jcfg.slots);
	log_info("judge ready", "name", jcfg.name, "slots", n, NULL);
	for (int i = 0; i < jcfg.slots; i++)
		pthread_join(th[i], NULL);
	pthread_join(hb, NULL);
	for (int i = 0; i < jcfg.slots; i++) {
		box_free(slots[i].box);
		box_free(slots[i].aux);
		if (slots[i].kv)
			redisFree(slots[i].kv);
		static const char *const files[] = {"input",    "stdout",   "stderr",           "compile",
						    "pass0.in", "pass1.in", "data/testdata.in", "data/testdata.ans"};
		char path[1100];
		for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
			snprintf(path, sizeof path, "%s/%s", slots[i].dir, files[k]);
			unlink(path);
		}
		snprintf(path, sizeof path, "%s/data", slots[i].dir);
		rmdir(path);
		rmdir(slots[i].dir);
	}
	free(th);
	free(slots);
	log_info("judge stopped", NULL);
	return 0;
}
