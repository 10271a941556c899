/*
 * AIOESPNow echo servers and clients, modelled on MicroPython's
 * tests/multi_espnow/80_asyncio_client.py and 81_asyncio_server.py, and the
 * async example of the spec ("Supporting asyncio"), scaled to two seconds.
 * A client first reach()es its server with "hi" greetings, which the servers
 * here do not echo (MicroPython's multitest.next() does that job).
 */

import test from "ava";
import { aioNode, macOf, node, prebuild, runNodes, succeeded } from "./helpers.ts";

test.before(prebuild);

/* MicroPython's client_send(): "TEST: send/recv(msglen=12,sync=True): " then OK or an error. */
const clientSend = `
function client_send(peer, msg) {
  let line = "TEST: send/recv(msglen=" + msg.length + ",sync=True): ";
  try { if (!e.send(peer, msg, true)) line += "ERROR: Send failed."; } catch (error) { line += "ERROR: OSError:"; }
  return line;
}
let seed = 7;
function random12() { return Uint8Array.from({ length: 12 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 23); }
function same(a, b) { return !!a && !!b && a.length === b.length && a.every((byte, i) => byte === b[i]); }`;

test("80: an AIOESPNow client gets its messages back from a sync echo server with airecv", async (t) => {
  const results = await runNodes([
    { source: node([1], `say("Server Start");
      for (;;) {
        const [peer, msg] = e.irecv(5000);
        if (!peer) break;
        if (text(msg) === "hi") continue;
        if (!e.get_peers().some(([mac]) => mac === peer)) e.add_peer(peer);
        if (!e.send(peer, msg, true)) { say("ERROR: send() failed to", hex(peer)); break; }
        if (text(msg) === "!done") break;
      }
      say("Server Done");`, { register: false }) },
    { source: aioNode([0], `${clientSend}
      reach(peer0);
      say("airecv() test...");
      const msgs = [];
      for (let i = 0; i < 5; i++) { msgs.push(random12()); say(client_send(peer0, msgs[i]) + "OK"); }
      for (let i = 0; i < 5; i++) { const [mac, reply] = await e.airecv(); say(same(reply, msgs[i]) ? "OK" : "ERROR: Received != Sent"); }
      say("DONE");
      say(client_send(peer0, "!done") + "OK");
      const [, reply] = await e.airecv();
      say(text(reply) === "!done" ? "OK" : "ERROR: Received != Sent");
      e.active(false);
      done();`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["Server Start", "Server Done"]);
  t.deepEqual(results[1].lines, [
    "airecv() test...",
    ...Array(5).fill("TEST: send/recv(msglen=12,sync=True): OK"),
    ...Array(5).fill("OK"),
    "DONE",
    "TEST: send/recv(msglen=5,sync=True): OK",
    "OK",
  ]);
});

test("81: an AIOESPNow echo server (for await, asend) serves a sync client", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `say("Server Start");
      const peers = [];
      for await (const [peer, msg] of e) {
        if (text(msg) === "hi") continue;
        if (!peers.includes(peer)) { peers.push(peer); e.add_peer(peer); }
        if (!(await e.asend(peer, msg, true))) { say("ERROR: asend() failed to", hex(peer)); break; }
        if (text(msg) === "!done") break;
      }
      say("Server Done");
      e.active(false);
      done();`, { register: false }) },
    { source: node([0], `${clientSend}
      reach(peer0);
      for (let i = 0; i < 5; i++) {
        const msg = random12();
        const line = client_send(peer0, msg);
        const [, msg2] = e.irecv(5000);
        say(line + (same(msg2, msg) ? "OK" : "ERROR: Received != Sent"));
      }
      say("DONE");
      const line = client_send(peer0, "!done");
      const [, msg2] = e.irecv(5000);
      say(line + (text(msg2) === "!done" ? "" : "ERROR: Received != Sent"));
      e.active(false);`) },
  ]);
  succeeded(t, results);
  t.deepEqual(results[0].lines, ["Server Start", "Server Done"]);
  t.deepEqual(results[1].lines, [...Array(5).fill("TEST: send/recv(msglen=12,sync=True): OK"), "DONE", "TEST: send/recv(msglen=5,sync=True): "]);
});

test("the spec's async example: heartbeat pings and an echo server that registers unknown senders", async (t) => {
  const results = await runNodes([
    { source: aioNode([1], `
      reach(peer0);
      let running = true;
      // Send a periodic ping to a peer
      async function heartbeat(e, peer, period = 30) {
        while (running) {
          if (!(await e.asend(peer, "ping"))) say("Heartbeat: peer not responding:", hex(peer));
          else say("Heartbeat: ping", hex(peer));
          await sleep(period);
        }
      }
      // Echo any received messages back to the sender
      async function echo_server(e) {
        for await (const [mac, msg] of e) {
          if (text(msg) === "hi") continue;
          say("Echo:", text(msg));
          try {
            await e.asend(mac, msg);
          } catch (err) {
            if (err.code === "ESP_ERR_ESPNOW_NOT_FOUND") {
              e.add_peer(mac);
              await e.asend(mac, msg);
            } else throw err;
          }
        }
      }
      async function main(e, peer, timeout, period) {
        const beating = heartbeat(e, peer, period);
        /* ESP-NOW off at the end (node()) ends its wait */
        echo_server(e).catch((error) => { if (running) throw error; });
        await sleep(timeout);
        running = false;
        await beating;
      }
      await main(e, peer0, 2000, 200);
      done();`) },
    { source: node([0], `
      reach(peer0);
      for (let i = 0; i < 5; i++) e.send(peer0, "hello" + i);
      const echoes = [];
      let pings = 0;
      for (const end = Date.now() + 2500; Date.now() < end;) {
        const [, msg] = e.recv(Math.max(1, end - Date.now()));
        if (msg && text(msg) === "ping") pings++;
        else if (msg && text(msg) !== "hi") echoes.push(text(msg));
      }
      say("echoes", echoes.join(" "));
      /* about 10 in 2 s; at least 3 (a machine under TSan's slowness may manage 7): the heartbeat keeps beating while the echo server serves */
      say("pings", pings >= 3);`) },
    { source: node([0], `
      reach(peer0);
      e.send(peer0, "stranger");
      for (;;) { const [, msg] = e.recv(2000); if (!msg) { say("no echo"); break; } if (text(msg) === "stranger") { say("echo", text(msg)); break; } }`) },
  ]);
  succeeded(t, results);
  const lines = results[0].lines;
  t.deepEqual(lines.filter((line) => line.startsWith("Echo:")).sort(), ["Echo: hello0", "Echo: hello1", "Echo: hello2", "Echo: hello3", "Echo: hello4", "Echo: stranger"]);
  t.true(lines.filter((line) => line === `Heartbeat: ping ${macOf(1)}`).length >= 3, lines.join("\n"));
  t.false(lines.some((line) => line.includes("not responding")), lines.join("\n"));
  t.deepEqual(results[1].lines, ["echoes hello0 hello1 hello2 hello3 hello4", "pings true"]);
  t.deepEqual(results[2].lines, ["echo stranger"]);
});
