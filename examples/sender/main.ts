/*
 * The sender of MicroPython's introductory example: "Starting...", then 100
 * messages each acknowledged by the receiver's radio, then b"end".
 */

import ESPNow from "espnow";
import WLAN from "wlan";
import Timer from "timer";

// A WLAN interface must be active to send() and recv().
const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.disconnect(); // for ESP8266

const e = new ESPNow();
e.active(true);

// The receiver's STA MAC. This is the first node of `espnow-sim run`;
// on hardware, put your receiver board's MAC here (it prints it at start).
const peer = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x00);
e.add_peer(peer); // a peer must be added before send()

// The receiver may not be listening yet: send until its radio acknowledges.
while (!e.send(peer, "Starting...")) Timer.delay(100);
let lost = 0;
for (let i = 0; i < 100; i++) {
	if (!e.send(peer, String(i).repeat(20), true)) lost++;
}
e.send(peer, ArrayBuffer.fromString("end"));
trace(`sender: sent 100 messages, ${100 - lost} acknowledged\n`);
e.active(false); // done: with ESP-NOW on, the node would wait for frames for ever, as a device does
