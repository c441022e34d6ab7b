/* Both numbers within [-max, max]: max is 1000, or what --max says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	long max = 1000, a, b;
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--max"))
			max = atol(argv[i + 1]);
	if (scanf("%ld %ld", &a, &b) != 2) {
		printf("not two integers\n");
		return 43;
	}
	if (labs(a) > max || labs(b) > max) {
		printf("%ld or %ld is out of [-%ld, %ld]\n", a, b, max, max);
		return 43;
	}
	return 42;
}
