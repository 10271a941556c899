/*
 * The program of an app built with the Moddable SDK for its x-cli-lin
 * platform (mcconfig -m -p x-cli-lin): that platform links XS, the app's
 * modules and their C into an executable, and leaves main() to the app.
 *
 * main() makes the machine xsl prepared (mc.xs.c), runs the "main" module
 * and calls its default export if that is a function, as the SDK's device
 * hosts do: at once, or, with the manifest's "defines": {"main": {"async": 1}}
 * (which a main module with a top-level await needs on a device too), once
 * the module's promise settles. Then it runs the GLib main context on which
 * the SDK's lin_xs.c queues promise jobs and worker jobs
 * (modMessagePostToMachine, see modules/espnow/lin) and its lin timer module
 * schedules timers.
 *
 * It exits 0 when nothing can happen any more, as the simulator host does
 * (hosts/sim): no timer, no watched file, and ESP-NOW off. While ESP-NOW is
 * on (the simulated air's glue, modules/wlan/sim, knows) it waits for frames
 * for ever, as a device's main loop does, so that an app whose only work
 * left is an irq() callback or an awaited arecv() keeps running. It exits 1
 * with the exception if the main module throws, and with XS's abort status,
 * after saying why on stderr, when XS aborts (an unhandled exception or
 * rejection, memory full, a dead-stripped feature).
 *
 * trace() writes to stdout, line-buffered here so that a pipe sees each
 * line as it is traced.
 */

#include "xsAll.h"	/* txPreparation: the manifest's main module */
#include "mc.xs.h"
#include "mc.defines.h"
#include "sim_air.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

void fxAbort(xsMachine *the, int status)
{
	(void)the;
	fflush(stdout);
	fprintf(stderr, "x-cli-lin: XS aborted: %s\n", fxAbortString(status));
	exit(status ? status : 1);
}

static void failed(xsMachine *the, xsSlot *reason)
{
	fflush(stdout);
	fprintf(stderr, "x-cli-lin: main: %s\n", xsToString(*reason));
	exit(1);
}

#if MODDEF_MAIN_ASYNC
static void mainFulfilled(xsMachine *the)
{
	xsResult = xsGet(xsArg(0), xsID("default"));
	if (xsTest(xsResult) && xsIsInstanceOf(xsResult, xsFunctionPrototype))
		xsCallFunction0(xsResult, xsGlobal);
}

static void mainRejected(xsMachine *the)
{
	failed(the, &xsArg(0));
}
#endif

/* The file descriptors a context polls. */
static gint pollCount(GMainContext *context, GPollFD **fds, gint *capacity, gint *timeout, gint *priority)
{
	gint count;
	while ((count = g_main_context_query(context, *priority, timeout, *fds, *capacity)) > *capacity) {
		*capacity = count;
		*fds = g_renew(GPollFD, *fds, *capacity);
	}
	return count;
}

/*
 * One iteration at a time, by hand, to see when nothing is left: no source
 * ready (prepare), no timeout pending (query's timeout is -1), no file
 * descriptor beyond those of the context itself (its wake-up), counted once
 * before the machine exists, and ESP-NOW off. A post from the radio's thread
 * (fxQueueWorkerJob) attaches a source, which wakes g_poll.
 */
static void runUntilIdle(GMainContext *context, gint ownFds)
{
	gint capacity = 8, timeout, priority;
	GPollFD *fds = g_new(GPollFD, capacity);
	g_main_context_acquire(context);
	for (;;) {
		gboolean ready = g_main_context_prepare(context, &priority);
		gint count = pollCount(context, &fds, &capacity, &timeout, &priority);
		if (!ready && timeout < 0 && count <= ownFds && !(sim_air_flags() & SIM_AIR_ESPNOW_ON))
			break;
		g_poll(fds, count, ready ? 0 : timeout);
		if (g_main_context_check(context, priority, fds, count))
			g_main_context_dispatch(context);
	}
	g_main_context_release(context);
	g_free(fds);
}

static gint ownFdCount(GMainContext *context)
{
	gint capacity = 8, timeout, priority, count;
	GPollFD *fds = g_new(GPollFD, capacity);
	g_main_context_acquire(context);
	g_main_context_prepare(context, &priority);
	count = pollCount(context, &fds, &capacity, &timeout, &priority);
	g_main_context_check(context, priority, fds, count);	/* nothing polled: query zeroed every revents */
	g_main_context_release(context);
	g_free(fds);
	return count;
}

int main(int argc, char *argv[])
{
	GMainContext *context = g_main_context_default();
	gint ownFds;
	xsMachine *machine;
	(void)argc, (void)argv;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ownFds = ownFdCount(context);

	txPreparation *preparation = xsPreparation();
	machine = xsPrepareMachine(NULL, preparation, "main", NULL, NULL);
	if (!machine) {
		fprintf(stderr, "x-cli-lin: the app was prepared by another version of XS\n");
		return 1;
	}
	/* the manifest's main module, as the SDK's device hosts run it ("host" for hosts/esp32) */
	const char *mainName = preparation->main;
	xsBeginHost(machine);
	{
		xsTry {
#if MODDEF_MAIN_ASYNC
			xsVars(2);
			xsResult = xsImport(mainName);
			xsVar(0) = xsNewHostFunction(mainFulfilled, 1);
			xsVar(1) = xsNewHostFunction(mainRejected, 1);
			xsCall2(xsResult, xsID("then"), xsVar(0), xsVar(1));
#else
			xsResult = xsAwaitImport(mainName, XS_IMPORT_DEFAULT);
			if (xsTest(xsResult) && xsIsInstanceOf(xsResult, xsFunctionPrototype))
				xsCallFunction0(xsResult, xsGlobal);
#endif
		}
		xsCatch {
			failed(the, &xsException);
		}
	}
	xsEndHost(machine);

	runUntilIdle(context, ownFds);
	xsDeleteMachine(machine);
	return 0;
}
