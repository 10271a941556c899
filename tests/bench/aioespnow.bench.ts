/*
 * AIOESPNow benchmark (`npm run bench`): prints figures, checks nothing.
 *
 * Two simulated nodes. Node 1 sends messages stamped with CLOCK_MONOTONIC
 * microseconds (a clock every process shares); node 0 reads them with an
 * AIOESPNow and measures:
 * - wake to resume: from the native wake-up reaching JS (a listener
 *   registered before AIOESPNow's, so the first JS code a wake runs) to the
 *   task awaiting airecv() running again (before it reads the array it
 *   got): XS computrons and microseconds;
 * - the host's hop from the radio thread to the JS thread (the wake's
 *   modMessagePostToMachine to its deliver function), measured with the same
 *   call from a thread of the benchmark's own (tests/bench/aioespnow/);
 *   a record entering the ring waits this hop plus the wake to resume;
 * - send to resume, through the simulated air, for airecv() and, for
 *   comparison, for a blocking irecv();
 * - JS allocations: of airecv() itself (and with a timeout), of one whole wait (airecv(), the
 *   wake-up, the resumed await) against the same await of a plain promise
 *   resolved by a timer, and of a wait when messages queue up.
 *
 * SIM_VARIANT=m32 gives device-like slot sizes (16 bytes).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Air } from "../../tools/air/air.ts";
import { buildApp, ROOT, runApp } from "../../tools/sim/build.ts";
import { ESPNOW, macLiteral, node } from "../espnow/helpers.ts";

const COUNT = 300;
const BENCH = join(ROOT, "tests/bench/aioespnow/manifest.json");

/* Node 1: on "name count intervalMs", send count stamped messages; on "end", stop. */
const sender = node([0], `
import { microseconds } from "benchclock";
const stamp = new Float64Array(2);
for (;;) {
  const [, msg] = e.recv(30000);
  if (!msg) break;
  const [name, count, interval] = text(msg).split(" ");
  if (name === "end") break;
  for (let i = 0; i < Number(count); i++) {
    if (Number(interval)) Timer.delay(Number(interval));
    stamp[1] = i;
    stamp[0] = microseconds();
    e.send(peer0, new Uint8Array(stamp.buffer), false);
  }
}
`);

/* Node 0: asks for each batch, measures, prints one RESULT line. */
const receiver = `
import ESPNow from "espnow";
import AIOESPNow from "aioespnow";
import WLAN from "wlan";
import Timer from "timer";
import { measure, current, collect } from "instrument";
import { microseconds, startPosts, postsDelivered, postLatencies } from "benchclock";

const wake = { computrons: 0, micros: 0, on: false };
class Probe extends ESPNow {
  constructor() {
    super();
    this.listen(() => {
      if (!wake.on) return;
      wake.micros = microseconds();
      wake.computrons = current().computrons;
    }, true);
  }
}
new Probe();
const e = new AIOESPNow();
e.config({ rxbuf: 16384 });
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const peer = ${macLiteral(1)};
e.add_peer(peer);
const sleep = (ms) => new Promise((resolve) => Timer.set(resolve, ms));
const stampOf = (msg) => new Float64Array(msg.buffer, 0, 1)[0];
function ask(name, count, interval) { while (!e.send(peer, name + " " + count + " " + interval)) Timer.delay(10); }

/* what reading the counters itself costs */
const c0 = current().computrons, c1 = current().computrons;
const probeCost = c1 - c0;

/* The samples are kept in typed arrays made before measuring, and printed a
   series a line: the device's memory (94208 bytes for XS on an ESP32-C3)
   cannot hold them as arrays of numbers and objects, nor as one JSON text. */
const result = {};
const series = (name, samples) => trace("SERIES " + name + " " + samples.join(",") + "\\n");
const waits = (name, deltas) => trace("WAITS " + name + " " + deltas.join(",") + "\\n");

/* 1. wake to resume, send to resume (airecv), one message at a time */
const wakeComputrons = new Uint32Array(${COUNT});
const wakeMicros = new Float32Array(${COUNT});
const sendMicros = new Float32Array(${COUNT});
wake.on = true;
ask("airecv", ${COUNT}, 3);
for (let i = 0; i < ${COUNT}; i++) {
  const pair = await e.airecv();
  const computrons = current().computrons - probeCost;
  const now = microseconds();
  const msg = pair[1]; /* after the clock: destructuring is the program's work, not the wake's */
  wakeComputrons[i] = computrons - wake.computrons;
  wakeMicros[i] = now - wake.micros;
  sendMicros[i] = now - stampOf(msg);
}
wake.on = false;
series("wakeComputrons", wakeComputrons);
series("wakeMicros", wakeMicros);
series("sendMicrosAsync", sendMicros);

/* 2. the same through a blocking irecv() */
ask("irecv", ${COUNT}, 3);
for (let i = 0; i < ${COUNT}; i++) {
  const [, msg] = e.irecv(5000);
  sendMicros[i] = microseconds() - stampOf(msg);
}
series("sendMicrosBlocking", sendMicros);

/* 3. the host's thread-to-JS hop */
startPosts(${COUNT}, 3);
while (postsDelivered() < ${COUNT}) await sleep(50);
series("postMicros", postLatencies());

/* 4. allocations */
let resolveNext;
const capture = (resolve) => { resolveNext = resolve; };
new Promise(capture);
result.promise = measure(() => new Promise(capture));
ask("waiting", 2, 0);
await sleep(300);
result.airecvCall = measure(() => e.airecv());
ask("waiting", 1, 0);
await sleep(300);
result.airecvTimeoutCall = measure(() => e.airecv(1500));
ask("waiting", 1, 0);
await sleep(300);
result.irecvCall = measure(() => e.irecv(0));

/* each wait's slots and bytes, in deltas[2 * i] and deltas[2 * i + 1] */
const deltas = new Int32Array(80);
async function delta(i, wait) {
  collect();
  const before = current();
  await wait();
  const after = current();
  deltas[2 * i] = after.slots - before.slots;
  deltas[2 * i + 1] = after.bytes - before.bytes;
}
ask("one-by-one", 40, 5);
for (let i = 0; i < 40; i++) await delta(i, () => e.airecv());
waits("waitAirecv", deltas);
for (let i = 0; i < 40; i++) {
  const promise = new Promise(capture);
  Timer.set(resolveNext, 2);
  await delta(i, () => promise);
}
waits("waitTimer", deltas);
ask("backlog", 40, 0);
await sleep(300);
for (let i = 0; i < 40; i++) await delta(i, () => e.airecv());
waits("waitBacklog", deltas);
const iteration = e[Symbol.asyncIterator]();
ask("backlog", 40, 0);
await sleep(300);
for (let i = 0; i < 40; i++) await delta(i, () => iteration.next());
waits("waitBacklogIteration", deltas);

result.probeCost = probeCost;
result.dropped = e.stats()[4];
e.send(peer, "end 0 0");
e.active(false);
trace("RESULT " + JSON.stringify(result) + "\\n");
`;

interface Allocation { slots: number; bytes: number; computrons?: number }

interface Result {
  wakeComputrons: number[];
  wakeMicros: number[];
  sendMicrosAsync: number[];
  sendMicrosBlocking: number[];
  postMicros: number[];
  promise: Allocation;
  airecvCall: Allocation;
  airecvTimeoutCall: Allocation;
  irecvCall: Allocation;
  waitAirecv: Allocation[];
  waitTimer: Allocation[];
  waitBacklog: Allocation[];
  waitBacklogIteration: Allocation[];
  probeCost: number;
  dropped: number;
  /** the receiver's --verbose memory line */
  memory: string;
}

function run(): Promise<Result> {
  return (async () => {
    const air = new Air();
    const port = await air.start({});
    const folder = mkdtempSync(join(tmpdir(), "aioespnow-bench-"));
    try {
      const runs = [receiver, sender].map((source, index) => {
        const main = join(folder, `node${index}.js`);
        writeFileSync(main, source);
        return runApp(buildApp([ESPNOW, BENCH], { main }), {
          timeoutMs: 120000,
          verbose: index === 0,
          env: { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_NAME: `node${index}`, ESPNOW_NODE_INDEX: String(index) },
        });
      });
      const [node0, node1] = await Promise.all(runs);
      for (const [i, node] of [node0, node1].entries()) {
        if (node.code !== 0) throw new Error(`node${i} failed (${node.code ?? node.signal}):\n${node.stdout}${node.stderr}`);
      }
      const lines = node0.stdout.split("\n");
      const line = lines.find((text) => text.startsWith("RESULT "));
      if (!line) throw new Error(`node0 printed no RESULT:\n${node0.stdout}`);
      const result = JSON.parse(line.slice(7)) as Record<string, unknown>;
      for (const text of lines) {
        const [kind, name, values] = text.split(" ");
        const numbers = (values ?? "").split(",").map(Number);
        if (kind === "SERIES") result[name] = numbers;
        if (kind === "WAITS") result[name] = Array.from({ length: numbers.length / 2 }, (_, i) => ({ slots: numbers[2 * i], bytes: numbers[2 * i + 1] }));
      }
      result.memory = /^xsim memory: .*$/m.exec(node0.stderr)?.[0] ?? "(no memory figures)";
      return result as unknown as Result;
    } finally {
      await air.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  })();
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function spread(values: number[], unit: string, digits = 0): string {
  const f = (value: number) => value.toFixed(digits);
  return `median ${f(quantile(values, 0.5))} ${unit}, p10 ${f(quantile(values, 0.1))}, p90 ${f(quantile(values, 0.9))}, max ${f(Math.max(...values))}`;
}

/** Slots and bytes of the waits, most frequent first, with how many waits had each (the first wait of a series warms up). */
function usual(values: Allocation[]): string {
  const counts = new Map<string, number>();
  for (const value of values) {
    const key = `${value.slots} slots, ${value.bytes} bytes`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${key} x${count}`).join("; ");
}

const variant = process.env.SIM_VARIANT ?? "release";
const result = await run();
console.log(`AIOESPNow benchmark (simulator, ${variant} build, ${COUNT} messages a series; ring drops: ${result.dropped})`);
console.log("");
console.log("Delay from a record entering the ring to the waiting task resuming");
console.log(`  wake to resumed task (JS)       ${spread(result.wakeComputrons, "computrons")}`);
console.log(`                                  ${spread(result.wakeMicros, "us", 1)}`);
console.log(`  radio thread to JS thread hop   ${spread(result.postMicros, "us", 1)}`);
console.log("");
console.log("From send() on the other node to the task resuming (through the simulated air)");
console.log(`  await airecv()                  ${spread(result.sendMicrosAsync, "us", 1)}`);
console.log(`  blocking irecv(), for reference ${spread(result.sendMicrosBlocking, "us", 1)}`);
console.log("");
console.log("JS allocations");
console.log(`  new Promise(executor)           ${result.promise.slots} slots, ${result.promise.bytes} bytes (the promise machinery: the Promise and its two resolving functions)`);
console.log(`  airecv() with a message waiting ${result.airecvCall.slots} slots, ${result.airecvCall.bytes} bytes, ${result.airecvCall.computrons} computrons`);
console.log(`  airecv(1500), message waiting  ${result.airecvTimeoutCall.slots} slots, ${result.airecvTimeoutCall.bytes} bytes, ${result.airecvTimeoutCall.computrons} computrons (served at once: no timer)`);
console.log(`  irecv(0), for reference         ${result.irecvCall.slots} slots, ${result.irecvCall.bytes} bytes, ${result.irecvCall.computrons} computrons`);
console.log(`  one wait: await airecv()        ${usual(result.waitAirecv)}`);
console.log(`  one wait: await a promise a timer resolves  ${usual(result.waitTimer)}`);
console.log(`  one wait with messages queued: airecv()           ${usual(result.waitBacklog)}`);
console.log(`                                 for await (next()) ${usual(result.waitBacklogIteration)}`);
console.log("");
console.log(`The receiving node's memory (its samples included): ${result.memory.replace(/^xsim memory: /, "")}`);
