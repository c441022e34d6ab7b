// abort() must kill the program: it would not if the program were pid 1 of
// its namespace, where signals without a handler are ignored.
// expect: status=RTE signal=6
#include <stdlib.h>
int main(void)
{
	abort();
}
