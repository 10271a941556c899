/*
 * A hostile node, for the hub's fuzzer and flood test: a program (on
 * AIOESPNow, no Hub) that sends a hub random frames, valid frames mutated,
 * frames it sent before again (replayed, and twice in a row), responses and
 * acknowledgements for the ids it overhears the hub use, and whole fragment
 * sets of requests too long for it. Deterministic from its seed (Park-Miller:
 * exact in doubles, no shifts). Every `check` frames it asks the hub a valid
 * request of its own and counts the answers.
 */

import { rawPrelude } from "./helpers.ts";

export interface HostileOptions {
  seed: number;
  /** the hub's node index */
  target: number;
  /** stop after this many frames, or after this many ms, whichever first */
  frames: number;
  ms: number;
  /** a valid request of its own every so many frames */
  check: number;
}

/* Request ids the fuzzer never uses at random: its own checks' */
export const CHECK_IDS = 61000;

export const hostile = (o: HostileOptions) => `${rawPrelude()}
let seed = ${o.seed % 2147483646 + 1};
const rand = (n) => (seed = (seed * 48271) % 2147483647) % n;
const randomBytes = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = rand(256); return b; };
const cat = (...parts) => { const b = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); parts.reduce((at, p) => (b.set(p, at), at + p.length), 0); return b; };
const target = mac(${o.target});
const kinds = [REQUEST, RESPONSE, MESSAGE, PING, PONG, ACK];
const heard = [];   // ids the hub used in its requests and pings, most recent last
const sent = [];    // frames sent, for replays
const counts = { random: 0, mutated: 0, replayed: 0, duplicated: 0, oversized: 0 };
let frames = 0, checks = 0, answered = 0;
const randomId = () => { const id = rand(65536); return id >= ${CHECK_IDS} && id < ${CHECK_IDS + 1000} ? id - 1000 : id; };
const someId = () => heard.length && rand(2) ? heard[rand(heard.length)] : randomId();
/* the MACs it names in paths and pongs: a few, since AIOESPNow keeps a lane for every MAC it was asked to send to */
const someMac = () => [target, mac(rand(4)), mac(100 + rand(8)), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff)][rand(4)];
function valid() {
  const id = someId();
  switch (rand(8)) {
    case 0: { const path = Array.from({ length: rand(3) ? 0 : rand(7) }, someMac); return frameOf(REQUEST, id, 0, 0, requestOf(path, randomBytes(rand(40)))); }
    case 1: { const count = 2 + rand(rand(4) ? 8 : 254); return frameOf(rand(3) ? REQUEST : RESPONSE, id, rand(4) ? rand(count) : rand(256), count, randomBytes(rand(4) ? rand(300) : rand(1465))); }
    case 2: return frameOf(RESPONSE, id, 0, 0, cat([rand(3)], randomBytes(rand(30))));
    case 3: { const count = rand(2) ? rand(256) : 2 + rand(20); return frameOf(ACK, id, 0, 0, cat([[REQUEST, RESPONSE, rand(256)][rand(3)], count], randomBytes(rand(2) ? (count + 7) >> 3 : rand(40)))); }
    case 4: return frameOf(PONG, id, 0, 0, rand(2) ? cat(someMac(), someMac()) : randomBytes(rand(20)));
    case 5: return frameOf(PING, id, 0, 0, randomBytes(rand(3)));
    case 6: return frameOf(MESSAGE, id, 0, 0, randomBytes(rand(100)));
    default: return frameOf(kinds[rand(6)] | (rand(2) ? 0x80 : 0), id, rand(256), rand(256), randomBytes(rand(50)));
  }
}
function mutated(f) {
  let g = f.slice();
  for (let n = 1 + rand(4); n > 0; n--) if (g.length) g[rand(g.length)] ^= 1 << rand(8);
  if (!rand(5)) g = g.subarray(0, rand(g.length + 1));
  if (!rand(5)) { const h = new Uint8Array(Math.min(1470, g.length + 1 + rand(64))); h.set(g); h.set(randomBytes(h.length - g.length), g.length); g = h; }
  return g;
}
async function send(f) {
  frames++;
  sent.push(f);
  if (sent.length > 32) sent.shift();
  try { await put(target, f); } catch { /* a frame ESP-NOW refuses (empty, too long) */ }
}
/* what the hub sent: its request and ping ids, to answer them wrongly */
async function overhear() {
  for (;;) {
    const [, msg] = await e.arecv(0);
    if (!msg) return;
    if (msg.length >= 4 && msg[0] === 0xe5 && ((msg[1] & 15) === REQUEST || (msg[1] & 15) === PING)) {
      heard.push((msg[2] << 8) | msg[3]);
      if (heard.length > 16) heard.shift();
    }
  }
}
async function oversized() {
  const id = someId(), count = 2 + rand(20), share = 200 + rand(1265);
  for (let i = 0; i < count; i++) await send(frameOf(REQUEST, id, i, count, cat([0], randomBytes(share - 1))));
}
await ready(target);
const started = Date.now();
while (frames < ${o.frames === Infinity ? "Infinity" : o.frames} && Date.now() - started < ${o.ms}) {
  const r = rand(16);
  if (r < 2) { counts.random++; await send(rand(2) ? randomBytes(rand(260)) : cat([0xe5], randomBytes(rand(260)))); }
  else if (r < 4 && sent.length) { counts.replayed++; await send(sent[rand(sent.length)]); }
  else if (r < 5 && sent.length) { counts.duplicated++; const f = sent[sent.length - 1]; await send(f); await send(f); }
  else if (r < 6 && !rand(8)) { counts.oversized++; await oversized(); }
  else if (r < 10) { counts.mutated++; await send(mutated(valid())); }
  else await send(valid());
  await overhear();
  if (frames >= (checks + 1) * ${o.check}) {
    const id = ${CHECK_IDS} + (checks % 1000);
    checks++;
    if ((await ask(target, id, bytes("check " + checks))) !== "no response") answered++;
  }
}
await sleep(1500); // what the hub still does with the last frames
await overhear();
const final = ${CHECK_IDS + 999};
const last = await ask(target, final, bytes("final"));
trace("hostile seed ${o.seed}: " + frames + " frames (" + Object.entries(counts).map(([k, v]) => v + " " + k).join(", ") + "), " + answered + " of " + checks + " checks answered, then " + last + "\\n");
await ask(target, final - 1, bytes("done"), 2000);
e.active(false);
`;
