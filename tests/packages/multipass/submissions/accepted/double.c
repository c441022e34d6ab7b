#include <stdio.h>
int main(void)
{
	long k, x;
	if (scanf("%ld %ld", &k, &x) != 2)
		return 1;
	printf("%ld\n", 2 * x);
	return 0;
}
