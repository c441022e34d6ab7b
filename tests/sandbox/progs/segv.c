// expect: status=RTE signal=11 exit_code=-1
#include <stddef.h>
int main(void)
{
	volatile int *p = NULL;
	*p = 1;
	return 0;
}
