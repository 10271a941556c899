/*
 * Moddable's timer module for the simulator: Timer.set, repeat, schedule,
 * clear and delay (binding: modules/timer.js).
 *
 * A timer is a host object whose record holds the callback. While the timer
 * is scheduled or running, the record remembers the callback and the object
 * itself, so neither is collected; a fired one-shot or a cleared timer forgets
 * them, and the destructor frees the record once JavaScript drops the object.
 */

#include "simHost.h"

typedef struct {
	simTimerRecord timer;	/* first: the loop's record is the timer's */
	xsSlot callback;
	xsSlot self;
	uint8_t remembered;
	uint8_t running;
} modTimerRecord, *modTimer;

void xs_timer_destructor(void* data)
{
	free(data);
}

static void modTimerForget(xsMachine* the, modTimer timer)
{
	if (timer->remembered) {
		timer->remembered = 0;
		xsForget(timer->callback);
		xsForget(timer->self);
	}
}

static void modTimerFire(xsMachine* the, void* refcon)
{
	modTimer timer = refcon;
	timer->running = 1;
	xsBeginHost(the);
	xsCallFunction1(timer->callback, xsUndefined, timer->self);
	xsEndHost(the);
	timer->running = 0;
	if (!timer->timer.scheduled)
		modTimerForget(the, timer);
}

static double modTimerMilliseconds(xsMachine* the, int i, const char* what)
{
	double value;
	if ((xsToInteger(xsArgc) <= i) || xsTest(xsArg(i)) == 0)
		return 0;
	value = xsToNumber(xsArg(i));
	if (isnan(value) || (value < 0))
		xsRangeError("Timer.%s: milliseconds must be 0 or more", what);
	return value;
}

static void modTimerStart(xsMachine* the, double interval, double repeat, const char* what)
{
	modTimer timer;
	if ((xsToInteger(xsArgc) < 1) || !xsIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("Timer.%s: callback must be a function", what);
	timer = calloc(1, sizeof(modTimerRecord));
	if (!timer)
		xsUnknownError("Timer.%s: not enough memory", what);
	xsVars(1);
	xsVar(0) = xsGet(xsThis, xsID("prototype"));
	xsResult = xsNewHostInstance(xsVar(0));
	xsSetHostData(xsResult, timer);
	timer->timer.callback = modTimerFire;
	timer->timer.refcon = timer;
	timer->callback = xsArg(0);
	timer->self = xsResult;
	xsRemember(timer->callback);
	xsRemember(timer->self);
	timer->remembered = 1;
	simTimerSchedule(the, &timer->timer, interval, repeat);
}

void xs_timer_set(xsMachine* the)
{
	double interval = modTimerMilliseconds(the, 1, "set");
	double repeat = modTimerMilliseconds(the, 2, "set");
	modTimerStart(the, interval, repeat, "set");
}

void xs_timer_repeat(xsMachine* the)
{
	double interval = modTimerMilliseconds(the, 1, "repeat");
	modTimerStart(the, interval, interval, "repeat");
}

static modTimer modTimerArgument(xsMachine* the, const char* what)
{
	if ((xsToInteger(xsArgc) < 1) || !xsIsInstanceOf(xsArg(0), xsGet(xsThis, xsID("prototype"))))
		xsTypeError("Timer.%s: expected a timer from Timer.set or Timer.repeat", what);
	return xsGetHostDataValidate(xsArg(0), xs_timer_destructor);
}

void xs_timer_schedule(xsMachine* the)
{
	modTimer timer = modTimerArgument(the, "schedule");
	double interval = modTimerMilliseconds(the, 1, "schedule");
	double repeat = modTimerMilliseconds(the, 2, "schedule");
	if (!timer->remembered) {
		xsRemember(timer->callback);
		xsRemember(timer->self);
		timer->remembered = 1;
	}
	simTimerSchedule(the, &timer->timer, interval, repeat);
}

void xs_timer_clear(xsMachine* the)
{
	modTimer timer;
	if ((xsToInteger(xsArgc) < 1) || !xsTest(xsArg(0)))
		return;
	timer = modTimerArgument(the, "clear");
	simTimerUnschedule(the, &timer->timer);
	if (!timer->running)
		modTimerForget(the, timer);
}

void xs_timer_delay(xsMachine* the)
{
	double milliseconds = modTimerMilliseconds(the, 0, "delay");
	struct timespec ts;
	ts.tv_sec = (time_t)(milliseconds / 1000);
	ts.tv_nsec = (long)((milliseconds - (double)ts.tv_sec * 1000) * 1000000);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
