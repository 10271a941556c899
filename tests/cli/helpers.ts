/**
 * Runs espnow-sim's commands: in this process through their functions (most
 * tests: no start-up cost), or as the command users type.
 */
import type { ExecutionContext } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { runNodes, type RunNodesOptions } from "../../tools/sim/run.ts";

const CLI = join(ROOT, "tools/bin/espnow-sim.mjs");

/** Text written so far, which a test can wait for. */
export class Capture {
  text = "";
  private readonly listeners = new Set<() => void>();
  private ended = false;

  readonly write = (chunk: string): void => {
    this.text += chunk;
    this.listeners.forEach((listener) => listener());
  };

  end(): void {
    this.ended = true;
    this.listeners.forEach((listener) => listener());
  }

  /** Resolves with the first match of pattern, waiting for it if need be (60 s: the first output of a run follows a build, slow on a loaded machine). */
  waitFor(pattern: RegExp, timeoutMs = 60000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = this.text.match(pattern);
        if (match || this.ended) {
          this.listeners.delete(check);
          clearTimeout(timer);
          if (match) resolve(match);
          else reject(new Error(`the output ended without ${pattern}:\n${this.text}`));
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no ${pattern} within ${timeoutMs} ms in:\n${this.text}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** espnow-sim run, in this process; it is stopped when the test ends. */
export interface Run {
  stdout: Capture;
  stderr: Capture;
  /** the air's UDP port, once it is up */
  port: Promise<number>;
  finished: Promise<Finished>;
  stop: () => void;
}

export function run(t: ExecutionContext, options: RunNodesOptions): Run {
  const stdout = new Capture();
  const stderr = new Capture();
  const stopper = new AbortController();
  let onPort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => (onPort = resolve));
  const finished = runNodes({ signal: stopper.signal, stdout: stdout.write, stderr: stderr.write, onAir: (_, p) => onPort(p), ...options })
    .then((code) => ({ code, stdout: stdout.text, stderr: stderr.text }))
    .finally(() => (stdout.end(), stderr.end()));
  t.teardown(() => stopper.abort());
  return { stdout, stderr, port, finished, stop: () => stopper.abort() };
}

/** espnow-sim as a command, running; it is killed when the test ends, if still running. */
export interface Command {
  child: ChildProcess;
  stdout: Capture;
  stderr: Capture;
  finished: Promise<Finished>;
}

export function command(t: ExecutionContext, args: string[]): Command {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const stdout = new Capture();
  const stderr = new Capture();
  child.stdout.setEncoding("utf8").on("data", stdout.write);
  child.stderr.setEncoding("utf8").on("data", stderr.write);
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      stdout.end();
      stderr.end();
      resolve({ code, stdout: stdout.text, stderr: stderr.text });
    });
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return { child, stdout, stderr, finished };
}

/** Runs espnow-sim as a command to its end. */
export function cli(t: ExecutionContext, args: string[]): Promise<Finished> {
  return command(t, args).finished;
}

/** The lines of a text, without the empty one after the last newline. */
export function lines(text: string): string[] {
  const all = text.split("\n");
  if (all[all.length - 1] === "") all.pop();
  return all;
}

/** A temporary folder, removed when the test ends. */
export function folder(t: ExecutionContext): string {
  const path = mkdtempSync(join(tmpdir(), "espnow-cli-"));
  t.teardown(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** Writes an app (a folder with manifest.json and main.js) named `name` into `parent`. */
export function app(parent: string, name: string, main: string): string {
  const path = join(parent, name);
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, "manifest.json"), JSON.stringify({ modules: { main: "./main" } }));
  writeFileSync(join(path, "main.js"), main);
  return path;
}

/** An app that traces "tick N" every 50 ms until it is stopped. */
export const TICKER = `import Timer from "timer";\nlet n = 0;\nTimer.repeat(() => trace(\`tick \${n++}\\n\`), 50);\n`;
