/*
 * espnow_radio: the one C interface between the portable core and a
 * platform's radio glue (modules/espnow/esp32, esp8266, sim). The binding
 * calls espnow_radio_*; the glue implements them and calls the two
 * espnow_core_on_* callbacks, which the core implements.
 *
 * Conventions:
 * - Every function returns an ESP-IDF error number (espnow_errors.h):
 *   ESPNOW_ESP_OK or an ESPNOW_ESP_ERR_*. A glue whose SDK reports less (the
 *   ESP8266's 0/-1) picks the closest number; ESPNOW_ESP_FAIL if none fits.
 * - The binding has checked arguments (lengths, ranges) before calling, but
 *   the glue still never copies more than its own buffers hold.
 * - The binding calls espnow_radio_* only from the JS thread, one call at a time.
 * - MACs are 6 bytes, keys 16 bytes.
 */

#ifndef ESPNOW_RADIO_H
#define ESPNOW_RADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "espnow_core.h"
#include "espnow_errors.h"

#define ESPNOW_KEY_LEN (16)
#define ESPNOW_MAX_PEERS (20)			/* ESP_NOW_MAX_TOTAL_PEER_NUM */
#define ESPNOW_MAX_ENCRYPTED_PEERS (6)	/* ESP_NOW_MAX_ENCRYPT_PEER_NUM */
#define ESPNOW_IF_STA (0)
#define ESPNOW_IF_AP (1)

typedef struct espnowPeerRecord {
	uint8_t mac[ESPNOW_MAC_LEN];
	uint8_t lmk[ESPNOW_KEY_LEN];	/* used only if encrypt */
	bool encrypt;
	uint8_t channel;				/* 0: whatever channel the interface is on */
	uint8_t ifidx;					/* ESPNOW_IF_STA or ESPNOW_IF_AP */
} espnowPeerRecord, *espnowPeer;

/* ---- binding -> glue ---- */

/* Start ESP-NOW on the radio and route its receive and send-complete
   callbacks to `core`, which espnow_core_init() has set up. The glue keeps
   the pointer (ESP-IDF's callbacks carry no context) until deinit. */
int espnow_radio_init(espnowCore core);

/* Stop ESP-NOW and forget every peer. When it returns, no callback is running
   and none will run: only then may the binding reset or free the ring. */
int espnow_radio_deinit(void);

/* Queue one frame of `length` bytes (1..250, or up to espnow_radio_max_data_len())
   to the registered peer `mac` (never NULL: the binding sends to every peer
   itself, so that it knows how many completions to wait for). ESPNOW_ESP_OK
   means queued; the outcome arrives later through espnow_core_on_send_complete,
   exactly once. ESPNOW_ESP_ERR_ESPNOW_NO_MEM means the driver's TX queue is
   full, now: the binding offers the frame again as completions free room, for
   up to 2 s, so the glue must not wait itself. `data` need not outlive the call. */
int espnow_radio_send(const uint8_t *mac, const uint8_t *data, size_t length);

/* Set the primary master key. */
int espnow_radio_set_pmk(const uint8_t pmk[ESPNOW_KEY_LEN]);

/* Register a peer (ESPNOW_ESP_ERR_ESPNOW_EXIST if already registered,
   ESPNOW_ESP_ERR_ESPNOW_FULL past 20 peers or 6 encrypted ones). */
int espnow_radio_add_peer(const espnowPeerRecord *peer);

/* Change a registered peer's key, channel, interface. */
int espnow_radio_mod_peer(const espnowPeerRecord *peer);

/* Unregister a peer (ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND if it is not registered). */
int espnow_radio_del_peer(const uint8_t mac[ESPNOW_MAC_LEN]);

/* Fill `peer` with the registration of `mac`. */
int espnow_radio_get_peer(const uint8_t mac[ESPNOW_MAC_LEN], espnowPeer peer);

/* Iterate registered peers for get_peers(): the first with fromHead true,
   then the next ones with false, until ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND. */
int espnow_radio_fetch_peer(bool fromHead, espnowPeer peer);

/* Number of registered peers, and how many of them are encrypted. */
int espnow_radio_peer_count(int *total, int *encrypted);

/* Set the PHY rate of ESP-NOW frames (a wifi_phy_rate_t value; the simulator
   uses it for airtime). ESPNOW_ESP_ERR_NOT_SUPPORTED where the SDK cannot. */
int espnow_radio_set_rate(int rate);

/* Memory for the binding's record and receive ring, which the radio task
   writes: on ESP32 it must be internal RAM (not PSRAM). free(NULL) is allowed. */
void *espnow_radio_alloc(size_t size);
void espnow_radio_free(void *memory);

/* Largest payload this radio sends and receives: 250 (ESP-NOW v1) or 1470 (v2).
   A fact of the build or of the environment, never asked of the driver: the
   binding calls it from new ESPNow(), before espnow_radio_init() and before
   Wi-Fi is started, and again on every send. So it must not call into the SDK
   (on ESP-IDF 5.x esp_now_get_version() before esp_wifi_init() dereferences an
   OS-function table that does not exist yet) nor connect to anything: on
   ESP32 it is a compile-time constant (ESP_NOW_MAX_DATA_LEN_V2 where the IDF
   defines it), on the simulator the node's ESP-NOW version from its
   environment (ESPNOW_NODE_VERSION). It returns the same number for the whole
   run. */
size_t espnow_radio_max_data_len(void);

/* Milliseconds of the platform's monotonic clock (the ring's timestamps). */
uint32_t espnow_radio_millis(void);

/* Blocking recv() and sync send() on the JS thread: wait until
   espnow_radio_signal() is called or `timeoutMs` passes (negative: forever).
   Returns true if signalled. A signal given while nobody waits is kept for the
   next wait (a binary semaphore), so the binding checks the ring or counters
   and only then waits: no wake is lost. This is the only way a blocked JS
   thread learns of packets and completions: it does not acknowledge the core,
   so no message is posted to the machine while it waits (espnow_core.h). */
bool espnow_radio_wait(int32_t timeoutMs);

/* Radio task: release espnow_radio_wait(). The binding's wake function calls
   it after every packet kept and every completion counted (and posts to the
   machine only when the core says so): it is on the receive path, so it must
   be cheap and must not block. */
void espnow_radio_signal(void);

/* ---- glue -> core (implemented in espnow_core.c) ---- */

/* Receive callback, on the radio task. Copies the packet into the ring (or
   drops it whole and counts it) and wakes JS if it was kept. `timestamp` is
   milliseconds of the platform's monotonic clock; `rssi` is dBm. */
void espnow_core_on_receive(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], int8_t rssi, uint32_t timestamp, const uint8_t *data, size_t length);

/* Send-complete callback, on the radio task: counts a response (delivered:
   the peer's MAC acknowledged) or a failure, and wakes JS. `mac` is the
   destination, for glue and traces; the counters do not depend on it. */
void espnow_core_on_send_complete(espnowCore core, const uint8_t mac[ESPNOW_MAC_LEN], bool delivered);

#endif
