/*
 * wlan_radio: the C interface between the WLAN binding (modWLAN.c, the same on
 * every platform) and a platform's Wi-Fi glue (wlan/esp32, wlan/esp8266,
 * wlan/sim). Only what ESP-NOW apps need: two interfaces on one radio, their
 * MACs, the channel they share, power saving, and leaving an access point.
 *
 * Conventions, as espnow_radio.h: every function returns an ESP-IDF error
 * number (0 is ESP_OK); the binding has checked ranges before calling; calls
 * come from the JS thread only.
 */

#ifndef WLAN_RADIO_H
#define WLAN_RADIO_H

#include <stdbool.h>
#include <stdint.h>

#define WLAN_IF_STA (0)
#define WLAN_IF_AP (1)

/* MicroPython's network.WLAN PM_ values (wifi_ps_type_t on ESP32). */
#define WLAN_PM_NONE (0)
#define WLAN_PM_PERFORMANCE (1)
#define WLAN_PM_POWERSAVE (2)

/* WIFI_PROTOCOL_ bits (ESP-IDF's values): MicroPython's network.MODE_11B, ... and WLAN.PROTOCOL_LR. */
#define WLAN_PROTOCOL_11B (1)
#define WLAN_PROTOCOL_11G (2)
#define WLAN_PROTOCOL_11N (4)
#define WLAN_PROTOCOL_LR (8)
#define WLAN_PROTOCOL_11AX (0x40)	/* since ESP-IDF 5.3 (0x10 before, now WIFI_PROTOCOL_11A) */

/* esp_wifi_set_max_tx_power's range, in 0.25 dBm units: 2..21 dBm. */
#define WLAN_TXPOWER_MIN (8)
#define WLAN_TXPOWER_MAX (84)

#define WLAN_ESP_OK (0)
#define WLAN_ESP_FAIL (-1)
#define WLAN_ESP_ERR_INVALID_ARG (0x102)
#define WLAN_ESP_ERR_NOT_SUPPORTED (0x106)
#define WLAN_ESP_ERR_WIFI_BASE (0x3000)
#define WLAN_ESP_ERR_WIFI_NOT_INIT (0x3001)
#define WLAN_ESP_ERR_WIFI_NOT_STARTED (0x3002)
#define WLAN_ESP_ERR_WIFI_IF (0x3004)

/* Turn interface `iface` on or off. Turning the first one on starts Wi-Fi
   (station mode, not connected, power saving as last set); turning the last
   one off stops it, which also stops ESP-NOW traffic. */
int wlan_radio_set_active(int iface, bool active);
int wlan_radio_get_active(int iface, bool *active);

/* The interface's MAC address (valid whether or not it is active). */
int wlan_radio_get_mac(int iface, uint8_t mac[6]);

/* The radio's primary channel, 1..14, shared by both interfaces. Setting it
   needs an active interface (ESP_ERR_WIFI_NOT_INIT otherwise). */
int wlan_radio_get_channel(int *channel);
int wlan_radio_set_channel(int channel);

/* WLAN_PM_NONE, WLAN_PM_PERFORMANCE or WLAN_PM_POWERSAVE. */
int wlan_radio_get_pm(int *pm);
int wlan_radio_set_pm(int pm);

/* The chip's default protocols (WLAN.PROTOCOL_DEFAULT): 11b/g/n, with 11ax on
   the chips that have it; 0 where the chip has no choice of protocol (ESP8266). */
int wlan_radio_protocol_default(void);

/* Interface iface's 802.11 protocols, WLAN_PROTOCOL_ bits (esp_wifi_set_protocol).
   ESP_ERR_NOT_SUPPORTED on the ESP8266, and for WLAN_PROTOCOL_LR on the ESP32-C2. */
int wlan_radio_get_protocol(int iface, int *protocol);
int wlan_radio_set_protocol(int iface, int protocol);

/* The radio's maximum transmit power, 0.25 dBm units (the binding has checked
   WLAN_TXPOWER_MIN..MAX). Needs Wi-Fi started on ESP32. */
int wlan_radio_get_txpower(int *quarterDbm);
int wlan_radio_set_txpower(int quarterDbm);

/* Leave the access point, if connected, and stop reconnecting to it. */
int wlan_radio_disconnect(void);

#endif
