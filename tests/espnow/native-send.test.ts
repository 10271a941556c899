/*
 * ESPNow.prototype.send is a host function (modESPNow.c's xs_espnow_send):
 * it sends real bytes itself while ESP-NOW is on and no send log is kept,
 * and hands everything else (a string, a poser, a wrong length, ESP-NOW
 * off, on_send set) to the checked path in espnow.ts. What users see must
 * not change: the same results and errors on both paths, sync true by
 * default, a failure after some frames went out reported without sending
 * them again, and a send() detached from its object working as MicroPython's
 * bound method does.
 */

import test from "ava";
import { node, prebuild, runNodes, succeeded } from "./helpers.ts";

test.before(prebuild);

/* nobody has this MAC, and its peer is on channel 6 while the radio is on 1: the driver refuses frames to it (ESP_ERR_ESPNOW_CHAN) */
const FAR = "Uint8Array.of(2, 0, 0, 0, 0, 0x77)";

test("the native send: results and errors as the checked path gives them, a failure after a frame went out reported without sending it again, sync true by default, a detached send", async (t) => {
  const results = await runNodes([
    { source: node([1], `
      reach(peer0);
      const far = ${FAR};
      const bytes = (text) => Uint8Array.from(text, (c) => c.charCodeAt(0));
      const attempt = (what, f) => { try { say(what, f()); } catch (error) { say(what, error.constructor.name, error.message); } };
      attempt("bytes", () => e.send(peer0, bytes("a")));
      attempt("buffer, not sync", () => e.send(peer0, bytes("b").buffer, false));
      attempt("one argument", () => e.send(bytes("c")));
      attempt("undefined sync", () => e.send(peer0, bytes("d"), undefined));
      /* sync is only tested for truth: its valueOf never runs */
      attempt("object sync", () => e.send(peer0, bytes("e"), { valueOf() { throw new Error("valueOf ran"); } }));
      const detached = e.send;
      attempt("detached", () => detached(peer0, bytes("f")));
      attempt("detached string", () => detached(peer0, "g"));
      attempt("string", () => e.send(peer0, "h"));
      attempt("empty", () => e.send(peer0, new Uint8Array(0)));
      attempt("too long", () => e.send(peer0, new Uint8Array(1471)));
      attempt("short mac", () => e.send(Uint8Array.of(1, 2, 3), bytes("x")));
      attempt("no msg", () => e.send());
      e.add_peer(far, { channel: 6 });
      attempt("unicast refused", () => e.send(far, bytes("x")));
      /* to every unicast peer: peer0's frame goes out, far's is refused: reported once, peer0's not sent again */
      attempt("all refused", () => e.send(null, bytes("i")));
      e.del_peer(far);
      /* "i" to peer0 completes after that send returned: before on_send, so that it is not logged */
      for (let s = e.stats(); s[1] + s[2] < s[0]; s = e.stats()) Timer.delay(5);
      let statuses = 0;
      e.on_send(() => statuses++);
      attempt("on_send", () => [e.send(peer0, bytes("j")), statuses]);
      e.on_send(null);
      attempt("after on_send", () => e.send(peer0, bytes("k")));
      e.send(peer0, "done");
      e.active(false);
      attempt("off", () => e.send(peer0, bytes("x")));`) },
    { source: node([0], `
      const seen = [];
      for (;;) { const [, msg] = e.recv(5000); if (!msg || text(msg) === "done") break; if (text(msg) !== "hi") seen.push(text(msg)); }
      say(seen.join(""));`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "bytes true",
    "buffer, not sync true",
    "one argument true",
    "undefined sync true",
    "object sync true",
    "detached true",
    "detached string true",
    "string true",
    "empty ESPNowError send: msg must be 1..1470 bytes, got 0: ESP_ERR_ESPNOW_ARG",
    "too long ESPNowError send: msg must be 1..1470 bytes, got 1471: ESP_ERR_ESPNOW_ARG",
    "short mac RangeError send: mac must be 6 bytes, got 3",
    "no msg TypeError send: msg must be a Uint8Array or ArrayBuffer or a string, got undefined",
    "unicast refused ESPNowError send to 02:00:00:00:00:77: ESP_ERR_ESPNOW_CHAN",
    "all refused ESPNowError send: ESP_ERR_ESPNOW_CHAN",
    "on_send true,1",
    "after on_send true",
    "off ESPNowError send: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
  ]);
  /* every frame once, "i" too */
  t.deepEqual(results[1].lines, ["abcdefghijk"]);
});
