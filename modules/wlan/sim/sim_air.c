/*
 * sim_air: the node side of the air protocol (tools/air/PROTOCOL.md).
 * See sim_air.h for the threads and the environment.
 */

#include "sim_air.h"
#include "sim_deadline.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#ifdef __linux__
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif
#include <time.h>
#include <unistd.h>

enum {
	HELLO = 0x01, STATE = 0x02, SET_PMK = 0x03, SET_PEER_KEY = 0x04, SEND = 0x05, PING = 0x07, BYE = 0x08,
	ACK = 0x80, WELCOME = 0x81, SEND_STATUS = 0x85, PONG = 0x87, RECV = 0x90, NOTICE = 0x91,
};

enum { ACK_OK = 0, ACK_NOT_REGISTERED = 1 };
enum { SEND_REFUSED = 2, REASON_NOT_REGISTERED = 10 };

#define HEADER (8)
#define DATAGRAM (2048)
#define REQUEST_TIMEOUT_MS (2000)	/* generous: a loaded CI machine may starve the air */
#define REQUEST_TRIES (3)
#define MAX_LAG_US (20000)				/* pace(): a frame held at most this much past its air time, the clocks' offset and the pace */
#define WAKE_SLACK_US (200)				/* pace(): a hand-over at most this much after its time keeps the schedule */
#define LAG_DRAIN (16)					/* pace(): frames that are behind go up to 1/16 of their air spacing sooner */
#define RECEIVE_BUFFER (1024 * 1024)	/* a backlog waits in the kernel, not lost, while frames are paced */
#define MAX_KEYS (32)					/* LMKs replayed after a new HELLO (ESP-NOW has at most 20 peers) */
#define OWN_IDS (0x8000)				/* request ids of the receive thread; the JS thread's are below */
#define IDF(major, minor, patch) ((major) * 10000 + (minor) * 100 + (patch))
#define IDF_V2 IDF(5, 4, 0)			/* esp_now_get_version and ESP_NOW_MAX_DATA_LEN_V2 appear */
#define IDF_V2_1470 IDF(5, 4, 2)	/* ESP_NOW_MAX_DATA_LEN_V2 goes from 1490 to 1470 */

typedef struct {
	pthread_mutex_t mutex;
	pthread_cond_t replied;
	int fd;
	int connected;				/* 0 not tried, 1 ok, -1 failed */
	char error[160];

	/* from the environment (readEnvironment) and WELCOME */
	pthread_once_t read;
	char configError[160];			/* empty if the environment is valid */
	uint16_t index;
	uint8_t chip;
	uint8_t version;
	size_t maxDataLen;
	int txBuffers;
	int64_t paceUs;					/* WELCOME's pace: 0, frames handed over as they come (the virtual clock); else how late the air may send one, for pace() */
	float x, y;
	char name[33];
	uint8_t sta[6], ap[6];
	uint32_t timeoutMs;

	/* interface state, as last acknowledged by the air (or told by NOTICE) */
	uint8_t flags;
	uint8_t channel;
	uint16_t rate;
	uint8_t protocol;				/* WIFI_PROTOCOL_ bits; 0: the air's default (11b/g/n) */
	uint8_t txPower;				/* 0.25 dBm units; 0: the air's default */

	/* keys the air acknowledged, replayed after a new HELLO (which resets them) */
	bool pmkSet;
	uint8_t pmk[16];
	int keyCount;
	struct { uint8_t mac[6]; uint8_t lmk[16]; } keys[MAX_KEYS];

	/* the receive thread saw the air answer NOT_REGISTERED: it checks and registers again */
	bool lost;
	uint16_t nextOwnId;
	unsigned registrations;			/* HELLOs after the first (the air dropped the node) */

	/* the one outstanding request (requests come from the JS thread only) */
	uint16_t nextId;
	uint16_t pendingId;
	bool pendingDone;
	uint8_t reply[DATAGRAM];
	size_t replyLength;

	pthread_mutex_t listenerMutex;	/* held while a listener runs */
	simAirListenerRecord listener;
	bool hasListener;

	/* pace(), on the receive thread: local time less air time, at least (WELCOME's, then frames'); the last frame's air time; when it was handed over, local time */
	int64_t minLatencyUs;
	uint64_t lastAirUs;
	int64_t lastHandedUs;

	pthread_t thread;
	struct timespec started;

	/* the JS thread (the one that connects), for sim_air_app_starved(); appStat -1: unknown */
	pthread_t appThread;
	int appStat;
} simAirRecord;

static simAirRecord gAir = {
	.mutex = PTHREAD_MUTEX_INITIALIZER,
	/* .replied: on CLOCK_MONOTONIC, made by startClock() */
	.listenerMutex = PTHREAD_MUTEX_INITIALIZER,
	.read = PTHREAD_ONCE_INIT,
	.fd = -1,
	.appStat = -1,
	.version = 2,
	.maxDataLen = 250,
	.txBuffers = 16,
	.channel = 1,
	.rate = 2,
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t get32(const uint8_t *p) { return get16(p) | ((uint32_t)get16(p + 2) << 16); }
static uint64_t get64(const uint8_t *p) { return get32(p) | ((uint64_t)get32(p + 4) << 32); }

static void header(uint8_t *p, uint8_t type, uint16_t id)
{
	memcpy(p, "ENAR", 4);
	p[4] = 1;
	p[5] = type;
	put16(p + 6, id);
}

static const char *envOr(const char *name, const char *otherwise)
{
	const char *value = getenv(name);
	return (value && *value) ? value : otherwise;
}

static int fail(const char *format, const char *detail)
{
	snprintf(gAir.error, sizeof(gAir.error), format, detail);
	return -1;
}

/* ---- requests ---- */

static size_t helloMessage(uint8_t *p, uint16_t id)
{
	size_t nameLength = strlen(gAir.name);
	header(p, HELLO, id);
	put16(p + 8, gAir.index);
	p[10] = gAir.chip;
	p[11] = gAir.version;
	p[12] = gAir.flags;
	p[13] = gAir.channel;
	put16(p + 14, gAir.rate);
	memcpy(p + 16, &gAir.x, 4);
	memcpy(p + 20, &gAir.y, 4);
	memset(p + 24, 0, 12);
	p[36] = (uint8_t)nameLength;
	memcpy(p + 37, gAir.name, nameLength);
	return 37 + nameLength;
}

/* Send a request and wait for the reply with its id. Called with the mutex
   held; returns the reply's length (0 on timeout). */
static size_t exchange(uint8_t *message, size_t length)
{
	for (int attempt = 0; attempt < REQUEST_TRIES; attempt++) {
		gAir.nextId = (uint16_t)((gAir.nextId % (OWN_IDS - 1)) + 1);
		uint16_t id = gAir.nextId;
		put16(message + 6, id);
		gAir.pendingId = id;
		gAir.pendingDone = false;
		if (send(gAir.fd, message, length, 0) < 0)
			return 0;
		struct timespec until = sim_deadline(REQUEST_TIMEOUT_MS);
		while (!gAir.pendingDone) {
			if (pthread_cond_timedwait(&gAir.replied, &gAir.mutex, &until) == ETIMEDOUT)
				break;
		}
		gAir.pendingId = 0;
		if (gAir.pendingDone)
			return gAir.replyLength;
	}
	return 0;
}

static size_t pmkMessage(uint8_t *p)
{
	header(p, SET_PMK, 0);
	memcpy(p + 8, gAir.pmk, 16);
	return HEADER + 16;
}

static size_t keyMessage(uint8_t *p, const uint8_t mac[6], const uint8_t lmk[16])
{
	header(p, SET_PEER_KEY, 0);
	memcpy(p + 8, mac, 6);
	p[14] = lmk ? 1 : 0;
	if (lmk)
		memcpy(p + 15, lmk, 16);
	else
		memset(p + 15, 0, 16);
	return HEADER + 23;
}

/* The mutex is held: remember what the air acknowledged (lmk NULL: removed). */
static int rememberKey(const uint8_t mac[6], const uint8_t lmk[16])
{
	for (int i = 0; i < gAir.keyCount; i++) {
		if (memcmp(gAir.keys[i].mac, mac, 6))
			continue;
		if (lmk)
			memcpy(gAir.keys[i].lmk, lmk, 16);
		else
			gAir.keys[i] = gAir.keys[--gAir.keyCount];
		return 0;
	}
	if (!lmk)
		return 0;
	if (gAir.keyCount == MAX_KEYS)
		return -1;
	memcpy(gAir.keys[gAir.keyCount].mac, mac, 6);
	memcpy(gAir.keys[gAir.keyCount].lmk, lmk, 16);
	gAir.keyCount++;
	return 0;
}

/* STATE: the interfaces, channel and rate given, with the radio's protocol
   and transmit power. The mutex is held. */
static size_t stateMessage(uint8_t *message, uint8_t flags, uint8_t channel, uint16_t rate)
{
	header(message, STATE, 0);
	message[8] = flags;
	message[9] = channel;
	put16(message + 10, rate);
	message[12] = gAir.version;
	message[13] = gAir.protocol;
	message[14] = gAir.txPower;
	return HEADER + 7;
}

/* Registers again, as this node is (interfaces, channel, rate in HELLO; then
   a STATE for the protocol and transmit power, which HELLO does not carry), then
   replays the PMK and every LMK, which a new registration resets. The mutex
   is held, and `ask` sends one request and returns its reply's length (0:
   none), the reply in gAir.reply. */
static int reregister(size_t (*ask)(uint8_t *message, size_t length))
{
	uint8_t message[DATAGRAM];
	size_t length = ask(message, helloMessage(message, 0));
	if (length < 36 || gAir.reply[5] != WELCOME || gAir.reply[8] != ACK_OK)
		return -1;
	gAir.registrations++;
	length = ask(message, stateMessage(message, gAir.flags, gAir.channel, gAir.rate));
	if (length < 9 || gAir.reply[5] != ACK || gAir.reply[8] != ACK_OK)
		return -1;
	if (gAir.pmkSet) {
		length = ask(message, pmkMessage(message));
		if (length < 9 || gAir.reply[5] != ACK || gAir.reply[8] != ACK_OK)
			return -1;
	}
	for (int i = 0; i < gAir.keyCount; i++) {
		length = ask(message, keyMessage(message, gAir.keys[i].mac, gAir.keys[i].lmk));
		if (length < 9 || gAir.reply[5] != ACK || gAir.reply[8] != ACK_OK)
			return -1;
	}
	return 0;
}

static int rehello(void)
{
	return reregister(exchange);
}

/* A request answered by ACK. The mutex is held. */
static int request(uint8_t *message, size_t length, const char *what)
{
	for (int round = 0; round < 2; round++) {
		size_t replied = exchange(message, length);
		if (replied < 9 || gAir.reply[5] != ACK) {
			snprintf(gAir.error, sizeof(gAir.error), "%s: the air did not answer", what);
			fprintf(stderr, "sim_air: %s\n", gAir.error);
			return -1;
		}
		if (gAir.reply[8] == ACK_OK)
			return 0;
		if (gAir.reply[8] != ACK_NOT_REGISTERED || rehello() != 0) {
			int textLength = replied > 9 ? gAir.reply[9] : 0;
			if ((size_t)(10 + textLength) > replied)
				textLength = 0;
			snprintf(gAir.error, sizeof(gAir.error), "%s: refused by the air: %.*s", what, textLength, (const char *)gAir.reply + 10);
			fprintf(stderr, "sim_air: %s\n", gAir.error);
			return -1;
		}
	}
	return -1;
}

/* ---- the receive thread ---- */

static int64_t localMicros(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

/* Hand a frame that ended at air time `airUs` over no closer to the last
   one than the air carried them apart. The air's timers fire about once a
   millisecond and send what ended meanwhile at once (six 250-byte frames at
   54 Mbit/s), which a fast consumer with a two-message rxbuf cannot absorb
   and a device never sees; so does a stall of the air's process or this one
   (the host's scheduler), after which the frames that ended meanwhile come
   together. So the first of them goes at once and each one behind waits
   until the last was handed over their air spacing ago. Only frames that
   are behind (later than their air time, the clocks' offset and WELCOME's
   pace, how late the air's timers may send a frame: 2 ms) go up to a
   sixteenth sooner, so a backlog drains (the application sees frames at
   most that much closer than on the air while it does) and a stream that
   is on time keeps its rate exactly. A frame that comes alone goes at
   once: the app sees it as soon as the host lets it, as on a device, and
   the host spends no sleep or wake-up on it; so does one that would wait
   no more than a sixteenth of its spacing (what a frame behind may gain
   anyway), which keeps the schedule from sticking ahead of the frames'
   arrivals. A hand-over at most WAKE_SLACK_US after its time (a wake-up a
   little late) keeps the schedule, so the stream is not slowed by it; a
   later one counts from when it happened, so the frames behind keep their
   spacing from it. A frame is never held more than MAX_LAG_US behind (the
   clocks' offset is the smallest latency seen, WELCOME's or a frame's: both
   clocks are monotonic, and the air never sends a frame before its time):
   a longer stall is one a device would not have, and its frames are handed
   over as they come. */
static void pace(uint64_t airUs)
{
	int64_t now = localMicros();
	int64_t latency = now - (int64_t)airUs;
	if (latency < gAir.minLatencyUs)
		gAir.minLatencyUs = latency;
	int64_t spacing = 0;
	if (airUs > gAir.lastAirUs) {
		if (gAir.lastAirUs)
			spacing = (int64_t)(airUs - gAir.lastAirUs);
		gAir.lastAirUs = airUs;
	}
	int64_t at = gAir.lastHandedUs + spacing;
	int64_t usual = (int64_t)airUs + gAir.minLatencyUs + gAir.paceUs;
	if (at > usual) {
		/* behind: drain the backlog by at most a sixteenth of the spacing */
		int64_t drain = spacing / LAG_DRAIN;
		at -= (at - usual < drain) ? at - usual : drain;
		if (at > usual + MAX_LAG_US)
			at = usual + MAX_LAG_US;
	}
	/* alone, or nearly on time: no sleep for the sixteenth that frames behind may gain anyway */
	if (at - now > spacing / LAG_DRAIN) {
		struct timespec until = { .tv_sec = at / 1000000, .tv_nsec = (long)(at % 1000000) * 1000 };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
		now = localMicros();
	}
	/* handed over on time, or nearly (a wake-up a little late): the schedule
	   holds, and the frames behind are not slowed by it */
	gAir.lastHandedUs = (at <= now && now - at <= WAKE_SLACK_US) ? at : now;
}

static void dispatch(const uint8_t *d, size_t length);

/* The mutex is held. */
static void deliverReply(const uint8_t *datagram, size_t length)
{
	if (length > sizeof(gAir.reply))
		return;
	if (gAir.pendingId && get16(datagram + 6) == gAir.pendingId) {
		memcpy(gAir.reply, datagram, length);
		gAir.replyLength = length;
		gAir.pendingDone = true;
		pthread_cond_signal(&gAir.replied);
	}
	else if (datagram[5] == ACK && length >= 9 && datagram[8] == ACK_NOT_REGISTERED)
		gAir.lost = true;	/* a PING's answer: the air dropped this node */
}

/* Acts on one datagram from the air, on the receive thread; `locked`: the
   mutex is held (reregistering). Returns false for a datagram that must wait
   until the mutex is released: one for the listener, who may block (a full
   machine queue) until the JS thread, which may be waiting for the mutex,
   takes a message. */
static bool dispatchDatagram(const uint8_t *d, size_t length, bool locked)
{
	if (length < HEADER || memcmp(d, "ENAR", 4) || d[4] != 1)
		return true;
	switch (d[5]) {
	case ACK:
	case WELCOME:
		if (!locked)
			pthread_mutex_lock(&gAir.mutex);
		deliverReply(d, length);
		if (!locked)
			pthread_mutex_unlock(&gAir.mutex);
		break;
	case RECV:
	case SEND_STATUS:
		if (locked)
			return false;
		dispatch(d, length);
		break;
	case NOTICE:
		if (length < 20)
			break;
		if (!locked)
			pthread_mutex_lock(&gAir.mutex);
		gAir.channel = d[9];
		gAir.rate = get16(d + 10);
		memcpy(&gAir.x, d + 12, 4);
		memcpy(&gAir.y, d + 16, 4);
		if (!locked)
			pthread_mutex_unlock(&gAir.mutex);
		break;
	default:
		break;
	}
	return true;
}

static void dispatch(const uint8_t *d, size_t length)
{
	switch (d[5]) {
	case RECV: {
		if (length < 34)
			return;
		size_t payload = get16(d + 32);
		if (payload > SIM_AIR_MAX_PAYLOAD || 34 + payload != length)
			return;
		if (gAir.paceUs)
			pace(get64(d + 24));
		pthread_mutex_lock(&gAir.listenerMutex);
		if (gAir.hasListener)
			gAir.listener.receive(gAir.listener.refcon, d + 8, (int8_t)d[20], d + 34, payload);
		pthread_mutex_unlock(&gAir.listenerMutex);
		break;
	}
	case SEND_STATUS:
		if (length < 25)
			return;
		if (d[12] == SEND_REFUSED && d[13] == REASON_NOT_REGISTERED) {
			pthread_mutex_lock(&gAir.mutex);
			gAir.lost = true;
			pthread_mutex_unlock(&gAir.mutex);
		}
		pthread_mutex_lock(&gAir.listenerMutex);
		if (gAir.hasListener)
			gAir.listener.sent(gAir.listener.refcon, get32(d + 8), d[12] == 0);
		pthread_mutex_unlock(&gAir.listenerMutex);
		break;
	default:
		break;
	}
}

/* Datagrams for the listener that came while the receive thread held the
   mutex, handed over once it let it go. */
typedef struct deferredRecord {
	struct deferredRecord *next;
	size_t length;
	uint8_t data[];
} deferredRecord;
static deferredRecord *gDeferred, **gDeferredEnd = &gDeferred;

static void defer(const uint8_t *d, size_t length)
{
	deferredRecord *record = malloc(sizeof(deferredRecord) + length);
	if (!record)
		return;
	record->next = NULL;
	record->length = length;
	memcpy(record->data, d, length);
	*gDeferredEnd = record;
	gDeferredEnd = &record->next;
}

static void handOverDeferred(void)
{
	while (gDeferred) {
		deferredRecord *record = gDeferred;
		gDeferred = record->next;
		if (!gDeferred)
			gDeferredEnd = &gDeferred;
		dispatch(record->data, record->length);
		free(record);
	}
}

/* ask() for reregister() on the receive thread, which reads the socket
   itself: sends the request with an id of its own and waits for the reply,
   acting on the other datagrams meanwhile. The mutex is held. */
static size_t askOnReceiveThread(uint8_t *message, size_t length)
{
	static uint8_t datagram[DATAGRAM];
	struct pollfd watch = { .fd = gAir.fd, .events = POLLIN };
	for (int attempt = 0; attempt < REQUEST_TRIES; attempt++) {
		gAir.nextOwnId = (uint16_t)((gAir.nextOwnId % (OWN_IDS - 1)) + 1);
		uint16_t id = (uint16_t)(OWN_IDS | gAir.nextOwnId);
		put16(message + 6, id);
		if (send(gAir.fd, message, length, 0) < 0)
			return 0;
		uint32_t started = sim_air_millis();
		for (;;) {
			uint32_t waited = sim_air_millis() - started;
			if (waited >= REQUEST_TIMEOUT_MS)
				break;
			if (poll(&watch, 1, (int)(REQUEST_TIMEOUT_MS - waited)) <= 0)
				continue;
			ssize_t got = recv(gAir.fd, datagram, sizeof(datagram), 0);
			if (got < HEADER)
				continue;
			if (get16(datagram + 6) == id && (datagram[5] == ACK || datagram[5] == WELCOME || datagram[5] == PONG)) {
				memcpy(gAir.reply, datagram, (size_t)got);
				return (size_t)got;
			}
			if (!dispatchDatagram(datagram, (size_t)got, true))
				defer(datagram, (size_t)got);
		}
	}
	return 0;
}

/* The air answered NOT_REGISTERED to something (a PING, a SEND): it dropped
   this node, which was stopped or starved for longer than its timeout. Ask
   again (a stale answer may predate a HELLO of the JS thread's), and if the
   air still does not know the node, register it again with its keys. The
   mutex is held throughout, so no request of the JS thread's interleaves. */
static void recover(void)
{
	uint8_t message[HEADER];
	pthread_mutex_lock(&gAir.mutex);
	gAir.lost = false;
	header(message, PING, 0);
	size_t length = askOnReceiveThread(message, sizeof(message));
	if (length >= 9 && gAir.reply[5] == ACK && gAir.reply[8] == ACK_NOT_REGISTERED) {
		if (reregister(askOnReceiveThread) != 0)
			fprintf(stderr, "sim_air: the air dropped this node and did not take it back: will try again\n");
	}
	pthread_mutex_unlock(&gAir.mutex);
	handOverDeferred();
}

static void *receiveLoop(void *unused)
{
	(void)unused;
#ifdef __linux__
	/* sleeps of a few hundred microseconds must end on time (default slack: 50 us) */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
#endif
	static uint8_t datagram[DATAGRAM];
	uint32_t pingEvery = gAir.timeoutMs / 3;
	uint32_t lastPing = sim_air_millis();
	/* One system call a datagram: recv() waits at most pingEvery (the other
	   readers of the socket poll first, so never wait on this timeout). */
	struct timeval wait = { .tv_sec = pingEvery / 1000, .tv_usec = (pingEvery % 1000) * 1000 };
	if (setsockopt(gAir.fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) != 0) {
		fprintf(stderr, "sim_air: cannot set the air socket's receive timeout: %s\n", strerror(errno));
		return NULL;
	}
	for (;;) {
		uint32_t now = sim_air_millis();
		if (now - lastPing >= pingEvery) {
			uint8_t ping[HEADER];
			header(ping, PING, 0);
			send(gAir.fd, ping, sizeof(ping), 0);
			lastPing = now;
		}
		ssize_t length = recv(gAir.fd, datagram, sizeof(datagram), 0);
		if (length < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if (length <= 0)
			continue;
		dispatchDatagram(datagram, (size_t)length, false);
		pthread_mutex_lock(&gAir.mutex);
		bool lost = gAir.lost;
		pthread_mutex_unlock(&gAir.mutex);
		if (lost)
			recover();
	}
	return NULL;
}

static void sayBye(void)
{
	uint8_t bye[HEADER];
	header(bye, BYE, 0);
	send(gAir.fd, bye, sizeof(bye), 0);
}

/* ---- public ---- */

/* Before main, so before any thread can wait for a reply. */
__attribute__((constructor)) static void startClock(void)
{
	clock_gettime(CLOCK_MONOTONIC, &gAir.started);
	if (sim_cond_init(&gAir.replied))
		abort();	/* Linux always has CLOCK_MONOTONIC conditions */
}

uint32_t sim_air_millis(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint32_t)((now.tv_sec - gAir.started.tv_sec) * 1000 + (now.tv_nsec - gAir.started.tv_nsec) / 1000000);
}

/* "5", "5.4" or "5.4.1" -> IDF(5, 4, 1); -1 if it is not a version. */
static int parseIdf(const char *text)
{
	int part[3] = { 0, 0, 0 };
	int count = 0;
	const char *p = text;
	while (count < 3) {
		char *end;
		long value = strtol(p, &end, 10);
		if (end == p || value < 0 || value > 99)
			return -1;
		part[count++] = (int)value;
		if (*end == 0)
			return IDF(part[0], part[1], part[2]);
		if (*end != '.')
			return -1;
		p = end + 1;
	}
	return -1;
}

static void configFail(const char *format, const char *detail)
{
	snprintf(gAir.configError, sizeof(gAir.configError), format, detail);
}

/* What the node is, from the environment: as a build's sdkconfig, fixed
   before the radio starts, so the JS thread may ask before sim_air_connect. */
static void readEnvironment(void)
{
	const char *chip = envOr("ESPNOW_NODE_CHIP", "esp32");
	if (strcmp(chip, "esp32") && strcmp(chip, "esp8266"))
		return configFail("ESPNOW_NODE_CHIP must be esp32 or esp8266, got %s", chip);
	gAir.chip = strcmp(chip, "esp8266") ? 0 : 1;

	const char *version = getenv("ESPNOW_NODE_VERSION");
	if (version && *version && strcmp(version, "1") && strcmp(version, "2"))
		return configFail("ESPNOW_NODE_VERSION must be 1 or 2, got %s", version);
	const char *idfText = getenv("ESPNOW_NODE_IDF");
	int idf;
	if (idfText && *idfText) {
		idf = parseIdf(idfText);
		if (idf < 0)
			return configFail("ESPNOW_NODE_IDF must be an ESP-IDF version such as 5.4.1, got %s", idfText);
		int implied = idf >= IDF_V2 ? 2 : 1;
		if (version && *version && atoi(version) != implied) {
			char detail[80];
			snprintf(detail, sizeof(detail), "%s with ESPNOW_NODE_IDF %s", version, idfText);
			return configFail(implied == 2
				? "ESPNOW_NODE_VERSION=%s: ESP-IDF 5.4 and later run ESP-NOW v2"
				: "ESPNOW_NODE_VERSION=%s: ESP-NOW v2 needs ESP-IDF 5.4 or later", detail);
		}
		gAir.version = (uint8_t)implied;
	}
	else {
		gAir.version = (version && !strcmp(version, "1")) ? 1 : 2;
		idf = gAir.version == 2 ? IDF(5, 5, 0) : IDF(5, 3, 0);
	}
	gAir.maxDataLen = gAir.version == 1 ? 250 : idf >= IDF_V2_1470 ? 1470 : 1490;

	const char *buffers = envOr("ESPNOW_NODE_TX_BUFFERS", "16");
	char *end;
	long count = strtol(buffers, &end, 10);
	if (*end || count < 1 || count > 128)
		return configFail("ESPNOW_NODE_TX_BUFFERS must be 1..128, got %s", buffers);
	gAir.txBuffers = (int)count;
}

/* On the JS thread, before the receive thread starts. */
static void knowAppThread(void)
{
	gAir.appThread = pthread_self();
#ifdef __linux__
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
	gAir.appStat = open(path, O_RDONLY | O_CLOEXEC);
#endif
}

/* The JS thread's state, from /proc: R (running or ready), S, D, T...; 0 if unknown. */
static char appState(void)
{
	char text[512];
	ssize_t length = pread(gAir.appStat, text, sizeof(text) - 1, 0);
	if (length <= 0)
		return 0;
	text[length] = 0;
	const char *end = strrchr(text, ')');	/* after the thread's name, which may hold anything */
	return (end && end[1] == ' ') ? end[2] : 0;
}

/* Whether the datagrams waiting in the socket fill half its buffer: beyond,
   the kernel would soon drop frames, which no counter shows. */
static bool backlogHigh(void)
{
#if defined(__linux__) && defined(SO_MEMINFO)
	uint32_t memory[SK_MEMINFO_VARS];
	socklen_t length = sizeof(memory);
	if (getsockopt(gAir.fd, SOL_SOCKET, SO_MEMINFO, memory, &length) == 0 && length > SK_MEMINFO_RCVBUF * sizeof(uint32_t))
		return memory[SK_MEMINFO_RMEM_ALLOC] > memory[SK_MEMINFO_RCVBUF] / 2;
#endif
	return false;
}

/* Ready (R) and given no CPU time while this thread sleeps SIM_AIR_STARVED_POLL_US. */
bool sim_air_app_starved(void)
{
	struct timespec pause = { 0, SIM_AIR_STARVED_POLL_US * 1000 };
	if (gAir.appStat < 0 || appState() != 'R' || backlogHigh())
		return false;
	int64_t before = sim_air_app_cpu_us();
	while (nanosleep(&pause, &pause) && errno == EINTR)
		;
	return before >= 0 && sim_air_app_cpu_us() == before;
}

bool sim_air_app_ready(void)
{
	return gAir.appStat >= 0 && appState() == 'R';
}

int64_t sim_air_app_cpu_us(void)
{
	clockid_t clock;
	struct timespec used;
	if (gAir.appStat < 0 || pthread_getcpuclockid(gAir.appThread, &clock) || clock_gettime(clock, &used))
		return -1;
	return (int64_t)used.tv_sec * 1000000 + used.tv_nsec / 1000;
}

static int connectOnce(void)
{
	const char *air = getenv("ESPNOW_AIR");
	if (!air || !*air)
		return fail("%s", "no simulated air: ESPNOW_AIR is not set (run the app with espnow-sim run)");
	char host[64];
	unsigned port = 0;
	if (sscanf(air, "%63[^:]:%u", host, &port) != 2 || port == 0 || port > 65535)
		return fail("ESPNOW_AIR must be host:port, got %s", air);
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
		return fail("ESPNOW_AIR: %s is not an IPv4 address", host);

	pthread_once(&gAir.read, readEnvironment);
	if (gAir.configError[0])
		return fail("%s", gAir.configError);
	gAir.index = (uint16_t)strtoul(envOr("ESPNOW_NODE_INDEX", "65535"), NULL, 10);
	int channel = atoi(envOr("ESPNOW_NODE_CHANNEL", "1"));
	if (channel < 1 || channel > 14)
		return fail("ESPNOW_NODE_CHANNEL must be 1..14, got %s", getenv("ESPNOW_NODE_CHANNEL"));
	gAir.channel = (uint8_t)channel;
	gAir.x = strtof(envOr("ESPNOW_NODE_X", "0"), NULL);
	gAir.y = strtof(envOr("ESPNOW_NODE_Y", "0"), NULL);
	snprintf(gAir.name, sizeof(gAir.name), "%s", envOr("ESPNOW_NODE_NAME", ""));

	gAir.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (gAir.fd < 0 || connect(gAir.fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		return fail("cannot open a UDP socket to the air: %s", strerror(errno));
	int receiveBuffer = RECEIVE_BUFFER;
	setsockopt(gAir.fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof(receiveBuffer));

	/* Until the thread runs, read the WELCOME here. */
	uint8_t message[DATAGRAM];
	size_t length = helloMessage(message, 1);
	struct pollfd watch = { .fd = gAir.fd, .events = POLLIN };
	for (int attempt = 0; attempt < REQUEST_TRIES; attempt++) {
		send(gAir.fd, message, length, 0);
		while (poll(&watch, 1, REQUEST_TIMEOUT_MS) > 0) {
			ssize_t got = recv(gAir.fd, gAir.reply, sizeof(gAir.reply), 0);
			if (got < 36 || gAir.reply[5] != WELCOME)
				continue;
			if (gAir.reply[8] != ACK_OK) {
				int textLength = got > 36 ? gAir.reply[36] : 0;
				if (37 + textLength > got)
					textLength = 0;
				snprintf(gAir.error, sizeof(gAir.error), "the air refused this node: %.*s", textLength, (const char *)gAir.reply + 37);
				return -1;
			}
			gAir.index = get16(gAir.reply + 10);
			memcpy(gAir.sta, gAir.reply + 12, 6);
			memcpy(gAir.ap, gAir.reply + 18, 6);
			gAir.timeoutMs = get32(gAir.reply + 24);
			if (gAir.timeoutMs < 300)
				gAir.timeoutMs = 300;
			gAir.paceUs = (int64_t)gAir.reply[9] * 1000;
			gAir.minLatencyUs = localMicros() - (int64_t)get64(gAir.reply + 28);
			gAir.lastAirUs = 0;
			gAir.lastHandedUs = 0;
			knowAppThread();
			if (pthread_create(&gAir.thread, NULL, receiveLoop, NULL))
				return fail("%s", "cannot start the radio thread");
			pthread_detach(gAir.thread);
			atexit(sayBye);
			return 0;
		}
	}
	return fail("the air at %s does not answer", air);
}

int sim_air_connect(void)
{
	pthread_mutex_lock(&gAir.mutex);
	if (!gAir.connected) {
		gAir.connected = connectOnce() == 0 ? 1 : -1;
		if (gAir.connected < 0)
			fprintf(stderr, "sim_air: %s\n", gAir.error);
	}
	int result = gAir.connected == 1 ? 0 : -1;
	pthread_mutex_unlock(&gAir.mutex);
	return result;
}

const char *sim_air_error(void)
{
	return gAir.error;
}

void sim_air_macs(uint8_t sta[6], uint8_t ap[6])
{
	memcpy(sta, gAir.sta, 6);
	memcpy(ap, gAir.ap, 6);
}

int sim_air_version(void) { return gAir.version; }

size_t sim_air_max_data_len(void)
{
	pthread_once(&gAir.read, readEnvironment);
	return gAir.maxDataLen;
}

int sim_air_tx_buffers(void)
{
	pthread_once(&gAir.read, readEnvironment);
	return gAir.txBuffers;
}
bool sim_air_is_esp8266(void) { return gAir.chip == 1; }

uint8_t sim_air_flags(void)
{
	pthread_mutex_lock(&gAir.mutex);
	uint8_t flags = gAir.flags;
	pthread_mutex_unlock(&gAir.mutex);
	return flags;
}

int sim_air_channel(void)
{
	pthread_mutex_lock(&gAir.mutex);
	int channel = gAir.channel;
	pthread_mutex_unlock(&gAir.mutex);
	return channel;
}

/* Changes the interface state: flags gain `set` and lose `clear`; channel
   and rate (-1: as they are) replace the current ones. The new state is
   made from a snapshot taken under the mutex, which the receive thread
   (NOTICE) also writes, and is stored under it once the air agreed. */
static int sendState(uint8_t set, uint8_t clear, int channel, int rate)
{
	uint8_t message[HEADER + 7];
	pthread_mutex_lock(&gAir.mutex);
	uint8_t flags = (uint8_t)((gAir.flags | set) & ~clear);
	uint8_t newChannel = channel < 0 ? gAir.channel : (uint8_t)channel;
	uint16_t newRate = rate < 0 ? gAir.rate : (uint16_t)rate;
	stateMessage(message, flags, newChannel, newRate);
	int result = request(message, sizeof(message), "wifi state");
	if (result == 0) {
		/* esp_now_deinit deletes every peer: the air forgets their keys */
		if ((gAir.flags & SIM_AIR_ESPNOW_ON) && !(flags & SIM_AIR_ESPNOW_ON))
			gAir.keyCount = 0;
		gAir.flags = flags;
		gAir.channel = newChannel;
		gAir.rate = newRate;
	}
	pthread_mutex_unlock(&gAir.mutex);
	return result;
}

int sim_air_set_flags(uint8_t set, uint8_t clear)
{
	return sendState(set, clear, -1, -1);
}

int sim_air_set_channel(int channel)
{
	return sendState(0, 0, channel, -1);
}

int sim_air_set_rate(int rate500k)
{
	return sendState(0, 0, -1, rate500k);
}

int sim_air_set_phy(uint8_t protocol, uint8_t txPower)
{
	pthread_mutex_lock(&gAir.mutex);
	uint8_t oldProtocol = gAir.protocol, oldTxPower = gAir.txPower;
	gAir.protocol = protocol;
	gAir.txPower = txPower;
	pthread_mutex_unlock(&gAir.mutex);
	int result = sendState(0, 0, -1, -1);
	if (result) {
		pthread_mutex_lock(&gAir.mutex);
		gAir.protocol = oldProtocol;
		gAir.txPower = oldTxPower;
		pthread_mutex_unlock(&gAir.mutex);
	}
	return result;
}

int sim_air_set_pmk(const uint8_t pmk[16])
{
	uint8_t message[HEADER + 16];
	uint8_t previous[16];
	pthread_mutex_lock(&gAir.mutex);
	bool wasSet = gAir.pmkSet;
	memcpy(previous, gAir.pmk, 16);
	memcpy(gAir.pmk, pmk, 16);
	int result = request(message, pmkMessage(message), "set_pmk");
	if (result == 0)
		gAir.pmkSet = true;
	else {
		gAir.pmkSet = wasSet;
		memcpy(gAir.pmk, previous, 16);
	}
	pthread_mutex_unlock(&gAir.mutex);
	return result;
}

int sim_air_set_peer_key(const uint8_t mac[6], const uint8_t lmk[16])
{
	uint8_t message[HEADER + 23];
	pthread_mutex_lock(&gAir.mutex);
	int result = request(message, keyMessage(message, mac, lmk), "peer key");
	if (result == 0 && rememberKey(mac, lmk) != 0) {
		snprintf(gAir.error, sizeof(gAir.error), "peer key: more than %d keys to remember", MAX_KEYS);
		result = -1;
	}
	pthread_mutex_unlock(&gAir.mutex);
	return result;
}

int sim_air_send(uint32_t seq, int iface, bool encrypt, const uint8_t dst[6], const uint8_t *data, size_t length)
{
	uint8_t message[HEADER + 14 + SIM_AIR_MAX_PAYLOAD];
	if (length > SIM_AIR_MAX_PAYLOAD)
		return -1;
	header(message, SEND, 0);
	put32(message + 8, seq);
	message[12] = (uint8_t)iface;
	message[13] = encrypt ? 1 : 0;
	memcpy(message + 14, dst, 6);
	put16(message + 20, (uint16_t)length);
	memcpy(message + 22, data, length);
	return send(gAir.fd, message, 22 + length, 0) < 0 ? -1 : 0;
}

void sim_air_listen(const simAirListenerRecord *listener)
{
	pthread_mutex_lock(&gAir.listenerMutex);
	if (listener)
		gAir.listener = *listener;
	gAir.hasListener = listener != NULL;
	pthread_mutex_unlock(&gAir.listenerMutex);
}
