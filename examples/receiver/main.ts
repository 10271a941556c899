/*
 * The receiver of MicroPython's introductory example: print every message,
 * stop at b"end".
 */

import ESPNow from "espnow";
import WLAN from "wlan";

// A WLAN interface must be active to send() and recv().
const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect(); // ESP8266 reconnects to its last access point otherwise

const e = new ESPNow();
e.active(true);

trace(`receiver: listening on ${hex(sta.config("mac"))}\n`);
for (;;) {
	const [host, msg] = e.recv();
	if (msg) { // null when recv() times out
		trace(`${hex(host)} ${text(msg)}\n`);
		if (text(msg) === "end") break;
	}
}
trace("receiver: done\n");

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer as ArrayBuffer);
}
