/*
 * A fake ESP8266 NONOS SDK (1.5.3, in the ESP8266 Arduino core 2.3.0) for
 * tests/glue, with the behaviour the ESP8266 glue relies on:
 * - Flash. A preloaded module's bytes are in flash, mapped at 0x40200000,
 *   where the CPU loads only aligned 32-bit words: a byte load raises a
 *   LoadStoreError and Moddable (which installs no handler for it) resets.
 *   The SDK's esp_now_* calls read their MAC, key and payload arguments byte
 *   by byte. Here flash is a page the process cannot read at all: the fake
 *   SDK calls abort with a message when handed a pointer into it, and any
 *   other read faults, except through espMemCpy(), which Moddable provides for
 *   this (xs/platforms/esp/xsHost.c).
 * - esp_now_fetch_peer(restart) answers the MAC of each registered peer in
 *   turn (from the first when restart is true), then NULL.
 * - Results, as libespnow.a's mt_* functions give them: -3 bad argument,
 *   -6 no such peer, -7 list full, -8 peer exists, -9 (get_peer_key) the peer
 *   has no key. esp_now_get_peer_key() also refuses (-3) a *key_len below 16
 *   on entry: it is the room the caller gives the key.
 * - esp_now_send() takes 1..200 bytes.
 */

#include "fake_esp8266.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "Arduino.h"
#include "espnow.h"
#include "user_interface.h"

#define FLASH_SIZE (4096)
#define MAX_PEERS (20)
#define MAX_ENCRYPTED (6)
#define KEY_LEN (16)
#define MAX_SEND (200)

typedef struct {
	u8 mac[6];
	u8 role;
	u8 channel;
	u8 key[KEY_LEN];
	u8 keyLength;
} fakePeer;

static uint8_t *gFlash;				/* the unreadable page */
static uint8_t gFlashBytes[FLASH_SIZE];	/* what it holds */

static struct {
	size_t flashUsed;
	uint8 opmode;
	uint8 channel;
	sleep_type_t sleep;
	int maxTpw;
	bool espnow;
	u8 role;
	esp_now_recv_cb_t received;
	esp_now_send_cb_t sent;
	fakePeer peers[MAX_PEERS];
	int peerCount;
	int fetched;
	bool kokSet;
	u8 kok[KEY_LEN];
	int frames;
	u8 lastMAC[6];
	u8 lastData[MAX_SEND];
	size_t lastLength;
	unsigned long now;
} gFake;

static bool inFlash(const void *pointer, size_t length)
{
	const uint8_t *p = pointer;
	return gFlash && p && (p < gFlash + FLASH_SIZE) && (p + length > gFlash);
}

static void requireRAM(const void *pointer, size_t length, const char *what)
{
	if (inFlash(pointer, length)) {
		fprintf(stderr, "fake-esp8266: %s reads flash at %p byte by byte: LoadStoreError (exception 3) on the device\n", what, pointer);
		fflush(stderr);
		abort();
	}
}

void fake_esp8266_reset(void)
{
	if (!gFlash) {
		gFlash = mmap(NULL, FLASH_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (MAP_FAILED == gFlash) {
			perror("mmap");
			exit(2);
		}
	}
	memset(&gFake, 0, sizeof(gFake));
	gFake.opmode = STATION_MODE;
	gFake.channel = 1;
	gFake.sleep = MODEM_SLEEP_T;
	gFake.maxTpw = 82;
}

const uint8_t *fake_esp8266_in_flash(const void *bytes, size_t length)
{
	size_t at = gFake.flashUsed + 1;		/* odd addresses: nothing word-aligned by luck */
	if (at + length > FLASH_SIZE) {
		fprintf(stderr, "fake-esp8266: flash full\n");
		exit(2);
	}
	memcpy(gFlashBytes + at, bytes, length);
	gFake.flashUsed = at + length;
	return gFlash + at;
}

void espMemCpy(void *dst, const void *src, size_t count)
{
	const uint8_t *from = src;
	uint8_t *to = dst;
	for (size_t i = 0; i < count; i++)
		to[i] = inFlash(from + i, 1) ? gFlashBytes[from + i - gFlash] : from[i];
}

int fake_esp8266_frames_sent(void)
{
	return gFake.frames;
}

size_t fake_esp8266_last_frame(uint8_t mac[6], uint8_t *data, size_t capacity)
{
	size_t length = (gFake.lastLength < capacity) ? gFake.lastLength : capacity;
	memcpy(mac, gFake.lastMAC, 6);
	memcpy(data, gFake.lastData, length);
	return gFake.lastLength;
}

bool fake_esp8266_kok(uint8_t key[16])
{
	memcpy(key, gFake.kok, KEY_LEN);
	return gFake.kokSet;
}

static fakePeer *findPeer(const u8 *mac)
{
	for (int i = 0; i < gFake.peerCount; i++) {
		if (!memcmp(gFake.peers[i].mac, mac, 6))
			return &gFake.peers[i];
	}
	return NULL;
}

/* ---- ESP-NOW ---- */

int esp_now_init(void)
{
	gFake.espnow = true;
	return 0;
}

int esp_now_deinit(void)
{
	gFake.espnow = false;
	gFake.peerCount = 0;
	gFake.received = NULL;
	gFake.sent = NULL;
	return 0;
}

int esp_now_register_send_cb(esp_now_send_cb_t cb)
{
	gFake.sent = cb;
	return 0;
}

int esp_now_unregister_send_cb(void)
{
	gFake.sent = NULL;
	return 0;
}

int esp_now_register_recv_cb(esp_now_recv_cb_t cb)
{
	gFake.received = cb;
	return 0;
}

int esp_now_unregister_recv_cb(void)
{
	gFake.received = NULL;
	return 0;
}

int esp_now_set_self_role(u8 role)
{
	gFake.role = role;
	return 0;
}

int esp_now_get_self_role(void)
{
	return gFake.role;
}

int esp_now_send(u8 *da, u8 *data, int len)
{
	requireRAM(da, 6, "esp_now_send(da)");
	requireRAM(data, (len > 0) ? (size_t)len : 0, "esp_now_send(data)");
	if (!gFake.espnow)
		return -1;
	if (!da || !data || (len < 1) || (len > MAX_SEND))
		return -3;
	memcpy(gFake.lastMAC, da, 6);
	memcpy(gFake.lastData, data, (size_t)len);
	gFake.lastLength = (size_t)len;
	gFake.frames++;
	return 0;
}

static int encryptedCount(void)
{
	int count = 0;
	for (int i = 0; i < gFake.peerCount; i++)
		count += gFake.peers[i].keyLength ? 1 : 0;
	return count;
}

int esp_now_add_peer(u8 *mac_addr, u8 role, u8 channel, u8 *key, u8 key_len)
{
	requireRAM(mac_addr, 6, "esp_now_add_peer(mac_addr)");
	requireRAM(key, key_len, "esp_now_add_peer(key)");
	if (!gFake.espnow)
		return -1;
	if (!mac_addr || (key && (KEY_LEN != key_len)))
		return -3;
	if (findPeer(mac_addr))
		return -8;
	if ((MAX_PEERS == gFake.peerCount) || (key && (MAX_ENCRYPTED == encryptedCount())))
		return -7;
	fakePeer *peer = &gFake.peers[gFake.peerCount++];
	memset(peer, 0, sizeof(*peer));
	memcpy(peer->mac, mac_addr, 6);
	peer->role = role;
	peer->channel = channel;
	if (key) {
		memcpy(peer->key, key, KEY_LEN);
		peer->keyLength = KEY_LEN;
	}
	return 0;
}

int esp_now_del_peer(u8 *mac_addr)
{
	requireRAM(mac_addr, 6, "esp_now_del_peer(mac_addr)");
	if (!gFake.espnow)
		return -1;
	fakePeer *peer = findPeer(mac_addr);
	if (!peer)
		return -6;
	memmove(peer, peer + 1, (size_t)(&gFake.peers[gFake.peerCount] - (peer + 1)) * sizeof(fakePeer));
	gFake.peerCount--;
	return 0;
}

int esp_now_set_peer_role(u8 *mac_addr, u8 role)
{
	requireRAM(mac_addr, 6, "esp_now_set_peer_role(mac_addr)");
	fakePeer *peer = findPeer(mac_addr);
	if (!peer)
		return -6;
	peer->role = role;
	return 0;
}

int esp_now_get_peer_role(u8 *mac_addr)
{
	requireRAM(mac_addr, 6, "esp_now_get_peer_role(mac_addr)");
	fakePeer *peer = findPeer(mac_addr);
	return peer ? peer->role : -6;
}

int esp_now_set_peer_channel(u8 *mac_addr, u8 channel)
{
	requireRAM(mac_addr, 6, "esp_now_set_peer_channel(mac_addr)");
	fakePeer *peer = findPeer(mac_addr);
	if (!peer)
		return -6;
	peer->channel = channel;
	return 0;
}

int esp_now_get_peer_channel(u8 *mac_addr)
{
	requireRAM(mac_addr, 6, "esp_now_get_peer_channel(mac_addr)");
	fakePeer *peer = findPeer(mac_addr);
	return peer ? peer->channel : -6;
}

int esp_now_set_peer_key(u8 *mac_addr, u8 *key, u8 key_len)
{
	requireRAM(mac_addr, 6, "esp_now_set_peer_key(mac_addr)");
	requireRAM(key, key_len, "esp_now_set_peer_key(key)");
	fakePeer *peer = findPeer(mac_addr);
	if (!peer)
		return -6;
	if (key && (KEY_LEN != key_len))
		return -3;
	peer->keyLength = key ? KEY_LEN : 0;
	if (key)
		memcpy(peer->key, key, KEY_LEN);
	return 0;
}

int esp_now_get_peer_key(u8 *mac_addr, u8 *key, u8 *key_len)
{
	requireRAM(mac_addr, 6, "esp_now_get_peer_key(mac_addr)");
	if (!mac_addr || !key || !key_len || (*key_len < KEY_LEN))
		return -3;
	fakePeer *peer = findPeer(mac_addr);
	if (!peer)
		return -6;
	if (!peer->keyLength)
		return -9;
	memcpy(key, peer->key, peer->keyLength);
	*key_len = peer->keyLength;
	return 0;
}

u8 *esp_now_fetch_peer(bool restart)
{
	if (restart)
		gFake.fetched = 0;
	if (gFake.fetched >= gFake.peerCount)
		return NULL;
	return gFake.peers[gFake.fetched++].mac;
}

int esp_now_is_peer_exist(u8 *mac_addr)
{
	requireRAM(mac_addr, 6, "esp_now_is_peer_exist(mac_addr)");
	if (!gFake.espnow)
		return -1;
	return findPeer(mac_addr) ? 1 : 0;
}

int esp_now_get_cnt_info(u8 *all_cnt, u8 *encrypt_cnt)
{
	if (!all_cnt || !encrypt_cnt)
		return -3;
	*all_cnt = (u8)gFake.peerCount;
	*encrypt_cnt = (u8)encryptedCount();
	return 0;
}

int esp_now_set_kok(u8 *key, u8 len)
{
	requireRAM(key, len, "esp_now_set_kok(key)");
	if (!key || (KEY_LEN != len))
		return -3;
	memcpy(gFake.kok, key, KEY_LEN);
	gFake.kokSet = true;
	return 0;
}

/* ---- Wi-Fi and system ---- */

void system_soft_wdt_feed(void)
{
}

uint8 wifi_get_opmode(void)
{
	return gFake.opmode;
}

bool wifi_set_opmode_current(uint8 opmode)
{
	if (opmode > STATIONAP_MODE)
		return false;
	gFake.opmode = opmode;
	return true;
}

bool wifi_get_macaddr(uint8 if_index, uint8 *macaddr)
{
	static const uint8 station[6] = { 0x5c, 0xcf, 0x7f, 0x00, 0x00, 0x01 };
	memcpy(macaddr, station, 6);
	if (SOFTAP_IF == if_index)
		macaddr[0] |= 2;
	return true;
}

uint8 wifi_get_channel(void)
{
	return gFake.channel;
}

bool wifi_set_channel(uint8 channel)
{
	if ((channel < 1) || (channel > 14))
		return false;
	gFake.channel = channel;
	return true;
}

bool wifi_set_sleep_type(sleep_type_t type)
{
	gFake.sleep = type;
	return true;
}

/* The SDK takes 0..82 (0.25 dBm); more is a caller's bug. */
void system_phy_set_max_tpw(uint8 max_tpw)
{
	if (max_tpw > 82) {
		fprintf(stderr, "fake-esp8266: system_phy_set_max_tpw(%d): over 82\n", max_tpw);
		abort();
	}
	gFake.maxTpw = max_tpw;
}

int fake_esp8266_max_tpw(void)
{
	return gFake.maxTpw;
}

sleep_type_t wifi_get_sleep_type(void)
{
	return gFake.sleep;
}

bool wifi_station_disconnect(void)
{
	return true;
}

bool wifi_station_set_reconnect_policy(bool set)
{
	(void)set;
	return true;
}

unsigned long millis(void)
{
	return gFake.now;
}

void delay(unsigned long ms)
{
	gFake.now += ms;
}

void esp_schedule(void)
{
}
