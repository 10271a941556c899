/*
 * wlan_radio for ESP8266 (the NONOS SDK 1.5.3 of the ESP8266 Arduino core
 * 2.3.0, which Moddable's "esp" platform uses). The SDK answers true or false;
 * false becomes WLAN_ESP_FAIL.
 *
 * The driver is always initialised on ESP8266. Interfaces are switched with
 * wifi_set_opmode_current(), which leaves the mode saved in flash alone.
 * disconnect() also turns off the SDK's reconnection for this session; the
 * SDK's "auto connect at boot" flag, kept in flash, is left as it is (the
 * spec's advice stands: call disconnect() after active(true)).
 */

#include "wlan_radio.h"

#include "c_types.h"
#include "user_interface.h"

static uint8 modeOf(int iface)
{
	return (WLAN_IF_AP == iface) ? SOFTAP_MODE : STATION_MODE;
}

static int fromSDK(bool ok)
{
	return ok ? WLAN_ESP_OK : WLAN_ESP_FAIL;
}

int wlan_radio_set_active(int iface, bool active)
{
	uint8 mode = wifi_get_opmode();
	uint8 wanted = active ? (mode | modeOf(iface)) : (mode & ~modeOf(iface));
	if (wanted == mode)
		return WLAN_ESP_OK;
	return fromSDK(wifi_set_opmode_current(wanted));
}

int wlan_radio_get_active(int iface, bool *active)
{
	*active = (wifi_get_opmode() & modeOf(iface)) != 0;
	return WLAN_ESP_OK;
}

int wlan_radio_get_mac(int iface, uint8_t mac[6])
{
	return fromSDK(wifi_get_macaddr((WLAN_IF_AP == iface) ? SOFTAP_IF : STATION_IF, mac));
}

int wlan_radio_get_channel(int *channel)
{
	*channel = wifi_get_channel();
	return WLAN_ESP_OK;
}

int wlan_radio_set_channel(int channel)
{
	if (NULL_MODE == wifi_get_opmode())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	return fromSDK(wifi_set_channel((uint8)channel));
}

/* MicroPython's mapping: PM_PERFORMANCE is modem sleep, PM_POWERSAVE light sleep. */
int wlan_radio_get_pm(int *pm)
{
	switch (wifi_get_sleep_type()) {
	case NONE_SLEEP_T: *pm = WLAN_PM_NONE; break;
	case LIGHT_SLEEP_T: *pm = WLAN_PM_POWERSAVE; break;
	default: *pm = WLAN_PM_PERFORMANCE; break;
	}
	return WLAN_ESP_OK;
}

int wlan_radio_set_pm(int pm)
{
	sleep_type_t type = MODEM_SLEEP_T;
	if (WLAN_PM_NONE == pm)
		type = NONE_SLEEP_T;
	else if (WLAN_PM_POWERSAVE == pm)
		type = LIGHT_SLEEP_T;
	return fromSDK(wifi_set_sleep_type(type));
}

int wlan_radio_disconnect(void)
{
	if (!(wifi_get_opmode() & STATION_MODE))
		return WLAN_ESP_OK;		/* no station, no access point to leave */
	wifi_station_set_reconnect_policy(false);
	return fromSDK(wifi_station_disconnect());
}

/* The SDK runs 802.11b/g/n as it chooses (wifi_set_phy_mode changes the
   station's, not what ESP-NOW hears) and has no long-range mode. */
int wlan_radio_protocol_default(void)
{
	return 0;
}

int wlan_radio_get_protocol(int iface, int *protocol)
{
	(void)iface, (void)protocol;
	return WLAN_ESP_ERR_NOT_SUPPORTED;
}

int wlan_radio_set_protocol(int iface, int protocol)
{
	(void)iface, (void)protocol;
	return WLAN_ESP_ERR_NOT_SUPPORTED;
}

/* system_phy_set_max_tpw takes 0..82 (0.25 dBm units); the SDK cannot say what
   it was given, so the glue remembers it (82 at boot). */
static int gTxPower = 82;

int wlan_radio_get_txpower(int *quarterDbm)
{
	*quarterDbm = gTxPower;
	return WLAN_ESP_OK;
}

int wlan_radio_set_txpower(int quarterDbm)
{
	if (quarterDbm > 82)
		return WLAN_ESP_ERR_INVALID_ARG;
	system_phy_set_max_tpw((uint8)quarterDbm);
	gTxPower = quarterDbm;
	return WLAN_ESP_OK;
}
