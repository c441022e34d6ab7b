// expect: status=SV message~unshare
#define _GNU_SOURCE
#include <sched.h>
int main(void)
{
	return unshare(CLONE_NEWUSER);
}
