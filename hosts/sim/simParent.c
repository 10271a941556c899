/*
 * A node ends with the program that started it (espnow-sim, a test), even
 * when that program is killed outright and cannot stop its nodes: the
 * launcher puts its pid in ESPNOW_SIM_PARENT. On Linux the kernel sends the
 * node SIGTERM when its parent dies (PR_SET_PDEATHSIG); elsewhere (macOS and
 * other POSIX systems) a thread watches for the node being reparented.
 * Either way, a parent that died before the watch began is caught at once.
 */

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

void simParentWatch(void);

#ifndef __linux__
static pid_t gParent;

static void* simParentPoll(void* unused)
{
	const struct timespec pause = { 0, 100 * 1000 * 1000 };
	(void)unused;
	while (getppid() == gParent)
		nanosleep(&pause, NULL);
	kill(getpid(), SIGTERM);
	return NULL;
}
#endif

void simParentWatch(void)
{
	const char* text = getenv("ESPNOW_SIM_PARENT");
	char* end;
	long parent;
	if (!text || !*text)
		return;
	parent = strtol(text, &end, 10);
	if (*end || parent <= 1)
		return;
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#else
	{
		pthread_t thread;
		gParent = (pid_t)parent;
		if (pthread_create(&thread, NULL, simParentPoll, NULL) == 0)
			pthread_detach(thread);
	}
#endif
	if (getppid() != (pid_t)parent)
		kill(getpid(), SIGTERM);
}
