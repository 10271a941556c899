/*
 * The package as a user gets it, outside this clone: npm pack, npm install
 * of the tarball into an empty project, espnow-sim init, run and tsc there.
 * The install takes the dependencies from npm's cache when it has them (a
 * clone after npm ci does), else from the registry; npm's install scripts
 * are skipped (the only one, @agoric/xsnap's, builds a program the simulator
 * does not use). The first run in the project compiles the XS engine.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";

interface Done {
  code: number;
  stdout: string;
  stderr: string;
}

/* The environment of a user's shell: none of the npm_ variables or node_modules/.bin folders of an npm run in this clone. */
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
env.PATH = (process.env.PATH ?? "").split(delimiter).filter((folder) => !folder.includes("node_modules")).join(delimiter);

function sh(command: string, args: string[], cwd: string): Promise<Done> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), "espnow-package-"));
const project = join(work, "project");
test.after.always(() => rmSync(work, { recursive: true, force: true }));

async function ok(t: import("ava").ExecutionContext, done: Promise<Done>, what: string): Promise<Done> {
  const result = await done;
  t.is(result.code, 0, `${what}:\n${result.stdout}${result.stderr}`);
  return result;
}

test.serial("npm pack makes a tarball that npm installs into an empty project, with the espnow-sim command", async (t) => {
  t.timeout(5 * 60 * 1000);
  const packed = await ok(t, sh("npm", ["pack", "--silent", "--pack-destination", work], ROOT), "npm pack");
  const tarball = join(work, packed.stdout.trim().split("\n").pop() as string);
  t.true(existsSync(tarball), tarball);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-app", version: "1.0.0", private: true }));
  await ok(t, sh("npm", ["install", "--save-dev", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball], project), "npm install");
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  t.truthy(manifest.devDependencies["espnow-xs"]);
  const help = await ok(t, sh("npx", ["espnow-sim", "--help"], project), "espnow-sim --help");
  t.regex(help.stdout, /espnow-sim <command>/);
});

test.serial("espnow-sim init writes a starter app, and refuses to write over one", async (t) => {
  const done = await ok(t, sh("npx", ["espnow-sim", "init", "app"], project), "init");
  t.regex(done.stdout, /wrote app\/main\.ts, app\/manifest\.json, app\/tests\/ping\.ts, app\/tests\/ping\.ts\.exp, app\/tsconfig\.json/);
  const manifest = JSON.parse(readFileSync(join(project, "app/manifest.json"), "utf8")) as { include: string[] };
  t.deepEqual(manifest.include, ["$(ESPNOW)/manifest.json"]);
  const main = readFileSync(join(project, "app/main.ts"), "utf8");
  const again = await sh("npx", ["espnow-sim", "init", "app"], project);
  t.is(again.code, 1);
  t.regex(again.stderr, /app\/main\.ts, .* already exist; nothing written/);
  t.is(readFileSync(join(project, "app/main.ts"), "utf8"), main);
});

test.serial("the starter app runs in the simulator at once", async (t) => {
  t.timeout(10 * 60 * 1000); /* the first run compiles XS */
  const done = await ok(t, sh("npx", ["espnow-sim", "run", "app", "--seconds", "5"], project), "run");
  t.regex(done.stdout, /^02:45:4e:53:00:00: listening$/m);
});

test.serial("the starter app's two-node multitest passes", async (t) => {
  t.timeout(5 * 60 * 1000);
  const done = await ok(t, sh("npx", ["espnow-sim", "multitest", "app/tests/ping.ts"], project), "multitest");
  t.regex(done.stdout, /app\/tests\/ping\.ts on 2 instances: pass/);
});

test.serial("tsc type-checks the starter app with the package's tsconfig, and finds a type error in a copy", async (t) => {
  t.timeout(5 * 60 * 1000);
  await ok(t, sh("npx", ["tsc", "--noEmit", "-p", "app"], project), "tsc");
  cpSync(join(project, "app"), join(project, "broken"), { recursive: true });
  const main = join(project, "broken/main.ts");
  writeFileSync(main, `${readFileSync(main, "utf8")}e.send(BROADCAST, 42);\n`);
  const broken = await sh("npx", ["tsc", "--noEmit", "-p", "broken"], project);
  t.is(broken.code, 2);
  t.regex(broken.stdout, /main\.ts\(\d+,\d+\): error TS2345: Argument of type 'number'/);
});

test.serial("an app's imports of every module the package provides type-check", async (t) => {
  t.timeout(5 * 60 * 1000);
  mkdirSync(join(project, "all"));
  cpSync(join(project, "app/tsconfig.json"), join(project, "all/tsconfig.json"));
  writeFileSync(join(project, "all/main.ts"), [
    `import ESPNow, { ESPNowError } from "espnow";`,
    `import AIOESPNow from "aioespnow";`,
    `import WLAN from "wlan";`,
    `import Hub from "espnow-hub";`,
    `import { formatMac, parseMac } from "espnow/mac";`,
    `import TextEncoder from "text/encoder";`,
    `import TextDecoder from "text/decoder";`,
    `import multitest from "multitest";`,
    `import Timer from "timer";`,
    `const e: ESPNow = new AIOESPNow();`,
    `const bytes: Uint8Array = new TextEncoder().encode(formatMac(parseMac("aa:bb:cc:dd:ee:ff")));`,
    "trace(`${new TextDecoder().decode(bytes)} ${new WLAN(WLAN.IF_STA).active()} ${typeof Hub} ${typeof ESPNowError} ${typeof multitest.next} ${e.any()}\\n`);",
    `Timer.set(() => {}, 1);`,
    "",
  ].join("\n"));
  await ok(t, sh("npx", ["tsc", "--noEmit", "-p", "all"], project), "tsc");
});
