/*
 * The host functions behind native.js: the same on every platform. They copy
 * between JS buffers and the core (receive ring, send counters, send log) and
 * call the radio glue (espnow_radio.h). Argument shapes and API semantics are
 * checked in espnow.ts; here every length is checked again before a copy.
 *
 * Results: methods that talk to the radio return an ESP-IDF error number
 * (0 is ESP_OK) for espnow.ts to turn into an ESPNowError.
 *
 * Threads: host functions run on the JS thread. wake() runs on the radio task
 * after every packet and completion: it signals a blocked recv()/send() and,
 * when the core says no wake is pending, posts deliver() to the machine. Only
 * deliver() acknowledges the core, so one message at most waits in the
 * machine's queue however long JS blocks (espnow_core.h). One record is open
 * at a time (there is one radio); deliver() ignores posts that outlive the
 * record they were made for (each record has its own generation number).
 *
 * Hostile JS: a buffer argument must be a real ArrayBuffer or one-byte typed
 * array (getBytes), never an object that only claims to be one. Every argument
 * that can run JS (valueOf) is converted before the record is looked up, and
 * no JS runs between taking a buffer's pointer and using it. The wake
 * callback is rooted in a static slot, not in the record: a Radio collected
 * while open frees its record and leaves XS's roots intact.
 */

#include "xsmc.h"
#include "xsHost.h"

#include "core/espnow_radio.h"
#include "modESPNowBytes.h"

#include <stdio.h>
#include <string.h>

#ifndef MODDEF_ESPNOW_SEND_TIMEOUT_MS
	/* How long a sync send waits for the radio's send-complete callbacks. */
	#define MODDEF_ESPNOW_SEND_TIMEOUT_MS (2000)
#endif

#ifndef MODDEF_ESPNOW_NO_MEM_TIMEOUT_MS
	/* How long a frame the radio refuses with ESP_ERR_ESPNOW_NO_MEM (its TX
	   queue is full) is offered again before send raises it: MicroPython's
	   espnow_send (ports/esp32/modespnow.c) retries for its default send
	   timeout, 2 s. */
	#define MODDEF_ESPNOW_NO_MEM_TIMEOUT_MS (2000)
#endif

/* Between offers, wait for a send-complete (which frees a slot and signals),
   but no longer than this: the queue may be full of frames that are not ours. */
#define NO_MEM_POLL_MS (10)

#define RXBUF_MIN (ESPNOW_RING_MIN_SIZE)
#define RXBUF_MAX (1024 * 1024)

typedef struct modESPNowRecord {
	espnowCoreRecord core;
	xsMachine *the;
	uint32_t generation;
	uint32_t completionsSeen;	/* JS thread: completions already reported to onWake */
	bool started;
	uint32_t rxbufSize;
	uint8_t rxbuf[];
} modESPNowRecord, *modESPNow;

static modESPNow gOpen = NULL;
static uint32_t gGeneration = 0;

/* The open record's onWake, rooted while it is open (and after a Radio is
   collected open, until the next new Radio: a destructor cannot forget it). */
static xsSlot gOnWake;
static xsMachine *gOnWakeRoot = NULL;

static void forgetOnWake(xsMachine *the)
{
	if (gOnWakeRoot != the)
		return;
	xsForget(gOnWake);
	gOnWakeRoot = NULL;
}

void xs_espnow_destructor(void *data)
{
	modESPNow espnow = data;
	if (!espnow)
		return;
	if (espnow->started)
		espnow_radio_deinit();
	if (gOpen == espnow)
		gOpen = NULL;
	espnow_radio_free(espnow);
}

/* The open record of radio, else "closed". */
static modESPNow getRecordOf(xsMachine *the, xsSlot *radio)
{
	modESPNow espnow = xsmcGetHostDataValidate(*radio, xs_espnow_destructor);
	if (!espnow)
		xsUnknownError("closed");
	return espnow;
}

static modESPNow getRecord(xsMachine *the)
{
	return getRecordOf(the, &xsThis);
}

/* ---- JS values ---- */

/* A real ArrayBuffer or Uint8Array, else a TypeError naming it. */
static void checkBytes(xsMachine *the, xsSlot *slot, const char *name)
{
	if (ESPNOW_BYTES_NONE == espnow_bytes_kind(the, slot))
		xsTypeError("%s must be a Uint8Array or ArrayBuffer", name);
}

/* The bytes of a real ArrayBuffer or one-byte typed array (Uint8Array, ...).
   What only poses as one is refused: xsmcGetBuffer* would take a host
   object's C data (a Timer given Uint8Array.prototype) with the length its
   byteLength property claims, read through a getter. No JS runs here. */
static void getBytes(xsMachine *the, xsSlot *slot, void **data, xsUnsignedValue *size, xsBooleanValue writable, const char *name)
{
	checkBytes(the, slot, name);
	if (writable)
		xsmcGetBufferWritable(*slot, data, size);
	else
		xsmcGetBufferReadable(*slot, data, size);
}

/* value in min..max, else a RangeError naming it */
static void checkRange(xsMachine *the, xsIntegerValue value, xsIntegerValue min, xsIntegerValue max, const char *name)
{
	if ((value < min) || (value > max))
		xsRangeError("%s must be %d..%d, got %d", name, (int)min, (int)max, (int)value);
}

/* ---- waking JS ---- */

static void deliver(void *the, void *refcon, uint8_t *message, uint16_t length)
{
	modESPNow espnow = gOpen;
	(void)message, (void)length;
	if (!espnow || espnow->generation != (uint32_t)(uintptr_t)refcon || gOnWakeRoot != the)
		return;
	/* A blocking recv() or send() may have read what the wake announced, and
	   one reason may ride on the other's wake: look at the state. RECEIVE
	   says a message waits now, so that onWake need not ask again. */
	uint32_t reasons = espnow_core_acknowledge(&espnow->core) & ~(uint32_t)ESPNOW_WAKE_RECEIVE;
	if (espnow_ring_available(&espnow->core.ring) > 0)
		reasons |= ESPNOW_WAKE_RECEIVE;
	uint32_t completions = espnow_tx_stats_completions(&espnow->core.tx);
	if (completions != espnow->completionsSeen) {
		espnow->completionsSeen = completions;
		reasons |= ESPNOW_WAKE_SEND;
	}
	if (!reasons)
		return;
	xsBeginHost(the);
	xsCallFunction1(gOnWake, xsUndefined, xsInteger(reasons));
	xsEndHost(the);
}

static void wake(void *refcon, bool post)
{
	modESPNow espnow = refcon;
	espnow_radio_signal();
	if (post)
		modMessagePostToMachine(espnow->the, NULL, 0, deliver, (void *)(uintptr_t)espnow->generation);
}

/* ---- lifecycle ---- */

/* new Radio(rxbuf, onWake): allocate the record and its ring. */
void xs_espnow(xsMachine *the)
{
	xsIntegerValue rxbuf = xsmcToInteger(xsArg(0));
	checkRange(the, rxbuf, RXBUF_MIN, RXBUF_MAX, "rxbuf");
	if (!xsmcIsInstanceOf(xsArg(1), xsFunctionPrototype))
		xsTypeError("onWake must be a function");
	if (gOpen)
		xsUnknownError("ESP-NOW is already open");
	modESPNow espnow = espnow_radio_alloc(sizeof(modESPNowRecord) + (size_t)rxbuf);
	if (!espnow)
		xsUnknownError("no memory for a %d-byte rxbuf", (int)rxbuf);
	espnow->the = the;
	espnow->generation = ++gGeneration;
	espnow->rxbufSize = (uint32_t)rxbuf;
	if (gOnWakeRoot)
		forgetOnWake(gOnWakeRoot);
	gOnWake = xsArg(1);
	xsRemember(gOnWake);
	gOnWakeRoot = the;
	xsmcSetHostData(xsThis, espnow);
	gOpen = espnow;
}

/* start(): ESP-NOW on; returns an ESP-IDF error number. */
void xs_espnow_start(xsMachine *the)
{
	modESPNow espnow = getRecord(the);
	int result = ESPNOW_ESP_OK;
	if (!espnow->started) {
		if (ESPNOW_RING_OK != espnow_core_init(&espnow->core, espnow->rxbuf, espnow->rxbufSize, wake, espnow))
			result = ESPNOW_ESP_ERR_INVALID_ARG;
		else
			result = espnow_radio_init(&espnow->core);
		espnow->started = result == ESPNOW_ESP_OK;
		espnow->completionsSeen = 0;
	}
	xsmcSetInteger(xsResult, result);
}

/* close(): ESP-NOW off (peers forgotten), ring freed. */
void xs_espnow_close(xsMachine *the)
{
	modESPNow espnow = xsmcGetHostDataValidate(xsThis, xs_espnow_destructor);
	if (!espnow)
		return;
	forgetOnWake(the);
	xs_espnow_destructor(espnow);
	xsmcSetHostData(xsThis, NULL);
}

/* ---- receiving ---- */

#define META_SIZE (3 * sizeof(double))

/* meta must hold 3 numbers: checked before anything is consumed. */
static void *getMeta(xsMachine *the, xsSlot *meta)
{
	void *data;
	xsUnsignedValue size;
	getBytes(the, meta, &data, &size, true, "meta");
	if (size < META_SIZE)
		xsRangeError("meta must hold 3 numbers");
	return data;
}

/* The MAC's 48 bits as a number, the senders' key: one conversion (without
   an FPU, as on the ESP32-C3, each double operation is a library call). */
static double macKey(const uint8_t *mac)
{
	uint64_t key = 0;
	for (int i = 0; i < ESPNOW_MAC_LEN; i++)
		key = (key << 8) | mac[i];
	return (double)key;
}

/* receive()'s modes */
enum {
	RECEIVE_PAIR = 0,	/* irecv(), recv(): out = [mac, target], or [null, null] on timeout */
	RECEIVE_INTO,		/* recvinto(): out is data, [mac, msg] or [mac, msg, rssi, time] */
	RECEIVE_NEW,		/* recv(): returns a new [mac, msg], msg a new Uint8Array of the message (by senders[3]), or [null, null] */
};

/* *value = array[index], without XS's [[Get]] when espnow_array_get can */
static void getIndex(xsMachine *the, xsSlot *array, xsIntegerValue index, xsSlot *value)
{
	if (!espnow_array_get(the, array, index, value))
		xsmcGetIndex(*value, *array, index);
}

/* array[index] = *value, without XS's [[Set]] when espnow_array_set can */
static void setIndex(xsMachine *the, xsSlot *array, xsIntegerValue index, xsSlot *value)
{
	if (!espnow_array_set(the, array, index, value))
		xsmcSetIndex(*array, index, *value);
}

/* *result = senders[index].call(*self, *first, rssi, time), rssi and time
   being receive()'s meta[0] and meta[1]: once, as each call expands in place */
static void callSenders(xsMachine *the, xsSlot *senders, xsIntegerValue index, xsSlot *self, xsSlot *first, xsSlot *meta, xsSlot *result)
{
	xsSlot function;
	getIndex(the, senders, index, &function);
	/* xsCallFunction3's steps, its five pushes in a loop */
	xsSlot *pushes[5] = { self, &function, first, &meta[0], &meta[1] };
	xsOverflow(-XS_FRAME_COUNT - 3);
	for (int i = 0; i < 5; i++) {
		fxPush(*pushes[i]);
		if (1 == i)
			fxCall(the);
	}
	fxRunCount(the, 3);
	*result = fxPop();
}

/* array[index] = rssi, array[index + 1] = time: receive()'s meta[0] and meta[1] */
static void setRSSITime(xsMachine *the, xsSlot *array, xsIntegerValue index, xsSlot *meta)
{
	setIndex(the, array, index, &meta[0]);
	setIndex(the, array, index + 1, &meta[1]);
}

/* What receive() returns for a recvinto() data it refuses, before anything
   is read (espnow.ts says what was wrong); -length is a message too big. */
#define RECEIVE_NOT_ARRAY (-0x10000)
#define RECEIVE_NOT_BYTES (-0x10001)
#define RECEIVE_NOT_WRITABLE (-0x10002)
#define RECEIVE_CLOSED (-0x10003)	/* data's getters or setters closed the radio */

/* recvinto()'s data, as MicroPython's recvinto needs it: an array of 2 or 4
   elements; data[1] a real buffer (copied into *target); elements 0 (and 2
   and 3) can be written: they are written with themselves now, as a frozen
   array would otherwise lose a message. Returns 4 or 2 (the elements
   receive() fills), or a RECEIVE_NOT_ code. Runs JS (a Proxy's traps,
   getters, setters). */
static xsIntegerValue getInto(xsMachine *the, xsSlot *data, xsSlot *target)
{
	if (!xsmcIsInstanceOf(*data, xsArrayPrototype))
		return RECEIVE_NOT_ARRAY;
	xsIntegerValue count = espnow_array_length(the, data);
	if (count < 0) {
		xsmcGet(*target, *data, xsID("length"));
		count = xsmcToInteger(*target);
	}
	if (count < 2)
		return RECEIVE_NOT_ARRAY;
	count = (count >= 4) ? 4 : 2;
	getIndex(the, data, 1, target);
	if (ESPNOW_BYTES_NONE == espnow_bytes_kind(the, target))
		return RECEIVE_NOT_BYTES;
	xsTry {
		for (xsIntegerValue i = 0; i < count; i += (i ? 1 : 2)) {
			getIndex(the, data, i, target);
			setIndex(the, data, i, target);
		}
	}
	xsCatch {
		return RECEIVE_NOT_WRITABLE;
	}
	getIndex(the, data, 1, target);
	return count;
}

/* The slots receive() works in, all rooted (it may run JS): out and target
   as receive(out, target, ...) takes them, two for scratch, senders,
   senders[0] (the map) and peers_table, which receive() only reads. */
typedef struct {
	xsSlot *out, *target, *scratch, *entry, *senders, *map, *peers;
} ReceiveSlotsRecord, *ReceiveSlots;

/* The whole receive path, so that no JS runs per message. Copies the oldest
   message into target (for RECEIVE_INTO, out[1]): a resizable ArrayBuffer,
   or a length-tracking view of one, is first made the message's length when
   its maxByteLength allows; any other buffer must be big enough. Then its
   sender: senders is [map, get, intern, a Uint8Array, ...]; get.call(map, key), key
   the MAC as a number, gives the interned MAC, and get.call(peers, mac) its
   peers_table entry [rssi, time], updated here; a sender not in map or
   without an entry is intern(key, rssi, time)'s, which returns the mac;
   the Uint8Array whose kind recv()'s message, a view of all its buffer, takes. out is written as mode says
   (RECEIVE_NEW: made here), count its elements to fill (recvinto's 2 or 4).
   map's table and the arrays are read and written directly where XS would
   run no JS (modESPNowBytes.h). Returns the length; 0 if none came within
   timeout (negative: wait for ever); -length if target is too small. A bad
   target throws before anything is read. JS runs after the copy (intern; a
   user's entry may be a Proxy), and espnow is not used after that. */
static xsIntegerValue receive(xsMachine *the, modESPNow espnow, ReceiveSlots s, xsIntegerValue timeout, xsIntegerValue mode, xsIntegerValue count)
{
	const char *name = (RECEIVE_INTO == mode) ? "recvinto: data[1]" : "target";
	void *data;
	xsUnsignedValue capacity;
	/* checked once: nothing below changes what target is */
	if (RECEIVE_NEW != mode)
		checkBytes(the, s->target, name);
	uint32_t started = (timeout > 0) ? espnow_radio_millis() : 0;
	espnowRxInfoRecord info;
	int result;

	for (;;) {
		result = espnow_ring_peek(&espnow->core.ring, &info);
		if (ESPNOW_RING_OK == result) {
			if (RECEIVE_NEW == mode)
				xsmcSetArrayBuffer(*s->target, NULL, info.length);
			else
				espnow_bytes_fit(the, s->target, info.length);
			/* after espnow_bytes_fit, which may move chunks: no JS runs from here to the copy */
			xsmcGetBufferWritable(*s->target, &data, &capacity);
			if (capacity < info.length)
				return -(xsIntegerValue)info.length;
			result = espnow_ring_take(&espnow->core.ring, &info, data, capacity);
			if (result > 0)
				break;
		}
		if (ESPNOW_RING_EMPTY != result) {
			/* ESPNOW_RING_CORRUPT (TOO_SMALL cannot be: capacity was checked) */
			espnow_ring_flush(&espnow->core.ring);
			continue;
		}
		/* a target that cannot be written throws now, not when a message comes */
		if (RECEIVE_NEW != mode)
			xsmcGetBufferWritable(*s->target, &data, &capacity);
		if (timeout == 0)
			break;
		int32_t remaining = -1;
		if (timeout > 0) {
			uint32_t elapsed = espnow_radio_millis() - started;
			if (elapsed >= (uint32_t)timeout)
				break;
			remaining = timeout - (int32_t)elapsed;
		}
		espnow_radio_wait(remaining);
	}
	/* meta: rssi, time, the key (numbers: no root needed); scratch: the
	   sender's mac; entry: its peers_table entry (RECEIVE_NEW: may be out,
	   which is made after) */
	xsSlot meta[3];
	xsmcSetUndefined(*s->entry);
	if (result <= 0) {
		/* out = [null, null]; recvinto's data is left as it is */
		if (RECEIVE_INTO == mode)
			return 0;
		xsmcSetNull(*s->scratch);
	}
	else {
		xsmcSetInteger(meta[0], info.rssi);
		xsmcSetNumber(meta[1], info.timestamp);
		xsmcSetNumber(meta[2], macKey(info.mac));
		if (!espnow_map_get(the, s->map, &meta[2], s->scratch))
			callSenders(the, s->senders, 1, s->map, &meta[2], meta, s->scratch);
		if ((xsReferenceType == xsmcTypeOf(*s->scratch)) && !espnow_map_get(the, s->peers, s->scratch, s->entry))
			callSenders(the, s->senders, 1, s->peers, s->scratch, meta, s->entry);
		if (xsReferenceType == xsmcTypeOf(*s->entry))
			setRSSITime(the, s->entry, 0, meta);
		else
			callSenders(the, s->senders, 2, s->entry, &meta[2], meta, s->scratch);
		if (RECEIVE_NEW == mode) {
			/* target = new Uint8Array(target), like senders[3] */
			getIndex(the, s->senders, 3, s->entry);
			if (!espnow_bytes_view(the, s->entry, s->target, info.length, s->target))
				xsTypeError("senders[3] is not a Uint8Array");
		}
	}
	if (RECEIVE_NEW == mode)
		xsmcSetNewArray(*s->out, 2);
	setIndex(the, s->out, 0, s->scratch);
	if (RECEIVE_INTO != mode)
		setIndex(the, s->out, 1, (result > 0) ? s->target : s->scratch);
	else if (count == 4)
		setRSSITime(the, s->out, 2, meta);
	return (result > 0) ? info.length : 0;
}

/* The receiving state espnow.ts gives setReceiving once it boots: receive()'s
   senders (0..3), then irecv()'s pair and message buffer (undefined until
   its first call), the default timeout (config's timeout_ms), the checked
   paths of irecv(), recv() and recvinto(), refused(code, msg), the error
   of a data recvinto() refuses, next()'s step, send()'s checked path and
   peers_table. Rooted for the machine that set it, with copies of what
   every receive reads (the map, the pair, the message, the timeout,
   peers_table), each rooted too: espnow.ts gives the state again when it
   changes one of them. */
enum {
	STATE_PAIR = 4,
	STATE_MESSAGE,
	STATE_TIMEOUT,
	STATE_IRECV,
	STATE_RECV,
	STATE_RECVINTO,
	STATE_REFUSED,
	STATE_STEP,
	STATE_SEND,
	STATE_PEERS
};

/* receive(out, target, timeoutMs, mode, senders): receive() above, for
   the checked paths of espnow.ts: recv() (RECEIVE_NEW: returns out),
   recvinto() (RECEIVE_INTO; out is data, target unused; a data it refuses
   returns a RECEIVE_NOT_ code, nothing read) and irecv() (RECEIVE_PAIR). JS
   runs before the record is taken (the conversions, getInto). */
void xs_espnow_receive(xsMachine *the)
{
	xsmcVars(1);
	xsIntegerValue timeout = xsmcToInteger(xsArg(2));
	xsIntegerValue mode = xsmcToInteger(xsArg(3));
	xsIntegerValue count = 2;
	if (RECEIVE_INTO == mode) {
		count = getInto(the, &xsArg(0), &xsArg(1));
		if ((count > 0) && !xsmcGetHostDataValidate(xsThis, xs_espnow_destructor))
			count = RECEIVE_CLOSED;
		if (count < 0) {
			xsmcSetInteger(xsResult, count);
			return;
		}
	}
	getIndex(the, &xsArg(4), 0, &xsResult);
	getIndex(the, &xsArg(4), STATE_PEERS, &xsVar(0));
	ReceiveSlotsRecord slots = { &xsArg(0), &xsArg(1), &xsArg(2), &xsArg(3), &xsArg(4), &xsResult, &xsVar(0) };
	xsIntegerValue answer = receive(the, getRecord(the), &slots, timeout, mode, count);
	if (RECEIVE_NEW == mode)
		xsResult = xsArg(0);
	else
		xsmcSetInteger(xsResult, answer);
}

/* The state, then what every receive reads of it: kept slots, each rooted. */
enum { KEPT_STATE, KEPT_MAP, KEPT_PAIR, KEPT_MESSAGE, KEPT_STEP, KEPT_PEERS, KEPT_COUNT };
static xsSlot gKept[KEPT_COUNT];
#define gReceiving (gKept[KEPT_STATE])
#define gMap (gKept[KEPT_MAP])
#define gPair (gKept[KEPT_PAIR])
#define gMessage (gKept[KEPT_MESSAGE])
#define gStep (gKept[KEPT_STEP])
#define gPeers (gKept[KEPT_PEERS])
static xsIntegerValue gTimeout;
static xsMachine *gReceivingRoot = NULL;

/* Radio.setReceiving(state). A remembered slot is linked through its next:
   each is forgotten before it is written, and no JS runs in between. */
void xs_espnow_set_receiving(xsMachine *the)
{
	static const uint8_t items[KEPT_COUNT] = { 0, 0, STATE_PAIR, STATE_MESSAGE, STATE_STEP, STATE_PEERS };
	if (!xsmcIsInstanceOf(xsArg(0), xsArrayPrototype))
		xsTypeError("state must be an array");
	if (gReceivingRoot && (gReceivingRoot != the))
		xsUnknownError("ESP-NOW is another machine's");
	xsmcVars(KEPT_COUNT);
	xsVar(KEPT_STATE) = xsArg(0);
	for (int i = KEPT_MAP; i < KEPT_COUNT; i++)
		getIndex(the, &xsArg(0), items[i], &xsVar(i));
	getIndex(the, &xsArg(0), STATE_TIMEOUT, &xsResult);
	gTimeout = xsmcToInteger(xsResult);
	for (int i = 0; i < KEPT_COUNT; i++) {
		if (gReceivingRoot)
			xsForget(gKept[i]);
		gKept[i] = xsVar(i);
		xsRemember(gKept[i]);
	}
	gReceivingRoot = the;
	xsmcSetUndefined(xsResult);
}

/* irecv(), recv(), recvinto() and next(): ESPNow.prototype's own (espnow.ts
   sets them), so that no JS frame stands between the caller and the ring. Each
   takes timeout_ms when it is absent, undefined or an integer, as espnow.ts's
   timeoutOf would (a negative one: for ever), and hands anything else (a
   fraction, NaN, null, another type), ESP-NOW off and
   irecv()'s buffer not yet made to its checked path in espnow.ts, which
   validates, reports and receives (Radio.receive) as the API says.
   They read nothing of this. Their vars and xsResult are receive()'s
   slots (irecv()'s out and target are the kept pair and message; recv()'s
   out is xsResult). Each var costs a computron: as few as will do. */

#define CHECKED (-2)
/* beginReceive's index when the call takes no timeout: the default */
#define NO_TIMEOUT (-1)

/* vars, and from argument index (NO_TIMEOUT: none) the timeout in ms (-1:
   for ever), or CHECKED. */
static xsIntegerValue beginReceive(xsMachine *the, xsIntegerValue index, xsIntegerValue vars)
{
	if (gReceivingRoot != the)
		xsTypeError("ESP-NOW has not started on this machine");
	xsmcVars(vars);
	xsType type = ((index >= 0) && (xsmcArgc > index)) ? xsmcTypeOf(xsArg(index)) : xsUndefinedType;
	xsIntegerValue timeout;
	if (xsUndefinedType == type)
		timeout = gTimeout;
	else if (xsIntegerType == type)
		timeout = xsmcToInteger(xsArg(index));
	else
		return CHECKED;
	return (timeout < 0) ? -1 : timeout;
}

/* xsResult = state[which].call(this, ...the first count arguments, *last),
   absent arguments undefined, *last only if given; xsVar(0) is scratch */
static void callChecked(xsMachine *the, xsIntegerValue which, xsIntegerValue count, xsSlot *last)
{
	xsIntegerValue argc = xsmcArgc;
	getIndex(the, &gReceiving, which, &xsVar(0));
	xsOverflow(-XS_FRAME_COUNT - count - 1);
	fxPush(xsThis);
	fxPush(xsVar(0));
	fxCall(the);
	for (xsIntegerValue i = 0; i < count; i++) {
		if (i < argc)
			fxPush(xsArg(i));
		else
			fxPush(xsUndefined);
	}
	if (last)
		fxPush(*last);
	fxRunCount(the, count + (last ? 1 : 0));
	xsResult = fxPop();
}

/* irecv(timeout_ms) */
/* irecv(), its timeout the argument count says (0: none, the default) */
static void irecv(xsMachine *the, xsIntegerValue count)
{
	xsIntegerValue timeout = beginReceive(the, count ? 0 : NO_TIMEOUT, 1);
	modESPNow espnow = gOpen;
	if ((CHECKED == timeout) || !espnow || (xsReferenceType != xsmcTypeOf(gMessage))) {
		callChecked(the, STATE_IRECV, count, NULL);
		return;
	}
	/* receive() only reads out and target in this mode: the kept slots themselves */
	ReceiveSlotsRecord slots = { &gPair, &gMessage, &xsVar(0), &xsResult, &gReceiving, &gMap, &gPeers };
	receive(the, espnow, &slots, timeout, RECEIVE_PAIR, 2);
	xsResult = gPair;
}

void xs_espnow_irecv(xsMachine *the)
{
	irecv(the, 1);
}

/* next(): irecv() with the default timeout, for for...of; the step whose
   value is the pair */
void xs_espnow_next(xsMachine *the)
{
	irecv(the, 0);
	xsResult = gStep;
}

/* recv(timeout_ms) */
void xs_espnow_recv(xsMachine *the)
{
	xsIntegerValue timeout = beginReceive(the, 0, 2);
	modESPNow espnow = gOpen;
	if ((CHECKED == timeout) || !espnow) {
		callChecked(the, STATE_RECV, 1, NULL);
		return;
	}
	/* out, made last, is entry too: two vars, not three */
	ReceiveSlotsRecord slots = { &xsResult, &xsVar(0), &xsVar(1), &xsResult, &gReceiving, &gMap, &gPeers };
	receive(the, espnow, &slots, timeout, RECEIVE_NEW, 2);
}

/* recvinto(data, timeout_ms) */
void xs_espnow_recvinto(xsMachine *the)
{
	xsIntegerValue timeout = beginReceive(the, 1, 2);
	/* no data: the checked path says what data must be */
	if ((CHECKED == timeout) || !gOpen || (xsmcArgc < 1)) {
		callChecked(the, STATE_RECVINTO, 2, NULL);
		return;
	}
	uint32_t generation = gOpen->generation;
	/* out is data, the argument's own slot (receive() only reads it in this mode) */
	ReceiveSlotsRecord slots = { &xsArg(0), &xsVar(0), &xsVar(1), &xsResult, &gReceiving, &gMap, &gPeers };
	xsIntegerValue answer = getInto(the, slots.out, slots.target);
	/* getInto ran JS: the radio the call began with may have closed, even if another has opened since */
	modESPNow espnow = gOpen;
	if ((answer > 0) && (!espnow || (espnow->generation != generation)))
		answer = RECEIVE_CLOSED;
	if (answer > 0)
		answer = receive(the, espnow, &slots, timeout, RECEIVE_INTO, answer);
	if (answer >= 0) {
		xsmcSetInteger(xsResult, answer);
		return;
	}
	/* nothing was read: throw refused(answer, data[1]) */
	getIndex(the, &gReceiving, STATE_REFUSED, slots.scratch);
	xsmcSetInteger(xsResult, answer);
	*slots.scratch = xsCallFunction2(*slots.scratch, xsUndefined, xsResult, *slots.target);
	xsThrow(*slots.scratch);
}

/* any(): a message is waiting. */
void xs_espnow_any(xsMachine *the)
{
	modESPNow espnow = getRecord(the);
	xsmcSetBoolean(xsResult, espnow_ring_available(&espnow->core.ring) > 0);
}

/* ---- sending ---- */

/* getMAC and getKey point into a JS buffer, which may be a preloaded module's
   bytes in flash: copy from them with c_memcpy (the ESP8266's espMemCpy reads
   flash a word at a time; a byte load there faults). */
/* A buffer of exactly size bytes, read only. */
static const uint8_t *getFixed(xsMachine *the, xsSlot *slot, xsUnsignedValue size, const char *name)
{
	void *data;
	xsUnsignedValue length;
	getBytes(the, slot, &data, &length, false, name);
	if (length != size)
		xsRangeError("%s must be %d bytes, got %d", name, (int)size, (int)length);
	return data;
}

#define getMAC(the, slot) getFixed(the, slot, ESPNOW_MAC_LEN, "mac")
#define getKey(the, slot) getFixed(the, slot, ESPNOW_KEY_LEN, "key")

/* Every frame sent so far has completed. */
static bool completed(modESPNow espnow)
{
	uint32_t sent = atomic_load_explicit(&espnow->core.tx.packets, memory_order_relaxed);
	return espnow_tx_stats_completions(&espnow->core.tx) == sent;
}

/* Wait until every frame sent so far has completed. */
static bool settle(modESPNow espnow, uint32_t timeoutMs)
{
	uint32_t started = espnow_radio_millis();
	for (;;) {
		if (completed(espnow))
			return true;
		uint32_t elapsed = espnow_radio_millis() - started;
		if (elapsed >= timeoutMs)
			return false;
		espnow_radio_wait((int32_t)(timeoutMs - elapsed));
	}
}

/* Queue one frame, offering it again while the radio's TX queue is full. */
static int offer(const uint8_t *mac, const void *data, size_t length)
{
	uint32_t started = espnow_radio_millis();
	for (;;) {
		int result = espnow_radio_send(mac, data, length);
		if (result != ESPNOW_ESP_ERR_ESPNOW_NO_MEM)
			return result;
		uint32_t elapsed = espnow_radio_millis() - started;
		if (elapsed >= MODDEF_ESPNOW_NO_MEM_TIMEOUT_MS)
			return result;
		uint32_t remaining = MODDEF_ESPNOW_NO_MEM_TIMEOUT_MS - elapsed;
		espnow_radio_wait((int32_t)(remaining < NO_MEM_POLL_MS ? remaining : NO_MEM_POLL_MS));
	}
}

/* What send() returns for arguments it does not take: espnow.ts checks
   them (and turns a string into bytes) and calls again. */
#define SEND_UNCHECKED (-1)

/* Radio.prototype.send(mac or null, message, sync) and the frames of
   ESPNow.prototype.send: to one peer (*mac), or (mac NULL, or *mac null or
   undefined) to every registered unicast peer. Returns 0 (queued; for sync:
   every peer acknowledged), 1 (sync: some peer did not), an ESP-IDF error
   number (ESP_ERR_ESPNOW_ARG for a message of 0 or over the radio's bytes,
   as esp_now_send answers, nothing sent; ESP_ERR_ESPNOW_NO_MEM once the TX
   queue stayed full for 2 s), or SEND_UNCHECKED for a mac or message that is
   not real bytes of the right length (nothing sent). No JS runs here. */
static int sendFrames(xsMachine *the, modESPNow espnow, xsSlot *mac, xsSlot *message, xsBooleanValue sync)
{
	uint8_t destinations[ESPNOW_MAX_PEERS][ESPNOW_MAC_LEN];
	int count = 0;
	void *data;
	xsUnsignedValue length;
	xsIntegerValue type = mac ? xsmcTypeOf(*mac) : xsNullType;
	xsBooleanValue all = (xsUndefinedType == type) || (xsNullType == type);

	if (ESPNOW_BYTES_NONE == espnow_bytes_kind(the, message))
		return SEND_UNCHECKED;
	if (!all) {
		if (ESPNOW_BYTES_NONE == espnow_bytes_kind(the, mac))
			return SEND_UNCHECKED;
		xsmcGetBufferReadable(*mac, &data, &length);
		if (length != ESPNOW_MAC_LEN)
			return SEND_UNCHECKED;
		/* c_memcpy: the mac may be a preloaded module's bytes in flash (see getMAC) */
		c_memcpy(destinations[count++], data, ESPNOW_MAC_LEN);
	}
	xsmcGetBufferReadable(*message, &data, &length);
	if (length < 1 || length > espnow_radio_max_data_len())
		return ESPNOW_ESP_ERR_ESPNOW_ARG;

	if (all) {
		espnowPeerRecord peer;
		for (bool first = true; ESPNOW_ESP_OK == espnow_radio_fetch_peer(first, &peer); first = false) {
			if (!(peer.mac[0] & 1) && count < ESPNOW_MAX_PEERS)
				memcpy(destinations[count++], peer.mac, ESPNOW_MAC_LEN);
		}
	}

	/* sync: what failed before is not ours */
	uint32_t failures = 0;
	if (sync) {
		settle(espnow, MODDEF_ESPNOW_SEND_TIMEOUT_MS);
		failures = atomic_load_explicit(&espnow->core.tx.failures, memory_order_acquire);
	}
	for (int i = 0; i < count; i++) {
		int result = offer(destinations[i], data, length);
		if (result != ESPNOW_ESP_OK)
			return result;
		espnow_tx_stats_sent(&espnow->core.tx);
	}
	if (sync && (!settle(espnow, MODDEF_ESPNOW_SEND_TIMEOUT_MS) || (atomic_load_explicit(&espnow->core.tx.failures, memory_order_acquire) != failures)))
		return 1;
	return 0;
}

/* Radio.prototype.send(mac, message, sync): sendFrames' result. espnow.ts
   hands the send log to on_send after. */
void xs_espnow_radio_send(xsMachine *the)
{
	modESPNow espnow = getRecord(the);
	xsmcSetInteger(xsResult, sendFrames(the, espnow, &xsArg(0), &xsArg(1), xsmcTest(xsArg(2))));
}

/* ESPNow.prototype.send(msg) or (mac, msg, sync = true), the hot path with
   no JS frame, as irecv: sends here when ESP-NOW is on, no send log is kept
   (no on_send, no AIOESPNow sending: the log must be handed on after) and
   sendFrames takes mac and msg; returns true, or false for a sync send that
   some peer did not acknowledge. Anything else goes to espnow.ts's checked
   send, which converts (a string), checks, sends, hands the log on and
   reports; with the error of frames sent here, to report it without sending
   them again. */
void xs_espnow_send(xsMachine *the)
{
	xsIntegerValue argc = xsmcArgc;
	modESPNow espnow = gOpen;
	int result = SEND_UNCHECKED;
	uint32_t sent = 0;
	if ((gReceivingRoot == the) && espnow && (argc > 0) && !atomic_load_explicit(&espnow->core.sendLog.on, memory_order_relaxed)) {
		/* frames counted as they go out (this thread only): whether any did */
		sent = atomic_load_explicit(&espnow->core.tx.packets, memory_order_relaxed);
		xsBooleanValue one = (argc < 2) || (xsUndefinedType == xsmcTypeOf(xsArg(1)));
		/* sync: true when absent or undefined, as its default says; always for send(msg) */
		xsBooleanValue sync = one || (argc < 3) || (xsUndefinedType == xsmcTypeOf(xsArg(2))) || xsmcTest(xsArg(2));
		result = sendFrames(the, espnow, one ? NULL : &xsArg(0), one ? &xsArg(0) : &xsArg(1), sync);
		if ((0 == result) || (1 == result)) {
			xsmcSetBoolean(xsResult, 0 == result);
			return;
		}
	}
	xsmcVars(1);
	/* refused before anything went out: the checked path says why (a wrong length) or sends what it converts */
	if ((SEND_UNCHECKED == result) || ((ESPNOW_ESP_ERR_ESPNOW_ARG == result) && (atomic_load_explicit(&espnow->core.tx.packets, memory_order_relaxed) == sent)))
		callChecked(the, STATE_SEND, 3, NULL);
	else {
		xsmcSetInteger(xsResult, result);
		callChecked(the, STATE_SEND, 3, &xsResult);
	}
}

/* logSends(on): keep each send's outcome for nextSendStatus(). */
void xs_espnow_log_sends(xsMachine *the)
{
	espnow_core_log_sends(&getRecord(the)->core, xsmcTest(xsArg(0)));
}

/* nextSendStatus(meta): the oldest kept outcome as [mac as a number,
   delivered 0/1] in meta (a Float64Array); false if there is none. */
void xs_espnow_next_send_status(xsMachine *the)
{
	modESPNow espnow = getRecord(the);
	void *meta = getMeta(the, &xsArg(0));
	espnowSendStatusRecord status;
	bool found = ESPNOW_RING_OK == espnow_core_next_send_status(&espnow->core, &status);
	if (found) {
		double values[3] = { macKey(status.mac), status.delivered ? 1 : 0, 0 };
		memcpy(meta, values, sizeof(values));
	}
	xsmcSetBoolean(xsResult, found);
}

/* array[0..count) = values, as numbers (a count may pass 2^31). */
static void setNumbers(xsMachine *the, xsSlot *array, const uint32_t *values, int count)
{
	xsmcVars(1);
	for (int i = 0; i < count; i++) {
		xsmcSetNumber(xsVar(0), values[i]);
		xsmcSetIndex(*array, i, xsVar(0));
	}
}

/* stats(): [tx_pkts, tx_responses, tx_failures, rx_packets, rx_dropped]. */
void xs_espnow_stats(xsMachine *the)
{
	modESPNow espnow = getRecord(the);
	espnowStatsRecord stats;
	espnow_stats_snapshot(&espnow->core.tx, &espnow->core.ring, &stats);
	uint32_t values[5] = { stats.txPackets, stats.txResponses, stats.txFailures, stats.rxPackets, stats.rxDropped };
	xsmcSetNewArray(xsResult, 5);
	setNumbers(the, &xsResult, values, 5);
}

/* ---- peers ---- */

void xs_espnow_set_pmk(xsMachine *the)
{
	getRecord(the);
	xsmcSetInteger(xsResult, espnow_radio_set_pmk(getKey(the, &xsArg(0))));
}

/* (mac, lmk or null, channel, ifidx, encrypt) -> the peer record; then the
   open record (the conversions may run JS that closes it). */
static modESPNow getPeerArguments(xsMachine *the, espnowPeerRecord *peer)
{
	xsIntegerValue channel = xsmcToInteger(xsArg(2));
	xsIntegerValue ifidx = xsmcToInteger(xsArg(3));
	modESPNow espnow = getRecord(the);
	memset(peer, 0, sizeof(*peer));
	c_memcpy(peer->mac, getMAC(the, &xsArg(0)), ESPNOW_MAC_LEN);
	if (xsmcTest(xsArg(1)))
		c_memcpy(peer->lmk, getKey(the, &xsArg(1)), ESPNOW_KEY_LEN);
	checkRange(the, channel, 0, 14, "channel");
	checkRange(the, ifidx, ESPNOW_IF_STA, ESPNOW_IF_AP, "ifidx");
	peer->channel = (uint8_t)channel;
	peer->ifidx = (uint8_t)ifidx;
	peer->encrypt = xsmcTest(xsArg(4));
	return espnow;
}

/* addPeer and modPeer: one body, told apart by the function XS called. */
static void setPeerWith(xsMachine *the, int (*set)(const espnowPeerRecord *peer))
{
	espnowPeerRecord peer;
	getPeerArguments(the, &peer);
	xsmcSetInteger(xsResult, set(&peer));
}

void xs_espnow_add_peer(xsMachine *the)
{
	setPeerWith(the, espnow_radio_add_peer);
}

void xs_espnow_mod_peer(xsMachine *the)
{
	setPeerWith(the, espnow_radio_mod_peer);
}

void xs_espnow_del_peer(xsMachine *the)
{
	getRecord(the);
	xsmcSetInteger(xsResult, espnow_radio_del_peer(getMAC(the, &xsArg(0))));
}

/* The result of getPeer and fetchPeer: when it is ESP_OK, out (argument 1)
   = [mac ArrayBuffer, lmk ArrayBuffer, channel, ifidx, encrypt]. */
static void setPeer(xsMachine *the, int result, const espnowPeerRecord *peer)
{
	if (ESPNOW_ESP_OK == result) {
		xsmcVars(1);
		for (xsIntegerValue i = 0; i < 5; i++) {
			/* The casts: fxArrayBuffer takes a void * but only copies from it. */
			if (0 == i)
				xsmcSetArrayBuffer(xsVar(0), (void *)peer->mac, ESPNOW_MAC_LEN);
			else if (1 == i)
				xsmcSetArrayBuffer(xsVar(0), (void *)peer->lmk, peer->encrypt ? ESPNOW_KEY_LEN : 0);
			else if (4 == i)
				xsmcSetBoolean(xsVar(0), peer->encrypt);
			else
				xsmcSetInteger(xsVar(0), (2 == i) ? peer->channel : peer->ifidx);
			xsmcSetIndex(xsArg(1), i, xsVar(0));
		}
	}
	xsmcSetInteger(xsResult, result);
}

/* getPeer(mac, out): fills out (see setPeer); returns an error number. */
void xs_espnow_get_peer(xsMachine *the)
{
	espnowPeerRecord peer;
	getRecord(the);
	setPeer(the, espnow_radio_get_peer(getMAC(the, &xsArg(0)), &peer), &peer);
}

/* fetchPeer(first, out): the first or next registered peer into out;
   ESP_ERR_ESPNOW_NOT_FOUND after the last. */
void xs_espnow_fetch_peer(xsMachine *the)
{
	espnowPeerRecord peer;
	getRecord(the);
	setPeer(the, espnow_radio_fetch_peer(xsmcTest(xsArg(0)), &peer), &peer);
}

/* peerCount(out): out = [total, encrypted]; returns an error number. */
void xs_espnow_peer_count(xsMachine *the)
{
	int total = 0, encrypted = 0;
	getRecord(the);
	int result = espnow_radio_peer_count(&total, &encrypted);
	uint32_t values[2] = { (uint32_t)total, (uint32_t)encrypted };
	setNumbers(the, &xsArg(0), values, 2);
	xsmcSetInteger(xsResult, result);
}

void xs_espnow_set_rate(xsMachine *the)
{
	xsIntegerValue rate = xsmcToInteger(xsArg(0));
	getRecord(the);
	xsmcSetInteger(xsResult, espnow_radio_set_rate(rate));
}

/* maxDataLength(): 250, or 1470 where the radio speaks ESP-NOW v2. */
void xs_espnow_max_data_len(xsMachine *the)
{
	xsmcSetInteger(xsResult, (xsIntegerValue)espnow_radio_max_data_len());
}

/* errorName(errno): "ESP_ERR_ESPNOW_NOT_FOUND", ... ("ESP_ERR_0x..." if unknown). */
void xs_espnow_error_name(xsMachine *the)
{
	xsIntegerValue number = xsmcToInteger(xsArg(0));
	char name[ESPNOW_ERROR_NAME_SIZE];
	if (!espnow_error_name(number, name))
		snprintf(name, sizeof(name), "ESP_ERR_0x%X", (unsigned)number);
	xsmcSetString(xsResult, name);
}

/* ---- for AIOESPNow ---- */

/* sendsSettled(radio): every frame sent so far has completed and every status
   logged has been read. An asend still waiting for a status then never gets
   one: the log was full when its frame completed. Completions are read before
   the log, and the radio task logs a status before counting its completion. */
void xs_espnow_sends_settled(xsMachine *the)
{
	modESPNow espnow = getRecordOf(the, &xsArg(0));
	bool settled = completed(espnow);
	if (settled) {
		uint32_t written = atomic_load_explicit(&espnow->core.sendLog.written, memory_order_acquire);
		settled = written == atomic_load_explicit(&espnow->core.sendLog.read, memory_order_relaxed);
	}
	xsmcSetBoolean(xsResult, settled);
}
