/*
 * The simulated radio's peer and transmit rules, as ESP-IDF's esp_now.h states
 * them (tools/air/MODEL.md, "What the node's driver checks"): a peer's channel
 * is checked when sending, not when the peer is added; esp_now_send says
 * ESP_ERR_ESPNOW_NO_MEM while every Wi-Fi TX buffer holds a frame.
 */

import test from "ava";
import { node, prebuild, runNodes, succeeded } from "./helpers.ts";

test.before(prebuild);

const FAR = "Uint8Array.of(2, 0, 0, 0, 0, 0x77)";

test("a peer on another channel is added and modified, and sending to it fails with ESP_ERR_ESPNOW_CHAN; channel 0 follows the radio", async (t) => {
  const results = await runNodes([
    { source: node([], `
      const far = ${FAR};
      const attempt = (what, f) => { try { say(what, f()); } catch (error) { say(what, error.code); } };
      attempt("add on 6", () => { e.add_peer(far, {channel: 6}); return e.get_peer(far)[2]; });
      attempt("send", () => e.send(far, "x"));
      attempt("mod to 11", () => { e.mod_peer(far, {channel: 11}); return e.get_peer(far)[2]; });
      attempt("send", () => e.send(far, "x"));
      attempt("mod to 0", () => { e.mod_peer(far, {channel: 0}); return e.get_peer(far)[2]; });
      attempt("send", () => e.send(far, "x"));
      e.mod_peer(far, {channel: 6}); sta.config({channel: 6});
      attempt("send on 6", () => e.send(far, "x"));`) },
  ]);
  succeeded(t, results);
  /* nobody has that MAC: a send the driver takes is not acknowledged (false) */
  t.deepEqual(results[0].lines, [
    "add on 6 6", "send ESP_ERR_ESPNOW_CHAN", "mod to 11 11", "send ESP_ERR_ESPNOW_CHAN",
    "mod to 0 0", "send false", "send on 6 false",
  ]);
});

/* Sends 40 frames without waiting and reports the most the driver held at
   once (sent, less completed). Each takes 7 unacknowledged attempts of about
   3 ms, so the sender soon waits for a buffer: the binding offers a refused
   frame again, as MicroPython does, until the driver takes it. */
const fill = node([], `
  const far = ${FAR};
  e.add_peer(far);
  const big = new Uint8Array(250);
  let most = 0;
  for (let i = 0; i < 40; i++) {
    e.send(far, big, false);
    const [sent, responses, failures] = e.stats();
    most = Math.max(most, sent - responses - failures);
  }
  say("most held", most);
  while (e.stats()[2] < 40) Timer.delay(20);`);

test("the driver holds at most 16 frames not yet completed (CONFIG_ESP_WIFI_DYNAMIC_TX_BUFFER_NUM of Moddable's esp32c3 sdkconfig)", async (t) => {
  const results = await runNodes([{ source: fill }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["most held 16"]);
});

test("ESPNOW_NODE_TX_BUFFERS sets the driver's TX buffer count; out of range is refused", async (t) => {
  const results = await runNodes([
    { env: { ESPNOW_NODE_TX_BUFFERS: "4" }, source: fill },
    { env: { ESPNOW_NODE_TX_BUFFERS: "129" }, source: node([], ``) },
  ]);
  t.is(results[0].code, 0, results[0].stderr);
  t.deepEqual(results[0].lines, ["most held 4"]);
  t.not(results[1].code, 0);
  t.regex(results[1].stderr, /ESPNOW_NODE_TX_BUFFERS must be 1\.\.128, got 129/);
});
