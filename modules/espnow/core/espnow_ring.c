/*
 * espnow_ring: see espnow_ring.h for the packet layout and the memory-ordering
 * design. Everything here is plain C11; no platform headers.
 */

#include <stdbool.h>
#include <string.h>

#include "espnow_ring.h"

#define kMagicOffset (0)
#define kLengthOffset (2)
#define kTimestampOffset (4)
#define kRSSIOffset (8)
#define kMACOffset (9)
#define kCheckOffset (15)

_Static_assert(kCheckOffset + 1 == ESPNOW_RING_HEADER_SIZE, "header layout");
_Static_assert(ESPNOW_RING_MAX_PAYLOAD <= UINT16_MAX, "length field is 16 bits");
_Static_assert(ESPNOW_RING_MAX_SIZE <= (UINT32_MAX / 2), "mirrored indices need 2 * size in 32 bits");

/* The seed xor every header byte before the check: three words, then the
   last three bytes (a word's bytes xor to the same in either byte order) */
static uint8_t headerCheck(const uint8_t *header)
{
	uint32_t words[3];
	memcpy(words, header, sizeof(words));
	uint32_t x = words[0] ^ words[1] ^ words[2];
	x ^= x >> 16;
	x ^= x >> 8;
	return (uint8_t)(ESPNOW_RING_CHECK_SEED ^ x ^ header[12] ^ header[13] ^ header[14]);
}
_Static_assert(kCheckOffset == 15, "headerCheck covers bytes 0..14");

/* Bytes from read to write. Both are in [0, 2 * size): the caller checked. */
static uint32_t distance(uint32_t read, uint32_t write, uint32_t size)
{
	return (write >= read) ? (write - read) : (write + (2 * size) - read);
}

static uint32_t position(uint32_t index, uint32_t size)
{
	return (index < size) ? index : (index - size);
}

static uint32_t advance(uint32_t index, uint32_t count, uint32_t size)
{
	index += count;
	return (index >= (2 * size)) ? (index - (2 * size)) : index;
}

/* Copy count bytes (<= size) between the ring, from index at (< 2 * size),
   and outside: into the ring if in. The copy wraps once at most. */
static void copy(espnowRing ring, uint32_t at, void *outside, uint32_t count, bool in)
{
	while (count) {
		if (at >= ring->size)
			at -= ring->size;
		uint32_t piece = ring->size - at;
		if (piece > count)
			piece = count;
		uint8_t *inside = ring->buffer + at;
		memcpy(in ? inside : outside, in ? outside : inside, piece);
		outside = (uint8_t *)outside + piece;
		count -= piece;
		at += piece;
	}
}

int espnow_ring_init(espnowRing ring, void *memory, uint32_t size)
{
	if ((NULL == ring) || (NULL == memory) || (size < ESPNOW_RING_MIN_SIZE) || (size > ESPNOW_RING_MAX_SIZE))
		return ESPNOW_RING_INVALID;
	ring->buffer = memory;
	ring->size = size;
	espnow_ring_reset(ring);
	return ESPNOW_RING_OK;
}

void espnow_ring_reset(espnowRing ring)
{
	atomic_store_explicit(&ring->write, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->read, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->rxPackets, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->rxDropped, 0, memory_order_relaxed);
	atomic_store_explicit(&ring->rxCorrupt, 0, memory_order_relaxed);
}

int espnow_ring_push(espnowRing ring, const uint8_t mac[ESPNOW_MAC_LEN], int8_t rssi, uint32_t timestamp, const void *payload, size_t length)
{
	uint32_t size = ring->size;
	uint32_t write = atomic_load_explicit(&ring->write, memory_order_relaxed);
	uint32_t read = atomic_load_explicit(&ring->read, memory_order_acquire);
	uint32_t used, need, at;
	uint8_t header[ESPNOW_RING_HEADER_SIZE];
	uint16_t length16;
	uint16_t magic = ESPNOW_RING_MAGIC;

	if ((NULL == mac) || (NULL == payload) || (0 == length) || (length > ESPNOW_RING_MAX_PAYLOAD))
		goto drop;
	if ((write >= (2 * size)) || (read >= (2 * size)))
		goto drop;
	used = distance(read, write, size);
	need = ESPNOW_RING_HEADER_SIZE + (uint32_t)length;
	if ((used > size) || ((size - used) < need))
		goto drop;

	length16 = (uint16_t)length;
	memcpy(header + kMagicOffset, &magic, 2);
	memcpy(header + kLengthOffset, &length16, 2);
	memcpy(header + kTimestampOffset, &timestamp, 4);
	header[kRSSIOffset] = (uint8_t)rssi;
	memcpy(header + kMACOffset, mac, ESPNOW_MAC_LEN);
	header[kCheckOffset] = headerCheck(header);

	at = position(write, size);
	copy(ring, at, header, ESPNOW_RING_HEADER_SIZE, true);
	copy(ring, at + ESPNOW_RING_HEADER_SIZE, (void *)payload, (uint32_t)length, true);	/* only read */

	atomic_store_explicit(&ring->rxPackets, atomic_load_explicit(&ring->rxPackets, memory_order_relaxed) + 1, memory_order_relaxed);
	atomic_store_explicit(&ring->write, advance(write, need, size), memory_order_release);
	return ESPNOW_RING_OK;

drop:
	atomic_store_explicit(&ring->rxDropped, atomic_load_explicit(&ring->rxDropped, memory_order_relaxed) + 1, memory_order_relaxed);
	return ESPNOW_RING_DROPPED;
}

/* Validate the packet at `read`, which has `used` published bytes after it.
   Fills info (may be NULL). Returns its payload length or ESPNOW_RING_CORRUPT. */
static int validate(espnowRing ring, uint32_t read, uint32_t used, espnowRxInfo info)
{
	uint8_t header[ESPNOW_RING_HEADER_SIZE];
	uint16_t magic, length;

	if (used < ESPNOW_RING_HEADER_SIZE)
		return ESPNOW_RING_CORRUPT;
	copy(ring, read, header, ESPNOW_RING_HEADER_SIZE, false);
	memcpy(&magic, header + kMagicOffset, 2);
	memcpy(&length, header + kLengthOffset, 2);
	if ((ESPNOW_RING_MAGIC != magic) || (headerCheck(header) != header[kCheckOffset]))
		return ESPNOW_RING_CORRUPT;
	if ((0 == length) || (length > ESPNOW_RING_MAX_PAYLOAD) || ((used - ESPNOW_RING_HEADER_SIZE) < length))
		return ESPNOW_RING_CORRUPT;
	if (info) {
		info->length = length;
		info->rssi = (int8_t)header[kRSSIOffset];
		memcpy(&info->timestamp, header + kTimestampOffset, 4);
		memcpy(info->mac, header + kMACOffset, ESPNOW_MAC_LEN);
	}
	return length;
}

/* The consumer's view: its own read index and the published write index. */
static int published(espnowRing ring, uint32_t *read, uint32_t *used)
{
	uint32_t size = ring->size;
	uint32_t r = atomic_load_explicit(&ring->read, memory_order_relaxed);
	uint32_t w = atomic_load_explicit(&ring->write, memory_order_acquire);

	if ((r >= (2 * size)) || (w >= (2 * size)))
		return ESPNOW_RING_CORRUPT;
	*read = r;
	*used = distance(r, w, size);
	if (*used > size)
		return ESPNOW_RING_CORRUPT;
	return (0 == *used) ? ESPNOW_RING_EMPTY : ESPNOW_RING_OK;
}

int espnow_ring_peek(espnowRing ring, espnowRxInfo info)
{
	uint32_t read, used;
	int result = published(ring, &read, &used);
	if (ESPNOW_RING_OK != result)
		return result;
	result = validate(ring, read, used, info);
	if (result < 0)
		return result;
	if (info)
		info->at = read;
	return ESPNOW_RING_OK;
}

int espnow_ring_take(espnowRing ring, const espnowRxInfoRecord *info, void *payload, size_t capacity)
{
	uint32_t read, used;
	uint32_t length = info->length;
	if ((ESPNOW_RING_OK != published(ring, &read, &used)) || (read != info->at) || (used < ESPNOW_RING_HEADER_SIZE + length))
		return ESPNOW_RING_CORRUPT;
	if ((NULL == payload) || (capacity < length))
		return ESPNOW_RING_TOO_SMALL;

	copy(ring, position(read, ring->size) + ESPNOW_RING_HEADER_SIZE, payload, length, false);
	atomic_store_explicit(&ring->read, advance(read, ESPNOW_RING_HEADER_SIZE + length, ring->size), memory_order_release);
	return (int)length;
}

int espnow_ring_read(espnowRing ring, espnowRxInfo info, void *payload, size_t capacity)
{
	espnowRxInfoRecord own;
	if (NULL == info)
		info = &own;
	int result = espnow_ring_peek(ring, info);
	return (ESPNOW_RING_OK == result) ? espnow_ring_take(ring, info, payload, capacity) : result;
}

uint32_t espnow_ring_flush(espnowRing ring)
{
	uint32_t size = ring->size;
	uint32_t read, used;
	if (ESPNOW_RING_CORRUPT == published(ring, &read, &used)) {
		/* Indices out of range, or more published than the ring holds: no
		   packet can be trusted. The consumer restarts at the write index;
		   a write index out of range is restarted too (the producer drops
		   every packet while it is, so it never stores it meanwhile). */
		uint32_t write = atomic_load_explicit(&ring->write, memory_order_acquire);
		if (write >= (2 * size)) {
			write = 0;
			atomic_store_explicit(&ring->write, write, memory_order_relaxed);
		}
		atomic_store_explicit(&ring->rxCorrupt, atomic_load_explicit(&ring->rxCorrupt, memory_order_relaxed) + 1, memory_order_relaxed);
		atomic_store_explicit(&ring->read, write, memory_order_release);
		return 0;
	}
	if (used && (validate(ring, read, used, NULL) < 0))
		atomic_store_explicit(&ring->rxCorrupt, atomic_load_explicit(&ring->rxCorrupt, memory_order_relaxed) + 1, memory_order_relaxed);
	atomic_store_explicit(&ring->read, advance(read, used, size), memory_order_release);
	return used;
}

uint32_t espnow_ring_available(espnowRing ring)
{
	uint32_t read, used;
	return (ESPNOW_RING_CORRUPT == published(ring, &read, &used)) ? 0 : used;
}

uint32_t espnow_ring_rx_packets(espnowRing ring)
{
	return atomic_load_explicit(&ring->rxPackets, memory_order_relaxed);
}

uint32_t espnow_ring_rx_dropped(espnowRing ring)
{
	return atomic_load_explicit(&ring->rxDropped, memory_order_relaxed);
}

uint32_t espnow_ring_rx_corrupt(espnowRing ring)
{
	return atomic_load_explicit(&ring->rxCorrupt, memory_order_relaxed);
}
