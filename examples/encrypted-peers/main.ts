/*
 * Pycom's ESP-NOW tutorial: three devices. The hub talks to peer 1 encrypted
 * (PMK and LMK) and to peer 2 in the clear; each peer answers every message.
 * One program for the three: each device takes its role from its own MAC.
 */

import ESPNow from "espnow";
import WLAN from "wlan";
import Timer from "timer";

// The STA MACs of the three devices: the first three nodes of `espnow-sim run`.
// On hardware, put your boards' MACs here.
const HUB = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x00);
const PEER_1 = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x01);
const PEER_2 = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x02);
// The hub and peer 1 must agree on both keys; peer 2 uses neither.
const PMK = "0123456789abcdef";
const PEER_1_LMK = "0123456789123456";

const MESSAGES = 10;
const PERIOD_MS = 100; // Pycom's tutorial sends once a second

// ESP-NOW, its keys, peers and callback first, the interface last: once the
// interface is up its radio acknowledges frames, and a frame acknowledged
// before ESP-NOW (or the key that decrypts it) is ready is lost to the app.
const e = new ESPNow();
e.active(true);
const sta = new WLAN(WLAN.IF_STA);

const me = sta.config("mac");
if (same(me, HUB)) hub();
else if (same(me, PEER_1)) peer("peer 1", PMK, PEER_1_LMK);
else if (same(me, PEER_2)) peer("peer 2", null, null);
else {
	trace(`${hex(me)} is none of the three devices: set HUB, PEER_1 and PEER_2\n`);
	e.active(false);
}

function up(): void {
	sta.active(true);
	sta.disconnect();
}

function hub(): void {
	e.on_send((mac, delivered) => {
		if (!delivered) trace(`hub: sending to ${hex(mac)} failed!\n`);
	});
	e.irq(() => {
		for (;;) {
			const [mac, msg] = e.irecv(0);
			if (!mac || !msg) return;
			// accept messages from registered peers only
			if (same(mac, PEER_1) || same(mac, PEER_2)) trace(`hub: from ${hex(mac)}: ${text(msg)}\n`);
		}
	});
	e.set_pmk(PMK);
	e.add_peer(PEER_1, PEER_1_LMK); // an lmk: traffic with peer 1 is encrypted
	e.add_peer(PEER_2); // no lmk: traffic with peer 2 is not
	const [peers, encrypted] = e.peer_count();
	trace(`hub: ${peers} peers, ${encrypted} encrypted\n`);
	up();

	// wait until both peers are up: their radios acknowledge
	for (const peer of [PEER_1, PEER_2]) while (!e.send(peer, "hello")) Timer.delay(100);
	let i = 0;
	Timer.repeat((timer) => {
		if (i < MESSAGES) {
			e.send(PEER_1, String(i), false);
			e.send(PEER_2, String(i), false);
			i++;
			return;
		}
		Timer.clear(timer);
		e.send(null, "Hello all Peers!", true); // every registered peer
		Timer.set(() => {
			e.del_peer(PEER_1);
			trace(`hub: done, ${e.peer_count()[0]} peer left\n`);
			e.irq(null);
			e.active(false);
		}, 200); // the last answers
	}, PERIOD_MS);
}

function peer(name: string, pmk: string | null, lmk: string | null): void {
	if (pmk) e.set_pmk(pmk);
	e.add_peer(HUB, lmk); // lmk null: not encrypted
	e.irq(() => {
		for (;;) {
			const [mac, msg] = e.irecv(0);
			if (!mac || !msg) return;
			if (!same(mac, HUB)) continue; // accept messages from the registered peer only
			const words = text(msg);
			trace(`${name}: received ${words}\n`);
			e.send(mac, `Message received: ${words}`);
			if (words === "Hello all Peers!") {
				// the last message: done (with ESP-NOW on, the node would wait for frames for ever, as a device does)
				e.irq(null);
				e.active(false);
				return;
			}
		}
	});
	up();
}

function same(a: Uint8Array, b: Uint8Array): boolean {
	return a.every((byte, i) => byte === b[i]);
}

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer as ArrayBuffer);
}
