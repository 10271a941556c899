/*
 * espnow_stats: see espnow_stats.h for threads and memory ordering.
 */

#include "espnow_stats.h"

/* Single writer: a load and a store cannot lose an increment, and need no
   read-modify-write instruction (ESP8266's LX106 has none). */
static void increment(_Atomic uint32_t *counter, memory_order order)
{
	atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + 1, order);
}

void espnow_tx_stats_reset(espnowTxStats tx)
{
	atomic_store_explicit(&tx->packets, 0, memory_order_relaxed);
	atomic_store_explicit(&tx->responses, 0, memory_order_relaxed);
	atomic_store_explicit(&tx->failures, 0, memory_order_relaxed);
}

void espnow_tx_stats_sent(espnowTxStats tx)
{
	increment(&tx->packets, memory_order_relaxed);
}

void espnow_tx_stats_completed(espnowTxStats tx, bool delivered)
{
	increment(delivered ? &tx->responses : &tx->failures, memory_order_release);
}

uint32_t espnow_tx_stats_completions(espnowTxStats tx)
{
	return atomic_load_explicit(&tx->responses, memory_order_acquire) + atomic_load_explicit(&tx->failures, memory_order_acquire);
}

void espnow_stats_snapshot(espnowTxStats tx, espnowRing ring, espnowStats out)
{
	out->txResponses = atomic_load_explicit(&tx->responses, memory_order_acquire);
	out->txFailures = atomic_load_explicit(&tx->failures, memory_order_acquire);
	out->txPackets = atomic_load_explicit(&tx->packets, memory_order_relaxed);
	out->rxPackets = espnow_ring_rx_packets(ring);
	out->rxDropped = espnow_ring_rx_dropped(ring);
	out->rxCorrupt = espnow_ring_rx_corrupt(ring);
}
