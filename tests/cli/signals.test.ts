/*
 * The nodes of espnow-sim run end with the command, however it ends: SIGINT,
 * SIGTERM, SIGHUP, its output pipe closed (as "| head" does), or SIGKILL
 * (which it cannot catch: the nodes learn it from the kernel,
 * hosts/sim/simParent.c).
 */
import test, { type ExecutionContext } from "ava";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { app, command, folder, TICKER, type Command } from "./helpers.ts";

/* The xsim processes whose parent is pid (Linux's /proc). */
function nodesOf(pid: number): number[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number).filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[1]) === pid && readFileSync(`/proc/${child}/comm`, "utf8").trim() === "xsim";
    } catch {
      return false; /* it ended while we looked */
    }
  });
}

/* A process is gone when it is no more, or only a zombie waiting for a parent that does not reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

async function within(ms: number, condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/* Two ticking nodes, both running; returns the command and their pids. */
async function twoNodes(t: ExecutionContext): Promise<{ cli: Command; nodes: number[] }> {
  const ticker = app(folder(t), "ticker", TICKER);
  const cli = command(t, ["run", "--nodes", "2", ticker]);
  await cli.stdout.waitFor(/node0\| tick 1\n[^]*node1\| tick 1\n|node1\| tick 1\n[^]*node0\| tick 1\n/, 120000);
  const nodes = nodesOf(cli.child.pid as number);
  t.is(nodes.length, 2, `the command's xsim children: ${nodes.join(", ")}`);
  t.teardown(() => nodes.forEach((pid) => alive(pid) && process.kill(pid, "SIGKILL")));
  return { cli, nodes };
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  test(`${signal} to espnow-sim run ends its nodes, and the command with the shell's status for ${signal}`, async (t) => {
    t.timeout(180000);
    const { cli, nodes } = await twoNodes(t);
    cli.child.kill(signal);
    const finished = await cli.finished;
    t.is(finished.code, { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal]);
    t.true(await within(10000, () => nodes.every((pid) => !alive(pid))), `left running: ${nodes.filter(alive).join(", ")}`);
  });
}

test("a closed output pipe (EPIPE, as with | head) ends espnow-sim run and its nodes", async (t) => {
  t.timeout(180000);
  const { cli, nodes } = await twoNodes(t);
  cli.child.stdout?.destroy();
  const finished = await cli.finished;
  t.is(finished.code, 141);
  t.true(await within(10000, () => nodes.every((pid) => !alive(pid))), `left running: ${nodes.filter(alive).join(", ")}`);
});

test("SIGKILL of espnow-sim run, which it cannot catch, still ends its nodes", async (t) => {
  t.timeout(180000);
  t.true(existsSync("/proc/self/stat"), "this test reads Linux's /proc");
  const { cli, nodes } = await twoNodes(t);
  cli.child.kill("SIGKILL");
  await cli.finished;
  t.true(await within(10000, () => nodes.every((pid) => !alive(pid))), `left running: ${nodes.filter(alive).join(", ")}`);
});
