/*
 * ESPNOW: Pycom's ESP-NOW API (its network.ESPNOW), on top of ESPNow: the
 * same radio, the same peer list, the same errors; this module only changes
 * the shapes. Pycom's API is event-driven: send() does not wait for the
 * acknowledgement, and the callbacks of on_send() and on_recv() run from the
 * radio's wake-up on the JS thread, as Moddable callbacks do.
 *
 *   ESPNOW.init(); ESPNOW.pmk("0123456789abcdef");
 *   ESPNOW.on_recv(([mac, peer, msg]) => { if (peer) peer.send("thanks"); });
 *   const p = ESPNOW.add_peer("02454e530001"); p.lmk("0123456789123456");
 *   p.send("hello");
 *
 * Pycom's None is null; its tuples are arrays; a MAC is 12 hex digits or 6
 * bytes; a key is 16 characters or 16 bytes; addr() and messages are Uint8Array.
 */

import ESPNow, { ADDR_LEN, ESPNowError, MAX_DATA_LEN, keyOf } from "espnow";

/** What on_send's handler gets: [peer, sent]; sent means the peer's radio acknowledged the message. */
export type SendResult = [Peer, boolean];
/** What on_recv's handler gets: [mac, peer, msg]; peer is null when the sender is not a registered peer. */
export type RecvResult = [Uint8Array, Peer | null, Uint8Array];

type Key = Uint8Array | ArrayBuffer | string;

const ERR_NOT_INIT = 0x3065;

let espnow: ESPNow | null = null;
/** The registered peers, by MAC as a number: the objects add_peer() returned. */
let peers: Map<number, Peer> | null = null;
let onSend: ((result: SendResult) => void) | null = null;
let onRecv: ((result: RecvResult) => void) | null = null;
/** Messages sent whose outcome is not known yet: deinit() stops the radio once there are none. */
let unsettled = 0;
/** The ESPNow that deinit() stops once its messages have gone out. */
let closing: ESPNow | null = null;

function started(what: string): ESPNow {
  if (!espnow) throw new ESPNowError(ERR_NOT_INIT, `ESPNOW.${what}: ESP-NOW is not initialised (call ESPNOW.init() first)`);
  return espnow;
}

/** 12 hex digits (as "112233445566") or 6 bytes, as a new Uint8Array. */
function macOf(value: unknown, what: string): Uint8Array {
  if (typeof value === "string") {
    if (!/^[0-9a-fA-F]{12}$/.test(value)) throw new RangeError(`ESPNOW.${what}: mac must be 12 hex digits, got "${value}"`);
    return Uint8Array.from({ length: ADDR_LEN }, (_, i) => parseInt(value.slice(2 * i, 2 * i + 2), 16));
  }
  if (!(value instanceof Uint8Array) && !(value instanceof ArrayBuffer)) {
    throw new TypeError(`ESPNOW.${what}: mac must be 12 hex digits or 6 bytes (Uint8Array or ArrayBuffer), got ${value === null ? "null" : typeof value}`);
  }
  const mac = new Uint8Array(value instanceof Uint8Array ? value : new Uint8Array(value));
  if (mac.length !== ADDR_LEN) throw new RangeError(`ESPNOW.${what}: mac must be ${ADDR_LEN} bytes, got ${mac.length}`);
  return mac;
}

function peerOf(value: unknown, what: string): Peer {
  if (!(value instanceof Peer)) throw new TypeError(`ESPNOW.${what}: peer must be a peer object from ESPNOW.add_peer()`);
  return value;
}

/** The wake-up's messages: each one to on_recv's handler, with its peer object. */
function received(e: ESPNow): void {
  /* a handler may call deinit(): then nothing more is read */
  while (espnow === e) {
    const [mac, msg] = e.recv(0);
    if (!mac || !msg) return;
    onRecv?.([new Uint8Array(mac), peers!.get(keyOf(mac)) ?? null, msg]);
  }
}

function sent(mac: Uint8Array, delivered: boolean): void {
  if (unsettled > 0) unsettled--;
  if (closing) {
    if (!unsettled) stop(closing);
    return;
  }
  if (!onSend) return;
  /* a peer deleted since its message was sent still gets its outcome, on an object of its own */
  onSend([peers!.get(keyOf(mac)) ?? new Peer(new Uint8Array(mac)), delivered]);
}

function stop(e: ESPNow): void {
  closing = null;
  e.on_send(null);
  e.active(false);
}

/** Send without waiting; the outcome of each frame comes to sent(). */
function send(e: ESPNow, mac: Uint8Array | null, msg: Uint8Array | ArrayBuffer | string): void {
  const frames = mac ? 1 : e.get_peers().filter((peer) => !(peer[0][0] & 1)).length;
  /* counted first: an outcome can come back before esp_now_send returns, and send() hands it to sent() at once */
  unsettled += frames;
  try {
    e.send(mac, msg, false);
  } catch (error) {
    unsettled -= frames;
    throw error;
  }
}

/** A registered peer, as ESPNOW.add_peer() returns it. */
export class Peer {
  readonly #mac: Uint8Array;

  /** Made by ESPNOW.add_peer(). */
  constructor(mac: Uint8Array) {
    this.#mac = mac;
  }

  /** The peer's MAC address: 6 bytes. */
  addr(): Uint8Array {
    return new Uint8Array(this.#mac);
  }

  /** lmk(): the peer's local master key (16 bytes), or null if its traffic is not encrypted; lmk(key): encrypt with this key; lmk(null): stop encrypting. */
  lmk(key?: Key | null): Uint8Array | null | void {
    const e = started("lmk");
    if (key === undefined) {
      const [, lmk, , , encrypt] = e.get_peer(this.#mac);
      return encrypt ? lmk : null;
    }
    if (key === null) e.mod_peer(this.#mac, { lmk: null, encrypt: false });
    else e.mod_peer(this.#mac, { lmk: key, encrypt: true });
  }

  /** Send msg (bytes or a string) to this peer; on_send's handler is told whether it arrived. */
  send(msg: Uint8Array | ArrayBuffer | string): void {
    send(started("send"), this.#mac, msg);
  }
}

/** Pycom's ESPNOW: static methods only, as Pycom's module is used. */
export default class ESPNOW {
  private constructor() {}

  /** Start ESP-NOW. A WLAN interface must be active for messages to go out and come in. */
  static init(): void {
    if (espnow) return;
    const e = new ESPNow();
    closing = null;
    e.active(true);
    peers = new Map();
    e.irq(received);
    e.on_send(sent);
    espnow = e;
  }

  /** Stop ESP-NOW: every peer is removed, the handlers are forgotten. Messages already sent still go out: the radio stops once their outcomes are known (on_send's handler is not told of them). */
  static deinit(): void {
    if (!espnow) return;
    const e = espnow;
    espnow = null;
    peers = null;
    onSend = null;
    onRecv = null;
    e.irq(null);
    if (unsettled) closing = e;
    else stop(e);
  }

  /** The ESP-NOW version the radio speaks: 1 (up to 250 bytes a message) or 2 (up to 1470). */
  static version(): number {
    started("version");
    return MAX_DATA_LEN > 250 ? 2 : 1;
  }

  /** Set the primary master key, which encrypts the peers' local master keys: 16 characters or bytes. */
  static pmk(key: Key): void {
    started("pmk").set_pmk(key);
  }

  /** handler([peer, sent]) after every message sent, once its outcome is known (null: none). */
  static on_send(handler: ((result: SendResult) => void) | null): void {
    started("on_send");
    if (handler !== null && typeof handler !== "function") throw new TypeError("ESPNOW.on_send: handler must be a function or null");
    onSend = handler;
  }

  /** handler([mac, peer, msg]) for every message received; peer is null if the sender is not registered (null: none). */
  static on_recv(handler: ((result: RecvResult) => void) | null): void {
    started("on_recv");
    if (handler !== null && typeof handler !== "function") throw new TypeError("ESPNOW.on_recv: handler must be a function or null");
    onRecv = handler;
  }

  /** Register a peer (MAC as 12 hex digits or 6 bytes), not encrypted until its lmk() is set; returns its peer object. */
  static add_peer(mac: Uint8Array | ArrayBuffer | string): Peer {
    const e = started("add_peer");
    const address = macOf(mac, "add_peer");
    e.add_peer(address);
    const peer = new Peer(address);
    peers!.set(keyOf(address), peer);
    return peer;
  }

  /** Unregister a peer given by its peer object. */
  static del_peer(peer: Peer): void {
    const e = started("del_peer");
    const mac = peerOf(peer, "del_peer").addr();
    e.del_peer(mac);
    peers!.delete(keyOf(mac));
  }

  /** [number of registered peers, number of them encrypted]. */
  static peer_count(): [number, number] {
    return started("peer_count").peer_count();
  }

  /** The peer objects of every registered peer. */
  static get_peers(): Peer[] {
    started("get_peers");
    return Array.from(peers!.values());
  }

  /** send(peer, msg) to one peer; send(null, msg) to every registered peer. on_send's handler is told of each. */
  static send(peer: Peer | null, msg: Uint8Array | ArrayBuffer | string): void {
    const e = started("send");
    if (peer === null || peer === undefined) send(e, null, msg);
    else peerOf(peer, "send").send(msg);
  }
}
