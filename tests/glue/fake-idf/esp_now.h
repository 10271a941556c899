/* Fake: esp_wifi/include/esp_now.h, as it changes from ESP-IDF 5.1 to 6.0. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "esp_idf_version.h"
#include "esp_wifi_types.h"

#define ESP_ERR_ESPNOW_BASE (ESP_ERR_WIFI_BASE + 100)
#define ESP_ERR_ESPNOW_NOT_INIT (ESP_ERR_ESPNOW_BASE + 1)
#define ESP_ERR_ESPNOW_ARG (ESP_ERR_ESPNOW_BASE + 2)
#define ESP_ERR_ESPNOW_NO_MEM (ESP_ERR_ESPNOW_BASE + 3)
#define ESP_ERR_ESPNOW_FULL (ESP_ERR_ESPNOW_BASE + 4)
#define ESP_ERR_ESPNOW_NOT_FOUND (ESP_ERR_ESPNOW_BASE + 5)
#define ESP_ERR_ESPNOW_INTERNAL (ESP_ERR_ESPNOW_BASE + 6)
#define ESP_ERR_ESPNOW_EXIST (ESP_ERR_ESPNOW_BASE + 7)
#define ESP_ERR_ESPNOW_IF (ESP_ERR_ESPNOW_BASE + 8)
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 2, 0)
	#define ESP_ERR_ESPNOW_CHAN (ESP_ERR_ESPNOW_BASE + 9)
#endif

#define ESP_NOW_ETH_ALEN 6
#define ESP_NOW_KEY_LEN 16
#define ESP_NOW_MAX_TOTAL_PEER_NUM 20
#define ESP_NOW_MAX_ENCRYPT_PEER_NUM 6
#define ESP_NOW_MAX_DATA_LEN 250

/* ESP-NOW v2 came with ESP-IDF 5.4; its limit was lowered in 5.4.2. */
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 4, 2)
	#define ESP_NOW_MAX_DATA_LEN_V2 1470
#elif ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 4, 0)
	#define ESP_NOW_MAX_DATA_LEN_V2 1490
#endif

typedef enum {
	ESP_NOW_SEND_SUCCESS = 0,
	ESP_NOW_SEND_FAIL,
} esp_now_send_status_t;

typedef struct {
	uint8_t peer_addr[ESP_NOW_ETH_ALEN];
	uint8_t lmk[ESP_NOW_KEY_LEN];
	uint8_t channel;
	wifi_interface_t ifidx;
	bool encrypt;
	void *priv;
} esp_now_peer_info_t;

typedef struct {
	int total_num;
	int encrypt_num;
} esp_now_peer_num_t;

typedef struct {
	uint8_t *src_addr;
	uint8_t *des_addr;
	wifi_pkt_rx_ctrl_t *rx_ctrl;
} esp_now_recv_info_t;

typedef wifi_tx_rate_config_t esp_now_rate_config_t;

typedef void (*esp_now_recv_cb_t)(const esp_now_recv_info_t *info, const uint8_t *data, int length);
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
typedef wifi_tx_info_t esp_now_send_info_t;
typedef void (*esp_now_send_cb_t)(const esp_now_send_info_t *info, esp_now_send_status_t status);
#else
typedef void (*esp_now_send_cb_t)(const uint8_t *mac, esp_now_send_status_t status);
#endif

esp_err_t esp_now_init(void);
esp_err_t esp_now_deinit(void);
esp_err_t esp_now_get_version(uint32_t *version);
esp_err_t esp_now_register_recv_cb(esp_now_recv_cb_t cb);
esp_err_t esp_now_unregister_recv_cb(void);
esp_err_t esp_now_register_send_cb(esp_now_send_cb_t cb);
esp_err_t esp_now_unregister_send_cb(void);
esp_err_t esp_now_send(const uint8_t *peer_addr, const uint8_t *data, size_t len);
esp_err_t esp_now_add_peer(const esp_now_peer_info_t *peer);
esp_err_t esp_now_del_peer(const uint8_t *peer_addr);
esp_err_t esp_now_mod_peer(const esp_now_peer_info_t *peer);
esp_err_t esp_now_get_peer(const uint8_t *peer_addr, esp_now_peer_info_t *peer);
esp_err_t esp_now_fetch_peer(bool from_head, esp_now_peer_info_t *peer);
bool esp_now_is_peer_exist(const uint8_t *peer_addr);
esp_err_t esp_now_get_peer_num(esp_now_peer_num_t *num);
esp_err_t esp_now_set_pmk(const uint8_t *pmk);
esp_err_t esp_now_set_peer_rate_config(const uint8_t *peer_addr, esp_now_rate_config_t *config);
