/* Fake: esp_wifi/include/local/esp_wifi_types_native.h (ESP-IDF 5.4+), where
   wifi_pkt_rx_ctrl_t lives; here it is in esp_wifi_types.h. */
#pragma once
