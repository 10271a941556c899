/*
 * Pycom's ESPNOW (module "espnow/pycom") on ESPNow: peers as objects, MACs
 * as hex or bytes, on_recv with the sender's peer object or null, on_send
 * with [peer, sent], lmk() to read and set a peer's key, the errors.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";
import { macLiteral, node, prebuild, runNodes } from "./helpers.ts";

test.before(prebuild);

const pycom = (body: string): string => `
import ESPNOW from "espnow/pycom";
import WLAN from "wlan";
function say(...args) { trace(args.join(" ") + "\\n"); }
function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }
function text(bytes) { return String.fromCharCode(...bytes); }
function attempt(what, f) { try { f(); say(what, "ok"); } catch (error) { say(what, error.name, error.code ?? "", error.message); } }
ESPNOW.init();
new WLAN(WLAN.IF_STA).active(true);
${body}
`;

test("an unregistered sender comes with peer null, is registered from on_recv (the tutorial's snippet) and answered; then its peer object comes with its messages", async (t) => {
  const results = await runNodes([
    { source: pycom(`
      let first = null, count = 0;
      ESPNOW.on_send(([peer, sent]) => say("on_send", hex(peer.addr()), sent, peer === first));
      ESPNOW.on_recv(([mac, peer, msg]) => {
        if (text(msg) === "hi") return; // reach()'s probes
        say("on_recv", hex(mac), peer === null ? "null" : peer === first, text(msg));
        if (peer === null) {
          peer = ESPNOW.add_peer(mac);
          first = peer;
        }
        peer.send("answer " + text(msg));
        if (++count === 2) {
          say("peer_count", ESPNOW.peer_count(), ESPNOW.get_peers().length, ESPNOW.get_peers()[0] === first);
          ESPNOW.deinit();
        }
      });`) },
    { source: node([0], `reach(peer0); e.send(peer0, "one"); say(text(expect("answer one")) ? "got answer one" : ""); e.send(peer0, "two"); expect("answer two"); say("got answer two");`) },
  ]);
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stdout}\n${r.stderr}`));
  t.deepEqual(results[0].lines, [
    "on_recv 02454e530001 null one",
    "on_send 02454e530001 true true",
    "on_recv 02454e530001 true two",
    "peer_count 1,0 1 true",
  ]);
  t.deepEqual(results[1].lines, ["got answer one", "got answer two"]);
});

test("add_peer takes 12 hex digits or 6 bytes; lmk() reads and sets the key; del_peer, peer_count, and clear errors that change nothing", async (t) => {
  const [result] = await runNodes([
    { source: `
import ESPNOW from "espnow/pycom";
function say(...args) { trace(args.join(" ") + "\\n"); }
function attempt(what, f) { try { const r = f(); say(what, "ok", r === undefined ? "" : r); } catch (error) { say(what, error.name, error.code ?? "", error.message); } }
attempt("before init", () => ESPNOW.add_peer("02454e530001"));
ESPNOW.init();
say("version", ESPNOW.version());
ESPNOW.pmk("0123456789abcdef");
const a = ESPNOW.add_peer("02454E530001");
const b = ESPNOW.add_peer(${macLiteral(2)});
const c = ESPNOW.add_peer(${macLiteral(3)}.buffer);
say("addr", a.addr(), b.addr(), c.addr());
say("lmk unset", String(a.lmk()));
a.lmk("0123456789123456");
say("lmk", String.fromCharCode(...a.lmk()), ESPNOW.peer_count());
attempt("lmk 15 bytes", () => b.lmk("012345678912345"));
say("count", ESPNOW.peer_count(), String(b.lmk()));
a.lmk(null);
say("lmk off", String(a.lmk()), ESPNOW.peer_count());
attempt("mac 11 digits", () => ESPNOW.add_peer("02454e53000"));
attempt("mac not hex", () => ESPNOW.add_peer("02454e53000g"));
attempt("mac 5 bytes", () => ESPNOW.add_peer(new Uint8Array(5)));
attempt("mac number", () => ESPNOW.add_peer(7));
attempt("twice", () => ESPNOW.add_peer("02454e530001"));
attempt("del not a peer", () => ESPNOW.del_peer("02454e530001"));
say("count", ESPNOW.peer_count());
ESPNOW.del_peer(b);
say("after del", ESPNOW.peer_count(), ESPNOW.get_peers().map((p) => p.addr()[5]));
attempt("del again", () => ESPNOW.del_peer(b));
attempt("send deleted", () => b.send("x"));
attempt("msg 0 bytes", () => a.send(""));
ESPNOW.deinit();
attempt("after deinit", () => ESPNOW.peer_count());
` },
  ]);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.lines, [
    "before init ESPNowError ESP_ERR_ESPNOW_NOT_INIT ESPNOW.add_peer: ESP-NOW is not initialised (call ESPNOW.init() first): ESP_ERR_ESPNOW_NOT_INIT",
    "version 2",
    "addr 2,69,78,83,0,1 2,69,78,83,0,2 2,69,78,83,0,3",
    "lmk unset null",
    "lmk 0123456789123456 3,1",
    "lmk 15 bytes RangeError  mod_peer: lmk must be 16 bytes, got 15",
    "count 3,1 null",
    "lmk off null 3,0",
    'mac 11 digits RangeError  ESPNOW.add_peer: mac must be 12 hex digits, got "02454e53000"',
    'mac not hex RangeError  ESPNOW.add_peer: mac must be 12 hex digits, got "02454e53000g"',
    "mac 5 bytes RangeError  ESPNOW.add_peer: mac must be 6 bytes, got 5",
    "mac number TypeError  ESPNOW.add_peer: mac must be 12 hex digits or 6 bytes (Uint8Array or ArrayBuffer), got number",
    "twice ESPNowError ESP_ERR_ESPNOW_EXIST add_peer 02:45:4e:53:00:01: ESP_ERR_ESPNOW_EXIST",
    "del not a peer TypeError  ESPNOW.del_peer: peer must be a peer object from ESPNOW.add_peer()",
    "count 3,0",
    "after del 2,0 1,3",
    "del again ESPNowError ESP_ERR_ESPNOW_NOT_FOUND del_peer 02:45:4e:53:00:02: ESP_ERR_ESPNOW_NOT_FOUND",
    "send deleted ESPNowError ESP_ERR_ESPNOW_NOT_FOUND send to 02:45:4e:53:00:02: ESP_ERR_ESPNOW_NOT_FOUND",
    "msg 0 bytes ESPNowError ESP_ERR_ESPNOW_ARG send: msg must be 1..1470 bytes, got 0: ESP_ERR_ESPNOW_ARG",
    "after deinit ESPNowError ESP_ERR_ESPNOW_NOT_INIT ESPNOW.peer_count: ESP-NOW is not initialised (call ESPNOW.init() first): ESP_ERR_ESPNOW_NOT_INIT",
  ]);
});

test("deinit() from on_recv's handler stops the reading: the messages still waiting are not handed out, nothing throws", async (t) => {
  const results = await runNodes([
    { source: pycom(`
      ESPNOW.on_recv(([mac, peer, msg]) => { if (text(msg) === "hi") return; say("got", text(msg)); if (text(msg) === "stop") ESPNOW.deinit(); });
      /* the messages arrive while main is busy, so that one wake-up finds several */
      const until = Date.now() + 1500; while (Date.now() < until);`) },
    /* reach(): node0's radio answers (its ESP-NOW is on) before the words go, however slowly node0 started */
    { source: node([0], `reach(peer0); for (const word of ["a", "stop", "b", "c"]) e.send(peer0, word);`) },
  ]);
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stdout}\n${r.stderr}`));
  t.deepEqual(results[0].lines, ["got a", "got stop"]);
});

test("send(null, msg) goes to every registered unicast peer, and deinit() right after it still lets the frames out (their outcomes are not reported)", async (t) => {
  /* reach(): node0 sends once both listeners' radios have answered it, however slowly they started */
  const listen = node([0], `reach(peer0); const mac = expect("all"); say("got all from", hex(mac));`);
  const results = await runNodes([
    { source: pycom(`
      /* an outcome that comes back before send() returns is reported (deinit() has not been called yet); after deinit() none is */
      let stopped = false;
      ESPNOW.on_send(([peer, sent]) => { if (stopped) say("on_send", hex(peer.addr()), sent); });
      const peers = [ESPNOW.add_peer("02454e530001"), ESPNOW.add_peer("02454e530002")];
      ESPNOW.add_peer("ffffffffffff"); // broadcast: not one of "every peer"
      const heard = new Set();
      ESPNOW.on_recv(([mac]) => { heard.add(hex(mac)); if (heard.size === 2) { ESPNOW.send(null, "all"); ESPNOW.deinit(); stopped = true; } });`) },
    { source: listen },
    { source: listen },
  ]);
  results.forEach((r, i) => t.is(r.code, 0, `node${i}: ${r.stdout}\n${r.stderr}`));
  t.deepEqual(results[1].lines, ["got all from 02:45:4e:53:00:00"]);
  t.deepEqual(results[2].lines, ["got all from 02:45:4e:53:00:00"]);
  /* deinit() forgets the handlers: no outcome that comes after it is reported */
  t.deepEqual(results[0].lines, []);
});

/* A send's callback can come before esp_now_send returns (the fake radio completes every send inside it): the outcome must still count, or deinit() waits for it for ever and the radio stays on. */
test("a send whose outcome comes before send() returns is settled: deinit() after it turns the radio off", async (t) => {
  const result = await runScript(`
import ESPNOW from "espnow/pycom";
import ESPNow from "espnow";
function say(...args) { trace(args.join(" ") + "\\n"); }
ESPNOW.init();
ESPNOW.on_send(([peer, sent]) => say("on_send", peer.addr()[5], sent));
const peer = ESPNOW.add_peer(${macLiteral(2)});
peer.send("one");
peer.send("two");
say("sent");
ESPNOW.deinit();
say("active after deinit", new ESPNow().active());
`, [join(ROOT, "tests/fixtures/fakeradio/pycom.json")], { timeoutMs: 60000 });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), ["on_send 2 true", "on_send 2 true", "sent", "active after deinit false"]);
});
