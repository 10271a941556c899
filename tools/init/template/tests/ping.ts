/*
 * A two-node test: instance0 gives its MAC to instance1, which sends "ping";
 * instance0 answers "pong". Run it with
 *   npx espnow-sim multitest tests/ping.ts
 * (the expected output is tests/ping.ts.exp; --update rewrites it).
 */

import ESPNow from "espnow";
import multitest from "multitest";
import TextDecoder from "text/decoder";
import WLAN from "wlan";

declare const PEER: Uint8Array;

const decoder = new TextDecoder();

function start(): ESPNow {
	const e = new ESPNow();
	e.active(true);
	new WLAN(WLAN.IF_STA).active(true);
	return e;
}

export function instance0(): void {
	const e = start();
	multitest.globals({ PEER: new WLAN(WLAN.IF_STA).config("mac") });
	multitest.next();
	const [mac, msg] = e.recv(5000);
	if (!mac || !msg) throw new Error("no ping within 5 s");
	trace(`got ${decoder.decode(msg)}\n`);
	e.add_peer(mac);
	e.send(mac, "pong");
	multitest.wait("done");
	e.active(false); // with ESP-NOW on, an instance would wait for frames for ever, as a device does
}

export function instance1(): void {
	const e = start();
	e.add_peer(PEER);
	trace(`ping acknowledged: ${e.send(PEER, "ping")}\n`);
	const [, msg] = e.recv(5000);
	trace(`got ${msg ? decoder.decode(msg) : "nothing"}\n`);
	multitest.broadcast("done");
	e.active(false);
}
