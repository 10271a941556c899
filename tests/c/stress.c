/*
 * Stress test of the receive path: real threads, a small ring, full speed.
 *
 * Every packet offered carries its sequence number in its timestamp, and its
 * length (1..ESPNOW_RING_MAX_PAYLOAD), rssi, mac and every payload byte are
 * functions of that number, so the consumer checks each packet completely: a
 * packet published before it was fully written, or overwritten while being
 * read, fails the check. After the threads end, the packets the consumer
 * received must be exactly those the producer saw accepted, in order, and
 * rx_packets + rx_dropped must equal the packets offered.
 *
 * The producer ends with a sentinel packet (sequence number = packets), which
 * it offers until the ring takes it; the consumer stops when it reads it.
 *
 * Phase 1 uses the ring alone, with a consumer that polls.
 * Phase 2 uses the core, with a consumer that sleeps until a posted wake
 * arrives, as the event loop does: a lost wake leaves it asleep with packets
 * waiting, which fails the test after a timeout. A third thread completes
 * sends at the same time. Phase 3 is a blocking recv() loop: it sleeps on the
 * signal alone and never acknowledges, so the whole run posts once or twice.
 *
 * Usage: stress [packets per phase]
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "espnow_radio.h"

#define kRingSize (4096)	/* two full v2 packets and a little */
#define kWakeTimeoutSeconds (10)
#define kSends (20000)

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7FEB352Du;
	x ^= x >> 15;
	x *= 0x846CA68Bu;
	x ^= x >> 16;
	return x;
}

/* A third of the packets are tiny, a third up to v1's 250, a third up to v2's maximum. */
static size_t lengthOf(uint32_t sequence)
{
	uint32_t h = mix(sequence);
	switch (h % 3) {
	case 0: return 1 + (h >> 8) % 32;
	case 1: return 1 + (h >> 8) % ESPNOW_RING_MAX_DATA_LEN_V1;
	default: return 1 + (h >> 8) % ESPNOW_RING_MAX_PAYLOAD;
	}
}

static uint8_t byteOf(uint32_t sequence, size_t i)
{
	return (uint8_t)(mix(sequence ^ (uint32_t)(i * 0x9E3779B9u)) >> 24);
}

static void macOf(uint32_t sequence, uint8_t mac[ESPNOW_MAC_LEN])
{
	uint32_t h = mix(sequence + 1);
	mac[0] = 0x24;
	mac[1] = 0x6F;
	memcpy(mac + 2, &h, 4);
}

static int8_t rssiOf(uint32_t sequence)
{
	return (int8_t)(-(int)(mix(sequence + 2) % 100));
}

static bool packetIsIntact(const espnowRxInfoRecord *info, const uint8_t *payload, int length)
{
	uint32_t sequence = info->timestamp;
	uint8_t mac[ESPNOW_MAC_LEN];
	if ((length <= 0) || ((size_t)length != lengthOf(sequence)) || (info->length != length))
		return false;
	macOf(sequence, mac);
	if (memcmp(mac, info->mac, ESPNOW_MAC_LEN) || (info->rssi != rssiOf(sequence)))
		return false;
	for (int i = 0; i < length; i++) {
		if (payload[i] != byteOf(sequence, (size_t)i))
			return false;
	}
	return true;
}

/* Each field has one writer; the other thread reads it only after pthread_join. */
typedef struct {
	uint32_t packets;			/* sequences 0..packets-1, then the sentinel */
	uint8_t *accepted;			/* producer: accepted[sequence], sentinel included */
	uint32_t offered;			/* producer: push attempts, sentinel retries included */
	uint32_t *received;			/* consumer: sequences, in the order read */
	uint32_t receivedCount;		/* consumer */
	bool sawSentinel;			/* consumer */
	uint32_t corrupt;			/* consumer: packets failing packetIsIntact or the ring's checks */
	uint32_t outOfOrder;		/* consumer */
} Exchange;

static void exchangeInit(Exchange *x, uint32_t packets)
{
	memset(x, 0, sizeof(*x));
	x->packets = packets;
	x->accepted = calloc(packets + 1, 1);
	x->received = calloc(packets + 1, sizeof(uint32_t));
}

static void exchangeFree(Exchange *x)
{
	free(x->accepted);
	free(x->received);
}

/* Consumer: read everything published; check each packet. Sometimes peek
   first, sometimes offer a buffer too small, as a binding might, and
   sometimes take the packet peeked. */
static void drain(espnowRing ring, Exchange *x)
{
	static uint8_t payload[ESPNOW_RING_MAX_PAYLOAD];
	espnowRxInfoRecord info, peeked = {0};
	while (!x->sawSentinel) {
		uint32_t round = x->receivedCount;
		int length;
		if (0 == (round % 7)) {
			int result = espnow_ring_peek(ring, &peeked);
			if (ESPNOW_RING_EMPTY == result)
				return;
			if (ESPNOW_RING_OK != result) {
				x->corrupt++;
				espnow_ring_flush(ring);
				return;
			}
			if ((0 == (round % 5)) && (peeked.length > 1)) {
				if (ESPNOW_RING_TOO_SMALL != espnow_ring_read(ring, &info, payload, peeked.length - 1u))
					x->corrupt++;
			}
		}
		if ((0 == (round % 7)) && (0 == (round % 3))) {
			info = peeked;
			length = espnow_ring_take(ring, &info, payload, sizeof(payload));
		}
		else
			length = espnow_ring_read(ring, &info, payload, sizeof(payload));
		if (ESPNOW_RING_EMPTY == length)
			return;
		if ((length < 0) || !packetIsIntact(&info, payload, length)) {
			x->corrupt++;
			espnow_ring_flush(ring);
			return;
		}
		if ((0 == (round % 7)) && (peeked.timestamp != info.timestamp))
			x->corrupt++;
		if (x->receivedCount && (info.timestamp <= x->received[x->receivedCount - 1]))
			x->outOfOrder++;
		if (x->receivedCount <= x->packets)
			x->received[x->receivedCount++] = info.timestamp;
		x->sawSentinel = info.timestamp == x->packets;
	}
}

/* After the threads have ended: received must be exactly the accepted sequences, in order. */
static void checkOutcome(espnowRing ring, Exchange *x)
{
	uint32_t accepted = 0, next = 0;
	bool sameSequences = true;
	for (uint32_t sequence = 0; sequence <= x->packets; sequence++) {
		if (!x->accepted[sequence])
			continue;
		accepted++;
		if ((next >= x->receivedCount) || (x->received[next] != sequence))
			sameSequences = false;
		next++;
	}
	CHECK_EQ(x->corrupt, 0);
	CHECK_EQ(x->outOfOrder, 0);
	CHECK(sameSequences);
	CHECK_EQ(x->receivedCount, accepted);
	CHECK_EQ(espnow_ring_rx_packets(ring), accepted);
	CHECK_EQ((uint64_t)espnow_ring_rx_packets(ring) + espnow_ring_rx_dropped(ring), x->offered);
	CHECK(x->sawSentinel);
	CHECK(accepted > 1);
	CHECK(espnow_ring_rx_dropped(ring) > 0);	/* the small ring must have overflowed, or the test proved little */
	printf("  %u offered, %u kept, %u dropped\n", x->offered, accepted, espnow_ring_rx_dropped(ring));
}

/* Offer every packet; `pace` lets a consumer fall asleep now and then. */
typedef struct {
	Exchange *x;
	espnowRing ring;
	espnowCore core;
	bool pace;
} Producer;

static bool offer(Producer *p, uint32_t sequence)
{
	static uint8_t payload[ESPNOW_RING_MAX_PAYLOAD];
	uint8_t mac[ESPNOW_MAC_LEN];
	size_t length = lengthOf(sequence);
	for (size_t i = 0; i < length; i++)
		payload[i] = byteOf(sequence, i);
	macOf(sequence, mac);
	p->x->offered++;
	if (p->core) {
		uint32_t before = espnow_ring_rx_packets(&p->core->ring);
		espnow_core_on_receive(p->core, mac, rssiOf(sequence), sequence, payload, length);
		return espnow_ring_rx_packets(&p->core->ring) != before;
	}
	return ESPNOW_RING_OK == espnow_ring_push(p->ring, mac, rssiOf(sequence), sequence, payload, length);
}

static void *produce(void *it)
{
	Producer *p = it;
	Exchange *x = p->x;
	for (uint32_t sequence = 0; sequence < x->packets; sequence++) {
		x->accepted[sequence] = offer(p, sequence);
		if (p->pace && (0 == (mix(sequence) % 97))) {
			struct timespec pause = {0, (long)(mix(sequence) % 200000)};
			nanosleep(&pause, NULL);
		}
	}
	while (!offer(p, x->packets)) {
		struct timespec pause = {0, 20000};
		nanosleep(&pause, NULL);
	}
	x->accepted[x->packets] = 1;
	return NULL;
}

/* ---- phase 1: the ring alone, polling consumer ---- */

static uint32_t gPackets;

static void ring_keeps_every_packet_intact_and_in_order_under_a_full_speed_producer(void)
{
	espnowRingRecord ring;
	static uint8_t memory[kRingSize];
	Exchange x;
	Producer p;
	pthread_t thread;

	exchangeInit(&x, gPackets);
	CHECK_EQ(espnow_ring_init(&ring, memory, sizeof(memory)), ESPNOW_RING_OK);
	p = (Producer){ .x = &x, .ring = &ring, .core = NULL, .pace = false };
	CHECK_EQ(pthread_create(&thread, NULL, produce, &p), 0);
	while (!x.sawSentinel) {
		drain(&ring, &x);
		if (0 == espnow_ring_available(&ring))
			sched_yield();
	}
	pthread_join(thread, NULL);
	checkOutcome(&ring, &x);
	exchangeFree(&x);
}

/* ---- phases 2 and 3: the core, a consumer woken by the wake function ---- */

/* The event loop's queue and the binary semaphore of espnow_radio_wait(), in
   one. Posts wait in the queue until taken; `pending` is how many, `most` the
   most there ever were: the core promises one per radio thread at most. */
typedef struct {
	pthread_mutex_t mutex;
	pthread_cond_t condition;
	uint32_t posted;			/* under mutex */
	uint32_t taken;				/* under mutex */
	uint32_t most;				/* under mutex */
	bool signalled;				/* under mutex */
} Waker;

static void wakeJS(void *refcon, bool post)
{
	Waker *w = refcon;
	pthread_mutex_lock(&w->mutex);
	if (post) {
		w->posted++;
		if ((w->posted - w->taken) > w->most)
			w->most = w->posted - w->taken;
	}
	w->signalled = true;
	pthread_cond_signal(&w->condition);
	pthread_mutex_unlock(&w->mutex);
}

static bool waitUntil(Waker *w, bool (*ready)(Waker *))
{
	struct timespec deadline;
	bool woke = true;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += kWakeTimeoutSeconds;
	pthread_mutex_lock(&w->mutex);
	while (!ready(w)) {
		if (ETIMEDOUT == pthread_cond_timedwait(&w->condition, &w->mutex, &deadline)) {
			woke = false;
			break;
		}
	}
	pthread_mutex_unlock(&w->mutex);
	return woke;
}

static bool postWaits(Waker *w)
{
	if (w->taken == w->posted)
		return false;
	w->taken++;
	return true;
}

static bool signalWaits(Waker *w)
{
	if (!w->signalled)
		return false;
	w->signalled = false;
	return true;
}

static void *completeSends(void *it)
{
	espnowCore core = it;
	static const uint8_t mac[ESPNOW_MAC_LEN] = {1, 2, 3, 4, 5, 6};
	for (uint32_t i = 0; i < kSends; i++) {
		espnow_core_on_send_complete(core, mac, 0 != (i % 3));
		if (0 == (mix(i) % 61))
			sched_yield();
	}
	return NULL;
}

/* After the run, with both radio threads joined: the event loop delivers the
   messages still queued, each acknowledging a wake of its own, and then no
   wake is pending. */
static void deliverQueued(espnowCore core, Waker *w)
{
	while (w->taken != w->posted) {
		w->taken++;
		CHECK(espnow_core_acknowledge(core) != 0);
	}
	CHECK_EQ(espnow_core_acknowledge(core), 0);
}

/* Phase 2 consumes as the event loop does (one posted message, acknowledge,
   read everything); phase 3 as a blocking recv() loop does (the semaphore
   alone, never acknowledging), after which the event loop gets its turn. */
static void runCore(bool blocking)
{
	static espnowCoreRecord core;
	static uint8_t memory[kRingSize];
	static Waker waker = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, false };
	Exchange x;
	Producer p;
	pthread_t receiver, sender;
	espnowStatsRecord stats;
	uint32_t wakes = 0, receiveWakes = 0, sendWakes = 0, emptyWakes = 0, lostWakes = 0, badSnapshots = 0;

	exchangeInit(&x, gPackets);
	waker.posted = waker.taken = waker.most = 0;
	waker.signalled = false;
	CHECK_EQ(espnow_core_init(&core, memory, sizeof(memory), wakeJS, &waker), ESPNOW_RING_OK);
	for (uint32_t i = 0; i < kSends; i++)
		espnow_tx_stats_sent(&core.tx);
	p = (Producer){ .x = &x, .ring = NULL, .core = &core, .pace = true };
	CHECK_EQ(pthread_create(&receiver, NULL, produce, &p), 0);
	CHECK_EQ(pthread_create(&sender, NULL, completeSends, &core), 0);
	for (;;) {
		uint32_t reasons;
		if (!waitUntil(&waker, blocking ? signalWaits : postWaits)) {
			lostWakes++;	/* neither thread ever pauses this long */
			break;
		}
		wakes++;
		if (!blocking) {
			reasons = espnow_core_acknowledge(&core);
			receiveWakes += 0 != (reasons & ESPNOW_WAKE_RECEIVE);
			sendWakes += 0 != (reasons & ESPNOW_WAKE_SEND);
			emptyWakes += 0 == reasons;	/* every message has its own post */
		}
		drain(&core.ring, &x);
		espnow_stats_snapshot(&core.tx, &core.ring, &stats);
		if ((uint64_t)stats.txResponses + stats.txFailures > stats.txPackets)
			badSnapshots++;
		if (x.sawSentinel && (espnow_tx_stats_completions(&core.tx) == kSends))
			break;
	}
	pthread_join(receiver, NULL);
	pthread_join(sender, NULL);
	checkOutcome(&core.ring, &x);
	CHECK_EQ(lostWakes, 0);
	CHECK_EQ(emptyWakes, 0);
	CHECK_EQ(badSnapshots, 0);
	CHECK(waker.most <= 2);		/* a receive thread and a send thread */
	static const uint8_t mac[ESPNOW_MAC_LEN] = {1, 2, 3, 4, 5, 6};
	if (blocking) {
		/* The whole run announced by at most two posts, all still queued. */
		CHECK(waker.posted >= 1);
		CHECK(waker.posted <= 2);
		CHECK_EQ(waker.taken, 0);
		uint32_t posted = waker.posted;
		deliverQueued(&core, &waker);
		espnow_tx_stats_sent(&core.tx);
		espnow_core_on_send_complete(&core, mac, true);
		CHECK_EQ(waker.posted, posted + 1);	/* all delivered: the next completion posts again */
	} else {
		CHECK(receiveWakes > 0);
		/* Whether a completion ever found no receive wake pending depends on
		   the threads' timing (under load every one can ride): the run's
		   figure is printed, and a completion with nothing pending must post
		   a wake of its own, with its reason. */
		deliverQueued(&core, &waker);
		uint32_t posted = waker.posted;
		espnow_tx_stats_sent(&core.tx);
		espnow_core_on_send_complete(&core, mac, true);
		CHECK_EQ(waker.posted, posted + 1);
		CHECK_EQ(espnow_core_acknowledge(&core), ESPNOW_WAKE_SEND);
		CHECK(wakes <= x.receivedCount + kSends);
	}
	espnow_stats_snapshot(&core.tx, &core.ring, &stats);
	CHECK_EQ(stats.txPackets, kSends + 1);	/* and the one completion after the run */
	printf("  %u wakes (%u with packets, %u with send completions) for %u packets and %u completions; at most %u posts pending, %u posted\n",
		wakes, receiveWakes, sendWakes, x.receivedCount, kSends, waker.most, waker.posted);
	exchangeFree(&x);
}

static void core_wakes_a_sleeping_consumer_for_every_kept_packet(void)
{
	runCore(false);
}

static void a_blocking_consumer_is_signalled_for_every_packet_and_posts_stay_few(void)
{
	runCore(true);
}

int main(int argc, char **argv)
{
	gPackets = (argc > 1) ? (uint32_t)strtoul(argv[1], NULL, 10) : 400000;
	if (gPackets < 1000)
		gPackets = 1000;
	RUN(ring_keeps_every_packet_intact_and_in_order_under_a_full_speed_producer);
	RUN(core_wakes_a_sleeping_consumer_for_every_kept_packet);
	RUN(a_blocking_consumer_is_signalled_for_every_packet_and_posts_stay_few);
	return finish();
}
