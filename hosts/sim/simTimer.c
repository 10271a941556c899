/*
 * Moddable's timer module for the simulator: Timer.set, repeat, schedule,
 * clear and delay (binding: modules/timer.js).
 *
 * A timer is a host object whose record holds the callback. While the timer
 * is scheduled or running, the record remembers the callback and the object
 * itself, so neither is collected; a fired one-shot or a cleared timer forgets
 * them, and the destructor frees the record once JavaScript drops the object.
 *
 * Error messages have no "Timer.set:" prefix: XS adds the function's name.
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

static double modTimerMilliseconds(xsMachine* the, int i)
{
	double value;
	if ((xsToInteger(xsArgc) <= i) || xsTest(xsArg(i)) == 0)
		return 0;
	value = xsToNumber(xsArg(i));
	if (isnan(value) || (value < 0))
		xsRangeError("milliseconds must be 0 or more");
	return value;
}

static void modTimerStart(xsMachine* the, double interval, double repeat)
{
	modTimer timer;
	if ((xsToInteger(xsArgc) < 1) || !xsIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("callback must be a function");
	timer = calloc(1, sizeof(modTimerRecord));
	if (!timer)
		xsUnknownError("not enough memory");
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
	double interval = modTimerMilliseconds(the, 1);
	double repeat = modTimerMilliseconds(the, 2);
	modTimerStart(the, interval, repeat);
}

void xs_timer_repeat(xsMachine* the)
{
	double interval = modTimerMilliseconds(the, 1);
	modTimerStart(the, interval, interval);
}

static modTimer modTimerArgument(xsMachine* the)
{
	xsVars(1);
	xsVar(0) = xsGet(xsThis, xsID("prototype"));
	if ((xsToInteger(xsArgc) < 1) || !xsIsInstanceOf(xsArg(0), xsVar(0)))
		xsTypeError("expected a timer from Timer.set or Timer.repeat");
	return xsGetHostDataValidate(xsArg(0), xs_timer_destructor);
}

void xs_timer_schedule(xsMachine* the)
{
	modTimer timer = modTimerArgument(the);
	double interval = modTimerMilliseconds(the, 1);
	double repeat = modTimerMilliseconds(the, 2);
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
	timer = modTimerArgument(the);
	simTimerUnschedule(the, &timer->timer);
	if (!timer->running)
		modTimerForget(the, timer);
}

void xs_timer_delay(xsMachine* the)
{
	double milliseconds = modTimerMilliseconds(the, 0);
	struct timespec ts;
	ts.tv_sec = (time_t)(milliseconds / 1000);
	ts.tv_nsec = (long)((milliseconds - (double)ts.tv_sec * 1000) * 1000000);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
