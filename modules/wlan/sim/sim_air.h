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
 *   ESPNOW_NODE_VERSION   ESP-NOW version 1 (250-byte frames) or 2 (1470, default)
 *   ESPNOW_NODE_CHANNEL   the radio's channel at boot, 1..14 (default 1)
 *   ESPNOW_NODE_X, ESPNOW_NODE_Y   position in metres (default 0, 0)
 *
 * Threads: requests (sim_air_set_*, sim_air_send) come from the JS thread. One
 * receive thread, started by the first sim_air_connect(), reads every datagram:
 * replies wake the requester; RECV and SEND_STATUS go to the listener, on that
 * thread (it is the simulated radio task); it also keeps the node alive with
 * PINGs. A mutex guards the state both threads touch.
 */

#ifndef SIM_AIR_H
#define SIM_AIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_AIR_STA_ON (0x01)
#define SIM_AIR_AP_ON (0x02)
#define SIM_AIR_ESPNOW_ON (0x04)

#define SIM_AIR_MAX_PAYLOAD (1470)

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

/* Interface state: flags are SIM_AIR_*_ON. Setting sends STATE and waits for
   the air's ACK; returns 0 or -1. */
uint8_t sim_air_flags(void);
int sim_air_set_flags(uint8_t set, uint8_t clear);
int sim_air_channel(void);
int sim_air_set_channel(int channel);
int sim_air_set_rate(int rate500k);

/* Keys, as the air protocol's SET_PMK and SET_PEER_KEY (lmk NULL: none). */
int sim_air_set_pmk(const uint8_t pmk[16]);
int sim_air_set_peer_key(const uint8_t mac[6], const uint8_t lmk[16]);

/* One frame from interface iface (0 STA, 1 AP); the outcome reaches the
   listener's sent() with the same seq. Returns 0 or -1. */
int sim_air_send(uint32_t seq, int iface, bool encrypt, const uint8_t dst[6], const uint8_t *data, size_t length);

/* Route RECV and SEND_STATUS to `listener` (NULL: drop them). When it
   returns, no call to the previous listener is running or will run. */
void sim_air_listen(const simAirListenerRecord *listener);

/* Milliseconds since the node started (the radio's clock). */
uint32_t sim_air_millis(void);

#endif
