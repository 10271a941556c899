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
 * - Failures: -1 not initialised, -2 out of memory, -3 bad argument, -7 peer
 *   list full, -8 peer exists; anything else is reported as internal.
 *
 * What the specification gives the ESP32 only answers
 * ESPNOW_ESP_ERR_NOT_SUPPORTED: mod_peer, get_peer, get_peers, peer_count,
 * the rate, and peers on the access point interface.
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

#include "Arduino.h"
#include "c_types.h"
#include "espnow.h"
#include "user_interface.h"

#define ESPNOW_ESP8266_NO_RSSI (-128)
#define MAX_SEND_LEN (200)
#define WAIT_SLICE_MS (100)

extern void esp_schedule(void);		/* Arduino core: resume the main loop, ending a delay() */

static struct {
	espnowCore core;
	volatile bool signalled;
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
	case -7: return ESPNOW_ESP_ERR_ESPNOW_FULL;
	case -8: return ESPNOW_ESP_ERR_ESPNOW_EXIST;
	default: return ESPNOW_ESP_ERR_ESPNOW_INTERNAL;
	}
}

static bool isGroup(const uint8_t mac[ESPNOW_MAC_LEN])
{
	return mac[0] & 1;
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
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (isGroup(mac))
		return ESPNOW_ESP_ERR_NOT_SUPPORTED;
	if ((length < 1) || (length > MAX_SEND_LEN))
		return ESPNOW_ESP_ERR_INVALID_SIZE;
	if (NULL_MODE == wifi_get_opmode())
		return ESPNOW_ESP_ERR_ESPNOW_IF;
	return fromSDK(esp_now_send((u8 *)mac, (u8 *)data, (int)length));
}

int espnow_radio_set_pmk(const uint8_t pmk[ESPNOW_KEY_LEN])
{
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	return fromSDK(esp_now_set_kok((u8 *)pmk, ESPNOW_KEY_LEN));
}

int espnow_radio_add_peer(const espnowPeerRecord *peer)
{
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (isGroup(peer->mac) || (ESPNOW_IF_STA != peer->ifidx))
		return ESPNOW_ESP_ERR_NOT_SUPPORTED;
	if (esp_now_is_peer_exist((u8 *)peer->mac))
		return ESPNOW_ESP_ERR_ESPNOW_EXIST;
	return fromSDK(esp_now_add_peer((u8 *)peer->mac, ESP_NOW_ROLE_SLAVE, peer->channel,
		peer->encrypt ? (u8 *)peer->lmk : NULL, peer->encrypt ? ESPNOW_KEY_LEN : 0));
}

int espnow_radio_mod_peer(const espnowPeerRecord *peer)
{
	(void)peer;
	return ESPNOW_ESP_ERR_NOT_SUPPORTED;
}

int espnow_radio_del_peer(const uint8_t mac[ESPNOW_MAC_LEN])
{
	if (!gRadio.core)
		return ESPNOW_ESP_ERR_ESPNOW_NOT_INIT;
	if (!esp_now_is_peer_exist((u8 *)mac))
		return ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND;
	return fromSDK(esp_now_del_peer((u8 *)mac));
}

int espnow_radio_get_peer(const uint8_t mac[ESPNOW_MAC_LEN], espnowPeer peer)
{
	(void)mac;
	(void)peer;
	return ESPNOW_ESP_ERR_NOT_SUPPORTED;
}

int espnow_radio_fetch_peer(bool fromHead, espnowPeer peer)
{
	(void)fromHead;
	(void)peer;
	return ESPNOW_ESP_ERR_NOT_SUPPORTED;
}

int espnow_radio_peer_count(int *total, int *encrypted)
{
	(void)total;
	(void)encrypted;
	return ESPNOW_ESP_ERR_NOT_SUPPORTED;
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
