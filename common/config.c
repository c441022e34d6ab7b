#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX 128

static const struct config_key *config_keys;
static int config_n;
static char *config_vals[CONFIG_MAX];

static int config_find(const char *name)
{
	for (int i = 0; i < config_n; i++)
		if (!strcmp(config_keys[i].name, name))
			return i;
	return -1;
}

/* Flags may spell a key with dashes; keys use underscores. */
static void config_normalize(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

void config_set(const char *name, const char *value)
{
	int i = config_find(name);
	if (i < 0)
		return;
	free(config_vals[i]);
	config_vals[i] = value ? strdup(value) : NULL;
}

static int config_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot open config file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = 0;
		char *k = trim(s), *v = trim(eq + 1);
		config_normalize(k);
		if (config_find(k) < 0) {
			snprintf(err, errlen, "%s:%d: unknown key %s", path, lineno, k);
			fclose(f);
			return -1;
		}
		config_set(k, v);
	}
	fclose(f);
	return 0;
}

int config_load(const struct config_key *keys, int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 0; i < config_n; i++) { /* a second load starts afresh */
		free(config_vals[i]);
		config_vals[i] = NULL;
	}
	config_keys = keys;
	for (config_n = 0; keys[config_n].name && config_n < CONFIG_MAX; config_n++)
		config_vals[config_n] = keys[config_n].defval ? strdup(keys[config_n].defval) : NULL;

	const char *file = getenv("VERDICT_CONFIG");
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--config=", 9))
			file = argv[i] + 9;
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			file = argv[i + 1];
	}
	if (file && *file && config_file(file, err, errlen))
		return -1;

	for (int i = 0; i < config_n; i++) {
		char env[128] = "VERDICT_";
		size_t n = strlen(env);
		for (const char *p = keys[i].name; *p && n < sizeof env - 1; p++)
			env[n++] = (char)toupper((unsigned char)*p);
		env[n] = 0;
		const char *v = getenv(env);
		if (v)
			config_set(keys[i].name, v);
	}

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--", 2)) {
			snprintf(err, errlen, "unexpected argument %s", argv[i]);
			return -1;
		}
		char name[128];
		snprintf(name, sizeof name, "%s", argv[i] + 2);
		char *eq = strchr(name, '=');
		const char *val;
		if (eq) {
			*eq = 0;
			val = argv[i] + 2 + (eq - name) + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			snprintf(err, errlen, "flag --%s needs a value", name);
			return -1;
		}
		config_normalize(name);
		if (!strcmp(name, "config"))
			continue;
		if (config_find(name) < 0) {
			snprintf(err, errlen, "unknown flag --%s", name);
			return -1;
		}
		config_set(name, val);
	}
	return 0;
}

const char *config_str(const char *name)
{
	int i = config_find(name);
	return i < 0 ? NULL : config_vals[i];
}

long config_long(const char *name)
{
	const char *v = config_str(name);
	return v ? strtol(v, NULL, 10) : 0;
}

double config_double(const char *name)
{
	const char *v = config_str(name);
	return v ? strtod(v, NULL) : 0;
}

int config_bool(const char *name)
{
	const char *v = config_str(name);
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

void config_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--config=FILE] [--key=value ...]\n\nkeys (env VERDICT_KEY):\n", prog);
	for (int i = 0; i < config_n; i++)
		fprintf(stderr, "  --%-22s %s (default: %s)\n", config_keys[i].name, config_keys[i].help,
			config_keys[i].defval ? config_keys[i].defval : "unset");
}
