/*
 * espnow_radio_wait and espnow_radio_signal with POSIX threads: a binary
 * semaphore made of a mutex, a condition and a flag. The simulator's glue
 * uses it; so does any glue whose radio task is a pthread.
 */

#include "espnow_radio.h"
#include "../../wlan/sim/sim_deadline.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t gWaitMutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gWaitCondition;	/* on CLOCK_MONOTONIC: sim_deadline.h */
static bool gSignalled = false;

/* Before main, so before any thread can wait or signal. */
__attribute__((constructor)) static void initWait(void)
{
	if (sim_cond_init(&gWaitCondition))
		abort();	/* Linux always has CLOCK_MONOTONIC conditions */
}

bool espnow_radio_wait(int32_t timeoutMs)
{
	struct timespec until = sim_deadline(timeoutMs >= 0 ? (uint32_t)timeoutMs : 0);
	bool signalled;
	pthread_mutex_lock(&gWaitMutex);
	while (!gSignalled) {
		int error = timeoutMs < 0
			? pthread_cond_wait(&gWaitCondition, &gWaitMutex)
			: pthread_cond_timedwait(&gWaitCondition, &gWaitMutex, &until);
		if (error)
			break;
	}
	signalled = gSignalled;
	gSignalled = false;
	pthread_mutex_unlock(&gWaitMutex);
	return signalled;
}

void espnow_radio_signal(void)
{
	pthread_mutex_lock(&gWaitMutex);
	gSignalled = true;
	pthread_cond_signal(&gWaitCondition);
	pthread_mutex_unlock(&gWaitMutex);
}
