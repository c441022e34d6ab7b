// 500 MiB touched and read back: inside 512 MiB, with room for the
// program itself.
#include <cstdio>
#include <cstdlib>
#include <cstring>
int main()
{
	long a, b;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	size_t n = 500ul << 20;
	volatile char *p = (volatile char *)malloc(n);
	if (!p)
		return 1;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (char)(i >> 12);
	long s = 0;
	for (size_t i = 0; i < n; i += 4096)
		s += p[i] != (char)(i >> 12);
	printf("%ld\n", a + b + s);
}
