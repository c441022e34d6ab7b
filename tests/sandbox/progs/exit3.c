// expect: status=RTE exit_code=3 signal=0
int main(void)
{
	return 3;
}
