/*
 * espnow_core: what the radio glue and the JS binding share. One record per
 * ESP-NOW instance (there is one radio), owned by the binding:
 * - the receive ring (espnow_ring.h), in memory the binding provides;
 * - the send counters (espnow_stats.h);
 * - the wake of the JS thread.
 *
 * Waking the JS thread. The glue's callbacks (espnow_radio.h) run on the radio
 * task; after publishing a packet or counting a send completion they call the
 * binding's wake function, every time, so that a blocking recv() or sync
 * send() waiting on a semaphore sees it at once. The wake function's `post`
 * says whether the event loop must be told too (the binding posts a message
 * to the XS machine): only when no wake is pending, of either reason. So at
 * most one message is in the machine's queue per radio, however many packets
 * and completions arrive and however long JS stays away from its event loop
 * (Moddable's ESP32 host has a queue of 10, and a post into a full queue
 * blocks the radio task). Two, where receive and send-complete callbacks run
 * on two threads: each reason posts only while neither is pending, and the
 * two may look at once; then both stay pending until both messages are
 * delivered, so no third is posted while two are queued.
 *
 * Only the event loop's delivery calls espnow_core_acknowledge(), once per
 * message: it marks one pending wake seen (a message does not say its reason,
 * and one pending wake is this message's) and then looks at the ring and the
 * send counters, whatever reason it returns (a packet that found a wake
 * pending rides on it, whichever reason posted it). Posts not yet
 * acknowledged are the messages queued (or about to be), at most one a reason.
 * Blocking recv() and sync send() never acknowledge: they read the ring or
 * the counters, and wait on the semaphore when there is nothing. A packet
 * published after an acknowledge either is seen by that delivery or finds no
 * wake pending and posts again, or rides on a wake still pending, whose
 * delivery looks after its own acknowledge: none is stranded. A delivery may
 * find nothing new (a blocking recv() read its packets, or the other
 * message's delivery did).
 *
 * How, without read-modify-write atomics: per reason, the radio side counts
 * wakes posted and the JS side records the last one it acknowledged; a wake
 * is pending while the two differ. Each counter has one writer. The radio
 * side publishes its data, then a seq_cst fence, then reads both reasons'
 * counters; the JS side records, then a seq_cst fence, then reads the data.
 * The fences forbid both sides missing each other's store: either the radio
 * side sees the acknowledge (of its own reason or of the other one it would
 * ride on) and posts again, or the JS side sees the new data. Riding on the
 * other reason's wake is safe for the same reason: the acknowledge that ends
 * it is ordered after the radio side's fence, else the radio side would have
 * seen that acknowledge and found nothing pending.
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

/* Called on the radio task after every packet kept and every completion
   counted: release a blocked recv() or send() and, if `post`, tell the event
   loop. Must not block for long, must not call into XS. */
typedef void (*espnowWakeFunction)(void *refcon, bool post);

typedef struct espnowWakeRecord {
	_Atomic uint32_t posted;	/* radio side only */
	_Atomic uint32_t seen;		/* JS side only */
} espnowWakeRecord;

/* The outcome of each send, in completion order, for on_send() callbacks:
   one producer (the send-complete callback), one consumer (JS). Kept only
   while the JS side wants them; when the log is full a status is dropped and
   counted (the counters in `tx` still see it). espnow.ts empties the log
   after every send() as well as at each wake, so while JS sends in a loop
   without returning to its event loop the log holds at most the frames in
   flight when a send() began plus that send()'s own (one per peer): 64 is
   more than a Wi-Fi TX queue and 20 peers. */
#define ESPNOW_SEND_LOG_LENGTH (64)

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

/* JS thread, event loop only, first thing when a posted message arrives,
   once per message: mark one pending wake seen and return its ESPNOW_WAKE_
   bit (0 if none was pending).
   Afterwards look at the ring and at the send counters, whatever the bit
   says, and read the ring until ESPNOW_RING_EMPTY (or remember that packets
   remain). A blocking wait must not call it: with a wake pending the radio
   side posts no more, which is what keeps the machine's queue short. */
uint32_t espnow_core_acknowledge(espnowCore core);

/* JS thread: start or stop keeping send statuses (stopping discards them). */
void espnow_core_log_sends(espnowCore core, bool on);

/* JS thread: the oldest kept send status. ESPNOW_RING_OK, or
   ESPNOW_RING_EMPTY if there is none. */
int espnow_core_next_send_status(espnowCore core, espnowSendStatus status);

/* Send statuses dropped because the log was full. */
uint32_t espnow_core_send_statuses_lost(espnowCore core);

#endif
