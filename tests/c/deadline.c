/*
 * The simulator's waits measure the monotonic clock (sim_deadline.h): the
 * wall clock here is an hour ahead of the kernel's, as after an NTP step or a
 * user's `date -s` between computing a deadline and waiting for it. A wait of
 * 100 ms that measured CLOCK_REALTIME would then last an hour and one that
 * started an hour ahead would return at once; both must take about 100 ms.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "espnow_radio.h"

static long gRealtimeShift = 3600;	/* seconds the wall clock reads ahead */

/* This program's clock_gettime: CLOCK_REALTIME shifted; every other clock as the kernel has it. */
int clock_gettime(clockid_t clock, struct timespec *now)
{
	int result = (int)syscall(SYS_clock_gettime, clock, now);
	if ((0 == result) && (CLOCK_REALTIME == clock))
		now->tv_sec += gRealtimeShift;
	return result;
}

static double monotonicMs(void)
{
	struct timespec now;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static void onAlarm(int signal)
{
	(void)signal;
	static const char text[] = "a 100 ms wait still waits after 10 s: it measures the wall clock\n";
	ssize_t written = write(2, text, sizeof(text) - 1);
	(void)written;
	_exit(1);
}

static void a_timed_wait_lasts_its_time_whatever_the_wall_clock_says(void)
{
	for (int round = 0; round < 2; round++) {
		gRealtimeShift = round ? -3600 : 3600;
		double started = monotonicMs();
		CHECK(!espnow_radio_wait(100));
		double elapsed = monotonicMs() - started;
		CHECK(elapsed >= 99.0);
		CHECK(elapsed < 5000.0);
	}
}

static void a_signal_ends_a_wait(void)
{
	espnow_radio_signal();
	CHECK(espnow_radio_wait(60000));
	CHECK(!espnow_radio_wait(0));
}

int main(void)
{
	signal(SIGALRM, onAlarm);
	alarm(10);
	RUN(a_timed_wait_lasts_its_time_whatever_the_wall_clock_says);
	RUN(a_signal_ends_a_wait);
	return finish();
}
