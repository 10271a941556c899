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
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ManifestError, readManifests, type Resolved } from "./manifest.ts";
import { defaultProfileName, isProfileName, PROFILES, profileArgs, resolveProfile, type Profile, type ProfileName } from "./profile.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SIM_HOST = join(ROOT, "hosts/sim");

/* A dependency's folder, wherever npm put it: in this clone's node_modules,
   or beside this package in an app's node_modules when it is installed. */
const requireHere = createRequire(join(ROOT, "package.json"));
export function dependencyFolder(name: string): string {
  return dirname(requireHere.resolve(`${name}/package.json`));
}

/* The XS engine's sources (hosts/sim/Makefile's XS). */
export const XS_SOURCES = join(dependencyFolder("@agoric/xsnap"), "moddable/xs");

export type Variant = "release" | "asan" | "tsan" | "m32";

export interface BuildOptions {
  /** release (default), asan (AddressSanitizer + UBSan), tsan, or m32 (32-bit, device-like sizes) */
  variant?: Variant;
  /** a file to run as the module "main", instead of the manifests' */
  main?: string;
  /** the device to reproduce (default: the manifests', else SIM_PROFILE, else esp32c3) */
  profile?: ProfileName;
  /** a full machine-message queue: the profile's wait, or "debug" (a debug build's 20 ticks, then -2) */
  queueWait?: Profile["queueWait"];
  /** module names that are a mod's (mcrun): compiled without host functions, never preloaded */
  mod?: Iterable<string>;
  /** manifest variables besides ESPNOW and SIM (MODDABLE for a firmware host's manifest: tools/sim/host.ts) */
  variables?: Record<string, string>;
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

export function hash(text: string): string {
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

/* Where the compiled module of a .ts source goes. */
function compiledPath(source: string): string {
  const inside = !relative(ROOT, source).startsWith("..");
  const name = inside ? relative(ROOT, source) : join("external", hash(source), source.split("/").pop() ?? "module.ts");
  return join(ROOT, "build/sim/js", name.replace(/\.ts$/, ".js"));
}

/* Typings every app is checked with: XS's globals (trace, harden), as
   mcconfig's "types" gives them (examples/manifest_base.json), and the
   timer module's, which Moddable's typings folder has. */
const TYPINGS = ["xs.d.ts", "timer.d.ts"].map((file) => join(dependencyFolder("@moddable/typings"), file));

/* Parsed files kept across the programs of one process: most are the same
   (TypeScript's libs, the typings, espnow.ts), and parsing them is most of
   the cost of a program. */
const parsed = new Map<string, { text: string; file: ts.SourceFile }>();

function folderTypings(folder: string, into: Set<string>): void {
  if (!existsSync(folder)) return;
  for (const file of readdirSync(folder)) if (file.endsWith(".d.ts")) into.add(join(folder, file));
}

function located(diagnostic: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const file = relative(process.cwd(), diagnostic.file.fileName);
  return `${file.startsWith("..") ? diagnostic.file.fileName : file}:${line + 1}: ${message}`;
}

/*
 * The app's .ts modules, type-checked as one program and compiled, as
 * mcconfig does before xsc (tools/mcmanifest.js, TSConfigFile): each module
 * name resolves to the module's source ("paths"), with mcconfig's compiler
 * options (module "preserve", target and lib es2025) and a manifest's
 * "typescript.tsconfig.compilerOptions" over them. mcconfig sets no
 * strict, so TypeScript's default applies, as on a device: strict since
 * TypeScript 6. The typings
 * are the ambient .d.ts files beside the app's manifests and modules (those
 * of espnow, wlan, instrument, multitest) and TYPINGS. A type error stops the
 * build, "file:line: message" for each. When every file the program read is
 * as it was, the compiled modules are used as they are.
 */
function compileModules(resolved: Resolved): Map<string, string> {
  const sources = [...resolved.modules.values()].filter((source) => source.endsWith(".ts"));
  const outputs = new Map(sources.map((source) => [source, compiledPath(source)]));
  if (sources.length === 0) return outputs;
  const paths: Record<string, string[]> = {};
  /* No module imports main: a .js main stays out of the program, so apps that
     differ only in it (every test node) share one cached check. */
  for (const [name, source] of resolved.modules) if (name !== "main" || source.endsWith(".ts")) paths[name] = [source.replace(/\.(ts|js)$/, "")];
  const typings = new Set(TYPINGS);
  for (const manifest of resolved.manifests) folderTypings(dirname(manifest), typings);
  for (const source of resolved.modules.values()) folderTypings(dirname(source), typings);
  const roots = [...new Set([...sources, ...typings])].sort();
  const asked = ts.convertCompilerOptionsFromJson(resolved.typescript?.compilerOptions ?? {}, ROOT);
  if (asked.errors.length) throw new ManifestError(`typescript.tsconfig.compilerOptions: ${asked.errors.map(located).join("; ")}`);
  const options: ts.CompilerOptions = {
    forceConsistentCasingInFileNames: true,
    module: ts.ModuleKind.Preserve,
    resolveJsonModule: true,
    lib: ["lib.es2025.d.ts"],
    sourceMap: true,
    target: ts.ScriptTarget.ES2025,
    types: [],
    skipDefaultLibCheck: true,
    ...asked.options,
    paths,
    noEmit: false,
    noEmitOnError: true,
    outDir: join(ROOT, "build/sim/tsc"),
    rootDir: "/",
  };
  const stamp = join(ROOT, "build/sim/tsc", `${hash(JSON.stringify({ roots, options, version: ts.version }))}.json`);
  const digest = (file: string): string | undefined => (existsSync(file) ? hash(readFileSync(file, "utf8")) : undefined);
  if (existsSync(stamp)) {
    const read = JSON.parse(readFileSync(stamp, "utf8")) as Record<string, string>;
    if (Object.entries(read).every(([file, sum]) => digest(file) === sum) && [...outputs.values()].every((output) => existsSync(output))) return outputs;
  }
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, fresh) => {
    const text = ts.sys.readFile(fileName);
    if (text === undefined) return read(fileName, language, onError, fresh);
    const known = parsed.get(fileName);
    if (known && known.text === text) return known.file;
    const file = ts.createSourceFile(fileName, text, language);
    parsed.set(fileName, { text, file });
    return file;
  };
  const program = ts.createProgram(roots, options, host);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new ManifestError(`type errors (TypeScript, as mcconfig checks them):\n${errors.map(located).join("\n")}`);
  const emitted = program.emit(undefined, (fileName, text, _bom, _onError, from) => {
    const source = from?.[0]?.fileName;
    if (!source || !source.endsWith(".ts")) return;
    const output = compiledPath(source);
    if (fileName.endsWith(".map")) {
      const map = JSON.parse(text) as { sources: string[]; sourceRoot?: string; file?: string };
      map.sources = [relative(dirname(output), source)];
      map.file = output.split("/").pop();
      delete map.sourceRoot;
      writeAtomically(`${output}.map`, JSON.stringify(map));
    } else {
      writeAtomically(output, text.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${output.split("/").pop() as string}.map`));
    }
  });
  if (emitted.emitSkipped) throw new ManifestError(`compiling ${sources.join(", ")} failed:\n${emitted.diagnostics.map(located).join("\n")}`);
  const files: Record<string, string> = {};
  for (const file of program.getSourceFiles()) {
    if (program.isSourceFileDefaultLibrary(file)) continue;
    files[file.fileName] = digest(file.fileName) as string;
  }
  writeAtomically(stamp, JSON.stringify(files));
  return outputs;
}

/*
 * The module map hosts/sim/simModules.c reads: "NAME\tPATH" a module;
 * "*preload\tNAME" the manifests' preloads, in order (xsl runs them at build
 * time, then the app runs against frozen primordials: hosts/sim/simPreload.c);
 * "*mod\tNAME" a mod's module; "*define\tNAME\tVALUE" the MODDEF_ defines
 * (the host reads MODDEF_MAIN_ASYNC).
 */
function moduleMapLines(resolved: Resolved, compiled: Map<string, string>, mod: Set<string>): string[] {
  const lines: string[] = [];
  for (const [name, source] of [...resolved.modules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`${name}\t${compiled.get(source) ?? source}`);
  }
  for (const name of mod) {
    if (!resolved.modules.has(name)) throw new ManifestError(`mod: no module "${name}" in the manifests`);
    lines.push(`*mod\t${name}`);
  }
  for (const name of resolved.preload) {
    /* xsl's words for a preload no manifest provides */
    if (!resolved.modules.has(name)) throw new ManifestError(`"preload": '${name}': module not found (no manifest of this app lists a module "${name}")`);
    /* mcrun warns "preload is unavailable in mods" and ignores it */
    if (!mod.has(name)) lines.push(`*preload\t${name}`);
  }
  for (const [name, value] of [...resolved.defines].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (/[\t\n]/.test(name + value)) throw new ManifestError(`defines: ${name}: a tab or a newline cannot be passed to the simulator`);
    lines.push(`*define\t${name}\t${value}`);
  }
  return lines;
}

export function buildApp(manifests: string[], options: BuildOptions = {}): App {
  const variant = options.variant ?? defaultVariant();
  const resolved = readManifests([join(SIM_HOST, "manifest.json"), ...manifests], "sim", { ESPNOW: ROOT, SIM: SIM_HOST, ...options.variables });
  if (options.main) resolved.modules.set("main", resolve(options.main));
  if (!resolved.modules.has("main")) {
    throw new ManifestError(`no module "main" in ${manifests.join(", ") || "the manifests"}: an app needs one`);
  }
  if (resolved.profile !== undefined && !isProfileName(resolved.profile)) {
    throw new ManifestError(`platforms.sim.profile: unknown profile ${resolved.profile}; expected ${PROFILES.join(", ")}`);
  }
  const profile = resolveProfile(options.profile ?? (resolved.profile as ProfileName | undefined) ?? defaultProfileName(), resolved.creation);
  if (options.queueWait) profile.queueWait = options.queueWait;
  const compiled = compileModules(resolved);
  const lines = moduleMapLines(resolved, compiled, new Set(options.mod ?? []));
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
      `VARIANT=${variant}`, `XS=${XS_SOURCES}`, `APP=${appFolder}`,
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
  /** Math.random's seed (default: nodeSeed(1, the index in env.ESPNOW_NODE_INDEX, else 0)) */
  seed?: number;
  env?: NodeJS.ProcessEnv;
  stackSlots?: number;
  /** the host prints the device figures (queue, memory) on stderr at exit */
  verbose?: boolean;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** give the program a pipe as its standard input (the default is /dev/null) */
  stdin?: boolean;
  /** called with the program's process once it is spawned, to write to it or stop it */
  onSpawn?: (child: ChildProcess) => void;
}

/** The seed of Math.random on one node of a run: distinct for each node of one seed (a bijection of index), the same for the same seed and index. */
export function nodeSeed(seed: number, index: number): number {
  let x = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export function runApp(app: App, options: RunOptions = {}): Promise<RunResult> {
  const args = profileArgs(app.profile);
  const index = Number(options.env?.ESPNOW_NODE_INDEX ?? 0);
  args.push("--seed", String(options.seed ?? nodeSeed(1, Number.isInteger(index) ? index : 0)));
  if (options.stackSlots) args.push("--stack", String(options.stackSlots));
  if (options.verbose) args.push("--verbose");
  /* the module the machine runs first: the manifests' creation.main (a firmware host's "host"), as on a device */
  const entry = app.resolved.creation.main;
  args.push(app.moduleMap, typeof entry === "string" ? entry : "main");
  /* the node ends if this process dies without stopping it (hosts/sim/simParent.c) */
  const env: NodeJS.ProcessEnv = { ...process.env, ESPNOW_SIM_PARENT: String(process.pid), ...options.env };
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
