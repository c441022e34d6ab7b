/* problem.yaml and testdata.yaml: any text becomes JSON or a refusal with
 * a reason, in bounded time and memory (aliases included). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	json_object *o = pkg_yaml_to_json((const char *)data, size, err, sizeof err);
	if (!o && !err[0])
		abort(); /* a refusal says why */
	if (o) {
		size_t n = strlen(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		if (n > 32 * (100000 + 16 * size))
			abort(); /* an alias bomb expanded past the importer's bound */
	}
	json_object_put(o);
	return 0;
}
