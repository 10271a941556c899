/*
 * The ESP32 radio glue (modules/espnow/esp32) and Wi-Fi glue
 * (modules/wlan/esp32) against the fake ESP-IDF in fake-idf/. The Makefile
 * builds this once per imitated ESP-IDF version and chip; EXPECTED_MAX_DATA_LEN
 * is what that version's esp_now.h says.
 */

#include "harness.h"
#include "fake_idf.h"

#include "espnow_radio.h"
#include "wlan_radio.h"

#ifndef BUILD_NAME
	#define BUILD_NAME "esp32"
#endif

static espnowCoreRecord gCore;
static int gCompletions;
static bool gDelivered;
static uint8_t gCompletedMAC[ESPNOW_MAC_LEN];

void espnow_core_on_receive(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], int8_t rssi, uint32_t timestamp, const uint8_t *data, size_t length)
{
	(void)core, (void)mac, (void)rssi, (void)timestamp, (void)data, (void)length;
}

void espnow_core_on_send_complete(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], bool delivered)
{
	(void)core;
	gCompletions++;
	gDelivered = delivered;
	memcpy(gCompletedMAC, mac, ESPNOW_MAC_LEN);
}

static const uint8_t kPeer[ESPNOW_MAC_LEN] = { 0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56 };

static void start(void)
{
	fake_idf_reset();
	CHECK_EQ(espnow_radio_init(&gCore), ESPNOW_ESP_OK);
	CHECK_EQ(wlan_radio_set_active(WLAN_IF_STA, true), ESPNOW_ESP_OK);
	espnowPeerRecord peer = { .channel = 0, .ifidx = ESPNOW_IF_STA };
	memcpy(peer.mac, kPeer, ESPNOW_MAC_LEN);
	CHECK_EQ(espnow_radio_add_peer(&peer), ESPNOW_ESP_OK);
}

/* new ESPNow() asks for the limit before anything has initialised Wi-Fi. */
static void max_data_len_is_known_before_wifi_init(void)
{
	fake_idf_reset();
	CHECK_EQ(espnow_radio_max_data_len(), EXPECTED_MAX_DATA_LEN);
	CHECK(!fake_idf_wifi_initialised());
}

static void max_data_len_is_the_same_once_running(void)
{
	start();
	CHECK_EQ(espnow_radio_max_data_len(), EXPECTED_MAX_DATA_LEN);
	CHECK_EQ(espnow_radio_deinit(), ESPNOW_ESP_OK);
}

static void a_frame_of_max_data_len_is_sent_whole(void)
{
	static uint8_t frame[EXPECTED_MAX_DATA_LEN], got[EXPECTED_MAX_DATA_LEN];
	uint8_t mac[ESPNOW_MAC_LEN];
	start();
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 7);
	CHECK_EQ(espnow_radio_send(kPeer, frame, sizeof(frame)), ESPNOW_ESP_OK);
	CHECK_EQ(fake_idf_last_frame(mac, got, sizeof(got)), sizeof(frame));
	CHECK(!memcmp(got, frame, sizeof(frame)));
	fake_idf_complete_send(true);
	CHECK_EQ(gCompletions, 1);
	CHECK(gDelivered);
	CHECK(!memcmp(gCompletedMAC, kPeer, ESPNOW_MAC_LEN));
}

/* The rate the glue hands ESP-IDF for one of the API's (classic) numbers. */
static void expectRate(int classic, wifi_phy_mode_t phymode, wifi_phy_rate_t rate)
{
	esp_now_rate_config_t config;
	static const uint8_t one = 1;
	CHECK_EQ(espnow_radio_set_rate(classic), ESPNOW_ESP_OK);
	CHECK_EQ(espnow_radio_send(kPeer, &one, 1), ESPNOW_ESP_OK);
	CHECK(fake_idf_peer_rate(kPeer, &config));
	if ((config.rate != rate) || (config.phymode != phymode))
		fprintf(stderr, "  rate 0x%02x:\n", classic);
	CHECK_EQ(config.rate, rate);
	CHECK_EQ(config.phymode, phymode);
}

/* The API numbers rates as MicroPython's RATE_ constants and ESP-IDF do on
   chips without 802.11ax: 0x10..0x17 MCS0..7 long GI, 0x18..0x1f short GI. */
static void rates_are_the_apis_numbers_on_every_chip(void)
{
	static const wifi_phy_rate_t longGI[8] = {
		WIFI_PHY_RATE_MCS0_LGI, WIFI_PHY_RATE_MCS1_LGI, WIFI_PHY_RATE_MCS2_LGI, WIFI_PHY_RATE_MCS3_LGI,
		WIFI_PHY_RATE_MCS4_LGI, WIFI_PHY_RATE_MCS5_LGI, WIFI_PHY_RATE_MCS6_LGI, WIFI_PHY_RATE_MCS7_LGI,
	};
	static const wifi_phy_rate_t shortGI[8] = {
		WIFI_PHY_RATE_MCS0_SGI, WIFI_PHY_RATE_MCS1_SGI, WIFI_PHY_RATE_MCS2_SGI, WIFI_PHY_RATE_MCS3_SGI,
		WIFI_PHY_RATE_MCS4_SGI, WIFI_PHY_RATE_MCS5_SGI, WIFI_PHY_RATE_MCS6_SGI, WIFI_PHY_RATE_MCS7_SGI,
	};
	start();
	expectRate(0x00, WIFI_PHY_MODE_11B, WIFI_PHY_RATE_1M_L);
	expectRate(0x07, WIFI_PHY_MODE_11B, WIFI_PHY_RATE_11M_S);
	expectRate(0x0b, WIFI_PHY_MODE_11G, WIFI_PHY_RATE_6M);
	expectRate(0x0c, WIFI_PHY_MODE_11G, WIFI_PHY_RATE_54M);
	for (int i = 0; i < 8; i++) {
		expectRate(0x10 + i, WIFI_PHY_MODE_HT20, longGI[i]);
		expectRate(0x18 + i, WIFI_PHY_MODE_HT20, shortGI[i]);
	}
	expectRate(0x29, WIFI_PHY_MODE_LR, WIFI_PHY_RATE_LORA_250K);
	expectRate(0x2a, WIFI_PHY_MODE_LR, WIFI_PHY_RATE_LORA_500K);
}

/* 4 is no rate (there is no 1 Mbps short preamble); 0x20..0x28 are MCS8/9 on
   an 802.11ax chip only, which the API does not number. */
static void numbers_that_are_no_rate_are_refused(void)
{
	static const int refused[] = { -1, 4, 0x20, 0x23, 0x28, 0x2b, 0x100 };
	start();
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (ESPNOW_ESP_ERR_INVALID_ARG != espnow_radio_set_rate(refused[i]))
			fprintf(stderr, "  rate %d accepted\n", refused[i]);
		CHECK_EQ(espnow_radio_set_rate(refused[i]), ESPNOW_ESP_ERR_INVALID_ARG);
	}
}

/* Moddable's sdkconfig keeps the Wi-Fi driver out of IRAM
   (CONFIG_ESP_WIFI_IRAM_OPT and CONFIG_ESP_WIFI_RX_IRAM_OPT off): callbacks
   that the driver calls from flash, and that call the core in flash, gain
   nothing in IRAM and take RAM the app needs. */
extern const char __start_fake_iram[] __attribute__((weak));
extern const char __stop_fake_iram[] __attribute__((weak));

static void the_glue_puts_nothing_in_iram(void)
{
	size_t bytes = (size_t)(__stop_fake_iram - __start_fake_iram);
	if (bytes)
		fprintf(stderr, "  %zu bytes of code marked IRAM_ATTR\n", bytes);
	CHECK_EQ(bytes, 0);
}

static void fetch_peer_walks_the_peers(void)
{
	espnowPeerRecord peer;
	start();
	CHECK_EQ(espnow_radio_fetch_peer(true, &peer), ESPNOW_ESP_OK);
	CHECK(!memcmp(peer.mac, kPeer, ESPNOW_MAC_LEN));
	CHECK_EQ(espnow_radio_fetch_peer(false, &peer), ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND);
}

/* config({protocol}): ESP-IDF's bits on the interface asked for; LR refused on the C2, 11ax where the chip has none. */
static void protocols_reach_esp_wifi_set_protocol(void)
{
	int protocol = 0;
	fake_idf_reset();
	CHECK_EQ(wlan_radio_get_protocol(WLAN_IF_STA, &protocol), WLAN_ESP_ERR_WIFI_NOT_INIT);
	CHECK_EQ(wlan_radio_set_active(WLAN_IF_STA, true), ESPNOW_ESP_OK);
	CHECK_EQ(wlan_radio_get_protocol(WLAN_IF_STA, &protocol), WLAN_ESP_OK);
	CHECK_EQ(protocol, WLAN_PROTOCOL_11B | WLAN_PROTOCOL_11G | WLAN_PROTOCOL_11N);
	CHECK_EQ(wlan_radio_protocol_default(), CONFIG_SOC_WIFI_HE_SUPPORT ? 0x47 : 0x07);
	CHECK_EQ(wlan_radio_set_protocol(WLAN_IF_AP, WLAN_PROTOCOL_11B), WLAN_ESP_ERR_WIFI_IF);
#if CONFIG_IDF_TARGET_ESP32C2
	CHECK_EQ(wlan_radio_set_protocol(WLAN_IF_STA, WLAN_PROTOCOL_LR | 7), WLAN_ESP_ERR_NOT_SUPPORTED);
	CHECK_EQ(wlan_radio_get_protocol(WLAN_IF_STA, &protocol), WLAN_ESP_OK);
	CHECK_EQ(protocol, 7);
#else
	CHECK_EQ(wlan_radio_set_protocol(WLAN_IF_STA, WLAN_PROTOCOL_LR | 7), WLAN_ESP_OK);
	CHECK_EQ(wlan_radio_get_protocol(WLAN_IF_STA, &protocol), WLAN_ESP_OK);
	CHECK_EQ(protocol, WLAN_PROTOCOL_LR | 7);
#endif
	CHECK_EQ(wlan_radio_set_protocol(WLAN_IF_STA, WLAN_PROTOCOL_11AX | 7), CONFIG_SOC_WIFI_HE_SUPPORT ? WLAN_ESP_OK : WLAN_ESP_ERR_NOT_SUPPORTED);
}

static void txpower_reaches_esp_wifi_set_max_tx_power(void)
{
	int power = 0;
	fake_idf_reset();
	CHECK_EQ(wlan_radio_set_txpower(40), WLAN_ESP_ERR_WIFI_NOT_INIT);
	CHECK_EQ(wlan_radio_set_active(WLAN_IF_STA, true), ESPNOW_ESP_OK);
	CHECK_EQ(wlan_radio_get_txpower(&power), WLAN_ESP_OK);
	CHECK_EQ(power, 80);
	CHECK_EQ(wlan_radio_set_txpower(34), WLAN_ESP_OK);
	CHECK_EQ(wlan_radio_get_txpower(&power), WLAN_ESP_OK);
	CHECK_EQ(power, 34);
	CHECK_EQ(wlan_radio_set_active(WLAN_IF_STA, false), ESPNOW_ESP_OK);
	CHECK_EQ(wlan_radio_set_txpower(40), WLAN_ESP_ERR_WIFI_NOT_STARTED);
}

int main(void)
{
	RUN(max_data_len_is_known_before_wifi_init);
	RUN(max_data_len_is_the_same_once_running);
	RUN(a_frame_of_max_data_len_is_sent_whole);
	RUN(rates_are_the_apis_numbers_on_every_chip);
	RUN(numbers_that_are_no_rate_are_refused);
	RUN(the_glue_puts_nothing_in_iram);
	RUN(fetch_peer_walks_the_peers);
	RUN(protocols_reach_esp_wifi_set_protocol);
	RUN(txpower_reaches_esp_wifi_set_max_tx_power);
	return finish(BUILD_NAME);
}
