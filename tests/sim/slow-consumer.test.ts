/*
 * The simulator forgives the host's scheduling, never a slow application: a
 * node that spends 2 to 3 ms on each message while 250-byte broadcasts come
 * back to back at 54 Mbit/s (one every 170 us or so) drops most of them from
 * its default rxbuf (two messages), as a device would. The glue waits for a
 * JS thread that the host keeps from running (espnow_sim.c, received()); one
 * that runs, busy with its own work, loses the frames.
 */

import test from "ava";
import { node, prebuild, runNodes } from "../espnow/helpers.ts";

const FRAMES = 400;

test.before(() => prebuild());

test("a consumer that spends 2 to 3 ms on each message loses most frames at 54 Mbit/s", async (t) => {
  const receiver = node([1], `
    e.config({rate: 0x0c});
    const base = e.stats();
    reach(peer0);
    e.send(peer0, "go");
    let read = 0;
    while (e.irecv(1500)[0]) { read++; for (const end = Date.now() + 3; Date.now() < end;); }
    const stats = e.stats();
    say("RESULT", read, stats[4] - base[4]);`);
  const sender = node([0], `
    e.config({rate: 0x0c});
    const bcast = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    e.add_peer(bcast);
    expect("go");
    const msg = new Uint8Array(250).fill(7);
    let sent = 0;
    for (let i = 0; i < ${FRAMES}; i++) if (e.send(bcast, msg, false)) sent++;
    say("SENT", sent);`);
  const results = await runNodes([{ source: receiver }, { source: sender }], { timeoutMs: 60000 });
  const result = results[0].lines.find((line) => line.startsWith("RESULT"))?.split(" ").map(Number);
  const sent = results[1].lines.find((line) => line.startsWith("SENT"))?.split(" ").map(Number);
  if (!result || !sent) return t.fail(results.map((r) => r.stdout + r.stderr).join(" | "));
  const [, read, dropped] = result;
  t.log(`sent ${sent[1]}, read ${read}, dropped ${dropped}`);
  t.true(read + dropped <= sent[1]);
  t.true(dropped >= sent[1] / 2, `dropped ${dropped} of ${sent[1]}`);
});
