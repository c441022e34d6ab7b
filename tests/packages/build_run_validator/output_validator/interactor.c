/* Interactor built by the build script: guess the secret of the input in
 * 1..1000, each guess answered "lower", "higher" or "correct". A guess out
 * of range, or the end of the program's output, is a wrong answer. */
#include <stdio.h>

#ifndef LIMIT
#error "built by the build script, which says the range"
#endif

int main(int argc, char **argv)
{
	if (argc < 4)
		return 1;
	long secret, g;
	FILE *in = fopen(argv[1], "r");
	if (!in || fscanf(in, "%ld", &secret) != 1)
		return 1;
	char path[4096];
	snprintf(path, sizeof path, "%sjudgemessage.txt", argv[3]);
	FILE *msg = fopen(path, "w");
	for (long n = 1; n <= 100 * LIMIT; n++) {
		if (scanf("%ld", &g) != 1) {
			fprintf(msg, "the program stopped after %ld guesses\n", n - 1);
			return 43;
		}
		if (g < 1 || g > LIMIT) {
			fprintf(msg, "guess %ld is out of range\n", g);
			return 43;
		}
		puts(g < secret ? "higher" : g > secret ? "lower" : "correct");
		fflush(stdout);
		if (g == secret) {
			fprintf(msg, "found in %ld guesses\n", n);
			return 42;
		}
	}
	fprintf(msg, "too many guesses\n");
	return 43;
}
