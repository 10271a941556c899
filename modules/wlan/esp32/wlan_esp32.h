/*
 * What the ESP32 ESP-NOW glue needs from the Wi-Fi glue. ESP-NOW may start
 * before any interface is active (MicroPython's ESPNow.active(True) allows
 * it), but not before the Wi-Fi driver is initialised.
 */

#ifndef WLAN_ESP32_H
#define WLAN_ESP32_H

#include "esp_err.h"

/* Initialise the Wi-Fi driver, not started and with no interface on, unless
   it already is (by this glue, by Moddable's wifi module or by the app). */
esp_err_t wlan_esp32_init(void);

#endif
