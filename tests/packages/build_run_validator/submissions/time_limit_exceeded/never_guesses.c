/* Never guesses: the interactor waits for it until the time limit. */
int main(void)
{
	for (;;)
		;
}
