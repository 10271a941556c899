/*
 * When XS grows its heap of slots, as the device's XS does (Moddable SDK
 * 8.2.3): after every collection the slots are "trashing" if fewer free slots
 * are left than the heap's increment (creation.heap.incremental, 64 on the
 * esp32c3), and after two such collections in a row XS grows the heap by the
 * increment. The engine the simulator builds on (@agoric/xsnap's) grew the
 * heap only once a collection freed nothing: with a heap nearly full of live
 * objects it collected every few allocations, where the device grows the heap
 * (hosts/sim/xsMemory.sed).
 */

import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript, type RunResult } from "../../tools/sim/build.ts";

/* KEPT live objects of 2 slots each, made without garbage, so that the heap
   grows only when it is full: it ends with fewer free slots than 64. Then
   objects that die at once, as many as the heap holds several times over. */
const SOURCE = `import { heap, collect } from "instrument";
function free(what) { collect(); trace(what, " ", heap().freeSlots, "\\n"); }
const kept = new Array(1000).fill(null);
for (let i = 0; i < kept.length; i++) kept[i] = { i };
free("filled");
for (let j = 0; j < 20000; j++) { const garbage = { j }; }
free("after garbage");`;

function freeSlots(result: RunResult, what: string): number {
  const match = new RegExp(`^${what} (\\d+)$`, "m").exec(result.stdout);
  if (!match) throw new Error(`no "${what}" line in:\n${result.stdout}\n${result.stderr}`);
  return Number(match[1]);
}

test("garbage made in a heap nearly full of live objects: the heap grows by the esp32c3's 64 slots, as on the device", async (t) => {
  t.timeout(180000);
  const result = await runScript(SOURCE, [], { profile: "esp32c3" });
  t.is(result.code, 0, result.stderr);
  const filled = freeSlots(result, "filled");
  t.true(filled < 64, `${filled} free slots once filled`);
  // Two collections in a row left fewer than 64 free: XS grew the heap, and
  // the last collection leaves at least the increment free. (The older
  // engine left the heap as it was, with the free slots of the fill.)
  const after = freeSlots(result, "after garbage");
  t.true(after >= 64, `${after} free slots after the garbage (${filled} before it)`);
});

test("the increment is the creation's: with heap.incremental 256, at least 256 slots are free after the garbage", async (t) => {
  t.timeout(180000);
  const folder = mkdtempSync(join(tmpdir(), "collector-"));
  try {
    const manifest = join(folder, "manifest.json");
    writeFileSync(manifest, JSON.stringify({ creation: { heap: { incremental: 256 } } }));
    const result = await runScript(SOURCE, [manifest], { profile: "esp32c3" });
    t.is(result.code, 0, result.stderr);
    t.true(freeSlots(result, "filled") < 256);
    const after = freeSlots(result, "after garbage");
    t.true(after >= 256, `${after} free slots after the garbage`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
