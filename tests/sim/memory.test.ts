/*
 * The device's memory: XS gets what the profile's creation gives it, counted
 * as the device counts it (16-byte slots, the device's chunk sizes), and a
 * program that needs more ends with XS's memory-full error, as on the device.
 */

import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript, type RunResult } from "../../tools/sim/build.ts";
import type { ProfileName } from "../../tools/sim/profile.ts";

/* Keeps a linked list of small objects, each with its own string, until XS
   runs out; the device's allocations are then all small (64 slots, or a
   chunk block grown by 512 bytes), so the peak ends near the limit. */
const FILL = `let head = null, count = 0;
for (;;) {
  head = { next: head, text: "item " + count };
  count++;
  if (count % 10 === 0) trace(count, "\\n");
}`;

interface Memory {
  limit: number;
  peak: number;
  slots: number;
  chunks: number;
}

function memoryLine(result: RunResult): Memory {
  const match = /^xsim memory: profile=\w+ block-limit=(\d+) block-peak=(\d+) slots-peak=(\d+) slots-used-peak=\d+ chunks-peak=(\d+) stack=\d+$/m.exec(result.stderr);
  if (!match) throw new Error(`no memory line in:\n${result.stderr}`);
  const [limit, peak, slots, chunks] = match.slice(1).map(Number);
  return { limit, peak, slots, chunks };
}

/* The last count the program traced before it stopped. */
function reached(result: RunResult): number {
  const counts = result.stdout.split("\n").filter((line) => /^\d+$/.test(line)).map(Number);
  return counts.length ? counts[counts.length - 1] : 0;
}

/* variant: SIM_VARIANT's (a 64-bit build) unless "m32" */
function fill(profile: ProfileName, variant?: "m32", manifests: string[] = []): Promise<RunResult> {
  return runScript(FILL, manifests, { profile, variant, verbose: true });
}

function withApp(files: Record<string, string>, body: (folder: string) => Promise<void>): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "memory-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return body(folder).finally(() => rmSync(folder, { recursive: true, force: true }));
}

test("allocating until XS fails ends with the memory-full error at about the esp32c3's 94208 bytes, the same in the 64-bit and m32 builds", async (t) => {
  t.timeout(180000);
  const native = await fill("esp32c3");
  const m32 = await fill("esp32c3", "m32");
  for (const result of [native, m32]) {
    t.is(result.code, 1, result.stderr);
    t.regex(result.stderr, /^Fatal: not enough memory$/m);
    t.regex(result.stderr, /^xsim: not enough memory: the esp32c3 profile gives XS 94208 bytes/m);
    const memory = memoryLine(result);
    t.is(memory.limit, 94208);
    // What failed was at most one more heap of 64 slots (1024 bytes) or one
    // more 512 bytes of chunks with the chunk that asked: the peak is within
    // 2 KB of the limit, and never above it.
    t.true(memory.peak <= 94208 && memory.peak > 94208 - 2048, `peak ${memory.peak}`);
  }
  // The objects the program made before the end: the 64-bit count matches the
  // 32-bit build's (the device's sizes) within 3%.
  const a = reached(native), b = reached(m32);
  t.true(b > 1000, `m32 reached ${b}`);
  t.true(Math.abs(a - b) <= b * 0.03, `64-bit ${a}, m32 ${b}`);
});

test("a program that keeps 120 KB of buffers fails in the esp32c3 profile", async (t) => {
  t.timeout(180000);
  const source = `const kept = [];
for (let i = 0; i < 60; i++) {
  kept.push(new Uint8Array(2048));
  trace(i, "\\n");
}
trace("kept ", kept.length, "\\n");`;
  const result = await runScript(source, [], { profile: "esp32c3", verbose: true });
  t.is(result.code, 1, result.stdout);
  t.notRegex(result.stdout, /kept/);
  t.regex(result.stderr, /the esp32c3 profile gives XS 94208 bytes/);
  // 2 KB buffers: the block holds about 40 of them (94208 less the stack's
  // 6144 bytes and the slots'), not 60
  const last = reached(result);
  t.true(last >= 30 && last < 45, `failed after ${last} buffers`);
});

test("the esp8266 profile gives XS 32768 bytes: the same program fails earlier", async (t) => {
  t.timeout(180000);
  const esp8266 = await fill("esp8266");
  const esp32c3 = await fill("esp32c3");
  t.is(esp8266.code, 1);
  t.regex(esp8266.stderr, /the esp8266 profile gives XS 32768 bytes/);
  const memory = memoryLine(esp8266);
  t.is(memory.limit, 32768);
  t.true(memory.peak <= 32768 && memory.peak > 32768 - 2048, `peak ${memory.peak}`);
  // the 8266's stack is 256 slots (4 KB), the C3's 384: the C3 has 57 KB more for the program
  t.true(reached(esp8266) < reached(esp32c3) * 0.4, `${reached(esp8266)} vs ${reached(esp32c3)}`);
});

test("the esp32 profile has two fixed heaps: 4928 slots fail however much chunk room is left", async (t) => {
  t.timeout(180000);
  const result = await runScript(FILL, [], { profile: "esp32", verbose: true });
  t.is(result.code, 1);
  t.regex(result.stderr, /the esp32 profile gives XS 78848 chunk bytes and 4928 slots/);
  // each object is 3 slots: 4928 slots hold at most about 1600 of them
  t.true(reached(result) > 1200 && reached(result) <= 1640, `reached ${reached(result)}`);
});

test("a manifest's creation.static changes the limit", async (t) => {
  t.timeout(180000);
  await withApp({ "manifest.json": JSON.stringify({ creation: { static: 65536 } }) }, async (folder) => {
    const small = await fill("esp32c3", undefined, [join(folder, "manifest.json")]);
    const normal = await fill("esp32c3");
    t.is(small.code, 1);
    t.regex(small.stderr, /the esp32c3 profile gives XS 65536 bytes/);
    const memory = memoryLine(small);
    t.is(memory.limit, 65536);
    t.true(memory.peak <= 65536 && memory.peak > 65536 - 2048, `peak ${memory.peak}`);
    t.true(reached(small) < reached(normal) * 0.75, `${reached(small)} vs ${reached(normal)}`);
  });
});

/* A module of 24 functions of 400 statements each: about 150 KB of bytecode
   once parsed, which the device keeps in flash. */
function bigModule(): string {
  let text = "";
  for (let f = 0; f < 24; f++) {
    text += `export const f${f} = (x) => {\n`;
    for (let s = 0; s < 400; s++) text += `  x = (x * ${s + 3} + ${f + 7}) % 65521;\n`;
    text += "  return x;\n};\n";
  }
  return text;
}

test("the bytecode of a large module does not count: a module of much code and few objects runs", async (t) => {
  t.timeout(180000);
  await withApp({ "manifest.json": JSON.stringify({ modules: { big: "./big" } }), "big.js": bigModule() }, async (folder) => {
    const source = `import * as big from "big";
let x = 1;
for (let f = 0; f < 24; f++) x = big["f" + f](x);
trace("ran ", x, "\\n");`;
    const result = await runScript(source, [join(folder, "manifest.json")], { profile: "esp32c3", verbose: true });
    t.is(result.code, 0, result.stderr);
    t.regex(result.stdout, /^ran \d+$/m);
    t.true(memoryLine(result).peak < 40000, `peak ${memoryLine(result).peak}`);
  });
});

test("--verbose prints the peak of the block, its limit, the peak slots and chunk bytes", async (t) => {
  t.timeout(180000);
  const small = await runScript(`trace("hello\\n");`, [], { profile: "esp32c3", verbose: true });
  const large = await runScript(`const kept = []; for (let i = 0; i < 10; i++) kept.push(new Uint8Array(2000)); trace(kept.length, "\\n");`, [], { profile: "esp32c3", verbose: true });
  const quiet = await runScript(`trace("hello\\n");`, [], { profile: "esp32c3" });
  t.is(small.code, 0, small.stderr);
  t.is(large.code, 0, large.stderr);
  t.notRegex(quiet.stderr, /xsim memory/);
  const a = memoryLine(small), b = memoryLine(large);
  t.is(a.limit, 94208);
  // the stack (384 slots) and the first heap (512 slots) and chunks (1536 bytes) at least
  t.true(a.peak >= 6144 + 8192 + 1536, `peak ${a.peak}`);
  t.true(a.peak >= a.slots * 16 + a.chunks);
  // the first chunks (1536 bytes and the block's header) were enough for
  // the small program; the other keeps 20000 bytes of buffers, with their
  // headers and the array that keeps them; the last buffer, typed by no
  // later check, counts at least half (what a 64-bit host's request can
  // hold on the device)
  t.is(a.chunks, 1536 + 16);
  t.true(b.chunks >= 19000 && b.chunks < 20000 + 1024, `chunks ${b.chunks}`);
  t.true(b.peak - a.peak >= 19000 - 1536, `peak ${a.peak} then ${b.peak}`);
});

test("the stack is the profile's: 40 nested calls overflow the esp32c3's 384 slots, and run with a manifest's creation.stack", async (t) => {
  t.timeout(180000);
  const source = `function down(n) {
  return n > 0 ? down(n - 1) + 1 : 0;
}
trace("depth ", down(40), "\\n");`;
  const device = await runScript(source, [], { profile: "esp32c3" });
  t.is(device.code, 1);
  t.regex(device.stderr, /stack overflow/);
  await withApp({ "manifest.json": JSON.stringify({ creation: { stack: 1024 } }) }, async (folder) => {
    const larger = await runScript(source, [join(folder, "manifest.json")], { profile: "esp32c3" });
    t.is(larger.code, 0, larger.stderr);
    t.is(larger.stdout, "depth 40\n");
  });
});

test("one 85000-byte buffer the esp32c3 cannot hold fails, even when nothing is allocated after it", async (t) => {
  t.timeout(180000);
  const result = await runScript(`const b = new Uint8Array(85000);\ntrace("made ", b.length, "\\n");`, [], { profile: "esp32c3" });
  t.is(result.code, 1, result.stderr);
  t.regex(result.stderr, /not enough memory/);
  t.regex(result.stderr, /the esp32c3 profile gives XS 94208 bytes/);
});
