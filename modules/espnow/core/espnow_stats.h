/*
 * espnow_stats: the counters behind ESPNow.stats():
 * (tx_pkts, tx_responses, tx_failures, rx_packets, rx_dropped_packets).
 *
 * The receive counters live in the ring (espnow_ring.h), which is the only
 * place that knows whether a packet was kept or dropped. The send counters
 * live here.
 *
 * Threads and memory ordering:
 * - tx_pkts is written only by the JS thread (espnow_tx_stats_sent), after the
 *   radio accepted a frame.
 * - tx_responses and tx_failures are written only by the send-complete
 *   callback (espnow_tx_stats_completed), on the radio task, possibly on the
 *   other CPU. ESP-IDF runs every send-complete callback on its one Wi-Fi
 *   task; a glue that could run them on two threads at once must serialise
 *   them.
 * - So every counter has a single writer: each is a load and a store, never
 *   a read-modify-write, and no increment is lost.
 * - Completions are stored with release and read with acquire, so a JS thread
 *   that sees a completion counted also sees whatever the callback wrote
 *   before counting it.
 * - A snapshot reads the five counters one after the other: each is exact,
 *   the five are not one instant. Read from the JS thread (the only thread
 *   that sends), tx_responses + tx_failures <= tx_pkts holds: the JS thread
 *   counts a frame sent as soon as the radio accepts it, before it can run
 *   anything else, so no snapshot it takes can see a completion without its
 *   frame. (Another thread could, briefly: the callback may run on the other
 *   CPU before the radio's send call has returned.)
 * - Counters wrap at 2^32.
 */

#ifndef ESPNOW_STATS_H
#define ESPNOW_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "espnow_ring.h"

typedef struct espnowTxStatsRecord {
	_Atomic uint32_t packets;	/* JS thread only */
	_Atomic uint32_t responses;	/* send-complete callback only */
	_Atomic uint32_t failures;	/* send-complete callback only */
} espnowTxStatsRecord, *espnowTxStats;

typedef struct espnowStatsRecord {
	uint32_t txPackets;
	uint32_t txResponses;
	uint32_t txFailures;
	uint32_t rxPackets;
	uint32_t rxDropped;
	uint32_t rxCorrupt;		/* not in stats()'s tuple (MicroPython's five): rings found corrupt and reset */
} espnowStatsRecord, *espnowStats;

/* Zero the send counters. Only while no send-complete callback can run. */
void espnow_tx_stats_reset(espnowTxStats tx);

/* JS thread: the radio accepted one frame (once per peer when sending to all
   peers, since one completion then arrives per peer). Call it before anything
   that could let JS observe that frame's completion. */
void espnow_tx_stats_sent(espnowTxStats tx);

/* Send-complete callback: the peer acknowledged the frame (delivered) or not. */
void espnow_tx_stats_completed(espnowTxStats tx, bool delivered);

/* Any thread: completions counted so far (responses + failures); a sync send
   waits until this has grown by the number of frames it sent. */
uint32_t espnow_tx_stats_completions(espnowTxStats tx);

/* Any thread, normally JS: read the five counters of stats(), and rxCorrupt. */
void espnow_stats_snapshot(espnowTxStats tx, espnowRing ring, espnowStats out);

#endif
