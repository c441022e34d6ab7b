// A kept box (--keep) serves the next run only when the last one left
// nothing: each run finds no file in /tmp or /box and no System V IPC
// object, then leaves one of the kind it is given. No box may be reused,
// and every run must find a clean one.
// opts: --repeat 3 --keep
// each: tmp box shm sem msg
// expect: OK=3 reused=0
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

static int empty(const char *dir)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", dir);
	return system(cmd) == 0;
}

int main(int argc, char **argv)
{
	struct shm_info shm;
	struct seminfo sem;
	struct msginfo msg;
	if (argc != 2 || !empty("/tmp") || !empty("/box"))
		return 3;
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&shm) < 0 || shm.used_ids || semctl(0, 0, SEM_INFO, &sem) < 0 ||
	    sem.semusz || msgctl(0, MSG_INFO, (struct msqid_ds *)&msg) < 0 || msg.msgpool)
		return 4;
	const char *kind = argv[1];
	if (!strcmp(kind, "tmp") || !strcmp(kind, "box")) {
		char path[32];
		snprintf(path, sizeof path, "/%s/left", kind);
		int fd = open(path, O_WRONLY | O_CREAT, 0600);
		return fd < 0 ? 5 : 0;
	}
	if (!strcmp(kind, "shm"))
		return shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600) < 0 ? 5 : 0;
	if (!strcmp(kind, "sem"))
		return semget(IPC_PRIVATE, 1, IPC_CREAT | 0600) < 0 ? 5 : 0;
	if (!strcmp(kind, "msg"))
		return msgget(IPC_PRIVATE, IPC_CREAT | 0600) < 0 ? 5 : 0;
	return 2;
}
