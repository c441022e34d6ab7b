/* Interactive validator: the secret is in the input file; each guess gets
 * "lower", "higher" or "correct". A guess outside 1..1000 is a wrong
 * answer at once; so is the end of the program's output. */
#include <stdio.h>

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
	for (long n = 1; n <= 100000; n++) {
		if (scanf("%ld", &g) != 1) {
			fprintf(msg, "the program stopped after %ld guesses\n", n - 1);
			return 43;
		}
		if (g < 1 || g > 1000) {
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
