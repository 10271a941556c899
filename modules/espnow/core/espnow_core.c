/*
 * espnow_core: the glue's callbacks and the JS wake. See espnow_core.h for why
 * the wake needs seq_cst fences and no read-modify-write.
 */

#include "espnow_radio.h"

static void wakeReset(espnowWakeRecord *wake)
{
	atomic_store_explicit(&wake->posted, 0, memory_order_relaxed);
	atomic_store_explicit(&wake->seen, 0, memory_order_relaxed);
}

/* Radio side. The other reason's counters have other writers, and a stale
   `posted` read after a fresh `seen` looks behind it: not pending, so the
   caller posts itself, which is never wrong, only one message more. */
static bool wakePending(espnowWakeRecord *wake)
{
	uint32_t seen = atomic_load_explicit(&wake->seen, memory_order_relaxed);
	return (int32_t)(atomic_load_explicit(&wake->posted, memory_order_relaxed) - seen) > 0;
}

/* Radio side, after its data is published: `wake` is this reason's record,
   `other` the other reason's, whose pending wake this one may ride on. */
static void wakeRequest(espnowCore core, espnowWakeRecord *wake, espnowWakeRecord *other)
{
	bool post = false;

	atomic_thread_fence(memory_order_seq_cst);
	if (!wakePending(wake) && !wakePending(other)) {
		atomic_store_explicit(&wake->posted, atomic_load_explicit(&wake->posted, memory_order_relaxed) + 1, memory_order_relaxed);
		post = true;
	}
	if (core->wake)
		(core->wake)(core->refcon, post);
}

/* JS side: mark this kind's wake seen if one is pending; true if it was. */
static bool wakeAcknowledge(espnowWakeRecord *wake)
{
	uint32_t posted = atomic_load_explicit(&wake->posted, memory_order_relaxed);
	if (atomic_load_explicit(&wake->seen, memory_order_relaxed) == posted)
		return false;
	atomic_store_explicit(&wake->seen, posted, memory_order_relaxed);
	return true;
}

int espnow_core_init(espnowCore core, void *rxbuf, uint32_t rxbufSize, espnowWakeFunction wake, void *refcon)
{
	int result = espnow_ring_init(&core->ring, rxbuf, rxbufSize);
	if (ESPNOW_RING_OK != result)
		return result;
	espnow_tx_stats_reset(&core->tx);
	wakeReset(&core->receiveWake);
	wakeReset(&core->sendWake);
	atomic_store_explicit(&core->sendLog.written, 0, memory_order_relaxed);
	atomic_store_explicit(&core->sendLog.read, 0, memory_order_relaxed);
	atomic_store_explicit(&core->sendLog.lost, 0, memory_order_relaxed);
	atomic_store_explicit(&core->sendLog.on, false, memory_order_relaxed);
	core->wake = wake;
	core->refcon = refcon;
	return ESPNOW_RING_OK;
}

uint32_t espnow_core_acknowledge(espnowCore core)
{
	uint32_t reason = 0;
	if (wakeAcknowledge(&core->receiveWake))
		reason = ESPNOW_WAKE_RECEIVE;
	else if (wakeAcknowledge(&core->sendWake))
		reason = ESPNOW_WAKE_SEND;
	atomic_thread_fence(memory_order_seq_cst);
	return reason;
}

void espnow_core_on_receive(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], int8_t rssi, uint32_t timestamp, const uint8_t *data, size_t length)
{
	if (ESPNOW_RING_OK == espnow_ring_push(&core->ring, mac, rssi, timestamp, data, length))
		wakeRequest(core, &core->receiveWake, &core->sendWake);
}

void espnow_core_on_send_complete(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], bool delivered)
{
	espnowSendLogRecord *log = &core->sendLog;
	if (atomic_load_explicit(&log->on, memory_order_relaxed)) {
		uint32_t written = atomic_load_explicit(&log->written, memory_order_relaxed);
		uint32_t read = atomic_load_explicit(&log->read, memory_order_acquire);
		if ((written - read) < ESPNOW_SEND_LOG_LENGTH) {
			espnowSendStatus entry = &log->entries[written % ESPNOW_SEND_LOG_LENGTH];
			for (int i = 0; i < ESPNOW_MAC_LEN; i++)
				entry->mac[i] = mac[i];
			entry->delivered = delivered ? 1 : 0;
			atomic_store_explicit(&log->written, written + 1, memory_order_release);
		}
		else
			atomic_store_explicit(&log->lost, atomic_load_explicit(&log->lost, memory_order_relaxed) + 1, memory_order_relaxed);
	}
	espnow_tx_stats_completed(&core->tx, delivered);
	wakeRequest(core, &core->sendWake, &core->receiveWake);
}

void espnow_core_log_sends(espnowCore core, bool on)
{
	espnowSendLogRecord *log = &core->sendLog;
	atomic_store_explicit(&log->on, on, memory_order_relaxed);
	if (!on)
		atomic_store_explicit(&log->read, atomic_load_explicit(&log->written, memory_order_acquire), memory_order_release);
}

int espnow_core_next_send_status(espnowCore core, espnowSendStatus status)
{
	espnowSendLogRecord *log = &core->sendLog;
	uint32_t read = atomic_load_explicit(&log->read, memory_order_relaxed);
	if (atomic_load_explicit(&log->written, memory_order_acquire) == read)
		return ESPNOW_RING_EMPTY;
	*status = log->entries[read % ESPNOW_SEND_LOG_LENGTH];
	atomic_store_explicit(&log->read, read + 1, memory_order_release);
	return ESPNOW_RING_OK;
}

uint32_t espnow_core_send_statuses_lost(espnowCore core)
{
	return atomic_load_explicit(&core->sendLog.lost, memory_order_relaxed);
}
