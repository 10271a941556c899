/*
 * What the hub's tests share: run one program per node on the simulated air,
 * and the start every node's program has.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { runNodes, type RunNodesOptions } from "../../tools/sim/run.ts";
import { lines } from "../cli/helpers.ts";

export const HUB = join(ROOT, "modules/espnow-hub/manifest.json");
/* The nodes' programs await at their top level: a device needs an async main for that. */
export const ASYNC_MAIN = join(ROOT, "tests/fixtures/async-main/manifest.json");

export interface Network {
  code: number;
  /** each node's lines */
  output: string[][];
  text: string;
  /** each node's stderr, alone */
  stderr: string[];
}

/* Runs one main module per node (node i has index i, STA MAC sta(i)), with the hub layer. */
export async function network(t: { teardown: (fn: () => void) => void }, mains: string[], options: Partial<RunNodesOptions> = {}): Promise<Network> {
  const folder = mkdtempSync(join(tmpdir(), "espnow-hub-"));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const inputs = mains.map((source, i) => {
    const path = join(folder, `node${i}.js`);
    writeFileSync(path, source);
    return path;
  });
  let stdout = "", stderr = "";
  const code = await runNodes({
    inputs, include: [HUB, ASYNC_MAIN], seconds: 60, ...options,
    stdout: (text) => (stdout += text), stderr: (text) => (stderr += text),
  });
  const width = `node${mains.length - 1}`.length;
  const of = (text: string, i: number) => mains.length === 1 ? lines(text) : lines(text).filter((line) => line.startsWith(`${`node${i}`.padEnd(width)}| `)).map((line) => line.slice(width + 2));
  const output = mains.map((_, i) => of(stdout, i));
  return { code, output, text: stdout + stderr, stderr: mains.map((_, i) => of(stderr, i).join("\n")) };
}

/* Every node's program starts so: ESP-NOW on, then the interface (a frame acknowledged before ESP-NOW listens would be lost). */
export const prelude = (options = "") => `
import Hub, { HubError, TimeoutError } from "espnow-hub";
import WLAN from "wlan";
import Timer from "timer";
const hub = new Hub(${options});
hub.e.active(true);
const sta = new WLAN(WLAN.IF_STA);
sta.active(true);
hub.start();
const text = (bytes) => String.fromArrayBuffer(bytes.slice().buffer);
const index = (i) => Uint8Array.of(i >> 8, i & 255);
const mac = (i) => Uint8Array.of(2, 0x45, 0x4e, 0x53, ...index(i));
const apMac = (i) => Uint8Array.of(2, 0x45, 0x4e, 0x41, ...index(i));
const sleep = (ms) => new Promise((resolve) => Timer.set(resolve, ms));
const outcome = (promise) => promise.then((body) => "ok " + text(body), (error) => error.name + ": " + error.message);
`;

/* The XS memory figures a node printed with verbose (xsim memory: ...), in bytes. */
export function memoryOf(stderr: string): { limit: number; peak: number } | null {
  const match = /xsim memory: profile=\w+ block-limit=(\d+) block-peak=(\d+)/.exec(stderr);
  return match ? { limit: Number(match[1]), peak: Number(match[2]) } : null;
}

/*
 * A node that speaks the hub's protocol by hand, on AIOESPNow (no Hub): it
 * builds frames as it likes and reads what comes back, as a careless or
 * hostile node would.
 */
export const rawPrelude = () => `
import AIOESPNow from "aioespnow";
import WLAN from "wlan";
import Timer from "timer";
const e = new AIOESPNow();
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const REQUEST = 1, RESPONSE = 2, MESSAGE = 3, PING = 4, PONG = 5, ACK = 6;
const text = (bytes) => String.fromArrayBuffer(bytes.slice().buffer);
const bytes = (s) => new Uint8Array(ArrayBuffer.fromString(s));
const index = (i) => Uint8Array.of(i >> 8, i & 255);
const mac = (i) => Uint8Array.of(2, 0x45, 0x4e, 0x53, ...index(i));
const sleep = (ms) => new Promise((resolve) => Timer.set(resolve, ms));
/* a frame: count 0 for one that is not a fragment */
function frameOf(kind, id, i, count, data) {
  const at = count ? 6 : 4, f = new Uint8Array(at + data.length);
  f.set([0xe5, count ? kind | 0x80 : kind, id >> 8, id & 255]);
  if (count) f.set([i, count], 4);
  f.set(data, at);
  return f;
}
/* a request's message: hop count, path, body */
function requestOf(path, body) {
  const m = new Uint8Array(1 + 6 * path.length + body.length);
  m[0] = path.length;
  path.forEach((p, i) => m.set(p, 1 + 6 * i));
  m.set(body, 1 + 6 * path.length);
  return m;
}
async function put(to, f) {
  if (!e.get_peers().some(([p]) => p.every((b, i) => b === to[i]))) e.add_peer(to);
  return e.asend(to, f);
}
/* waits until to answers a ping: a frame sent before its program listens would be lost */
async function ready(to) {
  for (let id = 60000; ; id++) {
    await put(to, frameOf(PING, id, 0, 0, new Uint8Array(0)));
    const until = Date.now() + 100;
    while (Date.now() < until) {
      const [, msg] = await e.arecv(Math.max(1, until - Date.now()));
      if (msg && msg[0] === 0xe5 && msg[1] === PONG && ((msg[2] << 8) | msg[3]) === id) return;
    }
  }
}
/* asks as a requester does, sending the request again every 100 ms until its response comes: what responseTo says */
async function ask(to, id, body, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    await put(to, frameOf(REQUEST, id, 0, 0, requestOf([], body)));
    const left = until - Date.now();
    const response = await responseTo(id, Math.min(100, Math.max(1, left)));
    if (response !== "no response" || left <= 100) return response;
  }
}
/* sends message as fragments of share bytes */
async function fragments(to, id, message, share) {
  const count = Math.ceil(message.length / share);
  for (let i = 0; i < count; i++) await put(to, frameOf(REQUEST, id, i, count, message.subarray(i * share, (i + 1) * share)));
}
/* the response to id within ms: "ok <text>", "failed <text>" or "no response"; fragments put together, other frames skipped */
async function responseTo(id, ms = 3000) {
  const until = Date.now() + ms;
  let parts = null;
  while (Date.now() < until) {
    const [, msg] = await e.arecv(Math.max(1, until - Date.now()));
    if (!msg || msg.length < 4 || msg[0] !== 0xe5 || (msg[1] & 15) !== RESPONSE || ((msg[2] << 8) | msg[3]) !== id) continue;
    let message = msg.subarray(4);
    if (msg[1] & 0x80) {
      parts ??= new Array(msg[5]);
      parts[msg[4]] = msg.slice(6);
      if (parts.includes(undefined) || parts.length !== msg[5]) continue;
      message = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (message.set(p, at), at + p.length), 0);
    }
    return (message[0] === 0 ? "ok " : "failed ") + text(message.subarray(1));
  }
  return "no response";
}
`;
