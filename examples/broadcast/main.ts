/*
 * Every node broadcasts its name every 300 ms and prints what it hears:
 * no node needs to know another's MAC. Broadcast frames are never
 * acknowledged, so send() returns true whether or not anyone listens.
 */

import ESPNow from "espnow";
import WLAN from "wlan";
import Timer from "timer";

const ROUNDS = 8; // then print who was heard and stop; on a device, loop for ever
const PERIOD_MS = 300;

// ESP-NOW first: once the interface is up its radio receives frames, and a
// frame that arrives before ESP-NOW listens is lost to the app.
const e = new ESPNow();
e.active(true);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect();

const BROADCAST = new Uint8Array(6).fill(0xff);
e.add_peer(BROADCAST); // broadcast, too, must be a registered peer

const mac = sta.config("mac");
const name = `esp-${hex(mac.subarray(3), "")}`; // as ESP-IDF names a device: the end of its MAC
const heard = new Map<string, number>();

trace(`${name}: broadcasting every ${PERIOD_MS} ms\n`);
for (let round = 1; round <= ROUNDS; round++) {
	e.send(BROADCAST, `hello from ${name} #${round}`);
	// listen until the next broadcast is due
	const due = Date.now() + PERIOD_MS;
	for (let left = PERIOD_MS; left > 0; left = due - Date.now()) {
		const [sender, msg] = e.recv(left);
		if (!sender || !msg) break;
		const words = text(msg);
		trace(`${name}: heard "${words}" from ${hex(sender, ":")}\n`);
		const from = words.split(" ")[2];
		heard.set(from, (heard.get(from) ?? 0) + 1);
	}
}
trace(`${name}: heard ${heard.size} other node(s): ${[...heard].map(([who, count]) => `${who} x${count}`).join(", ")}\n`);
e.active(false); // done: with ESP-NOW on, the node would wait for frames for ever, as a device does

function hex(bytes: Uint8Array, separator: string): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(separator);
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer as ArrayBuffer);
}
