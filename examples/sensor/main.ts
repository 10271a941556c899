/*
 * MicroPython's sensor for the proxy (examples/proxy): it moves to the
 * channel of the proxy's router, then sends a reading every second.
 */

import ESPNow from "espnow";
import WLAN from "wlan";
import Timer from "timer";

const PROXY_CHANNEL = 6; // the channel the proxy prints at start
// The proxy's STA MAC: the first node of `espnow-sim run`; on hardware, your proxy board's.
const proxy = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x00);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect();
sta.config({ channel: PROXY_CHANNEL });

const e = new ESPNow();
e.active(true);
e.add_peer(proxy);

const me = sta.config("mac");
const name = `sensor-${me[5]}`;
let reading = 0;
Timer.repeat(() => {
	const celsius = 20 + me[5] + Math.sin(reading++ / 3);
	const message = `${name} reading ${reading}: ${celsius.toFixed(1)} C`;
	trace(e.send(proxy, message) ? `${name}: sent reading ${reading}\n` : `${name}: the proxy did not answer (is it on channel ${PROXY_CHANNEL}?)\n`);
}, 1000);
