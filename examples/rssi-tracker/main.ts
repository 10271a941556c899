/*
 * Nearest neighbour from the peer device table: every node broadcasts a
 * beacon and reads the others'; reading a message records its sender's
 * signal strength in peers_table, {mac: [rssi, time_ms]}. The peer heard
 * recently with the strongest signal is the nearest.
 */

import ESPNow from "espnow";
import WLAN from "wlan";

const PERIOD_MS = 500;
const FORGET_MS = 3000; // a peer not heard from for this long (while others were) has left

// ESP-NOW first: once the interface is up its radio receives frames, and a
// frame that arrives before ESP-NOW listens is lost to the app.
const e = new ESPNow();
e.active(true);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect();

const BROADCAST = new Uint8Array(6).fill(0xff);
e.add_peer(BROADCAST);

const me = hex(sta.config("mac"));
let nearest = "", heard = 0;
for (;;) {
	e.send(BROADCAST, "beacon");
	// read every beacon until the next one is due: reading updates peers_table
	const due = Date.now() + PERIOD_MS;
	for (let left = PERIOD_MS; left > 0; left = due - Date.now()) if (!e.irecv(left)[0]) break;

	// time_ms is the radio's millisecond clock: compare entries with the newest one
	let newest = 0;
	for (const [, [, time]] of e.peers_table) newest = Math.max(newest, time);
	let best: [Uint8Array, number] | null = null;
	for (const [mac, [rssi, time]] of e.peers_table) {
		if (newest - time < FORGET_MS && (!best || rssi > best[1])) best = [mac, rssi];
	}
	const found = best ? `${hex(best[0])} at ${best[1]} dBm` : "nobody";
	// say so when the nearest changes, or a neighbour is heard for the first time
	if (found.split(" ")[0] !== nearest.split(" ")[0] || e.peers_table.size !== heard) trace(`${me}: nearest is ${found} (of ${e.peers_table.size} heard)\n`);
	nearest = found;
	heard = e.peers_table.size;
}

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}
