/*
 * Builds and runs apps in the simulator host (hosts/sim).
 *
 * buildApp reads the app's manifests for the "sim" platform, compiles its
 * TypeScript modules with tsc's compiler (with source maps, so that XS reports
 * .ts files and lines), writes the module map, and has make link a program
 * with the app's native sources. Everything lands in build/sim (git-ignored);
 * each step is skipped when its inputs have not changed.
 */

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ManifestError, readManifests, type Resolved } from "./manifest.ts";
import { defaultProfileName, isProfileName, PROFILES, profileArgs, resolveProfile, type Profile, type ProfileName } from "./profile.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SIM_HOST = join(ROOT, "hosts/sim");

export type Variant = "release" | "asan" | "tsan" | "m32";

export interface BuildOptions {
  /** release (default), asan (AddressSanitizer + UBSan), tsan, or m32 (32-bit, device-like sizes) */
  variant?: Variant;
  /** a file to run as the module "main", instead of the manifests' */
  main?: string;
  /** the device to reproduce (default: the manifests', else SIM_PROFILE, else esp32c3) */
  profile?: ProfileName;
}

export interface App {
  binary: string;
  moduleMap: string;
  resolved: Resolved;
  variant: Variant;
  profile: Profile;
}

export function defaultVariant(): Variant {
  const variant = process.env.SIM_VARIANT ?? "release";
  if (!["release", "asan", "tsan", "m32"].includes(variant)) throw new Error(`SIM_VARIANT: unknown variant ${variant}`);
  return variant as Variant;
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/* make must not run twice at once on the same objects (ava runs test files in parallel). */
function withLock<T>(path: string, work: () => T): T {
  mkdirSync(dirname(path), { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 10 * 60 * 1000;
  let fd = -1;
  while (fd < 0) {
    try {
      fd = openSync(path, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        const owner = Number(readFileSync(path, "utf8"));
        if (owner && !processExists(owner)) rmSync(path, { force: true });
      } catch {
        /* the owner is writing its pid or just released the lock */
      }
      if (Date.now() > deadline) throw new Error(`build lock ${path} held for 10 minutes`);
      Atomics.wait(pause, 0, 0, 50);
    }
  }
  writeFileSync(fd, String(process.pid));
  closeSync(fd);
  try {
    return work();
  } finally {
    rmSync(path, { force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/* The compiled module for a .ts source, written when older than its source. */
function compileModule(source: string): string {
  const inside = !relative(ROOT, source).startsWith("..");
  const name = inside ? relative(ROOT, source) : join("external", hash(source), source.split("/").pop() ?? "module.ts");
  const output = join(ROOT, "build/sim/js", name.replace(/\.ts$/, ".js"));
  if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) return output;
  const result = ts.transpileModule(readFileSync(source, "utf8"), {
    fileName: source,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      sourceMap: true,
      removeComments: false,
    },
  });
  const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const text = errors.map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${source}${where ? `:${where.line + 1}` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    throw new ManifestError(text.join("\n"));
  }
  const map = JSON.parse(result.sourceMapText ?? "{}") as { sources: string[]; sourceRoot?: string };
  map.sources = [relative(dirname(output), source)];
  delete map.sourceRoot;
  const base = output.split("/").pop() as string;
  const code = result.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${base}.map`);
  writeAtomically(`${output}.map`, JSON.stringify(map));
  writeAtomically(output, code);
  return output;
}

export function buildApp(manifests: string[], options: BuildOptions = {}): App {
  const variant = options.variant ?? defaultVariant();
  const resolved = readManifests([join(SIM_HOST, "manifest.json"), ...manifests], "sim", { ESPNOW: ROOT, SIM: SIM_HOST });
  if (options.main) resolved.modules.set("main", resolve(options.main));
  if (!resolved.modules.has("main")) {
    throw new ManifestError(`no module "main" in ${manifests.join(", ") || "the manifests"}: an app needs one`);
  }
  if (resolved.profile !== undefined && !isProfileName(resolved.profile)) {
    throw new ManifestError(`platforms.sim.profile: unknown profile ${resolved.profile}; expected ${PROFILES.join(", ")}`);
  }
  const profile = resolveProfile(options.profile ?? (resolved.profile as ProfileName | undefined) ?? defaultProfileName(), resolved.creation);
  const lines: string[] = [];
  for (const [name, source] of [...resolved.modules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`${name}\t${source.endsWith(".ts") ? compileModule(source) : source}`);
  }
  const natives = [...resolved.natives].sort();
  const defines = [...resolved.defines].sort().map(([name, value]) => `-D${name}=${value}`);
  const includes = resolved.includes.map((folder) => `-I${folder}`);
  const key = hash(JSON.stringify({ natives, defines, includes }));
  const appFolder = join(ROOT, "build/sim", variant, "apps", key);
  const moduleText = `${lines.join("\n")}\n`;
  const moduleMap = join(appFolder, `modules-${hash(moduleText)}.txt`);
  if (!existsSync(moduleMap)) writeAtomically(moduleMap, moduleText);
  withLock(join(ROOT, "build/sim", `${variant}.lock`), () => {
    const make = spawnSync("make", [
      "-s", "-C", SIM_HOST, `-j${Math.max(1, cpus().length)}`,
      `VARIANT=${variant}`, `APP=${appFolder}`,
      `NATIVE=${natives.join(" ")}`,
      `NATIVE_DEFINES=${defines.join(" ")}`,
      `NATIVE_INCLUDES=${includes.join(" ")}`,
    ], { encoding: "utf8" });
    if (make.error) throw new Error(`cannot run make: ${make.error.message}`);
    if (make.status !== 0) throw new Error(`building the simulator failed:\n${make.stdout}${make.stderr}`);
  });
  return { binary: join(appFolder, "xsim"), moduleMap, resolved, variant, profile };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  stackSlots?: number;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** give the program a pipe as its standard input (the default is /dev/null) */
  stdin?: boolean;
  /** called with the program's process once it is spawned, to write to it or stop it */
  onSpawn?: (child: ChildProcess) => void;
}

export function runApp(app: App, options: RunOptions = {}): Promise<RunResult> {
  const args = profileArgs(app.profile);
  if (options.stackSlots) args.push("--stack", String(options.stackSlots));
  args.push(app.moduleMap, "main");
  const env = { ...process.env, ...options.env };
  if (app.variant === "asan") {
    env.ASAN_OPTIONS ??= "detect_leaks=1:abort_on_error=0:exitcode=86";
    env.UBSAN_OPTIONS ??= "print_stacktrace=1:halt_on_error=1:exitcode=87";
  }
  if (app.variant === "tsan") env.TSAN_OPTIONS ??= "halt_on_error=1:exitcode=88";
  return new Promise((resolvePromise, reject) => {
    const child = options.stdin
      ? spawn(app.binary, args, { env, stdio: "pipe" })
      : spawn(app.binary, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 30000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    child.on("error", reject);
    options.onSpawn?.(child);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Runs source text as the module "main" of an app made of the given manifests. */
export async function runScript(source: string, manifests: string[] = [], options: BuildOptions & RunOptions = {}): Promise<RunResult> {
  const folder = mkdtempSync(join(tmpdir(), "xsim-"));
  try {
    const main = join(folder, "main.js");
    writeFileSync(main, source);
    const app = buildApp(manifests, { ...options, main });
    return await runApp(app, options);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
