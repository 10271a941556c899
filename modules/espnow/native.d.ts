/* Types of native.js (modESPNow.c). Errors come back as ESP-IDF numbers. */

type Bytes = ArrayBuffer | ArrayBufferView;
/** [mac, lmk (empty when not encrypted), channel, ifidx, encrypt] */
/**
 * The receive path's view of the senders: map.get(key) (key: a MAC as a
 * number) is [mac, entry]; intern(key, rssi, ms) makes or updates one and
 * returns its mac; view(buffer) makes recv()'s message.
 */
export type Senders = [map: Map<number, [Uint8Array, [number, number] | null]>, get: (this: Map<number, unknown>, key: number) => unknown, intern: (key: number, rssi: number, ms: number) => Uint8Array, view: (buffer: ArrayBuffer) => Uint8Array];
export type PeerOut = [ArrayBuffer, ArrayBuffer, number, number, boolean];

declare class Radio {
  /** Allocates the record and an rxbuf-byte ring; onWake(reasons) runs on the JS thread. */
  constructor(rxbuf: number, onWake: (reasons: number) => void);
  start(): number;
  close(): void;
  /**
   * Reads a message and updates its sender's peers_table entry. Mode 0: into
   * target, out = [mac, target] ([null, null] on timeout); 1 (recvinto): out
   * is data [mac, msg(, rssi, ms)], target unused. Returns the length, 0 on
   * timeout, -length if target is too small (mode 0; mode 1 throws). Mode 2:
   * returns a new [mac, msg] with msg a new Uint8Array ([null, null] on
   * timeout), out and target unused.
   */
  receive(out: unknown[] | null, target: Bytes | null, timeoutMs: number, mode: number, senders: Senders): number;
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
  static maxDataLength(): number;
  /** ESP-IDF's name of an error number, e.g. "ESP_ERR_ESPNOW_NOT_FOUND". */
  static errorName(errno: number): string;
}

export type { Radio };

export interface Native {
  Radio: typeof Radio;
  /** For AIOESPNow: every frame sent has completed and every logged status has been read. */
  sendsSettled(radio: Radio): boolean;
}

/** The host functions, to the first caller only (espnow.ts, as it loads); TypeError after. */
export function claim(): Native;
