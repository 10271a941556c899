/*
 * Math.random on simulated nodes: a device's comes from its hardware
 * generator, so no two nodes draw the same numbers. The simulator seeds each
 * node from the run's --seed and the node's index: different on every node,
 * the same again for the same seed.
 */
import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeSeed } from "../../tools/sim/build.ts";
import { runNodes } from "../../tools/sim/run.ts";
import { run } from "./helpers.ts";

const DRAW = `trace([0, 1, 2, 3].map(() => Math.random().toFixed(12)).join(" "), "\\n");\n`;

let folder: string;
test.before(() => {
  folder = mkdtempSync(join(tmpdir(), "xsim-random-"));
  writeFileSync(join(folder, "draw.js"), DRAW);
});
test.after.always(() => rmSync(folder, { recursive: true, force: true }));

/* Each node's numbers in a run of two nodes, by node name. */
async function draws(seed?: number): Promise<Record<string, string>> {
  let out = "";
  let err = "";
  const code = await runNodes({
    inputs: [join(folder, "draw.js")],
    nodes: 2,
    air: seed === undefined ? {} : { seed },
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
  });
  if (code !== 0) throw new Error(`the run failed (${code}): ${err}`);
  return Object.fromEntries(out.trim().split("\n").map((line) => line.split("| ") as [string, string]));
}

test("two nodes of one run draw different numbers; the same --seed draws them again; another seed, others", async (t) => {
  const first = await draws(7);
  t.deepEqual(Object.keys(first).sort(), ["node0", "node1"]);
  t.regex(first.node0, /^(0\.\d{12} ){3}0\.\d{12}$/);
  t.not(first.node0, first.node1);
  t.deepEqual(await draws(7), first);
  const other = await draws(8);
  t.not(other.node0, first.node0);
  t.not(other.node1, first.node1);
});

test("without --seed a run is repeatable, as with the air's default seed 1", async (t) => {
  t.deepEqual(await draws(), await draws(1));
});

test("an app run on its own draws the same numbers every time (node 0's fixed seed)", async (t) => {
  const once = await run(DRAW);
  t.is(once.code, 0, once.stderr);
  t.is((await run(DRAW)).stdout, once.stdout);
});

test("node seeds are distinct for the nodes of one seed", (t) => {
  for (const seed of [0, 1, 2 ** 32 - 1]) {
    const seeds = new Set(Array.from({ length: 1000 }, (_, index) => nodeSeed(seed, index)));
    t.is(seeds.size, 1000);
  }
});
