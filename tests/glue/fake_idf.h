/* What the tests ask of the fake ESP-IDF (fake_idf.c) beyond the SDK's own calls. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_now.h"

/* Forget everything: Wi-Fi not initialised, no ESP-NOW, no peers. */
void fake_idf_reset(void);

/* True once esp_wifi_init() has succeeded. */
bool fake_idf_wifi_initialised(void);

/* The rate esp_now_set_peer_rate_config() last gave the peer `mac`; false if none. */
bool fake_idf_peer_rate(const uint8_t mac[ESP_NOW_ETH_ALEN], esp_now_rate_config_t *config);

/* Frames esp_now_send() accepted, and the last one. */
int fake_idf_frames_sent(void);
size_t fake_idf_last_frame(uint8_t mac[ESP_NOW_ETH_ALEN], uint8_t *data, size_t capacity);

/* Run the registered send callback for the last frame, as the Wi-Fi task would. */
void fake_idf_complete_send(bool delivered);
