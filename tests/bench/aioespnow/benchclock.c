/*
 * The benchmark's clock (benchclock.js). startPosts() runs a thread that does
 * what the ESP-NOW glue's wake() does from the radio task,
 * modMessagePostToMachine(), and records how long each post takes to reach
 * its deliver function on the JS thread.
 */

#include "xsmc.h"
#include "xsHost.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define POSTS_MAX (10000)

static struct {
	xsMachine *the;
	int count;
	int intervalMs;
	int delivered;
	double latency[POSTS_MAX];
} gPosts;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

void xs_benchclock_microseconds(xsMachine *the)
{
	xsmcSetNumber(xsResult, now());
}

static void delivered(void *the, void *refcon, uint8_t *message, uint16_t length)
{
	double posted;
	(void)the, (void)refcon;
	if (length != sizeof(posted) || gPosts.delivered >= POSTS_MAX)
		return;
	memcpy(&posted, message, sizeof(posted));
	gPosts.latency[gPosts.delivered++] = now() - posted;
}

static void *poster(void *unused)
{
	(void)unused;
	for (int i = 0; i < gPosts.count; i++) {
		struct timespec pause = { gPosts.intervalMs / 1000, (long)(gPosts.intervalMs % 1000) * 1000000L };
		nanosleep(&pause, NULL);
		double posted = now();
		modMessagePostToMachine(gPosts.the, (uint8_t *)&posted, sizeof(posted), delivered, NULL);
	}
	return NULL;
}

void xs_benchclock_start_posts(xsMachine *the)
{
	pthread_t thread;
	xsIntegerValue count = xsmcToInteger(xsArg(0));
	if (count < 1 || count > POSTS_MAX)
		xsRangeError("count must be 1..%d", POSTS_MAX);
	gPosts.the = the;
	gPosts.count = count;
	gPosts.intervalMs = xsmcToInteger(xsArg(1));
	gPosts.delivered = 0;
	if (pthread_create(&thread, NULL, poster, NULL))
		xsUnknownError("cannot start the posting thread");
	pthread_detach(thread);
}

/* How many posts have arrived: polled while they come, which a new array of
   the latencies each time would make garbage of. */
void xs_benchclock_posts_delivered(xsMachine *the)
{
	xsmcSetInteger(xsResult, gPosts.delivered);
}

void xs_benchclock_post_latencies(xsMachine *the)
{
	xsmcVars(1);
	xsmcSetNewArray(xsResult, gPosts.delivered);
	for (int i = 0; i < gPosts.delivered; i++) {
		xsmcSetNumber(xsVar(0), gPosts.latency[i]);
		xsmcSetIndex(xsResult, i, xsVar(0));
	}
}
