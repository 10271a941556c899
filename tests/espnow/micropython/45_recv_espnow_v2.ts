/*
 * MicroPython's tests/multi_espnow/45_recv_espnow_v2, in TypeScript: messages
 * over ESP-NOW v1's 250 bytes, echoed and read with recvinto(), irecv(),
 * recv() and the iterator. Skipped where the radio speaks ESP-NOW v1
 * (MAX_DATA_LEN 250).
 */
import multitest from "multitest";
import ESPNow, * as espnow from "espnow";
import WLAN from "wlan";
import Timer from "timer";

declare const PEERS: Uint8Array[];

const TIMEOUT_MS = 8000;
const DEFAULT_PMK = "VerySecretValue!";

function urandom(length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(Math.random() * 256));
}

function isDone(msg: Uint8Array): boolean {
  return msg.length === 5 && String.fromCharCode(...msg) === "!done";
}

function echoServer(e: ESPNow): void {
  const peers: Uint8Array[] = [];
  for (;;) {
    const [peer, msg] = e.irecv(TIMEOUT_MS);
    if (!peer || !msg) return;
    if (!peers.includes(peer)) {
      peers.push(peer);
      e.add_peer(peer);
    }
    if (!e.send(peer, msg, true)) {
      trace("ERROR: send() failed\n");
      return;
    }
    if (isDone(msg)) return;
  }
}

function clientSend(e: ESPNow, peer: Uint8Array, msg: Uint8Array, sync: boolean): void {
  Timer.delay(100);
  trace(`TEST: send/recv(msglen=${msg.length},sync=${sync ? "True" : "False"}): `);
  try {
    if (!e.send(peer, msg, sync)) trace("ERROR: Send failed.\n");
  } catch (error) {
    trace(`ERROR: OSError: ${error}\n`);
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
  // known once new ESPNow() has run (a preloaded module learns the radio's limit then)
  if (espnow.MAX_DATA_LEN < 1470) multitest.skip(); // ESP-NOW v1
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

function checkRecv(sent: Uint8Array, received: Uint8Array | null): void {
  if (received && received.length === sent.length && received.every((byte, i) => byte === sent[i])) {
    trace("OK\n");
    return;
  }
  trace(`ERROR: Received != Sent\nSent ${sent.length} bytes\n`);
  trace(received ? `Received ${received.length} bytes\n` : "Receive timed out\n");
}

// Client
export function instance1(): void {
  const e = init(true, false);
  e.config({ timeout_ms: TIMEOUT_MS });
  multitest.next();
  const peer = PEERS[0];
  e.add_peer(peer);

  trace("RECVINTO() test...\n");
  let msg = urandom(768);
  clientSend(e, peer, msg, true);
  // a bytearray: a buffer that recvinto() resizes to the message
  const data = [new Uint8Array(espnow.ADDR_LEN), new Uint8Array(new ArrayBuffer(espnow.MAX_DATA_LEN, { maxByteLength: espnow.MAX_DATA_LEN }))];
  e.recvinto(data);
  checkRecv(msg, data[1]);

  trace("IRECV() test...\n");
  msg = urandom(768);
  clientSend(e, peer, msg, true);
  checkRecv(msg, e.irecv()[1]);

  trace("RECV() test...\n");
  msg = urandom(1024);
  clientSend(e, peer, msg, true);
  checkRecv(msg, e.recv()[1]);

  trace("ITERATOR() test...\n");
  msg = urandom(espnow.MAX_DATA_LEN);
  clientSend(e, peer, msg, true);
  checkRecv(msg, e.next().value[1]);

  // tell the server to stop
  trace("DONE\n");
  msg = Uint8Array.from("!done", (c) => c.charCodeAt(0));
  clientSend(e, peer, msg, true);
  checkRecv(msg, e.irecv()[1]);

  e.active(false);
}
