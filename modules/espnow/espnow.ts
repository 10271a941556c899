/*
 * ESPNow: MicroPython's espnow API for Moddable XS.
 *
 * The contract is MicroPython's documentation of its espnow module, mapped
 * to TypeScript: None is null, bytes are
 * Uint8Array (str accepted where MicroPython accepts it), tuples are arrays,
 * keyword arguments are an options object, OSError is ESPNowError (.errno,
 * .code) and ValueError is RangeError or TypeError.
 *
 * Argument checks and API shapes live here; the receive ring, the radio
 * callbacks and every copy live in C (native.js -> modESPNow.c -> core/ and the
 * platform's radio glue).
 *
 * recv() with a timeout and send() with sync block the JS thread, as they do
 * on MicroPython; AIOESPNow (module "aioespnow") waits without blocking.
 */

import { claim, type Radio as NativeRadio, type Receiving } from "espnow/native";

/* The native layer, claimed as this module loads: no one else can (native.js). */
const { Radio, irecv, recv, recvinto, next, send, sendsSettled } = claim();
type Radio = NativeRadio;

/*
 * Preloading. On a device Moddable runs preloaded modules at build time, where
 * no native function can be called, and freezes what they created: a Map or
 * ArrayBuffer made at module level could never change. So the radio's limits
 * are asked for once the module runs on the device (boot(), at the first
 * new ESPNow(); at once where the module is not preloaded, as in the
 * simulator), and every Map and buffer is made then. The limit is what the
 * glue knows without the driver (espnow_radio_max_data_len in
 * core/espnow_radio.h): new ESPNow() comes before active(true) and before
 * Wi-Fi starts, when ESP-IDF's ESP-NOW calls must not be made.
 */

/** Largest message: 250 bytes (ESP-NOW v1), 1470 where the radio speaks ESP-NOW v2 (known by the first new ESPNow() on a device). */
export let MAX_DATA_LEN = 250;
export const KEY_LEN = 16;
export const ADDR_LEN = 6;
export const MAX_TOTAL_PEER_NUM = 20;
export const MAX_ENCRYPT_PEER_NUM = 6;

/*
 * Transmit rates for config({rate}): MicroPython's names for wifi_phy_rate_t
 * values (the 802.11b rates with the long preamble). The two long-range rates
 * need WLAN's protocol to include WLAN.PROTOCOL_LR on sender and receiver.
 */
export const RATE_LORA_250K = 0x29;
export const RATE_LORA_500K = 0x2a;
export const RATE_1M = 0x00;
export const RATE_2M = 0x01;
export const RATE_5M = 0x02;
export const RATE_6M = 0x0b;
export const RATE_11M = 0x03;
export const RATE_12M = 0x0a;
export const RATE_24M = 0x09;
export const RATE_54M = 0x0c;

/**
 * rxbuf when config() has not set one: two records of MAX_DATA_LEN bytes, each
 * with its 16-byte header (532 bytes for ESP-NOW v1, 2972 for v2). MicroPython
 * documents 528 (v1, for its own record header) or 2972 (v2); a ring that cannot hold
 * one v2 frame would drop every large message.
 */
export let DEFAULT_RXBUF = 2 * (16 + MAX_DATA_LEN);
/* Internal numbers as const enums: tsc writes their values where they are used, so that they cost the bytecode no module binding (each one is a name, a slot and an entry in the module's table, and a capture in every function that reads it). */
const enum Limit { RXBUF_MIN = 17, RXBUF_MAX = 1024 * 1024, DEFAULT_TIMEOUT_MS = 300000, INT32_MAX = 0x7fffffff }
/** Where receiving holds irecv()'s state (STATE_ in modESPNow.c). */
const enum Slot { MESSAGE = 5, TIMEOUT = 6 }
const enum Receive {
  /* the native receive's modes (modESPNow.c): irecv()'s [mac, msg] or [null, null]; recvinto()'s data; recv()'s new [mac, msg] */
  PAIR = 0, INTO = 1, NEW = 2,
  /* what it and the native recvinto return for a recvinto() data they refuse */
  NOT_ARRAY = -0x10000, NOT_BYTES = -0x10001, NOT_WRITABLE = -0x10002, CLOSED = -0x10003,
}

/** Bits of the native layer's wake-up (ESPNOW_WAKE_* in core/espnow_core.h). WAKE_RECEIVE: a message waits in the ring as the wake reaches JS. */
export const WAKE_RECEIVE = 1;
export const WAKE_SEND = 2;
/** Not from the native layer: ESP-NOW was turned off, by whichever ESPNow object (listeners drop what waits). */
export const WAKE_STOPPED = 4;

/** Bytes as MicroPython accepts them: a Uint8Array or ArrayBuffer (or a str where noted). */
export type Bytes = Uint8Array | ArrayBuffer;

/** What get_peer() and get_peers() return: [mac, lmk, channel, ifidx, encrypt]. */
export type PeerInfo = [Uint8Array, Uint8Array, number, number, boolean];

/** The options of add_peer() and mod_peer(). */
export interface PeerOptions {
  lmk?: Bytes | string | null | false;
  channel?: number | null;
  ifidx?: number | null;
  encrypt?: boolean | null;
}

/** The options of config(). */
export interface ConfigOptions {
  rxbuf?: number;
  timeout_ms?: number;
  rate?: number;
}

/** MicroPython's OSError(errno, "ESP_ERR_ESPNOW_...") from the ESP-NOW stack. */
export class ESPNowError extends Error {
  /* a field, not an assignment: a preloaded build freezes Error.prototype, whose "name" an assignment cannot shadow */
  override name = "ESPNowError";
  /** ESP-IDF's error number, e.g. 0x3069 for ESP_ERR_ESPNOW_NOT_FOUND. */
  readonly errno: number;
  /** ESP-IDF's error name, e.g. "ESP_ERR_ESPNOW_NOT_FOUND". */
  readonly code: string;
  constructor(errno: number, context: string) {
    const code = Radio.errorName(errno);
    super(`${context}: ${code}`);
    this.errno = errno;
    this.code = code;
  }
}

/* esp_now_send's answer to a message of 0 or over MAX_DATA_LEN bytes: MicroPython's send has no length check of its own */
const ERR_ARG = 0x3066;

/*
 * Strings the receive and send paths use, named once: XS copies a string
 * literal each time it is evaluated in code compiled from source at run time
 * (the simulator; preloaded modules on a device keep theirs in flash), and
 * irecv() and send() must allocate nothing.
 */
const RECV = "recv", IRECV = "irecv", RECVINTO = "recvinto", SEND = "send", ANY = "any";
const MAC = ": mac", MSG = ": msg", NUMBER = "number";

/** A 6-byte MAC as a number (big-endian), a Map key that costs no allocation. */
export function keyOf(mac: Uint8Array): number {
  return ((((mac[0] * 256 + mac[1]) * 256 + mac[2]) * 256 + mac[3]) * 256 + mac[4]) * 256 + mac[5];
}

/** A MAC as text, aa:bb:cc:dd:ee:ff, for messages. */
export function macText(mac: Uint8Array): string {
  let text = "";
  for (let i = 0; i < mac.length; i++) text += (i ? ":" : "") + (mac[i] < 16 ? "0" : "") + mac[i].toString(16);
  return text;
}

/*
 * Brand checks, not instanceof: an object given Uint8Array.prototype (a host
 * object such as a Timer, a Proxy) is no Uint8Array, and a real one's own
 * "length" getter is never called. The built-in getters are taken as the
 * module loads; the primordials are frozen after preload.
 */
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag)!.get!;
const typedArrayLength = Object.getOwnPropertyDescriptor(TypedArrayPrototype, "length")!.get!;
const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;
const arrayBufferDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "detached")?.get;

/** A real Uint8Array (a brand check). */
export function isUint8Array(value: unknown): value is Uint8Array {
  return typedArrayTag.call(value) === "Uint8Array";
}

/** A real ArrayBuffer (a brand check). */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  if (typeof value !== "object" || value === null) return false;
  try {
    arrayBufferLength.call(value);
    return true;
  } catch {
    return false;
  }
}

/** A checked Uint8Array's length, by the built-in getter. */
function lengthOf(bytes: Uint8Array): number {
  return typedArrayLength.call(bytes);
}

/** A checked Uint8Array's or ArrayBuffer's byte count, for messages. */
function byteCount(bytes: Uint8Array | ArrayBuffer): number {
  return isUint8Array(bytes) ? lengthOf(bytes) : arrayBufferLength.call(bytes);
}

/** what and name make the error message (only built on error: the hot path allocates nothing). */
function bytesOf(value: unknown, what: string, name: string, allowString: boolean): Uint8Array {
  if (isUint8Array(value)) return value;
  if (isArrayBuffer(value)) {
    if (arrayBufferDetached?.call(value)) throw new TypeError(`${what}${name} is a detached ArrayBuffer`);
    return new Uint8Array(value);
  }
  if (allowString && typeof value === "string") return utf8(value);
  throw new TypeError(`${what}${name} must be a Uint8Array or ArrayBuffer${allowString ? " or a string" : ""}, got ${value === null ? "null" : typeof value}`);
}

/**
 * A string's UTF-8, as TextEncoder gives it: a lone surrogate becomes U+FFFD.
 * XS keeps strings as bytes in which U+0000 and surrogates are not well-formed
 * UTF-8 (ArrayBuffer.fromString copies them), so those strings are encoded here.
 */
function utf8(text: string): Uint8Array {
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const unit = text.charCodeAt(i);
    plain = unit !== 0 && (unit < 0xd800 || unit > 0xdfff);
  }
  if (plain) return new Uint8Array(ArrayBuffer.fromString(text));
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      /* NaN past the end */
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else code = 0xfffd;
    }
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return Uint8Array.from(bytes);
}

/** A MAC argument of the call what: a real Uint8Array (an ArrayBuffer is viewed) of 6 bytes, else TypeError or RangeError. */
export function macOf(value: unknown, what: string): Uint8Array {
  const mac = bytesOf(value, what, MAC, false);
  if (lengthOf(mac) !== ADDR_LEN) throw new RangeError(`${what}: mac must be ${ADDR_LEN} bytes, got ${lengthOf(mac)}`);
  return mac;
}

function keyBytes(value: unknown, what: string, name: string): Uint8Array {
  const key = bytesOf(value, what, name, true);
  if (lengthOf(key) !== KEY_LEN) throw new RangeError(`${what}${name} must be ${KEY_LEN} bytes, got ${lengthOf(key)}`);
  return key;
}

/** null/undefined: the default; otherwise an integer in range. */
function optionalInteger(value: unknown, what: string, low: number, high: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  /* false for anything but a number */
  if (!Number.isInteger(value)) throw new TypeError(`${what} must be an integer, got ${String(value)}`);
  if ((value as number) < low || (value as number) > high) throw new RangeError(`${what} must be ${low}..${high}, got ${value}`);
  return value as number;
}

/**
 * The peer device table: {mac: [rssi, time_ms]}. Keys are the mac objects
 * recv() returns; get() and has() also accept any equal bytes. The native
 * receive reads the entry of a message's mac from the table itself (as
 * Map.prototype.get would), so that whatever the program sets, deletes or
 * clears is what it updates.
 */
export class PeersTable extends Map<Uint8Array, [number, number]> {
  get(mac: Uint8Array): [number, number] | undefined {
    return super.get(senders.get(keyOf(mac)) ?? mac);
  }
  has(mac: Uint8Array): boolean {
    return super.has(senders.get(keyOf(mac)) ?? mac);
  }
}

/** The Uint8Array recv() returns for each MAC ever seen (the peers_table key), by the MAC as a number (keyOf). */
let senders = null as unknown as Map<number, Uint8Array>;
/** What the native receive() looks senders up with, and makes recv()'s message like: [senders, Map.prototype.get, intern, a Uint8Array], then what the native irecv(), recv(), recvinto(), next() and send() read: [pair, message, timeout, irecvChecked, recvChecked, recvintoChecked, refused, step, sendChecked], then peers_table (Radio.setReceiving keeps it, and copies of senders, pair, message, timeout, step and peers_table: given again when one changes). */
let receiving = null as unknown as Receiving;
/** irecv()'s array, reused, shared by every ESPNow object (one radio, one array): [mac, msg] with msg a view that tracks the message's length. */
let pair = null as unknown as [Uint8Array | null, Uint8Array | null];
/** What next() (for...of) returns: its value is pair. */
let step = null as unknown as IteratorResult<[Uint8Array | null, Uint8Array | null]>;

function macOfKey(key: number): Uint8Array {
  const mac = new Uint8Array(ADDR_LEN);
  for (let i = ADDR_LEN - 1, rest = key; i >= 0; i--, rest = Math.floor(rest / 256)) mac[i] = rest % 256;
  return mac;
}

/** The native receive's slow path, once per new sender or missing peers_table entry: the sender's mac, with peers_table updated. */
function intern(key: number, rssi: number, time: number): Uint8Array {
  let mac = senders.get(key);
  if (!mac) {
    mac = macOfKey(key);
    senders.set(key, mac);
  }
  shared.peersTable.set(mac, [rssi, time]);
  return mac;
}

/** Told of each native wake-up, with whether the radio is open (a listener before it may have closed it); returning true claims the wake's messages (AIOESPNow hands them to its waiting readers), so irq is not called. */
type Wake = (reasons: number, open: boolean) => boolean | void;

/** What every ESPNow object (ESPNow, AIOESPNow) shares: there is one radio. */
const shared = {
  radio: null as Radio | null,
  /** 0: DEFAULT_RXBUF */
  rxbuf: 0,
  rate: -1,
  irq: null as ((e: ESPNow) => void) | null,
  irqTarget: null as ESPNow | null,
  onSend: null as ((mac: Uint8Array, delivered: boolean) => void) | null,
  /** AIOESPNow's: told of each send status after onSend. */
  sendWatcher: null as ((mac: Uint8Array, delivered: boolean) => void) | null,
  /** An array, not a Set: iterating a Set allocates. */
  listeners: [] as Wake[],
  /* made by boot() */
  peersTable: null as unknown as PeersTable,
  singletons: null as unknown as Map<Function, ESPNow>,
};

/** A send status as drainSends() reads it: [MAC as a number, delivered (1) or not], made by boot(). */
let meta = null as unknown as Float64Array;
/** meta's bytes, which the native layer fills (it takes byte buffers only). */
let metaBytes = null as unknown as ArrayBuffer;

/** Once, where the module runs: the radio's limits, and the objects that change. */
function boot(): void {
  if (meta) return;
  MAX_DATA_LEN = Radio.maxDataLength();
  DEFAULT_RXBUF = 2 * (16 + MAX_DATA_LEN);
  senders = new Map();
  pair = [null, null];
  step = { done: false, value: pair };
  shared.peersTable = new PeersTable();
  receiving = [senders, Map.prototype.get, intern, new Uint8Array(0), pair, undefined, Limit.DEFAULT_TIMEOUT_MS, irecvChecked, recvChecked, recvintoChecked, refused, step, sendChecked, shared.peersTable];
  Radio.setReceiving(receiving);
  meta = new Float64Array(3);
  metaBytes = meta.buffer as ArrayBuffer;
  shared.singletons = new Map();
}

/* Not preloaded (the simulator): boot now, so that MAX_DATA_LEN is right from the start. Preloading: no native calls yet. */
try {
  boot();
} catch {
  /* at preload time; the first new ESPNow() boots */
}

/* The native layer's wake-up; it looked at the ring just before the call (WAKE_RECEIVE). */
function onWake(reasons: number): void {
  if (reasons & WAKE_SEND) drainSends();
  const listeners = shared.listeners, count = listeners.length;
  let claimed = false;
  for (let i = 0; i < listeners.length; i++) if (listeners[i](reasons, shared.radio !== null)) claimed = true;
  if (!(reasons & WAKE_RECEIVE) || claimed) return;
  /* no JS ran since the native layer looked (no send callback, no listener): the message still waits */
  if (count === 0 && !(reasons & WAKE_SEND)) shared.irq?.(shared.irqTarget!);
  else offerToIrq(true);
}

/** Whether statuses are being handed out: a callback that sends does not start a nested round (the loop below reaches its statuses). */
let draining = false;

/** Hand every logged send status to on_send's callback, then to the watcher. */
function drainSends(): void {
  if (draining) return;
  draining = true;
  try {
    while (shared.radio?.nextSendStatus(metaBytes)) {
      /* the peers_table key if the peer has sent to us, else a new one: a send to ever new MACs (a relay) keeps nothing */
      const mac = senders.get(meta[0]) ?? macOfKey(meta[0]), delivered = meta[1] === 1;
      shared.onSend?.(mac, delivered);
      shared.sendWatcher?.(mac, delivered);
    }
  } finally {
    draining = false;
  }
}

/** Whether an irq callback is set and a message waits; if now, the callback is called (else the caller offers again later). */
function offerToIrq(now: boolean): boolean {
  if (!shared.irq || !shared.radio?.any()) return false;
  if (now) shared.irq(shared.irqTarget!);
  return true;
}

/** The native send log is kept while someone reads it. */
function logSends(): void {
  shared.radio?.logSends(shared.onSend !== null || shared.sendWatcher !== null);
}

/**
 * The ESP-NOW interface: a singleton, as every `new ESPNow()` returns the
 * same object (each subclass has its own, sharing the one radio).
 */
export default class ESPNow implements Iterable<[Uint8Array | null, Uint8Array | null]> {
  constructor() {
    boot();
    const existing = shared.singletons.get(new.target);
    if (existing) return existing;
    shared.singletons.set(new.target, this);
  }

  /** The peer device table, {mac: [rssi, time_ms]}, updated when a message is read. */
  get peers_table(): PeersTable {
    return shared.peersTable;
  }

  /* ---- configuration ---- */

  /** Start (true) or stop (false) ESP-NOW; stopping forgets every peer. Returns whether it is active. */
  active(flag?: unknown): boolean {
    if (flag === undefined) return shared.radio !== null;
    if (flag && !shared.radio) {
      const radio = new Radio(shared.rxbuf || DEFAULT_RXBUF, onWake);
      let error = radio.start();
      if (!error && shared.rate >= 0) error = radio.setRate(shared.rate);
      if (error) {
        radio.close();
        throw new ESPNowError(error, "active");
      }
      shared.radio = radio;
      logSends();
    } else if (!flag && shared.radio) {
      shared.radio.close();
      shared.radio = null;
      for (let i = 0; i < shared.listeners.length; i++) shared.listeners[i](WAKE_STOPPED, false);
    }
    return shared.radio !== null;
  }

  /** config("rxbuf" | "timeout_ms" | "rate") gets a value; config({rxbuf, timeout_ms, rate}) sets them (rxbuf takes effect at the next active(true)). */
  config(name: "rxbuf" | "timeout_ms" | "rate"): number;
  config(options: ConfigOptions): void;
  config(what: string | ConfigOptions): number | void {
    const get = typeof what === "string";
    if (!get && (typeof what !== "object" || what === null)) throw new TypeError('config: expected a parameter name or an object such as {timeout_ms: 1000}');
    /* the name to get, or the options' names, checked in one place */
    const names = get ? [what] : Object.keys(what);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name !== "rxbuf" && name !== "timeout_ms" && name !== "rate") throw new RangeError(`config: unknown parameter "${name}"; expected rxbuf, timeout_ms or rate`);
    }
    if (get) return what === "rxbuf" ? shared.rxbuf || DEFAULT_RXBUF : what === "timeout_ms" ? receiving[Slot.TIMEOUT] : shared.rate < 0 ? 0 : shared.rate;
    const rxbuf = optionalInteger(what.rxbuf, "config: rxbuf", Limit.RXBUF_MIN, Limit.RXBUF_MAX);
    const timeout = optionalInteger(what.timeout_ms, "config: timeout_ms", -0x80000000, 0x7fffffff);
    const rate = optionalInteger(what.rate, "config: rate", 0, 0x2a);
    /* 0..0x2a already: of those, wifi_phy_rate_t has all but 4 and 0x20..0x28 */
    if (rate === 4 || (rate !== undefined && rate > 0x1f && rate < 0x29)) throw new RangeError(`config: rate must be a wifi_phy_rate_t value (0-3, 5-31, 41, 42), got ${rate}`);
    if (rate !== undefined && shared.radio) {
      const error = shared.radio.setRate(rate);
      if (error) throw new ESPNowError(error, `config: rate ${rate}`);
    }
    if (rxbuf !== undefined) shared.rxbuf = rxbuf;
    if (timeout !== undefined) {
      receiving[Slot.TIMEOUT] = timeout;
      /* the native layer keeps a copy */
      Radio.setReceiving(receiving);
    }
    if (rate !== undefined) shared.rate = rate;
  }

  /* ---- receiving ---- */

  /*
   * recv, irecv, recvinto and next: the prototype's are the native ones
   * (modESPNow.c's xs_espnow_recv, _irecv, _recvinto and _next, set below
   * the class), the hot path with no JS frame; each hands the checked path
   * its body calls what it does not take as it is.
   */

  /** Wait for a message: [mac, msg] in new buffers (mac is the peers_table key), or [null, null] on timeout. */
  recv(timeout_ms?: number | null): [Uint8Array, Uint8Array] | [null, null] {
    return recvChecked(timeout_ms);
  }

  /** As recv(), but returns the same array and message buffer every time (one for every ESPNow object): no allocation. */
  irecv(timeout_ms?: number | null): [Uint8Array, Uint8Array] | [null, null] {
    return irecvChecked(timeout_ms);
  }

  /** Read into data = [mac, msg(, rssi, time)]: returns the length, or 0 on timeout. data[0] becomes the peers_table key. */
  recvinto(data: unknown[], timeout_ms?: number | null): number {
    return recvintoChecked(data, timeout_ms);
  }

  /** Whether a message is waiting. */
  any(): boolean {
    return radioFor(ANY).any();
  }

  /** Iterate over messages with irecv(): [mac, msg], or [null, null] when the default timeout passes. */
  [Symbol.iterator](): Iterator<[Uint8Array | null, Uint8Array | null]> {
    return this;
  }
  next(): IteratorResult<[Uint8Array | null, Uint8Array | null]> {
    this.irecv();
    return step;
  }

  /* ---- sending ---- */

  /**
   * send(mac, msg, sync = true) sends to one registered peer; send(msg), or
   * send(null, msg, sync), to every registered peer except broadcast and
   * multicast ones. With sync it waits for every peer's acknowledgement and
   * returns false if any is missing; broadcast is always true. (A missing
   * msg means the one-argument form.) Allocates nothing.
   *
   * A frame the radio refuses for want of TX buffers (ESP_ERR_ESPNOW_NO_MEM)
   * is offered again for up to 2 s, as MicroPython does, before ESPNowError.
   * With on_send set, the statuses that arrived while send() waited are
   * handed to the callback before it returns (a sync send's own included):
   * a loop of sends that never returns to the event loop would otherwise
   * fill the native log and lose them.
   */
  send(msg: Bytes | string): boolean;
  send(mac: Bytes | null, msg: Bytes | string, sync?: boolean): boolean;
  send(first: unknown, second?: unknown, sync: unknown = true): boolean {
    /* the prototype's is the native one (xs_espnow_send), set below the class */
    return sendChecked(first, second, sync);
  }

  /** Check a message: bytes (or a string, sent as UTF-8) of 1..MAX_DATA_LEN bytes; another length is ESPNowError ESP_ERR_ESPNOW_ARG, as esp_now_send answers. */
  protected check(message: unknown, what: string): Uint8Array {
    return messageOf(message, what);
  }

  /** [tx_pkts, tx_responses, tx_failures, rx_packets, rx_dropped_packets]. */
  stats(): [number, number, number, number, number] {
    return shared.radio ? shared.radio.stats() : (new Array(5).fill(0) as [number, number, number, number, number]);
  }

  /* ---- peers ---- */

  /** Set the primary master key (16 bytes). */
  set_pmk(pmk: Bytes | string): void {
    const key = keyBytes(pmk, "set_pmk", ": pmk");
    check(radioFor("set_pmk").setPMK(key), "set_pmk");
  }

  /** add_peer(mac, lmk?, channel?, ifidx?, encrypt?) or add_peer(mac, {lmk, channel, ifidx, encrypt}). */
  add_peer(mac: Bytes, lmk?: PeerOptions | PeerOptions["lmk"], channel?: number | null, ifidx?: number | null, encrypt?: boolean | null): void {
    radioFor("add_peer");
    setPeer("add_peer", macOf(mac, "add_peer"), null, lmk, channel, ifidx, encrypt);
  }

  /** Change a registered peer; parameters left out (or null) keep their values. */
  mod_peer(mac: Bytes, lmk?: PeerOptions | PeerOptions["lmk"], channel?: number | null, ifidx?: number | null, encrypt?: boolean | null): void {
    const radio = radioFor("mod_peer");
    const address = macOf(mac, "mod_peer");
    const old: unknown[] = [];
    check(radio.getPeer(address, old), `mod_peer ${macText(address)}`);
    setPeer("mod_peer", address, peerInfo(old), lmk, channel, ifidx, encrypt);
  }

  /** Unregister a peer. */
  del_peer(mac: Bytes): void {
    const radio = radioFor("del_peer");
    const address = macOf(mac, "del_peer");
    check(radio.delPeer(address), `del_peer ${macText(address)}`);
  }

  /** [mac, lmk, channel, ifidx, encrypt] of a registered peer (lmk is empty when not encrypted). */
  get_peer(mac: Bytes): PeerInfo {
    const radio = radioFor("get_peer");
    const address = macOf(mac, "get_peer");
    const out: unknown[] = [];
    check(radio.getPeer(address, out), `get_peer ${macText(address)}`);
    return peerInfo(out);
  }

  /** Every registered peer, as get_peer() gives them. */
  get_peers(): PeerInfo[] {
    const radio = radioFor("get_peers");
    const peers: PeerInfo[] = [];
    for (let first = true; ; first = false) {
      const out: unknown[] = [];
      if (radio.fetchPeer(first, out)) break;
      peers.push(peerInfo(out));
    }
    return peers;
  }

  /** [number of peers, number of encrypted peers]. */
  peer_count(): [number, number] {
    const out: number[] = [];
    check(radioFor("peer_count").peerCount(out), "peer_count");
    return out as [number, number];
  }

  /* ---- callbacks ---- */

  /** Call callback(this) as soon as possible after a message arrives (null: stop). Read everything waiting, with irecv(0), in it. */
  irq(callback: ((e: ESPNow) => void) | null): void {
    shared.irq = callbackOf(callback, "irq");
    shared.irqTarget = this;
  }

  /** Pycom-style: call callback(mac, delivered) once for every message sent (null: stop). delivered means the peer's radio acknowledged it. */
  on_send(callback: ((mac: Uint8Array, delivered: boolean) => void) | null): void {
    shared.onSend = callbackOf(callback, "on_send");
    logSends();
  }

  /* ---- for subclasses (AIOESPNow) ---- */

  /** Be told of every native wake-up (WAKE_RECEIVE, WAKE_SEND bits). */
  protected listen(listener: Wake, on: boolean): void {
    const index = shared.listeners.indexOf(listener);
    if (on && index < 0) shared.listeners.push(listener);
    else if (!on && index >= 0) shared.listeners.splice(index, 1);
  }

  /** Be told of each send's outcome (after on_send's callback), in completion order; null: stop. */
  protected watchSends(watcher: ((mac: Uint8Array, delivered: boolean) => void) | null): void {
    shared.sendWatcher = watcher;
    logSends();
  }

  /** Deliver the send statuses logged so far now, rather than at the next wake-up. */
  protected drainSends(): void {
    /* returned: XS makes a call in return position a tail call, so the callbacks run one frame less deep */
    return drainSends();
  }

  /** After a claimed wake, once no reader is left: whether an irq callback is set and a message waits; if now, the callback is called (else the caller offers again later). */
  protected offerToIrq(now: boolean): boolean {
    return offerToIrq(now);
  }

  /** Queue one frame to one peer without waiting: 0, or an ESP-IDF error number. mac and data as send() checks them (the native layer checks again). */
  protected sendFrame(mac: Uint8Array, data: Uint8Array): number {
    return radioFor("ESPNow").send(mac, data, false);
  }

  /** Every frame sent has completed and every logged status has been read. */
  protected sendsSettled(): boolean {
    return sendsSettled(radioFor("ESPNow"));
  }
}

/* the hot path: the native functions (methods, as the class's are: writable, not enumerable) */
ESPNow.prototype.recv = recv;
ESPNow.prototype.irecv = irecv;
ESPNow.prototype.recvinto = recvinto;
ESPNow.prototype.next = next;
ESPNow.prototype.send = send;

/* ---- internals: functions, not private methods (calling a private method allocates in XS) ---- */

/*
 * The checked paths of the native recv, irecv and recvinto (the class's
 * methods call them too): they see what the native ones hand on (a timeout
 * that is not an integer; ESP-NOW off; irecv()'s buffer not yet made),
 * report it as the API says, and receive.
 */
function recvChecked(timeout_ms?: number | null): [Uint8Array, Uint8Array] | [null, null] {
  return radioFor(RECV).receive(null, null, timeoutOf(timeout_ms, RECV), Receive.NEW, receiving) as unknown as [Uint8Array, Uint8Array] | [null, null];
}

function recvintoChecked(data: unknown[], timeout_ms?: number | null): number {
  /* the native receive checks data before it reads (an array of 2 or 4, data[1] a real buffer, writable); a resizable ArrayBuffer, or a length-tracking view of one, becomes the message's length */
  const length = radioFor(RECVINTO).receive(data, null, timeoutOf(timeout_ms, RECVINTO), Receive.INTO, receiving);
  if (length >= 0) return length;
  throw refused(length, (data as unknown[] | undefined)?.[1]);
}

function irecvChecked(timeout_ms?: number | null): [Uint8Array, Uint8Array] | [null, null] {
  const radio = radioFor(IRECV);
  /* a length-tracking view of a resizable buffer of the radio's largest message */
  let message = receiving[Slot.MESSAGE];
  if (!message) {
    message = receiving[Slot.MESSAGE] = new Uint8Array(new ArrayBuffer(MAX_DATA_LEN, { maxByteLength: MAX_DATA_LEN }));
    Radio.setReceiving(receiving);
  }
  radio.receive(pair, message, timeoutOf(timeout_ms, IRECV), Receive.PAIR, receiving);
  return pair as [Uint8Array, Uint8Array] | [null, null];
}

/*
 * The checked path of the native send (the class's method calls it too): it
 * sees what the native one hands on (ESP-NOW off, a send log kept for
 * on_send or AIOESPNow, a mac or msg that is not real bytes of the right
 * length, a string), checks and converts it, sends, hands the log on and
 * reports. failed: the native send's error, its frames sent already (the
 * ones before went out): reported, not sent again.
 */
function sendChecked(first: unknown, second?: unknown, sync: unknown = true, failed?: number): boolean {
  const radio = radioFor(SEND);
  const one = second === undefined;
  const mac = one ? null : first;
  const result = failed ?? radio.send(mac === null || mac === undefined ? null : macOf(mac, SEND), messageOf(one ? first : second, SEND), one || !!sync);
  if (shared.onSend !== null || shared.sendWatcher !== null) drainSends();
  if (result > 1) throw new ESPNowError(result, mac ? `send to ${macText(macOf(mac, SEND))}` : "send");
  return result === 0;
}

/** A message to send: bytes (or a string, as UTF-8) of 1..MAX_DATA_LEN bytes; another length is ESPNowError ESP_ERR_ESPNOW_ARG, as esp_now_send answers. */
function messageOf(message: unknown, what: string): Uint8Array {
  const data = bytesOf(message, what, MSG, true);
  const length = lengthOf(data);
  if (length < 1 || length > MAX_DATA_LEN) throw new ESPNowError(ERR_ARG, `${what}: msg must be 1..${MAX_DATA_LEN} bytes, got ${length}`);
  return data;
}

/** The open radio, or ESPNowError ESP_ERR_ESPNOW_NOT_INIT naming the call. */
function radioFor(what: string): Radio {
  if (!shared.radio) throw notActive(what);
  return shared.radio;
}

/** irq()'s and on_send()'s argument (what): a function, or null to stop. */
function callbackOf<T>(callback: T, what: string): T {
  if (callback !== null && typeof callback !== "function") throw new TypeError(`${what}: callback must be a function or null`);
  return callback;
}

/** The ESPNowError ESP_ERR_ESPNOW_NOT_INIT of a call (what) made while ESP-NOW is off. */
export function notActive(what: string): ESPNowError {
  return new ESPNowError(0x3065 /* ESP_ERR_ESPNOW_NOT_INIT */, `${what}: ESP-NOW is not active (call active(true) first)`);
}

function check(error: number, what: string): void {
  if (error) throw new ESPNowError(error, what);
}

/**
 * The timeout the native receive is given: timeout_ms if it is a number in
 * 0..2^31 - 1 (the native layer truncates a fraction, as Math.floor would);
 * config()'s when undefined or null (kept as config() checked it: a negative
 * one waits for ever); -1 for a negative one; 2^31 - 1 above that; TypeError
 * otherwise. The native irecv(), recv() and recvinto() take an absent,
 * undefined or integer timeout_ms themselves and hand the rest
 * to their checked paths, which call this. AIOESPNow checks its timeouts
 * with it.
 */
export function timeoutOf(timeout_ms: unknown, what: string): number {
  if (typeof timeout_ms === NUMBER && (timeout_ms as number) >= 0 && (timeout_ms as number) <= Limit.INT32_MAX) return timeout_ms as number;
  if (timeout_ms === undefined || timeout_ms === null) return receiving[Slot.TIMEOUT];
  if (typeof timeout_ms !== NUMBER || Number.isNaN(timeout_ms)) throw new TypeError(`${what}: timeout_ms must be a number or null, got ${String(timeout_ms)}`);
  return (timeout_ms as number) < 0 ? -1 : Math.min(timeout_ms as number, Limit.INT32_MAX);
}

/** recvinto()'s error for what the native receive refused (nothing was read); the native recvinto throws what this returns. */
function refused(code: number, message: unknown): Error {
  if (code === Receive.NOT_ARRAY) return new TypeError("recvinto: data must be an array [mac, msg] or [mac, msg, rssi, time]");
  if (code === Receive.NOT_BYTES) return new TypeError("recvinto: data[1] must be a Uint8Array or ArrayBuffer to hold the message");
  if (code === Receive.NOT_WRITABLE) return new TypeError("recvinto: data must be a writable array (not frozen)");
  /* the radio the call began with was turned off, even if another has been turned on since */
  if (code === Receive.CLOSED) return notActive(RECVINTO);
  return new RangeError(`recvinto: msg holds ${byteCount(message as Uint8Array)} bytes, the message has ${-code}`);
}

/**
 * add_peer() and mod_peer() (what) of the peer at address: the arguments
 * (or the options object in lmk's place, each option read once) checked,
 * over old's values (mod_peer's peer) or the defaults (add_peer: old null),
 * then the radio's call.
 */
function setPeer(what: string, address: Uint8Array, old: PeerInfo | null, lmk: unknown, channel: unknown, ifidx: unknown, encrypt: unknown): void {
  if (lmk !== null && typeof lmk === "object" && !isUint8Array(lmk) && !isArrayBuffer(lmk)) {
    const names = Object.keys(lmk);
    for (let i = 0; i < names.length; i++) {
      if (!["lmk", "channel", "ifidx", "encrypt"].includes(names[i])) throw new RangeError(`unknown peer parameter "${names[i]}"; expected lmk, channel, ifidx or encrypt`);
    }
    const options = lmk as PeerOptions;
    lmk = options.lmk;
    channel = options.channel;
    ifidx = options.ifidx;
    encrypt = options.encrypt;
  }
  const keep = lmk === undefined || lmk === null;
  const key = keep ? (old && old[1].length ? old[1] : null) : lmkOf(lmk, what);
  const crypt = encrypt === undefined || encrypt === null ? (keep && old ? old[4] : key !== null) : !!encrypt;
  const newChannel = optionalInteger(channel, `${what}: channel`, 0, 14) ?? (old ? old[2] : 0);
  const newIfidx = optionalInteger(ifidx, `${what}: ifidx`, 0, 1) ?? (old ? old[3] : 0);
  if (crypt && !key) throw new RangeError(`${what}: encrypt needs a ${KEY_LEN}-byte lmk`);
  if (crypt && (address[0] & 1)) throw new RangeError(`${what}: ${macText(address)} is a broadcast/multicast address, which cannot be encrypted`);
  /* the options' getters may have turned ESP-NOW off: ask again */
  const radio = radioFor(what);
  check(old ? radio.modPeer(address, key, newChannel, newIfidx, crypt) : radio.addPeer(address, key, newChannel, newIfidx, crypt), `${what} ${macText(address)}`);
}

/** MicroPython: a 16-byte key, or any false value (None, False, b'') for none. */
function lmkOf(value: unknown, what: string): Uint8Array | null {
  if (!value) return null;
  if ((isUint8Array(value) || isArrayBuffer(value)) && byteCount(value) === 0) return null;
  if (value === true) throw new TypeError(`${what}: lmk must be ${KEY_LEN} bytes or a false value, got true`);
  return keyBytes(value, what, ": lmk");
}

/** The native layer's out array (modESPNow.c's setPeer: [mac, lmk] ArrayBuffers, channel, ifidx, encrypt) made a PeerInfo in place: the mac the peers_table key where there is one. */
function peerInfo(out: unknown[]): PeerInfo {
  const key = keyOf(new Uint8Array(out[0] as ArrayBuffer));
  out[0] = senders.get(key) ?? macOfKey(key);
  out[1] = new Uint8Array(out[1] as ArrayBuffer);
  return out as PeerInfo;
}
