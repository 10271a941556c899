/* Types of native.js (modESPNow.c). Errors come back as ESP-IDF numbers. */

type Bytes = ArrayBuffer | ArrayBufferView;
/** [mac, lmk (empty when not encrypted), channel, ifidx, encrypt] */
/**
 * The receiving state, which the native layer keeps (Radio.setReceiving):
 * first the receive path's view of the senders: map.get(key) (key: a MAC as
 * a number) is its mac, whose entry the native layer reads from peers (the
 * last element); intern(key, rssi, ms) makes a mac, or a missing entry, and
 * returns the mac; recv()'s message is a Uint8Array like view (its prototype
 * and kind; the native layer makes it, no constructor runs). Then what the native
 * irecv(), recv() and recvinto() read: irecv()'s pair and message buffer
 * (undefined until its checked path makes it), the default timeout, the
 * checked paths they hand what they do not take as it is, refused(code,
 * msg), the error of a recvinto() data they refused, the step next()
 * returns, the checked path of the native send(), and peers_table.
 */
export type Receiving = [
  map: Map<number, Uint8Array>,
  get: (this: Map<number, unknown>, key: number) => unknown,
  intern: (key: number, rssi: number, ms: number) => Uint8Array,
  view: Uint8Array,
  pair: [Uint8Array | null, Uint8Array | null],
  message: Uint8Array | undefined,
  timeout: number,
  irecv: (timeout_ms?: number | null) => [Uint8Array, Uint8Array] | [null, null],
  recv: (timeout_ms?: number | null) => [Uint8Array, Uint8Array] | [null, null],
  recvinto: (data: unknown[], timeout_ms?: number | null) => number,
  refused: (code: number, message: unknown) => Error,
  step: IteratorResult<[Uint8Array | null, Uint8Array | null]>,
  send: (first: unknown, second?: unknown, sync?: unknown, failed?: number) => boolean,
  peers: Map<Uint8Array, [number, number]>,
];

export type PeerOut = [ArrayBuffer, ArrayBuffer, number, number, boolean];

declare class Radio {
  /** Allocates the record and an rxbuf-byte ring; onWake(reasons) runs on the JS thread. */
  constructor(rxbuf: number, onWake: (reasons: number) => void);
  start(): number;
  close(): void;
  /**
   * The checked paths' receive: reads a message and updates its sender's
   * peers_table entry. Mode 0: into target, out = [mac, target] ([null,
   * null] on timeout); 1 (recvinto): out is data [mac, msg(, rssi, ms)],
   * target unused. Returns the length, 0 on timeout, -length if target is
   * too small, a negative code for a data it refuses (mode 1, nothing read).
   * Mode 2: returns a new [mac, msg] with msg a new Uint8Array ([null,
   * null] on timeout), out and target unused.
   */
  receive(out: unknown[] | null, target: Bytes | null, timeoutMs: number, mode: number, receiving: Receiving): number;
  any(): boolean;
  /** 0 ok, 1 a sync send was not acknowledged by every peer, -1 a mac (6 bytes, or null/undefined for every peer) or message (bytes) it does not take, else an ESP-IDF error (ESP_ERR_ESPNOW_ARG: a message of 0 or over maxDataLength() bytes). */
  send(mac: unknown, message: unknown, sync: boolean): number;
  logSends(on: boolean): void;
  /** meta = [mac as number, delivered 0/1]. */
  nextSendStatus(meta: ArrayBuffer): boolean;
  stats(): [number, number, number, number, number];
  setPMK(pmk: Bytes): number;
  addPeer(mac: Bytes, lmk: Bytes | null, channel: number, ifidx: number, encrypt: boolean): number;
  modPeer(mac: Bytes, lmk: Bytes | null, channel: number, ifidx: number, encrypt: boolean): number;
  delPeer(mac: Bytes): number;
  getPeer(mac: Bytes, out: unknown[]): number;
  fetchPeer(first: boolean, out: unknown[]): number;
  peerCount(out: number[]): number;
  setRate(rate: number): number;
  /** Keeps the receiving state for irecv() (rooted for this machine), and copies of its map, pair, message, timeout and step: call it again after changing one of those. */
  static setReceiving(state: Receiving): void;
  static maxDataLength(): number;
  /** ESP-IDF's name of an error number, e.g. "ESP_ERR_ESPNOW_NOT_FOUND". */
  static errorName(errno: number): string;
}

export type { Radio };

export interface Native {
  Radio: typeof Radio;
  /**
   * ESPNow.prototype's irecv, recv and recvinto, in C: each reads a message
   * (as the API says) and updates its sender's peers_table entry. They take
   * a timeout_ms that is absent, undefined or an integer, and hand the
   * state's checked paths anything else, ESP-NOW off and (irecv) a missing
   * message buffer. recvinto throws refused(code, data[1]) for a data it
   * cannot fill, having read nothing.
   */
  irecv(timeout_ms?: number | null): [Uint8Array, Uint8Array] | [null, null];
  recv(timeout_ms?: number | null): [Uint8Array, Uint8Array] | [null, null];
  recvinto(data: unknown[], timeout_ms?: number | null): number;
  /** irecv() with the default timeout, as for...of asks for it: returns the state's step, whose value is the pair. */
  next(): IteratorResult<[Uint8Array | null, Uint8Array | null]>;
  /**
   * ESPNow.prototype.send, in C: sends when ESP-NOW is on, no send log is
   * kept and mac (or null, undefined: every unicast peer) and msg are real
   * bytes of the right lengths, and returns whether every peer acknowledged
   * (true for a send that is not sync). Anything else goes to the state's
   * checked send, with the error number as failed when frames were sent here
   * and one failed.
   */
  send(first: unknown, second?: unknown, sync?: unknown): boolean;
  /** For AIOESPNow: every frame sent has completed and every logged status has been read. */
  sendsSettled(radio: Radio): boolean;
}

/** The host functions, to the first caller only (espnow.ts, as it loads); TypeError after. */
export function claim(): Native;
