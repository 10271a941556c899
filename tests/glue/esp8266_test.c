/*
 * The ESP8266 radio glue (modules/espnow/esp8266) and Wi-Fi glue
 * (modules/wlan/esp8266) against the fake NONOS SDK in fake-esp8266/.
 */

#include "harness.h"
#include "fake_esp8266.h"

#include "espnow_radio.h"
#include "wlan_radio.h"

static espnowCoreRecord gCore;

void espnow_core_on_receive(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], int8_t rssi, uint32_t timestamp, const uint8_t *data, size_t length)
{
	(void)core, (void)mac, (void)rssi, (void)timestamp, (void)data, (void)length;
}

void espnow_core_on_send_complete(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], bool delivered)
{
	(void)core, (void)mac, (void)delivered;
}

static const uint8_t kA[ESPNOW_MAC_LEN] = { 0x5c, 0xcf, 0x7f, 0x0a, 0x0a, 0x0a };
static const uint8_t kB[ESPNOW_MAC_LEN] = { 0x5c, 0xcf, 0x7f, 0x0b, 0x0b, 0x0b };
static const uint8_t kC[ESPNOW_MAC_LEN] = { 0x5c, 0xcf, 0x7f, 0x0c, 0x0c, 0x0c };
static const uint8_t kKey[ESPNOW_KEY_LEN] = "0123456789abcdef";

static void start(void)
{
	fake_esp8266_reset();
	CHECK_EQ(espnow_radio_init(&gCore), ESPNOW_ESP_OK);
	CHECK_EQ(wlan_radio_set_active(WLAN_IF_STA, true), ESPNOW_ESP_OK);
}

static void addPeer(const uint8_t mac[ESPNOW_MAC_LEN], uint8_t channel, const uint8_t *key)
{
	espnowPeerRecord peer = { .channel = channel, .ifidx = ESPNOW_IF_STA, .encrypt = key != NULL };
	memcpy(peer.mac, mac, ESPNOW_MAC_LEN);
	if (key)
		memcpy(peer.lmk, key, ESPNOW_KEY_LEN);
	CHECK_EQ(espnow_radio_add_peer(&peer), ESPNOW_ESP_OK);
}

static void threePeers(void)
{
	start();
	addPeer(kA, 0, NULL);
	addPeer(kB, 6, kKey);
	addPeer(kC, 11, NULL);
}

static void expectPeer(const espnowPeerRecord *peer, const uint8_t mac[ESPNOW_MAC_LEN], uint8_t channel, const uint8_t *key)
{
	CHECK(!memcmp(peer->mac, mac, ESPNOW_MAC_LEN));
	CHECK_EQ(peer->channel, channel);
	CHECK_EQ(peer->ifidx, ESPNOW_IF_STA);
	CHECK_EQ(peer->encrypt, key != NULL);
	if (key)
		CHECK(!memcmp(peer->lmk, key, ESPNOW_KEY_LEN));
}

/* send(msg) with no MAC sends to every peer that fetch_peer names. */
static void fetch_peer_walks_every_peer(void)
{
	espnowPeerRecord peer = { .ifidx = 0xff };
	threePeers();
	CHECK_EQ(espnow_radio_fetch_peer(true, &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kA, 0, NULL);
	CHECK_EQ(espnow_radio_fetch_peer(false, &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kB, 6, kKey);
	CHECK_EQ(espnow_radio_fetch_peer(false, &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kC, 11, NULL);
	CHECK_EQ(espnow_radio_fetch_peer(false, &peer), ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND);
	CHECK_EQ(espnow_radio_fetch_peer(true, &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kA, 0, NULL);
}

static void fetch_peer_with_no_peers_finds_none(void)
{
	espnowPeerRecord peer = { .ifidx = 0xff };
	start();
	CHECK_EQ(espnow_radio_fetch_peer(true, &peer), ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND);
}

static void get_peer_and_peer_count_describe_the_peers(void)
{
	espnowPeerRecord peer = { .ifidx = 0xff };
	int total = -1, encrypted = -1;
	static const uint8_t unknown[ESPNOW_MAC_LEN] = { 0x5c, 0xcf, 0x7f, 0x0d, 0x0d, 0x0d };
	threePeers();
	CHECK_EQ(espnow_radio_get_peer(kB, &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kB, 6, kKey);
	CHECK_EQ(espnow_radio_get_peer(kC, &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kC, 11, NULL);
	CHECK_EQ(espnow_radio_get_peer(unknown, &peer), ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND);
	CHECK_EQ(espnow_radio_peer_count(&total, &encrypted), ESPNOW_ESP_OK);
	CHECK_EQ(total, 3);
	CHECK_EQ(encrypted, 1);
}

/* A preloaded module's message lives in flash. */
static void a_message_in_flash_is_sent(void)
{
	uint8_t message[200], got[200], mac[ESPNOW_MAC_LEN];
	for (size_t i = 0; i < sizeof(message); i++)
		message[i] = (uint8_t)(255 - i);
	threePeers();
	const uint8_t *flash = fake_esp8266_in_flash(message, sizeof(message));
	CHECK_EQ(espnow_radio_send(kA, flash, sizeof(message)), ESPNOW_ESP_OK);
	CHECK_EQ(fake_esp8266_frames_sent(), 1);
	CHECK_EQ(fake_esp8266_last_frame(mac, got, sizeof(got)), sizeof(message));
	CHECK(!memcmp(got, message, sizeof(message)));
	CHECK(!memcmp(mac, kA, ESPNOW_MAC_LEN));
}

static void macs_and_keys_in_flash_are_used(void)
{
	static const uint8_t one = 1;
	uint8_t kok[ESPNOW_KEY_LEN], mac[ESPNOW_MAC_LEN], got;
	espnowPeerRecord peer = { .ifidx = 0xff };
	threePeers();
	CHECK_EQ(espnow_radio_send(fake_esp8266_in_flash(kC, ESPNOW_MAC_LEN), &one, 1), ESPNOW_ESP_OK);
	CHECK_EQ(fake_esp8266_last_frame(mac, &got, 1), 1);
	CHECK(!memcmp(mac, kC, ESPNOW_MAC_LEN));
	CHECK_EQ(espnow_radio_set_pmk(fake_esp8266_in_flash(kKey, ESPNOW_KEY_LEN)), ESPNOW_ESP_OK);
	CHECK(fake_esp8266_kok(kok));
	CHECK(!memcmp(kok, kKey, ESPNOW_KEY_LEN));
	CHECK_EQ(espnow_radio_get_peer(fake_esp8266_in_flash(kB, ESPNOW_MAC_LEN), &peer), ESPNOW_ESP_OK);
	expectPeer(&peer, kB, 6, kKey);
	CHECK_EQ(espnow_radio_del_peer(fake_esp8266_in_flash(kA, ESPNOW_MAC_LEN)), ESPNOW_ESP_OK);
	CHECK_EQ(espnow_radio_get_peer(kA, &peer), ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND);
}

static void sizes_and_destinations_the_sdk_refuses(void)
{
	static uint8_t message[201];
	static const uint8_t broadcast[ESPNOW_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	threePeers();
	CHECK_EQ(espnow_radio_send(kA, message, 200), ESPNOW_ESP_OK);
	CHECK_EQ(espnow_radio_send(kA, message, 201), ESPNOW_ESP_ERR_INVALID_SIZE);
	CHECK_EQ(espnow_radio_send(broadcast, message, 1), ESPNOW_ESP_ERR_NOT_SUPPORTED);
	CHECK_EQ(fake_esp8266_frames_sent(), 1);
}

/* No choice of protocols, no long range; txpower goes to system_phy_set_max_tpw, 82 at most. */
static void protocols_are_refused_txpower_is_set(void)
{
	int value = 0;
	fake_esp8266_reset();
	CHECK_EQ(wlan_radio_protocol_default(), 0);
	CHECK_EQ(wlan_radio_get_protocol(WLAN_IF_STA, &value), WLAN_ESP_ERR_NOT_SUPPORTED);
	CHECK_EQ(wlan_radio_set_protocol(WLAN_IF_STA, WLAN_PROTOCOL_LR), WLAN_ESP_ERR_NOT_SUPPORTED);
	CHECK_EQ(wlan_radio_set_txpower(60), WLAN_ESP_OK);
	CHECK_EQ(fake_esp8266_max_tpw(), 60);
	CHECK_EQ(wlan_radio_get_txpower(&value), WLAN_ESP_OK);
	CHECK_EQ(value, 60);
	CHECK_EQ(wlan_radio_set_txpower(84), WLAN_ESP_ERR_INVALID_ARG);
	CHECK_EQ(fake_esp8266_max_tpw(), 60);
}

int main(void)
{
	RUN(fetch_peer_walks_every_peer);
	RUN(fetch_peer_with_no_peers_finds_none);
	RUN(get_peer_and_peer_count_describe_the_peers);
	RUN(a_message_in_flash_is_sent);
	RUN(macs_and_keys_in_flash_are_used);
	RUN(sizes_and_destinations_the_sdk_refuses);
	RUN(protocols_are_refused_txpower_is_set);
	return finish("esp8266");
}
