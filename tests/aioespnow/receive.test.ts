/*
 * AIOESPNow's readers: arecv(), airecv(), async iteration, timeouts, the order
 * readers are served in, and who gets a message when irq is also set.
 * Node 1 sends; node 0 reads. Node 0 tells node 1 when it is ready for each
 * batch ("go"), so that what a test checks does not depend on timing, and
 * first takes node 1's reach() greeting.
 */

import test from "ava";
import { join } from "node:path";
import { ROOT, runScript } from "../../tools/sim/build.ts";
import { aioNode, macOf, node, prebuild, runNodes, succeeded } from "./helpers.ts";

const FAKE_RADIO_AIO = join(ROOT, "tests/fixtures/fakeradio/aio.json");

test.before(prebuild);

/** Node 1: reach node 0, then for each batch wait for "go" and send it ("pause N": wait N ms instead). */
function sender(batches: string[][]): string {
  return node([0], `reach(peer0);
    for (const batch of ${JSON.stringify(batches)}) {
      expect("go");
      for (const m of batch) if (m.startsWith("pause ")) Timer.delay(Number(m.slice(6))); else e.send(peer0, m);
    }`);
}

test("arecv returns new buffers and airecv the same array and buffer each time, both with the sender and the peers_table", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");e.send(peer0, "go");
      const a = await e.arecv(), b = await e.arecv();
      say("arecv", text(a[1]), text(b[1]), hex(a[0]), a !== b, a[1] !== b[1], a[0] === b[0], e.peers_table.has(a[0]));
      const c = await e.airecv(), cMsg = c[1], cText = text(c[1]);
      const d = await e.airecv();
      say("airecv", cText, text(d[1]), c === d, cMsg === d[1], d[0] === a[0]);
      done();`) },
    { source: sender([["one", "two", "three", "four"]]) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [`arecv one two ${macOf(1)} true true true true`, "airecv three four true true true"]);
});

test("async iteration yields [mac, msg] in order until break", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");e.send(peer0, "go");
      /* in functions: XS 13.3 crashes on a module whose only top-level await is a for await */
      async function collect() {
        const got = [];
        for await (const [mac, msg] of e) { got.push(text(msg)); if (text(msg) === "stop") break; }
        say(got.join(" "));
      }
      async function first() {
        for await (const [mac, msg] of e) { say("again", text(msg), hex(mac)); break; }
      }
      await collect();
      e.send(peer0, "go");
      await first();
      done();`) },
    { source: sender([["a", "b", "c", "stop"], ["d"]]) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["a b c stop", `again d ${macOf(1)}`]);
});

test("timeout_ms: [null, null] once it passes, 0 for only what is ready, a message that comes in time is returned", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");
      let start = Date.now();
      const none = await e.arecv(300);
      const waited = Date.now() - start;
      say("arecv(300)", JSON.stringify(none), waited >= 290 && waited < 1500);
      start = Date.now();
      say("airecv(0)", JSON.stringify(await e.airecv(0)), Date.now() - start < 100);
      e.send(peer0, "go");
      say("in time", text((await e.airecv(5000))[1]), text((await e.arecv(null))[1]));
      await until(() => e.any(), 5000);
      say("ready", text((await e.arecv(0))[1]));
      const [early, late] = await Promise.all([e.arecv(100), e.arecv(-1), e.send(peer0, "go")]);
      say("expired first in line", JSON.stringify(early), text(late[1]));
      try { await e.arecv("soon"); } catch (error) { say(error.name, error.message); }
      done();`) },
    { source: sender([["now", "then", "waiting"], ["pause 300", "later"]]) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "arecv(300) [null,null] true",
    "airecv(0) [null,null] true",
    "in time now then",
    "ready waiting",
    "expired first in line [null,null] later",
    "TypeError arecv: timeout_ms must be a number or null, got soon",
  ]);
});

test("readers are served in the order they started waiting, whatever their kind", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");
      const order = [];
      const readers = [e.airecv(), e.arecv(), e.airecv(), e.arecv(), e.airecv()].map((p, i) => p.then(([, msg]) => order.push(i + "=" + text(msg))));
      e.send(peer0, "go");
      await Promise.all(readers);
      say(order.join(" "));
      done();`) },
    { source: sender([["m0", "m1", "m2", "m3", "m4"]]) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["0=m0 1=m1 2=m2 3=m3 4=m4"]);
});

/* serial: its 1000 frames would slow the file's other nodes, which run at the same time, towards their watchdogs */
test.serial("1000 messages consumed by 10 concurrent readers: none lost, none duplicated", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");
      const seen = new Uint16Array(1000);
      const perReader = new Array(10).fill(0);
      let total = 0;
      async function reader(index) {
        while (total < 1000) {
          const [mac, msg] = index % 2 ? await e.airecv() : await e.arecv();
          if (!mac) continue;
          seen[msg[0] * 256 + msg[1]]++;
          perReader[index]++;
          total++;
        }
      }
      const readers = Array.from({ length: 10 }, (_, i) => reader(i));
      e.send(peer0, "go");
      await Promise.race(readers);
      say("total", total, "each seen once", seen.every((n) => n === 1), "every reader served", perReader.every((n) => n > 0));
      say("dropped", e.stats()[4]);
      e.send(peer0, "done");
      done();`, { watchdogMs: 30000 }) },
    { source: aioNode([0], `reach(peer0); expect("go");
      let acked = 0;
      for (let i = 0; i < 1000; i++) if (await e.asend(peer0, Uint8Array.of(i >> 8, i & 255, 1, 2, 3))) acked++;
      say("acked", acked);
      expect("done");
      done();`, { watchdogMs: 30000 }) },
  ], { timeoutMs: 60000 });
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["total 1000 each seen once true every reader served true", "dropped 0"]);
  t.deepEqual(results[1].lines, ["acked 1000"]);
});

test("with irq set, a message goes to the oldest waiting reader; irq gets only those no reader waits for", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");
      const irqGot = [];
      e.irq((self) => { for (;;) { const [mac, msg] = self.irecv(0); if (!mac) return; irqGot.push(text(msg)); } });
      e.send(peer0, "go");
      await until(() => irqGot.length >= 3, 5000);
      const readerGot = [];
      const reading = (async () => { for await (const [mac, msg] of e) { readerGot.push(text(msg)); if (readerGot.length === 5) break; } })();
      e.send(peer0, "go");
      await reading;
      say("arecv", text((await Promise.all([e.arecv(), e.send(peer0, "go")]))[0][1]));
      await until(() => irqGot.length >= 5, 5000);
      say("irq", irqGot.join(" "));
      say("reader", readerGot.join(" "));
      done();`) },
    { source: sender([["a1", "a2", "a3"], ["b1", "b2", "b3", "b4", "b5"], ["c1", "c2", "c3"]]) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["arecv c1", "irq a1 a2 a3 c2 c3", "reader b1 b2 b3 b4 b5"]);
});

test("with irq set, a reader that takes a batch of waiting messages one by one gets each in turn, and irq the rest once it stops asking", async (t) => {
  /* Seven messages reach the ring in one wake-up. The for await loop is
     served its second message in its own next() call, while the job that
     offers irq the rest still waits: that job must wait for this reader's
     turn too, or irq empties the ring through the array the reader has not
     read yet (it read [null, null]). */
  const result = await runScript(`
import AIOESPNow from "aioespnow";
import { inject } from "fakeradio";
import Timer from "timer";
const e = new AIOESPNow();
e.active(true);
const mac = Uint8Array.of(2, 0, 0, 0, 0, 2);
let irqGot = [];
e.irq((self) => { for (;;) { const [m, msg] = self.irecv(0); if (!m) return; irqGot.push(msg[0]); } });
const loops = {
  async iteration(got) { for await (const [, msg] of e) { got.push(msg[0]); if (got.length === 5) break; } },
  async airecv(got) { while (got.length < 5) got.push((await e.airecv())[1][0]); },
};
for (const name in loops) {
  const got = [];
  irqGot = [];
  const reading = loops[name](got);
  for (let i = 1; i <= 7; i++) inject(mac, Uint8Array.of(i), -40);
  await reading;
  await new Promise((resolve) => Timer.set(resolve, 20));
  trace(name + ": reader " + got.join(" ") + ", irq " + irqGot.join(" ") + "\\n");
}
e.active(false);
`, [FAKE_RADIO_AIO], { timeoutMs: 30000 });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.stdout.trim().split("\n"), ["iteration: reader 1 2 3 4 5, irq 6 7", "airecv: reader 1 2 3 4 5, irq 6 7"]);
});

test("timeouts share one alarm: readers expire in deadline order, not start order; a reader served early leaves the alarm, and a shorter timeout after it still expires in time", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `expect("hi");
      const order = [];
      await Promise.all([300, 100, 200].map((ms) => e.airecv(ms).then(([mac]) => order.push(ms + (mac ? " message" : " none")))));
      say("order", order.join(", "));
      const long = e.airecv(20000);
      e.send(peer0, "go");
      const [, msg] = await long;
      const started = Date.now();
      const [none] = await e.airecv(100);
      say("served", text(msg), "then", none === null, Date.now() - started < 10000);
      done();`, { watchdogMs: 15000 }) },
    { source: sender([["m1"]]) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["order 100 none, 200 none, 300 none", "served m1 then true true"]);
});

test("active(false) rejects waiting readers with ESP_ERR_ESPNOW_NOT_INIT; reading or sending while inactive rejects, naming the call", async (t) => {
  const results = await runNodes([
    { source: aioNode([], `
      const waiting = [e.arecv(), e.airecv(), e[Symbol.asyncIterator]().next()].map((p) => p.then(() => "resolved", (error) => error.code));
      e.active(false);
      say("waiting", (await Promise.all(waiting)).join(" "));
      try { await e.airecv(); } catch (error) { say("inactive", error.name, error.code); say(error.message); }
      for (const read of [() => e.arecv(0), () => e[Symbol.asyncIterator]().next()]) try { await read(); } catch (error) { say(error.message); }
      /* a bad timeout is reported as such, off or on */
      try { await e.airecv("soon"); } catch (error) { say(error.name, error.message); }
      /* the error names the call */
      try { await e.asend("x"); } catch (error) { say(error.message); }
      say("active again", e.active(true));
      done();`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, [
    "waiting ESP_ERR_ESPNOW_NOT_INIT ESP_ERR_ESPNOW_NOT_INIT ESP_ERR_ESPNOW_NOT_INIT",
    "inactive ESPNowError ESP_ERR_ESPNOW_NOT_INIT",
    "airecv: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "arecv: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "async iteration: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "TypeError airecv: timeout_ms must be a number or null, got soon",
    "asend: ESP-NOW is not active (call active(true) first): ESP_ERR_ESPNOW_NOT_INIT",
    "active again true",
  ]);
});

test("aioespnow exports espnow's constants and ESPNowError", async (t) => {
  const results = await runNodes([
    { source: aioNode([], `
      import * as aio from "aioespnow";
      say(aio.MAX_DATA_LEN === espnow.MAX_DATA_LEN, aio.KEY_LEN, aio.ADDR_LEN, aio.MAX_TOTAL_PEER_NUM, aio.MAX_ENCRYPT_PEER_NUM, aio.ESPNowError === espnow.ESPNowError, aio.default === AIOESPNow);
      say("singleton", new AIOESPNow() === e, new AIOESPNow() instanceof espnow.default);
      done();`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["true 16 6 20 6 true true", "singleton true true"]);
});

test("a node whose only work left is an awaited arecv() or an irq callback runs on until a message comes, and ends once it turns ESP-NOW off", async (t) => {
  /* Nodes 0 and 1 have no timer: they tell node 2 they are ready, then only wait. Node 2 sends half a second later. */
  const results = await runNodes([
    { source: aioNode([2], `reach(peer0); e.send(peer0, "ready");
      const [mac, msg] = await e.arecv();
      say("arecv", text(msg), "from", hex(mac));`, { watchdogMs: 0 }) },
    { source: node([2], `
      e.irq((self) => { const [mac, msg] = self.irecv(0); if (!mac) return; say("irq", text(msg), "from", hex(mac)); self.irq(null); self.active(false); });
      reach(peer0); e.send(peer0, "ready");`, { open: true }) },
    { source: node([0, 1], `let ready = 0;
      while (ready < 2) { const [, msg] = e.recv(10000); if (!msg) throw new Error("nodes 0 and 1 not ready"); if (text(msg) === "ready") ready++; }
      Timer.delay(500);
      say("acked", e.send(peer0, "late"), e.send(peer1, "late"));`) },
  ], { timeoutMs: 15000 });
  succeeded(t, results);
  t.deepEqual(results[0].lines, [`arecv late from ${macOf(2)}`]);
  t.deepEqual(results[1].lines, [`irq late from ${macOf(2)}`]);
  t.deepEqual(results[2].lines, ["acked true true"]);
});
