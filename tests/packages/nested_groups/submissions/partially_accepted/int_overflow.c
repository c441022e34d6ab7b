/* int overflows past 46340: right on subtask1 and on one test of
 * subtask2, which accepts if any test is accepted: 40 + 20 points. */
#include <stdio.h>
int main(void)
{
	int n;
	if (scanf("%d", &n) != 1)
		return 1;
	printf("%d\n", n * n);
	return 0;
}
