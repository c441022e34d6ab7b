// Turning off ASLR is refused; the query is allowed.
// expect: status=SV message~personality
#include <sys/personality.h>
int main(void)
{
	if (personality(0xffffffff) < 0)
		return 3;
	return personality(ADDR_NO_RANDOMIZE);
}
