/*
 * Sustained receive at the air's saturation (`npm run bench`): node 1
 * broadcasts 250-byte messages back to back with send(..., false), which waits
 * whenever the radio's TX queue is full, so frames leave at the rate the
 * simulated air carries them; node 0 reads them with the default rxbuf
 * (two messages) through a blocking irecv(), await airecv(), or an irq
 * callback, and prints what it read and what its ring dropped (stats()). At
 * 1 and 54 Mbit/s. Prints figures, with the load average before each run;
 * asserts nothing. The receiving node is a process that the host's scheduler
 * may stop; the simulated radio forgives that (it keeps the frames' air
 * spacing after a late arrival, and waits for a JS thread that is ready but
 * not running: sim_air.c, espnow_sim.c), not a consumer that is too slow. The
 * last consumer, irecv() with 1 to 2 ms of work per message, shows the
 * difference: it keeps up at 1 Mbit/s (a frame every 2.6 ms) and loses most
 * frames at 54 (one every 170 us), as a device would. "sent" counts the sends
 * that returned true; the sender waits for its last frames to leave before it
 * turns ESP-NOW off (which drops what its TX queue still holds).
 */

import { loadavg } from "node:os";
import { node, runNodes } from "../espnow/helpers.ts";

/* rates as config() takes them (wifi_phy_rate_t) and about 1.3 s of frames at each */
const RATES: [string, number, number][] = [["1 Mbit/s", 0x00, 500], ["54 Mbit/s", 0x0c, 8000]];
const BROADCAST = "Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)";

const consumers: Record<string, { source: string; async?: boolean }> = {
  "blocking irecv()": { source: `
    let read = 0;
    while (e.irecv(1500)[0]) read++;
    finish(read);` },
  "await airecv()": { async: true, source: `
    let read = 0;
    while ((await a.airecv(1500))[0]) read++;
    finish(read);` },
  "irq callback": { source: `
    let read = 0, idle = Date.now();
    e.irq((self) => { while (self.irecv(0)[0]) read++; idle = Date.now(); });
    const timer = Timer.repeat(() => { if (Date.now() - idle > 1500) { Timer.clear(timer); e.irq(null); finish(read); } }, 100);` },
  "irecv, 1-2 ms work": { source: `
    let read = 0;
    while (e.irecv(1500)[0]) { read++; for (const end = Date.now() + 2; Date.now() < end;); }
    finish(read);` },
};

console.log(`\nSustained receive at the air's saturation, 250-byte broadcasts, default rxbuf (${(await import("node:os")).cpus().length} cores; load: the 1-minute load average before the run):`);
console.log("  rate        consumer             sent    read  dropped   frames/s  load");
for (const [rateName, rate, count] of RATES) {
  for (const [name, consumer] of Object.entries(consumers)) {
    const receiver = node([1], `
      ${consumer.async ? 'import AIOESPNow from "aioespnow"; const a = new AIOESPNow();' : ""}
      e.config({rate: ${rate}});
      const base = e.stats();
      let started = 0;
      function finish(read) {
        const stats = e.stats();
        say("RESULT", read, stats[3] - base[3], stats[4] - base[4]);
        e.active(false);
      }
      reach(peer0);
      e.send(peer0, "go");
      ${consumer.source}`, { open: true });
    const sender = node([0], `
      e.config({rate: ${rate}});
      const bcast = ${BROADCAST};
      e.add_peer(bcast);
      expect("go");
      const msg = new Uint8Array(250).fill(7);
      let sent = 0;
      const start = Date.now();
      for (let i = 0; i < ${count}; i++) if (e.send(bcast, msg, false)) sent++;
      const elapsed = Date.now() - start;
      /* the frames still in the radio's TX queue would be dropped by active(false) */
      for (let i = 0; i < 300; i++) { const [packets, responses, failures] = e.stats(); if (responses + failures >= packets) break; Timer.delay(10); }
      say("SENT", sent, elapsed);`);
    const load = loadavg()[0];
    const results = await runNodes([{ source: receiver, async: consumer.async }, { source: sender }], { timeoutMs: 120000 });
    const result = results[0].lines.find((line) => line.startsWith("RESULT"))?.split(" ").map(Number);
    const sent = results[1].lines.find((line) => line.startsWith("SENT"))?.split(" ").map(Number);
    if (!result || !sent) {
      console.log(`  ${rateName.padEnd(11)} ${name.padEnd(18)} failed: ${results.map((r) => r.stdout + r.stderr).join(" | ").slice(0, 400)}`);
      continue;
    }
    const [, read, , dropped] = result;
    console.log(`  ${rateName.padEnd(11)} ${name.padEnd(18)} ${String(sent[1]).padStart(6)} ${String(read).padStart(7)} ${String(dropped).padStart(8)} ${String(Math.round(sent[1] / (sent[2] / 1000))).padStart(10)} ${load.toFixed(1).padStart(5)}`);
  }
}
