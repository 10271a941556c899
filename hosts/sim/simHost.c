/*
 * The machine's platform: creation, reports, how an app fails, and trace.
 *
 * An app fails as it would on a device, where an uncaught exception or an
 * unhandled rejection stops the machine: the simulator reports it on stderr,
 * with the file and line of each frame, and exits with status 1. A runaway
 * recursion overflows the JavaScript or the C stack; it is reported the same
 * way, as "stack overflow", never a silent crash.
 */

#include "simPlatform.h"

#include <sys/eventfd.h>

void fxCreateMachinePlatform(txMachine* the)
{
	simHostState host = calloc(1, sizeof(simHostRecord));
	if (!host) {
		fprintf(stderr, "xsim: not enough memory for the host\n");
		exit(1);
	}
	pthread_mutex_init(&host->mutex, NULL);
	host->wakeFD = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (host->wakeFD < 0) {
		fprintf(stderr, "xsim: eventfd: %s\n", strerror(errno));
		exit(1);
	}
	the->host = host;
}

void fxDeleteMachinePlatform(txMachine* the)
{
	simHostState host = simGetHost(the);
	if (!host)
		return;
	simModulesFree(host);
	/* under the mutex: a thread's last wake (simLoop.c) is ordered before it */
	pthread_mutex_lock(&host->mutex);
	close(host->wakeFD);
	host->wakeFD = -1;
	pthread_mutex_unlock(&host->mutex);
	pthread_mutex_destroy(&host->mutex);
	free(host);
	the->host = NULL;
}

/* The frames from the innermost out, as "at name (path:line)". */
static void simPrintFrames(txMachine* the, txSlot* frame, int limit)
{
	while (frame && frame->next && limit-- > 0) {
		txSlot* environment = mxFrameToEnvironment(frame);
		txSlot* function = frame + 3;
		const char* name = "";
		if ((function->kind == XS_REFERENCE_KIND) && mxIsFunction(function->value.reference)) {
			txSlot* code = mxFunctionInstanceCode(function->value.reference);
			if (code->ID != XS_NO_ID)
				name = fxGetKeyName(the, code->ID);
		}
		if (environment->ID != XS_NO_ID)
			fprintf(stderr, "    at %s (%s:%d)\n", *name ? name : "<anonymous>", fxGetKeyName(the, environment->ID), (int)environment->value.environment.line);
		frame = frame->next;
	}
}

static txSlot* simErrorInstance(txSlot* slot)
{
	txSlot* instance;
	if (slot->kind != XS_REFERENCE_KIND)
		return NULL;
	instance = slot->value.reference;
	if (instance->next && (instance->next->flag & XS_INTERNAL_FLAG) && (instance->next->kind == XS_ERROR_KIND))
		return instance;
	return NULL;
}

static const char* simStringProperty(txMachine* the, txSlot* instance, txID id)
{
	txSlot* property = mxBehaviorGetProperty(the, instance, id, 0, XS_ANY);
	if (property && ((property->kind == XS_STRING_KIND) || (property->kind == XS_STRING_X_KIND)))
		return property->value.string;
	return NULL;
}

/* Prints an exception as "what: Name: message" then one "    at f (path:line)"
   a frame. It reads the error's own slots and runs no JavaScript, since the
   machine may be anywhere in an unwinding throw. */
void simReportException(txMachine* the, txSlot* exception, const char* what)
{
	txSlot* instance = simErrorInstance(exception);
	if (instance) {
		const char* name = simStringProperty(the, instance, mxID(_name));
		const char* message = simStringProperty(the, instance, mxID(_message));
		txSlot* frame = instance->next->value.error.info;
		fprintf(stderr, "%s: %s%s%s\n", what, name ? name : "Error", (message && *message) ? ": " : "", (message && *message) ? message : "");
		for (frame = frame ? frame->next : NULL; frame; frame = frame->next) {
			const char* function = ((frame->value.key.string != C_NULL) && *frame->value.key.string) ? frame->value.key.string : "<anonymous>";
			if (frame->ID != XS_NO_ID)
				fprintf(stderr, "    at %s (%s:%d)\n", function, fxGetKeyName(the, frame->ID), (int)frame->value.key.sum);
			else
				fprintf(stderr, "    at %s\n", function);
		}
	}
	else if ((exception->kind == XS_STRING_KIND) || (exception->kind == XS_STRING_X_KIND))
		fprintf(stderr, "%s: %s\n", what, exception->value.string);
	else if (exception->kind == XS_INTEGER_KIND)
		fprintf(stderr, "%s: %d\n", what, (int)exception->value.integer);
	else if (exception->kind == XS_NUMBER_KIND)
		fprintf(stderr, "%s: %g\n", what, exception->value.number);
	else if (exception->kind == XS_BOOLEAN_KIND)
		fprintf(stderr, "%s: %s\n", what, exception->value.boolean ? "true" : "false");
	else if (exception->kind == XS_UNDEFINED_KIND)
		fprintf(stderr, "%s: undefined\n", what);
	else if (exception->kind == XS_NULL_KIND)
		fprintf(stderr, "%s: null\n", what);
	else
		fprintf(stderr, "%s: a value that is not an Error\n", what);
	simPrintFrames(the, the->frame, instance ? 0 : 8);
	fflush(stderr);
}

void simExit(txMachine* the, int code)
{
	simHostState host = simGetHost(the);
	if (!host->exiting) {
		host->exiting = 1;
		host->exitCode = code;
	}
	if (the->firstJump)
		fxExitToHost(the);
}

void fxAbort(txMachine* the, int status)
{
	switch (status) {
	case XS_UNHANDLED_EXCEPTION_EXIT:
		simReportException(the, &mxException, "Uncaught exception");
		mxException = mxUndefined;
		break;
	case XS_UNHANDLED_REJECTION_EXIT:
		simReportException(the, &mxException, "Unhandled rejection");
		mxException = mxUndefined;
		break;
	case XS_STACK_OVERFLOW_EXIT:
		fprintf(stderr, "Uncaught exception: RangeError: stack overflow (runaway recursion?)\n");
		simPrintFrames(the, the->frame, 8);
		break;
	case XS_NOT_ENOUGH_MEMORY_EXIT:
		fprintf(stderr, "Fatal: not enough memory\n");
		simMemoryExplain(the);
		simPrintFrames(the, the->frame, 8);
		break;
	case XS_NO_MORE_KEYS_EXIT:
		fprintf(stderr, "Fatal: not enough keys\n");
		break;
	case XS_TOO_MUCH_COMPUTATION_EXIT:
		fprintf(stderr, "Fatal: too much computation\n");
		break;
	default:
		fprintf(stderr, "Fatal: XS abort %d\n", status);
		break;
	}
	fflush(stderr);
	simExit(the, 1);
	exit(1);
}

/* trace(...values): writes each value as a string, with no separator and no
   newline added, as Moddable's trace does. */
static void xs_trace(txMachine* the)
{
	txInteger i, count = mxArgc;
	for (i = 0; i < count; i++) {
		txSlot* value = mxArgv(i);
		if (!mxIsStringPrimitive(value))
			fxToString(the, value);
		fputs(value->value.string, stdout);
	}
	fflush(stdout);
}

void simInstallGlobals(txMachine* the)
{
	xsBeginHost(the);
	xsVars(1);
	xsVar(0) = xsNewHostFunction(xs_trace, 1);
	xsDefine(xsGlobal, xsID("trace"), xsVar(0), xsDontEnum);
	xsEndHost(the);
}
