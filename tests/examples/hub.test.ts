/*
 * The hub layer (modules/espnow-hub) in scenarios on the simulated air.
 * HUB_REQUESTS sets how many requests the lossy-air scenario makes (default
 * 300; the acceptance figure is 1000).
 */

import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { runNodes } from "../../tools/sim/run.ts";
import { lines } from "../cli/helpers.ts";

const HUB = join(ROOT, "modules/espnow-hub/manifest.json");
const REQUESTS = Number(process.env.HUB_REQUESTS ?? 300);

/* Runs one main module per node (node i has index i), with the hub layer; returns each node's lines. */
async function network(t: { teardown: (fn: () => void) => void }, mains: string[], loss = 0): Promise<{ code: number; output: string[][]; text: string }> {
  const folder = mkdtempSync(join(tmpdir(), "espnow-hub-"));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const inputs = mains.map((source, i) => {
    const path = join(folder, `node${i}.js`);
    writeFileSync(path, source);
    return path;
  });
  let stdout = "", stderr = "";
  const code = await runNodes({
    inputs, include: [HUB], seconds: 60, air: { loss },
    stdout: (text) => (stdout += text), stderr: (text) => (stderr += text),
  });
  /* one node's lines have no prefix */
  const output = mains.length === 1 ? [lines(stdout)] : mains.map((_, i) => lines(stdout).filter((line) => line.startsWith(`node${i}| `)).map((line) => line.slice(7)));
  return { code, output, text: stdout + stderr };
}

const PRELUDE = `
import Hub from "espnow-hub";
import WLAN from "wlan";
import Timer from "timer";
new WLAN(WLAN.IF_STA).active(true);
const hub = new Hub();
hub.e.active(true);
const text = (bytes) => String.fromArrayBuffer(bytes.slice().buffer);
const mac = (i) => Uint8Array.of(2, 0x45, 0x4e, 0x53, 0, i);
`;

test("with 30% loss on every frame, every request is answered exactly once and handled once, while pings interleave", async (t) => {
  const server = `${PRELUDE}
const alive = Timer.repeat(() => hub.send(mac(1), "ping"), 20);
const calls = new Map();
hub.serve((from, body) => {
  const words = text(body);
  if (words === "done") {
    trace("handled " + calls.size + " requests, " + [...calls.values()].filter((n) => n > 1).length + " more than once\\n");
    Timer.set(() => { Timer.clear(alive); hub.stop(); }, 1000);
    return "bye";
  }
  calls.set(words, (calls.get(words) ?? 0) + 1);
  return "re " + words;
});
hub.start();
`;
  const client = `${PRELUDE}
let pings = 0;
hub.onMessage((from, body) => { if (text(body) === "ping") pings++; });
hub.start();
const server = mac(0);
let answered = 0, wrong = 0, failed = 0, next = 0;
async function worker() {
  while (next < ${REQUESTS}) {
    const n = next++;
    try {
      const reply = text(await hub.request(server, "q" + n, 10000));
      if (reply === "re q" + n) answered++; else wrong++;
    } catch (error) { failed++; trace(String(error) + "\\n"); }
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
trace("answered " + answered + ", wrong " + wrong + ", failed " + failed + "\\n");
trace("pings " + (pings > 0 ? "interleaved" : "none") + "\\n");
trace("done: " + text(await hub.request(server, "done", 10000)) + "\\n");
hub.stop();
`;
  const started = Date.now();
  const ran = await network(t, [server, client], 0.3);
  t.log(`${REQUESTS} requests over 30% loss in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [`handled ${REQUESTS} requests, 0 more than once`]);
  t.deepEqual(ran.output[1], [`answered ${REQUESTS}, wrong 0, failed 0`, "pings interleaved", "done: bye"]);
});

test("a request to a node that does not answer fails with a TimeoutError after its timeout", async (t) => {
  const ran = await network(t, [`${PRELUDE}
hub.start();
const started = Date.now();
try { await hub.request(mac(9), "anyone?", 300); } catch (error) { trace(error.name + " after " + (Date.now() - started >= 300 ? "300" : "less than 300") + " ms\\n"); }
hub.stop();
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], ["TimeoutError after 300 ms"]);
});
