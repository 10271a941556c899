/*
 * sim_deadline: the time `ms` milliseconds from now on CLOCK_REALTIME, the
 * clock pthread_cond_timedwait() measures, as it takes it (seconds and
 * nanoseconds below one second). Used by the air client (sim_air.c) and by
 * ESP-NOW's POSIX wait (modules/espnow/sim/posix_wait.c).
 */

#ifndef SIM_DEADLINE_H
#define SIM_DEADLINE_H

#include <stdint.h>
#include <time.h>

static inline struct timespec sim_deadline(uint32_t ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	return until;
}

#endif
