// expect: status=TLE cpu_ms>=1000 message~CPU
// opts: --time 1 --wall 5
int main(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}
