/*
 * MicroPython's proxy: a node joined to a Wi-Fi router relays its sensors'
 * ESP-NOW readings (to an MQTT broker, say). Joining the router moves the
 * radio to the router's channel, so the sensors must use that channel too.
 * The simulator has no router: the proxy sets the channel the router would.
 */

import ESPNow from "espnow";
import WLAN from "wlan";

const ROUTER_CHANNEL = 6;

// ESP-NOW first: once the interface is up its radio acknowledges frames, and
// a frame acknowledged before ESP-NOW listens is lost to the app.
const e = new ESPNow();
e.active(true);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.config({ channel: ROUTER_CHANNEL }); // on a device: sta.connect(ssid, password) does this
sta.config({ pm: WLAN.PM_NONE }); // power saving would make the radio miss messages

trace(`proxy: running on channel ${sta.config("channel")} as ${hex(sta.config("mac"))}\n`);
for (const [peer, msg] of e) { // [null, null] when the default timeout (5 minutes) passes
	if (!peer || !msg) continue;
	trace(`proxy: forward from ${hex(peer)}: ${String.fromArrayBuffer(msg.slice().buffer as ArrayBuffer)}\n`);
}

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}
