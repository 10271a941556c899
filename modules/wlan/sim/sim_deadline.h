/*
 * sim_deadline: waits with a deadline on CLOCK_MONOTONIC, so that a change of
 * the wall clock (NTP, a user, a suspended laptop's catch-up) neither ends a
 * wait early nor stretches it by the step. Used by the air client
 * (sim_air.c) and by ESP-NOW's POSIX wait (modules/espnow/sim/posix_wait.c).
 *
 * pthread_cond_timedwait() measures its deadline on the condition's clock,
 * CLOCK_REALTIME unless the condition was made with sim_cond_init().
 */

#ifndef SIM_DEADLINE_H
#define SIM_DEADLINE_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

/* A condition whose timed waits measure CLOCK_MONOTONIC. Returns 0 or an errno. */
static inline int sim_cond_init(pthread_cond_t *condition)
{
	pthread_condattr_t attributes;
	int error = pthread_condattr_init(&attributes);
	if (error)
		return error;
	error = pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	if (!error)
		error = pthread_cond_init(condition, &attributes);
	pthread_condattr_destroy(&attributes);
	return error;
}

/* The time `ms` milliseconds from now on CLOCK_MONOTONIC, as
   pthread_cond_timedwait() takes it for a sim_cond_init() condition
   (seconds, and nanoseconds below one second). */
static inline struct timespec sim_deadline(uint32_t ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	return until;
}

#endif
