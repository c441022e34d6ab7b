// Deep recursion: the stack limit (SIGSEGV) or the memory limit, whichever
// comes first.
// expect: status=RTE|MLE
// opts: --memory 64 --stack 32
static int down(int n)
{
	volatile char pad[4096];
	pad[0] = (char)n;
	return down(n + 1) + pad[0];
}
int main(void)
{
	return down(0);
}
