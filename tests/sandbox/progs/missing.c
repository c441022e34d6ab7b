// The program does not exist in the box: a judge error, with why.
// expect: status=JE message~cannot.execute
// cmd: /progs/does-not-exist
int main(void)
{
	return 0;
}
