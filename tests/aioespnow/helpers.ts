/*
 * Nodes for the AIOESPNow tests: tests/espnow/helpers.ts's node(), with `e`
 * an AIOESPNow, sleep(ms), until(ready, ms) (sleeps 10 ms at a time until
 * ready() or ms have passed: a slow machine's messages come later, never
 * lost), and a watchdog that fails the node if done() does
 * not come in time (20 s unless watchdogMs; 0: none). While ESP-NOW is on the node runs
 * on, even with nothing but a reader waiting for the radio; node() turns
 * ESP-NOW off after the body (unless open), and the node ends.
 */

import { node, runNodes as runEveryNode, type NodeResult, type NodeSpec } from "../espnow/helpers.ts";

export { macLiteral, macOf, node, prebuild, succeeded, type NodeResult } from "../espnow/helpers.ts";

/** tests/espnow/helpers.ts's runNodes; a node whose source awaits is built with an async main, as a device needs. */
export function runNodes(nodes: NodeSpec[], options?: Parameters<typeof runEveryNode>[1]): Promise<NodeResult[]> {
  return runEveryNode(nodes.map((spec) => ({ async: /\bawait\b/.test(spec.source), ...spec })), options);
}

export function aioNode(peers: number[], body: string, options: { register?: boolean; open?: boolean; watchdogMs?: number } = {}): string {
  /* 20 s: well past any test's need, yet below runNodes' 30 s, so a hang is named; CI's sanitizer builds run many nodes at once and a node can be slowed tenfold */
  const watchdogMs = options.watchdogMs ?? 20000;
  const watchdog = watchdogMs > 0
    ? `const watchdog = Timer.set(() => { throw new Error("watchdog: not done after ${watchdogMs} ms"); }, ${watchdogMs});
function done() { Timer.clear(watchdog); }`
    : "function done() {}";
  const source = node(peers, `
${watchdog}
function sleep(ms) { return new Promise((resolve) => Timer.set(resolve, ms)); }
async function until(ready, ms) { for (const end = Date.now() + ms; !ready() && Date.now() < end; ) await sleep(10); }
${body}`, options);
  const swapped = source.replace("const e = new ESPNow();", 'import AIOESPNow from "aioespnow";\nconst e = new AIOESPNow();');
  if (swapped === source) throw new Error("aioNode: node() no longer makes e with `const e = new ESPNow();`");
  return swapped;
}

