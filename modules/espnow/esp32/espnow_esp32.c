/*
 * espnow_radio for ESP32 (ESP-IDF 5.1 and later, 6.x included): the IDF's
 * esp_now_* calls. Their error numbers are the ESPNOW_ESP_* ones (asserted
 * below), so they are returned unchanged.
 *
 * Threads. espnow_radio_* run on the XS task. The IDF calls received() and
 * sent() on its Wi-Fi task, possibly on the other core, one at a time. They
 * find the core through gRadio.core. Unregistering them does not wait for one
 * already running, so deinit clears gRadio.core and then waits until neither
 * is inside: each callback raises its flag before it reads gRadio.core and
 * deinit clears gRadio.core before it reads the flags, all sequentially
 * consistent, so either the callback sees NULL or deinit sees the flag. Only
 * loads and stores (no read-modify-write, which the ESP32-C3 lacks).
 *
 * Blocking. espnow_radio_wait() takes a binary semaphore that
 * espnow_radio_signal() gives, not the XS task's notification: Moddable's
 * neopixel driver and XS's Atomics.wait wait on that notification, and a give
 * left pending by ESP-NOW would end their waits early.
 *
 * The callbacks stay in flash (no IRAM_ATTR, unlike MicroPython's). They run
 * in the Wi-Fi task, never while the flash cache is disabled, and call the
 * core, which is in flash; Moddable's sdkconfig keeps the Wi-Fi driver itself
 * in flash to save IRAM (build/devices/esp32/xsProj-esp32/sdkconfig.defaults:
 * CONFIG_ESP_WIFI_IRAM_OPT and CONFIG_ESP_WIFI_RX_IRAM_OPT off). IRAM would
 * buy nothing and cost the app internal RAM.
 *
 * Pointers from JS. A preloaded module's bytes are in flash, which the ESP32s
 * map into the data address space through the cache: byte loads work there
 * (Moddable's xsHost.h makes c_memcpy plain memcpy on every ESP32). Every
 * esp_now_* call below reads its arguments on the XS task, during the call,
 * with the cache on, and esp_now_send() copies the payload before it returns
 * (esp_now.h: the buffer need not stay valid after the call). So, unlike on
 * ESP8266, MACs, keys and payloads are passed as they come.
 */

#include "espnow_radio.h"
#include "wlan_esp32.h"

#include <stdatomic.h>
#include <string.h>

#include "esp_heap_caps.h"
#include "esp_idf_version.h"
#include "esp_now.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#if ESP_IDF_VERSION < ESP_IDF_VERSION_VAL(5, 1, 0)
	#error "ESP-NOW for Moddable needs ESP-IDF 5.1 or later (esp_now_recv_info_t, esp_now_set_peer_rate_config)"
#endif

/* Since ESP-IDF 5.4 wifi_pkt_rx_ctrl_t, which holds the RSSI, is defined in
   esp_wifi/include/local: ESP-IDF's components have it on their include path,
   Moddable's native modules get it from modules/espnow/manifest.json. */
#if (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 4, 0)) && !__has_include("esp_wifi_types_native.h")
	#error "esp_wifi/include/local is not on the include path (see modules/espnow/manifest.json, platform esp32)"
#endif

/* ESP-IDF 5.5 gives the send callback a wifi_tx_info_t instead of the destination MAC. */
#define SEND_CALLBACK_HAS_INFO (ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0))

#if CONFIG_ESP_TASK_WDT_EN
	/* Moddable subscribes the XS task to the task watchdog (its shortest timeout is 1 s). */
	#include "esp_task_wdt.h"
	#define WAIT_SLICE_MS (500)
	#define feedWatchdog() esp_task_wdt_reset()
#else
	#define WAIT_SLICE_MS (INT32_MAX)
	#define feedWatchdog()
#endif

_Static_assert(ESPNOW_ESP_OK == ESP_OK && ESPNOW_ESP_FAIL == ESP_FAIL, "espnow_errors.h and esp_err.h disagree");
_Static_assert(ESPNOW_ESP_ERR_NO_MEM == ESP_ERR_NO_MEM && ESPNOW_ESP_ERR_INVALID_ARG == ESP_ERR_INVALID_ARG
	&& ESPNOW_ESP_ERR_INVALID_STATE == ESP_ERR_INVALID_STATE && ESPNOW_ESP_ERR_INVALID_SIZE == ESP_ERR_INVALID_SIZE
	&& ESPNOW_ESP_ERR_NOT_FOUND == ESP_ERR_NOT_FOUND && ESPNOW_ESP_ERR_NOT_SUPPORTED == ESP_ERR_NOT_SUPPORTED
	&& ESPNOW_ESP_ERR_TIMEOUT == ESP_ERR_TIMEOUT, "espnow_errors.h and esp_err.h disagree");
_Static_assert(ESPNOW_ESP_ERR_WIFI_NOT_INIT == ESP_ERR_WIFI_NOT_INIT && ESPNOW_ESP_ERR_WIFI_NOT_STARTED == ESP_ERR_WIFI_NOT_STARTED
	&& ESPNOW_ESP_ERR_WIFI_IF == ESP_ERR_WIFI_IF, "espnow_errors.h and esp_wifi.h disagree");
_Static_assert(ESPNOW_ESP_ERR_ESPNOW_NOT_INIT == ESP_ERR_ESPNOW_NOT_INIT && ESPNOW_ESP_ERR_ESPNOW_ARG == ESP_ERR_ESPNOW_ARG
	&& ESPNOW_ESP_ERR_ESPNOW_NO_MEM == ESP_ERR_ESPNOW_NO_MEM && ESPNOW_ESP_ERR_ESPNOW_FULL == ESP_ERR_ESPNOW_FULL
	&& ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND == ESP_ERR_ESPNOW_NOT_FOUND && ESPNOW_ESP_ERR_ESPNOW_INTERNAL == ESP_ERR_ESPNOW_INTERNAL
	&& ESPNOW_ESP_ERR_ESPNOW_EXIST == ESP_ERR_ESPNOW_EXIST && ESPNOW_ESP_ERR_ESPNOW_IF == ESP_ERR_ESPNOW_IF, "espnow_errors.h and esp_now.h disagree");
#ifdef ESP_ERR_ESPNOW_CHAN	/* ESP-IDF 5.2 */
_Static_assert(ESPNOW_ESP_ERR_ESPNOW_CHAN == ESP_ERR_ESPNOW_CHAN, "espnow_errors.h and esp_now.h disagree");
#endif
_Static_assert(ESPNOW_MAC_LEN == ESP_NOW_ETH_ALEN && ESPNOW_KEY_LEN == ESP_NOW_KEY_LEN, "espnow_radio.h and esp_now.h disagree");
_Static_assert(ESPNOW_RING_MAX_DATA_LEN_V1 == ESP_NOW_MAX_DATA_LEN, "espnow_ring.h and esp_now.h disagree");
#ifdef ESP_NOW_MAX_DATA_LEN_V2	/* ESP-IDF 5.4 */
_Static_assert(ESPNOW_RING_MAX_PAYLOAD >= ESP_NOW_MAX_DATA_LEN_V2, "the ring cannot hold the largest ESP-NOW v2 payload");
#endif

static struct {
	_Atomic(espnowCore) core;
	_Atomic bool inReceive;
	_Atomic bool inSend;
	bool rateSet;
	esp_now_rate_config_t rate;
	SemaphoreHandle_t signal;
	StaticSemaphore_t signalStorage;
} gRadio;

static uint32_t millis(void)
{
	return (uint32_t)(esp_timer_get_time() / 1000);
}

/* ---- the Wi-Fi task ---- */

static void received(const esp_now_recv_info_t *info, const uint8_t *data, int length)
{
	atomic_store(&gRadio.inReceive, true);
	espnowCore core = atomic_load(&gRadio.core);
	if (core && (length > 0))
		espnow_core_on_receive(core, info->src_addr, (int8_t)info->rx_ctrl->rssi, millis(), data, (size_t)length);
	atomic_store_explicit(&gRadio.inReceive, false, memory_order_release);
}

static void sentTo(const uint8_t *mac, esp_now_send_status_t status)
{
	static const uint8_t unknown[ESPNOW_MAC_LEN];
	atomic_store(&gRadio.inSend, true);
	espnowCore core = atomic_load(&gRadio.core);
	if (core)
		espnow_core_on_send_complete(core, mac ? mac : unknown, ESP_NOW_SEND_SUCCESS == status);
	atomic_store_explicit(&gRadio.inSend, false, memory_order_release);
}

#if SEND_CALLBACK_HAS_INFO
static void sent(const esp_now_send_info_t *info, esp_now_send_status_t status)
{
	sentTo(info ? info->des_addr : NULL, status);
}
#else
static void sent(const uint8_t *mac, esp_now_send_status_t status)
{
	sentTo(mac, status);
}
#endif

/* ---- peers ---- */

static void peerToIDF(const espnowPeerRecord *peer, esp_now_peer_info_t *info)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->peer_addr, peer->mac, ESPNOW_MAC_LEN);
	memcpy(info->lmk, peer->lmk, ESPNOW_KEY_LEN);
	info->channel = peer->channel;
	info->ifidx = (ESPNOW_IF_AP == peer->ifidx) ? WIFI_IF_AP : WIFI_IF_STA;
	info->encrypt = peer->encrypt;
}

static void peerFromIDF(const esp_now_peer_info_t *info, espnowPeer peer)
{
	memcpy(peer->mac, info->peer_addr, ESPNOW_MAC_LEN);
	memcpy(peer->lmk, info->lmk, ESPNOW_KEY_LEN);
	peer->channel = info->channel;
	peer->ifidx = (WIFI_IF_AP == info->ifidx) ? ESPNOW_IF_AP : ESPNOW_IF_STA;
	peer->encrypt = info->encrypt;
}

/* ---- espnow_radio.h ---- */

static SemaphoreHandle_t signalSemaphore(void)
{
	if (!gRadio.signal)
		gRadio.signal = xSemaphoreCreateBinaryStatic(&gRadio.signalStorage);
	return gRadio.signal;
}

int espnow_radio_init(espnowCore core)
{
	esp_err_t err;
	if (atomic_load(&gRadio.core))
		return ESP_OK;
	xSemaphoreTake(signalSemaphore(), 0);		/* forget a signal left by the last session */
	err = wlan_esp32_init();
	if (ESP_OK == err)
		err = esp_now_init();
	if (ESP_OK != err)
		return err;
	atomic_store(&gRadio.core, core);
	err = esp_now_register_recv_cb(received);
	if (ESP_OK == err)
		err = esp_now_register_send_cb(sent);
	if (ESP_OK != err)
		espnow_radio_deinit();
	return err;
}

int espnow_radio_deinit(void)
{
	if (!atomic_load(&gRadio.core))
		return ESP_OK;
	atomic_store(&gRadio.core, NULL);
	esp_now_unregister_recv_cb();
	esp_now_unregister_send_cb();
	while (atomic_load(&gRadio.inReceive) || atomic_load(&gRadio.inSend))
		vTaskDelay(1);
	return esp_now_deinit();
}

/* Since ESP-IDF 5.1 the rate belongs to each peer, and a peer added or
   modified later must get it too: it is set again before each send. */
int espnow_radio_send(const uint8_t *mac, const uint8_t *data, size_t length)
{
	if (gRadio.rateSet && esp_now_is_peer_exist(mac)) {
		esp_err_t err = esp_now_set_peer_rate_config(mac, &gRadio.rate);
		if (ESP_OK != err)
			return err;
	}
	return esp_now_send(mac, data, length);
}

int espnow_radio_set_pmk(const uint8_t pmk[ESPNOW_KEY_LEN])
{
	return esp_now_set_pmk(pmk);
}

int espnow_radio_add_peer(const espnowPeerRecord *peer)
{
	esp_now_peer_info_t info;
	peerToIDF(peer, &info);
	return esp_now_add_peer(&info);
}

int espnow_radio_mod_peer(const espnowPeerRecord *peer)
{
	esp_now_peer_info_t info;
	peerToIDF(peer, &info);
	return esp_now_mod_peer(&info);
}

int espnow_radio_del_peer(const uint8_t mac[ESPNOW_MAC_LEN])
{
	return esp_now_del_peer(mac);
}

int espnow_radio_get_peer(const uint8_t mac[ESPNOW_MAC_LEN], espnowPeer peer)
{
	esp_now_peer_info_t info;
	esp_err_t err = esp_now_get_peer(mac, &info);
	if (ESP_OK == err)
		peerFromIDF(&info, peer);
	return err;
}

/* esp_now_fetch_peer skips broadcast and multicast peers, as MicroPython's get_peers() does. */
int espnow_radio_fetch_peer(bool fromHead, espnowPeer peer)
{
	esp_now_peer_info_t info;
	esp_err_t err = esp_now_fetch_peer(fromHead, &info);
	if (ESP_OK == err)
		peerFromIDF(&info, peer);
	return err;
}

int espnow_radio_peer_count(int *total, int *encrypted)
{
	esp_now_peer_num_t count;
	esp_err_t err = esp_now_get_peer_num(&count);
	if (ESP_OK == err) {
		*total = count.total_num;
		*encrypted = count.encrypt_num;
	}
	return err;
}

/* The API's rate numbers are wifi_phy_rate_t as it is on chips without
   802.11ax, which are also MicroPython's RATE_ constants. On 802.11ax chips
   (ESP32-C5, C6: CONFIG_SOC_WIFI_HE_SUPPORT) ESP-IDF's esp_wifi_types.h
   (esp_wifi_types_generic.h since 5.3) adds MCS8 and MCS9 after each guard
   interval's MCS7, so the short-GI values there are two higher: MCS rates are
   translated by name. 11b, 11g and LR rates have the same values everywhere. */
#define API_RATE_MCS0_LGI (0x10)
#define API_RATE_MCS0_SGI (0x18)
#define API_RATE_MCS_COUNT (8)

_Static_assert((WIFI_PHY_RATE_1M_L == 0x00) && (WIFI_PHY_RATE_11M_L == 0x03) && (WIFI_PHY_RATE_2M_S == 0x05) && (WIFI_PHY_RATE_11M_S == 0x07)
	&& (WIFI_PHY_RATE_48M == 0x08) && (WIFI_PHY_RATE_9M == 0x0F) && (WIFI_PHY_RATE_MCS0_LGI == API_RATE_MCS0_LGI)
	&& (WIFI_PHY_RATE_LORA_250K == 0x29) && (WIFI_PHY_RATE_LORA_500K == 0x2A), "wifi_phy_rate_t's 11b, 11g and LR values moved");

int espnow_radio_set_rate(int rate)
{
	esp_now_rate_config_t config;
	if (!atomic_load(&gRadio.core))
		return ESP_ERR_ESPNOW_NOT_INIT;
	memset(&config, 0, sizeof(config));
	if (((WIFI_PHY_RATE_1M_L <= rate) && (rate <= WIFI_PHY_RATE_11M_L)) || ((WIFI_PHY_RATE_2M_S <= rate) && (rate <= WIFI_PHY_RATE_11M_S))) {
		config.phymode = WIFI_PHY_MODE_11B;
		config.rate = (wifi_phy_rate_t)rate;
	}
	else if ((WIFI_PHY_RATE_48M <= rate) && (rate <= WIFI_PHY_RATE_9M)) {
		config.phymode = WIFI_PHY_MODE_11G;
		config.rate = (wifi_phy_rate_t)rate;
	}
	else if ((API_RATE_MCS0_LGI <= rate) && (rate < API_RATE_MCS0_LGI + API_RATE_MCS_COUNT)) {
		config.phymode = WIFI_PHY_MODE_HT20;
		config.rate = (wifi_phy_rate_t)(WIFI_PHY_RATE_MCS0_LGI + (rate - API_RATE_MCS0_LGI));
	}
	else if ((API_RATE_MCS0_SGI <= rate) && (rate < API_RATE_MCS0_SGI + API_RATE_MCS_COUNT)) {
		config.phymode = WIFI_PHY_MODE_HT20;
		config.rate = (wifi_phy_rate_t)(WIFI_PHY_RATE_MCS0_SGI + (rate - API_RATE_MCS0_SGI));
	}
	else if ((WIFI_PHY_RATE_LORA_250K == rate) || (WIFI_PHY_RATE_LORA_500K == rate)) {
		config.phymode = WIFI_PHY_MODE_LR;
		config.rate = (wifi_phy_rate_t)rate;
	}
	else
		return ESP_ERR_INVALID_ARG;
	gRadio.rate = config;
	gRadio.rateSet = true;
	return ESP_OK;
}

/* The ring is written by the Wi-Fi task: internal RAM, never PSRAM. */
void *espnow_radio_alloc(size_t size)
{
	return heap_caps_calloc(1, size, MALLOC_CAP_INTERNAL | MALLOC_CAP_8BIT);
}

void espnow_radio_free(void *memory)
{
	heap_caps_free(memory);
}

/* A fact of the ESP-NOW library this firmware is built with: ESP-IDF 5.4
   brought ESP-NOW v2 and ESP_NOW_MAX_DATA_LEN_V2 in esp_now.h (1490 bytes in
   5.4.0 and 5.4.1, 1470 from 5.4.2 on). Not esp_now_get_version(): new
   ESPNow() asks before Wi-Fi is initialised, and that call then dereferences
   the OS function table esp_wifi_init() has not yet registered. */
size_t espnow_radio_max_data_len(void)
{
#ifdef ESP_NOW_MAX_DATA_LEN_V2
	return ESP_NOW_MAX_DATA_LEN_V2;
#else
	return ESP_NOW_MAX_DATA_LEN;
#endif
}

uint32_t espnow_radio_millis(void)
{
	return millis();
}

bool espnow_radio_wait(int32_t timeoutMs)
{
	SemaphoreHandle_t semaphore = signalSemaphore();
	for (;;) {
		int32_t slice = ((timeoutMs < 0) || (timeoutMs > WAIT_SLICE_MS)) ? WAIT_SLICE_MS : timeoutMs;
		uint64_t ticks = (((uint64_t)slice * configTICK_RATE_HZ) + 999) / 1000;		/* rounded up: never shorter than asked */
		if (pdTRUE == xSemaphoreTake(semaphore, (ticks < portMAX_DELAY) ? (TickType_t)ticks : (portMAX_DELAY - 1)))
			return true;
		if ((timeoutMs >= 0) && ((timeoutMs -= slice) <= 0))
			return false;
		feedWatchdog();
	}
}

void espnow_radio_signal(void)
{
	if (gRadio.signal)
		xSemaphoreGive(gRadio.signal);
}
