/* Fake: esp_wifi/include/esp_wifi_types.h and esp_wifi_types_generic.h. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum {
	WIFI_MODE_NULL = 0,
	WIFI_MODE_STA,
	WIFI_MODE_AP,
	WIFI_MODE_APSTA,
} wifi_mode_t;

typedef enum {
	WIFI_IF_STA = 0,
	WIFI_IF_AP = 1,
} wifi_interface_t;

#define WIFI_PROTOCOL_11B 0x1
#define WIFI_PROTOCOL_11G 0x2
#define WIFI_PROTOCOL_11N 0x4
#define WIFI_PROTOCOL_LR 0x8
#define WIFI_PROTOCOL_11AX 0x40

typedef enum {
	WIFI_PS_NONE,
	WIFI_PS_MIN_MODEM,
	WIFI_PS_MAX_MODEM,
} wifi_ps_type_t;

typedef enum {
	WIFI_STORAGE_FLASH,
	WIFI_STORAGE_RAM,
} wifi_storage_t;

typedef enum {
	WIFI_SECOND_CHAN_NONE = 0,
	WIFI_SECOND_CHAN_ABOVE,
	WIFI_SECOND_CHAN_BELOW,
} wifi_second_chan_t;

typedef enum {
	WIFI_PHY_MODE_LR,
	WIFI_PHY_MODE_11B,
	WIFI_PHY_MODE_11G,
	WIFI_PHY_MODE_HT20,
	WIFI_PHY_MODE_HT40,
	WIFI_PHY_MODE_HE20,
} wifi_phy_mode_t;

/* The values of esp_wifi_types_generic.h: an 802.11ax chip (ESP-IDF
   CONFIG_SOC_WIFI_HE_SUPPORT) has MCS8 and MCS9, which push every short-GI
   rate two places up. */
typedef enum {
	WIFI_PHY_RATE_1M_L = 0x00,
	WIFI_PHY_RATE_2M_L = 0x01,
	WIFI_PHY_RATE_5M_L = 0x02,
	WIFI_PHY_RATE_11M_L = 0x03,
	WIFI_PHY_RATE_2M_S = 0x05,
	WIFI_PHY_RATE_5M_S = 0x06,
	WIFI_PHY_RATE_11M_S = 0x07,
	WIFI_PHY_RATE_48M = 0x08,
	WIFI_PHY_RATE_24M = 0x09,
	WIFI_PHY_RATE_12M = 0x0A,
	WIFI_PHY_RATE_6M = 0x0B,
	WIFI_PHY_RATE_54M = 0x0C,
	WIFI_PHY_RATE_36M = 0x0D,
	WIFI_PHY_RATE_18M = 0x0E,
	WIFI_PHY_RATE_9M = 0x0F,
	WIFI_PHY_RATE_MCS0_LGI = 0x10,
	WIFI_PHY_RATE_MCS1_LGI,
	WIFI_PHY_RATE_MCS2_LGI,
	WIFI_PHY_RATE_MCS3_LGI,
	WIFI_PHY_RATE_MCS4_LGI,
	WIFI_PHY_RATE_MCS5_LGI,
	WIFI_PHY_RATE_MCS6_LGI,
	WIFI_PHY_RATE_MCS7_LGI,
#if CONFIG_SOC_WIFI_HE_SUPPORT
	WIFI_PHY_RATE_MCS8_LGI,
	WIFI_PHY_RATE_MCS9_LGI,
#endif
	WIFI_PHY_RATE_MCS0_SGI,
	WIFI_PHY_RATE_MCS1_SGI,
	WIFI_PHY_RATE_MCS2_SGI,
	WIFI_PHY_RATE_MCS3_SGI,
	WIFI_PHY_RATE_MCS4_SGI,
	WIFI_PHY_RATE_MCS5_SGI,
	WIFI_PHY_RATE_MCS6_SGI,
	WIFI_PHY_RATE_MCS7_SGI,
#if CONFIG_SOC_WIFI_HE_SUPPORT
	WIFI_PHY_RATE_MCS8_SGI,
	WIFI_PHY_RATE_MCS9_SGI,
#endif
	WIFI_PHY_RATE_LORA_250K = 0x29,
	WIFI_PHY_RATE_LORA_500K = 0x2A,
	WIFI_PHY_RATE_MAX,
} wifi_phy_rate_t;

typedef struct {
	signed rssi:8;
	unsigned rate:5;
} wifi_pkt_rx_ctrl_t;

typedef struct {
	wifi_phy_mode_t phymode;
	wifi_phy_rate_t rate;
	bool ersu;
	bool dcm;
} wifi_tx_rate_config_t;

typedef struct {
	const uint8_t *des_addr;
	const uint8_t *src_addr;
} wifi_tx_info_t;
