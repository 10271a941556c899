/*
 * The hub of a hub-and-nodes network, the system of the spec's espcomms.md
 * done with espnow-hub: it answers its nodes' requests, relays requests from
 * one node to another, and, MOVE_AFTER_MS in, moves to another channel as it
 * would when its router changes channel. Its nodes (examples/hub-node) notice
 * and find it again.
 */

import Hub from "espnow-hub";
import WLAN from "wlan";
import Timer from "timer";

const CHANNEL = 6; // the router's channel: joining a router sets it
const NEW_CHANNEL = 11; // the channel the router moves to
const MOVE_AFTER_MS = 5000;

const hub = new Hub({ relay: true });
hub.e.active(true); // ESP-NOW first, then the interface: a frame acknowledged before ESP-NOW listens is lost
const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
sta.config({ channel: CHANNEL, pm: WLAN.PM_NONE });

let answered = 0;
hub.serve((mac, body) => {
	answered++;
	return `hub: reading ${text(body)} from ${hex(mac)} noted (${answered} so far)`;
});
hub.start();
trace(`hub: serving and relaying on channel ${CHANNEL} as ${hex(sta.config("mac") as Uint8Array)}\n`);

Timer.set(() => {
	sta.config({ channel: NEW_CHANNEL });
	trace(`hub: the router moved to channel ${NEW_CHANNEL}, and the hub with it\n`);
}, MOVE_AFTER_MS);

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(":");
}

function text(bytes: Uint8Array): string {
	return String.fromArrayBuffer(bytes.slice().buffer);
}
