/*
 * Deterministic instrumentation for benchmarks (binding: modules/instrument.js).
 *
 * measure(fn) calls fn with the garbage collector off, so that nothing is
 * freed during the call, and returns the exact growth of the three counters
 * the engine keeps: computrons (the->meterIndex, one per bytecode step), slots
 * (the->currentHeapCount) and chunk bytes (the->currentChunksSize, including
 * each chunk's header). The figures include the call of fn itself, which
 * allocates nothing. Slots are 32 bytes on 64-bit hosts and 16 bytes with the
 * -m32 build, as on ESP32.
 */

#include "simPlatform.h"

static void simSetNumber(xsMachine* the, xsSlot* object, const char* name, double value)
{
	xsVar(0) = xsNumber(value);
	xsSet(*object, xsID((char*)name), xsVar(0));
}

void xs_instrument_measure(xsMachine* the)
{
	txMachine* machine = (txMachine*)the;
	txU4 computrons;
	txSize slots, bytes;
	uint8_t wasCollecting = (machine->collectFlag & XS_COLLECTING_FLAG) ? 1 : 0;
	if ((xsToInteger(xsArgc) < 1) || !xsIsInstanceOf(xsArg(0), xsFunctionPrototype))
		xsTypeError("measure: expected a function");
	xsVars(2);
	xsEnableGarbageCollection(0);
	computrons = machine->meterIndex;
	slots = machine->currentHeapCount;
	bytes = machine->currentChunksSize;
	xsTry {
		xsVar(1) = xsCallFunction0(xsArg(0), xsUndefined);
	}
	xsCatch {
		xsEnableGarbageCollection(wasCollecting);
		xsThrow(xsException);
	}
	computrons = machine->meterIndex - computrons;
	slots = machine->currentHeapCount - slots;
	bytes = machine->currentChunksSize - bytes;
	xsEnableGarbageCollection(wasCollecting);
	xsResult = xsNewObject();
	simSetNumber(the, &xsResult, "computrons", computrons);
	simSetNumber(the, &xsResult, "slots", slots);
	simSetNumber(the, &xsResult, "bytes", bytes);
	xsSet(xsResult, xsID("result"), xsVar(1));
}

/* xsResult = {slots, bytes}, which the caller may add to. */
static void simSlotsAndBytes(xsMachine* the, txSize slots, txSize bytes)
{
	xsVars(1);
	xsResult = xsNewObject();
	simSetNumber(the, &xsResult, "slots", slots);
	simSetNumber(the, &xsResult, "bytes", bytes);
}

void xs_instrument_peaks(xsMachine* the)
{
	txMachine* machine = (txMachine*)the;
	simSlotsAndBytes(the, machine->peakHeapCount, machine->peakChunksSize);
	simSetNumber(the, &xsResult, "slotSize", sizeof(txSlot));
}

void xs_instrument_current(xsMachine* the)
{
	txMachine* machine = (txMachine*)the;
	simSlotsAndBytes(the, machine->currentHeapCount, machine->currentChunksSize);
	simSetNumber(the, &xsResult, "computrons", machine->meterIndex);
	simSetNumber(the, &xsResult, "slotSize", sizeof(txSlot));
}

/* The heaps XS has now, used or free: slots (as fxGrowSlots counts them) and
   chunk bytes (the host's); less current()'s, the free room. */
void xs_instrument_heap(xsMachine* the)
{
	txMachine* machine = (txMachine*)the;
	/* the free room read before the result's object takes any of it (or makes the heap grow) */
	txSize freeSlots = machine->maximumHeapCount - machine->currentHeapCount;
	txSize freeBytes = machine->maximumChunksSize - machine->currentChunksSize;
	simSlotsAndBytes(the, machine->maximumHeapCount, machine->maximumChunksSize);
	simSetNumber(the, &xsResult, "freeSlots", freeSlots);
	simSetNumber(the, &xsResult, "freeBytes", freeBytes);
}

void xs_instrument_collect(xsMachine* the)
{
	xsCollectGarbage();
}
