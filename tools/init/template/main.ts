/*
 * A starter ESP-NOW app: it says hello on the broadcast address every second
 * and prints what it hears. Run it on two simulated nodes:
 *   npx espnow-sim run --nodes 2 .
 */

import ESPNow from "espnow";
import { formatMac } from "espnow/mac";
import TextDecoder from "text/decoder";
import Timer from "timer";
import WLAN from "wlan";

const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

const e = new ESPNow();
e.active(true);
const sta = new WLAN(WLAN.IF_STA); // an interface must be active to send and receive
sta.active(true);
e.add_peer(BROADCAST);

const decoder = new TextDecoder();
e.irq(() => {
	for (let pair = e.irecv(0); pair[0]; pair = e.irecv(0)) {
		trace(`${formatMac(pair[0])}: ${decoder.decode(pair[1] as Uint8Array)}\n`);
	}
});

trace(`${formatMac(sta.config("mac"))}: listening\n`);
let count = 0;
Timer.repeat(() => {
	e.send(BROADCAST, `hello ${++count}`);
}, 1000);
