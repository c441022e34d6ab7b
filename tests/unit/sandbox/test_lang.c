/* Unit tests of the language table: Java's main class. */
#include "check_harness.h"
#include "lang.h"

static void java(const char *code, const char *want)
{
	char out[128];
	lang_java_class(code, out, sizeof out);
	if (strcmp(out, want))
		fprintf(stderr, "java class of [%s]: got %s, want %s\n", code, out, want);
	CHECK_STR(out, want);
}

int main(void)
{
	java("public class Solution { public static void main(String[] a) {} }", "Solution");
	java("import java.util.*;\npublic final class X1 {}", "X1");
	java("class Helper {}\nclass Prog { public static void main(String[] a) {} }", "Prog");
	java("class Only { static void main(String[] a) {} }", "Only");
	java("interface I {}", "Main");
	java("", "Main");
	java("package bin;\nclass Main { public static void main(String[] a) {} }", "bin.Main");
	java("// a solution\n/* by us */\npackage a.b_c ;\nimport java.io.*;\npublic class Sol {}", "a.b_c.Sol");
	java("class Main { String s = \"package x;\"; }", "Main");
	return check_summary();
}
