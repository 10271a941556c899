/*
 * The host functions of modWLAN.c: the only `@` declarations of WLAN.
 * Each throws an Error naming the failed ESP-IDF call.
 */

export function active(iface, flag) @ "xs_wlan_active";
export function mac(iface) @ "xs_wlan_mac";
export function channel() @ "xs_wlan_channel";
export function setChannel(channel) @ "xs_wlan_set_channel";
export function pm() @ "xs_wlan_pm";
export function setPM(pm) @ "xs_wlan_set_pm";
export function protocolDefault() @ "xs_wlan_protocol_default";
export function protocol(iface) @ "xs_wlan_protocol";
export function setProtocol(iface, protocol) @ "xs_wlan_set_protocol";
export function txpower() @ "xs_wlan_txpower";
export function setTxpower(quarterDbm) @ "xs_wlan_set_txpower";
export function disconnect() @ "xs_wlan_disconnect";
