/*
 * What one receive costs, deterministically, against a floor measured in the
 * same run: a host function of the benchmark's own that copies 250 bytes into
 * a buffer made beforehand (calls/benchcalls.c).
 *
 * 1. XS computrons, slots and chunk bytes of irecv, recvinto and recv of a
 *    250-byte message already in the ring (fake radio, no air), on the 64-bit
 *    host and on the m32 build (16-byte slots, as on ESP32).
 * 2. callgrind's x86 instructions per call (the release build, the mean of
 *    REPEAT calls, each after an inject; the inject alone is measured and
 *    taken off).
 * 3. callgrind's instruction counts for the C ring's push and pop.
 *
 * Prints figures; asserts nothing. BENCH_QUICK=1: the 64-bit computrons only.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, ROOT, runScript, type Variant } from "../../tools/sim/build.ts";
import { profileArgs } from "../../tools/sim/profile.ts";

const FAKE_RADIO = join(ROOT, "tests/fixtures/fakeradio/manifest.json");
const CALLS = join(ROOT, "tests/bench/calls/manifest.json");
const REPEAT = 200;
/* recv() allocates; with the collector off, 200 would not fit in the device's memory */
const REPEAT_RECV = 20;
const WAKES = 20;
const NEW_MACS = 64;

/* name: [the call, what it needs before it (a message injected), with "pair" and "four" the recvinto arrays] */
const CASES: [string, string, boolean][] = [
  ["floor: copy 250 bytes (host)", "floor(buffer)", false],
  ["irecv(0)", "e.irecv(0)", true],
  ["irecv()", "e.irecv()", true],
  ["recvinto([mac, msg], 0)", "e.recvinto(pair, 0)", true],
  ["recvinto([mac, msg, rssi, time], 0)", "e.recvinto(four, 0)", true],
  ["recv(0)", "e.recv(0)", true],
  ["next() (for...of)", "e.next()", true],
  ["irecv(0), nothing waiting", "e.irecv(0)", false],
  ["send(peer, msg, false)", "e.send(peer, msg, false)", false],
  ["send(peer, msg) (sync)", "e.send(peer, msg)", false],
];

const prologue = `
import ESPNow from "espnow";
import Timer from "timer";
import * as instrument from "instrument";
import { inject } from "fakeradio";
import { floor, count } from "benchcalls";
const e = new ESPNow();
e.config({ rxbuf: ${REPEAT + 2} * 266 });
e.active(true);
const mac = Uint8Array.of(2, 0, 0, 0, 0, 1), msg = new Uint8Array(250).fill(1), buffer = new Uint8Array(250);
const peer = Uint8Array.of(2, 0, 0, 0, 0, 2);
e.add_peer(peer);
const pair = [null, new Uint8Array(250)], four = [null, new Uint8Array(250), 0, 0];
const injected = () => inject(mac, msg, -40);
`;

const cases = CASES.map(([name, call, message]) => `[${JSON.stringify(name)}, () => ${call}, ${message}]`).join(",\n");

const computronsMain = `${prologue}
function measure(name, fn, message) {
  if (message) injected();
  fn(); /* first call: interns the mac, sizes buffers */
  if (message) injected();
  const cost = instrument.measure(fn);
  trace(JSON.stringify({ name, computrons: cost.computrons, slots: cost.slots, bytes: cost.bytes }) + "\\n");
}
measure("empty arrow (baseline)", () => 0, false);
for (const [name, fn, message] of [${cases}]) measure(name, fn, message);
/* a MAC heard for the first time (its interning: its mac, its peers_table entry and the two maps' entries), the mean of ${NEW_MACS} calls in a loop, less that of the same loop calling an empty arrow */
const small = Uint8Array.of(1);
for (let i = 0; i < ${NEW_MACS}; i++) inject(Uint8Array.of(6, 0, 0, 0, 1, i), small, -40);
instrument.collect();
const nothing = () => 0;
const loop = instrument.measure(() => { for (let i = 0; i < ${NEW_MACS}; i++) nothing(); });
const learn = instrument.measure(() => { for (let i = 0; i < ${NEW_MACS}; i++) e.irecv(0); });
trace(JSON.stringify({ name: "irecv(0), a new MAC (${NEW_MACS}, mean)", computrons: Math.round((learn.computrons - loop.computrons) / ${NEW_MACS}), slots: (learn.slots - loop.slots) / ${NEW_MACS}, bytes: Math.round((learn.bytes - loop.bytes) / ${NEW_MACS}) }) + "\\n");
/* the irq wake: from the line after an inject, at the end of a timer callback, to the irq callback's first line (the callback's return, deliver() calling onWake, the irq call); the counter read itself taken off */
const probe = -instrument.current().computrons + instrument.current().computrons;
let before = 0, wakes = 0, least = Infinity;
e.irq((self) => {
  const cost = instrument.current().computrons - before - probe;
  if (++wakes > 1) least = Math.min(least, cost); /* the first wake sizes what it touches */
  while (self.irecv(0)[0]);
});
const ticks = Timer.repeat(() => {
  if (wakes >= ${WAKES}) {
    Timer.clear(ticks);
    trace(JSON.stringify({ name: "irq wake (callback to callback)", computrons: least, slots: null, bytes: null }) + "\\n");
    e.active(false);
    return;
  }
  injected();
  before = instrument.current().computrons;
}, 5);
`;

/* dumps are labelled case-N (callgrind cuts a label at a comma); the collector stays off while counting, as in measure(), so that recv()'s garbage is not collected during its calls. Before recv() is counted, garbage of twice what its calls allocate is made and collected: the heap keeps the room, so that the calls do not grow it (a growth costs the simulator a walk of the whole heap, to count it in the device's bytes, which no device does: some 260,000 instructions a call) */
const callgrindMain = `${prologue}
const makeRoom = () => {
  let junk = [];
  for (let i = 0; i < ${2 * REPEAT_RECV}; i++) junk.push([null, new Uint8Array(250)]);
  junk = null;
  instrument.collect();
};
const run = (label, fn, message, times = ${REPEAT}) => {
  if (message) injected();
  fn();
  instrument.measure(() => count(label, message ? () => { injected(); fn(); } : fn, times));
  instrument.collect();
};
run("empty", () => 0, false);
run("inject", () => 0, true);
while (e.irecv(0)[0]); /* the injects' messages: the ring holds one at most from here on */
[${cases}].forEach(([name, fn, message], i) => {
  const recv = name.startsWith("recv(");
  if (recv) makeRoom();
  run("case-" + i, fn, message, recv ? ${REPEAT_RECV} : ${REPEAT});
});
while (e.irecv(0)[0]);
`;

/* slots and bytes null: not measured (the irq wake runs with the collector on) */
interface Row { name: string; computrons: number; slots: number | null; bytes: number | null }

const ratio = (value: number, floor: number) => (floor > 0 ? `${(value / floor).toFixed(1)}x` : "-");

const QUICK = process.env.BENCH_QUICK === "1";
const computrons = new Map<string, number>();
for (const variant of (QUICK ? ["release"] : ["release", "m32"]) as Variant[]) {
  const result = await runScript(computronsMain, [FAKE_RADIO, CALLS], { variant, timeoutMs: 120000 });
  if (result.code !== 0) throw new Error(`${variant}: ${result.stderr}`);
  const rows = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Row);
  const floor = rows.find((row) => row.name.startsWith("floor"))!.computrons;
  console.log(`\nESPNow, one 250-byte message, ${variant === "m32" ? "m32 build (16-byte slots, as on ESP32)" : "64-bit build (32-byte slots)"}:`);
  console.log("  call                                      computrons  x floor   slots   bytes");
  for (const row of rows) {
    if (variant === "release") computrons.set(row.name, row.computrons);
    console.log(`  ${row.name.padEnd(40)} ${String(row.computrons).padStart(10)} ${ratio(row.computrons, floor).padStart(8)} ${String(row.slots ?? "-").padStart(7)} ${String(row.bytes ?? "-").padStart(7)}`);
  }
}

if (QUICK) process.exit(0);
console.log(`\nThe same calls, callgrind's x86 instructions per call (release build, mean of ${REPEAT} (recv: ${REPEAT_RECV}), the collector off; the call that wraps each is taken off, and for a received message the inject too):`);
if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.log("  (valgrind is not installed: apt-get install valgrind)");
} else {
  const folder = mkdtempSync(join(tmpdir(), "espnow-bench-"));
  try {
    const main = join(folder, "main.js");
    writeFileSync(main, callgrindMain);
    const app = buildApp([FAKE_RADIO, CALLS], { main });
    const entry = app.resolved.creation.main;
    const args = [...profileArgs(app.profile), app.moduleMap, typeof entry === "string" ? entry : "main"];
    const run = spawnSync("valgrind", ["--tool=callgrind", "--collect-atstart=no", `--callgrind-out-file=${join(folder, "cg.out")}`, app.binary, ...args], { encoding: "utf8", timeout: 600000 });
    if (run.status !== 0) throw new Error(`callgrind: ${run.stderr}`);
    const counts = new Map<string, number>();
    for (const file of readdirSync(folder).filter((name) => name.startsWith("cg.out."))) {
      const text = readFileSync(join(folder, file), "utf8");
      const name = /^desc: Trigger: Client Request: (.*)$/m.exec(text)?.[1];
      const totals = /^totals: (\d+)/m.exec(text)?.[1];
      if (name && totals) counts.set(name, Number(totals) / (CASES[Number(name.slice(5))]?.[0].startsWith("recv(") ? REPEAT_RECV : REPEAT));
    }
    const empty = counts.get("empty")!, injected = counts.get("inject")!;
    const floor = counts.get("case-0")! - empty;
    console.log(`  the wrapping call ${Math.round(empty)}, an inject ${Math.round(injected - empty)}`);
    console.log("  call                                    instructions  x floor   computrons x floor");
    const floorComputrons = computrons.get(CASES[0][0])!;
    for (const [i, [name, , message]] of CASES.entries()) {
      const value = counts.get(`case-${i}`)! - (message ? injected : empty);
      const c = computrons.get(name)!;
      console.log(`  ${name.padEnd(40)} ${String(Math.round(value)).padStart(10)} ${ratio(value, floor).padStart(8)} ${String(c).padStart(12)} ${ratio(c, floorComputrons).padStart(7)}`);
    }
    console.log("  (recv allocates 9 slots and about 300 bytes a call, counted in a heap with room for them made first: the collections its garbage costs come on top)");
  } finally {
    if (process.env.BENCH_KEEP) console.log(`  (kept ${folder})`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

console.log("\nC ring, callgrind instructions (tests/c bench):");
const bench = spawnSync("make", ["-s", "-C", join(ROOT, "tests/c"), "bench"], { encoding: "utf8" });
if (bench.status !== 0) throw new Error(bench.stderr);
for (const line of bench.stdout.trim().split("\n")) console.log(`  ${line}`);
