/*
 * espnow-sim: build and run apps in the simulator.
 *
 *   espnow-sim build [--variant V]             build the XS host (timed)
 *   espnow-sim run <manifest|dir|file.js|file.ts>... [--variant V] [--seconds S]
 *   espnow-sim demo                            run the README's demo
 *
 * Variants: release (default), asan, tsan, m32 (SIM_VARIANT sets the default).
 */

import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { buildApp, defaultVariant, ROOT, runApp, SIM_HOST, type Variant } from "./sim/build.ts";
import { ManifestError } from "./sim/manifest.ts";

function usage(message?: string): never {
  if (message) process.stderr.write(`espnow-sim: ${message}\n`);
  process.stderr.write(
    "usage: espnow-sim build [--variant release|asan|tsan|m32]\n" +
    "       espnow-sim run <manifest.json|folder|main.js|main.ts>... [--variant V] [--seconds S]\n" +
    "       espnow-sim demo\n",
  );
  process.exit(2);
}

interface Options {
  variant: Variant;
  seconds?: number;
  inputs: string[];
}

function parse(args: string[]): Options {
  const options: Options = { variant: defaultVariant(), inputs: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--variant") {
      const value = args[++i];
      if (!["release", "asan", "tsan", "m32"].includes(value)) usage(`--variant: expected release, asan, tsan or m32, got ${value}`);
      options.variant = value as Variant;
    } else if (arg === "--seconds") {
      const value = Number(args[++i]);
      if (!(value > 0)) usage(`--seconds: expected a positive number, got ${args[i]}`);
      options.seconds = value;
    } else if (arg.startsWith("--")) {
      usage(`unknown option ${arg}`);
    } else {
      options.inputs.push(arg);
    }
  }
  return options;
}

function buildHost(variant: Variant): void {
  const started = process.hrtime.bigint();
  const make = spawnSync("make", ["-s", "-C", SIM_HOST, `-j${cpus().length}`, `VARIANT=${variant}`], { stdio: "inherit" });
  if (make.status !== 0) process.exit(1);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`built the ${variant} simulator host in ${seconds.toFixed(2)} s (build/sim/${variant})\n`);
}

async function run(options: Options): Promise<number> {
  if (options.inputs.length === 0) usage("run: name an app (a manifest, a folder with one, or a main .js/.ts file)");
  const manifests: string[] = [];
  let main: string | undefined;
  for (const input of options.inputs) {
    const path = resolve(input);
    if (!existsSync(path)) usage(`run: ${input} does not exist`);
    if (statSync(path).isDirectory()) manifests.push(join(path, "manifest.json"));
    else if (path.endsWith(".json")) manifests.push(path);
    else if (/\.(js|ts)$/.test(path)) main = path;
    else usage(`run: ${input} is not a manifest, a folder or a .js/.ts file`);
  }
  const app = buildApp(manifests, { variant: options.variant, main });
  const result = await runApp(app, {
    timeoutMs: options.seconds ? options.seconds * 1000 : 24 * 3600 * 1000,
    onStdout: (chunk) => process.stdout.write(chunk),
    onStderr: (chunk) => process.stderr.write(chunk),
  });
  if (result.timedOut) return 0;
  return result.code ?? 1;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (command === "build") {
      buildHost(parse(rest).variant);
    } else if (command === "run") {
      process.exitCode = await run(parse(rest));
    } else if (command === "demo") {
      process.exitCode = await run({ ...parse(rest), inputs: [join(ROOT, "examples/host-demo")] });
    } else {
      usage(command ? `unknown command ${command}` : undefined);
    }
  } catch (error) {
    if (error instanceof ManifestError) {
      process.stderr.write(`espnow-sim: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}

await main();
