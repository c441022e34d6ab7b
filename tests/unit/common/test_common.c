/* Unit tests of common/: ids, URLs, UTF-8 clean-up, configuration layers. */
#include <stdlib.h>
#include <string.h>

#include "check_harness.h"
#include "config.h"
#include "util.h"

static void test_ids(void)
{
	char a[17], b[17];
	util_random_id(a, 16);
	util_random_id(b, 16);
	CHECK(strlen(a) == 16);
	CHECK(strcmp(a, b) != 0);
	CHECK(util_id_valid(a, 16));
	CHECK(!util_id_valid("", 16));
	CHECK(!util_id_valid("a/b", 16));
	CHECK(!util_id_valid("../x", 16));
	CHECK(!util_id_valid("0123456789abcdefX", 16));
	/* Every character drawn from the 62 URL-safe ones. */
	char big[4001];
	util_random_id(big, 4000);
	int digits = 0, upper = 0, lower = 0;
	for (int i = 0; i < 4000; i++) {
		digits += big[i] >= '0' && big[i] <= '9';
		upper += big[i] >= 'A' && big[i] <= 'Z';
		lower += big[i] >= 'a' && big[i] <= 'z';
	}
	CHECK(digits + upper + lower == 4000);
	CHECK(digits > 400 && upper > 1200 && lower > 1200);
}

static void test_urls(void)
{
	struct util_url u;
	CHECK(util_url_parse("mysql://bob:s%40cret@db.example:3307/verdict", &u) == 0);
	CHECK_STR(u.scheme, "mysql");
	CHECK_STR(u.user, "bob");
	CHECK_STR(u.pass, "s@cret");
	CHECK_STR(u.host, "db.example");
	CHECK(u.port == 3307);
	CHECK_STR(u.path, "verdict");
	CHECK(util_url_parse("mysql://root@localhost/verdict?socket=/tmp/x/mysql.sock", &u) == 0);
	CHECK_STR(u.socket, "/tmp/x/mysql.sock");
	CHECK_STR(u.user, "root");
	CHECK(util_url_parse("redis://127.0.0.1:6380/2", &u) == 0);
	CHECK(u.port == 6380 && u.db == 2);
	CHECK(util_url_parse("unix:///run/redis.sock?db=3", &u) == 0);
	CHECK_STR(u.socket, "/run/redis.sock");
	CHECK(u.db == 3);
	CHECK(util_url_parse("no scheme", &u) != 0);
}

static void test_utf8(void)
{
	size_t n;
	char *s = utf8_sanitize("h\xc3\xa9llo", 6, &n);
	CHECK_STR(s, "h\xc3\xa9llo");
	free(s);
	s = utf8_sanitize("\xff\x41", 2, &n);
	CHECK(n == 4 && !memcmp(s, "\xef\xbf\xbd\x41", 4));
	free(s);
	s = utf8_sanitize("\xc0\xaf", 2, &n); /* overlong '/' */
	CHECK(n == 6);
	free(s);
	s = utf8_sanitize("\xed\xa0\x80", 3, &n); /* a surrogate */
	CHECK(n == 9);
	free(s);
	s = utf8_sanitize("a\0b", 3, &n);
	CHECK(n == 3 && s[1] == 0);
	free(s);
	s = utf8_sanitize("\xe2\x82", 2, &n); /* cut short */
	CHECK(n == 6);
	free(s);
	/* Bounded, for a column: cut at a character's end, NUL replaced. */
	s = utf8_sanitize_max("ab\xc3\xa9", 4, 3, &n);
	CHECK(n == 2 && !strcmp(s, "ab"));
	free(s);
	s = utf8_sanitize_max("\xff\xff\xff", 3, 7, &n);
	CHECK(n == 6);
	free(s);
	s = utf8_sanitize_max("a\0b", 3, 100, &n);
	CHECK(n == 5 && !strcmp(s, "a\xef\xbf\xbd"
				   "b"));
	free(s);
	s = utf8_sanitize_max("", 0, 0, &n);
	CHECK(n == 0 && s && !*s);
	free(s);
}

static const struct config_key keys[] = {
	{"port", "8080", "port"},
	{"run_cpu_s", "2", "cpu"},
	{"name", NULL, "name"},
	{NULL, NULL, NULL},
};

static void test_config(void)
{
	char err[256];
	FILE *f = fopen("test_common.conf", "w");
	fputs("# a comment\nport = 9000\nrun_cpu_s = 3\n", f);
	fclose(f);
	unsetenv("VERDICT_PORT"); /* ./verdict exports it */
	unsetenv("VERDICT_NAME");
	setenv("VERDICT_CONFIG", "test_common.conf", 1);
	setenv("VERDICT_RUN_CPU_S", "4", 1);
	char *argv[] = {"prog", "--name=judge-7", NULL};
	CHECK(config_load(keys, 2, argv, err, sizeof err) == 0);
	CHECK(config_long("port") == 9000);       /* file over default */
	CHECK(config_double("run_cpu_s") == 4);   /* environment over file */
	CHECK_STR(config_str("name"), "judge-7"); /* flag */
	char *argv2[] = {"prog", "--run-cpu-s", "5", NULL};
	CHECK(config_load(keys, 3, argv2, err, sizeof err) == 0);
	CHECK(config_double("run_cpu_s") == 5); /* flags over environment */
	char *argv3[] = {"prog", "--bogus=1", NULL};
	CHECK(config_load(keys, 2, argv3, err, sizeof err) != 0);
	CHECK(strstr(err, "bogus") != NULL);
	f = fopen("test_common.conf", "w");
	fputs("nonsense line\n", f);
	fclose(f);
	CHECK(config_load(keys, 1, argv, err, sizeof err) != 0);
	unsetenv("VERDICT_CONFIG");
	unsetenv("VERDICT_RUN_CPU_S");
	remove("test_common.conf");
	char *none[] = {"prog", NULL};
	config_load(keys, 1, none, err, sizeof err);
}

int main(void)
{
	test_ids();
	test_urls();
	test_utf8();
	test_config();
	return check_summary();
}
