/*
 * A fake air for one node, with an honest clock: it answers HELLO with a
 * WELCOME and every request with ACK OK, and once the node's ESP-NOW and STA
 * are on it lets the test send RECVs of its own making (tests/sim/late-frames,
 * tests/air/pacing).
 */

import { createSocket, type RemoteInfo } from "node:dgram";
import { AckStatus, decode, encode, type Message } from "../../tools/air/protocol.ts";
import { runApp, type App, type RunResult } from "../../tools/sim/build.ts";

export interface FakeAirOptions {
  /** WELCOME's pace, ms */
  paceMs: number;
  /** WELCOME gives the air time this much earlier than it is (a WELCOME that came late) */
  welcomeLateUs?: number;
  /** 200 ms after the node's ESP-NOW and STA are on: recv(timeUs, text) sends it a frame of that air time */
  ready: (recv: (timeUs: number, text: string) => void, airNow: () => number) => void;
}

export const FAKE_SOURCE = [2, 0, 0, 0, 0, 1];

/** Runs the app against the fake air: its result, and the air times at which its SENDs came. */
export async function runOnFakeAir(app: App, options: FakeAirOptions): Promise<{ result: RunResult; sends: number[] }> {
  const socket = createSocket("udp4");
  const port = await new Promise<number>((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket.address().port)));
  const origin = process.hrtime.bigint();
  const airNow = (): number => Number(process.hrtime.bigint() - origin) / 1000;
  const send = (m: Message, to: RemoteInfo): void => { socket.send(encode(m), to.port, to.address); };
  const sta = Buffer.from([2, 0x45, 0x4e, 0x53, 0, 0]);
  const sends: number[] = [];
  let started = false;
  socket.on("message", (data, from) => {
    const m = decode(data);
    if (m.type === "hello") {
      send({ type: "welcome", req: m.req, status: AckStatus.OK, index: 0, sta, ap: Buffer.from([2, 0x45, 0x4e, 0x41, 0, 0]), timeoutMs: 20000, timeUs: airNow() - (options.welcomeLateUs ?? 0), paceMs: options.paceMs, text: "" }, from);
    } else if (m.type === "send") {
      sends.push(airNow());
    } else if (m.type === "state" || m.type === "set-pmk" || m.type === "set-peer-key") {
      send({ type: "ack", req: m.req, status: AckStatus.OK, text: "" }, from);
      if (m.type === "state" && m.espnow && m.staOn && !started) {
        started = true;
        const recv = (timeUs: number, text: string): void => send({
          type: "recv", req: 0, src: Buffer.from(FAKE_SOURCE), dst: sta, rssi: -40, channel: 1, encrypted: false, version: 2, timeUs, payload: Buffer.from(text),
        }, from);
        setTimeout(() => options.ready(recv, airNow), 200);
      }
    }
  });
  try {
    const result = await runApp(app, { timeoutMs: 30000, env: { ESPNOW_AIR: `127.0.0.1:${port}`, ESPNOW_NODE_INDEX: "0" } });
    return { result, sends };
  } finally {
    socket.close();
  }
}
