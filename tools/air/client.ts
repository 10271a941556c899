/**
 * The node side of the air protocol in TypeScript: what the simulator host's C
 * glue does, written plainly so it can serve as the reference for it. Tests use
 * it to stand in for nodes; AirControl drives the air's control interface.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { AirStats, LossSetting, NodeInfo, NodeRef } from './air.ts';
import { macFromString, macToString } from './mac.ts';
import {
  ANY_INDEX,
  AckStatus,
  Chip,
  Iface,
  SendStatusCode,
  decode,
  encode,
  reasonName,
  type ChipName,
  type IfaceName,
  type Message,
  type ReasonName,
} from './protocol.ts';
import { enlargeReceiveBuffer } from './udp.ts';

export interface AirNodeOptions {
  /** The air's UDP port. */
  port: number;
  host?: string;
  /** Requested index (decides the default MACs); the air picks the lowest free one if omitted. */
  index?: number;
  name?: string;
  chip?: ChipName;
  /** ESP-NOW version, 1 (250-byte payloads) or 2 (up to 1490). Default 2. */
  version?: 1 | 2;
  /** Default 1. */
  channel?: number;
  /** PHY rate in Mbit/s. Default 1. */
  rate?: number;
  x?: number;
  y?: number;
  /** Requested MACs; the air's deterministic defaults if omitted. */
  sta?: string | Uint8Array;
  ap?: string | Uint8Array;
  /** Default true. */
  staOn?: boolean;
  /** Default false. */
  apOn?: boolean;
  /** ESP-NOW initialised. Default true. */
  espnow?: boolean;
  /** Send PING this often; 0 disables keepalive. Default: a third of the air's node timeout. */
  keepaliveMs?: number;
  /** How long to wait for the air's reply to a request. Default 5000 ms. */
  replyTimeoutMs?: number;
}

export interface InterfaceState {
  staOn: boolean;
  apOn: boolean;
  espnow: boolean;
  channel: number;
  rate: number;
  version: 1 | 2;
  /** WIFI_PROTOCOL_ bits the radio hears (0 or absent: 802.11b/g/n) */
  protocol?: number;
  /** maximum transmit power, 0.25 dBm units (0 or absent: the air's default) */
  txPower?: number;
}

export interface SendOptions {
  /** Interface to send from. Default 'sta'. */
  iface?: IfaceName;
  /** Ask the air to encrypt with the peer's LMK. */
  encrypt?: boolean;
}

export interface SendResult {
  seq: number;
  /** true when the status is 'success'. */
  ok: boolean;
  status: 'success' | 'fail' | 'refused';
  reason: ReasonName | 'unknown';
  /** Model time the status refers to (end of the frame's airtime), microseconds. */
  timeUs: number;
  /** Why a request was refused, in words; empty otherwise. */
  text: string;
}

export interface Received {
  src: string;
  dst: string;
  rssi: number;
  channel: number;
  encrypted: boolean;
  version: number;
  timeUs: number;
  payload: Buffer;
}

/** The air answered a request with an error status. */
export class AirRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Waiter {
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** A UDP socket that matches replies to requests by request id. */
class Endpoint extends EventEmitter {
  protected readonly socket: Socket;
  private readonly waiters = new Map<number, Waiter>();
  private nextReq = 1;
  protected closed = false;

  protected constructor(
    readonly host: string,
    readonly port: number,
    protected replyTimeoutMs: number,
  ) {
    super();
    this.socket = createSocket({ type: 'udp4' });
    this.socket.on('message', (data) => this.onDatagram(data));
    this.socket.on('error', (err) => this.emit('socket-error', err));
  }

  protected async bind(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, this.host, () => {
        this.socket.off('error', reject);
        enlargeReceiveBuffer(this.socket);
        resolve();
      });
    });
  }

  /** Sends raw bytes to the air: for tests of the air's robustness. */
  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.send(bytes, this.port, this.host);
  }

  protected newReq(): number {
    const req = this.nextReq;
    this.nextReq = this.nextReq === 0xffff ? 1 : this.nextReq + 1;
    return req;
  }

  protected post(m: Message): void {
    this.sendRaw(encode(m));
  }

  /** Sends `m` and resolves once the datagram has left the socket. */
  protected flush(m: Message): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.send(encode(m), this.port, this.host, () => resolve()));
  }

  /** Sends `m` (whose req is set here) and resolves with the reply carrying the same req. */
  protected request(m: Message, timeoutMs = this.replyTimeoutMs): Promise<Message> {
    const req = this.newReq();
    m.req = req;
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(req);
        reject(new Error(`air: no reply to ${m.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(req, { resolve, reject, timer });
      this.post(m);
    });
  }

  private onDatagram(data: Buffer): void {
    let m: Message;
    try {
      m = decode(data);
    } catch (err) {
      this.emit('malformed', err);
      return;
    }
    const waiter = m.req !== 0 ? this.waiters.get(m.req) : undefined;
    if (waiter) {
      this.waiters.delete(m.req);
      clearTimeout(waiter.timer);
      waiter.resolve(m);
    } else {
      this.onUnsolicited(m);
    }
  }

  protected onUnsolicited(_m: Message): void {}

  protected async closeSocket(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.values()) {
      clearTimeout(w.timer);
      w.reject(new Error('air: endpoint closed'));
    }
    this.waiters.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

function expectAck(m: Message, what: string): void {
  if (m.type !== 'ack') throw new Error(`air: expected ACK to ${what}, got ${m.type}`);
  if (m.status !== AckStatus.OK) throw new AirRequestError(m.status, m.text || `${what} refused with status ${m.status}`);
}

function macBytes(mac: string | Uint8Array | undefined): Buffer {
  if (mac === undefined) return Buffer.alloc(6);
  return typeof mac === 'string' ? macFromString(mac) : Buffer.from(mac);
}

/**
 * One simulated node. Events: 'recv' (Received), 'notice' (NodeNotice) when the
 * air changes the node's state through its control interface.
 */
export class AirNode extends Endpoint {
  index = 0;
  sta = '';
  ap = '';
  /** The air's node timeout, from WELCOME. */
  timeoutMs = 0;
  name: string;
  state: InterfaceState;
  stopped = false;
  /** Frames received and not yet taken by recv(). */
  readonly received: Received[] = [];
  private readonly recvWaiters: Array<(r: Received | undefined) => void> = [];
  private keepalive: NodeJS.Timeout | undefined;
  private nextSeq = 1;

  private constructor(private readonly options: AirNodeOptions) {
    super(options.host ?? '127.0.0.1', options.port, options.replyTimeoutMs ?? 5000);
    this.name = options.name ?? '';
    this.state = {
      staOn: options.staOn ?? true,
      apOn: options.apOn ?? false,
      espnow: options.espnow ?? true,
      channel: options.channel ?? 1,
      rate: options.rate ?? 1,
      version: options.version ?? 2,
    };
  }

  /** Opens a socket, registers with the air (HELLO/WELCOME) and starts the keepalive. */
  static async connect(options: AirNodeOptions): Promise<AirNode> {
    const node = new AirNode(options);
    await node.bind();
    try {
      const reply = await node.request({
        type: 'hello', req: 0, index: options.index ?? ANY_INDEX,
        chip: options.chip === 'esp8266' ? Chip.ESP8266 : Chip.ESP32, ...node.state,
        x: options.x ?? 0, y: options.y ?? 0, sta: macBytes(options.sta), ap: macBytes(options.ap), name: node.name,
      });
      if (reply.type !== 'welcome') throw new Error(`air: expected WELCOME, got ${reply.type}`);
      if (reply.status !== AckStatus.OK) throw new AirRequestError(reply.status, reply.text);
      node.index = reply.index;
      node.sta = macToString(reply.sta);
      node.ap = macToString(reply.ap);
      node.timeoutMs = reply.timeoutMs;
      node.name ||= `node${reply.index}`;
    } catch (err) {
      await node.closeSocket();
      throw err;
    }
    const every = options.keepaliveMs ?? Math.max(10, Math.floor(node.timeoutMs / 3));
    if (every > 0) node.keepalive = setInterval(() => node.post({ type: 'ping', req: 0 }), every);
    return node;
  }

  /** Sends one ESP-NOW frame and resolves with its send status. */
  async send(dst: string | Uint8Array, payload: Uint8Array | string, options: SendOptions = {}, timeoutMs?: number): Promise<SendResult> {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    const reply = await this.request({
      type: 'send', req: 0, seq, iface: options.iface === 'ap' ? Iface.AP : Iface.STA, encrypt: options.encrypt ?? false,
      dst: macBytes(dst), payload: typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload),
    }, timeoutMs);
    if (reply.type !== 'send-status') throw new Error(`air: expected SEND_STATUS, got ${reply.type}`);
    const status = reply.status === SendStatusCode.SUCCESS ? 'success' : reply.status === SendStatusCode.FAIL ? 'fail' : 'refused';
    return { seq: reply.seq, ok: status === 'success', status, reason: reasonName(reply.reason) ?? 'unknown', timeUs: reply.timeUs, text: reply.text };
  }

  /** The next received frame, or undefined after `timeoutMs`. */
  recv(timeoutMs = 1000): Promise<Received | undefined> {
    const first = this.received.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => {
      const waiter = (r: Received | undefined): void => {
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        const i = this.recvWaiters.indexOf(waiter);
        if (i >= 0) this.recvWaiters.splice(i, 1);
        resolve(undefined);
      }, timeoutMs);
      this.recvWaiters.push(waiter);
    });
  }

  /** Changes interface state; resolves once the air has applied it. */
  async setState(patch: Partial<InterfaceState>): Promise<void> {
    const next = { ...this.state, ...patch };
    expectAck(await this.request({ type: 'state', req: 0, ...next }), 'state');
    this.state = next;
  }

  async setPmk(pmk: Uint8Array | string): Promise<void> {
    expectAck(await this.request({ type: 'set-pmk', req: 0, pmk: Buffer.from(pmk) }), 'set-pmk');
  }

  /** Sets (or with null removes) the LMK this node uses with peer `mac`. */
  async setPeerKey(mac: string | Uint8Array, lmk: Uint8Array | string | null): Promise<void> {
    expectAck(
      await this.request({ type: 'set-peer-key', req: 0, mac: macBytes(mac), lmk: lmk === null ? undefined : Buffer.from(lmk) }),
      'set-peer-key',
    );
  }

  async setPosition(x: number, y: number): Promise<void> {
    expectAck(await this.request({ type: 'position', req: 0, x, y }), 'position');
  }

  /** Round trip to the air; resolves to the air's model time. */
  async ping(): Promise<number> {
    const reply = await this.request({ type: 'ping', req: 0 });
    if (reply.type === 'ack') throw new AirRequestError(reply.status, reply.text);
    if (reply.type !== 'pong') throw new Error(`air: expected PONG, got ${reply.type}`);
    return reply.timeUs;
  }

  /** Stops the keepalive without leaving: the air will time the node out. */
  stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = undefined;
  }

  /** Says BYE and closes the socket. */
  async close(): Promise<void> {
    this.stopKeepalive();
    await this.flush({ type: 'bye', req: 0 });
    for (const w of this.recvWaiters.splice(0)) w(undefined);
    await this.closeSocket();
  }

  protected override onUnsolicited(m: Message): void {
    if (m.type === 'recv') {
      const r: Received = {
        src: macToString(m.src), dst: macToString(m.dst), rssi: m.rssi, channel: m.channel, encrypted: m.encrypted,
        version: m.version, timeUs: m.timeUs, payload: m.payload,
      };
      const waiter = this.recvWaiters.shift();
      if (waiter) waiter(r);
      else this.received.push(r);
      this.emit('recv', r);
    } else if (m.type === 'notice') {
      this.state = { ...this.state, staOn: m.staOn, apOn: m.apOn, espnow: m.espnow, channel: m.channel, rate: m.rate };
      this.stopped = m.stopped;
      this.emit('notice', m);
    }
  }
}

/** A client of the air's control interface (CONTROL datagrams with JSON bodies). */
export class AirControl extends Endpoint {
  private constructor(host: string, port: number, replyTimeoutMs: number) {
    super(host, port, replyTimeoutMs);
  }

  static async connect(port: number, host = '127.0.0.1', replyTimeoutMs = 5000): Promise<AirControl> {
    const c = new AirControl(host, port, replyTimeoutMs);
    await c.bind();
    return c;
  }

  /** Sends one control request; resolves with its result or throws its error. */
  async call(request: Record<string, unknown>): Promise<unknown> {
    const reply = await this.request({ type: 'control', req: 0, json: JSON.stringify(request) });
    if (reply.type !== 'control-reply') throw new Error(`air: expected CONTROL_REPLY, got ${reply.type}`);
    const body = JSON.parse(reply.json) as { ok: boolean; result?: unknown; error?: string };
    if (!body.ok) throw new Error(body.error ?? 'control request failed');
    return body.result;
  }

  async list(): Promise<NodeInfo[]> {
    return (await this.call({ op: 'list' })) as NodeInfo[];
  }

  async stats(): Promise<AirStats> {
    return (await this.call({ op: 'stats' })) as AirStats;
  }

  async move(node: NodeRef, x: number, y: number): Promise<void> {
    await this.call({ op: 'move', node, x, y });
  }

  async setLoss(setting: LossSetting): Promise<void> {
    await this.call({ op: 'loss', ...setting });
  }

  async setChannel(node: NodeRef, channel: number): Promise<void> {
    await this.call({ op: 'channel', node, channel });
  }

  async stopNode(node: NodeRef): Promise<void> {
    await this.call({ op: 'stop', node });
  }

  async restartNode(node: NodeRef): Promise<void> {
    await this.call({ op: 'restart', node });
  }

  async close(): Promise<void> {
    await this.closeSocket();
  }
}
