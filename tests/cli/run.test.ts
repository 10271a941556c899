import test from "ava";
import { createSocket } from "node:dgram";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { nodeEnv } from "../../tools/sim/run.ts";
import { ownNice, processPriority, threadPriorities } from "../sim/helpers.ts";
import { app, command, folder, lines, run, TICKER } from "./helpers.ts";

test("--nodes runs copies of one app, each line prefixed with its node's name", async (t) => {
  const hello = app(folder(t), "hello", `trace("hello\\n");\ntrace("bye\\n");\n`);
  const result = await run(t, { inputs: [hello], nodes: 3 }).finished;
  t.is(result.code, 0, result.stderr);
  const output = lines(result.stdout);
  t.deepEqual([...output].sort(), ["node0| bye", "node0| hello", "node1| bye", "node1| hello", "node2| bye", "node2| hello"]);
  t.true(output.indexOf("node1| hello") < output.indexOf("node1| bye"));
});

test("each app given is one node, named after its folder, the prefixes aligned", async (t) => {
  const parent = folder(t);
  const result = await run(t, { inputs: [app(parent, "receiver", `trace("r\\n");\n`), app(parent, "tx", `trace("t\\n");\n`)] }).finished;
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout).sort(), ["receiver| r", "tx      | t"]);
});

test("apps whose names repeat are named node0, node1, ...", async (t) => {
  const hello = app(folder(t), "hello", `trace("hi\\n");\n`);
  const result = await run(t, { inputs: [hello, join(hello, "main.js")] }).finished;
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout).sort(), ["node0| hi", "node1| hi"]);
});

test("one node's output is not prefixed, and the air's port is announced", async (t) => {
  const result = await run(t, { inputs: [app(folder(t), "solo", `trace("just me\\n");\n`)] }).finished;
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "just me\n");
  t.regex(result.stderr, /^espnow-sim: air on udp 127\.0\.0\.1:\d+ \(espnow-sim control \d+ list\)$/m);
});

test("a failing node fails the run at once and the other nodes are stopped", async (t) => {
  const parent = folder(t);
  const result = await run(t, { inputs: [app(parent, "ticker", TICKER), app(parent, "crasher", `throw new Error("broken");\n`)] }).finished;
  t.is(result.code, 1);
  t.regex(result.stderr, /^crasher\| Uncaught exception: Error: broken$/m);
  t.regex(result.stderr, /^espnow-sim: crasher failed \(exit status 1\); stopping the other nodes$/m);
});

test("--seconds stops the nodes and succeeds when none failed", async (t) => {
  const result = await run(t, { inputs: [app(folder(t), "ticker", TICKER)], nodes: 2, seconds: 0.3 }).finished;
  t.is(result.code, 0, result.stderr);
  t.true(lines(result.stdout).includes("node0| tick 0"));
  t.true(lines(result.stdout).includes("node1| tick 0"));
});

test("the environment tells each node the air's port, its name and index, channel and version, the pid it ends with, and whether it gives way to the air", async (t) => {
  const running = run(t, { inputs: [app(folder(t), "ticker", TICKER)], nodes: 2, channel: 6, version: 1 });
  const port = await running.port;
  await running.stdout.waitFor(/node0\| tick 0[^]*node1\| tick 0|node1\| tick 0[^]*node0\| tick 0/);
  const environments = readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter((line) => line.startsWith("ESPNOW_")).sort();
      return env.includes(`ESPNOW_AIR=127.0.0.1:${port}`) ? [env] : [];
    } catch {
      return []; /* not ours, or ended meanwhile */
    }
  });
  const expected = [0, 1].map((index) =>
    [...Object.entries(nodeEnv({ airPort: port, name: `node${index}`, index, channel: 6, version: 1, chip: "esp32" })).map(([name, value]) => `${name}=${value}`),
      `ESPNOW_SIM_PARENT=${process.pid}`, "ESPNOW_SIM_YIELD=0", "ESPNOW_WATCHDOG=5"].sort());
  t.deepEqual(environments.sort(), expected);
  t.true(expected[1].includes("ESPNOW_NODE_NAME=node1") && expected[1].includes("ESPNOW_NODE_CHANNEL=6") && expected[1].includes("ESPNOW_NODE_VERSION=1"));
  running.stop();
  t.is((await running.finished).code, 0);
});

test("the air takes the port, seed, loss, event log and capture asked for", async (t) => {
  const files = folder(t);
  const log = join(files, "air.jsonl");
  const pcap = join(files, "air.pcap");
  const result = await run(t, { inputs: [app(files, "quiet", `trace("ok\\n");\n`)], air: { port: 0, seed: 7, loss: 0.5, log, pcap } }).finished;
  t.is(result.code, 0, result.stderr);
  t.like(JSON.parse(lines(readFileSync(log, "utf8"))[0]), { ev: "listen" });
  t.is(readFileSync(pcap).readUInt32LE(0), 0xa1b2c3d4);
});

test("a port in use is an error that says so", async (t) => {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  t.teardown(() => socket.close());
  const running = run(t, { inputs: [app(folder(t), "quiet", "")], air: { port: socket.address().port } });
  await t.throwsAsync(running.finished, { message: /the port is already in use/ });
});

test("--nodes with several apps is refused, naming the mistake", async (t) => {
  const parent = folder(t);
  const running = run(t, { inputs: [app(parent, "a", ""), app(parent, "b", "")], nodes: 2 });
  await t.throwsAsync(running.finished, { message: /--nodes runs copies of one app, but 2 apps were given/ });
});

test("app@x,y places the app's node on the air, says so at start, and a malformed position is refused", async (t) => {
  const ticker = app(folder(t), "ticker", TICKER);
  const running = run(t, { inputs: [`${ticker}@10,-2.5`] });
  const port = await running.port;
  await running.stderr.waitFor(/^espnow-sim: ticker at 10,-2\.5 \(metres\)$/m);
  await running.stdout.waitFor(/tick 0/);
  const environ = readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      return env.includes(`ESPNOW_AIR=127.0.0.1:${port}`) ? [env] : [];
    } catch {
      return [];
    }
  });
  t.is(environ.length, 1);
  t.true(environ[0].includes("ESPNOW_NODE_X=10") && environ[0].includes("ESPNOW_NODE_Y=-2.5"));
  running.stop();
  t.is((await running.finished).code, 0);
  await t.throwsAsync(run(t, { inputs: [`${ticker}@10,north`] }).finished, { message: /@10,north: a position is app@x,y in metres/ });
});

/** The xsim processes that parent started, each with the nice value and scheduling policy of every thread (proc(5): stat field 4, the parent). */
function nodeThreads(parent = process.pid): { nice: number; policy: number }[][] {
  const found: { nice: number; policy: number }[][] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const own = processPriority(Number(pid));
      if (own.name !== "xsim" || own.parent !== parent) continue;
      found.push(threadPriorities(Number(pid)).map(({ nice, policy }) => ({ nice, policy })));
    } catch { /* not ours, or it has just ended */ }
  }
  return found;
}

/** Output in which each of count nodes has ticked. */
function ticked(count: number): RegExp {
  return new RegExp("^" + Array.from({ length: count }, (_, i) => `(?=[^]*${count === 1 ? "" : `node${i}\\| `}tick 0)`).join(""));
}

/* serial: alone, so that the xsim processes found are this test's */
test.serial("with yieldToAir auto (the espnow-sim command's), more nodes than cores give way to the air (nice 10, SCHED_BATCH); as many as the cores do not, nor any by default", async (t) => {
  delete process.env.ESPNOW_SIM_YIELD;
  const ticker = app(folder(t), "ticker", TICKER);
  const yielding = { nice: 10, policy: 3 }, not = { nice: ownNice(), policy: 0 };
  const cases = [[cpus().length + 1, "auto", yielding], [1, "auto", not], [cpus().length + 1, undefined, not]] as const;
  for (const [count, yieldToAir, expected] of cases) {
    const running = run(t, { inputs: [ticker], nodes: count, yieldToAir });
    await running.stdout.waitFor(ticked(count));
    const nodes = nodeThreads();
    running.stop();
    await running.finished;
    t.is(nodes.length, count);
    for (const threads of nodes) for (const thread of threads) t.deepEqual(thread, expected, `${count} nodes, yieldToAir ${yieldToAir}`);
  }
});

test("the espnow-sim run command gives more nodes than cores the auto choice: they give way to the air", async (t) => {
  const count = cpus().length + 1;
  const cli = command(t, ["run", "--nodes", String(count), app(folder(t), "ticker", TICKER)]);
  await cli.stdout.waitFor(ticked(count));
  const nodes = nodeThreads(cli.child.pid);
  cli.child.kill("SIGTERM");
  await cli.finished;
  t.is(nodes.length, count);
  for (const threads of nodes) for (const thread of threads) t.deepEqual(thread, { nice: 10, policy: 3 });
});
