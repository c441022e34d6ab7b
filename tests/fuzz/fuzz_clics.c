/* CLICS times and ids: any bytes are refused or parsed, and what is parsed
 * writes back to a text that parses to the same instant. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clics_time.h"
#include "server.h"
#include "util.h"
#include "problems.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	long long ms, again;
	char buf[64];
	if (!clics_parse_reltime(s, 1, &ms)) {
		clics_reltime(buf, sizeof buf, ms);
		if (clics_parse_reltime(buf, 1, &again) || again != ms)
			abort();
	}
	if (!clics_parse_reltime(s, 0, &ms) && ms < 0)
		abort();
	if (!clics_parse_abstime(s, &ms)) {
		if (ms < 0)
			abort();
		clics_abstime(buf, sizeof buf, ms);
		if (clics_parse_abstime(buf, &again) || again != ms)
			abort();
	}
	/* Ids: whatever is valid is short and of the safe alphabet. */
	if (problem_id_valid(s) && (strlen(s) > 64 || strpbrk(s, "/.%' \"\\")))
		abort();
	if (util_id_valid(s, 16) && strlen(s) > 16)
		abort();
	if (username_valid(s) && (strlen(s) < 3 || strlen(s) > 32 || strpbrk(s, "/%' \"\\")))
		abort();
	free(s);
	return 0;
}
