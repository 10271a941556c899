/*
 * The simulator host's interface for native modules that are built only for
 * the simulator (such as modules/espnow/sim): the event loop's timers, file
 * watches, and the count of threads that will post to the machine.
 *
 * Threads: everything here runs on the JavaScript thread, except
 * modMessagePostToMachine (sim_xs.h), simLoopRetain and simLoopRelease, which
 * any thread may call.
 *
 * A native module that is built for other hosts too includes this file only
 * where it exists: #if __has_include("simHost.h").
 */

#ifndef __SIM_HOST__
#define __SIM_HOST__

#include "xs.h"

typedef void (*simTimerCallback)(xsMachine* the, void* refcon);
typedef void (*simWatchCallback)(xsMachine* the, void* refcon, int fd);

typedef struct simTimerRecord simTimerRecord, *simTimer;
struct simTimerRecord {
	simTimer next;
	double due;          /* milliseconds on simNow's clock */
	double interval;     /* 0 for a one-shot */
	simTimerCallback callback;
	void* refcon;
	uint8_t scheduled;
};

/* milliseconds of a monotonic clock */
extern double simNow(void);

/* Another thread will post (modMessagePostToMachine): keep the loop running. */
extern void simLoopRetain(xsMachine* the);
extern void simLoopRelease(xsMachine* the);

/* Something a device would wait for is open (a radio that may receive at any
   time): keep the loop running, as a device's main loop never ends, until the
   matching simLoopUnref(). A count, for the whole process (xsim runs one
   machine); JavaScript thread only. */
extern void simLoopRef(void);
extern void simLoopUnref(void);

/* Timers: the caller owns the record; scheduling it again moves it. */
extern void simTimerSchedule(xsMachine* the, simTimer timer, double delay, double interval);
extern void simTimerUnschedule(xsMachine* the, simTimer timer);

/* The callback runs on the JavaScript thread when fd is readable. */
extern void simWatchFD(xsMachine* the, int fd, simWatchCallback callback, void* refcon);
extern void simUnwatchFD(xsMachine* the, int fd);

#endif /* __SIM_HOST__ */
