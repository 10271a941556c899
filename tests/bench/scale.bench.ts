/*
 * Scale (`npm run bench`): N simulated nodes on one air, each broadcasting a
 * small message once a second for SENDS seconds, every node hearing every
 * other. A stand-in node of the benchmark's own broadcasts the start time once
 * all N are up; node i then sends at start + its phase (random in 0..1 s) +
 * k seconds, the message carrying that scheduled time (4 bytes: ms after the
 * start), and every receiver notes how late after it the message reached
 * JavaScript (irq callback): its own work, besides irecv(), some 130
 * computrons a message.
 *
 * "Keeps real time" here means: at least 99.9 % of the N (N - 1) SENDS
 * deliveries reach JavaScript and 99 % of them do so within 100 ms of their
 * scheduled time. Also printed: the worst send slip (a timer late), the air's
 * event-loop delay (p99, max), the frames and deliveries the air counted, and
 * the CPU the air and the nodes used over the window, in cores, the nodes'
 * CPU per delivery counted (us/delivery: what limits N on few cores), and
 * the load average after it (the machine may be shared). The nodes run the profile of
 * SIM_PROFILE (esp32c3 by default). The first SCALE_WARMUP rounds (default 1)
 * are sent but not counted: in them each node hears N - 1 MACs for the first
 * time, and its peers_table and heap grow (about 325 bytes a MAC, and with
 * the device's growth policy about two collections for every 64 slots: some
 * 60 collections for 99 MACs, on a device too); what is measured is the
 * steady state after. With more nodes than cores the nodes give way to the
 * air, as espnow-sim run has them do (ESPNOW_SIM_YIELD, hosts/sim/simYield.c).
 * Prints figures; asserts nothing.
 */

import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Air } from "../../tools/air/air.ts";
import { AirNode } from "../../tools/air/client.ts";
import { buildApp, runApp, type RunResult } from "../../tools/sim/build.ts";
import { yieldToAirEnv } from "../../tools/sim/run.ts";
import { ESPNOW, node } from "../espnow/helpers.ts";

const COUNTS = (process.env.SCALE_NODES ?? "50,100,150,200,250").split(",").map(Number);
const SENDS = 10;
const WARMUP = Number(process.env.SCALE_WARMUP ?? 1);
const BUCKET_MS = 10, BUCKETS = 101; /* the last one holds 1 s and later */
const DEADLINE_MS = 100;
const BATCH = 10;

const source = node([], `
  const bcast = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  e.add_peer(bcast);
  let start;
  for (;;) { const [, m] = e.recv(120000); if (!m) throw new Error("no start"); const s = text(m); if (s.startsWith("start ")) { start = Number(s.slice(6)); break; } }
  const phase = Math.floor(Math.random() * 1000), histogram = new Uint32Array(${BUCKETS}), out = new Uint8Array(4);
  const base = e.stats();
  let sent = 0, got = 0, slip = 0;
  e.irq((self) => {
    for (;;) {
      /* by index: destructuring [mac, msg] runs the array iterator, 8 slots of garbage a call in XS (on the device too), 16 a message with the call that finds none */
      const pair = self.irecv(0), mac = pair[0], msg = pair[1];
      if (!mac) return;
      /* the scheduled time, ms after start, in 4 bytes: the consumer's own work is a few bytecodes, as a sensor's binary reading would be */
      const offset = msg[0] | (msg[1] << 8) | (msg[2] << 16) | (msg[3] << 24);
      if (offset < ${WARMUP * 1000}) continue;
      got++;
      const late = (Date.now() - start - offset) / ${BUCKET_MS};
      histogram[late < 0 ? 0 : late >= ${BUCKETS - 1} ? ${BUCKETS - 1} : late | 0]++;
    }
  });
  function tick() {
    const due = start + phase + sent * 1000;
    if (sent >= ${WARMUP}) slip = Math.max(slip, Date.now() - due);
    const offset = due - start;
    out[0] = offset; out[1] = offset >> 8; out[2] = offset >> 16; out[3] = offset >> 24;
    e.send(bcast, out, false);
    if (++sent < ${SENDS + WARMUP}) Timer.set(tick, Math.max(0, due + 1000 - Date.now()));
  }
  Timer.set(tick, Math.max(0, start + phase - Date.now()));
  Timer.set(() => {
    e.irq(null);
    say("RESULT", sent, got, e.stats()[4] - base[4], slip, Array.from(histogram).join(","));
    e.active(false);
  }, Math.max(0, start + ${(SENDS + WARMUP) * 1000 + 1500} - Date.now()));`, { open: true });

/** user + system CPU of a process so far, in ms (Linux /proc; 0 once it has gone). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const folder = mkdtempSync(join(tmpdir(), "espnow-scale-"));
const main = join(folder, "main.js");
writeFileSync(main, source);
const app = buildApp([ESPNOW], { main });

console.log(`\nScale: N ${app.profile.name} nodes (SIM_PROFILE) broadcasting once a second for ${SENDS} s, each hearing all others (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
console.log(`  real time: >= 99.9 % delivered and p99 <= ${DEADLINE_MS} ms after the scheduled send, counted after ${WARMUP} round${WARMUP === 1 ? "" : "s"} in which the nodes learn each other (SCALE_WARMUP); nodes give way to the air: ESPNOW_SIM_YIELD=${yieldToAirEnv(Math.max(...COUNTS), "auto")} for the largest N`);
console.log("      N  delivered  expected      %   p50 ms  p99 ms  >1s  ring drops  slip ms  air lag p99/max ms  air cpu  nodes cpu  us/delivery  load  real time");
try {
  for (const count of COUNTS) {
    const air = new Air();
    const port = await air.start({ nodeTimeoutMs: 60000 });
    const pids: number[] = [];
    const runs: Promise<RunResult>[] = [];
    let ended = 0;
    const failures: string[] = [];
    /* in batches: a node's first request to the air times out if a hundred others boot beside it (as devices never all boot in the same millisecond) */
    while (runs.length < count && ended === 0) {
      for (const index of Array.from({ length: Math.min(BATCH, count - runs.length) }, (_, i) => runs.length + i)) {
        const run = runApp(app, {
          timeoutMs: 180000,
          env: { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_NAME: `node${index}`, ESPNOW_NODE_INDEX: String(index), ESPNOW_SIM_YIELD: yieldToAirEnv(count, "auto") },
          onSpawn: (child) => pids.push(child.pid ?? 0),
        });
        void run.then((r) => { ended++; if (r.code !== 0) failures.push(r.stderr.trim().split("\n").slice(-4).join(" ")); });
        runs.push(run);
      }
      while (air.list().filter((n) => n.espnow && n.staOn).length < runs.length && ended === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (ended > 0) {
      await Promise.all(runs);
      await air.stop();
      console.log(`  ${String(count).padStart(5)} could not start: ${failures.length} nodes failed, e.g. ${failures[0]}`);
      continue;
    }
    const starter = await AirNode.connect({ port, index: count, name: "starter", espnow: true, staOn: true });
    const start = Date.now() + 1000;
    await starter.send("ff:ff:ff:ff:ff:ff", `start ${start}`);
    await starter.close();
    await new Promise((resolve) => setTimeout(resolve, start + WARMUP * 1000 - Date.now()));
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const before = { air: process.cpuUsage(), nodes: pids.reduce((sum, pid) => sum + cpuMs(pid), 0) };
    await new Promise((resolve) => setTimeout(resolve, SENDS * 1000));
    const airCpu = process.cpuUsage(before.air);
    const nodesCpu = pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - before.nodes;
    lag.disable();
    const results = await Promise.all(runs);
    await air.stop();
    const histogram = new Array<number>(BUCKETS).fill(0);
    let got = 0, drops = 0, slip = 0, failed = 0;
    for (const result of results) {
      const line = result.stdout.split("\n").find((l) => l.startsWith("RESULT"));
      if (!line) { failed++; continue; }
      const [, , g, d, s, h] = line.split(" ");
      got += Number(g); drops += Number(d); slip = Math.max(slip, Number(s));
      h.split(",").forEach((n, i) => { histogram[i] += Number(n); });
    }
    const expected = count * (count - 1) * SENDS;
    const quantile = (q: number): number => {
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) if ((seen += histogram[i]) >= q * got) return (i + 1) * BUCKET_MS;
      return Infinity;
    };
    const share = got / expected, p99 = quantile(0.99);
    const realTime = failed === 0 && share >= 0.999 && p99 <= DEADLINE_MS;
    console.log(`  ${String(count).padStart(5)} ${String(got).padStart(10)} ${String(expected).padStart(9)} ${(share * 100).toFixed(1).padStart(6)} ${String(quantile(0.5)).padStart(8)} ${String(p99).padStart(7)} ${String(histogram[BUCKETS - 1]).padStart(4)} ${String(drops).padStart(11)} ${String(slip).padStart(8)} ${`${(lag.percentile(99) / 1e6).toFixed(0)}/${(lag.max / 1e6).toFixed(0)}`.padStart(19)} ${((airCpu.user + airCpu.system) / 1e3 / (SENDS * 1000)).toFixed(2).padStart(8)} ${(nodesCpu / (SENDS * 1000)).toFixed(2).padStart(10)} ${(got ? (nodesCpu * 1000) / got : 0).toFixed(0).padStart(12)} ${loadavg()[0].toFixed(1).padStart(5)}  ${realTime ? "yes" : "no"}${failed ? ` (${failed} nodes failed: ${results.find((r) => !r.stdout.includes("RESULT"))?.stderr.slice(0, 200)})` : ""}`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
