/*
 * espnow_errors: ESP-IDF's error numbers that ESP-NOW calls return, and their
 * names, which become ESPNowError's .errno and .code in JavaScript
 * (MicroPython raises OSError(number, "ESP_ERR_ESPNOW_NOT_FOUND")).
 *
 * Each constant is ESPNOW_ followed by the ESP-IDF name, so the ESP32 glue can
 * include esp_now.h beside this header without clashes, and can
 * _Static_assert that the numbers agree. Values from ESP-IDF's esp_err.h,
 * esp_wifi.h and esp_now.h: ESP_ERR_ESPNOW_BASE is ESP_ERR_WIFI_BASE + 100
 * (0x3064), not 0x3000, so ESP-NOW's errors do not collide with Wi-Fi's own
 * (ESP_ERR_WIFI_NOT_INIT is 0x3001). ESP_ERR_ESPNOW_CHAN is newer than the
 * others (ESP-IDF 5); older IDFs never return it.
 *
 * The ESP8266 SDK returns only 0 or -1; its glue maps them onto these.
 * The simulator's glue returns these numbers directly.
 */

#ifndef ESPNOW_ERRORS_H
#define ESPNOW_ERRORS_H

#include <stdbool.h>
#include <stdint.h>

#define ESPNOW_ESP_OK (0)
#define ESPNOW_ESP_FAIL (-1)

#define ESPNOW_ESP_ERR_NO_MEM (0x101)
#define ESPNOW_ESP_ERR_INVALID_ARG (0x102)
#define ESPNOW_ESP_ERR_INVALID_STATE (0x103)
#define ESPNOW_ESP_ERR_INVALID_SIZE (0x104)
#define ESPNOW_ESP_ERR_NOT_FOUND (0x105)
#define ESPNOW_ESP_ERR_NOT_SUPPORTED (0x106)
#define ESPNOW_ESP_ERR_TIMEOUT (0x107)

#define ESPNOW_ESP_ERR_WIFI_BASE (0x3000)
#define ESPNOW_ESP_ERR_WIFI_NOT_INIT (ESPNOW_ESP_ERR_WIFI_BASE + 1)
#define ESPNOW_ESP_ERR_WIFI_NOT_STARTED (ESPNOW_ESP_ERR_WIFI_BASE + 2)
#define ESPNOW_ESP_ERR_WIFI_IF (ESPNOW_ESP_ERR_WIFI_BASE + 4)

#define ESPNOW_ESP_ERR_ESPNOW_BASE (ESPNOW_ESP_ERR_WIFI_BASE + 100)
#define ESPNOW_ESP_ERR_ESPNOW_NOT_INIT (ESPNOW_ESP_ERR_ESPNOW_BASE + 1)
#define ESPNOW_ESP_ERR_ESPNOW_ARG (ESPNOW_ESP_ERR_ESPNOW_BASE + 2)
#define ESPNOW_ESP_ERR_ESPNOW_NO_MEM (ESPNOW_ESP_ERR_ESPNOW_BASE + 3)
#define ESPNOW_ESP_ERR_ESPNOW_FULL (ESPNOW_ESP_ERR_ESPNOW_BASE + 4)
#define ESPNOW_ESP_ERR_ESPNOW_NOT_FOUND (ESPNOW_ESP_ERR_ESPNOW_BASE + 5)
#define ESPNOW_ESP_ERR_ESPNOW_INTERNAL (ESPNOW_ESP_ERR_ESPNOW_BASE + 6)
#define ESPNOW_ESP_ERR_ESPNOW_EXIST (ESPNOW_ESP_ERR_ESPNOW_BASE + 7)
#define ESPNOW_ESP_ERR_ESPNOW_IF (ESPNOW_ESP_ERR_ESPNOW_BASE + 8)
#define ESPNOW_ESP_ERR_ESPNOW_CHAN (ESPNOW_ESP_ERR_ESPNOW_BASE + 9)

/* Room for any name espnow_error_name writes, its 0 included
   ("ESP_ERR_ESPNOW_NOT_FOUND"). */
#define ESPNOW_ERROR_NAME_SIZE (28)

/* The ESP-IDF name of `number` into `name`; false (and `name` untouched) if
   the table does not have it. */
bool espnow_error_name(int32_t number, char name[ESPNOW_ERROR_NAME_SIZE]);

#endif
