/*
 * Hostile JS against ESPNow and the native binding (issue 13): objects that
 * pose as buffers, getters and valueOf that turn ESP-NOW off mid-call, a
 * Radio collected while open, buffers that must not be resized, arrays that
 * cannot take a message, strings that are not well-formed UTF-16. Run under
 * SIM_VARIANT=asan, a memory error is the node's exit code 86.
 */

import test from "ava";
import { macLiteral, node, type NodeResult } from "./helpers.ts";
import { NATIVE, prebuildMixed, runMixed } from "./fixtures/network.ts";
import { ESPNOW } from "./helpers.ts";

test.before(() => prebuildMixed([[ESPNOW], [NATIVE]]));

function succeeded(t: { is: (a: unknown, b: unknown, m?: string) => void }, results: NodeResult[]): void {
  results.forEach((result, i) => t.is(result.code, 0, `node${i} failed:\n${result.stdout}${result.stderr}`));
}

/* A host object (a Timer) given Uint8Array.prototype and the lengths it claims. */
const POSERS = `
const timers = [];
/* Timer.clear takes only what has Timer's prototype */
function clearPosers() { for (const [timer, prototype] of timers) { Object.setPrototypeOf(timer, prototype); Timer.clear(timer); } timers.length = 0; }
function poser(length) {
  const timer = Timer.set(() => {}, 1000000);
  timers.push([timer, Object.getPrototypeOf(timer)]);
  Object.setPrototypeOf(timer, Uint8Array.prototype);
  Object.defineProperty(timer, "byteLength", { value: length });
  Object.defineProperty(timer, "length", { value: length });
  return timer;
}
function attempt(label, fn) { try { say(label, "->", fn()); } catch (error) { say(label, error.name, error.message); } }
`;

test("objects that only pose as a Uint8Array or ArrayBuffer are refused with a TypeError, and nothing is sent or consumed; the native radio is out of reach", async (t) => {
  const results = await runMixed([
    { source: `import * as native from "espnow/native";\n` + node([1], `${POSERS}
      expect("go");
      say("instanceof", poser(6) instanceof Uint8Array);
      attempt("send", () => e.send(peer0, poser(250)));
      attempt("send proxy", () => e.send(peer0, new Proxy(new Uint8Array(4), {})));
      attempt("recvinto", () => e.recvinto([null, poser(250)], 5000));
      attempt("add_peer", () => e.add_peer(poser(6)));
      attempt("del_peer", () => e.del_peer(new Proxy(new Uint8Array(6), {})));
      attempt("set_pmk", () => e.set_pmk(poser(16)));
      attempt("mod_peer lmk", () => e.mod_peer(peer0, { lmk: poser(16) }));
      const [, msg] = e.recv(5000);
      say("kept", text(msg));
      say("radio", typeof e.radio);
      attempt("claim", () => typeof native.claim().Radio);
      say("stats sent", e.stats()[0]);
      e.send(peer0, "done");
      clearPosers();`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go"); e.send(peer0, "payload"); expect("done");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "instanceof true",
    "send TypeError send: msg must be a Uint8Array or ArrayBuffer or a string, got object",
    "send proxy TypeError send: msg must be a Uint8Array or ArrayBuffer or a string, got object",
    "recvinto TypeError recvinto: data[1] must be a Uint8Array or ArrayBuffer to hold the message",
    "add_peer TypeError add_peer: mac must be a Uint8Array or ArrayBuffer, got object",
    "del_peer TypeError del_peer: mac must be a Uint8Array or ArrayBuffer, got object",
    "set_pmk TypeError set_pmk: pmk must be a Uint8Array or ArrayBuffer or a string, got object",
    "mod_peer lmk TypeError mod_peer: lmk must be a Uint8Array or ArrayBuffer or a string, got object",
    "kept payload",
    "radio undefined",
    "claim TypeError espnow/native is private to the espnow module",
    "stats sent 0",
  ]);
});

test("recvinto: a fixed-length view of a whole resizable buffer keeps its message; a frozen array is refused before a message is consumed; getters that turn ESP-NOW off give NOT_INIT; strings go out as well-formed UTF-8", async (t) => {
  const results = await runMixed([
    { source: node([1], `${POSERS}
      expect("go");
      /* resizable up to MAX_DATA_LEN: recvinto once made such a buffer the message's length, leaving this fixed-length view out of bounds */
      const resizable = new ArrayBuffer(250, { maxByteLength: espnow.MAX_DATA_LEN });
      const view = new Uint8Array(resizable, 0, 250);
      const n = e.recvinto([null, view], 5000);
      say("fixed view", n, view.length, resizable.byteLength, text(view.subarray(0, n)));
      const tracking = new Uint8Array(new ArrayBuffer(250, { maxByteLength: 250 }));
      say("tracking view", e.recvinto([null, tracking], 5000), tracking.length, text(tracking));
      attempt("frozen", () => e.recvinto(Object.freeze([null, new Uint8Array(250)]), 5000));
      attempt("frozen rssi", () => e.recvinto(Object.freeze([null, new Uint8Array(250), 0, 0]), 5000));
      say("kept", text(e.recv(5000)[1]));
      for (let i = 0; i < 4; i++) say("utf8", hex(e.recv(5000)[1]));
      attempt("add_peer getter", () => e.add_peer(Uint8Array.of(2, 0, 0, 0, 0, 9), { get channel() { e.active(false); return 1; } }));
      e.active(true); e.add_peer(peer0);
      attempt("mod_peer getter", () => e.mod_peer(peer0, { get ifidx() { e.active(false); return 0; } }));
      e.active(true); e.add_peer(peer0);
      const own = Uint8Array.from(peer0);
      Object.defineProperty(own, "length", { get() { e.active(false); return 6; } });
      attempt("own length", () => e.send(own, "x"));
      e.send(peer0, "done");`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go");
      for (const m of ["hello", "track", "frozen-kept", "a\\uD800b", "\\uDC00", "x\\uD83D\\uDE00y", "nul\\0"]) e.send(peer0, m);
      expect("done");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "fixed view 5 250 250 hello",
    "tracking view 5 5 track",
    "frozen TypeError recvinto: data must be a writable array (not frozen)",
    "frozen rssi TypeError recvinto: data must be a writable array (not frozen)",
    "kept frozen-kept",
    "utf8 61:ef:bf:bd:62",
    "utf8 ef:bf:bd",
    "utf8 78:f0:9f:98:80:79",
    "utf8 6e:75:6c:00",
    "add_peer getter ESPNowError add_peer: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "mod_peer getter ESPNowError mod_peer: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "own length -> true",
  ]);
});

/* The native binding alone (NATIVE): what espnow.ts checks, C checks again. */
function nativeNode(body: string): string {
  return `
import * as native from "espnow/native";
import WLAN from "wlan";
import Timer from "timer";
import * as instrument from "instrument";
function say(...args) { trace(args.join(" ") + "\\n"); }
${POSERS}
const { Radio } = native.claim ? native.claim() : { Radio: native.default };
const meta = new ArrayBuffer(24);
const sender = ${macLiteral(1)};
let r = new Radio(600, () => {});
say("start", r.start());
new WLAN(WLAN.IF_STA).active(true);
${body}
clearPosers();
`;
}

test("the native Radio refuses what only poses as a buffer, and a meta too small, before reading anything", async (t) => {
  const results = await runMixed([{ manifests: [NATIVE], source: nativeNode(`
      say("addPeer", r.addPeer(sender, null, 0, 0, false));
      attempt("send", () => r.send(sender, poser(250), false));
      attempt("send mac", () => r.send(poser(6), Uint8Array.of(1), false));
      attempt("read", () => r.read(poser(250), meta, 0, false));
      attempt("read meta", () => r.read(new ArrayBuffer(250), poser(24), 0, false));
      attempt("setPMK", () => r.setPMK(poser(16)));
      attempt("setPMK Int16Array", () => r.setPMK(new Int16Array(8)));
      attempt("addPeer DataView", () => r.addPeer(new DataView(new ArrayBuffer(6)), null, 0, 0, false));
      attempt("read small meta", () => r.read(new ArrayBuffer(250), new ArrayBuffer(8), 0, false));
      r.close();`) }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "start 0",
    "addPeer 0",
    "send TypeError Radio.prototype.send: message must be a Uint8Array or ArrayBuffer",
    "send mac TypeError Radio.prototype.send: mac must be a Uint8Array or ArrayBuffer",
    "read TypeError Radio.prototype.read: target must be a Uint8Array or ArrayBuffer",
    "read meta TypeError Radio.prototype.read: meta must be a Uint8Array or ArrayBuffer",
    "setPMK TypeError Radio.prototype.setPMK: key must be a Uint8Array or ArrayBuffer",
    "setPMK Int16Array TypeError Radio.prototype.setPMK: key must be a Uint8Array or ArrayBuffer",
    "addPeer DataView TypeError Radio.prototype.addPeer: mac must be a Uint8Array or ArrayBuffer",
    "read small meta RangeError Radio.prototype.read: meta must hold 3 numbers",
  ]);
});

test("a valueOf that closes the native Radio during read, addPeer or setRate gets 'closed', not a freed record", async (t) => {
  const results = await runMixed([{ manifests: [NATIVE], source: nativeNode(`
      const closing = { valueOf() { r.close(); return 0; } };
      attempt("read closing", () => r.read(new ArrayBuffer(250), meta, closing, false));
      r = new Radio(600, () => {}); r.start();
      attempt("addPeer closing", () => r.addPeer(sender, null, closing, 0, false));
      r = new Radio(600, () => {}); r.start();
      attempt("setRate closing", () => r.setRate(closing));
      r.close();`) }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "start 0",
    "read closing Error Radio.prototype.read: closed",
    "addPeer closing Error Radio.prototype.addPeer: closed",
    "setRate closing Error Radio.prototype.setRate: closed",
  ]);
});

test("a native Radio collected while open is turned off, and the collector goes on safely", async (t) => {
  const results = await runMixed([{ manifests: [NATIVE], source: nativeNode(`
      /* open, then dropped: the collector frees it (its destructor turns the radio off) */
      r = null;
      instrument.collect();
      instrument.collect();
      r = new Radio(600, () => {});
      say("again", r.start());
      r = null;
      instrument.collect();
      r = new Radio(600, () => {});
      instrument.collect();
      say("and again", r.start());
      r.close();`) }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["start 0", "again 0", "and again 0"]);
});

test("the native read resizes only a resizable buffer or length-tracking view, within its maxByteLength; a fixed-length one keeps its length", async (t) => {
  const results = await runMixed([
    { manifests: [NATIVE], source: nativeNode(`
      /* reach()'s "hi", then the three below */
      const fixed = new ArrayBuffer(250);
      say("fixed", r.read(fixed, meta, 5000, true), fixed.byteLength);
      say("fixed", r.read(fixed, meta, 5000, true), fixed.byteLength);
      const small = new ArrayBuffer(4, { maxByteLength: 8 });
      say("small", r.read(small, meta, 5000, true), small.byteLength, r.read(fixed, meta, 0, true));
      const tracking = new Uint8Array(new ArrayBuffer(250, { maxByteLength: 250 }));
      say("tracking", r.read(tracking, meta, 5000, true), tracking.length);
      r.close();`) },
    { source: node([0], `reach(peer0); for (const m of ["hello", "eleven-byte", "track"]) e.send(peer0, m);`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["start 0", "fixed 2 250", "fixed 5 250", "small -11 4 11", "tracking 5 5"]);
});

/* found by the fuzzer: AIOESPNow heard only its own active(false) */
test("an AIOESPNow reader waiting when ESPNow's active(false) turns ESP-NOW off is rejected with NOT_INIT", async (t) => {
  const results = await runMixed([{ source: `import AIOESPNow from "aioespnow";\n` + node([], `
      const a = new AIOESPNow();
      const waiting = a.arecv();
      e.active(false);
      waiting.then(() => say("resolved"), (error) => say("rejected", error.name, error.code));`) }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["rejected ESPNowError ESP_ERR_ESPNOW_NOT_INIT"]);
});
