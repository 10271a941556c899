/*
 * espnow_core: what the radio glue and the JS binding share. One record per
 * ESP-NOW instance (there is one radio), owned by the binding:
 * - the receive ring (espnow_ring.h), in memory the binding provides;
 * - the send counters (espnow_stats.h);
 * - the wake of the JS thread.
 *
 * Waking the JS thread. The glue's callbacks (espnow_radio.h) run on the radio
 * task; after publishing a packet or counting a send completion they ask the
 * core to wake JS. The core calls the binding's wake function (which posts a
 * message to the XS machine, gives a semaphore a blocking recv() waits on, ...)
 * only if no wake of that reason is already pending: there is at most one
 * pending wake per reason, however many packets arrive. The JS thread calls
 * espnow_core_acknowledge() first thing when the wake reaches it, then reads
 * until the ring is empty. A packet published after the acknowledge either is
 * seen by those reads or causes a new wake: none is stranded. A wake may find
 * nothing new (its packets were read during an earlier delivery).
 *
 * How, without read-modify-write atomics: per reason, the radio side counts
 * wakes posted and the JS side records the last one it acknowledged; a wake
 * is pending while the two differ. Each counter has one writer. The radio
 * side publishes its data, then a seq_cst fence, then compares; the JS side
 * records, then a seq_cst fence, then reads the data. The fences forbid both
 * sides missing each other's store: either the radio side sees the
 * acknowledge and wakes again, or the JS side sees the new data.
 *
 * Threads: all receive callbacks come from one thread at a time, and all
 * send-complete callbacks come from one thread at a time (ESP-IDF runs both
 * on its Wi-Fi task; a glue with several threads must serialise each kind).
 */

#ifndef ESPNOW_CORE_H
#define ESPNOW_CORE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "espnow_ring.h"
#include "espnow_stats.h"

#define ESPNOW_WAKE_RECEIVE (1)	/* a packet was published in the ring */
#define ESPNOW_WAKE_SEND (2)	/* a send completion was counted */

/* Called on the radio task: must not block, must not call into XS. */
typedef void (*espnowWakeFunction)(void *refcon);

typedef struct espnowWakeRecord {
	_Atomic uint32_t posted;	/* radio side only */
	_Atomic uint32_t seen;		/* JS side only */
} espnowWakeRecord;

/* The outcome of each send, in completion order, for on_send() callbacks:
   one producer (the send-complete callback), one consumer (JS). Kept only
   while the JS side wants them; when the log is full a status is dropped and
   counted (the counters in `tx` still see it). */
#define ESPNOW_SEND_LOG_LENGTH (32)

typedef struct espnowSendStatusRecord {
	uint8_t mac[ESPNOW_MAC_LEN];
	uint8_t delivered;
} espnowSendStatusRecord, *espnowSendStatus;

typedef struct espnowSendLogRecord {
	espnowSendStatusRecord entries[ESPNOW_SEND_LOG_LENGTH];
	_Atomic uint32_t written;	/* radio side only */
	_Atomic uint32_t read;		/* JS side only */
	_Atomic uint32_t lost;		/* radio side only */
	_Atomic bool on;			/* JS side only */
} espnowSendLogRecord;

typedef struct espnowCoreRecord {
	espnowRingRecord ring;
	espnowTxStatsRecord tx;
	espnowSendLogRecord sendLog;
	espnowWakeRecord receiveWake;
	espnowWakeRecord sendWake;
	espnowWakeFunction wake;
	void *refcon;
} espnowCoreRecord, *espnowCore;

/* Set up the ring over `rxbuf` (`rxbufSize` bytes), zero every counter, no
   wake pending. Before espnow_radio_init(), or after espnow_radio_deinit().
   `wake` may be NULL (nobody to wake: the binding polls).
   Returns ESPNOW_RING_OK or ESPNOW_RING_INVALID. */
int espnow_core_init(espnowCore core, void *rxbuf, uint32_t rxbufSize, espnowWakeFunction wake, void *refcon);

/* JS thread, first thing when a wake arrives: mark every pending wake seen and
   return their ESPNOW_WAKE_ bits (0 if none was pending). Afterwards read the
   ring until ESPNOW_RING_EMPTY and look at the send counters. */
uint32_t espnow_core_acknowledge(espnowCore core);

/* JS thread: start or stop keeping send statuses (stopping discards them). */
void espnow_core_log_sends(espnowCore core, bool on);

/* JS thread: the oldest kept send status. ESPNOW_RING_OK, or
   ESPNOW_RING_EMPTY if there is none. */
int espnow_core_next_send_status(espnowCore core, espnowSendStatus status);

/* Send statuses dropped because the log was full. */
uint32_t espnow_core_send_statuses_lost(espnowCore core);

#endif
