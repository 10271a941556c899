/*
 * Hostile JS against ESPNow and the native binding (issue 13): objects that
 * pose as buffers, getters and valueOf that turn ESP-NOW off mid-call, a
 * Radio collected while open, buffers that must not be resized, arrays that
 * cannot take a message, strings that are not well-formed UTF-16. Run under
 * SIM_VARIANT=asan, a memory error is the node's exit code 86.
 */

import test from "ava";
import { macLiteral, node, succeeded } from "./helpers.ts";
import { NATIVE, prebuildMixed, runMixed } from "./fixtures/network.ts";
import { ESPNOW } from "./helpers.ts";

test.before(() => prebuildMixed([[ESPNOW], [NATIVE]]));

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
      attempt("send Int8Array", () => e.send(peer0, new Int8Array(4)));
      attempt("recvinto Int8Array", () => e.recvinto([null, new Int8Array(250)], 5000));
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
    "send Int8Array TypeError send: msg must be a Uint8Array or ArrayBuffer or a string, got object",
    "recvinto Int8Array TypeError recvinto: data[1] must be a Uint8Array or ArrayBuffer to hold the message",
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
/* the native receive's senders: [map, get, intern, Uint8Array]; this intern makes the mac from the key */
const senders = [new Map(), Map.prototype.get, (key) => { const mac = new Uint8Array(6); for (let i = 5; i >= 0; i--, key = Math.floor(key / 256)) mac[i] = key % 256; return mac; }, Uint8Array];
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
      attempt("receive", () => r.receive([null, null], poser(250), 0, 0, senders));
      say("receive into", r.receive([null, poser(250)], null, 0, 1, senders) === -0x10001);
      attempt("send status meta", () => r.nextSendStatus(poser(24)));
      attempt("setPMK", () => r.setPMK(poser(16)));
      attempt("setPMK Int16Array", () => r.setPMK(new Int16Array(8)));
      attempt("addPeer DataView", () => r.addPeer(new DataView(new ArrayBuffer(6)), null, 0, 0, false));
      attempt("send status small meta", () => r.nextSendStatus(new ArrayBuffer(8)));
      r.close();`) }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "start 0",
    "addPeer 0",
    "send -> -1",
    "send mac -> -1",
    "receive TypeError Radio.prototype.receive: target must be a Uint8Array or ArrayBuffer",
    "receive into true",
    "send status meta TypeError Radio.prototype.nextSendStatus: meta must be a Uint8Array or ArrayBuffer",
    "setPMK TypeError Radio.prototype.setPMK: key must be a Uint8Array or ArrayBuffer",
    "setPMK Int16Array TypeError Radio.prototype.setPMK: key must be a Uint8Array or ArrayBuffer",
    "addPeer DataView TypeError Radio.prototype.addPeer: mac must be a Uint8Array or ArrayBuffer",
    "send status small meta RangeError Radio.prototype.nextSendStatus: meta must hold 3 numbers",
  ]);
});

test("a valueOf that closes the native Radio during receive, addPeer or setRate gets 'closed', not a freed record", async (t) => {
  const results = await runMixed([{ manifests: [NATIVE], source: nativeNode(`
      const closing = { valueOf() { r.close(); return 0; } };
      attempt("receive closing", () => r.receive([null, null], new ArrayBuffer(250), closing, 0, senders));
      r = new Radio(600, () => {}); r.start();
      attempt("addPeer closing", () => r.addPeer(sender, null, closing, 0, false));
      r = new Radio(600, () => {}); r.start();
      attempt("setRate closing", () => r.setRate(closing));
      r.close();`) }]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "start 0",
    "receive closing Error Radio.prototype.receive: closed",
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

test("the native receive resizes only a resizable buffer or length-tracking view, within its maxByteLength; a fixed-length one keeps its length", async (t) => {
  const results = await runMixed([
    { manifests: [NATIVE], source: nativeNode(`
      /* reach()'s "hi", then the three below */
      const out = [null, null];
      const fixed = new ArrayBuffer(250);
      say("fixed", r.receive(out, fixed, 5000, 0, senders), fixed.byteLength);
      say("fixed", r.receive(out, fixed, 5000, 0, senders), fixed.byteLength);
      const small = new ArrayBuffer(4, { maxByteLength: 8 });
      say("small", r.receive(out, small, 5000, 0, senders), small.byteLength, r.receive(out, fixed, 0, 0, senders));
      const tracking = new Uint8Array(new ArrayBuffer(250, { maxByteLength: 250 }));
      say("tracking", r.receive(out, tracking, 5000, 0, senders), tracking.length);
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

/* The native receive runs JS only before it takes the record (recvinto's data) and after the copy (interning a new sender through peers_table.set, a user's entry) */
test("the native receive: data whose setters turn ESP-NOW off gives NOT_INIT; a peers_table.set that turns it off, a deleted entry and a Proxy entry are safe", async (t) => {
  const results = await runMixed([
    { source: node([1], `${POSERS}
      expect("go");
      const data = [null, new Uint8Array(250)];
      Object.defineProperty(data, 0, { get() { return null; }, set(value) { if (value === null) e.active(false); }, enumerable: true });
      attempt("recvinto getter", () => e.recvinto(data, 5000));
      e.active(true);
      new WLAN(WLAN.IF_STA).active(true);
      e.add_peer(peer0);
      e.send(peer0, "again");
      const [mac, msg] = e.irecv(5000);
      say("first", text(msg), mac === peer0 ? "peer0 itself" : "an equal mac", e.peers_table.get(peer0)[0] < 0);
      e.peers_table.delete(mac);
      say("deleted, then", text(e.irecv(5000)[1]), e.peers_table.has(mac), e.irecv(0)[0] === null);
      const sets = [];
      e.peers_table.set(mac, new Proxy([0, 0], { set(target, key, value) { sets.push(key); target[key] = value; return true; } }));
      say("proxy entry", text(e.irecv(5000)[1]), sets.join(","), e.peers_table.get(mac)[0] < 0);
      e.peers_table.clear();
      /* defined: an assignment cannot shadow the prototype's frozen method */
      Object.defineProperty(e.peers_table, "set", { value(key, entry) { e.active(false); return Map.prototype.set.call(this, key, entry); } });
      const [mac2, msg2] = e.irecv(5000);
      say("set closes", text(msg2), mac2 === mac, e.active(), e.peers_table.get(mac)?.length);
      e.active(true);
      new WLAN(WLAN.IF_STA).active(true);
      e.add_peer(peer0);
      e.send(peer0, "done");`) },
    { source: node([0], `reach(peer0); e.send(peer0, "go");
      expect("again"); for (const m of ["first", "second", "third", "fourth"]) e.send(peer0, m);
      expect("done");`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "recvinto getter ESPNowError recvinto: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "first first an equal mac true",
    "deleted, then second true true",
    "proxy entry third 0,1 true",
    "set closes fourth true false 2",
  ]);
});
