/*
 * A fake ESP-IDF Wi-Fi and ESP-NOW driver for tests/glue, with the behaviour
 * the ESP32 glue relies on:
 * - esp_now_get_version() before esp_wifi_init() crashes. The ESP-NOW
 *   library reaches the OS through a table of functions that esp_wifi_init()
 *   registers; before it, that table is NULL and the call dereferences it.
 * - ESP-NOW needs an initialised driver; a frame needs a registered peer and
 *   1..ESP_NOW_MAX_DATA_LEN(_V2) bytes, which esp_now_send() copies before it
 *   returns (esp_now.h: the buffer need not outlive the call).
 * - esp_now_fetch_peer() skips broadcast and multicast peers.
 * - ESP-NOW v2 (ESP-IDF 5.4 and later) answers version 2.
 */

#include "fake_idf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_event.h"
#include "esp_heap_caps.h"
#include "esp_mac.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#ifdef ESP_NOW_MAX_DATA_LEN_V2
	#define MAX_FRAME ESP_NOW_MAX_DATA_LEN_V2
#else
	#define MAX_FRAME ESP_NOW_MAX_DATA_LEN
#endif

typedef struct {
	esp_now_peer_info_t info;
	bool rateSet;
	esp_now_rate_config_t rate;
} fakePeer;

static struct {
	bool wifi;
	bool started;
	wifi_mode_t mode;
	wifi_ps_type_t ps;
	uint8_t protocol[2];
	int8_t txPower;
	uint8_t channel;
	bool espnow;
	esp_now_recv_cb_t received;
	esp_now_send_cb_t sent;
	fakePeer peers[ESP_NOW_MAX_TOTAL_PEER_NUM];
	int peerCount;
	int fetched;
	int frames;
	uint8_t lastMAC[ESP_NOW_ETH_ALEN];
	uint8_t lastData[MAX_FRAME];
	size_t lastLength;
	int64_t now;
} gFake;

static void crash(const char *why)
{
	fprintf(stderr, "fake-idf: %s\n", why);
	fflush(stderr);
	abort();
}

void fake_idf_reset(void)
{
	memset(&gFake, 0, sizeof(gFake));
	gFake.ps = WIFI_PS_MIN_MODEM;
	gFake.protocol[0] = gFake.protocol[1] = WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N;
	gFake.txPower = 80;
	gFake.channel = 1;
}

bool fake_idf_wifi_initialised(void)
{
	return gFake.wifi;
}

static fakePeer *findPeer(const uint8_t *mac)
{
	for (int i = 0; i < gFake.peerCount; i++) {
		if (!memcmp(gFake.peers[i].info.peer_addr, mac, ESP_NOW_ETH_ALEN))
			return &gFake.peers[i];
	}
	return NULL;
}

bool fake_idf_peer_rate(const uint8_t mac[ESP_NOW_ETH_ALEN], esp_now_rate_config_t *config)
{
	fakePeer *peer = findPeer(mac);
	if (!peer || !peer->rateSet)
		return false;
	*config = peer->rate;
	return true;
}

int fake_idf_frames_sent(void)
{
	return gFake.frames;
}

size_t fake_idf_last_frame(uint8_t mac[ESP_NOW_ETH_ALEN], uint8_t *data, size_t capacity)
{
	size_t length = (gFake.lastLength < capacity) ? gFake.lastLength : capacity;
	memcpy(mac, gFake.lastMAC, ESP_NOW_ETH_ALEN);
	memcpy(data, gFake.lastData, length);
	return gFake.lastLength;
}

void fake_idf_complete_send(bool delivered)
{
	esp_now_send_status_t status = delivered ? ESP_NOW_SEND_SUCCESS : ESP_NOW_SEND_FAIL;
	if (!gFake.sent)
		return;
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
	wifi_tx_info_t info = { .des_addr = gFake.lastMAC, .src_addr = NULL };
	gFake.sent(&info, status);
#else
	gFake.sent(gFake.lastMAC, status);
#endif
}

/* ---- Wi-Fi ---- */

esp_err_t esp_event_loop_create_default(void)
{
	return ESP_OK;
}

esp_err_t esp_wifi_init(const wifi_init_config_t *config)
{
	if (!config || (WIFI_INIT_CONFIG_MAGIC != config->magic))
		return ESP_ERR_INVALID_ARG;
	if (gFake.wifi)
		return ESP_ERR_INVALID_STATE;
	gFake.wifi = true;
	return ESP_OK;
}

esp_err_t esp_wifi_get_mode(wifi_mode_t *mode)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	*mode = gFake.mode;
	return ESP_OK;
}

esp_err_t esp_wifi_set_mode(wifi_mode_t mode)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	gFake.mode = mode;
	return ESP_OK;
}

esp_err_t esp_wifi_start(void)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	gFake.started = true;
	return ESP_OK;
}

esp_err_t esp_wifi_stop(void)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	gFake.started = false;
	return ESP_OK;
}

esp_err_t esp_wifi_set_storage(wifi_storage_t storage)
{
	(void)storage;
	return gFake.wifi ? ESP_OK : ESP_ERR_WIFI_NOT_INIT;
}

esp_err_t esp_wifi_set_ps(wifi_ps_type_t type)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	gFake.ps = type;
	return ESP_OK;
}

esp_err_t esp_wifi_get_ps(wifi_ps_type_t *type)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	*type = gFake.ps;
	return ESP_OK;
}

/* As ESP-IDF: the interface must be in the mode; a bitmap of unknown bits is refused. */
esp_err_t esp_wifi_set_protocol(wifi_interface_t ifx, uint8_t protocol_bitmap)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	if (!(gFake.mode & ((WIFI_IF_AP == ifx) ? WIFI_MODE_AP : WIFI_MODE_STA)))
		return ESP_ERR_WIFI_IF;
	if (!protocol_bitmap || (protocol_bitmap & ~(WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N | WIFI_PROTOCOL_LR | WIFI_PROTOCOL_11AX)))
		return ESP_ERR_INVALID_ARG;
	gFake.protocol[ifx] = protocol_bitmap;
	return ESP_OK;
}

esp_err_t esp_wifi_get_protocol(wifi_interface_t ifx, uint8_t *protocol_bitmap)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	if (!(gFake.mode & ((WIFI_IF_AP == ifx) ? WIFI_MODE_AP : WIFI_MODE_STA)))
		return ESP_ERR_WIFI_IF;
	*protocol_bitmap = gFake.protocol[ifx];
	return ESP_OK;
}

/* As ESP-IDF: Wi-Fi started, 8..84 quarter dBm. */
esp_err_t esp_wifi_set_max_tx_power(int8_t power)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	if (!gFake.started)
		return ESP_ERR_WIFI_NOT_STARTED;
	if ((power < 8) || (power > 84))
		return ESP_ERR_INVALID_ARG;
	gFake.txPower = power;
	return ESP_OK;
}

esp_err_t esp_wifi_get_max_tx_power(int8_t *power)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	if (!gFake.started)
		return ESP_ERR_WIFI_NOT_STARTED;
	*power = gFake.txPower;
	return ESP_OK;
}

esp_err_t esp_wifi_get_mac(wifi_interface_t iface, uint8_t mac[6])
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	return esp_read_mac(mac, (WIFI_IF_AP == iface) ? ESP_MAC_WIFI_SOFTAP : ESP_MAC_WIFI_STA);
}

esp_err_t esp_read_mac(uint8_t *mac, esp_mac_type_t type)
{
	static const uint8_t station[6] = { 0x24, 0x0a, 0xc4, 0x00, 0x00, 0x01 };
	memcpy(mac, station, sizeof(station));
	if (ESP_MAC_WIFI_SOFTAP == type)
		mac[5]++;
	return ESP_OK;
}

esp_err_t esp_wifi_get_channel(uint8_t *primary, wifi_second_chan_t *second)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	*primary = gFake.channel;
	*second = WIFI_SECOND_CHAN_NONE;
	return ESP_OK;
}

esp_err_t esp_wifi_set_channel(uint8_t primary, wifi_second_chan_t second)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	if ((primary < 1) || (primary > 14) || (WIFI_SECOND_CHAN_NONE != second))
		return ESP_ERR_INVALID_ARG;
	gFake.channel = primary;
	return ESP_OK;
}

esp_err_t esp_wifi_disconnect(void)
{
	return gFake.wifi ? ESP_OK : ESP_ERR_WIFI_NOT_INIT;
}

/* ---- ESP-NOW ---- */

esp_err_t esp_now_get_version(uint32_t *version)
{
	if (!gFake.wifi)
		crash("esp_now_get_version() before esp_wifi_init(): the OS adapter table is NULL (a device crashes here)");
	if (!version)
		return ESP_ERR_ESPNOW_ARG;
#ifdef ESP_NOW_MAX_DATA_LEN_V2
	*version = 2;
#else
	*version = 1;
#endif
	return ESP_OK;
}

esp_err_t esp_now_init(void)
{
	if (!gFake.wifi)
		return ESP_ERR_WIFI_NOT_INIT;
	gFake.espnow = true;
	return ESP_OK;
}

esp_err_t esp_now_deinit(void)
{
	gFake.espnow = false;
	gFake.received = NULL;
	gFake.sent = NULL;
	gFake.peerCount = 0;
	return ESP_OK;
}

esp_err_t esp_now_register_recv_cb(esp_now_recv_cb_t cb)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	gFake.received = cb;
	return ESP_OK;
}

esp_err_t esp_now_unregister_recv_cb(void)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	gFake.received = NULL;
	return ESP_OK;
}

esp_err_t esp_now_register_send_cb(esp_now_send_cb_t cb)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	gFake.sent = cb;
	return ESP_OK;
}

esp_err_t esp_now_unregister_send_cb(void)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	gFake.sent = NULL;
	return ESP_OK;
}

esp_err_t esp_now_send(const uint8_t *peer_addr, const uint8_t *data, size_t len)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	if (!peer_addr || !data || (len < 1) || (len > MAX_FRAME))
		return ESP_ERR_ESPNOW_ARG;
	if (!findPeer(peer_addr))
		return ESP_ERR_ESPNOW_NOT_FOUND;
	memcpy(gFake.lastMAC, peer_addr, ESP_NOW_ETH_ALEN);
	memcpy(gFake.lastData, data, len);
	gFake.lastLength = len;
	gFake.frames++;
	return ESP_OK;
}

static int encryptedCount(void)
{
	int count = 0;
	for (int i = 0; i < gFake.peerCount; i++)
		count += gFake.peers[i].info.encrypt;
	return count;
}

esp_err_t esp_now_add_peer(const esp_now_peer_info_t *peer)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	if (!peer)
		return ESP_ERR_ESPNOW_ARG;
	if (findPeer(peer->peer_addr))
		return ESP_ERR_ESPNOW_EXIST;
	if ((gFake.peerCount == ESP_NOW_MAX_TOTAL_PEER_NUM) || (peer->encrypt && (encryptedCount() == ESP_NOW_MAX_ENCRYPT_PEER_NUM)))
		return ESP_ERR_ESPNOW_FULL;
	memset(&gFake.peers[gFake.peerCount], 0, sizeof(fakePeer));
	gFake.peers[gFake.peerCount++].info = *peer;
	return ESP_OK;
}

esp_err_t esp_now_del_peer(const uint8_t *peer_addr)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	fakePeer *peer = findPeer(peer_addr);
	if (!peer)
		return ESP_ERR_ESPNOW_NOT_FOUND;
	memmove(peer, peer + 1, (size_t)(&gFake.peers[gFake.peerCount] - (peer + 1)) * sizeof(fakePeer));
	gFake.peerCount--;
	return ESP_OK;
}

esp_err_t esp_now_mod_peer(const esp_now_peer_info_t *info)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	fakePeer *peer = findPeer(info->peer_addr);
	if (!peer)
		return ESP_ERR_ESPNOW_NOT_FOUND;
	peer->info = *info;
	return ESP_OK;
}

esp_err_t esp_now_get_peer(const uint8_t *peer_addr, esp_now_peer_info_t *info)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	fakePeer *peer = findPeer(peer_addr);
	if (!peer)
		return ESP_ERR_ESPNOW_NOT_FOUND;
	*info = peer->info;
	return ESP_OK;
}

esp_err_t esp_now_fetch_peer(bool from_head, esp_now_peer_info_t *info)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	if (from_head)
		gFake.fetched = 0;
	while (gFake.fetched < gFake.peerCount) {
		fakePeer *peer = &gFake.peers[gFake.fetched++];
		if (!(peer->info.peer_addr[0] & 1)) {
			*info = peer->info;
			return ESP_OK;
		}
	}
	return ESP_ERR_ESPNOW_NOT_FOUND;
}

bool esp_now_is_peer_exist(const uint8_t *peer_addr)
{
	return gFake.espnow && findPeer(peer_addr);
}

esp_err_t esp_now_get_peer_num(esp_now_peer_num_t *num)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	num->total_num = gFake.peerCount;
	num->encrypt_num = encryptedCount();
	return ESP_OK;
}

esp_err_t esp_now_set_pmk(const uint8_t *pmk)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	return pmk ? ESP_OK : ESP_ERR_ESPNOW_ARG;
}

esp_err_t esp_now_set_peer_rate_config(const uint8_t *peer_addr, esp_now_rate_config_t *config)
{
	if (!gFake.espnow)
		return ESP_ERR_ESPNOW_NOT_INIT;
	fakePeer *peer = findPeer(peer_addr);
	if (!peer)
		return ESP_ERR_ESPNOW_NOT_FOUND;
	if (!config || (config->rate >= WIFI_PHY_RATE_MAX))
		return ESP_ERR_ESPNOW_ARG;
	peer->rate = *config;
	peer->rateSet = true;
	return ESP_OK;
}

/* ---- the rest of the system ---- */

void *heap_caps_calloc(size_t n, size_t size, uint32_t caps)
{
	(void)caps;
	return calloc(n, size);
}

void heap_caps_free(void *memory)
{
	free(memory);
}

int64_t esp_timer_get_time(void)
{
	return gFake.now += 1000;
}

SemaphoreHandle_t xSemaphoreCreateBinaryStatic(StaticSemaphore_t *storage)
{
	storage->given = 0;
	return storage;
}

BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t ticks)
{
	(void)ticks;
	if (!semaphore->given)
		return pdFALSE;
	semaphore->given = 0;
	return pdTRUE;
}

BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore)
{
	semaphore->given = 1;
	return pdTRUE;
}

void vTaskDelay(TickType_t ticks)
{
	(void)ticks;
}
