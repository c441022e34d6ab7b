/* Interactive multi-pass validator: pass k (counted in the feedback
 * directory, which persists across passes) says k + base, where base comes
 * from the input file, and wants its square back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *open_in(const char *dir, const char *name, const char *mode)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s", dir, name);
	return fopen(path, mode);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 1;
	long base = 0, k = 1;
	FILE *in = fopen(argv[1], "r");
	if (!in || fscanf(in, "%ld", &base) != 1)
		return 1;
	fclose(in);
	FILE *st = open_in(argv[3], "pass", "r");
	if (st) {
		if (fscanf(st, "%ld", &k) != 1)
			return 1;
		fclose(st);
	}
	long q = base + k, got;
	printf("%ld\n", q);
	fflush(stdout);
	FILE *msg = open_in(argv[3], "judgemessage.txt", "a");
	if (scanf("%ld", &got) != 1 || got != q * q) {
		fprintf(msg, "pass %ld: wrong answer for %ld\n", k, q);
		return 43;
	}
	fprintf(msg, "pass %ld: ok\n", k);
	if (k < 2) {
		st = open_in(argv[3], "pass", "w");
		fprintf(st, "%ld\n", k + 1);
		fclose(st);
		FILE *next = open_in(argv[3], "nextpass.in", "w");
		fprintf(next, "%ld\n", k + 1);
		fclose(next);
	}
	return 42;
}
