/*
 * The hub layer (modules/espnow-hub) in scenarios on the simulated air: each
 * node runs a small program with the hub; the test reads what each printed.
 * HUB_REQUESTS sets how many requests the lossy-air scenario makes (default
 * 1000, the acceptance figure: about 16 s).
 */

import test from "ava";
import { network, prelude } from "./helpers.ts";

const REQUESTS = Number(process.env.HUB_REQUESTS ?? 1000);

test.serial("with 30% loss on every frame, every request is answered exactly once and handled once, while pings interleave", async (t) => {
  const server = `${prelude()}
const alive = Timer.repeat(() => hub.send(mac(1), "ping"), 20);
/* how many times request "q<n>" was handled, by n: a Map of ${REQUESTS} strings would take half of an ESP32-C3's memory */
const calls = new Uint8Array(${REQUESTS});
let others = 0;
hub.serve((from, body) => {
  const words = text(body);
  if (words === "done") {
    trace("handled " + (calls.filter((n) => n > 0).length + others) + " requests, " + calls.filter((n) => n > 1).length + " more than once\\n");
    Timer.set(() => { Timer.clear(alive); hub.stop(); }, 1000);
    return "bye";
  }
  const n = /^q[0-9]+$/.test(words) ? Number(words.slice(1)) : -1;
  if (n >= 0 && n < calls.length) calls[n] = Math.min(255, calls[n] + 1);
  else others++;
  return "re " + words;
});
`;
  const client = `${prelude()}
let pings = 0;
hub.onMessage((from, body) => { if (text(body) === "ping") pings++; });
const server = mac(0);
let answered = 0, wrong = 0, failed = 0, next = 0;
async function worker() {
  while (next < ${REQUESTS}) {
    const n = next++;
    try {
      const reply = text(await hub.request(server, "q" + n, 10000));
      if (reply === "re q" + n) answered++; else wrong++;
    } catch (error) { failed++; trace(String(error) + "\\n"); }
  }
}
await Promise.all([worker(), worker(), worker(), worker()]);
trace("answered " + answered + ", wrong " + wrong + ", failed " + failed + "\\n");
trace("pings " + (pings > 0 ? "interleaved" : "none") + "\\n");
trace("done: " + text(await hub.request(server, "done", 10000)) + "\\n");
hub.stop();
`;
  const started = Date.now();
  const ran = await network(t, [server, client], { air: { loss: 0.3 } });
  t.log(`${REQUESTS} requests over 30% loss in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [`handled ${REQUESTS} requests, 0 more than once`]);
  t.deepEqual(ran.output[1], [`answered ${REQUESTS}, wrong 0, failed 0`, "pings interleaved", "done: bye"]);
});

test.serial("a request to a node that does not answer fails with a TimeoutError after its timeout; bad arguments throw and send nothing", async (t) => {
  const ran = await network(t, [`${prelude()}
const started = Date.now();
try { await hub.request(mac(9), "anyone?", 300); } catch (error) { trace(error.name + " after " + (Date.now() - started >= 300 ? "300" : "less than 300") + " ms\\n"); }
trace("ping " + await hub.ping(mac(9), 200) + "\\n");
for (const bad of [
  () => hub.request(Uint8Array.of(1, 2, 3), "short mac"),
  () => hub.request([], "no peer"),
  () => hub.request(mac(9), 42),
  () => hub.request(mac(9), new Uint8Array(16385)),
  () => hub.request([mac(1), mac(2), mac(3), mac(4), mac(5), mac(6)], "too far"),
  () => hub.send(mac(9), new Uint8Array(1467)), // the simulator's nodes speak ESP-NOW v2 unless told otherwise
  () => hub.request(mac(9), "when?", -1),
  () => hub.ping(mac(9), 1.5),
  () => new Hub({ retry_ms: 0 }),
  () => new Hub({ frame_len: 1471 }),
]) {
  try { bad(); trace("accepted\\n"); } catch (error) { trace(error.name + ": " + error.message + "\\n"); }
}
trace("peers " + hub.e.get_peers().length + "\\n");
hub.stop();
try { await hub.request(mac(9), "after stop"); } catch (error) { trace(error.message + "\\n"); }
`]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [
    "TimeoutError after 300 ms",
    "ping false",
    "TypeError: hub: request: a MAC must be a Uint8Array of 6 bytes",
    "RangeError: hub: request needs a peer or a path of peers",
    "TypeError: hub: a body must be a Uint8Array or a string, got a number",
    "RangeError: hub: a request body must be at most 16384 bytes (max_message), got 16385",
    "RangeError: hub: a path may go 4 hops beyond the first, got 5",
    "RangeError: hub: send() carries at most 1466 bytes in its one frame, got 1467; request() fragments larger bodies",
    "RangeError: hub: request: timeout_ms must be a positive integer, got -1",
    "RangeError: hub: ping: timeout_ms must be a positive integer, got 1.5",
    "RangeError: hub: retry_ms must be a positive integer, got 0",
    "RangeError: hub: frame_len must be 16..1470, got 1471",
    "peers 1", // mac(9), registered by the request and the ping
    "hub: not started (call start() first)",
  ]);
});

test.serial("a request is relayed through the hub to a node two hops away, within the hop limit; errors come back as HubError", async (t) => {
  /* node0 and node2 cannot hear each other (loss 1 both ways); node1 relays */
  const requester = `${prelude()}
trace("direct: " + await outcome(hub.request(mac(2), "are you there?", 500)) + "\\n");
trace("relayed: " + await outcome(hub.request([mac(1), mac(2)], "hello far node")) + "\\n");
trace("back through a node that does not relay: " + await outcome(hub.request([mac(1), mac(2), mac(1)], "and back")) + "\\n");
trace("beyond the relay's hop limit: " + await outcome(hub.request([mac(1), mac(2), mac(1), mac(2)], "too far")) + "\\n");
trace("failing handler: " + await outcome(hub.request([mac(1), mac(2)], "fail")) + "\\n");
trace("to nobody: " + await outcome(hub.request([mac(1), mac(7)], "hello?", 3000)) + "\\n");
await hub.request([mac(1), mac(2)], "done");
await hub.request(mac(1), "done");
hub.stop();
`;
  const relay = `${prelude("{ relay: true, max_hops: 2, timeout_ms: 1000 }")}
hub.serve((from, body) => { if (text(body) === "done") Timer.set(() => hub.stop(), 500); return null; });
`;
  const far = `${prelude()}
hub.serve((from, body) => {
  const words = text(body);
  if (words === "fail") throw new Error("no such command");
  if (words === "done") Timer.set(() => hub.stop(), 500);
  return "far node heard '" + words + "' from " + (from[5] === 1 ? "the relay" : "someone else");
});
`;
  const ran = await network(t, [requester, relay, far], { air: { links: [{ src: 0, dst: 2, p: 1 }, { src: 2, dst: 0, p: 1 }] } });
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [
    "direct: TimeoutError: hub: no response from 02:45:4e:53:00:02 within 500 ms",
    "relayed: ok far node heard 'hello far node' from the relay",
    "back through a node that does not relay: HubError: hub: 02:45:4e:53:00:02 does not relay (create its Hub with relay: true)",
    "beyond the relay's hop limit: HubError: hub: hop limit: the path goes 3 hops beyond 02:45:4e:53:00:01, at most 2",
    "failing handler: HubError: hub: the handler at 02:45:4e:53:00:02 failed: Error: no such command",
    "to nobody: HubError: hub: relay by 02:45:4e:53:00:01: hub: no response from 02:45:4e:53:00:07 within 1000 ms",
  ]);
});

/* A 10 kB request whose handler checks it and answers 10 kB: fragments both ways. */
const transfer = (loss: number) => [`${prelude()}
const body = new Uint8Array(10240);
for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 8)) & 255;
const started = Date.now();
const reply = await hub.request(mac(1), body, 20000);
let intact = reply.length === 10240;
for (let i = 0; intact && i < reply.length; i++) intact = reply[i] === ((i * 13 + 5) & 255);
trace("response of " + reply.length + " bytes " + (intact ? "intact" : "corrupt") + "\\n");
trace("took " + (Date.now() - started) + " ms\\n");
await hub.request(mac(1), "done");
hub.stop();
`, `${prelude()}
let calls = 0;
hub.serve((from, body) => {
  if (text(body.subarray(0, 4)) === "done") { Timer.set(() => hub.stop(), 500); return null; }
  calls++;
  let intact = body.length === 10240;
  for (let i = 0; intact && i < body.length; i++) intact = body[i] === ((i * 7 + (i >> 8)) & 255);
  trace("request of " + body.length + " bytes " + (intact ? "intact" : "corrupt") + ", handled " + calls + " time(s)\\n");
  const reply = new Uint8Array(10240);
  for (let i = 0; i < reply.length; i++) reply[i] = (i * 13 + 5) & 255;
  return reply;
});
`];

for (const [version, frames, loss] of [[1, 42, 0], [1, 42, 0.2], [2, 7, 0], [2, 7, 0.2]] as const) {
  test.serial(`a 10 kB message is delivered intact both ways over ${version === 1 ? 250 : 1470}-byte frames (ESP-NOW v${version}, ${frames} fragments)${loss ? `, with ${loss * 100}% loss` : ""}`, async (t) => {
    const ran = await network(t, transfer(loss), { version, air: { loss } });
    t.is(ran.code, 0, ran.text);
    t.deepEqual(ran.output[1], ["request of 10240 bytes intact, handled 1 time(s)"]);
    t.is(ran.output[0][0], "response of 10240 bytes intact");
    t.log(`10240 bytes each way, v${version}${loss ? `, ${loss * 100}% loss` : ""}: ${ran.output[0][1]}`);
  });
}

test.serial("1 hub and 5 nodes: the hub moves from channel 6 to 11, and every node finds it again within 10 s", async (t) => {
  const hubMain = `${prelude()}
const heard = new Set();
hub.serve((from, body) => {
  const words = text(body);
  heard.add(from[5] + " " + words);
  if (words === "hello" && [...heard].filter((w) => w.endsWith(" hello")).length === 5 && !moved) {
    moved = true;
    Timer.set(() => { trace("moved at " + Date.now() + "\\n"); sta.config({ channel: 11 }); }, 300);
  }
  if (words === "back" && [...heard].filter((w) => w.endsWith(" back")).length === 5) Timer.set(() => hub.stop(), 1000);
  return "ok";
});
let moved = false;
`;
  const node = `${prelude()}
let back = false;
hub.follow(mac(0), {}, (event, channel, ms) => {
  if (event === "found") trace("found on " + channel + " at " + Date.now() + "\\n");
  back ||= event === "found" && channel === 11;
});
while (true) { try { await hub.request(mac(0), "hello", 1000); break; } catch { /* the hub is not up yet */ } }
/* found, not only on channel 11: the scan sets the channel before its ping is answered, and a request sent in between could be answered first */
while (!back) await sleep(100);
trace("back: " + text(await hub.request(mac(0), "back", 5000)) + "\\n");
await sleep(1500);
hub.stop();
`;
  const ran = await network(t, [hubMain, node, node, node, node, node], { channel: 6 });
  t.is(ran.code, 0, ran.text);
  const moved = Number(/^moved at (\d+)$/.exec(ran.output[0][0] ?? "")?.[1]);
  t.true(moved > 0, ran.text);
  const times: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const found = /^found on 11 at (\d+)$/.exec(ran.output[i][0] ?? "");
    t.truthy(found, `node${i}: ${ran.output[i].join(" / ")}`);
    t.deepEqual(ran.output[i].slice(1), ["back: ok"]);
    times.push(Number(found?.[1]) - moved);
  }
  t.log(`back in contact after ${times.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(", ")}`);
  for (const ms of times) t.true(ms > 0 && ms < 10000, `${ms} ms`);
});

test.serial("both MACs of a device: a response from the STA interface answers a request sent to the AP, and a pong names both", async (t) => {
  const server = `${prelude()}
new WLAN(WLAN.IF_AP).active(true);
let calls = 0;
hub.serve((from, body) => { calls++; if (text(body) === "done") Timer.set(() => hub.stop(), 500); return "re " + text(body); });
`;
  const client = `${prelude()}
new WLAN(WLAN.IF_AP).active(true);
const heardFrom = () => [...hub.e.peers_table.keys()].map((key) => (key[3] === 0x41 ? "AP" : "STA")).join(" and ");
trace("known as one device before: " + hub.same(mac(0), apMac(0)) + "\\n");
trace("to the AP: " + await outcome(hub.request(apMac(0), "one")) + ", answered from its " + heardFrom() + "\\n");
trace("known as one device after the response: " + hub.same(mac(0), apMac(0)) + "\\n");
trace("ping " + await hub.ping(apMac(0)) + "\\n");
trace("to the STA: " + await outcome(hub.request(mac(0), "two")) + "\\n");
await hub.request(apMac(0), "done");
hub.stop();
`;
  const ran = await network(t, [server, client]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[1], [
    "known as one device before: false",
    "to the AP: ok re one, answered from its STA",
    "known as one device after the response: true",
    "ping true",
    "to the STA: ok re two",
  ]);
});

test.serial("21 nodes talk to one hub: peers are registered and evicted within ESP-NOW's 20, and every request is answered", async (t) => {
  const nodes = 21;
  /* more requesters than ESP-NOW has peers: the hub remembers an answer for each, so that no repeat runs a handler twice */
  const hubMain = `${prelude("{ remembered: 32 }")}
let most = 0, answered = 0;
const seen = new Set();
hub.serve((from, body) => {
  most = Math.max(most, hub.e.peer_count()[0]);
  seen.add(from[5]);
  if (++answered === ${nodes * 3}) Timer.set(() => { trace("answered " + answered + " requests from " + seen.size + " nodes, at most " + most + " peers registered\\n"); hub.stop(); }, 2000);
  return "re " + text(body);
});
`;
  const node = `${prelude()}
let ok = 0;
for (let round = 0; round < 3; round++) {
  for (;;) {
    try { if (text(await hub.request(mac(0), "round " + round, 2000)) === "re round " + round) ok++; break; } catch { /* the hub is not up yet */ }
  }
  await sleep(100);
}
trace(ok + " answered\\n");
await sleep(2500);
hub.stop();
`;
  const ran = await network(t, [hubMain, ...Array.from({ length: nodes }, () => node)]);
  t.is(ran.code, 0, ran.text);
  t.deepEqual(ran.output[0], [`answered ${nodes * 3} requests from ${nodes} nodes, at most 20 peers registered`]);
  for (let i = 1; i <= nodes; i++) t.deepEqual(ran.output[i], ["3 answered"], `node${i}`);
});
