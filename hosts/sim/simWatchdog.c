/*
 * The task watchdog of an ESP32 running Moddable: a JavaScript task that has
 * not gone back to its event loop for N seconds (ESPNOW_WATCHDOG; unset or 0:
 * off; espnow-sim run sets 5, its --watchdog) is reported with where it is,
 * and the node ends, as the chip would reset. The time counted is the JavaScript thread's CPU time: a task waiting
 * in a blocking call (recv with a timeout, a sync send) lets the device's idle
 * task run, which feeds the watchdog, and uses no CPU here either. XS's meter
 * calls simWatchdogCheck every few thousand steps of a running script; the
 * event loop feeds the watchdog each time it waits or starts a callback
 * (simLoop.c). A feed only counts: reading a thread's CPU clock is a system
 * call, and the loop feeds several times a message. The check that first
 * sees a new count starts the time from there, so a task is reported at
 * most one check (simWatchdogSteps steps, well under a millisecond) late.
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "simPlatform.h"

void simWatchdogStart(txMachine* the);
void simWatchdogFeed(void);

#define simWatchdogSteps 20000

static double gLimit = 0;
static unsigned gFeeds = 0;     /* bumped by each feed */
static unsigned gCounted = 0;   /* the feeds the last check saw */
static double gFed = 0;         /* the thread's CPU seconds at that check */

static double simThreadSeconds(void)
{
	struct timespec now;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0)
		return 0;
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static txBoolean simWatchdogCheck(txMachine* the, txU4 index)
{
	txSlot* frame;
	double now = simThreadSeconds();
	(void)index;
	if (gCounted != gFeeds) {
		gCounted = gFeeds;
		gFed = now;
		return 1;
	}
	if (now - gFed <= gLimit)
		return 1;
	fprintf(stderr, "xsim: task watchdog: the JavaScript task has not returned to its event loop for %g s (an ESP32's task watchdog would reset the chip); it is at:\n", gLimit);
	for (frame = the->frame; frame && frame->next; frame = frame->next) {
		txSlot* environment = mxFrameToEnvironment(frame);
		txSlot* function = frame + 3;
		const char* name = "<anonymous>";
		if ((function->kind == XS_REFERENCE_KIND) && mxIsFunction(function->value.reference)) {
			txSlot* code = mxFunctionInstanceCode(function->value.reference);
			if (code->ID != XS_NO_ID && *fxGetKeyName(the, code->ID))
				name = fxGetKeyName(the, code->ID);
		}
		if (environment->ID != XS_NO_ID)
			fprintf(stderr, "    at %s (%s:%d)\n", name, fxGetKeyName(the, environment->ID), (int)environment->value.environment.line);
	}
	fflush(stderr);
	gLimit = 0;
	simExit(the, 1);
	return 1;
}

void simWatchdogStart(txMachine* the)
{
	const char* text = getenv("ESPNOW_WATCHDOG");
	char* end;
	double seconds = 0;
	if (text && *text) {
		seconds = strtod(text, &end);
		if (*end || !(seconds >= 0)) {
			fprintf(stderr, "xsim: ESPNOW_WATCHDOG: expected seconds (0: off), got %s\n", text);
			seconds = 0;
		}
	}
	gLimit = seconds;
	if (gLimit > 0) {
		gFed = simThreadSeconds();
		gCounted = gFeeds;
		fxBeginMetering(the, simWatchdogCheck, simWatchdogSteps);
	}
}

void simWatchdogFeed(void)
{
	gFeeds++;
}
