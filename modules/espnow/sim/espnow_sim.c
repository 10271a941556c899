/*
 * espnow_radio for the simulator: ESP-NOW over the simulated air (sim_air.h,
 * shared with the WLAN glue). It keeps the peer list and enforces ESP-IDF's
 * rules and limits itself, as esp_now_* does on a chip; the air decides
 * delivery, ACKs, airtime and encryption.
 *
 * Threads: espnow_radio_* run on the JS thread; the air's receive thread
 * (the simulated Wi-Fi task) calls received() and sent(), which feed the core.
 * The in-flight table, written by both, has its own mutex.
 *
 * In the simulator host, the node's event loop is held open while ESP-NOW is
 * on (simLoopRef), as a device's main loop runs for ever: a program whose only
 * work left is an irq callback or an awaited arecv() waits for frames rather
 * than ending. It ends once ESP-NOW is off again (active(false)). Moddable's
 * own Linux hosts have no simHost.h and do without.
 */

#include "espnow_radio.h"
#include "sim_air.h"

#if defined(__has_include)
#if __has_include("simHost.h")
#include "simHost.h"
#define ESPNOW_SIM_HOLD_LOOP (1)
#endif
#endif

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Frames queued and not yet completed. esp_now_send copies a frame into one
   of the Wi-Fi driver's TX buffers, held until the send callback, and says
   ESP_ERR_ESPNOW_NO_MEM when none is free; there are
   CONFIG_ESP_WIFI_DYNAMIC_TX_BUFFER_NUM of them (sim_air_tx_buffers(), at
   most 128 in esp_wifi's Kconfig). */
#define IN_FLIGHT (128)

/* received(): the longest a frame waits for a JS thread the host does not run */
#define MAX_STALL_MS (100)

typedef struct {
	uint32_t seq;
	uint8_t mac[ESPNOW_MAC_LEN];
	bool used;
} inFlightRecord;

static struct {
	espnowCore core;
	bool on;
	espnowPeerRecord peers[ESPNOW_MAX_PEERS];
	int peerCount;
	int fetchIndex;

	pthread_mutex_t mutex;		/* inFlight, nextSeq */
	inFlightRecord inFlight[IN_FLIGHT];
	uint32_t nextSeq;
} gRadio = {
	.mutex = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- the air's receive thread ---- */

static int64_t micros(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static void received(void *refcon, const uint8_t src[6], int8_t rssi, const uint8_t *data, size_t length)
{
	(void)refcon;
	/* a 1490-byte frame of an ESP-IDF 5.4.1 sender does not fit a 5.4.2
	   receiver's limit: this node's driver would not have a buffer for it */
	if (length > sim_air_max_data_len())
		return;
	/* The ring is full (for a message that fits an empty one): a device's
	   application task, which nothing but the radio keeps from its CPU, may
	   be about to make room. Wait (at most MAX_STALL_MS) while the host's
	   scheduler keeps the JS thread from running, and then until it has had
	   as much CPU as it was kept from: on a device it would have had that
	   time. A JS thread that sleeps without taking a message, or runs that
	   long, loses this frame as the device would. espnow_ring_available() is
	   the consumer's count, read here from the producer's side: a hint,
	   espnow_ring_push decides. */
	espnowRing ring = &gRadio.core->ring;
	size_t need = ESPNOW_RING_HEADER_SIZE + length;
	uint32_t since = sim_air_millis();
	int64_t owedUs = 0, cpuUs = -1;
	while ((need <= ring->size) && (espnow_ring_available(ring) + need > ring->size) && ((sim_air_millis() - since) < MAX_STALL_MS)) {
		int64_t before = micros();
		if (sim_air_app_starved()) {
			owedUs += micros() - before;
			continue;
		}
		/* not waiting: nothing owed, the JS thread asleep, or no poll (sim_air_app_starved() declined) */
		if (!owedUs || !sim_air_app_ready() || (micros() - before < SIM_AIR_STARVED_POLL_US))
			break;
		int64_t used = sim_air_app_cpu_us();
		if (cpuUs < 0)
			cpuUs = used;
		else if (used - cpuUs >= owedUs)
			break;
	}
	espnow_core_on_receive(gRadio.core, src, rssi, sim_air_millis(), data, length);
}

/* A frame's buffer is given back only once its completion is counted, so
   that the JS thread, which may take the buffer for its next frame at once,
   never sees more frames sent and not completed (stats()) than the driver
   holds. The completion is reported without the mutex: it may wait for a
   place in the machine's queue, while the JS thread may wait for the mutex. */
static void sent(void *refcon, uint32_t seq, bool delivered)
{
	uint8_t mac[ESPNOW_MAC_LEN];
	int found = -1;
	(void)refcon;
	pthread_mutex_lock(&gRadio.mutex);
	for (int i = 0; i < IN_FLIGHT; i++) {
		if (gRadio.inFlight[i].used && gRadio.inFlight[i].seq == seq) {
			memcpy(mac, gRadio.inFlight[i].mac, ESPNOW_MAC_LEN);
			found = i;
			break;
		}
	}
	pthread_mutex_unlock(&gRadio.mutex);
	if (found < 0)
		return;
	espnow_core_on_send_complete(gRadio.core, mac, delivered);
	pthread_mutex_lock(&gRadio.mutex);
	if (gRadio.inFlight[found].seq == seq)
		gRadio.inFlight[found].used = false;
	pthread_mutex_unlock(&gRadio.mutex);
}

static const simAirListenerRecord gListener = { received, sent, NULL };

/* ---- peers ---- */

static bool isGroup(const uint8_t mac[ESPNOW_MAC_LEN])
{
	return mac[0] & 1;
}

static espnowPeer findPeer(const uint8_t mac[ESPNOW_MAC_LEN])
{
	for (int i = 0; i < gRadio.peerCount; i++) {
		if (!memcmp(gRadio.peers[i].mac, mac, ESPNOW_MAC_LEN))
			return &gRadio.peers[i];
	}
	return NULL;
}

static int encryptedCount(void)
{
	int count = 0;
	for (int i = 0; i < gRadio.peerCount; i++)
		count += gRadio.peers[i].encrypt;
	return count;
}

/* The checks esp_now_add_peer and esp_now_mod_peer share. A channel other
   than the radio's is accepted: esp_now.h lists ESP_ERR_ESPNOW_CHAN only for
   esp_now_send, which refuses to send to such a peer (channel 0 follows the
   radio). */
static int checkPeer(const espnowPeerRecord *peer, bool wasEncrypted)
{
	if (peer->ifidx > ESPNOW_IF_AP || peer->channel > 14)
		return ESPNOW_ESP_ERR_ESPNOW_ARG;
	if (peer->encrypt && isGroup(peer->mac))
		return ESPNOW_ESP_ERR_ESPNOW_ARG;
	if (peer->encrypt && !wasEncrypted && encryptedCount() >= ESPNOW_MAX_ENCRYPTED_PEERS)
		return ESPNOW_ESP_ERR_ESPNOW_FULL;
	return ESPNOW_ESP_OK;
}

static int tellKey(const espnowPeerRecord *peer)
{
	return sim_air_set_peer_key(peer->mac, peer->encrypt ? peer->lmk : NULL) ? ESPNOW_ESP_ERR_ESPNOW_INTERNAL : ESPNOW_ESP_OK;
}

/* ---- espnow_radio.h ---- */

int espnow_radio_init(espnowCore core)
{
	if (gRadio.on)
		return ESPNOW_ESP_OK;
	if (sim_air_connect())
		return ESPNOW_ESP_ERR_WIFI_NOT_INIT;
	gRadio.core = core;
	sim_air_listen(&gListener);
	if (sim_air_set_flags(SIM_AIR_ESPNOW_ON, 0)) {
		sim_air_listen(NULL);
		return ESPNOW_ESP_ERR_ESPNOW_INTERNAL;
	}
	gRadio.on = true;
#ifdef ESPNOW_SIM_HOLD_LOOP
	simLoopRef();
#endif
	return ESPNOW_ESP_OK;
}

int espnow_radio_deinit(void)
{
	if (!gRadio.on)
		return ESPNOW_ESP_OK;
	sim_air_set_flags(0, SIM_AIR_ESPNOW_ON);
	sim_air_listen(NULL);
	gRadio.on = false;
#ifdef ESPNOW_SIM_HOLD_LOOP
	simLoopUnref();
#endif
	gRadio.core = NULL;
	gRadio.peerCount = 0;
	pthread_mutex_lock(&gRadio.mutex);
	memset(gRadio.inFlight, 0, sizeof(gRadio.inFlight));
	pthread_mutex_unlock(&gRadio.mutex);
	return ESPNOW_ESP_OK;
}

int espnow_radio_send(const uint8_t *mac, const uint8_t *data, size_t length)
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (!mac || !data || length < 1 || length > espnow_radio_max_data_len())
		return ESPNOW_ESP_ERR_ESPNOW_ARG;
	espnowPeer peer = findPeer(mac);
	if (!peer)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	if (!(sim_air_flags() & (peer->ifidx == ESPNOW_IF_AP ? SIM_AIR_AP_ON : SIM_AIR_STA_ON)))
		return ESPNOW_ESP_ERR_ESPNOW_IF;
	if (peer->channel && peer->channel != sim_air_channel())
		return ESPNOW_ESP_ERR_ESPNOW_CHAN;

	int slot = -1;
	uint32_t seq = 0;
	int buffers = sim_air_tx_buffers();
	pthread_mutex_lock(&gRadio.mutex);
	for (int i = 0; i < buffers; i++) {
		if (!gRadio.inFlight[i].used) {
			slot = i;
			seq = ++gRadio.nextSeq;
			gRadio.inFlight[i].seq = seq;
			memcpy(gRadio.inFlight[i].mac, mac, ESPNOW_MAC_LEN);
			gRadio.inFlight[i].used = true;
			break;
		}
	}
	pthread_mutex_unlock(&gRadio.mutex);
	if (slot < 0)
		return ESPNOW_ESP_ERR_ESPNOW_NO_MEM;
	if (sim_air_send(seq, peer->ifidx, peer->encrypt, mac, data, length)) {
		pthread_mutex_lock(&gRadio.mutex);
		gRadio.inFlight[slot].used = false;
		pthread_mutex_unlock(&gRadio.mutex);
		return ESPNOW_ESP_ERR_ESPNOW_INTERNAL;
	}
	return ESPNOW_ESP_OK;
}

int espnow_radio_set_pmk(const uint8_t pmk[ESPNOW_KEY_LEN])
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	return sim_air_set_pmk(pmk) ? ESPNOW_ESP_ERR_ESPNOW_INTERNAL : ESPNOW_ESP_OK;
}

int espnow_radio_add_peer(const espnowPeerRecord *peer)
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (findPeer(peer->mac))
		return ESPNOW_ESP_ERR_ESPNOW_EXIST;
	if (gRadio.peerCount >= ESPNOW_MAX_PEERS)
		return ESPNOW_ESP_ERR_ESPNOW_FULL;
	int result = checkPeer(peer, false);
	if (result == ESPNOW_ESP_OK && peer->encrypt)
		result = tellKey(peer);
	if (result == ESPNOW_ESP_OK)
		gRadio.peers[gRadio.peerCount++] = *peer;
	return result;
}

int espnow_radio_mod_peer(const espnowPeerRecord *peer)
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	espnowPeer existing = findPeer(peer->mac);
	if (!existing)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	int result = checkPeer(peer, existing->encrypt);
	if (result == ESPNOW_ESP_OK && (peer->encrypt || existing->encrypt))
		result = tellKey(peer);
	if (result == ESPNOW_ESP_OK)
		*existing = *peer;
	return result;
}

int espnow_radio_del_peer(const uint8_t mac[ESPNOW_MAC_LEN])
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	espnowPeer peer = findPeer(mac);
	if (!peer)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	if (peer->encrypt)
		sim_air_set_peer_key(mac, NULL);
	*peer = gRadio.peers[--gRadio.peerCount];
	return ESPNOW_ESP_OK;
}

int espnow_radio_get_peer(const uint8_t mac[ESPNOW_MAC_LEN], espnowPeer peer)
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	espnowPeer found = findPeer(mac);
	if (!found)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	*peer = *found;
	return ESPNOW_ESP_OK;
}

int espnow_radio_fetch_peer(bool fromHead, espnowPeer peer)
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (fromHead)
		gRadio.fetchIndex = 0;
	if (gRadio.fetchIndex >= gRadio.peerCount)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	*peer = gRadio.peers[gRadio.fetchIndex++];
	return ESPNOW_ESP_OK;
}

int espnow_radio_peer_count(int *total, int *encrypted)
{
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	*total = gRadio.peerCount;
	*encrypted = encryptedCount();
	return ESPNOW_ESP_OK;
}

int espnow_radio_set_rate(int rate)
{
	/* wifi_phy_rate_t: the 802.11b and g rates -> the air's 500 kbit/s units; the
	   HT rates (MCS0..7, either guard interval) and the long-range ones are sent
	   as 0x8000 | the rate (tools/air/PROTOCOL.md, STATE) */
	static const int8_t units[16] = { 2, 4, 11, 22, -1, 4, 11, 22, 96, 48, 24, 12, 108, 72, 36, 18 };
	int code;
	if (!gRadio.on)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (sim_air_is_esp8266())
		return ESPNOW_ESP_ERR_NOT_SUPPORTED;		/* the ESP8266 SDK sends at one rate */
	if ((0 <= rate) && (rate <= 15) && (units[rate] >= 0))
		code = units[rate];
	else if (((0x10 <= rate) && (rate <= 0x1f)) || (0x29 == rate) || (0x2a == rate))
		code = 0x8000 | rate;
	else
		return ESPNOW_ESP_ERR_NOT_SUPPORTED;
	return sim_air_set_rate(code) ? ESPNOW_ESP_ERR_ESPNOW_INTERNAL : ESPNOW_ESP_OK;
}

void *espnow_radio_alloc(size_t size)
{
	return calloc(1, size);
}

void espnow_radio_free(void *memory)
{
	free(memory);
}

/* Known from the build (the node's environment), not asked of the air: a
   device has it before esp_now_init. */
size_t espnow_radio_max_data_len(void)
{
	return sim_air_max_data_len();
}

uint32_t espnow_radio_millis(void)
{
	return sim_air_millis();
}
