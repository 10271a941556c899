/*
 * MicroPython's async server: an echo server with a heartbeat, on AIOESPNow,
 * and a client that checks its echoes while the heartbeat's pings arrive
 * among them. One program for both: each device takes its role from its MAC.
 */

import AIOESPNow, { ESPNowError } from "aioespnow";
import WLAN from "wlan";
import Timer from "timer";

// The STA MACs of the two devices: the first two nodes of `espnow-sim run`.
// On hardware, put your boards' MACs here.
const SERVER = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x00);
const CLIENT = Uint8Array.of(0x02, 0x45, 0x4e, 0x53, 0x00, 0x01);

const TIMEOUT_MS = 5000; // the server stops after this; MicroPython's example: 120 s
const PERIOD_MS = 1000; // between heartbeats; MicroPython's example: 10 s
const ECHOES = 5;

// A WLAN interface must be active to send and receive. ESP-NOW first: once the
// interface is up its radio acknowledges frames, and a frame acknowledged
// before ESP-NOW listens is lost to the app.
const e = new AIOESPNow();
e.active(true);

const sta = new WLAN(WLAN.IF_STA);
sta.active(true);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => Timer.set(() => resolve(), ms));
const me = sta.config("mac");
let running = true;

if (same(me, SERVER)) await server(CLIENT);
else if (same(me, CLIENT)) await client(SERVER);
else {
	trace(`${hex(me)} is neither SERVER nor CLIENT: set them to your boards' MACs\n`);
	e.active(false);
}

/* The spec's program: heartbeat and echo server side by side, until the timeout. */
async function server(peer: Uint8Array): Promise<void> {
	e.add_peer(peer);
	heartbeat(peer, PERIOD_MS);
	echoServer();
	await sleep(TIMEOUT_MS);
	running = false;
	e.active(false); // ends the echo server's wait
	trace("server: done\n");
}

/* Send a periodic ping to a peer. */
async function heartbeat(peer: Uint8Array, period: number): Promise<void> {
	while (running) {
		if (!(await e.asend(peer, "ping"))) trace(`Heartbeat: peer not responding: ${hex(peer)}\n`);
		else trace(`Heartbeat: ping ${hex(peer)}\n`);
		await sleep(period);
	}
}

/* Echo any received messages back to the sender. */
async function echoServer(): Promise<void> {
	try {
		for await (const [mac, msg] of e) {
			trace(`Echo: ${text(msg)}\n`);
			try {
				await e.asend(mac, msg);
			} catch (error) {
				if (!(error instanceof ESPNowError && error.code === "ESP_ERR_ESPNOW_NOT_FOUND")) throw error;
				e.add_peer(mac); // a sender we did not know yet
				await e.asend(mac, msg);
			}
		}
	} catch (error) {
		if (running) throw error; // after the timeout, active(false) ends the wait
	}
}

/* Send ECHOES messages, one at a time, and check that each comes back. */
async function client(peer: Uint8Array): Promise<void> {
	e.add_peer(peer);
	while (!(await e.asend(peer, "hello"))) await sleep(100); // until the server is up
	await echo();
	for (let i = 1; i <= ECHOES; i++) {
		const sent = `echo me ${i}`, started = Date.now();
		await e.asend(peer, sent);
		const words = await echo();
		trace(`client: "${words}" came back in ${Date.now() - started} ms${words === sent ? "" : ", expected " + sent}\n`);
		await sleep(500);
	}
	trace("client: done\n");
	e.active(false); // with ESP-NOW on, the node would wait for frames for ever, as a device does
}

/* The next message that is not a heartbeat. */
async function echo(): Promise<string> {
	for (;;) {
		const [, msg] = await e.arecv();
		const words = text(msg);
		if (words !== "ping") return words;
		trace("client: a heartbeat ping\n");
	}
}

function same(a: Uint8Array, b: Uint8Array): boolean {
	return a.every((byte, i) => byte === b[i]);
}

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer as ArrayBuffer);
}
