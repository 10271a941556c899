/*
 * MicroPython's light-sleep sensor: wake, send, turn the Wi-Fi off, sleep,
 * and set the channel again after waking, since the Wi-Fi loses its
 * configuration in light sleep. Timer.delay stands in for the sleep: it
 * blocks, as machine.lightsleep() does. Its peer is examples/proxy.
 */

import ESPNow from "espnow";
import WLAN from "wlan";
import Timer from "timer";

const CHANNEL = 6; // the proxy's channel
const SLEEP_MS = 1000; // MicroPython's example sleeps 10 s
const TRY_MS = 5000; // how long a wake tries to reach the proxy before it gives up
// The proxy's STA MAC: the first node of `espnow-sim run`; on hardware, your proxy board's.
const peer = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x00);

const sta = new WLAN(WLAN.IF_STA);
const ap = new WLAN(WLAN.IF_AP);
ap.active(false); // both interfaces must be off in sleep: start with only STA on
sta.active(true);
sta.disconnect();
sta.config({ channel: CHANNEL });

const e = new ESPNow();
e.active(true);
e.add_peer(peer); // registered on STA

for (let wake = 1; ; wake++) {
	trace(`sleep-cycle: wake ${wake}, on channel ${sta.config("channel")}: sending ping...\n`);
	if (!ping(`ping ${wake}`)) trace("sleep-cycle: ping failed!\n");
	sta.active(false); // disable the Wi-Fi before sleep
	trace("sleep-cycle: going to sleep...\n");
	Timer.delay(SLEEP_MS); // machine.lightsleep(SLEEP_MS) on a device
	sta.active(true);
	sta.config({ channel: CHANNEL }); // the Wi-Fi loses its configuration in light sleep
}

/* Send until the proxy's radio acknowledges, for up to TRY_MS: boards powered
   on together, the proxy may not be listening yet at the first wake. */
function ping(message: string): boolean {
	for (const giveUp = Date.now() + TRY_MS; ; Timer.delay(100)) {
		if (e.send(peer, message)) return true;
		if (Date.now() >= giveUp) return false;
	}
}
