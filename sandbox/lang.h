/* The languages a judge can compile and run, found at start. */
#ifndef VERDICT_LANG_H
#define VERDICT_LANG_H

#include <stddef.h>

#define LANG_ARGV 24

struct lang {
	const char *id, *name;
	const char *source;             /* file name of the code; NULL: found from the code (Java) */
	const char *compile[LANG_ARGV]; /* NULL-terminated; empty: nothing to compile */
	const char *env[8];             /* extra environment of compile and run, "K=V", NULL-terminated */
	const char *run[LANG_ARGV];     /* NULL-terminated */
	const char *probe;              /* this file must exist for the language to be offered */
	const char *version_cmd[4];     /* prints the version on its first line */
	double time_mult;               /* the run's CPU limit is multiplied by this */
	long extra_memory_mb;           /* added to the run's memory limit (a VM's own needs) */
	int inet_sockets;               /* the runtime opens (unconnectable) inet sockets at start: the JVM */
	int available;
	char version[64];
};

/* Placeholders in compile and run argv: {src} the source file, {main} the
 * class or program name, {xmx} the Java heap in MiB. */

void lang_detect(void);
const struct lang *lang_find(const char *id);
int lang_count(void);
const struct lang *lang_at(int i);
/* The Java class that holds main in code, by its full name: the public
 * class, else the first class declaring main, else "Main", after its
 * package ("bin.Main"). The source file is named by the part after the last
 * dot. Writes at most n bytes into out. */
void lang_java_class(const char *code, char *out, size_t n);
/* The source file a program of l is written to (src) and its main name
 * ("main", or the Java class found in code). */
void lang_source_name(const struct lang *l, const char *code, char *src, size_t srclen, char *main_name,
		      size_t mainlen);

#endif
