import { join } from "node:path";
import { ROOT, runScript, type RunResult } from "../../tools/sim/build.ts";

export const BINDING = join(ROOT, "tests/fixtures/binding/manifest.json");
export const MODULES = join(ROOT, "tests/fixtures/modules/manifest.json");

/** Runs JavaScript as the main module of an app (SIM_VARIANT chooses the build). */
export function run(source: string, manifests: string[] = [], timeoutMs = 30000): Promise<RunResult> {
  return runScript(source, manifests, { timeoutMs });
}

/** The lines an app traced. */
export function lines(result: RunResult): string[] {
  return result.stdout.split("\n").filter((line) => line.length > 0);
}
