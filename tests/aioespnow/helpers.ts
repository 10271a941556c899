/*
 * Nodes for the AIOESPNow tests: tests/espnow/helpers.ts's node(), with `e`
 * an AIOESPNow, sleep(ms), and a watchdog. The simulator exits when no timer
 * is pending, and a reader waiting for the radio is not one: the watchdog
 * keeps the node running until done(), and fails it if done() never comes.
 */

import { node } from "../espnow/helpers.ts";

export { macLiteral, macOf, node, prebuild, runNodes, type NodeResult } from "../espnow/helpers.ts";

export function aioNode(peers: number[], body: string, options: { register?: boolean; watchdogMs?: number } = {}): string {
  const watchdogMs = options.watchdogMs ?? 10000;
  const source = node(peers, `
const watchdog = Timer.set(() => { throw new Error("watchdog: not done after ${watchdogMs} ms"); }, ${watchdogMs});
function done() { Timer.clear(watchdog); }
function sleep(ms) { return new Promise((resolve) => Timer.set(resolve, ms)); }
${body}`, options);
  const swapped = source.replace("const e = new ESPNow();", 'import AIOESPNow from "aioespnow";\nconst e = new AIOESPNow();');
  if (swapped === source) throw new Error("aioNode: node() no longer makes e with `const e = new ESPNow();`");
  return swapped;
}

/** Every node exited with status 0. */
export function succeeded(t: { is: (actual: unknown, expected: unknown, message?: string) => void }, results: { code: number | null; stdout: string; stderr: string }[]): void {
  results.forEach((result, i) => t.is(result.code, 0, `node${i} failed:\n${result.stdout}${result.stderr}`));
}
