/* A tiny test harness: CHECK records a failure and goes on; main returns
 * the summary. Each unit test is its own process (ctest runs them apart). */
#ifndef VERDICT_CHECK_HARNESS_H
#define VERDICT_CHECK_HARNESS_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (cond) {                                                                      \
			check_passed++;                                                          \
		} else {                                                                         \
			check_failed++;                                                          \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)
#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
