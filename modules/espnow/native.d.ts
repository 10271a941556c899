/* Types of native.js (modESPNow.c). Errors come back as ESP-IDF numbers. */

type Bytes = ArrayBuffer | ArrayBufferView;
/** [mac, lmk (empty when not encrypted), channel, ifidx, encrypt] */
export type PeerOut = [ArrayBuffer, ArrayBuffer, number, number, boolean];

declare class Radio {
  /** Allocates the record and an rxbuf-byte ring; onWake(reasons) runs on the JS thread. */
  constructor(rxbuf: number, onWake: (reasons: number) => void);
  start(): number;
  close(): void;
  /** Length read; 0 on timeout; -length if target is too small. meta (the bytes of a Float64Array(3)) = [mac as number, rssi, ms]. */
  read(target: Bytes, meta: ArrayBuffer, timeoutMs: number, resize: boolean): number;
  any(): boolean;
  /** 0 ok, 1 a sync send was not acknowledged by every peer, else an ESP-IDF error. */
  send(mac: Bytes | null, message: Bytes | string, sync: boolean): number;
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
