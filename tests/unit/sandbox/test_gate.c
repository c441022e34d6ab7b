/* Unit test of the kind gate (sandbox/gate.c): processes of two kinds, as
 * judges' slots would be, never hold it at the same moment; processes of
 * one kind do; both kinds get through. */
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_harness.h"
#include "gate.h"

struct shared {
	atomic_int active[2], most[2], clashes, done[2], errors;
};

static void worker(struct shared *sh, const char *dir, int kind, unsigned seed)
{
	for (int i = 0; i < 40; i++) {
		int h = gate_enter(dir, kind);
		if (h < 0) {
			atomic_fetch_add(&sh->errors, 1);
			continue;
		}
		int n = atomic_fetch_add(&sh->active[kind], 1) + 1;
		if (atomic_load(&sh->active[!kind]))
			atomic_fetch_add(&sh->clashes, 1);
		int m = atomic_load(&sh->most[kind]);
		while (n > m && !atomic_compare_exchange_weak(&sh->most[kind], &m, n))
			;
		usleep(200 + rand_r(&seed) % 1500);
		if (atomic_load(&sh->active[!kind]))
			atomic_fetch_add(&sh->clashes, 1);
		atomic_fetch_sub(&sh->active[kind], 1);
		gate_leave(h);
		atomic_fetch_add(&sh->done[kind], 1);
		usleep(rand_r(&seed) % 300);
	}
}

int main(void)
{
	char dir[] = "/tmp/verdict-gate-test.XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	enum { N = 6 };
	for (int i = 0; i < N; i++) {
		if (fork() == 0) {
			worker(sh, dir, i % 2, (unsigned)i * 7919u + 1);
			_exit(0);
		}
	}
	for (int i = 0; i < N; i++)
		wait(NULL);
	printf("done %d+%d, most at once %d and %d, clashes %d\n", sh->done[0], sh->done[1], sh->most[0], sh->most[1],
	       sh->clashes);
	CHECK(sh->errors == 0);
	CHECK(sh->clashes == 0);                         /* never two kinds at once */
	CHECK(sh->done[0] == 120 && sh->done[1] == 120); /* neither starves */
	CHECK(sh->most[0] >= 2 && sh->most[1] >= 2);     /* one kind side by side */
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return check_summary();
}
