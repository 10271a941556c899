/*
 * For the tests only: the packets published in a ring, counted by reading
 * them from a copy of the consumer's view (the ring itself is not touched;
 * the firmware never needs the count). Returns the count, or
 * ESPNOW_RING_CORRUPT as espnow_ring_read finds it. Single-threaded use.
 */

#ifndef RING_COUNT_H
#define RING_COUNT_H

#include "espnow_ring.h"

static int ring_count(espnowRing ring)
{
	static uint8_t payload[ESPNOW_RING_MAX_PAYLOAD];
	espnowRingRecord view = { .buffer = ring->buffer, .size = ring->size };
	int count = 0, result;
	atomic_init(&view.write, atomic_load(&ring->write));
	atomic_init(&view.read, atomic_load(&ring->read));
	while ((result = espnow_ring_read(&view, NULL, payload, sizeof(payload))) > 0)
		count++;
	return (ESPNOW_RING_EMPTY == result) ? count : result;
}

#endif
