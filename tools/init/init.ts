/*
 * espnow-sim init [DIR]: writes a starter app into DIR (default: the current
 * folder) from tools/init/template: manifest.json (which includes this
 * package's manifest as $(ESPNOW)/manifest.json), main.ts, tsconfig.json
 * (extending espnow-xs/tsconfig.app.json) and a two-node multitest with its
 * expected output. A file that is already there is never overwritten: if one
 * is, nothing is written.
 */

import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "template");

function filesIn(folder: string, under = ""): string[] {
  return readdirSync(join(folder, under)).sort().flatMap((name) => {
    const path = join(under, name);
    return statSync(join(folder, path)).isDirectory() ? filesIn(folder, path) : [path];
  });
}

export class InitError extends Error {
  override name = "InitError";
}

/** Writes the starter app into folder; returns the files written, relative to it. */
export function init(folder: string): string[] {
  const target = resolve(folder);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new InitError(`init: ${folder} is a file, not a folder`);
  const files = filesIn(TEMPLATE);
  const present = files.filter((file) => existsSync(join(target, file)));
  if (present.length) throw new InitError(`init: ${present.map((file) => join(folder, file)).join(", ")} already exist${present.length === 1 ? "s" : ""}; nothing written`);
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(TEMPLATE, file), join(target, file));
  }
  return files;
}

/** What to type next, for the folder init wrote into (as the user named it). */
export function nextSteps(folder: string): string {
  const shown = relative(process.cwd(), resolve(folder)) || ".";
  const at = (path: string): string => (shown === "." ? path : join(shown, path));
  return [
    `  npx espnow-sim run ${shown} --seconds 5          # one node`,
    `  npx espnow-sim run --nodes 2 ${shown} --seconds 5  # two nodes hearing each other`,
    `  npx espnow-sim multitest ${at("tests/ping.ts")}    # the two-node test`,
    `  npx tsc --noEmit -p ${shown}                       # type check`,
  ].join("\n");
}
