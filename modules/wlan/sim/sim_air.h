/*
 * sim_air: a simulated node's connection to the air (tools/air), the
 * simulator's stand-in for the Wi-Fi driver. The WLAN glue (wlan_sim.c) and
 * the ESP-NOW glue (espnow/sim/espnow_sim.c) share it, as they share one radio
 * on a chip. The protocol is tools/air/PROTOCOL.md.
 *
 * The node finds the air and its identity in the environment, which
 * `espnow-sim run` and `espnow-sim multitest` set:
 *   ESPNOW_AIR            127.0.0.1:<port> of the air (required)
 *   ESPNOW_NODE_NAME      the node's name (default: the air picks node<index>)
 *   ESPNOW_NODE_INDEX     its index, which fixes its MACs (default: the air picks)
 *   ESPNOW_NODE_CHIP      esp32 (default) or esp8266
 *   ESPNOW_NODE_VERSION   ESP-NOW version 1 (250-byte frames) or 2 (default)
 *   ESPNOW_NODE_IDF       the ESP-IDF version the node models, as 5.4.1 (default
 *                         5.5 for v2, anything before 5.4 for v1): v2 exists
 *                         from 5.4, and carries 1490 bytes in 5.4.0-5.4.1, 1470
 *                         from 5.4.2 (esp_now.h, ESP_NOW_MAX_DATA_LEN_V2)
 *   ESPNOW_NODE_TX_BUFFERS  frames the driver holds until their send completes,
 *                         1..128 (default 16: Moddable's esp32c3 sdkconfig sets
 *                         CONFIG_ESP_WIFI_DYNAMIC_TX_BUFFER_NUM to 16)
 *   ESPNOW_NODE_CHANNEL   the radio's channel at boot, 1..14 (default 1)
 *   ESPNOW_NODE_X, ESPNOW_NODE_Y   position in metres (default 0, 0)
 *
 * Threads: requests (sim_air_set_*, sim_air_send) come from the JS thread. One
 * receive thread, started by the first sim_air_connect(), reads every datagram:
 * replies wake the requester; RECV and SEND_STATUS go to the listener, on that
 * thread (it is the simulated radio task); it also keeps the node alive with
 * PINGs. A mutex guards the state both threads touch.
 *
 * A node the air dropped (not heard from for the air's timeout: stopped,
 * starved) learns it from an answer NOT_REGISTERED, to a PING or a SEND. The
 * receive thread then registers it again, holding the mutex: HELLO with its
 * interfaces, channel and rate, then the PMK and every LMK the air had
 * acknowledged, which a new registration resets. Frames sent meanwhile are
 * refused, as frames a stalled radio could not send.
 *

 * When the air runs on the wall clock it says so in WELCOME, and the receive
 * thread hands frames over spaced as they were on the air: the air's timers
 * fire about once a millisecond and send the frames that ended meanwhile
 * together, where a radio gets them one airtime apart (see pace() in sim_air.c).
 */

#ifndef SIM_AIR_H
#define SIM_AIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_AIR_STA_ON (0x01)
#define SIM_AIR_AP_ON (0x02)
#define SIM_AIR_ESPNOW_ON (0x04)

#define SIM_AIR_MAX_PAYLOAD (1490)	/* ESP_NOW_MAX_DATA_LEN_V2 of ESP-IDF 5.4.0 and 5.4.1 */

typedef struct simAirListenerRecord {
	/* A frame for this node's application (the air applied every rule). */
	void (*receive)(void *refcon, const uint8_t src[6], int8_t rssi, const uint8_t *data, size_t length);
	/* The outcome of sim_air_send(seq, ...): delivered means acknowledged. */
	void (*sent)(void *refcon, uint32_t seq, bool delivered);
	void *refcon;
} simAirListenerRecord;

/* Register with the air (once; later calls return the first result).
   Returns 0, or -1 with sim_air_error() saying why. */
int sim_air_connect(void);
const char *sim_air_error(void);

/* The node's description, valid after sim_air_connect(). */
void sim_air_macs(uint8_t sta[6], uint8_t ap[6]);
int sim_air_version(void);		/* 1 or 2 */
bool sim_air_is_esp8266(void);

/* What the node's build fixes, read from the environment without the air (a
   device knows them before esp_now_init): the largest payload (250, 1470 or
   1490) and the driver's transmit buffers. */
size_t sim_air_max_data_len(void);
int sim_air_tx_buffers(void);

/* Interface state: flags are SIM_AIR_*_ON. Setting sends STATE and waits for
   the air's ACK; returns 0 or -1. */
uint8_t sim_air_flags(void);
int sim_air_set_flags(uint8_t set, uint8_t clear);
int sim_air_channel(void);
int sim_air_set_channel(int channel);
int sim_air_set_rate(int rate500k);
/* What the radio hears and how loud it sends (STATE's protocol and txpower):
   WIFI_PROTOCOL_ bits and 0.25 dBm units, 0 for the air's default. */
int sim_air_set_phy(uint8_t protocol, uint8_t txPower);

/* Keys, as the air protocol's SET_PMK and SET_PEER_KEY (lmk NULL: none). */
int sim_air_set_pmk(const uint8_t pmk[16]);
int sim_air_set_peer_key(const uint8_t mac[6], const uint8_t lmk[16]);

/* One frame from interface iface (0 STA, 1 AP); the outcome reaches the
   listener's sent() with the same seq. Returns 0 or -1. */
int sim_air_send(uint32_t seq, int iface, bool encrypt, const uint8_t dst[6], const uint8_t *data, size_t length);

/* Route RECV and SEND_STATUS to `listener` (NULL: drop them). When it
   returns, no call to the previous listener is running or will run. */
void sim_air_listen(const simAirListenerRecord *listener);

/* On the receive thread: whether the application's (JS) thread is ready to
   run and the host's scheduler is not running it. It looks for
   SIM_AIR_STARVED_POLL_US, during which the JS thread has the CPU this one
   leaves. A device's application task is never kept from a CPU by other
   programs; the glue waits while this is true rather than drop a frame the
   application would have had time to take (espnow_sim.c). False where the
   host cannot tell (not Linux, or /proc is missing), and while the frames
   waiting in the socket fill half its buffer (the kernel would drop the next
   ones, uncounted). */
#define SIM_AIR_STARVED_POLL_US (20)
bool sim_air_app_starved(void);
/* The JS thread is ready (running or waiting for a CPU); the CPU time it has
   used, us (-1: unknown). */
bool sim_air_app_ready(void);
int64_t sim_air_app_cpu_us(void);

/* Milliseconds since the node started (the radio's clock). */
uint32_t sim_air_millis(void);

#endif
