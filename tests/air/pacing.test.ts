/*
 * A node hands the frames the air sends it over spaced by their air times
 * (MODEL.md, "Time"), when WELCOME says the air follows the wall clock. A fake
 * air, with an honest clock, sends a node five RECVs in one burst: frames that
 * ended 20 ms apart during the last 80 ms, as the real air's timers send what
 * ended since they last fired (a coarse air, which asks for 100 ms of pacing). The node echoes each frame as it gets it,
 * and the fake air times the echoes.
 */

import test from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, ROOT, type App } from "../../tools/sim/build.ts";
import { FAKE_SOURCE, runOnFakeAir } from "../sim/fake-air.ts";

const SPACING_US = 20000;
const PACE_MS = 100;
const FRAMES = 5;

const program = `
import ESPNow from "espnow";
import WLAN from "wlan";
const e = new ESPNow();
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const source = Uint8Array.of(${FAKE_SOURCE.join(", ")});
e.add_peer(source);
for (let i = 0; i < ${FRAMES}; i++) { const [, msg] = e.irecv(5000); if (!msg) break; e.send(source, msg, false); }
e.active(false);
`;

let app: App;
let folder: string;
test.before(() => {
  folder = mkdtempSync(join(tmpdir(), "air-pacing-"));
  const main = join(folder, "main.js");
  writeFileSync(main, program);
  app = buildApp([join(ROOT, "manifest.json")], { main });
});
test.after.always(() => rmSync(folder, { recursive: true, force: true }));

/* Sends the burst once the node's ESP-NOW and STA are on; resolves to the microseconds between the node's echoes. */
async function burst(paceMs: number): Promise<number[]> {
  const { result, sends } = await runOnFakeAir(app, {
    paceMs,
    ready: (recv, airNow) => {
      const now = airNow();
      for (let i = 0; i < FRAMES; i++) recv(now - (FRAMES - 1 - i) * SPACING_US, `frame ${i}`);
    },
  });
  if (result.code !== 0) throw new Error(`node failed: ${result.stdout}${result.stderr}`);
  return sends.slice(1).map((at, i) => Math.round(at - sends[i]));
}

test("frames sent together reach the application as far apart as their air times", async (t) => {
  const gaps = await burst(PACE_MS);
  t.log(`us between echoes: ${gaps.join(" ")}; air times ${SPACING_US} us apart`);
  t.is(gaps.length, FRAMES - 1);
  /* each echo is at least as late as its frame's time, so the spread is at least the frames' */
  const spread = gaps.reduce((a, b) => a + b, 0);
  t.true(spread >= 0.8 * (FRAMES - 1) * SPACING_US, `spread ${spread} us`);
});

test("on the air's virtual clock, frames are handed over as they come", async (t) => {
  const gaps = await burst(0);
  t.log(`us between echoes: ${gaps.join(" ")}`);
  t.is(gaps.length, FRAMES - 1);
  const spread = gaps.reduce((a, b) => a + b, 0);
  t.true(spread < 0.5 * (FRAMES - 1) * SPACING_US, `spread ${spread} us`);
});
