/*
 * Benchmark. Frames reach a node spaced by their airtime (tools/air/MODEL.md, "Time"):
 * the air's timers send what ended in the last millisecond together, and the
 * node's radio thread hands the frames over one airtime apart, as a device's
 * Wi-Fi task gets them. A consumer that keeps up with the air then loses
 * nothing with the default rxbuf, which holds two 250-byte messages. Whether
 * this host's consumer keeps up is what the figures show (tests/air/pacing
 * tests the spacing itself).
 */

import test from "ava";
import { node, prebuild, runNodes } from "./helpers.ts";

test.before(prebuild);

const COUNT = 3000;
const BROADCAST = "Uint8Array.of(255, 255, 255, 255, 255, 255)";

test("benchmark: a sender saturating the air at 54 Mbit/s, a receiver reading with irecv at the default rxbuf (two 250-byte messages)", async (t) => {
  const results = await runNodes([
    { env: { ESPNOW_NODE_VERSION: "1" }, source: node([1], `
      let n = 0;
      for (;;) {
        const [, msg] = e.irecv(3000);
        if (!msg) break;
        if (msg.length === 250) n++;
      }
      const [, , , rx, dropped] = e.stats();
      say("received", n, "dropped", dropped, "rx", rx, "rxbuf", espnow.DEFAULT_RXBUF);`) },
    { source: node([0], `
      const all = ${BROADCAST};
      e.add_peer(all);
      e.config({rate: 0x0c});
      reach(peer0);
      const message = new Uint8Array(250).fill(7);
      const started = Date.now();
      for (let i = 0; i < ${COUNT}; i++) e.send(all, message, false);
      say("sent", ${COUNT}, "ms", Date.now() - started);
      /* the frames still in the driver are on the air only while this node is */
      while (e.stats()[1] + e.stats()[2] < e.stats()[0]) Timer.delay(10);`) },
  ], { timeoutMs: 60000 });
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.signal ?? ""} ${r.timedOut ? "timed out" : ""} ${r.stdout}${r.stderr}`));
  const [received, dropped, , rxbuf] = results[0].lines[0].split(" ").filter((_, i) => i % 2 === 1).map(Number);
  const sentMs = Number(results[1].lines[0].split(" ")[3]);
  t.log(`sender: ${COUNT} broadcasts of 250 bytes at 54 Mbit/s in ${sentMs} ms (${Math.round((COUNT * 1000) / sentMs)} frames/s; the air's figure is 6042)`);
  t.log(`receiver: ${received} received, ${dropped} dropped by the receive ring, rxbuf ${rxbuf}`);
  t.is(rxbuf, 532);
  /* every frame reached the node (none lost while frames wait to be paced); how many the ring
     had to drop depends on whether this machine let the consumer keep up: a figure, not a test */
  t.is(received + dropped, COUNT);
});
