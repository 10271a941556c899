/*
 * ESPNow.prototype's irecv, recv, recvinto and next are host functions
 * (modESPNow.c's xs_espnow_irecv, _recv, _recvinto and _next): they take timeout_ms
 * when absent, undefined or an integer (a negative one: for ever), and hand
 * anything else (a fraction, null, NaN, another type), and ESP-NOW off, to the
 * checked paths of espnow.ts. What users see
 * must not change: the checked paths' errors, config()'s default timeout, one
 * irecv() array for every ESPNow object, and a recvinto() whose data's setters
 * turn ESP-NOW off (even on again) reads nothing. Messages come from the fake
 * radio.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";

const FAKE_RADIO = join(ROOT, "tests/fixtures/fakeradio/manifest.json");

const script = `
import ESPNow from "espnow";
import AIOESPNow from "aioespnow";
import { inject } from "fakeradio";
const e = new ESPNow();
e.active(true);
const aio = new AIOESPNow();
const a = Uint8Array.of(2, 0, 0, 0, 0, 1);
const say = (...parts) => trace(parts.join(" ") + "\\n");
const attempt = (label, fn) => {
  try {
    say(label, fn());
  } catch (error) {
    say(label, error.constructor.name, error.message);
  }
};
const send = (...bytes) => inject(a, Uint8Array.from(bytes), -40);

send(1);
const first = e.irecv(0);
send(2);
const second = aio.irecv(0);
say("one array", first === second, second[1][0]);

say("fraction", e.irecv(1.5)[0], e.recv(0.5)[0], e.recvinto([null, new Uint8Array(4)], 2.5));
attempt("string", () => e.irecv("5"));
attempt("NaN", () => e.recv(NaN));
attempt("object", () => e.recvinto([null, new Uint8Array(4)], {}));
send(3);
say("null", e.irecv(null)[1][0]);
send(4);
say("negative zero", e.recv(-0)[1][0]);

e.config({ timeout_ms: 0 });
say("default 0", e.irecv()[0], e.irecv(undefined)[0], e.recv()[0], e.recvinto([null, new Uint8Array(4)]), e.next().value === first, first[0]);
send(5);
say("default 0, waiting", e.recv()[1][0]);
send(9);
const step = e.next(), stepMessage = step.value[1][0];
/* next() takes no timeout: the default (0 here) however called */
say("next", step.done, step.value === first, stepMessage, e.next("bad").value[0], e.next(-1) === step, e[Symbol.iterator]() === e);

send(6);
const data = [null, new Uint8Array(4)];
Object.defineProperty(data, 0, {
  get() { return null; },
  set(value) {
    if (value !== null) return;
    e.active(false);
    e.active(true);
    send(7);
  },
  enumerable: true,
});
attempt("reopened", () => e.recvinto(data, 0));
say("then", e.irecv(0)[1][0], e.irecv(0)[0]);

send(8, 8, 8, 8, 8);
attempt("small", () => e.recvinto([null, new Uint8Array(2)], 0));
say("kept", e.irecv(0)[1].length);

/* recv()'s message, which the binding makes without the constructor: an ordinary Uint8Array of its own buffer */
send(3, 1, 4);
const [from, got] = e.recv(0);
const copy = got.slice(1);
got[0] = 300;
say("recv view", Object.getPrototypeOf(got) === Uint8Array.prototype, ArrayBuffer.isView(got), got.length, got.byteOffset, got.buffer.byteLength,
  got.buffer.resizable, got.join(), copy.join(), got.subarray(2)[0], Object.isExtensible(got), from.join(), e.recv(0)[1] === null);

e.active(false);
attempt("off irecv", () => e.irecv(0));
attempt("off recv", () => e.recv());
attempt("off recvinto", () => e.recvinto([null, new Uint8Array(4)], 0));
attempt("off next", () => e.next());
`;

test("the native irecv, recv, recvinto and next: checked paths for other timeouts and ESP-NOW off, the default timeout, one array for every ESPNow object, nothing read when data's setters reopen ESP-NOW", async (t) => {
  const result = await runScript(script, [FAKE_RADIO]);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), [
    "one array true 2",
    "fraction   0",
    "string TypeError irecv: timeout_ms must be a number or null, got 5",
    "NaN TypeError recv: timeout_ms must be a number or null, got NaN",
    "object TypeError recvinto: timeout_ms must be a number or null, got [object Object]",
    "null 3",
    "negative zero 4",
    "default 0    0 true ",
    "default 0, waiting 5",
    "next false true 9  true true",
    "reopened ESPNowError recvinto: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "then 7 ",
    "small RangeError recvinto: msg holds 2 bytes, the message has 5",
    "kept 5",
    "recv view true true 3 0 3 false 44,1,4 1,4 4 true 2,0,0,0,0,1 true",
    "off irecv ESPNowError irecv: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "off recv ESPNowError recv: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "off recvinto ESPNowError recvinto: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "off next ESPNowError irecv: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
  ]);
});

/*
 * The wake-up tells JS whether a message waits as it arrives (deliver() in
 * modESPNow.c looks at the ring), and onWake calls irq without asking again
 * when no JS has run since. A message read first by a blocking irecv(), or by
 * an on_send callback that the same wake runs before irq, must not bring an
 * irq call with nothing to read; one that still waits must.
 */
const wakeScript = `
import ESPNow from "espnow";
import Timer from "timer";
import { inject, txQueue, holdSends } from "fakeradio";
const e = new ESPNow();
e.active(true);
const a = Uint8Array.of(2, 0, 0, 0, 0, 1), peer = Uint8Array.of(2, 0, 0, 0, 0, 2);
e.add_peer(peer);
const say = (...parts) => trace(parts.join(" ") + "\\n");
let calls = 0, empty = 0, readBySend = 0;
e.irq((self) => { calls++; if (!self.irecv(0)[0]) empty++; while (self.irecv(0)[0]); });
const steps = [
  () => { inject(a, Uint8Array.of(1), -40); say("blocking read", e.irecv(0)[1][0]); },
  () => { say("after blocking read", calls, empty); inject(a, Uint8Array.of(2), -40); },
  () => {
    say("waiting one", calls, empty);
    e.on_send(() => { if (e.irecv(0)[0]) readBySend++; });
    txQueue(1);
    holdSends(true);
    e.send(peer, Uint8Array.of(3), false);
    inject(a, Uint8Array.of(4), -40);
    holdSends(false);
    /* the status counted before this turn ends: one wake brings both */
    while (e.stats()[1] < 1);
  },
  () => { say("read by on_send", readBySend, calls, empty); e.on_send(null); e.irq(null); e.active(false); },
];
let step = 0;
const next = () => { steps[step++](); if (step < steps.length) Timer.set(next, 50); };
next();
`;

test("irq is called when a message waits as its wake reaches JS: not for one a blocking irecv() or an on_send callback of the same wake read first", async (t) => {
  const result = await runScript(wakeScript, [FAKE_RADIO]);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), [
    "blocking read 1",
    "after blocking read 0 0",
    "waiting one 1 0",
    "read by on_send 1 1 0",
  ]);
});
