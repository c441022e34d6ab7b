/* The language table. A language is offered only when its toolchain is
 * installed; its version comes from the toolchain itself. */
#include "lang.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* clang-format off */
static struct lang langs[] = {
	{.id = "c", .name = "C", .source = "main.c",
	 .compile = {"/usr/bin/gcc", "-std=gnu17", "-O2", "-pipe", "-static", "-o", "main", "main.c", "-lm", NULL},
	 .run = {"{dir}/main", NULL},
	 .probe = "/usr/bin/gcc", .version_cmd = {"/usr/bin/gcc", "-dumpfullversion", NULL},
	 .time_mult = 1.0, .version = "gcc "},
	{.id = "cpp", .name = "C++", .source = "main.cpp",
	 .compile = {"/usr/bin/g++", "-std=gnu++17", "-O2", "-pipe", "-static", "-o", "main", "main.cpp", NULL},
	 .run = {"{dir}/main", NULL},
	 .probe = "/usr/bin/g++", .version_cmd = {"/usr/bin/g++", "-dumpfullversion", NULL},
	 .time_mult = 1.0, .version = "g++ "},
	{.id = "python3", .name = "Python 3", .source = "main.py",
	 .compile = {"/usr/bin/python3", "-c",
		     "import sys, py_compile; py_compile.compile(sys.argv[1], cfile='/tmp/x.pyc', doraise=True)",
		     "main.py", NULL},
	 .run = {"/usr/bin/python3", "{dir}/main.py", NULL},
	 .probe = "/usr/bin/python3", .version_cmd = {"/usr/bin/python3", "--version", NULL},
	 .time_mult = 2.0},
	{.id = "java", .name = "Java", .source = NULL,
	 /* -d .: a class in a package lands in its package's directory. */
	 .compile = {"/usr/bin/javac", "-encoding", "UTF-8", "-J-Xss64m", "-d", ".", "{src}", NULL},
	 .run = {"/usr/bin/java", "-Xmx{xmx}m", "-Xss64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
		 "-XX:-UsePerfData", "-Xshare:auto", "-cp", "{dir}", "{main}", NULL},
	 .probe = "/usr/bin/javac", .version_cmd = {"/usr/bin/javac", "-version", NULL},
	 .time_mult = 2.0, .extra_memory_mb = 64, .inet_sockets = 1},
	{.id = "javascript", .name = "JavaScript (Node.js)", .source = "main.js",
	 .compile = {"/usr/bin/node", "--check", "main.js", NULL},
	 .run = {"/usr/bin/node", "{dir}/main.js", NULL},
	 .probe = "/usr/bin/node", .version_cmd = {"/usr/bin/node", "--version", NULL},
	 .time_mult = 1.5, .extra_memory_mb = 32, .version = "node "},
	/* Offered only where their toolchains are installed from Debian. */
	{.id = "go", .name = "Go", .source = "main.go",
	 .compile = {"/usr/bin/go", "build", "-o", "main", "main.go", NULL},
	 .env = {"GOCACHE=/tmp/gocache", "GOPATH=/tmp/go", "GO111MODULE=off", "CGO_ENABLED=0", NULL},
	 .run = {"{dir}/main", NULL},
	 .probe = "/usr/bin/go", .version_cmd = {"/usr/bin/go", "version", NULL},
	 .time_mult = 1.0},
	{.id = "rust", .name = "Rust", .source = "main.rs",
	 .compile = {"/usr/bin/rustc", "--edition=2021", "-O", "-o", "main", "main.rs", NULL},
	 .run = {"{dir}/main", NULL},
	 .probe = "/usr/bin/rustc", .version_cmd = {"/usr/bin/rustc", "--version", NULL},
	 .time_mult = 1.0},
	{.id = "kotlin", .name = "Kotlin", .source = "main.kt",
	 .compile = {"/usr/bin/kotlinc", "main.kt", "-include-runtime", "-d", "main.jar", NULL},
	 .run = {"/usr/bin/java", "-Xmx{xmx}m", "-Xss64m", "-XX:+UseSerialGC", "-jar", "{dir}/main.jar", NULL},
	 .probe = "/usr/bin/kotlinc", .version_cmd = {"/usr/bin/kotlinc", "-version", NULL},
	 .time_mult = 2.0, .extra_memory_mb = 64, .inet_sockets = 1},
	{.id = "pascal", .name = "Pascal (Free Pascal)", .source = "main.pas",
	 /* -n: no /etc/fpc.cfg in the box; fpc expands the unit path's macros. */
	 .compile = {"/usr/bin/fpc", "-n", "-O2", "-Xs", "-Fu/usr/lib/x86_64-linux-gnu/fpc/$fpcversion/units/$fpctarget/*",
		     "-omain", "main.pas", NULL},
	 .run = {"{dir}/main", NULL},
	 .probe = "/usr/bin/fpc", .version_cmd = {"/usr/bin/fpc", "-iV", NULL},
	 .time_mult = 1.0, .version = "fpc "},
};
/* clang-format on */

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

/* The package a Java source declares ("package a.b;" before any class),
 * skipping comments; "" when none. */
static void java_package(const char *p, char *out, size_t n)
{
	out[0] = 0;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '/') {
			p = strchr(p, '\n');
			if (!p)
				return;
		} else if (p[0] == '/' && p[1] == '*') {
			p = strstr(p + 2, "*/");
			if (!p)
				return;
			p += 2;
		} else {
			break;
		}
	}
	if (strncmp(p, "package", 7) || !isspace((unsigned char)p[7]))
		return;
	p += 7;
	while (isspace((unsigned char)*p))
		p++;
	size_t k = 0;
	while ((isalnum((unsigned char)p[k]) || p[k] == '_' || p[k] == '$' || p[k] == '.') && k + 1 < n) {
		out[k] = p[k];
		k++;
	}
	out[k] = 0;
	const char *q = p + k;
	while (isspace((unsigned char)*q))
		q++;
	if (*q != ';')
		out[0] = 0;
}

static void java_simple_class(const char *code, char *out, size_t n);

void lang_java_class(const char *code, char *out, size_t n)
{
	char pkg[128], cls[128];
	java_package(code, pkg, sizeof pkg);
	java_simple_class(code, cls, sizeof cls);
	if (pkg[0])
		snprintf(out, n, "%s.%s", pkg, cls);
	else
		snprintf(out, n, "%s", cls);
}

static void java_simple_class(const char *code, char *out, size_t n)
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

void lang_source_name(const struct lang *l, const char *code, char *src, size_t srclen, char *main_name, size_t mainlen)
{
	snprintf(main_name, mainlen, "main");
	if (l->source) {
		snprintf(src, srclen, "%s", l->source);
		return;
	}
	lang_java_class(code, main_name, mainlen);
	const char *dot = strrchr(main_name, '.');
	snprintf(src, srclen, "%s.java", dot ? dot + 1 : main_name);
}
