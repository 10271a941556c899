/* Hints after the mistakes ESP-NOW apps meet first, and "did you mean" for a module name. */
import test from "ava";
import { join } from "node:path";
import { ROOT } from "../../tools/sim/build.ts";
import { hintFor, nearest } from "../../tools/sim/hints.ts";
import { app, folder, run } from "./helpers.ts";

const PACKAGE = join(ROOT, "manifest.json");
const PEER = "Uint8Array.of(2, 0x45, 0x4e, 0x53, 0, 9)";

async function stderrOf(t: import("ava").ExecutionContext, main: string): Promise<string> {
  const running = run(t, { inputs: [app(folder(t), "app", main)], include: [PACKAGE] });
  const finished = await running.finished;
  t.is(finished.code, 1);
  return finished.stderr;
}

test("a module name that differs only in letter case gets a did you mean", async (t) => {
  t.regex(await stderrOf(t, `import ESPNow from "espNow";\n`), /^espnow-sim: hint: module "espNow": did you mean "espnow"\?$/m);
});

test("a module name one letter away gets a did you mean", async (t) => {
  t.regex(await stderrOf(t, `import WLAN from "wlam";\n`), /^espnow-sim: hint: module "wlam": did you mean "wlan"\?$/m);
});

test("ESP_ERR_ESPNOW_NOT_FOUND is followed by a hint to add_peer first", async (t) => {
  const stderr = await stderrOf(t, `import ESPNow from "espnow";\nconst e = new ESPNow(); e.active(true);\ne.send(${PEER}, "x");\n`);
  t.regex(stderr, /ESP_ERR_ESPNOW_NOT_FOUND\n[^]*^espnow-sim: hint: that MAC is not a registered peer: add_peer\(mac\) first/m);
});

test("ESP_ERR_ESPNOW_IF is followed by a hint that no WLAN interface is active", async (t) => {
  const stderr = await stderrOf(t, `import ESPNow from "espnow";\nconst e = new ESPNow(); e.active(true);\ne.add_peer(${PEER});\ne.send(${PEER}, "x");\n`);
  t.regex(stderr, /ESP_ERR_ESPNOW_IF\n[^]*^espnow-sim: hint: no active WLAN interface: new WLAN\(WLAN\.IF_STA\)\.active\(true\)/m);
});

test("ESP_ERR_ESPNOW_CHAN's hint names the peer's channel and the radio's; each hint is keyed to be given once", (t) => {
  const [key, hint] = hintFor("Uncaught exception: ESPNowError: add_peer 02:45:4e:53:00:09: ESP_ERR_ESPNOW_CHAN", []) ?? [];
  t.is(key, "CHAN");
  t.regex(hint ?? "", /peer's channel .* must be the radio's channel, sta\.config\("channel"\)/);
  t.is(hintFor("all is well", ["espnow"]), undefined);
});

test("nearest prefers a letter-case match, then one edit, and stays quiet otherwise", (t) => {
  t.is(nearest("ESPNOW", ["espnow", "espnowx"]), "; did you mean espnow?");
  t.is(nearest("--secnds", ["--seconds", "--seed"]), "; did you mean --seconds?");
  t.is(nearest("frobnicate", ["espnow", "wlan"]), "");
  t.is(nearest("espnow", ["espnow"]), "");
});
