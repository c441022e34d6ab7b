// Allocates and touches 512 MiB: over the limit with anything else it holds.
#include <cstdio>
#include <cstdlib>
#include <cstring>
int main()
{
	size_t n = 512ul << 20;
	char *p = (char *)malloc(n);
	if (!p) return 1;
	memset(p, 1, n);
	long s = 0;
	for (size_t i = 0; i < n; i += 4096) s += p[i];
	printf("%ld\n", s);
}
