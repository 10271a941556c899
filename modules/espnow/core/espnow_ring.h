/*
 * espnow_ring: the receive ring between the radio and the JavaScript thread.
 *
 * One producer (the radio's receive callback, on the Wi-Fi task, possibly on
 * the other CPU, or the simulator's receive thread) and one consumer (the JS
 * thread) share a ring of `size` bytes that the caller provides, so the ESP32
 * glue can place it in internal RAM.
 *
 * Packet layout in the ring: a 16-byte header, then `length` payload bytes.
 *
 *     offset  size  field
 *     0       2     magic      ESPNOW_RING_MAGIC, native byte order
 *     2       2     length     payload bytes, 1..ESPNOW_RING_MAX_PAYLOAD
 *     4       4     timestamp  milliseconds, the glue's monotonic clock (wraps at 2^32)
 *     8       1     rssi       dBm, int8
 *     9       6     mac        sender address
 *     15      1     check      XOR of bytes 0..14 and ESPNOW_RING_CHECK_SEED
 *     16      n     payload
 *
 * Packets wrap: a packet that reaches the end of the buffer continues at its
 * start, header included. No padding is ever written, so a ring of
 * 2 * (16 + 250) bytes always holds two full-size ESP-NOW v1 packets once the
 * consumer has emptied it, wherever the indices happen to be.
 *
 * Indices are "mirrored": each runs over [0, 2 * size), so full (distance ==
 * size) and empty (distance == 0) are told apart without a spare byte and
 * without a division (ESP8266's LX106 has no divide instruction).
 *
 * Memory ordering (C11 atomics):
 * - The producer copies the whole packet, header and payload, with plain
 *   stores, then publishes it with ONE release store of the write index. The
 *   consumer loads the write index with acquire, so every byte of a packet it
 *   can see was written before it looks. No packet is ever visible in part.
 * - The consumer copies a packet out, then frees it with a release store of the
 *   read index; the producer loads the read index with acquire before writing,
 *   so it never overwrites bytes the consumer is still reading.
 * - Each atomic has exactly one writer, so only atomic loads and stores are
 *   used, never read-modify-write operations: they are plain aligned 32-bit
 *   accesses plus barriers on Xtensa, RISC-V and x86, and need no libatomic.
 * - rx_packets is stored before the publishing release, so a consumer that has
 *   read a packet also sees rx_packets counting it.
 *
 * A packet that does not fit in the free space, or whose length is 0 or above
 * ESPNOW_RING_MAX_PAYLOAD, is dropped whole and counted in rx_dropped; nothing
 * of it is written. So rx_packets + rx_dropped == packets offered.
 *
 * The consumer never trusts the bytes in the ring: a bad magic, check byte or
 * length, or a length running past the published data, is reported as
 * ESPNOW_RING_CORRUPT and nothing is copied. Every copy is bounded by the ring
 * size and by the caller's capacity.
 *
 * Default size and MicroPython: MicroPython's default rxbuf is 526 bytes,
 * 2 * (250 + 13), its header being magic (1), length (1), timestamp (4),
 * rssi (1) and mac (6). Our header is 16 bytes, because the length needs 2
 * bytes for ESP-NOW v2 payloads (up to 1490 bytes), the magic is 2 bytes and
 * a check byte guards the header; hence our default of 2 * (16 + 250) = 532.
 * MicroPython's generic byte ring (py/ringbuf) also leaves one byte unused to
 * tell full from empty; ours uses every byte, so 532 holds exactly two
 * full-size packets, as a unit test checks. A user who asks for rxbuf=526
 * gets a ring that holds one full-size packet plus smaller ones: smaller,
 * never broken.
 */

#ifndef ESPNOW_RING_H
#define ESPNOW_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define ESPNOW_RING_HEADER_SIZE (16)
#define ESPNOW_RING_MAX_PAYLOAD (1490)	/* ESP-IDF's ESP_NOW_MAX_DATA_LEN_V2 (1470 in IDF 5.4, 1490 since) */
#define ESPNOW_RING_MAX_DATA_LEN_V1 (250)	/* ESP_NOW_MAX_DATA_LEN, MicroPython's espnow.MAX_DATA_LEN */
#define ESPNOW_RING_DEFAULT_SIZE (2 * (ESPNOW_RING_HEADER_SIZE + ESPNOW_RING_MAX_DATA_LEN_V1))
#define ESPNOW_RING_MIN_SIZE (ESPNOW_RING_HEADER_SIZE + 1)
#define ESPNOW_RING_MAX_SIZE (0x40000000u)	/* keeps 2 * size inside 32 bits */
#define ESPNOW_RING_MAGIC (0xE5A7)
#define ESPNOW_RING_CHECK_SEED (0x5C)
#define ESPNOW_MAC_LEN (6)

enum {
	ESPNOW_RING_OK = 0,
	ESPNOW_RING_EMPTY = -1,		/* no packet to read */
	ESPNOW_RING_DROPPED = -2,	/* push: packet did not fit or had a bad length; counted in rx_dropped */
	ESPNOW_RING_TOO_SMALL = -3,	/* read: caller's capacity is below the packet's length; packet kept */
	ESPNOW_RING_CORRUPT = -4,	/* read: header or indices inconsistent; nothing copied */
	ESPNOW_RING_INVALID = -5,	/* init: bad memory or size */
};

typedef struct espnowRxInfoRecord {
	uint16_t length;			/* payload bytes */
	int8_t rssi;				/* dBm */
	uint32_t timestamp;			/* milliseconds */
	uint8_t mac[ESPNOW_MAC_LEN];
	uint32_t at;				/* the consumer's read index where espnow_ring_peek found it */
} espnowRxInfoRecord, *espnowRxInfo;

typedef struct espnowRingRecord {
	uint8_t *buffer;
	uint32_t size;
	_Atomic uint32_t write;		/* written by the producer only, in [0, 2 * size) */
	_Atomic uint32_t read;		/* written by the consumer only, in [0, 2 * size) */
	_Atomic uint32_t rxPackets;	/* written by the producer only; wraps at 2^32 */
	_Atomic uint32_t rxDropped;	/* written by the producer only; wraps at 2^32 */
	_Atomic uint32_t rxCorrupt;	/* written by the consumer only (flush); wraps at 2^32 */
} espnowRingRecord, *espnowRing;

/* Set up an empty ring over `memory` (`size` bytes, ESPNOW_RING_MIN_SIZE..
   ESPNOW_RING_MAX_SIZE, no alignment needed). Counters start at 0.
   Returns ESPNOW_RING_OK or ESPNOW_RING_INVALID. */
int espnow_ring_init(espnowRing ring, void *memory, uint32_t size);

/* Empty the ring and zero its counters. Only while no producer can run: after
   the glue's espnow_radio_deinit() has returned, or before init. */
void espnow_ring_reset(espnowRing ring);

/* Producer. Copy one packet in and publish it, or drop it whole.
   Returns ESPNOW_RING_OK or ESPNOW_RING_DROPPED. Never blocks, never allocates. */
int espnow_ring_push(espnowRing ring, const uint8_t mac[ESPNOW_MAC_LEN], int8_t rssi, uint32_t timestamp, const void *payload, size_t length);

/* Consumer. Describe the next packet without consuming it.
   Returns ESPNOW_RING_OK (info filled), ESPNOW_RING_EMPTY or ESPNOW_RING_CORRUPT. */
int espnow_ring_peek(espnowRing ring, espnowRxInfo info);

/* Consumer. Copy the next packet's payload into `payload` (`capacity` bytes)
   and release its space. `info` may be NULL.
   Returns the payload length (> 0), or ESPNOW_RING_EMPTY, ESPNOW_RING_CORRUPT,
   or ESPNOW_RING_TOO_SMALL (the packet stays, so the caller may retry with a
   larger buffer, or skip it with espnow_ring_flush). */
int espnow_ring_read(espnowRing ring, espnowRxInfo info, void *payload, size_t capacity);

/* Consumer. espnow_ring_read's second half, for the packet espnow_ring_peek
   described in `info` (no other consumer call since): its header is not read
   again. The producer never writes published bytes the consumer has not
   released, so they are as peek found them; what it checks again is that the
   read index has not moved and that the published bytes still hold
   info->length. Returns the payload length, ESPNOW_RING_TOO_SMALL (the packet
   stays), or ESPNOW_RING_CORRUPT (not the packet peeked: nothing copied). */
int espnow_ring_take(espnowRing ring, const espnowRxInfoRecord *info, void *payload, size_t capacity);

/* Consumer. Discard every published packet: the way out of ESPNOW_RING_CORRUPT,
   after which the ring reads EMPTY (or packets pushed since). A ring found
   corrupt (bad magic, check or length at the next packet, or indices out of
   range) is counted in rx_corrupt; indices out of range are restarted.
   Safe while the producer runs. Returns the number of bytes discarded (0
   when the indices were corrupt: nothing known was discarded). */
uint32_t espnow_ring_flush(espnowRing ring);

/* Consumer. Bytes of published packets, headers included (0 when empty): any(). */
uint32_t espnow_ring_available(espnowRing ring);

/* Any thread. Packets accepted / dropped since init or reset (relaxed loads). */
uint32_t espnow_ring_rx_packets(espnowRing ring);
uint32_t espnow_ring_rx_dropped(espnowRing ring);
/* Any thread. Times espnow_ring_flush found the ring corrupt and reset it. */
uint32_t espnow_ring_rx_corrupt(espnowRing ring);

#endif
