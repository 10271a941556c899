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
 * Cross-thread state: only the message queue, the retain count and the
 * sleeping and woken flags, all under host->mutex (the ref count is the
 * JavaScript thread's). The eventfd wakes poll(). The loop reads the queue and
 * sets sleeping in one hold of the mutex before it waits, and waits only if
 * the queue was empty; a post or a release writes the eventfd only while
 * sleeping is set, once (woken), so a busy loop, which takes each record
 * without waiting, costs its posters no system call and itself no poll().
 * A post is never lost: it either came before the check, and the loop does
 * not wait, or after, and wakes it.
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

extern void simWatchdogFeed(void);

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

/* With host->mutex held, which fxDeleteMachinePlatform takes to close the
   eventfd: no wake writes into a closed, or reused, file descriptor. The
   eventfd never blocks (EFD_NONBLOCK). */
static void simWake(simHostState host)
{
	uint64_t one = 1;
	if ((host->wakeFD < 0) || !host->sleeping || host->woken)
		return;
	host->woken = 1;
	ssize_t written = write(host->wakeFD, &one, sizeof(one));
	(void)written;	/* a full eventfd counter is already a pending wake */
}

/*
 * The machine-message queue, as Moddable's device host has it
 * (xs/platforms/esp/xsHost.c, "messages"):
 *
 * - ESP32 (profile queueLength > 0): a FreeRTOS queue of
 *   MODDEF_TASK_QUEUELENGTH records. A post into a full queue waits
 *   MODDEF_TASK_QUEUEWAIT: for ever in a release build (queueDebug 0), 20
 *   ticks in a debug build (queueDebug 1), then fails with -2. A tick is a
 *   millisecond: CONFIG_FREERTOS_HZ=1000 in every
 *   build/devices/esp32/xsProj-esp32*\/sdkconfig.defaults. The payload is
 *   copied into the record when it fits in a pointer (4 bytes on the device),
 *   else into a malloc'd block: deviceMallocs counts those.
 *   modMessagePostToMachineFromISR never waits: -1 when full.
 * - ESP8266 (queueLength 0): a linked list with no bound, one malloc a post.
 *
 * Only the JavaScript thread takes records, so a post from that thread into
 * its own full queue can never get a place: a release build hangs there for
 * ever. The simulator says so and fails the app; in debug mode it waits the
 * 20 ticks and fails the post, as the device does.
 *
 * Promise jobs. On the device fxQueuePromiseJobs posts a record too
 * (xsHost.c, "promises"): the jobs run when that record's turn comes, after
 * the messages queued before it, and the record holds a place meanwhile. The
 * simulator keeps its order (the jobs run after each callback, before the next
 * event: nothing else in the project assumes otherwise), but it keeps the
 * place: while jobs are pending the record counts against the queue's length,
 * so other threads find the queue full one record earlier, and settling a
 * promise while the queue is full is the JS-thread post into a full queue
 * above. In debug mode the device's post fails and, since XS queues the
 * record only when its job list was empty, the jobs would never run: the
 * simulator reports that and fails the app rather than hang silently.
 */

#define simQueueWaitTicks 20
#define simTickMilliseconds 1
#define simDevicePointerBytes 4

/* with host->mutex held */
static void simQueueReady(simHostState host)
{
	pthread_condattr_t attributes;
	if (host->queueReady || host->queueClosed)
		return;
	pthread_condattr_init(&attributes);
	pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
	pthread_cond_init(&host->queueRoom, &attributes);
	pthread_condattr_destroy(&attributes);
	host->queueReady = 1;
}

/* with host->mutex held */
static int simQueueFull(simHostState host)
{
	return (host->profile.queueLength > 0) && ((host->queued + host->promiseRecord) >= host->profile.queueLength);
}

/* xsim runs its one machine on the process's main thread (main.c) */
static pthread_t gJSThread;

__attribute__((constructor)) static void simKnowJSThread(void)
{
	gJSThread = pthread_self();
}

static int simOnJSThread(void)
{
	return pthread_equal(pthread_self(), gJSThread);
}

/* Waits, with host->mutex held, for a place in a full queue as long as the
   device would: returns 0 when there is one, -2 when the wait ended first. */
static int simQueueWait(simHostState host)
{
	struct timespec deadline;
	double start = simNow(), blocked;
	host->postsBlocked++;
	host->blockedPosters++;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_nsec += (long)simQueueWaitTicks * simTickMilliseconds * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	while (simQueueFull(host) && !host->queueClosed) {
		if (!host->profile.queueDebug)
			pthread_cond_wait(&host->queueRoom, &host->mutex);
		else if (pthread_cond_timedwait(&host->queueRoom, &host->mutex, &deadline) == ETIMEDOUT)
			break;
	}
	host->blockedPosters--;
	if (host->queueClosed)
		pthread_cond_broadcast(&host->queueRoom);
	blocked = simNow() - start;
	if (blocked > host->longestBlock)
		host->longestBlock = blocked;
	return (simQueueFull(host) || host->queueClosed) ? -2 : 0;
}

static const char* simSelfPostDeadlock = "modMessagePostToMachine from the JS thread into its own full queue: on the device this waits for ever";

static int simPost(txMachine* the, uint8_t* message, uint16_t messageLength, modMessageDeliver callback, void* refcon, int fromISR)
{
	simHostState host = simGetHost(the);
	simMessage msg = malloc(sizeof(simMessageRecord) + messageLength);
	int result = 0;
	if (!msg)
		return -1;
	msg->next = NULL;
	msg->callback = callback;
	msg->refcon = refcon;
	msg->length = message ? messageLength : 0;
	if (message && messageLength)
		memcpy(msg->data, message, messageLength);
	pthread_mutex_lock(&host->mutex);
	simQueueReady(host);
	host->posts++;
	if (host->queueClosed)
		result = fromISR ? -1 : -2;
	else if (simQueueFull(host)) {
		if (fromISR)
			result = -1;
		else if (simOnJSThread() && !host->profile.queueDebug) {
			host->postsFailed++;
			pthread_mutex_unlock(&host->mutex);
			free(msg);
			fprintf(stderr, "Fatal: %s (%d records, all taken; the JS thread is the one that takes them)\n", simSelfPostDeadlock, host->profile.queueLength);
			fflush(stderr);
			simExit(the, 1);
			return -2;
		}
		else
			result = simQueueWait(host);
	}
	if (result == 0) {
		if ((host->profile.queueLength == 0) || (msg->length > simDevicePointerBytes))
			host->deviceMallocs++;
		if (host->lastMessage)
			host->lastMessage->next = msg;
		else
			host->firstMessage = msg;
		host->lastMessage = msg;
		host->queued++;
		if (host->queued > host->queuedPeak)
			host->queuedPeak = host->queued;
	}
	else
		host->postsFailed++;
	if (result == 0)
		simWake(host);
	pthread_mutex_unlock(&host->mutex);
	if (result != 0)
		free(msg);
	return result;
}

int modMessagePostToMachine(void* the, uint8_t* message, uint16_t messageLength, modMessageDeliver callback, void* refcon)
{
	return simPost(the, message, messageLength, callback, refcon, 0);
}

int modMessagePostToMachineFromISR(void* the, modMessageDeliver callback, void* refcon)
{
	return simPost(the, NULL, 0, callback, refcon, 1);
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
	simWake(host);
	pthread_mutex_unlock(&host->mutex);
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
	simHostState host = simGetHost(the);
	int failed = 0;
	host->promiseJobs = 1;
	pthread_mutex_lock(&host->mutex);
	simQueueReady(host);
	if (!host->promiseRecord && !host->queueClosed) {
		if (simQueueFull(host)) {
			if (host->profile.queueDebug)
				failed = simQueueWait(host);
			else
				failed = -1;
		}
		if (failed)
			host->postsFailed++;
		else
			host->promiseRecord = 1;
	}
	pthread_mutex_unlock(&host->mutex);
	if (failed < 0) {
		if (failed == -2)
			fprintf(stderr, "Fatal: fxQueuePromiseJobs (a promise settled) found the queue full of %d records and its post failed after %d ticks: on the device these promise jobs would never run\n", host->profile.queueLength, simQueueWaitTicks);
		else
			fprintf(stderr, "Fatal: fxQueuePromiseJobs (a promise settled) is a %s (%d records, all taken)\n", simSelfPostDeadlock, host->profile.queueLength);
		fflush(stderr);
		simExit(the, 1);
	}
}

/* with host->mutex held: the promise record leaves the queue */
static void simTakePromiseRecord(simHostState host)
{
	if (host->promiseRecord) {
		host->promiseRecord = 0;
		if (host->queueReady)
			pthread_cond_broadcast(&host->queueRoom);
	}
}

void simRunPromiseJobs(txMachine* the)
{
	simHostState host = simGetHost(the);
	while (host->promiseJobs && !host->exiting) {
		host->promiseJobs = 0;
		pthread_mutex_lock(&host->mutex);
		simTakePromiseRecord(host);
		pthread_mutex_unlock(&host->mutex);
		fxRunPromiseJobs(the);
	}
	fxEndJob(the);
	/* As Node does: a rejection still unhandled once the jobs ran is reported. */
	if (!host->exiting)
		fxCheckUnhandledRejections(the, 1);
}

/* One record at a time, as modMessageService does, and no more than were
   waiting on entry, so that a thread that keeps posting cannot starve the
   timers. The record is out of the queue (its place free for a blocked
   poster) while its callback runs; if the callback fails the app, the record
   is freed by simLoopClear and the ones behind it stay queued. */
static int simDeliverMessages(txMachine* the, simHostState host)
{
	int count, delivered = 0;
	pthread_mutex_lock(&host->mutex);
	count = host->queued;
	pthread_mutex_unlock(&host->mutex);
	while ((count-- > 0) && !host->exiting) {
		simMessage msg;
		pthread_mutex_lock(&host->mutex);
		msg = host->firstMessage;
		if (msg) {
			host->firstMessage = msg->next;
			if (!host->firstMessage)
				host->lastMessage = NULL;
			host->queued--;
			host->delivered++;
			if (host->queueReady)
				pthread_cond_broadcast(&host->queueRoom);
		}
		pthread_mutex_unlock(&host->mutex);
		if (!msg)
			break;
		host->delivering = msg;
		simWatchdogFeed(); /* each callback starts from the event loop */
		(*msg->callback)(the, msg->refcon, msg->length ? msg->data : NULL, msg->length);
		host->delivering = NULL;
		free(msg);
		delivered++;
		simRunPromiseJobs(the);
	}
	return delivered;
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
	simWatchdogFeed(); /* each callback starts from the event loop */
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
	simWatchdogFeed(); /* back in the event loop: simWatchdog.c */
	/* sleeping stays set until the loop's next look at the queue: the posts
	   meanwhile, which that look sees, need no wake (woken), and one that
	   came after a timeout leaves a wake that ends the next wait early */
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
		int idle, waiting, timeout, delivered, fired;
		simRunPromiseJobs(the);
		if (host->exiting)
			break;
		delivered = simDeliverMessages(the, host);
		if (host->exiting)
			break;
		fired = simFireTimer(the, host);
		if (delivered || fired)
			continue;
		/* read together, so that a post followed by a release is never missed;
		   from here a post or a release wakes the wait below (simWake) */
		pthread_mutex_lock(&host->mutex);
		waiting = host->firstMessage != NULL; /* posted since simDeliverMessages looked */
		idle = !host->retained && !waiting;
		host->sleeping = !waiting;
		host->woken = 0;
		pthread_mutex_unlock(&host->mutex);
		if (idle && !host->timers && !host->watches && !gLoopRefs)
			break;
		if (waiting)
			continue;
		timeout = -1;
		if (host->timers) {
			double delta = host->timers->due - simNow();
			timeout = (delta <= 0) ? 0 : (int)ceil(delta);
		}
		simWait(the, host, timeout);
	}
}

/* Before the machine is deleted: forget timers, watches and messages, whose
   records belong to native modules and may be freed by destructors. The queue
   closes first: a thread blocked in a post (the air's receive thread, say,
   which a destructor will join) wakes with -2, and later posts fail at once,
   so that no thread waits for ever on a machine that is going. */
void simLoopClear(txMachine* the)
{
	simHostState host = simGetHost(the);
	int undelivered = 0;
	while (host->timers)
		simTimerUnschedule(the, host->timers);
	while (host->watches)
		simUnwatchFD(the, host->watches->fd);
	free(host->delivering);
	host->delivering = NULL;
	pthread_mutex_lock(&host->mutex);
	host->queueClosed = 1;
	host->promiseRecord = 0;
	if (host->queueReady) {
		pthread_cond_broadcast(&host->queueRoom);
		while (host->blockedPosters > 0)
			pthread_cond_wait(&host->queueRoom, &host->mutex);
		pthread_cond_destroy(&host->queueRoom);
		host->queueReady = 0;
	}
	while (host->firstMessage) {
		simMessage next = host->firstMessage->next;
		free(host->firstMessage);
		host->firstMessage = next;
		undelivered++;
	}
	host->lastMessage = NULL;
	host->queued = 0;
	pthread_mutex_unlock(&host->mutex);
	if (host->profile.verbose) {
		fprintf(stderr, "xsim queue: length=%d wait=%s posts=%llu blocked=%llu longest-block-ms=%.1f failed=%llu peak=%d delivered=%llu undelivered=%d device-mallocs=%llu\n",
			host->profile.queueLength, host->profile.queueDebug ? "debug" : "block",
			(unsigned long long)host->posts, (unsigned long long)host->postsBlocked, host->longestBlock,
			(unsigned long long)host->postsFailed, host->queuedPeak, (unsigned long long)host->delivered,
			undelivered, (unsigned long long)host->deviceMallocs);
		fflush(stderr);
	}
}
