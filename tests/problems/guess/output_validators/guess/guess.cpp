// Interactive validator: the secret n (1..1000) is in the input file. The
// program prints guesses, one per line; the validator answers "<", ">" or
// "=". More than 10 guesses, or a guess out of range, is a wrong answer.
#include <cstdio>
#include <fstream>
#include <string>
int main(int argc, char **argv) {
	if (argc < 4) return 1;
	std::ifstream in(argv[1]);
	int n;
	in >> n;
	std::string fb = std::string(argv[3]) + "judgemessage.txt";
	FILE *msg = std::fopen(fb.c_str(), "w");
	for (int tries = 1; tries <= 10; tries++) {
		int g;
		if (std::scanf("%d", &g) != 1) { std::fprintf(msg, "no guess\n"); return 43; }
		if (g < 1 || g > 1000) { std::fprintf(msg, "guess %d out of range\n", g); return 43; }
		if (g == n) { std::printf("=\n"); std::fflush(stdout); std::fprintf(msg, "found in %d\n", tries); return 42; }
		std::printf(g < n ? "<\n" : ">\n");
		std::fflush(stdout);
	}
	std::fprintf(msg, "too many guesses\n");
	return 43;
}
