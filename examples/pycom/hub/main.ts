/*
 * Pycom's ESP-NOW tutorial, its first program: a device that talks to two
 * peers, to peer 1 encrypted and to peer 2 in the clear. Line for line as
 * close as JS allows; time.sleep(1) is an await, so that the callbacks run
 * while the loop waits.
 */

import WLAN from "wlan";
import ESPNOW, { type RecvResult, type SendResult } from "espnow/pycom";
import Timer from "timer";

const time = { sleep: (s: number): Promise<void> => new Promise((resolve) => Timer.set(() => resolve(), s * 1000)) };
const binascii = { hexlify: (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") };

// Modify this variable to change the PMK to be used
// Note: This must match with the value of ESPNOW_PMK from the next example.
const ESPNOW_PMK = "0123456789abcdef";
// Modify this variable to change the MAC address of the remote Peer 1
// Note: This must match with the MAC address of the Peer 1 from the next example.
const ESPNOW_PEER_1_MAC = "02454e530001"; // the simulator's node 1; Pycom's tutorial: "112233445566"
// Modify this variable to change the LMK to be used when communicating with remote Peer 1
// Note: This must match with the value of ESPNOW_PEER_LMK from the next example.
const ESPNOW_PEER_1_LMK = "0123456789123456";
// Modify this variable to change the MAC address of the remote Peer 2
// Note: This must match with the MAC address of the Peer 2 from the next example.
const ESPNOW_PEER_2_MAC = "02454e530002"; // the simulator's node 2; Pycom's tutorial: "AABBCCDDEEFF"

// The callback to be registered when a message has been sent to a Peer
function espnow_tx(result: SendResult) {
	// "result" is the parameter in form of 2 element long tuple
	// "peer" is the Peer which the message has been sent to
	// "sent" is a boolean showing whether the message could be sent
	const [peer, sent] = result;
	const mac = peer.addr();
	if (sent == false) trace(`Sending message to ${binascii.hexlify(mac)} failed!\n`);
	else trace(`Message sent to: ${binascii.hexlify(mac)}\n`);
}

// The callback to be registered when a message has been received
function espnow_rx(result: RecvResult) {
	// "result" is the parameter in form of 3 element long tuple
	// "mac" is the MAC address of the sender
	// "peer" is the Peer which the message has been received from. If message has been received from a not registered Peer this parameter is None
	// "msg" is the payload from the received message
	const [mac, peer, msg] = result;
	// Accept and handle messages only from the registered Peers
	if (peer !== null) {
		// Do something with the received message
		trace(`Message received from ${binascii.hexlify(mac)} with content: ${String.fromArrayBuffer(msg.buffer)}\n`);
	}
}

// The ESPNOW module needs that WLAN is initialized
const w = new WLAN();
w.active(true);
// Initialize the ESPNOW module
ESPNOW.init();
trace(`ESP-NOW version: ${ESPNOW.version()}\n`);

// Register the callback which will be called on TX
ESPNOW.on_send(espnow_tx);
// Register the callback which will be called on RX
ESPNOW.on_recv(espnow_rx);
// Configure the Primary Master Key which is used to encrypt the Local Master Key
ESPNOW.pmk(ESPNOW_PMK);

// Add Peer 1
const p1 = ESPNOW.add_peer(ESPNOW_PEER_1_MAC);
// Add Peer 2
const p2 = ESPNOW.add_peer(ESPNOW_PEER_2_MAC);
// Set the Local Master Key of Peer p1
p1.lmk(ESPNOW_PEER_1_LMK);
// Do not set LMK for Peer 2, traffic is not encrypted

// Get the number of registered Peers and how many is encrypted
const count = ESPNOW.peer_count();
trace(`Number of Peers: ${count[0]}, encrypted: ${count[1]}\n`);

// Sending some messages to the Peers individually
let i = 0;
while (i < 10) {
	// The Peer 1 will only receive this message if the same PMK and LMK is configured for the Peer object created for this device on the other device also. Check the next examples.
	p1.send(`${i}`);
	// Message to Peer 2 is not encrypted, on the Peer 2 device encryption for this current device's Peer object should not be configured. Check the next examples.
	p2.send(`${i}`);
	i = i + 1;
	await time.sleep(1);
}

// Sending 1 message to all Peers which are registered
ESPNOW.send(null, "Hello all Peers!");

// Remove Peer 1
ESPNOW.del_peer(p1);

// Deinit the module
ESPNOW.deinit();
