/*
 * The receive path under a storm: a producer thread (the fake radio's, as
 * ESP-IDF's Wi-Fi task) pushes frames into a small ring as fast as it can
 * while JS reads them with irecv(). Every record read must be intact, in
 * order, and rx_packets + rx_dropped must equal the frames delivered. Run on
 * the release build and under ThreadSanitizer and ASan+UBSan.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript, type Variant } from "../../tools/sim/build.ts";

const FAKE_RADIO = join(ROOT, "tests/fixtures/fakeradio/manifest.json");
const FRAMES = 1000000;

const consumer = `
import ESPNow from "espnow";
import { flood, flooding } from "fakeradio";
const e = new ESPNow();
e.config({rxbuf: 600});
e.active(true);
flood(${FRAMES});
let read = 0, bad = 0, disorder = 0, last = -1;
for (;;) {
  const pair = e.irecv(100);
  const mac = pair[0], msg = pair[1];
  if (!mac) { if (flooding()) continue; if (!e.any()) break; continue; }
  read++;
  const seq = msg[0] | (msg[1] << 8) | (msg[2] << 16) | (msg[3] * 16777216);
  let sum = 0, ok = msg.length === 5 + seq % 246 && mac[4] === 0 && mac[5] === seq % 64;
  for (let i = 0; i < msg.length - 1; i++) {
    sum = (sum + msg[i]) & 255;
    if (i >= 4 && msg[i] !== ((seq * 31 + i) & 255)) ok = false;
  }
  if (!ok || sum !== msg[msg.length - 1] || e.peers_table.get(mac)[0] !== -(seq % 100)) bad++;
  if (seq <= last) disorder++;
  last = seq;
}
const [, , , rx, dropped] = e.stats();
trace(\`read \${read} bad \${bad} disorder \${disorder} rx \${rx} dropped \${dropped} sum \${rx + dropped}\\n\`);
e.active(false);
`;

for (const variant of ["release", "tsan", "asan"] as Variant[]) {
  test(`${variant}: ${FRAMES} frames into a 600-byte ring: none corrupted, every one read or counted as dropped`, async (t) => {
    const result = await runScript(consumer, [FAKE_RADIO], { variant, timeoutMs: 100000 });
    t.is(result.code, 0, result.stderr);
    t.is(result.stderr, "");
    const match = /^read (\d+) bad (\d+) disorder (\d+) rx (\d+) dropped (\d+) sum (\d+)$/.exec(result.stdout.trim());
    t.truthy(match, result.stdout);
    const [read, bad, disorder, rx, dropped, sum] = match!.slice(1).map(Number);
    t.log(`read ${read}, dropped ${dropped}`);
    t.is(bad, 0);
    t.is(disorder, 0);
    t.is(read, rx);
    t.is(sum, FRAMES);
    t.true(read > 0 && dropped > 0, "the storm both fills the ring and gets read");
  });
}
