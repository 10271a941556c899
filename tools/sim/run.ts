/*
 * espnow-sim run: simulated nodes on one simulated air.
 *
 * The air (tools/air) runs in this process; each node is an xsim process that
 * finds the air and learns who it is from environment variables (nodeEnv),
 * which the nodes' C glue reads. Every app is built once, however many nodes
 * run it. With more than one node, each line a node prints is prefixed with
 * its name ("node0| ..."), on stdout or stderr as the node wrote it.
 *
 * The run fails as soon as one node fails (a non-zero exit status or a
 * signal): the other nodes are stopped. It succeeds when every node exits 0,
 * or when --seconds elapse with no node failed (the nodes are then stopped).
 */

import type { ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { Air, type AirOptions } from "../air/air.ts";
import { buildApp, nodeSeed, runApp, type App, type RunResult, type Variant } from "./build.ts";
import { hintFor } from "./hints.ts";
import { buildModApp } from "./host.ts";
import { ManifestError } from "./manifest.ts";
import type { ProfileName } from "./profile.ts";

/** What a node is told through its environment. */
export interface NodeIdentity {
  /** the air's UDP port on 127.0.0.1 */
  airPort: number;
  name: string;
  index: number;
  chip?: "esp32" | "esp8266";
  version?: 1 | 2;
  /** the radio's first channel, 1..14 (the glue's default is 1) */
  channel?: number;
  /** position in metres */
  x?: number;
  y?: number;
}

/** The environment variables through which a node's glue finds the air and its identity. */
export function nodeEnv(node: NodeIdentity): Record<string, string> {
  const env: Record<string, string> = {
    ESPNOW_AIR: `127.0.0.1:${node.airPort}`,
    ESPNOW_NODE_NAME: node.name,
    ESPNOW_NODE_INDEX: String(node.index),
  };
  const optional: [string, string | number | undefined][] = [
    ["ESPNOW_NODE_CHIP", node.chip],
    ["ESPNOW_NODE_VERSION", node.version],
    ["ESPNOW_NODE_CHANNEL", node.channel],
    ["ESPNOW_NODE_X", node.x],
    ["ESPNOW_NODE_Y", node.y],
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = String(value);
  return env;
}

/** ESPNOW_SIM_YIELD for each of count nodes (hosts/sim/simYield.c): the environment's if set, else "1" when asked, or with "auto" when there are more nodes than cores, which the air must not wait for. */
export function yieldToAirEnv(count: number, asked: boolean | "auto" | undefined): string {
  const yielding = asked === "auto" ? count > cpus().length : asked === true;
  return process.env.ESPNOW_SIM_YIELD ?? (yielding ? "1" : "0");
}

/** Cuts a stream of text into lines; end() returns an unterminated last line. */
export class LineSplitter {
  private rest = "";

  push(chunk: string): string[] {
    const lines = (this.rest + chunk).split("\n");
    this.rest = lines.pop() as string;
    return lines;
  }

  end(): string[] {
    const rest = this.rest;
    this.rest = "";
    return rest ? [rest] : [];
  }
}

/** "exit status 1" or "killed by SIGSEGV": how a program ended, for messages. */
export function describeExit(result: RunResult): string {
  return result.signal ? `killed by ${result.signal}` : `exit status ${result.code}`;
}

/** An app given on the command line: a folder with a manifest.json, a manifest, or a main .js/.ts file. */
export interface AppInput {
  manifests: string[];
  main?: string;
  /** a node name derived from the input, such as its folder's name */
  name: string;
}

/** An app and where its node stands: "app@x,y" (metres on the air's plane; without it, 0,0). */
export function placedInput(input: string): { input: string; x?: number; y?: number } {
  const match = /^(.+)@([^@,]*),([^@,]*)$/.exec(input);
  if (!match || existsSync(resolve(input))) return { input };
  const [x, y] = [Number(match[2]), Number(match[3])];
  if (match[2].trim() === "" || match[3].trim() === "" || !Number.isFinite(x) || !Number.isFinite(y)) {
    throw new ManifestError(`${input}: a position is app@x,y in metres, such as examples/sender@10,0`);
  }
  return { input: match[1], x, y };
}

export function appInput(input: string): AppInput {
  const path = resolve(input);
  if (!existsSync(path)) throw new ManifestError(`${input} does not exist`);
  if (statSync(path).isDirectory()) return { manifests: [join(path, "manifest.json")], name: basename(path) };
  if (path.endsWith(".json")) {
    const file = basename(path, ".json");
    return { manifests: [path], name: file === "manifest" ? basename(dirname(path)) : file };
  }
  const script = /^(.*)\.(js|ts)$/.exec(basename(path));
  if (script) return { manifests: [], main: path, name: script[1] === "main" ? basename(dirname(path)) : script[1] };
  throw new ManifestError(`${input} is not a manifest, a folder or a .js/.ts file`);
}

export interface RunNodesOptions {
  /** one app per node, or one app for every node (with nodes) */
  inputs: string[];
  /** manifests added to every app */
  include?: string[];
  /** how many nodes run the one app given (default 1) */
  nodes?: number;
  /** the simulator build (default: SIM_VARIANT, else release) */
  variant?: Variant;
  /** the device every node reproduces (default: each app's manifest, else SIM_PROFILE, else esp32c3) */
  profile?: ProfileName;
  /** a firmware host (hosts/esp32, hosts/esp8266) each app runs on as a mod (tools/sim/host.ts) */
  host?: string;
  /** a debug build's machine-message queue: a post into a full queue waits 20 ticks and fails, instead of blocking for ever */
  debug?: boolean;
  /** each node prints the device figures (queue, memory) when it ends */
  verbose?: boolean;
  channel?: number;
  version?: 1 | 2;
  /** stop the nodes and succeed after this long */
  seconds?: number;
  /** the task watchdog: a node whose JavaScript has not returned to its event loop for this long (CPU seconds) is reported and ends (default 5; 0: off) */
  watchdog?: number;
  /** the nodes give way to the air (ESPNOW_SIM_YIELD, hosts/sim/simYield.c): "auto" (the espnow-sim command's), when there are more of them than cores; default false, as tests want it, whose nodes share the machine with other tests. ESPNOW_SIM_YIELD in the environment wins. */
  yieldToAir?: boolean | "auto";
  /** the air's options: port, seed, loss, pcap, log */
  air?: Pick<AirOptions, "port" | "seed" | "loss" | "retries" | "links" | "pcap" | "log">;
  /** stops the nodes (a run stopped so succeeds unless a node failed) */
  signal?: AbortSignal;
  /** called once the air is up, before the nodes start */
  onAir?: (air: Air, port: number) => void;
  /** where the nodes' output and the runner's messages go (default: this process's) */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

const NAME = /^[A-Za-z0-9._-]{1,32}$/;

/* Node names: nodeN for copies of one app; otherwise each app's own name, if
   those are distinct valid air names, else nodeN again. */
function nodeNames(inputs: AppInput[], count: number): string[] {
  const derived = inputs.map((input) => input.name);
  const usable = inputs.length === count && new Set(derived).size === count && derived.every((name) => NAME.test(name));
  return usable ? derived : Array.from({ length: count }, (_, i) => `node${i}`);
}

interface Node {
  name: string;
  app: App;
  child?: ChildProcess;
  /** where it stands, when given (app@x,y) */
  x?: number;
  y?: number;
}

/** Runs the nodes on a new air; resolves to the exit status for the command. */
export async function runNodes(options: RunNodesOptions): Promise<number> {
  /* A closed output (a reader such as "| head" gone: EPIPE) stops the nodes, as a signal does. */
  let closed = false;
  const onClosed = (error: NodeJS.ErrnoException): void => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
    stopBy("EPIPE");
  };
  const stdout = options.stdout ?? ((text: string) => void (closed || process.stdout.write(text)));
  const stderr = options.stderr ?? ((text: string) => void (closed || process.stderr.write(text)));
  if (options.inputs.length === 0) throw new ManifestError("run: name an app (a manifest, a folder with one, or a main .js/.ts file)");
  if (options.nodes !== undefined && options.inputs.length > 1) {
    throw new ManifestError(`run: --nodes runs copies of one app, but ${options.inputs.length} apps were given (each app is one node)`);
  }
  const placed = options.inputs.map(placedInput);
  const inputs = placed.map((item) => appInput(item.input));
  const count = options.nodes ?? inputs.length;
  const apps = inputs.map((input) => {
    const manifests = [...input.manifests, ...(options.include ?? []).map((path) => resolve(path))];
    const build = { variant: options.variant, main: input.main, profile: options.profile, queueWait: options.debug ? "debug" as const : undefined };
    if (!options.host) return buildApp(manifests, build);
    const { app, warnings } = buildModApp(options.host, manifests, build);
    for (const warning of warnings) stderr(`espnow-sim: ${input.name}: ${warning}\n`);
    return app;
  });
  const names = nodeNames(inputs, count);
  const nodes: Node[] = names.map((name, i) => {
    const { x, y } = placed[Math.min(i, placed.length - 1)];
    return { name, app: apps[Math.min(i, apps.length - 1)], x, y };
  });

  const air = new Air();
  const port = await air.start(options.air);
  stderr(`espnow-sim: air on udp 127.0.0.1:${port} (espnow-sim control ${port} list)\n`);
  if (nodes.some((node) => node.x !== undefined)) {
    stderr(`espnow-sim: ${nodes.map((node) => `${node.name} at ${node.x ?? 0},${node.y ?? 0}`).join(", ")} (metres)\n`);
  }
  options.onAir?.(air, port);

  const yieldToAir = yieldToAirEnv(nodes.length, options.yieldToAir);
  const width = Math.max(...names.map((name) => name.length));
  const label = (name: string): string => (count > 1 ? `${name.padEnd(width)}| ` : "");
  let stopping = false;
  let failed = false;
  /* what stopped the run from outside: a signal to this process, or its output closing */
  let stoppedBy: NodeJS.Signals | "EPIPE" | undefined;
  const stopAll = (): void => {
    stopping = true;
    for (const node of nodes) node.child?.kill("SIGTERM");
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const onSignal = (signal: NodeJS.Signals): void => stopBy(signal);
  /* a second signal ends this process at once (the nodes then end by themselves: hosts/sim/simParent.c) */
  for (const signal of signals) process.once(signal, onSignal);
  function stopBy(reason: NodeJS.Signals | "EPIPE"): void {
    stoppedBy ??= reason;
    stopAll();
  }
  if (!options.stdout) process.stdout.on("error", onClosed);
  if (!options.stderr) process.stderr.on("error", onClosed);
  if (options.signal?.aborted) stopAll();
  options.signal?.addEventListener("abort", stopAll);
  const timer = options.seconds ? setTimeout(stopAll, options.seconds * 1000) : undefined;

  const runs = nodes.map(async (node, index) => {
    const prefix = label(node.name);
    const out = new LineSplitter();
    const err = new LineSplitter();
    const write = (sink: (text: string) => void, lines: string[]): void => {
      if (lines.length) sink(lines.map((line) => `${prefix}${line}\n`).join(""));
    };
    /* a hint after the errors apps meet first, once each (hints.ts) */
    const scan = new LineSplitter();
    const hinted = new Set<string>();
    const hint = (lines: string[]): void => {
      for (const line of lines) {
        const found = hintFor(line, node.app.resolved.modules.keys());
        if (found && !hinted.has(found[0])) {
          hinted.add(found[0]);
          stderr(`${prefix}espnow-sim: hint: ${found[1]}\n`);
        }
      }
    };
    const result = await runApp(node.app, {
      timeoutMs: 2 ** 31 - 1,
      seed: nodeSeed(options.air?.seed ?? 1, index),
      verbose: options.verbose,
      /* the profile's chip; the ESP8266's SDK speaks ESP-NOW v1 only */
      env: {
        ...nodeEnv({
          airPort: port, name: node.name, index, channel: options.channel, chip: node.app.profile.chip,
          version: options.version ?? (node.app.profile.chip === "esp8266" ? 1 : undefined), x: node.x, y: node.y,
        }),
        ESPNOW_WATCHDOG: String(options.watchdog ?? 5),
        ESPNOW_SIM_YIELD: yieldToAir,
      },
      onSpawn: (child) => {
        node.child = child;
        if (stopping) child.kill("SIGTERM");
      },
      onStdout: (chunk) => (prefix ? write(stdout, out.push(chunk)) : stdout(chunk)),
      onStderr: (chunk) => {
        if (prefix) write(stderr, err.push(chunk));
        else stderr(chunk);
        hint(scan.push(chunk));
      },
    });
    write(stdout, out.end());
    write(stderr, err.end());
    hint(scan.end());
    if (result.signal === "SIGINT") {
      stopBy("SIGINT"); /* Ctrl-C reaches the nodes too, as they share the terminal */
    } else if (result.code !== 0 && !stopping) {
      failed = true;
      stderr(`espnow-sim: ${node.name} failed (${describeExit(result)})${count > 1 ? "; stopping the other nodes" : ""}\n`);
      stopAll();
    }
  });
  try {
    await Promise.all(runs);
  } catch (error) {
    stopAll(); /* a node could not be started: the others are not left running */
    throw error;
  } finally {
    clearTimeout(timer);
    for (const signal of signals) process.off(signal, onSignal);
    if (!options.stdout) process.stdout.off("error", onClosed);
    if (!options.stderr) process.stderr.off("error", onClosed);
    options.signal?.removeEventListener("abort", stopAll);
    await air.stop();
  }
  /* the shell's status for a program ended by that signal (EPIPE: SIGPIPE's) */
  const statuses: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143, EPIPE: 141 };
  if (stoppedBy) return statuses[stoppedBy];
  return failed ? 1 : 0;
}
