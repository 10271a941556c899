/*
 * wlan_radio for the simulator: interfaces, channel, protocols and transmit
 * power are the node's state in the air (sim_air.h). There is no access point to join, so disconnect()
 * has nothing to leave; power saving is remembered and reported (the air
 * models no doze periods).
 */

#include "wlan_radio.h"
#include "sim_air.h"

static int gPowerSave = WLAN_PM_PERFORMANCE;

/* The protocols of each interface (ESP-IDF's default, 11b/g/n, until set) and
   the transmit power; the air hears what the active interfaces' protocols have. */
#define SIM_PROTOCOL_DEFAULT (WLAN_PROTOCOL_11B | WLAN_PROTOCOL_11G | WLAN_PROTOCOL_11N)
static int gProtocol[2] = { SIM_PROTOCOL_DEFAULT, SIM_PROTOCOL_DEFAULT };
static int gTxPower = 80;		/* 20 dBm, the air's default (tools/air/radio.ts) */
static bool gTxPowerSet = false;

static uint8_t flagOf(int iface)
{
	return iface == WLAN_IF_AP ? SIM_AIR_AP_ON : SIM_AIR_STA_ON;
}

static int gHeard = SIM_PROTOCOL_DEFAULT;		/* what the air was last told */

/* STATE's protocol and txpower octets: the default is sent as 0 */
static int tellAir(int protocol, int quarterDbm, bool powerSet)
{
	if (sim_air_set_phy((uint8_t)protocol, (uint8_t)(powerSet ? quarterDbm : 0)))
		return WLAN_ESP_FAIL;
	gHeard = protocol;
	return WLAN_ESP_OK;
}

/* The radio hears what its active interfaces' protocols have (the station's when none is active). */
static int heard(void)
{
	uint8_t flags = sim_air_flags();
	int protocol = 0;
	if (flags & SIM_AIR_STA_ON)
		protocol |= gProtocol[WLAN_IF_STA];
	if (flags & SIM_AIR_AP_ON)
		protocol |= gProtocol[WLAN_IF_AP];
	return protocol ? protocol : gProtocol[WLAN_IF_STA];
}

static bool heardChanged(void)
{
	return heard() != gHeard;
}

int wlan_radio_set_active(int iface, bool active)
{
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	uint8_t flag = flagOf(iface);
	if (sim_air_set_flags(active ? flag : 0, active ? 0 : flag))
		return WLAN_ESP_FAIL;
	return heardChanged() ? tellAir(heard(), gTxPower, gTxPowerSet) : WLAN_ESP_OK;
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

int wlan_radio_protocol_default(void)
{
	return sim_air_is_esp8266() ? 0 : SIM_PROTOCOL_DEFAULT;
}

int wlan_radio_get_protocol(int iface, int *protocol)
{
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	if (sim_air_is_esp8266())
		return WLAN_ESP_ERR_NOT_SUPPORTED;
	if (!(sim_air_flags() & (iface == WLAN_IF_AP ? SIM_AIR_AP_ON : SIM_AIR_STA_ON)))
		return WLAN_ESP_ERR_WIFI_IF;		/* esp_wifi_get_protocol: the interface is not in the mode */
	*protocol = gProtocol[iface];
	return WLAN_ESP_OK;
}


int wlan_radio_set_protocol(int iface, int protocol)
{
	if (sim_air_connect())
		return WLAN_ESP_ERR_WIFI_NOT_INIT;
	if (sim_air_is_esp8266() || (protocol & WLAN_PROTOCOL_11AX))
		return WLAN_ESP_ERR_NOT_SUPPORTED;		/* the ESP8266 has no choice; the modelled ESP32s have no 11ax */
	if (!(sim_air_flags() & (iface == WLAN_IF_AP ? SIM_AIR_AP_ON : SIM_AIR_STA_ON)))
		return WLAN_ESP_ERR_WIFI_IF;
	int old = gProtocol[iface];
	gProtocol[iface] = protocol;
	int result = tellAir(heard(), gTxPower, gTxPowerSet);
	if (result != WLAN_ESP_OK)
		gProtocol[iface] = old;
	return result;
}

int wlan_radio_get_txpower(int *quarterDbm)
{
	if (sim_air_connect() || !(sim_air_flags() & (SIM_AIR_STA_ON | SIM_AIR_AP_ON)))
		return WLAN_ESP_ERR_WIFI_NOT_STARTED;
	*quarterDbm = gTxPower;
	return WLAN_ESP_OK;
}

int wlan_radio_set_txpower(int quarterDbm)
{
	if (sim_air_connect() || !(sim_air_flags() & (SIM_AIR_STA_ON | SIM_AIR_AP_ON)))
		return WLAN_ESP_ERR_WIFI_NOT_STARTED;
	if (sim_air_is_esp8266() && quarterDbm > 82)
		return WLAN_ESP_ERR_INVALID_ARG;		/* the ESP8266 SDK's maximum: 20.5 dBm */
	int result = tellAir(heard(), quarterDbm, true);
	if (result == WLAN_ESP_OK) {
		gTxPower = quarterDbm;
		gTxPowerSet = true;
	}
	return result;
}
