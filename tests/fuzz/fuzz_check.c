/* The default output validator: any team output against any answer, with
 * any flags. It answers yes or no with a printable message, never reads
 * outside either text, and accepts a team output equal to the answer. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *const tolerances[] = {"0", "1e-6", "1e-9", "0.5", "1e300", "1e-320", "nan", "inf", "-1"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t mode = data[0], tol = data[1];
	data += 2, size -= 2;
	json_object *args = json_object_new_array();
	if (mode & 1)
		json_object_array_add(args, json_object_new_string("case_sensitive"));
	if (mode & 2)
		json_object_array_add(args, json_object_new_string("space_change_sensitive"));
	if (mode & 4) {
		json_object_array_add(args, json_object_new_string("float_absolute_tolerance"));
		json_object_array_add(args, json_object_new_string(tolerances[(tol & 15) % 9]));
	}
	if (mode & 8) {
		json_object_array_add(args, json_object_new_string("float_relative_tolerance"));
		json_object_array_add(args, json_object_new_string(tolerances[(tol >> 4) % 9]));
	}
	struct check_flags f;
	char err[128];
	if (check_parse_flags(args, &f, err, sizeof err)) {
		json_object_put(args);
		return 0;
	}
	json_object_put(args);
	/* Team output and answer, split at the first NUL; each in a buffer of
	 * its own size exactly, so ASan sees any read past either. */
	const uint8_t *cut = memchr(data, 0, size);
	size_t tn = cut ? (size_t)(cut - data) : size, an = cut ? size - tn - 1 : 0;
	char *team = malloc(tn ? tn : 1), *ans = malloc(an ? an : 1);
	memcpy(team, data, tn);
	if (an)
		memcpy(ans, cut + 1, an);
	char msg[256];
	memset(msg, 'x', sizeof msg);
	int rc = check_default(team, tn, ans, an, &f, msg, sizeof msg);
	if (rc != 0 && rc != 1)
		abort();
	if (!memchr(msg, 0, sizeof msg))
		abort();
	if (!rc)
		for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
			if (*p < 0x20 || *p >= 0x7f)
				abort(); /* the message goes to the contestant and to MySQL */
	/* The answer itself is always right. */
	char *copy = malloc(an ? an : 1);
	if (an)
		memcpy(copy, ans, an);
	if (check_default(copy, an, ans, an, &f, msg, sizeof msg) != 1)
		abort();
	free(copy);
	free(team);
	free(ans);
	return 0;
}
