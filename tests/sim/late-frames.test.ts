/*
 * Frames that reach a node late keep their air spacing (sim_air.c, pace()).
 * On the real clock the air's process, or the node's, may be stopped by the
 * host's scheduler for a few milliseconds; the frames that ended meanwhile
 * then arrive together, past the time the node should have handed them over.
 * A fake air, with an honest clock and the real air's 2 ms of pacing, sends a
 * node four RECVs in one burst: frames that ended 5 ms apart, the first 15 ms
 * ago. The node echoes each frame as it gets it, and the fake air times the
 * echoes: spaced by about the frames' air times, not all at once (which a
 * two-message rxbuf could not take, and which a device never sees).
 */

import test from "ava";
import { createSocket, type RemoteInfo } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckStatus, decode, encode, type Message } from "../../tools/air/protocol.ts";
import { buildApp, ROOT, runApp, type App } from "../../tools/sim/build.ts";

const SPACING_US = 5000;
const LATE_US = 15000;
const PACE_MS = 2;
const FRAMES = 4;
const SOURCE = [2, 0, 0, 0, 0, 1];

const program = `
import ESPNow from "espnow";
import WLAN from "wlan";
const e = new ESPNow();
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const source = Uint8Array.of(${SOURCE.join(", ")});
e.add_peer(source);
for (let i = 0; i < ${FRAMES}; i++) { const [, msg] = e.irecv(5000); if (!msg) break; e.send(source, msg, false); }
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

test("frames that arrive late together reach the application spaced as on the air", async (t) => {
  const socket = createSocket("udp4");
  const port = await new Promise<number>((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket.address().port)));
  const origin = process.hrtime.bigint();
  const airNow = (): number => Number(process.hrtime.bigint() - origin) / 1000;
  const send = (m: Message, to: RemoteInfo): void => { socket.send(encode(m), to.port, to.address); };
  const sta = Buffer.from([2, 0x45, 0x4e, 0x53, 0, 0]);
  const echoes: number[] = [];
  let sent = false;
  socket.on("message", (data, from) => {
    const m = decode(data);
    if (m.type === "hello") {
      send({ type: "welcome", req: m.req, status: AckStatus.OK, index: 0, sta, ap: Buffer.from([2, 0x45, 0x4e, 0x41, 0, 0]), timeoutMs: 20000, timeUs: airNow(), paceMs: PACE_MS, text: "" }, from);
    } else if (m.type === "send") {
      echoes.push(airNow());
    } else if (m.type === "state" || m.type === "set-pmk" || m.type === "set-peer-key") {
      send({ type: "ack", req: m.req, status: AckStatus.OK, text: "" }, from);
      if (m.type === "state" && m.espnow && m.staOn && !sent) {
        sent = true;
        setTimeout(() => {
          const first = airNow() - LATE_US;
          for (let i = 0; i < FRAMES; i++) {
            send({
              type: "recv", req: 0, src: Buffer.from(SOURCE), dst: sta, rssi: -40, channel: 1, encrypted: false, version: 2,
              timeUs: first + i * SPACING_US, payload: Buffer.from(`frame ${i}`),
            }, from);
          }
        }, 200);
      }
    }
  });
  try {
    const result = await runApp(app, { timeoutMs: 30000, env: { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_INDEX: "0" } });
    t.is(result.code, 0, `node failed: ${result.stdout}${result.stderr}`);
    const gaps = echoes.slice(1).map((at, i) => Math.round(at - echoes[i]));
    t.log(`us between echoes: ${gaps.join(" ")}; air times ${SPACING_US} us apart, the first ${LATE_US} us late`);
    t.is(gaps.length, FRAMES - 1);
    t.regex(result.stdout, /dropped 0\b/);
    /* the lag drains by a sixteenth of the spacing; an echo may come late, never early, so the first one's delay is all the spread can lose */
    const spread = gaps.reduce((a, b) => a + b, 0);
    t.true(spread >= 0.6 * (FRAMES - 1) * SPACING_US, `spread ${spread} us`);
  } finally {
    socket.close();
  }
});
