/*
 * wlan_radio for the simulator: interfaces and channel are the node's state
 * in the air (sim_air.h). There is no access point to join, so disconnect()
 * has nothing to leave; power saving is remembered and reported (the air
 * models no doze periods).
 */

#include "wlan_radio.h"
#include "sim_air.h"

static int gPowerSave = WLAN_PM_PERFORMANCE;

static uint8_t flagOf(int iface)
{
	return iface == WLAN_IF_AP ? SIM_AIR_AP_ON : SIM_AIR_STA_ON;
}

int wlan_radio_set_active(int iface, bool active)
{
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	uint8_t flag = flagOf(iface);
	return sim_air_set_flags(active ? flag : 0, active ? 0 : flag) ? WLAN_ESP_FAIL : WLAN_ESP_OK;
}

int wlan_radio_get_active(int iface, bool *active)
{
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	*active = (sim_air_flags() & flagOf(iface)) != 0;
	return WLAN_ESP_OK;
}

int wlan_radio_get_mac(int iface, uint8_t mac[6])
{
	uint8_t sta[6], ap[6];
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	sim_air_macs(sta, ap);
	for (int i = 0; i < 6; i++)
		mac[i] = iface == WLAN_IF_AP ? ap[i] : sta[i];
	return WLAN_ESP_OK;
}

int wlan_radio_get_channel(int *channel)
{
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	*channel = sim_air_channel();
	return WLAN_ESP_OK;
}

int wlan_radio_set_channel(int channel)
{
	if (sim_air_connect() || !(sim_air_flags() & (SIM_AIR_STA_ON | SIM_AIR_AP_ON)))
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	return sim_air_set_channel(channel) ? WLAN_ESP_FAIL : WLAN_ESP_OK;
}

int wlan_radio_get_pm(int *pm)
{
	*pm = gPowerSave;
	return WLAN_ESP_OK;
}

int wlan_radio_set_pm(int pm)
{
	gPowerSave = pm;
	return WLAN_ESP_OK;
}

int wlan_radio_disconnect(void)
{
	return sim_air_connect() ? WLAN_ESP_ERR_WIFI_NOT_INIT : WLAN_ESP_OK;
}
