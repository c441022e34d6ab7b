// 1 GiB of zero pages, all touched.
// expect: status=MLE
// opts: --memory 128 --time 5 --wall 10
static char big[1 << 30];
int main(void)
{
	for (unsigned long i = 0; i < sizeof big; i += 4096)
		big[i] = 1;
	return big[12345];
}
