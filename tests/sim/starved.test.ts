/*
 * sim_air_app_starved(), which the simulated radio asks before it drops a
 * frame into a full ring (tests/sim/fixtures/starved/starved.c): false for a
 * JS thread that sleeps or runs, true for one that is ready and crowded out
 * of its CPU. Built with the host's gcc, as the simulator is.
 */

import test from "ava";
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../../tools/sim/build.ts";

const run = promisify(execFile);

test("the radio sees a JS thread that the host keeps from running, and only that one", async (t) => {
  const folder = join(ROOT, "build/starved");
  mkdirSync(folder, { recursive: true });
  const binary = join(folder, "starved");
  /* under the sanitizer of the variant being tested, as the simulator host is */
  const variant = process.env.SIM_VARIANT ?? "release";
  const sanitize = variant === "asan" ? ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"] : variant === "tsan" ? ["-fsanitize=thread"] : [];
  await run("gcc", ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O1", "-g", "-pthread", ...sanitize, "-o", `${binary}-${variant}`, join(ROOT, "tests/sim/fixtures/starved/starved.c")]);
  const env = { ...process.env, TSAN_OPTIONS: "halt_on_error=1", ASAN_OPTIONS: "detect_leaks=1:halt_on_error=1" };
  const { stdout } = await run(`${binary}-${variant}`, [], { timeout: 30000, env });
  t.log(stdout.trim());
  t.regex(stdout, /^3 passed, 0 failed$/m);
});
