/*
 * A node of examples/hub: every second it sends its hub a reading and prints
 * the answer; every third second it also greets the other node through the
 * hub, which relays. It follows the hub: when the hub goes silent it pings,
 * then scans the channels until the hub answers again.
 */

import Hub, { HubError, TimeoutError } from "espnow-hub";
import WLAN from "wlan";
import Timer from "timer";

const HUB = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x00); // the simulator's node0: replace with your hub's MAC
const CHANNEL = 6; // the hub's channel, where the search starts

const hub = new Hub();
hub.e.active(true); // ESP-NOW first, then the interface: a frame acknowledged before ESP-NOW listens is lost
const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.config({ channel: CHANNEL, pm: WLAN.PM_NONE });

const me = sta.config("mac") as Uint8Array;
const other = me.slice();
other[5] = me[5] === 1 ? 2 : 1; // the simulator's node1 and node2 greet each other: replace with your other node's MAC

hub.serve((mac, body) => `${hex(me)} says hello back to "${text(body)}"`);
hub.follow(HUB, {}, (event, channel, ms) => {
	if (event === "lost") trace(`node: the hub is silent on channel ${channel}; scanning\n`);
	else trace(`node: found the hub on channel ${channel}, ${ms} ms after losing it\n`);
});
hub.start();

let reading = 0;
let busy = false;
Timer.repeat(async () => {
	if (busy) return; // the previous round is still waiting (the hub may be lost)
	busy = true;
	reading++;
	try {
		trace(`node: ${text(await hub.request(HUB, `${reading}`))}\n`);
		if (reading % 3 === 0) trace(`node: through the hub: ${text(await hub.request([HUB, other], `hello ${reading}`))}\n`);
	} catch (error) {
		if (error instanceof TimeoutError || error instanceof HubError) trace(`node: ${error.message}\n`);
		else throw error;
	}
	busy = false;
}, 1000);

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer);
}
