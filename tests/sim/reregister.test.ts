/*
 * A node the air dropped comes back. The air removes a node it has not heard
 * from for its timeout (tools/air/PROTOCOL.md, "Liveness"): here node 0 is
 * stopped with SIGSTOP until the air has removed it, as a debugger, a
 * loaded machine or a suspended laptop stops it. Once it runs again it must
 * register again, with its interfaces, channel, PMK and LMK, and talk as
 * before: an encrypted exchange, which needs the air to know both keys.
 */

import test from "ava";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Air, type AirEvent } from "../../tools/air/air.ts";
import { buildApp, runApp, type RunResult } from "../../tools/sim/build.ts";
import { ESPNOW, node, prebuild } from "../espnow/helpers.ts";

test.before(prebuild);

const keys = `const pmk = "0123456789abcdef"; const lmk = Uint8Array.from({length: 16}, (_, i) => i + 100);
e.set_pmk(pmk); e.del_peer(peer0); e.add_peer(peer0, lmk);`;

/* Node 0: an encrypted exchange, "ready", then (stopped meanwhile) tries again until one goes through. */
const stopped = node([1], `${keys}
reach(peer0);
/* again until echoed: node 1's radio acknowledges frames before it has its keys (it sets them after turning ESP-NOW on), and drops what it cannot decrypt */
let echoed = false;
for (let i = 0; i < 50 && !echoed; i++) {
  e.send(peer0, "before", true);
  const [, msg] = e.recv(500);
  echoed = !!msg && text(msg) === "echo before";
}
if (!echoed) throw new Error("no echo before");
trace("ready\\n");
Timer.delay(1500);
let tries = 0, back = false;
while (!back && tries < 100) {
  tries++;
  if (e.send(peer0, "after", true)) {
    const [mac, msg] = e.recv(500);
    back = !!msg && text(msg) === "echo after";
  }
  else Timer.delay(100);
}
trace(back ? "back\\n" : "never back after " + tries + " tries\\n");
trace("channel " + sta.config("channel") + " stats " + e.stats().join(",") + "\\n");
e.send(peer0, "end", true);
`);

/* Node 1: echoes what node 0 sends, encrypted, until "end". */
const echo = node([0], `${keys}
for (;;) {
  const [mac, msg] = e.recv(20000);
  if (!msg) throw new Error("nothing from node 0 for 20 s");
  const words = text(msg);
  if (words === "end") break;
  e.send(peer0, "echo " + words, true);
}
trace("echoed\\n");
`);

function lines(result: RunResult): string[] {
  return result.stdout.split("\n").filter((line) => line.length > 0);
}

test("a node the air dropped while it was stopped registers again, with its keys, and talks as before", async (t) => {
  const air = new Air();
  const timeoutMs = 1000;
  const port = await air.start({ nodeTimeoutMs: timeoutMs });
  const events: AirEvent[] = [];
  air.on("event", (event: AirEvent) => events.push(event));
  const folder = mkdtempSync(join(tmpdir(), "espnow-reregister-"));
  try {
    const apps = [stopped, echo].map((source, index) => {
      const main = join(folder, `node${index}.js`);
      writeFileSync(main, source);
      return buildApp([ESPNOW], { main });
    });
    let child: ChildProcess | undefined;
    let resumed!: () => void;
    const stoppedAndResumed = new Promise<void>((resolve) => { resumed = resolve; });
    let left = false;
    let stopping = false;
    const runs = apps.map((app, index) => runApp(app, {
      timeoutMs: 60000,
      env: { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_NAME: `node${index}`, ESPNOW_NODE_INDEX: String(index) },
      onSpawn: index === 0 ? (spawned) => { child = spawned; } : undefined,
      onStdout: index === 0 ? (chunk) => {
        if (!chunk.includes("ready") || !child || stopping) return;
        stopping = true;
        child.kill("SIGSTOP");
        /* until the air removed it, then a little longer */
        const started = Date.now();
        const poll = setInterval(() => {
          left ||= events.some((e) => e.ev === "node-leave" && e.index === 0 && e.reason === "timeout");
          if ((left && Date.now() - started > 3 * timeoutMs) || Date.now() - started > 20000) {
            clearInterval(poll);
            child!.kill("SIGCONT");
            resumed();
          }
        }, 50);
      } : undefined,
    }));
    const [first, second] = await Promise.all(runs);
    if (stopping) await stoppedAndResumed;
    t.log(`node0: ${first.stdout.trim().replace(/\n/g, " | ")}`);
    t.true(stopping, `node 0 never got ready: ${first.stdout}${first.stderr}`);
    t.true(left, "the air never removed the stopped node");
    t.is(first.code, 0, first.stderr);
    t.is(second.code, 0, second.stderr);
    const out = lines(first);
    t.deepEqual(out.slice(0, 2), ["ready", "back"], first.stderr);
    t.regex(out[2] ?? "", /^channel 1 stats /);
    t.deepEqual(lines(second), ["echoed"]);
    /* registered again under its own index */
    t.true(events.some((e) => e.ev === "node-join" && e.index === 0 && events.indexOf(e) > events.findIndex((l) => l.ev === "node-leave")));
  } finally {
    await air.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});
