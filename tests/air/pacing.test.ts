/*
 * A node hands the frames the air sends it over spaced by their air times
 * (MODEL.md, "Time"), when WELCOME says the air follows the wall clock. A fake
 * air, with an honest clock, sends a node five RECVs in one burst: frames that
 * ended 20 ms apart during the last 80 ms, as the real air's timers send what
 * ended since they last fired (a coarse air, which asks for 100 ms of pacing). The node echoes each frame as it gets it,
 * and the fake air times the echoes.
 */

import test from "ava";
import { createSocket, type RemoteInfo } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckStatus, decode, encode, type Message } from "../../tools/air/protocol.ts";
import { buildApp, ROOT, runApp, type App } from "../../tools/sim/build.ts";

const SPACING_US = 20000;
const PACE_MS = 100;
const FRAMES = 5;
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

/* Answers HELLO and requests; once the node's ESP-NOW and STA are on, sends the burst.
   Resolves to the microseconds between the node's echoes. */
async function burst(paceMs: number): Promise<number[]> {
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
      send({ type: "welcome", req: m.req, status: AckStatus.OK, index: 0, sta, ap: Buffer.from([2, 0x45, 0x4e, 0x41, 0, 0]), timeoutMs: 20000, timeUs: airNow(), paceMs, text: "" }, from);
    } else if (m.type === "send") {
      echoes.push(airNow());
    } else if (m.type === "state" || m.type === "set-pmk" || m.type === "set-peer-key") {
      send({ type: "ack", req: m.req, status: AckStatus.OK, text: "" }, from);
      if (m.type === "state" && m.espnow && m.staOn && !sent) {
        sent = true;
        setTimeout(() => {
          const now = airNow();
          for (let i = 0; i < FRAMES; i++) {
            send({
              type: "recv", req: 0, src: Buffer.from(SOURCE), dst: sta, rssi: -40, channel: 1, encrypted: false, version: 2,
              timeUs: now - (FRAMES - 1 - i) * SPACING_US, payload: Buffer.from(`frame ${i}`),
            }, from);
          }
        }, 200);
      }
    }
  });
  try {
    const result = await runApp(app, { timeoutMs: 30000, env: { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_INDEX: "0" } });
    if (result.code !== 0) throw new Error(`node failed: ${result.stdout}${result.stderr}`);
    return echoes.slice(1).map((at, i) => Math.round(at - echoes[i]));
  } finally {
    socket.close();
  }
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
