/*
 * AIOESPNow: MicroPython's aioespnow for Moddable XS. ESPNow, plus arecv(),
 * airecv(), asend() and `for await...of`, which wait without blocking the JS
 * thread (MicroPython's espnow documentation, "Supporting asyncio").
 *
 * Nothing polls. A reader waits in a queue; the native layer's wake-up (the
 * listener ESPNow.listen registers) hands it the oldest message as soon as the
 * wake reaches the JS thread. An asend waits for the send statuses ESPNow's
 * send log reports (ESPNow.watchSends). One timer serves the optional
 * timeouts of every reader (State.alarm): a wait with a timeout sets no timer
 * of its own, and a reader served before its timeout clears none.
 *
 * Who gets a message (each message goes to exactly one consumer):
 * 1. the reader that has waited longest: arecv(), airecv() and async
 *    iteration share one first-in first-out queue;
 * 2. only when no reader waits, the irq callback;
 * 3. otherwise it stays in the ring for recv(), irecv(), recvinto() or the
 *    next reader.
 *
 * airecv() and async iteration return irecv()'s array and buffer, which the
 * next irecv() or airecv() refills, as in MicroPython. When several readers
 * wait, each resumed reader has its turn (runs up to its next await) before
 * the next message is written into that array; a reader that does not await
 * its promise at once should use arecv(), which returns new buffers. Waiting
 * allocates nothing beyond the promise, except that when messages queue up a
 * promise job gives the last reader its turn; a for await loop needs none, as
 * asking for its next message says it is done with the last (unless irq
 * waits for what is left: its job waits out each of the loop's turns). A
 * reader that no one waits before and that can have a message at once is
 * served in the call, with no timer for its timeout.
 *
 * asend() sends one frame per peer. ESP-NOW reports a frame's outcome by peer
 * MAC only, and a radio may report two frames to one peer out of order (the
 * simulated air does when it retries), so AIOESPNow keeps at most one frame
 * per peer in flight: asends to the same peer go out one after the other, each
 * as soon as the previous one's status arrives, and asends to different peers
 * fly together. Statuses logged before a frame goes out are delivered first,
 * so a sync send() just made cannot be taken for an asend's frame. A send()
 * with sync false to a peer while an asend to it is in flight can swap the
 * two outcomes. If the native log was full (64 statuses unread) and dropped a
 * frame's status, its asend resolves false once every frame has completed.
 *
 * Beyond MicroPython: arecv() and airecv() take an optional timeout_ms;
 * active(false) rejects waiting readers and asends (ESP_ERR_ESPNOW_NOT_INIT).
 */

import ESPNow, { ESPNowError, keyOf, macOf, macText, notActive, timeoutOf, WAKE_RECEIVE, WAKE_STOPPED, type Bytes } from "espnow";
import Timer from "timer";

export * from "espnow";

/** A message: [mac, msg], mac being the peers_table key. */
export type Message = [Uint8Array, Uint8Array];

/* Names for error messages, as constants: a string literal argument allocates on every call in XS. */
const ARECV = "arecv", AIRECV = "airecv", ITERATION = "async iteration";

/* What a waiting reader is resolved with: recv()'s new buffers (arecv), irecv()'s array (airecv), or its Iteration's result holding that array. */
/* a const enum: tsc writes the numbers in, and the bytecode has no module binding for them */
const enum Reader { COPY, REUSE }
type Kind = Reader | Iteration;

/* any: one queue holds the resolving functions of promises of several types. */
type Resolve = (value: any) => void;
type Reject = (reason: unknown) => void;

/** One asend(): its promise, and how many of its frames are still to go out or to be reported. */
interface Send {
  resolve: (delivered: boolean) => void;
  reject: Reject;
  data: Uint8Array;
  /** data is AIOESPNow's copy, not the caller's buffer */
  copied: boolean;
  sync: boolean;
  unsent: number;
  unreported: number;
  delivered: boolean;
  over: boolean;
}

interface Frame {
  send: Send;
  mac: Uint8Array;
}

/** The frames for one peer: the one in flight, then those waiting for it. */
interface Lane {
  key: number;
  flying: Frame | null;
  waiting: Frame[];
}

/** ESPNow's protected helpers: real methods of the object, called on it directly (a closure would be one frame more on the way to the callbacks). */
interface Access {
  sendFrame(mac: Uint8Array, data: Uint8Array): number;
  sendsSettled(): boolean;
  check(message: unknown, what: string): Uint8Array;
  watchSends(watcher: ((mac: Uint8Array, delivered: boolean) => void) | null): void;
  drainSends(): void;
  offerToIrq(now: boolean): boolean;
}

/** The singleton's state. Kept off the class's fields: each `new AIOESPNow()` runs field initialisers again on the one object. */
class State {
  /*
   * The waiting readers, oldest first: parallel circular arrays that only
   * grow, so that waiting allocates nothing once they are big enough. A slot
   * a reader has left keeps its functions until another reader takes it.
   */
  resolves: Resolve[] = new Array(4).fill(nothing);
  rejects: Reject[] = new Array(4).fill(nothing);
  kinds: Kind[] = new Array(4).fill(Reader.COPY);
  /** When each waiting reader's timeout passes (Date.now()), or -1: none (add() sets it; a slot no reader holds is not read). One alarm serves them all. */
  deadlines: number[] = new Array(4).fill(-1);
  head = 0;
  count = 0;
  /** irecv()'s array has been handed to a reader whose turn may not have come yet... */
  lent = false;
  /** ...that reader's Iteration (null: an airecv()). */
  lentTo: Iteration | null = null;
  /** A job will go on handing messages out after the last resumed reader's turn. */
  handing = false;
  /** While handing, the array was lent again, to a reader served in its call: its turn comes after that job, which must wait once more. */
  relent = false;
  /**
   * The one timer of the readers' timeouts, due at alarmAt (no earlier than
   * the earliest deadline), or null. A reader that is served leaves it as it
   * is: when it fires it expires whoever is due and is set again for the
   * next deadline, if any. So a wait with a timeout costs no timer of its
   * own, and a reader served before its timeout none at all.
   */
  alarm: Timer | null = null;
  alarmAt = 0;
  declare readonly ring: () => void;
  declare readonly resume: () => void;
  /* made here, not at module level: a preloaded module's objects are frozen on a device */
  readonly settled = Promise.resolve();
  readonly lanes = new Map<number, Lane>();
  flying = 0;
  watching = false;
  /** The resolving functions of the promise just made: `new Promise(capture)` needs no closure per call. */
  resolve: Resolve = nothing;
  reject: Reject = nothing;
  declare readonly capture: (resolve: Resolve, reject: Reject) => void;
  declare readonly watcher: (mac: Uint8Array, delivered: boolean) => void;
  declare readonly self: AIOESPNow;
  declare readonly access: Access;

  constructor(self: AIOESPNow, access: Access) {
    this.self = self;
    this.access = access;
    this.capture = (resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    };
    this.ring = () => {
      this.alarm = null;
      this.expireDue();
    };
    this.resume = () => {
      if (this.relent) {
        this.relent = false;
        this.settled.then(this.resume);
        return;
      }
      this.handing = false;
      this.lent = false;
      /* all readers served, or none waiting: irq's turn */
      if (this.self.active() && !this.wake(WAKE_RECEIVE, true)) this.access.offerToIrq(true);
    };
    this.watcher = watcherOf(this);
  }

  /* ---- receiving ---- */

  /** A new reader of this kind, behind the others; served at once if it is the first and a message can be handed over (then without a timer). */
  wait(kind: Kind, timeout_ms: unknown, what: string): Promise<unknown> {
    const promise = new Promise(this.capture);
    const resolve = this.resolve, reject = this.reject;
    /* NaN until checked: the catch tells a bad timeout from ESP-NOW off */
    let timeout = NaN;
    try {
      /* absent or null: for ever (espnow's timeoutOf would give config()'s); a fraction of a millisecond is none */
      timeout = timeout_ms === undefined || timeout_ms === null ? -1 : Math.floor(timeoutOf(timeout_ms, what));
      /* the usual case first: no one waits before it, a message waits (and irecv()'s array is free); off, next()'s irecv() or any() throws, and the catch names this call */
      const value = this.count ? undefined : this.next(kind);
      if (value !== undefined) {
        resolve(value);
        return promise;
      }
      if (!this.self.active()) throw notActive(what);
      this.add(resolve, reject, kind);
      /* a message it cannot have yet (the array is lent) goes out after the resumed readers' turn; readers that wait before it see to theirs */
      if (this.lent && !this.handing && this.self.any()) this.later();
      /* still waiting: it is the newest reader */
      if (timeout >= 0 && this.count) {
        if (timeout) this.arm((this.deadlines[(this.head + this.count - 1) % this.kinds.length] = Date.now() + timeout));
        else this.expire(this.count - 1);
      }
    } catch (error) {
      reject(timeout === timeout && !this.self.active() ? notActive(what) : error);
    }
    return promise;
  }

  add(resolve: Resolve, reject: Reject, kind: Kind): void {
    let n = this.kinds.length;
    if (this.count === n) {
      /* double the arrays, the oldest reader first */
      double(this.resolves, this.head);
      double(this.rejects, this.head);
      double(this.kinds, this.head);
      double(this.deadlines, this.head);
      this.head = 0;
      n *= 2;
    }
    const i = (this.head + this.count++) % n;
    this.resolves[i] = resolve;
    this.rejects[i] = reject;
    this.kinds[i] = kind;
    this.deadlines[i] = -1;
  }

  /** The alarm is due by at (a deadline just set). */
  arm(at: number): void {
    if (this.alarm !== null && this.alarmAt <= at) return;
    const delay = Math.max(0, at - Date.now());
    if (this.alarm === null) this.alarm = Timer.set(this.ring, delay);
    else Timer.schedule(this.alarm, delay);
    this.alarmAt = at;
  }

  /** The alarm fired: the readers whose timeout has passed get [null, null]; the alarm is set again for the next deadline. */
  expireDue(): void {
    const now = Date.now(), n = this.kinds.length;
    let next = -1;
    for (let k = 0; k < this.count; ) {
      const deadline = this.deadlines[(this.head + k) % n];
      if (deadline >= 0 && deadline <= now) this.expire(k);
      else {
        if (deadline >= 0 && (next < 0 || deadline < next)) next = deadline;
        k++;
      }
    }
    if (next >= 0) this.arm(next);
  }

  /** The reader k places behind the oldest leaves the queue with [null, null]. */
  expire(k: number): void {
    const n = this.kinds.length;
    let to = (this.head + k) % n;
    const resolve = this.resolves[to];
    for (this.count--; k < this.count; k++, to = (to + 1) % n) {
      const from = (to + 1) % n;
      this.resolves[to] = this.resolves[from];
      this.rejects[to] = this.rejects[from];
      this.kinds[to] = this.kinds[from];
      this.deadlines[to] = this.deadlines[from];
    }
    resolve([null, null]);
  }

  /**
   * What a reader of this kind is resolved with now: the oldest message;
   * undefined if none waits, or if the reader needs irecv()'s array and it
   * is lent. The callers check that the radio is open.
   */
  next(kind: Kind): unknown {
    const self = this.self;
    if (kind === Reader.COPY) return self.any() ? self.recv(0) : undefined;
    /* irecv(), the next reader's, would refill the array a resumed reader has not read yet */
    if (this.lent) return undefined;
    /* irecv(0) answers whether a message waits: no any() first */
    const pair = self.irecv(0);
    if (!pair[0]) return undefined;
    this.lent = true;
    if (this.handing) this.relent = true;
    if (kind === Reader.REUSE) {
      this.lentTo = null;
      return pair;
    }
    this.lentTo = kind;
    kind.step.value = pair as Message;
    return kind.step;
  }

  /** Go on handing after the jobs queued so far, the resumed readers' among them. */
  later(): void {
    if (this.handing) return;
    this.handing = true;
    this.settled.then(this.resume);
  }

  /**
   * The native wake-up (and resume's): hand waiting messages to waiting
   * readers, oldest first. Returns true when irq must not be offered
   * messages now: readers were served, or the array is lent (then irq has
   * them after the resumed readers' turn). The usual case, one airecv() and
   * one message, written out: no call but irecv(0) and the resolve.
   */
  wake(reasons: number, open: boolean): boolean {
    if (reasons !== WAKE_RECEIVE) {
      /* turned off through another ESPNow object (an ESPNow's active(false)): what waits here never comes */
      if (reasons & WAKE_STOPPED) {
        this.stop();
        return false;
      }
      if (this.flying) this.settleLost();
      if (!(reasons & WAKE_RECEIVE)) return false;
    }
    this.lent = false;	/* every job has run since the last hand-over */
    /* no radio: a listener before this one closed it, and stop() has let every reader go */
    if (!this.count || !open) return false;
    if (this.handing) return true;
    do {
      const i = this.head, kind = this.kinds[i];
      let value: unknown;
      if (kind === Reader.REUSE && !this.lent) {
        /* next(REUSE) written out */
        value = this.self.irecv(0);
        if (!(value as Message)[0]) return true;
        this.lent = true;
        this.lentTo = null;
      } else if ((value = this.next(kind)) === undefined) {
        /* the next irecv() would refill the array a resumed reader has not read yet: after their turn */
        if (this.lent && this.self.any()) this.later();
        return true;
      }
      this.head = (i + 1) % this.kinds.length;
      this.count--;
      this.resolves[i](value);
    } while (this.count);
    /* every reader served: what is left is irq's, after the resumed readers' turn if the array is lent */
    if (!this.lent) return false;
    if (this.access.offerToIrq(false)) this.later();
    return true;
  }

  /* ---- sending ---- */

  asend(first: unknown, second: unknown, sync: unknown): Promise<boolean> {
    const promise = new Promise<boolean>(this.capture);
    const resolve = this.resolve, reject = this.reject;
    try {
      if (!this.self.active()) throw notActive("asend");
      const one = second === undefined;
      const mac = one ? null : first;
      const targets: Uint8Array[] = [];
      if (mac === null || mac === undefined) {
        const peers = this.self.get_peers();
        for (let i = 0; i < peers.length; i++) if (!(peers[i][0][0] & 1)) targets.push(peers[i][0]);
      } else targets.push(macOf(mac, "asend"));
      const data = this.access.check(one ? first : second, "asend");
      if (!this.watching) {
        this.access.watchSends(this.watcher);
        this.watching = true;
      }
      /* here rather than before each frame, which would add its frames to the deepest calls: this asend's frames go to distinct peers, so their statuses cannot be mistaken for one another's */
      this.access.drainSends();
      const send: Send = { resolve, reject, data, copied: false, sync: one || !!sync, unsent: targets.length, unreported: targets.length, delivered: true, over: false };
      if (!targets.length) this.finish(send, true);
      for (let i = 0; i < targets.length; i++) this.queue(send, targets[i]);
    } catch (error) {
      reject(error);
    }
    return promise;
  }

  queue(send: Send, mac: Uint8Array): void {
    const key = keyOf(mac);
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { key, flying: null, waiting: [] }));
    if (lane.flying || lane.waiting.length) {
      /* it goes out later: keep the message as it is now */
      if (!send.copied) {
        send.data = send.data.slice();
        send.copied = true;
      }
      lane.waiting.push({ send, mac });
    } else {
      this.transmit(lane, { send, mac });
      if (!lane.flying) this.lanes.delete(key); /* refused at once: no lane kept */
    }
  }

  transmit(lane: Lane, frame: Frame): void {
    const send = frame.send;
    if (send.over) return;
    const result = this.access.sendFrame(frame.mac, send.data);
    if (result > 1) {
      this.finish(send, false, new ESPNowError(result, `asend to ${macText(frame.mac)}`));
      return;
    }
    lane.flying = frame;
    this.flying++;
    if (--send.unsent === 0 && !send.sync) this.finish(send, true);
  }

  /** Send more on a lane whose frame has been reported (or failed to go). */
  advance(lane: Lane): void {
    while (!lane.flying && lane.waiting.length) this.transmit(lane, lane.waiting.shift()!);
    /* an idle lane is forgotten: a peer sent to once costs nothing after (a relay meets ever new MACs) */
    if (!lane.flying) this.lanes.delete(lane.key);
  }

  /** A send status from the log: the outcome of the frame in flight to that peer, if any. */
  reported(mac: Uint8Array, delivered: boolean): void {
    const lane = this.lanes.get(keyOf(mac));
    if (!lane?.flying) return;
    this.land(lane, delivered);
    return this.advance(lane); // a tail call: the next frame goes out one frame less deep
  }

  land(lane: Lane, delivered: boolean): void {
    const send = lane.flying!.send;
    lane.flying = null;
    this.flying--;
    if (!delivered) send.delivered = false;
    if (--send.unreported === 0 && send.sync) this.finish(send, send.delivered);
  }

  /** Every frame has completed and every status has been read, yet frames wait: their statuses were lost (the log was full). */
  settleLost(): void {
    if (!this.access.sendsSettled()) return;
    /* forEach, not for...of: the iterator protocol costs the bytecode more than a function */
    this.lanes.forEach((lane) => {
      if (lane.flying) this.land(lane, false);
    });
    this.lanes.forEach((lane) => this.advance(lane));
  }

  /** Settle an asend, once: delivered, or rejected with error. */
  finish(send: Send, delivered: boolean, error?: unknown): void {
    if (send.over) return;
    send.over = true;
    if (error) send.reject(error);
    else send.resolve(delivered);
  }

  /** ESP-NOW was turned off: nothing waiting will ever come. */
  stop(): void {
    const error = notActive("AIOESPNow");
    for (; this.count; this.count--) {
      const i = this.head;
      this.head = (i + 1) % this.kinds.length;
      this.rejects[i](error);
    }
    this.lanes.forEach((lane) => {
      if (lane.flying) this.finish(lane.flying.send, false, error);
      for (let i = 0; i < lane.waiting.length; i++) this.finish(lane.waiting[i].send, false, error);
    });
    this.lanes.clear();
    this.flying = 0;
    this.lent = false;
    if (this.alarm !== null) Timer.clear(this.alarm);
    this.alarm = null;
  }
}

/** One for await...of loop: airecv() until break. */
class Iteration implements AsyncIterableIterator<Message> {
  readonly step: IteratorYieldResult<Message> = { done: false, value: null as unknown as Message };
  declare private readonly state: State;
  constructor(state: State) {
    this.state = state;
  }

  next(): Promise<IteratorResult<Message>> {
    const state = this.state;
    /* for await asks for the next message once its body is done with the last one: the array is free */
    if (state.lentTo === this) state.lent = false;
    return state.wait(this, undefined, ITERATION) as Promise<IteratorResult<Message>>;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    return this;
  }
}

const STATE = Symbol("AIOESPNow state");

function nothing(): void {}

/** Make a full circular array twice as long, in place, its oldest item (at head) first (no splice that removes nothing: XS then passes memcpy a null pointer). */
function double(items: unknown[], head: number): void {
  if (head) items.push(...items.splice(0, head));
  items.length *= 2;
}

/* Made here, not in State's constructor: XS makes a call that an arrow function returns a tail call, unless the arrow was made in a constructor (it keeps new.target). */
function watcherOf(state: State): (mac: Uint8Array, delivered: boolean) => void {
  return (mac, delivered) => state.reported(mac, delivered);
}

/**
 * ESPNow with async receive and send: a singleton like ESPNow (its own,
 * sharing the one radio). active(false), through any ESPNow object, rejects
 * every waiting reader and asend with ESPNowError ESP_ERR_ESPNOW_NOT_INIT
 * (the listener's WAKE_STOPPED).
 */
export default class AIOESPNow extends ESPNow implements AsyncIterable<Message> {
  constructor() {
    super();
    if (Object.hasOwn(this, STATE)) return;
    /* ESPNow's protected helpers are the object's own methods: State calls them on it */
    const state = new State(this, this as unknown as Access);
    Object.defineProperty(this, STATE, { value: state });
    /* bound, not an arrow: a bound function's call costs no bytecode, and this one runs at every wake-up */
    this.listen(state.wake.bind(state), true);
  }

  /**
   * Wait for a message: [mac, msg] in new buffers, as recv() returns. Beyond
   * MicroPython: timeout_ms (absent, null or negative: for ever; 0: only a
   * message that can be handed over at once) resolves [null, null] when it
   * passes.
   */
  arecv(): Promise<Message>;
  arecv(timeout_ms: number | null): Promise<Message | [null, null]>;
  arecv(timeout_ms?: number | null): Promise<Message | [null, null]> {
    return stateOf(this).wait(Reader.COPY, timeout_ms, ARECV) as Promise<Message | [null, null]>;
  }

  /**
   * As arecv(), but resolves irecv()'s array and message buffer, reused: no
   * allocation beyond the promise. They hold the message until the next
   * irecv() or airecv() (see the module's notes on several readers).
   */
  airecv(): Promise<Message>;
  airecv(timeout_ms: number | null): Promise<Message | [null, null]>;
  airecv(timeout_ms?: number | null): Promise<Message | [null, null]> {
    return stateOf(this).wait(Reader.REUSE, timeout_ms, AIRECV) as Promise<Message | [null, null]>;
  }

  /**
   * asend(mac, msg, sync = true) sends to one registered peer; asend(msg), or
   * asend(null, msg, sync), to every registered peer except broadcast and
   * multicast ones. With sync it resolves once every peer's outcome is known:
   * true if all acknowledged (broadcast: always). Without, it resolves true
   * once the radio has taken every frame. Errors (ESP_ERR_ESPNOW_NOT_FOUND
   * for a peer not registered, ...) reject it with ESPNowError.
   */
  asend(msg: Bytes | string): Promise<boolean>;
  asend(mac: Bytes | null, msg: Bytes | string, sync?: boolean): Promise<boolean>;
  asend(first: unknown, second?: unknown, sync: unknown = true): Promise<boolean> {
    return stateOf(this).asend(first, second, sync);
  }

  /** for await (const [mac, msg] of e): airecv() for ever; ends only with break (or an error). */
  [Symbol.asyncIterator](): AsyncIterableIterator<Message> {
    return new Iteration(stateOf(this));
  }
}

function stateOf(e: AIOESPNow): State {
  return (e as unknown as { [STATE]: State })[STATE];
}
