/*
 * espnow_radio_wait and espnow_radio_signal with POSIX threads: a binary
 * semaphore made of a mutex, a condition and a flag. The simulator's glue
 * uses it; so does any glue whose radio task is a pthread.
 */

#include "espnow_radio.h"

#include <pthread.h>
#include <time.h>

static pthread_mutex_t gWaitMutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gWaitCondition = PTHREAD_COND_INITIALIZER;
static bool gSignalled = false;

bool espnow_radio_wait(int32_t timeoutMs)
{
	struct timespec until;
	bool signalled;
	clock_gettime(CLOCK_REALTIME, &until);
	if (timeoutMs >= 0) {
		until.tv_sec += timeoutMs / 1000;
		until.tv_nsec += (long)(timeoutMs % 1000) * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
	}
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
