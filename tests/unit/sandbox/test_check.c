/* Unit tests of the default output validator (sandbox/check.c). */
#include <string.h>

#include "check.h"
#include "check_harness.h"

static char last_msg[256];

static int run(const char *team, const char *ans, const char *flags)
{
	json_object *args = json_object_new_array();
	char buf[256];
	snprintf(buf, sizeof buf, "%s", flags);
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "))
		json_object_array_add(args, json_object_new_string(tok));
	struct check_flags f;
	char err[128], msg[256];
	int rc = check_parse_flags(args, &f, err, sizeof err);
	json_object_put(args);
	if (rc)
		return -1;
	rc = check_default(team, strlen(team), ans, strlen(ans), &f, msg, sizeof msg);
	snprintf(last_msg, sizeof last_msg, "%s", msg);
	return rc;
}

/* 1 when every byte of s is printable ASCII (or a tab or newline). */
static int plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x7f || ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t'))
			return 0;
	return 1;
}

int main(void)
{
	/* White space is free by default; tokens must match. */
	CHECK(run("1 2\n3\n", "1 2 3", "") == 1);
	CHECK(run("  1\t2\n\n3   ", "1 2 3\n", "") == 1);
	CHECK(run("1 2", "1 2 3", "") == 0);
	CHECK(run("1 2 3 4", "1 2 3", "") == 0);
	CHECK(run("", "", "") == 1);
	CHECK(run("\n\n", "", "") == 1);
	/* Case: insensitive unless asked. */
	CHECK(run("YES", "yes", "") == 1);
	CHECK(run("YES", "yes", "case_sensitive") == 0);
	/* Space changes. */
	CHECK(run("1  2\n", "1 2\n", "space_change_sensitive") == 0);
	CHECK(run("1 2\n", "1 2\n", "space_change_sensitive") == 1);
	CHECK(run("1 2", "1 2\n", "space_change_sensitive") == 0);
	/* Numbers: plain text without a tolerance, numbers with one. */
	CHECK(run("2.0e2", "200", "") == 0);
	CHECK(run("2.0e2", "200", "float_tolerance 1e-9") == 1);
	CHECK(run("0.3333333", "0.333333333", "float_absolute_tolerance 1e-6") == 1);
	CHECK(run("0.33", "0.333333333", "float_absolute_tolerance 1e-6") == 0);
	CHECK(run("1000001", "1000000", "float_relative_tolerance 1e-6") == 1);
	CHECK(run("1000002", "1000000", "float_relative_tolerance 1e-6") == 0);
	CHECK(run("abc", "1.5", "float_tolerance 1e-3") == 0);
	CHECK(run("x 1.5004", "x 1.5", "float_tolerance 1e-3") == 1);
	CHECK(run("inf", "1.0", "float_tolerance 1") == 0);
	/* The message quotes what the program wrote as plain text: bytes that
	 * are not printable ASCII as \xNN, a long token cut. */
	CHECK(run("\xff\xfe\xfd\xff\xfe\xfd", "3", "") == 0);
	CHECK(plain(last_msg) && strstr(last_msg, "'\\xff\\xfe\\xfd"));
	char longtok[200];
	memset(longtok, 0x80, sizeof longtok - 1);
	longtok[sizeof longtok - 1] = 0;
	CHECK(run(longtok, "3", "") == 0);
	CHECK(plain(last_msg) && strstr(last_msg, "...'"));
	/* Found by fuzz_check: a number too large for a double is still equal
	 * to itself (inf - inf is not a difference), and not to another one. */
	CHECK(run("2e19191", "2e19191", "float_absolute_tolerance 0") == 1);
	CHECK(run("1e999", "2e999", "float_tolerance 1e-6") == 0);
	CHECK(run("-1e999", "-1e999", "float_relative_tolerance 1e-9") == 1);
	/* Bad flags are the problem's fault, not the submission's. */
	CHECK(run("1", "1", "float_tolerance") == -1);
	CHECK(run("1", "1", "bogus_flag") == -1);
	return check_summary();
}
