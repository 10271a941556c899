/*
 * The event loop of the simulator host, on the JavaScript thread.
 *
 * One turn delivers, in this order: pending promise jobs, messages posted by
 * other threads, the earliest due timer, then waits in poll() for a watched
 * file, a post (the eventfd) or the next timer. After every callback the
 * promise jobs run, so a resolved promise is seen before the next event.
 *
 * The loop ends when nothing can happen any more: no timer, no watched file,
 * no message, no other thread that said (simLoopRetain) it will post, and no
 * native module that holds the loop open (simLoopRef: ESP-NOW while the radio
 * is on, as a device waits for frames for ever).
 *
 * Cross-thread state: only the message queue and the retain count, both under
 * host->mutex (the ref count is the JavaScript thread's). The eventfd wakes
 * poll(); a post is never lost because the queue is read after poll() returns
 * and before the next wait.
 */

#include "simPlatform.h"

#include <poll.h>
#include <sys/eventfd.h>

struct simMessageRecord {
	simMessage next;
	modMessageDeliver callback;
	void* refcon;
	uint16_t length;
	uint8_t data[];
};

/* poll() takes the wake eventfd plus at most this many watched files */
#define simMaxWatches 63

struct simWatchRecord {
	simWatch next;
	int fd;
	simWatchCallback callback;
	void* refcon;
};

double simNow(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1000.0) + ((double)ts.tv_nsec / 1000000.0);
}

static void simWake(simHostState host)
{
	uint64_t one = 1;
	ssize_t written = write(host->wakeFD, &one, sizeof(one));
	(void)written;	/* a full eventfd counter is already a pending wake */
}

int modMessagePostToMachine(void* the, uint8_t* message, uint16_t messageLength, modMessageDeliver callback, void* refcon)
{
	simHostState host = simGetHost(the);
	simMessage msg = malloc(sizeof(simMessageRecord) + messageLength);
	if (!msg)
		return -1;
	msg->next = NULL;
	msg->callback = callback;
	msg->refcon = refcon;
	msg->length = message ? messageLength : 0;
	if (message && messageLength)
		memcpy(msg->data, message, messageLength);
	pthread_mutex_lock(&host->mutex);
	if (host->lastMessage)
		host->lastMessage->next = msg;
	else
		host->firstMessage = msg;
	host->lastMessage = msg;
	pthread_mutex_unlock(&host->mutex);
	simWake(host);
	return 0;
}

int modMessagePostToMachineFromISR(void* the, modMessageDeliver callback, void* refcon)
{
	return modMessagePostToMachine(the, NULL, 0, callback, refcon);
}

void simLoopRetain(txMachine* the)
{
	simHostState host = simGetHost(the);
	pthread_mutex_lock(&host->mutex);
	host->retained++;
	pthread_mutex_unlock(&host->mutex);
}

void simLoopRelease(txMachine* the)
{
	simHostState host = simGetHost(the);
	pthread_mutex_lock(&host->mutex);
	host->retained--;
	pthread_mutex_unlock(&host->mutex);
	simWake(host);
}

/* one machine a process: the count is the process's */
static int gLoopRefs = 0;

void simLoopRef(void)
{
	gLoopRefs++;
}

void simLoopUnref(void)
{
	if (gLoopRefs > 0)
		gLoopRefs--;
}

void simTimerSchedule(txMachine* the, simTimer timer, double delay, double interval)
{
	simHostState host = simGetHost(the);
	simTimer* link;
	if (timer->scheduled)
		simTimerUnschedule(the, timer);
	timer->due = simNow() + (delay > 0 ? delay : 0);
	timer->interval = interval > 0 ? interval : 0;
	link = &host->timers;
	while (*link && ((*link)->due <= timer->due))
		link = &(*link)->next;
	timer->next = *link;
	*link = timer;
	timer->scheduled = 1;
}

void simTimerUnschedule(txMachine* the, simTimer timer)
{
	simHostState host = simGetHost(the);
	simTimer* link = &host->timers;
	while (*link) {
		if (*link == timer) {
			*link = timer->next;
			break;
		}
		link = &(*link)->next;
	}
	timer->next = NULL;
	timer->scheduled = 0;
}

void simWatchFD(txMachine* the, int fd, simWatchCallback callback, void* refcon)
{
	simHostState host = simGetHost(the);
	simWatch watch;
	int count = 0;
	for (watch = host->watches; watch; watch = watch->next)
		count++;
	if (count >= simMaxWatches)
		mxUnknownError("simWatchFD: at most %d watched files", simMaxWatches);
	watch = calloc(1, sizeof(simWatchRecord));
	if (!watch)
		fxAbort(the, XS_NOT_ENOUGH_MEMORY_EXIT);
	watch->fd = fd;
	watch->callback = callback;
	watch->refcon = refcon;
	watch->next = host->watches;
	host->watches = watch;
}

void simUnwatchFD(txMachine* the, int fd)
{
	simHostState host = simGetHost(the);
	simWatch* link = &host->watches;
	while (*link) {
		if ((*link)->fd == fd) {
			simWatch watch = *link;
			*link = watch->next;
			free(watch);
			return;
		}
		link = &(*link)->next;
	}
}

void fxQueuePromiseJobs(txMachine* the)
{
	simGetHost(the)->promiseJobs = 1;
}

void simRunPromiseJobs(txMachine* the)
{
	simHostState host = simGetHost(the);
	while (host->promiseJobs && !host->exiting) {
		host->promiseJobs = 0;
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
	/* As Node does: a rejection still unhandled once the jobs ran is reported. */
	if (!host->exiting)
		fxCheckUnhandledRejections(the, 1);
}

static int simDeliverMessages(txMachine* the, simHostState host)
{
	simMessage msg;
	pthread_mutex_lock(&host->mutex);
	msg = host->firstMessage;
	host->firstMessage = host->lastMessage = NULL;
	pthread_mutex_unlock(&host->mutex);
	if (!msg)
		return 0;
	while (msg) {
		simMessage next = msg->next;
		if (!host->exiting) {
			(*msg->callback)(the, msg->refcon, msg->length ? msg->data : NULL, msg->length);
			simRunPromiseJobs(the);
		}
		free(msg);
		msg = next;
	}
	return 1;
}

static int simFireTimer(txMachine* the, simHostState host)
{
	simTimer timer = host->timers;
	if (!timer || (timer->due > simNow()))
		return 0;
	/* Rescheduled (or unscheduled) before the callback, so that the callback can change it. */
	if (timer->interval > 0)
		simTimerSchedule(the, timer, timer->interval, timer->interval);
	else
		simTimerUnschedule(the, timer);
	(*timer->callback)(the, timer->refcon);
	simRunPromiseJobs(the);
	return 1;
}

static void simWait(txMachine* the, simHostState host, int timeout)
{
	struct pollfd fds[simMaxWatches + 1];
	simWatch watches[simMaxWatches + 1];
	int count = 1, i;
	simWatch watch;
	fds[0].fd = host->wakeFD;
	fds[0].events = POLLIN;
	for (watch = host->watches; watch; watch = watch->next) {
		fds[count].fd = watch->fd;
		fds[count].events = POLLIN;
		watches[count] = watch;
		count++;
	}
	if (poll(fds, count, timeout) <= 0)
		return;
	if (fds[0].revents & POLLIN) {
		uint64_t value;
		ssize_t got = read(host->wakeFD, &value, sizeof(value));
		(void)got;
	}
	for (i = 1; i < count; i++) {
		if (host->exiting)
			return;
		if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) {
			/* the watch may have been removed by an earlier callback of this turn */
			for (watch = host->watches; watch; watch = watch->next) {
				if (watch == watches[i]) {
					(*watch->callback)(the, watch->refcon, watch->fd);
					simRunPromiseJobs(the);
					break;
				}
			}
		}
	}
}

void simLoopRun(txMachine* the)
{
	simHostState host = simGetHost(the);
	for (;;) {
		int idle, timeout;
		simRunPromiseJobs(the);
		if (host->exiting)
			break;
		if (simDeliverMessages(the, host))
			continue;
		if (simFireTimer(the, host))
			continue;
		/* read together, so that a post followed by a release is never missed */
		pthread_mutex_lock(&host->mutex);
		idle = !host->retained && !host->firstMessage;
		pthread_mutex_unlock(&host->mutex);
		if (idle && !host->timers && !host->watches && !gLoopRefs)
			break;
		timeout = -1;
		if (host->timers) {
			double delta = host->timers->due - simNow();
			timeout = (delta <= 0) ? 0 : (int)ceil(delta);
		}
		simWait(the, host, timeout);
	}
}

/* Before the machine is deleted: forget timers, watches and messages, whose
   records belong to native modules and may be freed by destructors. */
void simLoopClear(txMachine* the)
{
	simHostState host = simGetHost(the);
	while (host->timers)
		simTimerUnschedule(the, host->timers);
	while (host->watches)
		simUnwatchFD(the, host->watches->fd);
	pthread_mutex_lock(&host->mutex);
	while (host->firstMessage) {
		simMessage next = host->firstMessage->next;
		free(host->firstMessage);
		host->firstMessage = next;
	}
	host->lastMessage = NULL;
	pthread_mutex_unlock(&host->mutex);
}
