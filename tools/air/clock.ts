/**
 * The air's model time, in microseconds since the air started, and the events
 * scheduled on it (frame ends, deliveries, send statuses).
 *
 * - RealClock follows the wall clock: an event at t runs when t has passed, so
 *   nodes see frames take their airtime.
 * - VirtualClock runs events as soon as the event loop is free, jumping model time
 *   to each event's time: a saturated channel is simulated as fast as the host can.
 *
 * In both, the times the model reports (send status, receive timestamps) are the
 * computed ones, so they do not depend on how late a timer fired.
 */

export interface Clock {
  /** Current model time, microseconds. */
  now(): number;
  /** Runs `fn` at model time `atUs` (or as soon as possible if that has passed). */
  schedule(atUs: number, fn: () => void): void;
  /** Drops every pending event. */
  clear(): void;
}

interface Pending {
  at: number;
  order: number;
  fn: () => void;
}

/** Min-heap ordered by time, then by scheduling order, so equal times run FIFO. */
class EventQueue {
  private heap: Pending[] = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  peek(): Pending | undefined {
    return this.heap[0];
  }

  push(at: number, fn: () => void): void {
    const item = { at, order: this.counter++, fn };
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  pop(): Pending | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.heap = [];
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

export class RealClock implements Clock {
  private readonly origin = process.hrtime.bigint();
  private readonly queue = new EventQueue();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  now(): number {
    return Number(process.hrtime.bigint() - this.origin) / 1000;
  }

  schedule(atUs: number, fn: () => void): void {
    this.queue.push(atUs, fn);
    if (atUs < this.armedFor) this.arm();
  }

  clear(): void {
    this.queue.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.queue.peek();
    if (!next) {
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = next.at;
    const delayMs = Math.max(0, (next.at - this.now()) / 1000);
    this.timer = setTimeout(() => this.run(), delayMs);
  }

  private run(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.at > this.now()) break;
      this.queue.pop();
      next.fn();
    }
    this.arm();
  }
}

export class VirtualClock implements Clock {
  private current = 0;
  private readonly queue = new EventQueue();
  private pending: NodeJS.Immediate | undefined;

  now(): number {
    return this.current;
  }

  schedule(atUs: number, fn: () => void): void {
    this.queue.push(atUs, fn);
    this.pending ??= setImmediate(() => this.run());
  }

  clear(): void {
    this.queue.clear();
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
  }

  /** Runs the events of the earliest time, then yields so arriving datagrams are read. */
  private run(): void {
    this.pending = undefined;
    const first = this.queue.peek();
    if (!first) return;
    const at = first.at;
    this.current = Math.max(this.current, at);
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.at > at) break;
      this.queue.pop();
      next.fn();
    }
    if (this.queue.size > 0) this.pending ??= setImmediate(() => this.run());
  }
}
