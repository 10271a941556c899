/*
 * The API fuzzer (issue 13): two nodes on one air, each running
 * fixtures/fuzz/fuzz.js with its own seed, so that each one's random calls
 * meet the other's messages. Bounded: a fixed number of calls a node, the
 * same sequence every run (Math.random is seeded by the simulator). Meant for
 * SIM_VARIANT=asan (npm run test:asan), where a memory error or undefined
 * behaviour is the node's exit code (86, 87); it runs on the other variants
 * too.
 *
 * Asserted: every node exits 0 (no crash, no sanitizer report, no uncaught
 * exception), every error a call threw was a TypeError, RangeError or
 * ESPNowError with a message, every promise settled, and the XS heap grew by
 * less than a bound between call 100 and the end (after a collection).
 * Printed: the iteration counts, the errors, the heap growth, and the host's
 * memory figures (--verbose).
 */

import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeSeed } from "../../tools/sim/build.ts";
import { ESPNOW, macLiteral } from "./helpers.ts";
import { prebuildMixed, runMixed } from "./fixtures/network.ts";

const FIXTURE = join(import.meta.dirname, "fixtures", "fuzz");
const MANIFEST = join(FIXTURE, "manifest.json");
const FUZZER = readFileSync(join(FIXTURE, "fuzz.js"), "utf8");
/* byte patterns the buffers are sometimes made of: a small corpus, kept here */
const CORPUS: number[][] = JSON.parse(readFileSync(join(FIXTURE, "corpus.json"), "utf8"));

/** Calls per node (ESPNOW_FUZZ_ITERATIONS for a longer run): about 10 s a test under ASan. */
const ITERATIONS = Number(process.env.ESPNOW_FUZZ_ITERATIONS ?? 4000);
const SEEDS = [1, 2];
/** heap growth allowed between call 100 and the end: what stays is the peers_table, interned MACs, AIOESPNow's lanes */
const MAX_SLOTS = 4000;
const MAX_BYTES = 64 * 1024;

test.before(() => prebuildMixed([[ESPNOW, MANIFEST]]));

function source(peer: number): string {
  const imports = FUZZER.match(/^import .*$/gm)!.join("\n");
  const body = FUZZER.replace(/^import .*$/gm, "");
  const corpus = `const CORPUS = [${CORPUS.map((bytes) => `Uint8Array.of(${bytes.join(", ")})`).join(", ")}];`;
  return `${imports}\nconst PEER = ${macLiteral(peer)};\nconst DEBUG = false;\nconst ITERATIONS = ${ITERATIONS};\n${corpus}\n${body}`;
}

for (const seed of SEEDS) {
  test(`random and hostile calls of ESPNow, AIOESPNow and WLAN on two nodes (seed ${seed}): no crash, no sanitizer report, only TypeError, RangeError and ESPNowError, heap bounded`, async (t) => {
    const results = await runMixed([
      { source: source(1), seed: nodeSeed(seed, 0), manifests: [ESPNOW, MANIFEST] },
      { source: source(0), seed: nodeSeed(seed, 1), manifests: [ESPNOW, MANIFEST] },
    ], { timeoutMs: 110000, verbose: true });
    results.forEach((result, i) => {
      const memory = /^xsim memory: .*$/m.exec(result.stderr)?.[0] ?? "(no memory figures)";
      t.log(`node${i}: ${result.lines.filter((line) => line.startsWith("fuzz ") || line.startsWith("unsettled")).join(" ")} | ${memory}`);
      t.is(result.code, 0, `node${i} failed (${result.signal ?? ""}${result.timedOut ? " timed out" : ""}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-8000)}`);
      t.deepEqual(result.lines.filter((line) => line.startsWith("unexpected")), [], `node${i}`);
      const summary = result.lines.find((line) => line.startsWith("fuzz "));
      t.truthy(summary, `node${i} printed no summary:\n${result.stdout.slice(-2000)}`);
      const figure = (name: string): number => Number(new RegExp(`\\b${name}=(-?[0-9]+)`).exec(summary ?? "")?.[1] ?? NaN);
      t.is(figure("iterations"), ITERATIONS, `node${i}`);
      t.is(figure("unexpected"), 0, `node${i}`);
      t.is(figure("pending"), 0, `node${i}: promises never settled`);
      t.true(figure("received") > 0, `node${i}: no message arrived`);
      t.true(figure("errors") > 0, `node${i}: no call was refused: the fuzzer is not hostile`);
      t.true(figure("slots") < MAX_SLOTS, `node${i}: ${figure("slots")} slots kept`);
      t.true(figure("bytes") < MAX_BYTES, `node${i}: ${figure("bytes")} bytes kept`);
    });
  });
}
