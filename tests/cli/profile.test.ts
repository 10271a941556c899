/*
 * Choosing the device a node reproduces: --profile, then the app manifest's
 * platforms.sim.profile, then SIM_PROFILE, then esp32c3. What a node runs as
 * is read from its xsim's arguments (--profile NAME, which hosts/sim/main.c
 * reads along with the profile's queue and memory).
 */
import test, { type ExecutionContext } from "ava";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { runMultitests } from "../../tools/sim/multitest.ts";
import { Capture, app, folder, run, TICKER } from "./helpers.ts";

const CLI = join(ROOT, "tools/bin/espnow-sim.mjs");

/* The --profile of every xsim on the air at port, by node name. */
function profiles(port: number): Record<string, string> {
  const found: Record<string, string> = {};
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!env.includes(`ESPNOW_AIR=127.0.0.1:${port}`)) continue;
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const name = env.find((line) => line.startsWith("ESPNOW_NODE_NAME="))?.slice("ESPNOW_NODE_NAME=".length) ?? "?";
      found[name] = args[args.indexOf("--profile") + 1];
    } catch {
      /* not ours, or ended meanwhile */
    }
  }
  return found;
}

/* A ticking app whose manifest names a profile (or none). */
function ticker(parent: string, name: string, manifestProfile?: string): string {
  const path = app(parent, name, TICKER);
  const manifest = { modules: { main: "./main" }, ...(manifestProfile ? { platforms: { sim: { profile: manifestProfile } } } : {}) };
  writeFileSync(join(path, "manifest.json"), JSON.stringify(manifest));
  return path;
}

/* espnow-sim run as a command, with SIM_PROFILE set or unset: the nodes' profiles once both tick. */
async function commandProfiles(t: ExecutionContext, args: string[], simProfile?: string): Promise<Record<string, string>> {
  const env = { ...process.env };
  delete env.SIM_PROFILE;
  if (simProfile) env.SIM_PROFILE = simProfile;
  const child = spawn(process.execPath, [CLI, "run", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  t.teardown(() => child.kill("SIGKILL"));
  const stdout = new Capture();
  const stderr = new Capture();
  child.stdout.setEncoding("utf8").on("data", stdout.write);
  child.stderr.setEncoding("utf8").on("data", stderr.write);
  const port = Number((await stderr.waitFor(/air on udp 127\.0\.0\.1:(\d+)/, 60000))[1]);
  await stdout.waitFor(/\| tick 0[^]*\| tick 0/, 60000);
  const found = profiles(port);
  child.kill("SIGINT");
  return found;
}

test("the command line's --profile comes first, then the manifest's, then SIM_PROFILE, then esp32c3", async (t) => {
  const parent = folder(t);
  const named = ticker(parent, "named", "esp32");
  const plain = ticker(parent, "plain");
  t.deepEqual(await commandProfiles(t, [named, plain]), { named: "esp32", plain: "esp32c3" });
  t.deepEqual(await commandProfiles(t, [named, plain], "esp8266"), { named: "esp32", plain: "esp8266" });
  t.deepEqual(await commandProfiles(t, ["--profile", "esp8266", named, plain], "esp32"), { named: "esp8266", plain: "esp8266" });
});

test("runNodes takes the profile for every node", async (t) => {
  const parent = folder(t);
  const running = run(t, { inputs: [ticker(parent, "named", "esp32"), ticker(parent, "plain")], profile: "esp8266" });
  const port = await running.port;
  await running.stdout.waitFor(/\| tick 0[^]*\| tick 0/);
  t.deepEqual(profiles(port), { named: "esp8266", plain: "esp8266" });
  running.stop();
  t.is((await running.finished).code, 0);
});

test("multitest runs its instances in the profile asked for", async (t) => {
  const test = join(folder(t), "which-profile.ts");
  writeFileSync(test, `import Timer from "timer";\nexport function instance0(): void {\n  Timer.set(() => trace("zero\\n"), 500);\n}\n`);
  writeFileSync(`${test}.exp`, "--- instance0 ---\nzero\n");
  const seen: string[] = [];
  const watcher = setInterval(() => {
    for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
      try {
        const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
        /* an instance of this test: its module map (the argument before "main") names the test module */
        if (args.includes("--profile") && readFileSync(args[args.length - 3], "utf8").includes("/which-profile.js")) seen.push(args[args.indexOf("--profile") + 1]);
      } catch {
        /* ended meanwhile */
      }
    }
  }, 20);
  let report = "";
  const summary = await runMultitests([test], { timeoutMs: 30000, profile: "esp32", out: (text) => (report += text) }).finally(() => clearInterval(watcher));
  t.deepEqual(summary.passed, [test], report);
  t.true(seen.length > 0);
  t.deepEqual([...new Set(seen)], ["esp32"]);
});

test("an unknown profile is refused, naming the profiles there are", async (t) => {
  const parent = folder(t);
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stderr }));
  });
  const option = await cli(["run", "--profile", "esp33", ticker(parent, "a")]);
  t.is(option.code, 2);
  t.regex(option.stderr, /^espnow-sim: --profile: expected esp32c3, esp32, esp8266, got esp33$/m);
  t.regex(option.stderr, /--profile P +the device the nodes reproduce: esp32c3, esp32 or esp8266/);
  const env = await cli(["run", ticker(parent, "b")], { SIM_PROFILE: "esp33" });
  t.is(env.code, 1);
  t.regex(env.stderr, /^espnow-sim: SIM_PROFILE: unknown profile esp33; expected esp32c3, esp32, esp8266$/m);
  const manifest = await cli(["run", ticker(parent, "c", "esp33")]);
  t.is(manifest.code, 1);
  t.regex(manifest.stderr, /platforms\.sim\.profile: unknown profile esp33; expected esp32c3, esp32, esp8266/);
  const multitest = await cli(["multitest", "--profile", "esp33", "x.ts"]);
  t.is(multitest.code, 2);
  t.regex(multitest.stderr, /--profile: expected esp32c3, esp32, esp8266, got esp33/);
});
