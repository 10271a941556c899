/*
 * What a real ESP32 does to ESPNow that a forgiving host would not:
 * - Moddable's ESP32 host queues at most 10 machine messages (esp32c3
 *   profile) and a post into a full queue blocks the posting thread, here the
 *   radio's. A program that stays in a blocking recv() or a loop of sync
 *   send()s, away from its event loop, must not make the radio post a message
 *   a frame (the radio task would stop for good).
 * - While JS loops over sync sends, on_send still hears of every frame.
 * - A full TX queue (ESP_ERR_ESPNOW_NO_MEM) is waited out for 2 s, as
 *   MicroPython's espnow_send does, before send raises.
 * - MAX_DATA_LEN is known before ESP-NOW or Wi-Fi is started, without asking
 *   the driver (on ESP-IDF 5.x that crashes).
 * The fake radio (tests/fixtures/fakeradio) gives a TX queue and timed
 * callbacks; the air gives two real nodes.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";
import { ESPNOW, node, prebuild, queueFigures, runNodes } from "./helpers.ts";

const FAKE_RADIO = join(ROOT, "tests/fixtures/fakeradio/manifest.json");
const FRAMES = 2000;

test.before(prebuild);

test(`blocking recv() and sync send() loops move ${FRAMES} frames each way and the radio task never waits for a place in the machine's queue`, async (t) => {
  /* Ping-pong: each node alternates a sync send and a blocking recv, and
     neither returns to its event loop until all frames are through. */
  const results = await runNodes([
    { source: node([1], `
      expect("go");
      let bad = 0;
      for (let i = 0; i < ${FRAMES}; i++) {
        const [, msg] = e.irecv(10000);
        if (!msg) throw new Error("frame " + i + " never came");
        if (text(msg) !== "p" + i) bad++;
        if (!e.send(peer0, "r" + i, true)) bad++;
      }
      say("node1 bad", bad);`) },
    { source: node([0], `
      reach(peer0);
      e.send(peer0, "go");
      let bad = 0;
      for (let i = 0; i < ${FRAMES}; i++) {
        if (!e.send(peer0, "p" + i, true)) bad++;
        const [, msg] = e.recv(10000);
        if (!msg) throw new Error("reply " + i + " never came");
        if (text(msg) !== "r" + i) bad++;
      }
      say("node0 bad", bad);`) },
  ], { verbose: true, timeoutMs: 120000 });
  results.forEach((result, i) => {
    const figures = queueFigures(result.stderr);
    t.truthy(figures, `node${i} printed no queue figures:\n${result.stderr}`);
    t.is(result.code, 0, `node${i}: ${result.stdout}${result.stderr}`);
    t.log(`node${i}: ${figures?.posts} posts, peak ${figures?.peak} queued, ${figures?.blocked} blocked`);
    t.is(figures?.blocked, 0, `node${i}: the radio task waited for a place in the queue`);
    t.true((figures?.peak ?? Infinity) <= 2, `node${i}: ${figures?.peak} records queued at once`);
    t.is(figures?.rest, "");
  });
  t.deepEqual(results[1].lines, ["node0 bad 0"]);
  t.deepEqual(results[0].lines, ["node1 bad 0"]);
});

test("a storm of frames into a blocking irecv() loop, with sync sends between, never makes the radio task wait in a post", async (t) => {
  const result = await runScript(`
import ESPNow from "espnow";
import { flood, flooding, txQueue } from "fakeradio";
const e = new ESPNow();
e.active(true);
txQueue(4);
const peer = Uint8Array.of(2, 0, 0, 0, 0, 2);
e.add_peer(peer);
flood(${FRAMES * 10});
let read = 0, sent = 0, acknowledged = 0;
while (flooding() || e.any()) {
  if (e.irecv(10)[0]) read++;
  if (sent < ${FRAMES}) { sent++; if (e.send(peer, "x", true)) acknowledged++; }
}
while (sent < ${FRAMES}) { sent++; if (e.send(peer, "x", true)) acknowledged++; }
const [tx, responses, , rx, dropped] = e.stats();
trace(\`read \${read === rx} offered \${rx + dropped} sent \${sent} acknowledged \${acknowledged} tx \${tx} responses \${responses}\\n\`);
e.active(false);
`, [FAKE_RADIO], { verbose: true, timeoutMs: 60000 });
  const figures = queueFigures(result.stderr);
  t.truthy(figures, result.stderr);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout.trim(), `read true offered ${FRAMES * 10} sent ${FRAMES} acknowledged ${FRAMES} tx ${FRAMES} responses ${FRAMES}`);
  t.log(`${figures?.posts} posts, peak ${figures?.peak} queued, ${figures?.blocked} blocked`);
  t.is(figures?.blocked, 0, "the radio task waited for a place in the queue");
  t.true((figures?.peak ?? Infinity) <= 2, `${figures?.peak} records queued at once`);
  t.is(figures?.rest, "");
});

test("200 sync sends in a loop: on_send is called for each, with its MAC and outcome, before send() returns", async (t) => {
  const result = await runScript(`
import ESPNow from "espnow";
import Timer from "timer";
import { txQueue } from "fakeradio";
const e = new ESPNow();
e.active(true);
txQueue(4);
/* the fake radio delivers to an even last MAC byte, not to an odd one */
const peers = [Uint8Array.of(2, 0, 0, 0, 1, 2), Uint8Array.of(2, 0, 0, 0, 1, 3), Uint8Array.of(2, 0, 0, 0, 1, 4)];
for (const peer of peers) e.add_peer(peer);
const heard = [];
e.on_send((mac, delivered) => heard.push(mac[5] + (delivered ? "+" : "-")));
let wrong = 0, late = 0;
for (let i = 0; i < 200; i++) {
  const peer = peers[i % 3];
  if (e.send(peer, "n" + i, true) !== !(peer[5] & 1)) wrong++;
  if (heard.length !== i + 1) late++;
}
const expected = Array.from({length: 200}, (_, i) => peers[i % 3][5] + (peers[i % 3][5] & 1 ? "-" : "+")).join(" ");
Timer.set(() => {
  trace(\`calls \${heard.length} wrong \${wrong} late \${late} same \${heard.join(" ") === expected}\\n\`);
  e.active(false);
}, 20);
`, [FAKE_RADIO], { timeoutMs: 60000 });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout.trim(), "calls 200 wrong 0 late 0 same true");
});

test("a full TX queue (ESP_ERR_ESPNOW_NO_MEM) is waited out; send raises it after 2 s if the queue stays full", async (t) => {
  const result = await runScript(`
import ESPNow from "espnow";
import { txQueue, holdSends, holdUntilRefused, refused } from "fakeradio";
const e = new ESPNow();
e.active(true);
txQueue(2);
const peer = Uint8Array.of(2, 0, 0, 0, 0, 2);
e.add_peer(peer);
holdUntilRefused();
let failed = 0;
for (let i = 0; i < 100; i++) if (!e.send(peer, "async " + i, false)) failed++;
trace(\`100 async sends: \${failed} failed, the radio refused \${refused() > 0 ? "some" : "none"}\\n\`);
trace(\`sync send: \${e.send(peer, "sync", true)}\\n\`);
holdSends(true);
e.send(peer, "a", false);
e.send(peer, "b", false);
const started = Date.now();
try {
  e.send(peer, "c", false);
  trace("no error\\n");
} catch (error) {
  trace(\`\${error.name} \${error.code} \${error.errno} after 2 s: \${Date.now() - started >= 1900}\\n\`);
}
holdSends(false);
trace(\`then: \${e.send(peer, "d", true)}\\n\`);
const [tx, responses] = e.stats();
trace(\`tx \${tx} responses \${responses}\\n\`);
e.active(false);
`, [FAKE_RADIO], { timeoutMs: 60000 });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), [
    "100 async sends: 0 failed, the radio refused some",
    "sync send: true",
    `ESPNowError ESP_ERR_ESPNOW_NO_MEM ${0x3067} after 2 s: true`,
    "then: true",
    "tx 104 responses 104",
  ]);
});

for (const [version, length] of [["1", 250], ["2", 1470]] as const) {
  test(`MAX_DATA_LEN is ${length} on an ESP-NOW v${version} node from the first new ESPNow(), with no air and no driver asked`, async (t) => {
    /* No ESPNOW_AIR: the radio can only know what it knows without its driver. */
    const result = await runScript(`
import ESPNow, * as espnow from "espnow";
const e = new ESPNow();
trace(\`\${espnow.MAX_DATA_LEN} \${espnow.DEFAULT_RXBUF} \${e.active()}\\n\`);
`, [ESPNOW], { env: { ESPNOW_AIR: "", ESPNOW_NODE_VERSION: version }, timeoutMs: 30000 });
    t.is(result.code, 0, result.stderr);
    t.is(result.stderr, "");
    t.is(result.stdout.trim(), `${length} ${2 * (16 + length)} false`);
  });
}
