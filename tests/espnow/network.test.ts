/*
 * Many simulated nodes on one air: 20 XS nodes (ESP-NOW's peer limit) each
 * broadcast and each hear all the others.
 */

import test from "ava";
import { prebuild, runNodes } from "./helpers.ts";

test.before(prebuild);

test("20 nodes run together: every node hears the broadcasts of the 19 others", async (t) => {
  const source = `
import ESPNow from "espnow";
import WLAN from "wlan";
import Timer from "timer";
const e = new ESPNow();
e.active(true);
new WLAN(WLAN.IF_STA).active(true);
const everyone = Uint8Array.of(255, 255, 255, 255, 255, 255);
e.add_peer(everyone);
const heard = new Set();
const started = Date.now();
while (Date.now() - started < 4000 && heard.size < 19) {
  e.send(everyone, "x");
  for (;;) { const pair = e.irecv(50); if (!pair[0]) break; heard.add(pair[0][5]); }
}
/* keep answering a little longer, for nodes that started late */
const until = Date.now() + 1000;
while (Date.now() < until) { e.send(everyone, "x"); e.irecv(100); }
trace("heard " + heard.size + "\\n");
e.active(false);
`;
  const started = Date.now();
  const results = await runNodes(Array.from({ length: 20 }, () => ({ source })), { timeoutMs: 60000 });
  t.log(`20 nodes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  results.forEach((result, i) => {
    t.is(result.code, 0, `node${i}: ${result.stderr}`);
    t.deepEqual(result.lines, ["heard 19"], `node${i}`);
  });
});
