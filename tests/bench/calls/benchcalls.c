/*
 * The receive benchmark's host functions (benchcalls.js).
 *
 * floor(buffer): what a receive cannot do without, a host call that copies a
 * 250-byte message into a buffer the caller made beforehand.
 *
 * count(name, fn, times): callgrind's instructions of `times` calls of fn,
 * dumped under name (valgrind --tool=callgrind --collect-atstart=no); the
 * client requests do nothing when the program runs without valgrind.
 */

#include "xsmc.h"
#include "xsHost.h"

#include <string.h>
#include <valgrind/callgrind.h>

#define kLength (250)

static uint8_t gMessage[kLength] = { 1 };

void xs_benchcalls_floor(xsMachine *the)
{
	void *data;
	xsUnsignedValue size;
	xsmcGetBufferWritable(xsArg(0), &data, &size);
	if (size < kLength)
		xsRangeError("buffer must hold %d bytes", kLength);
	memcpy(data, gMessage, kLength);
}

void xs_benchcalls_count(xsMachine *the)
{
	char *name = xsmcToString(xsArg(0));
	char label[64];
	xsIntegerValue times = xsmcToInteger(xsArg(2));
	strncpy(label, name, sizeof(label) - 1);
	label[sizeof(label) - 1] = 0;
	CALLGRIND_ZERO_STATS;
	CALLGRIND_TOGGLE_COLLECT;
	for (xsIntegerValue i = 0; i < times; i++)
		xsCallFunction0(xsArg(1), xsUndefined);
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(label);
}
