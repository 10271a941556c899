/*
 * MicroPython's tests/multi_espnow/20_send_echo, in TypeScript: an echo server
 * and a client sending 1 to MAX_DATA_LEN + 1 and 0 bytes, sync and not. A
 * message of 0 bytes or over MAX_DATA_LEN is refused as esp_now_send refuses
 * it: ESPNowError (MicroPython's OSError) with code ESP_ERR_ESPNOW_ARG.
 */
import multitest from "multitest";
import ESPNow, * as espnow from "espnow";
import WLAN from "wlan";

declare const PEERS: Uint8Array[];

const TIMEOUT_MS = 5000;
const DEFAULT_PMK = "MicroPyth0nRules";

function equal(a: Uint8Array | null, b: Uint8Array): boolean {
  return !!a && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function echoServer(e: ESPNow): void {
  const peers: Uint8Array[] = [];
  for (;;) {
    const [peer, msg] = e.recv(TIMEOUT_MS);
    if (!peer || !msg) return;
    if (!peers.includes(peer)) {
      peers.push(peer);
      e.add_peer(peer);
    }
    // echo the message back to the sender
    if (!e.send(peer, msg, true)) {
      trace(`ERROR: send() failed to ${hex(peer)}\n`);
      return;
    }
    if (msg.length === 5 && String.fromCharCode(...msg) === "!done") return;
  }
}

function echoTest(e: ESPNow, peer: Uint8Array, msg: Uint8Array, sync: boolean): void {
  // the same output for ESP-NOW v1 and v2: an overlong length is told relative to the limit
  const length = msg.length > espnow.MAX_DATA_LEN ? `max+${msg.length - espnow.MAX_DATA_LEN}` : String(msg.length);
  trace(`TEST: send/recv(msglen=${length},sync=${sync ? "True" : "False"}): `);
  try {
    if (!e.send(peer, msg, sync)) {
      trace("ERROR: Send failed.\n");
      return;
    }
  } catch (error) {
    if (!(error instanceof espnow.ESPNowError)) throw error;
    trace(`ERROR: OSError: ${error.code}\n`);
    return;
  }
  const [, back] = e.recv(TIMEOUT_MS);
  trace(equal(back, msg) ? "OK\n" : "ERROR: Received != Sent\n");
}

function echoClient(e: ESPNow, peer: Uint8Array, lengths: number[]): void {
  for (const sync of [true, false]) {
    for (const length of lengths) {
      const msg = new Uint8Array(length);
      if (length > 0) msg[0] = 0x5f; // "_": a random message must not start with "!"
      for (let i = 1; i < length; i++) msg[i] = Math.floor(Math.random() * 256);
      echoTest(e, peer, msg, sync);
    }
  }
}

function init(staActive: boolean, apActive: boolean): ESPNow {
  const wlans = [new WLAN(WLAN.IF_STA), new WLAN(WLAN.IF_AP)];
  const e = new ESPNow();
  e.active(true);
  e.set_pmk(DEFAULT_PMK);
  wlans[0].active(staActive);
  wlans[1].active(apActive);
  wlans[0].disconnect();
  return e;
}

// Server
export function instance0(): void {
  const e = init(true, false);
  multitest.globals({ PEERS: [WLAN.IF_STA, WLAN.IF_AP].map((i) => new WLAN(i).config("mac")) });
  multitest.next();
  trace("Server Start\n");
  echoServer(e);
  trace("Server Done\n");
  e.active(false);
}

// Client
export function instance1(): void {
  const e = init(true, false);
  multitest.next();
  const peer = PEERS[0];
  e.add_peer(peer);
  echoClient(e, peer, [1, 2, 8, 100, 249, 250, espnow.MAX_DATA_LEN + 1, 0]);
  echoTest(e, peer, Uint8Array.from("!done", (c) => c.charCodeAt(0)), true);
  e.active(false);
}
