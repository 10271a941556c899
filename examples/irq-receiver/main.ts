/*
 * A receiver driven by irq(): the callback runs soon after messages arrive
 * and drains everything waiting with irecv(0), which never blocks and
 * allocates nothing. It stops at "end" (examples/sender sends one).
 */

import ESPNow from "espnow";
import WLAN from "wlan";

// ESP-NOW first: once the interface is up its radio acknowledges frames, and
// a frame acknowledged before ESP-NOW listens is lost to the app.
const e = new ESPNow();
e.active(true);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect();

let messages = 0, calls = 0;
trace(`irq-receiver: listening on ${hex(sta.config("mac"))}\n`);
e.irq((e) => {
	calls++;
	for (;;) { // read out every message waiting
		const [mac, msg] = e.irecv(0); // don't wait when none is left
		if (!mac || !msg) return;
		messages++;
		if (msg.length === 3 && msg[0] === 0x65 && msg[1] === 0x6e && msg[2] === 0x64) { // "end", compared without allocating
			trace(`irq-receiver: "end" from ${hex(mac)} after ${messages} messages in ${calls} callbacks\n`);
			e.irq(null);
			e.active(false); // done: with ESP-NOW on, the node would wait for frames for ever, as a device does
			return;
		}
	}
});

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}
