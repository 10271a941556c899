/*
 * ESP-NOW versions by ESP-IDF version (tools/air/MODEL.md, "Versions and long
 * frames"): v2 from ESP-IDF 5.4, ESP_NOW_MAX_DATA_LEN_V2 1490 in 5.4.0-5.4.1
 * and 1470 from 5.4.2; a v1 receiver drops what is over 250 bytes. The limit is
 * a fact of the build, known before esp_now_init and without the air.
 */

import test from "ava";
import { node, prebuild, runNodes } from "./helpers.ts";

test.before(prebuild);

const idf = (version: string): Record<string, string> => ({ ESPNOW_NODE_IDF: version });

test("MAX_DATA_LEN follows the ESP-IDF version the node models", async (t) => {
  const source = `import ESPNow, * as espnow from "espnow"; new ESPNow(); trace("MAX_DATA_LEN " + espnow.MAX_DATA_LEN + "\\n");`;
  const results = await runNodes([
    { env: idf("5.4"), source },
    { env: idf("5.4.1"), source },
    { env: idf("5.4.2"), source },
    { env: idf("6.0"), source },
    { env: idf("5.3.2"), source },
    { env: {}, source },
    { env: { ESPNOW_NODE_VERSION: "1" }, source },
  ]);
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stderr}`));
  t.deepEqual(results.map((r) => r.lines[0]), [
    "MAX_DATA_LEN 1490", "MAX_DATA_LEN 1490", "MAX_DATA_LEN 1470", "MAX_DATA_LEN 1470", "MAX_DATA_LEN 250",
    "MAX_DATA_LEN 1470", "MAX_DATA_LEN 250",
  ]);
});

test("MAX_DATA_LEN is known from new ESPNow(), without the air and before ESP-NOW starts", async (t) => {
  const [result] = await runNodes([
    { env: { ...idf("5.4.1"), ESPNOW_AIR: "" }, source: `import ESPNow, * as espnow from "espnow"; new ESPNow(); trace("MAX_DATA_LEN " + espnow.MAX_DATA_LEN + "\\n");` },
  ]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.lines, ["MAX_DATA_LEN 1490"]);
  t.notRegex(result.stderr, /sim_air/, "nothing tried to reach the air");
});

test("a node whose ESP-NOW version contradicts its ESP-IDF version, or an unreadable version, is refused with the reason", async (t) => {
  const results = await runNodes([
    { env: { ...idf("5.3"), ESPNOW_NODE_VERSION: "2" }, source: node([], ``) },
    { env: { ...idf("5.4.2"), ESPNOW_NODE_VERSION: "1" }, source: node([], ``) },
    { env: idf("five"), source: node([], ``) },
    { env: { ESPNOW_NODE_VERSION: "3" }, source: node([], ``) },
  ]);
  results.forEach((r, i) => t.not(r.code, 0, `node${i} should fail`));
  t.regex(results[0].stderr, /ESPNOW_NODE_VERSION=2 with ESPNOW_NODE_IDF 5\.3: ESP-NOW v2 needs ESP-IDF 5\.4 or later/);
  t.regex(results[1].stderr, /ESPNOW_NODE_VERSION=1 with ESPNOW_NODE_IDF 5\.4\.2: ESP-IDF 5\.4 and later run ESP-NOW v2/);
  t.regex(results[2].stderr, /ESPNOW_NODE_IDF must be an ESP-IDF version such as 5\.4\.1, got five/);
  t.regex(results[3].stderr, /ESPNOW_NODE_VERSION must be 1 or 2, got 3/);
});

test("a 1490-byte frame from ESP-IDF 5.4.1 reaches a 5.4.1 node, not a 5.4.2 one (1470) nor a v1 one (250), which still get 250 bytes", async (t) => {
  const listen = node([0], `for (;;) { const [, msg] = e.recv(1500); if (!msg) break; if (msg.length !== 2) say(msg.length); }`);
  const results = await runNodes([
    { env: idf("5.4.1"), source: node([1, 2, 3], `reach(peer0); reach(peer1); reach(peer2);
      const big = new Uint8Array(1490).fill(5), v1 = new Uint8Array(250).fill(1);
      for (const peer of [peer0, peer1, peer2]) say(e.send(peer, big), e.send(peer, v1));`) },
    { env: idf("5.4.1"), source: listen },
    { env: idf("5.4.2"), source: listen },
    { env: idf("5.3"), source: listen },
  ]);
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stderr}`));
  /* every frame is acknowledged: the MAC acknowledges before ESP-NOW looks at the length */
  t.deepEqual(results[0].lines, ["true true", "true true", "true true"]);
  t.deepEqual(results[1].lines, ["1490", "250"]);
  t.deepEqual(results[2].lines, ["250"]);
  t.deepEqual(results[3].lines, ["250"]);
});
