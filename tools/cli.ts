/*
 * espnow-sim: build and run apps in the simulator.
 *
 *   espnow-sim init [DIR]                                write a starter app
 *   espnow-sim build [--variant V]                       build the XS host (timed)
 *   espnow-sim run <app>... [options]                     run nodes on a simulated air
 *   espnow-sim control <port> <json | op [key=value]...>  drive a running air
 *   espnow-sim multitest <test.js|test.ts>... [options]   run multi-node tests
 *   espnow-sim demo                                       run the README's demo (examples/receiver and examples/sender)
 *
 * Variants: release (default), asan, tsan, m32 (SIM_VARIANT sets the default).
 * Profiles, the device a node reproduces: esp32c3, esp32, esp8266; the
 * command line's, else the app manifest's, else SIM_PROFILE's, else esp32c3.
 */

import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { AirControl } from "./air/client.ts";
import type { Variant } from "./sim/build.ts";
import { nearest } from "./sim/hints.ts";
import { ManifestError } from "./sim/manifest.ts";
import { isProfileName, ProfileError, PROFILES, type ProfileName } from "./sim/profile.ts";
import type { RunNodesOptions } from "./sim/run.ts";

/* The launcher loads TypeScript's compiler, which takes most of a second:
   only the commands that build import it, once their arguments are read. */
const launcher = (): Promise<typeof import("./sim/build.ts")> => import("./sim/build.ts");
const runner = (): Promise<typeof import("./sim/run.ts")> => import("./sim/run.ts");

const RUN_HELP = `usage: espnow-sim run <app>[@x,y]... [options]
    <app>: a folder with a manifest.json, a manifest, or a main .js/.ts file;
    one node per app, or --nodes N copies of one app;
    @x,y: where the node stands on the air, in metres (default 0,0): examples/sender@10,0
  --nodes N        run N nodes of the one app given (named node0, node1, ...)
  --include FILE   add a manifest to every app (repeatable)
  --seconds S      stop the nodes after S seconds, and succeed if none failed
  --watchdog S     the task watchdog: a node whose JavaScript has not returned to its event loop
                   for S seconds of CPU time is reported with its stack and ends, as an ESP32 resets
                   (default 5; 0: off)
  --channel C      the nodes' first radio channel, 1..14 (default 1)
  --version 1|2    the nodes' ESP-NOW version
  --loss P         the air's loss probability, 0..1
  --retries N      MAC retransmissions of an unacknowledged unicast frame, 0..15 (default 6)
  --pcap FILE      capture every frame (radiotap pcap, for Wireshark or tshark)
  --log FILE       write the air's event log, one JSON object a line
  --port P         the air's UDP port, also its control port (default: a free one)
  --seed N         the seed of the air's random decisions and of each node's Math.random (default 1)
  --profile P      the device the nodes reproduce: esp32c3, esp32 or esp8266
                   (default: the app manifest's platforms.sim.profile, else SIM_PROFILE, else esp32c3)
  --host DIR       run each app as a mod on a firmware host (hosts/esp32, hosts/esp8266): the host's
                   modules preloaded, the app's built as mcrun builds a mod (no native code)
  --debug          a debug build's message queue: a post into a full queue waits 20 ms and fails (-2)
                   instead of blocking the posting task for ever (a release build)
  --verbose        each node prints the device figures when it ends: message queue, XS memory peaks
  --variant V      the simulator build: release, asan, tsan or m32
The nodes stop with the command: Ctrl-C, SIGTERM, SIGHUP, a closed output pipe.
`;

const HELP: Record<string, string> = {
  init: `usage: espnow-sim init [DIR]
    writes a starter app into DIR (default: the current folder): manifest.json, main.ts,
    tsconfig.json and tests/ping.ts with its expected output tests/ping.ts.exp;
    refuses, writing nothing, if one of those files exists
`,
  build: `usage: espnow-sim build [--variant release|asan|tsan|m32]
    builds the simulator host (the XS engine and our host) and says how long it took;
    run and multitest build it themselves when needed
`,
  run: RUN_HELP,
  control: `usage: espnow-sim control <port> <json | op [key=value]...>
    sends one request to the air of a running espnow-sim run (its port is printed at start)
  ops: list, node node=N, stats, move node=N x=X y=Y, loss [node=N | src=A dst=B] p=P,
       channel node=N channel=C, stop node=N, restart node=N
`,
  multitest: `usage: espnow-sim multitest <test.js|test.ts>... [options]
    runs multi-node tests: each exports instance0(), instance1(), ...; its output is compared with FILE.exp
  --timeout S      the time a test may take (default 30)
  --update         write each FILE.exp from the output when missing or different
  --include FILE   add a manifest to every test's app (repeatable)
  --profile P      the device the instances reproduce: esp32c3, esp32 or esp8266 (default as for run)
  --variant V      the simulator build
`,
  demo: `usage: espnow-sim demo [run's options]
    runs the README's demo: examples/receiver and examples/sender on one air, for 20 s unless --seconds
`,
};

const USAGE = `usage: espnow-sim <command> [options]      (espnow-sim <command> --help for one command)
  init [DIR]                                 write a starter app
  build [--variant V]                        build the simulator host (timed)
  run <app>[@x,y]... [options]               run nodes on a simulated air
  control <port> <json | op [key=value]...>  drive a running air
  multitest <test.js|test.ts>... [options]   run multi-node tests
  demo                                       run the README's demo (examples/receiver and examples/sender)
`;

/* The help the current command gives with a mistake in its arguments. */
let commandHelp = USAGE;

function usage(message?: string): never {
  if (message) process.stderr.write(`espnow-sim: ${message}\n`);
  process.stderr.write(commandHelp);
  process.exit(2);
}

/* The options a command accepts, each with how to read its value (a flag has none). */
type Reader = ((text: string, name: string) => unknown) | "flag";

function number(low: number, high: number, integer = false): (text: string, name: string) => number {
  return (text, name) => {
    const value = Number(text);
    if (text === undefined || text.trim() === "" || !(value >= low && value <= high) || (integer && !Number.isInteger(value))) {
      usage(`${name}: expected ${integer ? "an integer" : "a number"} from ${low} to ${high}, got ${text}`);
    }
    return value;
  };
}

const positive = (text: string, name: string): number => {
  const value = Number(text);
  if (!(value > 0)) usage(`${name}: expected a positive number, got ${text}`);
  return value;
};

const variant = (text: string, name: string): Variant => {
  if (!["release", "asan", "tsan", "m32"].includes(text)) usage(`${name}: expected release, asan, tsan or m32, got ${text}`);
  return text as Variant;
};

const profile = (text: string, name: string): ProfileName => {
  if (!isProfileName(text)) usage(`${name}: expected ${PROFILES.join(", ")}, got ${text}`);
  return text;
};

const path = (text: string, name: string): string => {
  if (!text) usage(`${name}: expected a file name`);
  return text;
};

interface Parsed {
  values: Map<string, unknown[]>;
  inputs: string[];
}

function parse(args: string[], readers: Record<string, Reader>): Parsed {
  const parsed: Parsed = { values: new Map(), inputs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      parsed.inputs.push(arg);
      continue;
    }
    const reader = readers[arg];
    if (!reader) usage(`unknown option ${arg}${nearest(arg, Object.keys(readers))}`);
    const value = reader === "flag" ? true : reader(args[++i], arg);
    parsed.values.set(arg, [...(parsed.values.get(arg) ?? []), value]);
  }
  return parsed;
}

function option<T>(parsed: Parsed, name: string): T | undefined {
  const values = parsed.values.get(name);
  return values ? (values[values.length - 1] as T) : undefined;
}

async function buildHost(args: string[]): Promise<void> {
  const chosen = option<Variant>(parse(args, { "--variant": variant }), "--variant");
  const { defaultVariant, SIM_HOST, XS_SOURCES } = await launcher();
  const built = chosen ?? defaultVariant();
  const started = process.hrtime.bigint();
  const make = spawnSync("make", ["-s", "-C", SIM_HOST, `-j${cpus().length}`, `VARIANT=${built}`, `XS=${XS_SOURCES}`], { stdio: "inherit" });
  if (make.status !== 0) process.exit(1);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`built the ${built} simulator host in ${seconds.toFixed(2)} s (build/sim/${built})\n`);
}

function runOptions(args: string[]): RunNodesOptions {
  const parsed = parse(args, {
    "--variant": variant,
    "--profile": profile,
    "--host": path,
    "--debug": "flag",
    "--verbose": "flag",
    "--seconds": positive,
    "--watchdog": number(0, 3600),
    "--nodes": number(1, 1000, true),
    "--include": path,
    "--channel": number(1, 14, true),
    "--version": number(1, 2, true),
    "--loss": number(0, 1),
    "--retries": number(0, 15, true),
    "--pcap": path,
    "--log": path,
    "--port": number(0, 65535, true),
    "--seed": number(0, 2 ** 32 - 1, true),
  });
  const air: RunNodesOptions["air"] = {
    port: option(parsed, "--port"),
    seed: option(parsed, "--seed"),
    loss: option(parsed, "--loss"),
    retries: option(parsed, "--retries"),
    pcap: option(parsed, "--pcap"),
    log: option(parsed, "--log"),
  };
  for (const key of Object.keys(air) as (keyof typeof air)[]) if (air[key] === undefined) delete air[key];
  return {
    inputs: parsed.inputs,
    include: (parsed.values.get("--include") ?? []) as string[],
    nodes: option(parsed, "--nodes"),
    variant: option(parsed, "--variant"),
    profile: option(parsed, "--profile"),
    host: option(parsed, "--host"),
    debug: option(parsed, "--debug"),
    verbose: option(parsed, "--verbose"),
    seconds: option(parsed, "--seconds"),
    watchdog: option(parsed, "--watchdog"),
    channel: option(parsed, "--channel"),
    version: option(parsed, "--version"),
    air,
  };
}

/* A control request from the command line: JSON, or an op and key=value pairs (numbers where they parse). */
function controlRequest(words: string[]): Record<string, unknown> {
  if (words.length === 0) usage("control: name an op (list, node, stats, move, loss, channel, stop, restart) or give a JSON request");
  if (words[0].startsWith("{")) {
    try {
      return JSON.parse(words.join(" ")) as Record<string, unknown>;
    } catch {
      usage(`control: not valid JSON: ${words.join(" ")}`);
    }
  }
  const request: Record<string, unknown> = { op: words[0] };
  for (const word of words.slice(1)) {
    const equals = word.indexOf("=");
    if (equals <= 0) usage(`control: expected key=value, got ${word}`);
    const value = word.slice(equals + 1);
    request[word.slice(0, equals)] = value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return request;
}

/* Each op's keys: those it needs, then those it may take. */
const CONTROL_KEYS: Record<string, [needed: string[], optional: string[]]> = {
  list: [[], []],
  node: [["node"], []],
  stats: [[], []],
  move: [["node", "x", "y"], []],
  loss: [["p"], ["node", "src", "dst"]],
  channel: [["node", "channel"], []],
  stop: [["node"], []],
  restart: [["node"], []],
};

/* An op with key=value pairs is checked here, so that a mistake is told in the command's own words. */
function checkControl(request: Record<string, unknown>): void {
  const op = String(request.op);
  const keys = CONTROL_KEYS[op];
  if (!keys) usage(`control: unknown op ${op}${nearest(op, Object.keys(CONTROL_KEYS))}; ops: ${Object.keys(CONTROL_KEYS).join(", ")}`);
  const [needed, optional] = keys;
  const form = [...needed.map((key) => `${key}=...`), ...optional.map((key) => `[${key}=...]`)].join(" ");
  for (const key of Object.keys(request)) {
    if (key !== "op" && !needed.includes(key) && !optional.includes(key)) {
      usage(`control ${op}: unknown key ${key}=${nearest(key, [...needed, ...optional])}; ${op} takes ${form || "no keys"}`);
    }
  }
  const missing = needed.filter((key) => request[key] === undefined);
  if (missing.length) usage(`control ${op}: missing ${missing.map((key) => `${key}=`).join(", ")}; usage: control PORT ${op} ${form}`);
  if (op === "loss" && (request.src === undefined) !== (request.dst === undefined)) usage("control loss: a link needs both src= and dst=");
}

/* What a change did, in words: the air answers a change with null. */
function described(request: Record<string, unknown>, name: (key: string) => string): string {
  switch (request.op) {
    case "move":
      return `moved ${name("node")} to ${String(request.x)}, ${String(request.y)} m`;
    case "loss":
      if (request.src !== undefined) return `loss ${String(request.p)} on frames from ${name("src")} to ${name("dst")}`;
      if (request.node !== undefined) return `loss ${String(request.p)} on every frame ${name("node")} sends or receives`;
      return `loss ${String(request.p)} on every frame`;
    case "channel":
      return `${name("node")}'s radio is now on channel ${String(request.channel)}`;
    case "stop":
      return `stopped ${name("node")}: it neither sends nor receives until restart node=${name("node")}`;
    case "restart":
      return `restarted ${name("node")}`;
    default:
      return "done";
  }
}

async function control(args: string[]): Promise<number> {
  const [where, ...words] = args;
  const port = Number(where?.replace(/^(127\.0\.0\.1|localhost):/, ""));
  if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`control: expected the air's UDP port, got ${where}`);
  const json = words[0]?.startsWith("{") ?? false;
  const request = controlRequest(words);
  if (!json) checkControl(request);
  const client = await AirControl.connect(port, "127.0.0.1", 2000);
  try {
    const result = await client.call(request);
    if (result === null && !json) {
      /* the nodes by the names the air knows them (a request may give an index or a MAC) */
      const names = new Map<string, string>();
      for (const key of ["node", "src", "dst"]) {
        if (request[key] !== undefined) names.set(key, ((await client.call({ op: "node", node: request[key] })) as { name: string }).name);
      }
      process.stdout.write(`${described(request, (key) => names.get(key) ?? String(request[key]))}\n`);
    } else {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }
    return 0;
  } catch (error) {
    /* the air's own names for its operations are not the command's */
    const message = (error as Error).message.replace(/^setLoss: /, "loss: ").replace(/^setChannel: /, "channel: ");
    process.stderr.write(`espnow-sim: control: ${message}\n`);
    return 1;
  } finally {
    await client.close();
  }
}

async function multitest(args: string[]): Promise<number> {
  const parsed = parse(args, {
    "--variant": variant,
    "--profile": profile,
    "--timeout": positive,
    "--update": "flag",
    "--include": path,
  });
  if (parsed.inputs.length === 0) usage("multitest: name one or more test modules (.js or .ts)");
  const { runMultitests } = await import("./sim/multitest.ts");
  const summary = await runMultitests(parsed.inputs, {
    variant: option(parsed, "--variant"),
    profile: option(parsed, "--profile"),
    timeoutMs: (option<number>(parsed, "--timeout") ?? 30) * 1000,
    update: option(parsed, "--update") ?? false,
    include: (parsed.values.get("--include") ?? []) as string[],
  });
  return summary.failed.length ? 1 : 0;
}

async function initCommand(args: string[]): Promise<void> {
  const parsed = parse(args, {});
  if (parsed.inputs.length > 1) usage(`init: one folder at most, got ${parsed.inputs.join(" ")}`);
  const folder = parsed.inputs[0] ?? ".";
  const { init, nextSteps } = await import("./init/init.ts");
  const files = init(folder);
  process.stdout.write(`espnow-sim: wrote ${files.map((file) => (folder === "." ? file : join(folder, file))).join(", ")}\nNext:\n${nextSteps(folder)}\n`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    const asked = command === "help" ? HELP[rest[0]] : undefined;
    process.stdout.write(asked ?? USAGE);
    return;
  }
  if (HELP[command]) {
    commandHelp = HELP[command];
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(commandHelp);
      return;
    }
  }
  try {
    if (command === "init") {
      await initCommand(rest);
    } else if (command === "build") {
      await buildHost(rest);
    } else if (command === "run") {
      const options = runOptions(rest);
      process.exitCode = await (await runner()).runNodes({ yieldToAir: "auto", ...options });
    } else if (command === "control") {
      process.exitCode = await control(rest);
    } else if (command === "multitest") {
      process.exitCode = await multitest(rest);
    } else if (command === "demo") {
      /* the README's demo: MicroPython's introductory pair on one air, each line prefixed with its node */
      const options = runOptions(rest);
      const { ROOT } = await launcher();
      const inputs = ["examples/receiver", "examples/sender"].map((app) => join(ROOT, app));
      process.exitCode = await (await runner()).runNodes({ yieldToAir: "auto", ...options, seconds: options.seconds ?? 20, inputs });
    } else {
      usage(`unknown command ${command}${nearest(command, Object.keys(HELP))}`);
    }
  } catch (error) {
    /* mistakes in what was asked (manifests, sources, a port in use) get one line, not a stack */
    if (error instanceof ManifestError || error instanceof ProfileError || (error instanceof Error && error.name === "InitError") || (error instanceof Error && error.message.startsWith("air: "))) {
      process.stderr.write(`espnow-sim: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}

await main();
