/*
 * Frames that reach a node late keep their air spacing (sim_air.c, pace()).
 * On the real clock the air's process, or the node's, may be stopped by the
 * host's scheduler for a few milliseconds; the frames that ended meanwhile
 * then arrive together, past the time the node should have handed them over.
 * A fake air, with an honest clock and the real air's pace, sends a
 * node three RECVs in one burst: frames that ended 4 ms apart, the first 9 ms
 * ago. The node reads them and prints the times its radio took them into the
 * ring (peers_table's time_ms, from the receive thread, not the JS thread's
 * timing): spaced by about the frames' air times, not all at once (which a
 * two-message rxbuf could not take, and which a device never sees). Also when
 * the node's WELCOME was itself late (the node then takes the clocks' offset
 * for larger than it is, and the burst shows it smaller).
 */

import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, ROOT, type App } from "../../tools/sim/build.ts";
import { FAKE_SOURCE, runOnFakeAir } from "./fake-air.ts";

const SPACING_US = 4000;
const LATE_US = 9000;
const PACE_MS = 2;
const FRAMES = 3;

const program = `
import ESPNow from "espnow";
import WLAN from "wlan";
const e = new ESPNow();
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const times = [];
for (let i = 0; i < ${FRAMES}; i++) { const [mac, msg] = e.irecv(5000); if (!msg) break; times.push(e.peers_table.get(mac)[1]); }
trace("times " + times.join(" ") + "\\n");
trace("dropped " + e.stats()[4] + "\\n");
e.active(false);
`;

let app: App;
let folder: string;
test.before(() => {
  folder = mkdtempSync(join(tmpdir(), "late-frames-"));
  const main = join(folder, "main.js");
  writeFileSync(main, program);
  app = buildApp([join(ROOT, "manifest.json")], { main });
});
test.after.always(() => rmSync(folder, { recursive: true, force: true }));

/* Runs the node against the fake air; WELCOME says the air time was welcomeLateUs earlier than it is. */
async function burst(t: ExecutionContext, welcomeLateUs: number): Promise<void> {
  const { result } = await runOnFakeAir(app, {
    paceMs: PACE_MS,
    welcomeLateUs,
    ready: (recv, airNow) => {
      const first = airNow() - LATE_US;
      for (let i = 0; i < FRAMES; i++) recv(first + i * SPACING_US, `frame ${i}`);
    },
  });
  t.is(result.code, 0, `node failed: ${result.stdout}${result.stderr}`);
  const times = (/^times (.*)$/m.exec(result.stdout)?.[1] ?? "").split(" ").filter((x) => x).map(Number);
  const gaps = times.slice(1).map((at, i) => at - times[i]);
  t.log(`ms between the frames' arrivals in the ring: ${gaps.join(" ")}; air times ${SPACING_US / 1000} ms apart, the first ${LATE_US / 1000} ms late`);
  t.is(gaps.length, FRAMES - 1);
  t.regex(result.stdout, /dropped 0\b/);
  /* times in whole milliseconds; the lag drains by a sixteenth of the spacing */
  for (const gap of gaps) t.true(gap >= SPACING_US / 2000, `gaps ${gaps.join(" ")} ms`);
}

test("frames that arrive late together reach the application spaced as on the air", (t) => burst(t, 0));

test("so do they when the node's WELCOME came late too", (t) => burst(t, 6000));

/* Echoes the first frame it gets. */
const echo = `
import ESPNow from "espnow";
import WLAN from "wlan";
const e = new ESPNow();
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const from = Uint8Array.of(${FAKE_SOURCE.join(", ")});
e.add_peer(from);
const [, msg] = e.irecv(5000);
if (msg) e.send(from, "echo", false);
trace(msg ? "echoed\\n" : "nothing came\\n");
e.active(false);
`;

test("a frame that comes alone is handed over at once, not held for the pace", async (t) => {
  const main = join(folder, "echo.js");
  writeFileSync(main, echo);
  const echoApp = buildApp([join(ROOT, "manifest.json")], { main });
  let sentAt = 0;
  /* the longest pace WELCOME can give: a node that held the frame for it would echo 255 ms later at the soonest */
  const { result, sends } = await runOnFakeAir(echoApp, { paceMs: 255, ready: (recv, airNow) => { sentAt = airNow(); recv(sentAt, "alone"); } });
  t.is(result.code, 0, `node failed: ${result.stdout}${result.stderr}`);
  t.regex(result.stdout, /echoed/);
  t.is(sends.length, 1);
  const ms = (sends[0] - sentAt) / 1000;
  t.log(`echoed ${ms.toFixed(1)} ms after the frame's air time`);
  t.true(ms < 200, `${ms} ms`);
});
