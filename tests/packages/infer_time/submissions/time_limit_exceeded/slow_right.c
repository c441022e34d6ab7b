/* Right, after 1.7 s of CPU on every test. */
#include <stdio.h>
#include <time.h>
int main(void)
{
	long a, b;
	volatile unsigned long spin = 0;
	if (scanf("%ld %ld", &a, &b) != 2)
		return 1;
	while (clock() < (clock_t)(1.7 * CLOCKS_PER_SEC))
		spin++;
	printf("%ld\n", a + b);
	return 0;
}
