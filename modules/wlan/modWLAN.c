/*
 * The host functions behind wlan/native.js, the same on every platform: they
 * call the Wi-Fi glue (wlan_radio.h) and turn its errors into exceptions.
 * wlan.ts has checked the arguments; ranges are checked again here.
 */

#include "xsmc.h"
#include "xsHost.h"

#include "wlan_radio.h"

static const char *errorName(int error)
{
	switch (error) {
	case WLAN_ESP_ERR_WIFI_NOT_INIT: return "ESP_ERR_WIFI_NOT_INIT: Wi-Fi is not started";
	case WLAN_ESP_ERR_WIFI_NOT_STARTED: return "ESP_ERR_WIFI_NOT_STARTED: no interface is active";
	case WLAN_ESP_ERR_WIFI_IF: return "ESP_ERR_WIFI_IF: invalid interface";
	case WLAN_ESP_ERR_INVALID_ARG: return "ESP_ERR_INVALID_ARG";
	case WLAN_ESP_ERR_NOT_SUPPORTED: return "ESP_ERR_NOT_SUPPORTED: not on this chip";
	default: return "ESP_FAIL";
	}
}

static void check(xsMachine *the, int error)
{
	if (error != WLAN_ESP_OK)
		xsUnknownError("%s (%d)", errorName(error), error);
}

static int getInterface(xsMachine *the)
{
	xsIntegerValue iface = xsmcToInteger(xsArg(0));
	if (iface != WLAN_IF_STA && iface != WLAN_IF_AP)
		xsRangeError("interface must be 0 (IF_STA) or 1 (IF_AP), got %d", (int)iface);
	return iface;
}

/* active(iface[, flag]) */
void xs_wlan_active(xsMachine *the)
{
	int iface = getInterface(the);
	bool active;
	if (xsmcArgc > 1 && xsmcTypeOf(xsArg(1)) != xsUndefinedType)
		check(the, wlan_radio_set_active(iface, xsmcTest(xsArg(1))));
	check(the, wlan_radio_get_active(iface, &active));
	xsmcSetBoolean(xsResult, active);
}

/* mac(iface): a new 6-byte ArrayBuffer */
void xs_wlan_mac(xsMachine *the)
{
	uint8_t mac[6];
	check(the, wlan_radio_get_mac(getInterface(the), mac));
	xsmcSetArrayBuffer(xsResult, mac, sizeof(mac));
}

void xs_wlan_channel(xsMachine *the)
{
	int channel;
	check(the, wlan_radio_get_channel(&channel));
	xsmcSetInteger(xsResult, channel);
}

void xs_wlan_set_channel(xsMachine *the)
{
	xsIntegerValue channel = xsmcToInteger(xsArg(0));
	if (channel < 1 || channel > 14)
		xsRangeError("channel must be 1..14, got %d", (int)channel);
	check(the, wlan_radio_set_channel(channel));
}

void xs_wlan_pm(xsMachine *the)
{
	int pm;
	check(the, wlan_radio_get_pm(&pm));
	xsmcSetInteger(xsResult, pm);
}

void xs_wlan_set_pm(xsMachine *the)
{
	xsIntegerValue pm = xsmcToInteger(xsArg(0));
	if (pm < WLAN_PM_NONE || pm > WLAN_PM_POWERSAVE)
		xsRangeError("pm must be 0..2, got %d", (int)pm);
	check(the, wlan_radio_set_pm(pm));
}

void xs_wlan_protocol_default(xsMachine *the)
{
	xsmcSetInteger(xsResult, wlan_radio_protocol_default());
}

/* protocol(iface) */
void xs_wlan_protocol(xsMachine *the)
{
	int protocol;
	check(the, wlan_radio_get_protocol(getInterface(the), &protocol));
	xsmcSetInteger(xsResult, protocol);
}

/* setProtocol(iface, bits) */
void xs_wlan_set_protocol(xsMachine *the)
{
	int iface = getInterface(the);
	xsIntegerValue protocol = xsmcToInteger(xsArg(1));
	const int known = WLAN_PROTOCOL_11B | WLAN_PROTOCOL_11G | WLAN_PROTOCOL_11N | WLAN_PROTOCOL_LR | WLAN_PROTOCOL_11AX;
	if ((protocol <= 0) || (protocol & ~known))
		xsRangeError("protocol must be a combination of 0x%x bits, got %d", known, (int)protocol);
	check(the, wlan_radio_set_protocol(iface, protocol));
}

/* txpower(): 0.25 dBm units */
void xs_wlan_txpower(xsMachine *the)
{
	int power;
	check(the, wlan_radio_get_txpower(&power));
	xsmcSetInteger(xsResult, power);
}

/* setTxpower(quarterDbm) */
void xs_wlan_set_txpower(xsMachine *the)
{
	xsIntegerValue power = xsmcToInteger(xsArg(0));
	if ((power < WLAN_TXPOWER_MIN) || (power > WLAN_TXPOWER_MAX))
		xsRangeError("txpower must be %d..%d quarter dBm, got %d", WLAN_TXPOWER_MIN, WLAN_TXPOWER_MAX, (int)power);
	check(the, wlan_radio_set_txpower(power));
}

void xs_wlan_disconnect(xsMachine *the)
{
	check(the, wlan_radio_disconnect());
}
