// A plain program: the box must run it and count its output.
// expect: status=OK exit_code=0 signal=0 stdout_bytes=6
#include <stdio.h>
int main(void)
{
	printf("hello\n");
	return 0;
}
