/*
 * wlan_radio for ESP32 (ESP-IDF 5.1 and later): esp_wifi_* calls, whose error
 * numbers are returned unchanged.
 *
 * The Wi-Fi driver may already be initialised by Moddable's wifi module (the
 * one that joins access points) or by the app's own C code: this glue then
 * works with it as it is. Otherwise it initialises the driver itself, as
 * Moddable's wifi module does (configuration in RAM, not NVS, so that
 * credentials stored in flash by an earlier firmware cannot make the station
 * join an access point on its own), and creates no network interface: ESP-NOW
 * needs none. Once this glue has initialised the driver, Moddable's wifi
 * module aborts if it tries to (ESP-IDF refuses a second esp_wifi_init), so
 * an app that also joins an access point brings Wi-Fi up with that module
 * first.
 */

#include "wlan_radio.h"
#include "wlan_esp32.h"

#include "esp_event.h"
#include "esp_mac.h"
#include "esp_wifi.h"

_Static_assert(WLAN_ESP_ERR_INVALID_ARG == ESP_ERR_INVALID_ARG, "wlan_radio.h and esp_err.h disagree");
_Static_assert(WLAN_ESP_ERR_NOT_SUPPORTED == ESP_ERR_NOT_SUPPORTED, "wlan_radio.h and esp_err.h disagree");
_Static_assert(WLAN_ESP_ERR_WIFI_NOT_INIT == ESP_ERR_WIFI_NOT_INIT, "wlan_radio.h and esp_wifi.h disagree");
_Static_assert(WLAN_ESP_ERR_WIFI_IF == ESP_ERR_WIFI_IF, "wlan_radio.h and esp_wifi.h disagree");
_Static_assert(WLAN_ESP_ERR_WIFI_NOT_STARTED == ESP_ERR_WIFI_NOT_STARTED, "wlan_radio.h and esp_wifi.h disagree");
_Static_assert((WLAN_PROTOCOL_11B == WIFI_PROTOCOL_11B) && (WLAN_PROTOCOL_11G == WIFI_PROTOCOL_11G) && (WLAN_PROTOCOL_11N == WIFI_PROTOCOL_11N)
	&& (WLAN_PROTOCOL_LR == WIFI_PROTOCOL_LR) && (WLAN_PROTOCOL_11AX == WIFI_PROTOCOL_11AX), "WLAN_PROTOCOL_ values are WIFI_PROTOCOL_ bits");
_Static_assert((WLAN_PM_NONE == WIFI_PS_NONE) && (WLAN_PM_PERFORMANCE == WIFI_PS_MIN_MODEM) && (WLAN_PM_POWERSAVE == WIFI_PS_MAX_MODEM), "WLAN_PM_ values are wifi_ps_type_t values");

static struct {
	bool started;	/* esp_wifi_start() called since the driver was last stopped or initialised */
	int pm;			/* applied when this glue initialises the driver: ESP-IDF's default until set */
} gWLAN = { false, WLAN_PM_PERFORMANCE };

static wifi_mode_t modeOf(int iface)
{
	return (WLAN_IF_AP == iface) ? WIFI_MODE_AP : WIFI_MODE_STA;
}

esp_err_t wlan_esp32_init(void)
{
	wifi_mode_t mode;
	esp_err_t err = esp_wifi_get_mode(&mode);
	if (ESP_ERR_WIFI_NOT_INIT != err)
		return err;

	gWLAN.started = false;
	err = esp_event_loop_create_default();
	if ((ESP_OK != err) && (ESP_ERR_INVALID_STATE != err))		/* INVALID_STATE: the loop exists already */
		return err;

	wifi_init_config_t config = WIFI_INIT_CONFIG_DEFAULT();
	config.nvs_enable = 0;
	err = esp_wifi_init(&config);
	if (ESP_OK == err)
		err = esp_wifi_set_storage(WIFI_STORAGE_RAM);
	if (ESP_OK == err)
		err = esp_wifi_set_mode(WIFI_MODE_NULL);
	if (ESP_OK == err)
		err = esp_wifi_set_ps((wifi_ps_type_t)gWLAN.pm);
	return err;
}

int wlan_radio_set_active(int iface, bool active)
{
	wifi_mode_t mode, wanted;
	esp_err_t err = wlan_esp32_init();
	if (ESP_OK == err)
		err = esp_wifi_get_mode(&mode);
	if (ESP_OK != err)
		return err;

	wanted = active ? (wifi_mode_t)(mode | modeOf(iface)) : (wifi_mode_t)(mode & ~modeOf(iface));
	if (WIFI_MODE_NULL == wanted) {
		if (WIFI_MODE_NULL == mode)
			return ESP_OK;
		err = esp_wifi_stop();
		if (ESP_OK == err) {
			gWLAN.started = false;
			err = esp_wifi_set_mode(WIFI_MODE_NULL);
		}
		return err;
	}
	if (wanted != mode)
		err = esp_wifi_set_mode(wanted);
	/* A driver someone else initialised may be started already; esp_wifi_start() then does nothing. */
	if ((ESP_OK == err) && !gWLAN.started) {
		err = esp_wifi_start();
		gWLAN.started = ESP_OK == err;
	}
	return err;
}

int wlan_radio_get_active(int iface, bool *active)
{
	wifi_mode_t mode;
	esp_err_t err = esp_wifi_get_mode(&mode);
	*active = false;
	if (ESP_ERR_WIFI_NOT_INIT == err)
		return ESP_OK;
	if (ESP_OK == err)
		*active = (mode & modeOf(iface)) != 0;
	return err;
}

int wlan_radio_get_mac(int iface, uint8_t mac[6])
{
	esp_err_t err = esp_wifi_get_mac((WLAN_IF_AP == iface) ? WIFI_IF_AP : WIFI_IF_STA, mac);
	if (ESP_ERR_WIFI_NOT_INIT == err)		/* the factory-derived address, which the driver will use */
		err = esp_read_mac(mac, (WLAN_IF_AP == iface) ? ESP_MAC_WIFI_SOFTAP : ESP_MAC_WIFI_STA);
	return err;
}

int wlan_radio_get_channel(int *channel)
{
	uint8_t primary;
	wifi_second_chan_t second;
	esp_err_t err = esp_wifi_get_channel(&primary, &second);
	if (ESP_OK == err)
		*channel = primary;
	return err;
}

int wlan_radio_set_channel(int channel)
{
	wifi_mode_t mode;
	if ((ESP_OK != esp_wifi_get_mode(&mode)) || (WIFI_MODE_NULL == mode))
		return ESP_ERR_WIFI_NOT_INIT;
	return esp_wifi_set_channel((uint8_t)channel, WIFI_SECOND_CHAN_NONE);
}

int wlan_radio_get_pm(int *pm)
{
	wifi_ps_type_t type;
	esp_err_t err = esp_wifi_get_ps(&type);
	if (ESP_ERR_WIFI_NOT_INIT == err) {
		*pm = gWLAN.pm;
		return ESP_OK;
	}
	if (ESP_OK == err)
		*pm = (int)type;
	return err;
}

int wlan_radio_set_pm(int pm)
{
	esp_err_t err = esp_wifi_set_ps((wifi_ps_type_t)pm);
	if (ESP_ERR_WIFI_NOT_INIT == err)		/* applied by wlan_esp32_init() */
		err = ESP_OK;
	if (ESP_OK == err)
		gWLAN.pm = pm;
	return err;
}

/* The driver never reconnects by itself; Moddable's wifi module retries only
   connections it made, and its own disconnect stops that. */
int wlan_radio_disconnect(void)
{
	wifi_mode_t mode;
	if ((ESP_OK != esp_wifi_get_mode(&mode)) || !(mode & WIFI_MODE_STA))
		return ESP_OK;		/* no station, no access point to leave */
	return esp_wifi_disconnect();
}

/* esp_wifi_set_protocol()'s documented default, which MicroPython's
   WLAN.PROTOCOL_DEFAULT also rebuilds: 11b/g/n, and 11ax where the chip has it. */
int wlan_radio_protocol_default(void)
{
#if CONFIG_SOC_WIFI_HE_SUPPORT
	return WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N | WIFI_PROTOCOL_11AX;
#else
	return WIFI_PROTOCOL_11B | WIFI_PROTOCOL_11G | WIFI_PROTOCOL_11N;
#endif
}

int wlan_radio_get_protocol(int iface, int *protocol)
{
	uint8_t bitmap = 0;
	esp_err_t err = esp_wifi_get_protocol((WLAN_IF_AP == iface) ? WIFI_IF_AP : WIFI_IF_STA, &bitmap);
	if (ESP_OK == err)
		*protocol = bitmap;
	return err;
}

int wlan_radio_set_protocol(int iface, int protocol)
{
#if CONFIG_IDF_TARGET_ESP32C2
	if (protocol & WIFI_PROTOCOL_LR)
		return ESP_ERR_NOT_SUPPORTED;		/* the ESP32-C2 has no long-range mode */
#endif
#if !CONFIG_SOC_WIFI_HE_SUPPORT
	if (protocol & WIFI_PROTOCOL_11AX)
		return ESP_ERR_NOT_SUPPORTED;
#endif
	return esp_wifi_set_protocol((WLAN_IF_AP == iface) ? WIFI_IF_AP : WIFI_IF_STA, (uint8_t)protocol);
}

int wlan_radio_get_txpower(int *quarterDbm)
{
	int8_t power = 0;
	esp_err_t err = esp_wifi_get_max_tx_power(&power);
	if (ESP_OK == err)
		*quarterDbm = power;
	return err;
}

int wlan_radio_set_txpower(int quarterDbm)
{
	return esp_wifi_set_max_tx_power((int8_t)quarterDbm);
}
