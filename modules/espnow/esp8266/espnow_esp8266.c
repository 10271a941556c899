/*
 * espnow_radio for ESP8266, with the SDK Moddable's "esp" platform builds
 * against: the NONOS SDK 1.5.3 inside the ESP8266 Arduino core 2.3.0 (its
 * tools/sdk/include/espnow.h and tools/sdk/lib/libespnow.a).
 *
 * That SDK's header documents only "0 is success". What its library does,
 * read from it, shapes this glue:
 * - esp_now_send() sends 1 to 200 bytes (later SDKs: 250) and refuses
 *   broadcast and multicast destinations, as esp_now_add_peer() refuses such
 *   peers. Sending more than 200 bytes answers ESPNOW_ESP_ERR_INVALID_SIZE; a
 *   broadcast or multicast peer, ESPNOW_ESP_ERR_NOT_SUPPORTED.
 * - The device's role picks the interface frames leave from when both are
 *   active: controller, the station. The "combo" role of later SDKs (3) makes
 *   every send fail, so this glue is a controller.
 * - Failures: -1 not initialised, -2 out of memory, -3 bad argument, -6 no
 *   such peer, -7 peer list full, -8 peer exists; anything else is reported
 *   as internal.
 * - esp_now_get_peer_key() takes the room for the key in *key_len (below 16
 *   it answers -3) and answers -9 for a peer without a key.
 * - Flash. The SDK reads MACs, keys and payloads byte by byte, and a byte
 *   load from flash (0x40200000 on, where a preloaded module's bytes are)
 *   raises a LoadStoreError, which resets the chip: only aligned words can be
 *   read there. So every pointer that comes from JS is copied into RAM with
 *   Moddable's flash-safe espMemCpy() (xs/platforms/esp/xsHost.c) before this
 *   glue or the SDK reads it, as MicroPython's esp8266 espnow copies a
 *   payload from outside its heap before esp_now_send().
 *
 * What the specification gives the ESP32 only answers
 * ESPNOW_ESP_ERR_NOT_SUPPORTED: mod_peer, the rate, and peers on the access
 * point interface.
 *
 * RSSI: the SDK measures none. Packets are recorded with ESPNOW_ESP8266_NO_RSSI
 * (-128), outside the -127..0 dBm of a measurement.
 *
 * Threads: there are none. The SDK calls received() and sent() from its own
 * tasks, which run only while the XS code has yielded: between turns of the
 * main loop, or inside delay(). So no callback runs during an espnow_radio_*
 * call and deinit has nothing to wait for. espnow_radio_wait() yields with
 * delay(), and espnow_radio_signal() ends that delay early with
 * esp_schedule(), as Moddable's modMessagePostToMachine() does.
 */

#include "espnow_radio.h"

#include <stdlib.h>
#include <string.h>

#include "Arduino.h"
#include "c_types.h"
#include "espnow.h"
#include "user_interface.h"

#define ESPNOW_ESP8266_NO_RSSI (-128)
#define MAX_SEND_LEN (200)
#define WAIT_SLICE_MS (100)

extern void esp_schedule(void);		/* Arduino core: resume the main loop, ending a delay() */
extern void espMemCpy(void *dst, const void *src, size_t count);	/* Moddable: memcpy that may read flash */

static struct {
	espnowCore core;
	volatile bool signalled;
	u8 frame[MAX_SEND_LEN];		/* the payload, in RAM */
} gRadio;

/* ---- the SDK's callbacks ---- */

static void received(u8 *mac, u8 *data, u8 length)
{
	if (gRadio.core && length)
		espnow_core_on_receive(gRadio.core, mac, ESPNOW_ESP8266_NO_RSSI, espnow_radio_millis(), data, length);
}

static void sent(u8 *mac, u8 status)
{
	if (gRadio.core)
		espnow_core_on_send_complete(gRadio.core, mac, 0 == status);
}

/* ---- the SDK's results ---- */

static int fromSDK(int result)
{
	switch (result) {
	case 0: return ESPNOW_ESP_OK;
	case -1: return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	case -2: return ESPNOW_ESP_ERR_ESPNOW_NO_MEM;
	case -3: return ESPNOW_ESP_ERR_ESPNOW_ARG;
	case -6: return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	case -7: return ESPNOW_ESP_ERR_ESPNOW_FULL;
	case -8: return ESPNOW_ESP_ERR_ESPNOW_EXIST;
	default: return ESPNOW_ESP_ERR_ESPNOW_INTERNAL;
	}
}

static bool isGroup(const u8 mac[ESPNOW_MAC_LEN])
{
	return mac[0] & 1;
}

/* `from` may be in flash: see above. */
static u8 *inRAM(u8 *ram, const uint8_t *from, size_t length)
{
	espMemCpy(ram, from, length);
	return ram;
}

/* Fill `peer` from the SDK's record of `mac` (in RAM), which must exist. */
static int describePeer(u8 mac[ESPNOW_MAC_LEN], espnowPeer peer)
{
	u8 keyLength = ESPNOW_KEY_LEN;
	int channel = esp_now_get_peer_channel(mac);
	if (channel < 0)
		return fromSDK(channel);
	memset(peer, 0, sizeof(*peer));
	memcpy(peer->mac, mac, ESPNOW_MAC_LEN);
	peer->channel = (uint8_t)channel;
	peer->ifidx = ESPNOW_IF_STA;
	int result = esp_now_get_peer_key(mac, peer->lmk, &keyLength);
	if ((0 == result) && (ESPNOW_KEY_LEN == keyLength))
		peer->encrypt = true;
	else if (-9 == result)
		memset(peer->lmk, 0, ESPNOW_KEY_LEN);
	else
		return (0 == result) ? ESPNOW_ESP_ERR_ESPNOW_INTERNAL : fromSDK(result);
	return ESPNOW_ESP_OK;
}

/* ---- espnow_radio.h ---- */

int espnow_radio_init(espnowCore core)
{
	if (gRadio.core)
		return ESPNOW_ESP_OK;
	if (esp_now_init())
		return ESPNOW_ESP_ERR_ESPNOW_INTERNAL;
	if (esp_now_set_self_role(ESP_NOW_ROLE_CONTROLLER) || esp_now_register_recv_cb(received) || esp_now_register_send_cb(sent)) {
		esp_now_deinit();
		return ESPNOW_ESP_ERR_ESPNOW_INTERNAL;
	}
	gRadio.core = core;
	gRadio.signalled = false;
	return ESPNOW_ESP_OK;
}

int espnow_radio_deinit(void)
{
	if (!gRadio.core)
		return ESPNOW_ESP_OK;
	gRadio.core = NULL;
	esp_now_unregister_recv_cb();
	esp_now_unregister_send_cb();
	return esp_now_deinit() ? ESPNOW_ESP_ERR_ESPNOW_INTERNAL : ESPNOW_ESP_OK;
}

int espnow_radio_send(const uint8_t *mac, const uint8_t *data, size_t length)
{
	u8 to[ESPNOW_MAC_LEN];
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (isGroup(inRAM(to, mac, ESPNOW_MAC_LEN)))
		return ESPNOW_ESP_ERR_NOT_SUPPORTED;
	if ((length < 1) || (length > MAX_SEND_LEN))
		return ESPNOW_ESP_ERR_INVALID_SIZE;
	if (NULL_MODE == wifi_get_opmode())
		return ESPNOW_ESP_ERR_ESPNOW_IF;
	return fromSDK(esp_now_send(to, inRAM(gRadio.frame, data, length), (int)length));
}

int espnow_radio_set_pmk(const uint8_t pmk[ESPNOW_KEY_LEN])
{
	u8 key[ESPNOW_KEY_LEN];
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	return fromSDK(esp_now_set_kok(inRAM(key, pmk, ESPNOW_KEY_LEN), ESPNOW_KEY_LEN));
}

int espnow_radio_add_peer(const espnowPeerRecord *peer)
{
	u8 mac[ESPNOW_MAC_LEN], key[ESPNOW_KEY_LEN];
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (isGroup(inRAM(mac, peer->mac, ESPNOW_MAC_LEN)) || (ESPNOW_IF_STA != peer->ifidx))
		return ESPNOW_ESP_ERR_NOT_SUPPORTED;
	if (esp_now_is_peer_exist(mac) > 0)
		return ESPNOW_ESP_ERR_ESPNOW_EXIST;
	return fromSDK(esp_now_add_peer(mac, ESP_NOW_ROLE_SLAVE, peer->channel,
		peer->encrypt ? inRAM(key, peer->lmk, ESPNOW_KEY_LEN) : NULL, peer->encrypt ? ESPNOW_KEY_LEN : 0));
}

int espnow_radio_mod_peer(const espnowPeerRecord *peer)
{
	(void)peer;
	return ESPNOW_ESP_ERR_NOT_SUPPORTED;
}

int espnow_radio_del_peer(const uint8_t mac[ESPNOW_MAC_LEN])
{
	u8 which[ESPNOW_MAC_LEN];
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (esp_now_is_peer_exist(inRAM(which, mac, ESPNOW_MAC_LEN)) <= 0)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	return fromSDK(esp_now_del_peer(which));
}

int espnow_radio_get_peer(const uint8_t mac[ESPNOW_MAC_LEN], espnowPeer peer)
{
	u8 which[ESPNOW_MAC_LEN];
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (esp_now_is_peer_exist(inRAM(which, mac, ESPNOW_MAC_LEN)) <= 0)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	return describePeer(which, peer);
}

/* esp_now_add_peer() refuses broadcast and multicast peers, so every peer
   fetched is unicast, as on ESP32. */
int espnow_radio_fetch_peer(bool fromHead, espnowPeer peer)
{
	u8 mac[ESPNOW_MAC_LEN];
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	u8 *next = esp_now_fetch_peer(fromHead);
	if (!next)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	memcpy(mac, next, ESPNOW_MAC_LEN);
	return describePeer(mac, peer);
}

int espnow_radio_peer_count(int *total, int *encrypted)
{
	u8 all = 0, keyed = 0;
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	int result = esp_now_get_cnt_info(&all, &keyed);
	if (0 == result) {
		*total = all;
		*encrypted = keyed;
	}
	return fromSDK(result);
}

int espnow_radio_set_rate(int rate)
{
	(void)rate;
	return ESPNOW_ESP_ERR_NOT_SUPPORTED;
}

void *espnow_radio_alloc(size_t size)
{
	return calloc(1, size);
}

void espnow_radio_free(void *memory)
{
	free(memory);
}

/* What may arrive (ESP-NOW v1): larger than what this SDK sends (MAX_SEND_LEN). */
size_t espnow_radio_max_data_len(void)
{
	return ESPNOW_RING_MAX_DATA_LEN_V1;
}

uint32_t espnow_radio_millis(void)
{
	return (uint32_t)millis();
}

bool espnow_radio_wait(int32_t timeoutMs)
{
	uint32_t start = millis();
	bool signalled;
	while (!gRadio.signalled) {
		uint32_t waited = (uint32_t)millis() - start;
		uint32_t slice = WAIT_SLICE_MS;
		if (timeoutMs >= 0) {
			if (waited >= (uint32_t)timeoutMs)
				break;
			if (((uint32_t)timeoutMs - waited) < slice)
				slice = (uint32_t)timeoutMs - waited;
		}
		system_soft_wdt_feed();
		delay(slice);
	}
	signalled = gRadio.signalled;
	gRadio.signalled = false;
	return signalled;
}

void espnow_radio_signal(void)
{
	gRadio.signalled = true;
	esp_schedule();
}
