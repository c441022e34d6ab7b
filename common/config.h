/* Configuration: built-in defaults < file < environment < flags.
 *
 * Each process declares its keys in a table. A file holds "key = value"
 * lines (# comments); the environment variable of key "run_cpu_s" is
 * VERDICT_RUN_CPU_S; a flag is --run-cpu-s=2 or --run_cpu_s 2. The file is
 * named by --config=PATH or VERDICT_CONFIG. */
#ifndef VERDICT_CONFIG_H
#define VERDICT_CONFIG_H

#include <stddef.h>

struct config_key {
	const char *name;
	const char *defval; /* NULL: unset */
	const char *help;
};

/* Loads the table (borrowed, must outlive the config). 0, or -1 with why in err. */
int config_load(const struct config_key *keys, int argc, char **argv, char *err, size_t errlen);
/* Borrowed; NULL when unset. */
const char *config_str(const char *name);
long config_long(const char *name);
double config_double(const char *name);
int config_bool(const char *name);
/* Overrides a value (copied), e.g. a computed default. */
void config_set(const char *name, const char *value);
void config_usage(const char *prog);

#endif
