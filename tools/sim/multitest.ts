/*
 * espnow-sim multitest: multi-node tests with the semantics of MicroPython's
 * tests/run-multitests.py.
 *
 * A test module exports instance0(), instance1(), ... (async ones are
 * awaited). Each instance is an xsim process on the test's own air, named
 * instanceN (nodeEnv). Instance 0 starts first; each next one starts when the
 * one before calls multitest.next() (or ends without calling it). The globals
 * an instance sets with multitest.globals() before that are globals of every
 * instance started later. A broadcast reaches every other instance, including
 * those started later (a late instance is given the earlier ones first).
 *
 * Each instance's output, without the control records, is compared with the
 * FILE.exp file: "--- instanceN ---" then its lines, for each instance, as
 * MicroPython writes it. What an instance writes on stderr is added to its
 * output, as is "TIMEOUT" when the test ran out of time. A test passes when
 * every instance exits 0 and the output is the .exp file; it fails as soon as
 * one instance fails (the others are stopped), and is skipped when an instance
 * calls multitest.skip().
 *
 * How an instance and the runner talk is described in
 * hosts/sim/modules/multitest.js. Each test's app is built once: a generated
 * main module reads the instance's number and globals from its first input
 * line, imports the test module (as "test/NAME") and calls instanceN().
 */

import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import ts from "typescript";
import { Air } from "../air/air.ts";
import { buildApp, nodeSeed, ROOT, runApp, writeAtomically, type App, type RunResult, type Variant } from "./build.ts";
import { ManifestError } from "./manifest.ts";
import type { ProfileName } from "./profile.ts";
import { describeExit, nodeEnv } from "./run.ts";

export interface MultitestOptions {
  /** the simulator build (default: SIM_VARIANT, else release) */
  variant?: Variant;
  /** the device every instance reproduces (default: the manifests', else SIM_PROFILE, else esp32c3) */
  profile?: ProfileName;
  /** the time a test may take, all instances together */
  timeoutMs: number;
  /** write FILE.exp from the output when it is missing or differs (and no instance failed) */
  update?: boolean;
  /** manifests added to every test's app (the project's manifest.json always is, when there is one) */
  include?: string[];
  /** where the report goes (default: stdout) */
  out?: (text: string) => void;
}

export interface MultitestSummary {
  passed: string[];
  failed: string[];
  skipped: string[];
}

const RECORD = "\x01multitest ";

/** The number of instances a test module exports: instance0 to instanceN-1, with no gap. */
export function instanceCount(file: string): number {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, file.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const found = new Set<number>();
  const note = (name: string): void => {
    const match = /^instance(\d+)$/.exec(name);
    if (match) found.add(Number(match[1]));
  };
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && ts.isFunctionDeclaration(statement) && statement.name) note(statement.name.text);
    if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) note(declaration.name.text);
    }
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) note(element.name.text);
    }
  }
  for (let i = 0; i < found.size; i++) {
    if (!found.has(i)) throw new ManifestError(`${file}: exports ${[...found].sort((a, b) => a - b).map((n) => `instance${n}`).join(", ")} but no instance${i}`);
  }
  if (found.size === 0) throw new ManifestError(`${file}: exports no instance0(); a multitest module exports instance0(), instance1(), ...`);
  return found.size;
}

/* The test's app: the test module as "test/NAME" and a generated main. */
function testApp(file: string, options: MultitestOptions): App {
  const source = resolve(file);
  const name = `test/${basename(source).replace(/\.(js|ts)$/, "")}`;
  const folder = join(ROOT, "build/sim/multitest", createHash("sha256").update(source).digest("hex").slice(0, 16));
  writeAtomically(join(folder, "main.js"), [
    `import { begin } from "multitest";`,
    `const index = begin();`,
    `const test = await import(${JSON.stringify(name)});`,
    `const instance = test["instance" + index];`,
    `if (typeof instance !== "function") throw new TypeError(${JSON.stringify(`${basename(file)} does not export a function instance`)} + index);`,
    `await instance();`,
    ``,
  ].join("\n"));
  /* the generated main awaits the test module's import and its instance: on a device that takes MODDEF_MAIN_ASYNC */
  writeAtomically(join(folder, "manifest.json"), JSON.stringify({ modules: { [name]: source.replace(/\.(js|ts)$/, "") }, defines: { main: { async: 1 } } }));
  const project = join(ROOT, "manifest.json");
  const manifests = [...(existsSync(project) ? [project] : []), ...(options.include ?? []).map((path) => resolve(path)), join(folder, "manifest.json")];
  return buildApp(manifests, { variant: options.variant, main: join(folder, "main.js"), profile: options.profile });
}

/* One line of JSON for an instance's input; non-ASCII escaped, so any engine reads it as it was. */
function inputLine(value: unknown): string {
  return `${JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

/* Where a trailing beginning of RECORD starts in text, or its length if it has none. */
function recordStart(text: string): number {
  for (let length = Math.min(RECORD.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(RECORD.slice(0, length))) return text.length - length;
  }
  return text.length;
}

interface Instance {
  index: number;
  started: boolean;
  running: boolean;
  /** stopped by the runner: skip, a timeout, or another instance's failure */
  stopped: boolean;
  timedOut: boolean;
  /** its output without the control records */
  text: string;
  /** stdout not yet parsed: it may end inside a control record */
  pending: string;
  stderr: string;
  result?: RunResult;
  write?: (line: string) => void;
  kill?: () => void;
}

interface TestRun {
  instances: Instance[];
  skipped: boolean;
}

/* Starts the instances in order and runs them until they all ended. */
function runInstances(app: App, count: number, airPort: number, timeoutMs: number): Promise<TestRun> {
  const instances: Instance[] = Array.from({ length: count }, (_, index) => ({
    index, started: false, running: false, stopped: false, timedOut: false, text: "", pending: "", stderr: "",
  }));
  const globals: Record<string, unknown> = {};
  const broadcasts: { from: number; message: string }[] = [];
  let skipped = false;
  let ending = false;
  let active = 0;
  return new Promise((resolvePromise) => {
    const stopAll = (): void => {
      ending = true;
      for (const instance of instances) {
        if (instance.running) {
          instance.stopped = true;
          instance.kill?.();
        }
      }
    };
    const timer = setTimeout(() => {
      for (const instance of instances) if (instance.running) instance.timedOut = true;
      stopAll();
    }, timeoutMs);
    const startNext = (after: Instance): void => {
      const next = instances[after.index + 1];
      if (next && !next.started && !ending) start(next);
    };
    const control = (instance: Instance, body: string): void => {
      const space = body.indexOf(" ");
      const command = space < 0 ? body : body.slice(0, space);
      let argument: unknown;
      try {
        argument = space < 0 ? undefined : JSON.parse(body.slice(space + 1));
      } catch {
        instance.text += `multitest: unreadable control record ${JSON.stringify(body)}\n`;
        return;
      }
      if (command === "next") {
        startNext(instance);
      } else if (command === "globals") {
        Object.assign(globals, argument);
      } else if (command === "broadcast") {
        broadcasts.push({ from: instance.index, message: argument as string });
        for (const other of instances) if (other !== instance && other.running) other.write?.(inputLine(argument));
      } else if (command === "skip") {
        skipped = true;
        stopAll();
      } else {
        instance.text += `multitest: unknown control record ${JSON.stringify(body)}\n`;
      }
    };
    const parse = (instance: Instance): void => {
      for (;;) {
        const pending = instance.pending;
        const at = pending.indexOf(RECORD);
        const end = at < 0 ? -1 : pending.indexOf("\n", at);
        if (end < 0) {
          /* a record not yet ended, or what may be the start of one, waits for more */
          const keep = at >= 0 ? at : recordStart(pending);
          instance.text += pending.slice(0, keep);
          instance.pending = pending.slice(keep);
          return;
        }
        instance.text += pending.slice(0, at);
        instance.pending = pending.slice(end + 1);
        control(instance, pending.slice(at + RECORD.length, end));
      }
    };
    const exited = (instance: Instance, result: RunResult): void => {
      instance.running = false;
      instance.result = result;
      instance.text += instance.pending;
      instance.pending = "";
      active--;
      if (result.code !== 0 && !instance.stopped) stopAll();
      else startNext(instance);
      if (active === 0) {
        clearTimeout(timer);
        resolvePromise({ instances, skipped });
      }
    };
    const start = (instance: Instance): void => {
      instance.started = true;
      instance.running = true;
      active++;
      runApp(app, {
        timeoutMs: 2 ** 31 - 1,
        seed: nodeSeed(1, instance.index),
        stdin: true,
        /* the profile's chip; the ESP8266's SDK speaks ESP-NOW v1 only */
        env: nodeEnv({ airPort, name: `instance${instance.index}`, index: instance.index, chip: app.profile.chip, version: app.profile.chip === "esp8266" ? 1 : undefined }),
        onSpawn: (child) => {
          const input = child.stdin;
          input?.on("error", () => {}); /* an instance that ended reads nothing more */
          instance.write = (line) => input?.write(line);
          instance.kill = () => child.kill("SIGKILL");
          instance.write(inputLine({ instance: instance.index, globals }));
          for (const { from, message } of broadcasts) if (from !== instance.index) instance.write(inputLine(message));
        },
        onStdout: (chunk) => {
          instance.pending += chunk;
          parse(instance);
        },
        onStderr: (chunk) => (instance.stderr += chunk),
      }).then(
        (result) => exited(instance, result),
        (error: Error) => exited(instance, { code: null, signal: null, stdout: "", stderr: `cannot run the instance: ${error.message}\n`, timedOut: false }),
      );
    };
    start(instances[0]);
  });
}

function lines(text: string): string[] {
  const all = text.split("\n");
  if (all[all.length - 1] === "") all.pop();
  return all;
}

/** The output to compare with the .exp file, as MicroPython's run-multitests.py writes it. */
function testOutput(run: TestRun): string {
  return run.instances.map((instance) => {
    const output = [...lines(instance.text), ...lines(instance.stderr), ...(instance.timedOut ? ["TIMEOUT"] : [])].map((line) => line.trimEnd());
    return `--- instance${instance.index} ---\n${output.join("\n")}\n`;
  }).join("");
}

/** A unified diff ("diff -u") of two texts, by lines. */
export function unifiedDiff(before: string, after: string, beforeLabel: string, afterLabel: string, context = 3): string {
  const a = lines(before);
  const b = lines(after);
  /* common[i][j]: the length of the longest common subsequence of a[i..] and b[j..] */
  const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const edits: { mark: " " | "-" | "+"; line: string; i: number; j: number }[] = [];
  for (let i = 0, j = 0; i < a.length || j < b.length;) {
    if (i < a.length && j < b.length && a[i] === b[j]) edits.push({ mark: " ", line: a[i], i: i++, j: j++ });
    else if (i < a.length && (j === b.length || common[i + 1][j] >= common[i][j + 1])) edits.push({ mark: "-", line: a[i], i: i++, j });
    else edits.push({ mark: "+", line: b[j], i, j: j++ });
  }
  const hunks: string[] = [];
  let k = 0;
  while (k < edits.length) {
    const change = edits.findIndex((edit, index) => index >= k && edit.mark !== " ");
    if (change < 0) break;
    const first = Math.max(k, change - context);
    let last = change;
    for (let index = change; index < edits.length && index <= last + 2 * context; index++) if (edits[index].mark !== " ") last = index;
    const end = Math.min(edits.length, last + context + 1);
    const hunk = edits.slice(first, end);
    const removed = hunk.filter((edit) => edit.mark !== "+").length;
    const added = hunk.filter((edit) => edit.mark !== "-").length;
    const range = (start: number, length: number): string => `${length === 0 ? start : start + 1},${length}`;
    hunks.push(`@@ -${range(hunk[0].i, removed)} +${range(hunk[0].j, added)} @@\n${hunk.map((edit) => `${edit.mark}${edit.line}\n`).join("")}`);
    k = end;
  }
  return `--- ${beforeLabel}\n+++ ${afterLabel}\n${hunks.join("")}`;
}

/* Runs one test; reports it and returns pass, fail or skip. */
async function runTest(file: string, options: MultitestOptions, out: (text: string) => void): Promise<"pass" | "fail" | "skip"> {
  let count: number;
  let app: App;
  try {
    if (!existsSync(file)) throw new ManifestError(`${file} does not exist`);
    count = instanceCount(file);
    app = testApp(file, options);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    out(`${file}: FAIL\n  ${error.message.replace(/\n/g, "\n  ")}\n`);
    return "fail";
  }
  const heading = `${file} on ${count} instance${count === 1 ? "" : "s"}`;
  const air = new Air();
  let run: TestRun;
  try {
    run = await runInstances(app, count, await air.start({ seed: 1 }), options.timeoutMs);
  } finally {
    await air.stop();
  }
  if (run.skipped) {
    out(`${heading}: skip\n`);
    return "skip";
  }
  const problems: string[] = [];
  for (const instance of run.instances) {
    if (instance.timedOut) problems.push(`instance${instance.index} timed out (the test may take ${options.timeoutMs / 1000} s)`);
    else if (instance.result && instance.result.code !== 0 && !instance.stopped) problems.push(`instance${instance.index} failed (${describeExit(instance.result)})`);
  }
  const output = testOutput(run);
  const expFile = `${file}.exp`;
  const expected = existsSync(expFile) ? readFileSync(expFile, "utf8").replace(/\r\n/g, "\n").replace(/([^\n])$/, "$1\n") : undefined;
  if (problems.length === 0 && expected === output) {
    out(`${heading}: pass\n`);
    return "pass";
  }
  if (problems.length === 0 && options.update) {
    writeFileSync(expFile, output);
    out(`${heading}: pass (wrote ${expFile})\n`);
    return "pass";
  }
  out(`${heading}: FAIL\n${problems.map((problem) => `  ${problem}\n`).join("")}`);
  if (expected === undefined) {
    out(`  no ${expFile} to compare with (--update writes it from this output):\n${output}`);
  } else if (expected !== output) {
    out(unifiedDiff(expected, output, expFile, `${file} (output)`));
  }
  return "fail";
}

/**
 * Runs the tests one after the other and reports each, then the skipped and
 * failed ones, and last the line "N passed, N failed".
 */
export async function runMultitests(files: string[], options: MultitestOptions): Promise<MultitestSummary> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const summary: MultitestSummary = { passed: [], failed: [], skipped: [] };
  for (const file of files) {
    const outcome = await runTest(file, options, out);
    summary[outcome === "pass" ? "passed" : outcome === "fail" ? "failed" : "skipped"].push(file);
  }
  if (summary.skipped.length) out(`${summary.skipped.length} skipped: ${summary.skipped.join(" ")}\n`);
  if (summary.failed.length) out(`${summary.failed.length} failed: ${summary.failed.join(" ")}\n`);
  out(`${summary.passed.length} passed, ${summary.failed.length} failed\n`);
  return summary;
}
