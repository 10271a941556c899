/*
 * The receiver of MicroPython's introductory example: print every message,
 * stop at b"end".
 */

import ESPNow from "espnow";
import WLAN from "wlan";

// A WLAN interface must be active to send() and recv(). ESP-NOW first: once the interface is up its radio acknowledges frames, and
// a frame acknowledged before ESP-NOW listens is lost to the app.
const e = new ESPNow();
e.active(true);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect(); // ESP8266 reconnects to its last access point otherwise

trace(`receiver: listening on ${hex(sta.config("mac"))}\n`);
for (;;) {
	const [host, msg] = e.recv();
	if (msg) { // null when recv() times out
		trace(`${hex(host)} ${text(msg)}\n`);
		if (text(msg) === "end") break;
	}
}
trace("receiver: done\n");
e.active(false); // done: with ESP-NOW on, the node would wait for frames for ever, as a device does

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer as ArrayBuffer);
}
