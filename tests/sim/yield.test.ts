/*
 * ESPNOW_SIM_YIELD=1 (hosts/sim/simYield.c): a node gives way to the air,
 * every one of its threads (the JS thread, the radio's receive thread, the
 * watchdog) at nice 10 under SCHED_BATCH, since the air must not wait for
 * the nodes it carries. Without it, or with another value, the node runs as
 * it was started. Read from /proc: Linux only, as is the simulator's CI.
 */

import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Air } from "../../tools/air/air.ts";
import { buildApp, runApp } from "../../tools/sim/build.ts";
import { ESPNOW, node, prebuild } from "../espnow/helpers.ts";
import { ownNice, threadPriorities, type ThreadPriority } from "./helpers.ts";

test.before(prebuild);

const SCHED_OTHER = 0, SCHED_BATCH = 3;

/* Runs until told to stop: says "up" once ESP-NOW is on, then waits. */
const idle = node([], `say("up"); Timer.set(() => e.active(false), 20000);`, { open: true });

async function threadsOf(yieldValue: string | undefined): Promise<ThreadPriority[]> {
  const air = new Air();
  const port = await air.start();
  const folder = mkdtempSync(join(tmpdir(), "espnow-yield-"));
  try {
    const main = join(folder, "main.js");
    writeFileSync(main, idle);
    const app = buildApp([ESPNOW], { main });
    let pid = 0, up!: () => void;
    const ready = new Promise<void>((resolve) => { up = resolve; });
    const env: NodeJS.ProcessEnv = { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_INDEX: "0" };
    if (yieldValue !== undefined) env.ESPNOW_SIM_YIELD = yieldValue;
    const run = runApp(app, {
      timeoutMs: 30000,
      env,
      onSpawn: (child) => { pid = child.pid ?? 0; },
      onStdout: (chunk) => { if (chunk.includes("up")) up(); },
    });
    await ready;
    const seen = threadPriorities(pid);
    process.kill(pid, "SIGTERM");
    await run;
    return seen;
  } finally {
    await air.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

test("ESPNOW_SIM_YIELD=1: every thread of the node at nice 10 under SCHED_BATCH", async (t) => {
  const seen = await threadsOf("1");
  t.true(seen.length >= 2, `the JS thread and the radio's, at least: ${JSON.stringify(seen)}`);
  for (const thread of seen) t.deepEqual({ nice: thread.nice, policy: thread.policy }, { nice: 10, policy: SCHED_BATCH }, thread.name);
});

test("without ESPNOW_SIM_YIELD, or with another value, the node keeps the priority it was started with", async (t) => {
  const own = ownNice();
  for (const value of [undefined, "0", "yes"]) {
    const seen = await threadsOf(value);
    t.true(seen.length >= 2, JSON.stringify(seen));
    for (const thread of seen) t.deepEqual({ nice: thread.nice, policy: thread.policy }, { nice: own, policy: SCHED_OTHER }, `${value}: ${thread.name}`);
  }
});
