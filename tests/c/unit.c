/*
 * Unit tests of the portable core: the receive ring, the stats, the error
 * table, and the JS wake. Single-threaded; the stress test covers threads.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "espnow_errors.h"
#include "espnow_radio.h"
#include "ring_count.h"

static const uint8_t kMAC[ESPNOW_MAC_LEN] = {0x24, 0x0A, 0xC4, 0x11, 0x22, 0x33};

static void fill(uint8_t *bytes, size_t length, unsigned seed)
{
	for (size_t i = 0; i < length; i++)
		bytes[i] = (uint8_t)(seed * 131u + i * 7u + (i >> 8));
}

static bool matches(const uint8_t *bytes, size_t length, unsigned seed)
{
	for (size_t i = 0; i < length; i++) {
		if (bytes[i] != (uint8_t)(seed * 131u + i * 7u + (i >> 8)))
			return false;
	}
	return true;
}

static int pushSeeded(espnowRing ring, size_t length, unsigned seed)
{
	uint8_t payload[ESPNOW_RING_MAX_PAYLOAD + 1];
	uint8_t mac[ESPNOW_MAC_LEN];
	memcpy(mac, kMAC, sizeof(mac));
	mac[5] = (uint8_t)seed;
	fill(payload, length, seed);
	return espnow_ring_push(ring, mac, (int8_t)(-(int)(seed % 128)), 1000u + seed, payload, length);
}

/* Read one packet and check every field against what pushSeeded wrote. */
static bool readSeeded(espnowRing ring, size_t length, unsigned seed)
{
	uint8_t payload[ESPNOW_RING_MAX_PAYLOAD];
	espnowRxInfoRecord info;
	int result = espnow_ring_read(ring, &info, payload, sizeof(payload));
	if (result != (int)length)
		return false;
	return (info.length == length) && (info.rssi == (int8_t)(-(int)(seed % 128))) && (info.timestamp == 1000u + seed)
		&& (0 == memcmp(info.mac, kMAC, 5)) && (info.mac[5] == (uint8_t)seed) && matches(payload, length, seed);
}

/* ---- ring ---- */

static void init_rejects_bad_memory_and_sizes(void)
{
	espnowRingRecord ring;
	uint8_t memory[64];
	CHECK_EQ(espnow_ring_init(&ring, NULL, 64), ESPNOW_RING_INVALID);
	CHECK_EQ(espnow_ring_init(&ring, memory, ESPNOW_RING_MIN_SIZE - 1), ESPNOW_RING_INVALID);
	CHECK_EQ(espnow_ring_init(&ring, memory, ESPNOW_RING_MAX_SIZE + 1), ESPNOW_RING_INVALID);
	CHECK_EQ(espnow_ring_init(&ring, memory, ESPNOW_RING_MIN_SIZE), ESPNOW_RING_OK);
	CHECK_EQ(pushSeeded(&ring, 1, 1), ESPNOW_RING_OK);
	CHECK(readSeeded(&ring, 1, 1));
}

static void empty_ring_has_nothing_to_read(void)
{
	espnowRingRecord ring;
	uint8_t memory[ESPNOW_RING_DEFAULT_SIZE];
	uint8_t payload[8];
	espnowRxInfoRecord info;
	espnow_ring_init(&ring, memory, sizeof(memory));
	CHECK_EQ(espnow_ring_peek(&ring, &info), ESPNOW_RING_EMPTY);
	CHECK_EQ(espnow_ring_read(&ring, &info, payload, sizeof(payload)), ESPNOW_RING_EMPTY);
	CHECK_EQ(espnow_ring_available(&ring), 0);
	CHECK_EQ(ring_count(&ring), 0);
	CHECK_EQ(espnow_ring_flush(&ring), 0);
	CHECK_EQ(espnow_ring_rx_packets(&ring), 0);
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 0);
}

static void one_packet_round_trips_with_its_header(void)
{
	espnowRingRecord ring;
	uint8_t memory[ESPNOW_RING_DEFAULT_SIZE];
	uint8_t payload[250];
	espnowRxInfoRecord info;
	espnow_ring_init(&ring, memory, sizeof(memory));
	CHECK_EQ(espnow_ring_push(&ring, kMAC, -42, 123456789u, "hello", 5), ESPNOW_RING_OK);
	CHECK_EQ(espnow_ring_available(&ring), ESPNOW_RING_HEADER_SIZE + 5);
	CHECK_EQ(ring_count(&ring), 1);
	CHECK_EQ(espnow_ring_peek(&ring, &info), ESPNOW_RING_OK);
	CHECK_EQ(info.length, 5);
	CHECK_EQ(info.rssi, -42);
	CHECK_EQ(info.timestamp, 123456789u);
	CHECK(0 == memcmp(info.mac, kMAC, ESPNOW_MAC_LEN));
	CHECK_EQ(ring_count(&ring), 1);
	memset(&info, 0, sizeof(info));
	CHECK_EQ(espnow_ring_read(&ring, &info, payload, sizeof(payload)), 5);
	CHECK(0 == memcmp(payload, "hello", 5));
	CHECK_EQ(info.rssi, -42);
	CHECK_EQ(info.timestamp, 123456789u);
	CHECK_EQ(espnow_ring_peek(&ring, &info), ESPNOW_RING_EMPTY);
	CHECK_EQ(espnow_ring_available(&ring), 0);
	CHECK_EQ(espnow_ring_rx_packets(&ring), 1);
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 0);
}

static void read_accepts_a_null_info(void)
{
	espnowRingRecord ring;
	uint8_t memory[64];
	uint8_t payload[4];
	espnow_ring_init(&ring, memory, sizeof(memory));
	pushSeeded(&ring, 4, 9);
	CHECK_EQ(espnow_ring_read(&ring, NULL, payload, sizeof(payload)), 4);
	CHECK(matches(payload, 4, 9));
}

static void packets_come_out_in_order(void)
{
	espnowRingRecord ring;
	uint8_t memory[1024];
	espnow_ring_init(&ring, memory, sizeof(memory));
	for (unsigned i = 0; i < 10; i++)
		CHECK_EQ(pushSeeded(&ring, 10 + i * 5, i), ESPNOW_RING_OK);
	CHECK_EQ(ring_count(&ring), 10);
	for (unsigned i = 0; i < 10; i++)
		CHECK(readSeeded(&ring, 10 + i * 5, i));
	CHECK_EQ(ring_count(&ring), 0);
}

/* Put an empty ring's indices at `index` (0..2 * size - 1): any two equal
   indices in range are a valid empty ring. */
static void moveTo(espnowRing ring, uint32_t index)
{
	atomic_store(&ring->write, index);
	atomic_store(&ring->read, index);
}

static void packets_wrap_around_at_every_offset(void)
{
	enum { kSize = 97, kLength = 30 };	/* two packets use 92 of 97 bytes */
	espnowRingRecord ring;
	uint8_t memory[kSize];
	for (uint32_t offset = 0; offset < 2 * kSize; offset++) {
		espnow_ring_init(&ring, memory, kSize);
		moveTo(&ring, offset);
		CHECK_EQ(pushSeeded(&ring, kLength, offset), ESPNOW_RING_OK);
		CHECK_EQ(pushSeeded(&ring, kLength, offset + 1000), ESPNOW_RING_OK);
		CHECK_EQ(ring_count(&ring), 2);
		CHECK(readSeeded(&ring, kLength, offset));
		CHECK(readSeeded(&ring, kLength, offset + 1000));
		CHECK_EQ(espnow_ring_available(&ring), 0);
	}
}

static void indices_wrap_past_twice_the_size(void)
{
	espnowRingRecord ring;
	uint8_t memory[100];
	espnow_ring_init(&ring, memory, sizeof(memory));
	for (unsigned i = 0; i < 1000; i++) {
		size_t length = 1 + (i * 37) % 60;
		CHECK_EQ(pushSeeded(&ring, length, i), ESPNOW_RING_OK);
		CHECK(readSeeded(&ring, length, i));
		CHECK(atomic_load(&ring.write) < 2 * sizeof(memory));
	}
	CHECK_EQ(espnow_ring_rx_packets(&ring), 1000);
}

static void default_size_holds_exactly_two_full_v1_packets(void)
{
	espnowRingRecord ring;
	uint8_t memory[ESPNOW_RING_DEFAULT_SIZE];
	CHECK_EQ(ESPNOW_RING_DEFAULT_SIZE, 532);
	espnow_ring_init(&ring, memory, sizeof(memory));
	for (unsigned round = 0; round < 5; round++) {
		CHECK_EQ(pushSeeded(&ring, 250, round * 3), ESPNOW_RING_OK);
		CHECK_EQ(pushSeeded(&ring, 250, round * 3 + 1), ESPNOW_RING_OK);
		CHECK_EQ(espnow_ring_available(&ring), sizeof(memory));
		CHECK_EQ(pushSeeded(&ring, 1, round * 3 + 2), ESPNOW_RING_DROPPED);
		CHECK(readSeeded(&ring, 250, round * 3));
		CHECK(readSeeded(&ring, 250, round * 3 + 1));
		CHECK_EQ(pushSeeded(&ring, 33, round), ESPNOW_RING_OK);	/* shift the next round's start */
		CHECK(readSeeded(&ring, 33, round));
	}
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 5);
}

static void exact_fit_fills_the_ring_to_the_last_byte(void)
{
	enum { kSize = 80 };
	espnowRingRecord ring;
	uint8_t memory[kSize];
	for (uint32_t offset = 0; offset < 2 * kSize; offset += 7) {
		espnow_ring_init(&ring, memory, kSize);
		moveTo(&ring, offset);
		CHECK_EQ(pushSeeded(&ring, 20, offset), ESPNOW_RING_OK);
		CHECK_EQ(pushSeeded(&ring, kSize - 2 * ESPNOW_RING_HEADER_SIZE - 20 + 1, offset), ESPNOW_RING_DROPPED);
		CHECK_EQ(pushSeeded(&ring, kSize - 2 * ESPNOW_RING_HEADER_SIZE - 20, offset + 1), ESPNOW_RING_OK);
		CHECK_EQ(espnow_ring_available(&ring), kSize);
		CHECK_EQ(pushSeeded(&ring, 1, offset), ESPNOW_RING_DROPPED);
		CHECK(readSeeded(&ring, 20, offset));
		CHECK(readSeeded(&ring, kSize - 2 * ESPNOW_RING_HEADER_SIZE - 20, offset + 1));
	}
}

static void packet_bigger_than_the_ring_is_dropped_and_counted(void)
{
	espnowRingRecord ring;
	uint8_t memory[100];
	espnow_ring_init(&ring, memory, sizeof(memory));
	CHECK_EQ(pushSeeded(&ring, 100 - ESPNOW_RING_HEADER_SIZE + 1, 1), ESPNOW_RING_DROPPED);
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 1);
	CHECK_EQ(espnow_ring_rx_packets(&ring), 0);
	CHECK_EQ(espnow_ring_available(&ring), 0);
	CHECK_EQ(pushSeeded(&ring, 100 - ESPNOW_RING_HEADER_SIZE, 2), ESPNOW_RING_OK);
	CHECK(readSeeded(&ring, 100 - ESPNOW_RING_HEADER_SIZE, 2));
}

static void bad_lengths_and_null_pointers_are_dropped_and_counted(void)
{
	espnowRingRecord ring;
	static uint8_t memory[8192];
	static uint8_t payload[ESPNOW_RING_MAX_PAYLOAD + 1];
	espnow_ring_init(&ring, memory, sizeof(memory));
	CHECK_EQ(espnow_ring_push(&ring, kMAC, 0, 0, payload, 0), ESPNOW_RING_DROPPED);
	CHECK_EQ(espnow_ring_push(&ring, kMAC, 0, 0, payload, ESPNOW_RING_MAX_PAYLOAD + 1), ESPNOW_RING_DROPPED);
	CHECK_EQ(espnow_ring_push(&ring, kMAC, 0, 0, NULL, 4), ESPNOW_RING_DROPPED);
	CHECK_EQ(espnow_ring_push(&ring, NULL, 0, 0, payload, 4), ESPNOW_RING_DROPPED);
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 4);
	CHECK_EQ(espnow_ring_available(&ring), 0);
}

static void v2_maximum_payload_round_trips(void)
{
	espnowRingRecord ring;
	static uint8_t memory[2 * (ESPNOW_RING_HEADER_SIZE + ESPNOW_RING_MAX_PAYLOAD)];
	espnow_ring_init(&ring, memory, sizeof(memory));
	moveTo(&ring, 1000);
	CHECK_EQ(pushSeeded(&ring, ESPNOW_RING_MAX_PAYLOAD, 5), ESPNOW_RING_OK);
	CHECK_EQ(pushSeeded(&ring, ESPNOW_RING_MAX_PAYLOAD, 6), ESPNOW_RING_OK);
	CHECK(readSeeded(&ring, ESPNOW_RING_MAX_PAYLOAD, 5));
	CHECK(readSeeded(&ring, ESPNOW_RING_MAX_PAYLOAD, 6));
}

static void full_ring_drops_the_whole_packet_and_writes_nothing(void)
{
	enum { kSize = 120 };
	espnowRingRecord ring;
	uint8_t memory[kSize], before[kSize];
	espnow_ring_init(&ring, memory, kSize);
	moveTo(&ring, 50);
	CHECK_EQ(pushSeeded(&ring, 60, 1), ESPNOW_RING_OK);	/* 76 bytes used, 44 free, wrapping */
	memcpy(before, memory, kSize);
	CHECK_EQ(pushSeeded(&ring, 44 - ESPNOW_RING_HEADER_SIZE + 1, 2), ESPNOW_RING_DROPPED);
	CHECK(0 == memcmp(before, memory, kSize));
	CHECK_EQ(espnow_ring_available(&ring), 76);
	CHECK_EQ(ring_count(&ring), 1);
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 1);
	CHECK(readSeeded(&ring, 60, 1));
}

static void read_checks_capacity_and_keeps_the_packet(void)
{
	espnowRingRecord ring;
	uint8_t memory[ESPNOW_RING_DEFAULT_SIZE];
	uint8_t buffer[64];
	espnowRxInfoRecord info;
	espnow_ring_init(&ring, memory, sizeof(memory));
	pushSeeded(&ring, 32, 3);
	memset(buffer, 0xAA, sizeof(buffer));
	CHECK_EQ(espnow_ring_read(&ring, &info, buffer, 31), ESPNOW_RING_TOO_SMALL);
	CHECK_EQ(espnow_ring_read(&ring, &info, NULL, 0), ESPNOW_RING_TOO_SMALL);
	for (size_t i = 0; i < sizeof(buffer); i++)
		CHECK(0xAA == buffer[i]);
	CHECK_EQ(ring_count(&ring), 1);
	CHECK_EQ(espnow_ring_peek(&ring, &info), ESPNOW_RING_OK);
	CHECK_EQ(info.length, 32);
	CHECK_EQ(espnow_ring_read(&ring, &info, buffer, 32), 32);
	CHECK(matches(buffer, 32, 3));
	CHECK(0xAA == buffer[32]);
}

static void take_copies_the_packet_peeked_and_nothing_once_it_is_gone(void)
{
	espnowRingRecord ring;
	uint8_t memory[ESPNOW_RING_DEFAULT_SIZE];
	uint8_t buffer[64];
	espnowRxInfoRecord info, first, forged;
	espnow_ring_init(&ring, memory, sizeof(memory));
	pushSeeded(&ring, 32, 3);
	pushSeeded(&ring, 20, 5);
	CHECK_EQ(espnow_ring_peek(&ring, &info), ESPNOW_RING_OK);
	first = info;
	memset(buffer, 0xAA, sizeof(buffer));
	CHECK_EQ(espnow_ring_take(&ring, &info, buffer, 31), ESPNOW_RING_TOO_SMALL);
	CHECK_EQ(espnow_ring_take(&ring, &info, NULL, 64), ESPNOW_RING_TOO_SMALL);
	CHECK(0xAA == buffer[0]);
	CHECK_EQ(ring_count(&ring), 2);
	/* a length beyond the published bytes */
	forged = info;
	forged.length = 2 * (ESPNOW_RING_HEADER_SIZE + 32) + 20;
	CHECK_EQ(espnow_ring_take(&ring, &forged, buffer, sizeof(buffer)), ESPNOW_RING_CORRUPT);
	CHECK_EQ(espnow_ring_take(&ring, &info, buffer, 32), 32);
	CHECK(matches(buffer, 32, 3));
	CHECK(0xAA == buffer[32]);
	/* the packet peeked is gone: taking it again copies nothing and leaves the next */
	memset(buffer, 0xAA, sizeof(buffer));
	CHECK_EQ(espnow_ring_take(&ring, &first, buffer, sizeof(buffer)), ESPNOW_RING_CORRUPT);
	CHECK(0xAA == buffer[0]);
	CHECK_EQ(espnow_ring_peek(&ring, &info), ESPNOW_RING_OK);
	CHECK_EQ(info.length, 20);
	espnow_ring_flush(&ring);
	CHECK_EQ(espnow_ring_take(&ring, &info, buffer, sizeof(buffer)), ESPNOW_RING_CORRUPT);
	CHECK(0xAA == buffer[0]);
}

/* A ring with one 20-byte packet at offset 0; `mutate` damages its bytes. */
static int corruptedRead(void (*mutate)(uint8_t *memory))
{
	espnowRingRecord ring;
	uint8_t memory[100];
	uint8_t buffer[100];
	espnowRxInfoRecord info;
	int peeked, counted, read;
	espnow_ring_init(&ring, memory, sizeof(memory));
	pushSeeded(&ring, 20, 4);
	mutate(memory);
	memset(buffer, 0xAA, sizeof(buffer));
	peeked = espnow_ring_peek(&ring, &info);
	counted = ring_count(&ring);
	read = espnow_ring_read(&ring, &info, buffer, sizeof(buffer));
	for (size_t i = 0; i < sizeof(buffer); i++) {
		if (0xAA != buffer[i])
			return 0;	/* copied something: never acceptable */
	}
	if ((peeked != read) || (counted != read))
		return 0;
	if (espnow_ring_available(&ring) != ESPNOW_RING_HEADER_SIZE + 20)
		return 0;	/* nothing was consumed */
	return read;
}

static void flipMagic(uint8_t *memory) { memory[0] ^= 0x01; }
static void flipCheck(uint8_t *memory) { memory[15] ^= 0x80; }
static void flipRSSI(uint8_t *memory) { memory[8] ^= 0x10; }
static void setLength(uint8_t *memory, uint16_t length)
{
	memcpy(memory + 2, &length, 2);
	memory[15] = ESPNOW_RING_CHECK_SEED;	/* recompute the check, so only the length is wrong */
	for (int i = 0; i < 15; i++)
		memory[15] ^= memory[i];
}
static void lengthPastPublished(uint8_t *memory) { setLength(memory, 21); }
static void lengthZero(uint8_t *memory) { setLength(memory, 0); }
static void lengthAboveMaximum(uint8_t *memory) { setLength(memory, ESPNOW_RING_MAX_PAYLOAD + 1); }
static void lengthHuge(uint8_t *memory) { setLength(memory, 0xFFFF); }

static void corrupted_headers_are_reported_and_nothing_is_copied(void)
{
	CHECK_EQ(corruptedRead(flipMagic), ESPNOW_RING_CORRUPT);
	CHECK_EQ(corruptedRead(flipCheck), ESPNOW_RING_CORRUPT);
	CHECK_EQ(corruptedRead(flipRSSI), ESPNOW_RING_CORRUPT);
	CHECK_EQ(corruptedRead(lengthPastPublished), ESPNOW_RING_CORRUPT);
	CHECK_EQ(corruptedRead(lengthZero), ESPNOW_RING_CORRUPT);
	CHECK_EQ(corruptedRead(lengthAboveMaximum), ESPNOW_RING_CORRUPT);
	CHECK_EQ(corruptedRead(lengthHuge), ESPNOW_RING_CORRUPT);
}

static void corrupted_indices_are_reported_without_stray_accesses(void)
{
	espnowRingRecord ring;
	uint8_t *memory = malloc(64);	/* heap, so ASan sees any access past it */
	uint8_t buffer[64];
	espnow_ring_init(&ring, memory, 64);
	pushSeeded(&ring, 10, 1);

	atomic_store(&ring.write, 2 * 64);
	CHECK_EQ(espnow_ring_peek(&ring, NULL), ESPNOW_RING_CORRUPT);
	CHECK_EQ(espnow_ring_read(&ring, NULL, buffer, sizeof(buffer)), ESPNOW_RING_CORRUPT);
	CHECK_EQ(ring_count(&ring), ESPNOW_RING_CORRUPT);
	CHECK_EQ(espnow_ring_available(&ring), 0);
	CHECK_EQ(pushSeeded(&ring, 1, 2), ESPNOW_RING_DROPPED);

	atomic_store(&ring.write, 100);	/* in range, but 100 bytes published in a 64-byte ring */
	atomic_store(&ring.read, 0);
	CHECK_EQ(espnow_ring_peek(&ring, NULL), ESPNOW_RING_CORRUPT);
	CHECK_EQ(pushSeeded(&ring, 1, 2), ESPNOW_RING_DROPPED);

	atomic_store(&ring.write, 5);	/* fewer bytes published than a header */
	CHECK_EQ(espnow_ring_read(&ring, NULL, buffer, sizeof(buffer)), ESPNOW_RING_CORRUPT);
	free(memory);
}

static void flush_discards_published_packets_and_clears_corruption(void)
{
	espnowRingRecord ring;
	uint8_t memory[200];
	espnow_ring_init(&ring, memory, sizeof(memory));
	pushSeeded(&ring, 10, 1);
	pushSeeded(&ring, 20, 2);
	memory[0] ^= 0xFF;
	CHECK_EQ(espnow_ring_peek(&ring, NULL), ESPNOW_RING_CORRUPT);
	CHECK_EQ(espnow_ring_flush(&ring), 2 * ESPNOW_RING_HEADER_SIZE + 30);
	CHECK_EQ(espnow_ring_peek(&ring, NULL), ESPNOW_RING_EMPTY);
	CHECK_EQ(pushSeeded(&ring, 30, 3), ESPNOW_RING_OK);
	CHECK(readSeeded(&ring, 30, 3));
	CHECK_EQ(espnow_ring_rx_packets(&ring), 3);
}

/* Where the next packet's header starts in the buffer. */
static uint32_t position0(espnowRing ring)
{
	uint32_t read = atomic_load(&ring->read);
	return (read < ring->size) ? read : read - ring->size;
}

/* The read loop (modESPNow.c's receive()): peek, flush on CORRUPT, peek
   again. Returns the peeks it took to get past the corruption, or 0 if it
   would spin for ever. */
static int readLoopRecovers(espnowRing ring)
{
	for (int round = 1; round <= 4; round++) {
		int result = espnow_ring_peek(ring, NULL);
		if (ESPNOW_RING_CORRUPT != result)
			return (ESPNOW_RING_EMPTY == result) ? round : 0;
		espnow_ring_flush(ring);
	}
	return 0;
}

static void a_ring_found_corrupt_is_reset_and_counted_so_reading_goes_on(void)
{
	espnowRingRecord ring;
	uint8_t *memory = malloc(64);	/* heap, so ASan sees any access past it */
	const uint32_t bad[][2] = {		/* {read, write} */
		{0, 2 * 64},		/* write out of range */
		{0, 100},			/* 100 bytes published in a 64-byte ring */
		{2 * 64 + 3, 10},	/* read out of range */
		{0xFFFFFFFFu, 0xFFFFFFFFu},
	};
	espnow_ring_init(&ring, memory, 64);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pushSeeded(&ring, 10, i);
		atomic_store(&ring.read, bad[i][0]);
		atomic_store(&ring.write, bad[i][1]);
		CHECK_EQ(readLoopRecovers(&ring), 2);
		CHECK_EQ(espnow_ring_rx_corrupt(&ring), i + 1);
		CHECK_EQ(espnow_ring_available(&ring), 0);
		CHECK_EQ(pushSeeded(&ring, 20, 7), ESPNOW_RING_OK);
		CHECK(readSeeded(&ring, 20, 7));
	}
	/* a bad header: the packets behind it go too, and the ring is counted once */
	pushSeeded(&ring, 5, 1);
	pushSeeded(&ring, 5, 2);
	memory[position0(&ring)] ^= 0x01;
	CHECK_EQ(readLoopRecovers(&ring), 2);
	CHECK_EQ(espnow_ring_rx_corrupt(&ring), 5);
	/* a flush of a sound ring is no corruption */
	pushSeeded(&ring, 5, 3);
	CHECK_EQ(espnow_ring_flush(&ring), ESPNOW_RING_HEADER_SIZE + 5);
	CHECK_EQ(espnow_ring_rx_corrupt(&ring), 5);
	espnowTxStatsRecord tx;
	espnowStatsRecord stats;
	espnow_tx_stats_reset(&tx);
	espnow_stats_snapshot(&tx, &ring, &stats);
	CHECK_EQ(stats.rxCorrupt, 5);
	espnow_ring_reset(&ring);
	CHECK_EQ(espnow_ring_rx_corrupt(&ring), 0);
	free(memory);
}

static void reset_empties_the_ring_and_zeroes_its_counters(void)
{
	espnowRingRecord ring;
	uint8_t memory[100];
	espnow_ring_init(&ring, memory, sizeof(memory));
	pushSeeded(&ring, 30, 1);
	pushSeeded(&ring, 90, 2);
	espnow_ring_reset(&ring);
	CHECK_EQ(espnow_ring_available(&ring), 0);
	CHECK_EQ(espnow_ring_rx_packets(&ring), 0);
	CHECK_EQ(espnow_ring_rx_dropped(&ring), 0);
	CHECK_EQ(pushSeeded(&ring, 84, 3), ESPNOW_RING_OK);
	CHECK(readSeeded(&ring, 84, 3));
}

/* ---- stats ---- */

static void stats_start_at_zero(void)
{
	espnowRingRecord ring;
	espnowTxStatsRecord tx;
	espnowStatsRecord stats;
	uint8_t memory[100];
	espnow_ring_init(&ring, memory, sizeof(memory));
	espnow_tx_stats_reset(&tx);
	memset(&stats, 0xFF, sizeof(stats));
	espnow_stats_snapshot(&tx, &ring, &stats);
	CHECK_EQ(stats.txPackets, 0);
	CHECK_EQ(stats.txResponses, 0);
	CHECK_EQ(stats.txFailures, 0);
	CHECK_EQ(stats.rxPackets, 0);
	CHECK_EQ(stats.rxDropped, 0);
}

static void stats_count_sends_completions_and_the_ring(void)
{
	espnowRingRecord ring;
	espnowTxStatsRecord tx;
	espnowStatsRecord stats;
	uint8_t memory[100];
	espnow_ring_init(&ring, memory, sizeof(memory));
	espnow_tx_stats_reset(&tx);
	for (int i = 0; i < 5; i++)
		espnow_tx_stats_sent(&tx);
	espnow_tx_stats_completed(&tx, true);
	espnow_tx_stats_completed(&tx, true);
	espnow_tx_stats_completed(&tx, true);
	espnow_tx_stats_completed(&tx, false);
	CHECK_EQ(espnow_tx_stats_completions(&tx), 4);
	pushSeeded(&ring, 50, 1);
	pushSeeded(&ring, 50, 2);	/* does not fit */
	espnow_stats_snapshot(&tx, &ring, &stats);
	CHECK_EQ(stats.txPackets, 5);
	CHECK_EQ(stats.txResponses, 3);
	CHECK_EQ(stats.txFailures, 1);
	CHECK_EQ(stats.rxPackets, 1);
	CHECK_EQ(stats.rxDropped, 1);
	espnow_tx_stats_reset(&tx);
	espnow_stats_snapshot(&tx, &ring, &stats);
	CHECK_EQ(stats.txPackets + stats.txResponses + stats.txFailures, 0);
}

/* ---- error table ---- */

/* The number of an ESP-IDF name (exact), by walking numbers: the firmware
   needs the table one way only. The first number found: a name given twice
   would map back to the wrong one. */
static bool error_number(const char *name, int32_t *number)
{
	char text[ESPNOW_ERROR_NAME_SIZE];
	if (NULL == name)
		return false;
	for (int32_t n = -0x4000; n < 0x4000; n++) {
		if (espnow_error_name(n, text) && (0 == strcmp(text, name))) {
			*number = n;
			return true;
		}
	}
	return false;
}

static void espnow_error_numbers_are_esp_idfs(void)
{
	int32_t number = 0;
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_BASE, 0x3064);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_NOT_INIT, 0x3065);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_ARG, 0x3066);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_NO_MEM, 0x3067);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_FULL, 0x3068);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND, 0x3069);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_INTERNAL, 0x306A);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_EXIST, 0x306B);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_IF, 0x306C);
	CHECK_EQ(ESPNOW_ESP_ERR_ESPNOW_CHAN, 0x306D);
	CHECK_EQ(ESPNOW_ESP_ERR_INVALID_ARG, 0x102);
	CHECK(error_number("ESP_ERR_ESPNOW_NOT_FOUND", &number));
	CHECK_EQ(number, 12393);
}

/* Every name the table has, found by walking numbers: 23 of them, each
   mapping back to its number. */
static void error_names_and_numbers_map_both_ways(void)
{
	int count = 0;
	char name[ESPNOW_ERROR_NAME_SIZE];
	for (int32_t number = -0x4000; number < 0x4000; number++) {
		if (!espnow_error_name(number, name))
			continue;
		int32_t back = 0x7FFFFFFF;
		CHECK(strlen(name) < ESPNOW_ERROR_NAME_SIZE);
		CHECK(error_number(name, &back));
		CHECK_EQ(back, number);
		count++;
	}
	CHECK_EQ(count, 23);
	static const struct { int32_t number; const char *name; } known[] = {
		{ 0, "ESP_OK" }, { -1, "ESP_FAIL" }, { 0x101, "ESP_ERR_NO_MEM" }, { 0x107, "ESP_ERR_TIMEOUT" },
		{ 0x3000, "ESP_ERR_WIFI_BASE" }, { 0x3002, "ESP_ERR_WIFI_NOT_STARTED" }, { 0x3004, "ESP_ERR_WIFI_IF" },
		{ 0x3064, "ESP_ERR_ESPNOW_BASE" }, { 0x3069, "ESP_ERR_ESPNOW_NOT_FOUND" }, { 0x306D, "ESP_ERR_ESPNOW_CHAN" },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		CHECK(espnow_error_name(known[i].number, name));
		CHECK(0 == strcmp(name, known[i].name));
	}
}

static void unknown_errors_are_not_found(void)
{
	int32_t number = 77;
	char name[ESPNOW_ERROR_NAME_SIZE] = "untouched";
	CHECK(!espnow_error_name(0x3003, name));
	CHECK(!espnow_error_name(0x3070, name));
	CHECK(!espnow_error_name(0x108, name));
	CHECK(!espnow_error_name(-2, name));
	CHECK(!espnow_error_name(12345678, name));
	CHECK(0 == strcmp(name, "untouched"));
	CHECK(!error_number("ESP_ERR_ESPNOW_NOPE", &number));
	CHECK(!error_number("esp_err_espnow_arg", &number));
	CHECK(!error_number("ESP_ERR_WIFI_", &number));
	CHECK(!error_number("ESP_ERR_ESPNOW_NOT_FOUNDX", &number));
	CHECK(!error_number("", &number));
	CHECK(!error_number(NULL, &number));
	CHECK_EQ(number, 77);
}

/* ---- core: callbacks and the JS wake ---- */

/* Every call of the wake function is a signal; those with post are messages
   to the event loop, of which at most one may be pending. */
static int gWakes, gSignals;
static void countWake(void *refcon, bool post)
{
	CHECK(refcon == &gWakes);
	gSignals++;
	gWakes += post;
}

static void first_packet_wakes_js_and_later_ones_coalesce(void)
{
	espnowCoreRecord core;
	uint8_t memory[ESPNOW_RING_DEFAULT_SIZE];
	uint8_t payload[250];
	gWakes = gSignals = 0;
	CHECK_EQ(espnow_core_init(&core, memory, sizeof(memory), countWake, &gWakes), ESPNOW_RING_OK);
	CHECK_EQ(espnow_core_acknowledge(&core), 0);
	espnow_core_on_receive(&core, kMAC, -50, 1, (const uint8_t *)"a", 1);
	espnow_core_on_receive(&core, kMAC, -50, 2, (const uint8_t *)"b", 1);
	espnow_core_on_receive(&core, kMAC, -50, 3, (const uint8_t *)"c", 1);
	CHECK_EQ(gWakes, 1);
	CHECK_EQ(gSignals, 3);
	CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_RECEIVE);
	CHECK_EQ(espnow_core_acknowledge(&core), 0);
	CHECK_EQ(ring_count(&core.ring), 3);
	espnow_core_on_receive(&core, kMAC, -50, 4, (const uint8_t *)"d", 1);
	CHECK_EQ(gWakes, 2);
	while (espnow_ring_read(&core.ring, NULL, payload, sizeof(payload)) > 0)
		;
	CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_RECEIVE);
}

/* A blocking recv() or sync send() reads without acknowledging: however many
   packets and completions it takes, one message stays pending, and every one
   of them signals the waiter. */
static void a_reader_that_never_acknowledges_keeps_one_wake_pending(void)
{
	espnowCoreRecord core;
	uint8_t memory[64];
	uint8_t payload[8];
	gWakes = gSignals = 0;
	espnow_core_init(&core, memory, sizeof(memory), countWake, &gWakes);
	for (uint32_t i = 0; i < 1000; i++) {
		espnow_core_on_receive(&core, kMAC, -50, i, (const uint8_t *)"x", 1);
		CHECK_EQ(espnow_ring_read(&core.ring, NULL, payload, sizeof(payload)), 1);
		espnow_tx_stats_sent(&core.tx);
		espnow_core_on_send_complete(&core, kMAC, true);
	}
	CHECK_EQ(gWakes, 1);
	CHECK_EQ(gSignals, 2000);
	CHECK_EQ(espnow_tx_stats_completions(&core.tx), 1000);
	CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_RECEIVE);
	CHECK_EQ(espnow_ring_available(&core.ring), 0);
	espnow_core_on_send_complete(&core, kMAC, true);
	CHECK_EQ(gWakes, 2);
}

static void dropped_packet_does_not_wake_js(void)
{
	espnowCoreRecord core;
	uint8_t memory[64];
	static uint8_t big[100];
	gWakes = gSignals = 0;
	espnow_core_init(&core, memory, sizeof(memory), countWake, &gWakes);
	espnow_core_on_receive(&core, kMAC, -50, 1, big, sizeof(big));
	CHECK_EQ(gWakes, 0);
	CHECK_EQ(gSignals, 0);
	CHECK_EQ(espnow_ring_rx_dropped(&core.ring), 1);
	CHECK_EQ(espnow_core_acknowledge(&core), 0);
}

/* One message for both reasons: a packet that finds a send wake pending rides
   on it, and the delivery finds the packet by looking at the ring. */
static void send_completion_is_counted_and_a_packet_rides_on_its_wake(void)
{
	espnowCoreRecord core;
	uint8_t memory[64];
	espnowStatsRecord stats;
	gWakes = gSignals = 0;
	espnow_core_init(&core, memory, sizeof(memory), countWake, &gWakes);
	espnow_tx_stats_sent(&core.tx);
	espnow_tx_stats_sent(&core.tx);
	espnow_core_on_send_complete(&core, kMAC, true);
	espnow_core_on_send_complete(&core, kMAC, false);
	CHECK_EQ(gWakes, 1);
	espnow_core_on_receive(&core, kMAC, -50, 1, (const uint8_t *)"x", 1);
	CHECK_EQ(gWakes, 1);
	CHECK_EQ(gSignals, 3);
	CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_SEND);
	CHECK_EQ(ring_count(&core.ring), 1);
	espnow_stats_snapshot(&core.tx, &core.ring, &stats);
	CHECK_EQ(stats.txPackets, 2);
	CHECK_EQ(stats.txResponses, 1);
	CHECK_EQ(stats.txFailures, 1);
	CHECK_EQ(stats.rxPackets, 1);
	espnow_core_on_receive(&core, kMAC, -50, 2, (const uint8_t *)"y", 1);
	CHECK_EQ(gWakes, 2);
	espnow_core_on_send_complete(&core, kMAC, true);
	CHECK_EQ(gWakes, 2);
	CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_RECEIVE);
}

static void core_without_a_wake_function_still_records(void)
{
	espnowCoreRecord core;
	uint8_t memory[64];
	CHECK_EQ(espnow_core_init(&core, memory, 3, NULL, NULL), ESPNOW_RING_INVALID);
	CHECK_EQ(espnow_core_init(&core, memory, sizeof(memory), NULL, NULL), ESPNOW_RING_OK);
	espnow_core_on_receive(&core, kMAC, -50, 1, (const uint8_t *)"x", 1);
	espnow_core_on_send_complete(&core, kMAC, true);
	CHECK_EQ(ring_count(&core.ring), 1);
	CHECK_EQ(espnow_tx_stats_completions(&core.tx), 1);
	CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_RECEIVE);
}

/* A send log holds a Wi-Fi TX queue's worth of statuses and a send() to 20
   peers before JS empties it; past that, statuses are counted as lost. */
static void send_log_keeps_64_statuses_in_order_then_counts_losses(void)
{
	espnowCoreRecord core;
	uint8_t memory[64];
	uint8_t mac[ESPNOW_MAC_LEN] = {2, 0, 0, 0, 0, 0};
	espnowSendStatusRecord status;
	espnow_core_init(&core, memory, sizeof(memory), NULL, NULL);
	espnow_core_on_send_complete(&core, mac, true);
	CHECK_EQ(espnow_core_next_send_status(&core, &status), ESPNOW_RING_EMPTY);
	espnow_core_log_sends(&core, true);
	for (int i = 0; i < ESPNOW_SEND_LOG_LENGTH + 3; i++) {
		mac[5] = (uint8_t)i;
		espnow_core_on_send_complete(&core, mac, i & 1);
	}
	CHECK(ESPNOW_SEND_LOG_LENGTH >= 64);
	CHECK_EQ(espnow_core_send_statuses_lost(&core), 3);
	for (int i = 0; i < ESPNOW_SEND_LOG_LENGTH; i++) {
		CHECK_EQ(espnow_core_next_send_status(&core, &status), ESPNOW_RING_OK);
		CHECK_EQ(status.mac[5], i);
		CHECK_EQ(status.delivered, i & 1);
	}
	CHECK_EQ(espnow_core_next_send_status(&core, &status), ESPNOW_RING_EMPTY);
	CHECK_EQ(espnow_tx_stats_completions(&core.tx), ESPNOW_SEND_LOG_LENGTH + 4);
}

static void core_init_starts_afresh(void)
{
	espnowCoreRecord core;
	uint8_t memory[64];
	espnowStatsRecord stats;
	gWakes = gSignals = 0;
	espnow_core_init(&core, memory, sizeof(memory), countWake, &gWakes);
	espnow_core_on_receive(&core, kMAC, -50, 1, (const uint8_t *)"x", 1);
	espnow_core_on_send_complete(&core, kMAC, true);
	espnow_core_init(&core, memory, sizeof(memory), countWake, &gWakes);
	espnow_stats_snapshot(&core.tx, &core.ring, &stats);
	CHECK_EQ(stats.txResponses + stats.rxPackets, 0);
	CHECK_EQ(espnow_ring_available(&core.ring), 0);
	CHECK_EQ(espnow_core_acknowledge(&core), 0);
	espnow_core_on_receive(&core, kMAC, -50, 1, (const uint8_t *)"x", 1);
	CHECK_EQ(gWakes, 2);
}

int main(void)
{
	RUN(init_rejects_bad_memory_and_sizes);
	RUN(empty_ring_has_nothing_to_read);
	RUN(one_packet_round_trips_with_its_header);
	RUN(read_accepts_a_null_info);
	RUN(packets_come_out_in_order);
	RUN(packets_wrap_around_at_every_offset);
	RUN(indices_wrap_past_twice_the_size);
	RUN(default_size_holds_exactly_two_full_v1_packets);
	RUN(exact_fit_fills_the_ring_to_the_last_byte);
	RUN(packet_bigger_than_the_ring_is_dropped_and_counted);
	RUN(bad_lengths_and_null_pointers_are_dropped_and_counted);
	RUN(v2_maximum_payload_round_trips);
	RUN(full_ring_drops_the_whole_packet_and_writes_nothing);
	RUN(read_checks_capacity_and_keeps_the_packet);
	RUN(take_copies_the_packet_peeked_and_nothing_once_it_is_gone);
	RUN(corrupted_headers_are_reported_and_nothing_is_copied);
	RUN(corrupted_indices_are_reported_without_stray_accesses);
	RUN(flush_discards_published_packets_and_clears_corruption);
	RUN(a_ring_found_corrupt_is_reset_and_counted_so_reading_goes_on);
	RUN(reset_empties_the_ring_and_zeroes_its_counters);
	RUN(stats_start_at_zero);
	RUN(stats_count_sends_completions_and_the_ring);
	RUN(espnow_error_numbers_are_esp_idfs);
	RUN(error_names_and_numbers_map_both_ways);
	RUN(unknown_errors_are_not_found);
	RUN(first_packet_wakes_js_and_later_ones_coalesce);
	RUN(a_reader_that_never_acknowledges_keeps_one_wake_pending);
	RUN(dropped_packet_does_not_wake_js);
	RUN(send_completion_is_counted_and_a_packet_rides_on_its_wake);
	RUN(core_without_a_wake_function_still_records);
	RUN(send_log_keeps_64_statuses_in_order_then_counts_losses);
	RUN(core_init_starts_afresh);
	return finish();
}
