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

#define WLAN_ESP_OK (0)
#define WLAN_ESP_FAIL (-1)
#define WLAN_ESP_ERR_INVALID_ARG (0x102)
#define WLAN_ESP_ERR_NOT_SUPPORTED (0x106)
#define WLAN_ESP_ERR_WIFI_BASE (0x3000)
#define WLAN_ESP_ERR_WIFI_NOT_INIT (0x3001)
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

/* Leave the access point, if connected, and stop reconnecting to it. */
int wlan_radio_disconnect(void);

#endif
