/*
 * The hub against what it cannot trust: frames from any node in range, and
 * apps' handlers and options. Each test is a finding of the review, which
 * failed (a dead hub, a handler given what it should not get, a requester
 * left waiting, a hang) before the hub bounded it.
 */

import test from "ava";
import { network, prelude, rawPrelude } from "./helpers.ts";

test.serial("a fragmented request longer than max_message is answered FAILED, never handled, and does not kill a relay hub", async (t) => {
  /* node0 sends by hand a 7 kB request in 5 fragments of 1464 bytes (ESP-NOW v2 frames) to a hub that cuts its own at 250 and takes 1000 */
  const sender = `${rawPrelude()}
const hub = mac(1), big = new Uint8Array(7000).fill(0x61);
await ready(hub);
await fragments(hub, 8, requestOf([], big), 1464);
trace("to the handler: " + await responseTo(8) + "\\n");
await fragments(hub, 9, requestOf([mac(2)], big), 1464);
trace("to be relayed: " + await responseTo(9) + "\\n");
await put(hub, frameOf(REQUEST, 10, 0, 0, requestOf([], bytes("hello"))));
trace("then: " + await responseTo(10) + "\\n");
await put(hub, frameOf(REQUEST, 11, 0, 0, requestOf([], bytes("done"))));
await responseTo(11);
e.active(false);
`;
  const relay = `${prelude("{ relay: true, frame_len: 250, max_message: 1000 }")}
hub.serve((from, body) => {
  if (body.length > 1000) trace("the handler got " + body.length + " bytes\\n");
  if (text(body) === "done") Timer.set(() => hub.stop(), 300);
  return "hi";
});
`;
  const ran = await network(t, [sender, relay]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [
    "to the handler: failed hub: a request longer than 1025 bytes (a body of max_message, 1000 bytes, and a path of max_hops, 4) is refused by 02:45:4e:53:00:01",
    "to be relayed: failed hub: a request longer than 1025 bytes (a body of max_message, 1000 bytes, and a path of max_hops, 4) is refused by 02:45:4e:53:00:01",
    "then: ok hi",
  ]);
  t.deepEqual(ran.output[1], []);
});

test.serial("options are checked when the hub is made: a max_message that 255 fragments of frame_len cannot carry is a RangeError naming both", async (t) => {
  const ran = await network(t, [`${prelude()}
for (const options of [
  "{ frame_len: 16 }",
  "{ frame_len: 250, max_message: 65536 }",
  "{ frame_len: 16, max_message: 2525 }",
  "{ frame_len: 16, max_message: 2526 }",
  "{ max_hops: 256 }",
  "{ relay: 1 }",
  "null",
]) {
  try { new Hub(eval("(" + options + ")")); trace(options + ": accepted\\n"); } catch (error) { trace(options + ": " + error.name + ": " + error.message + "\\n"); }
}
hub.stop();
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [
    "{ frame_len: 16 }: RangeError: hub: max_message must be at most 2525 bytes with frame_len 16 and max_hops 4 (255 fragments of 10 bytes, less 25 for a path), got 16384",
    "{ frame_len: 250, max_message: 65536 }: RangeError: hub: max_message must be at most 62195 bytes with frame_len 250 and max_hops 4 (255 fragments of 244 bytes, less 25 for a path), got 65536",
    "{ frame_len: 16, max_message: 2525 }: accepted",
    "{ frame_len: 16, max_message: 2526 }: RangeError: hub: max_message must be at most 2525 bytes with frame_len 16 and max_hops 4 (255 fragments of 10 bytes, less 25 for a path), got 2526",
    "{ max_hops: 256 }: RangeError: hub: max_hops must be at most 255 (a request counts its hops in one byte), got 256",
    "{ relay: 1 }: TypeError: hub: relay must be true or false, got 1",
    "null: TypeError: hub: options must be an object, got null",
  ]);
});

test.serial("hubs with the smallest frames (frame_len 16, max_message 2525) carry about 1200 bytes each way in 120 fragments or so", async (t) => {
  const options = "{ frame_len: 16, max_message: 2525, max_hops: 4, timeout_ms: 20000 }";
  const ran = await network(t, [`${prelude(options)}
const reply = await hub.request(mac(1), new Uint8Array(1200).fill(7));
trace("response of " + reply.length + " bytes\\n");
await hub.request(mac(1), "done");
hub.stop();
`, `${prelude(options)}
hub.serve((from, body) => {
  if (text(body) === "done") { Timer.set(() => hub.stop(), 300); return null; }
  trace("request of " + body.length + " bytes\\n");
  return new Uint8Array(1199).fill(9); // with its status byte, 1200
});
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], ["response of 1199 bytes"]);
  t.deepEqual(ran.output[1], ["request of 1200 bytes"]);
});

test.serial("what a handler may return: Uint8Array, ArrayBuffer, string, null or undefined; anything else is answered FAILED saying what it was", async (t) => {
  const ran = await network(t, [`${prelude()}
for (const what of ["bytes", "buffer", "text", "null", "undefined", "number", "object", "fake", "int16", "later number", "throw odd"]) {
  trace(what + ": " + await outcome(hub.request(mac(1), what, 1500)) + "\\n");
}
await hub.request(mac(1), "done");
hub.stop();
`, `${prelude()}
hub.serve((from, body) => {
  switch (text(body)) {
    case "bytes": return Uint8Array.of(0x62, 0x79);
    case "buffer": return ArrayBuffer.fromString("from an ArrayBuffer");
    case "text": return "some text";
    case "null": return null;
    case "undefined": return undefined;
    case "number": return 42;
    case "object": return { length: 3 };
    case "fake": { const fake = Object.create(Uint8Array.prototype); Object.defineProperty(fake, "length", { value: 250 }); return fake; }
    case "int16": return new Int16Array(2);
    case "later number": return Promise.resolve(7);
    case "throw odd": throw { toString() { throw new Error("no text"); } };
    case "done": Timer.set(() => hub.stop(), 300); return null;
  }
});
`]);
  t.is(ran.code, 0, ran.text);
  const at = "the handler at 02:45:4e:53:00:01";
  const expect = "a handler returns a Uint8Array, an ArrayBuffer, a string or null";
  t.deepEqual(ran.output[0], [
    "bytes: ok by",
    "buffer: ok from an ArrayBuffer",
    "text: ok some text",
    "null: ok ",
    "undefined: ok ",
    `number: HubError: hub: ${at} returned a number; ${expect}`,
    `object: HubError: hub: ${at} returned an object; ${expect}`,
    `fake: HubError: hub: ${at} returned an object that only claims to be a Uint8Array; ${expect}`,
    `int16: HubError: hub: ${at} returned a Int16Array; ${expect}`,
    `later number: HubError: hub: ${at} returned a number; ${expect}`,
    `throw odd: HubError: hub: ${at} failed: an error that cannot be shown as text`,
  ]);
});

test.serial("requests pending at once are bounded by max_pending: one more is refused with a clear error, a relay answers FAILED, and the id search ends", async (t) => {
  /*
   * Before, the id search went on for ever once all 65535 ids were pending
   * (XS's job queue and timers make 65535 pending requests take minutes in
   * any case, on a device they would not fit): now at most max_pending are.
   */
  const ran = await network(t, [`${prelude()}
hub.serve(() => "fine");
await sleep(2500);
hub.stop();
`, `${prelude("{ max_pending: 3 }")}
const waiting = [1, 2, 3].map((i) => outcome(hub.request(mac(9), "no one there " + i, 500)));
trace("a fourth: " + await outcome(hub.request(mac(9), "and one more", 500)) + "\\n");
trace("a ping: " + await hub.ping(mac(9)).then(String, (error) => error.message) + "\\n");
trace((await Promise.all(waiting)).map((o) => o.split(":")[0]).join(", ") + "\\n");
trace("then: " + await outcome(hub.request(mac(0), "hello", 500)) + "\\n");
for (const bad of [0, 65536]) try { new Hub({ max_pending: bad }); } catch (error) { trace(error.message + "\\n"); }
hub.stop();
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[1], [
    "a fourth: Error: hub: 3 requests and pings are pending, the most max_pending allows",
    "a ping: hub: 3 requests and pings are pending, the most max_pending allows",
    "TimeoutError, TimeoutError, TimeoutError",
    "then: ok fine",
    "hub: max_pending must be a positive integer, got 0",
    "hub: max_pending must be at most 65535 (a request id has 16 bits), got 65536",
  ]);
});

test.serial("a relay with max_pending requests of its own pending answers FAILED", async (t) => {
  const ran = await network(t, [`${prelude("{ max_pending: 2, relay: true, timeout_ms: 1000 }")}
const mine = [1, 2].map(() => hub.request(mac(9), "anyone?").catch(() => {}));
hub.serve(() => "fine");
await Promise.all(mine);
await sleep(1000);
hub.stop();
`, `${prelude()}
await sleep(200);
trace("relayed: " + await outcome(hub.request([mac(0), mac(7)], "through you", 3000)) + "\\n");
hub.stop();
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[1], ["relayed: HubError: hub: relay by 02:45:4e:53:00:00: hub: 2 requests and pings are pending, the most max_pending allows"]);
});

test.serial("a repeat that comes after its answer was forgotten is answered FAILED, not handled a second time", async (t) => {
  /* node0 asks by hand: request 5, then 6, 7 and 8, which push 5's answer out of a hub that remembers 2, then 5 again */
  const ran = await network(t, [`${rawPrelude()}
const hub = mac(1);
await ready(hub);
for (const id of [5, 6, 7, 8, 5]) {
  await put(hub, frameOf(REQUEST, id, 0, 0, requestOf([], bytes("q" + id))));
  trace(id + ": " + await responseTo(id) + "\\n");
}
await put(hub, frameOf(REQUEST, 9, 0, 0, requestOf([], bytes("done"))));
await responseTo(9);
e.active(false);
`, `${prelude("{ remembered: 2 }")}
const calls = {};
hub.serve((from, body) => {
  const words = text(body);
  calls[words] = (calls[words] ?? 0) + 1;
  if (words === "done") { trace("q5 handled " + calls.q5 + " time(s)\\n"); Timer.set(() => hub.stop(), 300); }
  return "re " + words;
});
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [
    "5: ok re q5",
    "6: ok re q6",
    "7: ok re q7",
    "8: ok re q8",
    "5: failed hub: request 5 was answered by 02:45:4e:53:00:01 and its answer forgotten (it remembers 2); it is not handled twice",
  ]);
  t.deepEqual(ran.output[1], ["q5 handled 1 time(s)"]);
});

test.serial("the rest of the API checks its arguments: same, serve, onMessage and follow throw a TypeError that says what they got, and a value whose String() throws is described", async (t) => {
  const ran = await network(t, [`${prelude()}
const fake = Object.create(Uint8Array.prototype);
for (const bad of [
  () => hub.same(1, mac(9)),
  () => hub.same(mac(9), fake),
  () => hub.serve(42),
  () => hub.onMessage("callback"),
  () => hub.follow(mac(9), {}, 5),
  () => hub.follow(mac(9), null),
  () => new Hub({ relay: fake }),
  () => new Hub({ retry_ms: fake }),
]) {
  try { bad(); trace("accepted\\n"); } catch (error) { trace(error.name + ": " + error.message + "\\n"); }
}
hub.stop();
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [
    "TypeError: hub: same: a MAC must be a Uint8Array of 6 bytes",
    "TypeError: hub: same: a MAC must be a Uint8Array of 6 bytes",
    "TypeError: hub: serve: the handler must be a function or null, got a number",
    "TypeError: hub: onMessage: the callback must be a function or null, got a string",
    "TypeError: hub: follow: the listener must be a function or null, got a number",
    "TypeError: hub: follow: options must be an object, got null",
    "TypeError: hub: relay must be true or false, got an object that only claims to be a Uint8Array",
    "RangeError: hub: retry_ms must be a positive integer, got an object that only claims to be a Uint8Array",
  ]);
});
