/*
 * Run several simulated nodes, each an app with the project's manifest, on
 * one air, and collect what each traced.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Air, type AirOptions } from "../../tools/air/air.ts";
import { buildApp, ROOT, runApp, type RunResult } from "../../tools/sim/build.ts";

export const ESPNOW = join(ROOT, "manifest.json");

export interface NodeSpec {
  /** The node's main module (JavaScript; may import espnow, aioespnow, wlan, timer, instrument). */
  source: string;
  /** Extra environment: ESPNOW_NODE_VERSION, ESPNOW_NODE_CHANNEL, ... */
  env?: Record<string, string>;
}

export interface NodeResult extends RunResult {
  lines: string[];
}

/** Starts an air, runs the nodes together (node i has index i), stops the air. */
export async function runNodes(nodes: NodeSpec[], options: { air?: AirOptions; timeoutMs?: number; during?: (air: Air) => Promise<void> } = {}): Promise<NodeResult[]> {
  const air = new Air();
  const port = await air.start({ ...options.air });
  const folder = mkdtempSync(join(tmpdir(), "espnow-nodes-"));
  try {
    const apps = nodes.map((node, index) => {
      const main = join(folder, `node${index}.js`);
      writeFileSync(main, node.source);
      return buildApp([ESPNOW], { main });
    });
    const runs = apps.map((app, index) => runApp(app, {
      timeoutMs: options.timeoutMs ?? 30000,
      env: {
        ESPNOW_AIR: `127.0.0.1:${port}`,
        ESPNOW_NODE_NAME: `node${index}`,
        ESPNOW_NODE_INDEX: String(index),
        ...nodes[index].env,
      },
    }));
    if (options.during) await options.during(air);
    const results = await Promise.all(runs);
    return results.map((result) => ({ ...result, lines: result.stdout.split("\n").filter((line) => line.length > 0) }));
  } finally {
    await air.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The MAC of node `index`'s interface, as the air assigns them by default. */
export function macOf(index: number, iface: "sta" | "ap" = "sta"): string {
  const hi = (index >> 8).toString(16).padStart(2, "0");
  const lo = (index & 0xff).toString(16).padStart(2, "0");
  return `02:45:4e:${iface === "sta" ? "53" : "41"}:${hi}:${lo}`;
}

/** JavaScript source for that MAC as a Uint8Array. */
export function macLiteral(index: number, iface: "sta" | "ap" = "sta"): string {
  return `Uint8Array.of(${macOf(index, iface).split(":").map((byte) => "0x" + byte).join(", ")})`;
}
