/*
 * The stack a program starts with is the device's. A device's machine is
 * cloned from the preparation in flash, so its stack holds only the machine's
 * 13 intrinsics when main is imported (setStepDone in Moddable's
 * xs/platforms/mc/xsHosts.c); the prototypes stay in flash. The simulator's
 * machine keeps 143 slots more on its stack and makes it that much larger:
 * of the esp32c3's 384 slots, main's first statement finds about 356 free,
 * room for 34 calls of down() below (about 10 slots each), not 19.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";

const ASYNC_MAIN = join(ROOT, "tests/fixtures/async-main/manifest.json");

const nested = (depth: number) => `function down(n) {
  return n > 0 ? down(n - 1) + 1 : 0;
}
trace("depth ", down(${depth}), "\\n");`;

test("main's top level has the device's stack: 31 nested calls run on the esp32c3, 37 overflow", async (t) => {
  t.timeout(180000);
  const fits = await runScript(nested(30), [], { profile: "esp32c3", verbose: true });
  t.is(fits.code, 0, fits.stderr);
  t.is(fits.stdout, "depth 30\n");
  // the memory count keeps the profile's 384 slots, not the larger allocation
  t.regex(fits.stderr, /^xsim memory: .* stack=384$/m);
  const deeper = await runScript(nested(36), [], { profile: "esp32c3" });
  t.is(deeper.code, 1);
  t.regex(deeper.stderr, /stack overflow/);
});

test("an async main (imported with xsImport) starts with the device's stack too: 28 nested calls run", async (t) => {
  t.timeout(180000);
  const result = await runScript(`${nested(27)}\nawait 0;\ntrace("after await\\n");`, [ASYNC_MAIN], { profile: "esp32c3" });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "depth 27\nafter await\n");
});
