/*
 * Fuzz target: the receive ring (modules/espnow/core/espnow_ring.c). The input
 * is a program: a ring size, then operations (push, peek, read, flush, count,
 * corrupting a byte of the buffer or an index, the binding's read loop). A
 * model (the packets pushed and not yet read) checks every answer while the
 * ring is sound; once corrupted, the ring must still never touch memory
 * outside its buffer or the reader's, never copy more than asked, and the
 * read loop (peek, flush on CORRUPT) must end, after which the ring is sound
 * and empty again. The buffer and every reader's block are heap blocks of
 * their exact size, so AddressSanitizer sees any byte outside them.
 */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "espnow_ring.h"
#include "fuzz.h"
#include "ring_count.h"

#define MODEL_MAX (4096)

typedef struct {
	const uint8_t *data;
	size_t size, at;
} reader;

static uint32_t take(reader *r, int bytes)
{
	uint32_t value = 0;
	for (int i = 0; i < bytes; i++)
		value |= (uint32_t)((r->at < r->size) ? r->data[r->at++] : 0) << (8 * i);
	return value;
}

static void fill(uint8_t *bytes, size_t length, uint32_t seed)
{
	for (size_t i = 0; i < length; i++)
		bytes[i] = (uint8_t)(seed * 131u + i * 7u);
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz ring: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[ESPNOW_MAC_LEN] = { 2, 4, 6, 8, 10, 12 };
	static uint8_t payload[ESPNOW_RING_MAX_PAYLOAD + 64];
	struct { uint16_t length; uint8_t seed; } model[MODEL_MAX];
	int head = 0, tail = 0;	/* model[head..tail) */
	bool sound = true;
	reader in = { data, size, 0 };
	uint32_t ringSize = ESPNOW_RING_MIN_SIZE + take(&in, 2) % 4096;
	uint8_t *memory = malloc(ringSize);
	espnowRingRecord ring;
	if (espnow_ring_init(&ring, memory, ringSize) != ESPNOW_RING_OK)
		fail("init refused a valid size");
	memset(memory, 0, ringSize);
	while (in.at < in.size) {
		uint8_t op = (uint8_t)take(&in, 1);
		switch (op % 8) {
		case 0: {
			uint32_t length = take(&in, 2) % (ESPNOW_RING_MAX_PAYLOAD + 40);
			uint8_t seed = (uint8_t)take(&in, 1);
			fill(payload, length, seed);
			int result = espnow_ring_push(&ring, mac, -40, seed, payload, length);
			if (result == ESPNOW_RING_OK) {
				if (sound && tail < MODEL_MAX) {
					model[tail].length = (uint16_t)length;
					model[tail].seed = seed;
					tail++;
				}
				else
					sound = false;
			}
			else if (result != ESPNOW_RING_DROPPED)
				fail("push returned neither OK nor DROPPED");
			else if (sound && length >= 1 && length <= ESPNOW_RING_MAX_PAYLOAD && (ringSize - espnow_ring_available(&ring)) >= ESPNOW_RING_HEADER_SIZE + length)
				fail("push dropped a packet that fits");
			break;
		}
		case 1: {
			espnowRxInfoRecord info;
			int result = espnow_ring_peek(&ring, &info);
			if (sound) {
				if ((head == tail) != (result == ESPNOW_RING_EMPTY))
					fail("peek disagrees with the model about emptiness");
				if (result == ESPNOW_RING_OK && (info.length != model[head].length || info.timestamp != model[head].seed))
					fail("peek describes another packet");
			}
			break;
		}
		case 2: {
			uint32_t capacity = take(&in, 2) % (ESPNOW_RING_MAX_PAYLOAD + 40);
			uint8_t *to = malloc(capacity ? capacity : 1);
			espnowRxInfoRecord info;
			int result = espnow_ring_read(&ring, &info, capacity ? to : NULL, capacity);
			if (result > (int)capacity)
				fail("read returned more than its capacity");
			if (sound) {
				if (head == tail) {
					if (result != ESPNOW_RING_EMPTY)
						fail("read of an empty ring");
				}
				else if (capacity < model[head].length) {
					if (result != ESPNOW_RING_TOO_SMALL)
						fail("read into too small a buffer");
				}
				else {
					uint8_t expected[ESPNOW_RING_MAX_PAYLOAD];
					fill(expected, model[head].length, model[head].seed);
					if (result != model[head].length || memcmp(to, expected, (size_t)result) || memcmp(info.mac, mac, ESPNOW_MAC_LEN))
						fail("read another packet than the model's next");
					head++;
				}
			}
			free(to);
			break;
		}
		case 3:
			espnow_ring_flush(&ring);
			head = tail = 0;
			sound = true;
			break;
		case 4: {
			int count = ring_count(&ring);
			uint32_t available = espnow_ring_available(&ring);
			if (available > ringSize)
				fail("more available than the ring holds");
			if (sound) {
				uint32_t bytes = 0;
				for (int i = head; i < tail; i++)
					bytes += ESPNOW_RING_HEADER_SIZE + model[i].length;
				if (count != tail - head || available != bytes)
					fail("count or available disagree with the model");
			}
			break;
		}
		case 5:
			memory[take(&in, 2) % ringSize] ^= (uint8_t)(1 + take(&in, 1) % 255);
			sound = false;
			break;
		case 6: {
			uint32_t value = take(&in, 4);
			if (take(&in, 1) & 1)
				atomic_store(&ring.write, value);
			else
				atomic_store(&ring.read, value);
			sound = false;
			break;
		}
		default: {
			/* modESPNow.c receive()'s loop: peek; on CORRUPT flush and look again */
			int rounds = 0, result;
			while ((result = espnow_ring_peek(&ring, NULL)) == ESPNOW_RING_CORRUPT) {
				if (++rounds > 2)
					fail("the read loop spins on a corrupt ring");
				espnow_ring_flush(&ring);
				head = tail = 0;
				sound = true;
			}
			if (result != ESPNOW_RING_OK && result != ESPNOW_RING_EMPTY)
				fail("peek returned an unknown code");
			break;
		}
		}
	}
	free(memory);
	return 0;
}

FUZZ_MAIN("ring")
