/*
 * espnow-sim run --host: an app run as a mod on a firmware host, as mcrun
 * installs it on one (tools/sim/host.ts). The host's entry runs first and
 * imports the mod's main; the host's modules are preloaded; what mcrun
 * refuses or drops in a mod is refused or dropped.
 */
import test, { type ExecutionContext } from "ava";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { cli, folder, lines, run } from "./helpers.ts";

const ESP32 = join(ROOT, "hosts/esp32");

/* A mod: a folder with manifest.json and the files given. */
function mod(t: ExecutionContext, files: Record<string, string>, manifest: Record<string, unknown> = { modules: { main: "./main" } }): string {
  const path = join(folder(t), "mod");
  mkdirSync(path);
  writeFileSync(join(path, "manifest.json"), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}

test("the host's entry runs the mod's main; the host's modules are there, preloaded and frozen", async (t) => {
  const app = mod(t, {
    "main.js": [
      `import ESPNow from "espnow";`,
      `import Modules from "modules";`,
      `trace(\`main: host \${Modules.has("host")} check \${Modules.has("check")} frozen \${Object.isFrozen(Modules)} \${Object.isFrozen(ESPNow.prototype)}\\n\`);`,
      `export default function () { trace("a mod's default export is not called by the host\\n"); }`,
      ``,
    ].join("\n"),
  });
  const result = await run(t, { inputs: [app], host: ESP32 }).finished;
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout), ["main: host true check false frozen true true"]);
});

test("the host runs the mod's check module first, and the mod's creation does not replace the host's entry", async (t) => {
  const app = mod(t, { "main.js": `trace("main ran\\n");\n`, "check.js": `export default function () { throw new Error("needs a display"); }\n` },
    { modules: { main: "./main", check: "./check" }, creation: { main: "main" } });
  const result = await run(t, { inputs: [app], host: ESP32 }).finished;
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout), ["ESP-NOW host: the installed mod does not fit this host: Error: needs a display"]);
});

test("a mod whose manifests list native code is refused, as mcrun refuses it, naming the sources", async (t) => {
  const app = mod(t, { "main.js": `trace("never\\n");\n` }, { include: [join(ROOT, "manifest.json")], modules: { main: "./main" } });
  const result = await cli(t, ["run", "--host", "hosts/esp32", app]);
  t.is(result.code, 1);
  t.regex(result.stderr, /a mod cannot contain native code, and mcrun refuses to build it/);
  t.regex(result.stderr, /^ {2}modules\/espnow\/modESPNow\.c$/m);
  t.regex(result.stderr, /a mod's manifest lists only its own modules, not the project's manifest\.json/);
  t.notRegex(result.stdout, /never/);
  const alone = await run(t, { inputs: [app] }).finished;
  t.is(alone.code, 0, alone.stderr);
});

test("a mod's module cannot declare host functions", async (t) => {
  const app = mod(t, { "main.js": `export function set(callback, interval) @ "xs_timer_set";\ntrace("never\\n");\n` });
  const result = await run(t, { inputs: [app], host: ESP32 }).finished;
  t.is(result.code, 1);
  t.regex(result.stderr, /module "main" is a mod's: mcrun compiles it without host functions/);
});

test("the host imports the mod's main at once: it cannot await at its top level, whatever the mod's defines say", async (t) => {
  const manifest = { modules: { main: "./main" }, defines: { main: { async: 1 } } };
  const app = mod(t, { "main.js": `await Promise.resolve();\ntrace("awaited\\n");\n` }, manifest);
  const alone = await run(t, { inputs: [app] }).finished;
  t.deepEqual(lines(alone.stdout), ["awaited"], alone.stderr);
  const result = await run(t, { inputs: [app], host: ESP32 }).finished;
  t.is(result.code, 1);
  t.regex(result.stderr, /TypeError: .*async module/);
});

test("a mod's preload is ignored with mcrun's warning: its module stays the mod's to change", async (t) => {
  const app = mod(t, { "main.js": `import state from "state";\nstate.count = 1;\ntrace(\`count \${state.count}\\n\`);\n`, "state.js": `export default { count: 0 };\n` },
    { modules: { main: "./main", state: "./state" }, preload: ["state"] });
  const result = await run(t, { inputs: [app], host: ESP32 }).finished;
  t.is(result.code, 0, result.stderr);
  t.deepEqual(lines(result.stdout), ["count 1"]);
  t.regex(result.stderr, /^espnow-sim: mod: preload is unavailable in mods \(mcrun ignores it\); these modules request it: state$/m);
});

test("a host manifest including a Moddable SDK manifest the simulator has no stand-in for is refused, naming it", async (t) => {
  const host = join(folder(t), "host");
  mkdirSync(host);
  writeFileSync(join(host, "manifest.json"), JSON.stringify({ include: ["$(MODDABLE)/modules/network/wifi/manifest.json"], creation: { main: "host" }, modules: { host: join(ESP32, "host") } }));
  const app = mod(t, { "main.js": `trace("never\\n");\n` });
  const result = await cli(t, ["run", "--host", host, app]);
  t.is(result.code, 1);
  t.regex(result.stderr, /includes \$\(MODDABLE\)\/modules\/network\/wifi\/manifest\.json, which the simulator does not stand in for/);
  const missing = await cli(t, ["run", "--host", join(host, "absent"), app]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /--host: no host manifest .*host\/absent$/m);
});
