/**
 * The simulated ESP-NOW air: a UDP server on loopback that every simulated node
 * registers with, and that decides, as a radio channel would, which frames reach
 * whom, when, and at what signal strength. PROTOCOL.md describes the datagrams,
 * MODEL.md the radio model.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isPhyRate, mpduTime, phyOf, PROTOCOL_BITS, type PhyRate } from './airtime.ts';
import { RealClock, VirtualClock, type Clock } from './clock.ts';
import { decodeFrame, deriveKey, encodeFrame, espNowMpduLength, type FrameFields } from './frame.ts';
import { defaultMacs, isGroupMac, isZeroMac, macFromString, macToString, normaliseMac } from './mac.ts';
import { PcapWriter } from './pcap.ts';
import { Prng } from './prng.ts';
import { enlargeReceiveBuffer } from './udp.ts';
import {
  ANY_INDEX,
  AckStatus,
  Chip,
  Iface,
  KEY_LEN,
  MAX_NAME,
  MAX_PAYLOAD,
  MAX_PAYLOAD_V1,
  NO_REQUEST,
  ProtocolError,
  Reason,
  SendStatusCode,
  decode,
  encode,
  type ChipName,
  type HelloMsg,
  type Message,
  type ReasonName,
  type SendMsg,
  type StateMsg,
} from './protocol.ts';
import { DEFAULT_RADIO, RSSI_MIN, combineLoss, distance, rssiAt, rssiLossProbability, type RadioModel } from './radio.ts';

export interface AirOptions {
  /** UDP port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; loopback unless told otherwise. */
  host?: string;
  /** Seed of every random decision (loss, jitter, frame random octets). Default 1. */
  seed?: number;
  /** Write every transmitted frame to this pcap file (radiotap, link type 127). */
  pcap?: string;
  /** Write the event log, one JSON object a line, to this file. */
  log?: string;
  /** 'real' (default) follows the wall clock; 'virtual' runs the model as fast as it can. */
  clock?: 'real' | 'virtual';
  /** A node not heard from for this long is removed. Default 3000 ms. */
  nodeTimeoutMs?: number;
  /** Extra delay before a receiver is handed a frame: uniform in [0, jitterUs]. Default 0. */
  jitterUs?: number;
  /**
   * MAC retransmissions of an unacknowledged unicast frame. Default DEFAULT_RETRIES (6):
   * 7 attempts in all, 802.11's dot11ShortRetryLimit (see MODEL.md, "Retries").
   */
  retries?: number;
  /** Global loss probability, 0..1. Default 0. */
  loss?: number;
  /** Per-link loss set before any node joins, by node index (ESPNOW_NODE_INDEX), as setLoss({src, dst, p}) sets it later. */
  links?: Array<{ src: number; dst: number; p: number }>;
  /** Radio constants; see MODEL.md. */
  radio?: Partial<RadioModel>;
}

/** A node as the control interface reports it. */
export interface NodeInfo {
  index: number;
  name: string;
  chip: ChipName;
  version: 1 | 2;
  sta: string;
  ap: string;
  staOn: boolean;
  apOn: boolean;
  espnow: boolean;
  channel: number;
  rate: PhyRate;
  /** WIFI_PROTOCOL_ bits (11b 1, 11g 2, 11n 4, LR 8): the frames the node hears */
  protocol: number;
  /** maximum transmit power, dBm */
  txPowerDbm: number;
  x: number;
  y: number;
  stopped: boolean;
  loss: number;
  address: string;
}

export interface AirStats {
  datagrams: number;
  malformed: number;
  internalErrors: number;
  frames: number;
  delivered: number;
  dropped: number;
  nodes: number;
}

/** Every event the air logs; `t` is model time in microseconds. */
export type AirEvent = { t: number } & (
  | { ev: 'listen'; port: number }
  | { ev: 'node-join'; node: string; index: number; sta: string; ap: string; chip: ChipName; version: number; address: string }
  | { ev: 'node-leave'; node: string; index: number; reason: 'bye' | 'timeout' | 'rehello' }
  | { ev: 'node-state'; node: string; staOn: boolean; apOn: boolean; espnow: boolean; channel: number; rate: number; version: number; protocol: number; txPowerDbm: number }
  | {
      ev: 'frame';
      frame: number;
      attempt: number;
      node: string;
      src: string;
      dst: string;
      channel: number;
      rate: number;
      length: number;
      encrypted: boolean;
      startUs: number;
      endUs: number;
    }
  | { ev: 'deliver'; frame: number; node: string; rssi: number }
  | { ev: 'drop'; frame: number; node: string; reason: ReasonName }
  | { ev: 'status'; frame: number | null; node: string; seq: number; status: 'success' | 'fail' | 'refused'; reason: ReasonName }
  | { ev: 'malformed'; from: string; reason: string }
  | { ev: 'internal-error'; from: string; error: string }
  | { ev: 'control'; op: string; args: unknown }
);

/** A node reference in the control API: its index, its name, or either of its MACs. */
export type NodeRef = number | string;

export interface LossSetting {
  /** Probability 0..1. */
  p: number;
  /** Loss of every frame sent or received by this node. */
  node?: NodeRef;
  /** With `dst`: loss of frames from this node to that one (one direction). */
  src?: NodeRef;
  dst?: NodeRef;
}

/** What the air keeps of a node: what control reports, and its keys, port and counters. */
interface NodeState extends NodeInfo {
  pmk: Buffer;
  lmks: Map<string, Buffer>;
  port: number;
  lastHeardMs: number;
  sequence: number;
  pn: number;
  /** Frames sent while the MAC is busy with another, in SEND order. */
  txQueue: Transmission[];
  /** The frame the MAC is sending (all its attempts), if any. */
  txBusy: boolean;
}

interface Transmission {
  id: number;
  sender: NodeState;
  seq: number;
  req: number;
  src: Buffer;
  dst: Buffer;
  dstText: string;
  group: boolean;
  payloadLength: number;
  encrypted: boolean;
  channel: number;
  rate: PhyRate;
  fields: FrameFields;
  pn: number;
  key: Buffer | undefined;
  attempt: number;
  /** Model time before which this attempt cannot start: its SEND's arrival, or the end of the sender's previous attempt. */
  notBefore: number;
}

/**
 * WELCOME's pace on the real clock (non-zero: the node paces frames): events run on
 * timers of about 1 ms, which send what ended meanwhile together, and the node spaces
 * them as they were on the air (PROTOCOL.md, MODEL.md "Pacing at the node").
 */
export const PACE_MS = 2;

/** Retransmissions after the first attempt: 802.11's default short retry limit of 7 attempts. */
export const DEFAULT_RETRIES = 6;

/** The PMK a node has until it sets one: 16 zero bytes (a simulator choice, see MODEL.md). */
export const DEFAULT_PMK = Buffer.alloc(KEY_LEN);

const STATUS_NAMES = ['success', 'fail', 'refused'] as const;

export class Air extends EventEmitter {
  private socket: Socket | undefined;
  private clock: Clock = new RealClock();
  private lossRng = new Prng(1);
  private frameRng = new Prng(2);
  private jitterRng = new Prng(3);
  private pcap: PcapWriter | undefined;
  private logFd: number | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private epochUs = 0;
  private options: Required<Omit<AirOptions, 'pcap' | 'log' | 'radio'>> & { radio: RadioModel } = {
    port: 0,
    host: '127.0.0.1',
    seed: 1,
    clock: 'real',
    nodeTimeoutMs: 3000,
    jitterUs: 0,
    retries: DEFAULT_RETRIES,
    loss: 0,
    links: [],
    radio: DEFAULT_RADIO,
  };
  private readonly byAddress = new Map<string, NodeState>();
  private readonly byIndex = new Map<number, NodeState>();
  private readonly linkLoss = new Map<string, number>();
  private readonly busyUntil = new Map<number, number>();
  private nextFrameId = 1;
  private readonly counters: Omit<AirStats, 'nodes'> = {
    datagrams: 0,
    malformed: 0,
    internalErrors: 0,
    frames: 0,
    delivered: 0,
    dropped: 0,
  };

  /** Binds the UDP socket and resolves to the port it listens on. */
  async start(options: AirOptions = {}): Promise<number> {
    if (this.socket) throw new Error('air: already started');
    const o = { ...this.options, ...options, radio: { ...DEFAULT_RADIO, ...options.radio } };
    checkProbability('loss', o.loss);
    if (!Number.isInteger(o.retries) || o.retries < 0 || o.retries > 15) {
      throw new RangeError(`air: retries must be an integer 0..15, got ${o.retries}`);
    }
    if (!(o.nodeTimeoutMs > 0)) throw new RangeError(`air: nodeTimeoutMs must be positive, got ${o.nodeTimeoutMs}`);
    if (!(o.jitterUs >= 0)) throw new RangeError(`air: jitterUs must be >= 0, got ${o.jitterUs}`);
    for (const link of o.links ?? []) {
      checkProbability('links: loss', link.p);
      if (!Number.isInteger(link.src) || !Number.isInteger(link.dst) || link.src < 0 || link.dst < 0) {
        throw new RangeError(`air: links: src and dst must be node indexes, got ${link.src} and ${link.dst}`);
      }
    }
    this.options = o;
    for (const link of o.links ?? []) this.linkLoss.set(`${link.src}>${link.dst}`, link.p);
    this.clock = o.clock === 'virtual' ? new VirtualClock() : new RealClock();
    this.lossRng = new Prng(o.seed);
    this.frameRng = new Prng(o.seed ^ 0x5eed0001);
    this.jitterRng = new Prng(o.seed ^ 0x5eed0002);
    this.epochUs = Date.now() * 1000;
    this.busyUntil.clear();

    if (options.pcap) this.pcap = new PcapWriter(options.pcap);
    if (options.log) this.logFd = openSync(options.log, 'w');
    const socket = createSocket({ type: 'udp4' });
    const port = await new Promise<number>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        socket.close();
        this.closeFiles();
        if (err.code === 'EADDRINUSE') {
          reject(new Error(`air: cannot listen on udp ${o.host}:${o.port}: the port is already in use (EADDRINUSE); choose another --port or stop the program using it`));
        } else {
          reject(new Error(`air: cannot listen on udp ${o.host}:${o.port}: ${err.message}`));
        }
      };
      socket.once('error', onError);
      socket.bind(o.port, o.host, () => {
        socket.off('error', onError);
        resolve(socket.address().port);
      });
    });
    enlargeReceiveBuffer(socket);
    socket.on('error', (err) => this.emitEvent({ ev: 'internal-error', from: 'socket', error: err.message }));
    socket.on('message', (data, rinfo) => this.onDatagram(data, rinfo));
    this.socket = socket;
    const sweepMs = Math.max(20, Math.min(500, o.nodeTimeoutMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), sweepMs);
    this.emitEvent({ ev: 'listen', port });
    return port;
  }

  /** Closes the socket and the capture and log files. Pending frames are dropped. */
  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.clock.clear();
    this.closeFiles();
    this.byAddress.clear();
    this.byIndex.clear();
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private closeFiles(): void {
    this.pcap?.close();
    this.pcap = undefined;
    if (this.logFd !== undefined) closeSync(this.logFd);
    this.logFd = undefined;
  }

  /** Model time, microseconds since start. */
  now(): number {
    return this.clock.now();
  }

  stats(): AirStats {
    return { ...this.counters, nodes: this.byIndex.size };
  }

  // ---- control interface ---------------------------------------------------

  /** The connected nodes, by index. */
  list(): NodeInfo[] {
    return [...this.byIndex.values()].sort((a, b) => a.index - b.index).map(nodeInfo);
  }

  /** One node's state. */
  node(ref: NodeRef): NodeInfo {
    return nodeInfo(this.resolve(ref));
  }

  /** Moves a node to (x, y) metres. */
  move(ref: NodeRef, x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`move: x and y must be finite numbers, got ${x}, ${y}`);
    const n = this.resolve(ref);
    n.x = x;
    n.y = y;
    this.control('move', { node: n.name, x, y });
    this.notice(n);
  }

  /** Sets the global, per-node or per-link loss probability. */
  setLoss(setting: LossSetting): void {
    checkProbability('loss', setting.p);
    if (setting.src !== undefined || setting.dst !== undefined) {
      if (setting.src === undefined || setting.dst === undefined) throw new TypeError('setLoss: a link needs both src and dst');
      const src = this.resolve(setting.src);
      const dst = this.resolve(setting.dst);
      this.linkLoss.set(`${src.index}>${dst.index}`, setting.p);
      this.control('loss', { src: src.name, dst: dst.name, p: setting.p });
    } else if (setting.node !== undefined) {
      const n = this.resolve(setting.node);
      n.loss = setting.p;
      this.control('loss', { node: n.name, p: setting.p });
    } else {
      this.options.loss = setting.p;
      this.control('loss', { p: setting.p });
    }
  }

  /** Moves a node's radio (both interfaces) to another channel, as a router switch would. */
  setChannel(ref: NodeRef, channel: number): void {
    checkChannel(channel);
    const n = this.resolve(ref);
    n.channel = channel;
    this.control('channel', { node: n.name, channel });
    this.notice(n);
  }

  /** Stops a node: until restarted it neither sends nor receives. */
  stopNode(ref: NodeRef): void {
    const n = this.resolve(ref);
    n.stopped = true;
    this.control('stop', { node: n.name });
    this.notice(n);
  }

  restartNode(ref: NodeRef): void {
    const n = this.resolve(ref);
    n.stopped = false;
    this.control('restart', { node: n.name });
    this.notice(n);
  }

  /** Runs one control request given as JSON (the CONTROL datagram's body). */
  controlJson(json: string): unknown {
    let request: unknown;
    try {
      request = JSON.parse(json);
    } catch {
      throw new TypeError('control: the request is not valid JSON');
    }
    if (typeof request !== 'object' || request === null) throw new TypeError('control: the request must be a JSON object');
    const r = request as Record<string, unknown>;
    const ref = (key: string): NodeRef => {
      const v = r[key];
      if (typeof v !== 'number' && typeof v !== 'string') throw new TypeError(`control ${String(r.op)}: "${key}" must be a node index, name or MAC`);
      return v;
    };
    const num = (key: string): number => {
      const v = r[key];
      if (typeof v !== 'number') throw new TypeError(`control ${String(r.op)}: "${key}" must be a number`);
      return v;
    };
    switch (r.op) {
      case 'list':
        return this.list();
      case 'node':
        return this.node(ref('node'));
      case 'stats':
        return this.stats();
      case 'move':
        this.move(ref('node'), num('x'), num('y'));
        return null;
      case 'loss':
        this.setLoss({
          p: num('p'),
          node: r.node === undefined ? undefined : ref('node'),
          src: r.src === undefined ? undefined : ref('src'),
          dst: r.dst === undefined ? undefined : ref('dst'),
        });
        return null;
      case 'channel':
        this.setChannel(ref('node'), num('channel'));
        return null;
      case 'stop':
        this.stopNode(ref('node'));
        return null;
      case 'restart':
        this.restartNode(ref('node'));
        return null;
      default:
        throw new TypeError(`control: unknown op ${JSON.stringify(r.op)}; expected list, node, stats, move, loss, channel, stop or restart`);
    }
  }

  private resolve(ref: NodeRef): NodeState {
    if (typeof ref === 'number') {
      const n = this.byIndex.get(ref);
      if (!n) throw new RangeError(`no node with index ${ref}`);
      return n;
    }
    for (const n of this.byIndex.values()) if (n.name === ref) return n;
    let mac: string | undefined;
    try {
      mac = normaliseMac(ref);
    } catch {
      mac = undefined;
    }
    if (mac) for (const n of this.byIndex.values()) if (n.sta === mac || n.ap === mac) return n;
    throw new RangeError(`no node named or addressed ${JSON.stringify(ref)}`);
  }

  private control(op: string, args: unknown): void {
    this.emitEvent({ ev: 'control', op, args });
  }

  // ---- datagrams -----------------------------------------------------------

  private onDatagram(data: Buffer, rinfo: RemoteInfo): void {
    this.counters.datagrams++;
    const from = `${rinfo.address}:${rinfo.port}`;
    let m: Message;
    try {
      m = decode(data);
    } catch (err) {
      this.counters.malformed++;
      this.emitEvent({ ev: 'malformed', from, reason: err instanceof ProtocolError ? err.message : String(err) });
      return;
    }
    try {
      this.dispatch(m, rinfo, from);
    } catch (err) {
      this.counters.internalErrors++;
      this.emitEvent({ ev: 'internal-error', from, error: err instanceof Error ? err.stack ?? err.message : String(err) });
    }
  }

  private dispatch(m: Message, rinfo: RemoteInfo, from: string): void {
    if (m.type === 'control') {
      let reply: string;
      try {
        reply = JSON.stringify({ ok: true, result: this.controlJson(m.json) ?? null });
      } catch (err) {
        reply = JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      this.reply(rinfo.address, rinfo.port, { type: 'control-reply', req: m.req, json: reply });
      return;
    }
    if (m.type === 'hello') {
      this.onHello(m, rinfo, from);
      return;
    }
    const node = this.byAddress.get(from);
    if (!node) {
      this.refuseUnregistered(m, rinfo);
      return;
    }
    node.lastHeardMs = performance.now();
    switch (m.type) {
      case 'state':
        this.onState(node, m);
        break;
      case 'set-pmk':
        node.pmk = m.pmk;
        this.ack(node, m.req, AckStatus.OK, '');
        break;
      case 'set-peer-key':
        if (isGroupMac(m.mac)) {
          this.ack(node, m.req, AckStatus.INVALID, `set-peer-key: ${macToString(m.mac)} is a broadcast/multicast address; encryption of broadcast and multicast frames is not supported`);
        } else {
          if (m.lmk) node.lmks.set(macToString(m.mac), m.lmk);
          else node.lmks.delete(macToString(m.mac));
          this.ack(node, m.req, AckStatus.OK, '');
        }
        break;
      case 'position':
        if (!Number.isFinite(m.x) || !Number.isFinite(m.y)) {
          this.ack(node, m.req, AckStatus.INVALID, `position: x and y must be finite, got ${m.x}, ${m.y}`);
        } else {
          node.x = m.x;
          node.y = m.y;
          this.ack(node, m.req, AckStatus.OK, '');
        }
        break;
      case 'send':
        this.onSend(node, m);
        break;
      case 'ping':
        this.reply(node.address, node.port, { type: 'pong', req: m.req, timeUs: this.clock.now() });
        break;
      case 'bye':
        this.remove(node, 'bye');
        break;
      default:
        this.counters.malformed++;
        this.emitEvent({ ev: 'malformed', from, reason: `a node may not send ${m.type}` });
    }
  }

  private refuseUnregistered(m: Message, rinfo: RemoteInfo): void {
    const text = 'not registered: send HELLO first';
    if (m.type === 'send') {
      this.reply(rinfo.address, rinfo.port, {
        type: 'send-status', req: m.req, seq: m.seq, status: SendStatusCode.REFUSED, reason: Reason['not-registered'],
        timeUs: this.clock.now(), text,
      });
    } else if (m.type === 'state' || m.type === 'set-pmk' || m.type === 'set-peer-key' || m.type === 'position' || m.type === 'ping') {
      this.reply(rinfo.address, rinfo.port, { type: 'ack', req: m.req, status: AckStatus.NOT_REGISTERED, text });
    } else if (m.type !== 'bye') {
      this.counters.malformed++;
      this.emitEvent({ ev: 'malformed', from: `${rinfo.address}:${rinfo.port}`, reason: `a node may not send ${m.type}` });
    }
  }

  private onHello(m: HelloMsg, rinfo: RemoteInfo, from: string): void {
    const refuse = (status: number, text: string): void => {
      this.reply(rinfo.address, rinfo.port, {
        type: 'welcome', req: m.req, status, index: 0, sta: Buffer.alloc(6), ap: Buffer.alloc(6),
        timeoutMs: this.options.nodeTimeoutMs, timeUs: this.clock.now(), paceMs: 0, text,
      });
    };
    const invalid = helloProblem(m);
    if (invalid) return refuse(AckStatus.INVALID, invalid);
    const previous = this.byAddress.get(from);
    if (previous) this.remove(previous, 'rehello');

    let index = m.index;
    if (index === ANY_INDEX) {
      index = 0;
      while (this.byIndex.has(index)) index++;
    } else if (this.byIndex.has(index)) {
      return refuse(AckStatus.IN_USE, `hello: index ${index} is in use by ${this.byIndex.get(index)?.name}`);
    }
    const defaults = defaultMacs(index);
    const sta = isZeroMac(m.sta) ? defaults.sta : macToString(m.sta);
    const ap = isZeroMac(m.ap) ? defaults.ap : macToString(m.ap);
    if (sta === ap) return refuse(AckStatus.INVALID, `hello: STA and AP MACs must differ, both are ${sta}`);
    for (const other of this.byIndex.values()) {
      for (const mac of [sta, ap]) {
        if (mac === other.sta || mac === other.ap) return refuse(AckStatus.IN_USE, `hello: MAC ${mac} is in use by ${other.name}`);
      }
    }
    const name = m.name || `node${index}`;
    for (const other of this.byIndex.values()) {
      if (other.name === name) return refuse(AckStatus.IN_USE, `hello: name ${JSON.stringify(name)} is in use by node ${other.index}`);
    }
    const node: NodeState = {
      index,
      name,
      chip: m.chip === Chip.ESP8266 ? 'esp8266' : 'esp32',
      version: m.version as 1 | 2,
      sta,
      ap,
      staOn: m.staOn,
      apOn: m.apOn,
      espnow: m.espnow,
      channel: m.channel,
      rate: m.rate as PhyRate,
      protocol: DEFAULT_PROTOCOL,
      txPowerDbm: this.options.radio.txPowerDbm,
      x: m.x,
      y: m.y,
      stopped: false,
      loss: 0,
      pmk: DEFAULT_PMK,
      lmks: new Map(),
      address: rinfo.address,
      port: rinfo.port,
      lastHeardMs: performance.now(),
      sequence: 0,
      pn: 1,
      txQueue: [],
      txBusy: false,
    };
    this.byAddress.set(from, node);
    this.byIndex.set(index, node);
    this.emitEvent({ ev: 'node-join', node: name, index, sta, ap, chip: node.chip, version: node.version, address: from });
    this.reply(node.address, node.port, {
      type: 'welcome', req: m.req, status: AckStatus.OK, index, sta: macFromString(sta), ap: macFromString(ap),
      timeoutMs: this.options.nodeTimeoutMs, timeUs: this.clock.now(),
      paceMs: this.options.clock === 'real' ? PACE_MS : 0, text: '',
    });
  }

  private onState(node: NodeState, m: StateMsg): void {
    const problem = stateProblem(m.channel, m.rate, m.version) ?? powerProblem(m.protocol ?? 0, m.txPower ?? 0);
    if (problem) return this.ack(node, m.req, AckStatus.INVALID, `state: ${problem}`);
    if (node.espnow && !m.espnow) node.lmks.clear();
    node.staOn = m.staOn;
    node.apOn = m.apOn;
    node.espnow = m.espnow;
    node.channel = m.channel;
    node.rate = m.rate as PhyRate;
    node.version = m.version as 1 | 2;
    node.protocol = m.protocol || DEFAULT_PROTOCOL;
    node.txPowerDbm = m.txPower ? m.txPower / 4 : this.options.radio.txPowerDbm;
    this.emitEvent({
      ev: 'node-state', node: node.name, staOn: node.staOn, apOn: node.apOn, espnow: node.espnow,
      channel: node.channel, rate: node.rate, version: node.version, protocol: node.protocol, txPowerDbm: node.txPowerDbm,
    });
    this.ack(node, m.req, AckStatus.OK, '');
  }

  private remove(node: NodeState, reason: 'bye' | 'timeout' | 'rehello'): void {
    this.byAddress.delete(`${node.address}:${node.port}`);
    if (this.byIndex.get(node.index) === node) this.byIndex.delete(node.index);
    this.emitEvent({ ev: 'node-leave', node: node.name, index: node.index, reason });
  }

  private sweep(): void {
    const now = performance.now();
    for (const node of [...this.byAddress.values()]) {
      if (now - node.lastHeardMs > this.options.nodeTimeoutMs) this.remove(node, 'timeout');
    }
  }

  // ---- sending -------------------------------------------------------------

  private onSend(node: NodeState, m: SendMsg): void {
    const group = isGroupMac(m.dst);
    const dstText = macToString(m.dst);
    const refuse = (status: number, reason: ReasonName, text: string): void => {
      this.sendStatus(node, m.req, m.seq, null, status, reason, this.clock.now(), text);
    };
    if (node.stopped) return refuse(SendStatusCode.FAIL, 'node-stopped', 'the node is stopped');
    if (!node.espnow) return refuse(SendStatusCode.REFUSED, 'not-initialised', 'send: ESP-NOW is not initialised on this node');
    if (m.iface !== Iface.STA && m.iface !== Iface.AP) {
      return refuse(SendStatusCode.REFUSED, 'invalid', `send: interface must be 0 (STA) or 1 (AP), got ${m.iface}`);
    }
    const onSta = m.iface === Iface.STA;
    if (onSta ? !node.staOn : !node.apOn) {
      return refuse(SendStatusCode.REFUSED, 'interface-off', `send: the ${onSta ? 'STA' : 'AP'} interface is not active`);
    }
    const max = node.version === 1 ? MAX_PAYLOAD_V1 : MAX_PAYLOAD;
    if (m.payload.length > max) {
      return refuse(SendStatusCode.REFUSED, 'too-long', `send: ESP-NOW v${node.version} carries at most ${max} bytes, got ${m.payload.length}`);
    }
    let key: Buffer | undefined;
    if (m.encrypt) {
      if (group) {
        return refuse(SendStatusCode.REFUSED, 'encrypt-group', `send: encryption of broadcast and multicast frames is not supported (dest ${dstText})`);
      }
      const lmk = node.lmks.get(dstText);
      if (!lmk) return refuse(SendStatusCode.REFUSED, 'no-key', `send: encryption requested but no LMK is set for peer ${dstText}`);
      key = deriveKey(node.pmk, lmk);
    }
    const src = macFromString(onSta ? node.sta : node.ap);
    const fields: FrameFields = {
      dst: m.dst,
      src,
      sequence: node.sequence,
      retry: false,
      durationUs: 0,
      version: node.version,
      random: this.frameRng.bytes(4),
      payload: m.payload,
    };
    node.sequence = (node.sequence + 1) & 0xfff;
    const tx: Transmission = {
      id: this.nextFrameId++,
      sender: node,
      seq: m.seq,
      req: m.req,
      src,
      dst: m.dst,
      dstText,
      group,
      payloadLength: m.payload.length,
      encrypted: key !== undefined,
      channel: node.channel,
      rate: node.rate,
      fields,
      pn: key ? node.pn++ : 0,
      key,
      attempt: 1,
      notBefore: this.clock.now(),
    };
    if (node.txBusy) {
      node.txQueue.push(tx);
      return;
    }
    node.txBusy = true;
    this.transmit(tx);
  }

  /** Queues one attempt of a frame on its channel. */
  private transmit(tx: Transmission): void {
    const unicast = !tx.group;
    const time = mpduTime(espNowMpduLength(tx.payloadLength, tx.encrypted), tx.rate, unicast);
    tx.fields.durationUs = time.ackUs;
    tx.fields.retry = tx.attempt > 1;
    const frame = encodeFrame(tx.fields, tx.key ? { key: tx.key, pn: tx.pn } : undefined);
    const start = Math.max(tx.notBefore, this.busyUntil.get(tx.channel) ?? 0);
    const end = start + time.totalUs;
    this.busyUntil.set(tx.channel, end);
    const ppduStart = start + time.difsUs + time.backoffUs;
    const ppduEnd = ppduStart + time.dataUs;
    this.counters.frames++;
    this.emitEvent({
      ev: 'frame', frame: tx.id, attempt: tx.attempt, node: tx.sender.name, src: macToString(tx.src), dst: tx.dstText,
      channel: tx.channel, rate: tx.rate, length: tx.payloadLength, encrypted: tx.encrypted,
      startUs: Math.floor(start), endUs: Math.floor(end),
    }, start);
    this.clock.schedule(ppduEnd, () => {
      const acked = this.receive(tx, frame, ppduStart, ppduEnd);
      this.clock.schedule(end, () => this.finish(tx, acked, end));
    });
  }

  /**
   * The frame has been on the air: hand it to every receiver that gets it. Returns
   * the unicast outcome (whether the destination's MAC acknowledged it).
   */
  private receive(tx: Transmission, frame: Buffer, ppduStart: number, ppduEnd: number): { ok: boolean; reason: ReasonName } {
    const onChannel = [...this.byIndex.values()]
      .filter((n) => n !== tx.sender && !n.stopped && n.channel === tx.channel && (n.staOn || n.apOn))
      .sort((a, b) => a.index - b.index);
    /* a radio hears only the PHYs its protocol has: LR frames only with WIFI_PROTOCOL_LR */
    const phy = PROTOCOL_BITS[phyOf(tx.rate)];
    const listeners = onChannel.filter((n) => n.protocol & phy);
    const deaf = onChannel.filter((n) => !(n.protocol & phy));
    const lost = new Map<NodeState, boolean>();
    const rssi = new Map<NodeState, number>();
    const model = tx.sender.txPowerDbm === this.options.radio.txPowerDbm ? this.options.radio : { ...this.options.radio, txPowerDbm: tx.sender.txPowerDbm };
    for (const n of listeners) {
      const r = rssiAt(distance(tx.sender, n), model);
      rssi.set(n, r);
      const p = combineLoss(
        this.options.loss,
        tx.sender.loss,
        n.loss,
        this.linkLoss.get(`${tx.sender.index}>${n.index}`) ?? 0,
        rssiLossProbability(r, tx.rate, this.options.radio),
      );
      lost.set(n, this.lossRng.next() < p);
    }
    this.capture(tx, frame, ppduStart, listeners, rssi);
    for (const n of deaf) if (tx.group || n.sta === tx.dstText || n.ap === tx.dstText) this.drop(tx, n, 'protocol-mismatch', ppduEnd);

    if (tx.group) {
      for (const n of listeners) {
        if (n.chip === 'esp8266') this.drop(tx, n, 'esp8266-no-group', ppduEnd);
        else if (lost.get(n)) this.drop(tx, n, 'loss', ppduEnd);
        else this.deliver(tx, frame, n, rssi.get(n) ?? RSSI_MIN, ppduEnd);
      }
      return { ok: true, reason: 'ok' };
    }
    const target = listeners.find((n) => (n.staOn && n.sta === tx.dstText) || (n.apOn && n.ap === tx.dstText));
    if (!target) return { ok: false, reason: 'no-receiver-on-channel' };
    if (lost.get(target)) {
      this.drop(tx, target, 'loss', ppduEnd);
      return { ok: false, reason: 'loss' };
    }
    this.deliver(tx, frame, target, rssi.get(target) ?? RSSI_MIN, ppduEnd);
    return { ok: true, reason: 'ok' };
  }

  /** A receiver's radio has the frame (and has ACKed it if unicast): does its app get it? */
  private deliver(tx: Transmission, frame: Buffer, n: NodeState, rssi: number, timeUs: number): void {
    if (!n.espnow) return this.drop(tx, n, 'not-initialised', timeUs);
    const decoded = decodeFrame(frame, (src) => {
      const lmk = n.lmks.get(macToString(src));
      return lmk ? deriveKey(n.pmk, lmk) : undefined;
    });
    if (!decoded.ok) return this.drop(tx, n, decoded.reason === 'malformed' ? 'invalid' : decoded.reason, timeUs);
    if (n.version === 1 && decoded.frame.payload.length > MAX_PAYLOAD_V1) return this.drop(tx, n, 'v1-too-long', timeUs);
    this.counters.delivered++;
    this.emitEvent({ ev: 'deliver', frame: tx.id, node: n.name, rssi }, timeUs);
    const message: Message = {
      type: 'recv', req: NO_REQUEST, src: decoded.frame.src, dst: decoded.frame.dst, rssi, channel: tx.channel,
      encrypted: decoded.frame.protected, version: decoded.frame.version, timeUs, payload: decoded.frame.payload,
    };
    const jitter = this.options.jitterUs > 0 ? this.jitterRng.next() * this.options.jitterUs : 0;
    if (jitter > 0) this.clock.schedule(this.clock.now() + jitter, () => this.reply(n.address, n.port, message));
    else this.reply(n.address, n.port, message);
  }

  private drop(tx: Transmission, n: NodeState, reason: ReasonName, atUs: number): void {
    this.counters.dropped++;
    this.emitEvent({ ev: 'drop', frame: tx.id, node: n.name, reason }, atUs);
  }

  /**
   * End of an attempt: retransmit an unacknowledged unicast, or report to the sender and start
   * its next frame. A node's MAC sends one frame at a time, every attempt of it before the next.
   */
  private finish(tx: Transmission, outcome: { ok: boolean; reason: ReasonName }, end: number): void {
    if (!outcome.ok && tx.attempt <= this.options.retries) {
      tx.attempt++;
      tx.notBefore = end;
      this.transmit(tx);
      return;
    }
    const status = outcome.ok ? SendStatusCode.SUCCESS : SendStatusCode.FAIL;
    this.sendStatus(tx.sender, tx.req, tx.seq, tx.id, status, outcome.reason, end, '');
    const sender = tx.sender;
    const next = this.byAddress.get(`${sender.address}:${sender.port}`) === sender ? sender.txQueue.shift() : undefined;
    if (!next) {
      sender.txQueue.length = 0;
      sender.txBusy = false;
      return;
    }
    next.notBefore = Math.max(next.notBefore, end);
    this.transmit(next);
  }

  private sendStatus(node: NodeState, req: number, seq: number, frame: number | null, status: number, reason: ReasonName, timeUs: number, text: string): void {
    this.emitEvent({ ev: 'status', frame, node: node.name, seq, status: STATUS_NAMES[status], reason }, timeUs);
    if (this.byAddress.get(`${node.address}:${node.port}`) !== node) return;
    this.reply(node.address, node.port, { type: 'send-status', req, seq, status, reason: Reason[reason], timeUs, text });
  }

  /**
   * One capture record per attempt. The antenna signal is what the intended receiver
   * hears: the destination node for unicast, the nearest listener for group frames,
   * and 1 m from the sender when there is nobody.
   */
  private capture(tx: Transmission, frame: Buffer, ppduStart: number, listeners: NodeState[], rssi: Map<NodeState, number>): void {
    if (!this.pcap) return;
    let signal: number | undefined;
    if (tx.group) {
      for (const n of listeners) signal = Math.max(signal ?? RSSI_MIN, rssi.get(n) ?? RSSI_MIN);
    } else {
      const owner = [...this.byIndex.values()].find((n) => n.sta === tx.dstText || n.ap === tx.dstText);
      if (owner) signal = rssiAt(distance(tx.sender, owner), this.options.radio);
    }
    this.pcap.write(frame, {
      timeUs: this.epochUs + ppduStart,
      rate: tx.rate,
      channel: tx.channel,
      rssi: signal ?? rssiAt(1, this.options.radio),
    });
  }

  // ---- output --------------------------------------------------------------

  private ack(node: NodeState, req: number, status: number, text: string): void {
    this.reply(node.address, node.port, { type: 'ack', req, status, text });
  }

  private notice(n: NodeState): void {
    this.reply(n.address, n.port, {
      type: 'notice', req: NO_REQUEST, staOn: n.staOn, apOn: n.apOn, espnow: n.espnow, stopped: n.stopped,
      channel: n.channel, rate: n.rate, x: n.x, y: n.y,
    });
  }

  private reply(address: string, port: number, m: Message): void {
    this.socket?.send(encode(m), port, address);
  }

  /** Logs and emits an event; `atUs` is the model time it happened, now if omitted. */
  private emitEvent(event: DistributiveOmit<AirEvent, 't'>, atUs = this.clock.now()): void {
    const full = { t: Math.floor(atUs), ...event } as AirEvent;
    if (this.logFd !== undefined) writeSync(this.logFd, JSON.stringify(full) + '\n');
    this.emit('event', full);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function nodeInfo(n: NodeState): NodeInfo {
  return {
    index: n.index, name: n.name, chip: n.chip, version: n.version, sta: n.sta, ap: n.ap, staOn: n.staOn, apOn: n.apOn,
    espnow: n.espnow, channel: n.channel, rate: n.rate, protocol: n.protocol, txPowerDbm: n.txPowerDbm, x: n.x, y: n.y, stopped: n.stopped, loss: n.loss,
    address: `${n.address}:${n.port}`,
  };
}

function checkProbability(what: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${what}: probability must be between 0 and 1, got ${p}`);
}

function checkChannel(channel: number): void {
  if (!Number.isInteger(channel) || channel < 1 || channel > 14) throw new RangeError(`channel must be an integer 1..14, got ${channel}`);
}

function stateProblem(channel: number, rate: number, version: number): string | undefined {
  if (!Number.isInteger(channel) || channel < 1 || channel > 14) return `channel must be 1..14, got ${channel}`;
  if (!isPhyRate(rate)) return `rate ${rate} Mbit/s is not one of 1, 2, 5.5, 11, 6, 9, 12, 18, 24, 36, 48, 54, an HT MCS0..7 rate or LR 0.25, 0.5`;
  if (version !== 1 && version !== 2) return `ESP-NOW version must be 1 or 2, got ${version}`;
  return undefined;
}

/** WIFI_PROTOCOL_ bits a node has unless it sets others: 802.11b/g/n. */
export const DEFAULT_PROTOCOL = 7;

function powerProblem(protocol: number, txPower: number): string | undefined {
  if (protocol > 15) return `protocol must be WIFI_PROTOCOL_ bits 11b 1, 11g 2, 11n 4, LR 8, got ${protocol}`;
  if (txPower && (txPower < 8 || txPower > 84)) return `txpower must be 8..84 (0.25 dBm units, 2..21 dBm), got ${txPower}`;
  return undefined;
}

function helloProblem(m: HelloMsg): string | undefined {
  if (m.chip !== Chip.ESP32 && m.chip !== Chip.ESP8266) return `hello: chip must be 0 (esp32) or 1 (esp8266), got ${m.chip}`;
  const state = stateProblem(m.channel, m.rate, m.version);
  if (state) return `hello: ${state}`;
  if (!Number.isFinite(m.x) || !Number.isFinite(m.y)) return `hello: position must be finite, got ${m.x}, ${m.y}`;
  if (Buffer.byteLength(m.name) > MAX_NAME) return `hello: name must be at most ${MAX_NAME} bytes`;
  for (const [what, mac] of [['STA', m.sta], ['AP', m.ap]] as const) {
    if (!isZeroMac(mac) && isGroupMac(mac)) return `hello: ${what} MAC ${macToString(mac)} is a group address; a node's MAC must be unicast`;
  }
  return undefined;
}

