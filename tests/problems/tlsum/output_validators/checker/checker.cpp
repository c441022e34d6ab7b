// A testlib-style checker: argv is input, team output, answer.
#include "testlib.h"
int main(int argc, char **argv) {
	registerTestlibCmd(argc, argv);
	long long a, b, got;
	if (std::fscanf(inf, "%lld %lld", &a, &b) != 2) quitf(_fail, "bad input");
	if (std::fscanf(ouf, "%lld", &got) != 1) quitf(_pe, "expected a number");
	if (got != a + b) quitf(_wa, "wrong sum");
	quitf(_ok, "ok");
}
