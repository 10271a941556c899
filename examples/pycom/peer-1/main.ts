/*
 * Pycom's ESP-NOW tutorial, "Example code for Peer 1": the encrypted peer of
 * the first program (../hub). It answers every message of its registered peer.
 */

import WLAN from "wlan";
import ESPNOW, { type RecvResult, type SendResult } from "espnow/pycom";

const binascii = { hexlify: (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") };

// Modify this variable to change the PMK to be used
// Note: This must match with the value of ESPNOW_PMK from the first example.
const ESPNOW_PMK = "0123456789abcdef";
// Modify this variable to change the MAC address of the remote Peer.
// Note: This must match with the MAC address of the Peer from the first example.
const ESPNOW_PEER_MAC = "02454e530000"; // the simulator's node 0; Pycom's tutorial: "665544332211"
// Modify this variable to change the LMK to be used when communicating with the remote Peer
// Note: This must match with the value of ESPNOW_PEER_1_LMK from the first example.
const ESPNOW_PEER_LMK = "0123456789123456";

function tx(result: SendResult) {
	const [peer, sent] = result;
	const mac = peer.addr();
	trace(`Sending to: ${binascii.hexlify(mac)} - ${sent ? "True" : "False"}\n`);
}

function rx(result: RecvResult) {
	trace("Message received:\n");
	const [mac, peer, msg] = result;
	// Accept messages only from the registered Peer
	if (peer !== null) {
		trace(`Received: ${binascii.hexlify(mac)} - ${String.fromArrayBuffer(msg.buffer)}\n`);
		// Send back a response
		peer.send(`Message received: ${String.fromArrayBuffer(msg.buffer)}`);
	}
}

const w = new WLAN();
w.active(true);
ESPNOW.init();
ESPNOW.on_send(tx);
ESPNOW.on_recv(rx);
ESPNOW.pmk(ESPNOW_PMK);

// Add the Peer
const p = ESPNOW.add_peer(ESPNOW_PEER_MAC);
// Configure the LMK to be used during communication.
p.lmk(ESPNOW_PEER_LMK);
