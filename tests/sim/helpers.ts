import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runScript, type RunResult } from "../../tools/sim/build.ts";

export const BINDING = join(ROOT, "tests/fixtures/binding/manifest.json");
export const MODULES = join(ROOT, "tests/fixtures/modules/manifest.json");

/** Runs JavaScript as the main module of an app (SIM_VARIANT chooses the build). */
export function run(source: string, manifests: string[] = [], timeoutMs = 30000): Promise<RunResult> {
  return runScript(source, manifests, { timeoutMs });
}

/** The lines an app traced. */
export function lines(result: RunResult): string[] {
  return result.stdout.split("\n").filter((line) => line.length > 0);
}

/** A thread's (or process's) name, parent process, nice value and scheduling policy (0 SCHED_OTHER, 3 SCHED_BATCH), from its stat file (proc(5): fields 2, 4, 19 and 41). */
export interface ThreadPriority { name: string; parent: number; nice: number; policy: number }

function priorityOf(stat: string): ThreadPriority {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), parent: Number(fields[1]), nice: Number(fields[16]), policy: Number(fields[38]) };
}

/** Process pid's own stat (Linux /proc). */
export function processPriority(pid: number): ThreadPriority {
  return priorityOf(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** Every thread of process pid (Linux /proc). */
export function threadPriorities(pid: number): ThreadPriority[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => priorityOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8")));
}

/** This process's nice value: what a node it starts has unless it lowers its own. */
export function ownNice(): number {
  return processPriority(process.pid).nice;
}
