/* The language table. A language is offered only when its toolchain is
 * installed; its version comes from the toolchain itself. */
#include "lang.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct lang langs[] = {
	{"c",
	 "C",
	 "main.c",
	 {"/usr/bin/gcc", "-std=gnu17", "-O2", "-pipe", "-static", "-o", "main", "main.c", "-lm", NULL},
	 {"{dir}/main", NULL},
	 "/usr/bin/gcc",
	 {"/usr/bin/gcc", "-dumpfullversion", NULL},
	 1.0,
	 0,
	 0,
	 0,
	 "gcc "},
	{"cpp",
	 "C++",
	 "main.cpp",
	 {"/usr/bin/g++", "-std=gnu++17", "-O2", "-pipe", "-static", "-o", "main", "main.cpp", NULL},
	 {"{dir}/main", NULL},
	 "/usr/bin/g++",
	 {"/usr/bin/g++", "-dumpfullversion", NULL},
	 1.0,
	 0,
	 0,
	 0,
	 "g++ "},
	{"python3",
	 "Python 3",
	 "main.py",
	 {"/usr/bin/python3", "-c",
	  "import sys, py_compile; py_compile.compile(sys.argv[1], cfile='/tmp/x.pyc', doraise=True)", "main.py", NULL},
	 {"/usr/bin/python3", "{dir}/main.py", NULL},
	 "/usr/bin/python3",
	 {"/usr/bin/python3", "--version", NULL},
	 2.0,
	 0,
	 0,
	 0,
	 ""},
	{"java",
	 "Java",
	 NULL,
	 {"/usr/bin/javac", "-encoding", "UTF-8", "-J-Xss64m", "{src}", NULL},
	 {"/usr/bin/java", "-Xmx{xmx}m", "-Xss64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
	  "-Xshare:auto", "-cp", "{dir}", "{main}", NULL},
	 "/usr/bin/javac",
	 {"/usr/bin/javac", "-version", NULL},
	 2.0,
	 64,
	 1,
	 0,
	 ""},
	{"javascript",
	 "JavaScript (Node.js)",
	 "main.js",
	 {"/usr/bin/node", "--check", "main.js", NULL},
	 {"/usr/bin/node", "{dir}/main.js", NULL},
	 "/usr/bin/node",
	 {"/usr/bin/node", "--version", NULL},
	 1.5,
	 32,
	 0,
	 0,
	 "node "},
};

#define NLANGS (int)(sizeof langs / sizeof langs[0])

void lang_detect(void)
{
	for (int i = 0; i < NLANGS; i++) {
		struct lang *l = &langs[i];
		l->available = access(l->probe, X_OK) == 0;
		if (!l->available)
			continue;
		/* Best effort: a missing version still leaves the language usable. */
		char cmd[512] = "";
		for (int k = 0; l->version_cmd[k]; k++) {
			strncat(cmd, l->version_cmd[k], sizeof cmd - strlen(cmd) - 2);
			strcat(cmd, " ");
		}
		strncat(cmd, "2>&1", sizeof cmd - strlen(cmd) - 1);
		FILE *p = popen(cmd, "r");
		char line[128] = "";
		if (p) {
			if (!fgets(line, sizeof line, p))
				line[0] = 0;
			pclose(p);
		}
		line[strcspn(line, "\r\n")] = 0;
		char prefix[16];
		snprintf(prefix, sizeof prefix, "%s", l->version);
		snprintf(l->version, sizeof l->version, "%s%.48s", prefix, line);
	}
}

const struct lang *lang_find(const char *id)
{
	for (int i = 0; i < NLANGS; i++)
		if (langs[i].available && !strcmp(langs[i].id, id))
			return &langs[i];
	return NULL;
}

int lang_count(void)
{
	return NLANGS;
}

const struct lang *lang_at(int i)
{
	return i >= 0 && i < NLANGS && langs[i].available ? &langs[i] : NULL;
}

static int ident_at(const char *p, char *out, size_t n)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	size_t k = 0;
	if (!(isalpha((unsigned char)*p) || *p == '_' || *p == '$'))
		return 0;
	while ((isalnum((unsigned char)p[k]) || p[k] == '_' || p[k] == '$') && k + 1 < n) {
		out[k] = p[k];
		k++;
	}
	out[k] = 0;
	return (int)k;
}

void lang_java_class(const char *code, char *out, size_t n)
{
	snprintf(out, n, "Main");
	/* The public top-level class names the file, so it must be the one. */
	for (const char *p = code; (p = strstr(p, "public")) != NULL; p += 6) {
		const char *q = p + 6;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || !strncmp(q, "final", 5) ||
		       !strncmp(q, "abstract", 8)) {
			if (!strncmp(q, "final", 5))
				q += 5;
			else if (!strncmp(q, "abstract", 8))
				q += 8;
			else
				q++;
		}
		if (!strncmp(q, "class", 5) && ident_at(q + 5, out, n))
			return;
	}
	/* Else the first class followed by a main method. */
	const char *m = strstr(code, "static void main");
	const char *best = NULL;
	for (const char *p = code; (p = strstr(p, "class")) != NULL && (!m || p < m); p += 5)
		if ((p == code || !isalnum((unsigned char)p[-1])) && (p[5] == ' ' || p[5] == '\t' || p[5] == '\n'))
			best = p;
	if (best && !ident_at(best + 5, out, n))
		snprintf(out, n, "Main");
}
