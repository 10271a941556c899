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
  /** The source awaits at its top level: a device then needs MODDEF_MAIN_ASYNC (the manifest's "defines": {"main": {"async": 1}}). */
  async?: boolean;
}

export interface NodeResult extends RunResult {
  lines: string[];
}

/** Every node ended with status 0; the message of one that did not shows its output. */
export function succeeded(t: { is: (actual: unknown, expected: unknown, message?: string) => void }, results: { code: number | null; stdout: string; stderr: string }[]): void {
  results.forEach((result, i) => t.is(result.code, 0, `node${i} failed:\n${result.stdout}${result.stderr}`));
}

/**
 * Builds the node program once. Call it in test.before(): builds run make
 * synchronously, which would stall the air of a test already running in this
 * process and time out its nodes' requests.
 */
export function prebuild(): void {
  const folder = mkdtempSync(join(tmpdir(), "espnow-prebuild-"));
  try {
    const main = join(folder, "main.js");
    writeFileSync(main, "");
    buildApp([ESPNOW], { main });
    buildApp([ESPNOW, asyncManifest(folder)], { main });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function asyncManifest(folder: string): string {
  const manifest = join(folder, "async.json");
  writeFileSync(manifest, JSON.stringify({ defines: { main: { async: 1 } } }));
  return manifest;
}

/* ava runs a file's tests at once; on 2 cores, a few networks at a time keep every node's timing sane. */
const MAX_NETWORKS = 2;
let running = 0;
const queue: (() => void)[] = [];

async function turn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_NETWORKS) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** verbose: each node prints the host's device figures (queue, memory) on stderr at exit (see queueFigures). */
type RunOptions = { air?: AirOptions; timeoutMs?: number; verbose?: boolean; during?: (air: Air) => Promise<void> };

/** Starts an air, runs the nodes together (node i has index i), stops the air. */
export function runNodes(nodes: NodeSpec[], options: RunOptions = {}): Promise<NodeResult[]> {
  return turn(() => network(nodes, options));
}

async function network(nodes: NodeSpec[], options: RunOptions): Promise<NodeResult[]> {
  const air = new Air();
  /* a long node timeout: on a loaded machine a build elsewhere in this process can stall the air for seconds */
  const port = await air.start({ nodeTimeoutMs: 20000, ...options.air });
  const folder = mkdtempSync(join(tmpdir(), "espnow-nodes-"));
  try {
    const apps = nodes.map((node, index) => {
      const main = join(folder, `node${index}.js`);
      writeFileSync(main, node.source);
      return buildApp(node.async ? [ESPNOW, asyncManifest(folder)] : [ESPNOW], { main });
    });
    const runs = apps.map((app, index) => runApp(app, {
      timeoutMs: options.timeoutMs ?? 30000,
      verbose: options.verbose,
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

/**
 * A node's source: ESP-NOW on first, then the STA interface (so that a peer's
 * sync send succeeding means this node's ESP-NOW is listening), the other
 * nodes registered as peer0, peer1, ..., helpers say() and text(), then body,
 * then e.active(false): with ESP-NOW on, the simulator keeps a node running
 * (waiting for frames, as a device does), so a node ends by turning it off.
 * A body whose work goes on in callbacks (irq, timers) passes open: true and
 * turns ESP-NOW off itself when it is done.
 */
export function node(peers: number[], body: string, options: { register?: boolean; open?: boolean } = {}): string {
  const declarations = peers.map((index, i) => `const peer${i} = ${macLiteral(index)};`).join("\n");
  const registrations = options.register === false ? "" : peers.map((_, i) => `e.add_peer(peer${i});`).join("\n");
  return `
import ESPNow, * as espnow from "espnow";
import WLAN from "wlan";
import Timer from "timer";
const e = new ESPNow();
e.active(true);
const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
${declarations}
${registrations}
function say(...args) { trace(args.join(" ") + "\\n"); }
/* 64 bytes a call: spreading a 1470-byte v2 message would pass 1470 arguments, more than a device's stack holds. */
function text(bytes) { if (!bytes) return String(bytes); let s = ""; for (let i = 0; i < bytes.length; i += 64) s += String.fromCharCode(...bytes.subarray(i, i + 64)); return s; }
function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(":"); }
/* Until the peer answers (its ESP-NOW is on, its radio acknowledges). */
function reach(peer) { for (let i = 0; i < 500; i++) { if (e.send(peer, "hi", true)) return; Timer.delay(10); } throw new Error("peer never answered"); }
/* The first message whose text is word, skipping others. */
function expect(word, timeout = 10000) { for (;;) { const [mac, msg] = e.recv(timeout); if (!msg) throw new Error("timed out waiting for " + word); if (text(msg) === word) return mac; } }
${body}
${options.open ? "" : "e.active(false);"}
`;
}

/** The machine-message queue's figures a node printed with verbose ("xsim queue: ..."), and its stderr without them. */
export interface QueueFigures {
  posts: number;
  /** posts that found the queue full and waited for a place: the radio task stalled */
  blocked: number;
  longestBlockMs: number;
  failed: number;
  /** the most records ever queued at once */
  peak: number;
  rest: string;
}

export function queueFigures(stderr: string): QueueFigures | null {
  const line = /^xsim queue: .*$/m.exec(stderr);
  if (!line) return null;
  const figure = (name: string): number => Number(new RegExp(`\\b${name}=([0-9.]+)`).exec(line[0])?.[1] ?? NaN);
  return {
    posts: figure("posts"),
    blocked: figure("blocked"),
    longestBlockMs: figure("longest-block-ms"),
    failed: figure("failed"),
    peak: figure("peak"),
    rest: stderr.replace(/^xsim:? (queue|memory)[^\n]*\n?/gm, ""),
  };
}
