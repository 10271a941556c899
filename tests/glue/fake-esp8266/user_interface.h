/* Fake: tools/sdk/include/user_interface.h, the calls the glue makes. */
#pragma once

#include "c_types.h"

#define NULL_MODE 0x00
#define STATION_MODE 0x01
#define SOFTAP_MODE 0x02
#define STATIONAP_MODE 0x03

#define STATION_IF 0x00
#define SOFTAP_IF 0x01

typedef enum {
	NONE_SLEEP_T = 0,
	LIGHT_SLEEP_T,
	MODEM_SLEEP_T,
} sleep_type_t;

void system_soft_wdt_feed(void);
uint8 wifi_get_opmode(void);
bool wifi_set_opmode_current(uint8 opmode);
bool wifi_get_macaddr(uint8 if_index, uint8 *macaddr);
uint8 wifi_get_channel(void);
bool wifi_set_channel(uint8 channel);
bool wifi_set_sleep_type(sleep_type_t type);
void system_phy_set_max_tpw(uint8 max_tpw);
sleep_type_t wifi_get_sleep_type(void);
bool wifi_station_disconnect(void);
bool wifi_station_set_reconnect_policy(bool set);
