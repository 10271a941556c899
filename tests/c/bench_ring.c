/*
 * Benchmark, not a test: the instructions one 250-byte packet costs on the
 * receive path, counted by callgrind between client requests (run it with
 * `make -C tests/c bench`). Each measured region is dumped under its own name.
 * Counts are deterministic for one binary on one CPU; they include glibc's
 * memcpy, whose variant depends on the CPU's features.
 */

#include <string.h>
#include <valgrind/callgrind.h>

#include "espnow_radio.h"

#define kLength (250)

static espnowCoreRecord gCore;
static uint8_t gMemory[ESPNOW_RING_DEFAULT_SIZE];
static uint8_t gPayload[kLength];
static uint8_t gOut[kLength];
static const uint8_t kMAC[ESPNOW_MAC_LEN] = {0x24, 0x0A, 0xC4, 0x01, 0x02, 0x03};
static int gWakes;

static void wake(void *refcon, bool post)
{
	(void)refcon;
	gWakes += post;
}

static void at(uint32_t index)
{
	atomic_store(&gCore.ring.write, index);
	atomic_store(&gCore.ring.read, index);
}

#define MEASURE(name, statement) \
	do { \
		CALLGRIND_ZERO_STATS; \
		CALLGRIND_TOGGLE_COLLECT; \
		statement; \
		CALLGRIND_TOGGLE_COLLECT; \
		CALLGRIND_DUMP_STATS_AT(name); \
	} while (0)

int main(void)
{
	espnowRing ring = &gCore.ring;
	espnowRxInfoRecord info;
	int result = 0;

	memset(gPayload, 0x5A, sizeof(gPayload));
	espnow_core_init(&gCore, gMemory, sizeof(gMemory), wake, NULL);

	/* Warm up: resolve memcpy's dynamic binding outside the measured regions. */
	for (int i = 0; i < 4; i++) {
		espnow_ring_push(ring, kMAC, -40, 1, gPayload, kLength);
		espnow_ring_read(ring, &info, gOut, sizeof(gOut));
	}

	at(0);
	MEASURE("ring push, 250 bytes", result = espnow_ring_push(ring, kMAC, -40, 1, gPayload, kLength));
	MEASURE("ring read, 250 bytes", result += espnow_ring_read(ring, &info, gOut, sizeof(gOut)));

	at(ESPNOW_RING_DEFAULT_SIZE - 100);	/* header in one piece, payload split */
	MEASURE("ring push, 250 bytes, wrapping", result += espnow_ring_push(ring, kMAC, -40, 1, gPayload, kLength));
	MEASURE("ring read, 250 bytes, wrapping", result += espnow_ring_read(ring, &info, gOut, sizeof(gOut)));

	at(0);
	espnow_core_acknowledge(&gCore);
	MEASURE("core receive, 250 bytes, wakes JS", espnow_core_on_receive(&gCore, kMAC, -40, 1, gPayload, kLength));
	MEASURE("core receive, 250 bytes, wake pending", espnow_core_on_receive(&gCore, kMAC, -40, 1, gPayload, kLength));

	/* two reads of 250 (pushes return 0); one wake, the second being coalesced */
	return ((500 == result) && (1 == gWakes) && (0 == memcmp(gOut, gPayload, kLength))) ? 0 : 1;
}
