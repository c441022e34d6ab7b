// Accepts any two non-negative integers that sum to n.
#include <cstdio>
#include <fstream>
#include <iostream>
int main(int argc, char **argv) {
	if (argc < 4) return 1;
	std::ifstream in(argv[1]);
	long long n;
	in >> n;
	long long a, b;
	std::string fb = std::string(argv[3]) + "judgemessage.txt";
	FILE *msg = std::fopen(fb.c_str(), "w");
	if (!(std::cin >> a >> b)) { std::fprintf(msg, "expected two integers\n"); return 43; }
	std::string extra;
	if (std::cin >> extra) { std::fprintf(msg, "trailing output\n"); return 43; }
	if (a < 0 || b < 0 || a + b != n) { std::fprintf(msg, "%lld + %lld != %lld\n", a, b, n); return 43; }
	return 42;
}
