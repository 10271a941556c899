/**
 * The air's UDP datagram protocol, encoded and decoded. PROTOCOL.md is the
 * normative description; this file and client.ts are the reference implementation
 * of it. Every multi-byte integer is little-endian; every datagram is one message.
 */

export const MAGIC = Buffer.from('ENAR', 'latin1');
export const PROTOCOL_VERSION = 1;
export const HEADER_LENGTH = 8;
/** ESP_NOW_MAX_DATA_LEN_V2 of ESP-IDF 5.4.0-5.4.1 (1470 from 5.4.2): the node says which it models. */
export const MAX_PAYLOAD = 1490;
export const MAX_PAYLOAD_V1 = 250;
export const MAX_NAME = 32;
export const KEY_LEN = 16;
/** Request id 0 in an air-initiated message (RECV, NOTICE). */
export const NO_REQUEST = 0;
/** HELLO index meaning "the air picks the lowest free index". */
export const ANY_INDEX = 0xffff;

export const MsgType = {
  HELLO: 0x01,
  STATE: 0x02,
  SET_PMK: 0x03,
  SET_PEER_KEY: 0x04,
  SEND: 0x05,
  POSITION: 0x06,
  PING: 0x07,
  BYE: 0x08,
  CONTROL: 0x40,
  ACK: 0x80,
  WELCOME: 0x81,
  SEND_STATUS: 0x85,
  PONG: 0x87,
  RECV: 0x90,
  NOTICE: 0x91,
  CONTROL_REPLY: 0xc0,
} as const;

/** Flags octet of HELLO, STATE and NOTICE. */
export const Flag = {
  STA_ON: 0x01,
  AP_ON: 0x02,
  ESPNOW_ON: 0x04,
  /** NOTICE only: the air has stopped this node (control `stop`). */
  STOPPED: 0x08,
} as const;

export const Chip = { ESP32: 0, ESP8266: 1 } as const;
export type ChipName = 'esp32' | 'esp8266';
export const Iface = { STA: 0, AP: 1 } as const;
export type IfaceName = 'sta' | 'ap';

/** Status octet of ACK and WELCOME. */
export const AckStatus = {
  OK: 0,
  NOT_REGISTERED: 1,
  INVALID: 2,
  IN_USE: 3,
} as const;

/** Status octet of SEND_STATUS. */
export const SendStatusCode = {
  /** Unicast: the receiver's MAC acknowledged the frame. Group: the frame was sent. */
  SUCCESS: 0,
  /** Transmitted but not acknowledged (no receiver on the channel, or lost). */
  FAIL: 1,
  /** Never transmitted: the request was not acceptable. */
  REFUSED: 2,
} as const;

/**
 * Reason octet of SEND_STATUS; the same names appear in the event log. Reasons at
 * or above 16 are per-receiver outcomes that only the event log reports.
 */
export const Reason = {
  'ok': 0,
  'no-receiver-on-channel': 1,
  'loss': 2,
  'node-stopped': 3,
  'not-initialised': 4,
  'interface-off': 5,
  'too-long': 6,
  'encrypt-group': 7,
  'no-key': 8,
  'invalid': 9,
  'not-registered': 10,
  'key-mismatch': 16,
  'v1-too-long': 17,
  'esp8266-no-group': 18,
  'protocol-mismatch': 19,
} as const;
export type ReasonName = keyof typeof Reason;

export function reasonName(code: number): ReasonName | undefined {
  return (Object.keys(Reason) as ReasonName[]).find((name) => Reason[name] === code);
}

export interface Flags {
  staOn: boolean;
  apOn: boolean;
  espnow: boolean;
}

export interface HelloMsg extends Flags {
  type: 'hello';
  req: number;
  index: number;
  chip: number;
  version: number;
  channel: number;
  /** Mbit/s, decoded from 500 kbit/s units. */
  rate: number;
  x: number;
  y: number;
  sta: Buffer;
  ap: Buffer;
  name: string;
}

export interface StateMsg extends Flags {
  type: 'state';
  req: number;
  channel: number;
  rate: number;
  version: number;
  /** WIFI_PROTOCOL_ bits of the interfaces (11b 1, 11g 2, 11n 4, LR 8); 0 or absent: the default, 11b/g/n */
  protocol?: number;
  /** maximum transmit power in 0.25 dBm units, as esp_wifi_set_max_tx_power takes it; 0 or absent: the air's default */
  txPower?: number;
}

export interface SetPmkMsg {
  type: 'set-pmk';
  req: number;
  pmk: Buffer;
}

export interface SetPeerKeyMsg {
  type: 'set-peer-key';
  req: number;
  mac: Buffer;
  /** undefined removes the peer's key. */
  lmk: Buffer | undefined;
}

export interface SendMsg {
  type: 'send';
  req: number;
  seq: number;
  iface: number;
  encrypt: boolean;
  dst: Buffer;
  payload: Buffer;
}

export interface PositionMsg {
  type: 'position';
  req: number;
  x: number;
  y: number;
}

export interface PingMsg {
  type: 'ping';
  req: number;
}

export interface ByeMsg {
  type: 'bye';
  req: number;
}

export interface ControlMsg {
  type: 'control';
  req: number;
  json: string;
}

export interface AckMsg {
  type: 'ack';
  req: number;
  status: number;
  text: string;
}

export interface WelcomeMsg {
  type: 'welcome';
  req: number;
  status: number;
  index: number;
  sta: Buffer;
  ap: Buffer;
  timeoutMs: number;
  timeUs: number;
  /**
   * 0: the node hands frames over as they come (virtual clock). N: the air's clock follows
   * the wall clock, and the node hands each frame over N ms after its air time, so frames the
   * air sent together reach the application spaced as they were on the air.
   */
  paceMs: number;
  text: string;
}

export interface SendStatusMsg {
  type: 'send-status';
  req: number;
  seq: number;
  status: number;
  reason: number;
  timeUs: number;
  text: string;
}

export interface PongMsg {
  type: 'pong';
  req: number;
  timeUs: number;
}

export interface RecvMsg {
  type: 'recv';
  req: number;
  src: Buffer;
  dst: Buffer;
  rssi: number;
  channel: number;
  encrypted: boolean;
  version: number;
  timeUs: number;
  payload: Buffer;
}

export interface NoticeMsg extends Flags {
  type: 'notice';
  req: number;
  stopped: boolean;
  channel: number;
  rate: number;
  x: number;
  y: number;
}

export interface ControlReplyMsg {
  type: 'control-reply';
  req: number;
  json: string;
}

export type Message =
  | HelloMsg
  | StateMsg
  | SetPmkMsg
  | SetPeerKeyMsg
  | SendMsg
  | PositionMsg
  | PingMsg
  | ByeMsg
  | ControlMsg
  | AckMsg
  | WelcomeMsg
  | SendStatusMsg
  | PongMsg
  | RecvMsg
  | NoticeMsg
  | ControlReplyMsg;

/** Thrown by decode for a datagram that is not a well-formed message. */
export class ProtocolError extends Error {}

function flagsByte(f: Flags & { stopped?: boolean }): number {
  return (
    (f.staOn ? Flag.STA_ON : 0) | (f.apOn ? Flag.AP_ON : 0) | (f.espnow ? Flag.ESPNOW_ON : 0) | (f.stopped ? Flag.STOPPED : 0)
  );
}

function flagsFrom(b: number): Flags {
  return { staOn: (b & Flag.STA_ON) !== 0, apOn: (b & Flag.AP_ON) !== 0, espnow: (b & Flag.ESPNOW_ON) !== 0 };
}

/** Sequential little-endian writer over a buffer of known size. */
class Writer {
  readonly buf: Buffer;
  at = 0;
  constructor(size: number) {
    this.buf = Buffer.alloc(size);
  }
  u8(v: number): this {
    this.buf.writeUInt8(v, this.at);
    this.at += 1;
    return this;
  }
  i8(v: number): this {
    this.buf.writeInt8(v, this.at);
    this.at += 1;
    return this;
  }
  u16(v: number): this {
    this.buf.writeUInt16LE(v, this.at);
    this.at += 2;
    return this;
  }
  u32(v: number): this {
    this.buf.writeUInt32LE(v >>> 0, this.at);
    this.at += 4;
    return this;
  }
  u64(v: number): this {
    this.buf.writeBigUInt64LE(BigInt(Math.max(0, Math.floor(v))), this.at);
    this.at += 8;
    return this;
  }
  f32(v: number): this {
    this.buf.writeFloatLE(v, this.at);
    this.at += 4;
    return this;
  }
  bytes(b: Uint8Array, length = b.length): this {
    if (b.length !== length) throw new RangeError(`encode: expected ${length} bytes, got ${b.length}`);
    this.buf.set(b, this.at);
    this.at += length;
    return this;
  }
}

/** Reader that throws ProtocolError on any read past the end. */
class Reader {
  at = HEADER_LENGTH;
  constructor(readonly buf: Buffer) {}
  private need(n: number, what: string): void {
    if (this.at + n > this.buf.length) throw new ProtocolError(`truncated ${what}`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf.readUInt8(this.at++);
  }
  i8(what: string): number {
    this.need(1, what);
    return this.buf.readInt8(this.at++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  u64(what: string): number {
    this.need(8, what);
    const v = Number(this.buf.readBigUInt64LE(this.at));
    this.at += 8;
    return v;
  }
  f32(what: string): number {
    this.need(4, what);
    const v = this.buf.readFloatLE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = Buffer.from(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return v;
  }
  text(what: string): string {
    const n = this.u8(`${what} length`);
    return this.bytes(n, what).toString('utf8');
  }
  rest(): Buffer {
    const v = Buffer.from(this.buf.subarray(this.at));
    this.at = this.buf.length;
    return v;
  }
  end(what: string): void {
    if (this.at !== this.buf.length) throw new ProtocolError(`${what}: ${this.buf.length - this.at} trailing bytes`);
  }
}

function header(w: Writer, type: number, req: number): Writer {
  return w.bytes(MAGIC).u8(PROTOCOL_VERSION).u8(type).u16(req & 0xffff);
}

/** Text fields are at most 255 bytes of UTF-8; longer text is cut at a character boundary. */
function textBytes(text: string): Buffer {
  let b = Buffer.from(text, 'utf8');
  while (b.length > 255) {
    text = text.slice(0, -1);
    b = Buffer.from(text, 'utf8');
  }
  return b;
}

/*
 * The rate field: 500 kbit/s units for the 802.11b/g rates (2 is 1 Mbit/s); the
 * HT and long-range rates are 0x8000 | their wifi_phy_rate_t value (MCS0..7 with the
 * long guard interval 0x10..0x17, with the short one 0x18..0x1f; LR 250 and 500
 * kbit/s 0x29, 0x2a). Decoded, every rate is Mbit/s (tools/air/airtime.ts).
 */
const EXTENDED_RATE = 0x8000;
const EXTENDED_RATES: Record<number, number> = {
  0x10: 6.5, 0x11: 13, 0x12: 19.5, 0x13: 26, 0x14: 39, 0x15: 52, 0x16: 58.5, 0x17: 65,
  0x18: 7.2, 0x19: 14.4, 0x1a: 21.7, 0x1b: 28.9, 0x1c: 43.3, 0x1d: 57.8, 0x1e: 65, 0x1f: 72.2,
  0x29: 0.25, 0x2a: 0.5,
};

function rateCode(rate: number): number {
  for (const [code, mbps] of Object.entries(EXTENDED_RATES)) if (mbps === rate) return EXTENDED_RATE | Number(code);
  return Math.round(rate * 2);
}

/** The rate field decoded to Mbit/s; an extended code that names no rate makes the datagram malformed. */
export function rateFromCode(code: number): number {
  if (!(code & EXTENDED_RATE)) return code / 2;
  const rate = EXTENDED_RATES[code & ~EXTENDED_RATE];
  if (rate === undefined) throw new ProtocolError(`rate code 0x${code.toString(16)} names no rate`);
  return rate;
}

export function encode(m: Message): Buffer {
  switch (m.type) {
    case 'hello': {
      const name = Buffer.from(m.name, 'utf8');
      if (name.length > MAX_NAME) throw new RangeError(`hello: name must be at most ${MAX_NAME} bytes, got ${name.length}`);
      return header(new Writer(37 + name.length), MsgType.HELLO, m.req)
        .u16(m.index).u8(m.chip).u8(m.version).u8(flagsByte(m)).u8(m.channel).u16(rateCode(m.rate))
        .f32(m.x).f32(m.y).bytes(m.sta, 6).bytes(m.ap, 6).u8(name.length).bytes(name).buf;
    }
    case 'state':
    {
      const extended = m.protocol !== undefined || m.txPower !== undefined;
      const w = header(new Writer(extended ? 15 : 13), MsgType.STATE, m.req).u8(flagsByte(m)).u8(m.channel).u16(rateCode(m.rate)).u8(m.version);
      return extended ? w.u8(m.protocol ?? 0).u8(m.txPower ?? 0).buf : w.buf;
    }
    case 'set-pmk':
      return header(new Writer(24), MsgType.SET_PMK, m.req).bytes(m.pmk, KEY_LEN).buf;
    case 'set-peer-key':
      return header(new Writer(31), MsgType.SET_PEER_KEY, m.req)
        .bytes(m.mac, 6).u8(m.lmk ? 1 : 0).bytes(m.lmk ?? Buffer.alloc(KEY_LEN), KEY_LEN).buf;
    case 'send':
      return header(new Writer(22 + m.payload.length), MsgType.SEND, m.req)
        .u32(m.seq).u8(m.iface).u8(m.encrypt ? 1 : 0).bytes(m.dst, 6).u16(m.payload.length).bytes(m.payload).buf;
    case 'position':
      return header(new Writer(16), MsgType.POSITION, m.req).f32(m.x).f32(m.y).buf;
    case 'ping':
      return header(new Writer(8), MsgType.PING, m.req).buf;
    case 'bye':
      return header(new Writer(8), MsgType.BYE, m.req).buf;
    case 'control': {
      const json = Buffer.from(m.json, 'utf8');
      return header(new Writer(8 + json.length), MsgType.CONTROL, m.req).bytes(json).buf;
    }
    case 'ack': {
      const text = textBytes(m.text);
      return header(new Writer(10 + text.length), MsgType.ACK, m.req).u8(m.status).u8(text.length).bytes(text).buf;
    }
    case 'welcome': {
      const text = textBytes(m.text);
      return header(new Writer(37 + text.length), MsgType.WELCOME, m.req)
        .u8(m.status).u8(m.paceMs).u16(m.index).bytes(m.sta, 6).bytes(m.ap, 6).u32(m.timeoutMs).u64(m.timeUs)
        .u8(text.length).bytes(text).buf;
    }
    case 'send-status': {
      const text = textBytes(m.text);
      return header(new Writer(25 + text.length), MsgType.SEND_STATUS, m.req)
        .u32(m.seq).u8(m.status).u8(m.reason).u16(0).u64(m.timeUs).u8(text.length).bytes(text).buf;
    }
    case 'pong':
      return header(new Writer(16), MsgType.PONG, m.req).u64(m.timeUs).buf;
    case 'recv':
      return header(new Writer(34 + m.payload.length), MsgType.RECV, m.req)
        .bytes(m.src, 6).bytes(m.dst, 6).i8(m.rssi).u8(m.channel).u8(m.encrypted ? 1 : 0).u8(m.version)
        .u64(m.timeUs).u16(m.payload.length).bytes(m.payload).buf;
    case 'notice':
      return header(new Writer(20), MsgType.NOTICE, m.req)
        .u8(flagsByte(m)).u8(m.channel).u16(rateCode(m.rate)).f32(m.x).f32(m.y).buf;
    case 'control-reply': {
      const json = Buffer.from(m.json, 'utf8');
      return header(new Writer(8 + json.length), MsgType.CONTROL_REPLY, m.req).bytes(json).buf;
    }
  }
}

/** Decodes one datagram; throws ProtocolError saying what is wrong with it. */
export function decode(datagram: Uint8Array): Message {
  const buf = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  if (buf.length < HEADER_LENGTH) throw new ProtocolError(`datagram of ${buf.length} bytes is shorter than the ${HEADER_LENGTH}-byte header`);
  if (!buf.subarray(0, 4).equals(MAGIC)) throw new ProtocolError('bad magic');
  if (buf[4] !== PROTOCOL_VERSION) throw new ProtocolError(`unsupported protocol version ${buf[4]}, expected ${PROTOCOL_VERSION}`);
  const type = buf[5];
  const req = buf.readUInt16LE(6);
  const r = new Reader(buf);
  let m: Message;
  switch (type) {
    case MsgType.HELLO: {
      const index = r.u16('index');
      const chip = r.u8('chip');
      const version = r.u8('version');
      const flags = flagsFrom(r.u8('flags'));
      const channel = r.u8('channel');
      const rate = rateFromCode(r.u16('rate'));
      const x = r.f32('x');
      const y = r.f32('y');
      const sta = r.bytes(6, 'sta');
      const ap = r.bytes(6, 'ap');
      const name = r.text('name');
      m = { type: 'hello', req, index, chip, version, ...flags, channel, rate, x, y, sta, ap, name };
      break;
    }
    case MsgType.STATE: {
      const flags = flagsFrom(r.u8('flags'));
      const state: StateMsg = { type: 'state', req, ...flags, channel: r.u8('channel'), rate: rateFromCode(r.u16('rate')), version: r.u8('version') };
      /* two optional octets, both or neither (nodes built before long range send 13 bytes) */
      if (r.at < buf.length) {
        state.protocol = r.u8('protocol');
        state.txPower = r.u8('txpower');
      }
      m = state;
      break;
    }
    case MsgType.SET_PMK:
      m = { type: 'set-pmk', req, pmk: r.bytes(KEY_LEN, 'pmk') };
      break;
    case MsgType.SET_PEER_KEY: {
      const mac = r.bytes(6, 'mac');
      const has = (r.u8('flags') & 1) !== 0;
      const lmk = r.bytes(KEY_LEN, 'lmk');
      m = { type: 'set-peer-key', req, mac, lmk: has ? lmk : undefined };
      break;
    }
    case MsgType.SEND: {
      const seq = r.u32('seq');
      const iface = r.u8('interface');
      const encrypt = (r.u8('flags') & 1) !== 0;
      const dst = r.bytes(6, 'dest');
      const length = r.u16('length');
      if (length > MAX_PAYLOAD) throw new ProtocolError(`send: length ${length} exceeds ${MAX_PAYLOAD}`);
      m = { type: 'send', req, seq, iface, encrypt, dst, payload: r.bytes(length, 'payload') };
      break;
    }
    case MsgType.POSITION:
      m = { type: 'position', req, x: r.f32('x'), y: r.f32('y') };
      break;
    case MsgType.PING:
      m = { type: 'ping', req };
      break;
    case MsgType.BYE:
      m = { type: 'bye', req };
      break;
    case MsgType.CONTROL:
      m = { type: 'control', req, json: r.rest().toString('utf8') };
      break;
    case MsgType.ACK:
      m = { type: 'ack', req, status: r.u8('status'), text: r.text('text') };
      break;
    case MsgType.WELCOME: {
      const status = r.u8('status');
      const paceMs = r.u8('pace');
      const index = r.u16('index');
      const sta = r.bytes(6, 'sta');
      const ap = r.bytes(6, 'ap');
      const timeoutMs = r.u32('timeout');
      const timeUs = r.u64('time');
      m = { type: 'welcome', req, status, index, sta, ap, timeoutMs, timeUs, paceMs, text: r.text('text') };
      break;
    }
    case MsgType.SEND_STATUS: {
      const seq = r.u32('seq');
      const status = r.u8('status');
      const reason = r.u8('reason');
      r.u16('reserved');
      const timeUs = r.u64('time');
      m = { type: 'send-status', req, seq, status, reason, timeUs, text: r.text('text') };
      break;
    }
    case MsgType.PONG:
      m = { type: 'pong', req, timeUs: r.u64('time') };
      break;
    case MsgType.RECV: {
      const src = r.bytes(6, 'src');
      const dst = r.bytes(6, 'dest');
      const rssi = r.i8('rssi');
      const channel = r.u8('channel');
      const encrypted = (r.u8('flags') & 1) !== 0;
      const version = r.u8('version');
      const timeUs = r.u64('time');
      const length = r.u16('length');
      m = { type: 'recv', req, src, dst, rssi, channel, encrypted, version, timeUs, payload: r.bytes(length, 'payload') };
      break;
    }
    case MsgType.NOTICE: {
      const b = r.u8('flags');
      m = {
        type: 'notice', req, ...flagsFrom(b), stopped: (b & Flag.STOPPED) !== 0,
        channel: r.u8('channel'), rate: rateFromCode(r.u16('rate')), x: r.f32('x'), y: r.f32('y'),
      };
      break;
    }
    case MsgType.CONTROL_REPLY:
      m = { type: 'control-reply', req, json: r.rest().toString('utf8') };
      break;
    default:
      throw new ProtocolError(`unknown message type 0x${type.toString(16).padStart(2, '0')}`);
  }
  r.end(m.type);
  return m;
}
